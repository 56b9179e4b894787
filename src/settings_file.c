/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings_file.c - reading and writing pagetoprc, line by line (settings_file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util_asuser.h"
#include "settings_file.h"

#define RC_MAX_SIZE (64 * 1024) /* bytes of the file */
#define RC_MAX_LINE 4096        /* bytes of a line, its newline included */

/* A folder of root's while this process is not root: root's HOME, kept after
 * --drop-privileges switched to nobody. Its settings are not this user's to read or
 * write (nor could they be). */
static int roots_folder(const char *dir)
{
	struct stat st;

	return getuid() != 0 && stat(dir, &st) == 0 && st.st_uid == 0;
}

char *rc_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	uid_t uid;
	gid_t gid;

	if (x && *x == '/' && !roots_folder(x))
		return xasprintf("%s/pagetop/pagetoprc", x);
	if (asuser_ids(&uid, &gid)) {
		struct passwd *pw = getpwuid(uid);

		if (pw && pw->pw_dir && *pw->pw_dir == '/')
			return xasprintf("%s/.config/pagetop/pagetoprc", pw->pw_dir);
	}
	if (home && *home && !roots_folder(home))
		return xasprintf("%s/.config/pagetop/pagetoprc", home);
	return NULL;
}

void rc_errors_free(struct rc_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

static void add_error(struct rc_errors *e, const char *path, unsigned line, const char *msg)
{
	e->msg = xreallocarray(e->msg, e->n + 1, sizeof(char *));
	e->msg[e->n++] = xasprintf("%s:%u: %s", path, line, msg);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Cuts a comment: '#' at the start or after a blank. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

/* The next token: up to a blank, or also up to '=' when stop_eq. */
static char *token(char **p, int stop_eq)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || (stop_eq && *s == '='))
		return NULL;
	w = s;
	while (*s && *s != ' ' && *s != '\t' && !(stop_eq && *s == '='))
		s++;
	*p = s;
	return w;
}

/* Splits a line in place; returns 0, 1 for a blank line, -1 when malformed. */
static int split(char *buf, struct rc_line *l)
{
	char *p, *verb, *name, *value;

	cut_comment(buf);
	p = trim(buf);
	if (!*p)
		return 1;
	verb = token(&p, 0);
	if (*p)
		*p++ = '\0';
	if (strcmp(verb, "set") == 0) {
		name = token(&p, 1);
		if (!name)
			return -1;
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p != '=')
			return -1;
		*p++ = '\0';
		value = trim(p);
		if (!*value)
			return -1;
	} else if (strcmp(verb, "bind") == 0) {
		name = token(&p, 0);
		if (!name || !*p)
			return -1;
		*p++ = '\0';
		value = trim(p);
		if (!*value || strpbrk(value, " \t"))
			return -1;
	} else {
		return -1;
	}
	l->verb = verb;
	l->name = name;
	l->value = value;
	return 0;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return _("a folder");
	if (S_ISFIFO(m))
		return _("a FIFO");
	if (S_ISCHR(m) || S_ISBLK(m))
		return _("a device");
	if (S_ISSOCK(m))
		return _("a socket");
	return _("not a file of any kind pagetop knows");
}

/* Opens path for reading as the invoking user, never through a link nor waiting (a FIFO),
 * and reads it whole when it is a regular file of at most RC_MAX_SIZE bytes: 0 with *buf
 * (NUL-terminated, *len bytes), 1 when there is no such file, -1 with err. Nothing of a
 * refused file is read, so no message can show any of it. */
