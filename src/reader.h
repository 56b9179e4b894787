/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reader.h - line reader over files, standard input, memory, gzip and xz streams.
 *
 * Compression is detected from magic bytes, not names. Lines come back without their
 * newline, without a trailing CR and without trailing spaces and tabs. Memory use is
 * bounded by the longest allowed line, whatever the size of the input. */
#ifndef PAGETOP_READER_H
#define PAGETOP_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The kernel prints every record of these files from a PAGE_SIZE seq_file buffer: no
 * real line is longer. */
#define READER_MAX_LINE 4096

struct reader;

/* path "-" is standard input. name is used in messages (copied). */
int reader_open_path(struct reader **out, const char *path, struct pt_err *err);
/* Takes ownership of fd when close_fd is set. */
int reader_open_fd(struct reader **out, int fd, const char *name, int close_fd,
		   struct pt_err *err);
/* For fd positioned within a plain (uncompressed) input: no compression is looked for.
 * Takes ownership of fd. */
struct reader *reader_open_plain(int fd, const char *name);
/* Reads from a buffer owned by the caller, which must outlive the reader. */
int reader_open_mem(struct reader **out, const char *buf, size_t len, const char *name,
		    struct pt_err *err);
void reader_close(struct reader *r);

/* Returns 1 and a line (valid until the next call), 0 at end of input, -1 on error
 * (err filled: read error, line too long, corrupt compressed data).
 * *ended_nl tells whether the line ended in a newline (a truncated last line does not). */
int reader_line(struct reader *r, const char **line, size_t *len, struct pt_err *err);

/* Bit i set when p[i] is a newline, for the 64 bytes at p. */
static inline uint64_t reader_nl_mask64(const char *p)
{
	uint64_t m = 0;
#ifdef __SSE2__
	/* written out: compilers keep a loop of four here */
	const __m128i nl = _mm_set1_epi8('\n');
	const __m128i *q = (const __m128i *)(const void *)p;
	uint64_t m0 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q), nl));
	uint64_t m1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 1), nl));
	uint64_t m2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 2), nl));
	uint64_t m3 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 3), nl));

	m = m0 | m1 << 16 | m2 << 32 | m3 << 48;
#else
	for (int i = 0; i < 8; i++) {
		const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
		uint64_t w, x, t;

		memcpy(&w, p + 8 * i, 8);
		x = w ^ 0x0a0a0a0a0a0a0a0aULL;
		t = ~(((x & low7) + low7) | x | low7); /* 0x80 in each byte that was '\n' */
		while (t) {
			m |= 1ULL << (8 * i + ((unsigned)__builtin_ctzll(t) >> 3));
			t &= t - 1;
		}
	}
#endif
	return m;
}

/* The part of a reader that reader_line_fast() works on; the rest is reader.c's. */
struct reader_cur {
	char *buf;                /* decompressed bytes */
	size_t start, end;        /* what is left in buf */
	size_t line_start;        /* of the line last returned */
	size_t scan;              /* bytes before scan are scanned for newlines */
	size_t bbase;             /* the block of 64 bytes that bits are of */
	uint64_t bits;            /* newlines of that block not returned yet */
	uint64_t lineno;
	int last_nl;
	size_t mark;              /* bytes from here on are kept across refills */
	int has_mark;
};

/* reader_line() with its usual case inline: the newline already found, nothing to trim. */
static inline int reader_line_fast(struct reader *r, const char **line, size_t *len,
				   struct pt_err *err)
{
	struct reader_cur *c = (struct reader_cur *)(void *)r; /* the first member */

	for (;;) {
		if (c->bits) {
			char *p = c->buf + c->start;
			size_t n = (size_t)(c->buf + c->bbase + (unsigned)__builtin_ctzll(c->bits) -
					    p);

			/* '\r', ' ' and '\t' are trimmed, by reader_line() */
			if (n > READER_MAX_LINE || (n && (unsigned char)p[n - 1] <= ' '))
				break;
			c->bits &= c->bits - 1;
			c->line_start = c->start;
			c->last_nl = 1;
			c->start += n + 1;
			c->lineno++;
			*line = p;
			*len = n;
			return 1;
		}
		/* the next whole block, when it has a newline (else reader_line() sees to the
		 * line's length) */
		if (c->end - c->scan < 64)
			break;
		c->bits = reader_nl_mask64(c->buf + c->scan);
		if (!c->bits)
			break;
		c->bbase = c->scan;
		c->scan += 64;
	}
	return reader_line(r, line, len, err);
}
int reader_last_had_newline(const struct reader *r);
/* Counts lines from n on (for a reader that starts within a larger input). */
void reader_set_lineno(struct reader *r, uint64_t n);

