/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_source.c - inputs: a file, a list of files (with show_handles pairs), folders of
 * snapshots (order, times, metadata), their errors, and the agreement between the handles
 * interface and show_stacks on the same real sample. */
#include "config.h"

#include <math.h>
#include <time.h>

#include "cmd_select.h"
#include "source_select.h"
#include "testutil.h"

static const char STACKS_A[] =
	" prep_new_page+0x17/0x43\n brd_submit_bio+0x28d/0x42b [brd]\nnr_base_pages: 10\n\n"
	" prep_new_page+0x17/0x43\n other+0x1/0x2\nnr_base_pages: 3\n\n";
static const char STACKS_B[] =
	" prep_new_page+0x17/0x43\n brd_submit_bio+0x28d/0x42b [brd]\nnr_base_pages: 20\n\n";
static const char SH[] =
	" prep_new_page+0x17/0x43\n brd_submit_bio+0x28d/0x42b [brd]\nhandle: 7\n\n"
	" prep_new_page+0x17/0x43\n other+0x1/0x2\nhandle: 9\n\n"
	" register_dummy_stack+0x23/0x3e\n init_page_owner+0x24/0x237\nhandle: 1\n\n";
static const char HANDLES[] = "handle: 7\nnr_base_pages: 12\n\nhandle: 1\nnr_base_pages: 2\n\n";

/* Opens paths, reads every sample into rs; returns the number of samples, or -1 with err
 * when opening or a sample failed (samples before it are in rs). */
static int read_all(const char *const *paths, int n, const struct source_opts *o,
		    struct rsink *rs, struct pt_err *err)
{
	struct source *src;
	struct source_opts def;
	struct sink s = rs_sink(rs);
	enum src_status st;
	int k = 0;

	if (!o) {
		source_opts_init(&def);
		o = &def;
	}
	memset(err, 0, sizeof(*err));
	if (source_open(&src, paths, n, o, err) < 0)
		return -1;
	ck_assert_int_eq(source_fd(src), -1);
	ck_assert_double_eq(source_stalled(src), 0);
	while ((st = source_next(src, &s, -1, err)) == SRC_SAMPLE)
		k++;
	if (st == SRC_END) {
		/* and it stays at the end */
		ck_assert_int_eq(source_next(src, &s, -1, err), SRC_END);
	}
	source_close(src);
	ck_assert_int_eq(rs->order_errors, 0);
	return st == SRC_ERROR ? -1 : k;
}

static int read_one(const char *path, struct rsink *rs, struct pt_err *err)
{
	return read_all(&path, 1, NULL, rs, err);
}

/* text over and over in a file of dir of at least min bytes; its path (freed by the
 * caller) and size in *len */
static char *write_repeated(const char *dir, const char *name, const char *text, size_t n,
			    size_t min, size_t *len)
{
	struct sbuf b = { 0 };
	char *p;

	while (b.len < min)
		sb_addn(&b, text, n);
	p = write_in(dir, name, b.s, b.len);
	*len = b.len;
	sb_free(&b);
	return p;
}

/* A stack file tells the sink how many stacks to expect, from its size, once and before
 * the first, parsed in chunks or on one thread; a file of handles' counts, of stacks
 * by handle or a per-block dump does not (blocks are not stacks). */
