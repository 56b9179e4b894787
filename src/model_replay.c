/* model_replay.c - the series tape, replicas built from it, and a model's sample replayed
 * into a sink (model_replay.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "model_replay.h"
#include "util.h"

struct fcache {
	uint32_t len;
	uint64_t hash;     /* 0: not computed yet */
};

/* A stack as the tape keeps it: the model forgets stacks (model.h) that an earlier
 * sample still has. */
struct tdef {
	uint64_t handle;
	size_t frames;            /* its frame ids (of the from model) in fids */
	uint16_t nframes;
};

struct tslot {                    /* an id of the model: the tape's stack there */
	uint32_t tid;             /* + 1; 0: none */
	uint32_t first_seen;      /* of the stack: another one in the same id differs */
};

struct replay_tape {
	uint32_t n;               /* samples */
	size_t *off;              /* changes of sample k: off[k] .. off[k+1] */
	double *times;
	size_t cap;               /* of off (n + 1 used) and times */
	int time_abs;
	uint32_t *ids;            /* tape stack of each change */
	int64_t *cnts;            /* its new count */
	size_t nch, capch;
	struct tdef *defs;        /* the tape's stacks */
	int64_t *last;            /* their counts as of the last sample taken */
	size_t ndefs, capdefs;
	uint32_t *fids;
	size_t nfids, capfids;
	struct tslot *slots;      /* by id of the from model */
	size_t nslots;
	struct fcache *fc;        /* by frame id of the from model */
	size_t nfc;
};

struct replay_tape *replay_tape_new(void)
{
	struct replay_tape *tp = xcalloc(1, sizeof(*tp));

	tp->cap = 64;
	tp->off = xcalloc(tp->cap + 1, sizeof(size_t));
	tp->times = xcalloc(tp->cap, sizeof(double));
	return tp;
}

void replay_tape_free(struct replay_tape *tp)
{
	if (!tp)
		return;
	free(tp->off);
	free(tp->times);
	free(tp->ids);
	free(tp->cnts);
	free(tp->defs);
	free(tp->last);
	free(tp->fids);
	free(tp->slots);
	free(tp->fc);
	free(tp);
}

uint32_t replay_tape_nsamples(const struct replay_tape *tp)
{
	return tp->n;
}

size_t replay_tape_bytes(const struct replay_tape *tp)
{
	return sizeof(*tp) + tp->cap * (sizeof(size_t) + sizeof(double)) +
	       tp->capch * (sizeof(uint32_t) + sizeof(int64_t)) +
	       tp->capdefs * (sizeof(struct tdef) + sizeof(int64_t)) +
	       tp->capfids * sizeof(uint32_t) + tp->nslots * sizeof(struct tslot) +
	       tp->nfc * sizeof(struct fcache);
}

static void def_frames(struct replay_tape *tp, struct tdef *d, const struct stack *st)
{
	if (tp->nfids + st->nframes > tp->capfids) {
		while (tp->nfids + st->nframes > tp->capfids)
			tp->capfids = tp->capfids ? tp->capfids * 2 : 16384;
		tp->fids = xreallocarray(tp->fids, tp->capfids, sizeof(uint32_t));
	}
	memcpy(tp->fids + tp->nfids, st->frames, st->nframes * sizeof(uint32_t));
	d->frames = tp->nfids;
	d->nframes = st->nframes;
	tp->nfids += st->nframes;
}

static uint32_t def_new(struct replay_tape *tp, const struct stack *st)
{
	struct tdef *d;

	if (tp->ndefs == tp->capdefs) {
		tp->capdefs = tp->capdefs ? tp->capdefs * 2 : 1024;
		tp->defs = xreallocarray(tp->defs, tp->capdefs, sizeof(*tp->defs));
		tp->last = xreallocarray(tp->last, tp->capdefs, sizeof(int64_t));
	}
	d = &tp->defs[tp->ndefs];
	d->handle = st->handle;
	d->frames = 0;
	d->nframes = 0;
	if (st->nframes)
		def_frames(tp, d, st);
	tp->last[tp->ndefs] = 0;
	return (uint32_t)tp->ndefs++;
}

