// SPDX-License-Identifier: GPL-2.0
/*
 * schedlab run / record / profiles: the workload lab under the tracer.
 *
 * The probes are attached first; the workload's processes are forked with
 * schedlab as follow parent, so each is traced from its fork, and wait at
 * a start barrier.  While the workload runs, a poller thread drains the
 * rings (workload__wait blocks the main thread); the two share the session
 * under one lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "trace/check.h"
#include "cli.h"
#include "util/log.h"
#include "util/outfile.h"
#include "output/present.h"
#include "lab/profile.h"
#include "trace/run.h"
#include "trace/session.h"
#include "output/sweep.h"
#include "lab/workload.h"

const char cli_run_usage[] =
"usage: schedlab run [PROFILE | -f FILE] [--KEY VALUE ...] [-o TRACE] [OPTIONS]\n"
"\n"
"Runs a workload profile (default: balanced) under the tracer: producers\n"
"and consumers joined by a blocking queue, or clients calling a process\n"
"pool, and prints the report.  Every profile key can be overridden, e.g.\n"
"--producers 4 --consumers 2 --queue shm --capacity 64 --items 100000\n"
"--duration 5s --produce cpu:200us --consume io:fsync:4k --cpus 0,1\n"
"(keys: docs/profiles.md; list: schedlab profiles)\n"
"\n"
"  -f, --file FILE     load the profile from an INI file\n"
"  -o, --output TRACE  record the trace to TRACE (for report/timeline)\n"
PRESENT_OPTIONS_HELP
"  --stacks            kernel and user stacks where tasks blocked, with the\n"
"                      off-CPU time of each\n"
"  --folded FILE       also write them as folded stacks; implies --stacks\n"
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --no-trace          run the workload alone, untraced (the overhead baseline)\n"
"  --no-queue-probes   scheduler probes only: no queue events, no queue section\n"
"                      (the workload writes no queue event log)\n"
COLOR_WIDTH_HELP
"  -v, --verbose       more diagnostics on stderr (twice: libbpf's too)\n"
"  -h, --help          this text\n";

const char cli_record_usage[] =
"usage: schedlab record [PROFILE | -f FILE] [--KEY VALUE ...] -o TRACE [OPTIONS]\n"
"\n"
"Runs a workload profile as `run` does and records the trace to TRACE,\n"
"without a report: `schedlab report TRACE` and `schedlab timeline TRACE`\n"
"read it later.  Profile keys are overridden as for run.\n"
"\n"
"  -o, --output TRACE  the trace file to write (required)\n"
"  -f, --file FILE     load the profile from an INI file\n"
"  --perfetto FILE     also write a Perfetto trace\n"
"  --html FILE         also write an HTML timeline\n"
"  --stacks            record the off-CPU stacks too (report --stacks shows them)\n"
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --no-queue-probes   scheduler probes only: no queue events\n"
"  -v, --verbose       more diagnostics on stderr (twice: libbpf's too)\n"
"  -h, --help          this text\n";

const char cli_sweep_usage[] =
"usage: schedlab sweep [PROFILE | -f FILE] --vary KEY=A..B [--svg FILE] [--KEY VALUE ...]\n"
"\n"
"Runs the profile once for each value of KEY from A to B (consumers,\n"
"producers, capacity, pool, ...) and prints throughput, parallelism,\n"
"concurrency, % of time the queue was full and empty, and the verdict for\n"
"each, and where adding more stops paying.\n"
"\n"
"  --vary KEY=A..B     the key and its values (at most 32)\n"
"  --svg FILE          also draw throughput and parallelism against the value\n"
"  -f, --file FILE     load the profile from an INI file\n"
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --no-queue-probes   scheduler probes only: no queue events\n"
"  -v, --verbose       more diagnostics on stderr (twice: libbpf's too)\n"
"  -h, --help          this text\n";

const char cli_profiles_usage[] =
"usage: schedlab profiles\n"
"\n"
"Lists the built-in workload profiles, one line each.\n"
"\n"
"  -h, --help          this text\n";

#define RUN_COMMON_OPTIONS						\
	{ "file", required_argument, NULL, 'f' },			\
	{ "raw-tp", no_argument, NULL, 'R' },				\
	{ "no-queue-probes", no_argument, NULL, 'Q' },			\
	{ "help", no_argument, NULL, 'h' },				\
	VERBOSE_LONG_OPTION

const struct option cli_run_options[] = {
	RUN_COMMON_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "no-trace", no_argument, NULL, 'U' },
	STACKS_LONG_OPTIONS,
	PRESENT_LONG_OPTIONS,
	{ 0 },
};
const char cli_run_short[] = "f:o:hv";

const struct option cli_record_options[] = {
	RUN_COMMON_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "perfetto", required_argument, NULL, 'P' },
	{ "html", required_argument, NULL, 'H' },
	{ "stacks", no_argument, NULL, 'k' },
	{ 0 },
};
const char cli_record_short[] = "f:o:hv";

const struct option cli_sweep_options[] = {
	RUN_COMMON_OPTIONS,
	{ "vary", required_argument, NULL, 'Y' },
	{ "svg", required_argument, NULL, 'S' },
	{ 0 },
};
const char cli_sweep_short[] = "f:hv";

const struct option cli_profiles_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};
const char cli_profiles_short[] = "h";

#define MAX_OVERRIDES 64

struct run_args {
	const char *profile;
	const char *file;
	const char *output;
	enum tracer_mode mode;
	bool untraced;
	struct present_opts present;
	const char *vary, *svg;		/* sweep */
	const char *keys[MAX_OVERRIDES], *values[MAX_OVERRIDES];
	int nr_overrides;
};

