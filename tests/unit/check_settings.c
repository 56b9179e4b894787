/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_settings.c - the table of settings: every setting reads its good values, refuses
 * bad ones with a message that says what was expected (a number's range), and prints
 * what it reads so that it reads it back the same (settings.h). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "settings_gate.h"
#include "util.h"

/* text -> the value printed (NULL: the text itself). */
struct good {
	enum setting_id id;
	enum setting_from from;
	const char *text, *printed;
};

static const struct good goods[] = {
	{ SETTING_SORT, SETTING_FROM_ARGS, "pages", "pages:desc" },
	{ SETTING_SORT, SETTING_FROM_FILE, "label", "label:asc" },
	{ SETTING_SORT, SETTING_FROM_FILE, "label:desc", NULL },
	{ SETTING_SORT, SETTING_FROM_PROMPT, "first_seen:asc", NULL },
	{ SETTING_SORT, SETTING_FROM_ARGS, "score:desc", NULL },
	{ SETTING_GROUP, SETTING_FROM_ARGS, "stack", NULL },
	{ SETTING_GROUP, SETTING_FROM_FILE, "caller", NULL },
	{ SETTING_GROUP, SETTING_FROM_FILE, "function", NULL },
	{ SETTING_GROUP, SETTING_FROM_PROMPT, "module", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "1e15", "1000000000000000" },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0x10", "16" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "250", NULL },
	/* bytes, binary; printed in the largest unit that holds them whole */
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "256K", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "64M", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "1G", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "2T", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "64MiB", "64M" },
	{ SETTING_THRESHOLD, SETTING_FROM_FILE, "64 mb", "64M" },
	{ SETTING_THRESHOLD, SETTING_FROM_FILE, "1024k", "1M" },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "1.5G", "1536M" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "1,5M", "1536K" },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "4100B", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "4096b", "4K" },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0K", "0B" },
	/* a share of each sample's total, to a thousandth of a percent */
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0.5%", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "100%", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0.125%", NULL },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "2.50 %", "2.5%" },
	{ SETTING_THRESHOLD, SETTING_FROM_FILE, "0,5%", "0.5%" },
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "0.0004%", "0%" },
	{ SETTING_INTERVAL, SETTING_FROM_ARGS, "0.1", NULL },
	{ SETTING_INTERVAL, SETTING_FROM_ARGS, "86400", NULL },
	{ SETTING_INTERVAL, SETTING_FROM_FILE, "2.50", "2.5" },
	{ SETTING_INTERVAL, SETTING_FROM_FILE, "0,125", "0.125" },
	{ SETTING_INTERVAL, SETTING_FROM_PROMPT, "1,5", "1.5" },
	{ SETTING_INTERVAL, SETTING_FROM_PROMPT, "10", NULL },
	{ SETTING_COLUMNS, SETTING_FROM_FILE, "pages,bytes", "pages,bytes,label" },
	{ SETTING_COLUMNS, SETTING_FROM_FILE, "label , peak first_seen", "peak,first_seen,label" },
	{ SETTING_COLUMNS, SETTING_FROM_FILE,
	  "label,first_seen,peak,score,trend,delta_base,rate,delta,bytes,pages",
	  "first_seen,peak,score,trend,delta_base,rate,delta,bytes,pages,label" },
	{ SETTING_ALLOC_PATTERNS, SETTING_FROM_FILE, "kmalloc* \t __alloc_pages*", "kmalloc* __alloc_pages*" },
	{ SETTING_ALLOC_PATTERNS, SETTING_FROM_ARGS, "one", NULL },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, "1", NULL },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, "1e12", "1000000000000" },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, " 5", "5" },
	{ SETTING_LIMIT, SETTING_FROM_ARGS, "0", NULL },
	{ SETTING_LIMIT, SETTING_FROM_ARGS, "25", NULL },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "text", NULL },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "csv", NULL },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "json", NULL },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "folded", NULL },
	{ SETTING_PAGE_SIZE, SETTING_FROM_ARGS, "512", NULL },
	{ SETTING_PAGE_SIZE, SETTING_FROM_ARGS, "16777216", NULL },
	{ SETTING_KERNEL_THRESHOLD, SETTING_FROM_ARGS, "0", NULL },
	{ SETTING_KERNEL_THRESHOLD, SETTING_FROM_ARGS, "2147483647", NULL },
	{ SETTING_KERNEL_THRESHOLD, SETTING_FROM_ARGS, "010", "10" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "delta", "delta:desc" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "label", "label:asc" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "pages_b:asc", NULL },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "pages_a", "pages_a:desc" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "30s", "30" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "1.5m", "90" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "1h", "3600" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "2d", "172800" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "0.25", NULL },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "0", NULL },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_FILE, "on", NULL },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_FILE, "off", NULL },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_FILE, "No", "off" },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_FILE, "1", "on" },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "0,5", "0.5" },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "1000000", NULL },
};

