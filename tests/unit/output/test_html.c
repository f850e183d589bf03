// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML timeline in a real browser: headless Chromium loads pages made
 * from hand-built traces and dumps the DOM; the viewer writes what it drew
 * (lanes, intervals, arrows, time taken) and every JavaScript error into
 * <pre id="status">, and tooltip texts into <pre id="probe">; the page's
 * address asks it for more (what a pixel column shows, a state's share of
 * a time range, an interval's exact times).  A page that throws fails the
 * test, so do wrong shares per pixel, an event the level of detail drops
 * when zoomed in, a page larger than a few bytes per record, and colours
 * or symbols that many tasks share.  Screenshots are kept in
 * .output/artifacts/.  Skips only when chromium is missing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/html.h"

#define T0 1000000000ull
#define US 1000ull

static struct sl_task_info tasks[] = {
	{ .pid = 100, .tgid = 100, .ppid = 1, .comm = "schedlab" },
	{ .pid = 101, .tgid = 101, .ppid = 100, .comm = "producer-0" },
	{ .pid = 102, .tgid = 102, .ppid = 100, .comm = "consumer-0" },
	{ .pid = 103, .tgid = 103, .ppid = 100, .comm = "consumer-1" },
	{ .pid = 104, .tgid = 104, .ppid = 100, .comm = "producer-1" },
	{ .pid = 300, .tgid = 300, .ppid = 1, .comm = "make" },
};

static struct sl_trace_info trace_info(__u64 len_ns)
{
	struct sl_trace_info ti = {
		.ncpu = 2,
		.start_ts = T0,
		.end_ts = T0 + len_ns,
		.kernel = "6.1.0-test",
		.cmdline = "schedlab run test",
		.config = "[workload]\ncapacity = 4\n",
		.nr_tasks = sizeof(tasks) / sizeof(tasks[0]),
		.tasks = tasks,
	};
	return ti;
}

/* The repository root, from the test binary path: .output/tests/unit/output/NAME */
static const char *root(void)
{
	static char dir[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	if (access("tests/unit/output/test_html.c", R_OK) == 0) {	/* run from the top, as make does */
		cr_assert_not_null(getcwd(dir, sizeof(dir)));
		return dir;
	}
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	cr_assert_gt(n, 0);
	dir[n] = '\0';
	for (int up = 0; up < 5; up++) {
		char *slash = strrchr(dir, '/');

		cr_assert_not_null(slash, "run the test from the repository root");
		*slash = '\0';
	}
	return dir;
}

static const char *chromium(void)
{
	static const char *const names[] = { "chromium", "chromium-browser", "google-chrome" };
	static char cmd[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", names[i]);
		if (system(cmd) == 0)
			return names[i];
	}
	cr_skip_test("chromium not installed (Debian: apt-get install chromium)");
	return NULL;
}

/* Runs headless Chromium on file#hash; returns the dumped DOM (malloc'd). */
static char *browse(const char *path, const char *hash, const char *screenshot)
{
	const char *browser = chromium();
	char profile[] = "/tmp/sl-chromium-XXXXXX", cmd[4 * PATH_MAX], *out = NULL;
	size_t cap = 0, len = 0, n;
	char buf[65536];
	FILE *p;

	cr_assert_not_null(mkdtemp(profile));
	snprintf(cmd, sizeof(cmd),
		 "%s --headless --no-sandbox --disable-gpu --disable-background-networking "
		 "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
		 "--user-data-dir=%s --window-size=1400,900 --virtual-time-budget=10000 %s%s "
		 "--enable-logging=stderr 'file://%s#%s' 2>%s/stderr; rc=$?; "
		 "cat %s/stderr >>%s/.output/artifacts/chromium.log; "
		 "! grep -h 'Uncaught' %s/stderr >&2 || rc=99; rm -rf %s; exit $rc",
		 browser, profile, screenshot ? "--screenshot=" : "--dump-dom",
		 screenshot ? screenshot : "", path, hash ? hash : "", profile, profile, root(),
		 profile, profile);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			out = realloc(out, cap);
			cr_assert_not_null(out);
		}
		memcpy(out + len, buf, n);
		len += n;
	}
	/* 99: the browser logged an uncaught JavaScript exception */
	cr_assert_eq(pclose(p), 0, "chromium failed or the page threw: %s", cmd);
	if (!out)
		out = calloc(1, 1);
	out[len] = '\0';
	return out;
}

