// SPDX-License-Identifier: GPL-2.0
/*
 * schedlab probes: scheduler tracepoints for the traced process tree.
 * (Queue events come from the workload's own log, lab/qlog.h, not from
 * probes.)  Every record goes to the record ring of the CPU it was
 * produced on (ring.bpf.h; a nested or overflowing one to that CPU's BPF
 * ring buffer), without waking the reader; userspace drains the rings on a
 * timer and merges them into time order.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "schedlab.h"
#include "task_state.bpf.h"
#include "ring.bpf.h"
#include "task_cache.bpf.h"
#include "wait.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Processes whose children are traced from birth (schedlab itself). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);			/* tgid */
	__type(value, __u32);
} follow_parents SEC(".maps");

/* Untraced tasks' CPU time (struct sl_foreign). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SL_FOREIGN_SLOTS);
	__type(key, __u32);			/* pid (thread id) */
	__type(value, struct sl_foreign);
} foreign SEC(".maps");

/* Kernel and user stacks at blocking switch-outs (--stacks). */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);	/* userspace sets 1 without --stacks */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, SL_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

const volatile bool want_stacks;

/* Why prev left the CPU; see enum sl_reason. */
/*
 * Queue waits (SL_R_QFULL, QEMPTY, LOCK) are not decided here: the tracer
 * applies the workload's queue-wait marks to the merged stream
 * (trace/qmarks.c), by the same rule.
 */
static __always_inline __u8 switch_reason(bool preempt, struct task_struct *prev,
					  __u32 state, bool *voluntary, bool btf)
{

	*voluntary = false;
	if (preempt)
		return SL_R_PREEMPTED;
	if (state == 0) {
		/*
		 * Runnable without the preempt flag: schedule() called with
		 * need_resched set on the way back to user space (the common
		 * way a user task is preempted), cond_resched() or
		 * sched_yield() -- all involuntary for the kernel.  But
		 * __schedule() also turns a task about to sleep back to
		 * TASK_RUNNING when a signal is pending (try_to_block_task,
		 * v6.12+) and still counts that switch as voluntary; only the
		 * pending signal tells the two apart.
		 */
		if (task_signal_pending(prev, btf)) {
			*voluntary = true;
			return SL_R_SLEEP;
		}
		return SL_R_RESCHED;
	}
	*voluntary = true;
	if (state & TASK_DEAD_STATE)
		return SL_R_DEAD;
	if (state & TASK_UNINTERRUPTIBLE_STATE)
		return task_in_iowait(prev, btf) ? SL_R_IO : SL_R_DISK_WAIT;
	if (state & TASK_INTERRUPTIBLE_STATE)
		return SL_R_SLEEP;
	return SL_R_OTHER;
}

/*
 * Sends what current waits on (waker false, at its blocking switch-out) or
 * acts on (waker true, when it wakes a traced task), unless it is what the
 * previous record of that side said (task_cache.bpf.h): a task that
 * blocks in the same call on the same fd or futex again (a read loop, a
 * lock) sends no new record, and its file is not looked up again.  The
 * cost is that an fd closed and reused for another file in between keeps
 * the old description.
 */