START_TEST(good_values)
{
	const struct good *g = &goods[_i];
	struct setting_value v, again;
	struct pt_err err;
	char *text, *text2;

	ck_assert_msg(settings_parse(g->id, g->text, &v, g->from, &err) == 0, "%s '%s': %s",
		      settings_name(g->id), g->text, err.msg);
	ck_assert_int_eq(v.id, g->id);
	text = settings_print(&v);
	ck_assert_str_eq(text, g->printed ? g->printed : g->text);
	/* what it prints reads back as the same value, wherever it is given */
	for (int from = 0; from < 3; from++) {
		ck_assert_msg(settings_parse(g->id, text, &again, (enum setting_from)from, &err) == 0,
			      "%s '%s' (printed): %s", settings_name(g->id), text, err.msg);
		text2 = settings_print(&again);
		ck_assert_str_eq(text2, text);
		free(text2);
		settings_value_free(&again);
	}
	free(text);
	settings_value_free(&v);
}
END_TEST

struct bad {
	enum setting_id id;
	enum setting_from from;
	const char *text, *msg;
};

static const struct bad bads[] = {
	{ SETTING_SORT, SETTING_FROM_ARGS, "bogus",
	  "--sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label, found 'bogus'" },
	{ SETTING_SORT, SETTING_FROM_ARGS, ":asc",
	  "--sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label, found ':asc'" },
	{ SETTING_SORT, SETTING_FROM_ARGS, "pages:up", "--sort: expected KEY:asc or KEY:desc, found 'pages:up'" },
	{ SETTING_SORT, SETTING_FROM_ARGS, "label:", "--sort: expected KEY:asc or KEY:desc, found 'label:'" },
	{ SETTING_SORT, SETTING_FROM_FILE, "pages:up",
	  "sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found 'pages:up'" },
	{ SETTING_SORT, SETTING_FROM_PROMPT, "PAGES",
	  "sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found 'PAGES'" },
	{ SETTING_SORT, SETTING_FROM_FILE,
	  "pagespagespagespagespagespagespagespagespagespagespagespagespages",
	  "sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label (with :asc or :desc), found 'pagespagespagespagespagespagespagespagespagespagespagespagespages'" },
	{ SETTING_GROUP, SETTING_FROM_ARGS, "stacks",
	  "--group: expected stack, caller, function, module, file or directory, found 'stacks'" },
	{ SETTING_GROUP, SETTING_FROM_FILE, "",
	  "group: expected stack, caller, function, module, file or directory, found ''" },
#define THR "expected pages (64), bytes (256K, 64M, 1G) or a share of the total (0.5%), found "
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "many", "--threshold: " THR "'many'" },
	{ SETTING_THRESHOLD, SETTING_FROM_FILE, "-1", "threshold: " THR "'-1'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "1.5", THR "'1.5'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "1e16", THR "'1e16'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "nan", THR "'nan'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "", THR "''" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "101%", THR "'101%'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "-1%", THR "'-1%'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "%", THR "'%'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "5%%", THR "'5%%'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "64X", THR "'64X'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "64MX", THR "'64MX'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "64Mi", THR "'64Mi'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "64BiB", THR "'64BiB'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "64  M", THR "'64  M'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "M", THR "'M'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "+5M", THR "'+5M'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "infM", THR "'infM'" },
	{ SETTING_THRESHOLD, SETTING_FROM_PROMPT, "1e10P", THR "'1e10P'" },
	/* a decimal comma is for people typing */
	{ SETTING_THRESHOLD, SETTING_FROM_ARGS, "1,5M", "--threshold: " THR "'1,5M'" },
#undef THR
	{ SETTING_INTERVAL, SETTING_FROM_PROMPT, "x", "expected seconds from 0.1 to 86400, found 'x'" },
	{ SETTING_INTERVAL, SETTING_FROM_PROMPT, "0.09", "expected seconds from 0.1 to 86400, found '0.09'" },
	{ SETTING_INTERVAL, SETTING_FROM_FILE, "86401",
	  "interval: expected seconds from 0.1 to 86400, found '86401'" },
	{ SETTING_INTERVAL, SETTING_FROM_ARGS, "inf", "-d: expected seconds from 0.1 to 86400, found 'inf'" },
	/* a decimal comma is for people typing, not for the command line */
	{ SETTING_INTERVAL, SETTING_FROM_ARGS, "0,5", "-d: expected seconds from 0.1 to 86400, found '0,5'" },
	{ SETTING_INTERVAL, SETTING_FROM_ARGS, "5 ", "-d: expected seconds from 0.1 to 86400, found '5 '" },
	{ SETTING_COLUMNS, SETTING_FROM_FILE, "pages,bogus,bytes",
	  "columns: unknown column 'bogus' (pages, bytes, calls, avg, share, delta, rate, delta_base, trend, score, peak, first_seen, label)" },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, "0", "-n: expected a whole number of samples, found '0'" },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, "1.5", "-n: expected a whole number of samples, found '1.5'" },
	{ SETTING_ITERATIONS, SETTING_FROM_ARGS, "1e13", "-n: expected a whole number of samples, found '1e13'" },
	{ SETTING_LIMIT, SETTING_FROM_ARGS, "-1", "--limit: expected a whole number of rows, found '-1'" },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "xml", "--format: expected text, csv, json, folded, openmetrics or pprof, found 'xml'" },
	{ SETTING_FORMAT, SETTING_FROM_ARGS, "TEXT", "--format: expected text, csv, json, folded, openmetrics or pprof, found 'TEXT'" },
	{ SETTING_PAGE_SIZE, SETTING_FROM_ARGS, "511", "--page-size: expected bytes from 512 to 16777216, found '511'" },
	{ SETTING_PAGE_SIZE, SETTING_FROM_ARGS, "16777217",
	  "--page-size: expected bytes from 512 to 16777216, found '16777217'" },
	{ SETTING_PAGE_SIZE, SETTING_FROM_ARGS, "4096.5",
	  "--page-size: expected bytes from 512 to 16777216, found '4096.5'" },
	{ SETTING_KERNEL_THRESHOLD, SETTING_FROM_ARGS, "2147483648",
	  "--kernel-threshold: expected a whole number of pages, found '2147483648'" },
	{ SETTING_KERNEL_THRESHOLD, SETTING_FROM_ARGS, "-1",
	  "--kernel-threshold: expected a whole number of pages, found '-1'" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "pages_c",
	  "--sort: expected delta, bytes, pages, pages_a, pages_b or label, found 'pages_c'" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "score",
	  "--sort: expected delta, bytes, pages, pages_a, pages_b or label, found 'score'" },
	{ SETTING_DIFF_SORT, SETTING_FROM_ARGS, "delta:up", "--sort: expected KEY:asc or KEY:desc, found 'delta:up'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "0", "expected a time such as 30s, 5m or 1h, found '0'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "-1s", "expected a time such as 30s, 5m or 1h, found '-1s'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "5q", "expected a time such as 30s, 5m or 1h, found '5q'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "1 h", "expected a time such as 30s, 5m or 1h, found '1 h'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "nan", "expected a time such as 30s, 5m or 1h, found 'nan'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "inf", "expected a time such as 30s, 5m or 1h, found 'inf'" },
	{ SETTING_DURATION, SETTING_FROM_ARGS, "1e308d", "expected a time such as 30s, 5m or 1h, found '1e308d'" },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_FILE, "maybe", "function-bar: expected on or off, found 'maybe'" },
	{ SETTING_FUNCTION_BAR, SETTING_FROM_PROMPT, "", "expected on or off, found ''" },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "-1", "expected a speed such as 1, 2 or 0.5, found '-1'" },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "fast", "expected a speed such as 1, 2 or 0.5, found 'fast'" },
	{ SETTING_PLAY_SPEED, SETTING_FROM_PROMPT, "2000000", "expected a speed such as 1, 2 or 0.5, found '2000000'" },
};

