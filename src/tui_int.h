/* tui_int.h - the UI's state, shared by tui.c (loop, input, actions), tui_view.c (rows,
 * cursor, search) and tui_draw.c (the screen), and by the headless tests, which drive the
 * same code with keys from a script and read the screen back from curses' own buffer.
 *
 * One frame: keys and samples change the state and set t->dirty; tui_render() rebuilds
 * the view if needed (once per sample or per view change: filter, group, sort), then
 * draws only the visible lines with werase() + wnoutrefresh() and one doupdate(). */
#ifndef PAGETOP_TUI_INT_H
#define PAGETOP_TUI_INT_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

#include "model.h"
#include "model_replay.h"
#include "output_recording.h"
#include "source.h"
#include "symbols.h"
#include "symbols_report.h"
#include "tui.h"
#include "tui_keys.h"

enum col {
	COL_PAGES, COL_BYTES, COL_DELTA, COL_RATE, COL_DELTA_BASE, COL_TREND, COL_SCORE,
	COL_PEAK, COL_FIRST_SEEN, COL_LABEL, COL__N
};
#define COLS_DEFAULT ((1u << COL_PAGES) | (1u << COL_BYTES) | (1u << COL_DELTA) | \
		      (1u << COL_RATE) | (1u << COL_DELTA_BASE) | (1u << COL_TREND) | \
		      (1u << COL_SCORE) | (1u << COL_LABEL))
const char *col_name(enum col c);
int col_parse(const char *s, enum col *c);

/* A displayed row: a copy of what the model's view row says, plus its identity. */
struct drow {
	const struct series *s;     /* the model's, or a frozen copy while paused */
	const struct stack *stack;  /* GROUP_STACK, else NULL */
	uint32_t label;
	uint64_t ident;             /* the same across models (replicas): 0 until computed */
	uint32_t example;           /* groups: the largest member stack, else UINT32_MAX */
	uint32_t nstacks;           /* groups: member stacks with pages */
};

/* A line of the list: a row (sub -1) or one line of its expansion (sub >= 0). */
struct lpos {
	size_t row;
	int sub;
};

struct keyset {                 /* expanded rows: a few idents, searched linearly */
	uint64_t *v;
	size_t n, cap;
};

enum prompt_kind {
	PR_NONE, PR_SEARCH, PR_FILTER, PR_THRESHOLD, PR_INTERVAL, PR_SNAPSHOT, PR_RECORD,
	PR_PLAY, PR_SORT,
};

#define TUI_FILTERS_MAX 31
#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10
#define TUI_HEADER_LINES 4      /* three lines of header and the column titles */

struct tui;
struct tui_view_ops {
	const char *name;
	void (*draw)(struct tui *t);
	/* 1 when the view handled the key */
	int (*key)(struct tui *t, enum action a, int key);
};
extern const struct tui_view_ops tui_list_view, tui_help_view, tui_symbols_view;

struct tui {
	/* the input and the models */
	struct source *src;
	struct model *master;       /* fed by the source */
	struct replay replica;      /* replay: a model at an earlier sample (m == NULL: none) */
	struct replay build;        /* a replica being built toward build_target */
	int building;
	uint32_t build_target;
	double sync_work;           /* rebuilds up to this many stack feeds happen at once */
	int build_slice_ms;         /* else they take this long a turn of the loop */
	struct model *m;            /* displayed: master or replica.m */
	struct replay_tape *tape;   /* series only */
	int series;                 /* a finite series (folder, recording, files) */
	int src_end, src_error;
	long iterations, nread;     /* -n, samples read */
	uint32_t pos;               /* displayed sample (series) */
	uint32_t baseline;          /* wanted baseline sample (0: the first) */
	int64_t fail_seen;
	double interval;            /* live */
	double rc_interval;         /* from the config file, 0 when not there */
	long kthresh;               /* value written to the kernel, -1 none */
	const char **alloc;         /* allocator patterns in force (NULL: built-in) */
	size_t nalloc;

	/* the view */
	struct view_opts vo;
	char *filters[TUI_FILTERS_MAX];
	size_t nfilters;
	struct filter *own_filter;  /* built from filters[] */
	struct view v;
	struct drow *rows;
	size_t nrows, caprows;
	int view_stale;             /* the model or the view options changed */
	unsigned colmask;
	size_t sorted;              /* rows in order from the first (SIZE_MAX: all) */
	double view_ms, draw_ms;    /* cost of the last view rebuild and draw */

	/* paused display (live): rows point into a frozen copy */
	int paused;
	struct series *frozen;
	void *frozen_hist;          /* their histories */
	uint32_t frozen_sample;
	long pending;               /* samples received while paused */

	/* stacks of the master that the model must keep (model_pin) while they are shown:
	 * the selected row's, the expanded rows', the paused rows' */
	const struct stack *pin_sel;
	const struct stack **pins;  /* expanded and paused rows */
	size_t npins, cappins;

	/* cursor and expansion */
	const struct tui_view_ops *view;
	struct lpos cur, top;
	int cur_y;                  /* the cursor's line on the screen, from the top line */
	const struct stack *sel_stack; /* the selected row in sel_model: its stack, */
	uint32_t sel_label;         /* or its group's label, */
	uint64_t sel_ident;         /* and its identity in any model */
	const struct model *sel_model;
	int have_sel;
	struct keyset expanded[GROUP__N];
	int expand_all[GROUP__N];
	int help_top;

	/* search */
	char search[256];
	uint8_t *fmatch, *lmatch;   /* per frame / label id: 0 unknown, 1 no, 2 yes */
	size_t nfmatch, nlmatch;
	const struct model *match_model;
	struct lpos search_origin;
	char search_saved[256];

