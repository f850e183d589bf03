/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The queue event log: queue and item events written by the workload
 * itself into shared memory, without a trap per event.
 *
 * One region, mapped shared before the workload forks, holds a
 * single-writer ring per thread that emits (a slot, claimed at its first
 * event).  A record is a struct sl_event (bpf/schedlab.h) stamped with
 * CLOCK_BOOTTIME, the probes' clock, so the tracer merges each slot like
 * one more CPU's ring.  The USDT probe sites (provider "schedlab") stay in
 * the queue code for external tools; this log is what schedlab reads.
 * A full ring drops the record and counts it, per CPU.
 */
#ifndef SL_LAB_QLOG_H
#define SL_LAB_QLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "schedlab.h"

struct qlog;

/*
 * Maps a log for at most nslots writer threads of slot_records records
 * each (a power of two).  0, -EINVAL or -ENOMEM.
 */
int  qlog__create(uint32_t nslots, uint32_t slot_records, struct qlog **out);
void qlog__destroy(struct qlog *l);	/* accepts NULL; uninstalls it */

/*
 * Makes l the log this process (and every process it forks from now on)
 * writes to; NULL stops writing.  Call before forking the workload.
 */
int  qlog__install(struct qlog *l);

/* Writer side: one record, if a log is installed.  Cheap when none is. */
void qlog__emit(__u8 type, uint32_t qid, uint32_t depth, uint32_t item, uint64_t enqueue_ns);

/* Reader side (one reader). */
uint32_t qlog__nslots(const struct qlog *l);
/* Hands every record written to slot since the last call to fn, in order. */
int  qlog__drain(struct qlog *l, uint32_t slot,
		 int (*fn)(const struct sl_event *e, uint32_t slot, void *ctx), void *ctx);
/* Records dropped on cpu: ring full, or more writer threads than slots. */
uint64_t qlog__lost(const struct qlog *l, uint32_t cpu);

#endif
