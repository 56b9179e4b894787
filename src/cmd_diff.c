/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_diff.c - "pagetop diff A B": the stacks whose counts changed between two snapshots.
 *
 * Each side is read through source_open() into its own model (model_sink), up to the
 * sample asked for (A@N) or to the end of a series (its last sample); B on a thread of
 * its own when a CPU is free. Stacks of the two models are then matched by their frame
 * texts, joined: each frame text of both sides is ranked once, and a stack finds its row
 * in one hash table by its frames' ranks. With --ignore-offsets each frame is reduced to
 * its function name and module first ("name+0x1/0x2 [mod]" -> "name [mod]"), so that two
 * boots or two kernel builds compare. Stacks that fall together on one side (two call
 * sites of one function) add up. The rows are printed by output_*.c (output_diff());
 * doc/diff.md documents the formats. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_diff.h"
#include "cmd_record.h"
#include "cmd_select.h"
#include "frame.h"
#include "model.h"
#include "output.h"
#include "parse.h"
#include "settings.h"
#include "settings_gate.h"
#include "source.h"
#include "util.h"

/* One input: a path with the sample wanted. */
struct side {
	const char *arg;      /* as given */
	char *path;
	struct sample_sel sel;
	uint64_t want;        /* sample number from 0 (sel.pick SAMPLE_NONE: the last) */
	struct model *m;
	uint32_t sample;      /* the sample the model holds, from 0 */
	int series;
	int nsamples;         /* of the series when known, else -1 */
	char *kind, *name, *iface;
};

/* In the order of settings_diff_keys(), which names them. */
enum diff_key { DK_DELTA = 0, DK_BYTES, DK_PAGES, DK_PAGES_A, DK_PAGES_B, DK_LABEL };

struct diff {
	struct side s[2];
	struct symbols *sym;  /* pprof's source lines, or NULL */
	int ignore_offsets;
	int expand;
	enum out_format format;
	enum diff_key key;
	int ascending;
	size_t limit;
	struct threshold threshold;
	struct strtab *labels;
	uint32_t *lmemo[2];   /* a side's model label id -> its id in labels + 1 (0: none yet) */
	uint32_t nl[2];
	uint32_t *frank[2];   /* a side's frame id -> its text's rank (frame_ranks()) */
	struct diff_row *e;   /* the rows, by key (row_of()) */
	size_t ne, ecap;
	struct key_slot *slot;
	size_t mask;
	char *buf;            /* key being built */
	size_t blen, bcap;
	long page_size;
	int pages;            /* unit: base pages or bytes (else allocations) */
	int bytes;            /* unit: bytes (allocinfo) */
};

/* What the command line asks for. */
struct diff_opts {
	enum out_format format;
	int ignore_offsets;
	int expand;
	enum diff_key key;
	int ascending;
	size_t limit;
	struct threshold threshold;
	struct source_opts source;  /* --page-size */
	struct gate gate;           /* --fail-if */
	const char *a, *b;          /* the sides as given: PATH or PATH@N */
	const char *vmlinux;        /* --vmlinux */
	const char *modules[32];    /* --modules */
	size_t nmodules;
	int no_symbols;             /* --no-symbols */
};

/* ---- reading a side ---- */

/* PATH or PATH@SEL (source_select.h): 0, or -1 with err. */
static int side_parse(struct side *sd, const char *arg, struct pt_err *err)
{
	sd->arg = arg;
	return source_arg_split(arg, &sd->path, &sd->sel, err);
}

/* The side's sample read into its own model: 0, or -1 with err. */
static int side_load(struct side *sd, const struct source_opts *so, struct pt_err *err)
{
	const char *paths[1] = { sd->path };
	struct source *src;
	struct sink sink;
	const struct source_meta *mt;
	uint32_t n = 0;
	int all = sd->sel.pick == SAMPLE_NONE;

	if (!all && select_sample(sd->path, &sd->sel, so, &sd->want, err) < 0)
		return -1;
	if (source_open(&src, paths, 1, so, err) < 0)
		return -1;
	sd->m = model_new();
	model_groups_off(sd->m); /* rows are stacks: no group is asked for */
	sink = model_sink(sd->m);
	for (;;) {
		enum src_status st;

		/* no cast of want to 32 bits: @4294967296 would be @0 */
		if (!all && n > sd->want)
			break;
		st = source_next(src, &sink, -1, err);
		if (st == SRC_ERROR) {
			source_close(src);
			return -1;
		}
		if (st == SRC_END)
			break;
		if (st == SRC_SAMPLE)
			n++;
	}
	mt = source_meta(src);
	sd->series = mt->series;
	sd->nsamples = mt->nsamples;
	sd->kind = xstrdup(mt->kind ? mt->kind : "");
	sd->name = xstrdup(mt->name ? mt->name : sd->path);
	sd->iface = xstrdup(iface_name(mt->iface));
	source_close(src);
	if (n == 0 || (!all && n <= sd->want)) {
		select_too_few(sd->path, &sd->sel, n, err);
		return -1;
	}
	sd->sample = n - 1;
	return 0;
}

/* B read on a thread of its own while A is read: its warnings kept until A is done, so
 * that what the two say comes in the order of a read one after the other. */
struct side_job {
	struct side *sd;
	const struct source_opts *so;
	unsigned cpus;  /* the CPUs B's read may use */
	int rc;
	struct pt_err err;
	char **warn;
	size_t nwarn;
};

static void job_warn(void *ctx, const char *msg)
{
	struct side_job *j = ctx;

	j->warn = xreallocarray(j->warn, j->nwarn + 1, sizeof(*j->warn));
	j->warn[j->nwarn++] = xstrdup(msg);
}

