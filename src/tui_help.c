/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_help.c - the help screen: every action with its keys as bound now (from
 * tui_actions.def and the key map), a few lines on the columns, the mouse and the
 * config file. A pager. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_pager.h"

static const char *const help_extra[] = {
	"",
	N_("Columns: PAGES held now, SIZE in bytes, Δ since the previous sample, Δ/s per second,"),
	N_("ΔBASE since the baseline, TREND the last samples, SCORE leak suspicion (0-1), PEAK,"),
	N_("FIRST first seen; the last column is the row's label: caller, function or module."),
	N_("Mouse: click selects, double-click expands, the wheel scrolls, a click on a title sorts."),
	N_("Config: 'set NAME = VALUE' (sort, group, threshold, interval, columns, alloc-patterns, function-bar, colors)"),
	N_("and 'bind KEY ACTION' lines (action names show 100 columns wide); W saves settings."),
};

/* Lines in all: the actions and their sections, the extra lines, the config file. */
static int help_count(void)
{
	const struct help_entry *h;

	return (int)help_entries(&h) + (int)ARRAY_SIZE(help_extra) + 1;
}

/* An extra line; in ASCII the Δ lines read fine with a D. */
static void extra_line(struct lines *l, const char *e)
{
	char buf[512];

	if (*e && !draw_utf8()) {
		snprintf(buf, sizeof(buf), "%s", _(e));
		for (char *d = strstr(buf, "Δ"); d; d = strstr(buf, "Δ")) {
			*d = 'D';
			memmove(d + 1, d + 2, strlen(d + 2) + 1);
		}
		lines_add(l, A_NORMAL, buf);
	} else {
		lines_add(l, A_NORMAL, *e ? _(e) : "");
	}
}

static void help_lines(const struct app *app, struct lines *l)
{
	const struct help_entry *h;
	size_t n = help_entries(&h);
	char buf[512], keys[128];

	for (size_t i = 0; i < n; i++) {
		if (h[i].section) {
			lines_add(l, A_BOLD | A_UNDERLINE, _(h[i].section));
			continue;
		}
		keymap_keys(&app->settings.keys, h[i].a, keys, sizeof(keys));
		if (COLS >= 100)
			snprintf(buf, sizeof(buf), "  %-16s %-18s %s", keys, action_name(h[i].a),
				 action_help(h[i].a));
		else
			snprintf(buf, sizeof(buf), "  %-16s %s", keys, action_help(h[i].a));
		lines_add(l, A_NORMAL, buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(help_extra); i++)
		extra_line(l, help_extra[i]);
	snprintf(buf, sizeof(buf), _("Config file: %s"), app->settings.path ? app->settings.path : _("(none)"));
	lines_add(l, A_NORMAL, buf);
}

static void help_draw(struct screen *s)
{
	struct lines l = { 0 };
	char title[512];

	snprintf(title, sizeof(title), _("pagetop %s %s keys (any other key closes this help)"),
		 PACKAGE_VERSION, draw_glyph("—", "-"));
	help_lines(s->app, &l);
	pager_draw(PAGER(s), title, &l);
	lines_free(&l);
}

static unsigned help_key(struct screen *s, enum action a, int key)
{
	PAGER(s)->nlines = help_count(); /* known before the first draw */
	return pager_key(s, a, key);
}

static void help_open(struct screen *s)
{
	PAGER(s)->top = 0;
}

static struct screen *help_create(void)
{
	struct pager *pager = xcalloc(1, sizeof(*pager));

	return &pager->base;
}

static void help_destroy(struct screen *s)
{
	free(s);
}

const struct screen_ops help_screen_ops = {
	.name = "help",
	.create = help_create,
	.destroy = help_destroy,
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.mouse = pager_mouse,
};