START_TEST(test_file_expect)
{
	static const char *const threads[] = { "2", "1" };
	const char *pair[2] = { TD("plain/0030.show_stacks_handles"), TD("plain/0030.show_handles") };
	char *dir = tmpdir_new(), *p, *text;
	size_t n, len;
	struct rsink rs;
	struct pt_err err;
	char *was = env_push("PAGETOP_THREADS", threads[0]);

	text = read_file(TD("plain/0030.show_stacks"), &n);
	ck_assert_ptr_nonnull(text);
	for (int t = 0; t < 2; t++) {
		/* 5 MiB: chunks on every thread, or one thread; the real file as it is */
		setenv("PAGETOP_THREADS", threads[t], 1);
		for (int big = 1; big >= 0; big--) {
			p = big ? write_repeated(dir, "big", text, n, 5 << 20, &len)
				: write_in(dir, "real", text, len = n);
			rs_init(&rs);
			ck_assert_msg(read_one(p, &rs, &err) == 1, "%s", err.msg);
			ck_assert_int_eq(rs.nexpect, 1);
			ck_assert_uint_eq(rs.expect_at, 0);
			ck_assert_uint_eq(rs.expect_n, len / 512);
			/* about right: a real file's stacks take 465 bytes each */
			ck_assert_uint_le(rs.expect_n, rs.nst);
			ck_assert_uint_ge(rs.expect_n * 2, rs.nst);
			rs_clear(&rs);
			free(p);
		}
	}
	env_pop("PAGETOP_THREADS", was);
	free(text);
	rs_init(&rs);
	ck_assert_msg(read_all(pair, 2, NULL, &rs, &err) == 1, "%s", err.msg);
	ck_assert_uint_gt(rs.nst, 0);
	ck_assert_int_eq(rs.nexpect, 0);
	rs_clear(&rs);
	text = read_xz_file(TD("small/page_owner.xz"), &n);
	ck_assert_ptr_nonnull(text);
	p = write_in(dir, "dump", text, n);
	rs_init(&rs);
	ck_assert_msg(read_one(p, &rs, &err) == 1, "%s", err.msg);
	ck_assert_uint_gt(rs.nst, 0);
	ck_assert_int_eq(rs.nexpect, 0);
	rs_clear(&rs);
	free(p);
	free(text);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ files */

START_TEST(test_file)
{
	char *dir = tmpdir_new();
	char *p = write_in(dir, "whatever.txt", STACKS_A, strlen(STACKS_A));
	struct rsink rs;
	struct pt_err err;

	set_mtime(p, 1700000000);
	rs_init(&rs);
	ck_assert_msg(read_one(p, &rs, &err) == 1, "%s", err.msg);
	ck_assert_int_eq(rs.nmeta, 1);
	ck_assert_int_eq(rs.nbegin, 1);
	ck_assert_int_eq(rs.nend, 1);
	ck_assert_str_eq(rs.meta.kind, "file");
	ck_assert_str_eq(rs.meta.name, p);
	ck_assert_int_eq(rs.meta.iface, IFACE_SHOW_STACKS);
	ck_assert_int_eq(rs.meta.unit, UNIT_PAGES);
	ck_assert_int_eq(rs.meta.series, 0);
	ck_assert_int_eq(rs.meta.nsamples, 1);
	ck_assert_int_eq(rs.meta.page_size, 4096);
	ck_assert_int_eq(rs.meta.page_size_known, 0);
	ck_assert_ptr_null(rs.meta.kernel_release);
	/* the time of a lone file is its mtime */
	ck_assert_double_eq_tol(rs.samples[0].time, 1700000000, 1e-6);
	ck_assert_int_eq(rs.samples[0].time_abs, 1);
	ck_assert_uint_eq(rs.samples[0].seq, 0);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].count, 10);
	ck_assert_uint_eq(rs.st[0].sample, 1);
	rs_clear(&rs);
	free(p);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_file_formats)
{
	char *dir = tmpdir_new();
	struct rsink rs;
	struct pt_err err;
	char *p;
	struct source_opts o;

	/* the proposal's format counts allocations */
	p = write_in(dir, "prop", "a+0x1/0x2\nstack_count: 5\n\n\n\n", 28);
	rs_init(&rs);
	ck_assert_msg(read_one(p, &rs, &err) == 1, "%s", err.msg);
	ck_assert_int_eq(rs.meta.iface, IFACE_PROPOSAL);
	ck_assert_int_eq(rs.meta.unit, UNIT_ALLOCS);
	rs_clear(&rs);
	free(p);

	/* the per-block dump */
	rs_init(&rs);
	ck_assert_msg(read_one(TD("small/page_owner.xz"), &rs, &err) == 1, "%s", err.msg);
	ck_assert_int_eq(rs.meta.iface, IFACE_PAGE_OWNER);
	ck_assert_int_eq(rs.meta.unit, UNIT_PAGES);
	ck_assert_int_eq(rs.st[0].has_block, 1);
	rs_clear(&rs);

	/* the page size from the options */
	source_opts_init(&o);
	o.page_size = 16384;
	p = write_in(dir, "s", STACKS_A, strlen(STACKS_A));
	rs_init(&rs);
	ck_assert_msg(read_all((const char *const *)&p, 1, &o, &rs, &err) == 1, "%s", err.msg);
	ck_assert_int_eq(rs.meta.page_size, 16384);
	ck_assert_int_eq(rs.meta.page_size_known, 1);
	rs_clear(&rs);
	free(p);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_file_errors)
{
	char *dir = tmpdir_new();
	struct rsink rs;
	struct pt_err err;
	char *p, *msg;

	rs_init(&rs);
	ck_assert_int_eq(read_one("/nonexistent/pagetop/snap", &rs, &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/pagetop/snap: cannot open: No such file or directory");
	rs_clear(&rs);

	/* show_handles alone: the specific message */
	p = write_in(dir, "h", HANDLES, strlen(HANDLES));
	rs_init(&rs);
	ck_assert_int_eq(read_one(p, &rs, &err), -1);
	ck_assert_int_ge(asprintf(&msg, "%s: show_handles has counts but no stacks: give the show_stacks_handles read with it too", p), 0);
	ck_assert_str_eq(err.msg, msg);
	free(msg);
	rs_clear(&rs);
	free(p);

	p = write_in(dir, "sh", SH, strlen(SH));
	rs_init(&rs);
	ck_assert_int_eq(read_one(p, &rs, &err), -1);
	ck_assert_int_ge(asprintf(&msg, "%s: show_stacks_handles has stacks but no counts: give the show_handles read with it too", p), 0);
	ck_assert_str_eq(err.msg, msg);
	free(msg);
	rs_clear(&rs);
	free(p);

	/* garbage: FILE:LINE */
	p = write_in(dir, "junk", "\nnot page_owner\n", 16);
	rs_init(&rs);
	ck_assert_int_eq(read_one(p, &rs, &err), -1);
	ck_assert_int_ge(asprintf(&msg, "%s:2: expected a stack frame", p), 0);
	ck_assert_msg(strncmp(err.msg, msg, strlen(msg)) == 0, "%s", err.msg);
	free(msg);
	rs_clear(&rs);
	free(p);

	/* empty */
	p = write_in(dir, "empty", "", 0);
	rs_init(&rs);
	ck_assert_int_eq(read_one(p, &rs, &err), -1);
	ck_assert_int_ge(asprintf(&msg, "%s: expected page_owner records, found an empty file", p), 0);
	ck_assert_str_eq(err.msg, msg);
	free(msg);
	rs_clear(&rs);
	free(p);
	tmpdir_free(dir);
}
END_TEST

static void stdin_source(void)
{
	struct rsink rs;
	struct pt_err err;

	rs_init(&rs);
	ck_assert_msg(read_one("-", &rs, &err) == 1, "%s", err.msg);
	ck_assert_str_eq(rs.meta.name, "-");
	ck_assert_str_eq(rs.meta.kind, "file");
	ck_assert_int_eq(rs.samples[0].time_abs, 1);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[1].count, 3);
	rs_clear(&rs);
}

START_TEST(test_stdin)
{
	char *dir = tmpdir_new();
	char *p = write_in(dir, "in", STACKS_A, strlen(STACKS_A));
	int saved = dup(0), fd = open(p, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 0), 0);
	close(fd);
	stdin_source();
	ck_assert_int_eq(dup2(saved, 0), 0);
	close(saved);
	free(p);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ lists */

START_TEST(test_list)
{
	char *dir = tmpdir_new();
	char *a = write_in(dir, "zzz", STACKS_A, strlen(STACKS_A));
	char *b = write_in(dir, "aaa", STACKS_B, strlen(STACKS_B));
	const char *paths[2] = { a, b };
	struct rsink rs;
	struct pt_err err;

	set_mtime(a, 1700000000);
	set_mtime(b, 1700000060);
	rs_init(&rs);
	diag_capture();
	ck_assert_msg(read_all(paths, 2, NULL, &rs, &err) == 2, "%s", err.msg);
	diag_set_sink(NULL);
	ck_assert_int_eq(diag_n, 0);
	/* in the order given, not by name */
	ck_assert_str_eq(rs.meta.kind, "files");
	ck_assert_str_eq(rs.meta.name, "2 files");
	ck_assert_int_eq(rs.meta.series, 1);
	ck_assert_int_eq(rs.meta.nsamples, 2);
	ck_assert_int_eq(rs.nmeta, 1);
	ck_assert_uint_eq(rs.nst, 3);
	ck_assert_uint_eq(rs.st[0].sample, 1);
	ck_assert_uint_eq(rs.st[0].count, 10);
	ck_assert_uint_eq(rs.st[2].sample, 2);
	ck_assert_uint_eq(rs.st[2].count, 20);
	ck_assert_double_eq_tol(rs.samples[0].time, 1700000000, 1e-6);
	ck_assert_double_eq_tol(rs.samples[1].time, 1700000060, 1e-6);
	ck_assert_uint_eq(rs.samples[1].seq, 1);
	rs_clear(&rs);
	/* the same time twice: no rate between them, and pagetop says so */
	set_mtime(b, 1700000000);
	rs_init(&rs);
	diag_capture();
	ck_assert_msg(read_all(paths, 2, NULL, &rs, &err) == 2, "%s", err.msg);
	diag_set_sink(NULL);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], "1 of 2 files is not newer than the file before it") &&
		      strstr(diag_msgs[0], "aaa"), "%s", diag_msgs[0]);
	rs_clear(&rs);
	free(a);
	free(b);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_list_pair)
{
	char *dir = tmpdir_new();
	char *sh = write_in(dir, "x.stacks", SH, strlen(SH));
	char *h = write_in(dir, "x.counts", HANDLES, strlen(HANDLES));
	char *ss = write_in(dir, "y", STACKS_B, strlen(STACKS_B));
	struct rsink rs;
	struct pt_err err;

	/* the pair is one sample, in either order: stacks first, then counts */
	for (int order = 0; order < 2; order++) {
		const char *paths[2] = { order ? h : sh, order ? sh : h };

		rs_init(&rs);
		ck_assert_msg(read_all(paths, 2, NULL, &rs, &err) == 1, "%s", err.msg);
		ck_assert_int_eq(rs.meta.iface, IFACE_HANDLES);
		ck_assert_uint_eq(rs.nst, 3);
		ck_assert_uint_eq(rs.nct, 2);
		ck_assert_uint_eq(rs.st[0].handle, 7);
		ck_assert_int_eq(rs.st[0].has_count, 0);
		ck_assert_uint_eq(rs.ct[0].handle, 7);
		ck_assert_uint_eq(rs.ct[0].count, 12);
		ck_assert_uint_eq(rs.ct[0].sample, 1);
		rs_clear(&rs);
	}
	/* a pair and another snapshot: two samples */
	{
		const char *paths[3] = { sh, h, ss };

		rs_init(&rs);
		ck_assert_msg(read_all(paths, 3, NULL, &rs, &err) == 2, "%s", err.msg);
		ck_assert_uint_eq(rs.nct, 2);
		ck_assert_uint_eq(rs.st[3].count, 20);
		ck_assert_uint_eq(rs.st[3].sample, 2);
		rs_clear(&rs);
	}
	free(sh);
	free(h);
	free(ss);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_list_errors)
{
	char *dir = tmpdir_new();
	char *a = write_in(dir, "a", STACKS_A, strlen(STACKS_A));
	char *junk = write_in(dir, "junk", "hello\n", 6);
	char *h = write_in(dir, "h", HANDLES, strlen(HANDLES));
	struct rsink rs;
	struct pt_err err;
	char *msg;

	rs_init(&rs);
	{
		const char *paths[2] = { a, "-" };

		ck_assert_int_eq(read_all(paths, 2, NULL, &rs, &err), -1);
		ck_assert_str_eq(err.msg, "standard input (-) can only be the one source");
	}
	{
		const char *paths[2] = { a, dir };

		ck_assert_int_eq(read_all(paths, 2, NULL, &rs, &err), -1);
		ck_assert_int_ge(asprintf(&msg, "%s: a folder can only be the one source", dir), 0);
		ck_assert_str_eq(err.msg, msg);
		free(msg);
	}
	{
		const char *paths[2] = { a, junk };

		ck_assert_int_eq(read_all(paths, 2, NULL, &rs, &err), -1);
		ck_assert_int_ge(asprintf(&msg, "%s: expected a page_owner snapshot, found something else", junk), 0);
		ck_assert_str_eq(err.msg, msg);
		free(msg);
	}
	{
		/* show_handles next to a show_stacks: no pair */
		const char *paths[2] = { a, h };

		ck_assert_int_eq(read_all(paths, 2, NULL, &rs, &err), -1);
		ck_assert_msg(strstr(err.msg, "show_handles has counts but no stacks"), "%s", err.msg);
		/* the first sample went through before the error */
		ck_assert_int_eq(rs.nend, 1);
	}
	{
		const char *paths[2] = { a, "/nonexistent/x" };

		ck_assert_int_eq(read_all(paths, 2, NULL, &rs, &err), -1);
		ck_assert_str_eq(err.msg, "/nonexistent/x: cannot open: No such file or directory");
	}
	rs_clear(&rs);
	free(a);
	free(junk);
	free(h);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ folders */

START_TEST(test_demo_folder)
{
	struct rsink rs;
	struct pt_err err;

	rs_init(&rs);
	ck_assert_msg(read_one(TD("demo"), &rs, &err) == 90, "%s", err.msg);
	ck_assert_str_eq(rs.meta.kind, "folder");
	ck_assert_str_eq(rs.meta.name, TD("demo"));
	ck_assert_int_eq(rs.meta.series, 1);
	ck_assert_int_eq(rs.meta.nsamples, 90);
	ck_assert_int_eq(rs.meta.iface, IFACE_SHOW_STACKS);
	ck_assert_int_eq(rs.meta.page_size, 4096);
	ck_assert_int_eq(rs.meta.page_size_known, 1);
	ck_assert_str_eq(rs.meta.kernel_release, "7.3.4");
	ck_assert_int_eq(rs.nbegin, 90);
	ck_assert_int_eq(rs.nend, 90);
	/* in order, each at the time its .uptime file says */
	for (int i = 0; i < 90; i++) {
		char name[4096], *up;

		snprintf(name, sizeof(name), TD("demo/%04d.uptime"), i);
		up = read_file(name, NULL);
		ck_assert_ptr_nonnull(up);
		ck_assert_double_eq_tol(rs.samples[i].time, strtod(up, NULL), 1e-9);
		ck_assert_int_eq(rs.samples[i].time_abs, 0);
		ck_assert_uint_eq(rs.samples[i].seq, (uint64_t)i);
		if (i)
			ck_assert_double_gt(rs.samples[i].time, rs.samples[i - 1].time);
		free(up);
	}
	/* every sample has stacks */
	{
		int per[91] = { 0 };

		for (size_t i = 0; i < rs.nst; i++)
			per[rs.st[i].sample]++;
		for (int i = 1; i <= 90; i++)
			ck_assert_int_gt(per[i], 50);
	}
	rs_clear(&rs);
}
END_TEST

START_TEST(test_small_folder)
{
	/* every stem has show_stacks, show_handles and show_stacks_handles: show_stacks wins;
	 * numeric names give relative times; page_owner.xz, a per-block dump among
	 * show_stacks snapshots, is skipped with a warning (one interface per series) */
	struct rsink rs;
	struct pt_err err;

	rs_init(&rs);
	diag_capture();
	{
		int n = read_one(TD("small"), &rs, &err);

		ck_assert_msg(n == 16, "%d samples: %s", n, err.msg);
	}
	ck_assert_int_eq(diag_n, 1);
	ck_assert_str_eq(diag_msgs[0], TD("small/page_owner.xz")
			 ": skipped: a page_owner snapshot among show_stacks ones");
	ck_assert_int_eq(rs.meta.iface, IFACE_SHOW_STACKS);
	ck_assert_uint_eq(rs.nct, 0);
	for (int i = 0; i < 16; i++) {
		ck_assert_double_eq_tol(rs.samples[i].time, i, 1e-9);
		ck_assert_int_eq(rs.samples[i].time_abs, 0);
	}
	/* no kernel-release or page-size file there */
	ck_assert_ptr_null(rs.meta.kernel_release);
	ck_assert_int_eq(rs.meta.page_size_known, 0);
	diag_set_sink(NULL);
	rs_clear(&rs);
}
END_TEST

/* Writes a folder of show_stacks files named names[i] holding count i+1. */
static char *folder_of(const char *const *names, size_t n)
{
	char *dir = tmpdir_new();

	for (size_t i = 0; i < n; i++) {
		char text[128], *p;

		snprintf(text, sizeof(text), " prep_new_page+0x17/0x43\n f+0x1/0x2\nnr_base_pages: %zu\n\n",
			 i + 1);
		p = write_in(dir, names[i], text, strlen(text));
		free(p);
	}
	return dir;
}

/* The counts of the samples of a folder, in order, as "1,2,3". */
static char *folder_counts(const char *dir, struct rsink *rs)
{
	struct pt_err err;
	struct sbuf b = { 0 };

	ck_assert_msg(read_one(dir, rs, &err) > 0, "%s", err.msg);
	sb_add(&b, "");
	for (size_t i = 0; i < rs->nst; i++)
		sb_printf(&b, "%s%llu", i ? "," : "", (unsigned long long)rs->st[i].count);
	return b.s;
}

START_TEST(test_folder_numeric_names)
{
	/* snap.1 .. snap.10 in version order, not byte order; files read by content */
	static const char *const names[] = { "snap.10", "snap.9", "snap.1", "snap.2", "snap.3",
					     "snap.4", "snap.5", "snap.6", "snap.7", "snap.8" };
	char *dir = folder_of(names, 10);
	struct rsink rs;
	char *counts;

	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	/* names[i] holds i+1: snap.1 is 3, snap.2 is 4, ..., snap.9 is 2, snap.10 is 1 */
	ck_assert_str_eq(counts, "3,4,5,6,7,8,9,10,2,1");
	for (int i = 0; i < 10; i++) {
		ck_assert_double_eq_tol(rs.samples[i].time, i + 1, 1e-9);
		ck_assert_int_eq(rs.samples[i].time_abs, 0);
	}
	ck_assert_int_eq(rs.meta.page_size_known, 0);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_epoch_names)
{
	static const char *const names[] = { "1700000100.show_stacks", "1700000000.show_stacks" };
	char *dir = folder_of(names, 2);
	struct rsink rs;
	char *counts;

	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	ck_assert_str_eq(counts, "2,1");
	ck_assert_double_eq_tol(rs.samples[0].time, 1700000000, 1e-6);
	ck_assert_int_eq(rs.samples[0].time_abs, 1);
	ck_assert_double_eq_tol(rs.samples[1].time, 1700000100, 1e-6);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_iso_names)
{
	static const char *const names[] = { "snap-2026-11-25T10:58:02.show_stacks",
					     "snap-2026-11-25T10:57:02.show_stacks",
					     "snap-2026-11-25T10:59:32.show_stacks" };
	char *dir = folder_of(names, 3);
	struct rsink rs;
	char *counts;
	struct tm tm;
	time_t t0;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 25;
	tm.tm_hour = 10;
	tm.tm_min = 57;
	tm.tm_sec = 2;
	t0 = timegm(&tm);
	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	ck_assert_str_eq(counts, "2,1,3");
	ck_assert_int_eq(rs.samples[0].time_abs, 1);
	ck_assert_double_eq_tol(rs.samples[0].time, (double)t0, 1e-6);
	ck_assert_double_eq_tol(rs.samples[1].time, (double)t0 + 60, 1e-6);
	ck_assert_double_eq_tol(rs.samples[2].time, (double)t0 + 150, 1e-6);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_compact_iso_names)
{
	/* the compact forms: 20261125-105802 and 20261125T105802 */
	static const char *const names[] = { "20261125-105802", "20261125-105702" };
	static const char *const names2[] = { "snap_20261125T105802", "snap_20261125T105702" };
	struct rsink rs;
	char *dir, *counts;
	struct tm tm;
	time_t t0;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 25;
	tm.tm_hour = 10;
	tm.tm_min = 57;
	tm.tm_sec = 2;
	t0 = timegm(&tm);

	dir = folder_of(names2, 2);
	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	ck_assert_str_eq(counts, "2,1");
	ck_assert_int_eq(rs.samples[0].time_abs, 1);
	ck_assert_double_eq_tol(rs.samples[0].time, (double)t0, 1e-6);
	ck_assert_double_eq_tol(rs.samples[1].time, (double)t0 + 60, 1e-6);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);

	dir = folder_of(names, 2);
	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	ck_assert_str_eq(counts, "2,1");
	ck_assert_msg(rs.samples[0].time_abs == 1 && fabs(rs.samples[0].time - (double)t0) < 1e-6,
		      "20261125-105702 read as %s time %.0f, expected the date %lld",
		      rs.samples[0].time_abs ? "absolute" : "relative", rs.samples[0].time,
		      (long long)t0);
	ck_assert_double_eq_tol(rs.samples[1].time, (double)t0 + 60, 1e-6);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_mtime)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };
	char *dir = folder_of(names, 3);
	struct rsink rs;
	char *counts;
	time_t mt[3] = { 1700000300, 1700000100, 1700000200 };

	for (int i = 0; i < 3; i++) {
		char *p = path_join(dir, names[i]);

		set_mtime(p, mt[i]);
		free(p);
	}
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	/* no name has a time: the mtimes give the times and so the order, without a word */
	ck_assert_int_eq(diag_n, 0);
	ck_assert_str_eq(counts, "2,3,1");
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rs.samples[i].time_abs, 1);
		ck_assert_double_eq_tol(rs.samples[i].time, (double)1700000100 + 100 * i, 1e-6);
	}
	free(counts);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

