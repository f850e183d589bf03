/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one analysis pass found: the numbers every output form prints (text,
 * JSON, CSV, timelines, sweep).  Built once by analysis__finish(); owned by
 * the struct analysis it came from.  Definitions of every field are in
 * docs/metrics.md; times are ns unless a name says otherwise, fractions are
 * 0..1.
 */
#ifndef SL_ANALYSIS_RESULT_H
#define SL_ANALYSIS_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include "analysis.h"

#define SL_NO_TASK	0xffffffffu	/* "no traced task": an untraced waker */
#define SL_LOG2_BUCKETS	64		/* bucket k: [2^k, 2^(k+1)) ns; k=0 also holds 0 */

/* Summary of a distribution of durations (ns). */
struct sl_dist {
	__u64 count;
	__u64 sum;
	__u64 min, max;
	/*
	 * Percentiles from the HDR-style histogram (analysis_hist.h: exact below
	 * 64 ns, then 32 linear sub-buckets per power of two, i.e. within 1/32 =
	 * 3.1 % of the true value): the highest value of the bucket holding the
	 * p-th sample, clamped into [min, max].
	 */
	__u64 p50, p90, p99;
};

static inline double sl_dist_mean(const struct sl_dist *d)
{
	return d->count ? (double)d->sum / (double)d->count : 0.0;
}

/* Where a task's checked counters came from. */
enum sl_xc_source {
	SL_XC_SRC_NONE = 0,	/* nothing to compare against */
	SL_XC_SRC_PROC,		/* /proc/PID/sched read as a zombie or at the end */
	SL_XC_SRC_DEATH,	/* task_struct at its last switch (probe) */
	SL_XC_SRC_STREAM,	/* the KSTAT records in the stream (no task table) */
};

enum sl_xc_counter {
	SL_XC_VOLUNTARY = 0,
	SL_XC_INVOLUNTARY,
	SL_XC_MIGRATIONS,
	SL_XC_ONCPU,
	SL_XC_RUN_DELAY,	/* runnable time vs sched_info.run_delay (schedstat) */
	SL_XC_PCOUNT,		/* switch-ins (seen + inferred) vs sched_info.pcount */
	SL_XC_BLKIO,		/* time blocked in iowait vs delay accounting's blkio_delay */
	SL_XC_MAX,
};

/* One traced task (kernel pid = thread id), in order of first appearance. */
/* A task's scheduling class and cgroup as last seen (SL_EV_TASK_ATTR). */
struct sl_sched_attr {
	bool known;
	__u32 policy;			/* SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6 */
	__s32 nice;
	__u32 rt_priority;
	__u64 cgroup_id;		/* cgroup v2 id, 0 unknown */
};

