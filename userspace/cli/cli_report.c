// SPDX-License-Identifier: GPL-2.0
/* Commands that read a recorded trace: report, timeline, dump. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/explain.h"
#include "cli.h"
#include "util/log.h"
#include "output/present.h"
#include "output/timeline_tasks.h"
#include "util/units.h"
#include "trace/session.h"
#include "format/tracefile.h"
#include "format/wait.h"

const char cli_report_usage[] =
"usage: schedlab report TRACE [OPTIONS]\n"
"\n"
"Reports on a trace recorded with -o: the same report `run` and `trace`\n"
"print live.  An empty, foreign or corrupt file is refused (exit 1); a\n"
"trace cut short is read up to its last complete block, with a warning.\n"
"\n"
PRESENT_OPTIONS_HELP
COLOR_WIDTH_HELP
"  --stacks            the off-CPU stacks of a trace recorded with trace --stacks\n"
"  --folded FILE       also write them as folded stacks; implies --stacks\n"
"  -v, --verbose       more diagnostics on stderr\n"
"  -h, --help          this text\n";

const struct option cli_report_options[] = {
	{ "help", no_argument, NULL, 'h' },
	STACKS_LONG_OPTIONS,
	VERBOSE_LONG_OPTION,
	PRESENT_LONG_OPTIONS,
	{ 0 },
};
const char cli_report_short[] = "hv";

const char cli_timeline_usage[] =
"usage: schedlab timeline TRACE [OPTIONS]\n"
"\n"
"Per-core timelines of a recorded trace (docs/timelines.md).\n"
"\n"
"  --ascii             draw the terminal maps (the default when no file is\n"
"                      asked for): one lane per CPU (who held it), then one\n"
"                      lane per task (its state), each with the queue depth\n"
"  --by cpu|task       draw only the CPU map or only the task map\n"
"  --from T, --to T    zoom: times from the start of the trace (1.5, 200ms, 2s)\n"
"  --cpus LIST         only these CPU lanes (0,2-3)\n"
"  --perfetto FILE     write a trace for ui.perfetto.dev\n"
"  --html FILE         write a self-contained page for a browser\n"
COLOR_WIDTH_HELP
"  -v, --verbose       more diagnostics on stderr\n"
"  -h, --help          this text\n";

const struct option cli_timeline_options[] = {
	{ "ascii", no_argument, NULL, 'a' },
	{ "perfetto", required_argument, NULL, 'P' },
	{ "html", required_argument, NULL, 'H' },
	{ "by", required_argument, NULL, 'b' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	VERBOSE_LONG_OPTION,
	COLOR_WIDTH_LONG_OPTIONS,
	{ 0 },
};
const char cli_timeline_short[] = "hv";

const char cli_dump_usage[] =
"usage: schedlab dump [--check] TRACE\n"
"\n"
"Prints every event of a trace, one per line, in time order.\n"
"\n"
"  --check             instead check the stream's invariants (every switch-out\n"
"                      of a traced task follows its switch-in on that CPU, every\n"
"                      change of CPU a migrate record) and print each record the\n"
"                      kernel did not report, as the analysis infers it, then a\n"
"                      summary line\n"
"  -v, --verbose       more diagnostics on stderr\n"
"  -h, --help          this text\n";

const struct option cli_dump_options[] = {
	{ "check", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	VERBOSE_LONG_OPTION,
	{ 0 },
};
const char cli_dump_short[] = "hv";


/* Replays a file into a presenter and prints.  Shared by report/timeline. */
/* --cpus and --from against the trace: a usage error (2) when they miss it. */
static int check_window(const struct present_opts *po, const struct sl_trace_info *ti)
{
	bool mask[SL_MAX_CPUS];
	char span[32];

	if (po->cpus && tl_parse_cpu_list(po->cpus, ti->ncpu, mask))
		return usage_error("timeline", "--cpus %s: the trace has CPUs 0 to %u", po->cpus,
				   ti->ncpu - 1);
	if (po->from_ns && po->from_ns >= ti->end_ts - ti->start_ts)
		return usage_error("timeline", "--from: the trace ends at %s, nothing to draw after it",
				   format_duration_trim(ti->end_ts - ti->start_ts, span, sizeof(span)));
	return 0;
}

