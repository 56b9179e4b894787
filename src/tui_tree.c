/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_tree.c - the list screen as a call tree (tui_tree.h). The model builds and sorts
 * the tree (model_tree.h); this keeps which nodes are expanded, lays out the lines on the
 * screen (walking the tree from the cursor's line: a node is made and sorted when a line
 * of it or below it is looked at, so expanding everything costs nothing until then) and
 * draws them with the list's columns. */
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

/* The value of k, 0: none. */
static uint32_t set_get(const struct tree_set *s, uint64_t k)
{
	size_t i;

	if (!s->n)
		return 0;
	i = set_slot(s, k);
	return s->v[i] == k ? s->val[i] : 0;
}

static int set_has(const struct tree_set *s, uint64_t k)
{
	return set_get(s, k) != 0;
}

/* k with value val (not 0), added or changed. */
static void set_add(struct tree_set *s, uint64_t k, uint32_t val)
{
	if (2 * (s->n + 1) > s->cap) {
		struct tree_set b = { NULL, NULL, 0, s->cap ? s->cap * 2 : 64 };

		b.v = xcalloc(b.cap, sizeof(uint64_t));
		b.val = xcalloc(b.cap, sizeof(uint32_t));
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i]) {
				size_t j = set_slot(&b, s->v[i]);

				b.v[j] = s->v[i];
				b.val[j] = s->val[i];
			}
		b.n = s->n;
		free(s->v);
		free(s->val);
		*s = b;
	}
	size_t i = set_slot(s, k);

	if (!s->v[i]) {
		s->v[i] = k;
		s->n++;
	}
	s->val[i] = val;
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
		uint32_t val = s->val[j];
		size_t to;

		s->v[j] = 0;
		to = set_slot(s, m);
		s->v[to] = m;
		s->val[to] = val;
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
	u->chart.slice_ms = TREE_CHART_SLICE_MS;
	u->trend_slice_ms = TREE_TREND_SLICE_MS;
	u->chart.chunk = TREE_CHART_CHUNK;
	return u;
}

/* Forgets the chart and a sum being made (its stacks are not read). */
static void chart_drop(struct tree_chart *c)
{
	model_chart_sum_end(c->sum, NULL, NULL);
	c->sum = NULL;
	free(c->v);
	c->v = NULL;
	c->nv = c->done = 0;
	c->ncols = 0;
}

/* A node's trend sums the history of every stack below it: kept for the build and
 * sample it was summed at, so that a redraw does not walk a big node's stacks again.
 * A node drawn in a frame never takes the entry of another drawn in the same frame
 * (each would begin the other's sum again, and a sum longer than a frame's share would
 * never end): TREND_CACHE entries, twice as many when a frame draws more trends. */
#define TREND_CACHE 512

struct tree_trend {
	const struct model *model;
	uint32_t node, build, nsamples;
	uint64_t frame;             /* the frame it was last drawn in; 0: empty */
	int n;
	struct tree_hist sum;
};

/* The entry of a node: its own, else the one drawn longest ago, never one drawn in this
 * frame (then more entries). */
static struct tree_trend *trend_entry(struct tree_ui *u, uint32_t node)
{
	struct tree_trend *c = NULL;

	for (size_t i = 0; i < u->ntrend; i++) {
		struct tree_trend *e = &u->trend[i];

		if (e->frame && e->node == node)
			return e;
		if (!c || e->frame < c->frame)
			c = e;
	}
	if (!c || c->frame == u->trend_frame) {
		size_t n = u->ntrend ? 2 * u->ntrend : TREND_CACHE;

		u->trend = xreallocarray(u->trend, n, sizeof(*u->trend));
		memset(u->trend + u->ntrend, 0, (n - u->ntrend) * sizeof(*u->trend));
		c = &u->trend[u->ntrend];
		u->ntrend = n;
	}
	c->model = NULL; /* begun again below */
	return c;
}

