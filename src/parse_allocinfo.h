/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse_allocinfo.h - the lines of /proc/allocinfo (parse.c reads the file). */
#ifndef PAGETOP_PARSE_ALLOCINFO_H
#define PAGETOP_PARSE_ALLOCINFO_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "util.h"

/* The first line: "allocinfo - version: 1.0". */
#define ALLOCINFO_MAGIC "allocinfo - version:"
#define ALLOCINFO_EXPECT N_("\"SIZE CALLS FILE:LINE [module] func:NAME\"")
#define ALLOCINFO_EXPECT_SHORT N_("a call site of at most 640 bytes")

struct allocinfo_rec {
	uint64_t bytes, calls;
	char site[FRAME_MAX];   /* "FILE:LINE [module] func:NAME" */
	size_t site_len;
};

/* Splits a line; returns 0, or -1 with *what the untranslated words of what was
 * expected (for "expected %s, found ..."). */
int allocinfo_line(const char *s, size_t n, struct allocinfo_rec *rec, const char **what);
/* Whether s is a call site exactly as allocinfo_line() makes it ("FILE:LINE [module]
 * func:NAME"). */
int allocinfo_site_ok(const char *s, size_t n);
/* The version of a first line; -1 when it is no allocinfo header. */
int allocinfo_version(const char *s, size_t n, unsigned *major, unsigned *minor);

#endif
