/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_int.h - the model's insides, shared by model.c (frames, stacks, samples,
 * forgetting, the sink), model_counter.c (history, score), model_group.c (groups) and
 * model_view.c (filters, views). Never included outside model_*.c. */
#ifndef PAGETOP_MODEL_INT_H
#define PAGETOP_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "host_meminfo.h"
#include "model.h"
#include "parse.h"
#include "util.h"

struct frame_info {
	uint32_t func;     /* label id: "name [module]" */
	uint32_t module;   /* label id: module name, "vmlinux", or "?" for bare addresses */
	uint8_t is_alloc;
	uint8_t kind;      /* enum stack_kind of a stack with this innermost frame */
	uint8_t is_site;   /* an allocinfo call site: file and dir are set */
	uint32_t file;     /* label id: "mm/slub.c" */
	uint32_t dir;      /* label id: "mm/" ("./" for a file in no directory) */
};

#define STACK_CHUNK 4096
#define PENDING_MAX 4096

/* A slot of the handle table: the stack's id + 1 (0: empty) and, above, 32 bits of the
 * handle's hash, which also place it: a probe looks at a stack only when they match. */
static inline uint32_t handle_hash(uint64_t handle)
{
	return (uint32_t)(hash_u64(handle) >> 32);
}

static inline uint64_t handle_slot(uint32_t id, uint32_t hh)
{
	return (uint64_t)hh << 32 | ((uint64_t)id + 1);
}

#define KEY_MAPS 4
/* Rows of a view of only its first rows told apart by one scan (model_view.c). */
#define APART_WANT MODEL_APART_WANT

/* What a sample of changes only (sink.h) looks at instead of every stack: the stacks it
 * names, those whose delta was not 0, and those due for a new score or to be forgotten. */
struct model_changes {
	int on;                     /* the sample being built is of changes only */
	int ready;                  /* the lists below hold for the next sample */
	uint32_t *stamp;            /* by stack id: the sample + 1 that named it */
	size_t cap_stamp;
	uint32_t *named, *moved, *work; /* this sample's; delta not 0 after the last */
	size_t nnamed, nmoved, nwork, cap_named, cap_moved, cap_work;
	uint64_t *mark;             /* by stack id: to look at (changes_collect), else 0 */
	size_t cap_mark;            /* in words */
	/* by sample % MODEL_HISTORY: stacks whose score or forgetting is due then */
	uint32_t *due[MODEL_HISTORY];
	size_t ndue[MODEL_HISTORY], cap_due[MODEL_HISTORY];
	uint32_t *late;             /* at 0 long enough, but kept (pinned, an example) */
	size_t nlate, cap_late;
	int64_t total, calls;       /* the pages and calls of the last sample */
};

struct model {
	struct strtab *frames, *labels;
	/* frame ids by the producer's keys (sink.h), for the last few keyspaces (producers
	 * that take turns, as the threads of parse_split.c): id + 1, 0 unknown */
	struct keyspace_map {
		uint64_t keyspace;
		uint32_t *map;
		size_t cap;
	} key_maps[KEY_MAPS];
	unsigned key_map_next;      /* the one to reuse next */
	/* stacks without a handle by the producer's stack keys (sink.h), of one keyspace:
	 * the stack's id + 1 and its first_seen (an id taken again has another) */
	struct stack_key {
		uint32_t id1;
		uint32_t first_seen;
	} *stack_keys;
	size_t stack_keys_cap;
	uint64_t stack_keyspace;
	struct frame_info *frame_info; /* by frame id */
	size_t frame_info_cap;
	uint32_t label_vmlinux, label_unknown;

