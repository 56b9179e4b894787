/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_tree_alloc.h - the paths of /proc/allocinfo's call sites in the call tree
 * (model_tree.c only). A call site's path, top-down, is its source directory level by
 * level ("drivers/", "block/"), its file ("brd.c"), its function ("brd_insert_page
 * [brd]": the module is part of the function's label, as in the flat view) and the call
 * site ("drivers/block/brd.c:67"); bottom-up the same from the other end. The
 * directories, file and function are nodes of model labels (keys LABEL_KEY | label), the
 * call site a node of its frame, with its "FILE:LINE" label for text. */
#ifndef PAGETOP_MODEL_TREE_ALLOC_H
#define PAGETOP_MODEL_TREE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define ALLOC_PATH_MAX 16         /* nodes of a call site's path; deeper directories
				   * share the last directory's node ("a/b/c/") */

struct tree_alloc {
	uint32_t (*keys)[ALLOC_PATH_MAX]; /* by stack id: its path's keys, top-down */
	uint32_t *site;           /* by stack id: the frame the path is of + 1, 0: none */
	uint8_t *len;             /* by stack id: nodes on its path */
	size_t nstacks;
	uint32_t *site_label;     /* by frame id: the label of "FILE:LINE" + 1, 0: none */
	size_t nframes;
};

/* Whether the trees of m follow the call sites' source paths (m reads allocinfo). */
int tree_alloc_applies(const struct model *m);
/* Makes the paths of the call sites among v's rows known, from their texts (labels
 * interned in m); other stacks have none here and keep their frames. */
void tree_alloc_prepare(struct tree_alloc *a, struct model *m, const struct view *v);
/* The length of a stack's path here, 0: it has none (not a call site). */
static inline unsigned tree_alloc_len(const struct tree_alloc *a, const struct stack *st)
{
	return st->id < a->nstacks && st->nframes == 1 && a->site[st->id] == st->frames[0] + 1
		       ? a->len[st->id] : 0;
}
/* The label id of a call site frame's "FILE:LINE", or UINT32_MAX. */
uint32_t tree_alloc_site_label(const struct tree_alloc *a, uint32_t frame);
void tree_alloc_free(struct tree_alloc *a);
size_t tree_alloc_bytes(const struct tree_alloc *a);

#endif
