// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "format/stacks.h"
#include "format/tracefile.h"

#define NCPU 16		/* make_events uses CPU 9: the long form */

static char path[64];

static void setup(void)
{
	int fd;

	strcpy(path, "/tmp/sl-tracefile-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

TestSuite(tracefile, .init = setup, .fini = teardown);

/* One event of every type, with awkward values. */
static int make_events(struct sl_event *ev, int max)
{
	int n = 0;
	__u64 ts = 5000000000ull;

	for (int type = SL_EV_SWITCH; type < SL_EV_TYPE_MAX && n < max; type++) {
		struct sl_event *e = &ev[n++];

		memset(e, 0, sizeof(*e));
		ts += (__u64)type * 977;
		e->ts = ts;
		e->type = (__u8)type;
		e->cpu = (__u16)(type % 3 == 0 ? 9 : type % 2);	/* CPU 9 takes the long form */
		e->pid = 4000000u + (__u32)type;
		e->flags = (__u8)(0x35 + type);
		switch (type) {
		case SL_EV_SWITCH:
			e->sw.next = 0;
			e->sw.nr_syscall = SL_NO_SYSCALL;
			e->sw.state = 0x102;
			e->sw.prev_runtime = 123456789012345ull;
			break;
		case SL_EV_COMM:
		case SL_EV_CPU_OCC:
			memcpy(e->comm.comm, "consumer-15xyz", 14);
			break;
		case SL_EV_ARGV:
			memcpy(e->argv.text, "/usr/bin/python3", 16);	/* full: no NUL */
			break;
		case SL_EV_EXIT:
			e->exit.tgid = e->pid;
			e->exit.exit_code = -9;
			break;
		case SL_EV_MIGRATE:
			e->mig.orig_cpu = 11;
			e->mig.dest_cpu = 1;
			break;
		case SL_EV_ENQUEUED:
			break;	/* no payload: none is kept */
		case SL_EV_KSTAT:
			e->kstat.nvcsw = 0xffffffffu;
			e->kstat.nr_migrations = 1ull << 40;
			break;
		default:
			e->wk.wakee = 77;	/* overlaps the first payload word of each kind */
			e->wk.target_cpu = 1;
			e->wk.wakee_tgid = e->type == SL_EV_WAKING ? 77 : 0;
			break;
		}
	}
	return n;
}

static void write_trace(const struct sl_event *ev, int n, struct sl_trace_info *ti)
{
	struct tracefile_writer *w;

	cr_assert_eq(tracefile__create(path, ti, &w), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(tracefile__write(w, &ev[i]), 0);
	cr_assert_eq(tracefile__finish(w, ti), 0);
}

static void fill_info(struct sl_trace_info *ti, struct sl_cpu_stats *cpus)
{
	struct sl_task_info *t;

	memset(ti, 0, sizeof(*ti));
	ti->ncpu = NCPU;
	ti->start_ts = 100;
	ti->end_ts = 900000;
	strcpy(ti->kernel, "6.1.0-test");
	strcpy(ti->probe_mode, "tp_btf");
	ti->arch = SL_ARCH_ARM64;
	ti->cmdline = strdup("perf bench sched pipe");
	ti->config = strdup("[workload]\ncapacity = 8\n");
	ti->cpus = cpus;
	cpus[0].lost = 3;
	cpus[1].idle_ns = 42;
	t = sl_trace_info__add_task(ti, 1234);
	strcpy(t->comm, "producer-0");
	t->proc.valid = true;
	t->proc.nvcsw = 17;
	t->proc.sum_exec_runtime_ns = 99;
	t->proc.sched_info = true;
	t->proc.run_delay_ns = 123456789;
	t->proc.pcount = 18;
	t->death.delay = true;
	t->death.blkio_delay_ns = 4242;
	t->exit_status = 9;
	ti->flags = SL_TRACEF_DELAYACCT;
	ti->nr_foreign = 2;
	ti->foreign[0] = (struct sl_foreign_task){ .pid = 70, .tgid = 1, .comm = "agent-worker",
						   .ns = 123456789 };
	ti->foreign[1] = (struct sl_foreign_task){ .pid = 9999, .tgid = 9999, .comm = "sl-hog",
						   .ns = 42 };
}

Test(tracefile, every_event_type_round_trips)
{
	struct sl_event ev[32], got;
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	char err[128];
	int n = make_events(ev, 32), i = 0, ret;

	fill_info(&ti, cpus);
	write_trace(ev, n, &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	while ((ret = tracefile__next(r, &got)) == 1) {
		cr_assert_lt(i, n);
		cr_assert_eq(memcmp(&got, &ev[i], sizeof(got)), 0, "event %d (%s) differs", i,
			     sl_event_type_name(ev[i].type));
		i++;
	}
	cr_assert_eq(ret, 0, "%s", tracefile__error(r));
	cr_assert_eq(i, n);
	cr_assert_eq(back.ncpu, NCPU);
	cr_assert_null(tracefile__warning(r));
	cr_assert_eq(back.end_ts, 900000);
	cr_assert_eq(back.nr_events, (__u64)n);
	cr_assert_str_eq(back.kernel, "6.1.0-test");
	cr_assert_str_eq(back.cmdline, "perf bench sched pipe");
	cr_assert_str_eq(back.config, "[workload]\ncapacity = 8\n");
	cr_assert_eq(back.cpus[0].lost, 3);
	cr_assert_eq(back.cpus[1].idle_ns, 42);
	cr_assert_eq(sl_trace_info__lost(&back), 3);
	cr_assert_eq(back.nr_tasks, 1);
	cr_assert_str_eq(back.tasks[0].comm, "producer-0");
	cr_assert(back.tasks[0].proc.valid);
	cr_assert_eq(back.tasks[0].proc.nvcsw, 17);
	cr_assert(back.tasks[0].proc.sched_info);
	cr_assert_eq(back.tasks[0].proc.run_delay_ns, 123456789);
	cr_assert_eq(back.tasks[0].proc.pcount, 18);
	cr_assert(!back.tasks[0].proc.delay);
	cr_assert(back.tasks[0].death.delay);
	cr_assert(!back.tasks[0].death.valid);
	cr_assert_eq(back.tasks[0].death.blkio_delay_ns, 4242);
	cr_assert_eq(back.flags, SL_TRACEF_DELAYACCT);
	cr_assert_eq(back.tasks[0].exit_status, 9);
	/* the untraced programs that held CPUs */
	cr_assert_eq(back.nr_foreign, 2);
	cr_assert_eq(back.foreign[0].pid, 70);
	cr_assert_eq(back.foreign[0].tgid, 1);
	cr_assert_str_eq(back.foreign[0].comm, "agent-worker");
	cr_assert_eq(back.foreign[0].ns, 123456789);
	cr_assert_str_eq(back.foreign[1].comm, "sl-hog");
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* Many blocks, and the size the design promises: <= 16 bytes an event. */
/*
 * An enqueued record sent at the switch-in carries how long before it the
 * enqueue came; one of an older build (no flag) carries nothing.
 */
Test(tracefile, an_enqueue_keeps_its_time_only_when_flagged)
{
	struct sl_event ev[2] = {
		{ .ts = 7000000, .type = SL_EV_ENQUEUED, .flags = SL_ENQF_BEFORE, .cpu = 1,
		  .pid = 42, .enq.before_ns = 21345 },
		{ .ts = 7100000, .type = SL_EV_ENQUEUED, .cpu = 0, .pid = 43 },
	}, got;
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	char err[128];

	fill_info(&ti, cpus);
	write_trace(ev, 2, &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tracefile__next(r, &got), 1);
	cr_assert_eq(got.flags, SL_ENQF_BEFORE);
	cr_assert_eq(got.enq.before_ns, 21345);
	cr_assert_eq(tracefile__next(r, &got), 1);
	cr_assert_eq(got.flags, 0);
	cr_assert_eq(got.enq.before_ns, 0);
	cr_assert_eq(got.pid, 43);
	cr_assert_eq(tracefile__next(r, &got), 0, "%s", tracefile__error(r));
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

Test(tracefile, many_blocks_and_compact)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct tracefile_writer *w;
	struct tracefile_reader *r;
	struct sl_trace_info ti, back;
	struct sl_event e = { 0 }, got;
	const int n = 300000;
	char err[128];
	long size;
	FILE *f;
	int count = 0;

	fill_info(&ti, cpus);
	cr_assert_eq(tracefile__create(path, &ti, &w), 0);
	for (int i = 0; i < n; i++) {
		e.ts = 1000000000ull + (__u64)i * 2500;
		e.cpu = i & 1;
		if (i % 2) {
			e.type = SL_EV_SWITCH;
			e.flags = SL_SWF_PREV_TRACKED | SL_SWF_VOLUNTARY | SL_R_SLEEP;
			e.pid = 210000 + (i & 3);
			e.sw.next = 0;
			e.sw.nr_syscall = 0;
			e.sw.state = 1;
			e.sw.prev_runtime = 1000000ull * (__u64)i;
		} else {
			e.type = SL_EV_WAKING;
			e.flags = SL_WKF_WAKEE_TRACKED;
			e.pid = 210001;
			memset(&e.wk, 0, sizeof(e.wk));
			e.wk.wakee = 210002;
			e.wk.target_cpu = 1;
			e.wk.wakee_tgid = 210002;
		}
		cr_assert_eq(tracefile__write(w, &e), 0);
	}
	cr_assert_eq(tracefile__finish(w, &ti), 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	cr_expect_leq((double)size / n, 16.0, "%.2f bytes per event", (double)size / n);

	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	while (tracefile__next(r, &got) == 1)
		count++;
	cr_assert_eq(count, n);
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* Arrays, not pointers: Criterion copies parameters into its workers. */
struct bad_file {
	char what[24];
	long keep;		/* bytes of a good trace to keep; -1 = write `bytes` */
	char bytes[32];
	char error[32];		/* expected start of the message */
};

static struct bad_file bad_files[] = {
	{ "empty", -1, "", "empty" },
	{ "foreign", -1, "#!/bin/sh\necho hello\n", "not a schedlab trace" },
	{ "header cut", 20, "", "truncated" },
};

ParameterizedTestParameters(tracefile, rejects_bad_files)
{
	return cr_make_param_array(struct bad_file, bad_files, sizeof(bad_files) / sizeof(bad_files[0]));
}

ParameterizedTest(struct bad_file *b, tracefile, rejects_bad_files)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r = NULL;
	struct sl_event ev[32];
	char err[128] = "";

	if (b->keep == -1) {
		FILE *f = fopen(path, "wb");

		fputs(b->bytes, f);
		fclose(f);
	} else {
		long size;
		FILE *f;

		fill_info(&ti, cpus);
		write_trace(ev, make_events(ev, 32), &ti);
		ti.cpus = NULL;
		sl_trace_info__free(&ti);
		f = fopen(path, "rb");
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fclose(f);
		cr_assert_eq(truncate(path, b->keep == -2 ? size - 1 : b->keep), 0);
	}
	cr_assert_neq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s accepted", b->what);
	cr_assert_null(r);
	cr_assert_eq(strncmp(err, b->error, strlen(b->error)), 0, "%s: got '%s'", b->what, err);
	cr_assert_null(strchr(err, '\n'), "error is one line");
}

/* A flipped byte inside an event block is caught, not decoded into garbage. */
Test(tracefile, corrupt_block_is_an_error)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[32], got;
	char err[128];
	long events_at;
	FILE *f;
	int ret;

	fill_info(&ti, cpus);
	write_trace(ev, make_events(ev, 32), &ti);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0);
	tracefile__close(r);
	/* header: 8 + 4 + 4 + 8 + 8 + 65 + 16 + arch 4 + (4 + cmdline) + (4 + config) */
	events_at = 8 + 4 + 4 + 8 + 8 + 65 + 16 + 4 + 4 + (long)strlen(back.cmdline) + 4 +
		    (long)strlen(back.config);
	sl_trace_info__free(&back);
	f = fopen(path, "r+b");
	fseek(f, events_at, SEEK_SET);
	fputc('X', f);		/* the block magic */
	fclose(f);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0);
	ret = tracefile__next(r, &got);
	cr_assert_lt(ret, 0);
	cr_assert_neq(strstr(tracefile__error(r), "corrupt"), NULL);
	tracefile__close(r);
	sl_trace_info__free(&back);
}

static long file_size(void)
{
	FILE *f = fopen(path, "rb");
	long size;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	return size;
}

static void patch(long at, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "r+b");

	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, at, SEEK_SET), 0);
	cr_assert_eq(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

static long footer_at(void)
{
	unsigned char b[8];
	FILE *f = fopen(path, "rb");
	long at = 0;

	fseek(f, -16, SEEK_END);
	cr_assert_eq(fread(b, 1, 8, f), 8);
	fclose(f);
	for (int i = 7; i >= 0; i--)
		at = at << 8 | b[i];
	return at;
}

static void write_good_trace(void)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti;
	struct sl_event ev[32];

	fill_info(&ti, cpus);
	write_trace(ev, make_events(ev, 32), &ti);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* Opens and reads every event; returns the error text, or "" when all is well. */
static const char *read_all(char *buf, size_t len, int *events)
{
	struct sl_trace_info back;
	struct tracefile_reader *r;
	struct sl_event got;
	int ret;

	*events = 0;
	buf[0] = '\0';
	if (tracefile__open(path, &back, &r, buf, len))
		return buf;
	while ((ret = tracefile__next(r, &got)) == 1)
		(*events)++;
	if (ret < 0)
		snprintf(buf, len, "%s", tracefile__error(r));
	tracefile__close(r);
	sl_trace_info__free(&back);
	return buf;
}

struct crafted {
	char what[40];
	int where;		/* 0: header, 1: footer (offset from the footer) */
	long at;
	unsigned char bytes[8];
	int n;
	char error[48];
};

/* footer: magic, end, events, late, misses, flags (version 3), ncpu, per CPU 40 bytes */
static struct crafted crafted[] = {
	{ "257 CPUs", 0, 12, { 0x01, 0x01, 0, 0 }, 4, "corrupt trace: the header says 257" },
	{ "65536 CPUs", 0, 12, { 0, 0, 1, 0 }, 4, "corrupt trace: the header says 65536" },
	{ "no CPU", 0, 12, { 0, 0, 0, 0 }, 4, "corrupt trace" },
	{ "lost 2^64-1", 1, 44, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8, "corrupt trace: per-CPU" },
	{ "misses 2^63", 1, 28, { 0, 0, 0, 0, 0, 0, 0, 0x80 }, 8, "corrupt trace: footer counts" },
	{ "event count off", 1, 12, { 1, 0, 0, 0, 0, 0, 0, 0 }, 8, "corrupt trace: the footer counts 1 events" },
	{ "task count 2^22", 1, 44 + NCPU * 40, { 0, 0, 0x40, 0 }, 4, "corrupt trace: bad task count" },
	{ "footer ncpu", 1, 40, { 3, 0, 0, 0 }, 4, "corrupt trace: footer and header" },
	{ "end before start", 1, 4, { 0, 0, 0, 0, 0, 0, 0, 0 }, 8, "corrupt trace: footer ends" },
};

ParameterizedTestParameters(tracefile, refuses_crafted_values)
{
	return cr_make_param_array(struct crafted, crafted, sizeof(crafted) / sizeof(crafted[0]));
}

/* Every value read from the file is bounded: one line, "corrupt trace: ...". */
ParameterizedTest(struct crafted *c, tracefile, refuses_crafted_values)
{
	char err[256];
	int events;

	write_good_trace();
	patch(c->where ? footer_at() + c->at : c->at, c->bytes, (size_t)c->n);
	read_all(err, sizeof(err), &events);
	cr_assert_eq(strncmp(err, c->error, strlen(c->error)), 0, "%s: got '%s'", c->what, err);
	cr_assert_null(strchr(err, '\n'));
}

/* Events are checked against the header: CPU numbers, time order, reasons. */
Test(tracefile, refuses_impossible_events)
{
	static const struct { const char *what; int field; __u64 v; const char *error; } cases[] = {
		{ "cpu", 0, NCPU, "event on a CPU beyond" },
		{ "time back", 1, 0, "event earlier than" },
		{ "migrate to", 2, NCPU + 5, "migration to or from" },
		{ "reason", 3, 15, "unknown switch reason" },
		{ "wake target", 4, 70000, "wakeup onto a CPU" },
		{ "queue depth", 5, 1u << 31, "queue depth beyond" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_cpu_stats cpus[NCPU] = { 0 };
		struct sl_trace_info ti;
		struct sl_event ev[3] = { 0 };
		char err[256];
		int events;

		for (int j = 0; j < 3; j++) {
			ev[j].ts = 1000 + (__u64)j * 10;
			ev[j].type = SL_EV_MIGRATE;
			ev[j].pid = 7;
			ev[j].mig.dest_cpu = 1;
		}
		switch (cases[i].field) {
		case 0: ev[1].cpu = (__u16)cases[i].v; break;
		case 1: ev[2].ts = cases[i].v; break;
		case 2: ev[1].mig.dest_cpu = (__u32)cases[i].v; break;
		case 3:
			ev[1].type = SL_EV_SWITCH;
			ev[1].flags = (__u8)cases[i].v;
			break;
		case 4:
			ev[1].type = SL_EV_WAKING;
			ev[1].wk.target_cpu = (__u32)cases[i].v;
			break;
		case 5:
			ev[1].type = SL_EV_Q_PUSH;
			ev[1].q.depth = (__u32)cases[i].v;
			break;
		}
		fill_info(&ti, cpus);
		write_trace(ev, 3, &ti);
		ti.cpus = NULL;
		sl_trace_info__free(&ti);
		read_all(err, sizeof(err), &events);
		cr_assert_neq(strstr(err, cases[i].error), NULL, "%s: got '%s'", cases[i].what, err);
		cr_assert_eq(strncmp(err, "corrupt trace: ", 15), 0);
	}
}

/*
 * A trace cut anywhere is read up to its last complete block, with a
 * warning; a cut inside the header is refused.  Every cut point of a
 * three-block trace is tried.
 */
Test(tracefile, cut_anywhere_reads_complete_blocks)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct tracefile_writer *w;
	struct sl_trace_info ti;
	struct sl_event e = { .type = SL_EV_MIGRATE, .pid = 3 };
	long size, block_end[3];
	int per_block = 100, nblocks = 0;

	fill_info(&ti, cpus);
	cr_assert_eq(tracefile__create(path, &ti, &w), 0);
	for (int b = 0; b < 3; b++) {
		for (int i = 0; i < per_block; i++) {
			e.ts = 1000 + (__u64)(b * per_block + i);
			cr_assert_eq(tracefile__write(w, &e), 0);
		}
		cr_assert_eq(tracefile__flush(w), 0);	/* one block each */
		block_end[nblocks++] = file_size();
	}
	cr_assert_eq(tracefile__finish(w, &ti), 0);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
	size = file_size();
	{
		char *copy = malloc((size_t)size);
		FILE *f = fopen(path, "rb");

		cr_assert_eq(fread(copy, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		for (long cut = size - 1; cut > 0; cut -= cut > block_end[2] ? 3 : 7) {
			struct sl_trace_info back;
			struct tracefile_reader *r;
			struct sl_event got;
			char err[256];
			int want = 0, n = 0, ret;

			f = fopen(path, "wb");
			fwrite(copy, 1, (size_t)cut, f);
			fclose(f);
			for (int b = 0; b < 3; b++)
				want += cut >= block_end[b] ? per_block : 0;
			ret = tracefile__open(path, &back, &r, err, sizeof(err));
			if (ret) {
				cr_assert(!strncmp(err, "truncated: header", 17) || !strncmp(err, "empty", 5),
					  "cut %ld: %s", cut, err);
				cr_assert_lt(cut, block_end[0] - per_block * 4);
				continue;
			}
			cr_assert_not_null(tracefile__warning(r), "cut %ld: no warning", cut);
			cr_assert_null(strchr(tracefile__warning(r), '\n'));
			cr_assert_eq(back.nr_events, (__u64)want, "cut %ld", cut);
			while ((ret = tracefile__next(r, &got)) == 1)
				n++;
			cr_assert_eq(ret, 0, "cut %ld: %s", cut, tracefile__error(r));
			cr_assert_eq(n, want, "cut %ld: %d events, want %d", cut, n, want);
			if (want)
				cr_assert_eq(back.end_ts, 1000 + (__u64)want - 1);
			tracefile__close(r);
			sl_trace_info__free(&back);
		}
		free(copy);
	}
}

/* What was flushed is in the file even if the writer never finishes (SIGKILL). */
Test(tracefile, flushed_blocks_survive_the_writer)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct tracefile_writer *w;
	struct sl_trace_info ti;
	struct sl_event e = { .type = SL_EV_COMM, .pid = 42 };
	pid_t pid;
	int status, events;
	char err[256];

	fill_info(&ti, cpus);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (tracefile__create(path, &ti, &w))
			_exit(1);
		for (int i = 0; i < 50; i++) {
			e.ts = 100 + (__u64)i;
			snprintf(e.comm.comm, sizeof(e.comm.comm), "c%d", i);
			tracefile__write(w, &e);
		}
		tracefile__flush(w);
		e.ts = 1000;
		tracefile__write(w, &e);	/* not flushed: lost with the writer */
		raise(SIGKILL);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status));
	read_all(err, sizeof(err), &events);
	cr_assert_str_eq(err, "");
	cr_assert_eq(events, 50);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* The optional cgroup section of the footer comes back whole. */
Test(tracefile, cgroup_paths_round_trip)
{
	struct sl_event ev[4];
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	char err[128];
	int n = make_events(ev, 4);

	fill_info(&ti, cpus);
	cr_assert_eq(sl_trace_info__add_cgroup(&ti, 1, "/"), 0);
	cr_assert_eq(sl_trace_info__add_cgroup(&ti, 4242, "/system.slice/x.scope"), 0);
	cr_assert_eq(sl_trace_info__add_cgroup(&ti, 4242, "/other"), 0);	/* known: kept */
	write_trace(ev, n, &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.nr_cgroups, 2);
	cr_assert_str_eq(sl_trace_info__cgroup_path(&back, 1), "/");
	cr_assert_str_eq(sl_trace_info__cgroup_path(&back, 4242), "/system.slice/x.scope");
	cr_assert_null(sl_trace_info__cgroup_path(&back, 7));
	cr_assert_str_eq(back.tasks[0].comm, "producer-0");
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* The hypervisor's steal during the trace comes back; a trace without has none. */
Test(tracefile, steal_round_trips)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[8];
	char err[128];

	fill_info(&ti, cpus);
	ti.steal_ns = 41000000;
	write_trace(ev, make_events(ev, 8), &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.steal_ns, 41000000);
	cr_assert_str_eq(back.tasks[0].comm, "producer-0");
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.steal_ns = 0;
	write_trace(ev, make_events(ev, 8), &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.steal_ns, 0);
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* The names of wait objects come back; a count past the bound is refused. */
Test(tracefile, object_names_round_trip)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[8];
	char err[128], big[100];
	int events;

	fill_info(&ti, cpus);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(sl_trace_info__add_obj_name(&ti, 77, 0x5600001000, "not_full+0x28"), 0);
	cr_assert_eq(sl_trace_info__add_obj_name(&ti, 78, 0x5600001000, big), 0);
	write_trace(ev, make_events(ev, 8), &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.nr_obj_names, 2);
	cr_assert_str_eq(sl_trace_info__obj_name(&back, 77, 0x5600001000), "not_full+0x28");
	cr_assert_eq(strlen(sl_trace_info__obj_name(&back, 78, 0x5600001000)), SL_OBJ_NAME_LEN - 1,
		     "cut to fit");
	cr_assert_str_eq(sl_trace_info__obj_name(&back, 0, 0x5600001000), "not_full+0x28",
			 "any process");
	cr_assert_null(sl_trace_info__obj_name(&back, 79, 0x5600001000));
	cr_assert_str_eq(back.tasks[0].comm, "producer-0");
	tracefile__close(r);
	sl_trace_info__free(&back);
	/* the section's count, after its magic, beyond SL_OBJ_NAMES_MAX */
	{
		FILE *f = fopen(path, "rb");
		long size, at = -1;
		unsigned char *buf;

		cr_assert_not_null(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		buf = malloc((size_t)size);
		fseek(f, 0, SEEK_SET);
		cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		for (long i = size - 4; i-- > 0 && at < 0;)
			if (!memcmp(buf + i, "SFON", 4))
				at = i + 4;
		free(buf);
		cr_assert_geq(at, 0, "no names section");
		patch(at, (const unsigned char *)"\x01\x10\x00\x00", 4);
	}
	read_all(err, sizeof(err), &events);
	cr_assert_eq(strncmp(err, "corrupt trace", 13), 0, "got '%s'", err);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}

/* The traced machine's architecture travels with the trace. */
Test(tracefile, the_architecture_round_trips)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[32];
	char err[128];

	fill_info(&ti, cpus);
	write_trace(ev, make_events(ev, 32), &ti);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.version, SL_TRACE_VERSION);
	cr_assert_eq(back.arch, SL_ARCH_ARM64);
	tracefile__close(r);
	sl_trace_info__free(&back);
}

/*
 * A version 1 file (no architecture in its header) is still read, as
 * x86_64's: made here from a version 2 file by taking the field out.
 */
/*
 * Rewrites the trace at path as an older version wrote it: version 2 has
 * no footer flags word and no schedstat/delay counters (3 x 24 bytes a
 * task), version 1 neither the header's arch field.  fill_info's trace
 * has one task.
 */
static void downgrade(__u32 to)
{
	const long arch_at = 8 + 4 + 4 + 8 + 8 + 65 + 16;
	char *in, *out;
	__u64 footer, nf;
	long size, o = 0, i;
	FILE *f;

	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	in = malloc((size_t)size);
	out = malloc((size_t)size);
	fseek(f, 0, SEEK_SET);
	cr_assert_eq(fread(in, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	memcpy(&footer, in + size - 16, 8);
	/* header and events, without the arch field for version 1 */
	memcpy(out, in, (size_t)arch_at);
	o = arch_at;
	i = to == 1 ? arch_at + 4 : arch_at;
	memcpy(out + o, in + i, (size_t)((long)footer - i));
	o += (long)footer - i;
	memcpy(out + 8, &to, 4);
	nf = (__u64)o;
	/* footer: counts, then no flags word */
	i = (long)footer;
	memcpy(out + o, in + i, 36);
	o += 36;
	i += 40;
	/* ncpu, the CPUs, the task count, the task's ids, name, status and flags */
	memcpy(out + o, in + i, 4 + NCPU * 40 + 4 + 36);
	o += 4 + NCPU * 40 + 4 + 36;
	i += 4 + NCPU * 40 + 4 + 36;
	for (int k = 0; k < 3; k++) {	/* proc, death, base: valid + four u64 only */
		memcpy(out + o, in + i, 36);
		o += 36;
		i += 36 + 24;
	}
	memcpy(out + o, in + i, (size_t)(size - 16 - i));
	o += size - 16 - i;
	memcpy(out + o, &nf, 8);
	memcpy(out + o + 8, in + size - 8, 8);
	o += 16;
	f = fopen(path, "wb");
	cr_assert_eq(fwrite(out, 1, (size_t)o, f), (size_t)o);
	fclose(f);
	free(in);
	free(out);
}

static void read_old_version(__u32 version)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[32], got;
	char err[128];
	int n = make_events(ev, 32), i = 0;

	fill_info(&ti, cpus);
	write_trace(ev, n, &ti);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
	downgrade(version);

	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(back.version, version);
	if (version == 1)
		cr_assert_eq(back.arch, SL_ARCH_X86_64, "version 1 probes read x86 syscalls only");
	cr_assert_str_eq(back.cmdline, "perf bench sched pipe");
	cr_assert_eq(back.flags, 0);
	cr_assert_eq(back.nr_tasks, 1);
	cr_assert(back.tasks[0].proc.valid);
	cr_assert_eq(back.tasks[0].proc.nvcsw, 17);
	cr_assert(!back.tasks[0].proc.sched_info, "no schedstat before version 3");
	while (tracefile__next(r, &got) > 0)
		cr_assert_eq(memcmp(&got, &ev[i++], sizeof(got)), 0, "event %d", i - 1);
	cr_assert_eq(i, n);
	tracefile__close(r);
	sl_trace_info__free(&back);
}

Test(tracefile, version_1_is_still_read)
{
	read_old_version(1);
}

Test(tracefile, version_2_is_still_read)
{
	read_old_version(2);
}

Test(tracefile, a_newer_version_is_refused)
{
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_event ev[32];
	__u32 next = SL_TRACE_VERSION + 1;
	char err[128];
	FILE *f;

	fill_info(&ti, cpus);
	write_trace(ev, make_events(ev, 32), &ti);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
	f = fopen(path, "r+b");
	fseek(f, 8, SEEK_SET);
	fwrite(&next, 4, 1, f);
	fclose(f);
	cr_assert_neq(tracefile__open(path, &back, &r, err, sizeof(err)), 0);
	{
		char want[48];

		snprintf(want, sizeof(want), "reads versions 1 to %u", SL_TRACE_VERSION);
		cr_assert_not_null(strstr(err, want), "%s", err);
	}
	sl_trace_info__free(&back);
}

/* The optional stacks section of the footer comes back whole. */
Test(tracefile, stacks_round_trip)
{
	struct sl_event ev[4];
	struct sl_cpu_stats cpus[NCPU] = { 0 };
	struct sl_trace_info ti, back;
	struct tracefile_reader *r;
	struct sl_stack_key k = { .tgid = 42, .kstack = 3, .ustack = -14, .ret = { 0x401000, 0, 0 } };
	const struct sl_stack *s;
	char err[128];
	int n = make_events(ev, 4);

	fill_info(&ti, cpus);
	cr_assert_eq(sl_stacks__new(&ti.stacks), 0);
	cr_assert_eq(sl_stacks__add(ti.stacks, &k, "main;wait_on_pipe;read;__schedule", SL_STACKF_NO_FP), 0);
	cr_assert_eq(sl_stacks__note_no_fp(ti.stacks, "/usr/bin/prog"), 0);
	write_trace(ev, n, &ti);
	cr_assert_eq(tracefile__open(path, &back, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sl_stacks__count(back.stacks), 1);
	s = sl_stacks__find(back.stacks, &k);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->frames, "main;wait_on_pipe;read;__schedule");
	cr_expect_eq(s->flags, SL_STACKF_NO_FP);
	cr_assert_eq(sl_stacks__nr_no_fp(back.stacks), 1);
	cr_expect_str_eq(sl_stacks__no_fp(back.stacks, 0), "/usr/bin/prog");
	tracefile__close(r);
	sl_trace_info__free(&back);
	ti.cpus = NULL;
	sl_trace_info__free(&ti);
}