struct sl_task_row {
	__u32 pid, tgid, ppid;
	char comm[SL_COMM_LEN];
	__u32 role;			/* index into sl_result.roles */
	__u32 proc;			/* index into sl_result.procs: its process */
	char args[SL_ARGV_LEN + 1];	/* its command line ("" unknown), inherited until it execs */
	__u32 parent;			/* task index of the task that forked it, SL_NO_TASK */
	__u64 first_ts, last_ts;	/* resident from .. to (BOOTTIME ns) */
	__u64 state_ns[SL_TS_MAX];	/* time in each state (BOOTTIME intervals) */
	__u64 on_cpu_ns;		/* the kernel's run time (sum_exec_runtime growth) */
	__u64 off_cpu_ns;		/* every other state */
	__u64 vol_switches;		/* switch-outs the kernel counts in nvcsw */
	__u64 invol_switches;		/* ... in nivcsw (preempted, yield) */
	__u64 migrations;		/* CPU changes (sched_migrate_task + inferred) */
	__u64 migrations_wakeup;	/* of those: while runnable after a wakeup */
	__u64 migrations_inferred;	/* of those: not reported, inferred */
	__u64 switch_ins;		/* times switched in, seen in the stream */
	__u64 switch_ins_inferred;	/* ... not reported, inferred (stream check) */
	__u64 wakeups_unreported;	/* switched in from a blocked state: run-queue wait unknown */
	__u64 wakeups;			/* effective wakeups received (blocked -> runnable) */
	__u64 slices;			/* on-CPU stretches */
	__u32 cpus_used;		/* distinct CPUs it ran on */
	/*
	 * its run-queue delays: from the enqueue (the kernel's run_delay
	 * starts there, runqlat measures from there) to running
	 */
	struct sl_dist rq_latency;
	/*
	 * Wakeups whose enqueue came late, on an IPI to the target CPU:
	 * sched_waking -> the enqueue the kernel stamped.  Runnable (woken)
	 * time includes them; the kernel's run_delay does not.
	 */
	__u64 late_enqueues, late_enqueue_ns, late_enqueue_max;
	/*
	 * The kernel's rq clock lagged at its switches (SL_EV_RQ_LAG): its
	 * run_delay began waits after its preemptions rq_lag_add_ns earlier
	 * in all, and ended its waits rq_lag_sub_ns earlier, than the stream.
	 */
	__u64 rq_lag_add_ns, rq_lag_sub_ns;
	/*
	 * Of its run-queue latency, the part spent by wakeups that were
	 * switched in by an idle CPU: the kernel's run_delay may leave it out
	 * (the rq clock is not updated for that switch).
	 */
	__u64 idle_in_ns;
	struct sl_sched_attr attr;
	__u64 rq_max_ts;		/* when the wakeup of the largest was (BOOTTIME ns) */
	bool exited;			/* its final switch was seen */
	__s32 exit_status;		/* wait(2) status, -1 unknown */
	bool producer, consumer;	/* pushed / popped on some queue */
	__u32 first_wait, nr_waits;	/* its top wait objects: waits[first_wait ..] */
	/* kernel cross-check */
	__u8 xc_source;			/* enum sl_xc_source */
	bool xc_ok;
	__u64 kernel[SL_XC_MAX];	/* the kernel's values (minus base for -p) */
	__u32 xc_checked;		/* bit c: counter c was compared */
	__u64 iowait_ns;		/* time blocked with in_iowait (what blkio_delay counts) */
	__u64 io_waits;			/* ... that many times */
};

#define SL_TOP_WAITS	4		/* wait objects kept per task */

/*
 * What a task waited on, one direction of one object: "pipe 12345, writing:
 * 5.49 s in 1200 blocks".  Objects are named by kind and `obj` (see enum
 * sl_wait_kind); `scope` is the process whose address space a private
 * futex's address belongs to.
 */
struct sl_wait_row {
	__u32 task;			/* index into tasks */
	__u8 kind;			/* enum sl_wait_kind */
	__u8 detail;			/* SL_WD_* of this direction */
	__u8 sub;			/* socket family */
	__u8 state;			/* enum sl_task_state the time counts in */
	__u16 nr_syscall;		/* SL_WK_SYSCALL: the call */
	__u16 fill_max, cap;		/* pipe: buffers in use at a block / size */
	__u64 obj;
	__u32 scope;
	__u64 blocked_ns;
	__u64 blocks;
	char name[SL_OBJ_NAME_LEN];	/* the variable holding a futex, or "" */
};

/*
 * Tasks grouped by role: comm without a trailing instance number
 * ("consumer-1", "worker_3", "kworker/0:1" -> "consumer", "worker",
 * "kworker/0"); "stress-ng" and "sched-messaging" stay whole.
 */
struct sl_role_row {
	char name[SL_COMM_LEN];
	__u32 nr_tasks;
	__u64 state_ns[SL_TS_MAX];
	__u64 on_cpu_ns, off_cpu_ns, alive_ns;
	__u64 vol_switches, invol_switches;
	__u64 migrations, wakeups;
	struct sl_dist rq_latency;	/* count, sum, min, max only */
};

/*
 * A process (tgid) with its threads, or a group of short-lived sibling
 * processes folded into one row (nr_procs > 1): children of one parent
 * with one name, each exited and with no children of its own, when there
 * are more than SL_PROC_GROUP_MIN of them.  Sums are over its threads (over
 * every member's threads for a group).
 */
#define SL_PROC_GROUP_MIN	8
#define SL_PROC_NAME_LEN	48

