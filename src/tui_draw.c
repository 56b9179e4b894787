/* tui_draw.c - the screen: header, column titles, the visible rows, the status line,
 * the help view, the symbols panel, and the screen dump the headless tests compare.
 *
 * Only visible lines are formatted. Every frame is werase() + drawing + wnoutrefresh()
 * + one doupdate(): curses sends only the cells that changed, nothing flickers. Text is
 * UTF-8 in UTF-8 locales (Δ, ▼, sparkline blocks), plain ASCII otherwise. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui_int.h"
#include "util.h"

enum role { R_NORMAL, R_WARM, R_COOL, R_TITLE, R_ERR, R_MATCH, R_STATE, R_DIM, R_BOLD };

static attr_t role_attr(const struct tui *t, enum role r)
{
	switch (r) {
	case R_WARM: return t->color ? COLOR_PAIR(1) : A_BOLD;
	case R_COOL: return t->color ? COLOR_PAIR(2) : A_NORMAL;
	case R_TITLE: return t->color ? COLOR_PAIR(3) : A_REVERSE;
	case R_ERR: return t->color ? COLOR_PAIR(4) | A_BOLD : A_BOLD;
	case R_MATCH: return t->color ? COLOR_PAIR(5) : A_UNDERLINE | A_BOLD;
	case R_STATE: return t->color ? COLOR_PAIR(6) | A_BOLD : A_BOLD;
	case R_DIM: return t->color ? COLOR_PAIR(7) : A_NORMAL;
	case R_BOLD: return A_BOLD;
	default: return A_NORMAL;
	}
}

/* ---- text clipped to the screen ---- */

struct pen {
	int y, x, xmax;
};

