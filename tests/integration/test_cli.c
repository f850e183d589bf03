// SPDX-License-Identifier: GPL-2.0
/*
 * The schedlab binary as a user meets it: exit codes, one-line errors,
 * traced exit status, Ctrl-C, non-root, and the acceptance run of issue 2.
 * $SCHEDLAB names the binary (make check sets it).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "procfs.h"
#include "cli_run.h"

static void need_root(void)
{
	if (check__privileges())
		cr_skip_test("needs root");
}

struct usage_case {
	char args[6][24];
	char expect[40];	/* in the one stderr line */
};

static struct usage_case usage_cases[] = {
	{ { "trace", "--bogus" }, "unknown option '--bogus'" },
	{ { "trace", "-o" }, "needs a value" },
	{ { "trace", "--json=1", "--", "true" }, "takes no value" },
	{ { "trace" }, "command after '--'" },
	{ { "trace", "-p", "abc" }, "-p: expected a process id" },
	{ { "trace", "--slower-than", "soon", "--", "true" }, "--slower-than: expected a duration" },
	{ { "run", "--slower-than", "-1ms" }, "--slower-than: expected a duration" },
	{ { "report", "x", "--slower-than", "0" }, "--slower-than: expected a duration" },
	{ { "trace", "--csv-table", "threads", "--", "true" }, "slow-wakeups" },
	{ { "run", "--consumers", "0" }, "consumers" },
	{ { "run", "--capacity", "-1" }, "capacity" },
	{ { "run", "no-such-profile" }, "unknown profile" },
	{ { "run", "--frobnicate", "3" }, "frobnicate" },
	{ { "report" }, "exactly one trace file" },
	{ { "dump" }, "exactly one trace file" },
	{ { "dump", "--frob" }, "unknown option" },
	{ { "timeline", "x", "--by", "colour" }, "--by" },
	{ { "sweep", "balanced", "--vary", "consumers=9..1" }, "--vary" },
	{ { "frobnicate" }, "unknown command" },
	{ { "record", "--json", "-o", "x.sltrace" }, "--json does not go with record" },
	{ { "sweep", "--vary", "consumers=1..2", "--csv" }, "--csv does not go with sweep" },
	{ { "report", "--raw-tp", "x.sltrace" }, "unknown option '--raw-tp'" },
	{ { "report", "--color=blue", "x.sltrace" }, "--color" },
	{ { "timeline", "--width", "5", "x.sltrace" }, "--width" },
	{ { "trace", "--cgroup", "/no/such/cgroup", "-d", "1" }, "--cgroup" },
};

ParameterizedTestParameters(cli, usage_errors_exit_2_with_one_line)
{
	return cr_make_param_array(struct usage_case, usage_cases,
				   sizeof(usage_cases) / sizeof(usage_cases[0]));
}

ParameterizedTest(struct usage_case *c, cli, usage_errors_exit_2_with_one_line)
{
	char *argv[8] = { "schedlab" };
	struct output r;
	int n = 1;

	for (int i = 0; i < 6 && c->args[i][0]; i++)
		argv[n++] = c->args[i];
	argv[n] = NULL;
	run(&r, (uid_t)-1, argv);
	cr_expect_eq(r.status, 2, "%s: exit %d", c->args[0], r.status);
	cr_expect_eq(count_lines(r.err), 1, "stderr: %s", r.err);
	cr_expect_neq(strstr(r.err, c->expect), NULL, "stderr '%s' lacks '%s'", r.err, c->expect);
	cr_expect_eq(r.out[0], '\0', "usage error wrote to stdout");
}

Test(cli, help_is_true)
{
	struct output r;

	run(&r, (uid_t)-1, SL("--help"));
	cr_assert_eq(r.status, 0);
	/* every command main.c dispatches is in the help */
	const char *cmds[] = { "run", "record", "trace", "report", "timeline", "sweep",
			       "profiles", "check", "dump" };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "\n  %s ", cmds[i]);
		cr_expect_neq(strstr(r.out, want), NULL, "--help does not mention %s", cmds[i]);
	}
}

