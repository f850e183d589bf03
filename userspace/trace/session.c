// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "kstat.h"
#include "taskstats.h"
#include "util/log.h"
#include "session.h"
#include "qmarks.h"
#include "steal.h"
#include "obj_names.h"
#include "stack_symbols.h"
#include "format/tracefile.h"

volatile sig_atomic_t session_stop;
volatile sig_atomic_t session_signal;

static void on_signal(int sig)
{
	session_signal = sig;
	/*
	 * The first Ctrl-C stops the run; the second also kills what is
	 * traced (a command that ignores SIGINT) and still finishes the
	 * trace; a third is not ignored: the default action takes over.
	 */
	if (++session_stop >= 2) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	}
}

void session__install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* A cgroup first seen gets its path while it most likely still exists. */
static int note_cgroup(struct session *s, __u64 id)
{
	char path[4096];

	if (!id || sl_trace_info__cgroup_path(&s->ti, id))
		return 0;
	if (cgroup__path_of(id, path, sizeof(path)))
		return 0;	/* gone already: the report shows its id */
	return sl_trace_info__add_cgroup(&s->ti, id, path);
}

/*
 * A trace file that cannot be written (full disk, quota, I/O error) is said
 * once; the run stops, as SIGINT would stop it, while the probes are still
 * drained into the report so nothing is counted as lost.  The file keeps
 * its complete blocks and reads as a trace cut short.
 */
static void write_failed(struct session *s, int err)
{
	if (s->write_err)
		return;
	s->write_err = err;
	pr_err("cannot write trace file %s: %s; stopping", tracefile__path(s->writer),
	       strerror(-err));
	session_stop = 1;
}

static int dispatch(const struct sl_event *rec, void *ctx)
{
	struct session *s = ctx;
	struct sl_event copy = *rec;
	const struct sl_event *e = &copy;
	int err;

	/* queue waits are decided here, in time order (trace/qmarks.h) */
	err = qmarks__apply(s->marks, &copy);
	if (err)
		return err;
	s->ti.nr_events++;
	err = sl_trace_info__observe(&s->ti, e);
	if (!err && s->stacks)
		err = stack_symbols__observe(s->stacks, e);
	if (!err && s->names)
		err = obj_names__observe(s->names, e);
	if (!err && e->type == SL_EV_TASK_ATTR)
		err = note_cgroup(s, e->attr.cgroup_id);
	if (err)
		return err;
	if (s->writer && !s->write_err) {
		err = tracefile__write(s->writer, e);
		if (err)
			write_failed(s, err);
	}
	/*
	 * A sink that fails (an output file on a full disk) has said why; it
	 * gets nothing more and the run stops, while the others go on.
	 */
	for (int i = 0; i < s->nr_sinks; i++) {
		if (s->sinks[i].failed)
			continue;
		err = s->sinks[i].fn(e, s->sinks[i].ctx);
		if (err) {
			s->sinks[i].failed = true;
			if (!s->sink_err)
				s->sink_err = err;
			session_stop = 1;
		}
	}
	return 0;
}

int session__open(const struct session_opts *o, struct session **out)
{
	struct tracer_opts to = { .mode = o->mode, .stacks = o->stacks };
	struct utsname u;
	struct timespec rt;
	struct session *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = qmarks__new(&s->marks);
	if (err)
		goto err_free;
	err = tracer__open(&to, &s->tracer);
	if (err)
		goto err_free;
	s->ti.version = SL_TRACE_VERSION;
	s->ti.ncpu = tracer__ncpu(s->tracer);
	s->ti.cpus = calloc(s->ti.ncpu, sizeof(*s->ti.cpus));
	if (!s->ti.cpus) {
		err = -ENOMEM;
		goto err_free;
	}
	/*
	 * Delay accounting on for the whole trace, so that the kernel's
	 * block-I/O wait of every task born in it can be checked (and put back
	 * as it was at the end).
	 */
	if (!delayacct__enable(&s->delayacct_was_on)) {
		s->delayacct_set = true;
		if (!taskstats__open(&s->taskstats))
			s->ti.flags |= SL_TRACEF_DELAYACCT;
	}
	s->ti.start_ts = sl_now_ns();
	s->steal_known = !steal__read(&s->steal_at_start);
	if (!o->defer_cpu_snapshot)
		session__snapshot_cpus(s);
	clock_gettime(CLOCK_REALTIME, &rt);
	s->ti.start_realtime_ns = (__u64)rt.tv_sec * 1000000000ull + (__u64)rt.tv_nsec;
	if (uname(&u) == 0) {
		snprintf(s->ti.kernel, sizeof(s->ti.kernel), "%s", u.release);
		s->ti.arch = sl_arch_from_machine(u.machine);
	}
	snprintf(s->ti.probe_mode, sizeof(s->ti.probe_mode), "%s", tracer__mode(s->tracer));
	s->ti.cmdline = strdup(o->cmdline ? o->cmdline : "");
	s->ti.config = o->config ? strdup(o->config) : NULL;
	s->progress = o->progress;
	s->last_flush = s->ti.start_ts;
	if (o->stacks && (err = stack_symbols__new(s->tracer, &s->ti, &s->stacks)))
		goto err_free;
	if ((err = obj_names__new(&s->ti, &s->names)))
		goto err_free;
	if (o->trace_path) {
		err = tracefile__create(o->trace_path, &s->ti, &s->writer);
		if (err) {
			pr_err("cannot create trace file %s: %s", o->trace_path, strerror(-err));
			goto err_free;
		}
	}
	*out = s;
	return 0;
err_free:
	session__free(s);
	return err;
}

