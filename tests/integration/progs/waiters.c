// SPDX-License-Identifier: GPL-2.0
/*
 * One task ("waiter") blocks for about HOLD_MS in one kind of wait while
 * another releases it: `waiters MODE`.  The integration tests trace it and
 * check what the waiter's blocked time was classified as.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOLD_MS 300

static void name(const char *n)
{
	prctl(PR_SET_NAME, n, 0, 0, 0);
}

static void hold(void)
{
	struct timespec ts = { HOLD_MS / 1000, (HOLD_MS % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static void *lock_waiter(void *arg)
{
	(void)arg;
	name("waiter");
	pthread_mutex_lock(&mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	name("waiter");
	pthread_mutex_lock(&mu);
	while (!ready)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *joined(void *arg)
{
	(void)arg;
	name("joined");
	hold();
	return NULL;
}

static int run_threads(const char *mode)
{
	pthread_t t;

	if (!strcmp(mode, "mutex")) {
		pthread_mutex_lock(&mu);
		pthread_create(&t, NULL, lock_waiter, NULL);
		hold();
		pthread_mutex_unlock(&mu);
	} else if (!strcmp(mode, "cond")) {
		pthread_create(&t, NULL, cond_waiter, NULL);
		hold();
		pthread_mutex_lock(&mu);
		ready = 1;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	} else {	/* join: the main thread waits for its thread */
		name("waiter");
		pthread_create(&t, NULL, joined, NULL);
	}
	pthread_join(t, NULL);
	return 0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void pin_task(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set))
		die("sched_setaffinity");
}

/*
 * migrate: the waiter reads pipe A on CPU 0, then pipe B on CPU 1,
 * MIGRATE_ROUNDS times.  The parent moves it while it is blocked (its
 * wakeup takes it to the other CPU, so it never blocks in between) and
 * releases it: A after 10 ms, B after 5 ms.  CPU 0 saw the same read of A
 * last each time, but a read of B on CPU 1 came in between: every block
 * must still be counted on the pipe it was on.
 */
#define MIGRATE_ROUNDS 20

static int run_migrate(void)
{
	struct timespec ms10 = { 0, 10000000L }, ms5 = { 0, 5000000L };
	int a[2], b[2], status;
	char c;
	pid_t pid;

	if (pipe(a) || pipe(b))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		name("waiter");
		pin(0);
		for (int i = 0; i < MIGRATE_ROUNDS; i++)
			if (read(a[0], &c, 1) != 1 || read(b[0], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < MIGRATE_ROUNDS; i++) {
		nanosleep(&ms10, NULL);
		pin_task(pid, 1);
		if (write(a[1], "x", 1) != 1)
			die("write");
		nanosleep(&ms5, NULL);
		pin_task(pid, 0);
		if (write(b[1], "x", 1) != 1)
			die("write");
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

/*
 * timers: the waiter naps 1 ms TIMER_NAPS times while a "spinner" thread
 * on the same CPU computes in user space and now and then writes to
 * /dev/null: every nap's timer fires while the spinner is current, in user
 * space or inside its write.  No wakeup of the waiter is the spinner's.
 */
#define TIMER_NAPS 200

static volatile int naps_done;

static void *spinner(void *arg)
{
	int fd = open("/dev/null", O_WRONLY);
	volatile unsigned long x = 0;

	(void)arg;
	name("spinner");
	while (!naps_done) {
		for (int i = 0; i < 20000; i++)
			x += i;
		if (fd >= 0 && write(fd, "x", 1) != 1)
			die("write");
	}
	return NULL;
}

static int run_timers(void)
{
	struct timespec ms1 = { 0, 1000000L };
	pthread_t sp;

	pin(0);
	name("waiter");
	if (pthread_create(&sp, NULL, spinner, NULL))
		die("pthread_create");
	for (int i = 0; i < TIMER_NAPS; i++)
		nanosleep(&ms1, NULL);
	naps_done = 1;
	return pthread_join(sp, NULL) ? 1 : 0;
}

/*
 * server: a process whose two "worker" threads answer SERVER_CLIENTS
 * forked "client" processes, each on its own socket pair.  The main
 * thread hands each client's socket to the workers through a mutex and
 * condition queue; a worker computes SERVER_WORK_NS of CPU time per
 * request.  The workers are busy nearly all the time and the clients
 * wait for their answers: the server limits them.
 */
#define SERVER_CLIENTS 4
#define SERVER_REQUESTS 300
#define SERVER_WORK_NS 200000L

static int handoff[SERVER_CLIENTS + 2], handoff_head, handoff_tail;
static pthread_cond_t handoff_cv = PTHREAD_COND_INITIALIZER;

static void spin_cpu(long ns)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < ns);
}

static void *worker(void *arg)
{
	char buf[16];
	ssize_t n;
	int fd;

	(void)arg;
	name("worker");
	for (;;) {
		pthread_mutex_lock(&mu);
		while (handoff_head == handoff_tail)
			pthread_cond_wait(&handoff_cv, &mu);
		fd = handoff[handoff_head++];
		pthread_mutex_unlock(&mu);
		if (fd < 0)
			return NULL;
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			spin_cpu(SERVER_WORK_NS);
			if (write(fd, buf, (size_t)n) != n)
				die("write");
		}
		close(fd);
	}
}

