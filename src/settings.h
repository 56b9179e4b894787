/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings.h - every setting of pagetop once: its name, what its text may be (the
 * parser and the range), its default and how it is printed.
 *
 * One table behind the command line (main.c, cmd_record.c, cmd_diff.c), the settings
 * file (settings_file.h: "set NAME = VALUE") and the UI (its prompts read a value, W
 * prints them): a setting reads, checks and prints the same wherever it is given.
 *
 * Use:
 *   struct setting_value v;
 *   struct pt_err err;
 *
 *   A prompt (the command line: SETTING_FROM_ARGS):
 *   if (settings_parse(SETTING_INTERVAL, text, &v, SETTING_FROM_PROMPT, &err) < 0)
 *           show(err.msg);       // "expected seconds from 0.1 to 86400, found 'x'"
 *   else
 *           use(v.number);
 *
 *   A "set NAME = VALUE" line of the settings file (rc_read()'s callback):
 *   if (settings_parse_named(l->name, l->value, &v, err) < 0)
 *           return -1;           // "interval: expected ...", "unknown setting ..."
 *   switch (v.id) { ... }        // then settings_value_free(&v)
 *
 *   W: the values, each with its id, to the file: rc_save_values(path, v, n, &err)
 *   (settings_file.h), which writes "set NAME = TEXT" with settings_print()'s text,
 *   which settings_parse() reads back as the same value.
 *
 * Messages are translated and complete; they quote the text as it was given (the
 * caller escapes it for a terminal, as msg_print() does). This module never prints. */
#ifndef PAGETOP_SETTINGS_H
#define PAGETOP_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "model_tree.h"
#include "output.h"
#include "util.h"

enum setting_id {
	/* in the settings file and the UI, in the order W writes them */
	SETTING_SORT,              /* KEY[:asc|desc], model.h's sort keys */
	SETTING_GROUP,             /* stack, caller, function or module */
	SETTING_THRESHOLD,         /* pages, bytes or a percentage: rows with fewer pages
				    * are hidden (model.h's struct threshold) */
	SETTING_INTERVAL,          /* live: seconds between samples (-d) */
	SETTING_COLUMNS,           /* the list's columns: "pages,bytes,..." */
	SETTING_ALLOC_PATTERNS,    /* allocator functions (globs), blank-separated */
	SETTING_FUNCTION_BAR,      /* the UI's function-key bar: on or off */
	SETTING_COLORS,            /* the UI's colours: on or off (--no-color, NO_COLOR win) */
	/* the command line's only */
	SETTING_ITERATIONS,        /* samples, then stop (-n; pagetop record -n too) */
	SETTING_LIMIT,             /* rows per sample (0: all) */
	SETTING_FORMAT,            /* text, csv, json, folded, openmetrics or pprof */
	SETTING_PAGE_SIZE,         /* bytes of a page in saved snapshots */
	SETTING_KERNEL_THRESHOLD,  /* the kernel's count_threshold while running */
	SETTING_DIFF_SORT,         /* pagetop diff --sort: KEY[:asc|desc] of its keys */
	SETTING_DURATION,          /* pagetop record --duration: 30s, 5m, 1h, 1d, seconds */
	SETTING_TREE,              /* --tree, and the UI's in the file: off, top-down or
				    * bottom-up */
	/* the UI's prompts' only */
	SETTING_PLAY_SPEED,        /* play: times the recorded pace (0: no waiting) */
	SETTING__N
};

/* Where a text comes from: it decides the words of the message about a bad one. */
enum setting_from {
	SETTING_FROM_PROMPT,       /* typed at the UI's prompt: "expected ..., found 'x'" */
	SETTING_FROM_FILE,         /* the settings file: "interval: expected ..." */
	SETTING_FROM_ARGS,         /* pagetop's and pagetop diff's options: "-d: expected ..." */
};

/* At most this many alloc-patterns; more words of a value are ignored. */
#define SETTINGS_PATTERNS_MAX 64

/* The list screen's columns, in their order on the screen ("set columns" names them);
 * bit i of setting_value.columns is column i. The label is always shown. */
enum { SETTINGS_COLUMNS_N = 13, SETTINGS_COLUMN_LABEL = 12 };
const char *settings_column_name(unsigned i);  /* "pages", ...; NULL past the last */
/* all but share (4), peak (10) and first_seen (11); calls (2) and avg (3) are
 * allocinfo's: shown only for it */
#define SETTINGS_COLUMNS_DEFAULT (((1u << SETTINGS_COLUMNS_N) - 1) & ~(1u << 4) & ~(3u << 10))
/* The columns shown (mask, bit i: column i) and their order: every column once, the
 * label last. A value names the shown ones in their order ("set columns =
 * peak,pages,label"); those it does not name follow, hidden, in settings.h's order. */
struct settings_columns {
	unsigned mask;
	uint8_t order[SETTINGS_COLUMNS_N];
};
/* The default: settings.h's order, SETTINGS_COLUMNS_DEFAULT shown. */
void settings_columns_default(struct settings_columns *c);
/* Moves the column at position i of the order by dir (-1 earlier, 1 later); the label
 * stays last. Returns 1 when it moved. */
int settings_columns_move(struct settings_columns *c, unsigned i, int dir);

/* A setting's value; the member that holds it follows from id (settings_type()). */
struct setting_value {
	enum setting_id id;
	union {
		int64_t whole;                 /* SETTING_TYPE_WHOLE, _BOOL */
		double number;                 /* SETTING_TYPE_NUMBER, _DURATION: seconds */
		struct {
			int key;               /* enum sort_key; for SETTING_DIFF_SORT an
						* index of settings_diff_keys() */
			int ascending;
		} sort;                        /* SETTING_TYPE_SORT, _DIFF_SORT */
		enum group_mode group;         /* SETTING_TYPE_GROUP */
		struct threshold threshold;    /* SETTING_TYPE_THRESHOLD */
		enum out_format format;        /* SETTING_TYPE_FORMAT */
		enum tree_mode tree;           /* SETTING_TYPE_TREE */
		struct settings_columns columns; /* SETTING_TYPE_COLUMNS, see above */
		struct {
			char *text;            /* the words (owned: settings_value_free()) */
			const char *v[SETTINGS_PATTERNS_MAX];
			size_t n;              /* 0: none given */
		} patterns;                    /* SETTING_TYPE_PATTERNS */
	};
};

enum setting_type {
	SETTING_TYPE_WHOLE,        /* a whole number from min to max */
	SETTING_TYPE_NUMBER,       /* a number from min to max (seconds) */
	SETTING_TYPE_SORT,
	SETTING_TYPE_DIFF_SORT,
	SETTING_TYPE_GROUP,
	SETTING_TYPE_FORMAT,
	SETTING_TYPE_TREE,
	SETTING_TYPE_COLUMNS,
	SETTING_TYPE_PATTERNS,
	SETTING_TYPE_DURATION,     /* a number of seconds, or with s, m, h or d after it */
	SETTING_TYPE_THRESHOLD,    /* pages (64), bytes (256K, 64M, 1G: binary) or 0.5% */
	SETTING_TYPE_BOOL,         /* on or off (also yes/no, true/false, 1/0): whole 1 or 0 */
};

/* The setting's name: the settings file's NAME for those in it, else its long option. */
const char *settings_name(enum setting_id id);
enum setting_type settings_type(enum setting_id id);
/* The range of a number (WHOLE, NUMBER, DURATION: min is excluded for a duration). */
void settings_range(enum setting_id id, double *min, double *max);
/* 1 when the settings file (and W) know the setting. */
int settings_in_file(enum setting_id id);
/* The setting called name in the settings file: 0 with *id, or -1. */
int settings_find(const char *name, enum setting_id *id);

/* Parses text as the setting's value: 0, or -1 with err (the message in the words of
 * from, naming what was expected: for a number its range). A setting that has no
 * message of its own for from takes the one it has (a prompt's, the file's, the
 * command line's, in this order). Numbers take a decimal point in every locale; typed
 * at the prompt or in the file a decimal comma too. v->id is set either way; on
 * success free v with settings_value_free(). */
int settings_parse(enum setting_id id, const char *text, struct setting_value *v,
		   enum setting_from from, struct pt_err *err);
/* A "set NAME = VALUE" line: the setting is found by its name (-1 with "unknown
 * setting 'NAME' (sort, group, ...)" for any other) and parsed as from the file. */
int settings_parse_named(const char *name, const char *text, struct setting_value *v,
			 struct pt_err *err);
/* The default, as settings_parse() would give it: 0, or -1 when the setting has no
 * value of its own by default (interval: the source's; iterations: no end;
 * alloc-patterns: the built-in list, model.c; page-size: the source's, else 4096;
 * kernel-threshold: left alone; record's interval and duration). */
int settings_default(enum setting_id id, struct setting_value *v);
/* The text of a value, which settings_parse() reads back as the same value (numbers
 * of seconds to the millisecond): malloc'ed. */
char *settings_print(const struct setting_value *v);
/* Frees what a value owns (alloc-patterns' words); v may be parsed again after. */
void settings_value_free(struct setting_value *v);

/* The sort keys as the UI offers them (its sort menu 1-9, then 0): the order of the
 * columns, then share (a column of its own, but the digits stay where they were). */
#define SETTINGS_SORT_MENU_N 10
extern const enum sort_key settings_sort_menu[SETTINGS_SORT_MENU_N];
/* pagetop diff's sort keys: "delta", "bytes", "pages", "pages_a", "pages_b", "label";
 * *n set to their number. */
const char *const *settings_diff_keys(size_t *n);

#endif
