// SPDX-License-Identifier: GPL-2.0
/*
 * Perfetto trace writer with a hand-written protobuf encoder.
 *
 * A trace file is a `Trace` message: a run of `TracePacket packet = 1`
 * fields, so each packet can be written as soon as it is complete.  A
 * packet is encoded into a fixed scratch buffer; nested messages get a
 * 4-byte length placeholder, patched when the message ends (a varint may
 * be padded with 0x80 continuation bytes; protobuf decoders, Perfetto's
 * included, accept it, and Perfetto's own writer does the same).
 *
 * sched_switch and sched_waking are batched per CPU into an
 * FtraceEventBundle in Perfetto's compact_sched form: one packed array per
 * field, timestamps delta-encoded, comms interned per bundle, and a
 * switch's prev_pid/prev_comm left out because they are the previous
 * switch's next on that CPU -- about 8 bytes per event instead of ~90.  That
 * makes each CPU's prev/next chain part of the format, so the writer keeps
 * it whole: where the trace has no record of a switch (untraced to untraced
 * switches make none), it synthesises one from the last known occupant
 * to the record's prev, at the record's time, and counts it on a per-CPU
 * counter track ("cpuN switches synthesised") so it is never mistaken for
 * one the kernel reported.  sched_wakeup_new, which compact_sched lacks,
 * goes into the same bundle as a plain FtraceEvent.  Bundles are flushed
 * when full and at the end.  Everything else (clock, system info, track
 * descriptors, counter values) goes on one packet sequence, SEQ_ID.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "offcpu_report.h"
#include "perfetto.h"
#include "timeline_tasks.h"

/* Field numbers, from Perfetto's protos/perfetto/... (see tests/proto/). */
enum {	/* Trace */
	F_TRACE_PACKET = 1,
};
enum {	/* TracePacket */
	F_PKT_FTRACE_EVENTS = 1, F_PKT_PROCESS_TREE = 2, F_PKT_CLOCK_SNAPSHOT = 6,
	F_PKT_TIMESTAMP = 8, F_PKT_SEQ_ID = 10, F_PKT_TRACK_EVENT = 11,
	F_PKT_SEQ_FLAGS = 13, F_PKT_SYSTEM_INFO = 45, F_PKT_CLOCK_ID = 58,
	F_PKT_DEFAULTS = 59, F_PKT_TRACK_DESCRIPTOR = 60,
};
enum {	/* TracePacketDefaults, TrackEventDefaults */
	F_PD_TRACK_EVENT = 11, F_PD_CLOCK_ID = 58, F_TED_TRACK_UUID = 11,
};
enum {	/* FtraceEventBundle */
	F_BUNDLE_CPU = 1, F_BUNDLE_EVENT = 2, F_BUNDLE_COMPACT = 4,
};
enum {	/* FtraceEventBundle.CompactSched */
	F_CS_SW_TS = 1, F_CS_SW_PREV_STATE, F_CS_SW_NEXT_PID, F_CS_SW_NEXT_PRIO,
	F_CS_INTERN, F_CS_SW_NEXT_COMM, F_CS_WK_TS, F_CS_WK_PID, F_CS_WK_TARGET_CPU,
	F_CS_WK_PRIO, F_CS_WK_COMM, F_CS_WK_FLAGS,
};
enum {	/* FtraceEvent */
	F_FE_TIMESTAMP = 1, F_FE_PID = 2, F_FE_SCHED_SWITCH = 4,
	F_FE_SCHED_WAKING = 20, F_FE_SCHED_WAKEUP_NEW = 114,
};
enum {	/* SchedSwitchFtraceEvent */
	F_SW_PREV_COMM = 1, F_SW_PREV_PID, F_SW_PREV_PRIO, F_SW_PREV_STATE,
	F_SW_NEXT_COMM, F_SW_NEXT_PID, F_SW_NEXT_PRIO,
};
enum {	/* SchedWakingFtraceEvent, SchedWakeupNewFtraceEvent */
	F_WK_COMM = 1, F_WK_PID, F_WK_PRIO, F_WK_SUCCESS, F_WK_TARGET_CPU,
};
enum {	/* ProcessTree, .Process, .Thread */
	F_PT_PROCESSES = 1, F_PT_THREADS = 2,
	F_PROC_PID = 1, F_PROC_PPID = 2, F_PROC_CMDLINE = 3,
	F_THR_TID = 1, F_THR_NAME = 2, F_THR_TGID = 3,
};
enum {	/* ClockSnapshot, .Clock */
	F_CS_CLOCKS = 1, F_CS_PRIMARY = 2, F_CLK_ID = 1, F_CLK_TIMESTAMP = 2,
	F_CLK_INCREMENTAL = 3,
};
enum {	/* SystemInfo, Utsname */
	F_SI_UTSNAME = 1, F_SI_NUM_CPUS = 8,
	F_UTS_SYSNAME = 1, F_UTS_RELEASE = 3, F_UTS_MACHINE = 4,
};
enum {	/* TrackDescriptor, ThreadDescriptor, CounterDescriptor, TrackEvent, DebugAnnotation */
	F_TD_UUID = 1, F_TD_NAME = 2, F_TD_THREAD = 4, F_TD_COUNTER = 8,
	F_THD_PID = 1, F_THD_TID = 2,
	F_CD_UNIT = 3,
	F_TE_DEBUG = 4, F_TE_TYPE = 9, F_TE_TRACK_UUID = 11, F_TE_NAME = 23,
	F_TE_COUNTER_VALUE = 30,
	F_DA_UINT = 3, F_DA_STRING = 6, F_DA_NAME = 10,
};

