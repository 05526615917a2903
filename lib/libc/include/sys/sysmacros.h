/*
 * sys/sysmacros.h - a device number's parts.  newlib's dev_t is 16 bits:
 * the major number in the high byte, the minor in the low one.
 */
#ifndef LIBC_SYS_SYSMACROS_H
#define LIBC_SYS_SYSMACROS_H

#define major(dev) ((int)(((unsigned)(dev) >> 8) & 0xff))
#define minor(dev) ((int)((unsigned)(dev) & 0xff))
#define makedev(ma, mi) ((dev_t)((((unsigned)(ma) & 0xff) << 8) | ((unsigned)(mi) & 0xff)))

#endif