/* Numbered names and one without a number: not times 1, 2 and a date (whose interval
 * made the last rate 0), but every time from the mtimes, in their order, and a word. */
START_TEST(test_folder_mixed_names)
{
	static const char *const names[] = { "1", "2", "base" };
	char *dir = folder_of(names, 3);
	struct rsink rs;
	char *counts, *msg;
	time_t mt[3] = { 1700000100, 1700000160, 1700000000 };

	for (int i = 0; i < 3; i++) {
		char *p = path_join(dir, names[i]);

		set_mtime(p, mt[i]);
		free(p);
	}
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_int_ge(asprintf(&msg, "%s: 1 of 3 moments have no number or date in their name (base): every moment's time, and so their order, comes from its file's modification time",
				  dir), 0);
	ck_assert_str_eq(diag_msgs[0], msg);
	ck_assert_str_eq(counts, "3,1,2");
	ck_assert_double_eq_tol(rs.samples[0].time, 1700000000, 1e-6);
	ck_assert_double_eq_tol(rs.samples[1].time, 1700000100, 1e-6);
	ck_assert_double_eq_tol(rs.samples[2].time, 1700000160, 1e-6);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(rs.samples[i].time_abs, 1);
	free(msg);
	free(counts);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

/* Dates in some names, plain numbers in the others: the mtimes again, said. */
START_TEST(test_folder_mixed_kinds)
{
	static const char *const names[] = { "snap.1", "snap.2", "snap-2026-11-25T10:58:02" };
	char *dir = folder_of(names, 3);
	struct rsink rs;
	char *counts;
	time_t mt[3] = { 1700000100, 1700000200, 1700000300 };

	for (int i = 0; i < 3; i++) {
		char *p = path_join(dir, names[i]);

		set_mtime(p, mt[i]);
		free(p);
	}
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], ": 1 of 3 names give a date where the others give plain numbers, or the other way round (snap-2026-11-25T10:58:02): every moment's time, and so their order, comes from its file's modification time"),
		      "%s", diag_msgs[0]);
	ck_assert_str_eq(counts, "1,2,3");
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rs.samples[i].time_abs, 1);
		ck_assert_double_eq_tol(rs.samples[i].time, (double)mt[i], 1e-6);
	}
	free(counts);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

