// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file: see docs/trace-format.md.  All integers little-endian.
 *
 *   header   "SLTRACE\0" u32 version, u32 ncpu, u64 start_ts, u64 start_realtime,
 *            kernel[65], probe_mode[16], u32 arch (version 2 on), str cmdline,
 *            str config
 *   blocks   u32 'SBLK', u32 nbytes, u32 nevents, then nbytes of events,
 *            each delta-encoded against the previous one in the block
 *   footer   u32 'SFTR', u64 end_ts, nr_events, late, misses, u32 ncpu + per-CPU stats,
 *            u32 nr_tasks + task table, str workload summary
 *   trailer  u64 footer offset, "SLTEND\0\0"
 *
 * A file without its trailer was cut short (killed writer, full disk): the
 * reader gives its events up to the last complete block and says where it
 * stops and what is missing.  Every value read is bounded before use: a
 * crafted file is "corrupt", never a hang, a crash or a huge allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/outfile.h"
#include "stacks.h"
#include "tracefile.h"

#define MAGIC		"SLTRACE"	/* 8 bytes with its NUL */
#define TRAILER_MAGIC	"SLTEND\0"
#define BLOCK_MAGIC	0x4b4c4253u	/* "SBLK" */
#define FOOTER_MAGIC	0x52544653u	/* "SFTR" */
#define CGROUPS_MAGIC	0x47434653u	/* "SFCG": optional footer section */
#define STACKS_MAGIC	0x54534653u	/* "SFST": optional footer section */
#define FOREIGN_MAGIC	0x4f464653u	/* "SFFO": optional footer section */
#define STEAL_MAGIC	0x4c544653u	/* "SFTL": optional footer section */
#define NAMES_MAGIC	0x4e4f4653u	/* "SFON": optional footer section */
#define MAX_STACKS	(1u << 20)
#define MAX_NO_FP_NAMES	64
#define MAX_CGROUPS	65536
#define BLOCK_BYTES	(64 * 1024)
#define MAX_EVENT_BYTES	64		/* worst case of one encoded event */
#define MAX_STRING	(1u << 20)
#define MAX_TASKS	(1u << 22)
#define BLOCK_HDR	12		/* magic, payload bytes, event count */
#define MIN_EVENT_BYTES	4		/* type, ts, flags, pid: one byte each at least */
#define TASK_BYTES	(4 * 3 + SL_COMM_LEN + 4 + 4 + 3 * (4 + 4 * 8))
/*
 * Counters and durations in the footer: 2^54 ns is 208 days, 2^54 records
 * more than any machine writes; bounded so that sums over 256 CPUs cannot
 * wrap.  Timestamps (BOOTTIME ns) stay below 2^62 (146 years of uptime).
 */
#define MAX_COUNT	(1ull << 54)
/* The lab's queues hold at most 2^20 items (lab/queue.h QUEUE_MAX_CAPACITY). */
#define MAX_QUEUE_DEPTH	(1u << 20)
#define MAX_TS		(1ull << 62)

/* ---- little-endian scalars and varints ---- */

static unsigned char *put_varint(unsigned char *p, __u64 v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static const unsigned char *get_varint(const unsigned char *p, const unsigned char *end, __u64 *v)
{
	__u64 r = 0;

	for (int shift = 0; shift < 64 && p < end; shift += 7) {
		unsigned char b = *p++;

		r |= (__u64)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return p;
		}
	}
	return NULL;
}

static __u64 zigzag(__s64 v)
{
	return ((__u64)v << 1) ^ (__u64)(v >> 63);
}

static __s64 unzigzag(__u64 v)
{
	return (__s64)(v >> 1) ^ -(__s64)(v & 1);
}

/* A tgid is usually its pid: 0 = none, 1 = same as pid, else tgid + 2. */
static __u64 rel_tgid(__u32 tgid, __u32 pid)
{
	return !tgid ? 0 : tgid == pid ? 1 : (__u64)tgid + 2;
}

static __u32 unrel_tgid(__u64 v, __u32 pid)
{
	return v == 0 ? 0 : v == 1 ? pid : (__u32)(v - 2);
}

