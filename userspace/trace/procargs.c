// SPDX-License-Identifier: GPL-2.0
/*
 * Command lines for the names of foreign programs: comm alone says
 * "python3" for every script.  Read when the exec's record is drained,
 * a few milliseconds after the exec: a task that already exited has
 * none (its name stays comm).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "procargs.h"

int procargs__encode(const char *buf, size_t n, __u32 tid, __u64 ts, __u16 cpu,
		     struct sl_event *out)
{
	char text[SL_ARGV_LEN];
	int nrec;

	if (n > SL_ARGV_LEN)
		n = SL_ARGV_LEN;
	/* NULs between arguments become spaces; trailing ones go */
	while (n && buf[n - 1] == '\0')
		n--;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		text[i] = c == '\0' || c == '\n' || c == '\t' ? ' ' : (char)c;
	}
	nrec = (int)((n + 15) / 16);
	for (int k = 0; k < nrec; k++) {
		size_t len = n - (size_t)k * 16 < 16 ? n - (size_t)k * 16 : 16;

		memset(&out[k], 0, sizeof(out[k]));
		out[k].ts = ts;
		out[k].type = SL_EV_ARGV;
		out[k].flags = (__u8)k;
		out[k].cpu = cpu;
		out[k].pid = tid;
		memcpy(out[k].argv.text, text + (size_t)k * 16, len);
	}
	return nrec;
}

int procargs__events(pid_t tid, __u64 ts, __u16 cpu, struct sl_event *out)
{
	char path[48], buf[SL_ARGV_LEN];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	return procargs__encode(buf, (size_t)n, (__u32)tid, ts, cpu, out);
}
