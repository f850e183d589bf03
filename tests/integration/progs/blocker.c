// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks at known places for the off-CPU stack tests: nap_in_nanosleep()
 * sleeps 20 ms, wait_on_pipe() waits for a child that writes every 60 ms.
 * Built twice: with frame pointers, and without (to be told so).
 */
#include <time.h>
#include <unistd.h>

#define ROUNDS 10

__attribute__((noinline)) void nap_in_nanosleep(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) void wait_on_pipe(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(1);
}

int main(void)
{
	int p[2];

	if (pipe(p))
		return 1;
	if (fork() == 0) {
		for (int i = 0; i < ROUNDS; i++) {
			usleep(60000);
			if (write(p[1], "x", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	for (int i = 0; i < ROUNDS; i++) {
		nap_in_nanosleep();
		wait_on_pipe(p[0]);
	}
	return 0;
}
