/* model.c - stacks over time: interned frames, stack identity, per-sample counters,
 * history, leak score, groupings and views (filter, sort).
 *
 * Implements the sink contract (sink.h). Pure data: no I/O, no terminal. */
#include "config.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "model.h"
#include "parse.h"

const char *const model_default_alloc_patterns[] = {
	"prep_new_page", "post_alloc_hook", "get_page_from_freelist",
	"__alloc_pages*", "alloc_pages*", "__alloc_frozen_pages*", "alloc_frozen_pages*",
	"__folio_alloc*", "folio_alloc*", "vma_alloc_folio*", "alloc_pages_mpol*",
	"alloc_page_interleave", "__get_free_pages", "get_zeroed_page*",
	"alloc_slab_page", "allocate_slab", "new_slab", "___slab_alloc", "__slab_alloc*",
	"slab_alloc_node", "kmem_cache_alloc*", "__kmem_cache_alloc*", "__kmalloc*",
	"kmalloc*", "___kmalloc_large_node", "__kmalloc_large_node*", "kmalloc_large*",
	"kmalloc_order*", "__do_kmalloc_node", "kmem_cache_alloc_bulk*",
	"__alloc_pages_bulk*", "alloc_pages_bulk*", "kmem_cache_prefill_sheaf",
	"__vmalloc_node_range*", "__vmalloc_area_node", "vm_area_alloc_pages",
	"__vmalloc_node*", "mempool_alloc*",
	/* the allocation-profiling wrappers' real implementations */
	"*_noprof",
	NULL,
};

static const char *const group_names[GROUP__N] = { "stack", "caller", "function", "module" };
static const char *const key_names[KEY__N] = {
	"pages", "bytes", "delta", "rate", "delta_base", "peak", "score", "first_seen", "label",
};

const char *group_name(enum group_mode g)
{
	return (unsigned)g < GROUP__N ? group_names[g] : "?";
}

int group_parse(const char *s, enum group_mode *g)
{
	for (int i = 0; i < GROUP__N; i++)
		if (strcmp(s, group_names[i]) == 0) {
			*g = (enum group_mode)i;
			return 0;
		}
	return -1;
}

const char *sort_key_name(enum sort_key k)
{
	return (unsigned)k < KEY__N ? key_names[k] : "?";
}

int sort_key_parse(const char *s, enum sort_key *k)
{
	for (int i = 0; i < KEY__N; i++)
		if (strcmp(s, key_names[i]) == 0) {
			*k = (enum sort_key)i;
			return 0;
		}
	return -1;
}

/* The special stacks, by the function of their innermost frame. */
static const struct { const char *name; enum stack_kind k; } special_names[] = {
	{ "register_dummy_stack", SK_DUMMY },
	{ "register_failure_stack", SK_FAILURE },
	{ "register_early_stack", SK_EARLY },
};

struct frameinfo {
	uint32_t func;     /* label id: "name [module]" */
	uint32_t module;   /* label id: module name, "vmlinux", or "?" for bare addresses */
	uint8_t is_alloc;
	uint8_t kind;      /* enum stack_kind of a stack with this innermost frame */
};

#define STACK_CHUNK 4096
#define PENDING_MAX 4096

/* The handle sits in the slot: a probe never touches the stack itself. */
struct hslot {
	uint64_t handle; /* 0: empty (the kernel never hands out handle 0) */
	uint32_t id;
};

#define KS_MAPS 4

struct model {
	struct strtab *frames, *labels;
	/* frame ids by the producer's keys (sink.h), for the last few keyspaces (producers
	 * that take turns, as the threads of parse_split.c): id + 1, 0 unknown */
	struct ksmap {
		uint64_t ks;
		uint32_t *map;
		size_t cap;
	} ksm[KS_MAPS];
	unsigned ks_next;           /* the one to reuse next */
	struct frameinfo *fi;
	size_t fi_cap;
	uint32_t label_vmlinux, label_unknown;

	struct stack **chunks;      /* stacks live in fixed chunks: pointers stay valid */
	size_t nchunks;
	size_t nstacks;             /* ids in use or free: the slots below this */
	size_t nlive;               /* of them, stacks */
	uint64_t *freemap;          /* free ids: bit set; the lowest is taken first */
	size_t freemap_words, free_lo, nfree;
	uint64_t *by_frames;        /* open addressing: stack id + 1 | upper hash bits << 32 */
	size_t nslots_f;
	struct hslot *by_handle;    /* open addressing on the kernel handle */
	struct { uint64_t handle, count; } *pending; /* counts not applied yet */
	size_t npending;
	size_t nslots_h;
	size_t nhandled;
	uint32_t *frame_arena;      /* frame id arrays of every stack, from the arena */
	size_t fa_len, fa_cap;
	uint32_t *frames_free[STACK_MAX_FRAMES + 1]; /* arrays given back, by length (>= 2) */
	struct arena arena;         /* stack chunks and frame id arrays: they never move */
	size_t hist_bytes, nblk;    /* histories and block summaries allocated */

	/* forgetting (doc/design.md) */
	uint32_t *cand;             /* stacks of this sample that may be forgotten */
	size_t ncand, capcand;
	uint64_t *forgot, *forgot_out; /* handles forgotten (sink_ops.forgotten) */
	size_t nforgot, capforgot, nforgot_out, capforgot_out;
	int64_t gone_base;          /* the baselines of forgotten stacks: their delta_base */
	int64_t gone_first;         /* their values at sample 0: the baseline back at it */

	struct group *groups[GROUP__N];
	size_t ngroups[GROUP__N], capgroups[GROUP__N];
	uint32_t *label2group[GROUP__N]; /* label id -> group index + 1 */
	size_t l2g_cap[GROUP__N];
	uint32_t *fn_stamp;         /* per function group: last stack counted (+1) */
	size_t fn_stamp_cap;

	const struct stack *special[4];
	int want_functions;         /* function groups are kept once a view asked for them */

	char **patterns;
	size_t npatterns;

	/* samples */
	uint32_t nsamples;          /* complete samples */
	int in_sample;
	double t_cur, t_prev, t_first;
	double *times;              /* time of every sample */
	size_t times_cap;
	int time_abs;
	uint32_t baseline;

	/* meta, copied */
	struct source_meta meta;
	char *m_name, *m_kind, *m_release, *m_build_id, *m_host;
};

/* ---- interning and frames ---- */

/* Shell-style glob with '*' and '?' (enough for function names; fnmatch() converts to
 * wide characters in UTF-8 locales and is slow). */
static int glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int alloc_match(const struct model *m, const char *name, size_t len)
{
	char buf[FRAME_MAX + 1];

	if (len > FRAME_MAX)
		len = FRAME_MAX;
	memcpy(buf, name, len);
	buf[frame_name_base_len(buf, len)] = '\0';
	if (m->patterns) {
		for (size_t i = 0; i < m->npatterns; i++)
			if (glob_match(m->patterns[i], buf))
				return 1;
		return 0;
	}
	for (size_t i = 0; model_default_alloc_patterns[i]; i++)
		if (glob_match(model_default_alloc_patterns[i], buf))
			return 1;
	return 0;
}

static void frame_classify(struct model *m, uint32_t id)
{
	const char *s = strtab_str(m->frames, id);
	size_t len = strtab_len(m->frames, id);
	struct frameinfo *f = &m->fi[id];
	struct frame_parts fp;
	char buf[FRAME_MAX + 80];

	f->kind = SK_NORMAL;
	if (frame_split(s, len, &fp) < 0 || fp.is_addr) {
		f->func = strtab_intern(m->labels, s, len);
		f->module = m->label_unknown;
		f->is_alloc = 0;
		return;
	}
	if (fp.module) {
		f->func = strtab_intern(m->labels, buf, frame_label(&fp, buf, sizeof(buf)));
		f->module = strtab_intern(m->labels, fp.module, fp.module_len);
	} else {
		f->func = strtab_intern(m->labels, fp.name, fp.name_len);
		f->module = m->label_vmlinux;
		for (size_t i = 0; i < ARRAY_SIZE(special_names); i++)
			if (strlen(special_names[i].name) == fp.name_len &&
			    memcmp(special_names[i].name, fp.name, fp.name_len) == 0)
				f->kind = (uint8_t)special_names[i].k;
	}
	f->is_alloc = (uint8_t)alloc_match(m, fp.name, fp.name_len);
}

