// SPDX-License-Identifier: GPL-2.0
/*
 * From the streaming accumulators to struct sl_result: rows per task, role
 * and CPU, the level distributions, the wakeup matrix, the queue section
 * and the kernel cross-check.  Runs once, after the stream; the only place
 * that allocates the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"

static const char *const xc_names[SL_XC_MAX] = {
	[SL_XC_VOLUNTARY] = "voluntary switches",
	[SL_XC_INVOLUNTARY] = "involuntary switches",
	[SL_XC_MIGRATIONS] = "migrations",
	[SL_XC_ONCPU] = "on-cpu time",
	[SL_XC_RUN_DELAY] = "run-queue wait",
	[SL_XC_PCOUNT] = "switch-ins",
	[SL_XC_BLKIO] = "block-I/O wait",
};

const char *sl_xc_counter_name(enum sl_xc_counter c)
{
	if ((unsigned int)c < SL_XC_MAX)
		return xc_names[c];
	return "unknown";
}

int sl_result__task_index(const struct sl_result *r, __u32 pid)
{
	for (__u32 i = r->nr_tasks; i-- > 0;)
		if (r->tasks[i].pid == pid)
			return (int)i;
	return -1;
}

void analysis_free_result(struct sl_result *r)
{
	if (!r)
		return;
	free(r->par_level_ns);
	free(r->con_level_ns);
	free(r->mp_level_ns);
	free(r->mig_matrix);
	free(r->rq_hist);
	free(r->wake_edges);
	free(r->wake_rows);
	free(r->slow);
	free(r->procs);
	free(r->proc_tasks);
	free(r->proc_order);
	free(r->tasks);
	free(r->roles);
	free(r->cpus);
	free(r->queues);
	free(r->xc.mismatch);
	free(r->waits);
	free(r->channels);
	free(r->chan_tasks);
	free(r->locks);
	free(r->lock_tasks);
	free(r);
}

/*
 * The role: comm without a trailing instance number, that is digits after
 * a '-', '_', ':', '/', '#' or '.' ("consumer-1" -> "consumer",
 * "kworker/0:1" -> "kworker/0").  A name whose last word is not a number
 * is kept whole ("stress-ng", "sched-messaging"), and so are digits that
 * belong to the name ("python3").
 */
static void role_of(const char *comm, char *role)
{
	size_t n = strlen(comm), d = n;

	if (!comm[0]) {
		strcpy(role, "?");
		return;
	}
	while (d > 0 && comm[d - 1] >= '0' && comm[d - 1] <= '9')
		d--;
	if (d < n && d > 1 && strchr("-_:/#.", comm[d - 1]))
		n = d - 1;
	memcpy(role, comm, n);
	role[n] = '\0';
}

/* The trace's entry for the newest task with this pid (none for pid 0, the idle task). */
static const struct sl_task_info *ti_task(const struct sl_trace_info *ti, __u32 pid)
{
	return ti && pid ? sl_trace_info__find(ti, pid) : NULL;
}

