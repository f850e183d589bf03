// SPDX-License-Identifier: GPL-2.0
/*
 * Contended locks (docs/metrics.md, "Contended locks"): the futexes and
 * semaphores settled as locks (analysis_wait.c) and the file locks, with
 * the tasks that took them and how long they waited.  A lock's wait while
 * its holder was itself blocked on a channel (a readers' lock held across
 * a read) is that channel's, not contention: it is kept apart, and the
 * rest, over the takers' lifetimes, is the lock's contention.  A
 * pthread_cond_t used as a lock (CPython's GIL is a mutex and a condition
 * variable that its threads take in turns) puts its waits on two futex
 * words: such twins are one lock, as twin conditions are one channel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"

#define MAX_LOCKS	8
#define LOCK_SHOWN	0.05	/* contention that lists a lock */

static bool lock_obj(const struct a_obj *o)
{
	return (o->kind == SL_WK_FUTEX || o->kind == SL_WK_SYSV_SEM || o->kind == SL_WK_FILE_LOCK) &&
	       aw_sync_state(o) == SL_TS_LOCK;
}

/* A task takes the lock when it blocked on it or handed it over. */
static bool takes(const struct a_pair *p)
{
	return p->blocks || p->woke;
}

static int lock_cmp(const void *x, const void *y)
{
	const struct sl_lock_row *p = x, *q = y;

	if (p->contention_frac != q->contention_frac)
		return p->contention_frac > q->contention_frac ? -1 : 1;
	return p->obj < q->obj ? -1 : p->obj > q->obj;
}

/* A lock's object and its twin word (NO_IDX: none), for the rows below. */
struct lock_objs {
	__u32 o, twin;
};

/* Per lock object, from one pass over the pairs. */
struct lock_sum {
	__u32 takers;
	__u64 alive_ns, wait_ns, behind_ns;
};

static void sum_pairs(const struct analysis *a, struct lock_sum *sum)
{
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];
		struct lock_sum *s = &sum[p->obj];

		if (!lock_obj(&a->objs[p->obj]) || !takes(p))
			continue;
		s->takers++;
		s->alive_ns += aq_alive_ns(&a->tasks[p->task]);
		s->wait_ns += p->blocked_ns[0] + p->blocked_ns[1];
		s->behind_ns += p->proxy_ns[0] + p->proxy_ns[1];
	}
}

/* Lock objects in (scope, address) order: a futex's twin word follows it. */
struct lock_key {
	__u32 scope;
	__u8 kind;
	__u64 obj;
	__u32 idx;		/* into a->objs */
};

static int addr_cmp(const void *x, const void *y)
{
	const struct lock_key *p = x, *q = y;

	if (p->scope != q->scope)
		return p->scope < q->scope ? -1 : 1;
	if (p->obj != q->obj)
		return p->obj < q->obj ? -1 : 1;
	return p->kind < q->kind ? -1 : p->kind > q->kind;
}

/*
 * glibc's pthread_cond_t waits on two words of an 8-byte-aligned pair by
 * turns (analysis_channels.c, condvar_twins): o + 4 is o's twin when it
 * is a futex lock in the same scope with the same takers.
 */
static bool twins(const struct analysis *a, const struct lock_sum *sum, __u32 o, __u32 k)
{
	const struct a_obj *p = &a->objs[o], *q = &a->objs[k];

	if (p->kind != SL_WK_FUTEX || q->kind != SL_WK_FUTEX || p->scope != q->scope ||
	    p->obj % 8 || q->obj != p->obj + 4 || sum[o].takers != sum[k].takers)
		return false;
	/* as many takers: the same ones if each of o's takes k too */
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *x = &a->pairs[i];
		__u32 y;

		if (x->obj != o || !takes(x))
			continue;
		y = aw_pair_find(a, x->task, k);
		if (y == NO_IDX || !takes(&a->pairs[y]))
			return false;
	}
	return true;
}

static void lock_row(const struct analysis *a, const struct lock_sum *sum, struct lock_objs l,
		     struct sl_lock_row *row)
{
	const struct a_obj *ob = &a->objs[l.o];
	const struct lock_sum *s = &sum[l.o];