static char *artifact(const char *name)
{
	char *path;

	cr_assert_geq(asprintf(&path, "%s/.output/artifacts", root()), 0);
	mkdir(path, 0755);
	free(path);
	cr_assert_geq(asprintf(&path, "%s/.output/artifacts/%s", root(), name), 0);
	return path;
}

/* The text of <pre id="ID">, or "" */
static char *element(const char *dom, const char *id)
{
	char open[64], *s, *e;

	snprintf(open, sizeof(open), "<pre id=\"%s\"", id);
	s = strstr(dom, open);
	cr_assert_not_null(s, "no #%s in the page", id);
	s = strchr(s, '>') + 1;
	e = strstr(s, "</pre>");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

static struct sl_event ev_wake(__u64 t, __u16 cpu, __u32 waker, __u32 wakee)
{
	struct sl_event e = { .ts = T0 + t, .type = SL_EV_WAKING, .flags = SL_WKF_WAKEE_TRACKED,
			      .cpu = cpu, .pid = waker };

	e.wk.wakee = wakee;
	e.wk.target_cpu = cpu;
	return e;
}

static struct sl_event ev_queue(__u64 t, __u8 type, __u32 pid, __u32 depth)
{
	struct sl_event e = { .ts = T0 + t, .type = type, .pid = pid };

	e.q.depth = depth;
	return e;
}

/*
 * The small trace of test_timeline.c, with two wakeups: 100 us, 2 CPUs;
 * off-CPU stacks when rows is not NULL (their frames in stk).
 */
static void small_trace_with(const char *path, const char *summary, struct sl_stacks *stk,
			     const struct sl_stack_row *rows, __u32 nrows)
{
	static const struct sl_interval ivs[] = {
		{ T0 + 0 * US, T0 + 10 * US, 300, 1, SL_IV_CPU, 0 },
		{ T0 + 0 * US, T0 + 15 * US, 103, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
		{ T0 + 10 * US, T0 + 20 * US, SL_OCC_OTHER, 1, SL_IV_CPU, 0 },
		{ T0 + 15 * US, T0 + 20 * US, 103, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_WAKEUP },
		{ T0 + 0 * US, T0 + 30 * US, 102, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
		{ T0 + 0 * US, T0 + 32 * US, 101, 0, SL_IV_CPU, 0 },
		{ T0 + 0 * US, T0 + 32 * US, 101, 0, SL_IV_TASK, SL_TS_RUNNING },
		{ T0 + 32 * US, T0 + 40 * US, SL_OCC_IDLE, 0, SL_IV_CPU, 0 },
		{ T0 + 30 * US, T0 + 40 * US, 102, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_WAKEUP },
		{ T0 + 20 * US, T0 + 70 * US, 103, 1, SL_IV_CPU, 0 },
		{ T0 + 20 * US, T0 + 70 * US, 103, 1, SL_IV_TASK, SL_TS_RUNNING },
		{ T0 + 40 * US, T0 + 100 * US, 102, 0, SL_IV_CPU, 0 },
		{ T0 + 70 * US, T0 + 100 * US, SL_OCC_IDLE, 1, SL_IV_CPU, 0 },
		{ T0 + 32 * US, T0 + 100 * US, 101, 0xffff, SL_IV_TASK, SL_TS_QFULL },
		{ T0 + 40 * US, T0 + 100 * US, 102, 0, SL_IV_TASK, SL_TS_RUNNING },
		{ T0 + 70 * US, T0 + 100 * US, 103, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
	};
	struct sl_event ev[] = {
		ev_queue(0, SL_EV_Q_PUSH, 101, 1), ev_queue(10, SL_EV_Q_PUSH, 101, 2),
		ev_wake(14 * US, 0, 101, 103), ev_queue(20, SL_EV_Q_PUSH, 101, 4),
		ev_wake(29 * US, 0, 101, 102), ev_queue(50, SL_EV_Q_POP, 103, 3),
		ev_queue(52, SL_EV_Q_PUSH, 101, 4),
	};
	struct sl_trace_info ti = trace_info(100 * US);
	struct html *h;
	FILE *f = fopen(path, "w");
	size_t ie = 0;

	ti.stacks = stk;

	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		if (ev[i].type != SL_EV_WAKING)
			ev[i].ts = T0 + (ev[i].ts - T0) * US;	/* queue times were in us */
	cr_assert_not_null(f);
	cr_assert_eq(html__open(f, &ti, NULL, &h), 0);
	for (size_t i = 0; i < sizeof(ivs) / sizeof(ivs[0]); i++) {
		while (ie < sizeof(ev) / sizeof(ev[0]) && ev[ie].ts <= ivs[i].end)
			cr_assert_eq(html__add_event(h, &ev[ie++]), 0);
		cr_assert_eq(html__add_interval(h, &ivs[i]), 0);
	}
	if (rows)
		html__set_stacks(h, rows, nrows);
	cr_assert_eq(html__close(h, &ti, summary), 0);
	cr_assert_eq(fclose(f), 0);
}

static void small_trace(const char *path, const char *summary)
{
	small_trace_with(path, summary, NULL, NULL, 0);
}

Test(html, renders_lanes_without_errors, .timeout = 120)
{
	char *path = artifact("timeline-small.html"), *dom, *status, *summary;

	chromium();
	small_trace(path, "verdict: <consumer-bound> & \"slow\"\nline two");
	dom = browse(path, NULL, NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "rendered 2 cpu lanes, 3 task lanes, 1 queue tracks, "
				 "16 intervals in view"), "status: %s", status);
	cr_assert(strstr(status, ", errors: 0"), "status: %s", status);
	/* the summary arrives intact: escaped for JSON and <script>, shown as text */
	summary = element(dom, "summary");
	cr_assert_str_eq(summary, "verdict: &lt;consumer-bound&gt; &amp; \"slow\"\nline two");
	cr_assert(strstr(dom, "kernel 6.1.0-test, 2 CPUs, 100 us traced, schedlab run test, "
			      "16 intervals, 2 wakeups"), "meta missing");
	cr_assert(strstr(dom, "P0 producer-0 (101)") && strstr(dom, "C1 consumer-1 (103)"));
	free(summary);
	free(status);
	free(dom);
	free(path);
}

/* --stacks: a blocked interval's tooltip says where its task blocked most, leaf first. */
Test(html, tooltips_show_the_tasks_heaviest_stacks, .timeout = 120)
{
	char *path = artifact("timeline-stacks.html"), *dom, *probe;
	struct sl_stack_key k1 = { .tgid = 101, .kstack = 1, .ustack = 2 };
	struct sl_stack_key k2 = { .tgid = 101, .kstack = 3, .ustack = 4 };
	struct sl_stack_row rows[] = {
		{ .pid = 101, .tgid = 101, .key = k1, .off_ns = 68000, .count = 3 },
		{ .pid = 101, .tgid = 101, .key = k2, .off_ns = 2000, .count = 1 },
	};
	struct sl_stacks *stk;

	chromium();
	cr_assert_eq(sl_stacks__new(&stk), 0);
	cr_assert_eq(sl_stacks__add(stk, &k1, "[libc.so.6];main;produce;queue_push;syscall;"
				    "entry_SYSCALL_64_after_hwframe;do_syscall_64;futex_wait;schedule;"
				    "__schedule", 0), 0);
	cr_assert_eq(sl_stacks__add(stk, &k2, "main;write;__schedule", 0), 0);
	small_trace_with(path, NULL, stk, rows, 2);
	dom = browse(path, "probe=task,101,50000;task,102,35000", NULL);
	probe = element(dom, "probe");
	cr_assert_str_eq(probe,
		"P0 producer-0 (pid 101)\nstate: queue full\nstart 32 us\nduration 68 us\n"
		"reason: blocked, queue full\nwhere it blocked most (whole trace):\n"
		"  68 us in 3x: produce &gt; queue_push &gt; syscall | kernel: futex_wait\n"
		"  2 us in 1x: main &gt; write\n--\n"
		"C0 consumer-0 (pid 102)\nstate: runnable (woken)\nstart 30 us\nduration 10 us\n"
		"reason: waiting for a CPU");
	free(probe);
	free(dom);
	free(path);
	sl_stacks__free(stk);
}

Test(html, zoom_wakeups_and_tooltips, .timeout = 120)
{
	char *path = artifact("timeline-small.html"), *dom, *status, *probe;

	chromium();
	small_trace(path, NULL);
	/* 20-60 us: 10 of the 16 intervals reach into it; both wakeups are before 30 us */
	dom = browse(path, "from=20000&to=60000&wakeups=1"
			   "&probe=cpu,0,20000;task,102,35000;task,101,50000;queue,0,60000;cpu,1,95000",
		     NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "10 intervals in view, 1 wakeup arrows"), "status: %s", status);
	cr_assert(strstr(status, "errors: 0"), "status: %s", status);
	probe = element(dom, "probe");
	cr_assert_str_eq(probe,
		"cpu0: P0 producer-0 (pid 101)\nstart 0 ns\nduration 32 us\nthen: queue full\n--\n"
		"C0 consumer-0 (pid 102)\nstate: runnable (woken)\nstart 30 us\nduration 10 us\n"
		"reason: waiting for a CPU\n--\n"
		"P0 producer-0 (pid 101)\nstate: queue full\nstart 32 us\nduration 68 us\n"
		"reason: blocked, queue full\n--\n"
		"queue 0\ndepth 4 of 4\nsince 52 us\n--\n"
		"cpu1: idle\nstart 70 us\nduration 30 us");
	free(probe);
	free(status);
	free(dom);
	free(path);
}

/*
 * Slow consumers on 2 CPUs: consumers hold both CPUs, producers run briefly
 * and block on a full queue.  n_ms of 1 ms periods.
 */
static void slow_consumer_trace(const char *path, unsigned int n_ms, __u64 slice)
{
	struct sl_trace_info ti = trace_info((__u64)n_ms * 1000 * US);
	struct html *h;
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_eq(html__open(f, &ti, "slow-consumer: consumer-bound, queue full 93% of the time", &h), 0);
	for (__u64 t = 0; t < (__u64)n_ms * 1000 * US; t += slice) {
		for (__u16 cpu = 0; cpu < 2; cpu++) {
			__u32 cons = 102 + cpu, prod = cpu ? 104 : 101;
			__u64 run = slice * 9 / 10;
			struct sl_interval iv[] = {
				{ T0 + t, T0 + t + run, cons, cpu, SL_IV_CPU, 0 },
				{ T0 + t, T0 + t + run, cons, cpu, SL_IV_TASK, SL_TS_RUNNING },
				{ T0 + t + run, T0 + t + slice, cons, 0xffff, SL_IV_TASK,
				  SL_TS_RUNNABLE_PREEMPT },
				{ T0 + t, T0 + t + run, prod, 0xffff, SL_IV_TASK,
				  t ? SL_TS_QFULL : SL_TS_RUNNABLE_WAKEUP },
				{ T0 + t + run, T0 + t + slice, prod, cpu, SL_IV_CPU, 0 },
				{ T0 + t + run, T0 + t + slice, prod, cpu, SL_IV_TASK, SL_TS_RUNNING },
			};
			struct sl_event pop = ev_queue(0, SL_EV_Q_POP, cons, 3);
			struct sl_event push = ev_queue(0, SL_EV_Q_PUSH, prod, 4);
			struct sl_event wake = ev_wake(0, cpu, cons, prod);

			pop.ts = T0 + t + run / 2;
			wake.ts = pop.ts + 1000;
			push.ts = T0 + t + run + slice / 20;
			cr_assert_eq(html__add_event(h, &pop), 0);
			cr_assert_eq(html__add_event(h, &wake), 0);
			for (size_t i = 0; i < 4; i++)
				cr_assert_eq(html__add_interval(h, &iv[i]), 0);
			cr_assert_eq(html__add_event(h, &push), 0);
			for (size_t i = 4; i < 6; i++)
				cr_assert_eq(html__add_interval(h, &iv[i]), 0);
		}
	}
	cr_assert_eq(html__close(h, &ti, NULL), 0);
	cr_assert_eq(fclose(f), 0);
}

Test(html, screenshot_slow_consumer, .timeout = 120)
{
	char *path = artifact("timeline-slow-consumer.html"), *png = artifact("timeline-slow-consumer.png");
	char *dom, *status;
	struct stat st;

	chromium();
	slow_consumer_trace(path, 5, 500 * US);
	unlink(png);
	free(browse(path, "from=0&to=3000000&wakeups=1", png));
	cr_assert_eq(stat(png, &st), 0, "no screenshot at %s", png);
	cr_assert_gt(st.st_size, 10000);
	dom = browse(path, "from=0&to=3000000&wakeups=1", NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "rendered 2 cpu lanes, 4 task lanes, 1 queue tracks"), "%s", status);
	cr_assert(strstr(status, "12 wakeup arrows"), "%s", status);
	cr_assert(strstr(status, "errors: 0"), "%s", status);
	free(status);
	free(dom);
	free(png);
	free(path);
}

/*
 * A million intervals, 167k per lane: few enough that the whole trace draws
 * every interval, each lane summed per pixel.  How fast is a benchmark's
 * question (scripts/bench-html): under --virtual-time-budget the page's
 * clock does not run.
 */
Test(html, million_intervals_stay_responsive, .timeout = 300)
{
	char *path = artifact("timeline-million.html"), *dom, *status;

	chromium();
	/* 2 CPUs x 6 intervals per 10 us period x 83334 periods ~ 1M intervals */
	slow_consumer_trace(path, 834, 10 * US);
	dom = browse(path, "wakeups=1", NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "rendered 2 cpu lanes, 4 task lanes, 1 queue tracks, "
				 "1000800 intervals in view"), "%s", status);
	cr_assert(strstr(status, "lanes from intervals 6, from 65536 bins 0"), "%s", status);
	/* too many wakeups to draw at this zoom: the viewer says so instead */
	cr_assert(strstr(status, "zoom in to see 166800 wakeup arrows"), "%s", status);
	cr_assert(strstr(status, "errors: 0"), "%s", status);
	free(status);
	free(dom);
	if (!getenv("SL_KEEP_ARTIFACTS"))
		unlink(path);
	free(path);
}

