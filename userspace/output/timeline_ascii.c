// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal map.  Each lane is an array of time buckets; each bucket
 * keeps the time of up to TL_K occupants (a pid for CPU lanes, a state
 * class for task lanes) so that the one that held it longest can be shown.
 * With more than TL_K occupants in a bucket the shortest are dropped: the
 * winner is then approximate, which only happens when a single column
 * covers many tasks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "timeline_ascii.h"
#include "timeline_tasks.h"
#include "util/units.h"

#define TL_K		8
#define LABEL_CPU	6	/* "cpu255" */
#define LABEL_TASK	18	/* "C1 consumer-1" + comm up to 15 */
#define NO_QUEUE	0xffffffffu

struct bucket {
	__u32 key[TL_K];
	__u64 ns[TL_K];		/* 0 = free slot */
};

struct lane {
	struct bucket *b;	/* [nb] */
	bool on_mask;		/* task lanes: ran on a selected CPU */
	bool seen;		/* got time inside the window */
};

struct qbucket {
	__u64 depth_ns;		/* sum of depth x ns */
	__u64 ns;
};

struct qlane {
	struct qbucket *b;	/* [nb] */
	__u64 last_ts;
	__u32 last_depth;
	__u32 max_depth;
	bool have;
};

struct timeline_ascii {
	struct timeline_opts o;
	__u64 start;		/* trace start (0 = take the first timestamp) */
	__u64 from;		/* window, absolute; to == 0: open-ended (adaptive) */
	__u64 to;
	__u64 w;		/* bucket width, ns */
	__u32 nb;		/* buckets kept per lane */
	__u32 ncols;		/* columns printed at most (nb, or nb / 2 if open-ended) */
	__u32 label;		/* label column width */
	__u32 cellw;		/* characters per bucket */
	bool adaptive;
	bool from_set;
	bool printed;
	__u32 ncpu;
	bool mask[SL_MAX_CPUS];
	bool masked;		/* --cpus given */
	struct lane *cpu;	/* [ncpu] (by cpu) */
	struct tl_tasks tasks;	/* task lanes: tasks.v[i].lane indexes tl[] */
	struct lane *tl;
	__u32 ntl, tlcap;
	struct qlane *q[SL_MAX_QUEUES];	/* by queue id (the event's flags byte) */
	__u32 capacity;		/* from the workload config, 0 = unknown */
	__u64 last_ts;		/* latest time seen, closes an open-ended window */
	int err;
};

static __u64 nice_width(__u64 raw)
{
	static const __u64 m[] = { 10, 12, 15, 20, 25, 30, 40, 50, 60, 80 };

	if (raw <= 1)
		return 1;
	for (__u64 p = 1; p < 10000000000000000000ull / 100; p *= 10)
		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			if (m[i] * p / 10 >= raw)
				return m[i] * p / 10;
	return raw;
}

static void set_error(struct timeline_ascii *t, int err)
{
	if (!t->err)
		t->err = err;
}

int timeline_ascii__new(const struct sl_trace_info *ti, const struct timeline_opts *o,
			struct timeline_ascii **out)
{
	struct timeline_ascii *t;
	__u32 width;
	int err;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->o = *o;
	t->o.cpus = NULL;	/* not kept: the caller owns the string */
	t->ncpu = ti && ti->ncpu ? ti->ncpu : 1;
	if (t->ncpu > SL_MAX_CPUS)
		t->ncpu = SL_MAX_CPUS;
	if (o->cpus) {
		err = tl_parse_cpu_list(o->cpus, ti ? ti->ncpu : 0, t->mask);
		if (err)
			goto err_free;
		t->masked = true;
	} else {
		memset(t->mask, 1, sizeof(t->mask));
	}

	width = o->width ? o->width : 100;
	if (width < 40)
		width = 40;
	t->label = o->by == TIMELINE_BY_CPU ? LABEL_CPU : LABEL_TASK;
	t->cellw = o->by == TIMELINE_BY_CPU ? 2 : 1;
	/* label, space, '|', cells, '|' */
	t->ncols = (width - t->label - 3) / t->cellw;
	t->nb = t->ncols;

