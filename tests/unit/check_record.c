/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_record.c - recordings: round trips against reading the snapshots directly, torn
 * tails cut at every byte, refusing to overwrite or to follow symlinks, standard input,
 * format errors, and the "pagetop record" command itself. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "output_recording.h"
#include "reader.h"
#include "require.h"
#include "source.h"
#include "source_live.h"
#include "util.h"

#define DATA TEST_DATA "/live"
#define SMALL DATA "/small"
#define PAGETOP TEST_BUILDDIR "/src/pagetop"
#define WAIT_MS 10000

/* ---- files ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)n + 1);
	ck_assert_int_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

static void put(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "cannot write %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static char *tmp_root;

static void tmp_setup(void)
{
	char tmpl[] = "/tmp/pagetop-record-XXXXXX";

	ck_assert(mkdtemp(tmpl) != NULL);
	tmp_root = xstrdup(tmpl);
}

static void tmp_teardown(void)
{
	if (tmp_root) {
		nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(tmp_root);
		tmp_root = NULL;
	}
}

static char *tmp(const char *name)
{
	return xasprintf("%s/%s", tmp_root, name);
}

static int warnings;
static char last_warning[2048], all_warnings[8192]; /* all: joined by '\n' */
static void count_warning(const char *msg)
{
	size_t n = strlen(all_warnings);

	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
	snprintf(all_warnings + n, sizeof(all_warnings) - n, "%s%s", n ? "\n" : "", msg);
}

/* ---- a sink that keeps every sample as sorted (stack, count) pairs ---- */

struct kv {
	char *key; /* "h<handle>" or the frames joined by '\n' */
	uint64_t count;
};

struct snap {
	struct kv *v;
	size_t n, cap;
	double time;
	int time_abs;
};

struct series {
	struct snap *s;
	size_t n, cap;
	struct source_meta meta;
	char *release, *build_id, *hostname, *kind;
	char mids[512];  /* the module build ids, "NAME HEX;" each */
	size_t nmids;    /* how many */
	int metas;
};

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static void snap_add(struct snap *s, char *key, uint64_t count)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].key = key;
	s->v[s->n].count = count;
	s->n++;
}

static int se_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	struct series *se = self;

	(void)err;
	se->metas++;
	se->meta = *m;
	free(se->release);
	free(se->build_id);
	free(se->hostname);
	free(se->kind);
	se->release = m->kernel_release ? xstrdup(m->kernel_release) : NULL;
	se->build_id = m->kernel_build_id ? xstrdup(m->kernel_build_id) : NULL;
	se->hostname = m->hostname ? xstrdup(m->hostname) : NULL;
	se->kind = xstrdup(m->kind);
	se->mids[0] = '\0';
	se->nmids = 0;
	for (size_t i = 0; m->module_build_ids && m->module_build_ids[i]; i++) {
		size_t k = strlen(se->mids);

		snprintf(se->mids + k, sizeof(se->mids) - k, "%s;", m->module_build_ids[i]);
		se->nmids++;
	}
	return 0;
}

static int se_begin(void *self, const struct sample_info *si, struct pt_err *err)
{
	struct series *se = self;

	(void)err;
	if (si->seq != se->n)
		ck_assert_int_eq(si->seq, se->n);
	if (se->n == se->cap) {
		se->cap = se->cap ? se->cap * 2 : 16;
		se->s = xreallocarray(se->s, se->cap, sizeof(*se->s));
	}
	memset(&se->s[se->n], 0, sizeof(se->s[0]));
	se->s[se->n].time = si->time;
	se->s[se->n].time_abs = si->time_abs;
	se->n++;
	return 0;
}

static int se_stack(void *self, const struct stack_rec *r, struct pt_err *err)
{
	struct series *se = self;
	size_t len = 0;
	char *key;

	(void)err;
	if (!r->has_count)
		return 0; /* a definition: its count comes by handle */
	if (r->handle) {
		key = xasprintf("h%llu", (unsigned long long)r->handle);
	} else {
		for (unsigned i = 0; i < r->nframes; i++)
			len += r->frames[i].len + 1;
		key = xmalloc(len + 1);
		len = 0;
		for (unsigned i = 0; i < r->nframes; i++) {
			memcpy(key + len, r->frames[i].s, r->frames[i].len);
			len += r->frames[i].len;
			key[len++] = '\n';
		}
		key[len] = '\0';
	}
	snap_add(&se->s[se->n - 1], key, r->count);
	return 0;
}

static int se_count(void *self, uint64_t h, uint64_t n, struct pt_err *err)
{
	struct series *se = self;

	(void)err;
	snap_add(&se->s[se->n - 1], xasprintf("h%llu", (unsigned long long)h), n);
	return 0;
}

/* Counts add up within a sample; zero is the same as absent. */
static int se_end(void *self, struct pt_err *err)
{
	struct series *se = self;
	struct snap *s = &se->s[se->n - 1];
	size_t k = 0;

	(void)err;
	qsort(s->v, s->n, sizeof(*s->v), kv_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (k && strcmp(s->v[k - 1].key, s->v[i].key) == 0) {
			s->v[k - 1].count += s->v[i].count;
			free(s->v[i].key);
		} else {
			s->v[k++] = s->v[i];
		}
	}
	s->n = k;
	k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].count)
			s->v[k++] = s->v[i];
		else
			free(s->v[i].key);
	}
	s->n = k;
	return 0;
}

static const struct sink_ops series_ops = { .meta = se_meta, .begin = se_begin, .stack = se_stack, .count = se_count, .end = se_end };

static void series_free(struct series *se)
{
	for (size_t i = 0; i < se->n; i++) {
		for (size_t j = 0; j < se->s[i].n; j++)
			free(se->s[i].v[j].key);
		free(se->s[i].v);
	}
	free(se->s);
	free(se->release);
	free(se->build_id);
	free(se->hostname);
	free(se->kind);
	memset(se, 0, sizeof(*se));
}

/* Plain comparisons first: every ck_assert writes to Check's log, and the torn test
 * compares a few million pairs. */
static void same_sample(const struct snap *a, const struct snap *b, size_t i)
{
	ck_assert_msg(a->n == b->n, "sample %zu: %zu stacks, and %zu", i, a->n, b->n);
	for (size_t j = 0; j < a->n; j++) {
		if (strcmp(a->v[j].key, b->v[j].key) == 0 && a->v[j].count == b->v[j].count)
			continue;
		ck_assert_msg(strcmp(a->v[j].key, b->v[j].key) == 0, "sample %zu: stack %zu differs",
			      i, j);
		ck_assert_msg(a->v[j].count == b->v[j].count, "sample %zu: %s: %llu, and %llu", i,
			      a->v[j].key, (unsigned long long)a->v[j].count,
			      (unsigned long long)b->v[j].count);
	}
	/* the file keeps microseconds */
	ck_assert_msg(fabs(a->time - b->time) < 1e-6, "sample %zu at %f, and %f", i, a->time,
		      b->time);
	ck_assert_int_eq(a->time_abs, b->time_abs);
}

static void same_series(const struct series *a, const struct series *b, size_t n)
{
	ck_assert_uint_ge(a->n, n);
	ck_assert_uint_ge(b->n, n);
	for (size_t i = 0; i < n; i++)
		same_sample(&a->s[i], &b->s[i], i);
}

/* Reads a whole source into se. Returns the last status (SRC_END or SRC_ERROR). */
static enum src_status drain(struct source *src, struct series *se, struct pt_err *err)
{
	struct sink snk = { &series_ops, se };
	enum src_status st;

	while ((st = source_next(src, &snk, WAIT_MS, err)) == SRC_SAMPLE)
		;
	return st;
}

static void read_paths(const char *const *paths, int n, struct series *se)
{
	struct source_opts o;
	struct source *src;
	struct pt_err err;

	source_opts_init(&o);
	ck_assert_msg(source_open(&src, paths, n, &o, &err) == 0, "%s", err.msg);
	ck_assert_msg(drain(src, se, &err) == SRC_END, "%s", err.msg);
	source_close(src);
}

