/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree.c - the call tree of a sample (model_tree.h), made as far as it is looked
 * at: the roots, and the children of the nodes tree_sort() opened. Each stack of the flat
 * view finds the deepest made node on its path (remembered from the build before, else
 * walked from its root, found by frame in an array, through a (parent, frame) hash
 * table) and adds its numbers there; one pass from
 * the last node to the first adds each node into its parent (a child is made after its
 * parent); one from the first lists the children; the roots are sorted. Opening a node
 * hands its stacks on to its children, made then (doc/internals.md). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model_int.h"
#include "model_tree.h"
#include "model_tree_alloc.h"
#include "parse.h"

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

struct tree_slot {
	/* parent << 32 | frame (or LABEL_KEY | label), or EMPTY, in two halves: 12 bytes a
	 * slot, not 16 */
	uint32_t key_lo, key_hi;
	uint32_t node;
};

struct tree_leaf {
	uint64_t hash;            /* the stack's, when its path was walked */
	uint32_t node;            /* where its path ends */
	uint32_t gen;
	uint16_t caller, nframes;
};

#define EMPTY UINT64_MAX

static inline uint64_t slot_key(const struct tree_slot *s)
{
	return (uint64_t)s->key_hi << 32 | s->key_lo;
}

static inline void slot_set(struct tree_slot *s, uint64_t k, uint32_t node)
{
	s->key_lo = (uint32_t)k;
	s->key_hi = (uint32_t)(k >> 32);
	s->node = node;
}
#define LABEL_KEY 0x80000000u     /* frame ids stay below */
#define PREFETCH 16               /* rows ahead */

struct tree_match {
	char *text;
	uint32_t gen;             /* the tree's (its model's) the answers by key are of */
	uint32_t build;           /* the build the rows' answers and the marks are of */
	uint8_t *frames, *labels; /* by frame / label id: 0 not asked, 1 no, 2 a match */
	size_t nframes, nlabels;
	uint8_t *deepest;         /* by view row: the deepest matching depth, or NO_MATCH */
	size_t nrows, nmatch;     /* rows; those with a match */
	/* by view row, with a match: its path's key at that depth and the node marked for
	 * it (while the tree has keyed_nnodes nodes): a longer text whose answer for that
	 * key is still yes has the same deepest match, known without the stack */
	uint32_t *key, *node;
	size_t nkeyed, keyed_nnodes;
	uint32_t *mark;           /* by node: mark_gen when it or a node below matches */
	size_t nmark;
	uint32_t mark_gen;
	/* tree_match_step(): the next row to look at (nrows: the answer is whole), and how */
	size_t next;
	int narrow, fast;
};

#define NO_MATCH 0xff             /* depths stay below STACK_MAX_FRAMES */

static void match_free(struct tree_match *mt)
{
	if (!mt)
		return;
	free(mt->text);
	free(mt->frames);
	free(mt->labels);
	free(mt->deepest);
	free(mt->key);
	free(mt->node);
	free(mt->mark);
	free(mt);
}

static void match_mark(struct tree *t, uint32_t i);

void tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	view_init(&t->v);
}

void tree_free(struct tree *t)
{
	xhuge_free(t->v.rows, t->v.cap * sizeof(*t->v.rows));
	t->v.rows = NULL;
	view_free(&t->v);
	xhuge_free(t->nodes, t->cap * sizeof(*t->nodes));
	free(t->kids);
	xhuge_free(t->next_stack, t->next_cap * sizeof(*t->next_stack));
	free(t->slots);
	free(t->root_of);
	xhuge_free(t->leaves, t->nleaves * sizeof(*t->leaves));
	free(t->child_of);
	xhuge_free(t->last_rows, t->last_cap * sizeof(*t->last_rows));
	xhuge_free(t->row_map, t->row_map_cap * sizeof(*t->row_map));
	free(t->mark);
	free(t->moved);
	if (t->alloc)
		tree_alloc_free(t->alloc);
	free(t->alloc);
	match_free(t->match);
	memset(t, 0, sizeof(*t));
}

/* ---- the (parent, key) table ---- */

static inline size_t slot_of(uint64_t k, size_t n)
{
	k *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(k >> 40) & (n - 1);
}

static void table_grow(struct tree *t)
{
	struct tree_slot *old = t->slots;
	size_t on = t->nslots, n = on ? on * 2 : 4096;

	t->slots = xmalloc(n * sizeof(*t->slots));
	for (size_t i = 0; i < n; i++)
		slot_set(&t->slots[i], EMPTY, 0);
	t->nslots = n;
	for (size_t i = 0; i < on; i++) {
		size_t j;

		if (slot_key(&old[i]) == EMPTY)
			continue;
		for (j = slot_of(slot_key(&old[i]), n); slot_key(&t->slots[j]) != EMPTY;
		     j = (j + 1) & (n - 1))
			;
		t->slots[j] = old[i];
	}
	free(old);
}

/* The large arrays (nodes, leaves, rows) are mappings of their own. Readied ahead of
 * the first build (tree_prefault()) they are huge pages, faulted in while the screen
 * waits. Else the first build's rows and leaves are small pages faulted in at once: a
 * huge page is a free 2 MiB block, which under a hypervisor that takes free guest memory
 * back faults in anew (up to 5 ms a page measured), while small pages come from memory
 * just freed; and its nodes are in huge pages where the kernel has them (a whole tree of
 * 100,000 stacks: thousands of faults less, few TLB entries) but for the first 8 MiB, in
 * small pages as they are reached: a screen's tree makes a few thousand nodes, `*` on a
 * root tens of thousands. Both are freed by xhuge_free(), which unmaps the length
 * rounded as here. */
#define SMALL_MAX (2u << 20)
#define NODES_SMALL (8u << 20)     /* 65,536 nodes */

static void *small_alloc(size_t n, size_t fill)
{
	size_t unit = n >= SMALL_MAX ? SMALL_MAX : 4096, len;
	char *p;

	if (!n || n > SIZE_MAX - SMALL_MAX)
		return xhuge_alloc(n);
	len = (n + unit - 1) / unit * unit;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return xhuge_alloc(n);
#ifdef MADV_POPULATE_WRITE
	if (fill) /* a hint: before Linux 5.14, a fault a page */
		madvise(p, (fill + 4095) / 4096 * 4096, MADV_POPULATE_WRITE);
#endif
	return p;
}

static void *nodes_alloc(size_t n)
{
	void *p = xhuge_alloc(n);

#ifdef MADV_NOHUGEPAGE
	madvise(p, n < NODES_SMALL ? n : NODES_SMALL, MADV_NOHUGEPAGE);
#endif
	return p;
}

/* p of *n elements grows to n (the new ones zero): in huge pages; first: the first
 * build's rows or leaves (1), the first fill elements faulted in, or nodes (2). */
static void *array_grow(void *p, size_t *n, size_t to, size_t size, int first, size_t fill)
{
	void *q = first == 2 ? nodes_alloc(to * size) :
		  first ? small_alloc(to * size, fill * size) : xhuge_alloc(to * size);

	if (p)
		memcpy(q, p, *n * size);
	xhuge_free(p, *n * size);
	*n = to;
	return q;
}

/* Forgets every node (another model or mode, or too many nodes no stack reaches). */
static void tree_reset(struct tree *t)
{
	t->nnodes = 0;
	for (size_t i = 0; i < t->nslots; i++)
		slot_set(&t->slots[i], EMPTY, 0);
	t->nslots_used = 0;
	if (t->root_of)
		memset(t->root_of, 0, t->nroot_of * sizeof(*t->root_of));
	t->gen++;
	t->last_ok = 0;
}

/* A new node, the child of parent with frame (or LABEL_KEY | label) key. */
static uint32_t node_new(struct tree *t, uint32_t parent, uint32_t key, uint16_t depth)
{
	struct tree_node *n;

	if (t->nnodes == t->cap)
		t->nodes = array_grow(t->nodes, &t->cap, t->cap ? t->cap * 2 : 4096,
				      sizeof(*t->nodes), 0, 0);
	n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->frame = key & LABEL_KEY ? TREE_NONE : key;
	n->label = key & LABEL_KEY ? key & ~LABEL_KEY : TREE_NONE;
	n->parent = parent;
	n->depth = depth;
	n->stacks = n->example = TREE_NONE;
	n->s.first_seen = UINT32_MAX;
	if (t->alloc && !(key & LABEL_KEY))
		n->label = tree_alloc_site_label(t->alloc, key);
	return (uint32_t)t->nnodes++;
}

/* The child of parent with frame (or LABEL_KEY | label) key: found or made. */
static uint32_t node_get(struct tree *t, uint32_t parent, uint32_t key, uint16_t depth)
{
	uint64_t k = (uint64_t)parent << 32 | key;
	size_t j = slot_of(k, t->nslots);
	uint32_t i;

	for (; slot_key(&t->slots[j]) != EMPTY; j = (j + 1) & (t->nslots - 1))
		if (slot_key(&t->slots[j]) == k)
			return t->slots[j].node;
	i = node_new(t, parent, key, depth);
	slot_set(&t->slots[j], k, i);
	if (++t->nslots_used * 2 > t->nslots)
		table_grow(t);
	return i;
}

