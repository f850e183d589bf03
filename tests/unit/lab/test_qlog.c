// SPDX-License-Identifier: GPL-2.0
/* The queue event log: records from forked writers, in order, drops counted. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/clock.h"
#include "lab/qlog.h"
#include "lab/queue.h"

struct got {
	struct sl_event ev[4096];
	uint32_t slot[4096];
	int n;
};

static int collect(const struct sl_event *e, uint32_t slot, void *ctx)
{
	struct got *g = ctx;

	cr_assert_lt(g->n, 4096);
	g->ev[g->n] = *e;
	g->slot[g->n] = slot;
	g->n++;
	return 0;
}

static void drain_all(struct qlog *l, struct got *g)
{
	for (uint32_t i = 0; i < qlog__nslots(l); i++)
		cr_assert_eq(qlog__drain(l, i, collect, g), 0);
}

static uint64_t lost_total(const struct qlog *l)
{
	uint64_t n = 0;

	for (uint32_t c = 0; c < SL_MAX_CPUS; c++)
		n += qlog__lost(l, c);
	return n;
}

static void wait_ok(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Two forked writers: each gets its own slot; records keep their order and fields. */
Test(qlog, forked_writers_get_their_own_rings)
{
	struct got *g = calloc(1, sizeof(*g));
	struct qlog *l;
	pid_t pid[2];
	uint64_t t0 = lab_clock_ns();

	cr_assert_eq(qlog__create(4, 1024, &l), 0);
	cr_assert_eq(qlog__install(l), 0);
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		cr_assert_geq(pid[k], 0);
		if (pid[k] == 0) {
			for (uint32_t i = 1; i <= 100; i++)
				qlog__emit(SL_EV_Q_PUSH, 7, i, i + 1000u * (uint32_t)k, 0);
			qlog__emit(SL_EV_Q_POP, 7, 0, 5, t0);
			_exit(0);
		}
	}
	wait_ok(pid[0]);
	wait_ok(pid[1]);
	drain_all(l, g);
	cr_assert_eq(g->n, 202);
	for (int i = 0; i < g->n; i++) {
		const struct sl_event *e = &g->ev[i];

		cr_assert(e->pid == (uint32_t)pid[0] || e->pid == (uint32_t)pid[1]);
		cr_assert_eq(e->flags, 7);
		cr_assert_geq(e->ts, t0);
		if (i && g->slot[i] == g->slot[i - 1]) {
			cr_assert_eq(e->pid, g->ev[i - 1].pid, "one slot, one writer");
			cr_assert_geq(e->ts, g->ev[i - 1].ts);
		}
		if (e->type == SL_EV_Q_POP) {
			cr_assert_gt(e->q.delay, 0);
			cr_assert_leq(e->q.delay, e->ts - t0);
		} else {
			cr_assert_eq(e->type, SL_EV_Q_PUSH);
			cr_assert_eq(e->q.item % 1000, e->q.depth);
		}
	}
	cr_assert_neq(g->slot[0], g->slot[g->n - 1]);
	cr_assert_eq(lost_total(l), 0);
	/* drained: nothing comes twice */
	g->n = 0;
	drain_all(l, g);
	cr_assert_eq(g->n, 0);
	qlog__destroy(l);
	free(g);
}

/* A full ring drops and counts; the reader's progress makes room again. */
Test(qlog, full_ring_counts_each_drop)
{
	struct got *g = calloc(1, sizeof(*g));
	struct qlog *l;

	cr_assert_eq(qlog__create(1, 64, &l), 0);
	cr_assert_eq(qlog__install(l), 0);
	for (uint32_t i = 0; i < 100; i++)
		qlog__emit(SL_EV_ITEM_START, 1, 0, i, 0);
	cr_assert_eq(lost_total(l), 36);
	drain_all(l, g);
	cr_assert_eq(g->n, 64);
	cr_assert_eq(g->ev[63].q.item, 63);
	qlog__emit(SL_EV_ITEM_DONE, 1, 0, 99, 0);
	drain_all(l, g);
	cr_assert_eq(g->n, 65);
	cr_assert_eq(g->ev[64].pid, (uint32_t)gettid());
	qlog__destroy(l);
	free(g);
}

static void *emit_one(void *arg)
{
	(void)arg;
	qlog__emit(SL_EV_Q_PUSH, 0, 1, 1, 0);
	qlog__emit(SL_EV_Q_PUSH, 0, 1, 2, 0);
	return NULL;
}

/* More writer threads than slots: the extra thread's records are lost, counted. */
Test(qlog, writers_beyond_the_slots_are_counted)
{
	struct got *g = calloc(1, sizeof(*g));
	pthread_t th;
	struct qlog *l;

	cr_assert_eq(qlog__create(1, 64, &l), 0);
	cr_assert_eq(qlog__install(l), 0);
	qlog__emit(SL_EV_Q_POP, 0, 0, 1, 0);
	cr_assert_eq(pthread_create(&th, NULL, emit_one, NULL), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
	drain_all(l, g);
	cr_assert_eq(g->n, 1);
	cr_assert_eq(lost_total(l), 2);
	qlog__destroy(l);
	free(g);
}

/* Without a log installed, emitting is a no-op. */
Test(qlog, nothing_installed_nothing_written)
{
	struct got *g = calloc(1, sizeof(*g));
	struct qlog *l, *bad;

	cr_assert_eq(qlog__create(2, 64, &l), 0);
	qlog__emit(SL_EV_Q_POP, 0, 0, 1, 0);
	drain_all(l, g);
	cr_assert_eq(g->n, 0);
	cr_assert_eq(lost_total(l), 0);
	cr_assert_eq(qlog__create(0, 64, &bad), -EINVAL);
	cr_assert_eq(qlog__create(1, 100, &bad), -EINVAL);
	cr_assert_null(bad);
	qlog__destroy(l);
	free(g);
}
