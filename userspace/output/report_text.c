// SPDX-License-Identifier: GPL-2.0
/*
 * The report for people: top-down, summary first, every line at most
 * REPORT_WIDTH columns (colour escapes aside), units on every number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis_hist.h"
#include "explain.h"
#include "report.h"
#include "report_priv.h"

#define W REPORT_WIDTH
#define LEVEL_COLS 11		/* 0..9 and "10+" */
#define TOP_EDGES 8
#define MATRIX_MAX_CPUS 12
#define MISMATCH_LINES 10

struct out {
	FILE *f;
	bool color;
	bool threads;
};

static const char *c_on(const struct out *o, const char *code)
{
	return o->color ? code : "";
}

#define BOLD(o)  c_on(o, "\033[1m")
#define GREEN(o) c_on(o, "\033[32m")
#define RED(o)   c_on(o, "\033[31m")
#define YELLOW(o) c_on(o, "\033[33m")
#define RESET(o) c_on(o, "\033[0m")

/* One paragraph: its leading spaces kept, wrapped at W with `indent` after the first line. */
__attribute__((format(printf, 3, 4)))
static void para(const struct out *o, int indent, const char *fmt, ...)
{
	char buf[1024], pre[W + 1];
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	while (buf[n] == ' ' && n < W) {
		pre[n] = ' ';
		n++;
	}
	pre[n] = '\0';
	report_wrap(o->f, pre, indent, buf + n, W);
}

static void heading(const struct out *o, const char *title)
{
	fprintf(o->f, "\n%s%s%s\n", BOLD(o), title, RESET(o));
}

static void header(const struct out *o, const struct sl_result *r, const struct sl_trace_info *ti)
{
	char wall[16], tr[16];
	const char *cmd = ti && ti->cmdline ? ti->cmdline : "";

	fprintf(o->f, "%s", BOLD(o));
	para(o, 4, "schedlab report%s%s", cmd[0] ? ": " : "", cmd);
	fprintf(o->f, "%s", RESET(o));
	report_dur(wall, sizeof(wall), r->wall_ns);
	report_dur(tr, sizeof(tr), r->trace_end > r->trace_start ? r->trace_end - r->trace_start : 0);
	para(o, 4, "kernel %s, %u CPUs%s%s; W = %s of a %s trace, %llu events",
	     ti && ti->kernel[0] ? ti->kernel : "?", r->ncpu, ti && ti->probe_mode[0] ? ", " : "",
	     ti ? ti->probe_mode : "", wall, tr, (unsigned long long)r->nr_events);
}

static void level_row(const struct out *o, const char *label, const __u64 *lv, __u32 n,
		      __u64 wall, int cols)
{
	char pct[16];

	fprintf(o->f, "  %-18s", label);
	for (int c = 0; c < cols; c++) {
		__u64 v = 0;

		if (c < cols - 1 || (__u32)cols >= n) {
			if ((__u32)c < n)
				v = lv[c];
		} else {
			for (__u32 l = (__u32)c; l < n; l++)
				v += lv[l];	/* the last column holds every level above */
		}
		if ((__u32)c >= n)
			break;	/* no such level: nothing, not even blanks */
		fprintf(o->f, "%7s", report_pct(pct, sizeof(pct), wall ? (double)v / wall : 0));
	}
	fputc('\n', o->f);
}

static const char *verdict_color(const struct out *o, enum sl_verdict v)
{
	if (v == SL_V_BALANCED)
		return GREEN(o);
	if (v == SL_V_NONE)
		return "";
	return RED(o);
}

static void upper(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < n; i++)
		dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 32) : src[i];
	dst[i] = '\0';
}

/* A channel's label without the direction words, which are its sides'. */
static const char *channel_name(char *obj, size_t n, const struct sl_channel_row *ch)
{
	report_channel_object(obj, n, ch);
	/* the direction words are the label's last part: drop them */
	if (ch->kind == SL_WK_PIPE || ch->kind == SL_WK_MQ || ch->kind == SL_WK_SYSV_MSG ||
	    ch->kind == SL_WK_SOCKET) {
		char *sp = ch->kind == SL_WK_SOCKET ? strrchr(obj, ' ') : strchr(obj, ' ');

		if (sp)
			*sp = '\0';
	}
	return obj;
}

/*
 * The limiting stage's name: its process's main thread's, else that of
 * the task that joined the channels (a server's "reader" thread names the
 * server badly).
 */
static const char *stage_name(const struct sl_result *r)
{
	const struct sl_task_row *t = &r->tasks[r->pipeline.stage_task];

	for (__u32 i = 0; i < r->nr_procs; i++)
		if (r->procs[i].tgid == r->pipeline.stage_tgid && r->procs[i].nr_procs == 1 &&
		    r->procs[i].comm[0])
			return r->procs[i].comm;
	return t->comm[0] ? t->comm : "?";
}

/*
 * Does the limiting stage of a closed loop spend its own time asleep
 * outside the loop more than busy?  A client that thinks between its
 * requests: "busy 6%" alone reads as no limit at all.
 */
static bool stage_thinks(const struct sl_pipeline *pl)
{
	return pl->closed && pl->stage_own_frac > 2.0 * pl->stage_busy_frac;
}

/*
 * The run's verdict and its pipeline's limiting stage, up front: what the
 * QUEUE, CHANNEL, LOCK and PIPELINE sections below give with their figures.
 */
static void headline(const struct out *o, const struct sl_result *r)
{
	const struct sl_queue_row *q = r->verdict_queue >= 0 ? &r->queues[r->verdict_queue] :
				       r->verdict_channel >= 0 ? &r->channels[r->verdict_channel].q :
				       NULL;
	char vname[24], what[112], line[192], why[EXPLAIN_LEN], a[16], b[16], c[16];
	int cols;

	if (q || r->verdict_lock >= 0) {
		const char *label = r->verdict_lock >= 0 ? "lock-bound" : explain__verdict_label(q);

		upper(vname, label, sizeof(vname));
		if (r->verdict_queue >= 0)
			snprintf(what, sizeof(what), "queue %u", q->qid);
		else if (q)
			channel_name(what, sizeof(what), &r->channels[r->verdict_channel]);
		else
			report_lock_object(what, sizeof(what), &r->locks[r->verdict_lock]);
		if (q)
			explain__verdict(r, q, why, sizeof(why));
		else
			explain__lock(&r->locks[r->verdict_lock], why, sizeof(why));
		cols = 20 + (int)strlen(vname) + 4 + (int)strlen(what) + 2;
		if (cols > W - 24) {
			/* a long object name: it opens the next line */
			char rest[sizeof(what) + EXPLAIN_LEN + 8];

			fprintf(o->f, "  verdict           %s%s%s%s\n", BOLD(o),
				verdict_color(o, r->verdict), vname, RESET(o));
			snprintf(rest, sizeof(rest), "on %s: %s", what, why);
			report_wrap(o->f, "      ", 6, rest, W);
		} else {
			snprintf(line, sizeof(line), "  verdict           %s%s%s%s on %s: ", BOLD(o),
				 verdict_color(o, r->verdict), vname, RESET(o), what);
			report_wrap_cols(o->f, line, cols, 6, why, W);
		}
	}
	if (r->pipeline.stage_tgid) {
		const char *name = stage_name(r);

		if (r->pipeline.closed)
			report_pct(b, sizeof(b),
				   r->channels[r->pipeline.downstream].q.cons.wait_frac);
		if (stage_thinks(&r->pipeline))
			para(o, 6, "  limiting stage    %.15s (%u) of the closed loop, on its own %s of "
			     "its time (busy %s, the rest asleep outside the loop), while the other "
			     "side waits for it %s of its own", name, r->pipeline.stage_tgid,
			     report_pct(c, sizeof(c), r->pipeline.stage_own_frac),
			     report_pct(a, sizeof(a), r->pipeline.stage_busy_frac), b);
		else if (r->pipeline.closed)
			para(o, 6, "  limiting stage    %.15s (%u) of the closed loop, busy %s of its "
			     "time, while the other side waits for it %s of its own",
			     name, r->pipeline.stage_tgid,
			     report_pct(a, sizeof(a), r->pipeline.stage_busy_frac), b);
		else
			para(o, 6, "  limiting stage    %.15s (%u) of the pipeline, busy %s of its time "
			     "while the other stages wait for it", name,
			     r->pipeline.stage_tgid, report_pct(a, sizeof(a), r->pipeline.stage_busy_frac));
	}
}

