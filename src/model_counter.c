/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_counter.c - a count over the samples (struct counter): the history of its
 * changes (kept short, as varints), its values for sparklines, and the leak score
 * (doc/score.md). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

/* The history of a counter: its value v0 at sample s0, then one entry per change up to
 * last_changed, each a varint (LEB128): odd u, the next sample changed by the zigzag
 * number u >> 1; even u >= 2, the next u >> 1 samples did not change; 0 opens an escape,
 * "0, zigzag, 0", for a change too large for the odd form. A sample before s0 (and from
 * first_seen on) has v0. Entries older than the window are folded into s0 and v0 when
 * the buffer is full. A varint ends in its only byte below 0x80, so the entries read
 * backwards too: the score and the trend want the newest samples. Most stacks change in
 * few samples: a few bytes each, instead of a counter per sample. */
struct counter_hist {
	uint32_t len, cap;        /* bytes of b */
	uint32_t s0;
	int64_t v0;
	uint8_t b[];
};

#define HIST_MIN 16

static unsigned uv_len(uint64_t u)
{
	unsigned n = 1;

	while (u >= 0x80) {
		u >>= 7;
		n++;
	}
	return n;
}

/* The varint that ends at *pos, read backwards from its last (highest) group; *pos
 * becomes its start. */
static inline uint64_t uv_back(const uint8_t *p, uint32_t *pos)
{
	uint32_t i = *pos - 1;
	uint64_t u = p[i];

	while (i > 0 && (p[i - 1] & 0x80))
		u = (u << 7) | (p[--i] & 0x7f);
	*pos = i;
	return u;
}

/* One entry, read forwards (at *pos) or backwards (ending at *pos): the samples it moves
 * over and the change at its last one (0 for a run). */
static uint32_t hist_next(const struct counter_hist *h, uint32_t *pos, int64_t *d)
{
	uint64_t u = varint_get(h->b, pos);

	if (!u) {
		*d = zigzag_dec(varint_get(h->b, pos));
		varint_get(h->b, pos);
		return 1;
	}
	*d = u & 1 ? zigzag_dec(u >> 1) : 0;
	return u & 1 ? 1 : (uint32_t)(u >> 1);
}

static inline uint32_t hist_prev(const struct counter_hist *h, uint32_t *pos, int64_t *d)
{
	uint64_t u = uv_back(h->b, pos);

	if (__builtin_expect(!u, 0)) {
		*d = zigzag_dec(uv_back(h->b, pos));
		uv_back(h->b, pos);
		return 1;
	}
	*d = u & 1 ? zigzag_dec(u >> 1) : 0;
	return u & 1 ? 1 : (uint32_t)(u >> 1);
}

static size_t hist_size(uint32_t cap)
{
	return (sizeof(struct counter_hist) + cap + 7) & ~(size_t)7;
}

static struct counter_hist *hist_new(struct model *m, uint32_t s0, int64_t v0)
{
	struct counter_hist *h = xmalloc(hist_size(HIST_MIN));

	h->len = 0;
	h->cap = HIST_MIN;
	h->s0 = s0;
	h->v0 = v0;
	m->hist_bytes += hist_size(h->cap);
	return h;
}

void counter_hist_free(struct model *m, struct counter *s)
{
	trace_free(m, &s->trace);
	if (s->hist) {
		m->hist_bytes -= hist_size(s->hist->cap);
		free(s->hist);
		s->hist = NULL;
	}
}

/* Folds the entries up to sample t into s0 and v0. */
static void hist_fold(struct counter_hist *h, uint32_t t)
{
	uint32_t p = 0, s0 = h->s0;
	int64_t v0 = h->v0;

	while (p < h->len && s0 < t) {
		uint32_t q = p, end;
		int64_t d;
		uint32_t n = hist_next(h, &q, &d);

		if (s0 + n <= t) {
			s0 += n;
			v0 += d;
			p = q;
			continue;
		}
		/* a run that goes past t: what is left of it ends where it ended */
		end = q;
		n -= t - s0;
		s0 = t;
		p = end - uv_len((uint64_t)n << 1);
		varint_put(h->b + p, (uint64_t)n << 1);
		break;
	}
	memmove(h->b, h->b + p, h->len - p);
	h->len -= p;
	h->s0 = s0;
	h->v0 = v0;
}

