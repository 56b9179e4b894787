/* output.c - batch output: text like top -b, CSV, JSON lines, folded stacks.
 *
 * Column names are the sort keys (model.h): pages, bytes, delta, rate, delta_base, peak,
 * score, first_seen, label. doc/formats.md documents CSV and JSON. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "output.h"

int out_format_parse(const char *s, enum out_format *f)
{
	static const char *const names[] = { "text", "csv", "json", "folded" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

static int is_pages(const struct model *m)
{
	return model_meta(m)->unit == UNIT_PAGES;
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

/* ---- text ---- */

static void text_header(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, int utf8)
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
	if (is_pages(m)) {
		fmt_bytes(bytes, sizeof(bytes), (double)v->total_pages * (double)model_page_size(m));
		fprintf(fp, _("Total %s pages (%s), change %s%s, %+.1f/s, since baseline %s%s; rows %zu shown / %zu\n"),
			tot, bytes, v->total_delta > 0 ? "+" : "", d, v->total_rate,
			v->total_delta_base > 0 ? "+" : "", db, v->shown, v->total_rows);
	} else {
		fprintf(fp, _("Total %s allocations (stack_count counts allocations, not pages), change %s%s; rows %zu shown / %zu\n"),
			tot, v->total_delta > 0 ? "+" : "", d, v->shown, v->total_rows);
	}
	fprintf(fp, _("Sort %s %s, group %s, threshold %lld%s\n"), sort_key_name(vo->key),
		vo->ascending ? _("ascending") : _("descending"), group_name(vo->group),
		(long long)vo->threshold,
		mt->page_size_known || !is_pages(m) ? "" : _(", page size unknown: 4096 bytes assumed"));
}

/* A frame and, resolved, its source lines: the innermost function first, then the
 * functions it was inlined into, as eu-addr2line --pretty-print -i shows them. */
static void text_frame(FILE *fp, const struct model *m, uint32_t frame, int caller,
		       struct symbols *sym, int utf8)
{
	const char *text = model_frame(m, frame);
	const struct sym_result *r;
	struct esc_buf b[2] = { { NULL, 0 }, { NULL, 0 } };

	fprintf(fp, "%*s%s %s\n", 20, "", caller ? ">" : " ", esc_str(&b[0], text, utf8));
	if (!sym || !(r = symbols_lookup(sym, text, strlen(text)))) {
		free(b[0].p);
		return;
	}
	if (r->status == SYM_OK) {
		for (unsigned i = 0; i < r->nframes; i++) {
			const struct sym_frame *f = &r->frames[i];

			fprintf(fp, "%*s%s%s (%s:%u)\n", 24, "", i ? _("(inlined by) ") : "",
				f->function ? esc_str(&b[0], f->function, utf8) : "??",
				f->short_file ? esc_str(&b[1], f->short_file, utf8) : "??", f->line);
			if (f->source) {
				const char *src = f->source;

				while (*src == ' ' || *src == '\t')
					src++;
				fprintf(fp, "%*s| %s\n", 26, "", esc_str(&b[0], src, utf8));
			}
		}
	} else if (r->status == SYM_AMBIGUOUS || r->status == SYM_NO_SYMBOL ||
		   r->status == SYM_NO_LINE) {
		fprintf(fp, "%*s(%s)\n", 24, "", esc_str(&b[0], r->reason, utf8));
	}
	/* raw frames and objects without debug info: the warning says it once */
	free(b[0].p);
	free(b[1].p);
}

static void text_row(FILE *fp, const struct model *m, const struct row *r, int expand,
		     struct symbols *sym, int utf8)
{
	const struct series *s = r->s;
	char size[32], first[32];
	struct esc_buf b = { NULL, 0 };

