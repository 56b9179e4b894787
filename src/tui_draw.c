/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_draw.c - the drawing primitives (tui_draw.h): clipped text, roles, cells, the
 * sparkline, the screen read back.
 *
 * Text is UTF-8 in UTF-8 locales (Δ, ▼, sparkline blocks), plain ASCII otherwise. Every
 * frame is werase(), drawing and one doupdate() (tui.c): curses sends only the cells
 * that changed. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "symbols.h"
#include "tui_draw.h"
#include "util.h"

static int utf8_on, color_on;

static int colors_ready;

int draw_start(int utf8, int want_color)
{
	utf8_on = utf8;
	color_on = colors_ready = 0;
	return draw_set_color(want_color);
}

int draw_set_color(int want)
{
	if (!want) {
		color_on = 0;
		return 0;
	}
	if (colors_ready) {
		color_on = 1;
		return 1;
	}
	if (has_colors() && start_color() == OK) {
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

		init_pair(1, COLOR_RED, bg);      /* growing */
		init_pair(2, COLOR_CYAN, bg);     /* shrinking */
		init_pair(3, COLOR_BLACK, COLOR_GREEN); /* column titles */
		init_pair(4, COLOR_RED, bg);      /* errors */
		init_pair(5, COLOR_BLACK, COLOR_YELLOW); /* search matches */
		init_pair(6, COLOR_YELLOW, bg);   /* states: paused, recording */
		init_pair(7, COLOR_BLUE, bg);     /* allocator machinery frames */
		color_on = colors_ready = 1;
	}
	return color_on;
}

static int bottom_lines = 1;

void draw_set_bottom_lines(int n)
{
	bottom_lines = n;
}

int draw_bottom_lines(void)
{
	return bottom_lines;
}

int draw_utf8(void)
{
	return utf8_on;
}

const char *draw_glyph(const char *utf8, const char *ascii)
{
	return utf8_on ? utf8 : ascii;
}

attr_t role_attr(enum role r)
{
	switch (r) {
	case ROLE_WARM: return color_on ? COLOR_PAIR(1) : A_BOLD;
	case ROLE_COOL: return color_on ? COLOR_PAIR(2) : A_NORMAL;
	case ROLE_TITLE: return color_on ? COLOR_PAIR(3) : A_REVERSE;
	case ROLE_ERROR: return color_on ? COLOR_PAIR(4) | A_BOLD : A_BOLD;
	case ROLE_MATCH: return color_on ? COLOR_PAIR(5) : A_UNDERLINE | A_BOLD;
	case ROLE_STATE: return color_on ? COLOR_PAIR(6) | A_BOLD : A_BOLD;
	case ROLE_DIM: return color_on ? COLOR_PAIR(7) : A_NORMAL;
	case ROLE_BOLD: return A_BOLD;
	default: return A_NORMAL;
	}
}

/* ---- text clipped to the screen ---- */

