// SPDX-License-Identifier: GPL-2.0
/*
 * schedlab trace -- COMMAND | -p PID: any program's process tree.
 *
 * A command is forked with schedlab as its "follow parent", so the probes
 * track it from the fork on, and held at a barrier until the probes run;
 * its exit is observed without reaping (waitid WNOWAIT) so the kernel's own
 * counters of the zombie can be read for the cross-check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "trace/check.h"
#include "cli.h"
#include "trace/cgroup.h"
#include "trace/kstat.h"
#include "util/log.h"
#include "output/present.h"
#include "trace/session.h"

#define GRACE_NS	(2ull * 1000000000)	/* after forwarding a signal */

static const char trace_usage[] =
"usage: schedlab trace [OPTIONS] -- COMMAND [ARGS...]\n"
"       schedlab trace [OPTIONS] -p PID [-d SECONDS]\n"
"       schedlab trace [OPTIONS] --cgroup PATH [-d SECONDS]\n"
"\n"
"Traces COMMAND's whole process tree until COMMAND exits (or PID until it\n"
"exits, or for SECONDS) and prints the process tree: on-CPU time,\n"
"voluntary and involuntary switches, wakeups and off-CPU time by reason per\n"
"process (--threads: per thread too), checked against the kernel's own\n"
"counters.\n"
"COMMAND's exit status is passed through (128+N if killed by signal N,\n"
"127 if it could not be run).  With --json or --csv the report owns\n"
"standard output and COMMAND's standard output goes to standard error.\n"
"\n"
"  -o, --output FILE   also record the trace to FILE (see 'schedlab report')\n"
"  -p, --pid PID       trace a running process (all its threads) and its children\n"
"  --cgroup PATH       trace every process in cgroup PATH and the cgroups below\n"
"                      it, those that enter later too, until Ctrl-C or -d\n"
"                      (cgroup v2: a path under its mount point, or from it)\n"
"  -d, --duration T    with -p or --cgroup: stop after T (e.g. 5, 500ms, 2s)\n"
"  --json | --csv      machine-readable report (--csv: the per-thread table)\n"
"  --csv-table NAME    one CSV table: tasks, processes, roles, cpus, levels, queues,\n"
"                      wakeups, migrations, or intervals (every task-state and CPU\n"
"                      interval)\n"
"  --timeline          also print the per-CPU terminal timeline\n"
"  --threads           also print the per-thread table\n"
"  --perfetto FILE     also write a Perfetto trace\n"
"  --html FILE         also write an HTML timeline\n"
"  --raw-tp            use raw_tp probes even where tp_btf works\n"
"  --stacks            kernel and user stacks where tasks blocked, with the\n"
"                      off-CPU time of each (user stacks need frame pointers)\n"
"  --folded FILE       also write them as folded stacks (flamegraph.pl,\n"
"                      inferno, speedscope), weighted in microseconds; implies\n"
"                      --stacks\n"
"  -h, --help          this text\n";

struct trace_args {
	const char *output;
	const char *cgroup;
	char cgroup_dir[4096];
	pid_t pid;
	unsigned long long duration_ns;
	struct tracer_opts tracer;
	struct present_opts present;
	char **command;
};

static int parse_trace_args(int argc, char **argv, struct trace_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "raw-tp", no_argument, NULL, 'R' },
		{ "stacks", no_argument, NULL, 'S' },
		{ "folded", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		PRESENT_LONG_OPTIONS,
		{ 0 },
	};
	unsigned long long v;
	int opt;

	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	/* '+': stop at the first non-option, the command's own arguments */
	while ((opt = getopt_long(argc, argv, "+o:p:d:h", longopts, NULL)) != -1) {
		if (present_option(opt, optarg, &a->present))
			continue;
		switch (opt) {
		case 'o':
			a->output = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, 4194304, &v))
				return usage_error("trace", "-p: expected a process id, got '%s'", optarg);
			a->pid = (pid_t)v;
			break;
		case 'd':
			if (parse_duration_ns(optarg, &a->duration_ns) || !a->duration_ns)
				return usage_error("trace", "-d: expected a duration such as 5, 500ms or 2s, got '%s'",
						   optarg);
			break;
		case 'G':
			a->cgroup = optarg;
			break;
		case 'R':
			a->tracer.mode = TRACER_RAW_TP;
			break;
		case 'S':
			a->present.stacks = true;
			break;
		case 'F':
			a->present.stacks = true;
			a->present.folded_path = optarg;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			exit(0);
		default:
			return bad_option("trace", argv, "+o:p:d:h");
		}
	}
	if (optind < argc)
		a->command = argv + optind;
	if (!a->command && !a->pid && !a->cgroup)
		return usage_error("trace", "give a command after '--', -p PID or --cgroup PATH");
	if (!!a->command + !!a->pid + !!a->cgroup > 1)
		return usage_error("trace", "give one of a command, -p PID and --cgroup PATH");
	if (a->duration_ns && !a->pid && !a->cgroup)
		return usage_error("trace", "-d goes with -p or --cgroup");
	if (a->cgroup) {
		int err = cgroup__resolve(a->cgroup, a->cgroup_dir, sizeof(a->cgroup_dir));

		if (err == -EINVAL)
			return usage_error("trace", "--cgroup: %s is not a cgroup v2 directory", a->cgroup);
		if (err)
			return usage_error("trace", "--cgroup: %s: %s", a->cgroup, strerror(-err));
	}
	return check_csv_table("trace", &a->present);
}

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

