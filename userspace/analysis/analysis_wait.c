// SPDX-License-Identifier: GPL-2.0
/*
 * What blocked tasks waited on: the probes' SL_EV_WAIT records (what a task
 * blocks on, sent when it changes) and SL_EV_WAKER records (what a waker's
 * syscall acts on).  Each distinct object -- a pipe, a futex, a child -- is
 * an a_obj; each task's use of one an a_pair, which holds its blocked time
 * and the wakeups it gave or got through the object.  A wakeup goes
 * "through" an object when the waker acts on the object its wakee waits
 * on: the write that fed the pipe, FUTEX_WAKE on the same address, the
 * exit that ended a wait4.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"
#include "analysis_syscalls.h"
#include "util/idmap.h"

/* ---- objects and pairs, found through util/idmap ---- */

static __u64 mix(__u64 v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

/*
 * An object's identity is wider than a map key (kind, syscall, scope and
 * a 64-bit id), so the key is a hash of it; the rare key that names
 * another object moves on to the next key.
 */
static __u64 obj_key(__u8 kind, __u16 nr, __u32 scope, __u64 obj)
{
	return mix(obj ^ mix(((__u64)scope << 32) | ((__u64)kind << 16) | nr));
}

static bool obj_eq(const struct a_obj *o, __u8 kind, __u16 nr, __u32 scope, __u64 obj)
{
	return o->kind == kind && o->nr_syscall == nr && o->scope == scope && o->obj == obj;
}

static int grow(void **recs, __u32 n, __u32 *cap, size_t rec_size)
{
	__u32 c = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*recs, (size_t)c * rec_size);
	if (!p)
		return -ENOMEM;
	*recs = p;
	*cap = c;
	return 0;
}

static __u32 obj_get(struct analysis *a, __u8 kind, __u16 nr, __u32 scope, __u64 obj)
{
	__u64 key = obj_key(kind, nr, scope, obj);
	__u32 i;

	for (;; key++) {
		i = idmap__get(&a->obj_map, key);
		if (i == IDMAP_NONE)
			break;
		if (obj_eq(&a->objs[i], kind, nr, scope, obj))
			return i;
	}
	if (grow((void **)&a->objs, a->nr_objs, &a->obj_cap, sizeof(*a->objs)))
		return NO_IDX;
	i = a->nr_objs;
	if (idmap__put(&a->obj_map, key, i))
		return NO_IDX;
	a->nr_objs++;
	a->objs[i] = (struct a_obj){ .obj = obj, .scope = scope, .nr_syscall = nr, .kind = kind };
	return i;
}

static __u32 pair_get(struct analysis *a, __u32 task, __u32 obj)
{
	__u64 key = ((__u64)obj << 32) | task;
	__u32 i = idmap__get(&a->pair_map, key);

	if (i != IDMAP_NONE)
		return i;
	if (grow((void **)&a->pairs, a->nr_pairs, &a->pair_cap, sizeof(*a->pairs)))
		return NO_IDX;
	i = a->nr_pairs;
	if (idmap__put(&a->pair_map, key, i))
		return NO_IDX;
	a->nr_pairs++;
	memset(&a->pairs[i], 0, sizeof(a->pairs[i]));
	a->pairs[i].task = task;
	a->pairs[i].obj = obj;
	a->pairs[i].proxy_obj = NO_IDX;
	return i;
}

void aw_free(struct analysis *a)
{
	free(a->objs);
	idmap__free(&a->obj_map);
	free(a->pairs);
	idmap__free(&a->pair_map);
}

/* ---- records ---- */

/*
 * Which objects are one per process: a private futex's address means
 * something only in its address space, and a child, a sleep or a fault
 * belongs to the task's process.  Pipes, sockets, queues and shared
 * futexes are system-wide.  (A shared futex is named by its address: the
 * same object for processes that inherited the mapping across fork.)
 */
