// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming pass: every event updates a per-task state machine, the
 * per-CPU occupant and the level counters (parallelism, concurrency,
 * multiprogramming) in O(1), with no allocation except when a new task,
 * waker->wakee pair or queue depth appears.  Metrics are derived from these
 * accumulators in analysis_finish.c; docs/metrics.md defines them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"

static inline bool is_runnable(__u8 s)
{
	return s == SL_TS_RUNNABLE_WAKEUP || s == SL_TS_RUNNABLE_PREEMPT;
}

static __u32 pid_find(struct analysis *a, __u32 pid)
{
	if (pid != a->last_pid) {
		__u32 i = idmap__get(&a->pids, pid);

		if (i == NO_IDX)
			return NO_IDX;
		a->last_pid = pid;
		a->last_idx = i;
	}
	return a->last_idx;
}

static int pid_put(struct analysis *a, __u32 pid, __u32 idx)
{
	int err = idmap__put(&a->pids, pid, idx);

	if (err)
		return err;
	a->last_pid = pid;
	a->last_idx = idx;
	return 0;
}

static int grow_u64(__u64 **p, __u32 old_n, __u32 new_n)
{
	__u64 *n = realloc(*p, (size_t)new_n * sizeof(__u64));

	if (!n)
		return -ENOMEM;
	memset(n + old_n, 0, (size_t)(new_n - old_n) * sizeof(__u64));
	*p = n;
	return 0;
}

