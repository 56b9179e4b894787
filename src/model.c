/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.c - stacks over time: interned frames, stack identity, per-sample counters,
 * forgetting, and the sink that feeds it all. model_counter.c keeps the counters'
 * history and the leak score, model_group.c the groups, model_view.c the views.
 *
 * Implements the sink contract (sink.h). Pure data: no I/O, no terminal. */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "model_int.h"

/* The special stacks, by the function of their innermost frame. */
static const struct { const char *name; enum stack_kind k; } special_names[] = {
	{ "register_dummy_stack", SK_DUMMY },
	{ "register_failure_stack", SK_FAILURE },
	{ "register_early_stack", SK_EARLY },
};

/* ---- interning and frames ---- */

void classify_frame(struct model *m, uint32_t id)
{
	const char *s = strtab_str(m->frames, id);
	size_t len = strtab_len(m->frames, id);
	struct frame_info *f = &m->frame_info[id];
	struct frame_parts fp;
	struct site_parts sp;
	char buf[FRAME_MAX + 80];

	f->kind = SK_NORMAL;
	if (frame_site_split(s, len, &sp) == 0) {
		/* an allocinfo call site: labelled by its function */
		f->func = strtab_intern(m->labels, buf, frame_site_label(&sp, buf, sizeof(buf)));
		f->module = sp.module ? strtab_intern(m->labels, sp.module, sp.module_len)
				      : m->label_vmlinux;
		f->is_alloc = 0;
		f->is_site = 1;
		f->file = strtab_intern(m->labels, sp.file, sp.file_len);
		{
			const char *slash = memrchr(sp.file, '/', sp.file_len);

			f->dir = slash ? strtab_intern(m->labels, sp.file, (size_t)(slash - sp.file) + 1)
				       : strtab_intern(m->labels, "./", 2);
		}
		return;
	}
	f->is_site = 0;
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
		if (id >= m->frame_info_cap) {
			m->frame_info_cap = m->frame_info_cap ? m->frame_info_cap * 2 : 1024;
			m->frame_info = xreallocarray(m->frame_info, m->frame_info_cap,
						      sizeof(*m->frame_info));
		}
		classify_frame(m, id);
	}
	return id;
}

const char *model_frame(const struct model *m, uint32_t id)
{
	return strtab_str(m->frames, id);
}

int model_texts_have(const struct model *m, const char *text)
{
	size_t len;
	const char *s = strtab_texts(m->labels, &len);

	if (mem_has_text(s, len, text))
		return 1;
	s = strtab_texts(m->frames, &len);
	return mem_has_text(s, len, text);
}

uint32_t model_nframes(const struct model *m)
{
	return strtab_count(m->frames);
}

uint32_t model_nlabels(const struct model *m)
{
	return strtab_count(m->labels);
}

const char *model_label(const struct model *m, uint32_t id)
{
	if (id & MODEL_APART_ID)
		return (id & ~MODEL_APART_ID) < m->napart
			       ? m->apart_buf + m->apart_off[id & ~MODEL_APART_ID] : "";
	return strtab_str(m->labels, id);
}

uint32_t model_apart_gen(const struct model *m)
{
	return m->apart_gen;
}

int model_frame_is_alloc(const struct model *m, uint32_t id)
{
	return id < strtab_count(m->frames) && m->frame_info[id].is_alloc;
}

/* ---- model ---- */

static uint64_t next_ident(void)
{
	static _Atomic uint64_t last;

	return atomic_fetch_add(&last, 1) + 1;
}

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->ident = next_ident();

	m->frames = strtab_new();
	m->labels = strtab_new();
	m->label_vmlinux = strtab_intern(m->labels, "vmlinux", 7);
	m->label_unknown = strtab_intern(m->labels, "?", 1);

	m->nslots_frames = 1024;
	m->by_frames = xhuge_alloc(m->nslots_frames * sizeof(uint64_t));
	m->nslots_handles = 1024;
	m->by_handle = xhuge_alloc(m->nslots_handles * sizeof(uint64_t));
	m->pending = xmalloc(PENDING_MAX * sizeof(*m->pending));
	m->meta.page_size = 4096;
	return m;
}

