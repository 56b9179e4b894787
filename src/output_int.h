/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_int.h - what the batch output's writers share (output.c dispatches to them):
 * one file per format. Never included outside output*.c. */
#ifndef PAGETOP_OUTPUT_INT_H
#define PAGETOP_OUTPUT_INT_H

#include <stdio.h>

#include "output.h"

/* Whether the model counts pages (else allocations: stack_count). */
static inline int output_is_pages(const struct model *m)
{
	return model_meta(m)->unit == UNIT_PAGES;
}

/* Whether the counts are bytes, with calls beside them (/proc/allocinfo). */
static inline int output_is_bytes(const struct model *m)
{
	return model_meta(m)->unit == UNIT_BYTES;
}

/* Bytes per call of a row (allocinfo), 0 without calls. */
static inline long long output_avg(const struct counter *s)
{
	return s->calls > 0 ? (long long)(s->now / s->calls) : 0;
}

/* A sort key's name as the output says it: "bytes" for pages that are bytes. */
static inline const char *output_key_name(const struct model *m, enum sort_key k)
{
	return output_is_bytes(m) && k == KEY_PAGES ? sort_key_name(KEY_BYTES) : sort_key_name(k);
}

/* The stack whose frames a row shows: its own, or its group's largest (NULL: none). */
static inline const struct stack *output_row_stack(const struct model *m, const struct row *r)
{
	return r->stack ? r->stack : r->group ? model_stack(m, model_group_example(m, r->group)) : NULL;
}

/* The first n rows of a view, in each format. */
void output_text_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t n);
void output_csv_begin(FILE *fp, const struct model *m, const struct out_opts *o);
void output_csv_sample(FILE *fp, const struct model *m, const struct view *v,
		       const struct out_opts *o, size_t n);
void output_json_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t n);
void output_folded_sample(FILE *fp, const struct model *m, const struct view *v, size_t n);
void output_openmetrics_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			       const struct view *v,
			       const struct meminfo *mem, size_t n);
/* A gzip-compressed pprof profile: a sample per stack row (frames resolved when o->sym). */
void output_pprof_sample(FILE *fp, const struct model *m, const struct view *v,
			 const struct out_opts *o, size_t n);

/* The children of node i (TREE_NONE: the roots) that are printed: at most limit. */
static inline size_t output_tree_kids(const struct tree *t, uint32_t i, const struct out_opts *o,
				      const uint32_t **kids)
{
	size_t n = i == TREE_NONE ? t->nroots : t->nodes[i].nkids;

	*kids = i == TREE_NONE ? t->kids : t->kids + t->nodes[i].kids;
	return o->limit && o->limit < n ? o->limit : n;
}

/* The call tree, in each format (not folded). */
void output_text_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct tree *t, const struct out_opts *o);
void output_csv_tree(FILE *fp, const struct model *m, const struct tree *t,
		     const struct out_opts *o);
void output_json_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct tree *t, const struct out_opts *o);

/* The stack whose frames a diff row shows, B's when it has one, and its model. */
static inline const struct stack *diff_row_stack(const struct diff_report *r,
						 const struct diff_row *e, const struct model **m)
{
	*m = e->sb ? r->in[1].m : r->in[0].m;
	return e->sb ? e->sb : e->sa;
}

static inline const char *diff_row_label(const struct diff_report *r, const struct diff_row *e)
{
	return strtab_str(r->labels, e->label);
}

/* "new", "gone", "grew" or "shrank" (CSV and JSON). */
const char *diff_row_status(const struct diff_row *e);

/* A diff, in each format. */
void output_text_diff(FILE *fp, const struct diff_report *r);
void output_csv_diff(FILE *fp, const struct diff_report *r);
void output_json_diff(FILE *fp, const struct diff_report *r);
void output_folded_diff(FILE *fp, const struct diff_report *r);
void output_pprof_diff(FILE *fp, const struct diff_report *r);

#endif
