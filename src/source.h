/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source.h - inputs: files, folders of snapshots, recordings, the live kernel.
 *
 * Every input produces samples through the sink contract (sink.h). The consumer pulls:
 * source_next() feeds at most one whole sample (meta first, when it changed). The kinds
 * of input and the options are in source_impl.h. */
#ifndef PAGETOP_SOURCE_H
#define PAGETOP_SOURCE_H

#include "sink.h"
#include "source_impl.h"

void source_opts_init(struct source_opts *o);

/* paths: npaths paths to read, "-" for standard input; none for the live kernel. Several
 * paths make one series (each a sample, in the given order). */
int source_open(struct source **out, const char *const *paths, int npaths,
		const struct source_opts *o, struct pt_err *err);
/* timeout_ms < 0 waits as long as it takes. */
enum src_status source_next(struct source *s, const struct sink *sink, int timeout_ms,
			    struct pt_err *err);
const struct source_meta *source_meta(const struct source *s);
/* Live: seconds since the worker last finished a read while a read is under way
 * (0 when it is not stalled). */
double source_stalled(const struct source *s);
/* A file descriptor that becomes readable when a live sample is ready (-1 otherwise):
 * lets the UI wait on keys and samples together. */
int source_fd(const struct source *s);
void source_close(struct source *s);
/* The next source_next() reads sample k (from 0) of a series whose samples are read
 * each on its own (files, a folder; not a recording, nor standard input): 0, or -1. */
int source_seek(struct source *s, uint64_t k);

#endif
