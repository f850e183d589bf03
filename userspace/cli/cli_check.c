// SPDX-License-Identifier: GPL-2.0
/* schedlab check: can this machine trace, and if not, exactly what is missing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace/check.h"

const char cli_check_usage[] =
"usage: schedlab check\n"
"\n"
"Says whether this machine can trace (privileges, kernel BTF, tp_btf or\n"
"raw_tp programs, uprobes) and exactly what is missing.  Exit 0 only when\n"
"tracing works.\n"
"\n"
"  -v, --verbose       more diagnostics on stderr\n"
"  -h, --help          this text\n";

const struct option cli_check_options[] = {
	{ "help", no_argument, NULL, 'h' },
	VERBOSE_LONG_OPTION,
	{ 0 },
};
const char cli_check_short[] = "hv";

int cmd_check(int argc, char **argv)
{
	int opt;

	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, cli_check_short, cli_check_options, NULL)) != -1) {
		if (opt == 'v') {
			cli_verbose();
			continue;
		}
		if (opt == 'h') {
			fputs(cli_check_usage, stdout);
			return 0;
		}
		return bad_option("check", argv, cli_check_short);
	}
	if (optind != argc)
		return usage_error("check", "takes no arguments");
	return check__run(stdout);
}
