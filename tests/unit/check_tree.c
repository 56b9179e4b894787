/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_tree.c - the call tree: top-down and bottom-up paths, sums equal to the flat
 * view's, the children's order by every key, threshold and filters, the summed history. */
#include "config.h"

#include "model_tree.h"
#include "model_tree_alloc.h"
#include "testutil.h"

static void feed(struct model *m, double t, const char *spec)
{
	char *text = spec_text(spec);

	model_feed_text(m, t, text);
	free(text);
}

/* Innermost first, as page_owner prints them: two syscall paths and a kthread into
 * brd, an inode allocation, and a stack of allocator frames only. */
static const char SPEC[] =
	"prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio;submit_bio;ksys_write;entry_SYSCALL_64=100"
	"|prep_new_page;get_page_from_freelist;brd_submit_bio [brd];__submit_bio;submit_bio;ksys_read;entry_SYSCALL_64=20"
	"|prep_new_page;get_page_from_freelist;brd_submit_bio [brd];worker;kthread;ret_from_fork=30"
	"|prep_new_page;alloc_slab_page;new_slab;kmem_cache_alloc_noprof;alloc_inode;ksys_write;entry_SYSCALL_64=7"
	"|prep_new_page;get_page_from_freelist=1";

static const char SPEC2[] =
	"prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio;submit_bio;ksys_write;entry_SYSCALL_64=110"
	"|prep_new_page;get_page_from_freelist;brd_submit_bio [brd];__submit_bio;submit_bio;ksys_read;entry_SYSCALL_64=20"
	"|prep_new_page;get_page_from_freelist;brd_submit_bio [brd];worker;kthread;ret_from_fork=25"
	"|prep_new_page;alloc_slab_page;new_slab;kmem_cache_alloc_noprof;alloc_inode;ksys_write;entry_SYSCALL_64=9"
	"|prep_new_page;get_page_from_freelist=1";

/* The function name of a node's frame (its text up to '+'). */
static void node_name(const struct model *m, const struct tree_node *n, char *buf, size_t len)
{
	const char *t = tree_node_text(m, n);
	size_t k = strcspn(t, "+");

	ck_assert_uint_lt(k, len);
	memcpy(buf, t, k);
	buf[k] = 0;
}

