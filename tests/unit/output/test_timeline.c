// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal map of a hand-built trace, compared character for character,
 * plus the helpers it is built on (symbols, CPU lists, config capacity).
 *
 * The trace (times in us after start, 2 CPUs, 100 us):
 *   cpu0: producer-0 0-32, idle 32-40, consumer-0 40-100
 *   cpu1: make 0-10, untraced 10-20, consumer-1 20-70, idle 70-100
 *   producer-0: running 0-32, queue full 32-100
 *   consumer-0: queue empty 0-30, runnable 30-40, running 40-100
 *   consumer-1: queue empty 0-15, runnable 15-20, running 20-70, empty 70-100
 *   queue 0 (capacity 4): depth 1 at 0, 2 at 10, 4 at 20, 3 at 50, 4 at 52
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "output/timeline_ascii.h"
#include "output/timeline_tasks.h"

#define T0 1000000000ull	/* trace start, BOOTTIME ns */
#define US 1000ull

static struct sl_task_info tasks[] = {
	{ .pid = 101, .tgid = 101, .ppid = 100, .comm = "producer-0" },
	{ .pid = 102, .tgid = 102, .ppid = 100, .comm = "consumer-0" },
	{ .pid = 103, .tgid = 103, .ppid = 100, .comm = "consumer-1" },
	{ .pid = 300, .tgid = 300, .ppid = 1, .comm = "make" },
};

static struct sl_trace_info trace_info(void)
{
	struct sl_trace_info ti = {
		.ncpu = 2,
		.start_ts = T0,
		.end_ts = T0 + 100 * US,
		.kernel = "6.1.0-test",
		.config = "[workload]\nprofile = test\ncapacity = 4\n",
		.nr_tasks = sizeof(tasks) / sizeof(tasks[0]),
		.tasks = tasks,
	};
	return ti;
}

static const struct sl_interval cpu_ivs[] = {
	{ T0 + 0 * US, T0 + 10 * US, 300, 1, SL_IV_CPU, 0 },
	{ T0 + 10 * US, T0 + 20 * US, SL_OCC_OTHER, 1, SL_IV_CPU, 0 },
	{ T0 + 0 * US, T0 + 32 * US, 101, 0, SL_IV_CPU, 0 },
	{ T0 + 32 * US, T0 + 40 * US, SL_OCC_IDLE, 0, SL_IV_CPU, 0 },
	{ T0 + 20 * US, T0 + 70 * US, 103, 1, SL_IV_CPU, 0 },
	{ T0 + 40 * US, T0 + 100 * US, 102, 0, SL_IV_CPU, 0 },
	{ T0 + 70 * US, T0 + 100 * US, SL_OCC_IDLE, 1, SL_IV_CPU, 0 },
};

