/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one contract between the probes (bpf/schedlab.bpf.c) and userspace.
 * No includes: the BPF side gets __u32 & co from vmlinux.h, userspace from
 * <linux/types.h>.  Every record is exactly 32 bytes (checked with static
 * asserts in userspace/event.h) and carries one clock: CLOCK_BOOTTIME ns
 * (bpf_ktime_get_boot_ns), the clock Perfetto expects.
 */
#ifndef SCHEDLAB_H
#define SCHEDLAB_H

#define SL_COMM_LEN 16
#define SL_MAX_CPUS 256
#define SL_NO_SYSCALL 0xffff

/*
 * Queue events (SL_EV_Q_*, SL_EV_ITEM_*) carry the queue id in flags: at
 * most SL_MAX_QUEUES queues.  q.item SL_ITEM_PILL is a stop message, not
 * an item.  The workload fires the same events as USDT probes for other
 * tools (sys/sdt.h; DTRACE_PROBEn takes the provider as a bare word, so
 * the sites spell it out), in this argument order:
 *   q_push(qid, depth, item)          q_pop(qid, depth, item, enqueue_ns)
 *   q_wait_full(qid, depth)           q_wait_empty(qid, 0)
 *   q_lock_wait(qid)                  item_start(qid, item)
 *   item_done(qid, item)
 */
#define SL_USDT_PROVIDER "schedlab"
#define SL_MAX_QUEUES 256
#define SL_ITEM_PILL 0xffffffffu

/*
 * The traced machine's architecture, recorded in the trace: sw.nr_syscall
 * is a number of its syscall table, whatever machine analyses the trace.
 */
enum sl_arch {
	SL_ARCH_UNKNOWN = 0,
	SL_ARCH_X86_64 = 1,
	SL_ARCH_ARM64 = 2,
};

