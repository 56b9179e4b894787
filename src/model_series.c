/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_series.c - a count over the whole series, downsampled (struct trace): for the
 * charts, every sample since the first, in bounded memory.
 *
 * A trace keeps at most nb buckets, each the smallest, largest and last value of a span
 * of 2^shift samples from s0; when the last one fills up, neighbours merge in pairs and
 * the span doubles. The buckets before the one being filled are varints (LEB128): first
 * u, the difference of min from the bucket before's last (zigzag) shifted left by 3 and
 * a kind: 0 flat (max = last = min), 1 last = min, 2 last = max (then max - min), 3 any
 * (then max - min and last - min); bit 2 set says the difference follows as a varint of
 * its own (too large to shift). A quiet bucket takes one byte, one with a change two or
 * three. Differences wrap as unsigned 64-bit numbers, so any two counts round-trip.
 * Counters feed it only when they change (runs of equal samples take one call), so the
 * stacks that never change have none. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model_int.h"

struct trace {
	uint32_t s0;              /* the first sample */
	uint32_t next;            /* samples before it are in */
	uint16_t len, cap;        /* bytes of b */
	uint16_t n;               /* closed buckets, in b */
	uint8_t shift;            /* a bucket spans 2^shift samples */
	uint8_t flags;            /* log2 of nb, TRACE_OPEN, TRACE_HEAP */
	int64_t omin, omax, olast; /* the open bucket (number n) */
	int64_t plast;            /* the last value of closed bucket n - 1 */
	uint8_t b[];
};

#define TRACE_OPEN 0x80           /* the open bucket has samples */
#define TRACE_HEAP 0x40           /* from malloc, growing (the total's); else a block */
#define TRACE_LG 0x1f             /* log2 of nb */
#define TRACE_MAX_BUCKET 32       /* bytes a closed bucket takes at most */

static size_t trace_size(uint32_t cap)
{
	return (sizeof(struct trace) + cap + 15) & ~(size_t)15;
}

static inline uint32_t trace_nb_of(const struct trace *s)
{
	return 1u << (s->flags & TRACE_LG);
}

/* ---- memory ----
 * A row's trace is a block of 64 bytes, which grows in steps of 16 bytes, when the bucket
 * that closes does not fit, up to 256 (the buckets take at most 208 bytes: a row whose
 * buckets need more merges them earlier).
 * Blocks come from slabs of their own: the model walks every row's history every sample,
 * and traces of many sizes among the histories in the heap spread those over more pages
 * (with malloc, a sample of 100,000 stacks took a third longer). A free block goes to its
 * size's list and to the next trace of that size; the slabs go with the model. The
 * total's trace grows in the heap.
 * The slabs are cut from 2 MiB mappings in huge pages: one fault a region, not 32 a
 * slab. A slab given back keeps its addresses but not its pages, and no huge page may
 * cover it until it is the next one taken. */
#define BLOCK_SMALL 64
#define BLOCK_LARGE 256
#define BLOCK_STEP 16
#define BLOCK_CLASSES ((BLOCK_LARGE - BLOCK_SMALL) / BLOCK_STEP + 1)
#define POOL_SLAB (128 * 1024)
#define POOL_REGION ((size_t)2 << 20)
#ifdef MADV_COLLAPSE
#define MADV_COLLAPSE_ MADV_COLLAPSE
#else
#define MADV_COLLAPSE_ 25 /* Linux 6.1 */
#endif

struct trace_pool {
	void *free[BLOCK_CLASSES];  /* free blocks by size, linked through them */
	char *slab;                 /* carving from it */
	size_t left;
	void **slabs;
	size_t nslabs, capslabs;
	size_t low_free;            /* the fewest free bytes since the last tidying */
	char **regions;             /* the mappings the slabs are cut from */
	size_t nregions, capregions;
	size_t region_left;         /* slabs of the last region not cut yet */
	void **spare;               /* slabs given back: no pages */
	size_t nspare, capspare;
};

static void *slab_take(struct trace_pool *p)
{
	if (p->nspare) {
		void *slab = p->spare[--p->nspare];

#ifdef MADV_HUGEPAGE
		madvise(slab, POOL_SLAB, MADV_HUGEPAGE);
#endif
		return slab;
	}
	if (!p->region_left) {
		if (p->nregions == p->capregions) {
			p->capregions = p->capregions ? p->capregions * 2 : 8;
			p->regions = xreallocarray(p->regions, p->capregions, sizeof(char *));
		}
		p->regions[p->nregions++] = xhuge_alloc(POOL_REGION);
		p->region_left = POOL_REGION / POOL_SLAB;
	}
	return p->regions[p->nregions - 1] + (POOL_REGION - p->region_left-- * POOL_SLAB);
}

