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
#include "bench.h"
#include "model_tree.h"

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
	bench_prog = "tree";
	struct bench_files in;
	bench_files(&in, argc, argv, "BUILDS");

	struct sink sink;
	struct model *m = bench_model(&sink);
	struct pt_err err = { { 0 } };

	struct sample_info si = { .time = 0, .time_abs = 0, .seq = 0 };
	check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
	feed(&sink, in.sh, in.lsh, argv[1], PF_STACKS_HANDLES);
	feed(&sink, in.ha, in.la, argv[2], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");
	si.seq = 1;
	si.time = 1;
	check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
	feed(&sink, in.hb, in.lb, argv[3], PF_HANDLES);
	check(sink.ops->end(sink.self, &err), &err, "end");

	struct view_opts vo;
	view_opts_init(&vo);
	vo.key = KEY_PAGES;

	double *t = malloc(in.n * sizeof(double)), *c = malloc(in.n * sizeof(double));
	static const enum tree_mode modes[] = { TREE_TOP_DOWN, TREE_BOTTOM_UP };
	static const char *const names[] = { "top_down", "bottom_up" };
	double med[2], medc[2], first[2], meda[2];
	for (int k = 0; k < 2; k++) {
		struct tree tr;
		double f;

		tree_init(&tr);
		time_tree(m, &vo, modes[k], &tr, 1, 0, &f, &first[k]);
		time_tree(m, &vo, modes[k], &tr, in.n, 1, t, c);
		meda[k] = median(c, in.n);
		time_tree(m, &vo, modes[k], &tr, in.n, 0, t, c);
		printf("%s: %zu stacks, %zu nodes, %zu roots, %.1f MiB, builds:", names[k],
		       tr.v.nrows, tr.nnodes, tr.nroots, tree_mem_bytes(&tr) / 1048576.0);
		for (int i = 0; i < in.n; i++)
			printf(" %.2f", t[i]);
		printf("\n");
		med[k] = median(t, in.n);
		medc[k] = median(c, in.n);
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
	free(in.sh);
	free(in.ha);
	free(in.hb);
	return 0;
}