/* The root of key: found or made. */
static inline uint32_t root_get(struct tree *t, uint32_t key)
{
	if (key & LABEL_KEY)
		return node_get(t, TREE_NONE, key, 0);
	if (key >= t->nroot_of)
		t->root_of = xgrow_zeroed(t->root_of, &t->nroot_of, key, sizeof(*t->root_of));
	if (!t->root_of[key])
		t->root_of[key] = node_new(t, TREE_NONE, key, 0) + 1;
	return t->root_of[key] - 1;
}

/* A stack's path: its length (frames from the outermost, or from the caller, to the
 * other end; a stack without frames is its label; an allocinfo call site its source
 * path) and its key at depth d. */
static inline unsigned path_len(const struct tree *t, const struct stack *st)
{
	unsigned n = st->nframes ? (unsigned)(st->nframes - st->caller) : 1;

	if (t->alloc && tree_alloc_len(t->alloc, st))
		return tree_alloc_len(t->alloc, st);
	return n < STACK_MAX_FRAMES ? n : STACK_MAX_FRAMES;
}

static inline uint32_t path_at(const struct tree *t, const struct stack *st, unsigned d)
{
	enum tree_mode mode = t->mode;
	unsigned n;

	if (t->alloc && (n = tree_alloc_len(t->alloc, st)) != 0)
		return t->alloc->keys[st->id][mode == TREE_TOP_DOWN ? d : n - 1 - d];
	if (!st->nframes)
		return LABEL_KEY | st->label;
	return mode == TREE_TOP_DOWN ? st->frames[st->nframes - 1 - d] : st->frames[st->caller + d];
}

/* The deepest made node on a stack's path: the one remembered (if it was opened since,
 * on down from it), or walked to from its root. all: every node on the way is opened,
 * the path walked to its end. */
static uint32_t stack_leaf(struct tree *t, const struct stack *st, int all)
{
	struct tree_leaf *lf = &t->leaves[st->id];
	unsigned len = path_len(t, st), d;
	uint32_t node;

	if (lf->gen == t->gen && lf->hash == st->hash && lf->caller == st->caller &&
	    lf->nframes == st->nframes) {
		node = lf->node;
		if (!t->nodes[node].open && !all)
			return node;
		d = t->nodes[node].depth;
	} else {
		node = root_get(t, path_at(t, st, 0));
		d = 0;
		lf->hash = st->hash;
		lf->gen = t->gen;
		lf->caller = st->caller;
		lf->nframes = st->nframes;
	}
	for (; (all || t->nodes[node].open) && d + 1 < len; d++) {
		t->nodes[node].open = 1;
		node = node_get(t, node, path_at(t, st, d + 1), (uint16_t)(d + 1));
	}
	lf->node = node;
	return node;
}

/* What stack_leaf() reads of a stack, asked for ahead (the stacks are anywhere): its
 * leaf, its outermost and caller frames' ids. */
static inline void leaf_prefetch(const struct tree *t, const struct stack *st)
{
	__builtin_prefetch(&t->leaves[st->id], 1);
	if (st->nframes) {
		__builtin_prefetch(&st->frames[st->caller]);
		__builtin_prefetch(&st->frames[st->nframes - 1]);
	}
}

/* Adds a stack's numbers, or a child's, to a node's (not the rate: node_rate()): b's,
 * and the highest peak of one stack of b's, with how many stacks of b's are at that
 * peak, at b's score and at its first_seen. */
static inline __attribute__((always_inline)) void sum_add(struct tree_node *n,
							  const struct tree_sum *b, int64_t speak,
							  uint32_t npeak, uint32_t nscore,
							  uint32_t nfirst)
{
	struct tree_sum *a = &n->s;

	a->now = sat_add(a->now, b->now);
	a->delta = sat_add(a->delta, b->delta);
	a->delta_base = sat_add(a->delta_base, b->delta_base);
	if (b->peak > a->peak)
		a->peak = b->peak;
	if (speak > n->speak) {
		n->speak = speak;
		n->npeak = npeak;
	} else if (speak == n->speak) {
		n->npeak += npeak;
	}
	if (b->score > a->score) {
		a->score = b->score;
		n->nscore = nscore;
	} else if (b->score == a->score) {
		n->nscore += nscore;
	}
	if (b->first_seen < a->first_seen) {
		a->first_seen = b->first_seen;
		n->nfirst = nfirst;
	} else if (b->first_seen == a->first_seen) {
		n->nfirst += nfirst;
	}
	a->calls = sat_add(a->calls, b->calls);
}

/* Whether a stack's numbers keep a tree from being updated in place exactly: pages or
 * calls negative or from 2^40 on, a delta 2^40 or more away from 0 (the sums of 2^22 of
 * them stay far from saturating). */
static inline uint64_t counter_wide(const struct counter *c)
{
	const uint64_t lim = 1ull << 40;

	return (((uint64_t)c->now | (uint64_t)c->calls) >> 40) |
	       (((uint64_t)c->delta + lim) >> 41) | (((uint64_t)c->delta_base + lim) >> 41);
}

static inline __attribute__((always_inline)) void example_add(struct tree_node *n, uint32_t id, int64_t now)
{
	if (n->example == TREE_NONE || now > n->example_now ||
	    (now == n->example_now && id < n->example)) {
		n->example = id;
		n->example_now = now;
	}
}

/* A node's rate: every stack's is its delta over the sample's interval, so the sum is
 * the summed delta's, the same in whatever order the stacks came (a sum of the rates
 * would differ in its last bits, enough for a -0.0 or another order of equal nodes). */
static inline void node_rate(const struct tree *t, struct tree_node *n)
{
	n->s.rate = t->dt > 0 ? (double)n->s.delta / t->dt : 0;
}

/* Numbers the nodes of a tree walked whole depth-first (a node's subtree right after it),
 * so that the passes of later builds find a node's parent among the nodes they just saw
 * (in the cache), not anywhere in the array: the first position of a node is its
 * parent's next free one, its subtree's size the space it takes there. Every node has
 * stacks in this build, and nkids counts its children. */
static void tree_renumber(struct tree *t)
{
	size_t nn = t->nnodes, next_root = 0;
	uint32_t *size = xmalloc(nn * sizeof(*size)), *pos = xmalloc(nn * sizeof(*pos));
	uint32_t *free_pos = xmalloc(nn * sizeof(*free_pos));
	struct tree_node *nodes = xhuge_alloc(nn * sizeof(*nodes)); /* no room to spare */

	for (size_t i = 0; i < nn; i++)
		size[i] = 1;
	for (size_t i = nn; i-- > 0;)
		if (t->nodes[i].parent != TREE_NONE)
			size[t->nodes[i].parent] += size[i];
	for (size_t i = 0; i < nn; i++) {
		uint32_t p = t->nodes[i].parent;

		if (p == TREE_NONE) {
			pos[i] = (uint32_t)next_root;
			next_root += size[i];
		} else {
			pos[i] = free_pos[p];
			free_pos[p] += size[i];
		}
		free_pos[i] = pos[i] + 1;
	}
	for (size_t i = 0; i < nn; i++) {
		struct tree_node *n = &nodes[pos[i]];

		*n = t->nodes[i];
		if (n->parent != TREE_NONE)
			n->parent = pos[n->parent];
	}
	xhuge_free(t->nodes, t->cap * sizeof(*t->nodes));
	t->nodes = nodes;
	t->cap = nn;
	for (size_t j = 0; j < t->nslots; j++)
		slot_set(&t->slots[j], EMPTY, 0);
	t->nslots_used = 0;
	for (size_t i = 0; i < nn; i++) {
		const struct tree_node *n = &nodes[i];
		uint32_t key = n->frame != TREE_NONE ? n->frame : LABEL_KEY | n->label;
		uint64_t k = (uint64_t)n->parent << 32 | key;
		size_t j = slot_of(k, t->nslots);

		if (n->parent == TREE_NONE && !(key & LABEL_KEY)) {
			t->root_of[key] = (uint32_t)i + 1;
			continue;
		}
		for (; slot_key(&t->slots[j]) != EMPTY; j = (j + 1) & (t->nslots - 1))
			;
		slot_set(&t->slots[j], k, (uint32_t)i);
		t->nslots_used++;
	}
	for (size_t i = 0; i < t->nleaves; i++)
		if (t->leaves[i].gen == t->gen)
			t->leaves[i].node = pos[t->leaves[i].node];
	free(size);
	free(pos);
	free(free_pos);
}

/* ---- ordering the children ---- */

