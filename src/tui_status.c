/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_status.c - the header (three lines: the source and the sample, the totals, the
 * view's settings and the state) and the status line (a prompt, a message, progress or
 * the hints). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "source_live.h"
#include "settings.h"
#include "tui_columns.h"
#include "tui_status.h"

/* ---- the header ---- */

#define PROGRESS_AFTER 1.0 /* seconds a live read runs before the header shows it */

/* "pagetop 0.1 — folder demo 7.3.4, show_stacks, every 2.0 s": what is shown. */
static void source_text(const struct app *app, char *buf, size_t n)
{
	const struct source_meta *mt = model_meta(app->model);
	const char *kind = mt->kind ? mt->kind : source_meta(app->src)->kind;
	struct live_stats ls;
	size_t len;

	len = (size_t)snprintf(buf, n, "pagetop %s %s %s", PACKAGE_VERSION, draw_glyph("—", "-"),
			       kind);
	if (mt->name && (!mt->kind || strcmp(mt->name, mt->kind) != 0))
		len += (size_t)snprintf(buf + len, n - len, " %s", mt->name);
	if (mt->kernel_release)
		len += (size_t)snprintf(buf + len, n - len, " %s", mt->kernel_release);
	len += (size_t)snprintf(buf + len, n - len, ", %s", iface_name(mt->iface));
	if (!app->series && live_get_stats(app->src, &ls) == 0)
		len += (size_t)snprintf(buf + len, n - len, _(", every %.1f s"), ls.interval);
	else if (!app->series && app->settings.interval > 0)
		len += (size_t)snprintf(buf + len, n - len, _(", every %.1f s"),
					app->settings.interval);
	if (len < n)
		snprintf(buf + len, n - len, "%s", app->status.progress);
}

/* "●━━━─────" (ASCII "o===-----"): where the shown sample is in the series. */
static void series_bar(const struct app *app, long total, char *bar, size_t n)
{
	int w = 12, at;
	size_t len = 0;

	at = total > 1 ? (int)((double)app->time.pos * (w - 1) / (double)(total - 1) + 0.5) :
			 w - 1;
	bar[0] = '\0';
	for (int i = 0; i < w && len + 4 < n; i++)
		len += (size_t)snprintf(bar + len, n - len, "%s",
					i == at ? draw_glyph("●", "o") :
					i < at ? draw_glyph("━", "=") : draw_glyph("─", "-"));
}

void status_sample_text(const struct app *app, char *buf, size_t n)
{
	const struct model *m = app->model;
	uint32_t nsamp = (uint32_t)model_nsamples(m), pos = app->time.pos + 1, k;
	char when[64], bar[128];
	long total = app->nread;

	buf[0] = '\0';
	if (!nsamp)
		return;
	k = app->pause.on && m == app->master ? app->pause.sample : nsamp - 1;
	format_clock(m, model_time_at(m, k), when, sizeof(when));
	if (!app->series) {
		snprintf(buf, n, _("%s  sample %u"), when, k + 1);
		if (COLS < 60)
			snprintf(buf, n, _("sample %u"), k + 1);
		return;
	}
	if (!app->src_end && source_meta(app->src)->nsamples > total)
		total = source_meta(app->src)->nsamples;
	series_bar(app, total, bar, sizeof(bar));
	snprintf(buf, n, _("%s  sample %u/%ld %s"), when, pos, total, bar);
	if (COLS < 100)
		snprintf(buf, n, _("sample %u/%ld %s"), pos, total, bar);
	if (COLS < 60)
		snprintf(buf, n, _("sample %u/%ld"), pos, total);
}

