/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings_gate.c - --fail-if's conditions (settings_gate.h): read with the threshold's
 * parser (settings.c) for pages, bytes and shares, checked against a row's values. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "settings.h"
#include "settings_gate.h"

static const char *const col_names[GATE__N] = {
	"pages", "bytes", "delta", "rate", "delta_base", "peak", "score", "pages_a", "pages_b",
};

/* longest first, so that ">=" is not read as ">" */
static const struct { const char *text; enum gate_op op; } ops[] = {
	{ ">=", GATE_GE }, { "<=", GATE_LE }, { "==", GATE_EQ }, { "!=", GATE_NE },
	{ ">", GATE_GT }, { "<", GATE_LT }, { "=", GATE_EQ },
};

const char *gate_col_name(enum gate_col c)
{
	return (unsigned)c < GATE__N ? col_names[c] : "?";
}

/* "pages, bytes, ..." of the mask, into buf. */
static const char *col_list(unsigned cols, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < GATE__N; i++)
		if (cols & (1u << i))
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s",
						len ? ", " : "", col_names[i]);
	return buf;
}

static int is_page_col(enum gate_col c)
{
	return c != GATE_RATE && c != GATE_SCORE;
}

/* The value of a condition on column c, s trimmed: 0, or -1. */
static int parse_value(struct gate_cond *gc, const char *s)
{
	struct setting_value v;
	struct pt_err ignored;
	int neg = *s == '-';
	char *end;

	if (!is_page_col(gc->col)) {
		errno = 0;
		gc->value = strtod_c(s, &end);
		if (errno || end == s || *end || !isfinite(gc->value))
			return -1;
		gc->unit = GATE_NUMBER;
		return 0;
	}
	if (neg)
		s++;
	if (*s == '-' || *s == '+' ||
	    settings_parse(SETTING_THRESHOLD, s, &v, SETTING_FROM_ARGS, &ignored) < 0)
		return -1;
	switch (v.threshold.unit) {
	case THRESH_PAGES:
		/* a plain number is the column's own unit: bytes for bytes */
		gc->unit = gc->col == GATE_BYTES ? GATE_UNIT_BYTES : GATE_NUMBER;
		gc->value = (double)v.threshold.value;
		break;
	case THRESH_BYTES:
		gc->unit = GATE_UNIT_BYTES;
		gc->value = (double)v.threshold.value;
		break;
	case THRESH_PERCENT:
		gc->unit = GATE_UNIT_PERCENT;
		gc->value = (double)v.threshold.value / THRESH_PERCENT_ONE;
		break;
	}
	if (neg)
		gc->value = -gc->value;
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* One condition, s[0..n): 0, or -1 with err. */
static int parse_cond(struct gate_cond *gc, const char *s, size_t n, unsigned cols,
		      struct pt_err *err)
{
	char list[160], word[64], value[64];
	size_t k = 0, oplen = 0;
	const char *optext = "";

	trim(&s, &n);
	snprintf(gc->text, sizeof(gc->text), "%.*s", (int)n, s);
	if (n == 0) {
		pt_err_set(err, _("--fail-if: expected a condition such as delta_base>5000, found an empty one"));
		return -1;
	}
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
		k++;
	snprintf(word, sizeof(word), "%.*s", (int)k, s);
	for (gc->col = 0; gc->col < GATE__N; gc->col++)
		if ((cols & (1u << gc->col)) && strcmp(word, col_names[gc->col]) == 0)
			break;
	if (gc->col == GATE__N) {
		pt_err_set(err, _("--fail-if: expected a column (%s) at the start of '%s'"),
			   col_list(cols, list, sizeof(list)), gc->text);
		return -1;
	}
	s += k;
	n -= k;
	trim(&s, &n);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t l = strlen(ops[i].text);

		if (n >= l && strncmp(s, ops[i].text, l) == 0) {
			gc->op = ops[i].op;
			oplen = l;
			optext = ops[i].text;
			break;
		}
	}
	if (!oplen) {
		pt_err_set(err, _("--fail-if: expected an operator (>, >=, <, <=, =, !=) after '%s' in '%s'"),
			   word, gc->text);
		return -1;
	}
	s += oplen;
	n -= oplen;
	trim(&s, &n);
	snprintf(value, sizeof(value), "%.*s", (int)n, s);
	if (n >= sizeof(value) || parse_value(gc, value) < 0) {
		if (is_page_col(gc->col))
			pt_err_set(err, _("--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%%) after '%s%s' in '%s'"),
				   word, optext, gc->text);
		else
			pt_err_set(err, _("--fail-if: expected a number (%s) after '%s' in '%s'"),
				   gc->col == GATE_SCORE ? "0.9" : "100", word, gc->text);
		return -1;
	}
	return 0;
}

int gate_parse(struct gate *g, const char *text, unsigned cols, struct pt_err *err)
{
	const char *p = text;

	memset(g, 0, sizeof(*g));
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (g->n == GATE_CONDS_MAX) {
			pt_err_set(err, _("--fail-if: expected at most %d conditions, found more in '%s'"),
				   GATE_CONDS_MAX, text);
			return -1;
		}
		if (parse_cond(&g->c[g->n], p, n, cols, err) < 0)
			return -1;
		g->n++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int gate_check(const struct gate *g, const double v[GATE__N], long page_size, int64_t total)
{
	if (page_size <= 0)
		page_size = 4096;
	for (size_t i = 0; i < g->n; i++) {
		const struct gate_cond *c = &g->c[i];
		double x = v[c->col], y = c->value;
		int met = 0;

		if (c->unit == GATE_UNIT_BYTES)
			y /= (double)page_size;
		else if (c->unit == GATE_UNIT_PERCENT)
			y = y * (double)total / 100.0;
		switch (c->op) {
		case GATE_GT: met = x > y; break;
		case GATE_GE: met = x >= y; break;
		case GATE_LT: met = x < y; break;
		case GATE_LE: met = x <= y; break;
		case GATE_EQ: met = x == y; break;
		case GATE_NE: met = x != y; break;
		}
		if (met)
			return (int)i;
	}
	return -1;
}

const char *gate_value_text(enum gate_col c, double v, char *buf, size_t n)
{
	if (c == GATE_SCORE)
		snprintf(buf, n, "%.2f", v);
	else if (c == GATE_RATE)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}