static __u32 obj_scope(const struct sl_event *e, __u32 tgid)
{
	switch (e->flags) {
	case SL_WK_FUTEX:
		return (e->wt.detail & SL_WD_FUTEX_PRIVATE) ? tgid : 0;
	case SL_WK_PIPE:
	case SL_WK_SOCKET:
	case SL_WK_FILE:
	case SL_WK_TTY:
	case SL_WK_CHARDEV:
	case SL_WK_EVENTFD:
	case SL_WK_TIMERFD:
	case SL_WK_SIGNALFD:
	case SL_WK_MQ:
	case SL_WK_SYSV_MSG:
	case SL_WK_SYSV_SEM:
	case SL_WK_FILE_LOCK:
	case SL_WK_ANON:
	case SL_WK_EXIT:
		return 0;
	case SL_WK_POLL:
		return e->wt.obj ? 0 : tgid;	/* an epoll instance, or plain poll */
	default:
		return tgid;
	}
}

int aw_record(struct analysis *a, struct a_task *t, const struct sl_event *e)
{
	struct a_obj *ob;
	__u64 obj = e->wt.obj;
	__u32 o;

	if (e->flags >= SL_WK_MAX)
		return 0;
	if (e->flags == SL_WK_SLEEP || e->flags == SL_WK_SIGNAL || e->flags == SL_WK_FAULT ||
	    e->flags == SL_WK_NONE)
		obj = 0;
	o = obj_get(a, e->flags, e->flags == SL_WK_SYSCALL ? e->wt.nr_syscall : 0,
		    obj_scope(e, t->tgid), obj);
	if (o == NO_IDX)
		return -ENOMEM;
	ob = &a->objs[o];
	ob->detail |= e->wt.detail;
	ob->sub = e->wt.sub;
	if (e->wt.cap)
		ob->cap = e->wt.cap;
	if (e->type == SL_EV_WAIT) {
		ob->wait_detail |= e->wt.detail;
		a->nr_wait_records++;
		t->wait_obj = o;
		t->wait_nr = e->wt.nr_syscall;
		t->wait_detail = e->wt.detail;
		t->wait_fill = e->wt.fill;
	} else {
		t->wake_obj = o;
		t->wake_detail = e->wt.detail;
	}
	return 0;
}

/* ---- blocking ---- */

/*
 * What a futex or semaphore is, from who woke its waiters through it:
 * a join when exiting tasks did (a thread's exit clears its tid and wakes
 * pthread_join), a lock when the wakers also waited on it for half the
 * wakeups or more (they take turns) or when it is waited on with plain
 * FUTEX_WAIT (glibc's mutexes; its conditions, semaphores and joins use
 * FUTEX_WAIT_BITSET), else a condition: some wait, others signal.
 */
static __u8 sync_state(const struct a_obj *o)
{
	if (o->kind == SL_WK_FILE_LOCK || (o->detail & SL_WD_FUTEX_PI))
		return SL_TS_LOCK;
	if (o->exit_wakes && o->exit_wakes * 2 >= o->wakeups)
		return SL_TS_CHILD;
	if (o->wakeups && o->shared_wakes * 2 >= o->wakeups)
		return SL_TS_LOCK;
	if (o->kind == SL_WK_FUTEX && !(o->wait_detail & SL_WD_FUTEX_BITSET))
		return SL_TS_LOCK;
	return SL_TS_CONDITION;
}

static int sync_index(__u8 state)
{
	return state == SL_TS_LOCK ? 0 : state == SL_TS_CONDITION ? 1 : state == SL_TS_CHILD ? 2 : -1;
}

static const __u8 sync_states[3] = { SL_TS_LOCK, SL_TS_CONDITION, SL_TS_CHILD };

