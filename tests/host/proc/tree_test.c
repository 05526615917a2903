/*
 * tree_test.c - host unit tests of the process server's records
 * (srv/proc/tree.c): wait statuses, waiting for any child or one, zombies,
 * reparenting to process 1 and its reaping, a parent that wants no
 * zombies (SA_NOCLDWAIT), the table filling up; process
 * groups and sessions (setpgid, setsid, waiting for a group); orphaned
 * groups, and the ends that orphan one with a stopped member or end a
 * session's leader.
 */
#include <errno.h>

#include <mica/proc.h>

#include "tap.h"
#include "tree.h"

static struct tree t;
static int32_t wst;
static unsigned ended_calls, notified, sessions_ended, orphaned_calls;
static uint64_t last_notified, last_session, orphaned_groups[4];
static bool no_zombies;   /* what on_child_ended answers */

static void on_ended(struct tree *tr, struct tree_rec *r)
{
	(void)tr, (void)r;
	ended_calls++;
}

static bool on_child_ended(struct tree *tr, struct tree_rec *parent, struct tree_rec *child)
{
	(void)tr, (void)child;
	notified++;
	last_notified = parent->pid;
	return no_zombies;
}

static void on_session_ended(struct tree *tr, uint64_t sid)
{
	(void)tr;
	sessions_ended++;
	last_session = sid;
}

static void on_orphaned(struct tree *tr, uint64_t pgid)
{
	(void)tr;
	if (orphaned_calls < 4)
		orphaned_groups[orphaned_calls] = pgid;
	orphaned_calls++;
}

static void reset(void)
{
	t = (struct tree){ .ended = on_ended, .child_ended = on_child_ended, .session_ended = on_session_ended,
			   .orphaned = on_orphaned };
	ended_calls = notified = sessions_ended = orphaned_calls = 0;
	last_notified = last_session = 0;
	no_zombies = false;
}

static void wait_statuses_follow_sys_wait(void)
{
	CHECK_EQ(tree_wstatus(0, 0), 0);
	CHECK_EQ(tree_wstatus(42, 0), 42 << 8);
	CHECK_EQ(tree_wstatus(256, 0), 0);       /* only the low 8 bits, as exit() */
	CHECK_EQ(tree_wstatus(137, 15), 15);     /* killed: the signal, not root's status */
}

static void zombie_until_reaped(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "parent");
	struct tree_rec *c = tree_new(&t, 11, 10, "child"), *got = 0;
	CHECK(p && c);
	CHECK_EQ(tree_wait(&t, p, -1, true, false, false, false, &got, &wst), 1);   /* a child, none ended */
	tree_end(&t, c, tree_wstatus(3, 0));
	CHECK_EQ(c->state, MICA_PROC_ZOMBIE);
	CHECK_EQ(notified, 1);
	CHECK_EQ(last_notified, 10);
	CHECK_EQ(tree_wait(&t, p, 12, true, false, false, false, &got, &wst), -1);  /* not its child */
	c->report = TREE_REPORT_STOPPED;   /* stopped, never waited for, then ended */
	CHECK_EQ(tree_wait(&t, p, 11, false, true, true, false, &got, &wst), 1);   /* ends not asked for (waitid) */
	c->report = 0;
	CHECK_EQ(c->state, MICA_PROC_ZOMBIE);
	CHECK_EQ(tree_wait(&t, p, 11, true, false, false, false, &got, &wst), 0);
	CHECK(got == c);
	CHECK_EQ(got->wstatus, 3 << 8);
	tree_free(&t, got);
	CHECK_EQ(tree_wait(&t, p, -1, true, false, false, false, &got, &wst), -1);  /* no child left: ECHILD */
	CHECK_EQ(tree_used(&t), 1);
}

