/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h - helpers shared by the Check unit tests.
 *
 * - a recording sink: stores every call it gets (meta, begin, stack, count, end) for
 *   assertions;
 * - parsing a string through reader_open_mem() and parse_stream();
 * - capturing warnings from diag_warn();
 * - feeding synthetic samples to a model;
 * - temporary folders, reading and writing whole files, gzip and xz compression;
 * - the program's exit status, with the preconditions of require.h.
 *
 * Everything is static inline so each test program includes only what it uses without
 * unused-function warnings. */
#ifndef PAGETOP_TESTUTIL_H
#define PAGETOP_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

/* Check's assertion writes its place to a file when it passes (the place a crash is said to
 * be "after"): one write(2) a passing assertion, two thirds of a test's time in the loops
 * that compare every node of every sample, and far more under valgrind. A passing
 * assertion here does nothing; a failing one is Check's. */
#undef ck_assert_msg
#define ck_assert_msg(expr, ...) \
	((expr) ? (void)0 : \
		  _ck_assert_failed(__FILE__, __LINE__, "Assertion '" #expr "' failed", ##__VA_ARGS__))

#include "model.h"
#include "parse.h"
#include "reader.h"
#include "require.h"
#include "sink.h"
#include "source.h"
#include "util.h"

#ifndef TEST_DATA
#error "TEST_DATA must name tests/data"
#endif

#define TD(rel) TEST_DATA "/" rel

/* ---- a recording sink ---- */

struct rstack {
	char **frames;           /* NUL-terminated copies */
	unsigned nframes;
	uint64_t keyspace;       /* the record's keys, as given */
	uint32_t key, *fkeys;
	uint64_t handle;
	int has_count;
	uint64_t count;
	uint64_t calls;
	int has_block;
	struct block_info blk;   /* blk.comm points into comm */
	char comm[128];
	char gfp_text[300], memcg[128], reason[64]; /* the block's texts, "" when none */
	uint64_t sample;         /* number of begin() calls before it (0: outside a sample) */
};

static inline void rs_text(char *dst, size_t cap, const char *s, uint32_t n)
{
	size_t k = s ? (n < cap - 1 ? n : cap - 1) : 0;

	if (k)
		memcpy(dst, s, k);
	dst[k] = '\0';
}

struct rcount {
	uint64_t handle, count;
	uint64_t sample;
};

struct rsink {
	struct rstack *st;
	size_t nst, capst;
	struct rcount *ct;
	size_t nct, capct;
	/* meta (copied strings) */
	int nmeta;
	struct source_meta meta;
	char *m_name, *m_kind, *m_release;
	/* samples */
	int nbegin, nend;
	struct sample_info *samples;
	size_t capsamples;
	/* order check: 1 inside begin..end */
	int in_sample;
	int order_errors;        /* calls out of the documented order */
	/* fail on the Nth stack() call (1-based) with a message; 0 never */
	size_t fail_at;
	/* expect(): calls, the last hint, the stacks taken before it */
	int nexpect;
	uint64_t expect_n;
	size_t expect_at;
};

/* Sets an environment variable for a test; returns its value before (NULL: unset) for
 * env_pop() to put back. */
static inline char *env_push(const char *name, const char *value)
{
	const char *e = getenv(name);
	char *was = e ? strdup(e) : NULL;

	setenv(name, value, 1);
	return was;
}

static inline void env_pop(const char *name, char *was)
{
	if (was)
		setenv(name, was, 1);
	else
		unsetenv(name);
	free(was);
}

static inline void rs_init(struct rsink *rs)
{
	memset(rs, 0, sizeof(*rs));
}

static inline void rs_clear(struct rsink *rs)
{
	for (size_t i = 0; i < rs->nst; i++) {
		for (unsigned j = 0; j < rs->st[i].nframes; j++)
			free(rs->st[i].frames[j]);
		free(rs->st[i].frames);
		free(rs->st[i].fkeys);
	}
	free(rs->st);
	free(rs->ct);
	free(rs->samples);
	free(rs->m_name);
	free(rs->m_kind);
	free(rs->m_release);
	rs_init(rs);
}

static inline int rs_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	struct rsink *rs = self;

	(void)err;
	if (rs->in_sample)
		rs->order_errors++;
	rs->nmeta++;
	rs->meta = *m;
	free(rs->m_name);
	free(rs->m_kind);
	free(rs->m_release);
	rs->m_name = m->name ? strdup(m->name) : NULL;
	rs->m_kind = m->kind ? strdup(m->kind) : NULL;
	rs->m_release = m->kernel_release ? strdup(m->kernel_release) : NULL;
	rs->meta.name = rs->m_name;
	rs->meta.kind = rs->m_kind;
	rs->meta.kernel_release = rs->m_release;
	rs->meta.kernel_build_id = NULL;
	rs->meta.hostname = NULL;
	return 0;
}

static inline int rs_begin(void *self, const struct sample_info *si, struct pt_err *err)
{
	struct rsink *rs = self;

	(void)err;
	if (rs->in_sample || rs->nmeta == 0)
		rs->order_errors++;
	rs->in_sample = 1;
	if ((size_t)rs->nbegin == rs->capsamples) {
		rs->capsamples = rs->capsamples ? rs->capsamples * 2 : 16;
		rs->samples = realloc(rs->samples, rs->capsamples * sizeof(*rs->samples));
	}
	rs->samples[rs->nbegin++] = *si;
	return 0;
}

static inline int rs_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct rsink *rs = self;
	struct rstack *s;

	if (rs->nst == rs->capst) {
		rs->capst = rs->capst ? rs->capst * 2 : 64;
		rs->st = realloc(rs->st, rs->capst * sizeof(*rs->st));
	}
	s = &rs->st[rs->nst++];
	memset(s, 0, sizeof(*s));
	s->nframes = rec->nframes;
	s->frames = calloc(rec->nframes ? rec->nframes : 1, sizeof(char *));
	s->fkeys = calloc(rec->nframes ? rec->nframes : 1, sizeof(uint32_t));
	for (unsigned i = 0; i < rec->nframes; i++) {
		s->frames[i] = strndup(rec->frames[i].s, rec->frames[i].len);
		s->fkeys[i] = rec->frames[i].key;
	}
	s->keyspace = rec->keyspace;
	s->key = rec->key;
	s->handle = rec->handle;
	s->has_count = rec->has_count;
	s->count = rec->count;
	s->calls = rec->calls;
	s->sample = (uint64_t)rs->nbegin;
	if (rec->block) {
		size_t k = rec->block->comm_len < sizeof(s->comm) - 1 ? rec->block->comm_len
								       : sizeof(s->comm) - 1;

		s->has_block = 1;
		s->blk = *rec->block;
		if (rec->block->comm)
			memcpy(s->comm, rec->block->comm, k);
		s->comm[rec->block->comm ? k : 0] = '\0';
		s->blk.comm = s->comm;
		rs_text(s->gfp_text, sizeof(s->gfp_text), rec->block->gfp_text,
			rec->block->gfp_text_len);
		rs_text(s->memcg, sizeof(s->memcg), rec->block->memcg, rec->block->memcg_len);
		rs_text(s->reason, sizeof(s->reason), rec->block->reason,
			rec->block->reason_len);
	}
	if (rs->fail_at && rs->nst == rs->fail_at) {
		pt_err_set(err, "test sink refuses record %zu", rs->nst);
		return -1;
	}
	return 0;
}