static uint32_t frame_intern(struct model *m, const char *s, size_t len, uint64_t h)
{
	uint32_t n = strtab_count(m->frames);
	uint32_t id = strtab_intern_h(m->frames, s, len, h ? h : hash_bytes(s, len, 0));

	if (id == n) {
		if (id >= m->fi_cap) {
			m->fi_cap = m->fi_cap ? m->fi_cap * 2 : 1024;
			m->fi = xreallocarray(m->fi, m->fi_cap, sizeof(*m->fi));
		}
		frame_classify(m, id);
	}
	return id;
}

const char *model_frame(const struct model *m, uint32_t id)
{
	return strtab_str(m->frames, id);
}

const char *model_label(const struct model *m, uint32_t id)
{
	return strtab_str(m->labels, id);
}

int model_frame_is_alloc(const struct model *m, uint32_t id)
{
	return id < strtab_count(m->frames) && m->fi[id].is_alloc;
}

uint32_t model_group_label(const struct model *m, const struct stack *st, enum group_mode g,
			   unsigned i)
{
	switch (g) {
	case GROUP_CALLER:
		return st->label;
	case GROUP_MODULE:
		return st->nframes ? m->fi[st->frames[st->caller]].module : m->label_unknown;
	case GROUP_FUNCTION:
		return i < st->nframes ? m->fi[st->frames[i]].func : m->label_unknown;
	default:
		return UINT32_MAX;
	}
}

/* ---- model ---- */

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->frames = strtab_new();
	m->labels = strtab_new();
	m->label_vmlinux = strtab_intern(m->labels, "vmlinux", 7);
	m->label_unknown = strtab_intern(m->labels, "?", 1);

	m->nslots_f = 1024;
	m->by_frames = xhuge_alloc(m->nslots_f * sizeof(uint64_t));
	m->nslots_h = 1024;
	m->by_handle = xhuge_alloc(m->nslots_h * sizeof(struct hslot));
	m->pending = xmalloc(PENDING_MAX * sizeof(*m->pending));
	m->meta.page_size = 4096;
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = &m->chunks[i / STACK_CHUNK][i % STACK_CHUNK];

		free(st->s.hist);
		free(st->blk);
	}
	free(m->chunks);
	free(m->freemap);
	free(m->cand);
	free(m->forgot);
	free(m->forgot_out);
	for (int g = 0; g < GROUP__N; g++) {
		for (size_t i = 0; i < m->ngroups[g]; i++)
			free(m->groups[g][i].s.hist);
		free(m->groups[g]);
		free(m->label2group[g]);
	}
	free(m->fn_stamp);
	free(m->times);
	arena_free(&m->arena);
	xhuge_free(m->by_frames, m->nslots_f * sizeof(uint64_t));
	xhuge_free(m->by_handle, m->nslots_h * sizeof(struct hslot));
	free(m->pending);
	free(m->fi);
	for (int i = 0; i < KS_MAPS; i++)
		free(m->ksm[i].map);
	strtab_free(m->frames);
	strtab_free(m->labels);
	for (size_t i = 0; i < m->npatterns; i++)
		free(m->patterns[i]);
	free(m->patterns);
	free(m->m_name);
	free(m->m_kind);
	free(m->m_release);
	free(m->m_build_id);
	free(m->m_host);
	free(m);
}

static inline struct stack *stack_at(const struct model *m, size_t id)
{
	return &m->chunks[id / STACK_CHUNK][id % STACK_CHUNK];
}

size_t model_nstacks(const struct model *m)
{
	return m->nstacks;
}

size_t model_nlive(const struct model *m)
{
	return m->nlive;
}

const struct stack *model_stack(const struct model *m, uint32_t id)
{
	const struct stack *st = id < m->nstacks ? stack_at(m, id) : NULL;

	return st && !st->freed ? st : NULL;
}

void model_pin(struct model *m, const struct stack *st)
{
	struct stack *s = stack_at(m, st->id);

	if (s->pins < UINT16_MAX)
		s->pins++;
}

void model_unpin(struct model *m, const struct stack *st)
{
	struct stack *s = stack_at(m, st->id);

	if (s->pins && s->pins < UINT16_MAX)
		s->pins--;
}

const struct stack *model_special(const struct model *m, enum stack_kind k)
{
	return (unsigned)k < 4 ? m->special[k] : NULL;
}

const struct source_meta *model_meta(const struct model *m)
{
	return &m->meta;
}

uint32_t model_nsamples(const struct model *m)
{
	return m->nsamples;
}

double model_sample_time(const struct model *m)
{
	return m->t_cur;
}

double model_first_time(const struct model *m)
{
	return m->t_first;
}

double model_time_at(const struct model *m, uint32_t sample)
{
	if (!m->nsamples)
		return 0;
	return m->times[sample < m->nsamples ? sample : m->nsamples - 1];
}

int model_time_abs(const struct model *m)
{
	return m->time_abs;
}

long model_page_size(const struct model *m)
{
	return m->meta.page_size > 0 ? m->meta.page_size : 4096;
}

uint32_t model_baseline_sample(const struct model *m)
{
	return m->baseline;
}

/* ---- groups ---- */

static uint32_t group_get(struct model *m, enum group_mode g, uint32_t label)
{
	uint32_t *l2g;

	if (label >= m->l2g_cap[g]) {
		size_t cap = m->l2g_cap[g] ? m->l2g_cap[g] : 256;

		while (cap <= label)
			cap *= 2;
		m->label2group[g] = xreallocarray(m->label2group[g], cap, sizeof(uint32_t));
		memset(m->label2group[g] + m->l2g_cap[g], 0,
		       (cap - m->l2g_cap[g]) * sizeof(uint32_t));
		m->l2g_cap[g] = cap;
	}
	l2g = m->label2group[g];
	if (!l2g[label]) {
		struct group *gr;

		if (m->ngroups[g] == m->capgroups[g]) {
			m->capgroups[g] = m->capgroups[g] ? m->capgroups[g] * 2 : 64;
			m->groups[g] = xreallocarray(m->groups[g], m->capgroups[g],
						     sizeof(struct group));
		}
		gr = &m->groups[g][m->ngroups[g]];
		memset(gr, 0, sizeof(*gr));
		gr->label = label;
		gr->s.first_seen = m->nsamples;
		l2g[label] = (uint32_t)++m->ngroups[g];
	}
	return l2g[label] - 1;
}

static void stack_place(struct model *m, struct stack *st)
{
	unsigned c = 0;

	while (c < st->nframes && m->fi[st->frames[c]].is_alloc)
		c++;
	if (c == st->nframes && st->nframes)
		c = st->nframes - 1; /* all allocator frames: the outermost is the best we have */
	st->caller = (uint16_t)c;
	if (st->nframes)
		st->label = m->fi[st->frames[c]].func;
	else
		st->label = m->label_unknown;
	/* groups exist from their first stack on, so their history starts with it */
	group_get(m, GROUP_CALLER, st->label);
	group_get(m, GROUP_MODULE, st->nframes ? m->fi[st->frames[c]].module : m->label_unknown);
	if (m->want_functions)
		for (unsigned i = 0; i < st->nframes; i++)
			group_get(m, GROUP_FUNCTION, m->fi[st->frames[i]].func);
}