static int build_tasks(struct analysis *a, const struct sl_trace_info *ti, struct sl_result *r)
{
	r->tasks = calloc(a->nr_tasks ? a->nr_tasks : 1, sizeof(*r->tasks));
	r->roles = calloc(a->nr_tasks ? a->nr_tasks : 1, sizeof(*r->roles));
	if (!r->tasks || !r->roles)
		return -ENOMEM;
	r->nr_tasks = a->nr_tasks;
	for (__u32 i = 0; i < a->nr_tasks; i++) {
		const struct a_task *t = &a->tasks[i];
		struct sl_task_row *row = &r->tasks[i];
		bool latest = task_latest(a, t->pid) == i;
		const struct sl_task_info *info = latest ? ti_task(ti, t->pid) : NULL;
		char role[SL_COMM_LEN];
		__u32 ri;

		row->pid = t->pid;
		row->parent = t->parent;
		row->tgid = t->tgid;
		row->ppid = t->ppid;
		memcpy(row->comm, t->comm, SL_COMM_LEN);
		row->exit_status = -1;
		/* the task table knows the final name and exit status of the latest holder of a pid */
		if (info) {
			if (info->comm[0])
				memcpy(row->comm, info->comm, SL_COMM_LEN);
			row->comm[SL_COMM_LEN - 1] = '\0';
			if (info->tgid)
				row->tgid = info->tgid;
			if (info->ppid)
				row->ppid = info->ppid;
			row->exit_status = info->exit_status;
		}
		row->attr = t->attr;
		row->first_ts = t->first_ts;
		row->last_ts = t->last_ts;
		memcpy(row->state_ns, t->state_ns, sizeof(row->state_ns));
		row->on_cpu_ns = t->rt_sum;
		for (int s = 1; s < SL_TS_MAX; s++)
			row->off_cpu_ns += t->state_ns[s];
		row->vol_switches = t->vol;
		row->invol_switches = t->invol;
		row->migrations = t->migr;
		row->migrations_wakeup = t->migr_wake;
		row->migrations_inferred = t->inf_migr;
		row->switch_ins = t->switch_ins;
		row->switch_ins_inferred = t->inf_in;
		row->wakeups_unreported = t->inf_wake;
		row->late_enqueues = t->late_n;
		row->late_enqueue_ns = t->late_sum;
		row->rq_lag_add_ns = t->rq_lag_add;
		row->rq_lag_sub_ns = t->rq_lag_sub;
		row->late_enqueue_max = t->late_max;
		row->idle_in_ns = t->idle_in_ns;
		r->late_enqueues += t->late_n;
		r->late_enqueue_ns += t->late_sum;
		if (t->late_max > r->late_enqueue_max)
			r->late_enqueue_max = t->late_max;
		row->iowait_ns = t->iowait_ns;
		row->io_waits = t->io_waits;
		row->wakeups = t->wakeups;
		row->slices = t->slices;
		for (int w = 0; w < CPU_WORDS; w++)
			row->cpus_used += (__u32)__builtin_popcountll(t->cpumask[w]);
		row->rq_latency.count = t->rq_n;
		row->rq_latency.sum = t->rq_sum;
		row->rq_latency.min = t->rq_min;
		row->rq_latency.max = t->rq_max;
		row->exited = t->exited;
		for (int w = 0; w < Q_WORDS; w++) {
			row->producer |= t->qprod[w] != 0;
			row->consumer |= t->qcons[w] != 0;
		}

		role_of(row->comm, role);
		for (ri = 0; ri < r->nr_roles; ri++)
			if (!strcmp(r->roles[ri].name, role))
				break;
		if (ri == r->nr_roles)
			memcpy(r->roles[r->nr_roles++].name, role, SL_COMM_LEN);
		row->role = ri;
		{
			struct sl_role_row *ro = &r->roles[ri];

			ro->nr_tasks++;
			for (int s = 0; s < SL_TS_MAX; s++) {
				ro->state_ns[s] += row->state_ns[s];
				ro->alive_ns += row->state_ns[s];
			}
			ro->on_cpu_ns += row->on_cpu_ns;
			ro->off_cpu_ns += row->off_cpu_ns;
			ro->vol_switches += row->vol_switches;
			ro->invol_switches += row->invol_switches;
			ro->migrations += row->migrations;
			ro->wakeups += row->wakeups;
			if (t->rq_n && (!ro->rq_latency.count || t->rq_min < ro->rq_latency.min))
				ro->rq_latency.min = t->rq_min;
			if (t->rq_max > ro->rq_latency.max)
				ro->rq_latency.max = t->rq_max;
			ro->rq_latency.count += t->rq_n;
			ro->rq_latency.sum += t->rq_sum;
		}
		for (int s = 0; s < SL_TS_MAX; s++)
			r->off_cpu_ns[s] += row->state_ns[s];
		r->vol_switches += t->vol;
		r->invol_switches += t->invol;
		r->wakeups += t->wakeups;
	}
	return 0;
}