static void a_parent_wanting_no_zombies_gets_none(void)
{
	reset();
	no_zombies = true;
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "parent"), *got = 0;
	struct tree_rec *a = tree_new(&t, 11, 10, "a");
	tree_new(&t, 12, 10, "b");
	tree_end(&t, a, tree_wstatus(3, 0));
	CHECK_EQ(notified, 1);                                                 /* told (SIGCHLD), then freed */
	CHECK_EQ(tree_used(&t), 2);
	CHECK_EQ(tree_wait(&t, p, 11, true, false, false, false, &got, &wst), -1);  /* gone: ECHILD */
	CHECK_EQ(tree_wait(&t, p, -1, true, false, false, false, &got, &wst), 1);   /* b still runs */
}

static void any_child_finds_the_zombie_among_running_ones(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "parent"), *got = 0;
	tree_new(&t, 11, 10, "a");
	struct tree_rec *b = tree_new(&t, 12, 10, "b");
	tree_new(&t, 13, 10, "c");
	tree_end(&t, b, tree_wstatus(0, 9));
	CHECK_EQ(tree_wait(&t, p, -1, true, false, false, false, &got, &wst), 0);
	CHECK(got == b);
	CHECK_EQ(got->wstatus, 9);
}

static void orphans_go_to_process_1_which_reaps_them(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "parent");
	struct tree_rec *live = tree_new(&t, 11, 10, "live");
	struct tree_rec *zombie = tree_new(&t, 12, 10, "zombie");
	tree_end(&t, zombie, 0);
	CHECK_EQ(tree_used(&t), 3);
	tree_end(&t, p, 0);   /* its parent is 1: freed at once, its zombie child too */
	CHECK_EQ(ended_calls, 2);
	CHECK(tree_find(&t, 10) == 0);
	CHECK(tree_find(&t, 12) == 0);
	CHECK_EQ(live->ppid, MICA_PROC_INIT);
	tree_end(&t, live, 0);   /* reaped by 1 when it ends */
	CHECK(tree_find(&t, 11) == 0);
	CHECK_EQ(tree_used(&t), 0);
}

static void ending_twice_changes_nothing(void)
{
	reset();
	tree_new(&t, 10, MICA_PROC_INIT, "parent");
	struct tree_rec *c = tree_new(&t, 11, 10, "c");
	tree_end(&t, c, tree_wstatus(1, 0));
	tree_end(&t, c, tree_wstatus(2, 0));
	CHECK_EQ(ended_calls, 1);
	CHECK_EQ(c->wstatus, 1 << 8);
	CHECK_EQ(notified, 1);
}

static void the_table_fills_and_empties(void)
{
	reset();
	for (unsigned i = 0; i < TREE_MAX; i++)
		CHECK(tree_new(&t, 100 + i, MICA_PROC_INIT, "x") != 0);
	CHECK(tree_new(&t, 1000, MICA_PROC_INIT, "one too many") == 0);
	CHECK(tree_at(&t, TREE_MAX - 1) != 0);
	CHECK(tree_at(&t, TREE_MAX) == 0);
	for (unsigned i = 0; i < TREE_MAX; i++)
		tree_end(&t, tree_find(&t, 100 + i), 0);
	CHECK_EQ(tree_used(&t), 0);
}

/* Walks stop at the last record in use: records past a freed one are
 * still found, a new record takes the lowest free one, and the bound
 * comes down as the last ones go. */
static void walks_stop_at_the_last_record_in_use(void)
{
	reset();
	for (unsigned i = 0; i < 5; i++)
		CHECK(tree_new(&t, 100 + i, MICA_PROC_INIT, "x") != 0);
	CHECK_EQ(t.top, 5);
	tree_end(&t, tree_find(&t, 101), 0);   /* a hole */
	CHECK_EQ(t.top, 5);
	CHECK(tree_find(&t, 104) == &t.recs[4]);
	CHECK(tree_new(&t, 200, MICA_PROC_INIT, "y") == &t.recs[1]);
	CHECK_EQ(t.top, 5);
	tree_end(&t, tree_find(&t, 104), 0);
	CHECK_EQ(t.top, 4);
	tree_end(&t, tree_find(&t, 103), 0);
	tree_end(&t, tree_find(&t, 102), 0);
	CHECK_EQ(t.top, 2);
	CHECK(tree_find(&t, 102) == 0);
	CHECK_EQ(tree_used(&t), 2);
	tree_end(&t, tree_find(&t, 100), 0);
	tree_end(&t, tree_find(&t, 200), 0);
	CHECK_EQ(t.top, 0);
	CHECK(tree_new(&t, 300, MICA_PROC_INIT, "z") == &t.recs[0]);
}

