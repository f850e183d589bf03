// SPDX-License-Identifier: GPL-2.0
/*
 * Safe output files: see outfile.h.  The stream is a stdio cookie stream
 * over our own descriptor so that a failed write keeps its errno (ENOSPC,
 * EDQUOT, EIO): stdio's ferror() alone cannot say why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "outfile.h"

#define TMP_TRIES 32

struct outfile {
	FILE *f;
	int fd;
	int dirfd;
	int err;		/* first write error, negative errno */
	int published;
	bool in_place;		/* a device or FIFO, written where it is */
	__u64 pos;		/* bytes written: ftell on a pipe, too */
	char *path;		/* as given, for messages */
	char *base;		/* name in dirfd */
	char tmp[300];		/* the new file's name in dirfd until renamed */
};

static ssize_t cookie_write(void *c, const char *buf, size_t size)
{
	struct outfile *of = c;
	size_t done = 0;

	while (done < size) {
		ssize_t n = write(of->fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!of->err)
				of->err = n < 0 ? -errno : -EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)n;
		of->pos += (__u64)n;
	}
	return (ssize_t)done;
}

static int cookie_seek(void *c, off64_t *pos, int whence)
{
	struct outfile *of = c;
	off_t r;

	/* the files are only appended to: where we are is what was written */
	if (whence == SEEK_CUR && *pos == 0) {
		*pos = (off64_t)of->pos;
		return 0;
	}
	r = lseek(of->fd, (off_t)*pos, whence);
	if (r < 0)
		return -1;
	*pos = r;
	return 0;
}

static int cookie_close(void *c)
{
	(void)c;
	return 0;	/* the descriptor is closed by the outfile */
}

static void random_name(char *buf, size_t len, const char *base)
{
	unsigned char r[8];
	char hex[17];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* no entropy source: the name is then only unlikely, O_EXCL keeps it safe */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)((ts.tv_nsec >> (i * 4)) ^ getpid() ^ (int)i * 97);
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(buf, len, ".%.200s.%s.tmp", base, hex);
}

static void outfile_free(struct outfile *of)
{
	if (of->f)
		fclose(of->f);
	if (of->fd >= 0)
		close(of->fd);
	if (of->dirfd >= 0)
		close(of->dirfd);
	free(of->path);
	free(of->base);
	free(of);
}

/*
 * A directory nobody but root or we may write: a symlink in it was put
 * there by a trusted hand (/dev/stdout), one in /tmp perhaps not.
 */
