/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_attrib.c - the blocks' screen (tui_attrib.h). Its rows are model_attrib's view of
 * the per-block dump of the sample shown, made again for each sample or change of keys,
 * selection or sort; its lines are those rows with the expanded ones' rows of the second
 * key, and an expanded stack's frames, tasks and cgroups under it.
 *
 * The master model's blocks are its last sample's. For an earlier sample of a series the
 * screen reads the source again, as "pagetop -b SOURCE@N" does, into a model of its own
 * that keeps that one sample's blocks: going on reads on. Going back, a series of files
 * (a folder) reads that sample's file alone and gives its stacks the ids they had in
 * the model read further, which are batch's: that model numbered them in the same order
 * and still has each of them since the sample (else, and for a recording, which is read
 * in order, it reads from the start). Memory stays that of two samples' blocks whatever
 * the series' length. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gettext.h"
#include "source.h"
#include "tui_attrib.h"
#include "tui_pager.h"
#include "tui_status.h"

#define _(s) gettext(s)

#define DETAIL_TOP 5 /* an expanded stack's tasks and cgroups */

enum { LN_ROW, LN_TEXT };

struct aline {
	int kind;
	size_t row;                 /* LN_ROW: the view's row; LN_TEXT: the row it is under */
	char *text;                 /* LN_TEXT */
	attr_t attr;
};

/* The source read again up to an earlier sample. */
struct rereader {
	char **paths;               /* NULL: the source cannot be read again */
	int npaths;
	struct source_opts so;
	struct source *src;
	struct model *m;
	struct attrib *a;
	long nread;                 /* samples read: the blocks are of sample nread - 1 */
	/* an earlier sample read alone, its blocks moved onto m (rereader_one()) */
	struct source *one_src;     /* NULL: not opened; seeks to the sample */
	struct model *one_m;        /* its own model: the sample's time */
	struct attrib *one_a;
	long one_k, one_nread;      /* the sample, and nread when it was moved */
	int one_shown;              /* the last read gave one_a */
	int one_never;              /* the source cannot seek (a recording) */
	long reads;                 /* samples read again in all */
};

struct attrib_screen {
	struct screen base;
	struct attrib *a;           /* the master model's */
	struct rereader rr;
	struct attrib *shown;       /* of the sample shown: a, rr.a or rr.one_a */
	const struct model *shown_m; /* its stacks */
	const struct model *time_m; /* its sample's time */
	int last_only;              /* an earlier sample is shown, with the last one's blocks */
	struct attrib_opts o;       /* keys, selection and sort in force */
	struct attr_clock clock;
	struct attr_view v;
	int ok;                     /* the view was made (else err says why) */
	char err[1024];
	double now;
	long made_nread;            /* the sample the view is of */
	int stale;
	struct aline *lines;
	size_t nlines, cap;
	size_t sel, top;
	char **open;                /* expanded rows, by path: "LABEL" or "LABEL\037LABEL" */
	size_t nopen;
};

#define ATTRIB(s) ((struct attrib_screen *)(s))

static const enum attr_key first_keys[] = {
	AK_STACK, AK_PID, AK_TGID, AK_COMM, AK_MEMCG, AK_CLASS, AK_GFP, AK_ORDER, AK_MT, AK_MIGRATED,
	AK_AGE,
};

/* The second key in force: none under a stack, else the chosen one (stacks by default). */
static enum attr_key second_key(const struct attrib_screen *as)
{
	if (as->o.keys[0] == AK_STACK || as->o.keys[1] == as->o.keys[0])
		return AK_NONE;
	return as->o.keys[1] == AK_NONE ? AK_STACK : as->o.keys[1];
}

static char *row_path(const struct attrib_screen *as, size_t i)
{
	const struct attr_row *r = &as->v.rows[i];

	if (r->level == 0)
		return xstrdup(r->label);
	while (i > 0 && as->v.rows[i].level)
		i--;
	return xasprintf("%s\037%s", as->v.rows[i].label, r->label);
}

static int path_open(const struct attrib_screen *as, const char *path)
{
	for (size_t i = 0; i < as->nopen; i++)
		if (strcmp(as->open[i], path) == 0)
			return (int)i;
	return -1;
}

static int row_open(const struct attrib_screen *as, size_t i)
{
	char *p = row_path(as, i);
	int k = path_open(as, p);

	free(p);
	return k >= 0;
}

static void open_clear(struct attrib_screen *as)
{
	for (size_t i = 0; i < as->nopen; i++)
		free(as->open[i]);
	as->nopen = 0;
}

static void lines_clear(struct attrib_screen *as)
{
	for (size_t i = 0; i < as->nlines; i++)
		free(as->lines[i].text);
	as->nlines = 0;
}

