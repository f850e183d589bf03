// SPDX-License-Identifier: GPL-2.0
/* Profiles: presets, INI files, overrides, and every kind of bad value. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/profile.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/schedlab-test-XXXXXX.ini");
	fd = mkstemps(path, 4);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(profile, defaults_are_balanced)
{
	struct wl_config d, b;
	char err[256] = "";

	wl_config__defaults(&d);
	cr_assert_eq(wl_profile__builtin("balanced", &b), 0);
	cr_assert_eq(memcmp(&d, &b, sizeof(d)), 0);
	cr_assert_str_eq(d.name, "balanced");
	cr_assert_eq(wl_config__validate(&d, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(d.queue, QUEUE_SHM);
	cr_assert_eq(d.producers, 2);
	cr_assert_eq(d.consumers, 2);
}

Test(profile, unknown_preset)
{
	struct wl_config c;

	cr_assert_eq(wl_profile__builtin("no-such-profile", &c), -ENOENT);
}

/* The presets the issue requires exist, validate, and round-trip. */
Test(profile, presets_valid_and_round_trip)
{
	static const char *const required[] = {
		"balanced", "slow-consumer", "slow-producer", "io-bound", "cpu-oversubscribed",
		"single-core", "mixed", "pool-sync", "pool-async", "pipe-storm",
	};
	char buf[4096], err[256] = "";
	const char *name;
	int n = 0;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		bool found = false;

		for (int j = 0; (name = wl_profile__name_at(j)); j++)
			found |= strcmp(name, required[i]) == 0;
		cr_assert(found, "no preset %s", required[i]);
	}
	for (int i = 0; (name = wl_profile__name_at(i)); i++, n++) {
		struct wl_config c, back;
		char *path;

		cr_assert_eq(wl_profile__builtin(name, &c), 0, "%s", name);
		cr_assert_str_eq(c.name, name);
		cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), 0, "%s: %s", name, err);
		cr_assert_eq(wl_config__format(&c, buf, sizeof(buf)), 0);
		path = write_tmp(buf);
		wl_config__defaults(&back);
		cr_assert_eq(wl_config__load_ini(&back, path, err, sizeof(err)), 0, "%s: %s", name, err);
		unlink(path);
		memcpy(back.name, c.name, sizeof(back.name));
		cr_assert_eq(memcmp(&c, &back, sizeof(c)), 0, "%s does not round-trip:\n%s", name, buf);
	}
	cr_assert_eq(wl_profile__name_at(n), NULL);
	cr_assert_eq(wl_profile__name_at(-1), NULL);
}

Test(profile, specific_presets)
{
	struct wl_config c;

	cr_assert_eq(wl_profile__builtin("single-core", &c), 0);
	cr_assert_str_eq(c.cpus, "0");
	cr_assert(CPU_ISSET(0, &c.cpuset));
	cr_assert_eq(CPU_COUNT(&c.cpuset), 1);
	cr_assert_eq(wl_profile__builtin("cpu-oversubscribed", &c), 0);
	cr_assert_gt(c.consumers + c.producers, (unsigned int)sysconf(_SC_NPROCESSORS_ONLN));
	cr_assert_eq(c.consume.kind, WORK_CPU);
	cr_assert_eq(wl_profile__builtin("io-bound", &c), 0);
	cr_assert_eq(c.consume.kind, WORK_IO_FSYNC);
	cr_assert_eq(wl_profile__builtin("pool-async", &c), 0);
	cr_assert_gt(c.pool, 0);
	cr_assert_eq(c.pool_mode, WL_POOL_ASYNC);
	cr_assert_eq(wl_profile__builtin("pipe-storm", &c), 0);
	cr_assert_eq(c.queue, QUEUE_PIPE);
	cr_assert_eq(c.capacity, 1);
}

Test(profile, list_one_line_each)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int lines = 0, n = 0;

	wl_profile__list(f);
	fclose(f);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	while (wl_profile__name_at(n))
		n++;
	cr_assert_eq(lines, n);
	cr_assert(strncmp(text, "balanced ", 9) == 0);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		cr_assert_leq(strlen(l), 100, "line wider than 100 columns: %s", l);
	free(text);
}

