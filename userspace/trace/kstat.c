// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kstat.h"

/*
 * se.sum_exec_runtime is printed as milliseconds with six decimals
 * ("12.345678"): the nanosecond value split by SPLIT_NS().  Rebuild the
 * exact integer instead of going through a double.
 */
static int parse_split_ns(const char *s, __u64 *ns)
{
	char *end;
	unsigned long long ms, frac;

	errno = 0;
	ms = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	frac = 0;
	if (*end == '.') {
		const char *f = end + 1;
		int digits = 0;

		while (*f >= '0' && *f <= '9' && digits < 6) {
			frac = frac * 10 + (unsigned long long)(*f - '0');
			f++;
			digits++;
		}
		while (digits++ < 6)
			frac *= 10;
	}
	*ns = ms * 1000000ULL + frac;
	return 0;
}

static const char *field_value(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;

	while ((p = strstr(p, name))) {
		/* whole field name at the start of a line, then spaces and ':' */
		if ((p == text || p[-1] == '\n') && (p[len] == ' ' || p[len] == ':')) {
			const char *colon = strchr(p + len, ':');

			if (!colon)
				return NULL;
			colon++;
			while (*colon == ' ')
				colon++;
			return colon;
		}
		p += len;
	}
	return NULL;
}

static int parse_u64_field(const char *text, const char *name, __u64 *v)
{
	const char *s = field_value(text, name);
	char *end;

	if (!s)
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s ? -EINVAL : 0;
}

int kstat__parse(const char *text, struct sl_kstat *out)
{
	const char *rt;

	memset(out, 0, sizeof(*out));
	if (parse_u64_field(text, "nr_voluntary_switches", &out->nvcsw) ||
	    parse_u64_field(text, "nr_involuntary_switches", &out->nivcsw) ||
	    parse_u64_field(text, "se.nr_migrations", &out->nr_migrations))
		return -EINVAL;
	rt = field_value(text, "se.sum_exec_runtime");
	if (!rt || parse_split_ns(rt, &out->sum_exec_runtime_ns))
		return -EINVAL;
	out->valid = true;
	return 0;
}

int kstat__parse_schedstat(const char *text, struct sl_kstat *out)
{
	unsigned long long v[3];
	const char *p = text;
	char *end;

	for (int i = 0; i < 3; i++) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno || end == p)
			return -EINVAL;
		p = end;
	}
	if (*p != '\n' && *p != '\0')
		return -EINVAL;
	out->run_delay_ns = v[1];
	out->pcount = v[2];
	out->sched_info = true;
	return 0;
}

/* Reads a small /proc file whole, NUL-terminated and bounded by n - 1.  0 or -errno. */
static int read_small(const char *path, char *buf, size_t n)
{
	ssize_t r = 0;
	size_t total = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (total < n - 1 && (r = read(fd, buf + total, n - 1 - total)) > 0)
		total += (size_t)r;
	err = r < 0 ? -errno : 0;
	close(fd);
	buf[total] = '\0';
	return err;
}

int kstat__read(pid_t pid, pid_t tid, struct sl_kstat *out)
{
	char path[64], buf[8192];
	int err;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/sched", (int)pid, (int)tid);
	err = read_small(path, buf, sizeof(buf));
	if (err)
		return err;
	err = kstat__parse(buf, out);
	if (err)
		return err;
	/* without CONFIG_SCHED_INFO the file is missing or all zeros: not checked */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	if (!read_small(path, buf, 128) && !kstat__parse_schedstat(buf, out) && !out->pcount &&
	    out->sum_exec_runtime_ns)
		out->sched_info = false;
	return 0;
}

static unsigned int moved_by(__u64 from, __u64 to, unsigned int most)
{
	__u64 d = to > from ? to - from : from - to;

	return d > most ? (unsigned int)d : most;
}

unsigned int kstat__moved(const struct sl_kstat *a, const struct sl_kstat *b)
{
	unsigned int m = 0;

	if (!a->valid || !b->valid)
		return 0;
	m = moved_by(a->nvcsw, b->nvcsw, m);
	m = moved_by(a->nivcsw, b->nivcsw, m);
	m = moved_by(a->nr_migrations, b->nr_migrations, m);
	if (a->sched_info && b->sched_info)
		m = moved_by(a->pcount, b->pcount, m);
	return m > 255 ? 255 : m;
}
