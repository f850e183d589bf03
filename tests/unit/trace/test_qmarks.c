// SPDX-License-Identifier: GPL-2.0
/* Queue-wait marks turn blocking switch-outs into queue waits, as the probes did. */
#include <criterion/criterion.h>
#include "trace/qmarks.h"

static struct qmarks *m;

static void setup(void)
{
	cr_assert_eq(qmarks__new(&m), 0);
}

static void teardown(void)
{
	qmarks__free(m);
}

TestSuite(qmarks, .init = setup, .fini = teardown);

static void q(__u8 type, __u32 pid)
{
	struct sl_event e = { .type = type, .pid = pid };

	cr_assert_eq(qmarks__apply(m, &e), 0);
}

/* A switch-out of pid with reason, task state and voluntary flag; returns the reason after. */
static __u8 sw(__u32 pid, __u8 reason, __u16 state, bool voluntary)
{
	struct sl_event e = { .type = SL_EV_SWITCH, .pid = pid };

	e.flags = reason | SL_SWF_PREV_TRACKED | SL_SWF_NEXT_TRACKED |
		  (voluntary ? SL_SWF_VOLUNTARY : 0);
	e.sw.state = state;
	e.sw.next = 99;
	cr_assert_eq(qmarks__apply(m, &e), 0);
	cr_assert_eq(e.flags & ~SL_SWF_REASON_MASK,
		     SL_SWF_PREV_TRACKED | SL_SWF_NEXT_TRACKED | (voluntary ? SL_SWF_VOLUNTARY : 0));
	cr_assert_eq(e.sw.next, 99);
	return e.flags & SL_SWF_REASON_MASK;
}

Test(qmarks, a_wait_mark_holds_until_the_next_push_or_pop)
{
	cr_assert_eq(sw(10, SL_R_SLEEP, 0x1, true), SL_R_SLEEP);
	q(SL_EV_Q_WAIT_FULL, 10);
	cr_assert_eq(sw(10, SL_R_SLEEP, 0x1, true), SL_R_QFULL);
	/* a condition-variable wait that blocks again is the same wait */
	cr_assert_eq(sw(10, SL_R_SLEEP, 0x1, true), SL_R_QFULL);
	cr_assert_eq(sw(11, SL_R_SLEEP, 0x1, true), SL_R_SLEEP, "another task");
	q(SL_EV_Q_PUSH, 10);
	cr_assert_eq(sw(10, SL_R_SLEEP, 0x1, true), SL_R_SLEEP);

	q(SL_EV_Q_WAIT_EMPTY, 11);
	cr_assert_eq(sw(11, SL_R_IO, 0x2, true), SL_R_QEMPTY, "D counts as blocked");
	q(SL_EV_Q_POP, 11);
	q(SL_EV_Q_LOCK_WAIT, 11);
	cr_assert_eq(sw(11, SL_R_DISK_WAIT, 0x2, true), SL_R_LOCK);
}

/* Only blocking switch-outs: not preemption, not a pending signal, not death. */
Test(qmarks, only_blocking_switches_take_the_mark)
{
	q(SL_EV_Q_WAIT_EMPTY, 20);
	cr_assert_eq(sw(20, SL_R_PREEMPTED, 0x0, false), SL_R_PREEMPTED);
	cr_assert_eq(sw(20, SL_R_RESCHED, 0x0, false), SL_R_RESCHED);
	/* signal pending: RUNNING but voluntary, a sleep the kernel cut short */
	cr_assert_eq(sw(20, SL_R_SLEEP, 0x0, true), SL_R_SLEEP);
	cr_assert_eq(sw(20, SL_R_DEAD, 0x80, true), SL_R_DEAD);
	cr_assert_eq(sw(20, SL_R_SLEEP, 0x1, true), SL_R_QEMPTY);
}

/* An exited task's mark does not pass to the next task with its pid. */
Test(qmarks, exit_clears_the_mark)
{
	q(SL_EV_Q_WAIT_FULL, 30);
	q(SL_EV_EXIT, 30);
	cr_assert_eq(sw(30, SL_R_SLEEP, 0x1, true), SL_R_SLEEP);
}

/* Many tasks marked at once: the table grows and keeps each one's mark. */
Test(qmarks, many_tasks)
{
	for (__u32 pid = 1; pid <= 3000; pid++)
		q(pid % 2 ? SL_EV_Q_WAIT_FULL : SL_EV_Q_WAIT_EMPTY, pid);
	for (__u32 pid = 1; pid <= 3000; pid++)
		cr_assert_eq(sw(pid, SL_R_SLEEP, 0x1, true), pid % 2 ? SL_R_QFULL : SL_R_QEMPTY);
	cr_assert_eq(sw(4000, SL_R_SLEEP, 0x1, true), SL_R_SLEEP);
}
