// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "offcpu_stacks.h"

/* A task switched out with a stack, waiting to be switched in again. */
struct pending {
	__u32 pid;		/* 0: free slot */
	__u32 row;		/* index into rows */
	__u64 since;
	bool open;
};

struct offcpu_stacks {
	const struct sl_trace_info *ti;
	struct sl_stack_asm as;
	struct sl_stack_row *rows;
	__u32 nr_rows, cap_rows;
	__u32 *row_slots, nr_row_slots;		/* (pid, key) -> row + 1 */
	struct pending *pend;
	__u32 nr_pend_slots, nr_pend;		/* open addressing by pid */
	__u64 unfinished;
	bool sorted;
};

static __u64 mix(__u64 h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static __u64 row_hash(__u32 pid, const struct sl_stack_key *k)
{
	return mix(mix(1469598103934665603ull, &pid, sizeof(pid)), k, sizeof(*k));
}

int offcpu_stacks__new(const struct sl_trace_info *ti, struct offcpu_stacks **out)
{
	struct offcpu_stacks *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->ti = ti;
	*out = o;
	return 0;
}

void offcpu_stacks__free(struct offcpu_stacks *o)
{
	if (!o)
		return;
	free(o->rows);
	free(o->row_slots);
	free(o->pend);
	free(o);
}

static __u32 *row_slot(struct offcpu_stacks *o, __u32 pid, const struct sl_stack_key *k)
{
	__u32 mask = o->nr_row_slots - 1;

	for (__u32 i = (__u32)row_hash(pid, k) & mask;; i = (i + 1) & mask) {
		__u32 s = o->row_slots[i];

		if (!s || (o->rows[s - 1].pid == pid && !memcmp(&o->rows[s - 1].key, k, sizeof(*k))))
			return &o->row_slots[i];
	}
}

static int row_rehash(struct offcpu_stacks *o)
{
	__u32 n = o->nr_row_slots ? o->nr_row_slots * 2 : 256;
	__u32 *old = o->row_slots, old_n = o->nr_row_slots;

	o->row_slots = calloc(n, sizeof(*o->row_slots));
	if (!o->row_slots) {
		o->row_slots = old;
		return -ENOMEM;
	}
	o->nr_row_slots = n;
	for (__u32 i = 0; i < old_n; i++)
		if (old[i])
			*row_slot(o, o->rows[old[i] - 1].pid, &o->rows[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

/* Row of (pid, key), created at zero; -1 on allocation failure. */
static long row_of(struct offcpu_stacks *o, __u32 pid, __u32 tgid, const struct sl_stack_key *k)
{
	__u32 *s;

	if ((o->nr_rows + 1) * 2 > o->nr_row_slots && row_rehash(o))
		return -1;
	s = row_slot(o, pid, k);
	if (*s)
		return *s - 1;
	if (o->nr_rows == o->cap_rows) {
		__u32 cap = o->cap_rows ? o->cap_rows * 2 : 64;
		struct sl_stack_row *r = realloc(o->rows, cap * sizeof(*r));

		if (!r)
			return -1;
		o->rows = r;
		o->cap_rows = cap;
	}
	o->rows[o->nr_rows] = (struct sl_stack_row){ .pid = pid, .tgid = tgid, .key = *k };
	*s = ++o->nr_rows;
	return *s - 1;
}

static struct pending *pend_slot(struct offcpu_stacks *o, __u32 pid)
{
	__u32 mask = o->nr_pend_slots - 1;

	for (__u32 i = (pid * 2654435761u) & mask;; i = (i + 1) & mask)
		if (!o->pend[i].pid || o->pend[i].pid == pid)
			return &o->pend[i];
}

static int pend_grow(struct offcpu_stacks *o)
{
	__u32 n = o->nr_pend_slots ? o->nr_pend_slots * 2 : 256;
	struct pending *old = o->pend;
	__u32 old_n = o->nr_pend_slots;

	o->pend = calloc(n, sizeof(*o->pend));
	if (!o->pend) {
		o->pend = old;
		return -ENOMEM;
	}
	o->nr_pend_slots = n;
	for (__u32 i = 0; i < old_n; i++)
		if (old[i].pid)
			*pend_slot(o, old[i].pid) = old[i];
	free(old);
	return 0;
}

static struct pending *pend_find(struct offcpu_stacks *o, __u32 pid)
{
	struct pending *p;

	if (!o->nr_pend_slots || !pid)
		return NULL;
	p = pend_slot(o, pid);
	return p->pid && p->open ? p : NULL;
}

int offcpu_stacks__feed(struct offcpu_stacks *o, const struct sl_event *e)
{
	struct sl_task_info *t;
	struct sl_stack_key k;
	struct pending *p;
	__u32 tgid;
	long row;

	if (e->type == SL_EV_SWITCH) {
		/* its switch-out: a block whose switch-in was never seen ends here */
		if ((e->flags & SL_SWF_PREV_TRACKED) && (p = pend_find(o, e->pid))) {
			p->open = false;
			o->unfinished++;
		}
		if ((p = pend_find(o, e->sw.next))) {
			o->rows[p->row].off_ns += e->ts - p->since;
			p->open = false;
		}
		return 0;
	}
	if (e->type != SL_EV_STACK && e->type != SL_EV_STACK_RET)
		return 0;
	t = sl_trace_info__task((struct sl_trace_info *)o->ti, e->pid);
	tgid = t && t->tgid ? t->tgid : e->pid;
	if (!sl_stack_asm__feed(&o->as, e, tgid, &k))
		return 0;
	row = row_of(o, e->pid, tgid, &k);
	if (row < 0)
		return -ENOMEM;
	o->rows[row].count++;
	o->sorted = false;
	if ((o->nr_pend + 1) * 2 > o->nr_pend_slots && pend_grow(o))
		return -ENOMEM;
	p = pend_slot(o, e->pid);
	if (!p->pid)
		o->nr_pend++;
	*p = (struct pending){ .pid = e->pid, .row = (__u32)row, .since = e->ts, .open = true };
	return 0;
}

static int by_off_ns(const void *a, const void *b)
{
	const struct sl_stack_row *x = a, *y = b;

	if (x->off_ns != y->off_ns)
		return x->off_ns > y->off_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

const struct sl_stack_row *offcpu_stacks__rows(struct offcpu_stacks *o, __u32 *n)
{
	if (!o->sorted) {
		if (o->nr_rows)
			qsort(o->rows, o->nr_rows, sizeof(*o->rows), by_off_ns);
		/* the slots point at old positions: rebuild them */
		if (o->nr_row_slots)
			memset(o->row_slots, 0, o->nr_row_slots * sizeof(*o->row_slots));
		for (__u32 i = 0; i < o->nr_rows; i++)
			*row_slot(o, o->rows[i].pid, &o->rows[i].key) = i + 1;
		/* row indices changed: open blocks are counted as unfinished */
		for (__u32 i = 0; i < o->nr_pend_slots; i++) {
			o->unfinished += o->pend[i].pid && o->pend[i].open;
			o->pend[i].open = false;
		}
		o->sorted = true;
	}
	*n = o->nr_rows;
	return o->rows;
}

__u64 offcpu_stacks__unfinished(const struct offcpu_stacks *o)
{
	__u64 n = o->unfinished;

	for (__u32 i = 0; i < o->nr_pend_slots; i++)
		n += o->pend[i].pid && o->pend[i].open;
	return n;
}
