// SPDX-License-Identifier: GPL-2.0
/*
 * CSV tables for scripts: one table per call, a header line first, times
 * in ns, fractions 0..1.  The per-interval table is streamed from the
 * analysis callback, so it costs no memory however long the trace.
 */
#include <errno.h>
#include <string.h>
#include "analysis/analysis_hist.h"
#include "explain.h"
#include "format/wait.h"
#include "report.h"
#include "report_priv.h"

static const char *const table_names[REPORT_CSV_MAX] = {
	[REPORT_CSV_TASKS] = "tasks",
	[REPORT_CSV_ROLES] = "roles",
	[REPORT_CSV_CPUS] = "cpus",
	[REPORT_CSV_LEVELS] = "levels",
	[REPORT_CSV_QUEUES] = "queues",
	[REPORT_CSV_WAKEUPS] = "wakeups",
	[REPORT_CSV_MIGRATIONS] = "migrations",
	[REPORT_CSV_PROCESSES] = "processes",
	[REPORT_CSV_SLOW] = "slow-wakeups",
	[REPORT_CSV_WAITS] = "waits",
	[REPORT_CSV_CHANNELS] = "channels",
	[REPORT_CSV_LOCKS] = "locks",
	[REPORT_CSV_INTERVALS] = "intervals",
};

const char *report__csv_table_name(unsigned int t)
{
	return t < REPORT_CSV_MAX ? table_names[t] : NULL;
}