#define CLOCK_REALTIME_ID	1	/* BuiltinClock */
#define CLOCK_BOOTTIME_ID	6
#define CLOCK_RQ_DELTA_ID	64	/* sequence-scoped: BOOTTIME ns since the last packet */
#define SEQ_INCREMENTAL_STATE_CLEARED 1
#define TRACK_EVENT_INSTANT	3	/* TrackEvent.Type TYPE_INSTANT */
#define TRACK_EVENT_COUNTER	4	/* TrackEvent.Type TYPE_COUNTER */
#define UNIT_COUNT		2	/* CounterDescriptor.Unit */
#define SEQ_ID			1
#define SEQ_RQ(cpu)		(2 + (cpu))	/* one sequence per CPU's run-queue counter */
#define DEFAULT_PRIO		120	/* nice 0: a task whose attributes the trace lacks */

#define SCRATCH_CAP	(64 * 1024)
#define CB_EVENTS	1024	/* switches, and wakings, per compact bundle */
#define CB_INTERN	64	/* distinct comms per compact bundle */
#define CB_OTHER_CAP	(16 * 1024)	/* plain FtraceEvents per bundle */
/* one bundle's packet: every array at its largest, plus the plain events */
#define CB_PACKET_CAP	(CB_EVENTS * 2 * 40 + CB_INTERN * 24 + CB_OTHER_CAP + 256)
#define EVENT_MAX	128	/* upper bound of one encoded FtraceEvent */
#define TASKS_PER_TREE	256	/* ProcessTree entries per packet */

#define UUID_QUEUE(q)	(0x736c0000ull + (q))		/* "sl" + queue id */
#define UUID_RQ(cpu)	(0x736c1000ull + (cpu))
#define UUID_SYNTH(cpu)	(0x736c2000ull + (cpu))
#define UUID_STACKS(tid) (0x736c3ull << 32 | (tid))	/* a thread's off-CPU stacks */
#define STACKS_PER_TASK	3

enum { TL_RQ_UNKNOWN = 0, TL_RQ_RUNNING, TL_RQ_QUEUED, TL_RQ_BLOCKED };

struct pb {
	__u8 *buf;
	size_t len, cap;
	bool overflow;
};

/* One CPU's pending compact_sched bundle. */
struct cbundle {
	__u32 nsw, nwk, nintern;
	__u64 last_sw_ts, last_wk_ts;	/* for the deltas */
	__u64 sw_ts[CB_EVENTS];
	__s64 sw_state[CB_EVENTS];
	__s32 sw_pid[CB_EVENTS];
	__s32 sw_prio[CB_EVENTS];
	__u32 sw_comm[CB_EVENTS];
	__u64 wk_ts[CB_EVENTS];
	__s32 wk_pid[CB_EVENTS];
	__s32 wk_cpu[CB_EVENTS];
	__s32 wk_prio[CB_EVENTS];
	__u32 wk_comm[CB_EVENTS];
	char intern[CB_INTERN][SL_COMM_LEN + 1];
	struct pb other;		/* plain FtraceEvents (sched_wakeup_new) */
};

/* What the switch chain says a CPU runs now. */
struct cpu_chain {
	bool known;
	__u32 pid;
	__u64 ts;			/* last switch written: timestamps never go back */
	__u64 synth;			/* switches synthesised so far */
};

struct perfetto {
	FILE *f;
	__u32 ncpu;
	__u64 start_ts;
	struct pb scratch;		/* one non-ftrace packet at a time */
	struct pb packet;		/* one compact bundle's packet */
	struct cbundle **cb;		/* [ncpu], allocated on the CPU's first event */
	struct cpu_chain *chain;	/* [ncpu] */
	struct tl_tasks tasks;
	__u32 *rq_len;			/* [ncpu] traced tasks queued */
	__s64 *rq_written;		/* [ncpu] value last written, -1 = track not begun */
	__u64 *rq_last_ts;		/* [ncpu] time of that value: the delta clock's base */
	/* CPUs whose rq_len changed at rq_dirty_ts, not yet written */
	__u32 *rq_dirty;
	__u32 nr_rq_dirty;
	__u64 rq_dirty_ts;
	__s64 q_depth[256];		/* last depth written, -1 = none (track not described) */
	const struct sl_stack_row *stacks;	/* perfetto__set_stacks, or NULL */
	__u32 nr_stacks;
	int err;
};

/* ---- encoder ------------------------------------------------------------ */

static bool pb_room(struct pb *b, size_t n)
{
	if (b->len + n > b->cap)
		b->overflow = true;
	return !b->overflow;
}

static void pb_varint(struct pb *b, __u64 v)
{
	if (!pb_room(b, 10))
		return;
	while (v >= 0x80) {
		b->buf[b->len++] = (__u8)(v | 0x80);
		v >>= 7;
	}
	b->buf[b->len++] = (__u8)v;
}

static void pb_tag(struct pb *b, __u32 field, __u32 wire_type)
{
	pb_varint(b, ((__u64)field << 3) | wire_type);
}

static void pb_uint(struct pb *b, __u32 field, __u64 v)
{
	pb_tag(b, field, 0);
	pb_varint(b, v);
}

/* int32/int64: negative values are sign-extended to 10 bytes. */
static void pb_int(struct pb *b, __u32 field, __s64 v)
{
	pb_uint(b, field, (__u64)v);
}

static void pb_bytes(struct pb *b, __u32 field, const void *data, size_t n)
{
	pb_tag(b, field, 2);
	pb_varint(b, n);
	if (!pb_room(b, n))
		return;
	memcpy(b->buf + b->len, data, n);
	b->len += n;
}

