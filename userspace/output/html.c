// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML timeline writer.  The page is written front to back while the
 * stream runs:
 *
 *   html/page.html up to "@data@": <style>, page skeleton
 *   <script type="application/json" id="sl-head">  {"summary": ...}
 *   <script type="application/json" id="sl-data">  [ records ... ]
 *   <script type="application/json" id="sl-tail">  {tasks, end, ...}
 *   the rest of html/page.html: <script> the viewer </script>
 *
 * sl-data is one flat JSON array of numbers, a record after another:
 *   1, cpu, occupant, dt, duration      CPU interval (occupant: pid, 0 idle, -1 other)
 *   2, pid, state, cpu, dt, duration    task interval (state: enum sl_task_state, cpu -1 off-CPU)
 *   3, waker, wakee, cpu, dt            sched_waking of a traced task (5: wakeup_new)
 *   4, queue, depth, dt                 queue depth after a push or pop
 * dt is the record's start time minus the previous record's, in ns, with
 * times counted from the trace start: deltas keep the numbers short.
 * Nothing is held back, so memory does not grow with the trace.
 *
 * The page around the data is html/page.html; its lines "@viewer.css@" and
 * "@viewer.js@" stand for those files and "@data@" for the three JSON
 * blocks (html_assets.c embeds them).  The viewer is described in
 * html/viewer.js.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "html_assets.h"
#include "timeline_tasks.h"

#define RECORDS_PER_LINE 8

struct html {
	FILE *f;
	__u64 base;		/* BOOTTIME ns of time 0 (the trace start) */
	bool base_set;
	__s64 prev;		/* time of the previous record, relative to base */
	__u64 nrec;
	__u64 end;		/* latest interval end seen, relative */
	__u32 ncpu;		/* from ti, or highest CPU seen + 1 */
	__u64 end_ts;		/* ti's end, 0 if unknown */
	char kernel[65];
	char *cmdline;
	__u32 capacity;
	struct tl_tasks tasks;
	const char *page;	/* the rest of page.html, after "@data@" */
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

/* Starts a record: separator and the time delta's reference point. */
static __s64 record_dt(struct html *h, __u64 ts)
{
	__s64 rel, dt;

	if (!h->base_set) {
		h->base = ts;
		h->base_set = true;
	}
	rel = (__s64)(ts - h->base);
	dt = rel - h->prev;
	h->prev = rel;
	if (h->nrec++)
		fputc(',', h->f);
	if (h->nrec % RECORDS_PER_LINE == 0)
		fputc('\n', h->f);
	return dt;
}

int html__add_interval(struct html *h, const struct sl_interval *iv)
{
	__u64 dur = iv->end > iv->start ? iv->end - iv->start : 0;
	__s64 dt = record_dt(h, iv->start);
	__u64 rel_end = iv->end - h->base;

	if (iv->end > h->base && rel_end > h->end)
		h->end = rel_end;
	if (iv->kind == SL_IV_CPU) {
		long long occ = iv->pid == SL_OCC_OTHER ? -1 : (long long)iv->pid;

		if (iv->cpu < SL_MAX_CPUS && iv->cpu >= h->ncpu)
			h->ncpu = iv->cpu + 1u;
		if (occ > 0 && tl_tasks__add(&h->tasks, iv->pid) == -ENOMEM)
			set_error(h, -ENOMEM);
		fprintf(h->f, "1,%u,%lld,%lld,%llu", iv->cpu, occ, (long long)dt,
			(unsigned long long)dur);
	} else {
		int cpu = iv->cpu == 0xffff ? -1 : iv->cpu;
		int err = tl_tasks__add(&h->tasks, iv->pid);

		if (err == -ENOMEM)
			set_error(h, err);
		fprintf(h->f, "2,%u,%u,%d,%lld,%llu", iv->pid, iv->state, cpu, (long long)dt,
			(unsigned long long)dur);
	}
	if (ferror(h->f))
		set_error(h, -EIO);
	return h->err;
}

int html__add_event(struct html *h, const struct sl_event *e)
{
	int err = tl_tasks__on_event(&h->tasks, e);

	if (err)
		set_error(h, err);
	switch (e->type) {
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		if (!(e->flags & SL_WKF_WAKEE_TRACKED))
			break;
		{
			__s64 dt = record_dt(h, e->ts);

			fprintf(h->f, "%d,%u,%u,%u,%lld", e->type == SL_EV_WAKING ? 3 : 5, e->pid,
				e->wk.wakee, e->cpu, (long long)dt);
		}
		break;
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP: {
		__s64 dt = record_dt(h, e->ts);

		fprintf(h->f, "4,%u,%u,%lld", e->flags, e->q.depth, (long long)dt);
		break;
	}
	default:
		break;
	}
	if (ferror(h->f))
		set_error(h, -EIO);
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
	if (ti->config && tl_config_capacity(ti->config))
		h->capacity = tl_config_capacity(ti->config);
	if (ti->end_ts)
		h->end_ts = ti->end_ts;
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
	end = h->end_ts > h->base ? h->end_ts - h->base : h->end;

	fprintf(f, "]</script>\n<script type=\"application/json\" id=\"sl-tail\">"
		"{\"base\":%llu,\"ncpu\":%u,\"end\":%llu,\"capacity\":%u,\"kernel\":",
		(unsigned long long)h->base, h->ncpu, (unsigned long long)end, h->capacity);
	json_str(f, h->kernel);
	fputs(",\"cmdline\":", f);
	json_str(f, h->cmdline);
	fputs(",\"summary\":", f);
	json_str(f, summary);
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
	fputs("]}</script>\n", f);
	write_page(f, &h->page);
	if (fflush(f) || ferror(f))
		set_error(h, -EIO);
	err = h->err;
	html_free(h);
	return err;
}