void model_want_group(struct model *m, enum group_mode g)
{
	if (g != GROUP_FUNCTION || m->want_functions)
		return;
	/* Every frame costs a group update per sample: only pay for it when asked. The
	 * groups' history starts at the sample they were asked for. */
	m->want_functions = 1;
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);

		for (unsigned f = 0; !st->freed && f < st->nframes; f++)
			group_get(m, GROUP_FUNCTION, m->fi[st->frames[f]].func);
	}
	if (!m->nsamples)
		return;
	/* the current sample's values, as if the groups had always been there */
	{
		uint32_t *stamp = xcalloc(m->ngroups[GROUP_FUNCTION], sizeof(uint32_t));

		for (size_t i = 0; i < m->nstacks; i++) {
			struct stack *st = stack_at(m, i);

			for (unsigned f = 0; !st->freed && st->s.now && f < st->nframes; f++) {
				uint32_t gi = m->label2group[GROUP_FUNCTION][m->fi[st->frames[f]].func] - 1;
				struct group *gr = &m->groups[GROUP_FUNCTION][gi];

				if (stamp[gi] == st->id + 1)
					continue;
				stamp[gi] = st->id + 1;
				gr->s.now = sat_add(gr->s.now, st->s.now);
				if (!gr->nstacks++ || st->s.now > stack_at(m, gr->example)->s.now)
					gr->example = st->id;
			}
		}
		free(stamp);
		for (size_t i = 0; i < m->ngroups[GROUP_FUNCTION]; i++) {
			struct series *gs = &m->groups[GROUP_FUNCTION][i].s;

			gs->first_seen = gs->last_changed = m->nsamples - 1;
			gs->prev = gs->base = gs->peak = gs->first_value = gs->now;
		}
	}
}

int model_set_alloc_patterns(struct model *m, const char *const *globs, size_t n)
{
	for (size_t i = 0; i < m->npatterns; i++)
		free(m->patterns[i]);
	free(m->patterns);
	m->patterns = NULL;
	m->npatterns = 0;
	if (globs) {
		m->patterns = xcalloc(n ? n : 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			m->patterns[i] = xstrdup(globs[i]);
		m->npatterns = n;
	}
	for (uint32_t i = 0; i < strtab_count(m->frames); i++)
		frame_classify(m, i);
	for (size_t i = 0; i < m->nstacks; i++)
		if (!stack_at(m, i)->freed)
			stack_place(m, stack_at(m, i));
	return 0;
}

/* ---- stacks ---- */

static void handles_grow(struct model *m)
{
	size_t ns = m->nslots_h * 2, mask = ns - 1;
	struct hslot *t = xhuge_alloc(ns * sizeof(*t));

	for (size_t i = 0; i < m->nslots_h; i++) {
		const struct hslot *e = &m->by_handle[i];
		size_t j;

		if (!e->handle)
			continue;
		j = hash_u64(e->handle) & mask;
		while (t[j].handle)
			j = (j + 1) & mask;
		t[j] = *e;
	}
	xhuge_free(m->by_handle, m->nslots_h * sizeof(*t));
	m->by_handle = t;
	m->nslots_h = ns;
}

static void frames_grow(struct model *m)
{
	size_t ns = m->nslots_f * 2, mask = ns - 1;
	uint64_t *t = xhuge_alloc(ns * sizeof(uint64_t));

	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);
		size_t j;

		if (st->handle || st->freed)
			continue;
		j = st->hash & mask;
		while (t[j])
			j = (j + 1) & mask;
		t[j] = ((uint64_t)i + 1) | (st->hash & 0xffffffff00000000ULL);
	}
	xhuge_free(m->by_frames, m->nslots_f * sizeof(uint64_t));
	m->by_frames = t;
	m->nslots_f = ns;
}

static struct stack *find_by_frames(struct model *m, const uint32_t *ids, unsigned n,
				    uint64_t h, size_t *slot)
{
	size_t mask = m->nslots_f - 1, j = h & mask;
	uint64_t tag = h & 0xffffffff00000000ULL;

	for (;;) {
		uint64_t e = m->by_frames[j];
		uint32_t v = (uint32_t)e;
		struct stack *st;

		if (!e)
			break;
		if ((e & 0xffffffff00000000ULL) != tag) {
			j = (j + 1) & mask;
			continue;
		}
		st = stack_at(m, v - 1);
		/* a hash collision never merges two stacks: compare the frames */
		if (st->hash == h && st->nframes == n &&
		    (!n || memcmp(st->frames, ids, n * sizeof(uint32_t)) == 0)) {
			*slot = j;
			return st;
		}
		j = (j + 1) & mask;
	}
	*slot = j;
	return NULL;
}

static struct stack *find_by_handle(const struct model *m, uint64_t handle, size_t *slot)
{
	size_t mask = m->nslots_h - 1, j = hash_u64(handle) & mask;

	for (;;) {
		const struct hslot *e = &m->by_handle[j];

		if (!e->handle)
			break;
		if (e->handle == handle) {
			*slot = j;
			return stack_at(m, e->id);
		}
		j = (j + 1) & mask;
	}
	*slot = j;
	return NULL;
}

/* Frame id arrays come from the arena, and those of forgotten stacks go to a list by
 * length (the link kept in their first 8 bytes, so an array is at least 2 ids long):
 * stacks that come and go have the lengths of those that went. */
static uint32_t *frames_store(struct model *m, const uint32_t *ids, unsigned n)
{
	unsigned c = n < 2 ? 2 : n;
	uint32_t *p = m->frames_free[c];

	if (p) {
		memcpy(&m->frames_free[c], p, sizeof(p));
	} else {
		if (m->fa_len + c > m->fa_cap) {
			/* a new piece; stacks keep pointing into the old ones */
			m->fa_cap = m->fa_cap ? m->fa_cap * 2 : 16384;
			if (m->fa_cap > (1u << 20))
				m->fa_cap = 1u << 20;
			if (m->fa_cap < c)
				m->fa_cap = c;
			m->frame_arena = arena_alloc(&m->arena, m->fa_cap * sizeof(uint32_t));
			m->fa_len = 0;
		}
		p = m->frame_arena + m->fa_len;
		m->fa_len += c;
	}
	memcpy(p, ids, n * sizeof(uint32_t));
	return p;
}

static void frames_release(struct model *m, uint32_t *p, unsigned n)
{
	unsigned c = n < 2 ? 2 : n;

	memcpy(p, &m->frames_free[c], sizeof(p));
	m->frames_free[c] = p;
}

static void stack_set_frames(struct model *m, struct stack *st, const uint32_t *ids, unsigned n)
{
	st->frames = n ? frames_store(m, ids, n) : NULL;
	st->nframes = (uint16_t)n;
	if (n) {
		enum stack_kind k = m->fi[ids[0]].kind;

		if (k != SK_NORMAL) {
			st->kind = (uint8_t)k;
			if (!m->special[k])
				m->special[k] = st;
		}
	}
	stack_place(m, st);
}

/* The frame ids of a record: by the producer's keys when it has them (a key maps to the
 * id its text got the first time), else by interning each text. */
