/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tickread.c - the raw cost of one poll of a kernel file, as pagetop's live source reads
 * it: seek to 0, read() to the end in 1 MiB calls, on a descriptor kept open. Run in the
 * kernel lab by bench/live-tick.sh (not part of pagetop).
 *
 * usage: tickread N REP FILE...
 *   N rounds per FILE, 0.2 s apart; a round reads it REP times back to back and counts
 *   the mean (a guest under emulation may keep time in jiffies: 4 ms steps)
 * prints per FILE: FILE bytes_min bytes_max ms_min ms_median ms_max (per read) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	int n = argc > 1 ? atoi(argv[1]) : 0, rep = argc > 2 ? atoi(argv[2]) : 0;

	if (argc < 4 || n < 1 || rep < 1) {
		fprintf(stderr, "usage: tickread N REP FILE...\n");
		return 2;
	}
	double *ms = calloc((size_t)n, sizeof(*ms));
	if (!ms)
		return 1;
	for (int a = 3; a < argc; a++) {
		int fd = open(argv[a], O_RDONLY);
		long long bmin = -1, bmax = 0;

		if (fd < 0) {
			perror(argv[a]);
			return 1;
		}
		for (int i = 0; i < n; i++) {
			double t0 = now_ms();

			for (int k = 0; k < rep; k++) {
				long long bytes = 0;
				ssize_t r;

				if (lseek(fd, 0, SEEK_SET) < 0) {
					perror(argv[a]);
					return 1;
				}
				while ((r = read(fd, buf, sizeof(buf))) > 0)
					bytes += r;
				if (r < 0) {
					perror(argv[a]);
					return 1;
				}
				if (bmin < 0 || bytes < bmin)
					bmin = bytes;
				if (bytes > bmax)
					bmax = bytes;
			}
			ms[i] = (now_ms() - t0) / rep;
			usleep(200000);
		}
		qsort(ms, (size_t)n, sizeof(*ms), cmp_d);
		printf("%s %lld %lld %.2f %.2f %.2f\n", argv[a], bmin, bmax, ms[0], ms[n / 2], ms[n - 1]);
		close(fd);
	}
	free(ms);
	return 0;
}
