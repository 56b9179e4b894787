/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings.c - the table of settings and their parsers and printers (settings.h).
 *
 * The messages keep the words they have always had where the command line, the
 * settings file and the prompts each said it their way: those are the catalogue's
 * msgids, which the translations are keyed by. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "settings.h"
#include "sink.h"

struct setting {
	const char *name;
	enum setting_type type;
	double min, max;           /* numbers */
	const char *def;           /* the default as text; NULL: none of its own */
	int in_file;
	const char *msg[3];        /* by enum setting_from, "... found '%s'"; NULL: another */
	const char *msg_order;     /* a sort's bad :asc/:desc on the command line */
};

static const struct setting table[SETTING__N] = {
	[SETTING_SORT] = {
		"sort", SETTING_TYPE_SORT, 0, 0, "pages", 1,
		{ NULL,
		  N_("sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found '%s'"),
		  N_("--sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label, found '%s'") },
		N_("--sort: expected KEY:asc or KEY:desc, found '%s'"),
	},
	[SETTING_GROUP] = {
		"group", SETTING_TYPE_GROUP, 0, 0, "stack", 1,
		{ NULL,
		  N_("group: expected stack, caller, function, module, file or directory, found '%s'"),
		  N_("--group: expected stack, caller, function, module, file or directory, found '%s'") },
		NULL,
	},
	[SETTING_THRESHOLD] = {
		"threshold", SETTING_TYPE_THRESHOLD, 0, 1e15, "0", 1,
		{ N_("expected pages (64), bytes (256K, 64M, 1G) or a share of the total (0.5%%), found '%s'"),
		  N_("threshold: expected pages (64), bytes (256K, 64M, 1G) or a share of the total (0.5%%), found '%s'"),
		  N_("--threshold: expected pages (64), bytes (256K, 64M, 1G) or a share of the total (0.5%%), found '%s'") },
		NULL,
	},
	[SETTING_INTERVAL] = {
		"interval", SETTING_TYPE_NUMBER, 0.1, 86400, NULL, 1,
		{ N_("expected seconds from 0.1 to 86400, found '%s'"),
		  N_("interval: expected seconds from 0.1 to 86400, found '%s'"),
		  N_("-d: expected seconds from 0.1 to 86400, found '%s'") },
		NULL,
	},
	[SETTING_COLUMNS] = {
		"columns", SETTING_TYPE_COLUMNS, 0, 0, "pages,bytes,calls,avg,delta,rate,delta_base,trend,score,label", 1,
		/* the word that is no column, not the whole value */
		{ NULL,
		  N_("columns: unknown column '%s' (pages, bytes, calls, avg, share, delta, rate, delta_base, trend, score, peak, first_seen, label)"),
		  NULL },
		NULL,
	},
	[SETTING_ALLOC_PATTERNS] = {
		/* any words are globs */
		"alloc-patterns", SETTING_TYPE_PATTERNS, 0, 0, NULL, 1, { NULL, NULL, NULL }, NULL,
	},
	[SETTING_FUNCTION_BAR] = {
		"function-bar", SETTING_TYPE_BOOL, 0, 1, "on", 1,
		{ N_("expected on or off, found '%s'"),
		  N_("function-bar: expected on or off, found '%s'"), NULL },
		NULL,
	},
	[SETTING_COLORS] = {
		"colors", SETTING_TYPE_BOOL, 0, 1, "on", 1,
		{ N_("expected on or off, found '%s'"),
		  N_("colors: expected on or off, found '%s'"), NULL },
		NULL,
	},
	[SETTING_ITERATIONS] = {
		"iterations", SETTING_TYPE_WHOLE, 1, 1e12, NULL, 0,
		{ NULL, NULL, N_("-n: expected a whole number of samples, found '%s'") },
		NULL,
	},
	[SETTING_LIMIT] = {
		"limit", SETTING_TYPE_WHOLE, 0, 1e12, "0", 0,
		{ NULL, NULL, N_("--limit: expected a whole number of rows, found '%s'") },
		NULL,
	},
	[SETTING_FORMAT] = {
		"format", SETTING_TYPE_FORMAT, 0, 0, "text", 0,
		{ NULL, NULL, N_("--format: expected text, csv, json, folded, openmetrics or pprof, found '%s'") },
		NULL,
	},
	[SETTING_PAGE_SIZE] = {
		"page-size", SETTING_TYPE_WHOLE, PT_PAGE_SIZE_MIN, PT_PAGE_SIZE_MAX, NULL, 0,
		{ NULL, NULL, N_("--page-size: expected bytes from 512 to 16777216, found '%s'") },
		NULL,
	},
	[SETTING_KERNEL_THRESHOLD] = {
		"kernel-threshold", SETTING_TYPE_WHOLE, 0, 2147483647, NULL, 0,
		{ NULL, NULL, N_("--kernel-threshold: expected a whole number of pages, found '%s'") },
		NULL,
	},
	[SETTING_DIFF_SORT] = {
		"sort", SETTING_TYPE_DIFF_SORT, 0, 0, "delta", 0,
		{ NULL, NULL,
		  N_("--sort: expected delta, bytes, pages, pages_a, pages_b or label, found '%s'") },
		N_("--sort: expected KEY:asc or KEY:desc, found '%s'"),
	},
	[SETTING_DURATION] = {
		"duration", SETTING_TYPE_DURATION, 0, DBL_MAX, NULL, 0,
		{ N_("expected a time such as 30s, 5m or 1h, found '%s'"), NULL, NULL },
		NULL,
	},
	[SETTING_TREE] = {
		"tree", SETTING_TYPE_TREE, 0, 0, "off", 1,
		{ N_("expected top-down, bottom-up or off, found '%s'"),
		  N_("tree: expected top-down, bottom-up or off, found '%s'"), N_("--tree: expected top-down, bottom-up or off, found '%s'") },
		NULL,
	},
	[SETTING_PLAY_SPEED] = {
		"speed", SETTING_TYPE_NUMBER, 0, 1e6, NULL, 0,
		{ N_("expected a speed such as 1, 2 or 0.5, found '%s'"), NULL, NULL },
		NULL,
	},
};

