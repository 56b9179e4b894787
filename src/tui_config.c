/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_config.c - the UI's settings as text (tui_config.h): pagetoprc's lines, W's save,
 * the prompts' numbers and sort keys. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings_file.h"
#include "tui_columns.h"
#include "tui_config.h"

/* ---- the settings ---- */

int settings_init(struct tui_settings *s, const struct tui_opts *o, struct pt_err *err)
{
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->cli_set = o->cli_set;
	s->interval = o->interval;
	s->view = o->view;
	s->view.limit = 0;
	for (size_t i = 0; i < o->nfilters && i < TUI_FILTERS_MAX; i++)
		s->filters[s->nfilters++] = xstrdup(o->filters[i]);
	if (s->nfilters)
		rc = settings_filters_rebuild(s, err);
	else
		s->view.filter = o->view.filter; /* not ours: main frees it */
	if (o->alloc)
		settings_alloc_set(s, o->alloc, o->nalloc);
	s->columns = COLS_DEFAULT;
	keymap_defaults(&s->keys);
	return rc;
}

void settings_free(struct tui_settings *s)
{
	for (size_t i = 0; i < s->nfilters; i++)
		free(s->filters[i]);
	filter_free(s->own_filter);
	settings_alloc_set(s, NULL, 0);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

int settings_filters_rebuild(struct tui_settings *s, struct pt_err *err)
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

void settings_alloc_set(struct tui_settings *s, const char *const *globs, size_t n)
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

/* ---- numbers and sort keys ---- */

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

static int parse_pages(const char *s, int64_t *pages)
{
	double d;

	if (parse_double(s, &d, 0, 1e15) < 0 || d != floor(d))
		return -1;
	*pages = (int64_t)d;
	return 0;
}

int config_parse_threshold(const char *text, int64_t *pages, struct pt_err *err)
{
	if (parse_pages(text, pages) == 0)
		return 0;
	pt_err_set(err, _("expected a whole number of pages, found '%s'"), text);
	return -1;
}

int config_parse_interval(const char *text, double *seconds, struct pt_err *err)
{
	if (parse_double(text, seconds, 0.1, 86400) == 0)
		return 0;
	pt_err_set(err, _("expected seconds from 0.1 to 86400, found '%s'"), text);
	return -1;
}

int config_parse_speed(const char *text, double *speed, struct pt_err *err)
{
	if (parse_double(text, speed, 0, 1e6) == 0)
		return 0;
	pt_err_set(err, _("expected a speed such as 1, 2 or 0.5, found '%s'"), text);
	return -1;
}

void format_decimal(char *buf, size_t n, double v)
{
	long long ms = llround(v * 1000);
	int len = snprintf(buf, n, "%lld.%03lld", ms / 1000, ms % 1000);

	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
}

static const enum sort_key sort_order[] = {
	KEY_PAGES, KEY_BYTES, KEY_DELTA, KEY_RATE, KEY_DELTA_BASE, KEY_SCORE, KEY_PEAK,
	KEY_FIRST_SEEN, KEY_LABEL,
};

size_t sort_keys(const enum sort_key **keys)
{
	*keys = sort_order;
	return ARRAY_SIZE(sort_order);
}

int sort_set(struct view_opts *vo, enum sort_key k)
{
	if (vo->key == k)
		return 0;
	vo->key = k;
	vo->ascending = k == KEY_LABEL;
	return 1;
}

enum sort_key sort_step(const struct view_opts *vo, int dir)
{
	size_t n = ARRAY_SIZE(sort_order), i;

	for (i = 0; i < n; i++)
		if (sort_order[i] == vo->key)
			break;
	if (i == n)
		return sort_order[0];
	return sort_order[(i + n + (size_t)(dir > 0 ? 1 : n - 1)) % n];
}

/* "KEY" or "KEY:asc" or "KEY:desc" */
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

static int columns_line(struct tui_settings *s, const char *value, struct pt_err *err)
{
	unsigned mask = 1u << COL_LABEL;
	char *copy = xstrdup(value), *save = NULL;

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
	s->columns = mask;
	return 0;
}

static void alloc_line(struct load_ctx *c, const char *value)
{
	char *copy = xstrdup(value), *save = NULL;
	const char *globs[64];
	size_t n = 0;

	for (char *w = strtok_r(copy, " \t", &save); w && n < ARRAY_SIZE(globs);
	     w = strtok_r(NULL, " \t", &save))
		globs[n++] = w;
	if (!(c->s->cli_set & TUI_SET_ALLOC)) {
		settings_alloc_set(c->s, globs, n);
		c->alloc_read = 1;
	}
	free(copy);
}

/* A "set" line of the view's settings: sort, group, threshold. 1 when it was not one. */
static int view_line(struct tui_settings *s, const struct rc_line *l, struct pt_err *err)
{
	if (strcmp(l->name, "sort") == 0) {
		struct view_opts vo = s->view;

		if (parse_sort(l->value, &vo) < 0) {
			pt_err_set(err, _("sort: expected pages, bytes, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found '%s'"),
				   l->value);
			return -1;
		}
		if (!(s->cli_set & TUI_SET_SORT)) {
			s->view.key = vo.key;
			s->view.ascending = vo.ascending;
		}
	} else if (strcmp(l->name, "group") == 0) {
		enum group_mode g;

		if (group_parse(l->value, &g) < 0) {
			pt_err_set(err, _("group: expected stack, caller, function or module, found '%s'"),
				   l->value);
			return -1;
		}
		if (!(s->cli_set & TUI_SET_GROUP))
			s->view.group = g;
	} else if (strcmp(l->name, "threshold") == 0) {
		int64_t pages;

		if (parse_pages(l->value, &pages) < 0) {
			pt_err_set(err, _("threshold: expected a whole number of pages, found '%s'"),
				   l->value);
			return -1;
		}
		if (!(s->cli_set & TUI_SET_THRESHOLD))
			s->view.threshold = pages;
	} else {
		return 1;
	}
	return 0;
}

static int rc_line(void *ctx, const struct rc_line *l, struct pt_err *err)
{
	struct load_ctx *c = ctx;
	struct tui_settings *s = c->s;
	int rc;

	if (strcmp(l->verb, "bind") == 0)
		return bind_line(s, l, err);
	rc = view_line(s, l, err);
	if (rc <= 0)
		return rc;
	if (strcmp(l->name, "interval") == 0) {
		double d;

		if (parse_double(l->value, &d, 0.1, 86400) < 0) {
			pt_err_set(err, _("interval: expected seconds from 0.1 to 86400, found '%s'"),
				   l->value);
			return -1;
		}
		s->file_interval = d;
		if (!(s->cli_set & TUI_SET_INTERVAL) && !s->interval)
			s->interval = d;
	} else if (strcmp(l->name, "columns") == 0) {
		return columns_line(s, l->value, err);
	} else if (strcmp(l->name, "alloc-patterns") == 0) {
		alloc_line(c, l->value);
	} else {
		pt_err_set(err, _("unknown setting '%s' (sort, group, threshold, interval, columns, alloc-patterns)"),
			   l->name);
		return -1;
	}
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

/* "pages,delta_base,label" */
static void columns_text(unsigned mask, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int c = 0; c < COL__N; c++)
		if (mask & (1u << c))
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "",
						col_name((enum col)c));
}

