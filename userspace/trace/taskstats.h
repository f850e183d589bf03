/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's delay accounting for one task: block-I/O wait from taskstats
 * (generic netlink, TASKSTATS_CMD_GET), and the kernel.task_delayacct
 * switch that makes the kernel keep it.
 */
#ifndef SL_TASKSTATS_H
#define SL_TASKSTATS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

struct taskstats_conn;

/* Opens a generic netlink socket and resolves the TASKSTATS family.  0 or -errno. */
int  taskstats__open(struct taskstats_conn **out);
void taskstats__close(struct taskstats_conn *c);	/* accepts NULL */
/* blkio_delay_total of thread tid, ns (works for a zombie).  0 or -errno. */
int  taskstats__blkio(struct taskstats_conn *c, pid_t tid, __u64 *ns);

/*
 * Turns kernel.task_delayacct on if it is off; *was_on says how it was, so
 * delayacct__restore() puts it back.  0 or -errno (no such sysctl, not root).
 */
int  delayacct__enable(bool *was_on);
void delayacct__restore(bool was_on);
bool delayacct__is_on(void);

#endif
