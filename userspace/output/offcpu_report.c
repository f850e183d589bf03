// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "format/stacks.h"
#include "util/idmap.h"
#include "offcpu_report.h"
#include "report_priv.h"

#define TOP_TASKS		10
#define TOP_PER_TASK		3

/* One task's time in one symbolized stack (keys with equal frames merged). */
struct merged {
	__u32 pid;
	const char *frames;
	__u64 off_ns, count;
};

static const char *frames_of(const struct sl_trace_info *ti, const struct sl_stack_row *r);

static int by_pid_frames(const void *a, const void *b)
{
	const struct merged *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->frames, y->frames);
}

static int by_off(const void *a, const void *b)
{
	const struct merged *x = a, *y = b;

	if (x->off_ns != y->off_ns)
		return x->off_ns > y->off_ns ? -1 : 1;
	return by_pid_frames(a, b);
}

static struct merged *merge_rows(const struct sl_stack_row *rows, __u32 n,
				 const struct sl_trace_info *ti, __u32 *nm)
{
	struct merged *m = calloc(n ? n : 1, sizeof(*m));
	__u32 k = 0;

	if (!m)
		return NULL;
	for (__u32 i = 0; i < n; i++)
		m[i] = (struct merged){ rows[i].pid, frames_of(ti, &rows[i]), rows[i].off_ns,
					rows[i].count };
	qsort(m, n, sizeof(*m), by_pid_frames);
	for (__u32 i = 0; i < n; i++) {
		if (k && !by_pid_frames(&m[k - 1], &m[i])) {
			m[k - 1].off_ns += m[i].off_ns;
			m[k - 1].count += m[i].count;
		} else {
			m[k++] = m[i];
		}
	}
	qsort(m, k, sizeof(*m), by_off);
	*nm = k;
	return m;
}

static const char *comm_of(const struct sl_trace_info *ti, __u32 pid)
{
	struct sl_task_info *t = sl_trace_info__task((struct sl_trace_info *)ti, pid);

	return t && t->comm[0] ? t->comm : "[unknown]";
}

static const char *frames_of(const struct sl_trace_info *ti, const struct sl_stack_row *r)
{
	const struct sl_stack *s = sl_stacks__find(ti->stacks, &r->key);

	return s ? s->frames : "[not symbolized]";
}

int offcpu__write_folded(FILE *f, const struct sl_stack_row *rows, __u32 n,
			 const struct sl_trace_info *ti)
{
	__u32 nm;
	struct merged *m = merge_rows(rows, n, ti, &nm);

	if (!m)
		return -ENOMEM;
	for (__u32 i = 0; i < nm; i++) {
		unsigned long long us = (m[i].off_ns + 500) / 1000;

		/* a stack under half a microsecond would weigh 0: flame graphs drop it */
		if (!us)
			continue;
		for (const char *c = comm_of(ti, m[i].pid); *c; c++)
			fputc(*c == ';' || *c == ' ' ? '_' : *c, f);
		fprintf(f, ";%s %llu\n", m[i].frames, us);
	}
	free(m);
	return ferror(f) ? -EIO : 0;
}

struct task_total {
	__u32 pid;
	__u64 off_ns;
	__u32 nr_stacks;
};