/* Moments that cannot be told apart in time (files copied without their mtimes): no
 * rate between them, said. */
START_TEST(test_folder_same_times)
{
	static const char *const names[] = { "alpha", "beta", "gamma", "delta", "omega", "zeta" };
	char *dir = folder_of(names, 6);
	struct rsink rs;
	char *counts;

	for (int i = 0; i < 6; i++) {
		char *p = path_join(dir, names[i]);

		set_mtime(p, i == 0 ? 1700000000 : 1700000100);
		free(p);
	}
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], ": 4 of 6 moments have the same time as the one before them (delta, gamma, omega, ...): no rate between them"),
		      "%s", diag_msgs[0]);
	/* equal times in name order */
	ck_assert_str_eq(counts, "1,2,4,3,5,6");
	free(counts);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_uptime_wins)
{
	static const char *const names[] = { "snap.1", "snap.2" };
	char *dir = folder_of(names, 2);
	struct rsink rs;
	char *counts, *p;

	p = write_in(dir, "snap.1.uptime", "100.25 4.00\n", 12);
	free(p);
	p = write_in(dir, "snap.2.uptime", "101.5\n", 6);
	free(p);
	rs_init(&rs);
	counts = folder_counts(dir, &rs);
	ck_assert_str_eq(counts, "1,2");
	ck_assert_double_eq_tol(rs.samples[0].time, 100.25, 1e-9);
	ck_assert_double_eq_tol(rs.samples[1].time, 101.5, 1e-9);
	ck_assert_int_eq(rs.samples[1].time_abs, 0);
	free(counts);
	rs_clear(&rs);

	/* one without: the names for every moment, said */
	p = path_join(dir, "snap.2.uptime");
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], ": 1 of 2 moments have no .uptime file (snap.2): every moment's time comes from its name"),
		      "%s", diag_msgs[0]);
	ck_assert_str_eq(counts, "1,2");
	ck_assert_double_eq_tol(rs.samples[0].time, 1, 1e-9);
	ck_assert_double_eq_tol(rs.samples[1].time, 2, 1e-9);
	free(counts);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

