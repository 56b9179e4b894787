/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.h - stacks over time: the pure data model behind every screen and output.
 *
 * The model implements the sink contract (sink.h): feed it samples from any source.
 * It owns interned frames, the stack table, per-stack counters and history (model.c,
 * model_counter.c), the groupings (model_group.c), and builds views (filter, group, sort)
 * once per sample (model_view.c). No I/O, no curses. */
#ifndef PAGETOP_MODEL_H
#define PAGETOP_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "sink.h"

#define SCORE_WINDOW 60        /* intervals the leak score looks at */
/* Samples of history kept per row; a stack at 0 pages for that long is forgotten
 * (doc/internals.md). The score's window and as much again. */
#define MODEL_HISTORY (2 * SCORE_WINDOW)

enum stack_kind {
	SK_NORMAL = 0,
	SK_DUMMY,    /* page_owner's own overhead (register_dummy_stack) */
	SK_FAILURE,  /* pages whose stack could not be saved (register_failure_stack) */
	SK_EARLY,    /* early boot pages (register_early_stack, per-block dump only) */
};

/* GROUP_FILE and GROUP_DIR: the source file and directory of allocinfo's call sites
 * ("mm/slub.c", "mm/"); stacks of page_owner are in none. */
enum group_mode {
	GROUP_STACK = 0, GROUP_CALLER, GROUP_FUNCTION, GROUP_MODULE, GROUP_FILE, GROUP_DIR,
	GROUP__N
};
const char *group_name(enum group_mode g);             /* "stack", "caller", ... */
int group_parse(const char *s, enum group_mode *g);   /* 0 or -1 */

/* Column and sort-key names, the same in --sort, CSV, JSON and the UI. */
enum sort_key {
	KEY_PAGES = 0, KEY_BYTES, KEY_DELTA, KEY_RATE, KEY_DELTA_BASE, KEY_PEAK,
	KEY_SCORE, KEY_FIRST_SEEN, KEY_LABEL,
	KEY_SHARE,                /* the share of the sample's pages: the order of KEY_PAGES */
	KEY_CALLS, KEY_AVG,       /* allocinfo: calls, bytes per call (0 for other sources) */
	KEY__N
};
const char *sort_key_name(enum sort_key k);
int sort_key_parse(const char *s, enum sort_key *k);

struct counter_hist;
struct trace;

/* A count over the samples, with what is derived from it: a stack's pages, a group's.
 * Sample numbers count from 0. */
struct counter {
	int64_t now, base, peak;
	int64_t delta, delta_base; /* now less the sample before's, less base */
	double rate;              /* per second, over the last interval */
	uint32_t first_seen;      /* sample number */
	uint32_t last_changed;    /* sample number */
	double score;             /* leak suspicion, 0..1, doc/score.md */
	/* the last sample the score holds for while the count stays (model_counter.c) */
	uint32_t score_until;
	/* history: NULL until the count first changes (before that it is constant), then
	 * the changes of the last MODEL_HISTORY samples (model.c) */
	struct counter_hist *hist;
	/* the whole series, downsampled (model_series.c): NULL until the count first
	 * changes, and for the copies of model_counter_copy() */
	struct trace *trace;
	int64_t first_value;      /* value at first_seen */
	int64_t acc;              /* sum for the sample being built */
	/* allocinfo: the allocations behind the bytes now, and their sum being built */
	int64_t calls, calls_acc;
};

struct block_summary {      /* per-block dump: what the blocks of a stack had */
	uint64_t nblocks;
	uint32_t orders;          /* bit i: some block of order i */
	uint32_t gfp;             /* mask of the first block */
	int pid;                  /* of the newest block */
	char comm[32];
	uint64_t ts_ns;           /* newest block's allocation time */
	uint32_t sample;          /* the sample (dump) these are of */
};

