// SPDX-License-Identifier: GPL-2.0
/*
 * The report forms: the text fits 100 columns and reads top-down, colour
 * only when asked, JSON parses (with Python's json module, an independent
 * parser) and carries the same numbers as the text and the struct, CSV
 * rows line up with their header.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "analysis/analysis_result.h"
#include "evbuild.h"
#include "output/explain.h"
#include "output/report.h"
#include "output/report_priv.h"

static struct evbuf eb;
static struct sl_trace_info ti;
static struct analysis *an;
static char *text;
static size_t text_len;

static void setup(void)
{
	memset(&eb, 0, sizeof(eb));
	memset(&ti, 0, sizeof(ti));
	an = NULL;
	text = NULL;
}

static void teardown(void)
{
	analysis__free(an);
	sl_trace_info__free(&ti);
	eb_free(&eb);
	free(text);
}

TestSuite(report, .init = setup, .fini = teardown);

/*
 * Producers and consumers with long names on ncpu CPUs: consumers are
 * preempted and migrate, producers block on a full queue.
 */
static const struct sl_result *scenario(__u32 ncpu, int nprod, int ncons)
{
	__u64 t = 1000;
	__u32 item = 0, depth = 0;

	ti_init(&ti, ncpu, 500, 2000000);
	ti.cmdline = strdup("schedlab run slow-consumer --consumers 3 --produce cpu:200us "
			    "--consume cpu:2ms --capacity 8 --queue shm --items 100000 -o /tmp/x.sltrace");
	strcpy(ti.kernel, "6.1.0-18-amd64");
	strcpy(ti.probe_mode, "tp_btf");
	ti.config = strdup("[workload]\ncapacity = 8\n");
	for (int p = 0; p < nprod + ncons; p++) {
		char name[32];
		__u32 pid = 1000 + (__u32)p;

		snprintf(name, sizeof(name), p < nprod ? "producer-%d" : "consumer-long-%d",
			 p < nprod ? p : p - nprod);
		eb_push(&eb, ev_fork(t, 0, 1, pid));
		eb_push(&eb, ev_comm(t, pid, name));
		eb_push(&eb, ev_wake_new(t, 0, 1, pid, false));
		ti_death(&ti, pid, name, 0, 0, 0, 0);	/* filled in below: no kernel check */
		sl_trace_info__task(&ti, pid)->death.valid = false;
	}
	for (int round = 0; round < 50; round++) {
		for (int p = 0; p < nprod + ncons; p++) {
			__u32 pid = 1000 + (__u32)p, cpu = (__u32)(p + round) % ncpu;
			bool prod = p < nprod;

			t += 100;
			eb_push(&eb, ev_switch(t, (__u16)cpu, 0, pid, SL_R_NONE, false, true));
			if (prod && depth < 8) {
				eb_push(&eb, ev_q(SL_EV_Q_PUSH, t + 10, (__u16)cpu, pid, 0, ++item, ++depth, 0));
			} else if (prod) {
				eb_push(&eb, ev_q(SL_EV_Q_WAIT_FULL, t + 10, (__u16)cpu, pid, 0, 0, depth, 0));
			} else if (depth) {
				eb_push(&eb, ev_q(SL_EV_Q_POP, t + 10, (__u16)cpu, pid, 0, item, --depth,
						  5000 + 100 * (__u64)round));
			}
			if (round % 7 == 3)
				eb_push(&eb, ev_migrate(t + 20, (__u16)cpu, pid, (cpu + 1) % ncpu, cpu));
			eb_push(&eb, ev_switch(t + 60, (__u16)cpu, pid, 4242,
					       prod ? SL_R_QFULL : SL_R_PREEMPTED, true, false));
			eb_push(&eb, ev_switch(t + 80, (__u16)cpu, 4242, 0, SL_R_NONE, false, false));
			if (prod)
				eb_push(&eb, ev_wake(t + 90, (__u16)cpu, 1001 + (__u32)nprod, pid, true));
		}
	}
	for (int p = 0; p < nprod + ncons; p++) {
		__u32 pid = 1000 + (__u32)p;

		t += 100;
		eb_push(&eb, ev_switch(t, 0, 0, pid, SL_R_NONE, false, true));
		eb_push(&eb, ev_switch(t + 50, 0, pid, 0, SL_R_DEAD, true, false));
	}
	cr_assert_eq(analysis__new(ncpu, &an), 0);
	/* producers wait 10 ns after each wakeup: all of them are slow wakeups */
	analysis__set_slower_than(an, 5);
	analysis__set_arch(an, ti.arch);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0);
	cr_assert_eq(analysis__finish(an, &ti), 0);
	return analysis__result(an);
}

