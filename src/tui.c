/* tui.c - the interactive UI: its life, the main loop, samples, keys and actions.
 *
 * The loop waits in poll() on the keyboard, the source's descriptor (live samples), and a
 * self-pipe that signal handlers write to, with a timeout for timers (replay, stall
 * checks, messages). Samples go into the model as they come; the view is rebuilt once per
 * sample and per change of the view options, and only the visible lines are drawn
 * (tui_draw.c). Signals never touch curses: the handler restores the kernel's
 * count_threshold, writes to the pipe, and the loop leaves cleanly; a second signal resets
 * the terminal from the handler with escape sequences prepared in advance. SIGTSTP,
 * SIGCONT and SIGWINCH only set flags too: the loop suspends, resumes and resizes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "asuser.h"
#include "host.h"
#include "settings_file.h"
#include "source_live.h"
#include "tui_int.h"
#include "util.h"

#define SYNC_WORK 3000000.0 /* stacks fed to a replica at once, ~100 ms */

/* ---------------------------------------------------------------------------------- */
/* columns */

static const char *const col_names[COL__N] = {
	"pages", "bytes", "delta", "rate", "delta_base", "trend", "score", "peak",
	"first_seen", "label",
};

const char *col_name(enum col c)
{
	return (unsigned)c < COL__N ? col_names[c] : "?";
}

int col_parse(const char *s, enum col *c)
{
	for (int i = 0; i < COL__N; i++)
		if (strcmp(s, col_names[i]) == 0) {
			*c = (enum col)i;
			return 0;
		}
	return -1;
}

/* ---------------------------------------------------------------------------------- */
/* life */

double tui_now(const struct tui *t)
{
	return t->fake_now > 0 ? t->fake_now : time_mono();
}

void tui_message(struct tui *t, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_err = err;
	t->msg_until = tui_now(t) + (err ? 15 : 5);
	t->dirty = 1;
}

static struct tui *diag_tui; /* where diag_warn() goes while the UI runs */

static void diag_to_status(const char *msg)
{
	if (diag_tui)
		tui_message(diag_tui, 1, "%s", msg);
}

static void filters_rebuild(struct tui *t)
{
	struct pt_err err;

	filter_free(t->own_filter);
	t->own_filter = NULL;
	t->vo.filter = NULL;
	if (!t->nfilters)
		return;
	t->own_filter = filter_new((const char *const *)t->filters, t->nfilters, &err);
	if (!t->own_filter) {
		/* cannot happen for patterns that compiled before; drop the last one */
		tui_message(t, 1, "%s", err.msg);
		free(t->filters[--t->nfilters]);
		t->own_filter = filter_new((const char *const *)t->filters, t->nfilters, &err);
	}
	t->vo.filter = t->own_filter;
}

static void alloc_set(struct tui *t, const char *const *globs, size_t n)
{
	for (size_t i = 0; i < t->nalloc; i++)
		free((char *)t->alloc[i]);
	free(t->alloc);
	t->alloc = NULL;
	t->nalloc = 0;
	if (globs) {
		t->alloc = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			t->alloc[i] = xstrdup(globs[i]);
		t->nalloc = n;
	}
}

struct tui *tui_new(struct source *src, struct model *m, const struct tui_opts *o)
{
	struct tui *t = xcalloc(1, sizeof(*t));
	const char *nc = getenv("NO_COLOR");
	const struct source_meta *meta = source_meta(src);
	struct live_stats ls;

	t->src = src;
	t->master = t->m = m;
	t->series = meta && meta->series;
	if (t->series)
		t->tape = replay_tape_new();
	t->iterations = o->iterations;
	t->cli_set = o->cli_set;
	t->fail_seen = -1;
	t->kthresh = -1;
	t->interval = o->interval;
	if (live_get_stats(src, &ls) == 0) {
		t->interval = ls.interval;
		t->kthresh = ls.threshold_set; /* --kernel-threshold */
	}
	t->sym = o->sym;
	t->vo = o->view;
	t->vo.limit = 0;
	for (size_t i = 0; i < o->nfilters && i < TUI_FILTERS_MAX; i++)
		t->filters[t->nfilters++] = xstrdup(o->filters[i]);
	if (t->nfilters)
		filters_rebuild(t);
	else
		t->vo.filter = o->view.filter; /* not ours: main frees it */
	if (o->alloc)
		alloc_set(t, o->alloc, o->nalloc);
	t->colmask = COLS_DEFAULT;
	t->view = &tui_list_view;
	t->cur.sub = t->top.sub = -1;
	t->play_speed = 1;
	t->sync_work = SYNC_WORK;
	t->build_slice_ms = 30;
	t->utf8 = text_locale_utf8();
	t->color = !o->no_color && !(nc && *nc);
	t->mouse = !o->no_mouse;
	t->in_fd = -1;
	t->view_stale = 1;
	t->dirty = 1;
	keymap_defaults(&t->km);
	view_init(&t->v);
	return t;
}

void tui_free(struct tui *t)
{
	struct pt_err err;

	if (!t)
		return;
	if (t->rec) {
		recorder_close(t->rec, &err);
		recorder_free(t->rec);
	}
	free(t->rec_path);
	replay_free(&t->replica);
	replay_free(&t->build);
	replay_tape_free(t->tape);
	view_free(&t->v);
	free(t->rows);
	free(t->frozen);
	free(t->frozen_hist);
	free(t->pins);
	for (size_t i = 0; i < t->nfilters; i++)
		free(t->filters[i]);
	filter_free(t->own_filter);
	alloc_set(t, NULL, 0);
	for (int g = 0; g < GROUP__N; g++)
		free(t->expanded[g].v);
	free(t->fmatch);
	free(t->lmatch);
	symbols_report_free(&t->symrep);
	free(t->rc);
	free(t);
}

/* ---------------------------------------------------------------------------------- */
/* the config file */

struct rcctx {
	struct tui *t;
	unsigned cli_set;
};

static int parse_sort(const char *v, struct view_opts *vo)
{
	char key[64];
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : strlen(v);
	enum sort_key k;

	if (len >= sizeof(key))
		return -1;
	memcpy(key, v, len);
	key[len] = '\0';
	if (sort_key_parse(key, &k) < 0)
		return -1;
	vo->key = k;
	vo->ascending = k == KEY_LABEL;
	if (colon) {
		if (strcmp(colon + 1, "asc") == 0)
			vo->ascending = 1;
		else if (strcmp(colon + 1, "desc") == 0)
			vo->ascending = 0;
		else
			return -1;
	}
	return 0;
}

/* Numbers in the config file and the recording are the same in every locale: a point,
 * never a comma. Typed at a prompt, a comma works too. */
static int parse_double(const char *s, double *v, double min, double max)
{
	static locale_t c_locale;
	char buf[64], *end;
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	errno = 0;
	*v = c_locale ? strtod_l(buf, &end, c_locale) : strtod(buf, &end);
	return errno || end == buf || *end || !isfinite(*v) || *v < min || *v > max ? -1 : 0;
}

/* "2", "0.5", "0.125": up to three decimals, with a point. */
static void fmt_decimal(char *buf, size_t n, double v)
{
	long long ms = llround(v * 1000);
	int len = snprintf(buf, n, "%lld.%03lld", ms / 1000, ms % 1000);

	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
}

