/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for root integration tests: run real children under the real
 * probes and count, straight from the raw event stream, what the kernel
 * also counts.  Deliberately independent of analysis/ so the probes are
 * held to the kernel, not to the code that reads them.
 */
#ifndef SL_TEST_INTEGRATION_COMMON_H
#define SL_TEST_INTEGRATION_COMMON_H

#include <criterion/criterion.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "analysis/analysis_result.h"
#include "trace/check.h"
#include "trace/kstat.h"
#include "trace/session.h"
#include "trace/steal.h"

#define MAX_TEST_TASKS 8

struct raw_count {
	__u32 pid;
	__u64 voluntary, involuntary, migrations;
	__u64 oncpu_ns, on_since;	/* BOOTTIME spans between switches */
	__u64 runtime_ns;		/* last sw.prev_runtime seen */
	__u64 wakings;			/* sched_waking records of it */
	__u64 woken_by_traced;		/* ... whose waker is another of t[] */
	bool on;
};

struct raw_counts {
	struct raw_count t[MAX_TEST_TASKS];
	int n;
	__u64 events;
};

static inline struct raw_count *raw_find(struct raw_counts *c, __u32 pid)
{
	for (int i = 0; i < c->n; i++)
		if (c->t[i].pid == pid)
			return &c->t[i];
	return NULL;
}

/* sl_event_fn: counts switches, migrations and on-CPU time of c->t[]. */
static inline int raw_count_event(const struct sl_event *e, void *ctx)
{
	struct raw_counts *c = ctx;
	struct raw_count *r;

	c->events++;
	if (e->type == SL_EV_MIGRATE && (r = raw_find(c, e->pid)))
		r->migrations++;
	if (e->type == SL_EV_WAKING && (r = raw_find(c, e->wk.wakee))) {
		r->wakings++;
		r->woken_by_traced += e->pid != e->wk.wakee && raw_find(c, e->pid) != NULL;
	}
	if (e->type != SL_EV_SWITCH)
		return 0;
	if ((e->flags & SL_SWF_PREV_TRACKED) && (r = raw_find(c, e->pid))) {
		if (e->flags & SL_SWF_VOLUNTARY)
			r->voluntary++;
		else
			r->involuntary++;
		if (r->on)
			r->oncpu_ns += e->ts - r->on_since;
		r->runtime_ns = e->sw.prev_runtime;
		r->on = false;
	}
	if ((r = raw_find(c, e->sw.next))) {
		r->on = true;
		r->on_since = e->ts;
	}
	return 0;
}

/* Programs of ours loaded in the kernel right now (by their name prefixes). */
static inline int count_our_programs(void)
{
	__u32 id = 0;
	int ours = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    (!strncmp(info.name, "tp_btf_", 7) || !strncmp(info.name, "raw_tp_", 7) ||
		     !strncmp(info.name, "usdt_", 5)))
			ours++;
		close(fd);
	}
	return ours;
}

/* Skips the test only where the kernel truly cannot trace. */
static inline void require_tracing(void)
{
	if (check__privileges())
		cr_skip_test("needs root: %s", check__privileges());
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		cr_skip_test("kernel has no BTF (/sys/kernel/btf/vmlinux)");
}

/*
 * Waits for each child to exit, captures its kernel counters as a zombie
 * after its last switch was seen, then reaps it.
 */
static inline void finish_children(struct session *s, const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		siginfo_t si;

		for (;;) {
			memset(&si, 0, sizeof(si));
			cr_assert_eq(waitid(P_PID, (id_t)pids[i], &si, WEXITED | WNOHANG | WNOWAIT), 0);
			if (si.si_pid == pids[i])
				break;
			cr_assert_eq(session__poll(s), 0);
			usleep(2000);
		}
		cr_assert_eq(session__capture_exit(s, pids[i], 2000), 0, "no /proc counters for %d",
			     (int)pids[i]);
		cr_assert_eq(waitpid(pids[i], NULL, 0), pids[i]);
	}
}

