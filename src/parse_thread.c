/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse_thread.c - the parser on a worker thread, the sink on the caller's.
 *
 * Reading, scanning and checking the text of a large file costs about as much as building
 * the model from it, so the two run side by side: the worker runs parse_stream() into a
 * queue sink, which copies each record's frame descriptors (pointers into the reader's
 * buffers, their lengths, hashes and the parser's keys) into batches; the calling thread
 * takes the batches in order and feeds the real sink. The reader's buffers come from a
 * small pool (reader_set_pool()): a buffer the reader is done with is queued as a RETIRE
 * entry behind the records that point into it, so the caller gives it back only once
 * those records are through. Memory stays bounded: POOL_MAX buffers and NBATCH batches. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define NBATCH 4
#define BATCH_ENTS 512
#define BATCH_FRAMES (BATCH_ENTS * 24)
#define BATCH_TEXT (BATCH_ENTS * 64)  /* the blocks' flags, cgroup and reason texts */
#define POOL_MAX 6

enum qtype { Q_STACK, Q_COUNT, Q_RETIRE, Q_WARN };

struct qent {
	uint8_t type;
	uint8_t has_count, has_block;
	uint16_t nframes;
	uint32_t fr_off;
	uint64_t handle, count;
	uint64_t keyspace;
	uint64_t hash;            /* stack_rec.hash and key */
	uint32_t key;
	void *ptr;                /* Q_RETIRE: the buffer; Q_WARN: the message (malloc'd) */
	struct block_info blk;
	char comm[64];            /* as the parser's: one thread or two, the same comm */
	uint32_t tx_off;          /* the block's texts in the batch's tx: flags, cgroup, reason */
};

struct record_batch {
	struct record_batch *next;
	unsigned nent, nfr, ntx;
	int last;
	struct qent ent[BATCH_ENTS];
	struct frame_text fr[BATCH_FRAMES];
	char tx[BATCH_TEXT];
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free, cv_buf;
	struct record_batch *full_head, *full_tail; /* published, in order */
	struct record_batch *free_list;
	struct record_batch *cur;                   /* the worker's, being filled */
	char *bufs_free[POOL_MAX];
	unsigned nbufs_free, nbufs;          /* free ones; all the pool has made */
	char *adopted[POOL_MAX + 1];         /* every buffer of the pool, to free at the end */
	unsigned nadopted;
	atomic_int cancel;                   /* the sink failed: the worker stops */

	struct reader *r;
	enum pfmt expect, got;
	int rc;
	struct pt_err err;
	struct reader_pool pool;
};

/* ---- batches ---- */

static void publish(struct pipe *p, int last)
{
	struct record_batch *b = p->cur;

	b->last = last;
	b->next = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->full_tail)
		p->full_tail->next = b;
	else
		p->full_head = b;
	p->full_tail = b;
	pthread_cond_signal(&p->cv_full);
	p->cur = NULL;
	if (!last) {
		while (!p->free_list)
			pthread_cond_wait(&p->cv_free, &p->mu);
		p->cur = p->free_list;
		p->free_list = p->cur->next;
	}
	pthread_mutex_unlock(&p->mu);
	if (p->cur)
		p->cur->nent = p->cur->nfr = p->cur->ntx = 0;
}

static struct qent *ent_new(struct pipe *p, unsigned nframes, size_t ntext)
{
	struct record_batch *b = p->cur;

	if (b->nent == BATCH_ENTS || b->nfr + nframes > BATCH_FRAMES ||
	    b->ntx + ntext > BATCH_TEXT) {
		publish(p, 0);
		b = p->cur;
	}
	return &b->ent[b->nent++];
}

/* ---- the queue sink (worker side) ---- */

/* Texts too long for a batch's room are cut (the parser caps them far below it). */
static void tx_put(struct record_batch *b, const char *s, uint32_t n)
{
	if (s && n && n <= BATCH_TEXT - b->ntx) {
		memcpy(b->tx + b->ntx, s, n);
		b->ntx += n;
	}
}

