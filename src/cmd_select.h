/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_select.h - a sample selector (source_select.h) on a source: the sample number it
 * picks, reading the series first when only its end can tell. */
#ifndef PAGETOP_CMD_SELECT_H
#define PAGETOP_CMD_SELECT_H

#include <stdint.h>

#include "source.h"
#include "source_select.h"

/* The sample sel picks of the source at path, in *k. @N and @first need no reading
 * (the caller finds out whether the series has that many); @last and @-N read the
 * series when its length is not known in advance, @peak always does (standard input,
 * read once, is refused for them). Returns 0, or -1 with err. */
int select_sample(const char *path, const struct sample_sel *sel, const struct source_opts *so,
		  uint64_t *k, struct pt_err *err);
/* The series at path has only n samples, fewer than sel needs: err says so. */
void select_too_few(const char *path, const struct sample_sel *sel, uint64_t n,
		    struct pt_err *err);

#endif
