// SPDX-License-Identifier: GPL-2.0
/* Command lines as ARGV records: split in 16-byte chunks, bounded, NULs as spaces. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>
#include "trace/procargs.h"

static void join(const struct sl_event *ev, int n, char *out)
{
	size_t len = 0;

	for (int k = 0; k < n; k++) {
		cr_assert_eq(ev[k].type, SL_EV_ARGV);
		cr_assert_eq(ev[k].flags, k);
		memcpy(out + len, ev[k].argv.text, 16);
		len += strnlen(ev[k].argv.text, 16);
	}
	out[len] = '\0';
}

Test(procargs, chunks_and_spaces)
{
	static const char cmd[] = "/usr/bin/python3\0pc.py\0--items\0" "10\0";
	struct sl_event ev[SL_ARGV_CHUNKS];
	char text[SL_ARGV_LEN + 1];
	int n = procargs__encode(cmd, sizeof(cmd) - 1, 42, 1000, 3, ev);

	/* 33 bytes without the trailing NUL: three chunks */
	cr_assert_eq(n, 3);
	cr_assert_eq(ev[1].pid, 42);
	cr_assert_eq(ev[1].ts, 1000);
	cr_assert_eq(ev[1].cpu, 3);
	join(ev, n, text);
	cr_assert_str_eq(text, "/usr/bin/python3 pc.py --items 10");
}

Test(procargs, cut_at_the_limit_and_empty)
{
	char big[200], text[SL_ARGV_LEN + 1];
	struct sl_event ev[SL_ARGV_CHUNKS];
	int n;

	memset(big, 'a', sizeof(big));
	n = procargs__encode(big, sizeof(big), 1, 1, 0, ev);
	cr_assert_eq(n, SL_ARGV_CHUNKS);
	join(ev, n, text);
	cr_assert_eq(strlen(text), SL_ARGV_LEN);
	cr_assert_eq(procargs__encode("\0\0", 2, 1, 1, 0, ev), 0);
	cr_assert_eq(procargs__encode("", 0, 1, 1, 0, ev), 0);
}

/* Our own command line (the test runner's), read from /proc. */
Test(procargs, reads_proc)
{
	struct sl_event ev[SL_ARGV_CHUNKS];
	char text[SL_ARGV_LEN + 1];
	int n = procargs__events(getpid(), 1, 0, ev);

	cr_assert_gt(n, 0);
	join(ev, n, text);
	cr_assert_neq(text[0], '\0');
	cr_assert_eq(strchr(text, '\n'), NULL);
	cr_assert_eq(procargs__events(0x7ffffff0, 1, 0, ev), 0, "no such task");
}
