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

#define SL_TRACE_VERSION 1

struct tracefile_writer;
struct tracefile_reader;

/* Writes the header from ti (version, ncpu, start, kernel, cmdline, config). */
int tracefile__create(const char *path, const struct sl_trace_info *ti,
		      struct tracefile_writer **out);
int tracefile__write(struct tracefile_writer *w, const struct sl_event *e);
/* Bytes of event data written so far (encoded, without framing). */
__u64 tracefile__event_bytes(const struct tracefile_writer *w);
/* Writes footer (ti's task table, per-CPU stats) and trailer; frees w. */
int tracefile__finish(struct tracefile_writer *w, const struct sl_trace_info *ti);
/* Drops an unfinished trace (error paths); accepts NULL. */
void tracefile__abort(struct tracefile_writer *w);

/*
 * Opens a trace and fills ti from header and footer.  On failure returns a
 * negative errno and a one-line reason in err ("not a schedlab trace",
 * "truncated: no footer", ...).
 */
int tracefile__open(const char *path, struct sl_trace_info *ti,
		    struct tracefile_reader **out, char *err, size_t errlen);
/* 1: *e is the next event; 0: end of events; <0: corrupt (err set). */
int tracefile__next(struct tracefile_reader *r, struct sl_event *e);
const char *tracefile__error(const struct tracefile_reader *r);
void tracefile__close(struct tracefile_reader *r);

/* Event encoding, exposed for tests and the benchmark. */
size_t tracefile__encode(const struct sl_event *e, const struct sl_event *prev,
			 unsigned char *buf);
int tracefile__decode(const unsigned char *buf, size_t len, const struct sl_event *prev,
		      struct sl_event *e);

#endif
