// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include "taskstats.h"

#define DELAYACCT_SYSCTL "/proc/sys/kernel/task_delayacct"

struct taskstats_conn {
	int fd;
	__u16 family;
	__u32 seq;
};

/* One request: netlink header, genetlink header, one attribute. */
struct ts_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static int nl_send(struct taskstats_conn *c, __u16 type, __u8 cmd, __u16 attr,
		   const void *val, __u16 len)
{
	struct ts_req r = { 0 };
	struct nlattr *na = (struct nlattr *)r.attrs;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	if ((size_t)NLA_HDRLEN + len > sizeof(r.attrs))
		return -EINVAL;
	r.n.nlmsg_type = type;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.n.nlmsg_seq = ++c->seq;
	r.n.nlmsg_pid = 0;
	r.g.cmd = cmd;
	r.g.version = 1;
	na->nla_type = attr;
	na->nla_len = (__u16)(NLA_HDRLEN + len);
	memcpy((char *)na + NLA_HDRLEN, val, len);
	r.n.nlmsg_len = (__u32)(NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len));
	if (sendto(c->fd, &r, r.n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/*
 * Receives the reply to the last request into buf; returns the genetlink
 * payload (attributes) and its length, or NULL with *err set.
 */
static const struct nlattr *nl_recv(struct taskstats_conn *c, char *buf, size_t size,
				    size_t *len, int *err)
{
	const struct nlmsghdr *n = (const struct nlmsghdr *)buf;
	ssize_t got;

	do {
		got = recv(c->fd, buf, size, 0);
	} while (got < 0 && errno == EINTR);
	if (got < 0) {
		*err = -errno;
		return NULL;
	}
	if (!NLMSG_OK(n, (size_t)got) || n->nlmsg_seq != c->seq) {
		*err = -EPROTO;
		return NULL;
	}
	if (n->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(n);

		*err = n->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? e->error : -EPROTO;
		return NULL;
	}
	if (n->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		*err = -EPROTO;
		return NULL;
	}
	*len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((const char *)NLMSG_DATA(n) + GENL_HDRLEN);
}

/* The attribute of this type among len bytes of attributes, or NULL. */
static const struct nlattr *nla_find(const struct nlattr *a, size_t len, __u16 type)
{
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		size_t step = NLA_ALIGN(a->nla_len);

		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (step >= len)
			break;
		len -= step;
		a = (const struct nlattr *)((const char *)a + step);
	}
	return NULL;
}

int taskstats__open(struct taskstats_conn **out)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	struct taskstats_conn *c = calloc(1, sizeof(*c));
	const struct nlattr *attrs, *id;
	char buf[4096];
	size_t len;
	int err;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&me, sizeof(me))) {
		err = -errno;
		goto fail;
	}
	err = nl_send(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
		      TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME));
	if (err)
		goto fail;
	attrs = nl_recv(c, buf, sizeof(buf), &len, &err);
	if (!attrs)
		goto fail;
	id = nla_find(attrs, len, CTRL_ATTR_FAMILY_ID);
	if (!id || id->nla_len < NLA_HDRLEN + sizeof(__u16)) {
		err = -ENOENT;
		goto fail;
	}
	memcpy(&c->family, (const char *)id + NLA_HDRLEN, sizeof(__u16));
	*out = c;
	return 0;
fail:
	taskstats__close(c);
	return err;
}

void taskstats__close(struct taskstats_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

int taskstats__blkio(struct taskstats_conn *c, pid_t tid, __u64 *ns)
{
	__u32 pid = (__u32)tid;
	const struct nlattr *attrs, *aggr, *st;
	char buf[4096];
	size_t len, off = offsetof(struct taskstats, blkio_delay_total);
	int err;

	err = nl_send(c, c->family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_PID, &pid, sizeof(pid));
	if (err)
		return err;
	attrs = nl_recv(c, buf, sizeof(buf), &len, &err);
	if (!attrs)
		return err;
	aggr = nla_find(attrs, len, TASKSTATS_TYPE_AGGR_PID);
	if (!aggr)
		return -EPROTO;
	st = nla_find((const struct nlattr *)((const char *)aggr + NLA_HDRLEN),
		      aggr->nla_len - NLA_HDRLEN, TASKSTATS_TYPE_STATS);
	/* the kernel's struct may be older or newer than ours: bound the read */
	if (!st || st->nla_len < NLA_HDRLEN + off + sizeof(__u64))
		return -EPROTO;
	memcpy(ns, (const char *)st + NLA_HDRLEN + off, sizeof(__u64));
	return 0;
}

bool delayacct__is_on(void)
{
	char v[8] = { 0 };
	int fd = open(DELAYACCT_SYSCTL, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, v, sizeof(v) - 1);
	close(fd);
	return n > 0 && v[0] == '1';
}

int delayacct__enable(bool *was_on)
{
	char v[8] = { 0 };
	ssize_t n;
	int fd, err = 0;

	fd = open(DELAYACCT_SYSCTL, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, v, sizeof(v) - 1);
	if (n <= 0) {
		err = n < 0 ? -errno : -EIO;
		goto out;
	}
	*was_on = v[0] == '1';
	if (!*was_on && (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1\n", 2) != 2))
		err = -errno;
out:
	close(fd);
	return err;
}

void delayacct__restore(bool was_on)
{
	int fd;

	if (was_on)
		return;
	fd = open(DELAYACCT_SYSCTL, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "0\n", 2) != 2) {
		/* nothing more to do: the next trace finds it on and leaves it so */
	}
	close(fd);
}