/* -v among a command's options is taken as it is before the command. */
Test(cli, verbose_anywhere_and_version)
{
	struct output r;

	run(&r, (uid_t)-1, SL("dump", "-v", "/nonexistent/trace"));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	run(&r, (uid_t)-1, SL("report", "--verbose", "/nonexistent/trace"));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	run(&r, (uid_t)-1, SL("--verbose", "report", "/nonexistent/trace"));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	run(&r, (uid_t)-1, SL("--version"));
	cr_expect_eq(r.status, 0);
	cr_expect_eq(strncmp(r.out, "schedlab ", 9), 0, "%s", r.out);
	run(&r, (uid_t)-1, SL("record", "--help"));
	cr_expect_eq(r.status, 0);
	cr_expect_eq(strncmp(r.out, "usage: schedlab record", 22), 0, "record --help: %s", r.out);
}

Test(cli, report_refuses_bad_files)
{
	const char *files[] = { "/dev/null", "/etc/hostname", "/nonexistent/trace" };

	for (size_t i = 0; i < 3; i++) {
		struct output r;

		run(&r, (uid_t)-1, SL("report", (char *)files[i]));
		cr_expect_eq(r.status, 1, "%s: exit %d", files[i], r.status);
		cr_expect_eq(count_lines(r.err), 1, "%s: %s", files[i], r.err);
	}
}

Test(cli, non_root_is_told_what_is_missing)
{
	struct output r;

	need_root();
	run(&r, 65534, SL("trace", "--", "true"));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_expect_eq(count_lines(r.err), 1, "%s", r.err);
	cr_expect_neq(strstr(r.err, "root"), NULL, "%s", r.err);
	run(&r, 65534, SL("check"));
	cr_expect_eq(r.status, 1);
	cr_expect_neq(strstr(r.out, "privileges     NO"), NULL, "%s", r.out);
}

Test(cli, check_says_tracing_works, .timeout = 30)
{
	struct output r;

	need_root();
	run(&r, (uid_t)-1, SL("check"));
	cr_expect_eq(r.status, 0, "%s", r.out);
	cr_expect_neq(strstr(r.out, "tracing works here"), NULL, "%s", r.out);
}

Test(cli, traced_exit_status_passes_through, .timeout = 30)
{
	struct output r;

	need_root();
	run(&r, (uid_t)-1, SL("trace", "--", "sh", "-c", "exit 7"));
	cr_expect_eq(r.status, 7, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "kernel cross-check: ok"), NULL, "%s", r.out);
	run(&r, (uid_t)-1, SL("trace", "--", "/nonexistent/program"));
	cr_expect_eq(r.status, 127);
	cr_expect_neq(strstr(r.err, "cannot run"), NULL, "%s", r.err);
	run(&r, (uid_t)-1, SL("trace", "--", "sh", "-c", "kill -TERM $$"));
	cr_expect_eq(r.status, 128 + SIGTERM);
}

