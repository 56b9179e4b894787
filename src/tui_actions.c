/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_actions.c - the app's actions (tui_actions.h), the prompts they open, and what
 * they write: snapshots, recordings, the kernel's count_threshold. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util_asuser.h"
#include "cmd_record.h"
#include "output_recording.h"
#include "settings.h"
#include "source_live.h"
#include "tui_actions.h"
#include "tui_attrib.h"
#include "tui_columns.h"
#include "tui_list.h"
#include "tui_status.h"
#include "tui_time.h"

#define REBUILD (ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION)

/* ---- sorting ---- */

static unsigned sort_to(struct app *app, enum sort_key k)
{
	return sort_set(&app->settings.view, k) ? REBUILD : ACTION_REDRAW;
}

/* allocinfo's keys past the digits: c and a, as the columns' first letters */
static int has_calls(const struct app *app)
{
	return col_of_source(COL_CALLS, app->model);
}

static unsigned sort_choose(struct app *app, int key)
{
	int i = key == '0' ? 9 : key - '1'; /* the digits as on the keyboard: 1 .. 9, 0 */

	if (key >= '0' && key <= '9' && i < (int)ARRAY_SIZE(settings_sort_menu))
		return sort_to(app, settings_sort_menu[i]);
	if ((key == 'c' || key == 'a') && has_calls(app))
		return sort_to(app, key == 'c' ? KEY_CALLS : KEY_AVG);
	return ACTION_REDRAW;
}

/* "1 PAGES  2 SIZE ... 0 %  c CALLS  a AVG  (Esc cancels)" */
static void sort_menu(struct app *app, char *buf, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(settings_sort_menu) && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%zu %s  ", (i + 1) % 10,
					col_title((enum col)col_of_key(settings_sort_menu[i]),
						  app->model, app->settings.view.group));
	if (has_calls(app) && len < n)
		len += (size_t)snprintf(buf + len, n - len, "c %s  a %s  ",
					col_title(COL_CALLS, app->model, app->settings.view.group),
					col_title(COL_AVG, app->model, app->settings.view.group));
	if (len < n)
		snprintf(buf + len, n - len, "%s", _("(Esc cancels)"));
}

static const struct prompt_ops sort_prompt = {
	.label = N_("Sort by: "),
	.choose = sort_choose,
	.menu = sort_menu,
};

static unsigned act_sort_pick(struct app *app)
{
	prompt_start(&app->prompt, &sort_prompt, NULL);
	return ACTION_REDRAW;
}

static unsigned act_sort_prev(struct app *app)
{
	return sort_to(app, sort_step(&app->settings.view, has_calls(app), -1));
}

static unsigned act_sort_next(struct app *app)
{
	return sort_to(app, sort_step(&app->settings.view, has_calls(app), 1));
}

static unsigned act_sort_reverse(struct app *app)
{
	app->settings.view.ascending = !app->settings.view.ascending;
	return REBUILD;
}

/* ---- the threshold, and the kernel's ---- */

static int is_live(const struct app *app)
{
	struct live_stats ls;

	return live_get_stats(app->src, &ls) == 0;
}

/* Writes the threshold to the kernel too (value < 0: puts the kernel's back). */
static int kernel_threshold_write(struct app *app, long value)
{
	struct pt_err err;

	if (live_set_kernel_threshold(app->src, value, &err) < 0) {
		status_message(app, 1, "%s", err.msg);
		return -1;
	}
	app->kernel_threshold = value;
	return 0;
}

/* The threshold in pages for the kernel: bytes with the input's page size; -1 for a
 * percentage, which changes with every sample and stays in pagetop. */
static long kernel_pages(const struct app *app, const struct threshold *t)
{
	if (t->unit == THRESH_PERCENT)
		return -1;
	return (long)threshold_pages(t, model_page_size(app->model), 0);
}

static unsigned act_kernel_threshold(struct app *app)
{
	const struct threshold *t = &app->settings.view.threshold;

	if (!is_live(app)) {
		status_message(app, 0, "%s", _("the kernel's count_threshold only matters for the live kernel"));
	} else if (app->kernel_threshold >= 0) {
		if (kernel_threshold_write(app, -1) == 0)
			status_message(app, 0, "%s", _("the kernel's count_threshold is back to its value"));
	} else if (!t->value) {
		status_message(app, 0, "%s", _("no threshold to write: + or t sets one first"));
	} else if (t->unit == THRESH_PERCENT) {
		status_message(app, 1, "%s", _("a threshold in percent stays in pagetop: the kernel's count_threshold takes pages or bytes"));
	} else if (kernel_threshold_write(app, kernel_pages(app, t)) == 0) {
		status_message(app, 0, _("the kernel's count_threshold is %ld for the whole machine until K again or the end"),
			       app->kernel_threshold);
	}
	return ACTION_REDRAW;
}

