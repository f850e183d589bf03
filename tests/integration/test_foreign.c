// SPDX-License-Identifier: GPL-2.0
/*
 * Next to a foreign CPU hog pinned to CPU 0, a workload pinned to CPU 1:
 * every CPU-use figure adds up to its window, the kernel cross-check
 * holds including run-queue wait (run_delay) and switch-ins (pcount), and
 * the stream check says what it had to infer.  $SCHEDLAB names the binary.
 */
#include <criterion/criterion.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "cli_run.h"

#define TRACE_FILE "/tmp/sl-foreign-test.sltrace"

static pid_t hog = -1, hog2 = -1;

/* A process of its own, pinned to cpu, spinning until we kill it. */
static pid_t spin_on(int cpu)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		cpu_set_t set;
		volatile unsigned long n = 0;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(1);
		prctl(PR_SET_NAME, "sl-hog");	/* the name the report must give it */
		for (;;)
			n++;
	}
	return pid;
}

static void start_hog(void)
{
	hog = spin_on(0);
}

static void stop_hog(void)
{
	pid_t *h[] = { &hog, &hog2 };

	for (int i = 0; i < 2; i++) {
		if (*h[i] > 0) {
			kill(*h[i], SIGKILL);
			waitpid(*h[i], NULL, 0);
		}
		*h[i] = -1;
	}
}

TestSuite(foreign, .fini = stop_hog);

static void need_two_cpus(void)
{
	require_tracing();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs two online CPUs");
}

/* "workload 12.1%, other tasks 87.9%, idle 0.0% of 2 CPUs x W": the three shares. */
static double line_sum(const char *text, const char *start, const char *a, const char *b,
		       const char *c)
{
	const char *p = strstr(text, start);
	double x, y, z;
	char fmt[160];

	cr_assert_not_null(p, "no '%s' in:\n%s", start, text);
	snprintf(fmt, sizeof(fmt), "%s%s %%lf%%%%, %s %%lf%%%%, %s %%lf%%%%", start, a, b, c);
	cr_assert_eq(sscanf(p, fmt, &x, &y, &z), 3, "cannot read: %.120s", p);
	return x + y + z;
}

Test(foreign, cpu_use_adds_up_and_kernel_agrees, .timeout = 120)
{
	struct output r, csv;
	unsigned long long w0 = 0, k0 = 0;
	int rows = 0;

	need_two_cpus();
	start_hog();
	run(&r, (uid_t)-1, SL("run", "slow-consumer", "--cpus", "1", "--duration", "2s", "-o",
			      TRACE_FILE));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);

	/* every CPU-use line of the report sums to 100% (each share rounded to 0.1) */
	cr_expect_float_eq(line_sum(r.out, "  workload ", "", "other tasks", "idle"), 100.0, 0.2);
	cr_expect_float_eq(line_sum(r.out, "kernel's per-CPU accounting, whole trace: ", "workload",
				    "other", "idle"), 100.0, 0.2);
	/* the kernel's counters, the new ones named */
	cr_expect_not_null(strstr(r.out, "kernel cross-check: ok ("), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "run-queue wait"), "run_delay not checked: %s", r.out);
	cr_expect_not_null(strstr(r.out, "switch-ins"), "pcount not checked: %s", r.out);
	cr_expect_not_null(strstr(r.out, "\nstream check: "), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "lost records: 0"), "%s", r.out);

	/* per CPU: occupancy covers W exactly, nothing unknown; the kernel's spans the trace */
	run(&csv, (uid_t)-1, SL("report", TRACE_FILE, "--csv-table", "cpus"));
	cr_assert_eq(csv.status, 0, "%s", csv.err);
	for (char *line = strchr(csv.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		unsigned int cpu;
		unsigned long long t, o, i, u, kt, ko, ki, w, k;

		cr_assert_eq(sscanf(line + 1, "%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu", &cpu, &t, &o,
				    &i, &u, &kt, &ko, &ki), 8, "%s", line + 1);
		w = t + o + i + u;
		k = kt + ko + ki;
		cr_expect_eq(u, 0, "cpu %u: %llu ns unknown", cpu, u);
		if (!rows) {
			w0 = w;
			k0 = k;
		}
		cr_expect_eq(w, w0, "cpu %u covers %llu ns of W, cpu 0 %llu", cpu, w, w0);
		/* each CPU's kernel total spans the same trace, within 1 ms */
		cr_expect_leq(k > k0 ? k - k0 : k0 - k, 1000000ull, "cpu %u kernel %llu vs %llu",
			      cpu, k, k0);
		cr_expect_geq(k, w, "cpu %u: the whole trace is longer than W", cpu);
		if (cpu == 0)
			cr_expect_geq(o * 10, w * 9, "cpu 0 held by the hog: other %llu of %llu", o, w);
		rows++;
	}
	cr_expect_eq(rows, (int)sysconf(_SC_NPROCESSORS_CONF));

	/* dump --check agrees with the report */
	{
		struct output chk;

		run(&chk, (uid_t)-1, SL("dump", "--check", TRACE_FILE));
		cr_expect_eq(chk.status, 0, "%s", chk.err);
		cr_expect_not_null(strstr(chk.out, strstr(r.out, "\nstream check: ")),
				   "%s", chk.out);
	}
	unlink(TRACE_FILE);
}

