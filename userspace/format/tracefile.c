// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file: see docs/trace-format.md.  All integers little-endian.
 *
 *   header   "SLTRACE\0" u32 version, u32 ncpu, u64 start_ts, u64 start_realtime,
 *            kernel[65], probe_mode[16], str cmdline, str config
 *   blocks   u32 'SBLK', u32 nbytes, u32 nevents, then nbytes of events,
 *            each delta-encoded against the previous one in the block
 *   footer   u32 'SFTR', u64 end_ts, nr_events, late, misses, u32 ncpu + per-CPU stats,
 *            u32 nr_tasks + task table, str workload summary
 *   trailer  u64 footer offset, "SLTEND\0\0"
 *
 * A file without its trailer was cut short (killed writer, full disk): the
 * reader refuses it rather than report on part of a run as if it were all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tracefile.h"

#define MAGIC		"SLTRACE"	/* 8 bytes with its NUL */
#define TRAILER_MAGIC	"SLTEND\0"
#define BLOCK_MAGIC	0x4b4c4253u	/* "SBLK" */
#define FOOTER_MAGIC	0x52544653u	/* "SFTR" */
#define CGROUPS_MAGIC	0x47434653u	/* "SFCG": optional footer section */
#define MAX_CGROUPS	65536
#define BLOCK_BYTES	(64 * 1024)
#define MAX_EVENT_BYTES	64		/* worst case of one encoded event */
#define MAX_STRING	(1u << 20)
#define MAX_TASKS	(1u << 22)

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
	case SL_EV_COMM: {
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
	case SL_EV_TASK_ATTR:
		p = put_varint(p, e->attr.cgroup_id);
		p = put_varint(p, e->attr.policy);
		p = put_varint(p, zigzag(e->attr.nice));
		p = put_varint(p, e->attr.rt_priority);
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
	case SL_EV_COMM: {
		size_t n;

		if (p >= end || (n = *p++) > SL_COMM_LEN || (size_t)(end - p) < n)
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
	case SL_EV_TASK_ATTR:
		GET(e->attr.cgroup_id);
		GET(e->attr.policy);
		GET(v);
		e->attr.nice = (__s16)unzigzag(v);
		GET(e->attr.rt_priority);
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
	FILE *f;
	char *path;
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

int tracefile__create(const char *path, const struct sl_trace_info *ti,
		      struct tracefile_writer **out)
{
	struct tracefile_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->f = fopen(path, "wbe");
	if (!w->f) {
		err = -errno;
		free(w);
		return err;
	}
	w->path = strdup(path);
	fwrite(MAGIC, 1, 8, w->f);
	put_u32(w->f, SL_TRACE_VERSION);
	put_u32(w->f, ti->ncpu);
	put_u64(w->f, ti->start_ts);
	put_u64(w->f, ti->start_realtime_ns);
	fwrite(ti->kernel, 1, sizeof(ti->kernel), w->f);
	fwrite(ti->probe_mode, 1, sizeof(ti->probe_mode), w->f);
	put_str(w->f, ti->cmdline);
	put_str(w->f, ti->config);
	if (ferror(w->f)) {
		tracefile__abort(w);
		return -EIO;
	}
	*out = w;
	return 0;
}

static int flush_block(struct tracefile_writer *w)
{
	if (!w->nevents)
		return 0;
	put_u32(w->f, BLOCK_MAGIC);
	put_u32(w->f, (__u32)w->used);
	put_u32(w->f, w->nevents);
	fwrite(w->block, 1, w->used, w->f);
	w->used = 0;
	w->nevents = 0;
	memset(&w->prev, 0, sizeof(w->prev));
	if (ferror(w->f))
		w->err = -EIO;
	return w->err;
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

__u64 tracefile__event_bytes(const struct tracefile_writer *w)
{
	return w->event_bytes;
}

static void put_kstat(FILE *f, const struct sl_kstat *k)
{
	put_u32(f, k->valid);
	put_u64(f, k->nvcsw);
	put_u64(f, k->nivcsw);
	put_u64(f, k->nr_migrations);
	put_u64(f, k->sum_exec_runtime_ns);
}

int tracefile__finish(struct tracefile_writer *w, const struct sl_trace_info *ti)
{
	long footer;
	int err;

	flush_block(w);
	footer = ftell(w->f);
	put_u32(w->f, FOOTER_MAGIC);
	put_u64(w->f, ti->end_ts);
	put_u64(w->f, w->total_events);
	put_u64(w->f, ti->late_events);
	put_u64(w->f, ti->prog_misses);
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
	put_u64(w->f, (__u64)footer);
	fwrite(TRAILER_MAGIC, 1, 8, w->f);

	err = w->err;
	if (ferror(w->f) || footer < 0)
		err = -EIO;
	if (fclose(w->f) && !err)
		err = -errno;
	free(w->path);
	free(w);
	return err;
}

void tracefile__abort(struct tracefile_writer *w)
{
	if (!w)
		return;
	fclose(w->f);
	if (w->path)
		unlink(w->path);
	free(w->path);
	free(w);
}

/* ---- reader ---- */

struct tracefile_reader {
	FILE *f;
	long events_start;
	long footer_offset;
	unsigned char block[BLOCK_BYTES];
	size_t used, pos;
	__u32 left;		/* events still to decode in this block */
	struct sl_event prev;
	char err[128];
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

static int get_str(FILE *f, char **s)
{
	__u32 n;

	*s = NULL;
	if (get_u32(f, &n) || n > MAX_STRING)
		return -EIO;
	*s = malloc(n + 1);
	if (!*s)
		return -ENOMEM;
	if (n && fread(*s, 1, n, f) != n)
		return -EIO;
	(*s)[n] = '\0';
	return 0;
}

static int get_kstat(FILE *f, struct sl_kstat *k)
{
	__u32 valid;

	if (get_u32(f, &valid) || get_u64(f, &k->nvcsw) || get_u64(f, &k->nivcsw) ||
	    get_u64(f, &k->nr_migrations) || get_u64(f, &k->sum_exec_runtime_ns))
		return -EIO;
	k->valid = valid != 0;
	return 0;
}

/* The optional sections between the task table and the trailer at `end`. */
static int read_sections(FILE *f, struct sl_trace_info *ti, long end)
{
	__u32 magic, n;

	while (ftell(f) >= 0 && ftell(f) + 8 <= end) {
		if (get_u32(f, &magic))
			return -EIO;
		if (magic != CGROUPS_MAGIC)
			return 0;	/* a newer section: not ours to read */
		if (get_u32(f, &n) || n > MAX_CGROUPS)
			return -EIO;
		for (__u32 i = 0; i < n; i++) {
			char *path = NULL;
			__u64 id;
			int err;

			if (get_u64(f, &id) || get_str(f, &path) || !path) {
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

static int read_footer(FILE *f, struct sl_trace_info *ti, long end)
{
	__u32 magic, ncpu, ntasks;

	if (get_u32(f, &magic) || magic != FOOTER_MAGIC)
		return -EINVAL;
	if (get_u64(f, &ti->end_ts) || get_u64(f, &ti->nr_events) ||
	    get_u64(f, &ti->late_events) || get_u64(f, &ti->prog_misses) || get_u32(f, &ncpu))
		return -EIO;
	if (ncpu != ti->ncpu)
		return -EINVAL;
	ti->cpus = calloc(ncpu ? ncpu : 1, sizeof(*ti->cpus));
	if (!ti->cpus)
		return -ENOMEM;
	for (__u32 i = 0; i < ncpu; i++) {
		struct sl_cpu_stats *c = &ti->cpus[i];

		if (get_u64(f, &c->lost) || get_u64(f, &c->idle_ns) || get_u64(f, &c->other_ns) ||
		    get_u64(f, &c->traced_ns) || get_u64(f, &c->records))
			return -EIO;
	}
	if (get_u32(f, &ntasks) || ntasks > MAX_TASKS)
		return -EIO;
	for (__u32 i = 0; i < ntasks; i++) {
		struct sl_task_info t = { 0 }, *n;
		__u32 status;

		if (get_u32(f, &t.pid) || get_u32(f, &t.tgid) || get_u32(f, &t.ppid) ||
		    fread(t.comm, 1, SL_COMM_LEN, f) != SL_COMM_LEN || get_u32(f, &status) ||
		    get_u32(f, &t.flags) || get_kstat(f, &t.proc) || get_kstat(f, &t.death) ||
		    get_kstat(f, &t.base))
			return -EIO;
		t.comm[SL_COMM_LEN - 1] = '\0';
		t.exit_status = (__s32)status;
		/* append: a recycled pid is two tasks, both kept */
		n = sl_trace_info__append_task(ti, t.pid);
		if (!n)
			return -ENOMEM;
		*n = t;
	}
	if (get_str(f, &ti->workload_summary))
		return -EIO;
	return read_sections(f, ti, end);
}

static int reader_fail(char *err, size_t errlen, int code, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return code;
}

int tracefile__open(const char *path, struct sl_trace_info *ti,
		    struct tracefile_reader **out, char *err, size_t errlen)
{
	struct tracefile_reader *r;
	char magic[8];
	__u64 footer;
	long size;
	int ret;

	memset(ti, 0, sizeof(*ti));
	r = calloc(1, sizeof(*r));
	if (!r)
		return reader_fail(err, errlen, -ENOMEM, "out of memory");
	r->f = fopen(path, "rbe");
	if (!r->f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		free(r);
		return ret;
	}
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
	if (ti->version != SL_TRACE_VERSION) {
		snprintf(err, errlen, "trace format version %u, this schedlab reads version %u",
			 ti->version, SL_TRACE_VERSION);
		ret = -EINVAL;
		goto fail;
	}
	if (ti->ncpu == 0 || ti->ncpu > 65536) {
		ret = reader_fail(err, errlen, -EINVAL, "corrupt header: bad CPU count");
		goto fail;
	}
	if (get_str(r->f, &ti->cmdline) || get_str(r->f, &ti->config)) {
		ret = reader_fail(err, errlen, -EINVAL, "truncated: header incomplete");
		goto fail;
	}
	r->events_start = ftell(r->f);

	if (fseek(r->f, -16, SEEK_END) || (size = ftell(r->f)) < r->events_start ||
	    get_u64(r->f, &footer) || fread(magic, 1, 8, r->f) != 8 ||
	    memcmp(magic, TRAILER_MAGIC, 8)) {
		ret = reader_fail(err, errlen, -EINVAL,
				  "truncated: no footer (the recording did not finish)");
		goto fail;
	}
	if (footer < (__u64)r->events_start || footer > (__u64)size ||
	    fseek(r->f, (long)footer, SEEK_SET) || read_footer(r->f, ti, size)) {
		ret = reader_fail(err, errlen, -EINVAL, "corrupt footer");
		goto fail;
	}
	r->footer_offset = (long)footer;
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

static int corrupt(struct tracefile_reader *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "corrupt trace at offset %ld: %s", ftell(r->f), what);
	return -EINVAL;
}

int tracefile__next(struct tracefile_reader *r, struct sl_event *e)
{
	int n;

	while (!r->left) {
		__u32 magic, nbytes, nevents;

		if (r->pos != r->used)
			return corrupt(r, "block has bytes past its last event");
		if (ftell(r->f) >= r->footer_offset)
			return 0;
		if (get_u32(r->f, &magic) || get_u32(r->f, &nbytes) || get_u32(r->f, &nevents))
			return corrupt(r, "short block header");
		if (magic != BLOCK_MAGIC || nbytes > BLOCK_BYTES)
			return corrupt(r, "bad block header");
		if (fread(r->block, 1, nbytes, r->f) != nbytes)
			return corrupt(r, "short block");
		r->used = nbytes;
		r->pos = 0;
		r->left = nevents;
		memset(&r->prev, 0, sizeof(r->prev));
	}
	n = tracefile__decode(r->block + r->pos, r->used - r->pos, &r->prev, e);
	if (n <= 0)
		return corrupt(r, "undecodable event");
	r->pos += (size_t)n;
	r->left--;
	r->prev = *e;
	return 1;
}

const char *tracefile__error(const struct tracefile_reader *r)
{
	return r->err;
}

void tracefile__close(struct tracefile_reader *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r);
}