static const struct sl_interval task_ivs[] = {
	{ T0 + 0 * US, T0 + 15 * US, 103, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
	{ T0 + 15 * US, T0 + 20 * US, 103, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_WAKEUP },
	{ T0 + 0 * US, T0 + 30 * US, 102, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
	{ T0 + 0 * US, T0 + 32 * US, 101, 0, SL_IV_TASK, SL_TS_RUNNING },
	{ T0 + 30 * US, T0 + 40 * US, 102, 0xffff, SL_IV_TASK, SL_TS_RUNNABLE_WAKEUP },
	{ T0 + 20 * US, T0 + 70 * US, 103, 1, SL_IV_TASK, SL_TS_RUNNING },
	{ T0 + 32 * US, T0 + 100 * US, 101, 0xffff, SL_IV_TASK, SL_TS_QFULL },
	{ T0 + 40 * US, T0 + 100 * US, 102, 0, SL_IV_TASK, SL_TS_RUNNING },
	{ T0 + 70 * US, T0 + 100 * US, 103, 0xffff, SL_IV_TASK, SL_TS_QEMPTY },
};

static struct sl_event qev(__u64 us, __u8 type, __u32 depth)
{
	struct sl_event e = { .ts = T0 + us * US, .type = type, .flags = 0, .pid = 101 };

	e.q.depth = depth;
	return e;
}

/* Renders the hand-built trace; returns a malloc'd string. */
static char *render(const struct timeline_opts *o, bool live)
{
	struct sl_trace_info ti = trace_info(), live_ti = ti;
	struct timeline_ascii *t;
	struct sl_event ev[] = {
		qev(0, SL_EV_Q_PUSH, 1), qev(10, SL_EV_Q_PUSH, 2), qev(20, SL_EV_Q_PUSH, 4),
		qev(50, SL_EV_Q_POP, 3), qev(52, SL_EV_Q_PUSH, 4),
	};
	const struct sl_interval *ivs = o->by == TIMELINE_BY_CPU ? cpu_ivs : task_ivs;
	size_t niv = o->by == TIMELINE_BY_CPU ? sizeof(cpu_ivs) / sizeof(cpu_ivs[0])
					      : sizeof(task_ivs) / sizeof(task_ivs[0]);
	size_t ie = 0, len = 0;
	char *buf = NULL;
	FILE *f;

	/* A live run does not know its end (nor its tasks) when the map is created. */
	if (live) {
		live_ti.end_ts = 0;
		live_ti.nr_tasks = 0;
	}
	cr_assert_eq(timeline_ascii__new(&live_ti, o, &t), 0);
	/* stream order: events and intervals interleaved by time */
	for (size_t i = 0; i < niv; i++) {
		while (ie < sizeof(ev) / sizeof(ev[0]) && ev[ie].ts <= ivs[i].end)
			cr_assert_eq(timeline_ascii__add_event(t, &ev[ie++]), 0);
		cr_assert_eq(timeline_ascii__add_interval(t, &ivs[i]), 0);
	}
	while (ie < sizeof(ev) / sizeof(ev[0]))
		cr_assert_eq(timeline_ascii__add_event(t, &ev[ie++]), 0);
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	cr_assert_eq(timeline_ascii__print(t, &ti, f), 0);
	fclose(f);
	timeline_ascii__free(t);
	return buf;
}

static void expect_map(const char *got, const char *want)
{
	if (strcmp(got, want))
		cr_log_error("got:\n%s\nwant:\n%s", got, want);
	cr_assert_str_eq(got, want);
}

Test(timeline_ascii, by_cpu_exact)
{
	struct timeline_opts o = { .width = 49, .by = TIMELINE_BY_CPU };
	char *got = render(&o, false);

	expect_map(got,
		"CPU timeline: 0 ns .. 100 us after trace start, 5 us per column\n"
		"       0         25us      50us      75us      100us\n"
		"       +---------+---------+---------+---------+\n"
		"cpu0   |P0P0P0P0P0P0....C0C0C0C0C0C0C0C0C0C0C0C0|\n"
		"cpu1   |m0m0----C1C1C1C1C1C1C1C1C1C1............|\n"
		"queue0 |▃▃▃▃▅▅▅▅████████████▇▇██████████████████| 0..4 (capacity)\n"
		"\n"
		".. idle              -- other tasks\n"
		"P0 producer-0 (101)  C0 consumer-0 (102)\n"
		"C1 consumer-1 (103)  m0 make (300)\n");
	free(got);
}

Test(timeline_ascii, by_task_exact)
{
	struct timeline_opts o = { .width = 41, .by = TIMELINE_BY_TASK };
	char *got = render(&o, false);

	expect_map(got,
		"task timeline: 0 ns .. 100 us after trace start, 5 us per column\n"
		"                   0         50us      100us\n"
		"                   +---------+---------+\n"
		"P0 producer-0      |RRRRRRFFFFFFFFFFFFFF|\n"
		"C0 consumer-0      |EEEEEErrRRRRRRRRRRRR|\n"
		"C1 consumer-1      |EEErRRRRRRRRRREEEEEE|\n"
		"queue0 depth       |▃▃▅▅██████▇█████████| 0..4 (capacity)\n"
		"\n"
		"R running  r runnable  I disk I/O\n"
		"F queue full  E queue empty  L lock\n"
		"S sleep  D other blocked  . not alive\n"
		"P0 producer-0 (101)  C0 consumer-0 (102)\n"
		"C1 consumer-1 (103)\n");
	free(got);
}

/* A live run: no end time and no task names when the map is created. */
Test(timeline_ascii, open_ended_window_names_late_tasks)
{
	struct timeline_opts o = { .width = 41, .by = TIMELINE_BY_TASK };
	char *got = render(&o, true);

	expect_map(got,
		"task timeline: 0 ns .. 100 us after trace start, 10 us per column\n"
		"                   0         100us\n"
		"                   +---------+\n"
		"P0 producer-0      |RRRFFFFFFF|\n"
		"C0 consumer-0      |EEErRRRRRR|\n"
		"C1 consumer-1      |EERRRRREEE|\n"
		"queue0 depth       |▃▅████████| 0..4 (capacity)\n"
		"\n"
		"R running  r runnable  I disk I/O\n"
		"F queue full  E queue empty  L lock\n"
		"S sleep  D other blocked  . not alive\n"
		"P0 producer-0 (101)  C0 consumer-0 (102)\n"
		"C1 consumer-1 (103)\n");
	free(got);
}

/* Buckets keep a fixed count: a long open-ended run widens them instead. */
Test(timeline_ascii, open_ended_window_doubles_buckets)
{
	struct sl_trace_info ti = trace_info();
	struct timeline_opts o = { .width = 49, .by = TIMELINE_BY_CPU };
	struct timeline_ascii *t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ti.end_ts = 0;
	cr_assert_eq(timeline_ascii__new(&ti, &o, &t), 0);
	/* 1 s of alternating 1 ms slices: 20 buckets of 10 us would need 5000 */
	for (__u64 ms = 0; ms < 1000; ms++) {
		struct sl_interval iv = { T0 + ms * 1000000, T0 + (ms + 1) * 1000000,
					  ms < 600 ? 101 : SL_OCC_IDLE, 0, SL_IV_CPU, 0 };

		cr_assert_eq(timeline_ascii__add_interval(t, &iv), 0);
	}
	f = open_memstream(&buf, &len);
	cr_assert_eq(timeline_ascii__print(t, NULL, f), 0);
	fclose(f);
	/* 40 buckets doubled from 10 us to 40.96 ms, folded into 20 columns of 50 ms */
	cr_assert(strstr(buf, "50 ms per column"), "%s", buf);
	cr_assert(strstr(buf, "cpu0   |P0P0P0P0P0P0P0P0P0P0P0P0................|\n"), "%s", buf);
	timeline_ascii__free(t);
	free(buf);
}

Test(timeline_ascii, window_from_to)
{
	struct timeline_opts o = { .width = 49, .by = TIMELINE_BY_CPU,
				   .from_ns = 20 * US, .to_ns = 60 * US };
	char *got = render(&o, false);

	expect_map(got,
		"CPU timeline: 20 us .. 60 us after trace start, 2 us per column\n"
		"       20us      30us      40us      50us      60us\n"
		"       +---------+---------+---------+---------+\n"
		"cpu0   |P0P0P0P0P0P0........C0C0C0C0C0C0C0C0C0C0|\n"
		"cpu1   |C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1|\n"
		"queue0 |██████████████████████████████▆▆████████| 0..4 (capacity)\n"
		"\n"
		".. idle              -- other tasks\n"
		"P0 producer-0 (101)  C0 consumer-0 (102)\n"
		"C1 consumer-1 (103)\n");
	free(got);
}

Test(timeline_ascii, cpu_filter)
{
	struct timeline_opts o = { .width = 49, .by = TIMELINE_BY_CPU, .cpus = "1" };
	struct timeline_opts ot = { .width = 41, .by = TIMELINE_BY_TASK, .cpus = "1" };
	char *got = render(&o, false), *gott;

	cr_assert_null(strstr(got, "cpu0"));
	cr_assert(strstr(got, "cpu1   |m0m0----C1C1C1C1C1C1C1C1C1C1............|\n"), "%s", got);
	/* the legend lists only what the shown lanes contain */
	cr_assert_null(strstr(got, "producer-0"));
	cr_assert(strstr(got, "m0 make (300)"));
	free(got);

	/* by task: only tasks that ran on a selected CPU */
	gott = render(&ot, false);
	cr_assert(strstr(gott, "C1 consumer-1      |EEErRRRRRRRRRREEEEEE|\n"), "%s", gott);
	cr_assert_null(strstr(gott, "P0 producer-0      |"));
	cr_assert_null(strstr(gott, "C0 consumer-0      |"));
	free(gott);
}

Test(timeline_ascii, color_and_ascii_sparkline)
{
	struct timeline_opts o = { .width = 49, .by = TIMELINE_BY_CPU, .color = true };
	struct timeline_opts ot = { .width = 41, .by = TIMELINE_BY_TASK, .ascii_only = true };
	char *got = render(&o, false), *gott;

	/* one escape per run of equal colour, reset before the border */
	cr_assert(strstr(got, "cpu0   |\033[32mP0P0P0P0P0P0\033[0m\033[2m....\033[0m"
			      "\033[36mC0C0C0C0C0C0C0C0C0C0C0C0\033[0m|\n"), "%s", got);
	free(got);
	gott = render(&ot, false);
	cr_assert(strstr(gott, "queue0 depth       |::==######*#########| 0..4 (capacity)\n"),
		  "%s", gott);
	cr_assert_null(strstr(gott, "\033["));
	free(gott);
}

Test(timeline_ascii, rejects_bad_options)
{
	struct sl_trace_info ti = trace_info();
	struct timeline_ascii *t = (void *)1;
	struct timeline_opts bad_cpu = { .cpus = "0,5" };
	struct timeline_opts bad_syntax = { .cpus = "1-" };
	struct timeline_opts bad_window = { .from_ns = 50 * US, .to_ns = 10 * US };

	cr_assert_eq(timeline_ascii__new(&ti, &bad_cpu, &t), -EINVAL);
	cr_assert_null(t);
	cr_assert_eq(timeline_ascii__new(&ti, &bad_syntax, &t), -EINVAL);
	cr_assert_eq(timeline_ascii__new(&ti, &bad_window, &t), -EINVAL);
}

Test(timeline_tasks, symbols)
{
	static const char *const comms[] = {
		"consumer-1", "producer-0", "make", "consumer-1", "mount", "worker-3",
		"schedlab", "consumer-12",
	};
	static const char *const want[] = { "C1", "P0", "m0", "C0", "m1", "W3", "s0", "Cc" };
	struct tl_tasks t;

	cr_assert_eq(tl_tasks__init(&t, NULL), 0);
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		int idx = tl_tasks__add(&t, 500 + (__u32)i);

		cr_assert_eq(idx, (int)i);
		strcpy(t.v[idx].comm, comms[i]);
	}
	tl_tasks__assign_symbols(&t);
	/* the second consumer-1 (higher pid) takes the first free digit */
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++)
		cr_assert_str_eq(t.v[i].sym, want[i], "%s: %s", comms[i], t.v[i].sym);
	cr_assert_eq(tl_tasks__find(&t, 503), 3);
	cr_assert_eq(tl_tasks__find(&t, 9999), -1);
	tl_tasks__free(&t);
}