static void long_program_names_are_cut(void)
{
	reset();
	struct tree_rec *r = tree_new(&t, 10, MICA_PROC_INIT,
				      "a-program-name-that-is-much-longer-than-sixty-three-bytes-of-room-in-it");
	CHECK_EQ(r->program[TREE_PROGRAM_MAX], 0);
}

static void children_start_in_the_parents_group_and_session(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "boot");   /* no record of 1: leads its own */
	struct tree_rec *c = tree_new(&t, 11, 10, "child");
	CHECK_EQ(p->pgid, 10);
	CHECK_EQ(p->sid, 10);
	CHECK_EQ(c->pgid, 10);
	CHECK_EQ(c->sid, 10);
}

static void setpgid_follows_posix(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "shell");
	struct tree_rec *a = tree_new(&t, 11, 10, "a"), *b = tree_new(&t, 12, 10, "b");
	struct tree_rec *other = tree_new(&t, 20, MICA_PROC_INIT, "other");
	struct tree_rec *grand = tree_new(&t, 13, 11, "grandchild");
	CHECK_EQ(tree_setpgid(&t, p, 11, 0), 0);            /* a leads group 11 */
	CHECK_EQ(a->pgid, 11);
	CHECK_EQ(tree_setpgid(&t, p, 12, 11), 0);           /* b joins it */
	CHECK_EQ(b->pgid, 11);
	CHECK_EQ(tree_setpgid(&t, p, 12, 99), EPERM);       /* no such group in the session */
	CHECK_EQ(tree_setpgid(&t, p, 12, 20), EPERM);       /* a group of another session */
	CHECK_EQ(tree_setpgid(&t, p, 20, 0), ESRCH);        /* not its child */
	CHECK_EQ(tree_setpgid(&t, p, 13, 0), ESRCH);        /* a grandchild */
	CHECK_EQ(tree_setpgid(&t, p, 0, 0), EPERM);         /* the caller leads its session */
	CHECK_EQ(tree_setpgid(&t, p, 11, -1), EINVAL);
	CHECK_EQ(tree_setpgid(&t, a, 0, 10), 0);            /* back into the shell's group, itself */
	CHECK_EQ(a->pgid, 10);
	CHECK_EQ(tree_setpgid(&t, b, 0, 0), 0);
	CHECK_EQ(b->pgid, 12);
	tree_end(&t, b, 0);                                 /* a zombie of 10 */
	CHECK_EQ(tree_setpgid(&t, p, 12, 0), ESRCH);        /* ended: no more setpgid */
	(void)other, (void)grand;
}

static void setsid_only_for_no_group_leader(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "shell");
	struct tree_rec *c = tree_new(&t, 11, 10, "c");
	CHECK_EQ(tree_setsid(&t, p), EPERM);                /* it leads group 10 */
	CHECK_EQ(tree_setsid(&t, c), 0);
	CHECK_EQ(c->sid, 11);
	CHECK_EQ(c->pgid, 11);
	CHECK_EQ(tree_setpgid(&t, p, 11, 10), EPERM);       /* a session leader, in another session */
	struct tree_rec *d = tree_new(&t, 12, 10, "d");
	CHECK_EQ(tree_setpgid(&t, d, 0, 0), 0);             /* d leads group 12 */
	CHECK_EQ(tree_setpgid(&t, d, 0, 10), 0);            /* and leaves it: nobody is in 12 now */
	CHECK_EQ(tree_setsid(&t, d), 0);
	CHECK(tree_group_exists(&t, 11));
	CHECK(!tree_group_exists(&t, 99));
}

