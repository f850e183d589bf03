// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <string.h>
#include "trace/merge.h"

struct collected {
	__u64 ts[64];
	__u32 pid[64];
	int n;
};

static int collect(const struct sl_event *e, void *ctx)
{
	struct collected *c = ctx;

	cr_assert_lt(c->n, 64);
	c->ts[c->n] = e->ts;
	c->pid[c->n] = e->pid;
	c->n++;
	return 0;
}

static void push(struct merge *m, __u16 cpu, __u64 ts, __u32 pid)
{
	struct sl_event e = { .ts = ts, .cpu = cpu, .pid = pid, .type = SL_EV_SWITCH };

	cr_assert_eq(merge__push(m, &e), 0);
}

Test(merge, interleaves_cpus_in_time_order)
{
	struct collected c = { 0 };
	struct merge *m;

	cr_assert_eq(merge__new(3, &m), 0);
	push(m, 0, 10, 1);
	push(m, 0, 30, 2);
	push(m, 1, 20, 3);
	push(m, 2, 5, 4);
	push(m, 1, 40, 5);
	cr_assert_eq(merge__flush(m, collect, &c), 0);
	cr_assert_eq(c.n, 5);
	__u64 want[] = { 5, 10, 20, 30, 40 };
	for (int i = 0; i < 5; i++)
		cr_assert_eq(c.ts[i], want[i], "position %d: %llu", i, (unsigned long long)c.ts[i]);
	merge__free(m);
}

Test(merge, watermark_holds_back_newer_records)
{
	struct collected c = { 0 };
	struct merge *m;

	cr_assert_eq(merge__new(2, &m), 0);
	push(m, 0, 10, 1);
	push(m, 1, 25, 2);
	push(m, 0, 50, 3);
	cr_assert_eq(merge__drain(m, 30, collect, &c), 0);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(merge__pending(m), 1);
	/* a late CPU 1 record still before the held one comes out in order */
	push(m, 1, 40, 4);
	cr_assert_eq(merge__flush(m, collect, &c), 0);
	cr_assert_eq(c.n, 4);
	cr_assert_eq(c.ts[2], 40);
	cr_assert_eq(c.ts[3], 50);
	cr_assert_eq(merge__late(m), 0);
	merge__free(m);
}

/* A record out of order within one CPU (probe interrupted) is sorted in. */
Test(merge, sorts_within_a_cpu)
{
	struct collected c = { 0 };
	struct merge *m;

	cr_assert_eq(merge__new(1, &m), 0);
	push(m, 0, 10, 1);
	push(m, 0, 30, 2);
	push(m, 0, 20, 3);
	cr_assert_eq(merge__flush(m, collect, &c), 0);
	cr_assert_eq(c.pid[0], 1);
	cr_assert_eq(c.pid[1], 3);
	cr_assert_eq(c.pid[2], 2);
	merge__free(m);
}

/* Behind the released time: clamped, counted, never dropped. */
Test(merge, late_records_are_clamped_and_counted)
{
	struct collected c = { 0 };
	struct merge *m;

	cr_assert_eq(merge__new(2, &m), 0);
	push(m, 0, 100, 1);
	cr_assert_eq(merge__drain(m, 100, collect, &c), 0);
	push(m, 1, 60, 2);
	cr_assert_eq(merge__flush(m, collect, &c), 0);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(c.ts[1], 100);
	cr_assert_eq(merge__late(m), 1);
	merge__free(m);
}

static __u64 last_ts;
static int nr_checked;

static int check_order(const struct sl_event *e, void *ctx)
{
	(void)ctx;
	cr_assert_geq(e->ts, last_ts);
	last_ts = e->ts;
	nr_checked++;
	return 0;
}

/* Queues grow past their first allocation without reordering. */
Test(merge, grows)
{
	struct merge *m;

	cr_assert_eq(merge__new(2, &m), 0);
	for (int i = 0; i < 5000; i++)
		push(m, (__u16)(i & 1), (__u64)i * 3, (__u32)i);
	cr_assert_eq(merge__flush(m, check_order, NULL), 0);
	cr_assert_eq(nr_checked, 5000);
	merge__free(m);
}

struct ordered {
	__u64 ts;
	__u16 cpu;
	__u32 pid;
	int n;
	bool bad;
};

static int check_total_order(const struct sl_event *e, void *ctx)
{
	struct ordered *o = ctx;

	/* time order; equal times in CPU order; within a CPU in push order */
	if (o->n && (e->ts < o->ts || (e->ts == o->ts && e->cpu < o->cpu) ||
		     (e->ts == o->ts && e->cpu == o->cpu && e->pid < o->pid)))
		o->bad = true;
	o->ts = e->ts;
	o->cpu = e->cpu;
	o->pid = e->pid;
	o->n++;
	return 0;
}

/*
 * 256 queues fed in random bursts, with records that arrive before their
 * queue's current head, drained at rising watermarks: the heap must give
 * exactly the order a full sort gives, and hold back nothing early.
 */
Test(merge, many_queues_release_in_total_order)
{
	struct ordered o = { 0 };
	__u64 rng = 88172645463325252ull, next_ts[256] = { 0 }, wm = 0;
	__u32 pid = 1;
	struct merge *m;
	int pushed = 0;

	cr_assert_eq(merge__new(256, &m), 0);
	for (int round = 0; round < 200; round++) {
		for (int k = 0; k < 300; k++) {
			__u16 cpu;
			__u64 ts;

			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			cpu = (__u16)(rng % 256);
			ts = wm + 1 + (rng >> 20) % 1000;
			/* now and then one record earlier than its queue's last */
			if ((rng >> 40) % 8 && ts < next_ts[cpu])
				ts = next_ts[cpu];
			next_ts[cpu] = ts;
			push(m, cpu, ts, pid++);
			pushed++;
		}
		wm += 500;
		cr_assert_eq(merge__drain(m, wm, check_total_order, &o), 0);
		cr_assert_eq(merge__pending(m) + (__u64)o.n, (__u64)pushed);
		cr_assert_leq(o.ts, wm);
	}
	cr_assert_eq(merge__flush(m, check_total_order, &o), 0);
	cr_assert_eq(o.n, pushed);
	cr_assert(!o.bad, "records left out of time order");
	cr_assert_eq(merge__late(m), 0);
	merge__free(m);
}

/* Queues added later (the workload's queue log) merge like CPUs, also mid-stream. */
Test(merge, added_queues_merge_in_order)
{
	struct collected c = { 0 };
	struct sl_event e = { .type = SL_EV_Q_PUSH };
	struct merge *m;
	__u32 first;

	cr_assert_eq(merge__new(2, &m), 0);
	push(m, 0, 10, 1);
	push(m, 1, 40, 2);
	cr_assert_eq(merge__drain(m, 15, collect, &c), 0);
	cr_assert_eq(merge__add_queues(m, 3, &first), 0);
	cr_assert_eq(first, 2);
	e.ts = 30, e.pid = 3;
	cr_assert_eq(merge__push_to(m, first + 2, &e), 0);
	e.ts = 20, e.pid = 4;
	cr_assert_eq(merge__push_to(m, first, &e), 0);
	push(m, 0, 50, 5);
	cr_assert_eq(merge__flush(m, collect, &c), 0);
	cr_assert_eq(c.n, 5);
	__u32 want[] = { 1, 4, 3, 2, 5 };
	for (int i = 0; i < 5; i++)
		cr_assert_eq(c.pid[i], want[i], "position %d: pid %u", i, c.pid[i]);
	merge__free(m);
}
