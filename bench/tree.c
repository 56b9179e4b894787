/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tree.c - the call tree micro-benchmark.
 *
 * What pagetop does to show a sample as a call tree: model_tree() builds the tree of every
 * stack of the view (the flat view, then the paths through a hash table, the sums, the
 * children's order), top-down and bottom-up. The model holds the stacks of
 * show_stacks_handles with the counts of two show_handles snapshots (so that deltas are
 * not 0), fed beforehand and not timed.
 *
 * usage: tree STACKS_HANDLES HANDLES_A HANDLES_B [BUILDS]
 * Times the first build of each tree (every path walked: what the first sample costs),
 * then BUILDS (default 20) builds more (the paths remembered: every sample after, and a
 * change of sort or filter), the roots sorted as a screen wants them, then BUILDS builds
 * with every node's children sorted, as batch output wants them. Prints the tree's size
 * and the times in milliseconds; the last lines are "first_cpu_ms_top_down: X",
 * "median_cpu_ms_top_down: X", "median_ms_top_down: X", "median_cpu_ms_all_top_down: X"
 * (every list sorted), the same for bottom_up (this thread's CPU time, wall). Built by
 * bench/run.sh against src/libpagetop.a. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "model_tree.h"
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
		fprintf(stderr, "tree: cannot read %s\n", path);
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
		fprintf(stderr, "tree: %s: %s\n", what, err->msg);
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

/* Builds the tree n times; t and c get the wall and CPU times. */
static void time_tree(struct model *m, const struct view_opts *vo, enum tree_mode mode,
		      struct tree *tr, int n, int all, double *t, double *c)
{
	for (int i = 0; i < n; i++) {
		double start = now_ms(), cstart = cpu_ms();

		model_tree(m, vo, mode, tr);
		if (all)
			tree_sort(tr, TREE_NONE);
		t[i] = now_ms() - start;
		c[i] = cpu_ms() - cstart;
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: tree STACKS_HANDLES HANDLES_A HANDLES_B [BUILDS]\n");
		return 2;
	}
	int builds = argc > 4 ? atoi(argv[4]) : 20;
	if (builds < 1)
		builds = 20;
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

	struct sample_info si = { .time = 0, .time_abs = 0, .seq = 0 };
	check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
	feed(&sink, sh, lsh, argv[1], PF_STACKS_HANDLES);
	feed(&sink, ha, la, argv[2], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");
	si.seq = 1;
	si.time = 1;
	check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
	feed(&sink, hb, lb, argv[3], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");

	struct view_opts vo;
	view_opts_init(&vo);
	vo.key = KEY_PAGES;

	double *t = malloc(builds * sizeof(double)), *c = malloc(builds * sizeof(double));
	static const enum tree_mode modes[] = { TREE_TOP_DOWN, TREE_BOTTOM_UP };
	static const char *const names[] = { "top_down", "bottom_up" };
	double med[2], medc[2], first[2], meda[2];
	for (int k = 0; k < 2; k++) {
		struct tree tr;
		double f;

		tree_init(&tr);
		time_tree(m, &vo, modes[k], &tr, 1, 0, &f, &first[k]);
		time_tree(m, &vo, modes[k], &tr, builds, 1, t, c);
		meda[k] = median(c, builds);
		time_tree(m, &vo, modes[k], &tr, builds, 0, t, c);
		printf("%s: %zu stacks, %zu nodes, %zu roots, %.1f MiB, builds:", names[k],
		       tr.v.nrows, tr.nnodes, tr.nroots, tree_mem_bytes(&tr) / 1048576.0);
		for (int i = 0; i < builds; i++)
			printf(" %.2f", t[i]);
		printf("\n");
		med[k] = median(t, builds);
		medc[k] = median(c, builds);
		tree_free(&tr);
	}
	for (int k = 0; k < 2; k++) {
		printf("first_cpu_ms_%s: %.2f\n", names[k], first[k]);
		printf("median_cpu_ms_%s: %.2f\n", names[k], medc[k]);
		printf("median_ms_%s: %.2f\n", names[k], med[k]);
		printf("median_cpu_ms_all_%s: %.2f\n", names[k], meda[k]);
	}

	model_free(m);
	free(t);
	free(c);
	free(sh);
	free(ha);
	free(hb);
	return 0;
}
