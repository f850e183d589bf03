// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline (docs/metrics.md, "Channels and pipelines"): the channels
 * of analysis_channels.c that processes join -- consuming one, producing
 * into another -- and the stage that limits them.
 */
#include <stdlib.h>
#include "analysis_state.h"

/* Has channel ch a producer (or a consumer) outside process tgid? */
static bool side_beyond(const struct analysis *a, const struct sl_result *r,
			const struct sl_channel_row *ch, bool producer, __u32 tgid)
{
	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if ((producer ? ct->producer : ct->consumer) && a->tasks[ct->task].tgid != tgid)
			return true;
	}
	return false;
}

/* Does a task of process tgid take part in channel ch as a producer (or a consumer)? */
static bool side_within(const struct analysis *a, const struct sl_result *r,
			const struct sl_channel_row *ch, bool producer, __u32 tgid)
{
	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if ((producer ? ct->producer : ct->consumer) && a->tasks[ct->task].tgid == tgid)
			return true;
	}
	return false;
}

/*
 * The stage's own busy share: its tasks that consume upstream or produce
 * downstream.  Not the upstream channel's consumer side: a socket's reader
 * on the far end, or a second reader elsewhere, is in that side too.
 */
static double stage_busy(const struct analysis *a, const struct sl_result *r,
			 const struct sl_pipeline *pl)
{
	const struct sl_channel_row *up = pl->upstream >= 0 ? &r->channels[pl->upstream] : NULL;
	const struct sl_channel_row *down = pl->downstream >= 0 ? &r->channels[pl->downstream] : NULL;
	__u32 nu = up ? up->nr_tasks : 0, nd = down ? down->nr_tasks : 0, n = 0;
	__u32 *tasks = calloc(nu + nd + 1, sizeof(*tasks));
	double busy;

	if (!tasks)
		return 0;
	for (__u32 k = 0; k < nu + nd; k++) {
		const struct sl_channel_task *ct = k < nu ? &r->chan_tasks[up->first_task + k] :
			&r->chan_tasks[down->first_task + (k - nu)];
		bool dup = false;

		if (!(k < nu ? ct->consumer : ct->producer) ||
		    a->tasks[ct->task].tgid != pl->stage_tgid)
			continue;
		for (__u32 m = 0; m < n; m++)
			dup |= tasks[m] == ct->task;
		if (!dup)
			tasks[n++] = ct->task;
	}
	busy = aq_busy_frac(a, tasks, n);
	free(tasks);
	return busy;
}

/*
 * How much of their lives process tgid's tasks on side `producer` of ch
 * spent blocked on it: a stage that waits on its own neighbours (for
 * data upstream, for room downstream) is not what the others wait for.
 */
static double own_wait(const struct analysis *a, const struct sl_result *r,
		       const struct sl_channel_row *ch, bool producer, __u32 tgid)
{
	__u64 blocked = 0, alive = 0;

	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if (!(producer ? ct->producer : ct->consumer) || a->tasks[ct->task].tgid != tgid)
			continue;
		blocked += ct->blocked_ns;
		alive += aq_alive_ns(&a->tasks[ct->task]);
	}
	return alive ? (double)blocked / (double)alive : 0;
}

/* Does process tgid consume (or produce into) a channel of the pipeline? */
static bool in_joined(const struct analysis *a, const struct sl_result *r, const bool *joined,
		      bool producer, __u32 tgid)
{
	for (__u32 i = 0; i < r->nr_channels; i++)
		if (joined[i] && side_within(a, r, &r->channels[i], producer, tgid))
			return true;
	return false;
}

/* The share of their time a stage's neighbours wait for it that makes it a candidate. */
#define PIPE_WAITED 0.10

/* Does process g consume a channel that process tgid produces into? */
static bool answers(const struct analysis *a, const struct sl_result *r, __u32 tgid, __u32 g)
{
	for (__u32 i = 0; i < r->nr_channels; i++)
		if (side_within(a, r, &r->channels[i], true, tgid) &&
		    side_within(a, r, &r->channels[i], false, g))
			return true;
	return false;
}

/*
 * Is the stage tgid between up and down one side of a closed loop: do the
 * processes beyond it that produce into up consume what it produces (down,
 * or another of its channels), and do down's consumers beyond it produce
 * into up?  Its clients' requests and its answers to them: a server's
 * socket, read and written by each client in turn, or a server that
 * polls all its clients' sockets as one and answers each on its own.
 */
