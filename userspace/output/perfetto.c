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
 * sched events are batched per CPU into an FtraceEventBundle of at most
 * BUNDLE_CAP bytes, flushed when full and at the end.  Everything else
 * (clock, system info, track descriptors, counter values) goes on one
 * packet sequence, SEQ_ID.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
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
	F_PKT_TRACK_DESCRIPTOR = 60,
};
enum {	/* FtraceEventBundle */
	F_BUNDLE_CPU = 1, F_BUNDLE_EVENT = 2,
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
};
enum {	/* SystemInfo, Utsname */
	F_SI_UTSNAME = 1, F_SI_NUM_CPUS = 8,
	F_UTS_SYSNAME = 1, F_UTS_RELEASE = 3, F_UTS_MACHINE = 4,
};
enum {	/* TrackDescriptor, CounterDescriptor, TrackEvent */
	F_TD_UUID = 1, F_TD_NAME = 2, F_TD_COUNTER = 8,
	F_CD_UNIT = 3,
	F_TE_TYPE = 9, F_TE_TRACK_UUID = 11, F_TE_COUNTER_VALUE = 30,
};

#define CLOCK_REALTIME_ID	1	/* BuiltinClock */
#define CLOCK_BOOTTIME_ID	6
#define SEQ_INCREMENTAL_STATE_CLEARED 1
#define TRACK_EVENT_COUNTER	4	/* TrackEvent.Type TYPE_COUNTER */
#define UNIT_COUNT		2	/* CounterDescriptor.Unit */
#define SEQ_ID			1
#define DEFAULT_PRIO		120	/* nice 0: the probes do not record priorities */

#define SCRATCH_CAP	(64 * 1024)
#define BUNDLE_CAP	(32 * 1024)
#define EVENT_MAX	128	/* upper bound of one encoded FtraceEvent */
#define TASKS_PER_TREE	256	/* ProcessTree entries per packet */

#define UUID_QUEUE(q)	(0x736c0000ull + (q))		/* "sl" + queue id */
#define UUID_RQ(cpu)	(0x736c1000ull + (cpu))

enum { TL_RQ_UNKNOWN = 0, TL_RQ_RUNNING, TL_RQ_QUEUED, TL_RQ_BLOCKED };

struct pb {
	__u8 *buf;
	size_t len, cap;
	bool overflow;
};