static void line_push(struct attrib_screen *as, int kind, size_t row, char *text, attr_t a)
{
	if (as->nlines == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 64;
		as->lines = xreallocarray(as->lines, as->cap, sizeof(*as->lines));
	}
	as->lines[as->nlines++] = (struct aline){ kind, row, text, a };
}

static void text_line(struct attrib_screen *as, size_t row, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void text_line(struct attrib_screen *as, size_t row, attr_t a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	line_push(as, LN_TEXT, row, s, a);
}

/* Under a task's row, its stack's blocks are that task's: the selection narrowed to the
 * first-level row above row i when its key is pid, tgid or comm. */
static void narrow_to_parent(const struct attrib_screen *as, size_t i, struct attrib_opts *o)
{
	const struct attr_row *p;

	if (as->v.rows[i].level == 0)
		return;
	while (i > 0 && as->v.rows[i].level)
		i--;
	p = &as->v.rows[i];
	if (as->o.keys[0] == AK_PID) {
		o->pids[0] = (int)p->num;
		o->npids = 1;
	} else if (as->o.keys[0] == AK_TGID) {
		o->tgids[0] = (int)p->num;
		o->ntgids = 1;
	} else if (as->o.keys[0] == AK_COMM) {
		o->comms[0] = p->label;
		o->ncomms = 1;
	}
}

/* The top tasks (k AK_PID) or cgroups (AK_MEMCG) of the stack of row i, as lines. */
static void stack_top(struct attrib_screen *as, size_t i, enum attr_key k, int indent)
{
	struct attrib_opts o = as->o;
	struct attr_view v;
	struct pt_err err;
	char pages[32], blocks[32];

	narrow_to_parent(as, i, &o);
	o.keys[0] = k;
	o.keys[1] = k == AK_PID ? AK_COMM : AK_NONE;
	o.sort = ATTR_SORT_PAGES;
	o.ascending = 0;
	o.stack_sel = 1;
	o.stack = as->v.rows[i].stack;
	attr_view_init(&v);
	text_line(as, i, role_attr(ROLE_TITLE), "%*s%s", indent, "",
		  k == AK_PID ? _("top tasks (pid comm: pages, blocks)")
			      : _("top cgroups (memcg: pages, blocks)"));
	if (attrib_view(as->shown, &o, as->now, DETAIL_TOP, &v, &err) == 0) {
		for (size_t j = 0; j < v.nrows; j++) {
			const struct attr_row *r = &v.rows[j];
			const char *comm = k == AK_PID && j + 1 < v.nrows && v.rows[j + 1].level
					   ? v.rows[j + 1].label : "";

			if (r->level)
				continue;
			fmt_count(pages, sizeof(pages), (int64_t)r->pages);
			fmt_count(blocks, sizeof(blocks), (int64_t)r->blocks);
			text_line(as, i, A_NORMAL, "%*s  %s%s%s: %s, %s", indent, "", r->label,
				  *comm ? " " : "", comm, pages, blocks);
		}
	}
	attr_view_free(&v);
}

/* An expanded stack's lines: its frames, tasks and cgroups. */
static void stack_lines(struct attrib_screen *as, size_t i, int indent)
{
	const struct model *m = as->shown_m;
	const struct stack *st = model_stack(m, as->v.rows[i].stack);

	if (st)
		for (unsigned f = 0; f < st->nframes; f++)
			text_line(as, i, role_attr(ROLE_DIM), "%*s%s", indent, "",
				  model_frame(m, st->frames[f]));
	stack_top(as, i, AK_PID, indent);
	stack_top(as, i, AK_MEMCG, indent);
}

/* The lines of the view: its first-level rows, under an expanded one its rows of the
 * second key or, for a stack, the stack's lines. */
static void lines_build(struct attrib_screen *as)
{
	int under_stacks = second_key(as) == AK_STACK, open0 = 0;

	lines_clear(as);
	for (size_t i = 0; i < as->v.nrows; i++) {
		const struct attr_row *r = &as->v.rows[i];

		if (r->level == 0)
			open0 = row_open(as, i);
		else if (!open0)
			continue;
		line_push(as, LN_ROW, i, NULL, A_NORMAL);
		if (!row_open(as, i))
			continue;
		if (r->level == 0 && as->o.keys[0] == AK_STACK)
			stack_lines(as, i, 4);
		else if (r->level == 1 && under_stacks)
			stack_lines(as, i, 6);
	}
	if (as->sel >= as->nlines)
		as->sel = as->nlines ? as->nlines - 1 : 0;
}

static void rereader_one_close(struct rereader *rr)
{
	attrib_free(rr->one_a);
	model_free(rr->one_m);
	rr->one_a = NULL;
	rr->one_m = NULL;
	rr->one_shown = 0;
}

static void rereader_close(struct rereader *rr)
{
	rereader_one_close(rr);
	source_close(rr->one_src);
	rr->one_src = NULL;
	attrib_free(rr->a);
	model_free(rr->m);
	source_close(rr->src);
	rr->a = NULL;
	rr->m = NULL;
	rr->src = NULL;
	rr->nread = 0;
}

/* The source's warnings were said when the master read it. */
static void warning_again(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static struct model *rereader_model(const struct app *app)
{
	struct model *m = model_new();

	model_set_alloc_patterns(m, (const char *const *)app->settings.alloc,
				 app->settings.nalloc);
	return m;
}

/* A stack of sample k read alone (from) in the model read further (to): the same frames,
 * there since k or before. A stack forgotten and come back since has another id. */
struct one_map {
	const struct model *from, *to;
	uint32_t k;
	uint32_t *ids;              /* by from's id: to's id + 1; 0 not looked up yet,
				     * UINT32_MAX none */
};

static uint32_t one_map_id(void *ctx, uint32_t id)
{
	struct one_map *mp = ctx;
	const struct stack *st;
	const struct counter *c;

	if (!mp->ids[id]) {
		st = model_stack(mp->from, id);
		c = st ? model_same_row(mp->to, mp->from, GROUP_STACK, st, 0) : NULL;
		if (!c || c->first_seen > mp->k)
			mp->ids[id] = UINT32_MAX;
		else
			mp->ids[id] = ((const struct stack *)((const char *)c -
					offsetof(struct stack, s)))->id + 1;
	}
	return mp->ids[id] == UINT32_MAX ? UINT32_MAX : mp->ids[id] - 1;
}

/* Sample k (< rr->nread - 1) alone, its blocks moved onto rr->m: one sample read however
 * far back k is. 0, or -1 when it cannot be (a recording; a stack of k forgotten since). */
static int rereader_one(struct app *app, struct rereader *rr, long k)
{
	struct one_map mp;
	struct model *m;
	struct attrib *a;
	struct sink sink;
	struct pt_err err;
	enum src_status st;

	if (rr->one_a && rr->one_k == k && rr->one_nread == rr->nread)
		return 0;
	if (rr->one_never)
		return -1;
	if (!rr->one_src && source_open(&rr->one_src, (const char *const *)rr->paths,
					rr->npaths, &rr->so, &err) < 0) {
		rr->one_src = NULL;
		return -1;
	}
	if (source_seek(rr->one_src, (uint64_t)k) < 0) {
		rr->one_never = source_seek(rr->one_src, 0) < 0;
		return -1;
	}
	m = rereader_model(app);
	a = attrib_new(m);
	sink = model_sink(m);
	st = source_next(rr->one_src, &sink, -1, &err);
	if (st == SRC_SAMPLE)
		rr->reads++;
	mp.from = m;
	mp.to = rr->m;
	mp.k = (uint32_t)k;
	mp.ids = xcalloc(model_nstacks(m) + 1, sizeof(*mp.ids));
	if (st != SRC_SAMPLE || attrib_move(a, rr->m, one_map_id, &mp) < 0) {
		free(mp.ids);
		attrib_free(a);
		model_free(m);
		return -1;
	}
	free(mp.ids);
	rereader_one_close(rr);
	rr->one_m = m;
	rr->one_a = a;
	rr->one_k = k;
	rr->one_nread = rr->nread;
	return 0;
}

/* The source read again up to sample k (from the start when it is past it and k cannot
 * be read alone), its model set up as the master. 0, or -1 with err. */
static int rereader_read(struct app *app, struct rereader *rr, long k, struct pt_err *err)
{
	rr->one_shown = 0;
	if (rr->src && rr->nread > k + 1) {
		if (rereader_one(app, rr, k) == 0) {
			rr->one_shown = 1;
			return 0;
		}
		rereader_close(rr);
	}
	if (!rr->src) {
		if (source_open(&rr->src, (const char *const *)rr->paths, rr->npaths, &rr->so,
				err) < 0) {
			rr->src = NULL;
			return -1;
		}
		rr->m = rereader_model(app);
		rr->a = attrib_new(rr->m);
	}
	while (rr->nread < k + 1) {
		struct sink sink = model_sink(rr->m);
		enum src_status st = source_next(rr->src, &sink, -1, err);

		if (st == SRC_ERROR) {
			rereader_close(rr);
			return -1;
		}
		if (st == SRC_END) {
			pt_err_set(err, _("%s: sample %ld is not there any more"), rr->paths[0],
				   k + 1);
			rereader_close(rr);
			return -1;
		}
		if (st == SRC_SAMPLE) {
			rr->nread++;
			rr->reads++;
		}
	}
	return 0;
}

static int rereader_at(struct app *app, struct rereader *rr, long k, struct pt_err *err)
{
	void (*fn)(void *ctx, const char *msg);
	void *ctx;
	int rc;

	diag_get_thread_sink(&fn, &ctx);
	diag_set_thread_sink(warning_again, NULL);
	rc = rereader_read(app, rr, k, err);
	diag_set_thread_sink(fn, ctx);
	return rc;
}

/* The blocks of the sample shown: the master's, or those of the source read again for
 * an earlier one. 0, or -1 with err. */
static int blocks_shown(struct attrib_screen *as, struct pt_err *err)
{
	struct app *app = as->base.app;

	as->shown = as->a;
	as->shown_m = app->master;
	as->time_m = app->master;
	as->last_only = 0;
	if (app->model == app->master || (long)app->time.pos + 1 >= app->nread) {
		rereader_close(&as->rr);
		return 0;
	}
	if (!as->rr.paths) {
		as->last_only = 1;
		return 0;
	}
	if (rereader_at(app, &as->rr, (long)app->time.pos, err) < 0)
		return -1;
	as->shown = as->rr.one_shown ? as->rr.one_a : as->rr.a;
	as->shown_m = as->rr.m;
	as->time_m = as->rr.one_shown ? as->rr.one_m : as->rr.m;
	return 0;
}

/* The view again (a sample arrived, or keys, selection or sort changed). */
static void view_make(struct attrib_screen *as)
{
	struct app *app = as->base.app;
	struct attrib_opts o = as->o;
	struct pt_err err;

	as->err[0] = '\0';
	if (blocks_shown(as, &err) < 0) {
		attr_view_free(&as->v);
		attr_view_init(&as->v);
		as->ok = 0;
		snprintf(as->err, sizeof(as->err), "%s", err.msg);
		as->made_nread = app->nread;
		as->stale = 0;
		lines_build(as);
		return;
	}
	as->now = attr_clock_now(&as->clock, as->time_m);
	o.keys[1] = second_key(as);
	as->ok = attrib_view(as->shown, &o, as->now, 0, &as->v, &err) == 0;
	if (!as->ok)
		snprintf(as->err, sizeof(as->err), "%s", err.msg);
	else if (!attrib_nblocks(as->shown))
		snprintf(as->err, sizeof(as->err), "%s",
			 _("no blocks: these keys need the per-block page_owner dump (/sys/kernel/debug/page_owner, a saved copy or a recording that keeps its blocks), not allocinfo nor the stack interfaces"));
	as->made_nread = app->nread;
	as->stale = 0;
	lines_build(as);
}

static void view_refresh(struct attrib_screen *as)
{
	if (as->stale || as->made_nread != as->base.app->nread)
		view_make(as);
}

/* ---- drawing ---- */

static const char *sort_name(enum attr_sort s)
{
	switch (s) {
	case ATTR_SORT_PAGES: return "pages";
	case ATTR_SORT_BLOCKS: return "blocks";
	case ATTR_SORT_ORDER: return "order";
	case ATTR_SORT_KEY: return "key";
	}
	return "?";
}

/* The selection as --pid 1,2 --comm a --older-than 600s; "" when every block. */
static void selection_text(const struct attrib_opts *o, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->npids && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? "," : "pid ", o->pids[i]);
	for (size_t i = 0; i < o->ntgids && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? "," : " tgid ", o->tgids[i]);
	for (size_t i = 0; i < o->ncomms && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : " comm ", o->comms[i]);
	if (o->older_than >= 0 && len < n)
		snprintf(buf + len, n - len, " older than %gs", o->older_than);
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

/* Spaces before a title right-aligned in w columns. */
static int title_pad(const char *title, int w)
{
	int tw = text_width(title);

	return tw < w ? w - tw : 0;
}

/* The source's name in room columns: a long path keeps its end ("…ata/attrib/page_owner"),
 * none under 8 columns. */
static void name_fit(const char *name, int room, char *buf, size_t n)
{
	const char *ell = draw_glyph("…", "...");

	buf[0] = '\0';
	if (text_width(name) <= room) {
		snprintf(buf, n, "%s", name);
		return;
	}
	if (room < 8)
		return;
	while (*name && text_width(name) > room - text_width(ell))
		do
			name++;
		while ((*name & 0xC0) == 0x80);
	snprintf(buf, n, "%s%s", ell, name);
}

static void draw_header(struct attrib_screen *as)
{
	const struct app *app = as->base.app;
	const struct source_meta *mt = source_meta(app->src);
	char buf[1024], sel[512], pages[32], all[32], blocks[32], all_blocks[32];
	enum attr_key k2 = second_key(as);
	struct pen p;

	snprintf(buf, sizeof(buf), _("pagetop %s blocks by %s%s%s, sorted by %s%s"),
		 draw_glyph("—", "-"), attr_key_name(as->o.keys[0]), k2 ? " > " : "",
		 k2 ? attr_key_name(k2) : "", sort_name(as->o.sort), as->o.ascending ? " (asc)" : "");
	/* the title first: the source's name in what it leaves */
	name_fit(mt && mt->name ? mt->name : "", COLS - text_width(buf) - 2, sel, sizeof(sel));
	draw_left_right(0, buf, A_BOLD, sel, A_NORMAL);
	fmt_count(pages, sizeof(pages), (int64_t)as->v.pages);
	fmt_count(all, sizeof(all), (int64_t)as->v.all_pages);
	fmt_count(blocks, sizeof(blocks), (int64_t)as->v.blocks);
	fmt_count(all_blocks, sizeof(all_blocks), (int64_t)as->v.all_blocks);
	snprintf(buf, sizeof(buf), _("%s of %s pages in %s of %s blocks, %zu groups"), pages, all,
		 blocks, all_blocks, as->v.ngroups);
	/* a series: the sample whose blocks these are */
	sel[0] = '\0';
	if (app->series)
		status_sample_text(app, sel, sizeof(sel));
	draw_left_right(1, buf, A_NORMAL, sel, A_NORMAL);
	selection_text(&as->o, sel, sizeof(sel));
	snprintf(buf, sizeof(buf), _("selected: %s"), *sel ? sel : _("every block"));
	if (as->now >= 0)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), _("  (read at %.1f s since boot)"),
			 as->now);
	/* standard input is read once: an earlier sample has only the last one's blocks */
	if (as->last_only)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s",
			 _("  blocks of the last sample read"));
	p = PEN_AT(2, 0);
	pen_put(&p, buf, A_NORMAL);
	/* widths on the screen: a translated title may hold letters of two bytes */
	snprintf(buf, sizeof(buf), "%*s%s %*s%s %*s%s %*s%s  %s",
		 title_pad(_("PAGES"), 10), "", _("PAGES"), title_pad(_("BLOCKS"), 8), "",
		 _("BLOCKS"), title_pad(_("AVG_ORDER"), 9), "", _("AVG_ORDER"),
		 title_pad(_("SHARE"), 6), "", _("SHARE"), attr_key_name(as->o.keys[0]));
	for (char *c = buf + strlen(buf) - strlen(attr_key_name(as->o.keys[0])); *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	p = PEN_AT(3, 0);
	pen_put(&p, buf, role_attr(ROLE_TITLE));
	pen_pad(&p, COLS, role_attr(ROLE_TITLE));
}

