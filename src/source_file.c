/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_file.c - snapshot files as a series: one file, a list of files, standard input.
 *
 * A single file is a series of one sample; several files are longer series, in the order
 * given; source_folder.c makes a series of a folder. Each sample is parsed when
 * source_next() asks for it, by the fastest way its file allows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host_meminfo.h"
#include "parse.h"
#include "source_series.h"

#define THREAD_MIN_BYTES (1 << 20)
/* Several threads parse chunks of a plain file from this size on (parse_split.c). */
#define SPLIT_MIN_BYTES (4 << 20)
/* Bytes a stack takes in a stack file, at least about (465 in a real show_stacks): the
 * sink's hint of how many stacks a file brings (sink_ops.expect). */
#define STACK_FILE_BYTES 512

static enum pt_iface iface_of(enum pfmt f)
{
	switch (f) {
	case PF_PROPOSAL: return IFACE_PROPOSAL;
	case PF_PAGE_OWNER: return IFACE_PAGE_OWNER;
	case PF_ALLOCINFO: return IFACE_ALLOCINFO;
	case PF_HANDLES:
	case PF_STACKS_HANDLES: return IFACE_HANDLES;
	default: return IFACE_SHOW_STACKS;
	}
}

void series_free(struct series *sr)
{
	if (!sr)
		return;
	for (size_t i = 0; i < sr->n; i++) {
		free(sr->samples[i].stacks);
		free(sr->samples[i].handles);
		free(sr->samples[i].meminfo);
	}
	free(sr->samples);
	free(sr->release);
	free(sr->name);
	if (sr->stream)
		reader_close(sr->stream);
	free(sr);
}

void series_add(struct series *sr, const char *stacks, const char *handles, enum pfmt fmt,
		double time, int time_abs)
{
	struct series_sample *sa;

	if (sr->n == sr->cap) {
		sr->cap = sr->cap ? sr->cap * 2 : 16;
		sr->samples = xreallocarray(sr->samples, sr->cap, sizeof(*sr->samples));
	}
	sa = &sr->samples[sr->n++];
	sa->stacks = stacks ? xstrdup(stacks) : NULL;
	sa->handles = handles ? xstrdup(handles) : NULL;
	sa->fmt = fmt;
	sa->time = time;
	sa->time_abs = time_abs;
	sa->meminfo = NULL;
}

void series_set_meminfo(struct series *sr, const char *path)
{
	if (!sr->n)
		return;
	free(sr->samples[sr->n - 1].meminfo);
	sr->samples[sr->n - 1].meminfo = xstrdup(path);
}

/* Whether r's first bytes are a per-block dump's. */
static int head_is_dump(struct reader *r)
{
	const char *head;
	struct pt_err e;
	size_t n;

	e.msg[0] = '\0';
	n = reader_peek(r, &head, &e);
	return n && parse_detect(head, n) == PF_PAGE_OWNER;
}

/* A worker thread pays off from about a megabyte on, or for anything to decompress:
 * parsing and building the model cost about the same, for stack files and for the
 * per-block dump alike. Plain files from SPLIT_MIN_BYTES on are parsed by every CPU
 * (parse_split()). */
static int parse_file(struct reader *r, const char *path, enum pfmt expect, enum pfmt *got,
		      const struct sink *sink, struct pt_err *err)
{
	struct stat st;
	const char *head;
	size_t n;
	struct pt_err perr;
	enum pfmt f = expect;

	if (expect != PF_PAGE_OWNER) {
		perr.msg[0] = '\0';
		n = reader_peek(r, &head, &perr);
		if (n == 0 && perr.msg[0]) {
			*err = perr;
			return -1;
		}
		if (n == 0 || parse_detect(head, n) == PF_ALLOCINFO)
			return parse_stream(r, expect, got, sink, err);
		f = parse_detect(head, n);
	}
	/* a plain file opened by name, so read from its start (standard input may be a file
	 * partly read already: parse_split() reads from offset 0) */
	if (path && strcmp(path, "-") != 0 && reader_fd(r) >= 0 &&
	    fstat(reader_fd(r), &st) == 0 && S_ISREG(st.st_mode)) {
		/* blocks of a dump or counts of handles are no hint of the stacks */
		if ((f == PF_SHOW_STACKS || f == PF_PROPOSAL) && sink->ops->expect)
			sink->ops->expect(sink->self, (uint64_t)st.st_size / STACK_FILE_BYTES);
		/* a busy machine: threads would wait for each other's CPU */
		if (st.st_size < THREAD_MIN_BYTES || cpus_free() < 2)
			return parse_stream(r, expect, got, sink, err);
		/* (a dump expected and something else found: said at its first line, as the
		 * serial parse says it, before a record reaches the sink) */
		if (st.st_size >= SPLIT_MIN_BYTES &&
		    (expect != PF_PAGE_OWNER || head_is_dump(r))) {
			int rc = parse_split(reader_fd(r), reader_name(r), expect, got, sink, NULL,
					     err);

			if (rc != -2)
				return rc;
		}
	} else if (f == PF_PAGE_OWNER && cpus_free() < 2) {
		return parse_stream(r, expect, got, sink, err);
	}
	return parse_stream_threaded(r, expect, got, sink, err);
}

