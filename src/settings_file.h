/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings_file.h - the settings file, pagetoprc: reading and writing its lines.
 *
 * $XDG_CONFIG_HOME/pagetop/pagetoprc (default ~/.config/pagetop/pagetoprc): one setting a
 * line, '#' starts a comment.
 *
 *   set NAME = VALUE          a setting the file knows (settings.h: settings_in_file())
 *   bind KEY ACTION           a key (q, ^L, F1, PgDn, Space) to an action name
 *
 * This module reads and writes lines; what a line means is its caller's business (it is
 * given each line through a callback; settings_parse_named() reads a set line's value).
 * It never prints: errors come back as messages, one per bad line, and reading goes on
 * with the next line. */
#ifndef PAGETOP_SETTINGS_FILE_H
#define PAGETOP_SETTINGS_FILE_H

#include <stddef.h>

#include "settings.h"
#include "util.h"

/* The file's path (malloc'ed), from $XDG_CONFIG_HOME or $HOME; NULL when neither is set.
 * Root by way of sudo (uid 0 with SUDO_UID set) reads the invoking user's file: from
 * $XDG_CONFIG_HOME when sudo kept it, else from that user's home (getpwuid), not root's. */
char *rc_path(void);

struct rc_line {
	unsigned lineno;
	const char *verb;   /* "set" or "bind" */
	const char *name;   /* the setting, or the key */
	const char *value;  /* the value, or the action */
};

/* Called for each setting; returns 0, or -1 with err (the message only; the file name and
 * line are added). */
typedef int (*rc_fn)(void *ctx, const struct rc_line *l, struct pt_err *err);

struct rc_errors {
	char **msg;         /* "FILE:LINE: ..." */
	size_t n;
};
void rc_errors_free(struct rc_errors *e);

/* Reads path: returns 0 (also when the file does not exist), or -1 with err when it
 * cannot be read or is refused: a symbolic link (O_NOFOLLOW), anything but a regular file
 * (opened without waiting: a FIFO does not block), more than 64 KiB. Under sudo it is
 * opened by a child with the invoking user's ids (util_asuser.h). Bad lines, and lines of
 * 4 KiB or more or with a NUL byte (not shown), are collected in errs and skipped. A
 * refused file is not read, so no message shows any of it. */
int rc_read(const char *path, rc_fn fn, void *ctx, struct rc_errors *errs,
		struct pt_err *err);

struct rc_set {
	const char *name;
	const char *value;
};
/* Writes the settings: replaces the first "set NAME" line of each in place, drops later
 * ones, appends the missing ones, keeps every other line (comments, binds). Creates the
 * folder, writes a temporary file (mode 0600, O_EXCL|O_NOFOLLOW) and renames it; refuses a
 * path that is a symbolic link, or anything but a regular file of at most 64 KiB. Under
 * sudo a child process with the invoking user's ids writes it. Returns 0 or -1 with err. */
int rc_save(const char *path, const struct rc_set *sets, size_t n, struct pt_err *err);
/* The same for settings' values: each as "set NAME = VALUE", the name and text from
 * settings.h (settings_print()); for W. */
int rc_save_values(const char *path, const struct setting_value *v, size_t n,
		   struct pt_err *err);

#endif
