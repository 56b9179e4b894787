/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_view.c - views: the rows of a sample after filter, group and sort (model.h).
 * Filters match regular expressions on frame texts (stacks) or labels (groups), cached
 * per text; the sort is a total order (ties by stack id, or the group's place). */
#include "config.h"

#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static const char *const key_names[KEY__N] = {
	"pages", "bytes", "delta", "rate", "delta_base", "peak", "score", "first_seen", "label",
	"share", "calls", "avg",
};

const char *sort_key_name(enum sort_key k)
{
	return (unsigned)k < KEY__N ? key_names[k] : "?";
}

int sort_key_parse(const char *s, enum sort_key *k)
{
	for (int i = 0; i < KEY__N; i++)
		if (strcmp(s, key_names[i]) == 0) {
			*k = (enum sort_key)i;
			return 0;
		}
	return -1;
}

/* ---- filters ---- */

#define FILTER_MAX 31

struct filter {
	regex_t re[FILTER_MAX];
	size_t n;
	uint32_t include_mask, exclude_mask;
	/* per text id: 0 unknown, else 1 | bit (i+1) for each pattern i that matches */
	uint32_t *frame_cache, *label_cache;
	size_t frame_cap, label_cap;
};

struct filter *filter_new(const char *const *patterns, size_t n, struct pt_err *err)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	if (n > FILTER_MAX) {
		pt_err_set(err, _("at most %d filters"), FILTER_MAX);
		free(f);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = patterns[i];
		int exclude = p[0] == '!', rc;

		rc = regcomp(&f->re[i], p + exclude, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char buf[256];

			regerror(rc, &f->re[i], buf, sizeof(buf));
			pt_err_set(err, _("bad filter \"%s\": %s"), p, buf);
			f->n = i;
			filter_free(f);
			return NULL;
		}
		if (exclude)
			f->exclude_mask |= 1u << i;
		else
			f->include_mask |= 1u << i;
		f->n = i + 1;
	}
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		regfree(&f->re[i]);
	free(f->frame_cache);
	free(f->label_cache);
	free(f);
}

static uint32_t filter_text(struct filter *f, uint32_t **cache, size_t *cap,
			    const struct strtab *t, uint32_t id)
{
	uint32_t v = 0;

	if (id >= *cap) {
		size_t nc = *cap ? *cap : 1024;

		while (nc <= id)
			nc *= 2;
		*cache = xreallocarray(*cache, nc, sizeof(uint32_t));
		memset(*cache + *cap, 0, (nc - *cap) * sizeof(uint32_t));
		*cap = nc;
	}
	if ((*cache)[id])
		return (*cache)[id] >> 1;
	for (size_t i = 0; i < f->n; i++)
		if (regexec(&f->re[i], strtab_str(t, id), 0, NULL, 0) == 0)
			v |= 1u << i;
	(*cache)[id] = (v << 1) | 1;
	return v;
}

static int filter_stack(struct model *m, struct filter *f, const struct stack *st)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < st->nframes; i++)
		mask |= filter_text(f, &f->frame_cache, &f->frame_cap, m->frames, st->frames[i]);
	return (mask & f->include_mask) == f->include_mask && !(mask & f->exclude_mask);
}

static int filter_label(struct model *m, struct filter *f, uint32_t label)
{
	uint32_t mask = filter_text(f, &f->label_cache, &f->label_cap, m->labels, label);

	return (mask & f->include_mask) == f->include_mask && !(mask & f->exclude_mask);
}

/* ---- views ---- */

void view_opts_init(struct view_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->group = GROUP_STACK;
	o->key = KEY_PAGES;
}

int64_t threshold_pages(const struct threshold *t, long page_size, int64_t total)
{
	int64_t q, r;

	if (t->value <= 0)
		return 0;
	switch (t->unit) {
	case THRESH_PAGES:
		return t->value;
	case THRESH_BYTES:
		if (page_size <= 0)
			page_size = 4096;
		return t->value / page_size + (t->value % page_size != 0);
	case THRESH_PERCENT:
		if (total <= 0)
			return 1;
		/* value / 100000 of total, rounded up, without overflowing */
		q = total / (100 * THRESH_PERCENT_ONE);
		r = total % (100 * THRESH_PERCENT_ONE);
		r = r * t->value;
		return q * t->value + r / (100 * THRESH_PERCENT_ONE) +
		       (r % (100 * THRESH_PERCENT_ONE) != 0);
	}
	return 0;
}

char *threshold_text(const struct threshold *t)
{
	static const char units[] = "KMGTP";
	int64_t v = t->value;
	int u = -1;

	switch (t->unit) {
	case THRESH_PAGES:
		break;
	case THRESH_BYTES:
		while (v && v % 1024 == 0 && u + 1 < (int)sizeof(units) - 1) {
			v /= 1024;
			u++;
		}
		return u < 0 ? xasprintf("%lldB", (long long)v)
			     : xasprintf("%lld%c", (long long)v, units[u]);
	case THRESH_PERCENT: {
		/* thousandths, the trailing zeros dropped */
		char *s = xasprintf("%lld.%03lld", (long long)(v / THRESH_PERCENT_ONE),
				    (long long)(v % THRESH_PERCENT_ONE)), *r;
		size_t len = strlen(s);

		while (s[len - 1] == '0')
			s[--len] = '\0';
		if (s[len - 1] == '.')
			s[--len] = '\0';
		r = xasprintf("%s%%", s);
		free(s);
		return r;
	}
	}
	return xasprintf("%lld", (long long)v);
}

static void keep_free(struct view_keep *k);

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->moved_gen = UINT64_MAX;
}

static void view_bg_free(struct view *v);

void view_free(struct view *v)
{
	view_bg_free(v);
	free(v->rows);
	free(v->scratch);
	free(v->moved);
	keep_free(v->keep);
	view_init(v);
}

/* A row to sort: its key, its tie-break (the order rows come in) and its place. */
struct sort_entry {
	double key;
	uint32_t tie;
	uint32_t idx;
};

/* How the rows of a view compare: by key, then by tie, so that the order is total. cmp
 * is a qsort_r() comparator of sort entries whose argument is the struct order. */
struct order {
	int (*cmp)(const void *a, const void *b, void *order);
	const struct model *m;    /* KEY_LABEL: the labels' texts */
	int ascending;
};