/* A time an input gives a sample is at most 10^12 s either way (PT_TIME_MAX): beyond,
 * it came out of (time_t) and the microseconds of pagetop record undefined (a date of
 * NaN, or of 10^300 from a name like snap.1e300). An .uptime file that is no number
 * was taken as 0. Now such an .uptime is ignored with a warning, such a name gives no
 * time, and such a modification time is taken as 0, said. */
START_TEST(test_folder_times_bounded)
{
	static const char *const named[] = { "snap.1e300", "snap.2e300" };
	static const struct { const char *text, *shown; } bad_up[] = {
		{ "nan\n", "nan" }, { "1e400\n", "1e400" }, { "lots\n", "lots" },
		{ "-5\n", "-5" }, { "1000000000001\n", "1000000000001" }, { "5x\n", "5x" },
	};
	static const char *const upnames[] = { "0001.show_stacks", "0002.show_stacks" };
	char *dir = folder_of(named, 2), *p, want[1024];
	struct rsink rs;
	struct stat st;
	struct pt_err err;
	const char *paths[2];
	char *files[2], *counts;
	const char *base = "/dev/shm";

	for (int i = 0; i < 2; i++) {
		p = path_join(dir, named[i]);
		set_mtime(p, 1700000000 + 100 * i);
		free(p);
	}
	rs_init(&rs);
	diag_capture();
	counts = folder_counts(dir, &rs);
	diag_set_sink(NULL);
	ck_assert_int_eq(diag_n, 0);
	ck_assert_str_eq(counts, "1,2");
	/* no time from those names: the modification times */
	ck_assert_double_eq_tol(rs.samples[0].time, 1700000000, 1e-3);
	ck_assert_double_eq_tol(rs.samples[1].time, 1700000100, 1e-3);
	free(counts);
	rs_clear(&rs);
	tmpdir_free(dir);

	for (size_t i = 0; i < ARRAY_SIZE(bad_up); i++) {
		dir = folder_of(upnames, 2);
		p = write_in(dir, "0001.uptime", bad_up[i].text, strlen(bad_up[i].text));
		free(p);
		p = write_in(dir, "0002.uptime", "5\n", 2);
		free(p);
		rs_init(&rs);
		diag_capture();
		counts = folder_counts(dir, &rs);
		diag_set_sink(NULL);
		ck_assert_int_eq(diag_n, 2);
		snprintf(want, sizeof(want),
			 "%s/0001.uptime:1: expected seconds since boot (a number from 0 to 10^12, as in /proc/uptime), found '%s'; ignored",
			 dir, bad_up[i].shown);
		ck_assert_str_eq(diag_msgs[0], want);
		ck_assert_msg(strstr(diag_msgs[1], ": 1 of 2 moments have no .uptime file (0001): every moment's time comes from its name"),
			      "%s", diag_msgs[1]);
		ck_assert_double_eq_tol(rs.samples[0].time, 1, 1e-9);
		ck_assert_double_eq_tol(rs.samples[1].time, 2, 1e-9);
		free(counts);
		rs_clear(&rs);
		tmpdir_free(dir);
	}

	/* a modification time of 10^13 s (tmpfs keeps one; ext4 stops at 2446) */
	if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode) || access(base, W_OK) < 0)
		base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	p = xasprintf("%s/pagetop-test.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(p));
	dir = p;
	for (int i = 0; i < 2; i++) {
		files[i] = write_in(dir, upnames[i], STACKS_A, strlen(STACKS_A));
		paths[i] = files[i];
	}
	set_mtime(files[0], 1700000000);
	set_mtime(files[1], (time_t)10000000000000LL);
	ck_assert_int_eq(stat(files[1], &st), 0);
	rs_init(&rs);
	diag_capture();
	ck_assert_msg(read_all(paths, 2, NULL, &rs, &err) == 2, "%s", err.msg);
	diag_set_sink(NULL);
	if (st.st_mtime == (time_t)10000000000000LL) {
		snprintf(want, sizeof(want),
			 "%s: its modification time is 10000000000000 seconds from 1970, more than 10^12 (31,700 years): taken as 0",
			 files[1]);
		ck_assert_int_ge(diag_n, 1);
		ck_assert_str_eq(diag_msgs[0], want);
		ck_assert_double_eq_tol(rs.samples[1].time, 0, 1e-9);
	} else {
		/* the file system keeps no such time: nothing to say */
		ck_assert_double_eq_tol(rs.samples[1].time, (double)st.st_mtime, 1e-3);
	}
	rs_clear(&rs);
	for (int i = 0; i < 2; i++)
		free(files[i]);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_meta_files)
{
	static const char *const names[] = { "0001.show_stacks", "0002.show_stacks" };
	char *dir = folder_of(names, 2);
	struct rsink rs;
	struct pt_err err;
	char *p;

	p = write_in(dir, "page-size", "16384\n", 6);
	free(p);
	p = write_in(dir, "kernel-release", "6.19.0-test\n", 12);
	free(p);
	p = write_in(dir, "README.md", "# notes\n", 8);
	free(p);
	p = write_in(dir, "kernel-notes.bin", "\0\0\0\x04", 4);
	free(p);
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	ck_assert_int_eq(rs.meta.page_size, 16384);
	ck_assert_int_eq(rs.meta.page_size_known, 1);
	ck_assert_str_eq(rs.meta.kernel_release, "6.19.0-test");
	rs_clear(&rs);

	/* a nonsense page size is ignored, said: 4096 assumed, and unknown */
	{
		static const struct { const char *text, *shown; } bad[] = {
			{ "lots\n", "lots" }, { "4096x\n", "4096x" }, { "256\n", "256" },
			{ "33554432\n", "33554432" }, { "-4096\n", "-4096" },
			{ "99999999999999999999\n", "99999999999999999999" },
		};
		char want[1024];

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			p = write_in(dir, "page-size", bad[i].text, strlen(bad[i].text));
			free(p);
			rs_init(&rs);
			diag_capture();
			ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
			diag_set_sink(NULL);
			ck_assert_int_eq(rs.meta.page_size, 4096);
			ck_assert_int_eq(rs.meta.page_size_known, 0);
			ck_assert_int_eq(diag_n, 1);
			snprintf(want, sizeof(want),
				 "%s/page-size:1: expected a page size from 512 to 16777216 bytes, found '%s'; ignored (4096 assumed)",
				 dir, bad[i].shown);
			ck_assert_str_eq(diag_msgs[0], want);
			rs_clear(&rs);
		}
	}
	tmpdir_free(dir);
}
END_TEST

/* A folder's kernel-release becomes part of the debug info's paths: what uname -r cannot
 * print is dropped with a warning, and the folder is read as before. */
