// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "merge.h"

/* A growable ring of records for one CPU, sorted by ts. */
struct cpu_queue {
	struct sl_event *buf;
	size_t cap, head, len;	/* cap is a power of two */
};

/*
 * The queue heads meet in a tournament (loser) tree: tree[0] is the
 * earliest head, each inner node the loser of its match.  A node holds a
 * 64-bit key, (ts - base) << 16 | queue index, so one comparison orders by
 * time and breaks ties by the lower queue, and a match reads no queue.
 * Releasing a record replays one leaf-to-root path, branch-free: log2(N)
 * comparisons, so 256 CPUs cost 8 per record, not 256.  Pushing may lower
 * any queue's head, which a loser tree cannot replay, so it marks the tree
 * stale and the next drain rebuilds it in O(N) -- once per drain.
 *
 * 48 bits of time since base cover 78 hours.  base trails the earliest
 * record by 19 hours (a record further behind sorts as if at base: it is
 * far behind what was released and comes out clamped anyway) and moves
 * up whenever a record comes within 19 hours of the end.
 */
typedef __u64 mkey;

#define NO_HEAD		(~(mkey)0)
#define KEY_SPAN	(1ull << 48)
#define KEY_QUEUE(k)	((__u32)((k) & 0xffff))

struct merge {
	__u32 nq;
	__u32 nleaf;		/* power of two >= nq */
	struct cpu_queue *q;
	mkey *leaf;		/* [nleaf]: each queue's head key, NO_HEAD if empty */
	mkey *tree;		/* [nleaf]: 0 = winner, 1.. = losers */
	mkey *win;		/* [2 * nleaf]: scratch for rebuilding */
	bool stale;
	__u64 base;
	__u64 last_emitted;
	__u64 late;
	__u64 pending;
};

int merge__new(__u32 nqueues, struct merge **out)
{
	struct merge *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->nq = nqueues ? nqueues : 1;
	m->nleaf = 1;
	while (m->nleaf < m->nq)
		m->nleaf *= 2;
	m->q = calloc(m->nq, sizeof(*m->q));
	m->leaf = malloc(m->nleaf * sizeof(*m->leaf));
	m->tree = calloc(m->nleaf, sizeof(*m->tree));
	m->win = calloc(2 * (size_t)m->nleaf, sizeof(*m->win));
	if (m->nq > 0xffff || !m->q || !m->leaf || !m->tree || !m->win) {
		merge__free(m);
		return m->nq > 0xffff ? -E2BIG : -ENOMEM;
	}
	for (__u32 i = 0; i < m->nleaf; i++)
		m->leaf[i] = NO_HEAD;
	m->stale = true;
	*out = m;
	return 0;
}

int merge__add_queues(struct merge *m, __u32 n, __u32 *first)
{
	__u32 nq = m->nq + n, nleaf = m->nleaf;
	struct cpu_queue *q;
	mkey *leaf, *tree, *win;

	if (nq > 0xffff)
		return -E2BIG;
	while (nleaf < nq)
		nleaf *= 2;
	q = realloc(m->q, nq * sizeof(*q));
	if (!q)
		return -ENOMEM;
	m->q = q;
	memset(q + m->nq, 0, n * sizeof(*q));
	leaf = realloc(m->leaf, nleaf * sizeof(*leaf));
	if (!leaf)
		return -ENOMEM;
	m->leaf = leaf;
	for (__u32 i = m->nleaf; i < nleaf; i++)
		leaf[i] = NO_HEAD;
	tree = realloc(m->tree, nleaf * sizeof(*tree));
	win = tree ? realloc(m->win, 2 * (size_t)nleaf * sizeof(*win)) : NULL;
	if (tree)
		m->tree = tree;
	if (!win)
		return -ENOMEM;
	m->win = win;
	*first = m->nq;
	m->nq = nq;
	m->nleaf = nleaf;
	m->stale = true;
	return 0;
}

void merge__free(struct merge *m)
{
	if (!m)
		return;
	if (m->q)
		for (__u32 i = 0; i < m->nq; i++)
			free(m->q[i].buf);
	free(m->q);
	free(m->leaf);
	free(m->tree);
	free(m->win);
	free(m);
}

static inline struct sl_event *at(struct cpu_queue *q, size_t i)
{
	return &q->buf[(q->head + i) & (q->cap - 1)];
}

static int grow(struct cpu_queue *q)
{
	/* small to start: with many CPUs, all queues' heads stay in cache */
	size_t cap = q->cap ? q->cap * 2 : 16;
	struct sl_event *n = malloc(cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < q->len; i++)
		n[i] = *at(q, i);
	free(q->buf);
	q->buf = n;
	q->cap = cap;
	q->head = 0;
	return 0;
}

