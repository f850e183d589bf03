/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map from a 64-bit key (a pid, a pid pair) to a 32-bit index into the
 * caller's own dense array: the one lookup table behind every "pid -> row"
 * of the program (analysis tasks and wakeup edges, the trace's task table,
 * the timelines' tasks).  Open addressing with linear probing, kept at most
 * half full; putting a key that is present replaces its index (so a
 * recycled pid names its newest row).  O(1) on average, no removal.
 */
#ifndef SL_IDMAP_H
#define SL_IDMAP_H

#include <linux/types.h>

#define IDMAP_NONE	0xffffffffu	/* what idmap__get returns for a missing key */

struct idmap_slot {
	__u64 key;
	__u32 idx;		/* IDMAP_NONE: the slot is free */
};

struct idmap {
	struct idmap_slot *slots;
	__u32 mask;		/* slots - 1; slots is a power of two, or none */
	__u32 n;		/* keys stored */
};

/* Index stored for key, or IDMAP_NONE.  A zeroed map is empty. */
static inline __u32 idmap__get(const struct idmap *m, __u64 key)
{
	__u32 h;

	if (!m->slots)
		return IDMAP_NONE;
	/* Fibonacci hashing: the high bits of key x 2^64/phi */
	h = (__u32)((key * 0x9e3779b97f4a7c15ull) >> 32) & m->mask;
	for (; m->slots[h].idx != IDMAP_NONE; h = (h + 1) & m->mask)
		if (m->slots[h].key == key)
			return m->slots[h].idx;
	return IDMAP_NONE;
}

/* Stores key -> idx (idx != IDMAP_NONE), replacing an older index.  0 or -ENOMEM. */
int  idmap__put(struct idmap *m, __u64 key, __u32 idx);
void idmap__free(struct idmap *m);

#endif