static void frames_ids(struct model *m, const struct stack_rec *rec, unsigned n, uint32_t *ids)
{
	if (!rec->keyspace) {
		for (unsigned i = 0; i < n; i++)
			ids[i] = frame_intern(m, rec->frames[i].s, rec->frames[i].len,
					      rec->frames[i].hash);
		return;
	}
	struct ksmap *km = &m->ksm[0];

	if (km->ks != rec->keyspace) {
		unsigned j = 1;

		while (j < KS_MAPS && m->ksm[j].ks != rec->keyspace)
			j++;
		if (j == KS_MAPS) {
			/* a new keyspace takes the place of the one used longest ago */
			j = 1 + m->ks_next++ % (KS_MAPS - 1);
			m->ksm[j].ks = rec->keyspace;
			if (m->ksm[j].map)
				memset(m->ksm[j].map, 0, m->ksm[j].cap * sizeof(uint32_t));
		}
		/* the current one first */
		{
			struct ksmap t = m->ksm[0];

			m->ksm[0] = m->ksm[j];
			m->ksm[j] = t;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		const struct frame_text *f = &rec->frames[i];
		uint32_t k = f->key;

		if (k < km->cap && km->map[k]) {
			ids[i] = km->map[k] - 1;
			continue;
		}
		ids[i] = frame_intern(m, f->s, f->len, f->hash);
		km->map = xgrow_zeroed(km->map, &km->cap, k, sizeof(uint32_t));
		km->map[k] = ids[i] + 1;
	}
}

/* The lowest free id, which is taken: ids stay dense, and a model fed the same samples
 * gives the same ids (a replay, model_replay.h). */
static size_t id_take(struct model *m)
{
	size_t w = m->free_lo;
	unsigned b;

	while (!m->freemap[w])
		w++;
	b = (unsigned)__builtin_ctzll(m->freemap[w]);
	m->freemap[w] &= m->freemap[w] - 1;
	m->free_lo = w;
	m->nfree--;
	return w * 64 + b;
}

static void id_give(struct model *m, size_t id)
{
	size_t w = id / 64;

	if (w >= m->freemap_words)
		m->freemap = xgrow_zeroed(m->freemap, &m->freemap_words, w, sizeof(uint64_t));
	m->freemap[w] |= 1ULL << (id % 64);
	if (!m->nfree++ || w < m->free_lo)
		m->free_lo = w;
}

static struct stack *stack_new(struct model *m)
{
	struct stack *st;
	size_t id;

	if (m->nfree) {
		id = id_take(m);
	} else {
		if (m->nstacks == m->nchunks * STACK_CHUNK) {
			m->chunks = xreallocarray(m->chunks, m->nchunks + 1, sizeof(*m->chunks));
			m->chunks[m->nchunks++] = arena_alloc(&m->arena,
							      STACK_CHUNK * sizeof(struct stack));
		}
		id = m->nstacks++;
	}
	st = stack_at(m, id);
	memset(st, 0, sizeof(*st));
	st->id = (uint32_t)id;
	st->s.first_seen = m->nsamples;
	m->nlive++;
	return st;
}

static int m_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct model *m = self;
	uint32_t ids[STACK_MAX_FRAMES];
	unsigned n = rec->nframes < STACK_MAX_FRAMES ? rec->nframes : STACK_MAX_FRAMES;
	struct stack *st;
	size_t slot;

	(void)err;
	if (rec->handle) {
		st = find_by_handle(m, rec->handle, &slot);
		if (!st || (!st->nframes && n))
			frames_ids(m, rec, n, ids);
		if (!st) {
			st = stack_new(m);
			st->handle = rec->handle;
			m->by_handle[slot].handle = st->handle;
			m->by_handle[slot].id = st->id;
			if (++m->nhandled * 2 >= m->nslots_h)
				handles_grow(m);
			stack_set_frames(m, st, ids, n);
		} else if (!st->nframes && n) {
			/* it was only known by a count; now its frames arrived. A stack that has
			 * frames keeps its first text (frames of an unloaded module turn into
			 * bare addresses later). */
			stack_set_frames(m, st, ids, n);
		}
	} else {
		/* The key comes from the frames' text hashes, which the parser already has:
		 * the table slot can be fetched while the frames are interned. */
		uint64_t h = rec->hash && n == rec->nframes ? rec->hash
							      : stack_rec_hash(rec->frames, n);

		__builtin_prefetch(&m->by_frames[h & (m->nslots_f - 1)]);
		frames_ids(m, rec, n, ids);
		st = find_by_frames(m, ids, n, h, &slot);
		if (!st) {
			st = stack_new(m);
			st->hash = h;
			stack_set_frames(m, st, ids, n);
			m->by_frames[slot] = ((uint64_t)st->id + 1) | (h & 0xffffffff00000000ULL);
			if ((m->nlive - m->nhandled) * 2 >= m->nslots_f)
				frames_grow(m);
		}
	}
	if (rec->has_count)
		st->s.acc = sat_add(st->s.acc, rec->count > INT64_MAX ? INT64_MAX : (int64_t)rec->count);
	if (rec->block) {
		const struct block_info *b = rec->block;
		struct block_summary *bs = st->blk;

		if (!bs) {
			bs = st->blk = xcalloc(1, sizeof(*bs));
			m->nblk++;
		}
		if (bs->sample != m->nsamples) {
			/* a dump's block summary is of that dump alone */
			memset(bs, 0, sizeof(*bs));
			bs->sample = m->nsamples;
		}
		if (!bs->nblocks)
			bs->gfp = b->gfp;
		bs->nblocks++;
		bs->orders |= 1u << (b->order < 31 ? b->order : 31);
		if (b->ts_ns >= bs->ts_ns || bs->nblocks == 1) {
			size_t k = b->comm_len < sizeof(bs->comm) - 1 ? b->comm_len : sizeof(bs->comm) - 1;

			bs->ts_ns = b->ts_ns;
			bs->pid = b->pid;
			if (b->comm)
				memcpy(bs->comm, b->comm, k);
			bs->comm[k] = '\0';
		}
	}
	return 0;
}

static void count_apply(struct model *m, uint64_t handle, uint64_t count)
{
	struct stack *st;
	size_t slot;

	st = find_by_handle(m, handle, &slot);
	if (!st) {
		/* A count for a stack whose frames have not been read yet (a live read races
		 * with new stacks): keep the count, the frames come later. */
		st = stack_new(m);
		st->handle = handle;
		m->by_handle[slot].handle = st->handle;
		m->by_handle[slot].id = st->id;
		if (++m->nhandled * 2 >= m->nslots_h)
			handles_grow(m);
		stack_set_frames(m, st, NULL, 0);
	}
	st->s.acc = sat_add(st->s.acc, count > INT64_MAX ? INT64_MAX : (int64_t)count);
}

/* Counts by handle are applied in batches: the table slots of the next ones are fetched
 * while the current ones are added (one cache miss each otherwise, on 100k stacks). */
static void counts_flush(struct model *m)
{
	size_t mask = m->nslots_h - 1;

	for (size_t i = 0; i < m->npending; i++) {
		if (i + 8 < m->npending)
			__builtin_prefetch(&m->by_handle[hash_u64(m->pending[i + 8].handle) & mask]);
		count_apply(m, m->pending[i].handle, m->pending[i].count);
		mask = m->nslots_h - 1;
	}
	m->npending = 0;
}

static int m_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct model *m = self;

	(void)err;
	if (m->npending == PENDING_MAX)
		counts_flush(m);
	m->pending[m->npending].handle = handle;
	m->pending[m->npending++].count = count;
	return 0;
}

static void meta_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

static int m_meta(void *self, const struct source_meta *meta, struct pt_err *err)
{
	struct model *m = self;

	(void)err;
	m->meta = *meta;
	meta_str(&m->m_name, meta->name);
	meta_str(&m->m_kind, meta->kind);
	meta_str(&m->m_release, meta->kernel_release);
	meta_str(&m->m_build_id, meta->kernel_build_id);
	meta_str(&m->m_host, meta->hostname);
	m->meta.name = m->m_name;
	m->meta.kind = m->m_kind;
	m->meta.kernel_release = m->m_release;
	m->meta.kernel_build_id = m->m_build_id;
	m->meta.hostname = m->m_host;
	if (m->meta.page_size <= 0) {
		m->meta.page_size = 4096;
		m->meta.page_size_known = 0;
	}
	return 0;
}