struct stack {
	struct counter s;
	uint64_t handle;          /* 0: none */
	uint32_t *frames;         /* frame ids, innermost first */
	uint16_t nframes;
	uint16_t caller;          /* index into frames of the caller frame */
	uint8_t kind;             /* enum stack_kind */
	uint8_t freed;            /* model.c: the slot is free (model_stack() gives NULL) */
	uint16_t pins;            /* model_pin(): not forgotten while above 0 */
	uint32_t label;           /* label id (caller function with [module]) */
	uint32_t id;
	/* the label told apart from the other stacks of the same label, in ASCII and in
	 * UTF-8: "label <- f", "label ← … ← f" with f the first frame outwards where they
	 * differ (its offset too when only offsets differ); the label when no other stack
	 * has it. Made when asked for (model_stack_apart(), view_row_label()). A text of its own
	 * has MODEL_APART_ID set: model_label() gives it until model_apart_gen() changes. */
	uint32_t apart[2];
	uint64_t hash;
};

struct group {
	struct counter s;
	uint32_t label;           /* label id */
	uint32_t nstacks;         /* member stacks with pages now */
	uint32_t example;         /* a member stack id (the largest); UINT32_MAX: none (a
				   * function group's, forgotten: model_stack() gives NULL) */
	int64_t example_pages;    /* its pages (the model's: no look into the stack) */
	/* the sums are kept from sample to sample; the example is found again when asked
	 * (model_group_example()) after it shrank or left */
	int example_stale;
	uint32_t gone_k;          /* + 1: the sample whose largest leaving member is gone_id */
	uint32_t gone_id;
	int64_t gone_pages;
};

struct model;

/* A group's example: its largest member stack now; with none, the last one it had. */
uint32_t model_group_example(const struct model *m, const struct group *gr);

struct model *model_new(void);
void model_free(struct model *m);
/* Empties m as model_new() made it (another source's samples follow, perhaps in other
 * units); the alloc patterns stay. Pointers into m (stacks, counters, views) go. */
void model_reset(struct model *m);
struct sink model_sink(struct model *m);

const struct source_meta *model_meta(const struct model *m);
uint32_t model_nsamples(const struct model *m);       /* samples received */
double model_sample_time(const struct model *m);      /* of the current sample */
int model_time_abs(const struct model *m);
double model_time_at(const struct model *m, uint32_t sample); /* time of a sample */
double model_first_time(const struct model *m);
/* The system's counters at the current sample (valid 0: unknown); the pointer stays. */
const struct meminfo *model_meminfo(const struct model *m);
long model_page_size(const struct model *m);

/* Stacks and frames. A stack at 0 pages for MODEL_HISTORY samples is forgotten (unless
 * pinned, special, or the example of a group without pages): its memory and its id
 * are given to later stacks, and if it comes back it is a new stack (first seen and
 * peak start over). Ids are below model_nstacks(); model_stack() of a free id is NULL. */
size_t model_nstacks(const struct model *m);
size_t model_nlive(const struct model *m);            /* stacks kept now */
/* After a sample of changes only (sink.h): the ids, in order, of the stacks whose count
 * may have changed in it or that were forgotten, in *ids; SIZE_MAX after any other
 * sample (every stack may have). */
size_t model_changed(const struct model *m, const uint32_t **ids);
const struct stack *model_stack(const struct model *m, uint32_t id);
/* What the blocks of a per-block dump had, of the stack's in the last one; NULL: none. */
const struct block_summary *model_stack_blocks(const struct model *m, const struct stack *st);
/* Every stack's pages now (saturating): the header's total. */
int64_t model_total_pages(const struct model *m);
/* A stack someone shows (the UI's selected, expanded and paused rows) is not forgotten
 * while pinned; pins count. */
void model_pin(struct model *m, const struct stack *st);
void model_unpin(struct model *m, const struct stack *st);
/* Bytes the model has allocated (its own accounting): stacks, frames, tables, histories,
 * groups, interned texts. */
size_t model_mem_bytes(const struct model *m);
const char *model_frame(const struct model *m, uint32_t frame_id);
/* Whether a frame's or a label's text has text (cases folded), all of them looked at
 * at once: a text without it in neither is in no row, no node. */