/* CPU time the hypervisor took since the session began, and a tick per CPU. */
static inline __u64 steal_so_far(const struct session *s)
{
	__u64 now;

	if (!s->steal_known || steal__read(&now) || now <= s->steal_at_start)
		return 0;
	return now - s->steal_at_start + (__u64)s->ti.ncpu * 10000000ull;
}

/* Asserts the raw counts of every child equal the kernel's. */
static inline void assert_matches_kernel(struct session *s, struct raw_counts *c)
{
	cr_assert_eq(sl_trace_info__lost(&s->ti), 0, "records were lost");
	for (int i = 0; i < c->n; i++) {
		struct sl_task_info *t = sl_trace_info__task(&s->ti, c->t[i].pid);
		struct raw_count *r = &c->t[i];
		double rt, diff;

		cr_assert_not_null(t, "pid %u unknown to the trace", r->pid);
		cr_assert(t->proc.valid, "no kernel counters for %u", r->pid);
		cr_assert(t->death.valid, "no final switch seen for %u", r->pid);
		cr_expect_eq(r->voluntary, t->proc.nvcsw, "pid %u voluntary: traced %llu kernel %llu",
			     r->pid, (unsigned long long)r->voluntary, (unsigned long long)t->proc.nvcsw);
		cr_expect_eq(r->involuntary, t->proc.nivcsw, "pid %u involuntary: traced %llu kernel %llu",
			     r->pid, (unsigned long long)r->involuntary, (unsigned long long)t->proc.nivcsw);
		cr_expect_eq(r->migrations, t->proc.nr_migrations, "pid %u migrations: traced %llu kernel %llu",
			     r->pid, (unsigned long long)r->migrations,
			     (unsigned long long)t->proc.nr_migrations);
		/* The probe's snapshot at the last switch is the same kernel state. */
		cr_expect_eq(t->death.nvcsw, t->proc.nvcsw);
		cr_expect_eq(t->death.nivcsw, t->proc.nivcsw);
		cr_expect_eq(t->death.nr_migrations, t->proc.nr_migrations);
		rt = (double)t->proc.sum_exec_runtime_ns;
		diff = (double)r->runtime_ns - rt;
		cr_expect(rt > 0 && (diff < 0 ? -diff : diff) <= rt * 0.01,
			  "pid %u on-CPU: traced %llu ns kernel %.0f ns", r->pid,
			  (unsigned long long)r->runtime_ns, rt);
		/*
		 * BOOTTIME spans only bound it (see the note in bpf/schedlab.h),
		 * and hold what the hypervisor stole, which the kernel's run
		 * time leaves out (trace/steal.h)
		 */
		cr_expect_gt(r->oncpu_ns, 0);
		cr_expect_leq(r->oncpu_ns, t->proc.sum_exec_runtime_ns * 2 + steal_so_far(s),
			      "pid %u: spans %llu ns, kernel %llu ns", r->pid,
			      (unsigned long long)r->oncpu_ns,
			      (unsigned long long)t->proc.sum_exec_runtime_ns);
	}
}

/*
 * A pool whose workers run at once keeps at least this share of the CPUs
 * free of other tasks busy (its start and its parent's part take the
 * rest); one that runs a task at a time stays at about one CPU.  Seen
 * here beside foreign load: 0.746 of 1.77 free CPUs, so not 0.75.
 */
#define POOL_ASYNC_SHARE 0.70

/*
 * CPUs the traced tasks could have had within W: all but what other tasks
 * held (the machine is shared; foreign load is part of every run).
 */
static inline double cpus_free_of_others(const struct sl_result *r)
{
	double other = 0;

	for (__u32 c = 0; c < r->ncpu; c++)
		other += (double)r->cpus[c].other_ns;
	return (double)r->ncpu - other / (double)r->wall_ns;
}

#endif
