/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree_alloc.c - the source paths of allocinfo's call sites for the call tree
 * (model_tree_alloc.h): made once a call site, from its text, kept by stack id. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "model_int.h"
#include "model_tree_alloc.h"

#define LABEL_KEY 0x80000000u     /* as model_tree.c's */

int tree_alloc_applies(const struct model *m)
{
	return model_meta(m)->unit == UNIT_BYTES;
}

static uint32_t label_key(struct model *m, const char *s, size_t len)
{
	return LABEL_KEY | strtab_intern(m->labels, s, len);
}

static void grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = need + need / 2 + 64;

	*p = xreallocarray(*p, n, size);
	memset((char *)*p + *cap * size, 0, (n - *cap) * size);
	*cap = n;
}

/* The path of call site frame f (its text s) into keys: how many. */
static unsigned site_path(struct model *m, uint32_t f, const struct site_parts *sp,
			  uint32_t *keys)
{
	const char *p = sp->file, *end = sp->file + sp->file_len, *slash;
	const struct frame_info *fi = &m->frame_info[f];
	unsigned n = 0;

	if (!memchr(p, '/', sp->file_len))
		keys[n++] = label_key(m, "./", 2);
	/* a directory a level; the last three places are the file, function and site */
	while ((slash = memchr(p, '/', (size_t)(end - p))) != NULL) {
		const char *last = memrchr(p, '/', (size_t)(end - p));

		if (n == ALLOC_PATH_MAX - 4)
			slash = last;
		keys[n++] = label_key(m, p, (size_t)(slash - p) + 1);
		p = slash + 1;
	}
	keys[n++] = label_key(m, p, (size_t)(end - p));
	keys[n++] = LABEL_KEY | fi->func;
	keys[n++] = f;
	return n;
}

static void site_label(struct tree_alloc *a, struct model *m, uint32_t f,
		       const struct site_parts *sp)
{
	char buf[FRAME_MAX + 16];
	int len;

	if (f >= a->nframes)
		grow((void **)&a->site_label, &a->nframes, f + 1, sizeof(*a->site_label));
	if (a->site_label[f])
		return;
	len = snprintf(buf, sizeof(buf), "%.*s:%u", (int)sp->file_len, sp->file, sp->line);
	if (len < 0 || (size_t)len >= sizeof(buf))
		len = (int)sizeof(buf) - 1;
	a->site_label[f] = strtab_intern(m->labels, buf, (size_t)len) + 1;
}

void tree_alloc_prepare(struct tree_alloc *a, struct model *m, const struct view *v)
{
	if (model_nstacks(m) > a->nstacks) {
		size_t old = a->nstacks, n = model_nstacks(m);

		grow((void **)&a->site, &a->nstacks, n, sizeof(*a->site));
		a->len = xreallocarray(a->len, a->nstacks, sizeof(*a->len));
		a->keys = xreallocarray(a->keys, a->nstacks, sizeof(*a->keys));
		memset(a->len + old, 0, a->nstacks - old);
	}
	for (size_t r = 0; r < v->nrows; r++) {
		const struct stack *st = v->rows[r].stack;
		struct site_parts sp;
		uint32_t f;

		if (!st || st->nframes != 1 || tree_alloc_len(a, st))
			continue;
		f = st->frames[0];
		if (!m->frame_info[f].is_site ||
		    frame_site_split(model_frame(m, f), strtab_len(m->frames, f), &sp) != 0)
			continue;
		a->len[st->id] = (uint8_t)site_path(m, f, &sp, a->keys[st->id]);
		a->site[st->id] = f + 1;
		site_label(a, m, f, &sp);
	}
}

uint32_t tree_alloc_site_label(const struct tree_alloc *a, uint32_t frame)
{
	return frame < a->nframes && a->site_label[frame] ? a->site_label[frame] - 1 : UINT32_MAX;
}

void tree_alloc_free(struct tree_alloc *a)
{
	free(a->keys);
	free(a->site);
	free(a->len);
	free(a->site_label);
	memset(a, 0, sizeof(*a));
}

size_t tree_alloc_bytes(const struct tree_alloc *a)
{
	return a->nstacks * (sizeof(*a->keys) + sizeof(*a->site) + sizeof(*a->len)) +
	       a->nframes * sizeof(*a->site_label);
}