static void slab_give(struct trace_pool *p, void *slab)
{
#ifdef MADV_NOHUGEPAGE
	/* else khugepaged makes its region one huge page again, these pages too */
	madvise(slab, POOL_SLAB, MADV_NOHUGEPAGE);
#endif
	madvise(slab, POOL_SLAB, MADV_DONTNEED);
	if (p->nspare == p->capspare) {
		p->capspare = p->capspare ? p->capspare * 2 : 16;
		p->spare = xreallocarray(p->spare, p->capspare, sizeof(void *));
	}
	p->spare[p->nspare++] = slab;
}

static void *block_alloc(struct model *m, size_t size)
{
	struct trace_pool *p = m->trace_pool;
	size_t c = (size - BLOCK_SMALL) / BLOCK_STEP;
	void *b;

	m->trace_bytes += size;
	if (!p)
		p = m->trace_pool = xcalloc(1, sizeof(*p));
	if (p->free[c]) {
		b = p->free[c];
		memcpy(&p->free[c], b, sizeof(void *));
		return b;
	}
	if (p->left < size) {
		if (p->nslabs == p->capslabs) {
			p->capslabs = p->capslabs ? p->capslabs * 2 : 16;
			p->slabs = xreallocarray(p->slabs, p->capslabs, sizeof(void *));
		}
		p->slab = p->slabs[p->nslabs++] = slab_take(p);
		p->left = POOL_SLAB;
		m->trace_slab_bytes += POOL_SLAB;
	}
	b = p->slab;
	p->slab += size;
	p->left -= size;
	return b;
}

static void block_free(struct model *m, void *b, size_t size)
{
	struct trace_pool *p = m->trace_pool;
	size_t c = (size - BLOCK_SMALL) / BLOCK_STEP;

	m->trace_bytes -= size;
	memcpy(b, &p->free[c], sizeof(void *));
	p->free[c] = b;
}

void trace_pool_free(struct model *m)
{
	struct trace_pool *p = m->trace_pool;

	if (!p)
		return;
	for (size_t i = 0; i < p->nregions; i++)
		xhuge_free(p->regions[i], POOL_REGION);
	free(p->regions);
	free(p->spare);
	free(p->slabs);
	free(p);
	m->trace_pool = NULL;
}

/* ---- giving slabs back ----
 * Traces move between sizes as they grow, shrink and go: the free lists can hold much of
 * the slabs. Then the traces of the emptiest slabs move into the others' free blocks and
 * those slabs go. */
static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* The index of the slab of n (sorted) that holds b. */
static size_t slab_of(void *const *slabs, size_t n, const void *b)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if ((uintptr_t)slabs[mid] <= (uintptr_t)b)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Calls fn on every row trace of a block. */
static void each_trace(struct model *m, void (*fn)(struct model *m, struct trace **sp, void *arg),
		       void *arg)
{
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);

		if (!st->freed && st->s.trace)
			fn(m, &st->s.trace, arg);
	}
	for (int g = 0; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++)
			if (m->groups[g][i].s.trace && !(m->groups[g][i].s.trace->flags & TRACE_HEAP))
				fn(m, &m->groups[g][i].s.trace, arg);
}

struct tidy {
	void **old;                 /* the slabs before, sorted */
	size_t nold;
	size_t *used;               /* bytes of traces in each */
	uint8_t *gone;              /* each: to go */
};

static void count_used(struct model *m, struct trace **sp, void *arg)
{
	struct tidy *td = arg;

	(void)m;
	td->used[slab_of(td->old, td->nold, *sp)] += sizeof(**sp) + (*sp)->cap;
}

static void evacuate(struct model *m, struct trace **sp, void *arg)
{
	struct tidy *td = arg;
	size_t size = sizeof(**sp) + (*sp)->cap;
	void *t;

	if (!td->gone[slab_of(td->old, td->nold, *sp)])
		return;
	t = block_alloc(m, size);
	m->trace_bytes -= size; /* it moved */
	memcpy(t, *sp, size);
	*sp = t;
}