struct sl_proc_row {
	__u32 tgid;			/* a group: its first member's */
	__u32 ppid;			/* the parent process's tgid, 0 unknown */
	__u32 parent;			/* index of the parent process row, SL_NO_TASK */
	__u32 group;			/* index of the group row it is folded into, SL_NO_TASK */
	__u32 depth;			/* in the process tree: 0 for a root */
	char comm[SL_COMM_LEN];		/* the main thread's name */
	char name[SL_PROC_NAME_LEN];	/* comm, plus what tells it apart (procs_name) */
	char args[SL_ARGV_LEN + 1];	/* the main thread's command line, "" unknown */
	__u32 role;			/* its main thread's role */
	__u32 nr_procs;			/* 1; a group: its members */
	__u32 nr_threads;		/* tasks it is made of */
	__u32 nr_exited;		/* of those: final switch seen */
	__u32 first_thread;		/* its threads: proc_tasks[first_thread ..] */
	__u64 first_ts, last_ts;	/* first thread born .. last thread gone */
	__u64 lifetime_ns;		/* a group: Σ of its members' lifetimes */
	__u64 state_ns[SL_TS_MAX];
	__u64 on_cpu_ns, off_cpu_ns;
	__u64 vol_switches, invol_switches;
	__u64 migrations, wakeups, slices;
	__u32 cpus_used;		/* distinct CPUs any of its threads ran on */
	struct sl_dist rq_latency;	/* percentiles over all its threads' samples */
	__u64 rq_max_ts;		/* when the wakeup of the largest was */
	__s32 exit_status;		/* the main thread's, -1 unknown */
	struct sl_sched_attr attr;	/* the main thread's */
	bool attr_mixed;		/* some thread's class or nice differs from it */
	__u32 waited_by;		/* process row whose wait4/waitid its exit ended, SL_NO_TASK */
	__u32 nr_waited;		/* members whose exit ended that wait (0 or 1 for a process) */
	/* kernel cross-check, Σ over its threads that have kernel counters */
	__u32 xc_checked, xc_mismatched;
	__u64 kernel[SL_XC_MAX];
};

/* One wakeup slower than the --slower-than threshold. */
#define SL_SLOW_MAX	10000		/* listed at most; all are counted */

struct sl_slow_wakeup {
	__u64 wake_ts, enq_ts, run_ts;	/* woken, on a run queue, on a CPU (BOOTTIME ns) */
	__u64 latency_ns;		/* run_ts - enq_ts */
	__u32 task;			/* task index of the wakee */
	__u32 waker;			/* task index, SL_NO_TASK = untraced */
	__u16 cpu;			/* the CPU it then ran on */
};

/* A waker -> wakee edge endpoint with this bit names a row of procs (a group). */
#define SL_REF_PROC	0x80000000u

struct sl_cpu_row {
	__u32 cpu;
	/* occupancy within the wall interval W, from the switch records */
	__u64 traced_ns, other_ns, idle_ns, unknown_ns;
	/* the kernel's per-CPU accounting over the whole trace (sl_cpu_stats) */
	__u64 k_traced_ns, k_other_ns, k_idle_ns;
	__u64 lost;
	__u32 distinct_tasks;		/* traced tasks that ran here */
	struct sl_dist slice;		/* traced tasks' time-slice lengths */
	__u64 slice_hist[SL_LOG2_BUCKETS];
};

/* Who wakes whom (traced wakees; waker SL_NO_TASK = anything untraced). */
struct sl_wake_edge {
	__u32 waker, wakee;		/* task indices */
	__u64 count;
	__u64 delay_ns;			/* total wakeup -> running delay */
};

enum sl_verdict {
	SL_V_NONE = 0,			/* no queue traffic to judge */
	SL_V_BALANCED,
	SL_V_PRODUCER_BOUND,
	SL_V_CONSUMER_BOUND,
	SL_V_CPU_STARVED,
	SL_V_IO_BOUND,
	SL_V_LOCK_BOUND,
	SL_V_MAX,
};

const char *sl_verdict_name(enum sl_verdict v);

/*
 * Which rule of the verdict matched (docs/metrics.md, "Queue verdict"), and
 * so which figures justify it.  "judged" is the side the verdict names, or
 * both sides together (sl_queue_row.both) when it names none.
 */