	struct stack **chunks;      /* stacks live in fixed chunks: pointers stay valid */
	/* beside each chunk, its stacks' labels (STACK_LABEL_FREED: a free slot): a walk for
	 * the stacks of a few labels reads 4 bytes a stack, not a stack's cache line */
	uint32_t **stack_labels;
	size_t nchunks;
	size_t nstacks;             /* ids in use or free: the slots below this */
	size_t nlive;               /* of them, stacks */
	uint64_t *freemap;          /* free ids: bit set; the lowest is taken first */
	size_t freemap_words, free_lo, nfree;
	uint64_t *by_frames;        /* open addressing: stack id + 1 | lower hash bits << 32 */
	size_t nslots_frames;
	uint64_t *by_handle;        /* open addressing on the kernel handle: handle_slot() */
	struct { uint64_t handle, count; } *pending; /* counts not applied yet */
	size_t npending;
	size_t nslots_handles;
	size_t nhandled;
	uint32_t *frame_arena;      /* frame id arrays of every stack, from the arena */
	size_t frame_arena_len, frame_arena_cap;
	uint32_t *frames_free[STACK_MAX_FRAMES + 1]; /* arrays given back, by length (>= 2) */
	struct arena arena;         /* stack chunks and frame id arrays: they never move */
	size_t hist_bytes;          /* histories allocated */
	size_t trace_bytes;         /* the charts' traces, in use */
	size_t trace_slab_bytes;    /* the slabs they come from (model_series.c) */
	struct trace_pool *trace_pool;
	struct trace *total_trace;  /* the total pages over the series */
	struct block_summary **blk; /* by stack id: per-block dumps' summaries */
	size_t blk_cap;
	size_t nblock_summaries;    /* block summaries allocated */
	/* model_on_block(): told of every block of a per-block dump, with its stack; of
	 * none (NULL, NULL) when model_reset() starts afresh */
	void (*block_hook)(void *self, const struct stack *st, const struct block_info *b);
	void *block_hook_self;

	/* forgetting (doc/internals.md) */
	uint32_t *to_forget;        /* stacks of this sample that may be forgotten */
	size_t nto_forget, cap_to_forget;
	uint64_t *forgot, *forgot_out; /* handles forgotten (sink_ops.forgotten) */
	size_t nforgot, capforgot, nforgot_out, capforgot_out;
	int64_t gone_base;          /* the baselines of forgotten stacks: their delta_base */
	int64_t gone_first;         /* their values at sample 0: the baseline back at it */

	struct group *groups[GROUP__N];
	size_t ngroups[GROUP__N], capgroups[GROUP__N];
	uint32_t *label2group[GROUP__N]; /* label id -> group index + 1 */
	size_t label2group_cap[GROUP__N];
	uint32_t *function_stamp;   /* per function group: last stack counted (+1) */
	size_t function_stamp_cap;
	int groups_full;            /* the next sample sums the groups from every stack */
	int groups_off;             /* model_groups_off(): no groups made or counted */
	/* model_groups_late(): the first sample's groups are made after it ends (pending),
	 * from groups_at (stacks placed below nstacks, then counted below 2 * nstacks) */
	int groups_late, groups_pending;
	size_t groups_at;

	const struct stack *special[4];
	/* labels whose stacks came, went or changed since the apart labels were made */
	uint8_t *apart_dirty;       /* by label id */
	size_t apart_dirty_cap, napart_dirty;
	/* their stacks, one run per label (ids): made when a stack of one is asked for,
	 * let go as soon as one is marked (model_view.c) */
	uint32_t *apart_run_at;     /* by label id: its run starts; the run ends at l + 1's */
	uint32_t *apart_run_ids;    /* and after them, the runs' sorting (model_view.c) */
	size_t apart_run_n;         /* ids in the runs */
	struct apart_look *apart_run_look; /* by place in the runs (model_view.c) */
	size_t apart_run_labels;    /* labels it has (apart_dirty_cap when made); 0: none */
	uint8_t *apart_run_asked;   /* by label: its run's sorting begun */
	uint64_t *apart_run_made;   /* by stack id: made one at a time since (bit set) */
	size_t apart_run_stacks;    /* stack ids the bits cover */
	int apart_run_ok;
	/* stacks that came to a label (id, label) or left one (APART_LEFT | label), in
	 * order, while a stack's apart label made one at a time follows them: entries
	 * before napart_news go first when they pile up to a quarter of the stacks kept
	 * (apart_news_base counts them) */
	struct apart_news { uint32_t id, label; } *apart_news;
	size_t napart_news, capapart_news;
	uint64_t apart_news_base;
	struct apart_memo *apart_memo; /* by stack id % APART_MEMO (model_view.c) */
	uint32_t apart_new;         /* id + 1 of the stack stack_new() gave last, unplaced */
	uint32_t apart_scan_at;     /* nsamples + 1 when one was told apart by a scan */
	/* the stacks of the first rows of the last view that kept only those
	 * (view_opts.top_only), or of the rows a screen draws (model_apart_want()): that
	 * scan tells them apart too */
	uint32_t apart_want[APART_WANT];
	uint32_t napart_want;
	/* the apart labels' own texts (ids with MODEL_APART_ID), NUL-terminated back to
	 * back; those no stack has any more go when they pile up (model_view.c) */
	char *apart_buf;
	uint32_t apart_len, apart_cap, apart_kept; /* bytes: used, allocated, kept the last time */
	uint32_t *apart_off;        /* by id: where the text starts */
	uint32_t napart, capapart;
	uint32_t apart_gen;         /* times they were numbered again */

