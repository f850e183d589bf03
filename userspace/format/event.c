// SPDX-License-Identifier: GPL-2.0
/* Names for the event ABI and the trace-wide info every stage shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "stacks.h"

static const char *const type_names[SL_EV_TYPE_MAX] = {
	[SL_EV_SWITCH] = "switch",
	[SL_EV_WAKING] = "waking",
	[SL_EV_WAKEUP_NEW] = "wakeup_new",
	[SL_EV_MIGRATE] = "migrate",
	[SL_EV_FORK] = "fork",
	[SL_EV_COMM] = "comm",
	[SL_EV_EXIT] = "exit",
	[SL_EV_KSTAT] = "kstat",
	[SL_EV_KSTAT_RT] = "kstat_rt",
	[SL_EV_Q_PUSH] = "q_push",
	[SL_EV_Q_POP] = "q_pop",
	[SL_EV_Q_WAIT_FULL] = "q_wait_full",
	[SL_EV_Q_WAIT_EMPTY] = "q_wait_empty",
	[SL_EV_Q_LOCK_WAIT] = "q_lock_wait",
	[SL_EV_ITEM_START] = "item_start",
	[SL_EV_ITEM_DONE] = "item_done",
	[SL_EV_STACK_RET] = "stack_ret",
	[SL_EV_STACK] = "stack",
	[SL_EV_TASK_ATTR] = "task_attr",
	[SL_EV_ARGV] = "argv",
	[SL_EV_WAIT] = "wait",
	[SL_EV_WAKER] = "waker",
	[SL_EV_KSTAT_SCHED] = "kstat_sched",
	[SL_EV_CPU_OCC] = "cpu_occupant",
	[SL_EV_ENQUEUED] = "enqueued",
	[SL_EV_RQ_LAG] = "rq_lag",
};

static const char *const reason_names[SL_R_MAX] = {
	[SL_R_NONE] = "none",
	[SL_R_PREEMPTED] = "preempted",
	[SL_R_RESCHED] = "resched",
	[SL_R_SLEEP] = "sleep",
	[SL_R_IO] = "io",
	[SL_R_DISK_WAIT] = "uninterruptible",
	[SL_R_QFULL] = "queue-full",
	[SL_R_QEMPTY] = "queue-empty",
	[SL_R_LOCK] = "lock",
	[SL_R_DEAD] = "exit",
	[SL_R_OTHER] = "other",
};

const char *sl_event_type_name(unsigned int type)
{
	if (type < SL_EV_TYPE_MAX && type_names[type])
		return type_names[type];
	return "unknown";
}

const char *sl_reason_name(unsigned int reason)
{
	if (reason < SL_R_MAX && reason_names[reason])
		return reason_names[reason];
	return "unknown";
}

enum sl_arch sl_arch_from_machine(const char *machine)
{
	if (!strcmp(machine, "x86_64"))
		return SL_ARCH_X86_64;
	if (!strcmp(machine, "aarch64") || !strcmp(machine, "arm64"))
		return SL_ARCH_ARM64;
	return SL_ARCH_UNKNOWN;
}

const char *sl_arch_name(unsigned int arch)
{
	switch (arch) {
	case SL_ARCH_X86_64:
		return "x86_64";
	case SL_ARCH_ARM64:
		return "arm64";
	default:
		return "unknown";
	}
}

void sl_trace_info__free(struct sl_trace_info *ti)
{
	if (!ti)
		return;
	free(ti->cmdline);
	free(ti->config);
	free(ti->cpus);
	free(ti->tasks);
	free(ti->workload_summary);
	idmap__free(&ti->task_index);
	sl_stacks__free(ti->stacks);
	for (__u32 i = 0; i < ti->nr_cgroups; i++)
		free(ti->cgroups[i].path);
	free(ti->cgroups);
	free(ti->obj_names);
	memset(ti, 0, sizeof(*ti));
}

const char *sl_policy_name(unsigned int policy)
{
	static const char *const names[] = {
		"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", NULL, "SCHED_IDLE",
		"SCHED_DEADLINE", "SCHED_EXT",
	};

	if (policy < sizeof(names) / sizeof(names[0]) && names[policy])
		return names[policy];
	return "unknown";
}

const char *sl_trace_info__cgroup_path(const struct sl_trace_info *ti, __u64 id)
{
	for (__u32 i = 0; i < ti->nr_cgroups; i++)
		if (ti->cgroups[i].id == id)
			return ti->cgroups[i].path;
	return NULL;
}

int sl_trace_info__add_cgroup(struct sl_trace_info *ti, __u64 id, const char *path)
{
	struct sl_cgroup *c;
	char *copy;

	if (sl_trace_info__cgroup_path(ti, id))
		return 0;
	copy = strdup(path);
	c = realloc(ti->cgroups, (ti->nr_cgroups + 1) * sizeof(*c));
	if (!copy || !c) {
		free(copy);
		if (c)
			ti->cgroups = c;
		return -ENOMEM;
	}
	ti->cgroups = c;
	c[ti->nr_cgroups].id = id;
	c[ti->nr_cgroups].path = copy;
	ti->nr_cgroups++;
	return 0;
}

int sl_trace_info__add_obj_name(struct sl_trace_info *ti, __u32 tgid, __u64 addr,
				const char *name)
{
	struct sl_obj_name *n;

	if (ti->nr_obj_names >= SL_OBJ_NAMES_MAX)
		return -E2BIG;
	n = realloc(ti->obj_names, (ti->nr_obj_names + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ti->obj_names = n;
	n += ti->nr_obj_names++;
	memset(n, 0, sizeof(*n));
	n->tgid = tgid;
	n->addr = addr;
	snprintf(n->name, sizeof(n->name), "%s", name);
	return 0;
}

const char *sl_trace_info__obj_name(const struct sl_trace_info *ti, __u32 tgid, __u64 addr)
{
	for (__u32 i = 0; i < ti->nr_obj_names; i++)
		if (ti->obj_names[i].addr == addr && (!tgid || ti->obj_names[i].tgid == tgid))
			return ti->obj_names[i].name;
	return NULL;
}

__u64 sl_trace_info__lost(const struct sl_trace_info *ti)
{
	__u64 lost = ti->prog_misses;

	for (__u32 i = 0; ti->cpus && i < ti->ncpu; i++)
		lost += ti->cpus[i].lost;
	return lost;
}

const struct sl_task_info *sl_trace_info__find(const struct sl_trace_info *ti, __u32 pid)
{
	__u32 i = idmap__get(&ti->task_index, pid);

	return i == IDMAP_NONE ? NULL : &ti->tasks[i];
}

struct sl_task_info *sl_trace_info__task(struct sl_trace_info *ti, __u32 pid)
{
	__u32 i = idmap__get(&ti->task_index, pid);

	return i == IDMAP_NONE ? NULL : &ti->tasks[i];
}

struct sl_task_info *sl_trace_info__append_task(struct sl_trace_info *ti, __u32 pid)
{
	struct sl_task_info *t, *n;

	/* Grow by doubling: nr_tasks is a power of two exactly when full. */
	if (ti->nr_tasks >= 16 && (ti->nr_tasks & (ti->nr_tasks - 1)) == 0) {
		n = realloc(ti->tasks, (size_t)ti->nr_tasks * 2 * sizeof(*n));
		if (!n)
			return NULL;
		ti->tasks = n;
	} else if (!ti->tasks) {
		ti->tasks = malloc(16 * sizeof(*ti->tasks));
		if (!ti->tasks)
			return NULL;
	}
	/* the newest task with this pid is the one its pid names */
	if (idmap__put(&ti->task_index, pid, ti->nr_tasks))
		return NULL;
	t = &ti->tasks[ti->nr_tasks];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tgid = pid;
	t->exit_status = -1;
	ti->nr_tasks++;
	return t;
}

