/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_churn.c - stacks that come and go, end to end: through the live source on fake
 * debugfs trees (the model forgets a stack gone for its history window, and a handle it
 * forgot is defined again when its pages come back), and through a recording written
 * and replayed. The memory the model accounts for stays bounded over long runs. */
#include "config.h"

#include "output_recording.h"
#include "source_live.h"
#include "testutil.h"
#include "model_replay.h"
#include "model_int.h"

#define WAIT_MS 10000

static char *root;

static void setup(void)
{
	root = tmpdir_new();
}

static void teardown(void)
{
	tmpdir_free(root);
	root = NULL;
}

/* In place (same inode): the live source keeps its files open. */
static void put(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);

	write_str(p, text);
	free(p);
}

/* A fake debugfs: page_owner_stacks/ with show_stacks, count_threshold and, for the
 * 6.19+ layout, show_handles and show_stacks_handles. Returns the debugfs path; *pos the
 * page_owner_stacks folder (both malloc'ed). */
static char *tree(int handles, char **pos)
{
	char *d = path_join(root, "debug");

	ck_assert_int_eq(mkdir(d, 0700), 0);
	*pos = path_join(d, "page_owner_stacks");
	ck_assert_int_eq(mkdir(*pos, 0755), 0);
	put(*pos, "show_stacks", "");
	put(*pos, "count_threshold", "0\n");
	if (handles) {
		put(*pos, "show_handles", "");
		put(*pos, "show_stacks_handles", "");
	}
	return d;
}

static struct source *open_live(const char *dir)
{
	struct source *s;
	struct source_opts o;
	struct pt_err err;

	source_opts_init(&o);
	o.debugfs = dir;
	o.interval = 3600; /* a tick when the test asks (live_refresh) */
	ck_assert_msg(source_open(&s, NULL, 0, &o, &err) == 0, "%s", err.msg);
	return s;
}

/* One tick of the source into the model. */
static void tick(struct source *s, struct model *m)
{
	struct sink snk = model_sink(m);
	struct pt_err err;
	enum src_status st;

	ck_assert_int_eq(live_refresh(s), 0);
	st = source_next(s, &snk, WAIT_MS, &err);
	ck_assert_msg(st == SRC_SAMPLE, "expected a sample, got %d: %s", st,
		      st == SRC_ERROR ? err.msg : "");
}

static const struct stack *by_handle(const struct model *m, uint64_t h)
{
	for (size_t id = 0; id < model_nstacks(m); id++)
		if (model_stack(m, (uint32_t)id) && model_stack(m, (uint32_t)id)->handle == h)
			return model_stack(m, (uint32_t)id);
	return NULL;
}

/* The model forgets a stack gone for the whole history window; the kernel keeps its
 * handle, and when pages come back under it the source defines it again (its frames
 * from show_stacks_handles): not a stack without frames. */
START_TEST(handles_forgotten)
{
	struct model *m = model_new();
	char *pos, *d = tree(1, &pos);
	struct source *s;
	const struct stack *st;
	struct live_stats ls;

	/* one caller: the group's largest stack (which stays) is the one that stays */
	put(pos, "show_stacks_handles",
	    " prep_new_page+0x17/0x43\n caller+0x10/0x80\n comes_back+0x10/0x20 [mod]\n"
	    "handle: 5242881\n\n"
	    " prep_new_page+0x17/0x43\n caller+0x10/0x80\n stays+0x10/0x20\nhandle: 7340033\n\n"
	    " register_dummy_stack+0x23/0x3e\n init_page_owner+0x24/0x237\nhandle: 1\n\n");
	put(pos, "show_handles",
	    "handle: 7340033\nnr_base_pages: 10\n\nhandle: 5242881\nnr_base_pages: 3\n\n");
	s = open_live(d);
	tick(s, m);
	ck_assert_uint_eq(by_handle(m, 5242881)->nframes, 3);
	/* its pages go: forgotten after the window, and the source is told */
	put(pos, "show_handles", "handle: 7340033\nnr_base_pages: 10\n\n");
	for (int k = 0; k < MODEL_HISTORY + 2; k++)
		tick(s, m);
	ck_assert_ptr_null(by_handle(m, 5242881));
	ck_assert_ptr_nonnull(by_handle(m, 7340033));
	/* pages again: defined again, with its frames */
	put(pos, "show_handles",
	    "handle: 7340033\nnr_base_pages: 10\n\nhandle: 5242881\nnr_base_pages: 8\n\n");
	tick(s, m);
	live_get_stats(s, &ls);
	ck_assert_uint_eq(ls.new_stacks_last, 1);
	st = by_handle(m, 5242881);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(st->nframes, 3);
	ck_assert_str_eq(model_frame(m, st->frames[2]), "comes_back+0x10/0x20 [mod]");
	ck_assert_int_eq(st->s.now, 8);
	/* and known again: only show_handles is read */
	tick(s, m);
	live_get_stats(s, &ls);
	ck_assert_uint_eq(ls.stacks_handles_bytes_last, 0);
	ck_assert_int_eq(by_handle(m, 5242881)->s.now, 8);
	source_close(s);
	model_free(m);
	free(d);
	free(pos);
}
END_TEST

