/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_attrib.c - the per-block dump's blocks by who, how and since when.
 *
 * The model tells this module of every block (model_on_block()); it keeps one small
 * record per block of the current dump, its texts (command, cgroup, flags) interned.
 * A view selects blocks (--pid, --tgid, --comm, --older-than), gives each the value of
 * one or two keys as a number (a pid, an interned text's id, a stack's id), sums pages
 * and blocks per value in a hash table, and only then makes the labels of the groups. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gettext.h"
#include "model_attrib.h"

#define _(s) gettext(s)

static const char *const key_names[AK__N] = {
	[AK_NONE] = "none", [AK_STACK] = "stack", [AK_CALLER] = "caller", [AK_PID] = "pid",
	[AK_TGID] = "tgid", [AK_COMM] = "comm", [AK_MEMCG] = "memcg", [AK_CLASS] = "class",
	[AK_GFP] = "gfp", [AK_ORDER] = "order", [AK_MT] = "migratetype",
	[AK_MIGRATED] = "migrated", [AK_AGE] = "age",
};

const char *attr_key_name(enum attr_key k)
{
	return k < AK__N ? key_names[k] : "none";
}

int attr_key_parse(const char *s, size_t n, enum attr_key *k)
{
	/* page_owner_sort's names too */
	static const struct { const char *name; enum attr_key k; } alias[] = {
		{ "name", AK_COMM }, { "allocator", AK_CLASS }, { "ator", AK_CLASS },
		{ "mt", AK_MT }, { "stacktrace", AK_STACK }, { "st", AK_STACK },
		{ "p", AK_PID }, { "tg", AK_TGID }, { "n", AK_COMM },
	};

	for (int i = AK_STACK; i < AK__N; i++)
		if (strlen(key_names[i]) == n && memcmp(s, key_names[i], n) == 0) {
			*k = (enum attr_key)i;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (strlen(alias[i].name) == n && memcmp(s, alias[i].name, n) == 0) {
			*k = alias[i].k;
			return 0;
		}
	return -1;
}

int attr_group_is_attrib(const char *s)
{
	const char *c = strchr(s, ',');
	enum attr_key k;

	if (c)
		return 1;
	return attr_key_parse(s, strlen(s), &k) == 0 && k != AK_STACK && k != AK_CALLER;
}

void attrib_opts_init(struct attrib_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->older_than = -1;
	o->now = -1;
}

void attrib_opts_free(struct attrib_opts *o)
{
	free(o->comm_buf);
	o->comm_buf = NULL;
}

int attrib_opts_active(const struct attrib_opts *o)
{
	return o->keys[0] != AK_NONE || o->npids || o->ntgids || o->ncomms || o->older_than >= 0 ||
	       o->sort_given;
}

int attr_parse_ids(const char *opt, const char *s, int *list, size_t *n, struct pt_err *err)
{
	const char *p = s;

	for (;;) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < 0 || v > INT32_MAX || (*end && *end != ',')) {
			pt_err_set(err, _("%s: expected numbers separated by commas (1,2), found '%s'"),
				   opt, s);
			return -1;
		}
		if (*n >= ATTR_LIST_MAX) {
			pt_err_set(err, _("%s: at most %d numbers, found more in '%s'"), opt,
				   ATTR_LIST_MAX, s);
			return -1;
		}
		list[(*n)++] = (int)v;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

int attr_parse_comms(struct attrib_opts *o, const char *s, struct pt_err *err)
{
	size_t old = o->comm_buf ? strlen(o->comm_buf) + 1 : 0, len = strlen(s);
	char *buf = xmalloc(old + len + 1), *p;

	/* earlier lists stay where they are: keep them, the new one after them */
	if (old) {
		memcpy(buf, o->comm_buf, old);
		for (size_t i = 0; i < o->ncomms; i++)
			o->comms[i] = buf + (o->comms[i] - o->comm_buf);
		free(o->comm_buf);
	}
	o->comm_buf = buf;
	p = buf + old;
	memcpy(p, s, len + 1);
	for (;;) {
		char *c = strchr(p, ',');

		if (c)
			*c = '\0';
		if (o->ncomms >= ATTR_LIST_MAX) {
			pt_err_set(err, _("--comm: at most %d names, found more in '%s'"),
				   ATTR_LIST_MAX, s);
			return -1;
		}
		o->comms[o->ncomms++] = p;
		if (!c)
			return 0;
		p = c + 1;
	}
}

int attr_parse_duration(const char *s, double *secs)
{
	char *end;
	double v = strtod_c(s, &end), mul = 1;

	if (end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end) {
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	*secs = v * mul;
	return v * mul <= PT_TIME_MAX ? 0 : -1;
}

int attr_parse_group(struct attrib_opts *o, const char *s, struct pt_err *err)
{
	const char *c = strchr(s, ',');
	size_t n1 = c ? (size_t)(c - s) : strlen(s);

	o->keys[0] = o->keys[1] = AK_NONE;
	if (attr_key_parse(s, n1, &o->keys[0]) < 0 ||
	    (c && (attr_key_parse(c + 1, strlen(c + 1), &o->keys[1]) < 0 ||
		   o->keys[1] == o->keys[0]))) {
		pt_err_set(err, _("--group: expected a key or two different keys KEY,KEY of stack, caller, pid, tgid, comm, memcg, class, gfp, order, migratetype, migrated, age, found '%s'"),
			   s);
		o->keys[0] = o->keys[1] = AK_NONE;
		return -1;
	}
	return 0;
}

int attr_parse_sort(struct attrib_opts *o, const char *s)
{
	static const struct { const char *name; enum attr_sort sort; int asc; } keys[] = {
		{ "blocks", ATTR_SORT_BLOCKS, 0 }, { "order", ATTR_SORT_ORDER, 0 },
		{ "key", ATTR_SORT_KEY, 1 },
	};
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strlen(keys[i].name) != n || memcmp(s, keys[i].name, n) != 0)
			continue;
		o->sort = keys[i].sort;
		o->ascending = keys[i].asc;
		o->sort_given = 1;
		if (colon && strcmp(colon, ":asc") == 0)
			o->ascending = 1;
		else if (colon && strcmp(colon, ":desc") == 0)
			o->ascending = 0;
		else if (colon)
			return -1;
		return 0;
	}
	return 1;
}