static unsigned threshold_to(struct app *app, struct threshold t)
{
	char *text;

	app->settings.view.threshold = t;
	/* while K is on, the kernel's threshold follows pagetop's, in pages */
	if (app->kernel_threshold >= 0) {
		long pages = t.value ? kernel_pages(app, &t) : -1;

		if (pages < 0 && t.value) {
			if (kernel_threshold_write(app, -1) == 0)
				status_message(app, 0, "%s", _("a threshold in percent stays in pagetop: the kernel's count_threshold is back to its value"));
			return REBUILD;
		}
		if (app->kernel_threshold != pages)
			kernel_threshold_write(app, pages);
	}
	if (!t.value) {
		status_message(app, 0, "%s", _("no threshold"));
	} else if (t.unit == THRESH_PAGES && model_meta(app->model)->unit == UNIT_BYTES) {
		status_message(app, 0, _("rows smaller than %lld bytes hidden"), (long long)t.value);
	} else if (t.unit == THRESH_PAGES) {
		status_message(app, 0, _("rows with fewer than %lld pages hidden"), (long long)t.value);
	} else {
		text = threshold_text(&t);
		if (t.unit == THRESH_BYTES)
			/* TRANSLATORS: "rows smaller than 64M hidden" */
			status_message(app, 0, _("rows smaller than %s hidden"), text);
		else if (model_meta(app->model)->unit == UNIT_BYTES)
			/* TRANSLATORS: "rows with less than 0.5% of the bytes hidden" */
			status_message(app, 0, _("rows with less than %s of the bytes hidden"), text);
		else
			/* TRANSLATORS: "rows with less than 0.5% of the pages hidden" */
			status_message(app, 0, _("rows with less than %s of the pages hidden"), text);
		free(text);
	}
	return REBUILD;
}

/* The next value up or down the steps 1, 2, 5, 10, 20, 50, ... from lo (down from lo:
 * 0), never past hi. */
static int64_t step_125(int64_t v, int up, int64_t lo, int64_t hi)
{
	int64_t d = lo, best = 0;

	if (up) {
		for (;;) {
			for (int m = 1; m <= 5; m += m == 2 ? 3 : 1)
				if (d * m > v)
					return d * m < hi ? d * m : hi;
			if (d > INT64_MAX / 100)
				return v;
			d *= 10;
		}
	}
	if (v <= lo)
		return 0;
	for (;; d *= 10) {
		for (int m = 1; m <= 5; m += m == 2 ? 3 : 1) {
			if (d * m >= v)
				return best;
			best = d * m;
		}
		if (d > INT64_MAX / 100)
			return best;
	}
}

/* Powers of two from lo (down from lo: 0). */
static int64_t step_pow2(int64_t v, int up, int64_t lo)
{
	int64_t p = lo;

	if (up) {
		while (p <= v && p <= INT64_MAX / 2)
			p *= 2;
		return p > v ? p : v;
	}
	if (v <= lo)
		return 0;
	while (p * 2 < v)
		p *= 2;
	return p;
}

/* The next threshold up or down in its unit: pages 1, 2, 5, 10, ...; bytes 4K, 8K, 16K,
 * ...; percentages 0.01%, 0.02%, 0.05%, 0.1%, ... up to 100%. */
static struct threshold threshold_step(struct threshold t, int up)
{
	switch (t.unit) {
	case THRESH_PAGES:
		t.value = step_125(t.value, up, 1, (int64_t)1e15);
		break;
	case THRESH_BYTES:
		t.value = step_pow2(t.value, up, 4096);
		break;
	case THRESH_PERCENT:
		t.value = step_125(t.value, up, THRESH_PERCENT_ONE / 100,
				   100 * THRESH_PERCENT_ONE);
		break;
	}
	return t;
}

/* The threshold + and - step from: a source counted in bytes (allocinfo) steps in bytes,
 * where a plain number already means bytes. */
static struct threshold threshold_stepped(const struct app *app, int up)
{
	struct threshold t = app->settings.view.threshold;

	if (t.unit == THRESH_PAGES && model_meta(app->model)->unit == UNIT_BYTES)
		t.unit = THRESH_BYTES;
	return threshold_step(t, up);
}

static unsigned act_threshold_up(struct app *app)
{
	return threshold_to(app, threshold_stepped(app, 1));
}

