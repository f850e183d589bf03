// SPDX-License-Identifier: GPL-2.0
/*
 * The words of the report: every verdict rule, reading and cross-check
 * outcome, rendered from hand-built numbers (analysis's tests hold the
 * numbers and enums themselves).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "output/explain.h"

static struct sl_result r;
static struct sl_task_row tasks[2];
static struct sl_xc_mismatch mm[3];
static char buf[EXPLAIN_LEN];

static void setup(void)
{
	memset(&r, 0, sizeof(r));
	memset(tasks, 0, sizeof(tasks));
	memset(mm, 0, sizeof(mm));
	r.ncpu = 2;
	r.tasks = tasks;
	r.nr_tasks = 2;
	strcpy(tasks[0].comm, "worker-0");
	tasks[0].pid = 10;
	tasks[1].pid = 11;	/* no name seen */
	r.xc.mismatch = mm;
}

TestSuite(explain, .init = setup);

/* A queue with distinct figures everywhere, so a sentence shows which it took. */
static struct sl_queue_row queue(enum sl_verdict_rule rule, enum sl_verdict_who who)
{
	struct sl_queue_row q = {
		.pops = 10, .pushes = 10,
		.full_frac = 0.98, .empty_frac = 0.01, .lock_frac = 0.40,
		.prod = { .busy_frac = 0.12, .wait_frac = 0.61, .sleep_frac = 0.80,
			  .io_frac = 0.22, .cpu_wait_frac = 0.33, .other_frac = 0.44,
			  .cpus_used = 2, .nr_tasks = 2 },
		.cons = { .busy_frac = 1.0, .wait_frac = 0.02, .sleep_frac = 0.55,
			  .io_frac = 0.70, .cpu_wait_frac = 0.50, .other_frac = 0.50,
			  .cpus_used = 1, .nr_tasks = 1 },
		.both = { .io_frac = 0.45, .cpu_wait_frac = 0.35, .other_frac = 0.30,
			  .cpus_used = 2 },
		.verdict_rule = (__u8)rule, .verdict_who = (__u8)who,
	};
	return q;
}

struct words {
	enum sl_verdict_rule rule;
	enum sl_verdict_who who;
	char verdict[200];
	char advice[100];
};

static struct words words[] = {
	{ SL_VR_NONE, SL_VW_BOTH, "no items went through the queue", "nothing to change" },
	{ SL_VR_LOCK, SL_VW_BOTH,
	  "producers and consumers wait for the queue lock 40% of their time",
	  "hold the lock for less time, move items in batches, or split the queue" },
	{ SL_VR_SLEEP, SL_VW_PRODUCERS,
	  "producers sleep 80% of their time outside the queue (synchronous calls, rate limits "
	  "or other waits); the queue empty 1% of the time",
	  "make the producers' waits asynchronous or shorter, or add producers" },
	{ SL_VR_SLEEP, SL_VW_CONSUMERS,
	  "consumers sleep 55% of their time outside the queue (synchronous calls, rate limits "
	  "or other waits); the queue full 98% of the time",
	  "make the consumers' waits asynchronous or shorter, or add consumers" },
	{ SL_VR_IO, SL_VW_CONSUMERS,
	  "consumers spend 70% of their busy time blocked on disk I/O (50% waiting for a CPU)",
	  "overlap I/O with more consumers, batch the syncs, or use faster storage" },
	{ SL_VR_IO, SL_VW_BOTH,
	  "producers and consumers spend 45% of their busy time blocked on disk I/O (35% "
	  "waiting for a CPU)",
	  "overlap I/O with more workers, batch the syncs, or use faster storage" },
	{ SL_VR_CPU_OTHER, SL_VW_CONSUMERS,
	  "consumers wait for a CPU 50% of their busy time; other tasks held 50% of the CPUs "
	  "they ran on", "run on a quieter machine or give the workload CPUs of its own" },
	{ SL_VR_CPU_OTHER, SL_VW_PRODUCERS,
	  "producers wait for a CPU 33% of their busy time; other tasks held 44% of the CPUs",
	  "run on a quieter machine or give the workload CPUs of its own" },
	{ SL_VR_CPU, SL_VW_CONSUMERS,
	  "consumers wait for a CPU 50% of their busy time; concurrency 2.04 on the 1 CPU "
	  "they ran on",
	  "give the workload more CPUs or run fewer processes; more consumers will not help" },
	{ SL_VR_CPU, SL_VW_BOTH,
	  "producers and consumers wait for a CPU 35% of their busy time; concurrency 2.04 on "
	  "2 CPUs",
	  "give the workload more CPUs or run fewer processes; more workers will not help" },
	{ SL_VR_SIDE, SL_VW_CONSUMERS,
	  "consumers busy 100% of the time, the queue full 98%, producers blocked on it 61%",
	  "add consumers or make consume cheaper" },
	{ SL_VR_SIDE, SL_VW_PRODUCERS,
	  "producers busy 12% of the time, the queue empty 1%, consumers blocked on it 2%",
	  "add producers or make produce cheaper" },
	{ SL_VR_BALANCED, SL_VW_BOTH,
	  "queue full 98% and empty 1% of the time; producers blocked 61%, consumers 2%",
	  "no side limits the other; scale both together" },
};