int report__csv_table_parse(const char *name, enum report_csv_table *t)
{
	for (int i = 0; i < REPORT_CSV_MAX; i++) {
		if (!strcmp(name, table_names[i])) {
			*t = (enum report_csv_table)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void state_header(FILE *f)
{
	for (int s = 0; s < SL_TS_MAX; s++) {
		fputs(",", f);
		for (const char *p = sl_task_state_name(s); *p; p++)
			fputc(*p == '-' ? '_' : *p, f);
		fputs("_ns", f);
	}
}

static void state_values(FILE *f, const __u64 *ns)
{
	for (int s = 0; s < SL_TS_MAX; s++)
		fprintf(f, ",%llu", (unsigned long long)ns[s]);
}

static void tasks(FILE *f, const struct sl_result *r)
{
	static const char *const src[] = { "none", "proc", "death", "stream" };

	fputs("pid,tgid,ppid,comm,role,first_ns,last_ns,on_cpu_ns,off_cpu_ns", f);
	state_header(f);
	fputs(",voluntary,involuntary,migrations,migrations_after_wakeup,wakeups,slices,cpus_used,"
	      "rq_count,rq_sum_ns,rq_max_ns,exited,exit_status,producer,consumer,kernel_source,"
	      "kernel_ok,kernel_voluntary,kernel_involuntary,kernel_migrations,kernel_on_cpu_ns,"
	      "kernel_run_delay_ns,kernel_pcount,kernel_blkio_delay_ns,process,rq_p50_ns,rq_p90_ns,"
	      "rq_p99_ns,rq_max_at_ns,policy,nice,rt_priority,cgroup_id,late_enqueues,"
	      "late_enqueue_ns\n", f);
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_task_row *t = &r->tasks[i];

		fprintf(f, "%u,%u,%u,", t->pid, t->tgid, t->ppid);
		report_csv_str(f, t->comm);
		fputc(',', f);
		report_csv_str(f, r->roles[t->role].name);
		fprintf(f, ",%llu,%llu,%llu,%llu", (unsigned long long)t->first_ts,
			(unsigned long long)t->last_ts, (unsigned long long)t->on_cpu_ns,
			(unsigned long long)t->off_cpu_ns);
		state_values(f, t->state_ns);
		fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%u,%llu,%llu,%llu,%d,%d,%d,%d,%s,%d",
			(unsigned long long)t->vol_switches, (unsigned long long)t->invol_switches,
			(unsigned long long)t->migrations, (unsigned long long)t->migrations_wakeup,
			(unsigned long long)t->wakeups, (unsigned long long)t->slices, t->cpus_used,
			(unsigned long long)t->rq_latency.count, (unsigned long long)t->rq_latency.sum,
			(unsigned long long)t->rq_latency.max, t->exited, t->exit_status, t->producer,
			t->consumer, src[t->xc_source < 4 ? t->xc_source : 0], t->xc_ok);
		/* an empty field: that counter was not compared */
		for (int c = 0; c < SL_XC_MAX; c++)
			if (t->xc_checked & (1u << c))
				fprintf(f, ",%llu", (unsigned long long)t->kernel[c]);
			else
				fputc(',', f);
		fprintf(f, ",%u,%llu,%llu,%llu,%llu,", t->proc,
			(unsigned long long)t->rq_latency.p50, (unsigned long long)t->rq_latency.p90,
			(unsigned long long)t->rq_latency.p99, (unsigned long long)t->rq_max_ts);
		/* scheduling class: empty where never seen */
		if (t->attr.known)
			fprintf(f, "%s,%d,%u,", sl_policy_name(t->attr.policy), t->attr.nice,
				t->attr.rt_priority);
		else
			fputs(",,,", f);
		if (t->attr.cgroup_id)
			fprintf(f, "%llu", (unsigned long long)t->attr.cgroup_id);
		fprintf(f, ",%llu,%llu\n", (unsigned long long)t->late_enqueues,
			(unsigned long long)t->late_enqueue_ns);
	}
}

/* One row per process and per group (processes > 1); row = its index, parent/group index or empty. */
static void processes(FILE *f, const struct sl_result *r)
{
	fputs("row,pid,ppid,parent_row,group_row,depth,comm,name,role,processes,threads,"
	      "exited_threads,first_ns,last_ns,lifetime_ns,on_cpu_ns,off_cpu_ns", f);
	state_header(f);
	fputs(",voluntary,involuntary,migrations,wakeups,slices,cpus_used,rq_count,rq_sum_ns,"
	      "rq_max_ns,exit_status,waited_by_row,waited,kernel_checked_threads,"
	      "kernel_mismatched_threads,kernel_voluntary,kernel_involuntary,kernel_migrations,"
	      "kernel_on_cpu_ns,kernel_run_delay_ns,kernel_pcount,kernel_blkio_delay_ns,rq_p50_ns,"
	      "rq_p90_ns,rq_p99_ns,rq_max_at_ns,args\n", f);
	for (__u32 i = 0; i < r->nr_procs; i++) {
		const struct sl_proc_row *p = &r->procs[i];

		fprintf(f, "%u,%u,%u,", i, p->tgid, p->ppid);
		if (p->parent != SL_NO_TASK)
			fprintf(f, "%u", p->parent);
		fputc(',', f);
		if (p->group != SL_NO_TASK)
			fprintf(f, "%u", p->group);
		fprintf(f, ",%u,", p->depth);
		report_csv_str(f, p->comm);
		fputc(',', f);
		report_csv_str(f, p->name);
		fputc(',', f);
		report_csv_str(f, r->roles[p->role].name);
		fprintf(f, ",%u,%u,%u,%llu,%llu,%llu,%llu,%llu", p->nr_procs, p->nr_threads,
			p->nr_exited, (unsigned long long)p->first_ts, (unsigned long long)p->last_ts,
			(unsigned long long)p->lifetime_ns, (unsigned long long)p->on_cpu_ns,
			(unsigned long long)p->off_cpu_ns);
		state_values(f, p->state_ns);
		fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%u,%llu,%llu,%llu,%d,",
			(unsigned long long)p->vol_switches, (unsigned long long)p->invol_switches,
			(unsigned long long)p->migrations, (unsigned long long)p->wakeups,
			(unsigned long long)p->slices, p->cpus_used,
			(unsigned long long)p->rq_latency.count, (unsigned long long)p->rq_latency.sum,
			(unsigned long long)p->rq_latency.max, p->exit_status);
		if (p->waited_by != SL_NO_TASK)
			fprintf(f, "%u", p->waited_by);
		fprintf(f, ",%u,%u,%u", p->nr_waited, p->xc_checked, p->xc_mismatched);
		for (int c = 0; c < SL_XC_MAX; c++)
			fprintf(f, ",%llu", (unsigned long long)p->kernel[c]);
		fprintf(f, ",%llu,%llu,%llu,%llu,", (unsigned long long)p->rq_latency.p50,
			(unsigned long long)p->rq_latency.p90, (unsigned long long)p->rq_latency.p99,
			(unsigned long long)p->rq_max_ts);
		report_csv_str(f, p->args);
		fputc('\n', f);
	}
}