/* The peeked first bytes of the decompressed stream (for format detection), valid
 * before the first reader_line(). */
size_t reader_peek(struct reader *r, const char **buf, struct pt_err *err);

/* Keeps the bytes from the line last returned on in the buffer across refills (they may move:
 * keep offsets from reader_mark_ptr(), not pointers). For records spanning lines. */
static inline void reader_mark(struct reader *r)
{
	struct reader_cur *c = (struct reader_cur *)(void *)r;

	c->mark = c->line_start;
	c->has_mark = 1;
}

static inline void reader_unmark(struct reader *r)
{
	((struct reader_cur *)(void *)r)->has_mark = 0;
}

static inline const char *reader_mark_ptr(const struct reader *r)
{
	const struct reader_cur *c = (const struct reader_cur *)(const void *)r;

	return c->buf + c->mark;
}

/* The bytes after the line last returned that are in the buffer now (*p: the first). */
static inline size_t reader_ahead(const struct reader *r, const char **p)
{
	const struct reader_cur *c = (const struct reader_cur *)(const void *)r;

	*p = c->buf + c->start;
	return c->end - c->start;
}

/* Passes over the next len bytes of reader_ahead(), nlines whole lines each ending in a
 * newline, as if they had been returned one by one; the first of them is then the line
 * last returned, for reader_mark(). */
static inline void reader_skip_lines(struct reader *r, size_t len, uint64_t nlines)
{
	struct reader_cur *c = (struct reader_cur *)(void *)r;

	c->line_start = c->start;
	c->start += len;
	c->lineno += nlines;
	c->last_nl = 1;
	if (c->start >= c->scan) {
		c->bits = 0;
		c->scan = c->bbase = c->start;
	} else if (c->start > c->bbase) {
		/* the block scanned last holds the new start: its newlines before it are gone */
		c->bits &= ~0ULL << (c->start - c->bbase);
	}
}

/* Buffer pool for a reader whose lines outlive the next refill (parse_thread.c): instead
 * of moving kept bytes to the front of its buffer, the reader appends to the buffer while
 * at least a quarter of it is free, else takes a fresh one from get() (of READER_BUF_SIZE
 * bytes), copies the kept bytes over and hands the old one to retire(): bytes once
 * returned in a line are never moved or overwritten. The reader's current buffer belongs to
 * the pool from reader_set_pool() on (adopt() receives it); reader_close() frees none. */
#define READER_BUF_SIZE (256 * 1024)
/* Bytes allocated for one: the reader may load (never use) up to 16 bytes past its data. */
#define READER_BUF_ALLOC (READER_BUF_SIZE + 64)
struct reader_pool {
	void (*adopt)(void *ctx, char *buf);
	char *(*get)(void *ctx);
	void (*retire)(void *ctx, char *buf);
	void *ctx;
};
void reader_set_pool(struct reader *r, const struct reader_pool *pool);
/* The pool is going away with every buffer: the reader is left at its end of input. */
void reader_drop_pool(struct reader *r);

/* -1 with err when the plain regular file reader_open_path() opened shrank while it was
 * read (or since): what was read of it may be cut short. Else 0. For a parse that
 * succeeded, or failed on what may be the cut. */
int reader_check(const struct reader *r, struct pt_err *err);

const char *reader_name(const struct reader *r);
static inline uint64_t reader_lineno(const struct reader *r)
{
	return ((const struct reader_cur *)(const void *)r)->lineno;
}
const char *reader_compression(const struct reader *r);
/* The descriptor of a reader of a plain (uncompressed) descriptor, else -1. */
int reader_fd(const struct reader *r); /* "gzip", "xz" or NULL */

#endif