enum sl_event_type {
	SL_EV_SWITCH = 1,	/* cpu switched from pid to sw.next */
	SL_EV_WAKING,		/* pid (waker, may be 0) wakes wk.wakee */
	SL_EV_WAKEUP_NEW,	/* pid (parent) lets new task wk.wakee run */
	SL_EV_MIGRATE,		/* pid moved from mig.orig_cpu to mig.dest_cpu */
	SL_EV_FORK,		/* pid (parent) created fork.child */
	SL_EV_COMM,		/* pid is now called comm (exec, prctl, initial) */
	SL_EV_EXIT,		/* pid exits (sched_process_exit) */
	SL_EV_KSTAT,		/* pid's own kernel counters at its last switch */
	SL_EV_KSTAT_RT,		/* pid's se.sum_exec_runtime at its last switch */
	SL_EV_Q_PUSH,		/* queue events: the workload's own log (lab/qlog.h) */
	SL_EV_Q_POP,
	SL_EV_Q_WAIT_FULL,	/* producer about to block: queue full */
	SL_EV_Q_WAIT_EMPTY,	/* consumer about to block: queue empty */
	SL_EV_Q_LOCK_WAIT,	/* about to block on the queue's lock */
	SL_EV_ITEM_START,	/* work on an item begins */
	SL_EV_ITEM_DONE,	/* work on an item ends */
	/*
	 * Off-CPU stacks (--stacks), after the blocking switch-out of pid, at
	 * its timestamp: STACK_RET (only when the user stack held more than
	 * one return address above the stack pointer) then STACK.
	 */
	SL_EV_STACK_RET = 22,
	SL_EV_STACK = 23,
	/*
	 * pid's scheduling attributes and cgroup: at fork (the child), exec
	 * and exit; injected from /proc for tasks traced while
	 * running (-p, --cgroup).
	 */
	SL_EV_TASK_ATTR = 24,
	/*
	 * pid's command line, from /proc/PID/cmdline when the tracer drains
	 * an exec's COMM record (or traces a running task): right after it,
	 * at its timestamp, in up to SL_ARGV_CHUNKS records of 16 bytes, flags
	 * = chunk index.  Arguments are separated by one space; the text is
	 * cut at SL_ARGV_CHUNKS x 16 bytes.
	 */
	SL_EV_ARGV = 30,
	/*
	 * pid's run-queue wait, times scheduled in and block-I/O wait at its
	 * last switch (after SL_EV_KSTAT_RT): the /proc/PID/schedstat and
	 * taskstats figures of a task schedlab cannot read as a zombie.
	 */
	SL_EV_KSTAT_SCHED = 26,
	/*
	 * Who held `cpu` when tracing began, read on that CPU at attach: pid
	 * (0 = idle), its comm; flags SL_OCCF_*.  The occupant until the CPU's
	 * first switch record, so every CPU's time is known from the start.
	 * Sent again as the trace closes (SL_OCCF_CLOSING): a traced task
	 * found on a CPU the stream never switched it in on was switched in
	 * unreported.
	 */
	SL_EV_CPU_OCC = 27,
	/*
	 * 17..31 are free.  New types take explicit numbers; the trace file
	 * keeps the type in 5 bits, and stores types it does not know raw.
	 */
	SL_EV_WAIT = 17,	/* what pid waits on from its next blocking switch
				 * on (wt, kind in flags); sent only when it
				 * differs from pid's previous one */
	SL_EV_WAKER = 18,	/* the object pid's syscall acts on when it wakes
				 * someone (wt, kind in flags); sent only when it
				 * differs from pid's previous one */
	/*
	 * pid, woken by the SL_EV_WAKING before, was put on a run queue only
	 * SL_ENQ_LATE_NS or more after it (the target CPU enqueued it on an
	 * IPI).  Sent at its switch-in: the enqueue was enq.before_ns before
	 * ts (flag SL_ENQF_BEFORE; traces of older builds: at ts, no
	 * payload).  Without one, the enqueue came with the waking.
	 */
	SL_EV_ENQUEUED = 19,
	/*
	 * The rq clock this switch was accounted on lagged: __schedule()
	 * skips its update after a wakeup preemption (and onto an idle CPU),
	 * so rq->clock still held an earlier update's time, lag.ns before
	 * ts.  The kernel's sched_info then starts pid's run-queue wait (if
	 * it stays runnable) and ends lag.next's lag.ns before ts.  Sent
	 * right after the switch record (pid = its prev) when the lag is
	 * SL_RQ_LAG_NS or more and either task is traced; tp_btf only.
	 */
	SL_EV_RQ_LAG = 20,
	SL_EV_TYPE_MAX = 32,
};

/*
 * Why a task left the CPU, decided at sched_switch (SL_EV_SWITCH, in
 * `flags` bits 0-3).  PREEMPTED and RESCHED: still runnable, both counted
 * by the kernel as involuntary (nivcsw).  The others are blocked
 * states; the queue-marked ones (QFULL, QEMPTY, LOCK: set by the tracer
 * from the workload's queue log, trace/qmarks.c) win over the task-state
 * ones because they say *what* the task waited for, not just how.
 */
enum sl_reason {
	SL_R_NONE = 0,		/* not a switch-out of a traced task */
	SL_R_PREEMPTED,		/* involuntary: runnable, lost the CPU */
	SL_R_RESCHED,		/* involuntary: runnable, switched out without the
				 * preempt flag: need_resched on return to user
				 * space, cond_resched, or sched_yield */
	SL_R_SLEEP,		/* S: interruptible sleep, not in a known wait */
	SL_R_IO,		/* D with in_iowait: disk or other I/O */
	SL_R_DISK_WAIT,		/* D without in_iowait (uninterruptible, not I/O) */
	SL_R_QFULL,		/* blocked after SL_EV_Q_WAIT_FULL */
	SL_R_QEMPTY,		/* blocked after SL_EV_Q_WAIT_EMPTY */
	SL_R_LOCK,		/* blocked after SL_EV_Q_LOCK_WAIT */
	SL_R_DEAD,		/* final switch of an exiting task */
	SL_R_OTHER,		/* stopped, traced, ... */
	SL_R_MAX,
};