/* --slower-than: every listed wakeup (empty without the option). */
static void slow(FILE *f, const struct sl_result *r)
{
	fputs("woken_ns,enqueued_ns,running_ns,latency_ns,pid,tgid,comm,cpu,waker_pid,waker_comm\n", f);
	for (__u32 i = 0; i < r->nr_slow; i++) {
		const struct sl_slow_wakeup *s = &r->slow[i];
		const struct sl_task_row *t = &r->tasks[s->task];

		fprintf(f, "%llu,%llu,%llu,%llu,%u,%u,", (unsigned long long)s->wake_ts,
			(unsigned long long)s->enq_ts, (unsigned long long)s->run_ts, (unsigned long long)s->latency_ns, t->pid,
			t->tgid);
		report_csv_str(f, t->comm);
		fprintf(f, ",%u,", s->cpu);
		if (s->waker != SL_NO_TASK && s->waker < r->nr_tasks) {
			fprintf(f, "%u,", r->tasks[s->waker].pid);
			report_csv_str(f, r->tasks[s->waker].comm);
		} else {
			fputs(",(untraced)", f);
		}
		fputc('\n', f);
	}
}

static void roles(FILE *f, const struct sl_result *r)
{
	fputs("role,tasks,on_cpu_ns,off_cpu_ns,alive_ns", f);
	state_header(f);
	fputs(",voluntary,involuntary,migrations,wakeups,rq_count,rq_sum_ns,rq_max_ns\n", f);
	for (__u32 i = 0; i < r->nr_roles; i++) {
		const struct sl_role_row *ro = &r->roles[i];

		report_csv_str(f, ro->name);
		fprintf(f, ",%u,%llu,%llu,%llu", ro->nr_tasks, (unsigned long long)ro->on_cpu_ns,
			(unsigned long long)ro->off_cpu_ns, (unsigned long long)ro->alive_ns);
		state_values(f, ro->state_ns);
		fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
			(unsigned long long)ro->vol_switches, (unsigned long long)ro->invol_switches,
			(unsigned long long)ro->migrations, (unsigned long long)ro->wakeups,
			(unsigned long long)ro->rq_latency.count,
			(unsigned long long)ro->rq_latency.sum, (unsigned long long)ro->rq_latency.max);
	}
}

static void cpus(FILE *f, const struct sl_result *r)
{
	fputs("cpu,workload_ns,other_ns,idle_ns,unknown_ns,kernel_workload_ns,kernel_other_ns,"
	      "kernel_idle_ns,lost,distinct_tasks,slices,slice_sum_ns,slice_min_ns,slice_p50_ns,"
	      "slice_p90_ns,slice_p99_ns,slice_max_ns\n", f);
	for (__u32 i = 0; i < r->ncpu; i++) {
		const struct sl_cpu_row *c = &r->cpus[i];

		fprintf(f, "%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%u,%llu,%llu,%llu,%llu,%llu,"
			"%llu,%llu\n", c->cpu, (unsigned long long)c->traced_ns,
			(unsigned long long)c->other_ns, (unsigned long long)c->idle_ns,
			(unsigned long long)c->unknown_ns, (unsigned long long)c->k_traced_ns,
			(unsigned long long)c->k_other_ns, (unsigned long long)c->k_idle_ns,
			(unsigned long long)c->lost, c->distinct_tasks,
			(unsigned long long)c->slice.count, (unsigned long long)c->slice.sum,
			(unsigned long long)c->slice.min, (unsigned long long)c->slice.p50,
			(unsigned long long)c->slice.p90, (unsigned long long)c->slice.p99,
			(unsigned long long)c->slice.max);
	}
}

