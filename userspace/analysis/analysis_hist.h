/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-size duration histograms, O(1) per sample, no allocation.
 *
 * HDR style (run-queue latency, queueing delay): values below 64 ns have a
 * bucket each; above, every power of two [2^k, 2^(k+1)) is cut into 32
 * equal sub-buckets, so a bucket is at most 1/32 (3.1 %) of its values
 * wide.  1920 buckets cover the whole __u64 range.
 *
 * log2 (time slices): bucket k holds [2^k, 2^(k+1)) ns, 0 goes to bucket 0.
 */
#ifndef SL_ANALYSIS_HIST_H
#define SL_ANALYSIS_HIST_H

#include <linux/types.h>
#include "analysis_result.h"

#define SL_HDR_SUB_BITS	5
#define SL_HDR_SUB	(1u << SL_HDR_SUB_BITS)		/* 32 */
#define SL_HDR_LINEAR	(2u * SL_HDR_SUB)		/* 64: exact below */
#define SL_HDR_BUCKETS	((64u - SL_HDR_SUB_BITS + 1) * SL_HDR_SUB)	/* 1920 */

static inline unsigned int sl_hdr_index(__u64 v)
{
	unsigned int msb, shift;

	if (v < SL_HDR_LINEAR)
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	shift = msb - SL_HDR_SUB_BITS;
	/* v >> shift is in [32, 64): one of 32 sub-buckets of this octave */
	return shift * SL_HDR_SUB + (unsigned int)(v >> shift);
}

/* Lowest and highest value a bucket holds. */
static inline __u64 sl_hdr_low(unsigned int i)
{
	unsigned int shift;

	if (i < SL_HDR_LINEAR)
		return i;
	shift = i / SL_HDR_SUB - 1;
	return (__u64)(i - shift * SL_HDR_SUB) << shift;
}

static inline __u64 sl_hdr_high(unsigned int i)
{
	unsigned int shift;

	if (i < SL_HDR_LINEAR)
		return i;
	shift = i / SL_HDR_SUB - 1;
	return sl_hdr_low(i) + ((__u64)1 << shift) - 1;
}

static inline unsigned int sl_log2_index(__u64 v)
{
	return v ? 63u - (unsigned int)__builtin_clzll(v) : 0;
}

/* A distribution being built: exact count/sum/min/max plus HDR buckets. */
struct sl_hdr {
	__u64 count, sum, min, max;
	__u64 b[SL_HDR_BUCKETS];
};

static inline void sl_hdr_add(struct sl_hdr *h, __u64 v)
{
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->b[sl_hdr_index(v)]++;
}

/* Fills count/sum/min/max/p50/p90/p99 of d from h. */
void sl_hdr_summarise(const struct sl_hdr *h, struct sl_dist *d);
/* Same for a log2 histogram with exact count/sum/min/max known. */
void sl_log2_summarise(const __u64 *b, struct sl_dist *d);
/* The value at percentile p (0 < p <= 100) of HDR buckets, clamped. */
__u64 sl_hdr_percentile(const __u64 *b, __u64 count, double p, __u64 min, __u64 max);

#endif
