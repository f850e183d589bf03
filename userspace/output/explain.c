// SPDX-License-Identifier: GPL-2.0
/*
 * Every sentence a report prints about its numbers.  The choice between
 * wordings is analysis's (the enums); this file only puts them in words,
 * so a reading changes in one place for text, JSON and CSV alike.
 */
#include <stdio.h>
#include <string.h>
#include "explain.h"
#include "util/units.h"

static const char UNSEEN[] = "no traced task was seen";

const char *explain__parallelism(const struct sl_result *r, char *buf, size_t n)
{
	switch (r->par_kind) {
	case SL_PAR_SERIAL:
		snprintf(buf, n, "no two tasks ever ran at the same instant: no parallelism, "
			 "%.0f%% of one CPU used", r->parallelism * 100.0);
		break;
	case SL_PAR_PARALLEL:
		snprintf(buf, n, "%.2f of %u CPUs ran workload tasks at once on average "
			 "(%.0f%% of the machine); none ran %.0f%% of the time", r->parallelism,
			 r->ncpu, r->parallelism * 100.0 / r->ncpu, r->par_none_frac * 100.0);
		break;
	default:
		snprintf(buf, n, "%s", UNSEEN);
	}
	return buf;
}

/* "; the most: stress-ng-cpu (1234) 1.95s, kworker/0:1 (12) 3.1ms" (at most 3), or "". */
static const char *foreign_names(const struct sl_result *r, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (__u32 i = 0; i < r->nr_foreign && i < 3 && len < n; i++) {
		char d[32];

		len += (size_t)snprintf(buf + len, n - len, "%s%.15s (%u) %s", i ? ", " : "; the most: ",
					r->foreign[i].comm[0] ? r->foreign[i].comm : "?",
					r->foreign[i].pid,
					format_duration_short(r->foreign[i].ns, d, sizeof(d)));
	}
	return buf;
}

const char *explain__concurrency(const struct sl_result *r, char *buf, size_t n)
{
	char names[160];

	switch (r->con_kind) {
	case SL_CON_WAKEUP_LATENCY:
		snprintf(buf, n, "%.2f tasks on average were runnable but not running, %.2f of "
			 "them while a CPU sat idle: wakeup latency, not a shortage of CPUs",
			 r->runnable_waiting, r->runnable_idle);
		break;
	case SL_CON_MULTIPLEXED:
		snprintf(buf, n, "%.2f tasks on average were runnable but waited for a CPU: the "
			 "CPUs were time-multiplexed among them", r->runnable_waiting);
		break;
	case SL_CON_FOREIGN:
		snprintf(buf, n, "%.2f tasks on average were runnable but waited for a CPU while "
			 "other programs held %.0f%% of the CPUs%s: foreign load, not the workload's "
			 "own tasks, kept them waiting", r->runnable_waiting, r->util_other * 100.0,
			 foreign_names(r, names, sizeof(names)));
		break;
	case SL_CON_CPU_BOUND:
		snprintf(buf, n, "tasks hardly waited for a CPU (%.2f runnable but not running on "
			 "average) and were on a CPU %.0f%% of the time they were resident: "
			 "CPU-bound", r->runnable_waiting,
			 r->multiprogramming > 0 ? r->parallelism * 100.0 / r->multiprogramming : 0.0);
		break;
	case SL_CON_BLOCKING:
		snprintf(buf, n, "tasks hardly waited for a CPU (%.2f runnable but not running on "
			 "average): progress was limited by blocking, not by CPUs",
			 r->runnable_waiting);
		break;
	default:
		snprintf(buf, n, "%s", UNSEEN);
	}
	return buf;
}

const char *explain__multiprogramming(const struct sl_result *r, char *buf, size_t n)
{
	if (!r->wall_ns)
		snprintf(buf, n, "%s", UNSEEN);
	else
		snprintf(buf, n, "%.1f tasks resident on average (at most %u); the CPUs switched "
			 "among them %.0f times/s", r->multiprogramming, r->max_multiprogramming,
			 r->switch_rate);
	return buf;
}

