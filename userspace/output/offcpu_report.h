/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Off-CPU stacks (trace --stacks) out: folded stacks for flame-graph tools
 * (flamegraph.pl, inferno, speedscope: "comm;frame;...;frame VALUE", root
 * first, VALUE = off-CPU microseconds), the top stacks per task in the
 * text report, and all of them in the JSON report.
 */
#ifndef SL_OFFCPU_REPORT_H
#define SL_OFFCPU_REPORT_H

#include <stdio.h>
#include "analysis/offcpu_stacks.h"

int offcpu__write_folded(FILE *f, const struct sl_stack_row *rows, __u32 n,
			 const struct sl_trace_info *ti);
int offcpu__text(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		 const struct sl_trace_info *ti, int width);
/*
 * Each task's per_task heaviest stacks that have frames, heaviest first
 * (rows come sorted so): fn returns 1 for a row it used, 0 to pass it
 * over (it does not count), <0 to stop with that error.  For the
 * timelines, which show a few stacks per task.
 */
typedef int (*offcpu_top_fn)(const struct sl_stack_row *r, const char *frames, __u32 rank,
			     void *ctx);
int offcpu__each_top(const struct sl_stack_row *rows, __u32 n, const struct sl_trace_info *ti,
		     __u32 per_task, offcpu_top_fn fn, void *ctx);
/* The value of "offcpu_stacks" in the JSON report (an object, no key). */
int offcpu__json(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		 const struct sl_trace_info *ti);

#endif