static int q_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct pipe *p = self;
	unsigned n = rec->nframes;
	struct qent *e;

	if (atomic_load_explicit(&p->cancel, memory_order_relaxed)) {
		pt_err_set(err, "cancelled");
		return -1;
	}
	e = ent_new(p, n, rec->block ? (size_t)rec->block->gfp_text_len +
				       rec->block->memcg_len + rec->block->reason_len : 0);
	e->type = Q_STACK;
	e->nframes = (uint16_t)n;
	e->fr_off = p->cur->nfr;
	memcpy(&p->cur->fr[p->cur->nfr], rec->frames, n * sizeof(*rec->frames));
	p->cur->nfr += n;
	e->keyspace = rec->keyspace;
	e->hash = rec->hash;
	e->key = rec->key;
	e->handle = rec->handle;
	e->has_count = (uint8_t)rec->has_count;
	e->count = rec->count;
	e->has_block = rec->block != NULL;
	if (rec->block) {
		e->blk = *rec->block;
		if (e->blk.comm_len > sizeof(e->comm))
			e->blk.comm_len = sizeof(e->comm);
		if (rec->block->comm)
			memcpy(e->comm, rec->block->comm, e->blk.comm_len);
		e->tx_off = p->cur->ntx;
		tx_put(p->cur, rec->block->gfp_text, e->blk.gfp_text_len);
		tx_put(p->cur, rec->block->memcg, e->blk.memcg_len);
		tx_put(p->cur, rec->block->reason, e->blk.reason_len);
	}
	return 0;
}

static int q_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct pipe *p = self;
	struct qent *e;

	if (atomic_load_explicit(&p->cancel, memory_order_relaxed)) {
		pt_err_set(err, "cancelled");
		return -1;
	}
	e = ent_new(p, 0, 0);
	e->type = Q_COUNT;
	e->handle = handle;
	e->count = count;
	return 0;
}

static void q_warn(void *ctx, const char *msg)
{
	struct pipe *p = ctx;
	struct qent *e = ent_new(p, 0, 0);

	e->type = Q_WARN;
	e->ptr = xstrdup(msg);
}

static const struct sink_ops q_ops = { .stack = q_stack, .count = q_count };

/* ---- the reader's buffer pool ---- */

static void pool_adopt(void *ctx, char *buf)
{
	struct pipe *p = ctx;

	p->adopted[p->nadopted++] = buf;
	p->nbufs = 1;
}