static void levels(FILE *f, const struct sl_result *r)
{
	__u32 n = r->ncpu + 1;

	if (r->nr_con_levels > n)
		n = r->nr_con_levels;
	if (r->nr_mp_levels > n)
		n = r->nr_mp_levels;
	fputs("level,parallelism_ns,concurrency_ns,multiprogramming_ns\n", f);
	for (__u32 l = 0; l < n; l++)
		fprintf(f, "%u,%llu,%llu,%llu\n", l,
			(unsigned long long)(l <= r->ncpu ? r->par_level_ns[l] : 0),
			(unsigned long long)(l < r->nr_con_levels ? r->con_level_ns[l] : 0),
			(unsigned long long)(l < r->nr_mp_levels ? r->mp_level_ns[l] : 0));
}

static void queues(FILE *f, const struct sl_result *r)
{
	fputs("qid,capacity,capacity_source,window_ns,pushes,pops,stop_messages,throughput_per_s,"
	      "mean_depth,max_depth,full_share,empty_share,producers_blocked_full_ns,"
	      "consumers_blocked_empty_ns,lock_wait_ns,delay_count,delay_mean_ns,delay_p50_ns,"
	      "delay_p99_ns,delay_max_ns,little_mean_depth,little_throughput_x_delay,"
	      "little_relative_difference,verdict,reason,advice\n", f);
	for (__u32 i = 0; i < r->nr_queues; i++) {
		const struct sl_queue_row *q = &r->queues[i];
		char why[EXPLAIN_LEN];

		fprintf(f, "%u,%u,%s,%llu,%llu,%llu,%llu,%.9g,%.9g,%u,%.9g,%.9g,%llu,%llu,%llu,%llu,"
			"%.9g,%llu,%llu,%llu,%.9g,%.9g,%.9g,%s,", q->qid, q->capacity,
			q->capacity_from_config ? "config" : "max_depth",
			(unsigned long long)q->window_ns, (unsigned long long)q->pushes,
			(unsigned long long)q->pops, (unsigned long long)q->pills, q->throughput,
			q->mean_depth, q->max_depth, q->full_frac, q->empty_frac,
			(unsigned long long)q->prod_blocked_ns, (unsigned long long)q->cons_blocked_ns,
			(unsigned long long)q->lock_wait_ns, (unsigned long long)q->delay.count,
			sl_dist_mean(&q->delay), (unsigned long long)q->delay.p50,
			(unsigned long long)q->delay.p99, (unsigned long long)q->delay.max,
			q->little_l, q->little_lw, q->little_rel_diff, sl_verdict_name(q->verdict));
		report_csv_str(f, explain__verdict(r, q, why, sizeof(why)));
		fputc(',', f);
		report_csv_str(f, explain__advice(q, why, sizeof(why)));
		fputc('\n', f);
	}
}

