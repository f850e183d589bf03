/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which tasks are traced, and what each one's last wait and waker records
 * said: a hash map keyed by pid and a task-storage entry per task, fronted
 * on each CPU by the tasks that CPU saw last.
 *
 * A switch storm alternates two tasks on a CPU; a hash lookup or a task
 * storage lookup is a helper call, ~50 ns each on a machine whose every
 * return goes through a mitigation thunk.  SL_SEEN entries per CPU,
 * checked by plain loads, answer both questions for the tasks a CPU keeps
 * switching between.  An entry names its task by pid and start time (pids
 * are reused, start times are not) and holds:
 *
 *   - whether the task is traced, as of track_gen: userspace bumps the
 *     generation when it adds tasks itself (trace -p); the probes add only
 *     new children, which no entry can name yet;
 *   - a copy of the call (syscall number and arguments) its last
 *     SL_EV_WAIT and SL_EV_WAKER record described, and the task's
 *     se.nr_migrations when the copy was made.  Records of a task only
 *     come from the CPU it runs on, so while its migration count is
 *     unchanged no other CPU sent it one and the copy is current.  Else,
 *     or on a CPU that has no entry for it, the task's own storage
 *     (task_keys), which every record updates, says.
 */
#ifndef SCHEDLAB_TASK_CACHE_BPF_H
#define SCHEDLAB_TASK_CACHE_BPF_H

/* What the kernel knows about a traced task beyond its pid. */
struct sl_tracked {
	__u32 tgid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);			/* pid (thread id) */
	__type(value, struct sl_tracked);
} tracked SEC(".maps");

volatile __u32 track_gen;	/* bumped by userspace after tracer__track() */

/* The call a wait or waker record described: see wait.bpf.h. */
struct sl_call_key {
	__u64 a0, a1;
	__u64 mig;		/* the task's se.nr_migrations when it was sent */
	__u16 nr;
	__u8 valid;
	__u8 pad[5];
};

/* A task's own copy: the calls its last wait and waker records described. */
struct sl_task_keys {
	struct sl_call_key wait, wake;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sl_task_keys);
} task_keys SEC(".maps");

struct sl_seen {
	__u64 start_time;	/* task->start_time: with pid, which task */
	__u32 pid;
	__u32 gen;		/* track_gen when tracked was decided */
	__u8 tracked;
	__u8 pad[7];
	struct sl_call_key wait, wake;
};

/*
 * Tasks remembered per CPU: a storm's two.  Four cost the storm ~15 ns per
 * switch and saved io-bound nothing measurable, where the task storage
 * behind the copies already spares the records.
 */
#define SL_SEEN 2

/*
 * This CPU's view: who is on it now, as the last switch saw it (at the
 * next switch that task is prev), the tasks it saw last, and how its rq
 * clock stands to the boot clock.
 */
struct sl_cur {
	__u32 pid;
	__u32 gen;
	__u64 task;		/* pid's task_struct, current; 0 before the first switch */
	__u8 tracked;
	__u8 next_victim;	/* the entry a miss fills: round robin */
	__u8 found;		/* scratch of seen_claim() */
	__u8 clk_set;		/* clk_off holds a sample */
	/* boot clock - rq clock, as low as switches saw it (rq_clock_sample()) */
	__s64 clk_off;
	/*
	 * How far the last sample lagged it.  Kept here, not in a register,
	 * so that the switch program's states do not split on its value.
	 */
	__u64 lag;
	struct sl_seen seen[SL_SEEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_cur);
} cpu_cur SEC(".maps");

static __always_inline struct sl_cur *this_cpu_cur(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_cur, &zero);
}

static __always_inline bool cur_knows(const struct sl_cur *c, __u32 pid)
{
	return c && c->task && c->pid == pid && c->gen == track_gen;
}

static __always_inline struct sl_tracked *lookup_tracked(__u32 pid)
{
	if (!pid)
		return NULL;
	return bpf_map_lookup_elem(&tracked, &pid);
}

static __always_inline bool seen_is(const struct sl_seen *s, __u32 pid, __u64 start, __u32 gen)
{
	return s->pid == pid && s->start_time == start && s->gen == gen;
}

/*
 * The entry of task (pid, start), filled with `tracked` when it has none:
 * the caller knows whether it is traced.  NULL only without c.
 */
