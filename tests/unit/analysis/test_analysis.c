// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis pass on hand-built event streams whose every metric is known
 * exactly (worked out in the comments next to each assertion).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/analysis_hist.h"
#include "analysis/analysis_state.h"
#include "analysis/analysis_result.h"
#include "harness.h"
#include "output/explain.h"

#define EPS 1e-9

TestSuite(analysis, .init = harness_setup, .fini = harness_teardown);

/* Runs eb through a fresh analysis; ti must be set up. */
static const struct sl_result *run(__u32 ncpu)
{
	return harness_feed(ncpu, NULL, NULL);
}

static const struct sl_wake_edge *edge(const struct sl_result *r, __u32 waker, __u32 wakee)
{
	for (__u32 i = 0; i < r->nr_wake_edges; i++)
		if (r->wake_edges[i].waker == waker && r->wake_edges[i].wakee == wakee)
			return &r->wake_edges[i];
	cr_assert_fail("no edge %u -> %u", waker, wakee);
	return NULL;
}

/*
 * Two tasks alternating on one CPU, forked at 1000 by an untraced parent:
 *   10: runnable 1000-2000, running 2000-5000, preempted 5000-8000, running 8000-11000, dies
 *   11: runnable 1000-5000, running 5000-8000, preempted 8000-11000, running 11000-14000, dies
 */
static void alternating(void)
{
	/* CPU 0 goes idle (an untraced task leaves it): its idleness is known from here */
	eb_push(&eb, ev_switch(1000, 0, 77, 0, SL_R_NONE, false, false));
	eb_push(&eb, ev_fork(1000, 0, 1, 10));
	eb_push(&eb, ev_comm(1000, 10, "worker-0"));
	eb_push(&eb, ev_wake_new(1000, 0, 1, 10, false));
	eb_push(&eb, ev_fork(1000, 0, 1, 11));
	eb_push(&eb, ev_comm(1000, 11, "worker-1"));
	eb_push(&eb, ev_wake_new(1000, 0, 1, 11, false));
	eb_push(&eb, ev_switch(2000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 0, 10, 11, SL_R_PREEMPTED, true, true));
	eb_push(&eb, ev_switch(8000, 0, 11, 10, SL_R_PREEMPTED, true, true));
	eb_push(&eb, ev_switch(11000, 0, 10, 11, SL_R_DEAD, true, true));
	eb_push(&eb, ev_switch(14000, 0, 11, 0, SL_R_DEAD, true, false));
}

Test(analysis, two_tasks_alternating_on_one_cpu)
{
	const struct sl_result *r;
	const struct sl_task_row *a, *b;

	alternating();
	ti_init(&ti, 1, 500, 20000);
	ti_death(&ti, 10, "worker-0", 1, 1, 0, 6000);
	ti_death(&ti, 11, "worker-1", 1, 1, 0, 6000);
	r = run(1);

	cr_assert_eq(r->t0, 1000);
	cr_assert_eq(r->t1, 14000);
	cr_assert_eq(r->wall_ns, 13000);
	cr_assert_eq(r->nr_tasks, 2);
	a = row(r, 10);
	b = row(r, 11);
	cr_assert_str_eq(a->comm, "worker-0");
	cr_assert_eq(a->on_cpu_ns, 6000);
	cr_assert_eq(a->state_ns[SL_TS_RUNNABLE_WAKEUP], 1000);
	cr_assert_eq(a->state_ns[SL_TS_RUNNABLE_PREEMPT], 3000);
	cr_assert_eq(a->off_cpu_ns, 4000);
	cr_assert_eq(a->vol_switches, 1);
	cr_assert_eq(a->invol_switches, 1);
	cr_assert_eq(a->wakeups, 1);
	cr_assert_eq(a->slices, 2);
	cr_assert_eq(a->cpus_used, 1);
	cr_assert_eq(a->first_ts, 1000);
	cr_assert_eq(a->last_ts, 11000);
	cr_assert(a->exited);
	cr_assert_eq(b->on_cpu_ns, 6000);
	cr_assert_eq(b->state_ns[SL_TS_RUNNABLE_WAKEUP], 4000);
	cr_assert_eq(b->state_ns[SL_TS_RUNNABLE_PREEMPT], 3000);
	cr_assert_eq(b->last_ts, 14000);

	/* parallelism: 12000 ns on CPU in 13000 ns; 0 running 1000-2000 */
	cr_assert_float_eq(r->parallelism, 12000.0 / 13000.0, EPS);
	cr_assert_eq(r->max_parallelism, 1);
	cr_assert_eq(r->par_level_ns[0], 1000);
	cr_assert_eq(r->par_level_ns[1], 12000);
	/* concurrency: 2 until 11000, then 1 */
	cr_assert_float_eq(r->concurrency, 23000.0 / 13000.0, EPS);
	cr_assert_eq(r->max_concurrency, 2);
	cr_assert_eq(r->nr_con_levels, 3);
	cr_assert_eq(r->con_level_ns[0], 0);
	cr_assert_eq(r->con_level_ns[1], 3000);
	cr_assert_eq(r->con_level_ns[2], 10000);
	/* multiprogramming: both resident until 11000 */
	cr_assert_float_eq(r->multiprogramming, 23000.0 / 13000.0, EPS);
	cr_assert_eq(r->mp_level_ns[2], 10000);
	cr_assert_eq(r->mp_level_ns[1], 3000);
	cr_assert_eq(r->max_multiprogramming, 2);
	/* both runnable 1000-2000 while the CPU was idle */
	cr_assert_float_eq(r->runnable_idle, 2000.0 / 13000.0, EPS);

	/* roles: both are "worker" */
	cr_assert_eq(r->nr_roles, 1);
	cr_assert_str_eq(r->roles[0].name, "worker");
	cr_assert_eq(r->roles[0].nr_tasks, 2);
	cr_assert_eq(r->roles[0].on_cpu_ns, 12000);
	cr_assert_eq(r->roles[0].invol_switches, 2);
	cr_assert_eq(r->roles[0].vol_switches, 2);
	cr_assert_eq(r->roles[0].state_ns[SL_TS_RUNNABLE_PREEMPT], 6000);

	/* run-queue latency: 1000 and 4000; p50 is the top of 1000's bucket [992, 1007] */
	cr_assert_eq(r->rq_latency.count, 2);
	cr_assert_eq(r->rq_latency.sum, 5000);
	cr_assert_eq(r->rq_latency.min, 1000);
	cr_assert_eq(r->rq_latency.max, 4000);
	cr_assert_eq(r->rq_latency.p50, 1007);
	cr_assert_eq(r->rq_latency.p90, 4000);
	cr_assert_eq(r->rq_latency.p99, 4000);
	cr_assert_eq(a->rq_latency.max, 1000);
	cr_assert_eq(b->rq_latency.max, 4000);
	/* both woken (wakeup_new) by the untraced parent */
	cr_assert_eq(r->nr_wake_edges, 2);
	cr_assert_eq(edge(r, SL_NO_TASK, 0)->delay_ns, 1000);
	cr_assert_eq(edge(r, SL_NO_TASK, 1)->delay_ns, 4000);
	cr_assert_eq(edge(r, SL_NO_TASK, 1)->count, 1);

	/* CPU 0: idle 1000-2000, workload 2000-14000; slices 4 x 3000 */
	cr_assert_eq(r->cpus[0].traced_ns, 12000);
	cr_assert_eq(r->cpus[0].idle_ns, 1000);
	cr_assert_eq(r->cpus[0].other_ns, 0);
	cr_assert_eq(r->cpus[0].distinct_tasks, 2);
	cr_assert_eq(r->cpus[0].slice.count, 4);
	cr_assert_eq(r->cpus[0].slice.sum, 12000);
	cr_assert_eq(r->cpus[0].slice.min, 3000);
	cr_assert_eq(r->cpus[0].slice.max, 3000);
	cr_assert_eq(r->cpus[0].slice.p50, 3000);
	cr_assert_eq(r->cpus[0].slice_hist[11], 4);	/* 2048 <= 3000 < 4096 */
	cr_assert_float_eq(r->util_traced, 12000.0 / 13000.0, EPS);
	cr_assert_float_eq(r->util_idle, 1000.0 / 13000.0, EPS);

	cr_assert_eq(r->vol_switches, 2);
	cr_assert_eq(r->invol_switches, 2);
	cr_assert_eq(r->migrations, 0);
	cr_assert_eq(r->off_cpu_ns[SL_TS_RUNNING], 12000);
	cr_assert_eq(r->off_cpu_ns[SL_TS_RUNNABLE_PREEMPT], 6000);
	cr_assert_eq(r->nr_queues, 0);
	cr_assert_eq(r->verdict, SL_V_NONE);

	cr_assert(r->xc.ok);
	cr_assert_eq(r->xc.nr_checked, 2);
	cr_assert_eq(r->xc.nr_mismatches, 0);
	cr_assert_eq(r->xc.lost, 0);
	cr_assert_eq(r->xc.late, 0);
	cr_assert_eq(a->xc_source, SL_XC_SRC_DEATH);
	cr_assert(a->xc_ok);
}

