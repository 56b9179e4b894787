/* tui_view.c - the stack list: rows from the model's view, rows expanded into their
 * frames, the cursor, search, and the frozen copy behind a paused display.
 *
 * Lines are never materialized: a position is (row, line within the row's expansion),
 * and moving walks from row to row, so 100,000 rows all expanded cost nothing until
 * they are on screen. The selection follows its row (by stack id or group label) when
 * a new sample re-sorts the view. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui_int.h"
#include "util.h"

int tv_list_height(void)
{
	int h = LINES - TUI_HEADER_LINES - 1;

	return h > 0 ? h : 0;
}

static void need_sorted(struct tui *t, size_t upto);

static int pos_eq(struct lpos a, struct lpos b)
{
	return a.row == b.row && a.sub == b.sub;
}

static int pos_lt(struct lpos a, struct lpos b)
{
	return a.row < b.row || (a.row == b.row && a.sub < b.sub);
}

/* ---- expansion ---- */

/* A row's identity that holds across models: a replica interns stacks and labels in
 * another order, so ids differ, but handles and frame text hashes do not. */
uint64_t tv_ident(const struct tui *t, size_t row)
{
	struct drow *r = &t->rows[row];

	if (!r->ident) {
		if (r->stack)
			r->ident = r->stack->handle ? hash_u64(r->stack->handle) : r->stack->hash;
		else
			r->ident = hash_bytes(model_label(t->m, r->label),
					      strlen(model_label(t->m, r->label)),
					      (uint64_t)t->vo.group + 1);
		if (!r->ident)
			r->ident = ((uint64_t)r->label << 1) | 1;
	}
	return r->ident;
}

static int keyset_find(const struct keyset *k, uint64_t key)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i] == key)
			return (int)i;
	return -1;
}

int tv_expanded(const struct tui *t, size_t row)
{
	int in = keyset_find(&t->expanded[t->vo.group], tv_ident(t, row)) >= 0;

	return t->expand_all[t->vo.group] ? !in : in;
}

void tv_toggle(struct tui *t, size_t row, int on)
{
	struct keyset *k = &t->expanded[t->vo.group];
	int i;

	if (row >= t->nrows || tv_expanded(t, row) == !!on)
		return;
	i = keyset_find(k, tv_ident(t, row));
	if (i >= 0) {
		k->v[i] = k->v[--k->n];
	} else {
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 16;
			k->v = xreallocarray(k->v, k->cap, sizeof(uint64_t));
		}
		k->v[k->n++] = tv_ident(t, row);
	}
	if (!on && t->cur.row == row)
		t->cur.sub = -1;
	tv_pins_update(t);
	tv_show_cursor(t);
}

/* ---- what the model keeps for the screen ---- */

static void pin_selection(struct tui *t, const struct stack *st)
{
	if (t->m != t->master)
		st = NULL; /* a replica's: only the master forgets behind the screen */
	if (st == t->pin_sel)
		return;
	if (t->pin_sel)
		model_unpin(t->master, t->pin_sel);
	t->pin_sel = st;
	if (st)
		model_pin(t->master, st);
}

void tv_pins_update(struct tui *t)
{
	const struct keyset *k = &t->expanded[t->vo.group];
	int all = t->paused || (t->expand_all[t->vo.group] && !k->n);

	for (size_t i = 0; i < t->npins; i++)
		model_unpin(t->master, t->pins[i]);
	t->npins = 0;
	if (t->m != t->master || t->vo.group != GROUP_STACK ||
	    !(all || t->expand_all[t->vo.group] || k->n))
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct stack *st = t->rows[i].stack;

		if (!st || (!all && !tv_expanded(t, i)))
			continue;
		if (t->npins == t->cappins) {
			t->cappins = t->cappins ? t->cappins * 2 : 64;
			t->pins = xreallocarray(t->pins, t->cappins, sizeof(*t->pins));
		}
		model_pin(t->master, st);
		t->pins[t->npins++] = st;
	}
}

