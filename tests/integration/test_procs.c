// SPDX-License-Identifier: GPL-2.0
/*
 * Processes, threads and the tree on real programs under the real probes:
 * a threaded C program this test builds (threads grouped, its child and
 * the wait4 that joined it), a shell pipeline (the tree, a join: sh
 * blocked in wait for a child that outlives it),
 * stress-ng --fork (thousands of children read as a few rows).  The JSON
 * report is checked with Debian's python3.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli_run.h"
#include "trace/check.h"

#define PY "/usr/bin/python3"
#define PROG_SRC "/tmp/sl-procs-threads.c"
#define PROG "/tmp/sl-procs-threads"
#define JSON_FILE "/tmp/sl-procs-test.json"
#define TRACE_FILE "/tmp/sl-procs-test.sltrace"

static void need_root(void)
{
	if (check__privileges())
		cr_skip_test("needs root");
}

/* Four threads that spin and sleep; a child that spins 20 ms, exits 3 and is waited for. */
static const char prog_src[] =
	"#include <pthread.h>\n#include <sys/wait.h>\n#include <time.h>\n#include <unistd.h>\n"
	"static void spin(long ms) {\n"
	"	struct timespec a, b;\n"
	"	clock_gettime(CLOCK_MONOTONIC, &a);\n"
	"	do clock_gettime(CLOCK_MONOTONIC, &b);\n"
	"	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);\n"
	"}\n"
	"static void *worker(void *x) {\n"
	"	for (int i = 0; i < 5; i++) { spin(2); usleep(1000); }\n"
	"	return x;\n"
	"}\n"
	"int main(void) {\n"
	"	pthread_t t[4]; int st; pid_t c;\n"
	"	for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, worker, 0);\n"
	"	c = fork();\n"
	"	if (!c) { spin(20); _exit(3); }\n"
	"	waitpid(c, &st, 0);\n"
	"	for (int i = 0; i < 4; i++) pthread_join(t[i], 0);\n"
	"	return WEXITSTATUS(st) == 3 ? 0 : 1;\n"
	"}\n";

static void build_prog(void)
{
	FILE *f = fopen(PROG_SRC, "w");

	cr_assert_not_null(f);
	fputs(prog_src, f);
	fclose(f);
	cr_assert_eq(system("cc -O1 -pthread -o " PROG " " PROG_SRC), 0, "cannot build the program");
}

/* Runs a python3 check over the JSON in JSON_FILE; it prints "ok" or what is wrong. */
static void py_check(const char *json, const char *script)
{
	char cmd[256], out[4096] = "";
	FILE *f = fopen(JSON_FILE, "w"), *p;
	size_t n;

	cr_assert_not_null(f);
	fputs(json, f);
	fclose(f);
	f = fopen("/tmp/sl-procs-check.py", "w");
	cr_assert_not_null(f);
	fputs("import json, sys\nd = json.load(open(sys.argv[1]))\n"
	      "P = d['processes']\nT = d['tasks']\n"
	      "def fail(m):\n    print(m); sys.exit(0)\n", f);
	fputs(script, f);
	fputs("print('ok')\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), PY " /tmp/sl-procs-check.py " JSON_FILE " 2>&1");
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	cr_assert_str_eq(out, "ok\n", "%s", out);
}

Test(procs, threads_are_one_process_and_its_child_is_joined, .timeout = 60)
{
	struct output r;

	need_root();
	build_prog();
	run(&r, (uid_t)-1, SL("trace", "--json", "--", PROG));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	py_check(r.out,
		 "roots = [i for i, p in enumerate(P) if p['depth'] == 0]\n"
		 "if len(roots) != 1: fail('roots %s' % roots)\n"
		 "root = P[roots[0]]\n"
		 "if root['comm'] != 'sl-procs-thread': fail('comm ' + root['comm'])\n"
		 "if root['threads'] != 5: fail('threads %d' % root['threads'])\n"
		 "kids = [i for i, p in enumerate(P) if p['parent'] == roots[0]]\n"
		 "if len(kids) != 1: fail('children %s' % kids)\n"
		 "kid = P[kids[0]]\n"
		 "if kid['threads'] != 1 or kid['ppid'] != root['pid']: fail('child %s' % kid)\n"
		 "if kid['waited_by'] != roots[0]: fail('not joined: %s' % kid['waited_by'])\n"
		 "if d['process_tree'] != [roots[0], kids[0]]: fail('tree %s' % d['process_tree'])\n"
		 "for p in (root, kid):\n"
		 "    th = [T[i] for i in p['tasks']]\n"
		 "    if any(t['tgid'] != p['pid'] for t in th): fail('tgid')\n"
		 "    for k in ('on_cpu_ns', 'voluntary', 'involuntary', 'migrations', 'wakeups'):\n"
		 "        if sum(t[k] for t in th) != p[k]: fail(k)\n"
		 "    q = p['run_queue_latency']\n"
		 "    if q['count'] != sum(t['run_queue_latency']['count'] for t in th): fail('rq')\n"
		 "    if q['count'] and not q['min_ns'] <= q['p50_ns'] <= q['p90_ns'] <= q['p99_ns'] <= q['max_ns']:\n"
		 "        fail('percentiles %s' % q)\n"
		 "    if q['count'] and q['max_ns'] != max(t['run_queue_latency']['max_ns'] for t in th):\n"
		 "        fail('max')\n"
		 "    if d['crosscheck']['ok']:\n"
		 "        k = p['kernel']\n"
		 "        if k['checked_threads'] != p['threads'] or k['mismatched_threads']: fail('xc %s' % k)\n"
		 "        if k['voluntary'] != p['voluntary'] or k['migrations'] != p['migrations']: fail('xc')\n"
		 "if d['trace']['lost'] == 0 and not d['crosscheck']['ok']: fail(d['crosscheck'])\n");
	/* the text shows one row for the process, its threads on request */
	run(&r, (uid_t)-1, SL("trace", "--threads", "--", PROG));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "THREADS (by process)"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "run-queue latency per thread"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "JOINS"), "%s", r.out);
}