static void pb_str(struct pb *b, __u32 field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* comm may lack a NUL when it fills all 16 bytes. */
static void pb_comm(struct pb *b, __u32 field, const char *comm)
{
	pb_bytes(b, field, comm, strnlen(comm, SL_COMM_LEN));
}

static size_t pb_begin(struct pb *b, __u32 field)
{
	size_t at;

	pb_tag(b, field, 2);
	at = b->len;
	if (pb_room(b, 4))
		b->len += 4;
	return at;
}

static void pb_end(struct pb *b, size_t at)
{
	size_t n;

	if (b->overflow)
		return;
	n = b->len - at - 4;
	b->buf[at] = (__u8)(0x80 | (n & 0x7f));
	b->buf[at + 1] = (__u8)(0x80 | ((n >> 7) & 0x7f));
	b->buf[at + 2] = (__u8)(0x80 | ((n >> 14) & 0x7f));
	b->buf[at + 3] = (__u8)((n >> 21) & 0x7f);
}

static void set_error(struct perfetto *p, int err)
{
	if (!p->err)
		p->err = err;
}

static void put_varint(FILE *f, __u64 v)
{
	while (v >= 0x80) {
		fputc((int)(v | 0x80), f);
		v >>= 7;
	}
	fputc((int)v, f);
}

/* Writes the scratch buffer as one Trace.packet and empties it. */
static void flush_packet(struct perfetto *p)
{
	struct pb *b = &p->scratch;

	if (b->overflow) {
		set_error(p, -E2BIG);	/* a bug: packets are bounded */
	} else {
		fputc(F_TRACE_PACKET << 3 | 2, p->f);
		put_varint(p->f, b->len);
		fwrite(b->buf, 1, b->len, p->f);
	}
	b->len = 0;
	b->overflow = false;
}

/* Starts a packet on the writer's own sequence. */
static void seq_packet(struct perfetto *p, __u64 ts)
{
	if (ts) {
		pb_uint(&p->scratch, F_PKT_TIMESTAMP, ts);
		pb_uint(&p->scratch, F_PKT_CLOCK_ID, CLOCK_BOOTTIME_ID);
	}
	pb_uint(&p->scratch, F_PKT_SEQ_ID, SEQ_ID);
}

/* ---- packets ------------------------------------------------------------ */

static void write_clock_and_system(struct perfetto *p, const struct sl_trace_info *ti)
{
	struct pb *b = &p->scratch;
	struct utsname uts;
	const char *release = ti ? ti->kernel : "";
	size_t cs, clk, si, un;

	/*
	 * First packet of our sequence: says its incremental state starts
	 * here, and ties BOOTTIME (every timestamp in this file) to REALTIME
	 * so the UI can show wall-clock times.
	 */
	seq_packet(p, 0);
	pb_uint(b, F_PKT_SEQ_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
	cs = pb_begin(b, F_PKT_CLOCK_SNAPSHOT);
	clk = pb_begin(b, F_CS_CLOCKS);
	pb_uint(b, F_CLK_ID, CLOCK_BOOTTIME_ID);
	pb_uint(b, F_CLK_TIMESTAMP, p->start_ts);
	pb_end(b, clk);
	if (ti && ti->start_realtime_ns) {
		clk = pb_begin(b, F_CS_CLOCKS);
		pb_uint(b, F_CLK_ID, CLOCK_REALTIME_ID);
		pb_uint(b, F_CLK_TIMESTAMP, ti->start_realtime_ns);
		pb_end(b, clk);
	}
	pb_uint(b, F_CS_PRIMARY, CLOCK_BOOTTIME_ID);
	pb_end(b, cs);
	flush_packet(p);

	/*
	 * The UI decodes sched_switch.prev_state with the bit layout of the
	 * kernel named here (it changed in 4.14); without it, it assumes 4.4
	 * and shows preempted tasks as "W".  A replayed trace names the
	 * traced kernel; uname is only the fallback for an empty field.
	 */
	if ((!release || !release[0]) && uname(&uts) == 0)
		release = uts.release;
	seq_packet(p, 0);
	si = pb_begin(b, F_PKT_SYSTEM_INFO);
	un = pb_begin(b, F_SI_UTSNAME);
	pb_str(b, F_UTS_SYSNAME, "Linux");
	pb_str(b, F_UTS_RELEASE, release ? release : "");
	pb_end(b, un);
	pb_uint(b, F_SI_NUM_CPUS, p->ncpu);
	pb_end(b, si);
	flush_packet(p);
}

static void write_counter_track(struct perfetto *p, __u64 uuid, const char *name)
{
	struct pb *b = &p->scratch;
	size_t td, cd;

	seq_packet(p, 0);
	td = pb_begin(b, F_PKT_TRACK_DESCRIPTOR);
	pb_uint(b, F_TD_UUID, uuid);
	pb_str(b, F_TD_NAME, name);
	cd = pb_begin(b, F_TD_COUNTER);
	pb_uint(b, F_CD_UNIT, UNIT_COUNT);
	pb_end(b, cd);
	pb_end(b, td);
	flush_packet(p);
}

static void write_counter(struct perfetto *p, __u64 ts, __u64 uuid, __s64 value)
{
	struct pb *b = &p->scratch;
	size_t te;

	seq_packet(p, ts);
	te = pb_begin(b, F_PKT_TRACK_EVENT);
	pb_uint(b, F_TE_TYPE, TRACK_EVENT_COUNTER);
	pb_uint(b, F_TE_TRACK_UUID, uuid);
	pb_int(b, F_TE_COUNTER_VALUE, value);
	pb_end(b, te);
	flush_packet(p);
}

/* Processes and threads with their names, TASKS_PER_TREE at a time. */
static void write_process_tree(struct perfetto *p)
{
	struct pb *b = &p->scratch;

	for (__u32 i = 0; i < p->tasks.n; i += TASKS_PER_TREE) {
		__u32 end = i + TASKS_PER_TREE < p->tasks.n ? i + TASKS_PER_TREE : p->tasks.n;
		size_t pt = 0, m;

		seq_packet(p, p->start_ts);
		pt = pb_begin(b, F_PKT_PROCESS_TREE);
		for (__u32 k = i; k < end; k++) {
			const struct tl_task *tk = &p->tasks.v[k];

			if (tk->tgid && tk->tgid != tk->pid)
				continue;
			m = pb_begin(b, F_PT_PROCESSES);
			pb_int(b, F_PROC_PID, tk->pid);
			if (tk->ppid)
				pb_int(b, F_PROC_PPID, tk->ppid);
			pb_comm(b, F_PROC_CMDLINE, tk->comm);
			pb_end(b, m);
		}
		for (__u32 k = i; k < end; k++) {
			const struct tl_task *tk = &p->tasks.v[k];

			m = pb_begin(b, F_PT_THREADS);
			pb_int(b, F_THR_TID, tk->pid);
			pb_comm(b, F_THR_NAME, tk->comm);
			pb_int(b, F_THR_TGID, tk->tgid ? tk->tgid : tk->pid);
			pb_end(b, m);
		}
		pb_end(b, pt);
		flush_packet(p);
	}
}

/* A packed repeated field of n varints (zigzag-free: values are >= 0). */
static void pb_packed_u64(struct pb *b, __u32 field, const __u64 *v, __u32 n)
{
	size_t at;

	if (!n)
		return;
	at = pb_begin(b, field);
	for (__u32 i = 0; i < n; i++)
		pb_varint(b, v[i]);
	pb_end(b, at);
}

/* int32/int64 fields: a negative value takes 10 bytes, as protobuf has it. */
static void pb_packed_s32(struct pb *b, __u32 field, const __s32 *v, __u32 n)
{
	size_t at;

	if (!n)
		return;
	at = pb_begin(b, field);
	for (__u32 i = 0; i < n; i++)
		pb_varint(b, (__u64)(__s64)v[i]);
	pb_end(b, at);
}

static void pb_packed_u32(struct pb *b, __u32 field, const __u32 *v, __u32 n)
{
	size_t at;

	if (!n)
		return;
	at = pb_begin(b, field);
	for (__u32 i = 0; i < n; i++)
		pb_varint(b, v[i]);
	pb_end(b, at);
}

/* The same value n times (common_flags: the trace does not record them). */
static void pb_packed_same(struct pb *b, __u32 field, __u64 v, __u32 n)
{
	size_t at;

	if (!n)
		return;
	at = pb_begin(b, field);
	for (__u32 i = 0; i < n; i++)
		pb_varint(b, v);
	pb_end(b, at);
}

static void flush_bundle(struct perfetto *p, __u32 cpu)
{
	struct cbundle *c = p->cb[cpu];
	struct pb *b = &p->packet;
	size_t fe, cs;

	if (!c || (!c->nsw && !c->nwk && !c->other.len))
		return;
	b->len = 0;
	b->overflow = false;
	fe = pb_begin(b, F_PKT_FTRACE_EVENTS);
	pb_uint(b, F_BUNDLE_CPU, cpu);
	if (c->nsw || c->nwk) {
		cs = pb_begin(b, F_BUNDLE_COMPACT);
		pb_packed_u64(b, F_CS_SW_TS, c->sw_ts, c->nsw);
		pb_packed_u64(b, F_CS_SW_PREV_STATE, (const __u64 *)c->sw_state, c->nsw);
		pb_packed_s32(b, F_CS_SW_NEXT_PID, c->sw_pid, c->nsw);
		pb_packed_s32(b, F_CS_SW_NEXT_PRIO, c->sw_prio, c->nsw);
		for (__u32 i = 0; i < c->nintern; i++)
			pb_str(b, F_CS_INTERN, c->intern[i]);
		pb_packed_u32(b, F_CS_SW_NEXT_COMM, c->sw_comm, c->nsw);
		pb_packed_u64(b, F_CS_WK_TS, c->wk_ts, c->nwk);
		pb_packed_s32(b, F_CS_WK_PID, c->wk_pid, c->nwk);
		pb_packed_s32(b, F_CS_WK_TARGET_CPU, c->wk_cpu, c->nwk);
		pb_packed_s32(b, F_CS_WK_PRIO, c->wk_prio, c->nwk);
		pb_packed_u32(b, F_CS_WK_COMM, c->wk_comm, c->nwk);
		pb_packed_same(b, F_CS_WK_FLAGS, 0, c->nwk);
		pb_end(b, cs);
	}
	if (c->other.len && pb_room(b, c->other.len)) {
		memcpy(b->buf + b->len, c->other.buf, c->other.len);
		b->len += c->other.len;
	}
	pb_end(b, fe);
	if (b->overflow) {
		set_error(p, -E2BIG);	/* a bug: bundles are bounded */
	} else {
		fputc(F_TRACE_PACKET << 3 | 2, p->f);
		put_varint(p->f, b->len);
		fwrite(b->buf, 1, b->len, p->f);
	}
	c->nsw = c->nwk = c->nintern = 0;
	c->last_sw_ts = c->last_wk_ts = 0;
	c->other.len = 0;
	c->other.overflow = false;
}

/* cpu's bundle, allocated on first use, or NULL. */
static struct cbundle *cbundle_of(struct perfetto *p, __u32 cpu)
{
	struct cbundle *c;

	if (cpu >= p->ncpu)
		return NULL;
	c = p->cb[cpu];
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c)
			c->other.buf = malloc(CB_OTHER_CAP);
		if (!c || !c->other.buf) {
			if (c)
				free(c);
			set_error(p, -ENOMEM);
			return NULL;
		}
		c->other.cap = CB_OTHER_CAP;
		p->cb[cpu] = c;
	}
	return c;
}

