// SPDX-License-Identifier: GPL-2.0
/*
 * What real programs wait on, classified by the real probes: `schedlab
 * trace` runs tests/integration/progs/waiters (one task blocks ~300 ms in
 * one kind of wait while another releases it), and the recorded trace is
 * analysed here.  $SCHEDLAB names the binary; the program is built beside
 * this test.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "analysis/analysis_result.h"
#include "common.h"
#include "format/tracefile.h"

#define HOLD_NS 300000000ull

static const char *env_or(const char *name, const char *def)
{
	const char *s = getenv(name);

	return s ? s : def;
}

/* The waiters program, built beside this test binary. */
static void waiters_path(char *buf, size_t len)
{
	char self[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	cr_assert_gt(n, 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	cr_assert_not_null(slash);
	*slash = '\0';
	snprintf(buf, len, "%s/waiters", self);
}

/* Runs `schedlab trace -o path -- argv...` quietly; its exit status. */
static int trace_to(const char *path, char *const *cmd)
{
	char *argv[16] = { "schedlab", "trace", "-o", (char *)path, "--" };
	int n = 5, st;
	pid_t pid;

	for (; *cmd && n < 15; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(env_or("SCHEDLAB", ".output/schedlab"), argv);
		_exit(98);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct analysed {
	struct sl_trace_info ti;
	struct analysis *a;
	const struct sl_result *r;
};

static void analyse(const char *path, struct analysed *x)
{
	struct tracefile_reader *rd;
	struct sl_event e;
	char err[256];
	int ret;

	memset(x, 0, sizeof(*x));
	cr_assert_eq(tracefile__open(path, &x->ti, &rd, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(analysis__new(x->ti.ncpu, &x->a), 0);
	analysis__set_start(x->a, x->ti.start_ts);
	analysis__set_arch(x->a, x->ti.arch);
	while ((ret = tracefile__next(rd, &e)) == 1)
		cr_assert_eq(analysis__feed(x->a, &e), 0);
	cr_assert_eq(ret, 0, "%s", tracefile__error(rd));
	tracefile__close(rd);
	cr_assert_eq(analysis__finish(x->a, &x->ti), 0);
	x->r = analysis__result(x->a);
}

static void release(struct analysed *x)
{
	analysis__free(x->a);
	sl_trace_info__free(&x->ti);
}

static const struct sl_task_row *by_comm(const struct sl_result *r, const char *comm)
{
	for (__u32 i = 0; i < r->nr_tasks; i++)
		if (!strcmp(r->tasks[i].comm, comm))
			return &r->tasks[i];
	cr_assert_fail("no task named %s", comm);
	return NULL;
}

struct wait_case {
	char mode[12];
	__u8 state;		/* where the waiter's ~300 ms must go */
	__u8 kind;		/* its top wait object's kind */
};

static struct wait_case wait_cases[] = {
	{ "pipe", SL_TS_PIPE_EMPTY, SL_WK_PIPE },
	{ "pipefull", SL_TS_PIPE_FULL, SL_WK_PIPE },
	{ "socket", SL_TS_SOCKET, SL_WK_SOCKET },
	{ "mutex", SL_TS_LOCK, SL_WK_FUTEX },
	{ "cond", SL_TS_CONDITION, SL_WK_FUTEX },
	{ "mq", SL_TS_PIPE_EMPTY, SL_WK_MQ },
	{ "wait4", SL_TS_CHILD, SL_WK_CHILD },
	{ "epoll", SL_TS_EVENTS, SL_WK_POLL },
	{ "sleep", SL_TS_SLEEP, SL_WK_SLEEP },
	{ "join", SL_TS_CHILD, SL_WK_FUTEX },
};

static void temp_path(char *path)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
}

/* Traces `waiters MODE` into a fresh file named from the template path, and analyses it. */
static void trace_waiters(const char *mode, char *path, struct analysed *x)
{
	char prog[PATH_MAX];

	temp_path(path);
	waiters_path(prog, sizeof(prog));
	cr_assert_eq(trace_to(path, (char *[]){ prog, (char *)mode, NULL }), 0, "%s: trace failed",
		     mode);
	analyse(path, x);
}

ParameterizedTestParameters(waits, classified)
{
	return cr_make_param_array(struct wait_case, wait_cases,
				   sizeof(wait_cases) / sizeof(wait_cases[0]));
}

ParameterizedTest(struct wait_case *c, waits, classified, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_task_row *t;
	const struct sl_wait_row *w;
	struct analysed x;
	__u64 blocked = 0;

	require_tracing();
	trace_waiters(c->mode, path, &x);
	unlink(path);
	cr_assert_gt(x.r->nr_wait_records, 0);
	t = by_comm(x.r, "waiter");
	for (int s = SL_TS_IO; s < SL_TS_MAX; s++)
		blocked += t->state_ns[s];
	/* it waited at least as long as its releaser held it, nearly all in one state */
	cr_assert_geq(t->state_ns[c->state], HOLD_NS * 9 / 10, "%s: %s %llu ns of %llu blocked",
		      c->mode, sl_task_state_name(c->state),
		      (unsigned long long)t->state_ns[c->state], (unsigned long long)blocked);
	cr_assert_geq(t->state_ns[c->state] * 10, blocked * 9, "%s: %llu of %llu ns", c->mode,
		      (unsigned long long)t->state_ns[c->state], (unsigned long long)blocked);
	cr_assert_gt(t->nr_waits, 0);
	w = &x.r->waits[t->first_wait];
	cr_assert_eq(w->kind, c->kind, "%s: top object kind %u", c->mode, w->kind);
	cr_assert_eq(w->state, c->state);
	cr_assert_geq(w->blocked_ns, HOLD_NS * 9 / 10);
	release(&x);
}

/*
 * A task's wait records are sent only when its call changes, and the
 * probes remember the last one per CPU: a waiter that reads pipe A on
 * CPU 0 and pipe B on CPU 1 in turn must have every block counted on the
 * pipe it was on, though CPU 0's last record for it was that same read.
 */
Test(waits, a_wait_after_a_migration_is_classified_again, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_task_row *t;
	struct analysed x;
	int pipes = 0;

	require_tracing();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs two CPUs");
	trace_waiters("migrate", path, &x);
	unlink(path);
	t = by_comm(x.r, "waiter");
	/*
	 * 20 blocks on each pipe (A ~10 ms each, B ~5 ms), fewer where a
	 * loaded machine let a write come before its read; counted on the
	 * wrong pipe, A would keep one and B take the rest
	 */
	for (__u32 i = 0; i < t->nr_waits; i++) {
		const struct sl_wait_row *w = &x.r->waits[t->first_wait + i];

		if (w->kind != SL_WK_PIPE)
			continue;
		pipes++;
		cr_assert(w->blocks >= 10 && w->blocks <= 22,
			  "pipe:[%llu] %llu blocks, %llu ns: blocks counted on the wrong pipe",
			  (unsigned long long)w->obj, (unsigned long long)w->blocks,
			  (unsigned long long)w->blocked_ns);
	}
	cr_assert_eq(pipes, 2);
	release(&x);
}

/*
 * `schedlab dump` prints what each waker record said: the spinner's, when
 * a timer interrupted it computing, no call.
 */
static void dump_shows_the_wakers_call(const char *path)
{
	char cmd[PATH_MAX + 64], line[512];
	int wakers = 0, classified = 0, none = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' dump '%s'", env_or("SCHEDLAB", ".output/schedlab"), path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (!strstr(line, " waker "))
			continue;
		wakers++;
		classified += strstr(line, " kind=") && strstr(line, " syscall=");
		none += strstr(line, " kind=none syscall=none ") != NULL;
	}
	cr_assert_eq(pclose(p), 0);
	cr_assert(wakers > 0 && classified == wakers && none > 0,
		  "%d waker records, %d with their call, %d with none", wakers, classified, none);
}

/*
 * A nap's timer fires in an interrupt while another task is current: the
 * wakeup is the interrupt's, not that task's, whether it was computing in
 * user space or inside a write.  Both threads share CPU 0.  The one
 * wakeup the spinner may give is its exit ending the waiter's join.
 */
Test(waits, a_timers_wakeup_is_not_the_interrupted_tasks, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_task_row *w, *sp;
	struct analysed x;
	__u64 by_spinner = 0;

	require_tracing();
	trace_waiters("timers", path, &x);
	dump_shows_the_wakers_call(path);
	unlink(path);
	w = by_comm(x.r, "waiter");
	sp = by_comm(x.r, "spinner");
	cr_assert(w->wakeups >= 150, "the waiter woke %llu times", (unsigned long long)w->wakeups);
	cr_assert(sp->on_cpu_ns > 50000000ull, "the spinner ran %llu ns",
		  (unsigned long long)sp->on_cpu_ns);
	for (__u32 k = 0; k < x.r->nr_wake_edges; k++) {
		const struct sl_wake_edge *e = &x.r->wake_edges[k];

		if (e->waker < x.r->nr_tasks && e->wakee < x.r->nr_tasks &&
		    &x.r->tasks[e->waker] == sp && &x.r->tasks[e->wakee] == w)
			by_spinner += e->count;
	}
	cr_assert_leq(by_spinner, 1, "%llu of the waiter's %llu wakeups put on the spinner",
		     (unsigned long long)by_spinner, (unsigned long long)w->wakeups);
	release(&x);
}

/* Every producer (or consumer) of channel ch is named comm; there is one. */
static bool side_all(const struct sl_result *r, const struct sl_channel_row *ch, bool producer,
		     const char *comm)
{
	bool any = false;

	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if (!(producer ? ct->producer : ct->consumer))
			continue;
		if (strcmp(r->tasks[ct->task].comm, comm))
			return false;
		any = true;
	}
	return any;
}

/*
 * A C server: two worker threads answer four client processes, each on
 * its own socket pair, computing for every request.  The server is the
 * pipeline's limiting stage, busy as its workers are; a worker's read,
 * which also wakes the client it read from for nothing (the unix socket's
 * wait queue serves both directions), makes it no consumer of the
 * client's answers.
 */
Test(waits, a_c_server_limits_its_clients, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_pipeline *pl;
	struct analysed x;
	__u32 client_chans = 0;

	require_tracing();
	trace_waiters("server", path, &x);
	unlink(path);
	pl = &x.r->pipeline;
	cr_assert_gt(pl->stage_tgid, 0, "no pipeline among %u channels", x.r->nr_channels);
	cr_assert_str_eq(x.r->tasks[pl->stage_task].comm, "worker");
	cr_assert_eq(pl->stage_tgid, by_comm(x.r, "worker")->tgid);
	cr_assert_geq(pl->nr_channels, 4, "%u channels joined", pl->nr_channels);
	/* the workers compute all the time they are not handed a client */
	cr_assert_gt(pl->stage_busy_frac, 0.7, "stage busy %f", pl->stage_busy_frac);
	for (__u32 i = 0; i < x.r->nr_channels; i++) {
		const struct sl_channel_row *ch = &x.r->channels[i];
		bool client = false, worker = false;

		for (__u32 k = 0; k < ch->nr_tasks; k++) {
			const struct sl_channel_task *ct = &x.r->chan_tasks[ch->first_task + k];
			const char *comm = x.r->tasks[ct->task].comm;

			client |= ct->consumer && !strcmp(comm, "client");
			worker |= ct->consumer && !strcmp(comm, "worker");
		}
		client_chans += client;
		cr_assert(!(client && worker), "channel %u: a worker consumes a client's answers", i);
	}
	cr_assert_geq(client_chans, 4, "%u channels with a client reading", client_chans);
	/* each client's two ends are one loop; the workers' answers speak */
	cr_assert(pl->closed, "not a closed loop");
	cr_assert_eq(x.r->verdict_channel, pl->downstream);
	cr_assert(side_all(x.r, &x.r->channels[pl->downstream], true, "worker"));
	release(&x);
}

/*
 * A C server of reader threads, a job queue under a mutex and two
 * workers computing 300 us per request, and three clients: each client's
 * requests and answers are a closed loop through the server, which
 * limits it; the run's verdict is on the answers, the workers' channel.
 * The workers wait for the queue's mutex while a reader is in read():
 * no reader of a socket for that.
 */
Test(waits, a_job_queue_server_limits_its_closed_loops, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_pipeline *pl;
	const struct sl_channel_row *v;
	struct analysed x;

	require_tracing();
	trace_waiters("jobs", path, &x);
	unlink(path);
	pl = &x.r->pipeline;
	cr_assert_gt(pl->stage_tgid, 0, "no pipeline among %u channels", x.r->nr_channels);
	cr_assert(pl->closed, "not a closed loop");
	cr_assert_eq(pl->stage_tgid, by_comm(x.r, "worker")->tgid);
	cr_assert_geq(x.r->verdict_channel, 0);
	cr_assert_eq(x.r->verdict_channel, pl->downstream);
	v = &x.r->channels[x.r->verdict_channel];
	cr_assert(side_all(x.r, v, true, "worker"), "the verdict's channel is not the workers'");
	cr_assert(side_all(x.r, v, false, "client"));
	cr_assert(side_all(x.r, &x.r->channels[pl->upstream], false, "reader"));
	cr_assert_neq(x.r->verdict, SL_V_CONSUMER_BOUND);
	for (__u32 i = 0; i < x.r->nr_channels; i++) {
		const struct sl_channel_row *ch = &x.r->channels[i];

		for (__u32 k = 0; ch->kind == SL_WK_SOCKET && k < ch->nr_tasks; k++) {
			const struct sl_channel_task *ct = &x.r->chan_tasks[ch->first_task + k];

			cr_assert(!(ct->consumer && !strcmp(x.r->tasks[ct->task].comm, "worker")),
				  "channel %u: a worker reads a client's requests", i);
		}
	}
	release(&x);
}

/*
 * The same server answering at once, its clients sleeping 3 ms before
 * each request: a client limits its loop, and the run reads
 * producer-bound on its requests, for its sleep.
 */
Test(waits, clients_that_sleep_between_requests_limit_their_server, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_pipeline *pl;
	const struct sl_channel_row *v;
	struct analysed x;

	require_tracing();
	trace_waiters("jobs-think", path, &x);
	unlink(path);
	pl = &x.r->pipeline;
	cr_assert_gt(pl->stage_tgid, 0, "no pipeline among %u channels", x.r->nr_channels);
	cr_assert(pl->closed, "not a closed loop");
	cr_assert_str_eq(x.r->tasks[pl->stage_task].comm, "client");
	cr_assert_eq(x.r->verdict_channel, pl->downstream);
	v = &x.r->channels[x.r->verdict_channel];
	cr_assert(side_all(x.r, v, true, "client"));
	cr_assert_eq(x.r->verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(x.r->verdict));
	cr_assert_eq(v->q.verdict_rule, SL_VR_SLEEP, "rule %d", v->q.verdict_rule);
	/* its own time is its sleep: far more than its busy share */
	cr_assert_gt(pl->stage_own_frac, 0.5, "own %f", pl->stage_own_frac);
	cr_assert_gt(pl->stage_own_frac, 2 * pl->stage_busy_frac, "own %f busy %f",
		     pl->stage_own_frac, pl->stage_busy_frac);
	release(&x);
}

/*
 * Four threads that compute inside one mutex: nothing but the lock links
 * them, and they wait for it much of the time.  No channel: the lock's
 * verdict is the run's.
 */
Test(waits, threads_serialised_by_a_mutex_are_lock_bound, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_lock_row *lk;
	struct analysed x;

	require_tracing();
	trace_waiters("contend", path, &x);
	unlink(path);
	cr_assert_eq(x.r->nr_channels, 0, "%u channels", x.r->nr_channels);
	cr_assert_geq(x.r->nr_locks, 1);
	lk = &x.r->locks[0];
	cr_assert_eq(lk->kind, SL_WK_FUTEX);
	cr_assert_eq(lk->nr_tasks, 4, "%u takers", lk->nr_tasks);
	for (__u32 k = 0; k < lk->nr_tasks; k++)
		cr_assert_str_eq(x.r->tasks[x.r->lock_tasks[lk->first_task + k].task].comm, "taker");
	cr_assert_gt(lk->contention_frac, 0.2, "contention %f", lk->contention_frac);
	cr_assert_eq(x.r->verdict_lock, 0);
	cr_assert_eq(x.r->verdict, SL_V_LOCK_BOUND, "verdict %s", sl_verdict_name(x.r->verdict));
	release(&x);
}

/* Is every task on side `producers` of ch named comm, and some? */
static bool side_is(const struct sl_result *r, const struct sl_channel_row *ch, bool producers,
		    const char *comm)
{
	__u32 n = 0;

	for (__u32 k = 0; k < ch->nr_tasks; k++) {
		const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];

		if (producers ? !ct->producer : !ct->consumer)
			continue;
		if (strcmp(r->tasks[ct->task].comm, comm))
			return false;
		n++;
	}
	return n > 0;
}

/*
 * The waiter sleeps in epoll_wait on a pipe the main process writes after
 * ~300 ms: the epoll instance is a channel from the writer to the waiter
 * (the wakeup went through the pipe into the epoll).
 */
Test(waits, an_epoll_waiter_consumes_what_its_files_writer_produces, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_channel_row *ch = NULL;
	struct analysed x;

	require_tracing();
	trace_waiters("epoll", path, &x);
	unlink(path);
	for (__u32 i = 0; i < x.r->nr_channels; i++)
		if (x.r->channels[i].kind == SL_WK_POLL)
			ch = &x.r->channels[i];
	cr_assert_not_null(ch, "no epoll channel among %u", x.r->nr_channels);
	cr_assert(side_is(x.r, ch, false, "waiter"), "the waiter consumes");
	cr_assert(side_is(x.r, ch, true, "waiters"), "the writer produces");
	cr_assert_geq(ch->q.cons_blocked_ns, HOLD_NS * 9 / 10);
	release(&x);
}

/*
 * Two children each wait on an eventfd of their own: two objects, though
 * every anonymous file shares one inode (the probes name them by file).
 */
Test(waits, two_eventfds_are_two_objects, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	__u64 ids[2] = { 0 };
	struct analysed x;
	int n = 0;

	require_tracing();
	trace_waiters("eventfds", path, &x);
	unlink(path);
	for (__u32 i = 0; i < x.r->nr_tasks && n < 2; i++) {
		const struct sl_task_row *t = &x.r->tasks[i];

		if (strcmp(t->comm, "waiter"))
			continue;
		cr_assert_gt(t->nr_waits, 0);
		cr_assert_eq(x.r->waits[t->first_wait].kind, SL_WK_EVENTFD, "kind %u",
			     x.r->waits[t->first_wait].kind);
		ids[n++] = x.r->waits[t->first_wait].obj;
	}
	cr_assert_eq(n, 2, "%d waiters", n);
	cr_assert_neq(ids[0], ids[1], "one object for two eventfds");
	release(&x);
}

/*
 * A bounded buffer between threads (a mutex, "not full" and "not empty"):
 * the consumer computes ten times as long per item as a producer.  The
 * run's verdict is the "not full" condition's: the consumer signals it
 * and is busy, the producers wait on it.  "Not empty" is its pair, and
 * both go by the names the program gave them.
 */
Test(waits, a_bounded_buffers_busy_side_signals_what_the_other_waits_on, .timeout = 60)
{
	char path[] = "/tmp/sl-waits-XXXXXX";
	const struct sl_channel_row *ch, *pair;
	struct analysed x;

	require_tracing();
	trace_waiters("buffer", path, &x);
	unlink(path);
	cr_assert_geq(x.r->verdict_channel, 0, "%u channels", x.r->nr_channels);
	ch = &x.r->channels[x.r->verdict_channel];
	cr_assert(ch->condition && ch->q.signal);
	cr_assert(side_is(x.r, ch, true, "consumer"), "the consumer signals the run's condition");
	cr_assert(side_is(x.r, ch, false, "producer"), "the producers wait on it");
	cr_assert_eq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s (signaller-bound expected)",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_gt(ch->q.cons.wait_frac, 0.25, "producers wait %f", ch->q.cons.wait_frac);
	cr_assert_geq(ch->pair, 0, "no pair");
	pair = &x.r->channels[ch->pair];
	cr_assert(side_is(x.r, pair, true, "producer") && side_is(x.r, pair, false, "consumer"));
	/* the program's own names for them, from its symbol table */
	cr_assert(!strncmp(ch->name, "not_full", 8), "named '%s'", ch->name);
	cr_assert(!strncmp(pair->name, "not_empty", 9), "pair named '%s'", pair->name);
	release(&x);
}

/*
 * Traces /usr/bin/python3 running script (with one argument, or none) into
 * a fresh trace and analyses it; skips where Debian's python3 is missing.
 */
static void trace_python(const char *script, const char *arg, struct analysed *x)
{
	char trace[] = "/tmp/sl-py-XXXXXX", py[] = "/tmp/sl-py-XXXXXX.py";
	size_t n = strlen(script);
	int fd;

	require_tracing();
	if (access("/usr/bin/python3", X_OK))
		cr_skip_test("no /usr/bin/python3");
	temp_path(trace);
	fd = mkstemps(py, 3);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, script, n), (ssize_t)n);
	close(fd);
	cr_assert_eq(trace_to(trace, (char *[]){ "/usr/bin/python3", py, (char *)arg, NULL }), 0);
	unlink(py);
	analyse(trace, x);
	unlink(trace);
}