/* Feeds one file's records to the sink; the sink's begin/end are the caller's. */
static int feed_file(struct series *sr, const char *path, enum pfmt expect,
		     const struct sink *sink, enum pfmt *got, struct pt_err *err)
{
	struct reader *r;
	int rc;

	if (sr->stream) {
		/* a stream (standard input, a pipe) was peeked at to tell a recording: it
		 * cannot be opened twice, read that reader */
		rc = parse_file(sr->stream, NULL, expect, got, sink, err);
		reader_close(sr->stream);
		sr->stream = NULL;
		return rc;
	}
	if (reader_open_path(&r, path, err) < 0)
		return -1;
	rc = parse_file(r, path, expect, got, sink, err);
	if (reader_check(r, err) < 0)
		rc = -1;
	reader_close(r);
	return rc;
}

static enum src_status series_next(struct source *s, const struct sink *sink, int timeout_ms,
				   struct pt_err *err)
{
	struct series *sr = s->priv;
	const struct series_sample *sa;
	struct sample_info si = { 0 };
	struct meminfo mem;
	enum pfmt got;

	(void)timeout_ms;
	if (sr->next >= sr->n)
		return SRC_END;
	sa = &sr->samples[sr->next++];
	if (source_send_meta(s, sink, err) < 0)
		return SRC_ERROR;
	si.time = sa->time;
	si.time_abs = sa->time_abs;
	si.seq = s->seq++;
	/* a copy that is not /proc/meminfo's text is no counters, not an error */
	if (sa->meminfo && meminfo_read(sa->meminfo, &mem) == 0)
		si.mem = &mem;
	if (sink->ops->begin(sink->self, &si, err) < 0)
		return SRC_ERROR;
	if (sa->handles) {
		/* stacks first: show_handles names handles that show_stacks_handles defines */
		if (feed_file(sr, sa->stacks, PF_STACKS_HANDLES, sink, &got, err) < 0 ||
		    feed_file(sr, sa->handles, PF_HANDLES, sink, &got, err) < 0)
			return SRC_ERROR;
	} else if (feed_file(sr, sa->stacks, sa->fmt == PF_PAGE_OWNER ? PF_PAGE_OWNER : PF_UNKNOWN,
			     sink, &got, err) < 0) {
		return SRC_ERROR;
	} else if (got == PF_STACKS_HANDLES || got == PF_HANDLES) {
		pt_err_set(err, got == PF_HANDLES ?
			   _("%s: show_handles has counts but no stacks: give the show_stacks_handles read with it too") :
			   _("%s: show_stacks_handles has stacks but no counts: give the show_handles read with it too"),
			   sa->stacks);
		return SRC_ERROR;
	}
	if (sink->ops->end(sink->self, err) < 0)
		return SRC_ERROR;
	if (sa->fmt == PF_UNKNOWN && !sa->handles && got != PF_UNKNOWN &&
	    iface_of(got) != s->meta.iface) {
		/* standard input is told only by its records: describe it again, now known */
		s->meta.iface = iface_of(got);
		s->meta.unit = got == PF_PROPOSAL ? UNIT_ALLOCS : UNIT_PAGES;
		s->meta_sent = 0;
		if (source_send_meta(s, sink, err) < 0)
			return SRC_ERROR;
	}
	return SRC_SAMPLE;
}

/* Each sample is its own file(s): any can be next, but for a stream read once. */
static int series_seek(struct source *s, uint64_t k)
{
	struct series *sr = s->priv;

	if (sr->stream || k >= sr->n)
		return -1;
	sr->next = (size_t)k;
	s->seq = k;
	return 0;
}

static void series_close(struct source *s)
{
	series_free(s->priv);
}

static double no_stall(const struct source *s)
{
	(void)s;
	return 0;
}

static int no_fd(const struct source *s)
{
	(void)s;
	return -1;
}

static const struct source_impl series_impl = {
	.kind = "series",
	.next = series_next,
	.stalled = no_stall,
	.fd = no_fd,
	.close = series_close,
	.seek = series_seek,
};

/* Sets the source up to read the series sr (takes it). */
int source_open_series(struct source *s, struct series *sr, const char *kind,
		 const struct source_opts *o, struct pt_err *err)
{
	(void)err;
	s->impl = &series_impl;
	s->priv = sr;
	s->meta.name = sr->name;
	s->meta.kind = kind;
	s->meta.iface = iface_of(sr->n ? (sr->samples[0].handles ? PF_HANDLES : sr->samples[0].fmt) : PF_UNKNOWN);
	s->meta.unit = sr->n && sr->samples[0].fmt == PF_PROPOSAL ? UNIT_ALLOCS : UNIT_PAGES;
	s->meta.page_size = o->page_size > 0 ? o->page_size : sr->page_size > 0 ? sr->page_size : 4096;
	s->meta.page_size_known = o->page_size > 0 || sr->page_size > 0;
	if (s->meta.iface == IFACE_ALLOCINFO) {
		/* counts are bytes: a "page" of one byte */
		s->meta.unit = UNIT_BYTES;
		s->meta.page_size = 1;
		s->meta.page_size_known = 1;
	}
	s->meta.kernel_release = sr->release;
	s->meta.series = sr->n > 1;
	s->meta.nsamples = (int)sr->n;
	return 0;
}