static double node_sort_key(const struct tree_node *n, enum sort_key k)
{
	switch (k) {
	case KEY_PAGES:
	case KEY_SHARE:
	case KEY_BYTES: return (double)n->s.now;
	case KEY_CALLS: return (double)n->s.calls;
	case KEY_AVG: return n->s.calls > 0 ? (double)(n->s.now / n->s.calls) : 0;
	case KEY_DELTA: return (double)n->s.delta;
	case KEY_RATE: return n->s.rate;
	case KEY_DELTA_BASE: return (double)n->s.delta_base;
	case KEY_PEAK: return (double)n->s.peak;
	case KEY_SCORE: return n->s.score;
	case KEY_FIRST_SEEN: return (double)n->s.first_seen;
	default: return 0;
	}
}

/* A child as sorting sees it: its key, its largest stack (siblings have different ones:
 * ties are broken by it, a total order), the node. */
struct tree_key {
	double key;
	uint32_t example, node;
};

struct kid_order {
	const struct model *m;
	const struct tree *t;
	enum sort_key key;
	int ascending;
};

static int kid_cmp(const struct kid_order *o, const struct tree_key *x, const struct tree_key *y)
{
	int c;

	if (o->key == KEY_LABEL)
		c = strcmp(tree_node_text(o->m, &o->t->nodes[x->node]),
			   tree_node_text(o->m, &o->t->nodes[y->node]));
	else
		c = x->key < y->key ? -1 : x->key > y->key;
	if (c)
		return o->ascending ? c : -c;
	return x->example < y->example ? -1 : x->example > y->example;
}

static int cmp_kids(const void *a, const void *b, void *arg)
{
	return kid_cmp(arg, a, b);
}

/* kid_cmp() < 0 for keys that are numbers, inlined. */
static inline int key_before(const struct tree_key *x, const struct tree_key *y, int ascending)
{
	int c = x->key < y->key ? -1 : x->key > y->key;

	if (c)
		return ascending ? c < 0 : c > 0;
	return x->example < y->example;
}

/* Many children by a number (the roots of 100,000 stacks may be tens of thousands): a
 * merge sort with the comparison inlined, runs of 8 sorted by insertion first. The order
 * is total: the same as qsort_r() with kid_cmp(). */
static void sort_keys(struct tree_key *e, size_t n, int ascending)
{
	struct tree_key *tmp = xmalloc(n * sizeof(*tmp)), *a = e, *b = tmp, *x;

	for (size_t lo = 0; lo < n; lo += 8)
		for (size_t i = lo + 1; i < lo + 8 && i < n; i++) {
			struct tree_key v = e[i];
			size_t j = i;

			for (; j > lo && key_before(&v, &e[j - 1], ascending); j--)
				e[j] = e[j - 1];
			e[j] = v;
		}
	for (size_t w = 8; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = key_before(&a[j], &a[i], ascending) ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		x = a;
		a = b;
		b = x;
	}
	if (a != e)
		memcpy(e, a, n * sizeof(*e));
	free(tmp);
}

/* Sorts a children list: the keys are gathered first (one look at each node); most
 * lists are short: insertion sort, else qsort_r(). */
static void sort_kids(const struct kid_order *o, uint32_t *k, size_t n)
{
	struct tree_key small[16], *e = n <= 16 ? small : xmalloc(n * sizeof(*e));

	if (n < 2)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct tree_node *nd = &o->t->nodes[k[i]];

		e[i] = (struct tree_key){ node_sort_key(nd, o->key), nd->example, k[i] };
	}
	if (n > 16 && o->key != KEY_LABEL) {
		sort_keys(e, n, o->ascending);
	} else if (n > 16) {
		qsort_r(e, n, sizeof(*e), cmp_kids, (void *)o);
	} else {
		for (size_t i = 1; i < n; i++) {
			struct tree_key v = e[i];
			size_t j = i;

			for (; j > 0 && kid_cmp(o, &v, &e[j - 1]) < 0; j--)
				e[j] = e[j - 1];
			e[j] = v;
		}
	}
	for (size_t i = 0; i < n; i++)
		k[i] = e[i].node;
out:
	if (e != small)
		free(e);
}

/* A node's numbers for this build: 0 until the first stack comes. */
static inline struct tree_node *node_touch(struct tree *t, uint32_t i)
{
	struct tree_node *n = &t->nodes[i];

	if (n->build != t->build) {
		memset(&n->s, 0, sizeof(n->s));
		n->s.first_seen = UINT32_MAX;
		n->nstacks = n->nkids = 0;
		n->stacks = n->example = TREE_NONE;
		n->example_now = 0;
		n->haskids = 0;
		n->caller = t->mode == TREE_BOTTOM_UP && n->depth == 0 && n->frame != TREE_NONE;
		n->speak = 0;
		n->npeak = n->nscore = n->nfirst = 0;
		n->build = t->build;
	}
	return n;
}

/* Adds the stack of view row r to node i (the deepest made node on its path). */
static inline __attribute__((always_inline)) void row_add(struct tree *t, uint32_t i, uint32_t r)
{
	const struct stack *st = t->v.rows[r].stack;
	const struct counter *c = &st->s;
	struct tree_node *n = node_touch(t, i);
	struct tree_sum one = { c->now, c->delta, c->delta_base, c->peak, 0, c->score,
				c->first_seen, c->calls };

	sum_add(n, &one, c->peak, 1, 1, 1);
	t->sums_wide |= counter_wide(c) != 0;
	n->nstacks++;
	example_add(n, st->id, c->now);
	if (path_len(t, st) > (unsigned)n->depth + 1)
		n->haskids = 1;
	else if (t->mode == TREE_TOP_DOWN && n->frame != TREE_NONE)
		n->caller = 1; /* a stack ends here */
	t->next_stack[r] = n->stacks;
	n->stacks = r;
}

/* Room for n more entries in the children lists. */
static void kids_room(struct tree *t, size_t n)
{
	if (t->nkids_used + n > t->kids_cap) {
		t->kids_cap = t->nkids_used + n > 2 * t->kids_cap ? t->nkids_used + n : 2 * t->kids_cap;
		t->kids = xreallocarray(t->kids, t->kids_cap ? t->kids_cap : 1, sizeof(*t->kids));
	}
}

/* Makes the children of node i (which has stacks in this build and was not opened): its
 * stacks that go on below go to them, the others stay; the list is not sorted yet. */
static void tree_open(struct tree *t, uint32_t i)
{
	uint32_t r = t->nodes[i].stacks, first = (uint32_t)t->nnodes;
	unsigned d = t->nodes[i].depth + 1u;
	/* a search of this build: the children holding a match are marked as they come */
	const struct tree_match *match = t->match && t->match->build == t->build &&
					 t->match->nrows == t->v.nrows ? t->match : NULL;

	t->nodes[i].open = 1;
	t->nodes[i].stacks = TREE_NONE;
	/* the children by frame in child_of (their index + 1), not through the table: it is
	 * looked up once a child, not once a stack */
	for (uint32_t next; r != TREE_NONE; r = next) {
		const struct stack *st = t->v.rows[r].stack;

		next = t->next_stack[r];
		if (path_len(t, st) <= d) {
			t->next_stack[r] = t->nodes[i].stacks;
			t->nodes[i].stacks = r;
		} else {
			uint32_t f = path_at(t, st, d), c;

			if (f & LABEL_KEY) { /* an allocinfo path's: through the table */
				c = node_get(t, i, f, (uint16_t)d);
				row_add(t, c, r);
				t->leaves[st->id].node = c;
				if (match && match->deepest[r] != NO_MATCH && match->deepest[r] >= d)
					match_mark(t, c);
				continue;
			}
			if (f >= t->nchild_of) {
				size_t n = (size_t)f + 1 + f / 2;

				t->child_of = xreallocarray(t->child_of, n, sizeof(*t->child_of));
				memset(t->child_of + t->nchild_of, 0,
				       (n - t->nchild_of) * sizeof(*t->child_of));
				t->nchild_of = n;
			}
			c = t->child_of[f];
			if (!c--) {
				c = node_get(t, i, f, (uint16_t)d);
				t->child_of[f] = c + 1;
			}
			row_add(t, c, r);
			t->leaves[st->id].node = c;
			if (match && match->deepest[r] != NO_MATCH && match->deepest[r] >= d)
				match_mark(t, c);
		}
	}
	/* every child is new: a node not opened has none (and a stack without frames, whose
	 * key is no frame, no children) */
	struct tree_node *n = &t->nodes[i];

	n->nkids = (uint32_t)(t->nnodes - first);
	kids_room(t, n->nkids);
	n->kids = (uint32_t)t->nkids_used;
	for (uint32_t k = 0; k < n->nkids; k++) {
		struct tree_node *c = &t->nodes[first + k];

		if (c->s.now > c->s.peak)
			c->s.peak = c->s.now;
		node_rate(t, c);
		if (c->frame != TREE_NONE)
			t->child_of[c->frame] = 0;
		t->kids[t->nkids_used++] = first + k;
	}
	t->nshown += n->nkids;
	n->sorted = n->nkids < 2;
}