int model_texts_have(const struct model *m, const char *text);
/* Frame ids so far: 0 .. model_nframes() - 1. */
uint32_t model_nframes(const struct model *m);
/* Label ids so far: 0 .. model_nlabels() - 1 (a stack's own told-apart text aside). */
uint32_t model_nlabels(const struct model *m);
const char *model_label(const struct model *m, uint32_t label_id);
/* A stack's told-apart label (struct stack's apart) of its own is no label: its text is
 * kept only while a stack has it, and such texts are numbered again (their ids change)
 * when model_apart_gen() changes. */
#define MODEL_APART_ID 0x80000000u
uint32_t model_apart_gen(const struct model *m);
/* A stack's told-apart label (its apart[utf8]), made now when it is not yet. */
uint32_t model_stack_apart(const struct model *m, const struct stack *st, int utf8);
#define MODEL_APART_WANT 128
/* The stacks of the rows a screen is about to show (at most MODEL_APART_WANT are looked at;
 * NULL: a group's row): the first told-apart label of a sample asked for makes those of
 * them too by one look at every stack, not by sorting their labels' stacks (a first
 * screen of a million stacks: 0.2 s less); the labels' sorted stacks serve later ones. */
void model_apart_want(const struct model *m, const struct stack *const *sts, size_t n);
/* What later rows' told-apart labels need, made ahead once those rows are on screen: the
 * labels' stacks sorted around them (a million stacks: 0.1 to 0.2 s), and those of the
 * labels of many split into parts of fewer than 256, so that a row a search or a page
 * brings costs a look at its part's stacks (a million stacks in 64 labels: 45 ms more). */
void model_apart_prepare(const struct model *m);
/* Stacks from which the walk that tells the first stacks asked for in a sample apart
 * (batch output's rows, the screen's first) takes two CPUs when two are free; tests make
 * it smaller. */
#define APART_SCAN_SPLIT_MIN (256 * 1024)
extern size_t apart_scan_split_min;
int model_frame_is_alloc(const struct model *m, uint32_t frame_id);
/* The label of the group of mode g that a stack counts in: GROUP_CALLER, GROUP_MODULE;
 * GROUP_FUNCTION: that of its frame i (a stack counts once in each function of its
 * frames). UINT32_MAX for GROUP_STACK. For tests that check the groups' sums. */
uint32_t model_group_label(const struct model *m, const struct stack *st, enum group_mode g,
			   unsigned i);
/* The same for a stack of these frames (ids of m), kept or not (a replay tape's). */
uint32_t model_frames_label(const struct model *m, const uint32_t *frames, unsigned n,
			    enum group_mode g, unsigned i);
/* fn is told of every block of a per-block dump as the model counts it, with its stack
 * (during the sample: model_nsamples() is the sample's number); NULL: none. */
void model_on_block(struct model *m,
		    void (*fn)(void *self, const struct stack *st, const struct block_info *b),
		    void *self);
/* Stacks of a special kind, for warnings (NULL when absent). */
const struct stack *model_special(const struct model *m, enum stack_kind k);

/* Baseline: set to the current sample, or back to the first one. */
void model_set_baseline(struct model *m);
void model_reset_baseline(struct model *m);
uint32_t model_baseline_sample(const struct model *m);

/* Allocator machinery patterns (fnmatch globs on the function name without compiler
 * suffixes): the caller of a stack is its first frame that matches none. NULL restores
 * the defaults. Returns 0. */
int model_set_alloc_patterns(struct model *m, const char *const *globs, size_t n);
extern const char *const model_default_alloc_patterns[];
/* For a model whose groups nothing asks for (a batch that prints stacks): stacks are
 * kept and counted without them, and no stack is kept as a group's example. Before the
 * first sample; model_reset() keeps it. */
void model_groups_off(struct model *m);
/* For a screen that shows stacks first: the groups of the first sample are made when a
 * view of groups or the next sample asks for them, or by model_groups_step() while the
 * screen waits (a million stacks: a tenth of a second less before the first rows). The
 * same groups, in the same order, as made with the sample. Before the first sample. */
