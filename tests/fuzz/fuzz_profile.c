// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a profile INI file (-f), then validated
 * and formatted back as the trace header stores it; also as one
 * `--KEY VALUE` override split at the first '='.  Errors are fine, a
 * crash or a key smuggled into the formatted profile is not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lab/profile.h"

static int memfd = -1;
static char path[64];

/* What the header stores reads back as the same profile. */
static void round_trip(const struct wl_config *c)
{
	char buf[4096], again[4096], err[512];
	struct wl_config back;
	size_t n;

	if (wl_config__format(c, buf, sizeof(buf)))
		return;
	n = strlen(buf);
	if (ftruncate(memfd, 0) || pwrite(memfd, buf, n, 0) != (ssize_t)n)
		abort();
	wl_config__defaults(&back);
	if (wl_config__load_ini(&back, path, err, sizeof(err)))
		abort();	/* the stored profile does not parse */
	memcpy(back.name, c->name, sizeof(back.name));	/* a file names the run after itself */
	if (wl_config__format(&back, again, sizeof(again)) || strcmp(again, buf))
		abort();	/* ... or reads as another profile */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wl_config c;
	char err[512], *kv, *eq;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-profile", 0);
		if (memfd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	wl_config__defaults(&c);
	if (wl_config__load_ini(&c, path, err, sizeof(err)) == 0 &&
	    wl_config__validate(&c, err, sizeof(err)) == 0)
		round_trip(&c);

	kv = malloc(size + 1);
	if (!kv)
		abort();
	memcpy(kv, data, size);
	kv[size] = '\0';
	eq = strchr(kv, '=');
	if (eq) {
		*eq = '\0';
		wl_config__defaults(&c);
		if (wl_config__set(&c, kv, eq + 1, err, sizeof(err)) == 0 &&
		    wl_config__validate(&c, err, sizeof(err)) == 0)
			round_trip(&c);
	}
	free(kv);
	return 0;
}
