/*
 * preempt.c - the restart request of a restartable invocation (see
 * preempt.h).
 */
#include "preempt.h"

int preempt_restart_pending;
