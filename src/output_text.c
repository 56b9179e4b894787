/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_text.c - batch output as text, like top -b: a header, then a line a row and,
 * expanded, its frames (and their source lines). For a terminal: escaped for what the
 * locale shows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "output_int.h"
#include "settings.h"

static void text_header(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, enum tree_mode tree, const struct meminfo *mem, int utf8)
{
	const struct source_meta *mt = model_meta(m);
	char tbuf[64], tot[32], bytes[32], d[32], db[32];
	double dt = model_sample_time(m) - model_first_time(m);
	uint32_t k = model_nsamples(m);
	struct esc_buf nb = { NULL, 0 };
	const char *name = mt->name ? esc_str(&nb, mt->name, utf8) : "";

	output_fmt_time(tbuf, sizeof(tbuf), m, model_sample_time(m));
	if (mt->series && mt->nsamples > 0)
		/* TRANSLATORS: pagetop VERSION - KIND NAME (INTERFACE), sample K of N, TIME (+SECONDS) */
		fprintf(fp, _("pagetop %s - %s %s (%s), sample %u of %d, %s (+%.1f s)\n"),
			PACKAGE_VERSION, mt->kind ? mt->kind : "", name, iface_name(mt->iface), k,
			mt->nsamples, tbuf, dt);
	else
		/* TRANSLATORS: pagetop VERSION - KIND NAME (INTERFACE), sample K, TIME (+SECONDS) */
		fprintf(fp, _("pagetop %s - %s %s (%s), sample %u, %s (+%.1f s)\n"), PACKAGE_VERSION,
			mt->kind ? mt->kind : "", name, iface_name(mt->iface), k, tbuf, dt);
	free(nb.p);
	fmt_count(tot, sizeof(tot), v->total_pages);
	fmt_count(d, sizeof(d), v->total_delta);
	fmt_count(db, sizeof(db), v->total_delta_base);
	if (output_is_bytes(m)) {
		char calls[32];

		fmt_bytes(bytes, sizeof(bytes), (double)v->total_pages);
		fmt_count(calls, sizeof(calls), v->total_calls);
		/* TRANSLATORS: allocinfo: bytes the call sites hold, and in how many calls */
		fprintf(fp, _("Total %s bytes (%s) in %s calls, change %s%s, %+.1f/s, since baseline %s%s; rows %zu shown / %zu\n"),
			tot, bytes, calls, v->total_delta > 0 ? "+" : "", d, v->total_rate,
			v->total_delta_base > 0 ? "+" : "", db, v->shown, v->total_rows);
	} else if (output_is_pages(m)) {
		fmt_bytes(bytes, sizeof(bytes), (double)v->total_pages * (double)model_page_size(m));
		fprintf(fp, _("Total %s pages (%s), change %s%s, %+.1f/s, since baseline %s%s; rows %zu shown / %zu\n"),
			tot, bytes, v->total_delta > 0 ? "+" : "", d, v->total_rate,
			v->total_delta_base > 0 ? "+" : "", db, v->shown, v->total_rows);
	} else {
		fprintf(fp, _("Total %s allocations (stack_count counts allocations, not pages), change %s%s; rows %zu shown / %zu\n"),
			tot, v->total_delta > 0 ? "+" : "", d, v->shown, v->total_rows);
	}
	if (mem && mem->valid && output_is_pages(m)) {
		char used[32], slab[32], pt[32];

		fmt_bytes(used, sizeof(used), (double)meminfo_in_use(mem));
		fmt_bytes(slab, sizeof(slab), (double)mem->slab);
		fmt_bytes(pt, sizeof(pt), (double)mem->page_tables);
		/* the screen's header line, with the system's counters of the sample */
		fprintf(fp, _("page_owner accounts for %s of %s in use; slab %s, page tables %s"),
			bytes, used, slab, pt);
		fputc('\n', fp);
	}
	if (vo->threshold.unit == THRESH_PAGES || !vo->threshold.value) {
		fprintf(fp, tree != TREE_OFF ? _("Sort %s %s, tree %s, threshold %lld%s\n")
					     : _("Sort %s %s, group %s, threshold %lld%s\n"),
			output_key_name(m, vo->key), vo->ascending ? _("ascending") : _("descending"),
			tree != TREE_OFF ? tree_mode_name(tree) : group_name(vo->group),
			(long long)v->threshold,
			mt->page_size_known || !output_is_pages(m) ? "" : _(", page size unknown: 4096 bytes assumed"));
	} else {
		char *t = threshold_text(&vo->threshold);

		/* TRANSLATORS: "threshold 64M (16384 pages)", "threshold 0.5% (97 pages)" */
		fprintf(fp, output_is_bytes(m) ? (tree != TREE_OFF ? _("Sort %s %s, tree %s, threshold %s (%lld bytes)%s\n")
					     : _("Sort %s %s, group %s, threshold %s (%lld bytes)%s\n")) :
			tree != TREE_OFF ? _("Sort %s %s, tree %s, threshold %s (%lld pages)%s\n")
					     : _("Sort %s %s, group %s, threshold %s (%lld pages)%s\n"),
			output_key_name(m, vo->key), vo->ascending ? _("ascending") : _("descending"),
			tree != TREE_OFF ? tree_mode_name(tree) : group_name(vo->group), t,
			(long long)v->threshold,
			mt->page_size_known || !output_is_pages(m) ? "" : _(", page size unknown: 4096 bytes assumed"));
		free(t);
	}
}

