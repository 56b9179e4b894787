/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_draw.h - the UI's drawing primitives, below every screen: pens that put text on a
 * line of the screen clipped to its width, the look of each role (a colour, or an
 * attribute on a terminal without colours), text widths, numbers fitted to a cell, the
 * sparkline, and the screen read back as text (the headless tests compare it).
 *
 * Nothing here knows the UI's state. Curses is one screen for the whole process, and so
 * is what the terminal can do: draw_start() learns it once, when the screen opens. */
#ifndef PAGETOP_TUI_DRAW_H
#define PAGETOP_TUI_DRAW_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum role {
	ROLE_NORMAL, ROLE_WARM, ROLE_COOL, ROLE_TITLE, ROLE_ERROR, ROLE_MATCH, ROLE_STATE,
	ROLE_DIM, ROLE_BOLD,
};

/* After newterm(): UTF-8 text or plain ASCII, colours when wanted and the terminal has
 * them. Returns 1 when colours are on. */
int draw_start(int utf8, int want_color);
int draw_utf8(void);
/* Colours on (when the terminal has them: they are started the first time) or off;
 * returns whether they are on. */
int draw_set_color(int want);
/* Lines under the screens: the status line, and the function-key bar when shown. */
void draw_set_bottom_lines(int n);
int draw_bottom_lines(void);
/* The UTF-8 text in a UTF-8 locale, else its ASCII stand-in ("▾ " or "v "). */
const char *draw_glyph(const char *utf8, const char *ascii);
attr_t role_attr(enum role r);

/* Where text goes: line y from column x, never at or past column xmax. */
struct pen {
	int y, x, xmax;
};
#define PEN_AT(y, x) ((struct pen){ (y), (x), COLS })

/* Columns s takes on the screen. */
int text_width(const char *s);
/* Puts s (at most n bytes) and moves the pen; a control character shows as a blank, a
 * byte that is no character as '?', one column each. */
void pen_put_n(struct pen *p, const char *s, size_t n, attr_t a);
void pen_put(struct pen *p, const char *s, attr_t a);
/* Blanks up to column x. */
void pen_pad(struct pen *p, int x, attr_t a);
/* s with every match of needle (any case) in the search match's look. */
void pen_put_marked(struct pen *p, const char *s, const char *needle, attr_t a);
/* left on line y, and right against the right edge when both fit. */
void draw_left_right(int y, const char *left, attr_t la, const char *right, attr_t ra);

/* Numbers fitted to w columns: "123456", "1.2M", "+3e+32". */
void cell_int(char *buf, size_t n, int w, int64_t v, int plus);
/* Rates can be far beyond 64 bits (2^48 pages in a microsecond): no integer on the way. */
void cell_rate(char *buf, size_t n, int w, double r);
void cell_bytes(char *buf, size_t n, double bytes);
/* The last nv values (nv <= w) as a sparkline of w columns, right-aligned; empty when
 * nv is 0. */
void cell_sparkline(char *buf, size_t n, int w, const int64_t *v, int nv);
/* Where a resolved frame is: "function file:line", the function only when it is not
 * name (namelen bytes; NULL: always), as an inlined callee's is not. */
struct sym_frame;
void format_where(const struct sym_frame *f, const char *name, size_t namelen, char *buf,
		  size_t n);
/* A time of the model: the clock when its times are absolute, else "+12.5 s". */
void format_clock(const struct model *m, double when, char *buf, size_t n);

/* The screen as text: lines ended by '\n', trailing blanks cut (malloc'ed). */
char *draw_dump(void);
/* The attributes of a cell, and its colour pair. */
attr_t draw_cell_attr(int y, int x, short *pair);

#endif
