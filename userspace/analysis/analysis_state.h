/* SPDX-License-Identifier: GPL-2.0 */
/* The streaming pass's state (tasks, CPUs, queues, edges), shared by the files of the analysis stage. */
#ifndef SL_ANALYSIS_STATE_H
#define SL_ANALYSIS_STATE_H

#include "analysis.h"
#include "analysis_hist.h"
#include "analysis_result.h"
#include "analysis_syscalls.h"
#include "util/idmap.h"

/* Task states beyond enum sl_task_state: never emitted, never accounted. */
#define TS_UNKNOWN	SL_TS_MAX	/* created, state not known yet */
#define TS_DEAD		(SL_TS_MAX + 1)	/* final switch seen */

#define CPU_WORDS	(SL_MAX_CPUS / 64)
#define Q_WORDS		(SL_MAX_QUEUES / 64)
#define NO_IDX		IDMAP_NONE

#define A_PAST_BLOCKS 4

struct a_task {
	/* hot: touched by most events */
	__u32 pid;
	__u8 state;		/* enum sl_task_state, TS_UNKNOWN or TS_DEAD */
	__u8 alive;		/* counted in nalive */
	__u8 pending_wake;	/* a wakeup arrived while it was still running */
	__u8 wait_q;		/* queue of its last Q_WAIT_* / Q_LOCK_WAIT */
	__u16 cpu;		/* CPU it runs on (RUNNING) or ran on last */
	__u16 exp_cpu;		/* CPU it must next run on: last run or migrated to, 0xffff unknown */
	__u8 in_item;
	__u8 item_q;
	__u32 waker;		/* who woke it (task index, SL_NO_TASK) */
	__u32 wake_edge;	/* index into edges of that wakeup, NO_IDX */
	__u32 pending_waker;
	__u32 item_id;
	__u64 since;		/* start of the current state */
	__u64 wake_ts;		/* became runnable after a wakeup */
	__u64 enq_ts;		/* SL_EV_ENQUEUED since that wakeup, 0 none */
	__u64 late_n, late_sum, late_max;	/* wakeups enqueued late: waking -> enqueue */
	__u64 idle_in_ns;	/* Σ run-queue latency of wakeups that ran on an idle CPU */
	__u64 state_ns[SL_TS_MAX];
	__u64 vol, invol, migr, migr_wake, wakeups, slices;
	__u64 switch_ins;	/* switched in, seen in the stream */
	__u64 inf_in, inf_migr;	/* switch-ins and migrations inferred (stream_repair) */
	__u64 inf_wake;		/* switched in from a blocked state: wakeup unreported */
	bool in_unknown;	/* first switched in with no state known: waiting at the start? */
	__u64 rq_open_ns;	/* runnable when the stream ended, for that long */
	/*
	 * Σ SL_EV_RQ_LAG of its switches: the kernel's run_delay began its
	 * waits after a preemption that much earlier (add) and ended its
	 * waits at a switch-in that much earlier (sub) than the stream.
	 */
	__u64 rq_lag_add, rq_lag_sub;
	__u64 rq_n, rq_sum, rq_min, rq_max;
	__u64 first_ts, last_ts;
	__u64 item_ts;
	/*
	 * On-CPU time on the kernel's clock: Σ of the growth of
	 * se.sum_exec_runtime between switch-outs (sw.prev_runtime).  rt_last
	 * is the value at its last switch-out, 0 for a task born in the trace.
	 */
	__u64 rt_sum, rt_last;
	bool rt_known;
	__u32 tgid, ppid;
	__u32 parent;		/* task index of the forking task, NO_IDX */
	__u32 reaper;		/* task whose wait4/waitid its exit ended, NO_IDX */
	__u16 blk_nr;		/* syscall of its last blocking switch-out */
	bool exiting;		/* sched_process_exit seen */
	__u64 rq_max_ts;	/* wakeup that waited longest */
	__u32 argv;		/* its command line: index into argv_pool, NO_IDX */
	struct lat_store *lat;	/* its run-queue latencies (analysis_lat.c) */
	bool exited;
	bool born;		/* its fork is in the stream */
	bool kstat_valid;	/* KSTAT records seen in the stream */
	__u64 k_nvcsw, k_nivcsw, k_migr, k_rt;
	bool k_sched_valid, k_delay_valid;	/* KSTAT_SCHED halves seen */
	__u64 k_run_delay, k_pcount, k_blkio;
	__u64 iowait_ns;	/* time blocked with in_iowait (SL_R_IO): what blkio_delay counts */
	bool io_strict;		/* its current SL_TS_IO came from SL_R_IO */
	__u64 io_waits;		/* switch-outs with SL_R_IO */
	__u64 cpumask[CPU_WORDS];
	__u64 qprod[Q_WORDS], qcons[Q_WORDS];
	struct sl_sched_attr attr;
	char comm[SL_COMM_LEN];
	/* what it waits on / acts on (analysis_wait.c) */
	__u32 wait_obj, wake_obj;	/* latest SL_EV_WAIT / SL_EV_WAKER object, NO_IDX */
	__u16 wait_nr;			/* the syscall of that wait record */
	__u8 wait_detail, wake_detail;
	__u16 wait_fill;
	__u32 blk_pair;		/* task-object pair of its current block, NO_IDX */
	__u64 blk_start;	/* ... since when */
	/* its latest blocks on data objects (pipes, sockets, ...), a ring */
	struct a_past_block {
		__u32 obj;
		__u8 dir;		/* 1: waiting for room, 0: for data */
		__u64 start, end;
	} past[A_PAST_BLOCKS];
	__u8 past_next;
	__u32 pend_wobj;	/* waker's object at a wakeup that came while running */
	__u8 pend_wdetail;	/* ... and its SL_WD_* then */
};