enum sl_verdict_rule {
	SL_VR_NONE = 0,		/* nothing was pushed or popped */
	SL_VR_LOCK,		/* both sides wait for the queue lock: lock_frac */
	SL_VR_SLEEP,		/* judged sleeps outside the queue: sleep_frac, the queue full/empty share */
	SL_VR_IO,		/* judged: io_frac >= cpu_wait_frac */
	SL_VR_CPU_OTHER,	/* judged: cpu_wait_frac; untraced tasks held other_frac of its CPUs */
	SL_VR_CPU,		/* judged: cpu_wait_frac at the run's concurrency on its CPUs */
	SL_VR_SIDE,		/* judged is busy: busy_frac, the queue full/empty, the other side blocked */
	SL_VR_BALANCED,		/* no side: full and empty shares, both sides' blocked shares */
	SL_VR_MAX,
};

/* The tasks a verdict names. */
enum sl_verdict_who {
	SL_VW_BOTH = 0,		/* producers and consumers together */
	SL_VW_PRODUCERS,
	SL_VW_CONSUMERS,
};

/* One side of a queue: every task that pushed (producers) or popped (consumers). */
struct sl_queue_side {
	__u32 nr_tasks;
	__u32 cpus_used;		/* distinct CPUs its tasks ran on */
	__u64 alive_ns;			/* Σ their state time */
	__u64 state_ns[SL_TS_MAX];
	__u64 busy_ns;			/* alive minus queue waits (full, empty, lock) and sleep */
	double busy_frac;		/* busy / alive */
	double wait_frac;		/* blocked on this queue (full or empty) / alive */
	/*
	 * A channel's: waiting for a CPU right after its wakeups, the share of
	 * them its waits on this channel make (the side's blocked time there
	 * over all its blocked time) / alive.  0 for the lab's queues and
	 * where CPUs were short (aq_judge).
	 */
	double wake_wait_frac;
	double sleep_frac;		/* sleeping outside the queue / alive */
	double cpu_wait_frac;		/* runnable / busy */
	double runnable_frac;		/* runnable / alive */
	double io_frac;			/* disk I/O / busy */
	double other_frac;		/* untraced tasks' share of its CPUs within W */
};

struct sl_queue_row {
	__u32 qid;
	__u32 capacity;
	bool capacity_from_config;	/* else: the largest depth seen */
	__u64 t_start, t_end;		/* first and last event on the queue */
	__u64 window_ns;		/* T = t_end - t_start */
	__u64 pushes, pops, pills;	/* pills: stop messages, not items */
	__u32 max_depth;
	double mean_depth;		/* time-weighted over T */
	__u64 full_ns, empty_ns;	/* time at depth >= capacity / at 0 */
	double full_frac, empty_frac;
	__u64 prod_blocked_ns;		/* producers in SL_TS_QFULL on this queue */
	__u64 cons_blocked_ns;		/* consumers in SL_TS_QEMPTY on this queue */
	/*
	 * A channel's: each side's tasks' waits on the channel itself, which
	 * their wait states (pipe-empty, socket, ...) hold: no sleep outside
	 * it.  0 for the lab's queues, whose waits have states of their own.
	 */
	__u64 prod_own_ns, cons_own_ns;
	__u64 lock_wait_ns;		/* anyone in SL_TS_LOCK on this queue */
	double throughput;		/* items popped per second of T */
	struct sl_dist delay;		/* queueing delay (enqueue -> pop) of items */
	struct sl_dist service;		/* consumers' ITEM_START -> ITEM_DONE */
	struct sl_dist produce;		/* producers' ITEM_START -> ITEM_DONE */
	double little_l;		/* mean depth */
	double little_lw;		/* throughput x mean delay */
	double little_rel_diff;		/* (lw - l) / max(l, lw), 0 when both are 0 */
	double little_blocked;		/* producers blocked on full, time average: items
					 * counted in the delay but not yet in the depth */
	struct sl_queue_side prod, cons;
	struct sl_queue_side both;	/* producers and consumers together (times of a task
					 * on both sides count twice, as in lock_frac) */
	double lock_frac;		/* lock_wait_ns / both sides' alive time */
	enum sl_verdict verdict;
	__u8 verdict_rule;		/* enum sl_verdict_rule */
	__u8 verdict_who;		/* enum sl_verdict_who */
	/*
	 * A condition channel's: its producers are the tasks that signal it,
	 * its consumers those that wait for the signal, and nothing is
	 * "full" (docs/metrics.md, "Channels and pipelines").
	 */
	__u8 signal;
};