void trace_pool_tidy(struct model *m)
{
	struct trace_pool *p = m->trace_pool;
	struct tidy td;
	size_t kept = 0, nfree;

	if (!p)
		return;
	/* a tidying that found the slabs too full to go is not tried again until another
	 * MiB is free */
	nfree = m->trace_slab_bytes - m->trace_bytes;
	if (nfree < p->low_free)
		p->low_free = nfree;
	if (nfree <= m->trace_bytes / 4 + 8 * POOL_SLAB || nfree <= p->low_free + 8 * POOL_SLAB)
		return;
	qsort(p->slabs, p->nslabs, sizeof(void *), ptr_cmp);
	/* new slabs come after these: the old ones keep their indices */
	td.nold = p->nslabs;
	td.old = xreallocarray(NULL, td.nold, sizeof(void *));
	memcpy(td.old, p->slabs, td.nold * sizeof(void *));
	td.used = xcalloc(td.nold, sizeof(*td.used));
	td.gone = xcalloc(td.nold, 1);
	each_trace(m, count_used, &td);
	for (size_t i = 0; i < td.nold; i++)
		td.gone[i] = td.used[i] < POOL_SLAB / 2 &&
			     !((uintptr_t)p->slab >= (uintptr_t)td.old[i] &&
			       (uintptr_t)p->slab <= (uintptr_t)td.old[i] + POOL_SLAB);
	/* the free blocks of the slabs that go are no more */
	for (int c = 0; c < BLOCK_CLASSES; c++) {
		void *b = p->free[c], *next, *last = NULL;

		p->free[c] = NULL;
		for (; b; b = next) {
			memcpy(&next, b, sizeof(void *));
			if (td.gone[slab_of(td.old, td.nold, b)])
				continue;
			if (last)
				memcpy(last, &b, sizeof(void *));
			else
				p->free[c] = b;
			last = b;
		}
		if (last)
			memset(last, 0, sizeof(void *));
	}
	each_trace(m, evacuate, &td);
	for (size_t i = 0; i < td.nold; i++) {
		if (td.gone[i]) {
			slab_give(p, td.old[i]);
			m->trace_slab_bytes -= POOL_SLAB;
		} else {
			p->slabs[kept++] = td.old[i];
		}
	}
	memmove(p->slabs + kept, p->slabs + td.nold, (p->nslabs - td.nold) * sizeof(void *));
	p->nslabs = kept + (p->nslabs - td.nold);
	p->low_free = m->trace_slab_bytes - m->trace_bytes;
	free(td.old);
	free(td.used);
	free(td.gone);
}

size_t trace_spare_resident(const struct model *m, size_t *nspare)
{
	const struct trace_pool *p = m->trace_pool;
	unsigned char vec[POOL_SLAB / 4096];
	size_t n = 0;

	/* what khugepaged does in its time, now: each region that may be, one huge page */
	for (size_t i = 0; p && i < p->nregions; i++)
		madvise(p->regions[i], POOL_REGION, MADV_COLLAPSE_);
	*nspare = p ? p->nspare : 0;
	for (size_t i = 0; i < *nspare; i++)
		if (mincore(p->spare[i], POOL_SLAB, vec) == 0)
			for (size_t j = 0; j < sizeof(vec); j++)
				n += (vec[j] & 1) * 4096u;
	return n;
}

size_t trace_mem_bytes(const struct model *m)
{
	/* the slabs, and the total's trace */
	return m->trace_slab_bytes + (m->total_trace ? trace_size(m->total_trace->cap) : 0);
}

struct trace *trace_new(struct model *m, uint32_t s0, uint16_t nb)
{
	int heap = nb > TRACE_ROW_BUCKETS;
	uint32_t cap = heap ? 64 : BLOCK_SMALL - sizeof(struct trace);
	struct trace *s;
	uint8_t lg = 0;

	while ((1u << lg) < nb)
		lg++;
	if (heap) {
		s = xmalloc(trace_size(cap));
	} else {
		s = block_alloc(m, BLOCK_SMALL);
	}
	memset(s, 0, sizeof(*s));
	s->s0 = s->next = s0;
	s->cap = (uint16_t)cap;
	s->flags = (uint8_t)(lg | (heap ? TRACE_HEAP : 0));
	return s;
}

void trace_free(struct model *m, struct trace **sp)
{
	struct trace *s = *sp;

	if (!s)
		return;
	if (s->flags & TRACE_HEAP)
		free(s);
	else
		block_free(m, s, sizeof(*s) + s->cap);
	*sp = NULL;
}

/* The bucket at *pos, after one whose last value was *last (0 before the first). */
static void bucket_get(const uint8_t *b, uint32_t *pos, int64_t *last,
		       struct trace_bucket *out)
{
	uint64_t u = varint_get(b, pos), d = u & 4 ? varint_get(b, pos) : u >> 3, span;
	int64_t mn = (int64_t)((uint64_t)*last + (uint64_t)zigzag_dec(d));

