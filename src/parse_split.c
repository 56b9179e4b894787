/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse_split.c - a large plain file of stack records or per-block dump, parsed by several
 * threads at once.
 *
 * The file is cut into chunks of about PARSE_SPLIT_CHUNK bytes at record boundaries. A
 * boundary is the position just after a blank line ("\n\n"); a chunk runs from the first
 * boundary at or after its nominal start to the first one at or after its nominal end, so
 * that neighbours agree without talking to each other. Every thread, the caller's
 * included, takes the next chunk, reads it into a buffer of its own (mapping and
 * unmapping each chunk cost the kernel more than the copy) and parses it with
 * parse_stream_at() into a list of records, with a frame dictionary of its own that
 * lasts for the whole file and holds the frame texts. A record keeps its frames as the
 * dictionary's keys (4 bytes a frame, not a whole frame_text: the caller reads them from
 * memory another CPU wrote); a chunk brings the texts of the keys it added, which the caller collects
 * in a table by key for each dictionary. The caller feeds the lists to the sink in file
 * order, so the sink sees exactly what parse_stream() would give it.
 *
 * Only the parse reads the buffer: the records point into the dictionary.
 *
 * Anything unusual in a chunk (an error, a warning, a format other than the first
 * chunk's, a chunk that does not start where the one before ended, a read that fails or
 * comes short of the size the file had at the start: it shrank) ends the split: the
 * rest of the file, from the end of the last chunk fed, goes through parse_stream_at()
 * on the caller's thread with the lines and records counted so far, so that its
 * messages are exactly those of parse_stream(). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"

size_t parse_split_chunk = PARSE_SPLIT_CHUNK;

#define EXTRA (64 * 1024)       /* read past a chunk's end to find its last boundary */
#define MAX_THREADS 4           /* the caller's included */
#define WINDOW 4                /* chunks parsed ahead of the one being fed */
/* The slots' first lists and the threads' read buffers share one huge page: one page
 * fault, not one for each small page they touch (about 9 us on a virtual machine). A
 * chunk of stacks fits the lists (about 600 records, 10,000 frames); two or three threads'
 * buffers fit after them. */
#define REGION ((size_t)2 << 20)
#define REGION_RECS 2048
#define REGION_FK 32768
#define SLOT_BYTES (REGION_RECS * sizeof(struct crec) + REGION_FK * sizeof(uint32_t))

enum cstate { C_FREE, C_TAKEN, C_DONE };

struct crec {
	uint64_t handle, count;
	uint32_t fr_off;            /* its frames' keys in the chunk's fk */
	uint16_t nframes;
	uint8_t is_count, has_count;
	uint64_t keyspace;
	uint64_t hash;              /* stack_rec_hash(): computed here, off the feeding thread */
	uint32_t blk;               /* a per-block dump's block: its index in blk, + 1; 0: none */
	uint32_t key;               /* a block's stack key in the split's keyspace; 0: none */
};

/* The distinct stacks of a per-block dump that one thread's dictionary has seen, by their
 * frames' keys, so that every block is fed with a stack key: the sink then finds a stack
 * it has seen by the key alone, not by its frames. */
struct stab {
	uint32_t *keys;             /* the stacks' frame keys, one after the other */
	size_t nkeys, capkeys;
	struct sent {
		uint64_t hash;      /* stack_rec_hash() */
		uint64_t kh;        /* the hash of its frame keys: its place in slots */
		uint32_t off;       /* its frame keys in keys */
		uint32_t n;
	} *ents;                    /* by stack number - 1 */
	size_t nents, capents;
	uint32_t *slots;            /* stack numbers (from 1); 0: empty */
	size_t mask;
};

/* What a thread parses chunks with. The split's keys are a thread's dictionary keys times
 * nslots plus its slot: equal keys still stand for equal texts, and no two threads give
 * one key. */
struct pctx {
	struct parse_dict *dict;
	struct stab st;
	uint32_t slot, nslots;
	uint32_t kmax;              /* the largest key that has a key in the split's */
	uint64_t keyspace;          /* the split's */
	char *buf;                  /* the bytes of the chunk parsed */
	size_t cap;
	int buf_own;                /* buf malloc()'d, not in the split's region */
};