/* A program of the user's own, pinned beside the hog. */
Test(foreign, traced_program_matches_kernel, .timeout = 120)
{
	struct output r;

	need_two_cpus();
	start_hog();
	run(&r, (uid_t)-1, SL("trace", "--", "taskset", "-c", "1", "sh", "-c",
			      "for i in 1 2 3 4 5 6 7 8; do sleep 0.01; done; i=0; "
			      "while [ $i -lt 20000 ]; do i=$((i+1)); done"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.out, "kernel cross-check: ok ("), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "switch-ins"), "%s", r.out);
	cr_expect_float_eq(line_sum(r.out, "  workload ", "", "other tasks", "idle"), 100.0, 0.2);
}

/* Runs a python3 script on the JSON on its stdin: its exit status. */
static int json_check(const char *json, const char *script)
{
	char path[] = "/tmp/sl-foreign-XXXXXX", cmd[64];
	int fd = mkstemp(path), st;
	FILE *p;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s", path);
	p = popen(cmd, "w");
	cr_assert_not_null(p);
	fputs(json, p);
	st = pclose(p);
	unlink(path);
	return st;
}

/*
 * A CPU-bound program sharing CPU 0 with the hog, and a second hog on CPU
 * 1 (an idle CPU would make the waits read as wakeup latency): the
 * summary blames foreign load and names the hogs, whose CPU time the
 * JSON gives.
 */
Test(foreign, the_foreign_program_is_named, .timeout = 120)
{
	struct output r, j;
	char needle[64];

	need_two_cpus();
	start_hog();
	hog2 = spin_on(1);
	run(&r, (uid_t)-1, SL("trace", "-o", TRACE_FILE, "--", "taskset", "-c", "0", "sh", "-c",
			      "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	snprintf(needle, sizeof(needle), "sl-hog (%d) ", (int)hog);
	cr_expect_not_null(strstr(r.out, "the most: "), "%s", r.out);
	cr_expect_not_null(strstr(r.out, needle), "the hog is not named: %s", r.out);
	run(&j, (uid_t)-1, SL("report", "--json", TRACE_FILE));
	cr_assert_eq(j.status, 0, "%s", j.err);
	/* the hog held CPU 0 for about half the run: at least a quarter of it is its own */
	cr_expect_eq(json_check(j.out,
		"import json,sys\n"
		"d = json.load(sys.stdin)\n"
		"f = [x for x in d['foreign'] if x['comm'] == 'sl-hog']\n"
		"w = d['window']['wall_ns']\n"
		"sys.exit(0 if f and f[0]['cpu_ns'] * 4 >= w and f[0]['cpu_ns'] <= d['trace']['end_ns'] - d['trace']['start_ns'] else 1)\n"),
		0, "%s", j.out);
	unlink(TRACE_FILE);
}
