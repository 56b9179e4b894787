/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_impl.h - what each kind of input implements, and the options and statuses all
 * kinds share.
 *
 * source.c picks the kind for what it is given and calls that kind's opener below;
 * every later call goes through the kind's struct source_impl. A kind knows nothing of
 * source.c: it feeds the sink itself (source_send_meta() first). */
#ifndef PAGETOP_SOURCE_IMPL_H
#define PAGETOP_SOURCE_IMPL_H

#include "parse.h"
#include "reader.h"
#include "sink.h"

struct source_opts {
	/* live */
	const char *debugfs;        /* default /sys/kernel/debug */
	double interval;            /* seconds; <= 0: the interface's default */
	long kernel_threshold;      /* -1: leave count_threshold alone */
	int drop_privileges;        /* open the files as root, then run as SUDO_UID or nobody */
	int allocinfo;              /* /proc/allocinfo (NAME.allocinfo) before page_owner */
	/* files */
	long page_size;             /* 0: from the source, else 4096 assumed */
};

enum src_status {
	SRC_ERROR = -1,
	SRC_END = 0,      /* no more samples (files, folders, recordings) */
	SRC_SAMPLE = 1,   /* one sample was fed to the sink */
	SRC_TIMEOUT = 2,  /* live: nothing new before the timeout */
};

struct source;

struct source_impl {
	const char *kind;
	enum src_status (*next)(struct source *s, const struct sink *sink, int timeout_ms,
				struct pt_err *err);
	double (*stalled)(const struct source *s);
	int (*fd)(const struct source *s);
	void (*close)(struct source *s);
	/* optional: the consumer forgot these handles (sink_ops.forgotten) */
	void (*forget)(struct source *s, const uint64_t *handles, size_t n);
	/* optional: the next sample is sample k (0 or -1: not possible) */
	int (*seek)(struct source *s, uint64_t k);
};

struct source {
	const struct source_impl *impl;
	struct source_meta meta;
	int meta_sent;
	uint64_t seq;
	void *priv;
};

/* Sends s->meta to the sink if it was not sent yet. */
static inline int source_send_meta(struct source *s, const struct sink *sink,
				   struct pt_err *err)
{
	if (s->meta_sent)
		return 0;
	s->meta_sent = 1;
	return sink->ops->meta(sink->self, &s->meta, err);
}

/* The kinds. Each opener returns 0 with s->impl, s->priv and s->meta set, or -1 with
 * err. */

/* source_live.c: the running kernel's debugfs files. */
int source_open_live(struct source *s, const struct source_opts *o, struct pt_err *err);
/* source_folder.c: a folder of snapshots. */
int source_open_folder(struct source *s, const char *path, const struct source_opts *o,
		       struct pt_err *err);
/* source_recording.c: a recording at path ("-": standard input). */
int source_open_recording(struct source *s, const char *path, const struct source_opts *o,
			  struct pt_err *err);
/* The same from an open reader, positioned at the start of the stream (peeking is
 * fine): how standard input, whose first bytes were looked at to tell the format, gets
 * here. It owns r from the call on, also on failure. */
int source_open_recording_reader(struct source *s, struct reader *r,
				 const struct source_opts *o, struct pt_err *err);
/* source_file.c: one snapshot file, of format fmt (parse_detect_file()); */
int source_open_file(struct source *s, const char *path, enum pfmt fmt,
		     const struct source_opts *o, struct pt_err *err);
/* a snapshot on standard input, a named pipe or a device: in, opened at path and peeked
 * at, is read once, at the first sample (the source owns it from the call on); */
int source_open_stream(struct source *s, const char *path, struct reader *in,
		       const struct source_opts *o, struct pt_err *err);
/* several snapshot files, a sample each, in the order given (a show_stacks_handles next
 * to its show_handles makes one sample). */
int source_open_list(struct source *s, const char *const *paths, int n,
		     const struct source_opts *o, struct pt_err *err);

#endif
