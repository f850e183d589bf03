// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "idmap.h"

static __u32 slot_of(const struct idmap *m, __u64 key)
{
	return (__u32)((key * 0x9e3779b97f4a7c15ull) >> 32) & m->mask;
}

static void place(struct idmap *m, __u64 key, __u32 idx)
{
	__u32 h = slot_of(m, key);

	while (m->slots[h].idx != IDMAP_NONE && m->slots[h].key != key)
		h = (h + 1) & m->mask;
	if (m->slots[h].idx == IDMAP_NONE)
		m->n++;
	m->slots[h].key = key;
	m->slots[h].idx = idx;
}

static int grow(struct idmap *m)
{
	struct idmap_slot *old = m->slots;
	__u32 old_size = old ? m->mask + 1 : 0, size = old_size ? old_size * 2 : 64;

	if (size < old_size)
		return -ENOMEM;	/* 2^32 slots: no further */
	m->slots = malloc((size_t)size * sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	for (__u32 i = 0; i < size; i++)
		m->slots[i].idx = IDMAP_NONE;
	m->mask = size - 1;
	m->n = 0;
	for (__u32 i = 0; i < old_size; i++)
		if (old[i].idx != IDMAP_NONE)
			place(m, old[i].key, old[i].idx);
	free(old);
	return 0;
}

int idmap__put(struct idmap *m, __u64 key, __u32 idx)
{
	if (idx == IDMAP_NONE)
		return -EINVAL;
	/* at most half full: probes stay short */
	if (!m->slots || (__u64)(m->n + 1) * 2 > (__u64)m->mask + 1) {
		int err = grow(m);

		if (err)
			return err;
	}
	place(m, key, idx);
	return 0;
}

void idmap__free(struct idmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->n = 0;
}
