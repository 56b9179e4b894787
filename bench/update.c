/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update.c - the per-sample update micro-benchmark.
 *
 * What pagetop does once per interval on a 6.19+ kernel with the handles interface:
 * parse show_handles (handle + count per stack) into the model, then build the sorted
 * view. The stacks are defined once, first, from show_stacks_handles, as pagetop does when
 * it starts. The files are loaded into memory beforehand, so this measures pagetop's own
 * work, not the kernel's.
 *
 * usage: update STACKS_HANDLES HANDLES_A HANDLES_B [UPDATES]
 * Times UPDATES (default 20) updates alternating HANDLES_B and HANDLES_A (so every update
 * changes ~5% of the counts), and prints each time, the view of each group mode after
 * them, and the median in milliseconds; the last lines are "median_cpu_ms: X" (this
 * thread's CPU time) and "median_ms: X" (wall). Built by bench/run.sh against src/libpagetop.a. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parse.h"
#include "reader.h"
#include "sink.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "update: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = n;
	return buf;
}

static int cmp_double(const void *a, const void *b);

static double clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}
static double cpu_ms(void) /* this thread's CPU time: steady on a busy machine */
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static double median(double *t, int n)
{
	qsort(t, n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void check(int rc, const struct pt_err *err, const char *what)
{
	if (rc) {
		fprintf(stderr, "update: %s: %s\n", what, err->msg);
		exit(1);
	}
}

static void feed(const struct sink *sink, const char *buf, size_t len, const char *name,
		 enum pfmt fmt)
{
	struct pt_err err = { { 0 } };
	struct reader *r;
	check(reader_open_mem(&r, buf, len, name, &err), &err, name);
	check(parse_stream(r, fmt, NULL, sink, &err), &err, name);
	reader_close(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void quiet(const char *msg)
{
	(void)msg;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: update STACKS_HANDLES HANDLES_A HANDLES_B [UPDATES]\n");
		return 2;
	}
	int updates = argc > 4 ? atoi(argv[4]) : 20;
	if (updates < 1)
		updates = 20;
	diag_set_sink(quiet);

	size_t lsh, la, lb;
	char *sh = slurp(argv[1], &lsh), *ha = slurp(argv[2], &la), *hb = slurp(argv[3], &lb);

	struct model *m = model_new();
	struct sink sink = model_sink(m);
	struct pt_err err = { { 0 } };
	struct source_meta meta = {
		.name = "bench", .kind = "file", .iface = IFACE_HANDLES, .unit = UNIT_PAGES,
		.page_size = 4096, .page_size_known = 1, .series = 0, .nsamples = -1,
	};
	check(sink.ops->meta(sink.self, &meta, &err), &err, "meta");

	struct view_opts vo;
	view_opts_init(&vo);
	vo.group = GROUP_STACK;
	vo.key = KEY_PAGES;
	struct view v;
	view_init(&v);

	/* sample 0: the stacks, then their counts (not timed) */
	double t0 = now_ms();
	struct sample_info si = { .time = 0, .time_abs = 0, .seq = 0 };
	check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
	feed(&sink, sh, lsh, argv[1], PF_STACKS_HANDLES);
	feed(&sink, ha, la, argv[2], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");
	model_view(m, &vo, &v);
	double tfirst = now_ms() - t0;

	double *t = malloc(updates * sizeof(double)), *c = malloc(updates * sizeof(double));
	for (int i = 0; i < updates; i++) {
		const char *buf = (i % 2) ? ha : hb;
		size_t len = (i % 2) ? la : lb;
		double start = now_ms(), cstart = cpu_ms();
		si.seq = (uint64_t)i + 1;
		si.time = (double)(i + 1);
		check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
		feed(&sink, buf, len, (i % 2) ? argv[2] : argv[3], PF_HANDLES);
		check(sink.ops->end(sink.self, &err), &err, "end");
		model_view(m, &vo, &v);
		t[i] = now_ms() - start;
		c[i] = cpu_ms() - cstart;
	}

	printf("stacks: %zu, rows: %zu, pages: %lld\n", model_nstacks(m), v.nrows,
	       (long long)v.total_pages);
	printf("first sample (define %zu stacks + counts + view): %.1f ms\n", model_nstacks(m),
	       tfirst);
	printf("updates:");
	for (int i = 0; i < updates; i++)
		printf(" %.2f", t[i]);
	printf("\n");
	/* the view of each group mode at the last sample, as a key press asks for it: the
	 * model keeps every mode's groups, so none has to be built then */
	for (int g = GROUP_CALLER; g < GROUP__N; g++) {
		double vt[5];
		struct view gv;

		view_init(&gv);
		vo.group = (enum group_mode)g;
		vo.limit = 1000; /* the screen sorts the rows near the cursor */
		for (int i = 0; i < 5; i++) {
			double cstart = cpu_ms();

			model_view(m, &vo, &gv);
			vt[i] = cpu_ms() - cstart;
		}
		printf("view by %s (%zu rows): %.2f ms cpu\n", group_name((enum group_mode)g),
		       gv.nrows, median(vt, 5));
		view_free(&gv);
	}
	printf("median_cpu_ms: %.2f\n", median(c, updates));
	printf("median_ms: %.2f\n", median(t, updates));

	view_free(&v);
	model_free(m);
	free(t);
	free(c);
	free(sh);
	free(ha);
	free(hb);
	return 0;
}
