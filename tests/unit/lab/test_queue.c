// SPDX-License-Identifier: GPL-2.0
/* Queue backends: FIFO, bounds, timeouts, many processes, crash recovery. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/clock.h"
#include "lab/queue.h"
#include "lab/queue_priv.h"

static const enum queue_kind all_kinds[] = { QUEUE_SHM, QUEUE_PIPE, QUEUE_MQ };

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static void wait_ok(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child %d: status 0x%x", (int)pid, status);
}

Test(queue, kind_names)
{
	enum queue_kind k;

	cr_assert_eq(queue__kind_parse("shm", &k), 0);
	cr_assert_eq(k, QUEUE_SHM);
	cr_assert_eq(queue__kind_parse("pipe", &k), 0);
	cr_assert_eq(k, QUEUE_PIPE);
	cr_assert_eq(queue__kind_parse("mq", &k), 0);
	cr_assert_eq(k, QUEUE_MQ);
	cr_assert_eq(queue__kind_parse("fifo", &k), -EINVAL);
	cr_assert_str_eq(queue__kind_name(QUEUE_MQ), "mq");
}

Test(queue, bad_arguments)
{
	struct queue *q = (void *)1;

	cr_assert_eq(queue__new(QUEUE_SHM, 0, 0, 0, &q), -EINVAL);
	cr_assert_null(q);
	cr_assert_eq(queue__new(QUEUE_SHM, 0, QUEUE_MAX_CAPACITY + 1, 0, &q), -EINVAL);
	cr_assert_eq(queue__new(QUEUE_PIPE, 0, 4, QUEUE_MAX_PAYLOAD + 1, &q), -EINVAL);
	queue__free(NULL);
}

ParameterizedTestParameters(queue, fifo_one_process)
{
	return cr_make_param_array(enum queue_kind, all_kinds, 3);
}

/* Items come out in order with id, producer, payload and a sane timestamp. */
ParameterizedTest(enum queue_kind *kind, queue, fifo_one_process)
{
	struct queue *q;
	struct queue_item it;
	uint64_t before = lab_clock_ns(), payload;
	uint32_t claim = 0;

	cr_assert_eq(queue__new(*kind, 7, 8, sizeof(payload), &q), 0);
	cr_assert_eq(queue__capacity(q), 8);
	cr_assert_eq(queue__id(q), 7);
	for (uint32_t i = 0; i < 8; i++) {
		payload = 1000 + i;
		it = (struct queue_item){ .id = i, .producer = 3 };
		cr_assert_eq(queue__push(q, &it, &payload, 0), 0);
		cr_assert_geq(it.enqueue_ns, before);
		cr_assert_eq(queue__depth(q), i + 1);
	}
	for (uint32_t i = 0; i < 8; i++) {
		cr_assert_eq(queue__pop(q, &it, &payload, 0, &claim), 0);
		cr_assert_eq(it.id, i);
		cr_assert_eq(it.producer, 3);
		cr_assert_eq(payload, 1000 + i);
		cr_assert_eq(claim, i + 1, "claim holds id + 1");
		cr_assert_geq(it.enqueue_ns, before);
		cr_assert_leq(it.enqueue_ns, lab_clock_ns());
	}
	cr_assert_eq(queue__depth(q), 0);
	queue__free(q);
}

ParameterizedTestParameters(queue, timeouts_full_and_empty)
{
	return cr_make_param_array(enum queue_kind, all_kinds, 3);
}

/* A full queue refuses push within the timeout; an empty one refuses pop. */
ParameterizedTest(enum queue_kind *kind, queue, timeouts_full_and_empty)
{
	struct queue *q;
	struct queue_item it = { 0 };
	uint64_t t0;

	cr_assert_eq(queue__new(*kind, 1, 2, 0, &q), 0);
	cr_assert_eq(queue__pop(q, &it, NULL, 0, NULL), -ETIMEDOUT);
	t0 = mono_ms();
	cr_assert_eq(queue__pop(q, &it, NULL, 80, NULL), -ETIMEDOUT);
	cr_assert_geq(mono_ms() - t0, 70);
	cr_assert_lt(mono_ms() - t0, 1000);

	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), -ETIMEDOUT);
	t0 = mono_ms();
	cr_assert_eq(queue__push(q, &it, NULL, 80), -ETIMEDOUT);
	cr_assert_geq(mono_ms() - t0, 70);
	cr_assert_lt(mono_ms() - t0, 1000);
	cr_assert_eq(queue__depth(q), 2);
	queue__free(q);
}