size_t tracefile__encode(const struct sl_event *e, const struct sl_event *prev,
			 unsigned char *buf)
{
	unsigned char *p = buf;

	/* type in the low 5 bits, small CPU numbers (+1) in the top 3 */
	*p++ = (unsigned char)((e->type & 0x1f) | (e->cpu < 7 ? (e->cpu + 1) << 5 : 0));
	if (e->cpu >= 7)
		p = put_varint(p, e->cpu);
	p = put_varint(p, zigzag((__s64)(e->ts - prev->ts)));
	*p++ = e->flags;
	p = put_varint(p, e->pid);

	switch (e->type) {
	case SL_EV_SWITCH:
		p = put_varint(p, e->sw.next);
		p = put_varint(p, (__u16)(e->sw.nr_syscall + 1)); /* none -> 0 */
		p = put_varint(p, e->sw.state);
		p = put_varint(p, e->sw.prev_runtime);
		break;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		p = put_varint(p, e->wk.wakee);
		p = put_varint(p, e->wk.target_cpu);
		p = put_varint(p, rel_tgid(e->wk.wakee_tgid, e->wk.wakee));
		break;
	case SL_EV_MIGRATE:
		p = put_varint(p, e->mig.orig_cpu);
		p = put_varint(p, e->mig.dest_cpu);
		break;
	case SL_EV_FORK:
		p = put_varint(p, e->fork.child);
		p = put_varint(p, rel_tgid(e->fork.child_tgid, e->fork.child));
		p = put_varint(p, rel_tgid(e->fork.parent_tgid, e->pid));
		break;
	case SL_EV_COMM:
	case SL_EV_CPU_OCC: {
		size_t n = strnlen(e->comm.comm, SL_COMM_LEN);

		*p++ = (unsigned char)n;
		memcpy(p, e->comm.comm, n);
		p += n;
		break;
	}
	case SL_EV_EXIT:
		p = put_varint(p, rel_tgid(e->exit.tgid, e->pid));
		p = put_varint(p, zigzag(e->exit.exit_code));
		break;
	case SL_EV_KSTAT:
		p = put_varint(p, e->kstat.nvcsw);
		p = put_varint(p, e->kstat.nivcsw);
		p = put_varint(p, e->kstat.nr_migrations);
		break;
	case SL_EV_KSTAT_RT:
		p = put_varint(p, e->kstat_rt.sum_exec_runtime);
		break;
	case SL_EV_KSTAT_SCHED:
		p = put_varint(p, e->ksched.run_delay);
		p = put_varint(p, e->ksched.pcount);
		p = put_varint(p, e->ksched.blkio_delay_us);
		break;
	case SL_EV_Q_PUSH ... SL_EV_ITEM_DONE:
		p = put_varint(p, e->q.item);
		p = put_varint(p, e->q.depth);
		p = put_varint(p, e->q.delay);
		break;
	case SL_EV_STACK:
		/* ids are small or a negative errno: +1 keeps "none" cheap */
		p = put_varint(p, zigzag((__s64)e->stk.kstack + 1));
		p = put_varint(p, zigzag((__s64)e->stk.ustack + 1));
		p = put_varint(p, e->stk.ret0);
		break;
	case SL_EV_STACK_RET:
		p = put_varint(p, e->stk_ret.ret[0]);
		p = put_varint(p, e->stk_ret.ret[1]);
		break;
	case SL_EV_ARGV: {
		size_t n = strnlen(e->argv.text, sizeof(e->argv.text));

		*p++ = (unsigned char)n;
		memcpy(p, e->argv.text, n);
		p += n;
		break;
	}
	case SL_EV_TASK_ATTR:
		p = put_varint(p, e->attr.cgroup_id);
		p = put_varint(p, e->attr.policy);
		p = put_varint(p, zigzag(e->attr.nice));
		p = put_varint(p, e->attr.rt_priority);
		break;
	case SL_EV_ENQUEUED:
		if (e->flags & SL_ENQF_BEFORE)
			p = put_varint(p, e->enq.before_ns);
		break;
	case SL_EV_WAIT:
	case SL_EV_WAKER:
		p = put_varint(p, e->wt.obj);
		p = put_varint(p, (__u16)(e->wt.nr_syscall + 1)); /* none -> 0 */
		*p++ = e->wt.detail;
		*p++ = e->wt.sub;
		p = put_varint(p, e->wt.fill);
		p = put_varint(p, e->wt.cap);
		break;
	default:
		/* unknown to this version: keep the raw payload */
		memcpy(p, &e->sw, 16);
		p += 16;
		break;
	}
	return (size_t)(p - buf);
}

#define GET(var) do {					\
		__u64 v_;				\
		p = get_varint(p, end, &v_);		\
		if (!p)					\
			return -EINVAL;			\
		(var) = v_;				\
	} while (0)

int tracefile__decode(const unsigned char *buf, size_t len, const struct sl_event *prev,
		      struct sl_event *e)
{
	const unsigned char *p = buf, *end = buf + len;
	__u64 v;

	if (len < 4)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->type = *p & 0x1f;
	e->cpu = *p >> 5;
	p++;
	if (e->cpu)
		e->cpu--;
	else
		GET(e->cpu);
	GET(v);
	e->ts = prev->ts + (__u64)unzigzag(v);
	if (p >= end)
		return -EINVAL;
	e->flags = *p++;
	GET(e->pid);

