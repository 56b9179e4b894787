/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_stream.c - reader_open_fd() on a pipe, the way standard input and saved files come
 * in: compression detected from the magic bytes (plain, gzip, concatenated gzip members,
 * xz), lines across buffer refills, then parse_stream() into the model. Small gzip and xz
 * inputs decompress to more than the reader's 256 KiB buffer, so this also walks the
 * refill and mark paths a memory reader never takes. */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"

FUZZ_TARGET(stream)
{
	struct model *m;
	struct sink sink;
	struct source_meta meta;
	struct sample_info si = { 0, 0, 0 };
	struct reader *r;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;
	int fd[2], rc;
	size_t off = 0;

	fuzz_init();
	if (size > 1000000)
		return 0;
	FUZZ_CHECK(pipe2(fd, O_CLOEXEC) == 0);
	/* room for the whole input, so it is written before it is read */
	if (size > 60000 && fcntl(fd[1], F_SETPIPE_SZ, 1 << 20) < 0) {
		close(fd[0]);
		close(fd[1]);
		return 0;
	}
	while (off < size) {
		ssize_t n = write(fd[1], data + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	close(fd[1]);
	memset(&err, 0, sizeof(err));
	if (reader_open_fd(&r, fd[0], "fuzz.pipe", 1, &err) < 0) {
		fuzz_check_err(&err);
		return 0;
	}
	m = model_new();
	sink = model_sink(m);
	fuzz_meta(&meta, IFACE_SHOW_STACKS);
	FUZZ_CHECK(sink.ops->meta(sink.self, &meta, &err) == 0);
	FUZZ_CHECK(sink.ops->begin(sink.self, &si, &err) == 0);
	rc = parse_stream(r, PF_UNKNOWN, &got, &sink, &err);
	if (rc < 0) {
		fuzz_check_err(&err);
		FUZZ_CHECK(strstr(err.msg, "fuzz.pipe") != NULL);
	}
	reader_close(r);
	FUZZ_CHECK(sink.ops->end(sink.self, &err) == 0);
	fuzz_views(m);
	model_free(m);
	return 0;
}