/* The child of node i (TREE_NONE: the roots) whose function is name, or TREE_NONE. */
static uint32_t child(const struct model *m, const struct tree *t, uint32_t i, const char *name)
{
	const uint32_t *k = i == TREE_NONE ? t->kids : t->kids + t->nodes[i].kids;
	size_t n = i == TREE_NONE ? t->nroots : t->nodes[i].nkids;
	char buf[256];

	for (size_t j = 0; j < n; j++) {
		node_name(m, &t->nodes[k[j]], buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return k[j];
	}
	return TREE_NONE;
}

/* The node at a path of functions ("a;b;c", from a root). */
static uint32_t must_path(const struct model *m, const struct tree *t, const char *path)
{
	char *dup = strdup(path), *save = NULL;
	uint32_t i = TREE_NONE;

	for (char *p = strtok_r(dup, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		i = child(m, t, i, p);
		ck_assert_msg(i != TREE_NONE, "no node %s in %s", p, path);
	}
	free(dup);
	return i;
}

static void build(struct model *m, struct tree *t, enum tree_mode mode, enum sort_key k,
		  int asc, int64_t threshold, struct filter *f)
{
	struct view_opts o;

	view_opts_init(&o);
	o.key = k;
	o.ascending = asc;
	o.threshold.value = threshold;
	o.filter = f;
	model_tree(m, &o, mode, t);
	tree_sort(t, TREE_NONE);
}

/* Every node's numbers are its children's plus those of the stacks ending at it. */
static void check_sums(const struct tree *t)
{
	int64_t roots = 0, rd = 0;

	for (size_t i = 0; i < t->nroots; i++) {
		roots += t->nodes[t->kids[i]].s.now;
		rd += t->nodes[t->kids[i]].s.delta;
	}
	ck_assert_int_eq(roots, t->v.shown_pages);
	{
		int64_t d = 0;

		for (size_t i = 0; i < t->v.nrows; i++)
			d += t->v.rows[i].s->delta;
		ck_assert_int_eq(rd, d);
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct tree_node *n = &t->nodes[i];
		int64_t now = 0, delta = 0;
		uint32_t ns = 0;

		if (!tree_node_shown(t, n))
			continue;

		for (uint32_t r = n->stacks; r != TREE_NONE; r = t->next_stack[r]) {
			now += t->v.rows[r].s->now;
			delta += t->v.rows[r].s->delta;
			ns++;
		}
		for (uint32_t k = 0; k < n->nkids; k++) {
			const struct tree_node *c = &t->nodes[t->kids[n->kids + k]];

			ck_assert_uint_eq(c->parent, i);
			ck_assert_uint_eq(c->depth, n->depth + 1);
			now += c->s.now;
			delta += c->s.delta;
			ns += c->nstacks;
		}
		ck_assert_int_eq(now, n->s.now);
		ck_assert_int_eq(delta, n->s.delta);
		ck_assert_uint_eq(ns, n->nstacks);
		ck_assert_int_ge(n->s.peak, n->s.now);
	}
}

START_TEST(test_top_down)
{
	struct model *m = model_new();
	struct tree t;
	uint32_t i;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	tree_init(&t);
	build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 0, NULL);
	check_sums(&t);
	ck_assert_int_eq(t.v.shown_pages, 165);
	/* roots: the outermost frames, largest first; the allocator-only stack is its own */
	ck_assert_uint_eq(t.nroots, 3);
	i = must_path(m, &t, "entry_SYSCALL_64");
	ck_assert_uint_eq(t.kids[0], i);
	ck_assert_int_eq(t.nodes[i].s.now, 139);
	ck_assert_int_eq(t.nodes[i].s.delta, 12);
	ck_assert_uint_eq(t.nodes[i].nstacks, 3);
	ck_assert_uint_eq(t.nodes[i].depth, 0);
	i = must_path(m, &t, "entry_SYSCALL_64;ksys_write");
	ck_assert_int_eq(t.nodes[i].s.now, 119);
	ck_assert_uint_eq(t.nodes[i].nkids, 2);
	/* down to the caller, not into the allocator */
	i = must_path(m, &t, "entry_SYSCALL_64;ksys_write;submit_bio;__submit_bio;brd_submit_bio");
	ck_assert_uint_eq(t.nodes[i].nkids, 0);
	ck_assert(t.nodes[i].caller);
	ck_assert_int_eq(t.nodes[i].s.now, 110);
	ck_assert_int_eq(t.nodes[i].s.delta, 10);
	ck_assert_uint_eq(t.nodes[i].stacks != TREE_NONE, 1);
	i = must_path(m, &t, "ret_from_fork;kthread;worker;brd_submit_bio");
	ck_assert_int_eq(t.nodes[i].s.now, 25);
	ck_assert_int_eq(t.nodes[i].s.delta, -5);
	ck_assert_int_eq(t.nodes[i].s.peak, 30);
	/* the stack of allocator frames only: its outermost is its caller and root */
	i = must_path(m, &t, "get_page_from_freelist");
	ck_assert_uint_eq(t.nodes[i].nkids, 0);
	ck_assert_uint_eq(t.kids[2], i);
	{
		uint32_t path[8];
		size_t n;

		i = must_path(m, &t, "entry_SYSCALL_64;ksys_read;submit_bio");
		n = tree_path(&t, i, path, 8);
		ck_assert_uint_eq(n, 3);
		ck_assert_uint_eq(path[2], t.nodes[i].frame);
		ck_assert_uint_eq(path[0], t.nodes[t.kids[0]].frame);
	}
	tree_free(&t);
	model_free(m);
}
END_TEST

START_TEST(test_bottom_up)
{
	struct model *m = model_new();
	struct tree t;
	uint32_t i, j;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	tree_init(&t);
	build(m, &t, TREE_BOTTOM_UP, KEY_PAGES, 0, 0, NULL);
	check_sums(&t);
	/* roots: the callers, allocator frames folded away */
	ck_assert_uint_eq(t.nroots, 3);
	i = must_path(m, &t, "brd_submit_bio");
	ck_assert_uint_eq(t.kids[0], i);
	ck_assert_int_eq(t.nodes[i].s.now, 155);
	ck_assert_uint_eq(t.nodes[i].nstacks, 3);
	ck_assert(t.nodes[i].caller);
	/* two call sites of brd_submit_bio: __submit_bio (130) before worker (25) */
	ck_assert_uint_eq(t.nodes[i].nkids, 2);
	j = must_path(m, &t, "brd_submit_bio;__submit_bio");
	ck_assert_uint_eq(t.kids[t.nodes[i].kids], j);
	ck_assert_int_eq(t.nodes[j].s.now, 130);
	i = must_path(m, &t, "brd_submit_bio;__submit_bio;submit_bio;ksys_read;entry_SYSCALL_64");
	ck_assert_int_eq(t.nodes[i].s.now, 20);
	ck_assert_uint_eq(t.nodes[i].nkids, 0);
	i = must_path(m, &t, "alloc_inode;ksys_write;entry_SYSCALL_64");
	ck_assert_int_eq(t.nodes[i].s.now, 9);
	ck_assert_int_eq(t.nodes[i].s.delta, 2);
	ck_assert(child(m, &t, TREE_NONE, "prep_new_page") == TREE_NONE);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Every children list (the roots too) is in the order of key k. */
static void check_order(const struct model *m, const struct tree *t, int k, int asc)
{
	for (size_t i = 0; i < t->nnodes + 1; i++) {
		const uint32_t *kids = i == t->nnodes ? t->kids : t->kids + t->nodes[i].kids;
		size_t n = i == t->nnodes ? t->nroots : t->nodes[i].nkids;

		for (size_t j = 1; j < n; j++) {
			const struct tree_node *a = &t->nodes[kids[j - 1]], *b = &t->nodes[kids[j]];
			double x, y;

			if (k == KEY_LABEL) {
				int c = strcmp(tree_node_text(m, a), tree_node_text(m, b));

				ck_assert(asc ? c <= 0 : c >= 0);
				continue;
			}
			switch (k) {
			case KEY_DELTA: x = (double)a->s.delta; y = (double)b->s.delta; break;
			case KEY_RATE: x = a->s.rate; y = b->s.rate; break;
			case KEY_DELTA_BASE: x = (double)a->s.delta_base; y = (double)b->s.delta_base; break;
			case KEY_PEAK: x = (double)a->s.peak; y = (double)b->s.peak; break;
			case KEY_SCORE: x = a->s.score; y = b->s.score; break;
			case KEY_FIRST_SEEN: x = a->s.first_seen; y = b->s.first_seen; break;
			default: /* pages; also calls and avg, which page_owner has not */
				x = (double)a->s.now; y = (double)b->s.now; break;
			}
			ck_assert_msg(asc ? x <= y : x >= y, "key %d asc %d", k, asc);
			if (x == y)
				ck_assert_uint_lt(a->example, b->example);
		}
	}
}

/* Children follow every key, both ways; ties by first coming. */
START_TEST(test_order)
{
	struct model *m = model_new();
	struct tree t;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	tree_init(&t);
	for (int k = 0; k < KEY__N; k++)
		for (int asc = 0; asc < 2; asc++) {
			build(m, &t, TREE_BOTTOM_UP, (enum sort_key)k, asc, 0, NULL);
			check_sums(&t);
			check_order(m, &t, k, asc);
		}
/* ascending by pages: the smallest root first */
	build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 1, 0, NULL);
	ck_assert_int_eq(t.nodes[t.kids[0]].s.now, 1);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Lists longer than a few children (sorted another way) keep the same order: 300 roots
 * and as many callers, with many equal pages. */
START_TEST(test_order_many)
{
	struct model *m = model_new();
	struct tree t;
	size_t cap = 300 * 96, len = 0;
	char *a = xmalloc(cap), *b = xmalloc(cap);

	for (int i = 0; i < 300; i++) {
		len += (size_t)snprintf(a + len, cap - len, "%sprep_new_page;caller%d;outer%d=%d",
					i ? "|" : "", i % 150, i, 1 + (i * 7) % 13);
	}
	len = 0;
	for (int i = 0; i < 300; i++)
		len += (size_t)snprintf(b + len, cap - len, "%sprep_new_page;caller%d;outer%d=%d",
					i ? "|" : "", i % 150, i, 1 + (i * 11) % 5);
	feed(m, 0, a);
	feed(m, 1, b);
	tree_init(&t);
	for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++)
		for (int k = 0; k < KEY__N; k++)
			for (int asc = 0; asc < 2; asc++) {
				build(m, &t, (enum tree_mode)mode, (enum sort_key)k, asc, 0, NULL);
				ck_assert_uint_eq(t.nroots, mode == TREE_TOP_DOWN ? 300 : 150);
				check_sums(&t);
				check_order(m, &t, k, asc);
			}
	tree_free(&t);
	model_free(m);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_threshold_filter)
{
	struct model *m = model_new();
	struct tree t;
	struct pt_err err;
	const char *pat[] = { "ksys_write" }, *notpat[] = { "!brd_submit_bio" };
	struct filter *f;
	uint32_t i;

	feed(m, 0, SPEC);
	tree_init(&t);
	/* threshold on stacks: the 7- and 1-page stacks go, and the nodes only they had */
	build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 20, NULL);
	check_sums(&t);
	ck_assert_int_eq(t.v.shown_pages, 150);
	ck_assert_uint_eq(t.nroots, 2);
	ck_assert(child(m, &t, t.kids[0], "ksys_write") != TREE_NONE);
	i = must_path(m, &t, "entry_SYSCALL_64;ksys_write");
	ck_assert_uint_eq(t.nodes[i].nkids, 1);
	ck_assert_int_eq(t.nodes[i].s.now, 100);

	f = filter_new(pat, 1, &err);
	ck_assert_ptr_nonnull(f);
	build(m, &t, TREE_BOTTOM_UP, KEY_PAGES, 0, 0, f);
	check_sums(&t);
	ck_assert_int_eq(t.v.shown_pages, 107);
	ck_assert_uint_eq(t.nroots, 2);
	i = must_path(m, &t, "brd_submit_bio");
	ck_assert_uint_eq(t.nodes[i].nkids, 1);
	ck_assert_int_eq(t.nodes[i].s.now, 100);
	filter_free(f);

	f = filter_new(notpat, 1, &err);
	ck_assert_ptr_nonnull(f);
	build(m, &t, TREE_BOTTOM_UP, KEY_PAGES, 0, 0, f);
	check_sums(&t);
	ck_assert_uint_eq(t.nroots, 2);
	ck_assert(child(m, &t, TREE_NONE, "brd_submit_bio") == TREE_NONE);
	filter_free(f);
	/* nothing passes: no nodes */
	build(m, &t, TREE_BOTTOM_UP, KEY_PAGES, 0, 1000, NULL);
	ck_assert_uint_eq(t.nshown, 0);
	ck_assert_uint_eq(t.nroots, 0);
	tree_free(&t);
	model_free(m);
}
END_TEST