struct sl_task_info *sl_trace_info__add_task(struct sl_trace_info *ti, __u32 pid)
{
	struct sl_task_info *t = sl_trace_info__task(ti, pid);

	return t ? t : sl_trace_info__append_task(ti, pid);
}

int sl_trace_info__observe(struct sl_trace_info *ti, const struct sl_event *e)
{
	struct sl_task_info *t;

	switch (e->type) {
	case SL_EV_FORK:
		/* a fork is always a new task, even under a recycled pid */
		t = sl_trace_info__append_task(ti, e->fork.child);
		if (!t)
			return -ENOMEM;
		t->tgid = e->fork.child_tgid;
		t->ppid = e->pid;
		break;
	case SL_EV_COMM:
		t = sl_trace_info__add_task(ti, e->pid);
		if (!t)
			return -ENOMEM;
		memcpy(t->comm, e->comm.comm, SL_COMM_LEN);
		t->comm[SL_COMM_LEN - 1] = '\0';
		break;
	case SL_EV_EXIT:
		t = sl_trace_info__add_task(ti, e->pid);
		if (!t)
			return -ENOMEM;
		t->flags |= SL_TASKF_EXITED;
		if (e->exit.tgid)
			t->tgid = e->exit.tgid;
		break;
	case SL_EV_KSTAT:
		t = sl_trace_info__add_task(ti, e->pid);
		if (!t)
			return -ENOMEM;
		t->death.valid = true;
		t->death.nvcsw = e->kstat.nvcsw;
		t->death.nivcsw = e->kstat.nivcsw;
		t->death.nr_migrations = e->kstat.nr_migrations;
		break;
	case SL_EV_KSTAT_RT:
		t = sl_trace_info__add_task(ti, e->pid);
		if (!t)
			return -ENOMEM;
		t->death.sum_exec_runtime_ns = e->kstat_rt.sum_exec_runtime;
		break;
	case SL_EV_KSTAT_SCHED:
		t = sl_trace_info__add_task(ti, e->pid);
		if (!t)
			return -ENOMEM;
		t->death.sched_info = e->flags & SL_KSF_SCHED_INFO;
		t->death.run_delay_ns = e->ksched.run_delay;
		t->death.pcount = e->ksched.pcount;
		/* only where delay accounting counted the whole trace */
		t->death.delay = (e->flags & SL_KSF_DELAY) && (ti->flags & SL_TRACEF_DELAYACCT);
		t->death.blkio_delay_ns = (__u64)e->ksched.blkio_delay_us * 1000;
		break;
	}
	return 0;
}