const struct stack *tv_row_stack(const struct tui *t, size_t row)
{
	const struct drow *r = &t->rows[row];

	if (r->stack)
		return r->stack;
	if (r->example == UINT32_MAX || r->example >= model_nstacks(t->m))
		return NULL;
	return model_stack(t->m, r->example);
}

const struct sym_result *tv_sym(const struct tui *t, uint32_t frame, int ask)
{
	const char *s;

	if (!t->sym)
		return NULL;
	s = model_frame(t->m, frame);
	return ask ? symbols_get(t->sym, s, strlen(s)) : symbols_lookup(t->sym, s, strlen(s));
}

/* A frame takes a line, and one more for each function it was inlined into. */
static int frame_lines(const struct tui *t, uint32_t frame)
{
	const struct sym_result *r = tv_sym(t, frame, 0);

	return r && r->status == SYM_OK && r->nframes > 1 ? (int)r->nframes : 1;
}

int tv_nsub(const struct tui *t, size_t row)
{
	const struct stack *st;
	int n;

	if (row >= t->nrows || !tv_expanded(t, row))
		return 0;
	st = tv_row_stack(t, row);
	n = t->rows[row].stack ? 0 : 1;
	if (!st || !st->nframes)
		return n + 1;
	if (!t->sym)
		return n + st->nframes;
	for (unsigned i = 0; i < st->nframes; i++)
		n += frame_lines(t, st->frames[i]);
	return n;
}

void tv_locate(const struct tui *t, size_t row, int sub, int *fi, int *ii)
{
	const struct stack *st = tv_row_stack(t, row);

	*fi = -1;
	*ii = 0;
	if (!t->rows[row].stack) {
		if (sub == 0)
			return;
		sub--;
	}
	if (!st || !st->nframes || !t->sym) {
		*fi = sub;
		return;
	}
	for (unsigned i = 0; i < st->nframes; i++) {
		int k = frame_lines(t, st->frames[i]);

		if (sub < k) {
			*fi = (int)i;
			*ii = sub;
			return;
		}
		sub -= k;
	}
	*fi = (int)st->nframes - 1;
}

/* ---- moving ---- */

int tv_next(const struct tui *t, struct lpos *p)
{
	if (!t->nrows)
		return 0;
	if (p->sub + 1 < tv_nsub(t, p->row)) {
		p->sub++;
		return 1;
	}
	if (p->row + 1 < t->nrows) {
		p->row++;
		p->sub = -1;
		return 1;
	}
	return 0;
}

int tv_prev(const struct tui *t, struct lpos *p)
{
	if (!t->nrows)
		return 0;
	if (p->sub >= 0) {
		p->sub--;
		return 1;
	}
	if (p->row > 0) {
		p->row--;
		p->sub = tv_nsub(t, p->row) - 1;
		return 1;
	}
	return 0;
}

static void remember_selection(struct tui *t)
{
	if (t->nrows && t->cur.row < t->nrows) {
		pin_selection(t, t->rows[t->cur.row].stack);
		t->sel_stack = t->rows[t->cur.row].stack;
		t->sel_label = t->rows[t->cur.row].label;
		t->sel_ident = tv_ident(t, t->cur.row);
		t->sel_model = t->m;
		t->have_sel = 1;
	} else {
		pin_selection(t, NULL);
		t->have_sel = 0;
	}
}

