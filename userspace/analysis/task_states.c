// SPDX-License-Identifier: GPL-2.0
/*
 * The task states' one table: their keys in JSON and CSV, their labels on
 * timelines, and which of them are waits on something outside the task.
 * Every stage that names a state asks here (analysis.h).
 */
#include "analysis.h"

/* The one table of state names: keys for JSON and CSV, labels for timelines. */
static const struct {
	const char *key, *label;
} state_names[SL_TS_MAX] = {
	[SL_TS_RUNNING] = { "running", "running" },
	[SL_TS_RUNNABLE_WAKEUP] = { "runnable-wakeup", "runnable (woken)" },
	[SL_TS_RUNNABLE_PREEMPT] = { "runnable-preempted", "runnable (preempted)" },
	[SL_TS_IO] = { "io", "disk I/O" },
	[SL_TS_QFULL] = { "queue-full", "queue full" },
	[SL_TS_QEMPTY] = { "queue-empty", "queue empty" },
	[SL_TS_LOCK] = { "lock", "lock" },
	[SL_TS_SLEEP] = { "sleep", "sleep" },
	[SL_TS_OTHER] = { "other", "other blocked" },
	[SL_TS_PIPE_EMPTY] = { "pipe-empty", "pipe empty (waits for data)" },
	[SL_TS_PIPE_FULL] = { "pipe-full", "pipe full (waits for room)" },
	[SL_TS_SOCKET] = { "socket", "socket" },
	[SL_TS_CONDITION] = { "condition", "condition / semaphore" },
	[SL_TS_EVENTS] = { "events", "events (poll, signals)" },
	[SL_TS_CHILD] = { "child", "child (join)" },
	[SL_TS_TERMINAL] = { "terminal", "terminal" },
	[SL_TS_FAULT] = { "page-fault", "page fault" },
	[SL_TS_SYSCALL] = { "syscall", "other syscall" },
};

const char *sl_task_state_name(enum sl_task_state s)
{
	if ((unsigned int)s < SL_TS_MAX)
		return state_names[s].key;
	return "unknown";
}

const char *sl_task_state_label(enum sl_task_state s)
{
	if ((unsigned int)s < SL_TS_MAX)
		return state_names[s].label;
	return "unknown";
}

bool sl_task_state_waits(enum sl_task_state s)
{
	switch (s) {
	case SL_TS_SLEEP:
	case SL_TS_PIPE_EMPTY:
	case SL_TS_PIPE_FULL:
	case SL_TS_SOCKET:
	case SL_TS_CONDITION:
	case SL_TS_EVENTS:
	case SL_TS_CHILD:
	case SL_TS_TERMINAL:
	case SL_TS_SYSCALL:
	case SL_TS_LOCK:
		return true;
	default:
		return false;
	}
}
