/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree.h - the call tree of a sample: the stacks of the flat view merged by their
 * frames, top-down (from the outermost frames to the caller) or bottom-up (from the
 * caller, the first frame that is no allocator machinery, outwards).
 *
 * A node is one frame (its exact text, offsets included) at one place in the tree; a
 * stack without frames (the special ones) is a root of its own, named by its label.
 * A node counts the stacks below it that the view shows (threshold and filter apply to
 * stacks: a node is there when a stack below it passes), so the roots add up to the
 * view's shown pages. pages, delta, delta_base, rate are sums (the rate is the summed
 * delta's, as each stack's is its delta's); first_seen the earliest;
 * peak and score are not those of a summed history (the model keeps histories per
 * stack, not per node): peak is the larger of the node's pages and the highest peak of
 * one stack below, score the highest score below. Children follow the view's sort key
 * and direction; equal keys are ordered by their largest stack's id (their examples). */
#ifndef PAGETOP_MODEL_TREE_H
#define PAGETOP_MODEL_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum tree_mode { TREE_OFF = 0, TREE_TOP_DOWN, TREE_BOTTOM_UP, TREE__N };
/* "off", "top-down", "bottom-up"; tree_mode_parse() returns 0, or -1 for another. */
const char *tree_mode_name(enum tree_mode t);
int tree_mode_parse(const char *s, enum tree_mode *t);

#define TREE_NONE UINT32_MAX

/* A node's numbers (see above); the names are those of struct counter's members. */
struct tree_sum {
	int64_t now, delta, delta_base, peak;
	double rate, score;
	uint32_t first_seen;
	int64_t calls;            /* allocinfo: the allocations behind now */
};

struct tree_node {
	struct tree_sum s;        /* over the stacks below that the view shows */
	int64_t example_now;      /* the pages of example */
	uint32_t frame;           /* frame id; TREE_NONE: a stack without frames */
	uint32_t label;           /* that stack's label id (else TREE_NONE) */
	uint32_t parent;          /* node index (below the node's); TREE_NONE for a root */
	uint32_t kids, nkids;     /* children: tree.kids[kids .. kids + nkids), in order;
				   * none listed until tree_sort() opened the node */
	uint32_t nstacks;         /* stacks below */
	uint32_t example;         /* the largest stack below (its id; ties: the lowest) */
	uint32_t stacks;          /* the first stack ending here (every stack below, when
				   * the node is not opened): a view row index, its next in
				   * tree.next_stack; TREE_NONE: none */
	uint32_t build;           /* the build the numbers are of (else they are 0) */
	uint16_t depth;           /* 0 for a root */
	uint8_t caller;           /* the frame is the caller frame of its stacks */
	uint8_t sorted;           /* its children are listed and in order (tree_sort()) */
	uint8_t open;             /* its children are made (tree_sort() did, in some build) */
	uint8_t haskids;          /* stacks go on below it: it has children */
	uint32_t nfirst;          /* stacks below at s.first_seen */
	uint64_t ident;           /* tree_node_ident()'s, once asked (else 0) */
	/* what a build of fewer or more stacks of the same sample takes to update the
	 * maxima in place: the highest peak of one stack below (0 at least), and how many
	 * stacks below are at it and at s.score */
	int64_t speak;
	uint32_t npeak, nscore;
};

struct tree_slot;
struct tree_leaf;
struct tree_alloc;
struct tree_match;

/* The tree is made as far as it is looked at: the roots, and the children of the nodes
 * tree_sort() opened; the stacks below a node not opened count in it. The nodes stay from
 * one build to the next, opened (a stack keeps its path, so a new sample only adds
 * counts); nodes no stack of the sample reaches are in no children list, and their
 * numbers are stale (tree_node_shown() says which). */
struct tree {
	enum tree_mode mode;
	struct view v;            /* the flat view of stacks the tree is made of (its rows in
				   * no order) */
	struct tree_node *nodes;
	size_t nnodes, cap;
	uint32_t *kids;           /* the roots (kids[0 .. nroots)), in order, then each opened
				   * node's children, in order once tree_sort() sorted them */
	size_t nkids_used, kids_cap;
	size_t nroots;
	size_t nshown;            /* nodes with stacks in this sample */
	uint32_t *next_stack;     /* by view row: the next row ending at the same node */
	size_t next_cap;
	/* kept between builds: the (parent, frame) -> node table, each stack's last node */
	const struct model *m;
	struct tree_slot *slots;
	size_t nslots, nslots_used;
	uint32_t *root_of;        /* by frame id: 0, or its root + 1 (such roots are not in
				   * the table: every stack's first step, an array's look) */
	size_t nroot_of;
	struct tree_leaf *leaves; /* by stack id */
	size_t nleaves;
	uint32_t gen;             /* leaves of another generation are stale */
	uint32_t *child_of;       /* by frame id: 0, or a child + 1 while a node is opened */
	size_t nchild_of;
	uint32_t build;           /* builds so far */
	double dt;                /* the sample's interval (the model's) */
	enum sort_key key;        /* the order of the children */
	int ascending;
	struct tree_alloc *alloc; /* allocinfo: the call sites' source paths, else NULL */
	struct tree_match *match; /* the last tree_match()'s, else NULL */
	/* tree_prefault(): the stacks its arrays are for (0: none made), bytes touched */
	size_t pf_stacks, pf_at;
	/* the last build's sample (its model's state) and rows: a build of the same rows
	 * keeps the numbers and only orders the children anew */
	const struct stack **last_rows;
	size_t nlast_rows, last_cap;
	int last_ok;
	/* and its view's threshold, with no filter (else last_view is 0): the same view
	 * again is not made anew (another mode, another order) */
	int last_view;
	struct threshold last_threshold;
	uint32_t last_nsamples, last_baseline;
	int last_in_sample;
	double last_time;
	size_t last_nstacks;
	/* a build may update the last one in place: no stack's numbers are so large, or
	 * negative, that the sums could saturate or a node's pages be below a child's; by
	 * the last build's row its new one, marks by node */
	int sums_wide;
	uint32_t updates;         /* builds made so */
	uint32_t *row_map;
	size_t row_map_cap;
	uint8_t *mark;
	size_t mark_cap;
	/* when the last build updated the one before in place (moved_build == build): the
	 * stacks it hid (moved_sign -1) or showed (+1) */
	const struct stack **moved;
	size_t nmoved, moved_cap;
	int moved_sign;
	uint32_t moved_build;
};