static int rc_line(void *ctx, const struct rc_line *l, struct pt_err *err)
{
	struct rcctx *c = ctx;
	struct tui *t = c->t;
	double d;

	if (strcmp(l->verb, "bind") == 0) {
		int key = tk_parse(l->name);
		enum action a = action_parse(l->value);

		if (key < 0) {
			pt_err_set(err, _("bind: unknown key '%s'"), l->name);
			return -1;
		}
		if (a == ACT_NONE && strcmp(l->value, "none") != 0) {
			pt_err_set(err, _("bind: unknown action '%s' (see the help screen, ?)"), l->value);
			return -1;
		}
		keymap_bind(&t->km, key, a);
		return 0;
	}
	if (strcmp(l->name, "sort") == 0) {
		struct view_opts vo = t->vo;

		if (parse_sort(l->value, &vo) < 0) {
			pt_err_set(err, _("sort: expected pages, bytes, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found '%s'"),
				   l->value);
			return -1;
		}
		if (!(c->cli_set & TUI_SET_SORT)) {
			t->vo.key = vo.key;
			t->vo.ascending = vo.ascending;
		}
	} else if (strcmp(l->name, "group") == 0) {
		enum group_mode g;

		if (group_parse(l->value, &g) < 0) {
			pt_err_set(err, _("group: expected stack, caller, function or module, found '%s'"),
				   l->value);
			return -1;
		}
		if (!(c->cli_set & TUI_SET_GROUP))
			t->vo.group = g;
	} else if (strcmp(l->name, "threshold") == 0) {
		if (parse_double(l->value, &d, 0, 1e15) < 0 || d != floor(d)) {
			pt_err_set(err, _("threshold: expected a whole number of pages, found '%s'"),
				   l->value);
			return -1;
		}
		if (!(c->cli_set & TUI_SET_THRESHOLD))
			t->vo.threshold = (int64_t)d;
	} else if (strcmp(l->name, "interval") == 0) {
		if (parse_double(l->value, &d, 0.1, 86400) < 0) {
			pt_err_set(err, _("interval: expected seconds from 0.1 to 86400, found '%s'"),
				   l->value);
			return -1;
		}
		t->rc_interval = d;
		if (!(c->cli_set & TUI_SET_INTERVAL) && !t->interval)
			t->interval = d;
	} else if (strcmp(l->name, "columns") == 0) {
		unsigned mask = 1u << COL_LABEL;
		char *copy = xstrdup(l->value), *save = NULL;

		for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
			enum col col;

			if (col_parse(w, &col) < 0) {
				pt_err_set(err, _("columns: unknown column '%s' (pages, bytes, delta, rate, delta_base, trend, score, peak, first_seen, label)"),
					   w);
				free(copy);
				return -1;
			}
			mask |= 1u << col;
		}
		free(copy);
		t->colmask = mask;
	} else if (strcmp(l->name, "alloc-patterns") == 0) {
		char *copy = xstrdup(l->value), *save = NULL;
		const char *globs[64];
		size_t n = 0;

		for (char *w = strtok_r(copy, " \t", &save); w && n < ARRAY_SIZE(globs);
		     w = strtok_r(NULL, " \t", &save))
			globs[n++] = w;
		if (!(c->cli_set & TUI_SET_ALLOC)) {
			alloc_set(t, globs, n);
			model_set_alloc_patterns(t->master, (const char *const *)t->alloc, t->nalloc);
		}
		free(copy);
	} else {
		pt_err_set(err, _("unknown setting '%s' (sort, group, threshold, interval, columns, alloc-patterns)"),
			   l->name);
		return -1;
	}
	return 0;
}

void tui_load_config(struct tui *t, const char *path)
{
	struct rcctx c = { t, t->cli_set };
	struct rc_errors errs = { NULL, 0 };
	struct pt_err err;

	free(t->rc);
	t->rc = path ? xstrdup(path) : rc_path();
	if (!t->rc)
		return;
	if (rc_read(t->rc, rc_line, &c, &errs, &err) < 0) {
		tui_message(t, 1, "%s", err.msg);
		return;
	}
	if (errs.n == 1)
		tui_message(t, 1, _("%s (line skipped)"), errs.msg[0]);
	else if (errs.n > 1)
		tui_message(t, 1, _("%s (line skipped; %zu more bad lines)"), errs.msg[0],
			    errs.n - 1);
	rc_errors_free(&errs);
}

static void save_config(struct tui *t)
{
	char sort[80], thr[32], iv[32], cols[256], *alloc = NULL;
	struct rc_set sets[6];
	size_t n = 0, len = 0;
	struct pt_err err;

	if (!t->rc) {
		tui_message(t, 1, "%s", _("no config file: neither XDG_CONFIG_HOME nor HOME is set, or they are root's and pagetop is not"));
		return;
	}
	snprintf(sort, sizeof(sort), "%s:%s", sort_key_name(t->vo.key),
		 t->vo.ascending ? "asc" : "desc");
	snprintf(thr, sizeof(thr), "%lld", (long long)t->vo.threshold);
	cols[0] = '\0';
	for (int c = 0; c < COL__N; c++)
		if (t->colmask & (1u << c))
			len += (size_t)snprintf(cols + len, sizeof(cols) - len, "%s%s", len ? "," : "",
						col_name((enum col)c));
	sets[n++] = (struct rc_set){ "sort", sort };
	sets[n++] = (struct rc_set){ "group", group_name(t->vo.group) };
	sets[n++] = (struct rc_set){ "threshold", thr };
	if (t->interval > 0) {
		fmt_decimal(iv, sizeof(iv), t->interval);
		sets[n++] = (struct rc_set){ "interval", iv };
	}
	sets[n++] = (struct rc_set){ "columns", cols };
	if (t->alloc) {
		size_t total = 1;

		for (size_t i = 0; i < t->nalloc; i++)
			total += strlen(t->alloc[i]) + 1;
		alloc = xcalloc(total, 1);
		for (size_t i = 0; i < t->nalloc; i++) {
			if (i)
				strcat(alloc, " ");
			strcat(alloc, t->alloc[i]);
		}
		sets[n++] = (struct rc_set){ "alloc-patterns", alloc };
	}
	if (rc_save(t->rc, sets, n, &err) < 0)
		tui_message(t, 1, "%s", err.msg);
	else
		tui_message(t, 0, _("settings saved to %s"), t->rc);
	free(alloc);
}

/* ---------------------------------------------------------------------------------- */
/* the screen */

int tui_screen_open(struct tui *t, FILE *out, FILE *in, const char *term)
{
	t->scr = newterm(term, out, in);
	if (!t->scr)
		return -1;
	set_term(t->scr);
	t->scr_out = out;
	t->scr_in = in;
	t->in_fd = fileno(in);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (t->color && has_colors() && start_color() == OK) {
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

		init_pair(1, COLOR_RED, bg);      /* growing */
		init_pair(2, COLOR_CYAN, bg);     /* shrinking */
		init_pair(3, COLOR_BLACK, COLOR_GREEN); /* column titles */
		init_pair(4, COLOR_RED, bg);      /* errors */
		init_pair(5, COLOR_BLACK, COLOR_YELLOW); /* search matches */
		init_pair(6, COLOR_YELLOW, bg);   /* states: paused, recording */
		init_pair(7, COLOR_BLUE, bg);     /* allocator machinery frames */
	} else {
		t->color = 0;
	}
	if (t->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0); /* double clicks are told apart here, without a delay */
	}
	t->dirty = 1;
	return 0;
}