Test(profile, good_ini)
{
	struct wl_config c;
	char err[256] = "";
	char *path = write_tmp(
		"; a comment\n"
		"# another\n"
		"[workload]\n"
		"producers = 4\n"
		"consumers=3\n"
		"queue = pipe\n"
		"capacity = 64\n"
		"items = 100000\n"
		"duration = 5s\n"
		"produce = cpu:200us\n"
		"consume = io:fsync:4k\n"
		"cpus = 0-1\n"
		"rate = 1000\n"
		"burst = 10\n"
		"pool = 0\n"
		"pool-mode = async\n"
		"iodir = /tmp\n"
		"description = my test\n");

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.producers, 4);
	cr_assert_eq(c.consumers, 3);
	cr_assert_eq(c.queue, QUEUE_PIPE);
	cr_assert_eq(c.capacity, 64);
	cr_assert_eq(c.items, 100000);
	cr_assert_eq(c.duration_ns, 5000000000ull);
	cr_assert_eq(c.produce.kind, WORK_CPU);
	cr_assert_eq(c.produce.ns, 200000);
	cr_assert_eq(c.consume.kind, WORK_IO_FSYNC);
	cr_assert_eq(c.consume.bytes, 4096);
	cr_assert_str_eq(c.cpus, "0-1");
	cr_assert(CPU_ISSET(0, &c.cpuset) && CPU_ISSET(1, &c.cpuset));
	cr_assert_eq(c.rate, 1000);
	cr_assert_eq(c.burst, 10);
	cr_assert_eq(c.pool_mode, WL_POOL_ASYNC);
	cr_assert_str_eq(c.iodir, "/tmp");
	cr_assert_str_eq(c.description, "my test");
	cr_assert(strncmp(c.name, "schedlab-test-", 14) == 0, "name from the file: %s", c.name);
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), 0, "%s", err);
	unlink(path);
}

/* A partial file changes only what it names. */
Test(profile, ini_overlays_preset)
{
	struct wl_config c, ref;
	char err[256];
	char *path = write_tmp("[workload]\nconsumers = 5\n");

	cr_assert_eq(wl_profile__builtin("slow-consumer", &c), 0);
	ref = c;
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.consumers, 5);
	ref.consumers = 5;
	memcpy(ref.name, c.name, sizeof(ref.name));
	cr_assert_eq(memcmp(&c, &ref, sizeof(c)), 0);
	unlink(path);
}

/* Arrays, not pointers: Criterion re-executes the binary for each test and
 * a PIE's string addresses differ there. */
struct good_value {
	char key[16], value[32];
};

static struct good_value good_values[] = {
	{ "duration", "5" }, { "duration", "1.5s" }, { "duration", "250ms" }, { "duration", "0" },
	{ "produce", "none" }, { "produce", "cpu:1ns" }, { "produce", "sleep:10s" },
	{ "consume", "io:read:4k" }, { "consume", "io:fsync:1m" }, { "consume", "io:fsync:100" },
	{ "cpus", "all" }, { "cpus", "" }, { "cpus", "0" }, { "queue", "mq" },
	{ "capacity", "1048576" }, { "items", "0" }, { "pool", "256" },
};

ParameterizedTestParameters(profile, good_values)
{
	return cr_make_param_array(struct good_value, good_values,
				   sizeof(good_values) / sizeof(good_values[0]));
}

ParameterizedTest(struct good_value *g, profile, good_values)
{
	struct wl_config c;
	char err[256] = "";

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__set(&c, g->key, g->value, err, sizeof(err)), 0,
		     "%s=%s: %s", g->key, g->value, err);
}

struct bad_value {
	char key[16], value[32];
	char expect[80];	/* a part of the message */
};

