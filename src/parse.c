/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.c - one streaming parser for show_stacks, the proposal's page_owner_stacks,
 * show_stacks_handles, show_handles and the per-block page_owner dump.
 *
 * Works line by line over a reader; a record's frames stay in the reader's buffer (marked)
 * until the record is complete, so nothing is copied on the hot path. */
#include "config.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_allocinfo.h"
#include "recording.h"

const char *pfmt_name(enum pfmt f)
{
	switch (f) {
	case PF_SHOW_STACKS: return "show_stacks";
	case PF_PROPOSAL: return "page_owner_stacks";
	case PF_STACKS_HANDLES: return "show_stacks_handles";
	case PF_HANDLES: return "show_handles";
	case PF_PAGE_OWNER: return "page_owner";
	case PF_ALLOCINFO: return "allocinfo";
	case PF_RECORDING: return "recording";
	default: return "unknown";
	}
}

uint64_t keyspace_new(void)
{
	static atomic_uint_fast64_t last;

	return (uint64_t)atomic_fetch_add(&last, 1) + 1;
}

const char *iface_name(enum pt_iface i)
{
	switch (i) {
	case IFACE_HANDLES: return "handles";
	case IFACE_SHOW_STACKS: return "show_stacks";
	case IFACE_PROPOSAL: return "proposal";
	case IFACE_PAGE_OWNER: return "page_owner";
	case IFACE_ALLOCINFO: return "allocinfo";
	default: return "none";
	}
}

/* Bounded decimal: digits in [s, end), saturating. */
static uint64_t dec_at(const char *s, const char *end)
{
	uint64_t x = 0;

	if (s < end && *s == '-')
		return 0;
	for (; s < end && *s >= '0' && *s <= '9'; s++)
		x = x < UINT64_MAX / 10 - 1 ? x * 10 + (uint64_t)(*s - '0') : UINT64_MAX;
	return x;
}

/* "key: N" with a decimal count. Returns 1 when the line starts with key, and then
 * sets *ok to whether the number is valid. */
static int parse_keyed(const char *s, size_t n, const char *key, size_t keylen, uint64_t *v,
		       int *ok)
{
	size_t i;
	uint64_t x = 0;

	if (n < keylen || memcmp(s, key, keylen) != 0)
		return 0;
	*ok = 0;
	i = keylen;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return 1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 1;
		if (x > (UINT64_MAX - 9) / 10)
			return 1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	*ok = 1;
	return 1;
}

/* Quote a line for a message: at most 60 bytes of it (whole characters), escaped by
 * esc_str() (bufsz: 256 is enough). */
const char *parse_quote(const char *s, size_t n, char *buf, size_t bufsz)
{
	char head[64];
	size_t k = 0;
	struct esc_buf b = { NULL, 0 };

	if (n == 0)
		return _("an empty line");
	while (k < n) {
		enum text_kind kind;
		size_t len = text_char(s + k, n - k, 1, &kind);

		if (k + len > 60)
			break;
		k += len;
	}
	memcpy(head, s, k);
	head[k] = '\0';
	snprintf(buf, bufsz, "\"%s%s\"", esc_str(&b, head, 1), k < n ? "..." : "");
	free(b.p);
	return buf;
}

/* The frame dictionary of a parse (or of several: parse_dict). A real file repeats a few
 * thousand distinct frame texts: each is checked once, kept, and given a key (from 1)
 * that travels with the record (frame_text.key), so the sink maps keys instead of
 * comparing texts. A line is looked up by a fingerprint of its length and first and last
 * 8 bytes (two loads, one multiplication) and then compared in full: a fingerprint never
 * decides. The full hash_bytes() of a text, which the model keys frames by, is computed
 * once, when the text is new. The slots keep the text pointer too (the entries have it):
 * one load less on every line. */
struct fslot {               /* 16 bytes: the table of a file's frames stays in L1 */
	const char *text;
	uint32_t key;           /* 0: empty */
	uint16_t len;           /* FRAME_MAX fits */
	uint16_t tag;           /* bits of the fingerprint that the index does not use */
};

#define FDICT_CHUNK (64 * 1024)

/* A text by its key. Stacks repeat: the frame that followed this one last time is tried
 * first (next; the entry of key 0 holds the first frame of the last stack), one compare
 * instead of a lookup for most lines. */
struct fent {
	const char *text;
	uint64_t hash;          /* hash_bytes() of it */
	uint32_t len;
	uint32_t next;          /* a key, or 0 */
};

struct fdict {
	uint64_t keyspace;      /* its keys' keyspace */
	struct fslot *slots;
	size_t mask;
	uint32_t n;
	struct fent *ents;      /* by key, from 0 */
	size_t ents_cap;
	char **chunks;          /* the texts; a chunk never moves */
	size_t nchunks, used;   /* bytes used in the last chunk */
	uint32_t nstacks;       /* stack keys given (stack_rec.key), in the same keyspace */
};

static void fdict_free(struct fdict *d)
{
	for (size_t i = 0; i < d->nchunks; i++)
		free(d->chunks[i]);
	free(d->chunks);
	free(d->slots);
	free(d->ents);
	memset(d, 0, sizeof(*d));
}

static inline uint64_t diff8(const char *a, const char *b)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x ^ y;
}

/* Equal n bytes? In overlapping 16-byte steps, so that a frame's usual 17 to 64 bytes
 * take one or two predictable branches. */
static inline int text_eq(const char *a, const char *b, size_t n)
{
	uint64_t d;

	if (n < 8)
		return memcmp(a, b, n) == 0;
	if (n <= 16)
		return (diff8(a, b) | diff8(a + n - 8, b + n - 8)) == 0;
	d = diff8(a + n - 16, b + n - 16) | diff8(a + n - 8, b + n - 8);
	for (size_t i = 0; i + 16 < n; i += 16)
		d |= diff8(a + i, b + i) | diff8(a + i + 8, b + i + 8);
	return d == 0;
}

static inline uint64_t fdict_fp(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else {
		memcpy(&a, s, n);
	}
	return hash_mix(a ^ 0x9e3779b97f4a7c15ULL, b ^ (uint64_t)n ^ 0xd6e8feb86659fd93ULL);
}

/* The key of text s (fingerprint fp), or 0 with *slot where it would go. */
static inline uint32_t fdict_find(const struct fdict *d, const char *s, size_t n, uint64_t fp,
				  size_t *slot)
{
	size_t j = fp & d->mask;
	uint16_t tag = (uint16_t)(fp >> 48);

	for (;;) {
		const struct fslot *e = &d->slots[j];

		if (!e->key)
			break;
		if (e->tag == tag && e->len == n && text_eq(e->text, s, n))
			return e->key;
		j = (j + 1) & d->mask;
	}
	*slot = j;
	return 0;
}

