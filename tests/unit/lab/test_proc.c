// SPDX-License-Identifier: GPL-2.0
/* The process library: start, join with timeout, terminate, daemon, names. */
#include <criterion/criterion.h>
#include "procfs.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/proc.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int exit_with(void *arg)
{
	return (int)(long)arg;
}

static int sleep_ms(void *arg)
{
	usleep((useconds_t)(long)arg * 1000);
	return 0;
}

static int pause_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* The child names itself right after fork: poll until it has (or 1 s). */
static void wait_comm(pid_t pid, const char *want, char *buf, size_t len);

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	cr_assert_not_null(fgets(buf, (int)len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static void wait_comm(pid_t pid, const char *want, char *buf, size_t len)
{
	for (int i = 0; i < 1000; i++) {
		read_comm(pid, buf, len);
		if (strcmp(buf, want) == 0)
			return;
		usleep(1000);
	}
}

Test(proc, start_join_exitcode)
{
	struct proc *p;
	int code;

	cr_assert_eq(proc__new("exiter", exit_with, (void *)7L, &p), 0);
	cr_assert_eq(proc__pid(p), 0);
	cr_assert_eq(proc__join(p, 0), -ECHILD, "join before start");
	cr_assert_eq(proc__start(p), 0);
	cr_assert_gt(proc__pid(p), 0);
	cr_assert_neq(proc__pid(p), getpid());
	cr_assert_eq(proc__start(p), -EALREADY);
	cr_assert_eq(proc__join(p, 5000), 0);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, 7);
	cr_assert_eq(proc__join(p, 0), 0, "joining twice is fine");
	cr_assert_not(proc__is_alive(p));
	proc__free(p);
}

Test(proc, join_with_timeout)
{
	struct proc *p;
	uint64_t t0;
	int code;

	cr_assert_eq(proc__new("sleeper", sleep_ms, (void *)300L, &p), 0);
	proc__set_daemon(p, true);
	cr_assert_eq(proc__start(p), 0);
	cr_assert_eq(proc__exitcode(p, &code), -EAGAIN);
	t0 = mono_ms();
	cr_assert_eq(proc__join(p, 50), -ETIMEDOUT);
	cr_assert_geq(mono_ms() - t0, 45);
	cr_assert_lt(mono_ms() - t0, 250);
	cr_assert(proc__is_alive(p));
	cr_assert_eq(proc__join(p, -1), 0);
	cr_assert_geq(mono_ms() - t0, 280);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, 0);
	proc__free(p);
}

Test(proc, terminate_and_kill)
{
	struct proc *p;
	int code;

	cr_assert_eq(proc__new("victim", pause_forever, NULL, &p), 0);
	proc__set_daemon(p, true);
	cr_assert_eq(proc__start(p), 0);
	cr_assert(proc__is_alive(p));
	cr_assert_eq(proc__terminate(p), 0);
	cr_assert_eq(proc__join(p, 5000), 0);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, -SIGTERM);
	cr_assert_eq(proc__terminate(p), 0, "terminating a finished process is a no-op");
	proc__free(p);

	cr_assert_eq(proc__new("victim", pause_forever, NULL, &p), 0);
	proc__set_daemon(p, true);
	cr_assert_eq(proc__start(p), 0);
	cr_assert_eq(proc__kill(p, SIGKILL), 0);
	cr_assert_eq(proc__join(p, 5000), 0);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, -SIGKILL);
	proc__free(p);
}

/* The name is the comm: what ps, /proc/PID/comm and the trace show. */
Test(proc, names_in_proc_comm)
{
	struct proc *a, *b;
	char comm[32];

	cr_assert_eq(proc__new("producer-0", pause_forever, NULL, &a), 0);
	cr_assert_eq(proc__new("a-very-long-process-name", pause_forever, NULL, &b), 0);
	cr_assert_str_eq(proc__name(b), "a-very-long-pro");
	/* daemons: a failed assertion must not leave them behind */
	proc__set_daemon(a, true);
	proc__set_daemon(b, true);
	cr_assert(proc__daemon(a));
	cr_assert_eq(proc__start(a), 0);
	cr_assert_eq(proc__start(b), 0);
	wait_comm(proc__pid(a), "producer-0", comm, sizeof(comm));
	cr_assert_str_eq(comm, "producer-0");
	wait_comm(proc__pid(b), "a-very-long-pro", comm, sizeof(comm));
	cr_assert_str_eq(comm, "a-very-long-pro");
	proc__free(a);
	proc__free(b);
}