int attr_read_uptime(const char *path, double *secs, struct pt_err *err)
{
	FILE *fp = fopen(path, "re");
	char line[128], *end;
	double v;

	if (!fp) {
		pt_err_set(err, _("%s: %s"), path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		pt_err_set(err, _("%s: expected the seconds since boot (as /proc/uptime), found nothing"),
			   path);
		return -1;
	}
	fclose(fp);
	v = strtod_c(line, &end);
	if (end == line || !isfinite(v) || v < 0 || v > PT_TIME_MAX ||
	    (*end && *end != ' ' && *end != '\n')) {
		line[strcspn(line, "\n")] = '\0';
		pt_err_set(err, _("%s: expected the seconds since boot (as /proc/uptime), found '%s'"),
			   path, line);
		return -1;
	}
	*secs = v;
	return 0;
}

double attr_clock_now(const struct attr_clock *c, const struct model *m)
{
	if (c->now >= 0)
		return c->now;
	if (c->boot >= 0)
		return model_sample_time(m) - c->boot;
	if (c->folder && !model_time_abs(m))
		return model_sample_time(m);
	return c->now;
}

/* ---- the blocks of a dump ---- */

enum { F_MIGRATED = 1, F_SLAB = 2, F_CMA = 4, F_OFFLINE = 8, F_HAS_TS = 16 };

/* What neighbouring blocks mostly share, interned as tuples: a block keeps 24 bytes,
 * written once each on the thread that feeds the model (fresh memory, the most of that
 * thread's time after the parse). */
struct atask {
	int32_t pid, tgid;
	uint32_t comm;              /* text id */
};

struct aext {
	uint32_t gfp;               /* text id */
	uint32_t memcg;             /* text id; UINT32_MAX: none */
	uint32_t reason;            /* migrate reason id; UINT32_MAX: none */
	uint8_t order, mt, flags, pad;
};

struct ablk {
	uint32_t stack;
	uint32_t task, ext;         /* its struct atask and struct aext, by id */
	uint32_t pad;
	uint64_t ts;
};

/* Tuples of one kind by id, the block before's found without a lookup. */
struct tuples {
	struct strtab *ids;         /* the tuples' bytes */
	char *v;                    /* by id, size bytes each */
	size_t size, cap;
	char last[16];              /* the last tuple asked for, and its id (UINT32_MAX: none) */
	uint32_t last_id;
};

struct attrib {
	struct model *m;
	uint32_t sample;            /* the model's sample the blocks are of */
	struct ablk *b;
	size_t n, cap;
	struct strtab *texts;       /* commands, cgroups, flag texts, reasons */
	struct strtab *flags;       /* single GFP flag names */
	struct tuples tasks, exts;  /* struct atask, struct aext */
	uint32_t **flag_lists;      /* by text id: flag ids, ended by UINT32_MAX (lazily) */
	size_t flag_lists_cap;
	uint32_t last_comm, last_gfp, last_memcg; /* the block before's texts, or UINT32_MAX */
	int moved;                  /* attrib_move(): the blocks stay, whatever m's sample */
};

_Static_assert(sizeof(struct ablk) == 24, "a block in 24 bytes");

#define TASK(a, b) ((const struct atask *)(a)->tasks.v + (b)->task)
#define EXT(a, b) ((const struct aext *)(a)->exts.v + (b)->ext)

/* The id of text s: the block before's (last) when it is the same text, as it is for most
 * neighbouring blocks (one task's, with one mask), else interned. */
static uint32_t intern_again(struct strtab *t, uint32_t *last, const char *s, size_t len)
{
	if (*last != UINT32_MAX && strtab_len(t, *last) == len &&
	    memcmp(strtab_str(t, *last), s, len) == 0)
		return *last;
	*last = strtab_intern(t, s, len);
	return *last;
}

static void tuples_init(struct tuples *t, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->ids = strtab_new();
	t->size = size;
	t->last_id = UINT32_MAX;
}

static void tuples_free(struct tuples *t)
{
	strtab_free(t->ids);
	free(t->v);
}

/* The id of tuple e, new in t. */
static uint32_t tuple_add(struct tuples *t, const void *e)
{
	uint32_t id = strtab_intern(t->ids, e, t->size);

	if (id >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xreallocarray(t->v, t->cap, t->size);
	}
	memcpy(t->v + id * t->size, e, t->size);
	memcpy(t->last, e, t->size);
	t->last_id = id;
	return id;
}

/* The id of tuple e (size bytes: t->size, a constant, so that the test against the block
 * before's is a few loads, not a call; padding zeroed). */
static inline uint32_t tuple_id(struct tuples *t, const void *e, size_t size)
{
	if (t->last_id != UINT32_MAX && memcmp(t->last, e, size) == 0)
		return t->last_id;
	return tuple_add(t, e);
}

/* Tuples outlive the blocks that named them (a task gone): they are let go, all at once,
 * when they far outnumber the blocks of the sample before, so a long run over many
 * short-lived tasks keeps its memory. No block names a tuple then. */
static void tuples_trim(struct tuples *t, size_t nblocks)
{
	size_t size = t->size;

	if (strtab_count(t->ids) <= 4 * nblocks + 4096)
		return;
	tuples_free(t);
	tuples_init(t, size);
}

static size_t tuples_bytes(const struct tuples *t)
{
	return strtab_bytes(t->ids) + t->cap * t->size;
}

static void on_block(void *self, const struct stack *st, const struct block_info *bi)
{
	struct attrib *a = self;
	uint32_t sample = model_nsamples(a->m);
	struct ablk *b;
	struct atask k;
	struct aext e;

	if (!st) { /* the model started afresh */
		a->sample = UINT32_MAX;
		a->n = 0;
		return;
	}
	if (sample != a->sample) {
		tuples_trim(&a->tasks, a->n);
		tuples_trim(&a->exts, a->n);
		a->sample = sample;
		a->n = 0;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;

		/* huge pages: 2M blocks are 48 MB, walked again by every view */
		a->b = xhuge_realloc(a->b, a->cap, cap, sizeof(*a->b));
		a->cap = cap;
	}
	b = &a->b[a->n++];
	b->stack = st->id;
	b->pad = 0;
	b->ts = bi->ts_ns;
	k.pid = bi->pid;
	k.tgid = bi->tgid;
	k.comm = (bi->same & BI_SAME_COMM) && a->last_comm != UINT32_MAX
		 ? a->last_comm
		 : intern_again(a->texts, &a->last_comm, bi->comm ? bi->comm : "",
				bi->comm ? bi->comm_len : 0);
	b->task = tuple_id(&a->tasks, &k, sizeof(k));
	memset(&e, 0, sizeof(e));
	e.gfp = (bi->same & BI_SAME_GFP) && a->last_gfp != UINT32_MAX
		? a->last_gfp
		: intern_again(a->texts, &a->last_gfp, bi->gfp_text ? bi->gfp_text : "",
			       bi->gfp_text ? bi->gfp_text_len : 0);
	e.memcg = bi->memcg ? intern_again(a->texts, &a->last_memcg, bi->memcg, bi->memcg_len)
			    : UINT32_MAX;
	e.reason = bi->reason ? strtab_intern(a->texts, bi->reason, bi->reason_len)
			      : UINT32_MAX;
	e.order = (uint8_t)bi->order;
	e.mt = bi->mt;
	e.flags = (uint8_t)((bi->migrated ? F_MIGRATED : 0) | (bi->slab ? F_SLAB : 0) |
			    (bi->cma ? F_CMA : 0) | (bi->memcg_offline ? F_OFFLINE : 0) |
			    (bi->has_ts ? F_HAS_TS : 0));
	b->ext = tuple_id(&a->exts, &e, sizeof(e));
}

struct attrib *attrib_new(struct model *m)
{
	struct attrib *a = xcalloc(1, sizeof(*a));

	a->m = m;
	a->sample = UINT32_MAX;
	a->texts = strtab_new();
	a->flags = strtab_new();
	tuples_init(&a->tasks, sizeof(struct atask));
	tuples_init(&a->exts, sizeof(struct aext));
	a->last_comm = a->last_gfp = a->last_memcg = UINT32_MAX;
	model_on_block(m, on_block, a);
	return a;
}

void attrib_free(struct attrib *a)
{
	if (!a)
		return;
	if (!a->moved)
		model_on_block(a->m, NULL, NULL);
	for (size_t i = 0; i < a->flag_lists_cap; i++)
		free(a->flag_lists[i]);
	free(a->flag_lists);
	strtab_free(a->texts);
	strtab_free(a->flags);
	tuples_free(&a->tasks);
	tuples_free(&a->exts);
	xhuge_free(a->b, a->cap * sizeof(*a->b));
	free(a);
}

static int blocks_current(const struct attrib *a)
{
	uint32_t ns = model_nsamples(a->m);

	return a->moved || (ns && a->sample == ns - 1);
}

int attrib_move(struct attrib *a, struct model *to,
		uint32_t (*map)(void *ctx, uint32_t id), void *ctx)
{
	uint32_t last = UINT32_MAX, to_id = UINT32_MAX;

	if (!blocks_current(a))
		return -1;
	for (size_t i = 0; i < a->n; i++) { /* a stack's blocks are mostly side by side */
		if (a->b[i].stack != last) {
			last = a->b[i].stack;
			to_id = map(ctx, last);
		}
		if (to_id == UINT32_MAX)
			return -1;
	}
	last = UINT32_MAX;
	for (size_t i = 0; i < a->n; i++) {
		if (a->b[i].stack != last) {
			last = a->b[i].stack;
			to_id = map(ctx, last);
		}
		a->b[i].stack = to_id;
	}
	if (!a->moved)
		model_on_block(a->m, NULL, NULL);
	a->m = to;
	a->moved = 1;
	return 0;
}

size_t attrib_nblocks(const struct attrib *a)
{
	return blocks_current(a) ? a->n : 0;
}

size_t attrib_mem_bytes(const struct attrib *a)
{
	return a->cap * sizeof(*a->b) + strtab_bytes(a->texts) + strtab_bytes(a->flags) +
	       tuples_bytes(&a->tasks) + tuples_bytes(&a->exts);
}

/* The flag names of a mask's text ("GFP_KERNEL|__GFP_COMP"), as ids of a->flags. */
static const uint32_t *flag_list(struct attrib *a, uint32_t text)
{
	const char *s;
	size_t len, k = 0;
	uint32_t *l;

	if (text >= a->flag_lists_cap) {
		size_t old = a->flag_lists_cap;

		a->flag_lists_cap = text + 64;
		a->flag_lists = xreallocarray(a->flag_lists, a->flag_lists_cap,
					      sizeof(*a->flag_lists));
		memset(a->flag_lists + old, 0, (a->flag_lists_cap - old) * sizeof(*a->flag_lists));
	}
	if (a->flag_lists[text])
		return a->flag_lists[text];
	s = strtab_str(a->texts, text);
	len = strtab_len(a->texts, text);
	l = xmalloc((len / 2 + 2) * sizeof(*l));
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && s[j] != '|')
			j++;
		if (j > i)
			l[k++] = strtab_intern(a->flags, s + i, j - i);
		i = j + 1;
	}
	if (!k) /* no flag: a mask of 0 */
		l[k++] = strtab_intern(a->flags, "", 0);
	l[k] = UINT32_MAX;
	a->flag_lists[text] = l;
	return l;
}

