/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_columns.h - the list's columns (settings.h names them, for "set columns"): their
 * widths and titles, which fit on a line of the terminal, and which sort key each one
 * shows. */
#ifndef PAGETOP_TUI_COLUMNS_H
#define PAGETOP_TUI_COLUMNS_H

#include "model.h"
#include "settings.h"

/* In settings.h's order of columns: bit c of the columns setting is column c. */
enum col {
	COL_PAGES, COL_BYTES, COL_CALLS, COL_AVG, COL_SHARE, COL_DELTA, COL_RATE, COL_DELTA_BASE, COL_TREND,
	COL_SCORE, COL_PEAK, COL_FIRST_SEEN, COL_LABEL, COL__N
};
/* Columns every row line starts with: the expansion mark. */
#define COL_MARK_WIDTH 2

/* Width of a column's cells (the label takes the rest of the line). */
int col_width(enum col c);
/* "PAGES", "Δ/s" (ASCII: "RATE"), "CALLER"... translated. */
const char *col_title(enum col c, const struct model *m, enum group_mode g);
/* The column of a sort key's values, or -1; and the reverse. */
int col_of_key(enum sort_key k);
int key_of_col(enum col c);
/* "▼" or "▲" (ASCII: "v", "^") after the sort column's title. */
const char *sort_arrow(int ascending);
/* Does m's source have column c (calls and avg: allocinfo's only)? */
int col_of_source(enum col c, const struct model *m);
/* The shown columns of m's source that fit before the label in width, in their order:
 * dropped from the right, the label last. Returns how many (cols has room for COL__N). */
int cols_layout(const struct settings_columns *c, const struct model *m, int width,
		enum col *cols);
/* The sort key of the title under screen column x of a title line as wide as the
 * terminal, or -1. */
int cols_key_at(const struct settings_columns *c, const struct model *m, int x);
/* " (12 stacks)" after a group's or a node's label; " (12 call sites)" for allocinfo. */
void cols_count_text(char *buf, size_t n, const struct model *m, unsigned nstacks);

#endif
