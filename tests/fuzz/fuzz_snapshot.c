/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_snapshot.c - the stack snapshot formats (show_stacks, the proposal's
 * page_owner_stacks, show_stacks_handles + show_handles) through parse_stream() on a
 * memory reader, into the model, then the model's views.
 *
 * Input: one or more samples separated by a line "--sample--"; inside a sample a line
 * "--handles--" splits a show_stacks_handles part from a show_handles part, read as
 * source.c reads such a pair (stacks first, each with its expected format). Without
 * the separators the input is one snapshot file of any format, detected. */
#include "config.h"

#include "fuzz.h"

static const char SEP_SAMPLE[] = "--sample--\n";
static const char SEP_HANDLES[] = "--handles--\n";

/* The next part of [*p, end) up to sep (at the start of a line), or to the end. */
static size_t next_part(const char **p, const char *end, const char *sep, const char **part)
{
	size_t sl = strlen(sep);
	const char *s = *p;

	*part = s;
	for (const char *c = s; c + sl <= end; c++) {
		if ((c == s || c[-1] == '\n') && memcmp(c, sep, sl) == 0) {
			*p = c + sl;
			return (size_t)(c - s);
		}
		c = memchr(c, '\n', (size_t)(end - c));
		if (!c)
			break;
	}
	*p = end;
	return (size_t)(end - s);
}

/* Parses one part into the sink; checks what the parser promises. */
static int parse_part(const char *buf, size_t len, const char *name, enum pfmt expect,
		      const struct sink *sink)
{
	struct reader *r;
	struct pt_err err;
	enum pfmt got = (enum pfmt)-1, detected = parse_detect(buf, len);
	int rc;

	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(reader_open_mem(&r, buf, len, name, &err) == 0);
	rc = parse_stream(r, expect, &got, sink, &err);
	reader_close(r);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc < 0) {
		fuzz_check_err(&err);
		/* messages name the input */
		FUZZ_CHECK(strstr(err.msg, name) != NULL || strstr(err.msg, "test sink") != NULL);
		return -1;
	}
	FUZZ_CHECK(got >= PF_SHOW_STACKS && got <= PF_ALLOCINFO);
	FUZZ_CHECK(detected >= PF_UNKNOWN && detected <= PF_RECORDING);
	if (expect != PF_UNKNOWN)
		FUZZ_CHECK(got == expect || (expect == PF_SHOW_STACKS && got == PF_PROPOSAL));
	return 0;
}

FUZZ_TARGET(snapshot)
{
	const char *p = (const char *)data, *end = p + size;
	struct model *m;
	struct sink sink;
	struct source_meta meta;
	struct pt_err err;
	uint64_t seq = 0;

	fuzz_init();
	m = model_new();
	sink = model_sink(m);
	fuzz_meta(&meta, IFACE_SHOW_STACKS);
	FUZZ_CHECK(sink.ops->meta(sink.self, &meta, &err) == 0);
	while (p < end && seq < 64) {
		const char *sample, *stacks, *handles, *q;
		size_t slen = next_part(&p, end, SEP_SAMPLE, &sample), hlen, stlen;
		struct sample_info si = { (double)seq * 2.5, 0, seq };

		q = sample;
		stlen = next_part(&q, sample + slen, SEP_HANDLES, &stacks);
		handles = q;
		hlen = (size_t)(sample + slen - q);
		FUZZ_CHECK(sink.ops->begin(sink.self, &si, &err) == 0);
		if (stacks + stlen < sample + slen) {
			/* a pair, the way source.c reads it */
			if (parse_part(stacks, stlen, "fuzz.show_stacks_handles", PF_STACKS_HANDLES,
				       &sink) == 0)
				parse_part(handles, hlen, "fuzz.show_handles", PF_HANDLES, &sink);
		} else {
			parse_part(stacks, stlen, "fuzz.snapshot", PF_UNKNOWN, &sink);
		}
		FUZZ_CHECK(sink.ops->end(sink.self, &err) == 0);
		seq++;
		FUZZ_CHECK(model_nsamples(m) == seq);
		fuzz_views(m);
		if (seq == 2)
			model_set_baseline(m);
	}
	model_free(m);
	return 0;
}