	t->start = ti ? ti->start_ts : 0;
	t->from_set = t->start != 0;
	t->from = t->start + o->from_ns;
	if (o->to_ns) {
		if (o->to_ns <= o->from_ns) {
			err = -EINVAL;
			goto err_free;
		}
		t->to = t->start + o->to_ns;
	} else if (ti && ti->end_ts > t->from) {
		t->to = ti->end_ts;
	}
	if (t->to && t->from_set) {
		t->w = nice_width((t->to - t->from + t->nb - 1) / t->nb);
	} else {
		/*
		 * Open-ended: start at 10 us per bucket and double as needed.
		 * Twice as many buckets as columns, so that after the last
		 * doubling at least one full bucket still goes into each column.
		 */
		t->adaptive = true;
		t->to = 0;
		t->w = 10000;
		t->nb = 2 * t->ncols;
	}
	t->capacity = ti ? sl_trace_info__queue_capacity(ti) : 0;

	err = tl_tasks__init(&t->tasks, ti);
	if (err)
		goto err_free;
	if (o->by == TIMELINE_BY_CPU) {
		t->cpu = calloc(t->ncpu, sizeof(*t->cpu));
		if (!t->cpu) {
			err = -ENOMEM;
			goto err_free;
		}
		for (__u32 c = 0; c < t->ncpu; c++) {
			t->cpu[c].b = calloc(t->nb, sizeof(struct bucket));
			if (!t->cpu[c].b) {
				err = -ENOMEM;
				goto err_free;
			}
		}
	}
	*out = t;
	return 0;

err_free:
	timeline_ascii__free(t);
	return err;
}

void timeline_ascii__free(struct timeline_ascii *t)
{
	if (!t)
		return;
	if (t->cpu)
		for (__u32 c = 0; c < t->ncpu; c++)
			free(t->cpu[c].b);
	free(t->cpu);
	for (__u32 i = 0; i < t->ntl; i++)
		free(t->tl[i].b);
	free(t->tl);
	for (int q = 0; q < 256; q++) {
		if (t->q[q])
			free(t->q[q]->b);
		free(t->q[q]);
	}
	tl_tasks__free(&t->tasks);
	free(t);
}

static void bucket_add(struct bucket *b, __u32 key, __u64 ns)
{
	int free_slot = -1, min = 0;

	for (int i = 0; i < TL_K; i++) {
		if (b->ns[i] && b->key[i] == key) {
			b->ns[i] += ns;
			return;
		}
		if (!b->ns[i] && free_slot < 0)
			free_slot = i;
		if (b->ns[i] < b->ns[min])
			min = i;
	}
	if (free_slot >= 0) {
		b->key[free_slot] = key;
		b->ns[free_slot] = ns;
	} else if (ns > b->ns[min]) {
		b->key[min] = key;
		b->ns[min] = ns;
	}
}

/* The occupant with the most time; false if the bucket is empty. */
static bool bucket_top(const struct bucket *b, __u32 *key)
{
	int best = -1;

	for (int i = 0; i < TL_K; i++)
		if (b->ns[i] && (best < 0 || b->ns[i] > b->ns[best]))
			best = i;
	if (best < 0)
		return false;
	*key = b->key[best];
	return true;
}

static void halve_lane(struct bucket *b, __u32 nb)
{
	for (__u32 i = 0; i < nb / 2; i++) {
		struct bucket m = b[2 * i];

		for (int k = 0; k < TL_K; k++)
			if (b[2 * i + 1].ns[k])
				bucket_add(&m, b[2 * i + 1].key[k], b[2 * i + 1].ns[k]);
		b[i] = m;
	}
	memset(&b[nb / 2], 0, (nb - nb / 2) * sizeof(*b));
}

