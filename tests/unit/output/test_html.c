// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML timeline in a real browser: headless Chromium loads pages made
 * from hand-built traces and dumps the DOM; the viewer writes what it drew
 * (lanes, intervals, arrows, time taken) and every JavaScript error into
 * <pre id="status">, and tooltip texts into <pre id="probe">.  Screenshots
 * are kept in .output/artifacts/.  Skips only when chromium is missing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
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

/* The small trace of test_timeline.c, with two wakeups: 100 us, 2 CPUs. */
static void small_trace(const char *path, const char *summary)
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
	cr_assert_eq(html__close(h, &ti, summary), 0);
	cr_assert_eq(fclose(f), 0);
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

/* A million intervals: sub-pixel ones merge, the first frame stays quick. */
Test(html, million_intervals_stay_responsive, .timeout = 300)
{
	char *path = artifact("timeline-million.html"), *dom, *status, *ms;
	double drawn_ms;

	chromium();
	/* 2 CPUs x 6 intervals per 10 us period x 83334 periods ~ 1M intervals */
	slow_consumer_trace(path, 834, 10 * US);
	dom = browse(path, "wakeups=1", NULL);
	status = element(dom, "status");
	cr_assert(strstr(status, "rendered 2 cpu lanes, 4 task lanes, 1 queue tracks, "
				 "1000800 intervals in view"), "%s", status);
	/* too many wakeups to draw at this zoom: the viewer says so instead */
	cr_assert(strstr(status, "zoom in to see 166800 wakeup arrows"), "%s", status);
	cr_assert(strstr(status, "errors: 0"), "%s", status);
	ms = strstr(status, "drawn in ");
	cr_assert_not_null(ms);
	drawn_ms = strtod(ms + 9, NULL);
	cr_assert_lt(drawn_ms, 1000.0, "first frame took %.1f ms", drawn_ms);
	free(status);
	free(dom);
	if (!getenv("SL_KEEP_ARTIFACTS"))
		unlink(path);	/* 20 MB: not worth keeping */
	free(path);
}