/* ---- level of detail, shares per pixel, CPUs without traced tasks ---- */

/* The low bits of a 64-bit LCG: jitter that deflate cannot predict. */
static __u64 lcg(__u64 *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

#define SHARE_LEN	(2000 * 1000 * US)	/* 2 s */
#define SHARE_WIN_A	(1234567 * US + 891)	/* a 60 us window deep inside */
#define SHARE_WIN_B	(SHARE_WIN_A + 60 * US)

struct share_trace {
	__u64 run[2];		/* on-CPU time of 101 and 102 */
	__u64 nrec;		/* intervals and wakeups written */
	__u64 win_iv, win_wake;	/* intervals and wakeups in [SHARE_WIN_A, SHARE_WIN_B) */
	__u64 probe_t[3];	/* times inside the window ... */
	__u64 probe_s[3], probe_e[3];	/* ... and the slice of 101's lane there */
	__u8 probe_v[3];
};

/*
 * 101 and 102 take turns on CPU 0 in slices of 5-10 us (jittered) for 2 s,
 * the one off the CPU runnable (preempted); every 8th switch is a wakeup.
 * CPU 1 never runs a traced task: the trace info says it was 75% other
 * tasks and 25% idle.  Fills *st with what the page must show.
 */
static void share_trace(const char *path, struct share_trace *st)
{
	struct sl_cpu_stats cpus[2] = {
		{ .traced_ns = SHARE_LEN },
		{ .idle_ns = SHARE_LEN / 4, .other_ns = SHARE_LEN / 4 * 3 },
	};
	struct sl_trace_info ti = trace_info(SHARE_LEN);
	__u64 seed = 42, t = 0, k = 0;
	struct html *h;
	FILE *f = fopen(path, "w");
	size_t np = 0;

	memset(st, 0, sizeof(*st));
	st->probe_t[0] = SHARE_WIN_A + 7 * US;
	st->probe_t[1] = SHARE_WIN_A + 31 * US + 17;
	st->probe_t[2] = SHARE_WIN_B - 1;
	ti.cpus = cpus;
	cr_assert_not_null(f);
	cr_assert_eq(html__open(f, &ti, "share test", &h), 0);
	while (t < SHARE_LEN) {
		__u64 len = 5 * US + lcg(&seed) % (5 * US), end = t + len;
		__u32 on = 101 + (__u32)(k & 1), off = 101 + (__u32)(~k & 1);
		struct sl_interval iv[] = {
			{ T0 + t, T0 + end, on, 0, SL_IV_CPU, 0 },
			{ T0 + t, T0 + end, on, 0, SL_IV_TASK, SL_TS_RUNNING },
			{ T0 + t, T0 + end, off, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_PREEMPT },
		};

		if (end > SHARE_LEN)
			break;
		if (k % 8 == 0) {
			struct sl_event w = ev_wake(t + len / 2, 0, on, off);

			cr_assert_eq(html__add_event(h, &w), 0);
			st->nrec++;
			if (t + len / 2 >= SHARE_WIN_A && t + len / 2 < SHARE_WIN_B)
				st->win_wake++;
		}
		for (size_t i = 0; i < 3; i++) {
			cr_assert_eq(html__add_interval(h, &iv[i]), 0);
			st->nrec++;
			if (end > SHARE_WIN_A && t < SHARE_WIN_B)
				st->win_iv++;
		}
		for (size_t i = 0; i < 3; i++) {
			if (st->probe_t[i] >= t && st->probe_t[i] < end) {
				st->probe_s[i] = t;
				st->probe_e[i] = end;
				st->probe_v[i] = on == 101 ? SL_TS_RUNNING : SL_TS_RUNNABLE_PREEMPT;
				np++;
			}
		}
		st->run[on - 101] += len;
		t = end;
		k++;
	}
	cr_assert_eq(np, 3);
	cr_assert_eq(html__close(h, &ti, NULL), 0);
	cr_assert_eq(fclose(f), 0);
}

/* The number after "NAME " in a probe line such as "running 0.50, sleep 0.50", or -1. */
static double share_of(const char *line, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "%s ", name);
	p = strstr(line, key);
	return p ? strtod(p + strlen(key), NULL) : -1.0;
}