ParameterizedTestParameters(explain, verdict_words)
{
	return cr_make_param_array(struct words, words, sizeof(words) / sizeof(words[0]));
}

ParameterizedTest(struct words *w, explain, verdict_words)
{
	struct sl_queue_row q = queue(w->rule, w->who);

	r.concurrency = 2.04;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)), w->verdict);
	cr_assert_str_eq(explain__advice(&q, buf, sizeof(buf)), w->advice);
}

/* A condition's sides are its signallers and waiters; nothing about it is "full". */
static struct words signal_words[] = {
	{ SL_VR_SIDE, SL_VW_PRODUCERS,
	  "signallers busy 12% of the time, waiters blocked on it 2%",
	  "make the signallers' work between signals cheaper, or run more of them" },
	{ SL_VR_SLEEP, SL_VW_PRODUCERS,
	  "signallers sleep 80% of their time elsewhere (synchronous calls, rate limits or "
	  "other waits); waiters blocked on it 2%",
	  "make the signallers' waits asynchronous or shorter, or add signallers" },
	{ SL_VR_CPU, SL_VW_BOTH,
	  "signallers and waiters wait for a CPU 35% of their busy time; concurrency 2.04 on "
	  "2 CPUs",
	  "give the workload more CPUs or run fewer processes; more workers will not help" },
	{ SL_VR_BALANCED, SL_VW_BOTH, "waiters blocked on it 2% of their time",
	  "no side limits the other; scale both together" },
};

ParameterizedTestParameters(explain, condition_words)
{
	return cr_make_param_array(struct words, signal_words,
				   sizeof(signal_words) / sizeof(signal_words[0]));
}

ParameterizedTest(struct words *w, explain, condition_words)
{
	struct sl_queue_row q = queue(w->rule, w->who);

	q.signal = 1;
	r.concurrency = 2.04;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)), w->verdict);
	cr_assert_str_eq(explain__advice(&q, buf, sizeof(buf)), w->advice);
}

Test(explain, a_conditions_verdicts_by_name)
{
	struct sl_queue_row q = queue(SL_VR_SIDE, SL_VW_PRODUCERS);

	q.verdict = SL_V_PRODUCER_BOUND;
	cr_assert_str_eq(explain__verdict_label(&q), "producer-bound");
	q.signal = 1;
	cr_assert_str_eq(explain__verdict_label(&q), "signaller-bound");
	q.verdict = SL_V_CONSUMER_BOUND;
	cr_assert_str_eq(explain__verdict_label(&q), "waiter-bound");
	q.verdict = SL_V_CPU_STARVED;
	cr_assert_str_eq(explain__verdict_label(&q), "cpu-starved");
}

Test(explain, cpu_starved_on_several_of_many_cpus)
{
	struct sl_queue_row q = queue(SL_VR_CPU, SL_VW_PRODUCERS);

	r.ncpu = 8;
	r.concurrency = 5.5;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)),
			 "producers wait for a CPU 33% of their busy time; concurrency 5.50 on the "
			 "2 CPUs they ran on");
}

/* A side no traced task was on (its producers outside a `trace -p`): no figure of it. */
Test(explain, a_side_outside_the_trace)
{
	struct sl_queue_row q = queue(SL_VR_SIDE, SL_VW_PRODUCERS);

	q.prod.nr_tasks = 0;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)),
			 "no producers in the trace; the queue empty 1% of the time, consumers "
			 "blocked on it 2%");
	cr_assert(strstr(explain__advice(&q, buf, sizeof(buf)), "trace the producers too"), "%s",
		  buf);
	q = queue(SL_VR_SIDE, SL_VW_CONSUMERS);
	q.cons.nr_tasks = 0;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)),
			 "no consumers in the trace; the queue full 98% of the time, producers "
			 "blocked on it 61%");
}