	out->min = out->max = out->last = mn;
	switch (u & 3) {
	case 1:
		out->max = (int64_t)((uint64_t)mn + varint_get(b, pos));
		break;
	case 2:
		span = varint_get(b, pos);
		out->max = out->last = (int64_t)((uint64_t)mn + span);
		break;
	case 3:
		out->max = (int64_t)((uint64_t)mn + varint_get(b, pos));
		out->last = (int64_t)((uint64_t)mn + varint_get(b, pos));
		break;
	}
	*last = out->last;
}

/* Decodes the closed buckets into out[0..n-1]. */
static void decode(const struct trace *s, struct trace_bucket *out)
{
	uint32_t pos = 0;
	int64_t last = 0;

	for (uint16_t i = 0; i < s->n; i++)
		bucket_get(s->b, &pos, &last, &out[i]);
}

/* A closed bucket after one whose last value was plast, as bucket_get() reads it, at p
 * (TRACE_MAX_BUCKET bytes of room); returns the bytes it takes. */
static unsigned bucket_put(uint8_t *p, int64_t plast, int64_t mn, int64_t mx, int64_t last)
{
	uint64_t d = zigzag_enc((int64_t)((uint64_t)mn - (uint64_t)plast));
	unsigned kind = mx == mn ? 0 : last == mn ? 1 : last == mx ? 2 : 3, len = 0;

	if (d >> 60) {
		len += varint_put(p + len, 4 | kind);
		len += varint_put(p + len, d);
	} else {
		len += varint_put(p + len, d << 3 | kind);
	}
	if (kind)
		len += varint_put(p + len, (uint64_t)mx - (uint64_t)mn);
	if (kind == 3)
		len += varint_put(p + len, (uint64_t)last - (uint64_t)mn);
	return len;
}

/* Appends a closed bucket of k bytes from p (room was made). */
static void append(struct trace *s, const uint8_t *p, unsigned k, int64_t last)
{
	memcpy(s->b + s->len, p, k);
	s->len = (uint16_t)(s->len + k);
	s->plast = last;
	s->n++;
}

/* The heap's trace with room for len bytes and a bucket more: it grows by half. */
static struct trace *heap_grow(struct trace *s, uint32_t len)
{
	uint32_t cap = s->cap;

	while (cap < len)
		cap += ((cap / 2) + 15) & ~15u;
	s = xrealloc(s, trace_size(cap));
	s->cap = (uint16_t)cap;
	return s;
}

/* The smallest block size that holds a trace of len bytes of buckets. */
static size_t block_size(uint32_t len)
{
	return (sizeof(struct trace) + len + BLOCK_STEP - 1) & ~(size_t)(BLOCK_STEP - 1);
}

/* A row's trace moved to a block of size bytes (its closed buckets fit). */
static struct trace *block_move(struct model *m, struct trace *s, size_t size)
{
	struct trace *t = block_alloc(m, size);

	memcpy(t, s, sizeof(*s) + s->len);
	t->cap = (uint16_t)(size - sizeof(*s));
	block_free(m, s, sizeof(*s) + s->cap);
	return t;
}

/* Every closed bucket full, or no room for another: neighbours merge, the span
 * doubles. With an odd number, the last one and the open one are the new open one.
 * Merged buckets can take more bytes than the two they replace (a flat one, then one a
 * large step down: the merged one has the step twice, as its difference and its
 * spread): the trace then moves to a larger block, or the heap's grows; a block that
 * would pass the largest merges again. */
static void merge(struct model *m, struct trace **sp)
{
	struct trace *s = *sp;
	struct trace_bucket tb[TRACE_ROW_BUCKETS + 1], *bk = tb;
	uint8_t tout[(TRACE_ROW_BUCKETS / 2 + 1) * TRACE_MAX_BUCKET], *out = tout;
	uint32_t n = s->n, len;
	int64_t plast;
	int heap = !!(s->flags & TRACE_HEAP);

	if (n > TRACE_ROW_BUCKETS) {
		bk = xreallocarray(NULL, n, sizeof(*bk));
		out = xreallocarray(NULL, n / 2 + 1, TRACE_MAX_BUCKET);
	}
	decode(s, bk);
	do {
		for (uint32_t i = 0; i + 1 < n; i += 2) {
			struct trace_bucket *a = &bk[i], *b = &bk[i + 1];

			bk[i / 2] = (struct trace_bucket){ a->min < b->min ? a->min : b->min,
							  a->max > b->max ? a->max : b->max,
							  b->last };
		}
		if (n % 2) {
			struct trace_bucket *l = &bk[n - 1];

			if (!(s->flags & TRACE_OPEN)) {
				s->omin = l->min;
				s->omax = l->max;
				s->olast = l->last;
				s->flags |= TRACE_OPEN;
			} else {
				s->omin = l->min < s->omin ? l->min : s->omin;
				s->omax = l->max > s->omax ? l->max : s->omax;
			}
		}
		n /= 2;
		s->shift++;
		len = 0;
		plast = 0;
		for (uint32_t i = 0; i < n; i++) {
			len += bucket_put(out + len, plast, bk[i].min, bk[i].max, bk[i].last);
			plast = bk[i].last;
		}
	} while (!heap && sizeof(*s) + len > BLOCK_LARGE);
	s->len = 0; /* what it had is in out */
	if (len > s->cap)
		s = heap ? heap_grow(s, len + TRACE_MAX_BUCKET)
			 : block_move(m, s, block_size(len));
	memcpy(s->b, out, len);
	s->len = (uint16_t)len;
	s->n = (uint16_t)n;
	s->plast = plast;
	if (bk != tb) {
		free(bk);
		free(out);
	}
	*sp = s;
}

