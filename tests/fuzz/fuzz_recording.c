/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_recording.c - pagetop's recordings: source_open_recording_reader() on a memory
 * reader (the entry standard input takes), then source_next() into the model until the
 * end, as a replay does; the model's views after each sample. The source lines it
 * carries ("x" and "l" lines) go to the process's table, emptied after each input. */
#include "config.h"

#include "fuzz.h"
#include "symbols.h"

FUZZ_TARGET(recording)
{
	struct source *src = xcalloc(1, sizeof(*src));
	struct source_opts o;
	struct reader *r;
	struct pt_err err;
	struct model *m;
	struct sink sink;
	enum src_status st = SRC_ERROR;
	int samples = 0;

	fuzz_init();
	source_opts_init(&o);
	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(reader_open_mem(&r, (const char *)data, size, "fuzz.rec", &err) == 0);
	if (source_open_recording_reader(src, r, &o, &err) < 0) {
		fuzz_check_err(&err);
		FUZZ_CHECK(strstr(err.msg, "fuzz.rec") != NULL);
		free(src);
		sym_carry_clear();
		return 0;
	}
	FUZZ_CHECK(source_meta(src)->kind && strcmp(source_meta(src)->kind, "recording") == 0);
	FUZZ_CHECK(source_meta(src)->page_size > 0);
	m = model_new();
	sink = model_sink(m);
	while (samples < 10000 && (st = source_next(src, &sink, -1, &err)) == SRC_SAMPLE) {
		samples++;
		FUZZ_CHECK(model_nsamples(m) == (uint32_t)samples);
		if (samples <= 4)
			fuzz_views(m);
	}
	if (st == SRC_ERROR)
		fuzz_check_err(&err);
	else if (st == SRC_END) /* and it stays there */
		FUZZ_CHECK(source_next(src, &sink, -1, &err) == SRC_END);
	if (samples > 4)
		fuzz_views(m);
	source_close(src);
	model_free(m);
	sym_carry_clear();
	return 0;
}