	switch (e->type) {
	case SL_EV_SWITCH:
		GET(e->sw.next);
		GET(v);
		e->sw.nr_syscall = (__u16)(v - 1);
		GET(e->sw.state);
		GET(e->sw.prev_runtime);
		break;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		GET(e->wk.wakee);
		GET(e->wk.target_cpu);
		GET(v);
		e->wk.wakee_tgid = unrel_tgid(v, e->wk.wakee);
		break;
	case SL_EV_MIGRATE:
		GET(e->mig.orig_cpu);
		GET(e->mig.dest_cpu);
		break;
	case SL_EV_FORK:
		GET(e->fork.child);
		GET(v);
		e->fork.child_tgid = unrel_tgid(v, e->fork.child);
		GET(v);
		e->fork.parent_tgid = unrel_tgid(v, e->pid);
		break;
	case SL_EV_COMM:
	case SL_EV_CPU_OCC: {
		size_t n;

		if (p >= end || (n = *p++) >= SL_COMM_LEN || (size_t)(end - p) < n)
			return -EINVAL;
		memcpy(e->comm.comm, p, n);
		p += n;
		break;
	}
	case SL_EV_EXIT:
		GET(v);
		e->exit.tgid = unrel_tgid(v, e->pid);
		GET(v);
		e->exit.exit_code = (__s32)unzigzag(v);
		break;
	case SL_EV_KSTAT:
		GET(e->kstat.nvcsw);
		GET(e->kstat.nivcsw);
		GET(e->kstat.nr_migrations);
		break;
	case SL_EV_KSTAT_RT:
		GET(e->kstat_rt.sum_exec_runtime);
		break;
	case SL_EV_KSTAT_SCHED:
		GET(e->ksched.run_delay);
		GET(e->ksched.pcount);
		GET(e->ksched.blkio_delay_us);
		break;
	case SL_EV_Q_PUSH ... SL_EV_ITEM_DONE:
		GET(e->q.item);
		GET(e->q.depth);
		GET(e->q.delay);
		break;
	case SL_EV_STACK:
		GET(v);
		e->stk.kstack = (__s32)(unzigzag(v) - 1);
		GET(v);
		e->stk.ustack = (__s32)(unzigzag(v) - 1);
		GET(e->stk.ret0);
		break;
	case SL_EV_STACK_RET:
		GET(e->stk_ret.ret[0]);
		GET(e->stk_ret.ret[1]);
		break;
	case SL_EV_ARGV: {
		size_t n;

		if (p >= end || (n = *p++) > sizeof(e->argv.text) || (size_t)(end - p) < n)
			return -EINVAL;
		memcpy(e->argv.text, p, n);
		p += n;
		break;
	}
	case SL_EV_TASK_ATTR:
		GET(e->attr.cgroup_id);
		GET(e->attr.policy);
		GET(v);
		e->attr.nice = (__s16)unzigzag(v);
		GET(e->attr.rt_priority);
		break;
	case SL_EV_ENQUEUED:
		if (e->flags & SL_ENQF_BEFORE)
			GET(e->enq.before_ns);
		break;
	case SL_EV_WAIT:
	case SL_EV_WAKER:
		GET(e->wt.obj);
		GET(v);
		e->wt.nr_syscall = (__u16)(v - 1);
		if (end - p < 2)
			return -EINVAL;
		e->wt.detail = *p++;
		e->wt.sub = *p++;
		GET(e->wt.fill);
		GET(e->wt.cap);
		break;
	default:
		if ((size_t)(end - p) < 16)
			return -EINVAL;
		memcpy(&e->sw, p, 16);
		p += 16;
		break;
	}
	return (int)(p - buf);
}

/* ---- writer ---- */

struct tracefile_writer {
	struct outfile *of;
	FILE *f;
	unsigned char block[BLOCK_BYTES];
	size_t used;
	__u32 nevents;
	struct sl_event prev;
	__u64 event_bytes;
	__u64 total_events;
	int err;
};

static void put_u32(FILE *f, __u32 v)
{
	unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };

	fwrite(b, 1, 4, f);
}

static void put_u64(FILE *f, __u64 v)
{
	put_u32(f, (__u32)v);
	put_u32(f, (__u32)(v >> 32));
}

static void put_str(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > MAX_STRING)
		n = MAX_STRING;
	put_u32(f, (__u32)n);
	if (n)
		fwrite(s, 1, n, f);
}

/* The first write error of the stream, kept. */
static int writer_error(struct tracefile_writer *w)
{
	if (!w->err)
		w->err = outfile__error(w->of);
	return w->err;
}

int tracefile__create(const char *path, const struct sl_trace_info *ti,
		      struct tracefile_writer **out)
{
	struct tracefile_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	err = outfile__create(path, 0644, &w->of);
	if (err) {
		free(w);
		return err;
	}
	w->f = outfile__file(w->of);
	fwrite(MAGIC, 1, 8, w->f);
	put_u32(w->f, SL_TRACE_VERSION);
	put_u32(w->f, ti->ncpu);
	put_u64(w->f, ti->start_ts);
	put_u64(w->f, ti->start_realtime_ns);
	fwrite(ti->kernel, 1, sizeof(ti->kernel), w->f);
	fwrite(ti->probe_mode, 1, sizeof(ti->probe_mode), w->f);
	put_u32(w->f, ti->arch);
	put_str(w->f, ti->cmdline);
	put_str(w->f, ti->config);
	/*
	 * In place from the start: a recorder that is killed leaves its
	 * trace at the path asked for, readable up to its last flushed block.
	 */
	if (fflush(w->f) || (err = writer_error(w)) || (err = outfile__publish(w->of))) {
		err = err ? err : writer_error(w);
		tracefile__abort(w);
		return err ? err : -EIO;
	}
	*out = w;
	return 0;
}

static int flush_block(struct tracefile_writer *w)
{
	unsigned char hdr[BLOCK_HDR];
	__u32 v[3] = { BLOCK_MAGIC, (__u32)w->used, w->nevents };

	if (!w->nevents || w->err)
		return w->err;
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 4; b++)
			hdr[i * 4 + b] = (unsigned char)(v[i] >> (8 * b));
	fwrite(hdr, 1, sizeof(hdr), w->f);
	fwrite(w->block, 1, w->used, w->f);
	w->used = 0;
	w->nevents = 0;
	memset(&w->prev, 0, sizeof(w->prev));
	return writer_error(w);
}

int tracefile__write(struct tracefile_writer *w, const struct sl_event *e)
{
	size_t n;

	if (w->err)
		return w->err;
	if (w->used + MAX_EVENT_BYTES > BLOCK_BYTES && flush_block(w))
		return w->err;
	n = tracefile__encode(e, &w->prev, w->block + w->used);
	w->used += n;
	w->event_bytes += n;
	w->nevents++;
	w->total_events++;
	w->prev = *e;
	return 0;
}

int tracefile__flush(struct tracefile_writer *w)
{
	if (flush_block(w))
		return w->err;
	if (fflush(w->f))
		return writer_error(w) ? w->err : -EIO;
	return writer_error(w);
}

