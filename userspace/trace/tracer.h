/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage trace/: skeleton open/configure/load/attach (this file), the pid
 * filter, draining the rings into one time-ordered stream (merge.h), a
 * live session and its sinks (session.h), the kernel's own counters
 * (kstat.h), the machine check (check.h), and the orchestration of `run`
 * (run.h) and `trace` (target.h).  Must not: interpret events or format
 * output; it hands the stream to the presenter (output/present.h).
 *
 * The probes' lifecycle: open → configure → load → attach → drain → destroy.
 * The tracer turns the per-CPU ring buffers into one time-ordered stream of
 * struct sl_event and knows nothing about what the events mean.
 */
#ifndef SL_TRACER_H
#define SL_TRACER_H

#include <sys/types.h>
#include "format/event.h"

enum tracer_mode { TRACER_AUTO = 0, TRACER_TP_BTF, TRACER_RAW_TP };

struct tracer_opts {
	enum tracer_mode mode;		/* AUTO: tp_btf, else raw_tp */
	__u32 ring_bytes;		/* per CPU; 0 = default (8 MiB) */
	bool stacks;			/* kernel and user stacks at blocking switch-outs */
};

struct tracer;

/* Loads and attaches every probe.  0 or -errno (message already logged). */
int  tracer__open(const struct tracer_opts *o, struct tracer **out);
void tracer__destroy(struct tracer *t);	/* accepts NULL */

const char *tracer__mode(const struct tracer *t);
__u32 tracer__ncpu(const struct tracer *t);

/* Trace every task forked by process tgid from now on (or stop doing so). */
int  tracer__follow_children(struct tracer *t, pid_t tgid, bool on);
/* Trace one existing task (thread) and its future children. */
int  tracer__track(struct tracer *t, pid_t tid, pid_t tgid);
/* Stop tracing a task: nothing more of it is recorded from here. */
int  tracer__untrack(struct tracer *t, pid_t tid);
struct qlog;
/*
 * Merges the workload's queue event log (lab/qlog.h) into the stream, each
 * writer's ring like one more CPU's.  l must outlive the tracer's drains.
 */
int  tracer__add_qlog(struct tracer *t, struct qlog *l);
/*
 * fn sees each record as it leaves the rings, before the merge window:
 * for what must be done while the task surely lives.  Its return is ignored.
 */
void tracer__on_drain(struct tracer *t, sl_event_fn fn, void *ctx);
/* Whether the probes trace this task (thread) now. */
bool tracer__is_tracked(struct tracer *t, pid_t tid);
/* Adds a record of userspace origin (initial names) to the stream. */
int  tracer__inject(struct tracer *t, const struct sl_event *e);

/* Drains the rings; emits, in time order, records old enough to be final. */
int  tracer__poll(struct tracer *t, sl_event_fn fn, void *ctx);
/*
 * Drains the rings into the merge and says whether pid's final switch is
 * among the records: its kernel counters are then final.  Cheap; does not
 * wait for the merge window.
 */
bool tracer__has_died(struct tracer *t, pid_t pid);
/* Drains the rings and emits everything: call after the workload ended. */
int  tracer__flush(struct tracer *t, sl_event_fn fn, void *ctx);

/*
 * Runs the occupant probe on every online CPU: at the start (end = false)
 * it records who holds each CPU (SL_EV_CPU_OCC) and starts the per-CPU
 * kernel accounting there; at the end it accounts each occupant up to now.
 * 0, or -errno when it ran on no CPU.
 */
int  tracer__snapshot_cpus(struct tracer *t, bool end);
/* Per-CPU kernel counters (lost, idle, other, traced) into cpus[ncpu]. */
int  tracer__cpu_stats(struct tracer *t, struct sl_cpu_stats *cpus);
/*
 * The untraced tasks that held CPUs, heaviest first: at most max of them
 * into out; *n how many.  0 or -errno.
 */
int  tracer__foreign(struct tracer *t, struct sl_foreign_task *out, __u32 max, __u32 *n);
__u64 tracer__late(const struct tracer *t);
/*
 * Runs of our programs the kernel skipped because one was already running
 * on that CPU (bpf_prog_info.recursion_misses): events never recorded.
 */
__u64 tracer__prog_misses(const struct tracer *t);

/*
 * The frames of stack `id` (SL_EV_STACK), innermost first, into ips[max].
 * Returns their number, or a negative errno (id < 0 is returned as is).
 */
int tracer__stack(struct tracer *t, __s32 id, __u64 *ips, int max);

/* BOOTTIME now, ns: the probes' clock. */
__u64 sl_now_ns(void);

#endif
