/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_model.c - the model: stack identity, counters over samples, baseline, rate, peak,
 * history, the leak score, groupings, totals, sorting, thresholds, filters, special
 * stacks, per-block aggregation and replays from a tape. */
#include "config.h"

#include <ctype.h>
#include <math.h>

#include "model_index.h"
#include "model_replay.h"
#include "model_int.h"
#include "testutil.h"

/* Feeds one sample at time t. */
static void feed(struct model *m, double t, const char *spec)
{
	char *text = spec_text(spec);

	model_feed_text(m, t, text);
	free(text);
}

/* The stack of a spec's frames ("a;b"), or NULL. */
static const struct stack *find(const struct model *m, const char *frames)
{
	struct sbuf b = { 0 };
	const char *f = frames;
	const struct stack *st;

	sb_add(&b, "");
	while (*f) {
		const char *semi = strchr(f, ';');
		size_t n = semi ? (size_t)(semi - f) : strlen(f);

		if (b.len)
			sb_add(&b, ";");
		spec_frame(&b, f, n);
		f += n + (semi != NULL);
	}
	st = model_find(m, b.s);
	sb_free(&b);
	return st;
}

static const struct stack *must_find(const struct model *m, const char *frames)
{
	const struct stack *st = find(m, frames);

	ck_assert_msg(st != NULL, "no stack %s", frames);
	return st;
}

/* The view row labelled label, or NULL. */
static const struct row *row_of(const struct model *m, const struct view *v, const char *label)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (strcmp(model_label(m, v->rows[i].label), label) == 0)
			return &v->rows[i];
	return NULL;
}

static const struct row *must_row(const struct model *m, const struct view *v,
				  const char *label)
{
	const struct row *r = row_of(m, v, label);

	ck_assert_msg(r != NULL, "no row %s", label);
	return r;
}

static void view_with(struct model *m, struct view *v, enum group_mode g, enum sort_key k,
		      int asc)
{
	struct view_opts o;

	view_opts_init(&o);
	o.group = g;
	o.key = k;
	o.ascending = asc;
	model_view(m, &o, v);
}

/* Feeds a raw stack record: with a handle (0: none), with the producer's frame keys of a
 * keyspace (0: none; sink.h), with a count or not. */
static void feed_rec(struct model *m, uint64_t handle, uint64_t keyspace,
		     const char *const *frames, const uint32_t *keys, unsigned n, int has_count,
		     uint64_t count)
{
	struct sink s = model_sink(m);
	struct frame_text ft[16];
	struct stack_rec rec = { 0 };
	struct pt_err err;

	memset(&rec, 0, sizeof(rec));
	for (unsigned i = 0; i < n; i++) {
		ft[i].s = frames[i];
		ft[i].len = (uint32_t)strlen(frames[i]);
		ft[i].key = keys ? keys[i] : 0;
		ft[i].hash = 0;
	}
	rec.frames = ft;
	rec.nframes = n;
	rec.handle = handle;
	rec.keyspace = keyspace;
	rec.has_count = has_count;
	rec.count = count;
	ck_assert_int_eq(s.ops->stack(s.self, &rec, &err), 0);
}

static void feed_handle_rec(struct model *m, uint64_t handle, const char *const *frames,
			    unsigned n)
{
	feed_rec(m, handle, 0, frames, NULL, n, 0, 0);
}

static void feed_keyed(struct model *m, uint64_t keyspace, const char *const *frames,
		       const uint32_t *keys, unsigned n, uint64_t count)
{
	feed_rec(m, 0, keyspace, frames, keys, n, 1, count);
}

static void begin_sample(struct model *m, double t)
{
	struct sink s = model_sink(m);
	struct sample_info si = { t, 0, model_nsamples(m) };
	struct pt_err err;

	if (!model_nsamples(m)) {
		struct source_meta meta;

		memset(&meta, 0, sizeof(meta));
		meta.name = "handles";
		meta.kind = "test";
		meta.iface = IFACE_HANDLES;
		meta.page_size = 4096;
		meta.page_size_known = 1;
		ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	}
	ck_assert_int_eq(s.ops->begin(s.self, &si, &err), 0);
}

static void end_sample(struct model *m)
{
	struct sink s = model_sink(m);
	struct pt_err err;

	ck_assert_int_eq(s.ops->end(s.self, &err), 0);
}

static void count_handle(struct model *m, uint64_t h, uint64_t n)
{
	struct sink s = model_sink(m);
	struct pt_err err;

	ck_assert_int_eq(s.ops->count(s.self, h, n, &err), 0);
}

/* ------------------------------------------------------------------ identity */

START_TEST(test_identity)
{
	struct model *m = model_new();
	const struct stack *ab, *ab2, *ac, *abc;

	/* counts of the same stack in one sample add up (per-block dumps) */
	feed(m, 0, "a;b=5|a;c=7|a;b=3|a;b;c=1");
	ck_assert_uint_eq(model_nstacks(m), 3);
	ab = must_find(m, "a;b");
	ac = must_find(m, "a;c");
	abc = must_find(m, "a;b;c");
	ck_assert_int_eq(ab->s.now, 8);
	ck_assert_int_eq(ac->s.now, 7);
	ck_assert_int_eq(abc->s.now, 1);
	ck_assert_uint_ne(ab->id, ac->id);
	ck_assert_uint_ne(ab->id, abc->id);
	/* the same frames in a later sample are the same stack */
	feed(m, 1, "a;c=2|a;b=9");
	ck_assert_uint_eq(model_nstacks(m), 3);
	ab2 = must_find(m, "a;b");
	ck_assert_uint_eq(ab2->id, ab->id);
	ck_assert_ptr_eq(ab2, ab);
	ck_assert_int_eq(ab->s.now, 9);
	ck_assert_int_eq(ac->s.now, 2);
	ck_assert_int_eq(abc->s.now, 0);
	/* model_stack by id */
	ck_assert_ptr_eq(model_stack(m, ab->id), ab);
	ck_assert_ptr_null(model_stack(m, 99));
	/* frames keep their text, innermost first */
	ck_assert_str_eq(model_frame(m, ab->frames[0]), "a+0x1/0x10");
	ck_assert_str_eq(model_frame(m, ab->frames[1]), "b+0x1/0x10");
	model_free(m);
}
END_TEST

START_TEST(test_identity_offsets_and_last_frame)
{
	struct model *m = model_new();

	/* the same function at another offset is another call site: another stack; two
	 * stacks that differ only in their last frame stay apart */
	feed(m, 0, "x+0x1/0x10;y+0x5/0x20=1|x+0x1/0x10;y+0x6/0x20=2|x+0x2/0x10;y+0x5/0x20=4"
		   "|p;q;r;s;t;u;v;w;z1=8|p;q;r;s;t;u;v;w;z2=16|p;q;r;s;t;u;v;w=32");
	ck_assert_uint_eq(model_nstacks(m), 6);
	ck_assert_int_eq(must_find(m, "x+0x1/0x10;y+0x5/0x20")->s.now, 1);
	ck_assert_int_eq(must_find(m, "x+0x1/0x10;y+0x6/0x20")->s.now, 2);
	ck_assert_int_eq(must_find(m, "x+0x2/0x10;y+0x5/0x20")->s.now, 4);
	ck_assert_int_eq(must_find(m, "p;q;r;s;t;u;v;w;z1")->s.now, 8);
	ck_assert_int_eq(must_find(m, "p;q;r;s;t;u;v;w;z2")->s.now, 16);
	ck_assert_int_eq(must_find(m, "p;q;r;s;t;u;v;w")->s.now, 32);
	model_free(m);
}
END_TEST

/* Stack i's frames, distinct for each i, in f (room for 3 texts of 32). */
static void expect_frames(unsigned i, char f[3][32], const char *fp[3])
{
	snprintf(f[0], sizeof(f[0]), "alloc_pages+0x%x/0x100", i % 7);
	snprintf(f[1], sizeof(f[1]), "f%u+0x1/0x10", i);
	snprintf(f[2], sizeof(f[2]), "g%u+0x2/0x20", i / 3);
	for (int k = 0; k < 3; k++)
		fp[k] = f[k];
}

static const struct stack *expect_find(const struct model *m, const char *fp[3])
{
	char joined[100];
	const struct stack *st;

	snprintf(joined, sizeof(joined), "%s;%s;%s", fp[0], fp[1], fp[2]);
	st = model_find(m, joined);
	ck_assert_msg(st != NULL, "no stack %s", joined);
	return st;
}

/* The sink's hint of a sample's size: the table of stacks by frames takes its size at
 * once (no doubling while they come), the stacks it had are found again after it, and
 * a hint too large or too small neither fails nor shrinks the table. */
START_TEST(test_model_expect)
{
	struct model *m = model_new();
	struct sink s = model_sink(m);
	char f[3][32];
	const char *fp[3];
	size_t ns;

	ck_assert_ptr_nonnull(s.ops->expect);
	begin_sample(m, 1);
	for (unsigned i = 0; i < 300; i++) {
		expect_frames(i, f, fp);
		feed_keyed(m, 0, fp, NULL, 3, i + 1);
	}
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 300);
	begin_sample(m, 2);
	s.ops->expect(s.self, 5000);
	ns = m->nslots_frames;
	ck_assert_uint_ge(ns, 2 * 5000);
	ck_assert_uint_le(ns, 4 * 5000);
	for (unsigned i = 0; i < 5000; i++) {
		expect_frames(i, f, fp);
		feed_keyed(m, 0, fp, NULL, 3, 2 * i + 1);
	}
	ck_assert_uint_eq(m->nslots_frames, ns); /* it did not grow on the way */
	s.ops->expect(s.self, 10);                /* a hint below what it has: no change */
	ck_assert_uint_eq(m->nslots_frames, ns);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 5000);
	for (unsigned i = 0; i < 5000; i += 499) {
		const struct stack *st;

		expect_frames(i, f, fp);
		st = expect_find(m, fp);
		ck_assert_ptr_nonnull(st);
		ck_assert_uint_eq(st->id, i);
		ck_assert_int_eq(st->s.now, 2 * i + 1);
	}
	/* a hint past any file: the table stays within its bound */
	begin_sample(m, 3);
	s.ops->expect(s.self, UINT64_MAX / 4);
	ck_assert_uint_le(m->nslots_frames, (size_t)1 << 23);
	ck_assert_uint_gt(m->nslots_frames, ns);
	expect_frames(7, f, fp);
	feed_keyed(m, 0, fp, NULL, 3, 99);
	end_sample(m);
	ck_assert_int_eq(expect_find(m, fp)->s.now, 99);
	ck_assert_uint_eq(model_nstacks(m), 5000);
	model_free(m);
}
END_TEST

START_TEST(test_identity_many)
{
	/* enough stacks to grow every table several times; every one stays itself */
	struct model *m = model_new();
	struct sbuf b = { 0 };
	char *text;

	for (int round = 0; round < 2; round++) {
		sb_free(&b);
		for (int i = 0; i < 5000; i++)
			sb_printf(&b, " common+0x1/0x2\n leaf_%d+0x%x/0x1000\n f%d+0x1/0x2\nnr_base_pages: %d\n\n",
				  i % 97, i, i / 97, i + round);
		text = b.s;
		model_feed_text(m, round, text);
	}
	ck_assert_uint_eq(model_nstacks(m), 5000);
	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		char want[64];

		snprintf(want, sizeof(want), "leaf_%zu+0x%zx/0x1000", i % 97, i);
		ck_assert_str_eq(model_frame(m, st->frames[1]), want);
		ck_assert_int_eq(st->s.now, (int64_t)i + 1);
		ck_assert_int_eq(st->s.delta, 1);
	}
	sb_free(&b);
	model_free(m);
}
END_TEST

/* Frame keys map to the text they had the first time in their keyspace; a new keyspace
 * may use the same numbers for other texts, and the model asks the texts again. */
START_TEST(test_frame_keys)
{
	struct model *m = model_new();
	const char *a[] = { "alloc_pages+0x1/0x10", "foo+0x2/0x20" };
	const char *b[] = { "alloc_pages+0x1/0x10", "bar+0x3/0x30" };
	const uint32_t ka[] = { 1, 2 }, kb[] = { 1, 3 };
	const uint32_t kc[] = { 2, 1 }; /* keyspace 2: the numbers name other texts */
	struct view v;

	begin_sample(m, 0);
	feed_keyed(m, 1, a, ka, 2, 10);
	feed_keyed(m, 1, b, kb, 2, 20);
	feed_keyed(m, 1, a, ka, 2, 1); /* the same stack again: counts add up */
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 2);
	begin_sample(m, 1);
	feed_keyed(m, 2, b, kc, 2, 7);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 2);
	for (uint32_t i = 0; i < 2; i++) {
		const struct stack *st = model_stack(m, i);

		ck_assert_str_eq(model_frame(m, st->frames[1]), i == 0 ? "foo+0x2/0x20" : "bar+0x3/0x30");
		ck_assert_int_eq(st->s.now, i == 0 ? 0 : 7);
	}
	view_init(&v);
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_int_eq(v.total_pages, 7);
	ck_assert_int_eq(model_total_pages(m), 7);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_handles_keep_first_text)
{
	struct model *m = model_new();
	static const char *const named[] = { "prep_new_page+0x17/0x43",
					     "brd_submit_bio+0x28d/0x42b [brd]",
					     "__submit_bio+0x6e/0x7d" };
	static const char *const bare[] = { "prep_new_page+0x17/0x43", "0xffffffffc0201234",
					    "__submit_bio+0x6e/0x7d" };
	const struct stack *st;

	begin_sample(m, 0);
	feed_handle_rec(m, 77, named, 3);
	count_handle(m, 77, 100);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 1);
	st = model_stack(m, 0);
	ck_assert_uint_eq(st->handle, 77);
	ck_assert_int_eq(st->s.now, 100);
	ck_assert_str_eq(model_label(m, st->label), "brd_submit_bio [brd]");

	/* after rmmod the kernel prints bare addresses: the stack keeps its names */
	begin_sample(m, 1);
	feed_handle_rec(m, 77, bare, 3);
	count_handle(m, 77, 40);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 1);
	ck_assert_str_eq(model_frame(m, st->frames[1]), "brd_submit_bio+0x28d/0x42b [brd]");
	ck_assert_str_eq(model_label(m, st->label), "brd_submit_bio [brd]");
	ck_assert_int_eq(st->s.now, 40);
	ck_assert_int_eq(st->s.delta, -60);

	/* a different handle with the same frames is another stack */
	begin_sample(m, 2);
	feed_handle_rec(m, 78, named, 3);
	count_handle(m, 78, 5);
	count_handle(m, 77, 40);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 2);
	ck_assert_int_eq(model_stack(m, 1)->s.now, 5);
	model_free(m);
}
END_TEST

START_TEST(test_handles_count_before_frames)
{
	/* a live read can see a count before the stack that defines its handle */
	struct model *m = model_new();
	static const char *const fr[] = { "prep_new_page+0x17/0x43", "do_it+0x1/0x2" };
	const struct stack *st;

	begin_sample(m, 0);
	count_handle(m, 9, 3);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 1);
	st = model_stack(m, 0);
	ck_assert_uint_eq(st->nframes, 0);
	ck_assert_int_eq(st->s.now, 3);
	begin_sample(m, 1);
	feed_handle_rec(m, 9, fr, 2);
	count_handle(m, 9, 4);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 1);
	ck_assert_uint_eq(st->nframes, 2);
	ck_assert_str_eq(model_label(m, st->label), "do_it");
	ck_assert_int_eq(st->s.now, 4);
	ck_assert_int_eq(st->s.delta, 1);
	model_free(m);
}
END_TEST

START_TEST(test_handles_many)
{
	/* many handles: the handle table grows; every count lands on its stack */
	struct model *m = model_new();
	char fname[64];
	const char *fr[2] = { "prep_new_page+0x17/0x43", fname };

	begin_sample(m, 0);
	for (uint64_t h = 1; h <= 3000; h++) {
		snprintf(fname, sizeof(fname), "caller_%llu+0x1/0x2", (unsigned long long)h);
		feed_handle_rec(m, h * 7919, fr, 2);
	}
	for (uint64_t h = 1; h <= 3000; h++)
		count_handle(m, h * 7919, h);
	end_sample(m);
	ck_assert_uint_eq(model_nstacks(m), 3000);
	for (uint32_t i = 0; i < 3000; i++) {
		const struct stack *st = model_stack(m, i);

		snprintf(fname, sizeof(fname), "caller_%u", i + 1);
		ck_assert_uint_eq(st->handle, (uint64_t)(i + 1) * 7919);
		ck_assert_int_eq(st->s.now, (int64_t)i + 1);
		ck_assert_str_eq(model_label(m, st->label), fname);
	}
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ counters */

START_TEST(test_deltas_rate_peak)
{
	struct model *m = model_new();
	const struct stack *a, *b;
	struct view v;

	view_init(&v);
	feed(m, 100, "a=10");
	a = must_find(m, "a");
	ck_assert_uint_eq(model_nsamples(m), 1);
	ck_assert_int_eq(a->s.now, 10);
	ck_assert_int_eq(a->s.delta, 0);      /* the first sample has no change */
	ck_assert_double_eq(a->s.rate, 0);
	ck_assert_int_eq(a->s.peak, 10);
	ck_assert_uint_eq(a->s.first_seen, 0);

	feed(m, 102, "a=15|b=5");
	b = must_find(m, "b");
	ck_assert_int_eq(a->s.now, 15);
	ck_assert_int_eq(a->s.now - a->s.delta, 10);
	ck_assert_int_eq(a->s.delta, 5);
	ck_assert_double_eq_tol(a->s.rate, 2.5, 1e-9);
	ck_assert_int_eq(b->s.now, 5);
	ck_assert_int_eq(b->s.delta, 5);      /* new: it had 0 */
	ck_assert_double_eq_tol(b->s.rate, 2.5, 1e-9);
	ck_assert_uint_eq(b->s.first_seen, 1);
	ck_assert_double_eq_tol(model_time_at(m, b->s.first_seen), 102, 1e-9);

	feed(m, 106, "a=12");                 /* b not reported: 0 */
	ck_assert_int_eq(a->s.delta, -3);
	ck_assert_double_eq_tol(a->s.rate, -0.75, 1e-9);
	ck_assert_int_eq(a->s.peak, 15);
	ck_assert_int_eq(b->s.now, 0);
	ck_assert_int_eq(b->s.delta, -5);
	ck_assert_int_eq(b->s.peak, 5);
	ck_assert_double_eq_tol(b->s.rate, -1.25, 1e-9);
	ck_assert_uint_eq(b->s.last_changed, 2);

	/* times */
	ck_assert_double_eq_tol(model_sample_time(m), 106, 1e-9);
	ck_assert_double_eq_tol(model_first_time(m), 100, 1e-9);
	ck_assert_double_eq_tol(model_time_at(m, 0), 100, 1e-9);
	ck_assert_double_eq_tol(model_time_at(m, 1), 102, 1e-9);
	ck_assert_double_eq_tol(model_time_at(m, 99), 106, 1e-9); /* clamped */
	ck_assert_uint_eq(model_nsamples(m), 3);

	/* totals of the view: every stack */
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_int_eq(v.total_pages, 12);
	ck_assert_int_eq(model_total_pages(m), 12);
	ck_assert_int_eq(v.total_delta, -8);
	ck_assert_double_eq_tol(v.total_rate, -2.0, 1e-9);
	ck_assert_int_eq(v.total_delta_base, 2);   /* a: 12-10, b: 0-0 */
	ck_assert_uint_eq(v.nrows, 2);             /* b is gone but changed: still shown */

	/* a stack gone for good drops out of the rows, not out of the model */
	feed(m, 107, "a=12");
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_uint_eq(v.nrows, 1);
	ck_assert_uint_eq(v.total_rows, 1);
	ck_assert_uint_eq(model_nstacks(m), 2);
	/* and comes back as the same stack */
	feed(m, 108, "b=1|a=12");
	ck_assert_uint_eq(model_nstacks(m), 2);
	ck_assert_int_eq(b->s.now, 1);
	ck_assert_int_eq(b->s.delta, 1);
	ck_assert_uint_eq(b->s.first_seen, 1);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_baseline)
{
	struct model *m = model_new();
	const struct stack *a, *b;
	struct view v;

	view_init(&v);
	feed(m, 0, "a=10");
	feed(m, 1, "a=15|b=5");
	a = must_find(m, "a");
	b = must_find(m, "b");
	/* default baseline: the first sample */
	ck_assert_uint_eq(model_baseline_sample(m), 0);
	ck_assert_int_eq(a->s.delta_base, 5);
	ck_assert_int_eq(b->s.delta_base, 5);

	model_set_baseline(m);
	ck_assert_uint_eq(model_baseline_sample(m), 1);
	ck_assert_int_eq(a->s.base, 15);
	ck_assert_int_eq(a->s.delta_base, 0);
	ck_assert_int_eq(b->s.delta_base, 0);
	feed(m, 2, "a=12|b=9|c=4");
	ck_assert_int_eq(a->s.delta_base, -3);
	ck_assert_int_eq(b->s.delta_base, 4);
	ck_assert_int_eq(must_find(m, "c")->s.delta_base, 4); /* new since: all of it */
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_int_eq(v.total_delta_base, 5);
	/* groups follow the baseline too */
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "a")->s->delta_base, -3);

	model_reset_baseline(m);
	ck_assert_uint_eq(model_baseline_sample(m), 0);
	ck_assert_int_eq(a->s.delta_base, 2);
	ck_assert_int_eq(b->s.delta_base, 9);
	ck_assert_int_eq(must_find(m, "c")->s.delta_base, 4);
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "a")->s->delta_base, 2);
	feed(m, 3, "a=20|b=9|c=4");
	ck_assert_int_eq(a->s.delta_base, 10);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_history)
{
	struct model *m = model_new();
	int64_t h[8];
	const struct stack *a, *b, *c;

	feed(m, 0, "a=10|c=7");
	feed(m, 1, "a=15|b=5|c=7");
	feed(m, 2, "a=12|c=7");
	a = must_find(m, "a");
	b = must_find(m, "b");
	c = must_find(m, "c");
	ck_assert_int_eq(model_history(m, &a->s, h, 8), 3);
	ck_assert_int_eq(h[0], 10);
	ck_assert_int_eq(h[1], 15);
	ck_assert_int_eq(h[2], 12);
	ck_assert_int_eq(model_history(m, &b->s, h, 8), 3);
	ck_assert_int_eq(h[0], 0);
	ck_assert_int_eq(h[1], 5);
	ck_assert_int_eq(h[2], 0);
	/* a constant stack keeps no history buffer, and still has a history */
	ck_assert_ptr_null(c->s.hist);
	ck_assert_int_eq(model_history(m, &c->s, h, 8), 3);
	ck_assert_int_eq(h[0], 7);
	ck_assert_int_eq(h[2], 7);
	/* the last n */
	ck_assert_int_eq(model_history(m, &a->s, h, 2), 2);
	ck_assert_int_eq(h[0], 15);
	ck_assert_int_eq(h[1], 12);
	ck_assert_int_eq(model_history(m, &a->s, h, 0), 0);
	model_free(m);
}
END_TEST