START_TEST(test_folder_bad_release)
{
	static const char *const names[] = { "0001.show_stacks", "0002.show_stacks" };
	static const struct { const char *text; size_t len; const char *shown; } bad[] = {
		{ "../..\n", 6, "../.." },
		{ "../../tmp/x", 11, "../../tmp/x" },
		{ "6.1\n../..\n", 10, "6.1\\x0a../.." },
		{ "6.1\0/../..", 10, "6.1\\x00/../.." },
		{ "\x1b]0;hi\x07", 7, "\\x1b]0;hi\\x07" },
	};
	char *dir = folder_of(names, 2), *other, *q;
	struct rsink rs;
	struct pt_err err;
	char *p, want[1024];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		p = write_in(dir, "kernel-release", bad[i].text, bad[i].len);
		free(p);
		diag_capture();
		rs_init(&rs);
		ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
		diag_set_sink(NULL);
		ck_assert_ptr_null(rs.meta.kernel_release);
		ck_assert_int_eq(diag_n, 1);
		snprintf(want, sizeof(want),
			 "%s/kernel-release:1: kernel-release '%s' is not a kernel release; ignored",
			 dir, bad[i].shown);
		ck_assert_str_eq(diag_msgs[0], want);
		rs_clear(&rs);
	}
	/* a symbolic link is not read: it would say what another file holds */
	p = path_join(dir, "kernel-release");
	unlink(p);
	other = tmpdir_new();
	q = write_in(other, "kernel-release", "6.1.0\n", 6);
	ck_assert_int_eq(symlink(q, p), 0);
	diag_capture();
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	diag_set_sink(NULL);
	ck_assert_ptr_null(rs.meta.kernel_release);
	ck_assert_int_eq(diag_n, 1);
	snprintf(want, sizeof(want),
		 "%s: not read: a symbolic link (only the folder's own file is read)", p);
	ck_assert_str_eq(diag_msgs[0], want);
	free(p);
	free(q);
	tmpdir_free(other);
	rs_clear(&rs);
	/* a named pipe is not read (it would block) */
	p = path_join(dir, "kernel-release");
	unlink(p);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	free(p);
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	ck_assert_ptr_null(rs.meta.kernel_release);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_handles_pairs)
{
	char *dir = tmpdir_new();
	struct rsink rs;
	struct pt_err err;
	char *p;

	p = write_in(dir, "0001.show_stacks_handles", SH, strlen(SH));
	free(p);
	p = write_in(dir, "0001.show_handles", HANDLES, strlen(HANDLES));
	free(p);
	p = write_in(dir, "0002.show_handles", "handle: 9\nnr_base_pages: 4\n\n", 28);
	free(p);
	{
		/* compressed members of a pair */
		size_t zl;
		unsigned char *z = gzip_buf(SH, strlen(SH), &zl);

		p = write_in(dir, "0002.show_stacks_handles.gz", z, zl);
		free(p);
		free(z);
	}
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	ck_assert_int_eq(rs.meta.iface, IFACE_HANDLES);
	ck_assert_uint_eq(rs.nct, 3);
	ck_assert_uint_eq(rs.ct[2].handle, 9);
	ck_assert_uint_eq(rs.ct[2].count, 4);
	ck_assert_uint_eq(rs.ct[2].sample, 2);
	rs_clear(&rs);

	/* a lone show_handles is skipped with a warning */
	p = write_in(dir, "0003.show_handles", HANDLES, strlen(HANDLES));
	free(p);
	diag_capture();
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], "/0003: skipped: show_handles and show_stacks_handles must come together"),
		      "%s", diag_msgs[0]);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_folder_errors)
{
	char *dir = tmpdir_new();
	struct rsink rs;
	struct pt_err err;
	char *p, *msg;

	/* empty folder */
	rs_init(&rs);
	ck_assert_int_eq(read_one(dir, &rs, &err), -1);
	ck_assert_int_ge(asprintf(&msg, "%s: expected snapshot files (show_stacks, show_handles with show_stacks_handles, page_owner), found none", dir), 0);
	ck_assert_str_eq(err.msg, msg);
	rs_clear(&rs);

	/* only files that are no snapshots: skipped with a warning each, then the error */
	p = write_in(dir, "notes.txt", "hello\n", 6);
	free(p);
	p = write_in(dir, "README", "read me\n", 8);
	free(p);
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(read_one(dir, &rs, &err), -1);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], "notes.txt: skipped: not a snapshot pagetop can read on its own"),
		      "%s", diag_msgs[0]);
	free(msg);
	rs_clear(&rs);
	diag_set_sink(NULL);

	/* two files for one moment */
	p = write_in(dir, "s.show_stacks", STACKS_A, strlen(STACKS_A));
	free(p);
	p = write_in(dir, "s.show_stacks.xz", STACKS_A, strlen(STACKS_A));
	free(p);
	rs_init(&rs);
	diag_capture();
	ck_assert_int_eq(read_one(dir, &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, "two files for the same moment"), "%s", err.msg);
	rs_clear(&rs);
	diag_set_sink(NULL);
	tmpdir_free(dir);

	/* a bad file in the middle of a series: the samples before it, then FILE:LINE */
	{
		static const char *const names[] = { "snap.1", "snap.2", "snap.3" };

		dir = folder_of(names, 3);
		p = write_in(dir, "snap.2", " a+0x1/0x2\n b+0x1/0x2\n\n", 23);
		rs_init(&rs);
		ck_assert_int_eq(read_one(dir, &rs, &err), -1);
		ck_assert_int_ge(asprintf(&msg, "%s:3: expected \"nr_base_pages: N\" after the frames", p), 0);
		ck_assert_msg(strncmp(err.msg, msg, strlen(msg)) == 0, "%s", err.msg);
		ck_assert_int_eq(rs.nend, 1);
		free(msg);
		free(p);
		rs_clear(&rs);
		tmpdir_free(dir);
	}
	/* not a folder we can read */
	rs_init(&rs);
	ck_assert_int_eq(read_one("/nonexistent/pagetop/dir/", &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, "/nonexistent/pagetop/dir/"), "%s", err.msg);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_folder_formats)
{
	/* the proposal and the per-block dump by suffix, and compressed files by content */
	char *dir = tmpdir_new();
	struct rsink rs;
	struct pt_err err;
	size_t zl;
	unsigned char *z;
	char *p;

	p = write_in(dir, "1.page_owner_stacks", "a+0x1/0x2\nstack_count: 5\n\n\n\n", 28);
	free(p);
	z = xz_buf("a+0x1/0x2\nstack_count: 7\n\n", 26, &zl);
	p = write_in(dir, "2.page_owner_stacks.xz", z, zl);
	free(p);
	free(z);
	rs_init(&rs);
	ck_assert_msg(read_one(dir, &rs, &err) == 2, "%s", err.msg);
	ck_assert_int_eq(rs.meta.iface, IFACE_PROPOSAL);
	ck_assert_int_eq(rs.meta.unit, UNIT_ALLOCS);
	ck_assert_uint_eq(rs.st[1].count, 7);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ handles vs show_stacks */

START_TEST(test_handles_agree_with_show_stacks)
{
	/* sample 30 of the demo read three ways, one file after another: the counts by
	 * handle (show_stacks_handles + show_handles) match those of show_stacks for nearly
	 * every stack */
	struct model *ms = model_new(), *mh = model_new();
	const char *ss = TD("plain/0030.show_stacks");
	const char *pair[2] = { TD("plain/0030.show_stacks_handles"), TD("plain/0030.show_handles") };
	size_t compared = 0, same = 0;
	int64_t tot_s = 0, tot_h = 0;

	ck_assert_int_eq(model_load(ms, &ss, 1), 1);
	ck_assert_int_eq(model_load(mh, pair, 2), 1);
	ck_assert_int_eq(model_meta(mh)->iface, IFACE_HANDLES);
	ck_assert_uint_ge(model_nstacks(mh), model_nstacks(ms));
	for (size_t i = 0; i < model_nstacks(ms); i++)
		tot_s += model_stack(ms, (uint32_t)i)->s.now;
	for (size_t i = 0; i < model_nstacks(mh); i++) {
		const struct stack *h = model_stack(mh, (uint32_t)i);
		struct sbuf b = { 0 };
		const struct stack *s;

		tot_h += h->s.now;
		if (!h->s.now)
			continue; /* zero: show_stacks does not list it */
		ck_assert_uint_gt(h->nframes, 0);
		sb_add(&b, "");
		for (unsigned f = 0; f < h->nframes; f++)
			sb_printf(&b, "%s%s", f ? ";" : "", model_frame(mh, h->frames[f]));
		s = model_find(ms, b.s);
		sb_free(&b);
		compared++;
		if (s && s->s.now == h->s.now)
			same++;
	}
	ck_assert_uint_gt(compared, 100);
	/* 238 of 254 in this sample (93.7%): the 16 others are short-lived stacks
	 * (exec, clone, page faults, 9p) that changed between the reads */
	ck_assert_msg(same * 100 >= compared * 90, "%zu of %zu stacks agree", same, compared);
	ck_assert_msg(llabs(tot_s - tot_h) * 100 <= tot_s, "totals %lld and %lld",
		      (long long)tot_s, (long long)tot_h);
	model_free(ms);
	model_free(mh);
}
END_TEST

START_TEST(test_small_pairs_agree)
{
	/* the same for every sample of the small set, read as two folders */
	char *dir_s = tmpdir_new(), *dir_h = tmpdir_new();
	struct model *ms = model_new(), *mh = model_new();
	struct view vs, vh;
	struct source *a, *b;
	struct source_opts so;
	struct pt_err err;
	struct sink sa = model_sink(ms), sb = model_sink(mh);

	for (int i = 0; i < 16; i++) {
		static const char *const kinds[] = { "show_stacks", "show_handles",
						     "show_stacks_handles" };

		for (int k = 0; k < 3; k++) {
			char src[4096], dst[4096];

			snprintf(src, sizeof(src), TD("small/%04d.%s.xz"), i, kinds[k]);
			snprintf(dst, sizeof(dst), "%s/%04d.%s.xz", k ? dir_h : dir_s, i, kinds[k]);
			{
				/* copies: as root a folder's links out of it are not read */
				size_t len = 0;
				char *data = read_file(src, &len);

				write_file(dst, data, len);
				free(data);
			}
		}
	}
	source_opts_init(&so);
	ck_assert_int_eq(source_open(&a, (const char *const *)&dir_s, 1, &so, &err), 0);
	ck_assert_int_eq(source_open(&b, (const char *const *)&dir_h, 1, &so, &err), 0);
	view_init(&vs);
	view_init(&vh);
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(source_next(a, &sa, -1, &err), SRC_SAMPLE);
		ck_assert_msg(source_next(b, &sb, -1, &err) == SRC_SAMPLE, "%s", err.msg);
		model_view(ms, &(struct view_opts){ .key = KEY_PAGES }, &vs);
		model_view(mh, &(struct view_opts){ .key = KEY_PAGES }, &vh);
		ck_assert_msg(llabs(vs.total_pages - vh.total_pages) * 100 <= vs.total_pages,
			      "sample %d: %lld and %lld pages", i, (long long)vs.total_pages,
			      (long long)vh.total_pages);
	}
	ck_assert_int_eq(source_meta(b)->iface, IFACE_HANDLES);
	ck_assert_int_eq(source_next(a, &sa, -1, &err), SRC_END);
	ck_assert_int_eq(source_next(b, &sb, -1, &err), SRC_END);
	source_close(a);
	source_close(b);
	view_free(&vs);
	view_free(&vh);
	model_free(ms);
	model_free(mh);
	tmpdir_free(dir_s);
	tmpdir_free(dir_h);
}
END_TEST


