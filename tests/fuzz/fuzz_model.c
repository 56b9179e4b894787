/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_model.c - what a recording means, not only whether it parses: a recording is fed
 * through the recording source into the model, and after every sample the model must
 * agree with the recording and with itself:
 * - its total is the sum of the counts the recording gives at that sample (a small
 *   interpreter of the format here, independent of source_recording.c: "c" lines apply
 *   at "e");
 * - every stack the recording defines with a handle is the model's stack of that handle,
 *   with its number of frames and its first frame (no two stacks taken for one);
 * - no stack or group has negative pages, a peak below its count, a delta that is not
 *   count - previous count, a rate or score that is not finite (and the score in 0..1);
 * - every group's count is the sum of its member stacks' counts, and its number of
 *   members with pages is theirs, in each group mode;
 * - model_view() in every group mode, by every sort key, both ways, gives its rows in
 *   that order, the view's total is the stacks' sum, and the first rows are the same with
 *   a row limit and with top_only (216 views: after the first FULL_SAMPLES samples, every
 *   FULL_EVERY-th and the last; the others by pages only);
 * - the call trees, kept from sample to sample as the UI and batch mode keep them: the
 *   roots add up to the total, each node's numbers are its children's and its own
 *   stacks' sums, and they are those of a tree built anew (same nodes, same order).
 * Overflows show up as UBSan reports in the fuzzing build. */
#include "config.h"

#include <math.h>

#include "fuzz.h"
#include "model_tree.h"

#define MAX_SAMPLES 4096
#define FULL_SAMPLES 4
#define FULL_EVERY 16

/* ---- the recording's meaning, read here on its own ---- */

struct def {
	uint64_t id, handle, nframes;
	const char *first;      /* its first frame's text, or NULL */
	size_t first_len;
};

struct shadow {
	const char *p, *end;    /* what is left to read */
	uint64_t *cur;          /* count by stack id */
	uint8_t *fed;           /* by stack id: had a count (the model has it from then on) */
	size_t ncur;
	struct { uint64_t id, count; } *ch;
	size_t nch, cch;
	struct def *defs;       /* stacks defined with a handle */
	size_t ndefs, cdefs;
	int want_first;         /* the next line is the first frame of defs[ndefs - 1] */
};

static void shadow_set(struct shadow *sh, uint64_t id, uint64_t count)
{
	if (id >= sh->ncur) {
		size_t n = sh->ncur ? sh->ncur : 64;

		while (n <= id)
			n *= 2;
		sh->cur = xreallocarray(sh->cur, n, sizeof(*sh->cur));
		memset(sh->cur + sh->ncur, 0, (n - sh->ncur) * sizeof(*sh->cur));
		sh->fed = xrealloc(sh->fed, n);
		memset(sh->fed + sh->ncur, 0, n - sh->ncur);
		sh->ncur = n;
	}
	sh->cur[id] = count;
	sh->fed[id] |= count != 0;
}

/* Reads up to the end of the next complete sample; returns the sum of all counts then.
 * Only called for a sample the source delivered, so its lines are well-formed. */
static int64_t shadow_next(struct shadow *sh)
{
	int64_t sum = 0;

	while (sh->p < sh->end) {
		const char *nl = memchr(sh->p, '\n', (size_t)(sh->end - sh->p));
		const char *l = sh->p, *e = nl ? nl : sh->end;
		char buf[READER_MAX_LINE + 1];
		size_t n;

		sh->p = nl ? nl + 1 : sh->end;
		while (e > l && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		n = (size_t)(e - l);
		if (sh->want_first) {
			sh->defs[sh->ndefs - 1].first = l + 2;
			sh->defs[sh->ndefs - 1].first_len = n - 2;
			sh->want_first = 0;
			continue;
		}
		if (n < 2 || l[1] != ' ' || !strchr("tces", l[0]))
			continue; /* frames, meta, comments, the end line */
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, l, n);
		buf[n] = '\0';
		if (l[0] == 's') {
			char *q;
			struct def d = { 0, 0, 0, NULL, 0 };

			d.id = strtoull(buf + 2, &q, 10);
			d.handle = strtoull(q, &q, 10);
			d.nframes = strtoull(q, NULL, 10);
			if (!d.handle)
				continue;
			if (sh->ndefs == sh->cdefs) {
				sh->cdefs = sh->cdefs ? sh->cdefs * 2 : 64;
				sh->defs = xreallocarray(sh->defs, sh->cdefs, sizeof(*sh->defs));
			}
			sh->defs[sh->ndefs++] = d;
			sh->want_first = d.nframes > 0;
		} else if (l[0] == 't') {
			sh->nch = 0;
		} else if (l[0] == 'c') {
			char *q;
			uint64_t id = strtoull(buf + 2, &q, 10);

			if (sh->nch == sh->cch) {
				sh->cch = sh->cch ? sh->cch * 2 : 64;
				sh->ch = xreallocarray(sh->ch, sh->cch, sizeof(*sh->ch));
			}
			sh->ch[sh->nch].id = id;
			sh->ch[sh->nch++].count = strtoull(q, NULL, 10);
		} else {
			for (size_t i = 0; i < sh->nch; i++)
				shadow_set(sh, sh->ch[i].id, sh->ch[i].count);
			sh->nch = 0;
			for (size_t i = 0; i < sh->ncur; i++) {
				FUZZ_CHECK(sh->cur[i] <= PT_COUNT_MAX);
				sum = sat_add(sum, (int64_t)sh->cur[i]);
			}
			return sum;
		}
	}
	FUZZ_CHECK(!"the source gave a sample the recording does not have");
	return 0;
}