struct a_cpu {
	bool known;		/* its occupant is known (first switch seen) */
	bool from_snap;		/* ... only from the occupant record at the start */
	__u32 occ;		/* task index, or NO_IDX for idle/other */
	__u32 occ_pid;		/* pid, SL_OCC_IDLE or SL_OCC_OTHER */
	__u32 raw_pid;		/* the occupant's real pid (0 idle), also when untraced */
	__u64 since;
	/* occupancy within [t0, ...): traced, other, idle, unknown */
	__u64 occ_ns[4];
	__u64 snap_ns[4];	/* occ_ns when the last traced task died */
	__u64 slice_n, slice_sum, slice_min, slice_max;
	__u64 slice_hist[SL_LOG2_BUCKETS];
};

enum { OCC_TRACED = 0, OCC_OTHER, OCC_IDLE, OCC_UNKNOWN };

/*
 * Time at each depth is kept exactly up to this depth; deeper queues (the
 * lab's hold up to 2^20 items, a crafted trace claims 2^32) are summed by
 * their area and their time at the maximum, so memory stays bounded.
 */
#define QHIST_MAX	4096

struct a_queue {
	__u32 qid;
	__u32 depth;		/* after the last push/pop */
	__u32 max_depth;
	__u32 depth_cap;	/* entries in depth_ns, at most QHIST_MAX */
	__u64 *depth_ns;	/* time spent at each depth; the last of QHIST_MAX: at that or more */
	unsigned __int128 depth_area;	/* sum of depth x ns */
	__u64 at_max_ns;	/* time at max_depth since it became the maximum */
	__u64 first_ts, last_ts, depth_ts;
	bool seen;
	__u64 pushes, pops, pills;
	__u64 prod_blocked_ns, cons_blocked_ns, lock_ns;
	struct sl_hdr delay;
	struct sl_hdr service;	/* consumers' ITEM_START -> ITEM_DONE */
	struct sl_hdr produce;	/* producers' ITEM_START -> ITEM_DONE */
};

struct a_edge {
	__u32 waker, wakee;
	__u64 count, delay_ns;
};