static int cmp_desc(const void *a, const void *b, void *order)
{
	const struct sort_entry *x = a, *y = b;

	(void)order;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static int cmp_asc(const void *a, const void *b, void *order)
{
	const struct sort_entry *x = a, *y = b;

	(void)order;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

/* KEY_LABEL: the key is the label id, compared by its text. */
static int cmp_label(const void *a, const void *b, void *order)
{
	const struct sort_entry *x = a, *y = b;
	const struct order *o = order;
	int c = strcmp(strtab_str(o->m->labels, (uint32_t)x->key),
		       strtab_str(o->m->labels, (uint32_t)y->key));

	if (c)
		return o->ascending ? c : -c;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static int cmp_label_id(const void *a, const void *b, void *model)
{
	const struct model *m = model;

	return strcmp(strtab_str(m->labels, *(const uint32_t *)a),
		      strtab_str(m->labels, *(const uint32_t *)b));
}

static void order_init(struct order *ord, const struct model *m, const struct view_opts *o)
{
	ord->cmp = o->key == KEY_LABEL ? cmp_label : o->ascending ? cmp_asc : cmp_desc;
	ord->m = m;
	ord->ascending = o->ascending;
}

/* An order-preserving map of doubles to unsigned integers. */
static inline uint64_t key_bits(double d, int ascending)
{
	uint64_t b;

	if (d == 0)
		d = 0; /* -0.0 sorts with 0 */
	memcpy(&b, &d, sizeof(b));
	b = (b & 0x8000000000000000ULL) ? ~b : b | 0x8000000000000000ULL;
	return ascending ? b : ~b;
}

/* The view's scratch memory, at least size bytes (its contents are not kept). */
static void *view_scratch(struct view *v, size_t size)
{
	if (size > v->scratch_size) {
		free(v->scratch);
		v->scratch = xmalloc(size);
		v->scratch_size = size;
	}
	return v->scratch;
}

/* What the radix sort moves: the key's bits, the row's place and its tie (row.seq). */
struct radix_entry {
	uint64_t k;
	uint32_t idx;
	uint32_t seq;
};

/* The bytes a radix sort passes over: the key's 8, then (RADIX_SEQ on) the tie's 4. */
#define RADIX_KEY 8
#define RADIX_SEQ 4
#define RADIX_BYTES (RADIX_KEY + RADIX_SEQ)

static inline unsigned radix_byte(const struct radix_entry *e, int d)
{
	return d < RADIX_KEY ? (unsigned)(e->k >> (8 * d)) & 0xff
			     : (e->seq >> (8 * (d - RADIX_KEY))) & 0xff;
}

/* Counts an entry's bytes: its key's, and its tie's when with_seq. */
static inline void radix_count(size_t (*count)[256], const struct radix_entry *e, int with_seq)
{
	for (int d = 0; d < RADIX_KEY; d++)
		count[d][(e->k >> (8 * d)) & 0xff]++;
	if (with_seq)
		for (int d = 0; d < RADIX_SEQ; d++)
			count[RADIX_KEY + d][(e->seq >> (8 * d)) & 0xff]++;
}

/* A pass's start: c, how many of the n entries have each value of byte d, becomes each
 * value's first place. 0 when every entry has the one value (e0's: any entry's): no pass. */
static int radix_pass_begin(size_t *c, size_t n, const struct radix_entry *e0, int d)
{
	size_t sum = 0;

	if (c[radix_byte(e0, d)] == n)
		return 0;
	for (int x = 0; x < 256; x++) {
		size_t y = c[x];

		c[x] = sum;
		sum += y;
	}
	return 1;
}

/* Entries [lo, hi) of a to their places in b, by byte d. */
static void radix_scatter(const struct radix_entry *a, struct radix_entry *b, size_t lo,
			  size_t hi, size_t *c, int d)
{
	if (d < RADIX_KEY) {
		unsigned shift = 8 * (unsigned)d;

		for (size_t i = lo; i < hi; i++)
			b[c[(a[i].k >> shift) & 0xff]++] = a[i];
	} else {
		unsigned shift = 8 * (unsigned)(d - RADIX_KEY);

		for (size_t i = lo; i < hi; i++)
			b[c[(a[i].seq >> shift) & 0xff]++] = a[i];
	}
}

/* The passes of a radix sort in their order, the tie's bytes first (least significant):
 * pass p's byte. */
static inline int radix_pass_byte(int p)
{
	return p < RADIX_SEQ ? RADIX_KEY + p : p - RADIX_SEQ;
}

/* Stable LSD radix sort of n entries (b is as large) by key, then tie: with_seq, by the
 * tie's bytes too; without, the entries come in the order of their ties (the order the
 * rows came in, kept until view_grow() swapped rows out of the middle), which the sort
 * keeps among equal keys. count holds how many entries have each value of each byte
 * (the tie's only with_seq), counted as the keys were made; the passes of bytes that
 * are the same in every entry are skipped. Returns where the sorted entries are: a or b. */
static struct radix_entry *radix_sort(struct radix_entry *a, struct radix_entry *b, size_t n,
				      size_t (*count)[256], int with_seq)
{
	struct radix_entry e0 = a[0];

	for (int p = with_seq ? 0 : RADIX_SEQ; p < RADIX_BYTES; p++) {
		int d = radix_pass_byte(p);
		struct radix_entry *t;

		if (!radix_pass_begin(count[d], n, &e0, d))
			continue;
		radix_scatter(a, b, 0, n, count[d], d);
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Among rows a row goes before another by its key bits, then by its tie (the order rows
 * came in): the order is total. */
static inline int entry_before(const struct radix_entry *x, const struct radix_entry *y)
{
	return x->k != y->k ? x->k < y->k : x->seq < y->seq;
}

/* Entries sorted by key and tie (b, as large, is the radix sort's other half). */
static void entries_sort(struct radix_entry *a, struct radix_entry *b, size_t n)
{
	size_t count[RADIX_BYTES][256];
	struct radix_entry *r;
	int with_seq = 0;

	if (n < 2)
		return;
	for (size_t i = 1; i < n && !with_seq; i++)
		with_seq = a[i].seq < a[i - 1].seq;
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		radix_count(count, &a[i], with_seq);
	r = radix_sort(a, b, n, count, with_seq);
	if (r != a)
		memcpy(a, r, n * sizeof(*a));
}

/* Only the first k of n entries are wanted (k * 8 < n), or the last (last: each entry
 * read turned round, from the end), of those after floor (before it, last) when it is
 * not NULL: they are selected, then sorted, into out, which may be e. Returns how many
 * there are. */
static size_t select_into(const struct radix_entry *e, size_t n, size_t k, int last,
			  const struct radix_entry *floor, struct radix_entry *out)
{
	struct radix_entry *top = xmalloc((4 * k) * sizeof(*top)), worst = { 0, 0, 0 }, x, fl;
	uint64_t flip = last ? ~0ULL : 0;
	size_t ntop = 0, w;
	int have_worst = 0;

	if (floor) {
		fl = *floor;
		fl.k ^= flip;
		fl.seq ^= (uint32_t)flip;
	}
	/* the order is total, so an entry not before the k-th best so far is out */
	for (size_t j = 0; j < n; j++) {
		const struct radix_entry *y = &e[last ? n - 1 - j : j];

		x = *y;
		x.k ^= flip;
		x.seq ^= (uint32_t)flip;
		if ((have_worst && !entry_before(&x, &worst)) || (floor && !entry_before(&fl, &x)))
			continue;
		top[ntop++] = x;
		if (ntop == 2 * k) {
			entries_sort(top, top + 2 * k, ntop);
			ntop = k;
			worst = top[k - 1];
			have_worst = 1;
		}
	}
	entries_sort(top, top + 2 * k, ntop);
	w = ntop < k ? ntop : k;
	for (size_t i = 0; i < w; i++) {
		out[i] = top[i];
		out[i].k ^= flip;
		out[i].seq ^= (uint32_t)flip;
	}
	free(top);
	return w;
}

static double row_key(const struct row *r, enum sort_key k)
{
	const struct counter *s = r->s;

	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES:
	case KEY_SHARE: return (double)s->now;
	case KEY_DELTA: return (double)s->delta;
	case KEY_RATE: return s->rate;
	case KEY_DELTA_BASE: return (double)s->delta_base;
	case KEY_PEAK: return (double)s->peak;
	case KEY_SCORE: return s->score;
	case KEY_FIRST_SEEN: return (double)s->first_seen;
	case KEY_CALLS: return (double)s->calls;
	case KEY_AVG: return s->calls > 0 ? (double)(s->now / s->calls) : 0;
	default: return (double)r->label;
	}
}

/* The key of a row as bits whose unsigned order is the view's (key_bits()): integer
 * counts as they are, so that a sort passes over only the bytes they use. */
static uint64_t row_key_bits(const struct row *r, enum sort_key k, const uint32_t *place,
			     int ascending)
{
	const struct counter *s = r->s;
	int64_t x;

	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES:
	case KEY_SHARE: x = s->now; break;
	case KEY_DELTA: x = s->delta; break;
	case KEY_DELTA_BASE: x = s->delta_base; break;
	case KEY_PEAK: x = s->peak; break;
	case KEY_FIRST_SEEN: x = s->first_seen; break;
	case KEY_CALLS: x = s->calls; break;
	case KEY_AVG: x = s->calls > 0 ? s->now / s->calls : 0; break;
	case KEY_LABEL: x = place[r->label]; break;
	default: return key_bits(row_key(r, k), ascending);
	}
	return ((uint64_t)x ^ 0x8000000000000000ULL) ^ (ascending ? 0 : ~0ULL);
}

/* Equal keys are ordered by the order rows come in, which the stable radix sort keeps:
 * stack ids, or the groups' places in their table (not their label ids). */
static uint32_t row_tie(const struct model *m, const struct view_opts *o, const struct row *r)
{
	return r->stack ? r->stack->id : (uint32_t)(r->group - m->groups[o->group]);
}

/* A row's tie (row.seq), in the order rows come in: a stack's id (stacks come in the
 * order of their ids: a search asks for rows by their stacks' ids), else its place. */
static inline uint32_t row_seq(const struct view *v, const struct row *r)
{
	return r->stack ? r->stack->id : (uint32_t)v->nrows;
}

/* Room for cap rows (the huge page hint splits the mapping: glibc's realloc() then
 * copies the rows, it cannot move them). Pages not written stay unmapped. */
static void view_room(struct view *v, size_t cap)
{
	if (cap <= v->cap)
		return;
	v->cap = cap;
	v->rows = xhuge_hint(xreallocarray(v->rows, v->cap, sizeof(*v->rows)),
			     v->cap * sizeof(*v->rows));
}

static void view_push(struct view *v, const struct row *r)
{
	if (v->nrows == v->cap)
		view_room(v, v->cap ? v->cap * 2 : 1024);
	v->rows[v->nrows] = *r;
	v->rows[v->nrows].seq = row_seq(v, r);
	v->nrows++;
}

/* KEY_LABEL: the place of each label of the rows among their texts in order (equal
 * texts, equal places), by label id; other ids are not set. */
static uint32_t *label_places(const struct model *m, const struct view *v)
{
	uint32_t nl = strtab_count(m->labels), *place = xcalloc(nl ? nl : 1, sizeof(*place));
	uint32_t *ids, n = 0;

	for (size_t i = 0; i < v->nrows; i++)
		if (!place[v->rows[i].label]) {
			place[v->rows[i].label] = 1;
			n++;
		}
	ids = xmalloc((n ? n : 1) * sizeof(*ids));
	n = 0;
	for (uint32_t l = 0; l < nl; l++)
		if (place[l])
			ids[n++] = l;
	qsort_r(ids, n, sizeof(*ids), cmp_label_id, (void *)m);
	for (uint32_t i = 0, p = 0; i < n; i++) {
		if (i && strcmp(strtab_str(m->labels, ids[i - 1]), strtab_str(m->labels, ids[i])))
			p++;
		place[ids[i]] = p;
	}
	free(ids);
	return place;
}

/* Rows [a, b) with the w of se (their places) moved to the front of the range in the
 * order of se, the others in the order they had: in place, one pass over the range. */
static void rows_place(struct view *v, size_t a, size_t b, const struct radix_entry *se,
		       size_t w, uint8_t *used)
{
	struct row *rows = v->rows + a, *top = xmalloc((w ? w : 1) * sizeof(*top));
	size_t n = b - a, to;

	memset(used, 0, n);
	for (size_t i = 0; i < w; i++) {
		top[i] = rows[se[i].idx - a];
		used[se[i].idx - a] = 1;
	}
	/* each row moves away from where the chosen go, never over one still to move */
	to = n;
	for (size_t i = n; i-- > 0;)
		if (!used[i])
			rows[--to] = rows[i];
	if (w)
		memcpy(rows, top, w * sizeof(*top));
	free(top);
}

/* The n rows moved so that row i is the one at r[i].idx - base, in place: one cycle of
 * the permutation after another (r[i].idx is set to i + base where row i is done). */
static void rows_permute(struct row *rows, struct radix_entry *r, size_t n, size_t base)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i, s;
		struct row t;

		if (r[i].idx - base == i)
			continue;
		t = rows[i];
		while ((s = r[j].idx - base) != i) {
			rows[j] = rows[s];
			r[j].idx = (uint32_t)(j + base);
			j = s;
		}
		rows[j] = t;
		r[j].idx = (uint32_t)(j + base);
	}
}

/* Sorts the rows [from, to) of the view: by key bits and tie, then each row moved in
 * place (a second buffer of a million rows would fault in for ~70 ms the first time). */
static void view_sort_all(struct view *v, size_t from, size_t to, const uint32_t *place,
			  enum sort_key k, int ascending)
{
	size_t n = to - from, count[RADIX_BYTES][256];
	struct radix_entry *a = view_scratch(v, 2 * n * sizeof(*a)), *r;

	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		a[i].k = row_key_bits(&v->rows[from + i], k, place, ascending);
		a[i].idx = (uint32_t)(from + i);
		a[i].seq = v->rows[from + i].seq;
		radix_count(count, &a[i], v->mixed);
	}
	r = radix_sort(a, a + n, n, count, v->mixed);
	rows_permute(v->rows + from, r, n, from);
}

/* What a sort of the view's rows needs: the key, and for KEY_LABEL the places of the
 * labels among their texts, so that every key is a number. */
struct view_sorter {
	const struct view_opts *o;
	uint32_t *place;
};

static void sorter_init(struct view_sorter *s, const struct model *m,
			const struct view_opts *o, const struct view *v)
{
	s->o = o;
	s->place = o->key == KEY_LABEL ? label_places(m, v) : NULL;
}

/* The entries of rows [a, b), into e. */
static void sorter_entries(const struct view_sorter *s, const struct view *v, size_t a,
			   size_t b, struct radix_entry *e)
{
	for (size_t i = a; i < b; i++) {
		e[i - a].k = row_key_bits(&v->rows[i], s->o->key, s->place, s->o->ascending);
		e[i - a].idx = (uint32_t)i;
		e[i - a].seq = v->rows[i].seq;
	}
}

/* What the scratch holds of the rows in no order (view.mid), while the view's gen is
 * mid_gen: the entries of rows [mid_a, mid_b), row i's at i - mid_a, of which those of
 * the rows still in no order are current, then a flag for each, all 0 (READY); or the
 * entries of rows [mid_a, mid_b) as they were before rows_place() moved the chosen of
 * them out, each one's flag after them (PLACED): those left are the rows in no order,
 * in the order they had. */
enum { MID_NONE, MID_READY, MID_PLACED };

static void mid_keep(struct view *v, const struct view_sorter *s, int state, size_t a, size_t b)
{
	v->mid = state;
	v->mid_gen = v->gen;
	v->mid_key = s->o->key;
	v->mid_ascending = s->o->ascending;
	v->mid_a = a;
	v->mid_b = b;
	if (state == MID_READY)
		memset((struct radix_entry *)v->scratch + (b - a), 0, b - a);
}

/* READY's flags: row i's at [i]. */
static uint8_t *mid_flag(struct view *v, size_t i)
{
	return (uint8_t *)((struct radix_entry *)v->scratch + (v->mid_b - v->mid_a)) +
	       (i - v->mid_a);
}

/* The entries of the rows not in order yet (row sorted_head + j's at [j]), in the
 * scratch, READY: those kept since they were last made when the view has not changed
 * otherwise, not made again from the rows' counters (a million cache misses). */
static struct radix_entry *mid_entries(struct view *v, const struct view_sorter *s)
{
	size_t a = v->sorted_head, b = v->sorted_tail, n = b - a;
	struct radix_entry *e = v->scratch;

	if (v->keys_made && !a && b == v->nrows) {
		if (v->mid != MID_READY || v->mid_gen != v->gen) /* made as the rows came */
			mid_keep(v, s, MID_READY, a, b);
		return e;
	}
	if (v->mid != MID_NONE && v->mid_gen == v->gen && v->mid_key == (int)s->o->key &&
	    v->mid_ascending == s->o->ascending) {
		if (v->mid == MID_PLACED) {
			size_t m = v->mid_b - v->mid_a, j = 0;
			const uint8_t *used = (const uint8_t *)(e + m);

			for (size_t i = 0; i < m; i++)
				if (!used[i]) {
					e[j] = e[i];
					e[j].idx = (uint32_t)(a + j);
					j++;
				}
			if (j == n) {
				mid_keep(v, s, MID_READY, a, b);
				return e;
			}
		} else if (v->mid_a <= a && b <= v->mid_b) {
			return e + (a - v->mid_a);
		}
	}
	e = view_scratch(v, n * (sizeof(*e) + 1));
	sorter_entries(s, v, a, b, e);
	mid_keep(v, s, MID_READY, a, b);
	return e;
}

static void moved_add(struct view *v, size_t i)
{
	if (v->nmoved == v->moved_cap) {
		v->moved_cap = v->moved_cap ? 2 * v->moved_cap : 1024;
		v->moved = xreallocarray(v->moved, v->moved_cap, sizeof(*v->moved));
	}
	v->moved[v->nmoved++] = (uint32_t)i;
}

void view_moved_begin(struct view *v)
{
	v->nmoved = 0;
	v->moved_gen = v->gen;
}