static void render_text_opts(const struct sl_result *r, bool color, bool threads)
{
	FILE *f = open_memstream(&text, &text_len);

	cr_assert_not_null(f);
	cr_assert_eq(report__text(f, r, &ti, &(struct report_text_opts){
		.color = color, .threads = threads }), 0);
	fclose(f);
}

static void render_text(const struct sl_result *r, bool color)
{
	render_text_opts(r, color, false);
}

/* Visible width of each line: escape sequences take no columns. */
static void assert_width(const char *s, int width)
{
	int line = 1;

	while (*s) {
		int cols = 0;

		for (; *s && *s != '\n'; s++) {
			if (*s == '\033') {
				while (*s && *s != 'm')
					s++;
				continue;
			}
			cols++;
		}
		cr_assert_leq(cols, width, "line %d is %d columns wide", line, cols);
		if (*s)
			s++;
		line++;
	}
}

Test(report, text_fits_100_columns)
{
	static const __u32 ncpus[] = { 1, 2, 12, 16, 64 };

	for (size_t i = 0; i < sizeof(ncpus) / sizeof(ncpus[0]); i++) {
		const struct sl_result *r = scenario(ncpus[i], 2, 3);

		for (int color = 0; color < 4; color++) {
			render_text_opts(r, color & 1, color & 2);
			assert_width(text, REPORT_WIDTH);
			free(text);
			text = NULL;
		}
		analysis__free(an);
		an = NULL;
		sl_trace_info__free(&ti);
		eb_free(&eb);
	}
}

Test(report, colour_only_when_asked)
{
	const struct sl_result *r = scenario(2, 1, 2);

	render_text(r, false);
	cr_assert_null(strchr(text, '\033'), "no escape without colour");
	free(text);
	render_text(r, true);
	cr_assert_not_null(strstr(text, "\033[1m"));
	cr_assert_not_null(strstr(text, "\033[0m"));
}

Test(report, text_reads_top_down_with_units)
{
	const struct sl_result *r = scenario(2, 1, 2);
	const char *order[] = {
		"SUMMARY", "concurrency", "parallelism", "multiprogramming", "CPU USE", "ROLES",
		"PROCESSES", "WAKEUPS", "QUEUE 0", "verdict", "kernel cross-check", "lost records",
	};
	const char *at = NULL;
	char want[160], note[EXPLAIN_LEN];

	render_text(r, false);
	at = text;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *p = strstr(at, order[i]);

		cr_assert_not_null(p, "'%s' missing or out of order", order[i]);
		at = p;
	}
	/* the summary's numbers, with their units */
	snprintf(want, sizeof(want), "concurrency        %.2f tasks", r->concurrency);
	cr_assert_not_null(strstr(text, want), "%s", want);
	snprintf(want, sizeof(want), "parallelism        %.2f CPUs", r->parallelism);
	cr_assert_not_null(strstr(text, want), "%s", want);
	snprintf(want, sizeof(want), "multiprogramming   %.2f tasks", r->multiprogramming);
	cr_assert_not_null(strstr(text, want), "%s", want);
	explain__concurrency(r, note, sizeof(note));
	snprintf(want, sizeof(want), "%.40s", note);	/* before any wrap */
	cr_assert_not_null(strstr(text, want), "%s", want);
	snprintf(want, sizeof(want), "%.0f items/s", r->queues[0].throughput);
	cr_assert_not_null(strstr(text, want), "%s", want);
	cr_assert_not_null(strstr(text, "consumer-long-0"));
	cr_assert_not_null(strstr(text, "consumer-long"), "the role");
	cr_assert_not_null(strstr(text, explain__lost(r, note, sizeof(note))));
	/* the run's verdict up front, in the summary */
	{
		char label[24];
		size_t i;
		const char *v = strstr(text, "  verdict           "), *cpu = strstr(text, "CPU USE");

		for (i = 0; sl_verdict_name(r->verdict)[i] && i + 1 < sizeof(label); i++)
			label[i] = (char)toupper(sl_verdict_name(r->verdict)[i]);
		label[i] = '\0';
		snprintf(want, sizeof(want), "  verdict           %s on queue 0: ", label);
		cr_assert_not_null(v, "no verdict in the summary");
		cr_assert(v < cpu, "the verdict comes before CPU USE");
		cr_assert_eq(strncmp(v, want, strlen(want)), 0, "%.80s", v);
	}
}

