/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_list.c - the list screen (tui_list.h): rows from the model's view, their
 * expansion, the cursor, the stacks it pins, the search, the frozen copy behind a paused
 * display, and drawing the rows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_index.h"
#include "tui_chart.h"
#include "tui_columns.h"
#include "tui_list.h"
#include "tui_status.h"
#include "tui_tree.h"

#define LIST(s) ((struct list_screen *)(s))

/* Whether the chart panel is on: the list is one screen, as curses is. */
static int chart_on;

int list_chart_height(void)
{
	int h = LINES / 3;

	if (!chart_on)
		return 0;
	h = h < 7 ? 7 : h > 14 ? 14 : h;
	return LINES - TUI_HEADER_LINES - 1 - h >= 3 ? h : 0;
}

int list_height(void)
{
	int h = LINES - TUI_HEADER_LINES - draw_bottom_lines() - list_chart_height();

	return h > 0 ? h : 0;
}

static void need_rows(struct list_screen *list, size_t lo, size_t hi);

static int pos_eq(struct list_pos a, struct list_pos b)
{
	return a.row == b.row && a.frame_line == b.frame_line;
}

static int pos_lt(struct list_pos a, struct list_pos b)
{
	return a.row < b.row || (a.row == b.row && a.frame_line < b.frame_line);
}

/* What a row is called: a stack's label told apart from the others of its label. */
static uint32_t shown_label(const struct model *m, const struct list_row *r)
{
	return r->stack ? model_stack_apart(m, r->stack, draw_utf8()) : r->label;
}

/* ---- expansion ---- */

/* A row's identity that holds across models: a replica interns stacks and labels in
 * another order, so ids differ, but handles and frame text hashes do not. */
static uint64_t row_ident(const struct list_screen *list, size_t row)
{
	const struct app *app = list->base.app;
	struct list_row *r = &list->rows[row];

	if (!r->ident) {
		const char *label = model_label(app->model, r->label);

		if (r->stack)
			r->ident = r->stack->handle ? hash_u64(r->stack->handle) : r->stack->hash;
		else
			r->ident = hash_bytes(label, strlen(label),
					      (uint64_t)app->settings.view.group + 1);
		if (!r->ident)
			r->ident = ((uint64_t)r->label << 1) | 1;
	}
	return r->ident;
}

static int idents_find(const struct idents *k, uint64_t ident)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i] == ident)
			return (int)i;
	return -1;
}

int list_expanded(const struct list_screen *list, size_t row)
{
	enum group_mode g = list->base.app->settings.view.group;
	int in = idents_find(&list->expanded[g], row_ident(list, row)) >= 0;

	return list->expand_all[g] ? !in : in;
}

static void pins_update(struct list_screen *list);
static void show_cursor(struct list_screen *list);

static void toggle(struct list_screen *list, size_t row, int on)
{
	struct idents *k = &list->expanded[list->base.app->settings.view.group];
	int i;

	if (row >= list->nrows || list_expanded(list, row) == !!on)
		return;
	i = idents_find(k, row_ident(list, row));
	if (i >= 0) {
		k->v[i] = k->v[--k->n];
	} else {
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 16;
			k->v = xreallocarray(k->v, k->cap, sizeof(uint64_t));
		}
		k->v[k->n++] = row_ident(list, row);
	}
	if (!on && list->cursor.row == row)
		list->cursor.frame_line = -1;
	pins_update(list);
	show_cursor(list);
}

/* ---- what the model keeps for the screen ---- */

static void pin_selection(struct list_screen *list, const struct stack *st)
{
	struct app *app = list->base.app;

	if (app->model != app->master)
		st = NULL; /* a replica's: only the master forgets behind the screen */
	if (st == list->pinned_selection)
		return;
	if (list->pinned_selection)
		model_unpin(app->master, list->pinned_selection);
	list->pinned_selection = st;
	if (st)
		model_pin(app->master, st);
}

static void pin_add(struct list_screen *list, const struct stack *st)
{
	if (list->npins == list->cappins) {
		list->cappins = list->cappins ? list->cappins * 2 : 64;
		list->pins = xreallocarray(list->pins, list->cappins, sizeof(*list->pins));
	}
	model_pin(list->base.app->master, st);
	list->pins[list->npins++] = st;
}

/* Pins the stacks of the rows shown expanded or paused (after a change of either), and
 * of a paused tree. */
static void pins_update(struct list_screen *list)
{
	struct app *app = list->base.app;
	enum group_mode g = app->settings.view.group;
	const struct idents *k = &list->expanded[g];
	int all = app->pause.on || (list->expand_all[g] && !k->n);

	for (size_t i = 0; i < list->npins; i++)
		model_unpin(app->master, list->pins[i]);
	list->npins = 0;
	if (app->model == app->master && app->pause.on && app->settings.tree != TREE_OFF) {
		/* the paused tree's trends read its stacks' histories */
		const struct view *tv = &list->tree->t.v;

		for (size_t i = 0; i < tv->nrows; i++)
			if (tv->rows[i].stack)
				pin_add(list, tv->rows[i].stack);
		return;
	}
	if (app->model != app->master || g != GROUP_STACK || !(all || list->expand_all[g] || k->n))
		return;
	for (size_t i = 0; i < list->nrows; i++) {
		const struct stack *st = list->rows[i].stack;

		if (!st || (!all && !list_expanded(list, i)))
			continue;
		pin_add(list, st);
	}
}

const struct stack *list_row_stack(const struct list_screen *list, size_t row)
{
	const struct model *m = list->base.app->model;
	const struct list_row *r = &list->rows[row];

	if (r->stack)
		return r->stack;
	if (r->example == UINT32_MAX || r->example >= model_nstacks(m))
		return NULL;
	return model_stack(m, r->example);
}

/* The source lines of a frame when known (ask: request them). */
static const struct sym_result *frame_symbols(const struct list_screen *list, uint32_t frame,
					      int ask)
{
	const struct app *app = list->base.app;
	const char *s;

	if (!app->sym)
		return NULL;
	s = model_frame(app->model, frame);
	return ask ? symbols_get(app->sym, s, strlen(s)) : symbols_lookup(app->sym, s, strlen(s));
}

/* A frame takes a line, and one more for each function it was inlined into. */
static int frame_lines(const struct list_screen *list, uint32_t frame)
{
	const struct sym_result *r = frame_symbols(list, frame, 0);

	return r && r->status == SYM_OK && r->nframes > 1 ? (int)r->nframes : 1;
}

/* Lines of a row's expansion: a group's note, then its frames' lines. */
static int row_lines(const struct list_screen *list, size_t row)
{
	const struct stack *st;
	int n;

	if (row >= list->nrows || !list_expanded(list, row))
		return 0;
	st = list_row_stack(list, row);
	n = list->rows[row].stack ? 0 : 1;
	if (!st || !st->nframes)
		return n + 1;
	if (!list->base.app->sym)
		return n + st->nframes;
	for (unsigned i = 0; i < st->nframes; i++)
		n += frame_lines(list, st->frames[i]);
	return n;
}

/* Which line of a row's expansion frame_line is: frame fi (-1: the group's note), and
 * inl 0 for the frame itself, 1.. for the functions it was inlined into. */
static void locate_line(const struct list_screen *list, size_t row, int frame_line, int *fi,
			int *inl)
{
	const struct stack *st = list_row_stack(list, row);

	*fi = -1;
	*inl = 0;
	if (!list->rows[row].stack) {
		if (frame_line == 0)
			return;
		frame_line--;
	}
	if (!st || !st->nframes || !list->base.app->sym) {
		*fi = frame_line;
		return;
	}
	for (unsigned i = 0; i < st->nframes; i++) {
		int k = frame_lines(list, st->frames[i]);

		if (frame_line < k) {
			*fi = (int)i;
			*inl = frame_line;
			return;
		}
		frame_line -= k;
	}
	*fi = (int)st->nframes - 1;
}

/* ---- moving ---- */

static int pos_next(const struct list_screen *list, struct list_pos *p)
{
	if (!list->nrows)
		return 0;
	if (p->frame_line + 1 < row_lines(list, p->row)) {
		p->frame_line++;
		return 1;
	}
	if (p->row + 1 < list->nrows) {
		p->row++;
		p->frame_line = -1;
		return 1;
	}
	return 0;
}

static int pos_prev(const struct list_screen *list, struct list_pos *p)
{
	if (!list->nrows)
		return 0;
	if (p->frame_line >= 0) {
		p->frame_line--;
		return 1;
	}
	if (p->row > 0) {
		p->row--;
		p->frame_line = row_lines(list, p->row) - 1;
		return 1;
	}
	return 0;
}

