// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "util/idmap.h"
#include "qmarks.h"

/* TASK_* bits of sl_event.sw.state (include/linux/sched.h) */
#define STATE_SLEEPING	0x0003	/* TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE */

struct qmarks {
	struct idmap marks;	/* pid -> enum sl_wait_mark (the "index" is the mark) */
	bool any;		/* a mark was ever set: before that, nothing to look up */
};

int qmarks__new(struct qmarks **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void qmarks__free(struct qmarks *m)
{
	if (!m)
		return;
	idmap__free(&m->marks);
	free(m);
}

static int set_mark(struct qmarks *m, __u32 pid, __u8 mark)
{
	if (!pid || (mark == SL_WAIT_NONE && idmap__get(&m->marks, pid) == IDMAP_NONE))
		return 0;
	m->any |= mark != SL_WAIT_NONE;
	return idmap__put(&m->marks, pid, mark);
}

static __u8 reason_of_mark(__u8 mark)
{
	switch (mark) {
	case SL_WAIT_QFULL:
		return SL_R_QFULL;
	case SL_WAIT_QEMPTY:
		return SL_R_QEMPTY;
	case SL_WAIT_LOCK:
		return SL_R_LOCK;
	}
	return SL_R_NONE;
}

int qmarks__apply(struct qmarks *m, struct sl_event *e)
{
	__u32 mark;
	__u8 reason;

	switch (e->type) {
	case SL_EV_Q_WAIT_FULL:
		return set_mark(m, e->pid, SL_WAIT_QFULL);
	case SL_EV_Q_WAIT_EMPTY:
		return set_mark(m, e->pid, SL_WAIT_QEMPTY);
	case SL_EV_Q_LOCK_WAIT:
		return set_mark(m, e->pid, SL_WAIT_LOCK);
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP:
	case SL_EV_EXIT:	/* and the pid may come back as another task */
		return m->any ? set_mark(m, e->pid, SL_WAIT_NONE) : 0;
	case SL_EV_SWITCH:
		break;
	default:
		return 0;
	}
	/* a blocking switch-out of a traced task: S or D, not its last */
	if (!m->any || !(e->flags & SL_SWF_PREV_TRACKED) || !(e->flags & SL_SWF_VOLUNTARY) ||
	    !(e->sw.state & STATE_SLEEPING))
		return 0;
	reason = e->flags & SL_SWF_REASON_MASK;
	if (reason == SL_R_DEAD)
		return 0;
	mark = idmap__get(&m->marks, e->pid);
	if (mark == IDMAP_NONE || !(reason = reason_of_mark((__u8)mark)))
		return 0;
	e->flags = (__u8)((e->flags & ~SL_SWF_REASON_MASK) | reason);
	return 0;
}