	memset(row, 0, sizeof(*row));
	row->kind = ob->kind;
	row->detail = ob->detail;
	row->obj = ob->obj;
	row->scope = ob->scope;
	row->handoffs = ob->wakeups;
	row->nr_tasks = s->takers;
	row->alive_ns = s->alive_ns;	/* a twin's takers are the same tasks */
	row->wait_ns = s->wait_ns;
	row->behind_ns = s->behind_ns;
	if (l.twin != NO_IDX) {
		row->handoffs += a->objs[l.twin].wakeups;
		row->wait_ns += sum[l.twin].wait_ns;
		row->behind_ns += sum[l.twin].behind_ns;
	}
	if (row->behind_ns > row->wait_ns)
		row->behind_ns = row->wait_ns;
	row->contention_frac = row->alive_ns ?
		(double)(row->wait_ns - row->behind_ns) / (double)row->alive_ns : 0;
	row->lock_bound = row->contention_frac >= AQ_LOCK_BOUND;
}

static bool of_lock(const struct a_pair *p, struct lock_objs l)
{
	return (p->obj == l.o || p->obj == l.twin) && takes(p);
}

/* Each row's takers, a task once per row (over both words of a twin). */
static int lock_tasks(const struct analysis *a, struct sl_result *r, const struct lock_objs *objs)
{
	__u32 n = 0;

	for (__u32 k = 0; k < r->nr_locks; k++)
		n += r->locks[k].nr_tasks;
	r->lock_tasks = calloc(n ? n : 1, sizeof(*r->lock_tasks));
	if (!r->lock_tasks)
		return -ENOMEM;
	for (__u32 k = 0; k < r->nr_locks; k++) {
		struct sl_lock_row *row = &r->locks[k];
		__u32 cap = row->nr_tasks;

		row->first_task = r->nr_lock_tasks;
		row->nr_tasks = 0;
		for (__u32 i = 0; i < a->nr_pairs; i++) {
			const struct a_pair *p = &a->pairs[i];
			struct sl_lock_task *lt = NULL;

			if (!of_lock(p, objs[k]))
				continue;
			for (__u32 m = 0; m < row->nr_tasks && !lt; m++)
				if (r->lock_tasks[row->first_task + m].task == p->task)
					lt = &r->lock_tasks[row->first_task + m];
			if (!lt) {
				if (row->nr_tasks == cap)
					continue;	/* not a twin's taker after all */
				lt = &r->lock_tasks[r->nr_lock_tasks++];
				lt->task = p->task;
				row->nr_tasks++;
			}
			lt->blocked_ns += p->blocked_ns[0] + p->blocked_ns[1];
			lt->woke += p->woke;
		}
	}
	return 0;
}

int ac_locks(struct analysis *a, struct sl_result *r)
{
	__u32 no = a->nr_objs ? a->nr_objs : 1, nl = 0, n = 0;
	struct lock_sum *sum = calloc(no, sizeof(*sum));
	struct lock_key *order = calloc(no, sizeof(*order));
	struct lock_objs *objs = calloc(no, sizeof(*objs)), sorted[MAX_LOCKS];
	struct sl_lock_row *rows = calloc(no, sizeof(*rows));
	int err = -ENOMEM;

	if (!sum || !order || !objs || !rows)
		goto out;
	sum_pairs(a, sum);
	for (__u32 o = 0; o < a->nr_objs; o++)
		if (lock_obj(&a->objs[o]) && sum[o].takers)
			order[nl++] = (struct lock_key){ .scope = a->objs[o].scope,
							 .kind = a->objs[o].kind,
							 .obj = a->objs[o].obj, .idx = o };
	qsort(order, nl, sizeof(*order), addr_cmp);
	for (__u32 i = 0; i < nl; i++) {
		struct lock_objs l = { order[i].idx, NO_IDX };

		if (i + 1 < nl && twins(a, sum, order[i].idx, order[i + 1].idx))
			l.twin = order[++i].idx;
		lock_row(a, sum, l, &rows[n]);
		/* the row keeps its index into objs until the sort, in first_task */
		rows[n].first_task = n;
		objs[n] = l;
		if (rows[n].wait_ns && rows[n].contention_frac >= LOCK_SHOWN)
			n++;
	}
	qsort(rows, n, sizeof(*rows), lock_cmp);
	if (n > MAX_LOCKS)
		n = MAX_LOCKS;
	for (__u32 k = 0; k < n; k++)
		sorted[k] = objs[rows[k].first_task];
	r->locks = realloc(rows, (n ? n : 1) * sizeof(*rows));
	if (!r->locks)
		r->locks = rows;
	rows = NULL;
	r->nr_locks = n;
	err = lock_tasks(a, r, sorted);
out:
	free(sum);
	free(order);
	free(objs);
	free(rows);
	return err;
}