static void remember_selection(struct list_screen *list)
{
	if (list->nrows && list->cursor.row < list->nrows) {
		const struct list_row *r = &list->rows[list->cursor.row];

		pin_selection(list, r->stack);
		list->selected.stack = r->stack;
		list->selected.label = r->label;
		list->selected.ident = row_ident(list, list->cursor.row);
		list->selected.model = list->base.app->model;
		list->selected.valid = 1;
	} else {
		pin_selection(list, NULL);
		list->selected.valid = 0;
	}
}

/* The cursor within the rows, the top line such that the cursor is on the screen and no
 * blank lines are at the bottom while lines are above the top. */
static void show_cursor(struct list_screen *list)
{
	int h = list_height(), n;
	struct list_pos p;

	if (!list->nrows) {
		list->cursor = list->top = (struct list_pos){ 0, -1 };
		return;
	}
	if (list->cursor.row >= list->nrows)
		list->cursor = (struct list_pos){ list->nrows - 1, -1 };
	need_rows(list, list->cursor.row - (list->cursor.row < 2 * (size_t)h ? list->cursor.row :
		  2 * (size_t)h), list->cursor.row + 2 * (size_t)h);
	if (list->cursor.frame_line >= row_lines(list, list->cursor.row))
		list->cursor.frame_line = row_lines(list, list->cursor.row) - 1;
	if (list->top.row >= list->nrows || list->top.frame_line >= row_lines(list, list->top.row)) {
		list->top.row = list->top.row < list->nrows ? list->top.row : list->nrows - 1;
		list->top.frame_line = -1;
	}
	if (h <= 0)
		return;
	if (pos_lt(list->cursor, list->top)) {
		list->top = list->cursor;
	} else {
		int d = 0;

		p = list->top;
		while (!pos_eq(p, list->cursor) && d < h && pos_next(list, &p))
			d++;
		if (!pos_eq(p, list->cursor) || d >= h) {
			list->top = list->cursor;
			for (int i = 0; i < h - 1 && pos_prev(list, &list->top); i++)
				;
		}
	}
	p = list->top;
	for (n = 1; n < h && pos_next(list, &p); n++)
		;
	for (; n < h && pos_prev(list, &list->top); n++)
		;
	/* where the cursor is on the screen: a new view keeps it there */
	p = list->top;
	list->cursor_y = 0;
	while (list->cursor_y < h && !pos_eq(p, list->cursor) && pos_next(list, &p))
		list->cursor_y++;
	remember_selection(list);
}

static void select_pos(struct list_screen *list, struct list_pos p)
{
	list->cursor = p;
	show_cursor(list);
}

static void move_lines(struct list_screen *list, long lines)
{
	size_t at = list->cursor.row, far = (size_t)labs(lines) + 2 * (size_t)list_height();

	if (lines > 0)
		need_rows(list, at, at + far);
	else
		need_rows(list, at > far ? at - far : 0, at + 1);
	for (; lines > 0 && pos_next(list, &list->cursor); lines--)
		;
	for (; lines < 0 && pos_prev(list, &list->cursor); lines++)
		;
	show_cursor(list);
}

static void move_page(struct list_screen *list, int dir)
{
	int h = list_height();

	size_t at = list->cursor.row;

	if (dir > 0)
		need_rows(list, at, at + 3 * (size_t)h);
	else
		need_rows(list, at > 3 * (size_t)h ? at - 3 * (size_t)h : 0, at + 1);
	for (int i = 0; i < h; i++)
		if (!(dir > 0 ? pos_next(list, &list->top) : pos_prev(list, &list->top)))
			break;
	move_lines(list, dir * (long)h);
}

static void move_first(struct list_screen *list)
{
	list->cursor = list->top = (struct list_pos){ 0, -1 };
	show_cursor(list);
}

static void sort_all(struct list_screen *list);

static void move_last(struct list_screen *list)
{
	size_t far = 3 * (size_t)list_height();

	if (!list->nrows)
		return;
	need_rows(list, list->nrows > far ? list->nrows - far : 0, list->nrows);
	list->cursor.row = list->nrows - 1;
	list->cursor.frame_line = row_lines(list, list->cursor.row) - 1;
	show_cursor(list);
}

/* The list line at screen offset y from the top line; 0 when there is none. */
static int pos_at_line(const struct list_screen *list, int y, struct list_pos *p)
{
	if (!list->nrows || y < 0)
		return 0;
	*p = list->top;
	for (int i = 0; i < y; i++)
		if (!pos_next(list, p))
			return 0;
	return 1;
}

/* ---- rows from the model ---- */

/* The view's rows [a, b) as shown. */
/* A list row d made from the view's row r. */
static void row_fill(const struct list_screen *list, struct list_row *d, const struct row *r)
{
	d->s = r->s;
	d->ident = 0;
	d->stack = r->stack;
	d->label = r->label;
	/* no look into the stack itself here: 100,000 cache misses cost milliseconds */
	if (r->stack) {
		d->example = UINT32_MAX;
		d->nstacks = 1;
	} else {
		d->example = r->group ? model_group_example(list->base.app->model, r->group)
					 : UINT32_MAX;
		d->nstacks = r->group ? r->group->nstacks : 0;
	}
}

static void rows_copy_range(struct list_screen *list, size_t a, size_t b)
{
	if (list->view.nrows > list->caprows) {
		/* a quarter more for the samples after: grown by a few rows, the array (its
		 * mapping split by the hint) would be copied whole */
		list->caprows = list->view.nrows + list->view.nrows / 4;
		list->rows = xhuge_hint(xreallocarray(list->rows, list->caprows, sizeof(*list->rows)),
					list->caprows * sizeof(*list->rows));
	}
	list->nrows = list->view.nrows;
	/* other rows, or the same in another order */
	list->search.nrow_match = 0;
	list->search.stacks_known = 0;
	for (size_t i = a; i < b && i < list->nrows; i++)
		row_fill(list, &list->rows[i], &list->view.rows[i]);
	view_moved_begin(&list->view);
}

/* The rows again as the view has them after it put more of [a, b) in order (the same
 * rows, some moved): only those it moved when it can tell (a few hundred of a million),
 * each one's answer to the search asked again from its stack's, which holds. */
static void rows_sync(struct list_screen *list, size_t a, size_t b)
{
	size_t n;
	const uint32_t *moved = view_moved(&list->view, &n);

	if (!moved || list->nrows != list->view.nrows) {
		int known = list->search.stacks_known;

		rows_copy_range(list, a, b);
		list->search.stacks_known = known; /* the same rows: a stack's answer holds */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		row_fill(list, &list->rows[moved[i]], &list->view.rows[moved[i]]);
		if (moved[i] < list->search.nrow_match)
			list->search.row_match[moved[i]] = 0;
	}
	view_moved_begin(&list->view);
}

static void rows_copy(struct list_screen *list)
{
	rows_copy_range(list, 0, list->view.nrows);
}

/* The rows as they are now: the model goes on taking samples (and changing the
 * histories) while the display is paused. */
static void frozen_copy(struct list_screen *list)
{
	struct app *app = list->base.app;
	size_t hist = 0;
	char *p;

	free(list->frozen);
	free(list->frozen_history);
	list->frozen = xmalloc((list->nrows ? list->nrows : 1) * sizeof(*list->frozen));
	for (size_t i = 0; i < list->nrows; i++)
		hist += model_counter_copy_size(list->rows[i].s);
	p = list->frozen_history = hist ? xmalloc(hist) : NULL;
	for (size_t i = 0; i < list->nrows; i++) {
		size_t n = model_counter_copy_size(list->rows[i].s);

		model_counter_copy(&list->frozen[i], list->rows[i].s, p);
		list->rows[i].s = &list->frozen[i];
		p += n;
	}
	app->pause.sample = model_nsamples(app->model) ? model_nsamples(app->model) - 1 : 0;
	app->pause.pending = 0;
}

static void search_set(struct list_screen *list, const char *text);

/* The selected row in the new rows, or nrows when it is not there. */
static size_t find_selection(const struct list_screen *list)
{
	size_t i;

	if (list->selected.model == list->base.app->model) {
		for (i = 0; i < list->nrows; i++)
			if (list->rows[i].stack == list->selected.stack &&
			    (list->selected.stack || list->rows[i].label == list->selected.label))
				return i;
		return i;
	}
	/* another model (replay): find the row by its identity */
	for (i = 0; i < list->nrows; i++)
		if (row_ident(list, i) == list->selected.ident)
			return i;
	return i;
}

#define SORTED_MIN 1000

