/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workload configuration: the struct, the built-in presets, INI files
 * ([workload] section; lines read whole, comments after a space, quoted
 * values taken as they are) and key=value overrides.  INI
 * keys and command-line overrides are the same names (docs/profiles.md).
 * Every setter rejects a bad value with -EINVAL and a one-line message that
 * names the key and says what is accepted.
 */
#ifndef SCHEDLAB_PROFILE_H
#define SCHEDLAB_PROFILE_H

#include <sched.h>
#include <stddef.h>
#include <stdio.h>

#include "queue.h"
#include "work.h"

#define WL_MAX_PRODUCERS	64
#define WL_MAX_CONSUMERS	256
#define WL_MAX_POOL		256
#define WL_MAX_ITEMS		4000000000ull
#define WL_MAX_DURATION_NS	(3600ull * 1000000000ull)

enum wl_pool_mode {
	WL_POOL_SYNC = 0,	/* apply: submit, wait for the result, repeat */
	WL_POOL_ASYNC,		/* apply_async: keep up to `capacity` tasks in flight */
};

struct wl_config {
	char name[32];			/* preset or file name, for reports */
	char description[128];
	unsigned int producers;		/* producer (client, in pool mode) processes */
	unsigned int consumers;		/* consumer processes (unused in pool mode) */
	enum queue_kind queue;
	unsigned int capacity;
	unsigned long long items;	/* items to produce; 0 = until `duration` */
	unsigned long long duration_ns;	/* run length limit; 0 = until `items` */
	struct work_spec produce;	/* per item, before the push */
	struct work_spec consume;	/* per item, after the pop */
	char cpus[64];			/* CPU list ("0", "0-3,6"); "" = no pinning */
	cpu_set_t cpuset;		/* parsed cpus, valid when cpus[0] */
	unsigned long long rate;	/* items/s per producer; 0 = as fast as possible */
	unsigned int burst;		/* with rate: items back to back per tick */
	unsigned int pool;		/* > 0: a pool of this many workers replaces the consumers */
	enum wl_pool_mode pool_mode;
	char iodir[256];		/* where io:* work creates its temporary directory */
};

/* The "balanced" preset. */
void wl_config__defaults(struct wl_config *c);
/* Loads a built-in preset; -ENOENT if there is none of that name. */
int wl_profile__builtin(const char *name, struct wl_config *c);
/* One line per preset: "name  description". */
void wl_profile__list(FILE *out);
/* The i-th preset's name; NULL past the end. */
const char *wl_profile__name_at(int i);

/*
 * Applies a [workload] INI file on top of *c.  -ENOENT/-EACCES if it cannot
 * be read, -EINVAL for a bad line, key or value; err gets one line
 * ("FILE:LINE: key: expected ..., got '...'").
 */
int wl_config__load_ini(struct wl_config *c, const char *path, char *err, size_t errlen);
/* Sets one key; -EINVAL and "key: expected ..., got '...'" in err. */
int wl_config__set(struct wl_config *c, const char *key, const char *value, char *err,
		   size_t errlen);
/* Checks the whole config (e.g. items and duration both 0). */
int wl_config__validate(const struct wl_config *c, char *err, size_t errlen);
/* INI text of the config; loads back to the same config.  -ENOSPC if short. */
int wl_config__format(const struct wl_config *c, char *buf, size_t len);
/* The key names, NULL-terminated (for help text and completion). */
extern const char *const wl_config_keys[];

#endif /* SCHEDLAB_PROFILE_H */