__u64 tracefile__event_bytes(const struct tracefile_writer *w)
{
	return w->event_bytes;
}

const char *tracefile__path(const struct tracefile_writer *w)
{
	return outfile__path(w->of);
}

/* kstat validity bits (version 3; before, 0 or 1) */
#define KSTAT_SCHED		0x1
#define KSTAT_SCHED_INFO	0x2
#define KSTAT_DELAY		0x4

static void put_kstat(FILE *f, const struct sl_kstat *k)
{
	put_u32(f, (k->valid ? KSTAT_SCHED : 0) | (k->sched_info ? KSTAT_SCHED_INFO : 0) |
		   (k->delay ? KSTAT_DELAY : 0));
	put_u64(f, k->nvcsw);
	put_u64(f, k->nivcsw);
	put_u64(f, k->nr_migrations);
	put_u64(f, k->sum_exec_runtime_ns);
	put_u64(f, k->run_delay_ns);
	put_u64(f, k->pcount);
	put_u64(f, k->blkio_delay_ns);
}

/* The symbolized off-CPU stacks: the frames are only known while tracing. */
static void put_stacks(FILE *f, const struct sl_stacks *t)
{
	__u32 n = sl_stacks__count(t);

	put_u32(f, STACKS_MAGIC);
	put_u32(f, n);
	for (__u32 i = 0; i < n; i++) {
		const struct sl_stack *s = sl_stacks__at(t, i);

		put_u32(f, s->key.tgid);
		put_u32(f, (__u32)s->key.kstack);
		put_u32(f, (__u32)s->key.ustack);
		for (int r = 0; r < 3; r++)
			put_u64(f, s->key.ret[r]);
		put_u32(f, s->flags);
		put_str(f, s->frames);
	}
	put_u32(f, sl_stacks__nr_no_fp(t));
	for (__u32 i = 0; i < sl_stacks__nr_no_fp(t); i++)
		put_str(f, sl_stacks__no_fp(t, i));
}

int tracefile__finish(struct tracefile_writer *w, const struct sl_trace_info *ti)
{
	long footer;
	int err;

	flush_block(w);
	if (w->err) {
		/* the blocks written so far stay readable; no footer after a gap */
		err = w->err;
		outfile__commit(w->of);
		free(w);
		return err;
	}
	footer = ftell(w->f);
	put_u32(w->f, FOOTER_MAGIC);
	put_u64(w->f, ti->end_ts);
	put_u64(w->f, w->total_events);
	put_u64(w->f, ti->late_events);
	put_u64(w->f, ti->prog_misses);
	put_u32(w->f, ti->flags);
	put_u32(w->f, ti->ncpu);
	for (__u32 i = 0; i < ti->ncpu; i++) {
		const struct sl_cpu_stats *c = &ti->cpus[i];

		put_u64(w->f, c->lost);
		put_u64(w->f, c->idle_ns);
		put_u64(w->f, c->other_ns);
		put_u64(w->f, c->traced_ns);
		put_u64(w->f, c->records);
	}
	put_u32(w->f, ti->nr_tasks);
	for (__u32 i = 0; i < ti->nr_tasks; i++) {
		const struct sl_task_info *t = &ti->tasks[i];

		put_u32(w->f, t->pid);
		put_u32(w->f, t->tgid);
		put_u32(w->f, t->ppid);
		fwrite(t->comm, 1, SL_COMM_LEN, w->f);
		put_u32(w->f, (__u32)t->exit_status);
		put_u32(w->f, t->flags);
		put_kstat(w->f, &t->proc);
		put_kstat(w->f, &t->death);
		put_kstat(w->f, &t->base);
	}
	put_str(w->f, ti->workload_summary);
	/* optional sections follow; a reader that does not know one stops before it */
	if (ti->nr_cgroups) {
		put_u32(w->f, CGROUPS_MAGIC);
		put_u32(w->f, ti->nr_cgroups);
		for (__u32 i = 0; i < ti->nr_cgroups; i++) {
			put_u64(w->f, ti->cgroups[i].id);
			put_str(w->f, ti->cgroups[i].path);
		}
	}
	if (sl_stacks__count(ti->stacks))
		put_stacks(w->f, ti->stacks);
	if (ti->nr_foreign) {
		put_u32(w->f, FOREIGN_MAGIC);
		put_u32(w->f, ti->nr_foreign);
		for (__u32 i = 0; i < ti->nr_foreign && i < SL_FOREIGN_MAX; i++) {
			put_u32(w->f, ti->foreign[i].pid);
			put_u32(w->f, ti->foreign[i].tgid);
			fwrite(ti->foreign[i].comm, 1, SL_COMM_LEN, w->f);
			put_u64(w->f, ti->foreign[i].ns);
		}
	}
	if (ti->steal_ns) {
		put_u32(w->f, STEAL_MAGIC);
		put_u64(w->f, ti->steal_ns);
	}
	if (ti->nr_obj_names) {
		put_u32(w->f, NAMES_MAGIC);
		put_u32(w->f, ti->nr_obj_names);
		for (__u32 i = 0; i < ti->nr_obj_names; i++) {
			put_u32(w->f, ti->obj_names[i].tgid);
			put_u64(w->f, ti->obj_names[i].addr);
			fwrite(ti->obj_names[i].name, 1, SL_OBJ_NAME_LEN, w->f);
		}
	}
	put_u64(w->f, (__u64)footer);
	fwrite(TRAILER_MAGIC, 1, 8, w->f);

	err = footer < 0 ? -EIO : 0;
	if (err)
		outfile__set_error(w->of, err);
	err = outfile__commit(w->of);
	free(w);
	return err;
}

