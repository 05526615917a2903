/*
 * icu.h - the Icu and Log singletons: boot objects every boot program gets
 * a capability to (docs/objects.md).
 */
#ifndef KERN_ICU_H
#define KERN_ICU_H

#include "kobj.h"

extern struct kobj icu_object;
extern struct kobj log_object;

extern const struct icu_ops icu_protocol;
extern const struct log_ops log_protocol;

#endif