static int body_height(void)
{
	int h = LINES - TUI_HEADER_LINES - draw_bottom_lines();

	return h > 0 ? h : 0;
}

static void draw_row(struct attrib_screen *as, size_t i, struct pen *p, attr_t a)
{
	const struct attr_row *r = &as->v.rows[i];
	char buf[160], pages[32], blocks[32];
	int expandable = (r->level == 0 && (second_key(as) || as->o.keys[0] == AK_STACK)) ||
			 (r->level == 1 && second_key(as) == AK_STACK);
	double share = as->v.pages ? 100.0 * (double)r->pages / (double)as->v.pages : 0;

	fmt_count(pages, sizeof(pages), (int64_t)r->pages);
	fmt_count(blocks, sizeof(blocks), (int64_t)r->blocks);
	snprintf(buf, sizeof(buf), "%10s %8s %9.2f %5.1f%%  %*s%s", pages, blocks,
		 r->blocks ? (double)r->order_sum / (double)r->blocks : 0.0, share,
		 2 * r->level, "",
		 !expandable ? "  " : row_open(as, i) ? draw_glyph("▾ ", "v ")
							: draw_glyph("▸ ", "> "));
	pen_put(p, buf, a);
	pen_put(p, r->label, a);
}

static void attrib_draw(struct screen *s)
{
	struct attrib_screen *as = ATTRIB(s);
	int h = body_height();

	view_refresh(as);
	draw_header(as);
	if (as->sel < as->top)
		as->top = as->sel;
	if (h && as->sel >= as->top + (size_t)h)
		as->top = as->sel - (size_t)h + 1;
	if (*as->err) {
		struct lines l = { 0 };

		lines_wrap(&l, role_attr(ROLE_ERROR), 0, as->err, COLS - 1);
		for (size_t y = 0; y < l.n && (int)y < h; y++) {
			struct pen p = PEN_AT(TUI_HEADER_LINES + (int)y, 0);

			pen_put(&p, l.v[y].text, l.v[y].attr);
		}
		lines_free(&l);
		return;
	}
	for (int y = 0; y < h && as->top + (size_t)y < as->nlines; y++) {
		size_t l = as->top + (size_t)y;
		const struct aline *ln = &as->lines[l];
		attr_t a = l == as->sel ? A_REVERSE : ln->attr;
		struct pen p = PEN_AT(TUI_HEADER_LINES + y, 0);

		if (ln->kind == LN_ROW)
			draw_row(as, ln->row, &p, a);
		else
			pen_put(&p, ln->text, a);
		if (l == as->sel)
			pen_pad(&p, COLS, a);
	}
}

