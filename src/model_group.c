/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_group.c - groups: which group of each mode a stack counts in (its caller, the
 * first frame that is no allocator machinery; its module; each of its functions), the
 * groups' table and their sums per sample. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "model_int.h"

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

static const char *const group_names[GROUP__N] = { "stack", "caller", "function", "module",
							"file", "directory" };

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

int alloc_match(const struct model *m, const char *name, size_t len)
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
	groups_ready(m); /* from the places the stacks had */
	for (uint32_t i = 0; i < strtab_count(m->frames); i++)
		classify_frame(m, i);
	for (size_t i = 0; i < m->nstacks; i++)
		if (!stack_at(m, i)->freed)
			stack_place(m, stack_at(m, i));
	return 0;
}

uint32_t group_get(struct model *m, enum group_mode g, uint32_t label)
{
	uint32_t *l2g;

	if (label >= m->label2group_cap[g]) {
		size_t cap = m->label2group_cap[g] ? m->label2group_cap[g] : 256;

		while (cap <= label)
			cap *= 2;
		m->label2group[g] = xreallocarray(m->label2group[g], cap, sizeof(uint32_t));
		memset(m->label2group[g] + m->label2group_cap[g], 0,
		       (cap - m->label2group_cap[g]) * sizeof(uint32_t));
		m->label2group_cap[g] = cap;
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
		/* made late, it is still the first sample's */
		gr->s.first_seen = m->groups_pending ? 0 : m->nsamples;
		l2g[label] = (uint32_t)++m->ngroups[g];
	}
	return l2g[label] - 1;
}

/* The groups a placed stack counts in, made: groups of every mode exist from their first
 * stack on, so their history starts with it; a view may ask for any mode at any sample. */
static void stack_groups(struct model *m, const struct stack *st)
{
	unsigned c = st->caller;

	group_get(m, GROUP_CALLER, st->label);
	group_get(m, GROUP_MODULE, stack_module(m, st));
	if (st->nframes && m->frame_info[st->frames[c]].is_site) {
		group_get(m, GROUP_FILE, m->frame_info[st->frames[c]].file);
		group_get(m, GROUP_DIR, m->frame_info[st->frames[c]].dir);
	}
	for (unsigned i = 0; i < st->nframes; i++)
		group_get(m, GROUP_FUNCTION, m->frame_info[st->frames[i]].func);
}

void stack_place(struct model *m, struct stack *st)
{
	unsigned c = 0;

	m->stacks_gen++;
	apart_mark(m, st->label);   /* the one it leaves, when placed again */
	if (m->apart_new != st->id + 1)
		apart_news(m, st->id, st->label, 0);
	m->apart_new = 0;
	if (st->s.now)
		m->groups_full = 1; /* its pages move to other groups */
	while (c < st->nframes && m->frame_info[st->frames[c]].is_alloc)
		c++;
	if (c == st->nframes && st->nframes)
		c = st->nframes - 1; /* all allocator frames: the outermost is the best we have */
	st->caller = (uint16_t)c;
	if (st->nframes)
		st->label = m->frame_info[st->frames[c]].func;
	else
		st->label = m->label_unknown;
	*stack_label_at(m, st->id) = st->label;
	st->apart[0] = st->apart[1] = st->label;
	apart_mark(m, st->label);
	apart_news(m, st->id, st->label, 1);
	if (groups_now(m))
		stack_groups(m, st);
}

uint32_t model_group_label(const struct model *m, const struct stack *st, enum group_mode g,
			   unsigned i)
{
	switch (g) {
	case GROUP_CALLER:
		return st->label;
	case GROUP_MODULE:
		return stack_module(m, st);
	case GROUP_FUNCTION:
		return i < st->nframes ? m->frame_info[st->frames[i]].func : m->label_unknown;
	case GROUP_FILE:
	case GROUP_DIR:
		if (!st->nframes || !m->frame_info[st->frames[st->caller]].is_site)
			return UINT32_MAX;
		return g == GROUP_FILE ? m->frame_info[st->frames[st->caller]].file
				       : m->frame_info[st->frames[st->caller]].dir;
	default:
		return UINT32_MAX;
	}
}

uint32_t model_frames_label(const struct model *m, const uint32_t *frames, unsigned n,
			    enum group_mode g, unsigned i)
{
	unsigned c = 0;

