// SPDX-License-Identifier: GPL-2.0
/* Names of wait kinds, syscalls and socket families. */
#include <stddef.h>
#include "wait.h"

static const char *const kind_names[SL_WK_MAX] = {
	[SL_WK_NONE] = "none",
	[SL_WK_SYSCALL] = "syscall",
	[SL_WK_PIPE] = "pipe",
	[SL_WK_SOCKET] = "socket",
	[SL_WK_FILE] = "file",
	[SL_WK_TTY] = "terminal",
	[SL_WK_CHARDEV] = "chardev",
	[SL_WK_EVENTFD] = "eventfd",
	[SL_WK_TIMERFD] = "timerfd",
	[SL_WK_SIGNALFD] = "signalfd",
	[SL_WK_POLL] = "poll",
	[SL_WK_FUTEX] = "futex",
	[SL_WK_CHILD] = "child",
	[SL_WK_SLEEP] = "sleep",
	[SL_WK_MQ] = "mq",
	[SL_WK_SYSV_MSG] = "msgqueue",
	[SL_WK_SYSV_SEM] = "semaphore",
	[SL_WK_FILE_LOCK] = "filelock",
	[SL_WK_SIGNAL] = "signal",
	[SL_WK_FAULT] = "page-fault",
	[SL_WK_EXIT] = "exit",
	[SL_WK_ANON] = "anon",
};

const char *sl_wait_kind_name(unsigned int kind)
{
	return kind < SL_WK_MAX && kind_names[kind] ? kind_names[kind] : "unknown";
}

/* x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl) of calls that block. */
static const struct {
	unsigned short nr;
	const char *name;
} syscalls[] = {
	{ 0, "read" }, { 1, "write" }, { 2, "open" }, { 3, "close" }, { 4, "stat" },
	{ 7, "poll" }, { 9, "mmap" }, { 10, "mprotect" }, { 11, "munmap" }, { 12, "brk" },
	{ 16, "ioctl" }, { 17, "pread64" }, { 18, "pwrite64" }, { 19, "readv" },
	{ 20, "writev" }, { 23, "select" }, { 24, "sched_yield" }, { 26, "msync" },
	{ 34, "pause" }, { 35, "nanosleep" }, { 40, "sendfile" }, { 42, "connect" },
	{ 43, "accept" }, { 44, "sendto" }, { 45, "recvfrom" }, { 46, "sendmsg" },
	{ 47, "recvmsg" }, { 56, "clone" }, { 57, "fork" }, { 58, "vfork" }, { 59, "execve" },
	{ 60, "exit" }, { 61, "wait4" }, { 62, "kill" }, { 65, "semop" }, { 69, "msgsnd" },
	{ 70, "msgrcv" }, { 72, "fcntl" }, { 73, "flock" }, { 74, "fsync" },
	{ 75, "fdatasync" }, { 76, "truncate" }, { 77, "ftruncate" }, { 82, "rename" },
	{ 83, "mkdir" }, { 84, "rmdir" }, { 87, "unlink" }, { 128, "rt_sigtimedwait" },
	{ 130, "rt_sigsuspend" }, { 162, "sync" }, { 202, "futex" }, { 208, "io_getevents" },
	{ 209, "io_submit" }, { 217, "getdents64" }, { 220, "semtimedop" },
	{ 230, "clock_nanosleep" }, { 231, "exit_group" }, { 232, "epoll_wait" },
	{ 242, "mq_timedsend" }, { 243, "mq_timedreceive" }, { 247, "waitid" },
	{ 257, "openat" }, { 262, "newfstatat" }, { 270, "pselect6" }, { 271, "ppoll" },
	{ 275, "splice" }, { 276, "tee" }, { 277, "sync_file_range" }, { 281, "epoll_pwait" },
	{ 285, "fallocate" }, { 288, "accept4" }, { 295, "preadv" }, { 296, "pwritev" },
	{ 299, "recvmmsg" }, { 306, "syncfs" }, { 307, "sendmmsg" }, { 326, "copy_file_range" },
	{ 327, "preadv2" }, { 328, "pwritev2" }, { 426, "io_uring_enter" }, { 435, "clone3" },
	{ 441, "epoll_pwait2" }, { 449, "futex_waitv" }, { 454, "futex_wake" },
	{ 455, "futex_wait" }, { 456, "futex_requeue" },
};

const char *sl_syscall_name(unsigned int nr)
{
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (syscalls[i].nr == nr)
			return syscalls[i].name;
	return NULL;
}

const char *sl_socket_family_name(unsigned int family)
{
	switch (family) {
	case 1:		return "unix";
	case 2:		return "inet";
	case 10:	return "inet6";
	case 16:	return "netlink";
	default:	return NULL;
	}
}
