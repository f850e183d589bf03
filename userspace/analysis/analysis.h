/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage analysis/: one streaming pass over events -> task states, CPU
 * timelines, metrics, the queue diagnosis and verdicts, as numbers and
 * enums in struct sl_result (analysis_result.h).  Must not: print
 * anything or compose a sentence (output/explain.c words the enums), or
 * depend on the tracer: it reads a stream, live or replayed alike.
 *
 * One streaming pass over the time-ordered event stream: task states,
 * per-CPU occupancy, metrics and the queue diagnosis.  Memory is bounded by
 * the number of tasks, CPUs and items in flight, never by trace length.
 * Prints nothing: output/ formats struct sl_result.
 */
#ifndef SL_ANALYSIS_H
#define SL_ANALYSIS_H

#include "format/event.h"

/* What a task is doing over an interval. */
enum sl_task_state {
	SL_TS_RUNNING = 0,
	SL_TS_RUNNABLE_WAKEUP,	/* woken, waiting for a CPU */
	SL_TS_RUNNABLE_PREEMPT,	/* preempted (or yielded), waiting for a CPU */
	SL_TS_IO,		/* blocked on disk I/O (D + iowait) */
	SL_TS_QFULL,		/* producer blocked: queue full */
	SL_TS_QEMPTY,		/* consumer blocked: queue empty */
	SL_TS_LOCK,		/* blocked on the queue lock */
	SL_TS_SLEEP,		/* nanosleep & co; in a trace without wait
				 * records: any S (interruptible) wait */
	SL_TS_OTHER,		/* D without iowait, stopped, ... */
	/* what a blocked task waited on (SL_EV_WAIT records, docs/metrics.md) */
	SL_TS_PIPE_EMPTY,	/* pipe, FIFO or message queue: waits for data */
	SL_TS_PIPE_FULL,	/* ... waits for room */
	SL_TS_SOCKET,		/* socket: recv, send, accept, connect */
	SL_TS_CONDITION,	/* futex or semaphore another task signals */
	SL_TS_EVENTS,		/* poll/select/epoll, eventfd, timerfd, signals */
	SL_TS_CHILD,		/* wait4/waitid: a child's exit (join) */
	SL_TS_TERMINAL,		/* a terminal read or write */
	SL_TS_FAULT,		/* blocked outside a syscall: page fault */
	SL_TS_SYSCALL,		/* another syscall (named by the wait objects) */
	SL_TS_MAX,
};

/* Key of a state in JSON and CSV: "runnable-wakeup", "queue-full", ... */
const char *sl_task_state_name(enum sl_task_state s);
/* Its label on timelines: "runnable (woken)", "queue full", ... */
const char *sl_task_state_label(enum sl_task_state s);
/*
 * Blocked waiting for something outside the task (another task, a timer,
 * an event): every blocked state except disk I/O, page faults and "other",
 * which are work the task is doing, and the workload's queue waits.
 */
bool sl_task_state_waits(enum sl_task_state s);

/* Occupant of a CPU over an interval, when it is not a traced task. */
#define SL_OCC_IDLE	0u		/* the idle task */
#define SL_OCC_OTHER	0xffffffffu	/* some untraced task */

enum sl_interval_kind {
	SL_IV_TASK = 1,		/* pid was in `state` (on `cpu` if RUNNING) */
	SL_IV_CPU,		/* `cpu` was held by pid (a traced task, or SL_OCC_*) */
};

struct sl_interval {
	__u64 start, end;	/* BOOTTIME ns, start < end */
	__u32 pid;
	__u16 cpu;		/* 0xffff when not on a CPU */
	__u8 kind;		/* enum sl_interval_kind */
	__u8 state;		/* enum sl_task_state, SL_IV_TASK only */
};

/* Called for every closed interval, in order of their end times. */
typedef void (*sl_interval_fn)(const struct sl_interval *iv, void *ctx);

/*
 * The stream's own invariants: a traced task leaves a CPU only after it was
 * switched in there, and it changes CPU only through a migrate record.
 * Where the stream breaks one, the analysis infers the record the kernel
 * did not report (docs/design.md says why some never reach a tracer) and
 * reports it here: `ev` is the inferred record itself, a SL_EV_SWITCH
 * marked SL_SWF_INFERRED (pid = the CPU's previous occupant, 0 idle or the
 * untraced pid last seen there) or a SL_EV_MIGRATE marked SL_MIGF_INFERRED.
 * Its ts is the earliest time consistent with the stream, at or before
 * `seen_ts`, the event that broke the invariant: it can be earlier than
 * events already fed.
 */
struct sl_repair {
	struct sl_event ev;
	__u64 seen_ts;
};

typedef void (*sl_repair_fn)(const struct sl_repair *rp, void *ctx);

struct analysis;
struct sl_result;	/* defined in analysis_result.h */

void analysis__on_repair(struct analysis *a, sl_repair_fn fn, void *ctx);

int  analysis__new(__u32 ncpu, struct analysis **out);
void analysis__on_interval(struct analysis *a, sl_interval_fn fn, void *ctx);
int  analysis__feed(struct analysis *a, const struct sl_event *e);
/* Closes open intervals at ti->end_ts and computes every metric. */
int  analysis__finish(struct analysis *a, const struct sl_trace_info *ti);
const struct sl_result *analysis__result(const struct analysis *a);
void analysis__free(struct analysis *a);
/* Optional, before the first event: list every wakeup slower than ns (0: none). */
void analysis__set_slower_than(struct analysis *a, __u64 ns);
/*
 * Before the first event: the traced machine's architecture (ti->arch), by
 * whose syscall table blocking syscalls are read.  Unset, none is read.
 */
void analysis__set_arch(struct analysis *a, enum sl_arch arch);
/*
 * Optional, before the first event: the trace's task table, which may
 * grow while the events come.  A task that was running when tracing began
 * (trace -p: SL_TASKF_PREEXISTING), whose fork no record shows, takes its
 * process and parent from it when it is first seen, so that its waits on
 * private futexes are its process's from the start.
 */
void analysis__set_task_table(struct analysis *a, const struct sl_trace_info *ti);
/*
 * Optional, before the first event: where the trace began (ti->start_ts),
 * so each CPU's first interval starts there and not at the first event.
 */
void analysis__set_start(struct analysis *a, __u64 start_ts);

#endif