static int build_cpus(struct analysis *a, const struct sl_trace_info *ti, struct sl_result *r)
{
	__u64 kt = 0, ko = 0, ki = 0;

	r->cpus = calloc(a->ncpu, sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	for (__u32 c = 0; c < a->ncpu; c++) {
		const struct a_cpu *ac = &a->cpus[c];
		struct sl_cpu_row *row = &r->cpus[c];

		row->cpu = c;
		if (a->t0_set) {
			row->traced_ns = ac->snap_ns[OCC_TRACED];
			row->other_ns = ac->snap_ns[OCC_OTHER];
			row->idle_ns = ac->snap_ns[OCC_IDLE];
			row->unknown_ns = ac->snap_ns[OCC_UNKNOWN];
		}
		if (ti && ti->cpus && c < ti->ncpu) {
			row->k_traced_ns = ti->cpus[c].traced_ns;
			row->k_other_ns = ti->cpus[c].other_ns;
			row->k_idle_ns = ti->cpus[c].idle_ns;
			row->lost = ti->cpus[c].lost;
		}
		for (__u32 i = 0; i < a->nr_tasks; i++)
			row->distinct_tasks += (a->tasks[i].cpumask[c / 64] >> (c % 64)) & 1;
		r->ncpu_traced += row->distinct_tasks != 0;
		row->slice.count = ac->slice_n;
		row->slice.sum = ac->slice_sum;
		row->slice.min = ac->slice_min;
		row->slice.max = ac->slice_max;
		memcpy(row->slice_hist, ac->slice_hist, sizeof(row->slice_hist));
		sl_log2_summarise(row->slice_hist, &row->slice);

		r->cpu_traced_ns += row->traced_ns;
		r->cpu_other_ns += row->other_ns;
		r->cpu_idle_ns += row->idle_ns;
		r->cpu_unknown_ns += row->unknown_ns;
		kt += row->k_traced_ns;
		ko += row->k_other_ns;
		ki += row->k_idle_ns;
	}
	if (r->wall_ns) {
		double cap = (double)r->wall_ns * a->ncpu;

		r->util_traced = (double)r->cpu_traced_ns / cap;
		r->util_other = (double)r->cpu_other_ns / cap;
		r->util_idle = (double)r->cpu_idle_ns / cap;
	}
	if (kt + ko + ki) {
		double all = (double)(kt + ko + ki);

		r->k_util_traced = (double)kt / all;
		r->k_util_other = (double)ko / all;
		r->k_util_idle = (double)ki / all;
	}
	return 0;
}

static int build_levels(struct analysis *a, struct sl_result *r)
{
	__u64 run_ns = 0, con_ns = 0;
	double mp = 0;

	r->par_level_ns = calloc(a->ncpu + 1, sizeof(__u64));
	r->nr_con_levels = a->max_con + 1;
	r->con_level_ns = calloc(r->nr_con_levels, sizeof(__u64));
	r->nr_mp_levels = a->max_alive + 1;
	r->mp_level_ns = calloc(r->nr_mp_levels, sizeof(__u64));
	if (!r->par_level_ns || !r->con_level_ns || !r->mp_level_ns)
		return -ENOMEM;
	for (__u32 l = 0; l < a->lvl_cap; l++) {
		/* more running than CPUs only with lost records: fold into the top */
		r->par_level_ns[l <= a->ncpu ? l : a->ncpu] += a->lvl_par[l];
		if (l < r->nr_con_levels)
			r->con_level_ns[l] = a->lvl_con[l];
		if (l < r->nr_mp_levels)
			r->mp_level_ns[l] = a->lvl_mp[l];
		mp += (double)l * (double)a->lvl_mp[l];
	}
	r->max_parallelism = a->max_run;
	r->max_concurrency = a->max_con;
	r->max_multiprogramming = a->max_alive;
	/* on-CPU on the kernel's clock; runnable time from the timeline */
	for (__u32 i = 0; i < a->nr_tasks; i++) {
		run_ns += a->tasks[i].rt_sum;
		con_ns += a->tasks[i].rt_sum + a->tasks[i].state_ns[SL_TS_RUNNABLE_WAKEUP] +
			  a->tasks[i].state_ns[SL_TS_RUNNABLE_PREEMPT];
	}
	if (r->wall_ns) {
		r->parallelism = (double)run_ns / (double)r->wall_ns;
		r->concurrency = (double)con_ns / (double)r->wall_ns;
		r->multiprogramming = mp / (double)r->wall_ns;
		r->runnable_idle = (double)a->runnable_idle_ns / (double)r->wall_ns;
	}
	return 0;
}

static int edge_cmp(const void *x, const void *y)
{
	const struct sl_wake_edge *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	if (a->wakee != b->wakee)
		return a->wakee < b->wakee ? -1 : 1;
	return a->waker < b->waker ? -1 : a->waker > b->waker;
}

static int build_wakeups(struct analysis *a, struct sl_result *r)
{
	r->rq_hist = malloc(SL_HDR_BUCKETS * sizeof(__u64));
	r->mig_matrix = malloc((size_t)a->ncpu * a->ncpu * sizeof(__u64));
	r->wake_edges = calloc(a->nr_edges ? a->nr_edges : 1, sizeof(*r->wake_edges));
	if (!r->rq_hist || !r->mig_matrix || !r->wake_edges)
		return -ENOMEM;
	r->nr_rq_buckets = SL_HDR_BUCKETS;
	memcpy(r->rq_hist, a->rq.b, SL_HDR_BUCKETS * sizeof(__u64));
	sl_hdr_summarise(&a->rq, &r->rq_latency);
	memcpy(r->mig_matrix, a->mig, (size_t)a->ncpu * a->ncpu * sizeof(__u64));
	r->migrations = a->migrations;
	r->migrations_wakeup = a->migrations_wakeup;
	r->inferred_switch_ins = a->inferred_switch_ins;
	r->inferred_migrations = a->inferred_migrations;
	r->unreported_wakeups = a->unreported_wakeups;
	for (__u32 i = 0; i < a->nr_edges; i++) {
		r->wake_edges[i].waker = a->edges[i].waker;
		r->wake_edges[i].wakee = a->edges[i].wakee;
		r->wake_edges[i].count = a->edges[i].count;
		r->wake_edges[i].delay_ns = a->edges[i].delay_ns;
	}
	r->nr_wake_edges = a->nr_edges;
	qsort(r->wake_edges, r->nr_wake_edges, sizeof(*r->wake_edges), edge_cmp);
	return 0;
}

/* Thresholds of the concurrency reading; docs/metrics.md states the same numbers. */
#define N_WAITING	0.05	/* runnable-but-not-running tasks that count as waiting */
#define N_IDLE_SHARE	0.5	/* share of those while a CPU sat idle: wakeup latency */

/* What the summary numbers mean for this run; output/explain.c words them. */
static void readings(struct sl_result *r)
{
	double waiting = r->concurrency - r->parallelism;
	double secs = r->wall_ns / 1e9;
	__u64 sw = r->vol_switches + r->invol_switches;

	r->runnable_waiting = waiting > 0 ? waiting : 0.0;
	if (!r->wall_ns) {
		r->par_kind = SL_PAR_UNSEEN;
		r->con_kind = SL_CON_UNSEEN;
		return;
	}
	r->par_none_frac = r->par_level_ns ? (double)r->par_level_ns[0] / r->wall_ns : 0;
	r->switch_rate = secs > 0 ? (double)sw / secs : 0.0;
	r->par_kind = r->max_parallelism <= 1 ? SL_PAR_SERIAL : SL_PAR_PARALLEL;
	if (waiting >= N_WAITING && r->runnable_idle >= N_IDLE_SHARE * waiting)
		r->con_kind = SL_CON_WAKEUP_LATENCY;
	/*
	 * Foreign load: the workload never had more tasks runnable than CPUs
	 * on average, and other programs' CPU time would have run every
	 * waiting task.
	 */
	else if (waiting >= N_WAITING && r->concurrency <= (double)r->ncpu &&
		 r->util_other * r->ncpu >= waiting)
		r->con_kind = SL_CON_FOREIGN;
	else if (waiting >= N_WAITING)
		r->con_kind = SL_CON_MULTIPLEXED;
	else if (r->multiprogramming > 0 && r->parallelism >= 0.9 * r->multiprogramming)
		r->con_kind = SL_CON_CPU_BOUND;
	else
		r->con_kind = SL_CON_BLOCKING;
}

/* On-CPU time must be within 1% of the kernel's. */
#define XC_ONCPU_REL	0.01

/*
 * Tolerances (docs/metrics.md gives the measurements): counts exact,
 * on-CPU time 1%; run-queue wait XC_RQ_REL of the kernel's plus
 * XC_RQ_PER_WAIT for every stretch of it (a wakeup starts it at
 * sched_waking, the kernel at the enqueue that follows); block-I/O wait
 * XC_IO_REL plus XC_IO_PER_WAIT per wait: the kernel times it on
 * sched_clock, the stream on BOOTTIME, and for waits of tens of
 * microseconds the two disagree on this VM (docs/design.md).
 */
#define XC_RQ_REL	0.05
#define XC_RQ_PER_WAIT	20000ull	/* ns */
#define XC_IO_REL	0.05
#define XC_IO_PER_WAIT	80000ull	/* ns */
/*
 * Where the hypervisor took CPU time during the trace (steal), the
 * kernel's run time leaves it out and the probes' clock does not, and a
 * vCPU held up between a waking and its enqueue stretches one run-queue
 * wait and not the other: time counters may differ by the steal, read
 * per CPU in USER_HZ ticks (so up to a tick per CPU more than read).
 */
#define XC_STEAL_TICK_NS 10000000ull

static __u64 steal_allowance(const struct sl_trace_info *ti)
{
	if (!ti || !ti->steal_ns)
		return 0;
	return ti->steal_ns + (__u64)ti->ncpu * XC_STEAL_TICK_NS;
}

/* Counted events, compared exactly: switches, migrations, times scheduled in. */
static bool xc_is_count(int c)
{
	return c == SL_XC_VOLUNTARY || c == SL_XC_INVOLUNTARY || c == SL_XC_MIGRATIONS ||
	       c == SL_XC_PCOUNT;
}

static bool xc_within(int c, __u64 d, __u64 kv, const struct sl_task_row *row,
		      unsigned int edge, __u64 steal)
{
	if (xc_is_count(c))
		return d <= edge;	/* moves while read at the trace's edges (-p) */
	switch (c) {
	case SL_XC_ONCPU:
		return (double)d <= XC_ONCPU_REL * (double)kv + (double)steal;
	case SL_XC_RUN_DELAY:
		return (double)d <= XC_RQ_REL * (double)kv + (double)steal +
				    (double)(XC_RQ_PER_WAIT * (row->wakeups + row->invol_switches + 1));
	case SL_XC_BLKIO:
		return (double)d <= XC_IO_REL * (double)kv + (double)steal +
				    (double)(XC_IO_PER_WAIT * (row->io_waits + 1));
	default:
		return d == 0;
	}
}

static int crosscheck(struct analysis *a, const struct sl_trace_info *ti, struct sl_result *r)
{
	struct sl_crosscheck *x = &r->xc;

	x->mismatch = calloc((size_t)a->nr_tasks * SL_XC_MAX + 1, sizeof(*x->mismatch));
	if (!x->mismatch)
		return -ENOMEM;
	x->lost = ti ? sl_trace_info__lost(ti) : 0;
	x->steal_ns = ti ? ti->steal_ns : 0;
	x->steal_allowed_ns = steal_allowance(ti);
	x->late = ti ? ti->late_events : 0;
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		struct sl_task_row *row = &r->tasks[i];
		const struct a_task *t = &a->tasks[i];
		const struct sl_task_info *info = NULL;
		const struct sl_kstat *k = NULL;
		__u64 ours[SL_XC_MAX];
		unsigned int edge = 0;
		bool bad = false, by_edge = false;

		if (task_latest(a, row->pid) == i)
			info = ti_task(ti, row->pid);
		if (info && info->proc.valid) {
			k = &info->proc;
			row->xc_source = SL_XC_SRC_PROC;
			edge = (info->flags & SL_TASKF_EDGE_MASK) >> SL_TASKF_EDGE_SHIFT;
		} else if (info && info->death.valid) {
			k = &info->death;
			row->xc_source = SL_XC_SRC_DEATH;
		}
		row->xc_checked = 1u << SL_XC_VOLUNTARY | 1u << SL_XC_INVOLUNTARY |
				  1u << SL_XC_MIGRATIONS | 1u << SL_XC_ONCPU;
		if (k) {
			const struct sl_kstat *b = info->base.valid ? &info->base : NULL;

			row->kernel[SL_XC_VOLUNTARY] = k->nvcsw - (b ? b->nvcsw : 0);
			row->kernel[SL_XC_INVOLUNTARY] = k->nivcsw - (b ? b->nivcsw : 0);
			row->kernel[SL_XC_MIGRATIONS] = k->nr_migrations - (b ? b->nr_migrations : 0);
			row->kernel[SL_XC_ONCPU] = k->sum_exec_runtime_ns - (b ? b->sum_exec_runtime_ns : 0);
			/* -p: the base must have the same halves, else they are not comparable */
			if (k->sched_info && (!info->base.valid || info->base.sched_info)) {
				row->kernel[SL_XC_RUN_DELAY] = k->run_delay_ns - (b ? b->run_delay_ns : 0);
				row->kernel[SL_XC_PCOUNT] = k->pcount - (b ? b->pcount : 0);
				row->xc_checked |= 1u << SL_XC_RUN_DELAY | 1u << SL_XC_PCOUNT;
			}
			if (k->delay && (!info->base.valid || info->base.delay)) {
				/*
				 * Kept, not compared: on this VM delay accounting
				 * has read 3x our iowait for a pipe benchmark and
				 * once 8.7e6 s for a shell that lived 2 s, so a
				 * difference would not say which side is wrong.
				 */
				row->kernel[SL_XC_BLKIO] = k->blkio_delay_ns - (b ? b->blkio_delay_ns : 0);
			}
		} else if (t->kstat_valid) {
			row->xc_source = SL_XC_SRC_STREAM;
			row->kernel[SL_XC_VOLUNTARY] = t->k_nvcsw;
			row->kernel[SL_XC_INVOLUNTARY] = t->k_nivcsw;
			row->kernel[SL_XC_MIGRATIONS] = t->k_migr;
			row->kernel[SL_XC_ONCPU] = t->k_rt;
			if (t->k_sched_valid) {
				row->kernel[SL_XC_RUN_DELAY] = t->k_run_delay;
				row->kernel[SL_XC_PCOUNT] = t->k_pcount;
				row->xc_checked |= 1u << SL_XC_RUN_DELAY | 1u << SL_XC_PCOUNT;
			}
			/* the stream cannot say delay accounting was on throughout */
		} else {
			row->xc_checked = 0;
			continue;
		}
		/* an unreported wakeup hides when its run-queue wait began */
		if (row->wakeups_unreported)
			row->xc_checked &= ~(1u << SL_XC_RUN_DELAY);
		/*
		 * -p: a task first switched in with nothing known of it was
		 * waiting when tracing began, and the kernel's run_delay holds
		 * that wait from its start, before the trace.
		 */
		if (info && (info->flags & SL_TASKF_PREEXISTING) && t->in_unknown)
			row->xc_checked &= ~(1u << SL_XC_RUN_DELAY);
		ours[SL_XC_VOLUNTARY] = row->vol_switches;
		ours[SL_XC_INVOLUNTARY] = row->invol_switches;
		ours[SL_XC_MIGRATIONS] = row->migrations;
		ours[SL_XC_ONCPU] = row->on_cpu_ns;
		/* run_delay starts at the enqueue: a late one is not in it */
		ours[SL_XC_RUN_DELAY] = row->state_ns[SL_TS_RUNNABLE_WAKEUP] +
					row->state_ns[SL_TS_RUNNABLE_PREEMPT];
		ours[SL_XC_RUN_DELAY] -= row->late_enqueue_ns < ours[SL_XC_RUN_DELAY] ?
						 row->late_enqueue_ns : ours[SL_XC_RUN_DELAY];
		/* timed as the kernel did, on its lagging rq clock (SL_EV_RQ_LAG) */
		ours[SL_XC_RUN_DELAY] += row->rq_lag_add_ns;
		ours[SL_XC_RUN_DELAY] -= row->rq_lag_sub_ns < ours[SL_XC_RUN_DELAY] ?
						 row->rq_lag_sub_ns : ours[SL_XC_RUN_DELAY];
		ours[SL_XC_PCOUNT] = row->switch_ins + row->switch_ins_inferred;
		ours[SL_XC_BLKIO] = row->iowait_ns;
		x->nr_checked++;
		x->counters |= row->xc_checked;
		for (int c = 0; c < SL_XC_MAX; c++) {
			__u64 kv = row->kernel[c], d = ours[c] > kv ? ours[c] - kv : kv - ours[c];

			/*
			 * Without lag records (raw_tp, earlier builds) run_delay
			 * lies between ours less the idle CPUs' part and ours.
			 */
			if (c == SL_XC_RUN_DELAY && ours[c] > kv && !a->nr_rq_lags)
				d -= d < row->idle_in_ns ? d : row->idle_in_ns;
			/* read at the end, it lacks a wait still open then (-p) */
			if (c == SL_XC_RUN_DELAY && ours[c] > kv && row->xc_source == SL_XC_SRC_PROC)
				d -= d < t->rq_open_ns ? d : t->rq_open_ns;

			if (!(row->xc_checked & (1u << c)))
				continue;
			if (xc_within(c, d, kv, row, edge, x->steal_allowed_ns)) {
				by_edge |= d && xc_is_count(c);
				continue;
			}
			bad = true;
			x->mismatch[x->nr_mismatches++] = (struct sl_xc_mismatch){
				.task = i, .counter = (__u8)c, .ours = ours[c], .kernel = kv,
			};
		}
		row->xc_ok = !bad;
		x->nr_mismatched += bad;
		x->nr_edge += by_edge;
	}
	x->ok = x->nr_checked && !x->nr_mismatches && !x->lost;
	x->prog_misses = ti ? ti->prog_misses : 0;
	return 0;
}

