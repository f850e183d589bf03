// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto writer, checked with an independent decoder: protoc decodes
 * the file against tests/proto/trace.proto (Perfetto's field numbers) and
 * the tests assert on the text it prints, whitespace collapsed.  Perfetto's
 * own importer (trace_processor) is not available offline here; a chain
 * reader below rebuilds each CPU's switches from the compact arrays the
 * way the importer does (prev = the previous next on that CPU) and checks
 * them against the input.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/perfetto.h"

/*
 * The decoded text runs to megabytes and is searched once per field value;
 * ASan's strstr measures the whole remaining string on every call, which
 * makes that quadratic.  A plain search does not.
 */
static char *find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (*hay == *needle && !strncmp(hay, needle, n))
			return (char *)hay;
	return NULL;
}
#define strstr(h, n) find((h), (n))

#define T0 1000000000ull
#define UUID_QUEUE0 0x736c0000ull
#define UUID_RQ(c) (0x736c1000ull + (c))
#define UUID_SYNTH(c) (0x736c2000ull + (c))

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

static size_t count_between(const char *from, const char *to, const char *needle)
{
	size_t n = 0;

	for (const char *p = from; (p = strstr(p, needle)) && p < to; p += strlen(needle))
		n++;
	return n;
}

/* Off-CPU stacks for the next write_trace, or none. */
static const struct sl_stack_row *next_stacks;
static __u32 next_nr_stacks;

