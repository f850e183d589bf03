/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The orchestration of `schedlab trace`: any program's process tree under
 * the tracer, from its first instruction (a command schedlab starts) or
 * from now on (a running process, -p, or a cgroup), to the report.  `run` has its own
 * (run.h), for the lab's workload.
 */
#ifndef SL_TARGET_H
#define SL_TARGET_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "output/present.h"
#include "tracer.h"

#define TARGET_PID_MAX	4194304		/* the kernel's PID_MAX_LIMIT */

struct target_opts {
	char **command;			/* argv to start, or NULL with pid */
	pid_t pid;			/* a running process to trace, or 0 */
	const char *cgroup_dir;		/* a cgroup v2 directory to trace, or NULL */
	unsigned long long duration_ns;	/* with pid or cgroup: stop after this; 0 = when
					 * the process exits (cgroup: at Ctrl-C) */
	const char *trace_path;		/* -o: also record the trace, or NULL */
	enum tracer_mode mode;
	bool stacks;			/* off-CPU stacks */
};

/*
 * Traces o's command, process or cgroup (its whole subtree, processes that
 * enter it later too) and presents it to out as po asks.  A
 * command is forked with schedlab as its "follow parent", so the probes
 * track it from the fork on, and held at a barrier until the probes run;
 * its exit is observed without reaping (waitid WNOWAIT), so the kernel's
 * own counters of the zombie can be read for the cross-check.  With a
 * machine-readable report the command's standard output goes to standard
 * error.  Returns 0 and sets *exit_code to the command's exit code (128+N
 * for signal N, 127 if it could not run; 0 for -p), or -errno with the
 * reason already logged.
 */
int target__trace(const struct target_opts *o, const struct present_opts *po, FILE *out,
		  int *exit_code);

#endif