/* Line 2: the totals of the view, the baseline, the rows shown. */
static void totals_text(const struct app *app, const struct view *v, char *buf, size_t n)
{
	static const char *const what[GROUP__N] = {
		N_("stacks"), N_("callers"), N_("functions"), N_("modules"), N_("files"),
		N_("directories"),
	};
	const struct model *m = app->model;
	char count[64], change[64], since[64];
	uint32_t base = model_baseline_sample(m);
	size_t len;

	fmt_count(count, sizeof(count), v->total_pages);
	if (model_meta(m)->unit == UNIT_ALLOCS) {
		len = (size_t)snprintf(buf, n, _("Total %s allocations"), count);
	} else if (model_meta(m)->unit == UNIT_BYTES) {
		char bytes[32], calls[32];

		fmt_bytes(bytes, sizeof(bytes), (double)v->total_pages);
		fmt_count(calls, sizeof(calls), v->total_calls);
		/* TRANSLATORS: allocinfo: "Total 127.3 MiB in 52,347 calls" */
		len = (size_t)snprintf(buf, n, _("Total %s in %s calls"), bytes, calls);
	} else {
		char bytes[32];

		fmt_bytes(bytes, sizeof(bytes),
			  (double)v->total_pages * (double)model_page_size(m));
		len = (size_t)snprintf(buf, n, _("Total %s pages (%s)"), count, bytes);
	}
	len += (size_t)snprintf(buf + len, n - len, " %+.0f/s", v->total_rate);
	fmt_count(change, sizeof(change), v->total_delta_base);
	if (base == 0)
		snprintf(since, sizeof(since), "%s", _("first"));
	else
		format_clock(m, model_time_at(m, base), since, sizeof(since));
	len += (size_t)snprintf(buf + len, n - len, _("  baseline %s (%s%s)"), since,
				v->total_delta_base > 0 ? "+" : "", change);
	/* TRANSLATORS: "stacks 271 of 434": rows shown, rows before the threshold and
	 * the filters */
	snprintf(buf + len, n - len, _("  %s %zu of %zu"),
		 app->settings.view.group == GROUP_STACK && model_meta(m)->unit == UNIT_BYTES ?
		 _("call sites") : _(what[app->settings.view.group]), v->nrows, v->total_rows);
}

/* "!kernfs, shmem", "(command line)" or "—": the filters in force. */
static size_t filters_text(const struct tui_settings *s, char *buf, size_t n)
{
	size_t len = 0;

	if (s->nfilters) {
		for (size_t i = 0; i < s->nfilters && len + 4 < n; i++)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
						s->filters[i]);
		return len;
	}
	if (s->view.filter)
		return (size_t)snprintf(buf, n, "%s", _("(command line)"));
	return (size_t)snprintf(buf, n, "%s", draw_glyph("—", "-"));
}

/* Line 2, right: what the source accounts for against the system's memory in use,
 * "page_owner accounts for 219 MiB of 612 MiB in use; slab 41 MiB, page tables 3 MiB",
 * shorter when that does not fit in avail columns; empty when there are no counters. */
static void meminfo_text(const struct app *app, const struct view *v, char *buf, size_t n,
			 int avail)
{
	const struct meminfo *mem = model_meminfo(app->model);
	char src[32], used[32], slab[32], pt[32];

	buf[0] = '\0';
	/* the counters are those of the newest sample (live, a recording, a folder's
	 * NAME.meminfo): not for a paused or earlier one */
	if (!mem->valid || app->pause.on || app->model != app->master ||
	    model_meta(app->model)->unit == UNIT_ALLOCS)
		return;
	fmt_bytes(src, sizeof(src), (double)v->total_pages * (double)model_page_size(app->model));
	fmt_bytes(used, sizeof(used), (double)meminfo_in_use(mem));
	fmt_bytes(slab, sizeof(slab), (double)mem->slab);
	fmt_bytes(pt, sizeof(pt), (double)mem->page_tables);
	/* TRANSLATORS: "page_owner accounts for 219 MiB of 612 MiB in use; slab 41 MiB,
	 * page tables 3 MiB": the pages the stacks hold, MemTotal - MemAvailable, and
	 * /proc/meminfo's Slab and PageTables */
	if (model_meta(app->model)->unit == UNIT_BYTES)
		/* TRANSLATORS: as the one below, for /proc/allocinfo's bytes */
		snprintf(buf, n, _("allocinfo accounts for %s of %s in use; slab %s, page tables %s"),
			 src, used, slab, pt);
	else
		snprintf(buf, n, _("page_owner accounts for %s of %s in use; slab %s, page tables %s"),
			 src, used, slab, pt);
	if (text_width(buf) <= avail)
		return;
	/* TRANSLATORS: shorter: "219 MiB of 612 MiB in use; slab 41 MiB" */
	snprintf(buf, n, _("%s of %s in use; slab %s"), src, used, slab);
	if (text_width(buf) <= avail)
		return;
	/* TRANSLATORS: shortest: "219 MiB of 612 MiB in use" */
	snprintf(buf, n, _("%s of %s in use"), src, used);
	if (text_width(buf) > avail)
		buf[0] = '\0';
}

