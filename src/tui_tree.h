/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_tree.h - the list screen as a call tree (T): the model's tree of the sample, the
 * nodes shown (the roots, and the children of expanded nodes) as lines, those on the
 * screen laid out, the cursor on them. Expanded nodes are known by their path's text, so
 * they stay expanded across samples and replicas; each tree mode keeps its own. */
#ifndef PAGETOP_TUI_TREE_H
#define PAGETOP_TUI_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "model_tree.h"
#include "parse.h"
#include "tui_app.h"
#include "tui_columns.h"

struct tree_line {
	uint32_t node;
	uint16_t depth;
	uint8_t last;               /* the last of its siblings */
	uint8_t inl;                /* 0: the node; k: the k-th function its frame was
				     * inlined into (source lines) */
	uint8_t open;               /* its children are lines (it is expanded) */
	uint64_t ident;             /* its path's, the same across models */
	uint64_t more;              /* bit d: its ancestor at depth d has siblings after it */
};

/* A line in the tree, by the path to its node: what a line number over the whole tree
 * would need every expanded node above it made for. */
struct tree_pos {
	uint32_t node[STACK_MAX_FRAMES];  /* from the root: node[depth] is the line's */
	uint32_t rank[STACK_MAX_FRAMES];  /* each one's place among its siblings */
	uint64_t ident[STACK_MAX_FRAMES];
	uint16_t depth;
	uint8_t inl;                /* as in tree_line */
};

struct tree_set {               /* node identities (open addressing, 0 empty), each
				     * with a value (not 0) */
	uint64_t *v;
	uint32_t *val;
	size_t n, cap;
};

struct tree_ui {
	struct tree t;
	enum tree_mode mode;        /* of t's last build */
	struct tree_line *lines;    /* the lines on the screen, from its top */
	size_t nlines, cap;
	size_t cursor;              /* the cursor's line among them */
	int cursor_y;               /* its line of the screen, kept as the tree changes */
	struct tree_pos cur;        /* the cursor's line; its idents find it in a new build */
	int has_cur;                /* 0: the first line */
	int height;                 /* the screen's lines when they were laid out */
	uint64_t selected;          /* the cursor's node's identity (0: none) */
	/* per mode: the nodes expanded or collapsed by a key (when.. << 1 | expanded), those
	 * expanded with everything below (`*`: when..), the rest as all[] */
	struct tree_set toggled[TREE__N], below[TREE__N];
	int all[TREE__N];
	uint32_t said;              /* when..: the keys said so far */
	double build_ms;            /* what the last build cost */
	/* by frame id: the lines a node of that frame takes (0: not looked up, 0xff: no
	 * answer yet), for the model sym_model */
	uint8_t *sym_lines;
	size_t nsym_lines;
	const struct model *sym_model;
	struct tree_chart {         /* the cursor's node's last chart */
		uint64_t ident;
		const struct model *model;
		uint32_t build, nsamples, lo, hi;
		int ncols, got;
		int64_t *cmin, *cmax;
		/* being summed, a slice a frame: its stacks, how many are in */
		struct chart_sum *sum;
		const struct counter **v;
		size_t nv, done;
		double slice_ms;    /* a frame's slice, of at least one chunk */
		size_t chunk;       /* stacks between looks at the clock */
		uint32_t updated;   /* builds taken in by chart_update() */
	} chart;
	struct tree_trend *trend;   /* the trend columns of nodes drawn */
	size_t ntrend;
	double trend_slice_ms;      /* a frame's share of summing its trends (at least the
				     * 4,096 stacks between looks at the clock) */
	double trend_deadline;      /* this frame's: time_mono() */
	uint64_t trend_frame;       /* frames drawn (the trends' entries say when they were) */
};

/* What the tree takes from the list screen it is a mode of (the list is the layer
 * above: it hands these down). */
struct tree_env {
	struct app *app;
	const char *search;         /* the search: marked, and n/N go to it */
	int height;                 /* lines the tree has on the screen */
	/* the text of column c's cell for s (v: the view whose share it is) */
	void (*cell)(const struct app *app, const struct view *v, enum col c,
		     const struct counter *s, char *buf, size_t n);
};

struct tree_ui *tree_ui_new(void);
void tree_ui_free(struct tree_ui *u);
/* Builds the tree of the shown sample again (the view or the model changed). */
void tree_ui_rebuild(struct tree_ui *u, const struct tree_env *e);
/* A frame's share of summing the trends it draws (a node above a million stacks takes
 * 15 to 20 ms): the rest in the frames after, the cells blank until then. */
#define TREE_TREND_SLICE_MS 3.0
void tree_ui_draw(struct tree_ui *u, const struct tree_env *e, const enum col *cols, int nc);
/* A key of the list in tree mode; ACTION_PASS when it is not the tree's. */
unsigned tree_ui_key(struct tree_ui *u, const struct tree_env *e, enum action a);
/* A click on the line y down the tree's lines (twice: it opens or closes); 0 when no
 * line is there. */
int tree_ui_click(struct tree_ui *u, const struct tree_env *e, int y, int twice);
/* The next (dir 1) or previous line whose text matches the search (from the cursor's
 * own when include). Returns 0, or -1 when none does, or 1 when deadline (a time_mono()
 * value; 0: none) passed before every stack's path was looked at: the cursor stays, the
 * next call goes on. */
int tree_ui_search(struct tree_ui *u, const struct tree_env *e, int dir, int include,
		   double deadline);
/* Whether a root is expanded (or a node no `*` above it expanded: lines say the others'). */
int tree_ui_expanded(const struct tree_ui *u, uint64_t ident);
/* The cursor's node (NULL: none). */
const struct tree_node *tree_ui_node(const struct tree_ui *u);
/* The chart of the cursor's node, the sum of the stacks below it, over samples lo..hi of
 * the whole series (model_chart_sum()); returns the columns filled. A node of many
 * stacks is summed a slice a call (u->chart.slice_ms): -1 until it is done, the stacks
 * summed and below it in *done and *total. */
#define TREE_CHART_CHUNK 4096
#define TREE_CHART_SLICE_MS 6.0
int tree_ui_chart(struct tree_ui *u, const struct tree_env *e, uint32_t lo, uint32_t hi,
		  int ncols, int64_t *cmin, int64_t *cmax, size_t *done, size_t *total);
/* Every line of the tree, the cursor's index among them in *cursor (for tests: it makes
 * every expanded node). Returns how many, the lines in *out (to free). */
size_t tree_ui_all_lines(struct tree_ui *u, const struct tree_env *e, struct tree_line **out,
			 size_t *cursor);
/* Readies the tree's memory while the list is shown flat and no key waits
 * (tree_prefault()), so that the first `T` and a `*` fault few pages: budget_ms of it.
 * Returns 1 when nothing is left to do. */
int tree_ui_prefault(struct tree_ui *u, const struct app *app, double budget_ms);
/* Source lines arrived: nodes may take more lines. */
void tree_ui_symbols(struct tree_ui *u, const struct tree_env *e);

#endif
