/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Merges the per-CPU ring streams into one time-ordered stream.
 *
 * Each CPU's records arrive almost in order (a probe interrupted between
 * taking its timestamp and reserving its record can commit late), so each
 * CPU keeps a small sorted queue and a k-way merge over a min-heap of the
 * queue heads releases everything at or before a watermark: a time before
 * which every record must already have been committed.  Per record that is
 * O(log N) in the number of queues.  A record that still arrives behind
 * what was released is clamped to the last released time and counted.
 */
#ifndef SL_MERGE_H
#define SL_MERGE_H

#include "format/event.h"

struct merge;

/* nqueues: one per CPU, plus any other source merged like a CPU. */
int  merge__new(__u32 nqueues, struct merge **out);
void merge__free(struct merge *m);
/* n more queues, numbered from *first on.  0, -ENOMEM or -E2BIG. */
int  merge__add_queues(struct merge *m, __u32 n, __u32 *first);
/* Queues one record (copied) on the queue of its CPU.  0 or -ENOMEM. */
int  merge__push(struct merge *m, const struct sl_event *e);
/* Queues one record on queue qi (out of range: queue 0). */
int  merge__push_to(struct merge *m, __u32 qi, const struct sl_event *e);
/* Emits, in time order, every queued record with ts <= watermark. */
int  merge__drain(struct merge *m, __u64 watermark, sl_event_fn fn, void *ctx);
/* Emits everything still queued. */
int  merge__flush(struct merge *m, sl_event_fn fn, void *ctx);
__u64 merge__late(const struct merge *m);
__u64 merge__pending(const struct merge *m);

#endif