static void summary(const struct out *o, const struct sl_result *r)
{
	__u32 n = r->ncpu + 1;
	char note[EXPLAIN_LEN];
	int cols;

	heading(o, "SUMMARY");
	para(o, 4, "  concurrency       %5.2f tasks  running or runnable, time average (max %u)",
	     r->concurrency, r->max_concurrency);
	report_wrap(o->f, "      ", 6, explain__concurrency(r, note, sizeof(note)), W);
	para(o, 4, "  parallelism       %5.2f CPUs   on a CPU at the same instant: "
		 "on-CPU / W (max %u of %u)", r->parallelism, r->max_parallelism, r->ncpu);
	report_wrap(o->f, "      ", 6, explain__parallelism(r, note, sizeof(note)), W);
	para(o, 4, "  multiprogramming  %5.2f tasks  resident (alive), time average "
		 "(max %u)", r->multiprogramming, r->max_multiprogramming);
	report_wrap(o->f, "      ", 6, explain__multiprogramming(r, note, sizeof(note)), W);
	headline(o, r);

	if (r->nr_con_levels > n)
		n = r->nr_con_levels;
	if (r->nr_mp_levels > n)
		n = r->nr_mp_levels;
	cols = n > LEVEL_COLS ? LEVEL_COLS : (int)n;
	fprintf(o->f, "\n  %-18s", "share of W at");
	for (int c = 0; c < cols; c++) {
		if (c == cols - 1 && (__u32)cols < n)
			fprintf(o->f, "%6d+", c);
		else
			fprintf(o->f, "%7d", c);
	}
	fputc('\n', o->f);
	level_row(o, "parallelism", r->par_level_ns, r->ncpu + 1, r->wall_ns, cols);
	level_row(o, "concurrency", r->con_level_ns, r->nr_con_levels, r->wall_ns, cols);
	level_row(o, "resident tasks", r->mp_level_ns, r->nr_mp_levels, r->wall_ns, cols);
}

static void cpu_use(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16], c[16], d[16], e[16], g[16], h[16], l[16];

	heading(o, "CPU USE within W");
	para(o, 4, "  workload %s, other tasks %s, idle %s of %u CPUs x W",
		 report_pct(a, sizeof(a), r->util_traced), report_pct(b, sizeof(b), r->util_other),
		 report_pct(c, sizeof(c), r->util_idle), r->ncpu);
	if (r->k_util_traced + r->k_util_other + r->k_util_idle > 0) {
		para(o, 4, "  kernel's per-CPU accounting, whole trace: workload %s, other %s, idle %s",
		     report_pct(a, sizeof(a), r->k_util_traced),
		     report_pct(b, sizeof(b), r->k_util_other),
		     report_pct(c, sizeof(c), r->k_util_idle));
	}
	fprintf(o->f, "  %4s %8s %8s %8s %6s %8s %10s %10s %10s %8s\n", "cpu", "workload", "other",
		"idle", "tasks", "slices", "slice p50", "slice p90", "slice max", "lost");
	for (__u32 i = 0; i < r->ncpu; i++) {
		const struct sl_cpu_row *cr = &r->cpus[i];
		double den = r->wall_ns ? (double)r->wall_ns : 1;

		fprintf(o->f, "  %4u %8s %8s %8s %6u %8s %10s %10s %10s %8s\n", cr->cpu,
			report_pct(a, sizeof(a), cr->traced_ns / den),
			report_pct(b, sizeof(b), cr->other_ns / den),
			report_pct(c, sizeof(c), cr->idle_ns / den), cr->distinct_tasks,
			report_count(d, sizeof(d), cr->slice.count),
			cr->slice.count ? report_dur(e, sizeof(e), cr->slice.p50) : "-",
			cr->slice.count ? report_dur(g, sizeof(g), cr->slice.p90) : "-",
			cr->slice.count ? report_dur(h, sizeof(h), cr->slice.max) : "-",
			report_count(l, sizeof(l), cr->lost));
	}
}

/* Blocked outside the workload's queues: everything "waits" says, the queue lock aside. */
static __u64 waits_ns(const __u64 *state_ns)
{
	__u64 v = 0;

	for (int s = 0; s < SL_TS_MAX; s++)
		if (s != SL_TS_LOCK && sl_task_state_waits(s))
			v += state_ns[s];
	return v;
}

static void roles(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16];

	heading(o, "ROLES: where each role's time went (share of its tasks' lifetimes)");
	fprintf(o->f, "  %-15s %5s %7s %6s %6s %6s %6s %6s %6s %6s %6s %7s\n", "role", "tasks",
		"on-CPU", "run", "runabl", "I/O", "q-full", "q-empt", "lock", "wait", "other",
		"rq-avg");
	for (__u32 i = 0; i < r->nr_roles; i++) {
		const struct sl_role_row *ro = &r->roles[i];
		double den = ro->alive_ns ? (double)ro->alive_ns : 1;
		const __u64 *st = ro->state_ns;
		__u64 v[] = {
			st[SL_TS_RUNNING], st[SL_TS_RUNNABLE_WAKEUP] + st[SL_TS_RUNNABLE_PREEMPT],
			st[SL_TS_IO], st[SL_TS_QFULL], st[SL_TS_QEMPTY], st[SL_TS_LOCK],
			waits_ns(st), st[SL_TS_OTHER] + st[SL_TS_FAULT],
		};

		fprintf(o->f, "  %-15.15s %5u %7s", ro->name, ro->nr_tasks,
			report_dur(a, sizeof(a), ro->on_cpu_ns));
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			fprintf(o->f, " %6s", report_pct(b, sizeof(b), v[k] / den));
		fprintf(o->f, " %7s\n", ro->rq_latency.count ?
			report_dur(a, sizeof(a), ro->rq_latency.sum / ro->rq_latency.count) : "-");
	}
}

