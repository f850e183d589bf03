// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML timeline writer.  The page is written front to back while the
 * stream runs:
 *
 *   html/page.html up to "@data@": <style>, page skeleton
 *   <script type="application/json" id="sl-head">  {"summary": ...}
 *   <script type="application/json" id="sl-data">  [ chunks ... ]
 *   <script type="application/json" id="sl-tail">  {tasks, states, end, ...}
 *   the rest of html/page.html: <script> the viewer </script>
 *
 * Records go to one stream per lane: a CPU, a task, the wakeups, a queue.
 * When a stream holds CHUNK_RAW bytes it is deflated (zlib) and written as
 * one chunk, [kind, id, t0, t1, n, "base64"]: kind 1 CPU (id: cpu), 2 task
 * (id: pid), 3 wakeups (id 0), 4 queue (id: queue); t0 is the chunk's
 * first time, t1 its last end, n its record count.  Inside, a record is
 * unsigned LEB128 varints.  Tasks are named by their index in sl-tail's
 * "index" (order of first sight), which is shorter than a pid.  An
 * interval's first varint is code * 2 + g: when g is 1, the zigzag-coded
 * gap from the previous interval's end (from t0 for the first) follows;
 * when 0 it starts where the previous one ended, as nearly all do.
 *   CPU interval    occupant * 2 + g, [gap], duration
 *                   (occupant: 0 idle, 1 other tasks, task index + 2)
 *   task interval   ((cpu + 1) * nstates + state) * 2 + g, [gap], duration
 *                   (cpu + 1 is 0 off-CPU; state: enum sl_task_state,
 *                   nstates the length of sl-tail's "states")
 *   wakeup          gap (from the previous wakeup), cpu * 2 + 1 if wakeup_new,
 *                   waker index + 1 (0: untraced, its pid follows), wakee index
 *   queue depth     gap (from the previous push or pop), depth after it
 * Times are ns after the trace start.  The viewer inflates every chunk
 * once at load to build its per-pixel overview, keeps the raw bytes, and
 * decodes a chunk into intervals only when the view reaches into it: the
 * page stays a few bytes per event and every event is there when zoomed
 * in.  Memory here is one pending chunk per lane.
 *
 * The page around the data is html/page.html; its lines "@viewer.css@" and
 * "@viewer.js@" stand for those files and "@data@" for the three JSON
 * blocks (html_assets.c embeds them).  The viewer is described in
 * html/viewer.js.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "html.h"
#include "html_assets.h"
#include "offcpu_report.h"
#include "timeline_tasks.h"

/* Raw bytes per chunk: big enough for deflate to find the rhythm, small
 * enough that decoding one on demand is instant. */
#define CHUNK_RAW	131072
#define MAX_QUEUES	SL_MAX_QUEUES
/* zlib level 4: on a pipe storm 5% larger than the default 6, in a third of the time */
#define ZLEVEL		4

enum html_kind { HK_CPU = 1, HK_TASK = 2, HK_WAKE = 3, HK_QUEUE = 4 };

/* One lane's records not yet written. */
struct html_stream {
	__u8 *buf;
	size_t len, cap;
	__s64 t0, t1;		/* first time, last end */
	__s64 prev;		/* end (or time) of the previous record */
	__u32 n;
};

struct html {
	FILE *f;
	__u64 base;		/* BOOTTIME ns of time 0 (the trace start) */
	bool base_set;
	__u64 nchunks;
	__u64 niv, nwake;	/* intervals and wakeups written */
	__u64 end;		/* latest interval end seen, relative */
	__u32 ncpu;		/* from ti, or highest CPU seen + 1 */
	__u64 end_ts;		/* ti's end, 0 if unknown */
	char kernel[65];
	char *cmdline;
	__u32 capacity;
	struct sl_cpu_stats *cpu_stats;	/* ti's, [ncpu_stats]: the kernel's accounting */
	__u32 ncpu_stats;
	struct tl_tasks tasks;
	struct html_stream cpu[SL_MAX_CPUS];
	struct html_stream *task;	/* by task index */
	__u32 ntask_cap;
	struct html_stream wake;
	struct html_stream *queue[MAX_QUEUES];
	__u8 *zbuf;		/* compressBound(CHUNK_RAW + slack) */
	uLong zcap;
	const char *page;	/* the rest of page.html, after "@data@" */
	const struct sl_stack_row *stacks;	/* html__set_stacks, or NULL */
	__u32 nr_stacks;
	int err;
};

static void set_error(struct html *h, int err)
{
	if (!h->err)
		h->err = err;
}

/* A JSON string that is also safe inside <script>: '<' is escaped. */
static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\t':	fputs("\\t", f); break;
		case '<':	fputs("\\u003c", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* comm is not NUL-terminated when it fills all 16 bytes */
static void json_comm(FILE *f, const char *comm)
{
	char buf[SL_COMM_LEN + 1];

	memcpy(buf, comm, SL_COMM_LEN);
	buf[SL_COMM_LEN] = '\0';
	json_str(f, buf);
}

static void base64(FILE *f, const __u8 *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[4];
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		__u32 v = (__u32)p[i] << 16 | (__u32)p[i + 1] << 8 | p[i + 2];

		out[0] = tab[v >> 18];
		out[1] = tab[(v >> 12) & 63];
		out[2] = tab[(v >> 6) & 63];
		out[3] = tab[v & 63];
		fwrite(out, 1, 4, f);
	}
	if (i < n) {
		__u32 v = (__u32)p[i] << 16 | (i + 1 < n ? (__u32)p[i + 1] << 8 : 0);

		out[0] = tab[v >> 18];
		out[1] = tab[(v >> 12) & 63];
		out[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[3] = '=';
		fwrite(out, 1, 4, f);
	}
}

/* Deflates the stream's records into one chunk of sl-data and empties it. */
static void flush_stream(struct html *h, struct html_stream *st, int kind, __u32 id)
{
	uLongf zlen = h->zcap;

	if (!st->n)
		return;
	if (compress2(h->zbuf, &zlen, st->buf, st->len, ZLEVEL) != Z_OK) {
		set_error(h, -ENOMEM);
	} else {
		fprintf(h->f, "%s[%d,%u,%lld,%lld,%u,\"", h->nchunks++ ? ",\n" : "", kind, id,
			(long long)st->t0, (long long)st->t1, st->n);
		base64(h->f, h->zbuf, zlen);
		fputs("\"]", h->f);
	}
	st->len = 0;
	st->n = 0;
}

/* Room for one more record (at most 5 varints of 10 bytes). */
static int reserve(struct html_stream *st)
{
	size_t need = st->len + 64;

	if (need > st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		__u8 *b;

		while (cap < need)
			cap *= 2;
		b = realloc(st->buf, cap);
		if (!b)
			return -ENOMEM;
		st->buf = b;
		st->cap = cap;
	}
	return 0;
}

static void put_uv(struct html_stream *st, __u64 v)
{
	while (v >= 0x80) {
		st->buf[st->len++] = (__u8)(v | 0x80);
		v >>= 7;
	}
	st->buf[st->len++] = (__u8)v;
}

static void put_sv(struct html_stream *st, __s64 v)
{
	put_uv(st, ((__u64)v << 1) ^ (__u64)(v >> 63));
}

/* Time ts relative to the trace start (the first record's, if unknown). */
static __s64 rel_time(struct html *h, __u64 ts)
{
	if (!h->base_set) {
		h->base = ts;
		h->base_set = true;
	}
	return (__s64)(ts - h->base);
}

/*
 * Starts a record at rel on st, flushing a full chunk first.  -ENOMEM when
 * the buffer cannot grow.
 */
static int begin_record(struct html *h, struct html_stream *st, int kind, __u32 id, __s64 rel)
{
	if (st->len >= CHUNK_RAW)
		flush_stream(h, st, kind, id);
	if (reserve(st))
		return -ENOMEM;
	if (!st->n) {
		st->t0 = rel;
		st->t1 = rel;
		st->prev = rel;
	}
	st->n++;
	return 0;
}

/* An interval's code, then its gap when it does not start where the last one ended. */
static void put_code_gap(struct html_stream *st, __u64 code, __s64 rel)
{
	__s64 gap = rel - st->prev;

	put_uv(st, code * 2 + (gap != 0));
	if (gap)
		put_sv(st, gap);
}

static void end_record(struct html_stream *st, __s64 end)
{
	st->prev = end;
	if (end > st->t1)
		st->t1 = end;
}

/* The stream of task index i, grown as tasks appear. */
static struct html_stream *task_stream(struct html *h, int i)
{
	if ((__u32)i >= h->ntask_cap) {
		__u32 cap = h->ntask_cap ? h->ntask_cap : 16;
		struct html_stream *v;

		while (cap <= (__u32)i)
			cap *= 2;
		v = realloc(h->task, cap * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + h->ntask_cap, 0, (cap - h->ntask_cap) * sizeof(*v));
		h->task = v;
		h->ntask_cap = cap;
	}
	return &h->task[i];
}

static void check_io(struct html *h)
{
	if (ferror(h->f))
		set_error(h, -EIO);
}

int html__add_interval(struct html *h, const struct sl_interval *iv)
{
	__u64 dur = iv->end > iv->start ? iv->end - iv->start : 0;
	__s64 rel = rel_time(h, iv->start);
	struct html_stream *st;

	if (rel + (__s64)dur > 0 && (__u64)(rel + (__s64)dur) > h->end)
		h->end = (__u64)(rel + (__s64)dur);
	if (iv->kind == SL_IV_CPU) {
		__u64 occ = 0;

		if (iv->cpu >= SL_MAX_CPUS)
			return h->err;
		if (iv->cpu >= h->ncpu)
			h->ncpu = iv->cpu + 1u;
		if (iv->pid == SL_OCC_OTHER) {
			occ = 1;
		} else if (iv->pid != SL_OCC_IDLE) {
			int i = tl_tasks__add(&h->tasks, iv->pid);

			if (i < 0) {
				set_error(h, -ENOMEM);
				return h->err;
			}
			occ = (__u64)i + 2;
		}
		st = &h->cpu[iv->cpu];
		if (begin_record(h, st, HK_CPU, iv->cpu, rel)) {
			set_error(h, -ENOMEM);
			return h->err;
		}
		put_code_gap(st, occ, rel);
		put_uv(st, dur);
	} else {
		int i = tl_tasks__add(&h->tasks, iv->pid);

		st = i >= 0 ? task_stream(h, i) : NULL;
		if (!st || begin_record(h, st, HK_TASK, iv->pid, rel)) {
			set_error(h, -ENOMEM);
			return h->err;
		}
		put_code_gap(st, (iv->cpu == 0xffff ? 0 : iv->cpu + 1ull) * SL_TS_MAX + iv->state, rel);
		put_uv(st, dur);
	}
	end_record(st, rel + (__s64)dur);
	h->niv++;
	check_io(h);
	return h->err;
}

int html__add_event(struct html *h, const struct sl_event *e)
{
	int err = tl_tasks__on_event(&h->tasks, e);
	struct html_stream *st;
	__s64 rel;

	if (err)
		set_error(h, err);
	switch (e->type) {
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW: {
		int waker, wakee;

		if (!(e->flags & SL_WKF_WAKEE_TRACKED))
			break;
		rel = rel_time(h, e->ts);
		st = &h->wake;
		waker = tl_tasks__find(&h->tasks, e->pid);
		wakee = tl_tasks__add(&h->tasks, e->wk.wakee);
		if (wakee < 0 || begin_record(h, st, HK_WAKE, 0, rel)) {
			set_error(h, -ENOMEM);
			break;
		}
		put_sv(st, rel - st->prev);
		put_uv(st, e->cpu * 2ull + (e->type == SL_EV_WAKEUP_NEW));
		put_uv(st, waker >= 0 ? (__u64)waker + 1 : 0);
		if (waker < 0)
			put_uv(st, e->pid);
		put_uv(st, (__u64)wakee);
		end_record(st, rel);
		h->nwake++;
		break;
	}
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP:
		rel = rel_time(h, e->ts);
		st = h->queue[e->flags];
		if (!st && !(st = h->queue[e->flags] = calloc(1, sizeof(*st)))) {
			set_error(h, -ENOMEM);
			break;
		}
		if (begin_record(h, st, HK_QUEUE, e->flags, rel)) {
			set_error(h, -ENOMEM);
			break;
		}
		put_sv(st, rel - st->prev);
		put_uv(st, e->q.depth);
		end_record(st, rel);
		break;
	default:
		break;
	}
	check_io(h);
	return h->err;
}

/*
 * Copies page.html from *pos to the line "@data@" (or to its end), each
 * line "@NAME@" replaced by the embedded file NAME; *pos moves past the
 * stop line.
 */
static void write_page(FILE *f, const char **pos)
{
	const struct html_asset *page = html_asset__find("page.html");
	const char *p = *pos, *end = page->end;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl + 1 : end;
		size_t len = (size_t)(eol - p);
		char name[32];
		const struct html_asset *a = NULL;

		if (len > 3 && len - 3 < sizeof(name) && p[0] == '@' && eol[-2] == '@' && nl) {
			memcpy(name, p + 1, len - 3);
			name[len - 3] = '\0';
			if (!strcmp(name, "data")) {
				*pos = eol;
				return;
			}
			a = html_asset__find(name);
		}
		if (a)
			fwrite(a->data, 1, (size_t)(a->end - a->data), f);
		else
			fwrite(p, 1, len, f);
		p = eol;
	}
	*pos = end;
}

static void html_free(struct html *h)
{
	if (!h)
		return;
	for (__u32 c = 0; c < SL_MAX_CPUS; c++)
		free(h->cpu[c].buf);
	for (__u32 i = 0; i < h->ntask_cap; i++)
		free(h->task[i].buf);
	free(h->task);
	free(h->wake.buf);
	for (__u32 q = 0; q < MAX_QUEUES; q++) {
		if (h->queue[q])
			free(h->queue[q]->buf);
		free(h->queue[q]);
	}
	free(h->zbuf);
	free(h->cpu_stats);
	free(h->cmdline);
	tl_tasks__free(&h->tasks);
	free(h);
}

static void take_info(struct html *h, const struct sl_trace_info *ti)
{
	if (!ti)
		return;
	if (ti->ncpu > h->ncpu)
		h->ncpu = ti->ncpu < SL_MAX_CPUS ? ti->ncpu : SL_MAX_CPUS;
	if (ti->kernel[0])
		snprintf(h->kernel, sizeof(h->kernel), "%.64s", ti->kernel);
	if (ti->cmdline) {
		char *c = strdup(ti->cmdline);

		if (c) {
			free(h->cmdline);
			h->cmdline = c;
		}
	}
	if (sl_trace_info__queue_capacity(ti))
		h->capacity = sl_trace_info__queue_capacity(ti);
	if (ti->end_ts)
		h->end_ts = ti->end_ts;
	if (ti->cpus && ti->ncpu) {
		__u32 n = ti->ncpu < SL_MAX_CPUS ? ti->ncpu : SL_MAX_CPUS;
		struct sl_cpu_stats *c = malloc(n * sizeof(*c));

		if (c) {
			memcpy(c, ti->cpus, n * sizeof(*c));
			free(h->cpu_stats);
			h->cpu_stats = c;
			h->ncpu_stats = n;
		}
	}
}

int html__open(FILE *f, const struct sl_trace_info *ti, const char *summary, struct html **out)
{
	struct html *h;
	int err;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->f = f;
	h->zcap = compressBound(CHUNK_RAW + 64);
	h->zbuf = malloc(h->zcap);
	if (!h->zbuf) {
		err = -ENOMEM;
		goto err_free;
	}
	err = tl_tasks__init(&h->tasks, ti);
	if (err)
		goto err_free;
	take_info(h, ti);
	if (ti && ti->start_ts) {
		h->base = ti->start_ts;
		h->base_set = true;
	}
	h->page = html_asset__find("page.html")->data;
	write_page(f, &h->page);
	fputs("<script type=\"application/json\" id=\"sl-head\">{\"summary\":", f);
	json_str(f, summary);
	fputs("}</script>\n<script type=\"application/json\" id=\"sl-data\">[", f);
	if (ferror(f)) {
		err = -EIO;
		goto err_free;
	}
	*out = h;
	return 0;

err_free:
	html_free(h);
	return err;
}

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct tl_tasks *t = ctx;

	return tl_task__cmp(&t->v[*(const __u32 *)a], &t->v[*(const __u32 *)b]);
}