/* "glob glob ..." (malloc'ed) */
static char *alloc_text(const struct tui_settings *s)
{
	size_t total = 1;
	char *text;

	for (size_t i = 0; i < s->nalloc; i++)
		total += strlen(s->alloc[i]) + 1;
	text = xcalloc(total, 1);
	for (size_t i = 0; i < s->nalloc; i++) {
		if (i)
			strcat(text, " ");
		strcat(text, s->alloc[i]);
	}
	return text;
}

int config_save(const struct tui_settings *s, struct pt_err *msg)
{
	char sort[80], thr[32], iv[32], cols[256], *alloc = NULL;
	struct rc_set sets[6];
	size_t n = 0;
	int rc;

	if (!s->path) {
		pt_err_set(msg, "%s", _("no config file: neither XDG_CONFIG_HOME nor HOME is set, or they are root's and pagetop is not"));
		return -1;
	}
	snprintf(sort, sizeof(sort), "%s:%s", sort_key_name(s->view.key),
		 s->view.ascending ? "asc" : "desc");
	snprintf(thr, sizeof(thr), "%lld", (long long)s->view.threshold);
	columns_text(s->columns, cols, sizeof(cols));
	sets[n++] = (struct rc_set){ "sort", sort };
	sets[n++] = (struct rc_set){ "group", group_name(s->view.group) };
	sets[n++] = (struct rc_set){ "threshold", thr };
	if (s->interval > 0) {
		format_decimal(iv, sizeof(iv), s->interval);
		sets[n++] = (struct rc_set){ "interval", iv };
	}
	sets[n++] = (struct rc_set){ "columns", cols };
	if (s->alloc) {
		alloc = alloc_text(s);
		sets[n++] = (struct rc_set){ "alloc-patterns", alloc };
	}
	rc = rc_save(s->path, sets, n, msg);
	if (rc == 0)
		pt_err_set(msg, _("settings saved to %s"), s->path);
	free(alloc);
	return rc;
}
