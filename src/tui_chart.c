/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_chart.c - a row's pages over time as lines of text (tui_chart.h). No curses. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_chart.h"
#include "util.h"

#define LABEL_W 10 /* "1023.9 MiB" */

/* Dots a character has across and down. */
static int dots_x(int utf8)
{
	return utf8 ? 2 : 1;
}

static int dots_y(int utf8)
{
	return utf8 ? 4 : 3;
}

int chart_plot_cols(int w, int h, int utf8)
{
	int pw = w - LABEL_W - 1;

	return pw > 0 && h >= 4 ? pw * dots_x(utf8) : 0;
}

void chart_value(char *buf, size_t n, int64_t v, double page_size)
{
	if (page_size > 0)
		fmt_bytes(buf, n, (double)v * page_size);
	else
		fmt_count(buf, n, v);
}

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void spaces(struct out *o, int n)
{
	for (int i = 0; i < n; i++)
		put(o, " ", 1);
}

/* The cell a sample is in. */
static int cell_of(const struct chart *c, long sample, int pw)
{
	long x;

	if (sample < 0 || !c->nsamples)
		return -1;
	x = (long)((double)sample * pw / c->nsamples);
	return x < pw ? (int)x : pw - 1;
}

/* The dot (from the bottom, 0..dh-1) of a value. */
static int dot_of(int64_t v, int64_t lo, int64_t hi, int dh)
{
	double f = ((double)v - (double)lo) / ((double)hi - (double)lo);

	return (int)(f * (dh - 1) + 0.5);
}

/* Braille: the bit of the dot at column dx (0, 1) and row dy from the top (0..3). */
static unsigned braille_bit(int dx, int dy)
{
	static const unsigned bits[2][4] = { { 0x01, 0x02, 0x04, 0x40 },
					     { 0x08, 0x10, 0x20, 0x80 } };

	return bits[dx][dy];
}

static void put_braille(struct out *o, unsigned bits)
{
	char u[3] = { (char)0xe2, (char)(0xa0 | (bits >> 6)), (char)(0x80 | (bits & 0x3f)) };

	put(o, u, 3);
}

/* The smallest and largest value of each dot column; lo and hi over them all. */
static void columns(const struct chart *c, int dw, int64_t *dmin, int64_t *dmax, int64_t *lo,
		    int64_t *hi)
{
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (int d = 0; d < dw; d++) {
		int j0 = (int)((int64_t)d * c->ncols / dw);
		int j1 = (int)((int64_t)(d + 1) * c->ncols / dw);

		if (j1 <= j0)
			j1 = j0 + 1;
		dmin[d] = INT64_MAX;
		dmax[d] = INT64_MIN;
		for (int j = j0; j < j1 && j < c->ncols; j++) {
			if (c->cmin[j] < dmin[d])
				dmin[d] = c->cmin[j];
			if (c->cmax[j] > dmax[d])
				dmax[d] = c->cmax[j];
		}
		if (dmin[d] < *lo)
			*lo = dmin[d];
		if (dmax[d] > *hi)
			*hi = dmax[d];
	}
	if (c->base_sample >= 0) {
		if (c->base < *lo)
			*lo = c->base;
		if (c->base > *hi)
			*hi = c->base;
	}
	if (*hi == *lo) {
		if (*lo > 0)
			*lo = 0;
		else
			*hi = *lo + 1;
	}
}

/* The value axis: a label on the top, middle and bottom lines. */
static void axis_left(struct out *o, const struct chart *c, int r, int rows, int64_t lo,
		      int64_t hi)
{
	char label[64];
	int labelled = r == 0 || r == rows - 1 || (rows >= 5 && r == rows / 2);
	int64_t v;
	int n;

	if (!labelled) {
		spaces(o, LABEL_W);
		puts_(o, c->utf8 ? "│" : "|");
		return;
	}
	/* the value at the middle of the line */
	v = (int64_t)((double)lo + ((double)hi - (double)lo) * (rows - 1 - r) /
				      (rows > 1 ? rows - 1 : 1));
	chart_value(label, sizeof(label), v, c->page_size);
	n = (int)strlen(label);
	if (n > LABEL_W - 1)
		n = LABEL_W - 1;
	spaces(o, LABEL_W - 1 - n);
	put(o, label + strlen(label) - (size_t)n, (size_t)n);
	puts_(o, c->utf8 ? " ┤" : " +");
}