/* Room for a closed bucket of need bytes: the heap's grows by half, a block moves to the
 * smallest that holds it; where none does, the buckets merge (0 then: they changed). */
static int make_room(struct model *m, struct trace **sp, unsigned need)
{
	struct trace *s = *sp;
	size_t size;

	if (s->len + need <= s->cap)
		return 1;
	if (s->flags & TRACE_HEAP) {
		*sp = heap_grow(s, s->len + need);
		return 1;
	}
	size = block_size(s->len + need);
	if (size <= BLOCK_LARGE) {
		*sp = block_move(m, s, size);
		return 1;
	}
	/* after the merge a smaller block does, until it grows again */
	merge(m, &s);
	size = block_size(s->len + need);
	size = size < BLOCK_SMALL ? BLOCK_SMALL : size > BLOCK_LARGE ? BLOCK_LARGE : size;
	*sp = size != sizeof(*s) + s->cap ? block_move(m, s, size) : s;
	return 0;
}

void trace_add(struct model *m, struct trace **sp, uint32_t to, int64_t v)
{
	struct trace *s = *sp;

	for (;;) {
		uint32_t end = s->s0 + ((uint32_t)(s->n + 1) << s->shift) - 1;

		if ((s->flags & TRACE_OPEN) && s->next > end) {
			/* the open bucket is complete: it closes */
			uint8_t p[TRACE_MAX_BUCKET];
			unsigned k = bucket_put(p, s->plast, s->omin, s->omax, s->olast);

			if (!make_room(m, &s, k))
				continue;
			append(s, p, k, s->olast);
			s->flags &= (uint8_t)~TRACE_OPEN;
			if (s->n == trace_nb_of(s))
				merge(m, &s);
			continue;
		}
		if (s->next > to)
			break;
		if (!(s->flags & TRACE_OPEN) && s->plast == v) {
			/* whole buckets of v after one that ended at v (the run of a count
			 * that stayed): one zero byte each, as bucket_put() writes them */
			uint64_t c = ((uint64_t)to + 1 - s->next) >> s->shift;

			if (c > trace_nb_of(s) - s->n)
				c = trace_nb_of(s) - s->n;
			if (s->len + c > s->cap)
				c = s->cap - s->len;
			if (c) {
				memset(s->b + s->len, 0, c);
				s->len = (uint16_t)(s->len + c);
				s->n = (uint16_t)(s->n + c);
				s->next += (uint32_t)c << s->shift;
				if (s->n == trace_nb_of(s))
					merge(m, &s);
				continue;
			}
		}
		if (!(s->flags & TRACE_OPEN)) {
			s->omin = s->omax = s->olast = v;
			s->flags |= TRACE_OPEN;
		} else {
			if (v < s->omin)
				s->omin = v;
			if (v > s->omax)
				s->omax = v;
			s->olast = v;
		}
		s->next = (to < end ? to : end) + 1;
	}
	*sp = s;
}

uint32_t trace_buckets(const struct trace *s, struct trace_bucket *out, uint32_t *s0,
		       unsigned *shift, uint32_t *next)
{
	int open = !!(s->flags & TRACE_OPEN);

	decode(s, out);
	if (open) {
		out[s->n].min = s->omin;
		out[s->n].max = s->omax;
		out[s->n].last = s->olast;
	}
	*s0 = s->s0;
	*shift = s->shift;
	*next = s->next;
	return s->n + (uint32_t)open;
}

uint16_t trace_nb(const struct trace *s)
{
	return (uint16_t)trace_nb_of(s);
}

/* ---- reading: columns of a chart ---- */