/* SL_EV_SWITCH flags, bits 4-7 */
#define SL_SWF_REASON_MASK	0x0f
#define SL_SWF_PREV_TRACKED	0x10	/* prev (pid) is a traced task */
#define SL_SWF_NEXT_TRACKED	0x20	/* next is a traced task */
#define SL_SWF_VOLUNTARY	0x40	/* the kernel counts it in nvcsw */

/* SL_EV_COMM flags */
#define SL_COMMF_EXEC		0x01	/* the name an exec gave: an ARGV record may follow */

#define SL_ARGV_CHUNKS		4
#define SL_ARGV_LEN		(SL_ARGV_CHUNKS * 16)

/* SL_EV_KSTAT_SCHED flags: which halves the kernel has */
#define SL_KSF_SCHED_INFO	0x01	/* run_delay, pcount (CONFIG_SCHED_INFO) */
#define SL_KSF_DELAY		0x02	/* blkio_delay_us (delay accounting) */

/* SL_EV_CPU_OCC flags */
#define SL_OCCF_TRACKED		0x01	/* the occupant is a traced task */
#define SL_OCCF_CLOSING		0x02	/* read as the trace closes, not at its start */

/* An enqueue this late after its waking gets a SL_EV_ENQUEUED record. */
#define SL_ENQ_LATE_NS		2000u

/* A switch on an rq clock this far behind gets a SL_EV_RQ_LAG record. */
#define SL_RQ_LAG_NS		2000u

/* SL_EV_ENQUEUED flags */
#define SL_ENQF_BEFORE		0x01	/* enq.before_ns says when, before ts */

/* SL_EV_WAKING / SL_EV_WAKEUP_NEW flags */
#define SL_WKF_WAKEE_TRACKED	0x01
#define SL_WKF_WAKER_TRACKED	0x02