const uint32_t *view_moved(const struct view *v, size_t *n)
{
	static const uint32_t none[1];

	*n = v->nmoved;
	if (v->moved_gen != v->gen)
		return NULL;
	return v->moved ? v->moved : none;
}

/* The w rows of se (of e, READY's entries of the rows not in order, sorted) moved next to
 * those in order before them (at_end: after them, se's first last), each one's place
 * taken by a row not chosen from where it goes: w rows move, not all. The rows left in
 * no order no longer come in the order of their ties (v->mixed). */
static void view_grow(struct view *v, struct radix_entry *e, const struct radix_entry *se,
		      size_t w, int at_end)
{
	size_t a = v->sorted_head, b = v->sorted_tail, lo = at_end ? b - w : a, hi = lo + w;
	size_t d = lo;
	struct row *top = xmalloc((w ? w : 1) * sizeof(*top));
	int log = v->moved_gen == v->gen;

	for (size_t i = 0; i < w; i++) {
		top[i] = v->rows[se[i].idx];
		*mid_flag(v, se[i].idx) = 1;
	}
	/* a chosen row from outside [lo, hi) leaves its place to one not chosen from it */
	for (size_t i = 0; i < w; i++) {
		size_t p = se[i].idx;

		if (p >= lo && p < hi)
			continue;
		while (*mid_flag(v, d))
			d++;
		v->rows[p] = v->rows[d];
		e[p - a] = e[d - a];
		e[p - a].idx = (uint32_t)p;
		if (log)
			moved_add(v, p);
		d++;
	}
	for (size_t i = 0; i < w; i++) {
		size_t p = at_end ? b - 1 - i : a + i;

		v->rows[p] = top[i];
		*mid_flag(v, se[i].idx) = 0;
		if (log)
			moved_add(v, p);
	}
	free(top);
	v->gen++;
	v->mid_gen = v->gen; /* the entries of the rows left in no order hold */
	if (log)
		v->moved_gen = v->gen;
	v->mixed = 1;
	if (at_end)
		v->sorted_tail -= w;
	else
		v->sorted_head += w;
}

/* The first (or, at_end, the last) k rows of those not in order yet, e their entries,
 * sorted and moved next to those in order before (after) them. */
static void view_grow_first(struct view *v, struct radix_entry *e, size_t k, int at_end)
{
	struct radix_entry *se = xmalloc((k ? k : 1) * sizeof(*se));
	size_t w = select_into(e, v->sorted_tail - v->sorted_head, k, at_end, NULL, se);

	view_grow(v, e, se, w, at_end);
	free(se);
}

/* Every row not in order yet sorted: those in order before them come first in the order,
 * those after last. */
static void view_sort_middle(struct view *v, const struct view_sorter *s)
{
	v->gen++;
	if (v->sorted_tail - v->sorted_head > 1)
		view_sort_all(v, v->sorted_head, v->sorted_tail, s->place, s->o->key,
			      s->o->ascending);
	v->sorted_head = v->sorted_tail = v->nrows;
	v->mixed = 0;
}

/* Rows [lo, hi) put in order: the first rows not in order yet selected (or the last, when
 * fewer), all of them sorted when that is many. */
static void view_need_sorted(struct view *v, const struct view_sorter *s, size_t lo,
			     size_t hi)
{
	size_t a = v->sorted_head, b = v->sorted_tail, n = b - a, front, back, k;
	struct radix_entry *e;

	if (hi > v->nrows)
		hi = v->nrows;
	if (lo >= hi || hi <= a || lo >= b || a >= b)
		return;
	front = hi < b ? hi - a : n;
	back = lo > a ? b - lo : n;
	k = front < back ? front : back;
	if (k * 8 >= n) {
		view_sort_middle(v, s);
		return;
	}
	e = mid_entries(v, s);
	view_grow_first(v, e, k, back < front);
}

/* All n rows with the first wh of sh (in its order) at the front, the last wt of st at
 * the end (st's first last), the others between them in the order they had: in place,
 * so that no fresh memory is touched (a million rows' other buffer faults in for
 * ~100 ms the first time). */
static void rows_place_ends(struct view *v, const struct radix_entry *sh, size_t wh,
			    const struct radix_entry *st, size_t wt, uint8_t *used)
{
	struct row *rows = v->rows, *top = xmalloc((wh + wt ? wh + wt : 1) * sizeof(*top));
	size_t n = v->nrows, s, to, ub = 0;

	memset(used, 0, n);
	for (size_t i = 0; i < wh; i++) {
		top[i] = rows[sh[i].idx];
		used[sh[i].idx] = 1;
	}
	for (size_t i = 0; i < wt; i++) {
		top[wh + i] = rows[st[i].idx];
		used[st[i].idx] = 1;
	}
	/* another row goes to wh + the others before it: right of where it is up to the
	 * wh-th chosen row (s), at or left of it from there on; each stretch is moved from
	 * its far end, so that no row is written over before it is read */
	for (s = 0; ub < wh; s++)
		ub += used[s];
	to = s;
	for (size_t i = s; i < n; i++)
		if (!used[i])
			rows[to++] = rows[i];
	to = s;
	for (size_t i = s; i-- > 0;)
		if (!used[i])
			rows[--to] = rows[i];
	if (wh)
		memcpy(rows, top, wh * sizeof(*top));
	for (size_t i = 0; i < wt; i++)
		rows[n - 1 - i] = top[wh + i];
	free(top);
}

/* A new view's first limit rows (0: all) in order, and its near row (v->near) with the
 * rows around it: one pass makes the keys and counts the rows before the near one (its
 * place: the order is total); the rows wanted at the two ends are selected from them. */
static void view_sort_near(struct view *v, const struct view_sorter *s, size_t limit)
{
	const struct view_opts *o = s->o;
	size_t n = v->nrows, r = 0, lo, hi, kh, kt, wh, wt;
	struct radix_entry *e = view_scratch(v, n * (sizeof(*e) + 1)), *sh, *st, x;

	x.k = row_key_bits(&v->rows[v->near], o->key, s->place, o->ascending);
	x.idx = (uint32_t)v->near;
	x.seq = v->rows[v->near].seq;
	for (size_t i = 0; i < n; i++) {
		if (!v->keys_made) {
			e[i].k = row_key_bits(&v->rows[i], o->key, s->place, o->ascending);
			e[i].idx = (uint32_t)i;
			e[i].seq = v->rows[i].seq;
		}
		r += entry_before(&e[i], &x);
	}
	lo = r > o->near_before ? r - o->near_before : 0;
	hi = r + o->near_after + 1 < n ? r + o->near_after + 1 : n;
	kh = hi > limit ? hi : limit;   /* from the first row on, the near ones included */
	kt = n - lo;                    /* from the near ones to the end */
	v->near = r;
	if (limit && kh * 8 < n && (kh <= kt || limit * 8 >= n || kt * 8 >= n)) {
		sh = xmalloc(kh * sizeof(*sh));
		wh = select_into(e, n, kh, 0, NULL, sh);
		rows_place(v, 0, n, sh, wh, (uint8_t *)(e + n));
		mid_keep(v, s, MID_PLACED, 0, n);
		v->sorted_head = wh;
		free(sh);
	} else if (limit && limit * 8 < n && kt * 8 < n) {
		sh = xmalloc(limit * sizeof(*sh));
		st = xmalloc(kt * sizeof(*st));
		wh = select_into(e, n, limit, 0, NULL, sh);
		wt = select_into(e, n, kt, 1, NULL, st);
		rows_place_ends(v, sh, wh, st, wt, (uint8_t *)(e + n));
		mid_keep(v, s, MID_PLACED, 0, n);
		v->sorted_head = wh;
		v->sorted_tail = n - wt;
		free(sh);
		free(st);
	} else {
		view_sort_middle(v, s);
	}
}

/* Sorts the rows of the view, or only its first o->limit. */
static void view_sort(const struct model *m, const struct view_opts *o, struct view *v)
{
	struct view_sorter s;

	v->sorted_head = 0;
	v->sorted_tail = v->nrows;
	v->mixed = 0;
	if (v->nrows < 2) {
		v->sorted_head = v->nrows;
		v->keys_made = 0;
		return;
	}
	sorter_init(&s, m, o, v);
	if (o->near_on && v->near < v->nrows)
		view_sort_near(v, &s, o->limit);
	else if (o->limit && o->limit * 8 < v->nrows)
		view_need_sorted(v, &s, 0, o->limit);
	else
		view_sort_middle(v, &s);
	v->keys_made = 0; /* the scratch is the sort's now */
	free(s.place);
}

void view_sort_rest(const struct model *m, const struct view_opts *o, struct view *v,
		    size_t from)
{
	struct view_sorter s;

	if (from >= v->nrows || v->sorted_head >= v->sorted_tail)
		return;
	sorter_init(&s, m, o, v);
	if (from < v->sorted_head)
		from = v->sorted_head;
	view_need_sorted(v, &s, from, v->nrows);
	if (v->sorted_head < v->sorted_tail)
		view_sort_middle(v, &s);
	free(s.place);
}

void view_need(const struct model *m, const struct view_opts *o, struct view *v, size_t lo,
	       size_t hi)
{
	struct view_sorter s;

	if (hi > v->nrows)
		hi = v->nrows;
	if (lo >= hi || hi <= v->sorted_head || lo >= v->sorted_tail)
		return;
	sorter_init(&s, m, o, v);
	view_need_sorted(v, &s, lo, hi);
	free(s.place);
}

/* The first k of the n entries (last: the last k), f among them with nb before it (after
 * it, last), sorted into se: those before f taken in one pass and sorted, f, then the
 * rest selected from those after it. */
static void select_through(const struct radix_entry *e, size_t n, const struct radix_entry *f,
			   size_t nb, size_t k, int last, struct radix_entry *se)
{
	struct radix_entry *t = xmalloc((2 * nb + 1) * sizeof(*t)), fx, x;
	uint64_t flip = last ? ~0ULL : 0;
	size_t w = 0;

	fx = *f;
	fx.k ^= flip;
	fx.seq ^= (uint32_t)flip;
	for (size_t j = 0; j < n && w < nb; j++) {
		x = e[last ? n - 1 - j : j];
		x.k ^= flip;
		x.seq ^= (uint32_t)flip;
		if (entry_before(&x, &fx))
			t[w++] = x;
	}
	entries_sort(t, t + nb, w);
	for (size_t j = 0; j < w; j++) {
		se[j] = t[j];
		se[j].k ^= flip;
		se[j].seq ^= (uint32_t)flip;
	}
	se[w++] = *f;
	if (k > w)
		select_into(e, n, k - w, last, f, se + w);
	free(t);
}

/* The row at i, one of those not in order (e: their entries, READY), moved to its place
 * with before rows before it and after rows after it in order too. */
static size_t place_entry(struct view *v, const struct view_sorter *s, struct radix_entry *e,
			  size_t i, size_t before, size_t after)
{
	size_t a = v->sorted_head, b = v->sorted_tail, n = b - a, r = 0, lo, hi, k;
	struct radix_entry *se;
	int at_end;

	/* its place: the order is total, so the rows before it say where it goes */
	for (size_t j = 0; j < n; j++)
		r += entry_before(&e[j], &e[i - a]);
	r += a;
	lo = r > a + before ? r - before : a;
	hi = r + after + 1 < b ? r + after + 1 : b;
	k = hi - a < b - lo ? hi - a : b - lo;
	if (k * 8 >= n) {
		view_sort_middle(v, s);
		return r;
	}
	/* the rows from the first not in order to the row's last after it (or from its first
	 * before it to the last): those on its side of it known by its place, not selected */
	at_end = b - lo <= hi - a;
	se = xmalloc(k * sizeof(*se));
	select_through(e, n, &e[i - a], at_end ? b - 1 - r : r - a, k, at_end, se);
	view_grow(v, e, se, k, at_end);
	free(se);
	return r;
}

size_t view_place(const struct model *m, const struct view_opts *o, struct view *v,
		  size_t i, size_t before, size_t after)
{
	size_t a = v->sorted_head, b = v->sorted_tail, r;
	struct view_sorter s;
	struct radix_entry *e;

	if (i < a || i >= b) {
		view_need(m, o, v, i > before ? i - before : 0, i + after + 1);
		return i;
	}
	sorter_init(&s, m, o, v);
	e = mid_entries(v, &s);
	r = place_entry(v, &s, e, i, before, after);
	free(s.place);
	return r;
}