/* The off-CPU columns every process and thread row has, from its state times. */
static void off_cpu_cols(const struct out *o, const __u64 *st)
{
	__u64 off[5] = {
		st[SL_TS_RUNNABLE_WAKEUP] + st[SL_TS_RUNNABLE_PREEMPT],
		st[SL_TS_IO],
		st[SL_TS_QFULL] + st[SL_TS_QEMPTY] + st[SL_TS_LOCK],
		waits_ns(st),
		st[SL_TS_OTHER] + st[SL_TS_FAULT],
	};
	char d[16];

	for (int k = 0; k < 5; k++)
		fprintf(o->f, " %6s", report_dur(d, sizeof(d), off[k]));
	fputc('\n', o->f);
}

#define TREE_INDENT_MAX	4	/* columns of tree indentation at most: one per level */
#define NAME_COLS	17

static int tree_indent(const struct sl_proc_row *p)
{
	return (int)p->depth > TREE_INDENT_MAX ? TREE_INDENT_MAX : (int)p->depth;
}

/* The name column: indented by depth in the tree, cut to fit. */
static const char *tree_name(const struct sl_proc_row *p, char *buf, size_t n)
{
	int ind = tree_indent(p);

	snprintf(buf, n, "%*s%.*s", ind, "", NAME_COLS - ind, p->name);
	return buf;
}

/* "cat (1235)", or "stress-ng-fork (x2345)" for a group. */
static const char *proc_label(const struct sl_proc_row *p, char *buf, size_t n)
{
	if (p->nr_procs > 1)
		snprintf(buf, n, "%.15s (x%u)", p->comm[0] ? p->comm : "?", p->nr_procs);
	else
		snprintf(buf, n, "%.15s (%u)", p->comm[0] ? p->comm : "?", p->tgid);
	return buf;
}

/*
 * What is not the default about a scheduling class: "SCHED_FIFO priority
 * 50", "nice -10", "SCHED_BATCH nice 5"; NULL for SCHED_OTHER at nice 0.
 */
static const char *sched_text(const struct sl_sched_attr *a, bool mixed, char *buf, size_t len)
{
	bool rt = a->policy == 1 || a->policy == 2;
	int n = 0;

	if (!a->known || (!a->policy && !a->nice && !mixed))
		return NULL;
	if (a->policy)
		n = snprintf(buf, len, "%s", sl_policy_name(a->policy));
	if (rt)
		n += snprintf(buf + n, len - (size_t)n, " priority %u", a->rt_priority);
	else if (a->nice)
		n += snprintf(buf + n, len - (size_t)n, "%snice %+d", n ? " " : "", a->nice);
	if (mixed)
		snprintf(buf + n, len - (size_t)n, "%s(main thread; other threads differ)",
			 n ? " " : "");
	return buf;
}

static void processes(const struct out *o, const struct sl_result *r)
{
	char on[16], v[16], iv[16], wk[16], a[16], b[16], name[NAME_COLS + 8], id[16], sched[96];

	heading(o, "PROCESSES (children under parent; runabl = waiting for a CPU; "
		   "queue = full+empty+lock; wait: WAITS)");
	fprintf(o->f, "%7s %7s %3s %-17s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", "pid", "ppid",
		"thr", "name", "on-CPU", "vol", "invol", "wakeup", "runabl", "I/O", "queue", "wait",
		"other");
	for (__u32 k = 0; k < r->nr_proc_order; k++) {
		const struct sl_proc_row *p = &r->procs[r->proc_order[k]];

		if (p->nr_procs > 1)
			snprintf(id, sizeof(id), "*");
		else
			snprintf(id, sizeof(id), "%u", p->tgid);
		fprintf(o->f, "%7s %7u %3s %-17s %6s %6s %6s %6s", id, p->ppid,
			/* a group of one-thread processes: 1 each */
			p->nr_threads == p->nr_procs ? "1" : report_count(a, sizeof(a), p->nr_threads),
			tree_name(p, name, sizeof(name)),
			report_dur(on, sizeof(on), p->on_cpu_ns),
			report_count(v, sizeof(v), p->vol_switches),
			report_count(iv, sizeof(iv), p->invol_switches),
			report_count(wk, sizeof(wk), p->wakeups));
		off_cpu_cols(o, p->state_ns);
		if (p->nr_procs == 1 && sched_text(&p->attr, p->attr_mixed, sched, sizeof(sched)))
			para(o, 22 + tree_indent(p), "%*s^ %s", 20 + tree_indent(p), "", sched);
		if (p->nr_procs > 1)
			para(o, 22 + tree_indent(p), "%*s* %u processes of this name, each exited: mean "
			     "lifetime %s, on-CPU %s each on average", 20 + tree_indent(p), "",
			     p->nr_procs, report_dur(a, sizeof(a), p->lifetime_ns / p->nr_procs),
			     report_dur(b, sizeof(b), p->on_cpu_ns / p->nr_procs));
	}
}

#define CGROUP_LINES 16

/* Each cgroup the traced processes were in (at exit, or last seen), with their share. */
static void cgroups(const struct out *o, const struct sl_result *r, const struct sl_trace_info *ti)
{
	struct { __u64 id, on_ns; __u32 procs; } cg[CGROUP_LINES];
	__u32 n = 0, more = 0;
	char on[16], idbuf[32];

	for (__u32 i = 0; i < r->nr_procs; i++) {
		const struct sl_proc_row *p = &r->procs[i];
		__u32 k = 0;

		/* members of a folded group count one by one, the group row not */
		if (!p->attr.known || !p->attr.cgroup_id || p->nr_procs > 1)
			continue;
		while (k < n && cg[k].id != p->attr.cgroup_id)
			k++;
		if (k == n) {
			if (n == CGROUP_LINES) {
				more++;
				continue;
			}
			cg[n].id = p->attr.cgroup_id;
			cg[n].on_ns = 0;
			cg[n++].procs = 0;
		}
		cg[k].procs++;
		cg[k].on_ns += p->on_cpu_ns;
	}
	if (!n)
		return;
	heading(o, "CGROUPS (cgroup v2, as each process ended or was last seen)");
	for (__u32 k = 0; k < n; k++) {
		const char *path = ti ? sl_trace_info__cgroup_path(ti, cg[k].id) : NULL;

		if (!path) {
			snprintf(idbuf, sizeof(idbuf), "[id %llu, removed]", (unsigned long long)cg[k].id);
			path = idbuf;
		}
		fprintf(o->f, "  %-60s %5u process%s  on-CPU %s\n", path, cg[k].procs,
			cg[k].procs == 1 ? "  " : "es", report_dur(on, sizeof(on), cg[k].on_ns));
	}
	if (more)
		fprintf(o->f, "  ... and processes in more cgroups (JSON has each process's)\n");
}