/* Node's trend into v: how many values, or -1 while its stacks are being summed (a
 * frame's share of them before u->trend_deadline, the rest in the frames after). */
static int node_trend(struct tree_ui *u, const struct model *m, uint32_t node, int64_t *v,
		      int n)
{
	struct tree_trend *c = trend_entry(u, node);
	int got;

	if (c->model != m || c->node != node || c->build != u->t.build ||
	    c->nsamples != model_nsamples(m) || c->n != n) {
		tree_history_begin(m, &u->t, node, n, &c->sum);
		c->model = m;
		c->node = node;
		c->build = u->t.build;
		c->nsamples = model_nsamples(m);
		c->n = n;
	}
	c->frame = u->trend_frame;
	got = tree_history_step(m, &u->t, &c->sum, u->trend_deadline);
	if (got > 0)
		memcpy(v, c->sum.v, (size_t)got * sizeof(*v));
	return got;
}

void tree_ui_free(struct tree_ui *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->ntrend; i++)
		tree_history_end(&u->trend[i].sum);
	free(u->trend);
	tree_free(&u->t);
	free(u->lines);
	free(u->sym_lines);
	chart_drop(&u->chart);
	free(u->chart.cmin);
	free(u->chart.cmax);
	for (int i = 0; i < TREE__N; i++) {
		free(u->toggled[i].v);
		free(u->toggled[i].val);
		free(u->below[i].v);
		free(u->below[i].val);
	}
	free(u);
}

static uint64_t node_ident(const struct model *m, struct tree *t, uint32_t i, uint64_t parent)
{
	return tree_node_ident(m, t, i, parent);
}

/* Whether the node at depth d of p is expanded: what was said last of it, by its own
 * toggle or a `*` on it or above it, else by e/E. */
static int expanded_at(const struct tree_ui *u, const struct tree_pos *p, unsigned d)
{
	const struct tree_set *below = &u->below[u->mode];
	uint32_t own = set_get(&u->toggled[u->mode], p->ident[d]), last = own >> 1;
	int on = own ? (int)(own & 1) : u->all[u->mode];

	for (unsigned k = 0; below->n && k <= d; k++) {
		uint32_t s = set_get(below, p->ident[k]);

		if (s > last) {
			last = s;
			on = 1;
		}
	}
	return on;
}

int tree_ui_expanded(const struct tree_ui *u, uint64_t ident)
{
	struct tree_pos p;

	p.depth = 0;
	p.ident[0] = ident;
	return expanded_at(u, &p, 0);
}

