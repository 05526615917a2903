/*
 * sys/inotify.h - watching files for changes, in Linux's form.  Mica's
 * file server sends no change notifications yet: inotify_init fails with
 * ENOSYS (lib/libc/inotify.c), so `tail -f` says so and stops.
 */
#ifndef LIBC_SYS_INOTIFY_H
#define LIBC_SYS_INOTIFY_H

#include <stdint.h>

struct inotify_event {
	int wd;
	uint32_t mask;
	uint32_t cookie;
	uint32_t len;
	char name[];
};

#define IN_ACCESS 0x001
#define IN_MODIFY 0x002
#define IN_ATTRIB 0x004
#define IN_CLOSE_WRITE 0x008
#define IN_CLOSE_NOWRITE 0x010
#define IN_OPEN 0x020
#define IN_MOVED_FROM 0x040
#define IN_MOVED_TO 0x080
#define IN_CREATE 0x100
#define IN_DELETE 0x200
#define IN_DELETE_SELF 0x400
#define IN_MOVE_SELF 0x800

int inotify_init(void);
int inotify_init1(int flags);
int inotify_add_watch(int fd, const char *path, uint32_t mask);
int inotify_rm_watch(int fd, int wd);

#endif
