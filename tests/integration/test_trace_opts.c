// SPDX-License-Identifier: GPL-2.0
/*
 * trace's options as a user meets them, on real programs: a JSON report
 * beside the traced command's own output; off-CPU stacks of a program
 * with known blocking functions, read back from the folded file.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A program built beside this test (tests/integration/progs). */
static void prog_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	cr_assert_gt(n, 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	cr_assert_not_null(slash);
	*slash = '\0';
	snprintf(buf, len, "%s/%s", self, name);
	if (access(buf, X_OK))
		cr_assert_fail("%s is not built (make tests builds it)", buf);
}

struct folded {
	int lines;
	unsigned long long total_us;
	unsigned long long nap_us, pipe_us;	/* stacks through each blocking function */
	int with_main;
	int ending_in_schedule;	/* the kernel's leaf: where the task left the CPU */
};

/* Parses "comm;frame;...;frame VALUE" lines, asserting each is well formed. */
static void parse_folded(const char *path, struct folded *f)
{
	char line[8192];
	FILE *in = fopen(path, "r");

	cr_assert_not_null(in, "no folded file %s", path);
	memset(f, 0, sizeof(*f));
	while (fgets(line, sizeof(line), in)) {
		char *sp = strrchr(line, ' '), *end;
		unsigned long long v;

		cr_assert_not_null(sp, "no value: %s", line);
		cr_assert_not_null(strchr(line, ';'), "no frames: %s", line);
		*sp = '\0';
		v = strtoull(sp + 1, &end, 10);
		cr_assert(end != sp + 1 && (*end == '\n' || !*end), "bad value in %s", line);
		cr_assert_gt(v, 0);
		cr_assert_null(strchr(line, ' '), "a frame with a space: %s", line);
		f->lines++;
		f->total_us += v;
		if (strstr(line, ";main;nap_in_nanosleep;"))
			f->nap_us += v;
		if (strstr(line, ";main;wait_on_pipe;"))
			f->pipe_us += v;
		f->with_main += strstr(line, ";main;") != NULL;
		f->ending_in_schedule += strlen(line) > 11 && !strcmp(line + strlen(line) - 11, ";__schedule");
	}
	fclose(in);
}

Test(trace_opts, stacks_name_the_blocking_functions, .timeout = 60)
{
	const char *folded = "/tmp/sl-test-stacks.folded";
	char prog[PATH_MAX];
	struct output r;
	struct folded f;

	need_root();
	prog_path("blocker", prog, sizeof(prog));
	unlink(folded);
	run(&r, (uid_t)-1, SL("trace", "--stacks", "--folded", (char *)folded, "--", prog));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "OFF-CPU STACKS"), NULL, "%s", r.out);
	cr_expect_neq(strstr(r.out, "nap_in_nanosleep"), NULL, "%s", r.out);
	cr_expect_eq(strstr(r.out, "without frame pointers"), NULL, "%s", r.out);
	parse_folded(folded, &f);
	/* 10 naps of 20 ms: at least 200 ms off-CPU below nap_in_nanosleep */
	cr_expect_geq(f.nap_us, 200000, "nap_in_nanosleep: %llu us", f.nap_us);
	cr_expect_lt(f.nap_us, 5000000, "nap_in_nanosleep: %llu us", f.nap_us);
	/* the writer's 10 x 30 ms pace the reads: most of 300 ms waiting on the pipe */
	cr_expect_gt(f.pipe_us, 30000, "wait_on_pipe: %llu us", f.pipe_us);
	cr_expect_leq(f.nap_us + f.pipe_us, f.total_us);
	cr_expect_eq(f.ending_in_schedule, f.lines, "a stack that does not end in __schedule");
	unlink(folded);
}

Test(trace_opts, stacks_without_frame_pointers_are_named, .timeout = 60)
{
	const char *folded = "/tmp/sl-test-stacks-nofp.folded";
	char prog[PATH_MAX];
	struct output r;
	struct folded f;

	need_root();
	prog_path("blocker-nofp", prog, sizeof(prog));
	unlink(folded);
	run(&r, (uid_t)-1, SL("trace", "--folded", (char *)folded, "--", prog));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "built without frame pointers"), NULL, "%s", r.out);
	parse_folded(folded, &f);
	cr_expect_gt(f.lines, 0);
	cr_expect_eq(f.with_main, 0, "a cut stack still shows main");
	unlink(folded);
}