static void wakeup_edges(FILE *f, const struct sl_result *r)
{
	fputs("waker_pid,waker_comm,wakee_pid,wakee_comm,count,delay_ns\n", f);
	for (__u32 i = 0; i < r->nr_wake_edges; i++) {
		const struct sl_wake_edge *e = &r->wake_edges[i];
		bool traced = e->waker != SL_NO_TASK && e->waker < r->nr_tasks;

		if (traced) {
			fprintf(f, "%u,", r->tasks[e->waker].pid);
			report_csv_str(f, r->tasks[e->waker].comm);
		} else {
			fputs(",(untraced)", f);
		}
		fprintf(f, ",%u,", r->tasks[e->wakee].pid);
		report_csv_str(f, r->tasks[e->wakee].comm);
		fprintf(f, ",%llu,%llu\n", (unsigned long long)e->count,
			(unsigned long long)e->delay_ns);
	}
}

static void migrations(FILE *f, const struct sl_result *r)
{
	fputs("from_cpu,to_cpu,count\n", f);
	for (__u32 a = 0; a < r->ncpu; a++)
		for (__u32 b = 0; b < r->ncpu; b++)
			if (r->mig_matrix[a * r->ncpu + b])
				fprintf(f, "%u,%u,%llu\n", a, b,
					(unsigned long long)r->mig_matrix[a * r->ncpu + b]);
}

static void waits(FILE *f, const struct sl_result *r)
{
	char label[96];

	fputs("pid,tgid,comm,kind,object,id,scope_tgid,syscall,writing,state,blocked_ns,blocks\n", f);
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_task_row *t = &r->tasks[i];

		for (__u32 k = 0; k < t->nr_waits; k++) {
			const struct sl_wait_row *w = &r->waits[t->first_wait + k];
			const char *sc = w->kind == SL_WK_SYSCALL ? sl_syscall_name(w->nr_syscall) : NULL;

			fprintf(f, "%u,%u,", t->pid, t->tgid);
			report_csv_str(f, t->comm);
			fprintf(f, ",%s,", sl_wait_kind_name(w->kind));
			report_csv_str(f, report_wait_object(label, sizeof(label), w));
			fprintf(f, ",%llu,%u,%s,%d,%s,%llu,%llu\n", (unsigned long long)w->obj, w->scope,
				sc ? sc : "", !!(w->detail & SL_WD_WRITE), sl_task_state_name(w->state),
				(unsigned long long)w->blocked_ns, (unsigned long long)w->blocks);
		}
	}
}

/* One row per task of each channel: its figures, then the task's side and its own. */
static void channels(FILE *f, const struct sl_result *r)
{
	char label[96], why[EXPLAIN_LEN];

	fputs("channel,kind,object,name,condition,pair,wakeups,producers_blocked_room_ns,"
	      "consumers_blocked_data_ns,behind_lock_ns,verdict,reason,pid,tgid,comm,producer,"
	      "consumer,blocked_ns,wakeups_given\n", f);
	for (__u32 i = 0; i < r->nr_channels; i++) {
		const struct sl_channel_row *ch = &r->channels[i];

		for (__u32 k = 0; k < ch->nr_tasks; k++) {
			const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];
			const struct sl_task_row *t = &r->tasks[ct->task];

			fprintf(f, "%u,%s,", i, sl_wait_kind_name(ch->kind));
			report_csv_str(f, report_channel_object(label, sizeof(label), ch));
			fputc(',', f);
			report_csv_str(f, ch->name);
			fprintf(f, ",%d,%d,%llu,%llu,%llu,%llu,%s,", ch->condition, ch->pair,
				(unsigned long long)ch->wakeups,
				(unsigned long long)ch->q.prod_blocked_ns,
				(unsigned long long)ch->q.cons_blocked_ns,
				(unsigned long long)ch->lock_proxy_ns, sl_verdict_name(ch->q.verdict));
			report_csv_str(f, explain__verdict(r, &ch->q, why, sizeof(why)));
			fprintf(f, ",%u,%u,", t->pid, t->tgid);
			report_csv_str(f, t->comm);
			fprintf(f, ",%d,%d,%llu,%llu\n", ct->producer, ct->consumer,
				(unsigned long long)ct->blocked_ns, (unsigned long long)ct->woke);
		}
	}
}

