/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_replay.c - the series tape, replays built from it, and a model's sample replayed
 * into a sink (model_replay.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model_replay.h"
#include "parse.h"
#include "util.h"

/* A frame of the from model as a sink takes it. */
struct tape_frame {
	uint32_t len;
	uint64_t hash;            /* 0: not computed yet */
};

/* A stack as the tape keeps it: the model forgets stacks (model.h) that an earlier
 * sample still has. */
struct tape_stack {
	uint64_t handle;
	size_t frames;            /* its frame ids (of the from model) in frame_ids */
	uint16_t nframes;
};

struct tape_slot {                /* an id of the model: the tape's stack there */
	uint32_t tape_id;         /* + 1; 0: none */
	uint32_t first_seen;      /* of the stack: another one in the same id differs */
};

struct replay_tape {
	uint32_t n;               /* samples */
	size_t *off;              /* changes of sample k: off[k] .. off[k+1] */
	double *times;
	size_t cap;               /* of off (n + 1 used) and times */
	int time_abs;
	uint32_t *change_stack;   /* the tape stack of each change */
	int64_t *change_count;    /* its new count */
	size_t nchanges, cap_changes;
	struct tape_stack *stacks; /* the tape's stacks */
	int64_t *last;            /* their counts as of the last sample taken */
	size_t nstacks, cap_stacks;
	uint32_t *frame_ids;      /* the stacks' frame ids, back to back */
	size_t nframe_ids, cap_frame_ids;
	struct tape_slot *slots;  /* by id of the from model */
	size_t nslots;
	struct tape_frame *frames; /* by frame id of the from model */
	size_t nframes;
	uint64_t keyspace;        /* fed with keys: frame ids + 1, tape ids + 1 (sink.h) */
};

struct replay_tape *replay_tape_new(void)
{
	struct replay_tape *tp = xcalloc(1, sizeof(*tp));

	tp->cap = 64;
	tp->off = xcalloc(tp->cap + 1, sizeof(size_t));
	tp->times = xcalloc(tp->cap, sizeof(double));
	tp->keyspace = keyspace_new();
	return tp;
}

void replay_tape_free(struct replay_tape *tp)
{
	if (!tp)
		return;
	free(tp->off);
	free(tp->times);
	free(tp->change_stack);
	free(tp->change_count);
	free(tp->stacks);
	free(tp->last);
	free(tp->frame_ids);
	free(tp->slots);
	free(tp->frames);
	free(tp);
}

size_t replay_tape_bytes(const struct replay_tape *tp)
{
	return sizeof(*tp) + tp->cap * (sizeof(size_t) + sizeof(double)) +
	       tp->cap_changes * (sizeof(uint32_t) + sizeof(int64_t)) +
	       tp->cap_stacks * (sizeof(struct tape_stack) + sizeof(int64_t)) +
	       tp->cap_frame_ids * sizeof(uint32_t) + tp->nslots * sizeof(struct tape_slot) +
	       tp->nframes * sizeof(struct tape_frame);
}

static void tape_stack_frames(struct replay_tape *tp, struct tape_stack *ts,
			      const struct stack *st)
{
	if (tp->nframe_ids + st->nframes > tp->cap_frame_ids) {
		while (tp->nframe_ids + st->nframes > tp->cap_frame_ids)
			tp->cap_frame_ids = tp->cap_frame_ids ? tp->cap_frame_ids * 2 : 16384;
		tp->frame_ids = xreallocarray(tp->frame_ids, tp->cap_frame_ids, sizeof(uint32_t));
	}
	memcpy(tp->frame_ids + tp->nframe_ids, st->frames, st->nframes * sizeof(uint32_t));
	ts->frames = tp->nframe_ids;
	ts->nframes = st->nframes;
	tp->nframe_ids += st->nframes;
}

static uint32_t tape_stack_new(struct replay_tape *tp, const struct stack *st)
{
	struct tape_stack *ts;

	if (tp->nstacks == tp->cap_stacks) {
		tp->cap_stacks = tp->cap_stacks ? tp->cap_stacks * 2 : 1024;
		tp->stacks = xreallocarray(tp->stacks, tp->cap_stacks, sizeof(*tp->stacks));
		tp->last = xreallocarray(tp->last, tp->cap_stacks, sizeof(int64_t));
	}
	ts = &tp->stacks[tp->nstacks];
	ts->handle = st->handle;
	ts->frames = 0;
	ts->nframes = 0;
	if (st->nframes)
		tape_stack_frames(tp, ts, st);
	tp->last[tp->nstacks] = 0;
	return (uint32_t)tp->nstacks++;
}

static void tape_change(struct replay_tape *tp, uint32_t tape_id, int64_t v)
{
	if (tp->nchanges == tp->cap_changes) {
		tp->cap_changes = tp->cap_changes ? tp->cap_changes * 2 : 4096;
		tp->change_stack = xreallocarray(tp->change_stack, tp->cap_changes, sizeof(uint32_t));
		tp->change_count = xreallocarray(tp->change_count, tp->cap_changes, sizeof(int64_t));
	}
	tp->change_stack[tp->nchanges] = tape_id;
	tp->change_count[tp->nchanges] = v;
	tp->nchanges++;
	tp->last[tape_id] = v;
}

/* After a sample of changes only, the stacks the model looked at are all that may have
 * changed (model_changed()). */
void replay_tape_add(struct replay_tape *tp, const struct model *m)
{
	size_t ns = model_nstacks(m), nids;
	const uint32_t *ids;

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
	nids = model_changed(m, &ids);
	if (tp->n + 1 != model_nsamples(m))
		nids = SIZE_MAX; /* the tape missed a sample */
	for (size_t j = 0; j < (nids == SIZE_MAX ? ns : nids); j++) {
		size_t i = nids == SIZE_MAX ? j : ids[j];
		const struct stack *st = model_stack(m, (uint32_t)i);
		struct tape_slot *sl = &tp->slots[i];
		uint32_t tape_id;

		if (sl->tape_id && (!st || st->s.first_seen != sl->first_seen)) {
			/* forgotten (at 0 pages already), maybe another stack in its id */
			if (tp->last[sl->tape_id - 1])
				tape_change(tp, sl->tape_id - 1, 0);
			sl->tape_id = 0;
		}
		if (!st)
			continue;
		if (!sl->tape_id) {
			sl->tape_id = tape_stack_new(tp, st) + 1;
			sl->first_seen = st->s.first_seen;
		}
		tape_id = sl->tape_id - 1;
		if (!tp->stacks[tape_id].nframes && st->nframes)
			tape_stack_frames(tp, &tp->stacks[tape_id], st); /* its frames came after a count */
		if (st->s.now != tp->last[tape_id])
			tape_change(tp, tape_id, st->s.now);
	}
	tp->n++;
	tp->off[tp->n] = tp->nchanges;
}

uint32_t replay_tape_len(const struct replay_tape *tp)
{
	return tp->n;
}

void replay_tape_row(const struct replay_tape *tp,
		     int (*match)(void *ctx, uint64_t handle, const uint32_t *frames,
				  unsigned nframes),
		     void *ctx, int64_t *out)
{
	int64_t *now = xcalloc(tp->nstacks ? tp->nstacks : 1, sizeof(*now));
	uint8_t *in = xcalloc(tp->nstacks ? tp->nstacks : 1, 1);
	int64_t sum = 0;

	for (size_t i = 0; i < tp->nstacks; i++)
		in[i] = match(ctx, tp->stacks[i].handle, tp->frame_ids + tp->stacks[i].frames,
			      tp->stacks[i].nframes) != 0;
	for (uint32_t j = 0; j < tp->n; j++) {
		for (size_t c = tp->off[j]; c < tp->off[j + 1]; c++) {
			uint32_t id = tp->change_stack[c];

			if (!in[id])
				continue;
			sum = sat_add(sum, tp->change_count[c] - now[id]);
			now[id] = tp->change_count[c];
		}
		out[j] = sum;
	}
	free(now);
	free(in);
}

void replay_init(struct replay *r, const char *const *alloc, size_t nalloc)
{
	memset(r, 0, sizeof(*r));
	r->m = model_new();
	if (alloc)
		model_set_alloc_patterns(r->m, alloc, nalloc);
}

void replay_free(struct replay *r)
{
	if (r->m)
		model_free(r->m);
	free(r->counts);
	free(r->with_pages);
	free(r->added);
	memset(r, 0, sizeof(*r));
}

static const struct tape_frame *tape_frame(struct replay_tape *tp, const struct model *m,
					   uint32_t id)
{
	tp->frames = xgrow_zeroed(tp->frames, &tp->nframes, id, sizeof(*tp->frames));
	if (!tp->frames[id].hash) {
		const char *s = model_frame(m, id);
		size_t len = strlen(s);

		tp->frames[id].len = (uint32_t)len;
		tp->frames[id].hash = hash_bytes(s, len, 0);
		if (!tp->frames[id].hash)
			tp->frames[id].hash = 1; /* a hash the model recomputes; only a cache key */
	}
	return &tp->frames[id];
}

/* A stack of the from model (its handle, its frame ids) with a count, into a sink; from
 * the tape (tp), with its tape id + 1 as its key. */
static int sink_stack(const struct model *from, struct replay_tape *tp, uint32_t key,
		      uint64_t handle, const uint32_t *frames, unsigned nframes, int64_t count,
		      int64_t calls, const struct sink *sink, struct pt_err *err)
{
	struct frame_text ft[STACK_MAX_FRAMES];
	struct stack_rec rec = { 0 };
	unsigned nf = nframes < STACK_MAX_FRAMES ? nframes : STACK_MAX_FRAMES;

	if (!nf && handle)
		return sink->ops->count(sink->self, handle, (uint64_t)count, err);
	for (unsigned i = 0; i < nf; i++) {
		ft[i].s = model_frame(from, frames[i]);
		if (tp) {
			const struct tape_frame *tf = tape_frame(tp, from, frames[i]);

			ft[i].len = tf->len;
			ft[i].hash = tf->hash == 1 ? 0 : tf->hash;
			ft[i].key = frames[i] + 1;
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
	rec.calls = calls > 0 ? (uint64_t)calls : 0;
	if (tp) {
		rec.keyspace = tp->keyspace;
		rec.key = handle ? 0 : key;
	}
	return sink->ops->stack(sink->self, &rec, err);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The changes of sample j into the counts; the stacks with pages stay in the order of
 * the tape (the from model's ids, as long as it forgot nothing), so the replay gives
 * its stacks the ids the from model gave them. */
static void replay_apply(struct replay *r, const struct replay_tape *tp, uint32_t j)
{
	size_t k = 0, i, a;

	r->nadded = 0;
	for (size_t c = tp->off[j]; c < tp->off[j + 1]; c++) {
		uint32_t tape_id = tp->change_stack[c];

		if (r->counts[tape_id] <= 0 && tp->change_count[c] > 0) {
			if (r->nadded == r->cap_added) {
				r->cap_added = r->cap_added ? r->cap_added * 2 : 1024;
				r->added = xreallocarray(r->added, r->cap_added, sizeof(uint32_t));
			}
			r->added[r->nadded++] = tape_id;
		}
		r->counts[tape_id] = tp->change_count[c];
	}
	for (i = 0; i < r->nwith_pages; i++)
		if (r->counts[r->with_pages[i]] > 0)
			r->with_pages[k++] = r->with_pages[i];
	r->nwith_pages = k;
	if (!r->nadded)
		return;
	qsort(r->added, r->nadded, sizeof(uint32_t), cmp_u32);
	if (r->nwith_pages + r->nadded > r->cap_with_pages) {
		size_t need = r->nwith_pages + r->nadded;

		r->cap_with_pages = need > r->cap_with_pages * 2 ? need : r->cap_with_pages * 2;
		r->with_pages = xreallocarray(r->with_pages, r->cap_with_pages, sizeof(uint32_t));
	}
	/* merge from the back */
	i = r->nwith_pages;
	a = r->nadded;
	for (k = r->nwith_pages + r->nadded; a > 0; k--) {
		if (i > 0 && r->with_pages[i - 1] > r->added[a - 1])
			r->with_pages[k - 1] = r->with_pages[--i];
		else
			r->with_pages[k - 1] = r->added[--a];
	}
	r->nwith_pages += r->nadded;
}

int replay_advance(struct replay *r, struct replay_tape *tp, const struct model *from,
		   uint32_t k, uint32_t baseline, struct pt_err *err)
{
	struct sink sink = model_sink(r->m);

	if (k >= tp->n) {
		pt_err_set(err, "%s", _("no such sample"));
		return -1;
	}
	if (tp->nstacks > r->ncounts) {
		r->counts = xreallocarray(r->counts, tp->nstacks, sizeof(int64_t));
		memset(r->counts + r->ncounts, 0, (tp->nstacks - r->ncounts) * sizeof(int64_t));
		r->ncounts = tp->nstacks;
	}
	for (; r->next <= k; r->next++) {
		uint32_t j = r->next;
		struct sample_info si = { 0 };

		replay_apply(r, tp, j);
		if (j == 0 && sink.ops->meta(sink.self, model_meta(from), err) < 0)
			return -1;
		si.time = tp->times[j];
		si.time_abs = tp->time_abs;
		si.seq = j;
		if (sink.ops->begin(sink.self, &si, err) < 0)
			return -1;
		for (size_t i = 0; i < r->nwith_pages; i++) {
			const struct tape_stack *ts = &tp->stacks[r->with_pages[i]];

			if (sink_stack(from, tp, r->with_pages[i] + 1, ts->handle,
				       tp->frame_ids + ts->frames, ts->nframes,
				       r->counts[r->with_pages[i]], 0, &sink, err) < 0)
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
	struct sample_info si = { 0 };
	size_t ns = model_nstacks(m);
	int bytes = model_meta(m)->unit == UNIT_BYTES;

	if (!model_nsamples(m))
		return 0;
	if (with_meta && sink->ops->meta(sink->self, model_meta(m), err) < 0)
		return -1;
	si.time = model_sample_time(m);
	si.time_abs = model_time_abs(m);
	si.seq = model_nsamples(m) - 1;
	si.mem = model_meminfo(m);
	if (sink->ops->begin(sink->self, &si, err) < 0)
		return -1;
	for (size_t i = 0; i < ns; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		/* allocinfo: every call site the model has, 0 bytes too, with its calls */
		if (st && (st->s.now > 0 || (bytes && st->nframes)) &&
		    sink_stack(m, NULL, 0, st->handle, st->frames, st->nframes, st->s.now,
			       st->s.calls, sink, err) < 0)
			return -1;
	}
	return sink->ops->end(sink->self, err);
}