/* The state a wait on object o counts in, writing (room) or reading (data). */
static __u8 obj_state(const struct a_obj *o, bool write)
{
	switch (o->kind) {
	case SL_WK_PIPE:
	case SL_WK_MQ:
	case SL_WK_SYSV_MSG:
		return write ? SL_TS_PIPE_FULL : SL_TS_PIPE_EMPTY;
	case SL_WK_SOCKET:
		return SL_TS_SOCKET;
	case SL_WK_FILE:
		return SL_TS_IO;
	case SL_WK_TTY:
		return SL_TS_TERMINAL;
	case SL_WK_EVENTFD:
	case SL_WK_TIMERFD:
	case SL_WK_SIGNALFD:
	case SL_WK_POLL:
	case SL_WK_SIGNAL:
		return SL_TS_EVENTS;
	case SL_WK_FUTEX:
	case SL_WK_SYSV_SEM:
	case SL_WK_FILE_LOCK:
		return sync_state(o);
	case SL_WK_CHILD:
		return SL_TS_CHILD;
	case SL_WK_SLEEP:
		return SL_TS_SLEEP;
	case SL_WK_FAULT:
		return SL_TS_FAULT;
	default:
		return SL_TS_SYSCALL;
	}
}

#define TASK_S	0x1
#define TASK_D	0x2

__u8 aw_block(struct analysis *a, struct a_task *t, __u8 reason, __u16 nr_syscall,
	      __u32 task_state, __u8 fallback)
{
	const struct a_obj *o;
	__u32 p;
	__u8 s;

	t->blk_pair = NO_IDX;
	/*
	 * The probes describe every S or D switch-out they do not leave to a
	 * queue mark, before the switch; a record for another syscall means
	 * this one's was lost.
	 */
	if (t->wait_obj == NO_IDX || !(task_state & (TASK_S | TASK_D)) ||
	    t->wait_nr != nr_syscall)
		return fallback;
	switch (reason) {
	case SL_R_SLEEP:
	case SL_R_IO:
	case SL_R_DISK_WAIT:
		break;
	default:
		return fallback;
	}
	o = &a->objs[t->wait_obj];
	s = obj_state(o, t->wait_detail & SL_WD_WRITE);
	/* D with in_iowait is I/O whatever the call: a fault reading a page in */
	if (reason == SL_R_IO && s != SL_TS_FAULT)
		s = SL_TS_IO;
	else if (s == SL_TS_SYSCALL && reason == SL_R_DISK_WAIT && sl_syscall_is_file_io(a->arch, nr_syscall))
		s = SL_TS_IO;
	p = pair_get(a, (__u32)(t - a->tasks), t->wait_obj);
	if (p == NO_IDX)
		return s;
	t->blk_pair = p;
	t->blk_start = a->now;
	a->pairs[p].blocks++;
	a->objs[t->wait_obj].blocks++;
	if (t->wait_detail & SL_WD_WRITE) {
		a->pairs[p].wrote = 1;
		if (t->wait_fill > a->objs[t->wait_obj].fill_max)
			a->objs[t->wait_obj].fill_max = t->wait_fill;
	} else {
		a->pairs[p].read = 1;
	}
	return s;
}

void aw_account(struct analysis *a, struct a_task *t, __u8 state, __u64 dt)
{
	struct a_pair *p;
	int dir;

	if (t->blk_pair == NO_IDX)
		return;
	p = &a->pairs[t->blk_pair];
	dir = p->wrote && (t->wait_detail & SL_WD_WRITE) ? 1 : 0;
	p->blocked_ns[dir] += dt;
	a->objs[p->obj].blocked_ns[dir] += dt;
	if (sync_index(state) >= 0 && (a->objs[p->obj].kind == SL_WK_FUTEX ||
				       a->objs[p->obj].kind == SL_WK_SYSV_SEM))
		p->sync_ns[sync_index(state)] += dt;
}

/* Objects that carry data: a writer feeds readers, a reader makes room for writers. */
static bool data_kind(__u8 kind)
{
	return kind == SL_WK_PIPE || kind == SL_WK_MQ || kind == SL_WK_SYSV_MSG ||
	       kind == SL_WK_SOCKET;
}

