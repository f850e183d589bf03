// SPDX-License-Identifier: GPL-2.0
/* Per-item work: CPU spin, sleep, fsync'd writes, O_DIRECT reads. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/units.h"
#include "work.h"

static void set_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, arg);
}

static int parse_size(const char *s, uint64_t *bytes)
{
	uint64_t v = 0, mult = 1;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (v > UINT64_MAX / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s++ - '0');
		digits++;
	}
	if (!digits)
		return -EINVAL;
	if (*s == 'k' || *s == 'K')
		mult = 1024, s++;
	else if (*s == 'm' || *s == 'M')
		mult = 1024 * 1024, s++;
	else if (*s == 'b' || *s == 'B')
		s++;
	if (*s)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*bytes = v * mult;
	return 0;
}

int work__parse(const char *s, struct work_spec *w, char *err, size_t errlen)
{
	struct work_spec spec = { 0 };
	const char *arg;

	if (!s)
		return -EINVAL;
	if (strcmp(s, "none") == 0) {
		*w = spec;
		return 0;
	}
	if (strncmp(s, "cpu:", 4) == 0 || strncmp(s, "sleep:", 6) == 0) {
		spec.kind = s[0] == 'c' ? WORK_CPU : WORK_SLEEP;
		arg = strchr(s, ':') + 1;
		unsigned long long ns = 0;

		if (parse_duration(arg, 0, &ns) || ns == 0 || ns > WORK_MAX_NS) {
			set_err(err, errlen, "bad duration '%s' (1ns to 10s, with a unit: ns, us, ms, s)", arg);
			return -EINVAL;
		}
		spec.ns = ns;
	} else if (strncmp(s, "io:fsync:", 9) == 0 || strncmp(s, "io:read:", 8) == 0) {
		spec.kind = s[3] == 'f' ? WORK_IO_FSYNC : WORK_IO_READ;
		arg = s + (spec.kind == WORK_IO_FSYNC ? 9 : 8);
		if (parse_size(arg, &spec.bytes) || spec.bytes == 0 || spec.bytes > WORK_MAX_BYTES) {
			set_err(err, errlen, "bad size '%s' (1 byte to 64m, e.g. 4k)", arg);
			return -EINVAL;
		}
		if (spec.kind == WORK_IO_READ && spec.bytes % WORK_DIRECT_ALIGN) {
			set_err(err, errlen, "bad size '%s' (O_DIRECT reads need a multiple of 4k)", arg);
			return -EINVAL;
		}
	} else {
		set_err(err, errlen, "unknown work '%s'", s);
		return -EINVAL;
	}
	*w = spec;
	return 0;
}

static void format_size(uint64_t b, char *buf, size_t len)
{
	if (b % (1024 * 1024) == 0)
		snprintf(buf, len, "%" PRIu64 "m", b >> 20);
	else if (b % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 "k", b >> 10);
	else
		snprintf(buf, len, "%" PRIu64, b);
}

int work__format(const struct work_spec *w, char *buf, size_t len)
{
	char v[32];
	int n;

	switch (w->kind) {
	case WORK_NONE:
		n = snprintf(buf, len, "none");
		break;
	case WORK_CPU:
	case WORK_SLEEP:
		format_duration_exact(w->ns, v, sizeof(v));
		n = snprintf(buf, len, "%s:%s", w->kind == WORK_CPU ? "cpu" : "sleep", v);
		break;
	case WORK_IO_FSYNC:
	case WORK_IO_READ:
		format_size(w->bytes, v, sizeof(v));
		n = snprintf(buf, len, "io:%s:%s", w->kind == WORK_IO_FSYNC ? "fsync" : "read", v);
		break;
	default:
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int work__needs_dir(const struct work_spec *w)
{
	return w->kind == WORK_IO_FSYNC || w->kind == WORK_IO_READ;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_full(int fd, const void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* io:read cycles through a file of this many items so reads spread out. */
#define READ_FILE_ITEMS 16

int work__open(struct work_ctx *ctx, const struct work_spec *w, const char *dir, const char *tag)
{
	char path[4096];
	int dfd, err;

	memset(ctx, 0, sizeof(*ctx));
	ctx->fd = -1;
	if (!work__needs_dir(w))
		return 0;
	if (!dir)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s.dat", tag);
	/* a new file in the directory itself: no symlink followed at either end */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	err = posix_memalign(&ctx->buf, WORK_DIRECT_ALIGN, w->bytes);
	if (err) {
		close(dfd);
		return -err;
	}
	memset(ctx->buf, 0xa5, w->bytes);
	ctx->fd = openat(dfd, path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ctx->fd < 0) {
		err = -errno;
		goto err_free;
	}
	if (w->kind == WORK_IO_READ) {
		ctx->file_bytes = w->bytes * READ_FILE_ITEMS;
		for (uint64_t off = 0; off < ctx->file_bytes; off += w->bytes) {
			err = write_full(ctx->fd, ctx->buf, w->bytes, (off_t)off);
			if (err)
				goto err_close;
		}
		if (fsync(ctx->fd)) {
			err = -errno;
			goto err_close;
		}
		close(ctx->fd);
		ctx->fd = openat(dfd, path, O_RDONLY | O_DIRECT | O_NOFOLLOW | O_CLOEXEC);
		if (ctx->fd < 0) {
			err = errno == EINVAL ? -EOPNOTSUPP : -errno;	/* fs without O_DIRECT */
			goto err_free;
		}
	}
	close(dfd);
	return 0;

err_close:
	close(ctx->fd);
	ctx->fd = -1;
err_free:
	free(ctx->buf);
	ctx->buf = NULL;
	close(dfd);
	return err;
}

int work__run(struct work_ctx *ctx, const struct work_spec *w)
{
	struct timespec ts;
	uint64_t end, x;
	ssize_t n;
	int err;

	switch (w->kind) {
	case WORK_NONE:
		return 0;
	case WORK_CPU:
		end = thread_cpu_ns() + w->ns;
		x = ctx->spin_sink | 1;
		/* Check the clock every ~1 us of arithmetic: a syscall per check. */
		do {
			for (int i = 0; i < 256; i++)
				x = x * 6364136223846793005ull + 1442695040888963407ull;
		} while (thread_cpu_ns() < end);
		ctx->spin_sink = x;
		return 0;
	case WORK_SLEEP:
		ts.tv_sec = (time_t)(w->ns / UINT64_C(1000000000));
		ts.tv_nsec = (long)(w->ns % 1000000000ull);
		/* EINTR is a stop request: let the caller look at it */
		return nanosleep(&ts, NULL) ? -errno : 0;
	case WORK_IO_FSYNC:
		err = write_full(ctx->fd, ctx->buf, w->bytes, 0);
		if (err)
			return err;
		return fsync(ctx->fd) ? -errno : 0;
	case WORK_IO_READ:
		do {
			n = pread(ctx->fd, ctx->buf, w->bytes, (off_t)ctx->next_off);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		ctx->next_off = (ctx->next_off + w->bytes) % ctx->file_bytes;
		return 0;
	}
	return -EINVAL;
}

void work__close(struct work_ctx *ctx)
{
	if (ctx->fd >= 0)
		close(ctx->fd);
	ctx->fd = -1;
	free(ctx->buf);
	ctx->buf = NULL;
}
