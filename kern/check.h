/*
 * check.h - the kernel's invariant checker: walks every object, capability
 * table, mapping and queue and checks that they agree with each other.
 * Run by the tests after each round of hostile operations
 * (MICA_DEBUG_CHECK); slow, never on a normal path.
 */
#ifndef KERN_CHECK_H
#define KERN_CHECK_H

/* 0 when everything is consistent; otherwise the number of violations,
 * each reported on the console. */
int kcheck_all(void);

#endif