/* ---- keys ---- */

static void toggle(struct attrib_screen *as, size_t row, int want)
{
	char *path = row_path(as, row);
	int k = path_open(as, path);

	if (want && k < 0) {
		as->open = xreallocarray(as->open, as->nopen + 1, sizeof(*as->open));
		as->open[as->nopen++] = path;
		path = NULL;
	} else if (!want && k >= 0) {
		free(as->open[k]);
		as->open[k] = as->open[--as->nopen];
	}
	free(path);
	lines_build(as);
}

/* <- / Esc: the row's own lines close, else its parent's (the cursor goes there). 0
 * when there is nothing to close. */
static int collapse(struct attrib_screen *as)
{
	const struct aline *ln;
	size_t row;

	if (!as->nlines)
		return 0;
	ln = &as->lines[as->sel];
	row = ln->row;
	if (ln->kind == LN_ROW && row_open(as, row)) {
		toggle(as, row, 0);
		return 1;
	}
	if (ln->kind == LN_ROW) {
		if (as->v.rows[row].level == 0)
			return 0;
		while (row > 0 && as->v.rows[row].level)
			row--;
	}
	for (size_t l = 0; l < as->nlines; l++)
		if (as->lines[l].kind == LN_ROW && as->lines[l].row == row)
			as->sel = l;
	toggle(as, row, 0);
	return 1;
}