/* page_owner_sort's allocator classes of a block: CMA, SLAB from the PFN line, VMALLOC
 * when a frame __vmalloc_node_range* follows one with alloc_pages in it. */
enum { CL_CMA = 1, CL_SLAB = 2, CL_VMALLOC = 4, CL_OTHERS = 8 };

static int stack_vmalloc(const struct model *m, uint32_t id)
{
	const struct stack *st = model_stack(m, id);

	for (unsigned i = 1; st && i < st->nframes; i++)
		if (strstr(model_frame(m, st->frames[i]), "__vmalloc_node_range") &&
		    strstr(model_frame(m, st->frames[i - 1]), "alloc_pages"))
			return 1;
	return 0;
}

/* Ages from now: the ranges of the age key. */
static const double age_edges[] = { 60, 600, 3600, 86400 };
#define AGE_RANGES 5
#define AGE_UNKNOWN 5

static int age_range(const struct aext *e, const struct ablk *b, double now)
{
	double age;
	int r = 0;

	if (!(e->flags & F_HAS_TS))
		return AGE_UNKNOWN;
	age = now - (double)b->ts / 1e9;
	while (r < AGE_RANGES - 1 && age >= age_edges[r])
		r++;
	return r;
}

struct vctx {
	struct attrib *a;
	const struct attrib_opts *o;
	double now;
	uint8_t *vm;            /* by stack id: 0 unknown, 1 not vmalloc, 2 vmalloc */
	size_t nvm;
};

