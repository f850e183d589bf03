// SPDX-License-Identifier: GPL-2.0
/*
 * Every built-in profile under the real probes, in process: the shape the
 * profile exists to show must come out of the analysis, and the numbers
 * must agree with the kernel's own counters.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include "analysis/analysis_result.h"
#include "common.h"
#include "output/explain.h"
#include "procfs.h"
#include "trace/run.h"

struct profile_run {
	struct run_result rr;
	const struct sl_result *r;
};

/* kv: NULL, or "key", "value", ..., NULL overrides */
static void run_profile(const char *name, const char *const *kv, struct profile_run *pr)
{
	struct present_opts po = { .format = PRESENT_NONE };
	struct wl_config c;
	char err[256];

	require_tracing();
	cr_assert_eq(wl_profile__builtin(name, &c), 0, "no profile %s", name);
	for (; kv && kv[0]; kv += 2)
		cr_assert_eq(wl_config__set(&c, kv[0], kv[1], err, sizeof(err)), 0, "%s", err);
	memset(pr, 0, sizeof(*pr));
	pr->rr.keep_presenter = true;
	cr_assert_eq(run__profile(&c, TRACER_AUTO, NULL, &po, stdout, &pr->rr), 0, "run %s failed",
		     name);
	cr_assert_not_null(pr->rr.presenter);
	pr->r = presenter__result(pr->rr.presenter);
}

static void free_run(struct profile_run *pr)
{
	presenter__free(pr->rr.presenter);
}

/* What every run must satisfy, whatever the profile. */
static void assert_truthful(const char *name, const struct profile_run *pr)
{
	const struct sl_result *r = pr->r;
	char line[EXPLAIN_LEN], lost[EXPLAIN_LEN];
	double oncpu = 0;

	cr_assert(pr->rr.summary.conserved, "%s: items not conserved", name);
	cr_assert_eq(pr->rr.lost, 0, "%s: records lost", name);
	cr_assert(r->xc.ok, "%s: %s; %s", name, explain__crosscheck(r, line, sizeof(line)),
		  explain__lost(r, lost, sizeof(lost)));
	cr_assert_gt(r->xc.nr_checked, 1, "%s: nothing checked against the kernel", name);
	/* parallelism is on-CPU / W, by definition */
	for (__u32 i = 0; i < r->nr_tasks; i++)
		oncpu += (double)r->tasks[i].on_cpu_ns;
	cr_assert_float_eq(r->parallelism, oncpu / (double)r->wall_ns, 1e-6, "%s: parallelism %f vs %f",
			   name, r->parallelism, oncpu / (double)r->wall_ns);
}

static __u64 role_state(const struct sl_result *r, const char *role, enum sl_task_state s)
{
	for (__u32 i = 0; i < r->nr_roles; i++)
		if (!strcmp(r->roles[i].name, role))
			return r->roles[i].state_ns[s];
	return 0;
}

static __u64 role_off_cpu(const struct sl_result *r, const char *role)
{
	for (__u32 i = 0; i < r->nr_roles; i++)
		if (!strcmp(r->roles[i].name, role))
			return r->roles[i].off_cpu_ns;
	return 0;
}

/*
 * The queue with the most pops names the side `who` as its bottleneck:
 * verdict `v`, or, when other programs held the CPUs (the machine is
 * shared), cpu-starved by them with that same side judged.
 */
static void expect_side(const char *name, const struct sl_result *r, enum sl_verdict v,
			enum sl_verdict_who who)
{
	const struct sl_queue_row *q = NULL;

	for (__u32 i = 0; i < r->nr_queues; i++)
		if (!q || r->queues[i].pops > q->pops)
			q = &r->queues[i];
	cr_assert_not_null(q, "%s: no queue", name);
	if (q->verdict == SL_V_CPU_STARVED && q->verdict_rule == SL_VR_CPU_OTHER) {
		cr_expect_eq(q->verdict_who, who, "%s: starved by other tasks, judged side %d",
			     name, q->verdict_who);
		return;
	}
	cr_expect_eq(q->verdict, v, "%s: verdict %s", name, sl_verdict_name(q->verdict));
}

Test(profiles, balanced, .timeout = 60)
{
	struct profile_run pr;

	run_profile("balanced", NULL, &pr);
	assert_truthful("balanced", &pr);
	cr_expect_gt(pr.r->nr_queues, 0, "queue probes saw nothing");
	/* every item popped is one the workload counted consumed; pills are stop messages */
	cr_expect_eq(pr.r->queues[0].pops - pr.r->queues[0].pills, pr.rr.summary.consumed, "pops %llu (pills %llu), consumed %llu",
		     (unsigned long long)pr.r->queues[0].pops, (unsigned long long)pr.r->queues[0].pills,
		     pr.rr.summary.consumed);
	free_run(&pr);
}

Test(profiles, single_core_has_concurrency_without_parallelism, .timeout = 60)
{
	struct profile_run pr;

	run_profile("single-core", NULL, &pr);
	assert_truthful("single-core", &pr);
	cr_expect_leq(pr.r->parallelism, 1.0);
	cr_expect_gt(pr.r->concurrency, 1.0);
	for (__u32 c = 1; c < pr.r->ncpu; c++)
		cr_expect_eq(pr.r->cpus[c].traced_ns, 0, "a workload task ran on CPU %u", c);
	for (__u32 i = 0; i < pr.r->nr_tasks; i++)
		cr_expect_eq(pr.r->tasks[i].cpus_used, 1, "%s used %u CPUs", pr.r->tasks[i].comm,
			     pr.r->tasks[i].cpus_used);
	free_run(&pr);
}