static int in_foreground(const struct tui *t);

void tui_screen_close(struct tui *t)
{
	if (!t->scr)
		return;
	set_term(t->scr);
	/* In the background (kill %1 after ^Z: SIGTERM, then SIGCONT) the terminal is another
	 * process group's: a mode change would stop pagetop with SIGTTOU and the escapes would
	 * land in that program. suspend() already left the screen. */
	if (in_foreground(t)) {
		if (t->mouse)
			mousemask(0, NULL);
		curs_set(1);
		endwin();
	}
	delscreen(t->scr);
	t->scr = NULL;
}

/* ---------------------------------------------------------------------------------- */
/* samples */

static void record_sample(struct tui *t)
{
	struct sink sink;
	struct pt_err err;

	if (!t->rec)
		return;
	sink = recorder_sink(t->rec);
	if (model_replay_sample(t->master, &sink, t->rec_samples == 0, &err) < 0) {
		tui_message(t, 1, _("recording %s stopped: %s"), t->rec_path, err.msg);
		recorder_free(t->rec);
		t->rec = NULL;
		return;
	}
	t->rec_samples++;
}

static void after_sample(struct tui *t)
{
	const struct stack *fs = model_special(t->master, SK_FAILURE);

	t->nread++;
	if (t->tape)
		replay_tape_add(t->tape, t->master);
	record_sample(t);
	if (fs && t->fail_seen >= 0 && fs->s.now > t->fail_seen)
		tui_message(t, 1, _("the failure stack grew by %lld pages: the kernel's stack depot is full and stacks are being lost"),
			    (long long)(fs->s.now - t->fail_seen));
	if (fs)
		t->fail_seen = fs->s.now;
	if (t->m == t->master) {
		t->pos = (uint32_t)(t->nread - 1);
		if (t->paused)
			t->pending++;
		else
			t->view_stale = 1;
	}
	t->dirty = 1;
}

int tui_pump(struct tui *t, int budget_ms)
{
	struct sink sink = model_sink(t->master);
	double deadline = time_mono() + (budget_ms > 0 ? budget_ms / 1e3 : 0);
	int n = 0;

	while (!t->src_end && !t->src_error && !t->load_paused) {
		struct pt_err err;
		enum src_status st;

		if (t->iterations > 0 && t->nread >= t->iterations)
			break;
		st = source_next(t->src, &sink, 0, &err);
		if (st == SRC_ERROR) {
			t->src_error = 1;
			tui_message(t, 1, "%s", err.msg);
			break;
		}
		if (st == SRC_END) {
			t->src_end = 1;
			t->dirty = 1;
			break;
		}
		if (st == SRC_TIMEOUT)
			break;
		after_sample(t);
		n++;
		if (budget_ms >= 0 && time_mono() >= deadline)
			break;
	}
	return n;
}

static double stall_check(struct tui *t)
{
	double s = t->series ? 0 : source_stalled(t->src);

	if ((s > 0) != (t->stalled > 0) || (s > 0 && (long)s != (long)t->stalled))
		t->dirty = 1;
	t->stalled = s;
	return s;
}

static double play_delay(const struct tui *t)
{
	double dt;

	if (t->play_speed <= 0 || t->pos + 1 >= (uint64_t)t->nread)
		return 0;
	dt = model_time_at(t->master, t->pos + 1) - model_time_at(t->master, t->pos);
	dt /= t->play_speed;
	return dt < 0 ? 0 : dt > 10 ? 10 : dt;
}

void tui_tick(struct tui *t)
{
	double now = tui_now(t);

	if (t->msg[0] && now >= t->msg_until) {
		t->msg[0] = '\0';
		t->dirty = 1;
	}
	stall_check(t);
	if (t->playing && !t->building && now >= t->play_next) {
		if (t->pos + 1 >= (uint64_t)t->nread) {
			if (t->src_end || t->src_error) {
				t->playing = 0;
				tui_message(t, 0, "%s", _("end of the series"));
			}
			return;
		}
		tui_goto_sample(t, (long)t->pos + 1);
		t->play_next = now + play_delay(t);
	}
}

/* Answers arrived: redraw (expanded rows may get longer), and say once per object why
 * its frames get no source lines. */
void tui_symbols(struct tui *t)
{
	struct symbols_progress sp;
	struct sym_object *objs;
	size_t n;

	if (!t->sym)
		return;
	symbols_drain(t->sym);
	symbols_progress(t->sym, &sp);
	if (sp.answered == t->sym_answered)
		return;
	t->sym_answered = sp.answered;
	t->dirty = 1;
	t->symrep_stale = 1;
	if (t->view_stale)
		tv_refresh(t); /* the rows may point into a replica that is gone */
	else
		tv_show_cursor(t);
	n = symbols_objects(t->sym, &objs);
	for (size_t i = 0; i < n; i++) {
		int told = 0;

		if (objs[i].state != SOBJ_MISSING && objs[i].state != SOBJ_MISMATCH &&
		    objs[i].state != SOBJ_NO_DWARF && objs[i].state != SOBJ_BAD)
			continue;
		for (int k = 0; k < t->nsym_told; k++)
			told |= strcmp(t->sym_told[k], objs[i].name) == 0;
		if (told || t->nsym_told >= (int)ARRAY_SIZE(t->sym_told))
			continue;
		snprintf(t->sym_told[t->nsym_told++], sizeof(t->sym_told[0]), "%s", objs[i].name);
		tui_message(t, 1, _("no source lines for %s: %s"), objs[i].name, objs[i].reason);
	}
	free(objs);
}

/* ---------------------------------------------------------------------------------- */
/* time: baseline, replay, pause */

/* Going back rebuilds a model from the first sample: at 100,000 stacks that is ~35 ms a
 * sample. Small rebuilds happen at once; bigger ones run a slice per turn of the loop
 * (tui_build_step) while the screen keeps showing the old sample and keys keep working
 * (SYNC_WORK, at the top). */
static void show_replica(struct tui *t, uint32_t k)
{
	/* the models change: find the selection by identity, forget cached matches */
	t->sel_model = NULL;
	t->match_model = NULL;
	t->m = t->replica.m ? t->replica.m : t->master;
	t->pos = k;
	t->view_stale = 1;
	t->dirty = 1;
}

static void build_cancel(struct tui *t)
{
	replay_free(&t->build);
	t->building = 0;
}

int tui_build_step(struct tui *t, int budget_ms)
{
	double t0 = time_mono();
	struct pt_err err;

	if (!t->building)
		return 1;
	while (t->build.next <= t->build_target) {
		if (replay_advance(&t->build, t->tape, t->master, t->build.next, t->baseline,
				    &err) < 0) {
			tui_message(t, 1, "%s", err.msg);
			build_cancel(t);
			return 1;
		}
		if (budget_ms >= 0 && (time_mono() - t0) * 1e3 >= budget_ms)
			break;
	}
	t->dirty = 1;
	if (t->build.next <= t->build_target)
		return 0;
	replay_free(&t->replica);
	t->replica = t->build;
	memset(&t->build, 0, sizeof(t->build));
	t->building = 0;
	show_replica(t, t->build_target);
	return 1;
}