static void halve_queue(struct qbucket *b, __u32 nb)
{
	for (__u32 i = 0; i < nb / 2; i++) {
		struct qbucket m = {
			b[2 * i].depth_ns + b[2 * i + 1].depth_ns,
			b[2 * i].ns + b[2 * i + 1].ns,
		};
		b[i] = m;
	}
	memset(&b[nb / 2], 0, (nb - nb / 2) * sizeof(*b));
}

/* Open-ended window: make the buckets wide enough to hold time `end`. */
static void grow_to(struct timeline_ascii *t, __u64 end)
{
	while (end > t->from && (end - t->from - 1) / t->w >= t->nb && t->w < (1ull << 62)) {
		if (t->cpu)
			for (__u32 c = 0; c < t->ncpu; c++)
				halve_lane(t->cpu[c].b, t->nb);
		for (__u32 i = 0; i < t->ntl; i++)
			halve_lane(t->tl[i].b, t->nb);
		for (int q = 0; q < 256; q++)
			if (t->q[q])
				halve_queue(t->q[q]->b, t->nb);
		t->w *= 2;
	}
}

/* Clips [*s, *e) to the window; false if nothing is left. */
static bool clip(struct timeline_ascii *t, __u64 *s, __u64 *e)
{
	if (!t->from_set) {
		t->start = *s;
		t->from = t->start + t->o.from_ns;
		if (t->o.to_ns)
			t->to = t->start + t->o.to_ns;
		t->from_set = true;
	}
	if (*e > t->last_ts)
		t->last_ts = *e;
	if (*s < t->from)
		*s = t->from;
	if (t->to && *e > t->to)
		*e = t->to;
	if (*s >= *e)
		return false;
	if (t->adaptive)
		grow_to(t, *e);
	if ((*e - 1 - t->from) / t->w >= t->nb)	/* fixed window rounding */
		*e = t->from + (__u64)t->nb * t->w;
	return *s < *e;
}

static void lane_add(struct timeline_ascii *t, struct lane *l, __u32 key, __u64 s, __u64 e)
{
	__u32 i0 = (s - t->from) / t->w, i1 = (e - 1 - t->from) / t->w;

	l->seen = true;
	for (__u32 i = i0; i <= i1; i++) {
		__u64 bs = t->from + (__u64)i * t->w, be = bs + t->w;
		__u64 a = s > bs ? s : bs, z = e < be ? e : be;

		bucket_add(&l->b[i], key, z - a);
	}
}

static struct lane *task_lane(struct timeline_ascii *t, __u32 pid)
{
	int idx = tl_tasks__add(&t->tasks, pid);
	struct lane *l;

	if (idx < 0) {
		if (idx != -EINVAL)
			set_error(t, idx);
		return NULL;
	}
	if (t->tasks.v[idx].lane >= 0)
		return &t->tl[t->tasks.v[idx].lane];
	if (t->ntl == t->tlcap) {
		__u32 cap = t->tlcap ? t->tlcap * 2 : 16;
		struct lane *v = realloc(t->tl, cap * sizeof(*v));

		if (!v) {
			set_error(t, -ENOMEM);
			return NULL;
		}
		t->tl = v;
		t->tlcap = cap;
	}
	l = &t->tl[t->ntl];
	memset(l, 0, sizeof(*l));
	l->b = calloc(t->nb, sizeof(*l->b));
	if (!l->b) {
		set_error(t, -ENOMEM);
		return NULL;
	}
	t->tasks.v[idx].lane = (int)t->ntl++;
	return l;
}

