/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers and durations as text, both ways: the one parser of a count and
 * of a duration that options, profiles and work specs all accept, and the
 * three ways a duration is printed.  Durations are ns.
 */
#ifndef SL_UNITS_H
#define SL_UNITS_H

#include <stddef.h>

#define NS_PER_SEC	1000000000ull

/*
 * A decimal integer in [min, max]: digits only (no sign, no blanks, no
 * trailing text).  0, or -EINVAL with *out untouched.
 */
int parse_u64(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out);

/*
 * "200us", "1.5ms", "2s", "1m", "100ns": a decimal number (up to nine
 * digits after the point) and a unit; a bare number is taken in
 * bare_unit_ns (0: a unit is required).  Exact: the result must be a whole
 * number of ns ("1.5ns" is refused).  0, or -EINVAL (also on overflow).
 */
int parse_duration(const char *s, unsigned long long bare_unit_ns, unsigned long long *ns);

/* The options' form: a bare number is seconds ("1.5", "250ms", "2s"). */
static inline int parse_duration_ns(const char *s, unsigned long long *ns)
{
	return parse_duration(s, NS_PER_SEC, ns);
}

/* Shortest exact text, parsing back to the same value: "200us", "5s", "1500us". */
const char *format_duration_exact(unsigned long long ns, char *buf, size_t n);
/* At most 6 characters with the unit, 3 significant digits: "999ns", "12.3us", "1.23ms", "123s". */
const char *format_duration_short(unsigned long long ns, char *buf, size_t n);
/* Up to 3 decimals, trailing zeros dropped, a space before the unit: "750 ns", "1.5 ms". */
const char *format_duration_trim(unsigned long long ns, char *buf, size_t n);

#endif
