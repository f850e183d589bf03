// SPDX-License-Identifier: GPL-2.0
/*
 * Processes from tasks: threads grouped by tgid (a recycled tgid starts a
 * new process), the process tree from the fork records, who reaped whom,
 * and short-lived siblings folded into one row so that a program forking
 * thousands of children reads as a few rows.  Runs once, after the task
 * rows and the kernel cross-check, from the same accumulators.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_state.h"

struct procs_ctx {
	struct analysis *a;
	struct sl_result *r;
	__u32 *task_proc;	/* [nr_tasks]: process row of each task */
	__u32 *leader;		/* [nr_procs]: its main thread, or its first task */
	__u64 *cpumask;		/* [nr_procs * CPU_WORDS] */
	bool *has_children;	/* [nr_procs] */
	struct idmap by_tgid;	/* tgid -> latest process row */
};

/* A new process row for tgid, or NO_IDX when memory ran out. */
static __u32 proc_new(struct procs_ctx *c, __u32 tgid)
{
	struct sl_proc_row *p = &c->r->procs[c->r->nr_procs];

	memset(p, 0, sizeof(*p));
	p->tgid = tgid;
	p->parent = SL_NO_TASK;
	p->group = SL_NO_TASK;
	p->waited_by = SL_NO_TASK;
	p->first_thread = SL_NO_TASK;
	p->nr_procs = 1;
	p->exit_status = -1;
	c->leader[c->r->nr_procs] = NO_IDX;
	if (idmap__put(&c->by_tgid, tgid, c->r->nr_procs))
		return NO_IDX;
	return c->r->nr_procs++;
}

static const char *base_of(const char *tok, size_t len, size_t *blen)
{
	const char *b = tok;

	for (size_t i = 0; i + 1 < len; i++)
		if (tok[i] == '/')
			b = tok + i + 1;
	*blen = len - (size_t)(b - tok);
	return b;
}

/*
 * The name shown for a process: comm, plus the command line when the
 * command line is that program's ("python3" + "/usr/bin/python3 pc.py" ->
 * "python3 pc.py"); paths are cut to their last component.  A program
 * that renamed itself (comm "stress-ng-fork", argv "stress-ng --fork 2")
 * keeps its own name, which tells it apart already.
 */
void procs_name(const char *comm, const char *args, char *name, size_t n)
{
	size_t clen = strlen(comm), len = 0, tl, bl;
	const char *p = args, *tok, *b;

	snprintf(name, n, "%s", comm[0] ? comm : "?");
	while (*p == ' ')
		p++;
	if (!*p)
		return;
	tl = strcspn(p, " ");
	b = base_of(p, tl, &bl);
	/* comm is the executable's name cut to 15 bytes, or what the program set */
	if (clen && strncmp(b, comm, bl < clen ? clen : bl) &&
	    !(bl > clen && clen == SL_COMM_LEN - 1 && !strncmp(b, comm, clen)))
		return;
	for (tok = p; *tok && len + 1 < n; ) {
		tl = strcspn(tok, " ");
		b = tok[0] == '-' ? tok : base_of(tok, tl, &bl);
		if (tok[0] == '-')
			bl = tl;
		len += (size_t)snprintf(name + len, n - len, "%s%.*s", len ? " " : "", (int)bl, b);
		tok += tl;
		while (*tok == ' ')
			tok++;
	}
	if (len >= n)
		name[n - 1] = '\0';
}

/* Which process each task belongs to: threads join the latest process of their tgid. */
static int assign(struct procs_ctx *c)
{
	struct sl_result *r = c->r;

	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_task_row *t = &r->tasks[i];
		__u32 tgid = t->tgid ? t->tgid : t->pid, p = idmap__get(&c->by_tgid, tgid);

		/* a second leader of one tgid: the pid was recycled */
		if (p == NO_IDX || (t->pid == tgid && c->leader[p] != NO_IDX &&
				    r->tasks[c->leader[p]].pid == tgid))
			p = proc_new(c, tgid);
		if (p == NO_IDX)
			return -ENOMEM;
		if (c->leader[p] == NO_IDX || t->pid == tgid)
			c->leader[p] = i;
		c->task_proc[i] = p;
		r->tasks[i].proc = p;
		if (c->a->tasks[i].argv != NO_IDX)
			snprintf(r->tasks[i].args, sizeof(r->tasks[i].args), "%s",
				 c->a->argv_pool[c->a->tasks[i].argv]);
	}
	return 0;
}