static void fdict_grow(struct fdict *d)
{
	size_t ns = d->slots ? (d->mask + 1) * 2 : 1024;
	struct fslot *t = xcalloc(ns, sizeof(*t));

	for (size_t i = 0; d->slots && i <= d->mask; i++) {
		size_t j;

		if (!d->slots[i].key)
			continue;
		j = fdict_fp(d->slots[i].text, d->slots[i].len) & (ns - 1);
		while (t[j].key)
			j = (j + 1) & (ns - 1);
		t[j] = d->slots[i];
	}
	free(d->slots);
	d->slots = t;
	d->mask = ns - 1;
}

static uint32_t fdict_add(struct fdict *d, const char *s, size_t n, uint64_t fp)
{
	size_t slot = 0;
	char *c;

	if (!d->slots || (d->n + 1) * 2 > d->mask + 1)
		fdict_grow(d);
	fdict_find(d, s, n, fp, &slot);
	if (!d->nchunks || d->used + n > FDICT_CHUNK) {
		d->chunks = xreallocarray(d->chunks, d->nchunks + 1, sizeof(*d->chunks));
		d->chunks[d->nchunks++] = xmalloc(FDICT_CHUNK);
		d->used = 0;
	}
	c = d->chunks[d->nchunks - 1] + d->used;
	memcpy(c, s, n);
	d->used += n;
	d->slots[slot] = (struct fslot){ c, ++d->n, (uint16_t)n, (uint16_t)(fp >> 48) };
	d->ents = xgrow_zeroed(d->ents, &d->ents_cap, d->n, sizeof(*d->ents));
	d->ents[d->n] = (struct fent){ c, hash_bytes(c, n, 0), (uint32_t)n, 0 };
	return d->n;
}

#define SPAN_MAX 4096

struct pstate {
	struct reader *r;
	const struct sink *sink;
	struct pt_err *err;
	enum pfmt fmt;          /* known format, or PF_UNKNOWN until the first terminator */
	uint32_t off[STACK_MAX_FRAMES]; /* frame offsets from the reader's mark */
	uint32_t flen[STACK_MAX_FRAMES];
	uint32_t fkey[STACK_MAX_FRAMES];
	uint64_t fhash[STACK_MAX_FRAMES];
	struct frame_text ft[STACK_MAX_FRAMES]; /* the frames of the record last given */
	/* A stack record given to the sink one record late, after the sink's prefetch() of
	 * the record that follows it: its table slot is then fetched while this one is
	 * added. Its frames' texts are the dictionary's (the lines move on). */
	struct stack_rec held;
	struct frame_text held_ft[STACK_MAX_FRAMES];
	int have_held;
	uint64_t hash;          /* of the frame text last looked up */
	uint32_t key;           /* its key */
	struct fdict *dict;     /* own_dict, or one that lasts across parses */
	struct fdict own_dict;
	unsigned nframes;
	uint64_t rec_line;      /* line where the pending record started */
	uint64_t nrecords;
	/* page_owner block */
	int in_block;           /* 0 none, 1 after header, 2 after PFN line, 3 frames, 4 extras */
	/* The stack lines of the block before, byte for byte, for the next block to compare
	 * with (the frame arrays above still describe them); span_len 0: none. */
	char span[SPAN_MAX];
	uint32_t span_len;
	unsigned span_nframes;
	uint64_t span_hash;     /* stack_rec_hash() of its frames */
	uint32_t span_key;      /* its stack key */
	int span_hit;           /* this block's stack is that one */
	struct block_info blk;
	/* The header before through its "), ts " when header_fast() read it (hdr_len 0:
	 * none), with what it gave: a header that starts with the same bytes gives the same
	 * but its ts. comm and gfp_text below still hold its texts. */
	char hdr[256];
	uint32_t hdr_len;
	struct block_info hdr_blk;
	/* The PFN line before from the space after its number (pfn_len 0: none), and what
	 * that part gave (pfn_blk's mt, cma, slab). */
	char pfn[192];
	uint32_t pfn_len;
	struct block_info pfn_blk;
	char comm[64];
	char gfp_text[256];
	char memcg[96];
	char reason[48];
	uint64_t blk_handle;
	/* show_handles */
	int have_handle;
	uint64_t handle;
	/* allocinfo */
	int ai_header;          /* the version line is the next line */
	struct allocinfo_rec ai;
};

/* A dictionary that lasts across parses, with the state of the parse using it (so that
 * a parse that is abandoned half-way leaves nothing allocated behind). */
struct parse_dict {
	struct fdict d;
	struct pstate ps;
};

static int fail(struct pstate *ps, const char *what, const char *line, size_t n)
{
	char q[256];

	if (memchr(line, '\0', n)) {
		pt_err_set(ps->err, _("%s:%llu: expected text, found binary data (a NUL byte)"),
			   reader_name(ps->r), (unsigned long long)reader_lineno(ps->r));
		return -1;
	}
	pt_err_set(ps->err, _("%s:%llu: expected %s, found %s"), reader_name(ps->r),
		   (unsigned long long)reader_lineno(ps->r), what, parse_quote(line, n, q, sizeof(q)));
	return -1;
}

static int fail_count(struct pstate *ps, const char *line, size_t n)
{
	return fail(ps, _("a page count from 0 to 2^48"), line, n);
}

/* Whether s is a frame line; sets ps->key and ps->hash for add_frame(). */
static inline __attribute__((always_inline)) int frame_ok(struct pstate *ps, const char *s,
							  size_t n)
{
	struct fdict *d = ps->dict;
	uint32_t prev = ps->nframes ? ps->fkey[ps->nframes - 1] : 0;
	uint32_t k = d->ents ? d->ents[prev].next : 0;
	uint64_t fp;
	size_t slot;

	if (k && d->ents[k].len == n && text_eq(d->ents[k].text, s, n))
		goto found;
	fp = fdict_fp(s, n);
	k = d->slots ? fdict_find(d, s, n, fp, &slot) : 0;
	if (!k) {
		if (n > FRAME_MAX || !frame_text_ok(s, n))
			return 0;
		k = fdict_add(d, s, n, fp);
	}
	d->ents[prev].next = k;
found:
	ps->key = k;
	ps->hash = d->ents[k].hash;
	return 1;
}

/* The record held back, given to the sink now: 0, or -1 with ps->err. A parse holds
 * every stack record or none (a file has one format: set_format()), so a held record
 * waits only for the next one and the end of the parse. */
static int flush_held(struct pstate *ps)
{
	if (!ps->have_held)
		return 0;
	ps->have_held = 0;
	return ps->sink->ops->stack(ps->sink->self, &ps->held, ps->err);
}

