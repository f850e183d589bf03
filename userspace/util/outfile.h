/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output files created safely, as root may write them anywhere: a new file
 * is created exclusively (O_EXCL | O_NOFOLLOW, a random name) in the
 * target's directory and renamed over the target when it is complete.  A
 * symlink planted at the target is replaced, never followed; a file
 * created there in advance is replaced, never written into.  Until the
 * rename nothing is at the target, so a failed write leaves no half file.
 * A character device (/dev/null) is written in place, and so are a FIFO
 * and a symlink to a device or FIFO where the directory is one only root
 * (or we) can write (/dev/stdout).  A symlink to a file is never followed,
 * wherever it is.
 */
#ifndef SL_OUTFILE_H
#define SL_OUTFILE_H

#include <stdio.h>

struct outfile;

/*
 * Creates the new file next to `path` with `mode` (before the umask).
 * 0 or a negative errno (ENOENT: no such directory, EISDIR: path names a
 * directory, ...).
 */
int outfile__create(const char *path, unsigned int mode, struct outfile **out);
FILE *outfile__file(const struct outfile *of);
const char *outfile__path(const struct outfile *of);

/*
 * Renames the file into place now while it is still being written (a trace
 * that must survive its writer being killed).  0 or a negative errno.
 */
int outfile__publish(struct outfile *of);

/*
 * Records a write error seen by the caller (a negative errno); the first
 * one is kept and returned by outfile__commit.
 */
void outfile__set_error(struct outfile *of, int err);
/* The first write error so far (from the stream or the caller), or 0. */
int outfile__error(struct outfile *of);

/*
 * Flushes, closes and renames into place; on any error (a write error now
 * or before) the new file is removed instead, unless it was published.
 * Frees of.  0 or -errno.
 */
int outfile__commit(struct outfile *of);

/* Closes and removes the new file (also once published); accepts NULL. */
void outfile__abort(struct outfile *of);

/*
 * Makes stdout a stream that keeps the errno of a failed write, so that a
 * full disk or a closed pipe behind stdout can be named; call first thing.
 */
void outfile__keep_stdout_errors(void);
/* The first write error on stdout (a negative errno), or 0. */
int outfile__stdout_error(void);

#endif
