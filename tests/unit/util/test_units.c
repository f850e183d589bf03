// SPDX-License-Identifier: GPL-2.0
/* Counts and durations as text: what options, profiles and work specs accept, and how they print. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>

#include "util/units.h"

Test(units, bounded_integers)
{
	unsigned long long v = 7;

	cr_assert_eq(parse_u64("42", 1, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(parse_u64("18446744073709551615", 0, ~0ull, &v), 0);
	cr_assert_eq(v, ~0ull);
	v = 7;
	cr_assert_eq(parse_u64("0", 1, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("101", 1, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("-1", 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("+1", 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64(" 1", 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("12abc", 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("", 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64(NULL, 0, 100, &v), -EINVAL);
	cr_assert_eq(parse_u64("18446744073709551616", 0, ~0ull, &v), -EINVAL);
	cr_assert_eq(parse_u64("99999999999999999999999", 0, ~0ull, &v), -EINVAL);
	cr_assert_eq(v, 7, "untouched on error");
}

struct dur_case {
	char text[32];
	unsigned long long bare;	/* unit of a bare number, 0 = a unit is required */
	int err;
	unsigned long long ns;
};

static struct dur_case dur_cases[] = {
	{ "250ms", NS_PER_SEC, 0, 250000000ull },
	{ "2", NS_PER_SEC, 0, 2000000000ull },
	{ "1.5", NS_PER_SEC, 0, 1500000000ull },
	{ "1.5s", 0, 0, 1500000000ull },
	{ "0.25s", 0, 0, 250000000ull },
	{ "10us", 0, 0, 10000ull },
	{ "100ns", 0, 0, 100ull },
	{ "2m", 0, 0, 120000000000ull },
	{ "0.000000001s", 0, 0, 1 },
	{ "1.2345ms", 0, 0, 1234500 },
	{ "18446744073709551615ns", 0, 0, ~0ull },
	{ "5", 0, -EINVAL, 0 },			/* a bare number needs a unit here */
	{ "1.5ns", 0, -EINVAL, 0 },		/* not a whole ns */
	{ "0.0000000001s", 0, -EINVAL, 0 },	/* ten decimals */
	{ "18446744073709551616ns", 0, -EINVAL, 0 },
	{ "99999999999999999999s", 0, -EINVAL, 0 },
	{ "18446744074s", 0, -EINVAL, 0 },	/* overflows in ns */
	{ "-1", NS_PER_SEC, -EINVAL, 0 },
	{ "+1", NS_PER_SEC, -EINVAL, 0 },
	{ "1e3", NS_PER_SEC, -EINVAL, 0 },
	{ ".5", NS_PER_SEC, -EINVAL, 0 },
	{ "5.", NS_PER_SEC, -EINVAL, 0 },
	{ "5 parsecs", NS_PER_SEC, -EINVAL, 0 },
	{ "5 s", NS_PER_SEC, -EINVAL, 0 },
	{ "", NS_PER_SEC, -EINVAL, 0 },
};

ParameterizedTestParameters(units, durations)
{
	return cr_make_param_array(struct dur_case, dur_cases, sizeof(dur_cases) / sizeof(dur_cases[0]));
}

ParameterizedTest(struct dur_case *c, units, durations)
{
	unsigned long long ns = 42;

	cr_assert_eq(parse_duration(c->text, c->bare, &ns), c->err, "'%s'", c->text);
	cr_assert_eq(ns, c->err ? 42 : c->ns, "'%s': %llu", c->text, ns);
}

Test(units, the_options_take_seconds)
{
	unsigned long long ns;

	cr_assert_eq(parse_duration_ns("3", &ns), 0);
	cr_assert_eq(ns, 3 * NS_PER_SEC);
}

Test(units, exact_text_parses_back)
{
	static const unsigned long long v[] = { 0, 1, 999, 1000, 1500, 200000, 1000000, 1500000,
						5 * NS_PER_SEC, 90 * NS_PER_SEC, 1234567891 };
	char buf[32];

	cr_assert_str_eq(format_duration_exact(200000, buf, sizeof(buf)), "200us");
	cr_assert_str_eq(format_duration_exact(5 * NS_PER_SEC, buf, sizeof(buf)), "5s");
	cr_assert_str_eq(format_duration_exact(1500000, buf, sizeof(buf)), "1500us");
	cr_assert_str_eq(format_duration_exact(0, buf, sizeof(buf)), "0ns");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned long long back = ~0ull;

		format_duration_exact(v[i], buf, sizeof(buf));
		cr_assert_eq(parse_duration(buf, 0, &back), 0, "%s", buf);
		cr_assert_eq(back, v[i], "%s", buf);
	}
}

Test(units, short_text_fits_six_columns)
{
	char buf[32];

	cr_assert_str_eq(format_duration_short(999, buf, sizeof(buf)), "999ns");
	cr_assert_str_eq(format_duration_short(12345, buf, sizeof(buf)), "12.3us");
	cr_assert_str_eq(format_duration_short(1234567, buf, sizeof(buf)), "1.23ms");
	cr_assert_str_eq(format_duration_short(999499, buf, sizeof(buf)), "999us");
	cr_assert_str_eq(format_duration_short(999500, buf, sizeof(buf)), "1.00ms");
	cr_assert_str_eq(format_duration_short(123 * NS_PER_SEC, buf, sizeof(buf)), "123s");
}

Test(units, trimmed_text)
{
	char buf[32];

	cr_assert_str_eq(format_duration_trim(0, buf, sizeof(buf)), "0 ns");
	cr_assert_str_eq(format_duration_trim(750, buf, sizeof(buf)), "750 ns");
	cr_assert_str_eq(format_duration_trim(12500, buf, sizeof(buf)), "12.5 us");
	cr_assert_str_eq(format_duration_trim(3000000, buf, sizeof(buf)), "3 ms");
	cr_assert_str_eq(format_duration_trim(1250000000, buf, sizeof(buf)), "1.25 s");
}
