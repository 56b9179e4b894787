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

/* The stack whose frames a row shows: its own, or its group's largest (NULL: none). */
static inline const struct stack *output_row_stack(const struct model *m, const struct row *r)
{
	return r->stack ? r->stack : r->group ? model_stack(m, r->group->example) : NULL;
}

/* The first n rows of a view, in each format. */
void output_text_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t n);
void output_csv_begin(FILE *fp, const struct out_opts *o);
void output_csv_sample(FILE *fp, const struct model *m, const struct view *v,
		       const struct out_opts *o, size_t n);
void output_json_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t n);
void output_folded_sample(FILE *fp, const struct model *m, const struct view *v, size_t n);

#endif