/*
 * Two tasks in parallel on two CPUs, first seen when switched in:
 *   10 on CPU 0: running 1000-5000, sleep 5000-9000, runnable 9000-9500, running 9500-12000
 *   11 on CPU 1: running 1000-6000, io 6000-9000, runnable 9000-9200, running 9200-12000
 */
Test(analysis, two_tasks_in_parallel_on_two_cpus)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_switch(6000, 1, 11, 0, SL_R_IO, true, false));
	eb_push(&eb, ev_wake(9000, 0, 0, 10, false));
	eb_push(&eb, ev_wake(9000, 1, 0, 11, false));
	eb_push(&eb, ev_switch(9200, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(9500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(12000, 0, 10, 0, SL_R_DEAD, true, false));
	eb_push(&eb, ev_switch(12000, 1, 11, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 13000);
	r = run(2);

	cr_assert_eq(r->wall_ns, 11000);
	cr_assert_eq(row(r, 10)->on_cpu_ns, 6500);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_SLEEP], 4000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_RUNNABLE_WAKEUP], 500);
	cr_assert_eq(row(r, 11)->on_cpu_ns, 7800);
	cr_assert_eq(row(r, 11)->state_ns[SL_TS_IO], 3000);
	cr_assert_eq(row(r, 11)->state_ns[SL_TS_RUNNABLE_WAKEUP], 200);
	cr_assert_eq(row(r, 10)->vol_switches, 2);
	cr_assert_eq(row(r, 10)->invol_switches, 0);

	cr_assert_float_eq(r->parallelism, 14300.0 / 11000.0, EPS);
	cr_assert_eq(r->max_parallelism, 2);
	cr_assert_eq(r->par_level_ns[0], 3200);
	cr_assert_eq(r->par_level_ns[1], 1300);
	cr_assert_eq(r->par_level_ns[2], 6500);
	cr_assert_eq(r->con_level_ns[0], 3000);
	cr_assert_eq(r->con_level_ns[1], 1000);
	cr_assert_eq(r->con_level_ns[2], 7000);
	cr_assert_float_eq(r->concurrency, 15000.0 / 11000.0, EPS);
	/* 9000-9200: two runnable, both CPUs idle; 9200-9500: 10 runnable, CPU 0 idle */
	cr_assert_float_eq(r->runnable_idle, 700.0 / 11000.0, EPS);
	cr_assert_eq(r->con_kind, SL_CON_WAKEUP_LATENCY);
	cr_assert_float_eq(r->runnable_waiting, 700.0 / 11000.0, EPS);
	cr_assert_eq(r->par_kind, SL_PAR_PARALLEL);
	cr_assert_float_eq(r->par_none_frac, 3200.0 / 11000.0, EPS);
	/* 2 + 2 switches in 11 us */
	cr_assert_float_eq(r->switch_rate, 4 / 11e-6, 1e-3);

	cr_assert_eq(r->cpus[0].traced_ns, 6500);
	cr_assert_eq(r->cpus[0].idle_ns, 4500);
	cr_assert_eq(r->cpus[1].traced_ns, 7800);
	cr_assert_eq(r->cpus[1].idle_ns, 3200);
	cr_assert_eq(r->cpus[0].distinct_tasks, 1);
	cr_assert_float_eq(r->util_traced, 14300.0 / 22000.0, EPS);
	cr_assert_eq(r->rq_latency.count, 2);
	cr_assert_eq(r->rq_latency.max, 500);
	cr_assert_eq(r->rq_latency.min, 200);
	/* no task table, no KSTAT records: nothing to cross-check */
	cr_assert_eq(r->xc.nr_checked, 0);
	cr_assert_not(r->xc.ok);
}

/* 10 is preempted by an untraced task 500 from 3000 to 4000. */
static void preemption(void)
{
	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(3000, 0, 10, 500, SL_R_PREEMPTED, true, false));
	eb_push(&eb, ev_switch(4000, 0, 500, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(6000, 0, 10, 0, SL_R_DEAD, true, false));
}

Test(analysis, preemption)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	preemption();
	ti_init(&ti, 1, 1000, 7000);
	ti.cpus[0].traced_ns = 4000;
	ti.cpus[0].other_ns = 1000;
	ti.cpus[0].idle_ns = 1000;
	r = run(1);
	t = row(r, 10);
	cr_assert_eq(t->on_cpu_ns, 4000);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_PREEMPT], 1000);
	cr_assert_eq(t->invol_switches, 1);
	cr_assert_eq(t->vol_switches, 1);
	cr_assert_eq(t->wakeups, 0);
	cr_assert_eq(r->rq_latency.count, 0, "a preemption is not a wakeup");
	cr_assert_eq(r->wall_ns, 5000);
	cr_assert_float_eq(r->parallelism, 0.8, EPS);
	cr_assert_float_eq(r->concurrency, 1.0, EPS);
	cr_assert_eq(r->cpus[0].traced_ns, 4000);
	cr_assert_eq(r->cpus[0].other_ns, 1000);
	cr_assert_float_eq(r->util_other, 0.2, EPS);
	cr_assert_float_eq(r->k_util_other, 1.0 / 6.0, EPS);
	cr_assert_eq(r->cpus[0].slice.count, 2);
	cr_assert_eq(r->cpus[0].slice.sum, 4000);
	/* the one task waited only for the untraced 500: foreign load, not multiplexing */
	cr_assert_eq(r->con_kind, SL_CON_FOREIGN);
	cr_assert_float_eq(r->runnable_waiting, 0.2, EPS);
	cr_assert_float_eq(r->runnable_idle, 0.0, EPS, "the CPU was busy with 500");
	cr_assert_eq(r->par_kind, SL_PAR_SERIAL);
}

struct ivlog {
	struct sl_interval iv[32];
	int n;
};

static void log_iv(const struct sl_interval *iv, void *ctx)
{
	struct ivlog *l = ctx;

	cr_assert_lt(l->n, 32);
	l->iv[l->n++] = *iv;
}