static void dist_add(struct sl_dist *d, const struct sl_dist *s)
{
	if (!s->count)
		return;
	if (!d->count || s->min < d->min)
		d->min = s->min;
	if (s->max > d->max)
		d->max = s->max;
	d->count += s->count;
	d->sum += s->sum;
}

/* Adds the sums of s (a thread's or a member's) into p. */
static void add_sums(struct sl_proc_row *p, const __u64 *state_ns, __u64 on, __u64 off,
		     __u64 vol, __u64 invol, __u64 migr, __u64 wk, __u64 slices,
		     const struct sl_dist *rq)
{
	for (int s = 0; s < SL_TS_MAX; s++)
		p->state_ns[s] += state_ns[s];
	p->on_cpu_ns += on;
	p->off_cpu_ns += off;
	p->vol_switches += vol;
	p->invol_switches += invol;
	p->migrations += migr;
	p->wakeups += wk;
	p->slices += slices;
	dist_add(&p->rq_latency, rq);
}

static void span(struct sl_proc_row *p, __u64 first, __u64 last)
{
	if (!p->first_ts || first < p->first_ts)
		p->first_ts = first;
	if (last > p->last_ts)
		p->last_ts = last;
}

static void sum_threads(struct procs_ctx *c)
{
	struct sl_result *r = c->r;

	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_task_row *t = &r->tasks[i];
		__u32 pi = c->task_proc[i];
		struct sl_proc_row *p = &r->procs[pi];

		add_sums(p, t->state_ns, t->on_cpu_ns, t->off_cpu_ns, t->vol_switches,
			 t->invol_switches, t->migrations, t->wakeups, t->slices, &t->rq_latency);
		span(p, t->first_ts, t->last_ts);
		p->nr_threads++;
		p->nr_exited += t->exited;
		for (int w = 0; w < CPU_WORDS; w++)
			c->cpumask[pi * CPU_WORDS + w] |= c->a->tasks[i].cpumask[w];
		if (t->xc_source != SL_XC_SRC_NONE) {
			p->xc_checked++;
			p->xc_mismatched += !t->xc_ok;
			for (int k = 0; k < SL_XC_MAX; k++)
				p->kernel[k] += t->kernel[k];
		}
	}
	for (__u32 pi = 0; pi < r->nr_procs; pi++) {
		struct sl_proc_row *p = &r->procs[pi];
		const struct sl_task_row *l = &r->tasks[c->leader[pi]];

		memcpy(p->comm, l->comm, SL_COMM_LEN);
		memcpy(p->args, l->args, sizeof(p->args));
		procs_name(l->comm, l->args, p->name, sizeof(p->name));
		p->role = l->role;
		p->exit_status = l->exit_status;
		p->attr = l->attr;
		p->lifetime_ns = p->last_ts - p->first_ts;
		p->attr_mixed = false;
		for (int w = 0; w < CPU_WORDS; w++)
			p->cpus_used += (__u32)__builtin_popcountll(c->cpumask[pi * CPU_WORDS + w]);
	}
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		const struct sl_sched_attr *ta = &r->tasks[i].attr;
		struct sl_proc_row *p = &r->procs[c->task_proc[i]];

		if (ta->known && p->attr.known &&
		    (ta->policy != p->attr.policy || ta->nice != p->attr.nice ||
		     ta->rt_priority != p->attr.rt_priority))
			p->attr_mixed = true;
	}
}