void view_middle_ready(const struct model *m, const struct view_opts *o, struct view *v)
{
	struct view_sorter s;

	if (v->sorted_head >= v->sorted_tail)
		return;
	sorter_init(&s, m, o, v);
	mid_entries(v, &s);
	free(s.place);
}

/* view_find() and view_find_ids(): want(arg, i) asked of row i, or by_id[its seq]. */
static size_t find_in_middle(const struct model *m, const struct view_opts *o, struct view *v,
			     int last, int (*want)(void *arg, size_t i), void *arg,
			     const uint8_t *by_id, size_t nid, size_t before, size_t after)
{
	size_t a = v->sorted_head, b = v->sorted_tail, found = SIZE_MAX;
	struct radix_entry *e, *best = NULL;
	struct view_sorter s;

	if (a >= b)
		return SIZE_MAX;
	sorter_init(&s, m, o, v);
	e = mid_entries(v, &s);
	/* only a row that goes before the best wanted one so far is asked about */
	for (size_t i = a; i < b; i++) {
		struct radix_entry *x = &e[i - a];

		if (best && (last ? entry_before(x, best) : entry_before(best, x)))
			continue;
		if (by_id ? x->seq < nid && by_id[x->seq] == 2 : want(arg, i)) {
			best = x;
			found = i;
		}
	}
	if (found != SIZE_MAX)
		found = place_entry(v, &s, e, found, before, after);
	free(s.place);
	return found;
}

size_t view_find(const struct model *m, const struct view_opts *o, struct view *v, int last,
		 int (*want)(void *arg, size_t i), void *arg, size_t before, size_t after)
{
	return find_in_middle(m, o, v, last, want, arg, NULL, 0, before, after);
}

size_t view_find_ids(const struct model *m, const struct view_opts *o, struct view *v,
		     int last, const uint8_t *by_id, size_t n, size_t before, size_t after)
{
	return find_in_middle(m, o, v, last, NULL, NULL, by_id, n, before, after);
}

/* view_sort_slice()'s work: the entries of rows [a, b) made (KEYS), radix sorted a pass
 * at a time (PASS), the new rows made from them (ROWS) and handed on (COPY). */
enum bg_phase { BG_KEYS, BG_PASS, BG_ROWS, BG_COPY };

struct view_bg {
	uint64_t gen;             /* the view's when the work began */
	enum sort_key key;
	int ascending;
	size_t a, b, pos;         /* the rows sorted; the next to go in this phase */
	enum bg_phase phase;
	int pass;                 /* PASS's pass (radix_pass_byte()) */
	int with_seq;             /* the rows no longer come in the order of their ties */
	int given_up;             /* view_sort_slice_give_up(): it starts again when asked */
	struct radix_entry *e, *t; /* the entries in their order so far, the other half */
	struct radix_entry *mem;  /* e and t */
	size_t count[RADIX_BYTES][256];
	uint32_t *place;          /* KEY_LABEL */
	struct row *rows;         /* the new rows, all nrows of them */
	struct row *old;          /* the rows the view had, once it took the new ones */
};

#define BG_CHUNK 4096 /* rows between looks at the clock: well under a millisecond */

void view_sort_slice_give_up(struct view *v)
{
	if (v->bg)
		v->bg->given_up = 1;
}

int view_sort_slice_stop(struct view *v)
{
	struct view_bg *g = v->bg;

	if (!g)
		return 1;
	g->given_up = 1; /* part of it freed: never resumed */
	if (g->old || g->rows || g->mem) {
		/* one buffer a call */
		void **p = g->old ? (void **)&g->old : g->rows ? (void **)&g->rows
							       : (void **)&g->mem;

		free(*p);
		*p = NULL;
		return 0;
	}
	free(g->place);
	free(g);
	v->bg = NULL;
	return 1;
}

static void view_bg_free(struct view *v)
{
	while (!view_sort_slice_stop(v))
		;
}

/* The work begun again on the view as it is now. */
static struct view_bg *view_bg_start(const struct model *m, const struct view_opts *o,
				     struct view *v)
{
	struct view_bg *g;

	view_bg_free(v);
	g = v->bg = xcalloc(1, sizeof(*g));
	g->gen = v->gen;
	g->key = o->key;
	g->ascending = o->ascending;
	g->a = v->sorted_head;
	g->b = v->sorted_tail;
	g->pos = g->a;
	g->with_seq = v->mixed;
	g->e = g->mem = xmalloc(2 * (g->b - g->a) * sizeof(*g->e));
	g->t = g->e + (g->b - g->a);
	g->place = o->key == KEY_LABEL ? label_places(m, v) : NULL;
	return g;
}

/* Up to BG_CHUNK rows' (or entries') worth of the work; 1 when it is all done. */
static int view_bg_chunk(struct view *v, struct view_bg *g, void (*copy)(void *arg,
			 const struct row *rows, size_t lo, size_t hi), void *arg)
{
	size_t n = g->b - g->a, end;

	switch (g->phase) {
	case BG_KEYS:
		end = g->pos + BG_CHUNK < g->b ? g->pos + BG_CHUNK : g->b;
		for (size_t i = g->pos; i < end; i++) {
			struct radix_entry *x = &g->e[i - g->a];

			x->k = row_key_bits(&v->rows[i], g->key, g->place, g->ascending);
			x->idx = (uint32_t)i;
			x->seq = v->rows[i].seq;
			radix_count(g->count, x, g->with_seq);
		}
		g->pos = end;
		if (end == g->b) {
			g->phase = BG_PASS;
			g->pos = 0;
			g->pass = g->with_seq ? 0 : RADIX_SEQ;
		}
		return 0;
	case BG_PASS: {
		int d = radix_pass_byte(g->pass);
		size_t *c = g->count[d];

		if (g->pos == 0 && !radix_pass_begin(c, n, &g->e[0], d)) {
			g->phase = ++g->pass == RADIX_BYTES ? BG_ROWS : BG_PASS;
			return 0;
		}
		end = g->pos + BG_CHUNK < n ? g->pos + BG_CHUNK : n;
		radix_scatter(g->e, g->t, g->pos, end, c, d);
		g->pos = end;
		if (end == n) {
			struct radix_entry *x = g->e;

			g->e = g->t;
			g->t = x;
			g->pos = 0;
			g->phase = ++g->pass == RADIX_BYTES ? BG_ROWS : BG_PASS;
		}
		return 0;
	}
	case BG_ROWS:
		if (!g->rows) {
			g->rows = xhuge_hint(xmalloc(v->nrows * sizeof(*g->rows)),
					     v->nrows * sizeof(*g->rows));
			memcpy(g->rows, v->rows, g->a * sizeof(*g->rows));
			memcpy(g->rows + g->b, v->rows + g->b, (v->nrows - g->b) * sizeof(*g->rows));
		}
		end = g->pos + BG_CHUNK < n ? g->pos + BG_CHUNK : n;
		for (size_t i = g->pos; i < end; i++)
			g->rows[g->a + i] = v->rows[g->e[i].idx];
		g->pos = end;
		if (end == n) {
			g->phase = BG_COPY;
			g->pos = g->a;
		}
		return 0;
	case BG_COPY:
		end = g->pos + BG_CHUNK < g->b ? g->pos + BG_CHUNK : g->b;
		if (copy)
			copy(arg, g->rows, g->pos, end);
		g->pos = end;
		return end == g->b;
	}
	return 0;
}

int view_sort_slice(const struct model *m, const struct view_opts *o, struct view *v,
		    double deadline, void (*copy)(void *arg, const struct row *rows, size_t lo,
						  size_t hi), void *arg)
{
	struct view_bg *g = v->bg;

	if (v->sorted_head >= v->sorted_tail)
		return view_sort_slice_stop(v);
	if (!g || g->given_up || g->gen != v->gen || g->key != o->key ||
	    g->ascending != o->ascending)
		g = view_bg_start(m, o, v);
	do {
		if (view_bg_chunk(v, g, copy, arg)) {
			g->old = v->rows; /* freed by the calls after */
			v->rows = g->rows;
			v->cap = v->nrows;
			g->rows = NULL;
			v->sorted_head = v->sorted_tail = v->nrows;
			v->mixed = 0;
			v->gen++;
			return 1;
		}
	} while (time_mono() < deadline);
	return 0;
}

/* The first rows of a view, kept while the candidates stream by (view_opts.top_only):
 * a buffer of 2k is sorted when full and cut to the best k, whose last is the bar. */
struct top_entry {
	struct sort_entry se;
	struct row r;
};

struct topk {
	struct top_entry *e;
	size_t n, k;
	int (*cmp)(const void *a, const void *b, void *order); /* ord->cmp */
	const struct order *ord;
	struct sort_entry bar;
	int have_bar;
};

static int cmp_top_entry(const void *a, const void *b, void *order)
{
	const struct order *ord = order;

	return ord->cmp(&((const struct top_entry *)a)->se, &((const struct top_entry *)b)->se,
			order);
}

static void topk_init(struct topk *t, size_t k, const struct order *ord)
{
	memset(t, 0, sizeof(*t));
	t->k = k;
	t->e = xmalloc(2 * k * sizeof(*t->e));
	t->cmp = ord->cmp;
	t->ord = ord;
}

static void topk_sort(struct topk *t)
{
	qsort_r(t->e, t->n, sizeof(*t->e), cmp_top_entry, (void *)t->ord);
	if (t->n > t->k)
		t->n = t->k;
}

/* The view's rows: the best k, sorted. */
static void topk_finish(struct topk *t, struct view *v)
{
	topk_sort(t);
	for (size_t i = 0; i < t->n; i++)
		view_push(v, &t->e[i].r);
	free(t->e);
}

/* A row that passes the threshold and the filter: into the view, or the top k. */
static void view_offer(const struct model *m, struct view *v, const struct view_opts *o,
		       struct topk *t, const struct row *r)
{
	struct sort_entry se;

	v->shown++;
	v->shown_pages = sat_add(v->shown_pages, r->s->now);
	if (!t) {
		if (v->keys_made) {
			struct radix_entry *e = v->scratch;

			e[v->nrows].k = row_key_bits(r, o->key, NULL, o->ascending);
			e[v->nrows].idx = (uint32_t)v->nrows;
			e[v->nrows].seq = row_seq(v, r);
		}
		view_push(v, r);
		return;
	}
	se.key = row_key(r, o->key);
	se.tie = row_tie(m, o, r);
	se.idx = 0;
	/* the order is total (ties broken by id): a row not better than the bar is out */
	if (t->have_bar && t->cmp(&se, &t->bar, (void *)t->ord) >= 0)
		return;
	t->e[t->n].se = se;
	t->e[t->n].r = *r;
	if (++t->n == 2 * t->k) {
		topk_sort(t);
		t->bar = t->e[t->k - 1].se;
		t->have_bar = 1;
	}
}

static inline void totals_add(struct view *v, const struct counter *s)
{
	v->total_pages = sat_add(v->total_pages, s->now);
	v->total_delta = sat_add(v->total_delta, s->delta);
	v->total_delta_base = sat_add(v->total_delta_base, s->delta_base);
	v->total_rate += s->rate;
	v->total_calls = sat_add(v->total_calls, s->calls);
}

/* Empties the view and counts the totals of every stack (sum), or leaves them to the
 * pass that offers the stacks. */
static void view_totals(const struct model *m, struct view *v, int sum)
{
	v->nrows = v->shown = 0;
	v->near = SIZE_MAX;
	v->total_pages = v->total_delta = v->total_delta_base = v->shown_pages = 0;
	v->total_rate = 0;
	v->total_calls = 0;
	v->total_rows = 0;
	for (size_t i = 0; sum && i < m->nstacks; i++)
		totals_add(v, &stack_at(m, i)->s);
}

/* Rows are those with pages or a change (a free slot has neither). */
static void offer_stacks(struct model *m, const struct view_opts *o, struct view *v,
			 struct topk *t, int sum)
{
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = stack_at(m, i);
		struct row r = { &st->s, st, NULL, st->label };

		if (sum)
			totals_add(v, &st->s);
		if (!st->s.now && !st->s.delta && !st->s.delta_base)
			continue;
		v->total_rows++;
		if (st->s.now < v->threshold)
			continue;
		if (o->filter && !filter_stack(m, o->filter, st))
			continue;
		if (st == o->near_stack && o->near_on && !t)
			v->near = v->nrows;
		view_offer(m, v, o, t, &r);
	}
}

