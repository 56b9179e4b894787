/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_tree.c - the list screen as a call tree (tui_tree.h). The model builds and sorts
 * the tree (model_tree.h); this keeps which nodes are expanded, lays out the lines they
 * show (only those: a collapsed subtree costs nothing) and draws them with the list's
 * columns. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_tree.h"

/* ---- sets of identities ---- */

static size_t set_slot(const struct tree_set *s, uint64_t k)
{
	size_t i = (size_t)hash_u64(k) & (s->cap - 1);

	while (s->v[i] && s->v[i] != k)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int set_has(const struct tree_set *s, uint64_t k)
{
	return s->cap && s->v[set_slot(s, k)] == k;
}

static void set_add(struct tree_set *s, uint64_t k)
{
	if (2 * (s->n + 1) > s->cap) {
		struct tree_set b = { NULL, 0, s->cap ? s->cap * 2 : 64 };

		b.v = xcalloc(b.cap, sizeof(uint64_t));
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				b.v[set_slot(&b, s->v[i])] = s->v[i];
		b.n = s->n;
		free(s->v);
		*s = b;
	}
	size_t i = set_slot(s, k);

	if (!s->v[i]) {
		s->v[i] = k;
		s->n++;
	}
}

static void set_del(struct tree_set *s, uint64_t k)
{
	size_t i, j;

	if (!set_has(s, k))
		return;
	i = set_slot(s, k);
	s->v[i] = 0;
	s->n--;
	/* the keys after it in its run go where a lookup finds them */
	for (j = (i + 1) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1)) {
		uint64_t m = s->v[j];

		s->v[j] = 0;
		s->v[set_slot(s, m)] = m;
	}
}

static void set_clear(struct tree_set *s)
{
	if (s->v)
		memset(s->v, 0, s->cap * sizeof(uint64_t));
	s->n = 0;
}

/* ---- the lines ---- */

struct tree_ui *tree_ui_new(void)
{
	struct tree_ui *u = xcalloc(1, sizeof(*u));

	tree_init(&u->t);
	return u;
}

void tree_ui_free(struct tree_ui *u)
{
	if (!u)
		return;
	tree_free(&u->t);
	free(u->lines);
	free(u->sym_lines);
	free(u->chart.cmin);
	free(u->chart.cmax);
	for (int i = 0; i < TREE__N; i++)
		free(u->toggled[i].v);
	free(u);
}

static uint64_t node_ident(const struct model *m, struct tree *t, uint32_t i, uint64_t parent)
{
	return tree_node_ident(m, t, i, parent);
}

int tree_ui_expanded(const struct tree_ui *u, uint64_t ident)
{
	return u->all[u->mode] != set_has(&u->toggled[u->mode], ident);
}

static void set_expanded(struct tree_ui *u, uint64_t ident, int on)
{
	if (on != u->all[u->mode])
		set_add(&u->toggled[u->mode], ident);
	else
		set_del(&u->toggled[u->mode], ident);
}

/* The source lines of a frame when known (ask: request them). */
static const struct sym_result *frame_symbols(const struct app *app, uint32_t frame, int ask)
{
	const char *s;

	if (!app->sym || frame == TREE_NONE)
		return NULL;
	s = model_frame(app->model, frame);
	return ask ? symbols_get(app->sym, s, strlen(s)) : symbols_lookup(app->sym, s, strlen(s));
}

/* Lines a node of this frame takes: one, and one more for each function it was inlined
 * into. Each frame is looked up once until answers arrive (tree_ui_symbols()). */
static unsigned node_lines(struct tree_ui *u, const struct app *app, uint32_t frame)
{
	const struct sym_result *r;

	if (!app->sym || frame == TREE_NONE)
		return 1;
	if (u->sym_model != app->model) {
		u->sym_model = app->model;
		if (u->sym_lines)
			memset(u->sym_lines, 0, u->nsym_lines);
	}
	if (frame >= u->nsym_lines) {
		size_t n = u->nsym_lines ? u->nsym_lines : 256;

		while (n <= frame)
			n *= 2;
		u->sym_lines = xrealloc(u->sym_lines, n);
		memset(u->sym_lines + u->nsym_lines, 0, n - u->nsym_lines);
		u->nsym_lines = n;
	}
	if (!u->sym_lines[frame]) {
		r = frame_symbols(app, frame, 0);
		u->sym_lines[frame] = !r ? 0xff :
				      r->status == SYM_OK && r->nframes > 1 ?
				      (uint8_t)(r->nframes < 0xfe ? r->nframes : 0xfe) : 1;
	}
	return u->sym_lines[frame] == 0xff ? 1 : u->sym_lines[frame];
}