static void write_trace(const char *path, const struct sl_event *ev, size_t n,
			const struct sl_trace_info *ti)
{
	struct perfetto *p;
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(perfetto__open(f, ti, &p), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(perfetto__add_event(p, &ev[i]), 0);
	if (next_stacks)
		perfetto__set_stacks(p, next_stacks, next_nr_stacks);
	cr_assert_eq(perfetto__close(p, ti), 0);
	cr_assert_eq(fclose(f), 0);
}

#define assert_has(txt, s) cr_assert(strstr((txt), (s)), "missing: %s", (s))

/* ---- a reader for protoc's text: per-CPU switch chains and counters ---- */

#define RQ_MAX 65536
#define WK_MAX 8192

struct sw_out {
	__u64 ts;
	__u32 prev, next;	/* prev: the previous switch's next on the CPU */
	__s64 prev_state;
	char next_comm[SL_COMM_LEN + 1];
};

struct chains {
	struct sw_out *sw[4];		/* per CPU, in file order */
	size_t n[4];
	__u64 wk_ts[4][WK_MAX];
	__u32 wk_pid[4][WK_MAX];
	size_t nwk[4];
	size_t nwakeup_new;
	/* counter values on the run-queue sequences (2 + cpu) */
	__u64 rq_ts[RQ_MAX];
	int rq_cpu[RQ_MAX];
	long long rq_val[RQ_MAX];
	size_t nrq;
	long long synth_last[4];	/* last "switches synthesised" value per CPU */
};

/* The unsigned after "key: " at p, or 0. */
static unsigned long long num_after(const char *p, const char *key)
{
	return strtoull(p + strlen(key), NULL, 10);
}

/* Values of one packed field, in order, between from and to. */
static size_t field_values(const char *from, const char *to, const char *key, long long *out,
			   size_t max)
{
	size_t n = 0;

	for (const char *p = from; (p = strstr(p, key)) && p < to; p += strlen(key)) {
		cr_assert_lt(n, max);
		out[n++] = strtoll(p + strlen(key), NULL, 10);
	}
	return n;
}

static void read_chains(const char *text, struct chains *c)
{
	static long long ts[4096], st[4096], pid[4096], ci[4096];
	__u64 seq_ts[8] = { 0 };
	char intern[64][SL_COMM_LEN + 1];
	char *txt = strdup(text), *pk;

	cr_assert_not_null(txt);
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < 4; k++)
		c->synth_last[k] = -1;
	for (pk = strstr(txt, "packet {"); pk; ) {
		/* one packet at a time, cut off: every search stays inside it */
		char *end = strstr(pk + 8, "packet {"), saved = 0;
		const char *cs, *fe;

		if (!end) {
			end = pk + strlen(pk);
		} else {
			saved = *end;
			*end = '\0';
		}
		fe = strstr(pk, "ftrace_events { cpu: ");
		if (fe && fe < end) {
			unsigned cpu = (unsigned)num_after(fe, "ftrace_events { cpu: ");
			size_t nts, ni = 0;
			__u64 t = 0;

			cr_assert_lt(cpu, 4);
			c->nwakeup_new += count_between(pk, end, "sched_wakeup_new {");
			cs = strstr(pk, "compact_sched {");
			if (cs && cs < end) {
				nts = field_values(cs, end, "switch_timestamp: ", ts, 4096);
				cr_assert_eq(field_values(cs, end, "switch_prev_state: ", st, 4096), nts);
				cr_assert_eq(field_values(cs, end, "switch_next_pid: ", pid, 4096), nts);
				cr_assert_eq(field_values(cs, end, "switch_next_comm_index: ", ci, 4096), nts);
				for (const char *p = cs; (p = strstr(p, "intern_table: \"")) && p < end; p++) {
					const char *q = p + strlen("intern_table: \"");
					size_t len = strcspn(q, "\"");

					cr_assert_lt(ni, 64);
					snprintf(intern[ni++], sizeof(intern[0]), "%.*s", (int)len, q);
				}
				for (size_t i = 0; i < nts; i++) {
					struct sw_out *o;

					c->sw[cpu] = realloc(c->sw[cpu], (c->n[cpu] + 1) * sizeof(*o));
					o = &c->sw[cpu][c->n[cpu]];
					t = i ? t + (__u64)ts[i] : (__u64)ts[i];
					o->ts = t;
					o->next = (__u32)pid[i];
					o->prev = c->n[cpu] ? c->sw[cpu][c->n[cpu] - 1].next : 0xffffffffu;
					o->prev_state = st[i];
					cr_assert_lt((size_t)ci[i], ni);
					strcpy(o->next_comm, intern[ci[i]]);
					c->n[cpu]++;
				}
				nts = field_values(cs, end, "waking_timestamp: ", ts, 4096);
				cr_assert_eq(field_values(cs, end, "waking_pid: ", pid, 4096), nts);
				for (size_t i = 0; i < nts; i++) {
					t = i ? t + (__u64)ts[i] : (__u64)ts[i];
					cr_assert_lt(c->nwk[cpu], WK_MAX);
					c->wk_ts[cpu][c->nwk[cpu]] = t;
					c->wk_pid[cpu][c->nwk[cpu]++] = (__u32)pid[i];
				}
			}
		} else {
			const char *sq = strstr(pk, "trusted_packet_sequence_id: ");
			const char *cv = strstr(pk, "counter_value: ");
			const char *tu = strstr(pk, "track_uuid: ");
			unsigned long long seq = sq && sq < end ?
				num_after(sq, "trusted_packet_sequence_id: ") : 0;

			/* the run-queue sequences' clock starts at T0 and counts deltas */
			if (seq >= 2 && seq < 8 && strstr(pk, "is_incremental: true") &&
			    strstr(pk, "is_incremental: true") < end)
				seq_ts[seq] = T0;
			if (seq >= 2 && seq < 8 && cv && cv < end) {
				const char *tp = strstr(pk, "timestamp: ");

				cr_assert(tp && tp < end);
				seq_ts[seq] += num_after(tp, "timestamp: ");
				cr_assert_lt(c->nrq, RQ_MAX);
				c->rq_ts[c->nrq] = seq_ts[seq];
				c->rq_cpu[c->nrq] = (int)seq - 2;
				c->rq_val[c->nrq++] = strtoll(cv + strlen("counter_value: "), NULL, 10);
			} else if (cv && cv < end && tu && tu < end &&
				   num_after(tu, "track_uuid: ") >= UUID_SYNTH(0) &&
				   num_after(tu, "track_uuid: ") < UUID_SYNTH(4)) {
				c->synth_last[num_after(tu, "track_uuid: ") - UUID_SYNTH(0)] =
					strtoll(cv + strlen("counter_value: "), NULL, 10);
			}
		}
		if (saved)
			*end = saved;
		pk = *end ? end : NULL;
	}
	free(txt);
}

static void free_chains(struct chains *c)
{
	for (int k = 0; k < 4; k++)
		free(c->sw[k]);
}

/*
 * Every input switch is in the output, in order, with the prev the chain
 * implies equal to its own prev; whatever else is in a CPU's chain was
 * synthesised, and the CPU's counter says how many.  Returns the total
 * synthesised.
 */