/* A frame's line: indented, '>' marks the caller frame. */
static void text_frame_line(FILE *fp, int indent, int caller, const char *text, size_t len,
			    int utf8)
{
	fprintf(fp, "%*s%s ", indent, "", caller ? ">" : " ");
	esc_write(fp, text, len, utf8);
	fputc('\n', fp);
}

/* A frame and, resolved, its source lines: the innermost function first, then the
 * functions it was inlined into, as eu-addr2line --pretty-print -i shows them. */
static void text_frame_sym(FILE *fp, const char *text, struct symbols *sym, int indent,
			   int utf8)
{
	const struct sym_result *r;
	struct esc_buf b[2] = { { NULL, 0 }, { NULL, 0 } };

	if (!sym || !(r = symbols_lookup(sym, text, strlen(text))))
		return;
	if (r->status == SYM_OK) {
		for (unsigned i = 0; i < r->nframes; i++) {
			const struct sym_frame *f = &r->frames[i];

			fprintf(fp, "%*s%s%s (%s:%u)\n", indent, "", i ? _("(inlined by) ") : "",
				f->function ? esc_str(&b[0], f->function, utf8) : "??",
				f->short_file ? esc_str(&b[1], f->short_file, utf8) : "??", f->line);
			if (f->source) {
				const char *src = f->source;

				while (*src == ' ' || *src == '\t')
					src++;
				fprintf(fp, "%*s| %s\n", indent + 2, "", esc_str(&b[0], src, utf8));
			}
		}
	} else if (r->status == SYM_AMBIGUOUS || r->status == SYM_NO_SYMBOL ||
		   r->status == SYM_NO_LINE) {
		fprintf(fp, "%*s(%s)\n", indent, "", esc_str(&b[0], r->reason, utf8));
	}
	/* raw frames and objects without debug info: the warning says it once */
	free(b[0].p);
	free(b[1].p);
}

static void text_frame(FILE *fp, const struct model *m, uint32_t frame, int caller,
		       struct symbols *sym, int utf8)
{
	const char *text = model_frame(m, frame);

	text_frame_line(fp, 20, caller, text, strlen(text), utf8);
	text_frame_sym(fp, text, sym, 24, utf8);
}

/* The size and "first seen" columns of rows and tree nodes. */
struct size_first {
	char size[32], first[32];
};
static void text_size_first(struct size_first *c, const struct model *m, int64_t now,
			    uint32_t first_seen)
{
	if (output_is_pages(m) || output_is_bytes(m))
		fmt_bytes(c->size, sizeof(c->size), (double)now * (double)model_page_size(m));
	else
		snprintf(c->size, sizeof(c->size), "-");
	snprintf(c->first, sizeof(c->first), "%+.1f",
		 model_time_at(m, first_seen) - model_first_time(m));
}

