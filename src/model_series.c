/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_series.c - a count over the whole series, downsampled (struct trace): for the
 * charts, every sample since the first, in bounded memory.
 *
 * A series keeps at most nb buckets, each the smallest, largest and last value of a
 * span of 2^shift samples from s0; when the last one fills up, neighbours merge in pairs
 * and the span doubles. The buckets before the one being filled are varints (LEB128) of
 * their differences, min from the last bucket's last, then max - min and last - min: a
 * quiet stack takes three bytes a bucket. Differences wrap as unsigned 64-bit numbers,
 * so any two counts round-trip. Counters feed it only when they change (runs of equal
 * samples take one call), so the stacks that never change cost nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model_int.h"

struct trace {
	uint32_t s0;              /* the first sample */
	uint32_t next;            /* samples before it are in */
	uint32_t len, cap;        /* bytes of b */
	uint16_t nb;              /* buckets at most (even) */
	uint16_t n;               /* closed buckets, in b */
	uint8_t shift;            /* a bucket spans 2^shift samples */
	uint8_t open;             /* the open bucket (number n) has samples */
	int64_t omin, omax, olast; /* the open bucket */
	int64_t plast;            /* the last value of closed bucket n - 1 */
	uint8_t b[];
};

static size_t trace_size(uint32_t cap)
{
	return (sizeof(struct trace) + cap + 7) & ~(size_t)7;
}

static inline uint64_t zz(int64_t d)
{
	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static inline int64_t unzz(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static unsigned put(uint8_t *p, uint64_t u)
{
	unsigned n = 0;

	while (u >= 0x80) {
		p[n++] = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	p[n++] = (uint8_t)u;
	return n;
}

static uint64_t get(const uint8_t *p, uint32_t *pos)
{
	uint64_t u = 0;
	unsigned sh = 0;
	uint32_t i = *pos;

	while (p[i] & 0x80) {
		u |= (uint64_t)(p[i++] & 0x7f) << sh;
		sh += 7;
	}
	u |= (uint64_t)p[i++] << sh;
	*pos = i;
	return u;
}

struct trace *trace_new(size_t *bytes, uint32_t s0, uint16_t nb)
{
	uint32_t cap = 16;
	struct trace *s = xmalloc(trace_size(cap));

	memset(s, 0, sizeof(*s));
	s->s0 = s->next = s0;
	s->cap = cap;
	s->nb = nb;
	*bytes += trace_size(cap);
	return s;
}

void trace_free(size_t *bytes, struct trace **sp)
{
	if (*sp) {
		*bytes -= trace_size((*sp)->cap);
		free(*sp);
		*sp = NULL;
	}
}

/* Decodes the closed buckets into out[0..n-1]. */
static void decode(const struct trace *s, struct trace_bucket *out)
{
	uint32_t pos = 0;
	int64_t last = 0;

	for (uint16_t i = 0; i < s->n; i++) {
		int64_t mn = (int64_t)((uint64_t)last + (uint64_t)unzz(get(s->b, &pos)));

		out[i].min = mn;
		out[i].max = (int64_t)((uint64_t)mn + get(s->b, &pos));
		out[i].last = last = (int64_t)((uint64_t)mn + get(s->b, &pos));
	}
}

/* Appends a closed bucket (room for it was made). */
static void encode(struct trace *s, int64_t mn, int64_t mx, int64_t last)
{
	s->len += put(s->b + s->len, zz((int64_t)((uint64_t)mn - (uint64_t)s->plast)));
	s->len += put(s->b + s->len, (uint64_t)mx - (uint64_t)mn);
	s->len += put(s->b + s->len, (uint64_t)last - (uint64_t)mn);
	s->plast = last;
	s->n++;
}

/* Room for need more bytes: a buffer grows by half (most rows are small and stay so). */
static struct trace *reserve(size_t *bytes, struct trace *s, uint32_t need)
{
	uint32_t cap = s->cap;

	if (s->len + need <= cap)
		return s;
	while (cap < s->len + need)
		cap += ((cap / 2) + 15) & ~15u;
	*bytes -= trace_size(s->cap);
	s = xrealloc(s, trace_size(cap));
	s->cap = cap;
	*bytes += trace_size(cap);
	return s;
}

/* Every closed bucket full: neighbours merge, the span doubles. */
static struct trace *merge(size_t *bytes, struct trace *s)
{
	struct trace_bucket *t = xreallocarray(NULL, s->n, sizeof(*t));
	uint16_t n = s->n;

	decode(s, t);
	s->len = 0;
	s->n = 0;
	s->plast = 0;
	for (uint16_t i = 0; i + 1 < n; i += 2)
		encode(s, t[i].min < t[i + 1].min ? t[i].min : t[i + 1].min,
		       t[i].max > t[i + 1].max ? t[i].max : t[i + 1].max, t[i + 1].last);
	s->shift++;
	free(t);
	if (s->cap > 64 && s->len * 2 < s->cap) {
		uint32_t cap = (s->len * 5 / 4 + 30 + 15) & ~15u;

		*bytes -= trace_size(s->cap);
		s = xrealloc(s, trace_size(cap));
		s->cap = cap;
		*bytes += trace_size(cap);
	}
	return s;
}

void trace_add(size_t *bytes, struct trace **sp, uint32_t to, int64_t v)
{
	struct trace *s = *sp;

	while (s->next <= to) {
		uint32_t end = s->s0 + ((uint32_t)(s->n + 1) << s->shift) - 1;

		if (!s->open) {
			s->omin = s->omax = s->olast = v;
			s->open = 1;
		} else {
			if (v < s->omin)
				s->omin = v;
			if (v > s->omax)
				s->omax = v;
			s->olast = v;
		}
		if (to < end) {
			s->next = to + 1;
			break;
		}
		s->next = end + 1;
		s = reserve(bytes, s, 30);
		encode(s, s->omin, s->omax, s->olast);
		s->open = 0;
		if (s->n == s->nb)
			s = merge(bytes, s);
	}
	*sp = s;
}

uint32_t trace_buckets(const struct trace *s, struct trace_bucket *out, uint32_t *s0,
			unsigned *shift, uint32_t *next)
{
	decode(s, out);
	if (s->open) {
		out[s->n].min = s->omin;
		out[s->n].max = s->omax;
		out[s->n].last = s->olast;
	}
	*s0 = s->s0;
	*shift = s->shift;
	*next = s->next;
	return s->n + s->open;
}

uint16_t trace_nb(const struct trace *s)
{
	return s->nb;
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

int model_chart_total(const struct model *m, uint32_t lo, uint32_t hi, int ncols,
		      int64_t *cmin, int64_t *cmax)
{
	if (!m->nsamples || !m->total_trace)
		return 0;
	if (hi > m->nsamples - 1)
		hi = m->nsamples - 1;
	return columns(m->total_trace, 0, 0, lo, hi, ncols, cmin, cmax);
}

size_t model_chart_bytes(const struct model *m)
{
	return m->trace_bytes;
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
			size_t mask = m->nslots_handles - 1, j = hash_u64(st->handle) & mask;

			for (; m->by_handle[j].handle; j = (j + 1) & mask)
				if (m->by_handle[j].handle == st->handle)
					return &stack_at(m, m->by_handle[j].id)->s;
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
		uint32_t id = strtab_find(m->labels, text, strlen(text));

		if (id == UINT32_MAX || id >= m->label2group_cap[g] || !m->label2group[g][id])
			return NULL;
		return &group_of(m, g, id)->s;
	}
}
