// SPDX-License-Identifier: GPL-2.0
/*
 * What blocked tasks waited on: wait and waker records on hand-built
 * streams, through the analysis into task states and wait objects.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include "analysis/analysis_result.h"
#include "harness.h"
#include "output/explain.h"
#include "output/report.h"
#include "output/report_priv.h"
#include <string.h>

TestSuite(waits, .init = harness_setup, .fini = harness_teardown);

/* Tasks 10, 11 and 12, each running on its CPU (0, 1, 2) from 1 us. */
static void three_running(void)
{
	for (__u32 i = 0; i < 3; i++)
		eb_push(&eb, ev_switch(1000, (__u16)i, 0, 10 + i, SL_R_NONE, false, true));
}

static const struct sl_result *run(__u32 ncpu, __u64 end)
{
	ti_init(&ti, ncpu, 1000, end);
	return harness_feed(ncpu, NULL, NULL);
}

#define S 1	/* TASK_INTERRUPTIBLE */
#define D 2	/* TASK_UNINTERRUPTIBLE */

/* 10 reads pipe 555 on CPU 0 and blocks at 2000; 11 writes it at 5000. */
static void pipe_stream(bool reader_writes)
{
	__u8 wr = reader_writes ? SL_WD_WRITE : 0;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, SL_WK_PIPE, 555, reader_writes ? 1 : 0, wr));
	eb_push(&eb, ev_block_in(2000, 0, 10, 0, SL_R_SLEEP, reader_writes ? 1 : 0, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, 5000, 1, 11, SL_WK_PIPE, 555, reader_writes ? 0 : 1,
			   wr ^ SL_WD_WRITE));
	eb_push(&eb, ev_wake(5000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(5500, 0, 0, 10, SL_R_NONE, false, true));
}

Test(waits, pipe_reader_waits_for_data)
{
	const struct sl_result *r;
	const struct sl_task_row *t;
	const struct sl_wait_row *w;

	pipe_stream(false);
	r = run(2, 6000);
	t = row(r, 10);
	cr_assert_eq(t->state_ns[SL_TS_PIPE_EMPTY], 3000);
	cr_assert_eq(t->state_ns[SL_TS_SLEEP], 0);
	cr_assert_eq(t->state_ns[SL_TS_RUNNABLE_WAKEUP], 500);
	cr_assert_eq(r->nr_wait_records, 1);
	cr_assert_eq(t->nr_waits, 1);
	w = &r->waits[t->first_wait];
	cr_assert_eq(w->kind, SL_WK_PIPE);
	cr_assert_eq(w->obj, 555);
	cr_assert_eq(w->state, SL_TS_PIPE_EMPTY);
	cr_assert_eq(w->blocked_ns, 3000);
	cr_assert_eq(w->blocks, 1);
	cr_assert_eq(row(r, 11)->nr_waits, 0);
}

Test(waits, pipe_writer_waits_for_room)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	pipe_stream(true);
	r = run(2, 6000);
	t = row(r, 10);
	cr_assert_eq(t->state_ns[SL_TS_PIPE_FULL], 3000);
	cr_assert_eq(t->state_ns[SL_TS_PIPE_EMPTY], 0);
	cr_assert_eq(r->waits[t->first_wait].detail & SL_WD_WRITE, SL_WD_WRITE);
}

/* One wait record serves every later block in the same call on the same object. */
Test(waits, a_wait_record_is_reused_until_it_changes)
{
	const struct sl_result *r;
	const struct sl_task_row *t;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, SL_WK_PIPE, 7, 0, 0));
	eb_push(&eb, ev_block_in(2000, 0, 10, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wake(3000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(3000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_block_in(4000, 0, 10, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wake(6000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(6000, 0, 0, 10, SL_R_NONE, false, true));
	/* a different call without its record (lost): not the pipe's */
	eb_push(&eb, ev_block_in(7000, 0, 10, 0, SL_R_SLEEP, 35, S, false));
	eb_push(&eb, ev_wake(8000, 0, 0, 10, false));
	eb_push(&eb, ev_switch(8000, 0, 0, 10, SL_R_NONE, false, true));
	r = run(1, 9000);
	t = row(r, 10);
	cr_assert_eq(t->state_ns[SL_TS_PIPE_EMPTY], 3000);
	cr_assert_eq(t->state_ns[SL_TS_SLEEP], 1000);
	cr_assert_eq(r->waits[t->first_wait].blocks, 2);
}

/* Futex 0x100 (shared): waiter, waker; who takes turns decides lock vs condition. */
static void futex_round(__u64 ts, __u32 waiter, __u16 wcpu, __u32 waker, __u16 kcpu)
{
	/* FUTEX_WAIT_BITSET, as glibc's conditions and semaphores wait */
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, wcpu, waiter, SL_WK_FUTEX, 0x100, 202,
			   SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(ts, wcpu, waiter, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 1000, kcpu, waker, SL_WK_FUTEX, 0x100, 202,
			   SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts + 1000, kcpu, waker, waiter, true));
	eb_push(&eb, ev_switch(ts + 1000, wcpu, 0, waiter, SL_R_NONE, false, true));
}

Test(waits, futex_taken_in_turns_is_a_lock)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	futex_round(2000, 10, 0, 11, 1);
	futex_round(4000, 11, 1, 10, 0);
	futex_round(6000, 10, 0, 11, 1);
	r = run(2, 9000);
	/* the first wait, before anyone took turns, is settled as the lock too */
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_LOCK], 2000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_CONDITION], 0);
	cr_assert_eq(row(r, 11)->state_ns[SL_TS_LOCK], 1000);
	cr_assert_eq(r->waits[row(r, 10)->first_wait].state, SL_TS_LOCK);
}

Test(waits, futex_one_side_waits_the_other_signals_is_a_condition)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	futex_round(2000, 10, 0, 11, 1);
	futex_round(4000, 10, 0, 11, 1);
	r = run(2, 6000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_CONDITION], 2000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_LOCK], 0);
	cr_assert_eq(r->waits[row(r, 10)->first_wait].state, SL_TS_CONDITION);
}

/* A plain FUTEX_WAIT is glibc's mutex: a lock even when one side only unlocks. */
Test(waits, plain_futex_wait_is_a_lock)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, SL_WK_FUTEX, 0x200, 202, SL_WD_FUTEX_PRIVATE));
	eb_push(&eb, ev_block_in(2000, 0, 10, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, 3000, 1, 11, SL_WK_FUTEX, 0x200, 202,
			   SL_WD_FUTEX_PRIVATE | SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(3000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(3000, 0, 0, 10, SL_R_NONE, false, true));
	r = run(2, 4000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_LOCK], 1000);
}

/* pthread_join: a futex wait the exiting thread ends is a join. */
Test(waits, futex_ended_by_an_exit_is_a_join)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, SL_WK_FUTEX, 0x300, 202, SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(2000, 0, 10, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, 5000, 1, 11, SL_WK_EXIT, 11, 60, 0));
	eb_push(&eb, ev_wake(5000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(5000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(5000, 1, 11, 0, SL_R_DEAD, true, false));
	r = run(2, 6000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_CHILD], 3000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_CONDITION], 0);
}

struct kind_case {
	__u8 kind, reason, detail;
	__u16 nr, state;
	__u8 want;
};

static const struct kind_case kind_cases[] = {
	{ SL_WK_SOCKET, SL_R_SLEEP, 0, 45, S, SL_TS_SOCKET },
	{ SL_WK_FILE, SL_R_IO, 0, 0, D, SL_TS_IO },
	{ SL_WK_TTY, SL_R_SLEEP, 0, 0, S, SL_TS_TERMINAL },
	{ SL_WK_POLL, SL_R_SLEEP, 0, 232, S, SL_TS_EVENTS },
	{ SL_WK_EVENTFD, SL_R_SLEEP, 0, 0, S, SL_TS_EVENTS },
	{ SL_WK_CHILD, SL_R_SLEEP, 0, 61, S, SL_TS_CHILD },
	{ SL_WK_SLEEP, SL_R_SLEEP, 0, 230, S, SL_TS_SLEEP },
	{ SL_WK_MQ, SL_R_SLEEP, SL_WD_WRITE, 242, S, SL_TS_PIPE_FULL },
	{ SL_WK_FAULT, SL_R_DISK_WAIT, 0, SL_NO_SYSCALL, D, SL_TS_FAULT },
	{ SL_WK_FAULT, SL_R_IO, 0, SL_NO_SYSCALL, D, SL_TS_FAULT },
	{ SL_WK_FUTEX, SL_R_SLEEP, SL_WD_FUTEX_PI, 202, S, SL_TS_LOCK },
	{ SL_WK_FILE_LOCK, SL_R_SLEEP, 0, 73, S, SL_TS_LOCK },
	{ SL_WK_SYSCALL, SL_R_SLEEP, 0, 257, S, SL_TS_SYSCALL },
	{ SL_WK_SYSCALL, SL_R_DISK_WAIT, 0, 74, D, SL_TS_IO },
	/* a pipe read in D with iowait is still I/O: the kernel said so */
	{ SL_WK_PIPE, SL_R_IO, 0, 0, D, SL_TS_IO },
	/* state 0: a wakeup raced the block, no wait was described */
	{ SL_WK_PIPE, SL_R_SLEEP, 0, 0, 0, SL_TS_SLEEP },
};

