// SPDX-License-Identifier: GPL-2.0
/* Workload configuration: presets, INI files, key=value overrides. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "profile.h"
#include "util/units.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Presets are key=value lists applied on top of the defaults: a preset is
 * valid and round-trips exactly like a user's file. */
struct preset {
	const char *name;
	const char *description;
	const char *const *kv;	/* key, value, ..., NULL */
};

static const char *const kv_balanced[] = { NULL };
/* one consumer per CPU, each 20x slower than a producer: both CPUs busy consuming */
static const char *const kv_slow_consumer[] = {
	"producers", "2", "consumers", "2", "items", "1000",
	"produce", "cpu:100us", "consume", "cpu:2ms", NULL };
static const char *const kv_slow_producer[] = {
	"producers", "1", "consumers", "2", "items", "2000",
	"produce", "cpu:1ms", "consume", "cpu:100us", NULL };
static const char *const kv_io_bound[] = {
	"producers", "1", "consumers", "2", "capacity", "32", "items", "10000",
	"duration", "5s", "produce", "cpu:20us", "consume", "io:fsync:16k", NULL };
/* consumers and items are scaled to the CPU count in wl_profile__builtin */
static const char *const kv_cpu_oversubscribed[] = {
	"producers", "1", "consumers", "6", "items", "3000",
	"produce", "cpu:20us", "consume", "cpu:1ms", NULL };
static const char *const kv_single_core[] = {
	"producers", "2", "consumers", "2", "items", "2000", "cpus", "0",
	"produce", "cpu:200us", "consume", "cpu:200us", NULL };
static const char *const kv_mixed[] = {
	"producers", "2", "consumers", "2", "capacity", "32", "items", "4000",
	"duration", "5s", "produce", "cpu:500us", "consume", "io:fsync:16k", NULL };
static const char *const kv_pool_sync[] = {
	"producers", "1", "pool", "4", "pool-mode", "sync", "capacity", "8",
	"items", "1000", "produce", "none", "consume", "cpu:1ms", NULL };
static const char *const kv_pool_async[] = {
	"producers", "1", "pool", "4", "pool-mode", "async", "capacity", "8",
	"items", "1000", "produce", "none", "consume", "cpu:1ms", NULL };
static const char *const kv_pipe_storm[] = {
	"producers", "1", "consumers", "1", "queue", "pipe", "capacity", "1", "cpus", "0",
	"items", "0", "duration", "2s", "produce", "none", "consume", "none", NULL };

static const struct preset presets[] = {
	{ "balanced", "2 producers, 2 consumers, equal CPU work, shm queue (the default)",
	  kv_balanced },
	{ "slow-consumer", "consumers are the bottleneck: the queue stays full, producers block",
	  kv_slow_consumer },
	{ "slow-producer", "producers are the bottleneck: the queue stays empty, consumers wait",
	  kv_slow_producer },
	{ "io-bound", "consumers write+fsync 16 KiB per item: off-CPU time is disk I/O",
	  kv_io_bound },
	{ "cpu-oversubscribed", "3 CPU-bound consumers per CPU: runnable tasks queue for CPUs",
	  kv_cpu_oversubscribed },
	{ "single-core", "everything pinned to CPU 0: concurrency without parallelism",
	  kv_single_core },
	{ "mixed", "CPU-bound producers and I/O-bound consumers share the CPUs",
	  kv_mixed },
	{ "pool-sync", "a client calls apply() on a pool of 4: one task at a time",
	  kv_pool_sync },
	{ "pool-async", "the same client and pool with apply_async(): tasks overlap",
	  kv_pool_async },
	{ "pipe-storm", "capacity-1 pipe ping-pong on CPU 0, no work: extreme switch rate",
	  kv_pipe_storm },
};

#define NR_PRESETS (int)(sizeof(presets) / sizeof(presets[0]))

const char *const wl_config_keys[] = {
	"producers", "consumers", "queue", "capacity", "items", "duration",
	"produce", "consume", "cpus", "rate", "burst", "pool", "pool-mode",
	"iodir", "description", NULL,
};