/* wait_exit leaves a zombie so /proc/PID stays readable until join. */
Test(proc, wait_exit_leaves_zombie)
{
	struct proc *p;
	int code;

	cr_assert_eq(proc__new("short", exit_with, (void *)3L, &p), 0);
	cr_assert_eq(proc__start(p), 0);
	cr_assert_eq(proc__wait_exit(p, 5000), 0);
	cr_assert_eq(procfs_state(proc__pid(p)), 'Z');
	cr_assert_eq(proc__exitcode(p, &code), -EAGAIN);
	cr_assert_eq(proc__join(p, 0), 0);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, 3);
	proc__free(p);
}

/* Freeing a running process kills and reaps it: nothing is left behind. */
Test(proc, free_kills_running)
{
	struct proc *p;
	pid_t pid;

	cr_assert_eq(proc__new("leftover", pause_forever, NULL, &p), 0);
	proc__set_daemon(p, true);
	cr_assert_eq(proc__start(p), 0);
	pid = proc__pid(p);
	proc__free(p);
	cr_assert_eq(kill(pid, 0), -1);
	cr_assert_eq(errno, ESRCH);
	proc__free(NULL);
}

/*
 * A middle process starts a child and exits.  We are the subreaper, so the
 * orphan is reparented to us and we can see how it ended.
 */
static pid_t orphan_after_parent_exit(bool daemon)
{
	pid_t *shared = mmap(NULL, sizeof(pid_t), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t middle, child;
	int status;

	cr_assert_neq(shared, MAP_FAILED);
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	middle = fork();
	cr_assert_geq(middle, 0);
	if (middle == 0) {
		struct proc *p;

		if (proc__new(daemon ? "daemon" : "nondaemon", pause_forever, NULL, &p))
			_exit(1);
		proc__set_daemon(p, daemon);
		if (proc__start(p))
			_exit(2);
		*shared = proc__pid(p);
		_exit(0);	/* without joining: the child is orphaned */
	}
	cr_assert_eq(waitpid(middle, &status, 0), middle);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	child = *shared;
	munmap(shared, sizeof(pid_t));
	cr_assert_gt(child, 0);
	return child;
}

Test(proc, daemon_dies_with_parent, .timeout = 10)
{
	pid_t child = orphan_after_parent_exit(true);
	int status;

	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "daemon outlived its parent (status 0x%x)", status);
}

Test(proc, non_daemon_survives_parent, .timeout = 10)
{
	pid_t child = orphan_after_parent_exit(false);
	int status;

	usleep(100 * 1000);
	cr_assert_eq(waitpid(child, &status, WNOHANG), 0, "non-daemon died with its parent");
	kill(child, SIGKILL);
	cr_assert_eq(waitpid(child, &status, 0), child);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int report_sigusr1(void *arg)
{
	struct sigaction sa;

	(void)arg;
	sigaction(SIGUSR1, NULL, &sa);
	return sa.sa_handler == SIG_DFL ? 0 : 1;
}

/* The caller's handlers do not leak into the child. */
Test(proc, child_gets_default_signal_handlers)
{
	struct proc *p;
	int code;

	signal(SIGUSR1, on_usr1);
	cr_assert_eq(proc__new("sigcheck", report_sigusr1, NULL, &p), 0);
	cr_assert_eq(proc__start(p), 0);
	cr_assert_eq(proc__join(p, 5000), 0);
	cr_assert_eq(proc__exitcode(p, &code), 0);
	cr_assert_eq(code, 0);
	signal(SIGUSR1, SIG_DFL);
	proc__free(p);
}