static inline int rs_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct rsink *rs = self;

	(void)err;
	if (rs->nct == rs->capct) {
		rs->capct = rs->capct ? rs->capct * 2 : 64;
		rs->ct = realloc(rs->ct, rs->capct * sizeof(*rs->ct));
	}
	rs->ct[rs->nct].handle = handle;
	rs->ct[rs->nct].count = count;
	rs->ct[rs->nct].sample = (uint64_t)rs->nbegin;
	rs->nct++;
	return 0;
}

static inline int rs_end(void *self, struct pt_err *err)
{
	struct rsink *rs = self;

	(void)err;
	if (!rs->in_sample)
		rs->order_errors++;
	rs->in_sample = 0;
	rs->nend++;
	return 0;
}

static inline void rs_expect(void *self, uint64_t n)
{
	struct rsink *rs = self;

	rs->nexpect++;
	rs->expect_n = n;
	rs->expect_at = rs->nst;
}

static const struct sink_ops rs_ops = {
	.expect = rs_expect,
	.meta = rs_meta,
	.begin = rs_begin,
	.stack = rs_stack,
	.count = rs_count,
	.end = rs_end,
};

static inline struct sink rs_sink(struct rsink *rs)
{
	struct sink s = { &rs_ops, rs };

	return s;
}

