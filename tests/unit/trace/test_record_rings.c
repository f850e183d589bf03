// SPDX-License-Identifier: GPL-2.0
/*
 * The record rings' reader against rings written here the way the probes
 * write them (bpf/ring.bpf.h): records first, then head.  memfds stand in
 * for the two mmapable maps; the reader maps them the same way.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "trace/record_rings.h"

#define NCPU	2
#define SHIFT	3	/* 8 records per CPU */

struct fake {
	int ctl_fd, recs_fd;
	struct sl_ring_ctl *ctl;
	struct sl_event *recs;
	struct record_rings *r;		/* the reader, on the same memory */
};

static size_t pages(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

static void fake_open(struct fake *f)
{
	size_t cl = pages(NCPU * sizeof(struct sl_ring_ctl));
	size_t rl = pages(((size_t)NCPU << SHIFT) * sizeof(struct sl_event));

	f->ctl_fd = memfd_create("ctl", 0);
	f->recs_fd = memfd_create("recs", 0);
	cr_assert(f->ctl_fd >= 0 && f->recs_fd >= 0);
	cr_assert_eq(ftruncate(f->ctl_fd, (off_t)cl), 0);
	cr_assert_eq(ftruncate(f->recs_fd, (off_t)rl), 0);
	f->ctl = mmap(NULL, cl, PROT_READ | PROT_WRITE, MAP_SHARED, f->ctl_fd, 0);
	f->recs = mmap(NULL, rl, PROT_READ | PROT_WRITE, MAP_SHARED, f->recs_fd, 0);
	cr_assert(f->ctl != MAP_FAILED && f->recs != MAP_FAILED);
	cr_assert_eq(record_rings__open(f->ctl_fd, f->recs_fd, NCPU, SHIFT, &f->r), 0);
}

/* What a probe does: refuses when full, else writes the slot, then head. */
static bool probe_put(struct fake *f, __u32 cpu, __u64 ts)
{
	struct sl_ring_ctl *c = &f->ctl[cpu];
	__u64 h = c->head;

	if (h - c->tail >= (1u << SHIFT))
		return false;
	f->recs[(cpu << SHIFT) | (h & ((1u << SHIFT) - 1))] =
		(struct sl_event){ .ts = ts, .type = SL_EV_SWITCH, .cpu = (__u16)cpu };
	__atomic_store_n(&c->head, h + 1, __ATOMIC_RELEASE);
	return true;
}

struct seen {
	__u64 ts[64];
	__u16 cpu[64];
	int n;
};

static int collect(const struct sl_event *e, void *ctx)
{
	struct seen *s = ctx;

	cr_assert_lt(s->n, 64);
	s->ts[s->n] = e->ts;
	s->cpu[s->n] = e->cpu;
	s->n++;
	return 0;
}

Test(record_rings, hands_over_each_cpus_records_in_order_once)
{
	struct seen s = { 0 };
	struct fake f;

	fake_open(&f);
	probe_put(&f, 0, 10);
	probe_put(&f, 1, 15);
	probe_put(&f, 0, 20);
	cr_assert_eq(record_rings__drain(f.r, collect, &s), 0);
	cr_assert_eq(s.n, 3);
	cr_assert(s.ts[0] == 10 && s.ts[1] == 20 && s.ts[2] == 15);
	cr_assert(s.cpu[0] == 0 && s.cpu[2] == 1);
	/* consumed: the slots are given back, nothing comes twice */
	cr_assert_eq(f.ctl[0].tail, 2);
	cr_assert_eq(f.ctl[1].tail, 1);
	cr_assert_eq(record_rings__drain(f.r, collect, &s), 0);
	cr_assert_eq(s.n, 3);
	record_rings__close(f.r);
}

Test(record_rings, a_full_ring_refuses_until_drained_and_wraps)
{
	struct seen s = { 0 };
	struct fake f;
	__u64 ts = 1;

	fake_open(&f);
	for (int i = 0; i < 8; i++)
		cr_assert(probe_put(&f, 1, ts++));
	cr_assert_not(probe_put(&f, 1, 99), "a ninth record must not overwrite the first");
	cr_assert_eq(record_rings__drain(f.r, collect, &s), 0);
	cr_assert_eq(s.n, 8);
	for (int i = 0; i < 5; i++)
		cr_assert(probe_put(&f, 1, ts++));
	cr_assert_eq(record_rings__drain(f.r, collect, &s), 0);
	cr_assert_eq(s.n, 13);
	for (int i = 0; i < 13; i++)
		cr_assert_eq(s.ts[i], (__u64)i + 1, "record %d out of order across the wrap", i);
	record_rings__close(f.r);
}

Test(record_rings, a_head_beyond_one_ring_reads_one_ring_only)
{
	struct seen s = { 0 };
	struct fake f;

	fake_open(&f);
	f.ctl[0].head = 1000;	/* not the probes' doing: the map was written over */
	cr_assert_eq(record_rings__drain(f.r, collect, &s), 0);
	cr_assert_eq(s.n, 8);
	cr_assert_eq(f.ctl[0].tail, 1000);
	record_rings__close(f.r);
}

Test(record_rings, refuses_impossible_sizes)
{
	struct record_rings *r;
	struct fake f;

	fake_open(&f);
	cr_assert_eq(record_rings__open(f.ctl_fd, f.recs_fd, 0, SHIFT, &r), -EINVAL);
	cr_assert_eq(record_rings__open(f.ctl_fd, f.recs_fd, SL_MAX_CPUS + 1, SHIFT, &r), -EINVAL);
	cr_assert_eq(record_rings__open(f.ctl_fd, f.recs_fd, NCPU, 25, &r), -EINVAL);
	record_rings__close(f.r);
}
