/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_prompt.h - the prompt on the status line: a label and a line of text typed after
 * it (Backspace, ^U, Enter, Esc or ^G), or one key that picks from a menu (the sort
 * picker). Who starts a prompt gives what to do with the answer (struct prompt_ops); the
 * prompt itself knows nothing else. */
#ifndef PAGETOP_TUI_PROMPT_H
#define PAGETOP_TUI_PROMPT_H

#include <stddef.h>
#include <wchar.h>

#include "tui_draw.h"
#include "tui_keys.h"

struct app;

/* Callbacks return ACTION_* bits (tui_keys.h); any may be NULL. */
struct prompt_ops {
	const char *label;  /* untranslated: "Search: " */
	/* Enter: the text typed (the prompt is closed already) */
	unsigned (*accept)(struct app *app, const char *text);
	/* Esc or ^G */
	unsigned (*cancel)(struct app *app);
	/* the text changed (an incremental search) */
	unsigned (*edit)(struct app *app, const char *text);
	/* drawn after the text in the error's look, or NULL: "(not found)" */
	const char *(*note)(struct app *app, const char *text);
	/* a menu instead of a text: the next key is the answer (the prompt closes first);
	 * menu writes what follows the label */
	unsigned (*choose)(struct app *app, int key);
	void (*menu)(struct app *app, char *buf, size_t n);
};

struct prompt {
	const struct prompt_ops *ops;   /* NULL: no prompt */
	wchar_t text[256];
	size_t len;
};

/* Starts a prompt with text already typed (initial, or NULL). */
void prompt_start(struct prompt *p, const struct prompt_ops *ops, const char *initial);
/* A key while the prompt p of app is open: ACTION_* bits. */
unsigned prompt_key(struct prompt *p, struct app *app, int key);
/* The text typed as a multibyte string. */
void prompt_text(const struct prompt *p, char *buf, size_t n);
/* The prompt on the status line, the terminal's cursor after the text. */
void prompt_draw(const struct prompt *p, struct app *app, struct pen *pen);

#endif