/* Rows in order from the first (SIZE_MAX: all of them) as the view has them. */
static void sorted_update(struct list_screen *list)
{
	const struct view *v = &list->view;

	list->sorted = v->sorted_head < v->sorted_tail ? v->sorted_head : SIZE_MAX;
}

/* The view again, all rows in order or only the first and those near the selection
 * (model_view's limit, view_place(): sorting 1,000,000 rows costs ~40 ms; moving on,
 * view_need() selects the rows the screen needs; searching or pausing sorts them all,
 * once). The selection stays on its row, at its line of the screen. */
static void rebuild(struct list_screen *list, int all)
{
	struct app *app = list->base.app;
	double t0 = time_mono();
	int h = list_height(), y = list->cursor_y;
	struct view_opts vo = app->settings.view;
	size_t want = 4 * (size_t)h;

	/* the old rows may point into a model that is gone (replay): never look at them */
	if (y >= h)
		y = h > 0 ? h - 1 : 0;
	vo.limit = all || app->pause.on ? 0 : want > SORTED_MIN ? want : SORTED_MIN;
	/* the selection's row is put in order as the view is made, not looked for after */
	vo.near_on = list->selected.valid && list->selected.model == app->model &&
		     !(list->cursor.row == 0 && list->cursor.frame_line < 0 && !list->follow);
	vo.near_stack = list->selected.stack;
	vo.near_label = list->selected.label;
	vo.near_before = 2 * (size_t)h;
	vo.near_after = 4 * (size_t)h;
	model_view(app->model, &vo, &list->view);
	list->view_model = app->model;
	sorted_update(list);
	rows_copy(list);
	if (app->pause.on)
		frozen_copy(list);
	if (list->search.model != app->model)
		search_set(list, list->search.text);
	if (list->selected.valid && list->cursor.row == 0 && list->cursor.frame_line < 0 &&
	    !list->follow) {
		/* the top of the list stays the top, like top */
		list->cursor = list->top = (struct list_pos){ 0, -1 };
	} else if (list->selected.valid) {
		size_t i = vo.near_on && list->view.near != SIZE_MAX ? list->view.near
								      : find_selection(list);

		if (i < list->nrows && i >= list->sorted && i < list->view.sorted_tail) {
			/* the selection is among the rows in no order: to its place */
			size_t a = list->view.sorted_head, b = list->view.sorted_tail;

			i = view_place(app->model, &vo, &list->view, i, 2 * (size_t)h,
				       4 * (size_t)h);
			sorted_update(list);
			rows_sync(list, a, b);
		}
		if (i < list->nrows) {
			list->cursor.row = i;
		} else {
			list->cursor.frame_line = -1;
			if (list->cursor.row >= list->nrows)
				list->cursor.row = list->nrows ? list->nrows - 1 : 0;
		}
		if (list->nrows && list->cursor.frame_line >= row_lines(list, list->cursor.row))
			list->cursor.frame_line = row_lines(list, list->cursor.row) - 1;
		list->top = list->cursor;
		for (int k = 0; k < y && pos_prev(list, &list->top); k++)
			;
	} else {
		list->cursor = list->top = (struct list_pos){ 0, -1 };
	}
	pins_update(list);
	show_cursor(list);
	list->view_ms = (time_mono() - t0) * 1e3;
}

static void sort_all(struct list_screen *list)
{
	if (list->sorted != SIZE_MAX && !list->base.app->pause.on)
		rebuild(list, 1);
}

/* Rows [lo, hi) must be in order. */
static void need_rows(struct list_screen *list, size_t lo, size_t hi)
{
	struct app *app = list->base.app;
	size_t a = list->view.sorted_head, b = list->view.sorted_tail;

	if (list->sorted == SIZE_MAX || app->pause.on || hi <= list->sorted || lo >= b)
		return;
	if (list->view_model != app->model) {
		sort_all(list);
		return;
	}
	view_need(app->model, &app->settings.view, &list->view, lo, hi);
	sorted_update(list);
	rows_sync(list, a, b);
}

/* Called from a key: the screens have heard of every change. */
void list_freeze(struct list_screen *list)
{
	list->base.app->pause.on = 1;
	if (list->sorted != SIZE_MAX)
		rebuild(list, 1); /* sorts all the rows, then copies them */
	else
		frozen_copy(list);
	/* the model goes on and may give a forgotten stack's id to another */
	list->search.stacks_known = 0;
	if (list->base.app->settings.tree != TREE_OFF)
		pins_update(list);
}

void list_unfreeze(struct list_screen *list)
{
	struct app *app = list->base.app;

	app->pause.on = 0;
	app->pause.pending = 0;
	free(list->frozen);
	list->frozen = NULL;
	free(list->frozen_history);
	list->frozen_history = NULL;
}

void list_release(struct list_screen *list)
{
	struct app *app = list->base.app;

	pin_selection(list, NULL);
	for (size_t i = 0; i < list->npins; i++)
		model_unpin(app->master, list->pins[i]);
	list->npins = 0;
	list_unfreeze(list);
	list->nrows = 0;
	list->sorted = SIZE_MAX;
	list->search.nrow_match = 0;
	list->search.stacks_known = 0;
	list->selected.valid = 0;
}

/* What the tree mode takes from the list. */
static struct tree_env tree_env(struct list_screen *list)
{
	return (struct tree_env){ list->base.app, list->search.text, list_height(), list_cell };
}

/* ---- search ---- */

/* Keeps what is known to fail: whatever contains the new text contains the old one. */
static void forget_matches(uint8_t *m, size_t n, int narrow)
{
	if (!m)
		return;
	if (!narrow) {
		memset(m, 0, n);
		return;
	}
	for (size_t i = 0; i < n; i++) /* 1 stays, 2 and 3 go: no branch, a million a key */
		m[i] = m[i] == 1;
}

/* Whether a text found in a stack's told-apart label ("label <- f", "label ← … ← f",
 * "label -> f", "label @ site") lies in its label or in the function or frame that
 * names it: it has no space and is no piece of a joint. Then the label, the frames and
 * their functions tell whether a row matches without its told-apart label made. */
static int search_in_parts(const char *t)
{
	static const char *const joints[] = { "<-", "->", "...", "←", "→", "…", "@" };

	if (strchr(t, ' '))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(joints); i++)
		if (strstr(joints[i], t))
			return 0;
	return 1;
}

static void search_set(struct list_screen *list, const char *text)
{
	/* a longer search narrows the last one's results instead of scanning all again */
	int narrow = list->search.model == list->base.app->model && list->search.text[0] &&
		     strcasestr(text, list->search.text);

	if (text != list->search.text)
		snprintf(list->search.text, sizeof(list->search.text), "%s", text);
	else
		narrow = 0;
	list->search.in_parts = search_in_parts(list->search.text);
	forget_matches(list->search.frame_match, list->search.nframe_match, narrow);
	forget_matches(list->search.func_match, list->search.nfunc_match, narrow);
	forget_matches(list->search.label_match, list->search.nlabel_match, narrow);
	forget_matches(list->search.apart_match, list->search.napart_match, narrow);
	forget_matches(list->search.row_match, list->search.nrow_match, narrow);
	forget_matches(list->search.stack_match, list->search.nstack_match, narrow);
	if (!narrow) {
		list->search.nrow_match = 0;
		list->search.stacks_known = 0;
	} else if (list->search.stacks_known == 2) {
		list->search.stacks_known = 1; /* the matches forgotten, those that fail kept */
	}
	list->search.scanned = 0;
	list->search.model = list->base.app->model;
}

/* strcasestr() of the search text, without its setup for each of a million texts. */
static int has_text(const struct list_screen *list, const char *hay)
{
	return mem_has_text(hay, strlen(hay), list->search.text);
}

static uint8_t *match_at(uint8_t **cache, size_t *n, uint32_t id)
{
	if (id >= *n) {
		size_t cap = *n ? *n : 4096;

		while (cap <= id)
			cap *= 2;
		*cache = xrealloc(*cache, cap);
		memset(*cache + *n, 0, cap - *n);
		*n = cap;
	}
	return *cache + id;
}

static int cached_match(struct list_screen *list, uint8_t **cache, size_t *n, uint32_t id,
			const char *text)
{
	uint8_t *c = match_at(cache, n, id);

	if (!*c)
		*c = has_text(list, text) ? 2 : 1;
	return *c == 2;
}

/* Whether a row may match: a text that lies in one part of a told-apart label matches
 * a row only if a label or a frame has it: a miss at a million rows is known from the
 * texts of the model's labels and frames, not from each row. */