int timeline_ascii__add_interval(struct timeline_ascii *t, const struct sl_interval *iv)
{
	__u64 s = iv->start, e = iv->end;

	if (e <= s || !clip(t, &s, &e))
		return t->err;
	if (iv->kind == SL_IV_CPU && t->o.by == TIMELINE_BY_CPU) {
		if (iv->cpu >= t->ncpu)
			return t->err;
		if (iv->pid != SL_OCC_IDLE && iv->pid != SL_OCC_OTHER) {
			int idx = tl_tasks__add(&t->tasks, iv->pid);

			if (idx < 0 && idx != -EINVAL)
				set_error(t, idx);
		}
		lane_add(t, &t->cpu[iv->cpu], iv->pid, s, e);
	} else if (iv->kind == SL_IV_TASK && t->o.by == TIMELINE_BY_TASK) {
		struct lane *l = task_lane(t, iv->pid);

		if (!l)
			return t->err;
		if (iv->state == SL_TS_RUNNING && iv->cpu < SL_MAX_CPUS && t->mask[iv->cpu])
			l->on_mask = true;
		lane_add(t, l, tl_state_class(iv->state), s, e);
	}
	return t->err;
}

static void queue_add(struct timeline_ascii *t, struct qlane *q, __u64 s, __u64 e, __u32 depth)
{
	__u32 i0, i1;

	if (!clip(t, &s, &e))
		return;
	i0 = (s - t->from) / t->w;
	i1 = (e - 1 - t->from) / t->w;
	for (__u32 i = i0; i <= i1; i++) {
		__u64 bs = t->from + (__u64)i * t->w, be = bs + t->w;
		__u64 a = s > bs ? s : bs, z = e < be ? e : be;

		q->b[i].depth_ns += (__u64)depth * (z - a);
		q->b[i].ns += z - a;
	}
}

int timeline_ascii__add_event(struct timeline_ascii *t, const struct sl_event *e)
{
	struct qlane *q;
	int err;

	if (e->type != SL_EV_Q_PUSH && e->type != SL_EV_Q_POP) {
		err = tl_tasks__on_event(&t->tasks, e);
		if (err)
			set_error(t, err);
		return t->err;
	}
	q = t->q[e->flags];
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (q)
			q->b = calloc(t->nb, sizeof(*q->b));
		if (!q || !q->b) {
			free(q);
			set_error(t, -ENOMEM);
			return t->err;
		}
		t->q[e->flags] = q;
	}
	if (q->have && e->ts > q->last_ts)
		queue_add(t, q, q->last_ts, e->ts, q->last_depth);
	if (e->ts > t->last_ts)
		t->last_ts = e->ts;
	q->have = true;
	q->last_ts = e->ts;
	q->last_depth = e->q.depth;
	if (e->q.depth > q->max_depth)
		q->max_depth = e->q.depth;
	return t->err;
}

/* ---- printing ---------------------------------------------------------- */

/* ANSI SGR parameters; NULL = no colour. */
static const char *role_color(const struct tl_task *tk)
{
	switch (tk->role) {
	case TL_ROLE_PRODUCER:	return "32";
	case TL_ROLE_CONSUMER:	return "36";
	case TL_ROLE_WORKER:	return "35";
	default:		return "33";
	}
}

static const char *const sc_color[TL_SC_MAX] = {
	[TL_SC_RUNNING] = "32", [TL_SC_RUNNABLE] = "33", [TL_SC_IO] = "35",
	[TL_SC_QFULL] = "31", [TL_SC_QEMPTY] = "34", [TL_SC_LOCK] = "1;31",
	[TL_SC_SLEEP] = "90", [TL_SC_OTHER] = "35",
	[TL_SC_PIPE_EMPTY] = "34", [TL_SC_PIPE_FULL] = "31", [TL_SC_SOCKET] = "36",
	[TL_SC_CONDITION] = "1;34", [TL_SC_EVENTS] = "90", [TL_SC_CHILD] = "90",
	[TL_SC_TERMINAL] = "90", [TL_SC_FAULT] = "35", [TL_SC_SYSCALL] = "90",
};

/* Writes cells, switching colour only where it changes. */
struct painter {
	FILE *f;
	bool color;
	const char *cur;
};

static void paint(struct painter *p, const char *color, const char *text)
{
	if (p->color && color != p->cur && (!color || !p->cur || strcmp(color, p->cur))) {
		if (p->cur)
			fputs("\033[0m", p->f);
		if (color)
			fprintf(p->f, "\033[%sm", color);
		p->cur = color;
	}
	fputs(text, p->f);
}