START_TEST(bad_values)
{
	const struct bad *b = &bads[_i];
	struct setting_value v;
	struct pt_err err;

	ck_assert_msg(settings_parse(b->id, b->text, &v, b->from, &err) == -1, "%s '%s' was taken",
		      settings_name(b->id), b->text);
	ck_assert_str_eq(err.msg, b->msg);
}
END_TEST

/* Every setting takes its default and prints it; a number's range has a name in the
 * messages (the bad values above), so every number refuses what is just outside it. */
START_TEST(defaults_and_ranges)
{
	for (int i = 0; i < SETTING__N; i++) {
		enum setting_id id = (enum setting_id)i;
		struct setting_value v;
		struct pt_err err;
		double min, max;
		char below[64], above[64];

		if (settings_default(id, &v) == 0) {
			char *text = settings_print(&v);
			struct setting_value again;

			ck_assert_msg(settings_parse(id, text, &again, SETTING_FROM_FILE, &err) == 0,
				      "%s: %s", settings_name(id), err.msg);
			free(text);
			settings_value_free(&again);
			settings_value_free(&v);
		}
		ck_assert_int_eq(v.id, id);
		if (settings_type(id) != SETTING_TYPE_WHOLE && settings_type(id) != SETTING_TYPE_NUMBER)
			continue;
		settings_range(id, &min, &max);
		snprintf(below, sizeof(below), "%.17g", min - (min ? min / 2 : 1));
		ck_assert_msg(settings_parse(id, below, &v, SETTING_FROM_ARGS, &err) == -1, "%s %s",
			      settings_name(id), below);
		ck_assert_msg(strstr(err.msg, below), "%s", err.msg);
		if (max < 1e300) {
			snprintf(above, sizeof(above), "%.17g", max * 2);
			ck_assert_msg(settings_parse(id, above, &v, SETTING_FROM_ARGS, &err) == -1,
				      "%s %s", settings_name(id), above);
		}
	}
}
END_TEST