/*
 * The judged side is traced, the other is not (a pipe's writer outside
 * the trace): the judged side's own figures, and who kept ahead; a verdict
 * on both sides names the traced one only.
 */
Test(explain, the_other_side_outside_the_trace)
{
	struct sl_queue_row q = queue(SL_VR_SIDE, SL_VW_CONSUMERS);

	q.prod.nr_tasks = 0;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)),
			 "consumers busy 100% of the time, blocked on it 2%; the producers, "
			 "outside the trace, kept ahead of them");
	q = queue(SL_VR_SIDE, SL_VW_PRODUCERS);
	q.cons.nr_tasks = 0;
	cr_assert_str_eq(explain__verdict(&r, &q, buf, sizeof(buf)),
			 "producers busy 12% of the time, blocked on it 61%; the consumers, "
			 "outside the trace, kept up with them");
	q = queue(SL_VR_CPU, SL_VW_BOTH);
	q.prod.nr_tasks = 0;
	cr_assert(!strncmp(explain__verdict(&r, &q, buf, sizeof(buf)), "consumers wait for a CPU",
			   24), "%s", buf);
}

Test(explain, nothing_seen)
{
	cr_assert_str_eq(explain__parallelism(&r, buf, sizeof(buf)), "no traced task was seen");
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)), "no traced task was seen");
	cr_assert_str_eq(explain__multiprogramming(&r, buf, sizeof(buf)), "no traced task was seen");
}

Test(explain, summary_readings)
{
	r.wall_ns = 1000000000;
	r.parallelism = 1.3;
	r.par_none_frac = 0.29;
	r.par_kind = SL_PAR_PARALLEL;
	r.con_kind = SL_CON_WAKEUP_LATENCY;
	r.runnable_waiting = 0.0636;
	r.runnable_idle = 0.0636;
	r.multiprogramming = 3.94;
	r.max_multiprogramming = 4;
	r.switch_rate = 12345.4;
	cr_assert_str_eq(explain__parallelism(&r, buf, sizeof(buf)),
			 "1.30 of 2 CPUs ran workload tasks at once on average (65% of the "
			 "machine); none ran 29% of the time");
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "0.06 tasks on average were runnable but not running, 0.06 of them while "
			 "a CPU sat idle: wakeup latency, not a shortage of CPUs");
	cr_assert_str_eq(explain__multiprogramming(&r, buf, sizeof(buf)),
			 "3.9 tasks resident on average (at most 4); the CPUs switched among them "
			 "12345 times/s");
	r.par_kind = SL_PAR_SERIAL;
	r.parallelism = 0.8;
	r.con_kind = SL_CON_MULTIPLEXED;
	r.runnable_waiting = 0.2;
	cr_assert_str_eq(explain__parallelism(&r, buf, sizeof(buf)),
			 "no two tasks ever ran at the same instant: no parallelism, 80% of one "
			 "CPU used");
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "0.20 tasks on average were runnable but waited for a CPU: the CPUs were "
			 "time-multiplexed among them");
	r.con_kind = SL_CON_BLOCKING;
	r.runnable_waiting = 0.01;
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "tasks hardly waited for a CPU (0.01 runnable but not running on "
			 "average): progress was limited by blocking, not by CPUs");
	r.con_kind = SL_CON_FOREIGN;
	r.runnable_waiting = 0.45;
	r.util_other = 0.49;
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "0.45 tasks on average were runnable but waited for a CPU while other "
			 "programs held 49% of the CPUs: foreign load, not the workload's own "
			 "tasks, kept them waiting");
	/* and which programs, the three that held CPUs most */
	r.nr_foreign = 4;
	r.foreign[0] = (struct sl_foreign_task){ .pid = 900, .comm = "stress-ng-cpu", .ns = 1950000000 };
	r.foreign[1] = (struct sl_foreign_task){ .pid = 12, .comm = "kworker/0:1", .ns = 3100000 };
	r.foreign[2] = (struct sl_foreign_task){ .pid = 1, .comm = "", .ns = 20000 };
	r.foreign[3] = (struct sl_foreign_task){ .pid = 77, .comm = "fourth", .ns = 10 };
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "0.45 tasks on average were runnable but waited for a CPU while other "
			 "programs held 49% of the CPUs; the most: stress-ng-cpu (900) 1.95s, "
			 "kworker/0:1 (12) 3.10ms, ? (1) 20.0us: foreign load, not the workload's "
			 "own tasks, kept them waiting");
	r.nr_foreign = 0;
	r.con_kind = SL_CON_CPU_BOUND;
	r.runnable_waiting = 0.0;
	r.parallelism = 0.97;
	r.multiprogramming = 1.0;
	cr_assert_str_eq(explain__concurrency(&r, buf, sizeof(buf)),
			 "tasks hardly waited for a CPU (0.00 runnable but not running on "
			 "average) and were on a CPU 97% of the time they were resident: CPU-bound");
}

