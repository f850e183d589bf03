// SPDX-License-Identifier: GPL-2.0
/* The sweep table and its SVG chart, from one struct sl_result per value. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sweep.h"
#include "report_priv.h"

static const struct sl_queue_row *main_queue(const struct sl_result *r)
{
	if (!r || r->verdict_queue < 0 || (__u32)r->verdict_queue >= r->nr_queues)
		return NULL;
	return &r->queues[r->verdict_queue];
}

static double throughput(const struct sl_result *r)
{
	const struct sl_queue_row *q = main_queue(r);

	return q ? q->throughput : 0.0;
}

int sweep__knee(const struct sl_result *const *results, int n)
{
	for (int i = 0; i + 1 < n; i++) {
		double a = throughput(results[i]), b = throughput(results[i + 1]);

		if (!results[i] || !results[i + 1] || a <= 0)
			continue;
		if ((b - a) / a < SWEEP_GAIN_THRESHOLD)
			return i;
	}
	return -1;
}

int sweep__print_table(FILE *f, const char *key, const int *values,
		       const struct sl_result *const *results, int n)
{
	int knee = sweep__knee(results, n);
	char full[16], empty[16];

	fprintf(f, "%12s %12s %7s %11s %11s %7s %7s  %s\n", key, "throughput", "gain", "parallelism",
		"concurrency", "full", "empty", "verdict");
	for (int i = 0; i < n; i++) {
		const struct sl_result *r = results[i];
		const struct sl_queue_row *q = main_queue(r);
		char gain[16] = "-", tput[24] = "-";

		if (!r) {
			fprintf(f, "%12d %12s %7s %11s %11s %7s %7s  %s\n", values[i], "-", "-", "-",
				"-", "-", "-", "run failed");
			continue;
		}
		if (q)
			snprintf(tput, sizeof(tput), "%.0f/s", q->throughput);
		if (i > 0 && results[i - 1] && throughput(results[i - 1]) > 0 && q)
			snprintf(gain, sizeof(gain), "%+.0f%%",
				 (throughput(r) / throughput(results[i - 1]) - 1.0) * 100.0);
		fprintf(f, "%12d %12s %7s %11.2f %11.2f %7s %7s  %s\n", values[i], tput, gain,
			r->parallelism, r->concurrency,
			q ? report_pct(full, sizeof(full), q->full_frac) : "-",
			q ? report_pct(empty, sizeof(empty), q->empty_frac) : "-",
			sl_verdict_name(r->verdict));
	}
	if (knee >= 0)
		fprintf(f, "adding beyond %s=%d gains less than %.0f%% throughput (%s=%d: %+.0f%%)\n",
			key, values[knee], SWEEP_GAIN_THRESHOLD * 100, key, values[knee + 1],
			(throughput(results[knee + 1]) / throughput(results[knee]) - 1.0) * 100.0);
	else if (n > 1)
		fprintf(f, "every step up to %s=%d gained at least %.0f%% throughput\n", key,
			values[n - 1], SWEEP_GAIN_THRESHOLD * 100);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* A round axis maximum: 1, 2 or 5 times a power of ten, at least v. */
static double nice_max(double v)
{
	double p;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	if (v <= p)
		return p;
	if (v <= 2 * p)
		return 2 * p;
	if (v <= 5 * p)
		return 5 * p;
	return 10 * p;
}

static void svg_text_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

#define SVG_W 640
#define SVG_H 360
#define PL 70		/* plot area: left, right, top, bottom margins */
#define PR 70
#define PT 40
#define PB 50