static int m_begin(void *self, const struct sample_info *si, struct pt_err *err)
{
	struct model *m = self;

	(void)err;
	m->t_prev = m->t_cur;
	m->t_cur = si->time;
	m->time_abs = si->time_abs;
	if (m->nsamples == 0)
		m->t_first = si->time;
	if (m->nsamples >= m->times_cap) {
		m->times_cap = m->times_cap ? m->times_cap * 2 : 64;
		m->times = xreallocarray(m->times, m->times_cap, sizeof(double));
	}
	m->times[m->nsamples] = si->time;
	/* m_end leaves every sum at 0 for the next sample; only a sample that never ended
	 * (its source failed half way) leaves partial sums behind */
	if (m->in_sample)
		for (size_t i = 0; i < m->nstacks; i++)
			stack_at(m, i)->s.acc = 0;
	m->npending = 0;
	m->nforgot = 0;
	m->in_sample = 1;
	return 0;
}

/* ---- series over time ---- */

/* The history of a series: its value v0 at sample s0, then one entry per change up to
 * last_changed, each a varint (LEB128): odd u, the next sample changed by the zigzag
 * number u >> 1; even u >= 2, the next u >> 1 samples did not change; 0 opens an escape,
 * "0, zigzag, 0", for a change too large for the odd form. A sample before s0 (and from
 * first_seen on) has v0. Entries older than the window are folded into s0 and v0 when
 * the buffer is full. A varint ends in its only byte below 0x80, so the entries read
 * backwards too: the score and the trend want the newest samples. Most stacks change in
 * few samples: a few bytes each, instead of a counter per sample. */
struct series_hist {
	uint32_t len, cap;        /* bytes of b */
	uint32_t s0;
	int64_t v0;
	uint8_t b[];
};

#define HIST_MIN 16

