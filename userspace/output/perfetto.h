/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A native Perfetto trace (protobuf, the format ui.perfetto.dev opens),
 * written as the events stream in: per-CPU sched_switch / sched_waking /
 * sched_wakeup_new ftrace bundles (the UI derives CPU tracks and thread
 * states from them), a SystemInfo packet so prev_state decodes with the
 * right kernel layout, a ClockSnapshot (BOOTTIME, the probes' clock, and
 * REALTIME), the process tree with names, and counter tracks for each
 * queue's depth and each CPU's run queue (traced tasks waiting for it).
 *
 * Memory is one small buffer per CPU plus the task table: nothing grows
 * with the trace.  Field numbers are Perfetto's; tests/proto/ holds the
 * subset of its .proto files the tests decode with.
 */
#ifndef SL_PERFETTO_H
#define SL_PERFETTO_H

#include <stdio.h>
#include "format/event.h"
#include "analysis/offcpu_stacks.h"

struct perfetto;

/*
 * Starts a trace on f (binary; the caller owns f).  ti gives the kernel
 * release, CPU count, clocks and the tasks known so far.  0 or -errno.
 */
int perfetto__open(FILE *f, const struct sl_trace_info *ti, struct perfetto **out);
/* Feed every event in stream order.  0, or -EIO when writing failed. */
int perfetto__add_event(struct perfetto *p, const struct sl_event *e);
/*
 * The off-CPU stacks (trace --stacks): each thread's heaviest are written
 * at close as instants on a track of that thread.  rows must stay valid
 * until perfetto__close.
 */
void perfetto__set_stacks(struct perfetto *p, const struct sl_stack_row *rows, __u32 n);
/*
 * Flushes the per-CPU bundles, writes the process tree (tasks of the
 * final ti, may be NULL, plus those seen in the stream) and frees p.
 * 0, the first error seen, or -EIO.  Does not close f.
 */
int perfetto__close(struct perfetto *p, const struct sl_trace_info *ti);

/*
 * sched_switch's prev_state as the kernel (>= 4.14) reports it and the
 * Perfetto UI decodes it: one TASK_REPORT bit, 0x80 for TASK_IDLE, 0x100
 * (TASK_REPORT_MAX) for a preempted task.  raw is task->__state.
 */
unsigned int perfetto_prev_state(unsigned int raw, unsigned int reason);

#endif
