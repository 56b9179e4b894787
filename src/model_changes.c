/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_changes.c - the end of a sample of changes only (sink.h) at the cost of its
 * changes.
 *
 * A stack the sample does not name keeps its count; what the end of a sample does to it
 * then is: its delta and rate go to 0 after a sample that moved them, its score is
 * computed again once the window's oldest change leaves (counter score_until), and it
 * is forgotten once at 0 for the history window. So the end looks at the stacks named,
 * those whose delta was not 0, and those due then, kept by sample in a wheel of
 * MODEL_HISTORY slots (no date is further ahead). Looking at a stack that needs nothing
 * changes nothing: a stack may be listed twice, or still after it is forgotten. */
#include "config.h"

#include <stdlib.h>

#include "model_int.h"

static void push(uint32_t **a, size_t *n, size_t *cap, uint32_t id)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*a = xreallocarray(*a, *cap, sizeof(**a));
	}
	(*a)[(*n)++] = id;
}

void changes_name(struct model *m, const struct stack *st)
{
	struct model_changes *c = &m->chg;

	if (st->id >= c->cap_stamp)
		c->stamp = xgrow_zeroed(c->stamp, &c->cap_stamp, st->id, sizeof(*c->stamp));
	if (c->stamp[st->id] == m->nsamples + 1)
		return;
	c->stamp[st->id] = m->nsamples + 1;
	push(&c->named, &c->nnamed, &c->cap_named, st->id);
}

static int named(const struct model *m, uint32_t id, uint32_t k)
{
	return id < m->chg.cap_stamp && m->chg.stamp[id] == k + 1;
}

/* A stack not named has the count it had, as a sample of every stack gives it. */
static void fill(struct stack *st)
{
	st->s.acc = st->s.now;
	st->s.calls_acc = st->s.calls;
}

int changes_usable(struct model *m, uint32_t k)
{
	/* per-block dumps clear their summaries, near-full sums are summed again: both
	 * look at every stack */
	if (k > 0 && !m->groups_full && !m->blk_cap)
		return 1;
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);

		if (!st->freed && !named(m, st->id, k))
			fill(st);
	}
	return 0;
}

static void due_add(struct model *m, uint32_t t, uint32_t k, uint32_t id)
{
	struct model_changes *c = &m->chg;
	unsigned w;

	if (t <= k) {
		push(&c->late, &c->nlate, &c->cap_late, id);
		return;
	}
	if (t - k >= MODEL_HISTORY)
		t = k + MODEL_HISTORY - 1; /* early is only looking once more */
	w = t % MODEL_HISTORY;
	push(&c->due[w], &c->ndue[w], &c->cap_due[w], id);
}

/* After stack st's end of sample k (or before sample k + 1's, k + 1 then): when it
 * needs looking at again. */
static void schedule(struct model *m, const struct stack *st, uint32_t k)
{
	struct model_changes *c = &m->chg;

	if (st->s.delta || st->s.rate)
		push(&c->moved, &c->nmoved, &c->cap_moved, st->id);
	if (st->s.score_until != UINT32_MAX)
		due_add(m, st->s.score_until + 1, k, st->id);
	if (!st->s.now)
		due_add(m, st->s.last_changed + MODEL_HISTORY - 1, k, st->id);
}

static void rebuild(struct model *m, uint32_t k)
{
	struct model_changes *c = &m->chg;

	for (unsigned w = 0; w < MODEL_HISTORY; w++)
		c->ndue[w] = 0;
	c->nmoved = c->nlate = 0;
	/* as if each had ended sample k - 1: what is due at k goes on the late list */
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = stack_at(m, i);

		if (!st->freed)
			schedule(m, st, k - 1);
	}
	c->ready = 1;
}

/* The three lines of a stack that the end of a sample reads: they are far apart from
 * stack to stack, and fetched ahead. */
static void stack_fetch(const struct stack *st)
{
	__builtin_prefetch(&st->s.now);
	__builtin_prefetch(&st->s.score_until);
	__builtin_prefetch(&st->freed);
}

