/*
 * stdlib.h - newlib's, without its itoa and utoa, which no standard has:
 * programs (toybox among them) name functions of their own so.  newlib's
 * are still there as __itoa and __utoa.
 */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

#define itoa __libc_hidden_itoa
#define utoa __libc_hidden_utoa
#include_next <stdlib.h>
#undef itoa
#undef utoa

#endif
