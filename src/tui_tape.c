/* tui_tape.c - the series tape, replicas built from it, and a model's sample replayed
 * into a sink (tui_tape.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tui_tape.h"
#include "util.h"

struct fcache {
	uint32_t len;
	uint64_t hash;     /* 0: not computed yet */
};

struct tape {
	uint32_t n;               /* samples */
	size_t *off;              /* changes of sample k: off[k] .. off[k+1] */
	double *times;
	size_t cap;               /* of off (n + 1 used) and times */
	int time_abs;
	uint32_t *ids;            /* stack id of each change */
	int64_t *cnts;            /* its new count */
	size_t nch, capch;
	int64_t *last;            /* counts as of the last sample taken */
	size_t nlast;
	struct fcache *fc;        /* by frame id of the from model */
	size_t nfc;
};

struct tape *tape_new(void)
{
	struct tape *tp = xcalloc(1, sizeof(*tp));

	tp->cap = 64;
	tp->off = xcalloc(tp->cap + 1, sizeof(size_t));
	tp->times = xcalloc(tp->cap, sizeof(double));
	return tp;
}

void tape_free(struct tape *tp)
{
	if (!tp)
		return;
	free(tp->off);
	free(tp->times);
	free(tp->ids);
	free(tp->cnts);
	free(tp->last);
	free(tp->fc);
	free(tp);
}

uint32_t tape_nsamples(const struct tape *tp)
{
	return tp->n;
}

size_t tape_bytes(const struct tape *tp)
{
	return sizeof(*tp) + tp->cap * (sizeof(size_t) + sizeof(double)) +
	       tp->capch * (sizeof(uint32_t) + sizeof(int64_t)) + tp->nlast * sizeof(int64_t) +
	       tp->nfc * sizeof(struct fcache);
}

void tape_add(struct tape *tp, const struct model *m)
{
	size_t ns = model_nstacks(m);

	if (tp->n + 1 >= tp->cap) {
		tp->cap *= 2;
		tp->off = xreallocarray(tp->off, tp->cap + 1, sizeof(size_t));
		tp->times = xreallocarray(tp->times, tp->cap, sizeof(double));
	}
	if (ns > tp->nlast) {
		tp->last = xreallocarray(tp->last, ns, sizeof(int64_t));
		memset(tp->last + tp->nlast, 0, (ns - tp->nlast) * sizeof(int64_t));
		tp->nlast = ns;
	}
	tp->times[tp->n] = model_sample_time(m);
	tp->time_abs = model_time_abs(m);
	for (size_t i = 0; i < ns; i++) {
		int64_t v = model_stack(m, (uint32_t)i)->s.now;

		if (v == tp->last[i])
			continue;
		if (tp->nch == tp->capch) {
			tp->capch = tp->capch ? tp->capch * 2 : 4096;
			tp->ids = xreallocarray(tp->ids, tp->capch, sizeof(uint32_t));
			tp->cnts = xreallocarray(tp->cnts, tp->capch, sizeof(int64_t));
		}
		tp->ids[tp->nch] = (uint32_t)i;
		tp->cnts[tp->nch] = v;
		tp->nch++;
		tp->last[i] = v;
	}
	tp->n++;
	tp->off[tp->n] = tp->nch;
}

void replica_init(struct replica *r, const char *const *alloc, size_t nalloc,
		  enum group_mode g)
{
	memset(r, 0, sizeof(*r));
	r->m = model_new();
	if (alloc)
		model_set_alloc_patterns(r->m, alloc, nalloc);
	model_want_group(r->m, g);
}

void replica_free(struct replica *r)
{
	if (r->m)
		model_free(r->m);
	free(r->cnt);
	memset(r, 0, sizeof(*r));
}

