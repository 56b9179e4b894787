/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_select.h - a sample of a series picked on the command line: SOURCE@SEL.
 *
 *   @N       sample N, counted from 0 as the sample column of CSV and JSON
 *   @first   the first sample (@0)
 *   @last    the last sample (@-0)
 *   @-N      N samples before the last (@-0 is the last, @-1 the one before)
 *   @peak    the sample whose total pages are highest (the first of equal ones)
 *
 * A SOURCE that exists as given is taken whole, '@' and all; otherwise the text after
 * its last '@' is the selector. One parser for every command. */
#ifndef PAGETOP_SOURCE_SELECT_H
#define PAGETOP_SOURCE_SELECT_H

#include <stdint.h>

#include "util.h"

enum sample_pick {
	SAMPLE_NONE = 0,  /* no selector: what the command does with a whole series */
	SAMPLE_AT,        /* @N */
	SAMPLE_FIRST,
	SAMPLE_LAST,
	SAMPLE_FROM_END,  /* @-N */
	SAMPLE_PEAK,
};

struct sample_sel {
	enum sample_pick pick;
	uint64_t n;       /* SAMPLE_AT, SAMPLE_FROM_END */
};

/* The selector without its '@' ("40", "first", "-5"): 0, or -1 with err saying what
 * was given and what is accepted. */
int sample_sel_parse(const char *s, struct sample_sel *sel, struct pt_err *err);
/* SOURCE or SOURCE@SEL: *path (allocated) and *sel (SAMPLE_NONE without one). 0, or -1
 * with err for a selector that does not parse. */
int source_arg_split(const char *arg, char **path, struct sample_sel *sel, struct pt_err *err);
/* 1 when the sample can be known only after the whole series was read (its length or
 * its peak): @last, @-N, @peak. */
int sample_sel_needs_end(const struct sample_sel *sel);
/* The sample number sel picks in a series of n samples whose peak is sample peak: 0, or
 * -1 with err naming the series' length. */
int sample_sel_resolve(const struct sample_sel *sel, uint64_t n, uint64_t peak, uint64_t *k,
		       struct pt_err *err);
/* "@40", "@peak": for messages. */
const char *sample_sel_str(const struct sample_sel *sel, char *buf, size_t size);

#endif