static void same_node(const struct model *m, const struct tree_node *x,
		      const struct tree_node *y)
{
	ck_assert_str_eq(tree_node_text(m, x), tree_node_text(m, y));
	ck_assert_int_eq(x->s.now, y->s.now);
	ck_assert_int_eq(x->s.delta, y->s.delta);
	ck_assert_int_eq(x->s.delta_base, y->s.delta_base);
	ck_assert_int_eq(x->s.peak, y->s.peak);
	ck_assert_uint_eq(x->s.first_seen, y->s.first_seen);
	ck_assert_uint_eq(x->nstacks, y->nstacks);
	ck_assert_uint_eq(x->example, y->example);
	ck_assert_uint_eq(x->caller, y->caller);
	ck_assert_uint_eq(x->depth, y->depth);
	ck_assert_int_eq(x->s.calls, y->s.calls);
	ck_assert_int_eq(x->example_now, y->example_now);
	ck_assert_uint_eq(x->haskids, y->haskids);
	/* bit for bit */
	ck_assert_mem_eq(&x->s.rate, &y->s.rate, sizeof(x->s.rate));
	ck_assert_mem_eq(&x->s.score, &y->s.score, sizeof(x->s.score));
}

/* Two trees print the same: the same nodes in the same order with the same numbers. */
static void same_kids(const struct model *m, const struct tree *a, uint32_t i,
		      const struct tree *b, uint32_t j)
{
	const uint32_t *ka = i == TREE_NONE ? a->kids : a->kids + a->nodes[i].kids;
	const uint32_t *kb = j == TREE_NONE ? b->kids : b->kids + b->nodes[j].kids;
	size_t na = i == TREE_NONE ? a->nroots : a->nodes[i].nkids;
	size_t nb = j == TREE_NONE ? b->nroots : b->nodes[j].nkids;

	ck_assert_uint_eq(na, nb);
	for (size_t k = 0; k < na; k++) {
		same_node(m, &a->nodes[ka[k]], &b->nodes[kb[k]]);
		same_kids(m, a, ka[k], b, kb[k]);
	}
}

/* same_kids(), a's children made and sorted as they are asked for (as a screen does). */
static void same_kids_lazy(const struct model *m, struct tree *a, uint32_t i,
			   const struct tree *b, uint32_t j)
{
	const uint32_t *kb = j == TREE_NONE ? b->kids : b->kids + b->nodes[j].kids;
	size_t na, nb = j == TREE_NONE ? b->nroots : b->nodes[j].nkids;

	if (i != TREE_NONE)
		tree_sort(a, i);
	na = i == TREE_NONE ? a->nroots : a->nodes[i].nkids;
	ck_assert_uint_eq(na, nb);
	for (size_t k = 0; k < na; k++) {
		/* a's arrays may move as nodes are opened below */
		uint32_t x = (i == TREE_NONE ? a->kids : a->kids + a->nodes[i].kids)[k];

		same_node(m, &a->nodes[x], &b->nodes[kb[k]]);
		same_kids_lazy(m, a, x, b, kb[k]);
	}
}

static void check_fresh(struct model *m, struct tree *kept, enum tree_mode mode)
{
	struct tree fresh;

	tree_init(&fresh);
	build(m, kept, mode, KEY_PAGES, 0, 0, NULL);
	build(m, &fresh, mode, KEY_PAGES, 0, 0, NULL);
	check_sums(kept);
	same_kids(m, kept, TREE_NONE, &fresh, TREE_NONE);
	tree_free(&fresh);
}

/* A tree kept from sample to sample (its nodes and each stack's path remembered) is the
 * tree built anew: when counts change, stacks come, go, and are forgotten and their ids
 * given to other stacks, and when the mode changes. */
