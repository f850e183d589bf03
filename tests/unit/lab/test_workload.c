// SPDX-License-Identifier: GPL-2.0
/* Workload runs: barrier, completion, conservation, killed workers, stop. */
#include <criterion/criterion.h>
#include "procfs.h"
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/workload.h"

struct reaped {
	unsigned int n;
	unsigned int zombies;	/* /proc/PID/stat said Z at the callback */
	pid_t pid[64];
	char name[64][16];
};

static void on_reap(pid_t pid, const char *name, void *ctx)
{
	struct reaped *r = ctx;

	if (r->n < 64) {
		r->pid[r->n] = pid;
		snprintf(r->name[r->n], sizeof(r->name[0]), "%s", name);
		r->zombies += procfs_state(pid) == 'Z';
		r->n++;
	}
}

static void tiny(struct wl_config *c, enum queue_kind kind)
{
	char err[256];

	wl_config__defaults(c);
	c->queue = kind;
	c->capacity = 8;
	c->items = 600;
	cr_assert_eq(wl_config__set(c, "produce", "cpu:20us", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(c, "consume", "cpu:40us", err, sizeof(err)), 0);
}

static void assert_gone(pid_t pid)
{
	cr_assert(kill(pid, 0) == -1 && errno == ESRCH, "pid %d still exists", (int)pid);
}

static const enum queue_kind kinds[] = { QUEUE_SHM, QUEUE_PIPE, QUEUE_MQ };

ParameterizedTestParameters(workload, tiny_run_conserved)
{
	return cr_make_param_array(enum queue_kind, kinds, 3);
}

/*
 * Start: everyone waits at the barrier (no item moves); release: the run
 * completes with every item produced and consumed once; every child is
 * reported while still a zombie, then reaped.
 */
ParameterizedTest(enum queue_kind *kind, workload, tiny_run_conserved, .timeout = 30)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	struct reaped r = { 0 };
	pid_t pids[8];
	unsigned int n;

	tiny(&c, *kind);
	cr_assert_eq(workload__start(&c, &w), 0);
	n = workload__nr_procs(w);
	cr_assert_eq(n, 4);
	for (unsigned int i = 0; i < n; i++)
		pids[i] = workload__pid(w, i);
	usleep(100 * 1000);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert_eq(s.produced, 0, "work before the barrier opened");
	cr_assert_eq(s.consumed, 0);
	for (unsigned int i = 0; i < n; i++)
		cr_assert_eq(procfs_state(pids[i]), 'S', "%s not blocked at the barrier",
			     workload__name(w, i));

	cr_assert_eq(workload__release(w), 0);
	cr_assert_eq(workload__wait(w, NULL, on_reap, &r), 0);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert_eq(s.produced, 600);
	cr_assert_eq(s.consumed, 600);
	cr_assert_eq(s.queued, 0);
	cr_assert_eq(s.lost, 0);
	cr_assert_eq(s.duplicates, 0);
	cr_assert_eq(s.nr_dead, 0);
	cr_assert(s.conserved);
	cr_assert_gt(s.elapsed_s, 0);
	cr_assert_lt(s.elapsed_s, 10);
	cr_assert_gt(s.throughput, 0);

	cr_assert_eq(r.n, 4, "before_reap once per direct child");
	cr_assert_eq(r.zombies, 4, "before_reap must see zombies");
	for (unsigned int i = 0; i < n; i++) {
		bool found = false;

		for (unsigned int j = 0; j < r.n; j++)
			found |= r.pid[j] == pids[i] && strcmp(r.name[j], workload__name(w, i)) == 0;
		cr_assert(found, "%s not reported", workload__name(w, i));
		assert_gone(pids[i]);
	}
	workload__free(w);
}

/* Names: producer-N and consumer-N as comm, visible from the barrier on. */
Test(workload, names_in_comm)
{
	struct wl_config c;
	struct workload *w;
	char path[64], comm[32];
	unsigned int np = 0, nc = 0;

	tiny(&c, QUEUE_SHM);
	cr_assert_eq(workload__start(&c, &w), 0);
	for (unsigned int i = 0; i < workload__nr_procs(w); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)workload__pid(w, i));
		f = fopen(path, "r");
		cr_assert_not_null(f);
		cr_assert_not_null(fgets(comm, sizeof(comm), f));
		fclose(f);
		comm[strcspn(comm, "\n")] = 0;
		cr_assert_str_eq(comm, workload__name(w, i));
		np += strncmp(comm, "producer-", 9) == 0;
		nc += strncmp(comm, "consumer-", 9) == 0;
	}
	cr_assert_eq(np, 2);
	cr_assert_eq(nc, 2);
	workload__free(w);	/* without release: free still kills and reaps */
}

