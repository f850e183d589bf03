/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the schedlab binary from a test: its stdout, stderr and exit
 * code.  $SCHEDLAB names the binary (make check sets it).
 */
#ifndef SL_TEST_CLI_RUN_H
#define SL_TEST_CLI_RUN_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct output {
	char *out, *err;
	int status;		/* exit code, or 128 + signal */
	pid_t pid;
};

static inline const char *schedlab(void)
{
	const char *s = getenv("SCHEDLAB");

	return s ? s : ".output/schedlab";
}

static inline char *slurp(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

/* Starts schedlab ARGS... in its own process group; uid -1 keeps ours. */
static inline pid_t start(char *const argv[], int *outfd, int *errfd, uid_t uid)
{
	int o[2], e[2];
	pid_t pid;

	cr_assert_eq(pipe(o), 0);
	cr_assert_eq(pipe(e), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		if (uid != (uid_t)-1 && (setgid(uid) || setuid(uid)))
			_exit(99);
		execv(schedlab(), argv);
		_exit(98);
	}
	close(o[1]);
	close(e[1]);
	*outfd = o[0];
	*errfd = e[0];
	return pid;
}

static inline void finish(struct output *r, pid_t pid, int outfd, int errfd)
{
	int st;

	r->out = slurp(outfd);
	r->err = slurp(errfd);
	close(outfd);
	close(errfd);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline void run(struct output *r, uid_t uid, char *const argv[])
{
	int o, e;
	pid_t pid = start(argv, &o, &e, uid);

	finish(r, pid, o, e);
}

#define SL(...) ((char *const[]){ "schedlab", __VA_ARGS__, NULL })

static inline int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#endif