START_TEST(test_kept)
{
	struct model *m = model_new();
	struct tree t;
	char spec[2048];

	tree_init(&t);
	feed(m, 0, SPEC);
	check_fresh(m, &t, TREE_TOP_DOWN);
	feed(m, 1, SPEC2);
	check_fresh(m, &t, TREE_TOP_DOWN);
	check_fresh(m, &t, TREE_BOTTOM_UP);
	/* the kthread stack goes, for long enough to be forgotten */
	for (int i = 2; i < MODEL_HISTORY + 6; i++) {
		feed(m, i, "prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio;submit_bio;ksys_write;entry_SYSCALL_64=110"
			"|prep_new_page;get_page_from_freelist=1");
		if (i % 40 == 0)
			check_fresh(m, &t, TREE_BOTTOM_UP);
	}
	/* new stacks take the ids of those forgotten */
	snprintf(spec, sizeof(spec), "%s|%s", SPEC,
		 "prep_new_page;alloc_pages_mpol;ext2_get_block [ext2];ext2_write_begin [ext2];ksys_write;entry_SYSCALL_64=5");
	feed(m, MODEL_HISTORY + 6, spec);
	check_fresh(m, &t, TREE_BOTTOM_UP);
	check_fresh(m, &t, TREE_TOP_DOWN);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* The kept tree t, built with o, is a fresh one's (made whole). */
static void check_fresh_opts(struct model *m, struct tree *t, const struct view_opts *o,
			     enum tree_mode mode)
{
	struct tree fresh;

	tree_init(&fresh);
	model_tree(m, o, mode, &fresh);
	tree_sort(&fresh, TREE_NONE);
	same_kids_lazy(m, t, TREE_NONE, &fresh, TREE_NONE);
	tree_free(&fresh);
}

/* A build of the rows of the build before, of the same sample (another order, or a
 * threshold that hides no other stack) keeps the numbers and orders the children anew,
 * those of nodes opened before too: the tree of a fresh build. A stack hidden, a new
 * baseline or sample builds anew. */
START_TEST(test_same_rows)
{
	struct model *m = model_new();
	struct view_opts o;
	struct tree t;
	uint32_t b;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++) {
		tree_init(&t);
		view_opts_init(&o);
		model_tree(m, &o, (enum tree_mode)mode, &t);
		tree_sort(&t, t.kids[0]); /* one node opened and sorted */
		b = t.build;
		for (int k = 0; k < KEY__N; k++)
			for (int asc = 0; asc < 2; asc++) {
				o.key = (enum sort_key)k;
				o.ascending = asc;
				o.threshold.value = (k + asc) % 2; /* 1 page: every stack */
				model_tree(m, &o, (enum tree_mode)mode, &t);
				ck_assert_uint_eq(t.build, b);
				check_fresh_opts(m, &t, &o, (enum tree_mode)mode);
				check_sums(&t);
				check_order(m, &t, k, asc);
			}
		/* the 9- and 1-page stacks hidden, then back */
		o.threshold.value = 10;
		model_tree(m, &o, (enum tree_mode)mode, &t);
		ck_assert_uint_ne(t.build, b);
		ck_assert_uint_eq(t.v.nrows, 3);
		check_fresh_opts(m, &t, &o, (enum tree_mode)mode);
		b = t.build;
		o.threshold.value = 0;
		model_tree(m, &o, (enum tree_mode)mode, &t);
		ck_assert_uint_ne(t.build, b);
		check_fresh_opts(m, &t, &o, (enum tree_mode)mode);
		tree_free(&t);
	}
	/* the same rows of another state of the model: its numbers */
	tree_init(&t);
	view_opts_init(&o);
	o.key = KEY_DELTA_BASE;
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	b = t.build;
	model_set_baseline(m);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_ne(t.build, b);
	check_fresh_opts(m, &t, &o, TREE_TOP_DOWN);
	b = t.build;
	feed(m, 2, SPEC);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_ne(t.build, b);
	check_fresh_opts(m, &t, &o, TREE_TOP_DOWN);
	check_sums(&t);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Another mode of the same view (the model in the same state, the same threshold, no
 * filter) takes the last build's rows, not made anew: the tree a fresh build makes. A
 * threshold, a filter, a baseline or a sample makes the view anew. */
START_TEST(test_same_view)
{
	struct model *m = model_new();
	struct view_opts o;
	struct tree t;
	struct pt_err err;
	const char *pat[] = { "ksys_write" };
	struct filter *f;
	uint64_t g;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	tree_init(&t);
	view_opts_init(&o);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	g = t.v.gen;
	for (int i = 0; i < 4; i++) {
		enum tree_mode mode = i % 2 ? TREE_TOP_DOWN : TREE_BOTTOM_UP;

		model_tree(m, &o, mode, &t);
		ck_assert_uint_eq(t.v.gen, g);
		ck_assert_uint_eq(t.v.nrows, 5);
		check_fresh_opts(m, &t, &o, mode);
		check_sums(&t);
	}
	/* the 9- and 1-page stacks hidden: made anew, then kept in the other mode */
	o.threshold.value = 10;
	model_tree(m, &o, TREE_BOTTOM_UP, &t);
	ck_assert_uint_ne(t.v.gen, g);
	g = t.v.gen;
	ck_assert_uint_eq(t.v.nrows, 3);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_eq(t.v.gen, g);
	ck_assert_uint_eq(t.v.nrows, 3);
	check_fresh_opts(m, &t, &o, TREE_TOP_DOWN);
	check_sums(&t);
	/* the same number of pages in another unit is another threshold */
	o.threshold.unit = THRESH_BYTES;
	o.threshold.value = 10;
	model_tree(m, &o, TREE_BOTTOM_UP, &t);
	ck_assert_uint_ne(t.v.gen, g);
	ck_assert_uint_eq(t.v.nrows, 5);
	check_fresh_opts(m, &t, &o, TREE_BOTTOM_UP);
	view_opts_init(&o);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	/* a filter: made at every build */
	f = filter_new(pat, 1, &err);
	ck_assert_ptr_nonnull(f);
	o.filter = f;
	for (int i = 0; i < 2; i++) {
		enum tree_mode mode = i % 2 ? TREE_TOP_DOWN : TREE_BOTTOM_UP;

		g = t.v.gen;
		model_tree(m, &o, mode, &t);
		ck_assert_uint_ne(t.v.gen, g);
		check_fresh_opts(m, &t, &o, mode);
	}
	o.filter = NULL;
	filter_free(f);
	g = t.v.gen;
	model_tree(m, &o, TREE_BOTTOM_UP, &t);
	ck_assert_uint_ne(t.v.gen, g);
	/* a baseline, then a sample: the numbers of the model's new state */
	model_set_baseline(m);
	g = t.v.gen;
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_ne(t.v.gen, g);
	check_fresh_opts(m, &t, &o, TREE_TOP_DOWN);
	feed(m, 2, SPEC);
	g = t.v.gen;
	model_tree(m, &o, TREE_BOTTOM_UP, &t);
	ck_assert_uint_ne(t.v.gen, g);
	check_fresh_opts(m, &t, &o, TREE_BOTTOM_UP);
	check_sums(&t);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Samples (the last of three) of n stacks of paths from a few names (so that they share nodes, and some end
 * where others go on), counts changing: some stacks come in the second sample only, some
 * shrink (their peak above their count), some grow (a score). */
static void feed_many(struct model *m, int n, int samples)
{
	struct sbuf b = { 0 };

	for (int smp = 3 - samples; smp < 3; smp++) {
		char *text;

		sb_add(&b, "");
		for (int i = 0; i < n; i++) {
			unsigned x = (unsigned)i * 2654435761u, len = 1 + x % 6;
			/* one sample: counts a few apart, many the same (the largest of a node
			 * hidden, another as large) */
			int count = 1 + (int)((x >> 8) % 97) / (samples == 1 ? 4 : 1) * (samples == 1 ? 4 : 1);

			if (smp == 0 && i % 7 == 3)
				continue;
			if (i % 5 == 1)
				count = smp == 2 ? count / 3 + 1 : count;
			else if (i % 5 == 2)
				count += smp * 40;
			/* innermost first: from either end, paths of several lengths meet; a
			 * few frames g0 and g1 */
			for (unsigned d = 0; d < len; d++) {
				unsigned y = (unsigned)(((uint64_t)i * 0x9E3779B97F4A7C15ull) >> (4 + 6 * d)) % 64;

				sb_printf(&b, "%s%c%u", d ? ";" : "", y < 2 ? 'g' : 'f', y % 4);
			}
			sb_printf(&b, "=%d|", count);
		}
		b.s[b.len - 1] = 0;
		text = spec_text(b.s);
		model_feed_text(m, smp, text);
		free(text);
		free(b.s);
		memset(&b, 0, sizeof(b));
	}
}

/* Opens the nodes of a tree down to depth d. */
static void open_down(struct tree *t, uint32_t i, unsigned d)
{
	size_t n = i == TREE_NONE ? t->nroots : t->nodes[i].nkids;

	if (i != TREE_NONE) {
		if (t->nodes[i].depth >= d)
			return;
		tree_sort(t, i);
		n = t->nodes[i].nkids;
	}
	for (size_t k = 0; k < n; k++)
		open_down(t, (i == TREE_NONE ? t->kids : t->kids + t->nodes[i].kids)[k], d);
}

/* The nodes of a shown as far as they are opened are those of b (made whole). */
static void same_kids_made(const struct model *m, struct tree *a, uint32_t i,
			   const struct tree *b, uint32_t j)
{
	const uint32_t *kb = j == TREE_NONE ? b->kids : b->kids + b->nodes[j].kids;
	size_t na, nb = j == TREE_NONE ? b->nroots : b->nodes[j].nkids;

	if (i != TREE_NONE && !a->nodes[i].open)
		return;
	if (i != TREE_NONE)
		tree_sort(a, i); /* only in order: it is opened */
	na = i == TREE_NONE ? a->nroots : a->nodes[i].nkids;
	ck_assert_uint_eq(na, nb);
	for (size_t k = 0; k < na; k++) {
		uint32_t x = (i == TREE_NONE ? a->kids : a->kids + a->nodes[i].kids)[k];

		same_node(m, &a->nodes[x], &b->nodes[kb[k]]);
		same_kids_made(m, a, x, b, kb[k]);
	}
}

/* A threshold or filter that hides some more stacks of the same sample, or shows some
 * again, updates the last build in place: the tree of a fresh build, the nodes opened
 * before kept. Too many at once build anew, the same. */
START_TEST(test_update)
{
	struct model *m;
	const char *one[] = { "!g1" }, *two[] = { "!g1", "!g0" };
	struct pt_err err;
	struct filter *f1 = filter_new(one, 1, &err), *f2 = filter_new(two, 2, &err);
	/* threshold, filter (0 none, 1 one, 2 two): made in place when an eighth of the
	 * stacks at most are hidden or shown again */
	static const int steps[][2] = {
		{ 0, 0 }, { 2, 0 }, { 6, 0 }, { 10, 0 }, { 6, 0 }, { 2, 0 }, { 0, 0 }, { 0, 1 },
		{ 0, 2 }, { 6, 2 }, { 6, 1 }, { 0, 1 }, { 0, 0 }, { 70, 0 }, { 0, 0 }, { 4, 0 },
		{ 0, 0 },
	};

	ck_assert_ptr_nonnull(f2);
	/* one sample (every stack first seen in it, no score, peaks the counts), or three */
	for (int samples = 1; samples <= 3; samples += 2) {
		m = model_new();
		feed_many(m, 2000, samples);
		/* nodes opened: the first root and its first child, the first levels, all */
		for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++)
			for (int opened = 0; opened < 3; opened++) {
				struct view_opts o;
				struct tree t;

				tree_init(&t);
				view_opts_init(&o);
				o.key = opened == 2 ? KEY_FIRST_SEEN : KEY_PAGES;
				for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
					struct tree fresh;
					uint32_t up = t.updates;
					size_t was = t.v.nrows, moved;

					o.threshold.value = steps[s][0];
					o.filter = steps[s][1] == 2 ? f2 : steps[s][1] ? f1 : NULL;
					model_tree(m, &o, (enum tree_mode)mode, &t);
					moved = was > t.v.nrows ? was - t.v.nrows : t.v.nrows - was;
					ck_assert_uint_eq(t.updates,
							  up + (s && moved && moved * 8 <= (was < t.v.nrows ?
											    was : t.v.nrows)));
					check_sums(&t);
					tree_init(&fresh);
					model_tree(m, &o, (enum tree_mode)mode, &fresh);
					tree_sort(&fresh, TREE_NONE);
					if (opened == 2)
						same_kids_lazy(m, &t, TREE_NONE, &fresh, TREE_NONE);
					else
						same_kids_made(m, &t, TREE_NONE, &fresh, TREE_NONE);
					tree_free(&fresh);
					if (opened == 1)
						open_down(&t, TREE_NONE, 3);
					else if (!opened && t.nroots) {
						tree_sort(&t, t.kids[0]);
						if (t.nodes[t.kids[0]].nkids)
							tree_sort(&t, t.kids[t.nodes[t.kids[0]].kids]);
					}
				}
				ck_assert_uint_ge(t.updates, 10);
				tree_free(&t);
			}
		model_free(m);
	}
	/* the largest stack of a node hidden, another as large: the other its example (the
	 * root opened or not) */
	m = model_new();
	feed(m, 0, "x;g1;q;r=50|y;q;r=50|w0;r=1|w1;r=1|w2;r=1|w3;r=1|w4;r=1|w5;r=1|w6;r=1|"
		   "w7;r=1|w8;r=1");
	for (int mode = TREE_TOP_DOWN; mode <= 2 * TREE_BOTTOM_UP; mode++) {
		struct view_opts o;
		struct tree t;

		tree_init(&t);
		view_opts_init(&o);
		model_tree(m, &o, mode > TREE_BOTTOM_UP ? TREE_TOP_DOWN : (enum tree_mode)mode, &t);
		if (mode > TREE_BOTTOM_UP)
			tree_sort(&t, t.kids[0]);
		o.filter = f1;
		model_tree(m, &o, (enum tree_mode)mode, &t);
		ck_assert_uint_eq(t.updates, 1);
		check_fresh_opts(m, &t, &o,
				 mode > TREE_BOTTOM_UP ? TREE_TOP_DOWN : (enum tree_mode)mode);
		tree_free(&t);
	}
	model_free(m);
	filter_free(f1);
	filter_free(f2);
}
END_TEST