/* -p: every thread of pid becomes traced; names and baselines recorded. */
static int track_existing(struct session *s, pid_t pid)
{
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
		struct sl_task_info *t;
		char cpath[96];
		FILE *f;

		if (parse_u64(d->d_name, 1, 4194304, &tid))
			continue;
		/* followed from its fork already: its counters start at zero */
		if (tracer__is_tracked(s->tracer, (pid_t)tid))
			continue;
		if (tracer__track(s->tracer, (pid_t)tid, pid))
			continue;
		t = sl_trace_info__add_task(&s->ti, (__u32)tid);
		if (!t)
			break;
		t->tgid = (__u32)pid;
		t->flags |= SL_TASKF_PREEXISTING;
		kstat__read(pid, (pid_t)tid, &t->base);
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
		if (cgroup__read_task_attr(pid, (pid_t)tid, &e) == 0) {
			e.ts = sl_now_ns();
			tracer__inject(s->tracer, &e);
		}
		n++;
	}
	closedir(dir);
	return n ? 0 : -ESRCH;
}

/* At the end of -p: counters of the threads still alive. */
static void read_final_counters(struct session *s)
{
	for (__u32 i = 0; i < s->ti.nr_tasks; i++) {
		struct sl_task_info *t = &s->ti.tasks[i];

		if (!(t->flags & SL_TASKF_EXITED) && !t->proc.valid)
			kstat__read((pid_t)t->tgid, (pid_t)t->pid, &t->proc);
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
	siginfo_t si;
	int status = 0;

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		poll(&p, pidfd >= 0 ? 1 : 0, 10);
		if (session__poll(s))
			pr_warn("event processing failed: %s", strerror(-s->err));
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == child)
			break;
		if (session_stop && !signalled_at) {
			/* The terminal's SIGINT reached the child too; SIGTERM may not have. */
			kill(child, session_signal ? session_signal : SIGTERM);
			signalled_at = sl_now_ns();
		} else if (signalled_at && sl_now_ns() - signalled_at > GRACE_NS) {
			kill(child, SIGKILL);
			signalled_at = ~0ull / 2;
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

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { 0 };
	struct session_opts so = { 0 };
	struct presenter *pr = NULL;
	struct session *s = NULL;
	const char *priv;
	char *cmdline = NULL;
	int err, exit_code = 0;

	present_tty_defaults(&a.present);
	err = parse_trace_args(argc, argv, &a);
	if (err)
		return err;
	priv = check__privileges();
	if (priv) {
		pr_err("%s", priv);
		return 1;
	}
	if (a.command) {
		cmdline = join_args(a.command);
	} else if (a.cgroup) {
		cmdline = malloc(strlen(a.cgroup_dir) + 16);
		if (cmdline)
			sprintf(cmdline, "--cgroup %s", a.cgroup_dir);
	} else {
		cmdline = malloc(32);
		if (cmdline)
			snprintf(cmdline, 32, "-p %d", (int)a.pid);
	}
	so.trace_path = a.output;
	so.mode = a.tracer.mode;
	so.cmdline = cmdline;
	so.progress = isatty(STDERR_FILENO);
	so.stacks = a.present.stacks;

	session__install_signals();
	err = session__open(&so, &s);
	if (err)
		goto out;
	err = presenter__new(&a.present, &s->ti, &pr);
	if (err || (err = session__add_sink(s, presenter__sink, pr)))
		goto out;

	if (a.command)
		err = trace_command(s, a.command, a.present.format == PRESENT_JSON ||
				    a.present.format == PRESENT_CSV, &exit_code);
	else if (a.cgroup)
		err = trace_cgroup(s, a.cgroup_dir, a.duration_ns);
	else
		err = trace_pid(s, a.pid, a.duration_ns);
	if (err)
		goto out;
	err = session__close(s);
	if (err)
		pr_warn("trace incomplete: %s", strerror(-err));
	err = presenter__finish(pr, &s->ti, stdout);
out:
	presenter__free(pr);
	session__free(s);
	free(cmdline);
	if (err)
		return 1;
	return a.command ? exit_code : 0;
}
