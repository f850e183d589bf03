/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 as the tracer needs it: a cgroup's id (the inode of its
 * directory in the v2 hierarchy, what the kernel's kn->id is) and path,
 * the processes in a cgroup's subtree, and a task's scheduling attributes
 * and cgroup read from /proc for tasks traced while they run.
 */
#ifndef SL_CGROUP_H
#define SL_CGROUP_H

#include <stddef.h>
#include <sys/types.h>
#include "format/event.h"

#define SL_CGROUP_ROOT "/sys/fs/cgroup"

/* The cgroup v2 mount point (/proc/self/mounts), else SL_CGROUP_ROOT. */
const char *cgroup__root(void);
/*
 * Resolves PATH (under the v2 mount, or relative to it: "/my.slice")
 * into the directory's full path in dir[len].  0, -ENOENT, or -EINVAL
 * when it is not a cgroup v2 directory.
 */
int cgroup__resolve(const char *path, char *dir, size_t len);
/* The cgroup with this id, as a path from the root ("/" for it).  0 or -ENOENT. */
int cgroup__path_of(__u64 id, char *path, size_t len);
/* Calls fn for every process in dir and the cgroups below it; 0 or -errno. */
int cgroup__for_each_proc(const char *dir, int (*fn)(pid_t pid, void *ctx), void *ctx);
/* An SL_EV_TASK_ATTR event for thread tid of pid, from /proc.  0 or -errno. */
int cgroup__read_task_attr(pid_t pid, pid_t tid, struct sl_event *e);

#endif
