/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn.c - the model's memory when stacks come and go: the churn benchmark.
 *
 * What pagetop does once per interval on a 6.19+ kernel, with stacks that come and go:
 * 100,000 live stacks (the shapes of bench/gen.c's show_stacks_handles); each sample,
 * 0.5% of the live stacks go (their counts drop to 0) and as many new ones come (a
 * stack of the same shape with one caller frame of another, and a new handle), ~5% of
 * the counts change, new stacks are defined (frames and handle) and every count comes
 * by handle, then the top 20 rows are taken (as pagetop -b --limit 20 does). Everything
 * through the library's sink, in memory: this measures the model, not the kernel.
 *
 * usage: churn [-n SAMPLES] [-p PER_MILLE] STACKS_HANDLES
 * -n: samples (default 600); -p: stacks that go and come per sample, per 1000 live
 * (default 5). Prints, at samples 50, 300, 600 and every 1000 (and the last), the peak
 * RSS so far (getrusage) and, built with -DHAVE_MODEL_MEM, the model's own accounting
 * (model_mem_bytes, also per live stack) and the stacks it keeps. Built by bench/run.sh against
 * src/libpagetop.a. */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "bench.h"

/* ---- random numbers (rnd(): bench.h) ---- */
static uint32_t rndn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void *xrealloc_or_die(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "churn: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- the stack shapes of the input ---- */
struct shape {
	uint32_t first, n; /* fids[first .. first + n) */
};
static struct shape *shapes;
static size_t nshapes, cshapes;
static uint32_t *fids; /* frame ids of every shape, into frames */
static size_t nfids, cfids;
static struct strtab *texts; /* each distinct frame text once */
static struct frame_text *frames;

static int cap_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	(void)self, (void)m, (void)err;
	return 0;
}
static int cap_begin(void *self, const struct sample_info *s, struct pt_err *err)
{
	(void)self, (void)s, (void)err;
	return 0;
}
static int cap_end(void *self, struct pt_err *err)
{
	(void)self, (void)err;
	return 0;
}
static int cap_count(void *self, uint64_t h, uint64_t n, struct pt_err *err)
{
	(void)self, (void)h, (void)n, (void)err;
	return 0;
}
static int cap_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	(void)self, (void)err;
	if (nshapes == cshapes) {
		cshapes = cshapes ? cshapes * 2 : 1024;
		shapes = xrealloc_or_die(shapes, cshapes * sizeof(*shapes));
	}
	shapes[nshapes].first = (uint32_t)nfids;
	shapes[nshapes].n = rec->nframes;
	nshapes++;
	for (unsigned i = 0; i < rec->nframes; i++) {
		if (nfids == cfids) {
			cfids = cfids ? cfids * 2 : 65536;
			fids = xrealloc_or_die(fids, cfids * sizeof(*fids));
		}
		fids[nfids++] = strtab_intern(texts, rec->frames[i].s, rec->frames[i].len);
	}
	return 0;
}

static void load(const char *path)
{
	static const struct sink_ops ops = { .meta = cap_meta, .begin = cap_begin,
					     .stack = cap_stack, .count = cap_count, .end = cap_end };
	struct sink snk = { &ops, NULL };
	struct pt_err err = { { 0 } };
	struct reader *r;

	texts = strtab_new();
	if (reader_open_path(&r, path, &err) < 0 ||
	    parse_stream(r, PF_STACKS_HANDLES, NULL, &snk, &err) < 0) {
		fprintf(stderr, "churn: %s\n", err.msg);
		exit(1);
	}
	reader_close(r);
	frames = calloc(strtab_count(texts) + 1, sizeof(*frames));
	for (uint32_t i = 0; i < strtab_count(texts); i++) {
		frames[i].s = strtab_str(texts, i);
		frames[i].len = strtab_len(texts, i);
	}
}

/* ---- the live stacks ---- */
struct lstack {
	uint64_t handle;
	uint32_t shape;
	uint32_t swap_at, swap_with; /* one frame from another shape (swap_at < n) */
	uint64_t count;
};


static void define(const struct sink *sink, const struct lstack *l)
{
	struct frame_text ft[STACK_MAX_FRAMES];
	const struct shape *sh = &shapes[l->shape];
	struct stack_rec rec;
	struct pt_err err;

	memset(&rec, 0, sizeof(rec));
	for (uint32_t i = 0; i < sh->n; i++)
		ft[i] = frames[fids[sh->first + i]];
	if (l->swap_at < sh->n)
		ft[l->swap_at] = frames[l->swap_with];
	rec.frames = ft;
	rec.nframes = sh->n;
	rec.handle = l->handle;
	check(sink->ops->stack(sink->self, &rec, &err), &err, "stack");
}

