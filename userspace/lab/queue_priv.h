/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by queue.c and its backends; not for other modules. */
#ifndef SCHEDLAB_QUEUE_PRIV_H
#define SCHEDLAB_QUEUE_PRIV_H

#include <mqueue.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/sdt.h>

#include "futex.h"
#include "queue.h"

/*
 * A message is a struct queue_item followed by the payload.  Backends move
 * opaque messages of q->msg_size bytes and report the depth after the
 * operation; the probes for push and pop are fired by queue.c, the probes
 * for waiting by the backends, right before the call that blocks.
 */
struct queue_ops {
	int (*push)(struct queue *q, const void *msg, int timeout_ms, uint32_t *depth);
	int (*pop)(struct queue *q, void *msg, int timeout_ms, uint32_t *claim, uint32_t *depth);
	int (*drain_one)(struct queue *q, void *msg);
	uint32_t (*depth)(const struct queue *q);
	int (*repair)(struct queue *q);	/* optional */
	void (*free)(struct queue *q);
};

/* The shm backend's shared memory (visible here for white-box tests). */
struct shm_ring {
	pthread_mutex_t lock;	/* process-shared, robust */
	struct fcond not_full;
	struct fcond not_empty;
	uint64_t head;		/* items ever popped */
	uint64_t tail;		/* items ever pushed */
	uint64_t recoveries;	/* EOWNERDEAD seen */
	unsigned char slots[] __attribute__((aligned(16)));
};

/* pipe and mq keep their depth in a shared counter. */
struct queue_counter {
	int64_t depth;
};

struct queue {
	const struct queue_ops *ops;
	enum queue_kind kind;
	uint32_t qid;
	uint32_t capacity;
	size_t msg_size;
	union {
		struct {
			struct shm_ring *ring;
			size_t map_len;
		} shm;
		struct {
			int data[2];	/* items, read end non-blocking */
			int credit[2];	/* one byte per free slot */
			struct queue_counter *ctr;
		} pipe;
		struct {
			mqd_t blk;	/* blocking descriptor */
			mqd_t nb;	/* O_NONBLOCK descriptor of the same queue */
			struct queue_counter *ctr;
		} mq;
	};
};

extern const struct queue_ops queue_shm_ops;
extern const struct queue_ops queue_pipe_ops;
extern const struct queue_ops queue_mq_ops;

int queue_shm__init(struct queue *q);
int queue_pipe__init(struct queue *q);
int queue_mq__init(struct queue *q);

/* Depth from a shared counter, clamped: pushes and pops race with the update. */
static inline uint32_t queue_ctr__add(struct queue_counter *c, int64_t d, uint32_t cap)
{
	int64_t v = __atomic_add_fetch(&c->depth, d, __ATOMIC_RELAXED);

	if (v < 0)
		return 0;
	return v > cap ? cap : (uint32_t)v;
}

static inline uint32_t queue_ctr__get(const struct queue_counter *c, uint32_t cap)
{
	int64_t v = __atomic_load_n(&c->depth, __ATOMIC_RELAXED);

	if (v < 0)
		return 0;
	return v > cap ? cap : (uint32_t)v;
}

static inline uint32_t queue_msg__id(const void *msg)
{
	return ((const struct queue_item *)msg)->id;
}

#endif /* SCHEDLAB_QUEUE_PRIV_H */
