// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cli.h"
#include "output/report.h"
#include "util/log.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("schedlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'schedlab %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
	return 2;
}

int bad_option(const char *cmd, char **argv, const char *shortopts)
{
	const char *opt = argv[optind - 1];
	const char *known;

	/*
	 * getopt leaves optopt 0 for an unknown long option, the option's
	 * value for a long one missing its argument, and the letter for a
	 * short one either unknown or missing its argument.
	 */
	if (optopt && opt[0] == '-' && opt[1] == '-') {
		const char *eq = strchr(opt, '=');

		if (eq)
			return usage_error(cmd, "option '%.*s' takes no value", (int)(eq - opt), opt);
		return usage_error(cmd, "option '%s' needs a value", opt);
	}
	known = optopt ? strchr(shortopts, optopt) : NULL;
	if (known && known[1] == ':')
		return usage_error(cmd, "option '-%c' needs a value", optopt);
	return usage_error(cmd, "unknown option '%s'", opt);
}

int check_csv_table(const char *cmd, const struct present_opts *o)
{
	enum report_csv_table t;
	char names[256] = "";
	const char *name;

	if (!o->csv_table || !report__csv_table_parse(o->csv_table, &t))
		return 0;
	/* the writer's own list: "tasks, ..., slow-wakeups or intervals" */
	for (unsigned int i = 0; (name = report__csv_table_name(i)); i++) {
		size_t len = strlen(names);

		snprintf(names + len, sizeof(names) - len, "%s%s", !i ? "" :
			 report__csv_table_name(i + 1) ? ", " : " or ", name);
	}
	return usage_error(cmd, "--csv-table: expected %s, got '%s'", names, o->csv_table);
}

/* NO_COLOR (https://no-color.org): set and not empty turns colour off by default. */
static bool color_auto(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

int present_option(const char *cmd, int opt, const char *arg, struct present_opts *o)
{
	unsigned long long v;

	switch (opt) {
	case 'L':
		if (!strcmp(arg, "always"))
			o->color = true;
		else if (!strcmp(arg, "never"))
			o->color = false;
		else if (!strcmp(arg, "auto"))
			o->color = color_auto();
		else
			goto bad_color;
		return 1;
	case 'W':
		if (parse_u64(arg, PRESENT_MIN_WIDTH, PRESENT_MAX_WIDTH, &v)) {
			usage_error(cmd, "--width: expected %d to %d columns, got '%s'",
				    PRESENT_MIN_WIDTH, PRESENT_MAX_WIDTH, arg);
			return 2;
		}
		o->width = (unsigned int)v;
		return 1;
	case 'D':
		if (parse_duration_ns(arg, &o->slower_than_ns) || !o->slower_than_ns) {
			usage_error(cmd, "--slower-than: expected a duration such as 1ms, 500us or 0.01, "
				    "got '%s'", arg);
			return 2;
		}
		return 1;
	case 'J':
		o->format = PRESENT_JSON;
		return 1;
	case 'C':
		o->format = PRESENT_CSV;
		return 1;
	case 'K':
		o->format = PRESENT_CSV;
		o->csv_table = arg;
		return 1;
	case 'T':
		o->ascii_timeline = true;
		return 1;
	case 'P':
		o->perfetto_path = arg;
		return 1;
	case 'H':
		o->html_path = arg;
		return 1;
	case 'N':
		o->threads = true;
		return 1;
	case 'k':	/* --stacks */
		o->stacks = true;
		return 1;
	case 'F':	/* --folded FILE: implies --stacks */
		o->stacks = true;
		o->folded_path = arg;
		return 1;
	}
	return 0;
bad_color:
	usage_error(cmd, "--color: expected auto, always or never, got '%s'", arg);
	return 2;
}

void present_tty_defaults(struct present_opts *o)
{
	struct winsize ws;

	o->color = color_auto();
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= PRESENT_MIN_WIDTH)
		o->width = ws.ws_col;
}

void cli_verbose(void)
{
	sl_log_level++;
}