void tracefile__abort(struct tracefile_writer *w)
{
	if (!w)
		return;
	outfile__abort(w->of);
	free(w);
}

/* ---- reader ---- */

struct tracefile_reader {
	FILE *f;
	struct sl_trace_info *ti;	/* filled by open; tasks grow from a cut-short trace */
	long events_start;
	long events_end;	/* footer, or the end of the last complete block */
	long size;
	bool cut_short;
	__u32 ncpu;
	unsigned char block[BLOCK_BYTES];
	size_t used, pos;
	__u32 left;		/* events still to decode in this block */
	long block_at;		/* offset of the current block */
	struct sl_event prev;
	__u64 last_ts;		/* events never go back in time */
	__u64 nr_read, nr_expected;
	char err[192];
	char warning[256];
};

static int get_u32(FILE *f, __u32 *v)
{
	unsigned char b[4];

	if (fread(b, 1, 4, f) != 4)
		return -EIO;
	*v = b[0] | (__u32)b[1] << 8 | (__u32)b[2] << 16 | (__u32)b[3] << 24;
	return 0;
}

static int get_u64(FILE *f, __u64 *v)
{
	__u32 lo, hi;

	if (get_u32(f, &lo) || get_u32(f, &hi))
		return -EIO;
	*v = lo | (__u64)hi << 32;
	return 0;
}

/* Bytes left in the file from the current position. */
static long remaining(FILE *f, long size)
{
	long at = ftell(f);

	return at < 0 || at > size ? 0 : size - at;
}

static int get_str(FILE *f, long size, char **s)
{
	__u32 n;

	*s = NULL;
	if (get_u32(f, &n) || n > MAX_STRING || (long)n > remaining(f, size))
		return -EIO;
	*s = malloc(n + 1);
	if (!*s)
		return -ENOMEM;
	if (n && fread(*s, 1, n, f) != n)
		return -EIO;
	(*s)[n] = '\0';
	return 0;
}

static int get_count(FILE *f, __u64 *v)
{
	return get_u64(f, v) || *v > MAX_COUNT ? -EINVAL : 0;
}

static int get_kstat(FILE *f, __u32 version, struct sl_kstat *k)
{
	__u32 valid;

	if (get_u32(f, &valid) || get_count(f, &k->nvcsw) || get_count(f, &k->nivcsw) ||
	    get_count(f, &k->nr_migrations) || get_count(f, &k->sum_exec_runtime_ns))
		return -EIO;
	if (version < 3) {
		k->valid = valid != 0;
		return 0;
	}
	if (get_count(f, &k->run_delay_ns) || get_count(f, &k->pcount) ||
	    get_count(f, &k->blkio_delay_ns))
		return -EIO;
	k->valid = valid & KSTAT_SCHED;
	k->sched_info = valid & KSTAT_SCHED_INFO;
	k->delay = valid & KSTAT_DELAY;
	return 0;
}

static int reader_fail(char *err, size_t errlen, int code, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return code;
}

static int get_stacks(FILE *f, struct sl_trace_info *ti, long end)
{
	__u32 n, nfp, u;
	int err;

	if (get_u32(f, &n) || n > MAX_STACKS)
		return -EIO;
	if (!ti->stacks && (err = sl_stacks__new(&ti->stacks)))
		return err;
	for (__u32 i = 0; i < n; i++) {
		struct sl_stack_key k = { 0 };
		char *frames = NULL;
		__u32 flags;

		if (get_u32(f, &k.tgid) || get_u32(f, &u))
			return -EIO;
		k.kstack = (__s32)u;
		if (get_u32(f, &u))
			return -EIO;
		k.ustack = (__s32)u;
		if (get_u64(f, &k.ret[0]) || get_u64(f, &k.ret[1]) || get_u64(f, &k.ret[2]) ||
		    get_u32(f, &flags) || get_str(f, end, &frames) || !frames) {
			free(frames);
			return -EIO;
		}
		err = sl_stacks__add(ti->stacks, &k, frames, flags);
		free(frames);
		if (err && err != -EEXIST)
			return err;
	}
	if (get_u32(f, &nfp) || nfp > MAX_NO_FP_NAMES)
		return -EIO;
	for (__u32 i = 0; i < nfp; i++) {
		char *exe = NULL;

		if (get_str(f, end, &exe) || !exe) {
			free(exe);
			return -EIO;
		}
		err = sl_stacks__note_no_fp(ti->stacks, exe);
		free(exe);
		if (err)
			return err;
	}
	return 0;
}

