/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live tracing session: the tracer, the trace-wide info being gathered,
 * an optional trace file, and the sinks the time-ordered stream feeds
 * (analysis, timelines).  `trace` and `run` drive one; `report` replays a
 * file through the same sinks, so every output sees the same stream.
 */
#ifndef SL_SESSION_H
#define SL_SESSION_H

#include <signal.h>
#include <sys/types.h>
#include "format/event.h"
#include "tracer.h"

#define SESSION_MAX_SINKS 8
#define SESSION_FLUSH_NS 1000000000ull	/* trace file blocks reach the kernel this often */

struct session_opts {
	const char *trace_path;		/* -o: write a trace file, or NULL */
	enum tracer_mode mode;
	const char *cmdline;		/* what is traced, for the header */
	const char *config;		/* workload configuration (INI) or NULL */
	bool progress;			/* status line on stderr */
	bool stacks;			/* off-CPU stacks, symbolized while tracing */
	/*
	 * The caller starts the CPUs' occupant snapshot itself, once the
	 * tasks already running are tracked (-p, --cgroup): a CPU held by
	 * one then starts as its stretch, not as another task's.
	 */
	bool defer_cpu_snapshot;
};

struct session {
	struct tracer *tracer;
	struct sl_trace_info ti;
	struct tracefile_writer *writer;
	struct stack_symbols *stacks;	/* with session_opts.stacks */
	struct obj_names *names;	/* the variables behind futexes */
	struct qmarks *marks;		/* queue-wait marks (trace/qmarks.h) */
	struct { sl_event_fn fn; void *ctx; bool failed; } sinks[SESSION_MAX_SINKS];
	int nr_sinks;
	bool progress;
	__u64 last_progress;
	__u64 last_flush;
	struct taskstats_conn *taskstats;	/* block-I/O wait of exited children, or NULL */
	bool delayacct_set;		/* we turned kernel.task_delayacct on */
	bool delayacct_was_on;
	bool cpus_closed;		/* session__close_cpus done */
	bool steal_known;		/* steal_at_start was read */
	__u64 steal_at_start;		/* /proc/stat steal when tracing began (trace/steal.h) */
	int err;
	int write_err;			/* the trace file failed (said once); the run stops */
	int sink_err;			/* a sink failed (it said why); the run stops */
};

/* Set by SIGINT/SIGTERM (see session__install_signals). */
extern volatile sig_atomic_t session_stop;
extern volatile sig_atomic_t session_signal;
/*
 * The first SIGINT/SIGTERM sets session_stop to 1 (stop); the second to 2
 * (kill what is traced, still finish the trace); the third kills schedlab.
 */
void session__install_signals(void);

int  session__open(const struct session_opts *o, struct session **out);
int  session__add_sink(struct session *s, sl_event_fn fn, void *ctx);
/*
 * Who holds each CPU now, into the stream, and the CPUs' own accounting
 * starts here.  session__open does it unless told to defer it.
 */
void session__snapshot_cpus(struct session *s);
/*
 * Who holds each CPU as the trace closes, into the stream, and the CPUs'
 * accounting up to here; once (session__close does it if not done).  -p
 * and --cgroup call it before they stop tracing the tasks, so that a task
 * still on a CPU is seen there as traced.
 */
void session__close_cpus(struct session *s);
/* Drains the probes into the sinks; call every few milliseconds. */
int  session__poll(struct session *s);
/*
 * Waits (polling) until pid's last switch has been seen, so the kernel's
 * counters for it are final, then reads them from /proc into the task
 * table.  For a child that is a zombie not yet reaped.
 */
int  session__capture_exit(struct session *s, pid_t pid, int timeout_ms);
/*
 * Flushes everything, fills end time and per-CPU stats, finishes the file.
 * Returns 0, a tracing error, or the trace file's write error (said once).
 */
int  session__close(struct session *s);
/* Detaches the probes; ti stays valid until session__free. */
void session__free(struct session *s);

struct tracefile_reader;
/*
 * Feeds every event of an opened trace (tracefile__open, which already
 * filled the trace-wide info) to fn, then closes the reader.  0, or 1
 * with a one-line reason in err, empty when fn failed (fn says why).
 */
int  replay_events(struct tracefile_reader *r, sl_event_fn fn, void *ctx,
		   char *err, size_t errlen);

#endif
