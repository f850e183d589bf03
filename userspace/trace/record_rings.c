// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "record_rings.h"

struct record_rings {
	struct sl_ring_ctl *ctl;
	struct sl_event *rec;
	size_t ctl_len, rec_len;
	__u32 ncpu, shift;
};

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

static void *map_shared(int fd, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

int record_rings__open(int ctl_fd, int recs_fd, __u32 ncpu, __u32 shift,
		       struct record_rings **out)
{
	struct record_rings *r;
	int err;

	if (!ncpu || ncpu > SL_MAX_CPUS || shift > 24)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ncpu = ncpu;
	r->shift = shift;
	r->ctl_len = page_round((size_t)ncpu * sizeof(struct sl_ring_ctl));
	r->rec_len = page_round(((size_t)ncpu << shift) * sizeof(struct sl_event));
	r->ctl = map_shared(ctl_fd, r->ctl_len, PROT_READ | PROT_WRITE);
	if (!r->ctl)
		goto fail;
	r->rec = map_shared(recs_fd, r->rec_len, PROT_READ);
	if (!r->rec)
		goto fail;
	*out = r;
	return 0;
fail:
	err = -errno;
	record_rings__close(r);
	return err;
}

void record_rings__close(struct record_rings *r)
{
	if (!r)
		return;
	if (r->ctl)
		munmap(r->ctl, r->ctl_len);
	if (r->rec)
		munmap(r->rec, r->rec_len);
	free(r);
}

int record_rings__drain(struct record_rings *r, sl_event_fn fn, void *ctx)
{
	__u64 mask = (1ull << r->shift) - 1;
	int err = 0;

	for (__u32 cpu = 0; cpu < r->ncpu && !err; cpu++) {
		struct sl_ring_ctl *c = &r->ctl[cpu];
		const struct sl_event *ring = r->rec + ((size_t)cpu << r->shift);
		__u64 h = atomic_load_explicit((_Atomic __u64 *)&c->head, memory_order_acquire);
		__u64 t = atomic_load_explicit((_Atomic __u64 *)&c->tail, memory_order_relaxed);

		/* a head more than a ring ahead is not the probes' doing: read one ring */
		if (h - t > mask + 1)
			t = h - (mask + 1);
		for (; t != h && !err; t++)
			err = fn(&ring[t & mask], ctx);
		atomic_store_explicit((_Atomic __u64 *)&c->tail, t, memory_order_release);
	}
	return err;
}