static struct tree_line *new_line(struct tree_ui *u)
{
	if (u->nlines == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 256;
		u->lines = xreallocarray(u->lines, u->cap, sizeof(*u->lines));
	}
	return &u->lines[u->nlines++];
}

static void lay_out(const struct app *app, struct tree_ui *u, uint32_t i, uint16_t depth,
		    int last, uint64_t parent, uint64_t more)
{
	const struct model *m = app->model;
	struct tree *t = &u->t;
	const struct tree_node *n = &t->nodes[i];
	uint64_t ident = node_ident(m, t, i, parent);
	unsigned nl = node_lines(u, app, n->frame);

	for (unsigned k = 0; k < nl; k++)
		*new_line(u) = (struct tree_line){ i, depth, (uint8_t)last, (uint8_t)k, ident,
						   more };
	if (!n->haskids || !tree_ui_expanded(u, ident))
		return;
	if (!n->sorted)
		tree_sort(t, i);
	if (!last && depth > 0 && depth < 64)
		more |= (uint64_t)1 << depth;
	for (uint32_t k = 0; k < t->nodes[i].nkids; k++) {
		uint32_t c = t->kids[t->nodes[i].kids + k];

		lay_out(app, u, c, (uint16_t)(depth + 1), k + 1 == t->nodes[i].nkids, ident, more);
	}
}

static void lay_out_all(struct tree_ui *u, const struct tree_env *e)
{

	u->nlines = 0;
	for (size_t k = 0; k < u->t.nroots; k++)
		lay_out(e->app, u, u->t.kids[k], 0, k + 1 == u->t.nroots, 0, 0);
}

/* The cursor within the lines, the top such that the cursor is on the screen. */
static void show_cursor(struct tree_ui *u, const struct tree_env *e)
{
	int h = e->height;

	if (!u->nlines) {
		u->cursor = u->top = 0;
		u->cursor_y = 0;
		u->selected = 0;
		u->selected_inl = 0;
		return;
	}
	if (u->cursor >= u->nlines)
		u->cursor = u->nlines - 1;
	if (h <= 0)
		h = 1;
	if (u->cursor < u->top)
		u->top = u->cursor;
	if (u->cursor >= u->top + (size_t)h)
		u->top = u->cursor - (size_t)h + 1;
	if (u->top + (size_t)h > u->nlines)
		u->top = u->nlines > (size_t)h ? u->nlines - (size_t)h : 0;
	u->cursor_y = (int)(u->cursor - u->top);
	u->selected = u->lines[u->cursor].ident;
	u->selected_inl = u->lines[u->cursor].inl;
}

/* The lines again; the cursor stays on its node, at its line of the screen. */
static void relayout(struct tree_ui *u, const struct tree_env *e)
{
	uint64_t sel = u->selected;
	uint8_t inl = u->selected_inl;
	int y = u->cursor_y;

	lay_out_all(u, e);
	if (sel) {
		for (size_t i = 0; i < u->nlines; i++)
			if (u->lines[i].ident == sel) {
				/* the same line of the node, when it still has it */
				while (u->lines[i].inl < inl && i + 1 < u->nlines &&
				       u->lines[i + 1].ident == sel && u->lines[i + 1].inl)
					i++;
				u->cursor = i;
				u->top = i > (size_t)y ? i - (size_t)y : 0;
				break;
			}
	}
	show_cursor(u, e);
}

void tree_ui_rebuild(struct tree_ui *u, const struct tree_env *e)
{
	struct app *app = e->app;
	struct view_opts vo = app->settings.view;
	double t0 = time_mono();

	if (app->settings.tree == TREE_OFF) {
		if (u->t.nnodes) { /* 100,000 stacks: tens of MiB */
			tree_free(&u->t);
			tree_init(&u->t);
		}
		return;
	}
	if (u->mode != app->settings.tree) {
		/* another tree: from its top */
		u->cursor = u->top = 0;
		u->cursor_y = 0;
		u->selected = 0;
		u->selected_inl = 0;
	}
	vo.limit = 0;
	u->chart.ncols = 0; /* the chart again, of this build */
	u->mode = app->settings.tree;
	model_tree(app->model, &vo, u->mode, &u->t);
	if (u->all[u->mode])
		tree_sort(&u->t, TREE_NONE); /* the whole tree at once: faster than node by node */
	relayout(u, e);
	u->build_ms = (time_mono() - t0) * 1e3;
}

void tree_ui_symbols(struct tree_ui *u, const struct tree_env *e)
{
	if (u->sym_lines)
		memset(u->sym_lines, 0, u->nsym_lines);
	if (e->app->settings.tree != TREE_OFF && u->t.nnodes)
		relayout(u, e);
}

