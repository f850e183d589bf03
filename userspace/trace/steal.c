// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "steal.h"

/* Fields of the "cpu" line, steal the 8th; a value past 2^53 ticks is not a count. */
#define STEAL_FIELD	8
#define MAX_TICKS	(1ull << 53)

int steal__parse(const char *text, long ticks_per_s, __u64 *ns)
{
	const char *p = text;
	unsigned long long v = 0;

	if (strncmp(p, "cpu ", 4) || ticks_per_s <= 0)
		return -EINVAL;
	p += 4;
	for (int i = 1; i <= STEAL_FIELD; i++) {
		char *end;

		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;	/* a kernel without the field: none known */
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || end == p || v > MAX_TICKS)
			return -EINVAL;
		p = end;
	}
	*ns = (__u64)(v * (1000000000ull / (unsigned long long)ticks_per_s));
	return 0;
}

int steal__read(__u64 *ns)
{
	char buf[512];
	ssize_t n;
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	/* the first line is all it takes, and fits */
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	return steal__parse(buf, sysconf(_SC_CLK_TCK), ns);
}