int sweep__write_svg(FILE *f, const char *key, const int *values,
		     const struct sl_result *const *results, int n)
{
	double tmax = 0, pmax = 0, x0, x1;
	const double pw = SVG_W - PL - PR, ph = SVG_H - PT - PB;

	if (n < 1)
		return -EINVAL;
	x0 = x1 = values[0];
	for (int i = 0; i < n; i++) {
		if (values[i] < x0)
			x0 = values[i];
		if (values[i] > x1)
			x1 = values[i];
		if (!results[i])
			continue;
		if (throughput(results[i]) > tmax)
			tmax = throughput(results[i]);
		if (results[i]->parallelism > pmax)
			pmax = results[i]->parallelism;
	}
	tmax = nice_max(tmax);
	pmax = nice_max(pmax);
	if (x1 == x0)
		x1 = x0 + 1;

#define X(v) (PL + ((v) - x0) / (x1 - x0) * pw)
#define YT(v) (PT + ph - (v) / tmax * ph)
#define YP(v) (PT + ph - (v) / pmax * ph)

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		SVG_W, SVG_H, SVG_W, SVG_H);
	fputs("<title>schedlab sweep: throughput and parallelism against ", f);
	svg_text_escaped(f, key);
	fputs("</title>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", SVG_W, SVG_H);
	fprintf(f, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">"
		"throughput and parallelism against ", SVG_W / 2);
	svg_text_escaped(f, key);
	fputs("</text>\n", f);

	/* axes and grid: 5 steps on both y axes */
	fprintf(f, "<g stroke=\"#ccc\">\n");
	for (int k = 0; k <= 5; k++) {
		double y = PT + ph - ph * k / 5;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", PL, y,
			SVG_W - PR, y);
	}
	fputs("</g>\n", f);
	fprintf(f, "<g stroke=\"black\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
		PL, PT, PL, SVG_H - PB, SVG_W - PR, PT, SVG_W - PR, SVG_H - PB,
		PL, SVG_H - PB, SVG_W - PR, SVG_H - PB);
	for (int k = 0; k <= 5; k++) {
		double y = PT + ph - ph * k / 5;

		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#1f77b4\">%.3g</text>\n",
			PL - 6, y + 4, tmax * k / 5);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#d62728\">%.3g</text>\n", SVG_W - PR + 6,
			y + 4, pmax * k / 5);
	}
	for (int i = 0; i < n; i++)
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
			X(values[i]), SVG_H - PB + 18, values[i]);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", SVG_W / 2, SVG_H - 12);
	svg_text_escaped(f, key);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"16\" y=\"%d\" fill=\"#1f77b4\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 16 %d)\">throughput (items/s)</text>\n",
		SVG_H / 2, SVG_H / 2);
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\" text-anchor=\"middle\" "
		"transform=\"rotate(90 %d %d)\">parallelism (CPUs)</text>\n",
		SVG_W - 16, SVG_H / 2, SVG_W - 16, SVG_H / 2);

	/* the two series; a failed run breaks the line */
	for (int s = 0; s < 2; s++) {
		const char *color = s ? "#d62728" : "#1f77b4";
		bool open = false;

		fprintf(f, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
			s ? "parallelism" : "throughput", color);
		for (int i = 0; i < n; i++) {
			double v;

			if (!results[i]) {
				open = false;
				continue;
			}
			v = s ? results[i]->parallelism : throughput(results[i]);
			fprintf(f, "%s%.1f %.1f ", open ? "L" : "M", X(values[i]), s ? YP(v) : YT(v));
			open = true;
		}
		fputs("\"/>\n", f);
		for (int i = 0; i < n; i++) {
			double v;

			if (!results[i])
				continue;
			v = s ? results[i]->parallelism : throughput(results[i]);
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
				"<title>%d: %.6g</title></circle>\n", X(values[i]),
				s ? YP(v) : YT(v), color, values[i], v);
		}
	}
	fprintf(f, "<g font-size=\"11\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" "
		"fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">throughput</text>"
		"<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"#d62728\"/>"
		"<text x=\"%d\" y=\"%d\">parallelism</text></g>\n",
		PL + 10, PT + 8, PL + 26, PT + 12, PL + 110, PT + 8, PL + 126, PT + 12);
	fputs("</svg>\n", f);
#undef X
#undef YT
#undef YP
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