/* A build makes the roots only; tree_sort() makes a node's children (after it: a child
 * comes after its parent), the sums unchanged; a later build takes new paths down the
 * opened nodes. */
static void check_parents_first(const struct tree *t)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].parent != TREE_NONE)
			ck_assert_uint_lt(t->nodes[i].parent, i);
}

START_TEST(test_lazy)
{
	struct model *m = model_new();
	struct tree t;
	struct view_opts o;
	char spec[2048];
	uint32_t i;

	tree_init(&t);
	view_opts_init(&o);
	snprintf(spec, sizeof(spec), "%s|%s",
		 "prep_new_page;alloc_pages_mpol;ext2_get_block [ext2];worker;kthread;ret_from_fork=3", SPEC);
	feed(m, 0, spec);
	for (int mode = TREE_BOTTOM_UP; mode >= TREE_TOP_DOWN; mode--) {
		model_tree(m, &o, (enum tree_mode)mode, &t);
		ck_assert_uint_eq(t.nnodes, t.nroots);
		for (size_t k = 0; k < t.nroots; k++) {
			const struct tree_node *n = &t.nodes[t.kids[k]];

			ck_assert(!n->open && !n->nkids);
		}
		i = child(m, &t, TREE_NONE, mode == TREE_TOP_DOWN ? "entry_SYSCALL_64" :
					    "brd_submit_bio");
		ck_assert_uint_ne(i, TREE_NONE);
		ck_assert(t.nodes[i].haskids);
		tree_sort(&t, i);
		ck_assert(t.nodes[i].open);
		ck_assert_uint_eq(t.nodes[i].nkids, 2);
		ck_assert_uint_eq(t.nnodes, t.nroots + 2);
		tree_sort(&t, TREE_NONE);
		ck_assert_uint_eq(t.nshown, t.nnodes);
		check_parents_first(&t);
		check_sums(&t);
		/* a later build: every node made already, every one opened stays so */
		build(m, &t, (enum tree_mode)mode, KEY_PAGES, 0, 0, NULL);
		ck_assert_uint_eq(t.nshown, t.nnodes);
		check_sums(&t);
	}
	/* new paths under opened nodes, and a new root */
	snprintf(spec, sizeof(spec), "%s|%s|%s", SPEC,
		 "prep_new_page;alloc_pages_mpol;ext2_get_block [ext2];ext2_write_begin [ext2];ksys_write;entry_SYSCALL_64=5",
		 "prep_new_page;alloc_pages_mpol;start_kernel=2");
	feed(m, 1, spec);
	check_fresh(m, &t, TREE_TOP_DOWN);
	/* submit_bio, alloc_inode and ext2_write_begin */
	ck_assert_uint_eq(t.nodes[must_path(m, &t, "entry_SYSCALL_64;ksys_write")].nkids, 3);
	ck_assert_uint_ne(child(m, &t, TREE_NONE, "start_kernel"), TREE_NONE);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Over every sample of the bundled recording, trees kept from sample to sample (one per
 * mode) are the trees built anew. */
START_TEST(test_kept_recording)
{
	const char *path = TD("lab.ptrec.xz");
	struct model *m = model_new();
	struct sink snk = model_sink(m);
	struct tree td, bu;
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	enum src_status st;
	int k = 0;

	tree_init(&td);
	tree_init(&bu);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	while ((st = source_next(src, &snk, -1, &err)) == SRC_SAMPLE) {
		check_fresh(m, &td, TREE_TOP_DOWN);
		check_fresh(m, &bu, TREE_BOTTOM_UP);
		k++;
	}
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	ck_assert_int_gt(k, 10);
	ck_assert_uint_gt(td.nnodes, 10);
	source_close(src);
	tree_free(&td);
	tree_free(&bu);
	model_free(m);
}
END_TEST

/* Readies t for m's stacks a slice at a time (budget 0: 16 pages a call): how many calls. */
static int prefault_all(struct tree *t, const struct model *m)
{
	int calls = 1;

	while (!tree_prefault(t, m, 0))
		calls++;
	ck_assert_int_eq(tree_prefault(t, m, 0), 1);
	return calls;
}

/* A tree readied ahead (its arrays made, their pages written, a slice a call) and then
 * built is the tree built anew, at every sample of the bundled recording and in both
 * modes; readied for fewer stacks than the model has by then, it is readied again; built,
 * it is left as it is. */
START_TEST(test_prefault)
{
	const char *path = TD("lab.ptrec.xz");
	struct model *m = model_new();
	struct sink snk = model_sink(m);
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	enum src_status st;
	int k = 0;

	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	while ((st = source_next(src, &snk, -1, &err)) == SRC_SAMPLE) {
		for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++) {
			struct tree t;

			tree_init(&t);
			ck_assert_int_gt(prefault_all(&t, m), 1);
			ck_assert_uint_ge(t.pf_stacks, model_nstacks(m));
			ck_assert_uint_ge(t.nslots, TREE_PREFAULT_NODES);
			check_fresh(m, &t, (enum tree_mode)mode);
			ck_assert_int_eq(tree_prefault(&t, m, -1), 1);
			check_fresh(m, &t, (enum tree_mode)mode);
			tree_free(&t);
		}
		k++;
	}
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	ck_assert_int_gt(k, 10);
	source_close(src);
	model_free(m);
	/* the stacks grow past the room made: made again */
	{
		struct tree t;
		char spec[64];
		size_t had;

		m = model_new();
		tree_init(&t);
		feed(m, 0, SPEC);
		prefault_all(&t, m);
		had = t.pf_stacks;
		for (int i = 0; model_nstacks(m) <= had; i++) {
			snprintf(spec, sizeof(spec), "prep_new_page;fn%d;entry_SYSCALL_64=%d", i,
				 i + 1);
			feed(m, 1 + i, spec);
		}
		ck_assert_int_eq(tree_prefault(&t, m, -1), 1);
		ck_assert_uint_ge(t.pf_stacks, model_nstacks(m));
		check_fresh(m, &t, TREE_TOP_DOWN);
		tree_free(&t);
		model_free(m);
	}
}
END_TEST