struct sl_event {
	__u64 ts;		/* CLOCK_BOOTTIME, ns */
	__u8 type;		/* enum sl_event_type */
	__u8 flags;		/* per type, see above; queue events: queue id */
	__u16 cpu;		/* CPU the probe ran on */
	__u32 pid;		/* subject task (kernel pid = thread id) */
	union {
		struct {
			__u32 next;	/* incoming task, 0 = idle */
			__u16 nr_syscall; /* prev's syscall if blocked, else SL_NO_SYSCALL */
			__u16 state;	/* prev's raw task state (TASK_* bits) */
			/*
			 * prev's se.sum_exec_runtime after this switch: the
			 * kernel's own run time, on its rq clock.  Slices timed
			 * with `ts` can differ from it (the rq clock and
			 * BOOTTIME drift apart on some VMs); on-CPU totals are
			 * taken from this so they equal the kernel's.
			 */
			__u64 prev_runtime;
		} sw;
		struct {
			__u32 wakee;
			__u32 target_cpu;
			__u32 wakee_tgid;
			__u32 pad;
		} wk;
		struct {
			__u32 orig_cpu;
			__u32 dest_cpu;
			__u32 pad[2];
		} mig;
		struct {
			__u64 before_ns;	/* SL_EV_ENQUEUED: enqueue -> ts */
			__u64 pad;
		} enq;
		struct {
			__u64 ns;		/* SL_EV_RQ_LAG: rq clock behind ts */
			__u32 next;		/* the switch's next (pid is its prev) */
			__u32 pad;
		} lag;
		struct {
			__u32 child;		/* new task's pid (thread id) */
			__u32 child_tgid;	/* == child for a new process */
			__u32 parent_tgid;
			__u32 pad;
		} fork;
		struct {
			char comm[SL_COMM_LEN];
		} comm;
		struct {
			char text[16];	/* not NUL-terminated when full */
		} argv;
		struct {
			__u32 tgid;
			__s32 exit_code;	/* as wait(2) would report it */
			__u32 pad[2];
		} exit;
		struct {
			__u32 nvcsw;		/* task->nvcsw */
			__u32 nivcsw;		/* task->nivcsw */
			__u64 nr_migrations;	/* task->se.nr_migrations */
		} kstat;
		struct {
			__u64 sum_exec_runtime;	/* task->se.sum_exec_runtime, ns */
			__u64 pad;
		} kstat_rt;
		struct {
			__u64 run_delay;	/* task->sched_info.run_delay, ns */
			__u32 pcount;		/* task->sched_info.pcount */
			__u32 blkio_delay_us;	/* task->delays->blkio_delay / 1000, saturated */
		} ksched;
		struct {
			char comm[SL_COMM_LEN];	/* the occupant's */
		} occ;
		struct {
			__s32 kstack;	/* id in the stack map, <0: none (-errno) */
			__s32 ustack;
			/*
			 * The first return address found on the user stack
			 * above its pointer, 0 if none: the caller of a libc
			 * wrapper built without frame pointers, which the
			 * frame-pointer walk skips.
			 */
			__u64 ret0;
		} stk;
		struct {
			__u64 ret[2];	/* the next two return addresses */
		} stk_ret;
		struct {
			__u64 cgroup_id;	/* cgroup v2 id (the directory's inode) */
			__u32 policy;		/* SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6 */
			__s16 nice;		/* static_prio - 120; fair and batch tasks */
			__u16 rt_priority;	/* 1..99 for FIFO/RR, else 0 */
		} attr;
		struct {
			__u64 obj;	/* see enum sl_wait_kind */
			__u16 nr_syscall; /* the syscall classified, SL_NO_SYSCALL */
			__u8 detail;	/* SL_WD_* */
			__u8 sub;	/* socket: address family; fd kinds: 0 */
			__u16 fill;	/* pipe: buffers in use when it blocked */
			__u16 cap;	/* pipe: buffers it holds at most */
		} wt;
		struct {
			__u32 item;	/* item id */
			__u32 depth;	/* items in the queue after the op */
			__u64 delay;	/* Q_POP: ns since the item's enqueue */
		} q;
	};
};

/*
 * CPU time of an untraced task (not idle), summed at its switch-outs in
 * the kernel: who the "other tasks" of the CPU accounting were.  Keyed by
 * pid in an LRU map of SL_FOREIGN_SLOTS; the tracer reads the heaviest
 * SL_FOREIGN_MAX at the end into the trace.
 */
#define SL_FOREIGN_SLOTS	4096
#define SL_FOREIGN_MAX		8
struct sl_foreign {
	__u64 ns;
	__u32 tgid;
	__u32 pad;
	char comm[SL_COMM_LEN];	/* as at its first counted switch-out */
};

/*
 * Per-CPU counters kept in the kernel for everything that does not become
 * a record, so that nothing is lost silently and idle/other time is known
 * even where no traced task ran.
 */
struct sl_cpu_stats {
	__u64 lost;		/* records dropped: record ring and ring buffer full */
	__u64 idle_ns;		/* time the idle task held this CPU */
	__u64 other_ns;		/* time untraced tasks held this CPU */
	__u64 traced_ns;	/* time traced tasks held this CPU */
	__u64 last_switch_ts;	/* internal: start of current occupant */
	__u64 records;		/* records submitted */
};

/*
 * The record rings (bpf/ring.bpf.h): per CPU, a power-of-two array of
 * records in the map ring_recs (CPU c's at c << ring_shift) and this
 * control block in ring_ctl, both mapped by the reader.  The probes write
 * a record, then publish it by raising head; the reader consumes up to
 * head and gives the slots back by raising tail.  Each on its own cache
 * line: the probes write head on every record, the reader tail once per
 * drain.
 */
struct sl_ring_ctl {
	__u64 head;		/* records published (written by the probes) */
	__u32 busy;		/* a probe is writing (nested ones go elsewhere) */
	__u32 pad0[13];
	__u64 tail;		/* records consumed (written by the reader) */
	__u64 pad1[7];
};