static int search_possible(struct list_screen *list)
{
	if (!list->search.in_parts)
		return 1;
	return model_texts_have(list->base.app->model, list->search.text);
}

/* Whether frame f has the text (2), only its function (3) or neither (1). */
static int frame_answer(struct list_screen *list, uint32_t f)
{
	const struct model *m = list->base.app->model;
	uint8_t *c = match_at(&list->search.func_match, &list->search.nfunc_match, f);

	if (!*c) {
		uint32_t func = model_frames_label(m, &f, 1, GROUP_FUNCTION, 0);

		if (has_text(list, model_frame(m, f)))
			*c = 2;
		else
			*c = has_text(list, model_label(m, func)) ? 3 : 1;
	}
	return *c;
}

static int row_match(struct list_screen *list, const struct list_row *r)
{
	const struct model *m = list->base.app->model;
	const struct stack *st = r->stack;
	uint32_t id;

	if (st && list->search.in_parts) {
		int func = 0;

		if (cached_match(list, &list->search.label_match, &list->search.nlabel_match,
				 st->label, model_label(m, st->label)))
			return 1;
		for (unsigned i = 0; i < st->nframes; i++) {
			int k = frame_answer(list, st->frames[i]);

			if (k == 2)
				return 1;
			func |= k == 3;
		}
		if (!func)
			return 0; /* in none of the parts its told-apart label is made of */
	}
	id = shown_label(m, r);
	if (!(id & MODEL_APART_ID)) {
		if (cached_match(list, &list->search.label_match, &list->search.nlabel_match, id,
				 model_label(m, id)))
			return 1;
	} else {
		/* a stack's own text, by its number of now */
		if (list->search.apart_gen != model_apart_gen(m)) {
			forget_matches(list->search.apart_match, list->search.napart_match, 0);
			list->search.apart_gen = model_apart_gen(m);
		}
		if (cached_match(list, &list->search.apart_match, &list->search.napart_match,
				 id & ~MODEL_APART_ID, model_label(m, id)))
			return 1;
	}
	for (unsigned i = 0; r->stack && i < r->stack->nframes; i++) {
		uint32_t f = r->stack->frames[i];

		if (cached_match(list, &list->search.frame_match, &list->search.nframe_match, f,
				 model_frame(m, f)))
			return 1;
	}
	return 0;
}

int list_row_matches(struct list_screen *list, size_t row)
{
	uint8_t *rm, *sm;

	if (!list->search.text[0])
		return 0;
	if (list->search.model != list->base.app->model)
		search_set(list, list->search.text);
	if (list->search.nrow_match != list->nrows) {
		/* a row's answer, kept until the rows change: a longer search then looks only
		 * at the rows that matched the shorter one, a byte each */
		list->search.row_match = xrealloc(list->search.row_match,
						  list->nrows ? list->nrows : 1);
		memset(list->search.row_match, 0, list->nrows);
		list->search.nrow_match = list->nrows;
		list->search.scanned = 0;
	}
	rm = &list->search.row_match[row];
	if (*rm)
		return *rm == 2;
	if (list->rows[row].stack) {
		/* a stack's answer outlives its place */
		if (!list->search.stacks_known) {
			forget_matches(list->search.stack_match, list->search.nstack_match, 0);
			list->search.stacks_known = 1;
		}
		sm = match_at(&list->search.stack_match, &list->search.nstack_match,
			      list->rows[row].stack->id);
		if (!*sm)
			*sm = row_match(list, &list->rows[row]) ? 2 : 1;
		*rm = *sm;
	} else {
		*rm = row_match(list, &list->rows[row]) ? 2 : 1;
	}
	return *rm == 2;
}

#define SEARCH_NEAR 256

static int in_middle(const struct list_screen *list, size_t row)
{
	return row >= list->view.sorted_head && row < list->view.sorted_tail;
}

/* The rows a search looks at first, SEARCH_NEAR + 1 from the cursor's on, put in order
 * (the rest only when the search goes further). */
static void near_rows(struct list_screen *list, int dir, size_t n)
{
	size_t at = list->cursor.row, near = SEARCH_NEAR + 1;

	if (!n || at >= n)
		return;
	if (near > n)
		near = n;
	if (dir > 0) {
		need_rows(list, at, at + near < n ? at + near : n);
		if (at + near > n)
			need_rows(list, 0, at + near - n);
	} else {
		need_rows(list, at + 1 >= near ? at + 1 - near : 0, at + 1);
		if (at + 1 < near)
			need_rows(list, n - (near - at - 1), n);
	}
}

static int search_wants(void *arg, size_t row)
{
	return list_row_matches(arg, row);
}

/* Every stack's answer from the index (stacks_known 2): the stacks of the frames that have
 * the text match; those of frames whose function has it, and those whose label no frame
 * tells, are asked; the rest fail. 0 when the index cannot tell (not made for these
 * stacks, a text across a label's parts). */
static int index_answers(struct list_screen *list)
{
	struct app *app = list->base.app;
	const struct model *m = app->model;
	struct stack_index *x = list->search.index;
	size_t nst = model_nstacks(m), nf = model_nframes(m), n, nask = 0, capask = 0;
	uint32_t *ask = NULL;
	const uint32_t *ids;
	uint8_t *sm, *fm;

	if (list->search.stacks_known == 2)
		return 1;
	if (!list->search.in_parts || !nst || app->settings.view.group != GROUP_STACK ||
	    !stack_index_ready(x, m))
		return 0;
	match_at(&list->search.stack_match, &list->search.nstack_match, (uint32_t)nst - 1);
	if (nf)
		match_at(&list->search.func_match, &list->search.nfunc_match, (uint32_t)nf - 1);
	sm = list->search.stack_match;
	fm = list->search.func_match;
	memset(sm, 1, nst);
	for (uint32_t f = 0; f < nf; f++) {
		if (fm[f] == 1 || frame_answer(list, f) == 1)
			continue;
		ids = stack_index_frame(x, f, &n);
		if (fm[f] == 2) {
			for (size_t i = 0; i < n; i++)
				sm[ids[i]] = 2;
			continue;
		}
		if (!n)
			continue;
		if (nask + n > capask) {
			capask = 2 * (nask + n);
			ask = xreallocarray(ask, capask, sizeof(*ask));
		}
		memcpy(ask + nask, ids, n * sizeof(*ids));
		nask += n;
	}
	ids = stack_index_odd(x, &n);
	for (size_t i = 0; i < nask + n; i++) {
		uint32_t id = i < nask ? ask[i] : ids[i - nask];
		const struct stack *st;

		if (sm[id] != 1)
			continue; /* a match, or asked already */
		st = model_stack(m, id);
		if (st) {
			struct list_row r = { &st->s, st, st->label, 0, UINT32_MAX, 1 };

			sm[id] = row_match(list, &r) ? 2 : 3;
		}
	}
	for (size_t i = 0; i < nask + n; i++) { /* 3: asked, no match */
		uint32_t id = i < nask ? ask[i] : ids[i - nask];

		sm[id] = sm[id] == 3 ? 1 : sm[id];
	}
	free(ask);
	list->search.stacks_known = 2;
	return 1;
}

/* The rows not in order yet lie together in the order: the match among them that the
 * search meets first (dir 1: the first in the order, -1: the last) put in its place
 * with the rows around it, not every row sorted. Returns its row, or SIZE_MAX. */
static size_t search_unsorted(struct list_screen *list, int dir)
{
	struct app *app = list->base.app;
	size_t a = list->view.sorted_head, b = list->view.sorted_tail, h = list_height(), r;

	if (index_answers(list))
		r = view_find_ids(app->model, &app->settings.view, &list->view, dir < 0,
				  list->search.stack_match, model_nstacks(app->model), 2 * h,
				  4 * h);
	else
		r = view_find(app->model, &app->settings.view, &list->view, dir < 0,
			      search_wants, list, 2 * h, 4 * h);
	if (r != SIZE_MAX) {
		sorted_update(list);
		rows_sync(list, a, b);
	}
	return r;
}

/* Whether a search forward from the cursor may leave what lies past the rows near it to
 * list_idle(): many rows are not in order, the cursor's among those in order. */
static int search_may_wait(const struct list_screen *list)
{
	const struct app *app = list->base.app;
	size_t a = list->view.sorted_head, b = list->view.sorted_tail;

	return list->sorted != SIZE_MAX && b - a >= list->search.wait_min &&
	       list->view_model == app->model && !app->pause.on &&
	       !in_middle(list, list->cursor.row);
}

/* The search left to list_idle(): returns 1, as search_step() does then. */
static int search_wait_begin(struct list_screen *list)
{
	list->search.waiting = 1;
	list->search.wait_step = 0;
	return 1;
}