static size_t check_chains(const struct chains *c, const struct sl_event *ev, size_t nev)
{
	size_t synth = 0;

	for (unsigned cpu = 0; cpu < 4; cpu++) {
		size_t j = 0, seen = 0, extra;

		for (size_t i = 0; i < nev; i++) {
			if (ev[i].type != SL_EV_SWITCH || ev[i].cpu != cpu)
				continue;
			/* skip synthesised entries until this switch's next */
			while (j < c->n[cpu] && !(c->sw[cpu][j].next == ev[i].sw.next &&
						  (seen == 0 || c->sw[cpu][j].prev == ev[i].pid)))
				j++;
			cr_assert_lt(j, c->n[cpu], "cpu%u: switch %u -> %u at %llu missing", cpu,
				     ev[i].pid, ev[i].sw.next, (unsigned long long)ev[i].ts);
			if (seen)
				cr_assert_eq(c->sw[cpu][j].prev, ev[i].pid,
					     "cpu%u: switch at %llu has prev %u, chain says %u", cpu,
					     (unsigned long long)ev[i].ts, ev[i].pid, c->sw[cpu][j].prev);
			seen++;
			j++;
		}
		extra = c->n[cpu] - seen;
		if (extra)
			cr_assert_eq(c->synth_last[cpu], (long long)extra,
				     "cpu%u: %zu switches synthesised, counter %lld", cpu, extra,
				     c->synth_last[cpu]);
		else
			cr_assert_leq(c->synth_last[cpu], 0);
		for (size_t k = 1; k < c->n[cpu]; k++)
			cr_assert_geq(c->sw[cpu][k].ts, c->sw[cpu][k - 1].ts);
		synth += extra;
	}
	return synth;
}

static char *write_and_decode(const struct sl_event *ev, size_t n, const struct sl_trace_info *ti,
			      long *size)
{
	char path[] = "/tmp/sl-perfetto-XXXXXX";
	char *txt;
	struct stat st;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	write_trace(path, ev, n, ti);
	cr_assert_eq(stat(path, &st), 0);
	if (size)
		*size = st.st_size;
	txt = decode(path);
	unlink(path);
	return txt;
}

Test(perfetto, decodes_with_protoc)
{
	struct sl_trace_info ti = trace_info();
	struct sl_event ev[32];
	static struct chains c;
	size_t n;
	char *txt;

	hand_built_events(ev, &n);
	txt = write_and_decode(ev, n, &ti, NULL);

	/* clocks: BOOTTIME is the trace clock, REALTIME alongside */
	assert_has(txt, "clock_snapshot { clocks { clock_id: 6 timestamp: 1000000000 } "
			"clocks { clock_id: 1 timestamp: 1700000000123456789 } "
			"primary_trace_clock: 6 }");
	assert_has(txt, "sequence_flags: 1");
	/* the kernel release makes the UI use the >= 4.14 prev_state layout */
	assert_has(txt, "system_info { utsname { sysname: \"Linux\" release: \"6.1.0-test\" } "
			"num_cpus: 2 }");

	/*
	 * compact per-CPU bundles: deltas, interned comms, prev implied;
	 * wakeup_new, which compact_sched lacks, is a plain event beside it
	 */
	assert_has(txt, "ftrace_events { cpu: 0 event { timestamp: 1000007000 pid: 103 "
			"sched_wakeup_new { comm: \"worker-0\" pid: 105 prio: 120 success: 1 "
			"target_cpu: 1 } } compact_sched { switch_timestamp: 1000001000 "
			"switch_timestamp: 3000 switch_timestamp: 4000 switch_prev_state: 0 "
			"switch_prev_state: 256 switch_prev_state: 128 switch_next_pid: 101 "
			"switch_next_pid: 103 switch_next_pid: 101 switch_next_prio: 120");
	assert_has(txt, "intern_table: \"producer-0\" intern_table: \"consumer-0\" "
			"intern_table: \"consumer-1\" switch_next_comm_index: 0 "
			"switch_next_comm_index: 2 switch_next_comm_index: 0 "
			"waking_timestamp: 1000002000 waking_pid: 102 waking_target_cpu: 1 "
			"waking_prio: 120 waking_comm_index: 1 waking_common_flags: 0 }");
	assert_has(txt, "ftrace_events { cpu: 1 compact_sched { switch_timestamp: 1000003000 "
			"switch_timestamp: 3000 switch_prev_state: 0 switch_prev_state: 1 "
			"switch_next_pid: 102 switch_next_pid: 0");
	assert_has(txt, "intern_table: \"swapper/1\"");
	cr_assert_eq(count(txt, "sched_switch {"), 0);

	read_chains(txt, &c);
	cr_assert_eq(c.n[0], 3);
	cr_assert_eq(c.n[1], 2);
	cr_assert_eq(c.nwk[0], 1);
	cr_assert_eq(c.nwakeup_new, 1);
	cr_assert_eq(check_chains(&c, ev, n), 0);
	cr_assert_str_eq(c.sw[0][1].next_comm, "consumer-1");
	free_chains(&c);

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
}