/* Live stacks first..first+nlive-1 as show_stacks records: frames from a fixed set of
 * functions (a kernel has so many), counts that change now and then. */
static char *churn_text(unsigned first, unsigned nlive, unsigned k)
{
	static const char *const fn[] = { "ext4_da_write_begin", "alloc_skb_with_frags",
		"kmalloc_reserve", "__filemap_get_folio_mpol", "copy_process",
		"do_anonymous_page", "pipe_write", "brd_submit_bio" };
	size_t cap = (size_t)nlive * 200 + 1, len = 0;
	char *t = xmalloc(cap);

	t[0] = '\0';
	for (unsigned i = first; i < first + nlive; i++)
		len += (size_t)snprintf(t + len, cap - len,
					" prep_new_page+0x17/0x43\n %s+0x%x/0x400\n"
					" %s+0x%x/0x400\n %s+0x%x/0x400\nnr_base_pages: %u\n\n",
					fn[i % 8], 16 + (i / 8) % 64, fn[(i / 512) % 8],
					16 + (i / 4096) % 64, fn[(i / 32768) % 8], 16 + i % 64,
					1 + (i + k / 4) % 9);
	return t;
}

/* The stacks kept as a caller's or a module's example. */
static size_t examples(const struct model *m)
{
	size_t n = 0;

	for (size_t id = 0; id < model_nstacks(m); id++)
		if (model_stack(m, (uint32_t)id) && group_example(m, model_stack(m, (uint32_t)id)))
			n++;
	return n;
}

/* Through the live source: nlive live stacks, churn new and churn gone every tick, for n
 * ticks; the stacks kept and the model's memory stay bounded. */
static void live_churn(unsigned n, unsigned nlive, unsigned churn)
{
	struct model *m = model_new();
	char *pos, *d = tree(0, &pos);
	struct source *s;
	size_t early = 0;

	s = open_live(d);
	for (unsigned k = 0; k < n; k++) {
		char *t = churn_text(churn * k, nlive, k);

		put(pos, "show_stacks", t);
		free(t);
		tick(s, m);
		if (k == 2 * MODEL_HISTORY)
			early = model_mem_bytes(m);
	}
	/* the live ones, those gone for less than the window and the groups' examples,
	 * which the model keeps (model.h) */
	ck_assert_uint_le(model_nlive(m), nlive + churn * MODEL_HISTORY + examples(m));
	/* a slack for the allocator's and the tables' steps: without forgetting, memory
	 * grows with every sample (after 2,000 samples 16 times the stacks kept at 240) */
	ck_assert_msg(model_mem_bytes(m) <= early * 5 / 4,
		      "%zu bytes after %u samples, %zu after %d", model_mem_bytes(m), n, early,
		      2 * MODEL_HISTORY);
	source_close(s);
	model_free(m);
	free(d);
	free(pos);
}

START_TEST(live_churn_bounded)
{
	live_churn(4 * MODEL_HISTORY, 100, 20);
}
END_TEST

/* The long run: 2,000 samples, 200 stacks come and 200 go on each. */
START_TEST(live_churn_long)
{
	live_churn(2000, 400, 200);
}
END_TEST

/* Stacks of one label told apart while they come and go, a view every sample and its
 * rows' labels: the texts no stack has any more go (the memory stays bounded, the texts
 * are numbered again, the news of who came and went are bounded), and every stack keeps the text a model that told them apart once
 * at the end gives it. */