Test(analysis, interval_callback)
{
	static const struct sl_interval want[] = {
		{ 1000, 3000, 10, 0, SL_IV_TASK, SL_TS_RUNNING },
		{ 1000, 3000, 10, 0, SL_IV_CPU, 0 },
		{ 3000, 4000, 10, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_PREEMPT },
		{ 3000, 4000, SL_OCC_OTHER, 0, SL_IV_CPU, 0 },
		{ 4000, 6000, 10, 0, SL_IV_TASK, SL_TS_RUNNING },
		{ 4000, 6000, 10, 0, SL_IV_CPU, 0 },
		{ 6000, 7000, SL_OCC_IDLE, 0, SL_IV_CPU, 0 },
	};
	struct ivlog log = { .n = 0 };

	preemption();
	ti_init(&ti, 1, 1000, 7000);
	cr_assert_eq(analysis__new(1, &an), 0);
	analysis__set_arch(an, ti.arch);
	analysis__on_interval(an, log_iv, &log);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0);
	cr_assert_eq(analysis__finish(an, &ti), 0);

	cr_assert_eq(log.n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < log.n; i++) {
		cr_assert_eq(log.iv[i].start, want[i].start, "interval %d", i);
		cr_assert_eq(log.iv[i].end, want[i].end, "interval %d", i);
		cr_assert_eq(log.iv[i].pid, want[i].pid, "interval %d", i);
		cr_assert_eq(log.iv[i].cpu, want[i].cpu, "interval %d", i);
		cr_assert_eq(log.iv[i].kind, want[i].kind, "interval %d", i);
		cr_assert_eq(log.iv[i].state, want[i].state, "interval %d", i);
		if (i)
			cr_assert_geq(log.iv[i].end, log.iv[i - 1].end, "ordered by end");
	}
}

/*
 * Producer 20 (CPU 0) and consumer 21 (CPU 1) on queue 0 of capacity 2:
 * the consumer blocks on empty 1200-2000, the producer on full 2700-3000;
 * each wakes the other.  Items: 1 (push 2000, pop 3000), 2 (2500, 4000),
 * 3 (3500, 5000).  Depth 0 1100-2000, 1 2000-2500, 2 2500-3000, 1 3000-3500,
 * 2 3500-4000, 1 4000-5000.
 */
static void producer_consumer(void)
{
	eb_push(&eb, ev_comm(900, 20, "producer-0"));
	eb_push(&eb, ev_comm(900, 21, "consumer-0"));
	eb_push(&eb, ev_switch(1000, 0, 0, 20, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 21, SL_R_NONE, false, true));
	eb_push(&eb, ev_q(SL_EV_Q_WAIT_EMPTY, 1100, 1, 21, 0, 0, 0, 0));
	eb_push(&eb, ev_switch(1200, 1, 21, 0, SL_R_QEMPTY, true, false));
	eb_push(&eb, ev_q(SL_EV_Q_PUSH, 2000, 0, 20, 0, 1, 1, 0));
	eb_push(&eb, ev_wake(2000, 0, 20, 21, true));
	eb_push(&eb, ev_switch(2300, 1, 0, 21, SL_R_NONE, false, true));
	eb_push(&eb, ev_q(SL_EV_Q_PUSH, 2500, 0, 20, 0, 2, 2, 0));
	eb_push(&eb, ev_q(SL_EV_Q_WAIT_FULL, 2600, 0, 20, 0, 0, 2, 0));
	eb_push(&eb, ev_switch(2700, 0, 20, 0, SL_R_QFULL, true, false));
	eb_push(&eb, ev_q(SL_EV_Q_POP, 3000, 1, 21, 0, 1, 1, 1000));
	eb_push(&eb, ev_wake(3000, 1, 21, 20, true));
	eb_push(&eb, ev_switch(3400, 0, 0, 20, SL_R_NONE, false, true));
	eb_push(&eb, ev_q(SL_EV_Q_PUSH, 3500, 0, 20, 0, 3, 2, 0));
	eb_push(&eb, ev_q(SL_EV_Q_POP, 4000, 1, 21, 0, 2, 1, 1500));
	eb_push(&eb, ev_q(SL_EV_Q_POP, 5000, 1, 21, 0, 3, 0, 1500));
	eb_push(&eb, ev_switch(6000, 0, 20, 0, SL_R_DEAD, true, false));
	eb_push(&eb, ev_switch(6000, 1, 21, 0, SL_R_DEAD, true, false));
}

Test(analysis, producer_blocks_on_full_woken_by_consumer)
{
	const struct sl_result *r;
	const struct sl_task_row *p, *c;
	const struct sl_queue_row *q;

	producer_consumer();
	ti_init(&ti, 2, 900, 7000);
	ti.config = strdup("[workload]\nproducers = 1\ncapacity = 2\n[run]\ncapacity = 9\n");
	r = run(2);
	p = row(r, 20);
	c = row(r, 21);
	cr_assert_eq(p->on_cpu_ns, 1700 + 2600);
	cr_assert_eq(p->state_ns[SL_TS_QFULL], 300);
	cr_assert_eq(p->state_ns[SL_TS_RUNNABLE_WAKEUP], 400);
	cr_assert_eq(c->on_cpu_ns, 200 + 3700);
	cr_assert_eq(c->state_ns[SL_TS_QEMPTY], 800);
	cr_assert_eq(c->state_ns[SL_TS_RUNNABLE_WAKEUP], 300);
	cr_assert(p->producer && !p->consumer);
	cr_assert(c->consumer && !c->producer);
	cr_assert_eq(edge(r, 0, 1)->count, 1);	/* producer wakes consumer */
	cr_assert_eq(edge(r, 0, 1)->delay_ns, 300);
	cr_assert_eq(edge(r, 1, 0)->delay_ns, 400);
	cr_assert_eq(r->nr_roles, 2);
	cr_assert_str_eq(r->roles[p->role].name, "producer");
	cr_assert_str_eq(r->roles[c->role].name, "consumer");
	cr_assert_eq(r->roles[c->role].state_ns[SL_TS_QEMPTY], 800);

	cr_assert_eq(r->nr_queues, 1);
	q = &r->queues[0];
	cr_assert_eq(q->capacity, 2);
	cr_assert(q->capacity_from_config);
	cr_assert_eq(q->t_start, 1100);
	cr_assert_eq(q->t_end, 5000);
	cr_assert_eq(q->window_ns, 3900);
	cr_assert_eq(q->pushes, 3);
	cr_assert_eq(q->pops, 3);
	cr_assert_eq(q->max_depth, 2);
	cr_assert_float_eq(q->mean_depth, 4000.0 / 3900.0, EPS);
	cr_assert_eq(q->full_ns, 1000);
	cr_assert_eq(q->empty_ns, 900);
	cr_assert_float_eq(q->full_frac, 1000.0 / 3900.0, EPS);
	cr_assert_eq(q->prod_blocked_ns, 300);
	cr_assert_eq(q->cons_blocked_ns, 800);
	cr_assert_eq(q->delay.count, 3);
	cr_assert_eq(q->delay.sum, 4000);
	cr_assert_eq(q->delay.max, 1500);
	cr_assert_eq(q->delay.min, 1000);
	cr_assert_float_eq(q->throughput, 3e9 / 3900.0, 1e-6);
	/* Little: each item's sojourn adds exactly its delay to the depth area */
	cr_assert_float_eq(q->little_l, 4000.0 / 3900.0, EPS);
	cr_assert_float_eq(q->little_lw, 4000.0 / 3900.0, EPS);
	cr_assert_float_eq(q->little_rel_diff, 0.0, EPS);
	cr_assert_eq(q->prod.nr_tasks, 1);
	cr_assert_eq(q->prod.alive_ns, 5000);
	cr_assert_float_eq(q->prod.wait_frac, 300.0 / 5000.0, EPS);
	cr_assert_float_eq(q->cons.wait_frac, 800.0 / 5000.0, EPS);
	/* neither side >= 30%, nobody waits for CPUs or disks */
	cr_assert_eq(q->verdict, SL_V_BALANCED);
	cr_assert_eq(r->verdict, SL_V_BALANCED);
	cr_assert_eq(r->verdict_queue, 0);
	cr_assert_eq(r->verdict_channel, -1, "a queue of the lab's decides");
}

Test(analysis, capacity_defaults_to_max_depth)
{
	const struct sl_result *r;

	producer_consumer();
	ti_init(&ti, 2, 900, 7000);
	r = run(2);
	cr_assert_eq(r->queues[0].capacity, 2);
	cr_assert_not(r->queues[0].capacity_from_config);
	cr_assert_eq(r->queues[0].full_ns, 1000);
}

