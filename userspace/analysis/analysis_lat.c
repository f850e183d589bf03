// SPDX-License-Identifier: GPL-2.0
/*
 * Run-queue latency per task: every sample goes into the task's own
 * histogram (the same HDR buckets as the global one, so per-task,
 * per-process and global percentiles mean the same thing), the time of
 * its largest, a log2 histogram in microseconds for the text report, and
 * the individual wakeups slower than a threshold (--slower-than).
 *
 * A task's first LAT_INLINE samples are kept as values; the bucket array
 * (SL_HDR_BUCKETS 32-bit counts) is allocated only for tasks with more,
 * so thousands of short-lived tasks cost a few bytes each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"

static int lat_spill(struct lat_store *s)
{
	s->b = calloc(SL_HDR_BUCKETS, sizeof(__u32));
	if (!s->b)
		return -ENOMEM;
	for (__u32 i = 0; i < s->n_inline; i++)
		s->b[sl_hdr_index(s->v[i])]++;
	return 0;
}

/* Called before the task's own count/min/max take the sample. */
int lat_add(struct analysis *a, __u32 idx, __u64 lat, __u64 run_ts, __u16 cpu)
{
	struct a_task *t = &a->tasks[idx];
	struct lat_store *s = t->lat;

	if (lat > t->rq_max || !t->rq_n)
		t->rq_max_ts = t->wake_ts;
	a->rq_log2_us[sl_log2_index(lat / 1000)]++;
	if (!s) {
		s = t->lat = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
	}
	if (s->b) {
		s->b[sl_hdr_index(lat)]++;
	} else if (s->n_inline < LAT_INLINE) {
		s->v[s->n_inline++] = lat;
	} else {
		if (lat_spill(s))
			return -ENOMEM;
		s->b[sl_hdr_index(lat)]++;
	}
	if (a->slower_than && lat > a->slower_than) {
		a->nr_slow_total++;
		if (a->nr_slow < SL_SLOW_MAX) {
			if (a->nr_slow == a->slow_cap) {
				__u32 cap = a->slow_cap ? a->slow_cap * 2 : 64;
				struct sl_slow_wakeup *n = realloc(a->slow, cap * sizeof(*n));

				if (!n)
					return -ENOMEM;
				a->slow = n;
				a->slow_cap = cap;
			}
			a->slow[a->nr_slow++] = (struct sl_slow_wakeup){
				.wake_ts = t->wake_ts, .enq_ts = run_ts - lat, .run_ts = run_ts,
				.latency_ns = lat,
				.task = idx, .waker = t->waker, .cpu = cpu,
			};
		}
	}
	return 0;
}

/* Adds a task's samples into 64-bit buckets (a process's, a group's). */
void lat_merge(const struct a_task *t, __u64 *b)
{
	const struct lat_store *s = t->lat;

	if (!s)
		return;
	if (s->b) {
		for (unsigned int i = 0; i < SL_HDR_BUCKETS; i++)
			b[i] += s->b[i];
		return;
	}
	for (__u32 i = 0; i < s->n_inline; i++)
		b[sl_hdr_index(s->v[i])]++;
}

/* Percentiles of d (count, min and max already set) from buckets b. */
void lat_percentiles(const __u64 *b, struct sl_dist *d)
{
	d->p50 = sl_hdr_percentile(b, d->count, 50, d->min, d->max);
	d->p90 = sl_hdr_percentile(b, d->count, 90, d->min, d->max);
	d->p99 = sl_hdr_percentile(b, d->count, 99, d->min, d->max);
}

void lat_free(struct a_task *t)
{
	if (!t->lat)
		return;
	free(t->lat->b);
	free(t->lat);
	t->lat = NULL;
}

static int u64_cmp(const void *x, const void *y)
{
	__u64 a = *(const __u64 *)x, b = *(const __u64 *)y;

	return a < b ? -1 : a > b;
}

