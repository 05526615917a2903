/*
 * tree.c - the process server's records and the POSIX rules for them
 * (tree.h).  A table: TREE_MAX is small, and every walk ends at the
 * last record in use (`top`), so that a few processes cost a few steps.
 */
#include "tree.h"

#include <common/string.h>
#include <mica/proc.h>

#include <errno.h>

int32_t tree_wstatus(int32_t status, int sig)
{
	return sig ? (sig & 0x7f) : (int32_t)((status & 0xff) << 8);
}

struct tree_rec *tree_new(struct tree *t, uint64_t pid, uint64_t ppid, const char *program)
{
	for (unsigned i = 0; i < TREE_MAX; i++) {
		struct tree_rec *r = &t->recs[i];
		if (r->state)
			continue;
		struct tree_rec *parent = tree_find(t, ppid);
		if (i == t->top)
			t->top++;
		*r = (struct tree_rec){ .state = MICA_PROC_RUNNING, .pid = pid, .ppid = ppid };
		r->pgid = parent ? parent->pgid : pid;
		r->sid = parent ? parent->sid : pid;
		mica_strlcpy(r->program, program, sizeof r->program);
		return r;
	}
	return 0;
}

struct tree_rec *tree_find(struct tree *t, uint64_t pid)
{
	for (unsigned i = 0; i < t->top; i++)
		if (t->recs[i].state && t->recs[i].pid == pid)
			return &t->recs[i];
	return 0;
}

struct tree_rec *tree_at(struct tree *t, unsigned index)
{
	for (unsigned i = 0; i < t->top; i++)
		if (t->recs[i].state && index-- == 0)
			return &t->recs[i];
	return 0;
}

unsigned tree_used(const struct tree *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->top; i++)
		n += t->recs[i].state != 0;
	return n;
}

void tree_free(struct tree *t, struct tree_rec *r)
{
	r->state = 0;
	while (t->top && !t->recs[t->top - 1].state)
		t->top--;
}

/* The groups an end of r may orphan that are not orphaned yet: r's own
 * and those of its running children.  Their number. */
static unsigned orphan_candidates(struct tree *t, const struct tree_rec *r, uint64_t *groups)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->top; i++) {
		const struct tree_rec *c = &t->recs[i];
		if (c->state != MICA_PROC_RUNNING || (c != r && c->ppid != r->pid))
			continue;
		bool listed = false;
		for (unsigned j = 0; j < n && !listed; j++)
			listed = groups[j] == c->pgid;
		if (!listed && tree_orphaned(t, c->pgid) == 0)
			groups[n++] = c->pgid;
	}
	return n;
}

static bool group_stopped(struct tree *t, uint64_t pgid)
{
	for (unsigned i = 0; i < t->top; i++)
		if (t->recs[i].state == MICA_PROC_RUNNING && t->recs[i].pgid == pgid && t->recs[i].stopped)
			return true;
	return false;
}

void tree_end(struct tree *t, struct tree_rec *r, int32_t wstatus)
{
	uint64_t groups[TREE_MAX];

	if (r->state != MICA_PROC_RUNNING)
		return;
	unsigned n = orphan_candidates(t, r, groups);
	uint64_t sid = r->sid;
	bool leader = r->sid == r->pid;
	if (t->ended)
		t->ended(t, r);
	for (unsigned i = 0; i < t->top; i++) {
		struct tree_rec *c = &t->recs[i];
		if (!c->state || c == r || c->ppid != r->pid)
			continue;
		c->ppid = MICA_PROC_INIT;
		if (c->state == MICA_PROC_ZOMBIE)
			tree_free(t, c);
	}
	r->state = MICA_PROC_ZOMBIE;
	r->wstatus = wstatus;
	struct tree_rec *parent = tree_find(t, r->ppid);
	if (r->ppid == MICA_PROC_INIT)
		tree_free(t, r);   /* process 1 reaps it */
	else if (parent && t->child_ended && t->child_ended(t, parent, r))
		tree_free(t, r);
	if (leader && t->session_ended)
		t->session_ended(t, sid);
	for (unsigned i = 0; i < n; i++)
		if (tree_orphaned(t, groups[i]) == 1 && group_stopped(t, groups[i]) && t->orphaned)
			t->orphaned(t, groups[i]);
}