/* The blocked states WAITS breaks down, in its column order. */
static const struct {
	__u8 state;
	const char *col;
} wait_cols[] = {
	{ SL_TS_PIPE_EMPTY, "pipe-e" }, { SL_TS_PIPE_FULL, "pipe-f" }, { SL_TS_SOCKET, "socket" },
	{ SL_TS_LOCK, "lock" }, { SL_TS_CONDITION, "cond" }, { SL_TS_EVENTS, "events" },
	{ SL_TS_CHILD, "child" }, { SL_TS_SLEEP, "sleep" }, { SL_TS_TERMINAL, "term" },
	{ SL_TS_FAULT, "fault" }, { SL_TS_SYSCALL, "sysc." },
};
#define NR_WAIT_COLS (sizeof(wait_cols) / sizeof(wait_cols[0]))
#define WAIT_TASKS 24

static __u64 task_waited(const struct sl_task_row *t)
{
	__u64 v = 0;

	for (size_t k = 0; k < NR_WAIT_COLS; k++)
		v += t->state_ns[wait_cols[k].state];
	return v;
}

/* Off-CPU time by what was waited on, per task, and each task's top objects. */
static void waits(const struct out *o, const struct sl_result *r)
{
	__u32 shown = 0, more = 0;
	char d[16], obj[96];

	heading(o, "WAITS: blocked time by what was waited on, and the top objects per task");
	fprintf(o->f, "%7s %-15s", "pid", "name");
	for (size_t k = 0; k < NR_WAIT_COLS; k++)
		fprintf(o->f, " %6s", wait_cols[k].col);
	fputc('\n', o->f);
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_task_row *t = &r->tasks[i];

		if (!task_waited(t) && !t->nr_waits)
			continue;
		if (shown == WAIT_TASKS) {
			more++;
			continue;
		}
		shown++;
		fprintf(o->f, "%7u %-15.15s", t->pid, t->comm[0] ? t->comm : "?");
		for (size_t k = 0; k < NR_WAIT_COLS; k++) {
			__u64 v = t->state_ns[wait_cols[k].state];

			fprintf(o->f, " %6s", v ? report_dur(d, sizeof(d), v) : "-");
		}
		fputc('\n', o->f);
		for (__u32 k = 0; k < t->nr_waits; k++) {
			const struct sl_wait_row *w = &r->waits[t->first_wait + k];

			report_wait_object(obj, sizeof(obj), w);
			fprintf(o->f, "%9s%-56.56s %-10s %7s %8llu blocks\n", "", obj,
				sl_task_state_name(w->state), report_dur(d, sizeof(d), w->blocked_ns),
				(unsigned long long)w->blocks);
		}
	}
	if (more)
		fprintf(o->f, "  ... %u more tasks waited (--json or --csv-table waits lists them)\n",
			more);
}

#define JOIN_LINES 8

/* Who waited for whom: each parent whose wait4/waitid ended at a child's exit. */
static void joins(const struct out *o, const struct sl_result *r)
{
	int lines = 0, more = 0;

	for (__u32 k = 0; k < r->nr_proc_order; k++) {
		__u32 w = r->proc_order[k];
		char buf[512], lab[40];
		size_t len = 0;
		__u32 n = 0;

		for (__u32 c = 0; c < r->nr_proc_order; c++) {
			const struct sl_proc_row *p = &r->procs[r->proc_order[c]];

			if (p->waited_by != w)
				continue;
			if (len < sizeof(buf) - 96 && p->nr_procs > 1 && p->nr_waited < p->nr_procs)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len,
							"%s%s: %u of them", n ? ", " : "",
							proc_label(p, lab, sizeof(lab)), p->nr_waited);
			else if (len < sizeof(buf) - 96)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", n ? ", " : "",
							proc_label(p, lab, sizeof(lab)));
			n++;
		}
		if (!n)
			continue;
		if (lines == JOIN_LINES) {
			more++;
			continue;
		}
		if (!lines++)
			heading(o, "JOINS (a wait for a child that ended when the child exited)");
		para(o, 6, "  %s waited for %s", proc_label(&r->procs[w], lab, sizeof(lab)), buf);
	}
	if (more)
		fprintf(o->f, "  ... %d more waiting processes (JSON has all)\n", more);
}

static void threads(const struct out *o, const struct sl_result *r)
{
	char on[16], v[16], iv[16], m[16], wk[16], sched[96];

	heading(o, "THREADS (by process)");
	fprintf(o->f, "%7s %7s %-15s %6s %6s %6s %5s %6s %6s %6s %6s %6s %6s\n", "tid", "pid",
		"name", "on-CPU", "vol", "invol", "migr", "wakeup", "runabl", "I/O", "queue", "wait",
		"other");
	for (__u32 k = 0; k < r->nr_proc_order; k++) {
		const struct sl_proc_row *p = &r->procs[r->proc_order[k]];

		if (p->nr_procs > 1)
			continue;	/* a group: its members are in JSON and CSV */
		for (__u32 j = 0; j < p->nr_threads; j++) {
			const struct sl_task_row *t = &r->tasks[r->proc_tasks[p->first_thread + j]];

			fprintf(o->f, "%7u %7u %-15.15s %6s %6s %6s %5s %6s", t->pid, t->tgid,
				t->comm[0] ? t->comm : "?", report_dur(on, sizeof(on), t->on_cpu_ns),
				report_count(v, sizeof(v), t->vol_switches),
				report_count(iv, sizeof(iv), t->invol_switches),
				report_count(m, sizeof(m), t->migrations),
				report_count(wk, sizeof(wk), t->wakeups));
			off_cpu_cols(o, t->state_ns);
			if (sched_text(&t->attr, false, sched, sizeof(sched)))
				para(o, 18, "%16s^ %s", "", sched);
		}
	}
}

/* A waker table endpoint: a task, a group of processes, or anything untraced. */
static const char *who(const struct sl_result *r, __u32 ref, char *buf, size_t n)
{
	if (ref != SL_NO_TASK && (ref & SL_REF_PROC) && (ref & ~SL_REF_PROC) < r->nr_procs)
		return proc_label(&r->procs[ref & ~SL_REF_PROC], buf, n);
	if (ref == SL_NO_TASK || ref >= r->nr_tasks)
		snprintf(buf, n, "(untraced)");
	else
		snprintf(buf, n, "%.15s (%u)", r->tasks[ref].comm[0] ? r->tasks[ref].comm : "?",
			 r->tasks[ref].pid);
	return buf;
}

#define LAT_ROWS 12
#define NO_ROW 0xffffffffu
#define SLOW_LINES 20
#define HIST_STARS 40

/* Seconds since the start of the trace, for a timestamp. */
static double rel_s(const struct sl_result *r, __u64 ts)
{
	return ts > r->trace_start ? (double)(ts - r->trace_start) / 1e9 : 0.0;
}

