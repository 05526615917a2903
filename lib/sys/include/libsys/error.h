/*
 * libsys/error.h - names for the error codes of mica/error.h, for the
 * messages people read ("EBADCAP: bad capability slot") rather than a bare
 * number.  Freestanding: no C library.
 */
#ifndef LIBSYS_ERROR_H
#define LIBSYS_ERROR_H

#include <mica/error.h>

/*
 * The name and a short description of err, an enum mica_error code or its
 * negation (as a result travels in a reply label); "unknown error" for any
 * other value.  Never NULL: a static string.
 */
const char *mica_strerror(int err);

#endif