static inline int tree_node_shown(const struct tree *t, const struct tree_node *n)
{
	return n->build == t->build;
}

void tree_init(struct tree *t);
void tree_free(struct tree *t);
/* Builds the tree of the current sample: the stacks o's threshold and filter let
 * through (o->group, limit and top_only are not used), children ordered by o's key.
 * Each stack goes down its path as far as the nodes are opened (a later build, same
 * model and mode, starts where it ended the build before; one of the same rows of the
 * same sample keeps its numbers). The roots are sorted; the children of a node when
 * tree_sort() asks (a screen those it shows, batch output all). */
void model_tree(struct model *m, const struct view_opts *o, enum tree_mode mode,
		struct tree *t);
/* Readies t before its first build of m (while the screen waits for keys): makes the
 * arrays that build takes and the first TREE_PREFAULT_NODES nodes' and writes to their
 * pages, budget_ms of it a call (< 0: all), so that the build and a `*` find them
 * faulted in. Nothing when t was built or they would take more than TREE_PREFAULT_MAX
 * bytes and more than the model's own memory over TREE_PREFAULT_SHARE. Returns 1 when
 * nothing is left to do. */
#define TREE_PREFAULT_NODES 65536
#define TREE_PREFAULT_MAX (32u << 20)
#define TREE_PREFAULT_SHARE 4
int tree_prefault(struct tree *t, const struct model *m, double budget_ms);
/* Bytes the tree has allocated (its nodes, tables and lists, the view's rows). */
size_t tree_mem_bytes(const struct tree *t);
/* Opens node i (makes and lists its children) and puts them in order; TREE_NONE: every
 * node, the whole tree. Nodes, kids and node pointers may move. */
void tree_sort(struct tree *t, uint32_t i);
/* A node's text: its label (a stack without frames, an allocinfo call site's directory,
 * file, function or "FILE:LINE"), else its frame's. */
const char *tree_node_text(const struct model *m, const struct tree_node *n);
/* An identity of node i from its text and its parent's identity (0 for a root), the same
 * in any model and tree; never 0. Kept in the node once made. */
uint64_t tree_node_ident(const struct model *m, struct tree *t, uint32_t i, uint64_t parent);
/* The frames from the root down to node i (at most n, root first): how many. */
size_t tree_path(const struct tree *t, uint32_t i, uint32_t *out, size_t n);
/* The nodes from the root down to node i (at most n, root first): how many. */
size_t tree_path_nodes(const struct tree *t, uint32_t i, uint32_t *out, size_t n);
/* The summed history of the stacks below node i: the last n values, oldest first, as
 * model_history() gives them per stack; returns how many were filled. */
int tree_history(const struct model *m, const struct tree *t, uint32_t i, int64_t *out, int n);
/* The same a slice at a time, for a screen that draws before a node above a million
 * stacks is summed: begin (n at most MODEL_HISTORY), then step until it returns how
 * many of v are filled (-1: stacks are left, deadline, a time_mono() value, passed; 0:
 * no deadline). A step after the tree was built again or made nodes begins the sum of
 * node i again (of the new build: the caller asks again for a node renumbered); a
 * whole sum is of the build it was made in. end frees what a sum left halfway holds. */
struct tree_hist {
	uint32_t node, lo, build;
	int n, cnt, filled, all, whole;
	size_t nnodes;            /* the tree's at begin */
	int64_t flat;             /* the stacks with no change in the window: their counts */
	size_t row;               /* all: the next row */
	uint32_t *todo, r;        /* else the nodes left, the next row of the node's list */
	size_t ntodo;
	int64_t v[MODEL_HISTORY];
};
void tree_history_begin(const struct model *m, const struct tree *t, uint32_t i, int n,
			struct tree_hist *h);
int tree_history_step(const struct model *m, const struct tree *t, struct tree_hist *h,
		      double deadline);
void tree_history_end(struct tree_hist *h);

/* A search in the nodes' texts (case-insensitive, as tree_node_text() gives them), known
 * from the stacks of the build without making a node: each key on a stack's path is
 * looked at, each key's text once (a longer text only where the shorter one matched).
 * Returns how many stacks of the view have a matching node on their path: 0, no node of
 * the tree matches, made or not. Kept until the next build or another text. */
size_t tree_match(struct tree *t, const char *text);
/* The same a slice at a time: 1 when the answer for text is whole (tree_match() then
 * costs nothing), 0 when deadline (a time_mono() value; 0: none) passed first; the
 * next step goes on (begins again after a new build, or another text, the rows again but
 * those with no match after nodes were made). */
int tree_match_step(struct tree *t, const char *text, double deadline);
/* After tree_match(): node i's text matches. */
int tree_node_match(struct tree *t, uint32_t i);
/* After tree_match(): node i or a node below it matches (a node made since too). */
int tree_node_holds_match(const struct tree *t, uint32_t i);
/* Whether st's path goes through node i (st is below it, or ends at it). */
int tree_stack_below(const struct tree *t, uint32_t i, const struct stack *st);

#endif