/* Something tasks wait on or act on: a pipe, a futex, a child, ... */
struct a_obj {
	__u64 obj;		/* as enum sl_wait_kind says */
	__u32 scope;		/* tgid where the object is per process (private futex) */
	__u16 nr_syscall;	/* SL_WK_SYSCALL: the call; else 0 */
	__u8 kind;		/* enum sl_wait_kind */
	__u8 detail;		/* OR of the SL_WD_* seen */
	__u8 sub;		/* socket family */
	__u16 fill_max, cap;	/* pipe: buffers in use when a writer blocked, size */
	__u64 blocked_ns[2];	/* [0] waiting for data (reads), [1] for room (writes) */
	__u64 blocks;
	__u64 wakeups;		/* waiters woken by a task acting on it */
	__u64 shared_wakes;	/* ... by a task that also waited on it */
	__u64 exit_wakes;	/* ... by an exiting task (a thread join, a wait4) */
	__u64 outside_wakes;	/* waiters woken by no traced task acting on it */
	__u8 wait_detail;	/* OR of the SL_WD_* of its wait records */
};

/* One task on one object. */
struct a_pair {
	__u32 task, obj;
	__u64 blocked_ns[2];	/* as in a_obj */
	__u64 sync_ns[3];	/* of those, counted as lock, condition, child (futex) */
	__u64 blocks;
	__u64 woke;		/* wakeups it gave through the object */
	__u64 woken;		/* wakeups it got through it */
	__u8 wrote, read;	/* it wrote / read it (waiting or waking) */
	/*
	 * Of its blocked time on a futex or semaphore, how long the waker
	 * that ended each wait was itself blocked on a data object meanwhile
	 * (proxy_obj, the one it was blocked on longest; NO_IDX: none): a
	 * readers' lock held across a blocking read.
	 */
	__u32 proxy_obj;
	__u64 proxy_ns[2];	/* [1] waiting for room, [0] for data */
};


struct analysis {
	__u32 ncpu;
	enum sl_arch arch;	/* whose syscall table nr_syscall indexes */
	const struct sl_trace_info *task_table;	/* analysis__set_task_table(), or NULL */
	sl_interval_fn iv_fn;
	void *iv_ctx;

	__u64 now;		/* latest timestamp: late events are clamped to it */
	__u64 stream_start;
	bool started;
	__u64 nr_events;

	/* tasks and pid -> latest task index */
	struct a_task *tasks;
	__u32 nr_tasks, task_cap;
	struct idmap pids;
	__u32 last_pid, last_idx;	/* one-entry cache in front of pids */

	struct a_cpu *cpus;

	/* levels: parallelism, concurrency, multiprogramming */
	bool t0_set;
	__u64 t0;
	__u64 lvl_last;
	__u32 nrun, ncon, nalive;
	__u32 nidle;		/* CPUs known to be idle now */
	__u64 runnable_idle_ns;	/* Σ runnable tasks x time while some CPU was idle */
	__u32 max_run, max_con, max_alive;
	__u32 lvl_cap;
	__u64 *lvl_par, *lvl_con, *lvl_mp;
	/* the one open "woken while running, then blocked" episode */
	__u32 pend_owner;	/* task index or NO_IDX */
	bool pend_snap_valid;
	/*
	 * lvl_con when it blocked, kept only for the levels touched since
	 * (pend_list, pend_n; pend_mark[l] == pend_gen once saved): the
	 * correction costs the levels it moves, not one per possible level.
	 */
	__u64 *pend_snap;
	__u64 *pend_mark, *pend_list;
	__u64 pend_gen;
	__u32 pend_n;
	bool snap_taken;
	__u64 snap_ts;		/* when the last traced task died */