	char **patterns;            /* allocator machinery (NULL: the defaults) */
	size_t npatterns;

	/* samples */
	uint32_t nsamples;          /* complete samples */
	/* which model this is, unique in the process: a model_reset() or another model at
	 * the same address has another (model_ident()) */
	uint64_t ident;
	/* changes when a stack comes, goes, or gets frames or a label (model_index.c) */
	uint64_t stacks_gen;
	int in_sample;
	double t_cur, t_prev, t_first;
	double dt;                  /* of the last complete sample: each rate is delta / dt */
	double *times;              /* time of every sample */
	size_t times_cap;
	int time_abs;
	struct meminfo mem;         /* the system's counters at the current sample */
	uint32_t baseline;
	struct model_changes chg;   /* samples of changes only (model_changes.c) */

	/* meta, copied */
	struct source_meta meta;
	char *meta_name, *meta_kind, *meta_release, *meta_build_id, *meta_host;
	char **meta_modules;        /* meta.module_build_ids, copied */
};

static inline struct stack *stack_at(const struct model *m, size_t id)
{
	return &m->chunks[id / STACK_CHUNK][id % STACK_CHUNK];
}

#define STACK_LABEL_FREED UINT32_MAX

static inline uint32_t *stack_label_at(const struct model *m, size_t id)
{
	return &m->stack_labels[id / STACK_CHUNK][id % STACK_CHUNK];
}

/* The module label of a stack: that of its caller frame. */
static inline uint32_t stack_module(const struct model *m, const struct stack *st)
{
	return st->nframes ? m->frame_info[st->frames[st->caller]].module : m->label_unknown;
}

/* model_view.c: the runs apart labels are made from (apart_run_*), let go */
void apart_runs_free(struct model *m);

/* The stacks of a label changed: their apart labels are made again (model_view.c). */
static inline void apart_mark(struct model *m, uint32_t label)
{
	if (label >= m->apart_dirty_cap) {
		size_t cap = m->apart_dirty_cap ? m->apart_dirty_cap : 1024;

		while (cap <= label)
			cap *= 2;
		m->apart_dirty = xrealloc(m->apart_dirty, cap);
		memset(m->apart_dirty + m->apart_dirty_cap, 0, cap - m->apart_dirty_cap);
		m->apart_dirty_cap = cap;
	}
	if (!m->apart_dirty[label]) {
		m->apart_dirty[label] = 1;
		m->napart_dirty++;
	}
	if (m->apart_run_ok)
		apart_runs_free(m); /* stale: the next ask makes them again */
}

#define APART_LEFT 0x80000000u

/* A stack's apart label made one at a time: where it differs from the others most (d, as
 * model_view.c's apart_diff()) and a stack it differs from there, with the news seen up
 * to seq. */
struct apart_memo {
	uint32_t id1;               /* the stack's id + 1; 0: none */
	uint32_t label;
	int d;
	uint32_t who;
	uint64_t seq;
};
enum { APART_MEMO = 1024 };

/* A stack's frames at the next depths after the one its segment of a label's run was
 * last split at by a look at the stack: the splits of the parts it lands in read them
 * here, not through the stack. f[w] is apart_frame() + 1 at depth d1 - 1 + w (as
 * apart_diff() counts depths); d1 0: none. */
