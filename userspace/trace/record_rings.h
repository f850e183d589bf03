/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reader of the probes' record rings (struct sl_ring_ctl in
 * bpf/schedlab.h, the writer in bpf/ring.bpf.h): both maps mapped into
 * this process, each CPU's published records handed over in order and its
 * slots given back.  One reader; no system call per drain.
 */
#ifndef SL_RECORD_RINGS_H
#define SL_RECORD_RINGS_H

#include "format/event.h"

struct record_rings;

/*
 * Maps the control map ctl_fd (ncpu entries; the reader writes tail) and,
 * read-only, the record map recs_fd (ncpu << shift records).  0 or -errno.
 */
int  record_rings__open(int ctl_fd, int recs_fd, __u32 ncpu, __u32 shift,
			struct record_rings **out);
void record_rings__close(struct record_rings *r);	/* accepts NULL */
/*
 * Hands every record published since the last call to fn, CPU by CPU,
 * each CPU's in the order written; stops at fn's first non-zero return.
 */
int  record_rings__drain(struct record_rings *r, sl_event_fn fn, void *ctx);

#endif