static void wait_for_a_group(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "shell"), *got = 0;
	struct tree_rec *a = tree_new(&t, 11, 10, "a"), *b = tree_new(&t, 12, 10, "b");
	CHECK_EQ(tree_setpgid(&t, p, 11, 0), 0);
	tree_end(&t, b, 0);                                 /* b, in group 10, ended */
	CHECK_EQ(tree_wait(&t, p, -11, true, false, false, false, &got, &wst), 1);           /* group 11: a runs */
	CHECK_EQ(tree_wait(&t, p, -12, true, false, false, false, &got, &wst), -1);          /* no group 12 among its children */
	CHECK_EQ(tree_wait(&t, p, -10, true, false, false, false, &got, &wst), 0);           /* group 10: b */
	CHECK(got == b);
	tree_free(&t, got);
	tree_end(&t, a, 0);
	CHECK_EQ(tree_wait(&t, p, -11, true, false, false, false, &got, &wst), 0);
	CHECK(got == a);
}

static void stopped_and_continued_are_reported_once(void)
{
	reset();
	struct tree_rec *p = tree_new(&t, 10, MICA_PROC_INIT, "shell"), *got = 0;
	struct tree_rec *c = tree_new(&t, 11, 10, "job");
	c->stopped = true;
	c->report = TREE_REPORT_STOPPED;
	c->report_sig = 18;
	CHECK_EQ(tree_wait(&t, p, -1, true, false, true, false, &got, &wst), 1);   /* not asked for */
	CHECK_EQ(tree_wait(&t, p, 11, true, true, false, true, &got, &wst), 2);    /* WNOWAIT: kept */
	CHECK_EQ(wst, 18 << 8 | 0x7f);
	CHECK_EQ(tree_wait(&t, p, 11, true, true, false, false, &got, &wst), 2);
	CHECK(got == c);
	CHECK_EQ(wst, 18 << 8 | 0x7f);
	CHECK_EQ(tree_wait(&t, p, 11, true, true, false, false, &got, &wst), 1);   /* once */
	c->report = TREE_REPORT_CONTINUED;
	CHECK_EQ(tree_wait(&t, p, -1, true, true, false, false, &got, &wst), 1);
	CHECK_EQ(tree_wait(&t, p, -1, true, false, true, false, &got, &wst), 2);
	CHECK_EQ(wst, 0xffff);
	CHECK_EQ(c->state, MICA_PROC_RUNNING);                      /* reported, not reaped */
}

/* A shell (10, leading session 10) with a job in group 11 (11 and its
 * child 12): the job has a parent in the session outside it. */
static struct tree_rec *shell_and_job(void)
{
	reset();
	struct tree_rec *sh = tree_new(&t, 10, MICA_PROC_INIT, "shell");
	tree_new(&t, 11, 10, "job");
	tree_new(&t, 12, 11, "jobchild");
	CHECK_EQ(tree_setpgid(&t, sh, 11, 0), 0);
	CHECK_EQ(tree_setpgid(&t, tree_find(&t, 11), 12, 11), 0);
	return sh;
}

static void a_group_is_orphaned_without_a_parent_in_the_session_outside_it(void)
{
	struct tree_rec *sh = shell_and_job();
	CHECK_EQ(tree_orphaned(&t, 11), 0);     /* 11's parent, the shell, is in session 10, group 10 */
	CHECK_EQ(tree_orphaned(&t, 10), 1);     /* the shell's parent is 1: no record, no session */
	CHECK_EQ(tree_orphaned(&t, 99), -1);    /* no such group */
	struct tree_rec *s = tree_new(&t, 13, 10, "setsid");
	CHECK_EQ(tree_setsid(&t, s), 0);
	CHECK_EQ(tree_orphaned(&t, 13), 1);     /* its parent is in another session */
	tree_end(&t, tree_find(&t, 11), 0);     /* 12 goes to 1: 11 is orphaned now */
	CHECK_EQ(tree_orphaned(&t, 11), 1);
	tree_end(&t, tree_find(&t, 12), 0);
	CHECK_EQ(tree_orphaned(&t, 11), -1);    /* a zombie is no member */
	(void)sh;
}

