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
