/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_prompt.c - the status line's prompt (tui_prompt.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui_prompt.h"
#include "util.h"

void prompt_start(struct prompt *p, const struct prompt_ops *ops, const char *initial)
{
	p->ops = ops;
	p->len = 0;
	if (initial) {
		mbstate_t st;
		const char *s = initial;

		memset(&st, 0, sizeof(st));
		p->len = mbsrtowcs(p->text, &s, ARRAY_SIZE(p->text) - 1, &st);
		if (p->len == (size_t)-1)
			p->len = 0;
	}
	p->text[p->len] = L'\0';
}

void prompt_text(const struct prompt *p, char *buf, size_t n)
{
	const wchar_t *w = p->text;
	mbstate_t st;
	size_t k;

	memset(&st, 0, sizeof(st));
	k = wcsrtombs(buf, &w, n - 1, &st);
	buf[k == (size_t)-1 ? 0 : k] = '\0';
}

/* Backspace, ^U or a character: 1 when the text changed that way. */
static int edit_key(struct prompt *p, int key)
{
	if (key == 127 || key == 8 || key == (TK_FN | KEY_BACKSPACE)) {
		if (p->len)
			p->text[--p->len] = L'\0';
	} else if (key == TK_CTRL('U')) {
		p->len = 0;
		p->text[0] = L'\0';
	} else if (!(key & TK_FN) && key >= 32 && key != 127) {
		if (p->len + 1 < ARRAY_SIZE(p->text)) {
			p->text[p->len++] = (wchar_t)key;
			p->text[p->len] = L'\0';
		}
	} else {
		return 0;
	}
	return 1;
}

unsigned prompt_key(struct prompt *p, struct app *app, int key)
{
	const struct prompt_ops *ops = p->ops;
	char text[1024];

	if (ops->choose) {
		p->ops = NULL;
		return ops->choose(app, key) | ACTION_REDRAW;
	}
	if (key == '\n' || key == (TK_FN | KEY_ENTER)) {
		prompt_text(p, text, sizeof(text));
		p->ops = NULL;
		return (ops->accept ? ops->accept(app, text) : 0) | ACTION_REDRAW;
	}
	if (key == 27 || key == TK_CTRL('G')) {
		p->ops = NULL;
		return (ops->cancel ? ops->cancel(app) : 0) | ACTION_REDRAW;
	}
	if (!edit_key(p, key))
		return ACTION_DONE;
	if (!ops->edit)
		return ACTION_REDRAW;
	prompt_text(p, text, sizeof(text));
	return ops->edit(app, text) | ACTION_REDRAW;
}

void prompt_draw(const struct prompt *p, struct app *app, struct pen *pen)
{
	const struct prompt_ops *ops = p->ops;
	const char *note;
	char buf[1024];
	int cx;

	if (ops->choose) {
		size_t len = (size_t)snprintf(buf, sizeof(buf), "%s", _(ops->label));

		if (ops->menu)
			ops->menu(app, buf + len, sizeof(buf) - len);
		pen_put(pen, buf, A_BOLD);
		return;
	}
	pen_put(pen, _(ops->label), A_BOLD);
	prompt_text(p, buf, sizeof(buf));
	pen_put(pen, buf, A_NORMAL);
	cx = pen->x < COLS ? pen->x : COLS - 1;
	note = ops->note ? ops->note(app, buf) : NULL;
	if (note)
		pen_put(pen, note, role_attr(ROLE_ERROR));
	wmove(stdscr, pen->y, cx);
	curs_set(1);
}