/* comm's index in c's intern table; the bundle is flushed first when it is full. */
static __u32 intern(struct perfetto *p, __u32 cpu, struct cbundle *c, const char *comm)
{
	for (__u32 i = 0; i < c->nintern; i++)
		if (!strncmp(c->intern[i], comm, SL_COMM_LEN))
			return i;
	if (c->nintern == CB_INTERN)
		flush_bundle(p, cpu);
	snprintf(c->intern[c->nintern], sizeof(c->intern[0]), "%.*s", SL_COMM_LEN, comm);
	return c->nintern++;
}

/* ---- events ------------------------------------------------------------- */

unsigned int perfetto_prev_state(unsigned int raw, unsigned int reason)
{
	/* include/linux/sched.h: TASK_REPORT is the low 7 bits since 4.14 */
	const unsigned int task_report = 0x7f, report_idle = 0x80, report_max = 0x100;
	const unsigned int task_idle = 0x402, rtlock_wait = 0x1000;
	unsigned int state;

	/* __trace_sched_switch_state(): preemption wins over the state */
	if (reason == SL_R_PREEMPTED)
		return report_max;
	if (reason == SL_R_DEAD)
		return 0x20;	/* EXIT_ZOMBIE: what the final switch reports */
	if (raw == task_idle)
		return report_idle;
	if (raw & rtlock_wait)
		return 0x2;	/* TASK_UNINTERRUPTIBLE */
	state = raw & task_report;
	if (!state)
		return 0;
	return 1u << (31 - __builtin_clz(state));	/* fls: one letter per state */
}

