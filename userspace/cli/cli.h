/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands.  Each returns the process exit code: 0 ok, 1 failure, 2 usage. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stdbool.h>
#include "output/present.h"
#include "util/units.h"

int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);	/* also `record` */
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_profiles(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* Prints "schedlab: <msg>" and a hint to stderr; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After getopt returned '?': names the unknown option or the missing value. */
int bad_option(const char *cmd, char **argv, const char *shortopts);

/* parse_u64, parse_duration_ns: options' numbers (util/units.h) */

/* Colour and width from stdout when it is a terminal. */
void present_tty_defaults(struct present_opts *o);

/* 0, or a usage error (2) for an unknown --csv-table name. */
int check_csv_table(const char *cmd, const struct present_opts *o);

/*
 * Output options shared by trace, run and report.  Returns 1 if consumed,
 * 2 (a usage error, printed) for a bad value.
 */
int present_option(const char *cmd, int opt, const char *arg, struct present_opts *o);
#define PRESENT_LONG_OPTIONS						\
	{ "json", no_argument, NULL, 'J' },				\
	{ "csv", no_argument, NULL, 'C' },				\
	{ "csv-table", required_argument, NULL, 'K' },			\
	{ "timeline", no_argument, NULL, 'T' },				\
	{ "perfetto", required_argument, NULL, 'P' },			\
	{ "html", required_argument, NULL, 'H' },			\
	{ "threads", no_argument, NULL, 'N' },				\
	{ "slower-than", required_argument, NULL, 'S' }

#endif