/* 10 sleeps on CPU 0, is woken, migrated to CPU 1 by the wakeup and runs there. */
Test(analysis, migration_after_wakeup)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(2000, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_wake(3000, 1, 0, 10, false));
	eb_push(&eb, ev_migrate(3000, 1, 10, 0, 1));
	eb_push(&eb, ev_switch(3100, 1, 0, 10, SL_R_NONE, false, true));
	/* preempted, then load-balanced back while runnable: not after a wakeup */
	eb_push(&eb, ev_switch(4000, 1, 10, 77, SL_R_PREEMPTED, true, false));
	eb_push(&eb, ev_migrate(4100, 0, 10, 1, 0));
	eb_push(&eb, ev_switch(4200, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 6000);
	ti_death(&ti, 10, "w", 2, 1, 2, 2700);
	r = run(2);
	t = row(r, 10);
	cr_assert_eq(t->migrations, 2);
	cr_assert_eq(t->migrations_wakeup, 1);
	cr_assert_eq(r->migrations, 2);
	cr_assert_eq(r->migrations_wakeup, 1);
	cr_assert_eq(r->mig_matrix[0 * 2 + 1], 1);
	cr_assert_eq(r->mig_matrix[1 * 2 + 0], 1);
	cr_assert_eq(r->mig_matrix[0], 0);
	cr_assert_eq(t->cpus_used, 2);
	cr_assert_eq(t->on_cpu_ns, 1000 + 900 + 800);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_WAKEUP], 100);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_PREEMPT], 200);
	cr_assert_eq(r->cpus[1].distinct_tasks, 1);
	/* CPU 1: idle until 3100, 10 until 4000, then the untraced 77 to the end of W */
	cr_assert_eq(r->cpus[1].idle_ns, 2100);
	cr_assert_eq(r->cpus[1].traced_ns, 900);
	cr_assert_eq(r->cpus[1].other_ns, 1000);
	cr_assert(r->xc.ok);
}

/* One task with an idle gap: nothing runs 2000-5000. */
Test(analysis, idle_gap)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(2000, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_wake(5000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(5000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(6000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 1000, 9000);
	r = run(1);
	cr_assert_eq(r->wall_ns, 5000);
	cr_assert_float_eq(r->parallelism, 0.4, EPS);
	cr_assert_eq(r->par_level_ns[0], 3000);
	cr_assert_eq(r->par_level_ns[1], 2000);
	cr_assert_eq(r->con_level_ns[0], 3000);
	cr_assert_eq(r->cpus[0].idle_ns, 3000);
	cr_assert_eq(r->cpus[0].traced_ns, 2000);
	cr_assert_float_eq(r->util_idle, 0.6, EPS);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_SLEEP], 3000);
	cr_assert_eq(r->rq_latency.count, 1);
	cr_assert_eq(r->rq_latency.max, 0);
}

/*
 * The waker's sched_waking can precede the wakee's own sched_switch (the
 * waker waits on p->on_cpu): 10 is woken by 11 at 2000 while still on CPU 0,
 * switches out "sleeping" at 2100 and is switched in at 2500 with no wakeup
 * of its own.  2100-2500 is runnable, and concurrency stays 2 throughout.
 */
Test(analysis, wakeup_before_switch_out)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wake(2000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(2100, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_switch(2500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(3000, 0, 10, 0, SL_R_DEAD, true, false));
	eb_push(&eb, ev_switch(3000, 1, 11, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 3000);
	r = run(2);
	t = row(r, 10);
	cr_assert_eq(t->state_ns[SL_TS_SLEEP], 0);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_WAKEUP], 400);
	cr_assert_eq(t->wakeups, 1);
	cr_assert_eq(r->rq_latency.count, 1);
	cr_assert_eq(r->rq_latency.max, 400);
	cr_assert_eq(edge(r, 1, 0)->count, 1);
	cr_assert_eq(edge(r, 1, 0)->delay_ns, 400);
	cr_assert_eq(r->con_level_ns[2], 2000);
	cr_assert_eq(r->con_level_ns[1], 0);
	cr_assert_float_eq(r->concurrency, 2.0, EPS);
	cr_assert_eq(r->par_level_ns[1], 400);
}

/*
 * As above, but concurrency changes while the wakeup is pending: 11 sleeps
 * at 2200.  Each level spent in 2100-2500 moves up by one -- 100 ns at 1
 * becomes 2, 300 ns at 0 becomes 1 -- and nothing else moves.
 */
Test(analysis, wakeup_before_switch_out_across_level_changes)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wake(2000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(2100, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_switch(2200, 1, 11, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_switch(2500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(3000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 3000);
	r = run(2);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_RUNNABLE_WAKEUP], 400);
	cr_assert_eq(r->con_level_ns[2], 1200);
	cr_assert_eq(r->con_level_ns[1], 300 + 500);
	cr_assert_eq(r->con_level_ns[0], 0);
}

/* A wakeup while running that the task absorbed (it never blocked): the later sleep is real. */
Test(analysis, absorbed_wakeup_does_not_leak)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_wake(2000, 1, 0, 10, false));
	eb_push(&eb, ev_switch(5000, 0, 10, 0, SL_R_SLEEP, true, false));
	eb_push(&eb, ev_wake(6000, 1, 0, 10, false));
	eb_push(&eb, ev_switch(6500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(7000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 7000);
	r = run(2);
	t = row(r, 10);
	cr_assert_eq(t->state_ns[SL_TS_SLEEP], 1000);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_WAKEUP], 500);
	cr_assert_eq(t->wakeups, 1);
	cr_assert_eq(r->rq_latency.max, 500);
	cr_assert_eq(r->con_level_ns[0], 1000);
}

Test(analysis, crosscheck_reports_the_difference)
{
	const struct sl_result *r;

	alternating();
	ti_init(&ti, 1, 500, 20000);
	ti_death(&ti, 10, "worker-0", 1, 3, 0, 6000);
	ti_death(&ti, 11, "worker-1", 1, 1, 0, 6070);	/* ours is 1.15% less: too far */
	r = run(1);
	cr_assert_not(r->xc.ok);
	cr_assert_eq(r->xc.nr_checked, 2);
	cr_assert_eq(r->xc.nr_mismatched, 2);
	cr_assert_eq(r->xc.nr_mismatches, 2);
	cr_assert_eq(r->xc.mismatch[0].counter, SL_XC_INVOLUNTARY);
	cr_assert_eq(r->xc.mismatch[0].ours, 1);
	cr_assert_eq(r->xc.mismatch[0].kernel, 3);
	cr_assert_eq(r->xc.mismatch[0].task, (__u32)sl_result__task_index(r, 10));
	cr_assert_eq(r->xc.mismatch[1].counter, SL_XC_ONCPU);
	cr_assert_not(row(r, 11)->xc_ok);
}

/*
 * The same trace where the hypervisor took 41 ms: worker-1's on-CPU time
 * 1.15% off, worker-0's involuntary switches as the kernel has them, or
 * not.
 */
static const struct sl_result *stolen(__u64 nivcsw0)
{
	alternating();
	ti_init(&ti, 1, 500, 20000);
	ti.steal_ns = 41000000;
	ti_death(&ti, 10, "worker-0", 1, nivcsw0, 0, 6000);
	ti_death(&ti, 11, "worker-1", 1, 1, 0, 6070);
	return run(1);
}

/*
 * Time counters may differ by the steal (and a tick per CPU, the
 * reading's resolution), the switch counts still not at all.
 */
Test(analysis, crosscheck_allows_the_steal_on_times_not_counts)
{
	const struct sl_result *r = stolen(3);

	cr_assert_eq(r->xc.steal_ns, 41000000);
	cr_assert_eq(r->xc.steal_allowed_ns, 41000000 + 10000000);	/* one CPU */
	cr_assert_eq(r->xc.nr_mismatches, 1, "%u", r->xc.nr_mismatches);
	cr_assert_eq(r->xc.mismatch[0].counter, SL_XC_INVOLUNTARY);
	cr_assert(row(r, 11)->xc_ok);
}