START_TEST(defaults)
{
	struct setting_value v;
	char *text;

	ck_assert_int_eq(settings_default(SETTING_SORT, &v), 0);
	ck_assert_int_eq(v.sort.key, KEY_PAGES);
	ck_assert_int_eq(v.sort.ascending, 0);
	ck_assert_int_eq(settings_default(SETTING_GROUP, &v), 0);
	ck_assert_int_eq(v.group, GROUP_STACK);
	ck_assert_int_eq(settings_default(SETTING_THRESHOLD, &v), 0);
	ck_assert_int_eq(v.threshold.unit, THRESH_PAGES);
	ck_assert_int_eq(v.threshold.value, 0);
	ck_assert_int_eq(settings_default(SETTING_COLUMNS, &v), 0);
	ck_assert_uint_eq(v.columns.mask, SETTINGS_COLUMNS_DEFAULT);
	text = settings_print(&v);
	ck_assert_str_eq(text, "pages,bytes,calls,avg,delta,rate,delta_base,trend,score,label");
	free(text);
	ck_assert_int_eq(settings_default(SETTING_FORMAT, &v), 0);
	ck_assert_int_eq(v.format, OUT_TEXT);
	ck_assert_int_eq(settings_default(SETTING_LIMIT, &v), 0);
	ck_assert_int_eq(v.whole, 0);
	ck_assert_int_eq(settings_default(SETTING_DIFF_SORT, &v), 0);
	ck_assert_int_eq(v.sort.key, 0);
	ck_assert_int_eq(settings_default(SETTING_INTERVAL, &v), -1);
	ck_assert_int_eq(settings_default(SETTING_ALLOC_PATTERNS, &v), -1);
	ck_assert_int_eq(settings_default(SETTING_KERNEL_THRESHOLD, &v), -1);
}
END_TEST

