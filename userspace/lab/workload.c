// SPDX-License-Identifier: GPL-2.0
/*
 * A workload run: the producer, consumer, client and worker processes, the
 * start barrier, stopping, reaping, and the conservation account.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "futex.h"
#include "pool.h"
#include "proc.h"
#include "qlog.h"
#include "workload.h"

#define WL_QID		0	/* the run's one queue (or the pool's task queue) */
#define WL_START_TIMEOUT_MS 10000
#define WL_GRACE_NS	1000000000ull	/* SIGTERM -> SIGKILL, and past the duration */

/*
 * One word per process, stored whole so that a process killed at any
 * instruction leaves a consistent pair: `held` is (item id + 1) while a
 * consumer holds an item (or a producer is pushing one), `count` the items
 * it has finished.
 */
union wl_word {
	uint64_t raw;
	struct {
		uint32_t held;	/* little-endian: the low half */
		uint32_t count;
	};
};

_Static_assert(sizeof(union wl_word) == 8, "one 64-bit store");

struct wl_shared {
	uint32_t go;			/* barrier futex */
	uint32_t ready;			/* processes at the barrier */
	int32_t setup_err;		/* first setup failure (negative errno) */
	char setup_who[PROC_NAME_LEN];
	uint64_t release_mono_ns;
	uint64_t deadline_mono_ns;	/* 0 = none */
	uint64_t next_ticket;		/* item ids handed out */
	uint64_t producers_live;	/* bit i: producer i has not finished */
	uint64_t duplicates;
	union wl_word prod[WL_MAX_PRODUCERS];
	union wl_word cons[WL_MAX_CONSUMERS > WL_MAX_POOL ? WL_MAX_CONSUMERS : WL_MAX_POOL];
};

enum wl_role { WL_PRODUCER, WL_CONSUMER, WL_WORKER };

struct wl_proc {
	struct workload *w;
	struct proc *p;		/* workers: owned by the pool */
	enum wl_role role;
	unsigned int idx;
	bool reaped;
	bool terminated;	/* we sent SIGTERM/SIGKILL: not a death */
	bool dead;
	int code;
};

