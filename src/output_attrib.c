/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_attrib.c - the per-block dump's blocks grouped by who, how and since when
 * (model_attrib.h), as text, CSV or JSON; doc/formats.md documents them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gettext.h"
#include "output_attrib.h"

#define _(s) gettext(s)

static const char *sort_name(const struct attrib_opts *o)
{
	static const char *const names[] = { "pages", "blocks", "key", "order" };

	return names[o->sort];
}

static void text_header(FILE *fp, const struct model *m, const struct attrib_opts *ao,
			const struct attr_view *v, double now, int utf8)
{
	const struct source_meta *mt = model_meta(m);
	char tbuf[64], n1[32], n2[32], n3[32], n4[32], b1[32], b2[32];
	struct esc_buf nb = { NULL, 0 };
	enum attr_key k1 = ao->keys[0] == AK_NONE ? AK_STACK : ao->keys[0];
	double ps = (double)model_page_size(m);

	output_fmt_time(tbuf, sizeof(tbuf), m, model_sample_time(m));
	/* TRANSLATORS: pagetop VERSION - KIND NAME (INTERFACE), sample K, TIME */
	fprintf(fp, _("pagetop %s - %s %s (%s), sample %u, %s\n"), PACKAGE_VERSION,
		mt->kind ? mt->kind : "", mt->name ? esc_str(&nb, mt->name, utf8) : "",
		iface_name(mt->iface), model_nsamples(m), tbuf);
	free(nb.p);
	fmt_count(n1, sizeof(n1), (int64_t)v->blocks);
	fmt_count(n2, sizeof(n2), (int64_t)v->pages);
	fmt_count(n3, sizeof(n3), (int64_t)v->all_blocks);
	fmt_count(n4, sizeof(n4), (int64_t)v->all_pages);
	fmt_bytes(b1, sizeof(b1), (double)v->pages * ps);
	fmt_bytes(b2, sizeof(b2), (double)v->all_pages * ps);
	fprintf(fp, _("Selected %s blocks, %s pages (%s) of %s blocks, %s pages (%s); groups %zu\n"),
		n1, n2, b1, n3, n4, b2, v->ngroups);
	fprintf(fp, _("Group %s%s%s, sort %s %s"), attr_key_name(k1),
		ao->keys[1] != AK_NONE ? "," : "",
		ao->keys[1] != AK_NONE ? attr_key_name(ao->keys[1]) : "", sort_name(ao),
		ao->ascending ? _("ascending") : _("descending"));
	if (now >= 0)
		fprintf(fp, _(", read at %.1f s since boot"), now);
	if (!mt->page_size_known)
		fputs(_(", page size unknown: 4096 bytes assumed"), fp);
	fputc('\n', fp);
}

static void text_frames(FILE *fp, const struct model *m, uint32_t id, int utf8)
{
	const struct stack *st = model_stack(m, id);
	struct esc_buf b = { NULL, 0 };

	for (unsigned k = 0; st && k < st->nframes; k++)
		fprintf(fp, "%45s%s %s\n", "", k == st->caller ? ">" : " ",
			esc_str(&b, model_frame(m, st->frames[k]), utf8));
	free(b.p);
}

static void text_rows(FILE *fp, const struct model *m, const struct attrib_opts *ao,
		      const struct attr_view *v, const struct out_opts *o, double now)
{
	int utf8 = text_locale_utf8();
	struct esc_buf b = { NULL, 0 };
	double ps = (double)model_page_size(m);

	text_header(fp, m, ao, v, now, utf8);
	fprintf(fp, "%10s %10s %10s %9s  %s\n", "PAGES", "SIZE", "BLOCKS", "AVG_ORDER",
		"LABEL");
	for (size_t i = 0; i < v->nrows; i++) {
		const struct attr_row *r = &v->rows[i];
		char size[32];

		fmt_bytes(size, sizeof(size), (double)r->pages * ps);
		fprintf(fp, "%10llu %10s %10llu %9.2f  %*s%s\n", (unsigned long long)r->pages, size,
			(unsigned long long)r->blocks,
			r->blocks ? (double)r->order_sum / (double)r->blocks : 0.0, 2 * r->level, "",
			esc_str(&b, r->label, utf8));
		if (o->expand && r->stack != UINT32_MAX)
			text_frames(fp, m, r->stack, utf8);
	}
	fputc('\n', fp);
	free(b.p);
}

