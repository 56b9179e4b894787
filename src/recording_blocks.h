/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recording_blocks.h - the blocks of a recorded per-block dump, as the recording reader
 * keeps them: their texts ("n ID TEXT"), the blocks of the last complete sample by PFN,
 * and the blocks that came ("a PFN ...") and went ("d PFN") in the sample being read.
 * Format: doc/recording.md. */
#ifndef PAGETOP_RECORDING_BLOCKS_H
#define PAGETOP_RECORDING_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

struct rec_blocks;

struct rec_blocks *rec_blocks_new(void);
void rec_blocks_free(struct rec_blocks *rb);

/* "n ID TEXT" (n bytes of line). 0, or -1 with *what what was expected. */
int rec_blocks_text(struct rec_blocks *rb, const char *line, size_t n, const char **what);
/* "a PFN STACK ORDER PID TGID TS GFP MT FLAGS COMM GFPTEXT MEMCG REASON" or "d PFN"
 * inside a sample; nstacks: stack ids below it are defined. 0, or -1 with *what what was
 * expected and *why, when not NULL, why the line is not that. */
int rec_blocks_line(struct rec_blocks *rb, const char *line, size_t n, uint32_t nstacks,
		    const char **what, const char **why);
/* A sample begins: the changes of a torn one before are dropped. */
void rec_blocks_begin(struct rec_blocks *rb);
/* The sample is complete: its changes apply. */
void rec_blocks_apply(struct rec_blocks *rb);
/* Blocks of the last complete sample. */
size_t rec_blocks_count(const struct rec_blocks *rb);
/* Its i-th block (by PFN) into *bi (texts valid until the next apply), with its
 * stack's id in the file. */
uint32_t rec_blocks_get(const struct rec_blocks *rb, size_t i, struct block_info *bi);

#endif