/* The values of key k for block b (most keys have one; gfp one per flag): n of them
 * into v (room for 64). */
static unsigned key_values(struct vctx *c, enum attr_key k, const struct ablk *b, uint64_t *v)
{
	const struct model *m = c->a->m;
	const struct aext *e = EXT(c->a, b);

	switch (k) {
	case AK_NONE:
	case AK_STACK:
		v[0] = b->stack;
		return 1;
	case AK_CALLER: {
		const struct stack *st = model_stack(m, b->stack);

		v[0] = st ? st->label : UINT32_MAX;
		return 1;
	}
	case AK_PID: v[0] = (uint64_t)(uint32_t)TASK(c->a, b)->pid; return 1;
	case AK_TGID: v[0] = (uint64_t)(uint32_t)TASK(c->a, b)->tgid; return 1;
	case AK_COMM: v[0] = TASK(c->a, b)->comm; return 1;
	case AK_MEMCG:
		v[0] = e->memcg == UINT32_MAX ? UINT64_MAX
					      : ((uint64_t)e->memcg << 1) | !!(e->flags & F_OFFLINE);
		return 1;
	case AK_CLASS: {
		unsigned cl = 0;

		if (e->flags & F_CMA)
			cl |= CL_CMA;
		if (e->flags & F_SLAB)
			cl |= CL_SLAB;
		if (b->stack < c->nvm) {
			if (!c->vm[b->stack])
				c->vm[b->stack] = (uint8_t)(1 + stack_vmalloc(m, b->stack));
			if (c->vm[b->stack] == 2)
				cl |= CL_VMALLOC;
		}
		v[0] = cl ? cl : CL_OTHERS;
		return 1;
	}
	case AK_GFP: {
		const uint32_t *l = flag_list(c->a, e->gfp);
		unsigned n = 0;

		while (l[n] != UINT32_MAX && n < 64) {
			v[n] = l[n];
			n++;
		}
		return n;
	}
	case AK_ORDER: v[0] = e->order; return 1;
	case AK_MT: v[0] = e->mt; return 1;
	case AK_MIGRATED:
		v[0] = !(e->flags & F_MIGRATED) ? UINT64_MAX
						: e->reason == UINT32_MAX ? UINT32_MAX : e->reason;
		return 1;
	case AK_AGE: v[0] = (uint64_t)age_range(e, b, c->now); return 1;
	case AK__N: break;
	}
	v[0] = 0;
	return 1;
}

