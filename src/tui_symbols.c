/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_symbols.c - the symbols screen (S): per object of the frames its debug info, the
 * pages of its stacks, and how to get what is missing. A pager over the report, which
 * is built again when answers arrive or another sample is shown. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols_report.h"
#include "tui_pager.h"

struct symbols_screen {
	struct pager pager;
	struct sym_report report;
	int report_stale;             /* answers arrived */
	const struct model *report_model; /* what the report was built from */
	uint32_t report_pos;
	long report_nread;
};

#define SYMBOLS(s) ((struct symbols_screen *)(s))

static const char *sym_state_text(enum sym_obj_state st)
{
	switch (st) {
	case SOBJ_UNUSED: return _("pending");
	case SOBJ_OK: return _("ok");
	case SOBJ_UNCHECKED: return _("ok, unverified");
	case SOBJ_MISSING: return _("no debug info");
	case SOBJ_MISMATCH: return _("build id mismatch");
	case SOBJ_NO_DWARF: return _("stripped, no DWARF");
	case SOBJ_BAD: return _("unreadable");
	}
	return "?";
}

/* The report again when answers arrived or another sample is shown. */
static void report_refresh(struct symbols_screen *panel)
{
	const struct app *app = panel->pager.base.app;

	if (!app->sym)
		return;
	if (!panel->report_stale && panel->report_model == app->model &&
	    panel->report_pos == app->time.pos && panel->report_nread == app->nread)
		return;
	symbols_report_free(&panel->report);
	symbols_report_build(app->sym, app->model, 0, &panel->report);
	panel->report_stale = 0;
	panel->report_model = app->model;
	panel->report_pos = app->time.pos;
	panel->report_nread = app->nread;
}

static void no_symbols_lines(struct lines *l, int width)
{
	lines_wrap(l, role_attr(ROLE_ERROR), 0,
		   _("Source lines are off (--no-symbols): frames show as the kernel printed them."),
		   width);
	lines_add(l, A_NORMAL, "");
	lines_wrap(l, A_NORMAL, 0,
		   _("Without --no-symbols, pagetop reads the debug info of vmlinux and of the modules when a row is expanded; pagetop --check-symbols SOURCE tells which objects have none and how to get it."),
		   width);
}

/* Object i of the report: its line, where its file is or why it has none, and how to
 * get it (said once for objects that share the advice). */
static void object_lines(const struct sym_report *r, size_t i, struct lines *l, int width)
{
	const struct sym_report_obj *o = &r->v[i];
	int bad = o->obj.state != SOBJ_OK && o->obj.state != SOBJ_UNCHECKED &&
		  o->obj.state != SOBJ_UNUSED;
	char buf[1024], pages[32];
	size_t k;

	fmt_count(pages, sizeof(pages), o->pages);
	snprintf(buf, sizeof(buf), "%-16s %-20s %12s %8llu", o->obj.name,
		 sym_state_text(o->obj.state), pages, (unsigned long long)o->stacks);
	lines_add(l, bad ? role_attr(ROLE_ERROR) : A_BOLD, buf);
	if (o->obj.state == SOBJ_UNUSED) {
		lines_wrap(l, A_NORMAL, 4, _("not looked at yet: its frames wait for an answer"),
			   width);
	} else {
		if (*o->obj.path && !bad) {
			snprintf(buf, sizeof(buf), _("file: %s"), o->obj.path);
			lines_wrap(l, A_NORMAL, 4, buf, width);
		}
		if (*o->obj.reason)
			lines_wrap(l, A_NORMAL, 4, o->obj.reason, width);
	}
	if (!*o->advice)
		return;
	/* modules mostly share one advice: say it once */
	for (k = 0; k < i && strcmp(r->v[k].advice, o->advice) != 0; k++)
		;
	if (k < i) {
		snprintf(buf, sizeof(buf), _("how to get it: as for %s, above"), r->v[k].obj.name);
		lines_wrap(l, A_NORMAL, 4, buf, width);
	} else {
		lines_wrap(l, role_attr(ROLE_STATE), 4, o->advice, width);
	}
}

static void report_lines(const struct sym_report *r, struct lines *l, int width)
{
	char buf[1024], pages[32];

	fmt_count(pages, sizeof(pages), r->total_pages);
	snprintf(buf, sizeof(buf),
		 _("%zu objects in the frames of the stacks (%s pages in all); %llu of %llu frames looked up have source lines."),
		 r->n, pages, (unsigned long long)r->resolved, (unsigned long long)r->frames);
	lines_wrap(l, A_NORMAL, 0, buf, width);
	lines_add(l, A_NORMAL, "");
	if (!r->n) {
		lines_add(l, A_NORMAL, _("No frame names an object yet."));
	} else {
		snprintf(buf, sizeof(buf), "%-16s %-20s %12s %8s", _("OBJECT"), _("STATUS"),
			 _("PAGES"), _("STACKS"));
		lines_add(l, role_attr(ROLE_TITLE), buf);
	}
	for (size_t i = 0; i < r->n; i++)
		object_lines(r, i, l, width);
	if (r->raw_stacks) {
		lines_add(l, A_NORMAL, "");
		fmt_count(pages, sizeof(pages), r->raw_pages);
		snprintf(buf, sizeof(buf),
			 _("%llu stacks (%s pages) have bare addresses: the kernel could not name those frames when it printed them (unloaded modules); they stay raw."),
			 (unsigned long long)r->raw_stacks, pages);
		lines_wrap(l, A_NORMAL, 0, buf, width);
	}
}

static void symbols_draw(struct screen *s)
{
	struct symbols_screen *panel = SYMBOLS(s);
	struct lines l = { 0 };
	char title[512];

	report_refresh(panel);
	snprintf(title, sizeof(title), _("pagetop %s %s debug info for source lines (any other key closes)"),
		 PACKAGE_VERSION, draw_glyph("—", "-"));
	if (s->app->sym)
		report_lines(&panel->report, &l, COLS - 1);
	else
		no_symbols_lines(&l, COLS - 1);
	pager_draw(&panel->pager, title, &l);
	lines_free(&l);
}

static void symbols_open(struct screen *s)
{
	SYMBOLS(s)->pager.top = 0;
	SYMBOLS(s)->report_stale = 1;
}

static void symbols_update(struct screen *s, unsigned what)
{
	if (what & UPDATE_SYMBOLS)
		SYMBOLS(s)->report_stale = 1;
}

static struct screen *symbols_create(void)
{
	struct symbols_screen *panel = xcalloc(1, sizeof(*panel));

	return &panel->pager.base;
}

static void symbols_destroy(struct screen *s)
{
	symbols_report_free(&SYMBOLS(s)->report);
	free(s);
}

const struct screen_ops symbols_screen_ops = {
	.name = "symbols",
	.create = symbols_create,
	.destroy = symbols_destroy,
	.open = symbols_open,
	.draw = symbols_draw,
	.key = pager_key,
	.mouse = pager_mouse,
	.update = symbols_update,
};
