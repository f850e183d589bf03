// SPDX-License-Identifier: GPL-2.0
/*
 * The report as one JSON object (docs/json-schema.md).  Times are integer
 * ns, fractions are 0..1, averages are plain numbers; keys are never
 * removed or renamed within a schema_version, only added.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include "analysis/analysis_hist.h"
#include "explain.h"
#include "format/wait.h"
#include "offcpu_report.h"
#include "report.h"
#include "report_priv.h"

struct jw {
	FILE *f;
	int depth;
	bool first[32];
};

static void jw_sep(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	fprintf(w->f, "\n%*s", 2 * w->depth, "");
	if (key) {
		report_json_str(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_sep(w, key);
	fputc(c, w->f);
	w->first[++w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
}

#define jw_obj(w, k)	jw_open(w, k, '{')
#define jw_arr(w, k)	jw_open(w, k, '[')
#define jw_end_obj(w)	jw_close(w, '}')
#define jw_end_arr(w)	jw_close(w, ']')

static void jw_u64(struct jw *w, const char *key, __u64 v)
{
	jw_sep(w, key);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

static void jw_i64(struct jw *w, const char *key, long long v)
{
	jw_sep(w, key);
	fprintf(w->f, "%lld", v);
}

static void jw_num(struct jw *w, const char *key, double v)
{
	jw_sep(w, key);
	if (isfinite(v))
		fprintf(w->f, "%.9g", v);
	else
		fputs("null", w->f);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_sep(w, key);
	if (s)
		report_json_str(w->f, s);
	else
		fputs("null", w->f);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_sep(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_null(struct jw *w, const char *key)
{
	jw_sep(w, key);
	fputs("null", w->f);
}

static void jw_u64s(struct jw *w, const char *key, const __u64 *v, __u32 n)
{
	jw_sep(w, key);
	fputc('[', w->f);
	for (__u32 i = 0; i < n; i++)
		fprintf(w->f, "%s%llu", i ? ", " : "", (unsigned long long)v[i]);
	fputc(']', w->f);
}

static void dist(struct jw *w, const char *key, const struct sl_dist *d)
{
	jw_obj(w, key);
	jw_u64(w, "count", d->count);
	jw_u64(w, "sum_ns", d->sum);
	jw_num(w, "mean_ns", sl_dist_mean(d));
	jw_u64(w, "min_ns", d->min);
	jw_u64(w, "p50_ns", d->p50);
	jw_u64(w, "p90_ns", d->p90);
	jw_u64(w, "p99_ns", d->p99);
	jw_u64(w, "max_ns", d->max);
	jw_end_obj(w);
}

static void states(struct jw *w, const char *key, const __u64 *ns)
{
	jw_obj(w, key);
	for (int s = 0; s < SL_TS_MAX; s++)
		jw_u64(w, sl_task_state_name(s), ns[s]);
	jw_end_obj(w);
}

static void level(struct jw *w, const char *key, double avg, __u32 max, const __u64 *lv, __u32 n,
		  __u64 wall, const char *note)
{
	jw_obj(w, key);
	jw_num(w, "average", avg);
	jw_u64(w, "max", max);
	jw_u64s(w, "level_ns", lv, n);
	jw_sep(w, "level_share");
	fputc('[', w->f);
	for (__u32 i = 0; i < n; i++)
		fprintf(w->f, "%s%.9g", i ? ", " : "", wall ? (double)lv[i] / (double)wall : 0.0);
	fputc(']', w->f);
	jw_str(w, "meaning", note);
	jw_end_obj(w);
}

static void task_ref(struct jw *w, const char *key, const struct sl_result *r, __u32 idx)
{
	if (idx == SL_NO_TASK || idx >= r->nr_tasks) {
		jw_null(w, key);
		return;
	}
	jw_obj(w, key);
	jw_u64(w, "pid", r->tasks[idx].pid);
	jw_str(w, "comm", r->tasks[idx].comm);
	jw_end_obj(w);
}

static const char *const xc_src[] = { "none", "proc", "death", "stream" };
static const char *const xc_keys[SL_XC_MAX] = {
	"voluntary", "involuntary", "migrations", "on_cpu_ns", "run_delay_ns", "pcount",
	"blkio_delay_ns",
};

/* The variable holding a futex (its symbol), or null. */
static void obj_name(struct jw *w, const char *name)
{
	if (name[0])
		jw_str(w, "name", name);
	else
		jw_null(w, "name");
}