static void meta_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* A NULL-terminated list of strings, copied (the source's goes with it). */
static char **meta_strv(const char *const *src)
{
	size_t n = 0;
	char **v;

	if (!src)
		return NULL;
	while (src[n])
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = xstrdup(src[i]);
	return v;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nstacks; i++) {
		struct stack *st = &m->chunks[i / STACK_CHUNK][i % STACK_CHUNK];

		free(st->s.hist);
	}
	for (size_t i = 0; i < m->blk_cap; i++)
		free(m->blk[i]);
	free(m->blk);
	free(m->chunks);
	free(m->stack_labels);
	free(m->freemap);
	free(m->to_forget);
	free(m->forgot);
	free(m->forgot_out);
	for (int g = 0; g < GROUP__N; g++) {
		for (size_t i = 0; i < m->ngroups[g]; i++)
			free(m->groups[g][i].s.hist);
		free(m->groups[g]);
		free(m->label2group[g]);
	}
	free(m->function_stamp);
	trace_free(m, &m->total_trace);
	trace_pool_free(m); /* the rows' traces */
	free(m->apart_dirty);
	apart_runs_free(m);
	free(m->apart_news);
	free(m->apart_memo);
	free(m->times);
	changes_free(m);
	arena_free(&m->arena);
	xhuge_free(m->by_frames, m->nslots_frames * sizeof(uint64_t));
	xhuge_free(m->by_handle, m->nslots_handles * sizeof(uint64_t));
	free(m->pending);
	free(m->frame_info);
	for (int i = 0; i < KEY_MAPS; i++)
		free(m->key_maps[i].map);
	free(m->stack_keys);
	strtab_free(m->frames);
	strtab_free(m->labels);
	free(m->apart_buf);
	free(m->apart_off);
	for (size_t i = 0; i < m->npatterns; i++)
		free(m->patterns[i]);
	free(m->patterns);
	free(m->meta_name);
	free(m->meta_kind);
	free(m->meta_release);
	free(m->meta_build_id);
	free(m->meta_host);
	meta_strv_free(m->meta_modules);
	free(m);
}

void model_reset(struct model *m)
{
	struct model *fresh = model_new(), old = *m;

	*m = *fresh;
	m->patterns = old.patterns;
	m->npatterns = old.npatterns;
	old.patterns = NULL;
	old.npatterns = 0;
	m->block_hook = old.block_hook;
	m->block_hook_self = old.block_hook_self;
	m->groups_off = old.groups_off;
	m->groups_late = old.groups_late;
	m->ident = next_ident();
	*fresh = old;
	model_free(fresh); /* what m had */
	/* the blocks it was told of are of stacks that are no more */
	if (m->block_hook)
		m->block_hook(m->block_hook_self, NULL, NULL);
}

void model_groups_off(struct model *m)
{
	m->groups_off = 1;
}

void model_groups_late(struct model *m)
{
	m->groups_late = 1;
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

const struct block_summary *model_stack_blocks(const struct model *m, const struct stack *st)
{
	return st->id < m->blk_cap ? m->blk[st->id] : NULL;
}

int64_t model_total_pages(const struct model *m)
{
	int64_t t = 0;

	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);

		if (st)
			t = sat_add(t, st->s.now);
	}
	return t;
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

