/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_csv.c - batch output as CSV: a header line, then a line a row of every
 * sample (doc/formats.md). Escaped as UTF-8 whatever the locale. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "frame.h"
#include "output_int.h"
#include "parse.h"

void output_csv_body(FILE *fp, const char *s)
{
	struct esc_buf b = { NULL, 0 };

	/* escaped as UTF-8 whatever the locale: a file's bytes do not depend on it */
	for (s = esc_str(&b, s, 1); *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	free(b.p);
}

static void csv_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	output_csv_body(fp, s);
	fputc('"', fp);
}

/* The frames column: ",\"F1;F2;...\"", innermost first (an empty field for groups);
 * with ignore_offsets by function and module (pagetop diff). */
static void csv_frames(FILE *fp, const struct model *m, const struct stack *st,
		       int ignore_offsets)
{
	char tmp[FRAME_MAX + 80];

	fputs(",\"", fp);
	for (unsigned i = 0; st && i < st->nframes; i++) {
		size_t len;

		if (i)
			fputc(';', fp);
		output_csv_body(fp, frame_strip_if(model_frame(m, st->frames[i]), ignore_offsets,
						   tmp, sizeof(tmp), &len));
	}
	fputc('"', fp);
}

static void csv_row(FILE *fp, const struct model *m, const struct view *v, const struct row *r,
		    const struct out_opts *o)
{
	int expand = o->expand;
	const struct counter *s = r->s;

	fprintf(fp, "%u,%.3f,", model_nsamples(m) - 1, model_sample_time(m));
	if (r->stack)
		fprintf(fp, "%u,%llu,", r->stack->id, (unsigned long long)r->stack->handle);
	else
		fputs(",,", fp);
	fprintf(fp, "%lld,", (long long)s->now);
	if (output_is_bytes(m))
		fprintf(fp, "%lld,%lld", (long long)s->calls, output_avg(s));
	else if (output_is_pages(m))
		fprintf(fp, "%lld", sat_mul(s->now, model_page_size(m)));
	fprintf(fp, ",%.3f,%lld,%.3f,%lld,%lld,%.4f,%.3f,", view_share(v, s), (long long)s->delta,
		s->rate, (long long)s->delta_base, (long long)s->peak, s->score,
		model_time_at(m, s->first_seen));
	if (o->system && o->mem && o->mem->valid)
		fprintf(fp, "%llu,%llu,%llu,", (unsigned long long)meminfo_in_use(o->mem),
			(unsigned long long)o->mem->slab, (unsigned long long)o->mem->page_tables);
	else if (o->system)
		fputs(",,,", fp);
	csv_str(fp, model_label(m, r->label));
	if (expand)
		csv_frames(fp, m, r->stack, 0);
	fputc('\n', fp);
}

void output_csv_begin(FILE *fp, const struct model *m, const struct out_opts *o)
{
	if (o->tree != TREE_OFF && output_is_bytes(m)) {
		fputs("sample,time,depth,bytes,calls,share,delta,rate,delta_base,peak,score,first_seen,sites,node,path\n",
		      fp);
		return;
	}
	if (o->tree != TREE_OFF) {
		fputs("sample,time,depth,pages,bytes,delta,rate,delta_base,peak,score,first_seen,stacks,frame,path\n",
		      fp);
		return;
	}
	fputs(output_is_bytes(m) ? "sample,time,id,handle,bytes,calls,avg,share,delta,rate,delta_base,peak,score,first_seen,"
				 : "sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,", fp);
	if (o->system)
		fputs("mem_in_use,slab,page_tables,", fp);
	fputs("label", fp);
	if (o->expand)
		fputs(",frames", fp);
	fputc('\n', fp);
}

void output_csv_sample(FILE *fp, const struct model *m, const struct view *v,
		       const struct out_opts *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_row(fp, m, v, &v->rows[i], o);
}

/* The path column: the texts of the nodes from the root to node i, ';' between them
 * (the frames; a stack without frames is a root of its own; allocinfo's nodes are
 * labels). */
static void csv_path(FILE *fp, const struct model *m, const struct tree *t, uint32_t i)
{
	uint32_t path[STACK_MAX_FRAMES + 1];
	size_t n = tree_path_nodes(t, i, path, ARRAY_SIZE(path));

	fputc('"', fp);
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputc(';', fp);
		output_csv_body(fp, tree_node_text(m, &t->nodes[path[k]]));
	}
	fputc('"', fp);
}

static void csv_node(FILE *fp, const struct model *m, const struct tree *t, uint32_t i,
		     const struct out_opts *o)
{
	const struct tree_node *n = &t->nodes[i];
	const struct tree_sum *s = &n->s;
	const uint32_t *kids;
	size_t nk = output_tree_kids(t, i, o, &kids);

	fprintf(fp, "%u,%.3f,%u,%lld,", model_nsamples(m) - 1, model_sample_time(m), n->depth,
		(long long)s->now);
	if (output_is_bytes(m))
		fprintf(fp, "%lld,%.4f", (long long)s->calls,
			t->v.total_pages > 0 ? (double)s->now * 100.0 / (double)t->v.total_pages : 0);
	else if (output_is_pages(m))
		fprintf(fp, "%lld", sat_mul(s->now, model_page_size(m)));
	fprintf(fp, ",%lld,%.3f,%lld,%lld,%.4f,%.3f,%u,", (long long)s->delta, s->rate,
		(long long)s->delta_base, (long long)s->peak, s->score,
		model_time_at(m, s->first_seen), n->nstacks);
	csv_str(fp, tree_node_text(m, n));
	fputc(',', fp);
	csv_path(fp, m, t, i);
	fputc('\n', fp);
	for (size_t k = 0; k < nk; k++)
		csv_node(fp, m, t, kids[k], o);
}

void output_csv_tree(FILE *fp, const struct model *m, const struct tree *t,
		     const struct out_opts *o)
{
	const uint32_t *kids;
	size_t n = output_tree_kids(t, TREE_NONE, o, &kids);

	for (size_t k = 0; k < n; k++)
		csv_node(fp, m, t, kids[k], o);
}

void output_csv_diff(FILE *fp, const struct diff_report *r)
{
	fputs(r->bytes ? "bytes_a,bytes_b,delta,bytes,status,label" : "pages_a,pages_b,delta,bytes,status,label", fp);
	if (r->expand)
		fputs(",frames", fp);
	fputc('\n', fp);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct diff_row *e = r->rows[i];
		const struct model *m;
		const struct stack *st = diff_row_stack(r, e, &m);

		fprintf(fp, "%lld,%lld,%lld,", (long long)e->a, (long long)e->b,
			(long long)(e->b - e->a));
		if (r->pages)
			fprintf(fp, "%lld", sat_mul(e->b - e->a, r->page_size));
		fprintf(fp, ",%s,", diff_row_status(e));
		csv_str(fp, diff_row_label(r, e));
		if (r->expand)
			csv_frames(fp, m, st, r->ignore_offsets);
		fputc('\n', fp);
	}
}