/* Lists the children of the opened nodes with stacks (roots first), in one pass from the
 * first node on (a parent comes before its children); sorts the roots. */
static void tree_link(struct tree *t)
{
	struct kid_order ord = { t->m, t, t->key, t->ascending };
	size_t pos = t->nroots, root = 0;

	t->nkids_used = 0;
	kids_room(t, t->nnodes);
	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if (n->build != t->build)
			continue;
		n->kids = (uint32_t)pos;
		pos += n->nkids;
		n->sorted = n->open && n->nkids < 2;
		n->nkids = 0; /* counts again as they come */
		if (n->parent == TREE_NONE) {
			t->kids[root++] = (uint32_t)i;
		} else {
			struct tree_node *p = &t->nodes[n->parent];

			t->kids[p->kids + p->nkids++] = (uint32_t)i;
		}
	}
	t->nkids_used = pos;
	sort_kids(&ord, t->kids, t->nroots);
}

static void tree_pass(struct tree *t, int all);

static void sort_node(struct tree *t, uint32_t i)
{
	struct kid_order ord = { t->m, t, t->key, t->ascending };
	struct tree_node *n = &t->nodes[i];

	if (n->sorted || n->build != t->build)
		return;
	if (!n->open)
		tree_open(t, i);
	n = &t->nodes[i];
	sort_kids(&ord, t->kids + n->kids, n->nkids);
	n->sorted = 1;
}

void tree_sort(struct tree *t, uint32_t i)
{
	if (i != TREE_NONE) {
		sort_node(t, i);
		return;
	}
	/* one walk of every stack's whole path in the order of the stacks (in memory), the
	 * build's sums again: not node by node, each a walk through its stacks anywhere */
	for (size_t k = 0; k < t->nnodes; k++)
		if (t->nodes[k].build == t->build && !t->nodes[k].open && t->nodes[k].haskids) {
			tree_pass(t, 1);
			break;
		}
	/* nodes opened here come after, and are sorted in turn */
	for (size_t k = 0; k < t->nnodes; k++)
		sort_node(t, (uint32_t)k);
}

/* A build's passes over the view's rows (all: every path walked to its end, every node
 * opened). */
static void tree_pass(struct tree *t, int all)
{
	if (++t->build == 0) { /* wrapped: no node may look current */
		for (size_t i = 0; i < t->nnodes; i++)
			t->nodes[i].build = 0;
		t->build = 1;
	}
	t->sums_wide = 0;
	/* each row's node first (next_stack holds it until the second pass), which may make
	 * nodes; then the numbers, the node of a row a few ahead asked for early: the rows
	 * come in the stacks' order, their nodes anywhere */
	for (size_t r = 0; r < t->v.nrows; r++) {
		if (r + 2 * PREFETCH < t->v.nrows)
			__builtin_prefetch(&t->v.rows[r + 2 * PREFETCH].stack->id);
		if (r + PREFETCH < t->v.nrows)
			leaf_prefetch(t, t->v.rows[r + PREFETCH].stack);
		t->next_stack[r] = stack_leaf(t, t->v.rows[r].stack, all);
	}
	for (size_t r = 0; r < t->v.nrows; r++) {
		if (r + PREFETCH < t->v.nrows) {
			const char *a = (const char *)&t->nodes[t->next_stack[r + PREFETCH]];

			__builtin_prefetch(a, 1);
			__builtin_prefetch(a + sizeof(struct tree_node) - 1, 1);
		}
		row_add(t, t->next_stack[r], (uint32_t)r);
	}
	/* from the last node up: a node's numbers are complete when it comes (its children
	 * come after it), and go into its parent */
	t->nroots = t->nshown = 0;
	for (size_t i = t->nnodes; i-- > 0;) {
		struct tree_node *n = &t->nodes[i], *p;

		if (n->build != t->build)
			continue;
		t->nshown++;
		if (n->s.now > n->s.peak)
			n->s.peak = n->s.now;
		node_rate(t, n);
		if (n->parent == TREE_NONE) {
			t->nroots++;
			continue;
		}
		p = node_touch(t, n->parent);
		sum_add(p, &n->s, n->speak, n->npeak, n->nscore, n->nfirst);
		p->nstacks += n->nstacks;
		p->nkids++;
		p->haskids = 1;
		example_add(p, n->example, n->example_now);
	}
	if (all && t->nshown == t->nnodes && t->nnodes > 1)
		tree_renumber(t);
	tree_link(t);
}

/* Whether the model is in the state of the last build (the same sample). */
static int state_same(const struct tree *t, const struct model *m)
{
	return t->last_ok && t->nnodes && m->nsamples == t->last_nsamples &&
	       m->baseline == t->last_baseline && m->in_sample == t->last_in_sample &&
	       !(m->t_cur < t->last_time) && !(m->t_cur > t->last_time) &&
	       model_nstacks(m) == t->last_nstacks;
}

/* Whether the view's rows are the last build's, of the same sample: the model in the
 * same state, the same stacks in the same order (a sort key, or a threshold or filter
 * that hides no other stack). */
static int rows_same(const struct tree *t, const struct model *m)
{
	size_t n = t->v.nrows, r = 0;

	if (n != t->nlast_rows || !state_same(t, m))
		return 0;
	for (; r < n && t->last_rows[r] == t->v.rows[r].stack; r++)
		;
	return r == n;
}

/* Whether the view of the last build is that of o: the model in the same state, the same
 * threshold, no filter (a filter reads the frames' names, which symbols may change). */
static int view_same(const struct tree *t, const struct model *m, const struct view_opts *o)
{
	return t->m == m && t->last_view && !o->filter &&
	       o->threshold.unit == t->last_threshold.unit &&
	       o->threshold.value == t->last_threshold.value && state_same(t, m);
}

/* Keeps the view's rows and the model's state for the next build to compare with (same:
 * the rows are those kept). */
static void rows_keep(struct tree *t, const struct model *m, const struct view_opts *o,
		      int same)
{
	size_t n = t->v.nrows;

	t->last_ok = 0;
	t->last_view = 0;
	if (!n) /* nothing built */
		return;
	t->last_view = !o->filter;
	t->last_threshold = o->threshold;
	if (same) {
		t->last_ok = 1;
		return;
	}
	if (n > t->last_cap) { /* faulted in at once, as the rows */
		xhuge_free(t->last_rows, t->last_cap * sizeof(*t->last_rows));
		t->last_rows = small_alloc(n * sizeof(*t->last_rows), n * sizeof(*t->last_rows));
		t->last_cap = n;
	}
	t->nlast_rows = n;
	for (size_t r = 0; r < n; r++)
		t->last_rows[r] = t->v.rows[r].stack;
	t->last_nsamples = m->nsamples;
	t->last_baseline = m->baseline;
	t->last_in_sample = m->in_sample;
	t->last_time = m->t_cur;
	t->last_nstacks = model_nstacks(m);
	t->last_ok = 1;
}

/* ---- a build of fewer or more stacks of the same sample, in place ---- */

#define MARK_MAX 1                /* a maximum or the example may be gone: made again */
#define MARK_DEEP 2               /* the last stack or child going on below may be gone */
#define MARK_END 4                /* the last stack ending here may be gone */

/* Adds a stack's maxima, or a child's, to a node's (sum_add()'s, the sums left out). */
static inline void max_add(struct tree_node *n, int64_t speak, uint32_t npeak, double score,
			   uint32_t nscore, uint32_t first, uint32_t nfirst)
{
	if (speak > n->speak) {
		n->speak = speak;
		n->npeak = npeak;
	} else if (speak == n->speak) {
		n->npeak += npeak;
	}
	if (score > n->s.score) {
		n->s.score = score;
		n->nscore = nscore;
	} else if (score == n->s.score) {
		n->nscore += nscore;
	}
	if (first < n->s.first_seen) {
		n->s.first_seen = first;
		n->nfirst = nfirst;
	} else if (first == n->s.first_seen) {
		n->nfirst += nfirst;
	}
}

/* Node i's numbers that marks say it may have lost, to be worked out again: reset. */
static void redo_reset(struct tree *t, struct tree_node *n, unsigned what)
{
	if (what & MARK_MAX) {
		n->s.score = 0;
		n->s.first_seen = UINT32_MAX;
		n->speak = 0;
		n->npeak = n->nscore = n->nfirst = 0;
		n->example = TREE_NONE;
		n->example_now = 0;
	}
	if (what & MARK_DEEP)
		n->haskids = 0;
	if (what & MARK_END)
		n->caller = t->mode == TREE_BOTTOM_UP && n->depth == 0 && n->frame != TREE_NONE;
}

