/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Off-CPU stacks as the stream carries them (SL_EV_STACK_RET + SL_EV_STACK
 * after a blocking switch-out) and the table of their symbolized frames,
 * which the tracer fills while the processes live and every later stage
 * reads.  One stack is identified by its key; its frames are one string,
 * root first, ';' between frames (the folded-stack form).
 */
#ifndef SL_STACKS_H
#define SL_STACKS_H

#include "event.h"

struct sl_stack_key {
	__u32 tgid;
	__s32 kstack, ustack;	/* stack map ids, <0 none */
	__u32 pad;
	__u64 ret[3];		/* return addresses found above the user stack pointer */
};

/* Joins a STACK_RET to the STACK that follows it on the same CPU. */
struct sl_stack_asm {
	__u64 ret[SL_MAX_CPUS][2];
	__u32 pid[SL_MAX_CPUS];	/* STACK_RET seen for this pid, 0 none */
};

/*
 * Feeds one event.  Returns 1 when e completes a stack of task e->pid
 * (whose process is tgid): *k is its key; else 0.
 */
int sl_stack_asm__feed(struct sl_stack_asm *a, const struct sl_event *e, __u32 tgid,
		       struct sl_stack_key *k);

#define SL_STACKF_NO_FP		0x1	/* user frames left out: no frame pointers */
#define SL_STACKF_GONE		0x2	/* process gone before its user frames were read */

struct sl_stack {
	struct sl_stack_key key;
	char *frames;		/* "main;wait_on_pipe;read;entry_SYSCALL_64;...;__schedule" */
	__u32 flags;		/* SL_STACKF_* */
};

struct sl_stacks;

int  sl_stacks__new(struct sl_stacks **out);
void sl_stacks__free(struct sl_stacks *t);	/* accepts NULL */
/* Adds a stack (frames copied).  0, -EEXIST, or -ENOMEM. */
int  sl_stacks__add(struct sl_stacks *t, const struct sl_stack_key *k, const char *frames,
		    __u32 flags);
const struct sl_stack *sl_stacks__find(const struct sl_stacks *t, const struct sl_stack_key *k);
__u32 sl_stacks__count(const struct sl_stacks *t);
/* The i-th stack added, i < sl_stacks__count(). */
const struct sl_stack *sl_stacks__at(const struct sl_stacks *t, __u32 i);

/* Executables whose user frames were left out, each named once. */
int  sl_stacks__note_no_fp(struct sl_stacks *t, const char *exe);
__u32 sl_stacks__nr_no_fp(const struct sl_stacks *t);
const char *sl_stacks__no_fp(const struct sl_stacks *t, __u32 i);

#endif
