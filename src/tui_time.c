/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_time.c - the shown sample (tui_time.h).
 *
 * Going back rebuilds a model from the first sample: at 100,000 stacks that is ~35 ms a
 * sample. Small rebuilds happen at once; bigger ones run a slice per turn of the loop
 * (time_build_step) while the screen keeps showing the old sample. */
#include "config.h"

#include <string.h>

#include "tui_status.h"
#include "tui_time.h"

#define SYNC_WORK 3000000.0 /* stacks fed to a replica at once, ~100 ms */

void time_init(struct app *app)
{
	struct timeline *tl = &app->time;

	if (app->series)
		tl->tape = replay_tape_new();
	tl->play_speed = 1;
	tl->sync_work = SYNC_WORK;
	tl->build_slice_ms = 30;
	tl->start_best = -1;
}

void time_free(struct app *app)
{
	replay_free(&app->time.replica);
	replay_free(&app->time.build);
	replay_tape_free(app->time.tape);
}

/* Shows the replica (or the master when there is none) at sample k. */
static void show_replica(struct app *app, uint32_t k)
{
	app->model = app->time.replica.m ? app->time.replica.m : app->master;
	app->time.pos = k;
	app_changed(app, UPDATE_MODEL | UPDATE_VIEW);
}

static void build_cancel(struct app *app)
{
	replay_free(&app->time.build);
	app->time.building = 0;
}

int time_build_step(struct app *app, int budget_ms)
{
	struct timeline *tl = &app->time;
	double t0 = time_mono();
	struct pt_err err;

	if (!tl->building)
		return 1;
	while (tl->build.next <= tl->build_target) {
		if (replay_advance(&tl->build, tl->tape, app->master, tl->build.next, tl->baseline,
				    &err) < 0) {
			status_message(app, 1, "%s", err.msg);
			build_cancel(app);
			return 1;
		}
		if (budget_ms >= 0 && (time_mono() - t0) * 1e3 >= budget_ms)
			break;
	}
	app->dirty = 1; /* the header shows how far it got */
	if (tl->build.next <= tl->build_target)
		return 0;
	replay_free(&tl->replica);
	tl->replica = tl->build;
	memset(&tl->build, 0, sizeof(tl->build));
	tl->building = 0;
	show_replica(app, tl->build_target);
	return 1;
}

void time_goto(struct app *app, long k)
{
	struct timeline *tl = &app->time;
	struct pt_err err;
	uint32_t last;
	double work;

	if (!app->series) {
		status_message(app, 0, "%s", _("going back needs a recording or a folder of snapshots; this source is live"));
		return;
	}
	if (!app->nread)
		return;
	last = (uint32_t)(app->nread - 1);
	if (k < 0)
		k = 0;
	if (k > (long)last)
		k = last;
	if ((uint32_t)k == last && model_baseline_sample(app->master) == tl->baseline) {
		build_cancel(app);
		replay_free(&tl->replica);
		show_replica(app, (uint32_t)k);
		return;
	}
	if (tl->replica.m && app->model == tl->replica.m && tl->replica.next <= (uint32_t)k + 1) {
		/* forward from the replica on screen: a sample at a time, cheap */
		build_cancel(app);
		if (replay_advance(&tl->replica, tl->tape, app->master, (uint32_t)k, tl->baseline,
				    &err) < 0) {
			status_message(app, 1, "%s", err.msg);
			replay_free(&tl->replica);
			k = last;
		}
		show_replica(app, (uint32_t)k);
		return;
	}
	if (tl->building && tl->build.next <= (uint32_t)k + 1) {
		tl->build_target = (uint32_t)k; /* on the way there already */
		return;
	}
	build_cancel(app);
	replay_init(&tl->build, (const char *const *)app->settings.alloc, app->settings.nalloc);
	tl->building = 1;
	tl->build_target = (uint32_t)k;
	work = ((double)k + 1) * (double)model_nstacks(app->master);
	time_build_step(app, work <= tl->sync_work ? -1 : tl->build_slice_ms);
}