	if (is_pages(m))
		fmt_bytes(size, sizeof(size), (double)s->now * (double)model_page_size(m));
	else
		snprintf(size, sizeof(size), "-");
	snprintf(first, sizeof(first), "%+.1f",
		 model_time_at(m, s->first_seen) - model_first_time(m));
	fprintf(fp, "%10lld %10s %+9lld %+10.1f %+11lld %10lld %6.3f %10s  %s\n",
		(long long)s->now, size, (long long)s->delta, s->rate, (long long)s->delta_base,
		(long long)s->peak, s->score, first, esc_str(&b, model_label(m, r->label), utf8));
	if (expand && r->stack && r->stack->blk) {
		const struct block_summary *blk = r->stack->blk;
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
		const struct stack *ex = model_stack(m, r->group->example);

		fprintf(fp, "%*s%s\n", 20, "", _("(largest stack of the group:)"));
		for (unsigned i = 0; ex && i < ex->nframes; i++)
			text_frame(fp, m, ex->frames[i], i == ex->caller, sym, utf8);
	}
}

/* ---- csv ---- */

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

static double time_of(const struct model *m, uint32_t sample)
{
	return model_time_at(m, sample);
}

static void csv_row(FILE *fp, const struct model *m, const struct row *r, int expand)
{
	const struct series *s = r->s;

	fprintf(fp, "%u,%.3f,", model_nsamples(m) - 1, model_sample_time(m));
	if (r->stack)
		fprintf(fp, "%u,%llu,", r->stack->id, (unsigned long long)r->stack->handle);
	else
		fputs(",,", fp);
	fprintf(fp, "%lld,", (long long)s->now);
	if (is_pages(m))
		fprintf(fp, "%lld", sat_mul(s->now, model_page_size(m)));
	fprintf(fp, ",%lld,%.3f,%lld,%lld,%.4f,%.3f,", (long long)s->delta, s->rate,
		(long long)s->delta_base, (long long)s->peak, s->score,
		time_of(m, s->first_seen));
	csv_str(fp, model_label(m, r->label));
	if (expand) {
		char *joined = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&joined, &len);

		if (mf) {
			for (unsigned i = 0; r->stack && i < r->stack->nframes; i++)
				fprintf(mf, "%s%s", i ? ";" : "", model_frame(m, r->stack->frames[i]));
			fclose(mf);
			fputc(',', fp);
			csv_str(fp, joined ? joined : "");
			free(joined);
		}
	}
	fputc('\n', fp);
}

/* ---- json ---- */

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

static void json_frames(FILE *fp, const struct model *m, const struct stack *st,
			struct symbols *sym)
{
	fputs(",\"frames\":[", fp);
	for (unsigned i = 0; st && i < st->nframes; i++) {
		fputs(i ? ",{\"text\":" : "{\"text\":", fp);
		output_json_str(fp, model_frame(m, st->frames[i]));
		fprintf(fp, ",\"caller\":%s,\"allocator\":%s", i == st->caller ? "true" : "false",
			model_frame_is_alloc(m, st->frames[i]) ? "true" : "false");
		if (sym)
			json_symbols(fp, model_frame(m, st->frames[i]), sym);
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void json_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			const struct view *v, const struct out_opts *o, size_t nrows)
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
	fprintf(fp, "},\"unit\":\"%s\",\"page_size\":%ld,\"page_size_known\":%s,",
		is_pages(m) ? "pages" : "allocations", ps, mt->page_size_known ? "true" : "false");
	fprintf(fp, "\"group\":\"%s\",\"sort\":\"%s\",\"ascending\":%s,\"threshold\":%lld,",
		group_name(vo->group), sort_key_name(vo->key), vo->ascending ? "true" : "false",
		(long long)vo->threshold);
	fprintf(fp, "\"total\":{\"pages\":%lld,\"bytes\":", (long long)v->total_pages);
	if (is_pages(m))
		fprintf(fp, "%lld", sat_mul(v->total_pages, ps));
	else
		fputs("null", fp);
	fprintf(fp, ",\"delta\":%lld,\"rate\":", (long long)v->total_delta);
	json_num(fp, v->total_rate);
	fprintf(fp, ",\"delta_base\":%lld},\"rows_shown\":%zu,\"rows_total\":%zu",
		(long long)v->total_delta_base, v->shown, v->total_rows);
	if (fail)
		fprintf(fp, ",\"failure_pages\":%lld", (long long)fail->s.now);
	fputs(",\"rows\":[", fp);
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &v->rows[i];
		const struct series *s = r->s;

