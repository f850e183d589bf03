// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall numbers per architecture (x86_64: arch/x86/entry/syscalls/
 * syscall_64.tbl; arm64: the generic table, include/uapi/asm-generic/
 * unistd.h).  Only the calls the analysis classifies are listed.
 */
#include "analysis_syscalls.h"

static const __u16 x86_64_file_io[] = {
	0,	/* read */
	1,	/* write */
	17,	/* pread64 */
	18,	/* pwrite64 */
	19,	/* readv */
	20,	/* writev */
	26,	/* msync */
	74,	/* fsync */
	75,	/* fdatasync */
	76,	/* truncate */
	77,	/* ftruncate */
	162,	/* sync */
	208,	/* io_getevents */
	209,	/* io_submit */
	277,	/* sync_file_range */
	285,	/* fallocate */
	295,	/* preadv */
	296,	/* pwritev */
	306,	/* syncfs */
	326,	/* copy_file_range */
	327,	/* preadv2 */
	328,	/* pwritev2 */
	426,	/* io_uring_enter */
};

static const __u16 arm64_file_io[] = {
	2,	/* io_submit */
	4,	/* io_getevents */
	45,	/* truncate */
	46,	/* ftruncate */
	47,	/* fallocate */
	63,	/* read */
	64,	/* write */
	65,	/* readv */
	66,	/* writev */
	67,	/* pread64 */
	68,	/* pwrite64 */
	69,	/* preadv */
	70,	/* pwritev */
	81,	/* sync */
	82,	/* fsync */
	83,	/* fdatasync */
	84,	/* sync_file_range */
	227,	/* msync */
	267,	/* syncfs */
	285,	/* copy_file_range */
	286,	/* preadv2 */
	287,	/* pwritev2 */
	426,	/* io_uring_enter */
};

static const __u16 x86_64_join[] = { 61 /* wait4 */, 247 /* waitid */ };
static const __u16 arm64_join[] = { 95 /* waitid */, 260 /* wait4 */ };
static const __u16 x86_64_sigwait[] = { 34 /* pause */, 130 /* rt_sigsuspend */ };
static const __u16 arm64_sigwait[] = { 133 /* rt_sigsuspend; arm64 has no pause */ };

static const __u16 x86_64_signal[] = {
	62,	/* kill */
	129,	/* rt_sigqueueinfo */
	200,	/* tkill */
	234,	/* tgkill */
	297,	/* rt_tgsigqueueinfo */
	424,	/* pidfd_send_signal */
};
static const __u16 arm64_signal[] = {
	129,	/* kill */
	130,	/* tkill */
	131,	/* tgkill */
	138,	/* rt_sigqueueinfo */
	240,	/* rt_tgsigqueueinfo */
	424,	/* pidfd_send_signal */
};

/* One kind of call: its numbers in each architecture's table. */
struct arch_set {
	const __u16 *x86_64, *arm64;
	unsigned int n_x86_64, n_arm64;
};

#define N(set) (sizeof(set) / sizeof(set[0]))
#define ARCH_SET(x, a) { x, a, N(x), N(a) }

static const struct arch_set file_io = ARCH_SET(x86_64_file_io, arm64_file_io);
static const struct arch_set join = ARCH_SET(x86_64_join, arm64_join);
static const struct arch_set sigwait = ARCH_SET(x86_64_sigwait, arm64_sigwait);
static const struct arch_set signal_send = ARCH_SET(x86_64_signal, arm64_signal);

static bool in(const __u16 *set, unsigned int n, __u16 nr)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == nr)
			return true;
	return false;
}

static bool in_arch(const struct arch_set *s, enum sl_arch arch, __u16 nr)
{
	switch (arch) {
	case SL_ARCH_X86_64:
		return in(s->x86_64, s->n_x86_64, nr);
	case SL_ARCH_ARM64:
		return in(s->arm64, s->n_arm64, nr);
	default:
		return false;
	}
}

bool sl_syscall_is_file_io(enum sl_arch arch, __u16 nr)
{
	return in_arch(&file_io, arch, nr);
}

bool sl_syscall_is_join(enum sl_arch arch, __u16 nr)
{
	return in_arch(&join, arch, nr);
}

bool sl_syscall_is_sigwait(enum sl_arch arch, __u16 nr)
{
	return in_arch(&sigwait, arch, nr);
}

bool sl_syscall_sends_signal(enum sl_arch arch, __u16 nr)
{
	return in_arch(&signal_send, arch, nr);
}