/* The settings file's names: found by name, and the message about any other lists
 * them all, in the order of the table. */
START_TEST(names)
{
	char list[256] = "", want[512];
	struct setting_value v;
	struct pt_err err;
	enum setting_id id;
	int n = 0;

	for (int i = 0; i < SETTING__N; i++) {
		if (!settings_in_file((enum setting_id)i))
			continue;
		ck_assert_int_eq(settings_find(settings_name((enum setting_id)i), &id), 0);
		ck_assert_int_eq(id, i);
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", n++ ? ", " : "",
			 settings_name((enum setting_id)i));
	}
	ck_assert_int_eq(n, 9);
	ck_assert_int_eq(settings_find("limit", &id), -1);
	ck_assert_int_eq(settings_parse_named("intervall", "2", &v, &err), -1);
	snprintf(want, sizeof(want), "unknown setting 'intervall' (%s)", list);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(settings_parse_named("interval", "x", &v, &err), -1);
	ck_assert_str_eq(err.msg, "interval: expected seconds from 0.1 to 86400, found 'x'");
	ck_assert_int_eq(settings_parse_named("interval", "0,5", &v, &err), 0);
	ck_assert_int_eq(v.id, SETTING_INTERVAL);
	ck_assert(v.number == 0.5);
}
END_TEST