static int run_server(void)
{
	pthread_t w[2];
	int status, bad = 0;

	name("server");
	for (int i = 0; i < 2; i++)
		if (pthread_create(&w[i], NULL, worker, NULL))
			die("pthread_create");
	for (int c = 0; c < SERVER_CLIENTS; c++) {
		int sv[2];
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char b[4] = "req";

			name("client");
			close(sv[0]);
			for (int i = 0; i < SERVER_REQUESTS; i++)
				if (write(sv[1], b, 3) != 3 || read(sv[1], b, 3) != 3)
					_exit(1);
			_exit(0);
		}
		close(sv[1]);
		pthread_mutex_lock(&mu);
		handoff[handoff_tail++] = sv[0];
		pthread_cond_signal(&handoff_cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	handoff[handoff_tail++] = -1;
	handoff[handoff_tail++] = -1;
	pthread_cond_broadcast(&handoff_cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

/*
 * jobs: a "server" process whose "reader" threads, one per client's TCP
 * connection over loopback, read each request and push it onto a job queue (the mutex mu and
 * a condition variable); two "worker" threads take the jobs, compute
 * JOBS_WORK_NS for each and answer on the request's socket.  JOBS_CLIENTS
 * "client" processes send requests one at a time.  The workers are busy
 * and the clients wait: the server limits them.  `jobs-think`: the
 * clients sleep JOBS_THINK_NS before each request and the workers answer
 * at once, so the clients limit the server.
 */
#define JOBS_CLIENTS 3
#define JOBS_REQUESTS 600
#define JOBS_WORK_NS 300000L
#define JOBS_THINK_NS 3000000L
#define JOBS_QUEUE 16	/* more than the requests in flight: one per client */

struct job {
	int fd;
	char req[4];
};

static struct job jobs[JOBS_QUEUE];
static int jobs_head, jobs_n;
static pthread_cond_t jobs_cv = PTHREAD_COND_INITIALIZER;

static void jobs_push(struct job j)
{
	pthread_mutex_lock(&mu);
	jobs[(jobs_head + jobs_n++) % JOBS_QUEUE] = j;
	pthread_cond_signal(&jobs_cv);
	pthread_mutex_unlock(&mu);
}

static void *jobs_reader(void *arg)
{
	struct job j = { .fd = (int)(intptr_t)arg };

	name("reader");
	while (read(j.fd, j.req, 3) == 3)
		jobs_push(j);
	return NULL;
}

static void *jobs_worker(void *arg)
{
	long work = (long)(intptr_t)arg;
	struct job j;

	name("worker");
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!jobs_n)
			pthread_cond_wait(&jobs_cv, &mu);
		j = jobs[jobs_head];
		jobs_head = (jobs_head + 1) % JOBS_QUEUE;
		jobs_n--;
		pthread_mutex_unlock(&mu);
		if (j.fd < 0)
			return NULL;
		spin_cpu(work);
		if (write(j.fd, j.req, 3) != 3)
			die("write");
	}
}

static int run_jobs(int think)
{
	struct timespec nap = { 0, JOBS_THINK_NS };
	pthread_t rd[JOBS_CLIENTS], wk[2];
	int status, bad = 0;

	name("server");
	for (int i = 0; i < 2; i++)
		if (pthread_create(&wk[i], NULL, jobs_worker,
				   (void *)(intptr_t)(think ? 20000L : JOBS_WORK_NS)))
			die("pthread_create");
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, JOBS_CLIENTS) ||
	    getsockname(ls, (struct sockaddr *)&sa, &salen))
		die("listen");
	for (int c = 0; c < JOBS_CLIENTS; c++) {
		pid_t pid = fork();
		int fd;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char b[4] = "req";
			int s = socket(AF_INET, SOCK_STREAM, 0);

			name("client");
			if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
				_exit(1);
			for (int i = 0; i < (think ? JOBS_REQUESTS / 6 : JOBS_REQUESTS); i++) {
				if (think)
					nanosleep(&nap, NULL);
				if (write(s, b, 3) != 3 || read(s, b, 3) != 3)
					_exit(1);
			}
			_exit(0);
		}
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			die("accept");
		if (pthread_create(&rd[c], NULL, jobs_reader, (void *)(intptr_t)fd))
			die("pthread_create");
	}
	close(ls);
	/* a reader ends when its client has gone */
	for (int c = 0; c < JOBS_CLIENTS; c++)
		pthread_join(rd[c], NULL);
	for (int i = 0; i < 2; i++)
		jobs_push((struct job){ .fd = -1 });
	for (int i = 0; i < 2; i++)
		pthread_join(wk[i], NULL);
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

