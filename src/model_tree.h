/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree.h - the call tree of a sample: the stacks of the flat view merged by their
 * frames, top-down (from the outermost frames to the caller) or bottom-up (from the
 * caller, the first frame that is no allocator machinery, outwards).
 *
 * A node is one frame (its exact text, offsets included) at one place in the tree; a
 * stack without frames (the special ones) is a root of its own, named by its label.
 * A node counts the stacks below it that the view shows (threshold and filter apply to
 * stacks: a node is there when a stack below it passes), so the roots add up to the
 * view's shown pages. pages, delta, delta_base, rate are sums; first_seen the earliest;
 * peak and score are not those of a summed history (the model keeps histories per
 * stack, not per node): peak is the larger of the node's pages and the highest peak of
 * one stack below, score the highest score below. Children follow the view's sort key
 * and direction; equal keys keep the order in which the nodes first came. */
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

struct tree_node {
	struct counter s;         /* over the stacks below (see above); hist is NULL */
	uint32_t frame;           /* frame id; TREE_NONE: a stack without frames */
	uint32_t label;           /* that stack's label id (else TREE_NONE) */
	uint32_t parent;          /* node index; TREE_NONE for a root */
	uint32_t kids, nkids;     /* children: tree.kids[kids .. kids + nkids), in order */
	uint32_t nstacks;         /* stacks below */
	uint32_t example;         /* the largest stack below (its id) */
	uint32_t stacks;          /* the first stack ending here: a view row index, its
				   * next in tree.next_stack; TREE_NONE: none */
	uint16_t depth;           /* 0 for a root */
	uint8_t caller;           /* the frame is the caller frame of its stacks */
};

struct tree {
	enum tree_mode mode;
	struct view v;            /* the flat view of stacks the tree is made of */
	struct tree_node *nodes;
	size_t nnodes, cap;
	uint32_t *kids;           /* the roots (kids[0 .. nroots)), then each node's children */
	size_t nroots;
	uint32_t *next_stack;     /* by view row: the next row ending at the same node */
	/* the (parent, frame) -> node table while building */
	uint64_t *hkeys;
	uint32_t *hvals;
	size_t hcap;
};

void tree_init(struct tree *t);
void tree_free(struct tree *t);
/* Builds the tree of the current sample: the stacks o's threshold and filter let
 * through (o->group, limit and top_only are not used), children ordered by o's key. */
void model_tree(struct model *m, const struct view_opts *o, enum tree_mode mode,
		struct tree *t);
/* A node's text: its frame's, or the label of its stack without frames. */
const char *tree_node_text(const struct model *m, const struct tree_node *n);
/* The frames from the root down to node i (at most n, root first): how many. */
size_t tree_path(const struct tree *t, uint32_t i, uint32_t *out, size_t n);
/* The summed history of the stacks below node i: the last n values, oldest first, as
 * model_history() gives them per stack; returns how many were filled. */
int tree_history(const struct model *m, const struct tree *t, uint32_t i, int64_t *out, int n);

#endif