struct chunk {
	enum cstate state;
	uint64_t index;
	int ok;                     /* parsed cleanly: its records can be fed */
	uint64_t start, end;        /* the region parsed (file offsets) */
	uint64_t nlines, nrecs;
	enum pfmt fmt;
	struct crec *recs;
	size_t nrec, caprec;
	uint32_t *fk;               /* the records' frames, as keys */
	size_t nfr, capfr;
	int recs_own, fk_own;       /* recs, fk malloc()'d, not in the split's region */
	uint32_t last_key, last_fr; /* the stack key of the last record (0: none), its frames */
	uint64_t last_keyspace;
	/* the dictionary's keyspace and the keys it had before and after this chunk, with
	 * the texts of those it added (key_lo + 1 first) */
	uint64_t keyspace;
	uint32_t key_lo, key_hi;
	struct frame_text *newfr;
	size_t capnew;
	uint32_t last_skey;         /* the last record's key in the split's keyspace */
	uint64_t last_hash;
	struct pctx *px;            /* the parsing thread's */
	/* the blocks of a per-block dump, their texts as offsets into txt */
	struct block_info *blk;
	size_t nblk, capblk;
	char *txt;
	size_t ntxt, captxt;
};

_Static_assert(WINDOW * SLOT_BYTES <= REGION / 2, "the slots' lists leave room for buffers");

struct split {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	const char *name;
	uint64_t size, nchunks;
	uint64_t keyspace;          /* of the blocks' stack and frame keys, as fed */
	uint64_t next;              /* the next chunk to take */
	uint64_t fed;               /* chunks fed so far */
	int stop;                   /* no more chunks are taken */
	unsigned nshort;            /* chunks read short: the file shrank */
	struct keytab *kt;          /* the caller's */
	size_t nkt;
	struct chunk slot[WINDOW];
	char *region;               /* the slots' first recs and fk, then read buffers */
	size_t buf_len;             /* each buffer's */
	unsigned nbufs;             /* buffers in the region, for threads 0 .. nbufs - 1 */
};

/* The texts of one dictionary's keys, as far as the chunks fed have added them. */
struct keytab {
	uint64_t keyspace;
	struct frame_text *ft;      /* by key; ft[0] unused */
	uint32_t n, cap;            /* keys held; room */
};

struct worker {
	struct split *sp;
	struct pctx px;
	pthread_t th;
};

/* ---- one chunk ---- */

/* The list p of used elements of size bytes with room for cap; malloc()'d after (*own). */
static void *grow(void *p, int *own, size_t used, size_t cap, size_t size)
{
	void *q;

	if (*own)
		return xreallocarray(p, cap, size);
	q = xreallocarray(NULL, cap, size);
	memcpy(q, p, used * size);
	*own = 1;
	return q;
}

/* A new, zeroed record at the end of the chunk's list. */
static struct crec *crec_new(struct chunk *c)
{
	struct crec *e;

