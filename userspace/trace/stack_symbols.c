// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/stacks.h"
#include "stack_symbols.h"
#include "symbolize.h"

#define MAX_FRAMES	(SL_STACK_DEPTH + 3)
#define FRAMES_BUF	(MAX_FRAMES * 128)

struct stack_symbols {
	struct tracer *tracer;
	struct sl_trace_info *ti;
	struct symbolizer *sym;
	struct sl_stack_asm as;
};

/*
 * A stack's process may exit soon after it blocked: its mappings are read
 * as soon as the record leaves the ring, not when it leaves the merge.
 */
static int prefetch(const struct sl_event *e, void *ctx)
{
	struct stack_symbols *ss = ctx;
	struct sl_task_info *t;

	/* an exec replaces the mappings (after it, the exec'ing thread leads) */
	if (e->type == SL_EV_COMM)
		symbolizer__forget(ss->sym, e->pid);
	if (e->type != SL_EV_STACK)
		return 0;
	t = sl_trace_info__task(ss->ti, e->pid);
	symbolizer__prefetch(ss->sym, t && t->tgid ? t->tgid : e->pid);
	return 0;
}

int stack_symbols__new(struct tracer *t, struct sl_trace_info *ti, struct stack_symbols **out)
{
	struct stack_symbols *ss = calloc(1, sizeof(*ss));
	int err;

	if (!ss)
		return -ENOMEM;
	ss->tracer = t;
	ss->ti = ti;
	err = symbolizer__new(&ss->sym);
	if (!err && !ti->stacks)
		err = sl_stacks__new(&ti->stacks);
	if (err) {
		stack_symbols__free(ss);
		return err;
	}
	tracer__on_drain(t, prefetch, ss);
	*out = ss;
	return 0;
}

void stack_symbols__free(struct stack_symbols *ss)
{
	if (!ss)
		return;
	tracer__on_drain(ss->tracer, NULL, NULL);
	symbolizer__free(ss->sym);
	free(ss);
}

/* Appends one frame name, ';'-separated; spaces and ';' would split it. */
static void put_frame(char *buf, size_t *len, const char *name)
{
	size_t n = *len;

	if (n && n < FRAMES_BUF - 1)
		buf[n++] = ';';
	for (; *name && n < FRAMES_BUF - 1; name++)
		buf[n++] = (*name == ';' || *name == ' ') ? '_' : *name;
	buf[n] = '\0';
	*len = n;
}

static void user_name(struct stack_symbols *ss, __u32 tgid, __u64 ip, bool ret, char *out,
		      size_t len, bool *gone)
{
	const char *file;
	const char *name;
	int err;

	/* a return address is the instruction after the call: look up the call */
	name = symbolizer__user(ss->sym, tgid, ret ? ip - 1 : ip, &file, &err);
	if (err == -ESRCH)
		*gone = true;
	if (name)
		snprintf(out, len, "%s", name);
	else if (file)
		snprintf(out, len, "[%s]", strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	else
		snprintf(out, len, "[unknown]");
}

/*
 * User frames, outermost first: the frame-pointer walk u[0..n), with the
 * scanned return addresses that walk skipped put after its first frame.
 */
static int user_frames(struct stack_symbols *ss, const struct sl_stack_key *k, __u64 *ips,
		       bool *is_ret)
{
	__u64 u[SL_STACK_DEPTH];
	int n = tracer__stack(ss->tracer, k->ustack, u, SL_STACK_DEPTH), m = 0;

	if (n <= 0)
		return 0;
	ips[m] = u[0];
	is_ret[m++] = false;
	for (int r = 0; r < 3 && k->ret[r]; r++) {
		bool dup = false;

		for (int i = 1; i < n && !dup; i++)
			dup = u[i] == k->ret[r];
		if (dup)
			break;	/* the walk has it: the rest is in the walk too */
		ips[m] = k->ret[r];
		is_ret[m++] = true;
	}
	for (int i = 1; i < n && m < MAX_FRAMES; i++) {
		ips[m] = u[i];
		is_ret[m++] = true;
	}
	return m;
}

/* Probe machinery above __schedule is not where the task blocked. */
static int kernel_start(struct stack_symbols *ss, const __u64 *k, int n)
{
	for (int i = 0; i < n; i++) {
		const char *name = symbolizer__kernel(ss->sym, k[i]);

		if (name && !strcmp(name, "__schedule"))
			return i;
	}
	return 0;
}

static int symbolize(struct stack_symbols *ss, const struct sl_stack_key *k)
{
	__u64 ips[MAX_FRAMES], kips[SL_STACK_DEPTH];
	bool is_ret[MAX_FRAMES], gone = false;
	char *buf = malloc(FRAMES_BUF), name[256];
	const char *exe = NULL;
	size_t len = 0;
	__u32 flags = 0;
	int nu, nk, err;

	if (!buf)
		return -ENOMEM;
	buf[0] = '\0';
	nu = user_frames(ss, k, ips, is_ret);
	if (nu > 1 && symbolizer__frame_pointers(ss->sym, k->tgid, &exe) == 0) {
		/* the walk beyond the first frame would be garbage: leave it out */
		nu = 1;
		flags |= SL_STACKF_NO_FP;
		sl_stacks__note_no_fp(ss->ti->stacks, exe);
	}
	for (int i = nu - 1; i >= 0; i--) {
		user_name(ss, k->tgid, ips[i], is_ret[i], name, sizeof(name), &gone);
		put_frame(buf, &len, name);
	}
	if (gone)
		flags |= SL_STACKF_GONE;
	nk = tracer__stack(ss->tracer, k->kstack, kips, SL_STACK_DEPTH);
	for (int i = nk - 1, first = kernel_start(ss, kips, nk > 0 ? nk : 0); i >= first; i--) {
		const char *kn = symbolizer__kernel(ss->sym, kips[i]);

		if (kn) {
			put_frame(buf, &len, kn);
		} else {
			snprintf(name, sizeof(name), "0x%llx", (unsigned long long)kips[i]);
			put_frame(buf, &len, name);
		}
	}
	if (!len)
		put_frame(buf, &len, "[no stack]");
	err = sl_stacks__add(ss->ti->stacks, k, buf, flags);
	free(buf);
	return err == -EEXIST ? 0 : err;
}

int stack_symbols__observe(struct stack_symbols *ss, const struct sl_event *e)
{
	struct sl_task_info *t;
	struct sl_stack_key k;

	if (e->type != SL_EV_STACK && e->type != SL_EV_STACK_RET)
		return 0;
	t = sl_trace_info__task(ss->ti, e->pid);
	if (!sl_stack_asm__feed(&ss->as, e, t && t->tgid ? t->tgid : e->pid, &k))
		return 0;
	if (sl_stacks__find(ss->ti->stacks, &k))
		return 0;
	return symbolize(ss, &k);
}
