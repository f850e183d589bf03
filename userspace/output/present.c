// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "analysis/analysis_result.h"
#include "analysis/offcpu_stacks.h"
#include "html.h"
#include "offcpu_report.h"
#include "util/log.h"
#include "util/outfile.h"
#include "perfetto.h"
#include "present.h"
#include "report.h"
#include "timeline_ascii.h"

struct presenter {
	struct present_opts o;
	FILE *csv_intervals;		/* --csv-table intervals: streamed rows */
	bool csv_table_set;
	enum report_csv_table csv_table;
	struct analysis *a;
	struct timeline_ascii *tl[2];	/* the CPU map, the task map */
	struct outfile *pf_file;
	struct perfetto *pf;
	struct outfile *html_file;
	struct html *html;
	struct offcpu_stacks *stacks;
	struct outfile *folded_file;
	int err;
	bool said;		/* the first failure was reported */
};

/*
 * A failure while the events stream in, said once: an output file that
 * cannot be written names the file and the reason (ENOSPC, not "processing
 * failed"), anything else names what failed.  The first error is kept.
 */
static int fail(struct presenter *p, int err, struct outfile *of, const char *path)
{
	if (of) {
		outfile__set_error(of, err);
		err = outfile__error(of);
	}
	if (!p->said) {
		if (path)
			pr_err("cannot write %s: %s", path, strerror(-err));
		else
			pr_err("cannot analyse the events: %s", strerror(-err));
		p->said = true;
	}
	if (!p->err)
		p->err = err;
	return p->err;
}

/* Intervals from the analysis go to the timelines that draw them. */
static void on_interval(const struct sl_interval *iv, void *ctx)
{
	struct presenter *p = ctx;
	int err = 0;

	for (int i = 0; i < 2 && !err; i++)
		if (p->tl[i])
			err = timeline_ascii__add_interval(p->tl[i], iv);
	if (err)
		fail(p, err, NULL, NULL);
	if (p->html && !p->err && (err = html__add_interval(p->html, iv)))
		fail(p, err, p->html_file, p->o.html_path);
	if (p->csv_intervals)
		report__csv_interval(iv, p->csv_intervals);
}

/*
 * Records the kernel did not report, as the analysis infers them: the
 * Perfetto trace gets them too, so its per-CPU switch chain agrees with the
 * report (the HTML page draws the analysis's intervals, already repaired),
 * and an off-CPU stack whose switch-in went unreported is charged up to
 * the inferred one, as the report's off-CPU time is.  Called from inside
 * the analysis's feed of the record that revealed the gap, so both see the
 * repair before that record.
 */
static void on_repair(const struct sl_repair *rp, void *ctx)
{
	struct presenter *p = ctx;
	int err;

	if (p->err)
		return;
	if (p->pf && (err = perfetto__add_event(p->pf, &rp->ev))) {
		fail(p, err, p->pf_file, p->o.perfetto_path);
		return;
	}
	if (p->stacks && (err = offcpu_stacks__feed(p->stacks, &rp->ev)))
		fail(p, err, NULL, NULL);
}

/* A new file that replaces path only when complete (util/outfile.h). */
static struct outfile *open_output(const char *path, const char *what)
{
	struct outfile *of;
	int err = outfile__create(path, 0644, &of);

	if (err) {
		pr_err("cannot write %s file %s: %s", what, path, strerror(-err));
		return NULL;
	}
	return of;
}

/* Closes an output: e is the writer's own error; says the reason once. */
static int close_output(struct presenter *p, struct outfile *of, int e, const char *path)
{
	if (e)
		outfile__set_error(of, e);
	e = outfile__commit(of);
	if (e && !p->said) {
		pr_err("cannot write %s: %s", path, strerror(-e));
		p->said = true;
	}
	return e;
}