/* The counter changed by d at sample k; its last entry ended at sample last. */
static void hist_add(struct model *m, struct counter *s, uint32_t last, uint32_t k, int64_t d)
{
	struct counter_hist *h = s->hist;
	uint8_t e[32];
	unsigned n = 0;
	uint64_t z = zigzag_enc(d);

	if (k - last > 1)
		n += varint_put(e, (uint64_t)(k - last - 1) << 1);
	if (z >> 62) {
		e[n++] = 0;
		n += varint_put(e + n, z);
		e[n++] = 0;
	} else {
		n += varint_put(e + n, (z << 1) | 1);
	}
	if (h->len + n > h->cap) {
		/* full: first drop what no window looks at any more */
		if (k >= MODEL_HISTORY)
			hist_fold(h, k - MODEL_HISTORY + 1);
		if (h->len + n > h->cap || (h->cap > HIST_MIN && (h->len + n) * 4 < h->cap)) {
			uint32_t cap = h->len + n > h->cap ? h->cap * 2 : h->cap / 2;

			while (cap < h->len + n)
				cap *= 2;
			m->hist_bytes -= hist_size(h->cap);
			h = s->hist = xrealloc(h, hist_size(cap));
			h->cap = cap;
			m->hist_bytes += hist_size(cap);
		}
	}
	memcpy(h->b + h->len, e, n);
	h->len += n;
}

/* Values of samples lo..k (k the current sample, lo within its history window) into
 * out[0..k-lo], read from the newest back. */
static void counter_fill(const struct counter *s, uint32_t lo, uint32_t k, int64_t *out)
{
	const struct counter_hist *h = s->hist;
	int64_t j = k, v = s->now, early;
	uint32_t pos, p;

	for (; j >= lo && j > s->last_changed; j--)
		out[j - lo] = v;
	if (!h) {
		for (; j >= lo; j--)
			out[j - lo] = j >= s->first_seen ? s->first_value : 0;
		return;
	}
	/* the value at sample pos is v, and the entries before p end there */
	pos = s->last_changed;
	p = h->len;
	while (j >= lo && p > 0) {
		int64_t d;
		uint32_t n = hist_prev(h, &p, &d);

		for (uint32_t i = 0; i < n && j >= lo; i++, j--)
			out[j - lo] = v;
		pos -= n;
		v -= d;
	}
	(void)pos;
	early = h->v0;
	for (; j >= lo; j--)
		out[j - lo] = j >= s->first_seen ? early : 0;
}

double model_score(const struct counter *s)
{
	return s->score;
}

/* The leak score (doc/score.md): over the last SCORE_WINDOW intervals,
 *   share of intervals that did not shrink
 * x damping of growth that came in one jump (0.1 for a single jump, near 1 when spread)
 * x magnitude of the net growth (log scale, 1 at 4096 pages)
 * x evidence (the number of intervals seen, full at 8).
 * Only the changes in the window matter: they are read from the newest back. */
/* *until: the last sample the score holds for while the count stays as it is: until the
 * window's oldest change leaves it; while the window still grows, a score above 0 only
 * for this one when the window's length weighs it (shrinking intervals, or evidence
 * short of full). */
