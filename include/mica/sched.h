/*
 * mica/sched.h - scheduling parameters (docs/objects.md, "Scheduling"):
 * priorities, the maximum controlled priority (MCP) and time slices.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#define MICA_PRIO_MAX 255              /* priorities and MCPs are 0..255, higher first */
#define MICA_PRIO_DEFAULT 100          /* a new thread's, unless its maker's MCP is lower */
#define MICA_TIMESLICE_DEFAULT_US 10000
#define MICA_TIMESLICE_MAX_US 100000   /* no thread holds the CPU longer against its equals */

#endif
