// SPDX-License-Identifier: GPL-2.0
/* schedlab check: can this machine trace, and if not, exactly what is missing. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace/check.h"

int cmd_check(int argc, char **argv)
{
	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			puts("usage: schedlab check\n\nSays whether this machine can trace (privileges, kernel BTF,\n"
			     "tp_btf or raw_tp programs, uprobes) and exactly what is missing.\n"
			     "Exit 0 only when tracing works.");
			return 0;
		}
		return usage_error("check", "takes no arguments");
	}
	return check__run(stdout);
}