/* With no difference left, the line says what was allowed for. */
Test(analysis, crosscheck_line_names_the_steal)
{
	const struct sl_result *r = stolen(1);
	char line[EXPLAIN_LEN];

	cr_assert(r->xc.ok);
	explain__crosscheck(r, line, sizeof(line));
	cr_assert_not_null(strstr(line, "times within the 41 ms the hypervisor took"), "%s", line);
}

Test(analysis, crosscheck_tolerates_one_percent_and_uses_proc_minus_base)
{
	const struct sl_result *r;
	struct sl_task_info *t;

	alternating();
	ti_init(&ti, 1, 500, 20000);
	ti_death(&ti, 10, "worker-0", 99, 99, 99, 99);	/* ignored: proc wins */
	t = sl_trace_info__task(&ti, 10);
	t->proc = (struct sl_kstat){ .valid = true, .nvcsw = 11, .nivcsw = 21, .nr_migrations = 5,
				     .sum_exec_runtime_ns = 1000000 + 6060 };
	t->base = (struct sl_kstat){ .valid = true, .nvcsw = 10, .nivcsw = 20, .nr_migrations = 5,
				     .sum_exec_runtime_ns = 1000000 };
	ti_death(&ti, 11, "worker-1", 1, 1, 0, 5941);	/* ours is within 1% of both */
	r = run(1);
	cr_assert(r->xc.ok);
	cr_assert_eq(row(r, 10)->xc_source, SL_XC_SRC_PROC);
	cr_assert_eq(row(r, 10)->kernel[SL_XC_INVOLUNTARY], 1);
	cr_assert_eq(row(r, 10)->kernel[SL_XC_ONCPU], 6060);
}

/* -p: a switch made while the counters were read at an edge is allowed, and no more. */
Test(analysis, crosscheck_allows_the_moves_at_the_edges_only)
{
	const struct sl_result *r;
	struct sl_task_info *t;
	char line[256];

	alternating();
	ti_init(&ti, 1, 500, 20000);
	t = sl_trace_info__add_task(&ti, 10);
	t->tgid = 10;
	/* worker-0 switched 1 + 1 times in the stream; the kernel says 1 + 2 */
	t->proc = (struct sl_kstat){ .valid = true, .nvcsw = 11, .nivcsw = 22, .nr_migrations = 5,
				     .sum_exec_runtime_ns = 1000000 + 6000 };
	t->base = (struct sl_kstat){ .valid = true, .nvcsw = 10, .nivcsw = 20, .nr_migrations = 5,
				     .sum_exec_runtime_ns = 1000000 };
	t->flags = SL_TASKF_PREEXISTING | 1u << SL_TASKF_EDGE_SHIFT;
	ti_death(&ti, 11, "worker-1", 1, 1, 0, 6000);
	r = run(1);
	cr_assert(r->xc.ok, "one move at an edge allows one switch");
	cr_assert_eq(r->xc.nr_edge, 1);
	cr_assert(row(r, 11)->xc_ok);
	explain__crosscheck(r, line, sizeof(line));
	cr_assert_neq(strstr(line, "; 1 within the switches made while its counters were read"), NULL,
		      "%s", line);

	analysis__free(an);
	an = NULL;
	t = sl_trace_info__task(&ti, 10);
	t->proc.nivcsw = 23;	/* two more than the stream: one beyond the move */
	r = run(1);
	cr_assert_not(r->xc.ok);
	cr_assert_eq(r->xc.nr_edge, 0);
	cr_assert_eq(r->xc.mismatch[0].counter, SL_XC_INVOLUNTARY);
	cr_assert_eq(r->xc.mismatch[0].kernel, 3);
}

Test(analysis, lost_records_make_the_crosscheck_inexact)
{
	const struct sl_result *r;

	alternating();
	ti_init(&ti, 1, 500, 20000);
	ti_death(&ti, 10, "worker-0", 1, 1, 0, 6000);
	ti.cpus[0].lost = 3;
	r = run(1);
	cr_assert_not(r->xc.ok);
	cr_assert_eq(r->xc.lost, 3);
	cr_assert_eq(r->xc.prog_misses, 0);
}

Test(analysis, kstat_records_in_the_stream)
{
	const struct sl_result *r;
	struct sl_event k = { .ts = 14000, .type = SL_EV_KSTAT, .pid = 11 };
	struct sl_event rt = { .ts = 14000, .type = SL_EV_KSTAT_RT, .pid = 11 };

	alternating();
	k.kstat.nvcsw = 1;
	k.kstat.nivcsw = 1;
	rt.kstat_rt.sum_exec_runtime = 6000;
	eb_push(&eb, k);
	eb_push(&eb, rt);
	ti_init(&ti, 1, 500, 20000);
	r = run(1);
	cr_assert_eq(r->xc.nr_checked, 1);
	cr_assert_eq(row(r, 11)->xc_source, SL_XC_SRC_STREAM);
	cr_assert(r->xc.ok);
}

Test(analysis, hdr_buckets)
{
	for (__u64 v = 0; v < 200000; v += 7) {
		unsigned int i = sl_hdr_index(v);

		cr_assert_leq(sl_hdr_low(i), v);
		cr_assert_geq(sl_hdr_high(i), v);
		cr_assert_leq(sl_hdr_high(i) - sl_hdr_low(i), v / 32, "bucket width within 1/32");
	}
	cr_assert_eq(sl_hdr_index(~0ull), SL_HDR_BUCKETS - 1);
	cr_assert_eq(sl_hdr_high(SL_HDR_BUCKETS - 1), ~0ull);
	cr_assert_eq(sl_hdr_index(63), 63);
	cr_assert_eq(sl_hdr_low(sl_hdr_index(64)), 64);
	cr_assert_eq(sl_hdr_high(sl_hdr_index(1000)), 1007);
}

/* ---- queue verdicts on synthetic streams ---- */

enum shape { SH_CONSUMER, SH_PRODUCER, SH_CPU, SH_IO, SH_IO_CPU, SH_LOCK, SH_BALANCED, SH_SLEEPY,
	     SH_CPU_OTHER };

/*
 * Producer 20 on CPU 0 and consumer 21 on CPU 1, capacity 4, 100 periods
 * of 1000 ns.  Depth is pinned or waits are forced to give each shape.
 */
