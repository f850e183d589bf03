/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the analysis tests share: a hand-built stream (eb), its trace info
 * (ti), the analysis it is fed to (an), their setup and teardown, the one
 * way to feed the stream, and a task's row by pid.
 */
#ifndef SL_TEST_ANALYSIS_HARNESS_H
#define SL_TEST_ANALYSIS_HARNESS_H

#include <criterion/criterion.h>
#include <string.h>
#include "analysis/analysis.h"
#include "analysis/analysis_result.h"
#include "evbuild.h"

static struct evbuf eb;
static struct sl_trace_info ti;
static struct analysis *an;

static inline void harness_setup(void)
{
	memset(&eb, 0, sizeof(eb));
	memset(&ti, 0, sizeof(ti));
	an = NULL;
}

static inline void harness_teardown(void)
{
	analysis__free(an);
	an = NULL;
	sl_trace_info__free(&ti);
	eb_free(&eb);
}

/* eb, in its order, through a fresh analysis of ncpu CPUs; ti must be set up. */
static inline const struct sl_result *harness_feed(__u32 ncpu, sl_repair_fn on_repair, void *ctx)
{
	cr_assert_eq(analysis__new(ncpu, &an), 0);
	analysis__set_arch(an, ti.arch);
	analysis__set_task_table(an, &ti);
	if (on_repair)
		analysis__on_repair(an, on_repair, ctx);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0, "event %zu", i);
	cr_assert_eq(analysis__finish(an, &ti), 0);
	cr_assert_not_null(analysis__result(an));
	return analysis__result(an);
}

static inline const struct sl_task_row *row(const struct sl_result *r, __u32 pid)
{
	int i = sl_result__task_index(r, pid);

	cr_assert_geq(i, 0, "no row for pid %u", pid);
	return &r->tasks[i];
}

#endif