/* Line 3, left: sort, threshold, group, filters, the kernel's threshold. */
/* A threshold in bytes or percent as shown: "64 MiB", "4100 B", "0.5%". */
static char *threshold_show(const struct threshold *t)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int64_t v = t->value;
	size_t u = 0;

	if (t->unit != THRESH_BYTES)
		return threshold_text(t);
	while (v && v % 1024 == 0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	return xasprintf("%lld %s", (long long)v, units[u]);
}

static void view_settings_text(const struct app *app, const struct view *v, char *buf,
			       size_t n)
{
	const struct view_opts *vo = &app->settings.view;
	char count[64];
	size_t len;

	len = (size_t)snprintf(buf, n, _("Sort %s %s"),
			       col_title((enum col)col_of_key(vo->key), app->model, vo->group),
			       sort_arrow(vo->ascending));
	if (vo->threshold.value && model_meta(app->model)->unit == UNIT_BYTES) {
		/* counted in bytes: a plain number is bytes too, nothing to convert */
		char *t = vo->threshold.unit == THRESH_PAGES ? NULL : threshold_show(&vo->threshold);

		fmt_count(count, sizeof(count), vo->threshold.value);
		/* TRANSLATORS: allocinfo's threshold: "threshold ≥ 64 MiB", "≥ 4,096 bytes" */
		len += (size_t)snprintf(buf + len, n - len, t ? _("   threshold %s %s") :
					_("   threshold %s %s bytes"), draw_glyph("≥", ">="),
					t ? t : count);
		free(t);
	} else if (vo->threshold.value && vo->threshold.unit != THRESH_PAGES) {
		char *t = threshold_show(&vo->threshold);

		fmt_count(count, sizeof(count), v->threshold);
		/* TRANSLATORS: "threshold ≥ 64 MiB (16,384 pages)", "≥ 0.5% (97 pages)" */
		len += (size_t)snprintf(buf + len, n - len, _("   threshold %s %s (%s pages)"),
					draw_glyph("≥", ">="), t, count);
		free(t);
	} else if (vo->threshold.value) {
		fmt_count(count, sizeof(count), vo->threshold.value);
		len += (size_t)snprintf(buf + len, n - len, _("   threshold %s %s pages"),
					draw_glyph("≥", ">="), count);
	} else {
		len += (size_t)snprintf(buf + len, n - len, "%s", _("   threshold none"));
	}
	len += (size_t)snprintf(buf + len, n - len, _("   group %s"), group_name(vo->group));
	if (app->settings.tree != TREE_OFF)
		len += (size_t)snprintf(buf + len, n - len, _("   tree %s"),
					tree_mode_name(app->settings.tree));
	len += (size_t)snprintf(buf + len, n - len, "%s", _("   filter "));
	len += filters_text(&app->settings, buf + len, n - len);
	if (app->kernel_threshold >= 0 && len + 4 < n)
		snprintf(buf + len, n - len, _("   kernel %s %ld"), draw_glyph("≥", ">="),
			 app->kernel_threshold);
}

