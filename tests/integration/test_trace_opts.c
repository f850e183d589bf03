// SPDX-License-Identifier: GPL-2.0
/*
 * trace's options as a user meets them, on real programs: a JSON report
 * beside the traced command's own output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "cli_run.h"

static void need_root(void)
{
	if (check__privileges())
		cr_skip_test("needs root");
}

/* 0 when python's json module parses s as one JSON document. */
static int json_parses(const char *s)
{
	FILE *p = popen("/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)'", "w");

	cr_assert_not_null(p);
	fputs(s, p);
	return pclose(p);
}

/* The command's output stays whole (on stderr); stdout is the report alone. */
Test(trace_opts, json_beside_the_commands_output, .timeout = 120)
{
	struct output r;

	need_root();
	if (access("/usr/bin/perf", X_OK))
		cr_skip_test("perf is not installed (make deps installs linux-perf)");
	run(&r, (uid_t)-1, SL("trace", "--json", "--", "perf", "bench", "sched", "pipe", "-l", "2000"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_eq(json_parses(r.out), 0, "stdout is not one JSON document: %s", r.out);
	cr_expect_neq(strstr(r.err, "Total time"), NULL, "perf's own output is missing: %s", r.err);
	cr_expect_eq(strstr(r.out, "Total time"), NULL, "perf's output is in the JSON");
	/* text reports leave the command's stdout where it was */
	run(&r, (uid_t)-1, SL("trace", "--", "echo", "hello-from-command"));
	cr_expect_eq(r.status, 0);
	cr_expect_neq(strstr(r.out, "hello-from-command"), NULL, "%s", r.out);
	run(&r, (uid_t)-1, SL("trace", "--csv", "--", "echo", "hello-from-command"));
	cr_expect_eq(strstr(r.out, "hello-from-command"), NULL, "%s", r.out);
	cr_expect_neq(strstr(r.err, "hello-from-command"), NULL, "%s", r.err);
}
