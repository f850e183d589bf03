// SPDX-License-Identifier: GPL-2.0
/*
 * Analysis throughput and memory: feeds N synthetic events through one
 * analysis pass, single-threaded, and prints events per CPU-second and
 * peak RSS.
 *
 * The stream is a block of ~64k events from a small scheduler simulation
 * (ncpu CPUs, max(32, 2 x ncpu) producers and consumers switching, waking,
 * migrating, pushing and popping), replayed with a growing time offset.  The block
 * starts and ends with every task asleep and every CPU idle, so the replay
 * is one consistent stream of any length while the generator's own memory
 * stays constant: peak RSS then shows whether the analysis grows with the
 * trace.
 *
 * With --merge the records take the tracer's path: split by CPU, pushed
 * CPU by CPU in batches (the way the rings are drained), and released in
 * time order by the per-CPU merge up to a watermark one batch behind, so
 * the rate is drain + merge + analysis.
 *
 * Usage: bench_analysis N_EVENTS [--intervals] [--merge] [--cpus N]
 *   --intervals: with a no-op interval callback, as the timelines use it
 *   --cpus N:    simulate N CPUs (default 8, at most 256)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "analysis/analysis.h"
#include "analysis/analysis_result.h"
#include "trace/merge.h"

#define MAX_CPUS	SL_MAX_CPUS
#define MAX_TASKS	(2 * MAX_CPUS)
#define BLOCK		65536
#define BATCH		4096	/* records per simulated drain */
#define PID0		1000

static int ncpu = 8, ntasks = 32;	/* --cpus */

enum { T_RUN, T_RUNNABLE, T_BLOCKED };

struct sim {
	struct sl_event *ev;
	size_t n;
	__u64 ts;
	__u64 rng;
	int state[MAX_TASKS];
	int cpu_of[MAX_TASKS];	/* running on / last ran on */
	int on_cpu[MAX_CPUS];	/* task index or -1 */
	__u32 depth;
	__u32 item;
};

static __u32 rnd(struct sim *s, __u32 n)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (__u32)((s->rng >> 11) % n);
}

static struct sl_event *emit(struct sim *s, __u8 type, __u16 cpu, __u32 pid)
{
	struct sl_event *e = &s->ev[s->n++];

	memset(e, 0, sizeof(*e));
	s->ts += 50 + rnd(s, 400);
	e->ts = s->ts;
	e->type = type;
	e->cpu = cpu;
	e->pid = pid;
	return e;
}

static void sw(struct sim *s, int c, int prev, int next, __u8 reason)
{
	struct sl_event *e = emit(s, SL_EV_SWITCH, (__u16)c, prev >= 0 ? PID0 + (__u32)prev : 0);

	e->flags = (prev >= 0 ? reason | SL_SWF_PREV_TRACKED : 0) |
		   (next >= 0 ? SL_SWF_NEXT_TRACKED : 0) |
		   (prev >= 0 && reason != SL_R_PREEMPTED ? SL_SWF_VOLUNTARY : 0);
	e->sw.next = next >= 0 ? PID0 + (__u32)next : 0;
	e->sw.nr_syscall = SL_NO_SYSCALL;
	if (prev >= 0) {
		s->state[prev] = reason == SL_R_PREEMPTED ? T_RUNNABLE : T_BLOCKED;
		s->on_cpu[c] = -1;
	}
	if (next >= 0) {
		s->state[next] = T_RUN;
		s->cpu_of[next] = c;
		s->on_cpu[c] = next;
	}
}

static int pick(struct sim *s, int want)
{
	int start = (int)rnd(s, ntasks);

	for (int k = 0; k < ntasks; k++) {
		int t = (start + k) % ntasks;

		if (s->state[t] == want)
			return t;
	}
	return -1;
}