static __always_inline void wait_note(struct sl_seen *seen, struct task_struct *me,
				      const struct sl_call *c, __u32 blocked, __u32 pid, __u64 now,
				      bool waker)
{
	struct sl_call_key *k, *tk = NULL;
	struct sl_task_keys *keys;
	struct sl_event e;
	__u64 a1 = c->nr == 202 /* futex: the op matters */ ? c->a1 : 0;
	__u64 mig = me->se.nr_migrations;

	if (!seen)
		return;
	k = waker ? &seen->wake : &seen->wait;
	if (call_key_is(k, c->nr, c->a0, a1, mig))
		return;
	/* this CPU's copy is missing or stale: the task's own says */
	keys = bpf_task_storage_get(&task_keys, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (keys) {
		tk = waker ? &keys->wake : &keys->wait;
		if (call_key_is(tk, c->nr, c->a0, a1, 0)) {
			call_key_set(k, c->nr, c->a0, a1, mig);
			return;
		}
	}
	event_init(&e, waker ? SL_EV_WAKER : SL_EV_WAIT, pid, now);
	wait_classify(&e, c, blocked);
	/* a lost record is sent again at the next chance */
	if (!event_submit(&e))
		return;
	call_key_set(k, c->nr, c->a0, a1, mig);
	if (tk)
		call_key_set(tk, c->nr, c->a0, a1, 0);
}

/*
 * The dying task's own counters, read at its very last switch: __schedule()
 * has already counted this switch and run update_curr(), so these are the
 * final values /proc/PID/sched would show for the zombie.
 */
static __always_inline void emit_kstat(struct task_struct *p, __u32 pid, __u64 now)
{
	struct sl_event e;

	event_init(&e, SL_EV_KSTAT, pid, now);
	e.kstat.nvcsw = BPF_CORE_READ(p, nvcsw);
	e.kstat.nivcsw = BPF_CORE_READ(p, nivcsw);
	e.kstat.nr_migrations = BPF_CORE_READ(p, se.nr_migrations);
	event_submit(&e);
	event_init(&e, SL_EV_KSTAT_RT, pid, now);
	e.kstat_rt.sum_exec_runtime = BPF_CORE_READ(p, se.sum_exec_runtime);
	event_submit(&e);
	/*
	 * sched_info (CONFIG_SCHED_INFO) and delays (CONFIG_TASK_DELAY_ACCT,
	 * NULL when the task was created with delay accounting off) are
	 * final here too: the switch-out accounting that follows changes
	 * neither run_delay nor pcount.
	 */
	event_init(&e, SL_EV_KSTAT_SCHED, pid, now);
	if (bpf_core_field_exists(p->sched_info)) {
		e.ksched.run_delay = BPF_CORE_READ(p, sched_info.run_delay);
		e.ksched.pcount = (__u32)BPF_CORE_READ(p, sched_info.pcount);
		e.flags |= SL_KSF_SCHED_INFO;
	}
	if (bpf_core_field_exists(p->delays)) {
		struct task_delay_info *d = BPF_CORE_READ(p, delays);

		if (d) {
			__u64 us = BPF_CORE_READ(d, blkio_delay) / 1000;

			e.ksched.blkio_delay_us = us > 0xffffffffull ? 0xffffffffu : (__u32)us;
			e.flags |= SL_KSF_DELAY;
		}
	}
	event_submit(&e);
}

static __always_inline void emit_attr(struct task_struct *p, __u32 pid, __u64 now)
{
	struct sl_event e;

	event_init(&e, SL_EV_TASK_ATTR, pid, now);
	e.attr.cgroup_id = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
	e.attr.policy = BPF_CORE_READ(p, policy);
	e.attr.nice = (__s16)(BPF_CORE_READ(p, static_prio) - 120);
	e.attr.rt_priority = (__u16)BPF_CORE_READ(p, rt_priority);
	event_submit(&e);
}

/*
 * A plausible return address: the bytes before it are a call instruction
 * (e8 rel32, ff /2 with ModRM through a register, [rip+disp32] or
 * [reg+disp8]).  Words of saved registers and locals rarely pass.
 */
static __always_inline bool after_call(__u64 addr)
{
	__u8 b[7];

	if (addr < 4096 || addr >= 0x800000000000ull)
		return false;
	if (bpf_probe_read_user(b, sizeof(b), (void *)(addr - 7)))
		return false;
	if (b[2] == 0xe8)				/* call rel32 */
		return true;
	if (b[1] == 0xff && b[2] == 0x15)		/* call *disp32(%rip) */
		return true;
	if (b[5] == 0xff && (b[6] & 0xf8) == 0xd0)	/* call *%reg */
		return true;
	if (b[4] == 0xff && (b[5] & 0xf8) == 0x50)	/* call *disp8(%reg) */
		return true;
	return false;
}

/*
 * prev (the current task here) blocked: its kernel and user stacks.  The
 * kernel walks the user stack by frame pointers from regs->bp; a libc
 * syscall wrapper sets up no frame, so bp is still its caller's frame and
 * the walk skips that caller.  The words just above the user stack
 * pointer, up to the frame bp points to, hold the skipped return
 * addresses: the first three that follow a call instruction are sent along.
 */
static __always_inline void emit_stack(void *ctx, __u32 pid, __u64 now)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 rets[3] = {}, sp = 0, bp = 0, w;
	struct pt_regs *regs;
	struct sl_event e;
	int n = 0;

	if (t->flags & 0x00200000 /* PF_KTHREAD */)
		return;
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
#if defined(__TARGET_ARCH_x86)
	if (regs) {
		sp = regs->sp;
		bp = regs->bp;
	}
#endif
	for (int i = 0; i < SL_STACK_SCAN_WORDS && sp; i++) {
		__u64 at = sp + (__u64)i * 8;

		if (bp && at > bp)
			break;
		if (bpf_probe_read_user(&w, sizeof(w), (void *)at))
			break;
		if (!after_call(w))
			continue;
		if (n == 0)
			rets[0] = w;
		else if (n == 1)
			rets[1] = w;
		else
			rets[2] = w;
		if (++n == 3)
			break;
	}
	if (n > 1) {
		event_init(&e, SL_EV_STACK_RET, pid, now);
		e.stk_ret.ret[0] = rets[1];
		e.stk_ret.ret[1] = rets[2];
		event_submit(&e);
	}
	event_init(&e, SL_EV_STACK, pid, now);
	e.stk.kstack = bpf_get_stackid(ctx, &stacks, 0);
	e.stk.ustack = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	e.stk.ret0 = rets[0];
	event_submit(&e);
}