/* A group's label: data, the same in every language (scripts read it). */
static char *key_label(struct vctx *c, enum attr_key k, uint64_t v, int64_t *num)
{
	const struct model *m = c->a->m;
	static const char *const mts[] = { "(none)", "Unmovable", "Movable", "Reclaimable",
					   "HighAtomic", "CMA", "Isolate", "(other)" };
	static const char *const ages[] = { "<1m", "1m-10m", "10m-1h", "1h-1d", ">=1d" };

	*num = 0;
	switch (k) {
	case AK_NONE:
	case AK_STACK: {
		const struct stack *st = model_stack(m, (uint32_t)v);

		*num = (int64_t)v;
		return xasprintf("%s #%llu", st ? model_label(m, st->label) : "?",
				 (unsigned long long)v);
	}
	case AK_CALLER:
		return xstrdup(v == UINT32_MAX ? "?" : model_label(m, (uint32_t)v));
	case AK_PID:
	case AK_TGID:
	case AK_ORDER:
		*num = (int64_t)v;
		return xasprintf("%llu", (unsigned long long)v);
	case AK_COMM:
		return xstrdup(strtab_str(c->a->texts, (uint32_t)v));
	case AK_MEMCG:
		if (v == UINT64_MAX)
			return xstrdup("(no memcg)");
		if (v & 1)
			return xasprintf("%s (offline)", strtab_str(c->a->texts, (uint32_t)(v >> 1)));
		return xstrdup(strtab_str(c->a->texts, (uint32_t)(v >> 1)));
	case AK_CLASS:
		*num = (int64_t)v;
	{
		char *l = xasprintf("%s%s%s%s", v & CL_CMA ? "CMA " : "", v & CL_SLAB ? "SLAB " : "",
				    v & CL_VMALLOC ? "VMALLOC " : "", v & CL_OTHERS ? "OTHERS " : "");

		l[strlen(l) - 1] = '\0'; /* page_owner_sort's names, without its last space */
		return l;
	}
	case AK_GFP: {
		const char *f = strtab_str(c->a->flags, (uint32_t)v);

		return xstrdup(*f ? f : "(none)");
	}
	case AK_MT:
		*num = (int64_t)v;
		return xstrdup(v < ARRAY_SIZE(mts) ? mts[v] : "(other)");
	case AK_MIGRATED:
		*num = v == UINT64_MAX ? 0 : 1;
		if (v == UINT64_MAX)
			return xstrdup("not migrated");
		if (v == UINT32_MAX)
			return xstrdup("migrated");
		return xasprintf("migrated: %s", strtab_str(c->a->texts, (uint32_t)v));
	case AK_AGE:
		*num = (int64_t)v;
		return xstrdup(v < AGE_RANGES ? ages[v] : "(no time)");
	case AK__N:
		break;
	}
	return xstrdup("?");
}