/* Runs python3 on the JSON and returns its stdout (what the script printed). */
static char *python_on(const char *json, const char *script)
{
	char path[] = "/tmp/sl-report-XXXXXX", cmd[4096], *out = NULL;
	size_t len = 0;
	FILE *f, *p, *o;
	int fd = mkstemp(path), c;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -c '%s' %s", script, path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	o = open_memstream(&out, &len);
	while ((c = fgetc(p)) != EOF)
		fputc(c, o);
	fclose(o);
	cr_assert_eq(pclose(p), 0, "python3 failed on the JSON:\n%s", out);
	unlink(path);
	return out;
}

Test(report, json_parses_and_has_the_same_numbers)
{
	const struct sl_result *r = scenario(2, 2, 3);
	char *json = NULL, *out, want[4096], line[EXPLAIN_LEN];
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);
	const struct sl_task_row *t = &r->tasks[3];
	const struct sl_queue_row *q = &r->queues[0];

	cr_assert_eq(report__json(f, r, &ti), 0);
	fclose(f);
	out = python_on(json,
		"import json,sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"s = d[\"summary\"]\n"
		"t = d[\"tasks\"][3]\n"
		"q = d[\"queues\"][0]\n"
		"print(d[\"schema_version\"], d[\"trace\"][\"ncpu\"], d[\"window\"][\"wall_ns\"])\n"
		"print(\"%.9g %.9g %.9g\" % (s[\"parallelism\"][\"average\"], "
		"s[\"concurrency\"][\"average\"], s[\"multiprogramming\"][\"average\"]))\n"
		"print(sum(s[\"parallelism\"][\"level_ns\"]), len(s[\"parallelism\"][\"level_ns\"]))\n"
		"print(t[\"pid\"], t[\"comm\"], t[\"on_cpu_ns\"], t[\"involuntary\"], t[\"migrations\"], "
		"t[\"state_ns\"][\"queue-full\"], t[\"role\"])\n"
		"print(q[\"pops\"], q[\"capacity\"], q[\"capacity_source\"], \"%.9g\" % q[\"throughput_per_s\"], "
		"q[\"delay\"][\"p50_ns\"], q[\"verdict\"])\n"
		"print(d[\"verdict\"][\"verdict\"], d[\"crosscheck\"][\"line\"])\n"
		"print(d[\"migrations\"][\"count\"], d[\"migrations\"][\"matrix\"][0][1], "
		"d[\"wakeups\"][\"count\"], sum(b[2] for b in d[\"wakeups\"][\"histogram\"]))\n"
		"print(\"%.2f\" % s[\"parallelism\"][\"average\"])\n");
	snprintf(want, sizeof(want),
		 "%d %u %llu\n%.9g %.9g %.9g\n%llu %u\n%u %s %llu %llu %llu %llu %s\n"
		 "%llu %u config %.9g %llu %s\n%s %s\n%llu %llu %llu %llu\n%.2f\n",
		 REPORT_JSON_SCHEMA_VERSION, r->ncpu, (unsigned long long)r->wall_ns,
		 r->parallelism, r->concurrency, r->multiprogramming,
		 (unsigned long long)r->wall_ns, r->ncpu + 1,
		 t->pid, t->comm, (unsigned long long)t->on_cpu_ns,
		 (unsigned long long)t->invol_switches, (unsigned long long)t->migrations,
		 (unsigned long long)t->state_ns[SL_TS_QFULL], r->roles[t->role].name,
		 (unsigned long long)q->pops, q->capacity, q->throughput,
		 (unsigned long long)q->delay.p50, sl_verdict_name(q->verdict),
		 sl_verdict_name(r->verdict), explain__crosscheck(r, line, sizeof(line)),
		 (unsigned long long)r->migrations, (unsigned long long)r->mig_matrix[1],
		 (unsigned long long)r->wakeups, (unsigned long long)r->rq_latency.count,
		 r->parallelism);
	cr_assert_str_eq(out, want);

	/* the text shows the very same numbers */
	render_text(r, false);
	{
		char p2[32];
		const char *last = strrchr(out, '\n');

		while (last > out && last[-1] != '\n')
			last--;
		snprintf(p2, sizeof(p2), "%.*s CPUs", (int)(strlen(last) - 1), last);
		cr_assert_not_null(strstr(text, p2), "text lacks '%s'", p2);
	}
	free(out);
	free(json);
}