static const char *const column_names[SETTINGS_COLUMNS_N] = {
	"pages", "bytes", "calls", "avg", "share", "delta", "rate", "delta_base", "trend",
	"score", "peak", "first_seen", "label",
};

static const char *const diff_key_names[] = {
	"delta", "bytes", "pages", "pages_a", "pages_b", "label",
};
#define DIFF_KEY_LABEL 5

const enum sort_key settings_sort_menu[SETTINGS_SORT_MENU_N] = {
	KEY_PAGES, KEY_BYTES, KEY_DELTA, KEY_RATE, KEY_DELTA_BASE, KEY_SCORE, KEY_PEAK,
	KEY_FIRST_SEEN, KEY_LABEL, KEY_SHARE, /* the tenth is 0 */
};

const char *settings_column_name(unsigned i)
{
	return i < SETTINGS_COLUMNS_N ? column_names[i] : NULL;
}

const char *const *settings_diff_keys(size_t *n)
{
	*n = ARRAY_SIZE(diff_key_names);
	return diff_key_names;
}

const char *settings_name(enum setting_id id)
{
	return table[id].name;
}

enum setting_type settings_type(enum setting_id id)
{
	return table[id].type;
}

void settings_range(enum setting_id id, double *min, double *max)
{
	*min = table[id].min;
	*max = table[id].max;
}

int settings_in_file(enum setting_id id)
{
	return table[id].in_file;
}

int settings_find(const char *name, enum setting_id *id)
{
	for (int i = 0; i < SETTING__N; i++)
		if (table[i].in_file && strcmp(table[i].name, name) == 0) {
			*id = (enum setting_id)i;
			return 0;
		}
	return -1;
}

/* ---- parsing ---- */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int fail(const char *msgid, const char *found, struct pt_err *err)
{
	/* msgid is one of the table's, with one %s */
	pt_err_set(err, _(msgid), found);
	return -1;
}
#pragma GCC diagnostic pop

static const char *message(const struct setting *s, enum setting_from from)
{
	if (s->msg[from])
		return s->msg[from];
	for (int i = 0; i < 3; i++)
		if (s->msg[i])
			return s->msg[i];
	return NULL;
}