static inline uint64_t zz_enc(int64_t d)
{
	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static inline int64_t zz_dec(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static unsigned uv_len(uint64_t u)
{
	unsigned n = 1;

	while (u >= 0x80) {
		u >>= 7;
		n++;
	}
	return n;
}

static unsigned uv_put(uint8_t *p, uint64_t u)
{
	unsigned n = 0;

	while (u >= 0x80) {
		p[n++] = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	p[n++] = (uint8_t)u;
	return n;
}

/* The varint at p[*next]; *next goes past it. */
static uint64_t uv_get(const uint8_t *p, uint32_t *next)
{
	uint64_t u = 0;
	unsigned sh = 0;
	uint32_t i = *next;

	while (p[i] & 0x80) {
		u |= (uint64_t)(p[i++] & 0x7f) << sh;
		sh += 7;
	}
	u |= (uint64_t)p[i++] << sh;
	*next = i;
	return u;
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
static uint32_t hist_next(const struct series_hist *h, uint32_t *pos, int64_t *d)
{
	uint64_t u = uv_get(h->b, pos);

	if (!u) {
		*d = zz_dec(uv_get(h->b, pos));
		uv_get(h->b, pos);
		return 1;
	}
	*d = u & 1 ? zz_dec(u >> 1) : 0;
	return u & 1 ? 1 : (uint32_t)(u >> 1);
}

static inline uint32_t hist_prev(const struct series_hist *h, uint32_t *pos, int64_t *d)
{
	uint64_t u = uv_back(h->b, pos);

	if (__builtin_expect(!u, 0)) {
		*d = zz_dec(uv_back(h->b, pos));
		uv_back(h->b, pos);
		return 1;
	}
	*d = u & 1 ? zz_dec(u >> 1) : 0;
	return u & 1 ? 1 : (uint32_t)(u >> 1);
}

static size_t hist_size(uint32_t cap)
{
	return (sizeof(struct series_hist) + cap + 7) & ~(size_t)7;
}

static struct series_hist *hist_new(struct model *m, uint32_t s0, int64_t v0)
{
	struct series_hist *h = xmalloc(hist_size(HIST_MIN));

	h->len = 0;
	h->cap = HIST_MIN;
	h->s0 = s0;
	h->v0 = v0;
	m->hist_bytes += hist_size(h->cap);
	return h;
}

static void hist_free(struct model *m, struct series *s)
{
	if (s->hist) {
		m->hist_bytes -= hist_size(s->hist->cap);
		free(s->hist);
		s->hist = NULL;
	}
}

/* Folds the entries up to sample t into s0 and v0. */
static void hist_fold(struct series_hist *h, uint32_t t)
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
		uv_put(h->b + p, (uint64_t)n << 1);
		break;
	}
	memmove(h->b, h->b + p, h->len - p);
	h->len -= p;
	h->s0 = s0;
	h->v0 = v0;
}

/* The series changed by d at sample k; its last entry ended at sample last. */
static void hist_add(struct model *m, struct series *s, uint32_t last, uint32_t k, int64_t d)
{
	struct series_hist *h = s->hist;
	uint8_t e[32];
	unsigned n = 0;
	uint64_t z = zz_enc(d);

	if (k - last > 1)
		n += uv_put(e, (uint64_t)(k - last - 1) << 1);
	if (z >> 62) {
		e[n++] = 0;
		n += uv_put(e + n, z);
		e[n++] = 0;
	} else {
		n += uv_put(e + n, (z << 1) | 1);
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
static void series_fill(const struct series *s, uint32_t lo, uint32_t k, int64_t *out)
{
	const struct series_hist *h = s->hist;
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

double model_score(const struct series *s)
{
	return s->score;
}

/* The leak score (doc/score.md): over the last SCORE_WINDOW intervals,
 *   share of intervals that did not shrink
 * x damping of growth that came in one jump (0.1 for a single jump, near 1 when spread)
 * x magnitude of the net growth (log scale, 1 at 4096 pages)
 * x evidence (the number of intervals seen, full at 8).
 * Only the changes in the window matter: they are read from the newest back. */
static double series_score(const struct series *s, uint32_t k)
{
	const struct series_hist *h = s->hist;
	uint32_t from, n, down = 0, pos, p;
	int64_t sumpos = 0, maxinc = 0, net = 0;
	double nonshrink, spread, magnitude, evidence;

	if (!h || k - s->last_changed > SCORE_WINDOW)
		return 0;
	from = k >= SCORE_WINDOW ? k - SCORE_WINDOW : 0;
	if (from < s->first_seen)
		from = s->first_seen;
	if (k - from >= MODEL_HISTORY)
		from = k - MODEL_HISTORY + 1;
	n = k - from;
	if (n == 0)
		return 0;
	/* the intervals after last_changed, and before s0, did not change */
	pos = s->last_changed;
	p = h->len;
	while (pos > from && p > 0) {
		int64_t d;

		pos -= hist_prev(h, &p, &d);
		if (d > 0) {
			sumpos = sat_add(sumpos, d);
			if (d > maxinc)
				maxinc = d;
		} else if (d < 0) {
			down++;
		}
		net += d;
	}
	if (net <= 0)
		return 0;
	nonshrink = (double)(n - down) / n;
	spread = sumpos > 0 ? 1.0 - (double)maxinc / (double)sumpos : 0;
	magnitude = log2(1.0 + (double)net) / 12.0;
	if (magnitude > 1)
		magnitude = 1;
	evidence = n >= 8 ? 1.0 : n / 8.0;
	return nonshrink * (0.1 + 0.9 * spread) * magnitude * evidence;
}

static void series_push(struct model *m, struct series *s, uint32_t k, double dt, int64_t v)
{
	int was_new = s->first_seen == k;
	int64_t old = s->now;
	uint32_t last = s->last_changed;

	s->prev = was_new && k > 0 ? 0 : s->now;
	if (k == 0)
		s->prev = v;
	s->now = v;
	s->delta = s->now - s->prev;
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
		s->last_changed = k;
		if (!s->hist) {
			/* constant until now: the samples before k in the window have old */
			s->hist = hist_new(m, k - 1, old);
			last = k - 1;
		}
		hist_add(m, s, last, k, v - old);
	}
	s->score = series_score(s, k);
}

/* ---- forgetting ---- */

/* Open addressing with linear probing: the entries after a hole that may sit there move
 * up into it (none is missed by a probe, no tombstones pile up). */
static void handle_unlink(struct model *m, const struct stack *st)
{
	size_t mask = m->nslots_h - 1, j = hash_u64(st->handle) & mask, i = j;

	while (m->by_handle[j].handle != st->handle)
		j = (j + 1) & mask;
	for (i = j;;) {
		size_t home;

		i = (i + 1) & mask;
		if (!m->by_handle[i].handle)
			break;
		home = hash_u64(m->by_handle[i].handle) & mask;
		if (((i - home) & mask) >= ((i - j) & mask)) {
			m->by_handle[j] = m->by_handle[i];
			j = i;
		}
	}
	m->by_handle[j].handle = 0;
	m->by_handle[j].id = 0;
}

static void frames_unlink(struct model *m, const struct stack *st)
{
	size_t mask = m->nslots_f - 1, j = st->hash & mask, i;

	while ((uint32_t)m->by_frames[j] != st->id + 1)
		j = (j + 1) & mask;
	for (i = j;;) {
		uint64_t e;
		size_t home;

		i = (i + 1) & mask;
		e = m->by_frames[i];
		if (!e)
			break;
		home = stack_at(m, (uint32_t)e - 1)->hash & mask;
		if (((i - home) & mask) >= ((i - j) & mask)) {
			m->by_frames[j] = e;
			j = i;
		}
	}
	m->by_frames[j] = 0;
}

/* A group without pages shows its last largest stack when expanded: that one stays. */
static int group_example(const struct model *m, const struct stack *st)
{
	const struct group *gr;

	gr = &m->groups[GROUP_CALLER][m->label2group[GROUP_CALLER][st->label] - 1];
	if (gr->example == st->id)
		return 1;
	gr = &m->groups[GROUP_MODULE][m->label2group[GROUP_MODULE][st->nframes ?
		m->fi[st->frames[st->caller]].module : m->label_unknown] - 1];
	if (gr->example == st->id)
		return 1;
	for (unsigned f = 0; m->want_functions && f < st->nframes; f++) {
		gr = &m->groups[GROUP_FUNCTION][m->label2group[GROUP_FUNCTION]
						  [m->fi[st->frames[f]].func] - 1];
		if (gr->example == st->id)
			return 1;
	}
	return 0;
}

/* The stack has had 0 pages for the whole history window: nothing of it shows any more
 * but its first sample, its peak and, with a baseline it had pages at, its delta_base,
 * which the totals keep (gone_base). Its memory and id go to later stacks; should it
 * come back it is a new one. A source that defined its handle once defines it again
 * (sink_ops.forgotten). */
static void stack_forget(struct model *m, struct stack *st)
{
	if (st->handle) {
		handle_unlink(m, st);
		m->nhandled--;
		if (m->nforgot == m->capforgot) {
			m->capforgot = m->capforgot ? m->capforgot * 2 : 256;
			m->forgot = xreallocarray(m->forgot, m->capforgot, sizeof(uint64_t));
		}
		m->forgot[m->nforgot++] = st->handle;
	} else {
		frames_unlink(m, st);
	}
	m->gone_base = sat_add(m->gone_base, st->s.base);
	if (st->s.first_seen == 0)
		m->gone_first = sat_add(m->gone_first, st->s.first_value);
	hist_free(m, &st->s);
	if (st->blk) {
		free(st->blk);
		st->blk = NULL;
		m->nblk--;
	}
	if (st->frames)
		frames_release(m, st->frames, st->nframes);
	st->frames = NULL;
	st->nframes = 0;
	st->handle = 0;
	st->freed = 1;
	/* a free slot counts nothing: views look at these only */
	memset(&st->s, 0, sizeof(st->s));
	m->nlive--;
	id_give(m, st->id);
}

/* sink_ops.forgotten: the handles forgotten since the last call (they are dropped at the
 * next sample's begin when nobody asks). */
static size_t m_forgotten(void *self, const uint64_t **handles)
{
	struct model *m = self;
	uint64_t *t = m->forgot_out;
	size_t c = m->capforgot_out;

	m->forgot_out = m->forgot;
	m->capforgot_out = m->capforgot;
	m->nforgot_out = m->nforgot;
	m->forgot = t;
	m->capforgot = c;
	m->nforgot = 0;
	*handles = m->forgot_out;
	return m->nforgot_out;
}

size_t model_mem_bytes(const struct model *m)
{
	size_t n = sizeof(*m) + strtab_bytes(m->frames) + strtab_bytes(m->labels);

	for (int i = 0; i < KS_MAPS; i++)
		n += m->ksm[i].cap * sizeof(uint32_t);
	n += m->fi_cap * sizeof(*m->fi);
	n += m->nchunks * sizeof(*m->chunks) + arena_bytes(&m->arena);
	n += m->freemap_words * sizeof(uint64_t);
	n += m->nslots_f * sizeof(uint64_t) + m->nslots_h * sizeof(struct hslot);
	n += PENDING_MAX * sizeof(*m->pending);
	n += m->hist_bytes + m->nblk * sizeof(struct block_summary);
	n += m->capcand * sizeof(uint32_t) + (m->capforgot + m->capforgot_out) * sizeof(uint64_t);
	for (int g = 0; g < GROUP__N; g++)
		n += m->capgroups[g] * sizeof(struct group) + m->l2g_cap[g] * sizeof(uint32_t);
	n += m->fn_stamp_cap * sizeof(uint32_t) + m->times_cap * sizeof(double);
	return n;
}

static int m_end(void *self, struct pt_err *err)
{
	struct model *m = self;
	uint32_t k = m->nsamples;
	double dt = k > 0 ? m->t_cur - m->t_prev : 0;

	(void)err;
	counts_flush(m);
	m->in_sample = 0;
	/* groups: sums over their stacks */
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++) {
			m->groups[g][i].s.acc = 0;
			m->groups[g][i].nstacks = 0;
		}
	if (m->fn_stamp_cap < m->ngroups[GROUP_FUNCTION]) {
		free(m->fn_stamp);
		m->fn_stamp_cap = m->ngroups[GROUP_FUNCTION] * 2;
		m->fn_stamp = xcalloc(m->fn_stamp_cap, sizeof(uint32_t));
	} else if (m->fn_stamp) { /* none until function groups are wanted */
		memset(m->fn_stamp, 0, m->fn_stamp_cap * sizeof(uint32_t));
	}
	m->ncand = 0;
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = stack_at(m, i);
		int64_t v;
		struct group *gr;

		if (st->freed)
			continue;
		v = st->s.acc;
		series_push(m, &st->s, k, dt, v);
		st->s.acc = 0;
		if (st->blk && st->blk->sample != k)
			memset(st->blk, 0, sizeof(*st->blk)); /* no block of it in this dump */
		if (!v) {
			/* at 0 pages for the whole history window */
			if (k - st->s.last_changed >= MODEL_HISTORY - 1 && !st->pins &&
			    st->kind == SK_NORMAL) {
				if (m->ncand == m->capcand) {
					m->capcand = m->capcand ? m->capcand * 2 : 256;
					m->cand = xreallocarray(m->cand, m->capcand, sizeof(uint32_t));
				}
				m->cand[m->ncand++] = st->id;
			}
			continue;
		}
		gr = &m->groups[GROUP_CALLER][m->label2group[GROUP_CALLER][st->label] - 1];
		gr->s.acc = sat_add(gr->s.acc, v);
		if (!gr->nstacks++ || v > stack_at(m, gr->example)->s.now)
			gr->example = st->id;
		gr = &m->groups[GROUP_MODULE][m->label2group[GROUP_MODULE][st->nframes ?
			m->fi[st->frames[st->caller]].module : m->label_unknown] - 1];
		gr->s.acc = sat_add(gr->s.acc, v);
		if (!gr->nstacks++ || v > stack_at(m, gr->example)->s.now)
			gr->example = st->id;
		for (unsigned f = 0; m->want_functions && f < st->nframes; f++) {
			uint32_t gi = m->label2group[GROUP_FUNCTION][m->fi[st->frames[f]].func] - 1;

			if (m->fn_stamp[gi] == st->id + 1)
				continue; /* a function counts once per stack (recursion) */
			m->fn_stamp[gi] = st->id + 1;
			gr = &m->groups[GROUP_FUNCTION][gi];
			gr->s.acc = sat_add(gr->s.acc, v);
			if (!gr->nstacks++ || v > stack_at(m, gr->example)->s.now)
				gr->example = st->id;
		}
	}
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++)
			series_push(m, &m->groups[g][i].s, k, dt, m->groups[g][i].s.acc);
	for (size_t i = 0; i < m->ncand; i++)
		if (!group_example(m, stack_at(m, m->cand[i])))
			stack_forget(m, stack_at(m, m->cand[i]));
	m->nsamples++;
	return 0;
}

static void baseline_apply(struct model *m, int to_first)
{
	for (size_t i = 0; i < m->nstacks; i++) {
		struct series *s = &stack_at(m, i)->s;

		if (stack_at(m, i)->freed)
			continue;
		s->base = to_first ? (s->first_seen == 0 ? s->first_value : 0) : s->now;
		s->delta_base = s->now - s->base;
	}
	m->gone_base = to_first ? m->gone_first : 0;
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++) {
			struct series *s = &m->groups[g][i].s;

			s->base = to_first ? (s->first_seen == 0 ? s->first_value : 0) : s->now;
			s->delta_base = s->now - s->base;
		}
}