static struct bad_value bad_values[] = {
	{ "capacity", "-1", "capacity: expected an integer from 1 to 1048576, got '-1'" },
	{ "capacity", "0", "capacity: expected an integer from 1 to 1048576" },
	{ "capacity", "1048577", "capacity:" },
	{ "capacity", "12abc", "got '12abc'" },
	{ "capacity", "", "capacity:" },
	{ "capacity", " 5", "capacity:" },
	{ "capacity", "+5", "capacity:" },
	{ "capacity", "99999999999999999999999", "capacity:" },
	{ "consumers", "0", "consumers: expected an integer from 1 to 256, got '0'" },
	{ "producers", "65", "producers: expected an integer from 1 to 64" },
	{ "producers", "two", "producers:" },
	{ "items", "-5", "items:" },
	{ "items", "1e6", "items:" },
	{ "rate", "fast", "rate:" },
	{ "burst", "0", "burst:" },
	{ "pool", "257", "pool:" },
	{ "queue", "fifo", "queue: expected shm, pipe or mq, got 'fifo'" },
	{ "pool-mode", "maybe", "pool-mode: expected sync or async" },
	{ "duration", "5x", "duration:" },
	{ "duration", "-1s", "duration:" },
	{ "duration", "2h", "duration:" },
	{ "duration", "s", "duration:" },
	{ "produce", "cpu", "produce:" },
	{ "produce", "cpu:", "produce:" },
	{ "produce", "cpu:0us", "produce:" },
	{ "produce", "cpu:200", "produce:" },
	{ "produce", "cpu:11s", "produce:" },
	{ "produce", "spin:1ms", "produce:" },
	{ "consume", "io:read:1000", "multiple of 4k" },
	{ "consume", "io:fsync:0", "consume:" },
	{ "consume", "io:write:4k", "consume:" },
	{ "consume", "io:fsync:65m", "consume:" },
	{ "consume", "sleep:1.5ns", "consume:" },
	{ "cpus", "0-", "cpus:" },
	{ "cpus", "1-0", "cpus:" },
	{ "cpus", "0,,1", "cpus:" },
	{ "cpus", "99999", "cpus:" },
	{ "cpus", "a", "cpus:" },
	{ "iodir", "relative/dir", "iodir:" },
	{ "nonsense", "1", "unknown key 'nonsense'" },
};

ParameterizedTestParameters(profile, bad_values)
{
	return cr_make_param_array(struct bad_value, bad_values,
				   sizeof(bad_values) / sizeof(bad_values[0]));
}

/* Every bad value: -EINVAL, config untouched, one line naming the key. */
ParameterizedTest(struct bad_value *b, profile, bad_values)
{
	struct wl_config c, before;
	char err[256] = "";

	wl_config__defaults(&c);
	before = c;
	cr_assert_eq(wl_config__set(&c, b->key, b->value, err, sizeof(err)), -EINVAL,
		     "%s=%s accepted", b->key, b->value);
	cr_assert_eq(memcmp(&c, &before, sizeof(c)), 0, "a refused value changed the config");
	cr_assert(strstr(err, b->expect), "message '%s' lacks '%s'", err, b->expect);
	cr_assert_null(strchr(err, '\n'), "one line: %s", err);
	if (strcmp(b->key, "nonsense"))
		cr_assert(strncmp(err, b->key, strlen(b->key)) == 0, "message names the key: %s", err);
}

Test(profile, validate_whole_config)
{
	struct wl_config c;
	char err[256] = "";

	wl_config__defaults(&c);
	c.items = 0;
	c.duration_ns = 0;
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "items"), "%s", err);

	wl_config__defaults(&c);
	c.consumers = 0;
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), -EINVAL);
	cr_assert(strncmp(err, "consumers:", 10) == 0, "%s", err);

	wl_config__defaults(&c);
	c.pool = 2;
	c.consumers = 0;	/* unused in pool mode */
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), 0, "%s", err);

	wl_config__defaults(&c);
	c.queue = QUEUE_MQ;
	c.capacity = 70000;	/* above HARD_MSGMAX even for root */
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), -EINVAL);
	cr_assert(strncmp(err, "capacity:", 9) == 0, "%s", err);

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__set(&c, "consume", "io:fsync:4k", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "iodir", "/nonexistent/dir", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__validate(&c, err, sizeof(err)), -EINVAL);
	cr_assert(strncmp(err, "iodir:", 6) == 0, "%s", err);
}

struct bad_file {
	char text[80], expect[80];
};

static struct bad_file bad_files[] = {
	{ "[workload]\ncapacity = -1\n", ":2: capacity: expected an integer from 1 to 1048576, got '-1'" },
	{ "[workload]\nproducers = 2\n\nconsumers = 0\n", ":4: consumers:" },
	{ "[other]\nproducers = 2\n", ":1: unknown section [other]" },
	{ "producers = 2\n", ":1: 'producers' before [workload]" },
	{ "[workload]\nthis line has no equals sign\n", ":2: expected 'key = value'" },
	{ "[workload]\ncolour = blue\n", ":2: unknown key 'colour'" },
	{ "[workload\nproducers = 2\n", ":1: '[workload' lacks its closing ']'" },
	{ "[workload] x\n", ":1: text after ']'" },
	{ "[workload]\n= 3\n", ":2: '= value' without a key" },
	{ "[workload]\ndescription = \"open\n", ":2: description: a quoted value lacks" },
	{ "[workload]\nitems = 5 x # five\n", ":2: items: expected an integer" },
	{ "[workload]\nqueue = tcp\nproducers = 0\n", ":2: queue:" },	/* first error wins */
};