	if (c->nrec == c->caprec) {
		c->caprec *= 2;
		c->recs = grow(c->recs, &c->recs_own, c->nrec, c->caprec, sizeof(*c->recs));
	}
	e = &c->recs[c->nrec++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Text s (n bytes) in the chunk's texts, as an offset; the block before's copy when it is
 * the same (a dump's neighbouring blocks are mostly one task's). */
static const char *c_text(struct chunk *c, const char *s, uint32_t n, const char *prev,
			  uint32_t prev_n)
{
	if (!s)
		return NULL;
	if (prev && prev_n == n && memcmp(c->txt + (uintptr_t)prev - 1, s, n) == 0)
		return prev;
	if (!c->txt || c->ntxt + n > c->captxt) {
		while (!c->captxt || c->ntxt + n > c->captxt)
			c->captxt = c->captxt ? c->captxt * 2 : 65536;
		c->txt = xrealloc(c->txt, c->captxt);
	}
	memcpy(c->txt + c->ntxt, s, n);
	c->ntxt += n;
	return (const char *)(uintptr_t)(c->ntxt - n + 1); /* 1 + offset: NULL stays none */
}

/* Keeps a copy of block b, its texts in the chunk's; returns its number (from 1). */
static uint32_t c_block(struct chunk *c, const struct block_info *b)
{
	const struct block_info *pb = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	struct block_info *e;

	if (c->nblk == c->capblk) {
		c->capblk = c->capblk ? c->capblk * 2 : 4096;
		c->blk = xreallocarray(c->blk, c->capblk, sizeof(*c->blk));
		pb = c->nblk ? &c->blk[c->nblk - 1] : NULL;
	}
	e = &c->blk[c->nblk++];
	*e = *b;
	e->comm = c_text(c, b->comm, b->comm_len, pb ? pb->comm : NULL, pb ? pb->comm_len : 0);
	e->gfp_text = c_text(c, b->gfp_text, b->gfp_text_len, pb ? pb->gfp_text : NULL,
			     pb ? pb->gfp_text_len : 0);
	e->memcg = c_text(c, b->memcg, b->memcg_len, pb ? pb->memcg : NULL,
			  pb ? pb->memcg_len : 0);
	e->reason = c_text(c, b->reason, b->reason_len, NULL, 0);
	return (uint32_t)c->nblk;
}

static void stab_free(struct stab *t)
{
	free(t->keys);
	free(t->ents);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static void stab_grow(struct stab *t)
{
	size_t ns = t->slots ? (t->mask + 1) * 2 : 4096;
	uint32_t *sl = xcalloc(ns, sizeof(*sl));

	for (size_t i = 0; i < t->nents; i++) {
		size_t j = t->ents[i].kh & (ns - 1);

		while (sl[j])
			j = (j + 1) & (ns - 1);
		sl[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = sl;
	t->mask = ns - 1;
}

/* The number (from 1) of the stack of rec's frames in t, a new one when t has not seen
 * them; *hash: its stack_rec_hash(). Equal frame keys are equal stacks. */
static uint32_t stab_get(struct stab *t, const struct stack_rec *rec, uint64_t *hash)
{
	uint32_t k[STACK_MAX_FRAMES];
	unsigned n = rec->nframes < STACK_MAX_FRAMES ? rec->nframes : STACK_MAX_FRAMES;
	struct sent *e;
	uint64_t kh;
	size_t j;

	for (unsigned i = 0; i < n; i++)
		k[i] = rec->frames[i].key;
	kh = hash_bytes(k, n * sizeof(*k), n);
	if (!t->slots || (t->nents + 1) * 2 > t->mask + 1)
		stab_grow(t);
	for (j = kh & t->mask; t->slots[j]; j = (j + 1) & t->mask) {
		e = &t->ents[t->slots[j] - 1];
		if (e->kh == kh && e->n == n && memcmp(t->keys + e->off, k, n * sizeof(*k)) == 0) {
			*hash = e->hash;
			return t->slots[j];
		}
	}
	if (t->nkeys + n > t->capkeys) {
		while (t->nkeys + n > t->capkeys)
			t->capkeys = t->capkeys ? t->capkeys * 2 : 65536;
		t->keys = xreallocarray(t->keys, t->capkeys, sizeof(*t->keys));
	}
	if (t->nents == t->capents) {
		t->capents = t->capents ? t->capents * 2 : 4096;
		t->ents = xreallocarray(t->ents, t->capents, sizeof(*t->ents));
	}
	e = &t->ents[t->nents++];
	e->hash = rec->hash ? rec->hash : stack_rec_hash(rec->frames, rec->nframes);
	e->kh = kh;
	e->off = (uint32_t)t->nkeys;
	e->n = n;
	memcpy(t->keys + t->nkeys, k, n * sizeof(*k));
	t->nkeys += n;
	t->slots[j] = (uint32_t)t->nents;
	*hash = e->hash;
	return (uint32_t)t->nents;
}

/* A block's stack key in the split's keyspace (0: none, when it would not fit). */
static uint32_t split_key(const struct pctx *px, uint32_t k)
{
	return k && k <= px->kmax ? k * px->nslots + px->slot : 0;
}

static int c_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct chunk *c = self;
	struct pctx *px = c->px;
	struct crec *e;
	int keyed;

	(void)err;
	if (c->nfr + rec->nframes > c->capfr) {
		while (c->nfr + rec->nframes > c->capfr)
			c->capfr *= 2;
		c->fk = grow(c->fk, &c->fk_own, c->nfr, c->capfr, sizeof(*c->fk));
	}
	/* keys of one dictionary, or the serial parse (never seen) */
	if (rec->nframes && (!rec->keyspace || (c->keyspace && rec->keyspace != c->keyspace)))
		c->ok = 0;
	if (rec->nframes)
		c->keyspace = rec->keyspace;
	e = crec_new(c);
	e->handle = rec->handle;
	e->has_count = (uint8_t)rec->has_count;
	e->count = rec->count;
	e->keyspace = rec->keyspace;
	e->nframes = (uint16_t)rec->nframes;
	e->blk = rec->block ? c_block(c, rec->block) : 0;
	/* a dump's block: its stack by the thread's table, fed with the split's keys */
	keyed = rec->block && !rec->handle && rec->keyspace;
	if (rec->key && rec->key == c->last_key && rec->keyspace == c->last_keyspace) {
		/* the stack of the record before (the producer's key says so): its frames */
		e->fr_off = c->last_fr;
		e->hash = rec->hash ? rec->hash : c->last_hash;
		if (keyed && c->last_skey) {
			e->key = c->last_skey;
			e->keyspace = px->keyspace;
			e->hash = c->last_hash;
		}
		return 0;
	}
	c->last_key = rec->key;
	c->last_keyspace = rec->keyspace;
	c->last_fr = e->fr_off = (uint32_t)c->nfr;
	for (unsigned i = 0; i < rec->nframes; i++)
		c->fk[c->nfr + i] = rec->frames[i].key;
	c->last_skey = 0;
	if (keyed)
		c->last_skey = split_key(px, stab_get(&px->st, rec, &c->last_hash));
	for (unsigned i = 0; c->last_skey && i < rec->nframes; i++)
		if (!split_key(px, rec->frames[i].key))
			c->last_skey = 0;
	if (c->last_skey) {
		e->key = c->last_skey;
		e->keyspace = px->keyspace;
		e->hash = c->last_hash;
	} else {
		e->hash = rec->handle ? 0 : rec->hash ? rec->hash
						     : stack_rec_hash(rec->frames, rec->nframes);
		c->last_hash = e->hash;
	}
	c->nfr += rec->nframes;
	return 0;
}

static int c_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct crec *e = crec_new(self);

	(void)err;
	e->is_count = 1;
	e->handle = handle;
	e->count = count;
	return 0;
}

static const struct sink_ops c_ops = { .stack = c_stack, .count = c_count };

static void c_warn(void *ctx, const char *msg)
{
	(void)msg;
	((struct chunk *)ctx)->ok = 0; /* the serial parse says it again, in its place */
}

/* The first boundary at or after file offset from, in buf (which holds the file from
 * offset base on, len bytes), or UINT64_MAX when it is not there. */
static uint64_t boundary(const char *buf, size_t len, uint64_t base, uint64_t from)
{
	size_t i;

	if (from == 0)
		return 0;
	/* "\n\n" ending at from - 1 or later */
	if (from - 2 - base >= len)
		return UINT64_MAX;
	for (i = (size_t)(from - 2 - base); i + 1 < len; i++) {
		const char *p = memchr(buf + i, '\n', len - 1 - i);

		if (!p)
			break;
		i = (size_t)(p - buf);
		if (buf[i + 1] == '\n')
			return base + i + 2;
	}
	return UINT64_MAX;
}

/* Reads chunk c from base to EXTRA bytes after hi (as far as the file went) into px's
 * buffer, after forgetting what it had: the bytes from base (*got of them), or NULL when
 * there are none or they cannot all be read (the serial parse reads them). */
static const char *chunk_read(struct split *sp, struct chunk *c, struct pctx *px,
			      uint64_t base, uint64_t hi, size_t *got)
{
	size_t len, have = 0;

	c->ok = 0;
	c->nrec = c->nfr = c->nblk = c->ntxt = 0;
	c->last_key = 0;
	c->keyspace = 0;
	c->key_lo = c->key_hi = 0;
	c->nlines = c->nrecs = 0;
	c->fmt = PF_UNKNOWN;
	if (base >= sp->size)
		return NULL;
	len = (size_t)((hi + EXTRA < sp->size ? hi + EXTRA : sp->size) - base);
	if (len > px->cap) {
		/* every chunk's size at once: each page a buffer touches costs a fault */
		size_t want = parse_split_chunk + EXTRA + 2;

		if (px->buf_own)
			free(px->buf);
		px->cap = len > want ? len : want;
		px->buf = xmalloc(px->cap);
		px->buf_own = 1;
	}
	while (have < len) {
		ssize_t n = pread(sp->fd, px->buf + have, len - have, (off_t)(base + have));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pthread_mutex_lock(&sp->mu);
			sp->nshort++;
			pthread_mutex_unlock(&sp->mu);
			return NULL;
		}
		have += (size_t)n;
	}
	*got = len;
	return px->buf;
}

/* The texts of the keys the parse of chunk c added to dict. */
static void chunk_keys(struct chunk *c, const struct parse_dict *dict)
{
	c->key_hi = parse_dict_count(dict);
	if (c->keyspace && c->keyspace != parse_dict_keyspace(dict))
		c->ok = 0;
	c->keyspace = parse_dict_keyspace(dict);
	if (c->key_hi - c->key_lo > c->capnew) {
		c->capnew = c->key_hi - c->key_lo;
		c->newfr = xreallocarray(c->newfr, c->capnew, sizeof(*c->newfr));
	}
	parse_dict_texts(dict, c->key_lo, c->key_hi, c->newfr);
}

/* Parses chunk c with px's dictionary. */
static void parse_chunk(struct split *sp, struct chunk *c, struct pctx *px)
{
	uint64_t lo = c->index * parse_split_chunk, hi = lo + parse_split_chunk;
	uint64_t base = lo ? lo - 2 : 0;
	size_t got = 0;
	const char *buf;
	struct reader *r = NULL;
	struct pt_err err;
	struct sink snk = { &c_ops, c };
	struct parse_at at;
	void (*ofn)(void *, const char *);
	void *octx;

	c->px = px;
	buf = chunk_read(sp, c, px, base, hi, &got);
	if (!buf)
		return;
	c->key_lo = c->key_hi = parse_dict_count(px->dict);
	diag_get_thread_sink(&ofn, &octx);
	/* with no boundary before the end of the file, the last record runs to it */
	c->start = boundary(buf, got, base, lo);
	if (c->start == UINT64_MAX && hi + EXTRA >= sp->size)
		c->start = base + got;
	c->end = boundary(buf, got, base, hi);
	if (c->end == UINT64_MAX && hi + EXTRA >= sp->size)
		c->end = base + got;
	if (c->start == UINT64_MAX || c->end == UINT64_MAX) {
		/* a record longer than EXTRA, or no blank lines: the serial parse */
	} else if (c->start >= c->end) {
		c->start = c->end; /* no boundary in this chunk: nothing of its own */
		c->ok = 1;
	} else if (reader_open_mem(&r, buf + (c->start - base), (size_t)(c->end - c->start),
				   sp->name, &err) == 0) {
		memset(&at, 0, sizeof(at));
		at.fmt = PF_UNKNOWN;
		at.dict = px->dict;
		at.first = c->index == 0;
		c->ok = 1;
		diag_set_thread_sink(c_warn, c);
		if (parse_stream_at(r, &at, &c->fmt, &c->nrecs, &snk, &err) < 0)
			c->ok = 0;
		diag_set_thread_sink(ofn, octx);
		c->nlines = reader_lineno(r);
		chunk_keys(c, px->dict);
	}
	reader_close(r);
}

/* Takes the next chunk for the calling thread, or returns NULL when there is none to
 * take now; with the lock held. */
static struct chunk *take_locked(struct split *sp)
{
	struct chunk *c;

	if (sp->stop || sp->next >= sp->nchunks || sp->next >= sp->fed + WINDOW)
		return NULL;
	c = &sp->slot[sp->next % WINDOW];
	c->state = C_TAKEN;
	c->index = sp->next++;
	return c;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct split *sp = w->sp;

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		struct chunk *c = take_locked(sp);

		if (!c) {
			if (sp->stop || sp->next >= sp->nchunks)
				break;
			pthread_cond_wait(&sp->cv, &sp->mu);
			continue;
		}
		pthread_mutex_unlock(&sp->mu);
		parse_chunk(sp, c, &w->px);
		pthread_mutex_lock(&sp->mu);
		c->state = C_DONE;
		pthread_cond_broadcast(&sp->cv);
	}
	pthread_mutex_unlock(&sp->mu);
	return NULL;
}

/* ---- the caller ---- */

/* The table of chunk c's keys, with the texts c added: NULL when c does not follow the
 * chunks of its dictionary fed before (the serial parse takes over). */
static const struct frame_text *keys_take(struct split *sp, const struct chunk *c)
{
	static const struct frame_text none[1];
	struct keytab *t = NULL;
	uint32_t add = c->key_hi - c->key_lo;

	if (!c->keyspace)
		return none; /* no frames */
	for (size_t i = 0; i < sp->nkt && !t; i++)
		if (sp->kt[i].keyspace == c->keyspace)
			t = &sp->kt[i];
	if (!t) {
		sp->kt = xreallocarray(sp->kt, sp->nkt + 1, sizeof(*sp->kt));
		t = &sp->kt[sp->nkt++];
		memset(t, 0, sizeof(*t));
		t->keyspace = c->keyspace;
	}
	if (t->n != c->key_lo)
		return NULL;
	if (t->n + add + 1 > t->cap) {
		while (t->n + add + 1 > t->cap)
			t->cap = t->cap ? t->cap * 2 : 1024;
		t->ft = xreallocarray(t->ft, t->cap, sizeof(*t->ft));
	}
	if (add) /* (a chunk that added none may have no texts array at all) */
		memcpy(t->ft + t->n + 1, c->newfr, add * sizeof(*c->newfr));
	t->n += add;
	return t->ft;
}

/* The record of e, its frames' texts from kt into ft, with its block in b (ft and b NULL:
 * without frames and block, as a prefetch needs). */
static void crec_rec(const struct chunk *c, const struct crec *e, const struct frame_text *kt,
		     struct frame_text *ft, struct stack_rec *rec, struct block_info *b)
{
	memset(rec, 0, sizeof(*rec));
	if (e->blk && b) {
		*b = c->blk[e->blk - 1];
#define TXT(f) (b->f ? c->txt + (uintptr_t)b->f - 1 : NULL)
		b->comm = TXT(comm);
		b->gfp_text = TXT(gfp_text);
		b->memcg = TXT(memcg);
		b->reason = TXT(reason);
#undef TXT
		rec->block = b;
	}
	if (ft) {
		for (unsigned i = 0; i < e->nframes; i++)
			ft[i] = kt[c->fk[e->fr_off + i]];
		/* a block fed with its stack key: the frames' keys in the split's keyspace */
		for (unsigned i = 0; e->key && i < e->nframes; i++)
			ft[i].key = split_key(c->px, ft[i].key);
		rec->frames = ft;
	}
	rec->nframes = e->nframes;
	rec->handle = e->handle;
	rec->has_count = e->has_count;
	rec->count = e->count;
	rec->keyspace = e->keyspace;
	rec->hash = e->hash;
	rec->key = e->key;
}

/* The sink's prefetch() sees a record this many before its stack(). */
#define AHEAD 8

/* BI_SAME_* of the chunk's block at index i, by its texts' places and lengths (a chunk
 * keeps a text equal to the one of the block before in the same place; an empty text has
 * the place of the next one). */
static uint8_t block_same(const struct chunk *c, uint32_t i)
{
	const struct block_info *b = &c->blk[i], *p = b - 1;

	if (!i)
		return 0;
	return (uint8_t)((b->comm && b->comm == p->comm && b->comm_len == p->comm_len
			  ? BI_SAME_COMM : 0) |
			 (b->gfp_text && b->gfp_text == p->gfp_text &&
			  b->gfp_text_len == p->gfp_text_len ? BI_SAME_GFP : 0));
}

static int feed(struct chunk *c, const struct frame_text *kt, const struct sink *sink,
		struct pt_err *err)
{
	struct stack_rec rec;
	struct block_info b;
	struct frame_text ft[STACK_MAX_FRAMES];