static void expand(struct attrib_screen *as)
{
	const struct aline *ln;
	const struct attr_row *r;

	if (!as->nlines || as->lines[as->sel].kind != LN_ROW)
		return;
	ln = &as->lines[as->sel];
	r = &as->v.rows[ln->row];
	if ((r->level == 0 && (second_key(as) || as->o.keys[0] == AK_STACK)) ||
	    (r->level == 1 && second_key(as) == AK_STACK))
		toggle(as, ln->row, !row_open(as, ln->row));
}

/* e: every first-level row opens into its second key's rows. Not stacks: each one's
 * tasks and cgroups cost a pass over every block. */
static void expand_all(struct attrib_screen *as)
{
	for (size_t i = 0; i < as->v.nrows; i++) {
		char *path;

		if (as->v.rows[i].level || !second_key(as))
			continue;
		path = row_path(as, i);
		if (path_open(as, path) < 0) {
			as->open = xreallocarray(as->open, as->nopen + 1, sizeof(*as->open));
			as->open[as->nopen++] = path;
		} else {
			free(path);
		}
	}
	lines_build(as);
}

static void cursor_move(struct attrib_screen *as, long by)
{
	long n = (long)as->nlines, to = (long)as->sel + by;

	if (to >= n)
		to = n - 1;
	if (to < 0)
		to = 0;
	as->sel = (size_t)to;
}

