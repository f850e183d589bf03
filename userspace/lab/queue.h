/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded blocking queues between processes, three backends behind one
 * interface:
 *
 *   shm   a ring in MAP_SHARED memory guarded by a process-shared robust
 *         mutex and two futex condition variables (not full, not empty)
 *   pipe  a data pipe plus a credit pipe that bounds it to `capacity` items
 *   mq    a POSIX message queue with mq_maxmsg = capacity
 *
 * A queue is created before fork() and used by the children that inherit
 * it.  Every push and pop fires a USDT probe (provider "schedlab"), and
 * every wait is announced by a probe right before the call that blocks, so
 * a tracer can say why a process left the CPU.
 */
#ifndef SCHEDLAB_QUEUE_H
#define SCHEDLAB_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "schedlab.h"

enum queue_kind {
	QUEUE_SHM = 0,
	QUEUE_PIPE,
	QUEUE_MQ,
};

#define QUEUE_MAX_CAPACITY	(1u << 20)
#define QUEUE_MAX_PAYLOAD	64u
/* An item id that is not an item: a "stop" message for a consumer (the probes' SL_ITEM_PILL). */
#define QUEUE_ID_PILL		SL_ITEM_PILL

/* What travels through the queue; an optional payload follows it. */
struct queue_item {
	uint32_t id;		/* global sequence number */
	uint32_t producer;	/* producer index */
	uint64_t enqueue_ns;	/* CLOCK_BOOTTIME, set by queue__push */
};

struct queue;

/* "shm", "pipe", "mq" -> kind; -EINVAL if unknown. */
int queue__kind_parse(const char *s, enum queue_kind *kind);
const char *queue__kind_name(enum queue_kind kind);

/*
 * Creates a queue of `capacity` items (1..QUEUE_MAX_CAPACITY) carrying
 * `payload_size` extra bytes each (0..QUEUE_MAX_PAYLOAD).  `qid` is the
 * queue id in every probe.  The mq backend may need root for capacity above
 * /proc/sys/fs/mqueue/msg_max (-EPERM then).
 */
int queue__new(enum queue_kind kind, uint32_t qid, uint32_t capacity,
	       size_t payload_size, struct queue **out);
/* Releases this process's handle; the other processes keep theirs. */
void queue__free(struct queue *q);

/*
 * Enqueues *it (its enqueue_ns is set here) and `payload` (may be NULL).
 * Blocks while the queue is full: timeout_ms < 0 waits forever, 0 does not
 * wait.  Returns 0, -ETIMEDOUT, -EINTR (a signal arrived while waiting) or
 * another negative errno.
 */
int queue__push(struct queue *q, struct queue_item *it, const void *payload,
		int timeout_ms);

/*
 * Dequeues the oldest item into *it and `payload` (may be NULL).  When
 * `claim` is given, (id + 1) is stored there before the item leaves the
 * queue for good (shm: inside the critical section, before the commit), so a
 * process killed after the pop can still be charged with the item it held.
 * (A pill's id + 1 wraps to 0: "holding nothing".)  Timeouts and return
 * values as queue__push.
 */
int queue__pop(struct queue *q, struct queue_item *it, void *payload,
	       int timeout_ms, uint32_t *claim);

/*
 * Pops without probes and without waiting: for draining a queue after its
 * users are gone.  Returns 0, -EAGAIN when empty, or a negative errno.
 */
int queue__drain_one(struct queue *q, struct queue_item *it, void *payload);

/*
 * Gives back capacity that processes killed in the middle of an operation
 * took with them (pipe: a credit taken or not returned).  Call it only when
 * no process is inside queue__push/queue__pop, e.g. when the run has
 * stalled.  Returns how many slots it restored (0 for shm and mq, which
 * need no repair).
 */
int queue__repair(struct queue *q);

/* Items in the queue now, exact (pipe and mq ask the kernel: a syscall). */
uint32_t queue__depth(const struct queue *q);
uint32_t queue__capacity(const struct queue *q);
uint32_t queue__id(const struct queue *q);
enum queue_kind queue__kind(const struct queue *q);
/* Times a lock owner's death was recovered (shm only; 0 for the others). */
uint64_t queue__recoveries(const struct queue *q);

#endif /* SCHEDLAB_QUEUE_H */