	for (size_t i = 0; sink->ops->prefetch && i < AHEAD && i < c->nrec; i++) {
		crec_rec(c, &c->recs[i], NULL, NULL, &rec, NULL);
		if (!c->recs[i].is_count)
			sink->ops->prefetch(sink->self, &rec);
	}
	for (size_t i = 0; i < c->nrec; i++) {
		const struct crec *e = &c->recs[i];

		if (sink->ops->prefetch && i + AHEAD < c->nrec && !e[AHEAD].is_count) {
			crec_rec(c, &e[AHEAD], NULL, NULL, &rec, NULL);
			sink->ops->prefetch(sink->self, &rec);
		}
		if (e->is_count) {
			if (sink->ops->count(sink->self, e->handle, e->count, err) < 0)
				return -1;
			continue;
		}
		crec_rec(c, e, kt, ft, &rec, &b);
		if (e->blk)
			b.same = e->blk > 1 && e[-1].blk == e->blk - 1 ? block_same(c, e->blk - 1) : 0;
		if (sink->ops->stack(sink->self, &rec, err) < 0)
			return -1;
	}
	return 0;
}

static unsigned nthreads(void)
{
	unsigned n = cpus_free();

	return n > MAX_THREADS ? MAX_THREADS : n;
}

/* The caller's side of the split, with the chunks' state. */
static struct split *split_new(int fd, const char *name, uint64_t size)
{
	struct split *sp = xcalloc(1, sizeof(*sp));

	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cv, NULL);
	sp->fd = fd;
	sp->name = name;
	sp->size = size;
	sp->nchunks = (size + parse_split_chunk - 1) / parse_split_chunk;
	sp->keyspace = keyspace_new();
	sp->region = xhuge_alloc(REGION);
	for (unsigned i = 0; i < WINDOW; i++) {
		char *base = sp->region + i * SLOT_BYTES;

		sp->slot[i].recs = (struct crec *)(void *)base;
		sp->slot[i].caprec = REGION_RECS;
		sp->slot[i].fk = (uint32_t *)(void *)(base + REGION_RECS * sizeof(struct crec));
		sp->slot[i].capfr = REGION_FK;
	}
	sp->buf_len = (parse_split_chunk + EXTRA + 2 + 63) / 64 * 64;
	sp->nbufs = (unsigned)((REGION - WINDOW * SLOT_BYTES) / sp->buf_len);
	return sp;
}

