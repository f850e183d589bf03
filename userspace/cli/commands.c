// SPDX-License-Identifier: GPL-2.0
/* The command table: what main dispatches, what each --help and completion list. */
#include "cli.h"

const char cli_main_usage[] =
"usage: schedlab [-v] COMMAND [OPTIONS]\n"
"\n"
"Runs a producer-consumer workload (or any program) under eBPF scheduler\n"
"probes and reports what the kernel did: multiprogramming, concurrency vs\n"
"parallelism, why each process left the CPU, and where the queue between\n"
"producers and consumers becomes the bottleneck.  Tracing needs root.\n"
"\n"
"commands:\n"
"  run [PROFILE|-f FILE] [--KEY VALUE overrides] [-o TRACE]\n"
"                       run a workload profile under the tracer and report\n"
"  record [PROFILE|-f FILE] -o TRACE   run and record a trace, no report\n"
"  trace [-o TRACE] -- COMMAND [ARGS]  trace a command's process tree\n"
"  trace -p PID [-d T]                 trace a running process\n"
"  trace --cgroup PATH [-d T]          trace every process in a cgroup\n"
"  report TRACE [--json|--csv]         report on a recorded trace\n"
"  timeline TRACE [--ascii|--perfetto F|--html F]  per-core timelines\n"
"  sweep PROFILE --vary KEY=A..B [--svg F]  run a profile once per value\n"
"  profiles             list the built-in workload profiles\n"
"  check                can this machine trace? (root, BTF, tp_btf/raw_tp, uprobes)\n"
"  dump TRACE           print every event of a trace, one per line\n"
"\n"
"Each command's options: schedlab COMMAND --help.  Reports on stdout:\n"
"text, or --json / --csv (run, trace, report; docs/json-schema.md).\n"
"\n"
"  -v, --verbose        more diagnostics on stderr (-vv: libbpf too); also\n"
"                       accepted among any command's options\n"
"  -h, --help           this text\n"
"  --version            print the version\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error; `trace` passes the\n"
"traced command's status through.  See docs/usage.md and schedlab(1).\n";

const struct cli_command_info cli_commands[] = {
	{ "run", cmd_run, cli_run_usage, cli_run_options, cli_run_short },
	{ "record", cmd_record, cli_record_usage, cli_record_options, cli_record_short },
	{ "trace", cmd_trace, cli_trace_usage, cli_trace_options, cli_trace_short },
	{ "report", cmd_report, cli_report_usage, cli_report_options, cli_report_short },
	{ "timeline", cmd_timeline, cli_timeline_usage, cli_timeline_options, cli_timeline_short },
	{ "sweep", cmd_sweep, cli_sweep_usage, cli_sweep_options, cli_sweep_short },
	{ "profiles", cmd_profiles, cli_profiles_usage, cli_profiles_options, cli_profiles_short },
	{ "check", cmd_check, cli_check_usage, cli_check_options, cli_check_short },
	{ "dump", cmd_dump, cli_dump_usage, cli_dump_options, cli_dump_short },
	{ 0 },
};
