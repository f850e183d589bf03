// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "merge.h"

/* A growable ring of records for one CPU, sorted by ts. */
struct cpu_queue {
	struct sl_event *buf;
	size_t cap, head, len;	/* cap is a power of two */
};

struct merge {
	__u32 ncpu;
	struct cpu_queue *q;
	__u64 last_emitted;
	__u64 late;
	__u64 pending;
};

int merge__new(__u32 ncpu, struct merge **out)
{
	struct merge *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->ncpu = ncpu ? ncpu : 1;
	m->q = calloc(m->ncpu, sizeof(*m->q));
	if (!m->q) {
		free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

void merge__free(struct merge *m)
{
	if (!m)
		return;
	for (__u32 i = 0; i < m->ncpu; i++)
		free(m->q[i].buf);
	free(m->q);
	free(m);
}

static struct sl_event *at(struct cpu_queue *q, size_t i)
{
	return &q->buf[(q->head + i) & (q->cap - 1)];
}

static int grow(struct cpu_queue *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024;
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

int merge__push(struct merge *m, const struct sl_event *e)
{
	struct cpu_queue *q = &m->q[e->cpu < m->ncpu ? e->cpu : 0];
	size_t i;

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
	return 0;
}

/* The CPU queue whose head is earliest, or -1 if all are empty. */
static int earliest(struct merge *m, __u64 limit)
{
	__u64 best = limit;
	int cpu = -1;

	for (__u32 i = 0; i < m->ncpu; i++) {
		struct cpu_queue *q = &m->q[i];

		if (q->len && at(q, 0)->ts <= best) {
			/* ties go to the lower CPU: deterministic order */
			if (cpu < 0 || at(q, 0)->ts < best) {
				best = at(q, 0)->ts;
				cpu = (int)i;
			}
		}
	}
	return cpu;
}

int merge__drain(struct merge *m, __u64 watermark, sl_event_fn fn, void *ctx)
{
	int cpu, err;

	while ((cpu = earliest(m, watermark)) >= 0) {
		struct cpu_queue *q = &m->q[cpu];
		struct sl_event e = *at(q, 0);

		q->head = (q->head + 1) & (q->cap - 1);
		q->len--;
		m->pending--;
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