static unsigned act_threshold_down(struct app *app)
{
	return threshold_to(app, threshold_stepped(app, 0));
}

/* 0: none, in the unit in use (+ goes on in it) */
static unsigned act_threshold_clear(struct app *app)
{
	struct threshold t = app->settings.view.threshold;

	t.value = 0;
	return threshold_to(app, t);
}

static unsigned threshold_accept(struct app *app, const char *text)
{
	struct pt_err err;
	struct setting_value v;

	if (settings_parse(SETTING_THRESHOLD, text, &v, SETTING_FROM_PROMPT, &err) < 0) {
		status_message(app, 1, "%s", err.msg);
		return ACTION_REDRAW;
	}
	return threshold_to(app, v.threshold);
}

static const struct prompt_ops threshold_prompt = {
	/* TRANSLATORS: the prompt of t; the examples are what it takes, not to translate */
	.label = N_("Threshold (64, 64M, 0.5%): "),
	.accept = threshold_accept,
};

static unsigned act_threshold_set(struct app *app)
{
	char *text = threshold_text(&app->settings.view.threshold);

	prompt_start(&app->prompt, &threshold_prompt,
		     app->settings.view.threshold.value ? text : NULL);
	free(text);
	return ACTION_REDRAW;
}

/* ---- search, filters, groups ---- */

static unsigned act_search(struct app *app)
{
	list_search_begin(app->list);
	return ACTION_REDRAW;
}

