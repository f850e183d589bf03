// SPDX-License-Identifier: GPL-2.0
/*
 * What blocked tasks waited on: the probes' SL_EV_WAIT records (what a task
 * blocks on, sent when it changes) and SL_EV_WAKER records (what a waker's
 * syscall acts on).  Each distinct object -- a pipe, a futex, a child -- is
 * an a_obj; each task's use of one an a_pair, which holds its blocked time
 * and the wakeups it gave or got through the object.  A wakeup goes
 * "through" an object when the waker acts on the object its wakee waits
 * on: the write that fed the pipe, FUTEX_WAKE on the same address, the
 * exit that ended a wait4.  The channels these pairs make are
 * analysis_channels.c's.
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
	__u32 i = aw_pair_find(a, task, obj);

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

__u32 aw_pair_find(const struct analysis *a, __u32 task, __u32 obj)
{
	return idmap__get(&a->pair_map, ((__u64)obj << 32) | task);
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
__u8 aw_sync_state(const struct a_obj *o)
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
		return aw_sync_state(o);
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

bool aw_data_kind(__u8 kind)
{
	return kind == SL_WK_PIPE || kind == SL_WK_MQ || kind == SL_WK_SYSV_MSG ||
	       kind == SL_WK_SOCKET || kind == SL_WK_EVENTFD;
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
	case SL_WK_POLL:
		/* an epoll or poll waiter, woken by a write to a file it watches */
		return aw_data_kind(wobj->kind);
	default:
		return false;
	}
}

/*
 * A reader of a pipe, socket or message queue (or a writer waiting for
 * room) woken by no traced task acting on it: the other side is outside
 * the trace -- a server's clients under -p, the writer of a pipe into a
 * traced command.  Counted on the object; the channel has one side only.
 * Not an eventfd: the kernel signals those itself (io_uring, irqfd).
 */
static void outside_wake(struct analysis *a, struct a_pair *wp)
{
	struct a_obj *o = &a->objs[wp->obj];

	if (!aw_data_kind(o->kind) || o->kind == SL_WK_EVENTFD)
		return;
	o->outside_wakes++;
	wp->woken++;
}

/* t's block on a data object ends now: kept for the proxy rule below. */
static void remember_block(struct analysis *a, struct a_task *t)
{
	const struct a_pair *p = &a->pairs[t->blk_pair];
	struct a_past_block *b;

	if (!aw_data_kind(a->objs[p->obj].kind))
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
 * wait, and the channel's figures count it too if the object ends up a
 * lock (analysis_channels.c), the lock's contention not
 * (analysis_locks.c).
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
	bool own_way;

	if (t->blk_pair != NO_IDX)
		remember_block(a, t);
	if (t->blk_pair != NO_IDX && waker == SL_NO_TASK) {
		outside_wake(a, &a->pairs[t->blk_pair]);
		return;
	}
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
	own_way = aw_data_kind(a->objs[obj].kind) &&
		  !(wdetail & SL_WD_WRITE) == !(t->wait_detail & SL_WD_WRITE);
	/*
	 * A poller waits for events, mostly data: a writer produces into
	 * it, and a reader (freeing room the poller may or may not want)
	 * takes no side.
	 */
	if (a->objs[obj].kind == SL_WK_POLL)
		own_way = !(wdetail & SL_WD_WRITE);
	/*
	 * What is written on a socket goes to its peer: a call on the
	 * wakee's own end (a server's worker answering on the connection
	 * its reader thread waits on) woke it through that shared wait
	 * queue too -- room to write after the peer's acknowledgement --
	 * and brought it no data.
	 */
	if (a->objs[obj].kind == SL_WK_SOCKET && wobj == obj)
		own_way = true;
	if (!own_way && (wdetail & SL_WD_WRITE))
		a->pairs[kp].wrote = 1;
	else if (!own_way)
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
		to = sync_index(aw_sync_state(o));
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
