/*
 * rt_internal.h - what the pieces of lib/rt tell each other.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include <rt/rt.h>

/* env.c */
void rt_env_parse(char **envp);
void rt_cap_set(const char *name, mica_cap_t slot);

/* rm.c: start the region mapper thread, fill its table from the parent's
 * regions and make it the main thread's pager.  0 or -MICA_Exxx. */
int rt_rm_start(void);

#endif