static int emit_stack(struct pstate *ps, uint64_t handle, int has_count, uint64_t count,
		      const struct block_info *blk, uint64_t hash, uint32_t key)
{
	struct frame_text *ft = ps->ft;
	const char *base = reader_mark_ptr(ps->r);
	struct stack_rec rec = { 0 };
	/* a block's texts change with the next block: given at once */
	int hold = !blk && ps->sink->ops->prefetch;

	if (ps->span_hit) {
		/* the frames of the block before: only where their lines are now */
		for (unsigned i = 0; ps->dict == &ps->own_dict && i < ps->nframes; i++)
			ft[i].s = base + ps->off[i];
	} else {
		if (hold) /* the array the held record does not use */
			ft = ps->have_held && ps->held.frames == ps->held_ft ? ps->ft : ps->held_ft;
		for (unsigned i = 0; i < ps->nframes; i++) {
			/* a dictionary that outlives the parse has the texts: the lines need not */
			ft[i].s = hold || ps->dict != &ps->own_dict ? ps->dict->ents[ps->fkey[i]].text
								     : base + ps->off[i];
			ft[i].len = ps->flen[i];
			ft[i].key = ps->fkey[i];
			ft[i].hash = ps->fhash[i];
		}
	}
	rec.frames = ft;
	rec.nframes = ps->nframes;
	rec.handle = handle;
	rec.has_count = has_count;
	rec.count = count;
	rec.block = blk;
	rec.keyspace = ps->dict->keyspace;
	rec.hash = hash;
	rec.key = key;
	ps->nframes = 0;
	ps->nrecords++;
	reader_unmark(ps->r);
	if (!hold)
		return ps->sink->ops->stack(ps->sink->self, &rec, ps->err);
	if (!rec.hash)
		rec.hash = stack_rec_hash(ft, rec.nframes);
	ps->sink->ops->prefetch(ps->sink->self, &rec);
	if (flush_held(ps) < 0)
		return -1;
	ps->held = rec;
	ps->have_held = 1;
	return 0;
}

static inline __attribute__((always_inline)) void frame_put(struct pstate *ps,
							    const char *line, size_t n)
{
	ps->off[ps->nframes] = (uint32_t)(line - reader_mark_ptr(ps->r));
	ps->flen[ps->nframes] = (uint32_t)n;
	ps->fhash[ps->nframes] = ps->hash;
	ps->fkey[ps->nframes] = ps->key;
	ps->nframes++;
}

/* A stack's first frame, or one too many. */
static __attribute__((noinline)) int add_frame_edge(struct pstate *ps, const char *line,
						    size_t n)
{
	if (ps->nframes == 0) {
		reader_mark(ps->r);
		if (!ps->in_block) /* a block starts at its header line */
			ps->rec_line = reader_lineno(ps->r);
	}
	if (ps->nframes >= STACK_MAX_FRAMES) {
		char what[96];

		snprintf(what, sizeof(what), _("at most %d frames in a stack"), STACK_MAX_FRAMES);
		return fail(ps, what, line, n);
	}
	frame_put(ps, line, n);
	return 0;
}

/* Inline: it runs for every frame line, and all but the first of a stack only store. */
static inline __attribute__((always_inline)) int add_frame(struct pstate *ps, const char *line,
							   size_t n)
{
	if (ps->nframes - 1u >= STACK_MAX_FRAMES - 1u)
		return add_frame_edge(ps, line, n);
	frame_put(ps, line, n);
	return 0;
}

static int set_format(struct pstate *ps, enum pfmt f, const char *line, size_t n)
{
	static const char *const expect[] = {
		[PF_SHOW_STACKS] = "nr_base_pages: N",
		[PF_PROPOSAL] = "stack_count: N",
		[PF_STACKS_HANDLES] = "handle: N",
		[PF_HANDLES] = "handle: N",
	};
	char what[128];

	if (ps->fmt == PF_UNKNOWN) {
		ps->fmt = f;
		return 0;
	}
	if (ps->fmt == f)
		return 0;
	snprintf(what, sizeof(what), _("\"%s\" as in the records before (%s format)"),
		 expect[ps->fmt], pfmt_name(ps->fmt));
	return fail(ps, what, line, n);
}

/* The digits at *p, saturating, and *p moved past them; 0 when there are none. */
static inline __attribute__((always_inline)) int digits(const char **p, const char *end,
							 uint64_t *v)
{
	const char *q = *p, *lim = end - q > 19 ? q + 19 : end;
	uint64_t x = 0;

	/* 19 digits cannot overflow: no test for it on the usual numbers */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight at a time while there are (a ts has 9 to 14): pairs, then fours, then all */
	for (; lim - q >= 8; q += 8) {
		const uint64_t f0 = 0xf0f0f0f0f0f0f0f0ULL, d0 = 0x3030303030303030ULL;
		uint64_t w;

		memcpy(&w, q, 8);
		if ((w & f0) != d0 || ((w + 0x0606060606060606ULL) & f0) != d0)
			break;
		w = ((w & 0x0f0f0f0f0f0f0f0fULL) * (10 * 256 + 1)) >> 8;
		w = ((w & 0x00ff00ff00ff00ffULL) * (100 * 65536 + 1)) >> 16;
		w = ((w & 0x0000ffff0000ffffULL) * (10000ULL * 4294967296ULL + 1)) >> 32;
		x = x * 100000000 + w;
	}
#endif
	for (; q < lim && (unsigned)(*q - '0') < 10; q++)
		x = x * 10 + (uint64_t)(*q - '0');
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		x = x < UINT64_MAX / 10 - 1 ? x * 10 + (uint64_t)(*q - '0') : UINT64_MAX;
	*v = x;
	if (q == *p)
		return 0;
	*p = q;
	return 1;
}

/* The last "), ts " that starts in (open, end - 6], or NULL. */
static const char *last_ts(const char *open, const char *end)
{
	const char *lim = end - 5; /* the search's end: one past its last start */

	while (lim > open + 1) {
		const char *c = memrchr(open + 1, ')', (size_t)(lim - (open + 1)));

		if (!c)
			break;
		if (memcmp(c, "), ts ", 6) == 0)
			return c;
		lim = c;
	}
	return NULL;
}

/* The header as the kernel prints it since 5.x, after the order, in one pass forward:
 * ", mask 0x%x(%pGg), pid %d, tgid %d (%s), ts %llu ns[, free_ts %llu ns]". Gives what
 * the general parse below would, or 0 for that parse to do it. */
static int header_fast(struct pstate *ps, const char *line, const char *p, const char *end)
{
	struct block_info *b = &ps->blk;
	const char *open, *close = NULL, *flags, *c;
	uint64_t m = 0, pid, tgid, ts;
	size_t k, len, flen;

	if (end - p < 9 || memcmp(p, ", mask 0x", 9) != 0)
		return 0;
	k = hex_parse(p + 7, (size_t)(end - p - 7), &m);
	p += 7 + k;
	if (!k || p >= end || *p != '(' || !(c = memchr(p + 1, ')', (size_t)(end - p - 1))))
		return 0;
	if (end - c < 7 || memcmp(c, "), pid ", 7) != 0)
		return 0;
	flags = p + 1;
	flen = (size_t)(c - flags);
	p = c + 7;
	if (!digits(&p, end, &pid) || end - p < 7 || memcmp(p, ", tgid ", 7) != 0)
		return 0;
	p += 7;
	if (!digits(&p, end, &tgid) || end - p < 2 || memcmp(p, " (", 2) != 0)
		return 0;
	open = p;
	if (end - open > 6)
		close = last_ts(open, end);
	if (!close || close <= open + 2)
		return 0;
	p = close + 6;
	if (!digits(&p, end, &ts))
		return 0;
	b->gfp = (uint32_t)m;
	b->pid = (int)(pid & 0x7fffffff);
	b->tgid = (int)(tgid & 0x7fffffff);
	len = (size_t)(close - open - 2);
	if (len >= sizeof(ps->comm))
		len = sizeof(ps->comm) - 1;
	memcpy(ps->comm, open + 2, len);
	ps->comm[len] = '\0';
	b->comm = ps->comm;
	b->comm_len = (uint32_t)len;
	if (flen >= sizeof(ps->gfp_text))
		flen = sizeof(ps->gfp_text) - 1;
	memcpy(ps->gfp_text, flags, flen);
	b->gfp_text = ps->gfp_text;
	b->gfp_text_len = (uint32_t)flen;
	b->ts_ns = ts;
	b->has_ts = 1;
	if (end - p > 13 && memcmp(p, " ns, free_ts ", 13) == 0)
		b->free_ts_ns = dec_at(p + 13, end);
	if ((size_t)(close + 6 - line) <= sizeof(ps->hdr)) {
		ps->hdr_len = (uint32_t)(close + 6 - line);
		memcpy(ps->hdr, line, ps->hdr_len);
		ps->hdr_blk = *b;
	}
	return 1;
}