void model_set_baseline(struct model *m)
{
	m->baseline = m->nsamples ? m->nsamples - 1 : 0;
	baseline_apply(m, 0);
}

void model_reset_baseline(struct model *m)
{
	m->baseline = 0;
	baseline_apply(m, 1);
}

int model_history_at(const struct model *m, const struct series *s, uint32_t k, int64_t *out,
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
	series_fill(s, k - (uint32_t)(cnt - 1), k, out);
	return cnt;
}

int model_history(const struct model *m, const struct series *s, int64_t *out, int n)
{
	return model_history_at(m, s, m->nsamples ? m->nsamples - 1 : 0, out, n);
}

size_t model_series_copy_size(const struct series *s)
{
	return s->hist ? hist_size(s->hist->len) : 0;
}

void model_series_copy(struct series *dst, const struct series *s, void *mem)
{
	*dst = *s;
	if (s->hist) {
		dst->hist = mem;
		memcpy(dst->hist, s->hist, sizeof(*s->hist) + s->hist->len);
		dst->hist->cap = s->hist->len;
	}
}

/* The table slot a record will look at: with 100k stacks the table is megabytes, and
 * this fetch is most of a new stack's cost when it is not started early. */
static void m_prefetch(void *self, const struct stack_rec *rec)
{
	const struct model *m = self;

	if (rec->handle)
		__builtin_prefetch(&m->by_handle[hash_u64(rec->handle) & (m->nslots_h - 1)]);
	else if (rec->hash)
		__builtin_prefetch(&m->by_frames[rec->hash & (m->nslots_f - 1)]);
}

static const struct sink_ops model_ops = {
	.prefetch = m_prefetch,
	.forgotten = m_forgotten,
	.meta = m_meta,
	.begin = m_begin,
	.stack = m_stack,
	.count = m_count,
	.end = m_end,
};

struct sink model_sink(struct model *m)
{
	struct sink s = { &model_ops, m };

	return s;
}

/* ---- filters ---- */

#define FILTER_MAX 31

struct filter {
	regex_t re[FILTER_MAX];
	size_t n;
	uint32_t incmask, excmask;
	/* per text id: 0 unknown, else 1 | bit (i+1) for each pattern i that matches */
	uint32_t *fcache, *lcache;
	size_t fcap, lcap;
};

struct filter *filter_new(const char *const *patterns, size_t n, struct pt_err *err)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	if (n > FILTER_MAX) {
		pt_err_set(err, _("at most %d filters"), FILTER_MAX);
		free(f);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = patterns[i];
		int exclude = p[0] == '!', rc;

		rc = regcomp(&f->re[i], p + exclude, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char buf[256];

			regerror(rc, &f->re[i], buf, sizeof(buf));
			pt_err_set(err, _("bad filter \"%s\": %s"), p, buf);
			f->n = i;
			filter_free(f);
			return NULL;
		}
		if (exclude)
			f->excmask |= 1u << i;
		else
			f->incmask |= 1u << i;
		f->n = i + 1;
	}
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		regfree(&f->re[i]);
	free(f->fcache);
	free(f->lcache);
	free(f);
}

static uint32_t filter_text(struct filter *f, uint32_t **cache, size_t *cap,
			    const struct strtab *t, uint32_t id)
{
	uint32_t v = 0;

	if (id >= *cap) {
		size_t nc = *cap ? *cap : 1024;

		while (nc <= id)
			nc *= 2;
		*cache = xreallocarray(*cache, nc, sizeof(uint32_t));
		memset(*cache + *cap, 0, (nc - *cap) * sizeof(uint32_t));
		*cap = nc;
	}
	if ((*cache)[id])
		return (*cache)[id] >> 1;
	for (size_t i = 0; i < f->n; i++)
		if (regexec(&f->re[i], strtab_str(t, id), 0, NULL, 0) == 0)
			v |= 1u << i;
	(*cache)[id] = (v << 1) | 1;
	return v;
}

static int filter_stack(struct model *m, struct filter *f, const struct stack *st)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < st->nframes; i++)
		mask |= filter_text(f, &f->fcache, &f->fcap, m->frames, st->frames[i]);
	return (mask & f->incmask) == f->incmask && !(mask & f->excmask);
}

static int filter_label(struct model *m, struct filter *f, uint32_t label)
{
	uint32_t mask = filter_text(f, &f->lcache, &f->lcap, m->labels, label);

	return (mask & f->incmask) == f->incmask && !(mask & f->excmask);
}

/* ---- views ---- */

void view_opts_init(struct view_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->group = GROUP_STACK;
	o->key = KEY_PAGES;
}

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
}

void view_free(struct view *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}

struct sortent {
	double k;
	uint32_t tie;
	uint32_t idx;
};

static int cmp_desc(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;

	if (x->k != y->k)
		return x->k > y->k ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static int cmp_asc(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static const struct model *label_model; /* qsort has no context argument */
static int label_desc;

static int cmp_label(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;
	int c = strcmp(strtab_str(label_model->labels, (uint32_t)x->k),
		       strtab_str(label_model->labels, (uint32_t)y->k));

	if (c)
		return label_desc ? -c : c;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

/* An order-preserving map of doubles to unsigned integers. */
static inline uint64_t key_bits(double d, int ascending)
{
	uint64_t b;

	if (d == 0)
		d = 0; /* -0.0 sorts with 0 */
	memcpy(&b, &d, sizeof(b));
	b = (b & 0x8000000000000000ULL) ? ~b : b | 0x8000000000000000ULL;
	return ascending ? b : ~b;
}

/* Stable LSD radix sort by key, so that rows with equal keys keep their order (they come
 * in stack id order: the tie-break cmp_asc/cmp_desc use). A full sort of 100k rows is
 * a few passes over memory instead of 1.7M comparisons; passes where every key has the
 * same byte are skipped. */
static void radix_sort(struct sortent *se, size_t n, int ascending)
{
	struct { uint64_t k; uint32_t idx, tie; } *a = xmalloc(n * sizeof(*a)), *b, *t;
	size_t count[256];

	b = xmalloc(n * sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		a[i].k = key_bits(se[i].k, ascending);
		a[i].idx = se[i].idx;
		a[i].tie = se[i].tie;
	}
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(a[i].k >> shift) & 0xff]++;
		if (count[(a[0].k >> shift) & 0xff] == n)
			continue;
		for (int c = 0; c < 256; c++) {
			size_t x = count[c];

			count[c] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i].k >> shift) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++) {
		se[i].idx = a[i].idx;
		se[i].tie = a[i].tie;
	}
	free(a);
	free(b);
}