void model_groups_late(struct model *m);
/* Some of that work, for about budget_ms: 1 when none is left. */
int model_groups_step(struct model *m, double budget_ms);

/* History of a row for sparklines: the last n values up to the current sample,
 * oldest first; returns how many were filled (at most n, at most samples seen). */
int model_history(const struct model *m, const struct counter *s, int64_t *out, int n);
/* The same up to sample k, for a copy of s taken then (model_counter_copy()). */
int model_history_at(const struct model *m, const struct counter *s, uint32_t k, int64_t *out,
		     int n);

/* Buckets the charts keep of a row (a stack, a group; fewer when they need more than
 * 208 bytes) and of the total. */
#define MODEL_CHART_BUCKETS 64
#define MODEL_CHART_TOTAL_BUCKETS 1024
/* Charts: the pages of a row over samples lo..hi (hi past the last sample: the last),
 * in at most ncols columns, each the smallest and largest value of its samples (column
 * c from lo + c * n / ncols, n = hi - lo + 1). One column a sample when there are fewer
 * samples. Every sample since the first is kept, downsampled to a bounded number of
 * buckets per row (a stack's go with it when the model forgets it): a column covering
 * part of a bucket gets the bucket's. Returns the columns filled (0: no sample). */
int model_chart(const struct model *m, const struct counter *s, uint32_t lo, uint32_t hi,
		int ncols, int64_t *cmin, int64_t *cmax);
/* The same for the sum of n rows (a tree's node: the stacks below it), in bounded
 * memory: a column's smallest and largest value are the sums of the rows' (exact where
 * each row's column is one value, else a range around the sum's). */
int model_chart_sum(const struct model *m, const struct counter *const *s, size_t n,
		    uint32_t lo, uint32_t hi, int ncols, int64_t *cmin, int64_t *cmax);
/* The same a slice at a time (a node of 100,000 stacks takes longer than a frame): a
 * sum begins (NULL: no column to fill), takes rows in any number of calls (the same
 * rows in the same order make the same columns), and ends into cmin and cmax (NULL:
 * dropped), returning the columns filled. */
struct chart_sum *model_chart_sum_begin(const struct model *m, uint32_t lo, uint32_t hi,
					int ncols);
void model_chart_sum_add(struct chart_sum *cs, const struct counter *const *s, size_t n);
int model_chart_sum_end(struct chart_sum *cs, int64_t *cmin, int64_t *cmax);
/* The same for the total pages of every stack. */
int model_chart_total(const struct model *m, uint32_t lo, uint32_t hi, int ncols,
		      int64_t *cmin, int64_t *cmax);
/* The samples a bucket of a row (NULL: of the total) spans now, from its first sample:
 * columns of whole buckets are exact. */
uint32_t model_chart_span(const struct model *m, const struct counter *s);
/* Bytes the charts' series take (part of model_mem_bytes()). */
size_t model_chart_bytes(const struct model *m);
/* The counter of the row that is the same as a row of another model (a replica built
 * from this one): a stack by handle or frame texts, a group by label. NULL: none. */
const struct counter *model_same_row(const struct model *m, const struct model *other,
				     enum group_mode g, const struct stack *st, uint32_t label);

/* A copy of a counter that stays as it is while the model goes on (a paused display):
 * its history goes to mem, which has model_counter_copy_size(s) bytes (a multiple of 8)
 * and is suitably aligned for anything; model_history_at() reads it up to the sample
 * it was taken at. */
size_t model_counter_copy_size(const struct counter *s);
void model_counter_copy(struct counter *dst, const struct counter *s, void *mem);

/* Leak score of a counter (exposed for tests). */
double model_score(const struct counter *s);

/* Filters: extended regular expressions; a leading '!' excludes. A stack passes when
 * every pattern without '!' matches some frame of it and no '!' pattern matches any of
 * them; a group, when they do so on its label. filter_new() returns NULL with err when
 * a pattern does not compile, or for more than 31 patterns. */