static bool wanted(const struct tree_rec *c, int64_t pid)
{
	return pid == -1 || (pid < -1 && c->pgid == (uint64_t)-pid) || (pid > 0 && c->pid == (uint64_t)pid);
}

int tree_wait(struct tree *t, const struct tree_rec *parent, int64_t pid, bool exited, bool untraced,
	      bool continued, bool keep, struct tree_rec **got, int32_t *status)
{
	bool some = false;

	for (unsigned i = 0; i < t->top; i++) {
		struct tree_rec *c = &t->recs[i];
		if (!c->state || c->ppid != parent->pid || c == parent || !wanted(c, pid))
			continue;
		*got = c;
		if (c->state == MICA_PROC_ZOMBIE) {
			if (exited) {
				*status = c->wstatus;
				return 0;
			}
			some = true;   /* ended: no stop or continue of it is left to report */
			continue;
		}
		if ((c->report == TREE_REPORT_STOPPED && untraced) || (c->report == TREE_REPORT_CONTINUED && continued)) {
			/* <sys/wait.h>: stopped is 0x7f with the signal above it, continued 0xffff */
			*status = c->report == TREE_REPORT_STOPPED ? (int32_t)((c->report_sig & 0xff) << 8 | 0x7f) : 0xffff;
			if (!keep)
				c->report = 0;
			return 2;
		}
		some = true;
	}
	return some ? 1 : -1;
}

bool tree_group_exists(struct tree *t, uint64_t pgid)
{
	for (unsigned i = 0; i < t->top; i++)
		if (t->recs[i].state && t->recs[i].pgid == pgid)
			return true;
	return false;
}

bool tree_group_in_session(struct tree *t, uint64_t pgid, uint64_t sid)
{
	for (unsigned i = 0; i < t->top; i++)
		if (t->recs[i].state && t->recs[i].pgid == pgid && t->recs[i].sid == sid)
			return true;
	return false;
}

int tree_orphaned(struct tree *t, uint64_t pgid)
{
	int found = -1;

	for (unsigned i = 0; i < t->top; i++) {
		const struct tree_rec *m = &t->recs[i], *parent;
		if (m->state != MICA_PROC_RUNNING || m->pgid != pgid)
			continue;
		found = 1;
		if ((parent = tree_find(t, m->ppid)) != 0 && parent->state == MICA_PROC_RUNNING &&
		    parent->pgid != pgid && parent->sid == m->sid)
			return 0;   /* a parent in the session, outside the group: it can continue it */
	}
	return found;
}

int tree_setpgid(struct tree *t, struct tree_rec *caller, int64_t pid, int64_t pgid)
{
	struct tree_rec *r = pid == 0 ? caller : tree_find(t, (uint64_t)pid);

	if (pid < 0 || pgid < 0)
		return EINVAL;
	if (!r || (r != caller && r->ppid != caller->pid) || r->state != MICA_PROC_RUNNING)
		return ESRCH;
	if (r->sid == r->pid || r->sid != caller->sid)
		return EPERM;   /* a session leader, or a child in another session */
	uint64_t g = pgid ? (uint64_t)pgid : r->pid;
	if (g != r->pid && !tree_group_in_session(t, g, caller->sid))
		return EPERM;
	r->pgid = g;
	return 0;
}

int tree_setsid(struct tree *t, struct tree_rec *caller)
{
	if (caller->pgid == caller->pid || tree_group_exists(t, caller->pid))
		return EPERM;   /* it leads a group, or its pid names one */
	caller->pgid = caller->sid = caller->pid;
	return 0;
}