/* ... from its children shown (of build, done before: they come after it) ... */
static void redo_kids(struct tree *t, struct tree_node *n, unsigned what, uint32_t build)
{
	if (!(what & (MARK_MAX | MARK_DEEP)))
		return;
	for (uint32_t k = 0; k < n->nkids; k++) {
		const struct tree_node *c = &t->nodes[t->kids[n->kids + k]];

		if (c->build != build || !c->nstacks)
			continue;
		n->haskids = 1;
		if (!(what & MARK_MAX))
			return;
		max_add(n, c->speak, c->npeak, c->s.score, c->nscore, c->s.first_seen, c->nfirst);
		example_add(n, c->example, c->example_now);
	}
}

/* ... and from a stack ending at it that stays. */
static inline void redo_stack(const struct tree *t, struct tree_node *n, unsigned what,
			      const struct stack *st)
{
	const struct counter *c = &st->s;

	if (what & MARK_MAX) {
		max_add(n, c->peak, 1, c->score, 1, c->first_seen, 1);
		example_add(n, st->id, c->now);
	}
	if (path_len(t, st) > (unsigned)n->depth + 1)
		n->haskids = 1;
	else if (t->mode == TREE_TOP_DOWN && n->frame != TREE_NONE)
		n->caller = 1;
}

/* Works out again what marks say node i may have lost (the stacks hidden taken from its
 * sums already), its children done: the stacks ending at it that stay looked for in its
 * list of the last build's rows (map their new ones), as far as needed. */
static void node_redo(struct tree *t, uint32_t i, unsigned what, const uint32_t *map,
		      uint32_t build)
{
	struct tree_node *n = &t->nodes[i];
	int end = t->mode == TREE_TOP_DOWN && n->frame != TREE_NONE;

	redo_reset(t, n, what);
	redo_kids(t, n, what, build);
	for (uint32_t r = n->stacks; r != TREE_NONE; r = t->next_stack[r]) {
		if (!(what & MARK_MAX) && (n->haskids || !(what & MARK_DEEP)) &&
		    (n->caller || !(what & MARK_END) || !end))
			break;
		if (map[r] != TREE_NONE)
			redo_stack(t, n, what, t->last_rows[r]);
	}
}

/* The first row of a list of the last build's rows that stays, by its new number. */
static inline uint32_t row_next(const struct tree *t, const uint32_t *map, uint32_t r)
{
	while (r != TREE_NONE && map[r] == TREE_NONE)
		r = t->next_stack[r];
	return r == TREE_NONE ? TREE_NONE : map[r];
}

/* After an update of build's nodes: those with stacks are of this build, with their
 * peaks and rates, counted and listed; the roots sorted. */
static void update_link(struct tree *t, uint32_t build)
{
	t->nroots = t->nshown = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if ((n->build != build && n->build != t->build) || !n->nstacks)
			continue;
		n->build = t->build;
		n->nkids = 0;
		/* every stack's pages at least 0: a node's are at least any node's below */
		n->s.peak = n->s.now > n->speak ? n->s.now : n->speak;
		node_rate(t, n);
		t->nshown++;
		if (n->parent == TREE_NONE)
			t->nroots++;
		else
			t->nodes[n->parent].nkids++;
	}
	tree_link(t);
}


/* The last build's stacks hidden (the rows map says which: TREE_NONE) taken from the
 * nodes on their paths; a node left with none is not shown. */
static void update_fewer(struct tree *t, const uint32_t *map)
{
	size_t nold = t->nlast_rows, walk = 0;
	uint32_t build = t->build;
	uint8_t *mark = t->mark;

	memset(mark, 0, t->nnodes);
	for (size_t i = 0; i < nold; i++) {
		const struct stack *st;
		const struct counter *c;
		uint32_t k;

		if (map[i] != TREE_NONE)
			continue;
		st = t->last_rows[i];
		c = &st->s;
		k = t->leaves[st->id].node;
		mark[k] |= path_len(t, st) > t->nodes[k].depth + 1u ? MARK_DEEP : MARK_END;
		for (; k != TREE_NONE; k = t->nodes[k].parent) {
			struct tree_node *n = &t->nodes[k];

			n->s.now -= c->now;
			n->s.delta -= c->delta;
			n->s.delta_base -= c->delta_base;
			n->s.calls -= c->calls;
			if ((c->peak == n->speak && !--n->npeak) ||
			    (c->score == n->s.score && !--n->nscore) ||
			    (c->first_seen == n->s.first_seen && !--n->nfirst) ||
			    n->example == st->id)
				mark[k] |= MARK_MAX;
			if (!--n->nstacks && n->parent != TREE_NONE)
				mark[n->parent] |= MARK_DEEP;
		}
	}
	/* the maxima lost are looked for among the stacks of the nodes that lost them: in
	 * their lists, the rows anywhere in memory; when those of nodes not opened (every
	 * stack below) hold many, in one pass over the rows in order */
	for (size_t i = 0; i < t->nnodes; i++)
		if ((mark[i] & MARK_MAX) && !t->nodes[i].open)
			walk += t->nodes[i].nstacks;
	if (walk > nold / 16) {
		for (size_t i = 0; i < t->nnodes; i++)
			if (mark[i] && t->nodes[i].nstacks)
				redo_reset(t, &t->nodes[i], mark[i]);
		for (size_t i = 0; i < nold; i++) {
			const struct stack *st = t->last_rows[i];
			uint32_t k;

			if (map[i] == TREE_NONE)
				continue;
			if (i + PREFETCH < nold)
				__builtin_prefetch(&t->leaves[t->last_rows[i + PREFETCH]->id]);
			k = t->leaves[st->id].node;
			if (mark[k])
				redo_stack(t, &t->nodes[k], mark[k], st);
		}
		for (size_t i = t->nnodes; i-- > 0;)
			if (mark[i] && t->nodes[i].nstacks)
				redo_kids(t, &t->nodes[i], mark[i], build);
	} else {
		for (size_t i = t->nnodes; i-- > 0;)
			if (mark[i] && t->nodes[i].nstacks)
				node_redo(t, (uint32_t)i, mark[i], map, build);
	}
	/* the lists of the rows that stay, by their new numbers, in place: each row that
	 * stays first skips those hidden after it (only the entries of such rows change),
	 * then moves down to its new place (below or at its own, a row's entry read before
	 * another moves there) */
	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if (n->build == build && n->nstacks)
			n->stacks = row_next(t, map, n->stacks);
	}
	for (size_t i = 0; i < nold; i++)
		if (map[i] != TREE_NONE) {
			uint32_t r = t->next_stack[i];

			while (r != TREE_NONE && map[r] == TREE_NONE)
				r = t->next_stack[r];
			t->next_stack[i] = r;
		}
	for (size_t i = 0; i < nold; i++)
		if (map[i] != TREE_NONE)
			t->next_stack[map[i]] = t->next_stack[i] == TREE_NONE ? TREE_NONE :
						map[t->next_stack[i]];
	t->build++;
	update_link(t, build);
}

/* The stacks of the view not in the last build (the rows map gives the new numbers of
 * the others) added to the nodes on their paths, made as a build makes them. */
static void update_more(struct tree *t, const uint32_t *map)
{
	size_t nold = t->nlast_rows, nnew = t->v.nrows;
	uint32_t build = t->build;

	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if (n->build != build)
			continue;
		n->build = build + 1;
		if (n->stacks != TREE_NONE)
			n->stacks = map[n->stacks];
	}
	/* in place, from the last row: each moves up to its new place (at or above its
	 * own, a row's entry read before another moves there) */
	for (size_t i = nold; i-- > 0;)
		t->next_stack[map[i]] = t->next_stack[i] == TREE_NONE ? TREE_NONE :
					map[t->next_stack[i]];
	t->build++;
	for (size_t i = 0, j = 0; j < nnew; j++) {
		const struct stack *st = t->v.rows[j].stack;
		const struct counter *c = &st->s;
		struct tree_sum one = { c->now, c->delta, c->delta_base, c->peak, 0, c->score,
					c->first_seen, c->calls };
		uint32_t k;

		if (i < nold && t->last_rows[i] == st) {
			i++;
			continue;
		}
		k = stack_leaf(t, st, 0);
		row_add(t, k, (uint32_t)j);
		while ((k = t->nodes[k].parent) != TREE_NONE) {
			struct tree_node *p = node_touch(t, k);

			sum_add(p, &one, c->peak, 1, 1, 1);
			p->nstacks++;
			p->haskids = 1;
			example_add(p, st->id, c->now);
		}
	}
	update_link(t, build);
}

/* The stacks the update the rows map describes hides (fewer) or shows, kept for those
 * who summed the last build's (a chart: tree_stack_below()). */
static void moved_keep(struct tree *t, int fewer)
{
	size_t nold = t->nlast_rows, nnew = t->v.nrows, n = fewer ? nold - nnew : nnew - nold;

	if (t->moved_cap < n) {
		free(t->moved);
		t->moved_cap = n + n / 2;
		t->moved = xreallocarray(NULL, t->moved_cap, sizeof(*t->moved));
	}
	t->nmoved = 0;
	t->moved_sign = fewer ? -1 : 1;
	if (fewer) {
		for (size_t i = 0; i < nold; i++)
			if (t->row_map[i] == TREE_NONE)
				t->moved[t->nmoved++] = t->last_rows[i];
	} else {
		for (size_t i = 0, j = 0; j < nnew; j++)
			if (i < nold && t->v.rows[j].stack == t->last_rows[i])
				i++;
			else
				t->moved[t->nmoved++] = t->v.rows[j].stack;
	}
}

