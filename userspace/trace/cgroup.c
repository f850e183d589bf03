// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "cgroup.h"

#define CGROUP2_MAGIC	0x63677270	/* CGROUP2_SUPER_MAGIC */
#define MAX_DEPTH	32
#define MAX_DIRS	100000		/* visited per walk */

/*
 * Where cgroup v2 is mounted: /sys/fs/cgroup on a unified system, but
 * /sys/fs/cgroup/unified on a hybrid one (v1 controllers at the top).
 * The kernel's cgroup ids (kn->id) are the inodes of this hierarchy.
 */
const char *cgroup__root(void)
{
	static char root[PATH_MAX];
	char line[PATH_MAX + 128];
	FILE *f;

	if (root[0])
		return root;
	snprintf(root, sizeof(root), "%s", SL_CGROUP_ROOT);
	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return root;
	while (fgets(line, sizeof(line), f)) {
		char dev[64], dir[PATH_MAX], type[32];

		if (sscanf(line, "%63s %4095s %31s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
			snprintf(root, sizeof(root), "%s", dir);
			break;
		}
	}
	fclose(f);
	return root;
}

int cgroup__resolve(const char *path, char *dir, size_t len)
{
	const char *root = cgroup__root();
	size_t rl = strlen(root);
	struct statfs fs;
	struct stat st;
	int n;

	if (!strncmp(path, root, rl) && (path[rl] == '/' || !path[rl]))
		n = snprintf(dir, len, "%s", path);
	else
		n = snprintf(dir, len, "%s%s%s", root, path[0] == '/' ? "" : "/", path);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || statfs(dir, &fs) || fs.f_type != CGROUP2_MAGIC)
		return -EINVAL;
	return 0;
}

struct walk {
	__u64 id;
	char *found;
	size_t len;
	unsigned int dirs;
};

/* Depth-first search of dir (its path from the root in rel) for w->id. */
static int walk_for_id(struct walk *w, const char *dir, const char *rel, int depth)
{
	struct dirent *d;
	DIR *dp;
	int ret = -ENOENT;

	if (depth > MAX_DEPTH || ++w->dirs > MAX_DIRS)
		return -ENOENT;
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while (ret == -ENOENT && (d = readdir(dp))) {
		char sub[PATH_MAX], subrel[PATH_MAX];
		struct stat st;

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name) >= (int)sizeof(sub) ||
		    snprintf(subrel, sizeof(subrel), "%s/%s", rel, d->d_name) >= (int)sizeof(subrel))
			continue;
		if (stat(sub, &st))
			continue;
		if ((__u64)st.st_ino == w->id) {
			snprintf(w->found, w->len, "%s", subrel);
			ret = 0;
		} else {
			ret = walk_for_id(w, sub, subrel, depth + 1);
		}
	}
	closedir(dp);
	return ret;
}

int cgroup__path_of(__u64 id, char *path, size_t len)
{
	struct walk w = { .id = id, .found = path, .len = len };
	struct stat st;

	if (stat(cgroup__root(), &st))
		return -errno;
	if ((__u64)st.st_ino == id) {
		snprintf(path, len, "/");
		return 0;
	}
	return walk_for_id(&w, cgroup__root(), "", 0);
}

static int procs_of(const char *dir, int (*fn)(pid_t, void *), void *ctx, int depth,
		    unsigned int *dirs)
{
	char path[PATH_MAX], line[32];
	struct dirent *d;
	FILE *f;
	DIR *dp;
	int err = 0;

	if (depth > MAX_DEPTH || ++*dirs > MAX_DIRS)
		return 0;
	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		char *end;
		long pid = strtol(line, &end, 10);

		if (end != line && (*end == '\n' || !*end) && pid > 0 && pid <= 4194304)
			err = fn((pid_t)pid, ctx);
	}
	fclose(f);
	dp = opendir(dir);
	if (!dp)
		return err;
	while (!err && (d = readdir(dp))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= (int)sizeof(path))
			continue;
		err = procs_of(path, fn, ctx, depth + 1, dirs);
		if (err == -ENOENT)	/* removed while we looked */
			err = 0;
	}
	closedir(dp);
	return err;
}

int cgroup__for_each_proc(const char *dir, int (*fn)(pid_t pid, void *ctx), void *ctx)
{
	unsigned int dirs = 0;

	return procs_of(dir, fn, ctx, 0, &dirs);
}

/* The cgroup v2 line of /proc/PID/cgroup ("0::/path") as an id. */
static int cgroup_id_of(pid_t pid, __u64 *id)
{
	char path[64], line[PATH_MAX + 8], dir[2 * PATH_MAX + 16];
	struct stat st;
	FILE *f;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(dir, sizeof(dir), "%s%s", cgroup__root(), line + 3);
		if (stat(dir, &st) == 0) {
			*id = (__u64)st.st_ino;
			err = 0;
		}
		break;
	}
	fclose(f);
	return err;
}

int cgroup__read_task_attr(pid_t pid, pid_t tid, struct sl_event *e)
{
	char path[96], buf[1024], *p;
	long long v[42] = { 0 };
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* fields after "(comm)", which may hold spaces and parentheses */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	for (i = 3; i <= 41 && *p; i++) {
		char *end;

		v[i] = strtoll(p, &end, 10);
		if (end == p) {	/* the state letter */
			while (*p == ' ')
				p++;
			end = p + 1;
		}
		p = end;
	}
	if (i <= 41)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->type = SL_EV_TASK_ATTR;
	e->pid = (__u32)tid;
	e->attr.nice = (__s16)v[19];
	e->attr.rt_priority = (__u16)v[40];
	e->attr.policy = (__u32)v[41];
	if (cgroup_id_of(pid, &e->attr.cgroup_id))
		e->attr.cgroup_id = 0;
	return 0;
}
