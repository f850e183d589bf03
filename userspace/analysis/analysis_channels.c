// SPDX-License-Identifier: GPL-2.0
/*
 * Channels and the pipeline (docs/metrics.md, "Channels and pipelines"):
 * from the task-object pairs of analysis_wait.c, the objects that carried
 * data between tasks -- pipes, sockets, message queues, and futex or
 * semaphore conditions -- with their producer and consumer sides, judged
 * as the lab's queues are (the stages that join them: analysis_pipeline.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"


static bool cond_obj(const struct a_obj *o)
{
	return (o->kind == SL_WK_FUTEX || o->kind == SL_WK_SYSV_SEM) &&
	       aw_sync_state(o) == SL_TS_CONDITION;
}

/*
 * Data moves through it: a pipe, socket, queue or eventfd, or an epoll
 * instance (or a process's poll/select) that writes to the files it
 * watches woke -- a server's requests, gathered from all its clients.
 */
static bool data_obj(const struct a_obj *o)
{
	return aw_data_kind(o->kind) || o->kind == SL_WK_POLL;
}

struct chan_build {
	__u32 obj;
	__u8 *side;		/* [nr_tasks]: AQ_PRODUCER | AQ_CONSUMER */
	__u64 *blocked;		/* [nr_tasks] */
	__u64 *woke;		/* [nr_tasks] */
	__u64 *own;		/* [nr_tasks]: blocked on the object itself (not behind a lock) */
	__u64 (*dir_ns)[2];	/* [nr_tasks]: blocked waiting for data [0], room [1] */
	__u64 prod_blocked, cons_blocked, full, empty, wakeups;
	__u64 proxy;		/* of the blocked time, behind a lock (proxy_lock) */
	__u32 proxy_lock;
	__u32 folded;
	__u32 peer;		/* a socket's other end folded into it (object index) */
	bool condition;
};

/* Is some task of side's `which` tasks in process tgid? */
static bool side_in_proc(const struct analysis *a, const __u8 *side, __u8 which, __u32 tgid)
{
	for (__u32 u = 0; u < a->nr_tasks; u++)
		if ((side[u] & which) && a->tasks[u].tgid == tgid)
			return true;
	return false;
}

/* A condition folds into a data channel when this much of each of its sides lines up with it. */
#define FOLD_SHARE		0.9

/*
 * The share of side `which`'s weight (w[task]: blocked time, wakeups
 * given) that its tasks in the processes of the other mask's side hold; by
 * count where the side weighs nothing.  0 for an empty side.
 */
static double side_share_in_procs(const struct analysis *a, const __u8 *side, __u8 which,
				  const __u64 *w, const __u8 *other, __u8 other_which)
{
	__u64 in = 0, all = 0, n_in = 0, n = 0;

	for (__u32 t = 0; t < a->nr_tasks; t++) {
		bool inside;

		if (!(side[t] & which))
			continue;
		inside = side_in_proc(a, other, other_which, a->tasks[t].tgid);
		n++;
		n_in += inside;
		all += w[t];
		in += inside ? w[t] : 0;
	}
	if (all)
		return (double)in / (double)all;
	return n ? (double)n_in / (double)n : 0;
}

/*
 * Do condition c's waiters (by blocked time) lie in the processes of data
 * channel dc's side `waiters_are`, and its signallers (by wakeups given)
 * in those of the other side, FOLD_SHARE of each?
 */
static bool cond_lines_up(const struct analysis *a, const struct chan_build *c,
			  const struct chan_build *dc, __u8 waiters_are)
{
	__u8 signallers_are = waiters_are == AQ_PRODUCER ? AQ_CONSUMER : AQ_PRODUCER;

	return side_share_in_procs(a, c->side, AQ_CONSUMER, c->blocked, dc->side,
				   waiters_are) >= FOLD_SHARE &&
	       side_share_in_procs(a, c->side, AQ_PRODUCER, c->woke, dc->side,
				   signallers_are) >= FOLD_SHARE;
}

