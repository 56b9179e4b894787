/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_status.h - the header (the first three lines of the list) and the status line (the
 * last line of every screen): a prompt, a message, progress, or the hints, which name
 * the keys bound now. */
#ifndef PAGETOP_TUI_STATUS_H
#define PAGETOP_TUI_STATUS_H

#include "tui_app.h"

/* A message on the status line for a while (err: in the error's look, and longer). */
void status_message(struct app *app, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Timers: the message goes, the source's stall is shown or goes. */
void status_tick(struct app *app);
/* "10:15:00  sample 70/90 ●━━━────" (less on a narrow terminal): the shown sample. */
void status_sample_text(const struct app *app, char *buf, size_t n);
/* The header over the rows of view v. */
void status_draw_header(const struct app *app, const struct view *v);
void status_draw_line(struct app *app);
/* "? help  q quit  ..." from the key map (for the tests, and drawn when nothing else is). */
void status_hints(const struct app *app, char *buf, size_t n);

#endif
