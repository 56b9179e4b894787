/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recording_blocks.c - the blocks of a recorded per-block dump (recording_blocks.h).
 *
 * The blocks of the last complete sample are one array sorted by PFN; a sample's "a" and
 * "d" lines come in the order of their PFNs too, so applying them is one merge of the two
 * arrays, and a sample that changes no block costs nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gettext.h"
#include "recording.h"
#include "recording_blocks.h"
#include "util.h"

#define _(s) gettext(s)

struct rblock {
	uint64_t pfn, ts;
	uint32_t stack;                  /* the file's id */
	uint32_t comm, gfp_text, memcg, reason; /* text ids; 0: none */
	uint32_t gfp;
	int32_t pid, tgid;
	uint8_t order, mt, flags;
	uint8_t gone;                    /* a change: "d PFN" */
};

struct rec_blocks {
	struct strtab *texts;
	uint32_t *tid;                   /* by the file's text id - 1: the strtab's id */
	size_t ntid, ctid;
	struct rblock *b, *nb;           /* the blocks; the merge's output */
	size_t n, cb, cnb;
	struct rblock *ch;               /* this sample's changes, by PFN */
	size_t nch, cch;
};

struct rec_blocks *rec_blocks_new(void)
{
	struct rec_blocks *rb = xcalloc(1, sizeof(*rb));

	rb->texts = strtab_new();
	return rb;
}

void rec_blocks_free(struct rec_blocks *rb)
{
	if (!rb)
		return;
	strtab_free(rb->texts);
	free(rb->tid);
	free(rb->b);
	free(rb->nb);
	free(rb->ch);
	free(rb);
}

/* A decimal number at *p up to the next space or the end; 0, or -1. */
static int num(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;
	uint64_t x = 0;

	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*q - '0');
	}
	if (q < end && *q != ' ')
		return -1;
	*p = q < end ? q + 1 : q;
	*v = x;
	return 0;
}

int rec_blocks_text(struct rec_blocks *rb, const char *line, size_t n, const char **what)
{
	const char *p = line + 2, *end = line + n;
	uint64_t id;

	*what = _("\"n ID TEXT\" with the next text id");
	/* an empty text may have lost its space ("n 13") */
	if (n < 3 || line[1] != ' ' || num(&p, end, &id) < 0 || id != rb->ntid + 1 || id > UINT32_MAX - 1)
		return -1;
	rb->tid = xgrow_zeroed(rb->tid, &rb->ctid, rb->ntid, sizeof(*rb->tid));
	rb->tid[rb->ntid++] = strtab_intern(rb->texts, p, (size_t)(end - p));
	return 0;
}

/* The fields after "a PFN" into b. 0, or -1 with *what. */
static int block_fields(struct rec_blocks *rb, const char *p, const char *end,
			uint32_t nstacks, struct rblock *b, const char **why)
{
	uint64_t v[12];
	/* the largest value of each: stack, order, pid, tgid, ts, gfp, mt, flags, texts */
	const uint64_t max[12] = { nstacks ? nstacks - 1 : 0, 20, INT32_MAX, INT32_MAX,
				   UINT64_MAX, UINT32_MAX, MT_OTHER, RB_ALL, rb->ntid,
				   rb->ntid, rb->ntid, rb->ntid };

	for (size_t i = 0; i < 12; i++)
		if (num(&p, end, &v[i]) < 0 || v[i] > max[i] || (i == 0 && !v[i])) {
			*why = i == 0 ? _("its stack is not defined before")
				      : i >= 8 ? _("its text is not defined before") : NULL;
			return -1;
		}
	if (p != end)
		return -1;
	b->stack = (uint32_t)v[0];
	b->order = (uint8_t)v[1];
	b->pid = (int32_t)v[2];
	b->tgid = (int32_t)v[3];
	b->ts = v[4];
	b->gfp = (uint32_t)v[5];
	b->mt = (uint8_t)v[6];
	b->flags = (uint8_t)v[7];
	b->comm = (uint32_t)v[8];
	b->gfp_text = (uint32_t)v[9];
	b->memcg = (uint32_t)v[10];
	b->reason = (uint32_t)v[11];
	return 0;
}