int presenter__new(const struct present_opts *o, const struct sl_trace_info *ti,
		   struct presenter **out)
{
	struct presenter *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->o = *o;
	if (o->format == PRESENT_CSV && o->csv_table) {
		if (report__csv_table_parse(o->csv_table, &p->csv_table)) {
			free(p);
			return -EINVAL;
		} else if (p->csv_table == REPORT_CSV_INTERVALS) {
			p->csv_intervals = stdout;
			report__csv_intervals_header(stdout);
		} else {
			p->csv_table_set = true;
		}
	}
	err = analysis__new(ti->ncpu, &p->a);
	if (err)
		goto fail;
	analysis__set_slower_than(p->a, o->slower_than_ns);
	analysis__set_arch(p->a, ti->arch);
	analysis__set_task_table(p->a, ti);
	/*
	 * Both maps by default: the CPU map shows who held each CPU, the task
	 * map why the others were not running (queue full, I/O, ...).
	 */
	for (int i = 0; i < 2 && o->ascii_timeline; i++) {
		struct timeline_opts to = {
			.from_ns = o->from_ns, .to_ns = o->to_ns, .width = o->width,
			.by = i ? TIMELINE_BY_TASK : TIMELINE_BY_CPU, .color = o->color, .cpus = o->cpus,
		};

		if ((i == 0 && o->map == PRESENT_MAP_TASK) || (i == 1 && o->map == PRESENT_MAP_CPU))
			continue;
		err = timeline_ascii__new(ti, &to, &p->tl[i]);
		if (err) {
			pr_err("cannot draw the timeline: %s", err == -EINVAL ?
			       "bad --cpus list or --from/--to window" : strerror(-err));
			goto fail;
		}
	}
	if (o->perfetto_path) {
		err = -EIO;
		p->pf_file = open_output(o->perfetto_path, "Perfetto");
		if (!p->pf_file || (err = perfetto__open(outfile__file(p->pf_file), ti, &p->pf)))
			goto fail;
	}
	if (o->html_path) {
		err = -EIO;
		p->html_file = open_output(o->html_path, "HTML");
		if (!p->html_file || (err = html__open(outfile__file(p->html_file), ti, NULL, &p->html)))
			goto fail;
	}
	if (o->stacks || o->folded_path) {
		err = offcpu_stacks__new(ti, &p->stacks);
		if (err)
			goto fail;
	}
	if (o->folded_path) {
		err = -EIO;
		p->folded_file = open_output(o->folded_path, "folded stacks");
		if (!p->folded_file)
			goto fail;
	}
	if (p->tl[0] || p->tl[1] || p->html || p->csv_intervals)
		analysis__on_interval(p->a, on_interval, p);
	if (p->pf || p->stacks)
		analysis__on_repair(p->a, on_repair, p);
	*out = p;
	return 0;
fail:
	presenter__free(p);
	return err;
}

int presenter__sink(const struct sl_event *e, void *ctx)
{
	struct presenter *p = ctx;
	int err = p->err ? p->err : analysis__feed(p->a, e);

	for (int i = 0; i < 2 && !err; i++)
		if (p->tl[i])
			err = timeline_ascii__add_event(p->tl[i], e);
	if (err)
		return fail(p, err, NULL, NULL);
	if (p->pf && (err = perfetto__add_event(p->pf, e)))
		return fail(p, err, p->pf_file, p->o.perfetto_path);
	if (p->html && (err = html__add_event(p->html, e)))
		return fail(p, err, p->html_file, p->o.html_path);
	if (p->stacks && (err = offcpu_stacks__feed(p->stacks, e)))
		return fail(p, err, NULL, NULL);
	return p->err;
}

/* The report's text form, for the top of the HTML page. */
static char *summary_text(const struct sl_result *r, const struct sl_trace_info *ti)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	report__text(f, r, ti, NULL);
	fclose(f);
	return buf;
}