static void *job_run(void *arg)
{
	struct side_job *j = arg;

	diag_set_thread_sink(job_warn, j);
	cpus_share_set(j->cpus);
	j->rc = side_load(j->sd, j->so, &j->err);
	diag_set_thread_sink(NULL, NULL);
	return NULL;
}

/* Both sides read: B on a thread when a CPU is free for it, the free CPUs shared
 * between the two reads (each read asking for them itself, one would see the other
 * run, or not yet, and take them all). 0, or -1 (said). */
static int sides_load(struct side *s, const struct source_opts *so)
{
	unsigned n = cpus_free();
	struct side_job j = { &s[1], so, n / 2, 0, { { 0 } }, NULL, 0 };
	struct pt_err err;
	pthread_t t;
	int threaded = n >= 2 && pthread_create(&t, NULL, job_run, &j) == 0;
	int rc;

	if (threaded)
		cpus_share_set(n - n / 2);
	rc = side_load(&s[0], so, &err);
	cpus_share_set(0);
	if (rc < 0)
		msg_print(err.msg);
	if (threaded) {
		pthread_join(t, NULL);
	} else if (rc == 0) {
		j.rc = side_load(&s[1], so, &j.err);
	}
	for (size_t i = 0; i < j.nwarn; i++) {
		if (rc == 0)
			diag_warn("%s", j.warn[i]);
		free(j.warn[i]);
	}
	free(j.warn);
	if (rc == 0 && j.rc < 0) {
		msg_print(j.err.msg);
		rc = -1;
	}
	return rc;
}

static void side_free(struct side *sd)
{
	free(sd->path);
	free(sd->kind);
	free(sd->name);
	free(sd->iface);
	if (sd->m)
		model_free(sd->m);
}

/* ---- matching ---- */

static void buf_add(struct diff *d, const char *s, size_t n)
{
	if (d->blen + n + 1 > d->bcap) {
		while (d->blen + n + 1 > d->bcap)
			d->bcap = d->bcap ? d->bcap * 2 : 4096;
		d->buf = xrealloc(d->buf, d->bcap);
	}
	memcpy(d->buf + d->blen, s, n);
	d->blen += n;
}

/* A stack's key: the ranks of its frames (frame_ranks()), so that comparing two keys rank
 * by rank orders them as strcmp() of the joined frame texts; a stack without frames
 * matches only those of its kind. Rows are found by their key in d->slot, a table open
 * to the next slot: row id + 1 (0: free) and the key hash's upper half. */
struct key_slot {
	uint32_t row;
	uint32_t tag;
};

static const char *const stack_kinds[] = { "", "(dummy)", "(failure)", "(early)" };

static uint64_t key_hash(const struct diff *d, int side, const struct stack *st)
{
	const uint32_t *fr = d->frank[side];
	uint64_t h = hash_start(st->nframes ? 0 : 1 + (st->kind & 3u));
	unsigned i;

	for (i = 0; i + 1 < st->nframes; i += 2)
		h = hash_block(h, fr[st->frames[i]], fr[st->frames[i + 1]]);
	if (i < st->nframes)
		h = hash_block(h, fr[st->frames[i]], 0);
	return hash_end(h, st->nframes);
}

/* The stack whose frames a row's key is (B's when it has one), with its side. */
static const struct stack *row_stack(const struct diff_row *e, int *side)
{
	*side = e->sb != NULL;
	return e->sb ? e->sb : e->sa;
}

static int same_key(const struct diff *d, int xa, const struct stack *a, int xb,
		    const struct stack *b)
{
	const uint32_t *fa = d->frank[xa], *fb = d->frank[xb];

	if (a->nframes != b->nframes)
		return 0;
	if (!a->nframes)
		return (a->kind & 3) == (b->kind & 3);
	for (unsigned i = 0; i < a->nframes; i++)
		if (fa[a->frames[i]] != fb[b->frames[i]])
			return 0;
	return 1;
}

/* The row of st's key (hash h), new (zeroed) when there is none yet. */
static struct diff_row *row_of(struct diff *d, int which, const struct stack *st, uint64_t h)
{
	uint32_t tag = (uint32_t)(h >> 32);
	struct key_slot *sl;

	for (size_t i = h & d->mask;; i = (i + 1) & d->mask) {
		sl = &d->slot[i];
		if (!sl->row)
			break;
		if (sl->tag == tag) {
			struct diff_row *e = &d->e[sl->row - 1];
			int side;
			const struct stack *rs = row_stack(e, &side);

			if (same_key(d, side, rs, which, st))
				return e;
		}
	}
	sl->row = (uint32_t)++d->ne;
	sl->tag = tag;
	d->e[d->ne - 1].key = (uint32_t)(d->ne - 1);
	return &d->e[d->ne - 1];
}

static void add_stack(struct diff *d, int which, const struct stack *st, uint64_t h)
{
	struct diff_row *e = row_of(d, which, st, h);

	if (which == 0) {
		e->a = sat_add(e->a, st->s.now);
		if (!e->sa || st->s.now > e->sa->s.now)
			e->sa = st;
	} else {
		e->b = sat_add(e->b, st->s.now);
		if (!e->sb || st->s.now > e->sb->s.now)
			e->sb = st;
	}
}

/* How many stacks ahead add_side() hashes, so that their slots are at hand by the time
 * they are looked up. */
#define AHEAD 8