static void split_free(struct split *sp)
{
	for (unsigned i = 0; i < WINDOW; i++) {
		if (sp->slot[i].recs_own)
			free(sp->slot[i].recs);
		if (sp->slot[i].fk_own)
			free(sp->slot[i].fk);
		free(sp->slot[i].newfr);
		free(sp->slot[i].blk);
		free(sp->slot[i].txt);
	}
	for (size_t i = 0; i < sp->nkt; i++)
		free(sp->kt[i].ft);
	free(sp->kt);
	xhuge_free(sp->region, REGION);
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	free(sp);
}

static void pctx_init(struct pctx *px, const struct split *sp, uint32_t slot, uint32_t nslots)
{
	memset(px, 0, sizeof(*px));
	px->dict = parse_dict_new();
	px->slot = slot;
	px->nslots = nslots;
	px->kmax = (UINT32_MAX - slot) / nslots;
	px->keyspace = sp->keyspace;
	if (slot < sp->nbufs) {
		px->buf = sp->region + WINDOW * SLOT_BYTES + slot * sp->buf_len;
		px->cap = sp->buf_len;
	}
}

static void pctx_free(struct pctx *px)
{
	parse_dict_free(px->dict);
	stab_free(&px->st);
	if (px->buf_own)
		free(px->buf);
}