/*
 * A program without the lab's queues: its busiest channel speaks for the
 * run (most wakeups through it, a data channel before any condition), as
 * the busiest queue does for the lab's.  Not the most blocked: a parent
 * that waits the whole run for one result on a pipe blocks longest on a
 * channel that carried one item.  Ties go to the first listed.  Where
 * channels form a pipeline, the busier of its limiting stage's two
 * channels speaks: the busiest channel of `awk | uniq | wc` is uniq's to
 * wc, whose producer only waits for awk.  In a closed loop its
 * downstream channel, which the stage produces into: upstream, its
 * clients (or its server) seem to sleep outside the channel, waiting for
 * the stage on the other one.
 */
static __u32 speaking_channel(const struct sl_result *r)
{
	__s32 up = r->pipeline.upstream, down = r->pipeline.downstream;
	__u32 best = 0;

	if (r->pipeline.stage_tgid && r->pipeline.closed)
		return (__u32)down;
	if (r->pipeline.stage_tgid)
		return (__u32)(up < 0 ? down : down < 0 ? up :
			       r->channels[down].wakeups >= r->channels[up].wakeups ? down : up);
	for (__u32 i = 1; i < r->nr_channels; i++) {
		const struct sl_channel_row *c = &r->channels[i], *b = &r->channels[best];

		if (c->condition == b->condition && c->wakeups > b->wakeups)
			best = i;
	}
	return best;
}

