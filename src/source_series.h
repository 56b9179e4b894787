/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_series.h - internal: a series of snapshots, the list behind the file, list and
 * folder sources (source_file.c reads it, source_folder.c builds one too).
 *
 * Each sample of the series is read from one snapshot file (show_stacks, the proposal's
 * file, a per-block dump) or from a pair (show_stacks_handles for the stacks,
 * show_handles for the counts). */
#ifndef PAGETOP_SOURCE_SERIES_H
#define PAGETOP_SOURCE_SERIES_H

#include "parse.h"
#include "source_impl.h"

/* One sample: the file(s) it is read from, and its time. */
struct series_sample {
	char *stacks;   /* the file with stacks (and counts, unless handles is set) */
	char *handles;  /* show_handles paired with a show_stacks_handles, or NULL */
	enum pfmt fmt;
	double time;
	int time_abs;
	char *meminfo;  /* the system's counters at that moment (a /proc/meminfo copy), or NULL */
};

struct series {
	struct series_sample *samples;
	size_t n, cap;
	size_t next;           /* the sample source_next() reads next */
	char *name;
	char *release;
	long page_size;
	struct reader *stream; /* standard input, opened (and peeked at) once */
};

void series_add(struct series *sr, const char *stacks, const char *handles, enum pfmt fmt,
		double time, int time_abs);
/* The last sample added has the system's counters in the file path. */
void series_set_meminfo(struct series *sr, const char *path);
void series_free(struct series *sr);
/* Sets the source up to read the series sr (takes it); kind is the meta's. */
int source_open_series(struct source *s, struct series *sr, const char *kind,
		       const struct source_opts *o, struct pt_err *err);

/* A file's modification time as a sample's time: out of range (time_ok()) it is said and
 * taken as 0. */
double series_mtime(const char *path, double mtime);

#endif