Test(waits, each_kind_counts_in_its_state)
{
	for (size_t i = 0; i < sizeof(kind_cases) / sizeof(kind_cases[0]); i++) {
		const struct kind_case *k = &kind_cases[i];
		const struct sl_result *r;

		eb_free(&eb);
		memset(&eb, 0, sizeof(eb));
		analysis__free(an);
		an = NULL;
		sl_trace_info__free(&ti);
		eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, k->kind, 9, k->nr, k->detail));
		eb_push(&eb, ev_block_in(2000, 0, 10, 0, k->reason, k->nr, k->state, false));
		eb_push(&eb, ev_wake(5000, 0, 0, 10, false));
		eb_push(&eb, ev_switch(5000, 0, 0, 10, SL_R_NONE, false, true));
		r = run(1, 6000);
		cr_assert_eq(row(r, 10)->state_ns[k->want], 3000, "case %zu: kind %u -> %s", i,
			     k->kind, sl_task_state_name(k->want));
	}
}

/*
 * A pipe whose writer (10) blocks for room most of the time and whose
 * reader (11) reads it, never waiting: a channel, consumer-bound.
 */
Test(waits, a_pipe_with_a_blocked_writer_is_a_consumer_bound_channel)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 42, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts, 1, 11, SL_WK_PIPE, 42, 0, 0));
	for (int i = 0; i < 5; i++, ts += 10000) {
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_wake(ts + 9000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 9000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 1);
	ch = &r->channels[0];
	cr_assert_eq(ch->kind, SL_WK_PIPE);
	cr_assert_eq(ch->obj, 42);
	cr_assert_eq(ch->wakeups, 5);
	cr_assert_eq(ch->q.prod_blocked_ns, 5 * 9000);
	cr_assert_eq(ch->q.cons_blocked_ns, 0);
	cr_assert_eq(ch->nr_tasks, 2);
	cr_assert(r->chan_tasks[ch->first_task].producer);	/* task 10 */
	cr_assert(r->chan_tasks[ch->first_task + 1].consumer);	/* task 11 */
	cr_assert_eq(ch->q.verdict, SL_V_CONSUMER_BOUND, "verdict %s", sl_verdict_name(ch->q.verdict));
	/* the writer's waits are on the channel, not a sleep outside it */
	cr_assert_gt(ch->q.prod.wait_frac, 0.85, "%f", ch->q.prod.wait_frac);
	cr_assert_eq(ch->q.prod.sleep_frac, 0, "%f", ch->q.prod.sleep_frac);
	cr_assert_lt(ch->q.prod.busy_frac, 0.15, "%f", ch->q.prod.busy_frac);
	/* no queue of the lab's: the channel's verdict is the run's */
	cr_assert_eq(r->verdict_queue, -1);
	cr_assert_eq(r->verdict_channel, 0);
	cr_assert_eq(r->verdict, SL_V_CONSUMER_BOUND);
	cr_assert_eq(r->pipeline.stage_tgid, 0, "one channel is no pipeline");
}

/*
 * Two pipes: 10 writes 42 and blocks for room five times, 11 reads it; 12
 * waits the whole run on 43 for the one result 13 writes.  43 is the most
 * blocked and listed first, but 42 carried the traffic: its verdict is
 * the run's.
 */
Test(waits, the_busiest_channel_speaks_for_the_run)
{
	const struct sl_result *r;
	__u64 ts = 3000;

	three_running();
	eb_push(&eb, ev_switch(1000, 3, 0, 13, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 2, 12, SL_WK_PIPE, 43, 0, 0));
	eb_push(&eb, ev_block_in(2000, 2, 12, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 42, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts, 1, 11, SL_WK_PIPE, 42, 0, 0));
	for (int i = 0; i < 5; i++, ts += 8000) {
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_wake(ts + 2000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 2000, 0, 0, 10, SL_R_NONE, false, true));
	}
	eb_push(&eb, ev_wt(SL_EV_WAKER, 45000, 3, 13, SL_WK_PIPE, 43, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wake(45000, 3, 13, 12, true));
	eb_push(&eb, ev_switch(45000, 2, 0, 12, SL_R_NONE, false, true));
	r = run(4, 50000);
	cr_assert_eq(r->nr_channels, 2);
	cr_assert_eq(r->channels[0].obj, 43, "the most blocked is listed first");
	cr_assert_eq(r->channels[0].wakeups, 1);
	cr_assert_eq(r->channels[1].obj, 42);
	cr_assert_eq(r->channels[1].wakeups, 5);
	cr_assert_eq(r->verdict_queue, -1);
	cr_assert_eq(r->verdict_channel, 1);
	cr_assert_eq(r->verdict, r->channels[1].q.verdict);
}

/*
 * cat (10) -> pipe 1 -> gzip (11) -> pipe 2 -> sha (12), four rounds
 * from 2000: cat blocks writing, sha reading, gzip never.  Its end.
 */
static __u64 cat_gzip_sha(void)
{
	__u64 ts = 2000;

	three_running();
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 1, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 2, 12, SL_WK_PIPE, 2, 0, 0));
	for (int i = 0; i < 4; i++, ts += 10000) {
		/* cat blocks writing pipe 1, sha blocks reading pipe 2 */
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_block_in(ts, 2, 12, 0, SL_R_SLEEP, 0, S, false));
		/* gzip reads pipe 1 (wakes cat), then writes pipe 2 (wakes sha) */
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8000, 1, 11, SL_WK_PIPE, 1, 0, 0));
		eb_push(&eb, ev_wake(ts + 8000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 8000, 0, 0, 10, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8500, 1, 11, SL_WK_PIPE, 2, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 8500, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 8500, 2, 0, 12, SL_R_NONE, false, true));
	}
	return ts;
}

/* gzip limits the pipeline. */
Test(waits, the_stage_between_a_full_and_an_empty_pipe_limits_the_pipeline)
{
	const struct sl_result *r;
	__u64 ts = cat_gzip_sha();

	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 2);
	cr_assert_eq(r->pipeline.stage_tgid, 11, "stage %u", r->pipeline.stage_tgid);
	cr_assert_eq(r->pipeline.nr_channels, 2);
	cr_assert_eq(r->channels[r->pipeline.upstream].obj, 1);
	cr_assert_eq(r->channels[r->pipeline.downstream].obj, 2);
}

/*
 * 10 and 11 hold the two ends (sockets 1 and 2) of a pair.  10 blocks
 * reading 1 four times; each time 11 first reads 2 -- freeing what 10 sent,
 * which wakes 10's reader for nothing -- then writes 2, which feeds 1.
 * Both wakeups count; only the write makes 11 a side of 1: its producer.
 */
Test(waits, a_read_waking_a_reader_gives_the_reader_no_side)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch = NULL;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_SOCKET, 1, 0, 0));
	for (int i = 0; i < 4; i++, ts += 10000) {
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 1000, 1, 11, SL_WK_SOCKET, 2, 0, 0));
		eb_push(&eb, ev_wake(ts + 1000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 1000, 0, 0, 10, SL_R_NONE, false, true));
		eb_push(&eb, ev_block_in(ts + 1500, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8000, 1, 11, SL_WK_SOCKET, 2, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 8000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 8000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	for (__u32 i = 0; i < r->nr_channels; i++)
		if (r->channels[i].kind == SL_WK_SOCKET && r->channels[i].obj == 1)
			ch = &r->channels[i];
	cr_assert_not_null(ch, "no channel for socket 1 among %u", r->nr_channels);
	cr_assert_eq(ch->wakeups, 8);
	cr_assert_eq(ch->nr_tasks, 2);
	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];
		__u32 pid = r->tasks[ct->task].pid;

		cr_assert_eq(ct->producer, pid == 11, "task %u producer %d", pid, ct->producer);
		cr_assert_eq(ct->consumer, pid == 10, "task %u consumer %d", pid, ct->consumer);
	}
	cr_assert_eq(ch->q.cons.nr_tasks, 1);
}

/*
 * cat (10) -> pipe 1 -> gzip (11) -> pipe 2 -> sha (12), and 13, another
 * process, blocked reading pipe 1 the whole run: a consumer of pipe 1 that
 * never runs.  gzip never blocks: the stage is busy all the time, though
 * pipe 1's consumer side is busy half of it.
 */
Test(waits, the_stage_is_busy_as_its_own_tasks_are)
{
	const struct sl_result *r;
	const struct sl_pipeline *pl;
	__u64 ts;

	eb_push(&eb, ev_switch(1000, 3, 0, 13, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 1000, 3, 13, SL_WK_PIPE, 1, 0, 0));
	eb_push(&eb, ev_block_in(1000, 3, 13, 0, SL_R_SLEEP, 0, S, false));
	ts = cat_gzip_sha();
	r = run(4, ts);
	pl = &r->pipeline;
	cr_assert_eq(pl->stage_tgid, 11, "stage %u", pl->stage_tgid);
	cr_assert_eq(pl->nr_channels, 2);
	cr_assert_eq(pl->nr_stages, 1);
	cr_assert_eq(r->channels[pl->upstream].q.cons.nr_tasks, 2);
	cr_assert_lt(r->channels[pl->upstream].q.cons.busy_frac, 0.6);
	cr_assert_gt(pl->stage_busy_frac, 0.99, "stage busy %f", pl->stage_busy_frac);
}

/*
 * A server (11) between two clients (10, 12), each with its own socket
 * pair: the server's end of client c's is socket 2c+1, the client's 2c+2.
 * By turns every 10 us, a client writes its end, which wakes the server
 * reading its own; the server answers on its end `serve` ns after the
 * client blocked reading 2c+2, which wakes the client, and waits for the
 * next request at once; the client sleeps `think` ns before its next.
 * With `polled`, the server waits for every request in one poll().
 */
