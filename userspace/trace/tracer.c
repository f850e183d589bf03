// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "schedlab.skel.h"
#include "util/log.h"
#include "lab/qlog.h"
#include "merge.h"
#include "procargs.h"
#include "record_rings.h"
#include "tracer.h"

#define DEFAULT_RING_BYTES	(8u << 20)
/*
 * Each CPU's BPF ring buffer takes what its record ring cannot
 * (ring.bpf.h); off x86 it takes every record and keeps the full size.
 */
#if defined(__x86_64__)
#define OVERFLOW_RING_DIV	8
#else
#define OVERFLOW_RING_DIV	1
#endif
#define MIN_RING_BYTES		(64u << 10)
/*
 * A record whose timestamp is older than this when the rings were drained
 * is taken as committed.  Probes run for microseconds; a workload thread
 * writing its queue log (lab/qlog.h) can be preempted between its clock
 * read and its write, which this covers.
 */
#define REORDER_WINDOW_NS	(20ull * 1000 * 1000)
#define RECENT_DEATHS		256	/* power of two */
#define STACK_MAP_ENTRIES	16384	/* distinct stacks; more are counted */

struct tracer {
	struct schedlab_bpf *skel;
	struct ring_buffer *rb;
	struct record_rings *rr;
	__u32 ring_shift;		/* log2 of each record ring's records */
	struct merge *merge;
	int *ring_fds;
	__u32 ncpu;
	enum tracer_mode mode;
	int push_err;
	/* the workload's queue event log: slot i merges as queue qlog_q0 + i */
	struct qlog *qlog;
	__u32 qlog_q0;
	sl_event_fn raw_fn;		/* sees records as they are drained */
	void *raw_ctx;
	/* pids whose final switch has been drained, newest last (a ring) */
	__u32 deaths[RECENT_DEATHS];
	__u32 nr_deaths;
};

__u64 sl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (sl_log_level < SL_LOG_LIBBPF && level == LIBBPF_DEBUG)
		return 0;
	if (sl_log_level < SL_LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Only one of each tp_btf/raw_tp pair is loaded: the other loses autoload. */
static void choose_programs(struct schedlab_bpf *skel, enum tracer_mode mode)
{
	const char *drop = mode == TRACER_TP_BTF ? "raw_tp_" : "tp_btf_";
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		if (!strncmp(bpf_program__name(prog), drop, strlen(drop)))
			bpf_program__set_autoload(prog, false);
	}
}

/* One record drained from a CPU's rings: what every record goes through. */
static int on_record(const struct sl_event *e, void *ctx)
{
	struct tracer *t = ctx;

	if (e->type == SL_EV_KSTAT)
		t->deaths[t->nr_deaths++ & (RECENT_DEATHS - 1)] = e->pid;
	if (t->raw_fn)
		t->raw_fn(e, t->raw_ctx);
	if (merge__push(t->merge, e))
		t->push_err = -ENOMEM;
	/* an exec's new name: its command line says which program (read now, while it lives) */
	if (e->type == SL_EV_COMM && (e->flags & SL_COMMF_EXEC)) {
		struct sl_event argv[SL_ARGV_CHUNKS];
		int n = procargs__events((pid_t)e->pid, e->ts, e->cpu, argv);

		for (int i = 0; i < n; i++)
			if (merge__push(t->merge, &argv[i]))
				t->push_err = -ENOMEM;
	}
	return 0;
}

/* The fallback ring buffer's records (ring.bpf.h); a short one is no record. */
static int on_ringbuf_record(void *ctx, void *data, size_t size)
{
	if (size < sizeof(struct sl_event))
		return 0;
	return on_record(data, ctx);
}

/* An odd 64-bit multiplier for anonymous files' names (bpf/wait.bpf.h), new per trace. */
static __u64 anon_key(void)
{
	__u64 k = 0;

	if (getrandom(&k, sizeof(k), 0) != sizeof(k)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		k = (__u64)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (__u64)getpid() << 32;
	}
	return k | 1;
}