static double row_key(const struct row *r, enum sort_key k)
{
	const struct series *s = r->s;

	switch (k) {
	case KEY_PAGES:
	case KEY_BYTES: return (double)s->now;
	case KEY_DELTA: return (double)s->delta;
	case KEY_RATE: return s->rate;
	case KEY_DELTA_BASE: return (double)s->delta_base;
	case KEY_PEAK: return (double)s->peak;
	case KEY_SCORE: return s->score;
	case KEY_FIRST_SEEN: return (double)s->first_seen;
	default: return (double)r->label;
	}
}

static void view_push(struct view *v, const struct row *r)
{
	if (v->nrows == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->rows = xreallocarray(v->rows, v->cap, sizeof(*v->rows));
	}
	v->rows[v->nrows++] = *r;
}

/* The first rows of a view, kept while the candidates stream by (view_opts.top_only):
 * a buffer of 2k is sorted when full and cut to the best k, whose last is the bar. */
struct topent {
	struct sortent se;
	struct row r;
};

struct topk {
	struct topent *e;
	size_t n, k;
	int (*cmp)(const void *, const void *);
	struct sortent bar;
	int have_bar;
};

static int (*topent_cmp)(const void *, const void *); /* qsort has no context argument */

static int cmp_topent(const void *a, const void *b)
{
	return topent_cmp(&((const struct topent *)a)->se, &((const struct topent *)b)->se);
}

static void topk_sort(struct topk *t)
{
	topent_cmp = t->cmp;
	qsort(t->e, t->n, sizeof(*t->e), cmp_topent);
	if (t->n > t->k)
		t->n = t->k;
}

/* Equal keys are ordered by the order rows come in, which the stable radix sort keeps:
 * stack ids, or the groups' places in their table (not their label ids). */
static uint32_t row_tie(const struct model *m, const struct view_opts *o, const struct row *r)
{
	return r->stack ? r->stack->id : (uint32_t)(r->group - m->groups[o->group]);
}

static void view_offer(const struct model *m, struct view *v, const struct view_opts *o,
		       struct topk *t, const struct row *r)
{
	struct sortent se;

	v->shown++;
	v->shown_pages = sat_add(v->shown_pages, r->s->now);
	if (!t) {
		view_push(v, r);
		return;
	}
	se.k = row_key(r, o->key);
	se.tie = row_tie(m, o, r);
	se.idx = 0;
	/* the order is total (ties broken by id): a row not better than the bar is out */
	if (t->have_bar && t->cmp(&se, &t->bar) >= 0)
		return;
	t->e[t->n].se = se;
	t->e[t->n].r = *r;
	if (++t->n == 2 * t->k) {
		topk_sort(t);
		t->bar = t->e[t->k - 1].se;
		t->have_bar = 1;
	}
}

void model_view(struct model *m, const struct view_opts *o, struct view *v)
{
	struct sortent *se;
	struct row *sorted;
	struct topk tk, *t = NULL;

	model_want_group(m, o->group);
	v->nrows = v->shown = 0;
	v->total_pages = v->total_delta = v->total_delta_base = v->shown_pages = 0;
	v->total_rate = 0;
	v->total_rows = 0;
	if (o->key == KEY_LABEL) {
		label_model = m;
		label_desc = !o->ascending;
	}
	if (o->top_only && o->limit) {
		memset(&tk, 0, sizeof(tk));
		tk.k = o->limit;
		tk.e = xmalloc(2 * tk.k * sizeof(*tk.e));
		tk.cmp = o->key == KEY_LABEL ? cmp_label : o->ascending ? cmp_asc : cmp_desc;
		t = &tk;
	}
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct series *s = &stack_at(m, i)->s;

		v->total_pages = sat_add(v->total_pages, s->now);
		v->total_delta = sat_add(v->total_delta, s->delta);
		v->total_delta_base = sat_add(v->total_delta_base, s->delta_base);
		v->total_rate += s->rate;
	}
	v->total_delta_base = sat_add(v->total_delta_base, -m->gone_base);
	if (o->group == GROUP_STACK) {
		for (size_t i = 0; i < m->nstacks; i++) {
			const struct stack *st = stack_at(m, i);
			struct row r = { &st->s, st, NULL, st->label };

			if (!st->s.now && !st->s.delta && !st->s.delta_base)
				continue; /* also a free slot */
			v->total_rows++;
			if (st->s.now < o->threshold)
				continue;
			if (o->filter && !filter_stack(m, o->filter, st))
				continue;
			view_offer(m, v, o, t, &r);
		}
	} else {
		for (size_t i = 0; i < m->ngroups[o->group]; i++) {
			const struct group *g = &m->groups[o->group][i];
			struct row r = { &g->s, NULL, g, g->label };

			if (!g->s.now && !g->s.delta && !g->s.delta_base)
				continue;
			v->total_rows++;
			if (g->s.now < o->threshold)
				continue;
			if (o->filter && !filter_label(m, o->filter, g->label))
				continue;
			view_offer(m, v, o, t, &r);
		}
	}
	if (t) {
		topk_sort(t);
		for (size_t i = 0; i < t->n; i++)
			view_push(v, &t->e[i].r);
		free(t->e);
		return;
	}
	if (v->nrows < 2)
		return;
	se = xmalloc(v->nrows * sizeof(*se));
	for (size_t i = 0; i < v->nrows; i++) {
		se[i].k = row_key(&v->rows[i], o->key);
		se[i].tie = row_tie(m, o, &v->rows[i]);
		se[i].idx = (uint32_t)i;
	}
	if (o->key == KEY_LABEL) {
		qsort(se, v->nrows, sizeof(*se), cmp_label);
	} else if (o->limit && o->limit * 8 < v->nrows) {
		/* only the first rows are wanted: select them, then sort just those */
		size_t k = o->limit, n = 0;
		int (*cmp)(const void *, const void *) = o->ascending ? cmp_asc : cmp_desc;
		struct sortent *top = xmalloc((2 * k) * sizeof(*top)), worst;
		int have_worst = 0;

		/* the order is total (ties broken by id), so a row not better than the k-th
		 * best so far is out */
		for (size_t i = 0; i < v->nrows; i++) {
			if (have_worst && cmp(&se[i], &worst) >= 0)
				continue;
			top[n++] = se[i];
			if (n == 2 * k) {
				qsort(top, n, sizeof(*top), cmp);
				n = k;
				worst = top[k - 1];
				have_worst = 1;
			}
		}
		qsort(top, n, sizeof(*top), cmp);
		memcpy(se, top, (n < k ? n : k) * sizeof(*top));
		free(top);
		/* rows past the limit keep no order: the caller shows only the first ones */
		{
			uint8_t *used = xcalloc(v->nrows, 1);
			size_t w = n < k ? n : k;

			for (size_t i = 0; i < w; i++)
				used[se[i].idx] = 1;
			for (size_t i = 0; i < v->nrows; i++)
				if (!used[i])
					se[w++].idx = (uint32_t)i;
			free(used);
		}
	} else {
		radix_sort(se, v->nrows, o->ascending);
	}
	sorted = xmalloc(v->cap * sizeof(*sorted));
	for (size_t i = 0; i < v->nrows; i++)
		sorted[i] = v->rows[se[i].idx];
	free(v->rows);
	v->rows = sorted;
	free(se);
}