static const struct sl_result *rpc_rounds(__u64 serve, __u64 think, bool polled)
{
	const __u32 client[2] = { 10, 12 };
	__u64 ts = 2000, srv_block = 2000;

	three_running();
	for (int i = 0; i < 4; i++, ts += 20000) {
		for (int c = 0; c < 2; c++) {
			__u64 t = ts + (__u64)c * 10000, req = 2 * (__u64)c + 1, resp = req + 1;
			__u64 answer = t + 200 + serve;
			__u16 cpu = c ? 2 : 0;

			/* the client's request wakes the server, waiting to read it (or in poll()) */
			if (polled)
				eb_push(&eb, ev_wt(SL_EV_WAIT, srv_block, 1, 11, SL_WK_POLL, 0, 7, 0));
			else
				eb_push(&eb, ev_wt(SL_EV_WAIT, srv_block, 1, 11, SL_WK_SOCKET, req, 0, 0));
			eb_push(&eb, ev_block_in(srv_block, 1, 11, 0, SL_R_SLEEP, polled ? 7 : 0, S,
						 false));
			eb_push(&eb, ev_wt(SL_EV_WAKER, t + 100, cpu, client[c], SL_WK_SOCKET, resp, 1,
					   SL_WD_WRITE));
			eb_push(&eb, ev_wake(t + 100, cpu, client[c], 11, true));
			eb_push(&eb, ev_switch(t + 100, 1, 0, 11, SL_R_NONE, false, true));
			/* the client waits for the answer the server computes */
			eb_push(&eb, ev_wt(SL_EV_WAIT, t + 200, cpu, client[c], SL_WK_SOCKET, resp, 0, 0));
			eb_push(&eb, ev_block_in(t + 200, cpu, client[c], 0, SL_R_SLEEP, 0, S, false));
			eb_push(&eb, ev_wt(SL_EV_WAKER, answer, 1, 11, SL_WK_SOCKET, req, 1,
					   SL_WD_WRITE));
			eb_push(&eb, ev_wake(answer, 1, 11, client[c], true));
			eb_push(&eb, ev_switch(answer, cpu, 0, client[c], SL_R_NONE, false, true));
			srv_block = answer + 100;
			if (!think)
				continue;
			eb_push(&eb, ev_wt(SL_EV_WAIT, answer + 100, cpu, client[c], SL_WK_SLEEP, 0, 230,
					   0));
			eb_push(&eb, ev_block_in(answer + 100, cpu, client[c], 0, SL_R_SLEEP, 230, S,
						 false));
			eb_push(&eb, ev_wake(answer + 100 + think, cpu, 0, client[c], false));
			eb_push(&eb, ev_switch(answer + 100 + think, cpu, 0, client[c], SL_R_NONE, false,
					       true));
		}
	}
	eb_sort(&eb);	/* a client's sleep spans the other's round */
	return run(3, ts);
}

static __u32 pid_at(const struct sl_result *r, __u32 idx);

/* The producers of channel ch, as pids, in a bit mask of pids below 32. */
static __u32 producer_pids(const struct sl_result *r, const struct sl_channel_row *ch)
{
	__u32 m = 0;

	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if (ct->producer && pid_at(r, ct->task) < 32)
			m |= 1u << pid_at(r, ct->task);
	}
	return m;
}

/*
 * Four channels, every client and the server joining two: a star, not a
 * chain, and the server, whose clients wait for its answers, limits it.
 * Each client's two sockets are a closed loop through the server: the
 * client seems to sleep outside its requests' channel, waiting for the
 * answers, so the answers' channel, the server's own, speaks for the run.
 */
Test(waits, a_server_between_its_clients_is_the_limiting_stage)
{
	const struct sl_result *r = rpc_rounds(8800, 0, false);
	const struct sl_pipeline *pl = &r->pipeline;

	cr_assert_eq(pl->stage_tgid, 11, "stage %u", pl->stage_tgid);
	cr_assert_eq(pl->nr_channels, 4);
	cr_assert_eq(pl->nr_stages, 3);
	cr_assert_gt(pl->stage_busy_frac, 0.8, "stage busy %f", pl->stage_busy_frac);
	cr_assert_geq(pl->stage_own_frac, pl->stage_busy_frac);
	cr_assert(pl->closed);
	/* one client's two sockets, not one client's requests and another's answers */
	cr_assert_eq(r->channels[pl->upstream].obj + 1, r->channels[pl->downstream].obj);
	cr_assert_eq(r->verdict_channel, pl->downstream);
	cr_assert_eq(producer_pids(r, &r->channels[pl->downstream]), 1u << 11);
	cr_assert_eq(r->verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(r->verdict));
}

/*
 * The same server polling both clients' sockets as one: the requests of
 * both come through its poll(), each answer goes back on that client's
 * own socket, which no other client reads.  Still one closed loop.
 */
Test(waits, a_server_that_polls_its_clients_is_a_closed_loop)
{
	const struct sl_result *r = rpc_rounds(8800, 0, true);
	const struct sl_pipeline *pl = &r->pipeline;

	cr_assert_eq(pl->stage_tgid, 11, "stage %u", pl->stage_tgid);
	cr_assert(pl->closed);
	cr_assert_eq(r->channels[pl->upstream].kind, SL_WK_POLL);
	cr_assert_eq(r->channels[pl->downstream].kind, SL_WK_SOCKET);
	cr_assert_eq(r->verdict_channel, pl->downstream);
	cr_assert_eq(producer_pids(r, &r->channels[pl->downstream]), 1u << 11);
	cr_assert_eq(r->verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(r->verdict));
}

/*
 * Reader 10 of pipe 5, woken every 10 us by task 99 outside the trace
 * (the writer of a pipe into a traced command); it reads for `busy` ns
 * and blocks again.  The pipe is a channel of one side.
 */
static const struct sl_result *outside_writer(__u64 busy)
{
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	for (int i = 0; i < 6; i++, ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + busy, 0, 10, SL_WK_PIPE, 5, 0, 0));
		eb_push(&eb, ev_block_in(ts + busy, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wake(ts + 10000, 1, 99, 10, false));
		eb_push(&eb, ev_switch(ts + 10000, 0, 0, 10, SL_R_NONE, false, true));
	}
	return run(2, ts);
}

Test(waits, a_reader_of_an_untraced_writer_waits_for_the_outside)
{
	const struct sl_result *r = outside_writer(500);
	const struct sl_channel_row *ch;

	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	cr_assert_eq(ch->obj, 5);
	cr_assert_eq(ch->outside_wakeups, 6);
	cr_assert_eq(ch->wakeups, 6);
	cr_assert_eq(ch->q.prod.nr_tasks, 0);
	cr_assert_eq(ch->q.cons.nr_tasks, 1);
	cr_assert_eq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_eq(r->verdict_channel, 0);
}

/* The same reader, busy 9.8 us of every 10: the writer outside kept ahead of it. */
Test(waits, a_busy_reader_of_an_untraced_writer_limits_it)
{
	const struct sl_result *r = outside_writer(9800);
	const struct sl_channel_row *ch;

	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	cr_assert_eq(ch->q.verdict, SL_V_CONSUMER_BOUND, "verdict %s",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_eq(ch->q.verdict_rule, SL_VR_SIDE);
}

/* One wakeup from outside is no channel: a pipe's last write, a signal. */
Test(waits, one_wakeup_from_outside_is_no_channel)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 2000, 0, 10, SL_WK_PIPE, 5, 0, 0));
	eb_push(&eb, ev_block_in(2000, 0, 10, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wake(9000, 1, 99, 10, false));
	eb_push(&eb, ev_switch(9000, 0, 0, 10, SL_R_NONE, false, true));
	r = run(2, 10000);
	cr_assert_eq(r->nr_channels, 0, "%u channels", r->nr_channels);
}

/*
 * Producer 11 writes pipe 5 every 10 us, waking reader 10 each time, 60
 * times; then the parent 12, which slept all along, writes the stop pill.
 * The parent gave one wakeup of 61 and never blocked on the pipe: no
 * producer, or the producers would be "busy 50 %".
 */