static int load(struct tracer *t, enum tracer_mode mode, bool stacks)
{
	int err;

	t->skel = schedlab_bpf__open();
	if (!t->skel)
		return -errno;
	choose_programs(t->skel, mode);
	bpf_map__set_max_entries(t->skel->maps.rings, t->ncpu);
	bpf_map__set_max_entries(t->skel->maps.ring_ctl, t->ncpu);
	bpf_map__set_max_entries(t->skel->maps.ring_recs, t->ncpu << t->ring_shift);
	t->skel->rodata->ring_shift = t->ring_shift;
	/* a stack map's memory is allocated at creation: none unless asked */
	bpf_map__set_max_entries(t->skel->maps.stacks, stacks ? STACK_MAP_ENTRIES : 1);
	t->skel->rodata->want_stacks = stacks;
	t->skel->rodata->anon_key = anon_key();
	/*
	 * The inner template's size does not bind the rings put in later
	 * (map-in-map compares type, key/value size and flags), so the rings
	 * are sized at creation; libbpf 1.1 cannot resize the template.
	 */
	err = schedlab_bpf__load(t->skel);
	if (err) {
		schedlab_bpf__destroy(t->skel);
		t->skel = NULL;
	}
	return err;
}

static int create_rings(struct tracer *t, __u32 ring_bytes)
{
	int outer = bpf_map__fd(t->skel->maps.rings);
	int err;

	err = record_rings__open(bpf_map__fd(t->skel->maps.ring_ctl),
				 bpf_map__fd(t->skel->maps.ring_recs), t->ncpu, t->ring_shift, &t->rr);
	if (err)
		return err;
	ring_bytes /= OVERFLOW_RING_DIV;
	if (ring_bytes < MIN_RING_BYTES)
		ring_bytes = MIN_RING_BYTES;

	t->ring_fds = calloc(t->ncpu, sizeof(int));
	if (!t->ring_fds)
		return -ENOMEM;
	for (__u32 cpu = 0; cpu < t->ncpu; cpu++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sl_ring", 0, 0, ring_bytes, NULL);

		if (fd < 0)
			return -errno;
		t->ring_fds[cpu] = fd;
		if (bpf_map_update_elem(outer, &cpu, &fd, BPF_ANY))
			return -errno;
		if (cpu == 0)
			t->rb = ring_buffer__new(fd, on_ringbuf_record, t, NULL);
		else if (ring_buffer__add(t->rb, fd, on_ringbuf_record, t))
			return -errno;
		if (!t->rb)
			return -errno;
	}
	return 0;
}

int tracer__open(const struct tracer_opts *o, struct tracer **out)
{
	__u32 ring_bytes = o && o->ring_bytes ? o->ring_bytes : DEFAULT_RING_BYTES;
	enum tracer_mode mode = o ? o->mode : TRACER_AUTO;
	struct tracer *t;
	int err, n;

	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	n = libbpf_num_possible_cpus();
	if (n <= 0 || n > SL_MAX_CPUS) {
		err = n <= 0 ? n : -E2BIG;
		pr_err("cannot use this machine's CPU count (%d)", n);
		goto err_free;
	}
	t->ncpu = (__u32)n;
	/* the record ring: ring_bytes of records, a power of two, at least 2 */
	t->ring_shift = 1;
	while (t->ring_shift < 24 &&
	       ((size_t)sizeof(struct sl_event) << (t->ring_shift + 1)) <= ring_bytes)
		t->ring_shift++;
	err = merge__new(t->ncpu, &t->merge);
	if (err)
		goto err_free;

	/* Detect, don't assume: tp_btf first, raw_tp when it does not load. */
	t->mode = mode == TRACER_RAW_TP ? TRACER_RAW_TP : TRACER_TP_BTF;
	err = load(t, t->mode, o && o->stacks);
	if (err && mode == TRACER_AUTO) {
		pr_info("tp_btf programs did not load (%s); using raw_tp", strerror(-err));
		t->mode = TRACER_RAW_TP;
		err = load(t, t->mode, o && o->stacks);
	}
	if (err) {
		pr_err("cannot load the BPF probes: %s (run 'schedlab check')", strerror(-err));
		goto err_destroy;
	}
	err = create_rings(t, ring_bytes);
	if (err) {
		pr_err("cannot create the ring buffers: %s", strerror(-err));
		goto err_destroy;
	}
	err = schedlab_bpf__attach(t->skel);
	if (err) {
		pr_err("cannot attach the scheduler probes: %s", strerror(-err));
		goto err_destroy;
	}
	*out = t;
	return 0;

err_destroy:
	tracer__destroy(t);
	return err;
err_free:
	merge__free(t->merge);
	free(t);
	return err;
}