/* ---- the chart ---- */

const struct tree_node *tree_ui_node(const struct tree_ui *u)
{
	return u->nlines ? &u->t.nodes[u->lines[u->cursor].node] : NULL;
}

/* The counters of the stacks below node i whose series are whole: the master's (a
 * replica's are its own, a paused tree's stacks are pinned in the master). */
static size_t node_counters(const struct tree_ui *u, const struct app *app, uint32_t i,
			    const struct counter ***out)
{
	const struct tree *t = &u->t;
	uint32_t *todo = xmalloc((t->nnodes ? t->nnodes : 1) * sizeof(*todo));
	const struct counter **v = xmalloc((t->v.nrows ? t->v.nrows : 1) * sizeof(*v));
	size_t ntodo = 0, n = 0;

	todo[ntodo++] = i;
	while (ntodo) {
		const struct tree_node *nd = &t->nodes[todo[--ntodo]];

		for (uint32_t r = nd->stacks; r != TREE_NONE; r = t->next_stack[r]) {
			const struct row *row = &t->v.rows[r];
			const struct counter *c;

			if (app->model == app->master)
				c = row->stack ? &row->stack->s : row->s;
			else
				c = model_same_row(app->master, app->model, GROUP_STACK, row->stack,
						   0);
			if (c)
				v[n++] = c;
		}
		for (uint32_t k = 0; k < nd->nkids; k++)
			todo[ntodo++] = t->kids[nd->kids + k];
	}
	free(todo);
	*out = v;
	return n;
}

int tree_ui_chart(struct tree_ui *u, const struct tree_env *e, uint32_t lo, uint32_t hi,
		  int ncols, int64_t *cmin, int64_t *cmax)
{
	const struct app *app = e->app;
	struct tree_chart *c = &u->chart;
	uint32_t ns = (uint32_t)model_nsamples(app->master);
	const struct tree_line *ln;

	if (!u->nlines || ncols <= 0)
		return 0;
	ln = &u->lines[u->cursor];
	/* a node of 100,000 stacks reads them all: once per node, sample and size */
	if (c->ident != ln->ident || c->model != app->model || c->build != u->t.build ||
	    c->nsamples != ns || c->lo != lo || c->hi != hi || c->ncols != ncols) {
		const struct counter **v;
		size_t n = node_counters(u, app, ln->node, &v);

		c->cmin = xreallocarray(c->cmin, (size_t)ncols, sizeof(int64_t));
		c->cmax = xreallocarray(c->cmax, (size_t)ncols, sizeof(int64_t));
		c->got = model_chart_sum(app->master, v, n, lo, hi, ncols, c->cmin, c->cmax);
		free(v);
		c->ident = ln->ident;
		c->model = app->model;
		c->build = u->t.build;
		c->nsamples = ns;
		c->lo = lo;
		c->hi = hi;
		c->ncols = ncols;
	}
	memcpy(cmin, c->cmin, (size_t)c->got * sizeof(int64_t));
	memcpy(cmax, c->cmax, (size_t)c->got * sizeof(int64_t));
	return c->got;
}

/* ---- drawing ---- */

static void node_counter(const struct tree_node *n, struct counter *c)
{
	memset(c, 0, sizeof(*c));
	c->now = n->s.now;
	c->delta = n->s.delta;
	c->delta_base = n->s.delta_base;
	c->peak = n->s.peak;
	c->rate = n->s.rate;
	c->score = n->s.score;
	c->first_seen = n->s.first_seen;
	c->calls = n->s.calls;
}

/* The guides before a node's text: a line down for each ancestor with siblings after
 * it, then the branch to the node itself. */
static void guides(struct pen *p, const struct tree_line *ln, attr_t a)
{
	for (int d = 1; d < ln->depth; d++)
		pen_put(p, d < 64 && (ln->more >> d) & 1 ? draw_glyph("│  ", "|  ") : "   ", a);
	if (ln->depth)
		pen_put(p, ln->last ? draw_glyph("└─ ", "`- ") : draw_glyph("├─ ", "|- "), a);
}