/* Does a waker acting on wobj wake a task waiting on wait through it? */
static bool through(const struct a_obj *wait, const struct a_obj *wobj, __u32 wi, __u32 ki)
{
	if (wi == ki)
		return true;
	switch (wait->kind) {
	case SL_WK_CHILD:
	case SL_WK_FUTEX:	/* a thread's exit wakes its joiner (CLONE_CHILD_CLEARTID) */
		return wobj->kind == SL_WK_EXIT;
	case SL_WK_SOCKET:
		/* the two ends of a pair are two inodes: a send on the peer */
		return wobj->kind == SL_WK_SOCKET;
	default:
		return false;
	}
}

/* t's block on a data object ends now: kept for the proxy rule below. */
static void remember_block(struct analysis *a, struct a_task *t)
{
	const struct a_pair *p = &a->pairs[t->blk_pair];
	struct a_past_block *b;

	if (!data_kind(a->objs[p->obj].kind))
		return;
	b = &t->past[(t->past_next + A_PAST_BLOCKS - 1) % A_PAST_BLOCKS];
	if (b->end && b->obj == p->obj && b->start == t->blk_start)
		return;		/* a second wakeup of the same block */
	b = &t->past[t->past_next++ % A_PAST_BLOCKS];
	b->obj = p->obj;
	b->dir = p->wrote && (t->wait_detail & SL_WD_WRITE) ? 1 : 0;
	b->start = t->blk_start;
	b->end = a->now;
}

/*
 * t waited on a futex or semaphore from t->blk_start to now, and waker
 * ended the wait: how long waker was blocked on a data object meanwhile.
 * A lock held across a blocking read (multiprocessing.Queue's readers'
 * lock: one reader in read(), the others waiting for the lock) makes its
 * waiters wait for data as much as the holder; the wait stays a lock
 * wait, and the channel's figures count it too (aw_channels), if the
 * object ends up a lock.
 */
static void proxy_wait(struct analysis *a, struct a_pair *wp, const struct a_task *t,
		       const struct a_task *waker)
{
	__u64 best = 0, sum[A_PAST_BLOCKS] = { 0 };
	int pick = -1;

	for (int i = 0; i < A_PAST_BLOCKS; i++) {
		const struct a_past_block *b = &waker->past[i];
		__u64 s = b->start > t->blk_start ? b->start : t->blk_start;
		__u64 e = b->end < a->now ? b->end : a->now;

		if (!b->end || e <= s)
			continue;
		for (int j = 0; j <= i; j++)
			if (waker->past[j].obj == b->obj && waker->past[j].dir == b->dir) {
				sum[j] += e - s;
				if (sum[j] > best) {
					best = sum[j];
					pick = j;
				}
				break;
			}
	}
	if (pick < 0)
		return;
	if (wp->proxy_obj == NO_IDX)
		wp->proxy_obj = waker->past[pick].obj;
	if (wp->proxy_obj == waker->past[pick].obj)
		wp->proxy_ns[waker->past[pick].dir] += best;
}

/*
 * t, blocked, was woken by waker acting on wobj with detail wdetail (as its
 * waker record said at the waking: by the time a wakeup that came while t
 * was still running is resolved, the waker may be in another call).
 */