void tracer__destroy(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	record_rings__close(t->rr);
	if (t->ring_fds) {
		for (__u32 i = 0; i < t->ncpu; i++)
			if (t->ring_fds[i] > 0)
				close(t->ring_fds[i]);
		free(t->ring_fds);
	}
	schedlab_bpf__destroy(t->skel);
	merge__free(t->merge);
	free(t);
}

const char *tracer__mode(const struct tracer *t)
{
	return t->mode == TRACER_RAW_TP ? "raw_tp" : "tp_btf";
}

__u32 tracer__ncpu(const struct tracer *t)
{
	return t->ncpu;
}

int tracer__follow_children(struct tracer *t, pid_t tgid, bool on)
{
	__u32 key = (__u32)tgid, one = 1;
	int fd = bpf_map__fd(t->skel->maps.follow_parents);

	if (on)
		return bpf_map_update_elem(fd, &key, &one, BPF_ANY) ? -errno : 0;
	return bpf_map_delete_elem(fd, &key) && errno != ENOENT ? -errno : 0;
}

int tracer__track(struct tracer *t, pid_t tid, pid_t tgid)
{
	struct { __u32 tgid, pad; } v = { (__u32)tgid, 0 };
	__u32 key = (__u32)tid;

	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.tracked), &key, &v, BPF_ANY))
		return -errno;
	/* the probes' per-CPU "who is current" caches predate this task */
	__atomic_add_fetch(&t->skel->bss->track_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int tracer__untrack(struct tracer *t, pid_t tid)
{
	__u32 key = (__u32)tid;

	if (bpf_map_delete_elem(bpf_map__fd(t->skel->maps.tracked), &key) && errno != ENOENT)
		return -errno;
	/* the caches must not answer "traced" for it any more */
	__atomic_add_fetch(&t->skel->bss->track_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void tracer__on_drain(struct tracer *t, sl_event_fn fn, void *ctx)
{
	t->raw_fn = fn;
	t->raw_ctx = ctx;
}

bool tracer__is_tracked(struct tracer *t, pid_t tid)
{
	struct { __u32 tgid, pad; } v;
	__u32 key = (__u32)tid;

	return bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.tracked), &key, &v) == 0;
}

int tracer__inject(struct tracer *t, const struct sl_event *e)
{
	return merge__push(t->merge, e);
}

static int on_qlog_record(const struct sl_event *e, uint32_t slot, void *ctx)
{
	struct tracer *t = ctx;

	return merge__push_to(t->merge, t->qlog_q0 + slot, e);
}

int tracer__add_qlog(struct tracer *t, struct qlog *l)
{
	int err;

	if (t->qlog)
		return -EBUSY;
	err = merge__add_queues(t->merge, qlog__nslots(l), &t->qlog_q0);
	if (err)
		return err;
	t->qlog = l;
	return 0;
}

static int drain(struct tracer *t)
{
	int n = record_rings__drain(t->rr, on_record, t);

	if (n)
		return n;
	n = ring_buffer__consume(t->rb);
	if (n < 0)
		return n;
	for (__u32 i = 0; t->qlog && i < qlog__nslots(t->qlog); i++) {
		n = qlog__drain(t->qlog, i, on_qlog_record, t);
		if (n)
			return n;
	}
	return t->push_err;
}

bool tracer__has_died(struct tracer *t, pid_t pid)
{
	__u32 n;

	drain(t);
	n = t->nr_deaths < RECENT_DEATHS ? t->nr_deaths : RECENT_DEATHS;
	for (__u32 i = 0; i < n; i++)
		if (t->deaths[(t->nr_deaths - 1 - i) & (RECENT_DEATHS - 1)] == (__u32)pid)
			return true;
	return false;
}

int tracer__poll(struct tracer *t, sl_event_fn fn, void *ctx)
{
	__u64 now = sl_now_ns();
	int err = drain(t);

	if (err)
		return err;
	return merge__drain(t->merge, now > REORDER_WINDOW_NS ? now - REORDER_WINDOW_NS : 0,
			    fn, ctx);
}

int tracer__flush(struct tracer *t, sl_event_fn fn, void *ctx)
{
	int err = drain(t);

	if (err)
		return err;
	return merge__flush(t->merge, fn, ctx);
}

int tracer__snapshot_cpus(struct tracer *t, bool end)
{
	__u64 args[1] = { end };
	int fd = bpf_program__fd(t->skel->progs.cpu_occupant), done = 0, err = 0;

	if (!end) {
		/* untraced tasks' time counts from here, as the CPUs' does */
		int ffd = bpf_map__fd(t->skel->maps.foreign);
		__u32 key;

		while (bpf_map_get_next_key(ffd, NULL, &key) == 0 &&
		       bpf_map_delete_elem(ffd, &key) == 0)
			;
	}

	for (__u32 c = 0; c < t->ncpu; c++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args),
			    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = c);

		/* an offline CPU (-ENXIO) has no occupant and accounts nothing */
		if (bpf_prog_test_run_opts(fd, &o) == 0)
			done++;
		else if (errno != ENXIO)
			err = -errno;
	}
	return done ? 0 : err ? err : -ENXIO;
}

