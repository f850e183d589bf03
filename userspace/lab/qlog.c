// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "qlog.h"

#define CACHE_LINE	64

/*
 * One writer thread's ring.  head is written by the writer only, tail by
 * the reader only, each on its own cache line; records are published by
 * the release store of head and consumed before the release store of tail.
 */
struct qlog_slot {
	_Atomic uint64_t head;
	char pad0[CACHE_LINE - sizeof(uint64_t)];
	_Atomic uint64_t tail;
	char pad1[CACHE_LINE - sizeof(uint64_t)];
	struct sl_event rec[];
};

struct qlog {
	uint32_t nslots;
	uint32_t slot_records;
	size_t slot_bytes;
	size_t map_bytes;
	_Atomic uint32_t next_slot;
	_Atomic uint64_t lost[SL_MAX_CPUS];
	char *slots;		/* nslots * slot_bytes, after this header */
};

static struct qlog *installed;
static __thread struct qlog_slot *my_slot;
static __thread uint32_t my_tid;
static __thread bool my_no_slot;	/* every slot was taken: count, don't retry */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

int qlog__create(uint32_t nslots, uint32_t slot_records, struct qlog **out)
{
	size_t head, slot_bytes, total;
	struct qlog *l;
	void *p;

	*out = NULL;
	if (!nslots || nslots > 4096 || slot_records < 64 || slot_records > (1u << 20) ||
	    (slot_records & (slot_records - 1)))
		return -EINVAL;
	head = round_up(sizeof(*l), CACHE_LINE);
	slot_bytes = round_up(sizeof(struct qlog_slot) + (size_t)slot_records * sizeof(struct sl_event),
			      CACHE_LINE);
	total = head + (size_t)nslots * slot_bytes;
	/* shared and anonymous: the forked workload writes, this process reads */
	p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	l = p;
	l->nslots = nslots;
	l->slot_records = slot_records;
	l->slot_bytes = slot_bytes;
	l->map_bytes = total;
	l->slots = (char *)p + head;
	*out = l;
	return 0;
}

void qlog__destroy(struct qlog *l)
{
	if (!l)
		return;
	if (installed == l)
		qlog__install(NULL);
	munmap(l, l->map_bytes);
}

/* A forked child inherits its parent's slot pointer but must not share the slot. */
static void forget_slot(void)
{
	my_slot = NULL;
	my_no_slot = false;
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, forget_slot);
}

int qlog__install(struct qlog *l)
{
	int err = pthread_once(&atfork_once, register_atfork);

	if (err)
		return -err;
	forget_slot();
	__atomic_store_n(&installed, l, __ATOMIC_RELEASE);
	return 0;
}

static struct qlog_slot *slot_at(const struct qlog *l, uint32_t i)
{
	return (struct qlog_slot *)(l->slots + (size_t)i * l->slot_bytes);
}

static void count_lost(struct qlog *l, int cpu)
{
	atomic_fetch_add_explicit(&l->lost[cpu >= 0 && cpu < SL_MAX_CPUS ? cpu : 0], 1,
				  memory_order_relaxed);
}

static struct qlog_slot *claim(struct qlog *l)
{
	uint32_t i = atomic_fetch_add_explicit(&l->next_slot, 1, memory_order_relaxed);

	if (i >= l->nslots) {
		my_no_slot = true;
		return NULL;
	}
	my_tid = (uint32_t)gettid();
	my_slot = slot_at(l, i);
	return my_slot;
}

void qlog__emit(__u8 type, uint32_t qid, uint32_t depth, uint32_t item, uint64_t enqueue_ns)
{
	struct qlog *l = __atomic_load_n(&installed, __ATOMIC_RELAXED);
	struct qlog_slot *s = my_slot;
	struct sl_event *e;
	uint64_t h, now;
	int cpu;

	if (!l)
		return;
	if (!s && (my_no_slot || !(s = claim(l)))) {
		count_lost(l, sched_getcpu());
		return;
	}
	cpu = sched_getcpu();
	h = atomic_load_explicit(&s->head, memory_order_relaxed);
	if (h - atomic_load_explicit(&s->tail, memory_order_acquire) >= l->slot_records) {
		count_lost(l, cpu);
		return;
	}
	now = lab_clock_ns();
	e = &s->rec[h & (l->slot_records - 1)];
	e->ts = now;
	e->type = type;
	e->flags = (__u8)qid;
	e->cpu = (__u16)(cpu >= 0 ? cpu : 0);
	e->pid = my_tid;
	e->q.item = item;
	e->q.depth = depth;
	e->q.delay = enqueue_ns && now > enqueue_ns ? now - enqueue_ns : 0;
	atomic_store_explicit(&s->head, h + 1, memory_order_release);
}

uint32_t qlog__nslots(const struct qlog *l)
{
	return l->nslots;
}

int qlog__drain(struct qlog *l, uint32_t slot,
		int (*fn)(const struct sl_event *e, uint32_t slot, void *ctx), void *ctx)
{
	struct qlog_slot *s;
	uint64_t h, t;
	int err = 0;

	if (slot >= l->nslots ||
	    slot >= atomic_load_explicit(&l->next_slot, memory_order_acquire))
		return 0;
	s = slot_at(l, slot);
	h = atomic_load_explicit(&s->head, memory_order_acquire);
	t = atomic_load_explicit(&s->tail, memory_order_relaxed);
	for (; t < h && !err; t++)
		err = fn(&s->rec[t & (l->slot_records - 1)], slot, ctx);
	atomic_store_explicit(&s->tail, t, memory_order_release);
	return err;
}

uint64_t qlog__lost(const struct qlog *l, uint32_t cpu)
{
	return cpu < SL_MAX_CPUS ? atomic_load_explicit(&l->lost[cpu], memory_order_relaxed) : 0;
}