/* Does some task of side `which` share a process with one of side `other_which`? */
static bool sides_share_a_proc(const struct analysis *a, const __u8 *side, __u8 which,
			       __u8 other_which)
{
	for (__u32 t = 0; t < a->nr_tasks; t++)
		if ((side[t] & which) && side_in_proc(a, side, other_which, a->tasks[t].tgid))
			return true;
	return false;
}

static int chan_cmp(const void *x, const void *y)
{
	const struct sl_channel_row *p = x, *q = y;
	__u64 a = p->q.prod_blocked_ns + p->q.cons_blocked_ns;

	/* data channels first: a condition beside none is a program's own signalling */
	if (p->condition != q->condition)
		return p->condition ? 1 : -1;
	__u64 b = q->q.prod_blocked_ns + q->q.cons_blocked_ns;

	return a != b ? (a > b ? -1 : 1) : (p->obj < q->obj ? -1 : p->obj > q->obj);
}

static void chan_free(struct chan_build *cb, __u32 n)
{
	for (__u32 i = 0; i < n; i++) {
		free(cb[i].side);
		free(cb[i].blocked);
		free(cb[i].woke);
		free(cb[i].dir_ns);
		free(cb[i].own);
	}
	free(cb);
}

/*
 * A condition that carried a single wakeup is an event, not a stream: a
 * thread's join through its own lock (Python's), a result awaited once, a
 * start signal.  Its waits keep their state; it is no channel.
 */
static void drop_one_shots(struct chan_build *cb, __u32 n)
{
	for (__u32 k = 0; k < n; k++)
		if (cb[k].condition && cb[k].folded != ~0u && cb[k].wakeups < 2)
			cb[k].folded = ~0u;
}

/* Traffic enough to tell a side's members from a bystander, and the bystander's share of it. */
#define BYSTANDER_MIN_WAKEUPS	50
#define BYSTANDER_SHARE		0.02

/*
 * A task that never blocked on a busy channel and gave under 2 % of its
 * wakeups is no member of its side: the parent that writes the stop
 * pills after its producers are done, asleep in join() all along, would
 * halve the producers' busy share.
 */
static void drop_bystanders(const struct analysis *a, struct chan_build *cb, __u32 n)
{
	for (__u32 k = 0; k < n; k++) {
		struct chan_build *c = &cb[k];

		if (c->folded == ~0u || c->wakeups < BYSTANDER_MIN_WAKEUPS)
			continue;
		for (__u32 t = 0; t < a->nr_tasks; t++)
			if (c->side[t] && !c->blocked[t] &&
			    (double)c->woke[t] < BYSTANDER_SHARE * (double)c->wakeups)
				c->side[t] = 0;
	}
}

/*
 * A socket pair's two ends are two inodes: a writer blocked for room
 * waits on its own end, the reader blocked for data on the other.  Two
 * socket channels of one family and type with the same producers and
 * the same consumers (some of each) are one channel's two ends, folded
 * into the first.  A request/response pair has its sides swapped on the
 * two ends, and stays two channels.
 */
static bool socket_ends(const struct analysis *a, const struct chan_build *x,
			const struct chan_build *y)
{
	const struct a_obj *p = &a->objs[x->obj], *q = &a->objs[y->obj];
	bool prod = false, cons = false;

	if (p->kind != SL_WK_SOCKET || q->kind != SL_WK_SOCKET || p->sub != q->sub ||
	    (p->detail & SL_WD_SOCK_STREAM) != (q->detail & SL_WD_SOCK_STREAM) ||
	    memcmp(x->side, y->side, a->nr_tasks ? a->nr_tasks : 1))
		return false;
	for (__u32 t = 0; t < a->nr_tasks; t++) {
		prod |= x->side[t] & AQ_PRODUCER;
		cons |= x->side[t] & AQ_CONSUMER;
	}
	return prod && cons;
}