static void flush_all(struct html *h)
{
	for (__u32 c = 0; c < SL_MAX_CPUS; c++)
		flush_stream(h, &h->cpu[c], HK_CPU, c);
	for (__u32 i = 0; i < h->ntask_cap && i < h->tasks.n; i++)
		flush_stream(h, &h->task[i], HK_TASK, h->tasks.v[i].pid);
	flush_stream(h, &h->wake, HK_WAKE, 0);
	for (__u32 q = 0; q < MAX_QUEUES; q++)
		if (h->queue[q])
			flush_stream(h, h->queue[q], HK_QUEUE, q);
}

/* The task states by number, so the viewer's legend follows the enum. */
static void write_states(FILE *f)
{
	fputs(",\"states\":[", f);
	for (unsigned int s = 0; s < SL_TS_MAX; s++) {
		fputs(s ? "," : "", f);
		json_str(f, sl_task_state_label(s));
	}
	fputc(']', f);
}

/* The kernel's own per-CPU accounting over the whole trace, if recorded. */
static void write_cpu_stats(struct html *h)
{
	fputs(",\"cpustats\":[", h->f);
	for (__u32 c = 0; c < h->ncpu_stats; c++)
		fprintf(h->f, "%s[%llu,%llu,%llu]", c ? "," : "",
			(unsigned long long)h->cpu_stats[c].idle_ns,
			(unsigned long long)h->cpu_stats[c].other_ns,
			(unsigned long long)h->cpu_stats[c].traced_ns);
	fputc(']', h->f);
}

