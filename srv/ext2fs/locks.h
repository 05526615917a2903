/*
 * locks.h - POSIX record locks of the file server (OpenFile.lock and
 * test_lock, docs/fsserver.md): byte ranges of regular files, each held by
 * an owner, the irq of a client program.
 */
#ifndef EXT2FS_LOCKS_H
#define EXT2FS_LOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

/* A range's end when it has none: to the end of the file and beyond. */
#define LOCK_EOF UINT64_MAX

struct cfile;
struct owner;
struct srv_request;

/* OpenFile.lock of [start, end) of cf's inode for the owner that `owner`
 * (a capability the request brought) names: 0, an errno value (EAGAIN,
 * EDEADLK, ENOLCK, EINVAL) or a Mica error. */
int locks_set(struct srv_request *req, const struct cfile *cf, mica_cap_t owner, uint32_t pid, uint32_t type,
	      uint64_t start, uint64_t end, bool wait);
/* OpenFile.test_lock: the first conflicting range of another owner
 * (*type MICA_FS_LOCK_UNLOCK: none). */
void locks_test(const struct cfile *cf, mica_cap_t owner, uint32_t *type, uint64_t *start, uint64_t *end,
		uint32_t *pid);
/* The same through a locker, whose owner o is. */
int locks_set_as(struct srv_request *req, const struct cfile *cf, struct owner *o, uint32_t pid, uint32_t type,
		 uint64_t start, uint64_t end, bool wait);
void locks_test_as(const struct cfile *cf, struct owner *o, uint32_t *type, uint64_t *start, uint64_t *end,
		   uint32_t *pid);
/* The owner `cap` names (kept as a new one if none is known), for a
 * locker: it stays until locks_owner_put.  0, an errno value (EINVAL: no
 * irq; ENOLCK: the owners' table is full) or a Mica error. */
int locks_owner_get(struct srv_request *req, mica_cap_t cap, uint32_t pid, struct owner **out);
void locks_owner_put(struct owner *o);
/* Whether a range or a wait names cf (a session close must tell). */
bool locks_on(const struct cfile *cf);
/* A session of cf closed: the ranges of owners that are gone go, and all
 * of them when it was the inode's last; the waiters are woken. */
void locks_session_closed(const struct cfile *cf, bool last);

#endif