/*
 * Switches the trace has no record of: on CPU 0 the untraced 500 ran
 * after 101 and went to 501 before 501 switched to 102 (only the last is
 * recorded), and a record the analysis inferred comes earlier than one
 * already written.  The chain stays whole, the gap is synthesised and
 * counted, and time never goes back.
 */
Test(perfetto, every_cpu_chain_is_continuous)
{
	struct sl_trace_info ti = trace_info();
	struct sl_event ev[16];
	static struct chains c;
	size_t n = 0;
	char *txt;

	ev[n++] = ev_switch(1000, 0, 0, 101, SL_SWF_NEXT_TRACKED, 0);
	ev[n++] = ev_switch(2000, 0, 101, 500, SL_SWF_PREV_TRACKED | SL_R_PREEMPTED, 0);
	ev[n++] = ev_switch(4000, 0, 501, 102, SL_SWF_NEXT_TRACKED, 0);
	ev[n++] = ev_switch(5000, 0, 102, 0, SL_SWF_PREV_TRACKED | SL_SWF_VOLUNTARY | SL_R_SLEEP, 1);
	ev[n++] = ev_switch(1500, 1, 0, 103, SL_SWF_NEXT_TRACKED, 0);
	ev[n++] = ev_switch(1200, 1, 103, 0, SL_SWF_PREV_TRACKED | SL_SWF_VOLUNTARY | SL_R_SLEEP, 1);
	ev[n++] = ev_switch(3000, 1, 0, 101, SL_SWF_NEXT_TRACKED, 0);
	txt = write_and_decode(ev, n, &ti, NULL);
	read_chains(txt, &c);
	cr_assert_eq(check_chains(&c, ev, n), 1);
	cr_assert_eq(c.n[0], 5);
	/* the synthesised switch: 500 -> 501 at the record's time, left runnable */
	cr_assert_eq(c.sw[0][2].prev, 500);
	cr_assert_eq(c.sw[0][2].next, 501);
	cr_assert_eq(c.sw[0][2].ts, T0 + 4000);
	cr_assert_eq(c.sw[0][2].prev_state, 0);
	cr_assert_eq(c.synth_last[0], 1);
	assert_has(txt, "name: \"cpu0 switches synthesised\"");
	/* the earlier inferred record is clamped to the last written time */
	cr_assert_eq(c.sw[1][1].ts, T0 + 1500);
	free_chains(&c);
	free(txt);
}

/*
 * A random storm on 4 CPUs whose untraced stretches are invisible, as the
 * probes see them: the output chain is checked switch by switch, and it
 * stays compact.
 */
Test(perfetto, random_stream_chains_and_size)
{
	static struct sl_event ev[6000];
	struct sl_trace_info ti = trace_info();
	__u32 on[4] = { 0, 0, 0, 0 };
	__u64 rng = 0x2545f4914f6cdd1dull, t = 1000;
	static struct chains c;
	size_t n = 0, nsw = 0, synth;
	long size;
	char *txt;

	ti.ncpu = 4;
	while (n < sizeof(ev) / sizeof(ev[0])) {
		__u16 cpu;
		__u32 next;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		cpu = (__u16)(rng % 4);
		t += 100 + (rng >> 40) % 900;
		next = (rng >> 20) % 3 == 0 ? 0 : 100 + (__u32)((rng >> 24) % 12);
		if (next == on[cpu])
			continue;
		/* pids >= 106 are untraced: switches between two of them leave no record */
		if ((on[cpu] >= 106 || on[cpu] == 0) && (next >= 106 || next == 0) &&
		    (on[cpu] == 0) == (next == 0)) {
			on[cpu] = next;
			continue;
		}
		if ((rng >> 50) % 4 == 0) {
			struct sl_event w = ev_wake(t, SL_EV_WAKING, cpu, on[cpu], 100 + (rng >> 8) % 6,
						    (rng >> 30) % 4);

			ev[n++] = w;
			continue;
		}
		ev[n++] = ev_switch(t, cpu, on[cpu], next,
				    (on[cpu] && on[cpu] < 106 ? SL_SWF_PREV_TRACKED | SL_R_PREEMPTED : 0) |
				    (next && next < 106 ? SL_SWF_NEXT_TRACKED : 0), 0);
		on[cpu] = next;
		nsw++;
	}
	txt = write_and_decode(ev, n, &ti, &size);
	read_chains(txt, &c);
	synth = check_chains(&c, ev, n);
	cr_assert_gt(synth, 0);
	cr_assert_eq(c.n[0] + c.n[1] + c.n[2] + c.n[3], nsw + synth);
	cr_assert_eq(c.nwk[0] + c.nwk[1] + c.nwk[2] + c.nwk[3], n - nsw);
	/* the run-queue counters never go negative nor above the traced tasks */
	for (size_t i = 0; i < c.nrq; i++) {
		cr_assert_geq(c.rq_val[i], 0);
		cr_assert_leq(c.rq_val[i], 6);
	}
	cr_log_info("%zu events, %ld bytes: %.1f bytes per event", n, size, (double)size / n);
	cr_assert_lt((double)size / n, 20.0, "%.1f bytes per event", (double)size / n);
	free_chains(&c);
	free(txt);
}