Test(profiles, cpu_oversubscribed_is_dominated_by_involuntary_switches, .timeout = 60)
{
	struct profile_run pr;

	run_profile("cpu-oversubscribed", NULL, &pr);
	assert_truthful("cpu-oversubscribed", &pr);
	cr_expect_gt(pr.r->invol_switches, pr.r->vol_switches, "involuntary %llu, voluntary %llu",
		     (unsigned long long)pr.r->invol_switches, (unsigned long long)pr.r->vol_switches);
	cr_expect_gt(pr.r->concurrency, (double)pr.r->ncpu);
	free_run(&pr);
}

Test(profiles, slow_consumer_is_consumer_bound, .timeout = 60)
{
	struct profile_run pr;

	run_profile("slow-consumer", NULL, &pr);
	assert_truthful("slow-consumer", &pr);
	expect_side("slow-consumer", pr.r, SL_V_CONSUMER_BOUND, SL_VW_CONSUMERS);
	cr_expect_gt(role_state(pr.r, "producer", SL_TS_QFULL), 0);
	free_run(&pr);
}

Test(profiles, slow_producer_is_producer_bound, .timeout = 60)
{
	struct profile_run pr;

	run_profile("slow-producer", NULL, &pr);
	assert_truthful("slow-producer", &pr);
	expect_side("slow-producer", pr.r, SL_V_PRODUCER_BOUND, SL_VW_PRODUCERS);
	cr_expect_gt(role_state(pr.r, "consumer", SL_TS_QEMPTY), 0);
	free_run(&pr);
}

Test(profiles, io_bound_consumers_wait_on_disk, .timeout = 90)
{
	struct profile_run pr;
	__u64 io, blocked;

	run_profile("io-bound", NULL, &pr);
	assert_truthful("io-bound", &pr);
	/* of the time they were blocked (not waiting for a CPU), mostly on disk */
	io = role_state(pr.r, "consumer", SL_TS_IO);
	blocked = role_off_cpu(pr.r, "consumer") -
		  role_state(pr.r, "consumer", SL_TS_RUNNABLE_WAKEUP) -
		  role_state(pr.r, "consumer", SL_TS_RUNNABLE_PREEMPT);
	cr_expect_gt(io * 2, blocked, "consumers' disk I/O %llu of %llu ns blocked",
		     (unsigned long long)io, (unsigned long long)blocked);
	free_run(&pr);
}

Test(profiles, mixed, .timeout = 90)
{
	struct profile_run pr;

	run_profile("mixed", NULL, &pr);
	assert_truthful("mixed", &pr);
	cr_expect_gt(role_state(pr.r, "consumer", SL_TS_IO), 0);
	free_run(&pr);
}

Test(profiles, pool_sync_runs_one_task_at_a_time, .timeout = 60)
{
	struct profile_run sync, async;

	run_profile("pool-sync", NULL, &sync);
	assert_truthful("pool-sync", &sync);
	run_profile("pool-async", NULL, &async);
	assert_truthful("pool-async", &async);
	cr_expect_leq(sync.r->parallelism, 1.15, "pool-sync parallelism %.2f", sync.r->parallelism);
	/* as parallel as the CPUs other programs left it allow */
	cr_expect_geq(async.r->parallelism, POOL_ASYNC_SHARE * cpus_free_of_others(async.r),
		      "pool-async parallelism %.2f of %.2f CPUs free of other tasks",
		      async.r->parallelism, cpus_free_of_others(async.r));
	free_run(&sync);
	free_run(&async);
}

Test(profiles, pipe_storm, .timeout = 60)
{
	struct profile_run pr;

	run_profile("pipe-storm", NULL, &pr);
	assert_truthful("pipe-storm", &pr);
	cr_expect_gt(pr.r->vol_switches, 1000);
	free_run(&pr);
}

/*
 * kill -9 of a consumer mid-run: the run ends and every item is accounted
 * for.  Only our own child named consumer-1 is a target: other tests may
 * be running workloads of their own.
 */
static void *kill_a_consumer(void *arg)
{
	volatile pid_t *victim = arg;
	pid_t pid = 0;

	for (int tries = 0; tries < 400 && !pid; tries++) {
		usleep(5000);
		pid = procfs_child(getpid(), "consumer-1");
	}
	if (!pid)
		return NULL;
	usleep(300000);	/* let it work a while first */
	if (kill(pid, SIGKILL) == 0)
		*victim = pid;
	return NULL;
}

Test(profiles, killed_consumer_is_named_and_items_accounted, .timeout = 60)
{
	struct profile_run pr;
	volatile pid_t victim = 0;
	pthread_t th;

	cr_assert_eq(pthread_create(&th, NULL, kill_a_consumer, (void *)&victim), 0);
	/* long enough that the kill lands mid-run, whatever the machine's load */
	run_profile("balanced", (const char *const[]){ "items", "0", "duration", "3s", NULL }, &pr);
	pthread_join(th, NULL);
	cr_assert_neq(victim, 0, "consumer-1 never found");
	cr_expect(pr.rr.summary.conserved, "items not accounted for after the kill");
	cr_expect_geq(pr.rr.summary.nr_dead, 1);
	cr_expect_neq(strstr(pr.rr.summary.dead[0], "consumer-1"), NULL, "dead: %s",
		      pr.rr.summary.dead[0]);
	cr_expect_eq(pr.rr.lost, 0);
	free_run(&pr);
}
