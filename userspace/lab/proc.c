// SPDX-License-Identifier: GPL-2.0
/* The process object: fork, name, daemon, join with timeout, terminate. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "proc.h"

struct proc {
	char name[PROC_NAME_LEN];
	proc_fn fn;
	void *arg;
	bool daemon;
	bool started;
	bool reaped;
	pid_t pid;
	int pidfd;
	int status;	/* wait status once reaped */
};

int proc__new(const char *name, proc_fn fn, void *arg, struct proc **out)
{
	struct proc *p;

	*out = NULL;
	if (!name || !fn)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->fn = fn;
	p->arg = arg;
	p->pidfd = -1;
	*out = p;
	return 0;
}

void proc__set_daemon(struct proc *p, bool daemon)
{
	p->daemon = daemon;
}

/* Leave the child with default signal handling whatever the caller set up. */
static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, NULL, &sa) || sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN)
			continue;
		signal(sig, SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int proc__start(struct proc *p)
{
	pid_t parent = getpid();
	pid_t pid;

	if (p->started)
		return -EALREADY;
	/* The child _exit()s: anything buffered now would otherwise be lost
	 * there but could also be flushed twice if it ever exit()ed. */
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		reset_signals();
		prctl(PR_SET_NAME, p->name, 0, 0, 0);
		if (p->daemon) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			/*
			 * The parent may have died before the prctl: end the
			 * way the death signal would have ended us, so callers
			 * see one outcome whatever the race.
			 */
			if (getppid() != parent) {
				kill(getpid(), SIGKILL);
				_exit(127);
			}
		}
		_exit(p->fn(p->arg) & 0xff);
	}
	p->started = true;
	p->pid = pid;
	p->pidfd = pidfd_open(pid);	/* -1 on old kernels: join then polls */
	return 0;
}

/* Waits for the exit without reaping.  0, -ETIMEDOUT, -EINTR. */
static int wait_zombie(struct proc *p, int timeout_ms)
{
	struct timespec ts;
	const struct timespec *deadline = futex__deadline(timeout_ms, &ts);
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
			return -errno;
		if (si.si_pid == p->pid)
			return 0;
		if (deadline && futex__remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
		if (p->pidfd >= 0) {
			struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

			if (poll(&pfd, 1, futex__remaining_ms(deadline)) < 0 && errno == EINTR)
				return -EINTR;
		} else {
			usleep(1000);
		}
	}
}

int proc__wait_exit(struct proc *p, int timeout_ms)
{
	if (!p->started)
		return -ECHILD;
	if (p->reaped)
		return 0;
	return wait_zombie(p, timeout_ms);
}

int proc__join(struct proc *p, int timeout_ms)
{
	int err, status;

	err = proc__wait_exit(p, timeout_ms);
	if (err || p->reaped)
		return err;
	if (waitpid(p->pid, &status, 0) != p->pid)
		return -errno;
	p->status = status;
	p->reaped = true;
	if (p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	return 0;
}

int proc__kill(struct proc *p, int sig)
{
	if (!p->started)
		return -ESRCH;
	if (p->reaped)
		return 0;	/* like Python: terminating a finished process is a no-op */
	/* Until reaped the pid cannot be reused, so this reaches our child. */
	if (kill(p->pid, sig))
		return -errno;
	return 0;
}

int proc__terminate(struct proc *p)
{
	return proc__kill(p, SIGTERM);
}

bool proc__is_alive(struct proc *p)
{
	if (!p->started || p->reaped)
		return false;
	return proc__join(p, 0) == -ETIMEDOUT;
}

pid_t proc__pid(const struct proc *p)
{
	return p->started ? p->pid : 0;
}

const char *proc__name(const struct proc *p)
{
	return p->name;
}

bool proc__daemon(const struct proc *p)
{
	return p->daemon;
}

int proc__pidfd(const struct proc *p)
{
	return p->reaped ? -1 : p->pidfd;
}

int proc__exitcode(const struct proc *p, int *code)
{
	if (!p->reaped)
		return -EAGAIN;
	if (WIFSIGNALED(p->status))
		*code = -WTERMSIG(p->status);
	else
		*code = WEXITSTATUS(p->status);
	return 0;
}

void proc__free(struct proc *p)
{
	if (!p)
		return;
	if (p->started && !p->reaped) {
		kill(p->pid, SIGKILL);
		proc__join(p, -1);
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	free(p);
}

static volatile sig_atomic_t term_requested;

static void on_term(int sig)
{
	(void)sig;
	term_requested = 1;
}

void proc__catch_term(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
}

bool proc__term_requested(void)
{
	return term_requested != 0;
}