/* Run-queue length per CPU, followed through wakeups, preemption and migration. */
Test(perfetto, run_queue_counters)
{
	struct sl_trace_info ti = trace_info();
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
	static struct chains c;
	size_t n;
	char *txt;

	hand_built_events(ev, &n);
	txt = write_and_decode(ev, n, &ti, NULL);
	assert_has(txt, "track_descriptor { uuid: 1936461824 name: \"cpu0 runnable (traced)\"");
	assert_has(txt, "track_descriptor { uuid: 1936461825 name: \"cpu1 runnable (traced)\"");
	/* each CPU's values on a sequence of their own, its track the default */
	assert_has(txt, "trusted_packet_sequence_id: 2 sequence_flags: 1 trace_packet_defaults { "
			"track_event_defaults { track_uuid: 1936461824 } timestamp_clock_id: 64 }");
	read_chains(txt, &c);
	cr_assert_eq(c.nrq, sizeof(want) / sizeof(want[0]));
	for (size_t k = 0; k < c.nrq; k++) {
		cr_assert_eq(c.rq_ts[k], T0 + want[k].t, "counter %zu: ts %llu", k,
			     (unsigned long long)c.rq_ts[k]);
		cr_assert_eq(c.rq_cpu[k], want[k].cpu, "counter %zu: cpu %d", k, c.rq_cpu[k]);
		cr_assert_eq(c.rq_val[k], want[k].value, "counter %zu: value %lld", k, c.rq_val[k]);
	}
	free_chains(&c);
	free(txt);
}