/* The global run-queue latency as runqlat draws it: log2 buckets of microseconds. */
static void latency_histogram(const struct out *o, const struct sl_result *r)
{
	__u64 top = 0;
	int lo = -1, hi = -1;

	for (int k = 0; k < SL_LOG2_BUCKETS; k++) {
		if (!r->rq_log2_us[k])
			continue;
		if (lo < 0)
			lo = k;
		hi = k;
		if (r->rq_log2_us[k] > top)
			top = r->rq_log2_us[k];
	}
	if (lo < 0)
		return;
	fprintf(o->f, "\n  %21s : %-8s |%-*s|\n", "run-queue latency, us", "count", HIST_STARS,
		"distribution");
	for (int k = lo; k <= hi; k++) {
		unsigned long long from = k ? 1ull << k : 0, to = (2ull << k) - 1;
		int stars = (int)((r->rq_log2_us[k] * HIST_STARS + top - 1) / top);
		char range[32];

		snprintf(range, sizeof(range), "%llu -> %llu", from, to);
		fprintf(o->f, "  %21s : %-8llu |%-*.*s|\n", range,
			(unsigned long long)r->rq_log2_us[k], HIST_STARS, stars,
			"****************************************");
	}
}

/* Per process (or group): p50/p90/p99/max and when the max was, the worst first. */
static void latency_table(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16], c[16], d[16], name[NAME_COLS + 8], id[16], cnt[16];
	__u32 shown = 0, with = 0;
	bool *done;

	for (__u32 k = 0; k < r->nr_proc_order; k++)
		with += r->procs[r->proc_order[k]].rq_latency.count > 0;
	if (!with)
		return;
	done = calloc(r->nr_proc_order, sizeof(bool));
	if (!done)
		return;
	fprintf(o->f, "\n  run-queue latency per process, the worst max first (HDR percentiles):\n");
	fprintf(o->f, "%7s %-17s %7s %7s %7s %7s %7s %10s\n", "pid", "name", "wakeups", "p50",
		"p90", "p99", "max", "max at");
	while (shown < with && shown < LAT_ROWS) {
		__u32 best = NO_ROW;

		for (__u32 k = 0; k < r->nr_proc_order; k++) {
			const struct sl_proc_row *p = &r->procs[r->proc_order[k]];

			if (done[k] || !p->rq_latency.count)
				continue;
			if (best == NO_ROW ||
			    p->rq_latency.max > r->procs[r->proc_order[best]].rq_latency.max)
				best = k;
		}
		{
			const struct sl_proc_row *p = &r->procs[r->proc_order[best]];
			const struct sl_dist *q = &p->rq_latency;

			done[best] = true;
			if (p->nr_procs > 1)
				snprintf(id, sizeof(id), "*");
			else
				snprintf(id, sizeof(id), "%u", p->tgid);
			snprintf(name, sizeof(name), "%.17s", p->name);
			fprintf(o->f, "%7s %-17s %7s %7s %7s %7s %7s %9.3fs\n", id, name,
				report_count(cnt, sizeof(cnt), q->count), report_dur(a, sizeof(a), q->p50),
				report_dur(b, sizeof(b), q->p90), report_dur(c, sizeof(c), q->p99),
				report_dur(d, sizeof(d), q->max), rel_s(r, p->rq_max_ts));
		}
		shown++;
	}
	if (with > shown)
		fprintf(o->f, "  ... %u more processes (JSON/CSV have all, and every thread)\n",
			with - shown);
	free(done);
}

/* With --threads: the same per thread, the worst max first. */
static void latency_threads(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16], c[16], d[16], cnt[16];
	__u32 shown = 0, with = 0;
	bool *done;

	for (__u32 i = 0; i < r->nr_tasks; i++)
		with += r->tasks[i].rq_latency.count > 0;
	if (!with || !(done = calloc(r->nr_tasks, sizeof(bool))))
		return;
	fprintf(o->f, "\n  run-queue latency per thread, the worst max first:\n");
	fprintf(o->f, "%7s %7s %-15s %7s %7s %7s %7s %7s %10s\n", "tid", "pid", "name", "wakeups",
		"p50", "p90", "p99", "max", "max at");
	for (; shown < with && shown < LAT_ROWS; shown++) {
		__u32 best = NO_ROW;
		const struct sl_task_row *t;

		for (__u32 i = 0; i < r->nr_tasks; i++)
			if (!done[i] && r->tasks[i].rq_latency.count &&
			    (best == NO_ROW || r->tasks[i].rq_latency.max > r->tasks[best].rq_latency.max))
				best = i;
		done[best] = true;
		t = &r->tasks[best];
		fprintf(o->f, "%7u %7u %-15.15s %7s %7s %7s %7s %7s %9.3fs\n", t->pid, t->tgid,
			t->comm[0] ? t->comm : "?", report_count(cnt, sizeof(cnt), t->rq_latency.count),
			report_dur(a, sizeof(a), t->rq_latency.p50),
			report_dur(b, sizeof(b), t->rq_latency.p90),
			report_dur(c, sizeof(c), t->rq_latency.p99),
			report_dur(d, sizeof(d), t->rq_latency.max), rel_s(r, t->rq_max_ts));
	}
	if (with > shown)
		fprintf(o->f, "  ... %u more threads (JSON/CSV have all)\n", with - shown);
	free(done);
}

static void slow_wakeups(const struct out *o, const struct sl_result *r)
{
	char thr[16], lat[16], x[40], y[40];

	if (!r->slower_than_ns)
		return;
	report_dur(thr, sizeof(thr), r->slower_than_ns);
	heading(o, "SLOW WAKEUPS (woken, then waited longer than the threshold for a CPU)");
	para(o, 4, "  %llu wakeups waited longer than %s%s", (unsigned long long)r->nr_slow_total,
	     thr, r->nr_slow_total ? ":" : "");
	if (!r->nr_slow)
		return;
	fprintf(o->f, "  %10s %-24s %8s %4s %s\n", "woken at", "task", "waited", "cpu", "woken by");
	for (__u32 i = 0; i < r->nr_slow && i < SLOW_LINES; i++) {
		const struct sl_slow_wakeup *s = &r->slow[i];

		fprintf(o->f, "  %9.6fs %-24s %8s %4u %s\n", rel_s(r, s->wake_ts),
			who(r, s->task, x, sizeof(x)), report_dur(lat, sizeof(lat), s->latency_ns),
			s->cpu, who(r, s->waker, y, sizeof(y)));
	}
	if (r->nr_slow_total > SLOW_LINES)
		fprintf(o->f, "  ... %llu more (JSON lists up to %u)\n",
			(unsigned long long)(r->nr_slow_total - SLOW_LINES), SL_SLOW_MAX);
}

