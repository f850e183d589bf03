/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a producer or consumer does per item:
 *
 *   none            nothing
 *   cpu:200us       spin on the CPU for 200 us of this thread's CPU time
 *   sleep:1ms       sleep (off CPU, not runnable)
 *   io:fsync:4k     write 4 KiB to a private file and fsync it (disk write)
 *   io:read:4k      read 4 KiB with O_DIRECT, bypassing the page cache
 *
 * Durations take ns, us, ms or s; sizes k (KiB) or m (MiB), or bytes.
 * CPU work is measured in CPU time, not wall time, so a process that has to
 * share its CPU takes longer for the same work: that stretch is what time
 * multiplexing costs.
 */
#ifndef SCHEDLAB_WORK_H
#define SCHEDLAB_WORK_H

#include <stddef.h>
#include <stdint.h>

enum work_kind {
	WORK_NONE = 0,
	WORK_CPU,
	WORK_SLEEP,
	WORK_IO_FSYNC,
	WORK_IO_READ,
};

#define WORK_MAX_NS	(10ull * 1000000000ull)	/* 10 s per item */
#define WORK_MAX_BYTES	(64ull << 20)		/* 64 MiB per item */
#define WORK_DIRECT_ALIGN 4096u

struct work_spec {
	enum work_kind kind;
	uint64_t ns;		/* cpu, sleep */
	uint64_t bytes;		/* io */
};

/* Parses a spec as above.  -EINVAL with a reason in err (may be NULL). */
int work__parse(const char *s, struct work_spec *w, char *err, size_t errlen);
/* The canonical text of a spec ("cpu:200us"); parses back to the same spec. */
int work__format(const struct work_spec *w, char *buf, size_t len);
/* True for io:* specs (they need a directory). */
int work__needs_dir(const struct work_spec *w);


/* Per-process state of the work: the file and buffer for I/O. */
struct work_ctx {
	int fd;
	void *buf;
	uint64_t file_bytes;
	uint64_t next_off;
	uint64_t spin_sink;
};

/*
 * Prepares to run `w` in this process; for I/O creates dir/<tag>.dat (for
 * io:read filled and synced first, so the reads hit the disk).
 */
int work__open(struct work_ctx *ctx, const struct work_spec *w, const char *dir, const char *tag);
/* Does one item's worth of work.  0 or a negative errno. */
int work__run(struct work_ctx *ctx, const struct work_spec *w);
void work__close(struct work_ctx *ctx);

#endif /* SCHEDLAB_WORK_H */
