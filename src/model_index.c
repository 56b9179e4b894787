/* Frame id -> the stacks that have it, as one array of stack ids in frame order (counted
 * in one pass over the stacks, filled in a second), a slice of stacks at a time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_index.h"
#include "model_int.h"
#include "util.h"

/* the stacks counted by frame, the array of ids faulted in, then filled */
enum { IX_COUNT, IX_TOUCH, IX_FILL, IX_READY, IX_NONE };

struct stack_index {
	uint64_t ident, gen;      /* the model's, as it was when the work began */
	int phase;
	size_t pos;               /* the next stack id of the phase (IX_TOUCH: byte) */
	size_t nstacks;
	uint32_t nframes;
	uint32_t *off;            /* by frame id: where its stacks start; nframes + 1 */
	uint32_t *fill;           /* IX_FILL: by frame id, the next place */
	size_t cap_frames;
	uint32_t *ids;
	size_t nids, cap_ids;
	uint32_t *odd;
	size_t nodd, cap_odd;
};

#define IX_STEP 256 /* stacks between looks at the clock: well under a millisecond */
#define IX_TOUCH_STEP (64u << 10)

struct stack_index *stack_index_new(void)
{
	return xcalloc(1, sizeof(struct stack_index));
}

void stack_index_free(struct stack_index *x)
{
	if (!x)
		return;
	free(x->off);
	free(x->fill);
	xhuge_free(x->ids, x->cap_ids * sizeof(*x->ids));
	free(x->odd);
	free(x);
}

int stack_index_ready(const struct stack_index *x, const struct model *m)
{
	return x && x->phase == IX_READY && x->ident == m->ident && x->gen == m->stacks_gen;
}

static void index_start(struct stack_index *x, const struct model *m)
{
	x->ident = m->ident;
	x->gen = m->stacks_gen;
	x->phase = IX_COUNT;
	x->pos = 0;
	x->nstacks = m->nstacks;
	x->nframes = strtab_count(m->frames);
	if (x->nframes + 1 > x->cap_frames) {
		x->cap_frames = x->nframes + 1;
		free(x->off);
		free(x->fill);
		x->off = xmalloc(x->cap_frames * sizeof(*x->off));
		x->fill = xmalloc(x->cap_frames * sizeof(*x->fill));
	}
	memset(x->off, 0, (x->nframes + 1) * sizeof(*x->off));
	x->nids = 0;
	x->nodd = 0;
}

/* Whether a stack's label is its caller frame's function: then a label that has the
 * text is found through that frame. */
static int label_of_frames(const struct model *m, const struct stack *st)
{
	return st->nframes && st->caller < st->nframes &&
	       st->label == m->frame_info[st->frames[st->caller]].func;
}

static void count_stacks(struct stack_index *x, const struct model *m, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++) {
		const struct stack *st = stack_at(m, i);

		if (st->freed)
			continue;
		for (unsigned k = 0; k < st->nframes; k++)
			x->off[st->frames[k] + 1]++;
		x->nids += st->nframes;
		if (!label_of_frames(m, st)) {
			if (x->nodd == x->cap_odd) {
				x->cap_odd = x->cap_odd ? 2 * x->cap_odd : 256;
				x->odd = xreallocarray(x->odd, x->cap_odd, sizeof(*x->odd));
			}
			x->odd[x->nodd++] = (uint32_t)i;
		}
	}
}

static void fill_stacks(struct stack_index *x, const struct model *m, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++) {
		const struct stack *st = stack_at(m, i);

		if (st->freed)
			continue;
		for (unsigned k = 0; k < st->nframes; k++)
			x->ids[x->fill[st->frames[k]]++] = (uint32_t)i;
	}
}

/* The counts by frame become where each frame's stacks start; the ids' array made. */
static void counted(struct stack_index *x)
{
	if (x->nids > UINT32_MAX) {
		x->phase = IX_NONE; /* not made: the search asks every row */
		return;
	}
	for (uint32_t f = 0; f < x->nframes; f++)
		x->off[f + 1] += x->off[f];
	memcpy(x->fill, x->off, x->nframes * sizeof(*x->fill));
	if (x->nids > x->cap_ids) {
		xhuge_free(x->ids, x->cap_ids * sizeof(*x->ids));
		x->cap_ids = x->nids;
		x->ids = xhuge_alloc(x->cap_ids * sizeof(*x->ids));
	}
	x->pos = 0;
	x->phase = IX_TOUCH;
}

/* A step of the work: well under a millisecond. */
static void index_step(struct stack_index *x, const struct model *m)
{
	size_t end = x->pos + IX_STEP < x->nstacks ? x->pos + IX_STEP : x->nstacks;
	size_t len = x->nids * sizeof(*x->ids);

	switch (x->phase) {
	case IX_COUNT:
		if (x->pos == x->nstacks) {
			counted(x);
			return;
		}
		count_stacks(x, m, x->pos, end);
		x->pos = end;
		return;
	case IX_TOUCH:
		/* a page at a time here, not thousands of faults in the first fill */
		for (end = x->pos + IX_TOUCH_STEP; x->pos < len && x->pos < end; x->pos += 4096)
			((volatile char *)x->ids)[x->pos] = 0;
		if (x->pos >= len) {
			x->pos = 0;
			x->phase = IX_FILL;
		}
		return;
	case IX_FILL:
		fill_stacks(x, m, x->pos, end);
		x->pos = end;
		if (x->pos == x->nstacks)
			x->phase = IX_READY;
		return;
	default:
		return;
	}
}

int stack_index_make(struct stack_index *x, const struct model *m, double deadline)
{
	if (x->ident != m->ident || x->gen != m->stacks_gen)
		index_start(x, m);
	while (x->phase != IX_READY && x->phase != IX_NONE) {
		index_step(x, m);
		if (time_mono() >= deadline)
			break;
	}
	return x->phase == IX_READY || x->phase == IX_NONE;
}

const uint32_t *stack_index_frame(const struct stack_index *x, uint32_t f, size_t *n)
{
	if (x->phase != IX_READY || f >= x->nframes) {
		*n = 0;
		return NULL;
	}
	*n = x->off[f + 1] - x->off[f];
	return *n ? x->ids + x->off[f] : NULL;
}

const uint32_t *stack_index_odd(const struct stack_index *x, size_t *n)
{
	*n = x->nodd;
	return x->odd;
}