/* Per-process and per-thread latency, the slow list, the process rows: JSON = result = text. */
Test(report, json_processes_and_latency)
{
	const struct sl_result *r = scenario(2, 2, 3);
	const struct sl_task_row *t = &r->tasks[0];
	const struct sl_proc_row *p = &r->procs[t->proc];
	char *json = NULL, *out, want[1024];
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);

	/*
	 * producer-0 runs 100 ns after its fork's wakeup, then, 50 times, 410
	 * ns after a consumer woke it (the other four tasks run in between)
	 */
	cr_assert_eq(t->rq_latency.count, 51);
	cr_assert_eq(t->rq_latency.min, 100);
	cr_assert_eq(t->rq_latency.p50, 410);
	cr_assert_eq(t->rq_latency.p99, 410);
	cr_assert_eq(p->rq_latency.p99, 410);
	/* all but the first wakeup took longer than 5 ns: 2 x 51 + 3 consumers' first */
	cr_assert_eq(r->nr_slow_total, 105);
	cr_assert_eq(r->nr_slow, 105);
	cr_assert_eq(r->slow[0].latency_ns, 100);
	cr_assert_eq(r->slow[r->nr_slow - 1].latency_ns, 410);
	cr_assert_eq(r->nr_procs, 5);
	cr_assert_eq(report__json(f, r, &ti), 0);
	fclose(f);
	out = python_on(json,
		"import json,sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"t = d[\"tasks\"][0]\n"
		"p = d[\"processes\"][t[\"process\"]]\n"
		"s = d[\"slow_wakeups\"]\n"
		"print(len(d[\"processes\"]), p[\"pid\"], p[\"threads\"], p[\"tasks\"], "
		"p[\"run_queue_latency\"][\"p99_ns\"], t[\"run_queue_latency\"][\"p50_ns\"])\n"
		"print(s[\"threshold_ns\"], s[\"count\"], len(s[\"wakeups\"]), "
		"s[\"wakeups\"][-1][\"latency_ns\"], s[\"wakeups\"][-1][\"task\"][\"pid\"], "
		"s[\"wakeups\"][-1][\"waker\"][\"pid\"])\n"
		"print(sum(d[\"wakeups\"][\"histogram_log2_us\"]), len(d[\"process_tree\"]))\n");
	snprintf(want, sizeof(want), "5 %u 1 [0] 410 410\n5 105 105 410 %u %u\n%llu 5\n", p->tgid,
		 r->tasks[r->slow[r->nr_slow - 1].task].pid,
		 r->tasks[r->slow[r->nr_slow - 1].waker].pid,
		 (unsigned long long)r->rq_latency.count);
	cr_assert_str_eq(out, want);
	free(out);
	free(json);

	render_text_opts(r, false, true);
	cr_assert_not_null(strstr(text, "105 wakeups waited longer than 5ns"), "%s", text);
	cr_assert_not_null(strstr(text, "run-queue latency per process"));
	cr_assert_not_null(strstr(text, "run-queue latency per thread"));
	cr_assert_not_null(strstr(text, "THREADS (by process)"));
}

Test(report, json_escapes_strings)
{
	const struct sl_result *r;
	char *json = NULL, *out;
	size_t len = 0;
	FILE *f;

	eb_push(&eb, ev_comm(1000, 10, "a\"b\\c\td"));
	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(2000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 1000, 3000);
	ti.cmdline = strdup("it's \"quoted\"\n");
	cr_assert_eq(analysis__new(1, &an), 0);
	analysis__set_arch(an, ti.arch);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0);
	cr_assert_eq(analysis__finish(an, &ti), 0);
	r = analysis__result(an);
	f = open_memstream(&json, &len);
	cr_assert_eq(report__json(f, r, &ti), 0);
	fclose(f);
	out = python_on(json, "import json,sys\n"
			      "d = json.load(open(sys.argv[1]))\n"
			      "print(repr(d[\"tasks\"][0][\"comm\"]), repr(d[\"trace\"][\"cmdline\"]), "
			      "d[\"queues\"], d[\"verdict\"][\"verdict\"])\n");
	cr_assert_str_eq(out, "'a\"b\\\\c\\td' 'it\\'s \"quoted\"\\n' [] none\n");
	free(out);
	free(json);
}