/* The probe output split at "\n--\n": the i-th part (malloc'd). */
static char *probe_part(const char *probe, int i)
{
	const char *s = probe, *e;

	for (; i > 0; i--) {
		s = strstr(s, "\n--\n");
		cr_assert_not_null(s, "probe has too few parts: %s", probe);
		s += 4;
	}
	e = strstr(s, "\n--\n");
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

/*
 * Zoomed out, a pixel column holds ~220 slices of each task: both must show
 * about half running and half runnable, from the intervals and from the
 * bins alike, and the CPU lane half each task.  CPU 1 is not blank.
 */
Test(html, zoomed_out_pixels_show_each_share, .timeout = 300)
{
	static const char *const lods[] = { "intervals", "bins" };
	char *path = artifact("timeline-share.html"), *png = artifact("timeline-share.png");
	struct share_trace st;

	chromium();
	share_trace(path, &st);
	unlink(png);
	free(browse(path, NULL, png));
	for (size_t m = 0; m < 2; m++) {
		char hash[512], *dom, *status, *probe;

		snprintf(hash, sizeof(hash), "lod=%s&pixels=task,101,100;task,102,100;task,101,700;"
			 "task,102,1100;cpu,0,400;cpu,1,400&shares=task,101,0,%llu;task,102,0,%llu",
			 lods[m], (unsigned long long)SHARE_LEN, (unsigned long long)SHARE_LEN);
		dom = browse(path, hash, NULL);
		status = element(dom, "status");
		cr_assert(strstr(status, "errors: 0"), "%s", status);
		cr_assert(strstr(status, m ? "lanes from intervals 0, from" : "lanes from intervals 3, from"),
			  "%s: %s", lods[m], status);
		probe = element(dom, "probe");
		for (int i = 0; i < 4; i++) {
			char *px = probe_part(probe, i);
			double run = share_of(px, "running"), wait = share_of(px, "runnable (preempted)");

			cr_assert(run > 0.35 && run < 0.65, "%s pixel %d: %s", lods[m], i, px);
			cr_assert(wait > 0.35 && wait < 0.65, "%s pixel %d: %s", lods[m], i, px);
			free(px);
		}
		{
			char *px = probe_part(probe, 4);
			double p0 = share_of(px, "P0 producer-0 (pid 101)"), c0 = share_of(px, "C0 consumer-0 (pid 102)");

			cr_assert(p0 > 0.35 && p0 < 0.65 && c0 > 0.35 && c0 < 0.65, "%s cpu0: %s", lods[m], px);
			free(px);
			px = probe_part(probe, 5);
			/* 18 px high: 75% other is 13 or 14 rows */
			cr_assert(share_of(px, "other tasks") > 0.65 && share_of(px, "idle") > 0.15,
				  "%s cpu1: %s", lods[m], px);
			free(px);
		}
		/* over the whole trace the shares are the exact on-CPU times */
		for (int i = 0; i < 2; i++) {
			char *sh = probe_part(probe, 6 + i);
			double want = (double)st.run[i] / (double)SHARE_LEN;

			cr_assert(fabs(share_of(sh, "running") - want) < 0.0002, "%s task %d: %s, want %.4f",
				  lods[m], 101 + i, sh, want);
			free(sh);
		}
		free(probe);
		free(status);
		free(dom);
	}
	free(png);
	free(path);
}

/*
 * Deep inside a trace of 800k intervals, a 60 us window shows every
 * interval and wakeup there, and each interval exactly where it was.
 */
Test(html, zoomed_in_shows_every_event, .timeout = 300)
{
	char *path = artifact("timeline-share-window.html"), hash[512], want[256], *dom, *status, *probe;
	struct share_trace st;
	struct stat sb;

	chromium();
	share_trace(path, &st);
	/* the bound that keeps a 10 M-event page openable: a few bytes per record */
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_lt((double)sb.st_size / (double)st.nrec, 6.0, "%lld bytes for %llu records",
		     (long long)sb.st_size, (unsigned long long)st.nrec);
	snprintf(hash, sizeof(hash), "from=%llu&to=%llu&wakeups=1&iv=task,101,%llu;task,101,%llu;task,101,%llu",
		 (unsigned long long)SHARE_WIN_A, (unsigned long long)SHARE_WIN_B,
		 (unsigned long long)st.probe_t[0], (unsigned long long)st.probe_t[1],
		 (unsigned long long)st.probe_t[2]);
	dom = browse(path, hash, NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "errors: 0"), "%s", status);
	snprintf(want, sizeof(want), "%llu intervals in view, %llu wakeup arrows",
		 (unsigned long long)st.win_iv, (unsigned long long)st.win_wake);
	cr_assert(strstr(status, want), "want '%s': %s", want, status);
	cr_assert(strstr(status, "from 65536 bins 0"), "%s", status);
	probe = element(dom, "probe");
	for (int i = 0; i < 3; i++) {
		char *line = probe_part(probe, i);

		snprintf(want, sizeof(want), "%llu %llu %u %d", (unsigned long long)st.probe_s[i],
			 (unsigned long long)st.probe_e[i], st.probe_v[i], st.probe_v[i] ? -1 : 0);
		cr_assert_str_eq(line, want);
		free(line);
	}
	free(probe);
	free(status);
	free(dom);
	if (!getenv("SL_KEEP_ARTIFACTS"))
		unlink(path);
	free(path);
}