START_TEST(apart_churn_bounded)
{
	struct model *m = model_new(), *once = model_new();
	struct view_opts o;
	struct view v;
	size_t early = 0;
	unsigned n = 4 * MODEL_HISTORY, nlive = 400, churn = 100;

	view_opts_init(&o);
	view_init(&v);
	for (unsigned k = 0; k < n; k++) {
		char *t = churn_text(churn * k, nlive, k);

		model_feed_text(m, k, t);
		model_feed_text(once, k, t);
		free(t);
		model_view(m, &o, &v);
		for (size_t i = 0; i < v.nrows; i++)
			view_row_label(m, &v.rows[i], i % 2); /* made as the rows are shown */
		if (k == 2 * MODEL_HISTORY)
			early = model_mem_bytes(m);
	}
	ck_assert_uint_gt(model_apart_gen(m), 1);
	/* the news of stacks that came and went: a quarter of the stacks kept at most */
	ck_assert_uint_le(m->capapart_news, 2 * (model_nlive(m) / 4 + 1024));
	ck_assert_msg(model_mem_bytes(m) <= early * 5 / 4, "%zu bytes after %u samples, %zu after %d",
		      model_mem_bytes(m), n, early, 2 * MODEL_HISTORY);
	model_view(once, &o, &v);
	ck_assert_uint_eq(model_nstacks(m), model_nstacks(once));
	for (uint32_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *a = model_stack(m, id), *b = model_stack(once, id);

		ck_assert_int_eq(!a, !b);
		for (int u = 0; a && u < 2; u++)
			ck_assert_str_eq(model_label(m, model_stack_apart(m, a, u)),
					 model_label(once, model_stack_apart(once, b, u)));
	}
	view_free(&v);
	model_free(m);
	model_free(once);
}
END_TEST

/* Writes n samples, text(step * k, nlive, k), through the model w into path as pagetop
 * record does, and opens the recording's replay. */
static struct source *record_texts(const char *path, struct model *w, unsigned n,
				   char *(*text)(unsigned, unsigned, unsigned), unsigned step,
				   unsigned nlive)
{
	struct recorder *rec;
	struct sink rs;
	struct source *src;
	struct source_opts so;
	struct pt_err err;

	ck_assert_msg(recorder_open(&rec, path, 0, &err) == 0, "%s", err.msg);
	rs = recorder_sink(rec);
	for (unsigned k = 0; k < n; k++) {
		char *t = text(step * k, nlive, k);

		model_feed_text(w, k, t);
		free(t);
		ck_assert_msg(model_replay_sample(w, &rs, k == 0, &err) == 0, "%s", err.msg);
	}
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, (const char *const *)&path, 1, &so, &err) == 0, "%s",
		      err.msg);
	return src;
}

/* n samples of src into m; a view of m with o after each when v is not NULL. */
static void replay_some(struct source *src, struct model *m, unsigned n,
			const struct view_opts *o, struct view *v)
{
	struct sink ms = model_sink(m);
	struct pt_err err;

	for (unsigned k = 0; k < n; k++) {
		ck_assert_msg(source_next(src, &ms, -1, &err) == SRC_SAMPLE, "%s", err.msg);
		if (v)
			model_view(m, o, v);
	}
}

/* A recording of stacks that come and go, replayed: the same, and bounded. */
START_TEST(recording_churn_bounded)
{
	char *path = path_join(root, "churn.ptrec");
	struct model *w = model_new(), *m = model_new();
	struct sink ms = model_sink(m);
	struct source *src;
	struct pt_err err;
	enum src_status st;
	size_t early = 0;
	unsigned n = 3 * MODEL_HISTORY, k = 0;
	struct view v;
	int64_t total = 0;

	src = record_texts(path, w, n, churn_text, 20, 100);
	k = 0;
	while ((st = source_next(src, &ms, -1, &err)) == SRC_SAMPLE)
		if (++k == MODEL_HISTORY + 11)
			early = model_mem_bytes(m);
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	ck_assert_uint_eq(k, n);
	ck_assert_uint_le(model_nlive(m), 100 + 20 * MODEL_HISTORY);
	ck_assert_msg(model_mem_bytes(m) <= early * 11 / 10,
		      "%zu bytes after %u samples, %zu after %d", model_mem_bytes(m), n, early,
		      MODEL_HISTORY + 11);
	/* the last sample as written */
	view_init(&v);
	{
		struct view_opts o;

		view_opts_init(&o);
		model_view(m, &o, &v);
		total = v.total_pages;
		model_view(w, &o, &v);
		ck_assert_int_eq(total, v.total_pages);
		ck_assert_uint_eq(model_nlive(m), model_nlive(w));
	}
	view_free(&v);
	source_close(src);
	model_free(w);
	model_free(m);
	free(path);
}
END_TEST

/* Stacks first..first+nlive-1 whose counts change every 7th sample, each in its turn. */
/* Stacks first .. first + nlive of sample k: a few callers and outer frames each
 * (unique 0), or each stack of a frame of its own (unique 1). */