static bool dir_trusted(int dirfd)
{
	struct stat st;

	return fstat(dirfd, &st) == 0 && (st.st_uid == 0 || st.st_uid == geteuid()) &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Splits path into an open directory and the name in it. */
static int locate(struct outfile *of, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (of->dirfd >= 0)
		close(of->dirfd);
	free(of->base);
	of->dirfd = -1;
	of->base = strdup(slash ? slash + 1 : path);
	dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	if (!of->base || !dir) {
		free(dir);
		return -ENOMEM;
	}
	of->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (of->dirfd < 0)
		return -errno;
	if (!*of->base || !strcmp(of->base, ".") || !strcmp(of->base, ".."))
		return -EISDIR;
	return 0;
}

/*
 * The descriptor a path names when it is one of ours: /dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N — whatever the shell connected
 * it to (a file it truncated, a pipe, a terminal).  -1 for any other path.
 */
static int own_descriptor(const char *path)
{
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/" };
	unsigned long n;
	char *end;

	if (!strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t len = strlen(dirs[i]);

		if (strncmp(path, dirs[i], len) || path[len] < '0' || path[len] > '9')
			continue;
		errno = 0;
		n = strtoul(path + len, &end, 10);
		if (errno || *end || n > 1024 || fcntl((int)n, F_GETFD) < 0)
			return -1;
		return (int)n;
	}
	return -1;
}

/*
 * Which file to write: 0 with of->fd open for a device or a FIFO (written
 * in place: /dev/null, /dev/stdout, a pipe), 1 to create a new file and
 * rename it over of->base, or a negative errno.  A symlink is never
 * followed to a file: whoever planted it, the link itself is replaced and
 * what it points to stays as it was.  Only a link in a trusted directory
 * that leads to a device or a FIFO (/dev/stdout) is written through.
 */
static int choose_target(struct outfile *of, const char *path)
{
	struct stat st, to;
	bool trusted;
	int fd = own_descriptor(path), err;

	if (fd >= 0) {
		of->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		return of->fd < 0 ? -errno : 0;
	}
	err = locate(of, path);
	if (err)
		return err;
	if (fstatat(of->dirfd, of->base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 1 : -errno;
	trusted = dir_trusted(of->dirfd);
	if (S_ISLNK(st.st_mode)) {
		if (trusted && !fstatat(of->dirfd, of->base, &to, 0) &&
		    (S_ISCHR(to.st_mode) || S_ISFIFO(to.st_mode))) {
			of->fd = openat(of->dirfd, of->base, O_WRONLY | O_NOCTTY | O_CLOEXEC);
			return of->fd < 0 ? -errno : 0;
		}
		return 1;	/* replaced, not followed */
	}
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	/* only root makes device nodes; a FIFO only where we trust who made it */
	if (S_ISCHR(st.st_mode) || (S_ISFIFO(st.st_mode) && trusted)) {
		of->fd = openat(of->dirfd, of->base, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
		return of->fd < 0 ? -errno : 0;
	}
	return 1;
}

int outfile__create(const char *path, unsigned int mode, struct outfile **out)
{
	static const cookie_io_functions_t io = {
		.write = cookie_write, .seek = cookie_seek, .close = cookie_close,
	};
	struct outfile *of;
	int err;

	*out = NULL;
	if (!path || !*path)
		return -ENOENT;
	of = calloc(1, sizeof(*of));
	if (!of)
		return -ENOMEM;
	of->fd = -1;
	of->dirfd = -1;
	of->path = strdup(path);
	err = of->path ? choose_target(of, path) : -ENOMEM;
	if (err < 0)
		goto fail;
	of->in_place = err == 0;
	for (int i = 0; i < TMP_TRIES && of->fd < 0; i++) {
		random_name(of->tmp, sizeof(of->tmp), of->base);
		of->fd = openat(of->dirfd, of->tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		err = -errno;
		if (of->fd < 0 && errno != EEXIST)
			goto fail;
	}
	if (of->fd < 0)
		goto fail;
	of->f = fopencookie(of, "w", io);
	if (!of->f) {
		err = -ENOMEM;
		if (!of->in_place)
			unlinkat(of->dirfd, of->tmp, 0);
		goto fail;
	}
	*out = of;
	return 0;
fail:
	outfile_free(of);
	return err;
}

FILE *outfile__file(const struct outfile *of)
{
	return of->f;
}

const char *outfile__path(const struct outfile *of)
{
	return of->path;
}

int outfile__publish(struct outfile *of)
{
	if (of->published || of->in_place)
		return 0;
	if (renameat(of->dirfd, of->tmp, of->dirfd, of->base))
		return -errno;
	of->published = 1;
	return 0;
}

void outfile__set_error(struct outfile *of, int err)
{
	if (!of->err && err)
		of->err = err < 0 ? err : -err;
}

int outfile__error(struct outfile *of)
{
	if (!of->err && ferror(of->f))
		of->err = -EIO;
	return of->err;
}

int outfile__commit(struct outfile *of)
{
	int err;

	if (fflush(of->f) && !of->err)
		of->err = -EIO;
	err = outfile__error(of);
	fclose(of->f);
	of->f = NULL;
	if (!err && close(of->fd))
		err = -errno;
	of->fd = -1;
	if (!err && !of->published && !of->in_place &&
	    renameat(of->dirfd, of->tmp, of->dirfd, of->base))
		err = -errno;
	/* a published file stays: it is readable up to where it stops */
	if (err && !of->published && !of->in_place)
		unlinkat(of->dirfd, of->tmp, 0);
	outfile_free(of);
	return err;
}

void outfile__abort(struct outfile *of)
{
	if (!of)
		return;
	if (!of->in_place)
		unlinkat(of->dirfd, of->published ? of->base : of->tmp, 0);
	outfile_free(of);
}

static struct outfile stdout_of = { .fd = STDOUT_FILENO, .dirfd = -1 };

void outfile__keep_stdout_errors(void)
{
	static const cookie_io_functions_t io = { .write = cookie_write, .close = cookie_close };
	FILE *f = fopencookie(&stdout_of, "w", io);

	if (!f)
		return;
	if (isatty(STDOUT_FILENO))
		setvbuf(f, NULL, _IOLBF, 0);
	fflush(stdout);
	stdout_of.f = f;
	stdout = f;
}

int outfile__stdout_error(void)
{
	if (fflush(stdout) && !stdout_of.err)
		return errno ? -errno : -EIO;
	if (!stdout_of.err && ferror(stdout))
		return -EIO;
	return stdout_of.err;
}