/* The optional sections between the task table and the trailer at `end`. */
static int read_sections(FILE *f, struct sl_trace_info *ti, long end)
{
	__u32 magic, n;

	while (ftell(f) >= 0 && ftell(f) + 8 <= end) {
		if (get_u32(f, &magic))
			return -EIO;
		if (magic == STACKS_MAGIC) {
			int err = get_stacks(f, ti, end);

			if (err)
				return err;
			continue;
		}
		if (magic == FOREIGN_MAGIC) {
			if (get_u32(f, &n) || n > SL_FOREIGN_MAX || (long)n * 32 > remaining(f, end))
				return -EIO;
			for (__u32 i = 0; i < n; i++) {
				struct sl_foreign_task *ft = &ti->foreign[i];

				if (get_u32(f, &ft->pid) || get_u32(f, &ft->tgid) ||
				    fread(ft->comm, 1, SL_COMM_LEN, f) != SL_COMM_LEN ||
				    get_u64(f, &ft->ns))
					return -EIO;
				ft->comm[SL_COMM_LEN - 1] = '\0';
				if (ft->ns > MAX_TS)
					return -EIO;
			}
			ti->nr_foreign = n;
			continue;
		}
		if (magic == STEAL_MAGIC) {
			/* at most every CPU's whole window */
			if (get_u64(f, &ti->steal_ns) ||
			    ti->steal_ns > (ti->end_ts - ti->start_ts + 1000000000ull) * ti->ncpu)
				return -EIO;
			continue;
		}
		if (magic == NAMES_MAGIC) {
			if (get_u32(f, &n) || n > SL_OBJ_NAMES_MAX ||
			    (long)n * (12 + SL_OBJ_NAME_LEN) > remaining(f, end) || ti->nr_obj_names)
				return -EIO;
			for (__u32 i = 0; i < n; i++) {
				char name[SL_OBJ_NAME_LEN];
				__u32 tgid;
				__u64 addr;
				int err;

				if (get_u32(f, &tgid) || get_u64(f, &addr) ||
				    fread(name, 1, sizeof(name), f) != sizeof(name))
					return -EIO;
				name[sizeof(name) - 1] = '\0';
				err = sl_trace_info__add_obj_name(ti, tgid, addr, name);
				if (err)
					return err;
			}
			continue;
		}
		if (magic != CGROUPS_MAGIC)
			return 0;	/* a newer section: not ours to read */
		if (get_u32(f, &n) || n > MAX_CGROUPS || (long)n * 12 > remaining(f, end))
			return -EIO;
		for (__u32 i = 0; i < n; i++) {
			char *path = NULL;
			__u64 id;
			int err;

			if (get_u64(f, &id) || get_str(f, end, &path) || !path) {
				free(path);
				return -EIO;
			}
			err = sl_trace_info__add_cgroup(ti, id, path);
			free(path);
			if (err)
				return err;
		}
	}
	return 0;
}

/* 0, or -EINVAL with what is wrong in err. */
static int read_footer(FILE *f, long size, struct sl_trace_info *ti, char *err, size_t errlen)
{
	__u32 magic, ncpu, ntasks;

	if (get_u32(f, &magic) || magic != FOOTER_MAGIC)
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: bad footer magic");
	if (get_u64(f, &ti->end_ts) || get_count(f, &ti->nr_events) ||
	    get_count(f, &ti->late_events) || get_count(f, &ti->prog_misses) ||
	    (ti->version >= 3 && get_u32(f, &ti->flags)) || get_u32(f, &ncpu))
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: footer counts out of range");
	if (ti->end_ts < ti->start_ts || ti->end_ts > MAX_TS)
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: footer ends before the trace starts");
	if (ncpu != ti->ncpu)
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: footer and header disagree on the CPU count");
	ti->cpus = calloc(ncpu, sizeof(*ti->cpus));
	if (!ti->cpus)
		return reader_fail(err, errlen, -ENOMEM, "out of memory");
	for (__u32 i = 0; i < ncpu; i++) {
		struct sl_cpu_stats *c = &ti->cpus[i];

		if (get_count(f, &c->lost) || get_count(f, &c->idle_ns) || get_count(f, &c->other_ns) ||
		    get_count(f, &c->traced_ns) || get_count(f, &c->records))
			return reader_fail(err, errlen, -EINVAL, "corrupt trace: per-CPU counts out of range");
	}
	if (get_u32(f, &ntasks) || ntasks > MAX_TASKS ||
	    (long)ntasks * TASK_BYTES > remaining(f, size))
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: bad task count");
	for (__u32 i = 0; i < ntasks; i++) {
		struct sl_task_info t = { 0 }, *n;
		__u32 status;

		if (get_u32(f, &t.pid) || get_u32(f, &t.tgid) || get_u32(f, &t.ppid) ||
		    fread(t.comm, 1, SL_COMM_LEN, f) != SL_COMM_LEN || get_u32(f, &status) ||
		    get_u32(f, &t.flags) || get_kstat(f, ti->version, &t.proc) ||
		    get_kstat(f, ti->version, &t.death) || get_kstat(f, ti->version, &t.base))
			return reader_fail(err, errlen, -EINVAL, "corrupt trace: bad task table");
		t.comm[SL_COMM_LEN - 1] = '\0';
		t.exit_status = (__s32)status;
		/* append: a recycled pid is two tasks, both kept */
		n = sl_trace_info__append_task(ti, t.pid);
		if (!n)
			return reader_fail(err, errlen, -ENOMEM, "out of memory");
		*n = t;
	}
	if (get_str(f, size, &ti->workload_summary))
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: bad workload summary");
	if (read_sections(f, ti, size))
		return reader_fail(err, errlen, -EINVAL, "corrupt trace: bad cgroup section");
	return 0;
}

/* Why an event that decoded cannot be true, or NULL. */
static const char *bad_event(const struct tracefile_reader *r, const struct sl_event *e)
{
	if (e->cpu >= r->ncpu)
		return "event on a CPU beyond the header's CPU count";
	if (e->ts < r->last_ts)
		return "event earlier than the one before it";
	if (e->ts > MAX_TS)
		return "timestamp out of range";
	switch (e->type) {
	case SL_EV_SWITCH:
		if ((e->flags & SL_SWF_REASON_MASK) >= SL_R_MAX)
			return "unknown switch reason";
		break;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		if (e->wk.target_cpu >= r->ncpu)
			return "wakeup onto a CPU beyond the CPU count";
		break;
	case SL_EV_MIGRATE:
		if (e->mig.orig_cpu >= r->ncpu || e->mig.dest_cpu >= r->ncpu)
			return "migration to or from a CPU beyond the CPU count";
		break;
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP:
		if (e->q.depth > MAX_QUEUE_DEPTH)
			return "queue depth beyond any queue's capacity";
		break;
	}
	return NULL;
}

