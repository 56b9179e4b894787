/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree.c - the call tree of a sample (model_tree.h): each stack of the flat view
 * walks its path, finding or making a node per frame in a (parent, frame) hash table,
 * and adds its counter to every node of the path; then the children are listed and
 * sorted, node by node. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "model_tree.h"

static const char *const tree_names[TREE__N] = { "off", "top-down", "bottom-up" };

const char *tree_mode_name(enum tree_mode t)
{
	return (unsigned)t < TREE__N ? tree_names[t] : "?";
}

int tree_mode_parse(const char *s, enum tree_mode *t)
{
	for (int i = 0; i < TREE__N; i++)
		if (strcmp(s, tree_names[i]) == 0) {
			*t = (enum tree_mode)i;
			return 0;
		}
	return -1;
}

void tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	view_init(&t->v);
}

void tree_free(struct tree *t)
{
	view_free(&t->v);
	free(t->nodes);
	free(t->kids);
	free(t->next_stack);
	free(t->hkeys);
	free(t->hvals);
	memset(t, 0, sizeof(*t));
}

/* ---- the (parent, key) table: key is a frame id, or 1 << 32 | label for a stack
 * without frames; empty slots hold UINT64_MAX ---- */

static inline uint64_t node_key(uint32_t parent, uint64_t key)
{
	return ((uint64_t)parent << 33) ^ key;
}

static inline size_t slot_of(uint64_t k, size_t cap)
{
	k *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(k >> 32) & (cap - 1);
}

static void table_reset(struct tree *t, size_t want)
{
	size_t cap = 1024;

	while (cap < want * 2)
		cap *= 2;
	if (cap != t->hcap) {
		free(t->hkeys);
		free(t->hvals);
		t->hkeys = xmalloc(cap * sizeof(*t->hkeys));
		t->hvals = xmalloc(cap * sizeof(*t->hvals));
		t->hcap = cap;
	}
	memset(t->hkeys, 0xff, cap * sizeof(*t->hkeys));
}

static void table_grow(struct tree *t)
{
	uint64_t *ok = t->hkeys;
	uint32_t *ov = t->hvals;
	size_t oc = t->hcap, cap = oc * 2;

	t->hkeys = xmalloc(cap * sizeof(*t->hkeys));
	t->hvals = xmalloc(cap * sizeof(*t->hvals));
	memset(t->hkeys, 0xff, cap * sizeof(*t->hkeys));
	t->hcap = cap;
	for (size_t i = 0; i < oc; i++) {
		size_t j;

		if (ok[i] == UINT64_MAX)
			continue;
		for (j = slot_of(ok[i], cap); t->hkeys[j] != UINT64_MAX; j = (j + 1) & (cap - 1))
			;
		t->hkeys[j] = ok[i];
		t->hvals[j] = ov[i];
	}
	free(ok);
	free(ov);
}

/* The child of parent with frame (or label) key: found or made. */
static uint32_t node_get(struct tree *t, uint32_t parent, uint64_t key, uint16_t depth)
{
	uint64_t k = node_key(parent, key);
	size_t j = slot_of(k, t->hcap);
	struct tree_node *n;

	for (; t->hkeys[j] != UINT64_MAX; j = (j + 1) & (t->hcap - 1)) {
		if (t->hkeys[j] == k) {
			uint32_t i = t->hvals[j];

			/* keys mix parent and frame: check both */
			if (t->nodes[i].parent == parent &&
			    (key >> 32 ? t->nodes[i].label == (uint32_t)key && t->nodes[i].frame == TREE_NONE
				       : t->nodes[i].frame == (uint32_t)key))
				return i;
		}
	}
	if (t->nnodes == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof(*t->nodes));
	}
	n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->frame = key >> 32 ? TREE_NONE : (uint32_t)key;
	n->label = key >> 32 ? (uint32_t)key : TREE_NONE;
	n->parent = parent;
	n->depth = depth;
	n->stacks = TREE_NONE;
	n->example = TREE_NONE;
	n->s.first_seen = UINT32_MAX;
	t->hkeys[j] = k;
	t->hvals[j] = (uint32_t)t->nnodes;
	if (++t->nnodes * 2 > t->hcap)
		table_grow(t);
	return (uint32_t)(t->nnodes - 1);
}