/*
 * contend: four "taker" threads take one mutex CONTEND_ROUNDS times each,
 * computing CONTEND_HOLD_NS inside it and a tenth of that outside: the
 * lock serialises them, and they wait for it much of the time.
 */
#define CONTEND_ROUNDS 1000
#define CONTEND_HOLD_NS 50000L

static void *taker(void *arg)
{
	(void)arg;
	name("taker");
	for (int i = 0; i < CONTEND_ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		spin_cpu(CONTEND_HOLD_NS);
		pthread_mutex_unlock(&mu);
		spin_cpu(CONTEND_HOLD_NS / 10);
	}
	return NULL;
}

static int run_contend(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, taker, NULL))
			die("pthread_create");
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/*
 * buffer: two "producer" threads put BUFFER_ITEMS items each into a
 * bounded buffer of BUFFER_CAP slots (a mutex, "not full" and "not
 * empty" conditions); one "consumer" thread takes them, computing
 * BUFFER_WORK_NS per item, ten times a producer's.  The consumer limits
 * the buffer: the producers wait on "not full", which it signals.  In the
 * first BUFFER_PAUSE_NS of every BUFFER_PERIOD_NS both producers sleep,
 * long enough for the buffer to run empty: the consumer waits on "not
 * empty" too.
 */
#define BUFFER_CAP 8
#define BUFFER_ITEMS 750
#define BUFFER_WORK_NS 200000L
#define BUFFER_PERIOD_NS 20000000L
#define BUFFER_PAUSE_NS 5000000L

static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int buffer_count;
static struct timespec buffer_t0;

/* Sleeps out the rest of a pause window, if now is in one. */
static void buffer_pause(void)
{
	struct timespec now;
	long in;

	clock_gettime(CLOCK_MONOTONIC, &now);
	in = ((now.tv_sec - buffer_t0.tv_sec) * 1000000000L + now.tv_nsec - buffer_t0.tv_nsec) %
	     BUFFER_PERIOD_NS;
	if (in < BUFFER_PAUSE_NS)
		nanosleep(&(struct timespec){ .tv_nsec = BUFFER_PAUSE_NS - in }, NULL);
}

