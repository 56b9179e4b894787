/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_json.c - batch output as JSON lines: an object a sample, its rows in it
 * (doc/formats.md). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "output_int.h"

/* Task names are any bytes (PR_SET_NAME) and files may hold anything: bytes that are
 * not UTF-8 become U+FFFD, so the output stays JSON; control characters (C1 and DEL
 * too, which JSON would allow as they are) are \u escapes, so that none reaches a
 * terminal. */
void output_json_str(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	fputc('"', fp);
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		enum text_kind kind;
		size_t len = text_char(s + i, n - i, 1, &kind);

		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (kind == TEXT_CONTROL)
			fprintf(fp, "\\u%04x", len == 2 ? p[1] : *p);
		else if (kind == TEXT_INVALID)
			fputs("\\ufffd", fp);
		else
			fwrite(p, 1, len, fp);
		i += len;
	}
	fputc('"', fp);
}

static void json_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.6g", v);
	else
		fputs("null", fp);
}

/* Times keep their precision (epoch seconds need 10 digits before the point). */
static void json_time(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.15g", v);
	else
		fputs("null", fp);
}

static void json_nstr(FILE *fp, const char *s)
{
	if (s)
		output_json_str(fp, s);
	else
		fputs("null", fp);
}

static void json_place(FILE *fp, const struct sym_frame *f)
{
	fputs("\"function\":", fp);
	json_nstr(fp, f ? f->function : NULL);
	fputs(",\"file\":", fp);
	json_nstr(fp, f ? f->file : NULL);
	if (f && f->line)
		fprintf(fp, ",\"line\":%u", f->line);
	else
		fputs(",\"line\":null", fp);
	if (f && f->column)
		fprintf(fp, ",\"column\":%u", f->column);
	if (f && f->source) {
		fputs(",\"source\":", fp);
		output_json_str(fp, f->source);
	}
}

/* With symbols: function/file/line of the innermost code at the call site, and the
 * functions it was inlined into (innermost first), each with the line of its call. */
static void json_symbols(FILE *fp, const char *text, struct symbols *sym)
{
	const struct sym_result *r = symbols_lookup(sym, text, strlen(text));
	int ok = r && r->status == SYM_OK;

	fputc(',', fp);
	json_place(fp, ok ? &r->frames[0] : NULL);
	fputs(",\"inlined\":[", fp);
	for (unsigned i = 1; ok && i < r->nframes; i++) {
		fputs(i > 1 ? ",{" : "{", fp);
		json_place(fp, &r->frames[i]);
		fputc('}', fp);
	}
	fputs("],\"status\":", fp);
	output_json_str(fp, r ? sym_status_name(r->status) : "pending");
	if (r && r->object) {
		fputs(",\"object\":", fp);
		output_json_str(fp, r->object);
	}
	if (r && r->reason) {
		fputs(",\"reason\":", fp);
		output_json_str(fp, r->reason);
	}
}

/* The start of frame i of a "frames" array: {"text":TEXT,"caller":BOOL (the caller
 * closes it). */
static void json_frame_begin(FILE *fp, unsigned i, const char *text, int caller)
{
	fputs(i ? ",{\"text\":" : "{\"text\":", fp);
	output_json_str(fp, text);
	fprintf(fp, ",\"caller\":%s", caller ? "true" : "false");
}

/* A byte count, null when the counts are allocations. */
static void json_bytes(FILE *fp, int pages, long long bytes)
{
	if (pages)
		fprintf(fp, "%lld", bytes);
	else
		fputs("null", fp);
}

static void json_frames(FILE *fp, const struct model *m, const struct stack *st,
			struct symbols *sym)
{
	fputs(",\"frames\":[", fp);
	for (unsigned i = 0; st && i < st->nframes; i++) {
		json_frame_begin(fp, i, model_frame(m, st->frames[i]), i == st->caller);
		fprintf(fp, ",\"allocator\":%s",
			model_frame_is_alloc(m, st->frames[i]) ? "true" : "false");
		if (sym)
			json_symbols(fp, model_frame(m, st->frames[i]), sym);
		fputc('}', fp);
	}
	fputc(']', fp);
}

/* The fields after "pages" and "bytes" (and "share") that rows and tree nodes share. */
static void json_changes(FILE *fp, const struct model *m, int64_t delta, double rate,
			 int64_t delta_base, int64_t peak, double score, uint32_t first_seen)
{
	fprintf(fp, ",\"delta\":%lld,\"rate\":", (long long)delta);
	json_num(fp, rate);
	fprintf(fp, ",\"delta_base\":%lld,\"peak\":%lld,\"score\":", (long long)delta_base,
		(long long)peak);
	json_num(fp, score);
	fputs(",\"first_seen\":", fp);
	json_time(fp, model_time_at(m, first_seen));
}