static void add_side(struct diff *d, int which)
{
	const struct model *m = d->s[which].m;
	size_t ns = model_nstacks(m), n = 0;
	const struct stack *q[AHEAD];
	uint64_t qh[AHEAD];

	for (size_t id = 0; id < ns; id++) {
		const struct stack *st = model_stack(m, (uint32_t)id);
		uint64_t h;

		if (!st || st->s.now == 0)
			continue;
		h = key_hash(d, which, st);
		__builtin_prefetch(&d->slot[h & d->mask]);
		if (n >= AHEAD)
			add_stack(d, which, q[n % AHEAD], qh[n % AHEAD]);
		q[n % AHEAD] = st;
		qh[n % AHEAD] = h;
		n++;
	}
	for (size_t i = n > AHEAD ? n - AHEAD : 0; i < n; i++)
		add_stack(d, which, q[i % AHEAD], qh[i % AHEAD]);
}

/* Room for a row per stack of both sides, and a table twice that (in huge pages: 12 MiB
 * for two 100,000-stack sides, a few page faults instead of 3,000). */
static void rows_alloc(struct diff *d)
{
	size_t n = model_nstacks(d->s[0].m) + model_nstacks(d->s[1].m), nslots = 16;

	while (nslots < 2 * n)
		nslots *= 2;
	d->ecap = n ? n : 1;
	d->e = xhuge_alloc(d->ecap * sizeof(*d->e));
	d->slot = xhuge_alloc(nslots * sizeof(*d->slot));
	d->mask = nslots - 1;
}

/* ---- sorting ---- */

static struct diff *sort_diff; /* qsort has no context argument */

static const char *row_label(const struct diff *d, const struct diff_row *e)
{
	return strtab_str(d->labels, e->label);
}

/* The label of model label id l of a side, as an id in d->labels, kept in d->lmemo. */
static uint32_t side_label(struct diff *d, int side, uint32_t l)
{
	uint32_t *memo = d->lmemo[side], nl = d->nl[side];
	const char *t;
	size_t len;
	uint32_t id;

	if (l < nl && memo[l])
		return memo[l] - 1;
	t = model_label(d->s[side].m, l);
	len = strlen(t);
	if (d->ignore_offsets) {
		char *tmp = xmalloc(len + 1);

		id = strtab_intern(d->labels, tmp, frame_label_strip(t, len, tmp, len + 1));
		free(tmp);
	} else {
		id = strtab_intern(d->labels, t, len);
	}
	if (l < nl)
		memo[l] = id + 1;
	return id;
}

static void labels_begin(struct diff *d)
{
	d->labels = strtab_new();
	for (int i = 0; i < 2; i++) {
		d->nl[i] = model_nlabels(d->s[i].m);
		d->lmemo[i] = xcalloc(d->nl[i] ? d->nl[i] : 1, sizeof(uint32_t));
	}
}

/* The caller's label, from B when the stack is there; with --ignore-offsets without a
 * module's build id ("name [mod 0123abcd]" -> "name [mod]"). Each side's label is
 * interned once. */
static uint32_t row_set_label(struct diff *d, struct diff_row *e)
{
	int side = e->sb != NULL;

	e->label = side_label(d, side, (side ? e->sb : e->sa)->label);
	return e->label;
}

/* Every row's label. */
static void set_labels(struct diff *d)
{
	for (size_t i = 0; i < d->ne; i++) {
		struct diff_row *e = &d->e[i];

		if (e->sa || e->sb)
			row_set_label(d, e);
	}
}

static int64_t row_num(const struct diff_row *e, enum diff_key k)
{
	switch (k) {
	case DK_PAGES:
	case DK_PAGES_B:
		return e->b;
	case DK_PAGES_A:
		return e->a;
	default:
		return e->b - e->a;
	}
}

/* A row as the sort sees it, in 32 bytes (qsort() sorts larger elements through
 * pointers): its number, its label's rank and its key's first bytes at hand, so that most
 * comparisons touch nothing else. */
struct sort_ent {
	int64_t v;
	uint64_t kpfx;        /* the key's 2 ranks after those its run shares, 0 past its end */
	uint32_t lrank;       /* the label's place among the labels in strcmp() order */
	uint32_t row;         /* in sort_rows_in */
	uint32_t koff, klen;  /* sort_runs(): the key's ranks in sort_flat; 0: no frames */
};

static struct diff_row *const *sort_rows_in; /* the rows being sorted, as they came */
static uint32_t *sort_flat;                   /* the keys of the runs of ties, one by one */
static size_t sort_nflat, sort_flat_cap;

/* strcmp() of a "\n" and b "\n": the order of the joined frames the keys are */
static int cmp_nl(const char *a, size_t la, const char *b, size_t lb)
{
	size_t m = la < lb ? la : lb;
	int c = memcmp(a, b, m);

	if (c || la == lb)
		return c;
	return la < lb ? '\n' - (unsigned char)b[m] : (unsigned char)a[m] - '\n';
}

static const struct strtab *sort_frames;

static int cmp_frame_id(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return cmp_nl(strtab_str(sort_frames, a), strtab_len(sort_frames, a),
		      strtab_str(sort_frames, b), strtab_len(sort_frames, b));
}

/* Each of the ids 0..n-1 ranked in the order cmp gives them. */
static uint32_t *ranks(uint32_t n, int (*cmp)(const void *, const void *))
{
	uint32_t *ids = xcalloc(n ? n : 1, sizeof(*ids));
	uint32_t *rank = xcalloc(n ? n : 1, sizeof(*rank));

	for (uint32_t i = 0; i < n; i++)
		ids[i] = i;
	qsort(ids, n, sizeof(*ids), cmp);
	for (uint32_t i = 0; i < n; i++)
		rank[ids[i]] = i;
	free(ids);
	return rank;
}

/* d->frank: every frame of both sides by its text as the key has it, ranked so that
 * comparing two stacks' ranks frame by frame orders them as strcmp() of their keys. */