ParameterizedTestParameters(workload, consumer_killed_mid_run)
{
	return cr_make_param_array(enum queue_kind, kinds, 3);
}

/*
 * kill -9 of a consumer mid-run: the run still finishes, the dead consumer
 * is named, and every item is accounted for.
 */
ParameterizedTest(enum queue_kind *kind, workload, consumer_killed_mid_run, .timeout = 30)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	char err[256];
	pid_t victim = 0;

	wl_config__defaults(&c);
	c.queue = *kind;
	c.capacity = 8;
	c.producers = 1;
	c.consumers = 3;
	c.items = 600;
	cr_assert_eq(wl_config__set(&c, "produce", "cpu:50us", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "consume", "sleep:2ms", err, sizeof(err)), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	for (unsigned int i = 0; i < workload__nr_procs(w); i++)
		if (strcmp(workload__name(w, i), "consumer-1") == 0)
			victim = workload__pid(w, i);
	cr_assert_gt(victim, 0);
	cr_assert_eq(workload__release(w), 0);
	usleep(150 * 1000);
	cr_assert_eq(kill(victim, SIGKILL), 0);
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert_eq(s.nr_dead, 1);
	cr_assert(strncmp(s.dead[0], "consumer-1 (SIGKILL", 19) == 0, "dead[0] = '%s'", s.dead[0]);
	cr_assert_eq(s.produced, 600);
	cr_assert_eq(s.consumed + s.queued + s.lost, 600,
		     "consumed %llu queued %llu lost %llu", s.consumed, s.queued, s.lost);
	cr_assert_leq(s.lost, 1);
	cr_assert_eq(s.duplicates, 0);
	cr_assert(s.conserved);
	if (s.lost)
		cr_assert(strstr(s.dead[0], "1 lost"), "dead[0] = '%s'", s.dead[0]);
	workload__free(w);
}

static volatile sig_atomic_t stop_flag;

static void *set_stop_later(void *arg)
{
	(void)arg;
	usleep(200 * 1000);
	stop_flag = 1;
	return NULL;
}

/* *stop ends a long run promptly; what was done is still conserved. */
Test(workload, stop_flag_ends_run, .timeout = 30)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	struct timespec t0, t1;
	pthread_t th;
	char err[256];

	wl_config__defaults(&c);
	c.items = 1000000;
	cr_assert_eq(wl_config__set(&c, "consume", "sleep:1ms", err, sizeof(err)), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	stop_flag = 0;
	cr_assert_eq(workload__release(w), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&th, NULL, set_stop_later, NULL);
	cr_assert_eq(workload__wait(w, &stop_flag, NULL, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 3, "stop took too long");
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert(s.stopped);
	cr_assert_eq(s.nr_dead, 0, "stopped workers are not dead: '%s'", s.dead[0]);
	cr_assert_gt(s.consumed, 0);
	cr_assert_lt(s.produced, 1000000);
	cr_assert(s.conserved, "produced %llu consumed %llu queued %llu lost %llu",
		  s.produced, s.consumed, s.queued, s.lost);
	workload__free(w);
}

/* A duration-limited run ends on time; items left in the queue are counted. */
Test(workload, duration_limit, .timeout = 30)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	char err[256];

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__set(&c, "items", "0", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "duration", "300ms", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "produce", "none", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "consume", "cpu:100us", err, sizeof(err)), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	cr_assert_eq(workload__release(w), 0);
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert_geq(s.elapsed_s, 0.29);
	cr_assert_lt(s.elapsed_s, 1.3);
	cr_assert_gt(s.consumed, 100);
	cr_assert_gt(s.queued, 0, "fast producers should leave a full queue");
	cr_assert(s.conserved);
	cr_assert_eq(s.nr_dead, 0);
	workload__free(w);
}

static void run_pool(const char *mode, unsigned long long items, struct wl_summary *s, bool kill_one)
{
	struct wl_config c;
	struct workload *w;
	char err[256];

	wl_config__defaults(&c);
	cr_assert_eq(wl_config__set(&c, "pool", "3", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "pool-mode", mode, err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "producers", "1", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "produce", "none", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "consume", "sleep:2ms", err, sizeof(err)), 0);
	c.items = items;
	cr_assert_eq(workload__start(&c, &w), 0);
	cr_assert_eq(workload__nr_procs(w), 4);
	cr_assert_eq(workload__release(w), 0);
	if (kill_one) {
		usleep(100 * 1000);
		for (unsigned int i = 0; i < workload__nr_procs(w); i++)
			if (strcmp(workload__name(w, i), "worker-0") == 0)
				kill(workload__pid(w, i), SIGKILL);
	}
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	cr_assert_eq(workload__summary(w, s), 0);
	workload__free(w);
}