/* Moves to the next (dir 1) or previous (-1) matching row; from the cursor's row itself
 * when include. Returns 0, or -1 when nothing matches, or 1 when it may wait (forward)
 * and no row near the cursor matches: list_idle() finds it. */
static int search_step(struct list_screen *list, int dir, int include, int may_wait)
{
	size_t n;

	if (list->base.app->settings.tree != TREE_OFF) {
		struct tree_env e = tree_env(list);
		int r = tree_ui_search(list->tree, &e, dir, include,
				       may_wait ? time_mono() + list->search.tree_key_ms / 1e3 : 0);

		return r > 0 ? search_wait_begin(list) : r;
	}
	n = list->nrows;
	near_rows(list, dir, n);
	may_wait = may_wait && dir > 0 && search_may_wait(list);
	for (size_t k = 0; k < n; k++) {
		size_t off = (include ? k : k + 1) % n;
		size_t at = list->cursor.row;
		size_t r = dir > 0 ? (at + off) % n : (at + n - off) % n;
		size_t a = list->view.sorted_head, b = list->view.sorted_tail, m;

		/* no match near the cursor: the labels and frames may tell that none is
		 * anywhere before every row is looked at */
		if (k == SEARCH_NEAR && !search_possible(list))
			return -1;
		if (k == SEARCH_NEAR && may_wait)
			return search_wait_begin(list);
		if (list->sorted != SIZE_MAX && r >= a && r < b) {
			if (list->view_model != list->base.app->model || list->base.app->pause.on ||
			    (at >= a && at < b)) {
				sort_all(list);
			} else {
				m = search_unsorted(list, dir);
				if (m != SIZE_MAX) {
					select_pos(list, (struct list_pos){ m, -1 });
					return 0;
				}
				k += b - a - 1; /* none there: on past them */
				continue;
			}
		}
		if (list_row_matches(list, r)) {
			select_pos(list, (struct list_pos){ r, -1 });
			return 0;
		}
	}
	return -1;
}

static void search_wait_end(struct list_screen *list);

static unsigned search_edit(struct app *app, const char *text)
{
	struct list_screen *list = app->list;

	search_set(list, text);
	list->search.waiting = 0;
	select_pos(list, list->search.origin);
	if (text[0] && search_step(list, 1, 1, 1) < 0)
		select_pos(list, list->search.origin);
	return ACTION_REDRAW;
}

static unsigned search_accept(struct app *app, const char *text)
{
	struct list_screen *list = app->list;

	if (!text[0])
		search_set(list, list->search.saved);
	search_wait_end(list); /* Enter goes to the match now */
	return ACTION_REDRAW;
}

static unsigned search_cancel(struct app *app)
{
	app->list->search.waiting = 0;
	search_set(app->list, app->list->search.saved);
	select_pos(app->list, app->list->search.origin);
	return ACTION_REDRAW;
}

static const char *search_note(struct app *app, const char *text)
{
	struct list_screen *list = app->list;

	if (text[0] && list->search.waiting)
		return _("  (searching...)");
	if (app->settings.tree != TREE_OFF) {
		const struct tree_ui *u = list->tree;

		if (text[0] && u->nlines &&
		    !strcasestr(tree_node_text(app->model, &u->t.nodes[u->lines[u->cursor].node]),
				text))
			return _("  (not found)");
		return NULL;
	}
	if (text[0] && list->nrows && !list_row_matches(list, list->cursor.row))
		return _("  (not found)");
	return NULL;
}

static const struct prompt_ops search_prompt = {
	.label = N_("Search: "),
	.accept = search_accept,
	.cancel = search_cancel,
	.edit = search_edit,
	.note = search_note,
};

/* view_sort_slice()'s rows [lo, hi) of the new order, into idle_rows: the rows in order
 * already (before the first, after the last) come with the first piece. */
static void idle_copy(void *arg, const struct row *rows, size_t lo, size_t hi)
{
	struct list_screen *list = arg;
	size_t a = list->view.sorted_head, b = list->view.sorted_tail, n = list->nrows;

	if (lo == a) {
		free(list->idle_rows);
		list->idle_rows = xhuge_hint(xmalloc(n * sizeof(*list->idle_rows)),
					     n * sizeof(*list->idle_rows));
		list->idle_new = 1;
		memcpy(list->idle_rows, list->rows, a * sizeof(*list->rows));
		memcpy(list->idle_rows + b, list->rows + b, (n - b) * sizeof(*list->rows));
	}
	for (size_t i = lo; i < hi; i++)
		row_fill(list, &list->idle_rows[i], &rows[i]);
}

/* The memory of list_idle()'s sort freed, a piece a call: 1 when none is left. */
static int idle_stop(struct list_screen *list)
{
	if (list->idle_rows) {
		free(list->idle_rows);
		list->idle_rows = NULL;
		list->idle_new = 0;
		view_sort_slice_give_up(&list->view); /* the rows copied so far are gone */
		return 0;
	}
	return view_sort_slice_stop(&list->view);
}

/* Every row's answer to the search typed made ahead, a piece at a time, in the order the
 * search goes from where it started: the next character looks again only at the rows
 * that matched. */
static int idle_scan(struct list_screen *list, double deadline)
{
	size_t n = list->nrows, from = list->search.origin.row, i;

	if (!list->search.text[0] || !list->base.app->prompt.len || !n)
		return 1;
	if (from >= n)
		from = 0;
	list_row_matches(list, from); /* the answers made for these rows */
	i = list->search.scanned;
	while (i < n) {
		size_t end = i + 1024 < n ? i + 1024 : n;

		for (; i < end; i++)
			list_row_matches(list, (from + i) % n);
		list->search.scanned = i;
		if (time_mono() >= deadline)
			break;
	}
	return i >= n;
}

/* The index of the model's stacks made ahead while a search is open or kept (`n`), for a
 * list of many rows of stacks with rows not in order: 1 when none is to be made (any
 * more). It goes when the list shows no stacks. */
static int idle_index(struct list_screen *list, double deadline)
{
	struct app *app = list->base.app;

	if (app->settings.tree != TREE_OFF || app->settings.view.group != GROUP_STACK) {
		stack_index_free(list->search.index);
		list->search.index = NULL;
		return 1;
	}
	if (list->nrows < list->search.index_min || list->view_model != app->model ||
	    list->sorted == SIZE_MAX || app->pause.on ||
	    (app->prompt.ops != &search_prompt && !list->search.text[0]))
		return 1;
	if (!list->search.index)
		list->search.index = stack_index_new();
	return stack_index_make(list->search.index, app->model, deadline);
}

static int idle_work(struct list_screen *list, double deadline);

/* The match a character waited for, found now. */
static void search_wait_end(struct list_screen *list)
{
	if (!list->search.waiting)
		return;
	list->search.waiting = 0;
	select_pos(list, list->search.origin);
	if (search_step(list, 1, 1, 0) < 0)
		select_pos(list, list->search.origin);
	list->base.app->dirty = 1;
}

/* The index first: it is ready sooner than every row put in order. */
int list_idle(struct list_screen *list, double budget_ms)
{
	double deadline = time_mono() + budget_ms / 1e3;

	return idle_index(list, deadline) && idle_work(list, deadline);
}

static int idle_work(struct list_screen *list, double deadline)
{
	struct app *app = list->base.app;

	if (app->settings.tree != TREE_OFF && list->search.waiting &&
	    app->prompt.ops == &search_prompt) {
		/* the call tree's stacks looked at a slice at a time, then the line found */
		struct tree_env e = tree_env(list);
		int r = tree_ui_search(list->tree, &e, 1, 1, deadline);

		if (r > 0)
			return 0;
		list->search.waiting = 0;
		if (r < 0)
			select_pos(list, list->search.origin);
		app->dirty = 1;
	}
	/* only a search typed goes far from the rows in order; the cursor stays where it
	 * is */
	if (app->settings.tree != TREE_OFF || list->view_model != app->model ||
	    list->nrows != list->view.nrows || app->prompt.ops != &search_prompt) {
		search_wait_end(list);
		return idle_stop(list);
	}
	if (list->search.waiting) {
		/* the index made (when the rows have one): the match found with it, the rows
		 * before it not sorted; the stacks' answers and the rows' keys in waits of their
		 * own first */
		if (list->search.wait_step == 0 && index_answers(list)) {
			list->search.wait_step = 1;
		} else if (list->search.wait_step <= 1) {
			view_middle_ready(app->model, &app->settings.view, &list->view);
			list->search.wait_step = 2;
		} else {
			search_wait_end(list);
		}
		return 0;
	}
	if (list->sorted == SIZE_MAX || app->pause.on || in_middle(list, list->cursor.row) ||
	    in_middle(list, list->top.row) || in_middle(list, list->search.origin.row)) {
		if (!idle_stop(list))
			return 0;
	} else {
		struct list_row *old = list->rows;

		if (!view_sort_slice(app->model, &app->settings.view, &list->view, deadline,
				     idle_copy, list))
			return 0;
		if (!list->idle_new) /* nothing was left to sort */
			return idle_scan(list, deadline);
		/* the same rows, those between the ends moved: what is known of stacks is
		 * kept; the old rows are freed by the next call */
		list->rows = list->idle_rows;
		list->caprows = list->nrows;
		list->idle_rows = old;
		list->idle_new = 0;
		list->search.nrow_match = 0;
		sorted_update(list);
		return 0;
	}
	return idle_scan(list, deadline);
}