static void an_end_that_orphans_a_stopped_group_says_so(void)
{
	shell_and_job();
	tree_find(&t, 12)->stopped = true;
	tree_end(&t, tree_find(&t, 11), 0);     /* the job's leader ends: 12, stopped, orphaned */
	CHECK_EQ(orphaned_calls, 1);
	CHECK_EQ(orphaned_groups[0], 11);
	shell_and_job();
	tree_find(&t, 12)->stopped = true;
	tree_end(&t, tree_find(&t, 10), 0);     /* the shell ends: 11's parent is 1 now */
	CHECK_EQ(orphaned_calls, 1);
	CHECK_EQ(orphaned_groups[0], 11);
}

static void an_end_that_orphans_no_stopped_group_says_nothing(void)
{
	shell_and_job();
	tree_end(&t, tree_find(&t, 11), 0);     /* orphaned, but nobody stopped */
	CHECK_EQ(orphaned_calls, 0);
	shell_and_job();
	tree_find(&t, 12)->stopped = true;
	tree_end(&t, tree_find(&t, 12), 0);     /* 11 still has the shell outside it */
	CHECK_EQ(orphaned_calls, 0);
	shell_and_job();
	struct tree_rec *other = tree_new(&t, 14, 10, "other");   /* group 10, the shell's */
	tree_find(&t, 12)->stopped = true;
	tree_end(&t, other, 0);                 /* orphans nothing */
	CHECK_EQ(orphaned_calls, 0);
	struct tree_rec *s = tree_new(&t, 15, 10, "setsid");
	CHECK_EQ(tree_setsid(&t, s), 0);
	struct tree_rec *c = tree_new(&t, 16, 15, "stopped");
	c->stopped = true;
	tree_end(&t, s, 0);                     /* 15's group was orphaned before: not newly */
	CHECK_EQ(orphaned_calls, 0);
}

static void a_session_leaders_end_is_told(void)
{
	shell_and_job();
	tree_end(&t, tree_find(&t, 12), 0);
	tree_end(&t, tree_find(&t, 11), 0);
	CHECK_EQ(sessions_ended, 0);            /* neither led a session */
	tree_end(&t, tree_find(&t, 10), 0);
	CHECK_EQ(sessions_ended, 1);
	CHECK_EQ(last_session, 10);
	CHECK(tree_group_in_session(&t, 11, 10) == false);   /* every record gone */
	shell_and_job();
	CHECK(tree_group_in_session(&t, 11, 10));
	CHECK(!tree_group_in_session(&t, 11, 12));
}

static const struct tap_case cases[] = {
	TAP_CASE(a_group_is_orphaned_without_a_parent_in_the_session_outside_it),
	TAP_CASE(an_end_that_orphans_a_stopped_group_says_so),
	TAP_CASE(an_end_that_orphans_no_stopped_group_says_nothing),
	TAP_CASE(a_session_leaders_end_is_told),
	TAP_CASE(stopped_and_continued_are_reported_once),
	TAP_CASE(children_start_in_the_parents_group_and_session),
	TAP_CASE(setpgid_follows_posix),
	TAP_CASE(setsid_only_for_no_group_leader),
	TAP_CASE(wait_for_a_group),
	TAP_CASE(wait_statuses_follow_sys_wait),
	TAP_CASE(zombie_until_reaped),
	TAP_CASE(a_parent_wanting_no_zombies_gets_none),
	TAP_CASE(any_child_finds_the_zombie_among_running_ones),
	TAP_CASE(orphans_go_to_process_1_which_reaps_them),
	TAP_CASE(ending_twice_changes_nothing),
	TAP_CASE(the_table_fills_and_empties),
	TAP_CASE(walks_stop_at_the_last_record_in_use),
	TAP_CASE(long_program_names_are_cut),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
