/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record.h - the "pagetop record" subcommand. */
#ifndef PAGETOP_CMD_RECORD_H
#define PAGETOP_CMD_RECORD_H

/* argv[0] is "record". Returns the exit status (0, 1 errors, 2 usage). Prints its
 * messages, "pagetop: ...", on standard error. */
int cmd_record(int argc, char **argv);

#endif