static bool closed_loop(const struct analysis *a, const struct sl_result *r,
			const struct sl_channel_row *up, const struct sl_channel_row *down,
			__u32 tgid)
{
	bool any = false;

	for (__u32 k = 0; k < up->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[up->first_task + k];
		__u32 g = a->tasks[ct->task].tgid;

		if (!ct->producer || g == tgid)
			continue;
		if (!answers(a, r, tgid, g))
			return false;
		any |= side_within(a, r, down, false, g);
	}
	for (__u32 k = 0; k < down->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[down->first_task + k];
		__u32 g = a->tasks[ct->task].tgid;

		if (ct->consumer && g != tgid && !side_within(a, r, up, true, g))
			return false;
	}
	return any;
}

/* A candidate for the limiting stage, and what ranks it. */
struct stage_pick {
	double busy;	/* its own tasks' busy share on its two channels */
	double score;	/* its neighbours' waits for it, less its own waits on them */
	bool waited;	/* its neighbours wait for it PIPE_WAITED of their time or more */
	bool closed;	/* its two channels are one loop (closed_loop()) */
};

/*
 * Of the stages its neighbours wait for, the busiest limits the pipeline
 * (the utilisation law: the bottleneck is the most utilised stage); a
 * stage's neighbours can wait behind it for another (wc waits for uniq,
 * which waits for awk), so their waits only qualify it.  Where none
 * qualifies, the highest score.
 */
static bool stage_better(const struct stage_pick *p, const struct stage_pick *b)
{
	if (p->waited != b->waited)
		return p->waited;
	if (p->waited && (p->busy > b->busy + 0.01 || p->busy < b->busy - 0.01))
		return p->busy > b->busy;
	return p->score > b->score;
}

static void pick_stage(const struct analysis *a, struct sl_result *r, struct stage_pick *best,
		       double waited_for, double own, __u32 tgid, __u32 task, __s32 up, __s32 down)
{
	struct sl_pipeline *pl = &r->pipeline, cand = {
		.stage_tgid = tgid, .stage_task = task, .upstream = up, .downstream = down,
	};
	struct stage_pick p = { .score = waited_for - own, .waited = waited_for >= PIPE_WAITED };

	p.closed = up >= 0 && down >= 0 &&
		   closed_loop(a, r, &r->channels[up], &r->channels[down], tgid);
	p.busy = stage_busy(a, r, &cand);
	/* of one stage's pairs of channels, a loop's own two tell of it */
	if (pl->stage_tgid == tgid && p.closed != best->closed) {
		if (!p.closed)
			return;
	} else if (pl->stage_tgid && !stage_better(&p, best)) {
		return;
	}
	*best = p;
	pl->stage_tgid = tgid;
	pl->stage_task = task;
	pl->upstream = up;
	pl->downstream = down;
	pl->stage_busy_frac = p.busy;
	pl->closed = p.closed;
}

/*
 * How much of its time a party of a closed loop spends on its own rather
 * than waiting for the other: its tasks' busy share on the loop's two
 * channels, or the share its readers of `in` do not wait on it (sleep
 * between requests -- a think time -- is the party's own time too).  The
 * larger counts: a server's reader threads that hand the work to others
 * wait for requests nearly always while the workers are busy.
 */
static double own_share(const struct sl_result *r, const struct sl_pipeline *pl)
{
	double idle = 1.0 - r->channels[pl->upstream].q.cons.wait_frac;

	return pl->stage_busy_frac > idle ? pl->stage_busy_frac : idle;
}

/*
 * In a closed loop the stage and its clients are each other's upstream
 * and downstream: whoever spends more of its time on its own makes the
 * other wait, and limits the loop.  Where that is the clients, the
 * busiest of them is the stage, its answers upstream and its requests
 * downstream.
 */
static void loop_direction(const struct analysis *a, struct sl_result *r)
{
	struct sl_pipeline *pl = &r->pipeline, turned = *pl;
	const struct sl_channel_row *up = &r->channels[pl->upstream];
	double busiest = -1;

	for (__u32 k = 0; k < up->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[up->first_task + k];
		const struct a_task *t = &a->tasks[ct->task];
		double busy = aq_busy_frac(a, &ct->task, 1);

		if (!ct->producer || t->tgid == pl->stage_tgid || busy <= busiest)
			continue;
		busiest = busy;
		turned.stage_tgid = t->tgid;
		turned.stage_task = ct->task;
	}
	if (busiest < 0)
		return;
	turned.upstream = pl->downstream;
	turned.downstream = pl->upstream;
	turned.stage_busy_frac = stage_busy(a, r, &turned);
	if (own_share(r, &turned) > own_share(r, pl))
		*pl = turned;
}