/* Parents from the fork records; the reaper from the wakeup that ended a wait4/waitid. */
static void link_tree(struct procs_ctx *c)
{
	struct sl_result *r = c->r;

	for (__u32 pi = 0; pi < r->nr_procs; pi++) {
		struct sl_proc_row *p = &r->procs[pi];
		__u32 l = c->leader[pi], par = c->a->tasks[l].parent, reaper = c->a->tasks[l].reaper;

		if (par != NO_IDX && par < r->nr_tasks && c->task_proc[par] != pi) {
			p->parent = c->task_proc[par];
			p->ppid = r->procs[p->parent].tgid;
			c->has_children[p->parent] = true;
		} else if (r->tasks[l].ppid && r->tasks[l].pid == p->tgid) {
			p->ppid = r->tasks[l].ppid;	/* from the task table: a process we did not see fork */
		}
		if (reaper != NO_IDX && reaper < r->nr_tasks && c->task_proc[reaper] != pi) {
			p->waited_by = c->task_proc[reaper];
			p->nr_waited = 1;
		}
	}
}

static const struct sl_proc_row *cmp_rows;

/* Candidates for a group: by parent, then name, then order of appearance. */
static int cand_cmp(const void *x, const void *y)
{
	const struct sl_proc_row *a = &cmp_rows[*(const __u32 *)x], *b = &cmp_rows[*(const __u32 *)y];
	int n;

	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	n = strcmp(a->name, b->name);
	if (n)
		return n;
	return *(const __u32 *)x < *(const __u32 *)y ? -1 : 1;
}

static void fold_group(struct procs_ctx *c, const __u32 *members, __u32 n)
{
	struct sl_result *r = c->r;
	__u32 gi = r->nr_procs++;
	struct sl_proc_row *g = &r->procs[gi];
	const struct sl_proc_row *m0 = &r->procs[members[0]];
	__u64 mask[CPU_WORDS] = { 0 };
	bool mixed = false;

	memset(g, 0, sizeof(*g));
	g->tgid = m0->tgid;
	g->ppid = m0->ppid;
	g->parent = m0->parent;
	g->group = SL_NO_TASK;
	g->waited_by = SL_NO_TASK;
	g->first_thread = SL_NO_TASK;
	g->exit_status = -1;
	memcpy(g->comm, m0->comm, SL_COMM_LEN);
	memcpy(g->name, m0->name, SL_PROC_NAME_LEN);
	memcpy(g->args, m0->args, sizeof(g->args));
	g->role = m0->role;
	g->nr_procs = n;
	for (__u32 k = 0; k < n; k++) {
		struct sl_proc_row *m = &r->procs[members[k]];

		m->group = gi;
		add_sums(g, m->state_ns, m->on_cpu_ns, m->off_cpu_ns, m->vol_switches,
			 m->invol_switches, m->migrations, m->wakeups, m->slices, &m->rq_latency);
		span(g, m->first_ts, m->last_ts);
		g->lifetime_ns += m->lifetime_ns;
		g->nr_threads += m->nr_threads;
		g->nr_exited += m->nr_exited;
		g->xc_checked += m->xc_checked;
		g->xc_mismatched += m->xc_mismatched;
		for (int x = 0; x < SL_XC_MAX; x++)
			g->kernel[x] += m->kernel[x];
		for (int w = 0; w < CPU_WORDS; w++)
			mask[w] |= c->cpumask[members[k] * CPU_WORDS + w];
		/* the one process that waited for them, if only one did */
		if (m->waited_by != SL_NO_TASK) {
			if (!g->nr_waited)
				g->waited_by = m->waited_by;
			else if (g->waited_by != m->waited_by)
				mixed = true;
			g->nr_waited++;
		}
	}
	if (mixed) {
		g->waited_by = SL_NO_TASK;
		g->nr_waited = 0;
	}
	for (int w = 0; w < CPU_WORDS; w++)
		g->cpus_used += (__u32)__builtin_popcountll(mask[w]);
}