/* Line 3, right: recording, going to a sample, paused, playing, loading, replaying. */
static void state_text(const struct app *app, char *buf, size_t n)
{
	const struct timeline *tl = &app->time;
	size_t len = 0;

	buf[0] = '\0';
	if (app->recording.rec)
		len += (size_t)snprintf(buf + len, n - len, _("REC %s (%llu)  "), app->recording.path,
					(unsigned long long)app->recording.samples);
	if (tl->building)
		len += (size_t)snprintf(buf + len, n - len, _("GOING TO %u: %u%%  "),
					tl->build_target + 1,
					(unsigned)(tl->build.next * 100 / (tl->build_target + 1)));
	if (app->pause.on)
		len += (size_t)snprintf(buf + len, n - len, _("PAUSED (+%ld)"), app->pause.pending);
	else if (tl->playing)
		len += (size_t)snprintf(buf + len, n - len, _("PLAYING %s%g"), draw_glyph("×", "x"),
					tl->play_speed);
	else if (app->series && !app->src_end && !app->src_error)
		len += (size_t)snprintf(buf + len, n - len, _("LOADING %ld"), app->nread);
	else if (app->series && app->nread && tl->pos + 1 < (uint64_t)app->nread)
		len += (size_t)snprintf(buf + len, n - len, "%s", _("REPLAY"));
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
}

/* Line 2, right: the total over the whole series, a sparkline of up to 24 columns in
 * the room the totals leave (none under 8). */
static void total_chart_text(const struct app *app, int room, char *buf, size_t n)
{
	enum { W = 24 };
	int64_t cmin[W], cmax[W];
	uint32_t ns = (uint32_t)model_nsamples(app->master);
	int w = room < W ? room : W, got = 0;

	buf[0] = '\0';
	if (ns > 1 && w >= 8)
		got = model_chart_total(app->master, 0, ns - 1, w, cmin, cmax);
	if (got > 1)
		cell_sparkline(buf, n, got, cmax, got);
}

void status_draw_header(const struct app *app, const struct view *v)
{
	char left[512], right[256];

	source_text(app, left, sizeof(left));
	status_sample_text(app, right, sizeof(right));
	draw_left_right(0, left, A_BOLD, right, A_BOLD);
	totals_text(app, v, left, sizeof(left));
	/* live: the system's memory beside the totals, else the total's sparkline */
	meminfo_text(app, v, right, sizeof(right), COLS - text_width(left) - 3);
	if (right[0]) {
		draw_left_right(1, left, A_NORMAL, right, 0);
	} else {
		total_chart_text(app, COLS - text_width(left) - 3, right, sizeof(right));
		draw_left_right(1, left, A_NORMAL, right[0] ? right : NULL, role_attr(ROLE_COOL));
	}
	view_settings_text(app, v, left, sizeof(left));
	state_text(app, right, sizeof(right));
	draw_left_right(2, left, A_NORMAL, right, role_attr(ROLE_STATE));
}

/* ---- the status line ---- */

void status_message(struct app *app, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status.msg, sizeof(app->status.msg), fmt, ap);
	va_end(ap);
	app->status.err = err;
	app->status.until = app_now(app) + (err ? 15 : 5);
	app->dirty = 1;
}

/* ", reading 1.2 GiB of ~3.0 GiB" while a live read has run a while (the shown sample is
 * the last complete one), else "". */
static void progress_text(const struct app *app, char *buf, size_t n)
{
	struct live_stats ls;
	char got[32], all[32];

	buf[0] = '\0';
	if (app->series || live_get_stats(app->src, &ls) < 0 || !ls.reading ||
	    ls.reading_secs < PROGRESS_AFTER)
		return;
	fmt_bytes(got, sizeof(got), (double)ls.bytes_reading);
	if (ls.bytes_expect) {
		fmt_bytes(all, sizeof(all), (double)ls.bytes_expect);
		snprintf(buf, n, _(", reading %s of ~%s"), got, all);
	} else {
		snprintf(buf, n, _(", reading %s"), got);
	}
}

void status_tick(struct app *app)
{
	struct status_line *st = &app->status;
	double stalled = app->series ? 0 : source_stalled(app->src);
	char progress[sizeof(st->progress)];

	progress_text(app, progress, sizeof(progress));
	if (strcmp(progress, st->progress) != 0) {
		snprintf(st->progress, sizeof(st->progress), "%s", progress);
		app->dirty = 1;
	}

	if (st->msg[0] && app_now(app) >= st->until) {
		st->msg[0] = '\0';
		app->dirty = 1;
	}
	if ((stalled > 0) != (st->stalled > 0) ||
	    (stalled > 0 && (long)stalled != (long)st->stalled))
		app->dirty = 1;
	st->stalled = stalled;
}

