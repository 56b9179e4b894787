/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_actions.h - the app's actions (tui_actions.def) as small functions. A key goes to
 * the shown screen first (moving, expanding are the list's); what it passes on runs
 * here. Each action changes the app's state and returns what must follow (ACTION_*
 * bits, tui_app.h): the loop does it. */
#ifndef PAGETOP_TUI_ACTIONS_H
#define PAGETOP_TUI_ACTIONS_H

#include "tui_app.h"

/* Runs action a: ACTION_* bits (ACTION_DONE for an action that is not the app's). */
unsigned action_run(struct app *app, enum action a);
/* The master's sample into the recording, when one runs (after each sample). */
void action_record_sample(struct app *app);
/* What the source feeds: the master, or the master and the recording of a per-block
 * dump (the sink lives as long as the recording). */
struct sink action_record_sink(struct app *app);
/* Ends the recording, if one runs, cleanly; 0, or -1 with err. */
int action_record_close(struct app *app, struct pt_err *err);
/* The live source samples every secs seconds from now; other sources keep it for W. */
void action_set_interval(struct app *app, double secs);

#endif