	if (g == GROUP_STACK)
		return UINT32_MAX;
	if (g == GROUP_FUNCTION)
		return i < n ? m->frame_info[frames[i]].func : m->label_unknown;
	if (!n)
		return m->label_unknown;
	/* the caller as stack_place() finds it */
	while (c < n && m->frame_info[frames[c]].is_alloc)
		c++;
	if (c == n)
		c = n - 1;
	if (g == GROUP_FILE || g == GROUP_DIR)
		return !m->frame_info[frames[c]].is_site ? UINT32_MAX :
		       g == GROUP_FILE ? m->frame_info[frames[c]].file : m->frame_info[frames[c]].dir;
	return g == GROUP_CALLER ? m->frame_info[frames[c]].func : m->frame_info[frames[c]].module;
}

/* A caller or module group without pages shows its last largest stack when expanded:
 * that one stays. Function groups, one per function a stack passes through, would keep
 * nearly every stack that ever was: theirs may go (group_forget_stack()). */
int group_example(const struct model *m, const struct stack *st)
{
	return model_group_example(m, group_of(m, GROUP_CALLER, st->label)) == st->id ||
	       model_group_example(m, group_of(m, GROUP_MODULE, stack_module(m, st))) == st->id;
}

/* The stale function groups' largest members found into the groups: best and bid hold
 * them in the order of the groups. */
static void examples_put(struct model *m, const int64_t *best, const uint32_t *bid)
{
	uint32_t k = 0;

	for (size_t i = 0; i < m->ngroups[GROUP_FUNCTION]; i++) {
		struct group *gr = &m->groups[GROUP_FUNCTION][i];

		if (!gr->example_stale)
			continue;
		gr->example_pages = best[k];
		if (best[k] >= 0)
			gr->example = bid[k];
		k++;
	}
}

/* The examples marked stale in the modes of the mask (bit g: mode g), found again in one
 * look at the stacks, in the order of their ids: the largest, the first of equals. Each
 * group's example depends only on its own members, so a mode is found when one of its
 * groups is asked for: caller groups need no look at the frames, function groups all. */
static void examples_find(struct model *m, unsigned mask)
{
	int at = !!(mask & (1u << GROUP_MODULE | 1u << GROUP_FILE | 1u << GROUP_DIR));
	uint32_t nfr = strtab_count(m->frames), *fg = NULL, *bid = NULL, ns = 0;
	int64_t *best = NULL;

	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; mask & 1u << g && i < m->ngroups[g]; i++)
			if (m->groups[g][i].example_stale)
				m->groups[g][i].example_pages = -1;
	/* per frame, the place of its function's group among those looked for (fg), whose
	 * largest so far are kept close together (best, bid) in place of the groups */
	if (mask & 1u << GROUP_FUNCTION) {
		size_t ng = m->ngroups[GROUP_FUNCTION];
		uint32_t *place = xreallocarray(NULL, ng ? ng : 1, sizeof(*place));

		for (size_t i = 0; i < ng; i++)
			place[i] = m->groups[GROUP_FUNCTION][i].example_stale ? ns++ : UINT32_MAX;
		best = xreallocarray(NULL, ns ? ns : 1, sizeof(*best));
		bid = xreallocarray(NULL, ns ? ns : 1, sizeof(*bid));
		for (size_t i = 0; i < ns; i++)
			best[i] = -1;
		fg = xreallocarray(NULL, nfr ? nfr : 1, sizeof(*fg));
		for (uint32_t i = 0; i < nfr; i++) {
			uint32_t func = m->frame_info[i].func;
			uint32_t gi = func < m->label2group_cap[GROUP_FUNCTION] ?
				      m->label2group[GROUP_FUNCTION][func] : 0;

			fg[i] = gi ? place[gi - 1] : UINT32_MAX;
		}
		free(place);
	}
	for (size_t i = 0; i < m->nstacks; i++) {
		const struct stack *st = stack_at(m, i);
		int64_t v = st->s.now;
		struct group *gr[4];
		unsigned n = 0;

		if (st->freed || !v)
			continue;
		if (mask & 1u << GROUP_CALLER)
			gr[n++] = group_of(m, GROUP_CALLER, st->label);
		if (at && st->nframes) {
			const struct frame_info *fi = &m->frame_info[st->frames[st->caller]];

			if (mask & 1u << GROUP_MODULE)
				gr[n++] = group_of(m, GROUP_MODULE, fi->module);
			if (fi->is_site && mask & 1u << GROUP_FILE)
				gr[n++] = group_of(m, GROUP_FILE, fi->file);
			if (fi->is_site && mask & 1u << GROUP_DIR)
				gr[n++] = group_of(m, GROUP_DIR, fi->dir);
		} else if (mask & 1u << GROUP_MODULE) {
			gr[n++] = group_of(m, GROUP_MODULE, m->label_unknown);
		}
		for (unsigned f = 0; f < n; f++)
			if (gr[f]->example_stale && v > gr[f]->example_pages) {
				gr[f]->example = st->id;
				gr[f]->example_pages = v;
			}
		for (unsigned f = 0; fg && f < st->nframes; f++) {
			uint32_t k = fg[st->frames[f]];

			if (k != UINT32_MAX && v > best[k]) {
				best[k] = v;
				bid[k] = st->id;
			}
		}
	}
	if (fg)
		examples_put(m, best, bid);
	free(fg);
	free(best);
	free(bid);
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; mask & 1u << g && i < m->ngroups[g]; i++)
			m->groups[g][i].example_stale = 0;
}