Test(waits, the_parent_that_sends_the_stop_pill_is_no_producer)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;
	__u64 ts = 2000;

	three_running();
	eb_push(&eb, ev_wt(SL_EV_WAIT, 1500, 2, 12, SL_WK_SLEEP, 0, 230, 0));
	eb_push(&eb, ev_block_in(1500, 2, 12, 0, SL_R_SLEEP, 230, S, false));
	for (int i = 0; i <= 60; i++, ts += 10000) {
		__u32 w = i < 60 ? 11 : 12;
		__u16 wc = i < 60 ? 1 : 2;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 5, 0, 0));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		if (w == 12) {
			eb_push(&eb, ev_wake(ts + 9000, 1, 0, 12, false));
			eb_push(&eb, ev_switch(ts + 9000, 2, 0, 12, SL_R_NONE, false, true));
		}
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9500, wc, w, SL_WK_PIPE, 5, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 9500, wc, w, 10, true));
		eb_push(&eb, ev_switch(ts + 9500, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	cr_assert_eq(ch->wakeups, 61);
	cr_assert_eq(producer_pids(r, ch), 1u << 11, "producers %x", producer_pids(r, ch));
	cr_assert_gt(ch->q.prod.busy_frac, 0.9, "busy %f", ch->q.prod.busy_frac);
}

/* waiter (on wcpu) blocks in sem_wait(sem) at `block`; waker (on kcpu) posts it at `post`. */
static void sem_handoff(__u32 waiter, __u16 wcpu, __u64 block, __u32 waker, __u16 kcpu, __u64 post,
			__u64 sem)
{
	eb_push(&eb, ev_wt(SL_EV_WAIT, block, wcpu, waiter, SL_WK_FUTEX, sem, 202,
			   SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(block, wcpu, waiter, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, post, kcpu, waker, SL_WK_FUTEX, sem, 202, SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(post, kcpu, waker, waiter, true));
	eb_push(&eb, ev_switch(post, wcpu, 0, waiter, SL_R_NONE, false, true));
}

/*
 * An OS-course chain of three processes, 10 -> 11 -> 12, through two
 * bounded buffers in shared memory, each a pair of semaphores: full1
 * (0x100, 10 posts, 11 waits), empty1 (0x200, 11 posts, 10 waits), full2
 * (0x300, 11 posts, 12 waits), empty2 (0x400, 12 posts, 11 waits).  11
 * works 8 us per item, the others nearly nothing.  A buffer's two
 * semaphores are its data and its room, no loop: 11 is the middle stage
 * of a pipeline, not one side of a closed loop with 10.
 */
Test(waits, a_buffers_two_semaphores_make_no_closed_loop)
{
	const struct sl_result *r;
	const struct sl_pipeline *pl;
	__u64 ts = 2000, last = 1500;

	three_running();
	for (int i = 0; i < 6; i++, ts += 10000) {
		/* 11 waits for data, 10 posts it and waits for room, which 11 gives */
		sem_handoff(11, 1, ts, 10, 0, ts + 200, 0x100);
		sem_handoff(10, 0, ts + 300, 11, 1, ts + 500, 0x200);
		/* 10 is back at once and waits for room again until 11 takes the next */
		sem_handoff(10, 0, ts + 600, 11, 1, ts + 9900, 0x200);
		/* after its work 11 posts the item to 12, waiting since its last, and waits for room */
		sem_handoff(12, 2, last, 11, 1, ts + 8500, 0x300);
		sem_handoff(11, 1, ts + 8600, 12, 2, ts + 8800, 0x400);
		last = ts + 8900;
	}
	eb_sort(&eb);
	r = run(3, ts);
	pl = &r->pipeline;
	cr_assert_eq(r->nr_channels, 4, "%u channels", r->nr_channels);
	cr_assert_geq(r->channels[0].pair, 0, "paired");
	cr_assert_eq(pl->stage_tgid, 11, "stage %u", pl->stage_tgid);
	cr_assert(!pl->closed, "a buffer's data and room are no loop");
	cr_assert_eq(pl->nr_stages, 1);
	cr_assert_neq(r->channels[pl->upstream].pair, pl->downstream);
}

/*
 * The same loop with a quick server and clients that sleep 18 us before
 * each request: the clients limit it, their requests' channel speaks,
 * and it is their sleep that the verdict names.
 */
Test(waits, clients_that_think_between_requests_limit_their_loop)
{
	const struct sl_result *r = rpc_rounds(800, 18000, false);
	const struct sl_pipeline *pl = &r->pipeline;
	__u32 stage = pid_at(r, pl->stage_task);

	cr_assert(pl->closed);
	cr_assert(stage == 10 || stage == 12, "stage %u", stage);
	cr_assert_eq(pl->stage_tgid, stage);
	cr_assert_eq(r->verdict_channel, pl->downstream);
	cr_assert_eq(producer_pids(r, &r->channels[pl->downstream]), 1u << stage);
	cr_assert_eq(r->channels[pl->upstream].obj, r->channels[pl->downstream].obj + 1);
	cr_assert_eq(r->verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(r->verdict));
	cr_assert_eq(r->channels[pl->downstream].q.verdict_rule, SL_VR_SLEEP, "rule %d",
		     r->channels[pl->downstream].q.verdict_rule);
	/* a client's own time is its think time, not its few busy microseconds */
	cr_assert_lt(pl->stage_busy_frac, 0.2, "busy %f", pl->stage_busy_frac);
	cr_assert_gt(pl->stage_own_frac, 0.6, "own %f", pl->stage_own_frac);
}

/*
 * A reader (11) of a socket takes a job queue's lock 0x600 after each
 * read and wakes a worker (12) waiting for it; the worker never reads the
 * socket.  Its lock waits overlapped the read, but the reader did not
 * hold the lock while it read: the worker is no consumer of the socket.
 */
Test(waits, a_lock_taken_after_a_read_makes_no_reader_of_its_waiter)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 4; i++, ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 1, 11, SL_WK_SOCKET, 7, 0, 0));
		eb_push(&eb, ev_block_in(ts, 1, 11, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 500, 2, 12, SL_WK_FUTEX, 0x600, 202, 0));
		eb_push(&eb, ev_block_in(ts + 500, 2, 12, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 6000, 0, 10, SL_WK_SOCKET, 8, 44, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 6000, 0, 10, 11, true));
		eb_push(&eb, ev_switch(ts + 6000, 1, 0, 11, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 6500, 1, 11, SL_WK_FUTEX, 0x600, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 6500, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 6500, 2, 0, 12, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].lock_proxy_ns, 0);
	cr_assert_eq(r->channels[0].q.cons.nr_tasks, 1);
	cr_assert_eq(r->channels[0].q.cons_blocked_ns, 4 * 6000);
}

/*
 * Readers 10 and 11 take turns at lock 0x500 and read pipe 1 under it;
 * 12 writes the pipe every 10 us.  In each round the holder blocks reading
 * from ts to ts + 7000, the other waits for the lock from lock_at until
 * the holder lets it go at unlock_at.
 */
static void locked_reads(__u64 lock_at, __u64 unlock_at)
{
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 4; i++, ts += 10000) {
		__u32 h = i % 2 ? 11 : 10, w = i % 2 ? 10 : 11;
		__u16 hc = i % 2 ? 1 : 0, wc = i % 2 ? 0 : 1;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, hc, h, SL_WK_PIPE, 1, 0, 0));
		eb_push(&eb, ev_block_in(ts, hc, h, 0, SL_R_SLEEP, 0, S, false));
		if (lock_at < 7000) {
			eb_push(&eb, ev_wt(SL_EV_WAIT, ts + lock_at, wc, w, SL_WK_FUTEX, 0x500, 202,
					   SL_WD_FUTEX_BITSET));
			eb_push(&eb, ev_block_in(ts + lock_at, wc, w, 0, SL_R_SLEEP, 202, S, false));
		}
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 7000, 2, 12, SL_WK_PIPE, 1, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 7000, 2, 12, h, true));
		eb_push(&eb, ev_switch(ts + 7000, hc, 0, h, SL_R_NONE, false, true));
		if (lock_at >= 7000) {
			eb_push(&eb, ev_wt(SL_EV_WAIT, ts + lock_at, wc, w, SL_WK_FUTEX, 0x500, 202,
					   SL_WD_FUTEX_BITSET));
			eb_push(&eb, ev_block_in(ts + lock_at, wc, w, 0, SL_R_SLEEP, 202, S, false));
		}
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + unlock_at, hc, h, SL_WK_FUTEX, 0x500, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + unlock_at, hc, h, w, true));
		eb_push(&eb, ev_switch(ts + unlock_at, wc, 0, w, SL_R_NONE, false, true));
	}
}

static const struct sl_channel_row *pipe_channel(const struct sl_result *r, __u64 obj)
{
	for (__u32 i = 0; i < r->nr_channels; i++)
		if (r->channels[i].kind == SL_WK_PIPE && r->channels[i].obj == obj)
			return &r->channels[i];
	cr_assert_fail("no channel for pipe %llu", (unsigned long long)obj);
	return NULL;
}

/*
 * The waiter waits for the lock from ts + 1000 to ts + 7500, 6000 ns of it
 * while the holder waits for data: the channel's consumers wait for data
 * that long too, and the waits stay lock waits.
 */
Test(waits, a_lock_held_across_a_blocking_read_makes_its_waiters_wait_for_data)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;

	locked_reads(1000, 7500);
	r = run(3, 42000);
	ch = pipe_channel(r, 1);
	cr_assert_eq(ch->lock_proxy_ns, 4 * 6000);
	cr_assert_eq(ch->lock_kind, SL_WK_FUTEX);
	cr_assert_eq(ch->lock_obj, 0x500);
	cr_assert_eq(ch->q.cons_blocked_ns, 4 * 7000 + 4 * 6000);
	cr_assert_eq(ch->q.empty_ns, 2 * 7000 + 2 * 6000);
	cr_assert_eq(ch->q.cons.nr_tasks, 2);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_LOCK], 2 * 6500);
	cr_assert_eq(row(r, 11)->state_ns[SL_TS_LOCK], 2 * 6500);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_PIPE_EMPTY], 2 * 7000);
}

/*
 * The lock taken after the read, held while computing: no wait for data
 * behind it, but contention -- listed (8.8% of the takers' time), not
 * lock-bound, and the channel speaks for the run.
 */
Test(waits, a_lock_held_while_computing_is_no_wait_for_data)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;

	locked_reads(7200, 9000);
	r = run(3, 42000);
	ch = pipe_channel(r, 1);
	cr_assert_eq(ch->lock_proxy_ns, 0);
	cr_assert_eq(ch->q.cons_blocked_ns, 4 * 7000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_LOCK], 2 * 1800);
	cr_assert_eq(r->nr_locks, 1);
	cr_assert_eq(r->locks[0].obj, 0x500);
	cr_assert_eq(r->locks[0].wait_ns, 4 * 1800);
	cr_assert_eq(r->locks[0].behind_ns, 0);
	cr_assert_eq(r->locks[0].nr_tasks, 2);
	cr_assert_eq(r->locks[0].handoffs, 4);
	cr_assert(!r->locks[0].lock_bound, "contention %f", r->locks[0].contention_frac);
	cr_assert_geq(r->verdict_channel, 0);
	cr_assert_eq(r->verdict_lock, -1);
}

