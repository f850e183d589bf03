// SPDX-License-Identifier: GPL-2.0
/*
 * Processes from tasks on hand-built streams: threads grouped by tgid, the
 * tree from the fork records, who reaped whom, roles, and short-lived
 * siblings folded into one row (also in the waker table).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/analysis_hist.h"
#include "analysis/analysis_state.h"
#include "analysis/analysis_result.h"
#include "harness.h"

TestSuite(procs, .init = harness_setup, .fini = harness_teardown);

static const struct sl_result *run(__u32 ncpu)
{
	eb_sort(&eb);
	ti_init(&ti, ncpu, 0, eb.n ? eb.ev[eb.n - 1].ts + 1000 : 1000);
	return harness_feed(ncpu, NULL, NULL);
}

/* A thread (clone in the parent's thread group). */
static struct sl_event ev_clone(__u64 ts, __u32 parent, __u32 child, __u32 tgid)
{
	struct sl_event e = ev_fork(ts, 0, parent, child);

	e.fork.child_tgid = tgid;
	e.fork.parent_tgid = tgid;
	return e;
}

static struct sl_event ev_exit(__u64 ts, __u32 pid, __u32 tgid)
{
	struct sl_event e = { .ts = ts, .type = SL_EV_EXIT, .pid = pid };

	e.exit.tgid = tgid;
	return e;
}

/* A blocking switch-out in a syscall (nr) of a traced task. */
static struct sl_event ev_block(__u64 ts, __u16 cpu, __u32 prev, __u32 next, bool next_tr,
				__u16 nr)
{
	struct sl_event e = ev_switch(ts, cpu, prev, next, SL_R_SLEEP, true, next_tr);

	e.sw.nr_syscall = nr;
	return e;
}

/*
 * A child process `pid` of `parent`, on `cpu`: forked at t, runs t+100 ..
 * t+100+run, exits (sched_process_exit, then its final switch).
 */
static void child_on(__u16 cpu, __u32 parent, __u32 pid, const char *comm, __u64 t, __u64 run)
{
	eb_push(&eb, ev_fork(t, cpu, parent, pid));
	eb_push(&eb, ev_comm(t, pid, comm));
	eb_push(&eb, ev_wake_new(t, cpu, parent, pid, true));
	eb_push(&eb, ev_switch(t + 100, cpu, 0, pid, SL_R_NONE, false, true));
	eb_push(&eb, ev_exit(t + 100 + run - 1, pid, pid));
	eb_push(&eb, ev_switch(t + 100 + run, cpu, pid, 0, SL_R_DEAD, true, false));
}

static void child(__u32 parent, __u32 pid, const char *comm, __u64 t, __u64 run)
{
	child_on(1, parent, pid, comm, t, run);
}

static const struct sl_proc_row *proc_of(const struct sl_result *r, __u32 pid)
{
	return &r->procs[row(r, pid)->proc];
}

/*
 * Process 100 (on CPU 0 from the start) with threads 101 and 102, and a
 * child process 200 that it waits for in wait4 (61): the child's exit
 * wakes it.
 */