/* "[ ]": the keys bound to a hint's actions (the first of each), "" when none are. */
static void hint_keys(const struct keymap *km, const struct hint *h, char *buf, size_t n)
{
	enum action as[2] = { h->a, h->a2 };
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2 && len < n; i++) {
		int key = as[i] != ACT_NONE ? keymap_first_key(km, as[i]) : -1;
		char name[32];

		if (key >= 0)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? " " : "",
						tk_name(key, name, sizeof(name)));
	}
}

void status_hints(const struct app *app, char *buf, size_t n)
{
	const struct hint *h;
	size_t nh = hints(&h), len = 0;
	char keys[64];

	buf[0] = '\0';
	for (size_t i = 0; i < nh && len < n; i++) {
		if ((h[i].when == HINT_SERIES && !app->series) ||
		    (h[i].when == HINT_LIVE && app->series) ||
		    (h[i].when == HINT_SWITCH && !app->can_switch))
			continue;
		hint_keys(&app->settings.keys, &h[i], keys, sizeof(keys));
		if (keys[0])
			len += (size_t)snprintf(buf + len, n - len, "%s%s %s", len ? "  " : "",
						keys, gettext_context(h[i].word));
	}
}

/* "source lines: 12 of 40 frames" while answers are awaited; 0 when none are. */
static int symbols_progress_text(const struct app *app, char *buf, size_t n)
{
	struct symbols_progress sp;

	if (!app->sym)
		return 0;
	symbols_progress(app->sym, &sp);
	if (sp.answered >= sp.requested)
		return 0;
	if (sp.loading[0])
		snprintf(buf, n, _("source lines: %llu of %llu frames (reading %s)"),
			 (unsigned long long)sp.answered, (unsigned long long)sp.requested,
			 sp.loading);
	else
		snprintf(buf, n, _("source lines: %llu of %llu frames"),
			 (unsigned long long)sp.answered, (unsigned long long)sp.requested);
	return 1;
}

/* htop's bar on the last line: "F1Help  F3Search ...", from the actions table's FKEY
 * entries and the F-keys bound to them now. */
static void fkey_bar(const struct app *app)
{
	const struct fkey *f;
	size_t nf = fkeys(&f);
	struct pen p = PEN_AT(LINES - 1, 0);
	char buf[64];

	for (size_t i = 0; i < nf && p.x < COLS; i++) {
		int n = keymap_fkey(&app->settings.keys, f[i].a);

		if (!n)
			continue;
		snprintf(buf, sizeof(buf), "F%d", n);
		pen_put(&p, buf, A_NORMAL);
		snprintf(buf, sizeof(buf), "%-6s", gettext_context(f[i].word));
		pen_put(&p, buf, role_attr(ROLE_TITLE));
	}
}

void status_draw_line(struct app *app)
{
	struct pen p = PEN_AT(LINES - draw_bottom_lines(), 0);
	char buf[1024];

	curs_set(0);
	if (draw_bottom_lines() > 1)
		fkey_bar(app);
	if (app->prompt.ops) {
		prompt_draw(&app->prompt, app, &p);
	} else if (app->status.msg[0]) {
		pen_put(&p, app->status.msg, app->status.err ? role_attr(ROLE_ERROR) : A_BOLD);
	} else if (symbols_progress_text(app, buf, sizeof(buf))) {
		pen_put(&p, buf, A_NORMAL);
	} else if (app->status.stalled > 0) {
		snprintf(buf, sizeof(buf), _("source stalled for %.0f s"), app->status.stalled);
		pen_put(&p, buf, role_attr(ROLE_ERROR));
	} else {
		status_hints(app, buf, sizeof(buf));
		pen_put(&p, buf, A_NORMAL);
	}
}