/* The members of a row's object. */
static void json_row(FILE *fp, const struct model *m, const struct view *v,
		     const struct row *r, const struct out_opts *o)
{
	const struct counter *s = r->s;

	if (r->stack)
		fprintf(fp, "\"id\":%u,\"handle\":%llu,\"kind\":\"%s\",", r->stack->id,
			(unsigned long long)r->stack->handle,
			(const char *[]){ "normal", "dummy", "failure", "early" }[r->stack->kind & 3]);
	if (output_is_bytes(m)) {
		fprintf(fp, "\"bytes\":%lld,\"calls\":%lld,\"avg\":%lld", (long long)s->now,
			(long long)s->calls, output_avg(s));
	} else {
		fprintf(fp, "\"pages\":%lld,\"bytes\":", (long long)s->now);
		json_bytes(fp, output_is_pages(m), sat_mul(s->now, model_page_size(m)));
	}
	fputs(",\"share\":", fp);
	json_num(fp, view_share(v, s));
	json_changes(fp, m, s->delta, s->rate, s->delta_base, s->peak, s->score, s->first_seen);
	fputs(",\"label\":", fp);
	output_json_str(fp, model_label(m, r->label));
	if (view_row_label(m, r, 1) != r->label) {
		/* told apart from the other stacks of its label (UTF-8, as JSON is) */
		fputs(",\"label_distinct\":", fp);
		output_json_str(fp, model_label(m, view_row_label(m, r, 1)));
	}
	if (r->stack && model_stack_blocks(m, r->stack)) {
		const struct block_summary *b = model_stack_blocks(m, r->stack);

		fprintf(fp, ",\"blocks\":{\"count\":%llu,\"orders\":%u,\"gfp\":%u,\"pid\":%d,\"comm\":",
			(unsigned long long)b->nblocks, b->orders, b->gfp, b->pid);
		output_json_str(fp, b->comm);
		fputc('}', fp);
	}
	if (o->expand)
		json_frames(fp, m, output_row_stack(m, r), o->sym);
}

/* A sample's object up to its rows: {"sample":...,"rows_total":N, */
static void json_head(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct view *v, enum tree_mode tree)
{
	const struct source_meta *mt = model_meta(m);
	long ps = model_page_size(m);
	const struct stack *fail = model_special(m, SK_FAILURE);

	fprintf(fp, "{\"sample\":%u,\"time\":", model_nsamples(m) - 1);
	json_time(fp, model_sample_time(m));
	fprintf(fp, ",\"time_abs\":%s,\"source\":{\"kind\":", model_time_abs(m) ? "true" : "false");
	output_json_str(fp, mt->kind ? mt->kind : "");
	fputs(",\"name\":", fp);
	output_json_str(fp, mt->name ? mt->name : "");
	fputs(",\"interface\":", fp);
	output_json_str(fp, iface_name(mt->iface));
	if (mt->kernel_release) {
		fputs(",\"kernel_release\":", fp);
		output_json_str(fp, mt->kernel_release);
	}
	if (output_is_bytes(m))
		fputs("},\"unit\":\"bytes\",", fp);
	else
		fprintf(fp, "},\"unit\":\"%s\",\"page_size\":%ld,\"page_size_known\":%s,",
			output_is_pages(m) ? "pages" : "allocations", ps,
			mt->page_size_known ? "true" : "false");
	fprintf(fp, "\"group\":\"%s\",\"sort\":\"%s\",\"ascending\":%s,\"threshold\":%lld,",
		group_name(tree != TREE_OFF ? GROUP_STACK : vo->group), output_key_name(m, vo->key),
		vo->ascending ? "true" : "false", (long long)v->threshold);
	if (vo->threshold.value && vo->threshold.unit != THRESH_PAGES) {
		/* as given: "64M", "0.5%"; "threshold" is its pages at this sample */
		char *t = threshold_text(&vo->threshold);

		fputs("\"threshold_given\":", fp);
		output_json_str(fp, t);
		fputc(',', fp);
		free(t);
	}
	if (tree != TREE_OFF)
		fprintf(fp, "\"tree\":\"%s\",", tree_mode_name(tree));
	if (output_is_bytes(m)) {
		fprintf(fp, "\"total\":{\"bytes\":%lld,\"calls\":%lld", (long long)v->total_pages,
			(long long)v->total_calls);
	} else {
		fprintf(fp, "\"total\":{\"pages\":%lld,\"bytes\":", (long long)v->total_pages);
		json_bytes(fp, output_is_pages(m), sat_mul(v->total_pages, ps));
	}
	fprintf(fp, ",\"delta\":%lld,\"rate\":", (long long)v->total_delta);
	json_num(fp, v->total_rate);
	fprintf(fp, ",\"delta_base\":%lld},\"rows_shown\":%zu,\"rows_total\":%zu",
		(long long)v->total_delta_base, v->shown, v->total_rows);
	if (fail)
		fprintf(fp, ",\"failure_pages\":%lld", (long long)fail->s.now);
}