/* The header when it is the one before but for its ts: "... ts N ns" after the same
 * bytes (no ')' after them, so the command ends where it did). */
static int header_again(struct pstate *ps, const char *s, const char *end)
{
	const char *p = s + ps->hdr_len;
	uint64_t ts;

	if (!ps->hdr_len || end - p < 4 || memcmp(s, ps->hdr, ps->hdr_len) != 0 ||
	    !digits(&p, end, &ts) || end - p != 3 || memcmp(p, " ns", 3) != 0)
		return 0;
	ps->blk = ps->hdr_blk;
	ps->blk.ts_ns = ts;
	ps->blk.free_ts_ns = 0;
	return 1;
}

/* "Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 122773472 ns"
 * Older kernels lack pid, tgid or ts; the command may hold spaces and parentheses. */
static int parse_block_header(struct pstate *ps, const char *s, size_t n)
{
	const char *end = s + n, *p;
	uint64_t v;
	struct block_info *b = &ps->blk;

	ps->blk_handle = 0;
	memset(b, 0, sizeof(*b));
	ps->hdr_len = 0;
	p = s + strlen("Page allocated via order ");
	if (p >= end || !isdigit((unsigned char)*p))
		return fail(ps, _("\"Page allocated via order N, ...\""), s, n);
	v = 0;
	while (p < end && isdigit((unsigned char)*p) && v < 64)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (v > 20)
		return fail(ps, _("an allocation order from 0 to 20"), s, n);
	b->order = (unsigned)v;
	if (header_fast(ps, s, p, end))
		goto done;
	for (const char *q = p; q + 6 < end; q++) {
		if (memcmp(q, "mask 0x", 7) == 0) {
			uint64_t m = 0;
			size_t k = hex_parse(q + 5, (size_t)(end - q - 5), &m);
			const char *t = q + 5 + k, *c;

			if (k)
				b->gfp = (uint32_t)m;
			/* the flags by name: "(GFP_KERNEL|__GFP_COMP)", no parentheses inside */
			if (k && t < end && *t == '(' &&
			    (c = memchr(t + 1, ')', (size_t)(end - t - 1))) != NULL) {
				size_t len = (size_t)(c - t - 1);

				if (len >= sizeof(ps->gfp_text))
					len = sizeof(ps->gfp_text) - 1;
				memcpy(ps->gfp_text, t + 1, len);
				b->gfp_text = ps->gfp_text;
				b->gfp_text_len = (uint32_t)len;
			}
			break;
		}
	}
	{
		const char *q = memmem(p, (size_t)(end - p), ", pid ", 6);

		if (q)
			b->pid = (int)(dec_at(q + 6, end) & 0x7fffffff);
		q = memmem(p, (size_t)(end - p), ", tgid ", 7);
		if (q)
			b->tgid = (int)(dec_at(q + 7, end) & 0x7fffffff);
	}
	/* command: from the first " (" after tgid/pid up to the last "), ts " or last ")" */
	{
		const char *open = memmem(p, (size_t)(end - p), " (", 2), *close = NULL;
		const char *q;

		/* skip the gfp flags "(GFP_...)" that follow the mask directly */
		q = memmem(p, (size_t)(end - p), "tgid ", 5);
		if (!q)
			q = memmem(p, (size_t)(end - p), "pid ", 4);
		if (q)
			open = memmem(q, (size_t)(end - q), " (", 2);
		else
			open = NULL;
		for (const char *c = end; open && c > open; c--) {
			if ((size_t)(end - c) >= 6 && memcmp(c - 1, "), ts ", 6) == 0) {
				close = c - 1;
				break;
			}
		}
		if (open && !close)
			close = memrchr(open, ')', (size_t)(end - open));
		if (open && close && close > open + 2) {
			size_t len = (size_t)(close - open - 2);

			if (len >= sizeof(ps->comm))
				len = sizeof(ps->comm) - 1;
			memcpy(ps->comm, open + 2, len);
			ps->comm[len] = '\0';
			b->comm = ps->comm;
			b->comm_len = (uint32_t)len;
		}
		q = close ? memmem(close, (size_t)(end - close), "), ts ", 6) : NULL;
		if (q) {
			b->ts_ns = dec_at(q + 6, end);
			b->has_ts = 1;
			for (q += 6; q < end && isdigit((unsigned char)*q); q++)
				;
			if (end - q > 13 && memcmp(q, " ns, free_ts ", 13) == 0)
				b->free_ts_ns = dec_at(q + 13, end);
		}
	}
done:
	ps->in_block = 1;
	ps->rec_line = reader_lineno(ps->r);
	return 0;
}

/* Keeps the block's stack lines for the next block to compare with, when they are the
 * frames' texts exactly: " TEXT\n" each, one after the other (a line the reader trimmed
 * would compare equal to a different one). */
static void keep_span(struct pstate *ps)
{
	const char *base = reader_mark_ptr(ps->r);
	unsigned n = ps->nframes;
	uint32_t len = ps->off[n - 1] + ps->flen[n - 1] + 1;

	ps->span_len = 0;
	if (len > SPAN_MAX || ps->off[0] != 1)
		return;
	for (unsigned i = 0; i < n; i++) {
		uint32_t e = ps->off[i] + ps->flen[i];

		if (base[ps->off[i] - 1] != ' ' || base[e] != '\n' ||
		    (i + 1 < n && ps->off[i + 1] != e + 2))
			return;
	}
	memcpy(ps->span, base, len);
	ps->span_len = len;
	ps->span_nframes = n;
	ps->span_hash = 0;
	ps->span_key = 0;
}

/* After the PFN line: when the lines ahead are the stack lines of the block before, byte
 * for byte, and no frame line follows them, they are that stack again (most neighbouring
 * blocks are one allocation site's): taken whole, without a look at each line. */
