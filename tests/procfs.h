/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers that read /proc/PID/stat: state, parent, name. */
#ifndef SL_TEST_PROCFS_H
#define SL_TEST_PROCFS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/*
 * Fills state, ppid and comm of pid (any may be NULL).  comm is the text
 * between the first '(' and the last ')', as the kernel writes it.
 * 0, or -1 if the process is gone.
 */
static inline int procfs_stat(pid_t pid, char *state, pid_t *ppid, char *comm, size_t commlen)
{
	char path[64], buf[512], *open, *close;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	open = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!open || !(open = strchr(buf, '(')) || !(close = strrchr(buf, ')')) || !close[1])
		return -1;
	if (comm && commlen) {
		size_t n = (size_t)(close - open - 1) < commlen - 1 ? (size_t)(close - open - 1) : commlen - 1;

		memcpy(comm, open + 1, n);
		comm[n] = '\0';
	}
	if (state)
		*state = close[2];
	if (ppid)
		*ppid = (pid_t)strtol(close + 4, NULL, 10);
	return 0;
}

/* The state letter of pid ('R', 'S', 'Z', ...), or 0 if it is gone. */
static inline char procfs_state(pid_t pid)
{
	char s = 0;

	return procfs_stat(pid, &s, NULL, NULL, 0) ? 0 : s;
}

/* A child of parent, named `name` if name is not NULL; 0 if none. */
static inline pid_t procfs_child(pid_t parent, const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && !found && (de = readdir(d))) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10), ppid;
		char comm[32];

		if (pid > 0 && procfs_stat(pid, NULL, &ppid, comm, sizeof(comm)) == 0 &&
		    ppid == parent && (!name || !strcmp(comm, name)))
			found = pid;
	}
	if (d)
		closedir(d);
	return found;
}

#endif
