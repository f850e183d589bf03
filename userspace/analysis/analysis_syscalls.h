/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the syscall a task blocked in says about its wait, read with the
 * traced machine's syscall table (sl_trace_info.arch), never the analysing
 * machine's: a trace recorded on x86_64 means the same on any machine.
 */
#ifndef SL_ANALYSIS_SYSCALLS_H
#define SL_ANALYSIS_SYSCALLS_H

#include <stdbool.h>
#include <linux/types.h>
#include "schedlab.h"

/*
 * File I/O: a task in D without in_iowait inside one of these waits for
 * the disk all the same (fsync on ext4 sleeps in jbd2_log_wait_commit(),
 * a plain TASK_UNINTERRUPTIBLE wait, not io_schedule()).
 */
bool sl_syscall_is_file_io(enum sl_arch arch, __u16 nr);
/* wait4 or waitid: waiting for a child. */
bool sl_syscall_is_join(enum sl_arch arch, __u16 nr);
/* rt_sigsuspend or pause: waiting for a signal (a parent's SIGCHLD, say). */
bool sl_syscall_is_sigwait(enum sl_arch arch, __u16 nr);
/* kill, tkill, tgkill, rt_(tg)sigqueueinfo, pidfd_send_signal: sending a signal. */
bool sl_syscall_sends_signal(enum sl_arch arch, __u16 nr);

#endif
