/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each target defines its entry with FUZZ_TARGET(name). Built for libFuzzer (make fuzz,
 * tests/fuzz/run.sh) that is LLVMFuzzerTestOneInput; built with -DFUZZ_REPLAY into the
 * normal test suite (tests/fuzz/replay.c) it is fuzz_NAME(), which replays the seed corpus
 * and every regression input under make check (and valgrind, and the sanitizer build).
 *
 * A target returns 0 whatever the input: bad input is expected and must come back as an
 * error. Only a crash, a sanitizer report, a leak, or a broken invariant (abort()) counts. */
#ifndef PAGETOP_FUZZ_H
#define PAGETOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "parse.h"
#include "reader.h"
#include "sink.h"
#include "source.h"
#include "util.h"

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* Every target, for the replay driver. */
#define FUZZ_TARGETS(X) X(snapshot) X(page_owner) X(recording) X(frame) X(stream) X(rcfile) \
	X(split) X(model) X(allocinfo)
#define FUZZ_DECL(name) int fuzz_##name(const uint8_t *data, size_t size);
FUZZ_TARGETS(FUZZ_DECL)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the code promises is broken: a finding, as a crash the fuzzer keeps. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,     \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

static void fuzz_quiet(const char *msg)
{
	(void)msg;
}

/* Warnings are expected on bad input: they must be well-formed, not printed. */
static inline void fuzz_init(void)
{
	diag_set_sink(fuzz_quiet);
}

/* An error message must be a complete, terminated, non-empty string. */
static inline void fuzz_check_err(const struct pt_err *err)
{
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	FUZZ_CHECK(err->msg[0] != '\0');
}

static inline void fuzz_meta(struct source_meta *meta, enum pt_iface iface)
{
	memset(meta, 0, sizeof(*meta));
	meta->name = "fuzz";
	meta->kind = "file";
	meta->iface = iface;
	meta->unit = iface == IFACE_PROPOSAL ? UNIT_ALLOCS : iface == IFACE_ALLOCINFO ? UNIT_BYTES : UNIT_PAGES;
	meta->page_size = iface == IFACE_ALLOCINFO ? 1 : 4096;
	meta->page_size_known = 1;
	meta->series = 1;
	meta->nsamples = -1;
}

/* Builds views over what the model holds, in every grouping: what the UI and the batch
 * output do after each sample. */
static inline void fuzz_views(struct model *m)
{
	struct view v;
	struct view_opts o;

	view_init(&v);
	for (int g = 0; g < GROUP__N; g++) {
		view_opts_init(&o);
		o.group = (enum group_mode)g;
		o.key = (enum sort_key)(g * 3 % KEY__N);
		o.limit = g & 1 ? 5 : 0;
		model_view(m, &o, &v);
		FUZZ_CHECK(v.nrows <= v.total_rows);
		for (size_t i = 0; i < v.nrows; i++) {
			const char *label = model_label(m, v.rows[i].label);

			FUZZ_CHECK(label != NULL);
		}
	}
	view_free(&v);
}

#endif
