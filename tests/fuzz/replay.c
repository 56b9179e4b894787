/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay.c - make check's side of the fuzzing: every fuzz target, built into the normal
 * test build (-DFUZZ_REPLAY, no libFuzzer), runs on each file of its seed corpus
 * (tests/fuzz/corpus/TARGET/) and its regression inputs (tests/fuzz/regressions/TARGET/:
 * every crash the fuzzers found). A file that crashes, trips a sanitizer (the sanitizer
 * build of CI), or leaks or reads out of bounds (make check-valgrind) fails its test.
 *
 * Usage: replay [TARGET FILE...]   (no arguments: the whole suite) */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name tests/fuzz"
#endif

typedef int (*fuzz_fn)(const uint8_t *, size_t);

static const struct {
	const char *name;
	fuzz_fn fn;
} targets[] = {
#define FUZZ_ENTRY(n) { #n, fuzz_##n },
	FUZZ_TARGETS(FUZZ_ENTRY)
#undef FUZZ_ENTRY
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!fp)
		return NULL;
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	*len = n;
	return buf;
}

static int run_file(fuzz_fn fn, const char *path)
{
	size_t len = 0;
	uint8_t *buf = slurp(path, &len);

	if (!buf)
		return -1;
	/* an exact-size copy, so that a read past the end is caught */
	{
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		free(buf);
		fn(copy, len);
		free(copy);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of FUZZ_DIR/kind/target; returns how many. */
static int replay_dir(size_t t, const char *kind)
{
	char *dir, **names = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	ck_assert_int_ge(asprintf(&dir, "%s/%s/%s", FUZZ_DIR, kind, targets[t].name), 0);
	d = opendir(dir);
	if (!d) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		ck_assert_int_ge(asprintf(&names[n++], "%s/%s", dir, de->d_name), 0);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		/* which file a crash came from, in the test log */
		fprintf(stderr, "replay %s %s\n", targets[t].name, names[i]);
		ck_assert_msg(run_file(targets[t].fn, names[i]) == 0, "cannot read %s", names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
	return (int)n;
}

START_TEST(test_regressions)
{
	replay_dir((size_t)_i, "regressions");
}
END_TEST

START_TEST(test_corpus)
{
	/* the seeds exist: a target without them is not being fuzzed from real data */
	ck_assert_int_gt(replay_dir((size_t)_i, "corpus"), 0);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int failed;

	if (argc > 1) {
		/* replay TARGET FILE...: for reproducing a finding by hand */
		for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
			if (strcmp(targets[t].name, argv[1]) != 0)
				continue;
			for (int i = 2; i < argc; i++)
				if (run_file(targets[t].fn, argv[i]) < 0) {
					fprintf(stderr, "replay: cannot read %s\n", argv[i]);
					return 1;
				}
			return 0;
		}
		fprintf(stderr, "replay: no target %s\n", argv[1]);
		return 2;
	}
	s = suite_create("fuzz replay");
	tc = tcase_create("replay");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_regressions, 0, (int)ARRAY_SIZE(targets));
	tcase_add_loop_test(tc, test_corpus, 0, (int)ARRAY_SIZE(targets));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