ParameterizedTestParameters(queue, blocks_until_room_and_until_item)
{
	return cr_make_param_array(enum queue_kind, all_kinds, 3);
}

/*
 * A producer on a full queue sleeps until a consumer takes an item, and a
 * consumer on an empty queue sleeps until an item arrives: neither returns
 * early and both wake once the other side acts.
 */
ParameterizedTest(enum queue_kind *kind, queue, blocks_until_room_and_until_item)
{
	struct queue *q;
	struct queue_item it = { .id = 1 };
	uint64_t t0;
	pid_t pid;

	cr_assert_eq(queue__new(*kind, 1, 1, 0, &q), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct queue_item got;

		usleep(150 * 1000);
		if (queue__pop(q, &got, NULL, -1, NULL) || got.id != 1)
			_exit(1);
		/* now wait, blocked on empty, for the parent's second item */
		if (queue__pop(q, &got, NULL, 5000, NULL) || got.id != 2)
			_exit(2);
		_exit(0);
	}
	t0 = mono_ms();
	it.id = 2;
	cr_assert_eq(queue__push(q, &it, NULL, 5000), 0);
	cr_assert_geq(mono_ms() - t0, 120, "push returned before the consumer made room");
	wait_ok(pid);
	cr_assert_eq(queue__depth(q), 0);
	queue__free(q);
}

struct mpmc_shared {
	uint64_t consumed;
	uint64_t dups;
	uint64_t order_errors;
	uint8_t seen[];
};

struct mpmc_case {
	enum queue_kind kind;
	unsigned producers, consumers, capacity;
	uint32_t per_producer;
};

static void run_mpmc(const struct mpmc_case *c)
{
	uint32_t total = c->producers * c->per_producer;
	struct mpmc_shared *sh = shared_alloc(sizeof(*sh) + total);
	pid_t pids[64];
	unsigned n = 0;
	struct queue *q;

	cr_assert_eq(queue__new(c->kind, 2, c->capacity, 0, &q), 0);
	for (unsigned p = 0; p < c->producers; p++) {
		pid_t pid = fork();

		cr_assert_geq(pid, 0);
		if (pid == 0) {
			for (uint32_t i = 0; i < c->per_producer; i++) {
				struct queue_item it = { .id = p * c->per_producer + i, .producer = p };

				if (queue__push(q, &it, NULL, 10000))
					_exit(1);
			}
			_exit(0);
		}
		pids[n++] = pid;
	}
	for (unsigned k = 0; k < c->consumers; k++) {
		pid_t pid = fork();

		cr_assert_geq(pid, 0);
		if (pid == 0) {
			uint32_t last[64];

			memset(last, 0xff, sizeof(last));
			for (;;) {
				struct queue_item it;

				if (queue__pop(q, &it, NULL, 10000, NULL))
					_exit(1);
				if (it.id == QUEUE_ID_PILL)
					_exit(0);
				if (it.id >= total || it.producer >= c->producers)
					_exit(3);
				if (__atomic_exchange_n(&sh->seen[it.id], 1, __ATOMIC_RELAXED))
					__atomic_add_fetch(&sh->dups, 1, __ATOMIC_RELAXED);
				/* one consumer sees each producer's items in push order */
				if (last[it.producer] != UINT32_MAX && it.id <= last[it.producer])
					__atomic_add_fetch(&sh->order_errors, 1, __ATOMIC_RELAXED);
				last[it.producer] = it.id;
				__atomic_add_fetch(&sh->consumed, 1, __ATOMIC_RELAXED);
			}
		}
		pids[n++] = pid;
	}
	for (unsigned p = 0; p < c->producers; p++)
		wait_ok(pids[p]);
	for (unsigned k = 0; k < c->consumers; k++) {
		struct queue_item pill = { .id = QUEUE_ID_PILL };

		cr_assert_eq(queue__push(q, &pill, NULL, 10000), 0);
	}
	for (unsigned k = 0; k < c->consumers; k++)
		wait_ok(pids[c->producers + k]);

	cr_assert_eq(sh->consumed, total, "consumed %llu of %u", (unsigned long long)sh->consumed, total);
	cr_assert_eq(sh->dups, 0);
	cr_assert_eq(sh->order_errors, 0);
	for (uint32_t i = 0; i < total; i++)
		cr_assert_eq(sh->seen[i], 1, "item %u never consumed", i);
	cr_assert_eq(queue__depth(q), 0);
	queue__free(q);
	munmap(sh, sizeof(*sh) + total);
}

