/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a task waits on, or acts on when it wakes someone: the syscall in
 * its saved user registers, its arguments and, for a call on a file
 * descriptor, the file behind it (enum sl_wait_kind in schedlab.h).
 *
 * Only called on current (at sched_switch prev == current; at
 * sched_waking the waker is current), so every task pointer is a BTF one
 * (tp_btf's prev, or bpf_get_current_task_btf(), once per probe) and both
 * tp_btf and raw_tp programs may load its fields directly.  What hangs off a file is read with
 * BPF_CORE_READ: the fd table yields a plain pointer.
 *
 * The syscall table and argument registers are x86_64's; on other
 * architectures every wait is SL_WK_SYSCALL or SL_WK_FAULT.
 */
#ifndef SCHEDLAB_WAIT_BPF_H
#define SCHEDLAB_WAIT_BPF_H

#define SL_PF_KTHREAD		0x00200000
#define SL_ENOSYS		38

/* include/uapi/linux/magic.h */
#define SL_PIPEFS_MAGIC		0x50495045
#define SL_SOCKFS_MAGIC		0x534F434B
#define SL_MQUEUE_MAGIC		0x19800202
#define SL_ANON_INODE_MAGIC	0x09041934

#define SL_S_IFMT	00170000
#define SL_S_IFSOCK	0140000
#define SL_S_IFREG	0100000
#define SL_S_IFBLK	0060000
#define SL_S_IFDIR	0040000
#define SL_S_IFCHR	0020000
#define SL_S_IFIFO	0010000

/* The call being classified: number and the first four arguments. */
struct sl_call {
	__u16 nr;		/* SL_NO_SYSCALL: not in a syscall */
	__u64 a0, a1, a3;
};

/*
 * Where a task's saved user registers sit above its stack base (THREAD_SIZE
 * and the stack-top padding vary with the kernel's configuration): learnt
 * from bpf_task_pt_regs() once, then found with plain arithmetic -- a
 * helper call less per blocking switch and per wakeup.  calib_regs only
 * turns the helper's pointer into a number.
 */
volatile __u64 regs_off;
volatile __u64 calib_regs;

static __always_inline struct pt_regs *current_regs(struct task_struct *t, bool btf)
{
	__u64 stack = (__u64)t->stack, off = regs_off;
	struct pt_regs *regs;

	if (btf && off && &bpf_rdonly_cast)
		return bpf_rdonly_cast((void *)(stack + off), bpf_core_type_id_kernel(struct pt_regs));
	/* t is current, but perhaps read-only (current_task()): the helper wants it trusted */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (btf && regs && !off) {
		calib_regs = (__u64)regs;
		off = calib_regs - stack;
		if (off && off < (1u << 20) && !(off & 7))
			regs_off = off;
	}
	return regs;
}

/*
 * Reads current's syscall.  While a task is inside a syscall, x86_64 keeps
 * -ENOSYS in regs->ax (entry_SYSCALL_64 pushes it; the return value
 * replaces it only on the way out); in an exception such as a page fault
 * orig_ax holds the error code and ax the user's rax.  That tells the two
 * apart, where orig_ax alone would read a page fault's error code 6 as
 * syscall 6.
 */
static __always_inline void current_call(struct sl_call *c, struct task_struct *t, bool btf)
{
	struct pt_regs *regs;

	c->nr = SL_NO_SYSCALL;
	c->a0 = c->a1 = c->a3 = 0;
	if (t->flags & SL_PF_KTHREAD)
		return;
	regs = current_regs(t, btf);
	if (!regs)
		return;
#if defined(__TARGET_ARCH_x86)
	{
		long nr = regs->orig_ax;

		if ((long)regs->ax != -SL_ENOSYS || nr < 0 || nr >= SL_NO_SYSCALL)
			return;
		c->nr = (__u16)nr;
		c->a0 = regs->di;
		c->a1 = regs->si;
		c->a3 = regs->r10;
	}
#endif
}

/* The file behind current's descriptor fd, or NULL. */
static __always_inline struct file *current_fd_file(__u64 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct files_struct *files = t->files;
	struct fdtable *fdt;
	struct file **arr;
	struct file *f = NULL;

	if (!files)
		return NULL;
	fdt = BPF_CORE_READ(files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	if (!arr || bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]))
		return NULL;
	return f;
}

/* Name of an anonymous-inode file: the first 8 bytes of "[eventfd]" & co. */
static __always_inline __u64 anon_name8(struct file *f)
{
	const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	__u64 v = 0;

	if (name)
		bpf_probe_read_kernel(&v, sizeof(v), name);
	return v;
}