int tree_stack_below(const struct tree *t, uint32_t i, const struct stack *st)
{
	const struct tree_node *n = &t->nodes[i];

	if (path_len(t, st) <= n->depth)
		return 0;
	for (;;) {
		uint32_t key = n->frame != TREE_NONE ? n->frame : LABEL_KEY | n->label;

		if (path_at(t, st, n->depth) != key)
			return 0;
		if (n->parent == TREE_NONE)
			return 1;
		n = &t->nodes[n->parent];
	}
}

/* A build of the last build's stacks of the same sample but for a few hidden or a few
 * more shown (a threshold or filter changed), made by updating the last one: the
 * numbers of a fresh build's, bit for bit (its sums exact: counter_wide()). Returns 0
 * when it is not such a build. */
static int tree_update(struct tree *t, const struct model *m)
{
	size_t nold = t->nlast_rows, nnew = t->v.nrows, i = 0, j = 0, moved;
	const struct stack *const *old = t->last_rows;
	int fewer = nnew < nold;

	if (!state_same(t, m) || !nold || !nnew || nold == nnew || t->sums_wide ||
	    (fewer ? nold : nnew) >= (1u << 22) || t->build + 2 < t->build)
		return 0;
	moved = fewer ? nold - nnew : nnew - nold;
	/* a stack hidden or shown walks its path up, and the numbers a node lost are looked
	 * for among its stacks, in no order: measured, a build is faster from about an
	 * eighth of the rows */
	if (moved > (fewer ? nnew : nold) / 8)
		return 0;
	if (t->row_map_cap < nold) { /* faulted in at once, as the rows */
		xhuge_free(t->row_map, t->row_map_cap * sizeof(*t->row_map));
		t->row_map_cap = nold > model_nstacks(m) ? nold : model_nstacks(m);
		t->row_map = small_alloc(t->row_map_cap * sizeof(*t->row_map),
					 t->row_map_cap * sizeof(*t->row_map));
	}
	/* the rows of both in the stacks' order: the fewer must be the more's, some left out */
	if (fewer) {
		for (; i < nold; i++)
			t->row_map[i] = j < nnew && t->v.rows[j].stack == old[i] ? (uint32_t)j++ :
										 TREE_NONE;
		if (j != nnew)
			return 0;
	} else {
		for (; j < nnew; j++)
			if (i < nold && t->v.rows[j].stack == old[i])
				t->row_map[i++] = (uint32_t)j;
			else if (counter_wide(&t->v.rows[j].stack->s))
				return 0;
		if (i != nold)
			return 0;
	}
	if (t->mark_cap < t->nnodes) {
		free(t->mark);
		t->mark_cap = t->nnodes + t->nnodes / 2;
		t->mark = xmalloc(t->mark_cap);
	}
	moved_keep(t, fewer);
	if (fewer)
		update_fewer(t, t->row_map);
	else
		update_more(t, t->row_map);
	t->moved_build = t->build;
	t->updates++;
	return 1;
}

/* The numbers of the last build in another order: the roots sorted now, every opened
 * node's children when they are asked for. */
static void tree_reorder(struct tree *t)
{
	struct kid_order ord = { t->m, t, t->key, t->ascending };

	for (size_t i = 0; i < t->nnodes; i++) {
		struct tree_node *n = &t->nodes[i];

		if (n->build == t->build && n->open)
			n->sorted = n->nkids < 2;
	}
	sort_kids(&ord, t->kids, t->nroots);
}

void model_tree(struct model *m, const struct view_opts *o, enum tree_mode mode,
		struct tree *t)
{
	enum sort_key key;
	struct view_opts vo = *o;
	int same;

	mode = mode == TREE_BOTTOM_UP ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
	/* every row, in no order: the children are sorted here */
	vo.group = GROUP_STACK;
	vo.limit = 0;
	vo.top_only = 0;
	vo.unordered = 1;
	same = view_same(t, m, o);
	if (t->v.cap < model_nstacks(m)) { /* room for every row at once, not doubled up to it */
		xhuge_free(t->v.rows, t->v.cap * sizeof(*t->v.rows));
		t->v.cap = 0;
		t->v.rows = array_grow(NULL, &t->v.cap, model_nstacks(m), sizeof(*t->v.rows), 1,
				       model_nstacks(m));
	}
	if (!same)
		model_view(m, &vo, &t->v);
	t->dt = m->dt;
	/* allocinfo's paths are by stack and frame id: of one model */
	if (t->alloc && (t->m != m || !tree_alloc_applies(m))) {
		tree_alloc_free(t->alloc);
		free(t->alloc);
		t->alloc = NULL;
	}
	if (tree_alloc_applies(m) && !t->alloc)
		t->alloc = xcalloc(1, sizeof(*t->alloc));
	if (t->alloc)
		tree_alloc_prepare(t->alloc, m, &t->v);
	/* too many nodes no stack reaches (stacks forgotten): start over */
	if (t->m != m || t->mode != mode || (t->nnodes > 65536 && t->nnodes > 4 * t->nshown) ||
	    !t->nslots) {
		if (!t->nslots)
			table_grow(t);
		tree_reset(t);
		t->m = m;
		t->mode = mode;
	}
	if (model_nstacks(m) > t->nleaves) /* fresh zeroed pages, touched when a stack comes */
		t->leaves = array_grow(t->leaves, &t->nleaves,
				       model_nstacks(m) + model_nstacks(m) / 2, sizeof(*t->leaves),
				       !t->leaves, model_nstacks(m));
	if (t->next_cap < t->v.nrows || t->next_cap < t->nlast_rows) {
		/* room for every stack: an update makes the lists of more rows from the last
		 * build's */
		size_t n = t->v.nrows > t->nlast_rows ? t->v.nrows : t->nlast_rows;

		n = n > model_nstacks(m) ? n : model_nstacks(m);
		t->next_stack = xhuge_realloc(t->next_stack, t->next_cap, n ? n : 1,
					      sizeof(*t->next_stack));
		t->next_cap = n;
	}
	if (!t->nnodes && t->cap < t->v.nrows + 1024) /* a root a row at most: never grown */
		t->nodes = array_grow(t->nodes, &t->cap, t->v.nrows + 1024, sizeof(*t->nodes), 2, 0);
	/* page_owner counts no calls: by pages */
	key = !t->alloc && (o->key == KEY_CALLS || o->key == KEY_AVG) ? KEY_PAGES : o->key;
	if (rows_same(t, m)) {
		if (key != t->key || o->ascending != t->ascending) {
			t->key = key;
			t->ascending = o->ascending;
			tree_reorder(t);
		}
		return;
	}
	t->key = key;
	t->ascending = o->ascending;
	if (!tree_update(t, m))
		tree_pass(t, 0);
	rows_keep(t, m, o, same);
}

/* ---- ahead of the first build ---- */

#define PF_SLOTS (2 * TREE_PREFAULT_NODES)  /* the table for them, half full */
#define PF_STEP (64u << 10)                 /* bytes between looks at the clock */

/* What tree_prefault() makes for n stacks and nf frames: the rows, leaves and lists of a
 * build, the first nodes and a table for them, the frames' arrays. */
static size_t pf_regions(struct tree *t, size_t n, size_t nf, char **p, size_t *len)
{
	size_t nodes = t->cap < TREE_PREFAULT_NODES ? t->cap : TREE_PREFAULT_NODES;
	size_t k = 0;

	p[k] = (char *)t->v.rows, len[k++] = n * sizeof(*t->v.rows);
	p[k] = (char *)t->leaves, len[k++] = n * sizeof(*t->leaves);
	p[k] = (char *)t->next_stack, len[k++] = n * sizeof(*t->next_stack);
	p[k] = (char *)t->last_rows, len[k++] = n * sizeof(*t->last_rows);
	p[k] = (char *)t->nodes, len[k++] = nodes * sizeof(*t->nodes);
	p[k] = (char *)t->slots, len[k++] = PF_SLOTS * sizeof(*t->slots);
	p[k] = (char *)t->kids, len[k++] = t->kids_cap * sizeof(*t->kids);
	p[k] = (char *)t->child_of, len[k++] = nf * sizeof(*t->child_of);
	p[k] = (char *)t->root_of, len[k++] = nf * sizeof(*t->root_of);
	return k;
}

/* Makes the arrays for n stacks (with room for a quarter more: live samples grow) and nf
 * frames, untouched: 0, or -1 when they would take more than max bytes. The large ones
 * in huge pages: faulted in ahead, they stay quick to walk where small pages left alone
 * for a second are not (this VM: 40 to 100 ms more to walk 80 MiB of them again). */