/*
 * Children of one parent with one name, exited, with no children of their
 * own: more than SL_PROC_GROUP_MIN of them become one row.
 */
static int fold_groups(struct procs_ctx *c)
{
	struct sl_result *r = c->r;
	__u32 nreal = r->nr_procs, n = 0, *cand = malloc((nreal + 1) * sizeof(__u32));

	if (!cand)
		return -ENOMEM;
	for (__u32 pi = 0; pi < nreal; pi++) {
		const struct sl_proc_row *p = &r->procs[pi];

		if (p->parent != SL_NO_TASK && !c->has_children[pi] && p->nr_exited == p->nr_threads)
			cand[n++] = pi;
	}
	cmp_rows = r->procs;
	qsort(cand, n, sizeof(*cand), cand_cmp);
	for (__u32 i = 0, j; i < n; i = j) {
		const struct sl_proc_row *p = &r->procs[cand[i]];

		for (j = i + 1; j < n; j++)
			if (r->procs[cand[j]].parent != p->parent ||
			    strcmp(r->procs[cand[j]].name, p->name))
				break;
		if (j - i > SL_PROC_GROUP_MIN)
			fold_group(c, cand + i, j - i);
	}
	free(cand);
	return 0;
}

/* Threads listed by process, in order of appearance within each. */
static int thread_lists(struct procs_ctx *c)
{
	struct sl_result *r = c->r;
	__u32 pos = 0;

	r->proc_tasks = malloc((r->nr_tasks + 1) * sizeof(__u32));
	if (!r->proc_tasks)
		return -ENOMEM;
	for (__u32 pi = 0; pi < r->nr_procs; pi++) {
		r->procs[pi].first_thread = pos;
		pos += r->procs[pi].nr_threads;
		r->procs[pi].nr_threads = 0;
	}
	for (__u32 i = 0; i < r->nr_tasks; i++) {
		struct sl_proc_row *p = &r->procs[c->task_proc[i]];

		r->proc_tasks[p->first_thread + p->nr_threads++] = i;
	}
	return 0;
}