#define SL_NAME8(a, b, c, d, e, f, g, h)					\
	((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 |	\
	 (__u64)(e) << 32 | (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)

static __always_inline __u8 anon_kind(struct file *f)
{
	__u64 n = anon_name8(f);

	if (n == SL_NAME8('[', 'e', 'v', 'e', 'n', 't', 'f', 'd'))
		return SL_WK_EVENTFD;
	if (n == SL_NAME8('[', 't', 'i', 'm', 'e', 'r', 'f', 'd'))
		return SL_WK_TIMERFD;
	if (n == SL_NAME8('[', 's', 'i', 'g', 'n', 'a', 'l', 'f'))
		return SL_WK_SIGNALFD;
	if (n == SL_NAME8('[', 'e', 'v', 'e', 'n', 't', 'p', 'o'))
		return SL_WK_POLL;
	return SL_WK_ANON;
}

/* Terminals: tty/console (4, 5), BSD pty slaves (3), UNIX98 pty slaves (136-143). */
static __always_inline bool tty_major(__u32 rdev)
{
	__u32 major = rdev >> 20;	/* the kernel's dev_t: MINORBITS = 20 */

	return major == 3 || major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/*
 * Every anonymous-inode file (eventfd, timerfd, signalfd, epoll) shares
 * one inode: such a file is named by its struct file instead -- one per
 * open file description, the same across dup and fork -- times an odd
 * key the tracer draws per trace, so that no kernel address is written.
 */
const volatile __u64 anon_key = 1;

/* What the file behind fd is; fills obj, sub, fill and cap of w. */
static __always_inline __u8 classify_fd(__u64 fd, struct sl_event *w)
{
	struct file *f = current_fd_file(fd);
	struct inode *ino;
	unsigned long magic;
	__u32 mode;

	if (!f)
		return SL_WK_SYSCALL;
	ino = BPF_CORE_READ(f, f_inode);
	if (!ino)
		return SL_WK_SYSCALL;
	w->wt.obj = BPF_CORE_READ(ino, i_ino);
	mode = BPF_CORE_READ(ino, i_mode) & SL_S_IFMT;
	magic = BPF_CORE_READ(ino, i_sb, s_magic);

	if (magic == SL_ANON_INODE_MAGIC) {
		w->wt.obj = (__u64)f * anon_key;
		return anon_kind(f);	/* since v6.15 these look like S_IFREG */
	}
	if (magic == SL_MQUEUE_MAGIC)
		return SL_WK_MQ;
	if (magic == SL_SOCKFS_MAGIC || mode == SL_S_IFSOCK) {
		struct socket *sock = BPF_CORE_READ(f, private_data);

		if (sock) {
			if (BPF_CORE_READ(sock, type) == 1 /* SOCK_STREAM */)
				w->wt.detail |= SL_WD_SOCK_STREAM;
			w->wt.sub = (__u8)BPF_CORE_READ(sock, sk, __sk_common.skc_family);
		}
		return SL_WK_SOCKET;
	}
	if (magic == SL_PIPEFS_MAGIC || mode == SL_S_IFIFO) {
		struct pipe_inode_info *pipe = BPF_CORE_READ(ino, i_pipe);

		if (magic != SL_PIPEFS_MAGIC)
			w->wt.detail |= SL_WD_FIFO;
		if (pipe) {
			__u32 head = BPF_CORE_READ(pipe, head);
			__u32 tail = BPF_CORE_READ(pipe, tail);
			__u32 cap = BPF_CORE_READ(pipe, max_usage);

			w->wt.fill = (__u16)(head - tail);
			w->wt.cap = (__u16)cap;
		}
		return SL_WK_PIPE;
	}
	if (mode == SL_S_IFCHR)
		return tty_major(BPF_CORE_READ(ino, i_rdev)) ? SL_WK_TTY : SL_WK_CHARDEV;
	if (mode == SL_S_IFREG || mode == SL_S_IFBLK || mode == SL_S_IFDIR)
		return SL_WK_FILE;
	return SL_WK_ANON;
}

/* futex(2) operations (include/uapi/linux/futex.h) */
#define SL_FUTEX_CMD_MASK	0x7f
#define SL_FUTEX_PRIVATE	128

static __always_inline void futex_detail(struct sl_event *w, __u32 cmd, bool priv)
{
	switch (cmd) {
	case 6: case 8: case 11: case 13:	/* LOCK_PI, TRYLOCK_PI, WAIT_REQUEUE_PI, LOCK_PI2 */
		w->wt.detail |= SL_WD_FUTEX_PI;
		break;
	case 7: case 12:			/* UNLOCK_PI, CMP_REQUEUE_PI */
		w->wt.detail |= SL_WD_FUTEX_PI | SL_WD_FUTEX_WAKE;
		break;
	case 1: case 3: case 4: case 5: case 10: /* WAKE, (CMP_)REQUEUE, WAKE_OP, WAKE_BITSET */
		w->wt.detail |= SL_WD_FUTEX_WAKE;
		break;
	case 9:					/* WAIT_BITSET */
		w->wt.detail |= SL_WD_FUTEX_BITSET;
		break;
	}
	if (priv)
		w->wt.detail |= SL_WD_FUTEX_PRIVATE;
}

/*
 * Classifies call c into record w (a SL_EV_WAIT or SL_EV_WAKER, its wt
 * zeroed): sets w->flags to the kind and the wt fields it knows.  `blocked`
 * is the task's state at a switch-out (0 on the waker side).
 */
static __noinline void wait_classify(struct sl_event *w, const struct sl_call *c, __u32 blocked)
{
	__u8 kind = SL_WK_SYSCALL;

	w->wt.nr_syscall = c->nr;
	if (c->nr == SL_NO_SYSCALL) {
		w->flags = blocked ? SL_WK_FAULT : SL_WK_NONE;
		return;
	}
	w->wt.obj = c->a0;
#if defined(__TARGET_ARCH_x86)
	switch (c->nr) {
	case 1: case 18: case 20: case 296: case 328:	/* write, pwrite64, writev, pwritev(2) */
	case 44: case 46: case 307:			/* sendto, sendmsg, sendmmsg */
		w->wt.detail |= SL_WD_WRITE;
		/* fallthrough */
	case 0: case 17: case 19: case 295: case 327:	/* read, pread64, readv, preadv(2) */
	case 45: case 47: case 299:			/* recvfrom, recvmsg, recvmmsg */
	case 74: case 75: case 277:			/* fsync, fdatasync, sync_file_range */
		kind = classify_fd(c->a0, w);
		break;
	case 43: case 288:				/* accept, accept4 */
		w->wt.detail |= SL_WD_SOCK_ACCEPT;
		kind = classify_fd(c->a0, w);
		break;
	case 42:					/* connect */
		w->wt.detail |= SL_WD_SOCK_CONNECT;
		kind = classify_fd(c->a0, w);
		break;
	case 242:					/* mq_timedsend */
		w->wt.detail |= SL_WD_WRITE;
		/* fallthrough */
	case 243:					/* mq_timedreceive */
		kind = classify_fd(c->a0, w);
		break;
	case 232: case 281: case 441:			/* epoll_wait, epoll_pwait(2) */
		classify_fd(c->a0, w);
		kind = SL_WK_POLL;
		break;
	case 7: case 23: case 270: case 271:		/* poll, select, pselect6, ppoll */
		w->wt.obj = 0;
		kind = SL_WK_POLL;
		break;
	case 202:					/* futex */
		futex_detail(w, (__u32)c->a1 & SL_FUTEX_CMD_MASK, c->a1 & SL_FUTEX_PRIVATE);
		kind = SL_WK_FUTEX;
		break;
	case 455:					/* futex_wait (v6.7): has a mask */
		futex_detail(w, 9, c->a3 & SL_FUTEX_PRIVATE);
		kind = SL_WK_FUTEX;
		break;
	case 454:					/* futex_wake */
		futex_detail(w, 1, c->a3 & SL_FUTEX_PRIVATE);
		kind = SL_WK_FUTEX;
		break;
	case 61:					/* wait4 */
		w->wt.obj = (__u64)(__s64)(int)c->a0;
		kind = SL_WK_CHILD;
		break;
	case 247:					/* waitid(idtype, id) */
		w->wt.obj = c->a0 == 1 /* P_PID */ ? (__u64)(__s64)(int)c->a1 : (__u64)-1;
		kind = SL_WK_CHILD;
		break;
	case 35: case 230:				/* nanosleep, clock_nanosleep */
		w->wt.obj = 0;
		kind = SL_WK_SLEEP;
		break;
	case 69:					/* msgsnd */
		w->wt.detail |= SL_WD_WRITE;
		/* fallthrough */
	case 70:					/* msgrcv */
		kind = SL_WK_SYSV_MSG;
		break;
	case 65: case 220:				/* semop, semtimedop */
		kind = SL_WK_SYSV_SEM;
		break;
	case 73:					/* flock */
		classify_fd(c->a0, w);
		kind = SL_WK_FILE_LOCK;
		break;
	case 72:					/* fcntl: F_SETLKW, F_OFD_SETLKW */
		if (c->a1 == 7 || c->a1 == 38) {
			classify_fd(c->a0, w);
			kind = SL_WK_FILE_LOCK;
		}
		break;
	case 34: case 128: case 130:			/* pause, rt_sigtimedwait, rt_sigsuspend */
		w->wt.obj = 0;
		kind = SL_WK_SIGNAL;
		break;
	case 60: case 231:				/* exit, exit_group */
		w->wt.obj = (__u32)(bpf_get_current_pid_tgid() >> 32);
		kind = SL_WK_EXIT;
		break;
	}
#endif
	w->flags = kind;
}

#endif
