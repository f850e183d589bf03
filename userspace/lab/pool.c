// SPDX-License-Identifier: GPL-2.0
/* The process pool: a task queue out, result slots back. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "futex.h"
#include "pool.h"
#include "proc.h"

enum slot_state {
	SLOT_FREE = 0,
	SLOT_BUSY,	/* submitted, no result yet */
	SLOT_DONE,
	SLOT_FAILED,	/* the worker died running it */
};

/*
 * A slot's futex word holds its generation and state together, so that
 * every transition is one compare-and-swap that also checks the slot was
 * not freed and reused meanwhile (a late worker, a stale handle).
 */
#define SLOT_STATE(word)	((word) & 3u)
#define SLOT_GEN(word)		((word) >> 2)
#define SLOT_WORD(gen, state)	((uint32_t)(gen) << 2 | (state))

struct pool_slot {
	uint32_t word;	/* futex: gen << 2 | state */
	uint32_t pad;
	uint64_t result;
};

/* What a task message carries behind the queue item. */
struct pool_task {
	uint64_t fn;
	uint64_t arg;
	uint32_t slot;
	uint32_t gen;
};

struct pool_shared {
	uint32_t next_id;
	uint32_t slot_seq;	/* futex: bumped when a slot is freed */
	uint32_t slot_waiters;
	uint64_t running[];	/* per worker: gen << 32 | slot + 1 of the task in hand */
};

struct pool {
	struct pool_opts opts;
	char name[PROC_NAME_LEN];
	struct queue *q;
	struct pool_shared *sh;
	size_t sh_len;
	struct pool_slot *slots;
	size_t slots_len;
	struct proc **workers;
	pid_t owner;
};

struct worker_arg {
	struct pool *p;
	unsigned int idx;
};

static uint32_t *claim_of(struct pool *p, unsigned int idx)
{
	size_t stride = p->opts.claim_stride ? p->opts.claim_stride : sizeof(uint32_t);

	if (!p->opts.claims)
		return NULL;
	return (uint32_t *)((char *)p->opts.claims + stride * idx);
}

