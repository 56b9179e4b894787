/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_recording.h - the recording writer: a sink that writes what it is fed to a
 * pagetop recording (recording.h). */
#ifndef PAGETOP_OUTPUT_RECORDING_H
#define PAGETOP_OUTPUT_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

struct recorder;

/* path "-" writes to standard output. Refuses to overwrite unless force; never follows
 * a symlink when creating (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644 before the umask). Under
 * sudo the invoking user opens it (util_asuser.h): their file. */
int recorder_open(struct recorder **out, const char *path, int force, struct pt_err *err);
/* An extra header line "meta KEY VALUE" (module build ids, the start time, ...). Only
 * before the header is written, that is before the first meta() or begin(). */
void recorder_add_meta(struct recorder *r, const char *key, const char *value);
struct sink recorder_sink(struct recorder *r);

/* One sink that feeds a source's records to a recorder and to another sink (a model),
 * the recorder first. forgotten() is the other's. soft: a failing recorder gets nothing
 * more, its error stays in err and failed is set, and the other sink goes on; else the
 * first error stops the source. */
struct recorder_tee {
	struct recorder *rec;
	struct sink other;
	int soft, failed;
	struct pt_err err;
};
struct sink recorder_tee_sink(struct recorder_tee *t);
/* Frames of new stacks are resolved with sym (waited for) and what has lines is written
 * with them ("x" and "l" lines, doc/recording.md). sym stays the caller's; NULL: none. */
struct symbols;
void recorder_set_symbols(struct recorder *r, struct symbols *sym);
/* The samples are written without waiting for sym (the screen's R while debug info
 * loads): each frame's lines follow, in the order they would have come, with a later
 * sample or at the close. */
void recorder_symbols_later(struct recorder *r);
/* Ends the file cleanly (idempotent): the end line, then close. Returns 0 or -1 with err. */
int recorder_close(struct recorder *r, struct pt_err *err);
void recorder_free(struct recorder *r);

struct recorder_stats {
	uint64_t samples;
	uint64_t stacks;          /* stacks written to the file */
	uint64_t bytes;           /* written so far */
	uint64_t last_nonzero;    /* stacks with pages in the last sample */
	uint64_t last_changed;    /* counts written for the last sample */
	uint64_t last_total;      /* sum of the last sample's counts */
	uint64_t carried;         /* frames whose source lines were written */
};
void recorder_get_stats(const struct recorder *r, struct recorder_stats *st);

/* "meta start": when the recording starts (now). */
void recorder_add_start_meta(struct recorder *r);

/* What a recording of the running kernel says about it, from the caller, who knows the
 * live source: the loaded modules' build ids (to check debug info against when replaying
 * elsewhere), the kernel threshold pagetop set and the interval. */
struct module_build_id;
struct recorder_live_meta {
	const struct module_build_id *modules; /* host_module_build_ids() */
	size_t nmodules;
	long threshold_set;    /* written to count_threshold, -1 none */
	long threshold_orig;   /* what it was before */
	double interval;       /* seconds */
};
void recorder_add_live_meta(struct recorder *r, const struct recorder_live_meta *lm);

#endif
