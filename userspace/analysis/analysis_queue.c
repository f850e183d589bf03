// SPDX-License-Identifier: GPL-2.0
/*
 * Queue diagnosis: depth over time from the push/pop probes, who produces
 * and who consumes, how long each side waits on the queue, queueing delay,
 * Little's law and the verdict.  The decision rules are documented, with
 * their thresholds, in docs/metrics.md ("Queue verdict"); keep them in sync.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"


static struct a_queue *aq_get(struct analysis *a, __u32 qid)
{
	struct a_queue *q = a->queues[qid];

	if (q)
		return q;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->qid = qid;
	q->depth_cap = 64;
	q->depth_ns = calloc(q->depth_cap, sizeof(__u64));
	if (!q->depth_ns) {
		free(q);
		return NULL;
	}
	a->queues[qid] = q;
	return q;
}

/* Closes the time at the current depth up to ts. */
static void aq_close(struct a_queue *q, __u64 ts)
{
	__u64 dt = ts > q->depth_ts ? ts - q->depth_ts : 0;

	if (dt) {
		q->depth_ns[q->depth < q->depth_cap ? q->depth : q->depth_cap - 1] += dt;
		q->depth_area += (unsigned __int128)q->depth * dt;
		if (q->depth == q->max_depth)
			q->at_max_ns += dt;
	}
	q->depth_ts = ts > q->depth_ts ? ts : q->depth_ts;
}

/* Time at the previous depth is closed; depth is what the op left behind. */
static int aq_depth(struct a_queue *q, __u32 depth, __u64 ts)
{
	aq_close(q, ts);
	if (depth >= q->depth_cap && q->depth_cap < QHIST_MAX) {
		__u32 cap = q->depth_cap;
		__u64 *n;

		while (cap <= depth && cap < QHIST_MAX)
			cap *= 2;
		n = realloc(q->depth_ns, (size_t)cap * sizeof(__u64));
		if (!n)
			return -ENOMEM;
		memset(n + q->depth_cap, 0, (size_t)(cap - q->depth_cap) * sizeof(__u64));
		q->depth_ns = n;
		q->depth_cap = cap;
	}
	q->depth = depth;
	if (depth > q->max_depth) {
		q->max_depth = depth;
		q->at_max_ns = 0;
	}
	return 0;
}

/* Time at depth >= cap, exact: see QHIST_MAX. */
static __u64 aq_full_ns(const struct a_queue *q, __u32 cap)
{
	__u64 ns = 0;

	if (!cap || cap > q->max_depth)
		return 0;
	if (cap == q->max_depth || cap >= QHIST_MAX - 1)
		return q->at_max_ns;	/* beyond the histogram: time at the maximum */
	for (__u32 d = cap; d < q->depth_cap; d++)
		ns += q->depth_ns[d];
	return ns;
}

int aq_event(struct analysis *a, struct a_task *t, const struct sl_event *e, __u64 ts)
{
	__u32 qid = e->flags, w = qid / 64;
	__u64 bit = 1ull << (qid % 64);
	struct a_queue *q = aq_get(a, qid);

	if (!q)
		return -ENOMEM;
	if (!q->seen) {
		/* A queue starts empty: depth 0 from its first event on. */
		q->seen = true;
		q->first_ts = ts;
		q->depth_ts = ts;
	}
	q->last_ts = ts;

	switch (e->type) {
	case SL_EV_Q_PUSH:
		t->qprod[w] |= bit;
		q->pushes++;
		return aq_depth(q, e->q.depth, ts);
	case SL_EV_Q_POP:
		t->qcons[w] |= bit;
		q->pops++;
		if (e->q.item == SL_ITEM_PILL)
			q->pills++;
		else
			sl_hdr_add(&q->delay, e->q.delay);
		return aq_depth(q, e->q.depth, ts);
	case SL_EV_Q_WAIT_FULL:
		t->qprod[w] |= bit;
		t->wait_q = (__u8)qid;
		return 0;
	case SL_EV_Q_WAIT_EMPTY:
		t->qcons[w] |= bit;
		t->wait_q = (__u8)qid;
		return 0;
	case SL_EV_Q_LOCK_WAIT:
		t->wait_q = (__u8)qid;
		return 0;
	case SL_EV_ITEM_START:
		t->in_item = 1;
		t->item_q = (__u8)qid;
		t->item_id = e->q.item;
		t->item_ts = ts;
		return 0;
	case SL_EV_ITEM_DONE:
		if (t->in_item && t->item_q == qid && t->item_id == e->q.item) {
			if (t->qcons[w] & bit)
				sl_hdr_add(&q->service, ts - t->item_ts);
			else
				sl_hdr_add(&q->produce, ts - t->item_ts);
		}
		t->in_item = 0;
		return 0;
	}
	return 0;
}