START_TEST(test_history_long)
{
	/* more samples than the ring holds: the last MODEL_HISTORY are right */
	struct model *m = model_new();
	int64_t *h = calloc(MODEL_HISTORY + 10, sizeof(int64_t));
	char spec[64];
	const struct stack *a;
	int n = MODEL_HISTORY + 37;

	for (int i = 0; i < n; i++) {
		snprintf(spec, sizeof(spec), "a=%d|k=5", (i * 7) % 101);
		feed(m, i, spec);
	}
	a = must_find(m, "a");
	ck_assert_int_eq(model_history(m, &a->s, h, MODEL_HISTORY + 10), MODEL_HISTORY);
	for (int j = 0; j < MODEL_HISTORY; j++) {
		int sample = n - MODEL_HISTORY + j;

		ck_assert_int_eq(h[j], (sample * 7) % 101);
	}
	ck_assert_int_eq(model_history(m, &must_find(m, "k")->s, h, 5), 5);
	ck_assert_int_eq(h[4], 5);
	free(h);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ score */

/* Feeds a series for one stack "s" (and a steady bystander) and returns its score. */
static double score_of(const int64_t *vals, int n)
{
	struct model *m = model_new();
	char spec[64];
	double sc;

	for (int i = 0; i < n; i++) {
		snprintf(spec, sizeof(spec), "s=%lld|other=100", (long long)vals[i]);
		feed(m, i, spec);
	}
	sc = model_score(&must_find(m, "s")->s);
	ck_assert_double_eq(model_score(&must_find(m, "other")->s), 0);
	ck_assert(sc >= 0 && sc <= 1);
	model_free(m);
	return sc;
}

START_TEST(test_score_ranks)
{
	int64_t v[60];
	double steady, churn, jump, shrink, flat, big_flat;

	for (int i = 0; i < 60; i++)
		v[i] = 100 + 10 * i;                /* +10 pages every sample */
	steady = score_of(v, 60);
	for (int i = 0; i < 60; i++)
		v[i] = 100 + (i + 1) / 2 * 3 - i / 2 * 2; /* +3, -2, +3, -2, ... */
	churn = score_of(v, 60);
	for (int i = 0; i < 60; i++)
		v[i] = i < 30 ? 100 : 1100;         /* one jump of 1000 pages */
	jump = score_of(v, 60);
	for (int i = 0; i < 60; i++)
		v[i] = 1000 - 10 * i;
	shrink = score_of(v, 60);
	for (int i = 0; i < 60; i++)
		v[i] = 500;
	flat = score_of(v, 60);
	for (int i = 0; i < 60; i++)
		v[i] = 1000000;                     /* big but steady */
	big_flat = score_of(v, 60);

	/* the documented values (doc/score.md) */
	ck_assert_msg(fabs(steady - 0.75) < 0.05, "steady %f", steady);
	ck_assert_msg(fabs(churn - 0.2) < 0.05, "churn %f", churn);
	ck_assert_msg(jump > 0 && jump <= 0.1, "jump %f", jump);
	ck_assert_msg(steady > churn && churn > jump, "steady %f churn %f jump %f", steady,
		      churn, jump);
	ck_assert_double_eq(shrink, 0);
	ck_assert_double_eq(flat, 0);
	ck_assert_double_eq(big_flat, 0);
}
END_TEST

/* doc/score.md's score at sample k of a count that was v[0 .. k] from sample 0 on. */
static double score_ref(const int64_t *v, int k)
{
	int from = k > SCORE_WINDOW ? k - SCORE_WINDOW : 0, n = k - from, down = 0;
	int64_t sumpos = 0, maxinc = 0, net = 0;
	double mag;

	for (int j = from + 1; j <= k; j++) {
		int64_t d = v[j] - v[j - 1];

		down += d < 0;
		sumpos += d > 0 ? d : 0;
		maxinc = d > maxinc ? d : maxinc;
		net += d;
	}
	if (!n || net <= 0)
		return 0;
	mag = log2(1.0 + (double)net) / 12.0;
	return (double)(n - down) / n * (0.1 + 0.9 * (1.0 - (double)maxinc / (double)sumpos)) *
	       (mag > 1 ? 1 : mag) * (n >= 8 ? 1.0 : n / 8.0);
}

/* A count that stays keeps its score only while the score holds: while the window grows
 * over a shrinking interval or too few intervals, and when a change leaves the window. */
START_TEST(test_score_held)
{
	enum { N = SCORE_WINDOW + 12 };
	static const int64_t start[2][4] = { { 100, 200, 300, 300 }, { 300, 200, 400, 400 } };
	struct model *m = model_new();
	int64_t v[2][N];
	char spec[64];

	for (int i = 0; i < N; i++)
		for (int c = 0; c < 2; c++)
			v[c][i] = start[c][i < 3 ? i : 3];
	for (int i = 0; i < N; i++) {
		snprintf(spec, sizeof(spec), "g=%lld|d=%lld", (long long)v[0][i],
			 (long long)v[1][i]);
		feed(m, i, spec);
		ck_assert_double_eq_tol(model_score(&must_find(m, "g")->s), score_ref(v[0], i),
					1e-12);
		ck_assert_double_eq_tol(model_score(&must_find(m, "d")->s), score_ref(v[1], i),
					1e-12);
	}
	model_free(m);
}
END_TEST

START_TEST(test_score_details)
{
	int64_t v[200];
	double s8, s3, grow_then_shrink, old_growth;

	/* evidence: two intervals prove less than eight */
	for (int i = 0; i < 9; i++)
		v[i] = 1000 * i;
	s8 = score_of(v, 9);
	s3 = score_of(v, 3);
	ck_assert_msg(s3 < s8, "3 samples %f, 9 samples %f", s3, s8);
	/* grew then shrank below where the window starts: 0 */
	for (int i = 0; i < 40; i++)
		v[i] = i < 20 ? 100 + 50 * i : 1050 - 52 * (i - 19);
	grow_then_shrink = score_of(v, 40);
	ck_assert_double_eq(grow_then_shrink, 0);
	/* growth long ago, flat for more than the window since: 0 */
	for (int i = 0; i < 200; i++)
		v[i] = i < 30 ? 10 * i : 290;
	old_growth = score_of(v, 200);
	ck_assert_double_eq(old_growth, 0);
	/* a stack that appears late and grows steadily scores */
	for (int i = 0; i < 40; i++)
		v[i] = i < 10 ? 0 : 64 * (i - 9);
	ck_assert_double_gt(score_of(v, 40), 0.5);
}
END_TEST

/* ------------------------------------------------------------------ groups */

static const char GROUPS_SPEC[] =
	"prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio=100"
	"|prep_new_page;get_page_from_freelist;brd_submit_bio [brd];other_path=20"
	"|prep_new_page;alloc_slab_page;new_slab;kmem_cache_alloc_noprof;alloc_inode;ext2_new_inode [ext2]=7"
	"|prep_new_page;__kmalloc_cache_noprof.cold;kmalloc_trace.constprop.0;do_work.isra.0;kthread=3"
	"|prep_new_page;alloc_pages_mpol;0xffffffffc0001234;worker=2"
	"|rec;rec;rec;helper;rec=11"
	"|prep_new_page;get_page_from_freelist=1";

START_TEST(test_caller)
{
	struct model *m = model_new();
	const struct stack *st;

	feed(m, 0, GROUPS_SPEC);
	st = must_find(m, "prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio");
	ck_assert_uint_eq(st->caller, 2);
	ck_assert_str_eq(model_label(m, st->label), "brd_submit_bio [brd]");
	ck_assert(model_frame_is_alloc(m, st->frames[0]));
	ck_assert(model_frame_is_alloc(m, st->frames[1]));
	ck_assert(!model_frame_is_alloc(m, st->frames[2]));

	st = must_find(m, "prep_new_page;alloc_slab_page;new_slab;kmem_cache_alloc_noprof;alloc_inode;ext2_new_inode [ext2]");
	ck_assert_str_eq(model_label(m, st->label), "alloc_inode");
	/* compiler suffixes do not hide allocator functions; the caller keeps its suffix */
	st = must_find(m, "prep_new_page;__kmalloc_cache_noprof.cold;kmalloc_trace.constprop.0;do_work.isra.0;kthread");
	ck_assert_uint_eq(st->caller, 3);
	ck_assert_str_eq(model_label(m, st->label), "do_work.isra.0");
	/* a bare address is not allocator machinery: it is the caller */
	st = must_find(m, "prep_new_page;alloc_pages_mpol;0xffffffffc0001234;worker");
	ck_assert_str_eq(model_label(m, st->label), "0xffffffffc0001234");
	/* nothing but allocator frames: the outermost */
	st = must_find(m, "prep_new_page;get_page_from_freelist");
	ck_assert_uint_eq(st->caller, 1);
	ck_assert_str_eq(model_label(m, st->label), "get_page_from_freelist");
	model_free(m);
}
END_TEST

/* Stacks of one caller label are told apart by the first frame where they differ:
 * outwards from the caller by function, by offset when only offsets differ, inwards
 * when only the allocator's frames do; a label no other stack has stays as it is. */
static const char APART_SPEC[] =
	"prep_new_page;__filemap_get_folio_mpol;filemap_fault;__do_fault;handle_mm_fault=10"
	"|prep_new_page;__filemap_get_folio_mpol;ext2_write_begin [ext2];generic_perform_write=9"
	"|prep_new_page;alloc_large_system_hash;tcp_init+0x1a1/0x311;inet_init=8"
	"|prep_new_page;alloc_large_system_hash;tcp_init+0x127/0x311;inet_init=7"
	"|prep_new_page;kernfs_new_node;kernfs_create_dir;sysfs_create_dir;kobject_add=6"
	"|prep_new_page;kernfs_new_node;kernfs_create_dir;sysfs_create_dir;device_add=5"
	"|prep_new_page;kernfs_new_node;kernfs_create_link;sysfs_create_link=4"
	"|prep_new_page;__alloc_pages_noprof;execmem_vmalloc;execmem_alloc=3"
	"|prep_new_page;alloc_pages_bulk_noprof;execmem_vmalloc;execmem_alloc=2"
	"|prep_new_page;do_wp_page;handle_mm_fault=1";

static const char *apart_of(const struct model *m, const char *frames, int utf8)
{
	return model_label(m, model_stack_apart(m, must_find(m, frames), utf8));
}

START_TEST(test_apart)
{
	struct model *m = model_new();
	struct view v;
	struct view_opts o;

	view_init(&v);
	view_opts_init(&o);
	feed(m, 0, APART_SPEC);
	model_view(m, &o, &v);
	ck_assert_str_eq(apart_of(m, "prep_new_page;__filemap_get_folio_mpol;filemap_fault;__do_fault;handle_mm_fault", 1),
			 "__filemap_get_folio_mpol ← filemap_fault");
	ck_assert_str_eq(apart_of(m, "prep_new_page;__filemap_get_folio_mpol;ext2_write_begin [ext2];generic_perform_write", 1),
			 "__filemap_get_folio_mpol ← ext2_write_begin [ext2]");
	ck_assert_str_eq(apart_of(m, "prep_new_page;__filemap_get_folio_mpol;filemap_fault;__do_fault;handle_mm_fault", 0),
			 "__filemap_get_folio_mpol <- filemap_fault");
	/* the same function: the offsets tell them apart */
	ck_assert_str_eq(apart_of(m, "prep_new_page;alloc_large_system_hash;tcp_init+0x1a1/0x311;inet_init", 1),
			 "alloc_large_system_hash ← tcp_init+0x1a1/0x311");
	/* three of a label: the frame where each differs from the most alike */
	ck_assert_str_eq(apart_of(m, "prep_new_page;kernfs_new_node;kernfs_create_dir;sysfs_create_dir;kobject_add", 1),
			 "kernfs_new_node ← … ← kobject_add");
	ck_assert_str_eq(apart_of(m, "prep_new_page;kernfs_new_node;kernfs_create_dir;sysfs_create_dir;device_add", 0),
			 "kernfs_new_node <- ... <- device_add");
	ck_assert_str_eq(apart_of(m, "prep_new_page;kernfs_new_node;kernfs_create_link;sysfs_create_link", 1),
			 "kernfs_new_node ← kernfs_create_link");
	/* the same callers: the allocator's frames */
	ck_assert_str_eq(apart_of(m, "prep_new_page;__alloc_pages_noprof;execmem_vmalloc;execmem_alloc", 1),
			 "execmem_vmalloc → __alloc_pages_noprof");
	ck_assert_str_eq(apart_of(m, "prep_new_page;alloc_pages_bulk_noprof;execmem_vmalloc;execmem_alloc", 0),
			 "execmem_vmalloc -> alloc_pages_bulk_noprof");
	/* alone with its label */
	ck_assert_str_eq(apart_of(m, "prep_new_page;do_wp_page;handle_mm_fault", 1), "do_wp_page");
	/* the rows carry it; groups keep their labels */
	for (size_t i = 0; i < v.nrows; i++)
		ck_assert_uint_eq(view_row_label(m, &v.rows[i], 1), v.rows[i].stack->apart[1]);
	/* a stack that comes later is told apart too, and the one alone before with it */
	feed(m, 1, "prep_new_page;do_wp_page;wp_page_copy=1");
	model_view(m, &o, &v);
	ck_assert_str_eq(apart_of(m, "prep_new_page;do_wp_page;handle_mm_fault", 1),
			 "do_wp_page ← handle_mm_fault");
	ck_assert_str_eq(apart_of(m, "prep_new_page;do_wp_page;wp_page_copy", 1),
			 "do_wp_page ← wp_page_copy");
	o.group = GROUP_CALLER;
	model_view(m, &o, &v);
	for (size_t i = 0; i < v.nrows; i++)
		ck_assert_uint_eq(view_row_label(m, &v.rows[i], 1), v.rows[i].label);
	view_free(&v);
	model_free(m);
}
END_TEST

/* A stack's apart label made alone (its run sorted only around it) is the one the run
 * sorted whole gives: two models ask for the same stacks in opposite orders. Two stacks
 * that differ only in the caller's offset are among them, the last: asked first, the
 * run is sorted whole. 300 stacks differ by function at three depths and by offset. */
START_TEST(test_apart_alone)
{
	struct model *a = model_new(), *b = model_new();
	struct sbuf sp = { 0 };
	struct view v;
	struct view_opts o;
	size_t n;

	for (int i = 0; i < 300; i++)
		sb_printf(&sp, "%sprep_new_page;%s;lbl_fn+0x%x/0x80;a%d;b%d+0x%x/0x40;c%d=%d",
			  i ? "|" : "", i % 4 ? "__alloc_pages_noprof" : "alloc_pages_bulk_noprof",
			  i == 299 ? 0x20 : 0x10, i % 3, i / 3 % 4, i / 60 % 5 + 1, i / 12 % 5,
			  300 - i);
	/* the last two differ only in the caller's offset */
	sb_printf(&sp, "|prep_new_page;__alloc_pages_noprof;lbl_fn+0x10/0x80;a2;b3+0x5/0x40;c4=1");
	view_init(&v);
	view_opts_init(&o);
	feed(a, 0, sp.s);
	feed(b, 0, sp.s);
	model_view(a, &o, &v);
	model_view(b, &o, &v);
	n = v.nrows;
	ck_assert_uint_eq(n, 301);
	for (size_t i = 0; i < n; i++) {
		const struct stack *sa = model_stack(a, (uint32_t)i);
		const struct stack *sb = model_stack(b, (uint32_t)(n - 1 - i));

		model_stack_apart(a, sa, 1);
		model_stack_apart(b, sb, 1);
	}
	for (uint32_t id = 0; id < n; id++) {
		const struct stack *sa = model_stack(a, id), *sb = model_stack(b, id);

		ck_assert_uint_eq(sa->label, sb->label);
		for (int u = 0; u < 2; u++)
			ck_assert_str_eq(model_label(a, model_stack_apart(a, sa, u)),
					 model_label(b, model_stack_apart(b, sb, u)));
	}
	ck_assert_str_eq(model_label(a, model_stack_apart(a, model_stack(a, 0), 1)),
			 "lbl_fn ← … ← b0+0x1/0x40");
	view_free(&v);
	free(sp.s);
	model_free(a);
	model_free(b);
}
END_TEST

/* A stack asked for at every sample follows the stacks that come to its label and leave
 * it: a newcomer more alike names it anew, and when that one is gone the old name comes
 * back. A second model, asked only at the end, names it as the first does. */
START_TEST(test_apart_follow)
{
	static const char S[] = "prep_new_page;lbl;a;b1;c1", Y[] = "prep_new_page;lbl;a;b1;c3";
	struct model *a = model_new(), *b = model_new();
	struct view v;
	struct view_opts o;
	const char *want;

	view_init(&v);
	view_opts_init(&o);
	for (int t = 0; t < MODEL_HISTORY + 4; t++) {
		const char *spec = t == 0 ? "prep_new_page;lbl;a;b1;c1=5|prep_new_page;lbl;a;b2;c2=3"
					    "|prep_new_page;lbl;z=1"
			: t == 1 ? "prep_new_page;lbl;a;b1;c1=5|prep_new_page;lbl;a;b2;c2=3"
				   "|prep_new_page;lbl;a;b1;c3=2"
			: "prep_new_page;lbl;a;b1;c1=5|prep_new_page;lbl;a;b2;c2=3";

		feed(a, t, spec);
		feed(b, t, spec);
		model_view(a, &o, &v);
		want = t == 0 || !find(a, Y) ? "lbl ← … ← b1" : "lbl ← … ← c1";
		ck_assert_str_eq(apart_of(a, S, 1), want);
	}
	ck_assert_ptr_null(find(a, Y));
	ck_assert_ptr_null(find(a, "prep_new_page;lbl;z"));
	model_view(b, &o, &v);
	for (int u = 0; u < 2; u++)
		ck_assert_str_eq(apart_of(a, S, u), apart_of(b, S, u));
	view_free(&v);
	model_free(a);
	model_free(b);
}
END_TEST

/* Two models fed alike: a's first rows viewed as batch output views them, all of b's
 * rows; a's rows told apart as b tells them when asked for every row, in the other
 * order. */
struct apart_pair {
	struct model *a, *b;
	struct view va, vb;
	struct sbuf sp;              /* a sample's spec */
};

static void pair_init(struct apart_pair *p)
{
	memset(p, 0, sizeof(*p));
	p->a = model_new();
	p->b = model_new();
	view_init(&p->va);
	view_init(&p->vb);
}

static void pair_feed(struct apart_pair *p, int t)
{
	feed(p->a, t, p->sp.s);
	feed(p->b, t, p->sp.s);
}

static void ck_apart_rows_agree(struct apart_pair *p, size_t rows)
{
	struct view_opts oa, ob;

	view_opts_init(&oa);
	view_opts_init(&ob);
	oa.limit = rows;
	oa.top_only = 1;
	model_view(p->a, &oa, &p->va);
	model_view(p->b, &ob, &p->vb);
	ck_assert_uint_eq(p->va.nrows, rows);
	for (size_t i = p->vb.nrows; i-- > 0;)
		model_stack_apart(p->b, p->vb.rows[i].stack, 1);
	for (size_t i = 0; i < p->va.nrows; i++) {
		const struct stack *sa = p->va.rows[i].stack;
		const struct stack *sb = model_stack(p->b, sa->id);

		for (int u = 0; u < 2; u++)
			ck_assert_str_eq(model_label(p->a, model_stack_apart(p->a, sa, u)),
					 model_label(p->b, model_stack_apart(p->b, sb, u)));
	}
}

static void pair_free(struct apart_pair *p)
{
	view_free(&p->va);
	view_free(&p->vb);
	free(p->sp.s);
	model_free(p->a);
	model_free(p->b);
}

/* Batch output asks for the told-apart labels of a view of its first rows: one scan
 * tells them all apart, five rows of one label among them (one more than the scan
 * takes of a label), one alone with its label and stacks that differ only inwards. Each
 * is the label a model asked for every stack, in the other order, gives; so at the
 * next sample, when stacks came to the rows' labels and left them. */
static void apart_rows_spec(struct sbuf *sp, int t)
{
	sp->len = 0;
	sb_add(sp, "");
	for (int i = 0; i < 60; i++) {
		int lbl = i % 4 == 0 && i < 24 ? 0 : i < 20 ? i % 3 + 1 : i % 5 + 4;

		if (t == 1 && i == 8)
			continue; /* one of label 0 leaves */
		sb_printf(sp, "%sprep_new_page;__alloc_pages_noprof;lbl%d+0x%x/0x80;a%d;b%d;c%d=%d",
			  sp->len ? "|" : "", lbl, i % 11 == 3 ? 0x20 : 0x10, i % 2, i % 6, i,
			  1000 - 10 * i);
	}
	/* the stack of i = 1 but for an allocator's frame; alone with its label */
	sb_printf(sp, "|prep_new_page;alloc_pages_bulk_noprof;lbl2+0x10/0x80;a1;b1;c1=985"
		      "|prep_new_page;__alloc_pages_noprof;alone_fn;x=975");
	if (t == 1)
		sb_printf(sp, "|prep_new_page;__alloc_pages_noprof;lbl0+0x10/0x80;a0;b4;c100=995"
			      "|prep_new_page;__alloc_pages_noprof;lbl2+0x10/0x80;a1;b1;c101=965");
}

START_TEST(test_apart_rows)
{
	struct apart_pair p;

	pair_init(&p);
	for (int t = 0; t < 2; t++) {
		size_t lbl0 = 0;

		apart_rows_spec(&p.sp, t);
		pair_feed(&p, t);
		ck_apart_rows_agree(&p, 20);
		for (size_t i = 0; i < p.va.nrows; i++)
			lbl0 += strcmp(model_label(p.a, p.va.rows[i].stack->label), "lbl0") == 0;
		ck_assert_uint_ge(lbl0, t ? 4 : 5);
	}
	ck_assert_str_eq(model_label(p.a, model_stack_apart(p.a, must_find(p.a, "prep_new_page;__alloc_pages_noprof;alone_fn;x"), 1)),
			 "alone_fn");
	pair_free(&p);
}
END_TEST

/* The same after stacks were forgotten and their ids went to stacks of other labels:
 * the scan's labels beside the stacks follow a slot freed and taken again. */
static void apart_reuse_spec(struct sbuf *sp, int t)
{
	sp->len = 0;
	for (int i = 0; i < 48; i++) {
		int lbl = i % 4;

		if (t > 0 && lbl == 0 && i >= 8)
			continue; /* gone, then forgotten */
		sb_printf(sp, "%sprep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80;a%d;b%d;c%d=%d",
			  sp->len ? "|" : "", lbl, i % 2, i % 6, i, 1000 - 10 * i);
	}
	for (int i = 0; t > MODEL_HISTORY + 2 && i < 10; i++)
		sb_printf(sp, "|prep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80;a%d;b%d;n%d=%d",
			  i % 2 ? 1 : 5, i % 2, i % 3, i, 995 - 10 * i);
}

START_TEST(test_apart_rows_reused)
{
	struct apart_pair p;
	size_t nstacks = 0, reused = 0;

	pair_init(&p);
	for (int t = 0; t <= MODEL_HISTORY + 3; t++) {
		apart_reuse_spec(&p.sp, t);
		pair_feed(&p, t);
		if (t == 0)
			nstacks = model_nstacks(p.a);
	}
	ck_apart_rows_agree(&p, 20);
	for (size_t i = 0; i < p.va.nrows; i++) {
		const struct stack *sa = p.va.rows[i].stack;

		reused += sa->id < nstacks &&
			  strstr(model_frame(p.a, sa->frames[sa->nframes - 1]), "n");
	}
	ck_assert_uint_ge(reused, 4); /* new stacks in the ids of forgotten ones, as rows */
	pair_free(&p);
}
END_TEST

/* The walk for the rows' labels in two halves on two threads: each row's most alike
 * stack in the later half (a twin that differs only in its last frame) or the earlier
 * one, stacks leaving in both; as a model asked for every stack gives. */
static void apart_split_spec(struct sbuf *sp, int t)
{
	sp->len = 0;
	for (int i = 0; i < 10000; i++) {
		if (t == 1 && i % 7 == 3 && i < 9000)
			continue;
		sb_printf(sp, "%sprep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80;a%d;b%d;c%d;d;e%d=%d",
			  sp->len ? "|" : "", i % 8, i % 2, i % 6, i, i, 20000 - i);
	}
	for (int r = 0; r < 10; r++)
		if (t == 0 || r != 4)
			sb_printf(sp, "|prep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80;a%d;b%d;c%d;d;f%d=%d",
				  r % 8, r % 2, r % 6, r, r, 1 + r);
}

START_TEST(test_apart_rows_split)
{
	struct apart_pair p;
	char *was = env_push("PAGETOP_THREADS", "2");

	apart_scan_split_min = 0;
	pair_init(&p);
	for (int t = 0; t < 2; t++) {
		size_t twins = 0;

		apart_split_spec(&p.sp, t);
		pair_feed(&p, t);
		ck_assert_uint_ge(model_nstacks(p.a), 2 * STACK_CHUNK + 1);
		ck_apart_rows_agree(&p, 20);
		for (size_t i = 0; i < p.va.nrows; i++)
			twins += strstr(model_label(p.a, model_stack_apart(p.a, p.va.rows[i].stack, 0)),
					"<- e") != NULL;
		ck_assert_uint_ge(twins, t ? 8 : 9); /* told apart from a twin of the later half */
	}
	env_pop("PAGETOP_THREADS", was);
	apart_scan_split_min = APART_SCAN_SPLIT_MIN;
	pair_free(&p);
}
END_TEST

/* The rows a screen shows, from row from on, told apart after model_apart_want() as b
 * tells them when asked for every row. */
static void ck_apart_want_agree(struct apart_pair *p, size_t from, size_t rows)
{
	const struct stack *sts[MODEL_APART_WANT];
	struct view_opts o;

	view_opts_init(&o);
	model_view(p->a, &o, &p->va);
	model_view(p->b, &o, &p->vb);
	ck_assert_uint_le(rows, MODEL_APART_WANT);
	ck_assert_uint_le(from + rows, p->va.nrows);
	for (size_t i = 0; i < rows; i++)
		sts[i] = p->va.rows[from + i].stack;
	model_apart_want(p->a, sts, rows);
	for (size_t i = 0; i < rows; i++)
		model_stack_apart(p->a, sts[i], 1);
	for (size_t i = p->vb.nrows; i-- > 0;)
		model_stack_apart(p->b, p->vb.rows[i].stack, 1);
	for (size_t i = 0; i < rows; i++) {
		const struct stack *sb = model_stack(p->b, sts[i]->id);

		for (int u = 0; u < 2; u++)
			ck_assert_str_eq(model_label(p->a, model_stack_apart(p->a, sts[i], u)),
					 model_label(p->b, model_stack_apart(p->b, sb, u)));
	}
}

/* A screen's first rows of a sample told apart together: the stacks it is about to show,
 * told to the model, are told apart by the sample's one look at every stack (four a
 * label at most), not by sorting each label's 1,250 stacks; once they are shown, their
 * labels' runs are made and sorted around them (model_apart_prepare()), and the next
 * screen's rows come from those. As a model asked for every stack tells them, at two
 * samples. */
START_TEST(test_apart_want)
{
	struct apart_pair p;

	pair_init(&p);
	apart_split_spec(&p.sp, 0);
	pair_feed(&p, 0);
	ck_apart_want_agree(&p, 0, 32); /* eight labels, four rows each */
	ck_assert_int_eq(p.a->apart_run_ok, 0);
	ck_assert_ptr_null(p.a->apart_run_ids);
	/* once those are on screen, the runs of their labels, sorted around them */
	model_apart_prepare(p.a);
	ck_assert_int_eq(p.a->apart_run_ok, 1);
	for (size_t i = 0; i < 32; i++)
		ck_assert_uint_eq(p.a->apart_run_asked[p.va.rows[i].stack->label], 1);
	ck_apart_want_agree(&p, 0, 32);
	ck_apart_want_agree(&p, 32, 32);
	ck_assert_int_eq(p.a->apart_run_ok, 1);
	/* a second sample: two stacks more of each label, the first rows (the rows'
	 * labels made again) */
	apart_split_spec(&p.sp, 0);
	for (int r = 0; r < 16; r++)
		sb_printf(&p.sp, "|prep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80;a%d;b%d;c%d;d;g%d=%d",
			  r % 8, r % 2, r % 6, r, r, 30000 - r);
	pair_feed(&p, 1);
	ck_assert_ptr_null(p.a->apart_run_ids); /* stale: let go, not kept */
	ck_apart_want_agree(&p, 0, 24); /* three of a label */
	ck_assert_int_eq(p.a->apart_run_ok, 0);
	ck_apart_want_agree(&p, 24, 40);
	pair_free(&p);
}
END_TEST

/* Stacks of a label alike for many frames outwards, told apart by splitting the sorted
 * run again and again: the splits of a part read the frames the split before kept of
 * its stacks. Per label, about 600 of 1,024 stacks that differ at one of five depths
 * (four ways each; those left out make the most alike other differ earlier): those of
 * 3 in the last only in that frame's offset, those of 0 in the last three ending two
 * frames early, one with a twin that differs only inwards (its allocator's frame). The
 * rows (4 a label: each told by one scan over every stack) of each round are other
 * stacks; a model asked for every stack in the other order tells them alike. */
static int look_kept(int l, int i)
{
	return (((unsigned)i * 2654435761u + (unsigned)l * 40503u) >> 16) % 10 < 6 || i == 938;
}

static void apart_look_spec(struct sbuf *sp, int round)
{
	sp->len = 0;
	for (int l = 0; l < 16; l++) {
		int rows = 0, others = 0;

		for (int i = 0; i < 1024; i++) {
			int n = i % 16 == 0 ? 3 : 5, row;

			if (!look_kept(l, i))
				continue;
			row = (i == 938 && l == round) ||
			      ((i * 7 + round * 131 + l * 17) % 97 == 0 && i != 938 &&
			       others < (l == round ? 3 : 4) && ++others);
			rows += row;
			sb_printf(sp, "%sprep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80",
				  sp->len ? "|" : "", l);
			for (int k = 0; k < n; k++) {
				int dig = i >> (2 * k) & 3;

				sb_printf(sp, ";g%d_%d+0x%x/0x80", k, k == 4 && dig == 3 ? 2 : dig,
					  k == 4 && dig == 3 ? 0x20 : 0x10);
			}
			sb_printf(sp, "=%d", row ? 1000 : 1 + i % 50);
		}
		ck_assert_int_eq(rows, 4);
		/* the twin of 938 */
		sb_printf(sp, "|prep_new_page;alloc_pages_bulk_noprof;lbl%d+0x10/0x80", l);
		for (int k = 0; k < 4; k++)
			sb_printf(sp, ";g%d_2+0x10/0x80", k);
		sb_add(sp, ";g4_2+0x20/0x80=1");
	}
}

START_TEST(test_apart_look)
{
	const char *want[] = { "← g2_", "← g3_", "← g4_", "/0x80", "→ __alloc_pages" };
	size_t seen = 0;

	for (int round = 0; round < 4; round++) {
		struct apart_pair p;

		pair_init(&p);
		apart_look_spec(&p.sp, round);
		pair_feed(&p, 0);
		ck_apart_rows_agree(&p, 64);
		for (size_t i = 0; i < p.va.nrows; i++) {
			const char *s = model_label(p.a, model_stack_apart(p.a, p.va.rows[i].stack, 1));

			for (size_t w = 0; w < ARRAY_SIZE(want); w++)
				seen |= (size_t)(strstr(s, want[w]) != NULL) << w;
		}
		pair_free(&p);
	}
	ck_assert_uint_eq(seen, (1u << ARRAY_SIZE(want)) - 1);
}
END_TEST

/* Once the first rows are on screen, model_apart_prepare() splits the sorted stacks of
 * each label of many (4,096 here) into parts of fewer than 256, those of labels no row
 * has too: a row of one that a search or a page brings costs a look at its part
 * only. The rows after the first, far down included, are told apart as a model asked for
 * every stack tells them. */
START_TEST(test_apart_split_ahead)
{
	struct apart_pair p;
	size_t big = 0;

	pair_init(&p);
	/* two labels of 4,096 stacks, four ways at each of six depths */
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < 4096; i++) {
			sb_printf(&p.sp, "%sprep_new_page;__alloc_pages_noprof;lbl%d+0x10/0x80",
				  p.sp.len ? "|" : "", l);
			for (int k = 0; k < 6; k++)
				sb_printf(&p.sp, ";g%d_%d+0x10/0x80", k, i >> (2 * k) & 3);
			sb_printf(&p.sp, "=%d", 1 + (i * 7 + l) % 50);
		}
	pair_feed(&p, 0);
	ck_apart_want_agree(&p, 0, 4);
	model_apart_prepare(p.a);
	ck_assert_int_eq(p.a->apart_run_ok, 1);
	for (size_t l = 0; l < p.a->apart_run_labels; l++) {
		if (p.a->apart_run_at[l + 1] - p.a->apart_run_at[l] < 256)
			continue;
		/* the parts: the run's neighbours' depths (after its ids, order and places),
		 * 0 inside a part */
		const uint32_t *lcp = p.a->apart_run_ids + 3 * p.a->apart_run_n +
				      p.a->apart_run_at[l];
		size_t k = p.a->apart_run_at[l + 1] - p.a->apart_run_at[l], part = 1;

		ck_assert_uint_eq(p.a->apart_run_asked[l], 1);
		for (size_t i = 1; i < k; i++) {
			part = lcp[i] ? 1 : part + 1;
			ck_assert_uint_lt(part, 256);
		}
		big++;
	}
	ck_assert_uint_eq(big, 2);
	ck_apart_want_agree(&p, 4, 64);
	ck_apart_want_agree(&p, p.va.nrows - 64, 64);
	pair_free(&p);
}
END_TEST

