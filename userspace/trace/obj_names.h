/* SPDX-License-Identifier: GPL-2.0 */
/*
 * While tracing: the variable behind each futex a traced task waits on or
 * wakes through ("full", "queue_lock", "_PyRuntime+0x2c8"), looked up in
 * its process's mapped ELF files the first time the stream names it,
 * while the process most likely still runs, into the trace's table of
 * object names.  Heap and stack addresses have no name.
 */
#ifndef SL_OBJ_NAMES_H
#define SL_OBJ_NAMES_H

#include "format/event.h"

struct obj_names;

int  obj_names__new(struct sl_trace_info *ti, struct obj_names **out);
void obj_names__free(struct obj_names *on);	/* accepts NULL */
/* Sees every event after the task table has (tgid of the waiter). */
int  obj_names__observe(struct obj_names *on, const struct sl_event *e);

#endif
