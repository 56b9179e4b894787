/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_app.h - the app: what every part of the UI shares. The source and the models, the
 * settings, the shown sample of a series, the recording, the screens and which one is
 * shown, the status line and its prompt, the terminal. What only one screen needs lives
 * in that screen (tui_list.c, tui_help.c, tui_symbols.c).
 *
 * The files of the UI are layers, each using only those below it:
 *
 *   tui.c          the app's life: the loop, keys, samples in, signals, suspend, resize
 *   tui_actions.c  the actions of tui_actions.def as functions
 *   tui_list.c tui_help.c tui_symbols.c tui_setup.c tui_attrib.c   the screens
 *                  (tui_pager.c: help's and symbols'; tui_tree.c: the list's tree mode;
 *                  tui_attrib.c: the per-block dump's blocks by task, cgroup, ...)
 *   tui_time.c     the shown sample: replay, baseline, playing
 *   tui_status.c   the header and the status line
 *   this header    the app's state, the screens' interface
 *   tui_prompt.c   the status line's prompt (it calls back whoever opened it)
 *   tui_config.c   the settings as text;  tui_columns.c  the list's columns
 *   tui_keys.c     actions, what they ask for (ACTION_*), key names, the key map;
 *   tui_draw.c     drawing primitives
 *
 * One frame: keys and samples change the state and ask for what must follow (ACTION_*
 * bits, UPDATE_* for the screens); before the next key or draw the screens bring their
 * state up to date (the list rebuilds its rows once per sample or view change), then
 * only the visible lines are drawn with werase(), wnoutrefresh() and one doupdate(). */
#ifndef PAGETOP_TUI_APP_H
#define PAGETOP_TUI_APP_H

#include <stdint.h>

#include "model.h"
#include "model_replay.h"
#include "output_recording.h"
#include "source.h"
#include "symbols.h"
#include "tui_config.h"
#include "tui_draw.h"
#include "tui_keys.h"
#include "tui_prompt.h"
#include "util.h"

#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10
#define TUI_HEADER_LINES 4      /* three lines of header and the column titles */

/* What changed under the screens (struct screen_ops.update). */
enum {
	UPDATE_VIEW = 1 << 0,       /* the model's sample or the view options */
	UPDATE_SELECTION = 1 << 1,  /* ... and the selection goes back to the first row */
	UPDATE_MODEL = 1 << 2,      /* another model is shown (a replica): ids differ */
	UPDATE_SYMBOLS = 1 << 3,    /* source lines arrived */
	UPDATE_SIZE = 1 << 4,       /* the terminal's size */
};

/* A screen: what the UI shows at once. A screen's file defines its ops and keeps its
 * state in a struct that starts with struct screen. The app makes every screen at the
 * start (create: the state zeroed, but for what the screen sets; the app fills in ops
 * and app), shows one at a time (open, close) and draws it (draw: all but the status
 * line). Keys come as the key map's actions (key); ACTION_PASS leaves the key to the
 * app's actions (tui_actions.c). A click goes to mouse (NULL: back to the list). Every
 * screen hears of changes (update), shown or not. Any op but create, destroy and draw
 * may be NULL. Adding a screen: its file, its ops in tui.c's table, an action to open
 * it. */
struct app;
struct screen;
struct screen_ops {
	const char *name;
	struct screen *(*create)(void);
	void (*destroy)(struct screen *s);
	void (*open)(struct screen *s);
	void (*close)(struct screen *s);
	void (*draw)(struct screen *s);
	unsigned (*key)(struct screen *s, enum action a, int key);
	unsigned (*mouse)(struct screen *s, const MEVENT *ev);
	void (*update)(struct screen *s, unsigned what);
};
struct screen {
	const struct screen_ops *ops;
	struct app *app;
};
enum screen_id { SCREEN_LIST, SCREEN_HELP, SCREEN_SYMBOLS, SCREEN_SETUP, SCREEN_ATTRIB, SCREEN__N };
extern const struct screen_ops list_screen_ops, help_screen_ops, symbols_screen_ops,
	setup_screen_ops, attrib_screen_ops;

/* The shown sample of a series and the way there (tui_time.c). */
struct timeline {
	uint32_t pos;               /* the shown sample */
	uint32_t baseline;          /* the baseline sample wanted (0: the first) */
	struct replay_tape *tape;   /* what replicas are built from (series only) */
	struct replay replica;      /* a model at an earlier sample (m NULL: none) */
	struct replay build;        /* a replica being built toward build_target */
	int building;
	uint32_t build_target;
	double sync_work;           /* rebuilds up to this many stack feeds happen at once */
	int build_slice_ms;         /* else they take this long a turn of the loop */
	int playing;
	double play_speed, play_next;
	struct sample_sel start;    /* SOURCE@SEL: where to go once read (pick NONE: done) */
	int64_t start_best;         /* @peak: the highest total so far, and its sample */
	uint32_t start_peak;
};

/* A paused display (live): sampling goes on, the screen stays. */
struct pause {
	int on;
	uint32_t sample;            /* the sample shown */
	long pending;               /* samples since */
};

struct recording {
	struct recorder *rec;       /* NULL: not recording */
	char *path;
	uint64_t samples;
	/* a per-block dump: the source's records go to the recording as they come (its
	 * blocks, which the model does not keep), through this; NULL: the model's sample */
	struct recorder_tee *tee;
	char **paths;               /* the source's files, for its header (none: live) */
	int npaths;
};

struct status_line {
	char msg[512];              /* "": the hints */
	int err;
	double until;               /* when the message goes */
	double stalled;             /* seconds the source has been stalled */
	char progress[96];          /* ", reading 1.2 GiB of ~3.0 GiB": a long live read */
};

struct app {
	/* the input and the models */
	struct source *src;
	struct model *master;       /* fed by the source */
	struct model *model;        /* shown: the master or time.replica.m */
	int series;                 /* a finite series (folder, recording, files) */
	int can_switch;             /* live, with page_owner and allocinfo both there */
	int src_end, src_error;
	long iterations, nread;     /* -n, samples read */
	int64_t fail_seen;          /* the failure stack's pages, -1 before it is seen */
	long kernel_threshold;      /* written to the kernel's count_threshold, -1 none */
	struct tui_settings settings;
	struct timeline time;
	struct pause pause;
	struct recording recording;

	/* source lines */
	struct symbols *sym;        /* NULL: frames as the kernel printed them */
	uint64_t sym_answered;
	int sym_tell;               /* objects may be missing that are not told yet */
	char sym_told[16][64];      /* objects whose missing debug info was told */
	int nsym_told;

	/* what the user sees */
	struct screen *screens[SCREEN__N];
	struct screen *screen;      /* shown */
	struct list_screen *list;   /* screens[SCREEN_LIST] */
	enum screen_id home;        /* where the others return to: the list or the blocks' */
	unsigned updates;           /* UPDATE_* the screens have yet to hear */
	struct status_line status;
	struct prompt prompt;

	/* the terminal */
	SCREEN *curses;
	FILE *term_out, *term_in;
	int in_fd;
	int utf8, color, mouse;
	int color_allowed;          /* not --no-color nor NO_COLOR: the colors setting decides */
	int away;                   /* stopped or in the background: no drawing until back */
	int dirty, redraw_all, quit;
	int again;                  /* the draw has more to show: another frame, soon */
	double draw_ms;             /* what the last draw cost */
	double fake_now;            /* tests: the clock, when > 0 */
};

static inline double app_now(const struct app *app)
{
	return app->fake_now > 0 ? app->fake_now : time_mono();
}

/* Shows screen id (the one shown closes, the other opens). */
static inline void app_show(struct app *app, enum screen_id id)
{
	struct screen *s = app->screens[id];

	if (s == app->screen)
		return;
	if (app->screen->ops->close)
		app->screen->ops->close(app->screen);
	app->screen = s;
	if (s->ops->open)
		s->ops->open(s);
	app->dirty = 1;
}

/* The screens must hear of what changed before the next key or draw. */
static inline void app_changed(struct app *app, unsigned updates)
{
	app->updates |= updates;
	app->dirty = 1;
}

#endif
