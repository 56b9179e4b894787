/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench.h - what the in-process benchmarks (update.c, tree.c, churn.c, chart.c) share:
 * reading a file whole, clocks, medians, feeding the model's sink and dying on errors.
 * Header only, so that bench/run.sh keeps building each program from one .c file. */
#ifndef PAGETOP_BENCH_H
#define PAGETOP_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parse.h"
#include "reader.h"
#include "sink.h"

/* The program's name, for its messages: each main() sets it first. */
static const char *bench_prog = "bench";

/* The whole file at path in memory; exits on an error. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "%s: cannot read %s\n", bench_prog, path);
		exit(1);
	}
	fclose(f);
	*len = n;
	return buf;
}

static inline double clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static inline double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}
static inline double cpu_ms(void) /* this thread's CPU time: steady on a busy machine */
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts t; 0 when n is 0. */
static inline double median(double *t, size_t n)
{
	if (!n)
		return 0;
	qsort(t, n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static inline void check(int rc, const struct pt_err *err, const char *what)
{
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", bench_prog, what, err->msg);
		exit(1);
	}
}

/* Parses buf (the file name) as fmt into sink; exits on an error. */
static inline void feed(const struct sink *sink, const char *buf, size_t len,
			const char *name, enum pfmt fmt)
{
	struct pt_err err = { { 0 } };
	struct reader *r;
	check(reader_open_mem(&r, buf, len, name, &err), &err, name);
	check(parse_stream(r, fmt, NULL, sink, &err), &err, name);
	reader_close(r);
}

/* A model fed as from a file of the handles interface (4 KiB pages), its sink in *sink;
 * exits on an error. */
static inline struct model *bench_model(struct sink *sink)
{
	struct model *m = model_new();
	struct pt_err err = { { 0 } };
	struct source_meta meta = {
		.name = "bench", .kind = "file", .iface = IFACE_HANDLES, .unit = UNIT_PAGES,
		.page_size = 4096, .page_size_known = 1, .series = 0, .nsamples = -1,
	};

	*sink = model_sink(m);
	check(sink->ops->meta(sink->self, &meta, &err), &err, "meta");
	return m;
}

/* A diag sink that drops the library's warnings. */
static inline void quiet(const char *msg)
{
	(void)msg;
}

/* The arguments of update and tree, STACKS_HANDLES HANDLES_A HANDLES_B [N], with the
 * files read into memory (reading them is not what is timed); exits on a usage error.
 * Also drops the library's warnings. */
struct bench_files {
	char *sh, *ha, *hb;
	size_t lsh, la, lb;
	int n; /* N: 20 when not given */
};
static inline void bench_files(struct bench_files *f, int argc, char **argv,
			       const char *n_name)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s STACKS_HANDLES HANDLES_A HANDLES_B [%s]\n", bench_prog,
			n_name);
		exit(2);
	}
	f->n = argc > 4 ? atoi(argv[4]) : 20;
	if (f->n < 1)
		f->n = 20;
	diag_set_sink(quiet);
	f->sh = slurp(argv[1], &f->lsh);
	f->ha = slurp(argv[2], &f->la);
	f->hb = slurp(argv[3], &f->lb);
}

/* splitmix64 with a fixed seed: the same inputs on every run. */
static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static inline uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