void aw_wakeup(struct analysis *a, struct a_task *t, __u32 waker, __u32 wobj, __u8 wdetail)
{
	struct a_pair *wp;
	__u32 kp, obj;

	if (t->blk_pair != NO_IDX)
		remember_block(a, t);
	if (t->blk_pair == NO_IDX || waker == SL_NO_TASK || wobj == NO_IDX)
		return;
	wp = &a->pairs[t->blk_pair];
	obj = wp->obj;
	if (!through(&a->objs[obj], &a->objs[wobj], obj, wobj))
		return;
	kp = pair_get(a, waker, obj);
	if (kp == NO_IDX)
		return;
	wp = &a->pairs[t->blk_pair];	/* pair_get may move the array */
	if (a->objs[obj].kind == SL_WK_FUTEX || a->objs[obj].kind == SL_WK_SYSV_SEM)
		proxy_wait(a, wp, t, &a->tasks[waker]);
	wp->woken++;
	a->pairs[kp].woke++;
	/*
	 * On a data object a write wakes readers and a read wakes writers.
	 * A wakeup in the wakee's own direction came through a wait queue
	 * both directions share -- a unix socket's: the peer's read frees the
	 * skbs this end sent and wakes this end's reader, which finds no data
	 * and sleeps again.  It happened and counts, but says nothing about
	 * the waker's side of the channel.
	 */
	if (data_kind(a->objs[obj].kind) &&
	    !(wdetail & SL_WD_WRITE) == !(t->wait_detail & SL_WD_WRITE))
		;
	else if (wdetail & SL_WD_WRITE)
		a->pairs[kp].wrote = 1;
	else
		a->pairs[kp].read = 1;
	a->objs[obj].wakeups++;
	if (a->objs[wobj].kind == SL_WK_EXIT)
		a->objs[obj].exit_wakes++;
	else if (a->pairs[kp].blocks)
		a->objs[obj].shared_wakes++;
}

/*
 * Lock or condition is known for sure only at the end (who woke whom
 * through the object, over the whole trace); a wait was counted by what
 * was known when it ended.  Move each task's time to the final answer so
 * every total agrees with the object's class; the intervals already
 * streamed keep what was known then.
 */
void aw_settle(struct analysis *a)
{
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		struct a_pair *p = &a->pairs[i];
		const struct a_obj *o = &a->objs[p->obj];
		struct a_task *t = &a->tasks[p->task];
		int to;

		if (o->kind != SL_WK_FUTEX && o->kind != SL_WK_SYSV_SEM)
			continue;
		to = sync_index(sync_state(o));
		for (int k = 0; k < 3; k++) {
			__u64 ns = p->sync_ns[k];

			if (k == to || !ns || t->state_ns[sync_states[k]] < ns)
				continue;
			t->state_ns[sync_states[k]] -= ns;
			t->state_ns[sync_states[to]] += ns;
			p->sync_ns[to] += ns;
			p->sync_ns[k] = 0;
		}
	}
}

/* ---- result: each task's top wait objects ---- */

static int wait_cmp(const void *x, const void *y)
{
	const struct sl_wait_row *p = x, *q = y;

	if (p->task != q->task)
		return p->task < q->task ? -1 : 1;
	if (p->blocked_ns != q->blocked_ns)
		return p->blocked_ns > q->blocked_ns ? -1 : 1;
	return p->obj < q->obj ? -1 : p->obj > q->obj;
}

int aw_finish(struct analysis *a, struct sl_result *r)
{
	struct sl_wait_row *w;
	__u32 n = 0, out = 0;

	r->nr_wait_records = a->nr_wait_records;
	for (__u32 i = 0; i < a->nr_pairs; i++)
		n += (a->pairs[i].blocked_ns[0] > 0) + (a->pairs[i].blocked_ns[1] > 0);
	if (!n)
		return 0;
	w = calloc(n, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (__u32 i = 0, k = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];
		const struct a_obj *o = &a->objs[p->obj];

		for (int dir = 0; dir < 2; dir++) {
			if (!p->blocked_ns[dir])
				continue;
			w[k] = (struct sl_wait_row){
				.task = p->task, .kind = o->kind, .sub = o->sub,
				.detail = (__u8)((o->detail & ~SL_WD_WRITE) | (dir ? SL_WD_WRITE : 0)),
				.state = obj_state(o, dir), .nr_syscall = o->nr_syscall,
				.fill_max = dir ? o->fill_max : 0, .cap = o->cap,
				.obj = o->obj, .scope = o->scope,
				.blocked_ns = p->blocked_ns[dir],
				/* blocks are counted per pair; both directions are rare */
				.blocks = p->blocks,
			};
			k++;
		}
	}
	qsort(w, n, sizeof(*w), wait_cmp);
	/* keep the top SL_TOP_WAITS per task */
	for (__u32 i = 0; i < n;) {
		__u32 task = w[i].task, j = i, kept = 0;

		r->tasks[task].first_wait = out;
		for (; j < n && w[j].task == task; j++)
			if (kept < SL_TOP_WAITS) {
				w[out++] = w[j];
				kept++;
			}
		r->tasks[task].nr_waits = kept;
		i = j;
	}
	r->waits = w;
	r->nr_waits = out;
	return 0;
}