static void frame_ranks(struct diff *d)
{
	struct strtab *ft = strtab_new();
	char tmp[FRAME_MAX + 80];
	uint32_t *rank;

	for (int i = 0; i < 2; i++) {
		const struct model *m = d->s[i].m;
		uint32_t nf = model_nframes(m);

		d->frank[i] = xcalloc(nf ? nf : 1, sizeof(uint32_t));
		for (uint32_t f = 0; f < nf; f++) {
			size_t len;
			const char *t = frame_strip_if(model_frame(m, f), d->ignore_offsets, tmp,
						       sizeof(tmp), &len);

			d->frank[i][f] = strtab_intern(ft, t, len);
		}
	}
	sort_frames = ft;
	rank = ranks(strtab_count(ft), cmp_frame_id);
	for (int i = 0; i < 2; i++)
		for (uint32_t f = 0; f < model_nframes(d->s[i].m); f++)
			d->frank[i][f] = rank[d->frank[i][f]];
	free(rank);
	strtab_free(ft);
}

/* The text a key stands for (the joined frames), in d->buf. */
static const char *key_text(struct diff *d, int side, const struct stack *st)
{
	char tmp[FRAME_MAX + 80];

	d->blen = 0;
	for (unsigned i = 0; i < st->nframes; i++) {
		size_t len;
		const char *f = frame_strip_if(model_frame(d->s[side].m, st->frames[i]),
					       d->ignore_offsets, tmp, sizeof(tmp), &len);

		buf_add(d, f, len);
		buf_add(d, "\n", 1);
	}
	if (st->nframes == 0)
		buf_add(d, stack_kinds[st->kind & 3], strlen(stack_kinds[st->kind & 3]));
	buf_add(d, "", 1);
	return d->buf;
}

/* The keys' order: strcmp() of the joined frame texts. */
static int cmp_keys(struct diff *d, const struct sort_ent *a, const struct sort_ent *b)
{
	const struct diff_row *ra = sort_rows_in[a->row], *rb = sort_rows_in[b->row];
	int xa, xb;
	const struct stack *sa = row_stack(ra, &xa), *sb = row_stack(rb, &xb);
	const uint32_t *fa = d->frank[xa], *fb = d->frank[xb];
	unsigned n = sa->nframes < sb->nframes ? sa->nframes : sb->nframes;
	int c;

	if (!sa->nframes || !sb->nframes) {
		char *ta = xstrdup(key_text(d, xa, sa));

		c = strcmp(ta, key_text(d, xb, sb));
		free(ta);
		return c;
	}
	if (a->kpfx != b->kpfx)
		return a->kpfx < b->kpfx ? -1 : 1;
	for (unsigned i = 0; i < n; i++)
		if (fa[sa->frames[i]] != fb[sb->frames[i]])
			return fa[sa->frames[i]] < fb[sb->frames[i]] ? -1 : 1;
	return sa->nframes < sb->nframes ? -1 : sa->nframes > sb->nframes;
}

/* Rank j of a row's key; 0 past its end. */
static uint32_t key_rank(const struct diff *d, const struct diff_row *e, unsigned j)
{
	int side;
	const struct stack *st = row_stack(e, &side);

	return j < st->nframes ? d->frank[side][st->frames[j]] : 0;
}

/* Every entry's key prefix. */
static void key_prefixes(const struct diff *d, struct sort_ent *ent, size_t n)
{
	unsigned skip = UINT_MAX;
	int x0;
	const struct stack *s0 = row_stack(sort_rows_in[ent[0].row], &x0);

	for (size_t i = 1; i < n && skip; i++) {
		int x;
		const struct stack *st = row_stack(sort_rows_in[ent[i].row], &x);
		unsigned j = 0, m = st->nframes < s0->nframes ? st->nframes : s0->nframes;

		while (j < m && j < skip &&
		       d->frank[x][st->frames[j]] == d->frank[x0][s0->frames[j]])
			j++;
		skip = j;
	}
	if (skip == UINT_MAX)
		skip = 0;
	for (size_t i = 0; i < n; i++) {
		const struct diff_row *e = sort_rows_in[ent[i].row];

		ent[i].kpfx = (uint64_t)key_rank(d, e, skip) << 32 | key_rank(d, e, skip + 1);
	}
}

static int cmp_label_id(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return strcmp(strtab_str(sort_diff->labels, a), strtab_str(sort_diff->labels, b));
}

/* label id -> its rank in strcmp() order: equal ranks are equal labels */
static uint32_t *label_ranks(struct diff *d)
{
	sort_diff = d;
	return ranks(strtab_count(d->labels), cmp_label_id);
}

/* The sort key, then the label: rows that tie are then ordered by key_sort(). */
static int cmp_head(const void *x, const void *y)
{
	const struct sort_ent *a = x, *b = y;
	int c = 0;

	if (sort_diff->key == DK_LABEL)
		c = a->lrank < b->lrank ? -1 : a->lrank > b->lrank;
	else
		c = a->v < b->v ? -1 : a->v > b->v;
	if (!sort_diff->ascending)
		c = -c;
	if (c)
		return c;
	return a->lrank < b->lrank ? -1 : a->lrank > b->lrank;
}

/* A run's keys, each one's ranks one after the other in sort_flat: a key compared in the
 * sort is then a few lines of memory, not a walk from row to stack to frames. */
