/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.c - batch output: the formats' dispatcher (text like top -b, CSV, JSON lines,
 * folded stacks: output_<format>.c) and what they share.
 *
 * Column names are the sort keys (model.h): pages, bytes, delta, rate, delta_base, peak,
 * score, first_seen, label. doc/formats.md documents CSV and JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output_int.h"

static const char *const format_names[] = { "text", "csv", "json", "folded", "openmetrics", "pprof" };

const char *out_format_name(enum out_format f)
{
	return (unsigned)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

int out_format_parse(const char *s, enum out_format *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (strcmp(s, format_names[i]) == 0) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

void output_fmt_time(char *buf, size_t n, const struct model *m, double t)
{
	if (model_time_abs(m)) {
		time_t tt = (time_t)t;
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	} else {
		snprintf(buf, n, "%.2f s", t);
	}
}

int output_begin(FILE *fp, const struct model *m, const struct out_opts *o)
{
	if (o->format == OUT_CSV)
		output_csv_begin(fp, m, o);
	return ferror(fp) ? -1 : 0;
}

int output_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
		  const struct view *v, const struct out_opts *o)
{
	size_t n = o->limit && o->limit < v->nrows ? o->limit : v->nrows;

	if (o->sym && ((o->expand && (o->format == OUT_TEXT || o->format == OUT_JSON)) ||
		       o->format == OUT_PPROF)) {
		/* ask for every frame shown, then wait: batch output prints answers */
		for (size_t i = 0; i < n; i++) {
			const struct stack *st = output_row_stack(m, &v->rows[i]);

			for (unsigned k = 0; st && k < st->nframes; k++) {
				const char *f = model_frame(m, st->frames[k]);

				symbols_request(o->sym, f, strlen(f));
			}
		}
		symbols_wait(o->sym);
	}
	switch (o->format) {
	case OUT_TEXT:
		output_text_sample(fp, m, vo, v, o, n);
		break;
	case OUT_CSV:
		output_csv_sample(fp, m, v, o, n);
		break;
	case OUT_JSON:
		output_json_sample(fp, m, vo, v, o, n);
		break;
	case OUT_FOLDED:
		output_folded_sample(fp, m, v, n);
		break;
	case OUT_OPENMETRICS:
		output_openmetrics_sample(fp, m, vo, v, o->mem, n);
		break;
	case OUT_PPROF:
		output_pprof_sample(fp, m, v, o, n);
		break;
	}
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}

/* Asks the symbols for the frames of the nodes printed, and waits. */
static void tree_request(const struct model *m, const struct tree *t, uint32_t i,
			 const struct out_opts *o)
{
	const uint32_t *kids;
	size_t n = output_tree_kids(t, i, o, &kids);

	if (i != TREE_NONE && t->nodes[i].frame != TREE_NONE) {
		const char *f = model_frame(m, t->nodes[i].frame);

		symbols_request(o->sym, f, strlen(f));
	}
	for (size_t k = 0; k < n; k++)
		tree_request(m, t, kids[k], o);
}

int output_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		const struct tree *t, const struct out_opts *o)
{
	if (o->expand && o->sym && (o->format == OUT_TEXT || o->format == OUT_JSON)) {
		tree_request(m, t, TREE_NONE, o);
		symbols_wait(o->sym);
	}
	switch (o->format) {
	case OUT_TEXT:
		output_text_tree(fp, m, vo, t, o);
		break;
	case OUT_CSV:
		output_csv_tree(fp, m, t, o);
		break;
	case OUT_JSON:
		output_json_tree(fp, m, vo, t, o);
		break;
	case OUT_FOLDED: /* the command line refuses these: folded stacks are a tree already, */
	case OUT_OPENMETRICS: /* a series per row of a sample */
	case OUT_PPROF: /* pprof makes its own trees */
		break;
	}
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}

const char *diff_row_status(const struct diff_row *e)
{
	if (e->a == 0)
		return "new";
	if (e->b == 0)
		return "gone";
	return e->b > e->a ? "grew" : "shrank";
}

int output_diff(FILE *fp, enum out_format f, const struct diff_report *r)
{
	switch (f) {
	case OUT_TEXT:
		output_text_diff(fp, r);
		break;
	case OUT_CSV:
		output_csv_diff(fp, r);
		break;
	case OUT_JSON:
		output_json_diff(fp, r);
		break;
	case OUT_FOLDED:
		output_folded_diff(fp, r);
		break;
	case OUT_PPROF:
		output_pprof_diff(fp, r);
		break;
	case OUT_OPENMETRICS: /* refused by pagetop diff */
		break;
	}
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}