/* One block: from all asleep and idle back to all asleep and idle. */
static void gen_block(struct sim *s, size_t target)
{
	s->n = 0;
	/* room for the wind-down: one switch per CPU, two per task */
	while (s->n + 64 + (size_t)ncpu + 2 * (size_t)ntasks < target) {
		int c = (int)rnd(s, ncpu), t = s->on_cpu[c], w;
		__u32 dice = rnd(s, 100);

		if (dice < 25) {
			/* a wakeup from whoever runs here (or an interrupt) */
			w = pick(s, T_BLOCKED);
			if (w >= 0) {
				struct sl_event *e = emit(s, SL_EV_WAKING, (__u16)c,
							  t >= 0 ? PID0 + (__u32)t : 0);

				e->flags = SL_WKF_WAKEE_TRACKED | (t >= 0 ? SL_WKF_WAKER_TRACKED : 0);
				e->wk.wakee = PID0 + (__u32)w;
				e->wk.target_cpu = (__u32)c;
				s->state[w] = T_RUNNABLE;
				if (s->cpu_of[w] != c) {
					e = emit(s, SL_EV_MIGRATE, (__u16)c, PID0 + (__u32)w);
					e->mig.orig_cpu = (__u32)s->cpu_of[w];
					e->mig.dest_cpu = (__u32)c;
					s->cpu_of[w] = c;
				}
			}
			continue;
		}
		if (t < 0) {
			w = pick(s, T_RUNNABLE);
			if (w >= 0) {
				if (s->cpu_of[w] != c) {
					struct sl_event *e = emit(s, SL_EV_MIGRATE, (__u16)c,
								  PID0 + (__u32)w);

					e->mig.orig_cpu = (__u32)s->cpu_of[w];
					e->mig.dest_cpu = (__u32)c;
				}
				sw(s, c, -1, w, 0);
			}
			continue;
		}
		if (dice < 55) {
			/* queue traffic: even tasks produce, odd ones consume */
			bool prod = !(t & 1);
			struct sl_event *e;

			if (prod && s->depth < 64) {
				e = emit(s, SL_EV_Q_PUSH, (__u16)c, PID0 + (__u32)t);
				e->q.depth = ++s->depth;
				e->q.item = ++s->item;
			} else if (!prod && s->depth > 0) {
				e = emit(s, SL_EV_Q_POP, (__u16)c, PID0 + (__u32)t);
				e->q.depth = --s->depth;
				e->q.item = s->item;
				e->q.delay = 1000 + rnd(s, 100000);
			} else {
				e = emit(s, prod ? SL_EV_Q_WAIT_FULL : SL_EV_Q_WAIT_EMPTY, (__u16)c,
					 PID0 + (__u32)t);
				e->q.depth = s->depth;
			}
			continue;
		}
		{
			static const __u8 reasons[] = {
				SL_R_PREEMPTED, SL_R_PREEMPTED, SL_R_SLEEP, SL_R_QFULL, SL_R_QEMPTY,
				SL_R_IO,
			};
			__u8 reason = reasons[rnd(s, sizeof(reasons))];

			w = pick(s, T_RUNNABLE);
			sw(s, c, t, w, reason);
		}
	}
	/* wind down: every running task sleeps, every runnable one runs and sleeps */
	for (int c = 0; c < ncpu; c++)
		if (s->on_cpu[c] >= 0)
			sw(s, c, s->on_cpu[c], -1, SL_R_SLEEP);
	for (int t = 0; t < ntasks; t++) {
		if (s->state[t] != T_RUNNABLE)
			continue;
		sw(s, s->cpu_of[t], -1, t, 0);
		sw(s, s->cpu_of[t], t, -1, SL_R_SLEEP);
	}
}

static void nop_interval(const struct sl_interval *iv, void *ctx)
{
	(*(__u64 *)ctx) += iv->end - iv->start;
}

static int feed_analysis(const struct sl_event *e, void *ctx)
{
	return analysis__feed(ctx, e);
}

/*
 * The block as the rings hand it over: within each batch, CPU 0's records
 * first, then CPU 1's, ... each CPU's in time order, contiguous.
 */
static struct sl_event *drain_order(const struct sim *s)
{
	struct sl_event *order = malloc(s->n * sizeof(*order));
	__u32 *cnt = calloc((size_t)ncpu + 1, sizeof(*cnt));
	size_t b0;

	if (!order || !cnt) {
		free(order);
		free(cnt);
		return NULL;
	}
	for (b0 = 0; b0 < s->n; b0 += BATCH) {
		size_t b1 = b0 + BATCH < s->n ? b0 + BATCH : s->n;

		memset(cnt, 0, ((size_t)ncpu + 1) * sizeof(*cnt));
		for (size_t i = b0; i < b1; i++)
			cnt[s->ev[i].cpu + 1]++;
		for (int c = 0; c < ncpu; c++)
			cnt[c + 1] += cnt[c];
		for (size_t i = b0; i < b1; i++)
			order[b0 + cnt[s->ev[i].cpu]++] = s->ev[i];
	}
	free(cnt);
	return order;
}

