/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record.h - the "pagetop record" subcommand. */
#ifndef PAGETOP_CMD_RECORD_H
#define PAGETOP_CMD_RECORD_H

#include <stddef.h>

/* argv[0] is "record". Returns the exit status (0, 1 errors, 2 usage). Prints its
 * messages, "pagetop: ...", on standard error. */
int cmd_record(int argc, char **argv);

struct recorder;
struct source;
/* The recording's header lines: when it started, and what a live source knows of the
 * kernel (its module build ids, the threshold pagetop set, the interval); for `pagetop
 * record` and the screen's R. */
void record_add_live_meta(struct recorder *rec, const struct source *src);
/* "meta boot-time", what the blocks' ages are counted from: paths as pagetop record's
 * --from (none: the running kernel's); nothing when it is not known. */
void record_add_boot_meta(struct recorder *rec, const char *const *paths, size_t n);

struct source_meta;
/* The symbols service for a source's frames (its release, its kernel's and modules'
 * build ids), with --vmlinux and --modules; NULL after a message when it cannot start.
 * For pagetop record and pagetop diff. */
struct symbols *symbols_for_source(const char *vmlinux, const char *const *module_dirs,
				   size_t nmodule_dirs, const struct source_meta *mt);

#endif