void wl_config__defaults(struct wl_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "balanced");
	snprintf(c->description, sizeof(c->description), "%s", presets[0].description);
	c->producers = 2;
	c->consumers = 2;
	c->queue = QUEUE_SHM;
	c->capacity = 16;
	c->items = 5000;
	c->duration_ns = 0;
	c->produce = (struct work_spec){ .kind = WORK_CPU, .ns = 200000 };
	c->consume = (struct work_spec){ .kind = WORK_CPU, .ns = 200000 };
	c->rate = 0;
	c->burst = 1;
	c->pool = 0;
	c->pool_mode = WL_POOL_SYNC;
	snprintf(c->iodir, sizeof(c->iodir), "/var/tmp");
}

int wl_profile__builtin(const char *name, struct wl_config *c)
{
	const struct preset *p = NULL;
	char err[256];

	for (int i = 0; i < NR_PRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			p = &presets[i];
	if (!p)
		return -ENOENT;
	wl_config__defaults(c);
	snprintf(c->name, sizeof(c->name), "%s", p->name);
	snprintf(c->description, sizeof(c->description), "%s", p->description);
	for (const char *const *kv = p->kv; *kv; kv += 2)
		if (wl_config__set(c, kv[0], kv[1], err, sizeof(err)))
			return -EINVAL;	/* a broken preset: the tests catch this */
	if (strcmp(p->name, "cpu-oversubscribed") == 0) {
		unsigned int ncpu = (unsigned int)get_nprocs();

		if (ncpu < 1)
			ncpu = 1;
		if (ncpu > 64)
			ncpu = 64;
		c->consumers = 3 * ncpu;
		c->items = 1500ull * ncpu;	/* ~1.5 s of consumer CPU per CPU */
	}
	return 0;
}

void wl_profile__list(FILE *out)
{
	for (int i = 0; i < NR_PRESETS; i++)
		fprintf(out, "%-20s%s\n", presets[i].name, presets[i].description);
}

const char *wl_profile__name_at(int i)
{
	return i >= 0 && i < NR_PRESETS ? presets[i].name : NULL;
}

/* A key's integer value, or -EINVAL with the reason in err. */
static int parse_key_u64(const char *key, const char *v, unsigned long long lo,
			 unsigned long long hi, unsigned long long *out, char *err, size_t errlen)
{
	if (!parse_u64(v, lo, hi, out))
		return 0;
	set_err(err, errlen, "%s: expected an integer from %llu to %llu, got '%s'", key, lo, hi, v);
	return -EINVAL;
}

static int parse_uint(const char *key, const char *v, unsigned int lo, unsigned int hi,
		      unsigned int *out, char *err, size_t errlen)
{
	unsigned long long x;
	int e = parse_key_u64(key, v, lo, hi, &x, err, errlen);

	if (!e)
		*out = (unsigned int)x;
	return e;
}

/* "0", "0-3,6" -> cpu set; "" or "all" = no pinning. */
static int parse_cpus(const char *v, cpu_set_t *set)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const char *s = v;

	CPU_ZERO(set);
	while (*s) {
		unsigned long a, b;
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			b = strtoul(s, &end, 10);
		}
		if (b < a || (long)b >= ncpu || b >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			CPU_SET(i, set);
		s = end;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	return 0;
}

/* Line breaks, tabs and other control characters: never in a stored value. */
static bool has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return true;
	return false;
}