Test(explain, crosscheck_outcomes)
{
	cr_assert_str_eq(explain__crosscheck(&r, buf, sizeof(buf)),
			 "kernel cross-check: not done (no kernel counters for any task)");
	r.xc.nr_checked = 2;
	cr_assert_str_eq(explain__crosscheck(&r, buf, sizeof(buf)),
			 "kernel cross-check: ok (2 tasks)");
	mm[0] = (struct sl_xc_mismatch){ .task = 0, .counter = SL_XC_INVOLUNTARY, .ours = 1,
					 .kernel = 3 };
	r.xc.nr_mismatches = 1;
	r.xc.nr_mismatched = 1;
	cr_assert_str_eq(explain__crosscheck(&r, buf, sizeof(buf)),
			 "kernel cross-check: 1 of 2 tasks differ: worker-0 (10) involuntary "
			 "switches 1 vs kernel 3 (-2)");
	mm[1] = (struct sl_xc_mismatch){ .task = 1, .counter = SL_XC_ONCPU, .ours = 5931000,
					 .kernel = 6000000 };
	r.xc.nr_mismatches = 2;
	r.xc.nr_mismatched = 2;
	cr_assert_str_eq(explain__crosscheck(&r, buf, sizeof(buf)),
			 "kernel cross-check: 2 of 2 tasks differ: worker-0 (10) involuntary "
			 "switches 1 vs kernel 3 (-2); 1 more differences");
	cr_assert_str_eq(explain__mismatch(&r, &mm[1], buf, sizeof(buf)),
			 "? (11) on-cpu time 5.931 ms vs kernel 6.000 ms (-1.15%)");
}

Test(explain, lost_records)
{
	cr_assert_str_eq(explain__lost(&r, buf, sizeof(buf)), "lost records: 0");
	r.xc.late = 4;
	cr_assert_str_eq(explain__lost(&r, buf, sizeof(buf)),
			 "lost records: 0; 4 arrived late and were clamped in time");
	r.xc.lost = 3;
	cr_assert_str_eq(explain__lost(&r, buf, sizeof(buf)),
			 "lost records: 3 (ring buffers full): counts cannot match the kernel "
			 "exactly");
	r.xc.prog_misses = 1;
	cr_assert_str_eq(explain__lost(&r, buf, sizeof(buf)),
			 "lost records: 3 (2 ring buffer full, 1 probe runs skipped by the kernel): "
			 "counts cannot match the kernel exactly");
}

/* A short buffer truncates, never overflows. */
Test(explain, stream_check)
{
	cr_assert(strstr(explain__stream(&r, buf, sizeof(buf)), "stream check: ok ("), "%s", buf);
	r.inferred_switch_ins = 1;
	cr_assert_str_eq(explain__stream(&r, buf, sizeof(buf)),
			 "stream check: 1 switch-in the kernel did not report, inferred");
	r.inferred_switch_ins = 3;
	r.inferred_migrations = 1;
	cr_assert_str_eq(explain__stream(&r, buf, sizeof(buf)),
			 "stream check: 3 switch-ins and 1 migration the kernel did not report, "
			 "inferred");
	r.inferred_switch_ins = 0;
	r.inferred_migrations = 2;
	cr_assert_str_eq(explain__stream(&r, buf, sizeof(buf)),
			 "stream check: 2 migrations the kernel did not report, inferred");
	r.unreported_wakeups = 1;
	cr_assert_str_eq(explain__stream(&r, buf, sizeof(buf)),
			 "stream check: 2 migrations the kernel did not report, inferred; 1 wakeup not "
			 "reported (run-queue wait of that task not checked)");
	r.inferred_migrations = 0;
	r.unreported_wakeups = 3;
	cr_assert_str_eq(explain__stream(&r, buf, sizeof(buf)),
			 "stream check: nothing inferred; 3 wakeups not reported (run-queue wait of "
			 "those tasks not checked)");
}

Test(explain, bounded_by_the_buffer)
{
	char small[12];
	struct sl_queue_row q = queue(SL_VR_LOCK, SL_VW_BOTH);

	memset(small, 'x', sizeof(small));
	explain__verdict(&r, &q, small, 8);
	cr_assert_str_eq(small, "produce");
	cr_assert_eq(small[8], 'x');
}
