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
/* The header lines pagetop record writes besides the source's description, for it and
 * the screen's R: paths as --from's (none: the live source src). Live, when it started
 * and what the kernel's settings are (its module build ids, the threshold pagetop set,
 * the interval); and "meta boot-time", what the blocks' ages are counted from, when it
 * is known (the running kernel's, a folder's uptime files', a dump's uptime file's). */
void record_add_source_meta(struct recorder *rec, const struct source *src,
			    const char *const *paths, size_t n);

struct source_meta;
/* The symbols service for a source's frames (its release, its kernel's and modules'
 * build ids), with --vmlinux and --modules; NULL after a message when it cannot start.
 * For pagetop record and pagetop diff. */
struct symbols *symbols_for_source(const char *vmlinux, const char *const *module_dirs,
				   size_t nmodule_dirs, const struct source_meta *mt);

#endif