static char *pool_get(void *ctx)
{
	struct pipe *p = ctx;
	char *b = NULL;

	pthread_mutex_lock(&p->mu);
	if (!p->nbufs_free && p->nbufs < POOL_MAX) {
		p->nbufs++;
		pthread_mutex_unlock(&p->mu);
		b = xmalloc(READER_BUF_ALLOC);
		p->adopted[p->nadopted++] = b; /* only the worker touches adopted[] */
		return b;
	}
	while (!p->nbufs_free)
		pthread_cond_wait(&p->cv_buf, &p->mu);
	b = p->bufs_free[--p->nbufs_free];
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void pool_retire(void *ctx, char *buf)
{
	struct pipe *p = ctx;
	struct qent *e = ent_new(p, 0, 0);

	e->type = Q_RETIRE;
	e->ptr = buf;
	/* the caller gives buffers back only as it reaches them: let it see this one
	 * before the worker may wait for a free buffer */
	publish(p, 0);
}

/* ---- the worker ---- */

static void *worker(void *arg)
{
	struct pipe *p = arg;
	struct sink qs = { &q_ops, p };

	reader_set_pool(p->r, &p->pool);
	diag_set_thread_sink(q_warn, p);
	p->rc = parse_stream(p->r, p->expect, &p->got, &qs, &p->err);
	diag_set_thread_sink(NULL, NULL);
	publish(p, 1);
	return NULL;
}

/* ---- the caller ---- */

static struct record_batch *take(struct pipe *p)
{
	struct record_batch *b;

	pthread_mutex_lock(&p->mu);
	while (!p->full_head)
		pthread_cond_wait(&p->cv_full, &p->mu);
	b = p->full_head;
	p->full_head = b->next;
	if (!p->full_head)
		p->full_tail = NULL;
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void give_back(struct pipe *p, struct record_batch *b, char *const *bufs, unsigned nbufs)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->free_list;
	p->free_list = b;
	pthread_cond_signal(&p->cv_free);
	for (unsigned i = 0; i < nbufs; i++)
		p->bufs_free[p->nbufs_free++] = bufs[i];
	if (nbufs)
		pthread_cond_signal(&p->cv_buf);
	pthread_mutex_unlock(&p->mu);
}

/* The record of a batch entry, as the sink gets it. */
static void fill_rec(struct record_batch *b, struct qent *e, struct stack_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->frames = &b->fr[e->fr_off];
	rec->nframes = e->nframes;
	rec->handle = e->handle;
	rec->has_count = e->has_count;
	rec->count = e->count;
	rec->keyspace = e->keyspace;
	rec->hash = e->hash;
	rec->key = e->key;
	if (e->has_block) {
		const char *t = b->tx + e->tx_off;

		e->blk.comm = e->blk.comm ? e->comm : NULL;
		if (e->blk.gfp_text)
			e->blk.gfp_text = t;
		t += e->blk.gfp_text_len;
		if (e->blk.memcg)
			e->blk.memcg = t;
		t += e->blk.memcg_len;
		if (e->blk.reason)
			e->blk.reason = t;
		rec->block = &e->blk;
	}
}

/* Feeds batch b's records to the sink, none once it failed (*failed, and the worker is
 * told to stop); the buffers b retires go to bufs. Returns how many. */
static unsigned feed_batch(struct pipe *p, struct record_batch *b, const struct sink *sink,
			   int *failed, char **bufs, struct pt_err *err)
{
	unsigned nbufs = 0;

	for (unsigned i = 0; i < b->nent; i++) {
		struct qent *e = &b->ent[i];

		switch (e->type) {
		case Q_STACK:
			if (!*failed) {
				struct stack_rec rec;

				fill_rec(b, e, &rec);
				*failed = sink->ops->stack(sink->self, &rec, err) < 0;
			}
			break;
		case Q_COUNT:
			if (!*failed)
				*failed = sink->ops->count(sink->self, e->handle, e->count, err) < 0;
			break;
		case Q_RETIRE:
			bufs[nbufs++] = e->ptr;
			break;
		case Q_WARN:
			if (!*failed)
				diag_warn("%s", (char *)e->ptr);
			free(e->ptr);
			break;
		}
		if (*failed)
			atomic_store(&p->cancel, 1);
	}
	return nbufs;
}

int parse_stream_threaded(struct reader *r, enum pfmt expect, enum pfmt *got,
			  const struct sink *sink, struct pt_err *err)
{
	struct pipe *p = xcalloc(1, sizeof(*p));
	struct record_batch *batches = xmalloc(NBATCH * sizeof(*batches)); /* big: not cleared */
	pthread_t th;
	int failed = 0, last = 0, rc;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_full, NULL);
	pthread_cond_init(&p->cv_free, NULL);
	pthread_cond_init(&p->cv_buf, NULL);
	atomic_init(&p->cancel, 0);
	for (int i = 0; i < NBATCH; i++)
		batches[i].nent = batches[i].nfr = batches[i].ntx = 0;
	for (int i = 1; i < NBATCH; i++) {
		batches[i].next = p->free_list;
		p->free_list = &batches[i];
	}
	p->cur = &batches[0];
	p->r = r;
	p->expect = expect;
	p->pool = (struct reader_pool){ pool_adopt, pool_get, pool_retire, p };
	if (pthread_create(&th, NULL, worker, p) != 0) {
		/* no thread to be had: parse here, as for a small file */
		free(batches);
		free(p);
		return parse_stream(r, expect, got, sink, err);
	}
	while (!last) {
		struct record_batch *b = take(p);
		char *bufs[POOL_MAX + 1];
		unsigned nbufs = feed_batch(p, b, sink, &failed, bufs, err);

		last = b->last;
		give_back(p, b, bufs, nbufs);
	}
	pthread_join(th, NULL);
	if (failed) {
		rc = -1;
	} else {
		rc = p->rc;
		if (rc < 0)
			*err = p->err;
		else if (got)
			*got = p->got;
	}
	reader_drop_pool(r); /* its buffer is one of the pool's, which go now */
	for (unsigned i = 0; i < p->nadopted; i++)
		free(p->adopted[i]);
	pthread_cond_destroy(&p->cv_buf);
	pthread_cond_destroy(&p->cv_free);
	pthread_cond_destroy(&p->cv_full);
	pthread_mutex_destroy(&p->mu);
	free(batches);
	free(p);
	return rc;
}
