/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_keys.c - action names, help texts, the status line's hints and the key map, all from
 * tui_actions.def. */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui_keys.h"
#include "util.h"

#define K(code) (TK_FN | (code))
#define C(c) TK_CTRL(c)

struct action_def {
	const char *name;
	const char *help;
	int keys[4];
};

static const struct action_def actions[ACT__N] = {
	[ACT_NONE] = { NULL, NULL, { 0 } },
#define SECTION(title)
#define ACTION(id, name, help, ...) [ACT_##id] = { name, help, { __VA_ARGS__ } },
#define HINT(when, word, id, id2)
#define FKEY(word, id)
#include "tui_actions.def"
#undef SECTION
#undef ACTION
#undef HINT
#undef FKEY
};

static const struct help_entry help_list[] = {
#define SECTION(title) { title, ACT_NONE },
#define ACTION(id, name, help, ...) { NULL, ACT_##id },
#define HINT(when, word, id, id2)
#define FKEY(word, id)
#include "tui_actions.def"
#undef SECTION
#undef ACTION
#undef HINT
#undef FKEY
};

static const struct hint hint_list[] = {
#define SECTION(title)
#define ACTION(id, name, help, ...)
#define HINT(when, word, id, id2) { HINT_##when, word, ACT_##id, ACT_##id2 },
#define FKEY(word, id)
#include "tui_actions.def"
#undef SECTION
#undef ACTION
#undef HINT
#undef FKEY
};

static const struct fkey fkey_list[] = {
#define SECTION(title)
#define ACTION(id, name, help, ...)
#define HINT(when, word, id, id2)
#define FKEY(word, id) { word, ACT_##id },
#include "tui_actions.def"
#undef SECTION
#undef ACTION
#undef HINT
#undef FKEY
};

size_t fkeys(const struct fkey **out)
{
	*out = fkey_list;
	return ARRAY_SIZE(fkey_list);
}

int keymap_fkey(const struct keymap *km, enum action a)
{
	for (size_t i = 0; i < km->n; i++) {
		int k = km->b[i].key;

		if (km->b[i].a == a && (k & TK_FN) && (k & ~TK_FN) >= KEY_F(1) &&
		    (k & ~TK_FN) <= KEY_F(12))
			return (k & ~TK_FN) - KEY_F0;
	}
	return 0;
}

const char *action_name(enum action a)
{
	return (unsigned)a < ACT__N ? actions[a].name : NULL;
}

const char *action_help(enum action a)
{
	return (unsigned)a < ACT__N && actions[a].help ? _(actions[a].help) : "";
}

enum action action_parse(const char *name)
{
	for (int a = 1; a < ACT__N; a++)
		if (strcmp(actions[a].name, name) == 0)
			return (enum action)a;
	return ACT_NONE;
}

size_t help_entries(const struct help_entry **out)
{
	*out = help_list;
	return ARRAY_SIZE(help_list);
}

size_t hints(const struct hint **out)
{
	*out = hint_list;
	return ARRAY_SIZE(hint_list);
}

const char *gettext_context(const char *ctx_msgid)
{
	const char *t = _(ctx_msgid);

	/* untranslated: gettext gives the msgid back, context and all */
	return t == ctx_msgid ? strchr(ctx_msgid, '\004') + 1 : t;
}

static const struct {
	int key;
	const char *name;
} named[] = {
	{ ' ', "Space" }, { '\n', "Enter" }, { '\t', "Tab" }, { 27, "Esc" },
	{ 127, "Backspace" },
	{ K(KEY_UP), "Up" }, { K(KEY_DOWN), "Down" }, { K(KEY_LEFT), "Left" },
	{ K(KEY_RIGHT), "Right" }, { K(KEY_PPAGE), "PgUp" }, { K(KEY_NPAGE), "PgDn" },
	{ K(KEY_HOME), "Home" }, { K(KEY_END), "End" }, { K(KEY_IC), "Insert" },
	{ K(KEY_DC), "Delete" }, { K(KEY_BACKSPACE), "Backspace" },
};

const char *tk_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		if (named[i].key == key) {
			snprintf(buf, n, "%s", named[i].name);
			return buf;
		}
	if (key & TK_FN) {
		int code = key & ~TK_FN;

		if (code >= KEY_F(1) && code <= KEY_F(24))
			snprintf(buf, n, "F%d", code - KEY_F(0));
		else
			snprintf(buf, n, "Key%d", code);
	} else if (key > 0 && key < 32) {
		snprintf(buf, n, "^%c", key + '@');
	} else {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof(st));
		k = wcrtomb(mb, (wchar_t)key, &st);
		if (k == (size_t)-1)
			snprintf(buf, n, "U+%04X", (unsigned)key);
		else
			snprintf(buf, n, "%.*s", (int)k, mb);
	}
	return buf;
}

int tk_parse(const char *s)
{
	size_t len = strlen(s);
	wchar_t wc;
	mbstate_t st;

	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		if (strcasecmp(named[i].name, s) == 0)
			return named[i].key;
	if ((s[0] == '^' && len == 2) || (strncasecmp(s, "C-", 2) == 0 && len == 3)) {
		char c = s[len - 1];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= '@' && c <= '_')
			return c - '@';
		return -1;
	}
	if ((s[0] == 'F' || s[0] == 'f') && len >= 2 && len <= 3) {
		char *end;
		long f = strtol(s + 1, &end, 10);

		if (!*end && f >= 1 && f <= 24)
			return K(KEY_F((int)f));
	}
	memset(&st, 0, sizeof(st));
	if (len && mbrtowc(&wc, s, len, &st) == len && wc > 32 && wc != 127)
		return (int)wc;
	return -1;
}

void keymap_defaults(struct keymap *km)
{
	km->n = 0;
	for (int a = 1; a < ACT__N; a++)
		for (size_t i = 0; i < ARRAY_SIZE(actions[a].keys) && actions[a].keys[i]; i++)
			keymap_bind(km, actions[a].keys[i], (enum action)a);
}

int keymap_bind(struct keymap *km, int key, enum action a)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key) {
			km->b[i].a = a;
			return 0;
		}
	if (km->n == KEYMAP_MAX)
		return -1;
	km->b[km->n].key = key;
	km->b[km->n].a = a;
	km->n++;
	return 0;
}

enum action keymap_lookup(const struct keymap *km, int key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].a;
	return ACT_NONE;
}

const char *keymap_keys(const struct keymap *km, enum action a, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		char kb[32];
		int w;

		if (km->b[i].a != a)
			continue;
		w = snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
			     tk_name(km->b[i].key, kb, sizeof(kb)));
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

int keymap_first_key(const struct keymap *km, enum action a)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].a == a)
			return km->b[i].key;
	return -1;
}