/* Packets leave as they are made: a long trace is on disk before close. */
Test(perfetto, streams_without_buffering_the_trace)
{
	struct sl_trace_info ti = trace_info();
	char path[] = "/tmp/sl-perfetto-XXXXXX";
	const size_t nev = 60000;
	struct perfetto *p;
	char *txt;
	long before_close;
	FILE *f;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert_eq(perfetto__open(f, &ti, &p), 0);
	for (size_t i = 0; i < nev; i++) {
		/* on each CPU two tasks take turns: a continuous chain */
		__u16 cpu = i % 2;
		__u32 a = cpu ? 103 : 101, b = a + 1, k = (__u32)(i / 2);
		struct sl_event e = ev_switch(i * 100, cpu, k & 1 ? b : a, k & 1 ? a : b,
					      TR | SL_R_PREEMPTED, 0);

		cr_assert_eq(perfetto__add_event(p, &e), 0);
	}
	fflush(f);
	before_close = ftell(f);
	cr_assert_eq(perfetto__close(p, &ti), 0);
	/* at most one unflushed bundle per CPU was held back */
	cr_assert_gt(before_close, (long)ftell(f) - 2 * 16 * 1024 - 4096);
	cr_assert_gt(before_close, 250000);
	fclose(f);
	txt = decode(path);
	cr_assert_eq(count(txt, "switch_next_pid:"), nev);
	cr_assert_eq(count(txt, "switches synthesised"), 0);
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

static struct sl_event ev_attr(__u64 t, __u32 pid, __u32 policy, __s16 nice, __u16 rt)
{
	struct sl_event e = { .ts = T0 + t, .type = SL_EV_TASK_ATTR, .pid = pid };

	e.attr.policy = policy;
	e.attr.nice = nice;
	e.attr.rt_priority = rt;
	return e;
}

/* Priorities as the kernel reports them, from the tasks' policy and nice. */
Test(perfetto, priorities_from_task_attributes)
{
	struct sl_trace_info ti = trace_info();
	struct sl_event ev[8];
	size_t n = 0;
	char *txt;

	ev[n++] = ev_attr(100, 101, 0, 5, 0);		/* nice 5 */
	ev[n++] = ev_attr(100, 102, 1, 0, 10);		/* SCHED_FIFO 10 */
	ev[n++] = ev_switch(1000, 0, 0, 101, SL_SWF_NEXT_TRACKED, 0);
	ev[n++] = ev_wake(1500, SL_EV_WAKING, 0, 101, 102, 0);
	ev[n++] = ev_switch(2000, 0, 101, 102, TR | SL_R_PREEMPTED, 0);
	ev[n++] = ev_switch(3000, 0, 102, 103, TR | SL_SWF_VOLUNTARY | SL_R_SLEEP, 1);
	txt = write_and_decode(ev, n, &ti, NULL);
	/* 101 at 125, 102 at 99 - 10, 103 unknown: nice 0 */
	assert_has(txt, "switch_next_pid: 101 switch_next_pid: 102 switch_next_pid: 103 "
			"switch_next_prio: 125 switch_next_prio: 89 switch_next_prio: 120");
	assert_has(txt, "waking_pid: 102 waking_target_cpu: 0 waking_prio: 89");
	free(txt);
}

/*
 * --stacks: each thread's heaviest off-CPU stacks, at most 3, as instants
 * at the trace's end on a track of that thread, frames as an argument.
 */
Test(perfetto, off_cpu_stacks_as_thread_instants)
{
	struct sl_trace_info ti = trace_info();
	struct sl_stack_key k[4] = {
		{ .tgid = 101, .kstack = 1 }, { .tgid = 101, .kstack = 2 },
		{ .tgid = 101, .kstack = 3 }, { .tgid = 101, .kstack = 4 },
	};
	struct sl_stack_row rows[5] = {
		{ .pid = 101, .tgid = 101, .key = k[0], .off_ns = 5000000, .count = 7 },
		{ .pid = 101, .tgid = 101, .key = k[1], .off_ns = 4000, .count = 2 },
		{ .pid = 101, .tgid = 101, .key = k[2], .off_ns = 3000, .count = 1 },
		{ .pid = 101, .tgid = 101, .key = k[3], .off_ns = 2000, .count = 1 },
		{ .pid = 999, .tgid = 999, .key = k[0], .off_ns = 1000, .count = 1 },	/* not in the trace */
	};
	struct sl_event ev[2];
	struct sl_stacks *stk;
	char *txt;

	cr_assert_eq(sl_stacks__new(&stk), 0);
	cr_assert_eq(sl_stacks__add(stk, &k[0], "main;produce;futex_wait;__schedule", 0), 0);
	cr_assert_eq(sl_stacks__add(stk, &k[1], "main;b", 0), 0);
	cr_assert_eq(sl_stacks__add(stk, &k[2], "main;c", 0), 0);
	cr_assert_eq(sl_stacks__add(stk, &k[3], "main;d", 0), 0);
	ti.stacks = stk;
	ev[0] = ev_switch(1000, 0, 0, 101, SL_SWF_NEXT_TRACKED, 0);
	ev[1] = ev_switch(2000, 0, 101, 0, TR | SL_SWF_VOLUNTARY | SL_R_SLEEP, 1);
	next_stacks = rows;
	next_nr_stacks = 5;
	txt = write_and_decode(ev, 2, &ti, NULL);
	next_stacks = NULL;
	assert_has(txt, "name: \"off-CPU stacks\" thread { pid: 101 tid: 101 }");
	cr_assert_eq(count(txt, "name: \"off-CPU stacks\""), 1, "one track for the thread");
	assert_has(txt, "type: TYPE_INSTANT");
	cr_assert_eq(count(txt, "type: TYPE_INSTANT"), 3, "its three heaviest, not the fourth");
	assert_has(txt, "string_value: \"main\\nproduce\\nfutex_wait\\n__schedule\" name: \"frames\"");
	assert_has(txt, "uint_value: 5000000 name: \"off_cpu_ns\"");
	assert_has(txt, "name: \"off-CPU 0.005 s in 7 blocks\"");
	cr_assert_null(strstr(txt, "main\\nd\""), "the fourth stack is left out");
	free(txt);
	sl_stacks__free(stk);
}