static int pf_make(struct tree *t, size_t n, size_t nf, size_t max)
{
	size_t bytes;

	n += n / 4;
	nf += nf / 4 + 1;
	bytes = n * (sizeof(*t->v.rows) + sizeof(*t->leaves) + sizeof(*t->next_stack) +
		     sizeof(*t->last_rows)) +
		TREE_PREFAULT_NODES * (sizeof(*t->nodes) + sizeof(*t->kids)) +
		PF_SLOTS * sizeof(*t->slots) + nf * (sizeof(*t->child_of) + sizeof(*t->root_of));
	if (bytes > max)
		return -1;
	tree_free(t);
	tree_init(t);
	t->v.rows = array_grow(NULL, &t->v.cap, n, sizeof(*t->v.rows), 0, 0);
	t->leaves = array_grow(NULL, &t->nleaves, n + n / 2, sizeof(*t->leaves), 0, 0);
	t->nodes = array_grow(NULL, &t->cap, n + 1024, sizeof(*t->nodes), 0, 0);
	t->next_stack = xhuge_alloc(n * sizeof(*t->next_stack));
	t->next_cap = n;
	t->last_rows = xhuge_alloc(n * sizeof(*t->last_rows));
	t->last_cap = n;
	t->slots = xmalloc(PF_SLOTS * sizeof(*t->slots));
	t->kids_cap = TREE_PREFAULT_NODES;
	t->kids = xmalloc(t->kids_cap * sizeof(*t->kids));
	t->child_of = xcalloc(nf, sizeof(*t->child_of));
	t->nchild_of = nf;
	t->root_of = xcalloc(nf, sizeof(*t->root_of));
	t->nroot_of = nf;
	t->pf_stacks = n;
	return 0;
}

int tree_prefault(struct tree *t, const struct model *m, double budget_ms)
{
	size_t n = model_nstacks(m), nf = model_nframes(m), len[9], nr, skip, pages = 0;
	double t0 = time_mono();
	char *p[9];

	if (t->m || !n) /* built (or nothing to build) */
		return 1;
	if (n > t->pf_stacks || nf > t->nchild_of) {
		size_t max = model_mem_bytes(m) / TREE_PREFAULT_SHARE;

		if (pf_make(t, n, nf, max > TREE_PREFAULT_MAX ? max : TREE_PREFAULT_MAX) < 0)
			return 1;
	} else if (t->nslots) {
		return 1; /* done */
	}
	nr = pf_regions(t, t->pf_stacks, t->nchild_of, p, len);
	skip = t->pf_at;
	for (size_t i = 0; i < nr; i++) {
		size_t whole = (len[i] + 4095) / 4096 * 4096;

		if (skip >= whole) {
			skip -= whole;
			continue;
		}
		/* a zero to each page (not read first: that maps the zero page, a fault more);
		 * what is kept before the first build is zeroes, the table is filled after */
		for (size_t o = skip; o < len[i]; o += 4096) {
			((volatile char *)p[i])[o] = 0;
			/* the page an unaligned array runs on into */
			((volatile char *)p[i])[o + 4095 < len[i] ? o + 4095 : len[i] - 1] = 0;
			t->pf_at += 4096;
			if (++pages % (PF_STEP / 4096) == 0 && budget_ms >= 0 &&
			    (time_mono() - t0) * 1e3 >= budget_ms)
				return 0;
		}
		skip = 0;
	}
	/* every page in: the table's slots empty, as table_grow() leaves them */
	for (size_t i = 0; i < PF_SLOTS; i++)
		slot_set(&t->slots[i], EMPTY, 0);
	t->nslots = PF_SLOTS;
	return 1;
}

size_t tree_mem_bytes(const struct tree *t)
{
	return t->cap * sizeof(*t->nodes) + t->nslots * sizeof(*t->slots) +
	       t->nroot_of * sizeof(*t->root_of) +
	       t->nleaves * sizeof(*t->leaves) + t->nchild_of * sizeof(*t->child_of) +
	       t->kids_cap * sizeof(*t->kids) + t->next_cap * sizeof(*t->next_stack) +
	       t->v.cap * sizeof(*t->v.rows) + t->last_cap * sizeof(*t->last_rows) +
	       t->row_map_cap * sizeof(*t->row_map) +
	       t->mark_cap +
	       (t->alloc ? tree_alloc_bytes(t->alloc) : 0);
}

const char *tree_node_text(const struct model *m, const struct tree_node *n)
{
	return n->label != TREE_NONE ? model_label(m, n->label) : model_frame(m, n->frame);
}