Test(procs, threads_grouped_tree_and_join)
{
	const struct sl_result *r;
	const struct sl_proc_row *p, *c;

	eb_push(&eb, ev_comm(0, 100, "server"));
	eb_push(&eb, ev_switch(0, 0, 0, 100, SL_R_NONE, false, true));
	eb_push(&eb, ev_clone(1000, 100, 101, 100));
	eb_push(&eb, ev_comm(1000, 101, "server-io"));
	eb_push(&eb, ev_clone(1000, 100, 102, 100));
	eb_push(&eb, ev_comm(1000, 102, "server-io"));
	child(100, 200, "helper", 2000, 3000);
	/* 100 blocks in wait4 at 2500; the child's exit (5099) wakes it */
	eb_push(&eb, ev_block(2500, 0, 100, 0, false, 61));
	eb_push(&eb, ev_wake(5099, 1, 200, 100, true));
	eb_push(&eb, ev_switch(5200, 0, 0, 100, SL_R_NONE, false, true));
	/* the threads run 6000-7000 on CPU 1 one after the other */
	eb_push(&eb, ev_switch(6000, 1, 0, 101, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(6500, 1, 101, 102, SL_R_SLEEP, true, true));
	eb_push(&eb, ev_switch(7000, 1, 102, 0, SL_R_SLEEP, true, false));
	r = run(2);

	cr_assert_eq(r->nr_tasks, 4);
	cr_assert_eq(r->nr_procs, 2, "two processes, no group");
	p = proc_of(r, 100);
	cr_assert_eq(proc_of(r, 101), p);
	cr_assert_eq(proc_of(r, 102), p);
	c = proc_of(r, 200);
	cr_assert_neq(c, p);
	cr_assert_eq(p->tgid, 100);
	cr_assert_eq(p->nr_threads, 3);
	cr_assert_str_eq(p->comm, "server");
	cr_assert_eq(p->parent, SL_NO_TASK);
	cr_assert_eq(p->depth, 0);
	cr_assert_eq(c->tgid, 200);
	cr_assert_eq(c->ppid, 100);
	cr_assert_eq(&r->procs[c->parent], p);
	cr_assert_eq(c->depth, 1);
	cr_assert_eq(c->nr_threads, 1);
	cr_assert_eq(c->nr_exited, 1);
	/* the child's exit ended the parent's wait4 */
	cr_assert_eq(c->waited_by, (__u32)(p - r->procs), "waited_by %u", c->waited_by);
	cr_assert_eq(c->nr_waited, 1);
	cr_assert_eq(p->waited_by, SL_NO_TASK);

	/* sums over threads: 100 ran 0-2500 and 5200-end; 101 500, 102 500 */
	{
		__u64 on = 0, vol = 0, wk = 0;

		for (__u32 j = 0; j < p->nr_threads; j++) {
			const struct sl_task_row *t = &r->tasks[r->proc_tasks[p->first_thread + j]];

			cr_assert_eq(t->proc, r->tasks[sl_result__task_index(r, 100)].proc);
			on += t->on_cpu_ns;
			vol += t->vol_switches;
			wk += t->wakeups;
		}
		cr_assert_eq(p->on_cpu_ns, on);
		cr_assert_eq(p->vol_switches, vol);
		cr_assert_eq(p->wakeups, wk);
		cr_assert_eq(p->vol_switches, 3);
		cr_assert_eq(c->on_cpu_ns, 3000);
	}
	/* tree order: parent first, then its child */
	cr_assert_eq(r->nr_proc_order, 2);
	cr_assert_eq(&r->procs[r->proc_order[0]], p);
	cr_assert_eq(&r->procs[r->proc_order[1]], c);
}

/*
 * Parent 10 forks twelve "worker" children (grouped: more than
 * SL_PROC_GROUP_MIN) and three "other" ones (not grouped); each child is
 * woken by the parent once and wakes it once.
 */
Test(procs, short_lived_siblings_fold_into_one_row)
{
	const struct sl_result *r;
	const struct sl_proc_row *g = NULL, *par;
	__u32 visible_other = 0;

	eb_push(&eb, ev_comm(0, 10, "forker"));
	eb_push(&eb, ev_switch(0, 0, 0, 10, SL_R_NONE, false, true));
	for (__u32 i = 0; i < 15; i++) {
		__u64 t = 1000 + i * 10000;
		__u32 pid = 1000 + i;

		child(10, pid, i < 12 ? "worker" : "other", t, 1000 + i);
		/* the parent sleeps until the child wakes it */
		eb_push(&eb, ev_block(t + 150, 0, 10, 0, false, 7));
		eb_push(&eb, ev_wake(t + 200 + i, 1, pid, 10, true));
		eb_push(&eb, ev_switch(t + 300 + i, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2);

	cr_assert_eq(r->nr_tasks, 16);
	cr_assert_eq(r->nr_procs, 16 + 1, "16 processes and one group");
	par = proc_of(r, 10);
	for (__u32 i = 0; i < r->nr_procs; i++)
		if (r->procs[i].nr_procs > 1)
			g = &r->procs[i];
	cr_assert_not_null(g);
	cr_assert_eq(g->nr_procs, 12);
	cr_assert_eq(g->nr_threads, 12);
	cr_assert_str_eq(g->comm, "worker");
	cr_assert_eq(&r->procs[g->parent], par);
	cr_assert_eq(g->ppid, 10);
	cr_assert_eq(g->depth, 1);
	/* lifetimes: child i lives 100 + 1000 + i ns; Σ over i < 12 = 12 * 1100 + 66 */
	cr_assert_eq(g->lifetime_ns, 12 * 1100 + 66);
	/* on-CPU: 1000 + i each */
	cr_assert_eq(g->on_cpu_ns, 12 * 1000 + 66);
	for (__u32 i = 0; i < 15; i++) {
		const struct sl_proc_row *m = proc_of(r, 1000 + i);

		if (i < 12)
			cr_assert_eq(&r->procs[m->group], g, "worker %u", i);
		else
			cr_assert_eq(m->group, SL_NO_TASK, "other %u", i);
	}
	/* the visible rows: the parent, one group, three others */
	cr_assert_eq(r->nr_proc_order, 5);
	cr_assert_eq(&r->procs[r->proc_order[0]], par);
	for (__u32 k = 1; k < r->nr_proc_order; k++) {
		const struct sl_proc_row *v = &r->procs[r->proc_order[k]];

		cr_assert_eq(v->group, SL_NO_TASK);
		visible_other += !strcmp(v->comm, "other");
	}
	cr_assert_eq(visible_other, 3);

	/*
	 * The waker table: 12 parent -> worker pairs become one row of count
	 * 12, and so do the 12 worker -> parent ones; the per-task edges stay.
	 */
	{
		__u32 gref = SL_REF_PROC | (__u32)(g - r->procs);
		__u32 pt = (__u32)sl_result__task_index(r, 10);
		bool down = false, up = false;

		cr_assert_eq(r->nr_wake_edges, 30, "%u edges", r->nr_wake_edges);
		cr_assert_eq(r->nr_wake_rows, 2 + 6);
		for (__u32 i = 0; i < r->nr_wake_rows; i++) {
			const struct sl_wake_edge *e = &r->wake_rows[i];

			if (e->waker == pt && e->wakee == gref) {
				down = true;
				cr_assert_eq(e->count, 12);
			}
			if (e->waker == gref && e->wakee == pt) {
				up = true;
				cr_assert_eq(e->count, 12);
			}
		}
		cr_assert(down && up);
		cr_assert_eq(r->wake_rows[0].count, 12, "sorted by count");
	}
}

/* Children still alive, or with children of their own, are never folded. */
Test(procs, live_or_parent_children_stay_rows)
{
	const struct sl_result *r;

	eb_push(&eb, ev_comm(0, 10, "forker"));
	eb_push(&eb, ev_switch(0, 0, 0, 10, SL_R_NONE, false, true));
	for (__u32 i = 0; i < 12; i++) {
		__u64 t = 1000 + i * 10000;
		__u32 pid = 1000 + i;

		if (i == 5) {
			/* alive at the end */
			eb_push(&eb, ev_fork(t, 1, 10, pid));
			eb_push(&eb, ev_comm(t, pid, "worker"));
			continue;
		}
		child(10, pid, "worker", t, 1000);
	}
	/* 1003 (on CPU 1 31100-32100) has a child of its own */
	child_on(2, 1003, 5000, "grandchild", 31500, 10);
	r = run(3);

	/* 10 folded (12 minus the live one and the parent one); 14 processes + 1 group */
	cr_assert_eq(r->nr_procs, 15);
	cr_assert_eq(proc_of(r, 1005)->group, SL_NO_TASK);
	cr_assert_eq(proc_of(r, 1003)->group, SL_NO_TASK);
	cr_assert_neq(proc_of(r, 1000)->group, SL_NO_TASK);
	cr_assert_eq(r->procs[proc_of(r, 1000)->group].nr_procs, 10);
	cr_assert_eq(proc_of(r, 5000)->depth, 2);
}

/* A pid recycled as a new process's tgid is a new process. */
Test(procs, recycled_tgid_is_a_new_process)
{
	const struct sl_result *r;
	int first;

	eb_push(&eb, ev_comm(0, 10, "forker"));
	eb_push(&eb, ev_switch(0, 0, 0, 10, SL_R_NONE, false, true));
	child(10, 300, "first", 1000, 1000);
	child(10, 300, "second", 5000, 1000);
	r = run(2);

	cr_assert_eq(r->nr_tasks, 3);
	cr_assert_eq(r->nr_procs, 3);
	first = -1;
	for (__u32 i = 0; i < r->nr_tasks; i++)
		if (r->tasks[i].pid == 300 && first < 0)
			first = (int)i;
	cr_assert_neq(r->tasks[first].proc, r->tasks[sl_result__task_index(r, 300)].proc);
	cr_assert_str_eq(r->procs[r->tasks[first].proc].comm, "first");
	cr_assert_str_eq(proc_of(r, 300)->comm, "second");
}

/* Arrays, not pointers: the parameters are copied into the test's own process. */
struct role_case {
	char comm[SL_COMM_LEN], role[SL_COMM_LEN];
};

static struct role_case role_cases[] = {
	{ "consumer-1", "consumer" },
	{ "producer-12", "producer" },
	{ "worker_3", "worker" },
	{ "kworker/0:1", "kworker/0" },
	{ "stress-ng", "stress-ng" },
	{ "stress-ng-fork", "stress-ng-fork" },
	{ "sched-pipe", "sched-pipe" },
	{ "sched-messaging", "sched-messaging" },
	{ "python3", "python3" },
	{ "-1", "-1" },
};

ParameterizedTestParameters(procs, roles_keep_names_cut_instance_numbers)
{
	return cr_make_param_array(struct role_case, role_cases,
				   sizeof(role_cases) / sizeof(role_cases[0]));
}

ParameterizedTest(struct role_case *c, procs, roles_keep_names_cut_instance_numbers)
{
	const struct sl_result *r;

	child(1, 10, c->comm, 1000, 1000);
	r = run(2);
	cr_assert_eq(r->nr_roles, 1);
	cr_assert_str_eq(r->roles[r->tasks[0].role].name, c->role, "comm %s", c->comm);
}

/*
 * Thread `pid` of process 100 on `cpu`: n sleeps, each woken at
 * base + k*100000 and switched in lat(k) = (k + 1) * step later.
 */
static void wakeups(__u32 pid, __u16 cpu, __u64 base, int n, __u64 step)
{
	for (int k = 0; k < n; k++) {
		__u64 t = base + (__u64)k * 100000;

		eb_push(&eb, ev_switch(t - 1000, cpu, pid, 0, SL_R_SLEEP, true, false));
		eb_push(&eb, ev_wake(t, cpu, 0, pid, false));
		eb_push(&eb, ev_switch(t + (__u64)(k + 1) * step, cpu, 0, pid, SL_R_NONE, false, true));
	}
}

/* The percentile as the HDR buckets define it: the top of the rank-th sample's bucket. */
static __u64 hdr_top(__u64 v)
{
	return sl_hdr_high(sl_hdr_index(v));
}

Test(procs, latency_percentiles_per_thread_and_process)
{
	const struct sl_result *r;
	const struct sl_task_row *a, *b;
	const struct sl_proc_row *p;

	eb_push(&eb, ev_comm(0, 100, "srv"));
	eb_push(&eb, ev_switch(0, 0, 0, 100, SL_R_NONE, false, true));
	eb_push(&eb, ev_clone(10, 100, 101, 100));
	eb_push(&eb, ev_switch(20, 1, 0, 101, SL_R_NONE, false, true));
	/* 100: 4 wakeups (kept inline), 1..4 us; 101: 20 wakeups (bucketed), 3..60 us */
	wakeups(100, 0, 1000000, 4, 1000);
	wakeups(101, 1, 1000000, 20, 3000);
	cr_assert_eq(analysis__new(2, &an), 0);
	analysis__set_slower_than(an, 55000);
	eb_sort(&eb);
	ti_init(&ti, 2, 0, eb.ev[eb.n - 1].ts + 1000);
	for (size_t i = 0; i < eb.n; i++)
		cr_assert_eq(analysis__feed(an, &eb.ev[i]), 0);
	cr_assert_eq(analysis__finish(an, &ti), 0);
	r = analysis__result(an);

	a = &r->tasks[sl_result__task_index(r, 100)];
	b = &r->tasks[sl_result__task_index(r, 101)];
	cr_assert_eq(a->rq_latency.count, 4);
	cr_assert_eq(a->rq_latency.p50, hdr_top(2000));	/* rank 2 of 4 */
	cr_assert_eq(a->rq_latency.p90, 4000);		/* rank 4: clamped to the max */
	cr_assert_eq(a->rq_latency.max, 4000);
	cr_assert_eq(a->rq_max_ts, 1000000 + 3 * 100000);
	cr_assert_eq(b->rq_latency.count, 20);
	cr_assert_eq(b->rq_latency.p50, hdr_top(30000));	/* rank 10 of 20 */
	cr_assert_eq(b->rq_latency.p90, hdr_top(54000));	/* rank 18 */
	cr_assert_eq(b->rq_latency.p99, 60000);		/* rank 20, clamped */
	cr_assert_eq(b->rq_max_ts, 1000000 + 19 * 100000);

	/* the process: all 24 samples; ranks 12, 22, 24 of 1,2,3,3,4,6,...,60 us */
	p = &r->procs[a->proc];
	cr_assert_eq(b->proc, a->proc);
	cr_assert_eq(p->rq_latency.count, 24);
	cr_assert_eq(p->rq_latency.min, 1000);
	cr_assert_eq(p->rq_latency.max, 60000);
	cr_assert_eq(p->rq_latency.p50, hdr_top(24000));
	cr_assert_eq(p->rq_latency.p90, hdr_top(54000));
	cr_assert_eq(p->rq_latency.p99, 60000);
	cr_assert_eq(p->rq_max_ts, b->rq_max_ts);
	/* one process: its percentiles are the run's */
	cr_assert_eq(p->rq_latency.p50, r->rq_latency.p50);
	cr_assert_eq(p->rq_latency.p90, r->rq_latency.p90);

	/* slower than 55 us: 101's last two (57 and 60 us), in time order */
	cr_assert_eq(r->slower_than_ns, 55000);
	cr_assert_eq(r->nr_slow_total, 2);
	cr_assert_eq(r->nr_slow, 2);
	cr_assert_eq(r->slow[0].latency_ns, 57000);
	cr_assert_eq(r->slow[1].latency_ns, 60000);
	cr_assert_eq(r->slow[1].wake_ts, 1000000 + 19 * 100000);
	cr_assert_eq(r->slow[1].run_ts, r->slow[1].wake_ts + 60000);
	cr_assert_eq(r->tasks[r->slow[1].task].pid, 101);
	cr_assert_eq(r->slow[1].cpu, 1);
	cr_assert_eq(r->slow[1].waker, SL_NO_TASK);
	/* the log2 histogram in us holds every sample */
	{
		__u64 n = 0;

		for (int k = 0; k < SL_LOG2_BUCKETS; k++)
			n += r->rq_log2_us[k];
		cr_assert_eq(n, 24);
		cr_assert_eq(r->rq_log2_us[0], 1);	/* 1 us */
		cr_assert_eq(r->rq_log2_us[5], 10);	/* [32, 63] us: 33, 36, ..., 60 */
	}
}

/*
 * dash's `wait`: the parent sleeps in rt_sigsuspend (130) and the child's
 * exit wakes it: a join.  The same wakeup of a task that is not the
 * child's parent, or of the parent in another syscall (read, 0), is not.
 */
Test(procs, sigsuspend_for_sigchld_is_a_join_only_for_the_parent)
{
	const struct sl_result *r;

	eb_push(&eb, ev_comm(0, 10, "sh"));
	eb_push(&eb, ev_switch(0, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_comm(0, 20, "bystander"));
	eb_push(&eb, ev_switch(0, 2, 0, 20, SL_R_NONE, false, true));
	child(10, 300, "sleep", 1000, 3000);
	eb_push(&eb, ev_block(1500, 0, 10, 0, false, 130));
	eb_push(&eb, ev_block(1500, 2, 20, 0, false, 130));
	eb_push(&eb, ev_wake(4099, 1, 300, 10, true));
	eb_push(&eb, ev_wake(4099, 1, 300, 20, true));
	child(10, 301, "sleep2", 5000, 3000);
	eb_push(&eb, ev_switch(5500, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_block(6000, 0, 10, 0, false, 0));
	eb_push(&eb, ev_wake(8099, 1, 301, 10, true));
	r = run(3);

	cr_assert_eq(proc_of(r, 300)->waited_by, proc_of(r, 10) - r->procs);
	cr_assert_eq(proc_of(r, 301)->waited_by, SL_NO_TASK, "blocked in read: not a join");
	cr_assert_eq(proc_of(r, 301)->nr_waited, 0);
}

struct name_case {
	char comm[SL_COMM_LEN], args[SL_ARGV_LEN + 1], name[SL_PROC_NAME_LEN];
};

static struct name_case name_cases[] = {
	{ "python3", "/usr/bin/python3 pc.py", "python3 pc.py" },
	{ "python3", "python3 /tmp/lab/pc.py --items 10", "python3 pc.py --items 10" },
	{ "gzip", "gzip -1", "gzip -1" },
	{ "sh", "sh -c cat big | gzip", "sh -c cat big | gzip" },
	{ "stress-ng-fork", "stress-ng --fork 2", "stress-ng-fork" },
	{ "sha256sum", "", "sha256sum" },
	{ "run.sh", "/bin/sh ./run.sh", "run.sh" },
	/* comm is cut at 15 bytes; the executable's whole name is kept */
	{ "sl-procs-thread", "/tmp/sl-procs-threads", "sl-procs-threads" },
	{ "", "/usr/bin/env", "env" },	/* no name known: the command line is all there is */
	{ "", "", "?" },
};

ParameterizedTestParameters(procs, names_add_the_command_line_of_that_program)
{
	return cr_make_param_array(struct name_case, name_cases,
				   sizeof(name_cases) / sizeof(name_cases[0]));
}

ParameterizedTest(struct name_case *c, procs, names_add_the_command_line_of_that_program)
{
	char name[SL_PROC_NAME_LEN];

	procs_name(c->comm, c->args, name, sizeof(name));
	cr_assert_str_eq(name, c->name, "comm '%s' args '%s'", c->comm, c->args);
}

static void argv_records(__u64 ts, __u32 pid, const char *text)
{
	size_t n = strlen(text);

	for (size_t k = 0; k * 16 < n; k++) {
		struct sl_event e = { .ts = ts, .type = SL_EV_ARGV, .pid = pid, .flags = (__u8)k };

		memcpy(e.argv.text, text + k * 16, n - k * 16 < 16 ? n - k * 16 : 16);
		eb_push(&eb, e);
	}
}

/*
 * The command line of an exec names the process; its forked children
 * share it (multiprocessing's workers are "python3 pc.py" too) until they
 * exec something else.
 */
Test(procs, argv_records_name_processes_and_children_inherit)
{
	const struct sl_result *r;
	const char *long_args = "/usr/bin/python3 /home/user/course/producer_consumer.py --n 5";

	child(1, 10, "python3", 1000, 100000);
	argv_records(1050, 10, long_args);
	child(10, 11, "python3", 2000, 1000);
	child(10, 12, "python3", 4000, 1000);
	eb_push(&eb, ev_comm(4500, 12, "gzip"));
	argv_records(4500, 12, "gzip -9");
	r = run(2);

	cr_assert_str_eq(r->tasks[sl_result__task_index(r, 10)].args,
			 "/usr/bin/python3 /home/user/course/producer_consumer.py --n 5");
	cr_assert_str_eq(proc_of(r, 10)->name, "python3 producer_consumer.py --n 5");
	cr_assert_str_eq(proc_of(r, 11)->name, "python3 producer_consumer.py --n 5");
	cr_assert_str_eq(proc_of(r, 11)->args, r->tasks[sl_result__task_index(r, 10)].args);
	cr_assert_str_eq(proc_of(r, 12)->name, "gzip -9");
}
