/* output.h - batch mode output: text (like top -b), csv, json, folded. */
#ifndef PAGETOP_OUTPUT_H
#define PAGETOP_OUTPUT_H

#include <stdio.h>
#include "model.h"
#include "symbols.h"

enum out_format { OUT_TEXT = 0, OUT_CSV, OUT_JSON, OUT_FOLDED };
int out_format_parse(const char *s, enum out_format *f);

struct out_opts {
	enum out_format format;
	size_t limit;      /* 0: every row */
	int expand;        /* frames under each row */
	struct symbols *sym; /* with expand: frames resolved to source lines (NULL: raw) */
};

/* Prints one sample's view. Returns 0, or -1 when the stream failed (errno set). */
int output_sample(FILE *fp, const struct model *m, const struct view_opts *vo,
		  const struct view *v, const struct out_opts *o);
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

#endif