void session__snapshot_cpus(struct session *s)
{
	/* who holds each CPU now: the first stretch of every CPU is known */
	int err = tracer__snapshot_cpus(s->tracer, false);

	if (err)
		pr_debug("no occupant snapshot of the CPUs: %s", strerror(-err));
}

void session__close_cpus(struct session *s)
{
	if (s->cpus_closed)
		return;
	s->cpus_closed = true;
	/* each CPU's occupant accounted up to here: per-CPU totals span the trace */
	tracer__snapshot_cpus(s->tracer, true);
}

int session__add_sink(struct session *s, sl_event_fn fn, void *ctx)
{
	if (s->nr_sinks == SESSION_MAX_SINKS)
		return -E2BIG;
	s->sinks[s->nr_sinks].fn = fn;
	s->sinks[s->nr_sinks].ctx = ctx;
	s->nr_sinks++;
	return 0;
}

static void show_progress(struct session *s, bool final)
{
	__u64 now = sl_now_ns();
	struct sl_cpu_stats *c = s->ti.cpus;
	__u64 lost = 0;

	if (!s->progress || (!final && now - s->last_progress < 500000000ull))
		return;
	s->last_progress = now;
	if (tracer__cpu_stats(s->tracer, c) == 0)
		lost = sl_trace_info__lost(&s->ti);
	fprintf(stderr, "\r\033[Kschedlab: %.1f s, %llu events, %llu lost%s",
		(double)(now - s->ti.start_ts) / 1e9, (unsigned long long)s->ti.nr_events,
		(unsigned long long)lost, final ? "\n" : "");
}

int session__poll(struct session *s)
{
	__u64 now;
	int err;

	if (s->err)
		return s->err;
	s->err = tracer__poll(s->tracer, dispatch, s);
	show_progress(s, false);
	/* a killed recorder loses at most the last second of its trace */
	if (s->writer && !s->write_err && (now = sl_now_ns()) - s->last_flush >= SESSION_FLUSH_NS) {
		s->last_flush = now;
		err = tracefile__flush(s->writer);
		if (err)
			write_failed(s, err);
	}
	return s->err;
}

int session__capture_exit(struct session *s, pid_t pid, int timeout_ms)
{
	struct sl_task_info *t;
	struct sl_kstat k;
	int err;

	/*
	 * A zombie is visible to its parent just before its last switch; its
	 * counters are final once the probe has recorded that switch, which
	 * takes microseconds.  Look at the raw records, not the merged stream,
	 * which lags by its reorder window.
	 */
	for (int waited_us = 0; !tracer__has_died(s->tracer, pid); waited_us += 200) {
		if (waited_us >= timeout_ms * 1000) {
			pr_debug("no final switch seen for pid %d", (int)pid);
			break;
		}
		usleep(200);
	}
	err = kstat__read(pid, pid, &k);
	if (err)
		return err;
	if ((s->ti.flags & SL_TRACEF_DELAYACCT) && !taskstats__blkio(s->taskstats, pid,
								   &k.blkio_delay_ns))
		k.delay = true;
	t = sl_trace_info__add_task(&s->ti, (__u32)pid);
	if (!t)
		return -ENOMEM;
	t->proc = k;
	return 0;
}

int session__close(struct session *s)
{
	int err = s->err;

	session__close_cpus(s);
	/* with the closing occupant records */
	if (!err)
		err = tracer__flush(s->tracer, dispatch, s);
	s->ti.end_ts = sl_now_ns();
	{
		__u64 steal;

		if (s->steal_known && !steal__read(&steal) && steal > s->steal_at_start)
			s->ti.steal_ns = steal - s->steal_at_start;
	}
	/* another tracer may have turned it off meanwhile: then nothing is checked */
	if (!delayacct__is_on())
		s->ti.flags &= ~SL_TRACEF_DELAYACCT;
	s->ti.late_events = tracer__late(s->tracer);
	s->ti.prog_misses = tracer__prog_misses(s->tracer);
	if (tracer__cpu_stats(s->tracer, s->ti.cpus) && !err)
		err = -errno;
	tracer__foreign(s->tracer, s->ti.foreign, SL_FOREIGN_MAX, &s->ti.nr_foreign);
	show_progress(s, true);
	if (s->writer) {
		char *path = strdup(tracefile__path(s->writer));
		int werr = tracefile__finish(s->writer, &s->ti);

		s->writer = NULL;
		if (werr && !s->write_err)
			pr_err("cannot write trace file %s: %s", path ? path : "", strerror(-werr));
		if (werr)
			s->write_err = werr;
		free(path);
	}
	return err ? err : s->write_err ? s->write_err : s->sink_err;
}

void session__free(struct session *s)
{
	if (!s)
		return;
	tracefile__abort(s->writer);
	stack_symbols__free(s->stacks);
	obj_names__free(s->names);
	tracer__destroy(s->tracer);
	qmarks__free(s->marks);
	taskstats__close(s->taskstats);
	if (s->delayacct_set)
		delayacct__restore(s->delayacct_was_on);
	sl_trace_info__free(&s->ti);
	free(s);
}

int replay_events(struct tracefile_reader *r, sl_event_fn fn, void *ctx,
		  char *err, size_t errlen)
{
	struct sl_event e;
	int ret, sink_err = 0;

	while ((ret = tracefile__next(r, &e)) == 1) {
		sink_err = fn(&e, ctx);
		if (sink_err)
			break;
	}
	if (sink_err)
		err[0] = '\0';	/* the sink said what failed */
	else if (ret < 0)
		snprintf(err, errlen, "%s", tracefile__error(r));
	tracefile__close(r);
	return sink_err || ret < 0 ? 1 : 0;
}