static unsigned filter_accept(struct app *app, const char *text)
{
	struct tui_settings *s = &app->settings;
	struct filter *f;
	struct pt_err err;

	if (!text[0])
		return ACTION_REDRAW;
	if (s->nfilters >= TUI_FILTERS_MAX) {
		status_message(app, 1, _("at most %d filters: F clears them"), TUI_FILTERS_MAX);
		return ACTION_REDRAW;
	}
	f = filter_new(&text, 1, &err);
	if (!f) {
		status_message(app, 1, "%s", err.msg);
		return ACTION_REDRAW;
	}
	filter_free(f);
	if (!s->own_filter && s->view.filter)
		status_message(app, 0, "%s", _("the command line's filters give way to this one"));
	s->filters[s->nfilters++] = xstrdup(text);
	if (tui_settings_filters_rebuild(s, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	return REBUILD;
}

static const struct prompt_ops filter_prompt = {
	.label = N_("Filter (regex, !regex hides): "),
	.accept = filter_accept,
};

static unsigned act_filter(struct app *app)
{
	prompt_start(&app->prompt, &filter_prompt, NULL);
	return ACTION_REDRAW;
}

static unsigned act_filter_clear(struct app *app)
{
	struct tui_settings *s = &app->settings;
	struct pt_err err;

	for (size_t i = 0; i < s->nfilters; i++)
		free(s->filters[i]);
	s->nfilters = 0;
	tui_settings_filters_rebuild(s, &err);
	status_message(app, 0, "%s", _("filters cleared"));
	return REBUILD;
}

static unsigned act_group(struct app *app)
{
	struct view_opts *vo = &app->settings.view;

	vo->group = (enum group_mode)((vo->group + 1) % GROUP__N);
	/* files and directories are allocinfo's */
	if (vo->group >= GROUP_FILE && model_meta(app->model)->unit != UNIT_BYTES)
		vo->group = GROUP_STACK;
	/* then the per-block dump's keys, on the blocks' screen */
	if (vo->group == GROUP_STACK && attrib_screen_usable(app)) {
		attrib_screen_show(app, AK_STACK);
		return ACTION_REBUILD_VIEW; /* the list, by stack again, for Esc */
	}
	status_message(app, 0, _("grouped by %s"), group_name(vo->group));
	return ACTION_REBUILD_VIEW; /* rows of another kind: the cursor goes to the top */
}

/* A: the live kernel's other source (page_owner, allocinfo). The model starts afresh (the
 * units differ); the settings stay, but for keys and groups the new source has not. */
static unsigned act_source(struct app *app)
{
	struct view_opts *vo = &app->settings.view;
	const struct source_meta *mt;
	struct sink sink = model_sink(app->master);
	long page_size = model_page_size(app->master);
	struct live_stats ls;
	struct pt_err err;

	if (app->recording.rec) {
		status_message(app, 1, "%s", _("a recording holds one source: stop it (R) before switching"));
		return ACTION_REDRAW;
	}
	if (live_switch(app->src, &err) < 0) {
		status_message(app, 1, "%s", err.msg);
		return ACTION_REDRAW;
	}
	list_release(app->list);
	model_reset(app->master);
	/* a threshold in the old source's units goes on in bytes, which both count */
	if (vo->threshold.unit == THRESH_PAGES && vo->threshold.value)
		vo->threshold = (struct threshold){ THRESH_BYTES, vo->threshold.value * page_size };
	mt = source_meta(app->src);
	sink.ops->meta(sink.self, mt, &err); /* the header names it before its first sample */
	app->model = app->master;
	app->nread = 0;
	app->fail_seen = -1;
	app->kernel_threshold = -1; /* put back by the old source */
	app->src_end = app->src_error = 0;
	app->time.pos = 0;
	if (live_get_stats(app->src, &ls) == 0)
		app->settings.interval = ls.interval;
	if (mt->unit != UNIT_BYTES && (vo->key == KEY_CALLS || vo->key == KEY_AVG))
		sort_set(vo, KEY_PAGES);
	if (mt->unit != UNIT_BYTES && vo->group >= GROUP_FILE)
		vo->group = GROUP_STACK;
	status_message(app, 0, _("source: %s (A switches back)"), iface_name(mt->iface));
	/* frame ids mean other frames now: the tree's lines per frame are looked up again */
	app_changed(app, UPDATE_VIEW | UPDATE_SELECTION | UPDATE_MODEL | UPDATE_SYMBOLS);
	return ACTION_REDRAW_ALL;
}

static unsigned act_group_second(struct app *app)
{
	status_message(app, 1, "%s", attrib_screen_usable(app)
		       ? _("groups expand into another key on the blocks' screen: g past module opens it")
		       : _("groups expand into another key on the blocks' screen: it needs the per-block page_owner dump"));
	return ACTION_REDRAW;
}

static unsigned act_tree(struct app *app)
{
	app->settings.tree = (enum tree_mode)((app->settings.tree + 1) % TREE__N);
	if (app->settings.tree == TREE_OFF)
		status_message(app, 0, "%s", _("call tree off"));
	else
		status_message(app, 0, _("call tree %s"), tree_mode_name(app->settings.tree));
	return ACTION_REBUILD_VIEW | ACTION_KEEP_SELECTION;
}

/* ---- time ---- */

static unsigned act_baseline(struct app *app)
{
	time_set_baseline(app);
	return REBUILD;
}

static unsigned act_baseline_reset(struct app *app)
{
	time_reset_baseline(app);
	return REBUILD;
}

static unsigned act_pause(struct app *app)
{
	if (app->series) {
		if (app->time.playing) {
			app->time.playing = 0;
			status_message(app, 0, "%s", _("replay stopped"));
		} else {
			time_play(app, app->time.play_speed);
		}
		return ACTION_REDRAW;
	}
	if (!app->pause.on) {
		list_freeze(app->list);
		return ACTION_REDRAW;
	}
	list_unfreeze(app->list);
	status_message(app, 0, "%s", _("display resumed"));
	return REBUILD;
}

void action_set_interval(struct app *app, double secs)
{
	struct pt_err err;

	if (is_live(app)) {
		if (live_set_interval(app->src, secs, &err) < 0) {
			status_message(app, 1, "%s", err.msg);
			return;
		}
		app->settings.interval = secs;
		status_message(app, 0, _("a sample every %g s"), secs);
		return;
	}
	app->settings.interval = secs;
	status_message(app, 0, _("interval %g s: saved with W, used from the next start (this kernel source keeps its interval)"),
		       secs);
}

static unsigned interval_accept(struct app *app, const char *text)
{
	struct pt_err err;
	struct setting_value v;

	if (settings_parse(SETTING_INTERVAL, text, &v, SETTING_FROM_PROMPT, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	else
		action_set_interval(app, v.number);
	return ACTION_REDRAW;
}

static const struct prompt_ops interval_prompt = {
	.label = N_("Interval in seconds: "),
	.accept = interval_accept,
};

/* A prompt that starts with a number as the setting prints it: "2", "0.5". */
static void prompt_start_number(struct app *app, const struct prompt_ops *ops,
				enum setting_id id, double number)
{
	struct setting_value v = { .id = id, .number = number };
	char *text = settings_print(&v);

	prompt_start(&app->prompt, ops, text);
	free(text);
}

static unsigned act_interval(struct app *app)
{
	if (app->series) {
		status_message(app, 0, "%s", _("a replay keeps the recorded times: P plays at a chosen speed"));
		return ACTION_REDRAW;
	}
	prompt_start_number(app, &interval_prompt, SETTING_INTERVAL,
			    app->settings.interval > 0 ? app->settings.interval :
							 LIVE_DEFAULT_INTERVAL);
	return ACTION_REDRAW;
}

/* Steps through the series; while a rebuild is under way, from where it goes. */
static unsigned step_samples(struct app *app, long n)
{
	struct timeline *tl = &app->time;

	tl->playing = 0;
	tl->start.pick = SAMPLE_NONE; /* the user's way wins over SOURCE@SAMPLE's */
	time_goto(app, (long)(tl->building ? tl->build_target : tl->pos) + n);
	return ACTION_REDRAW;
}

static unsigned act_sample_prev(struct app *app)
{
	return step_samples(app, -1);
}

static unsigned act_sample_next(struct app *app)
{
	return step_samples(app, 1);
}

static unsigned act_sample_back10(struct app *app)
{
	return step_samples(app, -10);
}

static unsigned act_sample_fwd10(struct app *app)
{
	return step_samples(app, 10);
}

/* ---- a row's moments: where it peaked, where it first appeared ---- */

/* The sample the shown rows are of. */
static uint32_t shown_sample(const struct app *app)
{
	if (app->pause.on && app->model == app->master)
		return app->pause.sample;
	return model_nsamples(app->model) - 1;
}

/* The first sample at or before k where s, of model m, had its peak, within the history
 * kept per row; -1 when the peak is older. */
static long peak_sample(const struct model *m, const struct counter *s, uint32_t k)
{
	int64_t v[MODEL_HISTORY];
	int n = model_history_at(m, s, k, v, MODEL_HISTORY);

	for (int i = 0; i < n; i++)
		if (v[i] == s->peak)
			return (long)k - (n - 1) + i;
	return -1;
}

/* Which stacks of the tape are the row's: its stack (by handle, else by the frames' text),
 * or those of its group (by the label's text). */
struct row_match {
	const struct model *shown, *from;
	const struct stack *stack;    /* GROUP_STACK, else NULL */
	const char *label;
	enum group_mode g;
};

static int row_match(void *ctx, uint64_t handle, const uint32_t *frames, unsigned n)
{
	const struct row_match *rm = ctx;
	const struct stack *st = rm->stack;

	if (st) {
		if (st->handle || handle)
			return st->handle == handle;
		if (st->nframes != n)
			return 0;
		for (unsigned i = 0; i < n; i++)
			if (strcmp(model_frame(rm->from, frames[i]), model_frame(rm->shown, st->frames[i])) != 0)
				return 0;
		return 1;
	}
	for (unsigned i = 0; i < (rm->g == GROUP_FUNCTION ? n : 1); i++)
		if (strcmp(model_label(rm->from, model_frames_label(rm->from, frames, n, rm->g, i)),
			   rm->label) == 0)
			return 1;
	return 0;
}

/* A series: the row over every sample read (the tape), not only the history kept per
 * row: the first sample of its peak, and the first where it had pages (-1: none). 0, or
 * -1 without a tape (live). */
static int row_moments(const struct app *app, const struct list_row *r, int64_t *peak,
		       long *peak_k, long *first_k)
{
	uint32_t n = app->time.tape ? replay_tape_len(app->time.tape) : 0;
	struct row_match rm = { app->model, app->master, r->stack,
				model_label(app->model, r->label), app->settings.view.group };
	int64_t *v;

	if (!n)
		return -1;
	v = xcalloc(n, sizeof(*v));
	replay_tape_row(app->time.tape, row_match, &rm, v);
	*peak = -1;
	*peak_k = *first_k = -1;
	for (uint32_t j = 0; j < n; j++) {
		if (v[j] > *peak) {
			*peak = v[j];
			*peak_k = j;
		}
		if (*first_k < 0 && v[j] != 0)
			*first_k = j;
	}
	free(v);
	return 0;
}

/* To sample k, saying msg; live, only msg: a live source keeps no earlier samples to
 * show. */
static unsigned jump_to(struct app *app, long k, const char *msg)
{
	if (!app->series) {
		status_message(app, 0, _("%s; a live source cannot go back"), msg);
		return ACTION_REDRAW;
	}
	app->time.playing = 0;
	app->time.start.pick = SAMPLE_NONE;
	app->list->follow = 1; /* the row, wherever the sort puts it then */
	time_goto(app, k);
	status_message(app, 0, "%s", msg);
	return ACTION_REDRAW;
}

static const struct list_row *selected_row(const struct app *app)
{
	const struct list_screen *l = app->list;

	if (!model_nsamples(app->model) || l->cursor.row >= l->nrows)
		return NULL;
	return &l->rows[l->cursor.row];
}

static unsigned act_jump_peak(struct app *app)
{
	const struct list_row *r = selected_row(app);
	char pages[32], msg[256];
	long k, first;
	int64_t peak;

	if (!r) {
		status_message(app, 0, "%s", _("no row selected"));
		return ACTION_REDRAW;
	}
	if (row_moments(app, r, &peak, &k, &first) < 0) {
		/* live: within the history kept */
		peak = r->s->peak;
		k = peak_sample(app->model, r->s, shown_sample(app));
	}
	fmt_count(pages, sizeof(pages), peak);
	if (model_meta(app->model)->unit == UNIT_BYTES) {
		/* allocinfo: the peak in bytes, said as a size */
		char size[32];

		fmt_bytes(size, sizeof(size), (double)peak);
		if (k < 0)
			status_message(app, 0, _("the row's peak (%s) is older than the %d samples kept per row"),
				       size, MODEL_HISTORY);
		else
			snprintf(msg, sizeof(msg), _("the row peaked at %s in sample %ld"), size, k + 1);
		return k < 0 ? ACTION_REDRAW : jump_to(app, k, msg);
	}
	if (k < 0) {
		status_message(app, 0, _("the row's peak (%s pages) is older than the %d samples kept per row"),
			       pages, MODEL_HISTORY);
		return ACTION_REDRAW;
	}
	/* samples count from 1 here, as in the header */
	snprintf(msg, sizeof(msg), _("the row peaked at %s pages in sample %ld"), pages, k + 1);
	return jump_to(app, k, msg);
}

static unsigned act_jump_first(struct app *app)
{
	const struct list_row *r = selected_row(app);
	char msg[256];
	long k, peak_k;
	int64_t peak;

	if (!r) {
		status_message(app, 0, "%s", _("no row selected"));
		return ACTION_REDRAW;
	}
	if (row_moments(app, r, &peak, &peak_k, &k) < 0 || k < 0)
		k = (long)r->s->first_seen;
	snprintf(msg, sizeof(msg), _("the row first appeared in sample %lu"), (unsigned long)k + 1);
	return jump_to(app, k, msg);
}

static unsigned play_accept(struct app *app, const char *text)
{
	struct pt_err err;
	struct setting_value v;

	if (settings_parse(SETTING_PLAY_SPEED, text, &v, SETTING_FROM_PROMPT, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	else
		time_play(app, v.number);
	return ACTION_REDRAW;
}

static const struct prompt_ops play_prompt = {
	.label = N_("Play at speed (1 = real time, 0 = as fast as possible): "),
	.accept = play_accept,
};

static unsigned act_play(struct app *app)
{
	if (app->time.playing) {
		app->time.playing = 0;
		status_message(app, 0, "%s", _("replay stopped"));
	} else if (!app->series) {
		status_message(app, 0, "%s", _("playing needs a recording or a folder of snapshots"));
	} else {
		prompt_start_number(app, &play_prompt, SETTING_PLAY_SPEED, app->time.play_speed);
	}
	return ACTION_REDRAW;
}

/* ---- files ---- */

/* "pagetop-20261223-101500.ext" ("pagetop-test.ext" under the tests' clock) */
static void default_name(const struct app *app, const char *ext, char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
	if (app->fake_now > 0)
		snprintf(ts, sizeof(ts), "test");
	snprintf(buf, n, "pagetop-%s%s", ts, ext);
}

struct snapshot {
	const char *path;
	const struct model *m;
	size_t nstacks;             /* written */
};

static int snapshot_fill(FILE *fp, void *ctx, struct pt_err *err)
{
	struct snapshot *snap = ctx;
	const struct model *m = snap->m;
	const char *what = model_meta(m)->unit == UNIT_ALLOCS ? "stack_count" : "nr_base_pages";

	(void)err;
	for (size_t i = 0; i < model_nstacks(m) && !ferror(fp); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		if (!st || st->s.now <= 0 || !st->nframes)
			continue;
		for (unsigned f = 0; f < st->nframes; f++)
			fprintf(fp, " %s\n", model_frame(m, st->frames[f]));
		fprintf(fp, "%s: %lld\n\n", what, (long long)st->s.now);
		snap->nstacks++;
	}
	return 0;
}

static long snapshot_write(void *ctx, int *fd, struct pt_err *err)
{
	struct snapshot *snap = ctx;

	(void)fd;
	if (write_new_file(snap->path, 0644, snapshot_fill, snap, err) < 0)
		return -1;
	return (long)snap->nstacks;
}

/* The shown sample in show_stacks form (the proposal's form for allocation counts),
 * which pagetop and the kernel's tools read back. Through a temporary file: the name
 * appears complete or not at all, never over a file or through a symbolic link. Under
 * sudo it is written by the user who ran it (util_asuser.h): their file, where they can write. */
static unsigned snapshot_accept(struct app *app, const char *path)
{
	struct snapshot snap = { path, app->model, 0 };
	struct pt_err err;
	long n;

	if (!path[0])
		return ACTION_REDRAW;
	n = asuser_call(snapshot_write, &snap, NULL, &err);
	if (n < 0) {
		asuser_note(&err, errno);
		status_message(app, 1, "%s", err.msg);
	} else {
		status_message(app, 0, ngettext("wrote %zu stack to %s", "wrote %zu stacks to %s",
						(unsigned long)n), (size_t)n, path);
	}
	return ACTION_REDRAW;
}

static const struct prompt_ops snapshot_prompt = {
	.label = N_("Write the snapshot to: "),
	.accept = snapshot_accept,
};

static unsigned act_snapshot(struct app *app)
{
	char buf[256];

	default_name(app, ".show_stacks", buf, sizeof(buf));
	prompt_start(&app->prompt, &snapshot_prompt, buf);
	return ACTION_REDRAW;
}

/* The recording's end after an error: the screen goes on without it. */
static void record_failed(struct app *app, const char *msg)
{
	struct recording *r = &app->recording;

	status_message(app, 1, _("recording %s stopped: %s"), r->path, msg);
	recorder_free(r->rec);
	r->rec = NULL;
	free(r->tee);
	r->tee = NULL;
}

void action_record_sample(struct app *app)
{
	struct recording *r = &app->recording;
	struct sink sink;
	struct pt_err err;

	if (!r->rec)
		return;
	if (r->tee) {
		/* the source fed it already */
		if (r->tee->failed)
			record_failed(app, r->tee->err.msg);
		else
			r->samples++;
		return;
	}
	sink = recorder_sink(r->rec);
	if (model_replay_sample(app->master, &sink, r->samples == 0, &err) < 0) {
		record_failed(app, err.msg);
		return;
	}
	r->samples++;
}

struct sink action_record_sink(struct app *app)
{
	if (app->recording.tee)
		return recorder_tee_sink(app->recording.tee);
	return model_sink(app->master);
}

int action_record_close(struct app *app, struct pt_err *err)
{
	struct recording *r = &app->recording;
	int rc;

	if (!r->rec)
		return 0;
	rc = recorder_close(r->rec, err);
	recorder_free(r->rec);
	r->rec = NULL;
	free(r->tee);
	r->tee = NULL;
	return rc;
}

/* A per-block dump is recorded as pagetop record records it: the source's records from
 * the next read on, with the blocks. The sample on screen cannot be: the model keeps no
 * blocks. 0, or -1 with err. */
static int record_blocks_start(struct app *app, struct pt_err *err)
{
	struct recording *r = &app->recording;
	const struct source_meta *mt = source_meta(app->src);
	struct sink rs = recorder_sink(r->rec);

	if (rs.ops->meta(rs.self, mt, err) < 0)
		return -1;
	r->tee = xcalloc(1, sizeof(*r->tee));
	r->tee->rec = r->rec;
	r->tee->other = model_sink(app->master);
	r->tee->soft = 1;
	return 0;
}

static unsigned record_accept(struct app *app, const char *path)
{
	struct recording *r = &app->recording;
	struct pt_err err;
	int blocks = source_meta(app->src)->iface == IFACE_PAGE_OWNER;

	if (!path[0])
		return ACTION_REDRAW;
	if (strcmp(path, "-") == 0) {
		/* the recording's lines, the frames as they came, would go onto the screen */
		status_message(app, 1, "%s", _("- is standard output, where the screen is: give a file name (pagetop record -o - records without the screen)"));
		return ACTION_REDRAW;
	}
	if (recorder_open(&r->rec, path, 0, &err) < 0) {
		r->rec = NULL;
		status_message(app, 1, "%s", err.msg);
		return ACTION_REDRAW;
	}
	/* the header and the frames' source lines as pagetop record writes them */
	record_add_source_meta(r->rec, app->src, (const char *const *)r->paths,
			       (size_t)r->npaths);
	if (app->sym) { /* the debug info may take seconds to load: not waited for */
		recorder_set_symbols(r->rec, app->sym);
		recorder_symbols_later(r->rec);
	}
	free(r->path);
	r->path = xstrdup(path);
	r->samples = 0;
	if (blocks && record_blocks_start(app, &err) < 0) {
		record_failed(app, err.msg);
		return ACTION_REDRAW;
	}
	if (!blocks)
		action_record_sample(app); /* the sample on screen first */
	if (r->rec && blocks)
		status_message(app, 0, _("recording to %s from the next read, with its blocks (R again stops)"), path);
	else if (r->rec)
		status_message(app, 0, _("recording to %s (R again stops)"), path);
	return ACTION_REDRAW;
}

static const struct prompt_ops record_prompt = {
	.label = N_("Record to: "),
	.accept = record_accept,
};

static void record_stop(struct app *app)
{
	struct recording *r = &app->recording;
	struct pt_err err;

	if (action_record_close(app, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	else
		status_message(app, 0, ngettext("recording %s closed: %llu sample",
						"recording %s closed: %llu samples", r->samples),
			       r->path, (unsigned long long)r->samples);
}

static unsigned act_record(struct app *app)
{
	char buf[256];

	if (app->recording.rec) {
		record_stop(app);
	} else if (app->series && (app->src_end || app->src_error)) {
		status_message(app, 0, "%s", _("this series is complete, nothing new to record: pagetop record --from converts it"));
	} else if (source_meta(app->src)->iface == IFACE_PAGE_OWNER && (app->src_end || app->src_error)) {
		/* its blocks are not kept after the read */
		status_message(app, 0, "%s", _("this dump is read, nothing new to record: pagetop record --from records it with its blocks"));
	} else {
		default_name(app, ".ptrec", buf, sizeof(buf));
		prompt_start(&app->prompt, &record_prompt, buf);
	}
	return ACTION_REDRAW;
}

/* ---- the app ---- */

static unsigned act_save_config(struct app *app)
{
	(void)app;
	return ACTION_SAVE;
}

static unsigned act_redraw(struct app *app)
{
	(void)app;
	return ACTION_REDRAW_ALL;
}

static unsigned act_symbols(struct app *app)
{
	app_show(app, SCREEN_SYMBOLS);
	return ACTION_REDRAW;
}

static unsigned act_help(struct app *app)
{
	app_show(app, SCREEN_HELP);
	return ACTION_REDRAW;
}

static unsigned act_setup(struct app *app)
{
	app_show(app, SCREEN_SETUP);
	return ACTION_REDRAW;
}

static unsigned act_quit(struct app *app)
{
	(void)app;
	return ACTION_QUIT;
}

/* The actions the screens leave to the app; moving and expanding are the list's. */
static unsigned (*const actions[ACT__N])(struct app *app) = {
	[ACT_SORT_PICK] = act_sort_pick,
	[ACT_SORT_PREV] = act_sort_prev,
	[ACT_SORT_NEXT] = act_sort_next,
	[ACT_SORT_REVERSE] = act_sort_reverse,
	[ACT_THRESH_UP] = act_threshold_up,
	[ACT_THRESH_DOWN] = act_threshold_down,
	[ACT_THRESH_SET] = act_threshold_set,
	[ACT_THRESH_CLEAR] = act_threshold_clear,
	[ACT_KERNEL_THRESH] = act_kernel_threshold,
	[ACT_SEARCH] = act_search,
	[ACT_FILTER] = act_filter,
	[ACT_FILTER_CLEAR] = act_filter_clear,
	[ACT_GROUP] = act_group,
	[ACT_GROUP_SECOND] = act_group_second,
	[ACT_TREE] = act_tree,
	[ACT_SOURCE] = act_source,
	[ACT_SETUP] = act_setup,
	[ACT_BASELINE] = act_baseline,
	[ACT_BASELINE_RESET] = act_baseline_reset,
	[ACT_PAUSE] = act_pause,
	[ACT_INTERVAL] = act_interval,
	[ACT_SAMPLE_PREV] = act_sample_prev,
	[ACT_SAMPLE_NEXT] = act_sample_next,
	[ACT_SAMPLE_BACK10] = act_sample_back10,
	[ACT_SAMPLE_FWD10] = act_sample_fwd10,
	[ACT_PLAY] = act_play,
	[ACT_JUMP_PEAK] = act_jump_peak,
	[ACT_JUMP_FIRST] = act_jump_first,
	[ACT_SNAPSHOT] = act_snapshot,
	[ACT_RECORD] = act_record,
	[ACT_SAVE_CONFIG] = act_save_config,
	[ACT_SYMBOLS] = act_symbols,
	[ACT_REDRAW] = act_redraw,
	[ACT_HELP] = act_help,
	[ACT_QUIT] = act_quit,
};

unsigned action_run(struct app *app, enum action a)
{
	if ((unsigned)a >= ACT__N || !actions[a])
		return ACTION_DONE;
	return actions[a](app);
}