/* Found when first asked for, as the apart labels: a cache, hence the const. */
uint32_t model_group_example(const struct model *cm, const struct group *gr)
{
	struct model *m = (struct model *)cm;

	if (gr->example_stale)
		for (int g = 1; g < GROUP__N; g++)
			if (gr >= m->groups[g] && gr < m->groups[g] + m->ngroups[g]) {
				examples_find(m, 1u << g);
				break;
			}
	return gr->example;
}

void group_forget_stack(struct model *m, const struct stack *st)
{
	for (unsigned f = 0; f < st->nframes; f++) {
		struct group *gr = group_of(m, GROUP_FUNCTION, m->frame_info[st->frames[f]].func);

		if (gr->example == st->id)
			gr->example = UINT32_MAX; /* its id goes to another stack */
	}
}

void groups_examples_settle(struct model *m)
{
	unsigned mask = 0;

	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++)
			if (m->groups[g][i].example_stale) {
				mask |= 1u << g;
				break;
			}
	if (mask)
		examples_find(m, mask);
}

/* A full sample's sums start at 0; the marks stay: a group whose members all leave in
 * it still takes the largest of them (groups_sample_end()). */
void groups_sample_begin(struct model *m, int full)
{
	for (int g = 1; full && g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++) {
			m->groups[g][i].s.acc = 0;
			m->groups[g][i].s.calls_acc = 0;
			m->groups[g][i].nstacks = 0;
		}
	if (m->function_stamp_cap < m->ngroups[GROUP_FUNCTION]) {
		free(m->function_stamp);
		m->function_stamp_cap = m->ngroups[GROUP_FUNCTION] * 2;
		m->function_stamp = xcalloc(m->function_stamp_cap, sizeof(uint32_t));
	} else if (m->function_stamp) {
		memset(m->function_stamp, 0, m->function_stamp_cap * sizeof(uint32_t));
	}
}

/* A group whose members all left has the largest of them as its example. */
void groups_sample_end(struct model *m, uint32_t k, double dt)
{
	for (int g = 1; g < GROUP__N; g++)
		for (size_t i = 0; i < m->ngroups[g]; i++) {
			struct group *gr = &m->groups[g][i];

			if (gr->example_stale && !gr->nstacks && gr->gone_k == k + 1) {
				gr->example = gr->gone_id;
				gr->example_pages = gr->gone_pages;
				gr->example_stale = 0;
			}
			counter_push(m, &gr->s, k, dt, gr->s.acc);
			gr->s.calls = gr->s.calls_acc;
		}
}

/* Stacks between two looks at the clock. */
#define GROUPS_STEP 4096

int model_groups_step(struct model *m, double budget_ms)
{
	double until = time_mono() + budget_ms / 1e3;
	size_t n = m->nstacks;

	while (m->groups_pending && m->groups_at < 2 * n) {
		size_t at = m->groups_at, end = (at / GROUPS_STEP + 1) * GROUPS_STEP;

		if (at < n) {
			/* each stack's groups made in the order of the ids, as they came */
			end = end < n ? end : n;
			for (size_t i = at; i < end; i++)
				if (!stack_at(m, i)->freed)
					stack_groups(m, stack_at(m, i));
			if (end == n)
				groups_sample_begin(m, 1);
		} else {
			end = end < 2 * n ? end : 2 * n;
			for (size_t i = at - n; i < end - n; i++) {
				const struct stack *st = stack_at(m, i);

				if (!st->freed && st->s.now)
					groups_count(m, st, 1, 0, st->s.now, 0, 0);
			}
		}
		m->groups_at = end;
		if (budget_ms >= 0 && time_mono() >= until)
			break;
	}
	if (!m->groups_pending)
		return 1;
	if (m->groups_at < 2 * n)
		return 0;
	groups_sample_end(m, 0, m->dt);
	m->groups_pending = 0;
	return 1;
}

void groups_ready(struct model *m)
{
	if (m->groups_pending)
		model_groups_step(m, -1);
}
