/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_config.h - the UI's settings and the config file behind them: its lines (set NAME =
 * VALUE, bind KEY ACTION) applied over the command line's, W's save, the sort key steps.
 * The text of each setting (names, parsers, ranges, printers) is settings.h's. No curses
 * here, no UI state: the settings come in, errors go out as messages (struct pt_err) for
 * the status line. */
#ifndef PAGETOP_TUI_CONFIG_H
#define PAGETOP_TUI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "model_attrib.h"
#include "model_tree.h"
#include "settings.h"
#include "source_select.h"
#include "tui_keys.h"
#include "util.h"

struct symbols;

/* Which settings the command line gave: they win over the config file. */
enum {
	TUI_SET_SORT = 1 << 0,
	TUI_SET_GROUP = 1 << 1,
	TUI_SET_THRESHOLD = 1 << 2,
	TUI_SET_INTERVAL = 1 << 3,
	TUI_SET_ALLOC = 1 << 4,
	TUI_SET_TREE = 1 << 5,
};

struct source_opts;

struct tui_opts {
	struct view_opts view;
	enum tree_mode tree;            /* --tree: the list opens as that tree */
	int iterations;   /* leave after this many samples were shown; 0: until q */
	int no_color, no_mouse;
	unsigned cli_set;               /* TUI_SET_* */
	const char *const *filters;     /* the --filter patterns (view.filter was built from
					 * them; the UI builds its own to add to them) */
	size_t nfilters;
	const char *const *alloc;       /* --alloc-pattern globs (NULL: none given) */
	size_t nalloc;
	double interval;                /* -d in seconds, 0 when not given */
	struct symbols *sym;            /* source lines of frames, or NULL (not owned) */
	struct sample_sel start;        /* SOURCE@SEL: the sample to open at */
	const struct attrib_opts *attrib; /* --group pid..., --pid...: the blocks' screen (or NULL) */
	struct attr_clock attr_clock;   /* when the blocks were read */
	/* the source's paths and options: the blocks' screen reads them again for the
	 * blocks of an earlier sample (npaths 0: it cannot) */
	const char *const *paths;
	int npaths;
	const struct source_opts *source_opts;
};

#define TUI_FILTERS_MAX 31

struct tui_settings {
	struct view_opts view;      /* sort, group, threshold, the filter in force */
	enum tree_mode tree;        /* the list as a call tree (TREE_OFF: rows) */
	char *filters[TUI_FILTERS_MAX]; /* --filter's and those typed at f */
	size_t nfilters;
	struct filter *own_filter;  /* built from filters[] (else view.filter is main's) */
	struct settings_columns columns; /* the list's: shown (1 << COL_*) and their order */
	double interval;            /* live: seconds between samples, 0 when not known */
	double file_interval;       /* the config file's interval, 0 when not there */
	const char **alloc;         /* allocator patterns in force (NULL: built-in) */
	size_t nalloc;
	unsigned cli_set;           /* TUI_SET_*: what the command line gave wins */
	int function_bar;           /* the function-key bar at the bottom */
	int colors;                 /* colours wanted (where allowed: struct app) */
	char *path;                 /* the config file, or NULL when there is none */
	struct keymap keys;
};

/* The command line's settings, the defaults for the rest. Returns 0, or -1 with err when
 * a filter had to be dropped (cannot happen for patterns main compiled). */
int tui_settings_init(struct tui_settings *s, const struct tui_opts *o, struct pt_err *err);
void tui_settings_free(struct tui_settings *s);
/* Builds own_filter from filters[] again. Returns 0, or -1 with err when the last filter
 * does not compile (it is dropped). */
int tui_settings_filters_rebuild(struct tui_settings *s, struct pt_err *err);
void tui_settings_alloc_set(struct tui_settings *s, const char *const *globs, size_t n);

/* Reads the config file (path NULL: the default one) over the settings, the command
 * line's winning. *alloc_read is set when the file gave allocator patterns. Returns 0, or
 * -1 with err: the file is refused, or lines were skipped (they are counted). */
int config_load(struct tui_settings *s, const char *path, int *alloc_read,
		struct pt_err *err);
/* Writes the settings to the config file. Returns 0 with what was done in msg, or -1
 * with why not. */
int config_save(const struct tui_settings *s, struct pt_err *msg);

/* Sorts by k, in its natural direction (labels up, numbers down). Returns 1 when that
 * changed the sort. */
int sort_set(struct view_opts *vo, enum sort_key k);
/* The key before (dir < 0) or after the one in force in settings_sort_menu[] (the
 * order of the columns, with calls and avg after size when calls is set: allocinfo),
 * round. */
enum sort_key sort_step(const struct view_opts *vo, int calls, int dir);

#endif
