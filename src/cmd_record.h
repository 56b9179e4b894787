/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record.h - the "pagetop record" subcommand. */
#ifndef PAGETOP_CMD_RECORD_H
#define PAGETOP_CMD_RECORD_H

/* argv[0] is "record". Returns the exit status (0, 1 errors, 2 usage). Prints its
 * messages, "pagetop: ...", on standard error. */
int cmd_record(int argc, char **argv);

struct recorder;
struct source;
/* The recording's header lines: when it started, and what a live source knows of the
 * kernel (its module build ids, the threshold pagetop set, the interval); for `pagetop
 * record` and the screen's R. */
void record_add_live_meta(struct recorder *rec, const struct source *src);

#endif