void tv_show_cursor(struct tui *t)
{
	int h = tv_list_height(), n;
	struct lpos p;

	if (!t->nrows) {
		t->cur = t->top = (struct lpos){ 0, -1 };
		return;
	}
	if (t->cur.row >= t->nrows)
		t->cur = (struct lpos){ t->nrows - 1, -1 };
	if (t->cur.sub >= tv_nsub(t, t->cur.row))
		t->cur.sub = tv_nsub(t, t->cur.row) - 1;
	if (t->top.row >= t->nrows || t->top.sub >= tv_nsub(t, t->top.row))
		t->top = (struct lpos){ t->top.row < t->nrows ? t->top.row : t->nrows - 1, -1 };
	if (h <= 0)
		return;
	if (pos_lt(t->cur, t->top)) {
		t->top = t->cur;
	} else {
		int d = 0;

		p = t->top;
		while (!pos_eq(p, t->cur) && d < h && tv_next(t, &p))
			d++;
		if (!pos_eq(p, t->cur) || d >= h) {
			t->top = t->cur;
			for (int i = 0; i < h - 1 && tv_prev(t, &t->top); i++)
				;
		}
	}
	/* no blank lines at the bottom while there are lines above the top */
	p = t->top;
	for (n = 1; n < h && tv_next(t, &p); n++)
		;
	for (; n < h && tv_prev(t, &t->top); n++)
		;
	/* where the cursor is on the screen: a new view keeps it there */
	p = t->top;
	for (t->cur_y = 0; t->cur_y < h && !pos_eq(p, t->cur) && tv_next(t, &p); t->cur_y++)
		;
	remember_selection(t);
}

void tv_select(struct tui *t, struct lpos p)
{
	t->cur = p;
	tv_show_cursor(t);
	t->dirty = 1;
}

void tv_move(struct tui *t, long lines)
{
	if (lines > 0)
		need_sorted(t, t->cur.row + (size_t)lines + 2 * (size_t)tv_list_height());
	for (; lines > 0 && tv_next(t, &t->cur); lines--)
		;
	for (; lines < 0 && tv_prev(t, &t->cur); lines++)
		;
	tv_show_cursor(t);
	t->dirty = 1;
}

static void tv_page(struct tui *t, int dir)
{
	int h = tv_list_height();

	if (dir > 0)
		need_sorted(t, t->cur.row + 3 * (size_t)h);

	for (int i = 0; i < h; i++)
		if (!(dir > 0 ? tv_next(t, &t->top) : tv_prev(t, &t->top)))
			break;
	tv_move(t, dir * (long)h);
}

void tv_home(struct tui *t)
{
	t->cur = t->top = (struct lpos){ 0, -1 };
	tv_show_cursor(t);
	t->dirty = 1;
}

void tv_end(struct tui *t)
{
	tv_sort_all(t);
	if (!t->nrows)
		return;
	t->cur.row = t->nrows - 1;
	t->cur.sub = tv_nsub(t, t->cur.row) - 1;
	tv_show_cursor(t);
	t->dirty = 1;
}

int tv_line_at(const struct tui *t, int y, struct lpos *p)
{
	if (!t->nrows || y < 0)
		return 0;
	*p = t->top;
	for (int i = 0; i < y; i++)
		if (!tv_next(t, p))
			return 0;
	return 1;
}

/* ---- rows from the model ---- */

static void rows_build(struct tui *t)
{
	if (t->v.nrows > t->caprows) {
		t->caprows = t->v.nrows;
		t->rows = xreallocarray(t->rows, t->caprows, sizeof(*t->rows));
	}
	t->nrows = t->v.nrows;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct row *r = &t->v.rows[i];
		struct drow *d = &t->rows[i];

		d->s = r->s;
		d->ident = 0;
		d->stack = r->stack;
		d->label = r->label;
		/* no look into the stack itself here: 100,000 cache misses cost milliseconds */
		if (r->stack) {
			d->example = UINT32_MAX;
			d->nstacks = 1;
		} else {
			d->example = r->group ? r->group->example : UINT32_MAX;
			d->nstacks = r->group ? r->group->nstacks : 0;
		}
	}
}

/* The rows as they are now: the model goes on taking samples (and changing the
 * histories) while the display is paused. */
