/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_privsep.h - --drop-privileges: a root helper that opens the live interface's
 * debugfs files for an unprivileged pagetop, and the opener both share.
 *
 * privsep_start() forks a helper that stays root and talks to pagetop over a
 * socketpair(AF_UNIX, SOCK_SEQPACKET). Then privsep_drop() switches pagetop to the invoking
 * user (SUDO_UID/SUDO_GID) or nobody, for good. The helper answers a fixed whitelist of
 * requests, each naming a file by its index in ps_file_rel[] under the debugfs folder it
 * was given before the fork (never a path from the unprivileged side), opened beneath
 * it without following links (see privsep_start()):
 *   - open a data file read-only, the descriptor passed back with SCM_RIGHTS;
 *   - stat a data file (the reopen check of source_live.c: same inode still at the path?);
 *   - write count_threshold (or the proposal's page_owner_threshold), remembering the
 *     original value the first time;
 *   - put the original back.
 * When pagetop's end of the socket closes for any reason (exit, crash, SIGKILL), the helper
 * sees EOF, puts count_threshold back and exits. It parses nothing but its fixed-size
 * requests, loads nothing, keeps no other descriptor, and ignores the terminal's signals
 * (SIGINT, SIGQUIT, SIGHUP) and SIGTERM, SIGPIPE: it lives exactly as long as pagetop. */
#ifndef PAGETOP_SOURCE_PRIVSEP_H
#define PAGETOP_SOURCE_PRIVSEP_H

#include <sys/stat.h>
#include <sys/types.h>

#include "util.h"

/* The files of the live interface, relative to the debugfs folder (allocinfo: to /proc,
 * the folder of that source). The first six are the data files (read-only); the last two
 * the thresholds. */
enum ps_file {
	PSF_HANDLES, PSF_STACKS_HANDLES, PSF_STACKS, PSF_PROPOSAL, PSF_PAGE_OWNER,
	PSF_ALLOCINFO,      /* beneath /proc: the live source of allocinfo has it as folder */
	PSF_COUNT_THRESHOLD, PSF_PROPOSAL_THRESHOLD, PSF__N
};
extern const char *const ps_file_rel[PSF__N];
#define PSF_DATA_N PSF_COUNT_THRESHOLD /* files below this are the data files */

/* ---- shared by the direct path and the helper (async-signal-safe) ---- */

/* Opens a debugfs file: O_NONBLOCK only for the open itself (a FIFO standing in for a
 * slow file in the tests must not block there), close-on-exec. Returns fd or -1, errno. */
int debugfs_open_path(const char *path, int flags);
/* Opens rel (a path of ps_file_rel[]) beneath the folder dfd, like debugfs_open_path(),
 * without following any symbolic link on the way or leaving the folder: openat2() with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or on kernels before 5.6 (or with walk_only)
 * one component at a time with O_NOFOLLOW. O_PATH opens only to look. Returns fd or -1,
 * errno (ELOOP for a link). */
int debugfs_openat(int dfd, const char *rel, int flags, int walk_only);
/* Reads a count_threshold from fd (its start): 0 with *value, or -1 with errno (EBADMSG
 * when it is not a number, ENODATA when empty). text (at least 32 bytes) gets what was
 * read, for messages. */
int kthr_read(int fd, long *value, char *text, size_t n);
/* Writes "value\n" over what is there, never cutting the file (a debugfs attribute has no
 * size; a fake tree's regular file keeps an older, longer value's tail after the newline,
 * where kthr_read() stops). 0, or -1 with errno. */
int kthr_write(int fd, long value);

/* ---- the privileged side ---- */

struct privsep_user {
	uid_t uid;
	gid_t gid;
	int from_sudo; /* 1: SUDO_UID, 0: nobody */
};

/* Whom to become: SUDO_UID (and SUDO_GID, else the user's group) when set to a user other
 * than root, else nobody. Returns 0, or -1 with err. */
int privsep_pick_user(struct privsep_user *u, struct pt_err *err);
/* Forks the helper for the debugfs folder dir. Must run as root, before any thread is
 * started. The folder must be debugfs (or tracefs), or else one that only root can change,
 * nor any folder above it (the tests' fake trees); the helper keeps it open and opens
 * every file beneath it, never through a link (debugfs: beneath what is mounted at its
 * path at the time, which must be debugfs again, so that an unmount is seen). A second call for the same folder does
 * nothing; for another one it fails. Returns 0, or -1 with err. */
int privsep_start(const char *dir, struct pt_err *err);
/* Switches this process (every thread) to u for good: supplementary groups, gid, uid;
 * then not dumpable, no new privileges; checks that root cannot be regained and no
 * capability nor other group is left. Returns 0, or -1 with err (then the caller must
 * not go on). */
int privsep_drop(const struct privsep_user *u, struct pt_err *err);
/* 1 when requests go to a helper. */
int privsep_active(void);
/* The helper's pid (tests), or -1. */
pid_t privsep_helper_pid(void);
/* Tests: the helper started next opens files by the walk of kernels without openat2. */
void privsep_test_walk_only(int on);

/* ---- requests (any thread; one at a time) ---- */

/* Opens data file f read-only through the helper. Returns fd, or -1 with errno (EPIPE
 * when the helper is gone). */
int privsep_open(enum ps_file f);
/* stat() of file f as the helper sees it (st_dev, st_ino, st_mode only). 0 or -1, errno. */
int privsep_stat(enum ps_file f, struct stat *st);
/* Writes value to threshold file f; *orig gets the value from before pagetop's first
 * write. 0, or -1 with errno. */
int privsep_thr_set(enum ps_file f, long value, long *orig);
/* Puts the original threshold back and waits for it. 0, or -1 with errno. */
int privsep_thr_restore(void);
/* The same without waiting: async-signal-safe, for the signal handlers. */
void privsep_thr_restore_async(void);
/* Closes the connection: the helper restores and exits; waits for it (bounded). */
void privsep_stop(void);

#endif