/* --columns: the titles and cells of settings.h's columns (trend has none in text). */
static const struct {
	const char *title;
	int width;
} text_cols[SETTINGS_COLUMNS_N] = {
	{ "PAGES", 10 }, { "SIZE", 10 }, { "CALLS", 9 }, { "AVG", 9 }, { "SHARE", 7 },
	{ "DELTA", 9 }, { "RATE", 10 }, { "DELTA_BASE", 11 }, { NULL, 0 }, { "SCORE", 6 },
	{ "PEAK", 10 }, { "FIRST_SEEN", 10 }, { NULL, 0 },
};

/* The columns of --columns that text has for m's source (calls and avg: allocinfo's),
 * in their order; how many. */
static int text_columns(const struct settings_columns *sc, const struct model *m,
			unsigned *out)
{
	int n = 0;

	for (unsigned i = 0; i < SETTINGS_COLUMNS_N; i++) {
		unsigned c = sc->order[i];

		if (sc->mask & (1u << c) && text_cols[c].title &&
		    (output_is_bytes(m) || (c != 2 && c != 3)))
			out[n++] = c;
	}
	return n;
}

static void text_titles(FILE *fp, const struct settings_columns *sc, const struct model *m)
{
	unsigned cols[SETTINGS_COLUMNS_N];
	int n = text_columns(sc, m, cols);

	for (int i = 0; i < n; i++)
		fprintf(fp, "%s%*s", i ? " " : "", text_cols[cols[i]].width,
			cols[i] == 0 && output_is_bytes(m) ? "BYTES" : text_cols[cols[i]].title);
}

/* A row's or node's cells, share in percent of total pages. */
static void text_cells(FILE *fp, const struct settings_columns *sc, const struct model *m,
		       const struct tree_sum *s, int64_t total)
{
	unsigned cols[SETTINGS_COLUMNS_N];
	int n = text_columns(sc, m, cols);
	struct size_first c;
	char buf[64];

	text_size_first(&c, m, s->now, s->first_seen);
	for (int i = 0; i < n; i++) {
		switch (cols[i]) {
		case 0: snprintf(buf, sizeof(buf), "%lld", (long long)s->now); break;
		case 1: snprintf(buf, sizeof(buf), "%s", c.size); break;
		case 2: snprintf(buf, sizeof(buf), "%lld", (long long)s->calls); break;
		case 3:
			snprintf(buf, sizeof(buf), "%lld",
				 s->calls > 0 ? (long long)(s->now / s->calls) : 0);
			break;
		case 4:
			snprintf(buf, sizeof(buf), "%.2f%%",
				 total > 0 ? (double)s->now * 100.0 / (double)total : 0);
			break;
		case 5: snprintf(buf, sizeof(buf), "%+lld", (long long)s->delta); break;
		case 6: snprintf(buf, sizeof(buf), "%+.1f", s->rate); break;
		case 7: snprintf(buf, sizeof(buf), "%+lld", (long long)s->delta_base); break;
		case 9: snprintf(buf, sizeof(buf), "%.3f", s->score); break;
		case 10: snprintf(buf, sizeof(buf), "%lld", (long long)s->peak); break;
		default: snprintf(buf, sizeof(buf), "%s", c.first); break;
		}
		fprintf(fp, "%s%*s", i ? " " : "", text_cols[cols[i]].width, buf);
	}
}

static void counter_sum(const struct counter *c, struct tree_sum *s)
{
	*s = (struct tree_sum){ c->now, c->delta, c->delta_base, c->peak, c->rate, c->score,
				c->first_seen, c->calls };
}