double series_mtime(const char *path, double mtime)
{
	if (time_ok(mtime))
		return mtime;
	diag_warn(_("%s: its modification time is %.0f seconds from 1970, more than 10^12 (31,700 years): taken as 0"),
		  path, mtime);
	return 0;
}

static double file_mtime(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return time_real();
	return series_mtime(path, (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9);
}

/* One sample in a series of its own. */
static int open_one(struct source *s, const char *path, struct reader *in, enum pfmt fmt,
		    double time, const struct source_opts *o, struct pt_err *err)
{
	struct series *sr = xcalloc(1, sizeof(*sr));

	sr->stream = in;
	sr->name = xstrdup(path);
	series_add(sr, path, NULL, fmt, time, 1);
	return source_open_series(s, sr, "file", o, err);
}

int source_open_file(struct source *s, const char *path, enum pfmt fmt,
		     const struct source_opts *o, struct pt_err *err)
{
	return open_one(s, path, NULL, fmt, file_mtime(path), o, err);
}

int source_open_stream(struct source *s, const char *path, struct reader *in,
		       const struct source_opts *o, struct pt_err *err)
{
	const char *head;
	struct pt_err perr;
	size_t n = reader_peek(in, &head, &perr);
	enum pfmt f = n ? parse_detect(head, n) : PF_UNKNOWN;

	/* read now, once; the format names the source before its first sample */
	return open_one(s, path, in, f == PF_ALLOCINFO || f == PF_PROPOSAL ? f : PF_UNKNOWN,
			time_real(), o, err);
}

/* Files named one after the other are samples in that order, timed by their
 * modification times: say when one is not after the one before (copied without its
 * time, say), since no rate can be had between them. */
static void warn_times(const struct series *sr)
{
	size_t bad = 0, first = 0;

	for (size_t i = 1; i < sr->n; i++)
		if (!(sr->samples[i].time > sr->samples[i - 1].time) && !bad++)
			first = i;
	if (bad)
		diag_warn(ngettext("%s: %zu of %zu files is not newer than the file before it (%s): no rate there",
				   "%s: %zu of %zu files are not newer than the file before them (first %s): no rate there",
				   bad),
			  sr->name, bad, sr->n, sr->samples[first].stacks);
}

int source_open_list(struct source *s, const char *const *paths, int n,
		     const struct source_opts *o, struct pt_err *err)
{
	struct series *sr = xcalloc(1, sizeof(*sr));
	enum pfmt *f = xcalloc((size_t)n, sizeof(*f));

	sr->name = xasprintf(_("%d files"), n);
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (strcmp(paths[i], "-") == 0) {
			pt_err_set(err, _("standard input (-) can only be the one source"));
			goto fail;
		}
		if (stat(paths[i], &st) < 0)
			st.st_mode = 0; /* the open below says why */
		if (S_ISDIR(st.st_mode)) {
			pt_err_set(err, _("%s: a folder can only be the one source"), paths[i]);
			goto fail;
		}
		/* it would be read twice: to tell its format, then for the sample */
		if (S_ISFIFO(st.st_mode)) {
			pt_err_set(err, _("%s: a named pipe can only be the one source"), paths[i]);
			goto fail;
		}
		f[i] = parse_detect_file(paths[i], err);
		if ((int)f[i] < 0)
			goto fail;
		if (f[i] == PF_UNKNOWN || f[i] == PF_RECORDING) {
			pt_err_set(err, f[i] == PF_RECORDING ?
				   _("%s: a recording can only be the one source") :
				   _("%s: expected a page_owner snapshot, found something else"),
				   paths[i]);
			goto fail;
		}
	}
	for (int i = 0; i < n; i++) {
		/* a show_stacks_handles next to a show_handles (either order) is one sample */
		if (i + 1 < n && ((f[i] == PF_STACKS_HANDLES && f[i + 1] == PF_HANDLES) ||
				  (f[i] == PF_HANDLES && f[i + 1] == PF_STACKS_HANDLES))) {
			int st = f[i] == PF_STACKS_HANDLES ? i : i + 1;

			series_add(sr, paths[st], paths[st == i ? i + 1 : i], PF_HANDLES,
				   file_mtime(paths[i]), 1);
			i++;
			continue;
		}
		series_add(sr, paths[i], NULL, f[i], file_mtime(paths[i]), 1);
	}
	free(f);
	warn_times(sr);
	return source_open_series(s, sr, "files", o, err);
fail:
	free(f);
	series_free(sr);
	return -1;
}
