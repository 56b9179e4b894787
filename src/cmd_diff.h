/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_diff.h - the "pagetop diff" subcommand: stacks whose counts changed between two
 * snapshots (doc/diff.md). */
#ifndef PAGETOP_CMD_DIFF_H
#define PAGETOP_CMD_DIFF_H

#include <stddef.h>

/* argv[0] is "diff". Returns the exit status (0, 1 errors, 2 usage). Prints its
 * messages, "pagetop: ...", on standard error. */
int cmd_diff(int argc, char **argv);

#endif