static struct mpmc_case mpmc_cases[] = {
	{ QUEUE_SHM, 1, 1, 4, 20000 },
	{ QUEUE_SHM, 4, 3, 16, 10000 },
	{ QUEUE_SHM, 3, 3, 1, 3000 },
	{ QUEUE_PIPE, 1, 1, 4, 20000 },
	{ QUEUE_PIPE, 4, 3, 16, 10000 },
	{ QUEUE_PIPE, 3, 3, 1, 3000 },
	{ QUEUE_MQ, 1, 1, 4, 20000 },
	{ QUEUE_MQ, 4, 3, 8, 10000 },	/* msg_max is 10 without CAP_SYS_RESOURCE */
	{ QUEUE_MQ, 3, 3, 1, 3000 },
};

ParameterizedTestParameters(queue, many_producers_consumers)
{
	return cr_make_param_array(struct mpmc_case, mpmc_cases,
				   sizeof(mpmc_cases) / sizeof(mpmc_cases[0]));
}

/* Every item arrives exactly once, per-producer FIFO holds per consumer. */
ParameterizedTest(struct mpmc_case *c, queue, many_producers_consumers, .timeout = 60)
{
	run_mpmc(c);
}

/* The big one: 10^6 items through the shm ring, none lost, none twice. */
Test(queue, million_items_conserved_shm, .timeout = 120)
{
	struct mpmc_case c = { QUEUE_SHM, 2, 2, 1024, 500000 };

	run_mpmc(&c);
}

Test(queue, hundred_thousand_items_conserved_pipe_mq, .timeout = 120)
{
	struct mpmc_case p = { QUEUE_PIPE, 2, 2, 256, 50000 };
	struct mpmc_case m = { QUEUE_MQ, 2, 2, 8, 50000 };

	run_mpmc(&p);
	run_mpmc(&m);
}

/*
 * A process SIGKILLed while it holds the ring's lock: the next locker gets
 * EOWNERDEAD, recovers, and the queue keeps working with its items intact.
 */
Test(queue, robust_recovery_after_lock_holder_killed, .timeout = 30)
{
	struct queue *q;
	struct queue_item it = { .id = 41 };
	int *locked = shared_alloc(sizeof(int));
	pid_t pid;
	int status;

	cr_assert_eq(queue__new(QUEUE_SHM, 3, 4, 0, &q), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		pthread_mutex_lock(&q->shm.ring->lock);
		__atomic_store_n(locked, 1, __ATOMIC_SEQ_CST);
		pause();
		_exit(0);
	}
	while (!__atomic_load_n(locked, __ATOMIC_SEQ_CST))
		usleep(1000);
	cr_assert_eq(pthread_mutex_trylock(&q->shm.ring->lock), EBUSY, "child holds the lock");
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	it.id = 42;
	cr_assert_eq(queue__push(q, &it, NULL, 1000), 0);
	cr_assert_eq(queue__recoveries(q), 1);
	cr_assert_eq(queue__pop(q, &it, NULL, 1000, NULL), 0);
	cr_assert_eq(it.id, 41);
	cr_assert_eq(queue__pop(q, &it, NULL, 1000, NULL), 0);
	cr_assert_eq(it.id, 42);
	cr_assert_eq(queue__recoveries(q), 1, "recovered once, then a normal mutex again");
	queue__free(q);
	munmap(locked, sizeof(int));
}

/*
 * The lock holder is killed while another process is already blocked on the
 * lock: the waiter inherits it (EOWNERDEAD) instead of sleeping forever.
 */
Test(queue, robust_recovery_wakes_blocked_waiter, .timeout = 30)
{
	struct queue *q;
	struct queue_item it = { .id = 5 };
	int *locked = shared_alloc(sizeof(int));
	pid_t holder, waiter;

	cr_assert_eq(queue__new(QUEUE_SHM, 3, 4, 0, &q), 0);
	holder = fork();
	cr_assert_geq(holder, 0);
	if (holder == 0) {
		pthread_mutex_lock(&q->shm.ring->lock);
		__atomic_store_n(locked, 1, __ATOMIC_SEQ_CST);
		pause();
		_exit(0);
	}
	while (!__atomic_load_n(locked, __ATOMIC_SEQ_CST))
		usleep(1000);
	waiter = fork();
	cr_assert_geq(waiter, 0);
	if (waiter == 0)
		_exit(queue__push(q, &it, NULL, -1) == 0 ? 0 : 1);
	usleep(100 * 1000);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	wait_ok(waiter);
	cr_assert_eq(queue__depth(q), 1);
	cr_assert_eq(queue__recoveries(q), 1);
	queue__free(q);
	munmap(locked, sizeof(int));
}

