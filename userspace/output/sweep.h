/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `schedlab sweep`: one result per value of the varied key, shown side by
 * side so a user sees where adding workers stops paying.  The CLI runs the
 * profile once per value; these only format.  A NULL result is a run that
 * failed and shows as such.
 */
#ifndef SL_SWEEP_H
#define SL_SWEEP_H

#include <stdio.h>
#include "analysis/analysis_result.h"

/* Below this throughput gain from one value to the next, adding stops paying. */
#define SWEEP_GAIN_THRESHOLD	0.10

/*
 * The table: value, throughput of the busiest queue and its gain over the
 * previous value, parallelism, concurrency, % of time the queue was full
 * and empty, verdict; then one line naming where the gain falls below
 * SWEEP_GAIN_THRESHOLD.  0 or -EIO.
 */
int sweep__print_table(FILE *f, const char *key, const int *values,
		       const struct sl_result *const *results, int n);

/*
 * A self-contained SVG (no scripts, fonts or links): throughput (left axis)
 * and parallelism (right axis) against the value.  0, -EINVAL or -EIO.
 */
int sweep__write_svg(FILE *f, const char *key, const int *values,
		     const struct sl_result *const *results, int n);

/* Index of the first value whose successor gains less than the threshold, or -1. */
int sweep__knee(const struct sl_result *const *results, int n);

#endif