/* cat | gzip -1 | sha256sum: gzip is busy while cat waits for room and sha256sum for data. */
Test(waits, shell_pipeline_names_gzip_the_limiting_stage, .timeout = 120)
{
	char trace[] = "/tmp/sl-pipe-XXXXXX", data[] = "/tmp/sl-big-XXXXXX", cmd[128];
	const struct sl_pipeline *pl;
	struct analysed x;
	FILE *f;

	require_tracing();
	temp_path(trace);
	cr_assert_geq(mkstemp(data), 0);
	f = fopen(data, "w");
	cr_assert_not_null(f);
	/* incompressible bytes: gzip has work on every one */
	for (unsigned int i = 0, s = 12345; i < 24u << 20; i++) {
		s = s * 1103515245u + 12345u;
		fputc((int)(s >> 16) & 0xff, f);
	}
	cr_assert_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "cat %s | gzip -1 | sha256sum >/dev/null", data);
	cr_assert_eq(trace_to(trace, (char *[]){ "/bin/sh", "-c", cmd, NULL }), 0);
	unlink(data);
	analyse(trace, &x);
	unlink(trace);
	pl = &x.r->pipeline;
	cr_assert_gt(pl->stage_tgid, 0, "no pipeline found among %u channels", x.r->nr_channels);
	cr_assert_str_eq(x.r->tasks[pl->stage_task].comm, "gzip");
	cr_assert_geq(pl->nr_channels, 2);
	release(&x);
}