void tui_goto_sample(struct tui *t, long k)
{
	struct pt_err err;
	uint32_t last;
	double work;

	if (!t->series) {
		tui_message(t, 0, "%s", _("going back needs a recording or a folder of snapshots; this source is live"));
		return;
	}
	if (!t->nread)
		return;
	last = (uint32_t)(t->nread - 1);
	if (k < 0)
		k = 0;
	if (k > (long)last)
		k = last;
	if ((uint32_t)k == last && model_baseline_sample(t->master) == t->baseline) {
		build_cancel(t);
		replay_free(&t->replica);
		show_replica(t, (uint32_t)k);
		return;
	}
	if (t->replica.m && t->m == t->replica.m && t->replica.next <= (uint32_t)k + 1) {
		/* forward from the replica on screen: a sample at a time, cheap */
		build_cancel(t);
		if (replay_advance(&t->replica, t->tape, t->master, (uint32_t)k, t->baseline,
				    &err) < 0) {
			tui_message(t, 1, "%s", err.msg);
			replay_free(&t->replica);
			k = last;
		}
		show_replica(t, (uint32_t)k);
		return;
	}
	if (t->building && t->build.next <= (uint32_t)k + 1) {
		t->build_target = (uint32_t)k; /* on the way there already */
		return;
	}
	build_cancel(t);
	replay_init(&t->build, (const char *const *)t->alloc, t->nalloc, t->vo.group);
	t->building = 1;
	t->build_target = (uint32_t)k;
	work = ((double)k + 1) * (double)model_nstacks(t->master);
	tui_build_step(t, work <= t->sync_work ? -1 : t->build_slice_ms);
}

/* A build under way took the old baseline: start it again. */
static void build_restart(struct tui *t)
{
	uint32_t k = t->build_target;

	if (!t->building)
		return;
	build_cancel(t);
	tui_goto_sample(t, k);
}

static void set_baseline(struct tui *t)
{
	if (!model_nsamples(t->m))
		return;
	model_set_baseline(t->m);
	t->baseline = t->m == t->master ? model_baseline_sample(t->master) : t->pos;
	t->view_stale = 1;
	build_restart(t);
	if (t->paused)
		tui_message(t, 0, _("baseline set to sample %u (the newest; the display was refreshed)"),
			    t->baseline + 1);
	else
		tui_message(t, 0, _("baseline set to sample %u"), t->baseline + 1);
}

static void reset_baseline(struct tui *t)
{
	t->baseline = 0;
	model_reset_baseline(t->master);
	if (t->replica.m)
		model_reset_baseline(t->replica.m);
	if (t->series && t->replica.m)
		tui_goto_sample(t, t->pos);
	build_restart(t);
	t->view_stale = 1;
	tui_message(t, 0, "%s", _("baseline back to the first sample"));
}

static void play_start(struct tui *t, double speed)
{
	if (!t->series) {
		tui_message(t, 0, "%s", _("playing needs a recording or a folder of snapshots"));
		return;
	}
	t->play_speed = speed;
	if (t->nread && t->pos + 1 >= (uint64_t)t->nread && (t->src_end || t->src_error))
		tui_goto_sample(t, 0);
	t->playing = 1;
	t->play_next = tui_now(t) + play_delay(t);
}

static void toggle_pause(struct tui *t)
{
	if (t->series) {
		if (t->playing) {
			t->playing = 0;
			tui_message(t, 0, "%s", _("replay stopped"));
		} else {
			play_start(t, t->play_speed);
		}
		return;
	}
	if (t->paused) {
		tv_unfreeze(t);
		tui_message(t, 0, "%s", _("display resumed"));
	} else {
		tv_freeze(t);
	}
}

/* ---------------------------------------------------------------------------------- */
/* writing files */

struct snapshot_ctx {
	const struct model *m;
	size_t n;
};

static int snapshot_fill(FILE *fp, void *ctx, struct pt_err *err)
{
	struct snapshot_ctx *c = ctx;
	const struct model *m = c->m;
	const char *what = model_meta(m)->unit == UNIT_ALLOCS ? "stack_count" : "nr_base_pages";

	(void)err;
	for (size_t i = 0; i < model_nstacks(m) && !ferror(fp); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		if (!st || st->s.now <= 0 || !st->nframes)
			continue;
		for (unsigned f = 0; f < st->nframes; f++)
			fprintf(fp, " %s\n", model_frame(m, st->frames[f]));
		fprintf(fp, "%s: %lld\n\n", what, (long long)st->s.now);
		c->n++;
	}
	return 0;
}

struct snapshot_req {
	const char *path;
	struct snapshot_ctx c;
};

static long snapshot_write_fn(void *ctx, int *fd, struct pt_err *err)
{
	struct snapshot_req *r = ctx;

	(void)fd;
	if (write_new_file(r->path, 0644, snapshot_fill, &r->c, err) < 0)
		return -1;
	return (long)r->c.n;
}

/* The displayed sample in show_stacks form (the proposal's form for allocation counts),
 * which pagetop and the kernel's tools read back. Through a temporary file: the name
 * appears complete or not at all, never over a file or through a symbolic link. Under
 * sudo it is written by the user who ran it (asuser.h): their file, where they can write. */
static int write_snapshot(struct tui *t, const char *path, size_t *nwritten,
			  struct pt_err *err)
{
	struct snapshot_req r = { path, { t->m, 0 } };
	long n = asuser_call(snapshot_write_fn, &r, NULL, err);

	*nwritten = 0;
	if (n < 0) {
		asuser_note(err, errno);
		return -1;
	}
	*nwritten = (size_t)n;
	return 0;
}

/* The recording's header: when it started, and what the live source knows of the
 * kernel. */
static void record_add_meta(struct recorder *rec, const struct source *src)
{
	struct recorder_live_meta lm = { 0 };
	struct module_build_id *mods;
	struct live_stats ls;

	recorder_add_start_meta(rec);
	if (live_get_stats(src, &ls) < 0)
		return;
	lm.nmodules = host_module_build_ids(NULL, &mods);
	lm.modules = mods;
	lm.threshold_set = ls.threshold_set;
	lm.threshold_orig = ls.threshold_orig;
	lm.interval = ls.interval;
	recorder_add_live_meta(rec, &lm);
	free(mods);
}

static void record_start(struct tui *t, const char *path)
{
	struct pt_err err;

	if (strcmp(path, "-") == 0) {
		/* the recording's lines, the frames as they came, would go onto the screen */
		tui_message(t, 1, "%s", _("- is standard output, where the screen is: give a file name (pagetop record -o - records without the screen)"));
		return;
	}
	if (recorder_open(&t->rec, path, 0, &err) < 0) {
		t->rec = NULL;
		tui_message(t, 1, "%s", err.msg);
		return;
	}
	record_add_meta(t->rec, t->src);
	free(t->rec_path);
	t->rec_path = xstrdup(path);
	t->rec_samples = 0;
	record_sample(t); /* the sample on screen first */
	if (t->rec)
		tui_message(t, 0, _("recording to %s (R again stops)"), path);
}