/* The history of a node as the sum of every stack's below it, decoded one by one. */
static int history_brute(const struct model *m, const struct tree *t, uint32_t i, int64_t *out,
			 int n)
{
	int64_t one[64];
	int filled = 0;

	for (int k = 0; k < n; k++)
		out[k] = 0;
	for (uint32_t r = t->nodes[i].stacks; r != TREE_NONE; r = t->next_stack[r]) {
		int got = model_history(m, t->v.rows[r].s, one, n);

		for (int k = 0; k < got; k++)
			out[n - got + k] += one[k];
		if (got > filled)
			filled = got;
	}
	for (uint32_t c = 0; c < t->nodes[i].nkids; c++) {
		int64_t sub[64];
		int got = history_brute(m, t, t->kids[t->nodes[i].kids + c], sub, n);

		for (int k = 0; k < got; k++)
			out[n - got + k] += sub[k];
		if (got > filled)
			filled = got;
	}
	if (filled < n)
		memmove(out, out + n - filled, (size_t)filled * sizeof(*out));
	return filled;
}

/* Stacks that did not change in the window are summed without decoding their history:
 * every node at every sample of a real recording, short and long windows. */
START_TEST(test_history_flat)
{
	const char *path = TD("lab.ptrec.xz");
	static const int widths[] = { 1, 4, 20, 64 };
	struct model *m = model_new();
	struct sink snk = model_sink(m);
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	struct tree t;
	size_t checked = 0;

	tree_init(&t);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	/* the first samples (windows longer than the series), then every ninth (a valgrind
	 * run walks every node) */
	for (int k = 0; source_next(src, &snk, -1, &err) == SRC_SAMPLE; k++) {
		if (k > 3 && k % 9)
			continue;
		build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 0, NULL);
		for (size_t i = 0; i < t.nnodes; i++) {
			if (!tree_node_shown(&t, &t.nodes[i]))
				continue;
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
				int64_t a[64], b[64];
				int n = widths[w];
				int ga = tree_history(m, &t, (uint32_t)i, a, n);
				int gb = history_brute(m, &t, (uint32_t)i, b, n);

				ck_assert_int_eq(ga, gb);
				for (int j = 0; j < ga; j++)
					ck_assert_int_eq(a[j], b[j]);
				checked++;
			}
		}
	}
	ck_assert_uint_gt(checked, 1000);
	source_close(src);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* Every stack under one root and its child: the root's history is summed over the rows in
 * their order, a node below it over its nodes; both as the stacks' own histories summed. */
START_TEST(test_history_one_root)
{
	static const int widths[] = { 1, 3, 8, 20 };
	struct model *m = model_new();
	struct tree t;
	uint32_t nodes[3];

	tree_init(&t);
	for (int k = 0; k < 14; k++) {
		struct sbuf b = { 0 };

		for (int i = 0; i < 40; i++) {
			/* some stacks never change, some change every few samples, some come late */
			int v = i % 3 == 0 ? 5 + i : 1 + i + (k / (1 + i % 4)) * (i % 2 ? 1 : -1) + 20;

			if (i % 7 == 6 && k < 5)
				continue;
			sb_printf(&b, "%sprep_new_page;f%d;g%d;ksys_write;entry_SYSCALL_64=%d",
				  i ? "|" : "", i, i % 5, v);
		}
		feed(m, k, b.s);
		sb_free(&b);
		build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 0, NULL);
		ck_assert_uint_eq(t.nroots, 1);
		nodes[0] = t.kids[0];
		ck_assert_uint_eq(t.nodes[nodes[0]].nstacks, t.v.nrows);
		nodes[1] = must_path(m, &t, "entry_SYSCALL_64;ksys_write");
		nodes[2] = must_path(m, &t, "entry_SYSCALL_64;ksys_write;g1");
		ck_assert_uint_lt(t.nodes[nodes[2]].nstacks, t.v.nrows);
		for (int q = 0; q < 3; q++) {
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
				int64_t a[64], bb[64];
				int n = widths[w];
				int ga = tree_history(m, &t, nodes[q], a, n);
				int gb = history_brute(m, &t, nodes[q], bb, n);

				ck_assert_int_eq(ga, gb);
				for (int j = 0; j < ga; j++)
					ck_assert_int_eq(a[j], bb[j]);
			}
		}
	}
	tree_free(&t);
	model_free(m);
}
END_TEST

/* A node's history summed a slice at a time (the screen's trend cells): a deadline gone
 * by ends each step after 4,096 stacks, the steps go on where the last one stopped (over
 * the rows, along a node's list of rows, through an opened node's children), and the sum
 * is tree_history()'s. */
START_TEST(test_history_slices)
{
	struct model *m = model_new();
	struct view_opts o;
	struct tree t;
	uint32_t nodes[4];

	tree_init(&t);
	for (int k = 0; k < 4; k++) {
		struct sbuf b = { 0 };

		for (int i = 0; i < 12000; i++)
			sb_printf(&b, "%sprep_new_page;f%d;g%d;ksys_write;entry_SYSCALL_64=%d",
				  i ? "|" : "", i, i % 2, 1 + (i * 7 + k * (i % 3)) % 50);
		feed(m, k, b.s);
		sb_free(&b);
	}
	/* the root and the nodes on the way to g1 opened, g1 not (its stacks in its list) */
	view_opts_init(&o);
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	nodes[0] = t.kids[0];
	tree_sort(&t, nodes[0]);
	nodes[1] = child(m, &t, nodes[0], "ksys_write");
	tree_sort(&t, nodes[1]);
	nodes[2] = child(m, &t, nodes[1], "g1");
	ck_assert_uint_eq(t.nodes[nodes[0]].nstacks, t.v.nrows);
	ck_assert_uint_eq(t.nodes[nodes[2]].nstacks, 6000);
	ck_assert(!t.nodes[nodes[2]].open);
	for (int q = 0; q < 4; q++) {
		struct tree_hist h = { 0 };
		int64_t want[8];
		int got, steps = 0, n = tree_history(m, &t, nodes[q], want, 8);

		ck_assert_int_eq(n, 4);
		tree_history_begin(m, &t, nodes[q], 8, &h);
		while ((got = tree_history_step(m, &t, &h, 1e-9)) < 0)
			ck_assert_int_lt(++steps, 100);
		ck_assert_int_ge(steps, (int)(t.nodes[nodes[q]].nstacks / 4096));
		ck_assert_int_ge(steps, 1);
		ck_assert_int_eq(got, n);
		for (int j = 0; j < n; j++)
			ck_assert_int_eq(h.v[j], want[j]);
		/* once whole, a step gives the sum again */
		ck_assert_int_eq(tree_history_step(m, &t, &h, 1e-9), n);
		tree_history_end(&h);
		if (q == 2) { /* g1 opened: its 6,000 stacks are below its children */
			tree_sort(&t, nodes[2]);
			ck_assert(t.nodes[nodes[2]].open);
			ck_assert_uint_eq(t.nodes[nodes[2]].nkids, 6000);
			nodes[3] = nodes[2];
		}
	}
	/* a node opened halfway through a sum below it (its rows' lists relinked, nodes
	 * made): the next step begins again and ends with the same sum */
	{
		struct tree_hist h = { 0 };
		uint32_t g0 = child(m, &t, nodes[1], "g0");
		int64_t want[8];
		int got, steps = 0, n = tree_history(m, &t, g0, want, 8);

		ck_assert(!t.nodes[g0].open);
		tree_history_begin(m, &t, g0, 8, &h);
		ck_assert_int_eq(tree_history_step(m, &t, &h, 1e-9), -1);
		tree_sort(&t, g0);
		ck_assert(t.nodes[g0].open);
		while ((got = tree_history_step(m, &t, &h, 1e-9)) < 0)
			ck_assert_int_lt(++steps, 100);
		ck_assert_int_eq(got, n);
		for (int j = 0; j < n; j++)
			ck_assert_int_eq(h.v[j], want[j]);
		tree_history_end(&h);
	}
	/* a sum left halfway is let go */
	{
		struct tree_hist h = { 0 };

		tree_history_begin(m, &t, nodes[3], 8, &h);
		ck_assert_int_eq(tree_history_step(m, &t, &h, 1e-9), -1);
		ck_assert_ptr_nonnull(h.todo);
		tree_history_end(&h);
		ck_assert_ptr_null(h.todo);
	}
	tree_free(&t);
	model_free(m);
}
END_TEST