static void set_expanded(struct tree_ui *u, uint64_t ident, int on)
{
	if (on == u->all[u->mode] && !u->below[u->mode].n)
		set_del(&u->toggled[u->mode], ident);
	else
		set_add(&u->toggled[u->mode], ident, ++u->said << 1 | (uint32_t)on);
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

/* ---- positions: a line by its node's path, the next and previous ones ---- */

/* The siblings of the node at depth d of p (its parent's children made and sorted). */
static const uint32_t *siblings(struct tree_ui *u, const struct tree_pos *p, unsigned d,
				uint32_t *n)
{
	struct tree *t = &u->t;
	uint32_t i;

	if (d == 0) {
		*n = (uint32_t)t->nroots;
		return t->kids;
	}
	i = p->node[d - 1];
	if (!t->nodes[i].sorted)
		tree_sort(t, i);
	*n = t->nodes[i].nkids;
	return t->kids + t->nodes[i].kids;
}

/* p to the rank-th of the siblings k at depth d, its first line. */
static void pos_set(struct tree_ui *u, const struct app *app, struct tree_pos *p, unsigned d,
		    uint32_t rank, const uint32_t *k)
{
	p->depth = (uint16_t)d;
	p->rank[d] = rank;
	p->node[d] = k[rank];
	p->ident[d] = node_ident(app->model, &u->t, k[rank], d ? p->ident[d - 1] : 0);
	p->inl = 0;
}

static unsigned pos_lines(struct tree_ui *u, const struct app *app, const struct tree_pos *p)
{
	return node_lines(u, app, u->t.nodes[p->node[p->depth]].frame);
}

/* Its children are lines. */
static int pos_open(const struct tree_ui *u, const struct tree_pos *p)
{
	return p->depth + 1 < STACK_MAX_FRAMES && u->t.nodes[p->node[p->depth]].haskids &&
	       expanded_at(u, p, p->depth);
}

/* p to the last line of its node's subtree. */
static void pos_down_last(struct tree_ui *u, const struct app *app, struct tree_pos *p)
{
	const uint32_t *k;
	uint32_t n;

	while (pos_open(u, p)) {
		k = siblings(u, p, p->depth + 1u, &n);
		if (!n)
			break;
		pos_set(u, app, p, p->depth + 1u, n - 1, k);
	}
	p->inl = (uint8_t)(pos_lines(u, app, p) - 1);
}

static int pos_first(struct tree_ui *u, const struct app *app, struct tree_pos *p)
{
	if (!u->t.nroots)
		return -1;
	pos_set(u, app, p, 0, 0, u->t.kids);
	return 0;
}

static int pos_last(struct tree_ui *u, const struct app *app, struct tree_pos *p)
{
	if (!u->t.nroots)
		return -1;
	pos_set(u, app, p, 0, (uint32_t)u->t.nroots - 1, u->t.kids);
	pos_down_last(u, app, p);
	return 0;
}

/* The next line: 0, or -1 at the last (p unchanged). */
static int pos_next(struct tree_ui *u, const struct app *app, struct tree_pos *p)
{
	const uint32_t *k;
	uint32_t n;

	if (p->inl + 1u < pos_lines(u, app, p)) {
		p->inl++;
		return 0;
	}
	if (pos_open(u, p)) {
		k = siblings(u, p, p->depth + 1u, &n);
		if (n) {
			pos_set(u, app, p, p->depth + 1u, 0, k);
			return 0;
		}
	}
	for (int d = p->depth; d >= 0; d--) {
		k = siblings(u, p, (unsigned)d, &n);
		if (p->rank[d] + 1 < n) {
			pos_set(u, app, p, (unsigned)d, p->rank[d] + 1, k);
			return 0;
		}
	}
	return -1;
}

/* The line before: 0, or -1 at the first (p unchanged). */
static int pos_prev(struct tree_ui *u, const struct app *app, struct tree_pos *p)
{
	const uint32_t *k;
	uint32_t n;

	if (p->inl) {
		p->inl--;
		return 0;
	}
	if (p->rank[p->depth]) {
		k = siblings(u, p, p->depth, &n);
		pos_set(u, app, p, p->depth, p->rank[p->depth] - 1, k);
		pos_down_last(u, app, p);
		return 0;
	}
	if (!p->depth)
		return -1;
	p->depth--;
	p->inl = (uint8_t)(pos_lines(u, app, p) - 1);
	return 0;
}

static int pos_same(const struct tree_pos *a, const struct tree_pos *b)
{
	return a->depth == b->depth && a->node[a->depth] == b->node[b->depth] && a->inl == b->inl;
}

static struct tree_line pos_line(struct tree_ui *u, const struct tree_pos *p)
{
	struct tree_line ln = { p->node[p->depth], p->depth, 0, p->inl, 0, p->ident[p->depth], 0 };
	uint32_t n;

	ln.open = (uint8_t)pos_open(u, p);
	for (unsigned d = 1; d <= p->depth; d++) {
		siblings(u, p, d, &n);
		if (d == p->depth)
			ln.last = p->rank[d] + 1 == n;
		else if (d < 64 && p->rank[d] + 1 < n)
			ln.more |= (uint64_t)1 << d;
	}
	if (!p->depth)
		ln.last = p->rank[0] + 1 == u->t.nroots;
	return ln;
}

/* The cursor's line in this build: its node found again by its path's identities (its
 * rank first), down to the deepest one still shown; the first line when none is. */
static int pos_find(struct tree_ui *u, const struct app *app, struct tree_pos *q)
{
	const struct tree_pos *c = &u->cur;

	if (pos_first(u, app, q))
		return -1;
	if (!u->has_cur)
		return 0;
	for (unsigned d = 0; d <= c->depth; d++) {
		const uint32_t *k;
		uint32_t n, r;

		if (d && !pos_open(u, q))
			break;
		k = siblings(u, q, d, &n);
		r = c->rank[d];
		if (r >= n || node_ident(app->model, &u->t, k[r], d ? q->ident[d - 1] : 0) !=
			      c->ident[d])
			for (r = 0; r < n; r++)
				if (node_ident(app->model, &u->t, k[r], d ? q->ident[d - 1] : 0) ==
				    c->ident[d])
					break;
		if (r == n)
			break;
		pos_set(u, app, q, d, r, k);
		if (d == c->depth) {
			unsigned nl = pos_lines(u, app, q);

			q->inl = c->inl < nl ? c->inl : (uint8_t)(nl - 1);
		}
	}
	return 0;
}

/* Lays out the lines on the screen around cursor q, the cursor at its line of the screen
 * (u->cursor_y) as far as the lines before and after let it. */
static void lay_out_window(struct tree_ui *u, const struct tree_env *e, const struct tree_pos *q)
{
	const struct app *app = e->app;
	int h = e->height > 0 ? e->height : 1, y = 0, n = 1;
	struct tree_pos top = *q, b;

	while (y < u->cursor_y && y < h - 1 && !pos_prev(u, app, &top))
		y++;
	b = top;
	while (n < h && !pos_next(u, app, &b))
		n++;
	for (; n < h && !pos_prev(u, app, &top); n++)
		y++;
	u->nlines = 0;
	for (b = top; (int)u->nlines < n; pos_next(u, app, &b))
		*new_line(u) = pos_line(u, &b);
	u->cur = *q;
	u->has_cur = 1;
	u->height = h;
	u->cursor = (size_t)y;
	u->cursor_y = y;
	u->selected = q->ident[q->depth];
}

/* The lines again; the cursor stays on its node, at its line of the screen. */
static void relayout(struct tree_ui *u, const struct tree_env *e)
{
	struct tree_pos q;

	if (pos_find(u, e->app, &q)) { /* no lines; the cursor's path kept for later */
		u->nlines = u->cursor = 0;
		u->selected = 0;
		return;
	}
	lay_out_window(u, e, &q);
}

size_t tree_ui_all_lines(struct tree_ui *u, const struct tree_env *e, struct tree_line **out,
			 size_t *cursor)
{
	struct tree_pos p, q;
	size_t n = 0, cap = 256;
	struct tree_line *v = xmalloc(cap * sizeof(*v));

	*cursor = 0;
	if (!pos_find(u, e->app, &q) && !pos_first(u, e->app, &p)) {
		do {
			if (n == cap)
				v = xreallocarray(v, cap *= 2, sizeof(*v));
			if (pos_same(&p, &q))
				*cursor = n;
			v[n++] = pos_line(u, &p);
		} while (!pos_next(u, e->app, &p));
	}
	*out = v;
	return n;
}

void tree_ui_rebuild(struct tree_ui *u, const struct tree_env *e)
{
	struct app *app = e->app;
	struct view_opts vo = app->settings.view;
	double t0 = time_mono();
	uint32_t build;

	if (app->settings.tree == TREE_OFF) {
		if (u->t.nnodes) { /* 100,000 stacks: tens of MiB */
			tree_free(&u->t);
			tree_init(&u->t);
		}
		return;
	}
	if (u->mode != app->settings.tree) {
		/* another tree: from its top */
		u->cursor = 0;
		u->cursor_y = 0;
		u->has_cur = 0;
		u->selected = 0;
	}
	/* the cursor on the first line stays there, as in the flat list (like top): on the
	 * new first root; following its node would leave the roots now above it off the
	 * screen */
	if (u->has_cur && !u->cur.depth && !u->cur.rank[0] && !u->cur.inl)
		u->has_cur = 0;
	vo.limit = 0;
	u->mode = app->settings.tree;
	build = u->t.build;
	model_tree(app->model, &vo, u->mode, &u->t);
	/* the chart again, of this build; the same build (the same rows, in another order)
	 * keeps it, an update of its build changes it (chart_update()) */
	if ((!build || u->t.build != build) &&
	    !(u->t.moved_build == u->t.build && u->chart.build + 1 == u->t.build &&
	      !u->chart.sum && u->chart.got > 0))
		chart_drop(&u->chart);
	relayout(u, e); /* makes the nodes it shows */
	u->build_ms = (time_mono() - t0) * 1e3;
}

int tree_ui_prefault(struct tree_ui *u, const struct app *app, double budget_ms)
{
	if (app->settings.tree != TREE_OFF) /* built by tree_ui_rebuild() */
		return 1;
	return tree_prefault(&u->t, app->model, budget_ms);
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

/* The stack's counter whose series is whole (as node_counters() takes it). */
static const struct counter *chart_counter(const struct app *app, const struct stack *st)
{
	if (app->model == app->master)
		return &st->s;
	return model_same_row(app->master, app->model, GROUP_STACK, st, 0);
}

/* A build that updated the chart's one in place (a threshold or filter hid or showed a
 * few stacks): the chart made takes the stacks moved below its node off or on, column
 * by column (its sums are of each stack's minima and maxima), instead of summing every
 * stack below again. Nothing when the chart is not whole or the build was another. */
static void chart_update(struct tree_ui *u, const struct app *app, uint32_t node)
{
	struct tree_chart *c = &u->chart;
	const struct tree *t = &u->t;
	const struct counter **v;
	int64_t *dmin, *dmax;
	size_t n = 0;
	int got;

	if (c->sum || c->got <= 0 || t->moved_build != t->build || c->build + 1 != t->build)
		return;
	for (int k = 0; k < c->got; k++) /* far from saturated sums only */
		if (c->cmin[k] < -(INT64_C(1) << 61) || c->cmax[k] > INT64_C(1) << 61)
			return;
	v = xmalloc((t->nmoved ? t->nmoved : 1) * sizeof(*v));
	for (size_t i = 0; i < t->nmoved; i++)
		if (tree_stack_below(t, node, t->moved[i]) &&
		    (v[n] = chart_counter(app, t->moved[i])) != NULL)
			n++;
	dmin = xcalloc(2 * (size_t)c->got, sizeof(*dmin));
	dmax = dmin + c->got;
	got = n ? model_chart_sum(app->master, v, n, c->lo, c->hi, c->ncols, dmin, dmax) : c->got;
	free(v);
	if (got == c->got) {
		for (int k = 0; k < got; k++) {
			c->cmin[k] += t->moved_sign * dmin[k];
			c->cmax[k] += t->moved_sign * dmax[k];
		}
		c->build = t->build;
		c->updated++;
	}
	free(dmin);
}

int tree_ui_chart(struct tree_ui *u, const struct tree_env *e, uint32_t lo, uint32_t hi,
		  int ncols, int64_t *cmin, int64_t *cmax, size_t *done, size_t *total)
{
	const struct app *app = e->app;
	struct tree_chart *c = &u->chart;
	uint32_t ns = (uint32_t)model_nsamples(app->master);
	const struct tree_line *ln;
	double t0;

	if (!u->nlines || ncols <= 0)
		return 0;
	ln = &u->lines[u->cursor];
	if (c->ident == ln->ident && c->model == app->model && c->nsamples == ns &&
	    c->lo == lo && c->hi == hi && c->ncols == ncols && c->build != u->t.build)
		chart_update(u, app, ln->node);
	/* once per node, sample and size; a stack below may be gone since: the sum of
	 * another key starts again without reading the rows it had */
	if (c->ident != ln->ident || c->model != app->model || c->build != u->t.build ||
	    c->nsamples != ns || c->lo != lo || c->hi != hi || c->ncols != ncols) {
		chart_drop(c);
		c->nv = node_counters(u, app, ln->node, &c->v);
		c->sum = model_chart_sum_begin(app->master, lo, hi, ncols);
		c->got = 0;
		c->ident = ln->ident;
		c->model = app->model;
		c->build = u->t.build;
		c->nsamples = ns;
		c->lo = lo;
		c->hi = hi;
		c->ncols = ncols;
	}
	/* a node of 100,000 stacks takes several frames: the keys do not wait for it */
	t0 = time_mono();
	while (c->sum && c->done < c->nv) {
		size_t k = c->nv - c->done < c->chunk ? c->nv - c->done : c->chunk;

		model_chart_sum_add(c->sum, c->v + c->done, k);
		c->done += k;
		if ((time_mono() - t0) * 1e3 >= c->slice_ms)
			break;
	}
	*done = c->done;
	*total = c->nv;
	if (c->sum && c->done < c->nv)
		return -1;
	if (c->sum) {
		c->cmin = xreallocarray(c->cmin, (size_t)ncols, sizeof(int64_t));
		c->cmax = xreallocarray(c->cmax, (size_t)ncols, sizeof(int64_t));
		c->got = model_chart_sum_end(c->sum, c->cmin, c->cmax);
		c->sum = NULL;
		free(c->v);
		c->v = NULL;
	}
	if (c->got > 0) {
		memcpy(cmin, c->cmin, (size_t)c->got * sizeof(int64_t));
		memcpy(cmax, c->cmax, (size_t)c->got * sizeof(int64_t));
	}
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
			int got = node_trend(u, app->model, ln->node, v,
					     w < MODEL_HISTORY ? w : MODEL_HISTORY);
			int changed = 0;

			if (got < 0)
				app->again = 1; /* summed on in the next frame */
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
		    ln->open ? draw_glyph("▾ ", "- ") : draw_glyph("▸ ", "+ "),
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
		cols_count_text(buf, sizeof(buf), app->model, n->nstacks);
		pen_put(&p, buf, a | (sel ? 0 : role_attr(ROLE_DIM)));
	}
	pen_pad(&p, COLS, a);
}

void tree_ui_draw(struct tree_ui *u, const struct tree_env *e, const enum col *cols, int nc)
{
	int h = e->height;

	if ((e->height > 0 ? e->height : 1) != u->height && u->t.nnodes)
		relayout(u, e); /* the screen grew or shrank (a chart under it, a resize) */
	u->trend_deadline = time_mono() + u->trend_slice_ms / 1e3;
	u->trend_frame++;
	if (!u->nlines) {
		struct pen pen = PEN_AT(TUI_HEADER_LINES, 2);

		pen_put(&pen, _("no nodes: no stack passes the threshold and the filters"),
			A_NORMAL);
		return;
	}
	for (int y = 0; y < h && (size_t)y < u->nlines; y++)
		draw_line(u, e, TUI_HEADER_LINES + y, (size_t)y, (size_t)y == u->cursor, cols, nc);
}

/* ---- keys ---- */

/* The cursor by.. lines down (or up), the screen's lines with it when it leaves them. */
static void move_by(struct tree_ui *u, const struct tree_env *e, long by)
{
	const struct app *app = e->app;
	int h = e->height > 0 ? e->height : 1;
	struct tree_pos q;

	if (pos_find(u, app, &q))
		return;
	for (; by > 0 && !pos_next(u, app, &q); by--)
		u->cursor_y++;
	for (; by < 0 && !pos_prev(u, app, &q); by++)
		u->cursor_y--;
	u->cursor_y = u->cursor_y < 0 ? 0 : u->cursor_y >= h ? h - 1 : u->cursor_y;
	lay_out_window(u, e, &q);
}

/* The cursor to the first (or the last) line. */
static void move_end(struct tree_ui *u, const struct tree_env *e, int last)
{
	struct tree_pos q;

	if (last ? pos_last(u, e->app, &q) : pos_first(u, e->app, &q))
		return;
	u->cursor_y = last ? (e->height > 0 ? e->height - 1 : 0) : 0;
	lay_out_window(u, e, &q);
}

static void expand(struct tree_ui *u, const struct tree_env *e, int on)
{
	set_expanded(u, u->selected, on);
	relayout(u, e);
}

/* The cursor to its node's parent, at the parent's line of the screen when it has one. */
static void to_parent(struct tree_ui *u, const struct tree_env *e)
{
	struct tree_pos q;

	if (pos_find(u, e->app, &q) || !q.depth)
		return;
	q.depth--;
	q.inl = 0;
	u->cursor_y = 0;
	for (size_t i = u->cursor; i-- > 0;)
		if (u->lines[i].ident == q.ident[q.depth] && !u->lines[i].inl) {
			u->cursor_y = (int)i;
			break;
		}
	lay_out_window(u, e, &q);
}

unsigned tree_ui_key(struct tree_ui *u, const struct tree_env *e, enum action a)
{
	long h = e->height > 0 ? e->height : 1;
	const struct tree_line *ln = u->nlines ? &u->lines[u->cursor] : NULL;

	switch (a) {
	case ACT_UP: move_by(u, e, -1); break;
	case ACT_DOWN: move_by(u, e, 1); break;
	case ACT_PAGE_UP: move_by(u, e, -h); break;
	case ACT_PAGE_DOWN: move_by(u, e, h); break;
	case ACT_FIRST: move_end(u, e, 0); break;
	case ACT_LAST: move_end(u, e, 1); break;
	case ACT_EXPAND:
		if (!ln || !u->t.nodes[ln->node].haskids)
			break;
		if (ln->open)
			move_by(u, e, 1);
		else
			expand(u, e, 1);
		break;
	case ACT_COLLAPSE:
		if (!ln)
			break;
		if (ln->open)
			expand(u, e, 0);
		else if (ln->depth)
			to_parent(u, e);
		break;
	case ACT_EXPAND_SUBTREE:
		/* every node below expanded, made when a line comes to it */
		if (!ln || !u->t.nodes[ln->node].haskids)
			break;
		set_add(&u->below[u->mode], ln->ident, ++u->said);
		relayout(u, e);
		break;
	case ACT_EXPAND_ALL:
	case ACT_COLLAPSE_ALL:
		/* nodes are made when their lines come on the screen */
		u->all[u->mode] = a == ACT_EXPAND_ALL;
		set_clear(&u->toggled[u->mode]);
		set_clear(&u->below[u->mode]);
		relayout(u, e);
		break;
	default: return ACTION_PASS;
	}
	return ACTION_REDRAW;
}

int tree_ui_click(struct tree_ui *u, const struct tree_env *e, int y, int twice)
{
	size_t li = (size_t)(y < 0 ? 0 : y);

	if (li >= u->nlines)
		return 0;
	move_by(u, e, (long)li - (long)u->cursor);
	if (twice && u->nlines && u->t.nodes[u->lines[u->cursor].node].haskids)
		expand(u, e, !u->lines[u->cursor].open);
	return 1;
}

/* The search: node i's line matches. */
static int node_matches(struct tree_ui *u, uint32_t i)
{
	return tree_node_match(&u->t, i);
}

/* p to the first (dir 1) or the last line at or below its node that matches, its own
 * line when self. Only nodes holding a match are looked into, and only those expanded
 * opened: the path to the line found and the siblings on the way are made, no other
 * node. Returns 0, or -1 (p as it was, but for its inl). */
static int find_below(struct tree_ui *u, const struct app *app, struct tree_pos *p, int dir,
		      int self)
{
	unsigned d = p->depth;
	uint32_t i = p->node[d], n;

	if (!tree_node_holds_match(&u->t, i))
		return -1;
	p->inl = 0;
	if (dir > 0 && self && node_matches(u, i))
		return 0;
	if (pos_open(u, p)) {
		siblings(u, p, d + 1, &n);
		for (uint32_t k = 0; k < n; k++) {
			uint32_t rank = dir > 0 ? k : n - 1 - k;
			const uint32_t *kids = siblings(u, p, d + 1, &n); /* they may move */

			if (!tree_node_holds_match(&u->t, kids[rank]))
				continue;
			pos_set(u, app, p, d + 1, rank, kids);
			if (!find_below(u, app, p, dir, 1))
				return 0;
			p->depth = (uint16_t)d;
		}
	}
	p->inl = 0;
	return dir < 0 && self && node_matches(u, i) ? 0 : -1;
}

/* p to the next (dir 1) or previous matching line after or before line q, not round the
 * end: the siblings after (before) each node on q's path, and q's children forward, its
 * parents' lines backward. */
static int find_from(struct tree_ui *u, const struct app *app, const struct tree_pos *q,
		     struct tree_pos *p, int dir)
{
	uint32_t n;

	*p = *q;
	if (dir > 0 && !find_below(u, app, p, 1, 0))
		return 0;
	if (dir < 0 && q->inl && node_matches(u, q->node[q->depth])) {
		p->inl = 0;
		return 0;
	}
	for (int d = q->depth; d >= 0; d--) {
		*p = *q;
		siblings(u, p, (unsigned)d, &n);
		for (uint32_t r = q->rank[d]; dir > 0 ? r + 1 < n : r > 0;) {
			r = dir > 0 ? r + 1 : r - 1;
			pos_set(u, app, p, (unsigned)d, r, siblings(u, p, (unsigned)d, &n));
			if (!find_below(u, app, p, dir, 1))
				return 0;
		}
		if (dir < 0 && d > 0 && node_matches(u, q->node[d - 1])) {
			*p = *q;
			p->depth = (uint16_t)(d - 1);
			p->inl = 0;
			return 0;
		}
	}
	return -1;
}

int tree_ui_search(struct tree_ui *u, const struct tree_env *e, int dir, int include,
		   double deadline)
{
	const struct app *app = e->app;
	int h = e->height > 0 ? e->height : 1, wrapped = 0;
	struct tree_pos q, p;
	uint32_t n;

	if (pos_find(u, app, &q))
		return -1;
	if (!tree_match_step(&u->t, e->search, deadline))
		return 1;
	/* no stack the view shows has a matching node on its path: none, made or not */
	if (!tree_match(&u->t, e->search))
		return -1;
	p = q;
	if (!(include && !q.inl && node_matches(u, q.node[q.depth])) &&
	    find_from(u, app, &q, &p, dir)) {
		/* round the end: from the first root (the last), the cursor's line last */
		int found = -1;

		wrapped = 1;
		siblings(u, &p, 0, &n);
		for (uint32_t k = 0; k < n && found; k++) {
			pos_set(u, app, &p, 0, dir > 0 ? k : n - 1 - k, siblings(u, &p, 0, &n));
			found = find_below(u, app, &p, dir, 1);
		}
		if (found)
			return -1;
	}
	/* on the screen: there; else at its top or bottom, as the way went */
	u->cursor_y = (dir > 0) != wrapped ? h - 1 : 0;
	for (size_t i = 0; i < u->nlines; i++)
		if (u->lines[i].ident == p.ident[p.depth] && u->lines[i].inl == p.inl)
			u->cursor_y = (int)i;
	lay_out_window(u, e, &p);
	return 0;
}