static void fold_socket_ends(const struct analysis *a, struct chan_build *cb, __u32 n)
{
	for (__u32 k = 0; k < n; k++) {
		struct chan_build *x = &cb[k];

		if (x->condition || x->folded == ~0u || x->peer != NO_IDX)
			continue;
		for (__u32 m = k + 1; m < n; m++) {
			struct chan_build *y = &cb[m];

			if (y->condition || y->folded == ~0u || y->peer != NO_IDX ||
			    !socket_ends(a, x, y))
				continue;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				x->blocked[t] += y->blocked[t];
				x->own[t] += y->own[t];
				x->woke[t] += y->woke[t];
				x->dir_ns[t][0] += y->dir_ns[t][0];
				x->dir_ns[t][1] += y->dir_ns[t][1];
			}
			x->prod_blocked += y->prod_blocked;
			x->cons_blocked += y->cons_blocked;
			x->wakeups += y->wakeups;
			x->proxy += y->proxy;
			if (x->proxy_lock == NO_IDX)
				x->proxy_lock = y->proxy_lock;
			x->peer = y->obj;
			y->folded = ~0u;
			break;
		}
	}
}

/*
 * glibc's pthread_cond_t puts its waiters on two futex words, one 8-byte
 * aligned pair (__g_signals[0], [1]), used by turns: one condition
 * variable shows as two conditions with the same waiters, signalled by
 * the same tasks (one word may have seen only some of them: of two
 * producers, one signalled every wait on it).  Such a pair is folded
 * into its lower word, as one condition.
 */
static bool condvar_twins(const struct analysis *a, const struct chan_build *x,
			  const struct chan_build *y)
{
	const struct a_obj *p = &a->objs[x->obj], *q = &a->objs[y->obj];
	bool x_in_y = true, y_in_x = true;

	if (p->kind != SL_WK_FUTEX || q->kind != SL_WK_FUTEX || p->scope != q->scope ||
	    p->obj % 8 || q->obj != p->obj + 4)
		return false;
	for (__u32 t = 0; t < a->nr_tasks; t++) {
		__u8 xs = x->side[t], ys = y->side[t];

		if ((xs & AQ_CONSUMER) != (ys & AQ_CONSUMER))
			return false;
		x_in_y &= !(xs & AQ_PRODUCER) || (ys & AQ_PRODUCER);
		y_in_x &= !(ys & AQ_PRODUCER) || (xs & AQ_PRODUCER);
	}
	return x_in_y || y_in_x;
}

static void fold_condvar_words(const struct analysis *a, struct chan_build *cb, __u32 n)
{
	for (__u32 k = 0; k < n; k++) {
		struct chan_build *x = &cb[k];

		if (!x->condition || x->folded == ~0u)
			continue;
		for (__u32 m = 0; m < n; m++) {
			struct chan_build *y = &cb[m];

			if (m == k || !y->condition || y->folded == ~0u || !condvar_twins(a, x, y))
				continue;
			x->empty = 0;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				x->side[t] |= y->side[t];
				x->blocked[t] += y->blocked[t];
				x->own[t] += y->own[t];
				x->woke[t] += y->woke[t];
				/* the most-blocked waiter, over both words */
				if ((x->side[t] & AQ_CONSUMER) && x->blocked[t] > x->empty)
					x->empty = x->blocked[t];
			}
			x->cons_blocked += y->cons_blocked;
			x->wakeups += y->wakeups;
			y->folded = ~0u;	/* folded away */
		}
	}
}

/* task waited ns[0] for data and ns[1] for room on data channel c. */
static void data_wait(struct chan_build *c, __u32 task, const __u64 ns[2])
{
	c->cons_blocked += ns[0];
	c->prod_blocked += ns[1];
	c->dir_ns[task][0] += ns[0];
	c->dir_ns[task][1] += ns[1];
	c->blocked[task] += ns[0] + ns[1];
}

/*
 * A lock held across a blocking call on a data channel (proxy_wait): its
 * waiters' time behind a holder blocked on the channel is the channel's,
 * on the holder's side -- a readers' lock makes its waiters consumers
 * waiting for data.  Only objects that ended up locks: a condition's
 * signaller is no holder.  And only waiters that block on the channel
 * themselves, the same way, when their turn comes: a reader of a socket
 * that takes a job queue's lock after its read wakes that lock's waiters,
 * whose wait overlapped the read, but it did not hold the lock while it
 * read, and the queue's workers read no socket.
 */
