/* source.h - inputs: files, folders of snapshots, recordings, the live kernel.
 *
 * Every input produces samples through the sink contract (sink.h). The consumer pulls:
 * source_next() feeds at most one whole sample (meta first, when it changed). */
#ifndef PAGETOP_SOURCE_H
#define PAGETOP_SOURCE_H

#include "sink.h"

struct source;

struct source_opts {
	/* live */
	const char *debugfs;        /* default /sys/kernel/debug */
	double interval;            /* seconds; <= 0: the interface's default */
	long kernel_threshold;      /* -1: leave count_threshold alone */
	int drop_privileges;        /* open the files as root, then run as SUDO_UID or nobody */
	/* files */
	long page_size;             /* 0: from the source, else 4096 assumed */
};
void source_opts_init(struct source_opts *o);

enum src_status {
	SRC_ERROR = -1,
	SRC_END = 0,      /* no more samples (files, folders, recordings) */
	SRC_SAMPLE = 1,   /* one sample was fed to the sink */
	SRC_TIMEOUT = 2,  /* live: nothing new before the timeout */
};

/* spec: a path, "-" (standard input), or NULL for the live kernel. Several paths
 * make one series (each a sample, in the given order). */
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

/* ---- internal: the kinds of input, each in its own file ---- */
struct source_impl {
	const char *kind;
	enum src_status (*next)(struct source *s, const struct sink *sink, int timeout_ms,
				struct pt_err *err);
	double (*stalled)(const struct source *s);
	int (*fd)(const struct source *s);
	void (*close)(struct source *s);
	/* optional: the consumer forgot these handles (sink_ops.forgotten) */
	void (*forget)(struct source *s, const uint64_t *handles, size_t n);
};

struct source {
	const struct source_impl *impl;
	struct source_meta meta;
	int meta_sent;
	uint64_t seq;
	void *priv;
};

/* Each returns 0 with s->impl/priv/meta set, or -1 with err. */
int source_open_file(struct source *s, const char *path, const struct source_opts *o,
		     struct pt_err *err);
int source_open_folder(struct source *s, const char *path, const struct source_opts *o,
		       struct pt_err *err);
int source_open_list(struct source *s, const char *const *paths, int n,
		     const struct source_opts *o, struct pt_err *err);
int source_open_recording(struct source *s, const char *path, const struct source_opts *o,
			  struct pt_err *err);                        /* record.c */
int source_open_live(struct source *s, const struct source_opts *o,
		     struct pt_err *err);                             /* live.c */

/* Sends s->meta to the sink if it was not sent yet. */
int source_send_meta(struct source *s, const struct sink *sink, struct pt_err *err);

#endif
