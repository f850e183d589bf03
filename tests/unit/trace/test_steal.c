// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include "trace/steal.h"

Test(steal, reads_the_eighth_figure_of_the_cpu_line)
{
	__u64 ns = 0;

	cr_assert_eq(steal__parse("cpu  3675563 359476 2463456 6217362 134765 0 18749 60384 0 0\n"
				  "cpu0 1921860 73403 1388627 3018781 33749 0 894 29911 0 0\n",
				  100, &ns), 0);
	cr_assert_eq(ns, 60384ull * 10000000ull);	/* 100 ticks a second */
	cr_assert_eq(steal__parse("cpu  1 2 3 4 5 6 7 8\n", 250, &ns), 0);
	cr_assert_eq(ns, 8ull * 4000000ull);
}

Test(steal, refuses_what_is_not_a_cpu_line_with_steal)
{
	__u64 ns = 7;

	cr_assert_eq(steal__parse("cpu0 1 2 3 4 5 6 7 8\n", 100, &ns), -EINVAL);
	cr_assert_eq(steal__parse("cpu  1 2 3 4 5 6 7\n", 100, &ns), -EINVAL);	/* no steal field */
	cr_assert_eq(steal__parse("cpu  1 2 3 4 5 6 7 x\n", 100, &ns), -EINVAL);
	cr_assert_eq(steal__parse("cpu  1 2 3 4 5 6 7 99999999999999999999\n", 100, &ns), -EINVAL);
	cr_assert_eq(steal__parse("cpu  1 2 3 4 5 6 7 8\n", 0, &ns), -EINVAL);
	cr_assert_eq(ns, 7, "untouched on failure");
}

Test(steal, this_machine_has_a_reading)
{
	__u64 a = 0, b = 0;

	cr_assert_eq(steal__read(&a), 0);
	cr_assert_eq(steal__read(&b), 0);
	cr_assert_geq(b, a, "steal only grows");
}