void html__set_stacks(struct html *h, const struct sl_stack_row *rows, __u32 n)
{
	if (!h)
		return;
	h->stacks = rows;
	h->nr_stacks = n;
}

/*
 * "stacks": [[pid, off_ns, blocks, "root;...;leaf"], ...], each task's
 * HTML_STACKS heaviest.
 */
#define HTML_STACKS 3

struct stacks_out {
	struct html *h;
	bool first;
};

static int put_stack(const struct sl_stack_row *r, const char *frames, __u32 rank, void *ctx)
{
	struct stacks_out *o = ctx;

	(void)rank;
	if (tl_tasks__find(&o->h->tasks, r->pid) < 0)
		return 0;	/* not a task of the page */
	fprintf(o->h->f, "%s[%u,%llu,%llu,", o->first ? "" : ",", r->pid,
		(unsigned long long)r->off_ns, (unsigned long long)r->count);
	json_str(o->h->f, frames);
	fputc(']', o->h->f);
	o->first = false;
	return 1;
}

static void write_stacks(struct html *h, const struct sl_trace_info *ti)
{
	struct stacks_out o = { .h = h, .first = true };
	int err;

	fputs(",\"stacks\":[", h->f);
	err = offcpu__each_top(h->stacks, h->nr_stacks, ti, HTML_STACKS, put_stack, &o);
	if (err)
		set_error(h, err);
	fputc(']', h->f);
}