/* Starts up to want worker threads; returns how many run. */
static unsigned workers_start(struct split *sp, struct worker *w, unsigned want)
{
	unsigned nw = 0;

	for (unsigned i = 0; i < want; i++) {
		w[nw].sp = sp;
		pctx_init(&w[nw].px, sp, nw + 1, want + 1);
		if (pthread_create(&w[nw].th, NULL, worker_main, &w[nw]) != 0) {
			pctx_free(&w[nw].px);
			break;
		}
		nw++;
	}
	return nw;
}

/* Feeds the chunks to the sink in file order while the workers (and this thread, when
 * the next chunk is not done yet) parse those ahead; stops at the first chunk that is
 * not what the serial parse would give. at counts what was fed; *pos: where it ends.
 * Returns 0, or -1 with err when the sink failed. */
static int feed_chunks(struct split *sp, struct pctx *mine, struct parse_at *at,
		       uint64_t *pos, const struct sink *sink, struct pt_err *err)
{
	int rc = 0;

	pthread_mutex_lock(&sp->mu);
	while (sp->fed < sp->nchunks && !sp->stop) {
		struct chunk *c = &sp->slot[sp->fed % WINDOW];

		if (c->state == C_DONE && c->index == sp->fed) {
			const struct frame_text *kt = NULL;

			pthread_mutex_unlock(&sp->mu);
			if (!c->ok || c->start != *pos ||
			    (at->fmt != PF_UNKNOWN && c->fmt != PF_UNKNOWN && c->fmt != at->fmt) ||
			    !(kt = keys_take(sp, c))) {
				pthread_mutex_lock(&sp->mu);
				break; /* the rest goes the serial way, from pos */
			}
			if (feed(c, kt, sink, err) < 0) {
				rc = -1;
				pthread_mutex_lock(&sp->mu);
				break;
			}
			*pos = c->end;
			at->lineno += c->nlines;
			at->nrecords += c->nrecs;
			if (c->fmt != PF_UNKNOWN)
				at->fmt = c->fmt;
			at->first = 0;
			pthread_mutex_lock(&sp->mu);
			c->state = C_FREE;
			sp->fed++;
			pthread_cond_broadcast(&sp->cv);
			continue;
		}
		c = take_locked(sp);
		if (c) {
			pthread_mutex_unlock(&sp->mu);
			parse_chunk(sp, c, mine);
			pthread_mutex_lock(&sp->mu);
			c->state = C_DONE;
			pthread_cond_broadcast(&sp->cv);
			continue;
		}
		pthread_cond_wait(&sp->cv, &sp->mu);
	}
	sp->stop = 1;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	return rc;
}