int wl_config__set(struct wl_config *c, const char *key, const char *v, char *err, size_t errlen)
{
	char werr[160];
	unsigned long long ns;

	if (!key || !v) {
		set_err(err, errlen, "missing key or value");
		return -EINVAL;
	}
	if (strcmp(key, "producers") == 0)
		return parse_uint(key, v, 1, WL_MAX_PRODUCERS, &c->producers, err, errlen);
	if (strcmp(key, "consumers") == 0)
		return parse_uint(key, v, 1, WL_MAX_CONSUMERS, &c->consumers, err, errlen);
	if (strcmp(key, "capacity") == 0)
		return parse_uint(key, v, 1, QUEUE_MAX_CAPACITY, &c->capacity, err, errlen);
	if (strcmp(key, "items") == 0)
		return parse_key_u64(key, v, 0, WL_MAX_ITEMS, &c->items, err, errlen);
	if (strcmp(key, "rate") == 0)
		return parse_key_u64(key, v, 0, 10000000, &c->rate, err, errlen);
	if (strcmp(key, "burst") == 0)
		return parse_uint(key, v, 1, 1000000, &c->burst, err, errlen);
	if (strcmp(key, "pool") == 0)
		return parse_uint(key, v, 0, WL_MAX_POOL, &c->pool, err, errlen);
	if (strcmp(key, "queue") == 0) {
		if (queue__kind_parse(v, &c->queue) == 0)
			return 0;
		set_err(err, errlen, "queue: expected shm, pipe or mq, got '%s'", v);
		return -EINVAL;
	}
	if (strcmp(key, "pool-mode") == 0) {
		if (strcmp(v, "sync") == 0 || strcmp(v, "async") == 0) {
			c->pool_mode = v[0] == 's' ? WL_POOL_SYNC : WL_POOL_ASYNC;
			return 0;
		}
		set_err(err, errlen, "pool-mode: expected sync or async, got '%s'", v);
		return -EINVAL;
	}
	if (strcmp(key, "duration") == 0) {
		/* a bare number is seconds: "--duration 5" */
		if (parse_duration_ns(v, &ns) == 0 && ns <= WL_MAX_DURATION_NS) {
			c->duration_ns = ns;
			return 0;
		}
		set_err(err, errlen, "duration: expected a time from 0 to 1h such as 5s or 500ms, got '%s'", v);
		return -EINVAL;
	}
	if (strcmp(key, "produce") == 0 || strcmp(key, "consume") == 0) {
		struct work_spec *w = key[1] == 'r' ? &c->produce : &c->consume;

		if (work__parse(v, w, werr, sizeof(werr)) == 0)
			return 0;
		set_err(err, errlen, "%s: expected none, cpu:TIME, sleep:TIME, io:fsync:SIZE or io:read:SIZE, got '%s' (%s)",
			key, v, werr);
		return -EINVAL;
	}
	if (strcmp(key, "cpus") == 0) {
		if (v[0] == 0 || strcmp(v, "all") == 0) {
			c->cpus[0] = 0;
			CPU_ZERO(&c->cpuset);
			return 0;
		}
		cpu_set_t set;

		if (strlen(v) < sizeof(c->cpus) && parse_cpus(v, &set) == 0) {
			c->cpuset = set;
			snprintf(c->cpus, sizeof(c->cpus), "%s", v);
			return 0;
		}
		set_err(err, errlen, "cpus: expected a CPU list such as 0 or 0-3,6 with CPUs 0 to %ld, or all, got '%s'",
			sysconf(_SC_NPROCESSORS_CONF) - 1, v);
		return -EINVAL;
	}
	if (strcmp(key, "iodir") == 0) {
		if (v[0] == '/' && strlen(v) < sizeof(c->iodir) && !has_control(v)) {
			snprintf(c->iodir, sizeof(c->iodir), "%s", v);
			return 0;
		}
		set_err(err, errlen, "iodir: expected an absolute directory path, got '%s'", v);
		return -EINVAL;
	}
	if (strcmp(key, "description") == 0) {
		/* stored in the trace as one line of INI: a line break would add keys */
		if (has_control(v)) {
			set_err(err, errlen, "description: one line of text, without control characters");
			return -EINVAL;
		}
		if (strlen(v) >= sizeof(c->description)) {
			set_err(err, errlen, "description: at most %zu characters, got %zu",
				sizeof(c->description) - 1, strlen(v));
			return -EINVAL;
		}
		snprintf(c->description, sizeof(c->description), "%s", v);
		return 0;
	}
	set_err(err, errlen, "unknown key '%s': expected one of producers, consumers, queue, capacity, items, duration, produce, consume, cpus, rate, burst, pool, pool-mode, iodir, description",
		key);
	return -EINVAL;
}