Test(procs, shell_pipeline_is_a_tree, .timeout = 60)
{
	struct output r;

	need_root();
	run(&r, (uid_t)-1, SL("trace", "--json", "--slower-than", "1us", "--",
			      "sh", "-c", "seq 1 200000 | gzip -1 | wc -c; sleep 0.2 & wait"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	py_check(r.out,
		 "root = [i for i, p in enumerate(P) if p['depth'] == 0]\n"
		 "if len(root) != 1 or P[root[0]]['comm'] != 'sh': fail('root %s' % root)\n"
		 "kids = sorted(P[i]['comm'] for i, p in enumerate(P) if p['parent'] == root[0])\n"
		 "names = sorted(P[i]['name'] for i, p in enumerate(P) if p['parent'] == root[0])\n"
		 "if names != ['gzip -1', 'seq 1 200000', 'sleep 0.2', 'wc -c']: fail('names %s' % names)\n"
		 "if kids != ['gzip', 'seq', 'sleep', 'wc']: fail('children %s' % kids)\n"
		 /* a child that exits before its parent waits is reaped without a join */
		 "sl = [p for p in P if p['comm'] == 'sleep'][0]\n"
		 "if sl['waited_by'] != root[0]: fail('sleep not joined')\n"
		 "s = d['slow_wakeups']\n"
		 "if s['threshold_ns'] != 1000: fail('threshold')\n"
		 "if s['count'] < len(s['wakeups']) or not s['wakeups']: fail('slow %d' % s['count'])\n"
		 "if any(w['latency_ns'] <= 1000 for w in s['wakeups']): fail('not slow')\n"
		 "if any(w['running_ns'] - w['enqueued_ns'] != w['latency_ns'] or\n"
		 "       w['enqueued_ns'] < w['woken_ns'] for w in s['wakeups']):\n"
		 "    fail('latency')\n"
		 "if sum(d['wakeups']['histogram_log2_us']) != d['wakeups']['run_queue_latency']['count']:\n"
		 "    fail('histogram')\n");
}

/*
 * Two processes bounce a byte through two pipes, pinned to CPUs A and B.
 * Woken from the other CPU while that one idles, each wakeup is enqueued by
 * the target CPU on an IPI, after the waking: a late enqueue, which the
 * run-queue latency (and the kernel's run_delay) leaves out.  On one CPU
 * the waker enqueues every wakeup itself: none is late (but the start).
 */
static void ping_pong_on(int cpu_a, int cpu_b, bool raw_tp, struct output *r)
{
	char script[640];

	snprintf(script, sizeof(script),
		 "import os\n"
		 "os.sched_setaffinity(0, {%d})\n"
		 "r1, w1 = os.pipe(); r2, w2 = os.pipe()\n"
		 "if os.fork() == 0:\n"
		 "    os.sched_setaffinity(0, {%d})\n"
		 "    for i in range(3000): os.read(r1, 1); os.write(w2, b'x')\n"
		 "    os._exit(0)\n"
		 "for i in range(3000): os.write(w1, b'x'); os.read(r2, 1)\n"
		 "os.wait()\n", cpu_a, cpu_b);
	if (raw_tp)
		run(r, (uid_t)-1, SL("trace", "--json", "--raw-tp", "--", PY, "-c", script));
	else
		run(r, (uid_t)-1, SL("trace", "--json", "--", PY, "-c", script));
	cr_assert_eq(r->status, 0, "exit %d: %s", r->status, r->err);
}

Test(procs, wakeups_from_another_cpu_are_enqueued_late, .timeout = 60)
{
	struct output r;

	need_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs two CPUs");
	/* tp_btf reads the kernel's stamp with plain loads, raw_tp with helpers */
	for (int raw = 0; raw < 2; raw++) {
		ping_pong_on(0, 1, raw, &r);
		py_check(r.out,
			 "if not d['crosscheck']['ok']: fail(d['crosscheck']['line'])\n"
			 "l = d['wakeups']['late_enqueues']\n"
			 "if l['count'] < 500: fail('late enqueues %d' % l['count'])\n"
			 "if l['sum_ns'] < 2000 * l['count'] or l['max_ns'] < 2000:\n"
			 "    fail('too early %s' % l)\n"
			 "t = [x for x in T if x['late_enqueues']['count']]\n"
			 "if sum(x['late_enqueues']['count'] for x in t) != l['count']: fail('per task')\n");
	}
	ping_pong_on(0, 0, false, &r);
	py_check(r.out,
		 "if not d['crosscheck']['ok']: fail(d['crosscheck']['line'])\n"
		 /* schedlab itself, on any CPU, starts the traced program */
		 "if d['wakeups']['late_enqueues']['count'] > 5: fail('late on one CPU %s' %\n"
		 "    d['wakeups']['late_enqueues'])\n");
}

/* Python multiprocessing: every process is "python3 SCRIPT", the workers under the parent, joined. */
Test(procs, python_multiprocessing_names_and_joins, .timeout = 60)
{
	static const char script[] =
		"import multiprocessing as mp, time\n"
		"def work(n):\n"
		"    t = time.time()\n"
		"    while time.time() - t < 0.05: pass\n"
		/* one after the other, each while the parent waits in join */
		"    time.sleep(0.1 * (n + 1))\n"
		"if __name__ == '__main__':\n"
		"    mp.set_start_method('fork')\n"
		"    ps = [mp.Process(target=work, args=(i,)) for i in range(3)]\n"
		"    for p in ps: p.start()\n"
		"    for p in ps: p.join()\n";
	struct output r;
	FILE *f;

	need_root();
	if (access(PY, X_OK))
		cr_skip_test(PY " is not installed");
	f = fopen("/tmp/sl-procs-mp.py", "w");
	cr_assert_not_null(f);
	fputs(script, f);
	fclose(f);
	run(&r, (uid_t)-1, SL("trace", "--json", "--", PY, "/tmp/sl-procs-mp.py"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	py_check(r.out,
		 "root = [i for i, p in enumerate(P) if p['depth'] == 0]\n"
		 "if len(root) != 1: fail('roots %s' % root)\n"
		 "if P[root[0]]['name'] != 'python3 sl-procs-mp.py': fail('name ' + P[root[0]]['name'])\n"
		 "kids = [p for p in P if p['parent'] == root[0]]\n"
		 "if len(kids) != 3: fail('children %d' % len(kids))\n"
		 "for k in kids:\n"
		 "    if k['name'] != 'python3 sl-procs-mp.py': fail('child ' + k['name'])\n"
		 "    if k['waited_by'] != root[0]: fail('not joined %s' % k['pid'])\n"
		 "    if not k['args'].endswith('sl-procs-mp.py'): fail('args ' + k['args'])\n");
}

Test(procs, fork_storm_reads_as_a_few_rows, .timeout = 120)
{
	struct output r;

	need_root();
	if (access("/usr/bin/stress-ng", X_OK))
		cr_skip_test("stress-ng is not installed");
	unlink(TRACE_FILE);
	run(&r, (uid_t)-1, SL("trace", "-o", TRACE_FILE, "--json", "--", "stress-ng", "--fork", "2",
			      "--timeout", "2s", "--quiet"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	py_check(r.out,
		 "groups = [p for p in P if p['processes'] > 1]\n"
		 "if not groups: fail('no group')\n"
		 "folded = sum(p['processes'] for p in groups)\n"
		 "members = [p for p in P if p['group'] is not None]\n"
		 "if folded != len(members) or folded < 100: fail('folded %d of %d' % (folded, len(P)))\n"
		 "if len(d['process_tree']) > 12: fail('visible rows %d' % len(d['process_tree']))\n"
		 "if len(d['wakeups']['grouped_edges']) > 60: fail('waker rows')\n"
		 "for g in groups:\n"
		 "    m = [p for p in P if p['group'] == P.index(g)]\n"
		 "    if sum(p['on_cpu_ns'] for p in m) != g['on_cpu_ns']: fail('sum')\n"
		 "    if sum(p['lifetime_ns'] for p in m) != g['lifetime_ns']: fail('lifetime')\n"
		 "    if g['kernel']['checked_threads'] != g['threads']: fail('unchecked members')\n");
	/*
	 * the text is a screen or two of 70 lines: ~130, 20 of them the
	 * latency histogram.  Counted up to the cross-check, whose lines
	 * list the differences it found, not the processes.
	 */
	run(&r, (uid_t)-1, SL("report", TRACE_FILE));
	cr_assert_eq(r.status, 0, "%s", r.err);
	{
		char *xc = strstr(r.out, "\nkernel cross-check:");
		int body;

		cr_assert_not_null(xc, "%s", r.out);
		*xc = '\0';
		body = count_lines(r.out);
		*xc = '\n';
		cr_assert_leq(body, 136, "%d lines before the cross-check:\n%s", body, r.out);
	}
	cr_assert_not_null(strstr(r.out, "processes of this name, each exited"), "%s", r.out);
	unlink(TRACE_FILE);
}