static int slurp(const char *path, char **buf, size_t *len, struct pt_err *err)
{
	struct stat st;
	size_t n = 0;
	uid_t uid;
	int fd, e;
	char *p;

	fd = asuser_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			return 1;
		if (e == ELOOP)
			pt_err_set(err, _("%s is a symbolic link: pagetop does not read its settings through symbolic links; put the file itself there"),
				   path);
		else if (asuser_active(&uid))
			pt_err_set(err, _("cannot read %s as user %ld (who ran sudo): %s; the settings file must be readable by that user"),
				   path, (long)uid, strerror(e));
		else
			pt_err_set(err, _("cannot read %s: %s"), path, strerror(e));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		pt_err_set(err, _("cannot read %s: %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pt_err_set(err, _("%s is not a regular file (%s): pagetop reads its settings only from a regular file; remove it or put one there"),
			   path, file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	/* the size may change or lie (procfs): the read is capped too */
	p = st.st_size <= RC_MAX_SIZE ? xmalloc(RC_MAX_SIZE + 2) : NULL;
	while (p && n <= RC_MAX_SIZE) {
		ssize_t got = read(fd, p + n, RC_MAX_SIZE + 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			e = errno;
			pt_err_set(err, _("cannot read %s: %s"), path, strerror(e));
			free(p);
			close(fd);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!p || n > RC_MAX_SIZE) {
		pt_err_set(err, _("%s is larger than %d KiB, too large for a settings file: not read; remove it or shorten it"),
			   path, RC_MAX_SIZE / 1024);
		free(p);
		return -1;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int rc_read(const char *path, rc_fn fn, void *ctx, struct rc_errors *errs, struct pt_err *err)
{
	char *buf, *line, *end;
	size_t len;
	unsigned lineno = 0;
	int rc = slurp(path, &buf, &len, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	for (line = buf; line < buf + len; line = end + 1) {
		struct rc_line l;
		struct pt_err e;
		size_t n;
		char *copy;

		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		n = (size_t)(end - line);
		lineno++;
		if (n >= RC_MAX_LINE || memchr(line, '\0', n)) {
			char *msg = n >= RC_MAX_LINE ?
				    xasprintf(_("a line longer than %d KiB: not a settings line; shorten or remove it"),
					      RC_MAX_LINE / 1024) :
				    xstrdup(_("a NUL byte: not a settings line; remove it"));

			add_error(errs, path, lineno, msg);
			free(msg);
			continue;
		}
		*end = '\0';
		copy = xstrdup(line);
		rc = split(line, &l);
		if (rc < 0) {
			char *shown = trim(copy);
			char *msg = xasprintf(_("expected 'set NAME = VALUE' or 'bind KEY ACTION', found '%.60s'"),
					      shown);

			add_error(errs, path, lineno, msg);
			free(msg);
		} else if (rc == 0) {
			l.lineno = lineno;
			e.msg[0] = '\0';
			if (fn(ctx, &l, &e) < 0)
				add_error(errs, path, lineno, e.msg);
		}
		free(copy);
	}
	free(buf);
	return 0;
}

/* The NAME of a "set NAME = ..." line, copied into name; 0 if it is one. */
static int set_name(const char *line, char *name, size_t n)
{
	const char *p = line;
	size_t k = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "set", 3) != 0 || (p[3] != ' ' && p[3] != '\t'))
		return -1;
	p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != ' ' && *p != '\t' && *p != '=' && k + 1 < n)
		name[k++] = *p++;
	name[k] = '\0';
	return k ? 0 : -1;
}

static int mkdir_parents(const char *path)
{
	char *d = xstrdup(path);
	char *slash = strrchr(d, '/');

	if (!slash || slash == d) {
		free(d);
		return 0;
	}
	*slash = '\0';
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0755) < 0 && errno != EEXIST) {
			free(d);
			return -1;
		}
		*p = '/';
	}
	if (mkdir(d, 0755) < 0 && errno != EEXIST) {
		free(d);
		return -1;
	}
	free(d);
	return 0;
}

/* The lines to keep, open for reading: 0 with *in (NULL when there are none), or -1 with
 * err. Only from a settings file: a link, anything but a regular file (a FIFO would
 * block here) and a file too large for one are refused. */