/* Waits behind a holder blocked on the channel are the channel's, not the lock's contention. */
Test(waits, a_lock_whose_holder_waits_for_data_is_not_contended)
{
	const struct sl_result *r;

	locked_reads(1000, 7500);
	r = run(3, 42000);
	/* 4 x 6500 waited, 4 x 6000 of it behind the read: 2.4% of 82 us */
	cr_assert_eq(r->nr_locks, 0, "%u locks listed", r->nr_locks);
}

/*
 * A condition variable taken in turns, as a lock (CPython's GIL): 10 and
 * 11 wait on its two words 0x900 and 0x904 by turns.  One lock.
 */
Test(waits, a_locks_two_futex_words_are_one_lock)
{
	const struct sl_result *r;
	__u64 ts = 2000, by_task = 0;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 6; i++, ts += 10000) {
		__u32 h = i % 2 ? 11 : 10, w = i % 2 ? 10 : 11;
		__u16 hc = i % 2 ? 1 : 0, wc = i % 2 ? 0 : 1;
		__u64 word = i % 4 < 2 ? 0x900 : 0x904;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 1000, wc, w, SL_WK_FUTEX, word, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts + 1000, wc, w, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, hc, h, SL_WK_FUTEX, word, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 5000, hc, h, w, true));
		eb_push(&eb, ev_switch(ts + 5000, wc, 0, w, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_locks, 1, "%u locks", r->nr_locks);
	cr_assert_eq(r->locks[0].obj, 0x900);
	cr_assert_eq(r->locks[0].wait_ns, 6 * 4000);
	cr_assert_eq(r->locks[0].handoffs, 6);
	cr_assert_eq(r->locks[0].nr_tasks, 2);
	for (__u32 k = 0; k < r->locks[0].nr_tasks; k++)
		by_task += r->lock_tasks[r->locks[0].first_task + k].blocked_ns;
	cr_assert_eq(by_task, 6 * 4000);
}

/*
 * Round i of 10 (CPU 0) and 11 (CPU 1) taking turns at lock 0x700 from ts:
 * the one whose turn it is not waits 8 us, from ts + 1000 to ts + 9000.
 */
static void lock_turn(int i, __u64 ts)
{
	__u32 h = i % 2 ? 11 : 10, w = i % 2 ? 10 : 11;
	__u16 hc = i % 2 ? 1 : 0, wc = i % 2 ? 0 : 1;

	eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 1000, wc, w, SL_WK_FUTEX, 0x700, 202, 0));
	eb_push(&eb, ev_block_in(ts + 1000, wc, w, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9000, hc, h, SL_WK_FUTEX, 0x700, 202,
			   SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts + 9000, hc, h, w, true));
	eb_push(&eb, ev_switch(ts + 9000, wc, 0, w, SL_R_NONE, false, true));
}

/*
 * Threads 10 and 11 of process 10, running before the trace began (trace
 * -p: no fork record says they are one process), take turns at private
 * futex 0x710.  The task table says whose they are: one lock, two takers,
 * not a futex of each.
 */
Test(waits, threads_traced_while_running_share_their_private_futexes)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	ti_init(&ti, 2, 1000, 62000);
	for (__u32 pid = 10; pid <= 11; pid++) {
		struct sl_task_info *t = sl_trace_info__add_task(&ti, pid);

		t->tgid = 10;
		t->ppid = 1;
		t->flags |= SL_TASKF_PREEXISTING;
	}
	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 6; i++, ts += 10000) {
		__u32 h = i % 2 ? 11 : 10, w = i % 2 ? 10 : 11;
		__u16 hc = i % 2 ? 1 : 0, wc = i % 2 ? 0 : 1;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 1000, wc, w, SL_WK_FUTEX, 0x710, 202,
				   SL_WD_FUTEX_PRIVATE));
		eb_push(&eb, ev_block_in(ts + 1000, wc, w, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9000, hc, h, SL_WK_FUTEX, 0x710, 202,
				   SL_WD_FUTEX_PRIVATE | SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 9000, hc, h, w, true));
		eb_push(&eb, ev_switch(ts + 9000, wc, 0, w, SL_R_NONE, false, true));
	}
	r = harness_feed(2, NULL, NULL);
	cr_assert_eq(r->nr_locks, 1, "%u locks", r->nr_locks);
	cr_assert_eq(r->locks[0].nr_tasks, 2);
	cr_assert_eq(r->locks[0].scope, 10);
	cr_assert_eq(row(r, 11)->tgid, 10);
	cr_assert_eq(row(r, 11)->ppid, 1);
}

/*
 * 10 and 11 take turns at lock 0x700 and nothing else: each waits 8 us
 * for the other's 10 us turns.  No channel: the lock's verdict is the
 * run's.
 */
Test(waits, a_contended_lock_without_channels_is_the_runs_verdict)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 6; i++, ts += 10000)
		lock_turn(i, ts);
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 0);
	cr_assert_eq(r->nr_locks, 1);
	cr_assert_eq(r->locks[0].wait_ns, 6 * 8000);
	cr_assert_eq(r->locks[0].nr_tasks, 2);
	cr_assert(r->locks[0].lock_bound, "contention %f", r->locks[0].contention_frac);
	cr_assert_eq(r->verdict_lock, 0);
	cr_assert_eq(r->verdict, SL_V_LOCK_BOUND, "verdict %s", sl_verdict_name(r->verdict));
	/* one CSV row per taker: 10 waited three rounds of 8 us, 11 as long */
	{
		char *csv = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&csv, &len);

		cr_assert_eq(report__csv_table(f, REPORT_CSV_LOCKS, r, &ti), 0);
		fclose(f);
		cr_assert(strstr(csv, ",1,10,10,,24000,3\n"), "%s", csv);
		cr_assert(strstr(csv, ",1,11,11,,24000,3\n"), "%s", csv);
		free(csv);
	}
}

/*
 * cat (10) -> pipe 1 -> 11 -> pipe 2 -> 12, where 12 reads without
 * waiting much; 13, a thread of 11, waits nearly all the time on futex
 * 0x200 that 11 signals.  That condition is 11's own inside: the stage's
 * downstream is pipe 2, though 13 waits on its condition far longer than
 * 12 waits on pipe 2.
 */
Test(waits, a_condition_inside_the_stage_is_not_its_downstream)
{
	struct sl_event th = ev_fork(500, 1, 11, 13);
	const struct sl_result *r;
	__u64 ts = 2000;

	th.fork.child_tgid = 11;	/* a thread of 11 */
	th.fork.parent_tgid = 11;
	eb_push(&eb, th);
	three_running();
	eb_push(&eb, ev_switch(1000, 3, 0, 13, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 1500, 3, 13, SL_WK_FUTEX, 0x200, 202, SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(1500, 3, 13, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 1, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 2, 12, SL_WK_PIPE, 2, 0, 0));
	for (int i = 0; i < 4; i++, ts += 10000) {
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8000, 1, 11, SL_WK_PIPE, 1, 0, 0));
		eb_push(&eb, ev_wake(ts + 8000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 8000, 0, 0, 10, SL_R_NONE, false, true));
		/* 12 waits 500 ns for each write */
		eb_push(&eb, ev_block_in(ts + 8000, 2, 12, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8500, 1, 11, SL_WK_PIPE, 2, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 8500, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 8500, 2, 0, 12, SL_R_NONE, false, true));
	}
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts, 1, 11, SL_WK_FUTEX, 0x200, 202, SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts, 1, 11, 13, true));
	eb_push(&eb, ev_switch(ts, 3, 0, 13, SL_R_NONE, false, true));
	/* and again: a condition signalled once would be no channel */
	eb_push(&eb, ev_block_in(ts + 10, 3, 13, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 50, 1, 11, SL_WK_FUTEX, 0x200, 202, SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts + 50, 1, 11, 13, true));
	eb_push(&eb, ev_switch(ts + 50, 3, 0, 13, SL_R_NONE, false, true));
	r = run(4, ts + 100);
	cr_assert_eq(r->nr_channels, 3);
	cr_assert_eq(r->pipeline.stage_tgid, 11, "stage %u", r->pipeline.stage_tgid);
	cr_assert_eq(r->channels[r->pipeline.upstream].obj, 1);
	cr_assert_eq(r->channels[r->pipeline.downstream].obj, 2, "downstream %llu",
		     (unsigned long long)r->channels[r->pipeline.downstream].obj);
}

/*
 * 10 waits on a glibc condition variable that 11 signals: the waits go to
 * its two futex words 0x1000 and 0x1004 by turns.  12 waits on another
 * condition, 0x1010, that 11 signals too.  The two words are one
 * condition; 0x1010 is not.
 */
Test(waits, a_condition_variables_two_futex_words_are_one_condition)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 6; i++, ts += 10000) {
		__u64 word = i % 2 ? 0x1004 : 0x1000;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_FUTEX, word, 202, SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 4000, 1, 11, SL_WK_FUTEX, word, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 4000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 4000, 0, 0, 10, SL_R_NONE, false, true));
		if (i % 2)
			continue;
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 2, 12, SL_WK_FUTEX, 0x1010, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts, 2, 12, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, 1, 11, SL_WK_FUTEX, 0x1010, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 5000, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 5000, 2, 0, 12, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 2, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].obj, 0x1000);
	cr_assert_eq(r->channels[0].wakeups, 6);
	cr_assert_eq(r->channels[0].q.cons_blocked_ns, 6 * 4000);
	cr_assert_eq(r->channels[1].obj, 0x1010);
	cr_assert_eq(r->channels[1].wakeups, 3);
}