static const char *comm_of(struct perfetto *p, __u32 pid, __u32 cpu, char *buf, size_t len)
{
	int idx;

	if (pid == 0) {
		snprintf(buf, len, "swapper/%u", cpu);
		return buf;
	}
	idx = tl_tasks__find(&p->tasks, pid);
	if (idx < 0)
		return "";
	snprintf(buf, len, "%.*s", SL_COMM_LEN, p->tasks.v[idx].comm);
	return buf;
}

/*
 * The run-queue counters change about once per event on a switch storm, so
 * each CPU's get a packet sequence of their own whose defaults name the
 * track and whose clock is incremental (an ns delta from the sequence's
 * previous packet, starting at the trace start): a value is then a short
 * timestamp, the value and the sequence id, about 13 bytes, where a full
 * counter packet takes 35.
 */
static void begin_rq_track(struct perfetto *p, __u32 cpu)
{
	struct pb *b = &p->scratch;
	size_t d, ted, cs, clk;
	char name[48];

	snprintf(name, sizeof(name), "cpu%u runnable (traced)", cpu);
	write_counter_track(p, UUID_RQ(cpu), name);
	pb_uint(b, F_PKT_SEQ_ID, SEQ_RQ(cpu));
	pb_uint(b, F_PKT_SEQ_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
	cs = pb_begin(b, F_PKT_CLOCK_SNAPSHOT);
	clk = pb_begin(b, F_CS_CLOCKS);
	pb_uint(b, F_CLK_ID, CLOCK_BOOTTIME_ID);
	pb_uint(b, F_CLK_TIMESTAMP, p->start_ts);
	pb_end(b, clk);
	clk = pb_begin(b, F_CS_CLOCKS);
	pb_uint(b, F_CLK_ID, CLOCK_RQ_DELTA_ID);
	pb_uint(b, F_CLK_TIMESTAMP, p->start_ts);
	pb_uint(b, F_CLK_INCREMENTAL, 1);
	pb_end(b, clk);
	pb_end(b, cs);
	d = pb_begin(b, F_PKT_DEFAULTS);
	pb_uint(b, F_PD_CLOCK_ID, CLOCK_RQ_DELTA_ID);
	ted = pb_begin(b, F_PD_TRACK_EVENT);
	pb_uint(b, F_TED_TRACK_UUID, UUID_RQ(cpu));
	pb_end(b, ted);
	pb_end(b, d);
	flush_packet(p);
	p->rq_written[cpu] = 0;
	p->rq_last_ts[cpu] = p->start_ts;
}

/* One run-queue counter value on cpu's own sequence, every length one byte. */
static void write_rq(struct perfetto *p, __u64 ts, __u32 cpu, __u32 value)
{
	struct pb *b = &p->scratch;
	__u8 te[16];
	struct pb tb = { .buf = te, .cap = sizeof(te) };

	if (p->rq_written[cpu] < 0)
		begin_rq_track(p, cpu);
	pb_uint(&tb, F_TE_TYPE, TRACK_EVENT_COUNTER);
	pb_int(&tb, F_TE_COUNTER_VALUE, value);
	/* a delta cannot go back: a change inferred earlier is written now */
	if (ts < p->rq_last_ts[cpu])
		ts = p->rq_last_ts[cpu];
	pb_uint(b, F_PKT_TIMESTAMP, ts - p->rq_last_ts[cpu]);
	p->rq_last_ts[cpu] = ts;
	pb_bytes(b, F_PKT_TRACK_EVENT, te, tb.len);
	pb_uint(b, F_PKT_SEQ_ID, SEQ_RQ(cpu));
	flush_packet(p);
	p->rq_written[cpu] = value;
}

/*
 * Writes the counters changed at rq_dirty_ts.  Changes at one timestamp are
 * written as one value: a switch that queues the preempted task and takes
 * the next off the same run queue leaves its length as it was.
 */
static void flush_rq(struct perfetto *p)
{
	for (__u32 i = 0; i < p->nr_rq_dirty; i++) {
		__u32 cpu = p->rq_dirty[i];

		if ((__s64)p->rq_len[cpu] != p->rq_written[cpu])
			write_rq(p, p->rq_dirty_ts, cpu, p->rq_len[cpu]);
	}
	p->nr_rq_dirty = 0;
}

static void rq_change(struct perfetto *p, __u64 ts, __u32 cpu, int delta)
{
	bool listed = false;

	if (cpu >= p->ncpu || (delta < 0 && p->rq_len[cpu] == 0))
		return;
	if (p->nr_rq_dirty && ts != p->rq_dirty_ts)
		flush_rq(p);
	p->rq_dirty_ts = ts;
	p->rq_len[cpu] += delta;
	for (__u32 i = 0; i < p->nr_rq_dirty && !listed; i++)
		listed = p->rq_dirty[i] == cpu;
	if (!listed)
		p->rq_dirty[p->nr_rq_dirty++] = cpu;
}

/* Follows traced tasks on and off the run queues (rq_len) from the raw events. */
static void track_rq(struct perfetto *p, const struct sl_event *e)
{
	int idx = 0;

	switch (e->type) {
	case SL_EV_SWITCH: {
		unsigned int reason = e->flags & SL_SWF_REASON_MASK;

		if ((e->flags & SL_SWF_PREV_TRACKED) && (idx = tl_tasks__add(&p->tasks, e->pid)) >= 0) {
			struct tl_task *tk = &p->tasks.v[idx];

			/*
			 * Queued, yet leaving a CPU: its switch-in was never
			 * reported.  It ran, so it left its run queue.
			 */
			if (tk->rq == TL_RQ_QUEUED)
				rq_change(p, e->ts, tk->rq_cpu, -1);
			/* preempted or rescheduled: still on this CPU's run queue */
			if (reason == SL_R_PREEMPTED || reason == SL_R_RESCHED) {
				tk->rq = TL_RQ_QUEUED;
				tk->rq_cpu = e->cpu;
				rq_change(p, e->ts, e->cpu, +1);
			} else {
				tk->rq = TL_RQ_BLOCKED;
			}
		}
		if ((e->flags & SL_SWF_NEXT_TRACKED) && (idx = tl_tasks__add(&p->tasks, e->sw.next)) >= 0) {
			struct tl_task *tk = &p->tasks.v[idx];

			if (tk->rq == TL_RQ_QUEUED)
				rq_change(p, e->ts, tk->rq_cpu, -1);
			tk->rq = TL_RQ_RUNNING;
		}
		break;
	}
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		if (!(e->flags & SL_WKF_WAKEE_TRACKED))
			break;
		idx = tl_tasks__add(&p->tasks, e->wk.wakee);
		/* a task woken before it got off its CPU never left the CPU */
		if (idx >= 0 && p->tasks.v[idx].rq != TL_RQ_RUNNING &&
		    p->tasks.v[idx].rq != TL_RQ_QUEUED && e->wk.target_cpu < p->ncpu) {
			p->tasks.v[idx].rq = TL_RQ_QUEUED;
			p->tasks.v[idx].rq_cpu = (__u16)e->wk.target_cpu;
			rq_change(p, e->ts, e->wk.target_cpu, +1);
		}
		break;
	case SL_EV_MIGRATE:
		/* load balancing, or the wakeup's CPU choice after sched_waking */
		idx = tl_tasks__find(&p->tasks, e->pid);
		if (idx >= 0 && p->tasks.v[idx].rq == TL_RQ_QUEUED && e->mig.dest_cpu < p->ncpu &&
		    p->tasks.v[idx].rq_cpu != e->mig.dest_cpu) {
			rq_change(p, e->ts, p->tasks.v[idx].rq_cpu, -1);
			p->tasks.v[idx].rq_cpu = (__u16)e->mig.dest_cpu;
			rq_change(p, e->ts, e->mig.dest_cpu, +1);
		}
		break;
	case SL_EV_EXIT:
		idx = tl_tasks__find(&p->tasks, e->pid);
		if (idx >= 0 && p->tasks.v[idx].rq == TL_RQ_QUEUED)
			rq_change(p, e->ts, p->tasks.v[idx].rq_cpu, -1);
		if (idx >= 0)
			p->tasks.v[idx].rq = TL_RQ_BLOCKED;
		break;
	default:
		break;
	}
	if (idx == -ENOMEM)
		set_error(p, idx);
}

/* The kernel's prio of pid as the trace has it (SL_EV_TASK_ATTR), else nice 0's. */
static __s32 prio_of(const struct perfetto *p, __u32 pid)
{
	int idx = pid ? tl_tasks__find(&p->tasks, pid) : -1;

	if (!pid)
		return DEFAULT_PRIO;	/* the idle task's, as sched_switch reports it */
	return idx >= 0 && p->tasks.v[idx].prio_known ? p->tasks.v[idx].prio : DEFAULT_PRIO;
}

/* A task's prio from its policy, nice and RT priority (kernel/sched: prio). */
static void note_attr(struct perfetto *p, const struct sl_event *e)
{
	int idx = tl_tasks__add(&p->tasks, e->pid);
	__s32 prio;

	if (idx < 0) {
		set_error(p, idx);
		return;
	}
	switch (e->attr.policy) {
	case 1:	/* SCHED_FIFO */
	case 2:	/* SCHED_RR */
		prio = 99 - (__s32)e->attr.rt_priority;
		break;
	case 6:	/* SCHED_DEADLINE */
		prio = -1;
		break;
	default:	/* SCHED_OTHER, BATCH, IDLE: 120 + nice */
		prio = DEFAULT_PRIO + e->attr.nice;
		break;
	}
	p->tasks.v[idx].prio = (__s16)prio;
	p->tasks.v[idx].prio_known = true;
}

/* Appends one switch on cpu to its compact bundle: prev is implied by the chain. */
static void put_switch(struct perfetto *p, __u32 cpu, __u64 ts, __s64 prev_state, __u32 next)
{
	struct cbundle *c = cbundle_of(p, cpu);
	char comm[32];
	__u32 ci;

	if (!c)
		return;
	if (c->nsw == CB_EVENTS)
		flush_bundle(p, cpu);
	ci = intern(p, cpu, c, comm_of(p, next, cpu, comm, sizeof(comm)));
	c->sw_ts[c->nsw] = ts - c->last_sw_ts;
	c->sw_state[c->nsw] = prev_state;
	c->sw_pid[c->nsw] = (__s32)next;
	c->sw_prio[c->nsw] = prio_of(p, next);
	c->sw_comm[c->nsw] = ci;
	c->nsw++;
	c->last_sw_ts = ts;
	p->chain[cpu].known = true;
	p->chain[cpu].pid = next;
	p->chain[cpu].ts = ts;
}

static void describe_synth(struct perfetto *p, __u32 cpu)
{
	char name[48];

	snprintf(name, sizeof(name), "cpu%u switches synthesised", cpu);
	write_counter_track(p, UUID_SYNTH(cpu), name);
	write_counter(p, p->start_ts, UUID_SYNTH(cpu), 0);
}

static void write_switch(struct perfetto *p, const struct sl_event *e)
{
	struct cpu_chain *ch;
	__u64 ts = e->ts;

	if (e->cpu >= p->ncpu)
		return;
	ch = &p->chain[e->cpu];
	/* records the analysis inferred can be earlier than ones written */
	if (ts < ch->ts)
		ts = ch->ts;
	if (ch->known && ch->pid != e->pid) {
		/*
		 * The CPU ran someone else since the last switch it recorded
		 * (an untraced to untraced switch): say so, with the state of
		 * a task that left the CPU runnable, the least we know.
		 */
		if (!ch->synth)
			describe_synth(p, e->cpu);
		put_switch(p, e->cpu, ts, 0, e->pid);
		write_counter(p, ts, UUID_SYNTH(e->cpu), (__s64)++ch->synth);
	}
	put_switch(p, e->cpu, ts, perfetto_prev_state(e->sw.state, e->flags & SL_SWF_REASON_MASK),
		   e->sw.next);
}

static void write_waking(struct perfetto *p, const struct sl_event *e)
{
	struct cbundle *c = cbundle_of(p, e->cpu);
	char comm[32];
	size_t ev, wk;
	__u32 ci;

	if (!c)
		return;
	if (e->type == SL_EV_WAKEUP_NEW) {
		/* not in compact_sched: a plain event in the same bundle */
		struct pb *b = &c->other;

		if (b->len + EVENT_MAX > b->cap)
			flush_bundle(p, e->cpu);
		ev = pb_begin(b, F_BUNDLE_EVENT);
		pb_uint(b, F_FE_TIMESTAMP, e->ts);
		pb_uint(b, F_FE_PID, e->pid);	/* the waker: current on this CPU */
		wk = pb_begin(b, F_FE_SCHED_WAKEUP_NEW);
		pb_str(b, F_WK_COMM, comm_of(p, e->wk.wakee, e->cpu, comm, sizeof(comm)));
		pb_int(b, F_WK_PID, e->wk.wakee);
		pb_int(b, F_WK_PRIO, prio_of(p, e->wk.wakee));
		pb_int(b, F_WK_SUCCESS, 1);
		pb_int(b, F_WK_TARGET_CPU, e->wk.target_cpu);
		pb_end(b, wk);
		pb_end(b, ev);
		return;
	}
	if (c->nwk == CB_EVENTS)
		flush_bundle(p, e->cpu);
	ci = intern(p, e->cpu, c, comm_of(p, e->wk.wakee, e->cpu, comm, sizeof(comm)));
	/* the waker is implied too: whoever the chain says runs on this CPU */
	c->wk_ts[c->nwk] = e->ts >= c->last_wk_ts ? e->ts - c->last_wk_ts : 0;
	c->wk_pid[c->nwk] = (__s32)e->wk.wakee;
	c->wk_cpu[c->nwk] = (__s32)e->wk.target_cpu;
	c->wk_prio[c->nwk] = prio_of(p, e->wk.wakee);
	c->wk_comm[c->nwk] = ci;
	c->nwk++;
	if (e->ts > c->last_wk_ts)
		c->last_wk_ts = e->ts;
}

static void write_queue(struct perfetto *p, const struct sl_event *e)
{
	__u8 q = e->flags;

	if (p->q_depth[q] < 0) {
		char name[48];

		snprintf(name, sizeof(name), "queue %u depth", q);
		write_counter_track(p, UUID_QUEUE(q), name);
	} else if (p->q_depth[q] == e->q.depth) {
		return;
	}
	p->q_depth[q] = e->q.depth;
	write_counter(p, e->ts, UUID_QUEUE(q), e->q.depth);
}

int perfetto__add_event(struct perfetto *p, const struct sl_event *e)
{
	int err = tl_tasks__on_event(&p->tasks, e);

	if (err)
		set_error(p, err);
	switch (e->type) {
	case SL_EV_SWITCH:
		write_switch(p, e);
		break;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		write_waking(p, e);
		break;
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP:
		write_queue(p, e);
		break;
	case SL_EV_TASK_ATTR:
		note_attr(p, e);
		break;
	default:
		break;
	}
	track_rq(p, e);
	if (ferror(p->f))
		set_error(p, -EIO);
	return p->err;
}

static void perfetto_free(struct perfetto *p)
{
	if (!p)
		return;
	if (p->cb) {
		for (__u32 c = 0; c < p->ncpu; c++) {
			if (p->cb[c])
				free(p->cb[c]->other.buf);
			free(p->cb[c]);
		}
	}
	free(p->cb);
	free(p->chain);
	free(p->packet.buf);
	free(p->rq_len);
	free(p->rq_written);
	free(p->rq_last_ts);
	free(p->rq_dirty);
	free(p->scratch.buf);
	tl_tasks__free(&p->tasks);
	free(p);
}

int perfetto__open(FILE *f, const struct sl_trace_info *ti, struct perfetto **out)
{
	struct perfetto *p;
	int err;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->f = f;
	p->ncpu = ti && ti->ncpu ? ti->ncpu : SL_MAX_CPUS;
	if (p->ncpu > SL_MAX_CPUS)
		p->ncpu = SL_MAX_CPUS;
	p->start_ts = ti ? ti->start_ts : 0;
	for (int q = 0; q < 256; q++)
		p->q_depth[q] = -1;
	p->scratch.buf = malloc(SCRATCH_CAP);
	p->scratch.cap = SCRATCH_CAP;
	p->packet.buf = malloc(CB_PACKET_CAP);
	p->packet.cap = CB_PACKET_CAP;
	p->cb = calloc(p->ncpu, sizeof(*p->cb));
	p->chain = calloc(p->ncpu, sizeof(*p->chain));
	p->rq_len = calloc(p->ncpu, sizeof(*p->rq_len));
	p->rq_written = malloc(p->ncpu * sizeof(*p->rq_written));
	p->rq_dirty = calloc(p->ncpu, sizeof(*p->rq_dirty));
	p->rq_last_ts = calloc(p->ncpu, sizeof(*p->rq_last_ts));
	if (!p->scratch.buf || !p->packet.buf || !p->cb || !p->chain || !p->rq_len ||
	    !p->rq_written || !p->rq_dirty || !p->rq_last_ts) {
		err = -ENOMEM;
		goto err_free;
	}
	for (__u32 c = 0; c < p->ncpu; c++)
		p->rq_written[c] = -1;
	err = tl_tasks__init(&p->tasks, ti);
	if (err)
		goto err_free;

	write_clock_and_system(p, ti);
	/* run-queue tracks start at 0 so the UI draws them from the trace start */
	if (ti && ti->ncpu && p->start_ts) {
		for (__u32 c = 0; c < p->ncpu; c++)
			write_rq(p, p->start_ts, c, 0);
	}
	err = ferror(f) ? -EIO : p->err;
	if (err)
		goto err_free;
	*out = p;
	return 0;

err_free:
	perfetto_free(p);
	return err;
}

void perfetto__set_stacks(struct perfetto *p, const struct sl_stack_row *rows, __u32 n)
{
	if (!p)
		return;
	p->stacks = rows;
	p->nr_stacks = n;
}

static void pb_annotation(struct pb *b, const char *name, const char *s, __u64 v)
{
	size_t da = pb_begin(b, F_TE_DEBUG);

	pb_str(b, F_DA_NAME, name);
	if (s)
		pb_str(b, F_DA_STRING, s);
	else
		pb_uint(b, F_DA_UINT, v);
	pb_end(b, da);
}

/*
 * Each thread's heaviest off-CPU stacks (--stacks), as instants at the
 * trace's end on a track of that thread: name "off-CPU 1.55 s in 493
 * blocks", arguments the frames (root first) and the figures.  The
 * stacks are totals over the trace, not events of one moment.
 */
struct stacks_out {
	struct perfetto *p;
	__u64 at;
};

static int put_stack(const struct sl_stack_row *r, const char *folded, __u32 rank, void *ctx)
{
	struct stacks_out *o = ctx;
	struct perfetto *p = o->p;
	struct pb *b = &p->scratch;
	char name[64], *frames;
	size_t td, thd, te;

	if (tl_tasks__find(&p->tasks, r->pid) < 0)
		return 0;	/* not a task of the trace */
	if (!rank) {
		seq_packet(p, 0);
		td = pb_begin(b, F_PKT_TRACK_DESCRIPTOR);
		pb_uint(b, F_TD_UUID, UUID_STACKS(r->pid));
		pb_str(b, F_TD_NAME, "off-CPU stacks");
		thd = pb_begin(b, F_TD_THREAD);
		pb_uint(b, F_THD_PID, r->tgid ? r->tgid : r->pid);
		pb_uint(b, F_THD_TID, r->pid);
		pb_end(b, thd);
		pb_end(b, td);
		flush_packet(p);
	}
	/* a long stack is cut to what one packet holds */
	frames = strndup(folded, SCRATCH_CAP / 2);
	if (!frames)
		return -ENOMEM;
	for (char *c = frames; *c; c++)
		if (*c == ';')
			*c = '\n';
	snprintf(name, sizeof(name), "off-CPU %.3f s in %llu blocks", (double)r->off_ns / 1e9,
		 (unsigned long long)r->count);
	seq_packet(p, o->at);
	te = pb_begin(b, F_PKT_TRACK_EVENT);
	pb_uint(b, F_TE_TYPE, TRACK_EVENT_INSTANT);
	pb_uint(b, F_TE_TRACK_UUID, UUID_STACKS(r->pid));
	pb_str(b, F_TE_NAME, name);
	pb_annotation(b, "frames", frames, 0);
	pb_annotation(b, "off_cpu_ns", NULL, r->off_ns);
	pb_annotation(b, "blocks", NULL, r->count);
	pb_end(b, te);
	flush_packet(p);
	free(frames);
	return p->err ? p->err : 1;
}

static void write_stacks(struct perfetto *p, const struct sl_trace_info *ti, __u64 at)
{
	struct stacks_out o = { .p = p, .at = at };
	int err = offcpu__each_top(p->stacks, p->nr_stacks, ti, STACKS_PER_TASK, put_stack, &o);

	if (err)
		set_error(p, err);
}

int perfetto__close(struct perfetto *p, const struct sl_trace_info *ti)
{
	int err;

	if (!p)
		return 0;
	flush_rq(p);
	for (__u32 c = 0; c < p->ncpu; c++)
		flush_bundle(p, c);
	err = tl_tasks__merge_info(&p->tasks, ti);
	if (err)
		set_error(p, err);
	write_process_tree(p);
	if (p->stacks)
		write_stacks(p, ti, ti && ti->end_ts ? ti->end_ts : p->start_ts);
	if (fflush(p->f) || ferror(p->f))
		set_error(p, -EIO);
	err = p->err;
	perfetto_free(p);
	return err;
}