int tracer__foreign(struct tracer *t, struct sl_foreign_task *out, __u32 max, __u32 *n)
{
	int fd = bpf_map__fd(t->skel->maps.foreign);
	__u32 key, next, k = 0;
	bool first = true;

	*n = 0;
	/* an LRU map of SL_FOREIGN_SLOTS: one pass, keeping the max heaviest */
	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		struct sl_foreign v;
		__u32 at;

		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &v) || !key)
			continue;
		if (k == max && v.ns <= out[k - 1].ns)
			continue;
		at = k < max ? k++ : k - 1;
		while (at > 0 && out[at - 1].ns < v.ns) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = (struct sl_foreign_task){ .pid = key, .tgid = v.tgid, .ns = v.ns };
		memcpy(out[at].comm, v.comm, SL_COMM_LEN);
		out[at].comm[SL_COMM_LEN - 1] = '\0';
	}
	*n = k;
	return 0;
}

int tracer__cpu_stats(struct tracer *t, struct sl_cpu_stats *cpus)
{
	__u32 zero = 0;
	int err;

	err = bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.cpu_stats), &zero, cpus);
	if (err)
		return -errno;
	/* the queue log's drops are lost records too, on the CPU that dropped them */
	for (__u32 c = 0; t->qlog && c < t->ncpu; c++)
		cpus[c].lost += qlog__lost(t->qlog, c);
	return 0;
}

__u64 tracer__prog_misses(const struct tracer *t)
{
	struct bpf_program *prog;
	__u64 misses = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
			misses += info.recursion_misses;
	}
	return misses;
}

int tracer__stack(struct tracer *t, __s32 id, __u64 *ips, int max)
{
	__u64 frames[SL_STACK_DEPTH];
	__u32 key = (__u32)id;
	int n = 0;

	if (id < 0)
		return id;
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.stacks), &key, frames))
		return -errno;
	while (n < SL_STACK_DEPTH && n < max && frames[n]) {
		ips[n] = frames[n];
		n++;
	}
	return n;
}

__u64 tracer__late(const struct tracer *t)
{
	return merge__late(t->merge);
}