/* The side whose figures the verdict rests on: prod, cons or both. */
static inline const struct sl_queue_side *sl_queue_row__judged(const struct sl_queue_row *q)
{
	return q->verdict_who == SL_VW_PRODUCERS ? &q->prod :
	       q->verdict_who == SL_VW_CONSUMERS ? &q->cons : &q->both;
}

/*
 * A channel: an object some tasks wait on and others wake them through --
 * a pipe, socket, message queue, or a futex/semaphore used as a condition
 * (docs/metrics.md, "Channels").  Its producers write (or signal), its
 * consumers read (or wait for the signal).  A condition between the same
 * processes as a data channel is folded into it: producers waiting on it
 * wait for room, consumers for data.  `q` holds the queue figures that
 * apply (blocked times, shares, the two sides) and the verdict by the
 * queue rules; pushes/pops and the item figures stay 0.
 */
struct sl_channel_row {
	__u8 kind;			/* enum sl_wait_kind of the object */
	__u8 detail;			/* SL_WD_* seen on it */
	__u8 sub;			/* socket family */
	__u8 condition;			/* a futex/semaphore channel of its own */
	__u64 obj;
	__u32 scope;
	__u64 peer;			/* a socket pair's other end, folded into it (inode), or 0 */
	__u32 folded;			/* conditions folded into it */
	__u64 wakeups;			/* wakeups through it (and its folded conditions) */
	__u64 outside_wakeups;		/* of those, by no traced task: a side outside the trace */
	__u16 fill_max, cap;		/* pipe: buffers in use when a writer blocked / size */
	/*
	 * Of the blocked time, waits for a lock (lock_kind, lock_obj,
	 * lock_scope) while its holder was blocked on this channel.
	 */
	__u64 lock_proxy_ns;
	__u8 lock_kind, lock_detail;
	__u64 lock_obj;
	__u32 lock_scope;
	char name[SL_OBJ_NAME_LEN];	/* the variable holding a futex, or "" */
	char lock_name[SL_OBJ_NAME_LEN];
	__u32 first_task, nr_tasks;	/* chan_tasks[first_task ..] */
	/*
	 * A condition's mirror: the condition channel whose signallers are
	 * this one's waiters and whose waiters its signallers (a bounded
	 * buffer's "not full" and "not empty"), or -1.
	 */
	__s32 pair;
	struct sl_queue_row q;
};

/*
 * A lock its takers waited for (docs/metrics.md, "Contended locks"): a
 * futex or semaphore settled as a lock, or a file lock.
 */
struct sl_lock_row {
	__u8 kind;			/* SL_WK_FUTEX, SL_WK_SYSV_SEM or SL_WK_FILE_LOCK */
	__u8 detail;			/* SL_WD_* seen on it */
	__u64 obj;
	__u32 scope;
	__u64 handoffs;			/* wakeups through it */
	__u64 wait_ns;			/* its takers' time blocked on it */
	__u64 behind_ns;		/* of that, while the holder was blocked on a channel */
	__u64 alive_ns;			/* its takers' lifetimes, summed */
	double contention_frac;		/* (wait - behind) / alive */
	bool lock_bound;		/* contention_frac >= the lock-bound threshold */
	char name[SL_OBJ_NAME_LEN];	/* the variable holding a futex, or "" */
	__u32 first_task, nr_tasks;	/* lock_tasks[first_task ..] */
};

/* A task that took a lock: blocked on it, or woke a waiter through it. */
struct sl_lock_task {
	__u32 task;			/* index into tasks */
	__u64 blocked_ns;
	__u64 woke;			/* handoffs it gave */
};

/* A task on a channel. */
struct sl_channel_task {
	__u32 task;			/* index into tasks */
	bool producer, consumer;
	__u64 blocked_ns;		/* blocked on it (and its folded conditions) */
	__u64 woke;			/* wakeups it gave through it */
};

/*
 * Channels chained through processes (one's consumer process is the next
 * one's producer) form a pipeline; the limiting stage is the process
 * that is busy while its upstream waits for room and its downstream waits
 * for data.
 */