static void wakeups(const struct out *o, const struct sl_result *r)
{
	const struct sl_dist *q = &r->rq_latency;
	char a[16], b[16], c[16], d[16], line[W + 1];

	heading(o, "WAKEUPS AND MIGRATIONS");
	para(o, 6, "  wakeups %llu; run-queue latency (enqueued to running) p50 %s, "
		 "p90 %s, p99 %s, max %s", (unsigned long long)r->wakeups,
		 report_dur(a, sizeof(a), q->p50), report_dur(b, sizeof(b), q->p90),
		 report_dur(c, sizeof(c), q->p99), report_dur(d, sizeof(d), q->max));
	fprintf(o->f, "    (%llu samples, mean %s; percentiles from HDR buckets at most 3.1%% wide)\n",
		(unsigned long long)q->count, report_dur(a, sizeof(a), (__u64)sl_dist_mean(q)));
	if (r->late_enqueues)
		para(o, 6, "  late enqueues (by an IPI to the target CPU): %llu, %s in all, "
			 "mean %s, max %s",
			 (unsigned long long)r->late_enqueues,
			 report_dur(a, sizeof(a), r->late_enqueue_ns),
			 report_dur(b, sizeof(b), r->late_enqueue_ns / r->late_enqueues),
			 report_dur(c, sizeof(c), r->late_enqueue_max));
	latency_histogram(o, r);
	latency_table(o, r);
	if (o->threads)
		latency_threads(o, r);
	if (r->nr_wake_rows)
		fputc('\n', o->f);
	if (r->nr_wake_rows) {
		char x[40], y[40];

		fprintf(o->f, "  %-24s    %-24s %8s %11s %10s\n", "waker", "wakee", "count",
			"total delay", "mean delay");
		/* groups of short-lived processes stand for their members */
		for (__u32 i = 0; i < r->nr_wake_rows && i < TOP_EDGES; i++) {
			const struct sl_wake_edge *e = &r->wake_rows[i];

			fprintf(o->f, "  %-24s -> %-24s %8s %11s %10s\n", who(r, e->waker, x, sizeof(x)),
				who(r, e->wakee, y, sizeof(y)), report_count(a, sizeof(a), e->count),
				report_dur(b, sizeof(b), e->delay_ns),
				report_dur(c, sizeof(c), e->count ? e->delay_ns / e->count : 0));
		}
		if (r->nr_wake_rows > TOP_EDGES)
			fprintf(o->f, "  ... %u more pairs (JSON/CSV have all, per task)\n",
				r->nr_wake_rows - TOP_EDGES);
	}

	fprintf(o->f, "\n  migrations %llu, %llu of them right after a wakeup\n",
		(unsigned long long)r->migrations, (unsigned long long)r->migrations_wakeup);
	if (!r->migrations)
		return;
	if (r->ncpu <= MATRIX_MAX_CPUS) {
		fprintf(o->f, "  %-9s", "from\\to");
		for (__u32 t = 0; t < r->ncpu; t++)
			fprintf(o->f, " %6u", t);
		fputc('\n', o->f);
		for (__u32 f = 0; f < r->ncpu; f++) {
			fprintf(o->f, "  cpu %-5u", f);
			for (__u32 t = 0; t < r->ncpu; t++) {
				__u64 v = r->mig_matrix[f * r->ncpu + t];

				fprintf(o->f, " %6s", f == t ? "-" : report_count(a, sizeof(a), v));
			}
			fputc('\n', o->f);
		}
	} else {
		/* too many CPUs for a matrix in 100 columns: the busiest moves */
		int col = fprintf(o->f, "  busiest moves:");
		__u32 chosen[8];
		int nch = 0;

		while (nch < 8) {
			__u64 best = 0;
			__u32 bi = 0;

			for (__u32 i = 0; i < r->ncpu * r->ncpu; i++) {
				bool taken = false;

				for (int k = 0; k < nch; k++)
					taken |= chosen[k] == i;
				if (!taken && r->mig_matrix[i] > best) {
					best = r->mig_matrix[i];
					bi = i;
				}
			}
			if (!best)
				break;
			chosen[nch++] = bi;
			para(o, 4, " %u->%u %s", bi / r->ncpu, bi % r->ncpu,
				 report_count(a, sizeof(a), best));
			if (col + (int)strlen(line) > W)
				break;
			col += fprintf(o->f, "%s", line);
		}
		fputc('\n', o->f);
	}
}

static void side_line(const struct out *o, const char *label, const struct sl_queue_side *s)
{
	char a[16], b[16], c[16], d[16];

	if (!s->nr_tasks)
		return;
	para(o, 15, "  %-12s %u task%s on %u CPU%s: busy %s of their time, asleep %s; of busy time "
	     "%s waiting for a CPU, %s disk I/O", label, s->nr_tasks, s->nr_tasks == 1 ? "" : "s",
	     s->cpus_used, s->cpus_used == 1 ? "" : "s", report_pct(a, sizeof(a), s->busy_frac),
	     report_pct(d, sizeof(d), s->sleep_frac), report_pct(b, sizeof(b), s->cpu_wait_frac),
	     report_pct(c, sizeof(c), s->io_frac));
}

static void queue(const struct out *o, const struct sl_result *r, const struct sl_queue_row *q,
		  bool main_queue)
{
	char a[16], b[16], c[16], d[16], line[160], title[64], vname[24], why[EXPLAIN_LEN];
	double lw_rel = q->little_rel_diff < 0 ? -q->little_rel_diff : q->little_rel_diff;

	snprintf(title, sizeof(title), "QUEUE %u%s", q->qid, main_queue && r->nr_queues > 1 ?
		 " (the busiest: its verdict is the run's)" : "");
	heading(o, title);
	para(o, 15, "  throughput   %.0f items/s: %llu items popped in %s "
		 "(first to last queue event)", q->throughput,
		 (unsigned long long)q->delay.count, report_dur(a, sizeof(a), q->window_ns));
	para(o, 15, "  depth        mean %.2f, max %u of capacity %u (%s); full %s "
		 "of the time, empty %s", q->mean_depth, q->max_depth, q->capacity,
		 q->capacity_from_config ? "configured" : "largest seen",
		 report_pct(a, sizeof(a), q->full_frac), report_pct(b, sizeof(b), q->empty_frac));
	para(o, 15, "  blocked      producers on full %s (%s of their time), "
		 "consumers on empty %s (%s)", report_dur(a, sizeof(a), q->prod_blocked_ns),
		 report_pct(b, sizeof(b), q->prod.wait_frac),
		 report_dur(c, sizeof(c), q->cons_blocked_ns),
		 report_pct(d, sizeof(d), q->cons.wait_frac));
	if (q->lock_wait_ns)
		fprintf(o->f, "  lock         waiting for the queue lock %s in all\n",
			report_dur(a, sizeof(a), q->lock_wait_ns));
	para(o, 15, "  delay        enqueue to pop: mean %s, p50 %s, p99 %s, max %s",
		 report_dur(a, sizeof(a), (__u64)sl_dist_mean(&q->delay)),
		 report_dur(b, sizeof(b), q->delay.p50), report_dur(c, sizeof(c), q->delay.p99),
		 report_dur(d, sizeof(d), q->delay.max));
	if (q->service.count) {
		para(o, 15, "  service      consumers' work per item: mean %s, p50 %s, "
			 "p99 %s", report_dur(a, sizeof(a), (__u64)sl_dist_mean(&q->service)),
			 report_dur(b, sizeof(b), q->service.p50),
			 report_dur(c, sizeof(c), q->service.p99));
	}
	if (q->little_blocked >= 0.005)
		para(o, 15, "  Little's law mean depth %.2f vs throughput x mean delay %.2f: %s apart; "
		     "producers blocked on full held %.2f more items on average (the delay counts "
		     "from the push call)", q->little_l, q->little_lw,
		     report_pct(a, sizeof(a), lw_rel), q->little_blocked);
	else
		para(o, 15, "  Little's law mean depth %.2f vs throughput x mean delay %.2f: %s apart",
		     q->little_l, q->little_lw, report_pct(a, sizeof(a), lw_rel));
	side_line(o, "producers", &q->prod);
	side_line(o, "consumers", &q->cons);
	upper(vname, sl_verdict_name(q->verdict), sizeof(vname));
	snprintf(line, sizeof(line), "  %sverdict      %s%s%s: ", BOLD(o), verdict_color(o, q->verdict),
		 vname, RESET(o));
	/* the escapes take no columns */
	report_wrap_cols(o->f, line, 15 + (int)strlen(vname) + 2, 15,
			 explain__verdict(r, q, why, sizeof(why)), W);
	report_wrap(o->f, "  change       ", 15, explain__advice(q, why, sizeof(why)), W);
}