void list_search_begin(struct list_screen *list)
{
	snprintf(list->search.saved, sizeof(list->search.saved), "%s", list->search.text);
	list->search.origin = list->cursor;
	prompt_start(&list->base.app->prompt, &search_prompt, NULL);
}

/* ---- drawing ---- */

/* The trend column: the row's last samples, blank for a row that never changed (the rows
 * that move stand out). */
static void trend_cell(const struct app *app, const struct counter *s, char *buf, size_t n,
		       int w)
{
	int64_t v[MODEL_HISTORY];
	int got;

	buf[0] = '\0';
	if (!s->hist)
		return;
	if (w > MODEL_HISTORY)
		w = MODEL_HISTORY;
	if (app->pause.on && app->model == app->master) /* s is a copy as of then */
		got = model_history_at(app->model, s, app->pause.sample, v, w);
	else
		got = model_history(app->model, s, v, w);
	cell_sparkline(buf, n, w, v, got);
}

void list_cell(const struct app *app, const struct view *v, enum col c,
	       const struct counter *s, char *buf, size_t n)
{
	const struct model *m = app->model;
	int w = col_width(c);

	switch (c) {
	case COL_PAGES: cell_int(buf, n, w, s->now, 0); break;
	case COL_PEAK: cell_int(buf, n, w, s->peak, 0); break;
	case COL_BYTES:
		if (model_meta(m)->unit == UNIT_ALLOCS)
			snprintf(buf, n, "-");
		else
			cell_bytes(buf, n, (double)s->now * (double)model_page_size(m));
		break;
	case COL_CALLS: cell_int(buf, n, w, s->calls, 0); break;
	case COL_AVG:
		if (s->calls > 0)
			cell_bytes(buf, n, (double)(s->now / s->calls));
		else
			snprintf(buf, n, "-");
		break;
	case COL_SHARE: snprintf(buf, n, "%.1f", view_share(v, s)); break;
	case COL_DELTA: cell_int(buf, n, w, s->delta, 1); break;
	case COL_RATE: cell_rate(buf, n, w, s->rate); break;
	case COL_DELTA_BASE: cell_int(buf, n, w, s->delta_base, 1); break;
	case COL_SCORE: snprintf(buf, n, "%.2f", s->score); break;
	case COL_TREND: trend_cell(app, s, buf, n, w); break;
	case COL_FIRST_SEEN: {
		double when = model_time_at(m, s->first_seen);

		if (model_time_abs(m))
			format_clock(m, when, buf, n);
		else
			snprintf(buf, n, "+%.0fs", when - model_first_time(m));
		break;
	}
	default: buf[0] = '\0'; break;
	}
}

static void draw_titles(const struct app *app, int y, const enum col *cols, int nc)
{
	const struct view_opts *vo = &app->settings.view;
	struct pen p = PEN_AT(y, 0);
	attr_t a = role_attr(ROLE_TITLE);
	int sortcol = col_of_key(vo->key);
	char buf[64];

	pen_pad(&p, COL_MARK_WIDTH, a);
	for (int i = 0; i < nc; i++) {
		const char *title = col_title(cols[i], app->model, vo->group);
		int w = col_width(cols[i]);
		int tw = text_width(title) + ((int)cols[i] == sortcol ? 1 : 0);

		pen_pad(&p, p.x + 1 + (w > tw ? w - tw : 0), a);
		snprintf(buf, sizeof(buf), "%s%s", title,
			 (int)cols[i] == sortcol ? sort_arrow(vo->ascending) : "");
		pen_put(&p, buf, a | ((int)cols[i] == sortcol ? A_BOLD : 0));
	}
	pen_pad(&p, p.x + 1, a);
	snprintf(buf, sizeof(buf), "%s%s",
		 app->settings.tree != TREE_OFF ? _("FRAME") : col_title(COL_LABEL, app->model, vo->group),
		 sortcol == COL_LABEL ? sort_arrow(vo->ascending) : "");
	pen_put(&p, buf, a | (sortcol == COL_LABEL ? A_BOLD : 0));
	pen_pad(&p, COLS, a);
}

static void draw_row(const struct list_screen *list, int y, size_t i, int sel,
		     const enum col *cols, int nc)
{
	const struct app *app = list->base.app;
	const struct list_row *r = &list->rows[i];
	const struct counter *s = r->s;
	struct pen p = PEN_AT(y, 0);
	attr_t a = sel ? A_REVERSE | A_BOLD :
		   role_attr(s->delta > 0 ? ROLE_WARM : s->delta < 0 ? ROLE_COOL : ROLE_NORMAL);
	char buf[128];

	pen_put(&p, list_expanded(list, i) ? draw_glyph("▾ ", "v ") : "  ", a);
	for (int k = 0; k < nc; k++) {
		int w = col_width(cols[k]), tw;

		list_cell(app, &list->view, cols[k], s, buf, sizeof(buf));
		tw = text_width(buf);
		pen_pad(&p, p.x + 1 + (w > tw ? w - tw : 0), a);
		pen_put(&p, buf, a);
	}
	pen_pad(&p, p.x + 1, a);
	pen_put_marked(&p, model_label(app->model, shown_label(app->model, r)), list->search.text,
		       a);
	if (!r->stack && r->nstacks > 1 && p.x + 4 < COLS) {
		cols_count_text(buf, sizeof(buf), app->model, r->nstacks);
		pen_put(&p, buf, a | (sel ? 0 : role_attr(ROLE_DIM)));
	}
	pen_pad(&p, COLS, a);
}

/* Frame fi of the stack, or (inl > 0) the inl-th function it was inlined into. */
static void draw_frame(const struct list_screen *list, struct pen *p, const struct stack *st,
		       int fi, int inl, attr_t a, int sel)
{
	const struct model *m = list->base.app->model;
	const char *needle = list->search.text;
	uint32_t f = st->frames[fi];
	const char *text = model_frame(m, f);
	const struct sym_result *res = frame_symbols(list, f, 1);
	size_t namelen = strcspn(text, "+ ");
	attr_t fa = a, dim = sel ? 0 : role_attr(ROLE_DIM);
	char buf[640];

	if (fi == st->caller)
		fa |= A_BOLD;
	else if (!sel && model_frame_is_alloc(m, f))
		fa |= role_attr(ROLE_DIM);
	if (inl == 0) {
		pen_put(p, fi == st->caller ? "> " : "  ", fa);
		pen_put_marked(p, text, needle, fa);
		if (res && res->status == SYM_OK && res->nframes) {
			format_where(&res->frames[0], text, namelen, buf, sizeof(buf));
			pen_pad(p, p->x + 2 > 56 ? p->x + 2 : 56, a);
			pen_put_marked(p, buf, needle, a | dim);
		}
	} else if (res && (unsigned)inl < res->nframes) {
		pen_pad(p, 10, a);
		pen_put(p, _("(inlined by) "), a | dim);
		format_where(&res->frames[inl], NULL, 0, buf, sizeof(buf));
		pen_put_marked(p, buf, needle, a | dim);
	}
}

static void draw_frame_line(const struct list_screen *list, int y, size_t i, int frame_line,
			    int sel)
{
	const struct list_row *r = &list->rows[i];
	const struct stack *st = list_row_stack(list, i);
	struct pen p = PEN_AT(y, 0);
	attr_t a = sel ? A_REVERSE : A_NORMAL;
	attr_t dim = sel ? 0 : role_attr(ROLE_DIM);
	int fi, inl;
	char buf[128];

	locate_line(list, i, frame_line, &fi, &inl);
	pen_pad(&p, 6, a);
	if (fi < 0) {
		snprintf(buf, sizeof(buf), ngettext("largest of %u stack:", "largest of %u stacks:",
						    r->nstacks), r->nstacks);
		pen_put(&p, buf, a | dim);
	} else if (!st || !st->nframes) {
		pen_put(&p, _("(frames not read yet)"), a | dim);
	} else {
		draw_frame(list, &p, st, fi, inl, a, sel);
	}
	pen_pad(&p, COLS, a);
}