static void keys_flat(const struct diff *d, struct sort_ent *ent, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int side;
		const struct stack *st = row_stack(sort_rows_in[ent[i].row], &side);

		if (sort_nflat + st->nframes > sort_flat_cap) {
			while (sort_nflat + st->nframes > sort_flat_cap)
				sort_flat_cap = sort_flat_cap ? sort_flat_cap * 2 : 4096;
			sort_flat = xreallocarray(sort_flat, sort_flat_cap, sizeof(*sort_flat));
		}
		ent[i].koff = (uint32_t)sort_nflat;
		ent[i].klen = st->nframes;
		for (unsigned j = 0; j < st->nframes; j++)
			sort_flat[sort_nflat++] = d->frank[side][st->frames[j]];
	}
}

/* cmp_keys() on keys_flat()'s keys. */
static int cmp_flat(const void *x, const void *y)
{
	const struct sort_ent *a = x, *b = y;
	const uint32_t *ka, *kb;
	uint32_t n;

	if (!a->klen || !b->klen)
		return cmp_keys(sort_diff, a, b);
	if (a->kpfx != b->kpfx)
		return a->kpfx < b->kpfx ? -1 : 1;
	ka = sort_flat + a->koff;
	kb = sort_flat + b->koff;
	n = a->klen < b->klen ? a->klen : b->klen;
	for (uint32_t i = 0; i < n; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return a->klen < b->klen ? -1 : a->klen > b->klen;
}

/* ent[0..n) in the whole order: by the head, then each run of ties by its frames. */
static void sort_runs(struct diff *d, struct sort_ent *ent, size_t n)
{
	qsort(ent, n, sizeof(*ent), cmp_head);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && cmp_head(&ent[i], &ent[j]) == 0; j++)
			;
		if (j - i < 2)
			continue;
		key_prefixes(d, ent + i, j - i);
		keys_flat(d, ent + i, j - i);
		qsort(ent + i, j - i, sizeof(*ent), cmp_flat);
	}
	free(sort_flat);
	sort_flat = NULL;
	sort_nflat = sort_flat_cap = 0;
}

/* The whole order: the sort key, the label, then the frames. */
static int cmp_ent(const void *x, const void *y)
{
	int c = cmp_head(x, y);

	return c ? c : cmp_keys(sort_diff, x, y);
}

/* A row's label when sort_rows() labels only the rows it looks at: made when first asked
 * for, LABEL_LATER until then. */
#define LABEL_LATER UINT32_MAX

static uint32_t label_now(struct diff_row *e)
{
	return e->label == LABEL_LATER ? row_set_label(sort_diff, e) : e->label;
}

/* cmp_ent() for a sort key that is not the label, with the labels compared by their texts
 * (the order of their ranks) and made only for the rows that tie. */
static int cmp_later(const void *x, const void *y)
{
	const struct sort_ent *a = x, *b = y;
	int c = a->v < b->v ? -1 : a->v > b->v;
	uint32_t la, lb;

	if (!sort_diff->ascending)
		c = -c;
	if (c)
		return c;
	/* both made before either text is read: making one may move the other's */
	la = label_now(sort_rows_in[a->row]);
	lb = label_now(sort_rows_in[b->row]);
	c = strcmp(strtab_str(sort_diff->labels, la), strtab_str(sort_diff->labels, lb));
	if (c)
		return c < 0 ? -1 : 1;
	return cmp_keys(sort_diff, a, b);
}

typedef int (*cmp_fn)(const void *, const void *);

/* ent[i] sifted down the heap ent[0..n) whose root is the last in cmp's order. */
static void heap_down(struct sort_ent *ent, size_t n, size_t i, cmp_fn cmp)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct sort_ent t;

		if (l < n && cmp(&ent[l], &ent[m]) > 0)
			m = l;
		if (l + 1 < n && cmp(&ent[l + 1], &ent[m]) > 0)
			m = l + 1;
		if (m == i)
			return;
		t = ent[i];
		ent[i] = ent[m];
		ent[m] = t;
		i = m;
	}
}

/* The sort's view of row i of sort_rows_in; rank: the labels' (NULL: labels made later). */
static struct sort_ent sort_ent_of(const struct diff *d, size_t i, const uint32_t *rank)
{
	struct diff_row *e = sort_rows_in[i];

	if (!rank)
		e->label = LABEL_LATER;
	return (struct sort_ent){ .v = row_num(e, d->key), .lrank = rank ? rank[e->label] : 0,
				  .row = (uint32_t)i };
}

/* The first k of the n rows of sort_rows_in (k < n) in cmp's order, sorted, into
 * ent[0..k): a heap of the best k so far, its root the worst of them, which most rows do
 * not beat. The entries' key prefixes are 0, so cmp_keys() compares the whole keys. */
static void select_first(const struct diff *d, struct sort_ent *ent, size_t n, size_t k,
			 const uint32_t *rank, cmp_fn cmp)
{
	for (size_t i = 0; i < k; i++)
		ent[i] = sort_ent_of(d, i, rank);
	for (size_t i = k / 2; i-- > 0;)
		heap_down(ent, k, i, cmp);
	for (size_t i = k; i < n; i++) {
		struct sort_ent x = sort_ent_of(d, i, rank);

		if (cmp(&x, &ent[0]) >= 0)
			continue;
		ent[0] = x;
		heap_down(ent, k, 0, cmp);
	}
	qsort(ent, k, sizeof(*ent), cmp);
}

/* rows[0..n) sorted by the sort key, then label, then frames (so that the output never
 * depends on input order); with k (0 < k < n) only the first k of them, into rows[0..k).
 * Rows that tie on the first two are sorted by their frames apart, each run with the key
 * bytes after those its rows share at hand. later: the rows have no label yet (the first
 * k of a sort key not the label): only those that tie get one, and the first k. */