/* The workload's own accounting: every item produced is consumed, queued or lost. */
static void workload(const struct out *o, const char *summary)
{
	const char *line = summary, *nl;

	fprintf(o->f, "\n%sWORKLOAD%s\n", BOLD(o), RESET(o));
	for (; *line; line = nl + 1) {
		char buf[256];
		size_t n;

		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		n = (size_t)(nl - line) + (*nl != '\n');
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		report_wrap(o->f, "  ", 4, buf, W);
		if (!nl[1])
			break;
	}
}

static void crosscheck(const struct out *o, const struct sl_result *r)
{
	const struct sl_crosscheck *x = &r->xc;
	const char *col = x->ok ? GREEN(o) : (x->nr_mismatches || x->lost) ? RED(o) : YELLOW(o);
	char buf[EXPLAIN_LEN];

	fputc('\n', o->f);
	fprintf(o->f, "%s", col);
	report_wrap(o->f, "", 4, explain__crosscheck(r, buf, sizeof(buf)), W);
	fprintf(o->f, "%s", RESET(o));
	/* the line names the first difference; list the others */
	for (__u32 i = 1; i < x->nr_mismatches && i < MISMATCH_LINES; i++) {
		explain__mismatch(r, &x->mismatch[i], buf, sizeof(buf));
		report_wrap(o->f, "    ", 6, buf, W);
	}
	if (x->nr_mismatches > MISMATCH_LINES)
		fprintf(o->f, "    ... %u more (JSON has all)\n", x->nr_mismatches - MISMATCH_LINES);
	fprintf(o->f, "%s", x->lost ? RED(o) : "");
	report_wrap(o->f, "", 4, explain__lost(r, buf, sizeof(buf)), W);
	fprintf(o->f, "%s", x->lost ? RESET(o) : "");
	{
		char line[160];

		report_wrap(o->f, "", 4, explain__stream(r, line, sizeof(line)), W);
	}
}

#define CHANNELS_SHOWN 4

/* "cat (123), gzip (124)": the tasks of one side of a channel, cut to fit. */
static const char *chan_side(const struct sl_result *r, const struct sl_channel_row *ch,
			     bool producers, char *buf, size_t n)
{
	size_t len = 0;
	__u32 k = 0;

	buf[0] = '\0';
	for (__u32 i = 0; i < ch->nr_tasks && len + 32 < n; i++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + i];
		const struct sl_task_row *t = &r->tasks[ct->task];

		if (producers ? !ct->producer : !ct->consumer)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%.15s (%u)", k++ ? ", " : "",
					t->comm[0] ? t->comm : "?", t->pid);
	}
	if (!k && ch->outside_wakeups)
		snprintf(buf, n, "outside the trace (no traced task woke the other side)");
	else if (!k)
		snprintf(buf, n, "none seen");
	return buf;
}