const struct meminfo *model_meminfo(const struct model *m)
{
	return &m->mem;
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

/* ---- stacks ---- */

/* Grown at three quarters full: the slots are 8 bytes and a probe compares 32 bits of
 * the hash, so the longer runs cost little (a lookup by handle reads the stack anyway). */
static void handles_grow(struct model *m)
{
	size_t ns = m->nslots_handles * 2, mask = ns - 1;
	uint64_t *t = xhuge_alloc(ns * sizeof(*t));

	for (size_t i = 0; i < m->nslots_handles; i++) {
		uint64_t e = m->by_handle[i];
		size_t j;

		if (!e)
			continue;
		j = (e >> 32) & mask;
		while (t[j])
			j = (j + 1) & mask;
		t[j] = e;
	}
	xhuge_free(m->by_handle, m->nslots_handles * sizeof(*t));
	m->by_handle = t;
	m->nslots_handles = ns;
}

/* An entry of by_frames: the stack's id + 1, with the low half of its hash above it, so
 * that the table grows from its own entries while it has at most 2^32 slots, not from
 * the stacks (168 bytes each, read at random). */
static inline uint64_t frames_slot(uint32_t id, uint64_t h)
{
	return ((uint64_t)id + 1) | h << 32;
}

/* by_frames with ns slots (a power of 2, more than it has) */
static void frames_resize(struct model *m, size_t ns)
{
	size_t mask = ns - 1;
	uint64_t *t = xhuge_alloc(ns * sizeof(uint64_t));

	if (ns <= (size_t)1 << 32) {
		for (size_t i = 0; i < m->nslots_frames; i++) {
			uint64_t e = m->by_frames[i];
			size_t j = (size_t)(e >> 32) & mask;

			if (!e)
				continue;
			while (t[j])
				j = (j + 1) & mask;
			t[j] = e;
		}
	} else {
		for (size_t i = 0; i < m->nstacks; i++) {
			struct stack *st = stack_at(m, i);
			size_t j;

			if (st->handle || st->freed)
				continue;
			j = st->hash & mask;
			while (t[j])
				j = (j + 1) & mask;
			t[j] = frames_slot((uint32_t)i, st->hash);
		}
	}
	xhuge_free(m->by_frames, m->nslots_frames * sizeof(uint64_t));
	m->by_frames = t;
	m->nslots_frames = ns;
}

static void frames_grow(struct model *m)
{
	frames_resize(m, m->nslots_frames * 2);
}

static struct stack *find_by_frames(struct model *m, const uint32_t *ids, unsigned n,
				    uint64_t h, size_t *slot)
{
	size_t mask = m->nslots_frames - 1, j = h & mask;
	uint64_t tag = frames_slot(0, h) & 0xffffffff00000000ULL;

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
	uint32_t hh = handle_hash(handle);
	size_t mask = m->nslots_handles - 1, j = hh & mask;

	for (;;) {
		uint64_t e = m->by_handle[j];

		if (!e)
			break;
		if ((uint32_t)(e >> 32) == hh) {
			struct stack *st = stack_at(m, (uint32_t)e - 1);

			if (st->handle == handle) {
				*slot = j;
				return st;
			}
		}
		j = (j + 1) & mask;
	}
	*slot = j;
	return NULL;
}

/* Frame id arrays come from the arena, and those of forgotten stacks go to a list by
 * length (the link kept in their first 8 bytes, so an array is at least 2 ids long):
 * stacks that come and go have the lengths of those that went. */
_Static_assert(sizeof(uint32_t *) <= 2 * sizeof(uint32_t), "a free array holds its link");

/* The link of a free array: the next free array of its length, stored in its first ids
 * (byte by byte: the ids are uint32_t, the link a pointer). */
static inline uint32_t *free_next(const uint32_t *array)
{
	uint32_t *next;

	memcpy(&next, array, sizeof(next));
	return next;
}

static inline void free_link(uint32_t *array, uint32_t *next)
{
	memcpy(array, &next, sizeof(next));
}

static uint32_t *frames_store(struct model *m, const uint32_t *ids, unsigned n)
{
	unsigned c = n < 2 ? 2 : n;
	uint32_t *p = m->frames_free[c];

	if (p) {
		m->frames_free[c] = free_next(p);
	} else {
		if (m->frame_arena_len + c > m->frame_arena_cap) {
			/* a new piece; stacks keep pointing into the old ones */
			m->frame_arena_cap = m->frame_arena_cap ? m->frame_arena_cap * 2 : 16384;
			if (m->frame_arena_cap > (1u << 16))
				m->frame_arena_cap = 1u << 16;
			if (m->frame_arena_cap < c)
				m->frame_arena_cap = c;
			m->frame_arena = arena_alloc(&m->arena, m->frame_arena_cap * sizeof(uint32_t));
			m->frame_arena_len = 0;
		}
		p = m->frame_arena + m->frame_arena_len;
		m->frame_arena_len += c;
	}
	memcpy(p, ids, n * sizeof(uint32_t));
	return p;
}

static void frames_release(struct model *m, uint32_t *p, unsigned n)
{
	unsigned c = n < 2 ? 2 : n;

	free_link(p, m->frames_free[c]);
	m->frames_free[c] = p;
}

static void stack_set_frames(struct model *m, struct stack *st, const uint32_t *ids, unsigned n)
{
	st->frames = n ? frames_store(m, ids, n) : NULL;
	st->nframes = (uint16_t)n;
	if (n) {
		enum stack_kind k = m->frame_info[ids[0]].kind;

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
	struct keyspace_map *km = &m->key_maps[0];

	if (km->keyspace != rec->keyspace) {
		unsigned j = 1;

		while (j < KEY_MAPS && m->key_maps[j].keyspace != rec->keyspace)
			j++;
		if (j == KEY_MAPS) {
			/* a new keyspace takes the place of the one used longest ago */
			j = 1 + m->key_map_next++ % (KEY_MAPS - 1);
			m->key_maps[j].keyspace = rec->keyspace;
			if (m->key_maps[j].map)
				memset(m->key_maps[j].map, 0, m->key_maps[j].cap * sizeof(uint32_t));
		}
		/* the current one first */
		{
			struct keyspace_map t = m->key_maps[0];

			m->key_maps[0] = m->key_maps[j];
			m->key_maps[j] = t;
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
		st = stack_at(m, id);
		memset(st, 0, sizeof(*st));
		*stack_label_at(m, id) = 0;
	} else {
		/* a slot never used: the arena's zeroes (cleared again, it would be written
		 * twice, the first time by the kernel) */
		if (m->nstacks == m->nchunks * STACK_CHUNK) {
			m->chunks = xreallocarray(m->chunks, m->nchunks + 1, sizeof(*m->chunks));
			m->stack_labels = xreallocarray(m->stack_labels, m->nchunks + 1,
							sizeof(*m->stack_labels));
			m->chunks[m->nchunks] = arena_alloc(&m->arena,
							    STACK_CHUNK * sizeof(struct stack));
			m->stack_labels[m->nchunks++] = arena_alloc(&m->arena,
								    STACK_CHUNK * sizeof(uint32_t));
		}
		id = m->nstacks++;
		st = stack_at(m, id);
	}
	st->id = (uint32_t)id;
	st->s.first_seen = m->nsamples;
	m->stacks_gen++;
	m->nlive++;
	m->apart_new = st->id + 1;
	return st;
}

/* A block of a per-block dump into its stack's summary. */
static void block_add(struct model *m, struct stack *st, const struct block_info *b)
{
	struct block_summary *bs;

	if (st->id >= m->blk_cap) {
		size_t cap = m->blk_cap ? m->blk_cap : 1024;

		while (cap <= st->id)
			cap *= 2;
		m->blk = xreallocarray(m->blk, cap, sizeof(*m->blk));
		memset(m->blk + m->blk_cap, 0, (cap - m->blk_cap) * sizeof(*m->blk));
		m->blk_cap = cap;
	}
	bs = m->blk[st->id];
	if (!bs) {
		bs = m->blk[st->id] = xcalloc(1, sizeof(*bs));
		m->nblock_summaries++;
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

/* The stack a producer's stack key stands for, when the model has it still. */
static struct stack *find_by_key(struct model *m, const struct stack_rec *rec)
{
	const struct stack_key *k;
	struct stack *st;

	if (!rec->key || rec->keyspace != m->stack_keyspace || rec->key >= m->stack_keys_cap)
		return NULL;
	k = &m->stack_keys[rec->key];
	if (!k->id1)
		return NULL;
	st = stack_at(m, k->id1 - 1);
	return st->freed || st->handle || st->s.first_seen != k->first_seen ? NULL : st;
}

static void key_set(struct model *m, const struct stack_rec *rec, const struct stack *st)
{
	if (!rec->key || !rec->keyspace)
		return;
	if (rec->keyspace != m->stack_keyspace) {
		/* one producer at a time: a new one starts a new map */
		m->stack_keyspace = rec->keyspace;
		if (m->stack_keys)
			memset(m->stack_keys, 0, m->stack_keys_cap * sizeof(*m->stack_keys));
	}
	m->stack_keys = xgrow_zeroed(m->stack_keys, &m->stack_keys_cap, rec->key,
				     sizeof(*m->stack_keys));
	m->stack_keys[rec->key].id1 = st->id + 1;
	m->stack_keys[rec->key].first_seen = st->s.first_seen;
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
			m->by_handle[slot] = handle_slot(st->id, handle_hash(st->handle));
			if (++m->nhandled * 4 >= m->nslots_handles * 3)
				handles_grow(m);
			stack_set_frames(m, st, ids, n);
		} else if (!st->nframes && n) {
			/* it was only known by a count; now its frames arrived. A stack that has
			 * frames keeps its first text (frames of an unloaded module turn into
			 * bare addresses later). */
			stack_set_frames(m, st, ids, n);
		}
	} else if (!(st = find_by_key(m, rec))) {
		/* The key comes from the frames' text hashes, which the parser already has:
		 * the table slot can be fetched while the frames are interned. */
		uint64_t h = rec->hash && n == rec->nframes ? rec->hash
							      : stack_rec_hash(rec->frames, n);

		__builtin_prefetch(&m->by_frames[h & (m->nslots_frames - 1)]);
		frames_ids(m, rec, n, ids);
		st = find_by_frames(m, ids, n, h, &slot);
		if (!st) {
			st = stack_new(m);
			st->hash = h;
			stack_set_frames(m, st, ids, n);
			m->by_frames[slot] = frames_slot(st->id, h);
			if ((m->nlive - m->nhandled) * 2 >= m->nslots_frames)
				frames_grow(m);
		}
		key_set(m, rec, st);
	}
	if (m->chg.on)
		changes_name(m, st);
	if (rec->has_count)
		st->s.acc = sat_add(st->s.acc, rec->count > INT64_MAX ? INT64_MAX : (int64_t)rec->count);
	if (rec->calls)
		st->s.calls_acc = sat_add(st->s.calls_acc, rec->calls > INT64_MAX ? INT64_MAX
										  : (int64_t)rec->calls);
	if (rec->block) {
		block_add(m, st, rec->block);
		if (m->block_hook)
			m->block_hook(m->block_hook_self, st, rec->block);
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
		m->by_handle[slot] = handle_slot(st->id, handle_hash(handle));
		if (++m->nhandled * 4 >= m->nslots_handles * 3)
			handles_grow(m);
		stack_set_frames(m, st, NULL, 0);
	}
	if (m->chg.on)
		changes_name(m, st);
	st->s.acc = sat_add(st->s.acc, count > INT64_MAX ? INT64_MAX : (int64_t)count);
}

/* Counts by handle are applied in batches: the table slots of the next ones are fetched
 * while the current ones are added (one cache miss each otherwise, on 100k stacks). */
static void counts_flush(struct model *m)
{
	size_t mask = m->nslots_handles - 1;

	for (size_t i = 0; i < m->npending; i++) {
		if (i + 8 < m->npending)
			__builtin_prefetch(&m->by_handle[handle_hash(m->pending[i + 8].handle) & mask]);
		count_apply(m, m->pending[i].handle, m->pending[i].count);
		mask = m->nslots_handles - 1;
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
	char **mods;

	(void)err;
	m->meta = *meta;
	meta_str(&m->meta_name, meta->name);
	meta_str(&m->meta_kind, meta->kind);
	meta_str(&m->meta_release, meta->kernel_release);
	meta_str(&m->meta_build_id, meta->kernel_build_id);
	meta_str(&m->meta_host, meta->hostname);
	mods = meta_strv(meta->module_build_ids); /* before the old go: meta may be m's */
	meta_strv_free(m->meta_modules);
	m->meta_modules = mods;
	m->meta.name = m->meta_name;
	m->meta.kind = m->meta_kind;
	m->meta.kernel_release = m->meta_release;
	m->meta.kernel_build_id = m->meta_build_id;
	m->meta.hostname = m->meta_host;
	m->meta.module_build_ids = (const char *const *)m->meta_modules;
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
	groups_ready(m);
	m->t_prev = m->t_cur;
	m->t_cur = si->time;
	m->time_abs = si->time_abs;
	if (si->mem && si->mem->valid)
		m->mem = *si->mem;
	else
		memset(&m->mem, 0, sizeof(m->mem));
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
			stack_at(m, i)->s.acc = stack_at(m, i)->s.calls_acc = 0;
	m->npending = 0;
	m->nforgot = 0;
	m->in_sample = 1;
	m->chg.on = si->changes_only && m->nsamples > 0;
	m->chg.nnamed = 0;
	return 0;
}

/* ---- forgetting ---- */

/* Open addressing with linear probing: the entries after a hole that may sit there move
 * up into it (none is missed by a probe, no tombstones pile up). */
static void handle_unlink(struct model *m, const struct stack *st)
{
	size_t mask = m->nslots_handles - 1, j = handle_hash(st->handle) & mask, i = j;

	while ((uint32_t)m->by_handle[j] != st->id + 1)
		j = (j + 1) & mask;
	for (i = j;;) {
		size_t home;

		i = (i + 1) & mask;
		if (!m->by_handle[i])
			break;
		home = (m->by_handle[i] >> 32) & mask;
		if (((i - home) & mask) >= ((i - j) & mask)) {
			m->by_handle[j] = m->by_handle[i];
			j = i;
		}
	}
	m->by_handle[j] = 0;
}

static void frames_unlink(struct model *m, const struct stack *st)
{
	size_t mask = m->nslots_frames - 1, j = st->hash & mask, i;

	while ((uint32_t)m->by_frames[j] != st->id + 1)
		j = (j + 1) & mask;
	for (i = j;;) {
		uint64_t e;
		size_t home;

		i = (i + 1) & mask;
		e = m->by_frames[i];
		if (!e)
			break;
		/* from the entry, as frames_grow() does: no stack read */
		home = mask <= UINT32_MAX ? (size_t)(e >> 32) & mask
					  : stack_at(m, (uint32_t)e - 1)->hash & mask;
		if (((i - home) & mask) >= ((i - j) & mask)) {
			m->by_frames[j] = e;
			j = i;
		}
	}
	m->by_frames[j] = 0;
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
	if (groups_now(m))
		group_forget_stack(m, st);
	m->gone_base = sat_add(m->gone_base, st->s.base);
	if (st->s.first_seen == 0)
		m->gone_first = sat_add(m->gone_first, st->s.first_value);
	counter_hist_free(m, &st->s);
	if (st->id < m->blk_cap && m->blk[st->id]) {
		free(m->blk[st->id]);
		m->blk[st->id] = NULL;
		m->nblock_summaries--;
	}
	if (st->frames)
		frames_release(m, st->frames, st->nframes);
	st->frames = NULL;
	st->nframes = 0;
	st->handle = 0;
	st->freed = 1;
	*stack_label_at(m, st->id) = STACK_LABEL_FREED;
	m->stacks_gen++;
	apart_mark(m, st->label);
	apart_news(m, st->id, st->label, 0);
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

	for (int i = 0; i < KEY_MAPS; i++)
		n += m->key_maps[i].cap * sizeof(uint32_t);
	n += m->stack_keys_cap * sizeof(*m->stack_keys);
	n += m->frame_info_cap * sizeof(*m->frame_info);
	n += m->nchunks * (sizeof(*m->chunks) + sizeof(*m->stack_labels)) + arena_bytes(&m->arena);
	n += m->freemap_words * sizeof(uint64_t);
	n += (m->nslots_frames + m->nslots_handles) * sizeof(uint64_t);
	n += PENDING_MAX * sizeof(*m->pending);
	n += m->hist_bytes + trace_mem_bytes(m) + m->nblock_summaries * sizeof(struct block_summary);
	n += m->blk_cap * sizeof(*m->blk);
	n += m->cap_to_forget * sizeof(uint32_t);
	n += (m->capforgot + m->capforgot_out) * sizeof(uint64_t);
	for (int g = 0; g < GROUP__N; g++)
		n += m->capgroups[g] * sizeof(struct group) + m->label2group_cap[g] * sizeof(uint32_t);
	n += m->function_stamp_cap * sizeof(uint32_t) + m->times_cap * sizeof(double);
	n += m->apart_dirty_cap + m->apart_cap + m->capapart * sizeof(uint32_t);
	if (m->apart_run_labels)
		n += (m->apart_run_labels + 1 + 4 * m->apart_run_n) * sizeof(uint32_t) +
		     m->apart_run_labels + (m->apart_run_stacks / 64 + 1) * sizeof(uint64_t) +
		     (m->apart_run_n ? m->apart_run_n : 1) * sizeof(struct apart_look);
	n += changes_bytes(m);
	n += m->capapart_news * sizeof(*m->apart_news) +
	     (m->apart_memo ? APART_MEMO * sizeof(struct apart_memo) : 0);
	return n;
}

/* The sums of the groups go on from the last sample's while no sum nears the bound of
 * its type: the pages of all stacks and their calls stay below GROUPS_BIG in both
 * samples, so no sum saturates on the way. */
#define GROUPS_BIG (INT64_MAX / 2)

static void groups_sum_again(struct model *m, uint32_t k)
{
	groups_sample_begin(m, 1);
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = stack_at(m, i);

		if (!st->freed && st->s.now)
			groups_count(m, st, 1, 0, st->s.now, 0, k);
	}
}

/* The end of a sample for one stack, whose acc holds its count: a count adds to the
 * sums, 0 for the whole window puts it on m->to_forget. */
static void stack_sample_end(struct model *m, struct stack *st, uint32_t k, double dt,
			     int full, int64_t *total, int64_t *calls)
{
	int grouped = groups_now(m);
	int64_t v = st->s.acc, old = st->s.now, oldc = old ? st->s.calls : 0;

	counter_push(m, &st->s, k, dt, v);
	st->s.acc = 0;
	st->s.calls = st->s.calls_acc;
	st->s.calls_acc = 0;
	if (!full && grouped && (v != old || (v && st->s.calls != oldc)))
		groups_count(m, st, 0, old, v, (v ? st->s.calls : 0) - oldc, k);
	if (st->id < m->blk_cap && m->blk[st->id] && m->blk[st->id]->sample != k)
		memset(m->blk[st->id], 0, sizeof(**m->blk)); /* no block of it in this dump */
	if (!v) {
		/* at 0 pages for the whole history window */
		if (k - st->s.last_changed >= MODEL_HISTORY - 1 && !st->pins &&
		    st->kind == SK_NORMAL) {
			if (m->nto_forget == m->cap_to_forget) {
				m->cap_to_forget = m->cap_to_forget ? m->cap_to_forget * 2 : 256;
				m->to_forget = xreallocarray(m->to_forget, m->cap_to_forget,
							     sizeof(uint32_t));
			}
			m->to_forget[m->nto_forget++] = st->id;
		}
		return;
	}
	*total = sat_add(*total, v);
	*calls = sat_add(*calls, st->s.calls);
	if (full && grouped)
		groups_count(m, st, 1, 0, v, 0, k);
}

/* The stacks a sample of changes looks at are few and far apart: each one's history is
 * fetched this many stacks ahead, the stack twice as many (the history's pointer is in
 * it). */
#define CHANGES_AHEAD 8

/* The lines of a stack the end of a sample reads and writes. */
static void stack_prefetch(const struct stack *st)
{
	__builtin_prefetch(&st->s.now, 1);
	__builtin_prefetch(&st->s.hist, 1);
	__builtin_prefetch(&st->freed, 1);
}

/* A sample of changes only: the stacks it looks at (model_changes.c). The sums go on
 * from the last sample's, which are exact below GROUPS_BIG. */
static void changes_end(struct model *m, uint32_t k, double dt, int64_t *total, int64_t *calls)
{
	int64_t was = 0, wasc = 0, add = 0, addc = 0;

	changes_collect(m, k);
	for (size_t i = 0; i < m->chg.nwork; i++) {
		struct stack *st = stack_at(m, m->chg.work[i]);

		if (i + 2 * CHANGES_AHEAD < m->chg.nwork)
			stack_prefetch(stack_at(m, m->chg.work[i + 2 * CHANGES_AHEAD]));
		if (i + CHANGES_AHEAD < m->chg.nwork) {
			const struct stack *ahead = stack_at(m, m->chg.work[i + CHANGES_AHEAD]);

			__builtin_prefetch(ahead->s.hist);
			__builtin_prefetch(ahead->s.trace);
		}
		if (st->freed)
			continue;
		if (st->s.now) {
			was += st->s.now;
			wasc += st->s.calls;
		}
		stack_sample_end(m, st, k, dt, 0, &add, &addc);
	}
	*total = sat_add(m->chg.total - was, add);
	*calls = sat_add(m->chg.calls - wasc, addc);
}

#define FORGET_AHEAD 4

static int m_end(void *self, struct pt_err *err)
{
	struct model *m = self;
	uint32_t k = m->nsamples;
	double dt = k > 0 ? m->t_cur - m->t_prev : 0;
	int64_t total = 0, calls = 0;
	int full = m->groups_full, grouped = groups_now(m), some;

	(void)err;
	m->dt = dt;
	counts_flush(m);
	m->in_sample = 0;
	some = m->chg.on && changes_usable(m, k);
	m->chg.on = 0;
	if (full && grouped)
		groups_examples_settle(m);
	if (grouped)
		groups_sample_begin(m, full);
	m->nto_forget = 0;
	if (some) {
		changes_end(m, k, dt, &total, &calls);
	} else {
		for (size_t i = 0; i < m->nstacks; i++) {
			struct stack *st = stack_at(m, i);

			/* the frames of stacks further on: the groups' loop misses each
			 * otherwise */
			if (i + 8 < m->nstacks)
				__builtin_prefetch(stack_at(m, i + 8)->frames);
			if (!st->freed)
				stack_sample_end(m, st, k, dt, full, &total, &calls);
		}
	}
	m->groups_full = total >= GROUPS_BIG || calls >= GROUPS_BIG;
	if (m->groups_full && !full && grouped)
		groups_sum_again(m, k);
	if (!m->total_trace)
		m->total_trace = trace_new(m, k, TRACE_TOTAL_BUCKETS);
	trace_add(m, &m->total_trace, k, total);
	if (grouped)
		groups_sample_end(m, k, dt);
	for (size_t i = 0; i < m->nto_forget; i++) {
		if (i + FORGET_AHEAD < m->nto_forget) {
			/* the table slot stack_forget() starts its probe at */
			const struct stack *st = stack_at(m, m->to_forget[i + FORGET_AHEAD]);

			if (!st->handle)
				__builtin_prefetch(&m->by_frames[st->hash &
								 (m->nslots_frames - 1)]);
		}
		if (!grouped || !group_example(m, stack_at(m, m->to_forget[i])))
			stack_forget(m, stack_at(m, m->to_forget[i]));
	}
	changes_after(m, k, total, calls, !some);
	trace_pool_tidy(m);
	if (k == 0 && m->groups_late && !m->groups_off) {
		m->groups_pending = 1;
		m->groups_at = 0;
	}
	m->nsamples++;
	return 0;
}

static void baseline_apply(struct model *m, int to_first)
{
	groups_ready(m);
	for (size_t i = 0; i < m->nstacks; i++) {
		struct counter *s = &stack_at(m, i)->s;

		if (stack_at(m, i)->freed)
			continue;
		s->base = to_first ? (s->first_seen == 0 ? s->first_value : 0) : s->now;
		s->delta_base = s->now - s->base;
	}
	m->gone_base = to_first ? m->gone_first : 0;
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++) {
			struct counter *s = &m->groups[g][i].s;

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

/* The table slot a record will look at: with 100k stacks the table is megabytes, and
 * this fetch is most of a new stack's cost when it is not started early. */
static void m_prefetch(void *self, const struct stack_rec *rec)
{
	const struct model *m = self;

	if (rec->handle)
		__builtin_prefetch(&m->by_handle[handle_hash(rec->handle) & (m->nslots_handles - 1)]);
	else if (rec->key && rec->keyspace == m->stack_keyspace && rec->key < m->stack_keys_cap &&
		 m->stack_keys[rec->key].id1) {
		const struct stack *st = stack_at(m, m->stack_keys[rec->key].id1 - 1);

		/* what find_by_key() reads and m_stack() adds to: lines apart */
		__builtin_prefetch(&st->s.first_seen, 1);
		__builtin_prefetch(&st->s.acc, 1);
		__builtin_prefetch(&st->freed, 1);
	}
	else if (rec->hash)
		__builtin_prefetch(&m->by_frames[rec->hash & (m->nslots_frames - 1)]);
}

static void m_prefetch_key(void *self, uint64_t keyspace, uint32_t key)
{
	const struct model *m = self;

	if (key && keyspace == m->stack_keyspace && key < m->stack_keys_cap)
		__builtin_prefetch(&m->stack_keys[key]);
}

/* The table of stacks by frames at once as large as a sample of n stacks makes it (at
 * most half full; a sample mostly brings the stacks the model has): growing it by
 * doubling writes every entry again at each step, into memory the kernel has just
 * cleared, on the thread that feeds the model. */
#define EXPECT_MAX_SLOTS ((uint64_t)1 << 23) /* 64 MiB: 4M stacks */

static void m_expect(void *self, uint64_t n)
{
	struct model *m = self;
	uint64_t have = m->nlive - m->nhandled, want = (n > have ? n : have) * 2;
	size_t ns = m->nslots_frames;

	while (ns <= want && ns < EXPECT_MAX_SLOTS)
		ns *= 2;
	if (ns > m->nslots_frames)
		frames_resize(m, ns);
}

static uint64_t m_ident(void *self)
{
	return ((const struct model *)self)->ident;
}

static const struct sink_ops model_ops = {
	.ident = m_ident,
	.prefetch = m_prefetch,
	.expect = m_expect,
	.forgotten = m_forgotten,
	.meta = m_meta,
	.begin = m_begin,
	.stack = m_stack,
	.count = m_count,
	.end = m_end,
	.take_changes = 1,
	.prefetch_key = m_prefetch_key,
};

struct sink model_sink(struct model *m)
{
	struct sink s = { &model_ops, m };

	return s;
}

void model_on_block(struct model *m,
		    void (*fn)(void *self, const struct stack *st, const struct block_info *b),
		    void *self)
{
	m->block_hook = fn;
	m->block_hook_self = self;
}