static void wait_objects(struct jw *w, const struct sl_result *r, const struct sl_task_row *t)
{
	char label[96];

	jw_arr(w, "waits");
	for (__u32 k = 0; k < t->nr_waits; k++) {
		const struct sl_wait_row *x = &r->waits[t->first_wait + k];

		jw_obj(w, NULL);
		jw_str(w, "kind", sl_wait_kind_name(x->kind));
		jw_str(w, "object", report_wait_object(label, sizeof(label), x));
		obj_name(w, x->name);
		jw_u64(w, "id", x->obj);
		jw_u64(w, "scope_tgid", x->scope);
		if (x->kind == SL_WK_SYSCALL) {
			const char *sc = sl_syscall_name(x->nr_syscall);

			if (sc)
				jw_str(w, "syscall", sc);
			else
				jw_u64(w, "syscall", x->nr_syscall);
		}
		jw_bool(w, "writing", x->detail & SL_WD_WRITE);
		jw_str(w, "state", sl_task_state_name(x->state));
		jw_u64(w, "blocked_ns", x->blocked_ns);
		jw_u64(w, "blocks", x->blocks);
		if (x->cap) {
			jw_u64(w, "fill_max", x->fill_max);
			jw_u64(w, "capacity", x->cap);
		}
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

/* Scheduling class and cgroup, null when never seen. */
static void sched_attr(struct jw *w, const struct sl_sched_attr *a, const struct sl_trace_info *ti)
{
	if (!a->known) {
		jw_null(w, "sched");
		return;
	}
	jw_obj(w, "sched");
	jw_str(w, "policy", sl_policy_name(a->policy));
	jw_i64(w, "nice", a->nice);
	jw_u64(w, "rt_priority", a->rt_priority);
	if (a->cgroup_id)
		jw_u64(w, "cgroup_id", a->cgroup_id);
	else
		jw_null(w, "cgroup_id");
	jw_str(w, "cgroup", ti && a->cgroup_id ? sl_trace_info__cgroup_path(ti, a->cgroup_id) : NULL);
	jw_end_obj(w);
}

static void task(struct jw *w, const struct sl_result *r, const struct sl_task_row *t,
		 const struct sl_trace_info *ti)
{
	jw_obj(w, NULL);
	jw_u64(w, "pid", t->pid);
	jw_u64(w, "tgid", t->tgid);
	jw_u64(w, "ppid", t->ppid);
	jw_str(w, "comm", t->comm);
	jw_str(w, "role", r->roles[t->role].name);
	jw_u64(w, "process", t->proc);
	jw_str(w, "args", t->args);
	jw_u64(w, "first_ns", t->first_ts);
	jw_u64(w, "last_ns", t->last_ts);
	jw_u64(w, "on_cpu_ns", t->on_cpu_ns);
	jw_u64(w, "off_cpu_ns", t->off_cpu_ns);
	states(w, "state_ns", t->state_ns);
	wait_objects(w, r, t);
	jw_u64(w, "voluntary", t->vol_switches);
	jw_u64(w, "involuntary", t->invol_switches);
	jw_u64(w, "migrations", t->migrations);
	jw_u64(w, "migrations_after_wakeup", t->migrations_wakeup);
	jw_u64(w, "migrations_inferred", t->migrations_inferred);
	jw_u64(w, "switch_ins", t->switch_ins);
	jw_u64(w, "switch_ins_inferred", t->switch_ins_inferred);
	jw_u64(w, "wakeups_unreported", t->wakeups_unreported);
	jw_u64(w, "wakeups", t->wakeups);
	jw_u64(w, "slices", t->slices);
	jw_u64(w, "cpus_used", t->cpus_used);
	dist(w, "run_queue_latency", &t->rq_latency);
	jw_u64(w, "run_queue_latency_max_at_ns", t->rq_max_ts);
	jw_obj(w, "late_enqueues");	/* waking -> enqueue on an IPI, not in the latency */
	jw_u64(w, "count", t->late_enqueues);
	jw_u64(w, "sum_ns", t->late_enqueue_ns);
	jw_u64(w, "max_ns", t->late_enqueue_max);
	jw_end_obj(w);
	jw_u64(w, "idle_in_ns", t->idle_in_ns);
	jw_bool(w, "exited", t->exited);
	jw_i64(w, "exit_status", t->exit_status);
	jw_bool(w, "producer", t->producer);
	jw_bool(w, "consumer", t->consumer);
	sched_attr(w, &t->attr, ti);
	if (t->xc_source == SL_XC_SRC_NONE) {
		jw_null(w, "kernel");
	} else {
		jw_obj(w, "kernel");
		jw_str(w, "source", xc_src[t->xc_source < 4 ? t->xc_source : 0]);
		jw_bool(w, "ok", t->xc_ok);
		for (int c = 0; c < SL_XC_MAX; c++) {
			if (t->xc_checked & (1u << c))
				jw_u64(w, xc_keys[c], t->kernel[c]);
			else
				jw_null(w, xc_keys[c]);
		}
		jw_u64(w, "rq_lag_add_ns", t->rq_lag_add_ns);
		jw_u64(w, "rq_lag_sub_ns", t->rq_lag_sub_ns);
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

static void index_or_null(struct jw *w, const char *key, __u32 idx)
{
	if (idx == SL_NO_TASK)
		jw_null(w, key);
	else
		jw_u64(w, key, idx);
}

static void proc(struct jw *w, const struct sl_result *r, const struct sl_proc_row *p,
		 const struct sl_trace_info *ti)
{
	jw_obj(w, NULL);
	jw_u64(w, "pid", p->tgid);
	jw_u64(w, "ppid", p->ppid);
	index_or_null(w, "parent", p->parent);
	index_or_null(w, "group", p->group);
	jw_u64(w, "depth", p->depth);
	jw_str(w, "comm", p->comm);
	jw_str(w, "name", p->name);
	jw_str(w, "args", p->args);
	jw_str(w, "role", r->roles[p->role].name);
	jw_u64(w, "processes", p->nr_procs);
	jw_u64(w, "threads", p->nr_threads);
	jw_u64(w, "exited_threads", p->nr_exited);
	jw_sep(w, "tasks");
	fputc('[', w->f);
	for (__u32 j = 0; p->first_thread != SL_NO_TASK && j < p->nr_threads; j++)
		fprintf(w->f, "%s%u", j ? ", " : "", r->proc_tasks[p->first_thread + j]);
	fputc(']', w->f);
	jw_u64(w, "first_ns", p->first_ts);
	jw_u64(w, "last_ns", p->last_ts);
	jw_u64(w, "lifetime_ns", p->lifetime_ns);
	jw_u64(w, "on_cpu_ns", p->on_cpu_ns);
	jw_u64(w, "off_cpu_ns", p->off_cpu_ns);
	states(w, "state_ns", p->state_ns);
	jw_u64(w, "voluntary", p->vol_switches);
	jw_u64(w, "involuntary", p->invol_switches);
	jw_u64(w, "migrations", p->migrations);
	jw_u64(w, "wakeups", p->wakeups);
	jw_u64(w, "slices", p->slices);
	jw_u64(w, "cpus_used", p->cpus_used);
	dist(w, "run_queue_latency", &p->rq_latency);
	jw_u64(w, "run_queue_latency_max_at_ns", p->rq_max_ts);
	jw_i64(w, "exit_status", p->exit_status);
	sched_attr(w, &p->attr, ti);
	jw_bool(w, "sched_mixed", p->attr_mixed);
	index_or_null(w, "waited_by", p->waited_by);
	jw_u64(w, "waited", p->nr_waited);
	jw_obj(w, "kernel");
	jw_u64(w, "checked_threads", p->xc_checked);
	jw_u64(w, "mismatched_threads", p->xc_mismatched);
	for (int c = 0; c < SL_XC_MAX; c++)
		jw_u64(w, xc_keys[c], p->kernel[c]);
	jw_end_obj(w);
	jw_end_obj(w);
}

/* A grouped waker table endpoint: a task, a group row, or null (untraced). */
static void unit_ref(struct jw *w, const char *key, const struct sl_result *r, __u32 ref)
{
	if (ref != SL_NO_TASK && (ref & SL_REF_PROC) && (ref & ~SL_REF_PROC) < r->nr_procs) {
		jw_obj(w, key);
		jw_u64(w, "group", ref & ~SL_REF_PROC);
		jw_str(w, "comm", r->procs[ref & ~SL_REF_PROC].comm);
		jw_u64(w, "processes", r->procs[ref & ~SL_REF_PROC].nr_procs);
		jw_end_obj(w);
		return;
	}
	task_ref(w, key, r, ref);
}

static void side(struct jw *w, const char *key, const struct sl_queue_side *s)
{
	jw_obj(w, key);
	jw_u64(w, "tasks", s->nr_tasks);
	jw_u64(w, "cpus_used", s->cpus_used);
	jw_u64(w, "alive_ns", s->alive_ns);
	jw_u64(w, "busy_ns", s->busy_ns);
	jw_num(w, "busy_share", s->busy_frac);
	jw_num(w, "queue_wait_share", s->wait_frac);
	jw_num(w, "wake_cpu_wait_share", s->wake_wait_frac);
	jw_num(w, "sleep_share", s->sleep_frac);
	jw_num(w, "cpu_wait_share_of_busy", s->cpu_wait_frac);
	jw_num(w, "cpu_wait_share", s->runnable_frac);
	jw_num(w, "io_share_of_busy", s->io_frac);
	jw_num(w, "other_tasks_share_of_cpus", s->other_frac);
	states(w, "state_ns", s->state_ns);
	jw_end_obj(w);
}

/* A queue's or channel's verdict, and the reason and advice explain.c words. */
static void verdict_fields(struct jw *w, const struct sl_result *r, const struct sl_queue_row *q)
{
	char why[EXPLAIN_LEN];

	jw_str(w, "verdict", sl_verdict_name(q->verdict));
	jw_str(w, "reason", explain__verdict(r, q, why, sizeof(why)));
	jw_str(w, "advice", explain__advice(q, why, sizeof(why)));
}

static void queue(struct jw *w, const struct sl_result *r, const struct sl_queue_row *q)
{
	jw_obj(w, NULL);
	jw_u64(w, "qid", q->qid);
	jw_u64(w, "capacity", q->capacity);
	jw_str(w, "capacity_source", q->capacity_from_config ? "config" : "max_depth");
	jw_u64(w, "start_ns", q->t_start);
	jw_u64(w, "end_ns", q->t_end);
	jw_u64(w, "window_ns", q->window_ns);
	jw_u64(w, "pushes", q->pushes);
	jw_u64(w, "pops", q->pops);
	jw_u64(w, "stop_messages", q->pills);
	jw_num(w, "throughput_per_s", q->throughput);
	jw_num(w, "mean_depth", q->mean_depth);
	jw_u64(w, "max_depth", q->max_depth);
	jw_u64(w, "full_ns", q->full_ns);
	jw_num(w, "full_share", q->full_frac);
	jw_u64(w, "empty_ns", q->empty_ns);
	jw_num(w, "empty_share", q->empty_frac);
	jw_u64(w, "producers_blocked_full_ns", q->prod_blocked_ns);
	jw_u64(w, "consumers_blocked_empty_ns", q->cons_blocked_ns);
	jw_u64(w, "lock_wait_ns", q->lock_wait_ns);
	dist(w, "delay", &q->delay);
	dist(w, "service", &q->service);
	dist(w, "produce", &q->produce);
	jw_obj(w, "little");
	jw_num(w, "mean_depth", q->little_l);
	jw_num(w, "throughput_x_mean_delay", q->little_lw);
	jw_num(w, "relative_difference", q->little_rel_diff);
	jw_num(w, "producers_blocked_full", q->little_blocked);
	jw_end_obj(w);
	side(w, "producers", &q->prod);
	side(w, "consumers", &q->cons);
	verdict_fields(w, r, q);
	jw_end_obj(w);
}

/* Opens the object of a task on a channel or lock: who it is. */
static void task_names(struct jw *w, const struct sl_task_row *t)
{
	jw_obj(w, NULL);
	jw_u64(w, "pid", t->pid);
	jw_u64(w, "tgid", t->tgid);
	jw_str(w, "comm", t->comm);
}

static void channel(struct jw *w, const struct sl_result *r, const struct sl_channel_row *ch)
{
	const struct sl_queue_row *q = &ch->q;
	char label[96];

	jw_obj(w, NULL);
	jw_str(w, "kind", sl_wait_kind_name(ch->kind));
	jw_str(w, "object", report_channel_object(label, sizeof(label), ch));
	obj_name(w, ch->name);
	jw_u64(w, "id", ch->obj);
	if (ch->peer)
		jw_u64(w, "peer_id", ch->peer);
	else
		jw_null(w, "peer_id");
	jw_u64(w, "scope_tgid", ch->scope);
	jw_bool(w, "condition", ch->condition);
	jw_u64(w, "conditions_folded", ch->folded);
	if (ch->pair >= 0)
		jw_u64(w, "pair", (__u64)ch->pair);
	else
		jw_null(w, "pair");
	jw_u64(w, "wakeups", ch->wakeups);
	jw_u64(w, "outside_wakeups", ch->outside_wakeups);
	jw_u64(w, "producers_blocked_room_ns", q->prod_blocked_ns);
	jw_u64(w, "consumers_blocked_data_ns", q->cons_blocked_ns);
	jw_u64(w, "full_at_least_ns", q->full_ns);
	jw_u64(w, "empty_at_least_ns", q->empty_ns);
	jw_u64(w, "behind_lock_ns", ch->lock_proxy_ns);
	if (ch->lock_proxy_ns)
		jw_str(w, "behind_lock", report_behind_lock(label, sizeof(label), ch));
	else
		jw_null(w, "behind_lock");
	if (ch->cap) {
		jw_u64(w, "fill_max", ch->fill_max);
		jw_u64(w, "capacity", ch->cap);
	}
	jw_arr(w, "tasks");
	for (__u32 i = 0; i < ch->nr_tasks; i++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + i];

		task_names(w, &r->tasks[ct->task]);
		jw_bool(w, "producer", ct->producer);
		jw_bool(w, "consumer", ct->consumer);
		jw_u64(w, "blocked_ns", ct->blocked_ns);
		jw_u64(w, "wakeups_given", ct->woke);
		jw_end_obj(w);
	}
	jw_end_arr(w);
	side(w, "producers", &q->prod);
	side(w, "consumers", &q->cons);
	verdict_fields(w, r, q);
	jw_end_obj(w);
}

static void pipeline(struct jw *w, const struct sl_result *r)
{
	const struct sl_pipeline *pl = &r->pipeline;

	if (!pl->stage_tgid) {
		jw_null(w, "pipeline");
		return;
	}
	jw_obj(w, "pipeline");
	jw_u64(w, "channels", pl->nr_channels);
	jw_u64(w, "stages", pl->nr_stages);
	jw_u64(w, "limiting_tgid", pl->stage_tgid);
	jw_str(w, "limiting_comm", r->tasks[pl->stage_task].comm);
	jw_bool(w, "closed_loop", pl->closed);
	/* null at an end: the first stage has no upstream, the last no downstream */
	if (pl->upstream >= 0) {
		jw_u64(w, "upstream_channel", (__u64)pl->upstream);
		jw_num(w, "upstream_producers_blocked_share",
		       r->channels[pl->upstream].q.prod.wait_frac);
	} else {
		jw_null(w, "upstream_channel");
		jw_null(w, "upstream_producers_blocked_share");
	}
	if (pl->downstream >= 0) {
		jw_u64(w, "downstream_channel", (__u64)pl->downstream);
		jw_num(w, "downstream_consumers_blocked_share",
		       r->channels[pl->downstream].q.cons.wait_frac);
	} else {
		jw_null(w, "downstream_channel");
		jw_null(w, "downstream_consumers_blocked_share");
	}
	jw_num(w, "stage_busy_share", pl->stage_busy_frac);
	jw_num(w, "stage_own_share", pl->stage_own_frac);
	jw_end_obj(w);
}

static void lock_obj(struct jw *w, const struct sl_result *r, const struct sl_lock_row *lk)
{
	char label[96], why[EXPLAIN_LEN];

	jw_obj(w, NULL);
	jw_str(w, "kind", sl_wait_kind_name(lk->kind));
	jw_str(w, "object", report_lock_object(label, sizeof(label), lk));
	obj_name(w, lk->name);
	jw_u64(w, "id", lk->obj);
	jw_u64(w, "scope_tgid", lk->scope);
	jw_u64(w, "handoffs", lk->handoffs);
	jw_u64(w, "wait_ns", lk->wait_ns);
	jw_u64(w, "behind_channel_ns", lk->behind_ns);
	jw_u64(w, "takers_alive_ns", lk->alive_ns);
	jw_num(w, "contention_share", lk->contention_frac);
	jw_bool(w, "lock_bound", lk->lock_bound);
	jw_str(w, "reason", explain__lock(lk, why, sizeof(why)));
	jw_arr(w, "tasks");
	for (__u32 i = 0; i < lk->nr_tasks; i++) {
		const struct sl_lock_task *lt = &r->lock_tasks[lk->first_task + i];

		task_names(w, &r->tasks[lt->task]);
		jw_u64(w, "blocked_ns", lt->blocked_ns);
		jw_u64(w, "handoffs_given", lt->woke);
		jw_end_obj(w);
	}
	jw_end_arr(w);
	jw_end_obj(w);
}

int report__json(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti)
{
	return report__json_with(f, r, ti, NULL);
}

int report__json_with(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti,
		      const struct report_json_extra *x)
{
	struct jw w = { .f = f, .depth = 0, .first = { true } };
	char note[EXPLAIN_LEN];

	if (!r)
		return -EINVAL;
	fputc('{', f);
	w.depth = 1;
	w.first[1] = true;
	jw_u64(&w, "schema_version", REPORT_JSON_SCHEMA_VERSION);
	jw_str(&w, "generator", "schedlab");

	jw_obj(&w, "trace");
	jw_str(&w, "cmdline", ti ? ti->cmdline : NULL);
	jw_str(&w, "kernel", ti ? ti->kernel : NULL);
	jw_str(&w, "probe_mode", ti ? ti->probe_mode : NULL);
	jw_u64(&w, "ncpu", r->ncpu);
	jw_u64(&w, "start_ns", r->trace_start);
	jw_u64(&w, "end_ns", r->trace_end);
	jw_u64(&w, "events", r->nr_events);
	jw_u64(&w, "lost", r->xc.lost);
	jw_u64(&w, "late", r->xc.late);
	jw_str(&w, "workload_summary", ti ? ti->workload_summary : NULL);
	jw_end_obj(&w);

	jw_obj(&w, "window");
	jw_u64(&w, "t0_ns", r->t0);
	jw_u64(&w, "t1_ns", r->t1);
	jw_u64(&w, "wall_ns", r->wall_ns);
	jw_end_obj(&w);

	jw_obj(&w, "summary");
	level(&w, "concurrency", r->concurrency, r->max_concurrency, r->con_level_ns,
	      r->nr_con_levels, r->wall_ns, explain__concurrency(r, note, sizeof(note)));
	jw_num(&w, "runnable_while_cpu_idle", r->runnable_idle);
	level(&w, "parallelism", r->parallelism, r->max_parallelism, r->par_level_ns, r->ncpu + 1,
	      r->wall_ns, explain__parallelism(r, note, sizeof(note)));
	level(&w, "multiprogramming", r->multiprogramming, r->max_multiprogramming, r->mp_level_ns,
	      r->nr_mp_levels, r->wall_ns, explain__multiprogramming(r, note, sizeof(note)));
	jw_end_obj(&w);

	jw_obj(&w, "cpu_utilisation");
	jw_num(&w, "workload", r->util_traced);
	jw_num(&w, "other", r->util_other);
	jw_num(&w, "idle", r->util_idle);
	jw_u64(&w, "workload_ns", r->cpu_traced_ns);
	jw_u64(&w, "other_ns", r->cpu_other_ns);
	jw_u64(&w, "idle_ns", r->cpu_idle_ns);
	jw_u64(&w, "unknown_ns", r->cpu_unknown_ns);
	jw_obj(&w, "kernel");
	jw_num(&w, "workload", r->k_util_traced);
	jw_num(&w, "other", r->k_util_other);
	jw_num(&w, "idle", r->k_util_idle);
	jw_end_obj(&w);
	jw_end_obj(&w);

	jw_arr(&w, "cpus");
	for (__u32 i = 0; i < r->ncpu; i++) {
		const struct sl_cpu_row *c = &r->cpus[i];

		jw_obj(&w, NULL);
		jw_u64(&w, "cpu", c->cpu);
		jw_u64(&w, "workload_ns", c->traced_ns);
		jw_u64(&w, "other_ns", c->other_ns);
		jw_u64(&w, "idle_ns", c->idle_ns);
		jw_u64(&w, "unknown_ns", c->unknown_ns);
		jw_u64(&w, "kernel_workload_ns", c->k_traced_ns);
		jw_u64(&w, "kernel_other_ns", c->k_other_ns);
		jw_u64(&w, "kernel_idle_ns", c->k_idle_ns);
		jw_u64(&w, "lost", c->lost);
		jw_u64(&w, "distinct_tasks", c->distinct_tasks);
		dist(&w, "slices", &c->slice);
		jw_u64s(&w, "slice_hist_log2", c->slice_hist, SL_LOG2_BUCKETS);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);

	jw_obj(&w, "switches");
	jw_u64(&w, "voluntary", r->vol_switches);
	jw_u64(&w, "involuntary", r->invol_switches);
	jw_end_obj(&w);

	states(&w, "state_ns", r->off_cpu_ns);

	jw_obj(&w, "wakeups");
	jw_u64(&w, "count", r->wakeups);
	dist(&w, "run_queue_latency", &r->rq_latency);
	jw_obj(&w, "late_enqueues");
	jw_u64(&w, "count", r->late_enqueues);
	jw_u64(&w, "sum_ns", r->late_enqueue_ns);
	jw_u64(&w, "max_ns", r->late_enqueue_max);
	jw_end_obj(&w);
	jw_arr(&w, "histogram");	/* non-empty HDR buckets: [low_ns, high_ns, count] */
	for (__u32 i = 0; i < r->nr_rq_buckets; i++) {
		if (!r->rq_hist[i])
			continue;
		jw_sep(&w, NULL);
		fprintf(f, "[%llu, %llu, %llu]", (unsigned long long)sl_hdr_low(i),
			(unsigned long long)sl_hdr_high(i), (unsigned long long)r->rq_hist[i]);
	}
	jw_end_arr(&w);
	jw_arr(&w, "edges");
	for (__u32 i = 0; i < r->nr_wake_edges; i++) {
		const struct sl_wake_edge *e = &r->wake_edges[i];

		jw_obj(&w, NULL);
		task_ref(&w, "waker", r, e->waker);
		task_ref(&w, "wakee", r, e->wakee);
		jw_u64(&w, "count", e->count);
		jw_u64(&w, "delay_ns", e->delay_ns);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_u64s(&w, "histogram_log2_us", r->rq_log2_us, SL_LOG2_BUCKETS);
	jw_arr(&w, "grouped_edges");
	for (__u32 i = 0; i < r->nr_wake_rows; i++) {
		const struct sl_wake_edge *e = &r->wake_rows[i];

		jw_obj(&w, NULL);
		unit_ref(&w, "waker", r, e->waker);
		unit_ref(&w, "wakee", r, e->wakee);
		jw_u64(&w, "count", e->count);
		jw_u64(&w, "delay_ns", e->delay_ns);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_end_obj(&w);

	jw_obj(&w, "migrations");
	jw_u64(&w, "count", r->migrations);
	jw_u64(&w, "after_wakeup", r->migrations_wakeup);
	jw_arr(&w, "matrix");	/* [from][to] */
	for (__u32 i = 0; i < r->ncpu; i++)
		jw_u64s(&w, NULL, r->mig_matrix + (size_t)i * r->ncpu, r->ncpu);
	jw_end_arr(&w);
	jw_end_obj(&w);

	jw_arr(&w, "roles");
	for (__u32 i = 0; i < r->nr_roles; i++) {
		const struct sl_role_row *ro = &r->roles[i];

		jw_obj(&w, NULL);
		jw_str(&w, "name", ro->name);
		jw_u64(&w, "tasks", ro->nr_tasks);
		jw_u64(&w, "on_cpu_ns", ro->on_cpu_ns);
		jw_u64(&w, "off_cpu_ns", ro->off_cpu_ns);
		jw_u64(&w, "alive_ns", ro->alive_ns);
		states(&w, "state_ns", ro->state_ns);
		jw_u64(&w, "voluntary", ro->vol_switches);
		jw_u64(&w, "involuntary", ro->invol_switches);
		jw_u64(&w, "migrations", ro->migrations);
		jw_u64(&w, "wakeups", ro->wakeups);
		dist(&w, "run_queue_latency", &ro->rq_latency);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);

	jw_arr(&w, "tasks");
	for (__u32 i = 0; i < r->nr_tasks; i++)
		task(&w, r, &r->tasks[i], ti);
	jw_end_arr(&w);

	jw_arr(&w, "processes");
	for (__u32 i = 0; i < r->nr_procs; i++)
		proc(&w, r, &r->procs[i], ti);
	jw_end_arr(&w);
	/* the rows a reader shows, parents before their children (groups for their members) */
	jw_sep(&w, "process_tree");
	fputc('[', f);
	for (__u32 i = 0; i < r->nr_proc_order; i++)
		fprintf(f, "%s%u", i ? ", " : "", r->proc_order[i]);
	fputc(']', f);

	if (!r->slower_than_ns) {
		jw_null(&w, "slow_wakeups");
	} else {
		jw_obj(&w, "slow_wakeups");
		jw_u64(&w, "threshold_ns", r->slower_than_ns);
		jw_u64(&w, "count", r->nr_slow_total);
		jw_arr(&w, "wakeups");
		for (__u32 i = 0; i < r->nr_slow; i++) {
			const struct sl_slow_wakeup *s = &r->slow[i];

			jw_obj(&w, NULL);
			jw_u64(&w, "woken_ns", s->wake_ts);
			jw_u64(&w, "enqueued_ns", s->enq_ts);
			jw_u64(&w, "running_ns", s->run_ts);
			jw_u64(&w, "latency_ns", s->latency_ns);
			task_ref(&w, "task", r, s->task);
			jw_u64(&w, "tgid", r->tasks[s->task].tgid);
			jw_u64(&w, "cpu", s->cpu);
			task_ref(&w, "waker", r, s->waker);
			jw_end_obj(&w);
		}
		jw_end_arr(&w);
		jw_end_obj(&w);
	}

	jw_arr(&w, "queues");
	for (__u32 i = 0; i < r->nr_queues; i++)
		queue(&w, r, &r->queues[i]);
	jw_end_arr(&w);
	jw_arr(&w, "channels");
	for (__u32 i = 0; i < r->nr_channels; i++)
		channel(&w, r, &r->channels[i]);
	jw_end_arr(&w);
	pipeline(&w, r);
	jw_arr(&w, "locks");
	for (__u32 i = 0; i < r->nr_locks; i++)
		lock_obj(&w, r, &r->locks[i]);
	jw_end_arr(&w);

	/* the untraced tasks that held CPUs most (whole trace) */
	jw_arr(&w, "foreign");
	for (__u32 i = 0; i < r->nr_foreign; i++) {
		jw_obj(&w, NULL);
		jw_u64(&w, "pid", r->foreign[i].pid);
		jw_u64(&w, "tgid", r->foreign[i].tgid);
		jw_str(&w, "comm", r->foreign[i].comm);
		jw_u64(&w, "cpu_ns", r->foreign[i].ns);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);

	jw_obj(&w, "verdict");
	jw_str(&w, "verdict", sl_verdict_name(r->verdict));
	{
		const struct sl_queue_row *q = r->verdict_queue >= 0 ? &r->queues[r->verdict_queue] :
					       r->verdict_channel >= 0 ?
					       &r->channels[r->verdict_channel].q : NULL;

		if (r->verdict_queue >= 0)
			jw_u64(&w, "qid", q->qid);
		else
			jw_null(&w, "qid");
		if (r->verdict_channel >= 0)
			jw_u64(&w, "channel", (__u64)r->verdict_channel);
		else
			jw_null(&w, "channel");
		if (r->verdict_lock >= 0)
			jw_u64(&w, "lock", (__u64)r->verdict_lock);
		else
			jw_null(&w, "lock");
		if (q) {
			jw_str(&w, "reason", explain__verdict(r, q, note, sizeof(note)));
			jw_str(&w, "advice", explain__advice(q, note, sizeof(note)));
		} else if (r->verdict_lock >= 0) {
			jw_str(&w, "reason", explain__lock(&r->locks[r->verdict_lock], note, sizeof(note)));
			jw_str(&w, "advice", explain__lock_advice(note, sizeof(note)));
		} else {
			jw_null(&w, "reason");
			jw_null(&w, "advice");
		}
	}
	jw_end_obj(&w);

	jw_obj(&w, "stream_check");
	jw_bool(&w, "ok", !r->inferred_switch_ins && !r->inferred_migrations);
	jw_u64(&w, "inferred_switch_ins", r->inferred_switch_ins);
	jw_u64(&w, "inferred_migrations", r->inferred_migrations);
	jw_u64(&w, "unreported_wakeups", r->unreported_wakeups);
	{
		char line[160];

		jw_str(&w, "line", explain__stream(r, line, sizeof(line)));
	}
	jw_end_obj(&w);

	jw_obj(&w, "crosscheck");
	jw_bool(&w, "ok", r->xc.ok);
	jw_u64(&w, "checked", r->xc.nr_checked);
	jw_u64(&w, "mismatched", r->xc.nr_mismatched);
	jw_u64(&w, "edge", r->xc.nr_edge);
	jw_u64(&w, "steal_ns", r->xc.steal_ns);
	jw_u64(&w, "steal_allowed_ns", r->xc.steal_allowed_ns);
	jw_u64(&w, "lost", r->xc.lost);
	jw_u64(&w, "late", r->xc.late);
	jw_str(&w, "line", explain__crosscheck(r, note, sizeof(note)));
	jw_str(&w, "lost_line", explain__lost(r, note, sizeof(note)));
	jw_arr(&w, "mismatches");
	for (__u32 i = 0; i < r->xc.nr_mismatches; i++) {
		const struct sl_xc_mismatch *m = &r->xc.mismatch[i];

		jw_obj(&w, NULL);
		jw_u64(&w, "pid", r->tasks[m->task].pid);
		jw_str(&w, "comm", r->tasks[m->task].comm);
		jw_str(&w, "counter", xc_keys[m->counter < SL_XC_MAX ? m->counter : 0]);
		jw_u64(&w, "ours", m->ours);
		jw_u64(&w, "kernel", m->kernel);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_end_obj(&w);

	if (x && x->stacks_asked) {
		jw_sep(&w, "offcpu_stacks");
		offcpu__json(f, x->stacks, x->nr_stacks, x->stacks_unfinished, ti);
	}
	fputs("\n}\n", f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
