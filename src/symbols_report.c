/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_report.c - the debug-info report of --check-symbols and the UI's panel. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "symbols_report.h"

const char *sym_obj_state_name(enum sym_obj_state st)
{
	switch (st) {
	case SOBJ_UNUSED: return _("pending");
	case SOBJ_OK: return _("ok");
	case SOBJ_UNCHECKED: return _("unchecked");
	case SOBJ_MISSING: return _("missing");
	case SOBJ_MISMATCH: return _("mismatch");
	case SOBJ_NO_DWARF: return _("stripped");
	case SOBJ_BAD: return _("unreadable");
	}
	return "?";
}

static struct sym_report_obj *obj_of(struct sym_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].obj.name, name) == 0)
			return &r->v[i];
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	snprintf(r->v[r->n].obj.name, sizeof(r->v[r->n].obj.name), "%s", name);
	return &r->v[r->n++];
}

static int cmp_obj(const void *a, const void *b)
{
	const struct sym_report_obj *x = a, *y = b;
	int xv = strcmp(x->obj.name, "vmlinux") == 0, yv = strcmp(y->obj.name, "vmlinux") == 0;

	if (xv != yv)
		return yv - xv;
	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return strcmp(x->obj.name, y->obj.name);
}

void symbols_report_build(struct symbols *s, const struct model *m, int wait,
			  struct sym_report *r)
{
	size_t ns = model_nstacks(m), nobj;
	struct sym_object *objs;
	char (*seen)[64] = xcalloc(64, sizeof(*seen));

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < ns; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		size_t nseen = 0;
		int raw = 0;

		if (!st)
			continue;
		r->total_pages += st->s.now;
		for (unsigned k = 0; k < st->nframes; k++) {
			const char *f = model_frame(m, st->frames[k]);
			char name[64];
			size_t j;

			symbols_request(s, f, strlen(f));
			if (symbols_frame_object(f, strlen(f), name, sizeof(name)) < 0) {
				raw = 1;
				continue;
			}
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j], name) == 0)
					break;
			if (j == nseen && nseen < 64) {
				struct sym_report_obj *o = obj_of(r, name);

				snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
				o->pages += st->s.now;
				o->stacks++;
			}
		}
		if (raw) {
			r->raw_pages += st->s.now;
			r->raw_stacks++;
		}
	}
	free(seen);
	if (wait)
		symbols_wait(s);
	nobj = symbols_objects(s, &objs);
	for (size_t i = 0; i < nobj; i++) {
		struct sym_report_obj *o = obj_of(r, objs[i].name);
		int64_t pages = o->pages;
		uint64_t stacks = o->stacks;

		o->obj = objs[i];
		o->pages = pages;
		o->stacks = stacks;
		r->frames += objs[i].frames;
		r->resolved += objs[i].resolved;
		symbols_advice(s, &o->obj, o->advice, sizeof(o->advice));
	}
	free(objs);
	{
		struct symbols_progress p;

		symbols_progress(s, &p);
		r->answered = p.answered;
	}
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_obj);
}

void symbols_report_free(struct sym_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int symbols_report_usable(const struct sym_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].pages > 0 && r->v[i].obj.state != SOBJ_OK &&
		    r->v[i].obj.state != SOBJ_UNCHECKED)
			return 0;
	return 1;
}

int symbols_report_print(FILE *fp, const struct sym_report *r)
{
	char pages[32], tot[32];
	/* module names come from the frames, paths and reasons may quote them */
	int utf8 = text_locale_utf8();
	struct esc_buf b[2] = { { NULL, 0 }, { NULL, 0 } };

	fmt_count(tot, sizeof(tot), r->total_pages);
	fprintf(fp, _("Debug info for the frames of %zu objects (%s pages in all):\n"), r->n, tot);
	fprintf(fp, "%-16s %-10s %12s %8s %8s  %s\n", _("OBJECT"), _("STATE"), _("PAGES"),
		_("FRAMES"), _("LINES"), _("FILE"));
	for (size_t i = 0; i < r->n; i++) {
		const struct sym_report_obj *o = &r->v[i];

		fmt_count(pages, sizeof(pages), o->pages);
		fprintf(fp, "%-16s %-10s %12s %8llu %8llu  %s\n", esc_str(&b[0], o->obj.name, utf8),
			sym_obj_state_name(o->obj.state), pages, (unsigned long long)o->obj.frames,
			(unsigned long long)o->obj.resolved,
			*o->obj.path ? esc_str(&b[1], o->obj.path, utf8) : "-");
		if (*o->obj.reason)
			fprintf(fp, "%16s %s\n", "", esc_str(&b[0], o->obj.reason, utf8));
		if (*o->advice)
			fprintf(fp, "%16s %s\n", "", esc_str(&b[0], o->advice, utf8));
	}
	free(b[0].p);
	free(b[1].p);
	if (r->raw_stacks) {
		fmt_count(pages, sizeof(pages), r->raw_pages);
		fprintf(fp, _("%llu stacks (%s pages) have bare addresses: the kernel could not name those frames when it printed them (unloaded modules); they stay raw.\n"),
			(unsigned long long)r->raw_stacks, pages);
	}
	fprintf(fp, _("%llu of %llu frames resolved to source lines.\n"),
		(unsigned long long)r->resolved, (unsigned long long)r->frames);
	return ferror(fp) ? -1 : 0;
}