/* A condition's sides are the tasks that signal it and those that wait for the signal. */
static const char *prod_name(const struct sl_queue_row *q)
{
	return q->signal ? "signallers" : "producers";
}

static const char *cons_name(const struct sl_queue_row *q)
{
	return q->signal ? "waiters" : "consumers";
}

static const char *who_name(const struct sl_queue_row *q)
{
	switch (q->verdict_who) {
	case SL_VW_PRODUCERS:
		return prod_name(q);
	case SL_VW_CONSUMERS:
		return cons_name(q);
	default:
		/* both sides, of which the trace may hold only one */
		if (!q->prod.nr_tasks && q->cons.nr_tasks)
			return cons_name(q);
		if (!q->cons.nr_tasks && q->prod.nr_tasks)
			return prod_name(q);
		return q->signal ? "signallers and waiters" : "producers and consumers";
	}
}

const char *explain__verdict_label(const struct sl_queue_row *q)
{
	if (q->signal && q->verdict == SL_V_PRODUCER_BOUND)
		return "signaller-bound";
	if (q->signal && q->verdict == SL_V_CONSUMER_BOUND)
		return "waiter-bound";
	return sl_verdict_name(q->verdict);
}

/* Below this share the wait for a CPU after a channel's wakeups goes unsaid. */
#define WAKE_WAIT_SAID	0.05

/*
 * The side judged limits the other, which after the channel's wakeups
 * also waited for a CPU (analysis_queue.c, wake_waits()): the sentence
 * that gave its blocked share gives that part too.
 */
static void say_wake_wait(const struct sl_queue_side *o, char *buf, size_t n)
{
	size_t len = strlen(buf);

	if (o->wake_wait_frac >= WAKE_WAIT_SAID && len < n)
		snprintf(buf + len, n - len, " and waiting for a CPU after its wakeups %.0f%%",
			 o->wake_wait_frac * 100.0);
}

