// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a trace file, through the reader, the
 * analysis and every output (text, JSON, CSV and each CSV table, both
 * terminal maps with and without a window, Perfetto, HTML, off-CPU stacks
 * and folded stacks).  A crafted trace must give "corrupt trace" or a
 * report, never a crash, a hang or a huge allocation.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "format/tracefile.h"
#include "output/present.h"
#include "util/log.h"

static const char *const csv_tables[] = {
	"tasks", "processes", "roles", "cpus", "levels", "queues", "wakeups", "migrations",
	"waits", "channels", "locks", "intervals",
};

#define NR_VIEWS 5

static int memfd = -1;
static char path[64];
static FILE *devnull;

static void setup(void)
{
	int null = open("/dev/null", O_WRONLY);

	memfd = memfd_create("fuzz-trace", 0);
	if (memfd < 0 || null < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	devnull = fdopen(null, "w");
	/* CSV intervals stream to stdout */
	dup2(null, STDOUT_FILENO);
	sl_log_level = -1;	/* one line per bad input would be all we see */
}

/*
 * One view per input, chosen by its length: every output is exercised
 * across the corpus at a fifth of the cost of all of them on each input.
 */
static void view(struct present_opts *po, size_t size)
{
	memset(po, 0, sizeof(*po));
	switch (size % NR_VIEWS) {
	case 0:
		po->format = PRESENT_TEXT;
		po->ascii_timeline = true;
		po->threads = true;
		po->stacks = true;
		break;
	case 1:
		po->format = PRESENT_JSON;
		break;
	case 2:
		po->format = PRESENT_CSV;
		po->csv_table = size & 8 ? NULL :
			csv_tables[size / NR_VIEWS % (sizeof(csv_tables) / sizeof(csv_tables[0]))];
		break;
	case 3:
		po->format = PRESENT_NONE;
		po->perfetto_path = "/dev/null";
		po->html_path = "/dev/null";
		po->folded_path = "/dev/null";
		break;
	case 4:
		/* a zoomed window on a few CPUs */
		po->format = PRESENT_NONE;
		po->ascii_timeline = true;
		po->map = size & 1 ? PRESENT_MAP_TASK : PRESENT_MAP_CPU;
		po->from_ns = 1000 * (size % 7);
		po->to_ns = po->from_ns + 5000000;
		po->cpus = size & 2 ? "0,1" : "0-3";
		po->width = 40 + size % 120;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct present_opts po;
	struct presenter *p = NULL;
	struct tracefile_reader *r;
	struct sl_trace_info ti;
	struct sl_event e;
	char err[256];
	int ret;

	if (memfd < 0)
		setup();
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	if (tracefile__open(path, &ti, &r, err, sizeof(err)))
		return 0;
	view(&po, size);
	if (presenter__new(&po, &ti, &p))
		p = NULL;
	while ((ret = tracefile__next(r, &e)) == 1)
		if (p && presenter__sink(&e, p)) {
			presenter__free(p);
			p = NULL;
		}
	tracefile__close(r);
	if (p && ret == 0)
		presenter__finish(p, &ti, devnull);
	presenter__free(p);
	fflush(devnull);
	sl_trace_info__free(&ti);
	return 0;
}