/* A threshold keeps its unit; bytes and percentages become pages as the view needs. */
START_TEST(thresholds)
{
	struct setting_value v;
	struct pt_err err;
	static const struct {
		const char *text;
		long page_size;
		int64_t total, pages;
	} cases[] = {
		{ "64", 4096, 1000, 64 },
		{ "0", 4096, 1000, 0 },
		{ "256K", 4096, 1000, 64 },
		{ "64M", 4096, 0, 16384 },
		{ "64M", 65536, 0, 1024 },
		{ "4097B", 4096, 0, 2 },      /* a row smaller than the bytes is hidden */
		{ "1B", 4096, 0, 1 },
		{ "0.5%", 4096, 1000, 5 },
		{ "0.5%", 4096, 1001, 6 },    /* 5.005 pages: 5 is below */
		{ "1%", 4096, 200, 2 },
		{ "100%", 4096, 1414, 1414 },
		{ "0.001%", 4096, 1, 1 },
		{ "0.5%", 4096, 0, 1 },       /* nothing has pages: a row needs one */
		{ "50%", 4096, INT64_MAX, INT64_MAX / 2 + 1 },
		{ "0%", 4096, 1000, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_msg(settings_parse(SETTING_THRESHOLD, cases[i].text, &v, SETTING_FROM_ARGS,
					     &err) == 0, "%s: %s", cases[i].text, err.msg);
		ck_assert_msg(threshold_pages(&v.threshold, cases[i].page_size, cases[i].total) ==
			      cases[i].pages, "%s of %lld: %lld", cases[i].text,
			      (long long)cases[i].total,
			      (long long)threshold_pages(&v.threshold, cases[i].page_size,
							 cases[i].total));
	}
	ck_assert_int_eq(settings_parse(SETTING_THRESHOLD, "64M", &v, SETTING_FROM_FILE, &err), 0);
	ck_assert_int_eq(v.threshold.unit, THRESH_BYTES);
	ck_assert_int_eq(v.threshold.value, 64 << 20);
	ck_assert_int_eq(settings_parse(SETTING_THRESHOLD, "0.5%", &v, SETTING_FROM_FILE, &err), 0);
	ck_assert_int_eq(v.threshold.unit, THRESH_PERCENT);
	ck_assert_int_eq(v.threshold.value, THRESH_PERCENT_ONE / 2);
	ck_assert_int_eq(settings_parse_named("threshold", "1G", &v, &err), 0);
	ck_assert_int_eq(v.threshold.unit, THRESH_BYTES);
	ck_assert_int_eq(v.threshold.value, 1 << 30);
}
END_TEST

START_TEST(patterns)
{
	char text[64 * 4 + 16] = "";
	struct setting_value v;
	struct pt_err err;

	for (int i = 0; i < 70; i++)
		strcat(text, i % 2 ? "ab\t" : "cd ");
	ck_assert_int_eq(settings_parse(SETTING_ALLOC_PATTERNS, text, &v, SETTING_FROM_FILE, &err), 0);
	ck_assert_uint_eq(v.patterns.n, SETTINGS_PATTERNS_MAX);
	ck_assert_str_eq(v.patterns.v[0], "cd");
	ck_assert_str_eq(v.patterns.v[63], "ab");
	settings_value_free(&v);
	ck_assert_int_eq(settings_parse(SETTING_ALLOC_PATTERNS, " \t", &v, SETTING_FROM_FILE, &err), 0);
	ck_assert_uint_eq(v.patterns.n, 0);
	settings_value_free(&v);
}
END_TEST

START_TEST(lists)
{
	unsigned seen = 0;
	const char *const *keys;
	size_t n;

	/* the sort menu offers every key once, but allocinfo's calls and avg (batch) */
	for (int i = 0; i < SETTINGS_SORT_MENU_N; i++)
		seen |= 1u << settings_sort_menu[i];
	ck_assert_uint_eq(seen, (1u << KEY_CALLS) - 1);
	keys = settings_diff_keys(&n);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(keys[0], "delta");
	ck_assert_str_eq(keys[n - 1], "label");
	ck_assert_str_eq(settings_column_name(0), "pages");
	ck_assert_str_eq(settings_column_name(SETTINGS_COLUMN_LABEL), "label");
	ck_assert_ptr_null(settings_column_name(SETTINGS_COLUMNS_N));
}
END_TEST

/* ---- --fail-if (settings_gate.h) ---- */

/* A condition on a row: with page size 4096 and a total of 10000 pages. */
struct gate_case {
	const char *text;
	enum gate_col col;
	double value;       /* the row's value of col */
	int met;
};

static const struct gate_case gate_cases[] = {
	{ "pages>100", GATE_PAGES, 101, 1 },
	{ "pages>100", GATE_PAGES, 100, 0 },
	{ "pages>=100", GATE_PAGES, 100, 1 },
	{ "pages>=100", GATE_PAGES, 99, 0 },
	{ "pages<100", GATE_PAGES, 99, 1 },
	{ "pages<100", GATE_PAGES, 100, 0 },
	{ "pages<=100", GATE_PAGES, 100, 1 },
	{ "pages<=100", GATE_PAGES, 101, 0 },
	{ "pages=100", GATE_PAGES, 100, 1 },
	{ "pages==100", GATE_PAGES, 100, 1 },
	{ "pages=100", GATE_PAGES, 101, 0 },
	{ "pages!=100", GATE_PAGES, 101, 1 },
	{ "pages!=100", GATE_PAGES, 100, 0 },
	/* blanks around the parts */
	{ "  delta_base >= 5000 ", GATE_DELTA_BASE, 5000, 1 },
	/* bytes: 64M are 16384 pages of 4096 bytes */
	{ "delta_base>64M", GATE_DELTA_BASE, 16385, 1 },
	{ "delta_base>64M", GATE_DELTA_BASE, 16384, 0 },
	{ "bytes>=64M", GATE_BYTES, 16384, 1 },
	{ "bytes>65536", GATE_BYTES, 17, 1 },   /* a plain number is bytes here */
	{ "bytes>65536", GATE_BYTES, 16, 0 },
	/* a share of the total: 1% of 10000 pages is 100 */
	{ "pages>1%", GATE_PAGES, 101, 1 },
	{ "pages>1%", GATE_PAGES, 100, 0 },
	{ "pages>=0.5%", GATE_PAGES, 50, 1 },
	/* signs */
	{ "delta<-100", GATE_DELTA, -101, 1 },
	{ "delta<-100", GATE_DELTA, -100, 0 },
	{ "delta<=-1M", GATE_DELTA, -256, 1 },
	/* numbers */
	{ "score>=0.9", GATE_SCORE, 0.9, 1 },
	{ "score>=0.9", GATE_SCORE, 0.89, 0 },
	{ "rate>100", GATE_RATE, 100.5, 1 },
	{ "rate>100", GATE_RATE, 100, 0 },
	{ "rate>-0.5", GATE_RATE, 0, 1 },
	{ "peak>10", GATE_PEAK, 11, 1 },
	{ "delta>0", GATE_DELTA, 1, 1 },
};

/* The columns in their order: the shown ones as named, the label last, the others after
 * them hidden; the order moves, the label stays last; a value in settings.h's order (as
 * every file had before columns moved) reads as it always did. */
START_TEST(column_order)
{
	struct setting_value v;
	struct pt_err err;
	char *text;

	ck_assert_int_eq(settings_parse(SETTING_COLUMNS, "score pages,label,delta,pages", &v,
					SETTING_FROM_FILE, &err), 0);
	ck_assert_uint_eq(v.columns.mask, (1u << 9) | (1u << 0) | (1u << 12) | (1u << 5));
	ck_assert_uint_eq(v.columns.order[0], 9);
	ck_assert_uint_eq(v.columns.order[1], 0);
	ck_assert_uint_eq(v.columns.order[2], 5);
	ck_assert_uint_eq(v.columns.order[3], 1); /* the hidden ones */
	ck_assert_uint_eq(v.columns.order[SETTINGS_COLUMNS_N - 1], SETTINGS_COLUMN_LABEL);
	text = settings_print(&v);
	ck_assert_str_eq(text, "score,pages,delta,label");
	free(text);
	ck_assert_int_eq(settings_columns_move(&v.columns, 0, -1), 0);
	ck_assert_int_eq(settings_columns_move(&v.columns, 0, 1), 1);
	ck_assert_int_eq(settings_columns_move(&v.columns, SETTINGS_COLUMNS_N - 2, 1), 0);
	ck_assert_int_eq(settings_columns_move(&v.columns, SETTINGS_COLUMNS_N - 1, -1), 0);
	text = settings_print(&v);
	ck_assert_str_eq(text, "pages,score,delta,label");
	free(text);
	ck_assert_int_eq(settings_parse(SETTING_COLUMNS, "pages,bytes,calls,avg,delta,rate,delta_base,trend,score,label",
					&v, SETTING_FROM_FILE, &err), 0);
	ck_assert_uint_eq(v.columns.mask, SETTINGS_COLUMNS_DEFAULT);
	for (unsigned i = 1, last = v.columns.order[0]; i < SETTINGS_COLUMNS_N; i++)
		if (v.columns.mask & (1u << v.columns.order[i])) {
			ck_assert_uint_gt(v.columns.order[i], last); /* shown in settings.h's order */
			last = v.columns.order[i];
		}
}
END_TEST

START_TEST(gate_conditions)
{
	const struct gate_case *c = &gate_cases[_i];
	double v[GATE__N] = { 0 };
	struct gate g;
	struct pt_err err;

	if (gate_parse(&g, c->text, GATE_COLS_TOP, &err) < 0)
		ck_abort_msg("%s: %s", c->text, err.msg);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.c[0].col, c->col);
	v[c->col] = c->value;
	ck_assert_msg((gate_check(&g, v, 4096, 10000) == 0) == c->met, "%s with %g: expected %s",
		      c->text, c->value, c->met ? "met" : "not met");
}
END_TEST