/* ---- channels and the pipeline ---- */

#define MAX_CHANNELS 32

static bool cond_obj(const struct a_obj *o)
{
	return (o->kind == SL_WK_FUTEX || o->kind == SL_WK_SYSV_SEM) &&
	       sync_state(o) == SL_TS_CONDITION;
}

struct chan_build {
	__u32 obj;
	__u8 *side;		/* [nr_tasks]: AQ_PRODUCER | AQ_CONSUMER */
	__u64 *blocked;		/* [nr_tasks] */
	__u64 *woke;		/* [nr_tasks] */
	__u64 (*dir_ns)[2];	/* [nr_tasks]: blocked waiting for data [0], room [1] */
	__u64 prod_blocked, cons_blocked, full, empty, wakeups;
	__u64 proxy;		/* of the blocked time, behind a lock (proxy_lock) */
	__u32 proxy_lock;
	__u32 folded;
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

/* Every task of this side in one of the processes of the other mask's side. */
static bool side_in_procs(const struct analysis *a, const __u8 *side, __u8 which,
			  const __u8 *other, __u8 other_which)
{
	bool any = false;

	for (__u32 t = 0; t < a->nr_tasks; t++) {
		if (!(side[t] & which))
			continue;
		any = true;
		if (!side_in_proc(a, other, other_which, a->tasks[t].tgid))
			return false;
	}
	return any;
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
	}
	free(cb);
}

/*
 * glibc's pthread_cond_t puts its waiters on two futex words, one 8-byte
 * aligned pair (__g_signals[0], [1]), used by turns: one condition
 * variable shows as two conditions with the same waiters and signallers.
 * Such a pair is folded into its lower word, as one condition.
 */
