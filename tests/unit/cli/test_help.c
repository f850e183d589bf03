// SPDX-License-Identifier: GPL-2.0
/*
 * Every command's --help lists exactly what its parser accepts: each long
 * and short option of its table is in the help, and each option the help
 * lists is in the table.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>
#include "cli/cli.h"

/* "--name" in text, not as the prefix of a longer option. */
static bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, "--")); p += 2)
		if (!strncmp(p + 2, name, n) && !(isalnum((unsigned char)p[2 + n]) || p[2 + n] == '-'))
			return true;
	return false;
}

static bool mentions_short(const char *text, char c)
{
	for (const char *p = text; (p = strchr(p, '-')); p++)
		if (p[1] == c && (p == text || p[-1] == ' ') && !isalnum((unsigned char)p[2]))
			return true;
	return false;
}

static const struct option *long_of(const struct option *opts, const char *name, size_t len)
{
	for (const struct option *o = opts; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

Test(help, every_option_of_every_command_is_in_its_help)
{
	for (const struct cli_command_info *c = cli_commands; c->name; c++) {
		for (const struct option *o = c->options; o->name; o++)
			cr_expect(mentions(c->usage, o->name), "%s --help lacks --%s", c->name, o->name);
		for (const char *s = c->short_opts; *s; s++)
			if (*s != '+' && *s != ':')
				cr_expect(mentions_short(c->usage, *s), "%s --help lacks -%c", c->name, *s);
	}
}

/*
 * The option list of a help text: lines that start with "  -".  Every
 * option named in their first column must be accepted.
 */
Test(help, every_option_in_a_help_is_accepted)
{
	for (const struct cli_command_info *c = cli_commands; c->name; c++) {
		int listed = 0;

		for (const char *line = c->usage; *line; ) {
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			/* the first column ends at the first run of two spaces after the option */
			const char *col_end = len > 4 ? strstr(line + 3, "  ") : NULL;

			if (len > 3 && !strncmp(line, "  -", 3) && col_end && col_end < line + len) {
				for (const char *p = line + 2; p < col_end; p++) {
					size_t n = 0;

					if (*p != '-' || (p > line && p[-1] != ' '))
						continue;
					if (p[1] == '-') {
						while (isalnum((unsigned char)p[2 + n]) || p[2 + n] == '-')
							n++;
						cr_expect_not_null(long_of(c->options, p + 2, n),
								   "%s --help lists --%.*s, which it does not accept",
								   c->name, (int)n, p + 2);
						p += 1 + n;
					} else if (isalpha((unsigned char)p[1])) {
						cr_expect_not_null(strchr(c->short_opts, p[1]),
								   "%s --help lists -%c, which it does not accept",
								   c->name, p[1]);
					}
					listed++;
				}
			}
			line += len + (end ? 1 : 0);
		}
		cr_expect_gt(listed, 0, "%s --help lists no options", c->name);
	}
}

Test(help, main_help_names_every_command_and_no_command_option)
{
	for (const struct cli_command_info *c = cli_commands; c->name; c++) {
		char want[32];

		snprintf(want, sizeof(want), "\n  %s ", c->name);
		cr_expect_not_null(strstr(cli_main_usage, want), "schedlab --help lacks %s", c->name);
	}
	/* a command's options belong to its own --help (report --raw-tp was listed once) */
	cr_expect(!mentions(cli_main_usage, "raw-tp"));
	cr_expect(mentions(cli_main_usage, "version"));
	cr_expect(mentions(cli_main_usage, "verbose"));
}