/* ---- the chart panel ---- */

/* The master's counter of a row, whose series is whole: a replica's rows and a paused
 * display's copies have none. */
static const struct counter *chart_counter(const struct list_screen *list, size_t row)
{
	const struct app *app = list->base.app;
	const struct list_row *r = &list->rows[row];
	enum group_mode g = app->settings.view.group;

	if (app->model == app->master && r->stack)
		return &r->stack->s; /* pinned */
	return model_same_row(app->master, app->model, g, r->stack, r->label);
}

/* The selected row's pages over the whole series, h lines from line y. Returns 1 while
 * a node's chart is being summed (the next frame goes on with it). */
static int draw_chart(const struct list_screen *list, int y, int h)
{
	const struct app *app = list->base.app;
	const struct model *m = app->master;
	uint32_t n = (uint32_t)model_nsamples(m);
	int nc = chart_plot_cols(COLS, h, draw_utf8()), got = 0;
	int64_t *cmin = xreallocarray(NULL, nc > 0 ? (size_t)nc : 1, sizeof(int64_t));
	int64_t *cmax = xreallocarray(NULL, nc > 0 ? (size_t)nc : 1, sizeof(int64_t));
	const struct counter *s = NULL, *shown = NULL;
	char title[512], now[64], peak[64], base[64], t[3][64], peak_at[64];
	const char *label = "";
	struct chart c;
	char *text, *line;

	memset(&c, 0, sizeof(c));
	c.peak_sample = c.base_sample = c.mark_sample = -1;
	c.utf8 = draw_utf8();
	c.page_size = model_meta(m)->unit == UNIT_ALLOCS ? 0 : (double)model_page_size(m);
	int64_t shown_now = 0, shown_base = 0;
	size_t done = 0, total = 0;

	if (app->settings.tree != TREE_OFF) {
		const struct tree_node *node = tree_ui_node(list->tree);

		if (node && n && nc > 0) {
			struct tree_env e = tree_env((struct list_screen *)list);

			label = tree_node_text(app->model, node);
			shown_now = node->s.now;
			shown_base = node->s.now - node->s.delta_base;
			got = tree_ui_chart(list->tree, &e, 0, n - 1, nc, cmin, cmax, &done,
					    &total);
		}
	} else if (list->nrows) {
		shown = list->rows[list->cursor.row].s;
		label = model_label(app->model, list->rows[list->cursor.row].label);
		s = chart_counter(list, list->cursor.row);
		shown_now = shown->now;
		shown_base = shown->base;
	}
	if (s && n && nc > 0)
		got = model_chart(m, s, 0, n - 1, nc, cmin, cmax);
	if (got > 0) {
		int j = 0;

		for (int i = 1; i < got; i++)
			if (cmax[i] > cmax[j])
				j = i;
		c.cmin = cmin;
		c.cmax = cmax;
		c.ncols = got;
		c.nsamples = n;
		c.peak_sample = (long)((uint64_t)j * n / (uint32_t)got);
		c.base = shown_base;
		c.base_sample = (long)model_baseline_sample(app->model);
		c.mark_sample = app->pause.on && app->model == app->master ? (long)app->pause.sample :
			       app->series ? (long)app->time.pos : -1;
		if (c.mark_sample == (long)n - 1)
			c.mark_sample = -1; /* the last: the axis' end says it */
		format_clock(m, model_time_at(m, 0), t[0], sizeof(t[0]));
		format_clock(m, model_time_at(m, n / 2), t[1], sizeof(t[1]));
		format_clock(m, model_time_at(m, n - 1), t[2], sizeof(t[2]));
		c.t_first = t[0];
		c.t_mid = n > 2 ? t[1] : NULL;
		c.t_last = n > 1 ? t[2] : NULL;
		chart_value(now, sizeof(now), shown_now, c.page_size);
		chart_value(peak, sizeof(peak), cmax[j], c.page_size);
		chart_value(base, sizeof(base), shown_base, c.page_size);
		format_clock(m, model_time_at(m, (uint32_t)c.peak_sample), peak_at, sizeof(peak_at));
		/* TRANSLATORS: the chart's title: the row, its pages now, at the peak (the
		 * mark under the axis) and when, at the baseline (its mark) */
		snprintf(title, sizeof(title), _("%s  %s now  %s peak %s at %s  %s baseline %s"),
			 label, now, draw_glyph("▲", "^"), peak, peak_at, draw_glyph("◆", "B"), base);
	} else if (got < 0) {
		/* TRANSLATORS: the chart of a call tree's node while the stacks below it are
		 * added up, a slice a frame */
		snprintf(title, sizeof(title), _("%s  summing %zu of %zu stacks..."), label, done,
			 total);
	} else if (app->settings.tree != TREE_OFF) {
		snprintf(title, sizeof(title), "%s", _("no node to chart"));
	} else if (list->nrows) {
		snprintf(title, sizeof(title), _("%s  no chart: the row is no longer in the series"),
			 label);
	} else {
		snprintf(title, sizeof(title), "%s", _("no row to chart"));
	}
	c.title = title;
	text = chart_render(&c, COLS, h);
	line = text;
	for (int i = 0; i < h && *line; i++) {
		char *nl = strchr(line, '\n');
		struct pen pen = PEN_AT(y + i, 0);
		attr_t a = i == 0 ? role_attr(ROLE_TITLE) : A_NORMAL;

		pen_put_n(&pen, line, (size_t)(nl - line), a);
		if (i == 0)
			pen_pad(&pen, COLS, a);
		line = nl + 1;
	}
	free(text);
	free(cmin);
	free(cmax);
	return got < 0;
}

/* What the list says when it has no rows. */
static void draw_no_rows(const struct app *app)
{
	struct pen pen = PEN_AT(TUI_HEADER_LINES, 2);

	if (!model_nsamples(app->model))
		pen_put(&pen, _("waiting for the first sample..."), A_NORMAL);
	else if (app->settings.view.threshold.value || app->settings.view.filter)
		pen_put(&pen, _("no rows: the threshold or the filters hide them all (0 clears the threshold, F the filters)"),
			A_NORMAL);
	else if (model_meta(app->model)->unit == UNIT_BYTES)
		pen_put(&pen, _("no rows: no call site holds bytes"), A_NORMAL);
	else
		pen_put(&pen, _("no rows: no stack holds pages"), A_NORMAL);
}

/* The stacks of the rows about to be drawn: their told-apart labels made together. */
static void want_labels(const struct list_screen *list, int h)
{
	const struct stack *sts[MODEL_APART_WANT];
	struct list_pos p = list->top;
	size_t n = 0;

	for (int y = 0; y < h && n < MODEL_APART_WANT; y++) {
		if (p.frame_line < 0 && list->rows[p.row].stack)
			sts[n++] = list->rows[p.row].stack;
		if (!pos_next(list, &p))
			break;
	}
	model_apart_want(list->base.app->model, sts, n);
}

static void list_draw(struct screen *s)
{
	struct list_screen *list = LIST(s);
	const struct app *app = s->app;
	enum col cols[COL__N];
	int nc = cols_layout(&app->settings.columns, app->model, COLS, cols), h = list_height();
	struct list_pos p = list->top;

	status_draw_header(app, &list->view);
	draw_titles(app, TUI_HEADER_LINES - 1, cols, nc);
	if (list_chart_height() && draw_chart(list, TUI_HEADER_LINES + h, list_chart_height()))
		s->app->again = 1;
	if (app->settings.tree != TREE_OFF) {
		struct tree_env e = tree_env(list);

		tree_ui_draw(list->tree, &e, cols, nc);
		return;
	}
	if (!list->nrows) {
		draw_no_rows(app);
		return;
	}
	want_labels(list, h);
	for (int y = 0; y < h; y++) {
		int sel = pos_eq(p, list->cursor);

		if (p.frame_line < 0)
			draw_row(list, TUI_HEADER_LINES + y, p.row, sel, cols, nc);
		else
			draw_frame_line(list, TUI_HEADER_LINES + y, p.row, p.frame_line, sel);
		if (!pos_next(list, &p))
			break;
	}
}

/* ---- the screen ---- */