/* ---- warnings ---- */

#define DIAG_MAX 16
static char diag_msgs[DIAG_MAX][1024];
static int diag_n;

static inline void diag_capture_fn(const char *msg)
{
	if (diag_n < DIAG_MAX)
		snprintf(diag_msgs[diag_n], sizeof(diag_msgs[0]), "%s", msg);
	diag_n++;
}

/* Installs the capturing sink and forgets earlier warnings. */
static inline void diag_capture(void)
{
	diag_n = 0;
	memset(diag_msgs, 0, sizeof(diag_msgs));
	diag_set_sink(diag_capture_fn);
}

/* ---- parsing strings ---- */

/* Parses len bytes of text named name into rs. Returns parse_stream()'s status. */
static inline int parse_buf(const char *text, size_t len, const char *name, enum pfmt expect,
			    enum pfmt *got, struct rsink *rs, struct pt_err *err)
{
	struct reader *r;
	struct sink s = rs_sink(rs);
	int rc;

	memset(err, 0, sizeof(*err));
	ck_assert_int_eq(reader_open_mem(&r, text, len, name, err), 0);
	rc = parse_stream(r, expect, got, &s, err);
	reader_close(r);
	return rc;
}

static inline int parse_str(const char *text, struct rsink *rs, enum pfmt *got,
			    struct pt_err *err)
{
	return parse_buf(text, strlen(text), "test", PF_UNKNOWN, got, rs, err);
}

/* Parses a file by path (any compression) into rs. */
static inline int parse_path(const char *path, enum pfmt expect, enum pfmt *got,
			     struct rsink *rs, struct pt_err *err)
{
	struct reader *r;
	struct sink s = rs_sink(rs);
	int rc;

	memset(err, 0, sizeof(*err));
	if (reader_open_path(&r, path, err) < 0)
		return -1;
	rc = parse_stream(r, expect, got, &s, err);
	reader_close(r);
	return rc;
}

/* ---- growing strings ---- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static inline void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->cap ? b->cap * 2 : 4096) + n;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static inline void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *p;
	int n;
	va_list ap;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	sb_addn(b, p, (size_t)n);
	free(p);
}

static inline void sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* ---- show_stacks text from a compact spec ----
 * "a;b;c=5|d=3": two stacks, frames innermost first separated by ';', '=' the count.
 * A frame without '+' becomes NAME+0x1/0x10; "NAME [mod]" becomes NAME+0x1/0x10 [mod];
 * a frame starting with 0x stays a bare address. */
static inline void spec_frame(struct sbuf *b, const char *f, size_t n)
{
	const char *br = memchr(f, '[', n);

	if (memchr(f, '+', n) || (n > 2 && f[0] == '0' && f[1] == 'x')) {
		sb_addn(b, f, n);
		return;
	}
	if (br) {
		sb_addn(b, f, (size_t)(br - f - 1));
		sb_add(b, "+0x1/0x10 ");
		sb_addn(b, br, n - (size_t)(br - f));
	} else {
		sb_addn(b, f, n);
		sb_add(b, "+0x1/0x10");
	}
}

