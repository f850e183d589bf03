/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The versioned on-disk trace: header, event blocks, footer, trailer.
 * Layout and encoding are described in docs/trace-format.md.  The reader
 * streams: it holds one block in memory whatever the trace length.
 */
#ifndef SL_TRACEFILE_H
#define SL_TRACEFILE_H

#include <stdio.h>
#include "event.h"

/*
 * 2 added the traced machine's architecture, 3 the kernel's schedstat and
 * delay-accounting counters (and a flags word) in the footer; versions 1
 * and 2 are still read.
 */
#define SL_TRACE_VERSION 3

struct tracefile_writer;
struct tracefile_reader;

/*
 * Writes the header from ti (version, ncpu, start, kernel, cmdline, config)
 * to a new file that replaces path at once (util/outfile.h: never through
 * a symlink, never into a file that was there).  0 or a negative errno.
 */
int tracefile__create(const char *path, const struct sl_trace_info *ti,
		      struct tracefile_writer **out);
int tracefile__write(struct tracefile_writer *w, const struct sl_event *e);
/*
 * Writes the events so far as a block and hands them to the kernel, so a
 * killed writer loses nothing before this call.  0 or the first write error.
 */
int tracefile__flush(struct tracefile_writer *w);
const char *tracefile__path(const struct tracefile_writer *w);
/* Bytes of event data written so far (encoded, without framing). */
__u64 tracefile__event_bytes(const struct tracefile_writer *w);
/*
 * Writes footer (ti's task table, per-CPU stats) and trailer; frees w.
 * After a write error it writes nothing more and returns that error: the
 * file keeps its complete blocks and reads as a trace cut short.
 */
int tracefile__finish(struct tracefile_writer *w, const struct sl_trace_info *ti);
/* Drops an unfinished trace (error paths); accepts NULL. */
void tracefile__abort(struct tracefile_writer *w);

/*
 * Opens a trace and fills ti from header and footer.  On failure returns a
 * negative errno and a one-line reason in err ("not a schedlab trace",
 * "corrupt trace: ...").  A trace cut short (no trailer) opens: its events
 * are read up to the last complete block, ti's end is that block's last
 * event, its task table grows from the events as they are read (ti must
 * outlive the reader), and tracefile__warning says what is missing.
 */
int tracefile__open(const char *path, struct sl_trace_info *ti,
		    struct tracefile_reader **out, char *err, size_t errlen);
/*
 * 1: *e is the next event; 0: end of events; <0: corrupt (error set).
 * Every event is checked against the header (CPU numbers, time order, ...).
 */
int tracefile__next(struct tracefile_reader *r, struct sl_event *e);
const char *tracefile__error(const struct tracefile_reader *r);
/* One line saying where a cut-short trace stops and what is missing, or NULL. */
const char *tracefile__warning(const struct tracefile_reader *r);
void tracefile__close(struct tracefile_reader *r);

/* Event encoding, exposed for tests and the benchmark. */
size_t tracefile__encode(const struct sl_event *e, const struct sl_event *prev,
			 unsigned char *buf);
int tracefile__decode(const unsigned char *buf, size_t len, const struct sl_event *prev,
		      struct sl_event *e);

#endif