START_TEST(gate_any)
{
	double v[GATE__N] = { 0 };
	struct gate g;
	struct pt_err err;

	ck_assert_int_eq(gate_parse(&g, "delta_base>5000,score>=0.9, rate>100", GATE_COLS_TOP, &err), 0);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.c[1].text, "score>=0.9");
	ck_assert_str_eq(g.c[2].text, "rate>100");
	ck_assert_int_eq(gate_check(&g, v, 4096, 0), -1);
	v[GATE_SCORE] = 0.95;
	ck_assert_int_eq(gate_check(&g, v, 4096, 0), 1);
	v[GATE_DELTA_BASE] = 6000;
	ck_assert_int_eq(gate_check(&g, v, 4096, 0), 0);
	/* pagetop diff's columns */
	ck_assert_int_eq(gate_parse(&g, "pages_a<10,pages_b>20,delta>1", GATE_COLS_DIFF, &err), 0);
	ck_assert_int_eq(gate_parse(&g, "score>0.9", GATE_COLS_DIFF, &err), -1);
	ck_assert_str_eq(err.msg, "--fail-if: expected a column (pages, bytes, delta, pages_a, pages_b) at the start of 'score>0.9'");
	ck_assert_int_eq(gate_parse(&g, "pages_a>1", GATE_COLS_TOP, &err), -1);
}
END_TEST

