// SPDX-License-Identifier: GPL-2.0
/*
 * schedlab trace -- COMMAND | -p PID | --cgroup PATH: its options and
 * help.  What it does is trace/target.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "trace/cgroup.h"
#include "trace/check.h"
#include "trace/target.h"
#include "util/log.h"

const char cli_trace_usage[] =
"usage: schedlab trace [OPTIONS] -- COMMAND [ARGS...]\n"
"       schedlab trace [OPTIONS] -p PID [-d SECONDS]\n"
"       schedlab trace [OPTIONS] --cgroup PATH [-d SECONDS]\n"
"\n"
"Traces COMMAND's whole process tree until COMMAND exits (or PID until it\n"
"exits, or for SECONDS) and prints the process tree: on-CPU time,\n"
"voluntary and involuntary switches, wakeups and off-CPU time by reason per\n"
"process (--threads: per thread too), checked against the kernel's own\n"
"counters.\n"
"COMMAND's exit status is passed through (128+N if killed by signal N,\n"
"127 if it could not be run).  With --json or --csv the report owns\n"
"standard output and COMMAND's standard output goes to standard error.\n"
"\n"
"  -o, --output FILE   also record the trace to FILE (see 'schedlab report')\n"
"  -p, --pid PID       trace a running process (all its threads), the processes it\n"
"                      started that still run, and those they all start from then on\n"
"  --cgroup PATH       trace every process in cgroup PATH and the cgroups below\n"
"                      it, those that enter later too, until Ctrl-C or -d\n"
"                      (cgroup v2: a path under its mount point, or from it)\n"
"  -d, --duration T    with -p or --cgroup: stop after T (e.g. 5, 500ms, 2s)\n"
PRESENT_OPTIONS_HELP
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --stacks            kernel and user stacks where tasks blocked, with the\n"
"                      off-CPU time of each (user stacks need frame pointers)\n"
"  --folded FILE       also write them as folded stacks (flamegraph.pl,\n"
"                      inferno, speedscope), weighted in microseconds; implies\n"
"                      --stacks\n"
COLOR_WIDTH_HELP
"  -v, --verbose       more diagnostics on stderr (twice: libbpf's too)\n"
"  -h, --help          this text\n";

struct trace_args {
	const char *output;
	const char *cgroup;
	char cgroup_dir[4096];
	pid_t pid;
	unsigned long long duration_ns;
	struct tracer_opts tracer;
	struct present_opts present;
	char **command;
};

const struct option cli_trace_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pid", required_argument, NULL, 'p' },
	{ "duration", required_argument, NULL, 'd' },
	{ "cgroup", required_argument, NULL, 'G' },
	{ "raw-tp", no_argument, NULL, 'R' },
	STACKS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	VERBOSE_LONG_OPTION,
	PRESENT_LONG_OPTIONS,
	{ 0 },
};
/* '+': stop at the first non-option, the command's own arguments */
const char cli_trace_short[] = "+o:p:d:hv";

static int parse_trace_args(int argc, char **argv, struct trace_args *a)
{
	unsigned long long v;
	int opt, ret;

	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, cli_trace_short, cli_trace_options, NULL)) != -1) {
		ret = present_option("trace", opt, optarg, &a->present);
		if (ret == 2)
			return 2;
		if (ret)
			continue;
		switch (opt) {
		case 'v':
			cli_verbose();
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, TARGET_PID_MAX, &v))
				return usage_error("trace", "-p: expected a process id, got '%s'", optarg);
			a->pid = (pid_t)v;
			break;
		case 'd':
			if (parse_duration_ns(optarg, &a->duration_ns) || !a->duration_ns)
				return usage_error("trace", "-d: expected a duration such as 5, 500ms or 2s, got '%s'",
						   optarg);
			break;
		case 'G':
			a->cgroup = optarg;
			break;
		case 'R':
			a->tracer.mode = TRACER_RAW_TP;
			break;
		case 'h':
			fputs(cli_trace_usage, stdout);
			exit(0);
		default:
			return bad_option("trace", argv, cli_trace_short);
		}
	}
	if (optind < argc)
		a->command = argv + optind;
	if (!a->command && !a->pid && !a->cgroup)
		return usage_error("trace", "give a command after '--', -p PID or --cgroup PATH");
	if (!!a->command + !!a->pid + !!a->cgroup > 1)
		return usage_error("trace", "give one of a command, -p PID and --cgroup PATH");
	if (a->duration_ns && !a->pid && !a->cgroup)
		return usage_error("trace", "-d goes with -p or --cgroup");
	if (a->cgroup) {
		int err = cgroup__resolve(a->cgroup, a->cgroup_dir, sizeof(a->cgroup_dir));

		if (err == -EINVAL)
			return usage_error("trace", "--cgroup: %s is not a cgroup v2 directory", a->cgroup);
		if (err)
			return usage_error("trace", "--cgroup: %s: %s", a->cgroup, strerror(-err));
	}
	return check_csv_table("trace", &a->present);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { 0 };
	struct target_opts to = { 0 };
	const char *priv;
	int err, exit_code = 0;

	present_tty_defaults(&a.present);
	err = parse_trace_args(argc, argv, &a);
	if (err)
		return err;
	priv = check__privileges();
	if (priv) {
		pr_err("%s", priv);
		return 1;
	}
	to.command = a.command;
	to.pid = a.pid;
	to.cgroup_dir = a.cgroup ? a.cgroup_dir : NULL;
	to.duration_ns = a.duration_ns;
	to.trace_path = a.output;
	to.mode = a.tracer.mode;
	to.stacks = a.present.stacks;
	if (target__trace(&to, &a.present, stdout, &exit_code))
		return 1;
	return exit_code;
}