static int corrupt(struct tracefile_reader *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "corrupt trace: %s (block at byte %ld)", what, r->block_at);
	return -EINVAL;
}

/* Reads the next block header and payload; 1 read, 0 end of events, <0 corrupt. */
static int next_block(struct tracefile_reader *r)
{
	__u32 magic, nbytes, nevents;

	r->block_at = ftell(r->f);
	if (r->block_at < 0)
		return corrupt(r, "cannot tell the position");
	if (r->block_at >= r->events_end) {
		if (r->nr_read != r->nr_expected) {
			snprintf(r->err, sizeof(r->err), "corrupt trace: the footer counts %llu events, the blocks hold %llu",
				 (unsigned long long)r->nr_expected, (unsigned long long)r->nr_read);
			return -EINVAL;
		}
		return 0;
	}
	if (r->events_end - r->block_at < BLOCK_HDR || get_u32(r->f, &magic) ||
	    get_u32(r->f, &nbytes) || get_u32(r->f, &nevents))
		return corrupt(r, "short block header");
	if (magic != BLOCK_MAGIC)
		return corrupt(r, "bad block magic");
	if (nbytes > BLOCK_BYTES || nbytes > r->events_end - r->block_at - BLOCK_HDR)
		return corrupt(r, "block longer than the file allows");
	if (!nevents || nevents > nbytes / MIN_EVENT_BYTES)
		return corrupt(r, "event count does not fit the block");
	if (fread(r->block, 1, nbytes, r->f) != nbytes)
		return corrupt(r, "short block");
	r->used = nbytes;
	r->pos = 0;
	r->left = nevents;
	memset(&r->prev, 0, sizeof(r->prev));
	return 1;
}

/* One event, checked; observe: keep a cut-short trace's task table. */
static int next_event(struct tracefile_reader *r, struct sl_event *e, bool observe)
{
	const char *bad;
	int n;

	while (!r->left) {
		if (r->pos != r->used)
			return corrupt(r, "block has bytes past its last event");
		n = next_block(r);
		if (n <= 0)
			return n;
	}
	n = tracefile__decode(r->block + r->pos, r->used - r->pos, &r->prev, e);
	if (n <= 0)
		return corrupt(r, "undecodable event");
	bad = bad_event(r, e);
	if (bad)
		return corrupt(r, bad);
	r->pos += (size_t)n;
	r->left--;
	r->prev = *e;
	r->last_ts = e->ts;
	r->nr_read++;
	if (observe && r->cut_short && sl_trace_info__observe(r->ti, e)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -ENOMEM;
	}
	return 1;
}

/*
 * No trailer: the recording did not finish.  Events are good up to the
 * last complete block; the end of the trace is that block's last event.
 */
static int open_cut_short(struct tracefile_reader *r, struct sl_trace_info *ti,
			  char *err, size_t errlen)
{
	const char *where = "inside a block";
	long at = r->events_start, last = -1;
	__u64 events = 0, last_events = 0;
	struct sl_event e;
	int ret;

	for (;;) {
		__u32 magic, nbytes, nevents;

		if (fseek(r->f, at, SEEK_SET))
			return reader_fail(err, errlen, -EIO, "cannot seek");
		if (r->size - at < BLOCK_HDR) {
			if (r->size == at)
				where = "after a complete block";
			break;
		}
		if (get_u32(r->f, &magic) || get_u32(r->f, &nbytes) || get_u32(r->f, &nevents))
			return reader_fail(err, errlen, -EIO, "cannot read");
		if (magic == FOOTER_MAGIC) {
			where = "in its footer";
			break;
		}
		if (magic != BLOCK_MAGIC || nbytes > BLOCK_BYTES || !nevents ||
		    nevents > nbytes / MIN_EVENT_BYTES) {
			snprintf(err, errlen, "corrupt trace: bad block header (block at byte %ld)", at);
			return -EINVAL;
		}
		if (r->size - at - BLOCK_HDR < (long)nbytes)
			break;
		last = at;
		last_events = nevents;
		events += nevents;
		at += BLOCK_HDR + (long)nbytes;
	}
	r->cut_short = true;
	r->events_end = at;
	r->nr_expected = events;
	ti->nr_events = events;
	ti->end_ts = ti->start_ts;
	ti->cpus = calloc(ti->ncpu, sizeof(*ti->cpus));
	if (!ti->cpus)
		return reader_fail(err, errlen, -ENOMEM, "out of memory");
	/* the last complete block gives the end time; it is checked on replay too */
	if (last >= 0) {
		if (fseek(r->f, last, SEEK_SET))
			return reader_fail(err, errlen, -EIO, "cannot seek");
		r->nr_read = events - last_events;
		while ((ret = next_event(r, &e, false)) == 1)
			;
		if (ret < 0) {
			snprintf(err, errlen, "%s", r->err);
			return -EINVAL;
		}
		ti->end_ts = r->last_ts > ti->start_ts ? r->last_ts : ti->start_ts;
	}
	snprintf(r->warning, sizeof(r->warning),
		 "trace cut short %s at byte %ld of %ld: read to %.3f s (%llu events); "
		 "no footer, so lost records, per-CPU idle/other time, the kernel's task counters "
		 "and the workload summary are unknown",
		 where, at, r->size, (double)(ti->end_ts - ti->start_ts) / 1e9,
		 (unsigned long long)events);
	r->left = 0;
	r->pos = r->used = 0;
	r->last_ts = 0;
	r->nr_read = 0;
	memset(&r->prev, 0, sizeof(r->prev));
	if (fseek(r->f, r->events_start, SEEK_SET))
		return reader_fail(err, errlen, -EIO, "cannot seek");
	return 0;
}