/* Adds a stack's counter to a node's. */
static void node_add(const struct model *m, struct tree_node *n, const struct stack *st)
{
	const struct counter *c = &st->s;

	n->s.now = sat_add(n->s.now, c->now);
	n->s.prev = sat_add(n->s.prev, c->prev);
	n->s.base = sat_add(n->s.base, c->base);
	n->s.delta = sat_add(n->s.delta, c->delta);
	n->s.delta_base = sat_add(n->s.delta_base, c->delta_base);
	n->s.rate += c->rate;
	if (c->peak > n->s.peak)
		n->s.peak = c->peak;
	if (c->score > n->s.score)
		n->s.score = c->score;
	if (c->first_seen < n->s.first_seen)
		n->s.first_seen = c->first_seen;
	if (c->last_changed > n->s.last_changed)
		n->s.last_changed = c->last_changed;
	if (!n->nstacks++ || c->now > stack_at(m, n->example)->s.now)
		n->example = st->id;
}

/* One stack (view row r) down its path. */
static void tree_add(const struct model *m, struct tree *t, const struct stack *st, uint32_t r)
{
	uint32_t parent = TREE_NONE;
	uint16_t depth = 0;
	int first, last, step;

	if (!st->nframes) {
		parent = node_get(t, TREE_NONE, 1ULL << 32 | st->label, 0);
		node_add(m, &t->nodes[parent], st);
	} else {
		if (t->mode == TREE_TOP_DOWN) {
			first = st->nframes - 1;
			last = st->caller;
			step = -1;
		} else {
			first = st->caller;
			last = st->nframes - 1;
			step = 1;
		}
		for (int i = first;; i += step) {
			uint32_t k = node_get(t, parent, st->frames[i], depth++);
			struct tree_node *n = &t->nodes[k];

			node_add(m, n, st);
			if (i == st->caller)
				n->caller = 1;
			parent = k;
			if (i == last)
				break;
		}
	}
	t->next_stack[r] = t->nodes[parent].stacks;
	t->nodes[parent].stacks = r;
}

/* ---- ordering the children ---- */

struct kid_order {
	const struct model *m;
	const struct tree *t;
	enum sort_key key;
	int ascending;
};

static double node_sort_key(const struct tree_node *n, enum sort_key k)
{
	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES: return (double)n->s.now;
	case KEY_DELTA: return (double)n->s.delta;
	case KEY_RATE: return n->s.rate;
	case KEY_DELTA_BASE: return (double)n->s.delta_base;
	case KEY_PEAK: return (double)n->s.peak;
	case KEY_SCORE: return n->s.score;
	case KEY_FIRST_SEEN: return (double)n->s.first_seen;
	default: return 0;
	}
}

