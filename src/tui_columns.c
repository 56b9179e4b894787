/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_columns.c - the list's columns (tui_columns.h). */
#include "config.h"

#include "settings.h"
#include "tui_columns.h"
#include "tui_draw.h"
#include "util.h"

/* The columns are settings.h's, in its order: "set columns" names them by their bits. */
_Static_assert((int)COL__N == (int)SETTINGS_COLUMNS_N &&
	       (int)COL_LABEL == (int)SETTINGS_COLUMN_LABEL,
	       "enum col follows settings.h's columns");

static const int col_widths[COL__N] = { 8, 6, 7, 6, 5, 6, 7, 7, 8, 5, 8, 8, 0 };
#define LABEL_MIN 12

int col_width(enum col c)
{
	return (unsigned)c < COL__N ? col_widths[c] : 0;
}

const char *col_title(enum col c, const struct model *m, enum group_mode g)
{
	static const char *const utf8[COL__N] = {
		N_("PAGES"), N_("SIZE"), N_("CALLS"), N_("AVG"), "%", "Δ", "Δ/s", "ΔBASE",
		N_("TREND"), N_("SCORE"), N_("PEAK"), N_("FIRST"), NULL,
	};
	static const char *const ascii[COL__N] = {
		N_("PAGES"), N_("SIZE"), N_("CALLS"), N_("AVG"), "%", N_("DELTA"), N_("RATE"),
		N_("DBASE"), N_("TREND"), N_("SCORE"), N_("PEAK"), N_("FIRST"), NULL,
	};

	if (c == COL_PAGES && model_meta(m)->unit == UNIT_ALLOCS)
		return _("ALLOCS");
	if (c == COL_PAGES && model_meta(m)->unit == UNIT_BYTES)
		return _("BYTES");
	if (c == COL_LABEL) {
		switch (g) {
		case GROUP_FUNCTION: return _("FUNCTION");
		case GROUP_MODULE: return _("MODULE");
		case GROUP_FILE: return _("FILE");
		case GROUP_DIR: return _("DIRECTORY");
		default: return _("CALLER");
		}
	}
	return _(draw_utf8() ? utf8[c] : ascii[c]);
}

int col_of_key(enum sort_key k)
{
	static const int map[KEY__N] = {
		[KEY_PAGES] = COL_PAGES, [KEY_BYTES] = COL_BYTES, [KEY_DELTA] = COL_DELTA,
		[KEY_RATE] = COL_RATE, [KEY_DELTA_BASE] = COL_DELTA_BASE,
		[KEY_PEAK] = COL_PEAK, [KEY_SCORE] = COL_SCORE,
		[KEY_FIRST_SEEN] = COL_FIRST_SEEN, [KEY_LABEL] = COL_LABEL,
		[KEY_SHARE] = COL_SHARE, [KEY_CALLS] = COL_CALLS, [KEY_AVG] = COL_AVG,
	};

	return (unsigned)k < KEY__N ? map[k] : -1;
}

int key_of_col(enum col c)
{
	for (int k = 0; k < KEY__N; k++)
		if (col_of_key((enum sort_key)k) == (int)c)
			return k;
	return -1;
}

const char *sort_arrow(int ascending)
{
	if (draw_utf8())
		return ascending ? "▲" : "▼";
	return ascending ? "^" : "v";
}

int col_of_source(enum col c, const struct model *m)
{
	return (c != COL_CALLS && c != COL_AVG) || model_meta(m)->unit == UNIT_BYTES;
}

int cols_layout(const struct settings_columns *sc, const struct model *m, int width,
		enum col *cols)
{
	int n = 0, total = COL_MARK_WIDTH;

	for (int i = 0; i < COL__N; i++) {
		int c = sc->order[i];

		if (c != COL_LABEL && sc->mask & (1u << c) && col_of_source((enum col)c, m)) {
			cols[n++] = (enum col)c;
			total += col_widths[c] + 1;
		}
	}
	while (n > 0 && total + 1 + LABEL_MIN > width)
		total -= col_widths[cols[--n]] + 1;
	return n;
}

int cols_key_at(const struct settings_columns *sc, const struct model *m, int x)
{
	enum col cols[COL__N];
	int n = cols_layout(sc, m, COLS, cols), pos = COL_MARK_WIDTH;

	for (int i = 0; i < n; i++) {
		int end = pos + 1 + col_widths[cols[i]];

		if (x >= pos && x < end)
			return key_of_col(cols[i]);
		pos = end;
	}
	return x >= pos ? KEY_LABEL : -1;
}

void cols_count_text(char *buf, size_t n, const struct model *m, unsigned nstacks)
{
	if (model_meta(m)->unit == UNIT_BYTES)
		snprintf(buf, n, ngettext(" (%u call site)", " (%u call sites)", nstacks), nstacks);
	else
		snprintf(buf, n, ngettext(" (%u stack)", " (%u stacks)", nstacks), nstacks);
}