static int cmp_handle(const void *a, const void *b)
{
	uint64_t x = (*(const struct stack *const *)a)->handle;
	uint64_t y = (*(const struct stack *const *)b)->handle;

	return x < y ? -1 : x > y;
}

/* Each stack defined with a handle so far is the model's stack of that handle. */
static void check_defs(const struct model *m, const struct shadow *sh)
{
	size_t n = 0, ns = model_nstacks(m);
	const struct stack **by = xmalloc((ns + 1) * sizeof(*by));

	for (size_t i = 0; i < ns; i++)
		if (model_stack(m, (uint32_t)i)->handle)
			by[n++] = model_stack(m, (uint32_t)i);
	qsort(by, n, sizeof(*by), cmp_handle);
	for (size_t i = 1; i < n; i++)
		FUZZ_CHECK(by[i]->handle != by[i - 1]->handle);
	for (size_t i = 0; i < sh->ndefs; i++) {
		const struct def *d = &sh->defs[i];
		struct stack key = { .handle = d->handle };
		const struct stack *kp = &key, **at = bsearch(&kp, by, n, sizeof(*by), cmp_handle);
		const char *f;

		if (d->id >= sh->ncur || !sh->fed[d->id])
			continue; /* never fed: the model has not seen it */
		FUZZ_CHECK(at != NULL);
		FUZZ_CHECK((*at)->nframes == (d->nframes < STACK_MAX_FRAMES ? d->nframes
									      : STACK_MAX_FRAMES));
		if (!d->first || memchr(d->first, '\0', d->first_len))
			continue;
		f = model_frame(m, (*at)->frames[0]);
		FUZZ_CHECK(strlen(f) == d->first_len && memcmp(f, d->first, d->first_len) == 0);
	}
	free(by);
}

/* ---- the model agreeing with itself ---- */

static void check_counter(const struct counter *s)
{
	FUZZ_CHECK(s->now >= 0);
	FUZZ_CHECK(s->delta <= s->now); /* the sample before had no fewer than 0 */
	FUZZ_CHECK(s->base >= 0);
	FUZZ_CHECK(s->peak >= s->now);
	FUZZ_CHECK(s->delta_base == s->now - s->base);
	FUZZ_CHECK(isfinite(s->rate));
	FUZZ_CHECK(s->score >= 0 && s->score <= 1);
}

struct member {
	uint32_t label;
	int64_t now;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	return x->label < y->label ? -1 : x->label > y->label;
}

/* Each group's count and members from the stacks, against the groups of a view of mode g
 * (the view has every group with pages: no threshold, no filter). */