void aq_attribute_wait(struct analysis *a, struct a_task *t, __u8 state, __u64 dt)
{
	struct a_queue *q = a->queues[t->wait_q];

	if (!q)
		return;
	if (state == SL_TS_QFULL)
		q->prod_blocked_ns += dt;
	else if (state == SL_TS_QEMPTY)
		q->cons_blocked_ns += dt;
	else
		q->lock_ns += dt;
}

void aq_free(struct analysis *a)
{
	for (int i = 0; i < SL_MAX_QUEUES; i++) {
		if (!a->queues[i])
			continue;
		free(a->queues[i]->depth_ns);
		free(a->queues[i]);
		a->queues[i] = NULL;
	}
}

static const char *const verdict_names[SL_V_MAX] = {
	[SL_V_NONE] = "none",
	[SL_V_BALANCED] = "balanced",
	[SL_V_PRODUCER_BOUND] = "producer-bound",
	[SL_V_CONSUMER_BOUND] = "consumer-bound",
	[SL_V_CPU_STARVED] = "cpu-starved",
	[SL_V_IO_BOUND] = "io-bound",
	[SL_V_LOCK_BOUND] = "lock-bound",
};

const char *sl_verdict_name(enum sl_verdict v)
{
	if ((unsigned int)v < SL_V_MAX)
		return verdict_names[v];
	return "unknown";
}

static double frac(__u64 num, __u64 den)
{
	return den ? (double)num / (double)den : 0.0;
}

static void side_finish(struct sl_queue_side *s, __u64 waited, __u64 own)
{
	__u64 waits = 0;	/* in every wait state but the lock's ("sleep" once) */

	for (int st = 0; st < SL_TS_MAX; st++)
		if (st != SL_TS_LOCK && sl_task_state_waits(st))
			waits += s->state_ns[st];
	s->busy_ns = s->alive_ns - (s->state_ns[SL_TS_QFULL] + s->state_ns[SL_TS_QEMPTY] +
				    s->state_ns[SL_TS_LOCK] + waits);
	s->busy_frac = frac(s->busy_ns, s->alive_ns);
	s->wait_frac = frac(waited, s->alive_ns);
	/* a channel's own waits are among those states: not outside it */
	s->sleep_frac = frac(waits - (own < waits ? own : waits), s->alive_ns);
	s->cpu_wait_frac = frac(s->state_ns[SL_TS_RUNNABLE_WAKEUP] +
				s->state_ns[SL_TS_RUNNABLE_PREEMPT], s->busy_ns);
	s->runnable_frac = frac(s->state_ns[SL_TS_RUNNABLE_WAKEUP] +
				s->state_ns[SL_TS_RUNNABLE_PREEMPT], s->alive_ns);
	s->io_frac = frac(s->state_ns[SL_TS_IO], s->busy_ns);
}

/* The busy share of a set of tasks (indices into a->tasks), as a side's. */
__u64 aq_alive_ns(const struct a_task *t)
{
	__u64 ns = 0;

	for (int st = 0; st < SL_TS_MAX; st++)
		ns += t->state_ns[st];
	return ns;
}

/* Task t's state times, into side s. */
static void side_add(struct sl_queue_side *s, const struct a_task *t)
{
	for (int st = 0; st < SL_TS_MAX; st++)
		s->state_ns[st] += t->state_ns[st];
	s->alive_ns += aq_alive_ns(t);
}

double aq_busy_frac(const struct analysis *a, const __u32 *tasks, __u32 n)
{
	struct sl_queue_side s = { 0 };

	for (__u32 k = 0; k < n; k++)
		side_add(&s, &a->tasks[tasks[k]]);
	side_finish(&s, 0, 0);
	return s.busy_frac;
}

