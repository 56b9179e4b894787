/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_attrib.h - who, how and since when: the per-block dump's blocks by task, memory
 * cgroup, allocator class, GFP flag, order, migrate type, migration and age, selected
 * and grouped in one or two levels (the work of the kernel's page_owner_sort). */
#ifndef PAGETOP_MODEL_ATTRIB_H
#define PAGETOP_MODEL_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

enum attr_key {
	AK_NONE = 0,
	AK_STACK,     /* the stack (as --group stack) */
	AK_CALLER,    /* its caller (as --group caller) */
	AK_PID, AK_TGID, AK_COMM,
	AK_MEMCG,     /* "NAME", "NAME (offline)", "(none)" */
	AK_CLASS,     /* page_owner_sort's allocator: CMA, SLAB, VMALLOC, OTHERS */
	AK_GFP,       /* each flag named in the mask's text: a block counts under each */
	AK_ORDER,
	AK_MT,        /* migrate type */
	AK_MIGRATED,  /* "migrated (REASON)" or "not migrated" */
	AK_AGE,       /* now - ts, in ranges */
	AK__N
};
const char *attr_key_name(enum attr_key k);
/* One key by name (n bytes of s): 0, or -1. */
int attr_key_parse(const char *s, size_t n, enum attr_key *k);
/* Whether a --group value is for this module: an attribution key, or two keys
 * "KEY,KEY" of which the first may be stack or caller only when the second is not. */
int attr_group_is_attrib(const char *s);

#define ATTR_LIST_MAX 64

enum attr_sort { ATTR_SORT_PAGES = 0, ATTR_SORT_BLOCKS, ATTR_SORT_KEY, ATTR_SORT_ORDER };

struct attrib_opts {
	enum attr_key keys[2];       /* --group K1[,K2]; AK_NONE: not given */
	int pids[ATTR_LIST_MAX], tgids[ATTR_LIST_MAX];
	size_t npids, ntgids;
	const char *comms[ATTR_LIST_MAX];
	size_t ncomms;
	char *comm_buf;              /* the --comm lists, split (allocated) */
	double older_than;           /* seconds; < 0: none */
	double now;                  /* --now: seconds since boot; < 0: not given */
	enum attr_sort sort;
	int sort_given, ascending;
	int stack_sel;               /* the blocks of stack only (the screen's expanded stack) */
	uint32_t stack;
};
void attrib_opts_init(struct attrib_opts *o);
void attrib_opts_free(struct attrib_opts *o);
/* Whether any attribution option was given (--sort blocks, order or key too). */
int attrib_opts_active(const struct attrib_opts *o);
/* "1,2,3" into list (pids, tgids): 0, or -1 with err naming opt. */
int attr_parse_ids(const char *opt, const char *s, int *list, size_t *n, struct pt_err *err);
/* "a,b" of command names (split into a copy kept in o->comm_buf). */
int attr_parse_comms(struct attrib_opts *o, const char *s, struct pt_err *err);
/* "90", "90s", "10m", "2h", "1d" (decimal numbers allowed) into seconds. */
int attr_parse_duration(const char *s, double *secs);
/* --group K1[,K2] into o->keys. */
int attr_parse_group(struct attrib_opts *o, const char *s, struct pt_err *err);
/* --sort for the attribution rows: blocks, order (average), key (or label), pages
 * (or bytes, share), with :asc or :desc. 0, 1 when it is none of these, -1 bad. */
int attr_parse_sort(struct attrib_opts *o, const char *s);

/* The first line of /proc/uptime (or a copy of it): seconds since boot. */
int attr_read_uptime(const char *path, double *secs, struct pt_err *err);

/* When the blocks were read, on the clock of their ts (seconds since boot). */
struct attr_clock {
	double now;                  /* --now, or the saved dump's uptime file; < 0: neither */
	double boot;                 /* live: the realtime clock's time of the boot; < 0: not live */
	int folder;                  /* a folder of NAME.uptime files: the samples' own times */
};
/* The time of the model's current sample by c: seconds since boot, < 0 unknown. */
double attr_clock_now(const struct attr_clock *c, const struct model *m);

/* The blocks of the model's current per-block dump, as they came (model_on_block). */
struct attrib;
struct attrib *attrib_new(struct model *m);
void attrib_free(struct attrib *a);
/* Blocks of the model's current sample. */
size_t attrib_nblocks(const struct attrib *a);
/* The memory its blocks and tables hold. */
size_t attrib_mem_bytes(const struct attrib *a);
/* The blocks, of the model's current sample, onto the model to that read the same series
 * further: map gives a stack's id in to (UINT32_MAX: none). They are then a's blocks
 * whatever to's sample, and its model's are a's no more. 0, or -1 (a unchanged) when
 * a stack has no id in to. */
int attrib_move(struct attrib *a, struct model *to,
		uint32_t (*map)(void *ctx, uint32_t id), void *ctx);

struct attr_row {
	int level;            /* 0: a group of the first key; 1: of the second, under it */
	char *label;          /* the key's value */
	uint64_t pages, blocks;
	uint64_t order_sum;   /* sum of the blocks' orders: average order = / blocks */
	uint32_t stack;       /* AK_STACK rows: the stack's id */
	int64_t num;          /* numeric keys' value (pid, tgid, order, age range) */
	uint32_t group;       /* attrib_view()'s own: the group it was made of */
};

struct attr_view {
	struct attr_row *rows;
	size_t nrows, cap;
	size_t ngroups;             /* first-level groups, before the limit */
	uint64_t pages, blocks;     /* of the selected blocks */
	uint64_t all_pages, all_blocks; /* of every block of the sample */
};
void attr_view_init(struct attr_view *v);
void attr_view_free(struct attr_view *v);

/* The selected blocks grouped by o->keys (AK_STACK when none), sorted, first-level
 * groups limited to limit (0: all) and as many under each. now: seconds since boot at
 * the read, < 0 unknown: the age key and --older-than then fail with why. 0, or -1. */
int attrib_view(struct attrib *a, const struct attrib_opts *o, double now, size_t limit,
		struct attr_view *v, struct pt_err *err);

#endif