static int worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct pool *p = wa->p;
	unsigned int idx = wa->idx;
	uint32_t *claim = claim_of(p, idx);
	int err;

	proc__catch_term();
	if (p->opts.worker_init) {
		err = p->opts.worker_init(idx, p->opts.ctx);
		if (err)
			return err;
	}
	while (!proc__term_requested()) {
		struct queue_item it;
		struct pool_task t;
		struct pool_slot *s;
		pool_fn fn;
		uint64_t res;
		uint32_t busy;

		err = queue__pop(p->q, &it, &t, -1, claim);
		if (err == -EINTR)
			continue;
		if (err)
			return 1;
		if (it.id == QUEUE_ID_PILL)
			break;
		if (t.slot >= p->opts.slots)
			return 2;
		__atomic_store_n(&p->sh->running[idx], (uint64_t)t.gen << 32 | (t.slot + 1),
				 __ATOMIC_RELEASE);
		memcpy(&fn, &t.fn, sizeof(fn));
		res = fn(t.arg, it.id, idx);
		s = &p->slots[t.slot];
		busy = SLOT_WORD(t.gen, SLOT_BUSY);
		if (__atomic_load_n(&s->word, __ATOMIC_ACQUIRE) == busy) {
			s->result = res;
			/* fails if the task was declared orphaned meanwhile */
			if (__atomic_compare_exchange_n(&s->word, &busy, SLOT_WORD(t.gen, SLOT_DONE),
							false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				futex__wake(&s->word, INT_MAX);
		}
		__atomic_store_n(&p->sh->running[idx], 0, __ATOMIC_RELEASE);
		if (claim)
			__atomic_store_n(claim, 0, __ATOMIC_RELEASE);
	}
	return 0;
}

int pool__new(const struct pool_opts *opts, struct pool **out)
{
	struct worker_arg *args = NULL;
	struct pool *p;
	int err;

	*out = NULL;
	if (opts->workers < 1 || opts->workers > 1024)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->opts = *opts;
	if (!p->opts.capacity)
		p->opts.capacity = 2 * opts->workers;
	if (!p->opts.slots)
		p->opts.slots = p->opts.capacity + opts->workers;
	snprintf(p->name, sizeof(p->name), "%s", opts->name ? opts->name : "worker");
	p->opts.name = p->name;
	p->owner = getpid();

	err = queue__new(opts->queue, opts->qid, p->opts.capacity, sizeof(struct pool_task), &p->q);
	if (err)
		goto err_free;
	p->sh_len = sizeof(*p->sh) + opts->workers * sizeof(uint64_t);
	p->sh = mmap(NULL, p->sh_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	p->slots_len = p->opts.slots * sizeof(struct pool_slot);
	p->slots = mmap(NULL, p->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	p->workers = calloc(opts->workers, sizeof(*p->workers));
	args = calloc(opts->workers, sizeof(*args));
	if (p->sh == MAP_FAILED || p->slots == MAP_FAILED || !p->workers || !args) {
		err = -ENOMEM;
		goto err_free;
	}
	for (unsigned int i = 0; i < opts->workers; i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s-%u", p->name, i);
		args[i] = (struct worker_arg){ .p = p, .idx = i };
		err = proc__new(name, worker_main, &args[i], &p->workers[i]);
		if (err)
			goto err_free;
		proc__set_daemon(p->workers[i], true);
		err = proc__start(p->workers[i]);
		if (err)
			goto err_free;
	}
	/* The children have their copies of args; the parent needs none. */
	free(args);
	*out = p;
	return 0;

err_free:
	free(args);
	pool__free(p);
	return err;
}

static int slot_alloc(struct pool *p, int timeout_ms, uint32_t *slot)
{
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);
	int err;

	for (;;) {
		uint32_t seq = __atomic_load_n(&p->sh->slot_seq, __ATOMIC_ACQUIRE);

		for (uint32_t i = 0; i < p->opts.slots; i++) {
			uint32_t expect = __atomic_load_n(&p->slots[i].word, __ATOMIC_RELAXED);

			if (SLOT_STATE(expect) != SLOT_FREE)
				continue;
			if (__atomic_compare_exchange_n(&p->slots[i].word, &expect,
							SLOT_WORD(SLOT_GEN(expect), SLOT_BUSY), false,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				*slot = i;
				return 0;
			}
		}
		if (timeout_ms == 0 || (deadline && futex__remaining_ms(deadline) == 0))
			return -ETIMEDOUT;
		__atomic_add_fetch(&p->sh->slot_waiters, 1, __ATOMIC_SEQ_CST);
		err = futex__wait(&p->sh->slot_seq, seq, deadline);
		__atomic_sub_fetch(&p->sh->slot_waiters, 1, __ATOMIC_SEQ_CST);
		if (err == -EINTR)
			return err;
	}
}

static void slot_free(struct pool *p, uint32_t slot)
{
	struct pool_slot *s = &p->slots[slot];
	uint32_t gen = SLOT_GEN(__atomic_load_n(&s->word, __ATOMIC_RELAXED));

	__atomic_store_n(&s->word, SLOT_WORD(gen + 1, SLOT_FREE), __ATOMIC_RELEASE);
	__atomic_add_fetch(&p->sh->slot_seq, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&p->sh->slot_waiters, __ATOMIC_SEQ_CST))
		futex__wake(&p->sh->slot_seq, 1);
}

int pool__submit(struct pool *p, pool_fn fn, uint64_t arg, uint32_t id, int timeout_ms,
		 struct pool_handle *h)
{
	struct queue_item it = { .id = id };
	struct pool_task t = { .arg = arg };
	uint32_t slot;
	int err;

	if (id == QUEUE_ID_PILL || !fn)
		return -EINVAL;
	err = slot_alloc(p, timeout_ms, &slot);
	if (err)
		return err;
	memcpy(&t.fn, &fn, sizeof(fn));
	t.slot = slot;
	t.gen = SLOT_GEN(__atomic_load_n(&p->slots[slot].word, __ATOMIC_RELAXED));
	err = queue__push(p->q, &it, &t, timeout_ms);
	if (err) {
		slot_free(p, slot);
		return err;
	}
	*h = (struct pool_handle){ .slot = slot, .gen = t.gen, .id = id };
	return 0;
}

int pool__apply_async(struct pool *p, pool_fn fn, uint64_t arg, struct pool_handle *h)
{
	uint32_t id = __atomic_fetch_add(&p->sh->next_id, 1, __ATOMIC_RELAXED);

	if (id == QUEUE_ID_PILL)
		id = __atomic_fetch_add(&p->sh->next_id, 1, __ATOMIC_RELAXED);
	return pool__submit(p, fn, arg, id, -1, h);
}

int pool__get(struct pool *p, const struct pool_handle *h, int timeout_ms, uint64_t *result)
{
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);
	uint32_t busy = SLOT_WORD(h->gen, SLOT_BUSY), word;
	struct pool_slot *s;
	int err;

	if (h->slot >= p->opts.slots)
		return -EINVAL;
	s = &p->slots[h->slot];
	while ((word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE)) == busy) {
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		err = futex__wait(&s->word, busy, deadline);
		if (err == -ETIMEDOUT || err == -EINTR) {
			if (__atomic_load_n(&s->word, __ATOMIC_ACQUIRE) != busy)
				continue;
			return err;
		}
	}
	if (SLOT_GEN(word) != h->gen || SLOT_STATE(word) == SLOT_FREE)
		return -EINVAL;	/* collected before, or never ours */
	err = SLOT_STATE(word) == SLOT_FAILED ? -EPIPE : 0;
	if (!err && result)
		*result = s->result;
	slot_free(p, h->slot);
	return err;
}