struct perfetto {
	FILE *f;
	__u32 ncpu;
	__u64 start_ts;
	struct pb scratch;		/* one non-ftrace packet at a time */
	struct pb *bundle;		/* [ncpu], buf allocated on first event */
	struct tl_tasks tasks;
	__u32 *rq_len;			/* [ncpu] traced tasks queued */
	bool *rq_track;			/* [ncpu] counter track described */
	__s64 q_depth[256];		/* last depth written, -1 = none (track not described) */
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

static size_t varint_len(__u64 v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
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

static void flush_bundle(struct perfetto *p, __u32 cpu)
{
	struct pb *b = &p->bundle[cpu];
	size_t hdr;

	if (!b->buf || b->len == 0)
		return;
	if (b->overflow) {
		set_error(p, -E2BIG);
	} else {
		/* Trace.packet { ftrace_events { <bundle> } } without copying */
		hdr = 1 + varint_len(b->len) + b->len;
		fputc(F_TRACE_PACKET << 3 | 2, p->f);
		put_varint(p->f, hdr);
		fputc(F_PKT_FTRACE_EVENTS << 3 | 2, p->f);
		put_varint(p->f, b->len);
		fwrite(b->buf, 1, b->len, p->f);
	}
	b->len = 0;
	b->overflow = false;
}

/* The bundle for cpu with room for one more event, or NULL. */
static struct pb *bundle_for(struct perfetto *p, __u32 cpu)
{
	struct pb *b;

	if (cpu >= p->ncpu)
		return NULL;
	b = &p->bundle[cpu];
	if (!b->buf) {
		b->buf = malloc(BUNDLE_CAP);
		if (!b->buf) {
			set_error(p, -ENOMEM);
			return NULL;
		}
		b->cap = BUNDLE_CAP;
	}
	if (b->len + EVENT_MAX > b->cap)
		flush_bundle(p, cpu);
	if (b->len == 0)
		pb_uint(b, F_BUNDLE_CPU, cpu);
	return b;
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

static void describe_rq(struct perfetto *p, __u32 cpu)
{
	char name[48];

	snprintf(name, sizeof(name), "cpu%u runnable (traced)", cpu);
	write_counter_track(p, UUID_RQ(cpu), name);
	p->rq_track[cpu] = true;
}

static void rq_change(struct perfetto *p, __u64 ts, __u32 cpu, int delta)
{
	if (cpu >= p->ncpu || (delta < 0 && p->rq_len[cpu] == 0))
		return;
	if (!p->rq_track[cpu])
		describe_rq(p, cpu);
	p->rq_len[cpu] += delta;
	write_counter(p, ts, UUID_RQ(cpu), p->rq_len[cpu]);
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

static void write_switch(struct perfetto *p, const struct sl_event *e)
{
	struct pb *b = bundle_for(p, e->cpu);
	char prev[32], next[32];
	size_t ev, sw;

	if (!b)
		return;
	ev = pb_begin(b, F_BUNDLE_EVENT);
	pb_uint(b, F_FE_TIMESTAMP, e->ts);
	pb_uint(b, F_FE_PID, e->pid);
	sw = pb_begin(b, F_FE_SCHED_SWITCH);
	pb_str(b, F_SW_PREV_COMM, comm_of(p, e->pid, e->cpu, prev, sizeof(prev)));
	pb_int(b, F_SW_PREV_PID, e->pid);
	pb_int(b, F_SW_PREV_PRIO, DEFAULT_PRIO);
	pb_int(b, F_SW_PREV_STATE, perfetto_prev_state(e->sw.state, e->flags & SL_SWF_REASON_MASK));
	pb_str(b, F_SW_NEXT_COMM, comm_of(p, e->sw.next, e->cpu, next, sizeof(next)));
	pb_int(b, F_SW_NEXT_PID, e->sw.next);
	pb_int(b, F_SW_NEXT_PRIO, DEFAULT_PRIO);
	pb_end(b, sw);
	pb_end(b, ev);
}

static void write_waking(struct perfetto *p, const struct sl_event *e)
{
	struct pb *b = bundle_for(p, e->cpu);
	char comm[32];
	size_t ev, wk;

	if (!b)
		return;
	ev = pb_begin(b, F_BUNDLE_EVENT);
	pb_uint(b, F_FE_TIMESTAMP, e->ts);
	pb_uint(b, F_FE_PID, e->pid);	/* the waker: current on this CPU */
	wk = pb_begin(b, e->type == SL_EV_WAKING ? F_FE_SCHED_WAKING : F_FE_SCHED_WAKEUP_NEW);
	pb_str(b, F_WK_COMM, comm_of(p, e->wk.wakee, e->cpu, comm, sizeof(comm)));
	pb_int(b, F_WK_PID, e->wk.wakee);
	pb_int(b, F_WK_PRIO, DEFAULT_PRIO);
	pb_int(b, F_WK_SUCCESS, 1);
	pb_int(b, F_WK_TARGET_CPU, e->wk.target_cpu);
	pb_end(b, wk);
	pb_end(b, ev);
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
	if (p->bundle)
		for (__u32 c = 0; c < p->ncpu; c++)
			free(p->bundle[c].buf);
	free(p->bundle);
	free(p->rq_len);
	free(p->rq_track);
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
	p->bundle = calloc(p->ncpu, sizeof(*p->bundle));
	p->rq_len = calloc(p->ncpu, sizeof(*p->rq_len));
	p->rq_track = calloc(p->ncpu, sizeof(*p->rq_track));
	if (!p->scratch.buf || !p->bundle || !p->rq_len || !p->rq_track) {
		err = -ENOMEM;
		goto err_free;
	}
	err = tl_tasks__init(&p->tasks, ti);
	if (err)
		goto err_free;

	write_clock_and_system(p, ti);
	/* run-queue tracks start at 0 so the UI draws them from the trace start */
	if (ti && ti->ncpu && p->start_ts) {
		for (__u32 c = 0; c < p->ncpu; c++) {
			describe_rq(p, c);
			write_counter(p, p->start_ts, UUID_RQ(c), 0);
		}
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

int perfetto__close(struct perfetto *p, const struct sl_trace_info *ti)
{
	int err;

	if (!p)
		return 0;
	for (__u32 c = 0; c < p->ncpu; c++)
		flush_bundle(p, c);
	err = tl_tasks__merge_info(&p->tasks, ti);
	if (err)
		set_error(p, err);
	write_process_tree(p);
	if (fflush(p->f) || ferror(p->f))
		set_error(p, -EIO);
	err = p->err;
	perfetto_free(p);
	return err;
}