static void record_stop(struct tui *t)
{
	struct pt_err err;

	if (recorder_close(t->rec, &err) < 0)
		tui_message(t, 1, "%s", err.msg);
	else
		tui_message(t, 0, ngettext("recording %s closed: %llu sample",
					   "recording %s closed: %llu samples", t->rec_samples),
			    t->rec_path, (unsigned long long)t->rec_samples);
	recorder_free(t->rec);
	t->rec = NULL;
}

/* ---------------------------------------------------------------------------------- */
/* the live source's settings */

static int is_live(const struct tui *t)
{
	struct live_stats ls;

	return live_get_stats(t->src, &ls) == 0;
}

/* Other sources keep the interval for the config file. */
static void set_interval(struct tui *t, double secs)
{
	struct pt_err err;

	if (is_live(t)) {
		if (live_set_interval(t->src, secs, &err) < 0) {
			tui_message(t, 1, "%s", err.msg);
			return;
		}
		t->interval = secs;
		tui_message(t, 0, _("a sample every %g s"), secs);
		return;
	}
	t->interval = secs;
	tui_message(t, 0, _("interval %g s: saved with W, used from the next start (this kernel source keeps its interval)"),
		    secs);
}

/* Writes the threshold to the kernel too (value < 0: puts the kernel's back). */
static int kernel_threshold_write(struct tui *t, long value)
{
	struct pt_err err;

	if (live_set_kernel_threshold(t->src, value, &err) < 0) {
		tui_message(t, 1, "%s", err.msg);
		return -1;
	}
	t->kthresh = value;
	return 0;
}

static void kernel_threshold(struct tui *t)
{
	if (!is_live(t)) {
		tui_message(t, 0, "%s", _("the kernel's count_threshold only matters for the live kernel"));
		return;
	}
	if (t->kthresh >= 0) {
		if (kernel_threshold_write(t, -1) == 0)
			tui_message(t, 0, "%s", _("the kernel's count_threshold is back to its value"));
		return;
	}
	if (!t->vo.threshold) {
		tui_message(t, 0, "%s", _("no threshold to write: + or t sets one first"));
		return;
	}
	if (kernel_threshold_write(t, (long)t->vo.threshold) == 0)
		tui_message(t, 0, _("the kernel's count_threshold is %ld for the whole machine until K again or the end"),
			    t->kthresh);
}

/* While K is on, the kernel's threshold follows pagetop's. */
static void kernel_threshold_follow(struct tui *t)
{
	if (t->kthresh >= 0 && t->kthresh != (long)t->vo.threshold)
		kernel_threshold_write(t, t->vo.threshold ? (long)t->vo.threshold : -1);
}

static void threshold_changed(struct tui *t)
{
	t->view_stale = 1;
	kernel_threshold_follow(t);
	if (t->vo.threshold)
		tui_message(t, 0, _("rows with fewer than %lld pages hidden"), (long long)t->vo.threshold);
	else
		tui_message(t, 0, "%s", _("no threshold"));
}

/* ---------------------------------------------------------------------------------- */
/* prompts */

static const char *prompt_label(enum prompt_kind k)
{
	switch (k) {
	case PR_SEARCH: return _("Search: ");
	case PR_FILTER: return _("Filter (regex, !regex hides): ");
	case PR_THRESHOLD: return _("Threshold in pages: ");
	case PR_INTERVAL: return _("Interval in seconds: ");
	case PR_SNAPSHOT: return _("Write the snapshot to: ");
	case PR_RECORD: return _("Record to: ");
	case PR_PLAY: return _("Play at speed (1 = real time, 0 = as fast as possible): ");
	case PR_SORT: return _("Sort by: ");
	default: return "";
	}
}

const char *tui_prompt_label(enum prompt_kind k)
{
	return prompt_label(k);
}

static void prompt_start(struct tui *t, enum prompt_kind k, const char *initial)
{
	t->prompt = k;
	t->plen = 0;
	if (initial) {
		mbstate_t st;
		const char *p = initial;

		memset(&st, 0, sizeof(st));
		t->plen = mbsrtowcs(t->pbuf, &p, ARRAY_SIZE(t->pbuf) - 1, &st);
		if (t->plen == (size_t)-1)
			t->plen = 0;
	}
	t->pbuf[t->plen] = L'\0';
	t->dirty = 1;
}

static void prompt_text(const struct tui *t, char *buf, size_t n)
{
	const wchar_t *p = t->pbuf;
	mbstate_t st;
	size_t k;

	memset(&st, 0, sizeof(st));
	k = wcsrtombs(buf, &p, n - 1, &st);
	buf[k == (size_t)-1 ? 0 : k] = '\0';
}

static const enum sort_key sort_order[] = {
	KEY_PAGES, KEY_BYTES, KEY_DELTA, KEY_RATE, KEY_DELTA_BASE, KEY_SCORE, KEY_PEAK,
	KEY_FIRST_SEEN, KEY_LABEL,
};

static void set_sort(struct tui *t, enum sort_key k)
{
	if (t->vo.key == k)
		return;
	t->vo.key = k;
	t->vo.ascending = k == KEY_LABEL;
	t->view_stale = 1;
}

static void prompt_accept(struct tui *t)
{
	char text[1024];
	struct pt_err err;
	double d;
	enum prompt_kind k = t->prompt;

	prompt_text(t, text, sizeof(text));
	t->prompt = PR_NONE;
	switch (k) {
	case PR_SEARCH:
		if (!text[0])
			tv_search_set(t, t->search_saved);
		break;
	case PR_FILTER: {
		struct filter *f;
		const char *one = text;

		if (!text[0])
			break;
		if (t->nfilters >= TUI_FILTERS_MAX) {
			tui_message(t, 1, _("at most %d filters: F clears them"), TUI_FILTERS_MAX);
			break;
		}
		f = filter_new(&one, 1, &err);
		if (!f) {
			tui_message(t, 1, "%s", err.msg);
			break;
		}
		filter_free(f);
		if (!t->own_filter && t->vo.filter)
			tui_message(t, 0, "%s", _("the command line's filters give way to this one"));
		t->filters[t->nfilters++] = xstrdup(text);
		filters_rebuild(t);
		t->view_stale = 1;
		break;
	}
	case PR_THRESHOLD:
		if (parse_double(text, &d, 0, 1e15) < 0 || d != floor(d)) {
			tui_message(t, 1, _("expected a whole number of pages, found '%s'"), text);
			break;
		}
		t->vo.threshold = (int64_t)d;
		threshold_changed(t);
		break;
	case PR_INTERVAL:
		if (parse_double(text, &d, 0.1, 86400) < 0) {
			tui_message(t, 1, _("expected seconds from 0.1 to 86400, found '%s'"), text);
			break;
		}
		set_interval(t, d);
		break;
	case PR_SNAPSHOT: {
		size_t n;

		if (!text[0])
			break;
		if (write_snapshot(t, text, &n, &err) < 0)
			tui_message(t, 1, "%s", err.msg);
		else
			tui_message(t, 0, ngettext("wrote %zu stack to %s", "wrote %zu stacks to %s", n),
				    n, text);
		break;
	}
	case PR_RECORD:
		if (text[0])
			record_start(t, text);
		break;
	case PR_PLAY:
		if (parse_double(text, &d, 0, 1e6) < 0) {
			tui_message(t, 1, _("expected a speed such as 1, 2 or 0.5, found '%s'"), text);
			break;
		}
		play_start(t, d);
		break;
	default:
		break;
	}
	t->dirty = 1;
}