/*
 * awk computes every line it prints; uniq and wc wait for it.  uniq joins
 * the two pipes, but it waits for data as long as wc does: the first
 * stage, awk, limits the pipeline.
 */
Test(waits, shell_pipeline_names_its_slow_first_stage, .timeout = 120)
{
	char trace[] = "/tmp/sl-pipe-XXXXXX";
	const struct sl_pipeline *pl;
	struct analysed x;

	require_tracing();
	temp_path(trace);
	cr_assert_eq(trace_to(trace, (char *[]){ "/bin/sh", "-c",
		"awk 'BEGIN { for (i = 0; i < 400000; i++) { s = 0; "
		"for (j = 0; j < 20; j++) s += (i * j) % 7; print s } }' | uniq | wc -l >/dev/null",
		NULL }), 0);
	analyse(trace, &x);
	unlink(trace);
	pl = &x.r->pipeline;
	cr_assert_gt(pl->stage_tgid, 0, "no pipeline found among %u channels", x.r->nr_channels);
	cr_assert_str_eq(x.r->tasks[pl->stage_task].comm, "awk");
	cr_assert_eq(pl->upstream, -1);
	cr_assert_geq(pl->downstream, 0);
	cr_assert_gt(pl->stage_busy_frac, 0.7, "awk busy %f", pl->stage_busy_frac);
	release(&x);
}

