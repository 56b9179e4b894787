/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_chart.h - a row's pages over time as lines of text: the chart panel's drawing
 * without curses, so that tests compare it to the letter.
 *
 * A chart of w columns and h lines: the title, h - 3 lines of plot with the pages on
 * the left (the largest at the top, the smallest at the bottom, with units), the time
 * axis with the peak (▲), the baseline (◆) and the shown sample (●) marked, and the
 * times under it. The plot draws each column's smallest to largest value, in braille
 * (2 x 4 dots a character) in UTF-8, in ASCII ('.', '-', '\'' for a third of a line,
 * '|' for more) elsewhere; the baseline's value is a dotted line where nothing else is. */
#ifndef PAGETOP_TUI_CHART_H
#define PAGETOP_TUI_CHART_H

#include <stdint.h>

struct chart {
	const int64_t *cmin, *cmax; /* the columns of model_chart() */
	int ncols;
	uint32_t nsamples;          /* the samples they cover, from the first */
	long peak_sample;           /* -1: none */
	int64_t base;               /* the baseline's value */
	long base_sample;           /* -1: none */
	long mark_sample;           /* the shown sample, -1: none */
	double page_size;           /* bytes a page; 0: plain counts (allocations) */
	const char *title;          /* the first line, as it is */
	const char *t_first, *t_mid, *t_last; /* times under the axis */
	int utf8;
};

/* The columns of data a chart of w columns plots (ask model_chart() for as many). */
int chart_plot_cols(int w, int h, int utf8);
/* The chart as h lines, each ended by '\n' (malloc'ed). */
char *chart_render(const struct chart *c, int w, int h);
/* A value as the chart labels it: "12.0 MiB" (pages), "1,234" (counts). */
void chart_value(char *buf, size_t n, int64_t v, double page_size);

#endif
