/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report in its three forms, all from the same struct sl_result (and
 * the trace's own info: command line, kernel, CPUs): text for people, JSON
 * (docs/json-schema.md) and CSV for scripts.  None of them derives a
 * metric; they only format.  Each returns 0 or -EIO when the stream failed.
 */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/analysis.h"
#include "analysis/analysis_result.h"

#define REPORT_JSON_SCHEMA_VERSION	6
#define REPORT_WIDTH			100	/* no text line is wider */

/*
 * Top-down: summary (concurrency, parallelism, multiprogramming and what
 * they mean), CPU use, per-role and per-process tables (the process tree,
 * who reaped whom, threads on request), wakeups and
 * migrations, the queue section with its verdict, then the kernel
 * cross-check and the lost-record line.  ANSI colour only when o->color;
 * o may be NULL.
 */
struct report_text_opts {
	bool color;		/* ANSI colour */
	bool threads;		/* also the per-thread table */
};

int report__text(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti,
		 const struct report_text_opts *o);

/* One JSON object, schema_version REPORT_JSON_SCHEMA_VERSION, newline-terminated. */
int report__json(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti);

/* What the JSON report holds beyond sl_result: the off-CPU stacks (--stacks). */
struct sl_stack_row;
struct report_json_extra {
	bool stacks_asked;
	const struct sl_stack_row *stacks;
	__u32 nr_stacks;
	__u64 stacks_unfinished;
};
int report__json_with(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti,
		      const struct report_json_extra *x);

/*
 * The per-task (thread) table as CSV, each row with its tgid (header line
 * first, times in ns).  The other
 * tables, one CSV each, through report__csv_table().
 */
int report__csv(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti);

enum report_csv_table {
	REPORT_CSV_TASKS = 0,	/* what report__csv writes */
	REPORT_CSV_ROLES,
	REPORT_CSV_CPUS,
	REPORT_CSV_LEVELS,	/* parallelism/concurrency/multiprogramming: time per level */
	REPORT_CSV_QUEUES,
	REPORT_CSV_WAKEUPS,	/* waker -> wakee matrix */
	REPORT_CSV_MIGRATIONS,	/* from -> to matrix */
	REPORT_CSV_PROCESSES,	/* processes and groups of processes */
	REPORT_CSV_SLOW,	/* "slow-wakeups": the --slower-than list */
	REPORT_CSV_WAITS,	/* each task's top wait objects */
	REPORT_CSV_CHANNELS,	/* one row per task of each channel */
	REPORT_CSV_LOCKS,	/* one row per taker of each contended lock */
	REPORT_CSV_INTERVALS,	/* streamed while the analysis runs, see below */
	REPORT_CSV_MAX,
};

/* "tasks", "roles", ... -> table; -EINVAL for an unknown name. */
int report__csv_table_parse(const char *name, enum report_csv_table *t);
/* The name --csv-table takes for t, NULL past the last: the one list of tables. */
const char *report__csv_table_name(unsigned int t);
int report__csv_table(FILE *f, enum report_csv_table t, const struct sl_result *r,
		      const struct sl_trace_info *ti);

/*
 * Per-interval table, streamed: register report__csv_interval with
 * analysis__on_interval(a, report__csv_interval, file) after writing the
 * header.  One row per closed task-state or CPU-occupancy interval:
 * kind,start_ns,end_ns,pid,cpu,state.
 */
int  report__csv_intervals_header(FILE *f);
void report__csv_interval(const struct sl_interval *iv, void *file);

#endif
