/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util_asuser.h - the invoking user's files, opened and written as that user under sudo.
 *
 * pagetop is often run as root by way of sudo. The settings file, snapshots (w) and
 * recordings are that user's: read as root, a link in their folder would show root's
 * files; written as root, they would leave root's files, with lines that came from the
 * input, wherever a path through the user's folders leads. So under sudo a short-lived
 * child process with the user's ids (SUDO_UID, SUDO_GID; no supplementary groups; not
 * dumpable, since it holds a copy of root's memory) does the opening and writing;
 * otherwise, or when this process already is that user (--drop-privileges), it is done
 * here. */
#ifndef PAGETOP_UTIL_ASUSER_H
#define PAGETOP_UTIL_ASUSER_H

#include <sys/types.h>

#include "util.h"

/* The user who ran sudo: 1 with their ids when this process is root and SUDO_UID names
 * another user, or this process already is that user; else 0. The group is SUDO_GID,
 * else the user's group from the password database. */
int asuser_ids(uid_t *uid, gid_t *gid);

/* 1 with *uid when files are handled in a child as the invoking user (root by way of
 * sudo, not switched yet), else 0. For messages: "as user N". */
int asuser_active(uid_t *uid);

/* When e (an errno) is a permission the invoking user lacked and files are handled as
 * them: adds " (as user N, who ran sudo)" to err, so that the message says whose. */
void asuser_note(struct pt_err *err, int e);

/* Runs fn(ctx, fd, err) as the invoking user: in a child with that user's ids when
 * asuser_active(), else directly. fn returns a result >= 0, or -1 with err (and errno);
 * it may put a descriptor in *fd (which starts as -1), and that descriptor comes back to
 * the caller in *fd (fd may be NULL when fn opens none). Returns fn's result; -1 with err
 * and errno also when the child could not become the user or ended without an answer. */
long asuser_call(long (*fn)(void *ctx, int *fd, struct pt_err *err), void *ctx, int *fd,
		 struct pt_err *err);

/* open(path, flags | O_CLOEXEC, mode) as the invoking user. Returns the descriptor, or -1
 * with errno. */
int asuser_open(const char *path, int flags, mode_t mode);

#endif
