/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_pager.c - lines of text and the pager (tui_pager.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_pager.h"
#include "util.h"

void lines_add(struct lines *l, attr_t a, const char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].text = xstrdup(text);
	l->v[l->n++].attr = a;
}

/* Bytes of text's longest run of words that fits in avail columns; 0 when even the
 * first word does not. */
static size_t words_that_fit(const char *text, int avail)
{
	size_t len = 0, fit = 0;
	int cols = 0;

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
		w = text_width(word);
		if (fit && cols + w > avail)
			break;
		cols += w;
		len = fit = e;
		if (cols >= avail)
			break;
	}
	return fit;
}

void lines_wrap(struct lines *l, attr_t a, int indent, const char *text, int width)
{
	char line[1024];
	int avail = width - indent > 20 ? width - indent : 20;

	while (*text == ' ')
		text++;
	while (*text) {
		size_t fit = words_that_fit(text, avail);

		if (!fit) /* a word longer than the screen (or than the buffer) */
			for (fit = 0; text[fit] && text[fit] != ' '; fit++)
				;
		snprintf(line, sizeof(line), "%*s%.*s", indent, "", (int)fit, text);
		lines_add(l, a, line);
		text += fit;
		while (*text == ' ')
			text++;
	}
}

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Lines between the title and the status line. */
static int pager_body(void)
{
	return LINES - 1 - draw_bottom_lines();
}

void pager_draw(struct pager *pager, const char *title, const struct lines *l)
{
	struct pen p = PEN_AT(0, 0);
	int body = pager_body(), max;

	pen_put(&p, title, A_BOLD);
	pager->nlines = (int)l->n;
	max = pager->nlines - body;
	if (pager->top > max)
		pager->top = max;
	if (pager->top < 0)
		pager->top = 0;
	for (int y = 1, i = pager->top; y <= body && i < (int)l->n; y++, i++) {
		struct pen q = PEN_AT(y, 0);

		pen_put(&q, l->v[i].text, l->v[i].attr);
	}
}

/* Scrolls for a moving action. 0 for any other action, or when all lines fit. */
static int pager_scroll(struct pager *pager, enum action a)
{
	int body = pager_body(), max = pager->nlines - body;

	if (max <= 0)
		return 0;
	switch (a) {
	case ACT_UP: pager->top--; break;
	case ACT_DOWN: pager->top++; break;
	case ACT_PAGE_UP: pager->top -= body; break;
	case ACT_PAGE_DOWN: pager->top += body; break;
	case ACT_FIRST: pager->top = 0; break;
	case ACT_LAST: pager->top = max; break;
	default: return 0;
	}
	if (pager->top > max)
		pager->top = max;
	if (pager->top < 0)
		pager->top = 0;
	return 1;
}

unsigned pager_key(struct screen *s, enum action a, int key)
{
	(void)key;
	if (!pager_scroll(PAGER(s), a))
		app_show(s->app, s->app->home);
	return ACTION_REDRAW;
}

unsigned pager_mouse(struct screen *s, const MEVENT *ev)
{
	(void)ev;
	app_show(s->app, s->app->home);
	return ACTION_REDRAW;
}
