// SPDX-License-Identifier: GPL-2.0
/*
 * trace's options as a user meets them, on real programs: a JSON report
 * beside the traced command's own output; off-CPU stacks of a program
 * with known blocking functions, read back from the folded file; a
 * cgroup of the test's own followed with its forks and late arrivals.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>
#include "common.h"
#include "cli_run.h"
#include "trace/cgroup.h"

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
	/* the writer's 10 x 60 ms pace the reads: about 400 ms waiting on the pipe */
	cr_expect_gt(f.pipe_us, 30000, "wait_on_pipe: %llu us", f.pipe_us);
	cr_expect_leq(f.nap_us + f.pipe_us, f.total_us);
	cr_expect_eq(f.ending_in_schedule, f.lines, "a stack that does not end in __schedule");
	unlink(folded);

	/* recorded, the file gives the same stacks back, in JSON too */
	run(&r, (uid_t)-1, SL("trace", "--stacks", "-o", "/tmp/sl-test-stacks.sltrace", "--", prog));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	run(&r, (uid_t)-1, SL("report", "--json", "--folded", (char *)folded,
			      "/tmp/sl-test-stacks.sltrace"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_eq(json_parses(r.out), 0, "%s", r.out);
	cr_expect_neq(strstr(r.out, "\"offcpu_stacks\""), NULL);
	cr_expect_neq(strstr(r.out, ";main;nap_in_nanosleep;"), NULL, "%s", r.out);
	parse_folded(folded, &f);
	cr_expect_geq(f.nap_us, 200000, "nap_in_nanosleep from the file: %llu us", f.nap_us);
	unlink(folded);
	unlink("/tmp/sl-test-stacks.sltrace");
}

/* run --stacks: the lab's producers block inside the queue's push (schedlab has frame pointers). */
Test(trace_opts, run_stacks_name_the_queue_functions, .timeout = 60)
{
	const char *folded = "/tmp/sl-test-run-stacks.folded";
	unsigned long long push_us = 0, total_us = 0;
	char line[8192];
	struct output r;
	FILE *in;

	need_root();
	unlink(folded);
	run(&r, (uid_t)-1, SL("run", "slow-consumer", "--items", "300", "--folded", (char *)folded));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_eq(strstr(r.out, "without frame pointers"), NULL, "%s", r.out);
	in = fopen(folded, "r");
	cr_assert_not_null(in);
	while (fgets(line, sizeof(line), in)) {
		char *sp = strrchr(line, ' ');
		unsigned long long v;

		cr_assert_not_null(sp);
		v = strtoull(sp + 1, NULL, 10);
		total_us += v;
		if (!strncmp(line, "producer-", 9) && strstr(line, ";producer_main;queue__push;"))
			push_us += v;
	}
	fclose(in);
	/* slow consumers: nearly all off-CPU time is the producers' in a full queue's push */
	cr_expect_geq(push_us * 10, total_us * 8, "queue__push %llu of %llu us", push_us, total_us);
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

/* Writes our pid into the cgroup's cgroup.procs: we are in it from now on. */
static void join_cgroup(const char *dir)
{
	char path[4200], pid[16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	f = fopen(path, "w");
	if (!f || fputs(pid, f) < 0 || fclose(f))
		_exit(97);
}

/* A child that joins dir (or not, if NULL) and then forks short-lived children forever. */
static pid_t start_forker(const char *dir)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid)
		return pid;
	if (dir)
		join_cgroup(dir);
	for (;;) {
		pid_t c = fork();

		if (c == 0) {
			usleep(20000);
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
		usleep(10000);
	}
}

struct seen {
	int in_cgroup, outside;		/* processes reported with our cgroup / another */
	bool a, b, control;		/* the three we started */
	int children_of_a;
};

/* Reads "pid ppid cgroup" lines that python extracted from the JSON report. */
static void parse_procs(const char *json, const char *rel, pid_t a, pid_t b, pid_t control,
			struct seen *s)
{
	char cmd[] = "/usr/bin/python3 -c 'import json,sys\n"
		     "for p in json.load(sys.stdin)[\"processes\"]:\n"
		     "  if p[\"processes\"] == 1: print(p[\"pid\"], p[\"ppid\"], (p[\"sched\"] or {}).get(\"cgroup\"))'"
		     " < /tmp/sl-test-cgroup.json";
	FILE *f = fopen("/tmp/sl-test-cgroup.json", "w");
	char line[4200];
	FILE *p;

	cr_assert_not_null(f);
	fputs(json, f);
	fclose(f);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	memset(s, 0, sizeof(*s));
	while (fgets(line, sizeof(line), p)) {
		int pid, ppid;
		char cg[4096];

		cr_assert_eq(sscanf(line, "%d %d %4095s", &pid, &ppid, cg), 3, "%s", line);
		if (!strcmp(cg, rel))
			s->in_cgroup++;
		else
			s->outside++;
		s->a |= pid == a;
		s->b |= pid == b;
		s->control |= pid == control;
		s->children_of_a += ppid == a;
	}
	cr_assert_eq(pclose(p), 0, "the JSON report did not parse");
	unlink("/tmp/sl-test-cgroup.json");
}

Test(trace_opts, cgroup_is_followed_with_forks_and_late_arrivals, .timeout = 60)
{
	char dir[4200], rel[64];
	pid_t a, b, control, pid;
	struct output r;
	struct seen s;
	int o, e;

	need_root();
	snprintf(rel, sizeof(rel), "/sl-test-%d", (int)getpid());
	snprintf(dir, sizeof(dir), "%s%s", cgroup__root(), rel);
	if (mkdir(dir, 0755) && errno != EEXIST)
		cr_assert_fail("cannot make cgroup %s: %s", dir, strerror(errno));
	a = start_forker(dir);
	control = start_forker(NULL);
	usleep(100000);
	pid = start(SL("trace", "--json", "--cgroup", rel, "-d", "1.5"), &o, &e, (uid_t)-1);
	usleep(500000);
	b = start_forker(dir);		/* enters the cgroup while it is traced */
	finish(&r, pid, o, e);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	kill(control, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	waitpid(control, NULL, 0);
	for (int i = 0; i < 100 && rmdir(dir) && errno == EBUSY; i++)
		usleep(10000);

	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	parse_procs(r.out, rel, a, b, control, &s);
	cr_expect(s.a, "the process in the cgroup at the start is missing");
	cr_expect(s.b, "the process that entered the cgroup later is missing");
	cr_expect(!s.control, "a process outside the cgroup was traced");
	/* about 1.5 s / 30 ms of short-lived children, each followed from its fork */
	cr_expect_geq(s.children_of_a, 10, "%d children of the first forker", s.children_of_a);
	cr_expect_eq(s.outside, 0, "%d processes reported outside %s", s.outside, rel);
	cr_expect_geq(s.in_cgroup, s.children_of_a + 2);
}

/* A process spinning in the cgroup when the trace starts: its first stretch counts from the start. */
Test(trace_opts, cgroup_spinner_matches_the_kernel, .timeout = 60)
{
	char dir[4200], rel[64];
	struct output r;
	pid_t spinner;

	need_root();
	snprintf(rel, sizeof(rel), "/sl-test-spin-%d", (int)getpid());
	snprintf(dir, sizeof(dir), "%s%s", cgroup__root(), rel);
	if (mkdir(dir, 0755) && errno != EEXIST)
		cr_assert_fail("cannot make cgroup %s: %s", dir, strerror(errno));
	spinner = fork();
	cr_assert_geq(spinner, 0);
	if (spinner == 0) {
		join_cgroup(dir);
		for (volatile unsigned long n = 0;; n++)
			;
	}
	usleep(100000);
	run(&r, (uid_t)-1, SL("trace", "--cgroup", rel, "-d", "0.7"));
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	for (int i = 0; i < 100 && rmdir(dir) && errno == EBUSY; i++)
		usleep(10000);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "kernel cross-check: ok"), NULL, "%s", r.out);
}

Test(trace_opts, cgroup_that_does_not_exist_is_a_usage_error)
{
	struct output r;

	run(&r, (uid_t)-1, SL("trace", "--cgroup", "/no-such-cgroup-here", "-d", "1"));
	cr_expect_eq(r.status, 2, "exit %d", r.status);
	cr_expect_neq(strstr(r.err, "--cgroup"), NULL, "%s", r.err);
}