static int present_file(const char *path, struct present_opts *po)
{
	struct sl_trace_info ti = { 0 };
	struct tracefile_reader *r;
	struct presenter *pr = NULL;
	char err[256];
	int ret = 1;

	/* header and footer first: the presenter wants the trace-wide info */
	if (tracefile__open(path, &ti, &r, err, sizeof(err))) {
		pr_err("%s: %s", path, err);
		return 1;
	}
	if (tracefile__warning(r))
		pr_warn("%s: %s", path, tracefile__warning(r));
	ret = check_window(po, &ti);
	if (ret) {
		tracefile__close(r);
		goto out;
	}
	ret = 1;
	if (presenter__new(po, &ti, &pr)) {
		tracefile__close(r);
		goto out;
	}
	if (replay_events(r, presenter__sink, pr, err, sizeof(err))) {
		if (err[0])
			pr_err("%s: %s", path, err);
		goto out;
	}
	ret = presenter__finish(pr, &ti, stdout) ? 1 : 0;
out:
	presenter__free(pr);
	sl_trace_info__free(&ti);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct present_opts po = { 0 };
	int opt, ret;

	present_tty_defaults(&po);
	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, cli_report_short, cli_report_options, NULL)) != -1) {
		ret = present_option("report", opt, optarg, &po);
		if (ret == 2)
			return 2;
		if (ret)
			continue;
		if (opt == 'v') {
			cli_verbose();
			continue;
		}
		if (opt == 'h') {
			fputs(cli_report_usage, stdout);
			return 0;
		}
		return bad_option("report", argv, cli_report_short);
	}
	if (optind != argc - 1)
		return usage_error("report", "expected exactly one trace file");
	if (check_csv_table("report", &po))
		return 2;
	return present_file(argv[optind], &po);
}

int cmd_timeline(int argc, char **argv)
{
	struct present_opts po = { .format = PRESENT_NONE };
	unsigned long long ns;
	bool ascii = false;
	int opt, ret;

	present_tty_defaults(&po);
	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, cli_timeline_short, cli_timeline_options, NULL)) != -1) {
		if (opt == 'L' || opt == 'W') {
			ret = present_option("timeline", opt, optarg, &po);
			if (ret == 2)
				return 2;
			continue;
		}
		switch (opt) {
		case 'v':
			cli_verbose();
			break;
		case 'a':
			ascii = true;
			break;
		case 'P':
			po.perfetto_path = optarg;
			break;
		case 'H':
			po.html_path = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "cpu") && strcmp(optarg, "task"))
				return usage_error("timeline", "--by: expected cpu or task, got '%s'", optarg);
			po.map = !strcmp(optarg, "task") ? PRESENT_MAP_TASK : PRESENT_MAP_CPU;
			break;
		case 'f':
		case 't':
			if (parse_duration_ns(optarg, &ns))
				return usage_error("timeline", "--%s: expected a time such as 1.5, 200ms or 2s, got '%s'",
						   opt == 'f' ? "from" : "to", optarg);
			if (opt == 'f')
				po.from_ns = ns;
			else
				po.to_ns = ns;
			break;
		case 'c': {
			bool mask[SL_MAX_CPUS];

			if (tl_parse_cpu_list(optarg, 0, mask))
				return usage_error("timeline", "--cpus: expected a CPU list such as 0, 0-3 or 0,2, got '%s'",
						   optarg);
			po.cpus = optarg;
			break;
		}
		case 'h':
			fputs(cli_timeline_usage, stdout);
			return 0;
		default:
			return bad_option("timeline", argv, cli_timeline_short);
		}
	}
	if (optind != argc - 1)
		return usage_error("timeline", "expected exactly one trace file");
	if (po.to_ns && po.to_ns <= po.from_ns)
		return usage_error("timeline", "--to must be later than --from");
	po.ascii_timeline = ascii || (!po.perfetto_path && !po.html_path);
	return present_file(argv[optind], &po);
}