/* ---- a table of groups by (parent, value) ---- */

struct grp {
	uint64_t val;
	uint32_t parent;          /* first-level group index + 1; 0: a first-level group */
	uint64_t pages, blocks, order_sum;
};

struct gtab {
	struct grp *g;
	size_t n, cap;
	uint32_t *slot;           /* index + 1 */
	size_t mask;
};

static uint64_t gkey_hash(uint64_t val, uint32_t parent)
{
	return hash_end(hash_block(hash_start(parent), val, 1), 2);
}

static uint32_t gtab_get(struct gtab *t, uint64_t val, uint32_t parent)
{
	size_t i;

	if ((t->n + 1) * 2 > t->mask + 1) {
		size_t ncap = t->mask ? (t->mask + 1) * 2 : 1024;

		free(t->slot);
		t->slot = xcalloc(ncap, sizeof(*t->slot));
		t->mask = ncap - 1;
		for (size_t k = 0; k < t->n; k++) {
			i = gkey_hash(t->g[k].val, t->g[k].parent) & t->mask;
			while (t->slot[i])
				i = (i + 1) & t->mask;
			t->slot[i] = (uint32_t)k + 1;
		}
	}
	i = gkey_hash(val, parent) & t->mask;
	while (t->slot[i]) {
		struct grp *g = &t->g[t->slot[i] - 1];

		if (g->val == val && g->parent == parent)
			return t->slot[i] - 1;
		i = (i + 1) & t->mask;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->g = xreallocarray(t->g, t->cap, sizeof(*t->g));
	}
	t->g[t->n] = (struct grp){ val, parent, 0, 0, 0 };
	t->slot[i] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/* gtab_get() with the group found last: neighbouring blocks are mostly one group's. */
struct glast {
	uint64_t val;
	uint32_t parent, g;     /* g: UINT32_MAX none */
};

static inline uint32_t gtab_get_last(struct gtab *t, uint64_t val, uint32_t parent,
				     struct glast *l)
{
	if (l->g == UINT32_MAX || l->val != val || l->parent != parent)
		*l = (struct glast){ val, parent, gtab_get(t, val, parent) };
	return l->g;
}

static void grp_add(struct grp *g, unsigned order)
{
	g->pages += 1ULL << order;
	g->blocks++;
	g->order_sum += order;
}

/* ---- sorting ---- */

struct sort_ctx {
	const struct attrib_opts *o;
	int numeric;
};

static const struct sort_ctx *sort_by; /* qsort's context: views are made on one thread */

static int row_cmp(const void *pa, const void *pb)
{
	const struct attr_row *x = pa, *y = pb;
	const struct attrib_opts *o = sort_by->o;
	int r = 0, asc = o->ascending;

	switch (o->sort) {
	case ATTR_SORT_PAGES:
		r = x->pages < y->pages ? -1 : x->pages > y->pages;
		break;
	case ATTR_SORT_BLOCKS:
		r = x->blocks < y->blocks ? -1 : x->blocks > y->blocks;
		break;
	case ATTR_SORT_ORDER: {
		/* order_sum / blocks, compared without division */
		unsigned __int128 l = (unsigned __int128)x->order_sum * y->blocks;
		unsigned __int128 g = (unsigned __int128)y->order_sum * x->blocks;

		r = l < g ? -1 : l > g;
		break;
	}
	case ATTR_SORT_KEY:
		break;
	}
	if (!asc)
		r = -r;
	if (r)
		return r;
	/* ties, and the key sort: by the key, ascending unless asked otherwise */
	if (sort_by->numeric)
		r = x->num < y->num ? -1 : x->num > y->num;
	if (!r)
		r = strcmp(x->label, y->label);
	return o->sort == ATTR_SORT_KEY && !asc ? -r : r;
}

static int key_numeric(enum attr_key k)
{
	return k == AK_PID || k == AK_TGID || k == AK_ORDER || k == AK_STACK || k == AK_NONE ||
	       k == AK_AGE || k == AK_MT || k == AK_MIGRATED;
}

void attr_view_init(struct attr_view *v)
{
	memset(v, 0, sizeof(*v));
}

static void view_clear(struct attr_view *v)
{
	for (size_t i = 0; i < v->nrows; i++)
		free(v->rows[i].label);
	v->nrows = 0;
}

void attr_view_free(struct attr_view *v)
{
	view_clear(v);
	free(v->rows);
	attr_view_init(v);
}

static struct attr_row *row_push(struct attr_view *v)
{
	if (v->nrows == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->rows = xreallocarray(v->rows, v->cap, sizeof(*v->rows));
	}
	return memset(&v->rows[v->nrows++], 0, sizeof(*v->rows));
}

static int selected(const struct vctx *c, const uint32_t *comm_ids, const struct ablk *b)
{
	const struct attrib_opts *o = c->o;
	const struct atask *k = TASK(c->a, b);
	size_t i;

	if (o->npids) {
		for (i = 0; i < o->npids && o->pids[i] != k->pid; i++)
			;
		if (i == o->npids)
			return 0;
	}
	if (o->ntgids) {
		for (i = 0; i < o->ntgids && o->tgids[i] != k->tgid; i++)
			;
		if (i == o->ntgids)
			return 0;
	}
	if (o->ncomms) {
		for (i = 0; i < o->ncomms && comm_ids[i] != k->comm; i++)
			;
		if (i == o->ncomms)
			return 0;
	}
	if (o->stack_sel && b->stack != o->stack)
		return 0;
	if (o->older_than >= 0 &&
	    (!(EXT(c->a, b)->flags & F_HAS_TS) || c->now - (double)b->ts / 1e9 <= o->older_than))
		return 0;
	return 1;
}

/* The rows of the groups ids[0..nids) of t (ids NULL: the first nids), sorted, limited. */
static void emit_level(struct vctx *c, struct gtab *t, const uint32_t *ids, size_t nids,
		       enum attr_key k, int level, size_t limit, struct attr_view *v,
		       size_t *ngroups)
{
	size_t first = v->nrows, n;
	struct sort_ctx sc = { c->o, key_numeric(k) };

	for (size_t j = 0; j < nids; j++) {
		size_t i = ids ? ids[j] : j;
		struct grp *g = &t->g[i];
		struct attr_row *r;

		r = row_push(v);
		r->level = level;
		r->pages = g->pages;
		r->blocks = g->blocks;
		r->order_sum = g->order_sum;
		r->stack = (k == AK_STACK || k == AK_NONE) ? (uint32_t)g->val : UINT32_MAX;
		r->label = key_label(c, k, g->val, &r->num);
		r->group = (uint32_t)i;
	}
	n = v->nrows - first;
	if (ngroups)
		*ngroups = n;
	if (n > 1) {
		sort_by = &sc;
		qsort(v->rows + first, n, sizeof(*v->rows), row_cmp);
		sort_by = NULL;
	}
	if (limit && n > limit) {
		for (size_t i = first + limit; i < v->nrows; i++)
			free(v->rows[i].label);
		v->nrows = first + limit;
	}
}

int attrib_view(struct attrib *a, const struct attrib_opts *o, double now, size_t limit,
		struct attr_view *v, struct pt_err *err)
{
	struct vctx c = { a, o, now, NULL, 0 };
	enum attr_key k1 = o->keys[0] == AK_NONE ? AK_STACK : o->keys[0], k2 = o->keys[1];
	uint32_t comm_ids[ATTR_LIST_MAX];
	struct gtab t1 = { 0 }, t2 = { 0 };
	struct glast l1 = { 0, 0, UINT32_MAX }, l2 = { 0, 0, UINT32_MAX };
	size_t n = blocks_current(a) ? a->n : 0;
	uint64_t v1[64], v2[64];

	view_clear(v);
	v->pages = v->blocks = v->all_pages = v->all_blocks = 0;
	v->ngroups = 0;
	if (now < 0 && (k1 == AK_AGE || k2 == AK_AGE || o->older_than >= 0)) {
		pt_err_set(err, _("%s: the age of blocks needs the time of the read: a saved dump takes it from an 'uptime' file beside it (a copy of /proc/uptime) or from --now SECONDS (since boot)"),
			   k1 == AK_AGE || k2 == AK_AGE ? "--group age" : "--older-than");
		return -1;
	}
	for (size_t i = 0; i < o->ncomms; i++)
		comm_ids[i] = strtab_find(a->texts, o->comms[i], strlen(o->comms[i]));
	c.nvm = model_nstacks(a->m);
	c.vm = xcalloc(c.nvm ? c.nvm : 1, 1);
	for (size_t i = 0; i < n; i++) {
		const struct ablk *b = &a->b[i];
		unsigned n1, n2 = 0, order = EXT(a, b)->order;

		v->all_pages += 1ULL << order;
		v->all_blocks++;
		if (!selected(&c, comm_ids, b))
			continue;
		v->pages += 1ULL << order;
		v->blocks++;
		n1 = key_values(&c, k1, b, v1);
		if (k2 != AK_NONE)
			n2 = key_values(&c, k2, b, v2);
		for (unsigned x = 0; x < n1; x++) {
			uint32_t g = gtab_get_last(&t1, v1[x], 0, &l1);

			grp_add(&t1.g[g], order);
			for (unsigned y = 0; y < n2; y++) {
				uint32_t h = gtab_get_last(&t2, v2[y], g + 1, &l2);

				grp_add(&t2.g[h], order);
			}
		}
	}
	emit_level(&c, &t1, NULL, t1.n, k1, 0, limit, v, &v->ngroups);
	if (k2 != AK_NONE) {
		/* each first-level row, then its rows of the second key */
		size_t n0 = v->nrows;
		struct attr_row *top = xreallocarray(NULL, n0 ? n0 : 1, sizeof(*top));
		uint32_t *at = xcalloc(t1.n + 2, sizeof(*at)), *ids = NULL;
		struct attr_view sub;

		/* the second level's groups by parent (g + 1), each parent's in table order */
		for (size_t i = 0; i < t2.n; i++)
			at[t2.g[i].parent + 1]++;
		for (size_t i = 1; i < t1.n + 2; i++)
			at[i] += at[i - 1];
		ids = xreallocarray(NULL, t2.n ? t2.n : 1, sizeof(*ids));
		for (size_t i = 0; i < t2.n; i++)
			ids[at[t2.g[i].parent]++] = (uint32_t)i;
		/* at[p] is now where parent p's groups end, at[p - 1] where they start */

		if (n0)
			memcpy(top, v->rows, n0 * sizeof(*top));
		v->nrows = 0;
		attr_view_init(&sub);
		for (size_t i = 0; i < n0; i++) {
			uint32_t gi = top[i].group + 1;

			*row_push(v) = top[i];
			emit_level(&c, &t2, ids + at[gi - 1], at[gi] - at[gi - 1], k2, 1, limit,
				   &sub, NULL);
			for (size_t j = 0; j < sub.nrows; j++)
				*row_push(v) = sub.rows[j];
			sub.nrows = 0; /* the labels moved to v */
		}
		attr_view_free(&sub);
		free(top);
		free(ids);
		free(at);
	}
	free(c.vm);
	free(t1.g);
	free(t1.slot);
	free(t2.g);
	free(t2.slot);
	return 0;
}