static char *stacks_text(unsigned first, unsigned nlive, unsigned k, int unique)
{
	size_t cap = (size_t)nlive * 160 + 1, len = 0;
	char *t = xmalloc(cap);

	t[0] = '\0';
	for (unsigned i = first; i < first + nlive; i++)
		len += (size_t)(unique ? snprintf(t + len, cap - len,
						  " prep_new_page+0x17/0x43\n grow_%u+0x10/0x80\n"
						  "nr_base_pages: %u\n\n",
						  i, 1 + (i * 37 + k * 11) % 200)
				       : snprintf(t + len, cap - len,
						  " prep_new_page+0x17/0x43\n caller_%u+0x10/0x80\n"
						  " outer_%u+0x%x/0x400\nnr_base_pages: %u\n\n",
						  i % 3, i % 97, 16 + i % 64,
						  1 + (i * 37 + (k + i) / 7 * 11) % 200));
	return t;
}

static char *kept_text(unsigned first, unsigned nlive, unsigned k)
{
	return stacks_text(first, nlive, k, 0);
}

static char *grow_text(unsigned first, unsigned nlive, unsigned k)
{
	return stacks_text(first, nlive, k, 1);
}

static void view_same(const struct view *a, const struct view *b, unsigned k, int c)
{
	ck_assert_msg(a->nrows == b->nrows && a->shown == b->shown &&
		      a->total_rows == b->total_rows, "sample %u, options %d: rows", k, c);
	for (size_t i = 0; i < a->nrows; i++)
		ck_assert_msg(a->rows[i].stack == b->rows[i].stack,
			      "sample %u, options %d: row %zu is stack %u, not %u", k, c, i,
			      a->rows[i].stack->id, b->rows[i].stack->id);
	ck_assert_int_eq(a->total_pages, b->total_pages);
	ck_assert_int_eq(a->total_delta, b->total_delta);
	ck_assert_int_eq(a->total_delta_base, b->total_delta_base);
	ck_assert_int_eq(a->shown_pages, b->shown_pages);
	ck_assert_int_eq(a->total_calls, b->total_calls);
	ck_assert_msg(memcmp(&a->total_rate, &b->total_rate, sizeof(double)) == 0,
		      "sample %u, options %d: rate %.17g, not %.17g", k, c, a->total_rate,
		      b->total_rate);
}

/* A recording's samples of changes go only to the model that took the sample before:
 * after a model_reset() (the same pointer) the next sample comes whole. */
START_TEST(recording_after_reset)
{
	char *path = path_join(root, "after-reset.ptrec");
	struct model *w = model_new(), *m = model_new(), *once = model_new();
	struct source *a = record_texts(path, w, 8, kept_text, 15, 600), *b;
	struct source_opts so;
	struct view_opts o;
	struct view v, full;
	struct pt_err err;

	view_opts_init(&o);
	view_init(&v);
	view_init(&full);
	replay_some(a, m, 3, NULL, NULL);
	model_reset(m);
	replay_some(a, m, 1, NULL, NULL);
	source_opts_init(&so);
	ck_assert_msg(source_open(&b, (const char *const *)&path, 1, &so, &err) == 0, "%s",
		      err.msg);
	replay_some(b, once, 4, NULL, NULL);
	model_view(m, &o, &v);
	model_view(once, &o, &full);
	ck_assert_int_eq(v.total_pages, full.total_pages);
	ck_assert_uint_eq(v.nrows, 600);
	for (size_t i = 0; i < v.nrows; i++)
		ck_assert_int_eq(v.rows[i].s->now, full.rows[i].s->now);
	view_free(&v);
	view_free(&full);
	source_close(a);
	source_close(b);
	model_free(w);
	model_free(m);
	model_free(once);
	unlink(path);
	free(path);
}
END_TEST

/* The first rows kept are of the model they were made from: model_reset() leaves the
 * pointer and starts another (here another recording's samples, as many as before). */
START_TEST(kept_view_reset)
{
	char *pa = path_join(root, "reset-a.ptrec"), *pb = path_join(root, "reset-b.ptrec");
	struct model *wa = model_new(), *wb = model_new(), *m = model_new();
	struct source *a = record_texts(pa, wa, 8, kept_text, 15, 600);
	struct source *b = record_texts(pb, wb, 8, kept_text, 40, 300);
	struct view_opts o;
	struct view v, full;

	view_opts_init(&o);
	o.limit = 3;
	o.top_only = 1;
	view_init(&v);
	view_init(&full);
	replay_some(a, m, 3, &o, &v);
	model_reset(m);
	replay_some(b, m, 4, NULL, NULL);
	model_view(m, &o, &v);
	model_view(m, &o, &full);
	ck_assert_uint_eq(full.kept_builds, 0);
	view_same(&v, &full, 4, 0);
	view_free(&v);
	view_free(&full);
	source_close(a);
	source_close(b);
	model_free(wa);
	model_free(wb);
	model_free(m);
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
}
END_TEST