/*
 * Writer 10 blocks for room in pipe 42 that 11 (another process) reads;
 * 12, a thread of 10, reads it once too (as Pool's parent both writes and
 * reads its pipes), so 10's process is on both sides.  10 also waits on
 * futex 0x100 signalled by `signaller`: by 11, the futex is the pipe's
 * room (a bounded queue's semaphore) and folds into it; by 12, it is 10's
 * process's own signalling and stays a channel apart.
 */
static const struct sl_result *pipe_and_condition_and_pill(__u32 signaller, bool pill)
{
	struct sl_event th = ev_fork(500, 0, 10, 12);
	__u64 ts = 2000;

	th.fork.child_tgid = 10;
	th.fork.parent_tgid = 10;
	eb_push(&eb, th);
	three_running();
	eb_push(&eb, ev_wt(SL_EV_WAIT, 1500, 2, 12, SL_WK_PIPE, 42, 0, 0));
	eb_push(&eb, ev_block_in(1500, 2, 12, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, 1800, 0, 10, SL_WK_PIPE, 42, 1, SL_WD_WRITE));
	eb_push(&eb, ev_wake(1800, 0, 10, 12, true));
	eb_push(&eb, ev_switch(1800, 2, 0, 12, SL_R_NONE, false, true));
	for (int i = 0; i < 3; i++, ts += 20000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_PIPE, 42, 1, SL_WD_WRITE));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, 1, 11, SL_WK_PIPE, 42, 0, 0));
		eb_push(&eb, ev_wake(ts + 5000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 5000, 0, 0, 10, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 6000, 0, 10, SL_WK_FUTEX, 0x100, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts + 6000, 0, 10, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9000, signaller == 11 ? 1 : 2, signaller,
				   SL_WK_FUTEX, 0x100, 202, SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 9000, signaller == 11 ? 1 : 2, signaller, 10, true));
		eb_push(&eb, ev_switch(ts + 9000, 0, 0, 10, SL_R_NONE, false, true));
	}
	/* the parent, process 13, puts a stop pill into the full queue: a moment on its semaphore */
	if (pill) {
		eb_push(&eb, ev_switch(ts, 3, 0, 13, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 100, 3, 13, SL_WK_FUTEX, 0x100, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts + 100, 3, 13, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 200, 1, 11, SL_WK_FUTEX, 0x100, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 200, 1, 11, 13, true));
		eb_push(&eb, ev_switch(ts + 200, 3, 0, 13, SL_R_NONE, false, true));
		ts += 1000;
	}
	return run(4, ts);
}

static const struct sl_result *pipe_and_condition(__u32 signaller)
{
	return pipe_and_condition_and_pill(signaller, false);
}

Test(waits, a_condition_between_the_pipes_processes_is_its_room)
{
	const struct sl_result *r = pipe_and_condition(11);

	cr_assert_eq(r->nr_channels, 1);
	cr_assert_eq(r->channels[0].kind, SL_WK_PIPE);
	cr_assert_eq(r->channels[0].folded, 1);
	cr_assert_eq(r->channels[0].q.prod_blocked_ns, 3 * (5000 + 3000), "room: pipe + futex");
}

Test(waits, a_condition_inside_one_process_is_not_a_pipes_room)
{
	const struct sl_result *r = pipe_and_condition(12);

	cr_assert_eq(r->nr_channels, 2);
	cr_assert_eq(r->channels[0].kind, SL_WK_PIPE);
	cr_assert_eq(r->channels[0].folded, 0);
	cr_assert_eq(r->channels[0].q.prod_blocked_ns, 3 * 5000);
	cr_assert(r->channels[1].condition);
}

/*
 * The room's waiters are the pipe's producer process but for the parent,
 * process 13, which waited on it once for 100 ns, putting its stop pill:
 * by weight the condition is still the pipe's room.
 */
Test(waits, a_parents_stop_pill_keeps_the_semaphore_the_pipes_room)
{
	const struct sl_result *r = pipe_and_condition_and_pill(11, true);

	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].kind, SL_WK_PIPE);
	cr_assert_eq(r->channels[0].folded, 1);
	cr_assert_eq(r->channels[0].q.prod_blocked_ns, 3 * (5000 + 3000) + 100);
}

/* The row of task index idx's pid, or 0. */
static __u32 pid_at(const struct sl_result *r, __u32 idx)
{
	return idx < r->nr_tasks ? r->tasks[idx].pid : 0;
}

/*
 * 11 writes pipe 42 and wakes 10 while 10 is still on its way to block on
 * it (the waking before 10's switch-out), then wakes someone through a
 * futex.  The wakeup is resolved at 10's switch-out: 11 is the pipe's
 * writer, as its record said at the waking, not a reader because its
 * later record is not a write.
 */
Test(waits, a_wakeup_before_the_block_keeps_the_wakers_side_at_the_waking)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch = NULL;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 4; i++, ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts, 1, 11, SL_WK_PIPE, 42, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts, 1, 11, 10, true));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 100, 1, 11, SL_WK_FUTEX, 0x1000, 202,
				   SL_WD_FUTEX_WAKE | SL_WD_FUTEX_PRIVATE));
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 200, 0, 10, SL_WK_PIPE, 42, 0, 0));
		eb_push(&eb, ev_block_in(ts + 200, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_switch(ts + 900, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	for (__u32 c = 0; c < r->nr_channels; c++)
		if (r->channels[c].kind == SL_WK_PIPE && r->channels[c].obj == 42)
			ch = &r->channels[c];
	cr_assert_not_null(ch);
	cr_assert_eq(ch->wakeups, 4);
	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];
		__u32 pid = pid_at(r, ct->task);

		if (pid == 11)
			cr_assert(ct->producer && !ct->consumer, "11 is the writer only");
		if (pid == 10)
			cr_assert(ct->consumer && !ct->producer, "10 is the reader only");
	}
}

/*
 * 11, busy in user space (its waker record: no call), is current when 10's
 * nanosleep timer fires; then, inside a write on pipe 42, when it fires
 * again.  Neither wakeup is 11's: no edge from 11 to 10.  A kill(2) from
 * 11 ending 10's sleep is 11's.
 */
Test(waits, an_interrupts_wakeup_has_no_waker_task)
{
	const struct sl_result *r;
	__u64 ts = 2000;
	__u64 from11 = 0, untraced = 0;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_SLEEP, 0, 230, 0));
	for (int i = 0; i < 3; i++, ts += 10000) {
		__u8 kind = i == 0 ? SL_WK_NONE : i == 1 ? SL_WK_PIPE : SL_WK_SYSCALL;
		__u16 nr = i == 0 ? SL_NO_SYSCALL : i == 1 ? 1 : 62;

		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 230, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, 1, 11, kind, i == 1 ? 42 : 0, nr,
				   i == 1 ? SL_WD_WRITE : 0));
		eb_push(&eb, ev_wake(ts + 5000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 5500, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(row(r, 10)->wakeups, 3);
	for (__u32 k = 0; k < r->nr_wake_edges; k++) {
		const struct sl_wake_edge *w = &r->wake_edges[k];

		if (pid_at(r, w->wakee) != 10)
			continue;
		if (pid_at(r, w->waker) == 11)
			from11 += w->count;
		else if (w->waker >= r->nr_tasks)
			untraced += w->count;
	}
	cr_assert_eq(from11, 1, "only the kill is 11's (%llu)", (unsigned long long)from11);
	cr_assert_eq(untraced, 2);
}

/* 10 waits once on futex 0x300 that 11 signals once: an event, no channel. */
Test(waits, a_condition_signalled_once_is_no_channel)
{
	const struct sl_result *r;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	futex_round(2000, 10, 0, 11, 1);
	r = run(2, 4000);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_CONDITION], 1000, "the wait keeps its state");
	cr_assert_eq(r->nr_channels, 0, "%u channels", r->nr_channels);
	cr_assert_eq(r->verdict_channel, -1);
}

/* 10 and its thread 11, on CPUs 0 and 1 from 1 us. */
static void thread_pair(void)
{
	struct sl_event th = ev_fork(500, 0, 10, 11);

	th.fork.child_tgid = 10;
	th.fork.parent_tgid = 10;
	eb_push(&eb, th);
	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
}

/*
 * A bounded buffer between threads 10 and 11: 10 waits 8 us for room on
 * futex 0x100 ("not full"), which 11 signals after its 9 us of work per
 * item; 11 waits 200 ns for data on 0x200 ("not empty"), which 10
 * signals.  The two are one buffer's pair, and the busy side is named by
 * what the kernel saw: 11 signals the condition its peer waits on.
 */
static void buffer_round(__u64 ts)
{
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_FUTEX, 0x100, 202, SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8000, 1, 11, SL_WK_FUTEX, 0x100, 202,
			   SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts + 8000, 1, 11, 10, true));
	eb_push(&eb, ev_switch(ts + 8000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 8800, 1, 11, SL_WK_FUTEX, 0x200, 202,
			   SL_WD_FUTEX_BITSET));
	eb_push(&eb, ev_block_in(ts + 8800, 1, 11, 0, SL_R_SLEEP, 202, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9000, 0, 10, SL_WK_FUTEX, 0x200, 202,
			   SL_WD_FUTEX_WAKE));
	eb_push(&eb, ev_wake(ts + 9000, 0, 10, 11, true));
	eb_push(&eb, ev_switch(ts + 9000, 1, 0, 11, SL_R_NONE, false, true));
}

