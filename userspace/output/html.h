/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A self-contained HTML timeline: one file with the data embedded as JSON
 * and an inline canvas viewer (no network access).  Per-CPU lanes (who held
 * the CPU), per-task lanes (running, runnable, I/O, queue full/empty, ...)
 * and the queue depth on one time axis; wheel zooms, drag pans, hover
 * explains an interval, a checkbox draws wakeup arrows.  Intervals and
 * events are written into the file as they arrive: memory holds only the
 * task table.  The viewer itself is html/viewer.js.  See docs/timelines.md.
 */
#ifndef SL_HTML_H
#define SL_HTML_H

#include <stdio.h>
#include "format/event.h"
#include "analysis/analysis.h"
#include "analysis/offcpu_stacks.h"

struct html;

/*
 * Starts the page on f (the caller owns f).  ti gives the trace start (the
 * zero of the time axis; the first timestamp seen if 0), CPU count and the
 * tasks known so far.  summary is the report text shown at the top, or
 * NULL if it is only known at html__close.  0 or -errno.
 */
int html__open(FILE *f, const struct sl_trace_info *ti, const char *summary, struct html **out);
/* 0, or -EIO once writing failed. */
int html__add_interval(struct html *h, const struct sl_interval *iv);
/* Names (COMM, FORK), wakeups (WAKING, WAKEUP_NEW), queue depth (Q_PUSH, Q_POP). */
int html__add_event(struct html *h, const struct sl_event *e);
/*
 * The off-CPU stacks (trace --stacks) whose heaviest, per task, the task
 * lanes' tooltips show; rows must stay valid until html__close.
 */
void html__set_stacks(struct html *h, const struct sl_stack_row *rows, __u32 n);
/*
 * Finishes the page: task names (ti may be NULL), trace end, the summary
 * (this one wins over html__open's when not NULL) and the viewer, then
 * frees h.  0, the first error seen, or -EIO.  Does not close f.
 */
int html__close(struct html *h, const struct sl_trace_info *ti, const char *summary);

#endif
