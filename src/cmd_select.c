/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_select.c - which sample a selector picks (cmd_select.h). */
#include "config.h"

#include <string.h>

#include "cmd_select.h"
#include "model.h"

/* The whole series once: its length and its peak (the first sample of the highest
 * total). */
static int read_through(struct source *src, uint64_t *n, uint64_t *peak, struct pt_err *err)
{
	struct model *m = model_new();
	struct sink sink = model_sink(m);
	int64_t best = -1;

	*n = *peak = 0;
	for (;;) {
		enum src_status st = source_next(src, &sink, -1, err);
		int64_t t;

		if (st == SRC_ERROR) {
			model_free(m);
			return -1;
		}
		if (st == SRC_END)
			break;
		if (st != SRC_SAMPLE)
			continue;
		t = model_total_pages(m);
		if (t > best) {
			best = t;
			*peak = *n;
		}
		(*n)++;
	}
	model_free(m);
	return 0;
}

static void prefix_path(struct pt_err *err, const char *path)
{
	struct pt_err e = *err;

	pt_err_set(err, "%s: %s", path, e.msg);
}

int select_sample(const char *path, const struct sample_sel *sel, const struct source_opts *so,
		  uint64_t *k, struct pt_err *err)
{
	const char *paths[1] = { path };
	const struct source_meta *mt;
	struct source *src;
	uint64_t n, peak = 0;
	char sbuf[32];
	int rc;

	if (!sample_sel_needs_end(sel)) {
		*k = sel->pick == SAMPLE_AT ? sel->n : 0;
		return 0;
	}
	if (strcmp(path, "-") == 0) {
		pt_err_set(err, _("%s: standard input is read once: %s needs a file, a folder or a recording"),
			   path, sample_sel_str(sel, sbuf, sizeof(sbuf)));
		return -1;
	}
	if (source_open(&src, paths, 1, so, err) < 0)
		return -1;
	mt = source_meta(src);
	if (sel->pick != SAMPLE_PEAK && mt->nsamples >= 0) {
		n = (uint64_t)mt->nsamples;
	} else if (read_through(src, &n, &peak, err) < 0) {
		source_close(src);
		return -1;
	}
	source_close(src);
	rc = sample_sel_resolve(sel, n, peak, k, err);
	if (rc < 0)
		prefix_path(err, path);
	return rc;
}

void select_too_few(const char *path, const struct sample_sel *sel, uint64_t n,
		    struct pt_err *err)
{
	uint64_t k;

	if (sample_sel_resolve(sel, n, 0, &k, err) == 0) /* not too few after all */
		pt_err_set(err, "%s", _("no such sample"));
	prefix_path(err, path);
}