int tracefile__open(const char *path, struct sl_trace_info *ti,
		    struct tracefile_reader **out, char *err, size_t errlen)
{
	struct tracefile_reader *r;
	struct stat st;
	char magic[8];
	__u64 footer;
	int ret;

	memset(ti, 0, sizeof(*ti));
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return reader_fail(err, errlen, -ENOMEM, "out of memory");
	r->ti = ti;
	r->f = fopen(path, "rbe");
	if (!r->f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		free(r);
		return ret;
	}
	if (fstat(fileno(r->f), &st) || !S_ISREG(st.st_mode)) {
		ret = reader_fail(err, errlen, -EINVAL, S_ISDIR(st.st_mode) ?
				  "is a directory, not a trace" : "not a regular file");
		goto fail;
	}
	r->size = (long)st.st_size;
	if (fread(magic, 1, 8, r->f) != 8) {
		ret = reader_fail(err, errlen, -EINVAL, "empty or too short to be a schedlab trace");
		goto fail;
	}
	if (memcmp(magic, MAGIC, 8)) {
		ret = reader_fail(err, errlen, -EINVAL, "not a schedlab trace (bad magic)");
		goto fail;
	}
	if (get_u32(r->f, &ti->version) || get_u32(r->f, &ti->ncpu) ||
	    get_u64(r->f, &ti->start_ts) || get_u64(r->f, &ti->start_realtime_ns) ||
	    fread(ti->kernel, 1, sizeof(ti->kernel), r->f) != sizeof(ti->kernel) ||
	    fread(ti->probe_mode, 1, sizeof(ti->probe_mode), r->f) != sizeof(ti->probe_mode)) {
		ret = reader_fail(err, errlen, -EINVAL, "truncated: header incomplete");
		goto fail;
	}
	ti->kernel[sizeof(ti->kernel) - 1] = '\0';
	ti->probe_mode[sizeof(ti->probe_mode) - 1] = '\0';
	if (ti->version < 1 || ti->version > SL_TRACE_VERSION) {
		snprintf(err, errlen, "trace format version %u, this schedlab reads versions 1 to %u",
			 ti->version, SL_TRACE_VERSION);
		ret = -EINVAL;
		goto fail;
	}
	/*
	 * Version 1 did not say: its probes read syscall numbers on x86 only,
	 * so every number a version 1 file holds is x86_64's.
	 */
	ti->arch = SL_ARCH_X86_64;
	if (ti->version >= 2 && get_u32(r->f, &ti->arch)) {
		ret = reader_fail(err, errlen, -EINVAL, "truncated: header incomplete");
		goto fail;
	}
	if (ti->ncpu == 0 || ti->ncpu > SL_MAX_CPUS) {
		snprintf(err, errlen, "corrupt trace: the header says %u CPUs, schedlab reads 1 to %u",
			 ti->ncpu, SL_MAX_CPUS);
		ret = -EINVAL;
		goto fail;
	}
	r->ncpu = ti->ncpu;
	if (ti->start_ts > MAX_TS) {
		ret = reader_fail(err, errlen, -EINVAL, "corrupt trace: start time out of range");
		goto fail;
	}
	if (get_str(r->f, r->size, &ti->cmdline) || get_str(r->f, r->size, &ti->config)) {
		ret = reader_fail(err, errlen, -EINVAL, "truncated: header incomplete");
		goto fail;
	}
	r->events_start = ftell(r->f);

	if (r->size - r->events_start < 16 || fseek(r->f, -16, SEEK_END) ||
	    get_u64(r->f, &footer) || fread(magic, 1, 8, r->f) != 8 ||
	    memcmp(magic, TRAILER_MAGIC, 8)) {
		ret = open_cut_short(r, ti, err, errlen);
		if (ret)
			goto fail;
		*out = r;
		return 0;
	}
	if (footer < (__u64)r->events_start || footer > (__u64)r->size - 16 ||
	    fseek(r->f, (long)footer, SEEK_SET)) {
		ret = reader_fail(err, errlen, -EINVAL, "corrupt trace: footer offset out of range");
		goto fail;
	}
	ret = read_footer(r->f, r->size - 16, ti, err, errlen);
	if (ret)
		goto fail;
	r->events_end = (long)footer;
	r->nr_expected = ti->nr_events;
	if (fseek(r->f, r->events_start, SEEK_SET)) {
		ret = reader_fail(err, errlen, -EIO, "cannot seek");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	fclose(r->f);
	free(r);
	sl_trace_info__free(ti);
	return ret;
}

int tracefile__next(struct tracefile_reader *r, struct sl_event *e)
{
	return next_event(r, e, true);
}

const char *tracefile__error(const struct tracefile_reader *r)
{
	return r->err;
}

const char *tracefile__warning(const struct tracefile_reader *r)
{
	return r->warning[0] ? r->warning : NULL;
}

void tracefile__close(struct tracefile_reader *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r);
}