static void sort_rows(struct diff *d, struct diff_row **rows, size_t n, size_t k, int later)
{
	uint32_t *rank = later ? NULL : label_ranks(d);
	size_t m = k && k < n ? k : n;
	struct sort_ent *ent = xcalloc(m ? m : 1, sizeof(*ent));
	struct diff_row **out = xcalloc(m ? m : 1, sizeof(*out));

	sort_diff = d;
	sort_rows_in = rows;
	if (m < n) {
		select_first(d, ent, n, k, rank, later ? cmp_later : cmp_ent);
	} else {
		for (size_t i = 0; i < n; i++)
			ent[i] = sort_ent_of(d, i, rank);
		sort_runs(d, ent, n);
	}
	for (size_t i = 0; i < m; i++) {
		out[i] = rows[ent[i].row];
		if (later)
			label_now(out[i]);
	}
	if (m)
		memcpy(rows, out, m * sizeof(*out));
	free(out);
	free(ent);
	free(rank);
}

/* ---- output ---- */

/* The header's numbers, of every row. */
static void diff_count(const struct diff *d, struct diff_report *r)
{
	for (size_t i = 0; i < d->ne; i++) {
		const struct diff_row *e = &d->e[i];

		r->total_a = sat_add(r->total_a, e->a);
		r->total_b = sat_add(r->total_b, e->b);
		if (e->b > e->a) {
			r->grew++;
			r->added += e->a == 0;
		} else if (e->b < e->a) {
			r->shrank++;
			r->gone += e->b == 0;
		}
	}
}

static int diff_report_write(FILE *fp, const struct diff *d, struct diff_row *const *rows, size_t n,
			     size_t nchanged)
{
	struct diff_report r;
	size_t nkeys;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 2; i++) {
		const struct side *sd = &d->s[i];

		r.in[i] = (struct diff_input){ sd->m, sd->kind, sd->name, sd->iface, sd->sample,
					       sd->series, sd->nsamples };
	}
	r.rows = rows;
	r.nrows = n;
	r.labels = d->labels;
	diff_count(d, &r);
	r.changed = nchanged;
	r.sort = settings_diff_keys(&nkeys)[d->key];
	r.ascending = d->ascending;
	r.ignore_offsets = d->ignore_offsets;
	r.expand = d->expand;
	r.pages = d->pages;
	r.bytes = d->bytes;
	r.page_size = d->page_size;
	r.sym = d->sym;
	return output_diff(fp, d->format, &r);
}

/* ---- the command ---- */

