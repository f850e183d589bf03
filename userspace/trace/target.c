// SPDX-License-Identifier: GPL-2.0
/*
 * schedlab trace: start and hold a command, or track a running process or a
 * cgroup; follow it to the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup.h"
#include "kstat.h"
#include "procargs.h"
#include "session.h"
#include "target.h"
#include "util/log.h"
#include "util/units.h"

#define GRACE_NS	(2ull * 1000000000)	/* after forwarding a signal */

static char *join_args(char **argv)
{
	size_t len = 1;
	char *s;

	for (char **p = argv; *p; p++)
		len += strlen(*p) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (char **p = argv; *p; p++) {
		if (p != argv)
			strcat(s, " ");
		strcat(s, *p);
	}
	return s;
}

/*
 * Forks COMMAND held at a barrier: the child blocks on `go` until the
 * parent has stopped following its own forks, then execs.  `status_fd`
 * reports an exec failure (errno) to the parent; CLOEXEC closes it on
 * success.  With `stdout_to_stderr` COMMAND writes its standard output to
 * schedlab's standard error, so that a machine-readable report owns stdout
 * (as perf trace and strace keep their output apart from the command's).
 */
static pid_t spawn_held(char **command, bool stdout_to_stderr, int *go_fd, int *status_fd)
{
	int go[2], st[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(st, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char c;
		int err;

		close(go[1]);
		close(st[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(command[0], command);
		err = errno;
		if (write(st[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(st[1]);
	*go_fd = go[1];
	*status_fd = st[0];
	return pid;
}

/*
 * Counts that moved while a task's counters were read at an edge of the
 * trace: the cross-check allows that many (SL_TASKF_EDGE_*).
 */
static void add_edge(struct sl_task_info *t, unsigned int moved)
{
	unsigned int edge = ((t->flags & SL_TASKF_EDGE_MASK) >> SL_TASKF_EDGE_SHIFT) + moved;

	if (edge > 255)
		edge = 255;
	t->flags = (t->flags & ~SL_TASKF_EDGE_MASK) | edge << SL_TASKF_EDGE_SHIFT;
}

/* Process pid's parent, from /proc/PID/stat ("pid (comm) state ppid ..."), or 0. */
static __u32 read_ppid(pid_t pid)
{
	char path[48], buf[1024], *close;
	unsigned long long ppid;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the name may hold spaces and parentheses: the last ')' ends it */
	close = strrchr(buf, ')');
	if (!close || close[1] != ' ' || !close[2] || close[3] != ' ')
		return 0;
	close[4 + strcspn(close + 4, " ")] = '\0';
	return parse_u64(close + 4, 0, TARGET_PID_MAX, &ppid) ? 0 : (__u32)ppid;
}

/* -p: every thread of pid becomes traced; names and baselines recorded. */
static int track_existing(struct session *s, pid_t pid)
{
	__u32 ppid = read_ppid(pid);
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		unsigned long long tid;
		struct sl_event e = { .type = SL_EV_COMM };
		struct sl_kstat before = { 0 };
		struct sl_task_info *t;
		char cpath[96];
		FILE *f;

		if (parse_u64(d->d_name, 1, TARGET_PID_MAX, &tid))
			continue;
		/* followed from its fork already: its counters start at zero */
		if (tracer__is_tracked(s->tracer, (pid_t)tid))
			continue;
		/* read on both sides of the start: a switch between is told apart */
		kstat__read(pid, (pid_t)tid, &before);
		if (tracer__track(s->tracer, (pid_t)tid, pid))
			continue;
		t = sl_trace_info__add_task(&s->ti, (__u32)tid);
		if (!t)
			break;
		t->tgid = (__u32)pid;
		t->ppid = ppid;
		t->flags |= SL_TASKF_PREEXISTING;
		kstat__read(pid, (pid_t)tid, &t->base);
		add_edge(t, kstat__moved(&before, &t->base));
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%llu/comm", (int)pid, tid);
		f = fopen(cpath, "re");
		if (f) {
			if (fgets(e.comm.comm, SL_COMM_LEN, f))
				e.comm.comm[strcspn(e.comm.comm, "\n")] = '\0';
			fclose(f);
		}
		e.ts = sl_now_ns();
		e.pid = (__u32)tid;
		tracer__inject(s->tracer, &e);
		{
			struct sl_event argv[SL_ARGV_CHUNKS];
			int na = procargs__events((pid_t)tid, e.ts, 0, argv);

			for (int k = 0; k < na; k++)
				tracer__inject(s->tracer, &argv[k]);
		}
		if (cgroup__read_task_attr(pid, (pid_t)tid, &e) == 0) {
			e.ts = sl_now_ns();
			tracer__inject(s->tracer, &e);
		}
		n++;
	}
	closedir(dir);
	return n ? 0 : -ESRCH;
}

#define TREE_DEPTH_MAX	64
#define CHILDREN_BYTES	(64u << 10)	/* of one thread's children list read */

/*
 * The processes every thread of pid started and that still run, from
 * /proc/PID/task/TID/children, traced like pid, and theirs in turn: -p on
 * a program that has started its workers traces them too.  Read after pid
 * is tracked, so a child forked meanwhile is followed from its fork by
 * the probes instead.  Without CONFIG_PROC_CHILDREN nothing is found.
 */
static void track_descendants(struct session *s, pid_t pid, int depth)
{
	char path[96], *buf;
	struct dirent *d;
	DIR *dir;

	if (depth >= TREE_DEPTH_MAX)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	buf = malloc(CHILDREN_BYTES);
	if (!dir || !buf) {
		if (dir)
			closedir(dir);
		free(buf);
		return;
	}
	while ((d = readdir(dir))) {
		unsigned long long tid, child;
		char *tok, *save = NULL;
		size_t n;
		FILE *f;

		if (parse_u64(d->d_name, 1, TARGET_PID_MAX, &tid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%llu/children", (int)pid, tid);
		f = fopen(path, "re");
		if (!f)
			continue;
		n = fread(buf, 1, CHILDREN_BYTES - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			if (parse_u64(tok, 1, TARGET_PID_MAX, &child) ||
			    tracer__is_tracked(s->tracer, (pid_t)child))
				continue;
			if (!track_existing(s, (pid_t)child))
				track_descendants(s, (pid_t)child, depth + 1);
		}
	}
	closedir(dir);
	free(buf);
}

/*
 * At the end of -p: counters of the threads still alive, each read as its
 * tracing stops, once on either side, so that the trace and the counters
 * end together.
 */
static void read_final_counters(struct session *s)
{
	/* who is on a CPU now, while every task is still seen as traced */
	session__close_cpus(s);
	for (__u32 i = 0; i < s->ti.nr_tasks; i++) {
		struct sl_task_info *t = &s->ti.tasks[i];
		struct sl_kstat before = { 0 };

		if ((t->flags & SL_TASKF_EXITED) || t->proc.valid)
			continue;
		kstat__read((pid_t)t->tgid, (pid_t)t->pid, &before);
		tracer__untrack(s->tracer, (pid_t)t->pid);
		kstat__read((pid_t)t->tgid, (pid_t)t->pid, &t->proc);
		add_edge(t, kstat__moved(&before, &t->proc));
	}
}

static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Polls the session until the child exits; returns its wait status. */
static int follow_child(struct session *s, pid_t child, int pidfd)
{
	__u64 signalled_at = 0;
	bool warned = false, killed = false;
	siginfo_t si;
	int status = 0;

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		poll(&p, pidfd >= 0 ? 1 : 0, 10);
		if (session__poll(s) && !warned) {
			pr_warn("event processing failed: %s", strerror(-s->err));
			warned = true;
		}
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == child)
			break;
		if (session_stop && !signalled_at) {
			/* The terminal's SIGINT reached the child too; SIGTERM may not have. */
			kill(child, session_signal ? session_signal : SIGTERM);
			signalled_at = sl_now_ns();
		} else if (signalled_at && !killed &&
			   (session_stop > 1 || sl_now_ns() - signalled_at > GRACE_NS)) {
			/* a second Ctrl-C, or the grace is over */
			kill(child, SIGKILL);
			killed = true;
		}
	}
	session__capture_exit(s, child, 500);
	waitpid(child, &status, 0);
	return status;
}

static int trace_command(struct session *s, char **command, bool stdout_to_stderr,
			 int *exit_code)
{
	int go_fd, status_fd, pidfd, status, exec_err = 0;
	struct sl_task_info *t;
	pid_t child;
	char c = 1;

	/* Children are traced from birth: follow our own forks while spawning. */
	if (tracer__follow_children(s->tracer, getpid(), true))
		return -errno;
	fflush(stdout);
	child = spawn_held(command, stdout_to_stderr, &go_fd, &status_fd);
	tracer__follow_children(s->tracer, getpid(), false);
	if (child < 0) {
		pr_err("cannot start %s: %s", command[0], strerror(errno));
		return -errno;
	}
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (write(go_fd, &c, 1) != 1)
		pr_warn("cannot release %s: %s", command[0], strerror(errno));
	close(go_fd);
	if (read(status_fd, &exec_err, sizeof(exec_err)) == sizeof(exec_err))
		pr_err("cannot run %s: %s", command[0], strerror(exec_err));
	close(status_fd);

	status = follow_child(s, child, pidfd);
	if (pidfd >= 0)
		close(pidfd);
	t = sl_trace_info__add_task(&s->ti, (__u32)child);
	if (t)
		t->exit_status = status;
	*exit_code = exec_err ? 127 : exit_code_of(status);
	return 0;
}

static int trace_pid(struct session *s, pid_t pid, unsigned long long duration_ns)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	__u64 start = sl_now_ns();
	int err;

	if (pidfd < 0) {
		pr_err("cannot trace pid %d: %s", (int)pid, strerror(errno));
		return -errno;
	}
	err = track_existing(s, pid);
	if (err) {
		pr_err("cannot trace pid %d: %s", (int)pid, strerror(-err));
		close(pidfd);
		return err;
	}
	track_descendants(s, pid, 0);
	session__snapshot_cpus(s);
	while (!session_stop) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (poll(&p, 1, 10) == 1)
			break;	/* the process exited */
		if (session__poll(s))
			break;
		if (duration_ns && sl_now_ns() - start >= duration_ns)
			break;
	}
	close(pidfd);
	read_final_counters(s);
	return 0;
}

static int track_cgroup_proc(pid_t pid, void *ctx)
{
	struct session *s = ctx;

	/* gone, or every thread traced already: nothing new */
	track_existing(s, pid);
	return 0;
}

#define CGROUP_RESCAN_NS	(100ull * 1000 * 1000)

/*
 * --cgroup: every process in the cgroup's subtree.  Forks are followed
 * by the probes; the subtree is read again every 100 ms for processes
 * moved into it from outside (a container's exec).  A task that leaves
 * the cgroup stays traced.
 */
static int trace_cgroup(struct session *s, const char *dir, unsigned long long duration_ns)
{
	__u64 start = sl_now_ns(), scanned = 0;
	int err;

	while (!session_stop) {
		__u64 now = sl_now_ns();

		if (now - scanned >= CGROUP_RESCAN_NS) {
			err = cgroup__for_each_proc(dir, track_cgroup_proc, s);
			if (err && !scanned) {
				pr_err("cannot read cgroup %s: %s", dir, strerror(-err));
				return err;
			}
			if (!scanned)
				session__snapshot_cpus(s);
			scanned = now;
		}
		if (session__poll(s))
			break;
		if (duration_ns && now - start >= duration_ns)
			break;
		usleep(10000);
	}
	read_final_counters(s);
	return 0;
}

int target__trace(const struct target_opts *o, const struct present_opts *po, FILE *out,
		  int *exit_code)
{
	struct session_opts so = { 0 };
	struct presenter *pr = NULL;
	struct session *s = NULL;
	char *cmdline = NULL;
	int err;

	*exit_code = 0;
	if (o->command) {
		cmdline = join_args(o->command);
	} else if (o->cgroup_dir) {
		cmdline = malloc(strlen(o->cgroup_dir) + 16);
		if (cmdline)
			sprintf(cmdline, "--cgroup %s", o->cgroup_dir);
	} else {
		cmdline = malloc(32);
		if (cmdline)
			snprintf(cmdline, 32, "-p %d", (int)o->pid);
	}
	so.trace_path = o->trace_path;
	so.mode = o->mode;
	so.cmdline = cmdline;
	so.progress = isatty(STDERR_FILENO);
	so.stacks = o->stacks;
	so.defer_cpu_snapshot = !o->command;

	session__install_signals();
	err = session__open(&so, &s);
	if (err)
		goto out;
	err = presenter__new(po, &s->ti, &pr);
	if (err || (err = session__add_sink(s, presenter__sink, pr)))
		goto out;

	if (o->command)
		err = trace_command(s, o->command, po->format == PRESENT_JSON ||
				    po->format == PRESENT_CSV, exit_code);
	else if (o->cgroup_dir)
		err = trace_cgroup(s, o->cgroup_dir, o->duration_ns);
	else
		err = trace_pid(s, o->pid, o->duration_ns);
	if (err)
		goto out;
	err = session__close(s);
	if (err && !s->write_err && !s->sink_err)
		pr_warn("trace incomplete: %s", strerror(-err));
	err = presenter__finish(pr, &s->ti, out);
	if (!err && (s->write_err || s->sink_err))
		err = -EIO;	/* said already: an output file is incomplete */
out:
	presenter__free(pr);
	session__free(s);
	free(cmdline);
	return err;
}