ParameterizedTestParameters(queue, killed_waiter_does_not_block_others)
{
	return cr_make_param_array(enum queue_kind, all_kinds, 3);
}

/*
 * A consumer killed while blocked on an empty queue must not swallow the
 * wakeup meant for a live one (the reason the shm backend does not use
 * pthread_cond_t, see futex.h).
 */
ParameterizedTest(enum queue_kind *kind, queue, killed_waiter_does_not_block_others, .timeout = 30)
{
	struct queue *q;
	struct queue_item it = { .id = 9 };
	pid_t dead, live;

	cr_assert_eq(queue__new(*kind, 4, 2, 0, &q), 0);
	dead = fork();
	cr_assert_geq(dead, 0);
	if (dead == 0) {
		queue__pop(q, &it, NULL, -1, NULL);
		_exit(1);
	}
	usleep(50 * 1000);
	live = fork();
	cr_assert_geq(live, 0);
	if (live == 0) {
		struct queue_item got;

		_exit(queue__pop(q, &got, NULL, 5000, NULL) == 0 && got.id == 9 ? 0 : 1);
	}
	usleep(50 * 1000);
	kill(dead, SIGKILL);
	waitpid(dead, NULL, 0);
	cr_assert_eq(queue__push(q, &it, NULL, 1000), 0);
	wait_ok(live);
	queue__free(q);
}

/* Above fs/mqueue/msg_max the mq backend needs CAP_SYS_RESOURCE: a clear -EPERM. */
Test(queue, mq_capacity_limit)
{
	unsigned long msg_max = 10;
	struct queue *q;
	FILE *f = fopen("/proc/sys/fs/mqueue/msg_max", "r");
	int err;

	if (f) {
		cr_assert_eq(fscanf(f, "%lu", &msg_max), 1);
		fclose(f);
	}
	cr_assert_eq(queue__new(QUEUE_MQ, 0, (uint32_t)msg_max, 0, &q), 0);
	queue__free(q);
	if (msg_max >= 65536)
		return;
	err = queue__new(QUEUE_MQ, 0, 65536 + 1, 0, &q);
	cr_assert_eq(err, -EPERM, "got %d", err);
}

/* The USDT probes the tracer attaches to are in the binary, by these names. */
Test(queue, usdt_notes_present)
{
	static const char *const probes[] = {
		"q_push", "q_pop", "q_wait_full", "q_wait_empty", "q_lock_wait",
	};
	char cmd[128], line[512];
	unsigned found[5] = { 0 };
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -n /proc/%d/exe 2>/dev/null", (int)getpid());
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *name = strstr(line, "Name: ");

		if (!strstr(line, "Provider: schedlab") && !name)
			continue;
		for (unsigned i = 0; name && i < 5; i++) {
			size_t len = strlen(probes[i]);

			if (strncmp(name + 6, probes[i], len) == 0 && (name[6 + len] == '\n' || name[6 + len] == ' '))
				found[i]++;
		}
	}
	cr_assert_eq(pclose(f), 0, "readelf failed (binutils installed?)");
	for (unsigned i = 0; i < 5; i++)
		cr_assert_gt(found[i], 0, "no USDT note for schedlab:%s", probes[i]);
}

/*
 * A pipe consumer killed between reading an item and returning its credit
 * takes a slot of capacity with it; queue__repair gives it back.
 */
Test(queue, pipe_repair_restores_lost_credit)
{
	struct queue *q;
	struct queue_item it = { .id = 1 };
	char credit;

	cr_assert_eq(queue__new(QUEUE_PIPE, 0, 2, 0, &q), 0);
	cr_assert_eq(queue__repair(q), 0, "nothing to repair");
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	/* simulate the dead consumer: the item gone, its credit not returned */
	cr_assert_eq(queue__drain_one(q, &it, NULL), 0);
	cr_assert_eq(read(q->pipe.credit[0], &credit, 1), 1);
	cr_assert_eq(queue__push(q, &it, NULL, 0), -ETIMEDOUT, "capacity 2 shrank to 0");
	cr_assert_eq(queue__repair(q), 2);
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), 0);
	cr_assert_eq(queue__push(q, &it, NULL, 0), -ETIMEDOUT, "and not beyond capacity");
	cr_assert_eq(queue__repair(q), 0);
	queue__free(q);
}