/* Depth-first order of the visible rows: each parent, then its children in order. */
static int tree_order(struct procs_ctx *c)
{
	struct sl_result *r = c->r;
	__u32 n = r->nr_procs, *first = calloc(n + 1, sizeof(__u32)), *kids = malloc((n + 1) * sizeof(__u32));
	__u32 *stack = malloc((2 * n + 1) * sizeof(__u32)), *next = calloc(n + 1, sizeof(__u32));
	bool *done = calloc(n + 1, sizeof(bool));
	int err = -ENOMEM;

	r->proc_order = malloc((n + 1) * sizeof(__u32));
	if (!first || !kids || !stack || !next || !done || !r->proc_order)
		goto out;
	/* children of each row, as a counting sort on the parent (groups stand for their members) */
	for (__u32 i = 0; i < n; i++)
		if (r->procs[i].parent != SL_NO_TASK && r->procs[i].group == SL_NO_TASK)
			first[r->procs[i].parent + 1]++;
	for (__u32 i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (__u32 i = 0; i < n; i++) {
		const struct sl_proc_row *p = &r->procs[i];

		if (p->parent != SL_NO_TASK && p->group == SL_NO_TASK)
			kids[first[p->parent] + next[p->parent]++] = i;
	}
	for (__u32 root = 0; root <= n; root++) {
		__u32 top = 0;

		/* roots first, in order; then whatever a cycle of bad links left unvisited */
		if (root < n) {
			if (r->procs[root].parent != SL_NO_TASK || r->procs[root].group != SL_NO_TASK)
				continue;
			stack[top++] = root;
		} else {
			for (__u32 i = 0; i < n; i++)
				if (!done[i] && r->procs[i].group == SL_NO_TASK)
					stack[top++] = i;
		}
		while (top) {
			__u32 p = stack[--top], cnt;

			if (done[p])
				continue;
			done[p] = true;
			r->procs[p].depth = r->procs[p].parent != SL_NO_TASK ?
					    r->procs[r->procs[p].parent].depth + 1 : 0;
			r->proc_order[r->nr_proc_order++] = p;
			cnt = first[p + 1] - first[p];
			/* pushed in reverse so that they come out in order */
			for (__u32 k = cnt; k-- > 0;)
				if (!done[kids[first[p] + k]])
					stack[top++] = kids[first[p] + k];
		}
	}
	err = 0;
out:
	free(first);
	free(kids);
	free(stack);
	free(next);
	free(done);
	return err;
}

static __u32 unit_of(const struct procs_ctx *c, __u32 task)
{
	__u32 g;

	if (task == SL_NO_TASK || task >= c->r->nr_tasks)
		return task;
	g = c->r->procs[c->task_proc[task]].group;
	return g == SL_NO_TASK ? task : (SL_REF_PROC | g);
}

static int pair_cmp(const void *x, const void *y)
{
	const struct sl_wake_edge *a = x, *b = y;

	if (a->waker != b->waker)
		return a->waker < b->waker ? -1 : 1;
	return a->wakee < b->wakee ? -1 : a->wakee > b->wakee;
}

static int count_cmp(const void *x, const void *y)
{
	const struct sl_wake_edge *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return pair_cmp(x, y);
}

/* The waker table with every group's members replaced by the group. */
static int wake_rows(struct procs_ctx *c)
{
	struct sl_result *r = c->r;
	__u32 n = 0;

	r->wake_rows = malloc((r->nr_wake_edges + 1) * sizeof(*r->wake_rows));
	if (!r->wake_rows)
		return -ENOMEM;
	for (__u32 i = 0; i < r->nr_wake_edges; i++) {
		r->wake_rows[i] = r->wake_edges[i];
		r->wake_rows[i].waker = unit_of(c, r->wake_edges[i].waker);
		r->wake_rows[i].wakee = unit_of(c, r->wake_edges[i].wakee);
	}
	qsort(r->wake_rows, r->nr_wake_edges, sizeof(*r->wake_rows), pair_cmp);
	for (__u32 i = 0; i < r->nr_wake_edges; i++) {
		if (n && !pair_cmp(&r->wake_rows[n - 1], &r->wake_rows[i])) {
			r->wake_rows[n - 1].count += r->wake_rows[i].count;
			r->wake_rows[n - 1].delay_ns += r->wake_rows[i].delay_ns;
		} else {
			r->wake_rows[n++] = r->wake_rows[i];
		}
	}
	r->nr_wake_rows = n;
	qsort(r->wake_rows, n, sizeof(*r->wake_rows), count_cmp);
	return 0;
}

int procs_build(struct analysis *a, struct sl_result *r)
{
	/* every group has more than SL_PROC_GROUP_MIN members */
	__u32 cap = r->nr_tasks + r->nr_tasks / (SL_PROC_GROUP_MIN + 1) + 1;
	struct procs_ctx c = { .a = a, .r = r };
	int err = -ENOMEM;

	r->procs = calloc(cap, sizeof(*r->procs));
	c.task_proc = malloc(cap * sizeof(__u32));
	c.leader = malloc(cap * sizeof(__u32));
	c.cpumask = calloc((size_t)cap * CPU_WORDS, sizeof(__u64));
	c.has_children = calloc(cap, sizeof(bool));
	if (!r->procs || !c.task_proc || !c.leader || !c.cpumask || !c.has_children)
		goto out;
	err = assign(&c);
	if (err)
		goto out;
	sum_threads(&c);
	link_tree(&c);
	err = thread_lists(&c);
	if (!err)
		err = fold_groups(&c);
	if (!err)
		err = tree_order(&c);
	if (!err)
		err = wake_rows(&c);
out:
	free(c.task_proc);
	free(c.leader);
	free(c.cpumask);
	free(c.has_children);
	idmap__free(&c.by_tgid);
	return err;
}