static uint64_t count_new(void)
{
	/* heavy-tailed like gen.c's: half the stacks hold one or two pages */
	uint64_t c = 1;

	while (c < (1u << 20) && rndn(3) == 0)
		c *= 4;
	return c + rndn((uint32_t)c);
}

static long peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	bench_prog = "churn";
	long samples = 600, per_mille = 5;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			samples = atol(argv[++i]);
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			per_mille = atol(argv[++i]);
		else
			path = argv[i];
	}
	if (!path || samples < 1 || per_mille < 0) {
		fprintf(stderr, "usage: churn [-n SAMPLES] [-p PER_MILLE] STACKS_HANDLES\n");
		return 2;
	}
	load(path);
	if (nshapes < 2) {
		fprintf(stderr, "churn: %s: too few stacks\n", path);
		return 1;
	}

	struct model *m = model_new();
	struct sink sink = model_sink(m);
	struct pt_err err = { { 0 } };
	struct source_meta meta = {
		.name = "churn", .kind = "live", .iface = IFACE_HANDLES, .unit = UNIT_PAGES,
		.page_size = 4096, .page_size_known = 1, .series = 0, .nsamples = -1,
	};
	struct view_opts vo;
	struct view v;
	size_t nlive = nshapes, turn = (size_t)((nlive * (size_t)per_mille + 500) / 1000);
	struct lstack *live = calloc(nlive, sizeof(*live));
	uint64_t next_handle = 1u << 20;
	size_t *fresh = malloc((turn ? turn : 1) * sizeof(size_t));
	double t0 = (double)clock();

	check(sink.ops->meta(sink.self, &meta, &err), &err, "meta");
	view_opts_init(&vo);
	vo.limit = 20;
	vo.top_only = 1;
	view_init(&v);
	for (size_t i = 0; i < nlive; i++) {
		live[i].handle = next_handle++;
		live[i].shape = (uint32_t)i;
		live[i].swap_at = UINT32_MAX;
		live[i].count = count_new();
	}
	printf("stacks: %zu live, %zu go and %zu come per sample, %ld samples\n", nlive, turn,
	       turn, samples);
	for (long k = 0; k < samples; k++) {
		struct sample_info si = { .time = (double)k, .time_abs = 0, .seq = (uint64_t)k };
		size_t nfresh = 0;

		if (k > 0) {
			/* some go, as many come: in their places */
			for (size_t i = 0; i < turn; i++) {
				size_t j = rndn((uint32_t)nlive);
				struct lstack *l = &live[j];
				const struct shape *sh;

				l->handle = next_handle++;
				l->shape = rndn((uint32_t)nshapes);
				sh = &shapes[l->shape];
				l->swap_at = sh->n > 6 ? 3 + rndn(sh->n - 3) : UINT32_MAX;
				l->swap_with = rndn(strtab_count(texts));
				l->count = count_new();
				fresh[nfresh++] = j;
			}
			/* ~5% of the counts change */
			for (size_t i = 0; i < nlive / 20; i++) {
				struct lstack *l = &live[rndn((uint32_t)nlive)];
				uint64_t d = 1 + l->count / 8;

				l->count = rndn(2) || l->count <= d ? l->count + d : l->count - d;
			}
		}
		check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
		if (k == 0)
			for (size_t i = 0; i < nlive; i++)
				define(&sink, &live[i]);
		for (size_t i = 0; i < nfresh; i++)
			define(&sink, &live[fresh[i]]);
		for (size_t i = 0; i < nlive; i++)
			check(sink.ops->count(sink.self, live[i].handle, live[i].count, &err), &err,
			      "count");
		check(sink.ops->end(sink.self, &err), &err, "end");
		model_view(m, &vo, &v);
		for (size_t i = 0; i < v.nrows; i++)
			view_row_label(m, &v.rows[i], 0); /* as batch mode prints them */
		if (k + 1 == 50 || k + 1 == 300 || k + 1 == 600 || (k + 1) % 1000 == 0 ||
		    k + 1 == samples) {
			printf("after %ld samples: peak RSS %.1f MiB", k + 1, peak_kib() / 1024.0);
#ifdef HAVE_MODEL_MEM
			printf(", model %.1f MiB (%.0f bytes a live stack), %zu stacks kept",
			       model_mem_bytes(m) / 1048576.0, (double)model_mem_bytes(m) / nlive,
			       model_nlive(m));
#else
			printf(", %zu stacks kept", model_nstacks(m));
#endif
			printf(", %.1f s of CPU\n", ((double)clock() - t0) / CLOCKS_PER_SEC);
			fflush(stdout);
		}
	}
	view_free(&v);
	model_free(m);
	free(live);
	free(fresh);
	free(shapes);
	free(fids);
	free(frames);
	strtab_free(texts);
	return 0;
}