/* Length in bytes of the first character of s (at most n), and its width. */
static size_t char_at(const char *s, size_t n, int *w)
{
	wchar_t wc;
	mbstate_t st;
	size_t k;

	if ((unsigned char)*s < 0x80 || !utf8_on) {
		*w = 1;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	k = mbrtowc(&wc, s, n, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*w = 1;
		return 1;
	}
	*w = wcwidth(wc);
	if (*w < 0)
		*w = 1;
	return k;
}

int text_width(const char *s)
{
	size_t n = strlen(s);
	int cols = 0, w;

	for (size_t i = 0; i < n;) {
		i += char_at(s + i, n - i, &w);
		cols += w;
	}
	return cols;
}

void pen_put_n(struct pen *p, const char *s, size_t n, attr_t a)
{
	size_t i = 0, start = 0;
	int w;

	if (p->x >= p->xmax)
		return;
	wattrset(stdscr, a);
	wmove(stdscr, p->y, p->x);
	while (i < n && s[i]) {
		enum text_kind kind;
		size_t k = text_char(s + i, n - i, utf8_on, &kind);
		int c = 0; /* the one cell shown instead, 0: the text itself */

		/* never let curses show ^X, M-x or ~@ (two cells), nor pass C1 on */
		if (!utf8_on && (unsigned char)s[i] >= 0x80)
			c = '?';
		else if (kind == TEXT_CONTROL)
			c = ' ';
		else if (kind == TEXT_INVALID)
			c = '?';
		if (c)
			w = 1;
		else
			k = char_at(s + i, n - i, &w);
		if (p->x + w > p->xmax)
			break;
		if (c) {
			if (i > start)
				waddnstr(stdscr, s + start, (int)(i - start));
			waddch(stdscr, (chtype)c);
			start = i + k;
		}
		p->x += w;
		i += k;
	}
	if (i > start)
		waddnstr(stdscr, s + start, (int)(i - start));
}

void pen_put(struct pen *p, const char *s, attr_t a)
{
	pen_put_n(p, s, strlen(s), a);
}

void pen_pad(struct pen *p, int x, attr_t a)
{
	if (x > p->xmax)
		x = p->xmax;
	wattrset(stdscr, a);
	while (p->x < x) {
		mvwaddch(stdscr, p->y, p->x, ' ');
		p->x++;
	}
}

void pen_put_marked(struct pen *p, const char *s, const char *needle, attr_t a)
{
	size_t n = strlen(needle);
	const char *m;

	while (n && (m = strcasestr(s, needle))) {
		pen_put_n(p, s, (size_t)(m - s), a);
		pen_put_n(p, m, n, role_attr(ROLE_MATCH));
		s = m + n;
	}
	pen_put(p, s, a);
}

void draw_left_right(int y, const char *left, attr_t la, const char *right, attr_t ra)
{
	struct pen p = PEN_AT(y, 0);
	int rw = right ? text_width(right) : 0;

	if (right && rw + 1 < COLS) {
		p.xmax = COLS - rw - 1;
		pen_put(&p, left, la);
		p.x = COLS - rw;
		p.xmax = COLS;
		pen_put(&p, right, ra);
	} else {
		pen_put(&p, left, la);
	}
}

/* ---- numbers ---- */

/* The size a (>= 0) in w columns with a suffix: "1.2M", "281E"; "3e+32" past them. */
static void fit_suffix(char *buf, size_t n, int w, double a, const char *sign)
{
	static const char suffix[] = "kMGTPE";

	for (int i = 0; suffix[i]; i++) {
		a /= 1000;
		snprintf(buf, n, "%s%.1f%c", sign, a, suffix[i]);
		if ((int)strlen(buf) <= w)
			return;
		snprintf(buf, n, "%s%.0f%c", sign, a, suffix[i]);
		if ((int)strlen(buf) <= w)
			return;
	}
	snprintf(buf, n, "%s%.0e", sign, a * 1e18);
}

void cell_int(char *buf, size_t n, int w, int64_t v, int plus)
{
	const char *sign = v < 0 ? "-" : plus && v > 0 ? "+" : "";

	snprintf(buf, n, "%s%lld", sign, (long long)sat_abs(v));
	if ((int)strlen(buf) > w)
		fit_suffix(buf, n, w, fabs((double)v), sign);
}

void cell_rate(char *buf, size_t n, int w, double r)
{
	if (fabs(r) < 0.05)
		snprintf(buf, n, "0.0");
	else
		snprintf(buf, n, "%+.1f", r);
	if ((int)strlen(buf) <= w)
		return;
	snprintf(buf, n, "%+.0f", r);
	if ((int)strlen(buf) > w)
		fit_suffix(buf, n, w, fabs(r), r < 0 ? "-" : "+");
}

void cell_bytes(char *buf, size_t n, double b)
{
	static const char units[] = "BKMGTPE";
	int u = 0;

	while (b >= 1000 && units[u + 1]) {
		b /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%.0fB", b);
	else
		snprintf(buf, n, "%.1f%c", b, units[u]);
}

void cell_sparkline(char *buf, size_t n, int w, const int64_t *v, int nv)
{
	static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[8] = { '_', '.', ':', '-', '=', '+', '*', '#' };
	int64_t lo, hi;
	size_t len = 0;

	buf[0] = '\0';
	if (!nv)
		return;
	lo = hi = v[0];
	for (int i = 1; i < nv; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	for (int i = nv; i < w; i++)
		len += (size_t)snprintf(buf + len, n - len, " ");
	for (int i = 0; i < nv && len + 4 < n; i++) {
		int level = hi > lo ? (int)((double)(v[i] - lo) * 7.0 / (double)(hi - lo) + 0.5) : 0;

		if (utf8_on)
			len += (size_t)snprintf(buf + len, n - len, "%s", blocks[level]);
		else
			buf[len++] = ascii[level];
	}
	buf[len] = '\0';
}

void format_where(const struct sym_frame *f, const char *name, size_t namelen, char *buf,
		  size_t n)
{
	const char *file = f->short_file ? f->short_file : f->file;
	size_t len = 0;

	buf[0] = '\0';
	if (f->function && (!name || strlen(f->function) != namelen ||
			    strncmp(f->function, name, namelen) != 0))
		len = (size_t)snprintf(buf, n, "%s ", f->function);
	if (file && len < n)
		snprintf(buf + len, n - len, f->line ? "%s:%u" : "%s", file, f->line);
}

void format_clock(const struct model *m, double when, char *buf, size_t n)
{
	if (model_time_abs(m)) {
		time_t tt = (time_t)when;
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(buf, n, "%H:%M:%S", &tm);
	} else {
		snprintf(buf, n, "+%.1f s", when - model_first_time(m));
	}
}

/* ---- the screen read back ---- */

char *draw_dump(void)
{
	size_t cap = (size_t)(LINES * (COLS * 4 + 1) + 1), len = 0;
	char *out = xmalloc(cap);
	cchar_t *line = xcalloc((size_t)COLS + 1, sizeof(cchar_t));

	for (int y = 0; y < LINES; y++) {
		size_t start = len;

		mvwin_wchnstr(stdscr, y, 0, line, COLS);
		for (int x = 0; x < COLS; x++) {
			wchar_t wch[CCHARW_MAX + 1];
			attr_t a;
			short pair;
			mbstate_t st;
			char mb[MB_LEN_MAX];
			size_t k;

			if (getcchar(&line[x], wch, &a, &pair, NULL) == ERR || !wch[0])
				continue;
			memset(&st, 0, sizeof(st));
			k = wcrtomb(mb, wch[0], &st);
			if (k == (size_t)-1) {
				mb[0] = '?';
				k = 1;
			}
			memcpy(out + len, mb, k);
			len += k;
		}
		while (len > start && out[len - 1] == ' ')
			len--;
		out[len++] = '\n';
	}
	out[len] = '\0';
	free(line);
	return out;
}

attr_t draw_cell_attr(int y, int x, short *pair)
{
	cchar_t c;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t a = 0;
	short p = 0;

	if (mvwin_wch(stdscr, y, x, &c) == ERR || getcchar(&c, wch, &a, &p, NULL) == ERR)
		return 0;
	if (pair)
		*pair = p;
	return a;
}