static int count_fields(const char *line)
{
	int n = 1;
	bool quoted = false;

	for (; *line && *line != '\n'; line++) {
		if (*line == '"')
			quoted = !quoted;
		else if (*line == ',' && !quoted)
			n++;
	}
	return n;
}

Test(report, csv_tables_line_up)
{
	const struct sl_result *r = scenario(2, 2, 3);

	/* intervals are streamed while the analysis runs: csv_intervals_stream */
	for (int t = 0; t < REPORT_CSV_INTERVALS; t++) {
		char *csv = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&csv, &len);
		int cols, rows = 0;

		cr_assert_eq(report__csv_table(f, (enum report_csv_table)t, r, &ti), 0);
		fclose(f);
		cols = count_fields(csv);
		cr_assert_gt(cols, 1, "table %d", t);
		for (const char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			cr_assert_eq(count_fields(p + 1), cols, "table %d row %d", t, rows);
			rows++;
		}
		if (t == REPORT_CSV_TASKS)
			cr_assert_eq(rows, (int)r->nr_tasks);
		if (t == REPORT_CSV_CPUS)
			cr_assert_eq(rows, (int)r->ncpu);
		if (t == REPORT_CSV_QUEUES)
			cr_assert_eq(rows, 1);
		free(csv);
	}
}

Test(report, csv_tasks_have_the_same_numbers)
{
	const struct sl_result *r = scenario(2, 1, 2);
	char *csv = NULL, *out, want[512];
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	enum report_csv_table tbl;

	cr_assert_eq(report__csv(f, r, &ti), 0);
	fclose(f);
	out = python_on(csv, "import csv,sys\n"
			     "rows = list(csv.DictReader(open(sys.argv[1])))\n"
			     "print(len(rows), rows[1][\"pid\"], rows[1][\"comm\"], rows[1][\"on_cpu_ns\"], "
			     "rows[1][\"involuntary\"], rows[1][\"queue_empty_ns\"], rows[1][\"role\"])\n");
	snprintf(want, sizeof(want), "%u %u %s %llu %llu %llu %s\n", r->nr_tasks, r->tasks[1].pid,
		 r->tasks[1].comm, (unsigned long long)r->tasks[1].on_cpu_ns,
		 (unsigned long long)r->tasks[1].invol_switches,
		 (unsigned long long)r->tasks[1].state_ns[SL_TS_QEMPTY],
		 r->roles[r->tasks[1].role].name);
	cr_assert_str_eq(out, want);
	free(out);
	free(csv);
	cr_assert_eq(report__csv_table_parse("queues", &tbl), 0);
	cr_assert_eq(tbl, REPORT_CSV_QUEUES);
	cr_assert_eq(report__csv_table_parse("nope", &tbl), -EINVAL);
}

/* The scheduling class of each task, empty where it was never seen. */
Test(report, csv_tasks_have_their_scheduling_class)
{
	struct sl_result *r = (struct sl_result *)scenario(2, 1, 2);
	char *csv = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);

	r->tasks[0].attr = (struct sl_sched_attr){ 0 };
	r->tasks[1].attr = (struct sl_sched_attr){ .known = true, .policy = 1, .rt_priority = 10,
						   .cgroup_id = 77 };
	r->tasks[2].attr = (struct sl_sched_attr){ .known = true, .nice = -5 };
	cr_assert_eq(report__csv(f, r, &ti), 0);
	fclose(f);
	out = python_on(csv, "import csv,sys\n"
			     "rows = list(csv.DictReader(open(sys.argv[1])))\n"
			     "for r in rows[:3]: print(r[\"policy\"], r[\"nice\"], r[\"rt_priority\"], "
			     "r[\"cgroup_id\"], end=\"|\")\n");
	cr_assert_str_eq(out, "   |SCHED_FIFO 0 10 77|SCHED_OTHER -5 0 |");
	free(out);
	free(csv);
}

