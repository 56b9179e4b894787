/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_report.h - which objects of a model's stacks have usable debug info, and the
 * pages their frames cover: `pagetop --check-symbols` and the UI's symbols panel. */
#ifndef PAGETOP_SYMBOLS_REPORT_H
#define PAGETOP_SYMBOLS_REPORT_H

#include <stdio.h>

#include "model.h"
#include "symbols.h"

struct sym_report_obj {
	struct sym_object obj;   /* state SOBJ_UNUSED: not loaded yet (pending) */
	int64_t pages;           /* pages now of the stacks with a frame in this object */
	uint64_t stacks;         /* such stacks */
	char advice[1024];       /* how to get what is missing ("" when usable) */
};

struct sym_report {
	struct sym_report_obj *v; /* vmlinux first, then modules by pages */
	size_t n;
	uint64_t frames, answered, resolved, raw;
	int64_t raw_pages;        /* pages of stacks with bare-address frames */
	uint64_t raw_stacks;
	int64_t total_pages;
};

/* Requests every frame of every stack of m; with wait, waits for all the answers
 * (--check-symbols), else reports what is known now (the UI: call it again when
 * symbols_fd() fires). */
void symbols_report_build(struct symbols *s, const struct model *m, int wait,
			  struct sym_report *r);
void symbols_report_free(struct sym_report *r);
/* Usable: every object with pages has lines (SOBJ_OK or SOBJ_UNCHECKED). */
int symbols_report_usable(const struct sym_report *r);
/* The report as text. Returns 0, or -1 when the stream failed. */
int symbols_report_print(FILE *fp, const struct sym_report *r);
/* Short state names for tables: "ok", "unchecked", "missing", "mismatch",
 * "stripped", "unreadable", "pending". */
const char *sym_obj_state_name(enum sym_obj_state st);

#endif
