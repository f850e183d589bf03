// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util/outfile.h"

static char dir[64], target[128], victim[128];

static void setup(void)
{
	strcpy(dir, "/tmp/sl-outfile-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/out.txt", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, "..")))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

TestSuite(outfile, .init = setup, .fini = teardown);

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

Test(outfile, nothing_at_the_target_until_commit)
{
	struct outfile *of;
	struct stat st;
	char buf[64];

	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("hello\n", outfile__file(of));
	cr_assert_eq(access(target, F_OK), -1);
	cr_assert_eq(entries(), 1);		/* the hidden new file */
	cr_assert_eq(outfile__commit(of), 0);
	slurp(target, buf, sizeof(buf));
	cr_assert_str_eq(buf, "hello\n");
	cr_assert_eq(stat(target, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644 & ~(mode_t)022 & 0777);
	cr_assert_eq(entries(), 1);
}

/*
 * A symlink planted at the target in a directory others may write (as
 * /tmp) is replaced; what it points to is untouched.
 */
Test(outfile, planted_symlink_is_not_followed)
{
	struct outfile *of;
	struct stat st;
	char buf[64];

	cr_assert_eq(chmod(dir, 01777), 0);
	write_file(victim, "secret\n", 0600);
	cr_assert_eq(symlink(victim, target), 0);
	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("report\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	slurp(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "secret\n");
	cr_assert_eq(lstat(target, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the target is a new regular file");
	slurp(target, buf, sizeof(buf));
	cr_assert_str_eq(buf, "report\n");
}

/*
 * Even in a directory only root can write (what mktemp -d makes), a
 * symlink to a file is replaced and its target keeps its content.
 */
Test(outfile, symlink_in_a_private_directory_is_not_followed)
{
	struct outfile *of;
	struct stat st;
	char buf[64];

	cr_assert_eq(chmod(dir, 0700), 0);
	write_file(victim, "secret\n", 0600);
	cr_assert_eq(symlink(victim, target), 0);
	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("new\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(lstat(target, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the link is replaced by the new file");
	slurp(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "secret\n");
	slurp(target, buf, sizeof(buf));
	cr_assert_str_eq(buf, "new\n");
}

/* /dev/stdout is the descriptor the shell gave us, even when that is a file. */
Test(outfile, dev_stdout_is_our_descriptor)
{
	struct outfile *of;
	struct stat st;
	char buf[64];
	int saved = dup(1), fd;

	cr_assert_geq(saved, 0);
	fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(dup2(fd, 1), 1);
	close(fd);
	cr_assert_eq(outfile__create("/dev/stdout", 0644, &of), 0);
	fputs("to stdout\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(dup2(saved, 1), 1);
	close(saved);
	slurp(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "to stdout\n");
	cr_assert_eq(lstat("/dev/stdout", &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "/dev/stdout is still a link");
}

/* A symlink to a device in a trusted directory is written through, not replaced. */
Test(outfile, symlink_to_a_device_in_a_trusted_directory_is_written_through)
{
	struct outfile *of;
	struct stat st;

	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(symlink("/dev/null", target), 0);
	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("nothing\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(lstat(target, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link is kept");
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_assert(S_ISCHR(st.st_mode));
}

/* Devices and our own FIFOs are written in place: /dev/null stays a device. */
Test(outfile, devices_are_written_in_place)
{
	struct outfile *of;
	struct stat st;
	char fifo[160], buf[16] = "";
	int rfd;

	cr_assert_eq(outfile__create("/dev/null", 0644, &of), 0);
	fputs("nothing\n", outfile__file(of));
	cr_assert_eq(outfile__publish(of), 0);
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_assert(S_ISCHR(st.st_mode));

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rfd, 0);
	cr_assert_eq(outfile__create(fifo, 0644, &of), 0);
	fputs("through\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(read(rfd, buf, sizeof(buf) - 1), 8);
	cr_assert_str_eq(buf, "through\n");
	close(rfd);
	cr_assert_eq(lstat(fifo, &st), 0);
	cr_assert(S_ISFIFO(st.st_mode));
}

/* A FIFO planted where others may write is replaced, not fed. */
Test(outfile, planted_fifo_is_replaced)
{
	struct outfile *of;
	struct stat st;

	cr_assert_eq(chmod(dir, 01777), 0);
	cr_assert_eq(mkfifo(target, 0666), 0);
	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("x\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(lstat(target, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
}

/* A world-writable file created there in advance is not reused. */
Test(outfile, precreated_file_is_replaced)
{
	struct outfile *of;
	struct stat before, after;

	write_file(target, "planted by someone else, much longer than the report\n", 0666);
	cr_assert_eq(stat(target, &before), 0);
	cr_assert_eq(outfile__create(target, 0600, &of), 0);
	fputs("x\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	cr_assert_eq(stat(target, &after), 0);
	cr_assert_neq(before.st_ino, after.st_ino);
	cr_assert_eq(after.st_mode & 0777, 0600);
	cr_assert_eq(after.st_size, 2);
}

/* Published early (a trace), the file is in place while still being written. */
Test(outfile, publish_puts_it_in_place_while_writing)
{
	struct outfile *of;
	char buf[64];

	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("head\n", outfile__file(of));
	fflush(outfile__file(of));
	cr_assert_eq(outfile__publish(of), 0);
	slurp(target, buf, sizeof(buf));
	cr_assert_str_eq(buf, "head\n");
	fputs("tail\n", outfile__file(of));
	cr_assert_eq(outfile__commit(of), 0);
	slurp(target, buf, sizeof(buf));
	cr_assert_str_eq(buf, "head\ntail\n");
	cr_assert_eq(entries(), 1);
}

Test(outfile, bad_targets_fail_before_any_work)
{
	struct outfile *of;
	char path[192];

	snprintf(path, sizeof(path), "%s/missing/x.svg", dir);
	cr_assert_eq(outfile__create(path, 0644, &of), -ENOENT);
	cr_assert_eq(outfile__create(dir, 0644, &of), -EISDIR);
	snprintf(path, sizeof(path), "%s/", dir);
	cr_assert_eq(outfile__create(path, 0644, &of), -EISDIR);
	cr_assert_eq(outfile__create("", 0644, &of), -ENOENT);
	cr_assert_eq(entries(), 0);
}

Test(outfile, abort_leaves_nothing)
{
	struct outfile *of;

	cr_assert_eq(outfile__create(target, 0644, &of), 0);
	fputs("partial", outfile__file(of));
	outfile__abort(of);
	cr_assert_eq(entries(), 0);
	outfile__abort(NULL);
}

/* A write error keeps its reason (here EFBIG, as ENOSPC on a full disk). */
Test(outfile, write_error_keeps_its_errno_and_no_file)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		struct outfile *of;
		char block[1000];
		int err;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		if (outfile__create(target, 0644, &of))
			_exit(10);
		memset(block, 'x', sizeof(block));
		for (int i = 0; i < 20; i++)
			fwrite(block, 1, sizeof(block), outfile__file(of));
		err = outfile__commit(of);
		_exit(err == -EFBIG ? 0 : 11);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0);
	cr_assert_eq(entries(), 0, "the partial file is removed");
}