static inline void widen(int64_t *mn, int64_t *mx, int64_t lo, int64_t hi)
{
	if (lo < *mn)
		*mn = lo;
	if (hi > *mx)
		*mx = hi;
}

/* Columns over samples lo..hi of a count that was 0 before first, is in the series from
 * s0 (== first when there is one) to next - 1, and is tail from next on. */
static int columns(const struct trace *ser, uint32_t first, int64_t tail, uint32_t lo,
		   uint32_t hi, int ncols, int64_t *cmin, int64_t *cmax)
{
	struct trace_bucket stackbuf[TRACE_ROW_BUCKETS + 1], *b = stackbuf;
	uint32_t s0 = first, next = first, nbk = 0, span = (uint32_t)hi - lo + 1;
	unsigned shift = 0;

	if (hi < lo || ncols <= 0)
		return 0;
	if ((uint32_t)ncols > span)
		ncols = (int)span;
	if (ser) {
		if (trace_nb(ser) > TRACE_ROW_BUCKETS)
			b = xreallocarray(NULL, trace_nb(ser) + 1u, sizeof(*b));
		nbk = trace_buckets(ser, b, &s0, &shift, &next);
	}
	for (int c = 0; c < ncols; c++) {
		uint32_t a = lo + (uint32_t)((uint64_t)c * span / (uint32_t)ncols);
		uint32_t e = lo + (uint32_t)((uint64_t)(c + 1) * span / (uint32_t)ncols) - 1;
		int64_t mn = INT64_MAX, mx = INT64_MIN;

		if (a < first)
			widen(&mn, &mx, 0, 0);
		if (nbk && e >= s0 && a < next) {
			uint32_t from = a > s0 ? a : s0, to = e < next - 1 ? e : next - 1;

			for (uint32_t j = (from - s0) >> shift; j <= (to - s0) >> shift && j < nbk;
			     j++)
				widen(&mn, &mx, b[j].min, b[j].max);
		}
		if (e >= next && e >= first)
			widen(&mn, &mx, tail, tail);
		cmin[c] = mn;
		cmax[c] = mx;
	}
	if (b != stackbuf)
		free(b);
	return ncols;
}

int model_chart(const struct model *m, const struct counter *s, uint32_t lo, uint32_t hi,
		int ncols, int64_t *cmin, int64_t *cmax)
{
	if (!m->nsamples)
		return 0;
	if (hi > m->nsamples - 1)
		hi = m->nsamples - 1;
	return columns(s->trace, s->first_seen, s->now, lo, hi, ncols, cmin, cmax);
}

/* Rows whose buckets span the same samples are summed bucket by bucket first, then
 * turned into columns once: a column's range is then that of the summed buckets, as
 * tight as the rows' own or tighter, and a chart of many rows costs about a bucket a
 * row, not a column a row. At most SUM_GROUPS such groups at a time (then they go into
 * the columns and start again): the memory stays bounded whatever the rows. */
#define SUM_GROUPS 512

struct sum_bucket {
	int64_t min, max;
};

struct sum_group {
	uint32_t first, s0, next, nbk;
	unsigned shift;
	int64_t tail;
	struct sum_bucket *b;
};

struct sum_groups {
	struct sum_group g[SUM_GROUPS];
	uint16_t slot[2 * SUM_GROUPS]; /* index + 1, 0 empty */
	int n;
};

/* A group's columns (as columns() makes them) added to smin and smax, the columns'
 * first and last samples given (ca, ce). */
static void group_columns(const struct sum_group *g, const uint32_t *ca, const uint32_t *ce,
			  int ncols, int64_t *smin, int64_t *smax)
{
	for (int c = 0; c < ncols; c++) {
		uint32_t a = ca[c], e = ce[c];
		int64_t mn = INT64_MAX, mx = INT64_MIN;

		if (e < g->first)
			continue; /* 0 there: adds nothing */
		if (a < g->first)
			widen(&mn, &mx, 0, 0);
		if (g->nbk && e >= g->s0 && a < g->next) {
			uint32_t from = a > g->s0 ? a : g->s0, to = e < g->next - 1 ? e : g->next - 1;

			for (uint32_t j = (from - g->s0) >> g->shift;
			     j <= (to - g->s0) >> g->shift && j < g->nbk; j++)
				widen(&mn, &mx, g->b[j].min, g->b[j].max);
		}
		if (e >= g->next)
			widen(&mn, &mx, g->tail, g->tail);
		smin[c] = sat_add(smin[c], mn);
		smax[c] = sat_add(smax[c], mx);
	}
}