/* Queue-wait marks: set by the queue log's wait events, applied in time order (trace/qmarks.c). */
enum sl_wait_mark {
	SL_WAIT_NONE = 0,
	SL_WAIT_QFULL,
	SL_WAIT_QEMPTY,
	SL_WAIT_LOCK,
};

/* Frames kept per stack (the stack map's value is SL_STACK_DEPTH u64s). */
#define SL_STACK_DEPTH 64
/* Words of the user stack searched for return addresses (SL_EV_STACK*). */
#define SL_STACK_SCAN_WORDS 8
/*
 * What a blocked task waits on (SL_EV_WAIT) or what a waker's syscall acts
 * on (SL_EV_WAKER), decided in the kernel from the syscall, its arguments
 * and the file behind a file descriptor.  Carried in `flags`; `wt.obj` is
 * the object's identity as noted per kind.
 */
enum sl_wait_kind {
	SL_WK_NONE = 0,		/* not in a syscall and not blocked (waker side) */
	SL_WK_SYSCALL,		/* some other syscall: wt.nr_syscall names it; obj = arg 0 */
	SL_WK_PIPE,		/* pipe or FIFO: obj = inode number */
	SL_WK_SOCKET,		/* obj = socket inode; sub = family, SL_WD_SOCK_* */
	SL_WK_FILE,		/* regular file, directory or block device: obj = inode */
	SL_WK_TTY,		/* terminal (tty, pts, console): obj = inode */
	SL_WK_CHARDEV,		/* other character device: obj = inode */
	SL_WK_EVENTFD,		/* obj = its struct file x anon_key (bpf/wait.bpf.h) */
	SL_WK_TIMERFD,
	SL_WK_SIGNALFD,
	SL_WK_POLL,		/* poll/select/epoll_wait: obj = the epoll's file x anon_key, or 0 */
	SL_WK_FUTEX,		/* obj = user address; SL_WD_FUTEX_* */
	SL_WK_CHILD,		/* wait4/waitid: obj = the pid argument (s32) */
	SL_WK_SLEEP,		/* nanosleep, clock_nanosleep */
	SL_WK_MQ,		/* POSIX message queue: obj = its inode */
	SL_WK_SYSV_MSG,		/* obj = msqid */
	SL_WK_SYSV_SEM,		/* obj = semid */
	SL_WK_FILE_LOCK,	/* flock, fcntl(F_SETLKW): obj = inode */
	SL_WK_SIGNAL,		/* pause, sigsuspend, sigtimedwait */
	SL_WK_FAULT,		/* blocked outside a syscall: page fault */
	SL_WK_EXIT,		/* waker side: the task is exiting (wakes its parent) */
	SL_WK_ANON,		/* another anonymous-inode file (file x anon_key), or an odd inode */
	SL_WK_MAX,
};

/* wt.detail */
#define SL_WD_WRITE		0x01	/* writes / sends: waits for room */
#define SL_WD_FIFO		0x02	/* pipe: a named FIFO (not pipefs) */
#define SL_WD_FUTEX_PRIVATE	0x04	/* futex: FUTEX_PRIVATE_FLAG */
#define SL_WD_FUTEX_PI		0x08	/* futex: priority-inheritance lock op */
#define SL_WD_FUTEX_WAKE	0x10	/* futex: a wake/requeue/unlock op */
#define SL_WD_SOCK_ACCEPT	0x20	/* socket: accept(4) */
#define SL_WD_FUTEX_BITSET	0x20	/* futex: FUTEX_WAIT_BITSET (glibc's condition
					 * variables, semaphores, joins; its
					 * mutexes use plain FUTEX_WAIT) */
#define SL_WD_SOCK_CONNECT	0x40	/* socket: connect */
#define SL_WD_SOCK_STREAM	0x80	/* socket: SOCK_STREAM (else datagram-like) */

#endif /* SCHEDLAB_H */
