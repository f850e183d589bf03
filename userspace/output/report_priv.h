/* SPDX-License-Identifier: GPL-2.0 */
/* Formatting helpers shared by report_text.c, report_json.c, report_csv.c and sweep.c. */
#ifndef SL_REPORT_PRIV_H
#define SL_REPORT_PRIV_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "util/units.h"

/* A duration in at most 6 characters with its unit (format_duration_short). */
static inline const char *report_dur(char *buf, size_t n, __u64 ns)
{
	return format_duration_short(ns, buf, n);
}
/* A fraction as a percentage: "97.3%" ("100%" at 1). */
const char *report_pct(char *buf, size_t n, double frac);
/* A count in at most 6 characters: 999999, then "12.3M", "1.2G". */
const char *report_count(char *buf, size_t n, __u64 v);
/* Prints text wrapped at `width` columns, every line after the first indented by `indent`. */
void report_wrap(FILE *f, const char *first_prefix, int indent, const char *text, int width);
/* Same, for a prefix holding escape sequences: prefix_cols is its visible width. */
void report_wrap_cols(FILE *f, const char *first_prefix, int prefix_cols, int indent,
		      const char *text, int width);
struct sl_wait_row;
/* What a task waited on: "pipe:[12345] write, full", "futex:0x7f.. private". */
const char *report_wait_object(char *buf, size_t n, const struct sl_wait_row *w);
struct sl_channel_row;
struct sl_lock_row;
/* A channel's object the same way: "pipe:[12345] read, empty". */
const char *report_channel_object(char *buf, size_t n, const struct sl_channel_row *ch);
/* A lock row's label, and that of the lock a channel's waits were behind. */
const char *report_lock_object(char *buf, size_t n, const struct sl_lock_row *lk);
const char *report_behind_lock(char *buf, size_t n, const struct sl_channel_row *ch);
/* Writes s as a CSV field (quoted when it has a comma, quote or newline). */
void report_csv_str(FILE *f, const char *s);
/* Writes s as a JSON string, quotes included. */
void report_json_str(FILE *f, const char *s);

#endif