static double counter_score(const struct counter *s, uint32_t k, uint32_t *until)
{
	const struct counter_hist *h = s->hist;
	uint32_t from, n, down = 0, pos, p, oldest = UINT32_MAX;
	int64_t sumpos = 0, maxinc = 0, net = 0;
	double nonshrink, spread, magnitude, evidence;

	*until = UINT32_MAX;
	if (!h || k - s->last_changed > SCORE_WINDOW)
		return 0;
	from = k >= SCORE_WINDOW ? k - SCORE_WINDOW : 0;
	if (from < s->first_seen)
		from = s->first_seen;
	if (k - from >= MODEL_HISTORY)
		from = k - MODEL_HISTORY + 1;
	n = k - from;
	if (n == 0) {
		*until = k;
		return 0;
	}
	/* the intervals after last_changed, and before s0, did not change */
	pos = s->last_changed;
	p = h->len;
	while (pos > from && p > 0) {
		int64_t d;
		uint32_t at = pos;

		pos -= hist_prev(h, &p, &d);
		if (d)
			oldest = at;
		if (d > 0) {
			sumpos = sat_add(sumpos, d);
			if (d > maxinc)
				maxinc = d;
		} else if (d < 0) {
			down++;
		}
		net += d;
	}
	if (oldest != UINT32_MAX)
		*until = oldest + SCORE_WINDOW - 1;
	if (net <= 0)
		return 0;
	if (n < SCORE_WINDOW && (down || n < 8))
		*until = k;
	nonshrink = (double)(n - down) / n;
	spread = sumpos > 0 ? 1.0 - (double)maxinc / (double)sumpos : 0;
	magnitude = log2(1.0 + (double)net) / 12.0;
	if (magnitude > 1)
		magnitude = 1;
	evidence = n >= 8 ? 1.0 : n / 8.0;
	return nonshrink * (0.1 + 0.9 * spread) * magnitude * evidence;
}

void counter_push(struct model *m, struct counter *s, uint32_t k, double dt, int64_t v)
{
	int was_new = s->first_seen == k;
	int64_t old = s->now;
	uint32_t last = s->last_changed;

	if (!was_new && v == old) {
		/* the count stays: its history, trace and peak too, the score while it holds */
		s->delta = 0;
		s->delta_base = old - s->base;
		s->rate = 0;
		if (v > s->peak)
			s->peak = v;
		if (k > s->score_until)
			s->score = counter_score(s, k, &s->score_until);
		return;
	}
	s->delta = k == 0 ? 0 : was_new ? v : v - old;
	s->now = v;
	s->delta_base = s->now - s->base;
	s->rate = dt > 0 ? (double)s->delta / dt : 0;
	if (v > s->peak)
		s->peak = v;
	if (was_new) {
		s->first_value = v;
		if (k == 0)
			s->base = v; /* the first sample is the default baseline */
		s->delta_base = s->now - s->base;
		s->last_changed = k;
		if (k > 0 && v != 0)
			s->hist = hist_new(m, k, v); /* it had 0 before: a change */
	} else if (s->delta != 0) {
		/* the whole series: from the first sample, kept once it changes */
		if (!s->trace)
			s->trace = trace_new(m, s->first_seen, TRACE_ROW_BUCKETS);
		trace_add(m, &s->trace, k - 1, old); /* none when k - 1 is in */
		trace_add(m, &s->trace, k, v);
		s->last_changed = k;
		if (!s->hist) {
			/* constant until now: the samples before k in the window have old */
			s->hist = hist_new(m, k - 1, old);
			last = k - 1;
		}
		hist_add(m, s, last, k, v - old);
	}
	s->score = counter_score(s, k, &s->score_until);
}

int model_history_at(const struct model *m, const struct counter *s, uint32_t k, int64_t *out,
		     int n)
{
	uint32_t have;
	int cnt;

	if (!m->nsamples || n <= 0)
		return 0;
	if (k > m->nsamples - 1)
		k = m->nsamples - 1;
	have = k + 1 < MODEL_HISTORY ? k + 1 : MODEL_HISTORY;
	cnt = (uint32_t)n < have ? n : (int)have;
	counter_fill(s, k - (uint32_t)(cnt - 1), k, out);
	return cnt;
}

int model_history(const struct model *m, const struct counter *s, int64_t *out, int n)
{
	return model_history_at(m, s, m->nsamples ? m->nsamples - 1 : 0, out, n);
}

size_t model_counter_copy_size(const struct counter *s)
{
	return s->hist ? hist_size(s->hist->len) : 0;
}

void model_counter_copy(struct counter *dst, const struct counter *s, void *mem)
{
	*dst = *s;
	dst->trace = NULL; /* the live one's: charts read the master */
	if (s->hist) {
		dst->hist = mem;
		memcpy(dst->hist, s->hist, sizeof(*s->hist) + s->hist->len);
		dst->hist->cap = s->hist->len;
	}
}