/* The rest of the file from pos on, one line after the other, with the lines and
 * records counted so far in at. Returns 0, or -1 with err. */
static int parse_rest(int fd, const char *name, uint64_t pos, struct parse_at *at,
		      const struct sink *sink, struct pt_err *err)
{
	int fd2 = dup(fd), rc;
	struct reader *r;
	uint64_t nrec = at->nrecords;

	if (fd2 < 0 || lseek(fd2, (off_t)pos, SEEK_SET) < 0) {
		pt_err_set(err, _("%s: read error: %s"), name, strerror(errno));
		if (fd2 >= 0)
			close(fd2);
		return -1;
	}
	r = reader_open_plain(fd2, name);
	rc = parse_stream_at(r, at, &at->fmt, &nrec, sink, err);
	reader_close(r);
	at->nrecords = nrec;
	return rc;
}

int parse_split(int fd, const char *name, enum pfmt expect, enum pfmt *got,
		const struct sink *sink, struct split_stats *stats, struct pt_err *err)
{
	struct split *sp;
	struct worker w[MAX_THREADS];
	struct pctx mine;
	struct parse_at at;
	struct stat st;
	unsigned nw, nt;
	uint64_t pos = 0;
	int rc;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -2;
	memset(&at, 0, sizeof(at));
	at.first = 1;
	sp = split_new(fd, name, (uint64_t)st.st_size);
	nt = nthreads();
	pctx_init(&mine, sp, 0, nt);
	nw = workers_start(sp, w, nt - 1);
	rc = feed_chunks(sp, &mine, &at, &pos, sink, err);
	for (unsigned i = 0; i < nw; i++)
		pthread_join(w[i].th, NULL);
	/* (no record at all: the serial parse says so, as it does) */
	if (rc == 0 && (sp->fed < sp->nchunks || pos < sp->size || at.nrecords == 0)) {
		if (stats) {
			stats->serial = 1;
			stats->serial_from = pos;
		}
		rc = parse_rest(fd, name, pos, &at, sink, err);
	}
	if (rc == 0 && expect != PF_UNKNOWN && at.fmt != expect &&
	    !(expect == PF_SHOW_STACKS && at.fmt == PF_PROPOSAL)) {
		pt_err_set(err, _("%s: expected %s content, found %s"), name, pfmt_name(expect),
			   pfmt_name(at.fmt));
		rc = -1;
	}
	if (rc == 0 && got)
		*got = at.fmt;
	if (stats) {
		stats->chunks = sp->nchunks;
		stats->fed = sp->fed;
		stats->shrank = sp->nshort;
	}
	for (unsigned i = 0; i < nw; i++)
		pctx_free(&w[i].px);
	pctx_free(&mine);
	split_free(sp);
	return rc;
}