/*
 * The course's version: producer and consumer are the parent's children,
 * and the consumer hands its total back on a second queue, which the
 * parent waits on for the whole run.  That wait is the longest on any
 * channel, but one item went through it: the run's verdict is the busy
 * queue's.
 */
Test(waits, python_queue_with_a_result_queue_is_judged_by_the_busy_one, .timeout = 120)
{
	static const char script[] =
		"import multiprocessing as mp, time\n"
		"def producer(q):\n"
		"    for i in range(200):\n"
		"        q.put(i)\n"
		"    q.put(None)\n"
		"def consumer(q, out):\n"
		"    s = 0\n"
		"    while True:\n"
		"        x = q.get()\n"
		"        if x is None: break\n"
		"        time.sleep(0.005)\n"
		"        s += x\n"
		"    out.put(s)\n"
		"if __name__ == '__main__':\n"
		"    q = mp.Queue(maxsize=150)\n"
		"    out = mp.Queue()\n"
		"    c = mp.Process(target=consumer, args=(q, out))\n"
		"    p = mp.Process(target=producer, args=(q,))\n"
		"    c.start()\n"
		"    p.start()\n"
		"    print(out.get())\n"
		"    p.join()\n"
		"    c.join()\n";
	const struct sl_channel_row *ch, *most = NULL;
	struct analysed x;

	trace_python(script, NULL, &x);
	cr_assert_gt(x.r->nr_channels, 1, "the data queue and the result queue");
	for (__u32 i = 0; i < x.r->nr_channels; i++) {
		const struct sl_channel_row *c = &x.r->channels[i];

		if (!c->condition && (!most || c->q.prod_blocked_ns + c->q.cons_blocked_ns >
					       most->q.prod_blocked_ns + most->q.cons_blocked_ns))
			most = c;
	}
	cr_assert_not_null(most);
	cr_expect_leq(most->wakeups, 2, "the result queue is the most blocked (%llu wakeups)",
		      (unsigned long long)most->wakeups);
	cr_assert_geq(x.r->verdict_channel, 0);
	ch = &x.r->channels[x.r->verdict_channel];
	cr_expect_gt(ch->wakeups, 50, "the run is judged by a channel with %llu wakeups",
		     (unsigned long long)ch->wakeups);
	cr_expect_eq(x.r->verdict, SL_V_CONSUMER_BOUND, "verdict %s", sl_verdict_name(x.r->verdict));
	release(&x);
}