enum { APART_LOOK = 4 };

struct apart_look {
	uint32_t d1, f[APART_LOOK];
};

/* A stack came to a label (came) or left it, while apart labels follow the news. */
static inline void apart_news(struct model *m, uint32_t id, uint32_t label, int came)
{
	if (!m->apart_memo)
		return;
	if (m->napart_news >= (size_t)m->nlive / 4 + 1024) {
		m->apart_news_base += m->napart_news;
		m->napart_news = 0;
	}
	if (m->napart_news == m->capapart_news) {
		m->capapart_news = m->capapart_news ? 2 * m->capapart_news : 1024;
		m->apart_news = xreallocarray(m->apart_news, m->capapart_news,
					      sizeof(*m->apart_news));
	}
	m->apart_news[m->napart_news].id = id;
	m->apart_news[m->napart_news++].label = came ? label : APART_LEFT | label;
}

/* The group of mode g with a label (it exists: group_get() made it). */
static inline struct group *group_of(const struct model *m, enum group_mode g, uint32_t label)
{
	return &m->groups[g][m->label2group[g][label] - 1];
}

/* model.c: a frame's label, module, kind and whether it is allocator machinery */
void classify_frame(struct model *m, uint32_t id);

/* model_group.c */
/* Whether a function name (name_len bytes) matches an allocator machinery pattern. */
int alloc_match(const struct model *m, const char *name, size_t len);
/* The index of the group of mode g with a label, made when there is none. */
uint32_t group_get(struct model *m, enum group_mode g, uint32_t label);
/* Whether the groups are made and counted as the stacks come (not off, not the first
 * sample of a model whose groups come late). */
static inline int groups_now(const struct model *m)
{
	return !m->groups_off && !m->groups_pending && !(m->groups_late && m->nsamples == 0);
}
/* The groups made, when they came late and are not yet. */
void groups_ready(struct model *m);
/* A stack's caller frame and label; makes the groups it counts in. */
void stack_place(struct model *m, struct stack *st);
/* Whether a stack is the example of one of its groups (which keeps it). */
int group_example(const struct model *m, const struct stack *st);
/* A stack about to be forgotten: no function group has it as its example any more. */
void group_forget_stack(struct model *m, const struct stack *st);
/* A sample's sums: groups_sample_begin(), then groups_count() for each stack with pages
 * (full: the sums start at 0) or for each whose pages or calls changed (the sums go on
 * from the last sample's), then groups_sample_end(). Inline: they run for each stack. */
void groups_sample_begin(struct model *m, int full);
/* The examples marked to be found again, found now, with the stacks' counts as they are:
 * before a full sample, those of the sample before. */
void groups_examples_settle(struct model *m);
void groups_sample_end(struct model *m, uint32_t k, double dt);

static inline void group_count(const struct model *m, struct group *gr, const struct stack *st,
			       int64_t v)
{
	gr->s.acc = sat_add(gr->s.acc, v);
	gr->s.calls_acc = sat_add(gr->s.calls_acc, st->s.calls);
	(void)m;
	if (!gr->nstacks++ || v > gr->example_pages) {
		gr->example = st->id;
		gr->example_pages = v;
	}
}

/* A member went from old to v pages (dc calls more) in sample k: the example stays
 * the largest member with the lowest id, or is marked to be found again. */
static inline void group_move(struct group *gr, const struct stack *st, int64_t old, int64_t v,
			      int64_t dc, uint32_t k)
{
	uint32_t before = gr->nstacks;

	gr->s.acc = sat_add(gr->s.acc, v - old);
	gr->s.calls_acc = sat_add(gr->s.calls_acc, dc);
	if (old && !v) {
		gr->nstacks--;
		if (gr->gone_k != k + 1 || old > gr->gone_pages) {
			gr->gone_k = k + 1;
			gr->gone_id = st->id;
			gr->gone_pages = old;
		}
	} else if (!old && v) {
		gr->nstacks++;
	}
	if (gr->example_stale)
		return;
	if (v && (!before || v > gr->example_pages ||
		  (v == gr->example_pages && st->id < gr->example))) {
		gr->example = st->id;
		gr->example_pages = v;
	} else if (st->id == gr->example && v < gr->example_pages) {
		gr->example_stale = 1;
	}
}