static void paint_end(struct painter *p)
{
	if (p->color && p->cur)
		fputs("\033[0m", p->f);
	p->cur = NULL;
}

static void fmt_short(__u64 ns, char *buf, size_t len)
{
	char tmp[32], *sp;

	if (!ns) {
		snprintf(buf, len, "0");
		return;
	}
	format_duration_trim(ns, tmp, sizeof(tmp));
	sp = strchr(tmp, ' ');
	if (sp)
		memmove(sp, sp + 1, strlen(sp));	/* "25 us" -> "25us" */
	snprintf(buf, len, "%s", tmp);
}

static void print_axis(struct timeline_ascii *t, __u32 cols, FILE *f)
{
	static const __u32 steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
	__u32 k = steps[0], width = cols * t->cellw, pos = 0;
	__u64 rel = t->from - t->start;
	char label[32];

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		k = steps[i];
		if (k * t->cellw >= 10)
			break;
	}
	/* labels, left-aligned on their tick; skipped where they would collide */
	fprintf(f, "%*s", (int)(t->label + 1), "");
	for (__u32 c = 0; c <= cols; c += k) {
		__u32 at = c * t->cellw;
		int n;

		fmt_short(rel + (__u64)c * t->w, label, sizeof(label));
		n = (int)strlen(label);
		if ((pos && at < pos + 1) || at + n > width + 8)
			continue;	/* keep at least one blank between labels */
		fprintf(f, "%*s%s", (int)(at - pos), "", label);
		pos = at + n;
	}
	fputc('\n', f);
	fprintf(f, "%*s", (int)(t->label + 1), "");
	for (__u32 i = 0; i <= width; i++)
		fputc(i % (k * t->cellw) == 0 ? '+' : '-', f);
	fputc('\n', f);
}

static int cmp_task_lane(const void *a, const void *b, void *ctx)
{
	const struct tl_tasks *tasks = ctx;

	return tl_task__cmp(&tasks->v[*(const __u32 *)a], &tasks->v[*(const __u32 *)b]);
}

/* Legend entries: fixed-width columns wrapped to the line width, no trailing blanks. */
struct legend {
	FILE *f;
	__u32 width, col, entry, pad;
};

static void legend_put(struct legend *lg, const char *text)
{
	__u32 n = (__u32)strlen(text), cell = n > lg->entry ? n : lg->entry;

	if (lg->col && lg->col + lg->pad + 2 + n > lg->width) {
		fputc('\n', lg->f);
		lg->col = 0;
	}
	if (lg->col) {
		fprintf(lg->f, "%*s", (int)(lg->pad + 2), "");
		lg->col += lg->pad + 2;
	}
	fputs(text, lg->f);
	lg->col += n;
	lg->pad = cell - n;
}

static void legend_end(struct legend *lg)
{
	if (lg->col)
		fputc('\n', lg->f);
	lg->col = 0;
}

static void print_task_legend(struct timeline_ascii *t, const bool *used, FILE *f, __u32 width,
			      bool occupants)
{
	struct legend lg = { f, width, 0, 0, 0 };
	char buf[64];
	__u32 *order, n = 0;

	order = malloc((t->tasks.n ? t->tasks.n : 1) * sizeof(*order));
	if (!order) {
		set_error(t, -ENOMEM);
		return;
	}
	for (__u32 i = 0; i < t->tasks.n; i++)
		if (used[i])
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_task_lane, &t->tasks);
	for (__u32 i = 0; i < n; i++) {
		const struct tl_task *tk = &t->tasks.v[order[i]];
		int len = snprintf(buf, sizeof(buf), "%s %s (%u)", tk->sym,
				   tk->comm[0] ? tk->comm : "?", tk->pid);

		if ((__u32)len > lg.entry)
			lg.entry = (__u32)len;
	}
	if (occupants) {
		legend_put(&lg, ".. idle");
		legend_put(&lg, "-- other tasks");
	}
	for (__u32 i = 0; i < n; i++) {
		const struct tl_task *tk = &t->tasks.v[order[i]];

		snprintf(buf, sizeof(buf), "%s %s (%u)", tk->sym, tk->comm[0] ? tk->comm : "?",
			 tk->pid);
		legend_put(&lg, buf);
	}
	legend_end(&lg);
	free(order);
}

