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
/* The value of "offcpu_stacks" in the JSON report (an object, no key). */
int offcpu__json(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		 const struct sl_trace_info *ti);

#endif