static void channels(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16], c[16], d[16], obj[96], line[224], vname[24], why[EXPLAIN_LEN];
	char prod[256], cons[256], outside[64];
	__u32 shown = 0;

	for (__u32 i = 0; i < r->nr_channels; i++) {
		const struct sl_channel_row *ch = &r->channels[i];
		const struct sl_queue_row *q = &ch->q;

		/* the busiest, and those the headline and the pipeline name */
		if (i >= CHANNELS_SHOWN && (__s32)i != r->verdict_channel &&
		    (!r->pipeline.stage_tgid ||
		     ((__s32)i != r->pipeline.upstream && (__s32)i != r->pipeline.downstream)))
			continue;
		shown++;
		channel_name(obj, sizeof(obj), ch);
		snprintf(line, sizeof(line), "CHANNEL %s%s%s%s", obj,
			 ch->condition ? " (a condition: its signallers let its waiters go on)" : "",
			 ch->folded ? " with the condition beside it" : "",
			 (__s32)i == r->verdict_channel && r->nr_channels > 1 ?
			 " (its verdict is the run's)" : "");
		heading(o, line);
		para(o, 15, "  %-12s %s", q->signal ? "signallers" : "producers",
		     chan_side(r, ch, true, prod, sizeof(prod)));
		para(o, 15, "  %-12s %s", q->signal ? "waiters" : "consumers",
		     chan_side(r, ch, false, cons, sizeof(cons)));
		outside[0] = '\0';
		if (ch->outside_wakeups)
			snprintf(outside, sizeof(outside), ", %llu of them from outside the trace",
				 (unsigned long long)ch->outside_wakeups);
		if (q->signal)
			para(o, 15, "  blocked      waiters waiting for a signal %s (%s of their time); "
			     "%llu wakeups through it", report_dur(c, sizeof(c), q->cons_blocked_ns),
			     report_pct(d, sizeof(d), q->cons.wait_frac),
			     (unsigned long long)ch->wakeups);
		else
			para(o, 15, "  blocked      producers waiting for room %s (%s of their time), "
			     "consumers waiting for data %s (%s); %llu wakeups through it%s",
			     report_dur(a, sizeof(a), q->prod_blocked_ns),
			     report_pct(b, sizeof(b), q->prod.wait_frac),
			     report_dur(c, sizeof(c), q->cons_blocked_ns),
			     report_pct(d, sizeof(d), q->cons.wait_frac),
			     (unsigned long long)ch->wakeups, outside);
		if (ch->pair >= 0) {
			char other[96];

			report_channel_object(other, sizeof(other), &r->channels[ch->pair]);
			para(o, 15, "  paired with  %s: its waiters signal that one, its signallers "
			     "wait on it (one buffer's \"not full\" and \"not empty\")", other);
		}
		if (ch->lock_proxy_ns) {
			char lock[96];

			report_behind_lock(lock, sizeof(lock), ch);
			para(o, 15, "  behind lock  %s of that waiting for %s, held by a task blocked "
			     "on this channel", report_dur(a, sizeof(a), ch->lock_proxy_ns), lock);
		}
		if (ch->cap)
			para(o, 15, "  fill         %u of %u buffers in use when a writer blocked",
			     ch->fill_max, ch->cap);
		side_line(o, q->signal ? "signallers" : "producers", &q->prod);
		side_line(o, q->signal ? "waiters" : "consumers", &q->cons);
		upper(vname, explain__verdict_label(q), sizeof(vname));
		snprintf(line, sizeof(line), "  %sverdict      %s%s%s: ", BOLD(o),
			 verdict_color(o, q->verdict), vname, RESET(o));
		report_wrap_cols(o->f, line, 15 + (int)strlen(vname) + 2, 15,
				 explain__verdict(r, q, why, sizeof(why)), W);
		report_wrap(o->f, "  change       ", 15, explain__advice(q, why, sizeof(why)), W);
	}
	if (r->nr_channels > shown)
		fprintf(o->f, "\n  ... %u more channels (JSON has all)\n", r->nr_channels - shown);
	if (r->pipeline.stage_tgid) {
		const struct sl_pipeline *pl = &r->pipeline;
		const char *name = stage_name(r);
		char ups[64], downs[64];

		if (pl->upstream >= 0)
			snprintf(ups, sizeof(ups), "its upstream producers wait for room %s of their "
				 "time", report_pct(a, sizeof(a),
						    r->channels[pl->upstream].q.prod.wait_frac));
		else
			snprintf(ups, sizeof(ups), "it is the first stage");
		if (pl->downstream >= 0)
			snprintf(downs, sizeof(downs), "its downstream consumers wait for data %s",
				 report_pct(b, sizeof(b),
					    r->channels[pl->downstream].q.cons.wait_frac));
		else
			snprintf(downs, sizeof(downs), "it is the last stage");
		heading(o, "PIPELINE");
		para(o, 4, "  %u channels joined by %u process%s; the limiting stage is %.15s (%u): "
		     "%s, %s; it is busy %s of its time", pl->nr_channels, pl->nr_stages,
		     pl->nr_stages == 1 ? "" : "es", name, pl->stage_tgid,
		     ups, downs, report_pct(c, sizeof(c), pl->stage_busy_frac));
		if (pl->closed) {
			char in[96], out[96];

			para(o, 4, "  a closed loop: what %.15s sends through %s comes back through "
			     "%s, from the same processes, each waiting for the other",
			     name,
			     channel_name(out, sizeof(out), &r->channels[pl->downstream]),
			     channel_name(in, sizeof(in), &r->channels[pl->upstream]));
		}
		if (stage_thinks(pl))
			para(o, 4, "  %.15s sleeps outside the loop between its rounds: shorter sleeps, "
			     "or more of it in parallel, would keep the other side busy", name);
		else
			para(o, 4, "  make %.15s faster or run more of it in parallel; the other %s "
			     "for it", name, pl->closed ? "side waits" : "stages wait");
	}
}

#define LOCKS_SHOWN 4

static void locks(const struct out *o, const struct sl_result *r)
{
	char a[16], b[16], c[16], obj[96], line[224], takers[256], why[EXPLAIN_LEN];

	for (__u32 i = 0; i < r->nr_locks && i < LOCKS_SHOWN; i++) {
		const struct sl_lock_row *lk = &r->locks[i];
		size_t len = 0;

		report_lock_object(obj, sizeof(obj), lk);
		snprintf(line, sizeof(line), "LOCK %s%s", obj,
			 (__s32)i == r->verdict_lock ? " (its verdict is the run's)" : "");
		heading(o, line);
		takers[0] = '\0';
		for (__u32 k = 0; k < lk->nr_tasks && len + 32 < sizeof(takers); k++) {
			const struct sl_task_row *t = &r->tasks[r->lock_tasks[lk->first_task + k].task];

			len += (size_t)snprintf(takers + len, sizeof(takers) - len, "%s%.15s (%u)",
						k ? ", " : "", t->comm[0] ? t->comm : "?", t->pid);
		}
		para(o, 15, "  takers       %s", takers);
		para(o, 15, "  waited       %s in all, %s of their time; %llu handoffs%s%s%s",
		     report_dur(a, sizeof(a), lk->wait_ns),
		     report_pct(b, sizeof(b), lk->alive_ns ? (double)lk->wait_ns / (double)lk->alive_ns : 0),
		     (unsigned long long)lk->handoffs, lk->behind_ns ? "; " : "",
		     lk->behind_ns ? report_dur(c, sizeof(c), lk->behind_ns) : "",
		     lk->behind_ns ? " of it while the holder was blocked on a channel" : "");
		if (lk->lock_bound) {
			snprintf(line, sizeof(line), "  %sverdict      %sLOCK-BOUND%s: ", BOLD(o),
				 verdict_color(o, SL_V_LOCK_BOUND), RESET(o));
			report_wrap_cols(o->f, line, 15 + 12, 15, explain__lock(lk, why, sizeof(why)), W);
			report_wrap(o->f, "  change       ", 15, explain__lock_advice(why, sizeof(why)), W);
		} else {
			report_wrap(o->f, "  contention   ", 15, explain__lock(lk, why, sizeof(why)), W);
		}
	}
	if (r->nr_locks > LOCKS_SHOWN)
		fprintf(o->f, "\n  ... %u more locks (JSON has all)\n", r->nr_locks - LOCKS_SHOWN);
}

int report__text(FILE *f, const struct sl_result *r, const struct sl_trace_info *ti,
		 const struct report_text_opts *opts)
{
	struct out o = { .f = f, .color = opts && opts->color, .threads = opts && opts->threads };

	if (!r)
		return -EINVAL;
	header(&o, r, ti);
	summary(&o, r);
	cpu_use(&o, r);
	if (r->nr_roles)
		roles(&o, r);
	if (r->nr_proc_order) {
		processes(&o, r);
		joins(&o, r);
		cgroups(&o, r, ti);
	}
	if (o.threads && r->nr_tasks)
		threads(&o, r);
	if (r->nr_wait_records)
		waits(&o, r);
	if (r->nr_channels)
		channels(&o, r);
	if (r->nr_locks)
		locks(&o, r);
	wakeups(&o, r);
	slow_wakeups(&o, r);
	for (__u32 i = 0; i < r->nr_queues; i++)
		queue(&o, r, &r->queues[i], (__s32)i == r->verdict_queue);
	if (ti && ti->workload_summary && *ti->workload_summary)
		workload(&o, ti->workload_summary);
	crosscheck(&o, r);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