/* An untraced task held this CPU for d ns, until now. */
static __always_inline void foreign_add(struct task_struct *p, __u32 pid, __u64 d, bool btf)
{
	struct sl_foreign *f = bpf_map_lookup_elem(&foreign, &pid), v = {};

	if (f) {
		__sync_fetch_and_add(&f->ns, d);
		return;
	}
	v.ns = d;
	v.tgid = SL_RD(btf, p, tgid);
	bpf_probe_read_kernel_str(v.comm, sizeof(v.comm), &p->comm);
	bpf_map_update_elem(&foreign, &pid, &v, BPF_NOEXIST);
}

/*
 * The rq clock runs on its own source (sched_clock), at an offset from the
 * boot clock that wanders by about a microsecond over seconds.  Each switch
 * that makes a record samples it: the boot clock now less the rq clock,
 * which __schedule() updated just before -- unless a wakeup preemption
 * made it skip that update, and the sample reads high.  The lowest recent
 * sample is the offset: it follows a fall at once, a rise by 1 ns a sample
 * (never past this sample: the two clocks can keep one offset to the ns
 * for a while).  How far this sample reads above it is the rq clock's
 * lag (cur->lag).
 */
static __always_inline void rq_clock_sample(struct sl_cur *cur, __u64 now, __u64 clk)
{
	__s64 d = (__s64)(now - clk);

	if (!cur)
		return;
	if (!clk) {
		cur->lag = 0;
		return;
	}
	if (!cur->clk_set || d < cur->clk_off) {
		cur->clk_off = d;
		cur->clk_set = 1;
		cur->lag = 0;
		return;
	}
	if (d > cur->clk_off)
		cur->clk_off++;
	cur->lag = (__u64)(d - cur->clk_off);	/* how far this sample lags, >= 0 */
}

/*
 * next, switched in on this CPU, had its latest waking sent from another
 * one, which may have left the enqueue to this CPU (an IPI).  The kernel
 * stamped the enqueue itself (sched_info.last_queued, on the rq clock);
 * if the task moved while queued, the stamp is of its last enqueue and
 * run_delay already holds the wait before it.  Said in boot-clock time,
 * an enqueue SL_ENQ_LATE_NS or more after the waking gets its record.
 * Out of line: its branches would multiply the switch program's states.
 */
static __noinline void remote_enqueue(const struct sl_cur *cur, struct task_struct *next,
				      const struct sl_wake_slot *ws, __u64 now, bool btf)
{
	__u64 lq = task_last_queued(next, btf), enq, charged;
	struct sl_event e;

	if (!lq || !cur->clk_set)
		return;
	charged = (__u32)task_run_delay(next, btf) - ws->run_delay;
	enq = lq + cur->clk_off - charged;
	if (enq > now)
		enq = now;
	if ((__s32)((__u32)enq - ws->lo) < (__s32)SL_ENQ_LATE_NS)
		return;
	event_init(&e, SL_EV_ENQUEUED, ws->pid, now);
	e.flags = SL_ENQF_BEFORE;
	e.enq.before_ns = now - enq;
	event_submit(&e);
}

/*
 * The switch from prev_pid to next_pid was accounted on an rq clock lag ns
 * behind now.  Out of line, as remote_enqueue(): inlined, its record
 * doubled the switch program's verification time.
 */
static __noinline void send_rq_lag(__u32 prev_pid, __u32 next_pid, __u64 lag, __u64 now)
{
	struct sl_event e;

	event_init(&e, SL_EV_RQ_LAG, prev_pid, now);
	e.lag.ns = lag;
	e.lag.next = next_pid;
	event_submit(&e);
}