static void print_sparkline(struct timeline_ascii *t, int qid, __u32 cols, FILE *f);

static void print_by_cpu(struct timeline_ascii *t, __u32 cols, __u32 width, FILE *f)
{
	struct painter p = { f, t->o.color, NULL };
	bool *used = calloc(t->tasks.n ? t->tasks.n : 1, sizeof(*used));

	if (!used) {
		set_error(t, -ENOMEM);
		return;
	}
	for (__u32 c = 0; c < t->ncpu; c++) {
		if (!t->mask[c])
			continue;
		fprintf(f, "cpu%-*u |", (int)t->label - 3, c);
		for (__u32 i = 0; i < cols; i++) {
			__u32 key;
			int idx;

			if (!bucket_top(&t->cpu[c].b[i], &key)) {
				paint(&p, NULL, "  ");
			} else if (key == SL_OCC_IDLE) {
				paint(&p, "2", "..");
			} else if (key == SL_OCC_OTHER) {
				paint(&p, "90", "--");
			} else if ((idx = tl_tasks__find(&t->tasks, key)) >= 0) {
				used[idx] = true;
				paint(&p, role_color(&t->tasks.v[idx]), t->tasks.v[idx].sym);
			} else {
				paint(&p, NULL, "??");
			}
		}
		paint_end(&p);
		fputs("|\n", f);
	}
	/* the queue under the CPUs: who was busy, and was the queue full meanwhile */
	for (int q = 0; q < 256; q++)
		if (t->q[q])
			print_sparkline(t, q, cols, f);
	fputc('\n', f);
	print_task_legend(t, used, f, width, true);
	free(used);
}

static void print_sparkline(struct timeline_ascii *t, int qid, __u32 cols, FILE *f)
{
	static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[8] = { '_', '.', ':', '-', '=', '+', '*', '#' };
	const struct qlane *q = t->q[qid];
	__u32 scale = t->capacity > q->max_depth ? t->capacity : q->max_depth;
	char label[32];

	snprintf(label, sizeof(label), t->label >= 12 ? "queue%d depth" : "queue%d", qid);
	fprintf(f, "%-*s |", (int)t->label, label);
	for (__u32 i = 0; i < cols; i++) {
		const struct qbucket *b = &q->b[i];
		int lvl;

		if (!b->ns) {
			fprintf(f, "%*s", (int)t->cellw, "");
			continue;
		}
		/* mean depth over the time covered, 0..scale -> level 0..7 */
		lvl = scale ? (int)((b->depth_ns * 7 + (__u64)scale * b->ns / 2) /
				    ((__u64)scale * b->ns)) : 0;
		if (lvl > 7)
			lvl = 7;
		for (__u32 k = 0; k < t->cellw; k++) {
			if (t->o.ascii_only)
				fputc(ascii[lvl], f);
			else
				fputs(blocks[lvl], f);
		}
	}
	fprintf(f, "| 0..%u%s\n", scale, t->capacity ? " (capacity)" : " (max seen)");
}

