/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_allocinfo.c - /proc/allocinfo: each line through allocinfo_line() (a call site it
 * accepts splits again as one, with the same function), then the whole input through
 * parse_stream() on a memory reader into the model, then the model's views. */
#include "config.h"

#include "fuzz.h"
#include "parse_allocinfo.h"

FUZZ_TARGET(allocinfo)
{
	const char *p = (const char *)data, *end = p + size;
	struct allocinfo_rec rec;
	struct site_parts sp;
	struct model *m;
	struct sink sink;
	struct source_meta meta;
	struct sample_info si = { 0, 0, 0 };
	struct reader *r;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;
	const char *what;
	int rc;

	fuzz_init();
	if (size > 200000)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (allocinfo_line(p, n, &rec, &what) == 0) {
			FUZZ_CHECK(rec.site_len > 0 && rec.site_len <= FRAME_MAX);
			if (!memchr(rec.site, '\0', rec.site_len) &&
			    frame_site_split(rec.site, rec.site_len, &sp) == 0)
				FUZZ_CHECK(sp.func + sp.func_len == rec.site + rec.site_len);
		} else {
			FUZZ_CHECK(what != NULL && what[0] != '\0');
		}
		p = nl ? nl + 1 : end;
	}
	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(reader_open_mem(&r, (const char *)data, size, "fuzz.allocinfo", &err) == 0);
	m = model_new();
	sink = model_sink(m);
	fuzz_meta(&meta, IFACE_ALLOCINFO);
	FUZZ_CHECK(sink.ops->meta(sink.self, &meta, &err) == 0);
	FUZZ_CHECK(sink.ops->begin(sink.self, &si, &err) == 0);
	rc = parse_stream(r, PF_UNKNOWN, &got, &sink, &err);
	reader_close(r);
	if (rc < 0) {
		fuzz_check_err(&err);
		FUZZ_CHECK(strstr(err.msg, "fuzz.allocinfo") != NULL);
	}
	FUZZ_CHECK(sink.ops->end(sink.self, &err) == 0);
	fuzz_views(m);
	model_free(m);
	return 0;
}
