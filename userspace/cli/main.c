// SPDX-License-Identifier: GPL-2.0
/* schedlab: what the OS really did with your processes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "util/log.h"
#include "util/outfile.h"

#define SCHEDLAB_VERSION "0.1"

static const char usage[] =
"usage: schedlab [-v] COMMAND [OPTIONS]\n"
"\n"
"Runs a producer-consumer workload (or any program) under eBPF scheduler\n"
"probes and reports what the kernel did: multiprogramming, concurrency vs\n"
"parallelism, why each process left the CPU, and where the queue between\n"
"producers and consumers becomes the bottleneck.  Tracing needs root.\n"
"\n"
"commands:\n"
"  run [PROFILE|-f FILE] [KEY VALUE overrides] [-o TRACE]\n"
"                       run a workload profile under the tracer and report\n"
"  record [PROFILE|-f FILE] -o TRACE   run and record a trace, no report\n"
"  trace [-o TRACE] -- COMMAND [ARGS]  trace a command's process tree\n"
"  trace -p PID [-d SECONDS]           trace a running process\n"
"  report TRACE [--json|--csv]         report on a recorded trace\n"
"  timeline TRACE [--ascii|--perfetto F|--html F] [--by task] [--from T --to T] [--cpus LIST]\n"
"  sweep PROFILE --vary KEY=A..B [--svg F]  run a profile once per value\n"
"  profiles             list the built-in workload profiles\n"
"  check                can this machine trace? (root, BTF, tp_btf/raw_tp, uprobes)\n"
"  dump TRACE           print every event of a trace, one per line\n"
"\n"
"options for run, trace and report:\n"
"  --json | --csv       machine-readable report on stdout (docs/json-schema.md)\n"
"  --csv-table NAME     one CSV table: tasks processes roles cpus levels queues\n"
"                       wakeups migrations intervals\n"
"  --timeline           also print the per-CPU terminal timeline\n"
"  --threads            also print the per-thread table (rows are processes)\n"
"  --slower-than T      list each wakeup that waited longer than T for a CPU\n"
"  --perfetto FILE      also write a Perfetto trace (open in ui.perfetto.dev)\n"
"  --html FILE          also write a self-contained HTML timeline\n"
"  --raw-tp             use raw_tp probes even where tp_btf works\n"
"\n"
"  -v                   more diagnostics on stderr (-vv: libbpf too)\n"
"  -h, --help           this text;  schedlab COMMAND --help for one command\n"
"  --version            print the version\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error; `trace` passes the\n"
"traced command's status through.  See docs/usage.md and schedlab(1).\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "record", cmd_record },
	{ "trace", cmd_trace },
	{ "report", cmd_report },
	{ "timeline", cmd_timeline },
	{ "sweep", cmd_sweep },
	{ "profiles", cmd_profiles },
	{ "check", cmd_check },
	{ "dump", cmd_dump },
};

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
	/* Leading -v flags apply to every command. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == 'v'; i++) {
		const char *p = argv[i] + 1;

		while (*p == 'v') {
			sl_log_level++;
			p++;
		}
		if (*p)
			return usage_error(NULL, "unknown option '%s'", argv[i]);
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[i], "--version")) {
		printf("schedlab %s\n", SCHEDLAB_VERSION);
		return 0;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return close_stdout(commands[c].fn(argc - i, argv + i));
	return usage_error(NULL, "unknown command '%s'", argv[i]);
}