static void offer_groups(struct model *m, const struct view_opts *o, struct view *v,
			 struct topk *t)
{
	for (size_t i = 0; i < m->ngroups[o->group]; i++) {
		const struct group *g = &m->groups[o->group][i];
		struct row r = { &g->s, NULL, g, g->label };

		if (!g->s.now && !g->s.delta && !g->s.delta_base)
			continue;
		v->total_rows++;
		if (g->s.now < v->threshold)
			continue;
		if (o->filter && !filter_label(m, o->filter, g->label))
			continue;
		if (g->label == o->near_label && o->near_on && !o->near_stack && !t)
			v->near = v->nrows;
		view_offer(m, v, o, t, &r);
	}
}

double view_share(const struct view *v, const struct counter *s)
{
	return v->total_pages > 0 ? (double)s->now * 100.0 / (double)v->total_pages : 0;
}

/* ---- stacks of the same label told apart ---- */

/* Stacks of one label are sorted by their frames: outwards from the caller by function,
 * then by frame (offsets), then inwards (the allocator's frames) the same two ways. The
 * other stack most like one is then next to it, so the first place where it differs
 * from its neighbours is where it differs from them all. */
enum { APART_PARTS = 4, APART_SHIFT = 20 };

/* Frame i of part p of st: outwards from the caller (p 0, 1) or inwards from it (2,
 * 3); -1 past the end. */
static int64_t apart_frame(const struct stack *st, int p, unsigned i)
{
	unsigned k;

	if (p < 2) {
		k = st->caller + 1u + i;
		if (k >= st->nframes)
			return -1;
	} else {
		if (i >= st->caller)
			return -1;
		k = st->caller - 1u - i;
	}
	return st->frames[k];
}

/* That frame as part p compares it: its function (p even) or itself. */
static int64_t apart_of(const struct model *m, int p, int64_t f)
{
	return f < 0 || p % 2 ? f : (int64_t)m->frame_info[f].func;
}

static int64_t apart_at(const struct model *m, const struct stack *st, int p, unsigned i)
{
	return apart_of(m, p, apart_frame(st, p, i));
}

/* Where a and b differ first: (p << APART_SHIFT) + i, larger the more alike they are;
 * -1 when they do not differ. */
static int apart_diff(const struct model *m, const struct stack *a, const struct stack *b,
		      int *order)
{
	for (int p = 0; p < APART_PARTS; p++)
		for (unsigned i = 0;; i++) {
			int64_t fa = apart_frame(a, p, i), fb = apart_frame(b, p, i), x, y;

			/* the same frame is the same function: no look at its info */
			if (fa == fb) {
				if (fa < 0)
					break;
				continue;
			}
			x = apart_of(m, p, fa);
			y = apart_of(m, p, fb);
			if (x != y) {
				*order = x < y ? -1 : 1;
				return (p << APART_SHIFT) + (int)i;
			}
		}
	*order = 0;
	return -1;
}

/* A run is sorted on flat keys: a stack's parts one after the other (apart_at()), each
 * value + 1 and each part ended by 0, so that keys compare as apart_diff() does, on
 * memory read in order. */
struct apart_key {
	uint32_t off, id;          /* its key in the keys' buffer; the stack (ties) */
};

static size_t apart_key_put(const struct model *m, const struct stack *st, uint32_t *out)
{
	size_t n = 0;
	int64_t x;

	for (int p = 0; p < APART_PARTS; p++) {
		for (unsigned i = 0; (x = apart_at(m, st, p, i)) >= 0; i++)
			out[n++] = (uint32_t)x + 1;
		out[n++] = 0;
	}
	return n;
}

static int cmp_apart_key(const void *pa, const void *pb, void *arg)
{
	const struct apart_key *a = pa, *b = pb;
	const uint32_t *x = (const uint32_t *)arg + a->off, *y = (const uint32_t *)arg + b->off;

	for (int ends = 0; ends < APART_PARTS; x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			ends++;
	}
	return a->id < b->id ? -1 : a->id > b->id;
}

/* apart_diff() of two keys. */
static int apart_key_diff(const uint32_t *x, const uint32_t *y)
{
	int p = 0, i = 0;

	for (;; x++, y++) {
		if (*x != *y)
			return (p << APART_SHIFT) + i;
		if (*x) {
			i++;
		} else {
			if (++p == APART_PARTS)
				return -1;
			i = 0;
		}
	}
}

/* The texts no stack has any more pile up as stacks come and go: when they take half as
 * much again as those kept the last time (and 64 KiB), the stacks' own move down over
 * them, in place, and are numbered again (model_apart_gen() says so). */
static void aparts_compact(struct model *m)
{
	uint64_t *keep;
	uint32_t *to, n = 0, len = 0;

	if ((uint64_t)m->apart_len <= m->apart_kept + (uint64_t)m->apart_kept / 2 + 65536)
		return;
	keep = xcalloc(m->napart / 64 + 1, sizeof(*keep));
	to = xmalloc((m->napart ? m->napart : 1) * sizeof(*to));
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = stack_at(m, i);

		for (int u = 0; u < 2 && !st->freed; u++)
			if (st->apart[u] & MODEL_APART_ID) {
				uint32_t id = st->apart[u] & ~MODEL_APART_ID;

				keep[id / 64] |= 1ULL << (id % 64);
			}
	}
	/* texts lie in the order of their ids: each moves down, never over one kept */
	for (uint32_t id = 0; id < m->napart; id++) {
		const char *s;
		size_t l;

		if (!(keep[id / 64] >> (id % 64) & 1))
			continue;
		s = m->apart_buf + m->apart_off[id];
		l = strlen(s) + 1;
		if (s != m->apart_buf + len)
			memmove(m->apart_buf + len, s, l);
		m->apart_off[n] = len;
		to[id] = n++;
		len += (uint32_t)l;
	}
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);

		for (int u = 0; u < 2 && !st->freed; u++)
			if (st->apart[u] & MODEL_APART_ID)
				st->apart[u] = MODEL_APART_ID | to[st->apart[u] & ~MODEL_APART_ID];
	}
	free(keep);
	free(to);
	m->napart = n;
	m->apart_len = m->apart_kept = len;
	m->apart_gen++;
	/* what was allocated for the texts of a busier time goes back */
	if (m->apart_cap > 2 * (uint64_t)len + 65536) {
		m->apart_cap = len + len / 2 + 65536;
		m->apart_buf = xrealloc(m->apart_buf, m->apart_cap);
	}
	if (m->capapart > 4 * (uint64_t)n + 1024) {
		m->capapart = 2 * n + 1024;
		m->apart_off = xreallocarray(m->apart_off, m->capapart, sizeof(uint32_t));
	}
}

/* A text of the stack's own (when it has it already, that one): its id, or its label's
 * when the texts would pass 4 GiB. */
static uint32_t apart_text(struct model *m, const struct stack *st, int utf8, const char *s)
{
	uint32_t old = st->apart[utf8], l = (uint32_t)strlen(s) + 1;

	if ((old & MODEL_APART_ID) && strcmp(model_label(m, old), s) == 0)
		return old;
	if ((uint64_t)m->apart_len + l > UINT32_MAX - 1)
		return st->label;
	if (m->apart_len + l > m->apart_cap) {
		uint64_t cap = m->apart_cap ? m->apart_cap + (uint64_t)m->apart_cap / 2 : 65536;

		while (cap < (uint64_t)m->apart_len + l)
			cap += cap / 2;
		m->apart_cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
		m->apart_buf = xrealloc(m->apart_buf, m->apart_cap);
	}
	if (m->napart == m->capapart) {
		m->capapart = m->capapart ? 2 * m->capapart : 1024;
		m->apart_off = xreallocarray(m->apart_off, m->capapart, sizeof(uint32_t));
	}
	memcpy(m->apart_buf + m->apart_len, s, l);
	m->apart_off[m->napart] = m->apart_len;
	m->apart_len += l;
	return MODEL_APART_ID | m->napart++;
}

/* "label <- f", "label ← … ← f" (outwards), "label -> f" (inwards) for a stack that
 * differs from the most alike other at d; the label when it does not (d < 0). */
static void apart_name(struct model *m, struct stack *st, int d)
{
	int p = d >> APART_SHIFT;
	unsigned i = (unsigned)(d & ((1 << APART_SHIFT) - 1));
	int64_t f = d < 0 ? -1 : apart_at(m, st, p, i);
	const char *label, *name;
	char *s;

	if (f < 0) {
		/* it ends where the other goes on: its last frame that way names it */
		if (d < 0 || !i) {
			st->apart[0] = st->apart[1] = st->label;
			return;
		}
		f = apart_at(m, st, p, --i);
	}
	for (int utf8 = 0; utf8 < 2; utf8++) {
		const char *arrow = p < 2 ? (utf8 ? " ← " : " <- ") : (utf8 ? " → " : " -> ");
		const char *skip = utf8 ? "…" : "...";

		label = strtab_str(m->labels, st->label);
		name = p % 2 ? strtab_str(m->frames, (uint32_t)f)
			     : strtab_str(m->labels, (uint32_t)f);
		s = i ? xasprintf("%s%s%s%s%s", label, arrow, skip, arrow, name)
		      : xasprintf("%s%s%s", label, arrow, name);
		st->apart[utf8] = apart_text(m, st, utf8, s);
		free(s);
	}
}

/* An allocinfo call site among others of its function: "label @ FILE:LINE". */
static void apart_site(struct model *m, struct stack *st)
{
	const char *site = strtab_str(m->frames, st->frames[st->caller]);
	const char *sp = strchr(site, ' ');
	char *s = xasprintf("%s @ %.*s", strtab_str(m->labels, st->label),
			    (int)(sp ? (size_t)(sp - site) : strlen(site)), site);

	st->apart[0] = apart_text(m, st, 0, s);
	st->apart[1] = apart_text(m, st, 1, s);
	free(s);
}

void apart_runs_free(struct model *m)
{
	free(m->apart_run_at);
	free(m->apart_run_ids);
	free(m->apart_run_asked);
	free(m->apart_run_made);
	if (m->apart_run_look)
		xhuge_free(m->apart_run_look,
			   (m->apart_run_n ? m->apart_run_n : 1) * sizeof(*m->apart_run_look));
	m->apart_run_look = NULL;
	m->apart_run_at = m->apart_run_ids = NULL;
	m->apart_run_asked = NULL;
	m->apart_run_made = NULL;
	m->apart_run_n = m->apart_run_labels = m->apart_run_stacks = 0;
	m->apart_run_ok = 0;
}

/* The stacks of every label whose stacks came, went or changed labels since their apart
 * labels were made, one run per label: a counting sort of two scans of the labels beside
 * the stacks (a free slot's is no label's). */
static void apart_runs(struct model *m)
{
	size_t cap = m->apart_dirty_cap, n = 0;
	const uint8_t *dirty = m->apart_dirty;
	uint32_t *at;

	apart_runs_free(m);
	at = xcalloc(cap + 1, sizeof(*at));
	for (size_t i = 0; i < m->nstacks; i++) {
		uint32_t l = *stack_label_at(m, i);

		if (l < cap && dirty[l]) {
			at[l + 1]++;
			n++;
		}
	}
	for (size_t l = 0; l < cap; l++)
		at[l + 1] += at[l];
	/* the ids, then the runs' order, places and neighbours' depths (apart_sort): those
	 * of a run are written when one of its stacks is asked for, calloc()'s zeros aside */
	m->apart_run_ids = xcalloc(4 * (n ? n : 1), sizeof(uint32_t));
	/* written a stack at a time across it: huge pages, not a fault per 4 KiB */
	m->apart_run_look = xhuge_alloc((n ? n : 1) * sizeof(*m->apart_run_look));
	for (size_t i = 0; i < m->nstacks; i++) {
		uint32_t l = *stack_label_at(m, i);

		if (l < cap && dirty[l])
			m->apart_run_ids[at[l]++] = (uint32_t)i;
	}
	/* each at[l] is now where l's run ends: one place on, it is where l + 1's starts */
	memmove(at + 1, at, cap * sizeof(*at));
	at[0] = 0;
	m->apart_run_at = at;
	m->apart_run_n = n;
	m->apart_run_labels = cap;
	m->apart_run_asked = xcalloc(cap ? cap : 1, 1);
	m->apart_run_stacks = m->nstacks;
	m->apart_run_made = xcalloc(m->nstacks / 64 + 1, sizeof(uint64_t));
	m->apart_run_ok = 1;
}