void output_json_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t nrows)
{
	json_head(fp, m, vo, v, TREE_OFF);
	if (o->system && o->mem && o->mem->valid)
		fprintf(fp, ",\"system\":{\"mem_total\":%llu,\"mem_available\":%llu,"
			"\"mem_in_use\":%llu,\"slab\":%llu,\"page_tables\":%llu}",
			(unsigned long long)o->mem->total, (unsigned long long)o->mem->available,
			(unsigned long long)meminfo_in_use(o->mem), (unsigned long long)o->mem->slab,
			(unsigned long long)o->mem->page_tables);
	fputs(",\"rows\":[", fp);
	for (size_t i = 0; i < nrows; i++) {
		fputs(i ? ",{" : "{", fp);
		json_row(fp, m, v, &v->rows[i], o);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}

/* Node i's object, its children in it. */
static void json_node(FILE *fp, const struct model *m, const struct tree *t, uint32_t i,
		      const struct out_opts *o)
{
	const struct tree_node *n = &t->nodes[i];
	const struct tree_sum *s = &n->s;
	const uint32_t *kids;
	size_t nk = output_tree_kids(t, i, o, &kids);

	if (n->frame != TREE_NONE) {
		fputs("{\"frame\":", fp);
		output_json_str(fp, model_frame(m, n->frame));
		fprintf(fp, ",\"caller\":%s", n->caller ? "true" : "false");
		if (n->label != TREE_NONE) { /* an allocinfo call site's "FILE:LINE" */
			fputs(",\"label\":", fp);
			output_json_str(fp, model_label(m, n->label));
		}
	} else {
		fputs("{\"frame\":null,\"label\":", fp);
		output_json_str(fp, model_label(m, n->label));
	}
	if (output_is_bytes(m)) {
		fprintf(fp, ",\"bytes\":%lld,\"calls\":%lld,\"share\":", (long long)s->now,
			(long long)s->calls);
		json_num(fp, t->v.total_pages > 0 ? (double)s->now * 100.0 / (double)t->v.total_pages : 0);
	} else {
		fprintf(fp, ",\"pages\":%lld,\"bytes\":", (long long)s->now);
		json_bytes(fp, output_is_pages(m), sat_mul(s->now, model_page_size(m)));
	}
	json_changes(fp, m, s->delta, s->rate, s->delta_base, s->peak, s->score, s->first_seen);
	fprintf(fp, output_is_bytes(m) ? ",\"sites\":%u" : ",\"stacks\":%u", n->nstacks);
	if (o->expand && o->sym && n->frame != TREE_NONE)
		json_symbols(fp, model_frame(m, n->frame), o->sym);
	fputs(",\"children\":[", fp);
	for (size_t k = 0; k < nk; k++) {
		if (k)
			fputc(',', fp);
		json_node(fp, m, t, kids[k], o);
	}
	fputs("]}", fp);
}

void output_json_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct tree *t, const struct out_opts *o)
{
	const uint32_t *kids;
	size_t n = output_tree_kids(t, TREE_NONE, o, &kids);

	json_head(fp, m, vo, &t->v, t->mode);
	fputs(",\"rows\":[", fp);
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputc(',', fp);
		json_node(fp, m, t, kids[k], o);
	}
	fputs("]}\n", fp);
}

void output_json_diff(FILE *fp, const struct diff_report *r)
{
	char tmp[FRAME_MAX + 80];

	for (size_t i = 0; i < r->nrows; i++) {
		const struct diff_row *e = r->rows[i];
		const struct model *m;
		const struct stack *st = diff_row_stack(r, e, &m);

		fprintf(fp, r->bytes ? "{\"bytes_a\":%lld,\"bytes_b\":%lld,\"delta\":%lld,\"bytes\":"
				     : "{\"pages_a\":%lld,\"pages_b\":%lld,\"delta\":%lld,\"bytes\":",
			(long long)e->a, (long long)e->b, (long long)(e->b - e->a));
		json_bytes(fp, r->pages, sat_mul(e->b - e->a, r->page_size));
		fprintf(fp, ",\"status\":\"%s\",\"label\":", diff_row_status(e));
		output_json_str(fp, diff_row_label(r, e));
		if (r->expand) {
			fputs(",\"frames\":[", fp);
			for (unsigned k = 0; k < st->nframes; k++) {
				size_t len;

				json_frame_begin(fp, k, frame_strip_if(model_frame(m, st->frames[k]),
								       r->ignore_offsets, tmp,
								       sizeof(tmp), &len),
						 k == st->caller);
				fputc('}', fp);
			}
			fputc(']', fp);
		}
		fputs("}\n", fp);
	}
}
