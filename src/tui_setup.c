/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_setup.c - the setup screen (F2, htop's): the sort column and its direction, the
 * grouping, the call tree, which columns the list shows and in what order (htop's F7 and
 * F8 move one), colours and the function-key bar. A change
 * applies at once; W saves them with the rest of the settings. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "tui_app.h"
#include "tui_columns.h"

/* The lines that can be chosen: these, then one per column but the label. */
enum item { IT_SORT, IT_DIRECTION, IT_GROUP, IT_TREE, IT_COLORS, IT_BAR, IT_COLUMNS };
#define NITEMS (IT_COLUMNS + COL_LABEL)

struct setup_screen {
	struct screen base;
	int cur;
};

#define SETUP(s) ((struct setup_screen *)(s))

static const char *on_off(int on)
{
	return on ? _("on") : _("off");
}

/* "Sort by          ◂ PAGES ▸" and the like. */
static void item_text(const struct app *app, int i, char *buf, size_t n)
{
	const struct tui_settings *s = &app->settings;
	const char *l = draw_glyph("◂", "<"), *r = draw_glyph("▸", ">");

	switch (i) {
	case IT_SORT:
		snprintf(buf, n, "%-22s %s %s %s", _("Sort by"), l,
			 col_title((enum col)col_of_key(s->view.key), app->model, s->view.group), r);
		break;
	case IT_DIRECTION:
		snprintf(buf, n, "%-22s %s %s %s", _("Order"), l,
			 s->view.ascending ? _("ascending") : _("descending"), r);
		break;
	case IT_GROUP:
		snprintf(buf, n, "%-22s %s %s %s", _("Group by"), l, group_name(s->view.group), r);
		break;
	case IT_TREE:
		snprintf(buf, n, "%-22s %s %s %s", _("Tree"), l, tree_mode_name(s->tree), r);
		break;
	case IT_COLORS:
		snprintf(buf, n, "%-22s %s %s %s", _("Colours"), l, on_off(s->colors), r);
		break;
	case IT_BAR:
		snprintf(buf, n, "%-22s %s %s %s", _("Function-key bar"), l, on_off(s->function_bar), r);
		break;
	default: {
		enum col c = (enum col)s->columns.order[i - IT_COLUMNS];

		snprintf(buf, n, "  [%c] %s%s", s->columns.mask & (1u << c) ? 'x' : ' ',
			 col_title(c, app->model, s->view.group),
			 col_of_source(c, app->model) ? "" : _(" (allocinfo only)"));
		break;
	}
	}
}

static void setup_draw(struct screen *scr)
{
	struct app *app = scr->app;
	struct pen p = PEN_AT(0, 0);
	char buf[256];
	int y = 2;

	snprintf(buf, sizeof(buf), _("pagetop %s setup: Up/Down choose, Space or Left/Right change, [ ] or F7 F8 move a column, W saves, Esc closes"),
		 draw_glyph("—", "-"));
	pen_put(&p, buf, A_BOLD);
	for (int i = 0; i < NITEMS && y < LINES - draw_bottom_lines(); i++, y++) {
		attr_t a = i == SETUP(scr)->cur ? A_REVERSE : A_NORMAL;

		if (i == IT_COLUMNS) {
			p = PEN_AT(y++, 0);
			pen_put(&p, _("Columns (the label is always shown):"), A_BOLD);
			if (y >= LINES - draw_bottom_lines())
				break;
		}
		item_text(app, i, buf, sizeof(buf));
		p = PEN_AT(y, 2);
		pen_put(&p, buf, a);
	}
}

/* One step of the chosen item's value (dir -1 or 1). */
static unsigned change(struct app *app, int i, int dir)
{
	struct tui_settings *s = &app->settings;

	switch (i) {
	case IT_SORT:
		sort_set(&s->view, sort_step(&s->view, col_of_source(COL_CALLS, app->model), dir));
		return ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION | ACTION_REDRAW;
	case IT_DIRECTION:
		s->view.ascending = !s->view.ascending;
		return ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION | ACTION_REDRAW;
	case IT_GROUP:
		s->view.group = (enum group_mode)((s->view.group + GROUP__N + dir) % GROUP__N);
		return ACTION_REBUILD_VIEW | ACTION_REDRAW;
	case IT_TREE:
		s->tree = (enum tree_mode)((s->tree + TREE__N + dir) % TREE__N);
		return ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION | ACTION_REDRAW;
	case IT_COLORS:
		s->colors = !s->colors;
		app->color = draw_set_color(s->colors && app->color_allowed);
		return ACTION_REDRAW_ALL;
	case IT_BAR:
		s->function_bar = !s->function_bar;
		return ACTION_REDRAW_ALL;
	default:
		s->columns.mask ^= 1u << s->columns.order[i - IT_COLUMNS];
		return ACTION_REDRAW;
	}
}

/* Moves the chosen column up (dir -1) or down the order, the cursor with it. */
static unsigned move_column(struct setup_screen *st, int dir)
{
	struct settings_columns *c = &st->base.app->settings.columns;

	if (st->cur < IT_COLUMNS ||
	    !settings_columns_move(c, (unsigned)(st->cur - IT_COLUMNS), dir))
		return ACTION_DONE;
	st->cur += dir;
	return ACTION_REDRAW;
}

static unsigned setup_key(struct screen *scr, enum action a, int key)
{
	struct setup_screen *st = SETUP(scr);

	if (key == 27 || a == ACT_QUIT || a == ACT_SETUP) {
		app_show(scr->app, scr->app->home);
		return ACTION_REDRAW;
	}
	if (key == ' ')
		return change(scr->app, st->cur, 1);
	/* htop's: F7 and F8 move a column; [ and ] too */
	if (key == '[' || key == (TK_FN | KEY_F(7)))
		return move_column(st, -1);
	if (key == ']' || key == (TK_FN | KEY_F(8)))
		return move_column(st, 1);
	switch (a) {
	case ACT_UP:
		st->cur = st->cur > 0 ? st->cur - 1 : 0;
		return ACTION_REDRAW;
	case ACT_DOWN:
		st->cur = st->cur + 1 < NITEMS ? st->cur + 1 : NITEMS - 1;
		return ACTION_REDRAW;
	case ACT_FIRST:
		st->cur = 0;
		return ACTION_REDRAW;
	case ACT_LAST:
		st->cur = NITEMS - 1;
		return ACTION_REDRAW;
	case ACT_EXPAND:
		return change(scr->app, st->cur, 1);
	case ACT_COLLAPSE:
		return change(scr->app, st->cur, -1);
	case ACT_SAVE_CONFIG:
	case ACT_REDRAW:
	case ACT_HELP:
		return ACTION_PASS;
	default:
		return ACTION_DONE;
	}
}

static struct screen *setup_create(void)
{
	struct setup_screen *s = xcalloc(1, sizeof(*s));

	return &s->base;
}

static void setup_destroy(struct screen *s)
{
	free(s);
}

const struct screen_ops setup_screen_ops = {
	.name = "setup",
	.create = setup_create,
	.destroy = setup_destroy,
	.draw = setup_draw,
	.key = setup_key,
};