ParameterizedTestParameters(profile, bad_files)
{
	return cr_make_param_array(struct bad_file, bad_files, sizeof(bad_files) / sizeof(bad_files[0]));
}

/* A bad file: -EINVAL, "FILE:LINE: key: ..." and the config untouched. */
ParameterizedTest(struct bad_file *b, profile, bad_files)
{
	struct wl_config c, before;
	char err[256] = "";
	char *path = write_tmp(b->text);

	wl_config__defaults(&c);
	before = c;
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, path), "message names the file: %s", err);
	cr_assert(strstr(err, b->expect), "message '%s' lacks '%s'", err, b->expect);
	cr_assert_null(strchr(err, '\n'));
	cr_assert_eq(memcmp(&c, &before, sizeof(c)), 0, "a bad file changed the config");
	unlink(path);
}

Test(profile, missing_file)
{
	struct wl_config c;
	char err[256] = "";

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, "/nonexistent/x.ini", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "/nonexistent/x.ini"), "%s", err);
}

Test(profile, format_small_buffer)
{
	struct wl_config c;
	char buf[16];

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__format(&c, buf, sizeof(buf)), -ENOSPC);
}

/* '#' and ';' start comments after a space, also at the end of a line. */
Test(profile, inline_comments_and_quotes)
{
	struct wl_config c;
	char err[256] = "";
	char *path = write_tmp("# top\n[workload] ; the only section\n"
			       "producers = 3 # three\n"
			       "consumers = 2;two is not a comment without a space\n"
			       "description = \"fast ; no # comment here\" # but here\n"
			       "produce = cpu:20us ; twenty\n");

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), -EINVAL, "%s", err);
	cr_assert(strstr(err, ":4: consumers:"), "%s", err);
	unlink(path);
	path = write_tmp("[workload] ; the only section\nproducers = 3 # three\n"
			 "description = \"fast ; no # comment here\" # but here\n"
			 "produce = cpu:20us ; twenty\n");
	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.producers, 3);
	cr_assert_str_eq(c.description, "fast ; no # comment here");
	cr_assert_eq(c.produce.ns, 20000);
	unlink(path);
}

/* A long line is refused whole, never split into a second key. */
Test(profile, long_line_is_refused)
{
	struct wl_config c;
	char text[1200], err[256] = "", *path;

	memset(text, 'x', sizeof(text));
	memcpy(text, "[workload]\ndescription = ", 25);
	memcpy(text + sizeof(text) - 12, "items = 3\n", 11);
	text[sizeof(text) - 1] = '\0';
	path = write_tmp(text);
	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, path, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":2: line longer than 1024"), "%s", err);
	unlink(path);
}

/* A description is one line: a line break would add keys to the stored profile. */
Test(profile, description_cannot_inject_keys)
{
	struct wl_config c, back;
	char err[256] = "", buf[4096], *path;

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__set(&c, "description", "x\ncapacity = 3", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "description:"), "%s", err);
	cr_assert_eq(wl_config__set(&c, "description", "tab\there", err, sizeof(err)), -EINVAL);
	memset(buf, 'd', 200);
	buf[200] = '\0';
	cr_assert_eq(wl_config__set(&c, "description", buf, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "at most 127"), "%s", err);
	/* what is stored reads back the same, comment characters and all */
	cr_assert_eq(wl_config__set(&c, "description", " a # b ; \"c\" ", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__format(&c, buf, sizeof(buf)), 0);
	path = write_tmp(buf);
	wl_config__defaults(&back);
	cr_assert_eq(wl_config__load_ini(&back, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(back.description, " a # b ; \"c\" ");
	unlink(path);
}

Test(profile, directory_is_not_a_profile)
{
	struct wl_config c;
	char err[256] = "";

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__load_ini(&c, "/tmp", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "/tmp: a directory, not a profile file"), "%s", err);
}