/* One stack of the halves test: the frames of base stack i (its label lbl(i % 8)), the
 * last one named as tail says. */
static void halves_rec(struct model *m, uint64_t handle, int i, const char *tail, int k)
{
	char f[5][32];
	const char *fr[7];

	snprintf(f[0], sizeof(f[0]), "lbl%d+0x10/0x80", i % 8);
	snprintf(f[1], sizeof(f[1]), "a%d+0x1/0x2", i % 2);
	snprintf(f[2], sizeof(f[2]), "b%d+0x1/0x2", i % 6);
	snprintf(f[3], sizeof(f[3]), "c%d+0x1/0x2", i);
	snprintf(f[4], sizeof(f[4]), "%s%d+0x1/0x2", tail, k);
	fr[0] = "prep_new_page+0x17/0x43";
	for (int j = 0; j < 4; j++)
		fr[1 + j] = f[j];
	fr[5] = "d+0x1/0x2";
	fr[6] = f[4];
	feed_handle_rec(m, handle, fr, 7);
}

/* The scan for the rows' labels walked in two halves on two threads gives what one walk
 * gives, where each row's most alike stack is (d) and which one it is (who): a twin in
 * the earlier half or the later one, two equally alike in both halves (the earlier one
 * named), a stack of the same frames in the later half (no place where they differ). */
START_TEST(test_apart_scan_halves)
{
	struct model *m[2] = { model_new(), model_new() };
	struct view v[2];
	struct view_opts o;
	uint32_t later = 0;
	char *was = env_push("PAGETOP_THREADS", "2");

	view_opts_init(&o);
	o.limit = 20;
	o.top_only = 1;
	for (int k = 0; k < 2; k++) {
		uint64_t h = 1;

		view_init(&v[k]);
		begin_sample(m[k], 0);
		for (int i = 0; i < 20; i++) /* the rows: ids 0..19 */
			halves_rec(m[k], h++, i, "e", i);
		for (int r = 5; r < 10; r++) /* their twins in the earlier half */
			halves_rec(m[k], h++, r, "f", r);
		for (int r = 10; r < 15; r++) /* as alike as the one in the last chunk */
			halves_rec(m[k], h++, r, "g", r);
		for (int i = 20; i < 5000; i++)
			halves_rec(m[k], h++, i, "e", i);
		for (int r = 0; r < 5; r++) /* twins in the later half */
			halves_rec(m[k], h++, r, "f", r);
		for (int i = 5000; i < 9000; i++)
			halves_rec(m[k], h++, i, "e", i);
		for (int r = 10; r < 15; r++)
			halves_rec(m[k], h++, r, "h", r);
		for (int r = 15; r < 18; r++) /* the same frames as the row */
			halves_rec(m[k], h++, r, "e", r);
		for (uint64_t x = 1; x < h; x++)
			count_handle(m[k], x, x <= 20 ? 100000 - x : 1 + x % 50);
		end_sample(m[k]);
		ck_assert_uint_gt(model_nstacks(m[k]), 2 * STACK_CHUNK);
		apart_scan_split_min = k ? SIZE_MAX : 0;
		model_view(m[k], &o, &v[k]);
		ck_assert_uint_eq(v[k].nrows, 20);
		model_stack_apart(m[k], v[k].rows[0].stack, 1);
	}
	apart_scan_split_min = APART_SCAN_SPLIT_MIN;
	env_pop("PAGETOP_THREADS", was);
	for (size_t i = 0; i < 20; i++) {
		const struct stack *st = v[0].rows[i].stack;
		const struct apart_memo *a = &m[0]->apart_memo[st->id % APART_MEMO];
		const struct apart_memo *b = &m[1]->apart_memo[st->id % APART_MEMO];

		ck_assert_uint_eq(v[1].rows[i].stack->id, st->id);
		ck_assert_uint_eq(a->id1 == st->id + 1, b->id1 == st->id + 1);
		if (a->id1 != st->id + 1)
			continue; /* not told apart by the scan: the same frames as another */
		ck_assert_int_eq(a->d, b->d);
		ck_assert_uint_eq(a->who, b->who);
		later += a->who >= model_nstacks(m[0]) / 2;
	}
	ck_assert_uint_ge(later, 5); /* the twins of the later half were found there */
	for (int k = 0; k < 2; k++) {
		view_free(&v[k]);
		model_free(m[k]);
	}
}
END_TEST

START_TEST(test_alloc_patterns)
{
	struct model *m = model_new();
	static const char *const mine[] = { "prep_*", "__alloc_pages*", "brd_*" };
	const struct stack *st;

	feed(m, 0, GROUPS_SPEC);
	st = must_find(m, "prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio");
	ck_assert_str_eq(model_label(m, st->label), "brd_submit_bio [brd]");
	/* replacing the patterns re-places existing stacks */
	ck_assert_int_eq(model_set_alloc_patterns(m, mine, 3), 0);
	ck_assert_uint_eq(st->caller, 3);
	ck_assert_str_eq(model_label(m, st->label), "__submit_bio");
	st = must_find(m, "prep_new_page;alloc_slab_page;new_slab;kmem_cache_alloc_noprof;alloc_inode;ext2_new_inode [ext2]");
	ck_assert_str_eq(model_label(m, st->label), "alloc_slab_page");
	/* and new ones */
	{
		char *more = malloc(strlen(GROUPS_SPEC) + 64);

		sprintf(more, "%s|prep_new_page;brd_x [brd];brd_y [brd];z=5", GROUPS_SPEC);
		feed(m, 1, more);
		free(more);
	}
	ck_assert_str_eq(model_label(m, must_find(m, "prep_new_page;brd_x [brd];brd_y [brd];z")->label), "z");
	/* the caller groups follow */
	{
		struct view v;

		view_init(&v);
		view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
		ck_assert_ptr_nonnull(row_of(m, &v, "__submit_bio"));
		ck_assert_int_eq(must_row(m, &v, "__submit_bio")->s->now, 100);
		ck_assert_int_eq(must_row(m, &v, "get_page_from_freelist")->s->now, 20 + 1);
		view_free(&v);
	}
	/* NULL restores the defaults */
	ck_assert_int_eq(model_set_alloc_patterns(m, NULL, 0), 0);
	st = must_find(m, "prep_new_page;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio");
	ck_assert_str_eq(model_label(m, st->label), "brd_submit_bio [brd]");
	/* a pattern matching nothing: the innermost frame is the caller */
	{
		static const char *const none[] = { "no_such_function" };

		model_set_alloc_patterns(m, none, 1);
		ck_assert_uint_eq(st->caller, 0);
		ck_assert_str_eq(model_label(m, st->label), "prep_new_page");
	}
	model_free(m);
}
END_TEST

START_TEST(test_group_caller_module)
{
	struct model *m = model_new();
	struct view v;
	const struct row *r;

	view_init(&v);
	feed(m, 0, GROUPS_SPEC);
	feed(m, 5, GROUPS_SPEC);
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	r = row_of(m, &v, "brd_submit_bio [brd]");
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(r->stack);
	ck_assert_ptr_nonnull(r->group);
	ck_assert_int_eq(r->s->now, 120);
	ck_assert_uint_eq(r->group->nstacks, 2);
	/* the example is the largest member */
	ck_assert_str_eq(model_frame(m, model_stack(m, r->group->example)->frames[3]),
			 "__submit_bio+0x1/0x10");
	ck_assert_ptr_eq(v.rows[0].s, r->s);  /* largest first */
	ck_assert_int_eq(v.total_pages, 144);
	ck_assert_int_eq(v.shown_pages, 144);

	view_with(m, &v, GROUP_MODULE, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "brd")->s->now, 120);
	/* the caller's module: alloc_inode is in vmlinux even though ext2 called it */
	ck_assert_int_eq(must_row(m, &v, "vmlinux")->s->now, 7 + 3 + 11 + 1);
	ck_assert_int_eq(must_row(m, &v, "?")->s->now, 2);
	ck_assert_ptr_null(row_of(m, &v, "ext2"));
	ck_assert_uint_eq(v.nrows, 3);
	ck_assert_str_eq(group_name(GROUP_MODULE), "module");
	view_free(&v);
	model_free(m);
}
END_TEST

/* A model without groups (a batch that prints stacks) has the same stacks, labels and
 * totals as one with them, sample after sample, and makes no group. */
START_TEST(test_groups_off)
{
	static const char *const spec[] = {
		GROUPS_SPEC,
		"rec;rec;rec;helper;rec=20|prep_new_page;get_page_from_freelist=1",
		"prep_new_page;get_page_from_freelist=4|alloc_pages;fz;c=3",
	};
	struct model *on = model_new(), *off = model_new();
	struct view von, voff;

	view_init(&von);
	view_init(&voff);
	model_groups_off(off);
	for (unsigned k = 0; k < 3; k++) {
		feed(on, k, spec[k]);
		feed(off, k, spec[k]);
		view_with(on, &von, GROUP_STACK, KEY_PAGES, 0);
		view_with(off, &voff, GROUP_STACK, KEY_PAGES, 0);
		ck_assert_uint_eq(voff.nrows, von.nrows);
		ck_assert_int_eq(voff.total_pages, von.total_pages);
		ck_assert_int_eq(voff.total_delta, von.total_delta);
		for (size_t i = 0; i < von.nrows; i++) {
			ck_assert_uint_eq(voff.rows[i].stack->id, von.rows[i].stack->id);
			ck_assert_str_eq(model_label(off, voff.rows[i].label),
					 model_label(on, von.rows[i].label));
			ck_assert_int_eq(voff.rows[i].s->now, von.rows[i].s->now);
			ck_assert_int_eq(voff.rows[i].s->delta, von.rows[i].s->delta);
		}
	}
	for (int g = 1; g < GROUP__N; g++)
		ck_assert_uint_eq(off->ngroups[g], 0);
	ck_assert_uint_gt(on->ngroups[GROUP_FUNCTION], 0);
	view_free(&von);
	view_free(&voff);
	model_free(on);
	model_free(off);
}
END_TEST

/* Every group of every mode alike in two models, in the same order. */
static void ck_groups_same(const struct model *a, const struct model *b)
{
	for (int g = 1; g < GROUP__N; g++) {
		ck_assert_uint_eq(a->ngroups[g], b->ngroups[g]);
		for (size_t i = 0; i < a->ngroups[g]; i++) {
			const struct group *x = &a->groups[g][i], *y = &b->groups[g][i];

			ck_assert_str_eq(model_label(a, x->label), model_label(b, y->label));
			ck_assert_int_eq(x->s.now, y->s.now);
			ck_assert_int_eq(x->s.delta, y->s.delta);
			ck_assert_int_eq(x->s.delta_base, y->s.delta_base);
			ck_assert_int_eq(x->s.peak, y->s.peak);
			ck_assert_int_eq(x->s.calls, y->s.calls);
			ck_assert_uint_eq(x->s.first_seen, y->s.first_seen);
			ck_assert_uint_eq(x->s.last_changed, y->s.last_changed);
			ck_assert_double_eq(x->s.score, y->s.score);
			ck_assert_uint_eq(x->nstacks, y->nstacks);
			ck_assert_uint_eq(model_group_example(a, x), model_group_example(b, y));
		}
	}
}

/* A screen's model makes the first sample's groups after it (model_groups_late()):
 * when a view of groups asks, a slice at a time while the screen waits, or when the next
 * sample begins. Each way gives the groups a model that made them with the sample gives,
 * in the same order, then and after the next samples; a view of stacks makes none. The
 * real recording of the demo (186 stacks of a 7.3 kernel). */
START_TEST(test_groups_late)
{
	struct model *m[4];
	struct source *src[4];
	struct sink s[4];
	struct source_opts so;
	struct pt_err err;
	struct view v;
	struct view_opts o;
	const char *path = TD("demo");
	int steps = 0;

	source_opts_init(&so);
	view_init(&v);
	view_opts_init(&o);
	for (int i = 0; i < 4; i++) {
		m[i] = model_new();
		if (i) /* 1: asked by a view, 2: in slices, 3: by the next sample */
			model_groups_late(m[i]);
		s[i] = model_sink(m[i]);
		ck_assert_msg(source_open(&src[i], &path, 1, &so, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(source_next(src[i], &s[i], -1, &err), SRC_SAMPLE);
	}
	ck_assert_uint_gt(model_nstacks(m[0]), 150);
	for (int i = 1; i < 4; i++) {
		model_view(m[i], &o, &v); /* stacks */
		ck_assert_int_eq(m[i]->groups_pending, 1);
		for (int g = 1; g < GROUP__N; g++)
			ck_assert_uint_eq(m[i]->ngroups[g], 0);
	}
	o.group = GROUP_FUNCTION;
	model_view(m[1], &o, &v);
	ck_assert_int_eq(m[1]->groups_pending, 0);
	ck_groups_same(m[0], m[1]);
	do
		steps++;
	while (!model_groups_step(m[2], 0));
	ck_assert_int_ge(steps, 2); /* made, then counted */
	ck_groups_same(m[0], m[2]);
	for (int k = 1; k < 4; k++) {
		for (int i = 0; i < 4; i++)
			ck_assert_int_eq(source_next(src[i], &s[i], -1, &err), SRC_SAMPLE);
		for (int i = 1; i < 4; i++) {
			ck_assert_int_eq(m[i]->groups_pending, 0);
			ck_groups_same(m[0], m[i]);
		}
	}
	ck_assert_uint_gt(m[0]->ngroups[GROUP_FUNCTION], 150);
	for (int i = 0; i < 4; i++) {
		source_close(src[i]);
		model_free(m[i]);
	}
	view_free(&v);
}
END_TEST

START_TEST(test_group_function)
{
	struct model *m = model_new();
	struct view v;

	view_init(&v);
	feed(m, 0, GROUPS_SPEC);
	feed(m, 1, GROUPS_SPEC);
	view_with(m, &v, GROUP_FUNCTION, KEY_PAGES, 0);
	/* recursion counts a function once per stack */
	ck_assert_int_eq(must_row(m, &v, "rec")->s->now, 11);
	ck_assert_int_eq(must_row(m, &v, "helper")->s->now, 11);
	/* every stack through a function adds up */
	ck_assert_int_eq(must_row(m, &v, "prep_new_page")->s->now, 100 + 20 + 7 + 3 + 2 + 1);
	ck_assert_uint_eq(must_row(m, &v, "prep_new_page")->group->nstacks, 6);
	ck_assert_int_eq(must_row(m, &v, "brd_submit_bio [brd]")->s->now, 120);
	ck_assert_int_eq(must_row(m, &v, "__submit_bio")->s->now, 100);
	ck_assert_int_eq(must_row(m, &v, "0xffffffffc0001234")->s->now, 2);
	/* the totals stay those of the stacks */
	ck_assert_int_eq(v.total_pages, 144);

	/* after more samples the function groups move with their stacks */
	feed(m, 2, "rec;rec;rec;helper;rec=20|prep_new_page;get_page_from_freelist=1");
	view_with(m, &v, GROUP_FUNCTION, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "rec")->s->now, 20);
	ck_assert_int_eq(must_row(m, &v, "rec")->s->delta, 9);
	ck_assert_int_eq(must_row(m, &v, "prep_new_page")->s->now, 1);
	ck_assert_int_eq(must_row(m, &v, "prep_new_page")->s->delta, -132);
	view_free(&v);
	model_free(m);
}
END_TEST

/* A group's example marked to be found again and never asked for, then every member
 * leaves in a sample whose total nears the sums' bound (they are counted again from 0):
 * the group keeps the largest of the members that left, as when asked every sample. */
START_TEST(test_group_example_recount)
{
	static const char *const spec[] = {
		"alloc_pages;fx;a=100|alloc_pages;fx;b=50|alloc_pages;fz;c=1",
		"alloc_pages;fx;a=10|alloc_pages;fx;b=50|alloc_pages;fz;c=1",
		NULL,
	};
	struct sbuf big = { 0 };

	/* 2^14 stacks of 2^48 pages, the most a stack may have: 2^62 in all */
	for (int i = 0; i < 1 << 14; i++)
		sb_printf(&big, "%salloc_pages;fz;c%d=281474976710656", i ? "|" : "", i);
	for (int ask = 0; ask < 2; ask++) {
		struct model *m = model_new();
		struct view v;
		const struct group *gr;
		uint32_t b = UINT32_MAX;

		view_init(&v);
		feed(m, 0, spec[0]);
		view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
		gr = must_row(m, &v, "fx")->group;
		for (uint32_t id = 0; id < model_nstacks(m); id++)
			if (model_stack(m, id) && model_stack(m, id)->s.now == 50)
				b = id;
		for (int k = 1; k < 3; k++) {
			if (ask)
				ck_assert_uint_eq(model_group_example(m, gr), k == 1 ? 0 : b);
			feed(m, k, spec[k] ? spec[k] : big.s);
		}
		ck_assert_uint_eq(gr->nstacks, 0);
		ck_assert_msg(model_group_example(m, gr) == b, "asked every sample %d: example %u, want %u",
			      ask, model_group_example(m, gr), b);
		view_free(&v);
		model_free(m);
	}
	sb_free(&big);
}
END_TEST

/* The groups' sums go on from sample to sample: after each sample of stacks that come,
 * change and go (ties included), every group of a mode has the sum, the number and the
 * largest (first of equals) of its member stacks, as a sum over the stacks has them. */
START_TEST(test_group_sums_kept)
{
	static const char *const fn[] = { "alloc_pages", "f0", "f1", "f2", "f3", "f4" };
	static const enum group_mode modes[] = { GROUP_CALLER, GROUP_FUNCTION, GROUP_MODULE };
	struct model *m = model_new();
	struct view v;
	uint32_t r = 17;
	int64_t cnt[40] = { 0 };

	view_init(&v);
	for (int t = 0; t < 60; t++) {
		char spec[4096];
		size_t n = 0;

		for (int i = 0; i < 40; i++) {
			r = r * 1103515245 + 12345;
			if (t == 0 || (r >> 16) % 5 == 0)
				cnt[i] = (r >> 8) % 4 == 0 ? 0 : 1 + (int64_t)((r >> 20) % 3);
			if (!cnt[i])
				continue;
			/* stack i: alloc_pages, then three of f0..f4 by i */
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%s;%s;%s;%s=%lld",
					      n ? "|" : "", fn[0], fn[1 + i % 5], fn[1 + i / 5 % 5],
					      fn[1 + i / 25 % 5], (long long)cnt[i]);
		}
		feed(m, t, spec);
		for (size_t mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
			view_with(m, &v, modes[mi], KEY_PAGES, 0);
			for (size_t j = 0; j < v.nrows; j++) {
				const struct group *gr = v.rows[j].group;
				int64_t sum = 0, best = -1;
				uint32_t nst = 0, ex = UINT32_MAX;

				for (uint32_t id = 0; id < model_nstacks(m); id++) {
					const struct stack *st = model_stack(m, id);
					int in = 0;

					if (!st || st->s.now <= 0)
						continue;
					for (unsigned f = 0; f < (modes[mi] == GROUP_FUNCTION ? st->nframes : 1u); f++)
						in |= model_group_label(m, st, modes[mi], f) == gr->label;
					if (!in)
						continue;
					sum += st->s.now;
					nst++;
					if (st->s.now > best) {
						best = st->s.now;
						ex = id;
					}
				}
				ck_assert_int_eq(gr->s.now, sum);
				ck_assert_uint_eq(gr->nstacks, nst);
				if (nst)
					ck_assert_uint_eq(model_group_example(m, gr), ex);
			}
		}
	}
	view_free(&v);
	model_free(m);
}
END_TEST