static void read_recording(const char *path, struct series *se)
{
	struct source_opts o;
	struct source src = { 0 };
	struct pt_err err;

	source_opts_init(&o);
	ck_assert_msg(source_open_recording(&src, path, &o, &err) == 0, "%s", err.msg);
	ck_assert_msg(drain(&src, se, &err) == SRC_END, "%s", err.msg);
	src.impl->close(&src);
}

/* The same, from the first len bytes of text, named "cut.ptrec". */
static void read_recording_mem(const char *text, size_t len, struct series *se)
{
	struct source_opts o;
	struct source src = { 0 };
	struct reader *r;
	struct pt_err err;

	source_opts_init(&o);
	if (reader_open_mem(&r, text, len, "cut.ptrec", &err) < 0 ||
	    source_open_recording_reader(&src, r, &o, &err) < 0 || drain(&src, se, &err) != SRC_END)
		ck_abort_msg("%s", err.msg);
	src.impl->close(&src);
}

/* Records what the paths give into out. */
static void record_paths(const char *const *paths, int n, const char *out)
{
	struct source_opts o;
	struct source *src;
	struct recorder *rec;
	struct pt_err err;
	struct sink snk;
	enum src_status st;

	source_opts_init(&o);
	ck_assert_msg(source_open(&src, paths, n, &o, &err) == 0, "%s", err.msg);
	ck_assert_msg(recorder_open(&rec, out, 0, &err) == 0, "%s", err.msg);
	snk = recorder_sink(rec);
	while ((st = source_next(src, &snk, WAIT_MS, &err)) == SRC_SAMPLE)
		;
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	ck_assert_msg(recorder_close(rec, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(recorder_close(rec, &err), 0); /* idempotent */
	recorder_free(rec);
	source_close(src);
}

/* Copies of paths whose times (their mtimes, as for any list of files) go up a second a
 * file: the checkout gives files one mtime, and samples whose time does not go up are
 * warned about. */
static void timed_copies(const char *const *paths, int n, char **out)
{
	for (int i = 0; i < n; i++) {
		struct timespec ts[2] = { { 1000 + i, 0 }, { 1000 + i, 0 } };
		size_t len;
		char *text = slurp(paths[i], &len), *name = xasprintf("timed%d.show_stacks", i);

		out[i] = tmp(name);
		put(out[i], text, len);
		ck_assert_int_eq(utimensat(AT_FDCWD, out[i], ts, 0), 0);
		free(text);
		free(name);
	}
}

/* ---- round trips ---- */

START_TEST(roundtrip_folder)
{
	const char *folder[] = { SMALL };
	char *out = tmp("small.ptrec");
	struct series direct = { 0 }, replay = { 0 };

	read_paths(folder, 1, &direct);
	ck_assert_int_eq(direct.n, 16);
	record_paths(folder, 1, out);
	read_recording(out, &replay);
	ck_assert_int_eq(replay.n, 16);
	same_series(&direct, &replay, 16);
	ck_assert_str_eq(replay.kind, "recording");
	ck_assert_int_eq(replay.meta.iface, direct.meta.iface);
	ck_assert_int_eq(replay.meta.unit, direct.meta.unit);
	ck_assert_int_eq(replay.meta.series, 1);
	series_free(&direct);
	series_free(&replay);
	free(out);
}
END_TEST

/* The 6.19+ pair: stacks by handle, counts by handle; handles survive the trip. */
START_TEST(roundtrip_handles)
{
	const char *pairs[] = {
		SMALL "/0000.show_stacks_handles", SMALL "/0000.show_handles",
		SMALL "/0001.show_stacks_handles", SMALL "/0001.show_handles",
		SMALL "/0013.show_stacks_handles", SMALL "/0013.show_handles",
		SMALL "/0015.show_stacks_handles", SMALL "/0015.show_handles",
	};
	char *out = tmp("pairs.ptrec");
	struct series direct = { 0 }, replay = { 0 };
	char *text;

	read_paths(pairs, 8, &direct);
	ck_assert_int_eq(direct.n, 4);
	record_paths(pairs, 8, out);
	read_recording(out, &replay);
	ck_assert_int_eq(replay.n, 4);
	same_series(&direct, &replay, 4);
	ck_assert_int_eq(replay.meta.iface, IFACE_HANDLES);
	ck_assert(strncmp(direct.s[0].v[0].key, "h", 1) == 0);
	/* each stack's frames once: no more definitions than stacks with pages */
	text = slurp(out, NULL);
	{
		size_t defs = 0;

		for (const char *p = text; (p = strstr(p, "\ns ")); p++)
			defs++;
		ck_assert_uint_le(defs, 400);
		ck_assert_uint_ge(defs, direct.s[0].n);
	}
	free(text);
	series_free(&direct);
	series_free(&replay);
	free(out);
}
END_TEST

/* The live source recorded, against the same fake tree read live. */
START_TEST(roundtrip_live)
{
	char *d = tmp("debug");
	char *pos = xasprintf("%s/page_owner_stacks", d);
	char *out = tmp("live.ptrec");
	struct source_opts o;
	struct source *src;
	struct recorder *rec;
	struct pt_err err;
	struct sink snk;
	struct series replay = { 0 };
	char *p;

	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_int_eq(mkdir(pos, 0755), 0);
	{
		size_t n;
		char *t = slurp(SMALL "/0000.show_handles", &n);

		p = xasprintf("%s/show_handles", pos);
		put(p, t, n);
		free(p);
		free(t);
		t = slurp(SMALL "/0000.show_stacks_handles", &n);
		p = xasprintf("%s/show_stacks_handles", pos);
		put(p, t, n);
		free(p);
		free(t);
	}
	source_opts_init(&o);
	o.debugfs = d;
	o.interval = 0.1;
	ck_assert_msg(source_open(&src, NULL, 0, &o, &err) == 0, "%s", err.msg);
	ck_assert_msg(recorder_open(&rec, out, 0, &err) == 0, "%s", err.msg);
	recorder_add_meta(rec, "module-build-id", "brd 0123abcd");
	snk = recorder_sink(rec);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(source_next(src, &snk, WAIT_MS, &err), SRC_SAMPLE);
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	source_close(src);

	read_recording(out, &replay);
	ck_assert_int_eq(replay.n, 3);
	ck_assert_str_eq(replay.kind, "recording");
	ck_assert_int_eq(replay.meta.iface, IFACE_HANDLES);
	ck_assert(replay.meta.page_size_known);
	ck_assert_int_eq(replay.meta.page_size, sysconf(_SC_PAGESIZE));
	ck_assert(replay.release != NULL);
	ck_assert(replay.hostname != NULL);
	ck_assert_int_eq(replay.s[0].time_abs, 1);
	{
		char *h = slurp(SMALL "/0000.show_handles", NULL);
		uint64_t sum = 0, n = 0;

		for (const char *q = strstr(h, "nr_base_pages: "); q;
		     q = strstr(q + 1, "nr_base_pages: ")) {
			uint64_t v = strtoull(q + 15, NULL, 10);

			sum += v;
			n += v != 0;
		}
		for (int i = 0; i < 3; i++) {
			uint64_t got = 0;

			ck_assert_int_eq(replay.s[i].n, n);
			for (size_t j = 0; j < replay.s[i].n; j++) {
				ck_assert(replay.s[i].v[j].key[0] == 'h');
				got += replay.s[i].v[j].count;
			}
			ck_assert_int_eq(got, sum);
		}
		free(h);
	}
	p = slurp(out, NULL);
	ck_assert(strncmp(p, "#pagetop-recording 2\n", 21) == 0);
	ck_assert(strstr(p, "\nmeta module-build-id brd 0123abcd\n") != NULL);
	ck_assert(strstr(p, "\nmeta iface handles\n") != NULL);
	ck_assert(strstr(p, "\nend 3\n") != NULL);
	free(p);
	series_free(&replay);
	free(out);
	free(pos);
	free(d);
}
END_TEST

/* ---- torn tails ---- */

/* Cut a recording at every byte of its last sample: the samples before it always come
 * back whole, with a warning. */
START_TEST(torn_tail)
{
	const char *files[] = { SMALL "/0000.show_stacks", SMALL "/0002.show_stacks",
				SMALL "/0011.show_stacks" };
	char *paths[3];
	char *out = tmp("full.ptrec"), *cut = tmp("cut.ptrec");
	struct series full = { 0 };
	size_t len, start, last_e_end;
	char *text;
	const char *p;

	timed_copies(files, 3, paths);
	record_paths((const char *const *)paths, 3, out);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
	read_recording(out, &full);
	ck_assert_int_eq(full.n, 3);
	text = slurp(out, &len);
	/* the last sample starts after the second "e" line and ends after the third */
	p = strstr(text, "\ne 1 ");
	ck_assert(p != NULL);
	start = (size_t)(strchr(p + 1, '\n') - text) + 1;
	p = strstr(text, "\ne 2 ");
	ck_assert(p != NULL);
	last_e_end = (size_t)(strchr(p + 1, '\n') - text) + 1;
	ck_assert_msg(strncmp(text + start, "s ", 2) == 0, "the last sample defines stacks");
	ck_assert_uint_gt(last_e_end - start, 1000);

	diag_set_sink(count_warning);
	for (size_t k = start; k < len; k++) {
		struct series got = { 0 };
		size_t want = k >= last_e_end ? 3 : 2;

		warnings = 0;
		read_recording_mem(text, k, &got);
		if (got.n != want || warnings != 1) {
			ck_assert_msg(got.n == want, "cut at %zu: %zu samples", k, got.n);
			ck_assert_msg(warnings == 1, "cut at %zu: %d warnings", k, warnings);
		}
		same_series(&full, &got, want);
		series_free(&got);
	}
	ck_assert(strstr(last_warning, "cut.ptrec") != NULL);
	ck_assert_msg(strstr(last_warning, "kept the 3 complete samples") != NULL, "%s", last_warning);
	/* and from a real file cut in the middle of the last sample */
	{
		struct series got = { 0 };

		put(cut, text, (start + last_e_end) / 2);
		warnings = 0;
		read_recording(cut, &got);
		ck_assert_int_eq(got.n, 2);
		ck_assert_int_eq(warnings, 1);
		ck_assert_msg(strstr(last_warning, "the last sample is cut short") != NULL, "%s",
			      last_warning);
		series_free(&got);
	}
	/* whole: no warning */
	{
		struct series got = { 0 };

		warnings = 0;
		read_recording(out, &got);
		ck_assert_int_eq(warnings, 0);
		series_free(&got);
	}
	diag_set_sink(NULL);
	free(text);
	series_free(&full);
	free(out);
	free(cut);
}
END_TEST

/* What a power loss can leave: zeroed blocks after the last write. */
START_TEST(torn_garbage)
{
	const char *files[] = { SMALL "/0000.show_stacks", SMALL "/0001.show_stacks" };
	char *paths[2];
	char *out = tmp("full.ptrec"), *bad = tmp("zeros.ptrec");
	struct series full = { 0 }, got = { 0 };
	size_t len;
	char *text, *z;
	const char *p;

	timed_copies(files, 2, paths);
	record_paths((const char *const *)paths, 2, out);
	free(paths[0]);
	free(paths[1]);
	read_recording(out, &full);
	text = slurp(out, &len);
	p = strstr(text, "\ne 1 ");
	ck_assert(p != NULL);
	len = (size_t)(p - text) + 3; /* "e 1" half written */
	z = xcalloc(len + 4096, 1);
	memcpy(z, text, len);
	put(bad, z, len + 4096);
	diag_set_sink(count_warning);
	warnings = 0;
	read_recording(bad, &got);
	ck_assert_int_eq(got.n, 1);
	ck_assert_int_eq(warnings, 1);
	same_series(&full, &got, 1);
	diag_set_sink(NULL);
	series_free(&full);
	series_free(&got);
	free(text);
	free(z);
	free(out);
	free(bad);
}
END_TEST

/* ---- creating the file ---- */

START_TEST(no_overwrite)
{
	char *out = tmp("exists.ptrec");
	struct recorder *rec;
	struct pt_err err;
	char *t;

	put(out, "precious\n", 9);
	ck_assert_int_eq(recorder_open(&rec, out, 0, &err), -1);
	ck_assert_msg(strstr(err.msg, "exists: give --force to overwrite it") != NULL, "%s", err.msg);
	t = slurp(out, NULL);
	ck_assert_str_eq(t, "precious\n");
	free(t);
	ck_assert_int_eq(recorder_open(&rec, out, 1, &err), 0);
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	t = slurp(out, NULL);
	ck_assert(strncmp(t, "#pagetop-recording 2\n", 21) == 0);
	ck_assert(strstr(t, "\nend 0\n") != NULL);
	free(t);
	free(out);
}
END_TEST

START_TEST(no_symlink)
{
	char *target = tmp("target"), *link = tmp("link.ptrec"), *dangling = tmp("dangling.ptrec");
	char *nowhere = tmp("nowhere");
	struct recorder *rec;
	struct pt_err err;
	struct stat st;
	char *t;

	put(target, "precious\n", 9);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(symlink(nowhere, dangling), 0);
	for (int force = 0; force < 2; force++) {
		ck_assert_int_eq(recorder_open(&rec, link, force, &err), -1);
		ck_assert_msg(strstr(err.msg, "is a symbolic link") != NULL, "%s", err.msg);
		ck_assert_int_eq(recorder_open(&rec, dangling, force, &err), -1);
		ck_assert_msg(strstr(err.msg, "is a symbolic link") != NULL, "%s", err.msg);
	}
	t = slurp(target, NULL);
	ck_assert_str_eq(t, "precious\n");
	free(t);
	ck_assert_int_eq(stat(nowhere, &st), -1); /* not created through the link */
	free(target);
	free(link);
	free(dangling);
	free(nowhere);
}
END_TEST

START_TEST(file_mode)
{
	char *out = tmp("mode.ptrec");
	struct recorder *rec;
	struct pt_err err;
	struct stat st;

	umask(022);
	ck_assert_int_eq(recorder_open(&rec, out, 0, &err), 0);
	recorder_free(rec);
	ck_assert_int_eq(stat(out, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	free(out);
}
END_TEST

/* ---- reading ---- */

/* ssh host pagetop record -o - > host.ptrec, and pagetop - < host.ptrec */
START_TEST(from_pipe)
{
	const char *folder[] = { SMALL };
	char *out = tmp("pipe.ptrec");
	struct series direct = { 0 }, got = { 0 };
	struct source_opts o;
	struct source src = { 0 };
	struct reader *r;
	struct pt_err err;
	int fds[2];
	pid_t pid;
	size_t len;
	char *text;
	const char *peek;

	record_paths(folder, 1, out);
	read_recording(out, &direct);
	text = slurp(out, &len);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < len;) { /* in small pieces, as a network would */
			ssize_t w = write(fds[1], text + off, len - off < 1000 ? len - off : 1000);

			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	ck_assert_msg(reader_open_fd(&r, fds[0], "-", 1, &err) == 0, "%s", err.msg);
	ck_assert(reader_peek(r, &peek, &err) > 0);
	ck_assert(strncmp(peek, "#pagetop-recording", 18) == 0);
	source_opts_init(&o);
	ck_assert_msg(source_open_recording_reader(&src, r, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(drain(&src, &got, &err), SRC_END);
	src.impl->close(&src);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(got.n, 16);
	same_series(&direct, &got, 16);
	series_free(&direct);
	series_free(&got);
	free(text);
	free(out);
}
END_TEST

static void expect_open_error(const char *text, const char *want)
{
	char *p = tmp("bad.ptrec");
	struct source_opts o;
	struct source src = { 0 };
	struct pt_err err;

	put(p, text, strlen(text));
	source_opts_init(&o);
	ck_assert_int_eq(source_open_recording(&src, p, &o, &err), -1);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	free(p);
}

static void expect_next_error(const char *text, const char *want)
{
	char *p = tmp("bad.ptrec");
	struct source_opts o;
	struct source src = { 0 };
	struct pt_err err;
	struct series se = { 0 };

	put(p, text, strlen(text));
	source_opts_init(&o);
	ck_assert_msg(source_open_recording(&src, p, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(drain(&src, &se, &err), SRC_ERROR);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	src.impl->close(&src);
	series_free(&se);
	free(p);
}

START_TEST(format_errors)
{
	expect_open_error("nr_base_pages: 3\n", "expected a pagetop recording");
	expect_open_error("#pagetop-recording 4\nmeta x y\n", "version 4; this pagetop reads versions 1 to 3");
	expect_open_error("#pagetop-recording\n", "expected \"#pagetop-recording VERSION\"");
	expect_next_error("#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\nt 0 1.5 0\nc 1 x\ne 0 1\nend 1\n",
			  "bad.ptrec:5: expected \"c ID COUNT\" inside a sample");
	expect_next_error("#pagetop-recording 1\nt 0 1.5 0\nc 1 4\ne 0 1\nend 1\n",
			  "bad.ptrec:3: expected the id of a stack defined before");
	expect_next_error("#pagetop-recording 1\ns 2 0 1\nf a+0x1/0x2\n",
			  "bad.ptrec:2: expected stack 1 defined next");
	expect_next_error("#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\nt 0 1.5 0\nc 1 4\ne 0 2\nend 1\n",
			  "bad.ptrec:6: expected \"e SEQ N\" closing the sample");
	expect_next_error("#pagetop-recording 1\nq what\n", "bad.ptrec:2: expected a recording line");
	/* no escape sequence of the file reaches the terminal through a message */
	expect_next_error("#pagetop-recording 1\nq \033]0;owned\007\033[2J\n",
			  "bad.ptrec:2: expected a recording line (s, f, x, l, n, t, m, c, a, d, e, meta or end), found "
			  "\"q \\x1b]0;owned\\x07\\x1b[2J\"");
	/* a page size no kernel has, as the folder's page-size file and --page-size */
	expect_open_error("#pagetop-recording 1\nmeta page-size 1\n",
			  "bad.ptrec:2: expected \"meta page-size BYTES\" from 512 to 16777216, found \"meta page-size 1\"");
	expect_open_error("#pagetop-recording 1\nmeta page-size 1073741824\n",
			  "bad.ptrec:2: expected \"meta page-size BYTES\" from 512 to 16777216");
	/* a time the screen cannot make a date of, nor pagetop record microseconds */
	expect_next_error("#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\nt 0 -9999999999999999999.0 0\n"
			  "c 1 4\ne 0 1\nend 1\n",
			  "bad.ptrec:4: expected a time of at most 10^12 seconds, found "
			  "\"t 0 -9999999999999999999.0 0\": that is 31,700 years");
	/* the limit is named */
	expect_next_error("#pagetop-recording 1\ns 1 0 65\nf a+0x1/0x2\n",
			  "bad.ptrec:2: expected at most 64 frames in a stack, found \"s 1 0 65\": "
			  "the kernel saves 16 frames a stack");
}
END_TEST

/* A count is at most 2^48 (1 EiB of 4 KiB pages): a larger one is damage, not data, and
 * would reach the totals and the screen as a nonsense sum. */
START_TEST(count_bound)
{
	char *p = tmp("max.ptrec");
	static const char max[] =
		"#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\ns 2 0 1\nf b+0x1/0x2\n"
		"t 0 1.0 1\nc 1 281474976710656\nc 2 281474976710656\ne 0 2\nend 1\n";
	struct series se = { 0 };

	put(p, max, strlen(max));
	read_recording(p, &se);
	ck_assert_int_eq(se.n, 1);
	ck_assert_uint_eq(se.s[0].v[0].count, 1ULL << 48);
	series_free(&se);
	free(p);
	expect_next_error("#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\nt 0 1.0 1\n"
			  "c 1 281474976710657\ne 0 1\nend 1\n",
			  "bad.ptrec:5: expected a page count from 0 to 2^48, found \"c 1 281474976710657\": "
			  "no machine has that many pages");
	expect_next_error("#pagetop-recording 1\nmeta unit allocs\ns 1 0 1\nf a+0x1/0x2\n"
			  "t 0 1.0 1\nc 1 9223372036854775807\ne 0 1\nend 1\n",
			  "bad.ptrec:6: expected an allocation count from 0 to 2^48");
}
END_TEST

/* Two count lines of one stack in one sample: the writer never makes them, and which is
 * right no one can tell. Taken in turn, they once put the stack twice into the samples fed
 * (0 then 5 added it again), so that it grew by 5 pages a sample: a fake leak. */
START_TEST(duplicate_count)
{
	expect_next_error("#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\ns 2 0 1\nf b+0x1/0x2\n"
			  "t 0 1.0 1\nc 1 5\ne 0 1\n"
			  "t 1 2.0 1\nc 1 0\nc 2 3\nc 1 5\ne 1 3\nend 2\n",
			  "bad.ptrec:12: expected one count line for a stack in a sample, found \"c 1 5\": "
			  "line 10 has the count of stack 1 in this sample already");
}
END_TEST

/* A frame text is checked once, but once under each unit: read as a frame of a stack,
 * it is no call site when "meta unit bytes" comes after it. */
START_TEST(frame_checked_per_unit)
{
	expect_next_error("#pagetop-recording 3\nmeta unit pages\ns 1 0 1\nf a+0x1/0x2\n"
			  "t 0 1.0 0\nc 1 5\ne 0 1\nmeta unit bytes\ns 2 0 1\nf a+0x1/0x2\n"
			  "t 1 2.0 0\nc 2 4 1\ne 1 1\nend 2\n",
			  "bad.ptrec:10: expected a call site line \"f FILE:LINE [module] func:NAME\"");
}
END_TEST

/* A handle names one stack: a second stack with it is an error. The model took both for
 * the first: the second's frames vanished and its pages went to the first. */
START_TEST(duplicate_handle)
{
	struct series se = { 0 };
	char *p = tmp("handles.ptrec");
	/* more stacks with handles than the first table has room for */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fprintf(f, "#pagetop-recording 1\n");
	for (int i = 1; i <= 3000; i++)
		fprintf(f, "s %d %d 1\nf a%d+0x1/0x2\n", i, 7 * i, i);
	fprintf(f, "t 0 1.0 1\n");
	for (int i = 1; i <= 3000; i++)
		fprintf(f, "c %d %d\n", i, i);
	fprintf(f, "e 0 3000\nend 1\n");
	fclose(f);
	put(p, text, len);
	read_recording(p, &se);
	ck_assert_int_eq(se.s[0].n, 3000);
	series_free(&se);
	free(text);
	free(p);
	expect_next_error("#pagetop-recording 1\ns 1 77 1\nf a+0x1/0x2\ns 2 0 1\nf b+0x1/0x2\n"
			  "s 3 77 1\nf c+0x1/0x2\nt 0 1.0 1\nc 1 5\nc 3 6\ne 0 2\nend 1\n",
			  "bad.ptrec:6: expected a handle no other stack has, found \"s 3 77 1\": "
			  "stack 1 has that handle already");
}
END_TEST

/* Reads a recording given as text (named cut.ptrec); its warnings in all_warnings. */
static void read_text_warned(const char *text, struct series *se)
{
	diag_set_sink(count_warning);
	warnings = 0;
	all_warnings[0] = '\0';
	read_recording_mem(text, strlen(text), se);
	diag_set_sink(NULL);
}

#define REC_AB "#pagetop-recording 1\ns 1 0 1\nf a+0x1/0x2\ns 2 0 1\nf b+0x1/0x2\n"

/* Sample numbers only go up (the writer numbers its samples so): samples out of order are
 * an error, as their counts, only those that changed, would mean something else. Gaps are
 * fine (a recording started in the UI begins at the sample on screen). */
START_TEST(sample_order)
{
	struct series se = { 0 };

	read_text_warned(REC_AB "t 4 1.0 1\nc 1 5\ne 4 1\nt 9 2.0 1\nc 2 5\ne 9 1\nend 2\n", &se);
	ck_assert_int_eq(se.n, 2);
	ck_assert_int_eq(warnings, 0);
	series_free(&se);
	expect_next_error(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nt 2 2.0 1\nc 2 5\ne 2 1\n"
			  "t 1 3.0 1\nc 1 0\ne 1 1\nend 3\n",
			  "bad.ptrec:12: expected a sample number above 2 (that of the sample before), "
			  "found \"t 1 3.0 1\": the samples are out of order");
	expect_next_error(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nt 0 2.0 1\nc 2 5\ne 0 1\nend 2\n",
			  "bad.ptrec:9: expected a sample number above 0");
}
END_TEST

/* A clock set back (or snapshot files whose times are out of order): the samples are kept,
 * but their rates, over a time that did not pass, are 0, and that is said: the first such
 * sample with its line, any more in a count at the end. */
START_TEST(time_backwards)
{
	struct series se = { 0 };

	read_text_warned(REC_AB "t 0 10.0 1\nc 1 5\ne 0 1\nt 1 9.0 1\nc 2 5\ne 1 1\n"
			 "t 2 12.0 1\nc 1 7\ne 2 1\nend 3\n", &se);
	ck_assert_int_eq(se.n, 3);
	ck_assert_int_eq(warnings, 1);
	ck_assert_str_eq(all_warnings,
			 "cut.ptrec:9: expected a time after that of the sample before (line 6), found "
			 "\"t 1 9.0 1\": the clock went back or stood still; the rates of this sample are shown as 0");
	series_free(&se);
	read_text_warned(REC_AB "t 0 10.0 1\nc 1 5\ne 0 1\nt 1 10.0 1\nc 2 5\ne 1 1\n"
			 "t 2 8.0 1\nc 1 7\ne 2 1\nt 3 7.0 1\ne 3 0\nend 4\n", &se);
	ck_assert_int_eq(se.n, 4);
	ck_assert_int_eq(warnings, 2);
	ck_assert_msg(strstr(all_warnings, "cut.ptrec:9: expected a time after that of the sample before (line 6), found \"t 1 10.0 1\"") != NULL,
		      "%s", all_warnings);
	ck_assert_str_eq(last_warning,
			 "cut.ptrec: the time of 3 samples is not after that of the sample before: their rates are shown as 0");
	series_free(&se);
	/* relative times after absolute ones: another clock, not a step back */
	read_text_warned(REC_AB "t 0 10.0 1\nc 1 5\ne 0 1\nt 1 1.0 0\nc 2 5\ne 1 1\nend 2\n", &se);
	ck_assert_int_eq(warnings, 0);
	series_free(&se);
}
END_TEST

/* "end N" says how many samples came: another number means samples are missing or were
 * added (a warning: the samples read are whole); "end" without a number is not a line
 * the writer makes. */
START_TEST(end_count)
{
	struct series se = { 0 };

	read_text_warned(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nt 1 2.0 1\nc 2 5\ne 1 1\nend 5\n", &se);
	ck_assert_int_eq(se.n, 2);
	ck_assert_int_eq(warnings, 1);
	ck_assert_str_eq(all_warnings,
			 "cut.ptrec:12: expected \"end 2\" (the samples read), found \"end 5\": samples are "
			 "missing or were added; the recording is damaged or was edited");
	series_free(&se);
	read_text_warned(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nend 1\n", &se);
	ck_assert_int_eq(warnings, 0);
	series_free(&se);
	/* blank and comment lines after the end are fine; a second recording is not read */
	read_text_warned(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nend 1\n\n# note\n", &se);
	ck_assert_int_eq(warnings, 0);
	series_free(&se);
	read_text_warned(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nend 1\n" REC_AB "t 0 1.0 1\ne 0 0\nend 1\n",
			 &se);
	ck_assert_int_eq(se.n, 1);
	ck_assert_int_eq(warnings, 1);
	ck_assert_str_eq(all_warnings,
			 "cut.ptrec:10: expected nothing after the end line, found more: ignored "
			 "(were two recordings joined? replay each on its own)");
	series_free(&se);
	expect_next_error(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nend\n",
			  "bad.ptrec:9: expected \"end N\" with the number of samples, found \"end\"");
	expect_next_error(REC_AB "t 0 1.0 1\nc 1 5\ne 0 1\nend 1 2\n",
			  "bad.ptrec:9: expected \"end N\" with the number of samples, found \"end 1 2\"");
}
END_TEST

/* The writer adds up the records of one stack (the per-block dump has one a block): a sum
 * past 2^48 is refused, as the reader would refuse it, before a signed 64-bit sum of
 * many such records could overflow. Exactly 2^48 is recorded. */
START_TEST(record_sum_bound)
{
	char *in = tmp("dup.show_stacks"), *out = tmp("dup.ptrec");
	const char *paths[] = { in };
	struct source_opts o;
	struct source *src;
	struct recorder *rec;
	struct pt_err err;
	struct sink snk;
	struct series se = { 0 };
	static const char half[] = " a+0x1/0x2\nnr_base_pages: 140737488355328\n\n";
	char text[sizeof(half) * 3];

	snprintf(text, sizeof(text), "%s%s", half, half);
	put(in, text, strlen(text));
	record_paths(paths, 1, out);
	read_recording(out, &se);
	ck_assert_uint_eq(se.s[0].v[0].count, 1ULL << 48);
	series_free(&se);
	remove(out);

	snprintf(text, sizeof(text), "%s%s a+0x1/0x2\nnr_base_pages: 1\n\n", half, half);
	put(in, text, strlen(text));
	source_opts_init(&o);
	ck_assert_msg(source_open(&src, paths, 1, &o, &err) == 0, "%s", err.msg);
	ck_assert_msg(recorder_open(&rec, out, 0, &err) == 0, "%s", err.msg);
	snk = recorder_sink(rec);
	ck_assert_int_eq(source_next(src, &snk, WAIT_MS, &err), SRC_ERROR);
	ck_assert_msg(strstr(err.msg, "sample 0: the records of one stack add up to more than 2^48 pages") != NULL,
		      "%s", err.msg);
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	source_close(src);
	read_recording(out, &se);
	ck_assert_int_eq(se.n, 0);
	series_free(&se);
	free(in);
	free(out);
}
END_TEST

/* Changed counts only in the file, every non-zero count in each replayed sample; meta
 * keys this version does not know are skipped. */
START_TEST(replay_semantics)
{
	char *p = tmp("small.ptrec");
	static const char text[] =
		"#pagetop-recording 1\n"
		"meta kernel-release 7.3.4\nmeta kernel-build-id 39c6\nmeta hostname lab\n"
		"meta page-size 16384\nmeta iface proposal\nmeta unit allocs\nmeta future-key 1 2 3\n"
		"s 1 0 2\nf a+0x1/0x2\nf b+0x1/0x2 [brd]\n"
		"s 2 77 1\nf c+0x1/0x2\n"
		"t 0 100.250000 1\nc 1 5\nc 2 7\ne 0 2\n"
		"t 1 101.500000 1\nc 2 9\ne 1 1\n"
		"t 2 102.750000 1\nc 1 0\ne 2 1\n"
		"t 3 103.000000 1\ne 3 0\n"
		"end 4\n";
	struct series se = { 0 };

	put(p, text, strlen(text));
	read_recording(p, &se);
	ck_assert_int_eq(se.n, 4);
	ck_assert_int_eq(se.s[0].n, 2);
	ck_assert_int_eq(se.s[1].n, 2); /* stack 1 kept its 5 */
	ck_assert_int_eq(se.s[1].v[0].count, 5);
	ck_assert_str_eq(se.s[1].v[0].key, "a+0x1/0x2\nb+0x1/0x2 [brd]\n");
	ck_assert_str_eq(se.s[1].v[1].key, "h77");
	ck_assert_int_eq(se.s[1].v[1].count, 9);
	ck_assert_int_eq(se.s[2].n, 1);
	ck_assert_int_eq(se.s[3].n, 1);
	ck_assert(se.s[1].time == 101.5);
	ck_assert_int_eq(se.meta.page_size, 16384);
	ck_assert(se.meta.page_size_known);
	ck_assert_int_eq(se.meta.iface, IFACE_PROPOSAL);
	ck_assert_int_eq(se.meta.unit, UNIT_ALLOCS);
	ck_assert_str_eq(se.release, "7.3.4");
	ck_assert_str_eq(se.build_id, "39c6");
	ck_assert_str_eq(se.hostname, "lab");
	ck_assert_int_eq(se.metas, 1);
	series_free(&se);
	free(p);
}
END_TEST

/* The reader gives the model its stack ids as keys. Stack 2 at 0 pages until the model
 * forgets it (stack 1, of its caller and first of all, stays: groups keep their first),
 * stack 3 new in its place, then stack 2 back: the key of stack 2 must not find stack 3,
 * nor a stack that is no more. */
START_TEST(replay_keys_forgotten)
{
	size_t cap = 1 << 16, len = 0, seen[3] = { 0 };
	char *text = xmalloc(cap);
	struct model *m = model_new();
	struct sink snk = model_sink(m);
	struct source_opts o;
	struct source src = { 0 };
	struct reader *r;
	struct pt_err err;
	uint32_t t, back = MODEL_HISTORY + 10, gone_id = 0;

#define ADD(...) (len += (size_t)snprintf(text + len, cap - len, __VA_ARGS__))
	ADD("#pagetop-recording 2\ns 1 0 2\nf a+0x1/0x2\nf b+0x1/0x2\n");
	ADD("s 2 0 2\nf a+0x1/0x2\nf b+0x5/0x9\n");
	for (t = 0; t <= back; t++) {
		if (t == MODEL_HISTORY + 5)
			ADD("s 3 0 2\nf a+0x1/0x2\nf c+0x1/0x2\n");
		ADD("t %u %u.000000 0\n", t, t + 1);
		if (t == 0)
			ADD("c 1 1\nc 2 5\ne %u 2\n", t);
		else if (t == 1)
			ADD("c 2 0\ne %u 1\n", t);
		else if (t == MODEL_HISTORY + 5)
			ADD("c 3 7\ne %u 1\n", t);
		else if (t == back)
			ADD("c 2 3\ne %u 1\n", t);
		else
			ADD("e %u 0\n", t);
	}
	ADD("end %u\n", back + 1);
#undef ADD
	ck_assert(len < cap);
	source_opts_init(&o);
	if (reader_open_mem(&r, text, len, "keys.ptrec", &err) < 0 ||
	    source_open_recording_reader(&src, r, &o, &err) < 0)
		ck_abort_msg("%s", err.msg);
	while (source_next(&src, &snk, WAIT_MS, &err) == SRC_SAMPLE) {
		const struct stack *st = model_stack(m, 1);

		if (model_nsamples(m) == 1)
			ck_assert(st && st->nframes == 2 && st->s.now == 5);
		if (model_nsamples(m) == MODEL_HISTORY + 6) {
			/* stack 2 forgotten, stack 3 in its id */
			ck_assert(st && st->s.now == 7);
			gone_id = 1;
		}
	}
	src.impl->close(&src);
	ck_assert_int_eq(gone_id, 1);
	ck_assert_int_eq(model_nsamples(m), back + 1);
	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		const char *f;

		if (!st || st->nframes != 2)
			continue;
		f = model_frame(m, st->frames[1]);
		if (strcmp(f, "b+0x1/0x2") == 0) {
			ck_assert_int_eq(st->s.now, 1);
			seen[0]++;
		} else if (strcmp(f, "b+0x5/0x9") == 0) {
			ck_assert_int_eq(st->s.now, 3);
			seen[1]++;
		} else {
			ck_assert_str_eq(f, "c+0x1/0x2");
			ck_assert_int_eq(st->s.now, 7);
			seen[2]++;
		}
	}
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(seen[i], 1);
	ck_assert_int_eq(model_total_pages(m), 11);
	model_free(m);
	free(text);
}
END_TEST

/* Warnings, caught. */
static char warns[16][1024];
static int nwarns;

static void warn_catch(const char *msg)
{
	if (nwarns < 16)
		snprintf(warns[nwarns], sizeof(warns[0]), "%s", msg);
	nwarns++;
}

static void warn_start(void)
{
	nwarns = 0;
	diag_set_sink(warn_catch);
}

/* Meta values end up in file names (the kernel release in the debug info's paths): a
 * value that is not what its key says is dropped with a warning naming the line, and
 * the rest of the recording is read. */
START_TEST(meta_values_checked)
{
	static const char text[] =
		"#pagetop-recording 1\n"
		"meta kernel-release ../../tmp/x\n"
		"meta kernel-build-id ../../etc\n"
		"meta module-build-id ../brd 0123abcd\n"
		"meta module-build-id brd ../../x\n"
		"meta module-build-id ext4 00ff\n"
		"meta hostname ../../h\n"
		"meta hostname \x1b[31mred\n"
		"meta module-build-id brd\n"
		"s 1 0 1\nf a+0x1/0x2\nt 0 1.000000 1\nc 1 5\ne 0 1\nend 1\n";
	static const char *const want[] = {
		"cut.ptrec:2: kernel-release '../../tmp/x' is not a kernel release; ignored",
		"cut.ptrec:3: kernel-build-id '../../etc' is not a build id (lowercase hex); ignored",
		"cut.ptrec:4: module-build-id '../brd 0123abcd' is not a module name and its build id; ignored",
		"cut.ptrec:5: module-build-id 'brd ../../x' is not a module name and its build id; ignored",
		"cut.ptrec:7: hostname '../../h' is not a host name; ignored",
		"cut.ptrec:8: hostname '\\x1b[31mred' is not a host name; ignored",
		"cut.ptrec:9: module-build-id 'brd' is not a module name and its build id; ignored",
	};
	struct series se = { 0 };

	warn_start();
	read_recording_mem(text, sizeof(text) - 1, &se);
	diag_set_sink(NULL);
	ck_assert_int_eq(se.n, 1);
	ck_assert_ptr_null(se.release);
	ck_assert_ptr_null(se.build_id);
	ck_assert_ptr_null(se.hostname);
	ck_assert_str_eq(se.mids, "ext4 00ff;");
	ck_assert_int_eq(nwarns, (int)ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_str_eq(warns[i], want[i]);
	series_free(&se);
	/* "(none)": what uname -n says on a host never given a name (the lab's kernel) */
	warn_start();
	read_recording_mem("#pagetop-recording 1\nmeta hostname (none)\n"
			   "s 1 0 1\nf a+0x1/0x2\nt 0 1.000000 1\nc 1 5\ne 0 1\nend 1\n", 95, &se);
	diag_set_sink(NULL);
	ck_assert_int_eq(nwarns, 0);
	ck_assert_str_eq(se.hostname, "(none)");
	series_free(&se);
}
END_TEST

/* The module build ids a recording keeps are counted: 4096 at most (a machine has a few
 * hundred modules), so that their memory has a bound whatever the file holds. */
START_TEST(meta_module_ids_bounded)
{
	struct series se = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fprintf(f, "#pagetop-recording 1\n");
	for (int i = 0; i < 5000; i++)
		fprintf(f, "meta module-build-id m%d 00ff\n", i);
	fprintf(f, "s 1 0 1\nf a+0x1/0x2\nt 0 1.000000 1\nc 1 5\ne 0 1\nend 1\n");
	fclose(f);
	read_recording_mem(text, len, &se);
	ck_assert_int_eq(se.n, 1);
	ck_assert_uint_eq(se.nmids, 4096);
	series_free(&se);
	free(text);
}
END_TEST

/* What uname -r prints is kept, and only that. */
START_TEST(meta_releases)
{
	static const char *const good[] = {
		"7.3.4", "6.12.117", "6.8.0-45-generic", "5.14.0-427.13.1.el9_4.x86_64",
		"6.1.0-28-amd64", "6.10.3-arch1-1", "6.6.30+rpt-rpi-v8", "6.1.0-rc1+",
		"5.15.0~custom", "a", "1234567890123456789012345678901234567890123456789012345678901234",
	};
	static const char *const bad[] = {
		"..", "../x", "6.1/../..", "6.1..0", ".6.1", "-6.1", "6.1 x", "6.1\tx", "/boot",
		"6.1:x", "6.1*", "12345678901234567890123456789012345678901234567890123456789012345",
	};

	for (size_t i = 0; i < ARRAY_SIZE(good) + ARRAY_SIZE(bad); i++) {
		const char *r = i < ARRAY_SIZE(good) ? good[i] : bad[i - ARRAY_SIZE(good)];
		char text[512];
		struct series se = { 0 };

		snprintf(text, sizeof(text), "#pagetop-recording 1\nmeta kernel-release %s\n"
			 "s 1 0 1\nf a+0x1/0x2\nt 0 1.000000 1\nc 1 5\ne 0 1\nend 1\n", r);
		warn_start();
		read_recording_mem(text, strlen(text), &se);
		diag_set_sink(NULL);
		ck_assert_int_eq(se.n, 1);
		if (i < ARRAY_SIZE(good)) {
			ck_assert_msg(se.release && strcmp(se.release, r) == 0, "'%s' was not kept", r);
			ck_assert_int_eq(nwarns, 0);
		} else {
			ck_assert_msg(se.release == NULL, "'%s' was kept", r);
			ck_assert_int_eq(nwarns, 1);
			ck_assert_ptr_nonnull(strstr(warns[0], "cut.ptrec:2: kernel-release '"));
		}
		series_free(&se);
	}
}
END_TEST

/* ---- the command ---- */

/* Runs pagetop with args; returns the exit status, fills out/err_text (malloc'ed). */
static int run(char **out_text, char **err_text, const char *const *args)
{
	char *o = tmp("stdout"), *e = tmp("stderr");
	pid_t pid = fork();
	int status;

	ck_assert(pid >= 0);
	if (pid == 0) {
		int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fo, 1);
		dup2(fe, 2);
		setenv("LC_ALL", "C", 1);
		execv(PAGETOP, (char *const *)args);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (out_text)
		*out_text = slurp(o, NULL);
	if (err_text)
		*err_text = slurp(e, NULL);
	free(o);
	free(e);
	ck_assert_msg(WIFEXITED(status), "status %#x", status);
	return WEXITSTATUS(status);
}

START_TEST(cmd_usage)
{
	char *err;

	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", NULL }), 2);
	ck_assert_msg(strstr(err, "pagetop: record: give the recording with -o FILE") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "-d", "0.01", NULL }), 2);
	ck_assert_msg(strstr(err, "pagetop: -d 0.01: expected seconds from 0.1 to 86400") != NULL, "%s", err);
	free(err);
	/* what the worker sleeps: nothing it cannot (inf and NaN made a time_t of it) */
	for (int i = 0; i < 3; i++) {
		const char *d = (const char *[]){ "inf", "nan", "86401" }[i];

		ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "-d", d, NULL }), 2);
		ck_assert_msg(strstr(err, "expected seconds from 0.1 to 86400") != NULL, "%s", err);
		free(err);
	}
	/* the bound of pagetop --kernel-threshold and of the helper */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "--kernel-threshold",
							 "4294967296", NULL }), 2);
	ck_assert_msg(strstr(err, "pagetop: --kernel-threshold 4294967296: expected a number of pages from 0 to 2147483647") != NULL,
		      "%s", err);
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "--duration", "5y", NULL }), 2);
	free(err);
	/* no number: not an interval (nan was the interface's default, inf never sampled),
	 * nor a duration (nan and inf were none) */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "-d", "nan", NULL }), 2);
	ck_assert_str_eq(err, "pagetop: -d nan: expected seconds from 0.1 to 86400\n"
			      "Try 'pagetop record --help' for more information.\n");
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "-d", "inf", NULL }), 2);
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "--duration", "inf", NULL }), 2);
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "--duration", "nan", NULL }), 2);
	ck_assert_str_eq(err, "pagetop: --duration nan: expected a time such as 30s, 5m or 1h\n"
			      "Try 'pagetop record --help' for more information.\n");
	free(err);
	/* the kernel's count_threshold as pagetop --kernel-threshold takes it */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "--kernel-threshold", "2147483648", NULL }), 2);
	ck_assert_str_eq(err, "pagetop: --kernel-threshold 2147483648: expected a number of pages from 0 to 2147483647\n"
			      "Try 'pagetop record --help' for more information.\n");
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-o", "x", "stray", NULL }), 2);
	free(err);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--help", NULL }), 0);
	free(err);
}
END_TEST