/* Marks the ids; lo and hi: the lowest and highest word marked so far. The stacks
 * are fetched when cold (not named in the sample). */
static void mark_ids(struct model *m, const uint32_t *ids, size_t n, int cold, size_t *lo,
		     size_t *hi)
{
	struct model_changes *c = &m->chg;

	for (size_t i = 0; i < n; i++) {
		size_t w = ids[i] / 64;

		if (cold)
			stack_fetch(stack_at(m, ids[i]));

		if (w >= c->cap_mark)
			c->mark = xgrow_zeroed(c->mark, &c->cap_mark, w, sizeof(*c->mark));
		c->mark[w] |= 1ULL << (ids[i] % 64);
		if (w < *lo)
			*lo = w;
		if (w > *hi)
			*hi = w;
	}
}

void changes_collect(struct model *m, uint32_t k)
{
	struct model_changes *c = &m->chg;
	unsigned w = k % MODEL_HISTORY;
	size_t most = c->nnamed + c->nmoved + c->ndue[w] + c->nlate;
	size_t lo = SIZE_MAX, hi = 0, n = 0;

	if (!c->ready) {
		rebuild(m, k);
		most = c->nnamed + c->nmoved + c->ndue[w] + c->nlate;
	}
	if (most > c->cap_work) {
		while (most > c->cap_work)
			c->cap_work = c->cap_work ? c->cap_work * 2 : 1024;
		c->work = xreallocarray(c->work, c->cap_work, sizeof(*c->work));
	}
	mark_ids(m, c->named, c->nnamed, 0, &lo, &hi);
	mark_ids(m, c->moved, c->nmoved, 1, &lo, &hi);
	mark_ids(m, c->due[w], c->ndue[w], 1, &lo, &hi);
	mark_ids(m, c->late, c->nlate, 1, &lo, &hi);
	c->nmoved = c->ndue[w] = c->nlate = 0;
	/* in the order of a sample of every stack, once each: the forgetting hands ids
	 * out in it */
	for (size_t i = lo; i <= hi; i++) {
		uint64_t bits = c->mark[i];

		c->mark[i] = 0;
		while (bits) {
			uint32_t id = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(bits));
			struct stack *st = stack_at(m, id);

			bits &= bits - 1;
			c->work[n++] = id;
			if (!st->freed && !named(m, id, k))
				fill(st);
		}
	}
	c->nwork = n;
}

void changes_after(struct model *m, uint32_t k, int64_t total, int64_t calls, int all)
{
	struct model_changes *c = &m->chg;

	c->total = total;
	c->calls = calls;
	c->nnamed = 0;
	if (all) {
		c->ready = 0;
		c->nwork = 0;
		return;
	}
	for (size_t i = 0; i < c->nwork; i++) {
		const struct stack *st = stack_at(m, c->work[i]);

		if (i + 8 < c->nwork)
			stack_fetch(stack_at(m, c->work[i + 8]));
		if (!st->freed)
			schedule(m, st, k);
	}
}

size_t model_changed(const struct model *m, const uint32_t **ids)
{
	*ids = m->chg.work;
	return m->chg.ready ? m->chg.nwork : SIZE_MAX;
}

size_t changes_bytes(const struct model *m)
{
	const struct model_changes *c = &m->chg;
	size_t n = c->cap_stamp + c->cap_named + c->cap_moved + c->cap_work + c->cap_late +
		   2 * c->cap_mark;

	for (unsigned w = 0; w < MODEL_HISTORY; w++)
		n += c->cap_due[w];
	return n * sizeof(uint32_t);
}

void changes_free(struct model *m)
{
	struct model_changes *c = &m->chg;

	free(c->stamp);
	free(c->named);
	free(c->moved);
	free(c->work);
	free(c->mark);
	for (unsigned w = 0; w < MODEL_HISTORY; w++)
		free(c->due[w]);
	free(c->late);
}