/* The largest member (first of equals) of a group, as a look at every stack finds it. */
static uint32_t example_recount(const struct model *m, enum group_mode g, const struct group *gr)
{
	int64_t best = -1;
	uint32_t ex = UINT32_MAX;

	for (uint32_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *st = model_stack(m, id);
		int in = 0;

		if (!st || st->s.now <= 0)
			continue;
		for (unsigned f = 0; f < (g == GROUP_FUNCTION ? st->nframes : 1u); f++)
			in |= model_group_label(m, st, g, f) == gr->label;
		if (in && st->s.now > best) {
			best = st->s.now;
			ex = id;
		}
	}
	return ex;
}

/* Asking for a caller group's example finds only the caller groups' (no look at every
 * frame of every stack); the other modes' are found when first asked for, samples later,
 * and are those a look at every stack finds then. */
START_TEST(test_group_example_one_mode)
{
	static const char *const fn[] = { "alloc_pages", "f0", "f1", "f2", "f3", "f4" };
	static const enum group_mode modes[] = { GROUP_CALLER, GROUP_CALLER, GROUP_FUNCTION,
						 GROUP_CALLER, GROUP_MODULE };
	struct model *m = model_new();
	struct view v;
	uint32_t r = 29;
	int64_t cnt[40] = { 0 };
	int kept = 0;

	view_init(&v);
	for (int t = 0; t < 80; t++) {
		enum group_mode g = modes[t % 5];
		char spec[4096];
		size_t n = 0;
		unsigned stale_fn = 0, stale_fn_after = 0;

		for (int i = 0; i < 40; i++) {
			r = r * 1103515245 + 12345;
			if (t == 0 || (r >> 16) % 4 == 0)
				cnt[i] = (r >> 8) % 4 == 0 ? 0 : 1 + (int64_t)((r >> 20) % 3);
			if (!cnt[i])
				continue;
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%s;%s;%s;%s=%lld",
					      n ? "|" : "", fn[0], fn[1 + i % 5], fn[1 + i / 5 % 5],
					      fn[1 + i / 25 % 5], (long long)cnt[i]);
		}
		feed(m, t, spec);
		view_with(m, &v, g, KEY_PAGES, 0);
		for (size_t i = 0; i < m->ngroups[GROUP_FUNCTION]; i++)
			stale_fn += m->groups[GROUP_FUNCTION][i].example_stale != 0;
		for (size_t j = 0; j < v.nrows; j++) {
			const struct group *gr = v.rows[j].group;

			if (gr->nstacks)
				ck_assert_uint_eq(model_group_example(m, gr),
						  example_recount(m, g, gr));
		}
		for (size_t i = 0; i < m->ngroups[GROUP_FUNCTION]; i++)
			stale_fn_after += m->groups[GROUP_FUNCTION][i].example_stale != 0;
		if (g != GROUP_FUNCTION)
			ck_assert_uint_eq(stale_fn_after, stale_fn);
		else
			ck_assert_uint_eq(stale_fn_after, 0);
		kept += g == GROUP_CALLER && stale_fn > 0;
	}
	/* the function groups' examples went stale while only callers were asked */
	ck_assert_int_gt(kept, 0);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_group_function_from_start)
{
	/* first asked for at the last sample: still the history from sample 0 */
	struct model *m = model_new();
	struct view v;
	int64_t h[4];
	const struct row *r;

	view_init(&v);
	feed(m, 0, "a;rec;rec=5|b;rec=1");
	feed(m, 1, "a;rec;rec=7|b;rec=1");
	view_with(m, &v, GROUP_FUNCTION, KEY_PAGES, 0);
	r = must_row(m, &v, "rec");
	ck_assert_int_eq(r->s->now, 8);
	ck_assert_int_eq(r->s->delta, 2);
	ck_assert_int_eq(model_history(m, r->s, h, 4), 2);
	ck_assert_int_eq(h[0], 6);
	ck_assert_int_eq(h[1], 8);
	view_free(&v);
	model_free(m);
}
END_TEST

/* allocinfo's call sites: bytes and calls summed into function, file, directory and
 * module groups; a function's two sites told apart by their lines. */
START_TEST(test_allocinfo_groups)
{
	static const char *const sample[2] = {
		"allocinfo - version: 1.0\n"
		"#     <size>  <calls> <tag info>\n"
		"    8192     2 drivers/block/brd.c:67 [brd] func:brd_insert_page \n"
		"    4096     4 mm/slub.c:2410 func:alloc_slab_page \n"
		"    1024     1 mm/slub.c:2478 func:alloc_slab_page \n"
		"     512     8 fs/ext2/inode.c:7 [ext2] func:ext2_alloc \n",
		"allocinfo - version: 1.0\n"
		"   16384     4 drivers/block/brd.c:67 [brd] func:brd_insert_page \n"
		"    4096     4 mm/slub.c:2410 func:alloc_slab_page \n"
		"    2048     2 mm/slub.c:2478 func:alloc_slab_page \n"
		"     512     8 fs/ext2/inode.c:7 [ext2] func:ext2_alloc \n",
	};
	static const struct {
		enum group_mode g;
		const char *label;
		int64_t bytes, calls, delta;
	} want[] = {
		{ GROUP_FUNCTION, "alloc_slab_page", 6144, 6, 1024 },
		{ GROUP_FUNCTION, "brd_insert_page [brd]", 16384, 4, 8192 },
		{ GROUP_FILE, "mm/slub.c", 6144, 6, 1024 },
		{ GROUP_FILE, "fs/ext2/inode.c", 512, 8, 0 },
		{ GROUP_DIR, "mm/", 6144, 6, 1024 },
		{ GROUP_DIR, "fs/ext2/", 512, 8, 0 },
		{ GROUP_DIR, "drivers/block/", 16384, 4, 8192 },
		{ GROUP_MODULE, "brd", 16384, 4, 8192 },
		{ GROUP_MODULE, "vmlinux", 6144, 6, 1024 },
		{ GROUP_STACK, "alloc_slab_page @ mm/slub.c:2478", 2048, 2, 1024 },
	};
	struct model *m = model_new();
	struct view_opts vo;
	struct view v = { 0 };

	for (int k = 0; k < 2; k++)
		model_feed_allocinfo(m, k, sample[k]);
	view_opts_init(&vo);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct row *r;

		vo.group = want[i].g;
		model_view(m, &vo, &v);
		ck_assert_int_eq(v.total_pages, 23040);
		ck_assert_int_eq(v.total_calls, 18);
		r = NULL;
		for (size_t k = 0; k < v.nrows; k++)
			if (strcmp(model_label(m, view_row_label(m, &v.rows[k], 1)), want[i].label) == 0)
				r = &v.rows[k];
		ck_assert_msg(r != NULL, "no row %s in %s", want[i].label, group_name(want[i].g));
		ck_assert_int_eq(r->s->now, want[i].bytes);
		ck_assert_int_eq(r->s->calls, want[i].calls);
		ck_assert_int_eq(r->s->delta, want[i].delta);
	}
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_group_names)
{
	enum group_mode g;
	enum sort_key k;

	for (int i = 0; i < GROUP__N; i++) {
		ck_assert_int_eq(group_parse(group_name((enum group_mode)i), &g), 0);
		ck_assert_int_eq(g, i);
	}
	ck_assert_int_eq(group_parse("stacks", &g), -1);
	ck_assert_int_eq(group_parse("", &g), -1);
	ck_assert_str_eq(group_name(GROUP_STACK), "stack");
	ck_assert_str_eq(group_name(GROUP_CALLER), "caller");
	ck_assert_str_eq(group_name(GROUP_FUNCTION), "function");
	{
		static const char *const keys[] = { "pages", "bytes", "delta", "rate",
						    "delta_base", "peak", "score", "first_seen",
						    "label", "share", "calls", "avg" };

		for (int i = 0; i < KEY__N; i++) {
			ck_assert_str_eq(sort_key_name((enum sort_key)i), keys[i]);
			ck_assert_int_eq(sort_key_parse(keys[i], &k), 0);
			ck_assert_int_eq(k, i);
		}
	}
	ck_assert_int_eq(sort_key_parse("Pages", &k), -1);
	ck_assert_int_eq(sort_key_parse("size", &k), -1);
}
END_TEST

/* ------------------------------------------------------------------ sorting */

static double key_of(const struct row *r, enum sort_key k)
{
	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES:
	case KEY_SHARE: return (double)r->s->now;
	case KEY_DELTA: return (double)r->s->delta;
	case KEY_RATE: return r->s->rate;
	case KEY_DELTA_BASE: return (double)r->s->delta_base;
	case KEY_PEAK: return (double)r->s->peak;
	case KEY_SCORE: return r->s->score;
	case KEY_FIRST_SEEN: return (double)r->s->first_seen;
	default: return 0;
	}
}

/* A model with ties on every key and rows that differ on every key. */
static struct model *sort_model(void)
{
	struct model *m = model_new();

	feed(m, 0, "fa=10|fb=10|fc=30|fd=5");
	feed(m, 1, "fa=20|fb=10|fc=25|fd=5|fe=10");
	feed(m, 3, "fa=40|fb=10|fc=10|fd=6|fe=10|ff=1|fg=10");
	return m;
}

START_TEST(test_sort_every_key)
{
	struct model *m = sort_model();
	struct view v, v2;

	view_init(&v);
	view_init(&v2);
	for (int k = 0; k < KEY__N; k++) {
		for (int asc = 0; asc < 2; asc++) {
			view_with(m, &v, GROUP_STACK, (enum sort_key)k, asc);
			ck_assert_uint_eq(v.nrows, 7);
			for (size_t i = 1; i < v.nrows; i++) {
				const struct row *a = &v.rows[i - 1], *b = &v.rows[i];

				if (k == KEY_LABEL) {
					int c = strcmp(model_label(m, a->label), model_label(m, b->label));

					ck_assert_msg(asc ? c < 0 : c > 0, "label %s then %s",
						      model_label(m, a->label), model_label(m, b->label));
					continue;
				}
				if (asc)
					ck_assert_msg(key_of(a, k) <= key_of(b, k), "%s asc row %zu",
						      sort_key_name(k), i);
				else
					ck_assert_msg(key_of(a, k) >= key_of(b, k), "%s desc row %zu",
						      sort_key_name(k), i);
				/* ties: by stack id, in both directions */
				if (key_of(a, k) == key_of(b, k))
					ck_assert_msg(a->stack->id < b->stack->id, "%s tie row %zu",
						      sort_key_name(k), i);
			}
			/* deterministic */
			view_with(m, &v2, GROUP_STACK, (enum sort_key)k, asc);
			for (size_t i = 0; i < v.nrows; i++)
				ck_assert_ptr_eq(v.rows[i].stack, v2.rows[i].stack);
		}
	}
	/* spot checks */
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_str_eq(model_label(m, v.rows[0].label), "fa");
	ck_assert_str_eq(model_label(m, v.rows[6].label), "ff");
	view_with(m, &v, GROUP_STACK, KEY_DELTA, 1);
	ck_assert_str_eq(model_label(m, v.rows[0].label), "fc");
	ck_assert_int_eq(v.rows[0].s->delta, -15);
	view_with(m, &v, GROUP_STACK, KEY_FIRST_SEEN, 0);
	/* ff and fg both appeared at sample 2: fg was created after ff */
	ck_assert_str_eq(model_label(m, v.rows[0].label), "ff");
	ck_assert_str_eq(model_label(m, v.rows[1].label), "fg");
	view_with(m, &v, GROUP_STACK, KEY_PEAK, 0);
	ck_assert_str_eq(model_label(m, v.rows[0].label), "fa");
	ck_assert_str_eq(model_label(m, v.rows[1].label), "fc");
	view_free(&v);
	view_free(&v2);
	model_free(m);
}
END_TEST

START_TEST(test_sort_groups)
{
	struct model *m = sort_model();
	struct view v;

	view_init(&v);
	feed(m, 4, "x;fa=40|y;fa=1|fb=10|fc=10");
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	ck_assert_str_eq(model_label(m, v.rows[0].label), "x");
	view_with(m, &v, GROUP_CALLER, KEY_LABEL, 1);
	for (size_t i = 1; i < v.nrows; i++)
		ck_assert_int_lt(strcmp(model_label(m, v.rows[i - 1].label),
					model_label(m, v.rows[i].label)), 0);
	view_with(m, &v, GROUP_CALLER, KEY_LABEL, 0);
	for (size_t i = 1; i < v.nrows; i++)
		ck_assert_int_gt(strcmp(model_label(m, v.rows[i - 1].label),
					model_label(m, v.rows[i].label)), 0);
	view_free(&v);
	model_free(m);
}
END_TEST

/* Rows [a, b) of v are those of the full sort f (b clipped to its rows). */
static void ck_sort_same(const struct view *v, const struct view *f, size_t a, size_t b,
			 int k, int asc)
{
	ck_assert_uint_eq(v->nrows, f->nrows);
	for (size_t i = a; i < b && i < f->nrows; i++)
		ck_assert_msg(v->rows[i].stack == f->rows[i].stack, "%s %s row %zu of %zu..%zu",
			      sort_key_name((enum sort_key)k), asc ? "asc" : "desc", i, a, b);
}

/* Rows of two views the same, by stack or group, in [a, b). */
static void ck_rows_same(const struct view *v, const struct view *f, size_t a, size_t b,
			 const char *what, size_t sel)
{
	ck_assert_uint_eq(v->nrows, f->nrows);
	for (size_t i = a; i < b && i < f->nrows; i++)
		ck_assert_msg(v->rows[i].stack == f->rows[i].stack &&
			      v->rows[i].group == f->rows[i].group,
			      "%s, the selection at %zu: row %zu of %zu..%zu", what, sel, i, a, b);
}

START_TEST(test_sort_near)
{
	/* the selected row put in order as the view is made (view_opts.near_*): at its place
	 * in the full sort, with the rows around it and the first rows as in the full sort,
	 * every row still there; for stacks and for groups, each key both ways */
	struct model *m = model_new();
	struct sbuf b = { 0 };
	struct view full, near;
	struct view_opts o;

	for (int smp = 0; smp < 2; smp++) {
		for (int i = 0; i < 600; i++)
			sb_printf(&b, " f%d+0x1/0x2\n g%d+0x1/0x2\nnr_base_pages: %d\n\n", i,
				  i % 150, (i * (37 + 16 * smp)) % 50 + 1);
		model_feed_text(m, smp, b.s);
		sb_free(&b);
	}
	view_init(&full);
	view_init(&near);
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < KEY__N; k++)
			for (int asc = 0; asc < 2; asc++) {
				char what[64];

				view_opts_init(&o);
				o.group = g ? GROUP_CALLER : GROUP_STACK;
				o.key = (enum sort_key)k;
				o.ascending = asc;
				model_view(m, &o, &full);
				snprintf(what, sizeof(what), "%s %s %s", g ? "groups" : "stacks",
					 sort_key_name(o.key), asc ? "asc" : "desc");
				for (size_t sel = 0; sel < full.nrows; sel += 13) {
					uint8_t *seen = calloc(1 << 16, 1);

					o.limit = 10;
					o.near_on = 1;
					o.near_stack = full.rows[sel].stack;
					o.near_label = full.rows[sel].label;
					o.near_before = 5;
					o.near_after = 7;
					model_view(m, &o, &near);
					ck_assert_uint_eq(near.near, sel);
					ck_rows_same(&near, &full, 0, 10, what, sel);
					ck_rows_same(&near, &full, sel > 5 ? sel - 5 : 0, sel + 8, what,
						     sel);
					ck_rows_same(&near, &full, 0, near.sorted_head, what, sel);
					ck_rows_same(&near, &full, near.sorted_tail, near.nrows, what,
						     sel);
					for (size_t i = 0; i < near.nrows; i++) {
						size_t id = g ? near.rows[i].label
							      : near.rows[i].stack->id;

						ck_assert_uint_lt(id, 1 << 16);
						ck_assert_int_eq(seen[id], 0);
						seen[id] = 1;
					}
					free(seen);
					o.near_on = 0;
				}
			}
	view_free(&full);
	view_free(&near);
	model_free(m);
}
END_TEST

/* A row's tie-break: its stack id, or its group's place in the model's table. */
static size_t row_tie_of(const struct model *m, enum group_mode g, const struct row *r)
{
	return r->stack ? r->stack->id : (size_t)(r->group - m->groups[g]);
}

/* Row i - 1 goes before row i in the order of o: by key, ties by row_tie_of(). */
static void ck_order(const struct model *m, const struct view_opts *o, const struct view *v,
		     size_t i, const char *what)
{
	const struct row *a = &v->rows[i - 1], *b = &v->rows[i];
	int c;

	if (o->key == KEY_LABEL)
		c = strcmp(model_label(m, a->label), model_label(m, b->label));
	else if (o->key == KEY_CALLS || o->key == KEY_AVG)
		c = 0; /* none here: every row has 0 */
	else
		c = key_of(a, o->key) < key_of(b, o->key) ? -1 : key_of(a, o->key) > key_of(b, o->key);
	if (!o->ascending)
		c = -c;
	ck_assert_msg(c < 0 || (c == 0 && row_tie_of(m, o->group, a) < row_tie_of(m, o->group, b)),
		      "%s: rows %zu and %zu out of order", what, i - 1, i);
}

START_TEST(test_sort_reverse_ties)
{
	/* r on the screen: the selection near the top, then the order turned round, so that
	 * it is near the end. The rows in order at both ends, and all of them once the rest
	 * is sorted, are those of a full sort: by key, ties by stack id (or the group's
	 * place) in both directions, as batch mode prints them. Few distinct counts, so that
	 * runs of equal keys cross every boundary of the rows in order. */
	struct model *m = model_new();
	struct sbuf b = { 0 };
	struct view full, near;
	struct view_opts o;
	int parted = 0;

	for (int smp = 0; smp < 2; smp++) {
		for (int i = 0; i < 3000; i++)
			sb_printf(&b, " f%d+0x1/0x2\n g%d+0x1/0x2\nnr_base_pages: %d\n\n", i,
				  i % 97, (i * (7 + smp)) % 4 + 1);
		model_feed_text(m, smp, b.s);
		sb_free(&b);
	}
	view_init(&full);
	view_init(&near);
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < KEY__N; k++)
			for (int asc = 0; asc < 2; asc++) {
				char what[64];
				size_t sel;

				view_opts_init(&o);
				o.group = g ? GROUP_CALLER : GROUP_STACK;
				o.key = (enum sort_key)k;
				o.ascending = !asc;
				model_view(m, &o, &full);
				snprintf(what, sizeof(what), "%s %s %s", g ? "groups" : "stacks",
					 sort_key_name(o.key), asc ? "asc" : "desc");
				sel = full.nrows / 50; /* near the top, then reversed */
				o.near_stack = full.rows[sel].stack;
				o.near_label = full.rows[sel].label;
				o.ascending = asc;
				model_view(m, &o, &full);
				for (size_t i = 1; i < full.nrows; i++)
					ck_order(m, &o, &full, i, what);
				o.limit = 10;
				o.near_on = 1;
				o.near_before = 5;
				o.near_after = 7;
				model_view(m, &o, &near);
				parted += near.sorted_head < near.sorted_tail;
				ck_rows_same(&near, &full, 0, near.sorted_head, what, near.near);
				ck_rows_same(&near, &full, near.sorted_tail, near.nrows, what,
					     near.near);
				view_sort_rest(m, &o, &near, 0);
				ck_rows_same(&near, &full, 0, near.nrows, what, near.near);
			}
	/* most orders had rows in no order between the two ends */
	ck_assert_int_ge(parted, 2 * KEY__N);
	view_free(&full);
	view_free(&near);
	model_free(m);
}
END_TEST

/* Two samples of n stacks of a frame each, counts of few values: many ties. */
static struct model *tied_model(int n)
{
	struct model *m = model_new();
	struct sbuf b = { 0 };

	for (int smp = 0; smp < 2; smp++) {
		for (int i = 0; i < n; i++)
			sb_printf(&b, " f%d+0x1/0x2\nnr_base_pages: %d\n\n", i,
				  smp ? (i * 53) % 70 + 1 : (i * 37) % 50 + 1);
		model_feed_text(m, smp, b.s);
		sb_free(&b);
	}
	return m;
}

/* The view of every row in full and the one whose first 10 rows alone are in order (o,
 * with that limit, as left). */
static void full_and_limited(struct model *m, struct view_opts *o, int k, int asc,
			     struct view *full, struct view *lim)
{
	view_opts_init(o);
	o->key = (enum sort_key)k;
	o->ascending = asc;
	model_view(m, o, full);
	o->limit = 10;
	model_view(m, o, lim);
}