/* The off-CPU stacks: in the text report, and the folded file. */
static int finish_stacks(struct presenter *p, const struct sl_trace_info *ti, FILE *out)
{
	__u32 n;
	__u64 unfinished;
	const struct sl_stack_row *rows = offcpu_stacks__rows(p->stacks, &n);
	int err = 0;

	unfinished = offcpu_stacks__unfinished(p->stacks);
	if (p->o.format == PRESENT_TEXT && p->o.stacks)
		err = offcpu__text(out, rows, n, unfinished, ti, (int)p->o.width);
	if (!err && p->folded_file) {
		err = offcpu__write_folded(outfile__file(p->folded_file), rows, n, ti);
		err = close_output(p, p->folded_file, err, p->o.folded_path);
		p->folded_file = NULL;
	}
	return err;
}

int presenter__finish(struct presenter *p, const struct sl_trace_info *ti, FILE *out)
{
	const struct sl_stack_row *rows = NULL;
	const struct sl_result *r;
	__u32 nrows = 0;
	int err;

	err = analysis__finish(p->a, ti);
	if (err) {
		pr_err("analysis failed: %s", strerror(-err));
		return err;
	}
	r = analysis__result(p->a);
	switch (p->o.format) {
	case PRESENT_TEXT:
		err = report__text(out, r, ti, &(struct report_text_opts){
			.color = p->o.color, .threads = p->o.threads });
		break;
	case PRESENT_JSON: {
		struct report_json_extra x = { .stacks_asked = p->stacks != NULL };

		if (p->stacks) {
			x.stacks = offcpu_stacks__rows(p->stacks, &x.nr_stacks);
			x.stacks_unfinished = offcpu_stacks__unfinished(p->stacks);
		}
		err = report__json_with(out, r, ti, &x);
		break;
	}
	case PRESENT_CSV:
		if (p->csv_table_set)
			err = report__csv_table(out, p->csv_table, r, ti);
		else if (!p->csv_intervals)
			err = report__csv(out, r, ti);
		break;
	case PRESENT_NONE:
		break;
	}
	if (!err && p->stacks)
		err = finish_stacks(p, ti, out);
	for (int i = 0; i < 2 && !err; i++) {
		if (!p->tl[i])
			continue;
		if (p->o.format != PRESENT_NONE || (i == 1 && p->tl[0]))
			fputc('\n', out);
		err = timeline_ascii__print(p->tl[i], ti, out);
	}
	if (p->stacks)	/* the timelines' off-CPU stacks */
		rows = offcpu_stacks__rows(p->stacks, &nrows);
	if (p->pf) {
		int e;

		if (rows)
			perfetto__set_stacks(p->pf, rows, nrows);
		e = perfetto__close(p->pf, ti);

		p->pf = NULL;
		e = close_output(p, p->pf_file, e, p->o.perfetto_path);
		p->pf_file = NULL;
		err = err ? err : e;
	}
	if (p->html) {
		char *summary = summary_text(r, ti);
		int e;

		if (rows)
			html__set_stacks(p->html, rows, nrows);
		e = html__close(p->html, ti, summary);

		free(summary);
		p->html = NULL;
		e = close_output(p, p->html_file, e, p->o.html_path);
		p->html_file = NULL;
		err = err ? err : e;
	}
	if (!err && p->err)
		err = p->err;
	return err;
}

const struct sl_result *presenter__result(const struct presenter *p)
{
	return analysis__result(p->a);
}

void presenter__free(struct presenter *p)
{
	if (!p)
		return;
	timeline_ascii__free(p->tl[0]);
	timeline_ascii__free(p->tl[1]);
	if (p->pf)
		perfetto__close(p->pf, NULL);
	outfile__abort(p->pf_file);
	if (p->html)
		html__close(p->html, NULL, NULL);
	outfile__abort(p->html_file);
	outfile__abort(p->folded_file);
	offcpu_stacks__free(p->stacks);
	analysis__free(p->a);
	free(p);
}