/* Whether the last complete sample has a block at pfn. */
static int has_pfn(const struct rec_blocks *rb, uint64_t pfn)
{
	size_t lo = 0, hi = rb->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rb->b[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rb->n && rb->b[lo].pfn == pfn;
}

int rec_blocks_line(struct rec_blocks *rb, const char *line, size_t n, uint32_t nstacks,
		    const char **what, const char **why)
{
	const char *p = line + 2, *end = line + n;
	struct rblock b;
	uint64_t pfn;

	memset(&b, 0, sizeof(b));
	*why = NULL;
	*what = line[0] == 'd' ? _("\"d PFN\" inside a sample")
			       : _("\"a PFN STACK ORDER PID TGID TS GFP MT FLAGS COMM GFPTEXT MEMCG REASON\" inside a sample");
	if (n < 3 || line[1] != ' ' || num(&p, end, &pfn) < 0)
		return -1;
	if (rb->nch && pfn <= rb->ch[rb->nch - 1].pfn) {
		*why = _("the sample's block lines are not in the order of their PFNs");
		return -1;
	}
	if (line[0] == 'd') {
		if (p != end)
			return -1;
		if (!has_pfn(rb, pfn)) {
			*why = _("the sample before has no block at that PFN");
			return -1;
		}
		b.gone = 1;
	} else if (block_fields(rb, p, end, nstacks, &b, why) < 0) {
		return -1;
	}
	b.pfn = pfn;
	rb->ch = xgrow_zeroed(rb->ch, &rb->cch, rb->nch, sizeof(*rb->ch));
	rb->ch[rb->nch++] = b;
	return 0;
}

void rec_blocks_begin(struct rec_blocks *rb)
{
	rb->nch = 0;
}

void rec_blocks_apply(struct rec_blocks *rb)
{
	size_t i = 0, j = 0, k = 0;

	if (!rb->nch)
		return;
	rb->nb = xgrow_zeroed(rb->nb, &rb->cnb, rb->n + rb->nch - 1, sizeof(*rb->nb));
	while (i < rb->n || j < rb->nch) {
		if (j == rb->nch || (i < rb->n && rb->b[i].pfn < rb->ch[j].pfn)) {
			rb->nb[k++] = rb->b[i++];
			continue;
		}
		if (i < rb->n && rb->b[i].pfn == rb->ch[j].pfn)
			i++; /* replaced or gone */
		if (!rb->ch[j].gone)
			rb->nb[k++] = rb->ch[j];
		j++;
	}
	{
		struct rblock *t = rb->b;
		size_t c = rb->cb;

		rb->b = rb->nb;
		rb->cb = rb->cnb;
		rb->nb = t;
		rb->cnb = c;
	}
	rb->n = k;
	rb->nch = 0;
}

size_t rec_blocks_count(const struct rec_blocks *rb)
{
	return rb->n;
}

static const char *text(const struct rec_blocks *rb, uint32_t id, uint32_t *len)
{
	if (!id) {
		*len = 0;
		return NULL;
	}
	*len = strtab_len(rb->texts, rb->tid[id - 1]);
	return strtab_str(rb->texts, rb->tid[id - 1]);
}

uint32_t rec_blocks_get(const struct rec_blocks *rb, size_t i, struct block_info *bi)
{
	const struct rblock *b = &rb->b[i];

	memset(bi, 0, sizeof(*bi));
	bi->pfn = b->pfn;
	bi->order = b->order;
	bi->pid = b->pid;
	bi->tgid = b->tgid;
	bi->gfp = b->gfp;
	bi->ts_ns = b->ts;
	bi->mt = b->mt;
	bi->comm = text(rb, b->comm, &bi->comm_len);
	bi->gfp_text = text(rb, b->gfp_text, &bi->gfp_text_len);
	bi->memcg = text(rb, b->memcg, &bi->memcg_len);
	bi->reason = text(rb, b->reason, &bi->reason_len);
	bi->has_ts = !!(b->flags & RB_TS);
	bi->migrated = !!(b->flags & RB_MIGRATED);
	bi->slab = !!(b->flags & RB_SLAB);
	bi->cma = !!(b->flags & RB_CMA);
	bi->memcg_offline = !!(b->flags & RB_OFFLINE);
	bi->memcg_objcg = !!(b->flags & RB_OBJCG);
	return b->stack;
}
