/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_attrib.h - batch output of the per-block dump's attribution (model_attrib.h):
 * text, csv or json (doc/formats.md). */
#ifndef PAGETOP_OUTPUT_ATTRIB_H
#define PAGETOP_OUTPUT_ATTRIB_H

#include <stdio.h>

#include "model_attrib.h"
#include "output.h"

/* Once before the first sample (the CSV header row). 0, or -1 (errno). */
int output_attrib_begin(FILE *fp, const struct out_opts *o);
/* One sample's rows; now: seconds since boot at the read (< 0: unknown). */
int output_attrib(FILE *fp, const struct model *m, const struct attrib_opts *ao,
		  const struct attr_view *v, const struct out_opts *o, double now);

#endif
