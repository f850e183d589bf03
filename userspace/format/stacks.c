// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "stacks.h"

#define MAX_NO_FP 64

struct sl_stacks {
	struct sl_stack *v;
	__u32 n, cap;
	__u32 *slots;		/* index + 1, open addressing */
	__u32 nr_slots;		/* power of two */
	char *no_fp[MAX_NO_FP];
	__u32 nr_no_fp;
};

int sl_stack_asm__feed(struct sl_stack_asm *a, const struct sl_event *e, __u32 tgid,
		       struct sl_stack_key *k)
{
	__u32 cpu = e->cpu < SL_MAX_CPUS ? e->cpu : 0;

	if (e->type == SL_EV_STACK_RET) {
		a->pid[cpu] = e->pid;
		a->ret[cpu][0] = e->stk_ret.ret[0];
		a->ret[cpu][1] = e->stk_ret.ret[1];
		return 0;
	}
	if (e->type != SL_EV_STACK)
		return 0;
	memset(k, 0, sizeof(*k));
	k->tgid = tgid;
	k->kstack = e->stk.kstack;
	k->ustack = e->stk.ustack;
	k->ret[0] = e->stk.ret0;
	if (a->pid[cpu] == e->pid) {
		k->ret[1] = a->ret[cpu][0];
		k->ret[2] = a->ret[cpu][1];
	}
	a->pid[cpu] = 0;
	return 1;
}

static __u64 key_hash(const struct sl_stack_key *k)
{
	__u64 h = 1469598103934665603ull;
	const unsigned char *p = (const unsigned char *)k;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static bool key_eq(const struct sl_stack_key *a, const struct sl_stack_key *b)
{
	return a->tgid == b->tgid && a->kstack == b->kstack && a->ustack == b->ustack &&
	       !memcmp(a->ret, b->ret, sizeof(a->ret));
}

int sl_stacks__new(struct sl_stacks **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void sl_stacks__free(struct sl_stacks *t)
{
	if (!t)
		return;
	for (__u32 i = 0; i < t->n; i++)
		free(t->v[i].frames);
	for (__u32 i = 0; i < t->nr_no_fp; i++)
		free(t->no_fp[i]);
	free(t->v);
	free(t->slots);
	free(t);
}

static __u32 *slot_of(const struct sl_stacks *t, const struct sl_stack_key *k)
{
	__u32 mask = t->nr_slots - 1;

	for (__u32 i = (__u32)key_hash(k) & mask;; i = (i + 1) & mask)
		if (!t->slots[i] || key_eq(&t->v[t->slots[i] - 1].key, k))
			return &t->slots[i];
}

static int rehash(struct sl_stacks *t)
{
	__u32 n = t->nr_slots ? t->nr_slots * 2 : 256;
	__u32 *old = t->slots, old_n = t->nr_slots;

	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return -ENOMEM;
	}
	t->nr_slots = n;
	for (__u32 i = 0; i < old_n; i++)
		if (old[i])
			*slot_of(t, &t->v[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

const struct sl_stack *sl_stacks__find(const struct sl_stacks *t, const struct sl_stack_key *k)
{
	__u32 *s;

	if (!t || !t->nr_slots)
		return NULL;
	s = slot_of(t, k);
	return *s ? &t->v[*s - 1] : NULL;
}

int sl_stacks__add(struct sl_stacks *t, const struct sl_stack_key *k, const char *frames,
		   __u32 flags)
{
	__u32 *s;

	if ((t->n + 1) * 2 > t->nr_slots && rehash(t))
		return -ENOMEM;
	s = slot_of(t, k);
	if (*s)
		return -EEXIST;
	if (t->n == t->cap) {
		__u32 cap = t->cap ? t->cap * 2 : 64;
		struct sl_stack *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].key = *k;
	t->v[t->n].flags = flags;
	t->v[t->n].frames = strdup(frames);
	if (!t->v[t->n].frames)
		return -ENOMEM;
	*s = ++t->n;
	return 0;
}

__u32 sl_stacks__count(const struct sl_stacks *t)
{
	return t ? t->n : 0;
}

const struct sl_stack *sl_stacks__at(const struct sl_stacks *t, __u32 i)
{
	return i < t->n ? &t->v[i] : NULL;
}

int sl_stacks__note_no_fp(struct sl_stacks *t, const char *exe)
{
	for (__u32 i = 0; i < t->nr_no_fp; i++)
		if (!strcmp(t->no_fp[i], exe))
			return 0;
	if (t->nr_no_fp == MAX_NO_FP)
		return 0;
	t->no_fp[t->nr_no_fp] = strdup(exe);
	if (!t->no_fp[t->nr_no_fp])
		return -ENOMEM;
	t->nr_no_fp++;
	return 0;
}

__u32 sl_stacks__nr_no_fp(const struct sl_stacks *t)
{
	return t ? t->nr_no_fp : 0;
}

const char *sl_stacks__no_fp(const struct sl_stacks *t, __u32 i)
{
	return i < t->nr_no_fp ? t->no_fp[i] : NULL;
}