static void frozen_copy(struct tui *t)
{
	size_t hist = 0;
	char *p;

	free(t->frozen);
	free(t->frozen_hist);
	t->frozen = xmalloc((t->nrows ? t->nrows : 1) * sizeof(*t->frozen));
	for (size_t i = 0; i < t->nrows; i++)
		hist += model_series_copy_size(t->rows[i].s);
	p = t->frozen_hist = hist ? xmalloc(hist) : NULL;
	for (size_t i = 0; i < t->nrows; i++) {
		size_t n = model_series_copy_size(t->rows[i].s);

		model_series_copy(&t->frozen[i], t->rows[i].s, p);
		t->rows[i].s = &t->frozen[i];
		p += n;
	}
	t->frozen_sample = model_nsamples(t->m) ? model_nsamples(t->m) - 1 : 0;
	t->pending = 0;
}

#define SORTED_MIN 1000

static void view_rebuild(struct tui *t, int all)
{
	double t0 = time_mono();
	int h = tv_list_height(), y = t->cur_y;
	struct view_opts vo = t->vo;
	size_t want = t->cur.row + 4 * (size_t)h;

	/* the old rows may point into a model that is gone (replay): never look at them */
	if (y >= h)
		y = h > 0 ? h - 1 : 0;
	vo.limit = all || t->paused ? 0 : want > SORTED_MIN ? want : SORTED_MIN;
	model_view(t->m, &vo, &t->v);
	t->sorted = vo.limit && vo.limit < t->v.nrows ? vo.limit : SIZE_MAX;
	rows_build(t);
	if (t->paused)
		frozen_copy(t);
	if (t->match_model != t->m)
		tv_search_set(t, t->search);
	if (t->have_sel && t->cur.row == 0 && t->cur.sub < 0) {
		/* the top of the list stays the top, like top */
		t->cur = t->top = (struct lpos){ 0, -1 };
	} else if (t->have_sel) {
		size_t i;

		if (t->sel_model == t->m) {
			for (i = 0; i < t->nrows; i++)
				if (t->rows[i].stack == t->sel_stack &&
				    (t->sel_stack || t->rows[i].label == t->sel_label))
					break;
		} else {
			/* another model (replay): find the row by its identity */
			for (i = 0; i < t->nrows; i++)
				if (tv_ident(t, i) == t->sel_ident)
					break;
		}
		if (i < t->nrows && i >= t->sorted && !all) {
			/* the selection is beyond the rows in order */
			view_rebuild(t, 1);
			return;
		}
		if (i < t->nrows) {
			t->cur.row = i;
		} else {
			t->cur.sub = -1;
			if (t->cur.row >= t->nrows)
				t->cur.row = t->nrows ? t->nrows - 1 : 0;
		}
		if (t->nrows && t->cur.sub >= tv_nsub(t, t->cur.row))
			t->cur.sub = tv_nsub(t, t->cur.row) - 1;
		t->top = t->cur;
		for (int k = 0; k < y && tv_prev(t, &t->top); k++)
			;
	} else {
		t->cur = t->top = (struct lpos){ 0, -1 };
	}
	tv_pins_update(t);
	tv_show_cursor(t);
	t->view_stale = 0;
	t->dirty = 1;
	t->view_ms = (time_mono() - t0) * 1e3;
}

void tv_refresh(struct tui *t)
{
	view_rebuild(t, 0);
}

void tv_sort_all(struct tui *t)
{
	if (t->sorted != SIZE_MAX && !t->paused)
		view_rebuild(t, 1);
}

/* The rows down to upto must be in order. */
static void need_sorted(struct tui *t, size_t upto)
{
	if (t->sorted != SIZE_MAX && upto >= t->sorted)
		tv_sort_all(t);
}

void tv_freeze(struct tui *t)
{
	t->paused = 1;
	if (t->sorted != SIZE_MAX || t->view_stale)
		view_rebuild(t, 1); /* sorts all the rows, then copies them */
	else
		frozen_copy(t);
	t->dirty = 1;
}

void tv_unfreeze(struct tui *t)
{
	t->paused = 0;
	free(t->frozen);
	t->frozen = NULL;
	free(t->frozen_hist);
	t->frozen_hist = NULL;
	t->pending = 0;
	t->view_stale = 1;
	t->dirty = 1;
}