static unsigned keys_changed(struct attrib_screen *as, const char *what)
{
	open_clear(as);
	as->sel = as->top = 0;
	as->stale = 1;
	if (what)
		status_message(as->base.app, 0, "%s", what);
	return ACTION_REDRAW;
}

/* g: the next first key; past the last (or from caller), back to the list's stacks. */
static unsigned group_next(struct attrib_screen *as)
{
	struct app *app = as->base.app;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(first_keys) && first_keys[i] != as->o.keys[0]; i++)
		;
	if (i + 1 >= ARRAY_SIZE(first_keys)) {
		app->settings.view.group = GROUP_STACK;
		app->home = SCREEN_LIST;
		app_show(app, SCREEN_LIST);
		status_message(app, 0, _("grouped by %s"), group_name(GROUP_STACK));
		return ACTION_REBUILD_VIEW;
	}
	as->o.keys[0] = first_keys[i + 1];
	status_message(app, 0, _("grouped by %s"), attr_key_name(as->o.keys[0]));
	return keys_changed(as, NULL);
}

/* x: what a group expands into: stacks, caller, then the keys but the first. */
static unsigned group_second(struct attrib_screen *as)
{
	enum attr_key k = second_key(as);

	if (as->o.keys[0] == AK_STACK) {
		status_message(as->base.app, 1, "%s",
			       _("a stack expands into its frames, tasks and cgroups: g groups by another key first"));
		return ACTION_REDRAW;
	}
	do
		k = (enum attr_key)(k + 1 >= AK__N ? AK_STACK : k + 1);
	while (k == as->o.keys[0]);
	as->o.keys[1] = k;
	status_message(as->base.app, 0, _("groups expand into %s"), attr_key_name(k));
	return keys_changed(as, NULL);
}