static int dump_event(const struct sl_event *e, void *ctx)
{
	const struct sl_trace_info *ti = ctx;
	double t = (double)(e->ts - ti->start_ts) / 1e9;

	printf("%12.6f cpu%-3u %-12s pid=%-7u", t, e->cpu, sl_event_type_name(e->type), e->pid);
	switch (e->type) {
	case SL_EV_SWITCH:
		printf(" next=%u reason=%s%s%s%s", e->sw.next,
		       sl_reason_name(e->flags & SL_SWF_REASON_MASK),
		       e->flags & SL_SWF_VOLUNTARY ? " voluntary" : "",
		       e->flags & SL_SWF_PREV_TRACKED ? " prev-traced" : "",
		       e->flags & SL_SWF_NEXT_TRACKED ? " next-traced" : "");
		if (e->sw.nr_syscall != SL_NO_SYSCALL)
			printf(" syscall=%u", e->sw.nr_syscall);
		if (e->flags & SL_SWF_PREV_TRACKED)
			printf(" state=0x%x runtime=%lluns", e->sw.state,
			       (unsigned long long)e->sw.prev_runtime);
		break;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		printf(" wakee=%u target_cpu=%u", e->wk.wakee, e->wk.target_cpu);
		break;
	case SL_EV_MIGRATE:
		printf(" from=%u to=%u", e->mig.orig_cpu, e->mig.dest_cpu);
		break;
	case SL_EV_ENQUEUED:
		if (e->flags & SL_ENQF_BEFORE)
			printf(" enqueued=%lluns-before", (unsigned long long)e->enq.before_ns);
		break;
	case SL_EV_RQ_LAG:
		printf(" next=%u lag=%lluns", e->lag.next, (unsigned long long)e->lag.ns);
		break;
	case SL_EV_FORK:
		printf(" child=%u tgid=%u", e->fork.child, e->fork.child_tgid);
		break;
	case SL_EV_COMM:
		printf(" comm=%.16s%s", e->comm.comm, e->flags & SL_COMMF_EXEC ? " exec" : "");
		break;
	case SL_EV_ARGV:
		printf(" part=%u argv=%.16s", e->flags, e->argv.text);
		break;
	case SL_EV_EXIT:
		printf(" code=%d", e->exit.exit_code);
		break;
	case SL_EV_KSTAT:
		printf(" nvcsw=%u nivcsw=%u migrations=%llu", e->kstat.nvcsw, e->kstat.nivcsw,
		       (unsigned long long)e->kstat.nr_migrations);
		break;
	case SL_EV_KSTAT_RT:
		printf(" sum_exec_runtime=%lluns", (unsigned long long)e->kstat_rt.sum_exec_runtime);
		break;
	case SL_EV_KSTAT_SCHED:
		if (e->flags & SL_KSF_SCHED_INFO)
			printf(" run_delay=%lluns pcount=%u", (unsigned long long)e->ksched.run_delay,
			       e->ksched.pcount);
		if (e->flags & SL_KSF_DELAY)
			printf(" blkio_delay=%uus", e->ksched.blkio_delay_us);
		break;
	case SL_EV_WAIT:
	case SL_EV_WAKER: {
		const char *sys = sl_syscall_name(e->wt.nr_syscall);

		printf(" kind=%s", sl_wait_kind_name(e->flags));
		if (e->wt.nr_syscall == SL_NO_SYSCALL)
			printf(" syscall=none");
		else if (sys)
			printf(" syscall=%s", sys);
		else
			printf(" syscall=%u", e->wt.nr_syscall);
		printf(" obj=0x%llx detail=0x%x", (unsigned long long)e->wt.obj, e->wt.detail);
		if (e->flags == SL_WK_PIPE)
			printf(" fill=%u/%u", e->wt.fill, e->wt.cap);
		break;
	}
	case SL_EV_CPU_OCC:
		printf(" comm=%.16s%s%s", e->occ.comm, e->flags & SL_OCCF_TRACKED ? " traced" : "",
		       e->flags & SL_OCCF_CLOSING ? " closing" : "");
		break;
	default:
		if (e->type >= SL_EV_Q_PUSH && e->type <= SL_EV_ITEM_DONE)
			printf(" queue=%u item=%u depth=%u delay=%lluns", e->flags, e->q.item,
			       e->q.depth, (unsigned long long)e->q.delay);
		break;
	}
	putchar('\n');
	return 0;
}

