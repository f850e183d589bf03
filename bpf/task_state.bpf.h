/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading task_struct fields that moved or changed name across kernels,
 * CO-RE style.  The same handlers serve tp_btf and raw_tp programs, told
 * apart by a constant `btf` argument that inlining folds away: tp_btf gets
 * BTF-typed pointers and may load fields directly, a few ns each; raw_tp
 * must go through bpf_probe_read_kernel (BPF_CORE_READ), a helper call
 * each.  On a switch storm that difference is most of the probes' cost.
 */
#ifndef SCHEDLAB_TASK_STATE_BPF_H
#define SCHEDLAB_TASK_STATE_BPF_H

#define TASK_INTERRUPTIBLE_STATE	0x0001
#define TASK_UNINTERRUPTIBLE_STATE	0x0002
#define TASK_DEAD_STATE			0x0080

#define SL_RD(btf, t, field) ((btf) ? (t)->field : BPF_CORE_READ(t, field))

/* A kernel pointer as a read-only BTF object (free after verification; v6.2+). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* task_struct::state was renamed __state in v5.14 (2f064a59a11f). */
struct task_struct___pre_5_14 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_state_of(struct task_struct *t, bool btf)
{
	struct task_struct___pre_5_14 *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return SL_RD(btf, t, __state);
	return SL_RD(btf, old, state);
}

/* With THREAD_INFO_IN_TASK the CPU lives in thread_info (v5.16, bcc/runqslower). */
struct task_struct___pre_5_16 {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_cpu_of(struct task_struct *t, bool btf)
{
	struct task_struct___pre_5_16 *old = (void *)t;

	if (bpf_core_field_exists(t->thread_info.cpu))
		return SL_RD(btf, t, thread_info.cpu);
	return SL_RD(btf, old, cpu);
}

static __always_inline bool task_in_iowait(struct task_struct *t, bool btf)
{
	if (btf)
		return BPF_CORE_READ_BITFIELD(t, in_iowait);
	return BPF_CORE_READ_BITFIELD_PROBED(t, in_iowait);
}

/* TIF_SIGPENDING is a per-arch bit number, absent from BTF. */
#if defined(__TARGET_ARCH_x86)
#define SL_TIF_SIGPENDING 2
#elif defined(__TARGET_ARCH_arm64)
#define SL_TIF_SIGPENDING 0
#else
#define SL_TIF_SIGPENDING 1
#endif

static __always_inline bool task_signal_pending(struct task_struct *t, bool btf)
{
	unsigned long flags = SL_RD(btf, t, thread_info.flags);

	return flags & (1UL << SL_TIF_SIGPENDING);
}

/*
 * The clock of the run queue t is on (rq->clock: sched_info's clock, as
 * __schedule() last updated it), or 0 where the kernel keeps no rq pointer
 * in cfs_rq (!CONFIG_FAIR_GROUP_SCHED).  Every task's se.cfs_rq names the
 * root cfs_rq of its CPU at least, the idle task's too.
 */
static __always_inline __u64 task_rq_clock(struct task_struct *t, bool btf)
{
	if (!bpf_core_field_exists(((struct cfs_rq *)0)->rq))
		return 0;
	if (btf)
		return t->se.cfs_rq->rq->clock;
	return BPF_CORE_READ(t, se.cfs_rq, rq, clock);
}

/* sched_info (CONFIG_SCHED_INFO): absent, both read 0 */
static __always_inline __u64 task_last_queued(struct task_struct *t, bool btf)
{
	if (!bpf_core_field_exists(t->sched_info))
		return 0;
	return SL_RD(btf, t, sched_info.last_queued);
}

static __always_inline __u64 task_run_delay(struct task_struct *t, bool btf)
{
	if (!bpf_core_field_exists(t->sched_info))
		return 0;
	return SL_RD(btf, t, sched_info.run_delay);
}

#endif