int pool__apply(struct pool *p, pool_fn fn, uint64_t arg, uint64_t *result)
{
	struct pool_handle h;
	int err;

	err = pool__apply_async(p, fn, arg, &h);
	if (err)
		return err;
	return pool__get(p, &h, -1, result);
}

int pool__map(struct pool *p, pool_fn fn, const uint64_t *args, uint64_t *results, size_t n)
{
	size_t window = p->opts.slots, next = 0, done = 0;
	struct pool_handle *h;
	int err = 0, e;

	h = calloc(window, sizeof(*h));
	if (!h)
		return -ENOMEM;
	while (done < n) {
		/* keep up to `window` tasks in flight; collect in order */
		while (!err && next < n && next - done < window) {
			err = pool__apply_async(p, fn, args[next], &h[next % window]);
			if (!err)
				next++;
		}
		if (done == next)
			break;
		e = pool__get(p, &h[done % window], -1, &results[done]);
		if (e && !err)
			err = e;
		done++;
	}
	free(h);
	return err;
}

int pool__close(struct pool *p, int timeout_ms)
{
	for (unsigned int i = 0; i < p->opts.workers; i++) {
		struct queue_item pill = { .id = QUEUE_ID_PILL };
		int err = queue__push(p->q, &pill, NULL, timeout_ms);

		if (err)
			return err;
	}
	return 0;
}

int pool__join(struct pool *p, int timeout_ms)
{
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);

	for (unsigned int i = 0; i < p->opts.workers; i++) {
		int err = proc__join(p->workers[i], futex__remaining_ms(deadline));

		if (err)
			return err;
	}
	return 0;
}

void pool__terminate(struct pool *p)
{
	for (unsigned int i = 0; i < p->opts.workers; i++)
		if (p->workers[i])
			proc__terminate(p->workers[i]);
}

static bool slot_fail(struct pool_slot *s, uint32_t gen)
{
	uint32_t busy = SLOT_WORD(gen, SLOT_BUSY);

	if (!__atomic_compare_exchange_n(&s->word, &busy, SLOT_WORD(gen, SLOT_FAILED), false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	futex__wake(&s->word, INT_MAX);
	return true;
}

void pool__worker_died(struct pool *p, unsigned int worker)
{
	uint64_t run;
	uint32_t slot;

	if (worker >= p->opts.workers)
		return;
	run = __atomic_exchange_n(&p->sh->running[worker], 0, __ATOMIC_ACQ_REL);
	slot = (uint32_t)run;
	/* the generation check skips a slot finished and reused before it died */
	if (slot && slot <= p->opts.slots)
		slot_fail(&p->slots[slot - 1], (uint32_t)(run >> 32));
}

unsigned int pool__fail_orphans(struct pool *p)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < p->opts.slots; i++) {
		uint32_t word = __atomic_load_n(&p->slots[i].word, __ATOMIC_ACQUIRE);

		if (SLOT_STATE(word) == SLOT_BUSY && slot_fail(&p->slots[i], SLOT_GEN(word)))
			n++;
	}
	return n;
}

unsigned int pool__size(const struct pool *p)
{
	return p->opts.workers;
}

struct proc *pool__worker(struct pool *p, unsigned int i)
{
	return i < p->opts.workers ? p->workers[i] : NULL;
}

struct queue *pool__queue(struct pool *p)
{
	return p->q;
}

void pool__free(struct pool *p)
{
	if (!p)
		return;
	if (p->workers) {
		for (unsigned int i = 0; i < p->opts.workers; i++) {
			/* only the creator can reap; other processes just drop their copy */
			if (p->workers[i] && getpid() == p->owner)
				proc__free(p->workers[i]);
		}
		free(p->workers);
	}
	if (p->slots && p->slots != MAP_FAILED)
		munmap(p->slots, p->slots_len);
	if (p->sh && p->sh != MAP_FAILED)
		munmap(p->sh, p->sh_len);
	queue__free(p->q);
	free(p);
}