/* A bounded multiprocessing.Queue and a consumer ten times slower than the producer. */
Test(waits, python_queue_with_a_slow_consumer_is_consumer_bound, .timeout = 120)
{
	static const char script[] =
		"import multiprocessing as mp, time\n"
		"def consumer(q):\n"
		"    while q.get() is not None:\n"
		"        time.sleep(0.01)\n"
		"if __name__ == '__main__':\n"
		"    q = mp.Queue(maxsize=10)\n"
		"    c = mp.Process(target=consumer, args=(q,))\n"
		"    c.start()\n"
		/* the consumer must block on the empty pipe once: a pipe nobody
		 * waits on makes no record (docs/metrics.md, channels) */
		"    time.sleep(0.2)\n"
		"    for i in range(150):\n"
		"        time.sleep(0.001)\n"
		"        q.put(i)\n"
		"    q.put(None)\n"
		"    c.join()\n";
	const struct sl_channel_row *ch = NULL;
	struct analysed x;

	trace_python(script, NULL, &x);
	/* the queue's pipe, with its bounded semaphore folded in */
	for (__u32 i = 0; i < x.r->nr_channels && !ch; i++)
		if (x.r->channels[i].kind == SL_WK_PIPE && x.r->channels[i].folded)
			ch = &x.r->channels[i];
	cr_assert_not_null(ch, "no pipe channel with its semaphore among %u", x.r->nr_channels);
	cr_assert_eq(ch->q.verdict, SL_V_CONSUMER_BOUND, "verdict %s",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_gt(ch->q.prod_blocked_ns, ch->q.cons_blocked_ns);
	/* no queue of the lab's: that channel speaks for the run */
	cr_assert_eq(x.r->verdict_channel, (__s32)(ch - x.r->channels));
	cr_assert_eq(x.r->verdict, SL_V_CONSUMER_BOUND);
	release(&x);
}

/*
 * Three consumers of one multiprocessing.Queue and a slow producer: one
 * consumer at a time reads the pipe, holding the queue's readers' lock;
 * the other two wait for that lock.  All three wait for data: the
 * channel's consumers are blocked on it nearly all the time, most of it
 * behind the lock, where a reader's own read covers only a third.
 */
Test(waits, python_queue_readers_behind_its_lock_wait_for_data, .timeout = 120)
{
	static const char script[] =
		"import multiprocessing as mp, time\n"
		"def consumer(q):\n"
		"    while q.get() is not None:\n"
		"        pass\n"
		"if __name__ == '__main__':\n"
		"    q = mp.Queue()\n"
		"    cs = [mp.Process(target=consumer, args=(q,)) for _ in range(3)]\n"
		"    for c in cs: c.start()\n"
		"    for i in range(200):\n"
		"        time.sleep(0.002)\n"
		"        q.put(i)\n"
		"    for c in cs: q.put(None)\n"
		"    for c in cs: c.join()\n";
	const struct sl_channel_row *ch = NULL;
	struct analysed x;

	trace_python(script, NULL, &x);
	for (__u32 i = 0; i < x.r->nr_channels && !ch; i++)
		if (x.r->channels[i].kind == SL_WK_PIPE && x.r->channels[i].q.cons.nr_tasks == 3)
			ch = &x.r->channels[i];
	cr_assert_not_null(ch, "no pipe with three readers among %u channels", x.r->nr_channels);
	cr_assert_gt(ch->lock_proxy_ns, 0, "no wait behind the readers' lock");
	cr_assert_gt(ch->q.cons.wait_frac, 0.6, "the readers waited for data %.2f of their time",
		     ch->q.cons.wait_frac);
	cr_assert_eq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s", sl_verdict_name(ch->q.verdict));
	release(&x);
}

/*
 * multiprocessing.Pool(2), eight 250 ms tasks (long beside the parent's
 * own serial start and end): `apply` hands them out one at a time (the
 * parent waits for each result), `apply_async` all at once.  Found either way: the pipe the tasks travel through, fed by a
 * thread of the parent, read by the workers.
 */
static const struct sl_channel_row *pool_task_pipe(const struct sl_result *r, __u32 parent)
{
	for (__u32 i = 0; i < r->nr_channels; i++) {
		const struct sl_channel_row *ch = &r->channels[i];
		__u32 prod = 0, cons = 0, workers = 0;

		if (ch->kind != SL_WK_PIPE)
			continue;
		for (__u32 k = 0; k < ch->nr_tasks; k++) {
			const struct sl_channel_task *ct = &r->chan_tasks[ch->first_task + k];
			const struct sl_task_row *t = &r->tasks[ct->task];

			prod += ct->producer && t->tgid == parent;
			/* the parent reads it too at the end, behind the readers'
			 * lock (Pool's _help_stuff_finish drains the task queue) */
			cons += ct->consumer && t->tgid != parent;
			workers += ct->consumer && t->tgid != parent && t->ppid == parent;
		}
		/* a worker that always found data never shows as its reader */
		if (prod && cons && workers == cons)
			return ch;
	}
	return NULL;
}

static void pool_run(const char *mode, struct analysed *x, const struct sl_channel_row **ch)
{
	static const char script[] =
		"import multiprocessing as mp, sys, time\n"
		"def work(n):\n"
		"    t = time.time()\n"
		"    while time.time() - t < 0.25: pass\n"
		"    return n\n"
		"if __name__ == '__main__':\n"
		"    mp.set_start_method('fork')\n"
		"    with mp.Pool(2) as pool:\n"
		"        if sys.argv[1] == 'sync':\n"
		"            r = [pool.apply(work, (i,)) for i in range(8)]\n"
		"        else:\n"
		"            r = [a.get() for a in [pool.apply_async(work, (i,)) for i in range(16)]]\n";
	__u32 parent = 0;

	trace_python(script, mode, x);
	/* the process the trace started: the one whose parent is not traced */
	for (__u32 i = 0; i < x->r->nr_tasks && !parent; i++)
		if (x->r->tasks[i].pid == x->r->tasks[i].tgid && sl_result__task_index(x->r, x->r->tasks[i].ppid) < 0)
			parent = x->r->tasks[i].tgid;
	cr_assert_gt(parent, 0);
	*ch = pool_task_pipe(x->r, parent);
	cr_assert_not_null(*ch, "%s: no pipe from the parent to the workers among %u channels",
			   mode, x->r->nr_channels);
}

Test(waits, python_pool_apply_is_producer_bound_by_its_own_waits, .timeout = 120)
{
	const struct sl_channel_row *ch;
	struct analysed x;

	pool_run("sync", &x, &ch);
	/* the feeding side sleeps outside the pipe: a synchronous call */
	cr_assert_eq(ch->q.verdict, SL_V_PRODUCER_BOUND, "verdict %s",
		     sl_verdict_name(ch->q.verdict));
	cr_assert_eq(ch->q.verdict_rule, SL_VR_SLEEP);
	/* the workers wait for data on it most of the time */
	cr_assert_gt(ch->q.cons_blocked_ns, ch->q.prod_blocked_ns);
	cr_assert_leq(x.r->parallelism, 1.15, "one task at a time: parallelism %.2f",
		      x.r->parallelism);
	release(&x);
}

Test(waits, python_pool_apply_async_keeps_both_workers_busy, .timeout = 120)
{
	const struct sl_channel_row *ch;
	struct analysed x;

	/*
	 * 16 items, not 8: a stretch where one worker runs alone (a late
	 * start, an uneven split) weighs half as much.  With 8 it read 1.38
	 * of 1.98 free CPUs once in a full `make check`, 1.93-1.95 in 15
	 * runs on their own.
	 */
	pool_run("async", &x, &ch);
	cr_assert_neq(ch->q.verdict_rule, SL_VR_SLEEP, "not limited by a synchronous call");
	cr_assert_geq(x.r->parallelism, POOL_ASYNC_SHARE * cpus_free_of_others(x.r),
		      "parallelism %.2f of %.2f CPUs free of other tasks", x.r->parallelism,
		      cpus_free_of_others(x.r));
	release(&x);
}
