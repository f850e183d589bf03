// SPDX-License-Identifier: GPL-2.0
/* The pool: apply (synchronous), apply_async (asynchronous), map. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/pool.h"
#include "lab/proc.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t square(uint64_t x, uint32_t id, unsigned int worker)
{
	(void)id;
	(void)worker;
	return x * x;
}

static uint64_t my_pid(uint64_t x, uint32_t id, unsigned int worker)
{
	(void)x;
	(void)id;
	(void)worker;
	return (uint64_t)getpid();
}

/* Sleeps x ms, returns the worker's pid. */
static uint64_t nap(uint64_t ms, uint32_t id, unsigned int worker)
{
	(void)id;
	(void)worker;
	usleep((useconds_t)ms * 1000);
	return (uint64_t)getpid();
}

static struct pool *make_pool(enum queue_kind kind, unsigned int workers)
{
	struct pool_opts o = { .workers = workers, .queue = kind, .capacity = 8 };
	struct pool *p;

	cr_assert_eq(pool__new(&o, &p), 0);
	cr_assert_eq(pool__size(p), workers);
	return p;
}

static void close_and_join(struct pool *p)
{
	int code;

	cr_assert_eq(pool__close(p, 5000), 0);
	cr_assert_eq(pool__join(p, 5000), 0);
	for (unsigned int i = 0; i < pool__size(p); i++) {
		cr_assert_eq(proc__exitcode(pool__worker(p, i), &code), 0);
		cr_assert_eq(code, 0, "worker %u exit code %d", i, code);
	}
	pool__free(p);
}

static const enum queue_kind kinds[] = { QUEUE_SHM, QUEUE_PIPE, QUEUE_MQ };

ParameterizedTestParameters(pool, apply_runs_in_a_worker)
{
	return cr_make_param_array(enum queue_kind, kinds, 3);
}

ParameterizedTest(enum queue_kind *kind, pool, apply_runs_in_a_worker)
{
	struct pool *p = make_pool(*kind, 2);
	uint64_t r = 0;
	pid_t w0 = proc__pid(pool__worker(p, 0)), w1 = proc__pid(pool__worker(p, 1));

	cr_assert_eq(pool__apply(p, square, 12, &r), 0);
	cr_assert_eq(r, 144);
	cr_assert_eq(pool__apply(p, my_pid, 0, &r), 0);
	cr_assert_neq((pid_t)r, getpid());
	cr_assert((pid_t)r == w0 || (pid_t)r == w1, "ran in %llu", (unsigned long long)r);
	close_and_join(p);
}

ParameterizedTestParameters(pool, apply_async_and_map)
{
	return cr_make_param_array(enum queue_kind, kinds, 3);
}

ParameterizedTest(enum queue_kind *kind, pool, apply_async_and_map)
{
	struct pool *p = make_pool(*kind, 3);
	struct pool_handle h[6];
	uint64_t args[100], res[100], r;

	for (unsigned int i = 0; i < 6; i++)
		cr_assert_eq(pool__apply_async(p, square, i + 1, &h[i]), 0);
	for (int i = 5; i >= 0; i--) {	/* collect in any order */
		cr_assert_eq(pool__get(p, &h[i], 5000, &r), 0);
		cr_assert_eq(r, (uint64_t)(i + 1) * (i + 1));
	}
	cr_assert_eq(pool__get(p, &h[0], 0, &r), -EINVAL, "a handle is collected once");
	for (unsigned int i = 0; i < 100; i++)
		args[i] = i;
	cr_assert_eq(pool__map(p, square, args, res, 100), 0);
	for (unsigned int i = 0; i < 100; i++)
		cr_assert_eq(res[i], (uint64_t)i * i);
	close_and_join(p);
}

/*
 * Synchronous calls run one at a time; asynchronous ones overlap on the
 * workers.  Four 100 ms tasks: apply takes >= 400 ms, apply_async < 300 ms.
 */