static int cmp_kids(const void *a, const void *b, void *arg)
{
	const struct kid_order *o = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct tree_node *x = &o->t->nodes[i], *y = &o->t->nodes[j];
	int c;

	if (o->key == KEY_LABEL) {
		c = strcmp(tree_node_text(o->m, x), tree_node_text(o->m, y));
		if (!o->ascending)
			c = -c;
	} else {
		double kx = node_sort_key(x, o->key), ky = node_sort_key(y, o->key);

		c = kx < ky ? -1 : kx > ky;
		if (!o->ascending)
			c = -c;
	}
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/* Lists each node's children (roots first) and sorts every list. */
static void tree_link(const struct model *m, struct tree *t, const struct view_opts *o)
{
	struct kid_order ord = { m, t, o->key, o->ascending };
	uint32_t *fill;
	size_t pos;

	t->kids = xreallocarray(t->kids, t->nnodes ? t->nnodes : 1, sizeof(*t->kids));
	t->nroots = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		n->nkids = 0;
		if (n->parent == TREE_NONE)
			t->nroots++;
		else
			t->nodes[n->parent].nkids++;
	}
	pos = t->nroots;
	for (size_t i = 0; i < t->nnodes; i++) {
		t->nodes[i].kids = (uint32_t)pos;
		pos += t->nodes[i].nkids;
	}
	/* count again while filling: nkids is each list's fill level */
	fill = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*fill));
	pos = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct tree_node *n = &t->nodes[i];

		if (n->parent == TREE_NONE)
			t->kids[pos++] = (uint32_t)i;
		else
			t->kids[t->nodes[n->parent].kids + fill[n->parent]++] = (uint32_t)i;
	}
	free(fill);
	if (t->nroots > 1)
		qsort_r(t->kids, t->nroots, sizeof(*t->kids), cmp_kids, &ord);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct tree_node *n = &t->nodes[i];

		if (n->nkids > 1)
			qsort_r(t->kids + n->kids, n->nkids, sizeof(*t->kids), cmp_kids, &ord);
	}
}

void model_tree(struct model *m, const struct view_opts *o, enum tree_mode mode,
		struct tree *t)
{
	struct view_opts vo = *o;
	size_t paths = 0;

	vo.group = GROUP_STACK;
	vo.limit = 0;
	vo.top_only = 0;
	model_view(m, &vo, &t->v);
	t->mode = mode == TREE_BOTTOM_UP ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
	t->nnodes = 0;
	t->nroots = 0;
	for (size_t i = 0; i < t->v.nrows; i++) {
		const struct stack *st = t->v.rows[i].stack;

		paths += st->nframes ? (size_t)(st->nframes - st->caller) : 1;
	}
	/* a guess: stacks share most of their paths */
	table_reset(t, paths / 4 + 64);
	t->next_stack = xreallocarray(t->next_stack, t->v.nrows ? t->v.nrows : 1,
				      sizeof(*t->next_stack));
	for (size_t i = 0; i < t->v.nrows; i++)
		tree_add(m, t, t->v.rows[i].stack, (uint32_t)i);
	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if (n->s.now > n->s.peak)
			n->s.peak = n->s.now;
	}
	tree_link(m, t, o);
}

const char *tree_node_text(const struct model *m, const struct tree_node *n)
{
	return n->frame == TREE_NONE ? model_label(m, n->label) : model_frame(m, n->frame);
}

size_t tree_path(const struct tree *t, uint32_t i, uint32_t *out, size_t n)
{
	size_t d = (size_t)t->nodes[i].depth + 1, k = d < n ? d : n;

	/* walk up, writing from the end of the path; parts past n are not written */
	for (size_t p = d; p-- > 0; i = t->nodes[i].parent)
		if (p < k)
			out[p] = t->nodes[i].frame;
	return k;
}

int tree_history(const struct model *m, const struct tree *t, uint32_t i, int64_t *out, int n)
{
	int64_t *one = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(*one));
	uint32_t *todo = xmalloc((t->nnodes ? t->nnodes : 1) * sizeof(*todo));
	size_t ntodo = 0;
	int filled = 0;

	for (int k = 0; k < n; k++)
		out[k] = 0;
	todo[ntodo++] = i;
	while (ntodo) {
		const struct tree_node *nd = &t->nodes[todo[--ntodo]];

		for (uint32_t r = nd->stacks; r != TREE_NONE; r = t->next_stack[r]) {
			int got = model_history(m, t->v.rows[r].s, one, n);

			/* both end at the current sample: add them aligned at the end */
			for (int k = 0; k < got; k++)
				out[n - got + k] = sat_add(out[n - got + k], one[k]);
			if (got > filled)
				filled = got;
		}
		for (uint32_t k = 0; k < nd->nkids; k++)
			todo[ntodo++] = t->kids[nd->kids + k];
	}
	if (filled < n)
		memmove(out, out + n - filled, (size_t)filled * sizeof(*out));
	free(one);
	free(todo);
	return filled;
}