/* A line under a node: the inl-th function its frame was inlined into. */
static void draw_inlined(struct tree_ui *u, const struct tree_env *e, int y, size_t li, int sel,
			 const enum col *cols, int nc)
{
	const struct tree_line *ln = &u->lines[li];
	const struct tree_node *n = &u->t.nodes[ln->node];
	const struct sym_result *res = frame_symbols(e->app, n->frame, 0);
	struct pen p = PEN_AT(y, 0);
	attr_t a = sel ? A_REVERSE : A_NORMAL, dim = sel ? 0 : role_attr(ROLE_DIM);
	char buf[640];
	int x = 2;

	for (int k = 0; k < nc; k++)
		x += 1 + col_width(cols[k]);
	pen_pad(&p, x + 1, a);
	for (int d = 1; d <= ln->depth; d++) {
		int on = d < ln->depth ? d < 64 && (ln->more >> d) & 1 : !ln->last;

		pen_put(&p, on ? draw_glyph("│  ", "|  ") : "   ", a | dim);
	}
	pen_put(&p, "    ", a);
	if (res && res->status == SYM_OK && ln->inl < res->nframes) {
		pen_put(&p, _("(inlined by) "), a | dim);
		format_where(&res->frames[ln->inl], NULL, 0, buf, sizeof(buf));
		pen_put_marked(&p, buf, e->search, a | dim);
	}
	pen_pad(&p, COLS, a);
}

static void draw_line(struct tree_ui *u, const struct tree_env *e, int y, size_t li, int sel,
		      const enum col *cols, int nc)
{
	struct app *app = e->app;
	const struct tree_line *ln = &u->lines[li];
	const struct tree_node *n = &u->t.nodes[ln->node];
	struct pen p = PEN_AT(y, 0);
	attr_t a = sel ? A_REVERSE | A_BOLD :
		   role_attr(n->s.delta > 0 ? ROLE_WARM : n->s.delta < 0 ? ROLE_COOL : ROLE_NORMAL);
	const struct sym_result *res;
	const char *text;
	struct counter c;
	char buf[128];

	if (ln->inl) {
		draw_inlined(u, e, y, li, sel, cols, nc);
		return;
	}
	node_counter(n, &c);
	pen_put(&p, "  ", a);
	for (int k = 0; k < nc; k++) {
		int w = col_width(cols[k]), tw;

		if (cols[k] == COL_TREND) {
			int64_t v[MODEL_HISTORY];
			int got = tree_history(app->model, &u->t, ln->node, v,
					       w < MODEL_HISTORY ? w : MODEL_HISTORY);
			int changed = 0;

			for (int j = 1; j < got; j++)
				changed |= v[j] != v[0];
			buf[0] = '\0';
			if (changed)
				cell_sparkline(buf, sizeof(buf), w < MODEL_HISTORY ? w : MODEL_HISTORY,
					       v, got);
		} else {
			e->cell(app, &u->t.v, cols[k], &c, buf, sizeof(buf));
		}
		tw = text_width(buf);
		pen_pad(&p, p.x + 1 + (w > tw ? w - tw : 0), a);
		pen_put(&p, buf, a);
	}
	pen_pad(&p, p.x + 1, a);
	guides(&p, ln, a | (sel ? 0 : role_attr(ROLE_DIM)));
	pen_put(&p, !n->haskids ? draw_glyph("· ", "  ") :
		    tree_ui_expanded(u, ln->ident) ? draw_glyph("▾ ", "- ") : draw_glyph("▸ ", "+ "),
		a);
	text = tree_node_text(app->model, n);
	pen_put_marked(&p, text, e->search, a | (n->caller && !sel ? A_BOLD : 0));
	res = frame_symbols(app, n->frame, 1);
	if (res && res->status == SYM_OK && res->nframes) {
		char where[640];

		format_where(&res->frames[0], text, strcspn(text, "+ "), where, sizeof(where));
		pen_pad(&p, p.x + 2, a);
		pen_put_marked(&p, where, e->search, a | (sel ? 0 : role_attr(ROLE_DIM)));
	}
	if (p.x + 4 < COLS) {
		if (model_meta(app->model)->unit == UNIT_BYTES)
			snprintf(buf, sizeof(buf),
				 ngettext(" (%u call site)", " (%u call sites)", n->nstacks),
				 n->nstacks);
		else
			snprintf(buf, sizeof(buf),
				 ngettext(" (%u stack)", " (%u stacks)", n->nstacks), n->nstacks);
		pen_put(&p, buf, a | (sel ? 0 : role_attr(ROLE_DIM)));
	}
	pen_pad(&p, COLS, a);
}

void tree_ui_draw(struct tree_ui *u, const struct tree_env *e, const enum col *cols, int nc)
{
	int h = e->height;

	if (!u->nlines) {
		struct pen pen = PEN_AT(TUI_HEADER_LINES, 2);

		pen_put(&pen, _("no nodes: no stack passes the threshold and the filters"),
			A_NORMAL);
		return;
	}
	for (int y = 0; y < h && u->top + (size_t)y < u->nlines; y++)
		draw_line(u, e, TUI_HEADER_LINES + y, u->top + (size_t)y,
			  u->top + (size_t)y == u->cursor, cols, nc);
}