START_TEST(test_sort_limit)
{
	/* with a limit only the first rows need sorting: they are the same rows as in a
	 * full sort, in the same order, and every row is still there; view_sort_rest() then
	 * gives the full sort's order */
	struct model *m = tied_model(500);
	struct view full, lim;
	struct view_opts o;

	view_init(&full);
	view_init(&lim);
	for (int k = 0; k < KEY__N; k++) {
		for (int asc = 0; asc < 2; asc++) {
			full_and_limited(m, &o, k, asc, &full, &lim);
			ck_assert_uint_eq(lim.nrows, full.nrows);
			for (size_t i = 0; i < 10; i++)
				ck_assert_msg(lim.rows[i].stack == full.rows[i].stack,
					      "%s %s row %zu", sort_key_name(k), asc ? "asc" : "desc", i);
			{
				/* the rest is a permutation of the remaining rows */
				uint8_t *seen = calloc(model_nstacks(m), 1);

				for (size_t i = 0; i < lim.nrows; i++) {
					ck_assert_int_eq(seen[lim.rows[i].stack->id], 0);
					seen[lim.rows[i].stack->id] = 1;
				}
				free(seen);
			}
			/* the rest sorted afterwards: the full sort's order, every row */
			view_sort_rest(m, &o, &lim, 10);
			for (size_t i = 0; i < full.nrows; i++)
				ck_assert_msg(lim.rows[i].stack == full.rows[i].stack,
					      "%s %s rest row %zu", sort_key_name(k),
					      asc ? "asc" : "desc", i);
			/* the last rows, then rows around one in the middle, then those before
			 * the end: each in the full sort's place, found without a sort */
			model_view(m, &o, &lim);
			view_need(m, &o, &lim, lim.nrows - 20, lim.nrows);
			ck_assert_uint_eq(lim.sorted_tail, lim.nrows - 20);
			ck_sort_same(&lim, &full, lim.nrows - 20, lim.nrows, k, asc);
			for (size_t i = 10; i < lim.sorted_tail; i += 97) {
				const struct stack *st = lim.rows[i].stack;
				size_t at = view_place(m, &o, &lim, i, 5, 7);

				ck_assert_ptr_eq(lim.rows[at].stack, st);
				ck_sort_same(&lim, &full, at > 5 ? at - 5 : 0, at + 8, k, asc);
				ck_sort_same(&lim, &full, 0, lim.sorted_head, k, asc);
				ck_sort_same(&lim, &full, lim.sorted_tail, lim.nrows, k, asc);
			}
			view_need(m, &o, &lim, lim.sorted_tail - 30, lim.sorted_tail);
			ck_sort_same(&lim, &full, lim.sorted_tail, lim.nrows, k, asc);
			view_sort_rest(m, &o, &lim, lim.sorted_head);
			ck_assert_uint_eq(lim.sorted_head, lim.nrows);
			ck_sort_same(&lim, &full, 0, lim.nrows, k, asc);
		}
	}
	view_free(&full);
	view_free(&lim);
	model_free(m);
}
END_TEST

/* A stack id is wanted when it has the remainder asked. */
static int want_mod(void *arg, size_t i)
{
	const struct view *v = ((void **)arg)[0];
	const int *mod = ((void **)arg)[1];

	return v->rows[i].stack->id % 41 == (uint32_t)*mod;
}

/* The index of which stacks have which frame: each frame's stacks are those a look at
 * every stack finds (a frame twice in a stack, twice), made a slice at a time; not ready
 * once a sample brings a stack or the model forgets one, right again when made again. A
 * stack known only by its count (no frames: its label no frame's) is listed apart until
 * its frames come. */
static void ck_index_exact(const struct model *m, struct stack_index *x, size_t nodd)
{
	size_t total = 0, n, want;
	const uint32_t *ids;

	while (!stack_index_make(x, m, 0)) /* a step a call: the deadline is past */
		;
	ck_assert(stack_index_ready(x, m));
	for (uint32_t f = 0; f < model_nframes(m); f++) {
		ids = stack_index_frame(x, f, &n);
		want = 0;
		for (size_t i = 0; i < model_nstacks(m); i++) {
			const struct stack *st = model_stack(m, (uint32_t)i);

			for (unsigned k = 0; st && k < st->nframes; k++)
				want += st->frames[k] == f;
		}
		ck_assert_uint_eq(n, want);
		for (size_t j = 0; j < n; j++) {
			const struct stack *st = model_stack(m, ids[j]);
			unsigned k = 0;

			ck_assert_ptr_nonnull(st);
			while (k < st->nframes && st->frames[k] != f)
				k++;
			ck_assert_uint_lt(k, st->nframes);
			ck_assert(j == 0 || ids[j - 1] <= ids[j]);
		}
		total += n;
	}
	ids = stack_index_odd(x, &n);
	ck_assert_uint_eq(n, nodd);
	for (size_t j = 0; j < n; j++)
		ck_assert_uint_eq(model_stack(m, ids[j])->nframes, 0);
	ck_assert_uint_gt(total, 0);
}

START_TEST(test_stack_index)
{
	static const char *const frames99[] = { "prep_new_page+0x17/0x43", "f1+0x1/0x2" };
	struct model *m = model_new();
	struct stack_index *x = stack_index_new();
	struct sbuf b = { 0 };

	for (int i = 0; i < 3000; i++)
		sb_printf(&b, "%sf%d;g%d;f%d;h=%d", i ? "|" : "", i % 37, i % 101, i % 37,
			  1 + i % 5);
	feed(m, 0, b.s);
	ck_index_exact(m, x, 0);
	feed(m, 1, "f1;new;h=3");
	ck_assert(!stack_index_ready(x, m)); /* a stack came */
	ck_index_exact(m, x, 0);
	for (int t = 2; t < 2 + MODEL_HISTORY + 2; t++)
		feed(m, t, "f1;new;h=3"); /* the others gone long enough: forgotten */
	ck_assert_uint_lt(model_nlive(m), 3000);
	ck_assert(!stack_index_ready(x, m));
	ck_index_exact(m, x, 0);
	begin_sample(m, 200);
	count_handle(m, 99, 7);
	end_sample(m);
	ck_assert(!stack_index_ready(x, m));
	ck_index_exact(m, x, 1);
	begin_sample(m, 201);
	feed_handle_rec(m, 99, frames99, 2);
	count_handle(m, 99, 7);
	end_sample(m);
	ck_assert(!stack_index_ready(x, m)); /* its frames and label came */
	ck_index_exact(m, x, 0);
	stack_index_free(x);
	sb_free(&b);
	model_free(m);
}
END_TEST

/* A copy of the view's rows, updated only at the places view_moved() names, is the same
 * as the rows; the log starts again. */
static void ck_moved(struct view *v, struct row *copy)
{
	size_t n;
	const uint32_t *p = view_moved(v, &n);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		copy[p[i]] = v->rows[p[i]];
	for (size_t i = 0; i < v->nrows; i++)
		ck_assert_ptr_eq(copy[i].stack, v->rows[i].stack);
	view_moved_begin(v);
}

START_TEST(test_sort_mixed)
{
	/* rows found (view_find) and placed (view_place) among those in no order move only
	 * themselves and the rows whose places they take, so those left in no order are no
	 * longer in the order of their ties: each found row is still where the full sort has
	 * it, and the rest sorted after (at once, or a slice at a time as the screen does
	 * while it waits) is the full sort's order; view_moved() names every row moved */
	struct model *m = tied_model(3000);
	struct view full, lim;
	struct view_opts o;
	int mixed = 0;

	view_init(&full);
	view_init(&lim);
	for (int k = 0; k < KEY__N; k++) {
		for (int asc = 0; asc < 2; asc++) {
			for (int slices = 0; slices < 2; slices++) {
				struct row *copy;
				int mod;
				void *arg[2] = { &lim, &mod };

				full_and_limited(m, &o, k, asc, &full, &lim);
				copy = malloc(lim.nrows * sizeof(*copy));
				memcpy(copy, lim.rows, lim.nrows * sizeof(*copy));
				view_moved_begin(&lim);
				for (mod = 0; mod < 12; mod++) {
					size_t at = view_find(m, &o, &lim, mod % 3 == 2, want_mod,
							      arg, 3, 4);

					if (at == SIZE_MAX)
						continue;
					ck_assert_int_eq(want_mod(arg, at), 1);
					ck_sort_same(&lim, &full, at > 3 ? at - 3 : 0, at + 5, k, asc);
					ck_sort_same(&lim, &full, 0, lim.sorted_head, k, asc);
					ck_sort_same(&lim, &full, lim.sorted_tail, lim.nrows, k,
						     asc);
					mixed += lim.mixed;
					if (lim.sorted_head < lim.sorted_tail)
						ck_moved(&lim, copy);
				}
				for (size_t i = lim.sorted_head + 7; i < lim.sorted_tail; i += 211) {
					const struct stack *st = lim.rows[i].stack;
					size_t at = view_place(m, &o, &lim, i, 2, 3);

					ck_assert_ptr_eq(lim.rows[at].stack, st);
					ck_sort_same(&lim, &full, at > 2 ? at - 2 : 0, at + 4, k, asc);
					if (lim.sorted_head < lim.sorted_tail)
						ck_moved(&lim, copy);
				}
				view_need(m, &o, &lim, lim.sorted_tail - 9, lim.sorted_tail);
				ck_sort_same(&lim, &full, lim.sorted_tail, lim.nrows, k, asc);
				if (slices) {
					while (!view_sort_slice(m, &o, &lim, 0, NULL, NULL))
						;
					while (!view_sort_slice_stop(&lim))
						;
				} else {
					view_sort_rest(m, &o, &lim, lim.sorted_head);
				}
				ck_assert_uint_eq(lim.sorted_head, lim.nrows);
				ck_sort_same(&lim, &full, 0, lim.nrows, k, asc);
				free(copy);
			}
		}
	}
	/* most orders had their rows in no order mixed */
	ck_assert_int_ge(mixed, 2 * KEY__N);
	view_free(&full);
	view_free(&lim);
	model_free(m);
}
END_TEST

START_TEST(test_sort_top_only)
{
	/* top_only keeps just the first rows: the same rows, in the same order, as a full
	 * sort, with the same totals and count of rows shown; for every key, both
	 * directions, every grouping, with a threshold, and limits below, at and above the
	 * number of rows (ties in pages are many: the id breaks them, for groups their place
	 * in the model, which is not the order of their labels: the module group "?" of bare
	 * addresses, made first here, has a label after "vmlinux") */
	static const size_t limits[] = { 1, 7, 10, 499, 500, 501, 5000 };
	struct model *m = model_new();
	struct sbuf b = { 0 };
	struct view full, top;
	struct view_opts o;

	sb_add(&b, " 0xffffffffc0001234\nnr_base_pages: 5\n\n");
	for (int i = 0; i < 500; i++)
		sb_printf(&b, " f%d+0x1/0x2\n g%d+0x1/0x2 [m%d]\nnr_base_pages: %d\n\n", i,
			  i % 17, i % 5, (i * 37) % 50 + 1);
	model_feed_text(m, 0, b.s);
	sb_free(&b);
	sb_add(&b, " 0xffffffffc0001234\nnr_base_pages: 5\n\n");
	for (int i = 0; i < 500; i++)
		sb_printf(&b, " f%d+0x1/0x2\n g%d+0x1/0x2 [m%d]\nnr_base_pages: %d\n\n", i,
			  i % 17, i % 5, (i * 53) % 70);
	model_feed_text(m, 1, b.s);
	sb_free(&b);
	view_init(&full);
	view_init(&top);
	for (int g = 0; g < GROUP__N; g++)
		for (int k = 0; k < KEY__N; k++)
			for (int asc = 0; asc < 2; asc++)
				for (size_t l = 0; l < sizeof(limits) / sizeof(*limits); l++) {
					view_opts_init(&o);
					o.group = (enum group_mode)g;
					o.key = (enum sort_key)k;
					o.ascending = asc;
					o.threshold.value = l % 2 ? 3 : 0;
					model_view(m, &o, &full);
					o.limit = limits[l];
					o.top_only = 1;
					model_view(m, &o, &top);
					ck_assert_uint_eq(top.shown, full.nrows);
					ck_assert_uint_eq(full.shown, full.nrows);
					ck_assert_uint_eq(top.nrows, full.nrows < limits[l]
									 ? full.nrows : limits[l]);
					ck_assert_int_eq(top.shown_pages, full.shown_pages);
					ck_assert_int_eq(top.total_pages, full.total_pages);
					ck_assert_uint_eq(top.total_rows, full.total_rows);
					for (size_t i = 0; i < top.nrows; i++)
						ck_assert_msg(top.rows[i].s == full.rows[i].s,
							      "group %d %s %s limit %zu row %zu", g,
							      sort_key_name(k), asc ? "asc" : "desc",
							      limits[l], i);
				}
	view_free(&full);
	view_free(&top);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ filtering */

START_TEST(test_threshold)
{
	struct model *m = model_new();
	struct view v;
	struct view_opts o;

	view_init(&v);
	feed(m, 0, GROUPS_SPEC);
	view_opts_init(&o);
	o.threshold.value = 7;
	model_view(m, &o, &v);
	ck_assert_uint_eq(v.nrows, 4);           /* 100, 20, 11, 7 */
	ck_assert_uint_eq(v.total_rows, 7);
	ck_assert_int_eq(v.total_pages, 144);
	ck_assert_int_eq(v.shown_pages, 138);
	for (size_t i = 0; i < v.nrows; i++)
		ck_assert_int_ge(v.rows[i].s->now, 7);
	o.group = GROUP_CALLER;
	o.threshold.value = 100;
	model_view(m, &o, &v);
	ck_assert_uint_eq(v.nrows, 1);
	ck_assert_int_eq(v.rows[0].s->now, 120);
	ck_assert_int_eq(v.threshold, 100);
	/* bytes: pages of the input's size, rounded up; 7 pages and a byte: 8 */
	o.group = GROUP_STACK;
	o.threshold = (struct threshold){ THRESH_BYTES, 7 * model_page_size(m) + 1 };
	model_view(m, &o, &v);
	ck_assert_int_eq(v.threshold, 8);
	ck_assert_uint_eq(v.nrows, 3);           /* 100, 20, 11 */
	/* a percentage of this sample's 144 pages: 5% is 7.2, so 8 */
	o.threshold = (struct threshold){ THRESH_PERCENT, 5 * THRESH_PERCENT_ONE };
	model_view(m, &o, &v);
	ck_assert_int_eq(v.threshold, 8);
	ck_assert_uint_eq(v.nrows, 3);
	o.threshold = (struct threshold){ THRESH_PERCENT, 4 * THRESH_PERCENT_ONE }; /* 5.76 */
	model_view(m, &o, &v);
	ck_assert_int_eq(v.threshold, 6);
	ck_assert_uint_eq(v.nrows, 4);
	view_free(&v);
	model_free(m);
}
END_TEST

static size_t filtered_rows(struct model *m, enum group_mode g, const char *const *pats,
			    size_t n, int64_t *shown)
{
	struct view v;
	struct view_opts o;
	struct pt_err err;
	size_t rows;

	view_init(&v);
	view_opts_init(&o);
	o.group = g;
	o.filter = filter_new(pats, n, &err);
	ck_assert_msg(o.filter != NULL, "%s", err.msg);
	model_view(m, &o, &v);
	rows = v.nrows;
	if (shown)
		*shown = v.shown_pages;
	/* a second view with the cached matches gives the same answer */
	model_view(m, &o, &v);
	ck_assert_uint_eq(v.nrows, rows);
	filter_free(o.filter);
	view_free(&v);
	return rows;
}

START_TEST(test_filter)
{
	struct model *m = model_new();
	int64_t shown;

	feed(m, 0, GROUPS_SPEC);
	{
		static const char *const p[] = { "brd" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 1, &shown), 2);
		ck_assert_int_eq(shown, 120);
	}
	{
		static const char *const p[] = { "!brd" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 1, &shown), 5);
		ck_assert_int_eq(shown, 24);
	}
	{
		/* every pattern must hold */
		static const char *const p[] = { "brd", "__submit_bio" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 2, &shown), 1);
		ck_assert_int_eq(shown, 100);
	}
	{
		static const char *const p[] = { "brd", "!__submit_bio" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 2, &shown), 1);
		ck_assert_int_eq(shown, 20);
	}
	{
		/* extended regular expressions over the whole frame text */
		static const char *const p[] = { "^(rec|helper)\\+0x1/" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 1, NULL), 1);
	}
	{
		static const char *const p[] = { "\\[ext2\\]$" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 1, &shown), 1);
		ck_assert_int_eq(shown, 7);
	}
	{
		static const char *const p[] = { "matches_nothing" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_STACK, p, 1, &shown), 0);
		ck_assert_int_eq(shown, 0);
	}
	{
		/* groups: the filter applies to the label */
		static const char *const p[] = { "brd" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_CALLER, p, 1, &shown), 1);
		ck_assert_int_eq(shown, 120);
		ck_assert_uint_eq(filtered_rows(m, GROUP_MODULE, p, 1, &shown), 1);
	}
	{
		static const char *const p[] = { "!^vmlinux$" };

		ck_assert_uint_eq(filtered_rows(m, GROUP_MODULE, p, 1, NULL), 2);
	}
	model_free(m);
}
END_TEST

START_TEST(test_filter_bad)
{
	struct pt_err err;
	struct filter *f;
	static const char *const bad[] = { "ok", "(unclosed" };
	static const char *const bad2[] = { "![" };

	memset(&err, 0, sizeof(err));
	f = filter_new(bad, 2, &err);
	ck_assert_ptr_null(f);
	ck_assert_msg(strncmp(err.msg, "bad filter \"(unclosed\": ", 24) == 0, "%s", err.msg);
	ck_assert_uint_gt(strlen(err.msg), 24);   /* regerror's reason follows */
	f = filter_new(bad2, 1, &err);
	ck_assert_ptr_null(f);
	ck_assert_msg(strncmp(err.msg, "bad filter \"![\": ", 17) == 0, "%s", err.msg);
	/* at most 31 patterns */
	{
		const char *many[32];

		for (int i = 0; i < 32; i++)
			many[i] = "x";
		ck_assert_ptr_null(filter_new(many, 32, &err));
		ck_assert_str_eq(err.msg, "at most 31 filters");
		f = filter_new(many, 31, &err);
		ck_assert_ptr_nonnull(f);
		filter_free(f);
	}
	/* an empty list is no filter at all */
	f = filter_new(NULL, 0, &err);
	ck_assert_ptr_nonnull(f);
	filter_free(f);
	filter_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ special stacks */

START_TEST(test_special)
{
	struct model *m = model_new();

	ck_assert_ptr_null(model_special(m, SK_DUMMY));
	feed(m, 0, "register_dummy_stack+0x23/0x3e;init_page_owner+0x24/0x237=3"
		   "|register_failure_stack+0x23/0x3e;init_page_owner+0x2a/0x237=0"
		   "|register_early_stack+0x23/0x3e;init_page_owner+0x2e/0x237=100"
		   "|normal;path=4");
	ck_assert_ptr_nonnull(model_special(m, SK_DUMMY));
	ck_assert_int_eq(model_special(m, SK_DUMMY)->kind, SK_DUMMY);
	ck_assert_int_eq(model_special(m, SK_DUMMY)->s.now, 3);
	ck_assert_int_eq(model_special(m, SK_FAILURE)->kind, SK_FAILURE);
	ck_assert_int_eq(model_special(m, SK_EARLY)->kind, SK_EARLY);
	ck_assert_int_eq(model_special(m, SK_EARLY)->s.now, 100);
	ck_assert_int_eq(must_find(m, "normal;path")->kind, SK_NORMAL);
	/* the failure stack growing is visible to whoever watches it */
	feed(m, 1, "register_failure_stack+0x23/0x3e;init_page_owner+0x2a/0x237=12");
	ck_assert_int_eq(model_special(m, SK_FAILURE)->s.delta, 12);
	/* a frame further out does not make a stack special */
	feed(m, 2, "foo;register_dummy_stack+0x23/0x3e=1");
	ck_assert_int_eq(must_find(m, "foo;register_dummy_stack+0x23/0x3e")->kind, SK_NORMAL);
	ck_assert_ptr_null(model_special(m, (enum stack_kind)7));
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ per-block */

START_TEST(test_blocks)
{
	struct model *m = model_new();
	const char *text =
		"Page allocated via order 2, mask 0xcc0(GFP_KERNEL), pid 10, tgid 10 (first), ts 100 ns\n"
		"PFN 0x1000 type Unmovable Block 8 type Unmovable Flags 0x0()\n"
		" prep_new_page+0x17/0x43\n"
		" do_alloc+0x1/0x2\n"
		"\n"
		"Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 30, tgid 30 (newest (x)), ts 300 ns\n"
		"PFN 0x2000 type Movable Block 16 type Movable Flags 0x0()\n"
		" prep_new_page+0x17/0x43\n"
		" do_alloc+0x1/0x2\n"
		"\n"
		"Page allocated via order 3, mask 0xcc0(GFP_KERNEL), pid 20, tgid 20 (middle), ts 200 ns\n"
		"PFN 0x3000 type Unmovable Block 24 type Unmovable Flags 0x0()\n"
		" prep_new_page+0x17/0x43\n"
		" do_alloc+0x1/0x2\n"
		"\n"
		"Page allocated via order 1, mask 0xcc0(GFP_KERNEL), pid 5, tgid 5 (other), ts 5 ns\n"
		"PFN 0x4000 type Unmovable Block 32 type Unmovable Flags 0x0()\n"
		" prep_new_page+0x17/0x43\n"
		" other+0x1/0x2\n"
		"\n";
	const struct stack *st;

	model_feed_text(m, 0, text);
	ck_assert_uint_eq(model_nstacks(m), 2);
	st = must_find(m, "prep_new_page+0x17/0x43;do_alloc+0x1/0x2");
	ck_assert_int_eq(st->s.now, 4 + 1 + 8);   /* 2^order pages per block */
	ck_assert_ptr_nonnull(model_stack_blocks(m, st));
	ck_assert_uint_eq(model_stack_blocks(m, st)->nblocks, 3);
	ck_assert_uint_eq(model_stack_blocks(m, st)->orders, (1u << 0) | (1u << 2) | (1u << 3));
	ck_assert_uint_eq(model_stack_blocks(m, st)->gfp, 0xcc0);   /* of the first block */
	ck_assert_int_eq(model_stack_blocks(m, st)->pid, 30);       /* of the newest block */
	ck_assert_str_eq(model_stack_blocks(m, st)->comm, "newest (x)");
	ck_assert_uint_eq(model_stack_blocks(m, st)->ts_ns, 300);
	st = must_find(m, "prep_new_page+0x17/0x43;other+0x1/0x2");
	ck_assert_int_eq(st->s.now, 2);
	ck_assert_uint_eq(model_stack_blocks(m, st)->nblocks, 1);
	ck_assert_uint_eq(model_stack_blocks(m, st)->orders, 2);
	/* a second dump: the counts, and the block summary, are of that dump alone */
	model_feed_text(m, 1, text);
	st = must_find(m, "prep_new_page+0x17/0x43;do_alloc+0x1/0x2");
	ck_assert_int_eq(st->s.now, 13);
	ck_assert_int_eq(st->s.delta, 0);
	ck_assert_uint_eq(model_stack_blocks(m, st)->nblocks, 3);
	/* a third with only the order-0 block left */
	model_feed_text(m, 2,
			"Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 31, tgid 31 (a-very-long-command-name-of-40-chars), ts 50 ns\n"
			"PFN 0x2000 type Movable Block 16 type Movable Flags 0x0()\n"
			" prep_new_page+0x17/0x43\n"
			" do_alloc+0x1/0x2\n"
			"\n");
	ck_assert_int_eq(st->s.now, 1);
	ck_assert_uint_eq(model_stack_blocks(m, st)->nblocks, 1);
	ck_assert_uint_eq(model_stack_blocks(m, st)->orders, 1u << 0);
	ck_assert_int_eq(model_stack_blocks(m, st)->pid, 31);
	ck_assert_uint_eq(model_stack_blocks(m, st)->gfp, 0x100cca);
	/* the command is cut to fit, terminated */
	ck_assert_uint_eq(strlen(model_stack_blocks(m, st)->comm), sizeof(model_stack_blocks(m, st)->comm) - 1);
	ck_assert_int_eq(strncmp(model_stack_blocks(m, st)->comm, "a-very-long-command-name-of-40-chars",
				 sizeof(model_stack_blocks(m, st)->comm) - 1), 0);
	model_free(m);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_blocks_real_dump)
{
	/* the real per-block dump, aggregated: total pages = sum of 2^order over every block
	 * and one stack per distinct frame list, computed here with a plain line scan */
	struct model *m = model_new();
	const char *path = TD("small/page_owner.xz");
	size_t len, nkeys = 0, distinct = 0;
	char *text = read_xz_file(path, &len), *p = text, **keys;
	uint64_t pages = 0, blocks = 0, early = 0;
	struct sbuf cur = { 0 };
	struct view v;
	int in_frames = 0;
	unsigned order = 0;

	keys = calloc(len / 40 + 1, sizeof(char *));
	while (*p) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, "Page allocated via order ", 25) == 0) {
			order = (unsigned)strtoul(p + 25, NULL, 10);
			pages += 1ULL << order;
			blocks++;
			sb_free(&cur);
			sb_add(&cur, "");
			in_frames = 1;
		} else if (n > 0 && p[0] == ' ' && in_frames) {
			sb_addn(&cur, p + 1, n - 1);
			sb_add(&cur, ";");
		} else if (n == 0 && in_frames && cur.len) {
			if (strncmp(cur.s, "register_early_stack", 20) == 0)
				early += 1ULL << order;
			keys[nkeys++] = strdup(cur.s);
			in_frames = 0;
		} else if (p[0] != ' ' && strncmp(p, "PFN ", 4) != 0 && n) {
			in_frames = 0; /* extras: no more frames */
		}
		p = nl ? nl + 1 : p + n;
	}
	ck_assert_uint_eq(nkeys, blocks);
	qsort(keys, nkeys, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < nkeys; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]) != 0)
			distinct++;

	ck_assert_int_eq(model_load(m, &path, 1), 1);
	ck_assert_int_eq(model_meta(m)->iface, IFACE_PAGE_OWNER);
	ck_assert_uint_eq(model_nstacks(m), distinct);
	view_init(&v);
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_int_eq(v.total_pages, (int64_t)pages);
	{
		uint64_t nb = 0;

		for (size_t i = 0; i < model_nstacks(m); i++) {
			const struct stack *st = model_stack(m, (uint32_t)i);

			ck_assert_ptr_nonnull(model_stack_blocks(m, st));
			nb += model_stack_blocks(m, st)->nblocks;
		}
		ck_assert_uint_eq(nb, blocks);
	}
	ck_assert_ptr_nonnull(model_special(m, SK_EARLY));
	ck_assert_int_eq(model_special(m, SK_EARLY)->s.now, (int64_t)early);
	view_free(&v);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(text);
	sb_free(&cur);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ real data */

