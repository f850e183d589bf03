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

static const char run_usage[] =
"usage: schedlab run [PROFILE | -f FILE] [--KEY VALUE ...] [-o TRACE] [OUTPUT OPTIONS]\n"
"       schedlab record [PROFILE | -f FILE] [--KEY VALUE ...] -o TRACE\n"
"\n"
"Runs a workload profile (default: balanced) under the tracer: producers\n"
"and consumers joined by a blocking queue, or clients calling a process\n"
"pool.  Prints the report (run) or only records the trace (record).\n"
"Every profile key can be overridden, e.g. --producers 4 --consumers 2\n"
"--queue shm --capacity 64 --items 100000 --duration 5s --produce cpu:200us\n"
"--consume io:fsync:4k --cpus 0,1  (keys: docs/profiles.md; list: schedlab profiles)\n"
"\n"
"  -f, --file FILE     load the profile from an INI file\n"
"  -o, --output TRACE  record the trace to TRACE (for report/timeline)\n"
"  --json | --csv      machine-readable report (--csv: the per-thread table)\n"
"  --csv-table NAME    one CSV table: tasks, processes, roles, cpus, levels, queues,\n"
"                      wakeups, migrations, or intervals (every task-state and CPU\n"
"                      interval)\n"
"  --timeline          also print the per-CPU terminal timeline\n"
"  --threads           also print the per-thread table\n"
"  --slower-than T     list each wakeup that waited longer than T for a CPU (1ms)\n"
"  --perfetto FILE     also write a Perfetto trace\n"
"  --html FILE         also write an HTML timeline\n"
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --no-trace          run the workload alone, untraced (the overhead baseline)\n"
"  --no-queue-probes   scheduler probes only: no queue events, no queue section\n"
"                      (the workload writes no queue event log)\n"
"  -h, --help          this text\n";

#define MAX_OVERRIDES 64

struct run_args {
	const char *profile;
	const char *file;
	const char *output;
	enum tracer_mode mode;
	bool untraced;
	struct present_opts present;
	const char *keys[MAX_OVERRIDES], *values[MAX_OVERRIDES];
	int nr_overrides;
};

/* Returns 0, or the exit code of a usage error (2) / help (-1). */
static int parse_run_args(const char *cmd, int argc, char **argv, struct run_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		char *eq;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(run_usage, stdout);
			return -1;
		}
		if (arg[0] != '-') {
			if (a->profile || a->file)
				return usage_error(cmd, "unexpected argument '%s'", arg);
			a->profile = arg;
			continue;
		}
		if (!strcmp(arg, "--json") || !strcmp(arg, "--csv") || !strcmp(arg, "--timeline")) {
			present_option(cmd, arg[2] == 'j' ? 'J' : arg[2] == 'c' ? 'C' : 'T', NULL,
				       &a->present);
			continue;
		}
		if (!strcmp(arg, "--threads")) {
			present_option(cmd, 'N', NULL, &a->present);
			continue;
		}
		if (!strcmp(arg, "--raw-tp")) {
			a->mode = TRACER_RAW_TP;
			continue;
		}
		if (!strcmp(arg, "--no-trace")) {
			a->untraced = true;
			continue;
		}
		if (!strcmp(arg, "--no-queue-probes")) {
			run_no_queue_probes = true;
			continue;
		}
		if (!strcmp(arg, "-f") || !strcmp(arg, "--file") || !strcmp(arg, "-o") ||
		    !strcmp(arg, "--output") || !strcmp(arg, "--perfetto") || !strcmp(arg, "--html") ||
		    !strcmp(arg, "--csv-table") || !strcmp(arg, "--slower-than")) {
			if (!next)
				return usage_error(cmd, "%s needs a value", arg);
			if (arg[1] == 'f' || !strcmp(arg, "--file")) {
				if (a->profile)
					return usage_error(cmd, "give a profile name or -f FILE, not both");
				a->file = next;
			} else if (arg[1] == 'o' || !strcmp(arg, "--output")) {
				a->output = next;
			} else if (!strcmp(arg, "--slower-than")) {
				if (present_option(cmd, 'S', next, &a->present) == 2)
					return 2;
			} else {
				present_option(cmd, !strcmp(arg, "--html") ? 'H' :
					       !strcmp(arg, "--csv-table") ? 'K' : 'P', next, &a->present);
			}
			i++;
			continue;
		}
		/* --KEY VALUE or --KEY=VALUE: a profile override */
		if (arg[1] != '-' || !arg[2])
			return usage_error(cmd, "unknown option '%s'", arg);
		if (a->nr_overrides == MAX_OVERRIDES)
			return usage_error(cmd, "too many overrides");
		eq = strchr(arg, '=');
		if (eq) {
			*eq = '\0';
			a->values[a->nr_overrides] = eq + 1;
		} else {
			if (!next)
				return usage_error(cmd, "%s needs a value", arg);
			a->values[a->nr_overrides] = next;
			i++;
		}
		a->keys[a->nr_overrides++] = arg + 2;
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
	(void)argv;
	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			puts("usage: schedlab profiles\n\nLists the built-in workload profiles, one line each.");
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
	ret = parse_run_args(cmd, argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (record) {
		if (!a.output)
			return usage_error(cmd, "record needs -o TRACE");
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

static const char sweep_usage[] =
"usage: schedlab sweep [PROFILE | -f FILE] --vary KEY=A..B [--svg FILE] [--KEY VALUE ...]\n"
"\n"
"Runs the profile once for each value of KEY from A to B (consumers,\n"
"producers, capacity, pool, ...) and prints throughput, parallelism,\n"
"concurrency, %% of time the queue was full and empty, and the verdict for\n"
"each, and where adding more stops paying.  --svg draws throughput and\n"
"parallelism against the value.\n";

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
	const char *svg = NULL, *priv;
	struct outfile *svg_file = NULL;
	char key[32], *rest[MAX_OVERRIDES * 2 + 8];
	int nrest = 0;

	/* take --vary and --svg out; the rest is run's grammar */
	rest[nrest++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vary") || !strcmp(argv[i], "--svg")) {
			if (i + 1 >= argc)
				return usage_error("sweep", "%s needs a value", argv[i]);
			if (argv[i][2] == 's') {
				svg = argv[++i];
			} else if (parse_vary(argv[++i], key, sizeof(key), &from, &to)) {
				return usage_error("sweep", "--vary: expected KEY=A..B with at most %d values, got '%s'",
						   MAX_SWEEP, argv[i]);
			}
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(sweep_usage);
			return 0;
		}
		if (nrest == (int)(sizeof(rest) / sizeof(rest[0])))
			return usage_error("sweep", "too many arguments");
		rest[nrest++] = argv[i];
	}
	if (to < from)
		return usage_error("sweep", "--vary KEY=A..B is required");
	ret = parse_run_args("sweep", nrest, rest, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.output || a.present.perfetto_path || a.present.html_path)
		return usage_error("sweep", "-o, --perfetto and --html do not go with sweep");
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
