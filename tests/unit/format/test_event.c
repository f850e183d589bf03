// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <string.h>
#include "format/event.h"

static struct sl_event fork_of(__u32 parent, __u32 child)
{
	struct sl_event e = { .type = SL_EV_FORK, .pid = parent };

	e.fork.child = child;
	e.fork.child_tgid = child;
	return e;
}

Test(event, task_table_follows_fork_comm_exit)
{
	struct sl_trace_info ti = { 0 };
	struct sl_event e = fork_of(10, 11);
	struct sl_task_info *t;

	cr_assert_eq(sl_trace_info__observe(&ti, &e), 0);
	e = (struct sl_event){ .type = SL_EV_COMM, .pid = 11 };
	strcpy(e.comm.comm, "consumer-3");
	cr_assert_eq(sl_trace_info__observe(&ti, &e), 0);
	e = (struct sl_event){ .type = SL_EV_KSTAT, .pid = 11 };
	e.kstat.nvcsw = 5;
	cr_assert_eq(sl_trace_info__observe(&ti, &e), 0);
	e = (struct sl_event){ .type = SL_EV_EXIT, .pid = 11 };
	cr_assert_eq(sl_trace_info__observe(&ti, &e), 0);
	t = sl_trace_info__task(&ti, 11);
	cr_assert_not_null(t);
	cr_assert_str_eq(t->comm, "consumer-3");
	cr_assert_eq(t->ppid, 10);
	cr_assert(t->death.valid);
	cr_assert_eq(t->death.nvcsw, 5);
	cr_assert(t->flags & SL_TASKF_EXITED);
	cr_assert_null(sl_trace_info__task(&ti, 12));
	sl_trace_info__free(&ti);
}

/* Recycled pids are new tasks; the lookup names the newest.  Many tasks stay fast. */
Test(event, recycled_pids_and_many_tasks, .timeout = 10)
{
	struct sl_trace_info ti = { 0 };

	for (__u32 round = 0; round < 4; round++) {
		for (__u32 pid = 1; pid <= 100000; pid++) {
			struct sl_event e = fork_of(1, pid);

			cr_assert_eq(sl_trace_info__observe(&ti, &e), 0);
			sl_trace_info__task(&ti, pid)->exit_status = (__s32)round;
		}
	}
	cr_assert_eq(ti.nr_tasks, 400000);
	for (__u32 pid = 1; pid <= 100000; pid += 997)
		cr_assert_eq(sl_trace_info__task(&ti, pid)->exit_status, 3);
	/* the older tasks under the same pid are kept */
	cr_assert_eq(ti.tasks[0].pid, 1);
	cr_assert_eq(ti.tasks[0].exit_status, 0);
	sl_trace_info__free(&ti);
}

static __u32 capacity_of(const char *ini)
{
	struct sl_trace_info ti = { .config = (char *)ini };

	return sl_trace_info__queue_capacity(&ti);
}

Test(event, queue_capacity_from_the_config)
{
	cr_assert_eq(capacity_of("[workload]\ncapacity=64\n"), 64);
	cr_assert_eq(capacity_of("# c\n[workload]\n  capacity = 7 ; x\r\n"), 7);
	cr_assert_eq(capacity_of("[workload]\nproducers = 2\ncapacity = 4294967295"), 4294967295u);
	cr_assert_eq(capacity_of("[other]\ncapacity = 3\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacityx = 3\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacity = -1\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacity = 4294967296\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacity = 12abc\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacity = 0\n"), 0);
	/* the first key decides, even when its value is bad */
	cr_assert_eq(capacity_of("[workload]\ncapacity = x\ncapacity = 5\n"), 0);
	cr_assert_eq(capacity_of("[workload]\ncapacity = 5\n[workload]\ncapacity = 6\n"), 5);
	cr_assert_eq(capacity_of(""), 0);
	cr_assert_eq(capacity_of(NULL), 0);
}
