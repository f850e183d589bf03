/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage lab/: the workload schedlab observes: the process library
 * (proc.h, pool.h), the queues and their backends (queue.h), per-item
 * work (work.h), profiles (profile.h), the queue event log (qlog.h) and
 * the run (this file).  Must not: know about BPF, the tracer or any later
 * stage; it is a program of its own that the probes happen to watch.
 *
 * A run of the workload described by a struct wl_config: producers and
 * consumers joined by a queue, or clients calling a pool of workers.  Every
 * process is a child of the caller (pool workers included), named
 * producer-N / consumer-N / client-N / worker-N, a daemon (it dies with the
 * caller), and waits at a start barrier until workload__release().  The
 * caller itself does no work and gets no signal handlers.
 *
 * Conservation: the processes keep their counts in shared memory, each
 * consumer publishes the id it holds, and a shared bitmap marks consumed
 * ids, so after the run produced == consumed + still queued + lost (held by
 * a killed consumer), with duplicates detected.
 */
#ifndef SCHEDLAB_WORKLOAD_H
#define SCHEDLAB_WORKLOAD_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile.h"

struct workload;

/*
 * Validates c, creates the queue (or pool) and forks every process; returns
 * when all of them wait at the start barrier.  On error nothing is left
 * running.
 */
int workload__start(const struct wl_config *c, struct workload **out);

/* Opens the start barrier; the run's clock (and its duration) starts here. */
int workload__release(struct workload *w);

/*
 * Returns when the run is complete (all items done, or the duration is
 * over) or *stop became non-zero (the workers are then asked to stop with
 * SIGTERM, and SIGKILLed after a second).  Every direct child is reaped;
 * before that, while it is still a zombie, before_reap (may be NULL) is
 * called with its pid and name, so /proc/PID of the finished process can
 * still be read.  Also returns 0 when workers died: see workload__summary.
 */
int workload__wait(struct workload *w, const volatile sig_atomic_t *stop,
		   void (*before_reap)(pid_t pid, const char *name, void *ctx), void *ctx);

struct wl_summary {
	unsigned long long produced, consumed, queued, lost, duplicates;
	unsigned int nr_dead;		/* workers that died abnormally (e.g. SIGKILL) */
	char dead[16][32];		/* their names, e.g. "consumer-1 (SIGKILL, 1 item lost)" */
	int conserved;			/* produced == consumed + queued + lost && duplicates == 0 */
	double elapsed_s;
	double throughput;		/* consumed items / s */
	/* beyond the contract: */
	int stopped;			/* ended by *stop */
	unsigned long long release_ns;	/* CLOCK_BOOTTIME of the release */
	unsigned long long end_ns;	/* CLOCK_BOOTTIME when the last worker exited */
	unsigned long long lock_recoveries; /* shm: robust-mutex owner deaths recovered */
};

/*
 * After workload__wait: the final accounting.  Before: live counts
 * (produced, consumed, queued from the queue depth) with conserved = 0.
 */
int workload__summary(const struct workload *w, struct wl_summary *out);

/* Kills and reaps anything still running, removes temporary files.  Accepts NULL. */
void workload__free(struct workload *w);

/* Number of processes and their pids/names, for the tracer's filter and reports. */
unsigned int workload__nr_procs(const struct workload *w);
pid_t workload__pid(const struct workload *w, unsigned int i);
const char *workload__name(const struct workload *w, unsigned int i);
const struct wl_config *workload__config(const struct workload *w);

#endif /* SCHEDLAB_WORKLOAD_H */
