/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_time.h - which sample is shown. Live: the newest. A series (folder, recording,
 * files): any, going back through a replica built from the tape (model_replay.h), in slices
 * of the loop's turns when that is big, while the screen keeps the old sample and keys
 * keep working. Also the baseline, and playing a series at a speed. */
#ifndef PAGETOP_TUI_TIME_H
#define PAGETOP_TUI_TIME_H

#include "tui_app.h"

void time_init(struct app *app);
void time_free(struct app *app);
/* SOURCE@SEL: after each sample read and at the end of the series, goes to the sample
 * asked for once the series has it; says why not when it has too few. */
void time_start_check(struct app *app);
/* Goes to sample k of the series (clamped to those read). */
void time_goto(struct app *app, long k);
/* Works on a rebuild under way for at most budget_ms (< 0: to the end). 1 when none is
 * left. */
int time_build_step(struct app *app, int budget_ms);
/* The baseline to the shown sample, or back to the first. */
void time_set_baseline(struct app *app);
void time_reset_baseline(struct app *app);
/* Plays the series at speed (1 real time, 0 as fast as possible); from the start when at
 * the end of a complete series. */
void time_play(struct app *app, double speed);
/* Playing: the next sample when its time has come. */
void time_tick(struct app *app);

#endif