START_TEST(test_demo_brd_leak)
{
	/* the demo: the brd ramdisk stack grows from sample 10 and ranks first by score */
	struct model *m = model_new();
	struct source *src;
	struct source_opts so;
	struct sink s = model_sink(m);
	struct pt_err err;
	struct view v;
	struct view_opts o;
	const char *path = TD("demo");

	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	view_init(&v);
	view_opts_init(&o);
	o.key = KEY_SCORE;
	for (int i = 0; i <= 40; i++) {
		ck_assert_int_eq(source_next(src, &s, -1, &err), SRC_SAMPLE);
		if (i < 15)
			continue;
		model_view(m, &o, &v);
		ck_assert_msg(strcmp(model_label(m, v.rows[0].label), "brd_submit_bio [brd]") == 0,
			      "sample %d: first by score is %s", i, model_label(m, v.rows[0].label));
	}
	ck_assert_double_gt(v.rows[0].s->score, 0.9);
	ck_assert_int_gt(v.rows[0].s->delta_base, 10000);
	source_close(src);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_meta_copied)
{
	struct model *m = model_new();
	struct sink s = model_sink(m);
	struct source_meta meta;
	struct pt_err err;
	char name[32] = "volatile-name", rel[16] = "7.3.4", mod[32] = "brd 0a1b";
	const char *mods[2] = { mod, NULL };

	memset(&meta, 0, sizeof(meta));
	meta.name = name;
	meta.kind = "file";
	meta.kernel_release = rel;
	meta.module_build_ids = mods;
	meta.iface = IFACE_PROPOSAL;
	meta.unit = UNIT_ALLOCS;
	meta.page_size = 0;
	ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	memset(name, 'x', sizeof(name) - 1);
	memset(rel, 'y', sizeof(rel) - 1);
	memset(mod, 'z', sizeof(mod) - 1);
	mods[0] = NULL;
	ck_assert_str_eq(model_meta(m)->name, "volatile-name");
	ck_assert_ptr_nonnull(model_meta(m)->module_build_ids);
	ck_assert_str_eq(model_meta(m)->module_build_ids[0], "brd 0a1b");
	ck_assert_ptr_null(model_meta(m)->module_build_ids[1]);
	ck_assert_str_eq(model_meta(m)->kernel_release, "7.3.4");
	ck_assert_int_eq(model_meta(m)->unit, UNIT_ALLOCS);
	ck_assert_int_eq(model_page_size(m), 4096);
	ck_assert_int_eq(model_meta(m)->page_size_known, 0);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ history */

/* What the history and the score are, from every value a series had (the definition in
 * doc/score.md, as the model computed it from a counter per sample). */
struct ref {
	int64_t *v;               /* value at each sample */
	uint32_t first_seen, last_changed;
	int has_hist;             /* changed at least once, or came with pages after 0 */
};

static void ref_push(struct ref *r, uint32_t k, int64_t x)
{
	r->v[k] = x;
	if (k == r->first_seen) {
		r->last_changed = k;
		r->has_hist = k > 0 && x != 0;
	} else if (x != r->v[k - 1]) {
		r->last_changed = k;
		r->has_hist = 1;
	}
}

static int64_t ref_at(const struct ref *r, int64_t j)
{
	return j < (int64_t)r->first_seen ? 0 : r->v[j];
}

static double ref_score(const struct ref *r, uint32_t k)
{
	uint32_t from, n, down = 0;
	int64_t sumpos = 0, maxinc = 0, net, prev;
	double magnitude;

	if (!r->has_hist || k - r->last_changed > SCORE_WINDOW)
		return 0;
	from = k >= SCORE_WINDOW ? k - SCORE_WINDOW : 0;
	if (from < r->first_seen)
		from = r->first_seen;
	n = k - from;
	if (n == 0)
		return 0;
	prev = ref_at(r, from);
	net = r->v[k] - prev;
	if (net <= 0)
		return 0;
	for (uint32_t j = from + 1; j <= k; j++) {
		int64_t d = ref_at(r, j) - prev;

		prev = ref_at(r, j);
		if (d > 0) {
			sumpos = sat_add(sumpos, d);
			if (d > maxinc)
				maxinc = d;
		} else if (d < 0) {
			down++;
		}
	}
	magnitude = log2(1.0 + (double)net) / 12.0;
	if (magnitude > 1)
		magnitude = 1;
	return (double)(n - down) / n *
	       (0.1 + 0.9 * (sumpos > 0 ? 1.0 - (double)maxinc / (double)sumpos : 0)) *
	       magnitude * (n >= 8 ? 1.0 : n / 8.0);
}

static uint64_t test_rng = 88172645463325252ULL;

static uint64_t test_rand(void)
{
	test_rng ^= test_rng << 13;
	test_rng ^= test_rng >> 7;
	test_rng ^= test_rng << 17;
	return test_rng;
}

/* The next value of series i at sample k: steady, noisy, rare jumps, long quiet
 * stretches, huge values (their differences need the long form), zero for a while. */
static int64_t series_next(int i, uint32_t k, int64_t x)
{
	uint64_t r = test_rand();

	switch (i % 8) {
	case 0: return x + 3;                                       /* steady growth */
	case 1: return x + (int64_t)(r % 7) - 3 < 0 ? 0 : x + (int64_t)(r % 7) - 3;
	case 2: return r % 50 == 0 ? (int64_t)(r >> 40) : x;        /* rare jumps */
	case 3: return k % 200 < 150 ? x : x + 1;                   /* quiet for 150 */
	case 4: return r % 3 ? INT64_MAX - (int64_t)(r % 5) : 1;    /* huge differences */
	case 5: return (k / 40) % 2 ? 0 : 100 + (int64_t)(r % 1000); /* gone for 40 */
	case 6: return r % 400 == 0 ? (int64_t)(r % 100000000) : x;  /* very rare */
	default: return (int64_t)(r % 2);
	}
}

/* The row of the series as the model has it, checked against the reference. */
static void ck_series(const struct model *m, const struct counter *s, const struct ref *r,
		      uint32_t k, const char *what, int full)
{
	int64_t h[MODEL_HISTORY];
	int n;

	ck_assert_msg(s->now == r->v[k], "%s, sample %u: now %lld, want %lld", what, k,
		      (long long)s->now, (long long)r->v[k]);
	ck_assert_msg(model_score(s) == ref_score(r, k), "%s, sample %u: score %.17g, want %.17g",
		      what, k, model_score(s), ref_score(r, k));
	if (!full)
		return;
	n = model_history(m, s, h, MODEL_HISTORY);
	ck_assert_int_eq(n, k + 1 < MODEL_HISTORY ? (int)k + 1 : MODEL_HISTORY);
	for (int j = 0; j < n; j++)
		ck_assert_msg(h[j] == ref_at(r, (int64_t)k - (n - 1) + j),
			      "%s, sample %u, %d back: %lld, want %lld", what, k, n - 1 - j,
			      (long long)h[j], (long long)ref_at(r, (int64_t)k - (n - 1) + j));
}

START_TEST(test_history_exact)
{
	/* history and score from the compact history are exactly those of every value */
	enum { NS = 24, K = 3 * MODEL_HISTORY + 17 };
	struct model *m = model_new();
	struct ref ref[NS], gref;
	int64_t x[NS];
	int defined[NS] = { 0 };
	char fname[NS][64];
	const char *fr[NS][2];
	struct view v;

	view_init(&v);
	memset(ref, 0, sizeof(ref));
	memset(&gref, 0, sizeof(gref));
	gref.v = calloc(K, sizeof(int64_t));
	for (int i = 0; i < NS; i++) {
		ref[i].v = calloc(K, sizeof(int64_t));
		/* some come later, with pages or without */
		ref[i].first_seen = i < 16 ? 0 : (uint32_t)(i * 13);
		snprintf(fname[i], sizeof(fname[i]), i < 4 ? "s%d+0x1/0x2 [grp]" : "s%d+0x1/0x2", i);
		fr[i][0] = "prep_new_page+0x17/0x43";
		fr[i][1] = fname[i];
		x[i] = i % 3 ? 5 + i : 0;
	}
	for (uint32_t k = 0; k < K; k++) {
		int64_t g = 0;

		begin_sample(m, k);
		for (int i = 0; i < NS; i++) {
			if (k < ref[i].first_seen)
				continue;
			if (k > ref[i].first_seen || k == 0)
				x[i] = series_next(i, k, x[i]);
			if (k == ref[i].first_seen || (!defined[i] && x[i])) {
				/* as a source does, again after the model forgot it */
				feed_handle_rec(m, 1000 + (uint64_t)i, fr[i], 2);
				defined[i] = 1;
			}
			if (x[i])
				count_handle(m, 1000 + (uint64_t)i, (uint64_t)x[i]);
			ref_push(&ref[i], k, x[i]);
			if (i < 4)
				g = sat_add(g, x[i]);
		}
		ref_push(&gref, k, g);
		end_sample(m);
		{
			struct sink snk = model_sink(m);
			const uint64_t *fh;
			size_t nf = snk.ops->forgotten(snk.self, &fh);

			for (size_t f = 0; f < nf; f++)
				defined[fh[f] - 1000] = 0;
		}
		for (int i = 0; i < NS; i++) {
			const struct stack *st = NULL;
			char what[32];

			if (k < ref[i].first_seen)
				continue;
			for (size_t id = 0; id < model_nstacks(m); id++)
				if (model_stack(m, (uint32_t)id) &&
				    model_stack(m, (uint32_t)id)->handle == 1000 + (uint64_t)i)
					st = model_stack(m, (uint32_t)id);
			if (!st || st->s.first_seen != ref[i].first_seen) {
				/* forgotten once (at 0 for the whole window): new if back */
				ck_assert(st || (!x[i] && k - ref[i].last_changed >= MODEL_HISTORY - 1));
				continue;
			}
			snprintf(what, sizeof(what), "series %d", i);
			ck_series(m, &st->s, &ref[i], k, what, k % 7 == 0 || k + 1 == K);
		}
		/* a group is a series too: s0..s3 are the module grp, forgotten or not */
		view_with(m, &v, GROUP_MODULE, KEY_PAGES, 0);
		ck_series(m, must_row(m, &v, "grp")->s, &gref, k, "group", k % 7 == 0);
	}
	view_free(&v);
	for (int i = 0; i < NS; i++)
		free(ref[i].v);
	free(gref.v);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ forgetting */

#define PNP "prep_new_page+0x17/0x43;shared;"

/* A stack by its frames (prep_new_page, shared, then NAME: all in the caller group
 * shared) with a count. */
static void put(struct model *m, const char *name, uint64_t count)
{
	char f[64];
	const char *fr[3] = { "prep_new_page+0x17/0x43", "shared+0x1/0x10", f };

	snprintf(f, sizeof(f), "%s+0x1/0x10", name);
	feed_rec(m, 0, 0, fr, NULL, 3, 1, count);
}

static const struct stack *by_handle(const struct model *m, uint64_t h)
{
	for (size_t id = 0; id < model_nstacks(m); id++)
		if (model_stack(m, (uint32_t)id) && model_stack(m, (uint32_t)id)->handle == h)
			return model_stack(m, (uint32_t)id);
	return NULL;
}

/* Feeding without an assertion per call (each is a write to Check's pipe): for the
 * long runs. */
static void count_quick(struct model *m, uint64_t h, uint64_t n)
{
	struct sink s = model_sink(m);
	struct pt_err err;

	if (s.ops->count(s.self, h, n, &err) < 0)
		ck_abort_msg("count: %s", err.msg);
}

static void rec_quick(struct model *m, uint64_t handle, const char *const *frames, unsigned n,
		      int has_count, uint64_t count)
{
	struct sink s = model_sink(m);
	struct frame_text ft[8];
	struct stack_rec rec;
	struct pt_err err;

	memset(&rec, 0, sizeof(rec));
	memset(ft, 0, sizeof(ft));
	for (unsigned i = 0; i < n; i++) {
		ft[i].s = frames[i];
		ft[i].len = (uint32_t)strlen(frames[i]);
	}
	rec.frames = ft;
	rec.nframes = n;
	rec.handle = handle;
	rec.has_count = has_count;
	rec.count = count;
	if (s.ops->stack(s.self, &rec, &err) < 0)
		ck_abort_msg("stack: %s", err.msg);
}

static int64_t total_delta_base(struct model *m)
{
	struct view v;
	int64_t t;

	view_init(&v);
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	t = v.total_delta_base;
	view_free(&v);
	return t;
}

START_TEST(test_forget)
{
	struct model *m = model_new();
	struct sink s = model_sink(m);
	static const char *const hfr[] = { "prep_new_page+0x17/0x43", "shared+0x1/0x10",
					   "h+0x1/0x10" };
	static const char *const dfr[] = { "register_dummy_stack+0x23/0x3e", "init+0x1/0x2" };
	const struct stack *a, *b, *p, *c, *b2, *h;
	const uint64_t *fh;
	struct view v;
	uint32_t bid, k;

	view_init(&v);
	begin_sample(m, 0);
	put(m, "a", 5);
	put(m, "b", 3);
	put(m, "p", 2);
	feed_rec(m, 0, 0, dfr, NULL, 2, 1, 1);
	feed_handle_rec(m, 77, hfr, 3);
	count_handle(m, 77, 4);
	end_sample(m);
	a = must_find(m, PNP "a");
	b = must_find(m, PNP "b");
	p = must_find(m, PNP "p");
	bid = b->id;
	ck_assert_uint_eq(model_nlive(m), 5);
	/* from sample 1 on only a has pages; p is pinned (the UI shows it) */
	for (k = 1; k < MODEL_HISTORY; k++) {
		begin_sample(m, k);
		put(m, "a", 5);
		end_sample(m);
		if (k == 1)
			model_pin(m, p);
	}
	/* at 0 for all but the first sample of the window: kept */
	ck_assert_ptr_eq(model_stack(m, bid), b);
	ck_assert_uint_eq(model_nlive(m), 5);
	ck_assert_int_eq(total_delta_base(m), -10);
	begin_sample(m, k);
	put(m, "a", 5);
	end_sample(m);
	k++;
	/* at 0 for the whole window: b and the handle's stack are forgotten, not the
	 * pinned one, not the dummy stack */
	ck_assert_ptr_null(model_stack(m, bid));
	ck_assert_ptr_null(by_handle(m, 77));
	ck_assert_uint_eq(model_nlive(m), 3);
	ck_assert_ptr_eq(must_find(m, PNP "p"), p);
	ck_assert_ptr_nonnull(model_special(m, SK_DUMMY));
	ck_assert_uint_eq(s.ops->forgotten(s.self, &fh), 1);
	ck_assert_uint_eq(fh[0], 77);
	ck_assert_uint_eq(s.ops->forgotten(s.self, &fh), 0);
	/* the totals still count what they had since the baseline, and so do groups */
	ck_assert_int_eq(total_delta_base(m), -10);
	view_with(m, &v, GROUP_STACK, KEY_PAGES, 0);
	ck_assert_uint_eq(v.nrows, 3); /* a, p and the dummy stack */
	for (size_t i = 0; i < v.nrows; i++)
		ck_assert(v.rows[i].stack == a || v.rows[i].stack == p ||
			  v.rows[i].stack == model_special(m, SK_DUMMY));
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "shared")->s->delta_base, 5 - 14);
	ck_assert_uint_eq(must_row(m, &v, "shared")->group->nstacks, 1);
	model_set_baseline(m);
	ck_assert_int_eq(total_delta_base(m), 0);
	model_reset_baseline(m);
	ck_assert_int_eq(total_delta_base(m), -10);

	/* a new stack takes the lowest free id; b comes back as a new stack; a is found
	 * by its frames as before */
	begin_sample(m, k++);
	put(m, "a", 5);
	put(m, "c", 7);
	put(m, "b", 3);
	count_handle(m, 77, 6); /* its count before its frames, as a live read can */
	end_sample(m);
	c = must_find(m, PNP "c");
	b2 = must_find(m, PNP "b");
	ck_assert_uint_eq(c->id, bid);
	ck_assert_ptr_eq(model_stack(m, bid), c);
	ck_assert_ptr_eq(must_find(m, PNP "a"), a);
	ck_assert_uint_eq(b2->s.first_seen, k - 1);
	ck_assert_int_eq(b2->s.delta_base, 3); /* new since the baseline: all of it */
	h = by_handle(m, 77);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->nframes, 0);
	ck_assert_int_eq(h->s.now, 6);
	ck_assert_uint_eq(model_nlive(m), 6);
	/* the handle defined again (the source was told): its frames */
	begin_sample(m, k++);
	put(m, "a", 5);
	feed_handle_rec(m, 77, hfr, 3);
	count_handle(m, 77, 6);
	end_sample(m);
	ck_assert_ptr_eq(by_handle(m, 77), h);
	ck_assert_uint_eq(h->nframes, 3);
	ck_assert_str_eq(model_frame(m, h->frames[2]), "h+0x1/0x10");
	ck_assert_int_eq(total_delta_base(m), -10 + 6); /* c and b at 0 again, new since */
	/* unpinned, p goes at the next sample */
	model_unpin(m, p);
	begin_sample(m, k++);
	put(m, "a", 5);
	end_sample(m);
	ck_assert_ptr_null(find(m, PNP "p"));
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_forget_group_example)
{
	/* a group without pages shows its last largest stack: that one stays */
	struct model *m = model_new();
	const struct stack *x, *y;
	struct view v;

	view_init(&v);
	begin_sample(m, 0);
	put(m, "a", 5);
	feed_keyed(m, 0, (const char *const[]){ "prep_new_page+0x17/0x43", "solo+0x1/0x10",
						"x+0x1/0x10" }, NULL, 3, 9);
	feed_keyed(m, 0, (const char *const[]){ "prep_new_page+0x17/0x43", "solo+0x1/0x10",
						"y+0x1/0x10" }, NULL, 3, 2);
	end_sample(m);
	x = must_find(m, "prep_new_page+0x17/0x43;solo;x");
	y = must_find(m, "prep_new_page+0x17/0x43;solo;y");
	for (uint32_t k = 1; k <= MODEL_HISTORY + 5; k++) {
		begin_sample(m, k);
		put(m, "a", 5);
		end_sample(m);
	}
	view_with(m, &v, GROUP_CALLER, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "solo")->group->example, x->id);
	ck_assert_ptr_eq(model_stack(m, x->id), x);
	ck_assert_ptr_null(model_stack(m, y->id));
	/* function groups keep none (there is one for every function): the group of y,
	 * its only stack, has none left, not one whose id went to another stack */
	view_with(m, &v, GROUP_FUNCTION, KEY_PAGES, 0);
	ck_assert_int_eq(must_row(m, &v, "y")->group->example, UINT32_MAX);
	ck_assert_int_eq(must_row(m, &v, "x")->group->example, x->id);
	view_free(&v);
	model_free(m);
}
END_TEST

START_TEST(test_forget_many)
{
	/* stacks that come and go in numbers: the tables stay right through removals
	 * (every stack found again by its frames or its handle), ids are reused */
	struct model *m = model_new();
	char f[64];
	const char *fr[3] = { "prep_new_page+0x17/0x43", "common+0x1/0x2", f };
	uint32_t n = 0;

	for (uint32_t k = 0; k < 3 * MODEL_HISTORY; k++) {
		/* 300 live: stacks k*50 .. k*50+299, half by handle */
		begin_sample(m, k);
		for (uint32_t i = k * 50; i < k * 50 + 300; i++) {
			snprintf(f, sizeof(f), "c%u+0x1/0x2", i);
			if (i % 2) {
				if (i >= k * 50 + 250 || k == 0)
					rec_quick(m, 100 + i, fr, 3, 0, 0);
				count_quick(m, 100 + i, 1 + i % 7);
			} else {
				rec_quick(m, 0, fr, 3, 1, 1 + i % 7);
			}
		}
		end_sample(m);
		/* every live stack once: none was made twice */
		n = 0;
		for (size_t id = 0; id < model_nstacks(m); id++) {
			const struct stack *st = model_stack(m, (uint32_t)id);

			if (st && st->s.now)
				n++;
		}
		ck_assert_uint_eq(n, 300);
		ck_assert_uint_le(model_nlive(m), 300 + 50 * MODEL_HISTORY);
	}
	/* the ids of forgotten stacks went to new ones */
	ck_assert_uint_le(model_nstacks(m), 300 + 50 * (MODEL_HISTORY + 1));
	model_free(m);
}
END_TEST

/* A sample of the churn: live stacks lo..lo+nlive-1 (by handle, frames from a small
 * set of real-looking functions), counts changing now and then. */
static void churn_sample(struct model *m, uint32_t k, uint32_t lo, uint32_t nlive,
			 uint32_t turn)
{
	static const char *const callers[] = { "ext4_da_write_begin", "alloc_skb_with_frags",
		"kmalloc_reserve", "__filemap_get_folio_mpol", "brd_submit_bio [brd]",
		"copy_process", "do_anonymous_page", "pipe_write" };
	char f1[64], f2[64], f3[64];
	const char *fr[4] = { "prep_new_page+0x17/0x43", f1, f2, f3 };

	begin_sample(m, k);
	for (uint32_t i = lo; i < lo + nlive; i++) {
		if (k == 0 || i >= lo + nlive - turn) {
			snprintf(f1, sizeof(f1), "%s+0x%x/0x200", callers[i % 8], 0x10 + i % 64);
			snprintf(f2, sizeof(f2), "%s+0x%x/0x200", callers[(i / 8) % 8],
				 0x10 + (i / 64) % 64);
			snprintf(f3, sizeof(f3), "%s+0x%x/0x200", callers[(i / 512) % 8],
				 0x10 + (i / 4096) % 64);
			rec_quick(m, 1 + i, fr, 4, 0, 0);
		}
		count_quick(m, 1 + i, 1 + (i % 13) + (k % 20 == i % 20 ? k : 0));
	}
	end_sample(m);
}

START_TEST(test_forget_memory_bounded)
{
	/* 2,000 samples, 200 stacks come and 200 go each: what the model holds stays
	 * bounded (it grows without end when gone stacks are kept) */
	struct model *m = model_new();
	size_t at100 = 0, at1000 = 0;

	for (uint32_t k = 0; k < 2000; k++) {
		churn_sample(m, k, 200 * k, 1000, 200);
		if (k + 1 == 100)
			at100 = model_mem_bytes(m);
		if (k + 1 == 1000)
			at1000 = model_mem_bytes(m);
	}
	ck_assert_msg(model_mem_bytes(m) <= at100 * 3 / 2,
		      "%zu bytes after 2000 samples, %zu after 100", model_mem_bytes(m), at100);
	ck_assert_msg(model_mem_bytes(m) <= at1000 * 11 / 10,
		      "%zu bytes after 2000 samples, %zu after 1000", model_mem_bytes(m), at1000);
	/* the live ones and those gone for less than the window */
	ck_assert_uint_le(model_nlive(m), 1000 + 200 * MODEL_HISTORY);
	model_free(m);
}
END_TEST