/* Producers and consumers taken together: what a verdict naming no side rests on. */
static void both_finish(struct sl_queue_row *q, double both_other)
{
	const struct sl_queue_side *p = &q->prod, *c = &q->cons;
	struct sl_queue_side *b = &q->both;

	b->alive_ns = p->alive_ns + c->alive_ns;
	b->cpus_used = p->cpus_used > c->cpus_used ? p->cpus_used : c->cpus_used;
	b->other_frac = both_other;
	for (int s = 0; s < SL_TS_MAX; s++)
		b->state_ns[s] = p->state_ns[s] + c->state_ns[s];
	side_finish(b, 0, 0);
	q->lock_frac = frac(q->lock_wait_ns, b->alive_ns);
}

/* Thresholds of the verdict; docs/metrics.md states the same numbers. */
#define V_SIDE		0.30	/* full/empty share or blocked share that names a side */
#define V_MARGIN	0.20	/* ... by this much more than the other side's score */
#define V_SLEEP		0.50	/* share of the side's time asleep outside the queue */
#define V_IO		0.40	/* share of busy time in disk I/O (and >= the CPU wait) */
#define V_CPU_WAIT	0.30	/* share of busy time waiting for a CPU */
#define V_CPU_ALIVE	0.10	/* ... and of the side's lifetime */
#define V_OTHER		0.25	/* CPU share of untraced tasks that makes them the cause */

/*
 * The verdict, first match wins (docs/metrics.md, "Queue verdict"):
 *   1. none: nothing was pushed or popped.
 *   2. lock-bound: producers+consumers wait for the queue lock >= 20% of their time.
 *   3. the bottleneck side: consumers when max(full share, producers'
 *      blocked share) >= 30% and exceeds max(empty share, consumers'
 *      blocked share) by >= 20 points; producers in the mirror case; else
 *      no side (then both sides together are examined below).  With no
 *      producer in the trace and no full share known, the consumers'
 *      share not blocked on the queue stands for the full share (and the
 *      mirror).
 *   4. the side sleeps >= 50% of its time outside the queue: side-bound,
 *      limited by its own waits (synchronous calls, rate limits).
 *   5. io-bound: disk I/O >= 40% of its busy time and at least its CPU wait.
 *   6. cpu-starved: waiting for a CPU >= 30% of its busy time and >= 10%
 *      of its lifetime (blamed on other tasks when they held >= 25% of
 *      the CPUs within W).
 *   7. consumer-bound / producer-bound for a side, else balanced.
 * Busy = alive minus queue waits and sleep: running, runnable, I/O, other.
 * Sets verdict, verdict_rule and verdict_who; output/explain.c words them.
 */
static void aq_verdict(struct sl_queue_row *q)
{
	const struct sl_queue_side *p = &q->prod, *c = &q->cons, *x;
	double p_wait = p->wait_frac + p->wake_wait_frac, c_wait = c->wait_frac + c->wake_wait_frac;
	double cons_score = q->full_frac > p_wait ? q->full_frac : p_wait;
	double prod_score = q->empty_frac > c_wait ? q->empty_frac : c_wait;
	enum sl_verdict side_bound = SL_V_NONE;

	q->verdict_who = SL_VW_BOTH;
	if (!q->pops && !q->pushes) {
		q->verdict = SL_V_NONE;
		q->verdict_rule = SL_VR_NONE;
		return;
	}
	if (q->lock_frac >= AQ_LOCK_BOUND) {
		q->verdict = SL_V_LOCK_BOUND;
		q->verdict_rule = SL_VR_LOCK;
		return;
	}
	/*
	 * A side outside the trace (a server's clients under -p, the writer
	 * of a pipe into a traced command) shows no waits, and where nothing
	 * else tells the queue's fill, the traced side's own waits stand in:
	 * consumers that seldom waited for data had it there, the producers
	 * ahead of them -- and the mirror.
	 */
	if (!p->nr_tasks && c->nr_tasks && !q->full_frac && 1.0 - c->wait_frac > cons_score)
		cons_score = 1.0 - c->wait_frac;
	if (!c->nr_tasks && p->nr_tasks && !q->empty_frac && 1.0 - p->wait_frac > prod_score)
		prod_score = 1.0 - p->wait_frac;
	/*
	 * A clear margin: with capacity 1 the queue is either full or empty,
	 * and 55% empty against 45% full names no side.
	 */
	if (cons_score >= V_SIDE && cons_score >= prod_score + V_MARGIN) {
		q->verdict_who = SL_VW_CONSUMERS;
		side_bound = SL_V_CONSUMER_BOUND;
	} else if (prod_score >= V_SIDE && prod_score >= cons_score + V_MARGIN) {
		q->verdict_who = SL_VW_PRODUCERS;
		side_bound = SL_V_PRODUCER_BOUND;
	}
	x = sl_queue_row__judged(q);

	if (side_bound && x->sleep_frac >= V_SLEEP) {
		q->verdict = side_bound;
		q->verdict_rule = SL_VR_SLEEP;
	} else if (x->io_frac >= V_IO && x->io_frac >= x->cpu_wait_frac) {
		q->verdict = SL_V_IO_BOUND;
		q->verdict_rule = SL_VR_IO;
	} else if (x->cpu_wait_frac >= V_CPU_WAIT && x->runnable_frac >= V_CPU_ALIVE) {
		q->verdict = SL_V_CPU_STARVED;
		/* their CPUs went to tasks outside the workload */
		q->verdict_rule = x->other_frac >= V_OTHER ? SL_VR_CPU_OTHER : SL_VR_CPU;
	} else if (side_bound) {
		q->verdict = side_bound;
		q->verdict_rule = SL_VR_SIDE;
	} else {
		q->verdict = SL_V_BALANCED;
		q->verdict_rule = SL_VR_BALANCED;
	}
}

