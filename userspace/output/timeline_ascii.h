/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal map: one lane per CPU (who held it) or per task (what it was
 * doing), time in fixed buckets across the width, the queue depth as a
 * sparkline.  Feed it the analysis' intervals and the raw events, in
 * stream order, then print once.  Memory is fixed by the width and the
 * number of CPUs, tasks and queues, never by the trace length: when the
 * end of the window is not known up front (a live run) the buckets double
 * in width as time goes on.  See docs/timelines.md.
 */
#ifndef SL_TIMELINE_ASCII_H
#define SL_TIMELINE_ASCII_H

#include <stdio.h>
#include "format/event.h"
#include "analysis/analysis.h"

enum timeline_by {
	TIMELINE_BY_CPU = 0,	/* one lane per CPU: the task that held it */
	TIMELINE_BY_TASK,	/* one lane per task: its state; queue sparklines */
};

struct timeline_opts {
	__u64 from_ns;		/* window start, ns after the trace start */
	__u64 to_ns;		/* window end, ns after the trace start; 0 = trace end */
	unsigned int width;	/* whole line, in columns; 0 = 100; at least 40 */
	enum timeline_by by;
	bool color;		/* ANSI colours (only on a TTY: the caller decides) */
	bool ascii_only;	/* sparkline in ASCII instead of UTF-8 blocks */
	const char *cpus;	/* CPU list "0,2-3", NULL = all */
};

struct timeline_ascii;

/*
 * ti gives the CPU count, trace start and end (end may still be 0 in a
 * live run), the task names and the queue capacity.  0, -EINVAL (bad CPU
 * list or window) or -ENOMEM.
 */
int timeline_ascii__new(const struct sl_trace_info *ti, const struct timeline_opts *o,
			struct timeline_ascii **out);
/* 0 or -ENOMEM (also remembered and returned by print). */
int timeline_ascii__add_interval(struct timeline_ascii *t, const struct sl_interval *iv);
/* Names (COMM, FORK) and queue depth (Q_PUSH, Q_POP); others are ignored. */
int timeline_ascii__add_event(struct timeline_ascii *t, const struct sl_event *e);
/*
 * Prints the map.  ti (may be NULL) is the final trace info: its end time
 * closes the window of a live run and its task table names late tasks.
 * Call once.  0, or the first error seen while adding, or -EIO.
 */
int timeline_ascii__print(struct timeline_ascii *t, const struct sl_trace_info *ti, FILE *f);
void timeline_ascii__free(struct timeline_ascii *t);

#endif