const char *explain__verdict(const struct sl_result *r, const struct sl_queue_row *q,
			     char *buf, size_t n)
{
	const struct sl_queue_side *x = sl_queue_row__judged(q);
	const char *who = who_name(q);
	bool cons = q->verdict_who == SL_VW_CONSUMERS;
	char where[48];

	/* a side no traced task is on: the other side waits for it, nothing more is known */
	if (q->verdict_who != SL_VW_BOTH && !x->nr_tasks) {
		snprintf(buf, n, "no %s in the trace; the queue %s %.0f%% of the time, %s blocked on "
			 "it %.0f%%", who, cons ? "full" : "empty",
			 (cons ? q->full_frac : q->empty_frac) * 100.0,
			 cons ? prod_name(q) : cons_name(q),
			 (cons ? q->prod.wait_frac : q->cons.wait_frac) * 100.0);
		return buf;
	}
	/* percentages in verdicts are whole: "98%" */
	switch (q->verdict_rule) {
	case SL_VR_LOCK:
		snprintf(buf, n, "producers and consumers wait for the queue lock %.0f%% of their "
			 "time", q->lock_frac * 100.0);
		break;
	case SL_VR_SLEEP:
		if (q->signal)
			snprintf(buf, n, "%s sleep %.0f%% of their time elsewhere (synchronous "
				 "calls, rate limits or other waits); %s blocked on it %.0f%%", who,
				 x->sleep_frac * 100.0, cons ? prod_name(q) : cons_name(q),
				 (cons ? q->prod.wait_frac : q->cons.wait_frac) * 100.0);
		else
			snprintf(buf, n, "%s sleep %.0f%% of their time outside the queue "
				 "(synchronous calls, rate limits or other waits); the queue %s "
				 "%.0f%% of the time", who, x->sleep_frac * 100.0,
				 cons ? "full" : "empty",
				 (cons ? q->full_frac : q->empty_frac) * 100.0);
		break;
	case SL_VR_IO:
		snprintf(buf, n, "%s spend %.0f%% of their busy time blocked on disk I/O (%.0f%% "
			 "waiting for a CPU)", who, x->io_frac * 100.0, x->cpu_wait_frac * 100.0);
		break;
	case SL_VR_CPU_OTHER:
		snprintf(buf, n, "%s wait for a CPU %.0f%% of their busy time; other tasks held "
			 "%.0f%% of %s", who, x->cpu_wait_frac * 100.0, x->other_frac * 100.0,
			 x->cpus_used < r->ncpu ? "the CPUs they ran on" : "the CPUs");
		break;
	case SL_VR_CPU:
		if (x->cpus_used && x->cpus_used < r->ncpu)
			snprintf(where, sizeof(where), "the %u CPU%s they ran on", x->cpus_used,
				 x->cpus_used == 1 ? "" : "s");
		else
			snprintf(where, sizeof(where), "%u CPUs", r->ncpu);
		snprintf(buf, n, "%s wait for a CPU %.0f%% of their busy time; concurrency %.2f "
			 "on %s", who, x->cpu_wait_frac * 100.0, r->concurrency, where);
		break;
	case SL_VR_SIDE:
		if (q->signal)
			snprintf(buf, n, "%s busy %.0f%% of the time, %s blocked on it %.0f%%",
				 who, x->busy_frac * 100.0,
				 cons ? prod_name(q) : cons_name(q),
				 (cons ? q->prod.wait_frac : q->cons.wait_frac) * 100.0);
		else if (!(cons ? q->prod.nr_tasks : q->cons.nr_tasks))
			/* the other side's waits are unseen: the judged side's own tell */
			snprintf(buf, n, "%s busy %.0f%% of the time, blocked on it %.0f%%; the %s, "
				 "outside the trace, kept %s", who, x->busy_frac * 100.0,
				 x->wait_frac * 100.0, cons ? "producers" : "consumers",
				 cons ? "ahead of them" : "up with them");
		else if (cons)
			snprintf(buf, n, "consumers busy %.0f%% of the time, the queue full %.0f%%, "
				 "producers blocked on it %.0f%%", q->cons.busy_frac * 100.0,
				 q->full_frac * 100.0, q->prod.wait_frac * 100.0);
		else
			snprintf(buf, n, "producers busy %.0f%% of the time, the queue empty %.0f%%, "
				 "consumers blocked on it %.0f%%", q->prod.busy_frac * 100.0,
				 q->empty_frac * 100.0, q->cons.wait_frac * 100.0);
		say_wake_wait(cons ? &q->prod : &q->cons, buf, n);
		break;
	case SL_VR_BALANCED:
		if (q->signal) {
			snprintf(buf, n, "%s blocked on it %.0f%% of their time", cons_name(q),
				 q->cons.wait_frac * 100.0);
			break;
		}
		snprintf(buf, n, "queue full %.0f%% and empty %.0f%% of the time; producers "
			 "blocked %.0f%%, consumers %.0f%%", q->full_frac * 100.0,
			 q->empty_frac * 100.0, q->prod.wait_frac * 100.0, q->cons.wait_frac * 100.0);
		break;
	default:
		snprintf(buf, n, "no items went through the queue");
	}
	return buf;
}

const char *explain__lock(const struct sl_lock_row *lk, char *buf, size_t n)
{
	int len = snprintf(buf, n, "its %u taker%s wait%s for it %.0f%% of their time",
			   lk->nr_tasks, lk->nr_tasks == 1 ? "" : "s", lk->nr_tasks == 1 ? "s" : "",
			   lk->contention_frac * 100.0);

	if (lk->behind_ns && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, ", not counting the waits while its holder was "
			 "blocked on a channel");
	return buf;
}

