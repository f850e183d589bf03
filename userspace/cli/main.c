// SPDX-License-Identifier: GPL-2.0
/* schedlab: what the OS really did with your processes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "util/log.h"
#include "util/outfile.h"

#define SCHEDLAB_VERSION "0.1"

/*
 * Reports, CSV and dumps go to stdout: a full disk or a closed pipe there is
 * a failure too, said in one line, never an exit 0 with the data lost.
 */
static int close_stdout(int ret)
{
	int err = outfile__stdout_error();

	if (!err)
		return ret;
	pr_err("cannot write to standard output: %s", strerror(-err));
	return ret ? ret : 1;
}

int main(int argc, char **argv)
{
	int i = 1;

	outfile__keep_stdout_errors();
	/* Leading -v flags apply to every command (each command takes them too). */
	for (; i < argc && argv[i][0] == '-' &&
	       (argv[i][1] == 'v' || !strcmp(argv[i], "--verbose")); i++) {
		const char *p = argv[i] + 1;

		if (!strcmp(argv[i], "--verbose")) {
			sl_log_level++;
			continue;
		}
		while (*p == 'v') {
			sl_log_level++;
			p++;
		}
		if (*p)
			return usage_error(NULL, "unknown option '%s'", argv[i]);
	}
	if (i >= argc) {
		fputs(cli_main_usage, stderr);
		return 2;
	}
	if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
		fputs(cli_main_usage, stdout);
		return 0;
	}
	if (!strcmp(argv[i], "--version")) {
		printf("schedlab %s\n", SCHEDLAB_VERSION);
		return 0;
	}
	for (const struct cli_command_info *c = cli_commands; c->name; c++)
		if (!strcmp(argv[i], c->name))
			return close_stdout(c->fn(argc - i, argv + i));
	return usage_error(NULL, "unknown command '%s'", argv[i]);
}