static void same_stack(struct pstate *ps)
{
	const char *p;
	size_t have = reader_ahead(ps->r, &p);

	ps->span_hit = 0;
	if (!ps->span_len || have <= ps->span_len || p[ps->span_len] == ' ' ||
	    memcmp(p, ps->span, ps->span_len) != 0)
		return;
	reader_skip_lines(ps->r, ps->span_len, ps->span_nframes);
	reader_mark(ps->r);
	ps->nframes = ps->span_nframes;
	ps->in_block = 3;
	ps->span_hit = 1;
}

static int end_block(struct pstate *ps)
{
	int rc;

	if (ps->nframes == 0) {
		pt_err_set(ps->err, _("%s:%llu: expected the frames of the block allocated at line %llu, found none"),
			   reader_name(ps->r), (unsigned long long)reader_lineno(ps->r),
			   (unsigned long long)ps->rec_line);
		return -1;
	}
	if (!ps->span_hit) {
		keep_span(ps);
	} else if (!ps->span_key) {
		/* a stack seen twice in a row: worth a key and a hash */
		struct frame_text ft[STACK_MAX_FRAMES];

		for (unsigned i = 0; i < ps->nframes; i++) {
			ft[i].s = reader_mark_ptr(ps->r) + ps->off[i];
			ft[i].len = ps->flen[i];
			ft[i].hash = ps->fhash[i];
		}
		ps->span_hash = stack_rec_hash(ft, ps->nframes);
		ps->span_key = ++ps->dict->nstacks;
	}
	rc = emit_stack(ps, ps->blk_handle, 1, 1ULL << ps->blk.order, &ps->blk,
			ps->span_hit ? ps->span_hash : 0, ps->span_hit ? ps->span_key : 0);
	ps->span_hit = 0;
	ps->in_block = 0;
	return rc;
}

/* Whether k (kl bytes) is in [s, end): memmem() costs more than this on short lines. */
static int has_text(const char *s, const char *end, const char *k, size_t kl)
{
	while (end - s >= (ptrdiff_t)kl) {
		const char *c = memchr(s, k[0], (size_t)(end - s) - kl + 1);

		if (!c)
			return 0;
		if (memcmp(c, k, kl) == 0)
			return 1;
		s = c + 1;
	}
	return 0;
}

/* "PFN 0x100 type Unmovable Block 0 type Unmovable Flags 0x4(referenced|zone=0)": the
 * block's migrate type (the first), CMA and slab anywhere in it (as page_owner_sort
 * tells its allocator classes). */
static uint8_t mt_named(const char *t, size_t len)
{
	static const struct { const char *name; uint8_t len, mt; } mts[] = {
		{ "Unmovable", 9, MT_UNMOVABLE }, { "Movable", 7, MT_MOVABLE },
		{ "Reclaimable", 11, MT_RECLAIMABLE }, { "HighAtomic", 10, MT_HIGHATOMIC },
		{ "CMA", 3, MT_CMA }, { "Isolate", 7, MT_ISOLATE },
	};

	for (size_t i = 0; i < sizeof(mts) / sizeof(mts[0]); i++)
		if (len == mts[i].len && memcmp(t, mts[i].name, len) == 0)
			return mts[i].mt;
	return MT_OTHER;
}

/* The PFN line from the space after its number (t) on. */
static void pfn_rest(struct block_info *b, const char *t, const char *end)
{
	const char *w;

	if (end - t < 6 || memcmp(t, " type ", 6) != 0)
		return;
	t += 6;
	w = memchr(t, ' ', (size_t)(end - t));
	if (!w)
		w = end;
	b->mt = mt_named(t, (size_t)(w - t));
	b->cma = b->mt == MT_CMA;
	/* " Block N type NAME Flags ..." */
	t = end - w > 7 ? memchr(w + 7, ' ', (size_t)(end - w - 7)) : NULL;
	if (!t || end - t < 6 || memcmp(t, " type ", 6) != 0)
		return;
	t += 6;
	w = memchr(t, ' ', (size_t)(end - t));
	if (!w)
		w = end;
	if (w - t == 3 && memcmp(t, "CMA", 3) == 0)
		b->cma = 1;
	if (has_text(w, end, "slab", 4))
		b->slab = 1;
}

/* hex_parse() of the n bytes at s after their "0x", inline: the one number on most PFN
 * lines. */
static inline int hex_digit(unsigned char c)
{
	if ((unsigned)c - '0' < 10)
		return c - '0';
	if ((unsigned)(c | 0x20) - 'a' < 6)
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static inline void pfn_hex(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int d = hex_digit((unsigned char)s[i]);

		if (d < 0)
			break;
		if (i >= 16)
			return;
		x = x << 4 | (unsigned)d;
	}
	if (i)
		*v = x;
}

/* "PFN 0x100 type Unmovable Block 0 type Unmovable Flags 0x4(referenced|zone=0)": the
 * block's migrate type (the first), CMA as either type and slab among the flags (what
 * page_owner_sort looks for in this line to tell its allocator classes). */
static void pfn_line(struct pstate *ps, const char *s, size_t n)
{
	struct block_info *b = &ps->blk;
	const char *end = s + n, *t = s + 4;
	size_t k;

	while (t < end && *t != ' ')
		t++;
	k = (size_t)(t - s - 4);
	/* "PFN 0x100" since 5.x, "PFN 256" before */
	if (k > 2 && s[4] == '0' && s[5] == 'x')
		pfn_hex(s + 6, k - 2, &b->pfn);
	else
		for (size_t i = 4; i < 4 + k && isdigit((unsigned char)s[i]); i++)
			b->pfn = b->pfn * 10 + (uint64_t)(s[i] - '0');
	pfn_rest(b, t, end);
	ps->pfn_len = 0;
	if (t < end && (size_t)(end - t) <= sizeof(ps->pfn)) {
		ps->pfn_len = (uint32_t)(end - t);
		memcpy(ps->pfn, t, ps->pfn_len);
		ps->pfn_blk = *b;
	}
}

/* The PFN line s (after "PFN ") when it is the line before's after its number, a
 * number of hex digits ("0x" and at most 16): sets what pfn_line() would and returns 1,
 * else 0. Such a line has no NUL byte. */
static int pfn_again(struct pstate *ps, const char *s, size_t n)
{
	const char *end = s + n, *t = s + 6;
	uint64_t x = 0;

	if (!ps->pfn_len || n < 7 || memcmp(s, "PFN 0x", 6) != 0)
		return 0;
	for (; t < end && t < s + 6 + 16; t++) {
		int d = hex_digit((unsigned char)*t);

		if (d < 0)
			break;
		x = x << 4 | (unsigned)d;
	}
	if (t == s + 6 || (size_t)(end - t) != ps->pfn_len || *t != ' ' ||
	    memcmp(t, ps->pfn, ps->pfn_len) != 0)
		return 0;
	ps->blk.pfn = x;
	ps->blk.mt = ps->pfn_blk.mt;
	ps->blk.cma = ps->pfn_blk.cma;
	ps->blk.slab = ps->pfn_blk.slab;
	return 1;
}