struct sl_pipeline {
	__u32 nr_channels;		/* channels some stage joins, 0: no pipeline */
	__u32 nr_stages;		/* processes joining two of them */
	__u32 stage_tgid;		/* the limiting stage's process, 0 if none */
	__u32 stage_task;		/* a task of it (index into tasks) */
	__s32 upstream, downstream;	/* channel indices around it, -1 at an end */
	double stage_busy_frac;		/* its busy share: of its tasks on those two channels */
	bool closed;			/* the two are one loop: requests in, answers out */
	/*
	 * Its own share: in a closed loop the larger of its busy share and
	 * the share of its time it does not wait on the loop (a client's
	 * think time is its own); else its busy share.
	 */
	double stage_own_frac;
};

struct sl_xc_mismatch {
	__u32 task;			/* index into tasks */
	__u8 counter;			/* enum sl_xc_counter */
	__u64 ours, kernel;
};

struct sl_crosscheck {
	__u32 nr_checked;		/* tasks with kernel counters */
	__u32 nr_mismatched;		/* tasks with at least one difference */
	__u32 nr_mismatches;		/* entries in mismatch[] (all of them) */
	struct sl_xc_mismatch *mismatch;
	__u64 lost;			/* records dropped: exactness impossible */
	__u64 prog_misses;		/* of lost: probe runs the kernel skipped */
	__u64 late;			/* records clamped by the merge window */
	__u32 counters;			/* bit c: counter c was compared for some task */
	__u32 nr_edge;			/* tasks that matched only by the moves at the edges */
	__u64 steal_ns;			/* the hypervisor's CPU time during the trace */
	__u64 steal_allowed_ns;		/* how much more a time counter may differ for it */
	bool ok;			/* checked > 0, no mismatch, nothing lost */
};

/* What the average parallelism means for this run. */
enum sl_par_kind {
	SL_PAR_UNSEEN = 0,		/* no traced task was seen */
	SL_PAR_SERIAL,			/* never two tasks on CPUs at once */
	SL_PAR_PARALLEL,		/* some instants had two or more */
};

/* Why tasks were runnable but not running (concurrency minus parallelism). */
enum sl_con_kind {
	SL_CON_UNSEEN = 0,		/* no traced task was seen */
	SL_CON_WAKEUP_LATENCY,		/* >= 0.05 waiting, at least half while a CPU was idle */
	SL_CON_MULTIPLEXED,		/* >= 0.05 waiting for busy CPUs: time multiplexing */
	SL_CON_BLOCKING,		/* < 0.05: progress limited by blocking */
	SL_CON_FOREIGN,			/* >= 0.05 waiting, concurrency <= CPUs, other
					 * programs' CPU time covers the wait */
	SL_CON_CPU_BOUND,		/* < 0.05 waiting, tasks on a CPU >= 90% of
					 * their resident time */
};

struct sl_result {
	__u32 ncpu;
	/* The wall interval W (docs/metrics.md): first traced task seen ->
	 * last traced task gone (or the end of the trace). */
	__u64 t0, t1, wall_ns;
	__u64 trace_start, trace_end;	/* the whole stream */
	__u64 nr_events;

	/* parallelism: traced tasks on a CPU */
	double parallelism;		/* Σ on-CPU / W */
	__u32 max_parallelism;
	__u64 *par_level_ns;		/* [ncpu + 1]: time at each level */
	/* concurrency: running + runnable */
	double concurrency;
	double runnable_idle;		/* runnable tasks, time average, while some CPU was idle */
	__u32 max_concurrency;
	__u32 nr_con_levels;
	__u64 *con_level_ns;		/* [nr_con_levels] */
	/* multiprogramming degree: resident tasks */
	double multiprogramming;
	__u32 max_multiprogramming;
	__u32 nr_mp_levels;
	__u64 *mp_level_ns;		/* [nr_mp_levels] */
	/* what the numbers mean for this run (output/explain.c words them) */
	__u8 par_kind;			/* enum sl_par_kind */
	__u8 con_kind;			/* enum sl_con_kind */
	double par_none_frac;		/* share of W with no traced task on a CPU */
	double runnable_waiting;	/* concurrency - parallelism, at least 0 */
	double switch_rate;		/* context switches per second of W */

	/* CPU utilisation within W, Σ over CPUs, from the switch records */
	__u64 cpu_traced_ns, cpu_other_ns, cpu_idle_ns, cpu_unknown_ns;
	__u32 ncpu_traced;		/* CPUs a traced task ran on */
	double util_traced, util_other, util_idle;	/* / (ncpu x W) */
	/* the kernel's per-CPU accounting over the whole trace */
	double k_util_traced, k_util_other, k_util_idle;

