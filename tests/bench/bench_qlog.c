// SPDX-License-Identifier: GPL-2.0
/*
 * What a queue event costs the workload: N records written to the queue
 * event log (lab/qlog.h) by one thread, drained every 16k records as the
 * tracer would, timed in CPU time of the thread (so a loaded machine does
 * not count); then the same calls with no log installed (the untraced run).
 *
 * Usage: bench_qlog [N]     default 10000000
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lab/qlog.h"

static int count(const struct sl_event *e, uint32_t slot, void *ctx)
{
	(void)e;
	(void)slot;
	(*(unsigned long long *)ctx)++;
	return 0;
}

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long n = 10000000, drained = 0;
	struct qlog *l;
	double t0, t1, t2, t3;
	char *end;

	if (argc > 1) {
		errno = 0;
		n = strtoull(argv[1], &end, 10);
		if (errno || *end || !n) {
			fprintf(stderr, "bench_qlog: bad count '%s'\n", argv[1]);
			return 2;
		}
	}
	if (qlog__create(4, 65536, &l) || qlog__install(l))
		return 1;
	t0 = cpu_s();
	for (unsigned long long i = 0; i < n; i++) {
		qlog__emit(SL_EV_Q_PUSH, 0, 1, (uint32_t)i, 0);
		if ((i & 16383) == 16383 && qlog__drain(l, 0, count, &drained))
			return 1;
	}
	t1 = cpu_s();
	if (qlog__drain(l, 0, count, &drained) || qlog__install(NULL))
		return 1;
	t2 = cpu_s();
	for (unsigned long long i = 0; i < n; i++)
		qlog__emit(SL_EV_Q_PUSH, 0, 1, (uint32_t)i, 0);
	t3 = cpu_s();
	printf("queue event log: %.1f ns per event written and drained (%llu of %llu, %llu lost); "
	       "%.1f ns with no log installed\n", (t1 - t0) / n * 1e9, drained, n,
	       (unsigned long long)(n - drained), (t3 - t2) / n * 1e9);
	qlog__destroy(l);
	return drained == n ? 0 : 1;
}
