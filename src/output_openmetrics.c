/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_openmetrics.c - one sample as the OpenMetrics text format (doc/formats.md), for
 * Prometheus and the node exporter's textfile collector.
 *
 * A series per row, with labels that stay the same across samples, boots and hosts: the
 * caller's function and module (a module's build id dropped), and for stack rows a stack
 * id that hashes the frames without their offsets. Gauges only: the TSDB derives rates.
 * The rows past --limit are summed in one series whose label is "(other)". */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "output_int.h"

/* A label value: UTF-8 with controls escaped (esc_str()), then the format's escapes
 * (backslash, quote, newline). */
static void om_value(FILE *fp, const char *s, size_t n)
{
	struct esc_buf b = { NULL, 0 };
	char *tmp = xmalloc(n + 1);

	memcpy(tmp, s, n);
	tmp[n] = 0;
	for (s = esc_str(&b, tmp, 1); *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
	free(b.p);
	free(tmp);
}

static void om_label(FILE *fp, int *first, const char *name, const char *v, size_t n)
{
	fprintf(fp, "%s%s=\"", *first ? "" : ",", name);
	om_value(fp, v, n);
	fputc('"', fp);
	*first = 0;
}

/* "name [module build-id]" into the name and the module's name ("" without one). */
static void split_label(const char *l, size_t *name_len, const char **mod, size_t *mod_len)
{
	const char *br = strstr(l, " [");
	size_t len = strlen(l);

	*mod = "";
	*mod_len = 0;
	*name_len = len;
	if (br && len > 2 && l[len - 1] == ']' && !strchr(br + 2, '[')) {
		const char *sp = memchr(br + 2, ' ', (size_t)(l + len - 1 - (br + 2)));

		*name_len = (size_t)(br - l);
		*mod = br + 2;
		*mod_len = (size_t)((sp ? sp : l + len - 1) - *mod);
	}
}

/* The stack id: a hash of the frames without offsets and build ids, 16 hex digits. */
static uint64_t stack_id(const struct model *m, const struct stack *st)
{
	char tmp[FRAME_MAX + 80];
	uint64_t h = hash_bytes("pagetop-stack", 13, 0);

	for (unsigned i = 0; i < st->nframes; i++) {
		const char *f = model_frame(m, st->frames[i]);
		size_t len = frame_strip(f, strlen(f), tmp, sizeof(tmp));

		h = hash_bytes(tmp, len, h);
	}
	return h ^ st->kind;
}

/* The labels of a row, in braces. */
static void om_labels(FILE *fp, const struct model *m, const struct view_opts *vo,
		      const struct row *r)
{
	const char *l = r ? model_label(m, r->label) : "(other)";
	const char *mod;
	size_t nl, ml;
	int first = 1;

	fputc('{', fp);
	if (vo->group == GROUP_MODULE || vo->group == GROUP_FILE || vo->group == GROUP_DIR) {
		om_label(fp, &first, group_name(vo->group), l, strlen(l));
	} else if (!r) {
		om_label(fp, &first, vo->group == GROUP_FUNCTION ? "function" : "caller", l,
			 strlen(l));
	} else {
		split_label(l, &nl, &mod, &ml);
		om_label(fp, &first, vo->group == GROUP_FUNCTION ? "function" : "caller", l, nl);
		if (!ml)
			mod = "vmlinux", ml = 7;
		om_label(fp, &first, "module", mod, ml);
		if (vo->group == GROUP_STACK) {
			char id[24] = "";

			if (r->stack)
				snprintf(id, sizeof(id), "%016" PRIx64, stack_id(m, r->stack));
			om_label(fp, &first, "stack", id, strlen(id));
		}
	}
	fputc('}', fp);
}

static void om_family(FILE *fp, const char *name, const char *unit, const char *help)
{
	fprintf(fp, "# TYPE %s gauge\n", name);
	if (unit)
		fprintf(fp, "# UNIT %s %s\n", name, unit);
	fprintf(fp, "# HELP %s %s\n", name, help);
}

/* A row's series: its labels as text, and its count (rows with the same labels, stacks
 * that differ only in offsets, add up: a series is once in a sample). */
struct om_row {
	char *labels;
	int64_t count;
	size_t order;
	int dup;
};

static int cmp_om(const void *x, const void *y)
{
	const struct om_row *a = x, *b = y;
	int c = strcmp(a->labels, b->labels);

	return c ? c : a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_order(const void *x, const void *y)
{
	const struct om_row *a = x, *b = y;

	return a->order < b->order ? -1 : a->order > b->order;
}

/* The rows' series, merged, in the view's order; the (other) series last when rows were
 * left out. *nr set. */
static struct om_row *om_rows(const struct model *m, const struct view_opts *vo,
			      const struct view *v, size_t n, size_t *nr)
{
	struct om_row *r = xcalloc(n + 1, sizeof(*r));
	int64_t sum = 0;
	size_t k = 0;

	for (size_t i = 0; i <= n; i++) {
		size_t len;
		FILE *f;

		if (i == n && n >= v->shown)
			break;
		f = open_memstream(&r[k].labels, &len);
		if (!f)
			die("%s", _("out of memory"));
		om_labels(f, m, vo, i < n ? &v->rows[i] : NULL);
		fclose(f);
		r[k].count = i < n ? v->rows[i].s->now : v->shown_pages - sum;
		if (i < n)
			sum = sat_add(sum, r[k].count);
		r[k].order = k;
		k++;
	}
	qsort(r, k, sizeof(*r), cmp_om);
	for (size_t i = 1, head = 0; i < k; i++) {
		if (strcmp(r[i].labels, r[head].labels) == 0) {
			r[head].count = sat_add(r[head].count, r[i].count);
			r[i].dup = 1;
		} else {
			head = i;
		}
	}
	qsort(r, k, sizeof(*r), cmp_order);
	*nr = k;
	return r;
}

/* The system's counters (/proc/meminfo) of the sample, when known. */
static void om_meminfo(FILE *fp, const struct meminfo *mem)
{
	static const struct {
		const char *name, *help;
	} f[] = {
		{ "pagetop_system_mem_total_bytes", "MemTotal of /proc/meminfo." },
		{ "pagetop_system_mem_available_bytes", "MemAvailable of /proc/meminfo." },
		{ "pagetop_system_mem_in_use_bytes", "Memory in use: MemTotal minus MemAvailable." },
		{ "pagetop_system_slab_bytes", "Slab of /proc/meminfo." },
		{ "pagetop_system_page_tables_bytes", "PageTables of /proc/meminfo." },
	};
	uint64_t v[5];

	if (!mem || !mem->valid)
		return;
	v[0] = mem->total;
	v[1] = mem->available;
	v[2] = meminfo_in_use(mem);
	v[3] = mem->slab;
	v[4] = mem->page_tables;
	for (size_t i = 0; i < 5; i++) {
		om_family(fp, f[i].name, "bytes", f[i].help);
		fprintf(fp, "%s %" PRIu64 "\n", f[i].name, v[i]);
	}
}

void output_openmetrics_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
			       const struct view *v, const struct meminfo *mem, size_t n)
{
	int pages = output_is_pages(m), bytes = output_is_bytes(m);
	long ps = model_page_size(m);
	const char *fam = pages ? "pagetop_pages" : bytes ? "pagetop_bytes" : "pagetop_allocations";
	const struct stack *fs = model_special(m, SK_FAILURE);
	size_t nstacks = 0, nr;
	struct om_row *r = om_rows(m, vo, v, n, &nr);

	for (int b = 0; b < 1 + pages; b++) {
		const char *name = b ? "pagetop_bytes" : fam;

		if (b)
			om_family(fp, name, "bytes", "Bytes of the pages held by the row's stacks.");
		else if (bytes)
			om_family(fp, name, "bytes", "Bytes held by the row's call sites (allocinfo).");
		else if (pages)
			om_family(fp, name, "pages", "Pages held by the row's stacks.");
		else
			om_family(fp, name, NULL, "Allocations counted for the row's stacks.");
		for (size_t i = 0; i < nr; i++)
			if (!r[i].dup)
				fprintf(fp, "%s%s %lld\n", name, r[i].labels,
					(long long)(b ? sat_mul(r[i].count, ps) : r[i].count));
	}
	for (size_t i = 0; i < nr; i++)
		free(r[i].labels);
	free(r);
	for (size_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *st = model_stack(m, (uint32_t)id);

		nstacks += st && st->s.now > 0;
	}
	if (pages) {
		om_family(fp, "pagetop_total_pages", "pages", "Pages held by all stacks.");
		fprintf(fp, "pagetop_total_pages %lld\n", (long long)v->total_pages);
		om_family(fp, "pagetop_total_bytes", "bytes", "Bytes of the pages held by all stacks.");
		fprintf(fp, "pagetop_total_bytes %lld\n", sat_mul(v->total_pages, ps));
		om_family(fp, "pagetop_failure_pages", "pages",
			  "Pages whose stack the kernel could not save (stacks being lost).");
		fprintf(fp, "pagetop_failure_pages %lld\n", (long long)(fs ? fs->s.now : 0));
	} else if (bytes) {
		om_family(fp, "pagetop_total_bytes", "bytes", "Bytes held by all call sites (allocinfo).");
		fprintf(fp, "pagetop_total_bytes %lld\n", (long long)v->total_pages);
		om_family(fp, "pagetop_total_calls", NULL, "Allocations held by all call sites (allocinfo).");
		fprintf(fp, "pagetop_total_calls %lld\n", (long long)v->total_calls);
	} else {
		om_family(fp, "pagetop_total_allocations", NULL, "Allocations counted for all stacks.");
		fprintf(fp, "pagetop_total_allocations %lld\n", (long long)v->total_pages);
	}
	if (bytes) {
		om_family(fp, "pagetop_call_sites", NULL, "Call sites holding bytes.");
		fprintf(fp, "pagetop_call_sites %zu\n", nstacks);
	} else {
		om_family(fp, "pagetop_stacks", NULL, "Stacks holding pages.");
		fprintf(fp, "pagetop_stacks %zu\n", nstacks);
	}
	om_meminfo(fp, mem);
	fputs("# EOF\n", fp);
}