static void text_row(FILE *fp, const struct model *m, const struct view *v,
		     const struct row *r, const struct out_opts *o, int utf8)
{
	const struct counter *s = r->s;
	struct size_first c;
	struct esc_buf b = { NULL, 0 };
	struct symbols *sym = o->sym;
	int expand = o->expand;

	if (o->columns) {
		struct tree_sum ts;

		counter_sum(s, &ts);
		text_cells(fp, o->columns, m, &ts, v->total_pages);
		fprintf(fp, "  %s\n", esc_str(&b, model_label(m, view_row_label(m, r, utf8)), utf8));
	} else {
		text_size_first(&c, m, s->now, s->first_seen);
		if (output_is_bytes(m))
			fprintf(fp, "%12lld %10s %9lld %9lld", (long long)s->now, c.size,
				(long long)s->calls, output_avg(s));
		else
			fprintf(fp, "%10lld %10s", (long long)s->now, c.size);
		fprintf(fp, " %6.2f%% %+9lld %+10.1f %+11lld %10lld %6.3f %10s  %s\n",
			view_share(v, s), (long long)s->delta, s->rate,
			(long long)s->delta_base, (long long)s->peak, s->score, c.first,
			esc_str(&b, model_label(m, view_row_label(m, r, utf8)), utf8));
	}
	if (expand && r->stack && model_stack_blocks(m, r->stack)) {
		const struct block_summary *blk = model_stack_blocks(m, r->stack);
		char orders[64] = "";
		size_t k = 0;

		for (int i = 0; i < 32 && k + 4 < sizeof(orders); i++)
			if (blk->orders & (1u << i))
				k += (size_t)snprintf(orders + k, sizeof(orders) - k, "%s%d", k ? "," : "", i);
		fprintf(fp, "%*s", 20, "");
		fprintf(fp, _("%llu blocks of order %s, gfp 0x%x, newest by pid %d (%s)\n"),
			(unsigned long long)blk->nblocks, orders, blk->gfp, blk->pid,
			esc_str(&b, blk->comm, utf8));
	}
	free(b.p);
	if (expand && r->stack) {
		for (unsigned i = 0; i < r->stack->nframes; i++)
			text_frame(fp, m, r->stack->frames[i], i == r->stack->caller, sym, utf8);
	} else if (expand && r->group) {
		const struct stack *ex = model_stack(m, model_group_example(m, r->group));

		if (ex)
			fprintf(fp, "%*s%s\n", 20, "", _("(largest stack of the group:)"));
		for (unsigned i = 0; ex && i < ex->nframes; i++)
			text_frame(fp, m, ex->frames[i], i == ex->caller, sym, utf8);
	}
}

void output_text_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t n)
{
	/* text is for the terminal: escaped for what the locale says it shows */
	int utf8 = text_locale_utf8();

	text_header(fp, m, vo, v, TREE_OFF, o->mem, utf8);
	if (o->columns) {
		text_titles(fp, o->columns, m);
		fprintf(fp, "  %s\n", "LABEL");
	} else if (output_is_bytes(m)) {
		fprintf(fp, "%12s %10s %9s %9s %7s %9s %10s %11s %10s %6s %10s  %s\n", "BYTES", "SIZE",
			"CALLS", "AVG", "SHARE", "DELTA", "RATE", "DELTA_BASE", "PEAK", "SCORE",
			"FIRST_SEEN", "LABEL");
	} else {
		fprintf(fp, "%10s %10s %7s %9s %10s %11s %10s %6s %10s  %s\n", "PAGES", "SIZE",
			"SHARE", "DELTA", "RATE", "DELTA_BASE", "PEAK", "SCORE", "FIRST_SEEN",
			"LABEL");
	}
	for (size_t i = 0; i < n; i++)
		text_row(fp, m, v, &v->rows[i], o, utf8);
	fputc('\n', fp);
}

/* ---- the call tree ---- */

/* The numbers of a row or node, as text_row prints them. */
static void text_numbers(FILE *fp, const struct model *m, const struct tree_sum *s)
{
	struct size_first c;

	text_size_first(&c, m, s->now, s->first_seen);
	fprintf(fp, "%10lld %10s %+9lld %+10.1f %+11lld %10lld %6.3f %10s",
		(long long)s->now, c.size, (long long)s->delta, s->rate, (long long)s->delta_base,
		(long long)s->peak, s->score, c.first);
}

/* The same of an allocinfo node: bytes, calls and the share first, as text_row's. */
static void text_numbers_bytes(FILE *fp, const struct model *m, const struct tree_sum *s,
			       int64_t total)
{
	struct size_first c;

	text_size_first(&c, m, s->now, s->first_seen);
	fprintf(fp, "%12lld %10s %9lld %6.2f%% %+9lld %+10.1f %+11lld %10lld %6.3f %10s",
		(long long)s->now, c.size, (long long)s->calls,
		total > 0 ? (double)s->now * 100.0 / (double)total : 0, (long long)s->delta,
		s->rate, (long long)s->delta_base, (long long)s->peak, s->score, c.first);
}