/*
 * The ends of the pipeline as stages: a process that produces into one
 * of its channels and consumes none (a source), scored by how long the
 * channel's consumers wait for data, and the mirror case (a sink).
 */
static void end_stages(const struct analysis *a, struct sl_result *r, const bool *joined,
		       struct stage_pick *best)
{
	for (__u32 i = 0; i < r->nr_channels; i++) {
		const struct sl_channel_row *ch = &r->channels[i];

		if (!joined[i])
			continue;
		for (__u32 k = 0; k < ch->nr_tasks; k++) {
			const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];
			__u32 tgid = a->tasks[ct->task].tgid;

			if (ct->producer && !in_joined(a, r, joined, false, tgid) &&
			    side_beyond(a, r, ch, false, tgid))
				pick_stage(a, r, best, ch->q.cons.wait_frac,
					   own_wait(a, r, ch, true, tgid), tgid, ct->task, -1, (__s32)i);
			if (ct->consumer && !in_joined(a, r, joined, true, tgid) &&
			    side_beyond(a, r, ch, true, tgid))
				pick_stage(a, r, best, ch->q.prod.wait_frac,
					   own_wait(a, r, ch, false, tgid), tgid, ct->task, (__s32)i, -1);
		}
	}
}

/*
 * Producers (upstream waits for room) and consumers (downstream waits for
 * data) meet in a stage.  A link goes between processes: a channel whose
 * other side is all the stage's own threads (a pool's handler threads
 * signalling each other) is the stage's inside, not a neighbour.  The
 * pipeline is every channel some link joins -- a chain (`a | b | c`) or
 * a star (a server between its clients' sockets) -- and the stages that
 * join them.  The limiting one is the busiest of the stages the others
 * wait for (stage_better()); the ends (the first producer, the last
 * consumer) are stages too: `sort | uniq | awk` waits for sort.
 */
void ac_pipeline(const struct analysis *a, struct sl_result *r)
{
	struct sl_pipeline *pl = &r->pipeline;
	bool joined[AC_MAX_CHANNELS] = { false };
	__u32 stages[AC_MAX_CHANNELS * 2], nr_stages = 0;
	struct stage_pick best = { 0 };

	pl->upstream = pl->downstream = -1;
	for (__u32 i = 0; i < r->nr_channels; i++) {
		for (__u32 j = 0; j < r->nr_channels; j++) {
			const struct sl_channel_row *up = &r->channels[i], *down = &r->channels[j];

			/*
			 * A condition and its mirror are one bounded buffer's
			 * data and room: who waits on one and signals the other
			 * passes nothing on, it hands the room back.
			 */
			if (i == j || up->pair == (__s32)j)
				continue;
			/* a process consuming `up` and producing into `down` */
			for (__u32 k = 0; k < up->nr_tasks; k++) {
				const struct sl_channel_task *ct = &r->chan_tasks[up->first_task + k];
				__u32 tgid = a->tasks[ct->task].tgid, m;

				if (!ct->consumer || !side_within(a, r, down, true, tgid) ||
				    !side_beyond(a, r, up, true, tgid) ||
				    !side_beyond(a, r, down, false, tgid))
					continue;
				joined[i] = joined[j] = true;
				for (m = 0; m < nr_stages && stages[m] != tgid; m++)
					;
				if (m == nr_stages && nr_stages < AC_MAX_CHANNELS * 2)
					stages[nr_stages++] = tgid;
				pick_stage(a, r, &best, up->q.prod.wait_frac + down->q.cons.wait_frac,
					   own_wait(a, r, up, false, tgid) +
					   own_wait(a, r, down, true, tgid),
					   tgid, ct->task, (__s32)i, (__s32)j);
			}
		}
	}
	if (!pl->stage_tgid)
		return;
	end_stages(a, r, joined, &best);
	if (pl->closed)
		loop_direction(a, r);
	pl->stage_own_frac = pl->closed ? own_share(r, pl) : pl->stage_busy_frac;
	for (__u32 i = 0; i < r->nr_channels; i++)
		pl->nr_channels += joined[i];
	pl->nr_stages = nr_stages;
}