struct workload {
	struct wl_config cfg;
	struct wl_shared *sh;
	uint64_t *bitmap;
	size_t bitmap_len;
	struct queue *q;
	struct pool *pool;
	struct wl_proc *procs;
	unsigned int nprocs;
	unsigned int nconsumers;	/* consumers, or pool workers */
	char dir[PATH_MAX];
	int dirfd, parentfd;	/* dir and iodir, opened once: removal follows no symlink */
	bool released, waited, stopping;
	uint64_t stop_mono_ns;
	unsigned int deaths;		/* workers that died abnormally so far */
	uint64_t last_progress;		/* stall detection after a death */
	unsigned int stall_rounds;
	unsigned int pills_owed;
	struct wl_summary sum;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the children ------------------------------------------------------ */

/* Per-process state of a child (each child has its own copy). */
static struct workload *child_w;
static struct work_ctx child_wc;
static uint32_t child_count;

static void child_fail(struct workload *w, const char *name, int err)
{
	int32_t zero = 0;

	if (__atomic_compare_exchange_n(&w->sh->setup_err, &zero, err, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		snprintf(w->sh->setup_who, sizeof(w->sh->setup_who), "%s", name);
	futex__wake(&w->sh->ready, INT_MAX);
}

/* Everything before the barrier: signals, CPUs, files; then wait for go. */
static int child_setup(struct workload *w, const char *name, const struct work_spec *spec)
{
	int err;

	child_w = w;
	proc__catch_term();
	/* Ctrl-C reaches the whole process group: the caller decides, not us. */
	signal(SIGINT, SIG_IGN);
	if (w->cfg.cpus[0] && sched_setaffinity(0, sizeof(w->cfg.cpuset), &w->cfg.cpuset)) {
		child_fail(w, name, -errno);
		return -errno;
	}
	err = work__open(&child_wc, spec, w->dir, name);
	if (err) {
		child_fail(w, name, err);
		return err;
	}
	__atomic_add_fetch(&w->sh->ready, 1, __ATOMIC_SEQ_CST);
	futex__wake(&w->sh->ready, INT_MAX);
	while (!__atomic_load_n(&w->sh->go, __ATOMIC_ACQUIRE)) {
		if (proc__term_requested())
			return -EINTR;
		futex__wait(&w->sh->go, 0, NULL);
	}
	return 0;
}

/* Milliseconds to the run's deadline: -1 without one, 0 when it passed. */
static int deadline_ms(const struct workload *w)
{
	uint64_t dl = w->sh->deadline_mono_ns, now;

	if (!dl)
		return -1;
	now = mono_ns();
	if (now >= dl)
		return 0;
	return (int)((dl - now + 999999) / 1000000);
}

/* A consumer's (or pool worker's) work on one item, and its accounting. */
static int consume_item(struct workload *w, uint32_t id, union wl_word *word)
{
	uint32_t qid = WL_QID;
	uint64_t bit = 1ull << (id % 64), old;
	int err;

	/*
	 * With no work there is no service time to measure, and each probe is
	 * a uprobe trap (~1-2 us here): skipping them keeps a switch storm a
	 * switch storm.
	 */
	if (w->cfg.consume.kind == WORK_NONE) {
		err = 0;
	} else {
		DTRACE_PROBE2(schedlab, item_start, qid, id);
		qlog__emit(SL_EV_ITEM_START, qid, 0, id, 0);
		err = work__run(&child_wc, &w->cfg.consume);
		DTRACE_PROBE2(schedlab, item_done, qid, id);
		qlog__emit(SL_EV_ITEM_DONE, qid, 0, id, 0);
	}
	if (id / 64 < w->bitmap_len / sizeof(uint64_t)) {
		old = __atomic_fetch_or(&w->bitmap[id / 64], bit, __ATOMIC_ACQ_REL);
		if (old & bit)
			__atomic_add_fetch(&w->sh->duplicates, 1, __ATOMIC_RELAXED);
	}
	child_count++;
	/* commit: count + 1 and "holding nothing" in one store */
	__atomic_store_n(&word->raw, (uint64_t)child_count << 32, __ATOMIC_RELEASE);
	return err == -EINTR ? 0 : err;
}

static uint64_t consume_task(uint64_t arg, uint32_t id, unsigned int worker)
{
	(void)arg;
	return (uint64_t)consume_item(child_w, id, &child_w->sh->cons[worker]);
}

static int consumer_main(void *arg)
{
	struct wl_proc *wp = arg;
	struct workload *w = wp->w;
	union wl_word *word = &w->sh->cons[wp->idx];
	int err;

	if (child_setup(w, proc__name(wp->p), &w->cfg.consume))
		return 3;
	while (!proc__term_requested()) {
		struct queue_item it;
		int tmo = deadline_ms(w);

		if (tmo == 0)
			break;
		err = queue__pop(w->q, &it, NULL, tmo, &word->held);
		if (err == -EINTR)
			continue;
		if (err == -ETIMEDOUT)
			break;
		if (err)
			return 4;
		if (it.id == QUEUE_ID_PILL)
			break;
		err = consume_item(w, it.id, word);
		if (err)
			return 5;
	}
	work__close(&child_wc);
	return 0;
}

static int worker_init(unsigned int idx, void *ctx)
{
	struct workload *w = ctx;
	char name[32];

	snprintf(name, sizeof(name), "worker-%u", idx);
	return child_setup(w, name, &w->cfg.consume) ? 3 : 0;
}

/* Items ids end at `items`, or at the id space for duration-only runs. */
static bool take_ticket(struct workload *w, uint32_t *id)
{
	uint64_t limit = w->cfg.items ? w->cfg.items : QUEUE_ID_PILL;
	uint64_t t = __atomic_fetch_add(&w->sh->next_ticket, 1, __ATOMIC_RELAXED);

	if (t >= limit)
		return false;
	*id = (uint32_t)t;
	return true;
}

/* Rate limiting: `burst` items back to back, one burst every burst/rate s. */
static int pace(struct workload *w, uint64_t *next_ns, unsigned int *burst_left)
{
	struct timespec ts;

	if (!w->cfg.rate)
		return 0;
	if (*burst_left == 0) {
		*next_ns += (uint64_t)w->cfg.burst * 1000000000ull / w->cfg.rate;
		ts.tv_sec = (time_t)(*next_ns / 1000000000ull);
		ts.tv_nsec = (long)(*next_ns % 1000000000ull);
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return -EINTR;
		*burst_left = w->cfg.burst;
	}
	(*burst_left)--;
	return 0;
}

struct async_ring {
	struct pool_handle *h;
	unsigned int size, head, n;
};

/* Collects the oldest outstanding result (pool-async clients). */
static int async_collect_one(struct workload *w, struct async_ring *r)
{
	int err;

	err = pool__get(w->pool, &r->h[r->head], -1, NULL);
	if (err == -EINTR)
		return err;
	/* -EPIPE: its worker died; the account names it, the client goes on */
	r->head = (r->head + 1) % r->size;
	r->n--;
	return 0;
}

static int producer_main(void *arg)
{
	struct wl_proc *wp = arg;
	struct workload *w = wp->w;
	union wl_word *word = &w->sh->prod[wp->idx];
	struct async_ring ring = { 0 };
	unsigned int burst_left;
	uint64_t next_ns;
	uint32_t id;
	int err = 0;

	if (child_setup(w, proc__name(wp->p), &w->cfg.produce))
		return 3;
	if (w->pool && w->cfg.pool_mode == WL_POOL_ASYNC) {
		ring.size = w->cfg.capacity + w->cfg.pool;
		ring.h = calloc(ring.size, sizeof(*ring.h));
		if (!ring.h)
			return 6;
	}
	next_ns = w->sh->release_mono_ns;
	burst_left = w->cfg.burst;
	while (!proc__term_requested()) {
		struct pool_handle h;
		struct queue_item it;
		int tmo = deadline_ms(w);

		if (tmo == 0 || pace(w, &next_ns, &burst_left) || !take_ticket(w, &id))
			break;
		err = work__run(&child_wc, &w->cfg.produce);
		if (err == -EINTR)
			break;
		if (err)
			return 5;
		tmo = deadline_ms(w);
		if (tmo == 0)
			break;
		/* announce the item before it can be seen anywhere */
		__atomic_store_n(&word->raw, (uint64_t)child_count << 32 | (id + 1ull), __ATOMIC_RELEASE);
		if (w->pool) {
			err = pool__submit(w->pool, consume_task, 0, id, tmo, &h);
			if (!err && ring.h) {
				ring.h[(ring.head + ring.n) % ring.size] = h;
				ring.n++;
			}
		} else {
			it = (struct queue_item){ .id = id, .producer = wp->idx };
			err = queue__push(w->q, &it, NULL, tmo);
		}
		if (err) {
			__atomic_store_n(&word->raw, (uint64_t)child_count << 32, __ATOMIC_RELEASE);
			if (err == -EINTR || err == -ETIMEDOUT)
				break;
			return 4;
		}
		child_count++;
		__atomic_store_n(&word->raw, (uint64_t)child_count << 32, __ATOMIC_RELEASE);
		/* apply(): the synchronous call waits for its own result (-EPIPE:
		 * its worker died, which the account reports) */
		if (w->pool && !ring.h && pool__get(w->pool, &h, -1, NULL) == -EINTR)
			break;
		if (ring.h && ring.n == ring.size && async_collect_one(w, &ring))
			break;
	}
	while (ring.n && !proc__term_requested() && !async_collect_one(w, &ring))
		;
	free(ring.h);

	/* The last producer out tells each consumer to stop, behind the items. */
	uint64_t bit = 1ull << wp->idx;
	uint64_t old = __atomic_fetch_and(&w->sh->producers_live, ~bit, __ATOMIC_ACQ_REL);

	if ((old & bit) && (old & ~bit) == 0 && !proc__term_requested() && w->cfg.items) {
		if (w->pool) {
			pool__close(w->pool, -1);
		} else {
			for (unsigned int i = 0; i < w->cfg.consumers; i++) {
				struct queue_item pill = { .id = QUEUE_ID_PILL, .producer = wp->idx };

				if (queue__push(w->q, &pill, NULL, deadline_ms(w)))
					break;
			}
		}
	}
	work__close(&child_wc);
	return 0;
}

/* ---- the caller's side ------------------------------------------------- */

/*
 * Removes the I/O directory through the descriptors opened when it was
 * made: if its path was swapped for a symlink meanwhile, nothing is
 * followed (unlinkat removes names, never what a link points to, and
 * AT_REMOVEDIR on a link fails).
 */
static void remove_dir(struct workload *w)
{
	struct dirent *de;
	const char *base = strrchr(w->dir, '/');
	int fd = w->dirfd >= 0 ? dup(w->dirfd) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	if (w->parentfd >= 0 && base)
		unlinkat(w->parentfd, base + 1, AT_REMOVEDIR);
}

static void *shared_map(size_t len, bool noreserve)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0), -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int add_proc(struct workload *w, enum wl_role role, unsigned int idx, proc_fn fn)
{
	struct wl_proc *wp = &w->procs[w->nprocs];
	static const char *const prefix[] = { "producer", "consumer", "worker" };
	char name[32];
	int err;

	if (role == WL_PRODUCER && w->pool)
		snprintf(name, sizeof(name), "client-%u", idx);
	else
		snprintf(name, sizeof(name), "%s-%u", prefix[role], idx);
	*wp = (struct wl_proc){ .w = w, .role = role, .idx = idx };
	if (role == WL_WORKER) {
		wp->p = pool__worker(w->pool, idx);
		w->nprocs++;
		return 0;
	}
	err = proc__new(name, fn, wp, &wp->p);
	if (err)
		return err;
	w->nprocs++;
	proc__set_daemon(wp->p, true);
	return proc__start(wp->p);
}

/* Waits until every child sits at the barrier, or one failed or died. */
static int wait_ready(struct workload *w)
{
	uint64_t give_up = mono_ns() + WL_START_TIMEOUT_MS * 1000000ull;

	for (;;) {
		uint32_t ready = __atomic_load_n(&w->sh->ready, __ATOMIC_ACQUIRE);
		struct timespec ts;

		if (w->sh->setup_err)
			return w->sh->setup_err;
		if (ready >= w->nprocs)
			return 0;
		for (unsigned int i = 0; i < w->nprocs; i++)
			if (proc__wait_exit(w->procs[i].p, 0) == 0)
				return w->sh->setup_err ? w->sh->setup_err : -ECHILD;
		if (mono_ns() > give_up)
			return -ETIMEDOUT;
		futex__wait(&w->sh->ready, ready, futex__deadline(50, &ts));
	}
}

int workload__start(const struct wl_config *c, struct workload **out)
{
	cpu_set_t caller_cpus;
	bool pinned = false;
	struct workload *w;
	unsigned int nworkers;
	int err;

	*out = NULL;
	err = wl_config__validate(c, NULL, 0);
	if (err)
		return err;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->dirfd = w->parentfd = -1;
	w->cfg = *c;
	nworkers = c->pool ? c->pool : c->consumers;
	w->nconsumers = nworkers;
	w->procs = calloc(c->producers + nworkers, sizeof(*w->procs));
	w->sh = shared_map(sizeof(*w->sh), false);
	/* One bit per id; duration-only runs may use the whole 32-bit id space,
	 * so reserve lazily: only the pages of ids actually used are touched. */
	w->bitmap_len = ((c->items ? c->items : (uint64_t)QUEUE_ID_PILL) + 63) / 64 * sizeof(uint64_t);
	w->bitmap = shared_map(w->bitmap_len, true);
	if (!w->procs || !w->sh || !w->bitmap) {
		err = -ENOMEM;
		goto err_free;
	}
	w->sh->producers_live = c->producers >= 64 ? UINT64_MAX : (1ull << c->producers) - 1;

	if (work__needs_dir(&c->produce) || work__needs_dir(&c->consume)) {
		snprintf(w->dir, sizeof(w->dir), "%s/schedlab.XXXXXX", c->iodir);
		if (!mkdtemp(w->dir)) {
			err = -errno;
			w->dir[0] = 0;
			goto err_free;
		}
		w->parentfd = open(c->iodir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (w->parentfd < 0 || w->dirfd < 0) {
			err = -errno;
			goto err_free;
		}
	}

	/*
	 * A child only pins itself after it has already run a little; forking
	 * with the caller's thread pinned makes the kernel place each child on
	 * an allowed CPU from its very first instruction (single-core: nothing
	 * ever runs on CPU 1).  The caller's mask is restored below.
	 */
	if (c->cpus[0]) {
		if (sched_getaffinity(0, sizeof(caller_cpus), &caller_cpus) == 0 &&
		    sched_setaffinity(0, sizeof(c->cpuset), &c->cpuset) == 0)
			pinned = true;
	}
	if (c->pool) {
		struct pool_opts o = {
			.workers = c->pool,
			.queue = c->queue,
			.capacity = c->capacity,
			/* every client may keep capacity + pool tasks in flight */
			.slots = c->producers * (c->capacity + c->pool),
			.qid = WL_QID,
			.name = "worker",
			.worker_init = worker_init,
			.ctx = w,
			.claims = &w->sh->cons[0].held,
			.claim_stride = sizeof(union wl_word),
		};

		err = pool__new(&o, &w->pool);
		if (err)
			goto err_free;
		for (unsigned int i = 0; i < c->pool; i++)
			add_proc(w, WL_WORKER, i, NULL);
	} else {
		err = queue__new(c->queue, WL_QID, c->capacity, 0, &w->q);
		if (err)
			goto err_free;
		for (unsigned int i = 0; i < c->consumers; i++) {
			err = add_proc(w, WL_CONSUMER, i, consumer_main);
			if (err)
				goto err_free;
		}
	}
	for (unsigned int i = 0; i < c->producers; i++) {
		err = add_proc(w, WL_PRODUCER, i, producer_main);
		if (err)
			goto err_free;
	}
	if (pinned) {
		sched_setaffinity(0, sizeof(caller_cpus), &caller_cpus);
		pinned = false;
	}
	err = wait_ready(w);
	if (err)
		goto err_free;
	*out = w;
	return 0;

err_free:
	if (pinned)
		sched_setaffinity(0, sizeof(caller_cpus), &caller_cpus);
	workload__free(w);
	return err;
}

int workload__release(struct workload *w)
{
	uint64_t now = mono_ns();

	if (w->released)
		return -EALREADY;
	w->sh->release_mono_ns = now;
	w->sh->deadline_mono_ns = w->cfg.duration_ns ? now + w->cfg.duration_ns : 0;
	w->sum.release_ns = lab_clock_ns();
	w->released = true;
	__atomic_store_n(&w->sh->go, 1, __ATOMIC_RELEASE);
	futex__wake(&w->sh->go, INT_MAX);
	return 0;
}

static void signal_all(struct workload *w, int sig)
{
	for (unsigned int i = 0; i < w->nprocs; i++) {
		struct wl_proc *wp = &w->procs[i];

		if (!wp->reaped) {
			wp->terminated = true;
			proc__kill(wp->p, sig);
		}
	}
}

static void begin_stop(struct workload *w)
{
	if (w->stopping)
		return;
	w->stopping = true;
	w->stop_mono_ns = mono_ns();
	signal_all(w, SIGTERM);
}

static void note_exit(struct workload *w, struct wl_proc *wp)
{
	uint64_t bit, old;

	if (proc__exitcode(wp->p, &wp->code) || wp->code == 0)
		return;
	if (wp->terminated && (wp->code == -SIGTERM || wp->code == -SIGKILL))
		return;
	wp->dead = true;
	w->deaths++;
	if (wp->role == WL_WORKER)
		pool__worker_died(w->pool, wp->idx);
	if (wp->role != WL_PRODUCER)
		return;
	/* a producer that died cannot send the stop messages: we do */
	bit = 1ull << wp->idx;
	old = __atomic_fetch_and(&w->sh->producers_live, ~bit, __ATOMIC_ACQ_REL);
	if ((old & bit) && (old & ~bit) == 0 && w->cfg.items)
		w->pills_owed = w->nconsumers;
}

static void send_owed_pills(struct workload *w)
{
	struct queue *q = w->pool ? pool__queue(w->pool) : w->q;

	while (w->pills_owed) {
		struct queue_item pill = { .id = QUEUE_ID_PILL };

		if (queue__push(q, &pill, NULL, 0))
			return;	/* full: again on the next round */
		w->pills_owed--;
	}
}

/*
 * After a death the run can stall for a reason no live process can fix: a
 * pipe credit, or a pool task, taken by a process the kernel killed on its
 * way back from the syscall that handed it over.  When nothing has moved for
 * a few rounds, the queue is empty and no consumer holds an item, nobody is
 * inside a queue operation, and it is safe to give those back.
 */
static void unstall(struct workload *w)
{
	struct queue *q = w->pool ? pool__queue(w->pool) : w->q;
	uint64_t progress = 0;
	bool idle = queue__depth(q) == 0;

	for (unsigned int i = 0; i < w->cfg.producers; i++)
		progress += __atomic_load_n(&w->sh->prod[i].raw, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < w->nconsumers; i++) {
		union wl_word word = { .raw = __atomic_load_n(&w->sh->cons[i].raw, __ATOMIC_RELAXED) };

		progress += word.raw;
		idle &= word.held == 0 || w->procs[i].reaped;
	}
	if (!idle || progress != w->last_progress) {
		w->last_progress = progress;
		w->stall_rounds = 0;
		return;
	}
	if (++w->stall_rounds < 4)
		return;
	w->stall_rounds = 0;
	queue__repair(q);
	if (w->pool)
		pool__fail_orphans(w->pool);
}

static unsigned int alive(const struct workload *w, bool consumers)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < w->nprocs; i++)
		if (!w->procs[i].reaped && (w->procs[i].role != WL_PRODUCER) == consumers)
			n++;
	return n;
}

static bool bit_test_set(struct workload *w, uint32_t id)
{
	uint64_t bit = 1ull << (id % 64);

	if (id / 64 >= w->bitmap_len / sizeof(uint64_t))
		return false;
	return __atomic_fetch_or(&w->bitmap[id / 64], bit, __ATOMIC_ACQ_REL) & bit;
}

static bool bit_test(const struct workload *w, uint32_t id)
{
	if (id / 64 >= w->bitmap_len / sizeof(uint64_t))
		return false;
	return __atomic_load_n(&w->bitmap[id / 64], __ATOMIC_ACQUIRE) & (1ull << (id % 64));
}

static const char *sig_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* The conservation account, once every process is gone. */
static void account(struct workload *w)
{
	struct wl_summary *s = &w->sum;
	struct queue *q = w->pool ? pool__queue(w->pool) : w->q;
	unsigned char payload[QUEUE_MAX_PAYLOAD];
	struct queue_item it;
	bool lost_of[WL_MAX_CONSUMERS > WL_MAX_POOL ? WL_MAX_CONSUMERS : WL_MAX_POOL] = { 0 };

	for (unsigned int i = 0; i < w->cfg.producers; i++)
		s->produced += w->sh->prod[i].count;
	for (unsigned int i = 0; i < w->nconsumers; i++) {
		union wl_word word = { .raw = w->sh->cons[i].raw };

		s->consumed += word.count;
		/* killed after marking its item consumed, before counting it */
		if (word.held && bit_test(w, word.held - 1)) {
			s->consumed++;
			w->sh->cons[i].held = 0;
		}
	}
	while (queue__drain_one(q, &it, payload) == 0) {
		if (it.id == QUEUE_ID_PILL)
			continue;
		if (bit_test_set(w, it.id))
			s->duplicates++;
		else
			s->queued++;
	}
	for (unsigned int i = 0; i < w->nconsumers; i++) {
		uint32_t held = w->sh->cons[i].held;

		/* held but neither consumed nor still queued: died with it */
		if (held && !bit_test_set(w, held - 1)) {
			s->lost++;
			lost_of[i] = true;
		}
	}
	for (unsigned int i = 0; i < w->cfg.producers; i++) {
		uint32_t held = w->sh->prod[i].held;

		/* killed after its push and before counting it */
		if (held && bit_test(w, held - 1))
			s->produced++;
	}
	s->duplicates += w->sh->duplicates;

	/*
	 * pipe and mq: the kernel can dequeue an item and then kill the
	 * receiver on its way back to user space, before it could claim the
	 * item.  Such items are missing from every count; each dead consumer
	 * that held no claim can account for at most one.
	 */
	if (w->cfg.queue != QUEUE_SHM && s->produced > s->consumed + s->queued + s->lost) {
		unsigned long long missing = s->produced - s->consumed - s->queued - s->lost;
		unsigned int candidates = 0;

		for (unsigned int i = 0; i < w->nprocs; i++) {
			struct wl_proc *wp = &w->procs[i];

			candidates += wp->dead && wp->role != WL_PRODUCER && !lost_of[wp->idx];
		}
		for (unsigned int i = 0; i < w->nprocs && missing && missing <= candidates; i++) {
			struct wl_proc *wp = &w->procs[i];

			if (!wp->dead || wp->role == WL_PRODUCER || lost_of[wp->idx])
				continue;
			lost_of[wp->idx] = true;
			s->lost++;
			missing--;
			candidates--;
		}
	}

	for (unsigned int i = 0; i < w->nprocs && s->nr_dead < 16; i++) {
		struct wl_proc *wp = &w->procs[i];
		char why[24], *d = s->dead[s->nr_dead];
		bool lost = wp->role != WL_PRODUCER && lost_of[wp->idx];

		if (!wp->dead)
			continue;
		if (wp->code < 0)
			sig_name(-wp->code, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "exit %d", wp->code);
		char line[64];

		/* e.g. "consumer-1 (SIGKILL, 1 lost)": must fit in 32 bytes */
		snprintf(line, sizeof(line), "%s (%s%s)", proc__name(wp->p), why,
			 lost ? ", 1 lost" : "");
		line[sizeof(s->dead[0]) - 1] = 0;
		memcpy(d, line, sizeof(s->dead[0]));
		s->nr_dead++;
	}
	s->conserved = s->produced == s->consumed + s->queued + s->lost && s->duplicates == 0;
	s->lock_recoveries = w->q ? queue__recoveries(w->q) : queue__recoveries(q);
}

int workload__wait(struct workload *w, const volatile sig_atomic_t *stop,
		   void (*before_reap)(pid_t pid, const char *name, void *ctx), void *ctx)
{
	struct pollfd *pfd;

	if (!w->released)
		return -EINVAL;
	if (w->waited)
		return 0;
	pfd = calloc(w->nprocs, sizeof(*pfd));
	if (!pfd)
		return -ENOMEM;
	for (;;) {
		uint64_t now = mono_ns();
		unsigned int n = 0;

		for (unsigned int i = 0; i < w->nprocs; i++) {
			struct wl_proc *wp = &w->procs[i];

			if (wp->reaped || proc__wait_exit(wp->p, 0))
				continue;
			/* the exit is seen now: before_reap's time is not the run's */
			w->sum.end_ns = lab_clock_ns();
			if (before_reap)
				before_reap(proc__pid(wp->p), proc__name(wp->p), ctx);
			proc__join(wp->p, 0);
			wp->reaped = true;
			note_exit(w, wp);
		}
		if (!alive(w, false) && !alive(w, true))
			break;
		if (stop && *stop) {
			w->sum.stopped = 1;
			begin_stop(w);
		}
		/* nobody left to take items (or to make them): wind down */
		if ((!alive(w, true) && alive(w, false)) ||
		    (w->sh->deadline_mono_ns && now > w->sh->deadline_mono_ns + WL_GRACE_NS))
			begin_stop(w);
		if (w->stopping && now > w->stop_mono_ns + WL_GRACE_NS)
			signal_all(w, SIGKILL);
		send_owed_pills(w);
		if (w->deaths && !w->stopping)
			unstall(w);

		for (unsigned int i = 0; i < w->nprocs; i++) {
			pfd[n].fd = w->procs[i].reaped ? -1 : proc__pidfd(w->procs[i].p);
			pfd[n++].events = POLLIN;
		}
		/* a pidfd turns readable at exit; the timeout is for *stop */
		poll(pfd, n, 50);
	}
	free(pfd);
	w->waited = true;
	account(w);
	w->sum.elapsed_s = (double)(w->sum.end_ns - w->sum.release_ns) / 1e9;
	w->sum.throughput = w->sum.elapsed_s > 0 ? (double)w->sum.consumed / w->sum.elapsed_s : 0;
	return 0;
}

int workload__summary(const struct workload *w, struct wl_summary *out)
{
	if (w->waited) {
		*out = w->sum;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < w->cfg.producers; i++)
		out->produced += __atomic_load_n(&w->sh->prod[i].count, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < w->nconsumers; i++)
		out->consumed += __atomic_load_n(&w->sh->cons[i].count, __ATOMIC_RELAXED);
	out->queued = queue__depth(w->pool ? pool__queue(w->pool) : w->q);
	out->release_ns = w->sum.release_ns;
	if (w->released) {
		out->elapsed_s = (double)(lab_clock_ns() - w->sum.release_ns) / 1e9;
		out->throughput = out->elapsed_s > 0 ? (double)out->consumed / out->elapsed_s : 0;
	}
	return 0;
}

void workload__free(struct workload *w)
{
	if (!w)
		return;
	if (w->procs) {
		for (unsigned int i = 0; i < w->nprocs; i++) {
			struct wl_proc *wp = &w->procs[i];

			if (wp->role != WL_WORKER)
				proc__free(wp->p);	/* kills and reaps if still there */
		}
	}
	pool__free(w->pool);	/* the same for the workers */
	queue__free(w->q);
	if (w->dir[0])
		remove_dir(w);
	if (w->dirfd >= 0)
		close(w->dirfd);
	if (w->parentfd >= 0)
		close(w->parentfd);
	if (w->bitmap)
		munmap(w->bitmap, w->bitmap_len);
	if (w->sh)
		munmap(w->sh, sizeof(*w->sh));
	free(w->procs);
	free(w);
}

unsigned int workload__nr_procs(const struct workload *w)
{
	return w->nprocs;
}

pid_t workload__pid(const struct workload *w, unsigned int i)
{
	return i < w->nprocs ? proc__pid(w->procs[i].p) : 0;
}

const char *workload__name(const struct workload *w, unsigned int i)
{
	return i < w->nprocs ? proc__name(w->procs[i].p) : NULL;
}

const struct wl_config *workload__config(const struct workload *w)
{
	return &w->cfg;
}