static void *buffer_producer(void *arg)
{
	(void)arg;
	name("producer");
	for (int i = 0; i < BUFFER_ITEMS; i++) {
		buffer_pause();
		spin_cpu(BUFFER_WORK_NS / 10);
		pthread_mutex_lock(&mu);
		while (buffer_count == BUFFER_CAP)
			pthread_cond_wait(&not_full, &mu);
		buffer_count++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void *buffer_consumer(void *arg)
{
	(void)arg;
	name("consumer");
	for (int i = 0; i < 2 * BUFFER_ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (buffer_count == 0)
			pthread_cond_wait(&not_empty, &mu);
		buffer_count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&mu);
		spin_cpu(BUFFER_WORK_NS);
	}
	return NULL;
}

static int run_buffer(void)
{
	pthread_t t[3];

	clock_gettime(CLOCK_MONOTONIC, &buffer_t0);
	if (pthread_create(&t[0], NULL, buffer_consumer, NULL) ||
	    pthread_create(&t[1], NULL, buffer_producer, NULL) ||
	    pthread_create(&t[2], NULL, buffer_producer, NULL))
		die("pthread_create");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/*
 * eventfds: two "waiter" children each block reading an eventfd of its
 * own, which the parent writes after ~300 ms.  Two objects: anonymous
 * files share one inode, and must not read as one.
 */
static int run_eventfds(void)
{
	int efd[2], status, bad = 0;
	pid_t pid[2];

	for (int i = 0; i < 2; i++)
		if ((efd[i] = eventfd(0, 0)) < 0)
			die("eventfd");
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (pid[i] == 0) {
			uint64_t v;

			name("waiter");
			_exit(read(efd[i], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
		}
	}
	hold();
	for (int i = 0; i < 2; i++) {
		uint64_t one = 1;

		if (write(efd[i], &one, sizeof(one)) != sizeof(one))
			die("write");
	}
	for (int i = 0; i < 2; i++)
		bad |= waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status) ||
		       WEXITSTATUS(status);
	return bad;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int fd[2], status;
	char buf[4096];
	pid_t pid;

	if (!strcmp(mode, "mutex") || !strcmp(mode, "cond") || !strcmp(mode, "join"))
		return run_threads(mode);
	if (!strcmp(mode, "migrate"))
		return run_migrate();
	if (!strcmp(mode, "timers"))
		return run_timers();
	if (!strcmp(mode, "server"))
		return run_server();
	if (!strcmp(mode, "jobs") || !strcmp(mode, "jobs-think"))
		return run_jobs(!strcmp(mode, "jobs-think"));
	if (!strcmp(mode, "buffer"))
		return run_buffer();
	if (!strcmp(mode, "eventfds"))
		return run_eventfds();
	if (!strcmp(mode, "contend"))
		return run_contend();
	if (!strcmp(mode, "wait4")) {
		name("waiter");
		pid = fork();
		if (pid == 0) {
			name("child");
			hold();
			_exit(0);
		}
		return waitpid(pid, &status, 0) == pid ? 0 : 1;
	}
	if (!strcmp(mode, "sleep")) {
		name("waiter");
		hold();
		return 0;
	}
	if (!strcmp(mode, "socket")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd))
			die("socketpair");
	} else if (!strcmp(mode, "pipe") || !strcmp(mode, "pipefull") || !strcmp(mode, "epoll")) {
		if (pipe(fd))
			die("pipe");
	} else if (strcmp(mode, "mq")) {
		fprintf(stderr, "usage: waiters pipe|pipefull|socket|mutex|cond|mq|wait4|epoll|sleep|join|migrate|timers|server|contend|buffer|eventfds\n");
		return 2;
	}
	if (!strcmp(mode, "mq")) {
		struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 16 };
		char qn[32];
		mqd_t q;

		snprintf(qn, sizeof(qn), "/waiters-%d", getpid());
		q = mq_open(qn, O_CREAT | O_EXCL | O_RDWR, 0600, &at);
		if (q == (mqd_t)-1)
			die("mq_open");
		mq_unlink(qn);
		pid = fork();
		if (pid == 0) {
			name("waiter");
			if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
				_exit(1);
			_exit(0);
		}
		hold();
		mq_send(q, "x", 1, 0);
		return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
	}
	pid = fork();
	if (pid == 0) {
		name("waiter");
		if (!strcmp(mode, "pipefull")) {
			/* more than the pipe holds: blocks once it is full */
			static char big[256 * 1024];

			close(fd[0]);
			if (write(fd[1], big, sizeof(big)) < 0)
				_exit(1);
			_exit(0);
		}
		close(fd[1]);
		if (!strcmp(mode, "epoll")) {
			struct epoll_event ev = { .events = EPOLLIN }, out;
			int ep = epoll_create1(0);

			epoll_ctl(ep, EPOLL_CTL_ADD, fd[0], &ev);
			if (epoll_wait(ep, &out, 1, -1) != 1)
				_exit(1);
		}
		if (read(fd[0], buf, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (!strcmp(mode, "pipefull")) {
		ssize_t n;

		close(fd[1]);
		hold();
		while ((n = read(fd[0], buf, sizeof(buf))) > 0)
			;
	} else {
		close(fd[0]);
		hold();
		if (write(fd[1], "x", 1) != 1)
			die("write");
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