static void queue_stream(enum shape s)
{
	const __u32 P = 20, C = 21, cap = 4;
	/* SH_CPU_OTHER: an untraced task takes CPU 0 whenever the producer blocks */
	const __u32 bg = s == SH_CPU_OTHER ? 901 : 0;
	/* SH_CPU: the consumer shares CPU 1 with traced 22; SH_CPU_OTHER: with untraced 900 */
	const bool other = s == SH_CPU_OTHER;
	const __u32 X = other ? 900 : 22;
	__u64 t = 1000;
	__u32 item = 0;

	if (s == SH_CPU_OTHER)
		s = SH_CPU;

	eb_push(&eb, ev_comm(t, P, "producer-0"));
	eb_push(&eb, ev_comm(t, C, "consumer-0"));
	eb_push(&eb, ev_switch(t, 0, 0, P, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(t, 1, 0, C, SL_R_NONE, false, true));
	if (s == SH_CONSUMER || s == SH_CPU || s == SH_IO || s == SH_IO_CPU) {
		/* fill the queue, then the producer blocks on full */
		for (__u32 d = 1; d <= cap; d++)
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + d, 0, P, 0, ++item, d, 0));
		eb_push(&eb, ev_q(SL_EV_Q_WAIT_FULL, t + 5, 0, P, 0, 0, cap, 0));
		eb_push(&eb, ev_switch(t + 6, 0, P, 0, SL_R_QFULL, true, false));
	} else if (s == SH_PRODUCER || s == SH_SLEEPY) {
		eb_push(&eb, ev_q(SL_EV_Q_WAIT_EMPTY, t + 5, 1, C, 0, 0, 0, 0));
		eb_push(&eb, ev_switch(t + 6, 1, C, 0, SL_R_QEMPTY, true, false));
	} else if (s == SH_BALANCED) {
		eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + 5, 0, P, 0, ++item, 1, 0));
	}
	t += 100;
	for (int i = 0; i < 100; i++, t += 1000) {
		switch (s) {
		case SH_CONSUMER:
		case SH_CPU:
		case SH_CPU_OTHER:
		case SH_IO:
		case SH_IO_CPU:
			/* C pops at t, wakes P, P pushes at t+20 and blocks full at t+40 */
			eb_push(&eb, ev_q(SL_EV_Q_POP, t, 1, C, 0, item - cap + 1, cap - 1, 4000));
			eb_push(&eb, ev_wake(t, 1, C, P, true));
			eb_push(&eb, ev_switch(t + 10, 0, bg, P, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + 20, 0, P, 0, ++item, cap, 0));
			eb_push(&eb, ev_q(SL_EV_Q_WAIT_FULL, t + 30, 0, P, 0, 0, cap, 0));
			eb_push(&eb, ev_switch(t + 40, 0, P, bg, SL_R_QFULL, true, false));
			if (s == SH_CPU) {
				/* the consumer loses its CPU to X half the time */
				eb_push(&eb, ev_switch(t + 100, 1, C, X, SL_R_PREEMPTED, true, !other));
				eb_push(&eb, ev_switch(t + 600, 1, X, C,
						       other ? SL_R_NONE : SL_R_PREEMPTED, !other, true));
			} else if (s == SH_IO) {
				eb_push(&eb, ev_switch(t + 100, 1, C, 0, SL_R_IO, true, false));
				eb_push(&eb, ev_wake(t + 800, 1, 0, C, false));
				eb_push(&eb, ev_switch(t + 800, 1, 0, C, SL_R_NONE, false, true));
			} else if (s == SH_IO_CPU) {
				/* 450 ns disk I/O, then 350 ns waiting for the CPU */
				eb_push(&eb, ev_switch(t + 100, 1, C, 0, SL_R_IO, true, false));
				eb_push(&eb, ev_wake(t + 550, 1, 0, C, false));
				eb_push(&eb, ev_switch(t + 900, 1, 0, C, SL_R_NONE, false, true));
			}
			break;
		case SH_SLEEPY:
			/* the producer sleeps 800 ns per item (a rate limit), then pushes */
			eb_push(&eb, ev_switch(t, 0, P, 0, SL_R_SLEEP, true, false));
			eb_push(&eb, ev_wake(t + 800, 0, 0, P, false));
			eb_push(&eb, ev_switch(t + 800, 0, 0, P, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + 850, 0, P, 0, ++item, 1, 0));
			eb_push(&eb, ev_wake(t + 850, 0, P, C, true));
			eb_push(&eb, ev_switch(t + 860, 1, 0, C, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_POP, t + 870, 1, C, 0, item, 0, 20));
			eb_push(&eb, ev_q(SL_EV_Q_WAIT_EMPTY, t + 880, 1, C, 0, 0, 0, 0));
			eb_push(&eb, ev_switch(t + 890, 1, C, 0, SL_R_QEMPTY, true, false));
			break;
		case SH_PRODUCER:
			/* P pushes at t, wakes C; C pops at t+20 and blocks empty at t+40 */
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t, 0, P, 0, ++item, 1, 0));
			eb_push(&eb, ev_wake(t, 0, P, C, true));
			eb_push(&eb, ev_switch(t + 10, 1, 0, C, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_POP, t + 20, 1, C, 0, item, 0, 20));
			eb_push(&eb, ev_q(SL_EV_Q_WAIT_EMPTY, t + 30, 1, C, 0, 0, 0, 0));
			eb_push(&eb, ev_switch(t + 40, 1, C, 0, SL_R_QEMPTY, true, false));
			break;
		case SH_LOCK:
			/* both wait 400 ns for the queue lock every period */
			eb_push(&eb, ev_q(SL_EV_Q_LOCK_WAIT, t, 0, P, 0, 0, 0, 0));
			eb_push(&eb, ev_switch(t + 10, 0, P, 0, SL_R_LOCK, true, false));
			eb_push(&eb, ev_wake(t + 410, 1, C, P, true));
			eb_push(&eb, ev_switch(t + 410, 0, 0, P, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + 420, 0, P, 0, ++item, 1, 0));
			eb_push(&eb, ev_q(SL_EV_Q_LOCK_WAIT, t + 500, 1, C, 0, 0, 0, 0));
			eb_push(&eb, ev_switch(t + 510, 1, C, 0, SL_R_LOCK, true, false));
			eb_push(&eb, ev_wake(t + 910, 0, P, C, true));
			eb_push(&eb, ev_switch(t + 910, 1, 0, C, SL_R_NONE, false, true));
			eb_push(&eb, ev_q(SL_EV_Q_POP, t + 920, 1, C, 0, item, 0, 500));
			break;
		case SH_BALANCED:
			/* depth swings 1 <-> 2 of 4, nobody blocks */
			eb_push(&eb, ev_q(SL_EV_Q_PUSH, t, 0, P, 0, ++item, 2, 0));
			eb_push(&eb, ev_q(SL_EV_Q_POP, t + 500, 1, C, 0, item - 1, 1, 1500));
			break;
		}
	}
	/* the end: the consumer pops a stop message and both exit */
	eb_push(&eb, ev_q(SL_EV_Q_POP, t, 1, C, 0, 0xffffffffu, 0, 10));
	if (s == SH_CONSUMER || s == SH_CPU || s == SH_IO || s == SH_IO_CPU) {
		eb_push(&eb, ev_wake(t, 1, C, P, true));
		eb_push(&eb, ev_switch(t + 10, 0, 0, P, SL_R_NONE, false, true));
	} else if (s == SH_PRODUCER || s == SH_SLEEPY) {
		eb_push(&eb, ev_wake(t, 0, P, C, true));
		eb_push(&eb, ev_switch(t + 10, 1, 0, C, SL_R_NONE, false, true));
	}
	eb_push(&eb, ev_switch(t + 20, 0, P, 0, SL_R_DEAD, true, false));
	if (s == SH_CPU && !other) {
		/* 22 runs last and exits too */
		eb_push(&eb, ev_switch(t + 20, 1, C, X, SL_R_DEAD, true, true));
		eb_push(&eb, ev_switch(t + 30, 1, X, 0, SL_R_DEAD, true, false));
	} else {
		eb_push(&eb, ev_switch(t + 20, 1, C, 0, SL_R_DEAD, true, false));
	}
	eb_sort(&eb);
}

struct verdict_case {
	enum shape shape;
	enum sl_verdict verdict;
	/* arrays, not pointers: Criterion copies parameters into the test process */
	enum sl_verdict_rule rule;
	enum sl_verdict_who who;
	double figure;		/* the judged side's deciding share (see case_figure) */
};

static struct verdict_case verdict_cases[] = {
	{ SH_CONSUMER, SL_V_CONSUMER_BOUND, SL_VR_SIDE, SL_VW_CONSUMERS, 0.98 },
	{ SH_PRODUCER, SL_V_PRODUCER_BOUND, SL_VR_SIDE, SL_VW_PRODUCERS, 0.98 },
	{ SH_CPU, SL_V_CPU_STARVED, SL_VR_CPU, SL_VW_CONSUMERS, 0.50 },
	{ SH_IO, SL_V_IO_BOUND, SL_VR_IO, SL_VW_CONSUMERS, 0.70 },
	{ SH_IO_CPU, SL_V_IO_BOUND, SL_VR_IO, SL_VW_CONSUMERS, 0.45 },
	{ SH_SLEEPY, SL_V_PRODUCER_BOUND, SL_VR_SLEEP, SL_VW_PRODUCERS, 0.80 },
	{ SH_LOCK, SL_V_LOCK_BOUND, SL_VR_LOCK, SL_VW_BOTH, 0.40 },
	{ SH_BALANCED, SL_V_BALANCED, SL_VR_BALANCED, SL_VW_BOTH, 0.0 },
};

