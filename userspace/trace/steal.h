/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU time the hypervisor took from this machine's CPUs ("steal", the 8th
 * figure of /proc/stat's cpu line).  The kernel leaves it out of a task's
 * run time (se.sum_exec_runtime, with paravirtual steal accounting) but
 * not out of the wall clock the probes stamp with, so where there was
 * steal the two differ by up to that much: the cross-check allows it.
 */
#ifndef SL_STEAL_H
#define SL_STEAL_H

#include <linux/types.h>

/* All CPUs' steal since boot, in ns (resolution 1/USER_HZ per CPU).  0 or -errno. */
int steal__read(__u64 *ns);
/* Parses the text of /proc/stat; exposed for tests.  0 or -EINVAL. */
int steal__parse(const char *text, long ticks_per_s, __u64 *ns);

#endif