	/* switches, wakeups, migrations, run-queue latency */
	__u64 vol_switches, invol_switches;
	/*
	 * The stream's invariants (analysis.h, struct sl_repair): records the
	 * kernel did not report, inferred where the stream broke them.  Both
	 * are included in the per-task counts (switch-ins, migrations).
	 */
	__u64 inferred_switch_ins, inferred_migrations;
	__u64 unreported_wakeups;	/* switch-ins straight from a blocked state */
	__u64 late_enqueues, late_enqueue_ns, late_enqueue_max;	/* Σ of the tasks' */
	/* the untraced tasks that held CPUs most (the trace's), heaviest first */
	__u32 nr_foreign;
	struct sl_foreign_task foreign[SL_FOREIGN_MAX];
	__u64 wakeups;
	__u64 migrations, migrations_wakeup;
	__u64 *mig_matrix;		/* [ncpu * ncpu]: [from * ncpu + to] */
	struct sl_dist rq_latency;
	__u32 nr_rq_buckets;
	__u64 *rq_hist;			/* HDR buckets, see analysis_hist.h */
	__u32 nr_wake_edges;
	struct sl_wake_edge *wake_edges;	/* sorted by count, descending */
	__u64 rq_log2_us[SL_LOG2_BUCKETS];	/* run-queue latency, bucket k: [2^k, 2^(k+1)) us */
	/* wakeups slower than slower_than_ns (0: not asked), in time order */
	__u64 slower_than_ns;
	__u64 nr_slow_total;		/* all of them */
	__u32 nr_slow;			/* listed: at most SL_SLOW_MAX */
	struct sl_slow_wakeup *slow;

	__u64 off_cpu_ns[SL_TS_MAX];	/* Σ over tasks of time per state (BOOTTIME) */

	__u32 nr_tasks;
	struct sl_task_row *tasks;
	__u32 nr_roles;
	struct sl_role_row *roles;	/* by first appearance */
	/* processes: rows, then groups; the tree as a depth-first order of visible rows */
	__u32 nr_procs;
	struct sl_proc_row *procs;
	__u32 *proc_tasks;		/* [nr_tasks]: task indices, by process */
	__u32 nr_proc_order;
	__u32 *proc_order;		/* rows not folded into a group, parents first */
	/*
	 * Wakeup edges with every member of a group replaced by the group
	 * (endpoint SL_REF_PROC | row); other endpoints are task indices.
	 */
	__u32 nr_wake_rows;
	struct sl_wake_edge *wake_rows;	/* sorted by count, descending */
	struct sl_cpu_row *cpus;	/* [ncpu] */

	__u32 nr_queues;
	struct sl_queue_row *queues;	/* by qid */
	/*
	 * The run's verdict: of the busiest queue (most pops); without one,
	 * of the busiest channel (most wakeups, a data channel before a
	 * condition); without either, lock-bound when the most contended
	 * lock's takers wait for it >= 20% of their time (AQ_LOCK_BOUND).
	 */
	enum sl_verdict verdict;
	__s32 verdict_queue;		/* its index in queues, -1 if none */
	__s32 verdict_channel;		/* its index in channels, -1 if none (or a queue's) */
	__s32 verdict_lock;		/* its index in locks: a run without either */

	struct sl_crosscheck xc;

	__u32 nr_waits;
	struct sl_wait_row *waits;	/* per task, by blocked time (tasks[].first_wait) */
	__u64 nr_wait_records;		/* SL_EV_WAIT records: 0 for a trace without */
	__u32 nr_channels;
	struct sl_channel_row *channels;	/* by blocked time, descending */
	__u32 nr_chan_tasks;
	struct sl_channel_task *chan_tasks;
	struct sl_pipeline pipeline;
	__u32 nr_locks;
	struct sl_lock_row *locks;	/* by contention, descending */
	__u32 nr_lock_tasks;
	struct sl_lock_task *lock_tasks;
};

/* Index of the row with this pid (its latest task), or -1. */
int sl_result__task_index(const struct sl_result *r, __u32 pid);
/* Name of a cross-check counter: "voluntary switches", "on-cpu time", ... */
const char *sl_xc_counter_name(enum sl_xc_counter c);

#endif
