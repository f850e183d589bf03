// SPDX-License-Identifier: GPL-2.0
/* The sweep table and SVG from hand-made results. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis_result.h"
#include "output/sweep.h"

#define N 4

static struct sl_result res[N];
static struct sl_queue_row rows[N];
static const struct sl_result *ptrs[N];
static const int values[N] = { 1, 2, 3, 4 };

/* Throughput 1000, 1900, 2000, 2050 items/s: the gain falls below 10% after 2. */
static void setup(void)
{
	static const double tput[N] = { 1000, 1900, 2000, 2050 };
	static const double par[N] = { 0.9, 1.7, 1.9, 1.95 };
	static const enum sl_verdict v[N] = {
		SL_V_CONSUMER_BOUND, SL_V_CONSUMER_BOUND, SL_V_CPU_STARVED, SL_V_CPU_STARVED,
	};

	memset(res, 0, sizeof(res));
	memset(rows, 0, sizeof(rows));
	for (int i = 0; i < N; i++) {
		rows[i].throughput = tput[i];
		rows[i].full_frac = 0.9 - 0.2 * i;
		rows[i].empty_frac = 0.05 * i;
		rows[i].verdict = v[i];
		res[i].queues = &rows[i];
		res[i].nr_queues = 1;
		res[i].verdict_queue = 0;
		res[i].verdict = v[i];
		res[i].parallelism = par[i];
		res[i].concurrency = par[i] + 0.5;
		ptrs[i] = &res[i];
	}
}

TestSuite(sweep, .init = setup);

static char *table(int n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_eq(sweep__print_table(f, "consumers", values, ptrs, n), 0);
	fclose(f);
	return out;
}

Test(sweep, table_rows_and_knee)
{
	char *t = table(N);

	cr_assert_eq(sweep__knee(ptrs, N), 1);
	cr_assert_not_null(strstr(t, "   consumers   throughput    gain parallelism concurrency"
				     "    full   empty  verdict\n"), "%s", t);
	cr_assert_not_null(strstr(t, "           1       1000/s       -        0.90        1.40"
				     "   90.0%    0.0%  consumer-bound\n"), "%s", t);
	cr_assert_not_null(strstr(t, "           2       1900/s    +90%        1.70        2.20"
				     "   70.0%    5.0%  consumer-bound\n"), "%s", t);
	cr_assert_not_null(strstr(t, "           3       2000/s     +5%        1.90        2.40"
				     "   50.0%   10.0%  cpu-starved\n"), "%s", t);
	cr_assert_not_null(strstr(t, "adding beyond consumers=2 gains less than 10% throughput "
				     "(consumers=3: +5%)\n"), "%s", t);
	free(t);
}

Test(sweep, failed_run_and_no_knee)
{
	char *t;

	ptrs[2] = NULL;
	t = table(3);
	cr_assert_not_null(strstr(t, "           3            -       -           -           -"
				     "       -       -  run failed\n"), "%s", t);
	cr_assert_not_null(strstr(t, "every step up to consumers=3 gained at least 10%"), "%s", t);
	free(t);
}

Test(sweep, svg_is_self_contained_and_well_formed)
{
	char path[] = "/tmp/sl-sweep-XXXXXX", cmd[512], out[256] = "";
	int fd = mkstemp(path);
	FILE *f, *p;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_eq(sweep__write_svg(f, "consumers", values, ptrs, N), 0);
	fclose(f);
	/* an independent XML parser; count the series and their points */
	snprintf(cmd, sizeof(cmd), "python3 -c '"
		 "import sys, xml.etree.ElementTree as E\n"
		 "ns = \"{http://www.w3.org/2000/svg}\"\n"
		 "r = E.parse(sys.argv[1]).getroot()\n"
		 "paths = [e.get(\"class\") for e in r.iter(ns + \"path\")]\n"
		 "dots = len(list(r.iter(ns + \"circle\")))\n"
		 "txt = open(sys.argv[1]).read()\n"
		 "ext = txt.count(\"http\") - txt.count(\"http://www.w3.org/2000/svg\")\n"
		 "print(r.tag, paths, dots, ext, \"<script\" in txt)\n"
		 "' %s", path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(out, sizeof(out), p));
	cr_assert_eq(pclose(p), 0);
	cr_assert_str_eq(out, "{http://www.w3.org/2000/svg}svg ['throughput', 'parallelism'] 8 0 False\n");
	unlink(path);
}

Test(sweep, svg_needs_a_value)
{
	FILE *f = fopen("/dev/null", "w");

	cr_assert_eq(sweep__write_svg(f, "consumers", values, ptrs, 0), -EINVAL);
	fclose(f);
}