/* apply() runs one task at a time; apply_async() overlaps them on the pool. */
Test(workload, pool_sync_vs_async, .timeout = 30)
{
	struct wl_summary sync, async;

	run_pool("sync", 150, &sync, false);
	run_pool("async", 150, &async, false);
	cr_assert(sync.conserved && async.conserved);
	cr_assert_eq(sync.consumed, 150);
	cr_assert_eq(async.consumed, 150);
	cr_assert_gt(sync.elapsed_s, 150 * 0.002, "sync %.3f s", sync.elapsed_s);
	cr_assert_lt(async.elapsed_s, sync.elapsed_s * 0.6, "async %.3f s vs sync %.3f s",
		     async.elapsed_s, sync.elapsed_s);
}

Test(workload, pool_worker_killed, .timeout = 30)
{
	struct wl_summary s;

	run_pool("async", 400, &s, true);
	cr_assert_eq(s.nr_dead, 1);
	cr_assert(strncmp(s.dead[0], "worker-0 (SIGKILL", 17) == 0, "dead[0] = '%s'", s.dead[0]);
	cr_assert_eq(s.produced, 400);
	cr_assert(s.conserved, "produced %llu consumed %llu queued %llu lost %llu dup %llu",
		  s.produced, s.consumed, s.queued, s.lost, s.duplicates);
}

Test(workload, invalid_config_refused)
{
	struct wl_config c;
	struct workload *w = (void *)1;

	wl_config__defaults(&c);
	c.items = 0;
	c.duration_ns = 0;
	cr_assert_eq(workload__start(&c, &w), -EINVAL);
	cr_assert_null(w);
	workload__free(NULL);
}

/*
 * Every built-in profile runs to completion, conserved.  How long it takes
 * is a benchmark's question (scripts/bench-profiles), not a test's: the
 * timeout only catches a profile that never ends.
 */
Test(workload, every_builtin_profile_runs, .timeout = 120)
{
	struct wl_config c;
	const char *name;

	for (int i = 0; (name = wl_profile__name_at(i)); i++) {
		struct workload *w;
		struct wl_summary s;
		int err;

		cr_assert_eq(wl_profile__builtin(name, &c), 0);
		err = workload__start(&c, &w);
		cr_assert_eq(err, 0, "%s: start: %s", name, strerror(-err));
		cr_assert_eq(workload__release(w), 0);
		cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
		cr_assert_eq(workload__summary(w, &s), 0);
		cr_assert(s.conserved, "%s: not conserved", name);
		cr_assert_eq(s.nr_dead, 0, "%s: %s", name, s.dead[0]);
		cr_assert_gt(s.consumed, 0, "%s", name);
		cr_log_info("%-20s %6.2f s  %8llu items  %10.0f items/s", name, s.elapsed_s,
			    s.consumed, s.throughput);
		workload__free(w);
	}
}

/* Every USDT probe the tracer attaches to is in a binary linking the workload. */
Test(workload, usdt_notes_present)
{
	static const char *const want[] = {
		"q_push", "q_pop", "q_wait_full", "q_wait_empty", "q_lock_wait",
		"item_start", "item_done",
	};
	enum { N = sizeof(want) / sizeof(want[0]) };
	char cmd[128], line[512], name[64] = "";
	unsigned int found[N] = { 0 };
	bool ours = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -n /proc/%d/exe 2>/dev/null", (int)getpid());
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if ((p = strstr(line, "Provider: ")))
			ours = strncmp(p + 10, "schedlab\n", 9) == 0;
		else if (ours && (p = strstr(line, "Name: ")))
			sscanf(p + 6, "%63s", name);
		else if (ours && strstr(line, "Arguments:")) {
			for (unsigned int i = 0; i < N; i++)
				if (strcmp(name, want[i]) == 0) {
					found[i]++;
					/* u32 arguments ("4@"), and the u64 timestamp of q_pop */
					cr_assert_null(strstr(line, "-4@"), "%s: signed argument", name);
					if (i == 1)
						cr_assert(strstr(line, "8@"), "q_pop lacks its u64: %s", line);
				}
			ours = false;
		}
	}
	cr_assert_eq(pclose(f), 0, "readelf failed (binutils installed?)");
	for (unsigned int i = 0; i < N; i++)
		cr_assert_gt(found[i], 0, "no USDT note for schedlab:%s", want[i]);
}