static void print_by_task(struct timeline_ascii *t, __u32 cols, __u32 width, FILE *f)
{
	struct painter p = { f, t->o.color, NULL };
	struct legend lg = { f, width, 0, 0, 0 };
	bool *used = calloc(t->tasks.n ? t->tasks.n : 1, sizeof(*used));
	__u32 *order = malloc((t->tasks.n ? t->tasks.n : 1) * sizeof(*order));
	__u32 n = 0;
	char buf[64];
	bool shown[TL_SC_MAX] = { false };

	if (!used || !order) {
		set_error(t, -ENOMEM);
		goto out;
	}
	for (__u32 i = 0; i < t->tasks.n; i++) {
		const struct tl_task *tk = &t->tasks.v[i];

		if (tk->lane < 0 || !t->tl[tk->lane].seen)
			continue;
		if (t->masked && !t->tl[tk->lane].on_mask)
			continue;
		order[n++] = i;
	}
	qsort_r(order, n, sizeof(*order), cmp_task_lane, &t->tasks);
	for (__u32 k = 0; k < n; k++) {
		const struct tl_task *tk = &t->tasks.v[order[k]];
		const struct lane *l = &t->tl[tk->lane];

		used[order[k]] = true;
		snprintf(buf, sizeof(buf), "%s %s", tk->sym, tk->comm[0] ? tk->comm : "?");
		fprintf(f, "%-*.*s |", (int)t->label, (int)t->label, buf);
		for (__u32 i = 0; i < cols; i++) {
			__u32 key;
			char cell[2] = { '.', 0 };

			if (!bucket_top(&l->b[i], &key)) {
				paint(&p, "2", ".");
				continue;
			}
			cell[0] = tl_state_class_char(key);
			paint(&p, sc_color[key], cell);
			if (key < TL_SC_MAX)
				shown[key] = true;
		}
		paint_end(&p);
		fputs("|\n", f);
	}
	for (int q = 0; q < 256; q++)
		if (t->q[q])
			print_sparkline(t, q, cols, f);
	fputc('\n', f);
	for (int c = 0; c < TL_SC_MAX; c++) {
		/* the wait kinds only where they appear: most maps show none of them */
		if (c > TL_SC_OTHER && !shown[c])
			continue;
		snprintf(buf, sizeof(buf), "%c %s", tl_state_class_char(c), tl_state_class_name(c));
		legend_put(&lg, buf);
	}
	legend_put(&lg, ". not alive");
	legend_end(&lg);
	print_task_legend(t, used, f, width, false);
out:
	free(used);
	free(order);
}

/*
 * Calls fn(j, i, frac) for every bucket i (width t->w) that overlaps
 * output column j (width w_out), frac being the share of bucket i that
 * falls in column j.  The one walk both resamplers share.
 */
static void for_overlaps(const struct timeline_ascii *t, __u32 cols, __u64 w_out,
			 void (*fn)(__u32 j, __u32 i, double frac, void *ctx), void *ctx)
{
	for (__u32 j = 0; j < cols; j++) {
		__u64 a = t->from + (__u64)j * w_out, b = a + w_out;

		for (__u32 i = (a - t->from) / t->w; i < t->nb; i++) {
			__u64 bs = t->from + (__u64)i * t->w, be = bs + t->w;

			if (bs >= b)
				break;
			fn(j, i, (double)((be < b ? be : b) - (bs > a ? bs : a)) / (double)t->w, ctx);
		}
	}
}

struct resample {
	const void *src;
	void *dst;
};

static void lane_part(__u32 j, __u32 i, double frac, void *ctx)
{
	const struct resample *r = ctx;
	const struct bucket *src = r->src;
	struct bucket *dst = r->dst;

	for (int k = 0; k < TL_K; k++) {
		__u64 ns = (__u64)((double)src[i].ns[k] * frac + 0.5);

		if (ns)
			bucket_add(&dst[j], src[i].key[k], ns);
	}
}

static void queue_part(__u32 j, __u32 i, double frac, void *ctx)
{
	const struct resample *r = ctx;
	const struct qbucket *src = r->src;
	struct qbucket *dst = r->dst;

	dst[j].depth_ns += (__u64)((double)src[i].depth_ns * frac + 0.5);
	dst[j].ns += (__u64)((double)src[i].ns * frac + 0.5);
}

/* dst[j] = the parts of src's buckets (width t->w) that fall in column j (width w_out) */
static void resample_lane(const struct timeline_ascii *t, const struct bucket *src,
			  struct bucket *dst, __u32 cols, __u64 w_out)
{
	struct resample r = { src, dst };

	for_overlaps(t, cols, w_out, lane_part, &r);
}