int html__close(struct html *h, const struct sl_trace_info *ti, const char *summary)
{
	FILE *f;
	__u32 *order;
	__u64 end;
	int err;

	if (!h)
		return 0;
	f = h->f;
	take_info(h, ti);
	err = tl_tasks__merge_info(&h->tasks, ti);
	if (err)
		set_error(h, err);
	tl_tasks__assign_symbols(&h->tasks);
	flush_all(h);
	end = h->end_ts > h->base ? h->end_ts - h->base : h->end;

	fprintf(f, "]</script>\n<script type=\"application/json\" id=\"sl-tail\">"
		"{\"base\":%llu,\"ncpu\":%u,\"end\":%llu,\"capacity\":%u,"
		"\"intervals\":%llu,\"wakeups\":%llu,\"kernel\":",
		(unsigned long long)h->base, h->ncpu, (unsigned long long)end, h->capacity,
		(unsigned long long)h->niv, (unsigned long long)h->nwake);
	json_str(f, h->kernel);
	fputs(",\"cmdline\":", f);
	json_str(f, h->cmdline);
	fputs(",\"summary\":", f);
	json_str(f, summary);
	write_states(f);
	write_cpu_stats(h);
	fputs(",\"index\":[", f);
	for (__u32 i = 0; i < h->tasks.n; i++)
		fprintf(f, "%s%u", i ? "," : "", h->tasks.v[i].pid);
	fputc(']', f);
	fputs(",\"tasks\":[", f);
	order = malloc((h->tasks.n ? h->tasks.n : 1) * sizeof(*order));
	if (order) {
		for (__u32 i = 0; i < h->tasks.n; i++)
			order[i] = i;
		qsort_r(order, h->tasks.n, sizeof(*order), cmp_order, &h->tasks);
		for (__u32 i = 0; i < h->tasks.n; i++) {
			const struct tl_task *tk = &h->tasks.v[order[i]];

			fprintf(f, "%s[%u,%u,", i ? ",\n" : "", tk->pid, tk->tgid ? tk->tgid : tk->pid);
			if (tk->comm[0])
				json_comm(f, tk->comm);
			else
				json_str(f, "?");
			fputc(',', f);
			json_str(f, tk->sym);
			fprintf(f, ",%u]", tk->role);
		}
		free(order);
	} else {
		set_error(h, -ENOMEM);
	}
	fputc(']', f);
	if (h->stacks)
		write_stacks(h, ti);
	fputs("}</script>\n", f);
	write_page(f, &h->page);
	if (fflush(f) || ferror(f))
		set_error(h, -EIO);
	err = h->err;
	html_free(h);
	return err;
}