/* cpus = 0: every child is confined to CPU 0 (from fork on); the caller's mask is kept. */
Test(workload, pinned_children_caller_untouched, .timeout = 30)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	cpu_set_t before, after;
	char err[256];

	sched_getaffinity(0, sizeof(before), &before);
	wl_config__defaults(&c);
	c.items = 200;
	cr_assert_eq(wl_config__set(&c, "cpus", "0", err, sizeof(err)), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	sched_getaffinity(0, sizeof(after), &after);
	cr_assert(CPU_EQUAL(&before, &after), "caller's CPU mask changed");
	for (unsigned int i = 0; i < workload__nr_procs(w); i++) {
		cpu_set_t set;

		cr_assert_eq(sched_getaffinity(workload__pid(w, i), sizeof(set), &set), 0);
		cr_assert_eq(CPU_COUNT(&set), 1, "%s", workload__name(w, i));
		cr_assert(CPU_ISSET(0, &set));
	}
	cr_assert_eq(workload__release(w), 0);
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert(s.conserved);
	workload__free(w);
}

static double run_rate(const char *rate, const char *burst, unsigned long long items)
{
	struct wl_config c;
	struct workload *w;
	struct wl_summary s;
	char err[256];

	wl_config__defaults(&c);
	c.producers = 1;
	c.items = items;
	cr_assert_eq(wl_config__set(&c, "rate", rate, err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "burst", burst, err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "produce", "none", err, sizeof(err)), 0);
	cr_assert_eq(wl_config__set(&c, "consume", "none", err, sizeof(err)), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	cr_assert_eq(workload__release(w), 0);
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	cr_assert_eq(workload__summary(w, &s), 0);
	cr_assert(s.conserved);
	cr_assert_eq(s.consumed, items);
	workload__free(w);
	return s.elapsed_s;
}

/*
 * rate 1000/s: 200 items take ~0.2 s.  burst 50 at 500/s: bursts at 0, 0.1,
 * 0.2 and 0.3 s, so 200 items take ~0.3 s with the same mean rate.
 */
Test(workload, rate_and_burst, .timeout = 30)
{
	double steady = run_rate("1000", "1", 200);
	double bursty = run_rate("500", "50", 200);

	cr_assert(steady > 0.18 && steady < 0.5, "steady %.3f s", steady);
	cr_assert(bursty > 0.28 && bursty < 0.6, "bursty %.3f s", bursty);
}

/*
 * The I/O directory swapped for a symlink during the run (its parent is
 * writable by others, as /tmp): removal follows nothing, every file of
 * what the link points to stays, and our own files are still removed.
 */
Test(workload, swapped_io_dir_is_not_followed, .timeout = 30)
{
	char base[64], victim[128], moved[128], ours[512], cmd[160];
	struct workload *w;
	struct wl_config c;
	struct dirent *de;
	DIR *d;
	int n = 0;

	strcpy(base, "/tmp/sl-iodir-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(victim, sizeof(victim), "%s/victim", base);
	snprintf(moved, sizeof(moved), "%s/moved", base);
	cr_assert_eq(mkdir(victim, 0755), 0);
	snprintf(ours, sizeof(ours), "%s/keep-me", victim);
	fclose(fopen(ours, "w"));

	wl_config__defaults(&c);
	c.producers = 1;
	c.consumers = 1;
	c.items = 20;
	cr_assert_eq(wl_config__set(&c, "consume", "io:fsync:4k", NULL, 0), 0);
	cr_assert_eq(wl_config__set(&c, "iodir", base, NULL, 0), 0);
	cr_assert_eq(workload__start(&c, &w), 0);
	/* find schedlab.XXXXXX, move it away, plant a symlink in its place */
	d = opendir(base);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "schedlab.", 9))
			snprintf(ours, sizeof(ours), "%s/%s", base, de->d_name);
	closedir(d);
	cr_assert_eq(rename(ours, moved), 0);
	cr_assert_eq(symlink(victim, ours), 0);
	cr_assert_eq(workload__release(w), 0);
	cr_assert_eq(workload__wait(w, NULL, NULL, NULL), 0);
	workload__free(w);

	snprintf(cmd, sizeof(cmd), "%s/keep-me", victim);
	cr_expect_eq(access(cmd, F_OK), 0, "a file behind the symlink was deleted");
	d = opendir(moved);
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	cr_expect_eq(n, 0, "our own files were left in the moved directory");
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", base);
	cr_assert_eq(system(cmd), 0);
}
