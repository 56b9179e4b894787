/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_output.c - batch output on a small hand-made model: text, CSV, JSON lines, folded;
 * the limit, expanded frames, allocation units, per-block summaries, write errors. */
#include "config.h"

#include <ctype.h>
#include <math.h>

#include "output.h"
#include "testutil.h"

/* Sample 0 at t=10 s, sample 1 at t=12 s (relative times: no timezone in the output). */
static const char S0[] =
	" prep_new_page+0x17/0x43\n __alloc_pages_noprof+0x9/0x16\n brd_submit_bio+0x28d/0x42b [brd]\n __submit_bio+0x6e/0x7d\nnr_base_pages: 100\n\n"
	" prep_new_page+0x17/0x43\n we\"ird\\name+0x1/0x2\nnr_base_pages: 40\n\n"
	" prep_new_page+0x17/0x43\n 0xffffffffc0001234\n kthread+0xe3/0x110\nnr_base_pages: 8\n\n"
	" register_dummy_stack+0x23/0x3e\n init_page_owner+0x24/0x237\nnr_base_pages: 2\n\n";
static const char S1[] =
	" prep_new_page+0x17/0x43\n __alloc_pages_noprof+0x9/0x16\n brd_submit_bio+0x28d/0x42b [brd]\n __submit_bio+0x6e/0x7d\nnr_base_pages: 150\n\n"
	" prep_new_page+0x17/0x43\n we\"ird\\name+0x1/0x2\nnr_base_pages: 30\n\n"
	" prep_new_page+0x17/0x43\n 0xffffffffc0001234\n kthread+0xe3/0x110\nnr_base_pages: 8\n\n"
	" prep_new_page+0x17/0x43\n __alloc_pages_noprof+0x9/0x16\n brd_do_other+0x10/0x20 [brd]\nnr_base_pages: 4\n\n"
	" register_dummy_stack+0x23/0x3e\n init_page_owner+0x24/0x237\nnr_base_pages: 2\n\n";

#define CSV_HEADER \
	"sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,label"

static struct model *small_model(void)
{
	struct model *m = model_new();

	model_feed_text(m, 10, S0);
	model_feed_text(m, 12, S1);
	return m;
}

/* The output of output_begin (when begin) and output_sample for the current sample. */
static char *render(struct model *m, const struct view_opts *vo, const struct out_opts *oo,
		    int begin)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct view v;

	ck_assert_ptr_nonnull(fp);
	view_init(&v);
	model_view(m, vo, &v);
	if (begin)
		ck_assert_int_eq(output_begin(fp, m, oo), 0);
	ck_assert_int_eq(output_sample(fp, m, vo, &v, oo), 0);
	fclose(fp);
	view_free(&v);
	return buf;
}

