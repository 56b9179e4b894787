/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model_replay.h - a model at an earlier sample of a finite series, and a model's sample
 * replayed into another sink.
 *
 * The model only moves forward. For a series (folder, recording, several files) its
 * consumer keeps a tape: after the model has taken each sample, the counts that changed,
 * by stack (12-16 bytes a change; a 90-sample demo folder takes a few kilobytes), and each
 * stack's handle and frame ids, which the model forgets once a stack is gone for a while.
 * Going back builds a replay: a fresh model fed from the tape up to the wanted sample,
 * with the frames of the main model. Replays move forward cheaply too. The alternative
 * (reopen the source and parse again) costs the decompression and parsing of every
 * earlier file and cannot work on standard input. */
#ifndef PAGETOP_MODEL_REPLAY_H
#define PAGETOP_MODEL_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "sink.h"

struct replay_tape;

struct replay_tape *replay_tape_new(void);
void replay_tape_free(struct replay_tape *tp);
/* Appends the sample the model has just completed. */
void replay_tape_add(struct replay_tape *tp, const struct model *m);
size_t replay_tape_bytes(const struct replay_tape *tp);

/* Samples on the tape. */
uint32_t replay_tape_len(const struct replay_tape *tp);
/* A row over the whole tape: out[j], for every sample j, is the sum of the counts then of
 * the tape's stacks that match() says are the row's; match gets each stack once, with its
 * handle and its frame ids in the model the tape was taken from. */
void replay_tape_row(const struct replay_tape *tp,
		     int (*match)(void *ctx, uint64_t handle, const uint32_t *frames,
				  unsigned nframes),
		     void *ctx, int64_t *out);

/* A model built from the tape. */
struct replay {
	struct model *m;
	int64_t *counts;          /* of every stack of the tape at the replay's sample */
	size_t ncounts;
	uint32_t *with_pages;     /* the tape's stacks with pages then, in the tape's order */
	size_t nwith_pages, cap_with_pages;
	uint32_t *added;          /* those that got pages in the sample fed last */
	size_t nadded, cap_added;
	uint32_t next;            /* the next sample to feed */
};

/* Starts an empty replay with the given allocator patterns (NULL: the defaults). */
void replay_init(struct replay *r, const char *const *alloc, size_t nalloc);
void replay_free(struct replay *r);
/* Feeds samples r->next..k (k: a sample the tape has); sets the baseline when it feeds
 * sample baseline (> 0). Frames come from "from", the model the tape was taken from.
 * Returns 0 or -1 with err. */
int replay_advance(struct replay *r, struct replay_tape *tp, const struct model *from,
		   uint32_t k, uint32_t baseline, struct pt_err *err);

/* Feeds the model's current sample, every stack with pages, to a sink (a recorder):
 * meta first when with_meta. Returns 0 or -1 with err. */
int model_replay_sample(const struct model *m, const struct sink *sink, int with_meta,
			struct pt_err *err);

#endif