/* Node i and what is printed below it, two columns deeper a level. */
static void text_node(FILE *fp, const struct model *m, const struct tree *t, uint32_t i,
		      const struct out_opts *o, struct esc_buf *b, int utf8)
{
	const struct tree_node *n = &t->nodes[i];
	const uint32_t *kids;
	size_t nk = output_tree_kids(t, i, o, &kids);
	const char *text = tree_node_text(m, n);

	if (o->columns)
		text_cells(fp, o->columns, m, &n->s, t->v.total_pages);
	else if (output_is_bytes(m))
		text_numbers_bytes(fp, m, &n->s, t->v.total_pages);
	else
		text_numbers(fp, m, &n->s);
	fprintf(fp, " %7u  %*s%s\n", n->nstacks, 2 * n->depth, "", esc_str(b, text, utf8));
	if (o->expand && n->frame != TREE_NONE)
		text_frame_sym(fp, text, o->sym, 95 + 2 * n->depth, utf8);
	for (size_t k = 0; k < nk; k++)
		text_node(fp, m, t, kids[k], o, b, utf8);
}

void output_text_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct tree *t, const struct out_opts *o)
{
	int utf8 = text_locale_utf8();
	struct esc_buf b = { NULL, 0 };
	const uint32_t *kids;
	size_t n = output_tree_kids(t, TREE_NONE, o, &kids);

	text_header(fp, m, vo, &t->v, t->mode, o->mem, utf8);
	if (o->columns) {
		text_titles(fp, o->columns, m);
		fprintf(fp, " %7s  %s\n", output_is_bytes(m) ? "SITES" : "STACKS",
			output_is_bytes(m) ? "NODE" : "FRAME");
	} else if (output_is_bytes(m)) {
		fprintf(fp, "%12s %10s %9s %7s %9s %10s %11s %10s %6s %10s %7s  %s\n", "BYTES",
			"SIZE", "CALLS", "SHARE", "DELTA", "RATE", "DELTA_BASE", "PEAK", "SCORE",
			"FIRST_SEEN", "SITES", "NODE");
	} else {
		fprintf(fp, "%10s %10s %9s %10s %11s %10s %6s %10s %7s  %s\n",
			"PAGES", "SIZE", "DELTA", "RATE",
			"DELTA_BASE", "PEAK", "SCORE", "FIRST_SEEN", "STACKS", "FRAME");
	}
	for (size_t k = 0; k < n; k++)
		text_node(fp, m, t, kids[k], o, &b, utf8);
	free(b.p);
	fputc('\n', fp);
}

/* ---- pagetop diff ---- */

/* A change in bytes, with its sign ("-" when the counts are allocations). */
static void diff_delta_bytes(const struct diff_report *r, char *buf, size_t n, int64_t delta)
{
	if (!r->pages) {
		snprintf(buf, n, "-");
		return;
	}
	fmt_bytes(buf + (delta > 0), n - (delta > 0), (double)delta * (double)r->page_size);
	if (delta > 0)
		buf[0] = '+';
}

static void diff_side(FILE *fp, const char *which, const struct diff_input *in, int utf8)
{
	char t[64];
	struct esc_buf b = { NULL, 0 };
	const char *name = esc_str(&b, in->name, utf8);

	output_fmt_time(t, sizeof(t), in->m, model_sample_time(in->m));
	if (in->series && in->nsamples > 0)
		/* TRANSLATORS: A|B: KIND NAME@SAMPLE (INTERFACE), sample SAMPLE of COUNT
		 * (numbered from 0), TIME */
		fprintf(fp, _("%s: %s %s@%u (%s), sample %u of %d, %s\n"), which, in->kind, name,
			in->sample, in->iface, in->sample, in->nsamples, t);
	else if (in->series)
		fprintf(fp, _("%s: %s %s@%u (%s), %s\n"), which, in->kind, name, in->sample,
			in->iface, t);
	else
		/* TRANSLATORS: A|B: KIND NAME (INTERFACE), TIME */
		fprintf(fp, _("%s: %s %s (%s), %s\n"), which, in->kind, name, in->iface, t);
	free(b.p);
}