/* One row per taker of each contended lock. */
static void locks(FILE *f, const struct sl_result *r)
{
	char label[96];

	fputs("lock,kind,object,name,handoffs,wait_ns,behind_channel_ns,contention_share,"
	      "lock_bound,pid,tgid,comm,blocked_ns,handoffs_given\n", f);
	for (__u32 i = 0; i < r->nr_locks; i++) {
		const struct sl_lock_row *lk = &r->locks[i];

		for (__u32 k = 0; k < lk->nr_tasks; k++) {
			const struct sl_lock_task *lt = &r->lock_tasks[lk->first_task + k];
			const struct sl_task_row *t = &r->tasks[lt->task];

			fprintf(f, "%u,%s,", i, sl_wait_kind_name(lk->kind));
			report_csv_str(f, report_lock_object(label, sizeof(label), lk));
			fputc(',', f);
			report_csv_str(f, lk->name);
			fprintf(f, ",%llu,%llu,%llu,%.9g,%d,%u,%u,", (unsigned long long)lk->handoffs,
				(unsigned long long)lk->wait_ns, (unsigned long long)lk->behind_ns,
				lk->contention_frac, lk->lock_bound, t->pid, t->tgid);
			report_csv_str(f, t->comm);
			fprintf(f, ",%llu,%llu\n", (unsigned long long)lt->blocked_ns,
				(unsigned long long)lt->woke);
		}
	}
}

int report__csv_table(FILE *f, enum report_csv_table t, const struct sl_result *r,
		      const struct sl_trace_info *ti)
{
	(void)ti;
	if (!r)
		return -EINVAL;
	switch (t) {
	case REPORT_CSV_TASKS:
		tasks(f, r);
		break;
	case REPORT_CSV_ROLES:
		roles(f, r);
		break;
	case REPORT_CSV_CPUS:
		cpus(f, r);
		break;
	case REPORT_CSV_LEVELS:
		levels(f, r);
		break;
	case REPORT_CSV_QUEUES:
		queues(f, r);
		break;
	case REPORT_CSV_WAKEUPS:
		wakeup_edges(f, r);
		break;
	case REPORT_CSV_MIGRATIONS:
		migrations(f, r);
		break;
	case REPORT_CSV_PROCESSES:
		processes(f, r);
		break;
	case REPORT_CSV_SLOW:
		slow(f, r);
		break;
	case REPORT_CSV_WAITS:
		waits(f, r);
		break;
	case REPORT_CSV_CHANNELS:
		channels(f, r);
		break;
	case REPORT_CSV_LOCKS:
		locks(f, r);
		break;
	default:
		return -EINVAL;	/* REPORT_CSV_INTERVALS is streamed, not a table of r */
	}
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

int report__csv(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti)
{
	return report__csv_table(f, REPORT_CSV_TASKS, r, ti);
}

int report__csv_intervals_header(FILE *f)
{
	fputs("kind,start_ns,end_ns,pid,cpu,state\n", f);
	return ferror(f) ? -EIO : 0;
}

void report__csv_interval(const struct sl_interval *iv, void *file)
{
	FILE *f = file;

	if (iv->kind == SL_IV_TASK) {
		fprintf(f, "task,%llu,%llu,%u,", (unsigned long long)iv->start,
			(unsigned long long)iv->end, iv->pid);
		if (iv->cpu != 0xffff)
			fprintf(f, "%u", iv->cpu);
		fprintf(f, ",%s\n", sl_task_state_name(iv->state));
		return;
	}
	fprintf(f, "cpu,%llu,%llu,", (unsigned long long)iv->start, (unsigned long long)iv->end);
	if (iv->pid == SL_OCC_IDLE)
		fputs("idle", f);
	else if (iv->pid == SL_OCC_OTHER)
		fputs("other", f);
	else
		fprintf(f, "%u", iv->pid);
	fprintf(f, ",%u,\n", iv->cpu);
}