static unsigned expand_all(struct list_screen *list, int on)
{
	enum group_mode g = list->base.app->settings.view.group;

	list->expand_all[g] = on;
	list->expanded[g].n = 0;
	if (!on)
		list->cursor.frame_line = -1;
	pins_update(list);
	show_cursor(list);
	return ACTION_REDRAW;
}

static unsigned search_again(struct list_screen *list, int dir)
{
	struct app *app = list->base.app;

	if (!list->search.text[0])
		status_message(app, 0, "%s", _("no search yet: / starts one"));
	else if (search_step(list, dir, 0, 0) < 0)
		status_message(app, 0, _("'%s' not found"), list->search.text);
	return ACTION_REDRAW;
}

static unsigned list_key(struct screen *s, enum action a, int key)
{
	struct list_screen *list = LIST(s);

	(void)key;
	if (list->base.app->settings.tree != TREE_OFF && a != ACT_CHART) {
		struct tree_env e = tree_env(list);
		unsigned r = tree_ui_key(list->tree, &e, a);

		if (r != ACTION_PASS || a == ACT_SEARCH_NEXT || a == ACT_SEARCH_PREV)
			return r != ACTION_PASS ? r : search_again(list, a == ACT_SEARCH_NEXT ? 1 : -1);
		return r;
	}
	switch (a) {
	case ACT_UP: move_lines(list, -1); break;
	case ACT_DOWN: move_lines(list, 1); break;
	case ACT_PAGE_UP: move_page(list, -1); break;
	case ACT_PAGE_DOWN: move_page(list, 1); break;
	case ACT_FIRST: move_first(list); break;
	case ACT_LAST: move_last(list); break;
	case ACT_EXPAND:
		if (!list->nrows)
			break;
		if (list->cursor.frame_line < 0 && list_expanded(list, list->cursor.row))
			move_lines(list, 1);
		else
			toggle(list, list->cursor.row, 1);
		break;
	case ACT_COLLAPSE:
		if (list->nrows)
			toggle(list, list->cursor.row, 0);
		break;
	case ACT_EXPAND_ALL: return expand_all(list, 1);
	case ACT_COLLAPSE_ALL: return expand_all(list, 0);
	case ACT_SEARCH_NEXT: return search_again(list, 1);
	case ACT_SEARCH_PREV: return search_again(list, -1);
	case ACT_CHART:
		chart_on = !chart_on;
		if (chart_on && !list_chart_height())
			status_message(list->base.app, 0, "%s",
				       _("the screen is too small for the chart"));
		show_cursor(list); /* fewer lines for the rows */
		break;
	default: return ACTION_PASS;
	}
	return ACTION_REDRAW;
}

/* A click on a column's title sorts by it; again, the other way. */
static unsigned click_title(struct list_screen *list, int x)
{
	struct view_opts *vo = &list->base.app->settings.view;
	int k = cols_key_at(&list->base.app->settings.columns, list->base.app->model, x);

	if (k < 0)
		return ACTION_DONE;
	if (vo->key == (enum sort_key)k) {
		vo->ascending = !vo->ascending;
		return ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION;
	}
	return sort_set(vo, (enum sort_key)k) ? ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION :
						 ACTION_DONE;
}

/* A click selects a line; a second one on it soon after expands or collapses its row. */
static unsigned click_line(struct list_screen *list, int y)
{
	double now = app_now(list->base.app);
	struct list_pos p;

	if (list->base.app->settings.tree != TREE_OFF) {
		int twice = y == list->last_click_pos.frame_line && now - list->last_click < 0.4;

		struct tree_env e = tree_env(list);

		if (tree_ui_click(list->tree, &e, y, twice))
			list->search.waiting = 0; /* the line clicked stands */
		list->last_click = twice ? 0 : now;
		list->last_click_pos = (struct list_pos){ 0, y };
		return ACTION_REDRAW;
	}
	if (!pos_at_line(list, y, &p))
		return ACTION_DONE;
	list->search.waiting = 0; /* the row clicked stands */
	if (pos_eq(p, list->last_click_pos) && now - list->last_click < 0.4) {
		if (p.frame_line < 0)
			toggle(list, p.row, !list_expanded(list, p.row));
		list->last_click = 0;
	} else {
		list->last_click = now;
	}
	list->last_click_pos = p;
	select_pos(list, p);
	return ACTION_REDRAW;
}

static unsigned list_mouse(struct screen *s, const MEVENT *ev)
{
	struct list_screen *list = LIST(s);

	/* the wheel or a click on a row while a search waits: where it goes stands, the wait
	 * is over */
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		list->search.waiting = 0;
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED) &&
	    s->app->settings.tree != TREE_OFF) {
		struct tree_env e = tree_env(list);

		for (int i = 0; i < 3; i++)
			tree_ui_key(list->tree, &e, ev->bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN);
	} else if (ev->bstate & BUTTON4_PRESSED) {
		move_lines(list, -3);
	} else if (ev->bstate & BUTTON5_PRESSED) {
		move_lines(list, 3);
	} else if (ev->bstate & BUTTON1_PRESSED) {
		if (ev->y == TUI_HEADER_LINES - 1)
			return click_title(list, ev->x);
		if (ev->y >= TUI_HEADER_LINES && ev->y < TUI_HEADER_LINES + list_height())
			return click_line(list, ev->y - TUI_HEADER_LINES);
	}
	return ACTION_REDRAW;
}

static void list_update(struct screen *s, unsigned what)
{
	struct list_screen *list = LIST(s);

	if (what & UPDATE_MODEL) {
		/* the models changed: find the selection by identity, forget the matches */
		list->selected.model = NULL;
		list->search.model = NULL;
	}
	if (what & UPDATE_SELECTION) {
		list->selected.valid = 0;
		list->cursor = list->top = (struct list_pos){ 0, -1 };
	}
	if (what & UPDATE_MODEL) {
		/* another model may sit where a freed one was: the tree starts afresh */
		tree_free(&list->tree->t);
		tree_init(&list->tree->t);
	}
	if (what & (UPDATE_VIEW | UPDATE_SELECTION | UPDATE_MODEL)) {
		struct tree_env e = tree_env(list);

		if (s->app->settings.tree == TREE_OFF) {
			rebuild(list, 0);
		} else {
			/* the tree has a view of its own: the rows wait until the tree is off
			 * (which rebuilds them; they may point into a model that is gone) */
			list->nrows = 0;
			list->sorted = SIZE_MAX;
			list->search.nrow_match = 0;
			list->search.stacks_known = 0;
			pins_update(list);
		}
		tree_ui_rebuild(list->tree, &e);
		if (s->app->pause.on && s->app->settings.tree != TREE_OFF)
			pins_update(list); /* the tree's stacks, now built */
	}
	if (list->search.waiting && (what & (UPDATE_VIEW | UPDATE_SELECTION | UPDATE_MODEL))) {
		/* rows of another sample under a waiting search (the index would begin again):
		 * found now, from the row the cursor kept */
		list->search.origin = list->cursor;
		search_wait_end(list);
	}
	if (what & UPDATE_SYMBOLS) {
		struct tree_env e = tree_env(list);

		tree_ui_symbols(list->tree, &e); /* nodes may take more lines */
	}
	if (what & UPDATE_MODEL)
		list->follow = 0;
	else if (what & (UPDATE_SYMBOLS | UPDATE_SIZE))
		show_cursor(list); /* expanded rows may have more lines, the screen fewer */
}

static struct screen *list_create(void)
{
	struct list_screen *list = xcalloc(1, sizeof(*list));

	view_init(&list->view);
	list->tree = tree_ui_new();
	list->cursor.frame_line = list->top.frame_line = -1;
	/* fewer rows are asked in a few milliseconds */
	list->search.index_min = 65536;
	list->search.wait_min = 131072;
	list->search.tree_key_ms = 2.5;
	chart_on = 0;
	return &list->base;
}

static void list_destroy(struct screen *s)
{
	struct list_screen *list = LIST(s);

	view_free(&list->view);
	tree_ui_free(list->tree);
	free(list->rows);
	free(list->idle_rows);
	free(list->frozen);
	free(list->frozen_history);
	free(list->pins);
	for (int g = 0; g < GROUP__N; g++)
		free(list->expanded[g].v);
	free(list->search.frame_match);
	free(list->search.func_match);
	free(list->search.label_match);
	free(list->search.apart_match);
	free(list->search.row_match);
	free(list->search.stack_match);
	stack_index_free(list->search.index);
	free(list);
}

const struct screen_ops list_screen_ops = {
	.name = "list",
	.create = list_create,
	.destroy = list_destroy,
	.draw = list_draw,
	.key = list_key,
	.mouse = list_mouse,
	.update = list_update,
};
