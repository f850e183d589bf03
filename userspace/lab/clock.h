/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's one clock: CLOCK_BOOTTIME, the clock of the probes' records
 * (bpf_ktime_get_boot_ns), so that the workload's own queue log and its
 * summary times line up with the kernel's events.  Used by the queue, its
 * log and the workload; depends on nothing of theirs.
 */
#ifndef SCHEDLAB_LAB_CLOCK_H
#define SCHEDLAB_LAB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t lab_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* SCHEDLAB_LAB_CLOCK_H */
