// SPDX-License-Identifier: GPL-2.0
/*
 * The pipe backend.  A pipe alone holds at least a page (256 16-byte
 * items), so it cannot model capacity 1; a second pipe holding one byte per
 * free slot (a credit) bounds it exactly: a producer takes a credit before
 * writing, a consumer returns one after reading.  Capacity 1 is then a true
 * ping-pong.  Both read ends are non-blocking so that the wait probes fire
 * right before the poll() that blocks.
 *
 * Items are written with one write() of msg_size <= PIPE_BUF bytes, which
 * the kernel keeps whole, so readers asking for msg_size bytes always get
 * exactly one item.  A consumer killed between reading an item and
 * returning its credit leaks one slot of capacity.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "futex.h"
#include "qlog.h"
#include "queue_priv.h"

/* Waits until fd is readable; -ETIMEDOUT, -EINTR or 0. */
static int wait_readable(int fd, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, futex__remaining_ms(deadline));

	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static int pipe_push(struct queue *q, const void *msg, int timeout_ms, uint32_t *depth)
{
	uint32_t full;
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);
	char credit;
	ssize_t n;
	int err;

	for (;;) {
		n = read(q->pipe.credit[0], &credit, 1);
		if (n == 1)
			break;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n == 0)
			return -EPIPE;
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		full = queue_ctr__get(q->pipe.ctr, q->capacity);
		DTRACE_PROBE2(schedlab, q_wait_full, q->qid, full);
		qlog__emit(SL_EV_Q_WAIT_FULL, q->qid, full, 0, 0);
		err = wait_readable(q->pipe.credit[0], deadline);
		if (err)
			return err;
	}
	/* A credit guarantees room: the data pipe holds `capacity` items. */
	do {
		n = write(q->pipe.data[1], msg, q->msg_size);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)q->msg_size) {
		err = n < 0 ? -errno : -EIO;
		(void)!write(q->pipe.credit[1], &credit, 1);
		return err;
	}
	*depth = queue_ctr__add(q->pipe.ctr, 1, q->capacity);
	return 0;
}

static int pipe_pop(struct queue *q, void *msg, int timeout_ms, uint32_t *claim, uint32_t *depth)
{
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);
	char credit = 0;
	ssize_t n;
	int err;

	for (;;) {
		n = read(q->pipe.data[0], msg, q->msg_size);
		if (n == (ssize_t)q->msg_size)
			break;
		if (n >= 0)
			return n == 0 ? -EPIPE : -EIO;
		if (errno == EINTR)
			return -EINTR;
		if (errno != EAGAIN)
			return -errno;
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		DTRACE_PROBE2(schedlab, q_wait_empty, q->qid, (uint32_t)0);
		qlog__emit(SL_EV_Q_WAIT_EMPTY, q->qid, 0, 0, 0);
		err = wait_readable(q->pipe.data[0], deadline);
		if (err)
			return err;
	}
	if (claim)
		__atomic_store_n(claim, queue_msg__id(msg) + 1, __ATOMIC_RELEASE);
	*depth = queue_ctr__add(q->pipe.ctr, -1, q->capacity);
	do {
		n = write(q->pipe.credit[1], &credit, 1);
	} while (n < 0 && errno == EINTR);
	return 0;
}

static int pipe_drain_one(struct queue *q, void *msg)
{
	ssize_t n = read(q->pipe.data[0], msg, q->msg_size);

	if (n == (ssize_t)q->msg_size) {
		queue_ctr__add(q->pipe.ctr, -1, q->capacity);
		return 0;
	}
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	return n == 0 ? -EAGAIN : -EIO;
}

static int pipe_repair(struct queue *q)
{
	static const char credits[256];
	int credit_bytes, data_bytes;
	long missing;

	if (ioctl(q->pipe.credit[0], FIONREAD, &credit_bytes) ||
	    ioctl(q->pipe.data[0], FIONREAD, &data_bytes))
		return -errno;
	missing = (long)q->capacity - credit_bytes - data_bytes / (long)q->msg_size;
	for (long left = missing; left > 0;) {
		ssize_t n = write(q->pipe.credit[1], credits,
				  (size_t)(left < (long)sizeof(credits) ? left : (long)sizeof(credits)));

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		left -= n;
	}
	return missing > 0 ? (int)missing : 0;
}

/* The kernel's count, not the shared counter: a killed process may have
 * left that one off by one. */
static uint32_t pipe_depth(const struct queue *q)
{
	int bytes;

	if (ioctl(q->pipe.data[0], FIONREAD, &bytes))
		return queue_ctr__get(q->pipe.ctr, q->capacity);
	return (uint32_t)bytes / (uint32_t)q->msg_size;
}

static void close_pair(int fd[2])
{
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

static void pipe_free(struct queue *q)
{
	close_pair(q->pipe.data);
	close_pair(q->pipe.credit);
	if (q->pipe.ctr)
		munmap(q->pipe.ctr, sizeof(*q->pipe.ctr));
}

const struct queue_ops queue_pipe_ops = {
	.push = pipe_push,
	.pop = pipe_pop,
	.drain_one = pipe_drain_one,
	.depth = pipe_depth,
	.repair = pipe_repair,
	.free = pipe_free,
};

/* Makes a pipe hold at least `bytes`; above pipe-max-size this needs root. */
static int pipe_size_at_least(int fd, size_t bytes)
{
	if (bytes <= 4096)
		return 0;	/* every pipe holds a page */
	if (bytes > INT_MAX)
		return -EINVAL;
	if (fcntl(fd, F_SETPIPE_SZ, (int)bytes) < 0)
		return -errno;
	return 0;
}

int queue_pipe__init(struct queue *q)
{
	static const char credits[4096];
	size_t left;
	int err;

	q->pipe.data[0] = q->pipe.data[1] = -1;
	q->pipe.credit[0] = q->pipe.credit[1] = -1;
	q->pipe.ctr = mmap(NULL, sizeof(*q->pipe.ctr), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (q->pipe.ctr == MAP_FAILED) {
		q->pipe.ctr = NULL;
		return -errno;
	}
	if (pipe2(q->pipe.data, O_CLOEXEC) || pipe2(q->pipe.credit, O_CLOEXEC)) {
		err = -errno;
		goto err_close;
	}
	/* Only the read ends wait (in poll); writes never block by design. */
	if (fcntl(q->pipe.data[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(q->pipe.credit[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(q->pipe.data[1], F_SETFL, O_NONBLOCK) ||
	    fcntl(q->pipe.credit[1], F_SETFL, O_NONBLOCK)) {
		err = -errno;
		goto err_close;
	}
	err = pipe_size_at_least(q->pipe.data[1], (size_t)q->capacity * q->msg_size);
	if (!err)
		err = pipe_size_at_least(q->pipe.credit[1], q->capacity);
	if (err)
		goto err_close;
	for (left = q->capacity; left > 0;) {
		size_t chunk = left < sizeof(credits) ? left : sizeof(credits);
		ssize_t n = write(q->pipe.credit[1], credits, chunk);

		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto err_close;
		}
		left -= (size_t)n;
	}
	return 0;

err_close:
	pipe_free(q);
	return err;
}