struct filter;
struct filter *filter_new(const char *const *patterns, size_t n, struct pt_err *err);
void filter_free(struct filter *f);

/* A threshold in the unit it was given in: rows with fewer pages than it are hidden.
 * Bytes become pages with the input's page size (rounded up), a percentage becomes
 * pages of each sample's total (rounded up), so both follow the input and the sample. */
enum threshold_unit { THRESH_PAGES, THRESH_BYTES, THRESH_PERCENT };
#define THRESH_PERCENT_ONE 1000   /* value per percent: to the thousandth of one */
struct threshold {
	enum threshold_unit unit;
	int64_t value;            /* pages, bytes or thousandths of a percent; 0: none */
};
/* The threshold in pages, for pages of page_size bytes and a sample of total pages. */
int64_t threshold_pages(const struct threshold *t, long page_size, int64_t total);
/* As the settings read it back: "64", "64M", "4100B", "0.5%" (malloc'ed). */
char *threshold_text(const struct threshold *t);

struct view_opts {
	enum group_mode group;
	enum sort_key key;
	int ascending;
	struct threshold threshold; /* 0: none */
	struct filter *filter;    /* may be NULL */
	size_t limit;             /* only the first rows need sorting (0: all) */
	int top_only;             /* with limit: the view keeps only the first rows */
	int unordered;            /* the rows in the model's order, none sorted */
	/* near_on: the row of near_stack (NULL: of the group labelled near_label) put in
	 * order too, with near_before rows before it and near_after after (view.near) */
	int near_on;
	const struct stack *near_stack;
	uint32_t near_label;
	size_t near_before, near_after;
};
void view_opts_init(struct view_opts *o);

struct row {
	const struct counter *s;
	const struct stack *stack; /* GROUP_STACK */
	const struct group *group; /* other modes */
	uint32_t label;
	uint32_t seq;              /* the order rows came in (a stack's id, a group's place):
				    * it breaks ties of the sort key */
};

struct view {
	struct row *rows;
	size_t nrows, cap;        /* rows kept: all shown ones, or the first of them */
	size_t shown;             /* rows that pass the threshold and the filter */
	/* totals: all stacks, and the rows shown */
	int64_t total_pages, total_delta, total_delta_base;
	double total_rate;
	int64_t shown_pages;
	int64_t total_calls;      /* allocinfo: every call site's calls */
	size_t total_rows;        /* rows before the threshold and the filter */
	int64_t threshold;        /* the threshold of this sample, in pages */
	/* rows [0, sorted_head) and [sorted_tail, nrows) are in order, the others between
	 * them in no order (with a limit: view_need() sorts more) */
	size_t sorted_head, sorted_tail;
	size_t near;              /* view_opts' near row, in order; SIZE_MAX: not placed */
	/* kept from one build to the next, so that a sort of a million rows does not fault
	 * in fresh memory: the sort's keys (the rows are moved in place) */
	void *scratch;
	size_t scratch_size;
	int keys_made;            /* in model_view(): the scratch holds every row's sort key */
	/* after rows were put in order (mid_gen: the view's gen then), the scratch holds the
	 * keys of the rows still in no order, for the next look at them (model_view.c) */
	int mid;
	uint64_t mid_gen;
	int mid_key, mid_ascending;
	size_t mid_a, mid_b;
	/* top_only with a limit: the first rows and the totals kept from one sample to the
	 * next (model_view.c), and how many builds came from them, not from every stack */
	struct view_keep *keep;
	size_t kept_builds;
	uint64_t gen;             /* changes whenever rows move or are made again */
	/* rows not in order yet no longer come in the order of their ties (row.seq): rows
	 * were taken out from among them, and others put in their places */
	int mixed;
	/* the places of rows moved since view_moved_begin(), while moved_gen is gen */
	uint32_t *moved;
	size_t nmoved, moved_cap;
	uint64_t moved_gen;
	struct view_bg *bg;       /* view_sort_slice()'s work so far, or NULL */
};
/* What a row is called on the screen and in batch text: a stack's label told apart
 * (model_stack_apart()), a group's label. */
