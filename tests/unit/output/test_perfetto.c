// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto writer, checked with an independent decoder: protoc decodes
 * the file against tests/proto/trace.proto (Perfetto's field numbers) and
 * the tests assert on the text it prints, whitespace collapsed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/perfetto.h"

#define T0 1000000000ull
#define UUID_QUEUE0 0x736c0000ull
#define UUID_RQ(c) (0x736c1000ull + (c))

static struct sl_task_info tasks[] = {
	{ .pid = 100, .tgid = 100, .ppid = 1, .comm = "schedlab" },
	{ .pid = 101, .tgid = 101, .ppid = 100, .comm = "producer-0" },
	{ .pid = 102, .tgid = 102, .ppid = 100, .comm = "consumer-0" },
	{ .pid = 103, .tgid = 103, .ppid = 100, .comm = "consumer-1" },
};

static struct sl_trace_info trace_info(void)
{
	struct sl_trace_info ti = {
		.ncpu = 2,
		.start_ts = T0,
		.end_ts = T0 + 10000,
		.start_realtime_ns = 1700000000123456789ull,
		.kernel = "6.1.0-test",
		.nr_tasks = sizeof(tasks) / sizeof(tasks[0]),
		.tasks = tasks,
	};
	return ti;
}

static struct sl_event ev_switch(__u64 t, __u16 cpu, __u32 prev, __u32 next, __u8 flags,
				 __u16 state)
{
	struct sl_event e = { .ts = T0 + t, .type = SL_EV_SWITCH, .flags = flags, .cpu = cpu,
			      .pid = prev };

	e.sw.next = next;
	e.sw.state = state;
	e.sw.nr_syscall = SL_NO_SYSCALL;
	return e;
}

static struct sl_event ev_wake(__u64 t, __u8 type, __u16 cpu, __u32 waker, __u32 wakee,
			       __u32 target)
{
	struct sl_event e = { .ts = T0 + t, .type = type, .flags = SL_WKF_WAKEE_TRACKED,
			      .cpu = cpu, .pid = waker };

	e.wk.wakee = wakee;
	e.wk.target_cpu = target;
	e.wk.wakee_tgid = wakee;
	return e;
}

static struct sl_event ev_queue(__u64 t, __u8 type, __u16 cpu, __u32 pid, __u32 depth)
{
	struct sl_event e = { .ts = T0 + t, .type = type, .flags = 0, .cpu = cpu, .pid = pid };

	e.q.depth = depth;
	return e;
}

#define TR (SL_SWF_PREV_TRACKED | SL_SWF_NEXT_TRACKED)

static void hand_built_events(struct sl_event *ev, size_t *n)
{
	struct sl_event fork = { .ts = T0 + 6500, .type = SL_EV_FORK, .cpu = 0, .pid = 103 };
	struct sl_event comm = { .ts = T0 + 6600, .type = SL_EV_COMM, .cpu = 0, .pid = 105 };
	struct sl_event mig = { .ts = T0 + 9000, .type = SL_EV_MIGRATE, .cpu = 0, .pid = 105 };
	size_t i = 0;

	fork.fork.child = 105;
	fork.fork.child_tgid = 105;
	fork.fork.parent_tgid = 103;
	strcpy(comm.comm.comm, "worker-0");
	mig.mig.orig_cpu = 1;
	mig.mig.dest_cpu = 0;

	ev[i++] = ev_switch(1000, 0, 0, 101, SL_SWF_NEXT_TRACKED, 0);
	ev[i++] = ev_wake(2000, SL_EV_WAKING, 0, 101, 102, 1);
	ev[i++] = ev_queue(2500, SL_EV_Q_PUSH, 0, 101, 1);
	ev[i++] = ev_switch(3000, 1, 0, 102, SL_SWF_NEXT_TRACKED, 0);
	ev[i++] = ev_switch(4000, 0, 101, 103, TR | SL_R_PREEMPTED, 0);
	ev[i++] = ev_queue(5000, SL_EV_Q_POP, 1, 102, 0);
	ev[i++] = ev_switch(6000, 1, 102, 0, SL_SWF_PREV_TRACKED | SL_SWF_VOLUNTARY | SL_R_QEMPTY, 1);
	ev[i++] = fork;
	ev[i++] = comm;
	ev[i++] = ev_wake(7000, SL_EV_WAKEUP_NEW, 0, 103, 105, 1);
	ev[i++] = ev_switch(8000, 0, 103, 101, TR | SL_SWF_VOLUNTARY | SL_R_SLEEP, 0x402);
	ev[i++] = mig;
	*n = i;
}

static const char *proto_dir(void)
{
	static char dir[PATH_MAX + 16];
	char exe[PATH_MAX];
	ssize_t n;

	if (access("tests/proto/trace.proto", R_OK) == 0)
		return "tests/proto";
	/* .output/tests/unit/output/test_perfetto -> tests/proto */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	for (int up = 0; up < 5; up++)
		*strrchr(exe, '/') = '\0';
	snprintf(dir, sizeof(dir), "%s/tests/proto", exe);
	return dir;
}

/* protoc's text decoding of path, whitespace runs collapsed to one blank. */
static char *decode(const char *path)
{
	char cmd[3 * PATH_MAX], *out = NULL, *w;
	size_t cap = 0, len = 0;
	bool blank = false;
	FILE *p;
	int c;

	if (system("command -v protoc >/dev/null 2>&1") != 0)
		cr_skip_test("protoc not installed (Debian: protobuf-compiler)");
	snprintf(cmd, sizeof(cmd), "protoc --decode=perfetto.protos.Trace -I %s %s/trace.proto < %s",
		 proto_dir(), proto_dir(), path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 1 << 16;
			out = realloc(out, cap);
			cr_assert_not_null(out);
		}
		if (c == ' ' || c == '\n' || c == '\t') {
			if (!blank && len)
				out[len++] = ' ';
			blank = true;
			continue;
		}
		blank = false;
		out[len++] = (char)c;
	}
	cr_assert_eq(pclose(p), 0, "protoc failed to decode %s", path);
	cr_assert_not_null(out);
	out[len] = '\0';
	w = out;
	return w;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void write_trace(const char *path, const struct sl_event *ev, size_t n,
			const struct sl_trace_info *ti)
{
	struct perfetto *p;
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(perfetto__open(f, ti, &p), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(perfetto__add_event(p, &ev[i]), 0);
	cr_assert_eq(perfetto__close(p, ti), 0);
	cr_assert_eq(fclose(f), 0);
}

#define assert_has(txt, s) cr_assert(strstr((txt), (s)), "missing: %s", (s))

Test(perfetto, decodes_with_protoc)
{
	struct sl_trace_info ti = trace_info();
	char path[] = "/tmp/sl-perfetto-XXXXXX";
	struct sl_event ev[32];
	size_t n;
	char *txt;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	hand_built_events(ev, &n);
	write_trace(path, ev, n, &ti);
	txt = decode(path);

	/* clocks: BOOTTIME is the trace clock, REALTIME alongside */
	assert_has(txt, "clock_snapshot { clocks { clock_id: 6 timestamp: 1000000000 } "
			"clocks { clock_id: 1 timestamp: 1700000000123456789 } "
			"primary_trace_clock: 6 }");
	assert_has(txt, "sequence_flags: 1");
	/* the kernel release makes the UI use the >= 4.14 prev_state layout */
	assert_has(txt, "system_info { utsname { sysname: \"Linux\" release: \"6.1.0-test\" } "
			"num_cpus: 2 }");

	/* per-CPU bundles, events in order */
	assert_has(txt, "ftrace_events { cpu: 0 event { timestamp: 1000001000 pid: 0 sched_switch { "
			"prev_comm: \"swapper/0\" prev_pid: 0 prev_prio: 120 prev_state: 0 "
			"next_comm: \"producer-0\" next_pid: 101 next_prio: 120 } }");
	assert_has(txt, "event { timestamp: 1000002000 pid: 101 sched_waking { comm: \"consumer-0\" "
			"pid: 102 prio: 120 success: 1 target_cpu: 1 } }");
	/* preempted: TASK_REPORT_MAX, which the UI shows as R+ */
	assert_has(txt, "event { timestamp: 1000004000 pid: 101 sched_switch { "
			"prev_comm: \"producer-0\" prev_pid: 101 prev_prio: 120 prev_state: 256 "
			"next_comm: \"consumer-1\" next_pid: 103 next_prio: 120 } }");
	/* the fork's child is named by its COMM before it is woken */
	assert_has(txt, "event { timestamp: 1000007000 pid: 103 sched_wakeup_new { "
			"comm: \"worker-0\" pid: 105 prio: 120 success: 1 target_cpu: 1 } }");
	/* TASK_IDLE reports as 0x80 (I) */
	assert_has(txt, "prev_comm: \"consumer-1\" prev_pid: 103 prev_prio: 120 prev_state: 128");
	assert_has(txt, "ftrace_events { cpu: 1 event { timestamp: 1000003000 pid: 0 sched_switch {");
	assert_has(txt, "event { timestamp: 1000006000 pid: 102 sched_switch { "
			"prev_comm: \"consumer-0\" prev_pid: 102 prev_prio: 120 prev_state: 1 "
			"next_comm: \"swapper/1\" next_pid: 0");
	cr_assert_eq(count(txt, "sched_switch {"), 5);
	cr_assert_eq(count(txt, "sched_waking {"), 1);

	/* queue depth counter track */
	assert_has(txt, "track_descriptor { uuid: 1936457728 name: \"queue 0 depth\" "
			"counter { unit: UNIT_COUNT } }");
	assert_has(txt, "timestamp: 1000002500 trusted_packet_sequence_id: 1 track_event { "
			"type: TYPE_COUNTER track_uuid: 1936457728 counter_value: 1 } "
			"timestamp_clock_id: 6");
	assert_has(txt, "timestamp: 1000005000 trusted_packet_sequence_id: 1 track_event { "
			"type: TYPE_COUNTER track_uuid: 1936457728 counter_value: 0 }");

	/* process tree with names, including the forked, renamed child */
	assert_has(txt, "processes { pid: 101 ppid: 100 cmdline: \"producer-0\" }");
	assert_has(txt, "processes { pid: 105 ppid: 103 cmdline: \"worker-0\" }");
	assert_has(txt, "threads { tid: 102 name: \"consumer-0\" tgid: 102 }");
	free(txt);
	unlink(path);
}

/* Run-queue length per CPU, followed through wakeups, preemption and migration. */
Test(perfetto, run_queue_counters)
{
	struct sl_trace_info ti = trace_info();
	char path[] = "/tmp/sl-perfetto-XXXXXX";
	static const struct { __u64 t; int cpu; int value; } want[] = {
		{ 0, 0, 0 }, { 0, 1, 0 },
		{ 2000, 1, 1 },		/* 102 woken onto cpu1 */
		{ 3000, 1, 0 },		/* ... and runs there */
		{ 4000, 0, 1 },		/* 101 preempted on cpu0 */
		{ 7000, 1, 1 },		/* new 105 woken onto cpu1 */
		{ 8000, 0, 0 },		/* 101 runs again */
		{ 9000, 1, 0 },		/* 105 migrates cpu1 -> cpu0 */
		{ 9000, 0, 1 },
	};
	struct sl_event ev[32];
	size_t n, k = 0;
	char *txt, *at;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	hand_built_events(ev, &n);
	write_trace(path, ev, n, &ti);
	txt = decode(path);
	assert_has(txt, "track_descriptor { uuid: 1936461824 name: \"cpu0 runnable (traced)\"");
	assert_has(txt, "track_descriptor { uuid: 1936461825 name: \"cpu1 runnable (traced)\"");

	/* every run-queue counter value, in file order */
	for (at = txt; (at = strstr(at, "timestamp: ")); at++) {
		unsigned long long ts, uuid;
		long long value;

		if (sscanf(at, "timestamp: %llu trusted_packet_sequence_id: 1 track_event { "
			       "type: TYPE_COUNTER track_uuid: %llu counter_value: %lld",
			   &ts, &uuid, &value) != 3 || uuid < UUID_RQ(0))
			continue;
		cr_assert_lt(k, sizeof(want) / sizeof(want[0]), "extra counter at %llu", ts);
		cr_assert_eq(ts, T0 + want[k].t, "counter %zu: ts %llu", k, ts);
		cr_assert_eq(uuid, UUID_RQ(want[k].cpu), "counter %zu: uuid %llu", k, uuid);
		cr_assert_eq(value, want[k].value, "counter %zu: value %lld", k, value);
		k++;
	}
	cr_assert_eq(k, sizeof(want) / sizeof(want[0]));
	free(txt);
	unlink(path);
}

/* Packets leave as they are made: a long trace is on disk before close. */
Test(perfetto, streams_without_buffering_the_trace)
{
	struct sl_trace_info ti = trace_info();
	char path[] = "/tmp/sl-perfetto-XXXXXX";
	const size_t nev = 50000;
	struct perfetto *p;
	char *txt;
	long before_close;
	FILE *f;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert_eq(perfetto__open(f, &ti, &p), 0);
	for (size_t i = 0; i < nev; i++) {
		struct sl_event e = ev_switch(i * 100, i % 2, i & 1 ? 101 : 102, i & 1 ? 102 : 101,
					      TR | SL_R_PREEMPTED, 0);

		cr_assert_eq(perfetto__add_event(p, &e), 0);
	}
	fflush(f);
	before_close = ftell(f);
	cr_assert_eq(perfetto__close(p, &ti), 0);
	/* at most one unflushed bundle per CPU (32 KiB each) was held back */
	cr_assert_gt(before_close, (long)ftell(f) - 2 * 32 * 1024 - 4096);
	cr_assert_gt(before_close, 1000000);
	fclose(f);
	txt = decode(path);
	cr_assert_eq(count(txt, "sched_switch {"), nev);
	free(txt);
	unlink(path);
}

Test(perfetto, prev_state_as_the_kernel_reports_it)
{
	cr_assert_eq(perfetto_prev_state(0x0, SL_R_PREEMPTED), 0x100);
	cr_assert_eq(perfetto_prev_state(0x0, SL_R_RESCHED), 0x0);
	cr_assert_eq(perfetto_prev_state(0x1, SL_R_SLEEP), 0x1);
	cr_assert_eq(perfetto_prev_state(0x2, SL_R_IO), 0x2);
	cr_assert_eq(perfetto_prev_state(0x402, SL_R_SLEEP), 0x80);	/* TASK_IDLE */
	cr_assert_eq(perfetto_prev_state(0x2001, SL_R_QFULL), 0x1);	/* + TASK_FREEZABLE */
	cr_assert_eq(perfetto_prev_state(0x1000, SL_R_LOCK), 0x2);	/* TASK_RTLOCK_WAIT */
	cr_assert_eq(perfetto_prev_state(0x4, SL_R_OTHER), 0x4);	/* stopped */
	cr_assert_eq(perfetto_prev_state(0x80, SL_R_DEAD), 0x20);	/* TASK_DEAD -> Z */
}