/* ---- search ---- */

void tv_search_set(struct tui *t, const char *text)
{
	if (text != t->search)
		snprintf(t->search, sizeof(t->search), "%s", text);
	if (t->fmatch)
		memset(t->fmatch, 0, t->nfmatch);
	if (t->lmatch)
		memset(t->lmatch, 0, t->nlmatch);
	t->match_model = t->m;
	t->dirty = 1;
}

int tv_text_matches(struct tui *t, const char *s)
{
	return t->search[0] && strcasestr(s, t->search) != NULL;
}

static int cached_match(struct tui *t, uint8_t **cache, size_t *n, uint32_t id,
			const char *text)
{
	if (id >= *n) {
		size_t cap = *n ? *n : 4096;

		while (cap <= id)
			cap *= 2;
		*cache = xrealloc(*cache, cap);
		memset(*cache + *n, 0, cap - *n);
		*n = cap;
	}
	if (!(*cache)[id])
		(*cache)[id] = tv_text_matches(t, text) ? 2 : 1;
	return (*cache)[id] == 2;
}

int tv_row_matches(struct tui *t, size_t row)
{
	const struct drow *r = &t->rows[row];

	if (!t->search[0])
		return 0;
	if (t->match_model != t->m)
		tv_search_set(t, t->search);
	if (cached_match(t, &t->lmatch, &t->nlmatch, r->label, model_label(t->m, r->label)))
		return 1;
	for (unsigned i = 0; r->stack && i < r->stack->nframes; i++) {
		uint32_t f = r->stack->frames[i];

		if (cached_match(t, &t->fmatch, &t->nfmatch, f, model_frame(t->m, f)))
			return 1;
	}
	return 0;
}

int tv_search(struct tui *t, int dir, int include)
{
	size_t n;

	tv_sort_all(t);
	n = t->nrows;
	for (size_t k = 0; k < n; k++) {
		size_t off = (include ? k : k + 1) % n;
		size_t r = dir > 0 ? (t->cur.row + off) % n : (t->cur.row + n - off) % n;

		if (tv_row_matches(t, r)) {
			tv_select(t, (struct lpos){ r, -1 });
			return 0;
		}
	}
	return -1;
}

/* ---- the list view's keys ---- */

int tv_list_key(struct tui *t, enum action a, int key)
{
	(void)key;
	switch (a) {
	case ACT_UP:
		tv_move(t, -1);
		return 1;
	case ACT_DOWN:
		tv_move(t, 1);
		return 1;
	case ACT_PAGE_UP:
		tv_page(t, -1);
		return 1;
	case ACT_PAGE_DOWN:
		tv_page(t, 1);
		return 1;
	case ACT_FIRST:
		tv_home(t);
		return 1;
	case ACT_LAST:
		tv_end(t);
		return 1;
	case ACT_EXPAND:
		if (!t->nrows)
			return 1;
		if (t->cur.sub < 0 && tv_expanded(t, t->cur.row))
			tv_move(t, 1);
		else
			tv_toggle(t, t->cur.row, 1);
		return 1;
	case ACT_COLLAPSE:
		if (t->nrows)
			tv_toggle(t, t->cur.row, 0);
		return 1;
	case ACT_EXPAND_ALL:
	case ACT_COLLAPSE_ALL:
		t->expand_all[t->vo.group] = a == ACT_EXPAND_ALL;
		t->expanded[t->vo.group].n = 0;
		if (a == ACT_COLLAPSE_ALL)
			t->cur.sub = -1;
		tv_pins_update(t);
		tv_show_cursor(t);
		return 1;
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		if (!t->search[0])
			tui_message(t, 0, "%s", _("no search yet: / starts one"));
		else if (tv_search(t, a == ACT_SEARCH_NEXT ? 1 : -1, 0) < 0)
			tui_message(t, 0, _("'%s' not found"), t->search);
		return 1;
	default:
		return 0;
	}
}