static char *render_fmt(struct model *m, enum out_format f, enum group_mode g, size_t limit,
			int expand, int begin)
{
	struct view_opts vo;
	struct out_opts oo;

	view_opts_init(&vo);
	vo.group = g;
	memset(&oo, 0, sizeof(oo));
	oo.format = f;
	oo.limit = limit;
	oo.expand = expand;
	return render(m, &vo, &oo, begin);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- a small JSON checker: the whole line is one valid JSON value ---- */

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static const char *json_value(const char *p);

static const char *json_string(const char *p)
{
	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	if (*p == '0' && isdigit((unsigned char)p[1]))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > s ? p : NULL;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{') {
		p = json_ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			p = json_string(json_ws(p));
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
			p = json_value(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == '}')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '[') {
		p = json_ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			p = json_value(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == ']')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return json_number(p);
}

/* Each line of s is exactly one JSON object. */
static void assert_json_lines(const char *s)
{
	size_t lines = 0;

	while (*s) {
		const char *nl = strchr(s, '\n'), *end;
		char *line;

		ck_assert_msg(nl != NULL, "JSON output does not end in a newline");
		line = strndup(s, (size_t)(nl - s));
		ck_assert_msg(line[0] == '{', "not an object: %.80s", line);
		end = json_value(line);
		ck_assert_msg(end && *json_ws(end) == '\0', "invalid JSON at offset %ld: %.200s",
			      end ? (long)(end - line) : -1L, line);
		free(line);
		s = nl + 1;
		lines++;
	}
	ck_assert_uint_gt(lines, 0);
}

START_TEST(test_json_checker)
{
	/* the checker itself tells good from bad */
	ck_assert_ptr_nonnull(json_value("{\"a\":[1,-2.5e3,true,null,\"x\\\"\\u00e9\"],\"b\":{}}"));
	ck_assert_ptr_null(json_value("{\"a\":}"));
	ck_assert_ptr_null(json_value("{\"a\":1,}"));
	ck_assert_ptr_null(json_value("{\"a\":\"x\ty\"}"));
	ck_assert_ptr_null(json_value("{\"a\":01}"));
	ck_assert_ptr_null(json_value("{\"a\":nan}"));
	ck_assert_ptr_null(json_value("{\"a\":\"\\x\"}"));
}
END_TEST

/* ------------------------------------------------------------------ csv */

START_TEST(test_csv)
{
	struct model *m = small_model();
	char *out = render_fmt(m, OUT_CSV, GROUP_STACK, 0, 0, 1);
	const struct stack *brd = model_find(m, "prep_new_page+0x17/0x43;__alloc_pages_noprof+0x9/0x16;brd_submit_bio+0x28d/0x42b [brd];__submit_bio+0x6e/0x7d");
	char want[256];

	ck_assert_ptr_nonnull(brd);
	/* the header names, exactly */
	ck_assert_msg(strncmp(out, CSV_HEADER "\n", strlen(CSV_HEADER) + 1) == 0, "%s", out);
	/* one row per stack with pages or a change, largest first */
	ck_assert_uint_eq(count_lines(out), 1 + 5);
	snprintf(want, sizeof(want),
		 "\n1,12.000,0,0,150,614400,77.320,50,25.000,50,150,%.4f,10.000,\"brd_submit_bio [brd]\"\n",
		 brd->s.score);
	ck_assert_msg(strstr(out, want), "no row %s in:\n%s", want, out);
	ck_assert_double_gt(brd->s.score, 0);
	/* quotes doubled inside a quoted label */
	ck_assert_msg(strstr(out, "\n1,12.000,1,0,30,122880,15.464,-10,-5.000,-10,40,0.0000,10.000,\"we\"\"ird\\name\"\n"),
		      "%s", out);
	/* a bare address as the caller; the dummy stack; a new stack */
	ck_assert_msg(strstr(out, "\n1,12.000,2,0,8,32768,4.124,0,0.000,0,8,0.0000,10.000,\"0xffffffffc0001234\"\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\n1,12.000,3,0,2,8192,1.031,0,0.000,0,2,0.0000,10.000,\"register_dummy_stack\"\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, ",4,0,4,16384,2.062,4,2.000,4,4,"), "%s", out);
	ck_assert_msg(strstr(out, ",12.000,\"brd_do_other [brd]\"\n"), "first_seen of a new stack: %s", out);
	/* every data row has 14 fields (no comma inside these labels but the quoted one) */
	free(out);

	/* no header without output_begin; groups have no id or handle */
	out = render_fmt(m, OUT_CSV, GROUP_CALLER, 0, 0, 0);
	ck_assert_msg(strncmp(out, "sample,", 7) != 0, "%s", out);
	ck_assert_msg(strstr(out, "1,12.000,,,150,614400,77.320,50,25.000,50,150,"), "%s", out);
	free(out);

	out = render_fmt(m, OUT_CSV, GROUP_MODULE, 0, 0, 0);
	ck_assert_msg(strstr(out, "1,12.000,,,154,630784,79.381,54,27.000,54,154,"), "%s", out);
	ck_assert_msg(strstr(out, ",\"brd\"\n"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_csv_expand_limit)
{
	struct model *m = small_model();
	char *out = render_fmt(m, OUT_CSV, GROUP_STACK, 2, 1, 1);

	ck_assert_msg(strncmp(out, CSV_HEADER ",frames\n", strlen(CSV_HEADER) + 8) == 0, "%s", out);
	ck_assert_uint_eq(count_lines(out), 1 + 2);
	/* frames innermost first, joined with ';' */
	ck_assert_msg(strstr(out, ",\"brd_submit_bio [brd]\",\"prep_new_page+0x17/0x43;__alloc_pages_noprof+0x9/0x16;brd_submit_bio+0x28d/0x42b [brd];__submit_bio+0x6e/0x7d\"\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, ",\"we\"\"ird\\name\",\"prep_new_page+0x17/0x43;we\"\"ird\\name+0x1/0x2\"\n"),
		      "%s", out);
	free(out);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ json */

START_TEST(test_json)
{
	struct model *m = small_model();
	char *out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 1);
	static const char *const fields[] = {
		"\"sample\":1,", "\"time\":12,", "\"time_abs\":false", "\"source\":{",
		"\"kind\":\"test\"", "\"name\":\"synthetic\"", "\"interface\":\"show_stacks\"",
		"\"unit\":\"pages\"", "\"page_size\":4096", "\"page_size_known\":true",
		"\"group\":\"stack\"", "\"sort\":\"pages\"", "\"ascending\":false",
		"\"threshold\":0", "\"total\":{\"pages\":194,\"bytes\":794624,\"delta\":44,",
		"\"rows_shown\":5", "\"rows_total\":5", "\"rows\":[{",
	};
	static const char *const row_fields[] = {
		"\"id\":", "\"handle\":", "\"kind\":", "\"pages\":", "\"bytes\":", "\"share\":", "\"delta\":",
		"\"rate\":", "\"delta_base\":", "\"peak\":", "\"score\":", "\"first_seen\":",
		"\"label\":",
	};

	/* one line, one valid object */
	ck_assert_uint_eq(count_lines(out), 1);
	assert_json_lines(out);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		ck_assert_msg(strstr(out, fields[i]), "no %s in %s", fields[i], out);
	/* every row has every field */
	{
		const char *p = strstr(out, "\"rows\":[");
		int rows = 0;

		while ((p = strstr(p, "{\"id\":"))) {
			const char *end = strchr(p, '}');
			char *row = strndup(p, (size_t)(end - p));

			for (size_t i = 0; i < ARRAY_SIZE(row_fields); i++)
				ck_assert_msg(strstr(row, row_fields[i]), "no %s in %s", row_fields[i], row);
			free(row);
			rows++;
			p = end;
		}
		ck_assert_int_eq(rows, 5);
	}
	ck_assert_msg(strstr(out, "{\"id\":0,\"handle\":0,\"kind\":\"normal\",\"pages\":150,\"bytes\":614400,\"share\":77.3196,\"delta\":50,\"rate\":25,\"delta_base\":50,\"peak\":150,\"score\":"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\"first_seen\":10,\"label\":\"brd_submit_bio [brd]\"}"), "%s", out);
	/* escapes: quote and backslash */
	ck_assert_msg(strstr(out, "\"label\":\"we\\\"ird\\\\name\""), "%s", out);
	ck_assert_msg(strstr(out, "\"kind\":\"dummy\""), "%s", out);
	ck_assert_ptr_null(strstr(out, "\"frames\""));
	ck_assert_ptr_null(strstr(out, "\"blocks\""));
	free(out);

	/* expand: frames with the caller and allocator marks; limit: fewer rows */
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 1, 1, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, "\"frames\":[{\"text\":\"prep_new_page+0x17/0x43\",\"caller\":false,\"allocator\":true},"
				  "{\"text\":\"__alloc_pages_noprof+0x9/0x16\",\"caller\":false,\"allocator\":true},"
				  "{\"text\":\"brd_submit_bio+0x28d/0x42b [brd]\",\"caller\":true,\"allocator\":false},"
				  "{\"text\":\"__submit_bio+0x6e/0x7d\",\"caller\":false,\"allocator\":false}]"),
		      "%s", out);
	ck_assert_ptr_null(strstr(out, "we\\\"ird"));
	free(out);

	/* groups: no id, handle or kind; the group's largest stack under expand */
	out = render_fmt(m, OUT_JSON, GROUP_CALLER, 0, 1, 0);
	assert_json_lines(out);
	ck_assert_ptr_null(strstr(out, "\"id\":"));
	ck_assert_msg(strstr(out, "\"group\":\"caller\""), "%s", out);
	ck_assert_msg(strstr(out, "{\"pages\":150,"), "%s", out);
	ck_assert_msg(strstr(out, "\"label\":\"brd_submit_bio [brd]\",\"frames\":[{\"text\":\"prep_new_page+0x17/0x43\""),
		      "%s", out);
	free(out);
	model_free(m);

	/* the failure stack: its pages in the sample object, its kind in its row */
	m = small_model();
	model_feed_text(m, 14, " register_failure_stack+0x23/0x3e\n init_page_owner+0x2a/0x237\nnr_base_pages: 12\n\n");
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, ",\"failure_pages\":12,\"rows\":["), "%s", out);
	ck_assert_msg(strstr(out, "\"kind\":\"failure\",\"pages\":12,"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_json_every_sample)
{
	/* one object per line per sample, over a real series */
	struct model *m = model_new();
	struct source *src;
	struct source_opts so;
	struct sink s = model_sink(m);
	struct pt_err err;
	const char *path = TD("demo");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct view_opts vo;
	struct out_opts oo;
	struct view v;
	int n = 0;

	source_opts_init(&so);
	ck_assert_int_eq(source_open(&src, &path, 1, &so, &err), 0);
	view_opts_init(&vo);
	vo.key = KEY_SCORE;
	memset(&oo, 0, sizeof(oo));
	oo.format = OUT_JSON;
	oo.limit = 3;
	view_init(&v);
	ck_assert_int_eq(output_begin(fp, m, &oo), 0);
	while (n < 12 && source_next(src, &s, -1, &err) == SRC_SAMPLE) {
		model_view(m, &vo, &v);
		ck_assert_int_eq(output_sample(fp, m, &vo, &v, &oo), 0);
		n++;
	}
	fclose(fp);
	ck_assert_uint_eq(count_lines(buf), 12);
	assert_json_lines(buf);
	ck_assert_msg(strstr(buf, "{\"sample\":0,\"time\":1.57,\"time_abs\":false,\"source\":{\"kind\":\"folder\""),
		      "%.300s", buf);
	ck_assert_msg(strstr(buf, "\"kernel_release\":\"7.3.4\""), "%.300s", buf);
	ck_assert_msg(strstr(buf, "\n{\"sample\":11,"), "no sample 11");
	/* the demo never lost a stack: no failure stack, no failure_pages */
	ck_assert_ptr_null(strstr(buf, "\"failure_pages\":"));
	free(buf);
	view_free(&v);
	source_close(src);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ folded */

START_TEST(test_folded)
{
	struct model *m = small_model();
	char *out = render_fmt(m, OUT_FOLDED, GROUP_STACK, 0, 0, 1);

	/* outermost first, no offsets, modules kept, rows with pages only */
	ck_assert_str_eq(out,
			 "__submit_bio;brd_submit_bio [brd];__alloc_pages_noprof;prep_new_page 150\n"
			 "we\"ird\\name;prep_new_page 30\n"
			 "kthread;0xffffffffc0001234;prep_new_page 8\n"
			 "brd_do_other [brd];__alloc_pages_noprof;prep_new_page 4\n"
			 "init_page_owner;register_dummy_stack 2\n");
	free(out);

	/* a stack gone to zero is not printed */
	model_feed_text(m, 14, " prep_new_page+0x17/0x43\n kthread+0xe3/0x110\nnr_base_pages: 1\n\n");
	out = render_fmt(m, OUT_FOLDED, GROUP_STACK, 0, 0, 0);
	ck_assert_str_eq(out, "kthread;prep_new_page 1\n");
	free(out);
	model_free(m);

	/* limit and groups */
	m = small_model();
	out = render_fmt(m, OUT_FOLDED, GROUP_STACK, 2, 0, 0);
	ck_assert_uint_eq(count_lines(out), 2);
	free(out);
	out = render_fmt(m, OUT_FOLDED, GROUP_MODULE, 0, 0, 0);
	ck_assert_str_eq(out, "brd 154\nvmlinux 32\n? 8\n");
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_folded_page_owner)
{
	/* the per-block dump folded: lines sum to the dump's pages */
	struct model *m = model_new();
	const char *path = TD("small/page_owner.xz");
	char *out, *p;
	size_t len;
	char *text = read_xz_file(path, &len);
	uint64_t pages = 0, sum = 0;

	for (p = text; (p = strstr(p, "Page allocated via order ")); p++)
		pages += 1ULL << strtoul(p + 25, NULL, 10);
	ck_assert_int_eq(model_load(m, &path, 1), 1);
	out = render_fmt(m, OUT_FOLDED, GROUP_STACK, 0, 0, 0);
	for (p = out; *p;) {
		char *nl = strchr(p, '\n'), *sp;

		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		sp = strrchr(p, ' ');
		ck_assert_ptr_nonnull(sp);
		ck_assert_ptr_null(strchr(p, '+')); /* no offsets */
		sum += strtoull(sp + 1, NULL, 10);
		p = nl + 1;
	}
	ck_assert_uint_eq(sum, pages);
	free(out);
	free(text);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ text */

START_TEST(test_text)
{
	struct model *m = small_model();
	char *out = render_fmt(m, OUT_TEXT, GROUP_STACK, 0, 0, 1);
	char want[256];

	snprintf(want, sizeof(want), "pagetop %s - test synthetic (show_stacks), sample 2, 12.00 s (+2.0 s)\n",
		 PACKAGE_VERSION);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\nTotal 194 pages (776.0 KiB), change +44, +22.0/s, since baseline +44; rows 5 shown / 5\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\nSort pages descending, group stack, threshold 0\n"), "%s", out);
	ck_assert_msg(strstr(out, "\n     PAGES       SIZE   SHARE     DELTA       RATE  DELTA_BASE       PEAK  SCORE FIRST_SEEN  LABEL\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\n       150  600.0 KiB  77.32%       +50      +25.0         +50        150  0.006       +0.0  brd_submit_bio [brd]\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\n         4   16.0 KiB   2.06%        +4       +2.0          +4          4  0.000       +2.0  brd_do_other [brd]\n"),
		      "%s", out);
	/* header, totals, view, column names, 5 rows, a blank line */
	ck_assert_uint_eq(count_lines(out), 4 + 5 + 1);
	ck_assert_msg(out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] == '\n', "%s", out);
	free(out);

	/* limit */
	out = render_fmt(m, OUT_TEXT, GROUP_STACK, 2, 0, 1);
	ck_assert_uint_eq(count_lines(out), 4 + 2 + 1);
	ck_assert_msg(strstr(out, "rows 5 shown / 5"), "%s", out);
	free(out);

	/* expand: the frames under each row, the caller marked */
	out = render_fmt(m, OUT_TEXT, GROUP_STACK, 1, 1, 1);
	ck_assert_msg(strstr(out, "brd_submit_bio [brd]\n"
				  "                      prep_new_page+0x17/0x43\n"
				  "                      __alloc_pages_noprof+0x9/0x16\n"
				  "                    > brd_submit_bio+0x28d/0x42b [brd]\n"
				  "                      __submit_bio+0x6e/0x7d\n\n"), "%s", out);
	free(out);

	/* groups under expand show their largest stack */
	out = render_fmt(m, OUT_TEXT, GROUP_CALLER, 1, 1, 1);
	ck_assert_msg(strstr(out, "(largest stack of the group:)\n"), "%s", out);
	ck_assert_msg(strstr(out, "> brd_submit_bio+0x28d/0x42b [brd]\n"), "%s", out);
	ck_assert_msg(strstr(out, "group caller"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_text_units)
{
	/* the proposal's unit: allocations, no bytes; an unknown page size is said */
	struct model *m = model_new();
	struct sink s = model_sink(m);
	struct source_meta meta;
	struct sample_info si = { 5, 0, 0 };
	struct pt_err err;
	struct reader *r;
	static const char text[] = "a+0x1/0x2\nstack_count: 7\n\n\n\n";
	char *out;

	memset(&meta, 0, sizeof(meta));
	meta.name = "p";
	meta.kind = "file";
	meta.iface = IFACE_PROPOSAL;
	meta.unit = UNIT_ALLOCS;
	meta.page_size = 4096;
	ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	ck_assert_int_eq(s.ops->begin(s.self, &si, &err), 0);
	ck_assert_int_eq(reader_open_mem(&r, text, sizeof(text) - 1, "p", &err), 0);
	ck_assert_int_eq(parse_stream(r, PF_UNKNOWN, NULL, &s, &err), 0);
	reader_close(r);
	ck_assert_int_eq(s.ops->end(s.self, &err), 0);

	out = render_fmt(m, OUT_TEXT, GROUP_STACK, 0, 0, 1);
	ck_assert_msg(strstr(out, "\nTotal 7 allocations (stack_count counts allocations, not pages), change 0; rows 1 shown / 1\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "\n         7          -"), "%s", out);
	ck_assert_ptr_null(strstr(out, "page size unknown"));
	free(out);
	out = render_fmt(m, OUT_CSV, GROUP_STACK, 0, 0, 0);
	ck_assert_msg(strstr(out, "0,5.000,0,0,7,,100.000,0,"), "%s", out);
	free(out);
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, "\"unit\":\"allocations\""), "%s", out);
	ck_assert_msg(strstr(out, "\"total\":{\"pages\":7,\"bytes\":null,"), "%s", out);
	ck_assert_msg(strstr(out, "\"pages\":7,\"bytes\":null,"), "%s", out);
	free(out);
	model_free(m);

	/* pages, with the page size unknown */
	m = model_new();
	s = model_sink(m);
	meta.unit = UNIT_PAGES;
	meta.iface = IFACE_SHOW_STACKS;
	meta.page_size = 4096;
	meta.page_size_known = 0;
	ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	ck_assert_int_eq(s.ops->begin(s.self, &si, &err), 0);
	ck_assert_int_eq(s.ops->end(s.self, &err), 0);
	out = render_fmt(m, OUT_TEXT, GROUP_STACK, 0, 0, 1);
	ck_assert_msg(strstr(out, ", page size unknown: 4096 bytes assumed\n"), "%s", out);
	ck_assert_msg(strstr(out, "rows 0 shown / 0"), "%s", out);
	free(out);
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, "\"page_size_known\":false"), "%s", out);
	ck_assert_msg(strstr(out, "\"rows\":[]}"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

START_TEST(test_blocks_output)
{
	struct model *m = model_new();
	char *out;

	model_feed_text(m, 0,
			"Page allocated via order 2, mask 0xcc0(GFP_KERNEL), pid 77, tgid 77 (dd \"x\"), ts 100 ns\n"
			"PFN 0x1000 type Unmovable Block 8 type Unmovable Flags 0x0()\n"
			" prep_new_page+0x17/0x43\n"
			" do_alloc+0x1/0x2\n"
			"\n"
			"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 78, tgid 78 (dd \"x\"), ts 200 ns\n"
			"PFN 0x2000 type Unmovable Block 8 type Unmovable Flags 0x0()\n"
			" prep_new_page+0x17/0x43\n"
			" do_alloc+0x1/0x2\n"
			"\n");
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, "\"pages\":5,"), "%s", out);
	ck_assert_msg(strstr(out, "\"blocks\":{\"count\":2,\"orders\":5,\"gfp\":3264,\"pid\":78,\"comm\":\"dd \\\"x\\\"\"}"),
		      "%s", out);
	free(out);
	out = render_fmt(m, OUT_TEXT, GROUP_STACK, 0, 1, 0);
	ck_assert_msg(strstr(out, "2 blocks of order 0,2, gfp 0xcc0, newest by pid 78 (dd \"x\")\n"),
		      "%s", out);
	free(out);
	model_free(m);
}
END_TEST

/* The number after "key": in s. */
static double json_field(const char *s, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(s, pat);
	ck_assert_msg(p != NULL, "no %s in %s", pat, s);
	return strtod(p + strlen(pat), NULL);
}

START_TEST(test_json_absolute_times)
{
	/* times since the epoch (files, the live kernel) keep their precision in JSON: a
	 * sample time is a timestamp, not 1.7e+09 */
	struct model *m = model_new();
	struct sink s = model_sink(m);
	struct source_meta meta;
	struct sample_info si = { 1700000123.25, 1, 0 };
	struct pt_err err;
	struct reader *r;
	static const char text[] = " a+0x1/0x2\nnr_base_pages: 7\n\n";
	char *out;

	memset(&meta, 0, sizeof(meta));
	meta.name = "f";
	meta.kind = "file";
	meta.iface = IFACE_SHOW_STACKS;
	meta.page_size = 4096;
	ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	for (int i = 0; i < 2; i++) {
		si.seq = (uint64_t)i;
		si.time = 1700000123.25 + 2.5 * i;
		ck_assert_int_eq(s.ops->begin(s.self, &si, &err), 0);
		ck_assert_int_eq(reader_open_mem(&r, text, sizeof(text) - 1, "f", &err), 0);
		ck_assert_int_eq(parse_stream(r, PF_UNKNOWN, NULL, &s, &err), 0);
		reader_close(r);
		ck_assert_int_eq(s.ops->end(s.self, &err), 0);
	}
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 0, 0);
	assert_json_lines(out);
	ck_assert_msg(strstr(out, "\"time_abs\":true"), "%s", out);
	ck_assert_msg(fabs(json_field(out, "time") - 1700000125.75) < 0.01, "time in %s", out);
	ck_assert_msg(fabs(json_field(out, "first_seen") - 1700000123.25) < 0.01, "first_seen in %s",
		      out);
	free(out);
	/* CSV too */
	out = render_fmt(m, OUT_CSV, GROUP_STACK, 0, 0, 0);
	ck_assert_msg(strncmp(out, "1,1700000125.750,0,0,7,", 23) == 0, "%s", out);
	ck_assert_msg(strstr(out, ",1700000123.250,\"a\"\n"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

/* s is valid UTF-8 (no stray continuation bytes, no truncated or overlong sequences). */
static int utf8_valid(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	while (*p) {
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			return 0;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n + 1;
	}
	return 1;
}

START_TEST(test_json_utf8)
{
	/* a task can name itself with any bytes (prctl PR_SET_NAME), and a hand-made file can
	 * hold any frame name: JSON output stays valid UTF-8 whatever the input's bytes */
	struct model *m = model_new();
	char *out;

	model_feed_text(m, 0,
			"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 5, tgid 5 (bad\xff\xfe), ts 1 ns\n"
			"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
			" prep_new_page+0x17/0x43\n"
			" caf\xc3\xa9_ok+0x1/0x2\n"
			"\n"
			"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 6, tgid 6 (x), ts 2 ns\n"
			"PFN 0x2 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
			" prep_new_page+0x17/0x43\n"
			" trunc\xe2\x82+0x1/0x2\n"
			"\n");
	out = render_fmt(m, OUT_JSON, GROUP_STACK, 0, 1, 0);
	assert_json_lines(out);
	ck_assert_msg(utf8_valid(out), "JSON output is not valid UTF-8: %s", out);
	/* valid UTF-8 goes through, as is or escaped */
	ck_assert_msg(strstr(out, "caf\xc3\xa9_ok") || strstr(out, "caf\\u00e9_ok"), "%s", out);
	free(out);
	model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ escapes */

/* esc_write() of s into a string. */
static char *esc_written(const char *s, size_t n, int utf8)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	esc_write(fp, s, n, utf8);
	fclose(fp);
	return buf;
}

/* What esc_str() and esc_write() make of s: the same, and want. */
static void assert_esc(const char *s, int utf8, const char *want)
{
	struct esc_buf b = { NULL, 0 };
	const char *got = esc_str(&b, s, utf8);
	char *w = esc_written(s, strlen(s), utf8);

	ck_assert_msg(strcmp(got, want) == 0, "esc_str(\"%s\", %d): \"%s\", expected \"%s\"", s,
		      utf8, got, want);
	ck_assert_msg(strcmp(w, want) == 0, "esc_write(\"%s\", %d): \"%s\", expected \"%s\"", s,
		      utf8, w, want);
	/* escaped text is escaped already: messages that quote escaped input stay as they are */
	ck_assert_str_eq(esc_str(&b, want, utf8), want);
	free(w);
	free(b.p);
}

/* s holds no C0 byte, no DEL and, with utf8, no C1 character nor invalid UTF-8; without
 * utf8, no byte from 0x80 to 0x9f. */
static int terminal_safe(const char *s, size_t n, int utf8)
{
	for (size_t i = 0; i < n;) {
		enum text_kind k;

		i += text_char(s + i, n - i, utf8, &k);
		if (k != TEXT_PRINT)
			return 0;
	}
	return 1;
}

START_TEST(test_text_char)
{
	enum text_kind k;

	ck_assert_uint_eq(text_char("a", 1, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_PRINT);
	ck_assert_uint_eq(text_char("\033[", 2, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_CONTROL);
	ck_assert_uint_eq(text_char("\t", 1, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_CONTROL);
	ck_assert_uint_eq(text_char("\177", 1, 0, &k), 1);
	ck_assert_int_eq(k, TEXT_CONTROL);
	/* C1: two bytes in UTF-8, one in an 8-bit character set */
	ck_assert_uint_eq(text_char("\xc2\x9b", 2, 1, &k), 2);
	ck_assert_int_eq(k, TEXT_CONTROL);
	ck_assert_uint_eq(text_char("\xc2\x80", 2, 1, &k), 2);
	ck_assert_int_eq(k, TEXT_CONTROL);
	ck_assert_uint_eq(text_char("\x9b", 1, 0, &k), 1);
	ck_assert_int_eq(k, TEXT_CONTROL);
	ck_assert_uint_eq(text_char("\xc2\x9b", 2, 0, &k), 1);
	ck_assert_int_eq(k, TEXT_PRINT);
	/* U+00A0 and up are characters; ß is C3 9F, its second byte no C1 */
	ck_assert_uint_eq(text_char("\xc2\xa0", 2, 1, &k), 2);
	ck_assert_int_eq(k, TEXT_PRINT);
	ck_assert_uint_eq(text_char("\xc3\x9f", 2, 1, &k), 2);
	ck_assert_int_eq(k, TEXT_PRINT);
	ck_assert_uint_eq(text_char("\xe2\x96\xbc", 3, 1, &k), 3);
	ck_assert_int_eq(k, TEXT_PRINT);
	ck_assert_uint_eq(text_char("\xf0\x9f\x98\x80", 4, 1, &k), 4);
	ck_assert_int_eq(k, TEXT_PRINT);
	/* no character: a stray continuation byte, overlong, surrogate, cut short */
	ck_assert_uint_eq(text_char("\x80", 1, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_INVALID);
	ck_assert_uint_eq(text_char("\xc0\x9b", 2, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_INVALID);
	ck_assert_uint_eq(text_char("\xed\xa0\x80", 3, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_INVALID);
	ck_assert_uint_eq(text_char("\xe2\x96\xbc", 2, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_INVALID);
	ck_assert_uint_eq(text_char("\xff", 1, 1, &k), 1);
	ck_assert_int_eq(k, TEXT_INVALID);
}
END_TEST

START_TEST(test_escape)
{
	struct esc_buf b = { NULL, 0 };
	static const char plain[] = "brd_submit_bio+0x28d/0x42b [brd] caf\xc3\xa9 we\"ird\\name";

	/* nothing to escape: the text itself, without a copy */
	ck_assert_ptr_eq(esc_str(&b, plain, 1), plain);
	ck_assert_ptr_null(b.p);
	assert_esc(plain, 1, plain);
	assert_esc("", 1, "");
	assert_esc("evil\033]0;x\007+0x1/0x2", 1, "evil\\x1b]0;x\\x07+0x1/0x2");
	assert_esc("a\tb\nc\rd\177e", 1, "a\\x09b\\x0ac\\x0dd\\x7fe");
	assert_esc("end\033", 1, "end\\x1b");
	assert_esc("\xc2\x9b", 1, "\\u009b");
	assert_esc("c1\xc2\x9b" "31m \xc2\x80\xc2\x9f", 1, "c1\\u009b31m \\u0080\\u009f");
	assert_esc("lone\x80" "byte \xff\xfe cut\xe2\x82", 1,
		   "lone\\x80byte \\xff\\xfe cut\\xe2\\x82");
	assert_esc("\xc3\x9f \xc2\xa0 \xe2\x96\xbc", 1, "\xc3\x9f \xc2\xa0 \xe2\x96\xbc");
	/* an 8-bit character set: 0x80..0x9f are C1, the rest of the high half characters */
	assert_esc("c1\xc2\x9b" "31m lone\x80 \xfc\xdf", 0, "c1\xc2\\x9b" "31m lone\\x80 \xfc\xdf");
	assert_esc("esc\033 del\177", 0, "esc\\x1b del\\x7f");
	/* the buffer grows for a long text, and the result is safe */
	{
		char big[3000];
		const char *e;

		for (size_t i = 0; i < sizeof(big) - 1; i++)
			big[i] = (char)(i % 255 + 1);
		big[sizeof(big) - 1] = '\0';
		for (int utf8 = 0; utf8 <= 1; utf8++) {
			char *w = esc_written(big, sizeof(big) - 1, utf8);

			e = esc_str(&b, big, utf8);
			ck_assert(terminal_safe(e, strlen(e), utf8));
			ck_assert_str_eq(w, e);
			free(w);
		}
	}
	free(b.p);
}
END_TEST

START_TEST(test_format_names)
{
	enum out_format f;

	ck_assert_int_eq(out_format_parse("text", &f), 0);
	ck_assert_int_eq(f, OUT_TEXT);
	ck_assert_int_eq(out_format_parse("csv", &f), 0);
	ck_assert_int_eq(f, OUT_CSV);
	ck_assert_int_eq(out_format_parse("json", &f), 0);
	ck_assert_int_eq(f, OUT_JSON);
	ck_assert_int_eq(out_format_parse("folded", &f), 0);
	ck_assert_int_eq(f, OUT_FOLDED);
	ck_assert_int_eq(out_format_parse("xml", &f), -1);
	ck_assert_int_eq(out_format_parse("CSV", &f), -1);
	ck_assert_int_eq(out_format_parse("", &f), -1);
}
END_TEST

START_TEST(test_write_error)
{
	/* a full disk is an error, not a silent truncation */
	struct model *m = small_model();
	FILE *fp = fopen("/dev/full", "w");
	struct view_opts vo;
	struct out_opts oo;
	struct view v;

	ck_assert_msg(fp != NULL, "/dev/full: %s", strerror(errno));
	view_opts_init(&vo);
	memset(&oo, 0, sizeof(oo));
	view_init(&v);
	model_view(m, &vo, &v);
	for (int f = OUT_TEXT; f <= OUT_FOLDED; f++) {
		oo.format = (enum out_format)f;
		ck_assert_msg(output_sample(fp, m, &vo, &v, &oo) == -1, "format %d", f);
		clearerr(fp);
	}
	fclose(fp);
	view_free(&v);
	model_free(m);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc;

	tc = tcase_new("formats");
	tcase_add_test(tc, test_json_checker);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_expand_limit);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_folded);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_units);
	tcase_add_test(tc, test_blocks_output);
	tcase_add_test(tc, test_json_absolute_times);
	tcase_add_test(tc, test_json_utf8);
	tcase_add_test(tc, test_format_names);
	tcase_add_test(tc, test_text_char);
	tcase_add_test(tc, test_escape);
	if (test_require(access("/dev/full", W_OK) == 0, "a writable /dev/full",
			 "mknod -m 666 /dev/full c 1 7"))
		tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);

	tc = tcase_new("real");
	tcase_add_test(tc, test_json_every_sample);
	tcase_add_test(tc, test_folded_page_owner);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(output_suite());
}