uint32_t view_row_label(const struct model *m, const struct row *r, int utf8);
void view_init(struct view *v);
void view_free(struct view *v);
/* A row's pages in percent of all the sample's pages (total_pages), 0 when it has none:
 * the "%" column of the screen and of batch mode. */
double view_share(const struct view *v, const struct counter *s);
/* Builds (filters, groups, sorts) the view for the current sample. The model keeps the
 * groups of every mode from the first sample on, so any mode asked for at any sample has
 * its whole history: the screen and batch mode give the same numbers. */
void model_view(struct model *m, const struct view_opts *o, struct view *v);
/* After model_view() with a limit: the rows from the one at from on (those past the
 * limit, which came in no order) sorted too, as model_view() without a limit would. */
void view_sort_rest(const struct model *m, const struct view_opts *o, struct view *v,
		    size_t from);
/* Rows [lo, hi) put in order, as model_view() without a limit would have them: the rows
 * not in order yet that go first (or last, when fewer) selected and sorted. */
void view_need(const struct model *m, const struct view_opts *o, struct view *v, size_t lo,
	       size_t hi);
/* The row at i moved to its place in the order, with before rows before it and after
 * rows after it in order too: returns its place. Costs one look at each row not in
 * order, not a sort of them. */
size_t view_place(const struct model *m, const struct view_opts *o, struct view *v,
		  size_t i, size_t before, size_t after);
/* From now on the view notes the places of rows it moves to put rows in order (view_need(),
 * view_place(), view_find()): view_moved() gives them, n of them, or NULL when rows may
 * have moved otherwise too since (a sort of them all, a new build). */
void view_moved_begin(struct view *v);
const uint32_t *view_moved(const struct view *v, size_t *n);
/* Among the rows not in order yet, the first in the order (last: the last) for which
 * want(arg, i) says yes, moved to its place as by view_place(): returns its place, or
 * SIZE_MAX when none is wanted. Costs one look at each of them, not a sort. */
size_t view_find(const struct model *m, const struct view_opts *o, struct view *v, int last,
		 int (*want)(void *arg, size_t i), void *arg, size_t before, size_t after);
/* The same in a view of stacks, wanted by their ids: by_id[id] is 2 for a stack wanted
 * (n ids). Costs one look at each row not in order, none into its stack. */
size_t view_find_ids(const struct model *m, const struct view_opts *o, struct view *v,
		     int last, const uint8_t *by_id, size_t n, size_t before, size_t after);
/* What view_find(), view_find_ids() and view_place() look at first, made ahead: the sort
 * keys of the rows not in order (one look at each row's counter), kept while the view
 * stays as it is. */
void view_middle_ready(const struct model *m, const struct view_opts *o, struct view *v);
/* While nothing else is to be done: the rows not in order yet sorted a slice at a time
 * (until time_mono() passes deadline) into new rows, the view's own left as they are, so
 * that it stays usable between slices; a change to the view starts the work again. When
 * the new rows are made, copy(arg, rows, lo, hi) is given them in pieces, rows [lo, hi)
 * of the new order, from the first row not in order to the last; then the view takes
 * them (every row in order) and 1 is returned. 0: more slices are needed. The calls
 * after free the memory the work used (view_sort_slice_stop()). */
int view_sort_slice(const struct model *m, const struct view_opts *o, struct view *v,
		    double deadline, void (*copy)(void *arg, const struct row *rows, size_t lo,
						  size_t hi), void *arg);
/* The work of view_sort_slice() given up, or its memory after it is done freed: a piece
 * a call (a million rows' free takes milliseconds). Returns 1 when none is left. */
int view_sort_slice_stop(struct view *v);
/* The work of view_sort_slice() not to be resumed (what copy() was given is gone): the
 * next call starts it again. Frees nothing. */
void view_sort_slice_give_up(struct view *v);

#endif
