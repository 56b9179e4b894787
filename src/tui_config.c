/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_config.c - the UI's settings (tui_config.h): pagetoprc's lines applied to them, W's
 * save, the sort key steps. What a setting's text means is settings.c's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "settings_file.h"
#include "tui_config.h"

/* ---- the settings ---- */

int tui_settings_init(struct tui_settings *s, const struct tui_opts *o, struct pt_err *err)
{
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->cli_set = o->cli_set;
	s->interval = o->interval;
	s->view = o->view;
	s->tree = o->tree;
	s->view.limit = 0;
	for (size_t i = 0; i < o->nfilters && i < TUI_FILTERS_MAX; i++)
		s->filters[s->nfilters++] = xstrdup(o->filters[i]);
	if (s->nfilters)
		rc = tui_settings_filters_rebuild(s, err);
	else
		s->view.filter = o->view.filter; /* not ours: main frees it */
	if (o->alloc)
		tui_settings_alloc_set(s, o->alloc, o->nalloc);
	settings_columns_default(&s->columns);
	s->function_bar = 1;
	s->colors = 1;
	keymap_defaults(&s->keys);
	return rc;
}

void tui_settings_free(struct tui_settings *s)
{
	for (size_t i = 0; i < s->nfilters; i++)
		free(s->filters[i]);
	filter_free(s->own_filter);
	tui_settings_alloc_set(s, NULL, 0);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

int tui_settings_filters_rebuild(struct tui_settings *s, struct pt_err *err)
{
	int rc = 0;

	filter_free(s->own_filter);
	s->own_filter = NULL;
	s->view.filter = NULL;
	if (!s->nfilters)
		return 0;
	s->own_filter = filter_new((const char *const *)s->filters, s->nfilters, err);
	if (!s->own_filter) {
		struct pt_err again;

		/* cannot happen for patterns that compiled before; drop the last one */
		rc = -1;
		free(s->filters[--s->nfilters]);
		s->own_filter = filter_new((const char *const *)s->filters, s->nfilters, &again);
	}
	s->view.filter = s->own_filter;
	return rc;
}

void tui_settings_alloc_set(struct tui_settings *s, const char *const *globs, size_t n)
{
	for (size_t i = 0; i < s->nalloc; i++)
		free((char *)s->alloc[i]);
	free(s->alloc);
	s->alloc = NULL;
	s->nalloc = 0;
	if (globs) {
		s->alloc = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			s->alloc[i] = xstrdup(globs[i]);
		s->nalloc = n;
	}
}

/* ---- sort keys ---- */

int sort_set(struct view_opts *vo, enum sort_key k)
{
	if (vo->key == k)
		return 0;
	vo->key = k;
	vo->ascending = k == KEY_LABEL;
	return 1;
}

enum sort_key sort_step(const struct view_opts *vo, int calls, int dir)
{
	enum sort_key keys[ARRAY_SIZE(settings_sort_menu) + 2];
	size_t n = 0, i;

	for (i = 0; i < ARRAY_SIZE(settings_sort_menu); i++) {
		keys[n++] = settings_sort_menu[i];
		if (calls && settings_sort_menu[i] == KEY_BYTES) {
			keys[n++] = KEY_CALLS;
			keys[n++] = KEY_AVG;
		}
	}
	for (i = 0; i < n; i++)
		if (keys[i] == vo->key)
			break;
	if (i == n)
		return keys[0];
	return keys[(i + n + (size_t)(dir > 0 ? 1 : n - 1)) % n];
}

/* ---- the config file ---- */

struct load_ctx {
	struct tui_settings *s;
	int alloc_read;
};

static int bind_line(struct tui_settings *s, const struct rc_line *l, struct pt_err *err)
{
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
	keymap_bind(&s->keys, key, a);
	return 0;
}

/* A set line's value, over the settings unless the command line gave that one. */
static void set_value(struct load_ctx *c, const struct setting_value *v)
{
	struct tui_settings *s = c->s;

	switch (v->id) {
	case SETTING_SORT:
		if (!(s->cli_set & TUI_SET_SORT)) {
			s->view.key = (enum sort_key)v->sort.key;
			s->view.ascending = v->sort.ascending;
		}
		break;
	case SETTING_GROUP:
		if (!(s->cli_set & TUI_SET_GROUP))
			s->view.group = v->group;
		break;
	case SETTING_THRESHOLD:
		if (!(s->cli_set & TUI_SET_THRESHOLD))
			s->view.threshold = v->threshold;
		break;
	case SETTING_INTERVAL:
		s->file_interval = v->number;
		if (!(s->cli_set & TUI_SET_INTERVAL) && !s->interval)
			s->interval = v->number;
		break;
	case SETTING_COLUMNS:
		s->columns = v->columns;
		break;
	case SETTING_TREE:
		if (!(s->cli_set & TUI_SET_TREE))
			s->tree = v->tree;
		break;
	case SETTING_FUNCTION_BAR:
		s->function_bar = (int)v->whole;
		break;
	case SETTING_COLORS:
		s->colors = (int)v->whole;
		break;
	case SETTING_ALLOC_PATTERNS:
		if (!(s->cli_set & TUI_SET_ALLOC)) {
			tui_settings_alloc_set(s, v->patterns.v, v->patterns.n);
			c->alloc_read = 1;
		}
		break;
	default:
		/* settings_parse_named() knows only the file's settings */
		break;
	}
}

static int rc_line(void *ctx, const struct rc_line *l, struct pt_err *err)
{
	struct load_ctx *c = ctx;
	struct setting_value v;

	if (strcmp(l->verb, "bind") == 0)
		return bind_line(c->s, l, err);
	if (settings_parse_named(l->name, l->value, &v, err) < 0)
		return -1;
	set_value(c, &v);
	settings_value_free(&v);
	return 0;
}

int config_load(struct tui_settings *s, const char *path, int *alloc_read,
		struct pt_err *err)
{
	struct load_ctx c = { s, 0 };
	struct rc_errors errs = { NULL, 0 };
	int rc = 0;

	*alloc_read = 0;
	free(s->path);
	s->path = path ? xstrdup(path) : rc_path();
	if (!s->path)
		return 0;
	rc = rc_read(s->path, rc_line, &c, &errs, err);
	*alloc_read = c.alloc_read;
	if (rc < 0) {
		rc_errors_free(&errs);
		return -1;
	}
	if (errs.n == 1)
		pt_err_set(err, _("%s (line skipped)"), errs.msg[0]);
	else if (errs.n > 1)
		pt_err_set(err, _("%s (line skipped; %zu more bad lines)"), errs.msg[0], errs.n - 1);
	if (errs.n)
		rc = -1;
	rc_errors_free(&errs);
	return rc;
}

int config_save(const struct tui_settings *s, struct pt_err *msg)
{
	struct setting_value v[SETTING_COLORS + 2];
	size_t n = 0;
	int rc;

	if (!s->path) {
		pt_err_set(msg, "%s", _("no config file: neither XDG_CONFIG_HOME nor HOME is set, or they are root's and pagetop is not"));
		return -1;
	}
	v[n++] = (struct setting_value){ .id = SETTING_SORT,
		.sort = { (int)s->view.key, s->view.ascending } };
	v[n++] = (struct setting_value){ .id = SETTING_GROUP, .group = s->view.group };
	v[n++] = (struct setting_value){ .id = SETTING_THRESHOLD,
		.threshold = s->view.threshold };
	if (s->interval > 0)
		v[n++] = (struct setting_value){ .id = SETTING_INTERVAL, .number = s->interval };
	v[n++] = (struct setting_value){ .id = SETTING_COLUMNS, .columns = s->columns };
	v[n++] = (struct setting_value){ .id = SETTING_TREE, .tree = s->tree };
	if (s->alloc) {
		/* borrowed words: v is not freed with settings_value_free() */
		v[n] = (struct setting_value){ .id = SETTING_ALLOC_PATTERNS };
		for (size_t i = 0; i < s->nalloc && i < SETTINGS_PATTERNS_MAX; i++)
			v[n].patterns.v[v[n].patterns.n++] = s->alloc[i];
		n++;
	}
	v[n++] = (struct setting_value){ .id = SETTING_FUNCTION_BAR, .whole = s->function_bar };
	v[n++] = (struct setting_value){ .id = SETTING_COLORS, .whole = s->colors };
	rc = rc_save_values(s->path, v, n, msg);
	if (rc == 0)
		pt_err_set(msg, _("settings saved to %s"), s->path);
	return rc;
}
