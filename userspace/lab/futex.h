/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Futex wait/wake on words in MAP_SHARED memory, and the small condition
 * variable built on them that the shm queue and the pool use.
 *
 * Why not pthread_cond_t: glibc's condvar (2.25+) counts its waiters in the
 * condvar itself (__g_refs) and a signaller may wait for the waiters of the
 * old group to leave.  A waiter killed with SIGKILL never leaves, so every
 * later signal could block forever.  The kernel drops a killed task from a
 * futex queue by itself, so a sequence-counter condvar on a bare futex has
 * no state a dead process can leave behind.
 */
#ifndef SCHEDLAB_FUTEX_H
#define SCHEDLAB_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * Waits while *word == val, until `deadline` (absolute CLOCK_MONOTONIC, NULL
 * = forever).  Returns 0 (woken, or the word had already changed),
 * -ETIMEDOUT or -EINTR.  Shared (not FUTEX_PRIVATE) because the word lives
 * in memory shared across fork().
 */
static inline int futex__wait(uint32_t *word, uint32_t val, const struct timespec *deadline)
{
	long ret = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, val, deadline, NULL,
			   FUTEX_BITSET_MATCH_ANY);

	if (ret == 0 || errno == EAGAIN)
		return 0;
	return -errno;
}

static inline void futex__wake(uint32_t *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* A deadline timeout_ms from now on CLOCK_MONOTONIC; NULL when timeout_ms < 0. */
static inline const struct timespec *futex__deadline(int timeout_ms, struct timespec *ts)
{
	if (timeout_ms < 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Milliseconds left until a deadline from futex__deadline (-1 for NULL, 0 if past). */
static inline int futex__remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	if (!deadline)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec + 999999) / 1000000;
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Condition variable: waiters sleep on `seq`; a signal bumps it. */
struct fcond {
	uint32_t seq;
	uint32_t waiters;	/* a killed waiter leaves this high: only costs a wake */
};

#endif /* SCHEDLAB_FUTEX_H */
