// SPDX-License-Identifier: GPL-2.0
/*
 * The shm backend: a ring in MAP_SHARED memory, a process-shared robust
 * mutex, and two futex condvars (not full, not empty).
 *
 * Crash safety: head and tail are monotonic counters and each operation
 * commits with one aligned 64-bit store (tail++ after the slot is written,
 * head++ after it is read).  A process killed inside the critical section
 * therefore leaves the ring either before or after its operation, never in
 * between, and the next locker only has to mark the mutex consistent.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "futex.h"
#include "qlog.h"
#include "queue_priv.h"

static int ring_lock(struct shm_ring *r, uint32_t qid)
{
	int err = pthread_mutex_trylock(&r->lock);

	if (err == EBUSY) {
		DTRACE_PROBE1(schedlab, q_lock_wait, qid);
		qlog__emit(SL_EV_Q_LOCK_WAIT, qid, 0, 0, 0);
		err = pthread_mutex_lock(&r->lock);
	}
	if (err == EOWNERDEAD) {
		/* The owner died; the ring is consistent (see top of file). */
		r->recoveries++;
		err = pthread_mutex_consistent(&r->lock);
	}
	return -err;
}

static void ring_unlock(struct shm_ring *r)
{
	pthread_mutex_unlock(&r->lock);
}

/*
 * Called with the lock held; returns with it held (also on error, unless the
 * relock itself failed, which cannot happen for a robust mutex that is
 * recovered in ring_lock).
 */
static int fcond_wait(struct fcond *c, struct shm_ring *r, uint32_t qid,
		      const struct timespec *deadline)
{
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	int err, lerr;

	__atomic_add_fetch(&c->waiters, 1, __ATOMIC_SEQ_CST);
	ring_unlock(r);
	err = futex__wait(&c->seq, seq, deadline);
	__atomic_sub_fetch(&c->waiters, 1, __ATOMIC_SEQ_CST);
	lerr = ring_lock(r, qid);
	return lerr ? lerr : err;
}

/* Bump under the lock; wake after unlocking (fcond_wake) so the wakee can take it. */
static int fcond_bump(struct fcond *c)
{
	__atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	return __atomic_load_n(&c->waiters, __ATOMIC_SEQ_CST) != 0;
}

static void fcond_wake(struct fcond *c)
{
	futex__wake(&c->seq, 1);
}

static int shm_push(struct queue *q, const void *msg, int timeout_ms, uint32_t *depth)
{
	uint32_t full;
	struct shm_ring *r = q->shm.ring;
	struct timespec ts;
	const struct timespec *deadline = NULL;
	int err, wake;

	err = ring_lock(r, q->qid);
	if (err)
		return err;
	while (r->tail - r->head >= q->capacity) {
		if (timeout_ms == 0) {
			ring_unlock(r);
			return -ETIMEDOUT;
		}
		if (timeout_ms > 0 && !deadline)
			deadline = futex__deadline(timeout_ms, &ts);
		full = (uint32_t)(r->tail - r->head);
		DTRACE_PROBE2(schedlab, q_wait_full, q->qid, full);
		qlog__emit(SL_EV_Q_WAIT_FULL, q->qid, full, 0, 0);
		err = fcond_wait(&r->not_full, r, q->qid, deadline);
		if (err == -ETIMEDOUT || err == -EINTR) {
			if (r->tail - r->head < q->capacity)
				break;	/* room appeared as the wait ended: take it */
			ring_unlock(r);
			return err;
		}
		if (err)
			return err;	/* relock failed: the lock is not held */
	}
	memcpy(r->slots + (r->tail % q->capacity) * q->msg_size, msg, q->msg_size);
	__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);	/* commit */
	*depth = (uint32_t)(r->tail - r->head);
	wake = fcond_bump(&r->not_empty);
	ring_unlock(r);
	if (wake)
		fcond_wake(&r->not_empty);
	return 0;
}

static int shm_pop(struct queue *q, void *msg, int timeout_ms, uint32_t *claim, uint32_t *depth)
{
	struct shm_ring *r = q->shm.ring;
	struct timespec ts;
	const struct timespec *deadline = NULL;
	int err, wake;

	err = ring_lock(r, q->qid);
	if (err)
		return err;
	while (r->tail == r->head) {
		if (timeout_ms == 0) {
			ring_unlock(r);
			return -ETIMEDOUT;
		}
		if (timeout_ms > 0 && !deadline)
			deadline = futex__deadline(timeout_ms, &ts);
		DTRACE_PROBE2(schedlab, q_wait_empty, q->qid, (uint32_t)0);
		qlog__emit(SL_EV_Q_WAIT_EMPTY, q->qid, 0, 0, 0);
		err = fcond_wait(&r->not_empty, r, q->qid, deadline);
		if (err == -ETIMEDOUT || err == -EINTR) {
			if (r->tail != r->head)
				break;
			ring_unlock(r);
			return err;
		}
		if (err)
			return err;
	}
	memcpy(msg, r->slots + (r->head % q->capacity) * q->msg_size, q->msg_size);
	/* Claim before the commit: a kill between the two leaves the item both
	 * queued and claimed, which the accounting resolves; the other order
	 * could lose it. */
	if (claim)
		__atomic_store_n(claim, queue_msg__id(msg) + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);	/* commit */
	*depth = (uint32_t)(r->tail - r->head);
	wake = fcond_bump(&r->not_full);
	ring_unlock(r);
	if (wake)
		fcond_wake(&r->not_full);
	return 0;
}

static int shm_drain_one(struct queue *q, void *msg)
{
	struct shm_ring *r = q->shm.ring;
	int err;

	err = ring_lock(r, q->qid);
	if (err)
		return err;
	if (r->tail == r->head) {
		ring_unlock(r);
		return -EAGAIN;
	}
	memcpy(msg, r->slots + (r->head % q->capacity) * q->msg_size, q->msg_size);
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
	ring_unlock(r);
	return 0;
}

static uint32_t shm_depth(const struct queue *q)
{
	const struct shm_ring *r = q->shm.ring;

	return (uint32_t)(__atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) -
			  __atomic_load_n(&r->head, __ATOMIC_ACQUIRE));
}

static void shm_free(struct queue *q)
{
	/* No pthread_mutex_destroy: other processes may still hold the mapping. */
	munmap(q->shm.ring, q->shm.map_len);
}

const struct queue_ops queue_shm_ops = {
	.push = shm_push,
	.pop = shm_pop,
	.drain_one = shm_drain_one,
	.depth = shm_depth,
	.free = shm_free,
};

int queue_shm__init(struct queue *q)
{
	pthread_mutexattr_t ma;
	struct shm_ring *r;
	size_t len = sizeof(*r) + (size_t)q->capacity * q->msg_size;
	int err;

	r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return -errno;

	err = pthread_mutexattr_init(&ma);
	if (!err)
		err = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	if (!err)
		err = pthread_mutex_init(&r->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	if (err) {
		munmap(r, len);
		return -err;
	}
	q->shm.ring = r;
	q->shm.map_len = len;
	return 0;
}

uint64_t queue__recoveries(const struct queue *q)
{
	if (q->kind != QUEUE_SHM)
		return 0;
	return __atomic_load_n(&q->shm.ring->recoveries, __ATOMIC_RELAXED);
}