START_TEST(test_memory_per_stack)
{
	/* every count changing every sample: the history of a stack is its changes, a few
	 * bytes each, not a counter per sample of the window; with the whole-series chart
	 * of the stack and of the function group of its own frame (up to 256 bytes each) */
	struct model *m = model_new();
	size_t empty = model_mem_bytes(m), per;

	for (uint32_t k = 0; k < 2 * MODEL_HISTORY + 10; k++) {
		begin_sample(m, k);
		for (uint32_t i = 0; i < 4000; i++) {
			char f[32];
			const char *fr[3] = { "prep_new_page+0x17/0x43", "common+0x1/0x2", f };

			if (k == 0) {
				snprintf(f, sizeof(f), "f%u+0x1/0x2", i);
				rec_quick(m, 1 + i, fr, 3, 0, 0);
			}
			count_quick(m, 1 + i, 1000 + (i * 7 + k * 13) % 500);
		}
		end_sample(m);
	}
	per = (model_mem_bytes(m) - empty) / model_nlive(m);
	ck_assert_msg(per < 1536, "%zu bytes per stack", per);
	model_free(m);
}
END_TEST


/* ------------------------------------------------------------------ charts */

/* Feeds K samples of NS stacks (series_next()'s patterns; stack 5 comes at sample 300,
 * stack 6 jumps between 1 and nearly 2^63) and keeps every value, and the total's. */
enum { CH_NS = 7 };
struct chart_ref {
	int64_t *v[CH_NS], *total;
};

static void chart_feed(struct model *m, struct chart_ref *r, uint32_t K)
{
	static const char *const names[CH_NS] = { "a+0x1/0x2", "b+0x1/0x2", "c+0x1/0x2",
		"d+0x1/0x2", "e+0x1/0x2", "f+0x1/0x2", "g+0x1/0x2" };
	int64_t x[CH_NS] = { 5, 0, 7, 1, 9, 4, 1 };

	r->total = calloc(K, sizeof(int64_t));
	for (int i = 0; i < CH_NS; i++)
		r->v[i] = calloc(K, sizeof(int64_t));
	for (uint32_t k = 0; k < K; k++) {
		begin_sample(m, k);
		for (int i = 0; i < CH_NS; i++) {
			const char *fr[2] = { "prep_new_page+0x17/0x43", names[i] };
			uint32_t first = i == 5 ? 300 : 0;

			if (k < first)
				continue;
			if (k == first)
				feed_handle_rec(m, 100 + (uint64_t)i, fr, 2);
			x[i] = series_next(i == 4 ? 6 : i == 6 ? 4 : i, k, x[i]);
			if (x[i])
				count_handle(m, 100 + (uint64_t)i, (uint64_t)x[i]);
			r->v[i][k] = x[i];
			r->total[k] = sat_add(r->total[k], x[i]); /* as the model's */
		}
		end_sample(m);
	}
}

static void chart_ref_free(struct chart_ref *r)
{
	for (int i = 0; i < CH_NS; i++)
		free(r->v[i]);
	free(r->total);
}

static const struct counter *chart_row(const struct model *m, int i)
{
	for (size_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *st = model_stack(m, (uint32_t)id);

		if (st && st->handle == 100 + (uint64_t)i)
			return &st->s;
	}
	ck_abort_msg("no stack %d", i);
	return NULL;
}

/* Columns of a chart against every value: exact (aligned columns) or at least covering
 * them. */
static void ck_columns(const int64_t *v, uint32_t lo, uint32_t hi, int ncols,
		       const int64_t *cmin, const int64_t *cmax, int got, int exact,
		       const char *what)
{
	uint32_t n = hi - lo + 1;

	ck_assert_int_eq(got, (uint32_t)ncols < n ? ncols : (int)n);
	for (int c = 0; c < got; c++) {
		uint32_t a = lo + (uint32_t)((uint64_t)c * n / (uint32_t)got);
		uint32_t e = lo + (uint32_t)((uint64_t)(c + 1) * n / (uint32_t)got) - 1;
		int64_t mn = INT64_MAX, mx = INT64_MIN;

		for (uint32_t k = a; k <= e; k++) {
			mn = v[k] < mn ? v[k] : mn;
			mx = v[k] > mx ? v[k] : mx;
		}
		if (exact) {
			ck_assert_msg(cmin[c] == mn && cmax[c] == mx,
				      "%s, column %d (samples %u..%u): %lld..%lld, want %lld..%lld",
				      what, c, a, e, (long long)cmin[c], (long long)cmax[c],
				      (long long)mn, (long long)mx);
		} else {
			ck_assert_msg(cmin[c] <= mn && cmax[c] >= mx,
				      "%s, column %d: %lld..%lld does not cover %lld..%lld", what,
				      c, (long long)cmin[c], (long long)cmax[c], (long long)mn,
				      (long long)mx);
		}
	}
}

START_TEST(test_chart_exact)
{
	/* 4096 samples: columns of whole buckets (a row's 64 span 128 samples, fewer
	 * larger ones need more; the total's 1024 eight) are exactly the samples' smallest
	 * and largest, other columns cover them */
	enum { K = 4096 };
	struct model *m = model_new();
	struct chart_ref r;
	int64_t cmin[K], cmax[K];
	char what[64];
	int got;

	chart_feed(m, &r, K);
	for (int i = 0; i < CH_NS; i++) {
		const struct counter *s = chart_row(m, i);

		snprintf(what, sizeof(what), "stack %d", i);
		uint32_t span = model_chart_span(m, s);

		ck_assert_uint_le(span, 1024);
		for (int nc = 1; nc <= 64; nc *= 2) {
			got = model_chart(m, s, 0, K - 1, nc, cmin, cmax);
			ck_columns(r.v[i], 0, K - 1, nc, cmin, cmax, got,
				   i != 5 && (K / nc) % span == 0, what);
		}
		/* any columns cover their samples; past the last sample is the last */
		got = model_chart(m, s, 77, K + 50, 333, cmin, cmax);
		ck_columns(r.v[i], 77, K - 1, 333, cmin, cmax, got, 0, what);
		got = model_chart(m, s, 0, K - 1, K, cmin, cmax);
		ck_columns(r.v[i], 0, K - 1, K, cmin, cmax, got, 0, what);
	}
	ck_assert_uint_eq(model_chart_span(m, NULL), 8);
	for (int nc = 1; nc <= 512; nc *= 2) {
		got = model_chart_total(m, 0, K - 1, nc, cmin, cmax);
		ck_columns(r.total, 0, K - 1, nc, cmin, cmax, got, 1, "total");
	}
	chart_ref_free(&r);
	model_free(m);

	/* fewer samples than columns: one column a sample, exact */
	m = model_new();
	chart_feed(m, &r, 40);
	got = model_chart(m, chart_row(m, 1), 0, 39, 200, cmin, cmax);
	ck_columns(r.v[1], 0, 39, 200, cmin, cmax, got, 1, "short");
	got = model_chart_total(m, 0, 39, 200, cmin, cmax);
	ck_columns(r.total, 0, 39, 200, cmin, cmax, got, 1, "short total");
	chart_ref_free(&r);
	model_free(m);
}
END_TEST

/* The sum of rows as model_chart_sum() made it before it decoded into the sums: each
 * row's buckets read whole (trace_buckets()), rows of the same layout summed bucket by
 * bucket, each layout's sums then made columns (fewer than 512 layouts here). */
static int ref_chart_sum(const struct model *m, const struct counter *const *s, size_t n,
			 uint32_t lo, uint32_t hi, int ncols, int64_t *cmin, int64_t *cmax)
{
	enum { NL = 512 };
	static struct {
		uint32_t first, s0, next, nbk;
		unsigned shift;
		int64_t tail, mn[MODEL_CHART_BUCKETS + 1], mx[MODEL_CHART_BUCKETS + 1];
	} l[NL];
	struct trace_bucket b[MODEL_CHART_BUCKETS + 1];
	uint32_t span, nl = 0;
	int got;

	if (hi > model_nsamples(m) - 1)
		hi = (uint32_t)model_nsamples(m) - 1;
	span = hi - lo + 1;
	got = (uint32_t)ncols > span ? (int)span : ncols;
	for (size_t i = 0; i < n; i++) {
		uint32_t first = s[i]->first_seen, s0 = first, next = first, nbk = 0, k;
		unsigned shift = 0;

		if (s[i]->trace)
			nbk = trace_buckets(s[i]->trace, b, &s0, &shift, &next);
		for (k = 0; k < nl; k++)
			if (l[k].first == first && l[k].s0 == s0 && l[k].next == next &&
			    l[k].nbk == nbk && l[k].shift == shift)
				break;
		ck_assert_uint_lt(k, NL);
		if (k == nl) {
			memset(&l[k], 0, sizeof(l[k]));
			l[k].first = first, l[k].s0 = s0, l[k].next = next;
			l[k].nbk = nbk, l[k].shift = shift;
			nl++;
		}
		l[k].tail = sat_add(l[k].tail, s[i]->now);
		for (uint32_t j = 0; j < nbk; j++) {
			l[k].mn[j] = sat_add(l[k].mn[j], b[j].min);
			l[k].mx[j] = sat_add(l[k].mx[j], b[j].max);
		}
	}
	for (int c = 0; c < got; c++) {
		uint32_t a = lo + (uint32_t)((uint64_t)c * span / (uint32_t)got);
		uint32_t e = lo + (uint32_t)((uint64_t)(c + 1) * span / (uint32_t)got) - 1;

		cmin[c] = cmax[c] = 0;
		for (uint32_t k = 0; k < nl; k++) {
			int64_t mn = INT64_MAX, mx = INT64_MIN;

			if (e < l[k].first)
				continue;
			if (a < l[k].first)
				mn = mx = 0;
			for (uint32_t t = a; t <= e; t++) {
				uint32_t j;

				if (!l[k].nbk || t < l[k].s0 || t >= l[k].next)
					continue;
				j = (t - l[k].s0) >> l[k].shift;
				if (j >= l[k].nbk)
					continue;
				mn = l[k].mn[j] < mn ? l[k].mn[j] : mn;
				mx = l[k].mx[j] > mx ? l[k].mx[j] : mx;
			}
			if (e >= l[k].next) {
				mn = l[k].tail < mn ? l[k].tail : mn;
				mx = l[k].tail > mx ? l[k].tail : mx;
			}
			cmin[c] = sat_add(cmin[c], mn);
			cmax[c] = sat_add(cmax[c], mx);
		}
	}
	return got;
}

/* A trace fed as counter_push() feeds it (at each change: the old value up to the sample
 * before, the new one at it), against every sample: each bucket the smallest, largest and
 * last value of its span, the samples in up to the last one fed. Runs of 1 to 3,000 equal
 * samples, whole buckets of them written at once. */
START_TEST(test_trace_buckets_exact)
{
	enum { K = 5000 };
	static const unsigned every[] = { 1, 2, 7, 40, 300, 3000 };
	static int64_t v[K];
	struct trace_bucket b[MODEL_CHART_BUCKETS + 1];
	struct model *m = model_new();

	for (size_t e = 0; e < sizeof(every) / sizeof(every[0]); e++) {
		for (uint32_t first = 0; first < 3; first++) {
			struct trace *t = trace_new(m, first, MODEL_CHART_BUCKETS);
			uint32_t s0, next, n;
			unsigned shift;

			for (uint32_t k = first; k < K; k++) {
				uint64_t r = test_rand();

				v[k] = k == first || r % every[e] ? (k == first ? 5 : v[k - 1])
								 : (int64_t)(r >> 40) % 9;
				if (k > first && v[k] != v[k - 1]) {
					trace_add(m, &t, k - 1, v[k - 1]);
					trace_buckets(t, b, &s0, &shift, &next);
					ck_assert_msg(next == k,
						      "one change in %u, from %u: in up to %u, want %u",
						      every[e], first, next - 1, k - 1);
					trace_add(m, &t, k, v[k]);
				}
			}
			trace_add(m, &t, K - 1, v[K - 1]);
			n = trace_buckets(t, b, &s0, &shift, &next);
			ck_assert_uint_eq(s0, first);
			ck_assert_uint_eq(next, K);
			ck_assert_uint_eq(n, ((K - 1 - first) >> shift) + 1);
			for (uint32_t j = 0; j < n; j++) {
				uint32_t a = s0 + (j << shift), z = a + (1u << shift) - 1;
				int64_t mn = INT64_MAX, mx = INT64_MIN;

				if (z > K - 1)
					z = K - 1;
				for (uint32_t k = a; k <= z; k++) {
					mn = v[k] < mn ? v[k] : mn;
					mx = v[k] > mx ? v[k] : mx;
				}
				ck_assert_msg(b[j].min == mn && b[j].max == mx && b[j].last == v[z],
					      "one change in %u, from %u: bucket %u (samples %u..%u) %lld..%lld last %lld, want %lld..%lld last %lld",
					      every[e], first, j, a, z, (long long)b[j].min,
					      (long long)b[j].max, (long long)b[j].last, (long long)mn,
					      (long long)mx, (long long)v[z]);
			}
			trace_free(m, &t);
		}
	}
	model_free(m);
}
END_TEST

/* A trace's block grows when the bucket that closes does not fit, not while 32 bytes
 * (the most a bucket takes) are not free, and by 16 bytes: 62 closed buckets of a byte
 * each, 0 and 1 in turn, take a block of 112 bytes (its 48-byte head and 64 for the
 * buckets), not 128 or 160. */
START_TEST(test_trace_room)
{
	struct model *m = model_new();
	struct trace *t = trace_new(m, 0, MODEL_CHART_BUCKETS);
	struct trace_bucket b[MODEL_CHART_BUCKETS + 1];
	uint32_t s0, next;
	unsigned shift;

	for (uint32_t k = 0; k < 63; k++)
		trace_add(m, &t, k, k % 2);
	ck_assert_uint_eq(trace_buckets(t, b, &s0, &shift, &next), 63);
	ck_assert_uint_eq(shift, 0);
	ck_assert_uint_eq(m->trace_bytes, 112);
	trace_free(m, &t);
	model_free(m);
}
END_TEST

/* Traces of counts that step down by 20,000 every other sample: two buckets merged then
 * take more bytes than the two did (the step's difference, and the merged one's spread
 * besides), the block the trace is in grows or the trace merges again. Sixteen traces
 * fed in step, in the blocks of one slab: each holds every sample's value exactly. */
START_TEST(test_trace_merge_grows)
{
	enum { NT = 16, K = 3000 };
	static int64_t v[NT][K];
	struct trace_bucket b[MODEL_CHART_BUCKETS + 1];
	struct trace *t[NT];
	struct model *m = model_new();

	for (int i = 0; i < NT; i++) {
		t[i] = trace_new(m, 0, MODEL_CHART_BUCKETS);
		for (uint32_t k = 0; k < K; k++)
			v[i][k] = 1000000000 + 1000 * i - (int64_t)20000 * (int64_t)((k + 1) / 2);
	}
	for (uint32_t k = 1; k < K; k++)
		for (int i = 0; i < NT; i++)
			if (v[i][k] != v[i][k - 1]) {
				trace_add(m, &t[i], k - 1, v[i][k - 1]);
				trace_add(m, &t[i], k, v[i][k]);
			}
	for (int i = 0; i < NT; i++) {
		uint32_t s0, next, n;
		unsigned shift;

		trace_add(m, &t[i], K - 1, v[i][K - 1]);
		n = trace_buckets(t[i], b, &s0, &shift, &next);
		ck_assert_uint_eq(next, K);
		ck_assert_uint_eq(n, ((K - 1) >> shift) + 1);
		for (uint32_t j = 0; j < n; j++) {
			uint32_t a = j << shift, z = a + (1u << shift) - 1;

			if (z > K - 1)
				z = K - 1;
			/* falling: the first sample's value is the largest, the last's the least */
			ck_assert_msg(b[j].max == v[i][a] && b[j].min == v[i][z] && b[j].last == v[i][z],
				      "trace %d, bucket %u (samples %u..%u): %lld..%lld last %lld, want %lld..%lld",
				      i, j, a, z, (long long)b[j].min, (long long)b[j].max,
				      (long long)b[j].last, (long long)v[i][z], (long long)v[i][a]);
		}
	}
	for (int i = 0; i < NT; i++)
		trace_free(m, &t[i]);
	model_free(m);
}
END_TEST

/* A node over 3,000 stacks of 700 samples (some from later on, some never changing, a
 * few gone; some hundred layouts of buckets), summed at once and a slice at a time: the same columns as the sum read
 * whole. */
START_TEST(test_chart_sum_slices)
{
	enum { NS = 3000, K = 700 };
	struct model *m = model_new();
	static uint64_t x[NS];
	const struct counter **rows = calloc(NS, sizeof(*rows));
	static int64_t want_min[512], want_max[512], cmin[512], cmax[512];
	static const size_t slices[] = { 1, 7, 1000, NS };
	uint64_t seed = 13;
	size_t nr = 0;

	for (uint32_t k = 0; k < K; k++) {
		begin_sample(m, k);
		for (int i = 0; i < NS; i++) {
			char f[32];
			const char *fr[2] = { "prep_new_page+0x17/0x43", f };
			uint32_t first = (uint32_t)(i % 5 == 0 ? 100 + i % 3 * 250 : 0);

			if (k < first || (i % 11 == 0 && k > 500))
				continue;
			if (k == first) {
				snprintf(f, sizeof(f), "caller%d+0x1/0x2", i);
				feed_handle_rec(m, 1 + (uint64_t)i, fr, 2);
				x[i] = 1 + (uint64_t)i % 4096;
			}
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			if (i % 3 && (seed >> 33) % 4 == 0)
				x[i] = (seed >> 40) % 2 ? x[i] + 1 + x[i] / 16 : x[i] - x[i] / 16;
			count_handle(m, 1 + (uint64_t)i, x[i]);
		}
		end_sample(m);
	}
	for (size_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *st = model_stack(m, (uint32_t)id);

		if (st)
			rows[nr++] = &st->s;
	}
	ck_assert_uint_gt(nr, NS / 2);
	for (int nc = 1; nc <= 512; nc = nc * 3 + 1) {
		int got = ref_chart_sum(m, rows, nr, 0, K - 1, nc, want_min, want_max);

		for (size_t si = 0; si < ARRAY_SIZE(slices); si++) {
			struct chart_sum *cs = model_chart_sum_begin(m, 0, K - 1, nc);

			for (size_t i = 0; i < nr; i += slices[si])
				model_chart_sum_add(cs, rows + i, nr - i < slices[si] ? nr - i : slices[si]);
			ck_assert_int_eq(model_chart_sum_end(cs, cmin, cmax), got);
			for (int c = 0; c < got; c++)
				ck_assert_msg(cmin[c] == want_min[c] && cmax[c] == want_max[c],
					      "%d columns in slices of %zu, column %d: %lld..%lld, want %lld..%lld",
					      nc, slices[si], c, (long long)cmin[c], (long long)cmax[c],
					      (long long)want_min[c], (long long)want_max[c]);
		}
		ck_assert_int_eq(model_chart_sum(m, rows, nr, 0, K - 1, nc, cmin, cmax), got);
		ck_assert_mem_eq(cmin, want_min, (size_t)got * sizeof(*cmin));
		ck_assert_mem_eq(cmax, want_max, (size_t)got * sizeof(*cmax));
	}
	/* a window: the reference's own */
	{
		int got = ref_chart_sum(m, rows, nr, 123, K + 50, 77, want_min, want_max);

		ck_assert_int_eq(model_chart_sum(m, rows, nr, 123, K + 50, 77, cmin, cmax), got);
		ck_assert_mem_eq(cmin, want_min, (size_t)got * sizeof(*cmin));
		ck_assert_mem_eq(cmax, want_max, (size_t)got * sizeof(*cmax));
	}
	/* nothing to fill: no sum */
	ck_assert_ptr_null(model_chart_sum_begin(m, 10, 5, 20));
	ck_assert_int_eq(model_chart_sum_end(NULL, cmin, cmax), 0);
	free(rows);
	model_free(m);
}
END_TEST

/* The chart of a sum of rows (a tree's node): its columns cover the sum's values, no wider
 * than the rows' own columns added; one column a sample of rows that never merged is
 * exact. */
START_TEST(test_chart_sum)
{
	enum { K = 4096 };
	struct model *m = model_new();
	struct chart_ref r;
	const struct counter *rows[CH_NS];
	int nr = 0;
	static int64_t sum[K], cmin[K], cmax[K], one_min[K], one_max[K], add_min[K], add_max[K];
	int got;

	chart_feed(m, &r, K);
	/* the rows of page counts (the others test the extremes of 64 bits) */
	for (int i = 0; i < CH_NS; i++) {
		int small = 1;

		for (uint32_t k = 0; k < K; k++)
			small &= r.v[i][k] > -(1LL << 40) && r.v[i][k] < (1LL << 40);
		if (small)
			rows[nr++] = chart_row(m, i);
	}
	ck_assert_int_ge(nr, 3);
	for (uint32_t k = 0; k < K; k++) {
		sum[k] = 0;
		for (int i = 0; i < CH_NS; i++)
			for (int j = 0; j < nr; j++)
				if (rows[j] == chart_row(m, i))
					sum[k] += r.v[i][k];
	}
	for (int nc = 1; nc <= K; nc *= 4) {
		got = model_chart_sum(m, rows, (size_t)nr, 0, K - 1, nc, cmin, cmax);
		ck_columns(sum, 0, K - 1, nc, cmin, cmax, got, 0, "sum");
		memset(add_min, 0, sizeof(add_min));
		memset(add_max, 0, sizeof(add_max));
		for (int i = 0; i < nr; i++) {
			model_chart(m, rows[i], 0, K - 1, nc, one_min, one_max);
			for (int c = 0; c < got; c++) {
				add_min[c] += one_min[c];
				add_max[c] += one_max[c];
			}
		}
		for (int c = 0; c < got; c++) {
			ck_assert_int_ge(cmin[c], add_min[c]);
			ck_assert_int_le(cmax[c], add_max[c]);
		}
	}
	/* a window, past the end */
	got = model_chart_sum(m, rows, (size_t)nr, 100, K + 10, 77, cmin, cmax);
	ck_columns(sum, 100, K - 1, 77, cmin, cmax, got, 0, "sum window");
	/* no rows: zeros */
	got = model_chart_sum(m, rows, 0, 0, K - 1, 10, cmin, cmax);
	ck_assert_int_eq(got, 10);
	ck_assert_int_eq(cmin[3], 0);
	ck_assert_int_eq(cmax[3], 0);
	chart_ref_free(&r);
	model_free(m);

	/* 40 samples: no bucket merged, one column a sample is the sum itself */
	m = model_new();
	chart_feed(m, &r, 40);
	nr = 0;
	for (int i = 0; i < CH_NS; i++) {
		int small = 1;

		for (uint32_t k = 0; k < 40; k++)
			small &= r.v[i][k] > -(1LL << 40) && r.v[i][k] < (1LL << 40);
		if (small && i != 5) { /* 5 starts at sample 300 */
			rows[nr++] = chart_row(m, i);
			for (uint32_t k = 0; k < 40; k++)
				sum[k] = (nr == 1 ? 0 : sum[k]) + r.v[i][k];
		}
	}
	got = model_chart_sum(m, rows, (size_t)nr, 0, 39, 200, cmin, cmax);
	ck_columns(sum, 0, 39, 200, cmin, cmax, got, 1, "sum of 40");
	chart_ref_free(&r);
	model_free(m);
}
END_TEST

START_TEST(test_chart_memory_bounded)
{
	/* 100,000 samples: the charts' memory stops at their buckets */
	enum { K = 100000 };
	struct model *m = model_new();
	struct chart_ref r;
	static int64_t cmin[1000], cmax[1000];
	/* a row's trace is a block of 256 bytes at most; the total's buckets take 32 bytes
	 * at most, its buffer half as much again */
	size_t at_half = 0, bound = (size_t)CH_NS * 256 +
				    64 + 48 * (MODEL_CHART_TOTAL_BUCKETS + 1);
	int got;

	chart_feed(m, &r, K / 2);
	at_half = model_chart_bytes(m);
	chart_ref_free(&r);
	model_free(m);
	m = model_new();
	chart_feed(m, &r, K);
	ck_assert_msg(model_chart_bytes(m) <= bound, "%zu bytes, at most %zu",
		      model_chart_bytes(m), bound);
	ck_assert_msg(model_chart_bytes(m) <= at_half * 2, "%zu bytes, %zu at half",
		      model_chart_bytes(m), at_half);
	for (int i = 0; i < CH_NS; i++) {
		got = model_chart(m, chart_row(m, i), 0, K - 1, 1000, cmin, cmax);
		ck_columns(r.v[i], 0, K - 1, 1000, cmin, cmax, got, 0, "100k");
	}
	got = model_chart_total(m, 0, K - 1, 1000, cmin, cmax);
	ck_columns(r.total, 0, K - 1, 1000, cmin, cmax, got, 0, "100k total");
	chart_ref_free(&r);
	model_free(m);
}
END_TEST