static void prompt_key(struct tui *t, int key)
{
	if (t->prompt == PR_SORT) {
		t->prompt = PR_NONE;
		if (key >= '1' && key < '1' + (int)ARRAY_SIZE(sort_order))
			set_sort(t, sort_order[key - '1']);
		t->dirty = 1;
		return;
	}
	if (key == '\n' || key == (TK_FN | KEY_ENTER)) {
		prompt_accept(t);
		return;
	}
	if (key == 27 || key == TK_CTRL('G')) {
		if (t->prompt == PR_SEARCH) {
			tv_search_set(t, t->search_saved);
			tv_select(t, t->search_origin);
		}
		t->prompt = PR_NONE;
		t->dirty = 1;
		return;
	}
	if (key == 127 || key == 8 || key == (TK_FN | KEY_BACKSPACE)) {
		if (t->plen)
			t->pbuf[--t->plen] = L'\0';
	} else if (key == TK_CTRL('U')) {
		t->plen = 0;
		t->pbuf[0] = L'\0';
	} else if (!(key & TK_FN) && key >= 32 && key != 127) {
		if (t->plen + 1 < ARRAY_SIZE(t->pbuf)) {
			t->pbuf[t->plen++] = (wchar_t)key;
			t->pbuf[t->plen] = L'\0';
		}
	} else {
		return;
	}
	if (t->prompt == PR_SEARCH) {
		char text[1024];

		prompt_text(t, text, sizeof(text));
		tv_search_set(t, text);
		tv_select(t, t->search_origin);
		if (text[0] && tv_search(t, 1, 1) < 0)
			tv_select(t, t->search_origin);
	}
	t->dirty = 1;
}

/* ---------------------------------------------------------------------------------- */
/* actions */

static int64_t step125(int64_t v, int up)
{
	int64_t d = 1;

	if (up) {
		for (;;) {
			for (int m = 1; m <= 5; m += m == 2 ? 3 : 1)
				if (d * m > v)
					return d * m;
			if (d > INT64_MAX / 100)
				return v;
			d *= 10;
		}
	}
	if (v <= 1)
		return 0;
	for (int64_t best = 0;; d *= 10) {
		for (int m = 1; m <= 5; m += m == 2 ? 3 : 1) {
			if (d * m >= v)
				return best;
			best = d * m;
		}
		if (d > INT64_MAX / 100)
			return best;
	}
}

static void sort_step(struct tui *t, int dir)
{
	size_t n = ARRAY_SIZE(sort_order), i;

	for (i = 0; i < n; i++)
		if (sort_order[i] == t->vo.key)
			break;
	if (i == n)
		i = 0;
	else
		i = (i + n + (size_t)(dir > 0 ? 1 : n - 1)) % n;
	set_sort(t, sort_order[i]);
}

static void default_name(const struct tui *t, const char *ext, char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
	if (t->fake_now > 0)
		snprintf(ts, sizeof(ts), "test");
	snprintf(buf, n, "pagetop-%s%s", ts, ext);
}

static void global_action(struct tui *t, enum action a)
{
	char buf[256];

	switch (a) {
	case ACT_QUIT:
		t->quit = 1;
		break;
	case ACT_SORT_PICK:
		t->prompt = PR_SORT;
		break;
	case ACT_SORT_PREV:
		sort_step(t, -1);
		break;
	case ACT_SORT_NEXT:
		sort_step(t, 1);
		break;
	case ACT_SORT_REVERSE:
		t->vo.ascending = !t->vo.ascending;
		t->view_stale = 1;
		break;
	case ACT_THRESH_UP:
		t->vo.threshold = step125(t->vo.threshold, 1);
		threshold_changed(t);
		break;
	case ACT_THRESH_DOWN:
		t->vo.threshold = step125(t->vo.threshold, 0);
		threshold_changed(t);
		break;
	case ACT_THRESH_SET:
		snprintf(buf, sizeof(buf), "%lld", (long long)t->vo.threshold);
		prompt_start(t, PR_THRESHOLD, t->vo.threshold ? buf : NULL);
		break;
	case ACT_THRESH_CLEAR:
		t->vo.threshold = 0;
		threshold_changed(t);
		break;
	case ACT_KERNEL_THRESH:
		kernel_threshold(t);
		break;
	case ACT_FILTER:
		prompt_start(t, PR_FILTER, NULL);
		break;
	case ACT_FILTER_CLEAR:
		for (size_t i = 0; i < t->nfilters; i++)
			free(t->filters[i]);
		t->nfilters = 0;
		filters_rebuild(t);
		t->view_stale = 1;
		tui_message(t, 0, "%s", _("filters cleared"));
		break;
	case ACT_GROUP:
		t->vo.group = (enum group_mode)((t->vo.group + 1) % GROUP__N);
		t->view_stale = 1;
		t->have_sel = 0;
		t->cur.row = 0;
		t->cur.sub = -1;
		t->top = t->cur;
		tui_message(t, 0, _("grouped by %s"), group_name(t->vo.group));
		break;
	case ACT_BASELINE:
		set_baseline(t);
		break;
	case ACT_BASELINE_RESET:
		reset_baseline(t);
		break;
	case ACT_PAUSE:
		toggle_pause(t);
		break;
	case ACT_INTERVAL:
		if (t->series) {
			tui_message(t, 0, "%s", _("a replay keeps the recorded times: P plays at a chosen speed"));
			break;
		}
		fmt_decimal(buf, sizeof(buf), t->interval > 0 ? t->interval : LIVE_DEFAULT_INTERVAL);
		prompt_start(t, PR_INTERVAL, buf);
		break;
	case ACT_SAMPLE_PREV:
	case ACT_SAMPLE_NEXT:
	case ACT_SAMPLE_BACK10:
	case ACT_SAMPLE_FWD10: {
		static const int steps[] = { -1, 1, -10, 10 };

		t->playing = 0;
		/* while a rebuild is under way, steps count from where it goes */
		tui_goto_sample(t, (long)(t->building ? t->build_target : t->pos) +
				   steps[a - ACT_SAMPLE_PREV]);
		break;
	}
	case ACT_PLAY:
		if (t->playing) {
			t->playing = 0;
			tui_message(t, 0, "%s", _("replay stopped"));
		} else if (!t->series) {
			tui_message(t, 0, "%s", _("playing needs a recording or a folder of snapshots"));
		} else {
			fmt_decimal(buf, sizeof(buf), t->play_speed);
			prompt_start(t, PR_PLAY, buf);
		}
		break;
	case ACT_SNAPSHOT:
		default_name(t, ".show_stacks", buf, sizeof(buf));
		prompt_start(t, PR_SNAPSHOT, buf);
		break;
	case ACT_RECORD:
		if (t->rec) {
			record_stop(t);
		} else if (t->series && (t->src_end || t->src_error)) {
			tui_message(t, 0, "%s", _("this series is complete, nothing new to record: pagetop record --from converts it"));
		} else {
			default_name(t, ".ptrec", buf, sizeof(buf));
			prompt_start(t, PR_RECORD, buf);
		}
		break;
	case ACT_SAVE_CONFIG:
		save_config(t);
		break;
	case ACT_REDRAW:
		t->redraw_all = 1;
		break;
	case ACT_SYMBOLS:
		t->view = &tui_symbols_view;
		t->sym_top = 0;
		t->symrep_stale = 1;
		break;
	case ACT_HELP:
		t->view = &tui_help_view;
		t->help_top = 0;
		break;
	default:
		break;
	}
}