static inline mkey key_of(const struct merge *m, __u64 ts, __u32 qi)
{
	__u64 d = ts > m->base ? ts - m->base : 0;

	return ((d < KEY_SPAN ? d : KEY_SPAN - 1) << 16) | qi;
}

static inline __u64 key_ts(const struct merge *m, mkey k)
{
	return m->base + (k >> 16);
}

/* base KEY_SPAN / 4 behind the earliest pending head; rekey the heads. */
static void rebase(struct merge *m, __u64 ts)
{
	__u64 low = ts;

	for (__u32 i = 0; i < m->nq; i++)
		if (m->q[i].len && at(&m->q[i], 0)->ts < low)
			low = at(&m->q[i], 0)->ts;
	m->base = low > KEY_SPAN / 4 ? low - KEY_SPAN / 4 : 0;
	for (__u32 i = 0; i < m->nq; i++)
		if (m->q[i].len)
			m->leaf[i] = key_of(m, at(&m->q[i], 0)->ts, i);
	m->stale = true;
}

static void rebuild(struct merge *m)
{
	__u32 n = m->nleaf;

	for (__u32 i = 0; i < n; i++)
		m->win[n + i] = m->leaf[i];
	for (__u32 i = n - 1; i >= 1; i--) {
		mkey a = m->win[2 * i], b = m->win[2 * i + 1];

		m->win[i] = a < b ? a : b;
		m->tree[i] = a < b ? b : a;
	}
	m->tree[0] = m->win[1];
	m->stale = false;
}

/* The winner's key changed to w: replay its path against the losers. */
static inline void replay(struct merge *m, __u32 qi, mkey w)
{
	for (__u32 i = (m->nleaf + qi) / 2; i >= 1; i /= 2) {
		mkey l = m->tree[i];
		bool lt = l < w;

		m->tree[i] = lt ? w : l;	/* the larger stays as the loser */
		w = lt ? l : w;			/* the smaller goes on */
	}
	m->tree[0] = w;
}

int merge__push_to(struct merge *m, __u32 qi, const struct sl_event *e)
{
	struct cpu_queue *q = &m->q[qi < m->nq ? qi : 0];
	size_t i;

	qi = (__u32)(q - m->q);
	if (e->ts > m->base && e->ts - m->base >= KEY_SPAN / 4 * 3)
		rebase(m, e->ts);
	if (q->len == q->cap && grow(q))
		return -ENOMEM;
	/* Insertion from the back: O(1) for in-order records, short otherwise. */
	i = q->len;
	while (i > 0 && at(q, i - 1)->ts > e->ts) {
		*at(q, i) = *at(q, i - 1);
		i--;
	}
	*at(q, i) = *e;
	q->len++;
	m->pending++;
	if (i == 0) {
		m->leaf[qi] = key_of(m, e->ts, qi);
		m->stale = true;
	}
	return 0;
}

int merge__push(struct merge *m, const struct sl_event *e)
{
	return merge__push_to(m, e->cpu, e);
}

int merge__drain(struct merge *m, __u64 watermark, sl_event_fn fn, void *ctx)
{
	int err;

	for (;;) {
		struct cpu_queue *q;
		struct sl_event e;
		__u32 qi;

		/* also when fn pushed: the tree is rebuilt before it is read */
		if (m->stale)
			rebuild(m);
		if (m->tree[0] == NO_HEAD || key_ts(m, m->tree[0]) > watermark)
			break;
		qi = KEY_QUEUE(m->tree[0]);
		q = &m->q[qi];
		e = *at(q, 0);
		/*
		 * An emptied queue starts over at its first slot: with many
		 * CPUs each queue holds a few records per drain, and reusing
		 * the same cache lines keeps them all in cache.
		 */
		q->head = --q->len ? (q->head + 1) & (q->cap - 1) : 0;
		m->pending--;
		m->leaf[qi] = q->len ? key_of(m, at(q, 0)->ts, qi) : NO_HEAD;
		replay(m, qi, m->leaf[qi]);
		/* the next record comes from another queue's cold line: fetch it now */
		if (m->tree[0] != NO_HEAD)
			__builtin_prefetch(at(&m->q[KEY_QUEUE(m->tree[0])], 0));
		if (e.ts < m->last_emitted) {
			e.ts = m->last_emitted;
			m->late++;
		}
		m->last_emitted = e.ts;
		err = fn(&e, ctx);
		if (err)
			return err;
	}
	return 0;
}

int merge__flush(struct merge *m, sl_event_fn fn, void *ctx)
{
	return merge__drain(m, ~0ULL, fn, ctx);
}

__u64 merge__late(const struct merge *m)
{
	return m->late;
}

__u64 merge__pending(const struct merge *m)
{
	return m->pending;
}