static void usage(FILE *fp)
{
	fputs(_("Usage: pagetop diff [OPTION]... A B\n"
		"Show the stacks whose page counts changed from snapshot A to snapshot B,\n"
		"largest growth first.\n"
		"\n"
		"A and B are snapshot files, folders of snapshots or pagetop recordings, or -\n"
		"for standard input (one of them). Of a series the last sample is used;\n"
		"PATH@N picks sample N (numbered from 0), PATH@first, PATH@last, PATH@peak\n"
		"(the highest total) and PATH@-N (N before the last) the others.\n"
		"\n"), fp);
	fputs(_("      --fail-if=EXPR        exit with status 3 when a row meets EXPR\n"
		"                            (delta>5000,pages_b>1%), said on standard error\n"), fp);
	fputs(_("      --format=pprof        the change per stack as a pprof profile\n"
		"                            (gzip-compressed protobuf), for go tool pprof\n"), fp);
	fputs(_("      --vmlinux=FILE        pprof: the kernel's debug info for source lines\n"
		"      --modules=DIR         pprof: where modules' debug info is; repeatable\n"
		"      --no-symbols          pprof: functions only, no source lines (else\n"
		"                            those a recording carries, or the usual places)\n"), fp);
	fputs(_("      --format=F            text, csv, json or folded (growth only, for a\n"
		"                            flame graph)\n"
		"      --ignore-offsets      match frames by function and module only, so that\n"
		"                            two boots or two kernel builds compare\n"
		"      --sort=KEY[:asc]      delta (default), bytes, pages (in B), pages_a,\n"
		"                            pages_b or label\n"
		"      --limit=ROWS          print at most ROWS rows (0: all, the default)\n"
		"      --threshold=T         hide rows that changed by less than T: pages,\n"
		"                            bytes (2M) or percent of B's total (0.5%)\n"
		"      --expand              print each stack's frames under its row\n"
		"      --page-size=BYTES     page size of saved snapshots (default 4096)\n"
		"  -h, --help                show this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 error, 2 bad usage.\n"), fp);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int usage_error(const char *fmt, const char *arg)
{
	struct esc_buf b = { NULL, 0 };

	fputs("pagetop: ", stderr);
	fprintf(stderr, fmt, esc_str(&b, arg, text_locale_utf8()));
	fputc('\n', stderr);
	free(b.p);
	fputs(_("Try 'pagetop diff --help' for more information.\n"), stderr);
	return 2;
}
#pragma GCC diagnostic pop

enum { OPT_FORMAT = 256, OPT_IGNORE_OFFSETS, OPT_SORT, OPT_LIMIT, OPT_THRESHOLD, OPT_EXPAND,
       OPT_PAGE_SIZE, OPT_FAIL_IF, OPT_VMLINUX, OPT_MODULES, OPT_NO_SYMBOLS };

/* An option's value as a setting's (settings.h): 0, or the usage error's status. */
static int arg_setting(enum setting_id id, const char *arg, struct setting_value *v)
{
	struct pt_err err;

	if (settings_parse(id, arg, v, SETTING_FROM_ARGS, &err) < 0)
		return usage_error("%s", err.msg);
	return 0;
}

/* One option into o: 0, or the exit status (--help: 0 with *done set). */
static int diff_option(struct diff_opts *o, int c, const char *arg, const char *opt, int *done)
{
	struct setting_value v;

	switch (c) {
	case OPT_FORMAT:
		if (arg_setting(SETTING_FORMAT, arg, &v))
			return 2;
		if (v.format == OUT_OPENMETRICS)
			return usage_error("%s", _("--format openmetrics is for one sample (pagetop -b), not for a diff"));
		o->format = v.format;
		break;
	case OPT_IGNORE_OFFSETS:
		o->ignore_offsets = 1;
		break;
	case OPT_SORT:
		if (arg_setting(SETTING_DIFF_SORT, arg, &v))
			return 2;
		o->key = (enum diff_key)v.sort.key;
		o->ascending = v.sort.ascending;
		break;
	case OPT_LIMIT:
		if (arg_setting(SETTING_LIMIT, arg, &v))
			return 2;
		o->limit = (size_t)v.whole;
		break;
	case OPT_THRESHOLD:
		if (arg_setting(SETTING_THRESHOLD, arg, &v))
			return 2;
		o->threshold = v.threshold;
		break;
	case OPT_EXPAND:
		o->expand = 1;
		break;
	case OPT_PAGE_SIZE:
		if (arg_setting(SETTING_PAGE_SIZE, arg, &v))
			return 2;
		o->source.page_size = (long)v.whole;
		break;
	case OPT_FAIL_IF: {
		struct pt_err err;

		if (gate_parse(&o->gate, arg, GATE_COLS_DIFF, &err) < 0)
			return usage_error("%s", err.msg);
		break;
	}
	case OPT_VMLINUX:
		o->vmlinux = arg;
		break;
	case OPT_MODULES:
		if (o->nmodules == ARRAY_SIZE(o->modules))
			return usage_error(_("--modules: at most 32 folders, found more with '%s'"), arg);
		o->modules[o->nmodules++] = arg;
		break;
	case OPT_NO_SYMBOLS:
		o->no_symbols = 1;
		break;
	case 'h':
		usage(stdout);
		*done = 1;
		return 0;
	case ':':
		return usage_error(_("%s: the option needs a value"), opt);
	default:
		return usage_error(_("unknown option '%s'"), opt);
	}
	return 0;
}

enum { DIFF_RUN = -1 };

/* argv into o, and A and B checked: DIFF_RUN, or the exit status. */
static int diff_parse(int argc, char **argv, struct diff_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ignore-offsets", no_argument, NULL, OPT_IGNORE_OFFSETS },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "expand", no_argument, NULL, OPT_EXPAND },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "fail-if", required_argument, NULL, OPT_FAIL_IF },
		{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "no-symbols", no_argument, NULL, OPT_NO_SYMBOLS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc, done = 0;

	memset(o, 0, sizeof(*o));
	source_opts_init(&o->source);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		rc = diff_option(o, c, optarg, argv[optind - 1], &done);
		if (rc || done)
			return rc;
	}
	if (argc - optind < 2)
		return usage_error("%s", _("expected two snapshots, A and B"));
	if (argc - optind > 2)
		return usage_error(_("expected two snapshots, A and B: what is '%s'?"), argv[optind + 2]);
	if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0)
		return usage_error(_("%s: only one of A and B can be standard input"), "-");
	if (o->format == OUT_PPROF && isatty(STDOUT_FILENO))
		return usage_error("%s", _("not writing a pprof profile (binary) to a terminal: redirect standard output"));
	if ((o->vmlinux || o->nmodules || o->no_symbols) && o->format != OUT_PPROF)
		return usage_error("%s", _("--vmlinux, --modules and --no-symbols are for --format pprof"));
	o->a = argv[optind];
	o->b = argv[optind + 1];
	return DIFF_RUN;
}

/* Both sides read into d, in the same unit: 0, or the exit status. */
static int diff_load(struct diff *d, const struct diff_opts *o)
{
	const char *args[2] = { o->a, o->b };
	struct pt_err err;

	for (int i = 0; i < 2; i++)
		if (side_parse(&d->s[i], args[i], &err) < 0)
			return usage_error("%s", err.msg);
	if (sides_load(d->s, &o->source) < 0)
		return 1;
	d->bytes = model_meta(d->s[0].m)->unit == UNIT_BYTES;
	if (d->bytes != (model_meta(d->s[1].m)->unit == UNIT_BYTES)) {
		struct esc_buf b[2] = { { NULL, 0 }, { NULL, 0 } };

		fprintf(stderr, _("pagetop: %s counts %s and %s %s: they do not compare\n"),
			esc_str(&b[0], d->s[0].arg, text_locale_utf8()),
			d->bytes ? _("bytes (allocinfo)") : _("page_owner's stacks"),
			esc_str(&b[1], d->s[1].arg, text_locale_utf8()),
			d->bytes ? _("page_owner's stacks") : _("bytes (allocinfo)"));
		free(b[0].p);
		free(b[1].p);
		return 1;
	}
	d->pages = model_meta(d->s[0].m)->unit == UNIT_PAGES;
	if (!d->bytes && d->pages != (model_meta(d->s[1].m)->unit == UNIT_PAGES)) {
		struct esc_buf b[2] = { { NULL, 0 }, { NULL, 0 } };
		const char *a = esc_str(&b[0], d->s[0].arg, text_locale_utf8());
		const char *bn = esc_str(&b[1], d->s[1].arg, text_locale_utf8());

		if (d->pages)
			fprintf(stderr, _("pagetop: %s counts pages and %s allocations (stack_count): they do not compare\n"),
				a, bn);
		else
			fprintf(stderr, _("pagetop: %s counts allocations (stack_count) and %s pages: they do not compare\n"),
				a, bn);
		free(b[0].p);
		free(b[1].p);
		return 1;
	}
	d->pages |= d->bytes;
	d->page_size = model_page_size(d->s[1].m);
	if (d->pages && model_page_size(d->s[0].m) != d->page_size)
		diag_warn(_("the page sizes differ (A %ld, B %ld bytes): sizes of changes use B's"),
			  model_page_size(d->s[0].m), d->page_size);
	return 0;
}