static void add_lock_proxies(const struct analysis *a, struct chan_build *cb, __u32 n)
{
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];
		const struct a_obj *lk = &a->objs[p->obj];
		__u64 ns[2];
		__u32 own;

		if (p->proxy_obj == NO_IDX || (lk->kind != SL_WK_FUTEX && lk->kind != SL_WK_SYSV_SEM) ||
		    aw_sync_state(lk) != SL_TS_LOCK)
			continue;
		own = aw_pair_find(a, p->task, p->proxy_obj);
		if (own == NO_IDX)
			continue;
		ns[0] = a->pairs[own].blocked_ns[0] ? p->proxy_ns[0] : 0;
		ns[1] = a->pairs[own].blocked_ns[1] ? p->proxy_ns[1] : 0;
		if (!ns[0] && !ns[1])
			continue;
		for (__u32 k = 0; k < n; k++) {
			struct chan_build *c = &cb[k];

			if (c->condition || c->obj != p->proxy_obj)
				continue;
			if (ns[0])
				c->side[p->task] |= AQ_CONSUMER;
			if (ns[1])
				c->side[p->task] |= AQ_PRODUCER;
			data_wait(c, p->task, ns);
			c->proxy += ns[0] + ns[1];
			if (c->proxy_lock == NO_IDX)
				c->proxy_lock = p->obj;
			break;
		}
	}
}

/* Does every task that signals x (and some) wait on y? */
static bool signals_what_waits(const struct sl_result *r, const struct sl_channel_row *x,
			       const struct sl_channel_row *y)
{
	bool any = false;

	for (__u32 i = 0; i < x->nr_tasks; i++) {
		const struct sl_channel_task *ct = &r->chan_tasks[x->first_task + i];
		bool found = false;

		if (!ct->producer)
			continue;
		any = true;
		for (__u32 k = 0; k < y->nr_tasks && !found; k++) {
			const struct sl_channel_task *cu = &r->chan_tasks[y->first_task + k];

			found = cu->task == ct->task && cu->consumer;
		}
		if (!found)
			return false;
	}
	return any;
}

/*
 * A bounded buffer between threads has two conditions, "not full" and
 * "not empty": the tasks that signal one wait on the other (a waiter
 * need not have signalled: of two producers, one may have put every item
 * the consumer waited for).  Which is which the kernel cannot tell (the
 * two are symmetric), so each names the other as its pair, and the
 * verdict speaks of signallers and waiters.
 */
static void find_pairs(struct sl_result *r)
{
	for (__u32 i = 0; i < r->nr_channels; i++)
		r->channels[i].pair = -1;
	for (__u32 i = 0; i < r->nr_channels; i++) {
		struct sl_channel_row *x = &r->channels[i];

		for (__u32 j = 0; x->condition && x->pair < 0 && j < r->nr_channels; j++) {
			struct sl_channel_row *y = &r->channels[j];

			if (j == i || !y->condition || y->pair >= 0 ||
			    !signals_what_waits(r, x, y) || !signals_what_waits(r, y, x))
				continue;
			x->pair = (__s32)j;
			y->pair = (__s32)i;
		}
	}
}

