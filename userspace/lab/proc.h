/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process object in the manner of Python's multiprocessing.Process:
 * create with a function and a name, start (fork), join with a timeout,
 * terminate, a daemon flag (the child dies with its parent and is never
 * orphaned), pid and exit status.  The name is the child's comm, so ps,
 * /proc/PID/comm and every trace show it.
 *
 * The child runs fn(arg) and _exit()s with its return value: it never
 * returns into the caller's code and never runs the caller's atexit
 * handlers or flushes its stdio buffers.
 */
#ifndef SCHEDLAB_PROC_H
#define SCHEDLAB_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#define PROC_NAME_LEN 16	/* TASK_COMM_LEN, with the NUL */

struct proc;
typedef int (*proc_fn)(void *arg);

/* A process that is not started yet; the name is cut to 15 characters. */
int proc__new(const char *name, proc_fn fn, void *arg, struct proc **out);
/*
 * Kills (SIGKILL) and reaps the process if it was started and not joined,
 * then frees the object.  Accepts NULL.
 */
void proc__free(struct proc *p);

/* Before start: a daemon gets SIGKILL when the process that started it exits. */
void proc__set_daemon(struct proc *p, bool daemon);

/*
 * Forks.  In the child: comm = name, the caller's signal handlers reset to
 * default and its signal mask cleared, PR_SET_PDEATHSIG for a daemon, then
 * fn(arg).  Returns 0 or a negative errno (-EALREADY if started before).
 */
int proc__start(struct proc *p);

/*
 * Waits up to timeout_ms (< 0: forever) for the process to exit and reaps
 * it.  0 when it has exited (also when joined before), -ETIMEDOUT, -EINTR,
 * -ECHILD if it was never started.
 */
int proc__join(struct proc *p, int timeout_ms);

/* As proc__join but leaves the process a zombie (waitid WNOWAIT). */
int proc__wait_exit(struct proc *p, int timeout_ms);

/* SIGTERM, like Process.terminate(); proc__kill sends any signal. */
int proc__terminate(struct proc *p);
int proc__kill(struct proc *p, int sig);

/* Started and not yet exited (reaps it if it has exited). */
bool proc__is_alive(struct proc *p);

pid_t proc__pid(const struct proc *p);		/* 0 before start */
const char *proc__name(const struct proc *p);
bool proc__daemon(const struct proc *p);
/* A pidfd for poll(): readable once the process has exited; -1 if none. */
int proc__pidfd(const struct proc *p);

/*
 * Like Process.exitcode: after join, *code = the exit status, or -SIGNAL if
 * a signal killed it.  -EAGAIN while it has not been joined.
 */
int proc__exitcode(const struct proc *p, int *code);

/*
 * For use inside a child: SIGTERM sets a flag instead of killing, and
 * interrupts blocking calls (no SA_RESTART) so loops can stop cleanly.
 */
void proc__catch_term(void);
bool proc__term_requested(void);

#endif /* SCHEDLAB_PROC_H */