static size_t copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	return n;
}

/* A line after the frames: migration, slab, memory cgroup (mm/page_owner.c's
 * print_page_owner_memcg()); others are ignored, as a later kernel may add some. */
static void extra_line(struct pstate *ps, const char *s, size_t n)
{
	struct block_info *b = &ps->blk;
	static const char mig[] = "Page has been migrated";
	static const char why[] = ", last migrate reason: ";
	const char *p, *end = s + n;

	if (n >= sizeof(mig) - 1 && memcmp(s, mig, sizeof(mig) - 1) == 0) {
		b->migrated = 1;
		p = memmem(s, n, why, sizeof(why) - 1);
		if (p) {
			p += sizeof(why) - 1;
			b->reason_len = (uint32_t)copy_text(ps->reason, sizeof(ps->reason), p,
							    (size_t)(end - p));
			b->reason = ps->reason;
		}
	} else if (n == 15 && memcmp(s, "Slab cache page", 15) == 0) {
		b->slab = 1;
	} else if (n > 8 && memcmp(s, "Charged ", 8) == 0) {
		/* "Charged %sto %smemcg %s": "(via objcg) ", "offline " */
		p = s + 8;
		if ((size_t)(end - p) > 12 && memcmp(p, "(via objcg) ", 12) == 0) {
			b->memcg_objcg = 1;
			p += 12;
		}
		if ((size_t)(end - p) < 3 || memcmp(p, "to ", 3) != 0)
			return;
		p += 3;
		if ((size_t)(end - p) > 8 && memcmp(p, "offline ", 8) == 0) {
			b->memcg_offline = 1;
			p += 8;
		}
		if ((size_t)(end - p) < 6 || memcmp(p, "memcg ", 6) != 0)
			return;
		p += 6;
		b->memcg_len = (uint32_t)copy_text(ps->memcg, sizeof(ps->memcg), p,
						   (size_t)(end - p));
		b->memcg = ps->memcg;
	}
}

static int page_owner_line(struct pstate *ps, const char *s, size_t n)
{
	uint64_t v;
	int ok;

	if (n == 0) {
		if (ps->in_block == 0)
			return 0;
		if (ps->in_block == 1)
			return fail(ps, _("the \"PFN ...\" line of a block"), s, n);
		return end_block(ps);
	}
	/* the usual lines, as the block before's: no NUL byte in them */
	if (ps->in_block == 0 && s[0] == 'P' && header_again(ps, s, s + n)) {
		ps->blk_handle = 0;
		ps->in_block = 1;
		ps->rec_line = reader_lineno(ps->r);
		return 0;
	}
	if (ps->in_block == 1 && s[0] == 'P' && pfn_again(ps, s, n)) {
		ps->in_block = 2;
		same_stack(ps);
		return 0;
	}
	if (s[0] != ' ' && memchr(s, '\0', n))
		return fail(ps, "", s, n);
	if (s[0] == 'P' && n > 19 && memcmp(s, "Page allocated via ", 19) == 0) {
		if (ps->in_block >= 3 && end_block(ps) < 0) /* no blank line between blocks */
			return -1;
		if (ps->in_block)
			return fail(ps, _("the frames of the block before"), s, n);
		return parse_block_header(ps, s, n);
	}
	switch (ps->in_block) {
	case 0:
		return fail(ps, _("\"Page allocated via order N, ...\""), s, n);
	case 1:
		if (n < 4 || memcmp(s, "PFN ", 4) != 0)
			return fail(ps, _("the \"PFN ...\" line of a block"), s, n);
		pfn_line(ps, s, n);
		ps->in_block = 2;
		same_stack(ps);
		return 0;
	case 2:
	case 3:
		if (s[0] == ' ' && frame_ok(ps, s + 1, n - 1)) {
			ps->in_block = 3;
			return add_frame(ps, s + 1, n - 1);
		}
		if (ps->in_block == 2)
			return fail(ps, _("a stack frame (\" name+0xOFF/0xSIZE\")"), s, n);
		ps->in_block = 4;
		/* fall through */
	default:
		/* Extras after the stack: handle, migration, slab, memcg lines. */
		if (memchr(s, '\0', n))
			return fail(ps, "", s, n);
		if (parse_keyed(s, n, "handle:", 7, &v, &ok)) {
			if (!ok || v == 0)
				return fail(ps, _("\"handle: N\" with a non-zero number"), s, n);
			ps->blk_handle = v;
		} else if (s[0] != ' ') {
			extra_line(ps, s, n);
		} else if (s[0] == ' ' && frame_text_ok(s + 1, n - 1)) {
			return fail(ps, _("information lines after the frames, not more frames"), s,
				    n);
		}
		return 0;
	}
}

/* One line of a stack snapshot (every format but the per-block dump). Long because it is
 * the parser's state machine for those formats, one case per line kind, on the hot path:
 * split, it would cost a call per line. */
static int stack_line(struct pstate *ps, const char *s, size_t n)
{
	uint64_t v;
	int ok;

	if (n == 0) {
		if (ps->nframes)
			return fail(ps, _("\"nr_base_pages: N\" after the frames"), s, n);
		if (ps->have_handle)
			return fail(ps, _("\"nr_base_pages: N\" after the handle"), s, n);
		return 0;
	}
	/* leading space on frames (6.9+) or not (the proposal) */
	if (s[0] == ' ') {
		if (ps->have_handle)
			return fail(ps, _("\"nr_base_pages: N\" after the handle"), s, n);
		if (!frame_ok(ps, s + 1, n - 1))
			return fail(ps, _("a stack frame (\" name+0xOFF/0xSIZE\")"), s, n);
		return add_frame(ps, s + 1, n - 1);
	}
	switch (s[0]) {
	case 'n':
		if (parse_keyed(s, n, "nr_base_pages:", 14, &v, &ok)) {
			if (!ok || v > PT_COUNT_MAX)
				return fail_count(ps, s, n);
			if (ps->have_handle) {
				ps->have_handle = 0;
				if (set_format(ps, PF_HANDLES, s, n) < 0)
					return -1;
				ps->nrecords++;
				return ps->sink->ops->count(ps->sink->self, ps->handle, v, ps->err);
			}
			if (!ps->nframes)
				return fail(ps, _("stack frames before the count"), s, n);
			if (set_format(ps, PF_SHOW_STACKS, s, n) < 0)
				return -1;
			return emit_stack(ps, 0, 1, v, NULL, 0, 0);
		}
		break;
	case 's':
		if (parse_keyed(s, n, "stack_count:", 12, &v, &ok)) {
			if (!ok || v > PT_COUNT_MAX)
				return fail(ps, _("an allocation count from 0 to 2^48"), s, n);
			if (!ps->nframes)
				return fail(ps, _("stack frames before the count"), s, n);
			if (set_format(ps, PF_PROPOSAL, s, n) < 0)
				return -1;
			return emit_stack(ps, 0, 1, v, NULL, 0, 0);
		}
		break;
	case 'h':
		if (parse_keyed(s, n, "handle:", 7, &v, &ok)) {
			if (!ok || v == 0 || v > UINT32_MAX)
				return fail(ps, _("\"handle: N\" with a non-zero 32-bit number"), s, n);
			if (ps->have_handle)
				return fail(ps, _("\"nr_base_pages: N\" after the handle"), s, n);
			if (ps->nframes) {
				if (set_format(ps, PF_STACKS_HANDLES, s, n) < 0)
					return -1;
				return emit_stack(ps, v, 0, 0, NULL, 0, 0);
			}
			if (ps->fmt != PF_UNKNOWN && ps->fmt != PF_HANDLES)
				return fail(ps, _("stack frames before the handle"), s, n);
			ps->have_handle = 1;
			ps->handle = v;
			ps->rec_line = reader_lineno(ps->r);
			return 0;
		}
		break;
	default:
		break;
	}
	if (ps->have_handle)
		return fail(ps, _("\"nr_base_pages: N\" after the handle"), s, n);
	if (!frame_ok(ps, s, n)) {
		if (ps->nframes)
			return fail(ps, _("a stack frame or \"nr_base_pages: N\""), s, n);
		return fail(ps, _("a stack frame (\" name+0xOFF/0xSIZE\")"), s, n);
	}
	return add_frame(ps, s, n);
}

