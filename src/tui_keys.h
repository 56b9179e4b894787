/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_keys.h - the UI's actions (tui_actions.def) and what they ask for, key names and
 * the key map.
 *
 * A key is an int: a Unicode character as itself, a curses key code (KEY_UP, ...) as
 * TK_FN | code, so that the two never collide (KEY_DOWN is also the character U+0102).
 * No curses calls here: the key map is plain data and testable. */
#ifndef PAGETOP_TUI_KEYS_H
#define PAGETOP_TUI_KEYS_H

#include <stddef.h>

#define TK_FN 0x01000000
#define TK_CTRL(c) ((c) & 0x1f)

enum action {
	ACT_NONE = 0,
#define SECTION(title)
#define ACTION(id, name, help, ...) ACT_##id,
#define HINT(when, word, id, id2)
#include "tui_actions.def"
#undef SECTION
#undef ACTION
#undef HINT
	ACT__N
};

/* What an action, a screen's key or a prompt's answer asks the app to do next. */
enum {
	ACTION_DONE = 0,
	ACTION_REDRAW = 1 << 0,         /* the screen shows something else */
	ACTION_REBUILD_VIEW = 1 << 1,   /* filter, group and sort the model's rows again */
	ACTION_KEEP_SELECTION = 1 << 2, /* (with REBUILD_VIEW) the selected row stays so */
	ACTION_REDRAW_ALL = 1 << 3,     /* every cell, whatever the terminal shows now */
	ACTION_SAVE = 1 << 4,           /* write the settings to the config file */
	ACTION_QUIT = 1 << 5,
	ACTION_PASS = 1 << 6,           /* a screen's key(): not mine, an action may take it */
};

/* A message with a context (msgctxt): a short word can need another translation in
 * another place. NC_ marks it (xgettext --keyword=NC_:1c,2); the code translates it with
 * gettext_context(). */
#define NC_(ctx, s) ctx "\004" s
const char *gettext_context(const char *ctx_msgid);

/* "move-up"; NULL for ACT_NONE. */
const char *action_name(enum action a);
/* The help text, translated. */
const char *action_help(enum action a);
/* ACT_NONE when unknown. */
enum action action_parse(const char *name);

/* One entry of the help screen: a section heading (a == ACT_NONE) or an action. */
struct help_entry {
	const char *section;  /* untranslated; NULL for an action */
	enum action a;
};
size_t help_entries(const struct help_entry **out);

/* A hint of the status line: the keys of a and a2 (ACT_NONE: none), then the word. */
enum hint_when { HINT_ANY, HINT_SERIES, HINT_LIVE, HINT_SWITCH };
struct hint {
	enum hint_when when;
	const char *word;     /* NC_(): gettext_context() translates it */
	enum action a, a2;
};
size_t hints(const struct hint **out);

/* An entry of the function-key bar: the word, for the F-key bound to a. */
struct fkey {
	const char *word;     /* NC_() */
	enum action a;
};
size_t fkeys(const struct fkey **out);

/* "q", "Space", "Enter", "Up", "PgDn", "F1", "^L". buf of at least 16 bytes. */
const char *tk_name(int key, char *buf, size_t n);
/* Parses such a name (also a single UTF-8 character). Returns the key or -1. */
int tk_parse(const char *s);

#define KEYMAP_MAX 256
struct keymap {
	struct { int key; enum action a; } b[KEYMAP_MAX];
	size_t n;
};
void keymap_defaults(struct keymap *km);
/* n of the first F<n> key (F1..F12) bound to a, 0 when none is. */
int keymap_fkey(const struct keymap *km, enum action a);
/* Binds key to a (ACT_NONE unbinds). Returns 0, or -1 when the map is full. */
int keymap_bind(struct keymap *km, int key, enum action a);
enum action keymap_lookup(const struct keymap *km, int key);
/* The keys bound to a, joined with ", " into buf ("k, Up"). */
const char *keymap_keys(const struct keymap *km, enum action a, char *buf, size_t n);
/* The first key bound to a (in the order of the defaults, then of the binds), or -1. */
int keymap_first_key(const struct keymap *km, enum action a);

#endif
