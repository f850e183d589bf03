// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/log.h"
#include "lab/qlog.h"
#include "run.h"
#include "session.h"

#define POLL_INTERVAL_US 10000

bool run_no_queue_probes;

/* Drains the probes while workload__wait blocks the main thread. */
struct poller {
	struct session *s;
	pthread_mutex_t lock;
	pthread_t thread;
	volatile int done;
};

static void *poll_loop(void *arg)
{
	struct poller *p = arg;

	while (!p->done) {
		pthread_mutex_lock(&p->lock);
		session__poll(p->s);
		pthread_mutex_unlock(&p->lock);
		usleep(POLL_INTERVAL_US);
	}
	return NULL;
}

/* Called by workload__wait for each finished child, still a zombie. */
static void before_reap(pid_t pid, const char *name, void *ctx)
{
	struct poller *p = ctx;
	int err;

	pthread_mutex_lock(&p->lock);
	err = session__capture_exit(p->s, pid, 500);
	pthread_mutex_unlock(&p->lock);
	if (err)
		pr_warn("no kernel counters for %s (pid %d): %s", name, (int)pid, strerror(-err));
}

void run__format_summary(const struct wl_summary *s, char *buf, size_t len)
{
	size_t n;

	n = (size_t)snprintf(buf, len,
			     "produced %llu, consumed %llu, still queued %llu, lost %llu, duplicates %llu: %s\n"
			     "throughput %.0f items/s over %.3f s\n",
			     s->produced, s->consumed, s->queued, s->lost, s->duplicates,
			     s->conserved ? "conservation ok" : "CONSERVATION FAILED",
			     s->throughput, s->elapsed_s);
	for (unsigned int i = 0; i < s->nr_dead && i < 16 && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "dead worker: %s\n", s->dead[i]);
}

/*
 * The queue event log for a workload: a ring per process that emits (every
 * producer, consumer and pool worker, and the parent that sends the stop
 * pills), up to 64 MiB of records in all, 4096..65536 per ring.
 */
static int open_qlog(const struct wl_config *c, struct session *s, struct qlog **out)
{
	__u32 nslots = c->producers + c->consumers + c->pool + 4, per = 65536;
	int err;

	while (per > 4096 && (__u64)per * nslots * sizeof(struct sl_event) > (64ull << 20))
		per /= 2;
	err = qlog__create(nslots, per, out);
	if (!err)
		err = tracer__add_qlog(s->tracer, *out);
	if (!err)
		err = qlog__install(*out);
	if (err) {
		qlog__destroy(*out);
		*out = NULL;
	}
	return err;
}

int run__profile(const struct wl_config *c, enum tracer_mode mode, const char *trace_path,
		 const struct present_opts *po, FILE *out, struct run_result *rr)
{
	struct session_opts so = { .trace_path = trace_path, .mode = mode, .stacks = po->stacks };
	struct poller p = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct presenter *pr = NULL;
	struct workload *w = NULL;
	struct session *s = NULL;
	char config[4096], cmdline[64], summary[1024];
	struct qlog *qlog = NULL;
	bool thread = false;
	int err;

	err = wl_config__format(c, config, sizeof(config));
	if (err)
		return err;
	snprintf(cmdline, sizeof(cmdline), "run %s", c->name[0] ? c->name : "(custom)");
	so.cmdline = cmdline;
	so.config = config;
	so.progress = isatty(STDERR_FILENO);
	err = session__open(&so, &s);
	if (err)
		return err;
	/* The workload writes its queue events itself: no trap per event. */
	if (!run_no_queue_probes && (err = open_qlog(c, s, &qlog)))
		pr_warn("no queue event log (%s): queue events will be missing", strerror(-err));
	err = presenter__new(po, &s->ti, &pr);
	if (err || (err = session__add_sink(s, presenter__sink, pr)))
		goto out;

	err = tracer__follow_children(s->tracer, getpid(), true);
	if (err)
		goto out;
	err = workload__start(c, &w);
	tracer__follow_children(s->tracer, getpid(), false);
	if (err) {
		pr_err("cannot start the workload: %s", strerror(-err));
		goto out;
	}
	p.s = s;
	err = -pthread_create(&p.thread, NULL, poll_loop, &p);
	if (err)
		goto out;
	thread = true;
	err = workload__release(w);
	if (err)
		goto out;
	err = workload__wait(w, &session_stop, before_reap, &p);
	if (err)
		pr_err("workload failed: %s", strerror(-err));
out:
	if (thread) {
		p.done = 1;
		pthread_join(p.thread, NULL);
	}
	if (w && workload__summary(w, &rr->summary) == 0) {
		run__format_summary(&rr->summary, summary, sizeof(summary));
		s->ti.workload_summary = strdup(summary);
	}
	workload__free(w);
	if (!err)
		err = session__close(s);
	if (!err)
		err = presenter__finish(pr, &s->ti, out);
	rr->events = s->ti.nr_events;
	rr->lost = sl_trace_info__lost(&s->ti);
	if (rr->keep_presenter && !err)
		rr->presenter = pr;
	else
		presenter__free(pr);
	session__free(s);
	qlog__destroy(qlog);	/* drained to the end by session__close */
	return err;
}

int run__untraced(const struct wl_config *c, FILE *out, struct run_result *rr)
{
	struct workload *w = NULL;
	char summary[1024];
	int err;

	err = workload__start(c, &w);
	if (err) {
		pr_err("cannot start the workload: %s", strerror(-err));
		return err;
	}
	err = workload__release(w);
	if (!err)
		err = workload__wait(w, &session_stop, NULL, NULL);
	if (!err)
		err = workload__summary(w, &rr->summary);
	workload__free(w);
	if (err) {
		pr_err("workload failed: %s", strerror(-err));
		return err;
	}
	run__format_summary(&rr->summary, summary, sizeof(summary));
	fprintf(out, "schedlab: %s, untraced\n%s", c->name[0] ? c->name : "(custom)", summary);
	return 0;
}