Test(waits, a_bounded_buffers_two_conditions_are_a_pair)
{
	const struct sl_result *r;
	const struct sl_channel_row *room;
	char why[256];

	thread_pair();
	for (__u64 ts = 2000; ts < 2000 + 6 * 10000; ts += 10000)
		buffer_round(ts);
	r = run(2, 2000 + 6 * 10000);
	cr_assert_eq(r->nr_channels, 2, "%u channels", r->nr_channels);
	room = r->channels[0].obj == 0x100 ? &r->channels[0] : &r->channels[1];
	cr_assert_eq(room->obj, 0x100);
	cr_assert(room->condition && room->q.signal);
	cr_assert_eq(room->pair, room == &r->channels[0] ? 1 : 0);
	cr_assert_eq(r->channels[room->pair].pair, room == &r->channels[0] ? 0 : 1);
	cr_assert_eq(room->q.cons_blocked_ns, 6 * 8000);
	cr_assert_eq(room->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s",
		     sl_verdict_name(room->q.verdict));
	cr_assert_str_eq(explain__verdict_label(&room->q), "signaller-bound");
	cr_assert(strstr(explain__verdict(r, &room->q, why, sizeof(why)), "signallers busy"), "%s",
		  why);
	cr_assert_eq(r->verdict_channel, room - r->channels, "the busiest speaks for the run");
}

/*
 * A bounded buffer's room, condition 0x100: consumer thread 10 works on
 * CPU 0 all the time and signals room at ts + 1000; producer 11 waits
 * for it from ts (the condition's waiter; 10 its signaller), is woken and
 * then waits 4 us for CPU 1 (cpu1_busy:
 * thread 12 holds it, else it sits idle) before it fills the buffer
 * again.  11 is blocked on the condition only 10% of its time, but
 * waiting for a CPU after its wakeups another 40%.
 */
static void room_then_cpu_wait(bool cpu1_busy)
{
	thread_pair();
	for (__u64 ts = 2000; ts < 2000 + 8 * 10000; ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 1, 11, SL_WK_FUTEX, 0x100, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts, 1, 11, cpu1_busy ? 12 : 0, SL_R_SLEEP, 202, S,
					 cpu1_busy));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 1000, 0, 10, SL_WK_FUTEX, 0x100, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 1000, 0, 10, 11, true));
		eb_push(&eb, ev_switch(ts + 5000, 1, cpu1_busy ? 12 : 0, 11,
				       cpu1_busy ? SL_R_PREEMPTED : SL_R_NONE, cpu1_busy, true));
	}
}

Test(waits, a_side_woken_through_a_channel_then_waiting_for_a_cpu_still_waits_for_it)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;
	char why[256];

	room_then_cpu_wait(false);
	r = run(2, 2000 + 8 * 10000);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	/* a condition's waiters are its consumers, its signallers its producers */
	cr_assert(ch->condition);
	cr_assert_float_eq(ch->q.cons.wait_frac, 0.1, 0.02, "blocked %f", ch->q.cons.wait_frac);
	cr_assert_float_eq(ch->q.cons.wake_wait_frac, 0.4, 0.02, "after wakeups %f",
			   ch->q.cons.wake_wait_frac);
	cr_assert_eq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_str_eq(explain__verdict_label(&ch->q), "signaller-bound");
	explain__verdict(r, &ch->q, why, sizeof(why));
	cr_assert(strstr(why, "waiters blocked on it 10% and waiting for a CPU after its "
			      "wakeups 40%"), "%s", why);
}

/* The same, but CPU 1 is shared with a third thread of the run: the CPUs were short. */
Test(waits, a_wait_for_a_cpu_where_cpus_are_short_is_not_the_channels)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;

	room_then_cpu_wait(true);
	r = run(2, 2000 + 8 * 10000);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	cr_assert_float_eq(ch->q.cons.wait_frac, 0.1, 0.02, "blocked %f", ch->q.cons.wait_frac);
	cr_assert_float_eq(ch->q.cons.wake_wait_frac, 0.0, 1e-9);
	cr_assert_neq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s",
		      sl_verdict_name(ch->q.verdict));
}

/* Two threads that never block each other on a pipe and take turns at a lock. */
Test(waits, a_balanced_channel_gives_way_to_a_lock_bound_lock)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	thread_pair();
	for (int i = 0; i < 6; i++, ts += 10000) {
		lock_turn(i, ts);
		/* 11 reads pipe 9 and waits 100 ns for 10's write */
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 9500, 1, 11, SL_WK_PIPE, 9, 0, 0));
		eb_push(&eb, ev_block_in(ts + 9500, 1, 11, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9600, 0, 10, SL_WK_PIPE, 9, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 9600, 0, 10, 11, true));
		eb_push(&eb, ev_switch(ts + 9600, 1, 0, 11, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 1);
	cr_assert_eq(r->channels[0].q.verdict, SL_V_BALANCED, "channel %s",
		     sl_verdict_name(r->channels[0].q.verdict));
	cr_assert(r->nr_locks && r->locks[0].lock_bound);
	cr_assert_eq(r->verdict_lock, 0);
	cr_assert_eq(r->verdict_channel, -1);
	cr_assert_eq(r->verdict, SL_V_LOCK_BOUND, "verdict %s", sl_verdict_name(r->verdict));
}

/*
 * Threads 10 and 11 take turns at lock 0x700, each waiting 8 us of every
 * 20, and the holder writes pipe 9 at the end of its turn; process 12
 * reads the pipe, waiting for data nearly all the time.  The channel
 * names its producers, which wait for the lock 40 % of their time: more
 * of them would only wait longer, and the lock speaks for the run.
 */
Test(waits, producers_waiting_for_a_lock_bound_lock_give_it_the_verdict)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	thread_pair();
	eb_push(&eb, ev_switch(1000, 2, 0, 12, SL_R_NONE, false, true));
	for (int i = 0; i < 6; i++, ts += 10000) {
		__u32 h = i % 2 ? 11 : 10;
		__u16 hc = i % 2 ? 1 : 0;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 100, 2, 12, SL_WK_PIPE, 9, 0, 0));
		eb_push(&eb, ev_block_in(ts + 100, 2, 12, 0, SL_R_SLEEP, 0, S, false));
		lock_turn(i, ts);
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9500, hc, h, SL_WK_PIPE, 9, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 9500, hc, h, 12, true));
		eb_push(&eb, ev_switch(ts + 9500, 2, 0, 12, SL_R_NONE, false, true));
	}
	eb_sort(&eb);
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 1);
	cr_assert_eq(r->channels[0].q.verdict, SL_V_PRODUCER_BOUND, "channel %s",
		     sl_verdict_name(r->channels[0].q.verdict));
	cr_assert(r->nr_locks && r->locks[0].lock_bound);
	cr_assert_eq(r->verdict_lock, 0);
	cr_assert_eq(r->verdict, SL_V_LOCK_BOUND, "verdict %s", sl_verdict_name(r->verdict));
}

/*
 * Server 10 waits in epoll_wait (epoll 77) for its clients: 11 writes its
 * socket 5 three times, each waking 10; 12 reads socket 6 once, which
 * wakes 10 too (room freed: no side).  The epoll instance is a channel
 * from 11 to 10.
 */
Test(waits, an_epoll_woken_by_writes_is_a_channel_from_the_writers)
{
	const struct sl_result *r;
	const struct sl_channel_row *ch;
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 4; i++, ts += 10000) {
		bool read = i == 3;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_POLL, 77, 232, 0));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 232, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 6000, read ? 2 : 1, read ? 12 : 11,
				   SL_WK_SOCKET, read ? 6 : 5, read ? 0 : 1, read ? 0 : SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 6000, read ? 2 : 1, read ? 12 : 11, 10, true));
		eb_push(&eb, ev_switch(ts + 6000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(row(r, 10)->state_ns[SL_TS_EVENTS], 4 * 6000);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	ch = &r->channels[0];
	cr_assert_eq(ch->kind, SL_WK_POLL);
	cr_assert_eq(ch->obj, 77);
	cr_assert(!ch->condition);
	cr_assert_eq(ch->wakeups, 4);
	cr_assert_eq(ch->q.cons_blocked_ns, 4 * 6000);
	cr_assert_eq(ch->nr_tasks, 2, "%u tasks", ch->nr_tasks);
	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if (pid_at(r, ct->task) == 11)
			cr_assert(ct->producer && !ct->consumer);
		else
			cr_assert(pid_at(r, ct->task) == 10 && ct->consumer && !ct->producer);
	}
}

/* 10 blocks reading eventfd 88 that 11 writes, three times: a channel. */
Test(waits, an_eventfd_is_a_channel)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 3; i++, ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_EVENTFD, 88, 0, 0));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, 1, 11, SL_WK_EVENTFD, 88, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 5000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 5000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].kind, SL_WK_EVENTFD);
	cr_assert_eq(r->channels[0].q.cons_blocked_ns, 3 * 5000);
	cr_assert_eq(r->channels[0].wakeups, 3);
}

/*
 * 10 and 11 sleep 9 us of every 10, wait 400 ns for a CPU after each
 * wakeup and run 600 ns: over a third of their busy time waiting for a
 * CPU, but 4 % of their lives.  10 waits twice on condition 0x900 that 11
 * signals.  Asleep nearly all the time, they are short of no CPU: the
 * condition is balanced, not CPU-starved.
 */
