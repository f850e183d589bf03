/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sentences of a report, composed from the numbers and enums analysis
 * put in struct sl_result: what the summary figures mean, why a queue got
 * its verdict and what to change, what the kernel cross-check found.  Text,
 * JSON and CSV print the same words by calling these.  Each writes a
 * NUL-terminated line of at most n - 1 bytes into buf and returns buf.
 */
#ifndef SL_EXPLAIN_H
#define SL_EXPLAIN_H

#include <stddef.h>
#include "analysis/analysis_result.h"

#define EXPLAIN_LEN	320	/* enough for every line below */

/* "1.23 of 2 CPUs ran workload tasks at once on average ..." */
const char *explain__parallelism(const struct sl_result *r, char *buf, size_t n);
/* "0.20 tasks on average were runnable but waited for a CPU ..." */
const char *explain__concurrency(const struct sl_result *r, char *buf, size_t n);
/* "3.9 tasks resident on average (at most 4); the CPUs switched ..." */
const char *explain__multiprogramming(const struct sl_result *r, char *buf, size_t n);

/* The figures that justify q's verdict (the rule that matched). */
const char *explain__verdict(const struct sl_result *r, const struct sl_queue_row *q,
			     char *buf, size_t n);
/* q's verdict by name: a condition's "signaller-bound" for producer-bound, and so on. */
const char *explain__verdict_label(const struct sl_queue_row *q);
/* What to change for q's verdict. */
const char *explain__advice(const struct sl_queue_row *q, char *buf, size_t n);

/* Why lock lk is (or is not) lock-bound: "its 4 takers wait for it 36% of their time ..." */
const char *explain__lock(const struct sl_lock_row *lk, char *buf, size_t n);
/* What to change for a lock-bound lock. */
const char *explain__lock_advice(char *buf, size_t n);

/* "kernel cross-check: ok (N tasks)", or how many differ and the first difference. */
const char *explain__crosscheck(const struct sl_result *r, char *buf, size_t n);
/* One difference: "consumer-1 (12) migrations 3 vs kernel 4 (-1)". */
const char *explain__mismatch(const struct sl_result *r, const struct sl_xc_mismatch *m,
			      char *buf, size_t n);
/*
 * "stream check: ok (...)", or "stream check: 3 switch-ins and 1 migration
 * the kernel did not report, inferred".
 */
const char *explain__stream(const struct sl_result *r, char *buf, size_t n);
/* "lost records: 0", or how many were lost and what that means for the counts. */
const char *explain__lost(const struct sl_result *r, char *buf, size_t n);

#endif