/* Share of these CPUs' time within W that untraced tasks held. */
static double other_share(const struct sl_result *r, const __u64 *mask)
{
	__u64 other = 0, n = 0;

	for (__u32 c = 0; c < r->ncpu; c++) {
		if (!((mask[c / 64] >> (c % 64)) & 1))
			continue;
		other += r->cpus[c].other_ns;
		n++;
	}
	return n && r->wall_ns ? (double)other / ((double)n * (double)r->wall_ns) : 0.0;
}

/*
 * A side woken through a channel may then wait for a CPU: behind the task
 * that woke it, on that task's CPU, while another CPU sits idle (a
 * wake-affine placement), or for an idle CPU to come out of idle.  That
 * wait is still the channel's: the side could not go on sooner.  Its share
 * of the side's run-queue wait after wakeups is the share of the side's
 * blocked time that was on the channel.  Where the CPUs were short --
 * both sides together, or the whole workload, running or runnable on
 * average on as many CPUs as they ran on or more -- the wait is the
 * shortage's, and rule 6 of the verdict speaks of it instead.
 */
static void wake_waits(struct sl_queue_side *s, __u64 waited, bool short_of_cpus)
{
	__u64 blocked = s->alive_ns - s->state_ns[SL_TS_RUNNING] -
			s->state_ns[SL_TS_RUNNABLE_WAKEUP] - s->state_ns[SL_TS_RUNNABLE_PREEMPT];

	s->wake_wait_frac = 0.0;
	if (short_of_cpus || !blocked || !s->alive_ns)
		return;
	if (waited > blocked)
		waited = blocked;
	s->wake_wait_frac = (double)s->state_ns[SL_TS_RUNNABLE_WAKEUP] * ((double)waited /
			    (double)blocked) / (double)s->alive_ns;
}

void aq_judge(struct analysis *a, const struct sl_result *r, struct sl_queue_row *q,
	      const __u8 *side, bool channel)
{
	__u64 cpus[2][CPU_WORDS] = { { 0 } }, all[CPU_WORDS];
	__u32 nr_all = 0;

	for (__u32 t = 0; t < a->nr_tasks; t++) {
		struct a_task *at = &a->tasks[t];
		struct sl_queue_side *s[2] = {
			(side[t] & AQ_PRODUCER) ? &q->prod : NULL,
			(side[t] & AQ_CONSUMER) ? &q->cons : NULL,
		};

		q->both.nr_tasks += s[0] || s[1];
		for (int k = 0; k < 2; k++) {
			if (!s[k])
				continue;
			s[k]->nr_tasks++;
			for (int w = 0; w < CPU_WORDS; w++)
				cpus[k][w] |= at->cpumask[w];
			side_add(s[k], at);
		}
	}
	for (int w = 0; w < CPU_WORDS; w++) {
		q->prod.cpus_used += (__u32)__builtin_popcountll(cpus[0][w]);
		q->cons.cpus_used += (__u32)__builtin_popcountll(cpus[1][w]);
		all[w] = cpus[0][w] | cpus[1][w];
		nr_all += (__u32)__builtin_popcountll(all[w]);
	}
	q->prod.other_frac = other_share(r, cpus[0]);
	q->cons.other_frac = other_share(r, cpus[1]);
	side_finish(&q->prod, q->prod_blocked_ns, q->prod_own_ns);
	side_finish(&q->cons, q->cons_blocked_ns, q->cons_own_ns);
	both_finish(q, other_share(r, all));
	if (channel) {
		const __u64 *st = q->both.state_ns;
		double con = r->wall_ns ? (double)(st[SL_TS_RUNNING] + st[SL_TS_RUNNABLE_WAKEUP] +
						   st[SL_TS_RUNNABLE_PREEMPT]) / (double)r->wall_ns : 0;
		bool short_of_cpus = con >= (double)nr_all ||
				     r->concurrency >= (double)r->ncpu_traced;

		wake_waits(&q->prod, q->prod_blocked_ns, short_of_cpus);
		wake_waits(&q->cons, q->cons_blocked_ns, short_of_cpus);
	}
	aq_verdict(q);
}

