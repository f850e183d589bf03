// SPDX-License-Identifier: GPL-2.0
/*
 * Contended locks (docs/metrics.md, "Contended locks"): the futexes and
 * semaphores settled as locks (analysis_wait.c) and the file locks, with
 * the tasks that took them and how long they waited.  A lock's wait while
 * its holder was itself blocked on a channel (a readers' lock held across
 * a read) is that channel's, not contention: it is kept apart, and the
 * rest, over the takers' lifetimes, is the lock's contention.
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

static __u64 alive_of(const struct a_task *t)
{
	__u64 ns = 0;

	for (int s = 0; s < SL_TS_MAX; s++)
		ns += t->state_ns[s];
	return ns;
}

static int lock_cmp(const void *x, const void *y)
{
	const struct sl_lock_row *p = x, *q = y;

	if (p->contention_frac != q->contention_frac)
		return p->contention_frac > q->contention_frac ? -1 : 1;
	return p->obj < q->obj ? -1 : p->obj > q->obj;
}

/* The row of lock object o: its takers' waits and lifetimes. */
static void lock_row(const struct analysis *a, __u32 o, struct sl_lock_row *row)
{
	const struct a_obj *ob = &a->objs[o];

	memset(row, 0, sizeof(*row));
	row->kind = ob->kind;
	row->detail = ob->detail;
	row->obj = ob->obj;
	row->scope = ob->scope;
	row->handoffs = ob->wakeups;
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];

		if (p->obj != o || !takes(p))
			continue;
		row->nr_tasks++;
		row->wait_ns += p->blocked_ns[0] + p->blocked_ns[1];
		row->behind_ns += p->proxy_ns[0] + p->proxy_ns[1];
		row->alive_ns += alive_of(&a->tasks[p->task]);
	}
	if (row->behind_ns > row->wait_ns)
		row->behind_ns = row->wait_ns;
	row->contention_frac = row->alive_ns ?
		(double)(row->wait_ns - row->behind_ns) / (double)row->alive_ns : 0;
	row->lock_bound = row->contention_frac >= AQ_LOCK_BOUND;
}

static int lock_tasks(const struct analysis *a, struct sl_result *r, const __u32 *objs)
{
	__u32 n = 0;

	for (__u32 i = 0; i < a->nr_pairs; i++)
		for (__u32 k = 0; k < r->nr_locks; k++)
			n += a->pairs[i].obj == objs[k] && takes(&a->pairs[i]);
	r->lock_tasks = calloc(n ? n : 1, sizeof(*r->lock_tasks));
	if (!r->lock_tasks)
		return -ENOMEM;
	for (__u32 k = 0; k < r->nr_locks; k++) {
		struct sl_lock_row *row = &r->locks[k];

		row->first_task = r->nr_lock_tasks;
		row->nr_tasks = 0;
		for (__u32 i = 0; i < a->nr_pairs; i++) {
			const struct a_pair *p = &a->pairs[i];
			struct sl_lock_task *lt;

			if (p->obj != objs[k] || !takes(p))
				continue;
			lt = &r->lock_tasks[r->nr_lock_tasks++];
			lt->task = p->task;
			lt->blocked_ns = p->blocked_ns[0] + p->blocked_ns[1];
			lt->woke = p->woke;
			row->nr_tasks++;
		}
	}
	return 0;
}

int ac_locks(struct analysis *a, struct sl_result *r)
{
	struct sl_lock_row *rows;
	__u32 n = 0, objs[MAX_LOCKS];

	rows = calloc(a->nr_objs ? a->nr_objs : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (__u32 o = 0; o < a->nr_objs; o++) {
		if (!lock_obj(&a->objs[o]))
			continue;
		lock_row(a, o, &rows[n]);
		/* the row keeps its object's index until the sort, in first_task */
		rows[n].first_task = o;
		if (rows[n].wait_ns && rows[n].contention_frac >= LOCK_SHOWN)
			n++;
	}
	qsort(rows, n, sizeof(*rows), lock_cmp);
	if (n > MAX_LOCKS)
		n = MAX_LOCKS;
	for (__u32 k = 0; k < n; k++)
		objs[k] = rows[k].first_task;
	r->locks = realloc(rows, (n ? n : 1) * sizeof(*rows));
	if (!r->locks)
		r->locks = rows;
	r->nr_locks = n;
	return lock_tasks(a, r, objs);
}
