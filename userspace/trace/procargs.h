/* SPDX-License-Identifier: GPL-2.0 */
/* A task's command line from /proc, as SL_EV_ARGV records. */
#ifndef SL_PROCARGS_H
#define SL_PROCARGS_H

#include <sys/types.h>
#include "format/event.h"

/*
 * Reads /proc/<tid>/cmdline (at most SL_ARGV_LEN bytes of it) and fills
 * out[0..SL_ARGV_CHUNKS) with ARGV records for tid at ts on cpu.  Returns
 * how many, 0 when the task is gone or has no command line (a kernel
 * thread, a zombie).
 */
int procargs__events(pid_t tid, __u64 ts, __u16 cpu, struct sl_event *out);
/* The records for a command line already read (NUL-separated, n bytes); exposed for tests. */
int procargs__encode(const char *buf, size_t n, __u32 tid, __u64 ts, __u16 cpu,
		     struct sl_event *out);

#endif