/* The share that decided the rule: what the verdict's sentence leads with. */
static double case_figure(const struct sl_queue_row *q)
{
	const struct sl_queue_side *x = sl_queue_row__judged(q);

	switch (q->verdict_rule) {
	case SL_VR_LOCK:
		return q->lock_frac;
	case SL_VR_SLEEP:
		return x->sleep_frac;
	case SL_VR_IO:
		return x->io_frac;
	case SL_VR_CPU:
	case SL_VR_CPU_OTHER:
		return x->cpu_wait_frac;
	case SL_VR_SIDE:
		return q->verdict_who == SL_VW_CONSUMERS ? q->full_frac : q->empty_frac;
	default:
		return q->full_frac;
	}
}

ParameterizedTestParameters(analysis, queue_verdicts)
{
	return cr_make_param_array(struct verdict_case, verdict_cases,
				   sizeof(verdict_cases) / sizeof(verdict_cases[0]));
}

ParameterizedTest(struct verdict_case *vc, analysis, queue_verdicts)
{
	const struct sl_result *r;
	const struct sl_queue_row *q;

	queue_stream(vc->shape);
	ti_init(&ti, 2, 1000, 200000);
	ti.config = strdup("[workload]\ncapacity = 4\n");
	r = run(2);
	cr_assert_eq(r->nr_queues, 1);
	q = &r->queues[0];
	cr_assert_eq(q->verdict, vc->verdict, "got %s", sl_verdict_name(q->verdict));
	cr_assert_eq(r->verdict, vc->verdict);
	cr_assert_eq(q->verdict_rule, vc->rule, "rule %u", q->verdict_rule);
	cr_assert_eq(q->verdict_who, vc->who, "who %u", q->verdict_who);
	/* the report prints whole percentages: within half a point */
	cr_assert_float_eq(case_figure(q), vc->figure, 0.005, "figure %f", case_figure(q));
	if (vc->shape == SH_CPU) {
		/* starved on the one CPU the consumers ran on, not on both */
		cr_assert_eq(q->cons.cpus_used, 1);
		cr_assert_float_eq(r->concurrency, 2.04, 0.005);
	}
	if (vc->shape == SH_IO_CPU)
		cr_assert_float_eq(q->cons.cpu_wait_frac, 0.35, 0.005);
}

/*
 * SH_CONSUMER worked out: pushes fill depth 1..4 at 1001..1004; then every
 * period t = 1100 + 1000 i (i < 100) a pop (depth 3, delay 4000) at t and a
 * push (depth 4) at t+20; the stop message is popped at 101100 (depth 0).
 * Window 1001..101100 = 100099 ns.  Depth 1, 2: 1 ns each; 3: 1 + 100 x 20;
 * 4: (1100 - 1004) + 99 x 980 + 980.  The producer is blocked on full
 * 1006-1100 and t+40..t+1000 every period.
 */
Test(analysis, consumer_bound_figures)
{
	const struct sl_result *r;
	const struct sl_queue_row *q;
	const double area = 1 + 2 + 3 * 2001.0 + 4 * 98096.0;

	queue_stream(SH_CONSUMER);
	ti_init(&ti, 2, 1000, 200000);
	r = run(2);
	q = &r->queues[0];
	cr_assert_eq(q->t_start, 1001);
	cr_assert_eq(q->t_end, 101100);
	cr_assert_eq(q->window_ns, 100099);
	cr_assert_eq(q->capacity, 4);
	cr_assert_eq(q->pushes, 104);
	cr_assert_eq(q->pops, 101);
	cr_assert_eq(q->pills, 1);
	cr_assert_eq(q->delay.count, 100, "the stop message is not an item");
	cr_assert_eq(q->delay.sum, 400000);
	cr_assert_eq(q->delay.p50, 4000);
	cr_assert_eq(q->delay.p99, 4000);
	cr_assert_eq(q->full_ns, 98096);
	cr_assert_eq(q->empty_ns, 0);
	cr_assert_eq(q->prod_blocked_ns, 94 + 100 * 960);
	cr_assert_eq(q->cons_blocked_ns, 0);
	cr_assert_eq(q->prod.nr_tasks, 1);
	cr_assert_eq(q->cons.nr_tasks, 1);
	cr_assert_eq(q->prod.alive_ns, 100120);
	cr_assert_float_eq(q->prod.wait_frac, 96094.0 / 100120.0, EPS);
	cr_assert_float_eq(q->cons.busy_frac, 1.0, EPS);
	cr_assert_float_eq(q->mean_depth, area / 100099.0, EPS);
	cr_assert_float_eq(q->throughput, 100e9 / 100099.0, 1e-6);
	cr_assert_float_eq(q->little_l, area / 100099.0, EPS);
	cr_assert_float_eq(q->little_lw, 400000.0 / 100099.0, EPS);
	cr_assert_float_eq(q->little_rel_diff, (400000.0 - area) / 400000.0, EPS);
	cr_assert_eq(q->verdict, SL_V_CONSUMER_BOUND);
}

/* sw.prev_runtime, when present, is the on-CPU time (the kernel's clock). */
Test(analysis, on_cpu_from_kernel_runtime)
{
	const struct sl_result *r;
	struct sl_event e;

	eb_push(&eb, ev_fork(1000, 0, 1, 10));
	eb_push(&eb, ev_wake_new(1000, 0, 1, 10, false));
	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(2000, 0, 10, 0, SL_R_SLEEP, true, false);
	e.sw.prev_runtime = 1500;	/* the rq clock saw 1500 ns for a 1000 ns span */
	eb_push(&eb, e);
	eb_push(&eb, ev_wake(3000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(3000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(4000, 0, 10, 0, SL_R_DEAD, true, false);
	e.sw.prev_runtime = 3100;
	eb_push(&eb, e);
	ti_init(&ti, 1, 1000, 5000);
	ti_death(&ti, 10, "t", 2, 0, 0, 3100);
	r = run(1);
	cr_assert_eq(row(r, 10)->on_cpu_ns, 3100);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_RUNNING], 2000);
	cr_assert_float_eq(r->parallelism, 3100.0 / 3000.0, EPS);
	cr_assert(r->xc.ok);
}

/* D without iowait is disk I/O inside fsync (jbd2's commit wait), "other" elsewhere. */
Test(analysis, uninterruptible_wait_in_fsync_is_io)
{
	const struct sl_result *r;
	struct sl_event e;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(2000, 0, 10, 0, SL_R_DISK_WAIT, true, false);
	e.sw.nr_syscall = 74;	/* fsync */
	eb_push(&eb, e);
	eb_push(&eb, ev_wake(3000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(3000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(4000, 0, 10, 0, SL_R_DISK_WAIT, true, false);
	e.sw.nr_syscall = 61;	/* wait4 */
	eb_push(&eb, e);
	eb_push(&eb, ev_wake(4500, 0, 0, 10, false));
	eb_push(&eb, ev_switch(4500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 1000, 5000);
	r = run(1);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_IO], 1000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_OTHER], 500);
}

/* Syscall numbers are read with the traced machine's table: 82 is fsync on arm64, 74 is not. */
Test(analysis, syscalls_by_the_traced_machines_table)
{
	const struct sl_result *r;
	struct sl_event e;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(2000, 0, 10, 0, SL_R_DISK_WAIT, true, false);
	e.sw.nr_syscall = 82;	/* arm64 fsync */
	eb_push(&eb, e);
	eb_push(&eb, ev_wake(3000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(3000, 0, 0, 10, SL_R_NONE, false, true));
	e = ev_switch(4000, 0, 10, 0, SL_R_DISK_WAIT, true, false);
	e.sw.nr_syscall = 74;	/* x86_64 fsync, arm64 signalfd4 */
	eb_push(&eb, e);
	eb_push(&eb, ev_wake(4500, 0, 0, 10, false));
	eb_push(&eb, ev_switch(4500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 1000, 5000);
	ti.arch = SL_ARCH_ARM64;
	r = run(1);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_IO], 1000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_OTHER], 500);
}

/* CPU-starved because untraced tasks held the CPUs: the verdict says so. */
Test(analysis, cpu_starved_by_other_tasks)
{
	const struct sl_result *r;
	const struct sl_queue_row *q;

	queue_stream(SH_CPU_OTHER);
	ti_init(&ti, 2, 1000, 200000);
	r = run(2);
	q = &r->queues[0];
	/* 900 holds CPU 1 500 ns and 901 CPU 0 960 ns of every 1000 */
	cr_assert_gt(r->util_other, 0.70);
	cr_assert_lt(r->util_other, 0.75);
	cr_assert_eq(q->verdict, SL_V_CPU_STARVED);
	/* the consumers ran on CPU 1 only, where 900 held half the time */
	cr_assert_eq(q->cons.cpus_used, 1);
	cr_assert_float_eq(q->cons.other_frac, 0.5, 0.01);
	cr_assert_eq(q->verdict_rule, SL_VR_CPU_OTHER);
	cr_assert_eq(q->verdict_who, SL_VW_CONSUMERS);
	cr_assert_float_eq(q->cons.cpu_wait_frac, 0.5, 0.005);
}

/* Capacity 1, full 45% and empty 55%: no side is clearly the bottleneck. */
Test(analysis, no_side_without_a_clear_margin)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 20, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 21, SL_R_NONE, false, true));
	for (__u64 t = 1000; t < 101000; t += 1000) {
		eb_push(&eb, ev_q(SL_EV_Q_PUSH, t, 0, 20, 0, (__u32)t, 1, 0));
		eb_push(&eb, ev_q(SL_EV_Q_POP, t + 450, 1, 21, 0, (__u32)t, 0, 450));
	}
	eb_push(&eb, ev_switch(101000, 0, 20, 0, SL_R_DEAD, true, false));
	eb_push(&eb, ev_switch(101000, 1, 21, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 2, 1000, 101000);
	ti.config = strdup("[workload]\ncapacity = 1\n");
	r = run(2);
	cr_assert_float_eq(r->queues[0].full_frac, 45000.0 / 99450.0, EPS);
	cr_assert_float_eq(r->queues[0].empty_frac, 54450.0 / 99450.0, EPS);
	cr_assert_eq(r->queues[0].verdict, SL_V_BALANCED);
	cr_assert_eq(r->queues[0].verdict_rule, SL_VR_BALANCED);
	cr_assert_eq(r->queues[0].verdict_who, SL_VW_BOTH);
}

