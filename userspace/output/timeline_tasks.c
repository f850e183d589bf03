// SPDX-License-Identifier: GPL-2.0
/* Task table, symbols and small helpers shared by the timeline writers. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timeline_tasks.h"
#include "analysis/analysis.h"

int tl_tasks__find(const struct tl_tasks *t, __u32 pid)
{
	__u32 i = pid ? idmap__get(&t->index, pid) : IDMAP_NONE;

	return i == IDMAP_NONE ? -1 : (int)i;
}

int tl_tasks__add(struct tl_tasks *t, __u32 pid)
{
	int idx = tl_tasks__find(t, pid);
	struct tl_task *tk;

	if (idx >= 0)
		return idx;
	if (!pid)
		return -EINVAL;
	if (t->n == t->cap) {
		__u32 cap = t->cap ? t->cap * 2 : 32;
		struct tl_task *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	if (idmap__put(&t->index, pid, t->n))
		return -ENOMEM;
	tk = &t->v[t->n];
	memset(tk, 0, sizeof(*tk));
	tk->pid = pid;
	tk->lane = -1;
	tk->num = -1;
	return (int)t->n++;
}

int tl_tasks__merge_info(struct tl_tasks *t, const struct sl_trace_info *ti)
{
	if (!ti)
		return 0;
	for (__u32 i = 0; i < ti->nr_tasks; i++) {
		const struct sl_task_info *src = &ti->tasks[i];
		int idx = tl_tasks__add(t, src->pid);

		if (idx == -EINVAL)
			continue;
		if (idx < 0)
			return idx;
		if (src->tgid)
			t->v[idx].tgid = src->tgid;
		if (src->ppid)
			t->v[idx].ppid = src->ppid;
		if (src->comm[0])
			memcpy(t->v[idx].comm, src->comm, SL_COMM_LEN);
		t->v[idx].comm[SL_COMM_LEN - 1] = '\0';
	}
	return 0;
}

int tl_tasks__init(struct tl_tasks *t, const struct sl_trace_info *ti)
{
	memset(t, 0, sizeof(*t));
	return tl_tasks__merge_info(t, ti);
}

void tl_tasks__free(struct tl_tasks *t)
{
	free(t->v);
	idmap__free(&t->index);
	memset(t, 0, sizeof(*t));
}

int tl_tasks__on_event(struct tl_tasks *t, const struct sl_event *e)
{
	int idx, pidx;

	switch (e->type) {
	case SL_EV_FORK:
		idx = tl_tasks__add(t, e->fork.child);
		if (idx < 0)
			return idx == -EINVAL ? 0 : idx;
		t->v[idx].tgid = e->fork.child_tgid;
		/* A new process's parent is the forking process; a thread's is its own. */
		pidx = tl_tasks__find(t, e->pid);
		if (e->fork.child_tgid == e->fork.child)
			t->v[idx].ppid = e->fork.parent_tgid ? e->fork.parent_tgid : e->pid;
		/* The child starts with the parent's comm until it renames itself. */
		if (pidx >= 0 && !t->v[idx].comm[0])
			memcpy(t->v[idx].comm, t->v[pidx].comm, SL_COMM_LEN);
		return 0;
	case SL_EV_COMM:
		idx = tl_tasks__add(t, e->pid);
		if (idx < 0)
			return idx == -EINVAL ? 0 : idx;
		memcpy(t->v[idx].comm, e->comm.comm, SL_COMM_LEN);
		t->v[idx].comm[SL_COMM_LEN - 1] = '\0';
		return 0;
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		if ((e->flags & SL_WKF_WAKEE_TRACKED) && e->wk.wakee_tgid) {
			idx = tl_tasks__add(t, e->wk.wakee);
			if (idx < 0)
				return idx == -EINVAL ? 0 : idx;
			t->v[idx].tgid = e->wk.wakee_tgid;
		}
		return 0;
	default:
		return 0;
	}
}

static const char *const role_prefix[] = {
	[TL_ROLE_PRODUCER] = "producer",
	[TL_ROLE_CONSUMER] = "consumer",
	[TL_ROLE_WORKER] = "worker",
};
static const char role_letter[] = { 'P', 'C', 'W' };

/* "consumer-12" -> CONSUMER, 12; "consumer" -> CONSUMER, -1; "make" -> OTHER. */
static void classify(struct tl_task *tk)
{
	tk->role = TL_ROLE_OTHER;
	tk->num = -1;
	for (int r = 0; r < TL_ROLE_OTHER; r++) {
		size_t n = strlen(role_prefix[r]);
		const char *p = tk->comm + n;

		if (strncmp(tk->comm, role_prefix[r], n))
			continue;
		if (*p == '-' || *p == '_' || *p == ':' || *p == '/')
			p++;
		if (*p && !isdigit((unsigned char)*p))
			continue;	/* "workerbee" is not a worker */
		tk->role = r;
		if (isdigit((unsigned char)*p)) {
			char *end;
			long v = strtol(p, &end, 10);

			if (!*end && v >= 0 && v < 1000000)
				tk->num = (int)v;
		}
		return;
	}
}