struct dump_check {
	const struct sl_trace_info *ti;
	struct analysis *a;
};

/* One inferred record, as the analysis repairs the stream. */
static void dump_repair(const struct sl_repair *rp, void *ctx)
{
	const struct dump_check *dc = ctx;
	const struct sl_event *e = &rp->ev;
	double t = (double)(e->ts - dc->ti->start_ts) / 1e9;
	double seen = (double)(rp->seen_ts - dc->ti->start_ts) / 1e9;

	if (e->type == SL_EV_SWITCH)
		printf("%12.6f cpu%-3u inferred switch-in of %u (cpu last seen running %u): it left cpu%u at "
		       "%.6f with no switch-in there\n", t, e->cpu, e->sw.next, e->pid, e->cpu, seen);
	else
		printf("%12.6f cpu%-3u inferred migration of %u from cpu%u to cpu%u: it ran there at "
		       "%.6f with no migrate record\n", t, e->cpu, e->pid, e->mig.orig_cpu,
		       e->mig.dest_cpu, seen);
}

static int dump_check_event(const struct sl_event *e, void *ctx)
{
	struct dump_check *dc = ctx;

	return analysis__feed(dc->a, e);
}

/* dump --check: the analysis's own invariant check, each repair printed. */
static int dump_check(struct tracefile_reader *r, struct sl_trace_info *ti, const char *path)
{
	struct dump_check dc = { .ti = ti };
	const struct sl_result *res;
	char err[256];
	int ret = 1;

	if (analysis__new(ti->ncpu, &dc.a)) {
		pr_err("%s: cannot analyse: out of memory", path);
		tracefile__close(r);
		return 1;
	}
	analysis__set_arch(dc.a, ti->arch);
	analysis__set_task_table(dc.a, ti);
	analysis__set_start(dc.a, ti->start_ts);
	analysis__on_repair(dc.a, dump_repair, &dc);
	if (replay_events(r, dump_check_event, &dc, err, sizeof(err))) {
		pr_err("%s: %s", path, err[0] ? err : "cannot analyse: out of memory");
		goto out;
	}
	if (analysis__finish(dc.a, ti)) {
		pr_err("%s: cannot analyse: out of memory", path);
		goto out;
	}
	res = analysis__result(dc.a);
	printf("%s\n", explain__stream(res, err, sizeof(err)));
	ret = 0;
out:
	analysis__free(dc.a);
	return ret;
}

int cmd_dump(int argc, char **argv)
{
	struct sl_trace_info ti = { 0 };
	struct tracefile_reader *r;
	const char *path;
	bool check = false;
	char err[256];
	int ret;

	int opt;

	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	while ((opt = getopt_long(argc, argv, cli_dump_short, cli_dump_options, NULL)) != -1) {
		switch (opt) {
		case 'k':
			check = true;
			break;
		case 'v':
			cli_verbose();
			break;
		case 'h':
			fputs(cli_dump_usage, stdout);
			return 0;
		default:
			return bad_option("dump", argv, cli_dump_short);
		}
	}
	if (optind != argc - 1)
		return usage_error("dump", "expected exactly one trace file");
	path = argv[optind];
	if (tracefile__open(path, &ti, &r, err, sizeof(err))) {
		pr_err("%s: %s", path, err);
		return 1;
	}
	if (tracefile__warning(r))
		pr_warn("%s: %s", path, tracefile__warning(r));
	printf("# schedlab trace v%u, %s, %u CPUs, kernel %s, probes %s, %llu events\n"
	       "# command: %s\n", ti.version, sl_arch_name(ti.arch), ti.ncpu, ti.kernel,
	       ti.probe_mode, (unsigned long long)ti.nr_events, ti.cmdline);
	if (check) {
		ret = dump_check(r, &ti, path);
	} else {
		ret = replay_events(r, dump_event, &ti, err, sizeof(err));
		if (ret && err[0])
			pr_err("%s: %s", path, err);
	}
	sl_trace_info__free(&ti);
	return ret;
}