/*
 * CPU time of this thread, not wall time: the machines this runs on are
 * shared, and time spent waiting for a CPU is not the analysis's.
 */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sim s = { .rng = 0x9e3779b97f4a7c15ull, .ts = 1000000 };
	unsigned long long total, fed = 0;
	bool intervals = false, merged = false;
	struct merge *m = NULL;
	struct sl_event *order = NULL;
	const struct sl_result *r;
	struct sl_trace_info ti;
	struct analysis *a;
	struct rusage ru;
	__u64 offset = 0, span, sink = 0;
	double t0, t1, t2;
	char *end;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s N_EVENTS [--intervals] [--merge] [--cpus N]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--intervals")) {
			intervals = true;
		} else if (!strcmp(argv[i], "--merge")) {
			merged = true;
		} else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || v < 1 || v > MAX_CPUS) {
				fprintf(stderr, "bench_analysis: --cpus takes 1..%d\n", MAX_CPUS);
				return 2;
			}
			ncpu = (int)v;
			ntasks = 2 * ncpu > 32 ? 2 * ncpu : 32;
		} else {
			fprintf(stderr, "bench_analysis: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	errno = 0;
	total = strtoull(argv[1], &end, 10);
	if (errno || *end || !total) {
		fprintf(stderr, "bench_analysis: bad event count '%s'\n", argv[1]);
		return 2;
	}
	s.ev = malloc(BLOCK * sizeof(*s.ev));
	if (!s.ev)
		return 1;
	for (int c = 0; c < ncpu; c++)
		s.on_cpu[c] = -1;
	for (int t = 0; t < ntasks; t++) {
		s.state[t] = T_BLOCKED;
		s.cpu_of[t] = t % ncpu;
	}
	gen_block(&s, BLOCK);
	span = s.ts - s.ev[0].ts + 1000;

	err = analysis__new((__u32)ncpu, &a);
	if (err)
		return 1;
	if (intervals)
		analysis__on_interval(a, nop_interval, &sink);
	if (merged) {
		order = drain_order(&s);
		if (!order || merge__new((__u32)ncpu, &m))
			return 1;
	}

	t0 = now_s();
	while (merged && fed < total) {
		for (size_t b0 = 0; b0 < s.n && fed < total; b0 += BATCH) {
			size_t b1 = b0 + BATCH < s.n ? b0 + BATCH : s.n;
			__u64 wm = b0 ? s.ev[b0 - 1].ts + offset : offset;

			for (size_t i = b0; i < b1 && fed < total; i++, fed++) {
				struct sl_event e = order[i];

				e.ts += offset;
				if (merge__push(m, &e))
					return 1;
			}
			/* everything older than the previous batch has arrived */
			err = merge__drain(m, wm, feed_analysis, a);
			if (err) {
				fprintf(stderr, "bench_analysis: feed: %s\n", strerror(-err));
				return 1;
			}
		}
		offset += span;
	}
	if (merged && merge__flush(m, feed_analysis, a))
		return 1;
	while (!merged && fed < total) {
		for (size_t i = 0; i < s.n && fed < total; i++, fed++) {
			struct sl_event e = s.ev[i];

			e.ts += offset;
			err = analysis__feed(a, &e);
			if (err) {
				fprintf(stderr, "bench_analysis: feed: %s\n", strerror(-err));
				return 1;
			}
		}
		offset += span;
	}
	t1 = now_s();
	memset(&ti, 0, sizeof(ti));
	ti.ncpu = ncpu;
	ti.start_ts = s.ev[0].ts;
	ti.end_ts = s.ev[0].ts + offset;
	err = analysis__finish(a, &ti);
	t2 = now_s();
	if (err)
		return 1;
	r = analysis__result(a);
	getrusage(RUSAGE_SELF, &ru);
	printf("cpus %d  events %llu  %s %.3f s  %.1f M events/s  finish %.1f ms  "
	       "peak RSS %ld KiB  (tasks %u, switches %llu, parallelism %.2f%s)\n", ncpu, fed,
	       merged ? "merge+feed" : "feed", t1 - t0, fed / (t1 - t0) / 1e6, (t2 - t1) * 1e3,
	       ru.ru_maxrss, r->nr_tasks, (unsigned long long)(r->vol_switches + r->invol_switches),
	       r->parallelism, sink ? ", interval callback on" : "");
	analysis__free(a);
	merge__free(m);
	free(order);
	free(s.ev);
	return 0;
}