static int by_total(const void *a, const void *b)
{
	const struct task_total *x = a, *y = b;

	if (x->off_ns != y->off_ns)
		return x->off_ns > y->off_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Tasks by their stacks' total off-CPU time; *nt of them. */
static struct task_total *task_totals(const struct merged *rows, __u32 n, __u32 *nt)
{
	struct task_total *t = calloc(n ? n : 1, sizeof(*t));
	__u32 m = 0;

	if (!t)
		return NULL;
	for (__u32 i = 0; i < n; i++) {
		__u32 j = 0;

		while (j < m && t[j].pid != rows[i].pid)
			j++;
		if (j == m)
			t[m++].pid = rows[i].pid;
		t[j].off_ns += rows[i].off_ns;
		t[j].nr_stacks++;
	}
	qsort(t, m, sizeof(*t), by_total);
	*nt = m;
	return t;
}

/* "a;b;c" as "a > b > c", so that report_wrap breaks between frames. */
static char *readable(const char *frames)
{
	size_t n = strlen(frames), k = 0;
	char *s = malloc(n * 3 + 1);

	if (!s)
		return NULL;
	for (const char *p = frames; *p; p++) {
		if (*p == ';') {
			memcpy(s + k, " > ", 3);
			k += 3;
		} else {
			s[k++] = *p;
		}
	}
	s[k] = '\0';
	return s;
}

static void notes(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		  const struct sl_trace_info *ti, int width)
{
	__u32 gone = 0;
	char line[512];

	for (__u32 i = 0; i < sl_stacks__nr_no_fp(ti->stacks); i++) {
		snprintf(line, sizeof(line), "user stacks of %s are cut to their innermost frame: it "
			 "was built without frame pointers (rebuild with -fno-omit-frame-pointer)",
			 sl_stacks__no_fp(ti->stacks, i));
		report_wrap(f, "  note: ", 8, line, width);
		fputc('\n', f);
	}
	for (__u32 i = 0; i < n; i++) {
		const struct sl_stack *s = sl_stacks__find(ti->stacks, &rows[i].key);

		gone += s && (s->flags & SL_STACKF_GONE);
	}
	if (gone) {
		snprintf(line, sizeof(line), "%u stacks have [unknown] user frames: their process had "
			 "exited before its mappings were read", gone);
		report_wrap(f, "  note: ", 8, line, width);
		fputc('\n', f);
	}
	if (unfinished)
		fprintf(f, "  not counted: %llu blocks still open at the end or with no switch-in seen\n",
			(unsigned long long)unfinished);
}

int offcpu__text(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		 const struct sl_trace_info *ti, int width)
{
	struct task_total *tt;
	struct merged *m;
	__u32 nt = 0, nm;
	char d[16], pct[16], prefix[64];

	if (width <= 0)
		width = 100;
	m = merge_rows(rows, n, ti, &nm);
	tt = m ? task_totals(m, nm, &nt) : NULL;
	if (!tt) {
		free(m);
		return -ENOMEM;
	}
	fprintf(f, "\nOFF-CPU STACKS (blocking switch-outs, time until the next switch-in; top %d per task)\n",
		TOP_PER_TASK);
	if (!n)
		fputs("  none recorded\n", f);
	for (__u32 t = 0; t < nt && t < TOP_TASKS; t++) {
		int shown = 0;

		fprintf(f, "  %-7u %-16s %s off-CPU in %u stack%s\n", tt[t].pid, comm_of(ti, tt[t].pid),
			report_dur(d, sizeof(d), tt[t].off_ns), tt[t].nr_stacks,
			tt[t].nr_stacks == 1 ? "" : "s");
		for (__u32 i = 0; i < nm && shown < TOP_PER_TASK; i++) {
			char *text;

			if (m[i].pid != tt[t].pid)
				continue;
			shown++;
			text = readable(m[i].frames);
			snprintf(prefix, sizeof(prefix), "    %6s %6s %6llux  ",
				 report_dur(d, sizeof(d), m[i].off_ns),
				 report_pct(pct, sizeof(pct), tt[t].off_ns ?
					    (double)m[i].off_ns / (double)tt[t].off_ns : 0),
				 (unsigned long long)m[i].count);
			report_wrap(f, prefix, 30, text ? text : "", width);
			fputc('\n', f);
			free(text);
		}
	}
	if (nt > TOP_TASKS)
		fprintf(f, "  ... %u more tasks (--folded FILE has every stack)\n", nt - TOP_TASKS);
	notes(f, rows, n, unfinished, ti, width);
	free(tt);
	free(m);
	return ferror(f) ? -EIO : 0;
}

int offcpu__json(FILE *f, const struct sl_stack_row *rows, __u32 n, __u64 unfinished,
		 const struct sl_trace_info *ti)
{
	__u32 nm;
	struct merged *m = merge_rows(rows, n, ti, &nm);

	if (!m)
		return -ENOMEM;
	fprintf(f, "{\"unfinished\": %llu, \"no_frame_pointers\": [", (unsigned long long)unfinished);
	for (__u32 i = 0; i < sl_stacks__nr_no_fp(ti->stacks); i++) {
		if (i)
			fputs(", ", f);
		report_json_str(f, sl_stacks__no_fp(ti->stacks, i));
	}
	fputs("], \"stacks\": [", f);
	for (__u32 i = 0; i < nm; i++) {
		fprintf(f, "%s\n    {\"pid\": %u, \"comm\": ", i ? "," : "", m[i].pid);
		report_json_str(f, comm_of(ti, m[i].pid));
		fprintf(f, ", \"off_cpu_ns\": %llu, \"count\": %llu, \"frames\": ",
			(unsigned long long)m[i].off_ns, (unsigned long long)m[i].count);
		report_json_str(f, m[i].frames);
		fputc('}', f);
	}
	fputs("]}", f);
	free(m);
	return ferror(f) ? -EIO : 0;
}

int offcpu__each_top(const struct sl_stack_row *rows, __u32 n, const struct sl_trace_info *ti,
		     __u32 per_task, offcpu_top_fn fn, void *ctx)
{
	struct idmap shown = { 0 };	/* pid -> stacks used so far */
	int err = 0;

	for (__u32 i = 0; i < n && !err; i++) {
		const struct sl_stack *s = ti && ti->stacks ? sl_stacks__find(ti->stacks, &rows[i].key)
							   : NULL;
		__u32 k = idmap__get(&shown, rows[i].pid);
		int used;

		if (k == IDMAP_NONE)
			k = 0;
		if (!s || k >= per_task)
			continue;
		used = fn(&rows[i], s->frames, k, ctx);
		if (used < 0)
			err = used;
		else if (used)
			err = idmap__put(&shown, rows[i].pid, k + 1);
	}
	idmap__free(&shown);
	return err;
}
