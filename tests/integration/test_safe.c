// SPDX-License-Identifier: GPL-2.0
/*
 * What a careful attacker and a full disk do to the schedlab binary, as
 * root: planted symlinks at every output path, a 64 KiB file system, a
 * stdout that cannot be written, and a recorder killed with SIGKILL.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "procfs.h"
#include "cli_run.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sl-safe-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	/* like /tmp: anyone may plant files here */
	cr_assert_eq(chmod(dir, 01777), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "%s/full", dir);
	umount2(cmd, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd))
		cr_log_warn("cannot remove %s", dir);
}

TestSuite(safe, .init = setup, .fini = teardown);

static void need_root(void)
{
	require_tracing();
}

static void need_perf(void)
{
	if (access("/usr/bin/perf", X_OK))
		cr_skip_test("perf is not installed (make deps installs linux-perf)");
}

static char *at(const char *name)
{
	static char paths[8][128];
	static int i;
	char *p = paths[i++ % 8];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void assert_untouched(const char *path, const char *text)
{
	char buf[128] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	cr_assert_geq(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, text, "%s was written through a symlink", path);
}

static void assert_regular(const char *path)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s missing", path);
	cr_assert(S_ISREG(st.st_mode), "%s is not a new regular file", path);
	cr_assert_gt(st.st_size, 0, "%s is empty", path);
}