/* A quarter of their lives waiting for one lock: the side waits for the lock more than for work. */
#define V_SIDE_LOCKED 0.25

/* The share of its life the side channel ch's verdict names waited for lock lk. */
static double side_lock_share(const struct sl_result *r, const struct sl_channel_row *ch,
			      const struct sl_lock_row *lk)
{
	const struct sl_queue_side *x = sl_queue_row__judged(&ch->q);
	__u64 waited = 0;

	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if ((ch->q.verdict_who == SL_VW_PRODUCERS && !ct->producer) ||
		    (ch->q.verdict_who == SL_VW_CONSUMERS && !ct->consumer))
			continue;
		for (__u32 m = 0; m < lk->nr_tasks; m++)
			if (r->lock_tasks[lk->first_task + m].task == ct->task)
				waited += r->lock_tasks[lk->first_task + m].blocked_ns;
	}
	return x->alive_ns ? (double)waited / (double)x->alive_ns : 0;
}

/*
 * The run's verdict: its busiest queue's, else its speaking channel's,
 * unless a lock-bound lock speaks where no channel does, where that
 * channel is balanced (no side of it limits the other, and the lock's
 * takers wait for one another: threads serialised by Python's GIL), or
 * where the side that channel's verdict names waits for that lock a
 * quarter of its time or more (a Python server's worker threads, "busy"
 * between their waits for the GIL: more of them would not help).
 */
