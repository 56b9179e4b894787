/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tree.c - the call tree micro-benchmark.
 *
 * What pagetop does to show a sample as a call tree, top-down and bottom-up: model_tree()
 * (the flat view, each stack down its path as far as the nodes are opened, the sums, the
 * roots' order) and tree_sort() on the nodes a screen shows expanded or batch output
 * prints. The model holds the stacks of show_stacks_handles with the counts of the
 * show_handles snapshots, fed beforehand and between builds, not timed; its first view
 * is made before anything is timed (the list made it already when T is pressed).
 *
 * usage: tree STACKS_HANDLES HANDLES_A HANDLES_B [N]
 * Times, N (default 20) times each, this thread's CPU time (steady on a busy machine):
 *   first      the first build: a tree made anew (T)
 *   sample     a new sample (A and B in turn): the build, the tree kept
 *   sort       the same sample in another order (pages, delta in turn)
 *   threshold  the same sample with another threshold (0, 16 pages in turn)
 *   hide       the same sample with a filter that hides about a twentieth of the stacks
 *              (the function of a root or a node two levels down), and without it, in turn
 *   subtree    `*` on the largest root: what the screen's 50 lines from it open (every
 *              node below it expanded, made when a line comes to it)
 *   expand     `e` then `G` on the screen: what the 50 lines the screen shows from the top
 *              and those at the end of the tree open (every node expanded)
 *   search     a search, every node expanded, for the caller of the stack with the fewest
 *              pages (far down the tree): the stacks matched (tree_match()), the path to
 *              the first match made, down the nodes that hold one
 *   all_first  the whole tree made anew and sorted (batch output's first sample, `e`)
 *   all        a new sample of the whole tree, kept (batch output's later samples)
 * In the first five the screen has the largest root and its largest child and grandchild
 * expanded (their children sorted). Prints the tree's size, then the medians in ms as
 * "NAME_cpu_ms_MODE: X" (MODE top_down or bottom_up), and "sample_ms_MODE: X" (wall).
 * Built by bench/run.sh against src/libpagetop.a. */
#define _GNU_SOURCE
#include "bench.h"
#include "model_tree.h"

struct bench {
	struct sink sink;
	struct model *m;
	struct bench_files in;
	uint32_t seq;
};

/* The next sample of the model: the counts of A and B in turn. */
static void next_sample(struct bench *b)
{
	struct pt_err err = { { 0 } };
	struct sample_info si = { .time = b->seq, .time_abs = 0, .seq = b->seq };
	int a = b->seq % 2 == 0;

	check(b->sink.ops->begin(b->sink.self, &si, &err), &err, "begin");
	feed(&b->sink, a ? b->in.ha : b->in.hb, a ? b->in.la : b->in.lb, a ? "A" : "B",
	     PF_HANDLES);
	check(b->sink.ops->end(b->sink.self, &err), &err, "end");
	b->seq++;
}

/* The child of node i (TREE_NONE: the roots) with the most pages, opened and sorted. */
static uint32_t largest(struct tree *t, uint32_t i)
{
	if (i == TREE_NONE)
		return t->nroots ? t->kids[0] : TREE_NONE;
	tree_sort(t, i);
	return t->nodes[i].nkids ? t->kids[t->nodes[i].kids] : TREE_NONE;
}

/* What a screen opens after a build: the largest root, child and grandchild expanded. */
static void screen(struct tree *t)
{
	uint32_t i = TREE_NONE;

	for (int d = 0; d < 4 && (d == 0 || i != TREE_NONE); d++)
		i = largest(t, i);
}

/* Opens and sorts the nodes of the first *left lines below node i, everything expanded. */
static void first_lines(struct tree *t, uint32_t i, size_t *left)
{
	if (!*left)
		return;
	(*left)--;
	if (!t->nodes[i].haskids)
		return;
	tree_sort(t, i);
	for (uint32_t k = 0; k < t->nodes[i].nkids && *left; k++)
		first_lines(t, t->kids[t->nodes[i].kids + k], left);
}

/* What the screen opens on `e` and `G`: its lines from the top, the path to the last line
 * (the last child of the last child, ...) and the lines above it. */
static void expand_all(struct tree *t)
{
	size_t left = 50;
	uint32_t i = t->nroots ? t->kids[t->nroots - 1] : TREE_NONE;

	for (size_t k = 0; k < t->nroots && left; k++)
		first_lines(t, t->kids[k], &left);
	for (; i != TREE_NONE && t->nodes[i].haskids;) {
		uint32_t p = i;

		tree_sort(t, p);
		i = t->kids[t->nodes[p].kids + t->nodes[p].nkids - 1];
		if (t->nodes[p].nkids > 1) /* the lines above: the sibling's */
			tree_sort(t, t->kids[t->nodes[p].kids + t->nodes[p].nkids - 2]);
	}
}

/* The first matching node at or below node i, its path made; TREE_NONE: none. */
static uint32_t first_match(struct tree *t, uint32_t i)
{
	if (!tree_node_holds_match(t, i))
		return TREE_NONE;
	if (tree_node_match(t, i))
		return i;
	tree_sort(t, i);
	for (uint32_t k = 0; k < t->nodes[i].nkids; k++) {
		uint32_t f = first_match(t, t->kids[t->nodes[i].kids + k]);

		if (f != TREE_NONE)
			return f;
	}
	return TREE_NONE;
}

static uint32_t search(struct tree *t, const char *text)
{
	uint32_t f = TREE_NONE;

	if (!tree_match(t, text))
		return TREE_NONE;
	for (size_t k = 0; k < t->nroots && f == TREE_NONE; k++)
		f = first_match(t, t->kids[k]);
	return f;
}

/* The function of the caller of the stack with the fewest pages. */
static void rare_caller(const struct model *m, const struct tree *t, char *buf, size_t n)
{
	const struct stack *low = NULL;

	for (size_t r = 0; r < t->v.nrows; r++) {
		const struct stack *st = t->v.rows[r].stack;

		if (st->nframes && (!low || st->s.now < low->s.now))
			low = st;
	}
	snprintf(buf, n, "%s", low ? model_frame(m, low->frames[low->caller]) : "?");
	buf[strcspn(buf, "+")] = 0;
}

static size_t nodes_below(const struct tree *t, uint32_t i)
{
	size_t n = 1;

	for (uint32_t k = 0; k < t->nodes[i].nkids; k++)
		n += nodes_below(t, t->kids[t->nodes[i].kids + k]);
	return n;
}

/* A filter that hides the stacks through the root, or the node of the first two levels
 * below the largest root, holding the nearest to a twentieth of the stacks (those with
 * its function). */
static struct filter *hide_filter(const struct model *m, struct tree *t)
{
	uint32_t r = largest(t, TREE_NONE), best = TREE_NONE, want = (uint32_t)(t->v.nrows / 20);
	uint32_t cand[4096];
	size_t nc = 0, c0;
	char pat[512];
	const char *pats[] = { pat };
	struct pt_err err = { { 0 } };
	struct filter *f;

	if (r == TREE_NONE)
		return NULL;
	for (size_t k = 0; k < t->nroots && nc < 1024; k++)
		cand[nc++] = t->kids[k];
	tree_sort(t, r);
	c0 = nc;
	for (uint32_t k = 0; k < t->nodes[r].nkids && nc < c0 + 64; k++)
		cand[nc++] = t->kids[t->nodes[r].kids + k];
	for (size_t c = c0, n0 = nc; c < n0; c++) {
		tree_sort(t, cand[c]);
		for (uint32_t k = 0; k < t->nodes[cand[c]].nkids && nc < 4096; k++)
			cand[nc++] = t->kids[t->nodes[cand[c]].kids + k];
	}
	for (size_t c = 0; c < nc; c++) {
		uint32_t ns = t->nodes[cand[c]].nstacks;

		if (best == TREE_NONE ||
		    (ns > want ? ns - want : want - ns) <
			    (t->nodes[best].nstacks > want ? t->nodes[best].nstacks - want :
							     want - t->nodes[best].nstacks))
			best = cand[c];
	}
	if (best == TREE_NONE)
		return NULL;
	snprintf(pat, sizeof(pat), "!%.*s", (int)strcspn(tree_node_text(m, &t->nodes[best]), "+ "),
		 tree_node_text(m, &t->nodes[best]));
	f = filter_new(pats, 1, &err);
	fprintf(stderr, "tree: hide %s (a node of %u stacks of %zu)\n", pat, t->nodes[best].nstacks,
		t->v.nrows);
	return f;
}

enum what { FIRST, SAMPLE, SORT, THRESHOLD, HIDE, SUBTREE, EXPAND, SEARCH, ALL_FIRST, ALL, W__N };
static const char *const what_names[W__N] = { "first", "sample", "sort", "threshold", "hide",
					       "subtree", "expand", "search", "all_first", "all" };

int main(int argc, char **argv)
{
	bench_prog = "tree";
	struct bench b = { .seq = 0 };
	bench_files(&b.in, argc, argv, "N");
	b.m = bench_model(&b.sink);

	struct pt_err err = { { 0 } };
	struct sample_info si = { .time = 0, .time_abs = 0, .seq = 0 };
	check(b.sink.ops->begin(b.sink.self, &si, &err), &err, "begin");
	feed(&b.sink, b.in.sh, b.in.lsh, argv[1], PF_STACKS_HANDLES);
	check(b.sink.ops->end(b.sink.self, &err), &err, "end");
	b.seq = 1;
	next_sample(&b);

	struct view_opts vo;
	view_opts_init(&vo);
	vo.key = KEY_PAGES;
	{
		struct view v;

		view_init(&v);
		model_view(b.m, &vo, &v);
		view_free(&v);
	}

	int n = b.in.n;
	double *c = malloc(n * sizeof(double)), *w = malloc(n * sizeof(double));
	static const enum tree_mode modes[] = { TREE_TOP_DOWN, TREE_BOTTOM_UP };
	static const char *const names[] = { "top_down", "bottom_up" };
	double med[2][W__N], wall[2];

	for (int k = 0; k < 2; k++) {
		enum tree_mode mode = modes[k];
		struct tree tr;
		size_t roots = 0, made = 0, below = 0, all_nodes = 0, search_made = 0;
		double mem = 0;
		char text[256] = "";
		struct filter *hide = NULL;

		for (int what = 0; what < W__N; what++) {
			tree_init(&tr);
			vo.key = KEY_PAGES;
			vo.threshold.value = 0;
			if (what != FIRST && what != ALL_FIRST && what != SUBTREE && what != EXPAND &&
			    what != SEARCH) {
				model_tree(b.m, &vo, mode, &tr);
				if (what == ALL)
					tree_sort(&tr, TREE_NONE);
				else
					screen(&tr);
			}
			if (what == HIDE && !hide)
				hide = hide_filter(b.m, &tr);
			for (int i = 0; i < n; i++) {
				double c0, w0;

				if (what == SAMPLE || what == ALL)
					next_sample(&b);
				if (what == FIRST || what == ALL_FIRST || what == SUBTREE ||
				    what == EXPAND || what == SEARCH) {
					tree_free(&tr);
					tree_init(&tr);
				}
				if (what == SUBTREE || what == EXPAND || what == SEARCH)
					model_tree(b.m, &vo, mode, &tr);
				if (what == SEARCH && !text[0])
					rare_caller(b.m, &tr, text, sizeof(text));
				if (what == SORT)
					vo.key = i % 2 ? KEY_PAGES : KEY_DELTA;
				if (what == THRESHOLD)
					vo.threshold.value = i % 2 ? 0 : 16;
				if (what == HIDE)
					vo.filter = i % 2 ? NULL : hide;
				c0 = cpu_ms();
				w0 = now_ms();
				if (what == SUBTREE) {
					size_t left = 50;

					first_lines(&tr, largest(&tr, TREE_NONE), &left);
				} else if (what == SEARCH) {
					if (search(&tr, text) == TREE_NONE)
						fprintf(stderr, "tree: %s not found\n", text);
				} else if (what == EXPAND) {
					expand_all(&tr);
				} else {
					model_tree(b.m, &vo, mode, &tr);
					if (what == ALL || what == ALL_FIRST)
						tree_sort(&tr, TREE_NONE);
					else
						screen(&tr);
				}
				c[i] = cpu_ms() - c0;
				w[i] = now_ms() - w0;
			}
			if (what == FIRST) {
				roots = tr.nroots;
				made = tr.nnodes;
			} else if (what == SEARCH) {
				search_made = tr.nnodes;
			} else if (what == ALL_FIRST) {
				tree_sort(&tr, TREE_NONE);
				below = nodes_below(&tr, tr.kids[0]);
				all_nodes = tr.nnodes;
				mem = tree_mem_bytes(&tr) / 1048576.0;
			}
			med[k][what] = median(c, n);
			vo.filter = NULL;
			if (what == SAMPLE)
				wall[k] = median(w, n);
			tree_free(&tr);
		}
		printf("%s: %zu stacks, %zu roots (%zu nodes made by the first build), "
		       "%zu nodes below the largest root, %zu nodes in all, %.1f MiB; "
		       "a search for %s made %zu nodes\n",
		       names[k], model_nlive(b.m), roots, made, below, all_nodes, mem, text,
		       search_made);
		if (hide)
			filter_free(hide);
	}
	for (int k = 0; k < 2; k++) {
		for (int what = 0; what < W__N; what++)
			printf("%s_cpu_ms_%s: %.2f\n", what_names[what], names[k], med[k][what]);
		printf("sample_ms_%s: %.2f\n", names[k], wall[k]);
	}

	model_free(b.m);
	free(c);
	free(w);
	free(b.in.sh);
	free(b.in.ha);
	free(b.in.hb);
	return 0;
}