uint64_t tree_node_ident(const struct model *m, struct tree *t, uint32_t i, uint64_t parent)
{
	struct tree_node *n = &t->nodes[i];

	if (!n->ident) {
		const char *s = tree_node_text(m, n);
		uint64_t h = hash_bytes(s, strlen(s), parent + 0x9e3779b97f4a7c15ULL);

		n->ident = h ? h : 1;
	}
	return n->ident;
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

size_t tree_path_nodes(const struct tree *t, uint32_t i, uint32_t *out, size_t n)
{
	size_t d = (size_t)t->nodes[i].depth + 1, k = d < n ? d : n;

	for (size_t p = d; p-- > 0; i = t->nodes[i].parent)
		if (p < k)
			out[p] = i;
	return k;
}

/* Adds stack s's history over the window [lo, k] to out (n wide, aligned at its end): its
 * count alone when it did not change in the window (into *flat), else decoded. */
static inline void history_add(const struct model *m, const struct counter *s, uint32_t lo,
			       int64_t *flat, int64_t *one, int64_t *out, int n, int *filled)
{
	int got;

	if (s->last_changed < lo) {
		*flat = sat_add(*flat, s->now);
		return;
	}
	got = model_history(m, s, one, n);
	/* both end at the current sample: add them aligned at the end */
	for (int j = 0; j < got; j++)
		out[n - got + j] = sat_add(out[n - got + j], one[j]);
	if (got > *filled)
		*filled = got;
}

void tree_history_begin(const struct model *m, const struct tree *t, uint32_t i, int n,
			struct tree_hist *h)
{
	uint32_t k = m->nsamples ? (uint32_t)m->nsamples - 1 : 0;

	free(h->todo);
	memset(h, 0, sizeof(*h));
	h->node = i;
	h->n = n < 0 ? 0 : n > MODEL_HISTORY ? MODEL_HISTORY : n;
	if (m->nsamples && h->n > 0) {
		uint32_t have = k + 1 < MODEL_HISTORY ? k + 1 : MODEL_HISTORY;

		h->cnt = (uint32_t)h->n < have ? h->n : (int)have;
	}
	h->lo = k - (uint32_t)(h->cnt > 0 ? h->cnt - 1 : 0);
	h->nnodes = t->nnodes;
	h->build = t->build;
	if (i >= t->nnodes) { /* no such node (any more): nothing */
		h->whole = 1;
		return;
	}
	h->all = t->nodes[i].nstacks == t->v.nrows;
	h->r = TREE_NONE;
	if (!h->all) {
		h->todo = xmalloc((t->nnodes ? t->nnodes : 1) * sizeof(*h->todo));
		h->todo[h->ntodo++] = i;
	}
}

void tree_history_end(struct tree_hist *h)
{
	free(h->todo);
	h->todo = NULL;
	h->ntodo = 0;
}

/* Whether the clock is looked at, every 4,096 stacks, and says deadline has passed. */
static inline int hist_late(size_t *k, double deadline)
{
	return deadline > 0 && (++*k & 4095) == 0 && time_mono() >= deadline;
}

int tree_history_step(const struct model *m, const struct tree *t, struct tree_hist *h,
		      double deadline)
{
	int64_t one[MODEL_HISTORY];
	const struct tree_node *nd;
	size_t k = 0;

	if (h->whole)
		return h->filled;
	/* another build, or a node opened (the lists of rows relinked, more nodes than
	 * todo has room for): from the start; a sum over the rows only needs the build */
	if (h->build != t->build || (!h->all && h->nnodes != t->nnodes))
		tree_history_begin(m, t, h->node, h->n, h);
	if (h->all) {
		/* above every row (one root over all): the rows in their order, not the nodes */
		for (; h->row < t->v.nrows; h->row++) {
			if (hist_late(&k, deadline))
				return -1;
			if (h->row + 8 < t->v.nrows)
				__builtin_prefetch(t->v.rows[h->row + 8].s);
			history_add(m, t->v.rows[h->row].s, h->lo, &h->flat, one, h->v, h->n,
				    &h->filled);
		}
	} else {
		for (;;) {
			for (; h->r != TREE_NONE; h->r = t->next_stack[h->r]) {
				if (hist_late(&k, deadline))
					return -1;
				history_add(m, t->v.rows[h->r].s, h->lo, &h->flat, one, h->v, h->n,
					    &h->filled);
			}
			if (!h->ntodo)
				break;
			nd = &t->nodes[h->todo[--h->ntodo]];
			h->r = nd->stacks;
			for (uint32_t c = 0; c < nd->nkids; c++)
				h->todo[h->ntodo++] = t->kids[nd->kids + c];
		}
		tree_history_end(h);
	}
	if (t->nodes[h->node].nstacks && h->cnt > h->filled)
		h->filled = h->cnt;
	for (int j = h->n - h->filled; j < h->n; j++)
		h->v[j] = sat_add(h->v[j], h->flat);
	if (h->filled < h->n)
		memmove(h->v, h->v + h->n - h->filled, (size_t)h->filled * sizeof(*h->v));
	h->whole = 1;
	return h->filled;
}

int tree_history(const struct model *m, const struct tree *t, uint32_t i, int64_t *out, int n)
{
	struct tree_hist h = { 0 };
	int got;

	tree_history_begin(m, t, i, n, &h);
	got = tree_history_step(m, t, &h, 0);
	memcpy(out, h.v, (size_t)got * sizeof(*out));
	return got;
}

/* ---- search ---- */

/* The text of a node of key k (tree_node_text()'s). */
static const char *key_text(const struct tree *t, uint32_t k)
{
	uint32_t l;

	if (k & LABEL_KEY)
		return model_label(t->m, k & ~LABEL_KEY);
	if (t->alloc && (l = tree_alloc_site_label(t->alloc, k)) != UINT32_MAX)
		return model_label(t->m, l);
	return model_frame(t->m, k);
}

static uint8_t *answer_at(uint8_t **v, size_t *n, uint32_t id)
{
	*v = xgrow_zeroed(*v, n, id, 1);
	return *v + id;
}

static int key_match(const struct tree *t, struct tree_match *mt, uint32_t k)
{
	uint8_t *a = k & LABEL_KEY ? answer_at(&mt->labels, &mt->nlabels, k & ~LABEL_KEY) :
				     answer_at(&mt->frames, &mt->nframes, k);

	if (!*a)
		*a = strcasestr(key_text(t, k), mt->text) ? 2 : 1;
	return *a == 2;
}

/* Forgets the answers by key; narrow: the text got longer, a miss stays one. */
static void answers_forget(uint8_t *v, size_t n, int narrow)
{
	for (size_t i = 0; v && i < n; i++)
		if (!narrow || v[i] == 2)
			v[i] = 0;
}

static void match_mark(struct tree *t, uint32_t i)
{
	struct tree_match *mt = t->match;

	if (mt->nmark < t->nnodes) {
		size_t n = t->nnodes + t->nnodes / 2;

		mt->mark = xreallocarray(mt->mark, n, sizeof(*mt->mark));
		memset(mt->mark + mt->nmark, 0, (n - mt->nmark) * sizeof(*mt->mark));
		mt->nmark = n;
	}
	for (; i != TREE_NONE && mt->mark[i] != mt->mark_gen; i = t->nodes[i].parent)
		mt->mark[i] = mt->mark_gen;
}

/* A frame's answer, asked when not known. */
static inline int frame_match(const struct tree *t, struct tree_match *mt, uint32_t f)
{
	return f < mt->nframes && mt->frames[f] ? mt->frames[f] == 2 : key_match(t, mt, f);
}

/* The depth of the deepest node on a stack's path whose text matches, else NO_MATCH. */
static unsigned stack_deepest(const struct tree *t, struct tree_match *mt, const struct stack *st)
{
	unsigned len = path_len(t, st), d = len;

	if (!t->alloc && st->nframes) { /* the frames straight, in the order of the depths */
		const uint32_t *fr = st->frames;

		if (t->mode == TREE_TOP_DOWN) {
			for (unsigned i = st->nframes - len; i < st->nframes; i++)
				if (frame_match(t, mt, fr[i]))
					return st->nframes - 1 - i;
		} else {
			while (d-- > 0)
				if (frame_match(t, mt, fr[st->caller + d]))
					return d;
		}
		return NO_MATCH;
	}
	while (d-- > 0)
		if (key_match(t, mt, path_at(t, st, d)))
			return d;
	return NO_MATCH;
}

/* Each row's deepest matching node, begun: rows known to have none keep it (narrow); the
 * made node of that depth on its path, and those above it, get marked (match_some()).
 * none: no frame's or label's text has the text, every row has none (no row looked at,
 * nor by a longer text after). */
static void match_begin(struct tree *t, struct tree_match *mt, int narrow, int none)
{
	if (mt->nrows != t->v.nrows || !narrow || none) {
		mt->deepest = xrealloc(mt->deepest, t->v.nrows ? t->v.nrows : 1);
		memset(mt->deepest, none ? NO_MATCH : 0, t->v.nrows);
		mt->nrows = t->v.nrows;
	}
	if (++mt->mark_gen == 0) {
		memset(mt->mark, 0, mt->nmark * sizeof(*mt->mark));
		mt->mark_gen = 1;
	}
	mt->nmatch = 0;
	/* the rows' keys and nodes of the last text: while no node was made since */
	mt->fast = narrow && mt->nkeyed == t->v.nrows && mt->keyed_nnodes == t->nnodes;
	if (mt->nkeyed != t->v.nrows) {
		mt->key = xreallocarray(mt->key, t->v.nrows ? t->v.nrows : 1, sizeof(*mt->key));
		mt->node = xreallocarray(mt->node, t->v.nrows ? t->v.nrows : 1, sizeof(*mt->node));
		mt->nkeyed = t->v.nrows;
	}
	mt->keyed_nnodes = t->nnodes;
	mt->narrow = narrow;
	mt->next = none ? t->v.nrows : 0;
}

/* The rows from mt->next on, until deadline (hist_late()): 1 when all are done. */
static int match_some(struct tree *t, struct tree_match *mt, double deadline)
{
	size_t k = 0, r;

	for (r = mt->next; r < t->v.nrows; r++) {
		const struct stack *st;
		unsigned d;
		uint32_t node;

		if (hist_late(&k, deadline))
			break;
		if (mt->narrow && mt->deepest[r] == NO_MATCH)
			continue;
		/* the last deepest key still matches: no deeper one can (frame_match() hands a
		 * label's key to key_match()) */
		if (mt->fast && frame_match(t, mt, mt->key[r])) {
			mt->nmatch++;
			match_mark(t, mt->node[r]);
			continue;
		}
		st = t->v.rows[r].stack;
		/* the stacks and their frames are anywhere: asked for a few rows ahead */
		if (r + 2 * PREFETCH < t->v.nrows)
			__builtin_prefetch(t->v.rows[r + 2 * PREFETCH].stack);
		if (r + PREFETCH < t->v.nrows)
			__builtin_prefetch(t->v.rows[r + PREFETCH].stack->frames);
		d = stack_deepest(t, mt, st);
		mt->deepest[r] = (uint8_t)d;
		if (d == NO_MATCH)
			continue;
		mt->nmatch++;
		for (node = t->leaves[st->id].node; t->nodes[node].depth > d;)
			node = t->nodes[node].parent;
		mt->key[r] = path_at(t, st, d);
		mt->node[r] = node;
		match_mark(t, node);
	}
	mt->next = r;
	return r >= t->v.nrows;
}

int tree_match_step(struct tree *t, const char *text, double deadline)
{
	struct tree_match *mt = t->match;
	int narrow;

	if (!mt)
		mt = t->match = xcalloc(1, sizeof(*mt));
	if (mt->text && mt->build == t->build && mt->gen == t->gen && mt->nrows == t->v.nrows &&
	    strcmp(mt->text, text) == 0) {
		if (mt->next >= mt->nrows)
			return 1;
		/* nodes made halfway: every row again, but those known to have none */
		if (mt->keyed_nnodes != t->nnodes)
			match_begin(t, mt, 1, 0);
		return match_some(t, mt, deadline);
	}
	/* a longer text looks again only where the last one, whole, matched */
	narrow = mt->gen == t->gen && mt->text && mt->next >= mt->nrows &&
		 strcasestr(text, mt->text);
	answers_forget(mt->frames, mt->nframes, narrow);
	answers_forget(mt->labels, mt->nlabels, narrow);
	free(mt->text);
	mt->text = xstrdup(text);
	match_begin(t, mt, narrow && mt->build == t->build, !model_texts_have(t->m, text));
	mt->gen = t->gen;
	mt->build = t->build;
	return match_some(t, mt, deadline);
}

size_t tree_match(struct tree *t, const char *text)
{
	tree_match_step(t, text, 0);
	return t->match->nmatch;
}

int tree_node_match(struct tree *t, uint32_t i)
{
	const struct tree_node *n = &t->nodes[i];

	return key_match(t, t->match, n->frame != TREE_NONE ? n->frame : LABEL_KEY | n->label);
}

int tree_node_holds_match(const struct tree *t, uint32_t i)
{
	const struct tree_match *mt = t->match;

	return mt && i < mt->nmark && mt->mark[i] == mt->mark_gen;
}