__u32 sl_trace_info__queue_capacity(const struct sl_trace_info *ti)
{
	bool in_workload = false;
	const char *p = ti->config;

	while (p && *p) {
		const char *eol = strchr(p, '\n'), *s = p, *end;
		char key[32];
		size_t n;

		end = eol ? eol : p + strlen(p);
		p = eol ? eol + 1 : end;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *close = memchr(s, ']', (size_t)(end - s));

			in_workload = close && close - s - 1 == 8 && !strncmp(s + 1, "workload", 8);
			continue;
		}
		if (!in_workload)
			continue;
		for (n = 0; s < end && *s != '=' && *s != ' ' && *s != '\t' && n < sizeof(key) - 1;)
			key[n++] = *s++;
		key[n] = '\0';
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end || *s != '=' || strcmp(key, "capacity"))
			continue;
		s++;
		{
			char buf[24], *ep;
			unsigned long long v;

			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			n = (size_t)(end - s) < sizeof(buf) - 1 ? (size_t)(end - s) : sizeof(buf) - 1;
			memcpy(buf, s, n);
			buf[n] = '\0';
			errno = 0;
			v = strtoull(buf, &ep, 10);
			while (*ep == ' ' || *ep == '\t' || *ep == '\r')
				ep++;
			/* the first capacity key decides: a bad value is no capacity */
			if (errno || ep == buf || (*ep && *ep != '#' && *ep != ';') ||
			    v > 0xffffffffull)
				return 0;
			return (__u32)v;
		}
	}
	return 0;
}