Test(waits, tasks_asleep_nearly_always_are_not_cpu_starved)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 10; i++, ts += 10000) {
		for (__u32 pid = 10; pid <= 11; pid++) {
			eb_push(&eb, ev_wt(SL_EV_WAIT, ts, pid - 10, pid, SL_WK_SLEEP, 0, 35, 0));
			eb_push(&eb, ev_block_in(ts, pid - 10, pid, 0, SL_R_SLEEP, 35, S, false));
		}
		for (__u32 pid = 10; pid <= 11; pid++)
			eb_push(&eb, ev_wake(ts + 9000, pid - 10, 0, pid, false));
		for (__u32 pid = 10; pid <= 11; pid++)
			eb_push(&eb, ev_switch(ts + 9400, pid - 10, 0, pid, SL_R_NONE, false, true));
		if (i != 3 && i != 6)
			continue;
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 9500, 0, 10, SL_WK_FUTEX, 0x900, 202,
				   SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts + 9500, 0, 10, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 9600, 1, 11, SL_WK_FUTEX, 0x900, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 9600, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 9600, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	/* 37 %: above the CPU-wait threshold; the first microsecond ran too */
	cr_assert_float_eq(r->channels[0].q.both.cpu_wait_frac, 0.37, 0.005, "cpu wait %f",
			   r->channels[0].q.both.cpu_wait_frac);
	cr_assert_lt(r->channels[0].q.both.runnable_frac, 0.1);
	cr_assert_eq(r->channels[0].q.verdict, SL_V_BALANCED, "verdict %s",
		     sl_verdict_name(r->channels[0].q.verdict));
}

/*
 * sort (10) -> pipe 1 -> uniq (11) -> pipe 2 -> awk (12), four rounds:
 * sort computes 8 us per write; uniq waits for it 8 us, passes each line
 * on at once (in two writes), and awk waits for uniq as long.  uniq joins
 * the two pipes and awk waits for data behind it, but uniq waits as long
 * itself: the first stage limits the pipeline, and its pipe speaks for
 * the run, though uniq's to awk carried more wakeups.
 */
Test(waits, a_slow_first_stage_limits_the_pipeline)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	three_running();
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 1, 11, SL_WK_PIPE, 1, 0, 0));
	eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 2, 12, SL_WK_PIPE, 2, 0, 0));
	for (int i = 0; i < 4; i++, ts += 10000) {
		eb_push(&eb, ev_block_in(ts, 1, 11, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_block_in(ts, 2, 12, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8000, 0, 10, SL_WK_PIPE, 1, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 8000, 0, 10, 11, true));
		eb_push(&eb, ev_switch(ts + 8000, 1, 0, 11, SL_R_NONE, false, true));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 8500, 1, 11, SL_WK_PIPE, 2, 1, SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 8500, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 8500, 2, 0, 12, SL_R_NONE, false, true));
		/* uniq writes twice per line it reads: pipe 2 is the busier */
		eb_push(&eb, ev_block_in(ts + 8600, 2, 12, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wake(ts + 8700, 1, 11, 12, true));
		eb_push(&eb, ev_switch(ts + 8700, 2, 0, 12, SL_R_NONE, false, true));
		/* uniq reads pipe 1 again */
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts + 9000, 1, 11, SL_WK_PIPE, 1, 0, 0));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 2);
	cr_assert_eq(r->pipeline.nr_channels, 2);
	cr_assert_eq(r->pipeline.stage_tgid, 10, "stage %u", r->pipeline.stage_tgid);
	cr_assert_eq(r->pipeline.upstream, -1, "the first stage has no upstream");
	cr_assert_eq(r->channels[r->pipeline.downstream].obj, 1);
	cr_assert_gt(r->pipeline.stage_busy_frac, 0.9, "busy %f", r->pipeline.stage_busy_frac);
	/* the run speaks through the stage's channel, not through uniq's to awk */
	cr_assert_eq(r->verdict_channel, r->pipeline.downstream);
	cr_assert_eq(r->verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(r->verdict));
}

/*
 * A socket pair: 10 writes its end 5 and blocks for room three times, 11
 * reading end 6 frees it each time; once 11 blocks for data on end 6 and
 * 10's write wakes it.  One channel, both ends, from 10 to 11.
 */
Test(waits, a_socket_pairs_two_ends_are_one_channel)
{
	const struct sl_result *r;
	char label[96];
	__u64 ts = 2000;

	eb_push(&eb, ev_switch(1000, 0, 0, 10, SL_R_NONE, false, true));
	eb_push(&eb, ev_switch(1000, 1, 0, 11, SL_R_NONE, false, true));
	eb_push(&eb, ev_wt(SL_EV_WAIT, 1500, 1, 11, SL_WK_SOCKET, 6, 0, SL_WD_SOCK_STREAM));
	eb_push(&eb, ev_block_in(1500, 1, 11, 0, SL_R_SLEEP, 0, S, false));
	eb_push(&eb, ev_wt(SL_EV_WAKER, 1800, 0, 10, SL_WK_SOCKET, 5, 1,
			   SL_WD_SOCK_STREAM | SL_WD_WRITE));
	eb_push(&eb, ev_wake(1800, 0, 10, 11, true));
	eb_push(&eb, ev_switch(1800, 1, 0, 11, SL_R_NONE, false, true));
	for (int i = 0; i < 3; i++, ts += 10000) {
		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_SOCKET, 5, 1,
				   SL_WD_SOCK_STREAM | SL_WD_WRITE));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 1, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 7000, 1, 11, SL_WK_SOCKET, 6, 0,
				   SL_WD_SOCK_STREAM));
		eb_push(&eb, ev_wake(ts + 7000, 1, 11, 10, true));
		eb_push(&eb, ev_switch(ts + 7000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(2, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].wakeups, 4);
	cr_assert_eq(r->channels[0].q.prod_blocked_ns, 3 * 7000);
	cr_assert_eq(r->channels[0].q.cons_blocked_ns, 300);
	cr_assert(r->channels[0].obj == 5 || r->channels[0].obj == 6);
	cr_assert_eq(r->channels[0].peer, r->channels[0].obj == 5 ? 6 : 5);
	report_channel_object(label, sizeof(label), &r->channels[0]);
	cr_assert(strstr(label, "+["), "%s", label);
	/* one CSV row per task of the channel, its side and its own blocked time */
	{
		char *csv = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&csv, &len);

		cr_assert_eq(report__csv_table(f, REPORT_CSV_CHANNELS, r, &ti), 0);
		fclose(f);
		cr_assert(strstr(csv, ",10,10,,1,0,21000,"), "%s", csv);
		cr_assert(strstr(csv, ",11,11,,0,1,300,"), "%s", csv);
		free(csv);
	}
}

/*
 * A reader thread (11) waits on its end 7 of a connection, written by the
 * client (10) on end 8; a worker (12) answers on end 7 too, which wakes
 * the reader now and then through the socket's shared wait queue.  What
 * is written on 7 goes to 8: the worker is no producer of what 11 reads.
 */
Test(waits, a_write_on_the_readers_own_end_gives_it_nothing)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 3; i++, ts += 10000) {
		__u32 waker = i == 1 ? 12 : 10;
		__u16 cpu = i == 1 ? 2 : 0;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 1, 11, SL_WK_SOCKET, 7, 0, SL_WD_SOCK_STREAM));
		eb_push(&eb, ev_block_in(ts, 1, 11, 0, SL_R_SLEEP, 0, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 5000, cpu, waker, SL_WK_SOCKET, i == 1 ? 7 : 8, 1,
				   SL_WD_SOCK_STREAM | SL_WD_WRITE));
		eb_push(&eb, ev_wake(ts + 5000, cpu, waker, 11, true));
		eb_push(&eb, ev_switch(ts + 5000, 1, 0, 11, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].obj, 7);
	cr_assert_eq(r->channels[0].wakeups, 3);
	cr_assert_eq(r->channels[0].q.prod.nr_tasks, 1, "%u producers",
		     r->channels[0].q.prod.nr_tasks);
	for (__u32 k = 0; k < r->channels[0].nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[r->channels[0].first_task + k];

		cr_assert(!(ct->producer && pid_at(r, ct->task) == 12), "the worker produces");
	}
}

/*
 * 10 waits on a condition variable's two words by turns; 11 signals both,
 * 12 (another producer) only the upper one.  Still one condition.
 */
Test(waits, a_condition_variables_words_signalled_by_some_of_its_signallers_are_one)
{
	const struct sl_result *r;
	__u64 ts = 2000;

	three_running();
	for (int i = 0; i < 6; i++, ts += 10000) {
		__u64 word = i % 2 ? 0x1004 : 0x1000;
		__u32 by = i == 3 ? 12 : 11;
		__u16 cpu = by == 12 ? 2 : 1;

		eb_push(&eb, ev_wt(SL_EV_WAIT, ts, 0, 10, SL_WK_FUTEX, word, 202, SL_WD_FUTEX_BITSET));
		eb_push(&eb, ev_block_in(ts, 0, 10, 0, SL_R_SLEEP, 202, S, false));
		eb_push(&eb, ev_wt(SL_EV_WAKER, ts + 4000, cpu, by, SL_WK_FUTEX, word, 202,
				   SL_WD_FUTEX_WAKE));
		eb_push(&eb, ev_wake(ts + 4000, cpu, by, 10, true));
		eb_push(&eb, ev_switch(ts + 4000, 0, 0, 10, SL_R_NONE, false, true));
	}
	r = run(3, ts);
	cr_assert_eq(r->nr_channels, 1, "%u channels", r->nr_channels);
	cr_assert_eq(r->channels[0].obj, 0x1000);
	cr_assert_eq(r->channels[0].wakeups, 6);
	cr_assert_eq(r->channels[0].nr_tasks, 3, "signallers 11 and 12, waiter 10");
}
