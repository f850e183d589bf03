/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queue-wait marks, applied to the time-ordered stream before anything
 * sees it.  A producer or consumer announces that it is about to block on
 * a queue (SL_EV_Q_WAIT_FULL / _EMPTY / SL_EV_Q_LOCK_WAIT, written by the
 * workload itself, see lab/qlog.h); until its next push or pop, every
 * blocking switch-out of that task is that queue wait, exactly as the
 * probes would decide it at sched_switch (bpf/schedlab.bpf.c,
 * switch_reason): a mark turns a sleep in S or D into SL_R_QFULL,
 * SL_R_QEMPTY or SL_R_LOCK.  The stream is in time order and the workload
 * stamps its records with the probes' clock, so the decision is the same.
 */
#ifndef SL_QMARKS_H
#define SL_QMARKS_H

#include "format/event.h"

struct qmarks;

int  qmarks__new(struct qmarks **out);
void qmarks__free(struct qmarks *m);	/* accepts NULL */
/* Notes e's mark or rewrites e's switch reason in place.  0 or -ENOMEM. */
int  qmarks__apply(struct qmarks *m, struct sl_event *e);

#endif
