/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui.h - the interactive ncurses UI: a top for page_owner stacks.
 *
 * tui_run() takes over the terminal until the user quits (q), a signal arrives (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT: the terminal is restored either way) or -n samples were
 * shown. Settings come from the command line, else from the config file
 * ($XDG_CONFIG_HOME/pagetop/pagetoprc, see settings_file.h), else the defaults. */
#ifndef PAGETOP_TUI_H
#define PAGETOP_TUI_H

#include <stdio.h>

#include "model.h"
#include "source.h"
#include "tui_config.h"

/* Runs the UI until the user quits. Returns the exit status, or -1 when there is no
 * terminal to run on (standard output is not a terminal, TERM is unusable): the caller
 * then falls back to batch output. */
int tui_run(struct source *src, struct model *m, const struct tui_opts *o);

/* tui_run() step by step, as the headless tests drive it (tui_app.h: struct app). */
struct app;
struct app *tui_new(struct source *src, struct model *m, const struct tui_opts *o);
void tui_free(struct app *app);
/* Reads the config file (path NULL: the default one). */
void tui_load_config(struct app *app, const char *path);
/* Curses on these files (term NULL: $TERM). Returns 0 or -1. */
int tui_screen_open(struct app *app, FILE *out, FILE *in, const char *term);
void tui_screen_close(struct app *app);
/* Reads samples for at most budget_ms (< 0: until the source has no sample ready).
 * Returns how many. */
int tui_pump(struct app *app, int budget_ms);
/* Timers: the message that expires, the stall check, playing. */
void tui_tick(struct app *app);
/* Work ahead of the keys while none waits (the tree's memory), budget_ms of it. Returns
 * 1 when nothing is left to do. */
int tui_idle(struct app *app, double budget_ms);
void tui_key(struct app *app, int key);
/* Symbol answers arrived (or not: cheap to call). */
void tui_symbols(struct app *app);
/* Draws what changed. */
void tui_render(struct app *app);
/* The terminal is rows x cols now (SIGWINCH, or found on a return from a suspend): curses
 * and the screens follow, and the next frame draws every cell, also when the size is the
 * one curses had. Sizes below 1 (a hostile or broken ioctl) keep the old size.
 * Returns 0, or -1 when the size was refused. */
int tui_resize(struct app *app, int rows, int cols);

#endif