static void run_verdict(struct sl_result *r)
{
	bool lock = r->nr_locks && r->locks[0].lock_bound;
	__u32 best;

	r->verdict_channel = -1;
	r->verdict_lock = -1;
	if (r->verdict_queue >= 0)
		return;
	best = speaking_channel(r);
	if (lock && (!r->nr_channels || r->channels[best].q.verdict == SL_V_BALANCED ||
		     side_lock_share(r, &r->channels[best], &r->locks[0]) >= V_SIDE_LOCKED)) {
		r->verdict_lock = 0;
		r->verdict = SL_V_LOCK_BOUND;
		return;
	}
	if (!r->nr_channels)
		return;
	r->verdict_channel = (__s32)best;
	r->verdict = r->channels[best].q.verdict;
}

/* Copies the name of the futex at obj (of process tgid, 0 for any) into name. */
static void obj_name(const struct sl_trace_info *ti, __u8 kind, __u32 tgid, __u64 obj,
		     char *name)
{
	const char *n = kind == SL_WK_FUTEX && ti ? sl_trace_info__obj_name(ti, tgid, obj) : NULL;

	snprintf(name, SL_OBJ_NAME_LEN, "%s", n ? n : "");
}

/* The variables behind the futexes of the result's rows, as the tracer found them. */
static void name_objects(const struct sl_trace_info *ti, struct sl_result *r)
{
	if (!ti || !ti->nr_obj_names)
		return;
	for (__u32 i = 0; i < r->nr_waits; i++) {
		struct sl_wait_row *w = &r->waits[i];

		obj_name(ti, w->kind, w->scope ? w->scope : r->tasks[w->task].tgid, w->obj, w->name);
	}
	for (__u32 i = 0; i < r->nr_channels; i++) {
		struct sl_channel_row *c = &r->channels[i];

		obj_name(ti, c->kind, c->scope, c->obj, c->name);
		if (c->lock_proxy_ns)
			obj_name(ti, c->lock_kind, c->lock_scope, c->lock_obj, c->lock_name);
	}
	for (__u32 i = 0; i < r->nr_locks; i++)
		obj_name(ti, r->locks[i].kind, r->locks[i].scope, r->locks[i].obj, r->locks[i].name);
}

