/* SPDX-License-Identifier: GPL-2.0 */
/* One workload run under the tracer, from config to report. */
#ifndef SL_RUN_H
#define SL_RUN_H

#include <stdio.h>
#include "output/present.h"
#include "lab/profile.h"
#include "tracer.h"
#include "lab/workload.h"

struct run_result {
	struct wl_summary summary;
	__u64 events;
	__u64 lost;
	/* With keep_presenter: the finished presenter, for the caller to free. */
	bool keep_presenter;
	struct presenter *presenter;
};

/*
 * Traces one run of c and presents it to out as po asks (PRESENT_NONE: no
 * report).  trace_path, if set, records the trace.  0, or -errno with the
 * reason already logged.
 */
int run__profile(const struct wl_config *c, enum tracer_mode mode, const char *trace_path,
		 const struct present_opts *po, FILE *out, struct run_result *rr);
/* Leave the queue events out: the workload then writes no queue log. */
extern bool run_no_queue_probes;

/*
 * The same run without any probe: the baseline that tracing overhead is
 * measured against.  Prints the workload summary to out.  0 or -errno.
 */
int run__untraced(const struct wl_config *c, FILE *out, struct run_result *rr);

/* The text stored in a trace as the workload's conservation summary. */
void run__format_summary(const struct wl_summary *s, char *buf, size_t len);

#endif
