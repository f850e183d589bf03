/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage format/: the event record and the trace-wide info (this file),
 * the versioned on-disk format, writer and streaming reader
 * (tracefile.h).  Must not: interpret events (what a switch means is
 * analysis's), or depend on any stage but util/.
 *
 * The event stream as userspace sees it: the probes' records (bpf/schedlab.h)
 * in time order, plus what a whole trace knows about itself (struct
 * sl_trace_info: header and footer of a trace file, or the live tracer's
 * state at the end of a run).  Every stage after the tracer consumes
 * exactly this.
 */
#ifndef SL_EVENT_H
#define SL_EVENT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "schedlab.h"
#include "util/idmap.h"

_Static_assert(sizeof(struct sl_event) == 32, "sl_event must stay 32 bytes");

/*
 * Set only on records the analysis inferred where the stream broke its own
 * invariants (analysis.h, struct sl_repair); the probes never set them and
 * trace files never hold them.
 */
#define SL_SWF_INFERRED		0x80	/* SL_EV_SWITCH */
#define SL_MIGF_INFERRED	0x80	/* SL_EV_MIGRATE */

/* Called once per event, in time order.  Non-zero return stops the stream. */
typedef int (*sl_event_fn)(const struct sl_event *e, void *ctx);

const char *sl_event_type_name(unsigned int type);
const char *sl_reason_name(unsigned int reason);
/* SCHED_OTHER, SCHED_FIFO, ... for a task's policy (SL_EV_TASK_ATTR). */
const char *sl_policy_name(unsigned int policy);

/*
 * The kernel's own counters for one task, from /proc or from its last
 * switch.  valid: nvcsw .. sum_exec_runtime_ns (/proc/PID/sched);
 * sched_info: run_delay_ns and pcount (/proc/PID/schedstat,
 * CONFIG_SCHED_INFO); delay: blkio_delay_ns (delay accounting, taskstats).
 */
struct sl_kstat {
	bool valid;
	bool sched_info;
	bool delay;
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 nr_migrations;
	__u64 sum_exec_runtime_ns;
	__u64 run_delay_ns;	/* time waiting on a run queue (sched_info.run_delay) */
	__u64 pcount;		/* times scheduled in (sched_info.pcount) */
	__u64 blkio_delay_ns;	/* time waiting for block I/O (delays->blkio_delay) */
};

/* One task known to the trace.  pid is the kernel pid (thread id). */
struct sl_task_info {
	__u32 pid;
	__u32 tgid;
	__u32 ppid;		/* parent's pid, 0 if unknown */
	char comm[SL_COMM_LEN];
	__s32 exit_status;	/* wait(2) status; -1 if not reaped by schedlab */
	__u32 flags;		/* SL_TASKF_* */
	struct sl_kstat proc;	/* /proc/PID/sched read as a zombie, or at the end */
	struct sl_kstat death;	/* task_struct counters at its last switch (probe) */
	struct sl_kstat base;	/* counters when tracing began (-p), else zeros */
};

/* sl_trace_info.flags */
#define SL_TRACEF_DELAYACCT	0x1	/* delay accounting was on for the whole trace */

#define SL_TASKF_EXITED		0x1	/* saw it exit */
#define SL_TASKF_PREEXISTING	0x2	/* was running before tracing began (-p) */
/*
 * Bits 8-15: how far its counters moved while they were read at the start
 * or the end of the trace (-p, --cgroup): switches the probes may or may
 * not have recorded, which the kernel cross-check allows.  0 in older traces.
 */
#define SL_TASKF_EDGE_SHIFT	8
#define SL_TASKF_EDGE_MASK	0xff00u

/* An untraced task that held CPUs during the trace (the probes' foreign map). */
struct sl_foreign_task {
	__u32 pid, tgid;
	char comm[SL_COMM_LEN];
	__u64 ns;		/* its CPU time within the trace, from switch timestamps */
};

/* A cgroup (v2) by its id, the inode of its directory, and its path. */
struct sl_cgroup {
	__u64 id;
	char *path;		/* from the cgroup root, "/" for the root */
};

/*
 * A wait object's name: the variable that holds a futex word in its
 * process ("full", "queue_lock+0x28"), found while tracing
 * (trace/obj_names.c).  At most SL_OBJ_NAMES_MAX per trace.
 */
#define SL_OBJ_NAME_LEN 48
#define SL_OBJ_NAMES_MAX 4096
struct sl_obj_name {
	__u32 tgid;
	__u64 addr;
	char name[SL_OBJ_NAME_LEN];
};

/* Everything about a trace besides its events. */
struct sl_trace_info {
	__u32 version;
	__u32 ncpu;
	__u64 start_ts;		/* BOOTTIME ns: tracing began */
	__u64 end_ts;		/* BOOTTIME ns: tracing ended */
	__u64 start_realtime_ns;
	char kernel[65];
	char probe_mode[16];	/* "tp_btf" or "raw_tp" */
	__u32 arch;		/* enum sl_arch of the traced machine */
	char *cmdline;		/* what was traced (malloc'd) */
	char *config;		/* workload configuration, INI text, or NULL */
	__u64 nr_events;
	__u64 late_events;	/* arrived after the reorder window; clamped */
	__u64 prog_misses;	/* probe runs the kernel skipped (recursion_misses) */
	__u64 steal_ns;		/* CPU time the hypervisor took during the trace, all CPUs */
	__u32 flags;		/* SL_TRACEF_* */
	struct sl_cpu_stats *cpus;	/* [ncpu] */
	__u32 nr_tasks;
	struct sl_task_info *tasks;	/* [nr_tasks] */
	char *workload_summary;	/* workload's conservation summary, text, or NULL */
	struct sl_stacks *stacks;	/* symbolized off-CPU stacks (format/stacks.h), or NULL */
	__u32 nr_cgroups;
	struct sl_cgroup *cgroups;	/* cgroups of the traced tasks (SL_EV_TASK_ATTR) */
	__u32 nr_obj_names;		/* <= SL_OBJ_NAMES_MAX */
	struct sl_obj_name *obj_names;
	__u32 nr_foreign;		/* <= SL_FOREIGN_MAX */
	struct sl_foreign_task foreign[SL_FOREIGN_MAX];	/* heaviest first */
	struct idmap task_index;	/* private: pid -> newest task's index */
};

/* uname's machine ("x86_64", "aarch64") as an enum sl_arch; SL_ARCH_UNKNOWN for others. */
enum sl_arch sl_arch_from_machine(const char *machine);
/* "x86_64", "arm64" or "unknown". */
const char *sl_arch_name(unsigned int arch);

void sl_trace_info__free(struct sl_trace_info *ti);
/* Records lost: full rings on every CPU, plus probe runs the kernel skipped. */
__u64 sl_trace_info__lost(const struct sl_trace_info *ti);
/* The newest task with this pid, or NULL.  O(1) on average. */
struct sl_task_info *sl_trace_info__task(struct sl_trace_info *ti, __u32 pid);
const struct sl_task_info *sl_trace_info__find(const struct sl_trace_info *ti, __u32 pid);
/* Finds or appends a task; NULL on allocation failure.  O(1) on average. */
struct sl_task_info *sl_trace_info__add_task(struct sl_trace_info *ti, __u32 pid);
/* Appends a task even if its pid is known (a recycled pid); NULL on failure. */
struct sl_task_info *sl_trace_info__append_task(struct sl_trace_info *ti, __u32 pid);

/* Records a cgroup's path (copied) unless its id is known.  0 or -ENOMEM. */
int sl_trace_info__add_cgroup(struct sl_trace_info *ti, __u64 id, const char *path);
/* The path of cgroup id, or NULL. */
const char *sl_trace_info__cgroup_path(const struct sl_trace_info *ti, __u64 id);

/*
 * Names the object at addr in process tgid (copied, cut to fit).  0,
 * -E2BIG past SL_OBJ_NAMES_MAX, or -ENOMEM.
 */
int sl_trace_info__add_obj_name(struct sl_trace_info *ti, __u32 tgid, __u64 addr,
				const char *name);
/* The name of the object at addr in process tgid (0: in any process), or NULL. */
const char *sl_trace_info__obj_name(const struct sl_trace_info *ti, __u32 tgid, __u64 addr);

/*
 * The queue capacity the traced workload was configured with: `capacity =
 * N` in the [workload] section of ti->config (the first such key), or 0
 * when there is none or its value is not a number of 1..2^32-1.
 */
__u32 sl_trace_info__queue_capacity(const struct sl_trace_info *ti);

/*
 * Keeps ti's task table up to date from one event (fork, comm, exit, the
 * kernel counters at death).  Returns 0 or -ENOMEM.
 */
int sl_trace_info__observe(struct sl_trace_info *ti, const struct sl_event *e);

#endif