void time_start_check(struct app *app)
{
	struct timeline *tl = &app->time;
	int ended = app->src_end || app->src_error;
	struct pt_err err;
	uint64_t k;

	if (tl->start.pick == SAMPLE_NONE || !app->nread)
		return;
	if (tl->start.pick == SAMPLE_PEAK && !ended) {
		int64_t t = model_total_pages(app->master);

		if (t > tl->start_best) {
			tl->start_best = t;
			tl->start_peak = (uint32_t)(app->nread - 1);
		}
	}
	if (!ended) {
		/* @N as soon as a later sample came: the newest is shown as it grows */
		if (sample_sel_needs_end(&tl->start))
			return;
		k = tl->start.pick == SAMPLE_AT ? tl->start.n : 0;
		if (k + 1 >= (uint64_t)app->nread)
			return;
	} else if (sample_sel_resolve(&tl->start, (uint64_t)app->nread, tl->start_peak, &k,
				      &err) < 0) {
		char sel[32];

		status_message(app, 1, _("%s: %s; showing the last sample"),
			       sample_sel_str(&tl->start, sel, sizeof(sel)), err.msg);
		tl->start.pick = SAMPLE_NONE;
		return;
	}
	tl->start.pick = SAMPLE_NONE;
	if (app->series)
		time_goto(app, (long)k);
}

/* A build under way took the old baseline: start it again. */
static void build_restart(struct app *app)
{
	uint32_t k = app->time.build_target;

	if (!app->time.building)
		return;
	build_cancel(app);
	time_goto(app, k);
}

void time_set_baseline(struct app *app)
{
	struct timeline *tl = &app->time;

	if (!model_nsamples(app->model))
		return;
	model_set_baseline(app->model);
	tl->baseline = app->model == app->master ? model_baseline_sample(app->master) : tl->pos;
	build_restart(app);
	if (app->pause.on)
		status_message(app, 0, _("baseline set to sample %u (the newest; the display was refreshed)"),
			       tl->baseline + 1);
	else
		status_message(app, 0, _("baseline set to sample %u"), tl->baseline + 1);
}

void time_reset_baseline(struct app *app)
{
	struct timeline *tl = &app->time;

	tl->baseline = 0;
	model_reset_baseline(app->master);
	if (tl->replica.m)
		model_reset_baseline(tl->replica.m);
	if (app->series && tl->replica.m)
		time_goto(app, tl->pos);
	build_restart(app);
	status_message(app, 0, "%s", _("baseline back to the first sample"));
}

/* Seconds until the next sample is shown, as recorded at the speed (at most 10). */
static double play_delay(const struct app *app)
{
	const struct timeline *tl = &app->time;
	double dt;

	if (tl->play_speed <= 0 || tl->pos + 1 >= (uint64_t)app->nread)
		return 0;
	dt = model_time_at(app->master, tl->pos + 1) - model_time_at(app->master, tl->pos);
	dt /= tl->play_speed;
	return dt < 0 ? 0 : dt > 10 ? 10 : dt;
}

void time_play(struct app *app, double speed)
{
	struct timeline *tl = &app->time;

	if (!app->series) {
		status_message(app, 0, "%s", _("playing needs a recording or a folder of snapshots"));
		return;
	}
	tl->play_speed = speed;
	if (app->nread && tl->pos + 1 >= (uint64_t)app->nread && (app->src_end || app->src_error))
		time_goto(app, 0);
	tl->playing = 1;
	tl->play_next = app_now(app) + play_delay(app);
}

void time_tick(struct app *app)
{
	struct timeline *tl = &app->time;
	double now = app_now(app);

	if (!tl->playing || tl->building || now < tl->play_next)
		return;
	if (tl->pos + 1 >= (uint64_t)app->nread) {
		if (app->src_end || app->src_error) {
			tl->playing = 0;
			status_message(app, 0, "%s", _("end of the series"));
		}
		return;
	}
	time_goto(app, (long)tl->pos + 1);
	tl->play_next = now + play_delay(app);
}