static void resample_queue(const struct timeline_ascii *t, const struct qbucket *src,
			   struct qbucket *dst, __u32 cols, __u64 w_out)
{
	struct resample r = { src, dst };

	for_overlaps(t, cols, w_out, queue_part, &r);
}

/*
 * An open-ended window ends up with between ncols and 2 * ncols buckets in
 * use: fold them into ncols columns of a round width, as a known window
 * would have had.  Columns finer than the buckets would only repeat them.
 */
static int fit_columns(struct timeline_ascii *t, __u64 end)
{
	__u64 span = end - t->from, w_out = nice_width((span + t->ncols - 1) / t->ncols);
	__u32 cols = t->ncols;

	if (w_out <= t->w)
		return 0;
	for (__u32 c = 0; t->cpu && c < t->ncpu; c++) {
		struct bucket *b = calloc(cols, sizeof(*b));

		if (!b)
			return -ENOMEM;
		resample_lane(t, t->cpu[c].b, b, cols, w_out);
		free(t->cpu[c].b);
		t->cpu[c].b = b;
	}
	for (__u32 i = 0; i < t->ntl; i++) {
		struct bucket *b = calloc(cols, sizeof(*b));

		if (!b)
			return -ENOMEM;
		resample_lane(t, t->tl[i].b, b, cols, w_out);
		free(t->tl[i].b);
		t->tl[i].b = b;
	}
	for (int q = 0; q < 256; q++) {
		struct qbucket *b;

		if (!t->q[q])
			continue;
		b = calloc(cols, sizeof(*b));
		if (!b)
			return -ENOMEM;
		resample_queue(t, t->q[q]->b, b, cols, w_out);
		free(t->q[q]->b);
		t->q[q]->b = b;
	}
	t->nb = cols;
	t->w = w_out;
	return 0;
}

int timeline_ascii__print(struct timeline_ascii *t, const struct sl_trace_info *ti, FILE *f)
{
	__u64 end, span;
	__u32 cols, width;
	char a[32], b[32], w[32];
	int err;

	if (t->printed)
		return -EINVAL;
	t->printed = true;
	err = tl_tasks__merge_info(&t->tasks, ti);
	if (err)
		set_error(t, err);
	if (ti && !t->capacity)
		t->capacity = sl_trace_info__queue_capacity(ti);
	tl_tasks__assign_symbols(&t->tasks);

	/* Where the window ends: asked for, or the trace's end, or the last time seen. */
	end = t->to;
	if (!end)
		end = ti && ti->end_ts > t->from ? ti->end_ts : t->last_ts;
	if (t->adaptive && end > t->from)
		grow_to(t, end);
	/* queues hold their last depth until the end of the window */
	for (int q = 0; q < 256; q++) {
		struct qlane *ql = t->q[q];

		if (ql && ql->have && end > ql->last_ts)
			queue_add(t, ql, ql->last_ts, end, ql->last_depth);
	}
	if (t->adaptive && end > t->from) {
		err = fit_columns(t, end);
		if (err)
			set_error(t, err);
	}
	span = end > t->from ? end - t->from : 0;
	cols = span ? (__u32)((span + t->w - 1) / t->w) : 0;
	if (cols > t->ncols)
		cols = t->ncols;
	width = t->label + 3 + t->ncols * t->cellw;

	fprintf(f, "%s timeline: %s .. %s after trace start, %s per column\n",
		t->o.by == TIMELINE_BY_CPU ? "CPU" : "task",
		format_duration_trim(t->from - t->start, a, sizeof(a)),
		format_duration_trim(t->from - t->start + (__u64)cols * t->w, b, sizeof(b)),
		format_duration_trim(t->w, w, sizeof(w)));
	print_axis(t, cols, f);
	if (t->o.by == TIMELINE_BY_CPU)
		print_by_cpu(t, cols, width, f);
	else
		print_by_task(t, cols, width, f);
	if (ferror(f))
		set_error(t, -EIO);
	return t->err;
}