/* bad expressions: the message says what was expected */
static const struct { const char *text, *msg; } gate_bads[] = {
	{ "", "--fail-if: expected a condition such as delta_base>5000, found an empty one" },
	{ "pages>1,", "--fail-if: expected a condition such as delta_base>5000, found an empty one" },
	{ "foo>1", "--fail-if: expected a column (pages, bytes, delta, rate, delta_base, peak, score) at the start of 'foo>1'" },
	{ ">1", "--fail-if: expected a column (pages, bytes, delta, rate, delta_base, peak, score) at the start of '>1'" },
	{ "label>1", "--fail-if: expected a column (pages, bytes, delta, rate, delta_base, peak, score) at the start of 'label>1'" },
	{ "pages", "--fail-if: expected an operator (>, >=, <, <=, =, !=) after 'pages' in 'pages'" },
	{ "pages=>1", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages=' in 'pages=>1'" },
	{ "pages~1", "--fail-if: expected an operator (>, >=, <, <=, =, !=) after 'pages' in 'pages~1'" },
	{ "pages>", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>'" },
	{ "pages>x", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>x'" },
	{ "pages>1.5", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>1.5'" },
	{ "pages>--1", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>--1'" },
	{ "pages>200%", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>200%'" },
	{ "score>1%", "--fail-if: expected a number (0.9) after 'score' in 'score>1%'" },
	{ "rate>64M", "--fail-if: expected a number (100) after 'rate' in 'rate>64M'" },
	{ "pages>1 2", "--fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'pages>' in 'pages>1 2'" },
	{ "pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1",
	  "--fail-if: expected at most 16 conditions, found more in 'pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1,pages>1'" },
};

START_TEST(gate_bad)
{
	struct gate g;
	struct pt_err err;

	ck_assert_int_eq(gate_parse(&g, gate_bads[_i].text, GATE_COLS_TOP, &err), -1);
	ck_assert_str_eq(err.msg, gate_bads[_i].msg);
}
END_TEST

START_TEST(gate_values)
{
	char buf[32];

	ck_assert_str_eq(gate_value_text(GATE_DELTA_BASE, 38912, buf, sizeof(buf)), "38912");
	ck_assert_str_eq(gate_value_text(GATE_SCORE, 0.98271, buf, sizeof(buf)), "0.98");
	ck_assert_str_eq(gate_value_text(GATE_RATE, 509.96, buf, sizeof(buf)), "510.0");
	ck_assert_str_eq(gate_col_name(GATE_PAGES_B), "pages_b");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("settings");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, good_values, 0, (int)ARRAY_SIZE(goods));
	tcase_add_loop_test(tc, bad_values, 0, (int)ARRAY_SIZE(bads));
	tcase_add_test(tc, defaults_and_ranges);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, names);
	tcase_add_test(tc, patterns);
	tcase_add_test(tc, thresholds);
	tcase_add_test(tc, lists);
	tcase_add_test(tc, column_order);
	tcase_add_loop_test(tc, gate_conditions, 0, (int)ARRAY_SIZE(gate_cases));
	tcase_add_test(tc, gate_any);
	tcase_add_loop_test(tc, gate_bad, 0, (int)ARRAY_SIZE(gate_bads));
	tcase_add_test(tc, gate_values);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