/* next's waking, consumed at its switch-in: from this CPU, the waker enqueued it */
static __always_inline void late_enqueue(struct sl_cur *cur, struct task_struct *next, __u32 pid,
					 __u64 now, bool btf)
{
	struct sl_wake_slot *ws = wake_slot(pid);

	if (!ws || ws->pid != pid || !ws->lo)
		return;
	if (ws->cpu != bpf_get_smp_processor_id() && cur) {
		if (!btf)
			rq_clock_sample(cur, now, task_rq_clock(next, btf));
		remote_enqueue(cur, next, ws, now, btf);
	}
	ws->lo = 0;
}

static __always_inline int handle_switch(void *ctx, bool preempt, struct task_struct *prev,
					 struct task_struct *next, bool btf)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 prev_pid = SL_RD(btf, prev, pid);
	__u32 next_pid = SL_RD(btf, next, pid);
	struct sl_cpu_stats *st = this_cpu_stats();
	struct sl_cur *cur = this_cpu_cur();
	bool voluntary = false, pt, nt;
	__u32 state = 0;
	struct sl_event e;
	struct sl_call call = { .nr = SL_NO_SYSCALL };
	__u8 reason = SL_R_NONE;

	if (cur_knows(cur, prev_pid))
		pt = cur->tracked;
	else
		pt = lookup_tracked(prev_pid) != NULL;
	seen_task(cur, next, next_pid, btf, &nt);
	if (cur) {
		cur->pid = next_pid;
		cur->task = (__u64)next;
		cur->gen = track_gen;
		cur->tracked = nt;
	}

	if (st) {
		if (st->last_switch_ts) {
			__u64 d = now - st->last_switch_ts;

			if (!prev_pid)
				st->idle_ns += d;
			else if (pt)
				st->traced_ns += d;
			else
				foreign_add(prev, prev_pid, d, btf), st->other_ns += d;
		}
		st->last_switch_ts = now;
	}

	/*
	 * Untraced to untraced makes no record, except where the CPU goes
	 * idle or stops being idle: that keeps "idle" and "other" apart on
	 * the per-CPU timeline at a cost bounded by idle transitions.
	 */
	if (!pt && !nt && ((prev_pid == 0) == (next_pid == 0)))
		return 0;
	/* raw_tp reads the rq clock with three helper calls: where it matters */
	if (btf || !next_pid)
		rq_clock_sample(cur, now, task_rq_clock(next, btf));
	if (nt)
		late_enqueue(cur, next, next_pid, now, btf);

	if (pt) {
		/* prev is current: tp_btf's pointer saves a helper call */
		struct task_struct *me = btf ? prev : bpf_get_current_task_btf();

		state = task_state_of(prev, btf);
		reason = switch_reason(preempt, prev, state, &voluntary, btf);
		if (voluntary)
			current_call(&call, me, btf);
		/*
		 * What it blocks on.  Sent before the switch, on the same CPU
		 * and clock, so the reader has it at the switch; the workload's
		 * queue waits are marked after the merge and win there.
		 */
		if (voluntary && reason != SL_R_DEAD &&
		    (state & (TASK_INTERRUPTIBLE_STATE | TASK_UNINTERRUPTIBLE_STATE)))
			wait_note(seen_current(cur, me, prev_pid), me, &call, state, prev_pid, now,
				  false);
	}

	event_init(&e, SL_EV_SWITCH, prev_pid, now);
	e.flags = reason | (pt ? SL_SWF_PREV_TRACKED : 0) |
		   (nt ? SL_SWF_NEXT_TRACKED : 0) |
		   (voluntary ? SL_SWF_VOLUNTARY : 0);
	e.sw.next = next_pid;
	e.sw.state = state;
	e.sw.nr_syscall = call.nr;
	e.sw.prev_runtime = pt ? SL_RD(btf, prev, se.sum_exec_runtime) : 0;
	event_submit(&e);
	/*
	 * The kernel timed this switch lag ns early: its run-queue waits say
	 * so.  tp_btf sampled at this switch just above (raw_tp not always).
	 */
	if (btf && (pt || nt) && cur && cur->lag >= SL_RQ_LAG_NS)
		send_rq_lag(prev_pid, next_pid, cur->lag, now);

	if (want_stacks && pt && voluntary && state && reason != SL_R_DEAD)
		emit_stack(ctx, prev_pid, now);
	if (reason == SL_R_DEAD) {
		emit_kstat(prev, prev_pid, now);
		bpf_map_delete_elem(&tracked, &prev_pid);
	}
	return 0;
}