Test(timeline_tasks, follows_fork_and_comm)
{
	struct tl_tasks t;
	struct sl_event fork = { .type = SL_EV_FORK, .pid = 100 };
	struct sl_event comm = { .type = SL_EV_COMM, .pid = 101 };
	int idx;

	cr_assert_eq(tl_tasks__init(&t, NULL), 0);
	idx = tl_tasks__add(&t, 100);
	strcpy(t.v[idx].comm, "schedlab");
	fork.fork.child = 101;
	fork.fork.child_tgid = 101;
	fork.fork.parent_tgid = 100;
	cr_assert_eq(tl_tasks__on_event(&t, &fork), 0);
	idx = tl_tasks__find(&t, 101);
	cr_assert_geq(idx, 0);
	cr_assert_str_eq(t.v[idx].comm, "schedlab");
	cr_assert_eq(t.v[idx].tgid, 101);
	cr_assert_eq(t.v[idx].ppid, 100);
	strcpy(comm.comm.comm, "producer-0");
	cr_assert_eq(tl_tasks__on_event(&t, &comm), 0);
	cr_assert_str_eq(t.v[idx].comm, "producer-0");
	tl_tasks__free(&t);
}

Test(timeline_tasks, many_tasks_grow_the_table)
{
	struct tl_tasks t;

	cr_assert_eq(tl_tasks__init(&t, NULL), 0);
	for (__u32 pid = 1; pid <= 5000; pid++)
		cr_assert_eq(tl_tasks__add(&t, pid * 7), (int)pid - 1);
	for (__u32 pid = 1; pid <= 5000; pid++)
		cr_assert_eq(tl_tasks__find(&t, pid * 7), (int)pid - 1);
	cr_assert_eq(tl_tasks__find(&t, 3), -1);
	cr_assert_eq(tl_tasks__add(&t, 0), -EINVAL);
	tl_tasks__free(&t);
}

Test(timeline_tasks, helpers)
{
	bool mask[8];

	cr_assert_eq(tl_parse_cpu_list("0,2-3,7", 8, mask), 0);
	cr_assert(mask[0] && !mask[1] && mask[2] && mask[3] && !mask[4] && mask[7]);
	cr_assert_eq(tl_parse_cpu_list("8", 8, mask), -EINVAL);
	cr_assert_eq(tl_parse_cpu_list("3-1", 8, mask), -EINVAL);
	cr_assert_eq(tl_parse_cpu_list("1,,2", 8, mask), -EINVAL);
	cr_assert_eq(tl_parse_cpu_list("", 8, mask), -EINVAL);

	cr_assert_eq(tl_state_class(SL_TS_RUNNABLE_PREEMPT), TL_SC_RUNNABLE);
	cr_assert_eq(tl_state_class_char(tl_state_class(SL_TS_QFULL)), 'F');
	cr_assert_eq(tl_state_class_char(tl_state_class(SL_TS_QEMPTY)), 'E');
}
