// SPDX-License-Identifier: GPL-2.0
/*
 * The POSIX message queue backend.  The queue is opened twice, blocking and
 * O_NONBLOCK (the flag belongs to the open description, so one descriptor
 * cannot be both): the fast path tries the non-blocking one and only on
 * EAGAIN fires the wait probe and makes the blocking call.  The name is
 * unlinked right away; the descriptors inherited over fork() keep it alive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "qlog.h"
#include "queue_priv.h"

/* mq_timed* take an absolute CLOCK_REALTIME deadline. */
static const struct timespec *rt_deadline(int timeout_ms, struct timespec *ts)
{
	if (timeout_ms < 0)
		return NULL;
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
	return ts;
}

static int mq_push(struct queue *q, const void *msg, int timeout_ms, uint32_t *depth)
{
	uint32_t full;
	struct timespec ts;
	const struct timespec *dl;
	int ret;

	ret = mq_send(q->mq.nb, msg, q->msg_size, 0);
	if (ret < 0 && errno == EAGAIN) {
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		full = queue_ctr__get(q->mq.ctr, q->capacity);
		DTRACE_PROBE2(schedlab, q_wait_full, q->qid, full);
		qlog__emit(SL_EV_Q_WAIT_FULL, q->qid, full, 0, 0);
		dl = rt_deadline(timeout_ms, &ts);
		ret = dl ? mq_timedsend(q->mq.blk, msg, q->msg_size, 0, dl)
			 : mq_send(q->mq.blk, msg, q->msg_size, 0);
	}
	if (ret < 0)
		return -errno;
	*depth = queue_ctr__add(q->mq.ctr, 1, q->capacity);
	return 0;
}

static int mq_pop(struct queue *q, void *msg, int timeout_ms, uint32_t *claim, uint32_t *depth)
{
	struct timespec ts;
	const struct timespec *dl;
	ssize_t n;

	n = mq_receive(q->mq.nb, msg, q->msg_size, NULL);
	if (n < 0 && errno == EAGAIN) {
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		DTRACE_PROBE2(schedlab, q_wait_empty, q->qid, (uint32_t)0);
		qlog__emit(SL_EV_Q_WAIT_EMPTY, q->qid, 0, 0, 0);
		dl = rt_deadline(timeout_ms, &ts);
		n = dl ? mq_timedreceive(q->mq.blk, msg, q->msg_size, NULL, dl)
		       : mq_receive(q->mq.blk, msg, q->msg_size, NULL);
	}
	if (n < 0)
		return -errno;
	if (n != (ssize_t)q->msg_size)
		return -EIO;
	if (claim)
		__atomic_store_n(claim, queue_msg__id(msg) + 1, __ATOMIC_RELEASE);
	*depth = queue_ctr__add(q->mq.ctr, -1, q->capacity);
	return 0;
}

static int mq_drain_one(struct queue *q, void *msg)
{
	ssize_t n = mq_receive(q->mq.nb, msg, q->msg_size, NULL);

	if (n < 0)
		return -errno;	/* -EAGAIN when empty */
	if (n != (ssize_t)q->msg_size)
		return -EIO;
	queue_ctr__add(q->mq.ctr, -1, q->capacity);
	return 0;
}

/* The kernel's count, not the shared counter: a killed process may have
 * left that one off by one. */
static uint32_t mq_depth(const struct queue *q)
{
	struct mq_attr attr;

	if (mq_getattr(q->mq.nb, &attr))
		return queue_ctr__get(q->mq.ctr, q->capacity);
	return (uint32_t)attr.mq_curmsgs;
}

static void mq_free(struct queue *q)
{
	if (q->mq.nb != (mqd_t)-1)
		mq_close(q->mq.nb);
	if (q->mq.blk != (mqd_t)-1)
		mq_close(q->mq.blk);
	if (q->mq.ctr)
		munmap(q->mq.ctr, sizeof(*q->mq.ctr));
}

const struct queue_ops queue_mq_ops = {
	.push = mq_push,
	.pop = mq_pop,
	.drain_one = mq_drain_one,
	.depth = mq_depth,
	.free = mq_free,
};

/*
 * The kernel charges a queue's worst-case size to RLIMIT_MSGQUEUE (800 KiB
 * by default, about 8000 small messages); raise the soft limit as far as the
 * hard one allows so large capacities work without tuning.
 */
static void raise_msgqueue_rlimit(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MSGQUEUE, &rl))
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
		setrlimit(RLIMIT_MSGQUEUE, &rl);
	}
}

int queue_mq__init(struct queue *q)
{
	static unsigned int seq;
	struct mq_attr attr = {
		.mq_maxmsg = q->capacity,
		.mq_msgsize = (long)q->msg_size,
	};
	char name[64];
	int err;

	q->mq.blk = q->mq.nb = (mqd_t)-1;
	q->mq.ctr = mmap(NULL, sizeof(*q->mq.ctr), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (q->mq.ctr == MAP_FAILED) {
		q->mq.ctr = NULL;
		return -errno;
	}
	/* Per message: the payload plus ~100 bytes of kernel bookkeeping. */
	raise_msgqueue_rlimit(((size_t)q->capacity + 1) * (q->msg_size + 128));

	/*
	 * Another user can create a queue under a name it guesses before we
	 * do (and make ours fail, or hand us its queue): the name is random,
	 * O_EXCL refuses one that exists, and a collision tries another.
	 */
	for (int tries = 0; tries < 16; tries++) {
		unsigned long long r;

		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (unsigned long long)getpid() << 32 ^
			    __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED) ^ (unsigned long long)time(NULL);
		snprintf(name, sizeof(name), "/schedlab.%016llx", r);
		q->mq.blk = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
		if (q->mq.blk != (mqd_t)-1 || errno != EEXIST)
			break;
	}
	if (q->mq.blk == (mqd_t)-1) {
		/* EINVAL: capacity above fs/mqueue/msg_max without CAP_SYS_RESOURCE */
		err = errno == EINVAL || errno == EMFILE ? -EPERM : -errno;
		goto err_free;
	}
	q->mq.nb = mq_open(name, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	err = q->mq.nb == (mqd_t)-1 ? -errno : 0;
	/* the name could have been swapped in between: both must be our queue */
	if (!err) {
		struct stat a, b;

		if (fstat((int)q->mq.blk, &a) || fstat((int)q->mq.nb, &b) ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			err = -EEXIST;
	}
	mq_unlink(name);
	if (err)
		goto err_free;
	return 0;

err_free:
	mq_free(q);
	return err;
}
