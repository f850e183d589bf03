// SPDX-License-Identifier: GPL-2.0
/* A task's scheduling attributes and cgroup from /proc, checked against the syscalls. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "trace/cgroup.h"

Test(cgroup, own_attributes_match_the_syscalls)
{
	struct sl_event e;
	struct stat st;
	char dir[4200];
	FILE *f;
	char line[4096];

	cr_assert_eq(cgroup__read_task_attr(getpid(), getpid(), &e), 0);
	cr_expect_eq(e.type, SL_EV_TASK_ATTR);
	cr_expect_eq(e.pid, (__u32)getpid());
	cr_expect_eq(e.attr.policy, (__u32)sched_getscheduler(0));
	cr_expect_eq(e.attr.nice, getpriority(PRIO_PROCESS, 0));
	/* the id is the inode of the cgroup's directory on the v2 hierarchy */
	f = fopen("/proc/self/cgroup", "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3))
			break;
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	snprintf(dir, sizeof(dir), "%s%s", cgroup__root(), line + 3);
	if (stat(dir, &st) == 0)
		cr_expect_eq(e.attr.cgroup_id, (__u64)st.st_ino);
}

Test(cgroup, a_niced_child_reads_its_nice)
{
	int p[2];
	pid_t pid;
	char c;
	struct sl_event e;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[1]);
		if (setpriority(PRIO_PROCESS, 0, 7))
			_exit(1);
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(cgroup__read_task_attr(pid, pid, &e), 0);
		if (e.attr.nice == 7)
			break;
		usleep(5000);
	}
	cr_expect_eq(e.attr.nice, 7);
	cr_expect_eq(e.attr.policy, 0);
	cr_expect_eq(e.attr.rt_priority, 0);
	close(p[1]);
	waitpid(pid, NULL, 0);
	cr_expect_eq(cgroup__read_task_attr(pid, pid, &e), -ENOENT);
}

Test(cgroup, resolve_refuses_what_is_not_a_cgroup)
{
	char dir[4200];

	cr_expect_eq(cgroup__resolve("/no-such-cgroup-here", dir, sizeof(dir)), -ENOENT);
	cr_expect_eq(cgroup__resolve("/", dir, sizeof(dir)), 0);
	cr_expect_eq(strncmp(dir, cgroup__root(), strlen(cgroup__root())), 0, "%s", dir);
}
