/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage cli/: argument parsing, subcommand dispatch, help text; one file
 * per group of commands.  Must not: contain analysis, BPF calls or an
 * orchestration of its own (`run` and `trace` are trace/run.c and
 * trace/target.c).
 *
 * Subcommands.  Each returns the process exit code: 0 ok, 1 failure, 2 usage.
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <getopt.h>
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

/*
 * Colour when stdout is a terminal and NO_COLOR is unset or empty; the
 * terminal's width when it is one.
 */
void present_tty_defaults(struct present_opts *o);

/* -v / --verbose, anywhere among a command's options: one more level. */
void cli_verbose(void);
#define VERBOSE_LONG_OPTION { "verbose", no_argument, NULL, 'v' }

#define PRESENT_MIN_WIDTH 40
#define PRESENT_MAX_WIDTH 1000

/* 0, or a usage error (2) for an unknown --csv-table name. */
int check_csv_table(const char *cmd, const struct present_opts *o);

/*
 * Output options shared by trace, run, report (and timeline for --color,
 * --width).  Returns 1 if consumed, 0 if not one of them, 2 after a
 * usage error was printed for a bad value.
 */
int present_option(const char *cmd, int opt, const char *arg, struct present_opts *o);
#define COLOR_WIDTH_LONG_OPTIONS					\
	{ "color", required_argument, NULL, 'L' },			\
	{ "width", required_argument, NULL, 'W' }
/*
 * The help of PRESENT_LONG_OPTIONS (COLOR_WIDTH_HELP for the last two):
 * one text for every command that takes them.  The --csv-table names are
 * the writer's (report__csv_table_name); a unit test holds them together.
 */
#define PRESENT_OPTIONS_HELP							\
"  --json | --csv      machine-readable report (--csv: the per-thread table)\n"	\
"  --csv-table NAME    one CSV table: tasks, processes, roles, cpus, levels, queues,\n" \
"                      wakeups, migrations, slow-wakeups, waits (each task's wait\n" \
"                      objects), channels, locks (their tasks) or intervals (every\n" \
"                      task-state and CPU interval)\n" \
"  --timeline          also print the per-CPU terminal timeline\n"		\
"  --threads           also print the per-thread table\n"				\
"  --slower-than T     list each wakeup that waited longer than T for a CPU (1ms)\n" \
"  --perfetto FILE     also write a Perfetto trace\n"				\
"  --html FILE         also write an HTML timeline\n"
#define COLOR_WIDTH_HELP							\
"  --color WHEN        colour: auto (on a terminal, unless NO_COLOR is set),\n"	\
"                      always or never\n"					\
"  --width N           columns of the terminal timeline (default: the\n"	\
"                      terminal's width, else 100)\n"
/* --stacks, --folded FILE: present_option takes them (each command says what they do). */
#define STACKS_LONG_OPTIONS						\
	{ "stacks", no_argument, NULL, 'k' },				\
	{ "folded", required_argument, NULL, 'F' }
#define PRESENT_LONG_OPTIONS						\
	{ "json", no_argument, NULL, 'J' },				\
	{ "csv", no_argument, NULL, 'C' },				\
	{ "csv-table", required_argument, NULL, 'K' },			\
	{ "timeline", no_argument, NULL, 'T' },				\
	{ "perfetto", required_argument, NULL, 'P' },			\
	{ "html", required_argument, NULL, 'H' },			\
	{ "threads", no_argument, NULL, 'N' },				\
	{ "slower-than", required_argument, NULL, 'D' },		\
	COLOR_WIDTH_LONG_OPTIONS

/*
 * What each command accepts, for --help and for the test that holds the
 * help to the parser: its usage text and its long options ({ 0 } ends).
 */
struct cli_command_info {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const struct option *options;
	const char *short_opts;		/* getopt letters, ':' after those taking a value */
};
extern const struct cli_command_info cli_commands[];	/* { 0 } ends */
extern const char cli_main_usage[];

#define CLI_COMMAND(n)							\
	extern const char cli_##n##_usage[];				\
	extern const struct option cli_##n##_options[];			\
	extern const char cli_##n##_short[]
CLI_COMMAND(run);
CLI_COMMAND(record);
CLI_COMMAND(trace);
CLI_COMMAND(report);
CLI_COMMAND(timeline);
CLI_COMMAND(sweep);
CLI_COMMAND(profiles);
CLI_COMMAND(check);
CLI_COMMAND(dump);

#endif
