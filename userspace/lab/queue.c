// SPDX-License-Identifier: GPL-2.0
/* The queue interface: argument checks, timestamps and the push/pop probes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>

#include "clock.h"
#include "qlog.h"
#include "queue_priv.h"

static const char *const kind_names[] = {
	[QUEUE_SHM] = "shm",
	[QUEUE_PIPE] = "pipe",
	[QUEUE_MQ] = "mq",
};

int queue__kind_parse(const char *s, enum queue_kind *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*kind = (enum queue_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *queue__kind_name(enum queue_kind kind)
{
	if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[kind];
}

int queue__new(enum queue_kind kind, uint32_t qid, uint32_t capacity,
	       size_t payload_size, struct queue **out)
{
	struct queue *q;
	int err;

	*out = NULL;
	if (capacity < 1 || capacity > QUEUE_MAX_CAPACITY || payload_size > QUEUE_MAX_PAYLOAD)
		return -EINVAL;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->kind = kind;
	q->qid = qid;
	q->capacity = capacity;
	q->msg_size = sizeof(struct queue_item) + payload_size;

	switch (kind) {
	case QUEUE_SHM:
		q->ops = &queue_shm_ops;
		err = queue_shm__init(q);
		break;
	case QUEUE_PIPE:
		q->ops = &queue_pipe_ops;
		err = queue_pipe__init(q);
		break;
	case QUEUE_MQ:
		q->ops = &queue_mq_ops;
		err = queue_mq__init(q);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err) {
		free(q);
		return err;
	}
	*out = q;
	return 0;
}

void queue__free(struct queue *q)
{
	if (!q)
		return;
	q->ops->free(q);
	free(q);
}

int queue__push(struct queue *q, struct queue_item *it, const void *payload, int timeout_ms)
{
	unsigned char msg[sizeof(struct queue_item) + QUEUE_MAX_PAYLOAD];
	uint32_t depth = 0, id;
	int err;

	it->enqueue_ns = lab_clock_ns();
	memcpy(msg, it, sizeof(*it));
	if (q->msg_size > sizeof(*it)) {
		if (payload)
			memcpy(msg + sizeof(*it), payload, q->msg_size - sizeof(*it));
		else
			memset(msg + sizeof(*it), 0, q->msg_size - sizeof(*it));
	}
	err = q->ops->push(q, msg, timeout_ms, &depth);
	if (err)
		return err;
	id = it->id;
	DTRACE_PROBE3(schedlab, q_push, q->qid, depth, id);
	qlog__emit(SL_EV_Q_PUSH, q->qid, depth, id, 0);
	return 0;
}

int queue__pop(struct queue *q, struct queue_item *it, void *payload, int timeout_ms,
	       uint32_t *claim)
{
	unsigned char msg[sizeof(struct queue_item) + QUEUE_MAX_PAYLOAD];
	uint32_t depth = 0, id;
	uint64_t ts;
	int err;

	err = q->ops->pop(q, msg, timeout_ms, claim, &depth);
	if (err)
		return err;
	memcpy(it, msg, sizeof(*it));
	if (payload && q->msg_size > sizeof(*it))
		memcpy(payload, msg + sizeof(*it), q->msg_size - sizeof(*it));
	id = it->id;
	ts = it->enqueue_ns;
	DTRACE_PROBE4(schedlab, q_pop, q->qid, depth, id, ts);
	qlog__emit(SL_EV_Q_POP, q->qid, depth, id, ts);
	return 0;
}

int queue__drain_one(struct queue *q, struct queue_item *it, void *payload)
{
	unsigned char msg[sizeof(struct queue_item) + QUEUE_MAX_PAYLOAD];
	int err;

	err = q->ops->drain_one(q, msg);
	if (err)
		return err;
	memcpy(it, msg, sizeof(*it));
	if (payload && q->msg_size > sizeof(*it))
		memcpy(payload, msg + sizeof(*it), q->msg_size - sizeof(*it));
	return 0;
}

int queue__repair(struct queue *q)
{
	return q->ops->repair ? q->ops->repair(q) : 0;
}

uint32_t queue__depth(const struct queue *q)
{
	return q->ops->depth(q);
}

uint32_t queue__capacity(const struct queue *q)
{
	return q->capacity;
}

uint32_t queue__id(const struct queue *q)
{
	return q->qid;
}

enum queue_kind queue__kind(const struct queue *q)
{
	return q->kind;
}