static void change(struct replay_tape *tp, uint32_t tid, int64_t v)
{
	if (tp->nch == tp->capch) {
		tp->capch = tp->capch ? tp->capch * 2 : 4096;
		tp->ids = xreallocarray(tp->ids, tp->capch, sizeof(uint32_t));
		tp->cnts = xreallocarray(tp->cnts, tp->capch, sizeof(int64_t));
	}
	tp->ids[tp->nch] = tid;
	tp->cnts[tp->nch] = v;
	tp->nch++;
	tp->last[tid] = v;
}

void replay_tape_add(struct replay_tape *tp, const struct model *m)
{
	size_t ns = model_nstacks(m);

	if (tp->n + 1 >= tp->cap) {
		tp->cap *= 2;
		tp->off = xreallocarray(tp->off, tp->cap + 1, sizeof(size_t));
		tp->times = xreallocarray(tp->times, tp->cap, sizeof(double));
	}
	if (ns > tp->nslots) {
		tp->slots = xreallocarray(tp->slots, ns, sizeof(*tp->slots));
		memset(tp->slots + tp->nslots, 0, (ns - tp->nslots) * sizeof(*tp->slots));
		tp->nslots = ns;
	}
	tp->times[tp->n] = model_sample_time(m);
	tp->time_abs = model_time_abs(m);
	for (size_t i = 0; i < ns; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		struct tslot *sl = &tp->slots[i];
		uint32_t tid;

		if (sl->tid && (!st || st->s.first_seen != sl->first_seen)) {
			/* forgotten (at 0 pages already), maybe another stack in its id */
			if (tp->last[sl->tid - 1])
				change(tp, sl->tid - 1, 0);
			sl->tid = 0;
		}
		if (!st)
			continue;
		if (!sl->tid) {
			sl->tid = def_new(tp, st) + 1;
			sl->first_seen = st->s.first_seen;
		}
		tid = sl->tid - 1;
		if (!tp->defs[tid].nframes && st->nframes)
			def_frames(tp, &tp->defs[tid], st); /* its frames came after a count */
		if (st->s.now != tp->last[tid])
			change(tp, tid, st->s.now);
	}
	tp->n++;
	tp->off[tp->n] = tp->nch;
}

void replay_init(struct replay *r, const char *const *alloc, size_t nalloc,
		  enum group_mode g)
{
	memset(r, 0, sizeof(*r));
	r->m = model_new();
	if (alloc)
		model_set_alloc_patterns(r->m, alloc, nalloc);
	model_want_group(r->m, g);
}

void replay_free(struct replay *r)
{
	if (r->m)
		model_free(r->m);
	free(r->cnt);
	free(r->nz);
	free(r->add);
	memset(r, 0, sizeof(*r));
}

static const struct fcache *frame_info(struct replay_tape *tp, const struct model *m, uint32_t id)
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