/* Without CAP_SYS_RESOURCE a message queue is limited to fs.mqueue.msg_max. */
static unsigned long mq_limit(void)
{
	unsigned long long eff = 0;
	unsigned long msg_max = 10;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CapEff: %llx", &eff) == 1)
				break;
		fclose(f);
	}
	if (eff & (1ull << 24))	/* CAP_SYS_RESOURCE: up to HARD_MSGMAX */
		return 65536;
	f = fopen("/proc/sys/fs/mqueue/msg_max", "r");
	if (f) {
		if (fscanf(f, "%lu", &msg_max) != 1)
			msg_max = 10;
		fclose(f);
	}
	return msg_max;
}

int wl_config__validate(const struct wl_config *c, char *err, size_t errlen)
{
	if (c->producers < 1 || c->producers > WL_MAX_PRODUCERS) {
		set_err(err, errlen, "producers: expected an integer from 1 to %d, got '%u'",
			WL_MAX_PRODUCERS, c->producers);
		return -EINVAL;
	}
	if (!c->pool && (c->consumers < 1 || c->consumers > WL_MAX_CONSUMERS)) {
		set_err(err, errlen, "consumers: expected an integer from 1 to %d, got '%u'",
			WL_MAX_CONSUMERS, c->consumers);
		return -EINVAL;
	}
	if (c->pool > WL_MAX_POOL) {
		set_err(err, errlen, "pool: expected an integer from 0 to %d, got '%u'", WL_MAX_POOL, c->pool);
		return -EINVAL;
	}
	if (c->capacity < 1 || c->capacity > QUEUE_MAX_CAPACITY) {
		set_err(err, errlen, "capacity: expected an integer from 1 to %u, got '%u'",
			QUEUE_MAX_CAPACITY, c->capacity);
		return -EINVAL;
	}
	if (c->queue == QUEUE_MQ) {
		unsigned long lim = mq_limit();

		if (c->capacity > lim) {
			set_err(err, errlen, "capacity: an mq queue holds at most %lu messages here (fs.mqueue.msg_max; root with CAP_SYS_RESOURCE can go higher), got '%u'",
				lim, c->capacity);
			return -EINVAL;
		}
	}
	if (c->items == 0 && c->duration_ns == 0) {
		set_err(err, errlen, "items: 0 (no limit) needs a duration, or the run never ends");
		return -EINVAL;
	}
	if (c->items > WL_MAX_ITEMS) {
		set_err(err, errlen, "items: expected an integer from 0 to %llu, got '%llu'",
			WL_MAX_ITEMS, c->items);
		return -EINVAL;
	}
	if ((work__needs_dir(&c->produce) || work__needs_dir(&c->consume)) &&
	    access(c->iodir, W_OK | X_OK)) {
		set_err(err, errlen, "iodir: '%s' is not a writable directory (io work creates its files there)",
			c->iodir);
		return -EINVAL;
	}
	return 0;
}

