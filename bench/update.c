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
#include "bench.h"

int main(int argc, char **argv)
{
	bench_prog = "update";
	struct bench_files in;
	bench_files(&in, argc, argv, "UPDATES");

	struct sink sink;
	struct model *m = bench_model(&sink);
	struct pt_err err = { { 0 } };

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
	feed(&sink, in.sh, in.lsh, argv[1], PF_STACKS_HANDLES);
	feed(&sink, in.ha, in.la, argv[2], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");
	/* the first view as a screen shows it: its first 50 rows with their labels */
	double cview = cpu_ms();
	model_view(m, &vo, &v);
	double cmv = cpu_ms() - cview;
	for (size_t i = 0; i < v.nrows && i < 50; i++)
		view_row_label(m, &v.rows[i], 1);
	cview = cpu_ms() - cview;
	double tfirst = now_ms() - t0;

	double *t = malloc(in.n * sizeof(double)), *c = malloc(in.n * sizeof(double));
	for (int i = 0; i < in.n; i++) {
		const char *buf = (i % 2) ? in.ha : in.hb;
		size_t len = (i % 2) ? in.la : in.lb;
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
	printf("first view: %.1f ms cpu (view %.1f)\n", cview, cmv);
	printf("updates:");
	for (int i = 0; i < in.n; i++)
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
	printf("median_cpu_ms: %.2f\n", median(c, in.n));
	printf("median_ms: %.2f\n", median(t, in.n));

	view_free(&v);
	model_free(m);
	free(t);
	free(c);
	free(in.sh);
	free(in.ha);
	free(in.hb);
	return 0;
}
