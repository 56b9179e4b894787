/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_folded.c - batch output as folded stacks, for flame graphs: a line a row, its
 * frames outermost first, then its pages. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "output_int.h"

/* Escaped as CSV is (UTF-8 whatever the locale); ';' and the last space keep their
 * meaning. */
static void folded_row(FILE *fp, const struct model *m, const struct row *r)
{
	const struct stack *st = r->stack;

	if (!st) {
		const char *l = model_label(m, r->label);

		esc_write(fp, l, strlen(l), 1);
		fprintf(fp, " %lld\n", (long long)r->s->now);
		return;
	}
	if (r->s->now <= 0)
		return;
	/* outermost first; function names without offsets so call sites merge */
	for (int i = (int)st->nframes - 1; i >= 0; i--) {
		const char *f = model_frame(m, st->frames[i]), *mod;

		esc_write(fp, f, frame_fold(f, &mod), 1);
		if (mod) {
			fputc(' ', fp);
			esc_write(fp, mod, strlen(mod), 1);
		}
		if (i)
			fputc(';', fp);
	}
	fprintf(fp, " %lld\n", (long long)r->s->now);
}

void output_folded_sample(FILE *fp, const struct model *m, const struct view *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		folded_row(fp, m, &v->rows[i]);
}

/* Growth only, outermost frame first, function names without offsets (as in
 * "pagetop -b --format folded", but without build ids, and a ';' in a frame becomes
 * ','): a flame graph of what grew. */
void output_folded_diff(FILE *fp, const struct diff_report *r)
{
	char tmp[FRAME_MAX + 80];

	for (size_t i = 0; i < r->nrows; i++) {
		const struct diff_row *e = r->rows[i];
		const struct model *m;
		const struct stack *st = diff_row_stack(r, e, &m);

		if (e->b <= e->a)
			continue;
		for (int k = (int)st->nframes - 1; k >= 0; k--) {
			const char *f = model_frame(m, st->frames[k]);
			size_t len = frame_strip(f, strlen(f), tmp, sizeof(tmp));

			/* ';' separates frames in this format */
			for (size_t j = 0; j < len; j++)
				if (tmp[j] == ';')
					tmp[j] = ',';
			esc_write(fp, tmp, len, 1);
			if (k)
				fputc(';', fp);
		}
		if (!st->nframes) {
			const char *l = diff_row_label(r, e);

			esc_write(fp, l, strlen(l), 1);
		}
		fprintf(fp, " %lld\n", (long long)(e->b - e->a));
	}
}