int aq_finish(struct analysis *a, const struct sl_trace_info *ti, struct sl_result *r)
{
	__u32 cfg_cap = ti ? sl_trace_info__queue_capacity(ti) : 0, n = 0, best = 0;
	bool have_cfg = cfg_cap != 0;

	for (int i = 0; i < SL_MAX_QUEUES; i++)
		n += a->queues[i] != NULL;
	r->verdict = SL_V_NONE;
	r->verdict_queue = -1;
	if (!n)
		return 0;
	r->queues = calloc(n, sizeof(*r->queues));
	if (!r->queues)
		return -ENOMEM;

	for (int i = 0; i < SL_MAX_QUEUES; i++) {
		struct a_queue *aq = a->queues[i];
		struct sl_queue_row *q;
		double area = 0;

		if (!aq)
			continue;
		q = &r->queues[r->nr_queues++];
		q->qid = aq->qid;
		q->capacity = have_cfg ? cfg_cap : aq->max_depth;
		q->capacity_from_config = have_cfg;
		q->t_start = aq->first_ts;
		q->t_end = aq->last_ts;
		q->window_ns = aq->last_ts - aq->first_ts;
		q->pushes = aq->pushes;
		q->pops = aq->pops;
		q->pills = aq->pills;
		q->max_depth = aq->max_depth;
		aq_close(aq, aq->last_ts);
		area = (double)aq->depth_area;
		q->full_ns = aq_full_ns(aq, q->capacity);
		q->empty_ns = aq->depth_ns[0];
		q->mean_depth = q->window_ns ? area / (double)q->window_ns : 0.0;
		q->full_frac = frac(q->full_ns, q->window_ns);
		q->empty_frac = frac(q->empty_ns, q->window_ns);
		q->prod_blocked_ns = aq->prod_blocked_ns;
		q->cons_blocked_ns = aq->cons_blocked_ns;
		q->lock_wait_ns = aq->lock_ns;
		sl_hdr_summarise(&aq->delay, &q->delay);
		sl_hdr_summarise(&aq->service, &q->service);
		sl_hdr_summarise(&aq->produce, &q->produce);
		q->throughput = q->window_ns ? (double)q->delay.count * 1e9 / (double)q->window_ns : 0;
		/* Little: L = lambda * W, both over the window T. */
		q->little_l = q->mean_depth;
		q->little_lw = q->window_ns ? (double)q->delay.sum / (double)q->window_ns : 0;
		{
			double mx = q->little_l > q->little_lw ? q->little_l : q->little_lw;

			q->little_rel_diff = mx > 0 ? (q->little_lw - q->little_l) / mx : 0.0;
		}
		/* the delay runs from the push call: blocked producers hold items too */
		q->little_blocked = frac(q->prod_blocked_ns, q->window_ns);
		/* Sides: every task that pushed (or waited full) / popped (or waited empty). */
		{
			__u64 bit = 1ull << (aq->qid % 64);
			__u8 *side = calloc(a->nr_tasks ? a->nr_tasks : 1, 1);

			if (!side)
				return -ENOMEM;
			for (__u32 t = 0; t < a->nr_tasks; t++)
				side[t] = ((a->tasks[t].qprod[aq->qid / 64] & bit) ? AQ_PRODUCER : 0) |
					  ((a->tasks[t].qcons[aq->qid / 64] & bit) ? AQ_CONSUMER : 0);
			aq_judge(a, r, q, side, false);
			free(side);
		}
		if (q->pops > r->queues[best].pops)
			best = r->nr_queues - 1;
	}
	r->verdict_queue = (__s32)best;
	r->verdict = r->queues[best].verdict;
	return 0;
}