/* s with every run of white space (the text report wraps long lines) one space */
static char *squashed(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	cr_assert_not_null(out);
	for (; *s; s++) {
		if (!isspace((unsigned char)*s))
			*o++ = *s;
		else if (o > out && o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* Issue 2's acceptance run: switch counts equal the kernel's, nothing lost. */
Test(cli, perf_bench_pipe_matches_kernel, .timeout = 120)
{
	struct output r;

	need_root();
	if (access("/usr/bin/perf", X_OK))
		cr_skip_test("perf is not installed (make deps installs linux-perf)");
	run(&r, (uid_t)-1, SL("trace", "-o", "/tmp/sl-cli-test.sltrace", "--", "perf", "bench",
			      "sched", "pipe", "-l", "100000"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "kernel cross-check: ok"), NULL, "%s", r.out);
	cr_expect_neq(strstr(r.out, "lost records: 0"), NULL, "%s", r.out);
	/* and the recorded file reports the same */
	{
		struct output rep;

		run(&rep, (uid_t)-1, SL("report", "/tmp/sl-cli-test.sltrace"));
		cr_expect_eq(rep.status, 0, "%s", rep.err);
		cr_expect_neq(strstr(rep.out, "kernel cross-check: ok"), NULL, "%s", rep.out);
		cr_expect_str_eq(strstr(rep.out, "PROCESSES"), strstr(r.out, "PROCESSES"),
				 "the live and the replayed report differ");
	}
	/* dump --check ends with the report's own stream-check line (unwrapped) */
	{
		struct output chk;
		const char *line = strstr(r.out, "\nstream check: ");
		char *want, *got;

		run(&chk, (uid_t)-1, SL("dump", "--check", "/tmp/sl-cli-test.sltrace"));
		cr_expect_eq(chk.status, 0, "%s", chk.err);
		cr_assert_not_null(line, "%s", r.out);
		want = squashed(line);
		got = squashed(chk.out);
		cr_expect_not_null(strstr(got, want), "dump --check: %s\nreport: %s", chk.out, line);
		free(want);
		free(got);
	}
	unlink("/tmp/sl-cli-test.sltrace");
}

/* schedlab trace -- sleep 30, running: returns schedlab's pid and the sleep's. */
static pid_t start_traced_sleep(int *o, int *e, pid_t *child)
{
	pid_t pid;

	need_root();
	pid = start(SL("trace", "--", "sleep", "30"), o, e, (uid_t)-1);
	*child = 0;
	for (int i = 0; i < 200 && !*child; i++) {
		usleep(10000);
		*child = procfs_child(pid, NULL);
	}
	cr_assert_neq(*child, 0, "the traced command never started");
	usleep(300000);	/* traced for a while before the signal */
	return pid;
}

/* Ctrl-C: the terminal signals the whole foreground group. */
Test(cli, ctrl_c_reports_and_cleans_up, .timeout = 60)
{
	struct output r;
	pid_t pid, child = 0;
	int o, e;

	pid = start_traced_sleep(&o, &e, &child);
	cr_assert_eq(kill(-pid, SIGINT), 0);
	finish(&r, pid, o, e);
	cr_expect_eq(r.status, 128 + SIGINT, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "PROCESSES"), NULL, "no report after Ctrl-C: %s", r.out);
	cr_expect_eq(kill(child, 0), -1, "the traced child is still running");
	for (int i = 0; i < 200 && count_our_programs(); i++)
		usleep(10000);
	cr_expect_eq(count_our_programs(), 0, "programs left loaded");
}

/* SIGTERM to schedlab alone is passed on to the traced command. */
Test(cli, sigterm_is_forwarded, .timeout = 60)
{
	struct output r;
	pid_t pid, child = 0;
	int o, e;

	pid = start_traced_sleep(&o, &e, &child);
	cr_assert_eq(kill(pid, SIGTERM), 0);
	finish(&r, pid, o, e);
	cr_expect_eq(r.status, 128 + SIGTERM, "exit %d: %s", r.status, r.err);
	cr_expect_eq(kill(child, 0), -1, "the traced child is still running");
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * `trace -p` of a child of ours running body, n times for dur seconds:
 * every report must agree with the kernel's counters, the run-queue wait
 * too (where the kernel timed a switch on a lagging rq clock, the lag
 * records say by how much).  Then the child is killed.
 */
static void trace_child_n_times(void (*body)(void), int n, const char *dur)
{
	struct output r;
	char pidarg[16];
	pid_t child;

	need_root();
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		body();
	usleep(50000);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)child);
	for (int i = 0; i < n; i++) {
		run(&r, (uid_t)-1, SL("trace", "--json", "-p", pidarg, "-d", (char *)dur));
		cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
		cr_expect_neq(strstr(r.out, "\"lost\": 0"), NULL, "trace %d: %s", i, r.out);
		cr_expect_eq(count_of(r.out, "\"counter\": \""), 0,
			     "trace %d differs from the kernel: %s", i, r.out);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/*
 * A task that switches every few tens of microseconds is switching while
 * its counters are read at both edges of a -p trace: the counts must still
 * agree with the kernel's, within what moved between the two reads.
 */
static void sleep_20us_forever(void)
{
	for (;;)
		usleep(20);
}

Test(cli, trace_pid_of_a_fast_sleeper_matches_at_the_edges, .timeout = 120)
{
	trace_child_n_times(sleep_20us_forever, 5, "0.5");
}

/*
 * A task that holds its CPU when -p attaches: its first stretch counts
 * from the start (the CPUs' occupants are read once it is tracked), so
 * its on-CPU time is the kernel's.
 */
static void spin_forever(void)
{
	for (volatile unsigned long n = 0;; n++)
		;
}

Test(cli, trace_pid_of_a_spinner_counts_its_first_stretch, .timeout = 120)
{
	trace_child_n_times(spin_forever, 3, "1");
}

/* A sleeper that dies with its parent: the kernel ends it, no signal of ours. */
static void sleep_till_orphaned(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		usleep(5000);
}

/*
 * -p of a process that started a child, which started its own, before the
 * trace: all three are traced, each under its parent, and agree with the
 * kernel's counters.
 */
Test(cli, trace_pid_takes_the_processes_it_started_before, .timeout = 60)
{
	struct { int who, pid; } msg[2];
	int fd[2], child = 0, grandchild = 0;
	char pidarg[16], row[40];
	struct output r;
	pid_t top;

	need_root();
	cr_assert_eq(pipe(fd), 0);
	top = fork();
	cr_assert_geq(top, 0);
	if (top == 0) {
		pid_t c = fork();

		if (c == 0) {
			pid_t g = fork();

			if (g == 0)
				sleep_till_orphaned();
			msg[0].who = 2;
			msg[0].pid = g;
			if (write(fd[1], &msg[0], sizeof(msg[0])) != sizeof(msg[0]))
				_exit(1);
			sleep_till_orphaned();
		}
		msg[0].who = 1;
		msg[0].pid = c;
		if (write(fd[1], &msg[0], sizeof(msg[0])) != sizeof(msg[0]))
			_exit(1);
		for (;;)
			usleep(5000);
	}
	close(fd[1]);
	for (size_t got = 0; got < sizeof(msg);) {
		ssize_t n = read(fd[0], (char *)msg + got, sizeof(msg) - got);

		cr_assert_gt(n, 0, "the two pids did not come");
		got += (size_t)n;
	}
	close(fd[0]);
	for (int i = 0; i < 2; i++)
		*(msg[i].who == 1 ? &child : &grandchild) = msg[i].pid;
	usleep(100000);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)top);
	run(&r, (uid_t)-1, SL("trace", "-p", pidarg, "-d", "1"));
	kill(top, SIGKILL);
	waitpid(top, NULL, 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	snprintf(row, sizeof(row), "\n%7d %7d ", child, (int)top);
	cr_expect_neq(strstr(r.out, row), NULL, "no row for the child %d: %s", child, r.out);
	snprintf(row, sizeof(row), "\n%7d %7d ", grandchild, child);
	cr_expect_neq(strstr(r.out, row), NULL, "no row for the grandchild %d: %s", grandchild,
		      r.out);
	cr_expect_neq(strstr(r.out, "kernel cross-check: ok (3 tasks"), NULL, "%s", r.out);
}

/*
 * -p of a reader whose writer is not traced: its pipe is a channel all the
 * same, its producers outside the trace, and the reader, blocked on it
 * nearly always, waits for them.
 */
Test(cli, trace_pid_of_a_reader_names_its_untraced_writer, .timeout = 60)
{
	int fd[2];
	char pidarg[16];
	struct output r;
	pid_t reader, writer;

	need_root();
	cr_assert_eq(pipe(fd), 0);
	reader = fork();
	cr_assert_geq(reader, 0);
	if (reader == 0) {
		char c;

		close(fd[1]);
		while (read(fd[0], &c, 1) == 1)
			;
		_exit(0);
	}
	writer = fork();
	cr_assert_geq(writer, 0);
	if (writer == 0) {
		close(fd[0]);
		for (;;) {
			if (write(fd[1], "x", 1) != 1)
				_exit(1);
			usleep(2000);
		}
	}
	close(fd[0]);
	close(fd[1]);
	usleep(50000);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)reader);
	run(&r, (uid_t)-1, SL("trace", "-p", pidarg, "-d", "1"));
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	waitpid(reader, NULL, 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.out, "producers    outside the trace"), NULL, "%s", r.out);
	cr_expect_neq(strstr(r.out, "from outside the trace"), NULL, "%s", r.out);
	cr_expect_neq(strstr(r.out, "PRODUCER-BOUND: no producers in the trace"), NULL, "%s", r.out);
}

/* -p: a running process, its counters compared as differences since attach. */
Test(cli, trace_pid_for_a_duration, .timeout = 60)
{
	struct output r;
	char pidarg[16], row[32];
	pid_t sleeper;

	need_root();
	sleeper = fork();
	cr_assert_geq(sleeper, 0);
	if (sleeper == 0) {
		for (;;)
			usleep(5000);
	}
	usleep(100000);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)sleeper);
	run(&r, (uid_t)-1, SL("trace", "-p", pidarg, "-d", "1"));
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	snprintf(row, sizeof(row), "\n%7d ", (int)sleeper);
	cr_expect_neq(strstr(r.out, row), NULL, "no row for pid %d: %s", (int)sleeper, r.out);
	cr_expect_neq(strstr(r.out, "kernel cross-check: ok"), NULL, "%s", r.out);
	run(&r, (uid_t)-1, SL("trace", "-p", "4194303", "-d", "1"));
	cr_expect_eq(r.status, 1, "a pid that does not exist: exit %d", r.status);
	cr_expect_eq(count_lines(r.err), 1, "%s", r.err);
}