START_TEST(test_folder_links)
{
	/* as root a folder's symbolic links are read only when they stay in the folder */
	char *dir = tmpdir_new(), *other = tmpdir_new();
	char *out_file, *in_file, *out_link, *in_link, want[1024];
	const char *snap = " a+0x1/0x2\nnr_base_pages: 5\n\n";
	struct rsink rs;
	struct pt_err err;
	int n;

	out_file = write_in(other, "secret", snap, strlen(snap));
	in_file = write_in(dir, "0001.show_stacks", snap, strlen(snap));
	out_link = path_join(dir, "0002.show_stacks");
	in_link = path_join(dir, "0003.show_stacks");
	ck_assert_int_eq(symlink(out_file, out_link), 0);
	ck_assert_int_eq(symlink("0001.show_stacks", in_link), 0);
	diag_capture();
	rs_init(&rs);
	n = read_one(dir, &rs, &err);
	diag_set_sink(NULL);
	if (geteuid() == 0) {
		ck_assert_msg(n == 2, "%d samples: %s", n, err.msg);
		ck_assert_int_eq(diag_n, 1);
		snprintf(want, sizeof(want),
			 "%s: skipped: a symbolic link out of the folder, and pagetop runs as root (name the file on the command line to read it)",
			 out_link);
		ck_assert_str_eq(diag_msgs[0], want);
	} else {
		ck_assert_msg(n == 3, "%d samples: %s", n, err.msg);
		ck_assert_int_eq(diag_n, 0);
	}
	rs_clear(&rs);
	free(out_file);
	free(in_file);
	free(out_link);
	free(in_link);
	tmpdir_free(dir);
	tmpdir_free(other);
}
END_TEST

/* ------------------------------------------------------------------ SOURCE@SEL */

START_TEST(test_select_parse)
{
	static const struct {
		const char *s;
		enum sample_pick pick;
		uint64_t n;
	} ok[] = {
		{ "0", SAMPLE_AT, 0 },
		{ "40", SAMPLE_AT, 40 },
		{ "18446744073709551615", SAMPLE_AT, UINT64_MAX },
		{ "first", SAMPLE_FIRST, 0 },
		{ "last", SAMPLE_LAST, 0 },
		{ "peak", SAMPLE_PEAK, 0 },
		{ "-5", SAMPLE_FROM_END, 5 },
		{ "-0", SAMPLE_FROM_END, 0 },
	};
	static const char *const bad[] = {
		"", "-", "+5", " 5", "5 ", "0x10", "1e3", "18446744073709551616", "--5", "-first",
		"First", "PEAK", "peak ", "last5", "5last", "@5", "-5-",
	};
	struct sample_sel sel;
	struct pt_err err;
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		ck_assert_msg(sample_sel_parse(ok[i].s, &sel, &err) == 0, "'%s': %s", ok[i].s, err.msg);
		ck_assert_int_eq(sel.pick, ok[i].pick);
		ck_assert_uint_eq(sel.n, ok[i].n);
		ck_assert_int_eq(sample_sel_needs_end(&sel),
				 ok[i].pick == SAMPLE_LAST || ok[i].pick == SAMPLE_FROM_END ||
					 ok[i].pick == SAMPLE_PEAK);
		/* the text it prints is what it parses back */
		sample_sel_str(&sel, buf, sizeof(buf));
		ck_assert_int_eq(buf[0], '@');
	}
	ck_assert_str_eq(sample_sel_str(&(struct sample_sel){ SAMPLE_FROM_END, 5 }, buf, sizeof(buf)),
			 "@-5");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(sample_sel_parse(bad[i], &sel, &err) < 0, "'%s' parsed", bad[i]);
		/* says what was given and what is accepted */
		ck_assert_ptr_nonnull(strstr(err.msg, bad[i]));
		ck_assert_ptr_nonnull(strstr(err.msg, "@first, @last, @peak or @-N"));
	}
}
END_TEST

START_TEST(test_select_resolve)
{
	struct sample_sel sel;
	struct pt_err err;
	uint64_t k;

	sel = (struct sample_sel){ SAMPLE_AT, 0 };
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 0);
	sel.n = 89;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 89);
	sel.n = 90;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), -1);
	ck_assert_str_eq(err.msg, "no sample 90: it has 90 (numbered from 0)");
	sel.n = UINT64_MAX;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), -1);
	sel = (struct sample_sel){ SAMPLE_FROM_END, 0 };
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 89);
	sel.n = 5;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 84);
	sel.n = 89;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 0);
	sel.n = 90;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), -1);
	ck_assert_str_eq(err.msg, "no sample 90 before the last: it has 90");
	sel = (struct sample_sel){ SAMPLE_FIRST, 0 };
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 0);
	sel.pick = SAMPLE_LAST;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 89);
	sel.pick = SAMPLE_PEAK;
	ck_assert_int_eq(sample_sel_resolve(&sel, 90, 7, &k, &err), 0);
	ck_assert_uint_eq(k, 7);
	ck_assert_int_eq(sample_sel_resolve(&sel, 1, 0, &k, &err), 0);
	ck_assert_uint_eq(k, 0);
	/* an empty series has no sample of any kind */
	ck_assert_int_eq(sample_sel_resolve(&sel, 0, 0, &k, &err), -1);
	ck_assert_str_eq(err.msg, "no samples");
}
END_TEST