Test(report, csv_intervals_stream)
{
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(3000, 0, 10, 500, SL_R_PREEMPTED, true, false));
	eb_push(&eb, ev_switch(4000, 0, 500, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(6000, 0, 10, 0, SL_R_DEAD, true, false));
	ti_init(&ti, 1, 1000, 7000);
	cr_assert_eq(analysis__new(1, &an), 0);
	analysis__set_arch(an, ti.arch);
	cr_assert_eq(report__csv_intervals_header(f), 0);
	analysis__on_interval(an, report__csv_interval, f);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0);
	cr_assert_eq(analysis__finish(an, &ti), 0);
	fclose(f);
	cr_assert_str_eq(csv, "kind,start_ns,end_ns,pid,cpu,state\n"
			      "task,1000,3000,10,0,running\n"
			      "cpu,1000,3000,10,0,\n"
			      "task,3000,4000,10,,runnable-preempted\n"
			      "cpu,3000,4000,other,0,\n"
			      "task,4000,6000,10,0,running\n"
			      "cpu,4000,6000,10,0,\n"
			      "cpu,6000,7000,idle,0,\n");
	free(csv);
}

/*
 * A channel is named by its object, not by the call that first blocked on
 * it: a TCP client's first wait is in connect(), its channel the data.
 */
/* A futex reads with the variable that holds it, where the trace named one. */
Test(report, a_futex_reads_with_its_variable)
{
	struct sl_wait_row w = { .kind = SL_WK_FUTEX, .obj = 0x10, .detail = SL_WD_FUTEX_PRIVATE };
	struct sl_lock_row lk = { .kind = SL_WK_FUTEX, .obj = 0x20 };
	char buf[96];

	cr_assert_str_eq(report_wait_object(buf, sizeof(buf), &w), "futex:0x10 private");
	snprintf(w.name, sizeof(w.name), "full");
	cr_assert_str_eq(report_wait_object(buf, sizeof(buf), &w), "futex:0x10 private (full)");
	snprintf(lk.name, sizeof(lk.name), "queue_lock+0x8");
	cr_assert_str_eq(report_lock_object(buf, sizeof(buf), &lk),
			 "futex:0x20 shared (queue_lock+0x8)");
}

/*
 * Forked processes share their layout: two of them hold a private futex
 * at the same address, two objects that only the process tells apart.
 */
Test(report, a_private_futex_reads_with_its_process)
{
	struct sl_wait_row w = { .kind = SL_WK_FUTEX, .obj = 0x10, .detail = SL_WD_FUTEX_PRIVATE,
				 .scope = 8150 };
	struct sl_channel_row ch = { .kind = SL_WK_FUTEX, .obj = 0x10,
				     .detail = SL_WD_FUTEX_PRIVATE, .scope = 8151 };
	struct sl_lock_row lk = { .kind = SL_WK_FUTEX, .obj = 0x20, .scope = 8150 };
	char buf[96];

	cr_assert_str_eq(report_wait_object(buf, sizeof(buf), &w), "futex:0x10 private to 8150");
	cr_assert_str_eq(report_channel_object(buf, sizeof(buf), &ch),
			 "futex:0x10 private to 8151");
	snprintf(ch.name, sizeof(ch.name), "_PyRuntime+0x1b0");
	cr_assert_str_eq(report_channel_object(buf, sizeof(buf), &ch),
			 "futex:0x10 private to 8151 (_PyRuntime+0x1b0)");
	/* a shared futex is one object in every process that maps it */
	cr_assert_str_eq(report_lock_object(buf, sizeof(buf), &lk), "futex:0x20 shared");
}

Test(report, a_socket_channel_is_named_without_connect_or_accept)
{
	struct sl_channel_row ch = { .kind = SL_WK_SOCKET, .sub = 2 /* AF_INET */, .obj = 77,
				     .detail = SL_WD_SOCK_STREAM | SL_WD_SOCK_CONNECT | SL_WD_WRITE };
	struct sl_wait_row w = { .kind = SL_WK_SOCKET, .sub = 2, .obj = 77,
				 .detail = SL_WD_SOCK_STREAM | SL_WD_SOCK_CONNECT };
	char buf[96];

	cr_assert_str_eq(report_channel_object(buf, sizeof(buf), &ch), "socket:[77] inet stream recv");
	ch.detail = SL_WD_SOCK_STREAM | SL_WD_SOCK_ACCEPT;
	cr_assert_str_eq(report_channel_object(buf, sizeof(buf), &ch), "socket:[77] inet stream recv");
	/* a task's own wait keeps its call */
	cr_assert_str_eq(report_wait_object(buf, sizeof(buf), &w), "socket:[77] inet stream connect");
}
