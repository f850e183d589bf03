/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pool of worker processes, as multiprocessing.Pool: apply (submit and
 * wait for the result: a synchronous call), apply_async (submit, get a
 * handle, collect the result later: an asynchronous call) and map.
 *
 * Tasks travel through a queue (any backend) to the workers; results come
 * back through slots in shared memory, each a futex the caller sleeps on.
 * The pool is created in one process and may be used by any process forked
 * from it afterwards.  Functions are passed as pointers, which is valid
 * because every process is a fork of the same program image.
 */
#ifndef SCHEDLAB_POOL_H
#define SCHEDLAB_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "queue.h"

struct proc;
struct pool;

/* A task: runs in worker `worker` for the task with id `id`. */
typedef uint64_t (*pool_fn)(uint64_t arg, uint32_t id, unsigned int worker);

struct pool_opts {
	unsigned int workers;		/* 1..1024 */
	enum queue_kind queue;		/* how tasks travel */
	unsigned int capacity;		/* task queue; 0 = 2 * workers */
	unsigned int slots;		/* results outstanding at most; 0 = capacity + workers */
	uint32_t qid;			/* queue id in the probes */
	const char *name;		/* worker name prefix, default "worker" */
	/* Runs in each worker after fork, before its first task; non-zero = exit code. */
	int (*worker_init)(unsigned int worker, void *ctx);
	void *ctx;
	/* Optional shared [workers] words: (task id + 1) while a worker holds a task. */
	uint32_t *claims;
	size_t claim_stride;		/* bytes between claims; 0 = sizeof(uint32_t) */
};

struct pool_handle {
	uint32_t slot;
	uint32_t gen;
	uint32_t id;
};

/* Forks the workers (daemons, named "<name>-<i>"). */
int pool__new(const struct pool_opts *opts, struct pool **out);

/* Submits fn(arg) as task `id`; waits for a free result slot first. */
int pool__submit(struct pool *p, pool_fn fn, uint64_t arg, uint32_t id, int timeout_ms,
		 struct pool_handle *h);
/* Submits with the next id of the pool's own sequence. */
int pool__apply_async(struct pool *p, pool_fn fn, uint64_t arg, struct pool_handle *h);
/*
 * Waits for the result of a submitted task and frees its slot.  -ETIMEDOUT
 * (the handle stays valid), -EINTR, -EPIPE if the worker running it died
 * (see pool__worker_died), -EINVAL for a stale handle.
 */
int pool__get(struct pool *p, const struct pool_handle *h, int timeout_ms, uint64_t *result);
/* apply_async + get: the caller waits while a worker runs fn. */
int pool__apply(struct pool *p, pool_fn fn, uint64_t arg, uint64_t *result);
/* results[i] = fn(args[i]), spread over the workers; at most `slots` in flight. */
int pool__map(struct pool *p, pool_fn fn, const uint64_t *args, uint64_t *results, size_t n);

/* No more tasks: each worker exits once the tasks queued before are done. */
int pool__close(struct pool *p, int timeout_ms);
/* Waits for every worker to exit and reaps them. */
int pool__join(struct pool *p, int timeout_ms);
/* SIGTERM to every worker (they stop after the current task). */
void pool__terminate(struct pool *p);
/*
 * Tells the pool that worker `worker` died (e.g. SIGKILL): the task it held
 * fails with -EPIPE so that pool__get does not wait for it forever.
 */
void pool__worker_died(struct pool *p, unsigned int worker);

/*
 * Fails every task that has no result yet.  For a pool whose worker died
 * between taking a task off the queue and saying so (the kernel can hand
 * over a message and then kill the receiver on its way back): call it only
 * when no task is queued or running, or live tasks fail too.  Returns how
 * many it failed.
 */
unsigned int pool__fail_orphans(struct pool *p);

unsigned int pool__size(const struct pool *p);
struct proc *pool__worker(struct pool *p, unsigned int i);
struct queue *pool__queue(struct pool *p);

/* Kills and reaps workers still running (in the creating process) and frees. */
void pool__free(struct pool *p);

#endif /* SCHEDLAB_POOL_H */