const char *explain__lock_advice(char *buf, size_t n)
{
	snprintf(buf, n, "hold the lock for less time (less work inside it), split it, or take it "
		 "less often (batches)");
	return buf;
}

const char *explain__advice(const struct sl_queue_row *q, char *buf, size_t n)
{
	const char *who = who_name(q);
	/* with no side named, "more producers and consumers" reads as "workers" */
	const char *more = q->verdict_who == SL_VW_BOTH ? "workers" : who;

	if (q->verdict_who != SL_VW_BOTH && !sl_queue_row__judged(q)->nr_tasks) {
		snprintf(buf, n, "trace the %s too (their process, or the parent that starts "
			 "them) to see what holds them up", who);
		return buf;
	}
	switch (q->verdict_rule) {
	case SL_VR_LOCK:
		snprintf(buf, n, "hold the lock for less time, move items in batches, or split "
			 "the queue");
		break;
	case SL_VR_SLEEP:
		snprintf(buf, n, "make the %s' waits asynchronous or shorter, or add %s", who, who);
		break;
	case SL_VR_IO:
		snprintf(buf, n, "overlap I/O with more %s, batch the syncs, or use faster storage",
			 more);
		break;
	case SL_VR_CPU_OTHER:
		snprintf(buf, n, "run on a quieter machine or give the workload CPUs of its own");
		break;
	case SL_VR_CPU:
		snprintf(buf, n, "give the workload more CPUs or run fewer processes; more %s will "
			 "not help", more);
		break;
	case SL_VR_SIDE:
		if (q->signal)
			snprintf(buf, n, "make the %s' work between signals cheaper, or run more "
				 "of them", who);
		else
			snprintf(buf, n, "%s", q->verdict_who == SL_VW_CONSUMERS ?
				 "add consumers or make consume cheaper" :
				 "add producers or make produce cheaper");
		break;
	case SL_VR_BALANCED:
		snprintf(buf, n, "no side limits the other; scale both together");
		break;
	default:
		snprintf(buf, n, "nothing to change");
	}
	return buf;
}

const char *explain__mismatch(const struct sl_result *r, const struct sl_xc_mismatch *m,
			      char *buf, size_t n)
{
	const struct sl_task_row *t = &r->tasks[m->task];
	const char *comm = t->comm[0] ? t->comm : "?";

	if (m->counter == SL_XC_ONCPU || m->counter == SL_XC_RUN_DELAY ||
	    m->counter == SL_XC_BLKIO)
		snprintf(buf, n, "%s (%u) %s %.3f ms vs kernel %.3f ms (%+.2f%%)", comm, t->pid,
			 sl_xc_counter_name(m->counter), m->ours / 1e6, m->kernel / 1e6,
			 m->kernel ? ((double)m->ours - (double)m->kernel) * 100.0 / m->kernel : 0.0);
	else
		snprintf(buf, n, "%s (%u) %s %llu vs kernel %llu (%+lld)", comm, t->pid,
			 sl_xc_counter_name(m->counter), (unsigned long long)m->ours,
			 (unsigned long long)m->kernel, (long long)(m->ours - m->kernel));
	return buf;
}

/* "switches, migrations, on-cpu time, ...": the counters compared for some task. */
static const char *xc_counters(__u32 mask, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int c = 0; c < SL_XC_MAX; c++) {
		const char *name = sl_xc_counter_name(c);

		if (!(mask & (1u << c)))
			continue;
		/* the two switch counts read as one */
		if (c == SL_XC_VOLUNTARY)
			name = "switches";
		else if (c == SL_XC_INVOLUNTARY && (mask & (1u << SL_XC_VOLUNTARY)))
			continue;
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name);
	}
	return buf;
}