static unsigned sort_cycle(struct attrib_screen *as, int by)
{
	static const enum attr_sort order[] = { ATTR_SORT_PAGES, ATTR_SORT_BLOCKS,
						ATTR_SORT_ORDER, ATTR_SORT_KEY };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order) && order[i] != as->o.sort; i++)
		;
	i = (i + ARRAY_SIZE(order) + (size_t)(by + (int)ARRAY_SIZE(order))) % ARRAY_SIZE(order);
	as->o.sort = order[i];
	as->o.ascending = as->o.sort == ATTR_SORT_KEY;
	status_message(as->base.app, 0, _("sorted by %s"), sort_name(as->o.sort));
	as->stale = 1;
	return ACTION_REDRAW;
}

/* ---- the selection prompt (f) ---- */

/* "pid=1,2 tgid=3 comm=a,b older=10m": the selection, or -1 with err. */
static int selection_parse(struct attrib_opts *o, const char *text, struct pt_err *err)
{
	char *copy = xstrdup(text), *save = NULL;
	int rc = 0;

	for (char *w = strtok_r(copy, " ", &save); w && rc == 0; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		if (!eq) {
			pt_err_set(err, _("'%s': expected pid=1,2 tgid=3 comm=NAME,NAME older=10m"), w);
			rc = -1;
			break;
		}
		*eq++ = '\0';
		if (strcmp(w, "pid") == 0)
			rc = attr_parse_ids("pid", eq, o->pids, &o->npids, err);
		else if (strcmp(w, "tgid") == 0)
			rc = attr_parse_ids("tgid", eq, o->tgids, &o->ntgids, err);
		else if (strcmp(w, "comm") == 0)
			rc = attr_parse_comms(o, eq, err);
		else if (strcmp(w, "older") == 0 && attr_parse_duration(eq, &o->older_than) < 0) {
			pt_err_set(err, _("older=%s: expected a time as 90s, 10m, 2h or 1d"), eq);
			rc = -1;
		} else if (strcmp(w, "older") != 0) {
			pt_err_set(err, _("'%s': expected pid=1,2 tgid=3 comm=NAME,NAME older=10m"), w);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* The selection of o dropped (its keys and sort stay). */
static void selection_clear(struct attrib_opts *o)
{
	attrib_opts_free(o);
	o->npids = o->ntgids = o->ncomms = 0;
	o->older_than = -1;
}

static unsigned select_accept(struct app *app, const char *text)
{
	struct attrib_screen *as = ATTRIB(app->screens[SCREEN_ATTRIB]);
	struct attrib_opts o = as->o;
	struct pt_err err;

	o.comm_buf = NULL;
	selection_clear(&o);
	if (selection_parse(&o, text, &err) < 0) {
		status_message(app, 1, "%s", err.msg);
		attrib_opts_free(&o);
		return ACTION_REDRAW;
	}
	attrib_opts_free(&as->o);
	as->o = o;
	return keys_changed(as, *text ? NULL : _("every block"));
}

static const struct prompt_ops select_prompt = {
	.label = N_("Select (pid=1,2 tgid=3 comm=NAME older=10m; empty: all): "),
	.accept = select_accept,
};

static unsigned attrib_key(struct screen *s, enum action a, int key)
{
	struct attrib_screen *as = ATTRIB(s);
	long page = body_height() > 1 ? body_height() - 1 : 1;

	view_refresh(as);
	if (key == 27) /* Esc */
		a = ACT_COLLAPSE;
	switch (a) {
	case ACT_UP: cursor_move(as, -1); break;
	case ACT_DOWN: cursor_move(as, 1); break;
	case ACT_PAGE_UP: cursor_move(as, -page); break;
	case ACT_PAGE_DOWN: cursor_move(as, page); break;
	case ACT_FIRST: cursor_move(as, -(long)as->nlines); break;
	case ACT_LAST: cursor_move(as, (long)as->nlines); break;
	case ACT_EXPAND: expand(as); break;
	case ACT_COLLAPSE:
		if (!collapse(as) && key == 27) { /* nothing open: back to the stacks */
			s->app->home = SCREEN_LIST;
			app_show(s->app, SCREEN_LIST);
		}
		break;
	case ACT_EXPAND_ALL: expand_all(as); break;
	case ACT_COLLAPSE_ALL: open_clear(as); lines_build(as); break;
	case ACT_GROUP: return group_next(as);
	case ACT_GROUP_SECOND: return group_second(as);
	case ACT_SORT_NEXT: case ACT_SORT_PICK: return sort_cycle(as, 1);
	case ACT_SORT_PREV: return sort_cycle(as, -1);
	case ACT_SORT_REVERSE:
		as->o.ascending = !as->o.ascending;
		as->stale = 1;
		break;
	case ACT_FILTER:
		prompt_start(&s->app->prompt, &select_prompt, NULL);
		break;
	case ACT_FILTER_CLEAR:
		selection_clear(&as->o);
		return keys_changed(as, _("every block"));
	default:
		return ACTION_PASS;
	}
	return ACTION_REDRAW;
}

static void attrib_update(struct screen *s, unsigned what)
{
	if (what & (UPDATE_VIEW | UPDATE_MODEL))
		ATTRIB(s)->stale = 1;
}

static void attrib_open(struct screen *s)
{
	s->app->home = SCREEN_ATTRIB;
	ATTRIB(s)->stale = 1;
}

/* ---- the screen's life ---- */

static struct screen *attrib_create(void)
{
	struct attrib_screen *as = xcalloc(1, sizeof(*as));

	attrib_opts_init(&as->o);
	as->o.keys[0] = AK_PID;
	as->clock.now = as->clock.boot = -1;
	attr_view_init(&as->v);
	return &as->base;
}

static void attrib_destroy(struct screen *s)
{
	struct attrib_screen *as = ATTRIB(s);

	attrib_free(as->a);
	rereader_close(&as->rr);
	for (int i = 0; i < as->rr.npaths; i++)
		free(as->rr.paths[i]);
	free(as->rr.paths);
	attr_view_free(&as->v);
	lines_clear(as);
	free(as->lines);
	open_clear(as);
	free(as->open);
	attrib_opts_free(&as->o);
	free(as);
}

/* The paths to read again: none for the live kernel and standard input. */
static void rereader_init(struct rereader *rr, const struct tui_opts *to)
{
	if (!to->npaths || !to->source_opts)
		return;
	for (int i = 0; i < to->npaths; i++)
		if (strcmp(to->paths[i], "-") == 0)
			return;
	rr->paths = xreallocarray(NULL, (size_t)to->npaths, sizeof(*rr->paths));
	for (int i = 0; i < to->npaths; i++)
		rr->paths[i] = xstrdup(to->paths[i]);
	rr->npaths = to->npaths;
	rr->so = *to->source_opts;
}

void attrib_screen_start(struct app *app, const struct tui_opts *to)
{
	struct attrib_screen *as = ATTRIB(app->screens[SCREEN_ATTRIB]);
	const struct attrib_opts *o = to->attrib;
	struct pt_err err;

	as->a = attrib_new(app->master);
	as->shown = as->a;
	as->shown_m = app->master;
	as->time_m = app->master;
	if (app->series)
		rereader_init(&as->rr, to);
	if (o)
		as->clock = to->attr_clock;
	if (!o)
		return;
	as->o = *o;
	as->o.comm_buf = NULL;
	as->o.ncomms = 0;
	for (size_t i = 0; i < o->ncomms; i++) /* its own copy of the names */
		if (attr_parse_comms(&as->o, o->comms[i], &err) < 0)
			break;
	if (!as->o.keys[0])
		as->o.keys[0] = AK_STACK;
	if (attrib_opts_active(o)) {
		app->screen = app->screens[SCREEN_ATTRIB];
		app->home = SCREEN_ATTRIB;
	}
}

long attrib_screen_reads(const struct app *app)
{
	return ATTRIB(app->screens[SCREEN_ATTRIB])->rr.reads;
}

int attrib_screen_usable(const struct app *app)
{
	const struct attrib_screen *as = ATTRIB(app->screens[SCREEN_ATTRIB]);

	return as->a && attrib_nblocks(as->a) > 0;
}

void attrib_screen_show(struct app *app, enum attr_key k)
{
	struct attrib_screen *as = ATTRIB(app->screens[SCREEN_ATTRIB]);

	as->o.keys[0] = k;
	keys_changed(as, NULL);
	app_show(app, SCREEN_ATTRIB);
	status_message(app, 0, _("grouped by %s"), attr_key_name(k));
}

const struct screen_ops attrib_screen_ops = {
	.name = "blocks",
	.create = attrib_create,
	.destroy = attrib_destroy,
	.open = attrib_open,
	.draw = attrib_draw,
	.key = attrib_key,
	.update = attrib_update,
};
