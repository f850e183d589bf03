/* SPDX-License-Identifier: GPL-2.0 */
/*
 * While tracing: each new off-CPU stack in the stream is read from the
 * probes' stack map and symbolized at once, while its process (and its
 * mappings) most likely still exists, into the trace's stack table.
 */
#ifndef SL_STACK_SYMBOLS_H
#define SL_STACK_SYMBOLS_H

#include "format/event.h"
#include "tracer.h"

struct stack_symbols;

int  stack_symbols__new(struct tracer *t, struct sl_trace_info *ti, struct stack_symbols **out);
void stack_symbols__free(struct stack_symbols *ss);	/* accepts NULL */
/* Sees every event before the sinks (the table must know a stack first). */
int  stack_symbols__observe(struct stack_symbols *ss, const struct sl_event *e);

#endif