/* The rows that changed, by at least the threshold, sorted (with k, only the first k of
 * them); *nchanged: all that changed. */
static struct diff_row **diff_rows(struct diff *d, size_t k, size_t *nrows, size_t *nchanged)
{
	struct diff_row **rows;
	int64_t total_b = 0, threshold;
	int later;

	frame_ranks(d);
	rows_alloc(d);
	add_side(d, 0);
	add_side(d, 1);
	labels_begin(d);
	rows = xcalloc(d->ne ? d->ne : 1, sizeof(*rows));
	*nrows = *nchanged = 0;
	/* a percentage is of B's total */
	for (size_t i = 0; i < d->ne; i++)
		total_b = sat_add(total_b, d->e[i].b);
	threshold = threshold_pages(&d->threshold, d->page_size, total_b);
	for (size_t i = 0; i < d->ne; i++) {
		struct diff_row *e = &d->e[i];
		int64_t delta = e->b - e->a;

		if (!delta || (!e->sa && !e->sb))
			continue;
		(*nchanged)++;
		if (threshold && (delta < 0 ? -delta : delta) < threshold)
			continue;
		rows[(*nrows)++] = e;
	}
	later = k && k < *nrows && d->key != DK_LABEL;
	if (!later)
		set_labels(d);
	sort_rows(d, rows, *nrows, k, later);
	if (k && k < *nrows)
		*nrows = k;
	return rows;
}

static int diff_print(const struct diff *d, struct diff_row **rows, size_t nrows, size_t nchanged)
{
	size_t n = d->limit && d->limit < nrows ? d->limit : nrows;

	if (diff_report_write(stdout, d, rows, n, nchanged) < 0 || fflush(stdout) != 0 ||
	    ferror(stdout)) {
		if (errno != EPIPE) {
			fprintf(stderr, _("pagetop: cannot write the output: %s\n"), strerror(errno));
			return 1;
		}
	}
	return 0;
}

/* --fail-if on every row that changed by the threshold, printed or not: 1 when some row
 * met it (said on standard error). */
static int diff_gate(const struct diff *d, const struct gate *g, struct diff_row *const *rows,
		     size_t nrows)
{
	int64_t total_b = 0;
	int tripped = 0;

	for (size_t i = 0; i < d->ne; i++)
		total_b = sat_add(total_b, d->e[i].b);
	for (size_t i = 0; i < nrows; i++) {
		const struct diff_row *e = rows[i];
		double v[GATE__N] = { 0 };
		const struct gate_cond *c;
		struct pt_err msg;
		char num[64];
		int k;

		v[GATE_PAGES] = v[GATE_PAGES_B] = (double)e->b;
		v[GATE_PAGES_A] = (double)e->a;
		v[GATE_DELTA] = v[GATE_BYTES] = (double)(e->b - e->a);
		k = gate_check(g, v, d->page_size, total_b);
		if (k < 0 || ++tripped > GATE_ROWS_SAID)
			continue;
		c = &g->c[k];
		if (c->col == GATE_BYTES)
			v[GATE_BYTES] *= (double)d->page_size;
		pt_err_set(&msg, _("%s: %s (%s %s)"), c->text, row_label(d, e), gate_col_name(c->col),
			   gate_value_text(c->col, v[c->col], num, sizeof(num)));
		msg_print(msg.msg);
	}
	if (tripped > GATE_ROWS_SAID)
		diag_warn(_("--fail-if: and %d more rows"), tripped - GATE_ROWS_SAID);
	return tripped > 0;
}

static int diff_run(const struct diff_opts *o)
{
	struct diff d;
	struct diff_row **rows = NULL;
	size_t nrows = 0, nchanged = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	d.format = o->format;
	d.ignore_offsets = o->ignore_offsets;
	d.expand = o->expand;
	d.key = o->key;
	d.ascending = o->ascending;
	d.limit = o->limit;
	d.threshold = o->threshold;
	rc = diff_load(&d, o);
	/* A's kernel names the debug info; the lines a recording carries come with it */
	if (rc == 0 && o->format == OUT_PPROF && !o->no_symbols)
		d.sym = symbols_for_source(o->vmlinux, o->modules, o->nmodules,
					   model_meta(d.s[0].m));
	if (rc == 0) {
		/* --fail-if looks at every row; the output at the first --limit */
		rows = diff_rows(&d, o->gate.n ? 0 : d.limit, &nrows, &nchanged);
		rc = diff_print(&d, rows, nrows, nchanged);
		if (rc == 0 && o->gate.n && diff_gate(&d, &o->gate, rows, nrows))
			rc = GATE_EXIT;
	}
	free(rows);
	symbols_free(d.sym);
	if (d.e) {
		xhuge_free(d.e, d.ecap * sizeof(*d.e));
		xhuge_free(d.slot, (d.mask + 1) * sizeof(*d.slot));
	}
	free(d.buf);
	free(d.frank[0]);
	free(d.frank[1]);
	free(d.lmemo[0]);
	free(d.lmemo[1]);
	if (d.labels)
		strtab_free(d.labels);
	side_free(&d.s[0]);
	side_free(&d.s[1]);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o;
	int rc = diff_parse(argc, argv, &o);

	return rc == DIFF_RUN ? diff_run(&o) : rc;
}
