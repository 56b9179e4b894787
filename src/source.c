/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source.c - opening inputs: the kind of input is picked from what is given (nothing:
 * the live kernel; a folder; a recording; snapshot files; standard input), then every
 * call goes to that kind (source_impl.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"

void source_opts_init(struct source_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kernel_threshold = -1;
}

/* One path that is no folder: a recording or a snapshot, told by its first bytes. */
static int open_path(struct source *s, const char *path, const struct source_opts *o,
		     struct pt_err *err)
{
	struct reader *in;
	struct stat st;
	const char *buf;
	enum pfmt f;
	size_t n;

	if (strcmp(path, "-") != 0 && (stat(path, &st) < 0 || S_ISREG(st.st_mode))) {
		f = parse_detect_file(path, err);
		if ((int)f < 0)
			return -1;
		if (f == PF_RECORDING)
			return source_open_recording(s, path, o, err);
		return source_open_file(s, path, f, o, err);
	}
	/* ssh host pagetop record -o - | pagetop -: a recording on standard input; a named
	 * pipe (once a writer comes) or a device is read once too */
	if (reader_open_path(&in, path, err) < 0)
		return -1;
	n = reader_peek(in, &buf, err);
	if (parse_detect(buf, n) == PF_RECORDING)
		return source_open_recording_reader(s, in, o, err);
	return source_open_stream(s, path, in, o, err);
}

int source_open(struct source **out, const char *const *paths, int npaths,
		const struct source_opts *o, struct pt_err *err)
{
	struct source *s = xcalloc(1, sizeof(*s));
	struct stat st;
	int rc;

	if (npaths == 0)
		rc = source_open_live(s, o, err);
	else if (npaths > 1)
		rc = source_open_list(s, paths, npaths, o, err);
	else if (strcmp(paths[0], "-") != 0 && stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode))
		rc = source_open_folder(s, paths[0], o, err);
	else if (strcmp(paths[0], "-") != 0 && access(paths[0], F_OK) < 0) {
		pt_err_set(err, _("%s: cannot open: %s"), paths[0], strerror(errno));
		rc = -1;
	} else
		rc = open_path(s, paths[0], o, err);
	if (rc < 0) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

enum src_status source_next(struct source *s, const struct sink *sink, int timeout_ms,
			    struct pt_err *err)
{
	if (sink->ops->forgotten) {
		const uint64_t *v;
		size_t n = sink->ops->forgotten(sink->self, &v);

		if (n && s->impl->forget)
			s->impl->forget(s, v, n);
	}
	return s->impl->next(s, sink, timeout_ms, err);
}

int source_seek(struct source *s, uint64_t k)
{
	return s->impl->seek ? s->impl->seek(s, k) : -1;
}

const struct source_meta *source_meta(const struct source *s)
{
	return &s->meta;
}

double source_stalled(const struct source *s)
{
	return s->impl->stalled ? s->impl->stalled(s) : 0;
}

int source_fd(const struct source *s)
{
	return s->impl->fd ? s->impl->fd(s) : -1;
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->impl && s->impl->close)
		s->impl->close(s);
	free(s);
}