int analysis_build_result(struct analysis *a, const struct sl_trace_info *ti)
{
	struct sl_result *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	a->res = r;
	r->ncpu = a->ncpu;
	if (a->t0_set) {
		r->t0 = a->t0;
		r->t1 = a->snap_ts;
		r->wall_ns = r->t1 > r->t0 ? r->t1 - r->t0 : 0;
	}
	r->trace_start = a->stream_start;
	r->trace_end = a->now;
	if (ti && ti->nr_foreign <= SL_FOREIGN_MAX) {
		r->nr_foreign = ti->nr_foreign;
		memcpy(r->foreign, ti->foreign, sizeof(r->foreign));
	}
	r->nr_events = a->nr_events;

	aw_settle(a);
	err = build_tasks(a, ti, r);
	if (!err)
		err = aw_finish(a, r);
	if (!err)
		err = build_levels(a, r);
	if (!err)
		err = build_cpus(a, ti, r);
	if (!err)
		err = build_wakeups(a, r);
	if (!err)
		err = aq_finish(a, ti, r);
	if (!err)
		err = ac_channels(a, r);
	if (!err)
		err = ac_locks(a, r);
	if (!err)
		run_verdict(r);
	if (!err)
		name_objects(ti, r);
	if (!err)
		err = crosscheck(a, ti, r);
	if (!err)
		err = procs_build(a, r);
	if (!err)
		err = lat_build(a, r);
	if (err)
		return err;
	readings(r);
	return 0;
}