static inline void group_apply(struct model *m, struct group *gr, const struct stack *st,
			       int full, int64_t old, int64_t v, int64_t dc, uint32_t k)
{
	if (full)
		group_count(m, gr, st, v);
	else
		group_move(gr, st, old, v, dc, k);
}

/* Every group of a stack: full, v pages; else the move from old to v, dc calls more. */
static inline void groups_count(struct model *m, const struct stack *st, int full, int64_t old,
				int64_t v, int64_t dc, uint32_t k)
{
	group_apply(m, group_of(m, GROUP_CALLER, st->label), st, full, old, v, dc, k);
	group_apply(m, group_of(m, GROUP_MODULE, stack_module(m, st)), st, full, old, v, dc, k);
	if (st->nframes && m->frame_info[st->frames[st->caller]].is_site) {
		const struct frame_info *fi = &m->frame_info[st->frames[st->caller]];

		group_apply(m, group_of(m, GROUP_FILE, fi->file), st, full, old, v, dc, k);
		group_apply(m, group_of(m, GROUP_DIR, fi->dir), st, full, old, v, dc, k);
	}
	for (unsigned f = 0; f < st->nframes; f++) {
		uint32_t func = m->frame_info[st->frames[f]].func;
		uint32_t gi = m->label2group[GROUP_FUNCTION][func] - 1;

		if (m->function_stamp[gi] == st->id + 1)
			continue; /* a function counts once per stack (recursion) */
		m->function_stamp[gi] = st->id + 1;
		group_apply(m, &m->groups[GROUP_FUNCTION][gi], st, full, old, v, dc, k);
	}
}

/* model_changes.c */
/* The sample names st (a sample of changes only). */
void changes_name(struct model *m, const struct stack *st);
/* Before the sample's end: 1 when it can look at what changed only; else (0) every stack
 * not named gets its count again as a sample of every stack would give it. */
int changes_usable(struct model *m, uint32_t k);
/* The stacks a sample of changes only looks at, by id; the sums by what they add. */
void changes_collect(struct model *m, uint32_t k);
/* After the sample's end (forgetting done): what is due when; sums kept. */
void changes_after(struct model *m, uint32_t k, int64_t total, int64_t calls, int all);
size_t changes_bytes(const struct model *m);
void changes_free(struct model *m);

/* model_counter.c */
/* The counter's value v at sample k, dt seconds after the sample before. */
void counter_push(struct model *m, struct counter *s, uint32_t k, double dt, int64_t v);
void counter_hist_free(struct model *m, struct counter *s);

/* model_series.c: a count over the whole series in at most nb buckets. trace_add(): the samples from the last one in up to "to" had v. */
#define TRACE_ROW_BUCKETS MODEL_CHART_BUCKETS
#define TRACE_TOTAL_BUCKETS MODEL_CHART_TOTAL_BUCKETS
struct trace_bucket {
	int64_t min, max, last;
};
struct trace *trace_new(struct model *m, uint32_t s0, uint16_t nb);
void trace_free(struct model *m, struct trace **s);
void trace_add(struct model *m, struct trace **s, uint32_t to, int64_t v);
/* The bytes of the slabs given back that still have pages (for tests: none) once every
 * region was collapsed into a huge page where the kernel would, and how many there are,
 * in *nspare. */
size_t trace_spare_resident(const struct model *m, size_t *nspare);
/* Every trace's memory, with the model. */
void trace_pool_free(struct model *m);
/* Gives back the slabs the traces leave mostly free (once a sample). */
void trace_pool_tidy(struct model *m);
/* Bytes the traces take, with their slabs. */
size_t trace_mem_bytes(const struct model *m);
/* The buckets (out has room for nb + 1), the first sample, the span's log2 and the
 * sample after the last one in. Returns how many. */
uint32_t trace_buckets(const struct trace *s, struct trace_bucket *out, uint32_t *s0,
			unsigned *shift, uint32_t *next);
uint16_t trace_nb(const struct trace *s);

#endif