static bool condvar_twins(const struct analysis *a, const struct chan_build *x,
			  const struct chan_build *y)
{
	const struct a_obj *p = &a->objs[x->obj], *q = &a->objs[y->obj];

	if (p->kind != SL_WK_FUTEX || q->kind != SL_WK_FUTEX || p->scope != q->scope ||
	    p->obj % 8 || q->obj != p->obj + 4)
		return false;
	return !memcmp(x->side, y->side, a->nr_tasks ? a->nr_tasks : 1);
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
				x->blocked[t] += y->blocked[t];
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

/*
 * A lock held across a blocking call on a data channel (proxy_wait): its
 * waiters' time behind a holder blocked on the channel is the channel's,
 * on the holder's side -- a readers' lock makes its waiters consumers
 * waiting for data.  Only objects that ended up locks: a condition's
 * signaller is no holder.
 */
static void add_lock_proxies(const struct analysis *a, struct chan_build *cb, __u32 n)
{
	for (__u32 i = 0; i < a->nr_pairs; i++) {
		const struct a_pair *p = &a->pairs[i];
		const struct a_obj *lk = &a->objs[p->obj];

		if (p->proxy_obj == NO_IDX || (lk->kind != SL_WK_FUTEX && lk->kind != SL_WK_SYSV_SEM) ||
		    sync_state(lk) != SL_TS_LOCK)
			continue;
		for (__u32 k = 0; k < n; k++) {
			struct chan_build *c = &cb[k];

			if (c->condition || c->obj != p->proxy_obj)
				continue;
			if (p->proxy_ns[0])
				c->side[p->task] |= AQ_CONSUMER;
			if (p->proxy_ns[1])
				c->side[p->task] |= AQ_PRODUCER;
			c->cons_blocked += p->proxy_ns[0];
			c->prod_blocked += p->proxy_ns[1];
			c->dir_ns[p->task][0] += p->proxy_ns[0];
			c->dir_ns[p->task][1] += p->proxy_ns[1];
			c->blocked[p->task] += p->proxy_ns[0] + p->proxy_ns[1];
			c->proxy += p->proxy_ns[0] + p->proxy_ns[1];
			if (c->proxy_lock == NO_IDX)
				c->proxy_lock = p->obj;
			break;
		}
	}
}

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
	const struct sl_channel_row *up = &r->channels[pl->upstream];
	const struct sl_channel_row *down = &r->channels[pl->downstream];
	__u32 *tasks = calloc(up->nr_tasks + down->nr_tasks + 1, sizeof(*tasks)), n = 0;
	double busy;

	if (!tasks)
		return 0;
	for (__u32 k = 0; k < up->nr_tasks + down->nr_tasks; k++) {
		const struct sl_channel_task *ct = k < up->nr_tasks ?
			&r->chan_tasks[up->first_task + k] :
			&r->chan_tasks[down->first_task + (k - up->nr_tasks)];
		bool dup = false;

		if (!(k < up->nr_tasks ? ct->consumer : ct->producer) ||
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
 * Producers (upstream waits for room) and consumers (downstream waits for
 * data) meet in a stage.  A link goes between processes: a channel whose
 * other side is all the stage's own threads (a pool's handler threads
 * signalling each other) is the stage's inside, not a neighbour.  The
 * pipeline is every channel some link joins -- a chain (`a | b | c`) or
 * a star (a server between its clients' sockets) -- and the stages that
 * join them.
 */
static void find_pipeline(const struct analysis *a, struct sl_result *r)
{
	struct sl_pipeline *pl = &r->pipeline;
	bool joined[MAX_CHANNELS] = { false };
	__u32 stages[MAX_CHANNELS * 2], nr_stages = 0;
	double best = 0;

	pl->upstream = pl->downstream = -1;
	for (__u32 i = 0; i < r->nr_channels; i++) {
		for (__u32 j = 0; j < r->nr_channels; j++) {
			const struct sl_channel_row *up = &r->channels[i], *down = &r->channels[j];

			if (i == j)
				continue;
			/* a process consuming `up` and producing into `down` */
			for (__u32 k = 0; k < up->nr_tasks; k++) {
				const struct sl_channel_task *ct = &r->chan_tasks[up->first_task + k];
				__u32 tgid = a->tasks[ct->task].tgid, m;
				double score;

				if (!ct->consumer || !side_within(a, r, down, true, tgid) ||
				    !side_beyond(a, r, up, true, tgid) ||
				    !side_beyond(a, r, down, false, tgid))
					continue;
				joined[i] = joined[j] = true;
				for (m = 0; m < nr_stages && stages[m] != tgid; m++)
					;
				if (m == nr_stages && nr_stages < MAX_CHANNELS * 2)
					stages[nr_stages++] = tgid;
				score = up->q.prod.wait_frac + down->q.cons.wait_frac;
				if (score > best) {
					best = score;
					pl->stage_tgid = tgid;
					pl->stage_task = ct->task;
					pl->upstream = (__s32)i;
					pl->downstream = (__s32)j;
				}
			}
		}
	}
	if (!pl->stage_tgid)
		return;
	for (__u32 i = 0; i < r->nr_channels; i++)
		pl->nr_channels += joined[i];
	pl->nr_stages = nr_stages;
	pl->stage_busy_frac = stage_busy(a, r, pl);
}

int aw_channels(struct analysis *a, struct sl_result *r)
{
	__u32 n = 0, nt = a->nr_tasks ? a->nr_tasks : 1, ntasks = 0;
	struct chan_build *cb;
	int err = -ENOMEM;

	cb = calloc(a->nr_objs ? a->nr_objs : 1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	/* one candidate per object something woke waiters through */
	for (__u32 o = 0; o < a->nr_objs; o++) {
		const struct a_obj *ob = &a->objs[o];

		if (!ob->wakeups || (!data_kind(ob->kind) && !cond_obj(ob)))
			continue;
		cb[n].obj = o;
		cb[n].condition = !data_kind(ob->kind);
		cb[n].side = calloc(nt, 1);
		cb[n].blocked = calloc(nt, sizeof(__u64));
		cb[n].woke = calloc(nt, sizeof(__u64));
		cb[n].dir_ns = calloc(nt, sizeof(*cb[n].dir_ns));
		cb[n].proxy_lock = NO_IDX;
		if (!cb[n].side || !cb[n].blocked || !cb[n].woke || !cb[n].dir_ns) {
			n++;
			goto out;
		}
		cb[n].wakeups = ob->wakeups;
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
				if (p->blocked_ns[0] + p->blocked_ns[1] > c->empty)
					c->empty = p->blocked_ns[0] + p->blocked_ns[1];
			} else {
				if (p->wrote)
					c->side[p->task] |= AQ_PRODUCER;
				if (p->read)
					c->side[p->task] |= AQ_CONSUMER;
				c->prod_blocked += p->blocked_ns[1];
				c->cons_blocked += p->blocked_ns[0];
				c->dir_ns[p->task][0] += p->blocked_ns[0];
				c->dir_ns[p->task][1] += p->blocked_ns[1];
			}
			c->blocked[p->task] += p->blocked_ns[0] + p->blocked_ns[1];
			c->woke[p->task] += p->woke;
		}
	}
	add_lock_proxies(a, cb, n);
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
	 * (a bounded queue's semaphore); the mirror case its "data".
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
			room = side_in_procs(a, c->side, AQ_CONSUMER, dc->side, AQ_PRODUCER) &&
			       side_in_procs(a, c->side, AQ_PRODUCER, dc->side, AQ_CONSUMER);
			data = !room &&
			       side_in_procs(a, c->side, AQ_CONSUMER, dc->side, AQ_CONSUMER) &&
			       side_in_procs(a, c->side, AQ_PRODUCER, dc->side, AQ_PRODUCER);
			if (!room && !data)
				continue;
			for (__u32 t = 0; t < a->nr_tasks; t++) {
				if (c->side[t] & AQ_CONSUMER)
					dc->side[t] |= room ? AQ_PRODUCER : AQ_CONSUMER;
				if (c->side[t] & AQ_PRODUCER)
					dc->side[t] |= room ? AQ_CONSUMER : AQ_PRODUCER;
				dc->blocked[t] += c->blocked[t];
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
			ch->folded = c->folded;
			ch->wakeups = c->wakeups;
			ch->fill_max = ob->fill_max;
			ch->cap = ob->cap;
			ch->lock_proxy_ns = c->proxy;
			if (c->proxy_lock != NO_IDX) {
				ch->lock_kind = a->objs[c->proxy_lock].kind;
				ch->lock_obj = a->objs[c->proxy_lock].obj;
				ch->lock_scope = a->objs[c->proxy_lock].scope;
			}
			ch->q.qid = k;	/* which candidate: matched below */
			ch->q.pushes = c->wakeups;	/* the verdict's "traffic" */
			ch->q.window_ns = r->wall_ns;
			ch->q.prod_blocked_ns = c->prod_blocked;
			ch->q.cons_blocked_ns = c->cons_blocked;
			ch->q.full_ns = c->full;
			ch->q.empty_ns = c->empty;
			ch->q.full_frac = r->wall_ns ? (double)c->full / (double)r->wall_ns : 0;
			ch->q.empty_frac = r->wall_ns ? (double)c->empty / (double)r->wall_ns : 0;
			aq_judge(a, r, &ch->q, c->side);
			for (__u32 t = 0; t < a->nr_tasks; t++)
				ntasks += c->side[t] != 0;
		}
		qsort(r->channels, r->nr_channels, sizeof(*r->channels), chan_cmp);
		if (r->nr_channels > MAX_CHANNELS)
			r->nr_channels = MAX_CHANNELS;
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
	find_pipeline(a, r);
	err = 0;
out:
	chan_free(cb, n);
	return err;
}