int wl_config__format(const struct wl_config *c, char *buf, size_t len)
{
	char produce[48], consume[48], duration[32], name[sizeof(c->name)];
	int n;

	/* a file's name names the run: it must not end the comment line */
	snprintf(name, sizeof(name), "%s", c->name);
	for (char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';

	work__format(&c->produce, produce, sizeof(produce));
	work__format(&c->consume, consume, sizeof(consume));
	format_duration_exact(c->duration_ns, duration, sizeof(duration));
	n = snprintf(buf, len,
		     "# schedlab workload profile: %s\n"
		     "[workload]\n"
		     "description = \"%s\"\n"
		     "producers = %u\n"
		     "consumers = %u\n"
		     "queue = %s\n"
		     "capacity = %u\n"
		     "items = %llu\n"
		     "duration = %s\n"
		     "produce = %s\n"
		     "consume = %s\n"
		     "cpus = %s\n"
		     "rate = %llu\n"
		     "burst = %u\n"
		     "pool = %u\n"
		     "pool-mode = %s\n"
		     "iodir = \"%s\"\n",
		     name, c->description, c->producers, c->consumers,
		     queue__kind_name(c->queue), c->capacity, c->items,
		     c->duration_ns ? duration : "0", produce, consume,
		     c->cpus[0] ? c->cpus : "all", c->rate, c->burst, c->pool,
		     c->pool_mode == WL_POOL_ASYNC ? "async" : "sync", c->iodir);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* ---- profile files: INI, one [workload] section ---- */

#define INI_MAX_LINE 1024

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * '#' and ';' start a comment at the start of a line or after a space
 * ("cpu:200us;x" keeps its ';').  A value in double quotes is taken as is,
 * comment characters and spaces included.  NULL: why in *why.
 */
static char *ini_value(char *v, const char **why)
{
	v = trim(v);
	if (*v == '"') {
		char *close = strrchr(v + 1, '"'), *rest;

		if (!close) {
			*why = "a quoted value lacks its closing '\"'";
			return NULL;
		}
		*close = '\0';
		rest = trim(close + 1);
		if (*rest && *rest != '#' && *rest != ';') {
			*why = "text after a quoted value";
			return NULL;
		}
		return v + 1;
	}
	for (char *p = v; *p; p++) {
		if ((*p == '#' || *p == ';') && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	return trim(v);
}

/* One line of a profile file: 0, or -EINVAL with what is wrong in msg. */
static int ini_line(struct wl_config *c, char *line, bool *in_section, char *msg, size_t msglen)
{
	const char *why = NULL;
	char *s = trim(line), *eq, *key, *value;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']'), *rest;

		if (!close) {
			set_err(msg, msglen, "'%.40s' lacks its closing ']'", s);
			return -EINVAL;
		}
		*close = '\0';
		rest = trim(close + 1);
		if (*rest && *rest != '#' && *rest != ';') {
			set_err(msg, msglen, "text after ']': '%.40s'", rest);
			return -EINVAL;
		}
		if (strcmp(trim(s + 1), "workload")) {
			set_err(msg, msglen, "unknown section [%.40s]: expected [workload]", trim(s + 1));
			return -EINVAL;
		}
		*in_section = true;
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq) {
		set_err(msg, msglen, "expected 'key = value' or '[workload]'");
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(s);
	if (!*key) {
		set_err(msg, msglen, "'= value' without a key");
		return -EINVAL;
	}
	if (!*in_section) {
		set_err(msg, msglen, "'%.40s' before [workload]", key);
		return -EINVAL;
	}
	value = ini_value(eq + 1, &why);
	if (!value) {
		set_err(msg, msglen, "%s: %s", key, why);
		return -EINVAL;
	}
	return wl_config__set(c, key, value, msg, msglen);
}

int wl_config__load_ini(struct wl_config *c, const char *path, char *err, size_t errlen)
{
	struct wl_config tmp = *c;
	bool in_section = false;
	struct stat st;
	char *line = NULL, msg[256];
	size_t cap = 0;
	const char *base;
	ssize_t n;
	int lineno = 0, ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: %s, not a profile file", path,
			S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
		fclose(f);
		return -EINVAL;
	}
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		/* nothing is cut silently: a line is read whole or refused */
		if (n > INI_MAX_LINE) {
			set_err(msg, sizeof(msg), "line longer than %d characters", INI_MAX_LINE);
			ret = -EINVAL;
		} else if (strlen(line) != (size_t)n) {
			set_err(msg, sizeof(msg), "a NUL byte in the line");
			ret = -EINVAL;
		} else {
			ret = ini_line(&tmp, line, &in_section, msg, sizeof(msg));
		}
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		set_err(err, errlen, "%s: %s", path, strerror(EIO));
	} else if (ret) {
		set_err(err, errlen, "%s:%d: %s", path, lineno, msg);
	}
	free(line);
	fclose(f);
	if (ret)
		return ret;
	/* The file's name (without directory and .ini) names the profile. */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(tmp.name, sizeof(tmp.name), "%.*s",
		 (int)(strlen(base) > 4 && strcmp(base + strlen(base) - 4, ".ini") == 0 ?
		       strlen(base) - 4 : strlen(base)), base);
	*c = tmp;
	return 0;
}