/*
 * Streams with lost records, recycled pids, unknown CPUs and nonsense
 * flags: whatever the analysis makes of them, its books must balance —
 * every level distribution covers W exactly, so does every CPU's
 * occupancy, and no task spends more time in states than it was alive.
 */
Test(analysis, random_streams_keep_the_books_balanced)
{
	__u64 rng = 0x2545f4914f6cdd1dull;

	for (int round = 0; round < 200; round++) {
		const __u32 ncpu = 1 + round % 4;
		const struct sl_result *r;
		__u64 t = 1000, sum;

		eb_free(&eb);
		for (int i = 0; i < 2000; i++) {
			struct sl_event e = { 0 };
			__u32 x;

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			x = (__u32)(rng >> 20);
			t += x % 500;
			e.ts = t - (x % 37 == 0 ? 300 : 0);	/* now and then, late */
			e.type = (__u8)(1 + x % (SL_EV_TYPE_MAX - 1));
			e.cpu = (__u16)((x >> 4) % (ncpu + 1));	/* one CPU out of range */
			e.pid = (x >> 8) % 6;			/* 0 = idle, 1..5 traced or not */
			e.flags = (__u8)(x >> 12);
			e.sw.next = (x >> 16) % 6;
			e.sw.prev_runtime = (x % 3) ? 0 : t / 2;
			if (e.type == SL_EV_MIGRATE) {
				e.mig.orig_cpu = (x >> 3) % (ncpu + 1);
				e.mig.dest_cpu = (x >> 5) % (ncpu + 1);
			}
			if (e.type >= SL_EV_Q_PUSH) {
				e.flags = (__u8)(x % 3);
				e.q.depth = (x >> 7) % 9;
				e.q.item = x % 5 ? x : 0xffffffffu;
				e.q.delay = x % 10000;
			}
			eb_push(&eb, e);
		}
		analysis__free(an);
		an = NULL;
		sl_trace_info__free(&ti);
		ti_init(&ti, ncpu, 1000, t + 1000);
		r = run(ncpu);
		cr_assert_eq(r->nr_events, 2000);
		sum = 0;
		for (__u32 l = 0; l <= ncpu; l++)
			sum += r->par_level_ns[l];
		cr_assert_eq(sum, r->wall_ns, "round %d: parallelism levels", round);
		sum = 0;
		for (__u32 l = 0; l < r->nr_con_levels; l++)
			sum += r->con_level_ns[l];
		cr_assert_eq(sum, r->wall_ns, "round %d: concurrency levels", round);
		sum = 0;
		for (__u32 l = 0; l < r->nr_mp_levels; l++)
			sum += r->mp_level_ns[l];
		cr_assert_eq(sum, r->wall_ns, "round %d: resident levels", round);
		for (__u32 c = 0; c < ncpu; c++) {
			const struct sl_cpu_row *cr = &r->cpus[c];

			cr_assert_eq(cr->traced_ns + cr->other_ns + cr->idle_ns + cr->unknown_ns,
				     r->wall_ns, "round %d: CPU %u occupancy", round, c);
		}
		for (__u32 i = 0; i < r->nr_tasks; i++) {
			const struct sl_task_row *tr = &r->tasks[i];
			__u64 states = 0;

			for (int s = 0; s < SL_TS_MAX; s++)
				states += tr->state_ns[s];
			cr_assert_leq(states, tr->last_ts - tr->first_ts, "round %d task %u", round, i);
		}
		for (__u32 q = 0; q < r->nr_queues; q++)
			cr_assert_leq(r->queues[q].full_ns + r->queues[q].empty_ns,
				      r->queues[q].window_ns);
	}
}

/*
 * Depths a crafted trace claims (2^31, 2^32 - 1) cost no memory and no
 * time: the mean and the time full stay exact beyond the histogram.
 */
Test(analysis, huge_queue_depths_are_bounded)
{
	const struct sl_result *r;
	const struct sl_queue_row *q;

	eb_push(&eb, ev_switch(1000, 0, 0, 20, SL_R_NONE, false, true));
	eb_push(&eb, ev_q(SL_EV_Q_PUSH, 2000, 0, 20, 0, 1, 1u << 31, 0));
	eb_push(&eb, ev_q(SL_EV_Q_PUSH, 3000, 0, 20, 0, 2, 0xffffffffu, 0));
	eb_push(&eb, ev_q(SL_EV_Q_POP, 4000, 0, 20, 0, 1, 5000, 10));
	eb_push(&eb, ev_q(SL_EV_Q_POP, 5000, 0, 20, 0, 2, 0, 10));
	eb_push(&eb, ev_switch(6000, 0, 20, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 900, 7000);
	r = run(1);
	cr_assert_eq(r->nr_queues, 1);
	q = &r->queues[0];
	cr_assert_eq(q->max_depth, 0xffffffffu);
	cr_assert_eq(q->capacity, 0xffffffffu);
	cr_assert_eq(q->full_ns, 1000);		/* 3000-4000 at the maximum */
	cr_assert_eq(q->empty_ns, 0);		/* 2000-5000: the window */
	cr_assert_float_eq(q->mean_depth,
			   ((double)(1u << 31) * 1000 + 4294967295.0 * 1000 + 5000.0 * 1000) / 3000.0, 1e-3);
}
