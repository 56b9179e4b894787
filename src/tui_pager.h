/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_pager.h - what the help and the symbols screens share: lines of text under a
 * title, scrolled a line, a page, to the first or the last; any other key or a click
 * goes back to the list. A pager screen's state starts with struct pager; it makes its
 * lines for each draw (struct lines) and the pager shows them. */
#ifndef PAGETOP_TUI_PAGER_H
#define PAGETOP_TUI_PAGER_H

#include "tui_app.h"

/* Lines of text, each in one look. */
struct lines {
	struct line {
		char *text;
		attr_t attr;
	} *v;
	size_t n, cap;
};
void lines_add(struct lines *l, attr_t a, const char *text);
/* text in lines of at most width columns, each after indent blanks, cut at blanks (a
 * longer word gets a line of its own, clipped) */
void lines_wrap(struct lines *l, attr_t a, int indent, const char *text, int width);
void lines_free(struct lines *l);

struct pager {
	struct screen base;
	int top;        /* the first line shown */
	int nlines;     /* lines in all, as of the last draw unless the screen knows better */
};
#define PAGER(s) ((struct pager *)(s))

/* The title on the first line, the lines from top under it down to the status line. */
void pager_draw(struct pager *pg, const char *title, const struct lines *l);
/* Ops for a pager screen: the moving actions scroll (when the lines do not fit), any
 * other key or a click shows the list again. */
unsigned pager_key(struct screen *s, enum action a, int key);
unsigned pager_mouse(struct screen *s, const MEVENT *ev);

#endif