/* Length in bytes of the first character of s (at most n), and its width. */
static size_t char_at(const struct tui *t, const char *s, size_t n, int *w)
{
	wchar_t wc;
	mbstate_t st;
	size_t k;

	if ((unsigned char)*s < 0x80 || !t->utf8) {
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

/* Display width of s. */
static int text_cols(const struct tui *t, const char *s)
{
	size_t n = strlen(s);
	int cols = 0, w;

	for (size_t i = 0; i < n;) {
		i += char_at(t, s + i, n - i, &w);
		cols += w;
	}
	return cols;
}

static void put_n(const struct tui *t, struct pen *p, const char *s, size_t n, attr_t a)
{
	size_t i = 0, start = 0;
	int w;

	if (p->x >= p->xmax)
		return;
	wattrset(stdscr, a);
	wmove(stdscr, p->y, p->x);
	while (i < n && s[i]) {
		enum text_kind kind;
		size_t k = text_char(s + i, n - i, t->utf8, &kind);
		int c = 0; /* the one cell shown instead, 0: the text itself */

		/* never let curses show ^X, M-x or ~@ (two cells), nor pass C1 on */
		if (!t->utf8 && (unsigned char)s[i] >= 0x80)
			c = '?';
		else if (kind == TEXT_CONTROL)
			c = ' ';
		else if (kind == TEXT_INVALID)
			c = '?';
		if (c)
			w = 1;
		else
			k = char_at(t, s + i, n - i, &w);
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

static void put(const struct tui *t, struct pen *p, const char *s, attr_t a)
{
	put_n(t, p, s, strlen(s), a);
}

static void pad_to(struct pen *p, int x, attr_t a)
{
	if (x > p->xmax)
		x = p->xmax;
	wattrset(stdscr, a);
	while (p->x < x) {
		mvwaddch(stdscr, p->y, p->x, ' ');
		p->x++;
	}
}

/* s with the search matches highlighted. */
static void put_hl(struct tui *t, struct pen *p, const char *s, attr_t a)
{
	size_t n = strlen(t->search);
	const char *m;

	while (n && (m = strcasestr(s, t->search))) {
		put_n(t, p, s, (size_t)(m - s), a);
		put_n(t, p, m, n, role_attr(t, R_MATCH));
		s = m + n;
	}
	put(t, p, s, a);
}

/* left, and right against the right edge when both fit */
static void put_lr(struct tui *t, int y, const char *left, attr_t la, const char *right,
		   attr_t ra)
{
	struct pen p = { y, 0, COLS };
	int rw = right ? text_cols(t, right) : 0;

	if (right && rw + 1 < COLS) {
		p.xmax = COLS - rw - 1;
		put(t, &p, left, la);
		p.x = COLS - rw;
		p.xmax = COLS;
		put(t, &p, right, ra);
	} else {
		put(t, &p, left, la);
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

static void fit_int(char *buf, size_t n, int w, int64_t v, int plus)
{
	const char *sign = v < 0 ? "-" : plus && v > 0 ? "+" : "";

	snprintf(buf, n, "%s%lld", sign, (long long)sat_abs(v));
	if ((int)strlen(buf) > w)
		fit_suffix(buf, n, w, fabs((double)v), sign);
}

/* Rates can be far beyond 64 bits (2^48 pages in a microsecond): no integer on the way. */
static void fit_rate(char *buf, size_t n, int w, double r)
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

static void fit_bytes(char *buf, size_t n, double b)
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

static void fmt_clock(const struct tui *t, char *buf, size_t n, double when)
{
	if (model_time_abs(t->m)) {
		time_t tt = (time_t)when;
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(buf, n, "%H:%M:%S", &tm);
	} else {
		snprintf(buf, n, "+%.1f s", when - model_first_time(t->m));
	}
}

/* ---- columns ---- */

static const int col_width[COL__N] = { 8, 6, 6, 7, 7, 8, 5, 8, 8, 0 };
#define LABEL_MIN 12
#define MARK_W 2

const char *tui_col_title(const struct tui *t, enum col c)
{
	static const char *const utf8[COL__N] = {
		N_("PAGES"), N_("SIZE"), "Δ", "Δ/s", "ΔBASE", N_("TREND"), N_("SCORE"),
		N_("PEAK"), N_("FIRST"), NULL,
	};
	static const char *const ascii[COL__N] = {
		N_("PAGES"), N_("SIZE"), N_("DELTA"), N_("RATE"), N_("DBASE"), N_("TREND"),
		N_("SCORE"), N_("PEAK"), N_("FIRST"), NULL,
	};

	if (c == COL_PAGES && model_meta(t->m)->unit == UNIT_ALLOCS)
		return _("ALLOCS");
	if (c == COL_LABEL) {
		switch (t->vo.group) {
		case GROUP_FUNCTION: return _("FUNCTION");
		case GROUP_MODULE: return _("MODULE");
		default: return _("CALLER");
		}
	}
	return _(t->utf8 ? utf8[c] : ascii[c]);
}

static int col_of_key(enum sort_key k)
{
	static const int map[KEY__N] = {
		[KEY_PAGES] = COL_PAGES, [KEY_BYTES] = COL_BYTES, [KEY_DELTA] = COL_DELTA,
		[KEY_RATE] = COL_RATE, [KEY_DELTA_BASE] = COL_DELTA_BASE,
		[KEY_PEAK] = COL_PEAK, [KEY_SCORE] = COL_SCORE,
		[KEY_FIRST_SEEN] = COL_FIRST_SEEN, [KEY_LABEL] = COL_LABEL,
	};

	return (unsigned)k < KEY__N ? map[k] : -1;
}

static int key_of_col(enum col c)
{
	for (int k = 0; k < KEY__N; k++)
		if (col_of_key((enum sort_key)k) == (int)c)
			return k;
	return -1;
}

/* The columns that fit before the label: dropped from the right, the label last. */
static int layout(const struct tui *t, int width, enum col *cols)
{
	int n = 0, total = MARK_W;

	for (int c = 0; c < COL_LABEL; c++)
		if (t->colmask & (1u << c)) {
			cols[n++] = (enum col)c;
			total += col_width[c] + 1;
		}
	while (n > 0 && total + 1 + LABEL_MIN > width)
		total -= col_width[cols[--n]] + 1;
	return n;
}

int tui_title_col(const struct tui *t, int x)
{
	enum col cols[COL__N];
	int n = layout(t, COLS, cols), pos = MARK_W;

	for (int i = 0; i < n; i++) {
		int end = pos + 1 + col_width[cols[i]];

		if (x >= pos && x < end)
			return key_of_col(cols[i]);
		pos = end;
	}
	return x >= pos ? KEY_LABEL : -1;
}

static const char *sort_arrow(const struct tui *t)
{
	if (t->utf8)
		return t->vo.ascending ? "▲" : "▼";
	return t->vo.ascending ? "^" : "v";
}

static void sparkline(const struct tui *t, const struct series *s, char *buf, size_t n, int w)
{
	static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[8] = { '_', '.', ':', '-', '=', '+', '*', '#' };
	int64_t v[MODEL_HISTORY];
	int got;
	int64_t lo, hi;
	size_t len = 0;

	if (!s->hist) {
		/* never changed: a blank trend lets the rows that move stand out */
		buf[0] = '\0';
		return;
	}
	if (w > MODEL_HISTORY)
		w = MODEL_HISTORY;
	if (t->paused && t->m == t->master) /* s is a copy as of then */
		got = model_history_at(t->m, s, t->frozen_sample, v, w);
	else
		got = model_history(t->m, s, v, w);
	buf[0] = '\0';
	if (!got)
		return;
	lo = hi = v[0];
	for (int i = 1; i < got; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	for (int i = got; i < w; i++)
		len += (size_t)snprintf(buf + len, n - len, " ");
	for (int i = 0; i < got && len + 4 < n; i++) {
		int level = hi > lo ? (int)((double)(v[i] - lo) * 7.0 / (double)(hi - lo) + 0.5) : 0;

		if (t->utf8)
			len += (size_t)snprintf(buf + len, n - len, "%s", blocks[level]);
		else
			buf[len++] = ascii[level];
	}
	buf[len] = '\0';
}

static void cell(const struct tui *t, enum col c, const struct series *s, char *buf, size_t n)
{
	int w = col_width[c];

	switch (c) {
	case COL_PAGES: fit_int(buf, n, w, s->now, 0); break;
	case COL_PEAK: fit_int(buf, n, w, s->peak, 0); break;
	case COL_BYTES:
		if (model_meta(t->m)->unit == UNIT_ALLOCS)
			snprintf(buf, n, "-");
		else
			fit_bytes(buf, n, (double)s->now * (double)model_page_size(t->m));
		break;
	case COL_DELTA: fit_int(buf, n, w, s->delta, 1); break;
	case COL_RATE: fit_rate(buf, n, w, s->rate); break;
	case COL_DELTA_BASE: fit_int(buf, n, w, s->delta_base, 1); break;
	case COL_SCORE: snprintf(buf, n, "%.2f", s->score); break;
	case COL_TREND: sparkline(t, s, buf, n, w); break;
	case COL_FIRST_SEEN: {
		double when = model_time_at(t->m, s->first_seen);

		if (model_time_abs(t->m)) {
			fmt_clock(t, buf, n, when);
		} else {
			snprintf(buf, n, "+%.0fs", when - model_first_time(t->m));
		}
		break;
	}
	default: buf[0] = '\0'; break;
	}
}

/* ---- the list ---- */

static void draw_titles(struct tui *t, int y, const enum col *cols, int nc)
{
	struct pen p = { y, 0, COLS };
	attr_t a = role_attr(t, R_TITLE);
	int sortcol = col_of_key(t->vo.key);
	char buf[64];

	pad_to(&p, MARK_W, a);
	for (int i = 0; i < nc; i++) {
		const char *title = tui_col_title(t, cols[i]);
		int tw = text_cols(t, title) + ((int)cols[i] == sortcol ? 1 : 0);

		pad_to(&p, p.x + 1 + (col_width[cols[i]] > tw ? col_width[cols[i]] - tw : 0), a);
		snprintf(buf, sizeof(buf), "%s%s", title, (int)cols[i] == sortcol ? sort_arrow(t) : "");
		put(t, &p, buf, a | ((int)cols[i] == sortcol ? A_BOLD : 0));
	}
	pad_to(&p, p.x + 1, a);
	snprintf(buf, sizeof(buf), "%s%s", tui_col_title(t, COL_LABEL),
		 sortcol == COL_LABEL ? sort_arrow(t) : "");
	put(t, &p, buf, a | (sortcol == COL_LABEL ? A_BOLD : 0));
	pad_to(&p, COLS, a);
}

static void draw_row(struct tui *t, int y, size_t i, int sel, const enum col *cols, int nc)
{
	const struct drow *r = &t->rows[i];
	const struct series *s = r->s;
	struct pen p = { y, 0, COLS };
	attr_t a = sel ? A_REVERSE | A_BOLD :
		   role_attr(t, s->delta > 0 ? R_WARM : s->delta < 0 ? R_COOL : R_NORMAL);
	char buf[128];

	put(t, &p, tv_expanded(t, i) ? (t->utf8 ? "▾ " : "v ") : "  ", a);
	for (int k = 0; k < nc; k++) {
		int w = col_width[cols[k]], tw;

		cell(t, cols[k], s, buf, sizeof(buf));
		tw = text_cols(t, buf);
		pad_to(&p, p.x + 1 + (w > tw ? w - tw : 0), a);
		put(t, &p, buf, a);
	}
	pad_to(&p, p.x + 1, a);
	put_hl(t, &p, model_label(t->m, r->label), a);
	if (!r->stack && r->nstacks > 1 && p.x + 4 < COLS) {
		snprintf(buf, sizeof(buf), ngettext(" (%u stack)", " (%u stacks)", r->nstacks),
			 r->nstacks);
		put(t, &p, buf, a | (sel ? 0 : role_attr(t, R_DIM)));
	}
	pad_to(&p, COLS, a);
}

/* "function file:line" of a resolved frame; the function only when it is not the one
 * the frame names (an inlined callee). */
static void where(const struct sym_frame *f, const char *name, size_t namelen, char *buf,
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

static void draw_sub(struct tui *t, int y, size_t i, int sub, int sel)
{
	const struct drow *r = &t->rows[i];
	const struct stack *st = tv_row_stack(t, i);
	struct pen p = { y, 0, COLS };
	attr_t a = sel ? A_REVERSE : A_NORMAL;
	attr_t dim = sel ? 0 : role_attr(t, R_DIM);
	int fi, ii;
	char buf[640];

	tv_locate(t, i, sub, &fi, &ii);
	pad_to(&p, 6, a);
	if (fi < 0) {
		snprintf(buf, sizeof(buf), ngettext("largest of %u stack:", "largest of %u stacks:",
						    r->nstacks), r->nstacks);
		put(t, &p, buf, a | dim);
	} else if (!st || !st->nframes) {
		put(t, &p, _("(frames not read yet)"), a | dim);
	} else {
		uint32_t f = st->frames[fi];
		const char *text = model_frame(t->m, f);
		const struct sym_result *res = tv_sym(t, f, 1);
		size_t namelen = strcspn(text, "+ ");
		attr_t fa = a;

		if (fi == st->caller)
			fa |= A_BOLD;
		else if (!sel && model_frame_is_alloc(t->m, f))
			fa |= role_attr(t, R_DIM);
		if (ii == 0) {
			put(t, &p, fi == st->caller ? "> " : "  ", fa);
			put_hl(t, &p, text, fa);
			if (res && res->status == SYM_OK && res->nframes) {
				where(&res->frames[0], text, namelen, buf, sizeof(buf));
				pad_to(&p, p.x + 2 > 56 ? p.x + 2 : 56, a);
				put_hl(t, &p, buf, a | dim);
			}
		} else if (res && (unsigned)ii < res->nframes) {
			pad_to(&p, 10, a);
			put(t, &p, _("(inlined by) "), a | dim);
			where(&res->frames[ii], NULL, 0, buf, sizeof(buf));
			put_hl(t, &p, buf, a | dim);
		}
	}
	pad_to(&p, COLS, a);
}

void tui_draw_list(struct tui *t)
{
	enum col cols[COL__N];
	int nc = layout(t, COLS, cols), h = tv_list_height();
	struct lpos p = t->top;

	draw_titles(t, TUI_HEADER_LINES - 1, cols, nc);
	if (!t->nrows) {
		struct pen pen = { TUI_HEADER_LINES, 2, COLS };

		if (!model_nsamples(t->m))
			put(t, &pen, _("waiting for the first sample..."), A_NORMAL);
		else if (t->vo.threshold || t->vo.filter)
			put(t, &pen, _("no rows: the threshold or the filters hide them all (0 clears the threshold, F the filters)"),
			    A_NORMAL);
		else
			put(t, &pen, _("no rows: no stack holds pages"), A_NORMAL);
		return;
	}
	for (int y = 0; y < h; y++) {
		int sel = p.row == t->cur.row && p.sub == t->cur.sub;

		if (p.sub < 0)
			draw_row(t, TUI_HEADER_LINES + y, p.row, sel, cols, nc);
		else
			draw_sub(t, TUI_HEADER_LINES + y, p.row, p.sub, sel);
		if (!tv_next(t, &p))
			break;
	}
}

/* ---- header ---- */

static void draw_header(struct tui *t)
{
	const struct source_meta *mt = model_meta(t->m);
	const struct model *m = t->m;
	char left[512], right[256], a[64], b[64], c[64], d[64];
	const char *dash = t->utf8 ? "—" : "-";
	size_t len;
	int nsamp = (int)model_nsamples(m);

	/* line 1: what, and when */
	len = (size_t)snprintf(left, sizeof(left), "pagetop %s %s %s", PACKAGE_VERSION, dash,
			       mt->kind ? mt->kind : source_meta(t->src)->kind);
	if (mt->name && (!mt->kind || strcmp(mt->name, mt->kind) != 0))
		len += (size_t)snprintf(left + len, sizeof(left) - len, " %s", mt->name);
	if (mt->kernel_release)
		len += (size_t)snprintf(left + len, sizeof(left) - len, " %s", mt->kernel_release);
	len += (size_t)snprintf(left + len, sizeof(left) - len, ", %s", iface_name(mt->iface));
	if (!t->series && t->interval > 0)
		snprintf(left + len, sizeof(left) - len, _(", every %.1f s"), t->interval);
	right[0] = '\0';
	if (nsamp) {
		uint32_t k = t->paused && t->m == t->master ? t->frozen_sample : (uint32_t)nsamp - 1;

		fmt_clock(t, a, sizeof(a), model_time_at(m, k));
		if (t->series) {
			long total = t->nread;
			const struct source_meta *sm = source_meta(t->src);
			char bar[128];
			int w = 12, at;
			size_t bl = 0;

			if (!t->src_end && sm->nsamples > total)
				total = sm->nsamples;
			at = total > 1 ? (int)((double)t->pos * (w - 1) / (double)(total - 1) + 0.5) : w - 1;
			for (int i = 0; i < w && bl + 4 < sizeof(bar); i++)
				bl += (size_t)snprintf(bar + bl, sizeof(bar) - bl, "%s",
						       i == at ? (t->utf8 ? "●" : "o") :
						       i < at ? (t->utf8 ? "━" : "=") :
						       (t->utf8 ? "─" : "-"));
			snprintf(right, sizeof(right), _("%s  sample %u/%ld %s"), a, t->pos + 1, total, bar);
			if (COLS < 100)
				snprintf(right, sizeof(right), _("sample %u/%ld %s"), t->pos + 1, total, bar);
			if (COLS < 60)
				snprintf(right, sizeof(right), _("sample %u/%ld"), t->pos + 1, total);
		} else {
			snprintf(right, sizeof(right), _("%s  sample %u"), a, k + 1);
			if (COLS < 60)
				snprintf(right, sizeof(right), _("sample %u"), k + 1);
		}
	}
	put_lr(t, 0, left, A_BOLD, right, A_BOLD);

	/* line 2: totals */
	fmt_count(a, sizeof(a), t->v.total_pages);
	if (mt->unit == UNIT_ALLOCS) {
		len = (size_t)snprintf(left, sizeof(left), _("Total %s allocations"), a);
	} else {
		char bytes[32];

		fmt_bytes(bytes, sizeof(bytes), (double)t->v.total_pages * (double)model_page_size(m));
		len = (size_t)snprintf(left, sizeof(left), _("Total %s pages (%s)"), a, bytes);
	}
	len += (size_t)snprintf(left + len, sizeof(left) - len, " %+.0f/s", t->v.total_rate);
	{
		uint32_t bs = model_baseline_sample(m);

		fmt_count(b, sizeof(b), t->v.total_delta_base);
		if (bs == 0)
			snprintf(c, sizeof(c), "%s", _("first"));
		else
			fmt_clock(t, c, sizeof(c), model_time_at(m, bs));
		len += (size_t)snprintf(left + len, sizeof(left) - len, _("  baseline %s (%s%s)"), c,
					t->v.total_delta_base > 0 ? "+" : "", b);
	}
	{
		static const char *const what[GROUP__N] = {
			N_("stacks"), N_("callers"), N_("functions"), N_("modules"),
		};

		/* TRANSLATORS: "stacks 271 of 434": rows shown, rows before the threshold and
		 * the filters */
		snprintf(left + len, sizeof(left) - len, _("  %s %zu of %zu"), _(what[t->vo.group]),
			 t->nrows, t->v.total_rows);
	}
	put_lr(t, 1, left, A_NORMAL, NULL, 0);

	/* line 3: the view, and the state */
	len = (size_t)snprintf(left, sizeof(left), _("Sort %s %s"),
			       tui_col_title(t, (enum col)col_of_key(t->vo.key)), sort_arrow(t));
	if (t->vo.threshold) {
		fmt_count(d, sizeof(d), t->vo.threshold);
		len += (size_t)snprintf(left + len, sizeof(left) - len, _("   threshold %s %s pages"),
					t->utf8 ? "≥" : ">=", d);
	} else {
		len += (size_t)snprintf(left + len, sizeof(left) - len, "%s", _("   threshold none"));
	}
	len += (size_t)snprintf(left + len, sizeof(left) - len, _("   group %s"),
				group_name(t->vo.group));
	len += (size_t)snprintf(left + len, sizeof(left) - len, "%s", _("   filter "));
	if (t->nfilters) {
		for (size_t i = 0; i < t->nfilters && len + 4 < sizeof(left); i++)
			len += (size_t)snprintf(left + len, sizeof(left) - len, "%s%s", i ? ", " : "",
						t->filters[i]);
	} else if (t->vo.filter) {
		len += (size_t)snprintf(left + len, sizeof(left) - len, "%s", _("(command line)"));
	} else {
		len += (size_t)snprintf(left + len, sizeof(left) - len, "%s", t->utf8 ? "—" : "-");
	}
	if (t->kthresh >= 0 && len + 4 < sizeof(left))
		snprintf(left + len, sizeof(left) - len, _("   kernel %s %ld"), t->utf8 ? "≥" : ">=",
			 t->kthresh);
	len = 0;
	right[0] = '\0';
	if (t->rec)
		len += (size_t)snprintf(right + len, sizeof(right) - len, _("REC %s (%llu)  "),
					t->rec_path, (unsigned long long)t->rec_samples);
	if (t->building)
		len += (size_t)snprintf(right + len, sizeof(right) - len, _("GOING TO %u: %u%%  "),
					t->build_target + 1,
					(unsigned)(t->build.next * 100 / (t->build_target + 1)));
	if (t->paused)
		len += (size_t)snprintf(right + len, sizeof(right) - len, _("PAUSED (+%ld)"),
					t->pending);
	else if (t->playing)
		len += (size_t)snprintf(right + len, sizeof(right) - len, _("PLAYING %s%g"),
					t->utf8 ? "×" : "x", t->play_speed);
	else if (t->series && !t->src_end && !t->src_error)
		len += (size_t)snprintf(right + len, sizeof(right) - len, _("LOADING %ld"), t->nread);
	else if (t->series && t->nread && t->pos + 1 < (uint64_t)t->nread)
		len += (size_t)snprintf(right + len, sizeof(right) - len, "%s", _("REPLAY"));
	while (len && right[len - 1] == ' ')
		right[--len] = '\0';
	put_lr(t, 2, left, A_NORMAL, right, role_attr(t, R_STATE));
}

/* ---- status line ---- */

static const char *status_hint(const struct tui *t)
{
	if (t->series)
		return _("? help  q quit  [ ] sample  P play  / search  f filter  s sort  g group");
	return _("? help  q quit  p pause  / search  f filter  s sort  g group  + - threshold");
}

static void draw_status(struct tui *t)
{
	int y = LINES - 1;
	struct pen p = { y, 0, COLS };
	char buf[1024];

	curs_set(0);
	if (t->prompt == PR_SORT) {
		static const enum sort_key order[] = {
			KEY_PAGES, KEY_BYTES, KEY_DELTA, KEY_RATE, KEY_DELTA_BASE, KEY_SCORE,
			KEY_PEAK, KEY_FIRST_SEEN, KEY_LABEL,
		};
		size_t len = (size_t)snprintf(buf, sizeof(buf), "%s", tui_prompt_label(PR_SORT));

		for (size_t i = 0; i < ARRAY_SIZE(order); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%zu %s  ", i + 1,
						tui_col_title(t, (enum col)col_of_key(order[i])));
		snprintf(buf + len, sizeof(buf) - len, "%s", _("(Esc cancels)"));
		put(t, &p, buf, A_BOLD);
		return;
	}
	if (t->prompt != PR_NONE) {
		const wchar_t *w = t->pbuf;
		mbstate_t st;
		size_t k;
		int cx;

		put(t, &p, tui_prompt_label(t->prompt), A_BOLD);
		memset(&st, 0, sizeof(st));
		k = wcsrtombs(buf, &w, sizeof(buf) - 1, &st);
		buf[k == (size_t)-1 ? 0 : k] = '\0';
		put(t, &p, buf, A_NORMAL);
		cx = p.x < COLS ? p.x : COLS - 1;
		if (t->prompt == PR_SEARCH && buf[0] && t->nrows && !tv_row_matches(t, t->cur.row))
			put(t, &p, _("  (not found)"), role_attr(t, R_ERR));
		wmove(stdscr, y, cx);
		curs_set(1);
		return;
	}
	if (t->msg[0]) {
		put(t, &p, t->msg, t->msg_err ? role_attr(t, R_ERR) : A_BOLD);
		return;
	}
	if (t->sym) {
		struct symbols_progress sp;

		symbols_progress(t->sym, &sp);
		if (sp.answered < sp.requested) {
			if (sp.loading[0])
				snprintf(buf, sizeof(buf), _("source lines: %llu of %llu frames (reading %s)"),
					 (unsigned long long)sp.answered,
					 (unsigned long long)sp.requested, sp.loading);
			else
				snprintf(buf, sizeof(buf), _("source lines: %llu of %llu frames"),
					 (unsigned long long)sp.answered,
					 (unsigned long long)sp.requested);
			put(t, &p, buf, A_NORMAL);
			return;
		}
	}
	if (t->stalled > 0) {
		snprintf(buf, sizeof(buf), _("source stalled for %.0f s"), t->stalled);
		put(t, &p, buf, role_attr(t, R_ERR));
		return;
	}
	put(t, &p, status_hint(t), A_NORMAL);
}

/* ---- help ---- */

static const char *help_extra[] = {
	"",
	N_("Columns: PAGES held now, SIZE in bytes, Δ since the previous sample, Δ/s per second,"),
	N_("ΔBASE since the baseline, TREND the last samples, SCORE leak suspicion (0-1), PEAK,"),
	N_("FIRST first seen; the last column is the row's label: caller, function or module."),
	N_("Mouse: click selects, double-click expands, the wheel scrolls, a click on a title sorts."),
	N_("Config: 'set NAME = VALUE' (sort, group, threshold, interval, columns, alloc-patterns)"),
	N_("and 'bind KEY ACTION' lines (action names show 100 columns wide); W saves settings."),
};

static int help_lines(void)
{
	const struct help_entry *h;

	return (int)help_entries(&h) + (int)ARRAY_SIZE(help_extra) + 1;
}

static void help_draw(struct tui *t)
{
	const struct help_entry *h;
	size_t n = help_entries(&h);
	int y = 1, line = 0, body = LINES - 2;
	char buf[512], keys[128];
	struct pen p = { 0, 0, COLS };

	snprintf(buf, sizeof(buf), _("pagetop %s %s keys (any other key closes this help)"),
		 PACKAGE_VERSION, t->utf8 ? "—" : "-");
	put(t, &p, buf, A_BOLD);
	for (size_t i = 0; i < n + ARRAY_SIZE(help_extra) + 1 && y <= body; i++, line++) {
		struct pen q = { y, 0, COLS };

		if (line < t->help_top)
			continue;
		if (i < n && h[i].section) {
			put(t, &q, _(h[i].section), A_BOLD | A_UNDERLINE);
		} else if (i < n) {
			keymap_keys(&t->km, h[i].a, keys, sizeof(keys));
			if (COLS >= 100)
				snprintf(buf, sizeof(buf), "  %-16s %-18s %s", keys, action_name(h[i].a),
					 action_help(h[i].a));
			else
				snprintf(buf, sizeof(buf), "  %-16s %s", keys, action_help(h[i].a));
			put(t, &q, buf, A_NORMAL);
		} else if (i - n < ARRAY_SIZE(help_extra)) {
			const char *e = help_extra[i - n];

			if (*e && !t->utf8) {
				/* the Δ lines read fine with DELTA in ASCII */
				snprintf(buf, sizeof(buf), "%s", _(e));
				for (char *d = strstr(buf, "Δ"); d; d = strstr(buf, "Δ")) {
					*d = 'D';
					memmove(d + 1, d + 2, strlen(d + 2) + 1);
				}
				put(t, &q, buf, A_NORMAL);
			} else {
				put(t, &q, *e ? _(e) : "", A_NORMAL);
			}
		} else {
			snprintf(buf, sizeof(buf), _("Config file: %s"), t->rc ? t->rc : _("(none)"));
			put(t, &q, buf, A_NORMAL);
		}
		y++;
	}
}

static int help_key(struct tui *t, enum action a, int key)
{
	int body = LINES - 2, total = help_lines(), max = total - body;

	(void)key;
	if (max > 0) {
		switch (a) {
		case ACT_UP: t->help_top--; break;
		case ACT_DOWN: t->help_top++; break;
		case ACT_PAGE_UP: t->help_top -= body; break;
		case ACT_PAGE_DOWN: t->help_top += body; break;
		case ACT_FIRST: t->help_top = 0; break;
		case ACT_LAST: t->help_top = max; break;
		default: t->view = &tui_list_view; return 1;
		}
		if (t->help_top > max)
			t->help_top = max;
		if (t->help_top < 0)
			t->help_top = 0;
		return 1;
	}
	t->view = &tui_list_view;
	return 1;
}

/* ---- symbols: debug info, what is missing and how to get it ---- */

struct slines {
	struct { char *s; attr_t a; } *v;
	size_t n, cap;
};

static void sl_add(struct slines *L, attr_t a, const char *s)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 32;
		L->v = xreallocarray(L->v, L->cap, sizeof(*L->v));
	}
	L->v[L->n].s = xstrdup(s);
	L->v[L->n++].a = a;
}

/* text in lines of at most width columns, each after indent blanks, cut at blanks (a
 * longer word gets a line of its own, clipped) */
static void sl_wrap(const struct tui *t, struct slines *L, attr_t a, int indent,
		    const char *text, int width)
{
	char line[1024];
	int avail = width - indent > 20 ? width - indent : 20;

	while (*text == ' ')
		text++;
	while (*text) {
		size_t len = 0, fit = 0;
		int cols = 0;

		/* the longest run of words that fits */
		while (text[len]) {
			size_t e = len;
			char word[1024];
			int w;

			while (text[e] == ' ')
				e++;
			while (text[e] && text[e] != ' ')
				e++;
			if (e - len >= sizeof(word))
				break;
			memcpy(word, text + len, e - len);
			word[e - len] = '\0';
			w = text_cols(t, word);
			if (fit && cols + w > avail)
				break;
			cols += w;
			len = fit = e;
			if (cols >= avail)
				break;
		}
		if (!fit) /* a word longer than the screen (or than the buffer) */
			for (fit = 0; text[fit] && text[fit] != ' '; fit++)
				;
		snprintf(line, sizeof(line), "%*s%.*s", indent, "", (int)fit, text);
		sl_add(L, a, line);
		text += fit;
		while (*text == ' ')
			text++;
	}
}

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
static void symbols_refresh(struct tui *t)
{
	if (!t->sym)
		return;
	if (!t->symrep_stale && t->symrep_m == t->m && t->symrep_pos == t->pos &&
	    t->symrep_nread == t->nread)
		return;
	symbols_report_free(&t->symrep);
	symbols_report_build(t->sym, t->m, 0, &t->symrep);
	t->symrep_stale = 0;
	t->symrep_m = t->m;
	t->symrep_pos = t->pos;
	t->symrep_nread = t->nread;
}

static void symbols_text(struct tui *t, struct slines *L)
{
	const struct sym_report *r = &t->symrep;
	char buf[1024], pages[32];
	int width = COLS - 1;

	if (!t->sym) {
		sl_wrap(t, L, role_attr(t, R_ERR), 0,
			_("Source lines are off (--no-symbols): frames show as the kernel printed them."),
			width);
		sl_add(L, A_NORMAL, "");
		sl_wrap(t, L, A_NORMAL, 0,
			_("Without --no-symbols, pagetop reads the debug info of vmlinux and of the modules when a row is expanded; pagetop --check-symbols SOURCE tells which objects have none and how to get it."),
			width);
		return;
	}
	fmt_count(pages, sizeof(pages), r->total_pages);
	snprintf(buf, sizeof(buf),
		 _("%zu objects in the frames of the stacks (%s pages in all); %llu of %llu frames looked up have source lines."),
		 r->n, pages, (unsigned long long)r->resolved, (unsigned long long)r->frames);
	sl_wrap(t, L, A_NORMAL, 0, buf, width);
	sl_add(L, A_NORMAL, "");
	if (!r->n) {
		sl_add(L, A_NORMAL, _("No frame names an object yet."));
	} else {
		snprintf(buf, sizeof(buf), "%-16s %-20s %12s %8s", _("OBJECT"), _("STATUS"),
			 _("PAGES"), _("STACKS"));
		sl_add(L, role_attr(t, R_TITLE), buf);
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct sym_report_obj *o = &r->v[i];
		int bad = o->obj.state != SOBJ_OK && o->obj.state != SOBJ_UNCHECKED &&
			  o->obj.state != SOBJ_UNUSED;

		fmt_count(pages, sizeof(pages), o->pages);
		snprintf(buf, sizeof(buf), "%-16s %-20s %12s %8llu", o->obj.name,
			 sym_state_text(o->obj.state), pages, (unsigned long long)o->stacks);
		sl_add(L, bad ? role_attr(t, R_ERR) : A_BOLD, buf);
		if (o->obj.state == SOBJ_UNUSED) {
			sl_wrap(t, L, A_NORMAL, 4, _("not looked at yet: its frames wait for an answer"),
				width);
		} else {
			if (*o->obj.path && !bad) {
				snprintf(buf, sizeof(buf), _("file: %s"), o->obj.path);
				sl_wrap(t, L, A_NORMAL, 4, buf, width);
			}
			if (*o->obj.reason)
				sl_wrap(t, L, A_NORMAL, 4, o->obj.reason, width);
		}
		if (*o->advice) {
			size_t k;

			/* modules mostly share one advice: say it once */
			for (k = 0; k < i && strcmp(r->v[k].advice, o->advice) != 0; k++)
				;
			if (k < i) {
				snprintf(buf, sizeof(buf), _("how to get it: as for %s, above"),
					 r->v[k].obj.name);
				sl_wrap(t, L, A_NORMAL, 4, buf, width);
			} else {
				sl_wrap(t, L, role_attr(t, R_STATE), 4, o->advice, width);
			}
		}
	}
	if (r->raw_stacks) {
		sl_add(L, A_NORMAL, "");
		fmt_count(pages, sizeof(pages), r->raw_pages);
		snprintf(buf, sizeof(buf),
			 _("%llu stacks (%s pages) have bare addresses: the kernel could not name those frames when it printed them (unloaded modules); they stay raw."),
			 (unsigned long long)r->raw_stacks, pages);
		sl_wrap(t, L, A_NORMAL, 0, buf, width);
	}
}

static void symbols_draw(struct tui *t)
{
	struct slines L = { 0 };
	int body = LINES - 2, max;
	char buf[512];
	struct pen p = { 0, 0, COLS };

	symbols_refresh(t);
	snprintf(buf, sizeof(buf), _("pagetop %s %s debug info for source lines (any other key closes)"),
		 PACKAGE_VERSION, t->utf8 ? "—" : "-");
	put(t, &p, buf, A_BOLD);
	symbols_text(t, &L);
	t->sym_lines = (int)L.n;
	max = t->sym_lines - body;
	if (t->sym_top > max)
		t->sym_top = max;
	if (t->sym_top < 0)
		t->sym_top = 0;
	for (int y = 1, i = t->sym_top; y <= body && i < (int)L.n; y++, i++) {
		struct pen q = { y, 0, COLS };

		put(t, &q, L.v[i].s, L.v[i].a);
	}
	for (size_t i = 0; i < L.n; i++)
		free(L.v[i].s);
	free(L.v);
}

static int symbols_key(struct tui *t, enum action a, int key)
{
	int body = LINES - 2, max = t->sym_lines - body;

	(void)key;
	if (max > 0) {
		switch (a) {
		case ACT_UP: t->sym_top--; break;
		case ACT_DOWN: t->sym_top++; break;
		case ACT_PAGE_UP: t->sym_top -= body; break;
		case ACT_PAGE_DOWN: t->sym_top += body; break;
		case ACT_FIRST: t->sym_top = 0; break;
		case ACT_LAST: t->sym_top = max; break;
		default: t->view = &tui_list_view; return 1;
		}
		if (t->sym_top > max)
			t->sym_top = max;
		if (t->sym_top < 0)
			t->sym_top = 0;
		return 1;
	}
	t->view = &tui_list_view;
	return 1;
}

static void list_draw(struct tui *t)
{
	draw_header(t);
	tui_draw_list(t);
}

const struct tui_view_ops tui_list_view = { "stacks", list_draw, tv_list_key };
const struct tui_view_ops tui_help_view = { "help", help_draw, help_key };
const struct tui_view_ops tui_symbols_view = { "symbols", symbols_draw, symbols_key };

/* ---- frames ---- */

void tui_draw_all(struct tui *t)
{
	werase(stdscr);
	if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		char buf[128];
		struct pen p = { LINES / 2, 0, COLS };

		snprintf(buf, sizeof(buf), _("terminal too small (%dx%d, needs %dx%d)"), COLS, LINES,
			 TUI_MIN_COLS, TUI_MIN_LINES);
		if ((int)strlen(buf) > COLS)
			snprintf(buf, sizeof(buf), "%s", _("terminal too small"));
		p.x = COLS > text_cols(t, buf) ? (COLS - text_cols(t, buf)) / 2 : 0;
		put(t, &p, buf, A_BOLD);
		curs_set(0);
	} else {
		t->view->draw(t);
		draw_status(t);
	}
	if (t->redraw_all) {
		clearok(curscr, TRUE);
		t->redraw_all = 0;
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void tui_render(struct tui *t)
{
	double t0;

	if (!t->scr)
		return;
	if (t->view_stale)
		tv_refresh(t);
	if (!t->dirty && !t->redraw_all)
		return;
	t0 = time_mono();
	tui_draw_all(t);
	t->draw_ms = (time_mono() - t0) * 1e3;
	t->dirty = 0;
}

char *tui_dump(const struct tui *t)
{
	size_t cap = (size_t)(LINES * (COLS * 4 + 1) + 1), len = 0;
	char *out = xmalloc(cap);
	cchar_t *line = xcalloc((size_t)COLS + 1, sizeof(cchar_t));

	(void)t;
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

attr_t tui_cell_attr(const struct tui *t, int y, int x, short *pair)
{
	cchar_t c;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t a = 0;
	short p = 0;

	(void)t;
	if (mvwin_wch(stdscr, y, x, &c) == ERR || getcchar(&c, wch, &a, &p, NULL) == ERR)
		return 0;
	if (pair)
		*pair = p;
	return a;
}