static void plot(struct out *o, const struct chart *c, int pw, int rows, const int64_t *dmin,
		 const int64_t *dmax, int64_t lo, int64_t hi)
{
	int dx = dots_x(c->utf8), dy = dots_y(c->utf8), dh = rows * dy;
	int base_dot = c->base_sample >= 0 ? dot_of(c->base, lo, hi, dh) : -1;

	for (int r = 0; r < rows; r++) {
		int top = (rows - 1 - r) * dy + dy - 1; /* the cell's top dot, from the bottom */

		axis_left(o, c, r, rows, lo, hi);
		for (int x = 0; x < pw; x++) {
			unsigned bits = 0;
			int first = -1, last = -1;

			for (int i = 0; i < dx; i++) {
				int d = x * dx + i, a = dot_of(dmin[d], lo, hi, dh),
				    b = dot_of(dmax[d], lo, hi, dh);

				for (int k = 0; k < dy; k++) {
					int dot = top - k;

					if (dot < a || dot > b)
						continue;
					bits |= c->utf8 ? braille_bit(i, k) : 1u << k;
					if (first < 0)
						first = k;
					last = k;
				}
			}
			if (c->utf8 && bits)
				put_braille(o, bits);
			else if (bits)
				put(o, first != last ? "|" : first == 0 ? "'" : first == 1 ? "-" : ".",
				    1);
			else if (base_dot >= top - dy + 1 && base_dot <= top)
				puts_(o, c->utf8 ? "┄" : "=");
			else
				put(o, " ", 1);
		}
		put(o, "\n", 1);
	}
}

/* The time axis with its marks, and the times under it. */
static void axis_time(struct out *o, const struct chart *c, int pw)
{
	const char *mark[3] = { c->utf8 ? "●" : "o", c->utf8 ? "◆" : "B", c->utf8 ? "▲" : "^" };
	int at[3] = { cell_of(c, c->mark_sample, pw), cell_of(c, c->base_sample, pw),
		      cell_of(c, c->peak_sample, pw) };
	char *line = xmalloc((size_t)pw + 1);
	int first = c->t_first ? (int)strlen(c->t_first) : 0;
	int lastw = c->t_last ? (int)strlen(c->t_last) : 0;
	int mid = c->t_mid ? (int)strlen(c->t_mid) : 0;

	spaces(o, LABEL_W);
	puts_(o, c->utf8 ? "└" : "+");
	for (int x = 0; x < pw; x++) {
		const char *g = c->utf8 ? "─" : "-";

		for (int i = 0; i < 3; i++) /* the peak over the baseline over the shown */
			if (at[i] == x)
				g = mark[i];
		puts_(o, g);
	}
	put(o, "\n", 1);
	/* times: the first under the axis' start, the last at its end, one in between */
	memset(line, ' ', (size_t)pw);
	line[pw] = '\0';
	if (first && first <= pw)
		memcpy(line, c->t_first, (size_t)first);
	if (lastw && first + 2 + lastw <= pw)
		memcpy(line + pw - lastw, c->t_last, (size_t)lastw);
	if (mid && first + 2 + mid + 2 + lastw <= pw) {
		int x = pw / 2 - mid / 2;

		if (x < first + 2)
			x = first + 2;
		if (x + mid + 2 <= pw - lastw)
			memcpy(line + x, c->t_mid, (size_t)mid);
	}
	spaces(o, LABEL_W + 1);
	{
		size_t n = strlen(line);

		while (n && line[n - 1] == ' ')
			n--;
		put(o, line, n);
	}
	put(o, "\n", 1);
	free(line);
}

char *chart_render(const struct chart *c, int w, int h)
{
	struct out o = { NULL, 0, 0 };
	int pw = w - LABEL_W - 1, rows = h - 3;

	puts_(&o, c->title ? c->title : "");
	put(&o, "\n", 1);
	if (pw >= 4 && rows >= 1 && c->ncols > 0 && c->nsamples) {
		int dw = pw * dots_x(c->utf8);
		int64_t *dmin = xreallocarray(NULL, (size_t)dw, sizeof(int64_t));
		int64_t *dmax = xreallocarray(NULL, (size_t)dw, sizeof(int64_t));
		int64_t lo, hi;

		columns(c, dw, dmin, dmax, &lo, &hi);
		plot(&o, c, pw, rows, dmin, dmax, lo, hi);
		axis_time(&o, c, pw);
		free(dmin);
		free(dmax);
	} else {
		for (int i = 1; i < h; i++)
			put(&o, "\n", 1);
	}
	return o.s;
}