/* A number in the C locale's form (comma: a decimal comma works too), finite. */
static int parse_number(const char *s, int comma, double *v)
{
	char *copy = NULL, *end;
	int ok;

	if (comma && strchr(s, ',')) {
		copy = xstrdup(s);
		for (char *p = copy; *p; p++)
			if (*p == ',')
				*p = '.';
		s = copy;
	}
	errno = 0;
	*v = strtod_c(s, &end);
	ok = !errno && end != s && !*end && isfinite(*v);
	free(copy);
	return ok ? 0 : -1;
}

/* "30s", "5m", "1h", "1d", "90" (seconds), "1.5m": seconds, more than 0. */
static int parse_duration(const char *s, double *v)
{
	static const struct { const char *unit; double secs; } units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char *end;
	double n;

	errno = 0;
	n = strtod_c(s, &end);
	if (errno || end == s || !isfinite(n) || n <= 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			*v = n * units[i].secs;
			return isfinite(*v) ? 0 : -1;
		}
	return -1;
}

/* "64" pages, "256K", "64MiB", "1.5G", "4096B" bytes (binary units), "0.5%": 0, or -1.
 * Pages are whole; bytes are rounded to whole bytes, a percentage to a thousandth of
 * one; each up to max of its unit (a percentage to 100). */
static int parse_threshold(const char *text, int comma, double max, struct threshold *t)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "b", 1 }, { "k", 1024.0 }, { "m", 1048576.0 }, { "g", 1073741824.0 },
		{ "t", 1099511627776.0 }, { "p", 1125899906842624.0 },
	};
	char *copy = xstrdup(text), *end, *u;
	double n;
	int rc = -1;

	if (comma)
		for (char *p = copy; *p; p++)
			if (*p == ',')
				*p = '.';
	errno = 0;
	n = strtod_c(copy, &end);
	if (errno || end == copy || !isfinite(n) || n < 0 || copy[0] == '+' || copy[0] == '-')
		goto out;
	u = end + (*end == ' ');
	if (!*end) {
		if (n != floor(n) || n > max)
			goto out;
		t->unit = THRESH_PAGES;
		t->value = (int64_t)n;
		rc = 0;
	} else if (strcmp(u, "%") == 0) {
		if (n > 100)
			goto out;
		t->unit = THRESH_PERCENT;
		t->value = llround(n * THRESH_PERCENT_ONE);
		rc = 0;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t len;

			if (tolower((unsigned char)u[0]) != units[i].unit[0])
				continue;
			len = strlen(u);
			/* K, KB, KiB (any case); B alone */
			if (len == 1 || (i && (strcasecmp(u + 1, "b") == 0 ||
					       strcasecmp(u + 1, "ib") == 0))) {
				double b = n * units[i].mult;

				if (b > max * 4096.0)
					break;
				t->unit = THRESH_BYTES;
				t->value = llround(b);
				rc = 0;
			}
			break;
		}
	}
out:
	free(copy);
	return rc;
}