	/* wakeups */
	struct sl_hdr rq;
	__u64 rq_log2_us[SL_LOG2_BUCKETS];	/* bucket k: [2^k, 2^(k+1)) us, k=0 also 0 */
	__u64 slower_than;	/* list wakeups slower than this (ns), 0 = none */
	__u64 slow_gate;	/* slower_than, or the largest value when none */
	struct sl_slow_wakeup *slow;
	__u32 nr_slow, slow_cap;
	__u64 nr_slow_total;
	int lat_err;		/* a latency store could not grow */

	/* command lines (ARGV records); a child shares its parent's until it execs */
	char (*argv_pool)[SL_ARGV_LEN + 1];
	__u32 nr_argv, argv_cap;
	struct a_edge *edges;
	__u32 nr_edges, edge_cap;
	struct idmap edge_index;	/* waker << 32 | wakee -> index into edges */

	/* migrations */
	__u64 *mig;		/* [ncpu * ncpu] */
	__u64 migrations, migrations_wakeup;

	/* the stream's invariants: what was inferred where they broke */
	__u64 inferred_switch_ins, inferred_migrations;
	__u64 unreported_wakeups;
	sl_repair_fn repair_fn;
	void *repair_ctx;

	struct a_queue *queues[SL_MAX_QUEUES];

	/* wait objects and task-object pairs (analysis_wait.c) */
	struct a_obj *objs;
	__u32 nr_objs, obj_cap;
	struct idmap obj_map;	/* hash of the identity -> objs index */
	struct a_pair *pairs;
	__u32 nr_pairs, pair_cap;
	struct idmap pair_map;	/* obj << 32 | task -> pairs index */
	__u64 nr_wait_records;
	__u64 nr_rq_lags;		/* SL_EV_RQ_LAG records seen */

	struct sl_result *res;
	bool finished;
};

static inline struct a_task *task_at(struct analysis *a, __u32 idx)
{
	return &a->tasks[idx];
}

/* Index of the latest task with this pid, or NO_IDX. */
static inline __u32 task_latest(const struct analysis *a, __u32 pid)
{
	return idmap__get(&a->pids, pid);
}

/*
 * The files of this stage call one way, never back: analysis.c (the
 * streaming pass) -> analysis_finish.c (building the result) ->
 * analysis_queue.c, analysis_procs.c -> analysis_hist.c; analysis.c and
 * analysis_finish.c -> analysis_wait.c; analysis_finish.c ->
 * analysis_channels.c -> analysis_wait.c, analysis_queue.c (a channel is
 * judged as a queue).  analysis.c feeds
 * analysis_queue.c events directly, with the task already resolved.
 */

/* analysis_queue.c: the queue diagnosis, aq_* */
/* One queue event of task t (its pid resolved by the caller). */
int  aq_event(struct analysis *a, struct a_task *t, const struct sl_event *e, __u64 ts);
/* dt of t's wait in state (QFULL, QEMPTY, LOCK) goes to the queue it waits on. */
void aq_attribute_wait(struct analysis *a, struct a_task *t, __u8 state, __u64 dt);
/* The queue rows of r, their sides and verdicts, and the run's verdict. */
int  aq_finish(struct analysis *a, const struct sl_trace_info *ti, struct sl_result *r);
void aq_free(struct analysis *a);
/* Waiting for a lock this share of the takers' time is lock-bound (queues and locks). */
#define AQ_LOCK_BOUND	0.20
#define AQ_PRODUCER	0x1
#define AQ_CONSUMER	0x2
/*
 * Fills q's sides from the tasks side[] marks (AQ_PRODUCER, AQ_CONSUMER;
 * one per task index) and judges it by the queue verdict rules; q's
 * blocked times, full/empty shares and lock wait must be set.  channel:
 * q is a channel of a program (its waits from the kernel's wait states),
 * not one of the lab's queues.
 */
void aq_judge(struct analysis *a, const struct sl_result *r, struct sl_queue_row *q,
	      const __u8 *side, bool channel);