static __always_inline struct sl_seen *seen_claim(struct sl_cur *c, __u32 pid, __u64 start,
						  bool tracked, bool *hit)
{
	__u32 gen = track_gen, i;
	struct sl_seen *s;

	c->found = SL_SEEN;
#pragma unroll
	for (int j = 0; j < SL_SEEN; j++)
		if (seen_is(&c->seen[j], pid, start, gen))
			c->found = j;
	/*
	 * Read back through memory: one pointer with a bounded offset
	 * follows, not one per entry, or the verifier walks every path
	 * after this once per entry it could point at.
	 */
	i = *(volatile __u8 *)&c->found;
	*hit = i < SL_SEEN;
	if (!*hit)
		i = c->next_victim++;
	s = &c->seen[i & (SL_SEEN - 1)];
	if (!*hit) {
		s->pid = pid;
		s->start_time = start;
		s->gen = gen;
		s->tracked = tracked;
		s->wait.valid = 0;
		s->wake.valid = 0;
	}
	return s;
}

/*
 * current, without a helper call where tp_btf has told the last switch
 * here who came in: that task stays current until the next switch.  But
 * not every switch is reported: on this machine none out of its agent's
 * threads is, and the task that came in then is current without the
 * probes knowing (a waking it did was once put on the agent's thread).
 * So the last one reported is current only while it is on a CPU, and on
 * this one; else the helper says.  Its pointer is read-only: a helper
 * that needs a trusted task takes bpf_get_current_task_btf().
 */
static __always_inline struct task_struct *current_task(const struct sl_cur *c, bool btf)
{
	if (btf && c && c->task && &bpf_rdonly_cast) {
		struct task_struct *t = bpf_rdonly_cast((void *)c->task,
							bpf_core_type_id_kernel(struct task_struct));

		if (t->on_cpu && task_cpu_of(t, true) == bpf_get_smp_processor_id())
			return t;
	}
	return bpf_get_current_task_btf();
}

/* Is task p (pid) traced?  Its entry, looked up in the hash on a miss. */
static __always_inline struct sl_seen *seen_task(struct sl_cur *c, struct task_struct *p,
						 __u32 pid, bool btf, bool *tracked)
{
	__u64 start = SL_RD(btf, p, start_time);
	struct sl_seen *s;
	bool hit;

	if (!c || !pid) {
		*tracked = lookup_tracked(pid) != NULL;
		return NULL;
	}
	s = seen_claim(c, pid, start, false, &hit);
	if (!hit)
		s->tracked = lookup_tracked(pid) != NULL;
	*tracked = s->tracked;
	return s;
}

/* The entry of current (me, a BTF pointer); the caller knows it is traced. */
static __always_inline struct sl_seen *seen_current(struct sl_cur *c, struct task_struct *me,
						    __u32 pid)
{
	bool hit;

	if (!c)
		return NULL;
	return seen_claim(c, pid, me->start_time, true, &hit);
}

/* Does k describe this call, sent while the task had migrated mig times? */
static __always_inline bool call_key_is(const struct sl_call_key *k, __u16 nr, __u64 a0,
					__u64 a1, __u64 mig)
{
	return k->valid && k->nr == nr && k->a0 == a0 && k->a1 == a1 && k->mig == mig;
}

static __always_inline void call_key_set(struct sl_call_key *k, __u16 nr, __u64 a0, __u64 a1,
					 __u64 mig)
{
	k->nr = nr;
	k->a0 = a0;
	k->a1 = a1;
	k->mig = mig;
	k->valid = 1;
}

/*
 * Each traced task's latest sched_waking, slot pid % SL_WAKE_SLOTS, until
 * its switch-in consumes it: when (low 32 bits of the boot clock, | 1), on
 * which CPU, and the task's run_delay then.  A waking on the CPU that
 * switches the task in enqueued it itself; from elsewhere, the switch-in
 * asks the kernel when the enqueue came (late_enqueue() in schedlab.bpf.c;
 * gaps < 4 s).  A plain array, read without a helper call; two traced pids
 * sharing a slot between a waking and its switch-in lose that one
 * late-enqueue measurement, never misattribute it (the slot names its pid).
 */
#define SL_WAKE_SLOTS 4096

struct sl_wake_slot {
	__u32 pid;
	__u32 lo;
	__u32 cpu;
	__u32 run_delay;	/* low 32 bits of sched_info.run_delay at the waking */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_WAKE_SLOTS);
	__type(key, __u32);
	__type(value, struct sl_wake_slot);
} wake_slots SEC(".maps");

static __always_inline struct sl_wake_slot *wake_slot(__u32 pid)
{
	__u32 i = pid & (SL_WAKE_SLOTS - 1);

	return bpf_map_lookup_elem(&wake_slots, &i);
}

#endif
