/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own per-task scheduler counters, from /proc/PID/sched. */
#ifndef SL_KSTAT_H
#define SL_KSTAT_H

#include <sys/types.h>
#include "format/event.h"

/* Reads /proc/<pid>/task/<tid>/sched (works for a zombie).  0 or -errno. */
int kstat__read(pid_t pid, pid_t tid, struct sl_kstat *out);
/* Parses the text of a sched file; exposed for tests.  0 or -EINVAL. */
int kstat__parse(const char *text, struct sl_kstat *out);

#endif
