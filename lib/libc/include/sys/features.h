/*
 * sys/features.h - newlib's, plus _ALL_SOURCE, the name musl (and AIX)
 * give to "everything this C library has": newlib's defaults
 * (_DEFAULT_SOURCE) and the X/Open extensions (strptime, wcwidth ...),
 * which newlib shows only under _XOPEN_SOURCE.
 */
#ifndef LIBC_SYS_FEATURES_H
#define LIBC_SYS_FEATURES_H

#ifdef _ALL_SOURCE
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#endif

#include_next <sys/features.h>

#endif