/* Every output a trace writes: symlinks planted at each are replaced, not followed. */
Test(safe, planted_symlinks_are_never_followed, .timeout = 60)
{
	const char *outs[] = { "t.sltrace", "t.pftrace", "t.html" };
	struct output r;

	need_root();
	write_file(at("victim"), "root secret\n", 0600);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(symlink(at("victim"), at(outs[i])), 0);
	write_file(at("precreated.pftrace"), "planted\n", 0666);
	run(&r, (uid_t)-1, SL("trace", "-o", at("t.sltrace"), "--perfetto", at("t.pftrace"),
			      "--html", at("t.html"), "--", "true"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	assert_untouched(at("victim"), "root secret\n");
	for (int i = 0; i < 3; i++)
		assert_regular(at(outs[i]));
	/* timeline outputs from the recorded trace, onto a symlink and a planted file */
	cr_assert_eq(unlink(at("t.pftrace")), 0);
	cr_assert_eq(symlink(at("victim"), at("t.pftrace")), 0);
	run(&r, (uid_t)-1, SL("timeline", at("t.sltrace"), "--perfetto", at("t.pftrace"),
			      "--html", at("precreated.pftrace")));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	assert_untouched(at("victim"), "root secret\n");
	assert_regular(at("t.pftrace"));
	{
		struct stat st;

		cr_assert_eq(stat(at("precreated.pftrace"), &st), 0);
		cr_assert_eq(st.st_mode & 0777, 0644, "the planted file's mode was kept");
	}
}

/* Mounts a 64 KiB tmpfs on dir/full. */
static char *small_fs(void)
{
	char *full = at("full");

	cr_assert_eq(mkdir(full, 0755), 0);
	if (mount("tmpfs", full, "tmpfs", 0, "size=64k"))
		cr_skip_test("cannot mount a tmpfs: %s", strerror(errno));
	return full;
}

static bool has(const char *s, const char *what)
{
	return strstr(s, what) != NULL;
}

/*
 * trace -o onto a full disk: one line naming the file and the reason, a
 * non-zero exit, the command stopped, nothing counted as lost; the file
 * reads as a trace cut short.
 */
Test(safe, trace_onto_a_full_disk, .timeout = 120)
{
	char path[160];
	struct output r, rep;

	need_root();
	need_perf();
	snprintf(path, sizeof(path), "%s/t.sltrace", small_fs());
	run(&r, (uid_t)-1, SL("trace", "-o", path, "--", "perf", "bench", "sched", "pipe", "-T",
			      "-l", "2000000"));
	cr_expect_neq(r.status, 0, "exit 0 on a full disk");
	cr_expect_eq(count_lines(r.err), 1, "stderr: %s", r.err);
	cr_expect(has(r.err, path) && has(r.err, "No space left on device"), "stderr: %s", r.err);
	cr_expect(!has(r.err, "event processing failed"), "stderr: %s", r.err);
	cr_expect(has(r.out, "lost records: 0"), "records counted as lost: %s", r.out);
	run(&rep, (uid_t)-1, SL("report", path));
	cr_expect_eq(rep.status, 0, "exit %d: %s", rep.status, rep.err);
	cr_expect_eq(count_lines(rep.err), 1, "%s", rep.err);
	cr_expect(has(rep.err, "cut short"), "%s", rep.err);
}

/* record and timeline --perfetto onto a full disk: the output is named, not the input. */
Test(safe, outputs_onto_a_full_disk, .timeout = 120)
{
	char trace[160], pf[160];
	struct output r;

	need_root();
	need_perf();
	snprintf(trace, sizeof(trace), "%s", at("big.sltrace"));
	run(&r, (uid_t)-1, SL("trace", "-o", trace, "--json", "--", "perf", "bench", "sched",
			      "pipe", "-T", "-l", "50000"));
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	snprintf(pf, sizeof(pf), "%s/x.pftrace", small_fs());
	run(&r, (uid_t)-1, SL("timeline", trace, "--perfetto", pf));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_expect_eq(count_lines(r.err), 1, "stderr: %s", r.err);
	cr_expect(has(r.err, pf) && has(r.err, "No space left on device"), "stderr: %s", r.err);
	cr_expect(!has(r.err, trace), "the input is blamed: %s", r.err);
	cr_expect_eq(access(pf, F_OK), -1, "a partial Perfetto file was left");
	run(&r, (uid_t)-1, SL("record", "balanced", "--duration", "3s", "-o", pf));
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_expect_eq(count_lines(r.err), 1, "stderr: %s", r.err);
	cr_expect(has(r.err, pf) && has(r.err, "No space left on device"), "stderr: %s", r.err);
}

/* Runs schedlab with stdout on /dev/full. */
static void run_to_full(struct output *r, char *const argv[])
{
	int e[2], st;
	pid_t pid;

	cr_assert_eq(pipe(e), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/full", O_WRONLY);

		dup2(fd, 1);
		dup2(e[1], 2);
		close(e[0]);
		execv(schedlab(), argv);
		_exit(98);
	}
	close(e[1]);
	r->out = NULL;
	r->err = slurp(e[0]);
	close(e[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(safe, full_stdout_is_an_error, .timeout = 60)
{
	struct output r;

	need_root();
	run(&r, (uid_t)-1, SL("trace", "-o", at("t.sltrace"), "--", "true"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	{
		char *const cmds[][6] = {
			{ "schedlab", "dump", at("t.sltrace"), NULL },
			{ "schedlab", "report", at("t.sltrace"), NULL },
			{ "schedlab", "report", at("t.sltrace"), "--csv-table", "tasks", NULL },
			{ "schedlab", "report", at("t.sltrace"), "--json", NULL },
			{ "schedlab", "timeline", at("t.sltrace"), NULL },
		};

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			run_to_full(&r, cmds[i]);
			cr_expect_eq(r.status, 1, "%s: exit %d", cmds[i][1], r.status);
			cr_expect_eq(count_lines(r.err), 1, "%s: %s", cmds[i][1], r.err);
			cr_expect(has(r.err, "No space left on device"), "%s: %s", cmds[i][1], r.err);
		}
	}
}

/* A recorder killed with SIGKILL leaves a trace readable up to its last second. */
Test(safe, sigkilled_recorder_leaves_a_readable_trace, .timeout = 60)
{
	struct output r, rep;
	pid_t pid, child = 0;
	int o, e;
	char *path = at("killed.sltrace");

	need_root();
	need_perf();
	pid = start(SL("trace", "-o", path, "--", "perf", "bench", "sched", "pipe", "-T", "-l", "100000000"),
		    &o, &e, (uid_t)-1);
	for (int i = 0; i < 300 && !child; i++) {
		usleep(10000);
		child = procfs_child(pid, NULL);
	}
	cr_assert_neq(child, 0, "the traced command never started");
	sleep(3);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	kill(child, SIGKILL);	/* orphaned by the kill: one threaded process, ours, by pid */
	finish(&r, pid, o, e);
	cr_assert_eq(r.status, 128 + SIGKILL);
	run(&rep, (uid_t)-1, SL("dump", path));
	cr_assert_eq(rep.status, 0, "exit %d: %s", rep.status, rep.err);
	cr_expect_eq(count_lines(rep.err), 1, "%s", rep.err);
	cr_expect(has(rep.err, "cut short"), "%s", rep.err);
	/* about 3 s traced, at most the last second lost: well over a second read */
	{
		const char *last = rep.out, *p;
		double t = 0;

		for (p = rep.out; (p = strchr(p, '\n')); p++)
			if (p[1])
				last = p + 1;
		sscanf(last, "%lf", &t);
		cr_expect_gt(t, 1.2, "the trace stops at %.3f s", t);
	}
	run(&rep, (uid_t)-1, SL("report", path));
	cr_expect_eq(rep.status, 0, "exit %d: %s", rep.status, rep.err);
	cr_expect(has(rep.out, "PROCESSES"), "%s", rep.out);
}

/*
 * A traced command that ignores SIGINT: the second Ctrl-C kills it, and the
 * trace is still finished and reported (not a 0-byte file and a command
 * left running).
 */
Test(safe, second_ctrl_c_kills_a_command_that_ignores_it, .timeout = 60)
{
	struct output r, rep;
	pid_t pid, child = 0;
	char *path = at("ignored.sltrace");
	int o, e;

	need_root();
	pid = start(SL("trace", "-o", path, "--", "sh", "-c", "trap '' INT; exec sleep 30"),
		    &o, &e, (uid_t)-1);
	for (int i = 0; i < 300 && !child; i++) {
		usleep(10000);
		child = procfs_child(pid, "sleep");
	}
	cr_assert_neq(child, 0, "the traced command never started");
	cr_assert_eq(kill(-pid, SIGINT), 0);	/* the terminal signals the group */
	usleep(300000);
	cr_expect_eq(kill(child, 0), 0, "one Ctrl-C killed a command that ignores it");
	cr_assert_eq(kill(-pid, SIGINT), 0);
	finish(&r, pid, o, e);
	if (kill(child, 0) == 0) {
		kill(child, SIGKILL);
		cr_assert_fail("the command is still running after the second Ctrl-C");
	}
	cr_expect_eq(r.status, 128 + SIGKILL, "exit %d: %s", r.status, r.err);
	cr_expect(has(r.out, "PROCESSES"), "no report: %s", r.out);
	run(&rep, (uid_t)-1, SL("report", path));
	cr_expect_eq(rep.status, 0, "%s", rep.err);
	cr_expect_eq(rep.err[0], '\0', "the trace was not finished: %s", rep.err);
}

/* Bad values found only against the trace or the file system: exit 2, one line. */
Test(safe, inputs_and_options_exit_2_with_one_line, .timeout = 60)
{
	char *trace = at("opts.sltrace"), *ini = at("long.ini"), line[1400];
	struct output r;

	need_root();
	run(&r, (uid_t)-1, SL("trace", "-o", trace, "--", "true"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	memset(line, 'x', sizeof(line));
	memcpy(line, "[workload]\ndescription = ", 25);
	memcpy(line + sizeof(line) - 12, "items = 3\n", 11);
	line[sizeof(line) - 1] = '\0';
	write_file(ini, line, 0644);
	{
		struct { char *const *argv; const char *expect; } cases[] = {
			{ SL("timeline", trace, "--cpus", "5"), "--cpus 5: the trace has CPUs 0 to" },
			{ SL("timeline", trace, "--cpus", "abc"), "--cpus: expected a CPU list" },
			{ SL("timeline", trace, "--from", "100s"), "--from: the trace ends at" },
			{ SL("timeline", trace, "--from", "nan"), "--from: expected a time" },
			{ SL("run", "-f", "/tmp"), "/tmp: a directory, not a profile file" },
			{ SL("run", "-f", ini), ":2: line longer than 1024" },
			{ SL("run", "--description", "a\ncapacity = 3"), "description: one line" },
			{ SL("run", "--duration", "nan"), "duration:" },
			{ SL("sweep", "balanced", "--vary", "consumers=1..2", "--svg", "/nonexistent/x.svg"),
			  "/nonexistent/x.svg" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			run(&r, (uid_t)-1, cases[i].argv);
			cr_expect(r.status == 2 || (r.status == 1 && !strcmp(cases[i].argv[1], "sweep")),
				  "%s %s: exit %d", cases[i].argv[1], cases[i].argv[2], r.status);
			cr_expect_eq(count_lines(r.err), 1, "%s: %s", cases[i].expect, r.err);
			cr_expect(has(r.err, cases[i].expect), "stderr '%s' lacks '%s'", r.err,
				  cases[i].expect);
		}
	}
}