START_TEST(test_history)
{
	struct model *m = model_new();
	struct tree t;
	int64_t h[8], one[8];
	int n;
	uint32_t i;

	feed(m, 0, SPEC);
	feed(m, 1, SPEC2);
	feed(m, 2, SPEC);
	tree_init(&t);
	build(m, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 0, NULL);
	i = must_path(m, &t, "entry_SYSCALL_64");
	n = tree_history(m, &t, i, h, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(h[0], 127);
	ck_assert_int_eq(h[1], 139);
	ck_assert_int_eq(h[2], 127);
	/* a leaf: its stack's own history */
	i = must_path(m, &t, "ret_from_fork;kthread;worker;brd_submit_bio");
	n = tree_history(m, &t, i, h, 2);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(model_history(m, t.v.rows[t.nodes[i].stacks].s, one, 2), 2);
	ck_assert_int_eq(h[0], one[0]);
	ck_assert_int_eq(h[1], one[1]);
	ck_assert_int_eq(h[0], 25);
	ck_assert_int_eq(h[1], 30);
	tree_free(&t);
	model_free(m);
}
END_TEST

/* /proc/allocinfo: a call site's path is its source directories, file, function and
 * FILE:LINE, top-down; the reverse bottom-up; calls are summed. */
static const char ALLOCINFO[] =
	"allocinfo - version: 1.0\n"
	"#     <size>  <calls> <tag info>\n"
	"    44040192    10752 drivers/block/brd.c:67 [brd] func:brd_insert_page \n"
	"          64        1 drivers/block/brd.c:339 [brd] func:brd_find_or_alloc_device \n"
	"       16384        4 drivers/block/loop.c:1000 func:loop_add \n"
	"     5000000     1000 mm/slub.c:2478 func:alloc_slab_page \n"
	"      315392       77 mm/slub.c:2480 func:alloc_slab_page \n"
	"        4096        1 a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/deep.c:1 func:deep \n"
	"        8192        2 top.c:5 func:top \n";

START_TEST(test_allocinfo)
{
	struct model *m = model_new(), *po = model_new();
	struct tree t;
	uint32_t i;

	model_feed_allocinfo(m, 0, ALLOCINFO);
	tree_init(&t);
	build(m, &t, TREE_TOP_DOWN, KEY_BYTES, 0, 0, NULL);
	check_sums(&t);
	i = must_path(m, &t, "drivers/;block/;brd.c;brd_insert_page [brd];drivers/block/brd.c:67");
	ck_assert_int_eq(t.nodes[i].s.now, 44040192);
	ck_assert_int_eq(t.nodes[i].s.calls, 10752);
	ck_assert(t.nodes[i].caller && t.nodes[i].frame != TREE_NONE && !t.nodes[i].haskids);
	i = must_path(m, &t, "drivers/;block/");
	ck_assert_uint_eq(t.nodes[i].nstacks, 3);
	ck_assert_uint_eq(t.nodes[i].nkids, 2); /* brd.c, loop.c */
	ck_assert_int_eq(t.nodes[i].s.calls, 10752 + 1 + 4);
	ck_assert_str_eq(tree_node_text(m, &t.nodes[t.kids[t.nodes[i].kids]]), "brd.c");
	/* two sites of one function */
	i = must_path(m, &t, "mm/;slub.c;alloc_slab_page");
	ck_assert_uint_eq(t.nodes[i].nkids, 2);
	ck_assert_int_eq(t.nodes[i].s.calls, 1077);
	/* a file in no directory, and directories deeper than a path holds */
	must_path(m, &t, "./;top.c;top;top.c:5");
	i = must_path(m, &t, "a/;b/;c/;d/;e/;f/;g/;h/;i/;j/;k/;l/;m/n/o/p/;deep.c;deep");
	ck_assert_uint_eq(t.nodes[i].depth, ALLOC_PATH_MAX - 2);
	/* by calls: mm/ (1077) before drivers/ (10757) ascending */
	build(m, &t, TREE_TOP_DOWN, KEY_CALLS, 1, 0, NULL);
	i = must_path(m, &t, "drivers/");
	ck_assert_str_eq(tree_node_text(m, &t.nodes[t.kids[t.nroots - 1]]), "drivers/");
	/* bottom-up: from the call site out */
	build(m, &t, TREE_BOTTOM_UP, KEY_BYTES, 0, 0, NULL);
	check_sums(&t);
	ck_assert_str_eq(tree_node_text(m, &t.nodes[t.kids[0]]), "drivers/block/brd.c:67");
	ck_assert(t.nodes[t.kids[0]].caller);
	i = must_path(m, &t, "drivers/block/brd.c:67;brd_insert_page [brd];brd.c;block/;drivers/");
	ck_assert(!t.nodes[i].haskids);
	ck_assert_uint_eq(t.nroots, 7);
	/* threshold and filter apply to the call sites */
	build(m, &t, TREE_TOP_DOWN, KEY_BYTES, 0, 1000000, NULL);
	check_sums(&t);
	ck_assert_uint_eq(t.nroots, 2);
	ck_assert_uint_eq(t.nodes[must_path(m, &t, "drivers/")].nstacks, 1);
	/* the same tree on a page_owner model: frames again */
	feed(po, 0, "prep_new_page;brd_submit_bio [brd];ksys_write=5");
	build(po, &t, TREE_TOP_DOWN, KEY_PAGES, 0, 0, NULL);
	check_sums(&t);
	must_path(po, &t, "ksys_write;brd_submit_bio");
	ck_assert(t.alloc == NULL);
	tree_free(&t);
	model_free(m);
	model_free(po);
}
END_TEST

/* Whether node i or one below matches text: every node below opened (in the build of the
 * last tree_match()), each one's answers compared with its text's. */
static int check_match(const struct model *m, struct tree *t, uint32_t i, const char *text)
{
	int self, below = 0;

	tree_sort(t, i);
	self = strcasestr(tree_node_text(m, &t->nodes[i]), text) != NULL;
	ck_assert_msg(tree_node_match(t, i) == self, "%s: %s", text, tree_node_text(m, &t->nodes[i]));
	for (uint32_t k = 0; k < t->nodes[i].nkids; k++)
		below |= check_match(m, t, t->kids[t->nodes[i].kids + k], text);
	ck_assert_msg(tree_node_holds_match(t, i) == (self || below), "%s at %s",
		      text, tree_node_text(m, &t->nodes[i]));
	return self || below;
}

/* The stacks that hold a match (the view's only; the frames from the caller out, those a
 * path has), as tree_match() counts them. */
static size_t count_match(const struct model *m, const struct tree *t, const char *text)
{
	size_t n = 0;

	for (size_t r = 0; r < t->v.nrows; r++) {
		const struct stack *st = t->v.rows[r].stack;
		int hit = st->nframes ? 0 : strcasestr(model_label(m, st->label), text) != NULL;

		for (unsigned k = st->caller; k < st->nframes; k++)
			hit |= strcasestr(model_frame(m, st->frames[k]), text) != NULL;
		n += hit;
	}
	return n;
}

/* The search knows from the stacks which nodes match and hold a match, made or not, and
 * marks nodes made later; stacks the threshold or filter hide count for nothing. */
START_TEST(test_match)
{
	static const char *const texts[] = { "brd", "brd_submit", "KSYS_", "ksys_write", "alloc",
					     "worker", "entry", "nothing", "get_page_from_freelist" };
	struct model *m = model_new(), *ai = model_new();
	struct tree t;
	struct view_opts o;
	size_t got;

	feed(m, 0, SPEC);
	tree_init(&t);
	view_opts_init(&o);
	for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++)
		for (size_t k = 0; k < ARRAY_SIZE(texts); k++) {
			/* a tree of roots only, then one every node of is made */
			for (int made = 0; made < 2; made++) {
				model_tree(m, &o, (enum tree_mode)mode, &t);
				if (made)
					tree_sort(&t, TREE_NONE);
				got = tree_match(&t, texts[k]);
				ck_assert_uint_eq(got, count_match(m, &t, texts[k]));
				for (size_t r = 0; r < t.nroots; r++)
					check_match(m, &t, t.kids[r], texts[k]);
			}
		}
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_eq(tree_match(&t, "worker"), 1);
	/* a longer text keeps what failed, a shorter one asks again */
	ck_assert_uint_eq(tree_match(&t, "workers"), 0);
	ck_assert_uint_eq(tree_match(&t, "work"), 1);
	/* the only match in a stack under the threshold: none */
	o.threshold.value = 50;
	model_tree(m, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_eq(tree_match(&t, "worker"), 0);
	ck_assert_uint_eq(tree_match(&t, "alloc_inode"), 0);
	ck_assert_uint_eq(tree_match(&t, "ksys_write"), 1);
	check_match(m, &t, t.kids[0], "ksys_write");
	/* allocinfo: the directories and files are nodes of their own */
	o.threshold.value = 0;
	model_feed_allocinfo(ai, 0, ALLOCINFO);
	model_tree(ai, &o, TREE_TOP_DOWN, &t);
	ck_assert_uint_eq(tree_match(&t, "./"), 1);
	ck_assert_uint_eq(tree_match(&t, "brd.c"), 2);
	ck_assert_uint_eq(tree_match(&t, "top.c:5"), 1);
	ck_assert_uint_eq(tree_match(&t, "block/"), 3);
	for (size_t r = 0; r < t.nroots; r++)
		check_match(ai, &t, t.kids[r], "block/");
	model_tree(ai, &o, TREE_BOTTOM_UP, &t);
	ck_assert_uint_eq(tree_match(&t, "drivers/"), 3);
	for (size_t r = 0; r < t.nroots; r++)
		check_match(ai, &t, t.kids[r], "drivers/");
	tree_free(&t);
	model_free(m);
	model_free(ai);
}
END_TEST

/* The search a slice at a time (tree_match_step(), 4,095 rows a step when the deadline has
 * passed) gives what one call does: with nodes made between its steps (it looks at the
 * rows again, those with no match kept), and after a text left halfway (the next does
 * not narrow from it). */
START_TEST(test_match_slices)
{
	/* at an odd place, a text that narrows the one before (but "A3") */
	static const char *const texts[] = { "a1", "a12", "d19", "d199", "a1", "19", "zz",
					     "zzz", "prep", "A3", "b7", "B77" };
	struct model *m = model_new();
	struct sbuf b = { 0 };
	struct tree t;
	struct view_opts o;
	char *text;

	for (int i = 0; i < 20000; i++)
		sb_printf(&b, "%sprep_new_page;d%d;a%d;b%d;c%d=%d", i ? "|" : "", i, i % 37,
			  i % 101, i % 3, 1 + i % 13);
	text = spec_text(b.s);
	model_feed_text(m, 0, text);
	free(text);
	free(b.s);
	tree_init(&t);
	view_opts_init(&o);
	for (int mode = TREE_TOP_DOWN; mode <= TREE_BOTTOM_UP; mode++) {
		for (size_t k = 0; k < ARRAY_SIZE(texts); k++) {
			int steps = 0;

			if (k % 2 == 0) /* the roots only, made again */
				model_tree(m, &o, (enum tree_mode)mode, &t);

			if (k == 5) /* a text left halfway: "19" does not narrow it (the rows
				     * not looked at keep the keys of "a1": a19, not d19xxx) */
				ck_assert_int_eq(tree_match_step(&t, "9", 1), 0);
			while (!tree_match_step(&t, texts[k], 1) && steps < 100) {
				steps++;
				if (steps == 1 && k % 2) { /* nodes made halfway: a root's, its first child's */
					uint32_t root = t.kids[k % t.nroots];

					tree_sort(&t, root);
					if (t.nodes[root].nkids)
						tree_sort(&t, t.kids[t.nodes[root].kids]);
				}
			}
			if (texts[k][0] != 'z')
				ck_assert_int_ge(steps, 4);
			else
				ck_assert_int_eq(steps, 0);
			ck_assert_int_lt(steps, 100);
			ck_assert_uint_eq(tree_match(&t, texts[k]), count_match(m, &t, texts[k]));
			for (size_t r = 0; k % 2 && r < t.nroots; r++) /* every node made */
				check_match(m, &t, t.kids[r], texts[k]);
		}
	}
	tree_free(&t);
	model_free(m);
}
END_TEST

START_TEST(test_mode_names)
{
	enum tree_mode t;

	ck_assert_int_eq(tree_mode_parse("top-down", &t), 0);
	ck_assert_int_eq(t, TREE_TOP_DOWN);
	ck_assert_int_eq(tree_mode_parse("bottom-up", &t), 0);
	ck_assert_int_eq(t, TREE_BOTTOM_UP);
	ck_assert_int_eq(tree_mode_parse("off", &t), 0);
	ck_assert_int_eq(t, TREE_OFF);
	ck_assert_int_eq(tree_mode_parse("up", &t), -1);
	ck_assert_str_eq(tree_mode_name(TREE_BOTTOM_UP), "bottom-up");
}
END_TEST

static Suite *tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_new("tree");

	tcase_add_test(tc, test_top_down);
	tcase_add_test(tc, test_bottom_up);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_order_many);
	tcase_add_test(tc, test_threshold_filter);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_history_flat);
	tcase_add_test(tc, test_history_one_root);
	tcase_add_test(tc, test_history_slices);
	tcase_add_test(tc, test_kept);
	tcase_add_test(tc, test_same_rows);
	tcase_add_test(tc, test_same_view);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_lazy);
	tcase_add_test(tc, test_kept_recording);
	tcase_add_test(tc, test_prefault);
	tcase_add_test(tc, test_allocinfo);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_match_slices);
	tcase_add_test(tc, test_mode_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(tree_suite());
}