START_TEST(cmd_from)
{
	char *rec = tmp("cmd.ptrec"), *rec2 = tmp("cmd2.ptrec"), *err, *out, *a, *b;
	struct series direct = { 0 }, replay = { 0 };
	const char *folder[] = { SMALL };

	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "-v", "--from", SMALL, "-o", rec, NULL }), 0);
	ck_assert_msg(strstr(err, "sample 15: ") != NULL, "%s", err);
	free(err);
	read_paths(folder, 1, &direct);
	read_recording(rec, &replay);
	ck_assert_int_eq(replay.n, 16);
	same_series(&direct, &replay, 16);
	/* again: refused, the file kept */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", rec, NULL }), 1);
	ck_assert_msg(strstr(err, "pagetop: ") == err && strstr(err, "exists: give --force"), "%s", err);
	free(err);
	/* -n as pagetop -n takes it */
	ck_assert_int_eq(run(&out, &err, (const char *[]){ PAGETOP, "record", "-n", "1e1", "--from", SMALL, "-o", "-", NULL }), 0);
	ck_assert_msg(strstr(out, "\nt 9 ") && !strstr(out, "\nt 10 ") && strstr(out, "\nend 10\n"), "%.200s", out);
	free(out);
	free(err);
	/* -o - streams the same bytes */
	ck_assert_int_eq(run(&out, &err, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", "-", NULL }), 0);
	a = slurp(rec, NULL);
	ck_assert_str_eq(out, a);
	free(out);
	free(err);
	/* a recording converted again is the same recording */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--from", rec, "-o", rec2, NULL }), 0);
	free(err);
	b = slurp(rec2, NULL);
	ck_assert_str_eq(strstr(b, "\ns 1 "), strstr(a, "\ns 1 "));
	free(a);
	free(b);
	series_free(&direct);
	series_free(&replay);
	free(rec);
	free(rec2);
}
END_TEST

/* Under sudo the recording is created by the user who ran it: theirs, the same bytes as
 * root's, and refused where they cannot write. Without SUDO_UID it is root's as before. */
START_TEST(cmd_sudo_owner)
{
	char *mine = tmp("mine"), *rec = tmp("mine/rec.ptrec"), *roots = tmp("mine/roots.ptrec");
	char *plain = tmp("plain.ptrec"), *denied = tmp("denied.ptrec"), *err, *a, *b;
	struct stat st;

	ck_assert_int_eq(chmod(tmp_root, 0755), 0);
	ck_assert_int_eq(mkdir(mine, 0755), 0);
	ck_assert_int_eq(chown(mine, 65534, 65534), 0);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", plain, NULL }), 0);
	free(err);
	ck_assert_int_eq(stat(plain, &st), 0);
	ck_assert_int_eq(st.st_uid, 0);
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", rec, NULL }), 0);
	free(err);
	ck_assert_int_eq(stat(rec, &st), 0);
	ck_assert_int_eq(st.st_uid, 65534);
	ck_assert_int_eq(st.st_gid, 65534);
	a = slurp(plain, NULL);
	b = slurp(rec, NULL);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	/* root's folder: the user's error, nothing created */
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", denied, NULL }), 1);
	ck_assert_msg(strstr(err, strerror(EACCES)) && strstr(err, "as user 65534") &&
		      strstr(err, "give -o a folder they can write"), "%s", err);
	free(err);
	ck_assert_int_eq(access(denied, F_OK), -1);
	/* --force over root's file in their folder: they cannot write it, so it stays */
	ck_assert_int_eq(rename(plain, roots), 0);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--force", "--from", SMALL, "-o", roots, NULL }), 1);
	ck_assert_msg(strstr(err, strerror(EACCES)), "%s", err);
	free(err);
	ck_assert_int_eq(stat(roots, &st), 0);
	ck_assert_int_eq(st.st_uid, 0);
	ck_assert_int_gt(st.st_size, 0);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	free(mine);
	free(rec);
	free(roots);
	free(plain);
	free(denied);
}
END_TEST

/* The disk fills up (a file size limit does the same to write(), without privileges):
 * pagetop record says so, exits 1, and the file ends cleanly at the last complete sample. */
START_TEST(cmd_disk_full)
{
	char *full = tmp("full.ptrec"), *rec = tmp("cut.ptrec"), *e = tmp("stderr"), *err;
	struct series direct = { 0 }, got = { 0 };
	const char *folder[] = { SMALL };
	size_t len;
	char *text;
	pid_t pid;
	int status;

	ck_assert_int_eq(run(NULL, NULL, (const char *[]){ PAGETOP, "record", "--from", SMALL, "-o", full, NULL }), 0);
	text = slurp(full, &len);
	/* the limit falls inside the sample after five complete ones */
	ck_assert(strstr(text, "\nt 5 ") != NULL);
	len = (size_t)(strstr(text, "\nt 5 ") - text) + 12;
	free(text);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { (rlim_t)len, (rlim_t)len };
		int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fe, 2);
		setenv("LC_ALL", "C", 1);
		signal(SIGXFSZ, SIG_IGN); /* else the first write past the limit kills */
		setrlimit(RLIMIT_FSIZE, &lim);
		execl(PAGETOP, PAGETOP, "record", "--from", SMALL, "-o", rec, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	err = slurp(e, NULL);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x: %s", status, err);
	ck_assert_msg(strstr(err, "cannot write ") && strstr(err, strerror(EFBIG)), "%s", err);
	ck_assert_msg(strstr(err, "ends cleanly after its "), "%s", err);
	text = slurp(rec, &len);
	ck_assert_msg(len > 0 && text[len - 1] == '\n' && strstr(text, "\nend "), "%s", text + len / 2);
	warnings = 0;
	diag_set_sink(count_warning);
	read_recording(rec, &got);
	diag_set_sink(NULL);
	ck_assert_int_eq(warnings, 0);
	ck_assert_uint_eq(got.n, 5);
	{
		char want[64];

		snprintf(want, sizeof(want), "\nend %zu\n", got.n);
		ck_assert_msg(strcmp(strstr(text, "\nend "), want) == 0, "%s", strstr(text, "\nend "));
	}
	read_paths(folder, 1, &direct);
	same_series(&direct, &got, got.n);
	free(text);
	free(err);
	series_free(&direct);
	series_free(&got);
	free(full);
	free(rec);
	free(e);
}
END_TEST

/* Live recording from a fake tree, ended by SIGTERM: a clean file, the threshold back. */
START_TEST(cmd_live_signal)
{
	char *d = tmp("debug"), *pos, *rec = tmp("live.ptrec"), *thr, *t;
	int status;
	pid_t pid;
	double t0;

	pos = xasprintf("%s/page_owner_stacks", d);
	thr = xasprintf("%s/count_threshold", pos);
	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_int_eq(mkdir(pos, 0755), 0);
	{
		size_t n;
		char *s = slurp(SMALL "/0000.show_stacks", &n);
		char *p = xasprintf("%s/show_stacks", pos);

		put(p, s, n);
		free(p);
		free(s);
	}
	put(thr, "3\n", 2);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fe = open("/dev/null", O_WRONLY);

		dup2(fe, 2);
		signal(SIGTERM, SIG_DFL);
		execl(PAGETOP, PAGETOP, "record", "--debugfs", d, "-d", "0.1",
		      "--kernel-threshold", "9", "-o", rec, (char *)NULL);
		_exit(127);
	}
	/* wait until the threshold is set and two samples are in the file */
	t0 = time_mono();
	for (;;) {
		char *v = slurp(thr, NULL);
		size_t n = 0;
		int ready;

		if (access(rec, F_OK) == 0) {
			char *r = slurp(rec, NULL);

			for (const char *p = r; (p = strstr(p, "\ne ")); p++)
				n++;
			free(r);
		}
		ready = strcmp(v, "9\n") == 0 && n >= 2;
		free(v);
		if (ready)
			break;
		ck_assert_msg(time_mono() - t0 < WAIT_MS / 1e3, "the recorder did not start");
		usleep(20000);
	}
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	t = slurp(thr, NULL);
	ck_assert_str_eq(t, "3\n");
	free(t);
	t = slurp(rec, NULL);
	ck_assert(strstr(t, "\nmeta kernel-threshold 9 (was 3)\n") != NULL);
	ck_assert(strstr(t, "\nmeta iface show_stacks\n") != NULL);
	ck_assert(strstr(t, "\nmeta start ") != NULL);
	{
		const char *end = strstr(t, "\nend ");

		ck_assert(end != NULL);
		ck_assert_int_eq(end[strlen(end) - 1], '\n');
		ck_assert_int_eq(strchr(end + 1, '\n')[1], '\0'); /* the last line */
	}
	{
		struct series se = { 0 };

		warnings = 0;
		diag_set_sink(count_warning);
		read_recording(rec, &se);
		ck_assert_int_eq(warnings, 0);
		ck_assert_uint_ge(se.n, 2);
		series_free(&se);
		diag_set_sink(NULL);
	}
	free(t);
	free(thr);
	free(pos);
	free(d);
	free(rec);
}
END_TEST

