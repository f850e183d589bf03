/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where records go: this CPU's record ring (struct sl_ring_ctl in
 * schedlab.h), written with plain loads and stores, no helper call.
 * A BPF ring buffer per CPU takes what the record ring cannot: a probe
 * that interrupted another probe on this CPU mid-record (a wakeup from an
 * interrupt during the fork probe), and records that find the ring full.
 * Only what neither takes is lost, counted per CPU.
 *
 * The record ring is safe without atomics because a CPU's probes only
 * nest, never interleave: one that finds `busy` set goes to the ring
 * buffer, and one that interrupts between the test and the set runs to
 * its end before the interrupted one reads head.  The reader on another
 * CPU must see a record before the head that publishes it, which x86's
 * store order gives; elsewhere every record takes the ring buffer.
 */
#ifndef SCHEDLAB_RING_BPF_H
#define SCHEDLAB_RING_BPF_H

#define sl_barrier() asm volatile("" ::: "memory")

/* userspace sizes both: ring_ctl to the CPUs, ring_recs to CPUs << ring_shift */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_ring_ctl);
} ring_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_event);
} ring_recs SEC(".maps");

const volatile __u32 ring_shift = 1;	/* log2 of the records per CPU */

/* One ring buffer per CPU; userspace creates the inner maps and sizes the array. */
struct sl_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, SL_MAX_CPUS);
	__type(key, __u32);
	__array(values, struct sl_ring);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_cpu_stats);
} cpu_stats SEC(".maps");

static __always_inline struct sl_cpu_stats *this_cpu_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_stats, &zero);
}

/*
 * Starts record e, the caller's (on its stack until event_submit copies
 * it out): header set, payload zeroed.
 */
static __always_inline void event_init(struct sl_event *e, __u8 type, __u32 pid, __u64 now)
{
	e->ts = now;
	e->type = type;
	e->flags = 0;
	e->cpu = bpf_get_smp_processor_id();
	e->pid = pid;
	__builtin_memset(&e->sw, 0, sizeof(e->sw));
}

/* Into this CPU's record ring; false when it is busy or full. */
static __always_inline bool ring_put(const struct sl_event *e, __u32 cpu)
{
#if defined(__TARGET_ARCH_x86)
	struct sl_ring_ctl *c = bpf_map_lookup_elem(&ring_ctl, &cpu);
	__u64 slots = 1ull << ring_shift, h;
	struct sl_event *r;
	__u32 idx;

	if (!c || *(volatile __u32 *)&c->busy)
		return false;
	c->busy = 1;
	sl_barrier();
	h = *(volatile __u64 *)&c->head;
	if (h - *(volatile __u64 *)&c->tail >= slots)
		goto out;
	idx = cpu << ring_shift | (__u32)(h & (slots - 1));
	r = bpf_map_lookup_elem(&ring_recs, &idx);
	if (!r)
		goto out;
	*r = *e;
	sl_barrier();
	*(volatile __u64 *)&c->head = h + 1;
	sl_barrier();
	c->busy = 0;
	return true;
out:
	sl_barrier();
	c->busy = 0;
#endif
	return false;
}

/* Sends record e; false when it is lost (counted, never silent). */
static __always_inline bool event_submit(const struct sl_event *e)
{
	struct sl_cpu_stats *st = this_cpu_stats();
	__u32 cpu = e->cpu;
	void *ring;

	if (!ring_put(e, cpu)) {
		ring = bpf_map_lookup_elem(&rings, &cpu);
		if (!ring || bpf_ringbuf_output(ring, (void *)e, sizeof(*e), BPF_RB_NO_WAKEUP)) {
			if (st)
				st->lost++;
			return false;
		}
	}
	if (st)
		st->records++;
	return true;
}

#endif