/* Level arrays hold one entry per possible count: 0..nr_tasks. */
static int levels_reserve(struct analysis *a, __u32 need)
{
	__u32 cap = a->lvl_cap;

	if (need <= cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (grow_u64(&a->lvl_par, a->lvl_cap, cap) || grow_u64(&a->lvl_con, a->lvl_cap, cap) ||
	    grow_u64(&a->lvl_mp, a->lvl_cap, cap) || grow_u64(&a->pend_snap, a->lvl_cap, cap) ||
	    grow_u64(&a->pend_mark, a->lvl_cap, cap) || grow_u64(&a->pend_list, a->lvl_cap, cap))
		return -ENOMEM;
	a->lvl_cap = cap;
	return 0;
}

/* Time since the last level change goes to the current levels. */
static inline void levels_advance(struct analysis *a, __u64 ts)
{
	__u64 dt;

	if (!a->t0_set || ts <= a->lvl_last)
		return;
	dt = ts - a->lvl_last;
	a->lvl_par[a->nrun] += dt;
	if (a->pend_owner != NO_IDX && a->pend_snap_valid && a->pend_mark[a->ncon] != a->pend_gen) {
		a->pend_mark[a->ncon] = a->pend_gen;
		a->pend_snap[a->ncon] = a->lvl_con[a->ncon];
		a->pend_list[a->pend_n++] = a->ncon;
	}
	a->lvl_con[a->ncon] += dt;
	a->lvl_mp[a->nalive] += dt;
	if (a->nidle)
		a->runnable_idle_ns += dt * (a->ncon - a->nrun);
	a->lvl_last = ts;
}

static inline void emit(struct analysis *a, __u64 start, __u64 end, __u32 pid, __u16 cpu,
			__u8 kind, __u8 state)
{
	struct sl_interval iv = {
		.start = start, .end = end, .pid = pid, .cpu = cpu, .kind = kind, .state = state,
	};

	a->iv_fn(&iv, a->iv_ctx);
}

/* Closes t's current state at ts (accounting and callback), no level change. */
static inline void task_close(struct analysis *a, struct a_task *t, __u64 ts)
{
	__u8 os = t->state;
	__u64 dt;

	if (os >= SL_TS_MAX || ts <= t->since)
		return;
	dt = ts - t->since;
	t->state_ns[os] += dt;
	if (t->blk_pair != NO_IDX && !is_runnable(os) && os != SL_TS_RUNNING)
		aw_account(a, t, os, dt);
	else if (os >= SL_TS_QFULL && os <= SL_TS_LOCK)
		aq_attribute_wait(a, t, os, dt);
	if (os == SL_TS_IO && t->io_strict)
		t->iowait_ns += dt;
	if (a->iv_fn)
		emit(a, t->since, ts, t->pid, os == SL_TS_RUNNING ? t->cpu : 0xffff, SL_IV_TASK, os);
}

/*
 * A level change at ts before the time already accounted (an inferred
 * switch-in, stream_repair): move that stretch to the new level.  The
 * stretch is charged at today's level, which is exact unless another level
 * change fell inside it.
 */
static void levels_shift(struct analysis *a, __u64 dt, int dr, int dc)
{
	__u64 *par = &a->lvl_par[a->nrun], *con = &a->lvl_con[a->ncon];
	__u64 p = dt < *par ? dt : *par, c = dt < *con ? dt : *con;

	if (dr) {
		*par -= p;
		a->lvl_par[a->nrun + dr] += p;
	}
	if (dc) {
		*con -= c;
		a->lvl_con[a->ncon + dc] += c;
	}
}

static void set_state(struct analysis *a, struct a_task *t, __u8 ns, __u64 ts)
{
	__u8 os = t->state;
	int dr, dq;

	task_close(a, t, ts);
	dr = (ns == SL_TS_RUNNING) - (os == SL_TS_RUNNING);
	dq = is_runnable(ns) - is_runnable(os);
	if (dr | dq) {
		levels_advance(a, ts);
		if (a->t0_set && ts < a->lvl_last)
			levels_shift(a, a->lvl_last - ts, dr, dr + dq);
		a->nrun += dr;
		a->ncon += dr + dq;
		if (a->nrun > a->max_run)
			a->max_run = a->nrun;
		if (a->ncon > a->max_con)
			a->max_con = a->ncon;
	}
	t->state = ns;
	t->since = ts;
}

static void cpu_snapshot(struct analysis *a, __u64 ts);

static void task_die(struct analysis *a, struct a_task *t, __u64 ts)
{
	if (!t->alive)
		return;
	levels_advance(a, ts);
	t->alive = 0;
	t->last_ts = ts;
	a->nalive--;
	if (!a->nalive)
		cpu_snapshot(a, ts);
}

/* A new task: resident from ts. */
static int task_new(struct analysis *a, __u32 pid, __u64 ts, __u32 *idx)
{
	const struct sl_task_info *info = NULL;
	struct a_task *t;
	int err;

	/* the first holder of pid, running before the trace: the task table knows its process */
	if (a->task_table && pid_find(a, pid) == NO_IDX) {
		info = sl_trace_info__find(a->task_table, pid);
		if (info && !(info->flags & SL_TASKF_PREEXISTING))
			info = NULL;
	}
	if (a->nr_tasks == a->task_cap) {
		__u32 cap = a->task_cap * 2;
		struct a_task *n = realloc(a->tasks, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		a->tasks = n;
		a->task_cap = cap;
	}
	err = levels_reserve(a, a->nr_tasks + 2);
	if (!err)
		err = pid_put(a, pid, a->nr_tasks);
	if (err)
		return err;
	*idx = a->nr_tasks++;
	t = &a->tasks[*idx];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tgid = info && info->tgid ? info->tgid : pid;
	t->ppid = info ? info->ppid : 0;
	t->state = TS_UNKNOWN;
	t->cpu = 0xffff;
	t->exp_cpu = 0xffff;
	t->waker = SL_NO_TASK;
	t->wake_edge = NO_IDX;
	t->parent = NO_IDX;
	t->reaper = NO_IDX;
	t->argv = NO_IDX;
	t->blk_nr = SL_NO_SYSCALL;
	t->wait_obj = t->wake_obj = t->blk_pair = t->pend_wobj = NO_IDX;
	t->first_ts = ts;
	t->since = ts;

	if (!a->t0_set) {
		a->t0_set = true;
		a->t0 = ts;
		a->lvl_last = ts;
	}
	levels_advance(a, ts);
	t->alive = 1;
	a->nalive++;
	if (a->nalive > a->max_alive)
		a->max_alive = a->nalive;
	return 0;
}

static int task_lookup_or_create(struct analysis *a, __u32 pid, __u64 ts, __u32 *idx)
{
	__u32 i = pid_find(a, pid);

	if (i != NO_IDX && a->tasks[i].state != TS_DEAD) {
		*idx = i;
		return 0;
	}
	return task_new(a, pid, ts, idx);
}

/* ---- wakeup edges: (waker, wakee) -> index into edges ---- */

static __u32 edge_get(struct analysis *a, __u32 waker, __u32 wakee)
{
	__u64 key = (__u64)waker << 32 | wakee;
	__u32 i = idmap__get(&a->edge_index, key);
	struct a_edge *e;

	if (i != NO_IDX)
		return i;
	if (a->nr_edges == a->edge_cap) {
		e = realloc(a->edges, (size_t)a->edge_cap * 2 * sizeof(*e));
		if (!e)
			return NO_IDX;
		a->edges = e;
		a->edge_cap *= 2;
	}
	i = a->nr_edges;
	if (idmap__put(&a->edge_index, key, i))
		return NO_IDX;
	a->nr_edges++;
	a->edges[i] = (struct a_edge){ .waker = waker, .wakee = wakee };
	return i;
}

/* ---- per-CPU occupancy ---- */

static inline int occ_kind(const struct a_cpu *c)
{
	if (c->occ != NO_IDX)
		return OCC_TRACED;
	return c->occ_pid == SL_OCC_IDLE ? OCC_IDLE : OCC_OTHER;
}

static inline void cpu_close(struct analysis *a, __u32 c, __u64 ts)
{
	struct a_cpu *cpu = &a->cpus[c];
	__u64 s;

	if (!cpu->known || ts <= cpu->since)
		return;
	if (a->t0_set) {
		s = cpu->since > a->t0 ? cpu->since : a->t0;
		if (ts > s)
			cpu->occ_ns[occ_kind(cpu)] += ts - s;
	}
	if (a->iv_fn)
		emit(a, cpu->since, ts, cpu->occ_pid, (__u16)c, SL_IV_CPU, 0);
}

/* Occupancy as of ts, kept for when W ends at the last task's death. */
static void cpu_snapshot(struct analysis *a, __u64 ts)
{
	for (__u32 c = 0; c < a->ncpu; c++) {
		struct a_cpu *cpu = &a->cpus[c];
		__u64 s;

		memcpy(cpu->snap_ns, cpu->occ_ns, sizeof(cpu->snap_ns));
		if (cpu->known) {
			s = cpu->since > a->t0 ? cpu->since : a->t0;
			if (ts > s)
				cpu->snap_ns[occ_kind(cpu)] += ts - s;
		} else if (ts > a->t0) {
			cpu->snap_ns[OCC_UNKNOWN] += ts - a->t0;
		}
	}
	a->snap_taken = true;
	a->snap_ts = ts;
}

/* ---- the state machine ---- */

static void record_wakeup(struct analysis *a, struct a_task *t, __u32 waker, __u64 ts,
			  __u32 wobj, __u8 wdetail)
{
	aw_wakeup(a, t, waker, wobj, wdetail);
	t->waker = waker;
	t->wake_ts = ts;
	t->wakeups++;
	t->wake_edge = edge_get(a, waker, (__u32)(t - a->tasks));
	if (t->wake_edge != NO_IDX)
		a->edges[t->wake_edge].count++;
}

/*
 * A task blocked right after a wakeup that reached it while it was still
 * on the CPU, and is now switched in without a wakeup of its own: the
 * kernel's sched_waking fired before its sched_switch (the waker waited on
 * p->on_cpu), so the "block" was in fact runnable-after-wakeup.  Its
 * interval is still open, so relabel it; the concurrency levels spent
 * during it move up by one, exactly, from the snapshot taken at the block.
 */
static void resolve_pending(struct analysis *a, __u32 idx, __u64 ts)
{
	struct a_task *t = &a->tasks[idx];

	if (a->pend_owner == idx) {
		if (a->pend_snap_valid) {
			levels_advance(a, ts);
			/* all differences first: moving one changes the level above */
			for (__u32 k = 0; k < a->pend_n; k++) {
				__u32 l = (__u32)a->pend_list[k];

				a->pend_snap[l] = a->lvl_con[l] - a->pend_snap[l];
			}
			for (__u32 k = 0; k < a->pend_n; k++) {
				__u32 l = (__u32)a->pend_list[k];
				__u64 d = a->pend_snap[l];

				if (!d || l + 1 >= a->lvl_cap)
					continue;
				a->lvl_con[l] -= d;
				a->lvl_con[l + 1] += d;
				if (l + 1 > a->max_con)
					a->max_con = l + 1;
			}
		}
		a->pend_owner = NO_IDX;
	}
	t->pending_wake = 0;
	t->state = SL_TS_RUNNABLE_WAKEUP;
	levels_advance(a, ts);
	a->ncon++;
	if (a->ncon > a->max_con)
		a->max_con = a->ncon;
	record_wakeup(a, t, t->pending_waker, t->since, t->pend_wobj, t->pend_wdetail);
}

static void drop_pending(struct analysis *a, __u32 idx)
{
	if (a->pend_owner == idx)
		a->pend_owner = NO_IDX;
	a->tasks[idx].pending_wake = 0;
}

static __u8 reason_state(__u8 reason)
{
	switch (reason) {
	case SL_R_PREEMPTED:
	case SL_R_RESCHED:
		return SL_TS_RUNNABLE_PREEMPT;
	case SL_R_SLEEP:
		return SL_TS_SLEEP;
	case SL_R_IO:
		return SL_TS_IO;
	case SL_R_QFULL:
		return SL_TS_QFULL;
	case SL_R_QEMPTY:
		return SL_TS_QEMPTY;
	case SL_R_LOCK:
		return SL_TS_LOCK;
	case SL_R_DEAD:
		return TS_DEAD;
	default:	/* DISK_WAIT (D without iowait), OTHER, NONE */
		return SL_TS_OTHER;
	}
}

static void switch_out(struct analysis *a, __u32 idx, __u32 c, __u64 ts, __u8 fl, __u64 rt,
		       __u16 nr_syscall, __u32 task_state)
{
	struct a_task *t = &a->tasks[idx];
	__u8 reason = fl & SL_SWF_REASON_MASK;
	__u8 ns = reason_state(reason);
	__u64 len = t->state == SL_TS_RUNNING ? ts - t->since : 0;

	if (reason == SL_R_DISK_WAIT && sl_syscall_is_file_io(a->arch, nr_syscall))
		ns = SL_TS_IO;
	t->io_strict = (fl & SL_SWF_REASON_MASK) == SL_R_IO;
	t->io_waits += t->io_strict;
	t->blk_nr = nr_syscall;
	/* what it waits on, where the probes said (they leave queue waits to USDT) */
	ns = aw_block(a, t, reason, nr_syscall, task_state, ns);

	/*
	 * On-CPU time is the kernel's (sum_exec_runtime), so that it equals
	 * /proc's: the BOOTTIME span of a slice can differ from the rq clock
	 * on some VMs.  Without a runtime (0), or for the first slice of a task
	 * that existed before the trace, the BOOTTIME span stands in.
	 */
	if (rt && t->rt_known) {
		if (rt >= t->rt_last)
			t->rt_sum += rt - t->rt_last;
	} else {
		t->rt_sum += len;
	}
	if (rt) {
		t->rt_known = true;
		t->rt_last = rt;
	}
	if (c < a->ncpu && t->state == SL_TS_RUNNING) {
		struct a_cpu *cpu = &a->cpus[c];

		if (!cpu->slice_n || len < cpu->slice_min)
			cpu->slice_min = len;
		if (len > cpu->slice_max)
			cpu->slice_max = len;
		cpu->slice_n++;
		cpu->slice_sum += len;
		cpu->slice_hist[sl_log2_index(len)]++;
	}
	t->slices++;
	if (fl & SL_SWF_VOLUNTARY)
		t->vol++;
	else
		t->invol++;

	if (ns == TS_DEAD) {
		drop_pending(a, idx);
		set_state(a, t, TS_DEAD, ts);
		t->exited = true;
		task_die(a, t, ts);
		return;
	}
	set_state(a, t, ns, ts);
	if (ns == SL_TS_RUNNABLE_PREEMPT || !t->pending_wake) {
		t->pending_wake = 0;
		return;
	}
	/* Woken while still running, now blocked: decided at its next event. */
	t->pending_wake = 2;
	if (a->pend_owner == NO_IDX) {
		a->pend_owner = idx;
		levels_advance(a, ts);
		a->pend_gen++;
		a->pend_n = 0;
		a->pend_snap_valid = true;
	} else {
		/* Two open at once: the snapshot no longer isolates one of them. */
		a->pend_snap_valid = false;
	}
}

static void report_repair(struct analysis *a, const struct sl_event *ev, __u64 seen_ts)
{
	struct sl_repair rp = { .ev = *ev, .seen_ts = seen_ts };

	if (a->repair_fn)
		a->repair_fn(&rp, a->repair_ctx);
}

static void count_migration(struct analysis *a, struct a_task *t, __u32 from, __u32 to)
{
	t->migr++;
	a->migrations++;
	if (t->state == SL_TS_RUNNABLE_WAKEUP || t->pending_wake == 2) {
		t->migr_wake++;
		a->migrations_wakeup++;
	}
	if (from < a->ncpu && to < a->ncpu)
		a->mig[from * a->ncpu + to]++;
}

/*
 * Switched in on c although its last migrate record (or last CPU) says
 * another: the migration was not reported.  It happened after the task
 * left its CPU (or, asleep, at its wakeup), so the earliest consistent time
 * is the start of its current state.
 */
static void infer_migration(struct analysis *a, struct a_task *t, __u32 c, __u64 seen_ts)
{
	struct sl_event ev = {
		.ts = t->since, .type = SL_EV_MIGRATE, .flags = SL_MIGF_INFERRED,
		.cpu = t->exp_cpu, .pid = t->pid,
	};

	ev.mig.orig_cpu = t->exp_cpu;
	ev.mig.dest_cpu = c;
	count_migration(a, t, t->exp_cpu, c);
	t->inf_migr++;
	a->inferred_migrations++;
	report_repair(a, &ev, seen_ts);
}

/* Switched in on c at ts: seen at that time, or inferred from the event at seen_ts. */
static void switch_in(struct analysis *a, __u32 idx, __u32 c, __u64 ts, __u64 seen_ts,
		      bool inferred, bool from_idle)
{
	struct a_task *t = &a->tasks[idx];

	if (t->state == SL_TS_RUNNING) {
		if (t->cpu == c)
			return;
		set_state(a, t, SL_TS_OTHER, ts);	/* its switch-out was lost */
	}
	if (c < a->ncpu && t->exp_cpu < a->ncpu && t->exp_cpu != c)
		infer_migration(a, t, c, seen_ts);
	if (!inferred)
		t->switch_ins++;
	if (t->pending_wake == 2)
		resolve_pending(a, idx, ts);
	else
		t->pending_wake = 0;
	/*
	 * Switched in straight from a blocked state: its wakeup was not
	 * reported (a timer or I/O interrupt that hit while an unreported
	 * task was current).  When it became runnable is unknown, so it is
	 * only counted; its run-queue wait cannot be checked.
	 */
	if (t->state >= SL_TS_IO && t->state < SL_TS_MAX) {
		t->inf_wake++;
		a->unreported_wakeups++;
	}
	if (t->state == TS_UNKNOWN)
		t->in_unknown = true;
	if (t->state == SL_TS_RUNNABLE_WAKEUP) {
		__u64 lat = ts - t->wake_ts;

		if (t->enq_ts > t->wake_ts && t->enq_ts <= ts) {
			__u64 late = t->enq_ts - t->wake_ts;

			t->late_n++;
			t->late_sum += late;
			if (late > t->late_max)
				t->late_max = late;
			lat = ts - t->enq_ts;
		}
		/*
		 * Onto an idle CPU, the kernel skips the rq clock update of
		 * the switch that follows the wakeup (rq_clock_skip_update in
		 * wakeup_preempt: the idle task counts as queued), so its
		 * run_delay may leave out some or all of this wait.
		 */
		if (from_idle)
			t->idle_in_ns += lat;

		sl_hdr_add(&a->rq, lat);
		if (lat_sample(a, idx, lat, ts, (__u16)c))
			a->lat_err = -ENOMEM;
		if (!t->rq_n || lat < t->rq_min)
			t->rq_min = lat;
		if (lat > t->rq_max)
			t->rq_max = lat;
		t->rq_n++;
		t->rq_sum += lat;
		if (t->wake_edge != NO_IDX)
			a->edges[t->wake_edge].delay_ns += lat;
		t->wake_edge = NO_IDX;
	}
	t->enq_ts = 0;
	if (c < a->ncpu) {
		t->cpu = (__u16)c;
		t->exp_cpu = (__u16)c;
		t->cpumask[c / 64] |= 1ull << (c % 64);
	}
	set_state(a, t, SL_TS_RUNNING, ts);
}

/*
 * CPU c changes hands at ts, from the task at index pi (NO_IDX: untraced or
 * idle, pid prev_pid) to the one at ni (NO_IDX: untraced or idle, pid next).
 */
static void cpu_switch(struct analysis *a, __u32 c, __u64 ts, __u32 pi, __u32 prev_pid,
		       bool backfilled, __u32 ni, __u32 next)
{
	struct a_cpu *cpu = &a->cpus[c];
	bool first_sight = false;

	if (!cpu->known) {
		/* its back-filled occupant was never counted in nidle */
		first_sight = true;
		cpu->known = true;
		cpu->since = a->stream_start;
		cpu->occ = backfilled ? pi : NO_IDX;
		if (backfilled)
			cpu->occ_pid = prev_pid;
		else
			cpu->occ_pid = (prev_pid == 0) ? SL_OCC_IDLE : SL_OCC_OTHER;
	} else if (cpu->occ != NO_IDX && cpu->occ != pi) {
		/* Lost records: the task we thought held this CPU left unseen. */
		struct a_task *o = &a->tasks[cpu->occ];

		/* (not before it got here: an inferred change of hands can be older) */
		if (o->state == SL_TS_RUNNING && o->cpu == c)
			set_state(a, o, SL_TS_OTHER, ts > o->since ? ts : o->since);
	}
	cpu_close(a, c, ts);
	{
		bool was_idle = cpu->occ == NO_IDX && cpu->occ_pid == SL_OCC_IDLE;
		bool idle = ni == NO_IDX && next == 0;

		/* runnable-while-idle time accrues per stretch of constant nidle */
		if (was_idle != idle && a->nalive)
			levels_advance(a, ts);
		if (was_idle && !first_sight)
			a->nidle--;
		if (idle)
			a->nidle++;
	}
	cpu->occ = ni;
	cpu->occ_pid = ni != NO_IDX ? next : (next == 0 ? SL_OCC_IDLE : SL_OCC_OTHER);
	cpu->raw_pid = next;
	cpu->since = ts;
	cpu->from_snap = false;
}

/*
 * A traced task leaves CPU c at ts, but the stream never switched it in
 * there: the switch-in was not reported.  It happened after both the CPU's
 * last switch and the task's own last change of state; the kernel's run
 * time says how long this slice was (prev_runtime now minus at its last
 * switch-out), which places it later where the two agree.
 */
static void infer_switch_in(struct analysis *a, __u32 pi, __u32 c, __u64 ts, __u64 rt)
{
	struct a_task *t = &a->tasks[pi];
	struct a_cpu *cpu = &a->cpus[c];
	__u64 at = t->since;
	struct sl_event ev = {
		.type = SL_EV_SWITCH, .cpu = (__u16)c,
		.flags = SL_SWF_INFERRED | SL_SWF_NEXT_TRACKED,
	};

	if (cpu->known && cpu->since > at)
		at = cpu->since;
	if (rt && t->rt_known && rt >= t->rt_last && ts - at > rt - t->rt_last)
		at = ts - (rt - t->rt_last);
	if (t->state == SL_TS_RUNNING)		/* on another CPU: that switch-out was lost */
		set_state(a, t, SL_TS_OTHER, at);
	ev.ts = at;
	ev.pid = cpu->known ? cpu->raw_pid : 0;
	ev.sw.next = t->pid;
	ev.sw.nr_syscall = SL_NO_SYSCALL;
	if (cpu->known && cpu->occ != NO_IDX)
		ev.flags |= SL_SWF_PREV_TRACKED;
	cpu_switch(a, c, at, NO_IDX, cpu->known ? cpu->raw_pid : SL_OCC_OTHER, false, pi, t->pid);
	switch_in(a, pi, c, at, ts, true, false);
	t->inf_in++;
	a->inferred_switch_ins++;
	report_repair(a, &ev, ts);
}

/*
 * An occupant read on a CPU whose switches the stream already follows (as
 * the trace closes): a traced task found there that the stream does not
 * have running there was switched in unreported (on this machine, by a
 * task whose switches never reach any tracer).  It came in after both the
 * CPU's last switch and its own last change of state.
 */
static int check_occupant(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 i;

	if (!(e->flags & SL_OCCF_TRACKED) || !e->pid)
		return 0;
	i = pid_find(a, e->pid);
	if (i == NO_IDX || a->tasks[i].state == TS_DEAD)
		return 0;
	if (a->tasks[i].state == SL_TS_RUNNING && a->tasks[i].cpu == e->cpu)
		return 0;
	infer_switch_in(a, i, e->cpu, ts, 0);
	return 0;
}

/*
 * Who held a CPU when tracing began (SL_EV_CPU_OCC): its occupant until
 * the CPU's first switch record, so no CPU is "unknown" for the trace's
 * first stretch.  A switch record seen earlier on that CPU already said.
 */
static int on_cpu_occ(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 c = e->cpu, ni = NO_IDX;
	struct a_cpu *cpu;
	int err;

	if (c >= a->ncpu)
		return 0;
	cpu = &a->cpus[c];
	if (cpu->known)
		return check_occupant(a, e, ts);
	if ((e->flags & SL_OCCF_TRACKED) && e->pid) {
		struct a_task *t;

		err = task_lookup_or_create(a, e->pid, ts, &ni);
		if (err)
			return err;
		t = &a->tasks[ni];
		if (t->state != SL_TS_RUNNING) {
			t->cpu = (__u16)c;
			t->exp_cpu = (__u16)c;
			t->cpumask[c / 64] |= 1ull << (c % 64);
			set_state(a, t, SL_TS_RUNNING, ts);
		}
	}
	/* the stretch before it (stream start to here) is the same occupant's */
	cpu_switch(a, c, ts, ni, e->pid, ni != NO_IDX, ni, e->pid);
	cpu->from_snap = true;
	return 0;
}

static int on_switch(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 c = e->cpu, pi = NO_IDX, ni = NO_IDX, next = e->sw.next;
	struct a_cpu *cpu = c < a->ncpu ? &a->cpus[c] : NULL;
	__u8 fl = e->flags;
	bool backfilled = false;
	int err;

	if ((fl & SL_SWF_PREV_TRACKED) && e->pid) {
		struct a_task *t;

		pi = pid_find(a, e->pid);
		if (pi == NO_IDX || a->tasks[pi].state == TS_DEAD) {
			/*
			 * First seen leaving a CPU: it was running before the
			 * stream began.  Back-fill from the start when nothing
			 * has been accounted yet, else start it here.
			 */
			__u64 from = ts;

			if (!a->t0_set && cpu && !cpu->known) {
				from = a->stream_start;
				backfilled = true;
			} else if (!a->t0_set && cpu && cpu->from_snap && cpu->raw_pid == e->pid) {
				/* it held the CPU at the start (trace -p): since then */
				from = cpu->since;
				backfilled = true;
			}
			err = task_new(a, e->pid, from, &pi);
			if (err)
				return err;
			if (backfilled && cpu->known) {
				cpu->occ = pi;
				cpu->occ_pid = e->pid;
			}
		}
		t = &a->tasks[pi];
		/*
		 * Known to the stream (born in it, or seen switching) yet not
		 * running here: its switch-in on this CPU was not reported.
		 */
		if (cpu && t->state != TS_UNKNOWN && !(t->state == SL_TS_RUNNING && t->cpu == c) &&
		    (t->born || t->slices || t->switch_ins || t->inf_in)) {
			infer_switch_in(a, pi, c, ts, e->sw.prev_runtime);
		} else if (t->state != SL_TS_RUNNING) {
			if (t->pending_wake == 2)
				drop_pending(a, pi);
			if (cpu) {
				t->cpu = (__u16)c;
				t->exp_cpu = (__u16)c;
			}
			set_state(a, t, SL_TS_RUNNING, backfilled ? t->first_ts : ts);
			if (cpu)
				t->cpumask[c / 64] |= 1ull << (c % 64);
		}
		switch_out(a, pi, c, ts, fl, e->sw.prev_runtime, e->sw.nr_syscall, e->sw.state);
	}
	if ((fl & SL_SWF_NEXT_TRACKED) && next) {
		err = task_lookup_or_create(a, next, ts, &ni);
		if (err)
			return err;
		switch_in(a, ni, c, ts, ts, false, e->pid == 0);
	}
	if (cpu)
		cpu_switch(a, c, ts, pi, e->pid, backfilled, ni, next);
	return 0;
}

/*
 * Did the exit of `child` end `parent`'s wait for it?  Blocked in wait4 or
 * waitid, or in rt_sigsuspend or pause for the SIGCHLD (dash's `wait`
 * polls wait3 with WNOHANG, then sleeps in sigsuspend), and woken by the
 * child after its sched_process_exit.
 */
static bool ended_join(struct analysis *a, const struct a_task *child, const struct a_task *parent)
{
	__u16 nr = parent->blk_nr;

	if (!child->exiting)
		return false;
	if (sl_syscall_is_join(a->arch, nr))
		return true;
	if (sl_syscall_is_sigwait(a->arch, nr))	/* only the parent's */
		return child->parent != NO_IDX && a->tasks[child->parent].tgid == parent->tgid;
	return false;
}

/*
 * Was the wakee woken by the traced task current at its waking (acting on
 * wobj), or by an interrupt that task was only interrupted by?  A task in
 * no syscall wakes no one itself: it was interrupted in user space (a
 * timer's expiry, a device).  And a blocked sleep (nanosleep) ends by its
 * timer -- an interrupt whatever call it came in -- unless someone sent a
 * signal or a child exited.  Only where the probes read syscalls (x86_64):
 * elsewhere every waker record says "no call".
 */
static bool woken_by_task(const struct analysis *a, const struct a_task *t, __u32 wobj)
{
	const struct a_obj *w;

	if (wobj == NO_IDX || a->arch != SL_ARCH_X86_64)
		return true;	/* no record of its call: as before */
	w = &a->objs[wobj];
	if (w->kind == SL_WK_NONE)
		return false;
	if (t->state != SL_TS_RUNNING && t->wait_obj != NO_IDX &&
	    a->objs[t->wait_obj].kind == SL_WK_SLEEP)
		return w->kind == SL_WK_EXIT ||
		       (w->kind == SL_WK_SYSCALL && sl_syscall_sends_signal(a->arch, w->nr_syscall));
	return true;
}

static int on_wakeup(struct analysis *a, const struct sl_event *e, __u64 ts, bool is_new)
{
	__u32 wi, waker = SL_NO_TASK, wobj = NO_IDX;
	__u8 wdetail = 0;
	struct a_task *t;
	int err;

	if (!e->wk.wakee)
		return 0;
	err = task_lookup_or_create(a, e->wk.wakee, ts, &wi);
	if (err)
		return err;
	if ((e->flags & SL_WKF_WAKER_TRACKED) && e->pid) {
		waker = pid_find(a, e->pid);
		if (waker == NO_IDX)
			waker = SL_NO_TASK;
		else
			wobj = a->tasks[waker].wake_obj, wdetail = a->tasks[waker].wake_detail;
	}
	t = &a->tasks[wi];
	if (waker != SL_NO_TASK && !is_new && !woken_by_task(a, t, wobj))
		waker = SL_NO_TASK, wobj = NO_IDX;
	if (is_new && t->state == TS_UNKNOWN && !t->rt_sum)
		t->rt_known = true;	/* a new task: its run time starts at 0 */
	/*
	 * sched_wakeup_new reports where the new task was placed (no migrate
	 * record for that); sched_waking's target is still its old CPU.
	 */
	if (is_new && e->wk.target_cpu < a->ncpu)
		t->exp_cpu = (__u16)e->wk.target_cpu;
	switch (t->state) {
	case SL_TS_RUNNING:
		/* Before its sched_switch, or it never blocked: see resolve_pending. */
		if (!is_new) {
			t->pending_wake = 1;
			t->pending_waker = waker;
			t->pend_wobj = wobj;
			t->pend_wdetail = wdetail;
		}
		return 0;
	case SL_TS_RUNNABLE_WAKEUP:
	case SL_TS_RUNNABLE_PREEMPT:
	case TS_DEAD:
		return 0;
	}
	if (waker != SL_NO_TASK && ended_join(a, &a->tasks[waker], t))
		a->tasks[waker].reaper = wi;
	if (t->pending_wake)
		drop_pending(a, wi);	/* this block is a real one: woken now */
	t->enq_ts = 0;
	set_state(a, t, SL_TS_RUNNABLE_WAKEUP, ts);
	record_wakeup(a, t, waker, ts, is_new ? NO_IDX : wobj, wdetail);
	return 0;
}

/*
 * pid's wakeup reached a run queue only now.  Kept for its switch-in:
 * from here on it waits for a CPU; before, the wakeup was in flight.
 */
static void on_enqueued(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 idx = pid_find(a, e->pid);
	struct a_task *t;

	if (idx == NO_IDX)
		return;
	t = &a->tasks[idx];
	/* sent at the switch-in: the enqueue came before_ns earlier */
	if (e->flags & SL_ENQF_BEFORE)
		ts = e->enq.before_ns < ts ? ts - e->enq.before_ns : 0;
	if (t->state == SL_TS_RUNNABLE_WAKEUP || t->pending_wake == 2)
		t->enq_ts = ts;
}

/*
 * The switch just before was accounted by the kernel on an rq clock lagging
 * e->lag.ns: its prev, if it stays runnable, waits that much longer in
 * run_delay, and its next that much shorter.
 */
static void on_rq_lag(struct analysis *a, const struct sl_event *e)
{
	__u32 p = pid_find(a, e->pid), n = e->lag.next ? pid_find(a, e->lag.next) : NO_IDX;

	/* no lag is negative: a sample equal to the offset once read as -1 */
	if ((__s64)e->lag.ns < 0)
		return;
	a->nr_rq_lags++;
	if (p != NO_IDX && a->tasks[p].state == SL_TS_RUNNABLE_PREEMPT)
		a->tasks[p].rq_lag_add += e->lag.ns;
	if (n != NO_IDX && a->tasks[n].state == SL_TS_RUNNING)
		a->tasks[n].rq_lag_sub += e->lag.ns;
}

static int on_migrate(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 idx, from = e->mig.orig_cpu, to = e->mig.dest_cpu;
	struct a_task *t;
	int err;

	err = task_lookup_or_create(a, e->pid, ts, &idx);
	if (err)
		return err;
	t = &a->tasks[idx];
	/* moved from a CPU it was never sent to: that migration went unreported */
	if (from < a->ncpu && t->exp_cpu < a->ncpu && t->exp_cpu != from &&
	    t->state != SL_TS_RUNNING)
		infer_migration(a, t, from, ts);
	count_migration(a, t, from, to);
	if (to < a->ncpu)
		t->exp_cpu = (__u16)to;
	return 0;
}

static int on_fork(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 idx = pid_find(a, e->fork.child), pidx;
	struct a_task *t;
	int err;

	if (!e->fork.child)
		return 0;
	if (idx != NO_IDX && a->tasks[idx].state != TS_DEAD) {
		t = &a->tasks[idx];
		/* Recycled pid whose death we never saw (lost records). */
		if (t->state != TS_UNKNOWN || t->first_ts != ts) {
			drop_pending(a, idx);
			set_state(a, t, TS_DEAD, ts);
			task_die(a, t, ts);
			idx = NO_IDX;
		}
	}
	if (idx == NO_IDX || a->tasks[idx].state == TS_DEAD) {
		err = task_new(a, e->fork.child, ts, &idx);
		if (err)
			return err;
	}
	t = &a->tasks[idx];
	t->rt_known = true;	/* born here: its run time starts at 0 */
	t->born = true;
	t->tgid = e->fork.child_tgid ? e->fork.child_tgid : e->fork.child;
	t->ppid = e->pid;
	pidx = pid_find(a, e->pid);
	t->parent = pidx;
	if (pidx != NO_IDX && a->tasks[pidx].comm[0] && !t->comm[0])
		memcpy(t->comm, a->tasks[pidx].comm, SL_COMM_LEN);
	if (pidx != NO_IDX && t->argv == NO_IDX)
		t->argv = a->tasks[pidx].argv;	/* fork copies the command line */
	return 0;
}

/* Chunk 0 starts a command line of its own for the task; the others extend it. */
static int on_argv(struct analysis *a, const struct sl_event *e, __u64 ts)
{
	__u32 idx, k = e->flags;
	struct a_task *t;
	size_t len;
	char *s;
	int err;

	if (!e->pid || k >= SL_ARGV_CHUNKS)
		return 0;
	err = task_lookup_or_create(a, e->pid, ts, &idx);
	if (err)
		return err;
	t = &a->tasks[idx];
	if (k == 0) {
		if (a->nr_argv == a->argv_cap) {
			__u32 cap = a->argv_cap ? a->argv_cap * 2 : 16;
			char (*n)[SL_ARGV_LEN + 1] = realloc(a->argv_pool, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			a->argv_pool = n;
			a->argv_cap = cap;
		}
		t->argv = a->nr_argv++;
		a->argv_pool[t->argv][0] = '\0';
	} else if (t->argv == NO_IDX) {
		return 0;	/* its first chunk was lost */
	}
	s = a->argv_pool[t->argv];
	len = strlen(s);
	if (len != (size_t)k * 16)
		return 0;	/* out of order: keep what is whole */
	memcpy(s + len, e->argv.text, sizeof(e->argv.text));
	s[len + strnlen(e->argv.text, sizeof(e->argv.text))] = '\0';
	return 0;
}

int analysis__feed(struct analysis *a, const struct sl_event *e)
{
	__u64 ts = e->ts;
	__u32 idx;
	int err;

	if (a->finished)
		return -EINVAL;
	if (!a->started) {
		a->started = true;
		if (!a->stream_start || a->stream_start > ts)
			a->stream_start = ts;
		a->now = a->stream_start;
	}
	/* Late records (past the merge window) were clamped upstream; keep time monotonic. */
	if (ts < a->now)
		ts = a->now;
	a->now = ts;
	a->nr_events++;
	if (a->lat_err)
		return a->lat_err;

	switch (e->type) {
	case SL_EV_SWITCH:
		return on_switch(a, e, ts);
	case SL_EV_WAKING:
		return on_wakeup(a, e, ts, false);
	case SL_EV_WAKEUP_NEW:
		return on_wakeup(a, e, ts, true);
	case SL_EV_ENQUEUED:
		on_enqueued(a, e, ts);
		return 0;
	case SL_EV_RQ_LAG:
		on_rq_lag(a, e);
		return 0;
	case SL_EV_MIGRATE:
		return on_migrate(a, e, ts);
	case SL_EV_FORK:
		return on_fork(a, e, ts);
	case SL_EV_COMM:
		if (!e->pid)
			return 0;
		err = task_lookup_or_create(a, e->pid, ts, &idx);
		if (err)
			return err;
		memcpy(a->tasks[idx].comm, e->comm.comm, SL_COMM_LEN);
		a->tasks[idx].comm[SL_COMM_LEN - 1] = '\0';
		return 0;
	case SL_EV_ARGV:
		return on_argv(a, e, ts);
	case SL_EV_TASK_ATTR:
		if (!e->pid)
			return 0;
		/* the latest holder of the pid, even exited: not a new task */
		idx = pid_find(a, e->pid);
		if (idx == NO_IDX && (err = task_lookup_or_create(a, e->pid, ts, &idx)))
			return err;
		a->tasks[idx].attr = (struct sl_sched_attr){
			.known = true, .policy = e->attr.policy, .nice = e->attr.nice,
			.rt_priority = e->attr.rt_priority, .cgroup_id = e->attr.cgroup_id,
		};
		return 0;
	case SL_EV_EXIT:
		idx = pid_find(a, e->pid);
		if (idx != NO_IDX) {
			a->tasks[idx].exiting = true;
			if (e->exit.tgid)
				a->tasks[idx].tgid = e->exit.tgid;
		}
		return 0;
	case SL_EV_KSTAT:
		idx = pid_find(a, e->pid);
		if (idx != NO_IDX) {
			a->tasks[idx].kstat_valid = true;
			a->tasks[idx].k_nvcsw = e->kstat.nvcsw;
			a->tasks[idx].k_nivcsw = e->kstat.nivcsw;
			a->tasks[idx].k_migr = e->kstat.nr_migrations;
		}
		return 0;
	case SL_EV_KSTAT_RT:
		idx = pid_find(a, e->pid);
		if (idx != NO_IDX)
			a->tasks[idx].k_rt = e->kstat_rt.sum_exec_runtime;
		return 0;
	case SL_EV_KSTAT_SCHED:
		idx = pid_find(a, e->pid);
		if (idx != NO_IDX) {
			struct a_task *t = &a->tasks[idx];

			t->k_sched_valid = e->flags & SL_KSF_SCHED_INFO;
			t->k_run_delay = e->ksched.run_delay;
			t->k_pcount = e->ksched.pcount;
			t->k_delay_valid = e->flags & SL_KSF_DELAY;
			t->k_blkio = (__u64)e->ksched.blkio_delay_us * 1000;
		}
		return 0;
	case SL_EV_CPU_OCC:
		return on_cpu_occ(a, e, ts);
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP:
	case SL_EV_Q_WAIT_FULL:
	case SL_EV_Q_WAIT_EMPTY:
	case SL_EV_Q_LOCK_WAIT:
	case SL_EV_ITEM_START:
	case SL_EV_ITEM_DONE:
		if (!e->pid)
			return 0;
		err = task_lookup_or_create(a, e->pid, ts, &idx);
		return err ? err : aq_event(a, &a->tasks[idx], e, ts);
	case SL_EV_WAIT:
	case SL_EV_WAKER:
		if (!e->pid)
			return 0;
		err = task_lookup_or_create(a, e->pid, ts, &idx);
		return err ? err : aw_record(a, &a->tasks[idx], e);
	}
	return 0;
}

int analysis__new(__u32 ncpu, struct analysis **out)
{
	struct analysis *a;

	*out = NULL;
	if (!ncpu || ncpu > SL_MAX_CPUS)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ncpu = ncpu;
	a->slow_gate = ~0ull;	/* no --slower-than */
	a->task_cap = 64;
	a->lvl_cap = 64;
	while (a->lvl_cap < ncpu + 2)
		a->lvl_cap *= 2;
	a->edge_cap = 64;
	a->pend_owner = NO_IDX;
	a->cpus = calloc(ncpu, sizeof(*a->cpus));
	a->mig = calloc((size_t)ncpu * ncpu, sizeof(__u64));
	a->tasks = malloc(a->task_cap * sizeof(*a->tasks));
	a->lvl_par = calloc(a->lvl_cap, sizeof(__u64));
	a->lvl_con = calloc(a->lvl_cap, sizeof(__u64));
	a->lvl_mp = calloc(a->lvl_cap, sizeof(__u64));
	a->pend_snap = calloc(a->lvl_cap, sizeof(__u64));
	a->pend_mark = calloc(a->lvl_cap, sizeof(__u64));
	a->pend_list = calloc(a->lvl_cap, sizeof(__u64));
	a->edges = malloc(a->edge_cap * sizeof(*a->edges));
	if (!a->cpus || !a->mig || !a->tasks || !a->lvl_par || !a->lvl_con || !a->lvl_mp ||
	    !a->pend_snap || !a->pend_mark || !a->pend_list || !a->edges) {
		analysis__free(a);
		return -ENOMEM;
	}
	/* pid 0 (idle) is never a traced task: an impossible cache key */
	a->last_pid = 0;
	a->last_idx = NO_IDX;
	*out = a;
	return 0;
}

void analysis__on_interval(struct analysis *a, sl_interval_fn fn, void *ctx)
{
	a->iv_fn = fn;
	a->iv_ctx = ctx;
}

void analysis__on_repair(struct analysis *a, sl_repair_fn fn, void *ctx)
{
	a->repair_fn = fn;
	a->repair_ctx = ctx;
}

void analysis__set_slower_than(struct analysis *a, __u64 ns)
{
	a->slower_than = ns;
	a->slow_gate = ns ? ns : ~0ull;
}

void analysis__set_arch(struct analysis *a, enum sl_arch arch)
{
	a->arch = arch;
}

void analysis__set_task_table(struct analysis *a, const struct sl_trace_info *ti)
{
	a->task_table = ti;
}

void analysis__set_start(struct analysis *a, __u64 start_ts)
{
	if (!a->started && start_ts)
		a->stream_start = start_ts;
}

int analysis__finish(struct analysis *a, const struct sl_trace_info *ti)
{
	__u64 end = a->now, t1;

	if (a->finished)
		return -EINVAL;
	if (ti && ti->end_ts > end && a->started)
		end = ti->end_ts;
	if (!a->started) {
		a->stream_start = ti ? ti->start_ts : 0;
		if (ti && ti->end_ts > end)
			end = ti->end_ts;
	}
	a->finished = true;

	/* W ends when the last traced task is gone, else at the end of the trace. */
	if (a->t0_set && !a->nalive && a->snap_taken) {
		t1 = a->snap_ts;
	} else {
		t1 = end;
		levels_advance(a, end);
		if (a->t0_set)
			cpu_snapshot(a, end);
	}
	for (__u32 i = 0; i < a->nr_tasks; i++) {
		struct a_task *t = &a->tasks[i];

		if (t->state == SL_TS_RUNNING && end > t->since)
			t->rt_sum += end - t->since;	/* still on a CPU: BOOTTIME */
		/* a wait still open: the kernel adds it to run_delay when it ends */
		if ((t->state == SL_TS_RUNNABLE_WAKEUP || t->state == SL_TS_RUNNABLE_PREEMPT) &&
		    end > t->since)
			t->rq_open_ns = end - t->since;
		task_close(a, t, end);
		if (t->alive)
			t->last_ts = end;
	}
	for (__u32 c = 0; c < a->ncpu; c++)
		cpu_close(a, c, end);
	a->now = end;
	a->snap_ts = t1;
	return analysis_build_result(a, ti);
}

const struct sl_result *analysis__result(const struct analysis *a)
{
	return a->res;
}

void analysis__free(struct analysis *a)
{
	if (!a)
		return;
	analysis_free_result(a->res);
	aq_free(a);
	aw_free(a);
	free(a->cpus);
	free(a->mig);
	for (__u32 i = 0; a->tasks && i < a->nr_tasks; i++)
		lat_free(&a->tasks[i]);
	free(a->tasks);
	idmap__free(&a->pids);
	free(a->lvl_par);
	free(a->lvl_con);
	free(a->lvl_mp);
	free(a->pend_snap);
	free(a->pend_mark);
	free(a->pend_list);
	free(a->edges);
	idmap__free(&a->edge_index);
	free(a->slow);
	free(a->argv_pool);
	free(a);
}
