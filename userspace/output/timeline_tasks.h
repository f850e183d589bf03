/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three timeline writers (terminal map, Perfetto, HTML) share:
 * a pid -> task table that follows names through the event stream, the
 * short symbols of the terminal map (P0 = producer-0, C1 = consumer-1, ...),
 * one-letter task-state classes, and time formatting.  Memory grows with
 * the number of tasks, never with the number of events.
 */
#ifndef SL_TIMELINE_TASKS_H
#define SL_TIMELINE_TASKS_H

#include <stddef.h>
#include "format/event.h"
#include "util/idmap.h"

/* Roles the workload gives its processes, recognised by comm. */
enum tl_role {
	TL_ROLE_PRODUCER = 0,	/* "producer-N" -> PN */
	TL_ROLE_CONSUMER,	/* "consumer-N" -> CN */
	TL_ROLE_WORKER,		/* "worker-N"   -> WN */
	TL_ROLE_OTHER,		/* anything else: lowercase first letter + n */
};

struct tl_task {
	__u32 pid;
	__u32 tgid;		/* 0 if unknown */
	__u32 ppid;		/* parent process (tgid), 0 if unknown */
	char comm[SL_COMM_LEN];
	char sym[4];		/* "P0"; valid after tl_tasks__assign_symbols */
	__u8 role;		/* enum tl_role; set with sym */
	__s32 num;		/* number in the comm (consumer-1 -> 1), -1 if none */
	__s16 prio;		/* the kernel's prio (120 + nice, 99 - RT priority), if prio_known */
	bool prio_known;	/* from the task's SL_EV_TASK_ATTR record */
	__u8 rq;		/* writer-private: TL_RQ_* */
	__u16 rq_cpu;		/* writer-private: CPU whose run queue holds it */
	int lane;		/* writer-private, -1 = none */
};

struct tl_tasks {
	struct tl_task *v;	/* dense, in order of first sight */
	__u32 n, cap;
	struct idmap index;	/* pid -> index into v */
};

/* Seeds the table from the trace's task table (ti may be NULL). 0 or -ENOMEM. */
int tl_tasks__init(struct tl_tasks *t, const struct sl_trace_info *ti);
void tl_tasks__free(struct tl_tasks *t);
/* Adds the tasks of ti that are missing and refreshes names of known ones. */
int tl_tasks__merge_info(struct tl_tasks *t, const struct sl_trace_info *ti);
/* Index of pid, or -1.  pid 0 (idle) is never stored. */
int tl_tasks__find(const struct tl_tasks *t, __u32 pid);
/*
 * Index of pid, adding it when missing; -ENOMEM on failure.  Pointers into
 * t->v are invalidated by an add: keep indexes, not pointers.
 */
int tl_tasks__add(struct tl_tasks *t, __u32 pid);
/* Follows names and parents: FORK, COMM, and the wakee tgid of WAKING. */
int tl_tasks__on_event(struct tl_tasks *t, const struct sl_event *e);
/*
 * Gives every task its map symbol.  Workload roles take the number in
 * their comm (consumer-1 -> C1); others get a lowercase letter from their
 * comm and a running digit (make -> m0).  Indexes 10..35 print as a..z;
 * collisions and overflow fall back to the next free digit, then '+'.
 */
void tl_tasks__assign_symbols(struct tl_tasks *t);
/* Order for lanes and legends: producers, consumers, workers, others; then number, pid. */
int tl_task__cmp(const struct tl_task *a, const struct tl_task *b);

/* One display class per task state (both runnable states share 'r'). */
enum tl_state_class {
	TL_SC_RUNNING = 0,	/* R */
	TL_SC_RUNNABLE,		/* r: woken or preempted, waiting for a CPU */
	TL_SC_IO,		/* I */
	TL_SC_QFULL,		/* F */
	TL_SC_QEMPTY,		/* E */
	TL_SC_LOCK,		/* L */
	TL_SC_SLEEP,		/* S */
	TL_SC_OTHER,		/* D: uninterruptible without I/O, stopped */
	TL_SC_PIPE_EMPTY,	/* e: pipe/mq, waiting for data */
	TL_SC_PIPE_FULL,	/* f: pipe/mq, waiting for room */
	TL_SC_SOCKET,		/* N */
	TL_SC_CONDITION,	/* C: condition / semaphore */
	TL_SC_EVENTS,		/* V: poll, epoll, eventfd, signals */
	TL_SC_CHILD,		/* J: waiting for a child (join) */
	TL_SC_TERMINAL,		/* T */
	TL_SC_FAULT,		/* P: page fault */
	TL_SC_SYSCALL,		/* Y: another syscall */
	TL_SC_MAX,
};

enum tl_state_class tl_state_class(unsigned int sl_task_state);
char tl_state_class_char(enum tl_state_class c);
const char *tl_state_class_name(enum tl_state_class c);

/* Parses a CPU list "0,2-3" into mask[ncpu]; -EINVAL on bad syntax or range. */
int tl_parse_cpu_list(const char *s, __u32 ncpu, bool *mask);

#endif