/* A stack's apart label from d, where it differs from the other of its label most like
 * it (apart_diff()). */
static void apart_one(struct model *m, struct stack *st, int d)
{
	if (d < 0 && st->nframes && m->frame_info[st->frames[st->caller]].is_site)
		apart_site(m, st);
	else
		apart_name(m, st, d);
}

/* The apart labels of the stacks of one label: its run sorted, each stack named by where
 * it differs from its neighbours. */
static void make_apart(struct model *m, uint32_t label)
{
	size_t start = m->apart_run_at[label], k = m->apart_run_at[label + 1] - start;

	m->apart_dirty[label] = 0;
	m->napart_dirty--;
	if (k == 1) {
		struct stack *st = stack_at(m, m->apart_run_ids[start]);

		st->apart[0] = st->apart[1] = st->label; /* alone with its label */
	} else if (k > 1) {
		size_t len = 0;
		struct apart_key *key = xmalloc(k * sizeof(*key));
		uint32_t *buf;

		for (size_t i = 0; i < k; i++)
			len += 2u * stack_at(m, m->apart_run_ids[start + i])->nframes + APART_PARTS;
		buf = xmalloc(len * sizeof(*buf));
		len = 0;
		for (size_t i = 0; i < k; i++) {
			const struct stack *st = stack_at(m, m->apart_run_ids[start + i]);

			key[i].off = (uint32_t)len;
			key[i].id = st->id;
			len += apart_key_put(m, st, buf + len);
		}
		qsort_r(key, k, sizeof(*key), cmp_apart_key, buf);
		for (size_t i = 0; i < k; i++) {
			const uint32_t *x = buf + key[i].off;
			int d = -1, e;

			if (i > 0)
				d = apart_key_diff(x, buf + key[i - 1].off);
			if (i + 1 < k && (e = apart_key_diff(x, buf + key[i + 1].off)) > d)
				d = e;
			apart_one(m, stack_at(m, key[i].id), d);
		}
		free(key);
		free(buf);
	}
	if (!m->napart_dirty)
		apart_runs_free(m);
}

/* The news seen so far, in the count apart_memo's seq keeps. */
static uint64_t apart_news_seen(const struct model *m)
{
	return m->apart_news_base + m->napart_news;
}

static void apart_memo_set(struct model *m, const struct stack *st, int d, uint32_t who)
{
	struct apart_memo *mm;

	if (!m->apart_memo) {
		m->apart_memo = xcalloc(APART_MEMO, sizeof(*m->apart_memo));
		m->napart_news = 0; /* none was kept before */
	}
	mm = &m->apart_memo[st->id % APART_MEMO];
	mm->id1 = st->id + 1;
	mm->label = st->label;
	mm->d = d;
	mm->who = who;
	mm->seq = apart_news_seen(m);
}

/* A stack made one at a time before, made again from the news since: where it differs
 * most is the old place, unless a newcomer differs later or the stack that did left.
 * 0 when the news do not tell (that one or the stack left, or they were dropped). */
static int apart_follow(struct model *m, struct stack *st)
{
	const struct apart_memo *mm;
	int d, e, order;
	uint32_t who;

	if (!m->apart_memo)
		return 0;
	mm = &m->apart_memo[st->id % APART_MEMO];
	if (mm->id1 != st->id + 1 || mm->label != st->label || mm->seq < m->apart_news_base)
		return 0;
	d = mm->d;
	who = mm->who;
	for (size_t i = (size_t)(mm->seq - m->apart_news_base); i < m->napart_news; i++) {
		const struct apart_news *n = &m->apart_news[i];
		const struct stack *o;

		if ((n->label & ~APART_LEFT) != st->label)
			continue;
		if (n->id == st->id || (n->label & APART_LEFT && n->id == who))
			return 0;
		o = stack_at(m, n->id);
		/* one that came and left since (its leaving follows) counts for nothing */
		if (n->label & APART_LEFT || o->freed || o->label != st->label)
			continue;
		e = apart_diff(m, st, o, &order);
		if (e < 0)
			return 0; /* alike: named by the sorted run */
		if (e > d) {
			d = e;
			who = o->id;
		}
	}
	apart_one(m, st, d);
	apart_memo_set(m, st, d, who);
	return 1;
}

/* A run sorted as far as the stacks asked for need: segments of it alike so far, in
 * the order make_apart() sorts. Where two neighbours are told apart (apart_diff()) is
 * known from the segment split there on: lcp[j] is that of j - 1 and j, + 1; 0 inside
 * a segment. Places are the run's (ids sorted by id); ord[] the order, where[] its
 * inverse. */
struct apart_sort {
	uint32_t *ids, *ord, *where, *lcp;
	struct apart_look *look;   /* by place */
	size_t k;
};

static void apart_sort_get(struct model *m, uint32_t label, struct apart_sort *s)
{
	size_t n = m->apart_run_n ? m->apart_run_n : 1, start = m->apart_run_at[label];

	s->k = m->apart_run_at[label + 1] - start;
	s->ids = m->apart_run_ids + start;
	s->ord = m->apart_run_ids + n + start;
	s->where = m->apart_run_ids + 2 * n + start;
	s->lcp = m->apart_run_ids + 3 * n + start;
	s->look = m->apart_run_look + start;
	if (!m->apart_run_asked[label]) {
		for (size_t j = 0; j < s->k; j++)
			s->ord[j] = s->where[j] = (uint32_t)j;
		m->apart_run_asked[label] = 1;
	}
}