/* One line of /proc/allocinfo: a call site, the one frame of its "stack", with its bytes
 * as the count and its calls beside them. */
static int allocinfo_stack(struct pstate *ps, const char *s, size_t n)
{
	struct allocinfo_rec *a = &ps->ai;
	struct frame_text ft;
	struct stack_rec rec = { 0 };
	const char *what;
	uint64_t fp;
	size_t slot;
	uint32_t k;

	if (ps->ai_header) {
		ps->ai_header = 0;
		return 0;
	}
	if (n == 0 || s[0] == '#')
		return 0;
	if (memchr(s, '\0', n))
		return fail(ps, "", s, n);
	if (allocinfo_line(s, n, a, &what) < 0)
		return fail(ps, _(what), s, n);
	if (a->bytes > PT_COUNT_MAX)
		return fail(ps, _("a size in bytes from 0 to 2^48"), s, n);
	fp = fdict_fp(a->site, a->site_len);
	k = ps->dict->slots ? fdict_find(ps->dict, a->site, a->site_len, fp, &slot) : 0;
	if (!k)
		k = fdict_add(ps->dict, a->site, a->site_len, fp);
	ft.s = ps->dict->ents[k].text;
	ft.len = (uint32_t)a->site_len;
	ft.key = k;
	ft.hash = ps->dict->ents[k].hash;
	rec.frames = &ft;
	rec.nframes = 1;
	rec.has_count = 1;
	rec.count = a->bytes;
	rec.calls = a->calls;
	rec.keyspace = ps->dict->keyspace;
	ps->rec_line = reader_lineno(ps->r);
	ps->nrecords++;
	return ps->sink->ops->stack(ps->sink->self, &rec, ps->err);
}

enum pfmt parse_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *s = p;

		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		p = nl ? nl + 1 : end;
		if (n == 0)
			continue;
		if (n >= strlen(RECORDING_MAGIC) &&
		    memcmp(s, RECORDING_MAGIC, strlen(RECORDING_MAGIC)) == 0)
			return PF_RECORDING;
		if (n > 19 && memcmp(s, "Page allocated via ", 19) == 0)
			return PF_PAGE_OWNER;
		if (n >= strlen(ALLOCINFO_MAGIC) &&
		    memcmp(s, ALLOCINFO_MAGIC, strlen(ALLOCINFO_MAGIC)) == 0)
			return PF_ALLOCINFO;
		if (n > 7 && memcmp(s, "handle:", 7) == 0)
			return PF_HANDLES;
		if (n > 14 && memcmp(s, "nr_base_pages:", 14) == 0)
			return PF_SHOW_STACKS;
		if (n > 12 && memcmp(s, "stack_count:", 12) == 0)
			return PF_PROPOSAL;
		if (s[0] == ' ') {
			s++;
			n--;
		}
		if (!frame_text_ok(s, n))
			return PF_UNKNOWN;
		/* a frame: the count line that ends the record decides; keep scanning */
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			n = (size_t)((nl ? nl : end) - p);
			s = p;
			p = nl ? nl + 1 : end;
			if (n > 14 && memcmp(s, "nr_base_pages:", 14) == 0)
				return PF_SHOW_STACKS;
			if (n > 12 && memcmp(s, "stack_count:", 12) == 0)
				return PF_PROPOSAL;
			if (n > 7 && memcmp(s, "handle:", 7) == 0)
				return PF_STACKS_HANDLES;
		}
		return PF_SHOW_STACKS; /* undecided within the peek: stacks of some kind */
	}
	return PF_UNKNOWN;
}

enum pfmt parse_detect_file(const char *path, struct pt_err *err)
{
	struct reader *r;
	const char *buf;
	size_t n;
	enum pfmt f;

	if (reader_open_path(&r, path, err) < 0)
		return (enum pfmt)-1;
	n = reader_peek(r, &buf, err);
	f = parse_detect(buf, n);
	reader_close(r);
	return f;
}

static void parse_begin(struct pstate *ps, struct reader *r, const struct parse_at *at,
			enum pfmt expect, const struct sink *sink, struct pt_err *err)
{
	ps->r = r;
	ps->sink = sink;
	ps->err = err;
	ps->fmt = expect == PF_PAGE_OWNER ? PF_PAGE_OWNER : PF_UNKNOWN;
	if (at) {
		ps->fmt = at->fmt;
		ps->nrecords = at->nrecords;
		reader_set_lineno(r, at->lineno);
	}
	ps->dict = at && at->dict ? &at->dict->d : &ps->own_dict;
	if (!ps->dict->keyspace)
		ps->dict->keyspace = keyspace_new();
}

/* An allocinfo version pagetop does not know is said once a process. */
static atomic_int ai_version_said;

void parse_forget_said(void)
{
	atomic_store(&ai_version_said, 0);
}

/* The first line that is not empty tells a recording (refused here) and the per-block
 * dump from the stack formats. Returns 0, or -1 with ps->err. */
static int first_line(struct pstate *ps, enum pfmt expect, const char *line, size_t n)
{
	unsigned major, minor;

	if (n >= strlen(RECORDING_MAGIC) &&
	    memcmp(line, RECORDING_MAGIC, strlen(RECORDING_MAGIC)) == 0) {
		pt_err_set(ps->err, _("%s: a pagetop recording cannot be read as a snapshot here"),
			   reader_name(ps->r));
		return -1;
	}
	if (n > 19 && memcmp(line, "Page allocated via ", 19) == 0) {
		ps->fmt = PF_PAGE_OWNER;
	} else if (allocinfo_version(line, n, &major, &minor) == 0) {
		void (*tfn)(void *, const char *);
		void *tctx;

		ps->fmt = PF_ALLOCINFO;
		ps->ai_header = 1;
		/* a chunk of a split parse (a thread sink) says it every time: the chunk is
		 * then parsed again on the caller's thread, which says it once */
		diag_get_thread_sink(&tfn, &tctx);
		if (major != 1 && (tfn || !atomic_exchange(&ai_version_said, 1)))
			diag_warn(_("%s: allocinfo version %u.%u is not one pagetop knows (1.0): read as 1.0, fields it does not know skipped"),
				  reader_name(ps->r), major, minor);
	} else if (expect == PF_PAGE_OWNER)
		return fail(ps, _("\"Page allocated via order N, ...\""), line, n);
	return 0;
}

