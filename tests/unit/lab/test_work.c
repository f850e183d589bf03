// SPDX-License-Identifier: GPL-2.0
/* Work specs: parsing, formatting, and that each kind does what it says. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/work.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

Test(work, parse_and_format_round_trip)
{
	static const char *const specs[] = {
		"none", "cpu:200us", "cpu:1ms", "cpu:1s", "cpu:1500us", "cpu:7ns", "sleep:1ms",
		"io:fsync:4k", "io:fsync:1m", "io:fsync:100", "io:read:8k",
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct work_spec w;

		cr_assert_eq(work__parse(specs[i], &w, NULL, 0), 0, "%s", specs[i]);
		cr_assert_eq(work__format(&w, buf, sizeof(buf)), 0);
		cr_assert_str_eq(buf, specs[i]);
	}
}

Test(work, parse_values)
{
	struct work_spec w;

	cr_assert_eq(work__parse("cpu:1.5ms", &w, NULL, 0), 0);
	cr_assert_eq(w.kind, WORK_CPU);
	cr_assert_eq(w.ns, 1500000);
	cr_assert_eq(work__parse("io:read:4K", &w, NULL, 0), 0);
	cr_assert_eq(w.kind, WORK_IO_READ);
	cr_assert_eq(w.bytes, 4096);
}

/* CPU work is CPU time: 20 ms of spinning costs >= 20 ms of this thread's CPU. */
Test(work, cpu_spins_for_cpu_time)
{
	struct work_spec w;
	struct work_ctx ctx;
	uint64_t c0, c1;

	cr_assert_eq(work__parse("cpu:20ms", &w, NULL, 0), 0);
	cr_assert_eq(work__open(&ctx, &w, NULL, "t"), 0);
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	cr_assert_eq(work__run(&ctx, &w), 0);
	c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	cr_assert_geq(c1 - c0, 20000000ull);
	cr_assert_lt(c1 - c0, 40000000ull);
	work__close(&ctx);
}

Test(work, sleep_is_off_cpu)
{
	struct work_spec w;
	struct work_ctx ctx;
	uint64_t t0, c0;

	cr_assert_eq(work__parse("sleep:30ms", &w, NULL, 0), 0);
	cr_assert_eq(work__open(&ctx, &w, NULL, "t"), 0);
	t0 = clock_ns(CLOCK_MONOTONIC);
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	cr_assert_eq(work__run(&ctx, &w), 0);
	cr_assert_geq(clock_ns(CLOCK_MONOTONIC) - t0, 30000000ull);
	cr_assert_lt(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0, 5000000ull);
	work__close(&ctx);
}

/* io:fsync writes its file; io:read reads with O_DIRECT from a full file. */
Test(work, io_fsync_and_direct_read)
{
	char dir[] = "/var/tmp/schedlab-work-XXXXXX", path[128];
	struct work_spec w;
	struct work_ctx ctx;
	struct stat st;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(work__parse("io:fsync:8k", &w, NULL, 0), 0);
	cr_assert_eq(work__open(&ctx, &w, dir, "writer"), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(work__run(&ctx, &w), 0);
	work__close(&ctx);
	snprintf(path, sizeof(path), "%s/writer.dat", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 8192);
	unlink(path);

	cr_assert_eq(work__parse("io:read:4k", &w, NULL, 0), 0);
	cr_assert_eq(work__open(&ctx, &w, dir, "reader"), 0);
	for (int i = 0; i < 20; i++)	/* wraps around the file */
		cr_assert_eq(work__run(&ctx, &w), 0);
	work__close(&ctx);
	snprintf(path, sizeof(path), "%s/reader.dat", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 16 * 4096);
	unlink(path);
	rmdir(dir);
}

Test(work, io_needs_a_directory)
{
	struct work_spec w;
	struct work_ctx ctx;

	cr_assert_eq(work__parse("io:fsync:4k", &w, NULL, 0), 0);
	cr_assert(work__needs_dir(&w));
	cr_assert_eq(work__open(&ctx, &w, NULL, "x"), -EINVAL);
	cr_assert_eq(work__open(&ctx, &w, "/nonexistent-dir", "x"), -ENOENT);
}
