// SPDX-License-Identifier: GPL-2.0
/*
 * The presenter: one stream to every output asked for.  Here, that the
 * off-CPU stacks are charged like the report's off-CPU time, repairs of
 * the stream included.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "evbuild.h"
#include "analysis/analysis_result.h"
#include "output/present.h"

#define MS 1000000ull

static struct sl_event ev_stack(__u64 ts, __u16 cpu, __u32 pid)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_STACK, .cpu = cpu, .pid = pid };

	e.stk.kstack = 1;
	e.stk.ustack = 2;
	return e;
}

static struct sl_event ev_out(__u64 ts, __u32 pid, __u64 runtime)
{
	struct sl_event e = ev_switch(ts, 0, pid, 0, SL_R_SLEEP, true, false);

	e.sw.state = 1;
	e.sw.prev_runtime = runtime;
	return e;
}

/* Σ of the folded file's values (µs) over its lines. */
static unsigned long long folded_us(const char *path)
{
	unsigned long long sum = 0;
	char line[1024];
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f, "no folded file");
	while (fgets(line, sizeof(line), f)) {
		char *sp = strrchr(line, ' ');

		cr_assert_not_null(sp, "%s", line);
		sum += strtoull(sp + 1, NULL, 10);
	}
	fclose(f);
	return sum;
}

/*
 * Task 10 blocks twice with the same stack.  The switch-in after its first
 * block never reached the stream: the analysis infers it from the kernel's
 * run time (a 0.5 ms slice before the second block), and the first block
 * is charged up to there, not dropped.
 */
Test(present, a_block_whose_switch_in_went_unreported_is_charged_to_the_inferred_one)
{
	char folded[] = "/tmp/sl-test-present-XXXXXX";
	struct present_opts o = { .format = PRESENT_NONE, .folded_path = folded };
	struct sl_trace_info ti;
	struct presenter *p;
	struct evbuf eb = { 0 };
	int fd = mkstemp(folded);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(folded);
	ti_init(&ti, 1, 1 * MS, 10 * MS);
	eb_push(&eb, ev_switch(1 * MS, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_out(2 * MS, 10, 1 * MS));
	eb_push(&eb, ev_stack(2 * MS, 0, 10));
	/* woken and switched in at 5.5 ms: neither reported */
	eb_push(&eb, ev_out(6 * MS, 10, 1 * MS + MS / 2));
	eb_push(&eb, ev_stack(6 * MS, 0, 10));
	eb_push(&eb, ev_wake(8 * MS, 0, 0, 10, false));
	eb_push(&eb, ev_switch(8 * MS + MS / 10, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(9 * MS, 0, 10, 0, SL_R_DEAD, true, false));

	cr_assert_eq(presenter__new(&o, &ti, &p), 0);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(presenter__sink(&eb.ev[i], p), 0, "event %zu", i);
	cr_assert_eq(presenter__finish(p, &ti, stdout), 0);
	cr_assert_eq(presenter__result(p)->inferred_switch_ins, 1);
	/* 2 -> 5.5 ms, then 6 -> 8.1 ms */
	cr_expect_eq(folded_us(folded), 3500 + 2100);
	presenter__free(p);
	unlink(folded);
	sl_trace_info__free(&ti);
	eb_free(&eb);
}
