/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Off-CPU time by stack: each blocking switch-out that carries a stack
 * (SL_EV_STACK) is charged, when the task is next switched in, the time
 * it spent off the CPU (blocked, then runnable), as offcputime does.
 * Fed the stream and the switch-ins the analysis infers (sl_repair), so a
 * switch-in the kernel did not report ends its block too.
 * Rows per task and stack; numbers only.
 */
#ifndef SL_OFFCPU_STACKS_H
#define SL_OFFCPU_STACKS_H

#include "format/event.h"
#include "format/stacks.h"

struct sl_stack_row {
	__u32 pid;
	__u32 tgid;
	struct sl_stack_key key;
	__u64 off_ns;		/* Σ switch-out → next switch-in */
	__u64 count;		/* blocking switch-outs with this stack */
};

struct offcpu_stacks;

/* ti gives each task's process (read at the time of each stack). */
int  offcpu_stacks__new(const struct sl_trace_info *ti, struct offcpu_stacks **out);
void offcpu_stacks__free(struct offcpu_stacks *o);	/* accepts NULL */
int  offcpu_stacks__feed(struct offcpu_stacks *o, const struct sl_event *e);
/* Rows sorted by off_ns, largest first (valid until the next feed). */
const struct sl_stack_row *offcpu_stacks__rows(struct offcpu_stacks *o, __u32 *n);
/* Blocks still open when the stream ended, or with no switch-in, seen or inferred. */
__u64 offcpu_stacks__unfinished(const struct offcpu_stacks *o);

#endif
