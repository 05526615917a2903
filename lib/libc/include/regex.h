/*
 * regex.h - newlib's, made to compile on its own: it uses off_t (in
 * regmatch_t) without including <sys/types.h>, as POSIX says it must.
 */
#ifndef LIBC_REGEX_H
#define LIBC_REGEX_H

#include <sys/types.h>
#include_next <regex.h>

#endif