/*
 * Who holds this CPU now, run by userspace on each CPU in turn
 * (BPF_PROG_TEST_RUN with BPF_F_TEST_RUN_ON_CPU: an IPI, so current is
 * the interrupted task, or the idle task).  args[0] == 0 at the start of a
 * trace: record the occupant and start the CPU's kernel accounting here;
 * 1 at the end: record it again and account it up to now, so every CPU's
 * idle, other and traced time sums to the same window.
 */
SEC("raw_tp")
int cpu_occupant(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 now = bpf_ktime_get_boot_ns();
	struct sl_cpu_stats *st = this_cpu_stats();
	__u32 pid = BPF_CORE_READ(t, pid);
	bool tracked = lookup_tracked(pid) != NULL;
	struct sl_event e;

	if (!st)
		return 0;
	event_init(&e, SL_EV_CPU_OCC, pid, now);
	e.flags = (tracked ? SL_OCCF_TRACKED : 0) | (ctx->args[0] ? SL_OCCF_CLOSING : 0);
	bpf_get_current_comm(e.occ.comm, sizeof(e.occ.comm));
	event_submit(&e);
	if (ctx->args[0] == 0) {
		st->idle_ns = 0;
		st->other_ns = 0;
		st->traced_ns = 0;
	} else if (st->last_switch_ts) {
		__u64 d = now - st->last_switch_ts;

		if (!pid)
			st->idle_ns += d;
		else if (tracked)
			st->traced_ns += d;
		else
			foreign_add(t, pid, d, false), st->other_ns += d;
	}
	st->last_switch_ts = now;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return handle_switch(ctx, preempt, prev, next, true);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_tp_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return handle_switch(ctx, preempt, prev, next, false);
}