int ac_channels(struct analysis *a, struct sl_result *r)
{
	__u32 n = 0, nt = a->nr_tasks ? a->nr_tasks : 1, ntasks = 0;
	struct chan_build *cb;
	int err = -ENOMEM;

	cb = calloc(a->nr_objs ? a->nr_objs : 1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	/*
	 * One candidate per object something woke waiters through: a traced
	 * task, or twice or more one outside the trace (one side only).
	 */
	for (__u32 o = 0; o < a->nr_objs; o++) {
		const struct a_obj *ob = &a->objs[o];

		if ((!ob->wakeups && ob->outside_wakes < 2) || (!data_obj(ob) && !cond_obj(ob)))
			continue;
		cb[n].obj = o;
		cb[n].condition = !data_obj(ob);
		cb[n].side = calloc(nt, 1);
		cb[n].blocked = calloc(nt, sizeof(__u64));
		cb[n].woke = calloc(nt, sizeof(__u64));
		cb[n].dir_ns = calloc(nt, sizeof(*cb[n].dir_ns));
		cb[n].own = calloc(nt, sizeof(__u64));
		cb[n].proxy_lock = NO_IDX;
		cb[n].peer = NO_IDX;
		if (!cb[n].side || !cb[n].blocked || !cb[n].woke || !cb[n].dir_ns ||
		    !cb[n].own) {
			n++;
			goto out;
		}
		cb[n].wakeups = ob->wakeups + ob->outside_wakes;
		n++;
	}
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];

		for (__u32 k = 0; k < n; k++) {
			struct chan_build *c = &cb[k];

			if (c->obj != p->obj)
				continue;
			if (c->condition) {
				/* signallers produce, waiters consume */
				if (p->woke)
					c->side[p->task] |= AQ_PRODUCER;
				if (p->woken || p->blocks)
					c->side[p->task] |= AQ_CONSUMER;
				c->cons_blocked += p->blocked_ns[0] + p->blocked_ns[1];
				c->blocked[p->task] += p->blocked_ns[0] + p->blocked_ns[1];
				if (p->blocked_ns[0] + p->blocked_ns[1] > c->empty)
					c->empty = p->blocked_ns[0] + p->blocked_ns[1];
			} else {
				if (p->wrote)
					c->side[p->task] |= AQ_PRODUCER;
				if (p->read)
					c->side[p->task] |= AQ_CONSUMER;
				data_wait(c, p->task, p->blocked_ns);
			}
			c->own[p->task] += p->blocked_ns[0] + p->blocked_ns[1];
			c->woke[p->task] += p->woke;
		}
	}
	add_lock_proxies(a, cb, n);
	fold_socket_ends(a, cb, n);
	for (__u32 k = 0; k < n; k++) {
		struct chan_build *c = &cb[k];

		for (__u32 t = 0; !c->condition && t < a->nr_tasks; t++) {
			if (c->dir_ns[t][1] > c->full)
				c->full = c->dir_ns[t][1];
			if (c->dir_ns[t][0] > c->empty)
				c->empty = c->dir_ns[t][0];
		}
	}
	fold_condvar_words(a, cb, n);
	/*
	 * A condition whose waiters are a data channel's producer processes
	 * and whose signallers its consumers' is that channel's "room"
	 * (a bounded queue's semaphore); the mirror case its "data".  By
	 * weight, FOLD_SHARE of the waiters' blocked time and of the
	 * signallers' wakeups: the parent that puts the stop pills into a
	 * full multiprocessing.Queue waits on its semaphore too, for
	 * moments, and writes no pipe a reader ever waited on.
	 */
	for (__u32 k = 0; k < n; k++) {
		struct chan_build *c = &cb[k];

		if (!c->condition || c->folded == ~0u)
			continue;
		/*
		 * It must go between processes, as the channel does: a
		 * process's own signalling (Pool's result events, signalled
		 * and awaited inside the parent) is no channel's room or data.
		 */
		if (sides_share_a_proc(a, c->side, AQ_CONSUMER, AQ_PRODUCER))
			continue;
		for (__u32 d = 0; d < n; d++) {
			struct chan_build *dc = &cb[d];
			bool room, data;

			if (dc->condition || !dc->side)
				continue;
			room = cond_lines_up(a, c, dc, AQ_PRODUCER);
			data = !room && cond_lines_up(a, c, dc, AQ_CONSUMER);
			if (!room && !data)
				continue;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				if (c->side[t] & AQ_CONSUMER)
					dc->side[t] |= room ? AQ_PRODUCER : AQ_CONSUMER;
				if (c->side[t] & AQ_PRODUCER)
					dc->side[t] |= room ? AQ_CONSUMER : AQ_PRODUCER;
				dc->blocked[t] += c->blocked[t];
				dc->own[t] += c->own[t];
				dc->woke[t] += c->woke[t];
			}
			if (room) {
				dc->prod_blocked += c->cons_blocked;
				if (c->empty > dc->full)
					dc->full = c->empty;
			} else {
				dc->cons_blocked += c->cons_blocked;
				if (c->empty > dc->empty)
					dc->empty = c->empty;
			}
			dc->wakeups += c->wakeups;
			dc->folded++;
			c->folded = ~0u;	/* folded away */
			break;
		}
	}
	drop_one_shots(cb, n);
	drop_bystanders(a, cb, n);
	{
		__u32 rows = 0;

		for (__u32 k = 0; k < n; k++)
			if (cb[k].folded != ~0u)
				rows++;
		if (!rows) {
			err = 0;
			goto out;
		}
		r->channels = calloc(rows, sizeof(*r->channels));
		if (!r->channels)
			goto out;
		for (__u32 k = 0; k < n; k++) {
			struct chan_build *c = &cb[k];
			const struct a_obj *ob = &a->objs[c->obj];
			struct sl_channel_row *ch;

			if (c->folded == ~0u)
				continue;
			ch = &r->channels[r->nr_channels++];
			ch->kind = ob->kind;
			ch->detail = ob->detail;
			ch->sub = ob->sub;
			ch->obj = ob->obj;
			ch->scope = ob->scope;
			ch->condition = c->condition;
			ch->pair = -1;
			if (c->peer != NO_IDX)
				ch->peer = a->objs[c->peer].obj;
			ch->folded = c->folded;
			ch->wakeups = c->wakeups;
			ch->outside_wakeups = ob->outside_wakes +
					      (c->peer != NO_IDX ? a->objs[c->peer].outside_wakes : 0);
			ch->fill_max = ob->fill_max;
			ch->cap = ob->cap;
			ch->lock_proxy_ns = c->proxy;
			if (c->proxy_lock != NO_IDX) {
				ch->lock_kind = a->objs[c->proxy_lock].kind;
				ch->lock_detail = a->objs[c->proxy_lock].detail;
				ch->lock_obj = a->objs[c->proxy_lock].obj;
				ch->lock_scope = a->objs[c->proxy_lock].scope;
			}
			ch->q.qid = k;	/* which candidate: matched below */
			ch->q.signal = c->condition;
			ch->q.pushes = c->wakeups;	/* the verdict's "traffic" */
			ch->q.window_ns = r->wall_ns;
			ch->q.prod_blocked_ns = c->prod_blocked;
			ch->q.cons_blocked_ns = c->cons_blocked;
			ch->q.full_ns = c->full;
			ch->q.empty_ns = c->empty;
			ch->q.full_frac = r->wall_ns ? (double)c->full / (double)r->wall_ns : 0;
			ch->q.empty_frac = r->wall_ns ? (double)c->empty / (double)r->wall_ns : 0;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				if (c->side[t] & AQ_PRODUCER)
					ch->q.prod_own_ns += c->own[t];
				if (c->side[t] & AQ_CONSUMER)
					ch->q.cons_own_ns += c->own[t];
			}
			aq_judge(a, r, &ch->q, c->side, true);
			for (__u32 t = 0; t < a->nr_tasks; t++)
				ntasks += c->side[t] != 0;
		}
		qsort(r->channels, r->nr_channels, sizeof(*r->channels), chan_cmp);
		if (r->nr_channels > AC_MAX_CHANNELS)
			r->nr_channels = AC_MAX_CHANNELS;
		r->chan_tasks = calloc(ntasks ? ntasks : 1, sizeof(*r->chan_tasks));
		if (!r->chan_tasks)
			goto out;
		for (__u32 i = 0; i < r->nr_channels; i++) {
			struct sl_channel_row *ch = &r->channels[i];
			struct chan_build *c = &cb[ch->q.qid];

			ch->q.qid = i;
			ch->first_task = r->nr_chan_tasks;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				struct sl_channel_task *ct;

				if (!c->side[t])
					continue;
				ct = &r->chan_tasks[r->nr_chan_tasks++];
				ct->task = t;
				ct->producer = c->side[t] & AQ_PRODUCER;
				ct->consumer = c->side[t] & AQ_CONSUMER;
				ct->blocked_ns = c->blocked[t];
				ct->woke = c->woke[t];
				ch->nr_tasks++;
			}
		}
	}
	find_pairs(r);
	ac_pipeline(a, r);
	err = 0;
out:
	chan_free(cb, n);
	return err;
}