static inline char *spec_text(const char *spec)
{
	struct sbuf b = { 0 };
	const char *p = spec;

	sb_add(&b, "");
	while (*p) {
		const char *end = strchr(p, '|'), *eq;

		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		ck_assert_msg(eq != NULL, "spec needs =N: %s", spec);
		for (const char *f = p; f < eq;) {
			const char *semi = memchr(f, ';', (size_t)(eq - f));
			const char *fe = semi ? semi : eq;

			sb_add(&b, " ");
			spec_frame(&b, f, (size_t)(fe - f));
			sb_add(&b, "\n");
			f = semi ? semi + 1 : eq;
		}
		sb_add(&b, "nr_base_pages: ");
		sb_addn(&b, eq + 1, (size_t)(end - eq - 1));
		sb_add(&b, "\n\n");
		p = *end ? end + 1 : end;
	}
	return b.s;
}

/* ---- files and folders ---- */

/* A fresh temporary folder (malloc'ed path). */
static inline char *tmpdir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&p, "%s/pagetop-test.XXXXXX", base) < 0)
		return NULL;
	ck_assert_ptr_nonnull(mkdtemp(p));
	return p;
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the folder and everything in it, and frees the path. */
static inline void tmpdir_free(char *path)
{
	if (!path)
		return;
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

/* "dir/name" (malloc'ed). */
static inline char *path_join(const char *dir, const char *name)
{
	char *p;

	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* The whole file, NUL-terminated (malloc'ed); NULL when unreadable. */
static inline char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!fp)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 131072;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static inline void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static inline void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

/* Writes into dir/name; returns the path (malloc'ed). */
static inline char *write_in(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = path_join(dir, name);

	write_file(p, data, len);
	return p;
}

static inline void set_mtime(const char *path, time_t t)
{
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };

	ck_assert_int_eq(utimes(path, tv), 0);
}

/* ---- compression (with the libraries pagetop links anyway) ---- */

/* gzip data of buf (malloc'ed). */
static inline unsigned char *gzip_buf(const void *buf, size_t len, size_t *outlen)
{
	z_stream z;
	size_t cap = deflateBound(NULL, (uLong)len) + 64;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* xz data of buf (malloc'ed). */
static inline unsigned char *xz_buf(const void *buf, size_t len, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(len), pos = 0;
	unsigned char *out = malloc(cap);

	ck_assert_int_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, buf, len, out, &pos,
						 cap), LZMA_OK);
	*outlen = pos;
	return out;
}

/* The decompressed content of an .xz file (malloc'ed, NUL-terminated). */
static inline char *read_xz_file(const char *path, size_t *outlen)
{
	size_t inlen, cap, outpos = 0, inpos = 0;
	unsigned char *in = (unsigned char *)read_file(path, &inlen);
	lzma_stream x = LZMA_STREAM_INIT;
	char *out;
	lzma_ret rc;

	ck_assert_msg(in != NULL, "cannot read %s", path);
	cap = inlen * 8 + 65536;
	out = malloc(cap);
	ck_assert_int_eq(lzma_stream_decoder(&x, UINT64_MAX, 0), LZMA_OK);
	x.next_in = in;
	x.avail_in = inlen;
	for (;;) {
		if (outpos + 1 >= cap) {
			cap *= 2;
			out = realloc(out, cap);
		}
		x.next_out = (uint8_t *)out + outpos;
		x.avail_out = cap - outpos - 1;
		rc = lzma_code(&x, LZMA_FINISH);
		outpos = cap - 1 - x.avail_out;
		if (rc == LZMA_STREAM_END)
			break;
		ck_assert_msg(rc == LZMA_OK || rc == LZMA_BUF_ERROR, "xz error %d", (int)rc);
	}
	(void)inpos;
	lzma_end(&x);
	free(in);
	out[outpos] = '\0';
	if (outlen)
		*outlen = outpos;
	return out;
}

/* ---- models ---- */

/* Feeds one sample of text to the model; the first also tells it the source: iface,
 * unit and page size. An empty text is a sample without records. */
static inline void model_feed_as(struct model *m, double t, const char *text,
				 enum pt_iface iface, enum pt_unit unit, long page_size)
{
	struct sink s = model_sink(m);
	struct sample_info si = { t, 0, model_nsamples(m) };
	struct pt_err err;
	struct reader *r;

	memset(&err, 0, sizeof(err));
	if (model_nsamples(m) == 0) {
		struct source_meta meta;

		memset(&meta, 0, sizeof(meta));
		meta.name = "synthetic";
		meta.kind = "test";
		meta.iface = iface;
		meta.unit = unit;
		meta.page_size = page_size;
		meta.page_size_known = 1;
		meta.series = 1;
		meta.nsamples = -1;
		ck_assert_int_eq(s.ops->meta(s.self, &meta, &err), 0);
	}
	ck_assert_int_eq(s.ops->begin(s.self, &si, &err), 0);
	if (*text) {
		ck_assert_int_eq(reader_open_mem(&r, text, strlen(text), "synthetic", &err), 0);
		ck_assert_msg(parse_stream(r, PF_UNKNOWN, NULL, &s, &err) == 0, "%s", err.msg);
		reader_close(r);
	}
	ck_assert_int_eq(s.ops->end(s.self, &err), 0);
}

/* Feeds one sample of /proc/allocinfo text to the model (a model of bytes). */
static inline void model_feed_allocinfo(struct model *m, double t, const char *text)
{
	model_feed_as(m, t, text, IFACE_ALLOCINFO, UNIT_BYTES, 1);
}

/* Feeds one sample to the model: text in show_stacks form (frames, "nr_base_pages: N",
 * blank line; frames may go without the leading space). */
static inline void model_feed_text(struct model *m, double t, const char *text)
{
	model_feed_as(m, t, text, IFACE_SHOW_STACKS, UNIT_PAGES, 4096);
}

/* Reads a whole source into the model; returns the number of samples. */
static inline int model_load(struct model *m, const char *const *paths, int n)
{
	struct source *src;
	struct source_opts so;
	struct sink s = model_sink(m);
	struct pt_err err;
	enum src_status st;
	int k = 0;

	source_opts_init(&so);
	ck_assert_msg(source_open(&src, paths, n, &so, &err) == 0, "%s", err.msg);
	while ((st = source_next(src, &s, -1, &err)) == SRC_SAMPLE)
		k++;
	ck_assert_msg(st == SRC_END, "%s", err.msg);
	source_close(src);
	return k;
}

/* The stack whose frame texts (innermost first, joined with ';') equal joined. */
static inline const struct stack *model_find(const struct model *m, const char *joined)
{
	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		const char *p = joined;
		unsigned f;

		if (!st)
			continue; /* a free id */
		for (f = 0; f < st->nframes; f++) {
			const char *t = model_frame(m, st->frames[f]);
			size_t n = strlen(t);

			if (strncmp(p, t, n) != 0 || (p[n] != ';' && p[n] != '\0'))
				break;
			p += n;
			if (*p == ';')
				p++;
		}
		if (f == st->nframes && *p == '\0')
			return st;
	}
	return NULL;
}

/* ---- running suites ---- */

/* A test case with room for slow machines, sanitizers and valgrind (Check's default is
 * 4 s; CK_TIMEOUT_MULTIPLIER still scales it). */
static inline TCase *tcase_new(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 120);
	return tc;
}

/* Runs the cases tagged include (NULL: all) but those tagged exclude (NULL: none);
 * CK_RUN_CASE, when set, picks a case whatever its tags. */
static inline int run_suite_tagged(Suite *s, const char *include, const char *exclude)
{
	SRunner *sr = srunner_create(s);
	const char *only = getenv("CK_RUN_CASE");
	int failed;

	if (only && *only)
		srunner_run_all(sr, CK_NORMAL);
	else
		srunner_run_tagged(sr, NULL, NULL, include, exclude, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return test_exit_status(failed);
}

static inline int run_suite(Suite *s)
{
	return run_suite_tagged(s, NULL, NULL);
}

#endif