static void groups_flush(struct sum_groups *gs, const uint32_t *ca, const uint32_t *ce,
			 int ncols, int64_t *smin, int64_t *smax)
{
	for (int i = 0; i < gs->n; i++) {
		group_columns(&gs->g[i], ca, ce, ncols, smin, smax);
		free(gs->g[i].b);
	}
	gs->n = 0;
	memset(gs->slot, 0, sizeof(gs->slot));
}

static struct sum_group *group_of_row(struct sum_groups *gs, uint32_t first, uint32_t s0,
				      uint32_t next, uint32_t nbk, unsigned shift)
{
	uint64_t h = hash_u64(((uint64_t)first << 32 | s0) ^ ((uint64_t)next << 24) ^
			      ((uint64_t)nbk << 8) ^ shift);
	size_t mask = 2 * SUM_GROUPS - 1, j = (size_t)h & mask;
	struct sum_group *g;

	for (; gs->slot[j]; j = (j + 1) & mask) {
		g = &gs->g[gs->slot[j] - 1];
		if (g->first == first && g->s0 == s0 && g->next == next && g->nbk == nbk &&
		    g->shift == shift)
			return g;
	}
	if (gs->n == SUM_GROUPS)
		return NULL;
	g = &gs->g[gs->n];
	*g = (struct sum_group){ first, s0, next, nbk, shift, 0, NULL };
	g->b = xcalloc(nbk ? nbk : 1, sizeof(*g->b));
	gs->slot[j] = (uint16_t)++gs->n;
	return g;
}

static inline uint64_t varint_fast(const uint8_t *b, uint32_t *pos)
{
	if (!(b[*pos] & 0x80))
		return b[(*pos)++];
	return varint_get(b, pos);
}

/* Adds a trace's buckets to sum[], decoding them on the way (bucket_get()'s reading). */
static void trace_sum_into(const struct trace *s, struct sum_bucket *sum)
{
	const uint8_t *b = s->b;
	uint32_t pos = 0;
	int64_t last = 0;

	for (uint16_t i = 0; i < s->n; i++) {
		uint64_t u = varint_fast(b, &pos), d = u & 4 ? varint_get(b, &pos) : u >> 3;
		int64_t mn = (int64_t)((uint64_t)last + (uint64_t)zigzag_dec(d)), mx = mn;

		last = mn;
		if (u & 3) {
			mx = (int64_t)((uint64_t)mn + varint_fast(b, &pos));
			if ((u & 3) == 2)
				last = mx;
			else if ((u & 3) == 3)
				last = (int64_t)((uint64_t)mn + varint_fast(b, &pos));
		}
		sum[i].min = sat_add(sum[i].min, mn);
		sum[i].max = sat_add(sum[i].max, mx);
	}
	if (s->flags & TRACE_OPEN) {
		sum[s->n].min = sat_add(sum[s->n].min, s->omin);
		sum[s->n].max = sat_add(sum[s->n].max, s->omax);
	}
}

struct chart_sum {
	struct sum_groups gs;
	uint32_t *ca, *ce;          /* each column's first and last sample */
	int got;
	int64_t *cmin, *cmax;       /* the groups flushed so far */
};

struct chart_sum *model_chart_sum_begin(const struct model *m, uint32_t lo, uint32_t hi,
					int ncols)
{
	struct chart_sum *cs;
	uint32_t span;

	if (!m->nsamples || ncols <= 0)
		return NULL;
	if (hi > m->nsamples - 1)
		hi = m->nsamples - 1;
	if (hi < lo)
		return NULL;
	span = hi - lo + 1;
	cs = xcalloc(1, sizeof(*cs));
	cs->got = (uint32_t)ncols > span ? (int)span : ncols;
	cs->ca = xreallocarray(NULL, 2 * (size_t)cs->got, sizeof(*cs->ca));
	cs->ce = cs->ca + cs->got;
	cs->cmin = xcalloc(2 * (size_t)cs->got, sizeof(*cs->cmin));
	cs->cmax = cs->cmin + cs->got;
	for (int c = 0; c < cs->got; c++) {
		cs->ca[c] = lo + (uint32_t)((uint64_t)c * span / (uint32_t)cs->got);
		cs->ce[c] = lo + (uint32_t)((uint64_t)(c + 1) * span / (uint32_t)cs->got) - 1;
	}
	return cs;
}