const char *explain__crosscheck(const struct sl_result *r, char *buf, size_t n)
{
	const struct sl_crosscheck *x = &r->xc;
	char first[EXPLAIN_LEN], what[160], edge[160] = "";

	if (x->nr_edge)
		snprintf(edge, sizeof(edge), "; %u within the switches made while %s counters were read",
			 x->nr_edge, x->nr_edge == 1 ? "its" : "their");
	if (x->steal_allowed_ns) {
		size_t len = strlen(edge);

		snprintf(edge + len, sizeof(edge) - len, "; times within the %.0f ms the hypervisor "
			 "took", (double)x->steal_ns / 1e6);
	}
	if (!x->nr_checked)
		snprintf(buf, n, "kernel cross-check: not done (no kernel counters for any task)");
	else if (!x->nr_mismatches && x->counters)
		snprintf(buf, n, "kernel cross-check: ok (%u tasks: %s%s)", x->nr_checked,
			 xc_counters(x->counters, what, sizeof(what)), edge);
	else if (!x->nr_mismatches)
		snprintf(buf, n, "kernel cross-check: ok (%u tasks%s)", x->nr_checked, edge);
	else if (x->nr_mismatches > 1)
		snprintf(buf, n, "kernel cross-check: %u of %u tasks differ: %s; %u more differences",
			 x->nr_mismatched, x->nr_checked,
			 explain__mismatch(r, &x->mismatch[0], first, sizeof(first)),
			 x->nr_mismatches - 1);
	else
		snprintf(buf, n, "kernel cross-check: %u of %u tasks differ: %s", x->nr_mismatched,
			 x->nr_checked, explain__mismatch(r, &x->mismatch[0], first, sizeof(first)));
	return buf;
}

const char *explain__lost(const struct sl_result *r, char *buf, size_t n)
{
	const struct sl_crosscheck *x = &r->xc;

	if (x->lost && x->prog_misses)
		snprintf(buf, n, "lost records: %llu (%llu ring buffer full, %llu probe runs skipped "
			 "by the kernel): counts cannot match the kernel exactly",
			 (unsigned long long)x->lost, (unsigned long long)(x->lost - x->prog_misses),
			 (unsigned long long)x->prog_misses);
	else if (x->lost)
		snprintf(buf, n, "lost records: %llu (ring buffers full): counts cannot match the "
			 "kernel exactly", (unsigned long long)x->lost);
	else if (x->late)
		snprintf(buf, n, "lost records: 0; %llu arrived late and were clamped in time",
			 (unsigned long long)x->late);
	else
		snprintf(buf, n, "lost records: 0");
	return buf;
}

const char *explain__stream(const struct sl_result *r, char *buf, size_t n)
{
	__u64 in = r->inferred_switch_ins, mig = r->inferred_migrations;
	size_t len;

	if (!in && !mig && !r->unreported_wakeups) {
		snprintf(buf, n, "stream check: ok (every switch-out follows its switch-in, every "
			 "change of CPU a migrate record)");
		return buf;
	}
	if (!in && !mig)
		snprintf(buf, n, "stream check: nothing inferred");
	else if (in && mig)
		snprintf(buf, n, "stream check: %llu switch-in%s and %llu migration%s the kernel did "
			 "not report, inferred", (unsigned long long)in, in == 1 ? "" : "s",
			 (unsigned long long)mig, mig == 1 ? "" : "s");
	else
		snprintf(buf, n, "stream check: %llu %s%s the kernel did not report, inferred",
			 (unsigned long long)(in ? in : mig), in ? "switch-in" : "migration",
			 (in ? in : mig) == 1 ? "" : "s");
	/* a wakeup cannot be placed in time: only counted */
	len = strlen(buf);
	if (r->unreported_wakeups && len < n)
		snprintf(buf + len, n - len, "; %llu wakeup%s not reported (run-queue wait of %s "
			 "not checked)", (unsigned long long)r->unreported_wakeups,
			 r->unreported_wakeups == 1 ? "" : "s",
			 r->unreported_wakeups == 1 ? "that task" : "those tasks");
	return buf;
}
