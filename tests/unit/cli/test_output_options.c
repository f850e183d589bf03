// SPDX-License-Identifier: GPL-2.0
/* The output options' help is one text, and names every table the CSV writer has. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli/cli.h"
#include "output/report.h"

Test(output_options, help_names_every_csv_table)
{
	const char *name;
	unsigned int n = 0;

	for (unsigned int i = 0; (name = report__csv_table_name(i)); i++, n++) {
		enum report_csv_table t;

		cr_assert_not_null(strstr(PRESENT_OPTIONS_HELP, name), "help lacks the %s table", name);
		cr_assert_eq(report__csv_table_parse(name, &t), 0);
		cr_assert_eq(t, i);
	}
	cr_assert_eq(n, REPORT_CSV_MAX);
}

Test(output_options, one_text_in_every_command)
{
	extern const char cli_report_usage[], cli_run_usage[], cli_trace_usage[];

	cr_assert_not_null(strstr(cli_report_usage, PRESENT_OPTIONS_HELP COLOR_WIDTH_HELP));
	cr_assert_not_null(strstr(cli_run_usage, PRESENT_OPTIONS_HELP));
	cr_assert_not_null(strstr(cli_trace_usage, PRESENT_OPTIONS_HELP));
	cr_assert_not_null(strstr(cli_run_usage, COLOR_WIDTH_HELP));
	cr_assert_not_null(strstr(cli_trace_usage, COLOR_WIDTH_HELP));
}