/* The entry of opts for "--name" (name without dashes, len chars), or for "-c". */
static const struct option *find_option(const struct option *opts, const char *name, size_t len,
					int shortc, const char *shorts)
{
	for (const struct option *o = opts; o->name; o++) {
		if (shortc && o->val == shortc && strchr(shorts, shortc))
			return o;
		if (!shortc && strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

/*
 * run's grammar, shared by record and sweep with their own option tables:
 * a profile name, options of the table (--opt VALUE, --opt=VALUE, -x VALUE,
 * -vv), and any other --KEY VALUE or --KEY=VALUE as a profile override.
 * Returns 0, or the exit code of a usage error (2) / help (-1).
 */
static int parse_run_args(const char *cmd, const char *usage, const struct option *opts,
			  const char *shorts, int argc, char **argv, struct run_args *a)
{
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i], *eq = NULL;
		const struct option *o = NULL;
		const char *val = NULL;
		int ret;

		if (arg[0] != '-' || !arg[1]) {
			if (a->profile || a->file)
				return usage_error(cmd, "unexpected argument '%s'", arg);
			a->profile = arg;
			continue;
		}
		if (arg[1] == '-') {
			eq = strchr(arg, '=');
			o = find_option(opts, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2), 0, "");
		} else if (arg[1] == 'v' && strspn(arg + 1, "v") == strlen(arg + 1) &&
			   strchr(shorts, 'v')) {
			for (const char *p = arg + 1; *p; p++)
				cli_verbose();
			continue;
		} else if (!arg[2]) {
			o = find_option(opts, NULL, 0, arg[1], shorts);
		}
		if (!o && arg[1] != '-')
			return usage_error(cmd, "unknown option '%s'", arg);
		if (!o && opts != cli_run_options &&
		    find_option(cli_run_options, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2),
				0, "")) {
			/* run's, not a profile key: say so instead of taking the next word */
			return usage_error(cmd, "%.*s does not go with %s", eq ? (int)(eq - arg) : (int)strlen(arg),
					   arg, cmd);
		}
		if (!o) {
			/* --KEY VALUE or --KEY=VALUE: a profile override */
			if (!arg[2])
				return usage_error(cmd, "unknown option '%s'", arg);
			if (a->nr_overrides == MAX_OVERRIDES)
				return usage_error(cmd, "too many overrides");
			if (eq) {
				*eq = '\0';
				a->values[a->nr_overrides] = eq + 1;
			} else {
				if (i + 1 >= argc)
					return usage_error(cmd, "%s needs a value", arg);
				a->values[a->nr_overrides] = argv[++i];
			}
			a->keys[a->nr_overrides++] = arg + 2;
			continue;
		}
		if (o->has_arg == no_argument && eq)
			return usage_error(cmd, "option '%.*s' takes no value", (int)(eq - arg), arg);
		if (o->has_arg == required_argument) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error(cmd, "%s needs a value", arg);
		}
		ret = present_option(cmd, o->val, val, &a->present);
		if (ret == 2)
			return 2;
		if (ret)
			continue;
		switch (o->val) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'v':
			cli_verbose();
			break;
		case 'f':
			if (a->profile)
				return usage_error(cmd, "give a profile name or -f FILE, not both");
			a->file = val;
			break;
		case 'o':
			a->output = val;
			break;
		case 'R':
			a->mode = TRACER_RAW_TP;
			break;
		case 'U':
			a->untraced = true;
			break;
		case 'Q':
			run_no_queue_probes = true;
			break;
		case 'Y':
			a->vary = val;
			break;
		case 'S':
			a->svg = val;
			break;
		}
	}
	return check_csv_table(cmd, &a->present);
}