static void mouse_event(struct tui *t)
{
	MEVENT ev;
	int list_y = TUI_HEADER_LINES;
	struct lpos p;
	double now = tui_now(t);

	if (getmouse(&ev) != OK)
		return;
	if (t->view != &tui_list_view) {
		t->view = &tui_list_view;
		return;
	}
	if (ev.bstate & BUTTON4_PRESSED) {
		tv_move(t, -3);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		tv_move(t, 3);
	} else if (ev.bstate & BUTTON1_PRESSED) {
		if (ev.y == TUI_HEADER_LINES - 1) {
			int k = tui_title_col(t, ev.x);

			if (k >= 0) {
				if (t->vo.key == (enum sort_key)k) {
					t->vo.ascending = !t->vo.ascending;
					t->view_stale = 1;
				} else {
					set_sort(t, (enum sort_key)k);
				}
			}
		} else if (ev.y >= list_y && ev.y < list_y + tv_list_height() &&
			   tv_line_at(t, ev.y - list_y, &p)) {
			if (p.row == t->last_click_pos.row && p.sub == t->last_click_pos.sub &&
			    now - t->last_click < 0.4) {
				if (p.sub < 0)
					tv_toggle(t, p.row, !tv_expanded(t, p.row));
				t->last_click = 0;
			} else {
				t->last_click = now;
			}
			t->last_click_pos = p;
			tv_select(t, p);
		}
	}
}

void tui_key(struct tui *t, int key)
{
	enum action a;

	/* a key acts on what the screen will show: samples or a replay step before it
	 * (keys come in batches) must be in the rows first */
	if (t->view_stale)
		tv_refresh(t);
	t->dirty = 1;
	if (key == (TK_FN | KEY_RESIZE)) {
		tv_show_cursor(t);
		return;
	}
	if (key == '\r' || key == (TK_FN | KEY_ENTER))
		key = '\n';
	if (key == (TK_FN | KEY_MOUSE)) {
		if (t->mouse)
			mouse_event(t);
		return;
	}
	if (t->prompt != PR_NONE) {
		prompt_key(t, key);
		return;
	}
	if (t->msg[0] && !t->msg_err)
		t->msg[0] = '\0';
	a = keymap_lookup(&t->km, key);
	if (t->view->key(t, a, key))
		return;
	global_action(t, a);
	if (a == ACT_SEARCH) {
		snprintf(t->search_saved, sizeof(t->search_saved), "%s", t->search);
		t->search_origin = t->cur;
		prompt_start(t, PR_SEARCH, NULL);
	}
}

/* ---------------------------------------------------------------------------------- */
/* signals */

static volatile sig_atomic_t got_signal, got_tstp, got_cont, got_winch;
static int sig_pipe[2] = { -1, -1 };
static struct termios saved_tio;
static int have_tio;
static char reset_seq[512];
static size_t reset_len;
static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction old_act[ARRAY_SIZE(caught)];

static void on_signal(int sig)
{
	int e = errno;

	live_restore_threshold();
	if (got_signal) {
		/* the loop did not get to leave: put the terminal back from here */
		ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);

		(void)w;
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	got_signal = sig;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "s", 1);

		(void)w;
	}
	errno = e;
}

/* Ctrl-Z (SIGTSTP) and the return (SIGCONT): curses' own SIGTSTP handler leaves the
 * screen from inside the handler, which is not async-signal-safe (it can cut into a
 * doupdate() half-way), so pagetop keeps SIGTSTP for itself. This handler only sets a
 * flag and wakes the loop, which leaves the screen with endwin(), stops itself with the
 * default action, and draws everything again when it is continued (suspend()).
 * SIGWINCH too: the loop wakes at once (curses' flag alone waits for the next key or
 * the poll timeout) and asks the terminal its size. */
static struct sigaction old_tstp, old_cont, old_winch;
static int have_tstp, have_winch;

static void on_job_signal(int sig)
{
	int e = errno;

	if (sig == SIGTSTP)
		got_tstp = 1;
	else if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_cont = 1;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "j", 1);

		(void)w;
	}
	errno = e;
}

/* A crash: the terminal back as endwin() would leave it and count_threshold back, then
 * death by the signal's default action (a core). Async-signal-safe. */
static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction old_crash[ARRAY_SIZE(crashes)];

static void on_crash(int sig)
{
	ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);

	(void)w;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	live_restore_threshold();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_install(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaddset(&sa.sa_mask, caught[i]);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++) {
		if (sigaction(caught[i], NULL, &old_act[i]) == 0 &&
		    !(old_act[i].sa_flags & SA_SIGINFO) && old_act[i].sa_handler == SIG_IGN)
			continue; /* nohup: keep ignoring */
		sigaction(caught[i], &sa, NULL);
	}
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++)
		sigaction(crashes[i], &sa, &old_crash[i]);
	/* before newterm(): curses installs its own SIGTSTP handler only over SIG_DFL; an
	 * ignored SIGTSTP (a shell without job control) stays ignored */
	sa.sa_handler = on_job_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTSTP);
	sigaddset(&sa.sa_mask, SIGCONT);
	sigaddset(&sa.sa_mask, SIGWINCH);
	have_tstp = sigaction(SIGTSTP, NULL, &old_tstp) == 0 && old_tstp.sa_handler == SIG_DFL &&
		    !(old_tstp.sa_flags & SA_SIGINFO) && sigaction(SIGTSTP, &sa, NULL) == 0;
	have_winch = sigaction(SIGWINCH, &sa, &old_winch) == 0;
	sigaction(SIGCONT, &sa, &old_cont);
	got_tstp = got_cont = got_winch = 0;
}

static void signals_restore(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &old_act[i], NULL);
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++)
		sigaction(crashes[i], &old_crash[i], NULL);
	if (have_tstp)
		sigaction(SIGTSTP, &old_tstp, NULL);
	have_tstp = 0;
	if (have_winch)
		sigaction(SIGWINCH, &old_winch, NULL);
	have_winch = 0;
	sigaction(SIGCONT, &old_cont, NULL);
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