/* Rows whose traces sit among those of many stacks that went: once those are forgotten
 * their memory goes back (the rows that stay move), and the rows' charts are those of
 * the same rows in a model that never had the others. */
static void slabs_sample(struct model *m, uint32_t k, int others)
{
	enum { KEPT = 300, GONE = 12000 };
	const char *fr[2] = { "prep_new_page+0x17/0x43", "row+0x1/0x2" };

	begin_sample(m, k);
	for (uint64_t i = 0; i < KEPT + (others ? GONE : 0); i++) {
		uint64_t h = i < KEPT ? 100 + i : 1000000 + i;

		if (k == 0)
			feed_handle_rec(m, h, fr, 2);
		if (i < KEPT)
			count_handle(m, h, 1 + (k * (i + 3) + i) % 50);
		else if (k < 70)
			count_handle(m, h, 1 + (k * 7 + i) % 13);
	}
	end_sample(m);
}

START_TEST(test_chart_slabs_given_back)
{
	enum { K = 200 };
	struct model *a = model_new(), *b = model_new();
	static int64_t amin[200], amax[200], bmin[200], bmax[200];
	size_t peak = 0, gone_traces = 0, nspare;

	for (uint32_t k = 0; k < K; k++) {
		slabs_sample(a, k, 0);
		slabs_sample(b, k, 1);
		if (k == 69) {
			peak = model_mem_bytes(b);
			gone_traces = model_chart_bytes(b) - model_chart_bytes(a);
		}
	}
	ck_assert_uint_eq(model_nlive(b), model_nlive(a)); /* the others were forgotten */
	ck_assert_uint_ge(gone_traces, 12000 * 128);
	ck_assert_msg(model_mem_bytes(b) + gone_traces <= peak,
		      "%zu bytes after, %zu at the peak, %zu of traces gone", model_mem_bytes(b),
		      peak, gone_traces);
	/* the slabs given back have no pages */
	ck_assert_uint_eq(trace_spare_resident(b, &nspare), 0);
	ck_assert_uint_ge(nspare * 128 * 1024, gone_traces / 2);
	for (int i = 0; i < 300; i++) {
		const struct counter *sa = NULL, *sb = NULL;

		for (size_t id = 0; id < model_nstacks(a); id++)
			if (model_stack(a, (uint32_t)id) && model_stack(a, (uint32_t)id)->handle ==
								    100 + (uint64_t)i)
				sa = &model_stack(a, (uint32_t)id)->s;
		for (size_t id = 0; id < model_nstacks(b); id++)
			if (model_stack(b, (uint32_t)id) && model_stack(b, (uint32_t)id)->handle ==
								    100 + (uint64_t)i)
				sb = &model_stack(b, (uint32_t)id)->s;
		ck_assert_ptr_nonnull(sa);
		ck_assert_ptr_nonnull(sb);
		for (int nc = 7; nc <= 200; nc *= 3) {
			int ga = model_chart(a, sa, 0, K - 1, nc, amin, amax);
			int gb = model_chart(b, sb, 0, K - 1, nc, bmin, bmax);

			ck_assert_int_eq(ga, gb);
			ck_assert_mem_eq(amin, bmin, (size_t)ga * sizeof(int64_t));
			ck_assert_mem_eq(amax, bmax, (size_t)ga * sizeof(int64_t));
		}
	}
	model_free(a);
	model_free(b);
}
END_TEST

/* A recording in which stacks change, go, come back after the model forgot them, and
 * share their frames with others (twins, summed as one stack), over three history
 * windows. Odd ones (frame fnN with N odd, no twin) do not come back. */
static char *changes_recording(const char *dir)
{
	enum { NID = 120, K = 3 * MODEL_HISTORY + 17 };
	char *path = path_join(dir, "changes.ptrec"), *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint64_t cur[NID + 1] = { 0 }, rng = 17;
	int defined[NID + 1] = { 0 }, nid = 0; /* file ids go in order of definition */

	fprintf(f, "#pagetop-recording 2\nmeta source folder\nmeta iface show_stacks\n"
		   "meta unit pages\nmeta page-size 4096\n");
	for (int k = 0; k < K; k++) {
		uint64_t next[NID + 1];
		int n = 0;

		for (int i = 1; i <= NID; i++) {
			unsigned r;

			next[i] = cur[i];
			if (k < (i > 40 ? i * 7 % 200 : 0))
				continue;
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			r = (unsigned)(rng >> 33) % 1000;
			if (!cur[i] && defined[i] && (r >= 10 || i % 2))
				continue; /* gone: back one time in a hundred when even */
			if (!defined[i] || r < 120)
				next[i] = r < 40 && defined[i] ? 0 : 1 + (rng >> 40) % 500;
			if (next[i] && !defined[i]) {
				defined[i] = ++nid;
				fprintf(f, "s %d 0 2\nf prep_new_page+0x17/0x43\nf fn%d+0x1/0x2\n",
					nid, i % 2 ? 1000 + i : i % 50);
			}
		}
		fprintf(f, "t %d %d.000000 0\n", k, 100 + k);
		for (int i = 1; i <= NID; i++)
			if (next[i] != cur[i]) {
				fprintf(f, "c %d %llu\n", defined[i], (unsigned long long)next[i]);
				cur[i] = next[i];
				n++;
			}
		fprintf(f, "e %d %d\n", k, n);
	}
	fprintf(f, "end %d\n", K);
	fclose(f);
	write_str(path, text);
	free(text);
	return path;
}

static void counters_eq(const struct model *a, const struct model *b, const struct counter *x,
			const struct counter *y, const char *what, uint32_t k)
{
	int64_t hx[MODEL_HISTORY], hy[MODEL_HISTORY];
	int nx = model_history(a, x, hx, MODEL_HISTORY), ny = model_history(b, y, hy, MODEL_HISTORY);

	ck_assert_msg(x->now == y->now && x->base == y->base && x->peak == y->peak &&
		      x->delta == y->delta && x->delta_base == y->delta_base &&
		      x->rate == y->rate && x->first_seen == y->first_seen &&
		      x->last_changed == y->last_changed && x->score == y->score &&
		      x->score_until == y->score_until && x->first_value == y->first_value &&
		      x->calls == y->calls,
		      "%s at sample %u: now %lld/%lld delta %lld/%lld score %g/%g", what, k,
		      (long long)x->now, (long long)y->now, (long long)x->delta,
		      (long long)y->delta, x->score, y->score);
	ck_assert_int_eq(nx, ny);
	ck_assert_msg(memcmp(hx, hy, (size_t)nx * sizeof(*hx)) == 0, "%s history at sample %u",
		      what, k);
}

static void models_eq(const struct model *a, const struct model *b, uint32_t k)
{
	char what[64];

	ck_assert_uint_eq(model_nstacks(a), model_nstacks(b));
	ck_assert_uint_eq(model_nlive(a), model_nlive(b));
	ck_assert_int_eq(model_total_pages(a), model_total_pages(b));
	for (uint32_t i = 0; i < model_nstacks(a); i++) {
		const struct stack *x = model_stack(a, i), *y = model_stack(b, i);

		snprintf(what, sizeof(what), "stack %u", i);
		ck_assert_msg(!x == !y, "%s at sample %u: forgotten in one model only", what, k);
		if (x)
			counters_eq(a, b, &x->s, &y->s, what, k);
	}
	for (int g = 1; g < GROUP__N; g++) {
		ck_assert_uint_eq(a->ngroups[g], b->ngroups[g]);
		for (size_t i = 0; i < a->ngroups[g]; i++) {
			snprintf(what, sizeof(what), "group %d/%zu", g, i);
			counters_eq(a, b, &a->groups[g][i].s, &b->groups[g][i].s, what, k);
		}
	}
}

static int gone_for_good(const struct model *m, uint32_t id)
{
	const struct stack *st = model_stack(m, id);
	const char *f;

	if (!st || st->s.now || st->nframes != 2)
		return 0;
	f = model_frame(m, st->frames[1]);
	return strncmp(f, "fn", 2) == 0 && atoi(f + 2) % 2;
}

/* A recording replayed with samples of changes only (what the model's sink takes) and
 * with every stack in every sample: every stack's counters, score and history are the
 * same at every sample, a pinned stack at 0 is kept, and forgetting hands out the same
 * ids. */
static void changes_match(const char *path, int groups)
{
	struct model *a = model_new(), *b = model_new();
	struct sink sa = model_sink(a), sb = model_sink(b);
	struct sink_ops every = *sb.ops;
	struct source *s1, *s2;
	struct source_opts so;
	struct pt_err err;
	enum src_status st;
	const struct stack *pa = NULL, *pb = NULL;
	struct replay_tape *ta = replay_tape_new(), *tb = replay_tape_new();
	struct replay ra, rb;
	uint32_t k = 0;

	every.take_changes = 0;
	sb.ops = &every;
	if (!groups) {
		/* a group keeps its last stack as its example: nothing goes */
		model_groups_off(a);
		model_groups_off(b);
	}
	source_opts_init(&so);
	ck_assert_msg(source_open(&s1, &path, 1, &so, &err) == 0, "%s", err.msg);
	ck_assert_msg(source_open(&s2, &path, 1, &so, &err) == 0, "%s", err.msg);
	while ((st = source_next(s1, &sa, -1, &err)) == SRC_SAMPLE) {
		ck_assert_int_eq(source_next(s2, &sb, -1, &err), SRC_SAMPLE);
		ck_assert_int_eq(b->chg.ready, 0);
		models_eq(a, b, k);
		replay_tape_add(ta, a);
		replay_tape_add(tb, b);
		if (k == 150)
			for (uint32_t i = 0; i < model_nstacks(a) && !pa; i++)
				if (gone_for_good(a, i)) {
					model_pin(a, pa = model_stack(a, i));
					model_pin(b, pb = model_stack(b, i));
				}
		if (k == 300 && pa) {
			/* kept past its history window */
			ck_assert(model_stack(a, pa->id) == pa && model_stack(b, pb->id) == pb);
			ck_assert_uint_ge(k - pa->s.last_changed, MODEL_HISTORY);
			model_unpin(a, pa);
			model_unpin(b, pb);
		}
		k++;
	}
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	ck_assert_int_eq(source_next(s2, &sb, -1, &err), SRC_END);
	ck_assert_int_eq(a->chg.ready, k > 1); /* the changes were looked at alone */
	ck_assert(!pa || groups || !model_stack(a, pa->id)); /* forgotten once let go */
	/* the tape of the changes looked at has what that of every stack has */
	ck_assert_uint_eq(replay_tape_bytes(ta), replay_tape_bytes(tb));
	replay_init(&ra, NULL, 0);
	replay_init(&rb, NULL, 0);
	for (uint32_t j = 0; j < k; j += 37) {
		ck_assert_int_eq(replay_advance(&ra, ta, a, j, 0, &err), 0);
		ck_assert_int_eq(replay_advance(&rb, tb, b, j, 0, &err), 0);
		models_eq(ra.m, rb.m, j);
	}
	replay_free(&ra);
	replay_free(&rb);
	replay_tape_free(ta);
	replay_tape_free(tb);
	source_close(s1);
	source_close(s2);
	model_free(a);
	model_free(b);
}

START_TEST(test_changes_only)
{
	char *dir = tmpdir_new(), *path = changes_recording(dir);

	changes_match(path, 1);
	changes_match(path, 0);
	changes_match(TD("lab.ptrec.xz"), 1);
	free(path);
	tmpdir_free(dir);
}
END_TEST

/* A replay built from the tape equals the model fed from the files directly. */
START_TEST(test_replay_matches)
{
	const char *path = TD("demo");
	struct model *full = model_new(), *part = model_new();
	struct source *src;
	struct source_opts so;
	struct sink sink = model_sink(full), psink = model_sink(part);
	struct pt_err err;
	struct replay_tape *tp = replay_tape_new();
	struct replay r;
	struct view v1, v2;
	struct view_opts vo;
	int k = 0;

	source_opts_init(&so);
	ck_assert_int_eq(source_open(&src, &path, 1, &so, &err), 0);
	while (source_next(src, &sink, -1, &err) == SRC_SAMPLE)
		replay_tape_add(tp, full);
	source_close(src);
	ck_assert_int_eq(source_open(&src, &path, 1, &so, &err), 0);
	while (k++ < 41 && source_next(src, &psink, -1, &err) == SRC_SAMPLE)
		;
	source_close(src);
	model_set_baseline(part); /* at sample 40, as the replay will */
	replay_init(&r, NULL, 0);
	ck_assert_int_eq(replay_advance(&r, tp, full, 20, 0, &err), 0);
	ck_assert_int_eq(replay_advance(&r, tp, full, 40, 40, &err), 0);
	ck_assert_uint_eq(model_nsamples(r.m), 41);
	view_opts_init(&vo);
	vo.key = KEY_SCORE;
	view_init(&v1);
	view_init(&v2);
	model_view(part, &vo, &v1);
	model_view(r.m, &vo, &v2);
	ck_assert_uint_eq(v1.nrows, v2.nrows);
	ck_assert_int_eq(v1.total_pages, v2.total_pages);
	for (size_t i = 0; i < v1.nrows; i++) {
		ck_assert_int_eq(v1.rows[i].s->now, v2.rows[i].s->now);
		ck_assert_int_eq(v1.rows[i].s->delta_base, v2.rows[i].s->delta_base);
		ck_assert_int_eq(v1.rows[i].s->peak, v2.rows[i].s->peak);
		ck_assert(fabs(v1.rows[i].s->score - v2.rows[i].s->score) < 1e-9);
		ck_assert_str_eq(model_label(part, v1.rows[i].label), model_label(r.m, v2.rows[i].label));
	}
	ck_assert_uint_lt(replay_tape_bytes(tp), 256 * 1024);
	view_free(&v1);
	view_free(&v2);
	replay_free(&r);
	replay_tape_free(tp);
	model_free(full);
	model_free(part);
}
END_TEST

/* A row over the tape: its stacks picked by the label their frames give. */
struct tape_label {
	const struct model *m;
	enum group_mode g;
	uint32_t label;
};

static int tape_label_match(void *ctx, uint64_t handle, const uint32_t *frames, unsigned n)
{
	const struct tape_label *tl = ctx;

	(void)handle;
	for (unsigned i = 0; i < (tl->g == GROUP_FUNCTION ? n : 1); i++)
		if (model_frames_label(tl->m, frames, n, tl->g, i) == tl->label)
			return 1;
	return 0;
}

/* Every row of every group mode over the whole tape: its count now and its peak are the
 * model's; the labels of frames are those of the stacks. */
START_TEST(test_tape_row)
{
	const char *path = TD("demo");
	struct model *m = model_new();
	struct source *src;
	struct source_opts so;
	struct sink sink = model_sink(m);
	struct pt_err err;
	struct replay_tape *tp = replay_tape_new();
	struct view v;
	struct view_opts vo;
	int64_t out[90];

	source_opts_init(&so);
	ck_assert_int_eq(source_open(&src, &path, 1, &so, &err), 0);
	while (source_next(src, &sink, -1, &err) == SRC_SAMPLE)
		replay_tape_add(tp, m);
	source_close(src);
	ck_assert_uint_eq(replay_tape_len(tp), 90);
	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		if (!st)
			continue;
		for (int g = GROUP_CALLER; g < GROUP__N; g++)
			for (unsigned f = 0; f < (g == GROUP_FUNCTION ? st->nframes : 1u); f++)
				ck_assert_uint_eq(model_frames_label(m, st->frames, st->nframes, g, f),
						  model_group_label(m, st, g, f));
	}
	view_opts_init(&vo);
	view_init(&v);
	/* files and directories are allocinfo's: page_owner's stacks are in none */
	for (int g = GROUP_CALLER; g < GROUP__N; g++) {
		vo.group = (enum group_mode)g;
		model_view(m, &vo, &v);
		if (g == GROUP_FILE || g == GROUP_DIR) {
			ck_assert_uint_eq(v.nrows, 0);
			continue;
		}
		ck_assert_uint_gt(v.nrows, 1);
		for (size_t i = 0; i < v.nrows; i++) {
			struct tape_label tl = { m, (enum group_mode)g, v.rows[i].label };
			int64_t peak = 0;

			replay_tape_row(tp, tape_label_match, &tl, out);
			for (int j = 0; j < 90; j++)
				peak = out[j] > peak ? out[j] : peak;
			ck_assert_int_eq(out[89], v.rows[i].s->now);
			ck_assert_int_eq(peak, v.rows[i].s->peak);
		}
	}
	view_free(&v);
	replay_tape_free(tp);
	model_free(m);
}
END_TEST

/* xhuge_realloc() keeps what was there and gives zeros after it, across the 2 MiB step
 * from populated small pages to huge ones, from huge ones to more, and a size that stays
 * within its mapping; from 2 MiB on the mapping starts on a 2 MiB boundary, where huge
 * pages can be */
START_TEST(test_huge_realloc)
{
	size_t sizes[] = { 1000, 1001, 30000, 600000, 3000000, 3000001, 5000000 }, had = 0;
	uint32_t *p = NULL;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		size_t n = sizes[k];

		p = xhuge_realloc(p, had, n, sizeof(*p));
		ck_assert_ptr_nonnull(p);
		if (n * sizeof(*p) >= 2u << 20)
			ck_assert_uint_eq((uintptr_t)p % (2u << 20), 0);
		for (size_t i = 0; i < had; i++)
			ck_assert_uint_eq(p[i], (uint32_t)(i * 2654435761u));
		for (size_t i = had; i < n; i++) {
			ck_assert_uint_eq(p[i], 0);
			p[i] = (uint32_t)(i * 2654435761u);
		}
		had = n;
	}
	xhuge_free(p, had * sizeof(*p));
}
END_TEST

/* A naive case-insensitive search, to check mem_has_text() against. */
static int naive_has(const char *h, size_t len, const char *t)
{
	size_t n = strlen(t);

	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;

		while (k < n && tolower((unsigned char)h[i + k]) == tolower((unsigned char)t[k]))
			k++;
		if (k == n)
			return 1;
	}
	return !n;
}

/* mem_has_text() finds a text in any case wherever it lies (in a step of 16 places, across
 * two, at the very end of the bytes, NULs between texts), and no further than len. */
START_TEST(test_mem_has_text)
{
	static const char *const texts[] = { "a", "ab", "AB", "fn5_3x", "x+0x1", "zz", "_3",
					     "callER4999+", "0x", "0b", "qq", "qqq", "Aqqq" };
	char hay[80], *exact;
	unsigned seed = 7;
	int hits = 0;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(seed % 70);

		for (size_t i = 0; i < len; i++) {
			static const char alpha[] = "abAB_0x35fnFN+\0cqQ";

			seed = seed * 1103515245u + 12345u;
			hay[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		hay[len] = 'q'; /* past len: never found there */
		hay[len + 1] = 'q';
		seed = seed * 1103515245u + 12345u;
		/* and in a buffer of len bytes: the sanitizers see a read past it */
		exact = xmalloc(len ? len : 1);
		memcpy(exact, hay, len);
		for (size_t k = 0; k < ARRAY_SIZE(texts); k++) {
			int want = naive_has(hay, len, texts[k]);

			hits += want;
			ck_assert_msg(mem_has_text(hay, len, texts[k]) == want, "%s in %.*s",
				      texts[k], (int)len, hay);
			ck_assert_int_eq(mem_has_text(exact, len, texts[k]), want);
		}
		free(exact);
	}
	ck_assert_int_gt(hits, 20000);
	/* at the end of a long run of bytes, in another case */
	memset(hay, 'a', sizeof(hay));
	memcpy(hay + 70, "CaLLer49", 8);
	ck_assert(mem_has_text(hay, 78, "caller49"));
	ck_assert(!mem_has_text(hay, 77, "caller49"));
	ck_assert(mem_has_text(hay, 78, "aC"));
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc;

	tc = tcase_new("identity");
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_huge_realloc);
	tcase_add_test(tc, test_mem_has_text);
	tcase_add_test(tc, test_identity_offsets_and_last_frame);
	tcase_add_test(tc, test_identity_many);
	tcase_add_test(tc, test_model_expect);
	tcase_add_test(tc, test_handles_keep_first_text);
	tcase_add_test(tc, test_frame_keys);
	tcase_add_test(tc, test_handles_count_before_frames);
	tcase_add_test(tc, test_handles_many);
	suite_add_tcase(s, tc);

	tc = tcase_new("counters");
	tcase_add_test(tc, test_deltas_rate_peak);
	tcase_add_test(tc, test_baseline);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_history_long);
	tcase_add_test(tc, test_history_exact);
	tcase_add_test(tc, test_meta_copied);
	suite_add_tcase(s, tc);

	tc = tcase_new("forgetting");
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_forget_group_example);
	tcase_add_test(tc, test_forget_many);
	tcase_add_test(tc, test_forget_memory_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_new("memory");
	tcase_add_test(tc, test_memory_per_stack);
	suite_add_tcase(s, tc);

	tc = tcase_new("charts");
	tcase_add_test(tc, test_chart_exact);
	tcase_add_test(tc, test_chart_sum);
	tcase_add_test(tc, test_chart_sum_slices);
	tcase_add_test(tc, test_trace_buckets_exact);
	tcase_add_test(tc, test_trace_merge_grows);
	tcase_add_test(tc, test_trace_room);
	tcase_add_test(tc, test_chart_memory_bounded);
	tcase_add_test(tc, test_chart_slabs_given_back);
	suite_add_tcase(s, tc);

	tc = tcase_new("score");
	tcase_add_test(tc, test_score_ranks);
	tcase_add_test(tc, test_score_details);
	tcase_add_test(tc, test_score_held);
	suite_add_tcase(s, tc);

	tc = tcase_new("groups");
	tcase_add_test(tc, test_caller);
	tcase_add_test(tc, test_apart);
	tcase_add_test(tc, test_apart_alone);
	tcase_add_test(tc, test_apart_follow);
	tcase_add_test(tc, test_apart_rows);
	tcase_add_test(tc, test_apart_rows_reused);
	tcase_add_test(tc, test_apart_rows_split);
	tcase_add_test(tc, test_apart_scan_halves);
	tcase_add_test(tc, test_apart_want);
	tcase_add_test(tc, test_apart_look);
	tcase_add_test(tc, test_apart_split_ahead);
	tcase_add_test(tc, test_alloc_patterns);
	tcase_add_test(tc, test_group_caller_module);
	tcase_add_test(tc, test_group_function);
	tcase_add_test(tc, test_groups_off);
	tcase_add_test(tc, test_groups_late);
	tcase_add_test(tc, test_group_sums_kept);
	tcase_add_test(tc, test_group_example_recount);
	tcase_add_test(tc, test_group_example_one_mode);
	tcase_add_test(tc, test_group_function_from_start);
	tcase_add_test(tc, test_group_names);
	tcase_add_test(tc, test_allocinfo_groups);
	suite_add_tcase(s, tc);

	tc = tcase_new("views");
	tcase_add_test(tc, test_sort_every_key);
	tcase_add_test(tc, test_sort_groups);
	tcase_add_test(tc, test_sort_limit);
	tcase_add_test(tc, test_sort_mixed);
	tcase_add_test(tc, test_stack_index);
	tcase_add_test(tc, test_sort_near);
	tcase_add_test(tc, test_sort_reverse_ties);
	tcase_add_test(tc, test_sort_top_only);
	tcase_add_test(tc, test_threshold);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_filter_bad);
	suite_add_tcase(s, tc);

	tc = tcase_new("special");
	tcase_add_test(tc, test_special);
	tcase_add_test(tc, test_blocks);
	suite_add_tcase(s, tc);

	tc = tcase_new("real");
	tcase_add_test(tc, test_blocks_real_dump);
	tcase_add_test(tc, test_demo_brd_leak);
	tcase_add_test(tc, test_replay_matches);
	tcase_add_test(tc, test_changes_only);
	tcase_add_test(tc, test_tape_row);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(model_suite());
}
