// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "units.h"

int parse_u64(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (d > 9 || v > (~0ull - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static const struct {
	const char *suffix;
	unsigned long long ns;
} units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", NS_PER_SEC }, { "m", 60 * NS_PER_SEC },
};

int parse_duration(const char *s, unsigned long long bare_unit_ns, unsigned long long *ns)
{
	unsigned long long whole = 0, frac = 0, scale = 1, mult = 0;
	unsigned __int128 v;
	int digits = 0;

	if (!s)
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (whole > (~0ull - d) / 10)
			return -EINVAL;
		whole = whole * 10 + d;
	}
	if (*s == '.') {
		int fdigits = 0;

		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits == 9)
				return -EINVAL;	/* finer than a ns of any unit */
			frac = frac * 10 + (unsigned long long)(*s - '0');
			scale *= 10;
		}
		if (!fdigits)
			return -EINVAL;
	}
	if (!digits)
		return -EINVAL;
	if (!*s) {
		mult = bare_unit_ns;
	} else {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(s, units[i].suffix))
				mult = units[i].ns;
	}
	if (!mult)
		return -EINVAL;
	/* whole x mult + frac x mult / scale, exactly, without overflow */
	v = (unsigned __int128)whole * mult + (unsigned __int128)frac * mult / scale;
	if ((unsigned __int128)frac * mult % scale || v > ~0ull)
		return -EINVAL;
	*ns = (unsigned long long)v;
	return 0;
}

const char *format_duration_exact(unsigned long long ns, char *buf, size_t n)
{
	/* the largest unit that divides it; 0 is "0ns" */
	for (size_t i = sizeof(units) / sizeof(units[0]) - 1; i > 0; i--) {
		if (units[i].ns == 60 * NS_PER_SEC)
			continue;	/* minutes are accepted, not written */
		if (ns && ns % units[i].ns == 0) {
			snprintf(buf, n, "%llu%s", ns / units[i].ns, units[i].suffix);
			return buf;
		}
	}
	snprintf(buf, n, "%lluns", ns);
	return buf;
}

static const char *scaled(char *buf, size_t n, double v, const char *unit)
{
	if (v < 9.995)
		snprintf(buf, n, "%.2f%s", v, unit);
	else if (v < 99.95)
		snprintf(buf, n, "%.1f%s", v, unit);
	else
		snprintf(buf, n, "%.0f%s", v, unit);
	return buf;
}

const char *format_duration_short(unsigned long long ns, char *buf, size_t n)
{
	if (ns < 1000)
		snprintf(buf, n, "%lluns", ns);
	else if (ns < 999500)
		scaled(buf, n, ns / 1e3, "us");
	else if (ns < 999500000ull)
		scaled(buf, n, ns / 1e6, "ms");
	else
		scaled(buf, n, ns / 1e9, "s");
	return buf;
}

const char *format_duration_trim(unsigned long long ns, char *buf, size_t n)
{
	char num[32], *p;

	for (size_t i = 3; i > 0; i--) {
		if (ns < units[i].ns)
			continue;
		snprintf(num, sizeof(num), "%.3f", (double)ns / (double)units[i].ns);
		p = num + strlen(num) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
		snprintf(buf, n, "%s %s", num, units[i].suffix);
		return buf;
	}
	snprintf(buf, n, "%llu ns", ns);
	return buf;
}