static void warn_cut_short(struct pstate *ps, uint64_t line)
{
	diag_warn(_("%s:%llu: the last record is cut short (truncated file?): ignored it, kept the %llu before it"),
		  reader_name(ps->r), (unsigned long long)line, (unsigned long long)ps->nrecords);
}

/* A line that does not parse: when it is the last line and has no newline, the file was
 * cut short (a copy interrupted mid-write) and what came before it is kept, with a
 * warning (returns 1); else the error stands (0). */
static int cut_short_tail(struct pstate *ps)
{
	struct reader *r = ps->r;
	const char *line;
	size_t n;

	if (reader_last_had_newline(r) || ps->nrecords == 0 ||
	    reader_line(r, &line, &n, ps->err) != 0)
		return 0;
	warn_cut_short(ps, ps->nframes || ps->in_block || ps->have_handle ? ps->rec_line
									  : reader_lineno(r));
	ps->nframes = 0;
	ps->have_handle = 0;
	ps->in_block = 0;
	return 1;
}

/* At the end of the input: the last record may lack its final blank line, or be cut
 * short (warned is 1 when that was said already); then whether there were records, of
 * the format expected. Returns 0, or -1 with ps->err. */
static int parse_end(struct pstate *ps, enum pfmt expect, enum pfmt *got, int warned)
{
	struct reader *r = ps->r;

	if (ps->fmt == PF_PAGE_OWNER && ps->in_block) {
		if (ps->in_block >= 3 && reader_last_had_newline(r)) {
			if (end_block(ps) < 0)
				return -1;
		} else {
			warn_cut_short(ps, ps->rec_line);
			warned = 1;
		}
	} else if (ps->nframes || ps->have_handle) {
		warned = 1;
		warn_cut_short(ps, ps->rec_line);
	}
	if (ps->nrecords && !reader_last_had_newline(r) && !warned)
		/* "nr_base_pages: 12" may be what is left of 12288 */
		diag_warn(_("%s:%llu: the last line has no newline: the file may be cut short"),
			  reader_name(r), (unsigned long long)reader_lineno(r));
	if (ps->nrecords == 0 && ps->fmt == PF_ALLOCINFO) {
		pt_err_set(ps->err, _("%s:%llu: expected allocinfo call sites, found none"),
			   reader_name(r), (unsigned long long)reader_lineno(r));
		return -1;
	}
	if (ps->nrecords == 0) {
		if (reader_lineno(r) == 0)
			pt_err_set(ps->err, _("%s: expected page_owner records, found an empty file"),
				   reader_name(r));
		else
			pt_err_set(ps->err, _("%s:%llu: expected page_owner records, found none"),
				   reader_name(r), (unsigned long long)reader_lineno(r));
		return -1;
	}
	if (expect != PF_UNKNOWN && ps->fmt != expect && !(expect == PF_SHOW_STACKS && ps->fmt == PF_PROPOSAL)) {
		pt_err_set(ps->err, _("%s: expected %s content, found %s"), reader_name(r),
			   pfmt_name(expect), pfmt_name(ps->fmt));
		return -1;
	}
	if (got)
		*got = ps->fmt;
	return 0;
}

/* The hot loop: a line at a time into the state machine of its format. */
static int parse_run(struct pstate *ps, struct reader *r, const struct parse_at *at,
		     enum pfmt expect, enum pfmt *got, const struct sink *sink, struct pt_err *err)
{
	const char *line;
	size_t n;
	int rc, first = !at || at->first, warned = 0;
	/* a chunk of a file (parse_split.c) that starts with a block is of a per-block dump */
	int peek = !first && at->fmt == PF_UNKNOWN;

	parse_begin(ps, r, at, expect, sink, err);
	while ((rc = reader_line_fast(r, &line, &n, err)) > 0) {
		if (first && n) {
			first = 0;
			if (first_line(ps, expect, line, n) < 0)
				return -1;
		} else if (peek && n) {
			peek = 0;
			if (n > 19 && memcmp(line, "Page allocated via ", 19) == 0)
				ps->fmt = PF_PAGE_OWNER;
		}
		if (ps->fmt == PF_PAGE_OWNER)
			rc = page_owner_line(ps, line, n);
		else if (ps->fmt == PF_ALLOCINFO)
			rc = allocinfo_stack(ps, line, n);
		else
			rc = stack_line(ps, line, n);
		if (rc < 0) {
			if (!cut_short_tail(ps))
				return -1;
			rc = 0;
			warned = 1;
			break;
		}
	}
	if (rc < 0 || flush_held(ps) < 0)
		return -1;
	return parse_end(ps, expect, got, warned);
}

int parse_stream(struct reader *r, enum pfmt expect, enum pfmt *got,
		 const struct sink *sink, struct pt_err *err)
{
	struct pstate *ps = xcalloc(1, sizeof(*ps));
	int rc = parse_run(ps, r, NULL, expect, got, sink, err);

	/* a file that shrank: what was parsed may be cut short */
	if (reader_check(r, err) < 0)
		rc = -1;

	fdict_free(&ps->own_dict);
	free(ps);
	return rc;
}

int parse_stream_at(struct reader *r, const struct parse_at *at, enum pfmt *got,
		    uint64_t *nrecords, const struct sink *sink, struct pt_err *err)
{
	struct pstate *ps = at->dict ? &at->dict->ps : xcalloc(1, sizeof(*ps));
	int rc;

	if (at->dict)
		memset(ps, 0, sizeof(*ps));
	rc = parse_run(ps, r, at, PF_UNKNOWN, got, sink, err);
	if (reader_check(r, err) < 0)
		rc = -1;
	if (nrecords)
		*nrecords = ps->nrecords;
	if (!at->dict) {
		fdict_free(&ps->own_dict);
		free(ps);
	}
	return rc;
}

struct parse_dict *parse_dict_new(void)
{
	return xcalloc(1, sizeof(struct parse_dict));
}

void parse_dict_free(struct parse_dict *d)
{
	if (d)
		fdict_free(&d->d);
	free(d);
}

uint32_t parse_dict_count(const struct parse_dict *d)
{
	return d->d.n;
}

uint64_t parse_dict_keyspace(const struct parse_dict *d)
{
	return d->d.keyspace;
}

void parse_dict_texts(const struct parse_dict *d, uint32_t from, uint32_t to,
		      struct frame_text *out)
{
	for (uint32_t k = from; k < to; k++) {
		const struct fent *e = &d->d.ents[k + 1];

		*out++ = (struct frame_text){ e->text, e->len, k + 1, e->hash };
	}
}