static void reset_add(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

/* What endwin() would send, prepared while it is safe to call terminfo. */
static void reset_prepare(int mouse)
{
	static const char mouse_off[] = "\033[?1000l\033[?1006l";

	reset_len = 0;
	if (mouse && reset_len + sizeof(mouse_off) < sizeof(reset_seq)) {
		memcpy(reset_seq, mouse_off, sizeof(mouse_off) - 1);
		reset_len = sizeof(mouse_off) - 1;
	}
	reset_add("sgr0");
	reset_add("cnorm");
	reset_add("rmkx");
	reset_add("rmcup");
}

static struct tui *fatal_tui;

static void fatal_restore(void)
{
	if (fatal_tui && fatal_tui->scr) {
		set_term(fatal_tui->scr);
		endwin();
	}
	live_restore_threshold();
}

/* ---------------------------------------------------------------------------------- */
/* suspend, resume, resize */

int tui_resize(struct tui *t, int rows, int cols)
{
	if (!t->scr || rows < 1 || cols < 1)
		return -1;
	set_term(t->scr);
	if (rows != LINES || cols != COLS) {
		if (resizeterm(rows, cols) == ERR)
			return -1;
	}
	tui_key(t, TK_FN | KEY_RESIZE);
	return 0;
}

/* 1 when pagetop's process group owns the terminal (not stopped into the background). */
static int in_foreground(const struct tui *t)
{
	pid_t fg = tcgetpgrp(t->in_fd);

	return fg < 0 || fg == getpgrp();
}

/* Back on the terminal: the program's terminal modes again, the size as it is now (it may
 * have changed while another process group had the terminal, and SIGWINCH went to that
 * one), and every cell drawn again, whatever the shell left on the screen. */
static void resume(struct tui *t)
{
	struct winsize ws;

	if (!in_foreground(t)) {
		t->away = 1;
		return;
	}
	t->away = 0;
	set_term(t->scr);
	reset_prog_mode();
	if (ioctl(fileno(t->scr_out), TIOCGWINSZ, &ws) == 0)
		tui_resize(t, ws.ws_row, ws.ws_col);
	t->redraw_all = 1;
	t->dirty = 1;
}

/* Ctrl-Z: leave the screen as at the end, stop with SIGTSTP's default action, and on the
 * return put everything back. Not from the handler: here curses is between calls. */
static void suspend(struct tui *t)
{
	sigset_t tstp, old;
	struct sigaction dfl, mine;

	set_term(t->scr);
	if (in_foreground(t)) {
		/* from the background (kill -TSTP %1) the terminal is not ours to change:
		 * SIGTTOU would stop pagetop before the stop it was asked for */
		endwin();
		fflush(t->scr_out);
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &mine);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	pthread_sigmask(SIG_UNBLOCK, &tstp, &old);
	/* stops here (the whole process, threads too) until SIGCONT; in an orphaned
	 * process group the kernel drops it and pagetop just goes on */
	raise(SIGTSTP);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGTSTP, &mine, NULL);
	resume(t);
}

/* What the job control signals asked for, in the loop. */
static void job_signals(struct tui *t)
{
	char buf[64];

	if (sig_pipe[0] >= 0)
		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
	if (got_tstp) {
		got_tstp = 0;
		suspend(t);
		got_cont = 0; /* the SIGCONT that ended the stop: resume() did its work */
	}
	if (got_cont) {
		got_cont = 0;
		resume(t);
	}
	if (t->away && in_foreground(t))
		resume(t);
	if (got_winch) {
		struct winsize ws;

		got_winch = 0;
		if (!t->away && ioctl(fileno(t->scr_out), TIOCGWINSZ, &ws) == 0)
			tui_resize(t, ws.ws_row, ws.ws_col);
	}
}

/* ---------------------------------------------------------------------------------- */
/* the loop */

static int loop(struct tui *t)
{
	int shown_after_limit = 0;

	for (;;) {
		struct pollfd pfd[4];
		int nfd = 0, timeout = 1000, loading;
		double now;

		if (got_signal || t->quit)
			break;
		loading = t->series && !t->src_end && !t->src_error && !t->load_paused &&
			  !(t->iterations > 0 && t->nread >= t->iterations);
		tui_pump(t, loading ? 40 : -1);
		tui_build_step(t, t->build_slice_ms);
		tui_tick(t);
		if (!t->away)
			tui_render(t);
		if (t->iterations > 0 && t->nread >= t->iterations) {
			if (shown_after_limit)
				break;
			shown_after_limit = 1;
			continue;
		}
		now = tui_now(t);
		if (loading || t->building || (t->playing && t->play_next <= now))
			timeout = 0;
		else if (t->playing)
			timeout = (int)((t->play_next - now) * 1e3) + 1;
		if (t->msg[0] && t->msg_until > now && (t->msg_until - now) * 1e3 < timeout)
			timeout = (int)((t->msg_until - now) * 1e3) + 1;
		if (!t->away) /* the keys belong to the process group in front */
			pfd[nfd++] = (struct pollfd){ t->in_fd, POLLIN, 0 };
		if (sig_pipe[0] >= 0)
			pfd[nfd++] = (struct pollfd){ sig_pipe[0], POLLIN, 0 };
		if (source_fd(t->src) >= 0 && !t->src_end && !t->src_error)
			pfd[nfd++] = (struct pollfd){ source_fd(t->src), POLLIN, 0 };
		if (t->sym && symbols_fd(t->sym) >= 0)
			pfd[nfd++] = (struct pollfd){ symbols_fd(t->sym), POLLIN, 0 };
		if (t->away && timeout > 250)
			timeout = 250; /* back in the foreground without a SIGCONT (fg sends one) */
		if (poll(pfd, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			break;
		job_signals(t);
		if (got_signal)
			break;
		tui_symbols(t);
		for (; !t->away;) {
			wint_t wc;
			int rc = wget_wch(stdscr, &wc);

			if (rc == ERR)
				break;
			tui_key(t, rc == KEY_CODE_YES ? (int)(TK_FN | (int)wc) : (int)wc);
			if (t->quit)
				break;
		}
	}
	return 0;
}

int tui_run(struct source *src, struct model *m, const struct tui_opts *o)
{
	const char *term = getenv("TERM");
	FILE *in = stdin, *tty = NULL;
	struct tui *t;
	int rc;

	if (!isatty(STDOUT_FILENO) || !term || !*term || strcmp(term, "dumb") == 0)
		return -1;
	if (!isatty(STDIN_FILENO)) {
		/* the source reads standard input: keys come from the terminal itself */
		tty = fopen("/dev/tty", "r");
		if (!tty)
			return -1;
		in = tty;
	}
	t = tui_new(src, m, o);
	tui_load_config(t, NULL);
	if (t->rc_interval > 0 && !(t->cli_set & TUI_SET_INTERVAL) && is_live(t))
		set_interval(t, t->rc_interval);
	signals_install();
	if (tui_screen_open(t, stdout, in, NULL) < 0) {
		struct esc_buf b = { NULL, 0 };

		/* TERM is text from the environment, on a terminal */
		fprintf(stderr, _("pagetop: cannot use the terminal type '%s': batch output instead\n"),
			esc_str(&b, term, text_locale_utf8()));
		free(b.p);
		signals_restore();
		tui_free(t);
		if (tty)
			fclose(tty);
		return -1;
	}
	reset_prepare(t->mouse);
	fatal_tui = t;
	util_set_fatal_hook(fatal_restore);
	diag_tui = t;
	diag_set_sink(diag_to_status);
	rc = loop(t);
	diag_set_sink(NULL);
	diag_tui = NULL;
	tui_screen_close(t);
	fatal_tui = NULL;
	util_set_fatal_hook(live_restore_threshold);
	signals_restore();
	if (tty)
		fclose(tty);
	tui_free(t);
	return rc;
}