START_TEST(cmd_live_count)
{
	char *d = tmp("debug"), *rec = tmp("n.ptrec"), *err;
	struct series se = { 0 };

	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--debugfs", d, "-o", rec, NULL }), 1);
	ck_assert_msg(strstr(err, "pagetop: debugfs is not mounted at ") == err, "%s", err);
	ck_assert_int_eq(access(rec, F_OK), -1); /* no empty recording left behind */
	free(err);
	{
		char *pos = xasprintf("%s/page_owner_stacks", d), *p;
		size_t n;
		char *s = slurp(SMALL "/0000.show_stacks", &n);

		ck_assert_int_eq(mkdir(pos, 0755), 0);
		p = xasprintf("%s/show_stacks", pos);
		put(p, s, n);
		free(p);
		free(s);
		free(pos);
	}
	ck_assert_int_eq(run(NULL, &err, (const char *[]){ PAGETOP, "record", "--debugfs", d, "-d", "0.1", "-n", "3", "-o", rec, NULL }), 0);
	free(err);
	read_recording(rec, &se);
	ck_assert_int_eq(se.n, 3);
	series_free(&se);
	free(d);
	free(rec);
}
END_TEST

static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roundtrip_folder);
	tcase_add_test(tc, roundtrip_handles);
	tcase_add_test(tc, roundtrip_live);
	tcase_add_test(tc, replay_semantics);
	tcase_add_test(tc, replay_keys_forgotten);
	tcase_add_test(tc, meta_values_checked);
	tcase_add_test(tc, meta_releases);
	tcase_add_test(tc, meta_module_ids_bounded);
	tcase_add_test(tc, from_pipe);
	suite_add_tcase(s, tc);

	tc = tcase_create("torn");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, torn_tail);
	tcase_add_test(tc, torn_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, no_overwrite);
	tcase_add_test(tc, no_symlink);
	tcase_add_test(tc, file_mode);
	tcase_add_test(tc, format_errors);
	tcase_add_test(tc, count_bound);
	tcase_add_test(tc, duplicate_count);
	tcase_add_test(tc, frame_checked_per_unit);
	tcase_add_test(tc, duplicate_handle);
	tcase_add_test(tc, sample_order);
	tcase_add_test(tc, time_backwards);
	tcase_add_test(tc, end_count);
	tcase_add_test(tc, record_sum_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("command");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cmd_usage);
	tcase_add_test(tc, cmd_from);
	if (test_require_root("a recording of another user's, as under sudo"))
		tcase_add_test(tc, cmd_sudo_owner);
	tcase_add_test(tc, cmd_disk_full);
	tcase_add_test(tc, cmd_live_signal);
	tcase_add_test(tc, cmd_live_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return test_exit_status(failed);
}