/* Sorts keys on their high 32 bits, a byte at a time, passing over bytes all share. */
static void apart_radix(uint64_t *a, uint64_t *tmp, size_t n)
{
	if (n < 32) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = a[i];
			size_t j = i;

			for (; j && a[j - 1] >> 32 > x >> 32; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	for (int sh = 32; sh < 64; sh += 8) {
		size_t at[256] = { 0 }, sum = 0;

		for (size_t i = 0; i < n; i++)
			at[a[i] >> sh & 255]++;
		if (at[a[0] >> sh & 255] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t c = at[b];

			at[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[at[a[i] >> sh & 255]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
}

/* The first depth from d on where the stacks of segment [lo, lo + n) differ, -1 when
 * they do not: each compared with the first only up to the first difference found so
 * far, one stack at a time (its frames are together in memory, the segment is not). */
static int apart_first_diff(const struct model *m, const struct apart_sort *s, size_t lo,
			    size_t n, int d)
{
	const struct stack *s0 = stack_at(m, s->ids[s->ord[lo]]);
	int best = INT_MAX;

	for (size_t j = 1; j < n; j++) {
		const struct stack *st = stack_at(m, s->ids[s->ord[lo + j]]);
		int p = d >> APART_SHIFT;
		unsigned i = (unsigned)(d & ((1 << APART_SHIFT) - 1));

		/* the depths come in increasing order: those past best need no look */
		while (p < APART_PARTS && (p << APART_SHIFT) + (int)i < best) {
			int64_t v0 = apart_at(m, s0, p, i);

			if (apart_at(m, st, p, i) != v0) {
				best = (p << APART_SHIFT) + (int)i;
				break;
			}
			if (v0 >= 0) {
				i++;
			} else {
				p++;
				i = 0;
			}
		}
	}
	return best == INT_MAX ? -1 : best;
}

/* Splits segment [lo, hi) at the first depth from d on where its stacks differ: -1 when
 * they do not (alike stacks are named by their place: make_apart()). */
static int apart_split(struct model *m, struct apart_sort *s, size_t lo, size_t hi, int d)
{
	size_t n = hi - lo;
	uint64_t *key;
	int p, at = apart_first_diff(m, s, lo, n, d), parted = 0;
	unsigned i;

	if (at < 0)
		return -1; /* alike to their ends */
	p = at >> APART_SHIFT;
	i = (unsigned)(at & ((1 << APART_SHIFT) - 1));
	key = xmalloc(2 * n * sizeof(*key));
	for (size_t j = 0; j < n; j++) {
		uint32_t o = s->ord[lo + j], v;
		struct apart_look *lk = &s->look[o];
		uint32_t w = (uint32_t)at - (lk->d1 - 1);

		if (lk->d1 && w < APART_LOOK) {
			v = (uint32_t)(apart_of(m, p, (int64_t)lk->f[w] - 1) + 1);
		} else {
			const struct stack *st = stack_at(m, s->ids[o]);

			v = (uint32_t)(apart_at(m, st, p, i) + 1);
			lk->d1 = (uint32_t)at + 2;
			for (w = 0; w < APART_LOOK; w++)
				lk->f[w] = (uint32_t)(apart_frame(st, p, i + 1 + w) + 1);
		}
		key[j] = (uint64_t)v << 32 | o;
	}
	apart_radix(key, key + n, n);
	for (size_t j = 0; j < n; j++) {
		s->ord[lo + j] = (uint32_t)key[j];
		s->where[s->ord[lo + j]] = (uint32_t)(lo + j);
		if (j && key[j] >> 32 != key[j - 1] >> 32) {
			s->lcp[lo + j] = (uint32_t)((p << APART_SHIFT) + (int)i) + 1;
			parted = 1;
		}
	}
	free(key);
	/* one that parts none would be tried again forever: the run is sorted whole */
	return parted ? 0 : -1;
}

/* Where the segment from lo on was split from its neighbours, one depth on: where its
 * stacks may differ first. */
static int apart_depth(const struct model *m, const struct apart_sort *s, size_t lo, size_t hi)
{
	int d = -1, p;
	unsigned i;

	if (lo > 0)
		d = (int)s->lcp[lo] - 1;
	if (hi < s->k && (int)s->lcp[hi] - 1 > d)
		d = (int)s->lcp[hi] - 1;
	if (d < 0)
		return 0;
	p = d >> APART_SHIFT;
	i = (unsigned)(d & ((1 << APART_SHIFT) - 1));
	if (apart_at(m, stack_at(m, s->ids[s->ord[lo]]), p, i) < 0)
		return (p + 1) << APART_SHIFT;
	return d + 1;
}

/* Where st differs from the other of its label most like it, and that other (*who): its
 * segment split until it is alone, as sorting the run whole would place it. -2 when
 * another is alike. */
static int apart_sorted_diff(struct model *m, const struct stack *st, uint32_t *who)
{
	struct apart_sort s;
	size_t lo, hi, pos, r = 0, n;
	int d = -1;

	apart_sort_get(m, st->label, &s);
	for (n = s.k; n > 1; n -= n / 2)
		if (s.ids[r + n / 2] <= st->id)
			r += n / 2;
	for (;;) {
		pos = s.where[r];
		for (lo = pos; lo > 0 && !s.lcp[lo]; lo--)
			;
		for (hi = pos + 1; hi < s.k && !s.lcp[hi]; hi++)
			;
		if (hi - lo == 1)
			break;
		if (apart_split(m, &s, lo, hi, apart_depth(m, &s, lo, hi)) < 0)
			return -2;
	}
	if (pos > 0) {
		d = (int)s.lcp[pos] - 1;
		*who = s.ids[s.ord[pos - 1]];
	}
	if (pos + 1 < s.k && (int)s.lcp[pos + 1] - 1 > d) {
		d = (int)s.lcp[pos + 1] - 1;
		*who = s.ids[s.ord[pos + 1]];
	}
	return d;
}

/* Alone with its label: named by it, as make_apart() names a run of one. */
static void apart_alone(struct model *m, struct stack *st)
{
	st->apart[0] = st->apart[1] = st->label;
	m->apart_dirty[st->label] = 0;
	m->napart_dirty--;
	if (!m->napart_dirty)
		apart_runs_free(m);
}

/* Stacks told apart by one scan: at most this many of a label (the rest are asked for
 * the usual way), so that the scan compares each stack with at most as many; their
 * labels by a table never half full. */
enum { SCAN_PER_LABEL = 4, SCAN_SHIFT = 55, SCAN_SLOTS = 1 << (64 - SCAN_SHIFT) };

struct scan_cand {
	struct stack *st;
	int d;                     /* as apart_scan_rows() gives it, so far */
	uint32_t who;
};

struct scan_slot {
	uint32_t label1;           /* the label + 1; 0: empty */
	uint8_t n, cand[SCAN_PER_LABEL];
};

static struct scan_slot *scan_slot(struct scan_slot *t, uint32_t label)
{
	uint32_t j = (uint32_t)((label * 0x9e3779b97f4a7c15ULL) >> SCAN_SHIFT);

	while (t[j].label1 && t[j].label1 != label + 1)
		j = (j + 1) % SCAN_SLOTS;
	return &t[j];
}

/* The stacks of chunks from..to whose labels are wanted, each told from the candidates
 * of its label, in the order of their ids; each fetched a few ahead. */
struct scan_part {
	const struct model *m;
	struct scan_slot *t;         /* only looked up */
	const uint64_t *want;
	uint32_t maxl;
	struct scan_cand *c;
	size_t from, to;
};

size_t apart_scan_split_min = APART_SCAN_SPLIT_MIN;

static void scan_part(const struct scan_part *sp)
{
	const struct model *m = sp->m;
	uint32_t hit[STACK_CHUNK];

	for (size_t ch = sp->from; ch < sp->to; ch++) {
		const uint32_t *lab = m->stack_labels[ch];
		size_t base = ch * STACK_CHUNK;
		size_t end = m->nstacks - base < STACK_CHUNK ? m->nstacks - base : STACK_CHUNK;
		size_t nh = 0;

		for (size_t i = 0; i < end; i++) {
			/* no branch: a third of the stacks may be hits, in no order (bit maxl + 1,
			 * for larger labels and free slots, is clear) */
			uint32_t l = lab[i] <= sp->maxl ? lab[i] : sp->maxl + 1;

			hit[nh] = (uint32_t)(base + i);
			nh += sp->want[l / 64] >> (l % 64) & 1;
		}
		for (size_t h = 0; h < nh; h++) {
			const struct stack *o = stack_at(m, hit[h]);
			const struct scan_slot *sl;

			if (h + 16 < nh) {
				const struct stack *a = stack_at(m, hit[h + 16]);

				/* the fields read here (not the counts), at times on two lines */
				__builtin_prefetch(&a->frames);
				__builtin_prefetch(&a->id);
			}
			if (h + 8 < nh) {
				const struct stack *a = stack_at(m, hit[h + 8]);

				/* its frames lie elsewhere */
				if (a->frames)
					__builtin_prefetch(a->frames + a->caller);
			}
			if (o->freed || !(sl = scan_slot(sp->t, o->label))->label1)
				continue;
			for (unsigned k = 0; k < sl->n; k++) {
				struct scan_cand *x = &sp->c[sl->cand[k]];
				int e, order;

				if (x->st == o || x->d == -2)
					continue;
				e = apart_diff(m, x->st, o, &order);
				if (e < 0) {
					x->d = -2;
				} else if (e > x->d) {
					x->d = e;
					x->who = o->id;
				}
			}
		}
	}
}

static void *scan_part_run(void *arg)
{
	scan_part(arg);
	return NULL;
}

/* Where st differs from the other of its label most like it, and that other (*who), by
 * one look at every stack: no run to make or sort. -2 when another is alike, -3 when no
 * other has its label. The same look does it for the rows of the last view that kept
 * only its first rows (batch output asks for those next) whose labels are to be made:
 * their places go to the memo (apart_follow() names them when asked), those alone with
 * their label are named. */
static int apart_scan_rows(struct model *m, struct stack *st, uint32_t *who)
{
	struct scan_cand c[1 + APART_WANT], c2[1 + APART_WANT];
	struct scan_slot t[SCAN_SLOTS];
	struct scan_part mine, half;
	uint32_t maxl = 0;
	uint64_t *want;
	size_t nc = 0, mid = 0;
	pthread_t th;
	int threaded = 0;

	memset(t, 0, sizeof(t));
	for (size_t i = 0; i <= m->napart_want; i++) {
		struct stack *w = i ? (m->apart_want[i - 1] < m->nstacks
				       ? stack_at(m, m->apart_want[i - 1]) : NULL) : st;
		struct scan_slot *sl;

		if (!w || (i && (w == st || w->freed || w->label >= m->apart_dirty_cap ||
				 !m->apart_dirty[w->label])))
			continue;
		sl = scan_slot(t, w->label);
		if (sl->n == SCAN_PER_LABEL)
			continue;
		sl->label1 = w->label + 1;
		sl->cand[sl->n++] = (uint8_t)nc;
		c[nc++] = (struct scan_cand){ w, -3, 0 };
	}
	/* the stacks of those labels, by the labels beside the stacks; from
	 * apart_scan_split_min stacks the later half on another CPU when one is free */
	for (size_t j = 0; j < nc; j++)
		if (c[j].st->label > maxl)
			maxl = c[j].st->label;
	want = xcalloc((maxl + 1) / 64 + 1, sizeof(*want));
	for (size_t j = 0; j < nc; j++)
		want[c[j].st->label / 64] |= 1ULL << (c[j].st->label % 64);
	mid = m->nchunks / 2;
	half = (struct scan_part){ m, t, want, maxl, c2, mid, m->nchunks };
	memcpy(c2, c, nc * sizeof(*c));
	threaded = m->nstacks >= apart_scan_split_min && m->nchunks >= 2 && cpus_free() >= 2 &&
		   pthread_create(&th, NULL, scan_part_run, &half) == 0;
	mine = (struct scan_part){ m, t, want, maxl, c, 0, threaded ? mid : m->nchunks };
	scan_part(&mine);
	if (threaded) {
		pthread_join(th, NULL);
		/* as one walk in the order of the ids: the first most alike stays */
		for (size_t j = 0; j < nc; j++) {
			if (c[j].d == -2 || c2[j].d == -2) {
				c[j].d = -2;
			} else if (c2[j].d > c[j].d) {
				c[j].d = c2[j].d;
				c[j].who = c2[j].who;
			}
		}
	}
	free(want);
	for (size_t j = 1; j < nc; j++) {
		if (c[j].d >= -1)
			apart_memo_set(m, c[j].st, c[j].d, c[j].who);
		else if (c[j].d == -3 && m->apart_dirty[c[j].st->label])
			apart_alone(m, c[j].st);
	}
	*who = c[0].who;
	return c[0].d;
}

/* One stack's apart label: in the sorted run its neighbours are the others most like
 * it, so where it differs from them is the most alike place over all the others. The
 * run is sorted only around the stacks asked for. A stack that does not differ from
 * another is named by its place in the run sorted whole. */
static void make_apart_stack(struct model *m, struct stack *st)
{
	int d;
	uint32_t who = 0;

	if (apart_follow(m, st))
		return;
	if (!m->apart_run_ok || st->label >= m->apart_run_labels ||
	    st->id >= m->apart_run_stacks) {
		/* the first asked of a sample costs a scan, not the runs and their sorting:
		 * batch output asks for a few, a screen for the rows it draws first */
		if (m->apart_scan_at != m->nsamples + 1) {
			m->apart_scan_at = m->nsamples + 1;
			if ((d = apart_scan_rows(m, st, &who)) >= -1) {
				apart_one(m, st, d);
				apart_memo_set(m, st, d, who);
				return;
			}
			if (d == -3) {
				apart_alone(m, st);
				return;
			}
		}
		apart_runs(m);
	}
	if (m->apart_run_made[st->id / 64] >> (st->id % 64) & 1)
		return;
	if (m->apart_run_at[st->label + 1] - m->apart_run_at[st->label] < 2 ||
	    (d = apart_sorted_diff(m, st, &who)) < -1) {
		make_apart(m, st->label);
		return;
	}
	apart_one(m, st, d);
	apart_memo_set(m, st, d, who);
	m->apart_run_made[st->id / 64] |= 1ULL << (st->id % 64);
}

/* Made when first asked for: the screen asks for the rows it shows, batch mode for those
 * it prints. What it makes is the model's cache, not its state: hence the const. */
uint32_t model_stack_apart(const struct model *cm, const struct stack *st, int utf8)
{
	struct model *m = (struct model *)cm;

	if (st->label < m->apart_dirty_cap && m->apart_dirty[st->label])
		make_apart_stack(m, stack_at(m, st->id));
	return st->apart[utf8 != 0];
}

/* Whether a stack of a label not made whole has its own apart label: made from the runs
 * since they were, or now from the memo and the news since (apart_follow()). */
static int apart_made(struct model *m, struct stack *st)
{
	if (m->apart_run_ok && st->label < m->apart_run_labels && st->id < m->apart_run_stacks &&
	    m->apart_run_made[st->id / 64] >> (st->id % 64) & 1)
		return 1;
	return apart_follow(m, st);
}

void model_apart_want(const struct model *cm, const struct stack *const *sts, size_t n)
{
	struct model *m = (struct model *)cm;
	uint32_t k = 0;

	for (size_t i = 0; i < n && k < APART_WANT; i++) {
		struct stack *st = sts[i] ? stack_at(m, sts[i]->id) : NULL;

		if (st && st->label < m->apart_dirty_cap && m->apart_dirty[st->label] &&
		    !apart_made(m, st))
			m->apart_want[k++] = st->id;
	}
	m->napart_want = k;
}

/* Parts of a label's sorted stacks this large are split ahead (apart_split_ahead()). */
#define APART_SPLIT_AHEAD 256

/* Each label's sorted stacks split until no part has APART_SPLIT_AHEAD stacks or more:
 * a row that a search or a page brings then costs a look at the stacks of a small part,
 * not at those of its whole label (every one of them for its first row). Parts alike to
 * their ends stay whole (make_apart() names them when one is asked for). A million
 * stacks in 64 labels: about 45 ms. */
static void apart_split_ahead(struct model *m)
{
	for (size_t l = 0; l < m->apart_run_labels; l++) {
		struct apart_sort s;
		size_t lo, hi;

		if (!m->apart_dirty[l] ||
		    m->apart_run_at[l + 1] - m->apart_run_at[l] < APART_SPLIT_AHEAD)
			continue;
		apart_sort_get(m, (uint32_t)l, &s);
		for (lo = 0; lo < s.k;) {
			for (hi = lo + 1; hi < s.k && !s.lcp[hi]; hi++)
				;
			/* split: its parts next, from the first */
			if (hi - lo >= APART_SPLIT_AHEAD &&
			    apart_split(m, &s, lo, hi, apart_depth(m, &s, lo, hi)) == 0)
				continue;
			lo = hi;
		}
	}
}

void model_apart_prepare(const struct model *cm)
{
	struct model *m = (struct model *)cm;

	if (!m->napart_dirty || m->apart_run_ok)
		return;
	apart_runs(m);
	/* each run split along the rows shown: the first splits, a look at every stack of
	 * the label, are the rows' next to it too */
	for (uint32_t i = 0; i < m->napart_want && m->apart_run_ok; i++) {
		uint32_t id = m->apart_want[i], who;
		struct stack *st = id < m->nstacks ? stack_at(m, id) : NULL;

		if (st && !st->freed && st->label < m->apart_run_labels &&
		    m->apart_dirty[st->label] &&
		    m->apart_run_at[st->label + 1] - m->apart_run_at[st->label] >= 2)
			apart_sorted_diff(m, st, &who);
	}
	if (m->apart_run_ok)
		apart_split_ahead(m);
}

uint32_t view_row_label(const struct model *m, const struct row *r, int utf8)
{
	return r->stack ? model_stack_apart(m, r->stack, utf8) : r->label;
}

/* ---- the first rows kept from one sample to the next ---- */

/* After a sample of changes only (model_changed()), batch output's view of the first
 * rows costs what changed: the totals follow each changed stack's old and new counts,
 * and a reserve of the rows ordered up to a bar is kept, each changed stack taken out
 * and put back by its new key. The stacks not named keep their keys, so the reserve
 * holds every row up to the bar: the first rows are its first while it has as many.
 * When it has too few, the options or the model change, or a sample names every stack:
 * a pass over all, which makes the reserve again. */
struct keep_stack {
	int64_t now, delta, delta_base, calls;
	uint32_t pos;               /* its place in the reserve + 1; 0: not in it */
	uint8_t row, shown;
};

struct view_keep {
	uint64_t ident;             /* the model's (model_int.h) */
	struct view_opts o;
	uint32_t nsamples;          /* the model's when last built */
	struct keep_stack *st;      /* by stack id */
	size_t cap;
	struct sort_entry *set;     /* the reserve in no order; idx is the stack */
	size_t n, reserve;          /* it is cut to reserve entries at 4 times that */
	struct sort_entry bar;
	int have_bar;               /* else it holds every row shown */
	int64_t total_pages, total_delta, total_delta_base, total_calls, shown_pages;
	int64_t most;               /* the largest count it added, in magnitude */
	size_t shown, total_rows;
};

/* Room in k->st for stack ids up to n, grown by moving its pages: from 2 MiB on in huge
 * pages (in small ones a view kept over a replay of churning stacks took a page fault a
 * page, 1,280 in 300 samples of 20,000 stacks); below that, a fault a page still. */
static void keep_room(struct view_keep *k, size_t n)
{
	size_t cap = k->cap ? k->cap : 1024;

	if (n < k->cap)
		return;
	while (cap <= n)
		cap *= 2;
	k->st = xhuge_realloc(k->st, k->cap, cap, sizeof(*k->st));
	k->cap = cap;
}

static void keep_free(struct view_keep *k)
{
	if (!k)
		return;
	xhuge_free(k->st, k->cap * sizeof(*k->st));
	free(k->set);
	free(k);
}

/* Options whose view can be kept: stacks, no filter, a threshold in pages or bytes,
 * keys that are counts of the stack's (not its label's text). */
static int keep_fits(const struct view_opts *o)
{
	return o->group == GROUP_STACK && o->top_only && o->limit && !o->unordered &&
	       !o->filter && o->key != KEY_LABEL &&
	       !(o->threshold.unit == THRESH_PERCENT && o->threshold.value > 0);
}

static int keep_same(const struct view_keep *k, const struct view_opts *o)
{
	return k->o.key == o->key && k->o.ascending == o->ascending &&
	       k->o.threshold.unit == o->threshold.unit &&
	       k->o.threshold.value == o->threshold.value && k->o.limit == o->limit;
}

static void keep_out(struct view_keep *k, struct keep_stack *ks)
{
	size_t i = ks->pos - 1;

	ks->pos = 0;
	k->set[i] = k->set[--k->n];
	if (i < k->n)
		k->st[k->set[i].idx].pos = (uint32_t)i + 1;
}

/* The reserve sorted; cut to its first reserve entries, whose last is the bar (cut). */
static void keep_sort(struct view_keep *k, const struct order *ord, int cut)
{
	qsort_r(k->set, k->n, sizeof(*k->set), ord->cmp, (void *)ord);
	if (cut && k->n > k->reserve) {
		for (size_t i = k->reserve; i < k->n; i++)
			k->st[k->set[i].idx].pos = 0;
		k->n = k->reserve;
		k->bar = k->set[k->n - 1];
		k->have_bar = 1;
	}
	for (size_t i = 0; i < k->n; i++)
		k->st[k->set[i].idx].pos = (uint32_t)i + 1;
}

static int64_t mag(int64_t x)
{
	return x < 0 ? (x == INT64_MIN ? INT64_MAX : -x) : x;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* a + b modulo 2^64: the kept sums may pass the ends of int64_t for a while (keep_small()
 * then refuses them) without undefined behaviour */
static int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Stack st's old counts out of the totals and the reserve, its new ones in. */
static void keep_stack(struct view_keep *k, const struct order *ord, enum sort_key key,
		       int64_t threshold, const struct stack *st)
{
	struct keep_stack *ks = &k->st[st->id];
	const struct counter *s = &st->s;

	k->total_pages = wrap_add(k->total_pages, -ks->now);
	k->total_delta = wrap_add(k->total_delta, -ks->delta);
	k->total_delta_base = wrap_add(k->total_delta_base, -ks->delta_base);
	k->total_calls = wrap_add(k->total_calls, -ks->calls);
	k->total_rows -= ks->row;
	if (ks->shown) {
		k->shown--;
		k->shown_pages = wrap_add(k->shown_pages, -ks->now);
	}
	if (ks->pos)
		keep_out(k, ks);
	ks->now = s->now;
	ks->delta = s->delta;
	ks->delta_base = s->delta_base;
	ks->calls = s->calls;
	k->most = max64(k->most, max64(max64(mag(s->now), mag(s->delta)),
				       max64(mag(s->delta_base), mag(s->calls))));
	ks->row = s->now || s->delta || s->delta_base;
	ks->shown = ks->row && s->now >= threshold;
	k->total_pages = wrap_add(k->total_pages, ks->now);
	k->total_delta = wrap_add(k->total_delta, ks->delta);
	k->total_delta_base = wrap_add(k->total_delta_base, ks->delta_base);
	k->total_calls = wrap_add(k->total_calls, ks->calls);
	k->total_rows += ks->row;
	if (ks->shown) {
		struct row r = { s, st, NULL, st->label };
		struct sort_entry se = { row_key(&r, key), st->id, st->id };

		k->shown++;
		k->shown_pages = wrap_add(k->shown_pages, ks->now);
		if (k->have_bar && ord->cmp(&se, &k->bar, (void *)ord) > 0)
			return;
		k->set[k->n++] = se;
		ks->pos = (uint32_t)k->n;
		if (k->n == 4 * k->reserve)
			keep_sort(k, ord, 1);
	}
}

/* The counts summed in any order are those the pass sums (saturating) in its order
 * while no sum can come near the ends of int64_t. */
static int keep_small(const struct view_keep *k, const struct model *m)
{
	return k->most <= INT64_MAX / 4 / (int64_t)(m->nstacks + 1);
}

/* The view from the reserve; -1 when it has too few rows. */
static int keep_view(struct view_keep *k, const struct model *m, const struct order *ord,
		     struct view *v, double rate)
{
	size_t n;

	if ((k->have_bar && k->n < k->o.limit) || !keep_small(k, m))
		return -1;
	keep_sort(k, ord, 0);
	v->nrows = 0;
	n = k->n < k->o.limit ? k->n : k->o.limit;
	for (size_t i = 0; i < n; i++) {
		const struct stack *st = stack_at(m, k->set[i].idx);
		struct row r = { &st->s, st, NULL, st->label };

		view_push(v, &r);
	}
	v->shown = k->shown;
	v->total_pages = k->total_pages;
	v->total_delta = k->total_delta;
	v->total_delta_base = sat_add(k->total_delta_base, -m->gone_base);
	v->total_rate = rate;
	v->shown_pages = k->shown_pages;
	v->total_calls = k->total_calls;
	v->total_rows = k->total_rows;
	v->near = SIZE_MAX;
	v->keys_made = 0;
	v->sorted_head = v->sorted_tail = v->nrows;
	k->nsamples = m->nsamples;
	k->ident = m->ident;
	v->kept_builds++;
	return 0;
}

/* The reserve and the totals made again from every stack, after a pass. */
static void keep_make(struct model *m, const struct view_opts *o, struct view *v)
{
	struct view_keep *k = v->keep;
	struct order ord;

	if (!k)
		k = v->keep = xcalloc(1, sizeof(*k));
	order_init(&ord, m, o);
	k->o = *o;
	k->nsamples = m->nsamples;
	k->ident = m->ident;
	keep_room(k, m->nstacks);
	memset(k->st, 0, k->cap * sizeof(*k->st));
	k->reserve = 2 * o->limit + 64;
	free(k->set);
	k->set = xmalloc(4 * k->reserve * sizeof(*k->set));
	k->n = 0;
	k->have_bar = 0;
	k->total_pages = k->total_delta = k->total_delta_base = k->total_calls = 0;
	k->shown_pages = k->most = 0;
	k->shown = k->total_rows = 0;
	for (size_t i = 0; i < m->nstacks; i++)
		keep_stack(k, &ord, o->key, v->threshold, stack_at(m, i));
}

#define KEEP_AHEAD 16

/* The view from the kept one and the sample's changes; -1 when it cannot be. */
static int keep_step(struct model *m, const struct view_opts *o, struct view *v)
{
	struct view_keep *k = v->keep;
	const uint32_t *ids;
	size_t n = model_changed(m, &ids);
	struct order ord;
	double rate = 0;

	if (!k || k->ident != m->ident || !keep_same(k, o) || n == SIZE_MAX ||
	    m->nsamples != k->nsamples + 1)
		return -1;
	order_init(&ord, m, o);
	keep_room(k, m->nstacks);
	/* a stack not named has the rate it had, 0: the others' summed in the pass's order */
	for (size_t i = 0; i < n; i++) {
		const struct stack *st = stack_at(m, ids[i]);

		/* the ids go up, a few stacks apart: each one's lines fetched ahead (an
		 * entry and the counts read may each lie across two) */
		if (i + KEEP_AHEAD < n) {
			const struct keep_stack *ks = &k->st[ids[i + KEEP_AHEAD]];
			const struct counter *s = &stack_at(m, ids[i + KEEP_AHEAD])->s;

			__builtin_prefetch(ks, 1);
			__builtin_prefetch((const char *)(ks + 1) - 1, 1);
			__builtin_prefetch(&s->now);
			__builtin_prefetch(&s->delta_base);
			__builtin_prefetch(&s->calls);
		}
		keep_stack(k, &ord, o->key, v->threshold, st);
		rate += st->s.rate;
	}
	return keep_view(k, m, &ord, v, rate);
}

/* The stacks of a view of only its first rows, for apart_scan_rows(). */
static void apart_want_rows(struct model *m, const struct view_opts *o, const struct view *v)
{
	m->napart_want = 0;
	if (o->group != GROUP_STACK || !o->top_only || !o->limit)
		return;
	for (size_t i = 0; i < v->nrows && m->napart_want < APART_WANT; i++)
		if (v->rows[i].stack)
			m->apart_want[m->napart_want++] = v->rows[i].stack->id;
}

static void view_make(struct model *m, const struct view_opts *o, struct view *v)
{
	struct order ord;
	struct topk tk, *t = NULL;
	/* one pass over the stacks, unless the threshold is a share of their total */
	int fuse = o->group == GROUP_STACK &&
		   !(o->threshold.unit == THRESH_PERCENT && o->threshold.value > 0);
	/* the most rows it can have */
	size_t most = o->group == GROUP_STACK ? m->nstacks : m->ngroups[o->group];

	v->gen++;
	v->mixed = 0; /* the rows come anew, in the order of their ties */
	if (o->group == GROUP_STACK)
		aparts_compact(m);
	view_totals(m, v, !fuse);
	v->threshold = threshold_pages(&o->threshold, model_page_size(m), v->total_pages);
	if (keep_fits(o)) {
		const uint32_t *ids;

		if (keep_step(m, o, v) == 0)
			return;
		if (model_changed(m, &ids) != SIZE_MAX)
			keep_make(m, o, v); /* the next sample may follow from this one */
	}
	order_init(&ord, m, o);
	if (o->top_only && o->limit) {
		topk_init(&tk, o->limit, &ord);
		t = &tk;
	}
	/* a sort follows: each row's key made as it is offered, not in a second pass over
	 * the rows' counters (KEY_LABEL needs the places of every label first) */
	v->keys_made = !t && !o->unordered && o->key != KEY_LABEL;
	if (v->keys_made)
		view_scratch(v, most * (sizeof(struct radix_entry) + 1));
	/* room for every row at once (doubled up to a million, the rows were copied ten
	 * times), and a quarter more for the samples after; a call tree's view has room for
	 * every stack in memory of its own */
	if (!t && most > v->cap)
		view_room(v, most + most / 4);
	if (o->group == GROUP_STACK)
		offer_stacks(m, o, v, t, fuse);
	else
		offer_groups(m, o, v, t);
	v->total_delta_base = sat_add(v->total_delta_base, -m->gone_base);
	if (t)
		topk_finish(t, v);
	if (t || o->unordered) {
		v->keys_made = 0;
		v->near = SIZE_MAX;
		v->sorted_head = t ? v->nrows : 0;
		v->sorted_tail = v->nrows;
	} else {
		view_sort(m, o, v);
	}
}

void model_view(struct model *m, const struct view_opts *o, struct view *v)
{
	if (o->group != GROUP_STACK)
		groups_ready(m);
	view_make(m, o, v);
	apart_want_rows(m, o, v);
}