START_TEST(test_select_split)
{
	char *dir = tmpdir_new();
	char *at = path_join(dir, "snap@3");
	char *arg, *path;
	struct sample_sel sel;
	struct pt_err err;

	/* a path that is there is taken whole, '@' and all */
	write_str(at, STACKS_A);
	ck_assert_int_eq(source_arg_split(at, &path, &sel, &err), 0);
	ck_assert_str_eq(path, at);
	ck_assert_int_eq(sel.pick, SAMPLE_NONE);
	free(path);
	/* ... and gets a selector after it */
	ck_assert_int_ge(asprintf(&arg, "%s@last", at), 0);
	ck_assert_int_eq(source_arg_split(arg, &path, &sel, &err), 0);
	ck_assert_str_eq(path, at);
	ck_assert_int_eq(sel.pick, SAMPLE_LAST);
	free(path);
	free(arg);
	/* a path that is not there: the last '@' starts the selector */
	ck_assert_int_ge(asprintf(&arg, "%s/a@b/rec@-2", dir), 0);
	ck_assert_int_eq(source_arg_split(arg, &path, &sel, &err), 0);
	ck_assert_int_eq(sel.pick, SAMPLE_FROM_END);
	ck_assert_uint_eq(sel.n, 2);
	ck_assert_ptr_nonnull(strstr(path, "/a@b/rec"));
	ck_assert_uint_eq(strlen(path), strlen(arg) - 3);
	free(path);
	free(arg);
	ck_assert_int_ge(asprintf(&arg, "%s/rec@nope", dir), 0);
	ck_assert_int_eq(source_arg_split(arg, &path, &sel, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "rec@nope: no such file, and '@nope' picks no sample"));
	free(arg);
	/* no '@', or only a leading one: a path, whether there or not */
	ck_assert_int_eq(source_arg_split("-", &path, &sel, &err), 0);
	ck_assert_str_eq(path, "-");
	free(path);
	ck_assert_int_eq(source_arg_split("@5", &path, &sel, &err), 0);
	ck_assert_str_eq(path, "@5");
	ck_assert_int_eq(sel.pick, SAMPLE_NONE);
	free(path);
	ck_assert_int_eq(source_arg_split("-@first", &path, &sel, &err), 0);
	ck_assert_str_eq(path, "-");
	ck_assert_int_eq(sel.pick, SAMPLE_FIRST);
	free(path);
	free(at);
	tmpdir_free(dir);
}
END_TEST

/* @peak is the first sample of the highest total, as the view counts it. */
START_TEST(test_select_peak)
{
	const char *path = TD("lab.ptrec.xz");
	struct source_opts so;
	struct source *src;
	struct model *m = model_new();
	struct sink sink = model_sink(m);
	struct view_opts vo;
	struct view v;
	struct sample_sel sel;
	struct pt_err err;
	int64_t best = -1;
	uint64_t n = 0, peak = 0, k;

	source_opts_init(&so);
	view_opts_init(&vo);
	view_init(&v);
	ck_assert_int_eq(source_open(&src, &path, 1, &so, &err), 0);
	while (source_next(src, &sink, -1, &err) == SRC_SAMPLE) {
		model_view(m, &vo, &v);
		if (v.total_pages > best) {
			best = v.total_pages;
			peak = n;
		}
		n++;
	}
	source_close(src);
	view_free(&v);
	model_free(m);
	ck_assert_uint_eq(n, 90);
	ck_assert_uint_gt(peak, 0);
	sel = (struct sample_sel){ SAMPLE_PEAK, 0 };
	ck_assert_int_eq(select_sample(path, &sel, &so, &k, &err), 0);
	ck_assert_uint_eq(k, peak);
	/* a recording's length is known once read: @last, @-N */
	sel = (struct sample_sel){ SAMPLE_LAST, 0 };
	ck_assert_int_eq(select_sample(path, &sel, &so, &k, &err), 0);
	ck_assert_uint_eq(k, 89);
	sel = (struct sample_sel){ SAMPLE_FROM_END, 5 };
	ck_assert_int_eq(select_sample(path, &sel, &so, &k, &err), 0);
	ck_assert_uint_eq(k, 84);
	sel.n = 90;
	ck_assert_int_eq(select_sample(path, &sel, &so, &k, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "lab.ptrec.xz: no sample 90 before the last: it has 90"));
	/* a folder says its length: no reading */
	sel = (struct sample_sel){ SAMPLE_FROM_END, 0 };
	ck_assert_int_eq(select_sample(TD("demo"), &sel, &so, &k, &err), 0);
	ck_assert_uint_eq(k, 89);
	/* @N is checked by whoever reads up to it */
	sel = (struct sample_sel){ SAMPLE_AT, 1000 };
	ck_assert_int_eq(select_sample(path, &sel, &so, &k, &err), 0);
	ck_assert_uint_eq(k, 1000);
	select_too_few(path, &sel, 90, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "lab.ptrec.xz: no sample 1000: it has 90 (numbered from 0)"));
	/* standard input is read once */
	sel = (struct sample_sel){ SAMPLE_PEAK, 0 };
	ck_assert_int_eq(select_sample("-", &sel, &so, &k, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "standard input is read once: @peak needs a file"));
}
END_TEST

static Suite *source_suite(void)
{
	Suite *s = suite_create("source");
	TCase *tc;

	tc = tcase_new("files");
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_file_formats);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_file_expect);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_pair);
	tcase_add_test(tc, test_list_errors);
	suite_add_tcase(s, tc);

	tc = tcase_new("folders");
	tcase_add_test(tc, test_demo_folder);
	tcase_add_test(tc, test_small_folder);
	tcase_add_test(tc, test_folder_numeric_names);
	tcase_add_test(tc, test_folder_epoch_names);
	tcase_add_test(tc, test_folder_iso_names);
	tcase_add_test(tc, test_folder_compact_iso_names);
	tcase_add_test(tc, test_folder_mtime);
	tcase_add_test(tc, test_folder_mixed_names);
	tcase_add_test(tc, test_folder_mixed_kinds);
	tcase_add_test(tc, test_folder_same_times);
	tcase_add_test(tc, test_folder_uptime_wins);
	tcase_add_test(tc, test_folder_times_bounded);
	tcase_add_test(tc, test_folder_meta_files);
	tcase_add_test(tc, test_folder_bad_release);
	tcase_add_test(tc, test_folder_handles_pairs);
	tcase_add_test(tc, test_folder_errors);
	tcase_add_test(tc, test_folder_formats);
	suite_add_tcase(s, tc);

	tc = tcase_new("select");
	tcase_add_test(tc, test_select_parse);
	tcase_add_test(tc, test_select_resolve);
	tcase_add_test(tc, test_select_split);
	tcase_add_test(tc, test_select_peak);
	suite_add_tcase(s, tc);

	tc = tcase_new("handles");
	tcase_add_test(tc, test_handles_agree_with_show_stacks);
	tcase_add_test(tc, test_small_pairs_agree);
	tcase_add_test(tc, test_folder_links);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(source_suite());
}