/* Profile, file, then overrides; a bad value is a usage error (exit 2). */
static int build_config(const char *cmd, const struct run_args *a, struct wl_config *c)
{
	char err[256];
	int ret;

	wl_config__defaults(c);
	if (a->profile && wl_profile__builtin(a->profile, c))
		return usage_error(cmd, "unknown profile '%s' (schedlab profiles lists them)",
				   a->profile);
	if (a->file) {
		ret = wl_config__load_ini(c, a->file, err, sizeof(err));
		if (ret == -EINVAL)
			return usage_error(cmd, "%s", err);
		if (ret) {
			pr_err("cannot read profile %s: %s", a->file, strerror(-ret));
			return 2;
		}
	}
	for (int i = 0; i < a->nr_overrides; i++)
		if (wl_config__set(c, a->keys[i], a->values[i], err, sizeof(err)))
			return usage_error(cmd, "%s", err);
	if (wl_config__validate(c, err, sizeof(err)))
		return usage_error(cmd, "%s", err);
	return 0;
}

int cmd_profiles(int argc, char **argv)
{
	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			fputs(cli_profiles_usage, stdout);
			return 0;
		}
		return usage_error("profiles", "takes no arguments");
	}
	wl_profile__list(stdout);
	return 0;
}

static int run_or_record(const char *cmd, int argc, char **argv, bool record)
{
	struct run_args a = { 0 };
	struct run_result rr = { 0 };
	struct wl_config c;
	const char *priv;
	int ret;

	present_tty_defaults(&a.present);
	if (record)
		ret = parse_run_args(cmd, cli_record_usage, cli_record_options, cli_record_short,
				     argc, argv, &a);
	else
		ret = parse_run_args(cmd, cli_run_usage, cli_run_options, cli_run_short, argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (record) {
		if (!a.output)
			return usage_error(cmd, "record needs -o TRACE");
		/* a report needs run; record's table has none of its options */
		a.present.format = PRESENT_NONE;
	}
	ret = build_config(cmd, &a, &c);
	if (ret)
		return ret;
	if (a.untraced && (record || a.output || a.present.format != PRESENT_TEXT ||
			   a.present.ascii_timeline || a.present.perfetto_path || a.present.html_path))
		return usage_error(cmd, "--no-trace runs the workload alone: no trace, report or timeline");
	priv = a.untraced ? NULL : check__privileges();
	if (priv) {
		pr_err("%s", priv);
		return 1;
	}
	session__install_signals();
	if (a.untraced)
		ret = run__untraced(&c, stdout, &rr);
	else
		ret = run__profile(&c, a.mode, a.output, &a.present, stdout, &rr);
	if (ret)
		return 1;
	if (record)
		fprintf(stderr, "schedlab: recorded %llu events to %s\n",
			(unsigned long long)rr.events, a.output);
	if (!rr.summary.conserved) {
		pr_err("conservation check failed: produced %llu != consumed %llu + queued %llu + lost %llu (duplicates %llu)",
		       rr.summary.produced, rr.summary.consumed, rr.summary.queued,
		       rr.summary.lost, rr.summary.duplicates);
		return 1;
	}
	return session_stop ? 130 : 0;
}

int cmd_run(int argc, char **argv)
{
	return run_or_record("run", argc, argv, false);
}

int cmd_record(int argc, char **argv)
{
	return run_or_record("record", argc, argv, true);
}

#define MAX_SWEEP 32

/* "consumers=1..6" */
static int parse_vary(const char *spec, char *key, size_t keylen, int *from, int *to)
{
	const char *eq = strchr(spec, '='), *dots;
	unsigned long long a, b;
	char num[32];

	if (!eq || eq == spec || (size_t)(eq - spec) >= keylen)
		return -EINVAL;
	dots = strstr(eq, "..");
	if (!dots || (size_t)(dots - eq - 1) >= sizeof(num))
		return -EINVAL;
	memcpy(key, spec, (size_t)(eq - spec));
	key[eq - spec] = '\0';
	memcpy(num, eq + 1, (size_t)(dots - eq - 1));
	num[dots - eq - 1] = '\0';
	if (parse_u64(num, 0, 1000000, &a) || parse_u64(dots + 2, 0, 1000000, &b) || b < a ||
	    b - a >= MAX_SWEEP)
		return -EINVAL;
	*from = (int)a;
	*to = (int)b;
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	struct run_args a = { 0 };
	const struct sl_result *results[MAX_SWEEP] = { 0 };
	struct presenter *kept[MAX_SWEEP] = { 0 };
	int values[MAX_SWEEP], from = 0, to = -1, n = 0, ret = 0, fails = 0;
	const char *svg, *priv;
	struct outfile *svg_file = NULL;
	char key[32];

	ret = parse_run_args("sweep", cli_sweep_usage, cli_sweep_options, cli_sweep_short, argc, argv,
			     &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (!a.vary)
		return usage_error("sweep", "--vary KEY=A..B is required");
	if (parse_vary(a.vary, key, sizeof(key), &from, &to))
		return usage_error("sweep", "--vary: expected KEY=A..B with at most %d values, got '%s'",
				   MAX_SWEEP, a.vary);
	svg = a.svg;
	if (a.nr_overrides == MAX_OVERRIDES)
		return usage_error("sweep", "too many overrides");
	a.keys[a.nr_overrides] = key;
	a.nr_overrides++;
	/* every value must make a valid config before anything runs */
	for (int v = from; v <= to; v++) {
		struct wl_config c;
		char val[16];

		snprintf(val, sizeof(val), "%d", v);
		a.values[a.nr_overrides - 1] = val;
		ret = build_config("sweep", &a, &c);
		if (ret)
			return ret;
	}
	priv = check__privileges();
	if (priv) {
		pr_err("%s", priv);
		return 1;
	}
	/* a file that cannot be written fails now, not after every run */
	if (svg && (ret = outfile__create(svg, 0644, &svg_file))) {
		pr_err("cannot write %s: %s", svg, strerror(-ret));
		return 1;
	}
	session__install_signals();
	for (int v = from; v <= to && !session_stop; v++, n++) {
		struct present_opts po = { .format = PRESENT_NONE };
		struct run_result rr = { .keep_presenter = true };
		struct wl_config c;
		char val[16];

		snprintf(val, sizeof(val), "%d", v);
		a.values[a.nr_overrides - 1] = val;
		build_config("sweep", &a, &c);
		values[n] = v;
		fprintf(stderr, "schedlab: sweep %s=%d (%d of %d)\n", key, v, v - from + 1, to - from + 1);
		if (run__profile(&c, a.mode, NULL, &po, stdout, &rr) || !rr.presenter) {
			fails++;
			continue;
		}
		kept[n] = rr.presenter;
		results[n] = presenter__result(rr.presenter);
	}
	ret = sweep__print_table(stdout, key, values, results, n) ? 1 : 0;
	if (svg_file) {
		int err = sweep__write_svg(outfile__file(svg_file), key, values, results, n);

		if (err)
			outfile__set_error(svg_file, err);
		err = outfile__commit(svg_file);
		if (err) {
			pr_err("cannot write %s: %s", svg, strerror(-err));
			ret = 1;
		}
	}
	for (int i = 0; i < n; i++)
		presenter__free(kept[i]);
	return ret || fails ? 1 : 0;
}