static int parse_bool(const char *text, int64_t *v)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
		if (strcasecmp(text, on[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(text, off[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	return -1;
}

static int name_index(const char *s, size_t len, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
			return (int)i;
	return -1;
}

/* KEY[:asc|desc]: 0, -1 for an unknown key, -2 for anything but asc or desc after it. */
static int parse_sort(const char *s, int diff, int *key, int *ascending)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	int k;

	if (diff) {
		k = name_index(s, len, diff_key_names, ARRAY_SIZE(diff_key_names));
	} else {
		char name[64];
		enum sort_key sk;

		if (len >= sizeof(name))
			return -1;
		memcpy(name, s, len);
		name[len] = '\0';
		k = sort_key_parse(name, &sk) < 0 ? -1 : (int)sk;
	}
	if (k < 0)
		return -1;
	*key = k;
	*ascending = k == (diff ? DIFF_KEY_LABEL : KEY_LABEL);
	if (!colon)
		return 0;
	if (strcmp(colon + 1, "asc") == 0)
		*ascending = 1;
	else if (strcmp(colon + 1, "desc") == 0)
		*ascending = 0;
	else
		return -2;
	return 0;
}

void settings_columns_default(struct settings_columns *c)
{
	c->mask = SETTINGS_COLUMNS_DEFAULT;
	for (unsigned i = 0; i < SETTINGS_COLUMNS_N; i++)
		c->order[i] = (uint8_t)i;
}

int settings_columns_move(struct settings_columns *c, unsigned i, int dir)
{
	unsigned j = (unsigned)((int)i + dir);
	uint8_t t;

	if (i >= SETTINGS_COLUMNS_N - 1 || j >= SETTINGS_COLUMNS_N - 1)
		return 0; /* the label stays last */
	t = c->order[i];
	c->order[i] = c->order[j];
	c->order[j] = t;
	return 1;
}

/* Column names separated by commas or blanks, in their order; the label is always there,
 * last. A name given twice counts where it first is. */
static int parse_columns(const struct setting *s, const char *text, struct settings_columns *c,
			 enum setting_from from, struct pt_err *err)
{
	char *copy = xstrdup(text), *save = NULL;
	unsigned n = 0;
	int rc = 0;

	c->mask = 1u << SETTINGS_COLUMN_LABEL;
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		int i = name_index(w, strlen(w), column_names, ARRAY_SIZE(column_names));

		if (i < 0) {
			rc = fail(message(s, from), w, err);
			break;
		}
		if (!(c->mask & (1u << i)))
			c->order[n++] = (uint8_t)i;
		c->mask |= 1u << i;
	}
	for (unsigned i = 0; i < SETTINGS_COLUMN_LABEL; i++)
		if (!(c->mask & (1u << i)))
			c->order[n++] = (uint8_t)i;
	c->order[n] = SETTINGS_COLUMN_LABEL;
	free(copy);
	return rc;
}

/* Blank-separated words, the first SETTINGS_PATTERNS_MAX of them. */
static void parse_patterns(const char *text, struct setting_value *v)
{
	char *save = NULL;

	v->patterns.text = xstrdup(text);
	v->patterns.n = 0;
	for (char *w = strtok_r(v->patterns.text, " \t", &save);
	     w && v->patterns.n < SETTINGS_PATTERNS_MAX; w = strtok_r(NULL, " \t", &save))
		v->patterns.v[v->patterns.n++] = w;
}

static int parse_choice(const struct setting *s, const char *text, struct setting_value *v)
{
	switch (s->type) {
	case SETTING_TYPE_GROUP:
		return group_parse(text, &v->group);
	case SETTING_TYPE_FORMAT:
		return out_format_parse(text, &v->format);
	case SETTING_TYPE_TREE:
		return tree_mode_parse(text, &v->tree);
	default:
		return -1;
	}
}

int settings_parse(enum setting_id id, const char *text, struct setting_value *v,
		   enum setting_from from, struct pt_err *err)
{
	const struct setting *s = &table[id];
	double d;
	int rc;

	memset(v, 0, sizeof(*v));
	v->id = id;
	switch (s->type) {
	case SETTING_TYPE_WHOLE:
	case SETTING_TYPE_NUMBER:
		if (parse_number(text, from != SETTING_FROM_ARGS, &d) < 0 || d < s->min ||
		    d > s->max || (s->type == SETTING_TYPE_WHOLE && d != floor(d)))
			return fail(message(s, from), text, err);
		if (s->type == SETTING_TYPE_WHOLE)
			v->whole = (int64_t)d;
		else
			v->number = d;
		return 0;
	case SETTING_TYPE_DURATION:
		if (parse_duration(text, &v->number) < 0)
			return fail(message(s, from), text, err);
		return 0;
	case SETTING_TYPE_BOOL:
		if (parse_bool(text, &v->whole) < 0)
			return fail(message(s, from), text, err);
		return 0;
	case SETTING_TYPE_THRESHOLD:
		if (parse_threshold(text, from != SETTING_FROM_ARGS, s->max, &v->threshold) < 0)
			return fail(message(s, from), text, err);
		return 0;
	case SETTING_TYPE_SORT:
	case SETTING_TYPE_DIFF_SORT:
		rc = parse_sort(text, s->type == SETTING_TYPE_DIFF_SORT, &v->sort.key,
				&v->sort.ascending);
		if (rc == -2 && from == SETTING_FROM_ARGS && s->msg_order)
			return fail(s->msg_order, text, err);
		return rc < 0 ? fail(message(s, from), text, err) : 0;
	case SETTING_TYPE_GROUP:
	case SETTING_TYPE_FORMAT:
	case SETTING_TYPE_TREE:
		return parse_choice(s, text, v) < 0 ? fail(message(s, from), text, err) : 0;
	case SETTING_TYPE_COLUMNS:
		return parse_columns(s, text, &v->columns, from, err);
	case SETTING_TYPE_PATTERNS:
		parse_patterns(text, v);
		return 0;
	}
	return -1;
}

int settings_parse_named(const char *name, const char *text, struct setting_value *v,
			 struct pt_err *err)
{
	enum setting_id id;

	if (settings_find(name, &id) < 0) {
		memset(v, 0, sizeof(*v));
		v->id = SETTING__N;
		pt_err_set(err, _("unknown setting '%s' (sort, group, threshold, interval, columns, alloc-patterns, function-bar, colors, tree)"),
			   name);
		return -1;
	}
	return settings_parse(id, text, v, SETTING_FROM_FILE, err);
}

int settings_default(enum setting_id id, struct setting_value *v)
{
	struct pt_err err;

	if (!table[id].def) {
		memset(v, 0, sizeof(*v));
		v->id = id;
		return -1;
	}
	return settings_parse(id, table[id].def, v, SETTING_FROM_FILE, &err);
}

void settings_value_free(struct setting_value *v)
{
	if ((unsigned)v->id < SETTING__N && table[v->id].type == SETTING_TYPE_PATTERNS) {
		free(v->patterns.text);
		v->patterns.text = NULL;
		v->patterns.n = 0;
	}
}

/* ---- printing ---- */

/* "2", "0.5", "0.125": to the millisecond, with a point in every locale. */
static char *print_seconds(double v)
{
	long long ms;
	char *s;
	size_t len;

	if (!(fabs(v) < 1e15))
		return xasprintf("%.0f", v);
	ms = llround(v * 1000);
	s = xasprintf("%s%lld.%03lld", ms < 0 ? "-" : "", llabs(ms) / 1000, llabs(ms) % 1000);
	len = strlen(s);
	while (s[len - 1] == '0')
		s[--len] = '\0';
	if (s[len - 1] == '.')
		s[--len] = '\0';
	return s;
}

static char *print_list(const char *const *words, size_t n, const char *sep)
{
	size_t total = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		total += strlen(words[i]) + strlen(sep);
	s = xcalloc(total, 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, sep);
		strcat(s, words[i]);
	}
	return s;
}

static char *print_columns(const struct settings_columns *c)
{
	const char *words[SETTINGS_COLUMNS_N];
	size_t n = 0;

	for (unsigned i = 0; i < SETTINGS_COLUMNS_N; i++)
		if (c->mask & (1u << c->order[i]))
			words[n++] = column_names[c->order[i]];
	return print_list(words, n, ",");
}

char *settings_print(const struct setting_value *v)
{
	switch (table[v->id].type) {
	case SETTING_TYPE_WHOLE:
		return xasprintf("%lld", (long long)v->whole);
	case SETTING_TYPE_NUMBER:
	case SETTING_TYPE_DURATION:
		return print_seconds(v->number);
	case SETTING_TYPE_THRESHOLD:
		return threshold_text(&v->threshold);
	case SETTING_TYPE_BOOL:
		return xstrdup(v->whole ? "on" : "off");
	case SETTING_TYPE_SORT:
		return xasprintf("%s:%s", sort_key_name((enum sort_key)v->sort.key),
				 v->sort.ascending ? "asc" : "desc");
	case SETTING_TYPE_DIFF_SORT:
		return xasprintf("%s:%s", diff_key_names[v->sort.key],
				 v->sort.ascending ? "asc" : "desc");
	case SETTING_TYPE_GROUP:
		return xstrdup(group_name(v->group));
	case SETTING_TYPE_FORMAT:
		return xstrdup(out_format_name(v->format));
	case SETTING_TYPE_TREE:
		return xstrdup(tree_mode_name(v->tree));
	case SETTING_TYPE_COLUMNS:
		return print_columns(&v->columns);
	case SETTING_TYPE_PATTERNS:
		return print_list(v->patterns.v, v->patterns.n, " ");
	}
	return xstrdup("");
}