/* CIE76 colour difference of two sRGB colours 0xRRGGBB (D65). */
static double delta_e(unsigned int a, unsigned int b)
{
	double la[3], lb[3], d = 0;
	unsigned int c[2] = { a, b };
	double *out[2] = { la, lb };

	for (int k = 0; k < 2; k++) {
		double v[3], x, y, z;

		for (int i = 0; i < 3; i++) {
			double u = ((c[k] >> (16 - 8 * i)) & 0xff) / 255.0;

			v[i] = u > 0.04045 ? pow((u + 0.055) / 1.055, 2.4) : u / 12.92;
		}
		x = (0.4124 * v[0] + 0.3576 * v[1] + 0.1805 * v[2]) / 0.95047;
		y = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
		z = (0.0193 * v[0] + 0.1192 * v[1] + 0.9505 * v[2]) / 1.08883;
		x = x > 0.008856 ? cbrt(x) : 7.787 * x + 16.0 / 116;
		y = y > 0.008856 ? cbrt(y) : 7.787 * y + 16.0 / 116;
		z = z > 0.008856 ? cbrt(z) : 7.787 * z + 16.0 / 116;
		out[k][0] = 116 * y - 16;
		out[k][1] = 500 * (x - y);
		out[k][2] = 200 * (y - z);
	}
	for (int i = 0; i < 3; i++)
		d += (la[i] - lb[i]) * (la[i] - lb[i]);
	return sqrt(d);
}