static void diff_header(FILE *fp, const struct diff_report *r, int utf8)
{
	char a[32], b[32], c[32], cb[32], ab[32], bb[32];
	int64_t ta = r->total_a, tb = r->total_b;

	fprintf(fp, _("pagetop %s - diff\n"), PACKAGE_VERSION);
	diff_side(fp, "A", &r->in[0], utf8);
	diff_side(fp, "B", &r->in[1], utf8);
	fmt_count(a, sizeof(a), ta);
	fmt_count(b, sizeof(b), tb);
	fmt_count(c + 1, sizeof(c) - 1, tb - ta);
	c[0] = '+';
	diff_delta_bytes(r, cb, sizeof(cb), tb - ta);
	if (r->bytes) {
		fmt_bytes(ab, sizeof(ab), (double)ta);
		fmt_bytes(bb, sizeof(bb), (double)tb);
		fprintf(fp, _("Total A %s bytes (%s), B %s bytes (%s), change %s bytes (%s)\n"), a, ab,
			b, bb, tb - ta > 0 ? c : c + 1, cb);
	} else if (r->pages) {
		fmt_bytes(ab, sizeof(ab), (double)ta * (double)r->page_size);
		fmt_bytes(bb, sizeof(bb), (double)tb * (double)r->page_size);
		fprintf(fp, _("Total A %s pages (%s), B %s pages (%s), change %s pages (%s)\n"), a, ab,
			b, bb, tb - ta > 0 ? c : c + 1, cb);
	} else {
		fprintf(fp, _("Total A %s allocations, B %s allocations, change %s (stack_count counts allocations, not pages)\n"),
			a, b, tb - ta > 0 ? c : c + 1);
	}
	fprintf(fp, _("Stacks changed %zu: %zu grew (%zu new), %zu shrank (%zu gone); rows %zu shown\n"),
		r->changed, r->grew, r->added, r->shrank, r->gone, r->nrows);
	fprintf(fp, _("Sort %s %s, frames matched %s%s\n"), r->sort,
		r->ascending ? _("ascending") : _("descending"),
		r->ignore_offsets ? _("by function and module") : _("exactly"),
		r->pages && !r->bytes && r->page_size == 4096 &&
		(!model_meta(r->in[0].m)->page_size_known || !model_meta(r->in[1].m)->page_size_known) ?
		_(", page size unknown: 4096 bytes assumed") : "");
	fputc('\n', fp);
}

void output_text_diff(FILE *fp, const struct diff_report *r)
{
	int utf8 = text_locale_utf8(); /* text is for the terminal */
	struct esc_buf lb = { NULL, 0 };
	char tmp[FRAME_MAX + 80];

	diff_header(fp, r, utf8);
	fprintf(fp, "%10s %10s %10s %11s  %s\n",
		r->bytes ? "BYTES_A" : r->pages ? "PAGES_A" : "ALLOCS_A",
		r->bytes ? "BYTES_B" : r->pages ? "PAGES_B" : "ALLOCS_B", "CHANGE", "SIZE", "LABEL");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct diff_row *e = r->rows[i];
		const struct model *m;
		const struct stack *st = diff_row_stack(r, e, &m);
		char sz[32];

		diff_delta_bytes(r, sz, sizeof(sz), e->b - e->a);
		fprintf(fp, "%10lld %10lld %+10lld %11s  %s\n", (long long)e->a, (long long)e->b,
			(long long)(e->b - e->a), sz, esc_str(&lb, diff_row_label(r, e), utf8));
		for (unsigned k = 0; r->expand && k < st->nframes; k++) {
			size_t len;
			const char *f = frame_strip_if(model_frame(m, st->frames[k]),
						       r->ignore_offsets, tmp, sizeof(tmp), &len);

			text_frame_line(fp, 45, k == st->caller, f, len, utf8);
		}
	}
	free(lb.p);
}
