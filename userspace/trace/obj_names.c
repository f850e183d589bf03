// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "obj_names.h"
#include "symbolize.h"

/* Distinct (process, address) pairs looked up at most: a bound on memory and time. */
#define MAX_LOOKUPS 65536

struct obj_names {
	struct sl_trace_info *ti;
	struct symbolizer *sym;
	struct idmap seen;	/* (tgid, address) pairs looked up */
	__u32 nr_seen;
};

int obj_names__new(struct sl_trace_info *ti, struct obj_names **out)
{
	struct obj_names *on = calloc(1, sizeof(*on));
	int err;

	if (!on)
		return -ENOMEM;
	on->ti = ti;
	err = symbolizer__new(&on->sym);
	if (err) {
		free(on);
		return err;
	}
	*out = on;
	return 0;
}

void obj_names__free(struct obj_names *on)
{
	if (!on)
		return;
	symbolizer__free(on->sym);
	idmap__free(&on->seen);
	free(on);
}

int obj_names__observe(struct obj_names *on, const struct sl_event *e)
{
	const struct sl_task_info *t;
	const char *name;
	char label[SL_OBJ_NAME_LEN];
	__u64 key, off;
	__u32 tgid;
	int err;

	t = sl_trace_info__find(on->ti, e->pid);
	tgid = t && t->tgid ? t->tgid : e->pid;
	/* an exec replaces the mappings: read them again when next needed */
	if (e->type == SL_EV_COMM)
		symbolizer__forget(on->sym, tgid);
	if ((e->type != SL_EV_WAIT && e->type != SL_EV_WAKER) || e->flags != SL_WK_FUTEX ||
	    !e->wt.obj || on->nr_seen >= MAX_LOOKUPS)
		return 0;
	/* user addresses are below 2^47: the tgid goes above them */
	key = e->wt.obj ^ ((__u64)tgid << 47);
	if (idmap__get(&on->seen, key) != IDMAP_NONE)
		return 0;
	err = idmap__put(&on->seen, key, on->nr_seen++);
	if (err)
		return err;
	name = symbolizer__data(on->sym, tgid, e->wt.obj, &off);
	if (!name)
		return 0;
	if (off)
		snprintf(label, sizeof(label), "%s+0x%llx", name, (unsigned long long)off);
	else
		snprintf(label, sizeof(label), "%s", name);
	err = sl_trace_info__add_obj_name(on->ti, tgid, e->wt.obj, label);
	return err == -E2BIG ? 0 : err;
}
