/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own per-task scheduler counters, from /proc/PID/sched. */
#ifndef SL_KSTAT_H
#define SL_KSTAT_H

#include <sys/types.h>
#include "format/event.h"

/*
 * Reads /proc/<pid>/task/<tid>/sched and, where the kernel has it, .../schedstat
 * (both work for a zombie).  0 or -errno (of the sched file).
 */
int kstat__read(pid_t pid, pid_t tid, struct sl_kstat *out);
/*
 * How far the counts (switches, migrations, times scheduled in) moved from
 * a to b, the largest of them, at most 255: switches that fell between two
 * reads.  0 when either read failed.
 */
unsigned int kstat__moved(const struct sl_kstat *a, const struct sl_kstat *b);
/* Parses the text of a sched file; exposed for tests.  0 or -EINVAL. */
int kstat__parse(const char *text, struct sl_kstat *out);
/*
 * Parses a schedstat file ("run_ns run_delay_ns pcount\n") into run_delay_ns
 * and pcount and sets sched_info; exposed for tests.  0 or -EINVAL.
 */
int kstat__parse_schedstat(const char *text, struct sl_kstat *out);

#endif
