/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage output/: the text report, JSON, CSV (report.h), the sentences
 * about the numbers (explain.h), the terminal timeline, Perfetto and HTML
 * writers, the sweep table, and the presenter (this file) that feeds them
 * one stream.  Must not: re-derive a metric (every number comes from
 * struct sl_result or the stream as it is), or touch the tracer.
 *
 * What the user asked to see, fed from one event stream: the analysis
 * (always) plus the timeline writers requested.  `trace`, `run` and
 * `report` all end here, so a live run and a replayed file print the same.
 */
#ifndef SL_PRESENT_H
#define SL_PRESENT_H

#include <stdio.h>
#include "format/event.h"

enum present_format { PRESENT_TEXT = 0, PRESENT_JSON, PRESENT_CSV, PRESENT_NONE };

struct present_opts {
	enum present_format format;
	const char *csv_table;		/* with PRESENT_CSV: a table name, NULL = tasks */
	bool color;			/* text on a TTY */
	bool threads;			/* text: also the per-thread table */
	unsigned long long slower_than_ns;	/* list wakeups slower than this; 0 = none */
	bool ascii_timeline;		/* --timeline / timeline --ascii */
	enum present_map { PRESENT_MAP_BOTH = 0, PRESENT_MAP_CPU, PRESENT_MAP_TASK } map;
	unsigned int width;		/* terminal columns; 0 = 100 */
	__u64 from_ns, to_ns;		/* timeline window, relative to start; 0 = all */
	const char *cpus;		/* timeline CPU list, or NULL */
	const char *perfetto_path;
	const char *html_path;
	bool stacks;			/* off-CPU stacks in the text report */
	const char *folded_path;	/* folded off-CPU stacks, or NULL */
};

struct presenter;

int  presenter__new(const struct present_opts *o, const struct sl_trace_info *ti,
		    struct presenter **out);
/*
 * sl_event_fn: ctx is the presenter.  A failure (an output file that cannot
 * be written, no memory) is said here, once, and returned from then on.
 */
int  presenter__sink(const struct sl_event *e, void *ctx);
/* Finishes the analysis and writes every requested output.  0 or -errno. */
int  presenter__finish(struct presenter *p, const struct sl_trace_info *ti, FILE *out);
/* After finish: the analysis result (owned by p). */
const struct sl_result *presenter__result(const struct presenter *p);
void presenter__free(struct presenter *p);

#endif
