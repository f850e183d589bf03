// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include "trace/kstat.h"

static const char sample[] =
"cat (5490, #threads: 1)\n"
"-------------------------------------------------------------------\n"
"se.exec_start                                :       5934468.595745\n"
"se.vruntime                                  :          3513.150625\n"
"se.sum_exec_runtime                          :            12.000345\n"
"se.nr_migrations                             :                    7\n"
"nr_switches                                  :                   42\n"
"nr_voluntary_switches                        :                   40\n"
"nr_involuntary_switches                      :                    2\n";

Test(kstat, parses_sched_file_exactly)
{
	struct sl_kstat k;

	cr_assert_eq(kstat__parse(sample, &k), 0);
	cr_assert(k.valid);
	cr_assert_eq(k.nvcsw, 40);
	cr_assert_eq(k.nivcsw, 2);
	cr_assert_eq(k.nr_migrations, 7);
	cr_assert_eq(k.sum_exec_runtime_ns, 12000345);	/* ms.nnnnnn -> ns, no rounding */
}

Test(kstat, rejects_missing_fields)
{
	struct sl_kstat k;

	cr_assert_eq(kstat__parse("nr_switches : 3\n", &k), -EINVAL);
	cr_assert(!k.valid);
}

/* Our own counters move as the kernel says: a yield is involuntary. */
Test(kstat, reads_live_task)
{
	struct sl_kstat a, b;

	cr_assert_eq(kstat__read(getpid(), getpid(), &a), 0);
	usleep(2000);
	cr_assert_eq(kstat__read(getpid(), getpid(), &b), 0);
	cr_assert_gt(b.nvcsw, a.nvcsw, "a sleep is a voluntary switch");
}

Test(kstat, parses_schedstat)
{
	struct sl_kstat k = { 0 };

	cr_assert_eq(kstat__parse_schedstat("12000345 987654321 42\n", &k), 0);
	cr_assert(k.sched_info);
	cr_assert_eq(k.run_delay_ns, 987654321);
	cr_assert_eq(k.pcount, 42);
	k.sched_info = false;
	cr_assert_eq(kstat__parse_schedstat("12 34\n", &k), -EINVAL, "two fields");
	cr_assert_eq(kstat__parse_schedstat("12 x 3\n", &k), -EINVAL);
	cr_assert_eq(kstat__parse_schedstat("1 2 3 4\n", &k), -EINVAL, "four fields");
	cr_assert(!k.sched_info);
}

/* Each time we are scheduled in counts in pcount, and /proc's file says so. */
Test(kstat, reads_schedstat_of_a_live_task)
{
	struct sl_kstat a, b;

	cr_assert_eq(kstat__read(getpid(), getpid(), &a), 0);
	if (!a.sched_info)
		cr_skip_test("no /proc/PID/schedstat (CONFIG_SCHED_INFO off)");
	usleep(2000);
	cr_assert_eq(kstat__read(getpid(), getpid(), &b), 0);
	cr_assert_gt(b.pcount, a.pcount, "a sleep ends with a switch-in");
	cr_assert_eq(b.pcount - a.pcount, b.nvcsw + b.nivcsw - a.nvcsw - a.nivcsw,
		     "every switch-in between two reads is followed by a switch-out");
}

/* The largest of the counts' moves between two reads, capped; none when a read failed. */
Test(kstat, moved_is_the_largest_move_of_a_count)
{
	struct sl_kstat a = { .valid = true, .nvcsw = 10, .nivcsw = 4, .nr_migrations = 7,
			      .sum_exec_runtime_ns = 100 };
	struct sl_kstat b = a;

	b.sum_exec_runtime_ns = 900;
	cr_assert_eq(kstat__moved(&a, &b), 0, "run time is not a count");
	b.nvcsw = 11;
	b.nr_migrations = 9;
	cr_assert_eq(kstat__moved(&a, &b), 2);
	a.sched_info = b.sched_info = true;
	b.pcount = 3;
	cr_assert_eq(kstat__moved(&a, &b), 3, "times scheduled in count when both have them");
	b.nvcsw = 10000;
	cr_assert_eq(kstat__moved(&a, &b), 255);
	b.valid = false;
	cr_assert_eq(kstat__moved(&a, &b), 0);
}