/* A stack of the from model (its handle, its frame ids) with a count, into a sink. */
static int feed_stack(const struct model *from, struct replay_tape *tp, uint64_t handle,
		      const uint32_t *frames, unsigned nframes, int64_t count,
		      const struct sink *sink, struct pt_err *err)
{
	struct frame_text ft[STACK_MAX_FRAMES];
	struct stack_rec rec = { 0 };
	unsigned nf = nframes < STACK_MAX_FRAMES ? nframes : STACK_MAX_FRAMES;

	if (!nf && handle)
		return sink->ops->count(sink->self, handle, (uint64_t)count, err);
	for (unsigned i = 0; i < nf; i++) {
		ft[i].s = model_frame(from, frames[i]);
		if (tp) {
			const struct fcache *fc = frame_info(tp, from, frames[i]);

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
	rec.handle = handle;
	rec.has_count = 1;
	rec.count = (uint64_t)count;
	return sink->ops->stack(sink->self, &rec, err);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The changes of sample j into the counts; the stacks with pages stay in the order of
 * the tape (the from model's ids, as long as it forgot nothing), so the replica gives
 * its stacks the ids the from model gave them. */
static void replica_apply(struct replay *r, const struct replay_tape *tp, uint32_t j)
{
	size_t k = 0, i, a;

	r->nadd = 0;
	for (size_t c = tp->off[j]; c < tp->off[j + 1]; c++) {
		uint32_t tid = tp->ids[c];

		if (r->cnt[tid] <= 0 && tp->cnts[c] > 0) {
			if (r->nadd == r->cadd) {
				r->cadd = r->cadd ? r->cadd * 2 : 1024;
				r->add = xreallocarray(r->add, r->cadd, sizeof(uint32_t));
			}
			r->add[r->nadd++] = tid;
		}
		r->cnt[tid] = tp->cnts[c];
	}
	for (i = 0; i < r->nnz; i++)
		if (r->cnt[r->nz[i]] > 0)
			r->nz[k++] = r->nz[i];
	r->nnz = k;
	if (!r->nadd)
		return;
	qsort(r->add, r->nadd, sizeof(uint32_t), cmp_u32);
	if (r->nnz + r->nadd > r->cnz) {
		r->cnz = r->nnz + r->nadd > r->cnz * 2 ? r->nnz + r->nadd : r->cnz * 2;
		r->nz = xreallocarray(r->nz, r->cnz, sizeof(uint32_t));
	}
	/* merge from the back */
	i = r->nnz;
	a = r->nadd;
	for (k = r->nnz + r->nadd; a > 0; k--) {
		if (i > 0 && r->nz[i - 1] > r->add[a - 1])
			r->nz[k - 1] = r->nz[--i];
		else
			r->nz[k - 1] = r->add[--a];
	}
	r->nnz += r->nadd;
}

int replay_advance(struct replay *r, struct replay_tape *tp, const struct model *from,
		    uint32_t k, uint32_t baseline, struct pt_err *err)
{
	struct sink sink = model_sink(r->m);

	if (k >= tp->n) {
		pt_err_set(err, "%s", _("no such sample"));
		return -1;
	}
	if (tp->ndefs > r->ncnt) {
		r->cnt = xreallocarray(r->cnt, tp->ndefs, sizeof(int64_t));
		memset(r->cnt + r->ncnt, 0, (tp->ndefs - r->ncnt) * sizeof(int64_t));
		r->ncnt = tp->ndefs;
	}
	for (; r->next <= k; r->next++) {
		uint32_t j = r->next;
		struct sample_info si;

		replica_apply(r, tp, j);
		if (j == 0 && sink.ops->meta(sink.self, model_meta(from), err) < 0)
			return -1;
		si.time = tp->times[j];
		si.time_abs = tp->time_abs;
		si.seq = j;
		if (sink.ops->begin(sink.self, &si, err) < 0)
			return -1;
		for (size_t i = 0; i < r->nnz; i++) {
			const struct tdef *d = &tp->defs[r->nz[i]];

			if (feed_stack(from, tp, d->handle, tp->fids + d->frames, d->nframes,
				       r->cnt[r->nz[i]], &sink, err) < 0)
				return -1;
		}
		if (sink.ops->end(sink.self, err) < 0)
			return -1;
		if (baseline > 0 && j == baseline)
			model_set_baseline(r->m);
	}
	return 0;
}

int model_replay_sample(const struct model *m, const struct sink *sink, int with_meta,
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

		if (st && st->s.now > 0 &&
		    feed_stack(m, NULL, st->handle, st->frames, st->nframes, st->s.now, sink,
			       err) < 0)
			return -1;
	}
	return sink->ops->end(sink->self, err);
}