/* A task's percentiles: from its values, or from its buckets through tmp. */
static void task_percentiles(const struct a_task *t, struct sl_dist *d, __u64 *tmp)
{
	static const double pct[3] = { 50, 90, 99 };
	const struct lat_store *s = t->lat;
	__u64 v[LAT_INLINE], *out[3] = { &d->p50, &d->p90, &d->p99 };

	if (!s || !d->count)
		return;
	if (s->b) {
		memset(tmp, 0, SL_HDR_BUCKETS * sizeof(__u64));
		lat_merge(t, tmp);
		lat_percentiles(tmp, d);
		return;
	}
	/* the top of the rank-th value's bucket, clamped, as sl_hdr_percentile gives it */
	memcpy(v, s->v, s->n_inline * sizeof(__u64));
	qsort(v, s->n_inline, sizeof(__u64), u64_cmp);
	for (int k = 0; k < 3; k++) {
		__u64 rank = (__u64)((pct[k] / 100.0) * (double)s->n_inline + 0.999999999), x;

		if (rank < 1)
			rank = 1;
		if (rank > s->n_inline)
			rank = s->n_inline;
		x = sl_hdr_high(sl_hdr_index(v[rank - 1]));
		*out[k] = x > d->max ? d->max : x < d->min ? d->min : x;
	}
}

/* Adds task i's samples to tmp, and the time of its largest if it is p's largest. */
static void proc_add_task(struct analysis *a, struct sl_proc_row *p, __u32 i, __u64 *tmp)
{
	const struct a_task *t = &a->tasks[i];

	lat_merge(t, tmp);
	/* the earliest task holding p's largest gives the time */
	if (t->rq_n && t->rq_max == p->rq_latency.max && !p->rq_max_ts)
		p->rq_max_ts = t->rq_max_ts;
}

int lat_build(struct analysis *a, struct sl_result *r)
{
	__u64 *tmp = malloc(SL_HDR_BUCKETS * sizeof(__u64));
	__u32 *start = calloc(r->nr_procs + 1, sizeof(__u32));
	__u32 *fill = calloc(r->nr_procs + 1, sizeof(__u32));
	__u32 *members = malloc((r->nr_tasks + 1) * sizeof(__u32));
	int err = -ENOMEM;

	if (!tmp || !start || !fill || !members)
		goto out;
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		r->tasks[i].rq_max_ts = a->tasks[i].rq_max_ts;
		task_percentiles(&a->tasks[i], &r->tasks[i].rq_latency, tmp);
	}
	/* the tasks of each group row, by a counting sort on the row */
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		__u32 g = r->procs[r->tasks[i].proc].group;

		if (g != SL_NO_TASK)
			start[g + 1]++;
	}
	for (__u32 g = 1; g < r->nr_procs; g++)
		start[g] += start[g - 1];
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		__u32 g = r->procs[r->tasks[i].proc].group;

		if (g != SL_NO_TASK)
			members[start[g] + fill[g]++] = i;
	}
	/* processes: every thread's samples; groups: every member's */
	for (__u32 pi = 0; pi < r->nr_procs; pi++) {
		struct sl_proc_row *p = &r->procs[pi];

		if (!p->rq_latency.count)
			continue;
		memset(tmp, 0, SL_HDR_BUCKETS * sizeof(__u64));
		if (p->nr_procs > 1) {
			for (__u32 k = 0; k < fill[pi]; k++)
				proc_add_task(a, p, members[start[pi] + k], tmp);
		} else {
			for (__u32 k = 0; k < p->nr_threads; k++)
				proc_add_task(a, p, r->proc_tasks[p->first_thread + k], tmp);
		}
		lat_percentiles(tmp, &p->rq_latency);
	}
	memcpy(r->rq_log2_us, a->rq_log2_us, sizeof(r->rq_log2_us));
	r->slower_than_ns = a->slower_than;
	r->nr_slow_total = a->nr_slow_total;
	r->nr_slow = a->nr_slow;
	r->slow = a->slow;	/* handed over: the result frees it */
	a->slow = NULL;
	err = 0;
out:
	free(tmp);
	free(start);
	free(fill);
	free(members);
	return err;
}