static void check_groups(struct model *m, enum group_mode g, const struct view *v)
{
	size_t ns = model_nstacks(m), n = 0, cap = ns + 1;
	struct member *mb = xmalloc(cap * sizeof(*mb));
	int64_t rows_sum = 0, total = 0;

	for (size_t i = 0; i < ns; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		size_t first = n;

		if (!st->s.now)
			continue;
		/* files and directories are allocinfo's call sites': other stacks are in none */
		if ((g == GROUP_FILE || g == GROUP_DIR) && model_group_label(m, st, g, 0) == UINT32_MAX)
			continue;
		total = sat_add(total, st->s.now);
		if (g != GROUP_FUNCTION) {
			mb[n].label = model_group_label(m, st, g, 0);
			mb[n++].now = st->s.now;
			continue;
		}
		/* a stack counts once in each function of its frames */
		for (unsigned f = 0; f < st->nframes; f++) {
			uint32_t l = model_group_label(m, st, g, f);
			size_t k = first;

			while (k < n && mb[k].label != l)
				k++;
			if (k < n)
				continue;
			if (n == cap) {
				cap *= 2;
				mb = xreallocarray(mb, cap, sizeof(*mb));
			}
			mb[n].label = l;
			mb[n++].now = st->s.now;
		}
	}
	qsort(mb, n, sizeof(*mb), cmp_member);
	for (size_t r = 0; r < v->nrows; r++) {
		const struct group *gr = v->rows[r].group;
		struct member key = { gr->label, 0 }, *at;
		int64_t sum = 0;
		uint32_t members = 0;

		FUZZ_CHECK(gr != NULL && v->rows[r].stack == NULL);
		check_counter(&gr->s);
		at = bsearch(&key, mb, n, sizeof(*mb), cmp_member);
		while (at && at > mb && at[-1].label == key.label)
			at--;
		for (; at && at < mb + n && at->label == key.label; at++) {
			sum = sat_add(sum, at->now);
			members++;
		}
		FUZZ_CHECK(gr->s.now == sum);
		FUZZ_CHECK(gr->nstacks == members);
		rows_sum = sat_add(rows_sum, gr->s.now);
	}
	/* every stack with pages is in a group with pages, shown */
	if (g != GROUP_FUNCTION)
		FUZZ_CHECK(rows_sum == total);
	free(mb);
}

static double key_of(const struct row *r, enum sort_key k)
{
	const struct counter *s = r->s;

	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES: return (double)s->now;
	case KEY_DELTA: return (double)s->delta;
	case KEY_RATE: return s->rate;
	case KEY_DELTA_BASE: return (double)s->delta_base;
	case KEY_PEAK: return (double)s->peak;
	case KEY_SCORE: return s->score;
	case KEY_FIRST_SEEN: return (double)s->first_seen;
	case KEY_CALLS: return (double)s->calls;
	case KEY_AVG: return s->calls > 0 ? (double)(s->now / s->calls) : 0;
	default: return 0;
	}
}

/* Rows [0, n) in the order of o. */
static void check_order(struct model *m, const struct view_opts *o, const struct view *v,
			size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const struct row *a = &v->rows[i - 1], *b = &v->rows[i];
		int c;

		if (o->key == KEY_LABEL) {
			c = strcmp(model_label(m, a->label), model_label(m, b->label));
		} else {
			double x = key_of(a, o->key), y = key_of(b, o->key);

			c = x < y ? -1 : x > y;
		}
		FUZZ_CHECK(o->ascending ? c <= 0 : c >= 0);
	}
}

static void check_views(struct model *m, int64_t total, int every_key)
{
	struct view v, lim;
	struct view_opts o;

	view_init(&v);
	view_init(&lim);
	for (int g = 0; g < GROUP__N; g++) {
		for (int k = 0; k < KEY__N; k++) {
			for (int asc = 0; asc < 2; asc++) {
				if (!every_key && (k || asc))
					continue;
				view_opts_init(&o);
				o.group = (enum group_mode)g;
				o.key = (enum sort_key)k;
				o.ascending = asc;
				model_view(m, &o, &v);
				FUZZ_CHECK(v.total_pages == total);
				FUZZ_CHECK(v.nrows == v.shown && v.shown == v.total_rows);
				check_order(m, &o, &v, v.nrows);
				if (g != GROUP_STACK && !k && !asc)
					check_groups(m, (enum group_mode)g, &v);
				if (!every_key)
					continue;
				/* a limit sorts only the first rows; top_only keeps only them */
				for (int top = 0; top < 2; top++) {
					o.limit = 3;
					o.top_only = top;
					model_view(m, &o, &lim);
					FUZZ_CHECK(lim.shown == v.shown);
					FUZZ_CHECK(top ? lim.nrows == (v.nrows < 3 ? v.nrows : 3)
						       : lim.nrows == v.nrows);
					for (size_t i = 0; i < 3 && i < v.nrows; i++)
						FUZZ_CHECK(lim.rows[i].s == v.rows[i].s);
				}
			}
		}
	}
	view_free(&v);
	view_free(&lim);
}