/* A task's lifetime within the trace: the sum of its state times. */
__u64 aq_alive_ns(const struct a_task *t);
/* The busy share of these tasks (indices into a->tasks), as a queue side's. */
double aq_busy_frac(const struct analysis *a, const __u32 *tasks, __u32 n);

/* analysis_wait.c: what blocked tasks waited on, aw_* (called by analysis.c and analysis_finish.c) */
/* A wait or waker record of task t. */
int  aw_record(struct analysis *a, struct a_task *t, const struct sl_event *e);
/* State of a task blocking now (reason, the switch's syscall), or `fallback`. */
__u8 aw_block(struct analysis *a, struct a_task *t, __u8 reason, __u16 nr_syscall,
	      __u32 task_state, __u8 fallback);
void aw_account(struct analysis *a, struct a_task *t, __u8 state, __u64 dt);
/* t was woken by waker (task index or SL_NO_TASK) acting on object wobj. */
void aw_wakeup(struct analysis *a, struct a_task *t, __u32 waker, __u32 wobj, __u8 wdetail);
/* Before the result is built: settle lock vs. condition per object. */
void aw_settle(struct analysis *a);
int  aw_finish(struct analysis *a, struct sl_result *r);
void aw_free(struct analysis *a);
/* The pair of task and object (indices), or NO_IDX. */
__u32 aw_pair_find(const struct analysis *a, __u32 task, __u32 obj);
/* A futex or semaphore's class once settled: SL_TS_LOCK, _CONDITION or _CHILD. */
__u8 aw_sync_state(const struct a_obj *o);
/* Does this kind of object carry data (pipe, socket, message queue, eventfd)? */
bool aw_data_kind(__u8 kind);

/* analysis_channels.c: the channels, after the CPU rows (the verdict needs them) */
int  ac_channels(struct analysis *a, struct sl_result *r);
/* The most channels a result keeps (the busiest). */
#define AC_MAX_CHANNELS 32
/* analysis_pipeline.c: the stages joining r's channels, and the limiting one */
void ac_pipeline(const struct analysis *a, struct sl_result *r);
/* analysis_locks.c: the contended locks, after the channels */
int  ac_locks(struct analysis *a, struct sl_result *r);

/* analysis_finish.c */
int  analysis_build_result(struct analysis *a, const struct sl_trace_info *ti);
void analysis_free_result(struct sl_result *r);

/* analysis_lat.c: a task's first LAT_INLINE samples are kept inline */
#define LAT_INLINE	6
struct lat_store {
	__u32 n_inline;
	__u64 v[LAT_INLINE];
	__u32 *b;		/* [SL_HDR_BUCKETS], once more than LAT_INLINE samples */
};
int  lat_add(struct analysis *a, __u32 idx, __u64 lat, __u64 run_ts, __u16 cpu);

/* One run-queue latency sample of task idx: the common case inline, the rest in lat_add. */
static inline int lat_sample(struct analysis *a, __u32 idx, __u64 lat, __u64 run_ts, __u16 cpu)
{
	struct a_task *t = &a->tasks[idx];
	struct lat_store *s = t->lat;

	if (s && s->b && lat <= a->slow_gate) {
		if (lat > t->rq_max)
			t->rq_max_ts = t->wake_ts;
		a->rq_log2_us[sl_log2_index(lat / 1000)]++;
		s->b[sl_hdr_index(lat)]++;
		return 0;
	}
	return lat_add(a, idx, lat, run_ts, cpu);
}
void lat_merge(const struct a_task *t, __u64 *b);
void lat_percentiles(const __u64 *b, struct sl_dist *d);
void lat_free(struct a_task *t);
/* Per-task and per-process percentiles, the slow list: after procs_build. */
int  lat_build(struct analysis *a, struct sl_result *r);

/* analysis_procs.c: process rows, groups, the tree; after the task rows and cross-check */
int  procs_build(struct analysis *a, struct sl_result *r);
/* The name shown for a process from its comm and command line; exposed for tests. */
void procs_name(const char *comm, const char *args, char *name, size_t n);

#endif
