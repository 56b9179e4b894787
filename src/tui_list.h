/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_list.h - the list screen: the view's rows under the header, rows expanded into
 * their frames, the cursor, the search, and the copies behind a paused display.
 *
 * Lines are never materialized: a position is a row and a line of its expansion, and
 * moving walks from row to row, so 100,000 rows all expanded cost nothing until they
 * are on screen. The selection follows its row (by stack or label, across models by
 * identity) when a new sample sorts the view again. */
#ifndef PAGETOP_TUI_LIST_H
#define PAGETOP_TUI_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "tui_app.h"
#include "tui_columns.h"

struct tree_ui;

/* A row as the list shows it: the model's row, and its identity. */
struct list_row {
	const struct counter *s;    /* the model's, or a frozen copy while paused */
	const struct stack *stack;  /* GROUP_STACK, else NULL */
	uint32_t label;
	uint64_t ident;             /* the same across models (replicas): 0 until known */
	uint32_t example;           /* groups: the largest member stack, else UINT32_MAX */
	uint32_t nstacks;           /* groups: member stacks with pages */
};

/* A line of the list: a row (frame_line -1) or a line of its expansion (0, 1, ...). */
struct list_pos {
	size_t row;
	int frame_line;
};

struct idents {                 /* a few row identities, searched linearly */
	uint64_t *v;
	size_t n, cap;
};

struct list_screen {
	struct screen base;

	/* the view, and the rows as shown */
	struct view view;
	struct list_row *rows;
	size_t nrows, caprows;
	struct list_row *idle_rows; /* list_idle(): the rows in their new order, made so far */
	int idle_new;               /* idle_rows holds a new order (else the old rows to free) */
	size_t sorted;              /* rows in order from the first (SIZE_MAX: all), and
				     * from view.sorted_tail to the end */
	const struct model *view_model; /* the model the view was built from */
	double view_ms;             /* what the last rebuild of the view cost */
	struct counter *frozen;     /* paused: the rows' counters as they were, */
	void *frozen_history;       /* and their histories */

	/* the cursor */
	struct list_pos cursor, top;
	int cursor_y;               /* the cursor's line on the screen, from the top line */
	struct {                    /* the selected row, to find it in the next view */
		int valid;
		const struct model *model; /* the model it was selected in: */
		const struct stack *stack; /* its stack there, */
		uint32_t label;            /* or its group's label, */
		uint64_t ident;            /* and its identity in any model */
	} selected;
	int follow;                 /* the next model shown keeps the selected row even from
				     * the first row (a jump to the row's peak) */

	/* expanded rows, per group mode: those listed, or all but those listed */
	struct idents expanded[GROUP__N];
	int expand_all[GROUP__N];

	/* stacks of the master that the model must keep while they are shown (model_pin):
	 * the selected row's, the expanded rows', the paused rows' */
	const struct stack *pinned_selection;
	const struct stack **pins;
	size_t npins, cappins;

	/* the search */
	struct {
		char text[256];
		/* per frame / label id: 0 unknown, 1 no match, 2 a match */
		uint8_t *frame_match, *label_match;
		size_t nframe_match, nlabel_match;
		/* the same by apart text (a stack's own label), of model_apart_gen() */
		uint8_t *apart_match;
		size_t napart_match;
		uint32_t apart_gen;
		int in_parts;               /* search_in_parts() of the text */
		/* per frame id: 2 its text matches, 3 only its function, 1 neither */
		uint8_t *func_match;
		size_t nfunc_match;
		/* per row of rows[] (forgotten when the rows change), the same values; the
		 * first scanned rows' are known (list_idle() makes them ahead) */
		uint8_t *row_match;
		size_t nrow_match, scanned;
		/* per stack id, the same for a stack's row: kept while the rows only move
		 * (a far search puts some in order), forgotten with the rows otherwise
		 * (stacks_known 0); 2: every stack's answer made, from the index */
		uint8_t *stack_match;
		size_t nstack_match;
		int stacks_known;
		/* frame -> stacks, made while the screen waits with a search open or kept
		 * and at least index_min rows of stacks, not all in order: a search far
		 * away asks only the stacks it names */
		struct stack_index *index;
		size_t index_min;
		/* a character typed whose match may lie among wait_min rows or more not in
		 * order is looked for there by list_idle(), after the index, the cursor on
		 * the row / started on meanwhile (a new sample ends the wait at once): typed
		 * fast, only the last text is looked for */
		size_t wait_min;
		int waiting, wait_step;
		double tree_key_ms;         /* the call tree's search in a key, the rest waits */
		const struct model *model;  /* what the matches are of */
		struct list_pos origin;     /* where / started */
		char saved[256];            /* the search before / */
	} search;

	/* the call tree (T), shown instead of the rows when the tree setting is on */
	struct tree_ui *tree;

	/* the mouse */
	double last_click;
	struct list_pos last_click_pos;
};

/* Lines the rows have on the screen. */
int list_height(void);
/* Lines of the chart panel under the rows (c), 0 when off or the screen is too small. */
int list_chart_height(void);
int list_expanded(const struct list_screen *l, size_t row);
/* The stack a row shows expanded: its own, or its group's largest. */
const struct stack *list_row_stack(const struct list_screen *l, size_t row);
int list_row_matches(struct list_screen *l, size_t row);
/* Pause: the rows stay as they are (all sorted, their counters copied) until unfreeze. */
void list_freeze(struct list_screen *l);
void list_unfreeze(struct list_screen *l);
/* The master is about to be emptied (another source): lets go of its stacks (the pins),
 * the rows and a paused copy while it still has them. */
void list_release(struct list_screen *l);
/* The text of a cell of column c for counter s (v: the view whose share it is). */
void list_cell(const struct app *app, const struct view *v, enum col c,
	       const struct counter *s, char *buf, size_t n);
/* / : the search prompt, incremental from the cursor. */
void list_search_begin(struct list_screen *l);
/* While the screen waits and a search is open or typed: the rows not in order yet put in
 * order, for at most about budget_ms, so that a search far away finds its rows in order.
 * Returns 1 when nothing is left to do. */
int list_idle(struct list_screen *l, double budget_ms);

#endif