		fputs(i ? ",{" : "{", fp);
		if (r->stack)
			fprintf(fp, "\"id\":%u,\"handle\":%llu,\"kind\":\"%s\",", r->stack->id,
				(unsigned long long)r->stack->handle,
				(const char *[]){ "normal", "dummy", "failure", "early" }[r->stack->kind & 3]);
		fprintf(fp, "\"pages\":%lld,\"bytes\":", (long long)s->now);
		if (is_pages(m))
			fprintf(fp, "%lld", sat_mul(s->now, ps));
		else
			fputs("null", fp);
		fprintf(fp, ",\"delta\":%lld,\"rate\":", (long long)s->delta);
		json_num(fp, s->rate);
		fprintf(fp, ",\"delta_base\":%lld,\"peak\":%lld,\"score\":", (long long)s->delta_base,
			(long long)s->peak);
		json_num(fp, s->score);
		fputs(",\"first_seen\":", fp);
		json_time(fp, time_of(m, s->first_seen));
		fputs(",\"label\":", fp);
		output_json_str(fp, model_label(m, r->label));
		if (r->stack && r->stack->blk) {
			const struct block_summary *b = r->stack->blk;

			fprintf(fp, ",\"blocks\":{\"count\":%llu,\"orders\":%u,\"gfp\":%u,\"pid\":%d,\"comm\":",
				(unsigned long long)b->nblocks, b->orders, b->gfp, b->pid);
			output_json_str(fp, b->comm);
			fputc('}', fp);
		}
		if (o->expand)
			json_frames(fp, m, r->stack ? r->stack : r->group ? model_stack(m, r->group->example) : NULL,
				    o->sym);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}

/* ---- folded ---- */

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

int output_begin(FILE *fp, const struct model *m, const struct out_opts *o)
{
	(void)m;
	if (o->format == OUT_CSV) {
		fputs("sample,time,id,handle,pages,bytes,delta,rate,delta_base,peak,score,first_seen,label", fp);
		if (o->expand)
			fputs(",frames", fp);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

int output_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
		  const struct view *v, const struct out_opts *o)
{
	size_t n = o->limit && o->limit < v->nrows ? o->limit : v->nrows;

	if (o->expand && o->sym && (o->format == OUT_TEXT || o->format == OUT_JSON)) {
		/* ask for every frame shown, then wait: batch output prints answers */
		for (size_t i = 0; i < n; i++) {
			const struct row *r = &v->rows[i];
			const struct stack *st = r->stack ? r->stack
					       : r->group ? model_stack(m, r->group->example) : NULL;

			for (unsigned k = 0; st && k < st->nframes; k++) {
				const char *f = model_frame(m, st->frames[k]);

				symbols_request(o->sym, f, strlen(f));
			}
		}
		symbols_wait(o->sym);
	}

	switch (o->format) {
	case OUT_TEXT: {
		/* text is for the terminal: escaped for what the locale says it shows */
		int utf8 = text_locale_utf8();

		text_header(fp, m, vo, v, utf8);
		fprintf(fp, "%10s %10s %9s %10s %11s %10s %6s %10s  %s\n", "PAGES", "SIZE", "DELTA",
			"RATE", "DELTA_BASE", "PEAK", "SCORE", "FIRST_SEEN", "LABEL");
		for (size_t i = 0; i < n; i++)
			text_row(fp, m, &v->rows[i], o->expand, o->sym, utf8);
		fputc('\n', fp);
		break;
	}
	case OUT_CSV:
		for (size_t i = 0; i < n; i++)
			csv_row(fp, m, &v->rows[i], o->expand);
		break;
	case OUT_JSON:
		json_sample(fp, m, vo, v, o, n);
		break;
	case OUT_FOLDED:
		for (size_t i = 0; i < n; i++)
			folded_row(fp, m, &v->rows[i]);
		break;
	}
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}