/* Node i (TREE_NONE: the roots) and its subtree in a, as in b; the sums checked. */
static void check_tree_node(const struct model *m, const struct tree *a, uint32_t i,
			    const struct tree *b, uint32_t j)
{
	const uint32_t *ka = i == TREE_NONE ? a->kids : a->kids + a->nodes[i].kids;
	const uint32_t *kb = j == TREE_NONE ? b->kids : b->kids + b->nodes[j].kids;
	size_t na = i == TREE_NONE ? a->nroots : a->nodes[i].nkids;
	size_t nb = j == TREE_NONE ? b->nroots : b->nodes[j].nkids;
	int64_t now = 0;
	uint32_t ns = 0;

	FUZZ_CHECK(na == nb);
	if (i != TREE_NONE)
		for (uint32_t r = a->nodes[i].stacks; r != TREE_NONE; r = a->next_stack[r]) {
			now = sat_add(now, a->v.rows[r].s->now);
			ns++;
		}
	for (size_t k = 0; k < na; k++) {
		const struct tree_node *x = &a->nodes[ka[k]], *y = &b->nodes[kb[k]];

		FUZZ_CHECK(x->frame == y->frame && x->label == y->label);
		FUZZ_CHECK(x->s.now == y->s.now && x->s.delta == y->s.delta);
		FUZZ_CHECK(x->nstacks == y->nstacks && x->example == y->example);
		FUZZ_CHECK(x->s.peak >= x->s.now);
		now = sat_add(now, x->s.now);
		ns += x->nstacks;
		check_tree_node(m, a, ka[k], b, kb[k]);
	}
	if (i != TREE_NONE) {
		FUZZ_CHECK(now == a->nodes[i].s.now);
		FUZZ_CHECK(ns == a->nodes[i].nstacks);
	} else {
		FUZZ_CHECK(now == a->v.shown_pages);
	}
}

/* The kept trees follow every sample; they are compared with new ones when full. */
static void check_trees(struct model *m, struct tree *kept, int full)
{
	struct view_opts o;

	view_opts_init(&o);
	for (int t = 0; t < 2; t++) {
		struct tree fresh;
		enum tree_mode mode = t ? TREE_BOTTOM_UP : TREE_TOP_DOWN;

		model_tree(m, &o, mode, &kept[t]);
		if (!full)
			continue;
		tree_init(&fresh);
		model_tree(m, &o, mode, &fresh);
		/* one sorted node by node as a screen does, one all at once */
		for (size_t i = 0; i < kept[t].nnodes; i++)
			tree_sort(&kept[t], (uint32_t)i);
		tree_sort(&fresh, TREE_NONE);
		check_tree_node(m, &kept[t], TREE_NONE, &fresh, TREE_NONE);
		tree_free(&fresh);
	}
}

static void check_model(struct model *m, int64_t want_total, int every_key)
{
	int64_t total = 0;

	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		check_counter(&st->s);
		total = sat_add(total, st->s.now);
	}
	FUZZ_CHECK(total == want_total);
	check_views(m, total, every_key);
}

FUZZ_TARGET(model)
{
	struct source *src = xcalloc(1, sizeof(*src));
	struct shadow sh = { .p = (const char *)data, .end = (const char *)data + size };
	struct source_opts o;
	struct reader *r;
	struct pt_err err;
	struct model *m;
	struct sink sink;
	enum src_status st = SRC_ERROR;
	int samples = 0, swept = 0;
	int64_t total = 0;
	struct tree trees[2];

	fuzz_init();
	source_opts_init(&o);
	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(reader_open_mem(&r, (const char *)data, size, "fuzz.rec", &err) == 0);
	if (source_open_recording_reader(src, r, &o, &err) < 0) {
		fuzz_check_err(&err);
		free(src);
		return 0;
	}
	m = model_new();
	sink = model_sink(m);
	tree_init(&trees[0]);
	tree_init(&trees[1]);
	while (samples < MAX_SAMPLES && (st = source_next(src, &sink, -1, &err)) == SRC_SAMPLE) {
		samples++;
		FUZZ_CHECK(model_nsamples(m) == (uint32_t)samples);
		total = shadow_next(&sh);
		swept = samples <= FULL_SAMPLES || samples % FULL_EVERY == 0;
		check_model(m, total, swept);
		check_trees(m, trees, swept);
		if (swept)
			check_defs(m, &sh);
	}
	if (samples && !swept) {
		check_views(m, total, 1);
		check_defs(m, &sh);
	}
	if (st == SRC_ERROR)
		fuzz_check_err(&err);
	source_close(src);
	tree_free(&trees[0]);
	tree_free(&trees[1]);
	model_free(m);
	free(sh.cur);
	free(sh.fed);
	free(sh.ch);
	free(sh.defs);
	return 0;
}
