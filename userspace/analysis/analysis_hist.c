// SPDX-License-Identifier: GPL-2.0
/* Percentiles of the fixed-size histograms (analysis_hist.h). */
#include "analysis_hist.h"

__u64 sl_hdr_percentile(const __u64 *b, __u64 count, double p, __u64 min, __u64 max)
{
	__u64 rank, seen = 0, v = max;

	if (!count)
		return 0;
	rank = (__u64)((p / 100.0) * (double)count + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	for (unsigned int i = 0; i < SL_HDR_BUCKETS; i++) {
		seen += b[i];
		if (seen >= rank) {
			v = sl_hdr_high(i);
			break;
		}
	}
	if (v > max)
		v = max;
	if (v < min)
		v = min;
	return v;
}

void sl_hdr_summarise(const struct sl_hdr *h, struct sl_dist *d)
{
	d->count = h->count;
	d->sum = h->sum;
	d->min = h->min;
	d->max = h->max;
	d->p50 = sl_hdr_percentile(h->b, h->count, 50, h->min, h->max);
	d->p90 = sl_hdr_percentile(h->b, h->count, 90, h->min, h->max);
	d->p99 = sl_hdr_percentile(h->b, h->count, 99, h->min, h->max);
}

static __u64 log2_percentile(const __u64 *b, __u64 count, double p, __u64 min, __u64 max)
{
	__u64 rank, seen = 0, v = max;

	if (!count)
		return 0;
	rank = (__u64)((p / 100.0) * (double)count + 0.999999999);
	if (rank < 1)
		rank = 1;
	for (unsigned int k = 0; k < SL_LOG2_BUCKETS; k++) {
		seen += b[k];
		if (seen >= rank) {
			v = k == 63 ? ~0ull : (2ull << k) - 1;
			break;
		}
	}
	return v > max ? max : v < min ? min : v;
}

void sl_log2_summarise(const __u64 *b, struct sl_dist *d)
{
	d->p50 = log2_percentile(b, d->count, 50, d->min, d->max);
	d->p90 = log2_percentile(b, d->count, 90, d->min, d->max);
	d->p99 = log2_percentile(b, d->count, 99, d->min, d->max);
}