static const struct fcache *frame_info(struct tape *tp, const struct model *m, uint32_t id)
{
	tp->fc = xgrow_zeroed(tp->fc, &tp->nfc, id, sizeof(*tp->fc));
	if (!tp->fc[id].hash) {
		const char *s = model_frame(m, id);
		size_t len = strlen(s);

		tp->fc[id].len = (uint32_t)len;
		tp->fc[id].hash = hash_bytes(s, len, 0);
		if (!tp->fc[id].hash)
			tp->fc[id].hash = 1; /* a hash the model recomputes; only a cache key */
	}
	return &tp->fc[id];
}

/* One stack of the from model with a count, into a sink. */
static int feed_stack(const struct model *from, struct tape *tp, const struct stack *st,
		      int64_t count, const struct sink *sink, struct pt_err *err)
{
	struct frame_text ft[STACK_MAX_FRAMES];
	struct stack_rec rec = { 0 };
	unsigned nf = st->nframes < STACK_MAX_FRAMES ? st->nframes : STACK_MAX_FRAMES;

	if (!nf && st->handle)
		return sink->ops->count(sink->self, st->handle, (uint64_t)count, err);
	for (unsigned i = 0; i < nf; i++) {
		ft[i].s = model_frame(from, st->frames[i]);
		if (tp) {
			const struct fcache *fc = frame_info(tp, from, st->frames[i]);

			ft[i].len = fc->len;
			ft[i].hash = fc->hash == 1 ? 0 : fc->hash;
		} else {
			ft[i].len = (uint32_t)strlen(ft[i].s);
			ft[i].hash = 0;
		}
	}
	memset(&rec, 0, sizeof(rec));
	rec.frames = ft;
	rec.nframes = nf;
	rec.handle = st->handle;
	rec.has_count = 1;
	rec.count = (uint64_t)count;
	return sink->ops->stack(sink->self, &rec, err);
}

int replica_advance(struct replica *r, struct tape *tp, const struct model *from,
		    uint32_t k, uint32_t baseline, struct pt_err *err)
{
	struct sink sink = model_sink(r->m);

	if (k >= tp->n) {
		pt_err_set(err, "%s", _("no such sample"));
		return -1;
	}
	if (tp->nlast > r->ncnt) {
		r->cnt = xreallocarray(r->cnt, tp->nlast, sizeof(int64_t));
		memset(r->cnt + r->ncnt, 0, (tp->nlast - r->ncnt) * sizeof(int64_t));
		r->ncnt = tp->nlast;
	}
	for (; r->next <= k; r->next++) {
		uint32_t j = r->next;
		struct sample_info si;

		for (size_t c = tp->off[j]; c < tp->off[j + 1]; c++)
			r->cnt[tp->ids[c]] = tp->cnts[c];
		if (j == 0 && sink.ops->meta(sink.self, model_meta(from), err) < 0)
			return -1;
		si.time = tp->times[j];
		si.time_abs = tp->time_abs;
		si.seq = j;
		if (sink.ops->begin(sink.self, &si, err) < 0)
			return -1;
		for (size_t i = 0; i < r->ncnt; i++) {
			if (r->cnt[i] <= 0)
				continue;
			if (feed_stack(from, tp, model_stack(from, (uint32_t)i), r->cnt[i], &sink,
				       err) < 0)
				return -1;
		}
		if (sink.ops->end(sink.self, err) < 0)
			return -1;
		if (baseline > 0 && j == baseline)
			model_set_baseline(r->m);
	}
	return 0;
}

int model_sample_to_sink(const struct model *m, const struct sink *sink, int with_meta,
			 struct pt_err *err)
{
	struct sample_info si;
	size_t ns = model_nstacks(m);

	if (!model_nsamples(m))
		return 0;
	if (with_meta && sink->ops->meta(sink->self, model_meta(m), err) < 0)
		return -1;
	si.time = model_sample_time(m);
	si.time_abs = model_time_abs(m);
	si.seq = model_nsamples(m) - 1;
	if (sink->ops->begin(sink->self, &si, err) < 0)
		return -1;
	for (size_t i = 0; i < ns; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		if (st->s.now > 0 && feed_stack(m, NULL, st, st->s.now, sink, err) < 0)
			return -1;
	}
	return sink->ops->end(sink->self, err);
}