Test(pool, sync_serialises_async_overlaps, .timeout = 20)
{
	struct pool *p = make_pool(QUEUE_SHM, 4);
	struct pool_handle h[4];
	uint64_t t0, sync_ms, async_ms, r, pids[4];
	unsigned int distinct = 0;

	t0 = mono_ms();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pool__apply(p, nap, 100, &r), 0);
	sync_ms = mono_ms() - t0;

	t0 = mono_ms();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pool__apply_async(p, nap, 100, &h[i]), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(pool__get(p, &h[i], 5000, &pids[i]), 0);
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= pids[j] == pids[i];
		distinct += !seen;
	}
	async_ms = mono_ms() - t0;
	cr_assert_geq(sync_ms, 400, "sync %llu ms", (unsigned long long)sync_ms);
	cr_assert_lt(async_ms, 300, "async %llu ms", (unsigned long long)async_ms);
	cr_assert_geq(distinct, 3, "async tasks ran on %u workers", distinct);
	close_and_join(p);
}

Test(pool, get_timeout_keeps_handle)
{
	struct pool *p = make_pool(QUEUE_SHM, 1);
	struct pool_handle h;
	uint64_t r;

	cr_assert_eq(pool__apply_async(p, nap, 200, &h), 0);
	cr_assert_eq(pool__get(p, &h, 0, &r), -ETIMEDOUT);
	cr_assert_eq(pool__get(p, &h, 20, &r), -ETIMEDOUT);
	cr_assert_eq(pool__get(p, &h, 5000, &r), 0);
	cr_assert_eq((pid_t)r, proc__pid(pool__worker(p, 0)));
	close_and_join(p);
}

/* A worker killed mid-task: the caller gets -EPIPE, not a hang. */
Test(pool, worker_killed_fails_its_task, .timeout = 20)
{
	struct pool *p = make_pool(QUEUE_SHM, 1);
	struct proc *w = pool__worker(p, 0);
	struct pool_handle h;
	uint64_t r;
	int code;

	cr_assert_eq(pool__apply_async(p, nap, 10000, &h), 0);
	usleep(100 * 1000);
	cr_assert_eq(proc__kill(w, SIGKILL), 0);
	cr_assert_eq(proc__join(w, 5000), 0);
	cr_assert_eq(proc__exitcode(w, &code), 0);
	cr_assert_eq(code, -SIGKILL);
	pool__worker_died(p, 0);
	cr_assert_eq(pool__get(p, &h, 1000, &r), -EPIPE);
	pool__free(p);
}

Test(pool, worker_names)
{
	struct pool_opts o = { .workers = 2, .queue = QUEUE_SHM, .name = "worker" };
	struct pool *p;
	char path[64], comm[32] = "";
	uint64_t r;
	FILE *f;

	cr_assert_eq(pool__new(&o, &p), 0);
	cr_assert_eq(pool__apply(p, square, 2, &r), 0);	/* both workers are up now */
	for (unsigned int i = 0; i < 2; i++) {
		char want[16];

		snprintf(want, sizeof(want), "worker-%u", i);
		cr_assert_str_eq(proc__name(pool__worker(p, i)), want);
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)proc__pid(pool__worker(p, i)));
		for (int tries = 0; tries < 200; tries++) {
			f = fopen(path, "r");
			cr_assert_not_null(f);
			cr_assert_not_null(fgets(comm, sizeof(comm), f));
			fclose(f);
			comm[strcspn(comm, "\n")] = 0;
			if (strcmp(comm, want) == 0)
				break;
			usleep(1000);
		}
		cr_assert_str_eq(comm, want);
	}
	close_and_join(p);
}

Test(pool, bad_options)
{
	struct pool_opts o = { .workers = 0 };
	struct pool *p;

	cr_assert_eq(pool__new(&o, &p), -EINVAL);
	cr_assert_null(p);
	pool__free(NULL);
}