void model_chart_sum_add(struct chart_sum *cs, const struct counter *const *s, size_t n)
{
	struct sum_groups *gs = &cs->gs;

	for (size_t i = 0; i < n; i++) {
		const struct trace *ser = s[i]->trace;
		uint32_t first = s[i]->first_seen, s0 = first, next = first, nbk = 0;
		unsigned shift = 0;
		struct sum_group *g;

		/* the rows' counters and traces are all over the heap: ask ahead */
		if (i + 8 < n)
			__builtin_prefetch(s[i + 8]);
		if (i + 4 < n && s[i + 4]->trace) {
			__builtin_prefetch(s[i + 4]->trace);
			__builtin_prefetch((const char *)s[i + 4]->trace + 64);
		}
		if (ser) {
			s0 = ser->s0;
			shift = ser->shift;
			next = ser->next;
			nbk = ser->n + !!(ser->flags & TRACE_OPEN);
		}
		g = group_of_row(gs, first, s0, next, nbk, shift);
		if (!g) {
			groups_flush(gs, cs->ca, cs->ce, cs->got, cs->cmin, cs->cmax);
			g = group_of_row(gs, first, s0, next, nbk, shift);
		}
		g->tail = sat_add(g->tail, s[i]->now);
		if (ser)
			trace_sum_into(ser, g->b);
	}
}

int model_chart_sum_end(struct chart_sum *cs, int64_t *cmin, int64_t *cmax)
{
	int got;

	if (!cs)
		return 0;
	got = cs->got;
	groups_flush(&cs->gs, cs->ca, cs->ce, got, cs->cmin, cs->cmax);
	if (cmin) {
		memcpy(cmin, cs->cmin, (size_t)got * sizeof(*cmin));
		memcpy(cmax, cs->cmax, (size_t)got * sizeof(*cmax));
	}
	free(cs->ca);
	free(cs->cmin);
	free(cs);
	return got;
}

int model_chart_sum(const struct model *m, const struct counter *const *s, size_t n,
		    uint32_t lo, uint32_t hi, int ncols, int64_t *cmin, int64_t *cmax)
{
	struct chart_sum *cs = model_chart_sum_begin(m, lo, hi, ncols);

	if (cs)
		model_chart_sum_add(cs, s, n);
	return model_chart_sum_end(cs, cmin, cmax);
}

int model_chart_total(const struct model *m, uint32_t lo, uint32_t hi, int ncols,
		      int64_t *cmin, int64_t *cmax)
{
	if (!m->nsamples || !m->total_trace)
		return 0;
	if (hi > m->nsamples - 1)
		hi = m->nsamples - 1;
	return columns(m->total_trace, 0, 0, lo, hi, ncols, cmin, cmax);
}

uint32_t model_chart_span(const struct model *m, const struct counter *s)
{
	const struct trace *t = s ? s->trace : m->total_trace;

	return t ? 1u << t->shift : 1;
}

size_t model_chart_bytes(const struct model *m)
{
	return m->trace_bytes + (m->total_trace ? trace_size(m->total_trace->cap) : 0);
}

/* ---- the same row in another model ---- */

static int same_frames(const struct model *m, const struct stack *a, const struct model *o,
		       const struct stack *b)
{
	if (a->nframes != b->nframes)
		return 0;
	for (unsigned i = 0; i < a->nframes; i++)
		if (strcmp(model_frame(m, a->frames[i]), model_frame(o, b->frames[i])) != 0)
			return 0;
	return 1;
}

const struct counter *model_same_row(const struct model *m, const struct model *other,
				     enum group_mode g, const struct stack *st, uint32_t label)
{
	if (g == GROUP_STACK) {
		if (!st)
			return NULL;
		if (st->handle) {
			uint32_t hh = handle_hash(st->handle);
			size_t mask = m->nslots_handles - 1, j = hh & mask;

			for (uint64_t e; (e = m->by_handle[j]); j = (j + 1) & mask) {
				const struct stack *t = stack_at(m, (uint32_t)e - 1);

				if ((uint32_t)(e >> 32) == hh && t->handle == st->handle)
					return &t->s;
			}
			return NULL;
		}
		for (size_t mask = m->nslots_frames - 1, j = st->hash & mask; m->by_frames[j];
		     j = (j + 1) & mask) {
			const struct stack *t = stack_at(m, (uint32_t)m->by_frames[j] - 1);

			if (t->hash == st->hash && !t->handle && same_frames(m, t, other, st))
				return &t->s;
		}
		return NULL;
	} else {
		const char *text = model_label(other, label);
		uint32_t id;

		groups_ready((struct model *)m); /* a cache of the first sample's, made late */
		id = strtab_find(m->labels, text, strlen(text));

		if (id == UINT32_MAX || id >= m->label2group_cap[g] || !m->label2group[g][id])
			return NULL;
		return &group_of(m, g, id)->s;
	}
}
