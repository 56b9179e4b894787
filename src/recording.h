/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recording.h - pagetop recordings: what the writer (output_recording.c), the reader
 * (source_recording.c) and the parser's format detection share.
 *
 * A recording is one append-only, line-oriented, versioned text file: a header, each
 * stack's frames once, then per sample its time and the counts that changed. It is
 * written one whole sample at a time, so a crash leaves at most a torn last sample, which
 * the reader drops with a warning. Format: doc/recording.md. */
#ifndef PAGETOP_RECORDING_H
#define PAGETOP_RECORDING_H

/* The first line of a pagetop recording: this, a space and the version. */
#define RECORDING_MAGIC "#pagetop-recording"
/* Version 2 adds the system's counters per sample ("m") and what debug info said of the
 * frames ("meta symbols-build-id", "l"); a reader takes versions 1 and 2. */
#define RECORDING_VERSION 3
/* Version 3 adds allocinfo: "unit bytes" and "c ID BYTES CALLS". Recordings of other
 * sources are written as version 2, which they need, so older pagetops read them. */
#define RECORDING_VERSION_PAGES 2
#define RECORDING_VERSION_MIN 1

/* FLAGS of a block line ("a PFN ..."): what the dump said of the block beside its
 * numbers and texts. */
enum { RB_TS = 1, RB_MIGRATED = 2, RB_SLAB = 4, RB_CMA = 8, RB_OFFLINE = 16, RB_OBJCG = 32,
       RB_ALL = 63 };

#endif