static int open_kept(const char *path, FILE **in, struct pt_err *err)
{
	struct stat st;
	int fd;

	*in = NULL;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		pt_err_set(err, _("%s is a symbolic link: pagetop does not write its settings through symbolic links"),
			   path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0) {
		pt_err_set(err, _("cannot read %s: %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pt_err_set(err, _("%s is not a regular file (%s): pagetop does not replace it with its settings; remove it first"),
			   path, file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if (st.st_size > RC_MAX_SIZE) {
		pt_err_set(err, _("%s is larger than %d KiB, too large for a settings file: not rewritten; remove it or shorten it"),
			   path, RC_MAX_SIZE / 1024);
		close(fd);
		return -1;
	}
	*in = fdopen(fd, "r");
	if (!*in)
		close(fd);
	return 0;
}

/* in's lines (a header comment when there are none) to out, the first "set NAME" line
 * of each of sets replaced by its value, later ones dropped; then the sets not there. */
static void write_lines(FILE *in, FILE *out, const struct rc_set *sets, size_t n)
{
	unsigned char *done = xcalloc(n ? n : 1, 1);
	char *buf = NULL;
	size_t cap = 0;

	if (!in)
		fprintf(out, "%s", _("# pagetop settings: 'set NAME = VALUE' and 'bind KEY ACTION' lines.\n"
				     "# W in pagetop rewrites the set lines and keeps everything else.\n"));
	while (in && getline(&buf, &cap, in) >= 0) {
		char name[64];
		size_t i;

		if (set_name(buf, name, sizeof(name)) == 0) {
			for (i = 0; i < n; i++)
				if (strcmp(sets[i].name, name) == 0)
					break;
			if (i < n) {
				if (!done[i])
					fprintf(out, "set %s = %s\n", sets[i].name, sets[i].value);
				done[i] = 1;
				continue;
			}
		}
		fputs(buf, out);
		if (!strchr(buf, '\n'))
			fputc('\n', out);
	}
	free(buf);
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			fprintf(out, "set %s = %s\n", sets[i].name, sets[i].value);
	free(done);
}

static int save_here(const char *path, const struct rc_set *sets, size_t n, struct pt_err *err)
{
	FILE *in, *out;
	char *tmp;
	int fd, e;

	if (open_kept(path, &in, err) < 0)
		return -1;
	if (mkdir_parents(path) < 0) {
		pt_err_set(err, _("cannot create the folder of %s: %s"), path, strerror(errno));
		if (in)
			fclose(in);
		return -1;
	}
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !(out = fdopen(fd, "w"))) {
		pt_err_set(err, _("cannot write %s: %s"), tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		if (in)
			fclose(in);
		free(tmp);
		return -1;
	}
	write_lines(in, out, sets, n);
	if (in)
		fclose(in);
	e = ferror(out) ? EIO : 0;
	if (fclose(out) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		pt_err_set(err, _("cannot write %s: %s"), path, strerror(e));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

struct save_req {
	const char *path;
	const struct rc_set *sets;
	size_t n;
};

static long save_fn(void *ctx, int *fd, struct pt_err *err)
{
	const struct save_req *r = ctx;

	(void)fd;
	return save_here(r->path, r->sets, r->n, err);
}

/* Under sudo the file is the invoking user's: written by a child that is that user, so
 * it belongs to them and root never writes through a folder they control. */
int rc_save(const char *path, const struct rc_set *sets, size_t n, struct pt_err *err)
{
	struct save_req r = { path, sets, n };

	return asuser_call(save_fn, &r, NULL, err) < 0 ? -1 : 0;
}

int rc_save_values(const char *path, const struct setting_value *v, size_t n,
		   struct pt_err *err)
{
	struct rc_set *sets = xcalloc(n ? n : 1, sizeof(*sets));
	int rc;

	for (size_t i = 0; i < n; i++) {
		sets[i].name = settings_name(v[i].id);
		sets[i].value = settings_print(&v[i]);
	}
	rc = rc_save(path, sets, n, err);
	for (size_t i = 0; i < n; i++)
		free((char *)sets[i].value);
	free(sets);
	return rc;
}
