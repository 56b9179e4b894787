/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h - batch mode output: text (like top -b), csv, json, folded; of samples
 * (views) and of pagetop diff. */
#ifndef PAGETOP_OUTPUT_H
#define PAGETOP_OUTPUT_H

#include <stdio.h>
#include "host_meminfo.h"
#include "model.h"
#include "model_tree.h"
#include "symbols.h"

enum out_format { OUT_TEXT = 0, OUT_CSV, OUT_JSON, OUT_FOLDED, OUT_OPENMETRICS, OUT_PPROF };
/* "text", "csv", "json", "folded", "openmetrics", "pprof"; out_format_parse() returns 0, or -1 for another. */
const char *out_format_name(enum out_format f);
int out_format_parse(const char *s, enum out_format *f);

struct settings_columns;

struct out_opts {
	enum out_format format;
	size_t limit;      /* 0: every row */
	int expand;        /* frames under each row */
	struct symbols *sym; /* with expand: frames resolved to source lines (NULL: raw) */
	/* live: the system's counters go with each sample (CSV: three more columns before
	 * label; JSON: "system"), mem those of the sample (NULL or not valid: unknown) */
	int system;
	const struct meminfo *mem;
	enum tree_mode tree; /* --tree: the sample as a call tree (output_tree()) */
	/* --columns: text's columns, shown ones in their order, the label last (settings.h;
	 * no trend in text); NULL: every one, in the order of doc/formats.md */
	const struct settings_columns *columns;
};

/* Prints one sample's view. Returns 0, or -1 when the stream failed (errno set). */
int output_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
		  const struct view *v, const struct out_opts *o);
/* Prints one sample's call tree (o->tree): limit is the children shown per node, the
 * roots' too. Returns 0, or -1 when the stream failed (errno set). */
int output_tree(FILE *fp, const struct model *m, const struct view_opts *vo,
		const struct tree *t, const struct out_opts *o);
/* Called once before the first sample (CSV header row). */
int output_begin(FILE *fp, const struct model *m, const struct out_opts *o);

/* A sample time as the text output shows it: a date and clock time when the source's
 * times are absolute, else seconds on its own clock. */
void output_fmt_time(char *buf, size_t n, const struct model *m, double t);

/* A JSON string of s (quotes included): control characters as \u escapes, bytes that
 * are not UTF-8 as U+FFFD. */
void output_json_str(FILE *fp, const char *s);
/* The inside of a CSV field of s (without its quotes): escaped by esc_str() as UTF-8,
 * quotes doubled. */
void output_csv_body(FILE *fp, const char *s);

/* ---- pagetop diff (cmd_diff.c): the stacks of two samples, A and B, matched by their
 * frames; doc/diff.md documents the formats ---- */

/* A row: the stacks of A and of B with the same frames. */
struct diff_row {
	int64_t a, b;                 /* pages (allocations) in A and in B */
	const struct stack *sa, *sb;  /* the largest stack of each side (NULL: none) */
	uint32_t key;                 /* the joined frames: an id in cmd_diff.c's table */
	uint32_t label;               /* an id in diff_report.labels */
};

/* A side, for the header. */
struct diff_input {
	const struct model *m;        /* holding the sample compared */
	const char *kind, *name, *iface;
	uint32_t sample;              /* from 0 */
	int series;
	int nsamples;                 /* of the series when known, else -1 */
};

struct diff_report {
	struct diff_input in[2];      /* A and B */
	struct diff_row *const *rows; /* the rows to print, in order */
	size_t nrows;
	const struct strtab *labels;
	/* the header's numbers, of every row that changed (not only those printed) */
	int64_t total_a, total_b;
	size_t changed, grew, added, shrank, gone;
	const char *sort;             /* the sort key's name */
	int ascending;
	int ignore_offsets;           /* frames by function and module (frame_strip()) */
	int expand;                   /* frames under each row */
	int pages;                    /* the counts have a size: pages (or bytes) */
	int bytes;                    /* the counts are bytes (allocinfo; page_size 1) */
	long page_size;               /* B's */
	struct symbols *sym;          /* pprof: the frames' source lines, or NULL */
};

/* Prints a diff. Returns 0, or -1 when the stream failed (errno set). */
int output_diff(FILE *fp, enum out_format f, const struct diff_report *r);

#endif