/* The colour of a legend swatch: the b element's background, "rgb(r, g, b)". */
static int swatches(const char *dom, const char *from, const char *to, char syms[][8],
		     unsigned int rgb[], int max)
{
	const char *p = strstr(dom, from), *end;
	int n = 0;

	cr_assert_not_null(p, "no %s", from);
	end = to ? strstr(p, to) : NULL;
	while (n < max && (p = strstr(p, "<span class=\"sw\"><b style=\"background: rgb(")) != NULL &&
	       (!end || p < end)) {
		unsigned int r, g, b;

		p += strlen("<span class=\"sw\"><b style=\"background: rgb(");
		cr_assert_eq(sscanf(p, "%u, %u, %u", &r, &g, &b), 3);
		rgb[n] = r << 16 | g << 8 | b;
		p = strstr(p, "</b>") + 4;
		sscanf(p, "%7s", syms[n]);
		n++;
	}
	return n;
}

/*
 * 70 threads of one program (more than the 64 a CPU lane's stack tells
 * apart, and than 36, where the terminal map's symbols run out): every
 * symbol differs, neighbours never share
 * a colour, no task colour is a state colour, the state colours differ;
 * the task legend and the report start folded so the lanes are on the
 * first screen.
 */
Test(html, many_tasks_stay_apart, .timeout = 120)
{
	enum { N = 70 };
	static struct sl_task_info many[N];
	char *path = artifact("timeline-many.html"), *png = artifact("timeline-many.png");
	char syms[128][8], ssyms[64][8], *dom, *status;
	unsigned int rgb[128], srgb[64];
	struct sl_trace_info ti = trace_info(N * 10 * US);
	struct html *h;
	FILE *f = fopen(path, "w");
	int n, ns;

	chromium();
	for (int i = 0; i < N; i++) {
		many[i] = (struct sl_task_info){ .pid = 1000 + i, .tgid = 1000, .ppid = 1 };
		snprintf(many[i].comm, sizeof(many[i].comm), "sched-messaging");
	}
	ti.tasks = many;
	ti.nr_tasks = N;
	cr_assert_not_null(f);
	cr_assert_eq(html__open(f, &ti, "many tasks", &h), 0);
	for (int i = 0; i < N; i++) {
		__u64 s = T0 + i * 10 * US, e = s + 10 * US;
		struct sl_interval iv[] = {
			{ s, e, 1000 + i, 0, SL_IV_CPU, 0 },
			/* every state occurs, so the legend shows them all */
			{ T0, s, 1000 + i, 0xffff, SL_IV_TASK, 1 + i % (SL_TS_MAX - 1) },
			{ s, e, 1000 + i, 0, SL_IV_TASK, SL_TS_RUNNING },
		};

		for (size_t k = 0; k < 3; k++)
			if (iv[k].end > iv[k].start)
				cr_assert_eq(html__add_interval(h, &iv[k]), 0);
	}
	cr_assert_eq(html__close(h, &ti, NULL), 0);
	cr_assert_eq(fclose(f), 0);
	unlink(png);
	free(browse(path, NULL, png));
	dom = browse(path, NULL, NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "rendered 2 cpu lanes, 70 task lanes"), "%s", status);
	cr_assert(strstr(status, "errors: 0"), "%s", status);
	cr_assert(strstr(dom, "<details id=\"report\">"), "the report starts folded");
	cr_assert(strstr(dom, "<details id=\"tasklegend\">"), "70 tasks: their legend starts folded");
	cr_assert(strstr(dom, "s69 sched-messaging (1069)"), "decimal symbols past s36");
	ns = swatches(dom, "task states", "CPUs held by", ssyms, srgb, 64);
	n = swatches(dom, "id=\"tasklegend\"", NULL, syms, rgb, 128);
	cr_assert_eq(n, N);
	cr_assert_eq(ns, SL_TS_MAX);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(syms[i], syms[j], "tasks %d and %d are both %s", i, j, syms[i]);
		/* the eight task colours: neighbours (and any two of them) far apart */
		for (int j = i - 1; j >= 0 && j > i - 8; j--)
			cr_assert_gt(delta_e(rgb[i], rgb[j]), 20.0, "tasks %s and %s look alike", syms[j], syms[i]);
		for (int j = 0; j < ns; j++)
			cr_assert_gt(delta_e(rgb[i], srgb[j]), 20.0, "task %s looks like state %d", syms[i], j);
	}
	/* the nine named states and ten spare colours for new kinds of wait */
	for (int i = 0; i < ns && i < 19; i++)
		for (int j = 0; j < i; j++)
			cr_assert_gt(delta_e(srgb[i], srgb[j]), 15.0, "states %d and %d look alike", j, i);
	free(status);
	free(dom);
	free(png);
	free(path);
}