static void csv_rows(FILE *fp, const struct model *m, const struct attrib_opts *ao,
		     const struct attr_view *v)
{
	enum attr_key k1 = ao->keys[0] == AK_NONE ? AK_STACK : ao->keys[0];
	const char *parent = "";
	long ps = model_page_size(m);

	for (size_t i = 0; i < v->nrows; i++) {
		const struct attr_row *r = &v->rows[i];

		if (r->level == 0)
			parent = r->label;
		fprintf(fp, "%u,%s,\"", model_nsamples(m) - 1,
			attr_key_name(r->level ? ao->keys[1] : k1));
		output_csv_body(fp, r->level ? parent : r->label);
		fputs("\",\"", fp);
		if (r->level)
			output_csv_body(fp, r->label);
		fprintf(fp, "\",%llu,%lld,%llu,%.3f\n", (unsigned long long)r->pages,
			sat_mul((long long)r->pages, ps), (unsigned long long)r->blocks,
			r->blocks ? (double)r->order_sum / (double)r->blocks : 0.0);
	}
}

static void json_row(FILE *fp, const struct model *m, const struct attr_row *r)
{
	fputs("{\"label\":", fp);
	output_json_str(fp, r->label);
	fprintf(fp, ",\"pages\":%llu,\"bytes\":%lld,\"blocks\":%llu,\"avg_order\":%.3f",
		(unsigned long long)r->pages,
		sat_mul((long long)r->pages, model_page_size(m)), (unsigned long long)r->blocks,
		r->blocks ? (double)r->order_sum / (double)r->blocks : 0.0);
	if (r->stack != UINT32_MAX)
		fprintf(fp, ",\"stack\":%u", r->stack);
}

static void json_rows(FILE *fp, const struct model *m, const struct attrib_opts *ao,
		      const struct attr_view *v, double now)
{
	enum attr_key k1 = ao->keys[0] == AK_NONE ? AK_STACK : ao->keys[0];
	int open = 0;

	fprintf(fp, "{\"sample\":%u,\"time\":%.3f,\"blocks\":%llu,\"pages\":%llu,"
		"\"selected_blocks\":%llu,\"selected_pages\":%llu,\"group\":[\"%s\"",
		model_nsamples(m) - 1, model_sample_time(m), (unsigned long long)v->all_blocks,
		(unsigned long long)v->all_pages, (unsigned long long)v->blocks,
		(unsigned long long)v->pages, attr_key_name(k1));
	if (ao->keys[1] != AK_NONE)
		fprintf(fp, ",\"%s\"", attr_key_name(ao->keys[1]));
	fputs("]", fp);
	if (now >= 0)
		fprintf(fp, ",\"now\":%.3f", now);
	fputs(",\"rows\":[", fp);
	for (size_t i = 0; i < v->nrows; i++) {
		const struct attr_row *r = &v->rows[i];

		if (r->level == 0) {
			if (open)
				fputs(ao->keys[1] != AK_NONE ? "]}," : "},", fp);
			json_row(fp, m, r);
			if (ao->keys[1] != AK_NONE)
				fputs(",\"rows\":[", fp);
			open = 1;
			continue;
		}
		if (i && v->rows[i - 1].level == 1)
			fputc(',', fp);
		json_row(fp, m, r);
		fputc('}', fp);
	}
	if (open)
		fputs(ao->keys[1] != AK_NONE ? "]}" : "}", fp);
	fputs("]}\n", fp);
}

int output_attrib_begin(FILE *fp, const struct out_opts *o)
{
	if (o->format == OUT_CSV)
		fputs("sample,key,value,value2,pages,bytes,blocks,avg_order\n", fp);
	return ferror(fp) ? -1 : 0;
}

int output_attrib(FILE *fp, const struct model *m, const struct attrib_opts *ao,
		  const struct attr_view *v, const struct out_opts *o, double now)
{
	switch (o->format) {
	case OUT_CSV:
		csv_rows(fp, m, ao, v);
		break;
	case OUT_JSON:
		json_rows(fp, m, ao, v, now);
		break;
	default:
		text_rows(fp, m, ao, v, o, now);
		break;
	}
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