static __always_inline int handle_wakeup(__u8 type, struct task_struct *p, bool btf)
{
	__u32 pid = SL_RD(btf, p, pid);
	struct sl_cur *cur = this_cpu_cur();
	struct task_struct *me;
	struct sl_wake_slot *ws;
	struct sl_event e;
	bool tracked, waker_tracked;
	__u32 waker;
	__u64 now;

	if (!pid)
		return 0;
	seen_task(cur, p, pid, btf, &tracked);
	if (!tracked)
		return 0;
	me = current_task(cur, btf);
	waker = me->pid;
	waker_tracked = cur_knows(cur, waker) ? cur->tracked : lookup_tracked(waker) != NULL;
	now = bpf_ktime_get_boot_ns();
	if (waker_tracked && type == SL_EV_WAKING) {
		struct sl_call call;

		current_call(&call, me, btf);
		wait_note(seen_current(cur, me, waker), me, &call, 0, waker, now, true);
	}
	if (type == SL_EV_WAKING && (ws = wake_slot(pid))) {
		ws->pid = pid;
		ws->lo = (__u32)now | 1;
		ws->cpu = bpf_get_smp_processor_id();
		ws->run_delay = (__u32)task_run_delay(p, btf);
	}
	event_init(&e, type, waker, now);
	e.flags = SL_WKF_WAKEE_TRACKED | (waker_tracked ? SL_WKF_WAKER_TRACKED : 0);
	e.wk.wakee = pid;
	e.wk.target_cpu = task_cpu_of(p, btf);
	e.wk.wakee_tgid = SL_RD(btf, p, tgid);
	event_submit(&e);
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(tp_btf_sched_waking, struct task_struct *p)
{
	return handle_wakeup(SL_EV_WAKING, p, true);
}

SEC("raw_tp/sched_waking")
int BPF_PROG(raw_tp_sched_waking, struct task_struct *p)
{
	return handle_wakeup(SL_EV_WAKING, p, false);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(tp_btf_sched_wakeup_new, struct task_struct *p)
{
	return handle_wakeup(SL_EV_WAKEUP_NEW, p, true);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(raw_tp_sched_wakeup_new, struct task_struct *p)
{
	return handle_wakeup(SL_EV_WAKEUP_NEW, p, false);
}

/*
 * set_task_cpu() fires the tracepoint before it checks whether the CPU
 * changes, and counts se.nr_migrations only when it does: do the same.
 */
static __always_inline int handle_migrate(struct task_struct *p, int dest_cpu, bool btf)
{
	__u32 pid = SL_RD(btf, p, pid);
	__u32 orig = task_cpu_of(p, btf);
	struct sl_event e;
	bool tracked;

	if (orig == (__u32)dest_cpu)
		return 0;
	seen_task(this_cpu_cur(), p, pid, btf, &tracked);
	if (!tracked)
		return 0;
	event_init(&e, SL_EV_MIGRATE, pid, bpf_ktime_get_boot_ns());
	e.mig.orig_cpu = orig;
	e.mig.dest_cpu = dest_cpu;
	event_submit(&e);
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(tp_btf_sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	return handle_migrate(p, dest_cpu, true);
}

SEC("raw_tp/sched_migrate_task")
int BPF_PROG(raw_tp_sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	return handle_migrate(p, dest_cpu, false);
}

static __always_inline void emit_comm(__u32 pid, const char *comm, bool kernel_ptr, __u8 flags)
{
	struct sl_event e;

	event_init(&e, SL_EV_COMM, pid, bpf_ktime_get_boot_ns());
	e.flags = flags;
	if (kernel_ptr)
		bpf_probe_read_kernel_str(e.comm.comm, sizeof(e.comm.comm), comm);
	else
		__builtin_memcpy(e.comm.comm, comm, SL_COMM_LEN);
	event_submit(&e);
}

/* Children of a traced task, or of a follow parent, are traced from birth. */
static __always_inline int handle_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = BPF_CORE_READ(parent, pid);
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	struct sl_tracked t = {};
	__u32 cpid = BPF_CORE_READ(child, pid);
	struct sl_event e;
	char comm[SL_COMM_LEN];

	if (!lookup_tracked(ppid) && !bpf_map_lookup_elem(&follow_parents, &ptgid))
		return 0;
	t.tgid = BPF_CORE_READ(child, tgid);
	bpf_map_update_elem(&tracked, &cpid, &t, BPF_ANY);

	event_init(&e, SL_EV_FORK, ppid, bpf_ktime_get_boot_ns());
	e.fork.child = cpid;
	e.fork.child_tgid = t.tgid;
	e.fork.parent_tgid = ptgid;
	event_submit(&e);
	BPF_CORE_READ_STR_INTO(&comm, child, comm);
	emit_comm(cpid, comm, false, 0);
	emit_attr(child, cpid, bpf_ktime_get_boot_ns());
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(raw_tp_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(parent, child);
}

static __always_inline int handle_exec(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);
	char comm[SL_COMM_LEN];

	if (!lookup_tracked(pid))
		return 0;
	BPF_CORE_READ_STR_INTO(&comm, p, comm);
	emit_comm(pid, comm, false, SL_COMMF_EXEC);
	emit_attr(p, pid, bpf_ktime_get_boot_ns());
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_sched_process_exec, struct task_struct *p)
{
	return handle_exec(p);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(raw_tp_sched_process_exec, struct task_struct *p)
{
	return handle_exec(p);
}

/* prctl(PR_SET_NAME) and exec both rename through __set_task_comm(). */
static __always_inline int handle_rename(struct task_struct *p, const char *comm)
{
	__u32 pid = BPF_CORE_READ(p, pid);

	if (!lookup_tracked(pid))
		return 0;
	emit_comm(pid, comm, true, 0);
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(tp_btf_task_rename, struct task_struct *p, const char *comm)
{
	return handle_rename(p, comm);
}

SEC("raw_tp/task_rename")
int BPF_PROG(raw_tp_task_rename, struct task_struct *p, const char *comm)
{
	return handle_rename(p, comm);
}

static __always_inline int handle_exit(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);
	struct sl_tracked *t = lookup_tracked(pid);
	struct sl_event e;

	if (!t)
		return 0;
	event_init(&e, SL_EV_EXIT, pid, bpf_ktime_get_boot_ns());
	e.exit.tgid = t->tgid;
	e.exit.exit_code = BPF_CORE_READ(p, exit_code);
	event_submit(&e);
	/* its class and cgroup as they ended, changes since exec included */
	emit_attr(p, pid, bpf_ktime_get_boot_ns());
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_btf_sched_process_exit, struct task_struct *p)
{
	return handle_exit(p);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_tp_sched_process_exit, struct task_struct *p)
{
	return handle_exit(p);
}