/* ---- keys ---- */

static void move_to(struct tree_ui *u, const struct tree_env *e, long to)
{

	if (!u->nlines)
		return;
	u->cursor = to < 0 ? 0 : (size_t)to >= u->nlines ? u->nlines - 1 : (size_t)to;
	show_cursor(u, e);
}

static void expand(struct tree_ui *u, const struct tree_env *e, size_t li, int on)
{

	set_expanded(u, u->lines[li].ident, on);
	u->cursor = li;
	u->selected = u->lines[li].ident;
	relayout(u, e);
}

/* Expands node i and every node below it. */
static void expand_subtree(struct tree_ui *u, const struct model *m, uint32_t i, uint64_t ident)
{
	if (!u->t.nodes[i].haskids)
		return;
	set_expanded(u, ident, 1);
	tree_sort(&u->t, i); /* makes the children */
	for (uint32_t k = 0; k < u->t.nodes[i].nkids; k++) {
		uint32_t c = u->t.kids[u->t.nodes[i].kids + k];

		expand_subtree(u, m, c, node_ident(m, &u->t, c, ident));
	}
}

static size_t parent_line(const struct tree_ui *u, size_t li)
{
	uint16_t d = u->lines[li].depth;

	while (li > 0 && u->lines[li].depth >= d)
		li--;
	while (li > 0 && u->lines[li].inl) /* to the node's own line */
		li--;
	return li;
}

unsigned tree_ui_key(struct tree_ui *u, const struct tree_env *e, enum action a)
{
	long h = e->height > 0 ? e->height : 1;
	const struct tree_line *ln = u->nlines ? &u->lines[u->cursor] : NULL;

	switch (a) {
	case ACT_UP: move_to(u, e, (long)u->cursor - 1); break;
	case ACT_DOWN: move_to(u, e, (long)u->cursor + 1); break;
	case ACT_PAGE_UP: move_to(u, e, (long)u->cursor - h); break;
	case ACT_PAGE_DOWN: move_to(u, e, (long)u->cursor + h); break;
	case ACT_FIRST: move_to(u, e, 0); break;
	case ACT_LAST: move_to(u, e, (long)u->nlines - 1); break;
	case ACT_EXPAND:
		if (!ln || !u->t.nodes[ln->node].haskids)
			break;
		if (tree_ui_expanded(u, ln->ident))
			move_to(u, e, (long)u->cursor + 1);
		else
			expand(u, e, u->cursor, 1);
		break;
	case ACT_COLLAPSE:
		if (!ln)
			break;
		if (u->t.nodes[ln->node].haskids && tree_ui_expanded(u, ln->ident))
			expand(u, e, u->cursor, 0);
		else if (ln->depth)
			move_to(u, e, (long)parent_line(u, u->cursor));
		break;
	case ACT_EXPAND_SUBTREE:
		if (!ln)
			break;
		expand_subtree(u, e->app->model, ln->node, ln->ident);
		relayout(u, e);
		break;
	case ACT_EXPAND_ALL:
	case ACT_COLLAPSE_ALL:
		u->all[u->mode] = a == ACT_EXPAND_ALL;
		set_clear(&u->toggled[u->mode]);
		if (u->all[u->mode])
			tree_sort(&u->t, TREE_NONE);
		relayout(u, e);
		break;
	default: return ACTION_PASS;
	}
	return ACTION_REDRAW;
}

void tree_ui_click(struct tree_ui *u, const struct tree_env *e, int y, int twice)
{
	size_t li = u->top + (size_t)(y < 0 ? 0 : y);

	if (li >= u->nlines)
		return;
	if (twice && u->t.nodes[u->lines[li].node].haskids)
		expand(u, e, li, !tree_ui_expanded(u, u->lines[li].ident));
	else
		move_to(u, e, (long)li);
}

int tree_ui_search(struct tree_ui *u, const struct tree_env *e, int dir, int include)
{
	const struct model *m = e->app->model;
	size_t n = u->nlines;

	for (size_t k = 0; k < n; k++) {
		size_t off = (include ? k : k + 1) % n;
		size_t i = dir > 0 ? (u->cursor + off) % n : (u->cursor + n - off) % n;

		if (!u->lines[i].inl && strcasestr(tree_node_text(m, &u->t.nodes[u->lines[i].node]), e->search)) {
			move_to(u, e, (long)i);
			return 0;
		}
	}
	return -1;
}