int tl_task__cmp(const struct tl_task *a, const struct tl_task *b)
{
	if (a->role != b->role)
		return a->role < b->role ? -1 : 1;
	if (a->role == TL_ROLE_OTHER) {
		int c = strcmp(a->comm, b->comm);

		if (c)
			return c;
	} else if (a->num != b->num) {
		/* unnumbered ones after numbered ones */
		if (a->num < 0 || b->num < 0)
			return a->num < 0 ? 1 : -1;
		return a->num < b->num ? -1 : 1;
	}
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int cmp_idx(const void *pa, const void *pb, void *ctx)
{
	const struct tl_tasks *t = ctx;

	return tl_task__cmp(&t->v[*(const __u32 *)pa], &t->v[*(const __u32 *)pb]);
}

static char digit36(int i)
{
	return i < 10 ? (char)('0' + i) : (char)('a' + i - 10);
}

void tl_tasks__assign_symbols(struct tl_tasks *t)
{
	/* used[letter][index]: uppercase rows for roles, lowercase for others */
	static const int nidx = 36;
	bool used[128][36];
	__u32 *order;

	memset(used, 0, sizeof(used));
	for (__u32 i = 0; i < t->n; i++)
		classify(&t->v[i]);
	order = malloc((t->n ? t->n : 1) * sizeof(*order));
	if (!order) {
		/* degrade to '?' rather than fail printing */
		for (__u32 i = 0; i < t->n; i++)
			strcpy(t->v[i].sym, "??");
		return;
	}
	for (__u32 i = 0; i < t->n; i++)
		order[i] = i;
	qsort_r(order, t->n, sizeof(*order), cmp_idx, t);

	for (__u32 k = 0; k < t->n; k++) {
		struct tl_task *tk = &t->v[order[k]];
		int letter, idx = -1;

		if (tk->role != TL_ROLE_OTHER) {
			letter = role_letter[tk->role];
			if (tk->num >= 0 && tk->num < nidx && !used[letter][tk->num])
				idx = tk->num;
		} else {
			letter = 'x';
			for (const char *p = tk->comm; *p; p++) {
				if (isalpha((unsigned char)*p)) {
					letter = tolower((unsigned char)*p);
					break;
				}
			}
		}
		for (int i = 0; idx < 0 && i < nidx; i++)
			if (!used[letter][i])
				idx = i;
		tk->sym[0] = (char)letter;
		tk->sym[1] = idx >= 0 ? digit36(idx) : '+';
		tk->sym[2] = '\0';
		if (idx >= 0)
			used[letter][idx] = true;
	}
	free(order);
}

enum tl_state_class tl_state_class(unsigned int s)
{
	switch (s) {
	case SL_TS_RUNNING:		return TL_SC_RUNNING;
	case SL_TS_RUNNABLE_WAKEUP:
	case SL_TS_RUNNABLE_PREEMPT:	return TL_SC_RUNNABLE;
	case SL_TS_IO:			return TL_SC_IO;
	case SL_TS_QFULL:		return TL_SC_QFULL;
	case SL_TS_QEMPTY:		return TL_SC_QEMPTY;
	case SL_TS_LOCK:		return TL_SC_LOCK;
	case SL_TS_SLEEP:		return TL_SC_SLEEP;
	case SL_TS_PIPE_EMPTY:		return TL_SC_PIPE_EMPTY;
	case SL_TS_PIPE_FULL:		return TL_SC_PIPE_FULL;
	case SL_TS_SOCKET:		return TL_SC_SOCKET;
	case SL_TS_CONDITION:		return TL_SC_CONDITION;
	case SL_TS_EVENTS:		return TL_SC_EVENTS;
	case SL_TS_CHILD:		return TL_SC_CHILD;
	case SL_TS_TERMINAL:		return TL_SC_TERMINAL;
	case SL_TS_FAULT:		return TL_SC_FAULT;
	case SL_TS_SYSCALL:		return TL_SC_SYSCALL;
	default:			return TL_SC_OTHER;
	}
}

static const char sc_chars[TL_SC_MAX + 1] = "RrIFELSDefNCVJTPY";
static const char *const sc_names[TL_SC_MAX] = {
	"running", "runnable", "disk I/O", "queue full", "queue empty",
	"lock", "sleep", "other blocked", "pipe empty", "pipe full", "socket",
	"condition", "events", "child", "terminal", "page fault", "syscall",
};

char tl_state_class_char(enum tl_state_class c)
{
	return c < TL_SC_MAX ? sc_chars[c] : '?';
}

const char *tl_state_class_name(enum tl_state_class c)
{
	return c < TL_SC_MAX ? sc_names[c] : "?";
}

static int parse_cpu(const char **s, __u32 ncpu, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(*s, &end, 10);
	if (errno || *out >= (ncpu ? ncpu : SL_MAX_CPUS))
		return -EINVAL;
	*s = end;
	return 0;
}

int tl_parse_cpu_list(const char *s, __u32 ncpu, bool *mask)
{
	__u32 n = ncpu ? ncpu : SL_MAX_CPUS;

	if (!s || !*s)
		return -EINVAL;
	memset(mask, 0, n * sizeof(*mask));
	for (;;) {
		unsigned long a, b;

		if (parse_cpu(&s, ncpu, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (parse_cpu(&s, ncpu, &b) || b < a)
				return -EINVAL;
		}
		for (unsigned long c = a; c <= b; c++)
			mask[c] = true;
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}