	/* the prompt on the status line */
	enum prompt_kind prompt;
	wchar_t pbuf[256];
	size_t plen;

	/* the status line */
	char msg[512];
	int msg_err;
	double msg_until;
	double stalled;

	/* replay */
	int playing;
	double play_speed;
	double play_next;
	int load_paused;

	/* recording */
	struct recorder *rec;
	char *rec_path;
	uint64_t rec_samples;

	/* source lines */
	struct symbols *sym;        /* NULL: frames as the kernel printed them */
	char sym_told[16][64];      /* objects whose missing debug info was reported */
	int nsym_told;
	uint64_t sym_answered;
	/* the symbols panel (S): the report, rebuilt when answers arrive or the displayed
	 * sample changes while the panel is open */
	struct sym_report symrep;
	int symrep_stale;
	const struct model *symrep_m; /* what the report was built from */
	uint32_t symrep_pos;
	long symrep_nread;
	int sym_top, sym_lines;       /* first line shown, lines in all (last draw) */

	/* config */
	unsigned cli_set;           /* TUI_SET_*: what the command line gave */
	char *rc;                   /* path of the config file, or NULL */
	struct keymap km;

	/* the screen */
	SCREEN *scr;
	FILE *scr_out, *scr_in;
	int in_fd;
	int utf8, color, mouse;
	int dirty, quit, redraw_all;
	int away;                   /* stopped or in the background: no drawing until back */
	double last_click;
	struct lpos last_click_pos;
	double fake_now;            /* tests: the clock, when > 0 */
};

/* tui.c */
struct tui *tui_new(struct source *src, struct model *m, const struct tui_opts *o);
void tui_free(struct tui *t);
/* Reads the config file (path NULL: the default one). */
void tui_load_config(struct tui *t, const char *path);
/* Curses on these files (term NULL: $TERM). Returns 0 or -1. */
int tui_screen_open(struct tui *t, FILE *out, FILE *in, const char *term);
void tui_screen_close(struct tui *t);
/* Reads samples for at most budget_ms (< 0: until the source has no sample ready).
 * Returns how many. */
int tui_pump(struct tui *t, int budget_ms);
/* Timers: playing, the stall check, messages that expire. */
void tui_tick(struct tui *t);
void tui_key(struct tui *t, int key);
/* The terminal is rows x cols now (SIGWINCH, or found on a return from a suspend): curses
 * and the cursor follow. Sizes below 1 (a hostile or broken ioctl) keep the old size.
 * Returns 0, or -1 when the size was refused. */
int tui_resize(struct tui *t, int rows, int cols);
double tui_now(const struct tui *t);
void tui_message(struct tui *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Goes to a sample of the series. */
void tui_goto_sample(struct tui *t, long k);
/* Works on a rebuild under way for at most budget_ms (< 0: to the end). 1 when none is
 * left. */
int tui_build_step(struct tui *t, int budget_ms);
/* Symbol answers arrived (or not: cheap to call). */
void tui_symbols(struct tui *t);
const char *tui_prompt_label(enum prompt_kind k);

/* tui_view.c */
/* Rebuilds the rows from the model. Sorting 100,000 rows costs ~10 ms: only the rows
 * near the top are put in order (model_view's limit); moving further down, searching or
 * pausing sorts them all, once. */
void tv_refresh(struct tui *t);
void tv_sort_all(struct tui *t);
void tv_freeze(struct tui *t);
void tv_unfreeze(struct tui *t);
/* Pins the stacks of the rows shown expanded or paused (after a change of either). */
void tv_pins_update(struct tui *t);
uint64_t tv_ident(const struct tui *t, size_t row);
int tv_expanded(const struct tui *t, size_t row);
void tv_toggle(struct tui *t, size_t row, int on);
int tv_nsub(const struct tui *t, size_t row);
/* Which line of a row's expansion sub is: frame index fi (-1: the group's note) and ii 0
 * for the frame itself, 1.. for the functions it was inlined into. */
void tv_locate(const struct tui *t, size_t row, int sub, int *fi, int *ii);
/* The source lines of a frame when known (ask: request them). */
const struct sym_result *tv_sym(const struct tui *t, uint32_t frame, int ask);
const struct stack *tv_row_stack(const struct tui *t, size_t row);
int tv_next(const struct tui *t, struct lpos *p);
int tv_prev(const struct tui *t, struct lpos *p);
int tv_list_height(void);
void tv_move(struct tui *t, long lines);
void tv_home(struct tui *t);
void tv_end(struct tui *t);
void tv_show_cursor(struct tui *t);
void tv_select(struct tui *t, struct lpos p);
/* The list line at screen offset y from the top line; 0 when there is none. */
int tv_line_at(const struct tui *t, int y, struct lpos *p);
void tv_search_set(struct tui *t, const char *text);
/* Moves to the next (dir 1) or previous (-1) matching row; from the cursor's row itself
 * when include. Returns 0, or -1 when nothing matches. */
int tv_search(struct tui *t, int dir, int include);
int tv_text_matches(struct tui *t, const char *s);
int tv_row_matches(struct tui *t, size_t row);
int tv_list_key(struct tui *t, enum action a, int key);

/* tui_draw.c */
void tui_render(struct tui *t);
void tui_draw_list(struct tui *t);
void tui_draw_all(struct tui *t);
/* The screen as text: lines ended by '\n', trailing blanks cut (malloc'ed). */
char *tui_dump(const struct tui *t);
/* The attributes of a cell, and its colour pair. */
attr_t tui_cell_attr(const struct tui *t, int y, int x, short *pair);
const char *tui_col_title(const struct tui *t, enum col c);
/* The sort key of the column title under screen column x, or -1. */
int tui_title_col(const struct tui *t, int x);

#endif
