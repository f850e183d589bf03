// SPDX-License-Identifier: GPL-2.0
/* Number and text formatting for every report form. */
#include <stdio.h>
#include <string.h>
#include "report_priv.h"

const char *report_pct(char *buf, size_t n, double frac)
{
	snprintf(buf, n, "%.1f%%", frac * 100.0);
	return buf;
}

const char *report_count(char *buf, size_t n, __u64 v)
{
	if (v < 1000000ull)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else if (v < 999950000ull)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else
		snprintf(buf, n, "%.1fG", v / 1e9);
	return buf;
}

void report_wrap(FILE *f, const char *first_prefix, int indent, const char *text, int width)
{
	report_wrap_cols(f, first_prefix, (int)strlen(first_prefix), indent, text, width);
}

void report_wrap_cols(FILE *f, const char *first_prefix, int prefix_cols, int indent,
		      const char *text, int width)
{
	int col = prefix_cols, start = col;
	const char *p = text;

	fputs(first_prefix, f);
	while (*p == ' ')
		p++;
	while (*p) {
		const char *w = p, *sp = p;
		int len, gap;

		while (*w && *w != ' ')
			w++;
		len = (int)(w - p);
		/* the spaces before this word, kept as they are unless the line breaks */
		while (sp > text && sp[-1] == ' ')
			sp--;
		gap = (int)(p - sp);
		if (col > start) {
			if (col + gap + len > width) {
				fprintf(f, "\n%*s", indent, "");
				col = start = indent;
			} else {
				fprintf(f, "%*s", gap, "");
				col += gap;
			}
		}
		fwrite(p, 1, (size_t)len, f);
		col += len;
		p = w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void report_csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void report_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* comm is bytes, not UTF-8: escape it */
		else
			fputc(c, f);
	}
	fputc('"', f);
}