/* A replayed recording's samples name only what changed: the first rows kept from one
 * sample to the next are those a view made from every stack gives, for every key. */
START_TEST(kept_view_same)
{
	static const struct { enum sort_key key; int asc; size_t limit; int64_t thr; } opt[] = {
		{ KEY_PAGES, 0, 1, 0 }, { KEY_PAGES, 1, 5, 0 }, { KEY_DELTA, 0, 5, 0 },
		{ KEY_DELTA, 1, 3, 0 }, { KEY_SCORE, 0, 5, 0 }, { KEY_RATE, 0, 4, 0 },
		{ KEY_DELTA_BASE, 0, 5, 0 }, { KEY_PEAK, 0, 2, 0 }, { KEY_FIRST_SEEN, 1, 5, 150 },
	};
	enum { NOPT = sizeof(opt) / sizeof(opt[0]) };
	char *path = path_join(root, "kept.ptrec");
	struct model *w = model_new(), *m = model_new();
	struct sink ms = model_sink(m);
	struct source *src;
	struct pt_err err;
	struct view_opts o[NOPT];
	struct view v[NOPT], full;
	unsigned n = 2 * MODEL_HISTORY + 20, k;

	for (int c = 0; c < NOPT; c++) {
		view_opts_init(&o[c]);
		o[c].key = opt[c].key;
		o[c].ascending = opt[c].asc;
		o[c].limit = opt[c].limit;
		o[c].top_only = 1;
		o[c].threshold.value = opt[c].thr;
		view_init(&v[c]);
	}
	src = record_texts(path, w, n, kept_text, 15, 600);
	for (k = 0; source_next(src, &ms, -1, &err) == SRC_SAMPLE; k++)
		for (int c = 0; c < NOPT; c++) {
			model_view(m, &o[c], &v[c]);
			view_init(&full); /* nothing kept: a pass over every stack */
			model_view(m, &o[c], &full);
			ck_assert_uint_eq(full.kept_builds, 0);
			view_same(&v[c], &full, k, c);
			view_free(&full);
		}
	ck_assert_uint_eq(k, n);
	for (int c = 0; c < NOPT; c++) {
		/* most samples followed from the one before */
		ck_assert_msg(v[c].kept_builds > n * 3 / 4, "options %d: %zu kept of %u", c,
			      v[c].kept_builds, n);
		view_free(&v[c]);
	}
	source_close(src);
	model_free(w);
	model_free(m);
	free(path);
}
END_TEST

/* The kept view's array by stack id grows with the ids, past 2 MiB (huge pages): the
 * rows are still those of a view made from every stack. */
START_TEST(kept_view_grows)
{
	char *path = path_join(root, "kept-grows.ptrec");
	struct model *w = model_new(), *m = model_new();
	struct sink ms = model_sink(m);
	struct source *src;
	struct pt_err err;
	struct view_opts o;
	struct view v, full;
	unsigned n = 8, k;

	view_opts_init(&o);
	o.limit = 5;
	o.top_only = 1;
	view_init(&v);
	src = record_texts(path, w, n, grow_text, 8000, 16000);
	for (k = 0; source_next(src, &ms, -1, &err) == SRC_SAMPLE; k++) {
		model_view(m, &o, &v);
		view_init(&full);
		model_view(m, &o, &full);
		view_same(&v, &full, k, 0);
		view_free(&full);
	}
	ck_assert_uint_eq(k, n);
	ck_assert_uint_ge(model_nstacks(m), 64000);
	/* and some samples followed from the one before */
	ck_assert_uint_ge(v.kept_builds, 1);
	view_free(&v);
	source_close(src);
	model_free(w);
	model_free(m);
	unlink(path);
	free(path);
}
END_TEST

static Suite *churn_suite(void)
{
	Suite *s = suite_create("churn");
	TCase *tc = tcase_create("churn");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, handles_forgotten);
	tcase_add_test(tc, live_churn_bounded);
	tcase_add_test(tc, live_churn_long);
	tcase_add_test(tc, recording_churn_bounded);
	tcase_add_test(tc, apart_churn_bounded);
	tcase_add_test(tc, kept_view_same);
	tcase_add_test(tc, kept_view_grows);
	tcase_add_test(tc, kept_view_reset);
	tcase_add_test(tc, recording_after_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(churn_suite());
}
