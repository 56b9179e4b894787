/* tui_tape.h - going back in time through a finite series, and replaying a model's
 * sample into another sink.
 *
 * The model only moves forward. For a series (folder, recording, several files) the UI
 * keeps a tape: after the model has taken each sample, the counts that changed, by stack
 * (12-16 bytes a change; a 90-sample demo folder takes a few kilobytes), and each stack's
 * handle and frame ids, which the model forgets once a stack is gone for a while. Going back
 * builds a replica: a fresh model fed from the tape up to the wanted sample, with the
 * frames of the main model. Replicas move forward cheaply too. The alternative (reopen the
 * source and parse again) costs the decompression and parsing of every earlier file and
 * cannot work on standard input. */
#ifndef PAGETOP_TUI_TAPE_H
#define PAGETOP_TUI_TAPE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "sink.h"

struct tape;

struct tape *tape_new(void);
void tape_free(struct tape *tp);
/* Appends the sample the model has just completed. */
void tape_add(struct tape *tp, const struct model *m);
uint32_t tape_nsamples(const struct tape *tp);
size_t tape_bytes(const struct tape *tp);

/* A model built from the tape. */
struct replica {
	struct model *m;
	int64_t *cnt;      /* count of every stack of the tape at the replica's sample */
	size_t ncnt;
	uint32_t *nz;      /* the tape's stacks with pages then, in the tape's order */
	size_t nnz, cnz;
	uint32_t *add;     /* those that got pages in the sample fed last */
	size_t nadd, cadd;
	uint32_t next;     /* the next sample to feed */
};

/* Starts an empty replica with the given allocator patterns (NULL: the defaults), keeping
 * the groups of mode g from the start. */
void replica_init(struct replica *r, const char *const *alloc, size_t nalloc,
		  enum group_mode g);
void replica_free(struct replica *r);
/* Feeds samples r->next..k (k < tape_nsamples()); sets the baseline when it feeds sample
 * baseline (> 0). Frames come from "from", the model the tape was taken from. Returns 0 or
 * -1 with err. */
int replica_advance(struct replica *r, struct tape *tp, const struct model *from,
		    uint32_t k, uint32_t baseline, struct pt_err *err);

/* Feeds the model's current sample, every stack with pages, to a sink (a recorder):
 * meta first when with_meta. Returns 0 or -1 with err. */
int model_sample_to_sink(const struct model *m, const struct sink *sink, int with_meta,
			 struct pt_err *err);

#endif
