/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built event streams for the analysis and report tests: one
 * constructor per record type, an append-only buffer, and a stable sort so
 * producer and consumer timelines can be written independently.
 */
#ifndef SL_TEST_EVBUILD_H
#define SL_TEST_EVBUILD_H

#include <stdlib.h>
#include <string.h>
#include "format/event.h"

struct evbuf {
	struct sl_event *ev;
	size_t n, cap;
};

static inline void eb_push(struct evbuf *b, struct sl_event e)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->ev = realloc(b->ev, b->cap * sizeof(*b->ev));
		if (!b->ev)
			abort();
	}
	b->ev[b->n++] = e;
}

static inline void eb_free(struct evbuf *b)
{
	free(b->ev);
	memset(b, 0, sizeof(*b));
}

/* Stable by timestamp (insertion sort: test streams are small and nearly sorted). */
static inline void eb_sort(struct evbuf *b)
{
	for (size_t i = 1; i < b->n; i++) {
		struct sl_event e = b->ev[i];
		size_t j = i;

		while (j > 0 && b->ev[j - 1].ts > e.ts) {
			b->ev[j] = b->ev[j - 1];
			j--;
		}
		b->ev[j] = e;
	}
}

static inline struct sl_event ev_switch(__u64 ts, __u16 cpu, __u32 prev, __u32 next,
					 __u8 reason, bool prev_tr, bool next_tr)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_SWITCH, .cpu = cpu, .pid = prev };
	bool vol = prev_tr && reason != SL_R_PREEMPTED && reason != SL_R_RESCHED;

	e.flags = reason | (prev_tr ? SL_SWF_PREV_TRACKED : 0) | (next_tr ? SL_SWF_NEXT_TRACKED : 0) |
		  (vol ? SL_SWF_VOLUNTARY : 0);
	e.sw.next = next;
	e.sw.nr_syscall = SL_NO_SYSCALL;
	return e;
}

static inline struct sl_event ev_wake(__u64 ts, __u16 cpu, __u32 waker, __u32 wakee, bool waker_tr)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_WAKING, .cpu = cpu, .pid = waker };

	e.flags = SL_WKF_WAKEE_TRACKED | (waker_tr ? SL_WKF_WAKER_TRACKED : 0);
	e.wk.wakee = wakee;
	e.wk.target_cpu = cpu;
	return e;
}

static inline struct sl_event ev_wake_new(__u64 ts, __u16 cpu, __u32 parent, __u32 child,
					  bool parent_tr)
{
	struct sl_event e = ev_wake(ts, cpu, parent, child, parent_tr);

	e.type = SL_EV_WAKEUP_NEW;
	return e;
}

static inline struct sl_event ev_fork(__u64 ts, __u16 cpu, __u32 parent, __u32 child)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_FORK, .cpu = cpu, .pid = parent };

	e.fork.child = child;
	e.fork.child_tgid = child;
	e.fork.parent_tgid = parent;
	return e;
}

/* Copies at most SL_COMM_LEN - 1 bytes, like the kernel truncates comm. */
static inline void comm_copy(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i < SL_COMM_LEN - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static inline struct sl_event ev_comm(__u64 ts, __u32 pid, const char *name)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_COMM, .pid = pid };

	comm_copy(e.comm.comm, name);
	return e;
}

static inline struct sl_event ev_migrate(__u64 ts, __u16 cpu, __u32 pid, __u32 from, __u32 to)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_MIGRATE, .cpu = cpu, .pid = pid };

	e.mig.orig_cpu = from;
	e.mig.dest_cpu = to;
	return e;
}

static inline struct sl_event ev_q(__u8 type, __u64 ts, __u16 cpu, __u32 pid, __u8 qid,
				   __u32 item, __u32 depth, __u64 delay)
{
	struct sl_event e = { .ts = ts, .type = type, .cpu = cpu, .pid = pid, .flags = qid };

	e.q.item = item;
	e.q.depth = depth;
	e.q.delay = delay;
	return e;
}

/* A blocking switch-out inside syscall nr, task state `state` (1 = S, 2 = D). */
static inline struct sl_event ev_block_in(__u64 ts, __u16 cpu, __u32 prev, __u32 next, __u8 reason,
				       __u16 nr, __u16 state, bool next_tr)
{
	struct sl_event e = ev_switch(ts, cpu, prev, next, reason, true, next_tr);

	e.sw.nr_syscall = nr;
	e.sw.state = state;
	return e;
}

/* SL_EV_WAIT or SL_EV_WAKER: pid waits on / acts on object obj of this kind. */
static inline struct sl_event ev_wt(__u8 type, __u64 ts, __u16 cpu, __u32 pid, __u8 kind,
				    __u64 obj, __u16 nr, __u8 detail)
{
	struct sl_event e = { .ts = ts, .type = type, .cpu = cpu, .pid = pid, .flags = kind };

	e.wt.obj = obj;
	e.wt.nr_syscall = nr;
	e.wt.detail = detail;
	return e;
}

/* A trace info with ncpu CPUs, no task table. */
static inline void ti_init(struct sl_trace_info *ti, __u32 ncpu, __u64 start, __u64 end)
{
	memset(ti, 0, sizeof(*ti));
	ti->ncpu = ncpu;
	ti->arch = SL_ARCH_X86_64;	/* the syscall numbers the tests use */
	ti->start_ts = start;
	ti->end_ts = end;
	ti->cpus = calloc(ncpu, sizeof(*ti->cpus));
}

static inline void ti_death(struct sl_trace_info *ti, __u32 pid, const char *comm, __u64 nvcsw,
			    __u64 nivcsw, __u64 migr, __u64 rt)
{
	struct sl_task_info *t = sl_trace_info__add_task(ti, pid);

	comm_copy(t->comm, comm);
	t->death.valid = true;
	t->death.nvcsw = nvcsw;
	t->death.nivcsw = nivcsw;
	t->death.nr_migrations = migr;
	t->death.sum_exec_runtime_ns = rt;
}

#endif
