/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_rcfile.c - where pagetoprc is read from (XDG, HOME, the invoking user under
 * sudo) and how it is written (0600, through a temporary file, never through a symbolic
 * link, as the invoking user under sudo). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "require.h"
#include "settings_file.h"
#include "util.h"

static char *tmp_root;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void setup(void)
{
	char tmpl[] = "/tmp/pagetop-rc-XXXXXX";

	ck_assert(mkdtemp(tmpl) != NULL);
	tmp_root = xstrdup(tmpl);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	unsetenv("SUDO_USER");
}

static void teardown(void)
{
	nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp_root);
}

static const struct rc_set sets[] = { { "sort", "score" }, { "interval", "5" } };

START_TEST(save_mode_0600)
{
	char *path = xasprintf("%s/a/b/pagetoprc", tmp_root);
	struct pt_err err;
	struct stat st;

	umask(022);
	ck_assert_msg(rc_save(path, sets, 2, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	/* again over the existing file: still 0600, no temporary file left */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_msg(rc_save(path, sets, 1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	{
		char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());

		ck_assert_int_eq(access(tmp, F_OK), -1);
		free(tmp);
	}
	free(path);
}
END_TEST

START_TEST(save_no_symlink)
{
	char *target = xasprintf("%s/target", tmp_root);
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct stat st;
	FILE *f = fopen(target, "w");

	ck_assert(f != NULL);
	fputs("set sort = pages\n", f);
	fclose(f);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(rc_save(path, sets, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "is a symbolic link"), "%s", err.msg);
	/* the link and its target untouched */
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 17);
	free(target);
	free(path);
}
END_TEST

START_TEST(path_sources)
{
	char *p;

	setenv("HOME", "/home/someone", 1);
	p = rc_path();
	ck_assert_str_eq(p, "/home/someone/.config/pagetop/pagetoprc");
	free(p);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = rc_path();
	ck_assert_str_eq(p, "/xdg/pagetop/pagetoprc");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

/* As root under sudo, and after --drop-privileges. */
START_TEST(path_sudo_user)
{
	struct passwd *pw = getpwuid(65534);
	char *p, *want;

	ck_assert_msg(pw != NULL, "no user 65534 in the passwd database");
	setenv("HOME", "/home/someone", 1);
	/* sudo: the invoking user's home, not root's */
	setenv("SUDO_UID", "65534", 1);
	want = xasprintf("%s/.config/pagetop/pagetoprc", pw->pw_dir);
	p = rc_path();
	ck_assert_str_eq(p, want);
	free(p);
	free(want);
	/* a kept XDG_CONFIG_HOME wins */
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = rc_path();
	ck_assert_str_eq(p, "/xdg/pagetop/pagetoprc");
	free(p);
	/* nonsense is ignored */
	unsetenv("XDG_CONFIG_HOME");
	setenv("SUDO_UID", "0", 1);
	p = rc_path();
	ck_assert_str_eq(p, "/home/someone/.config/pagetop/pagetoprc");
	free(p);
	/* --drop-privileges made this process the sudo user: still their file */
	{
		pid_t pid;
		int status;

		setenv("SUDO_UID", "65534", 1);
		pid = fork();
		ck_assert(pid >= 0);
		if (pid == 0) {
			char *w = xasprintf("%s/.config/pagetop/pagetoprc", pw->pw_dir);
			int ok;

			if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(3);
			p = rc_path();
			ok = p && strcmp(p, w) == 0;
			free(p);
			free(w);
			_exit(ok ? 0 : 4);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x",
			      status);
		unsetenv("SUDO_UID");
	}
	/* --drop-privileges made root nobody (no SUDO_UID): root's HOME, or an
	 * XDG_CONFIG_HOME of root's, is no settings file of nobody's */
	{
		pid_t pid;
		int status;

		ck_assert_int_eq(chown(tmp_root, 0, 0), 0);
		pid = fork();
		ck_assert(pid >= 0);
		if (pid == 0) {
			setenv("HOME", tmp_root, 1);
			if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(3);
			p = rc_path();
			if (p)
				_exit(4);
			setenv("XDG_CONFIG_HOME", tmp_root, 1);
			p = rc_path();
			if (p)
				_exit(5);
			_exit(0);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x",
			      status);
	}
}
END_TEST

/* Under sudo the file is written by the invoking user: it is theirs. */
START_TEST(save_as_sudo_user)
{
	char *dir = xasprintf("%s/home", tmp_root);
	char *path = xasprintf("%s/cfg/pagetoprc", dir);
	struct pt_err err;
	struct stat st;

	ck_assert_int_eq(chmod(tmp_root, 0755), 0);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	ck_assert_msg(rc_save(path, sets, 2, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_uid, 65534);
	ck_assert_int_eq(st.st_gid, 65534);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	/* a folder the user cannot write: the user's error, not root's success */
	ck_assert_int_eq(unlink(path), 0);
	{
		char *cfg = xasprintf("%s/cfg", dir);

		ck_assert_int_eq(chown(cfg, 0, 0), 0);
		free(cfg);
	}
	ck_assert_int_eq(rc_save(path, sets, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, strerror(EACCES)), "%s", err.msg);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(dir);
	free(path);
}
END_TEST

/* W over a FIFO waited for a writer for ever (the test's timeout is the deadline), over a
 * huge file read it as one line: both are refused and left as they are. */
START_TEST(save_regular_only)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct stat st;
	FILE *f;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(rc_save(path, sets, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "pagetoprc is not a regular file (a FIFO): pagetop does not replace it"),
		      "%s", err.msg);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(unlink(path), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), 1L << 30), 0);
	fclose(f);
	ck_assert_int_eq(rc_save(path, sets, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "pagetoprc is larger than 64 KiB, too large for a settings file: not rewritten"),
		      "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1L << 30);
	free(path);
}
END_TEST

/* What rc_read() gave the callback: "verb name=value;" per line. */
struct seen {
	char text[8192];
	unsigned calls;
};

static int collect(void *ctx, const struct rc_line *l, struct pt_err *err)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	(void)err;
	snprintf(s->text + len, sizeof(s->text) - len, "%s %s=%s;", l->verb, l->name, l->value);
	s->calls++;
	return 0;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Reads path; the errors all in one string. Returns rc_read()'s result. */
static int read_rc(const char *path, struct seen *s, char *errs, size_t n, struct pt_err *err)
{
	struct rc_errors e = { NULL, 0 };
	int rc;

	memset(s, 0, sizeof(*s));
	err->msg[0] = '\0';
	rc = rc_read(path, collect, s, &e, err);
	errs[0] = '\0';
	for (size_t i = 0; i < e.n; i++)
		snprintf(errs + strlen(errs), n - strlen(errs), "%s\n", e.msg[i]);
	rc_errors_free(&e);
	return rc;
}

START_TEST(read_lines)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];

	write_text(path, "# c\nset sort = score\n\nbind x quit\nnonsense here\nset group = module", 0600);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(s.text, "set sort=score;bind x=quit;set group=module;");
	ck_assert_msg(strstr(errs, "pagetoprc:5: expected 'set NAME = VALUE' or 'bind KEY ACTION', found 'nonsense here'"),
		      "%s", errs);
	/* no file: nothing to read, no error */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), 0);
	ck_assert_uint_eq(s.calls, 0);
	free(path);
}
END_TEST

/* W's values go out under the settings' names and come back, through the table, as the
 * same values; the file's other lines stay. */
START_TEST(save_values)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	static const struct { enum setting_id id; const char *text; } in[] = {
		{ SETTING_SORT, "label" }, { SETTING_INTERVAL, "0.25" },
		{ SETTING_COLUMNS, "bytes,pages" }, { SETTING_ALLOC_PATTERNS, "a* b" },
	};
	struct setting_value v[4];
	struct pt_err err;
	struct seen s;
	char errs[4096];

	write_text(path, "bind x quit\nset interval = 9\n", 0600);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(settings_parse(in[i].id, in[i].text, &v[i], SETTING_FROM_PROMPT, &err), 0);
	ck_assert_msg(rc_save_values(path, v, 4, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < 4; i++)
		settings_value_free(&v[i]);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(s.text, "bind x=quit;set interval=0.25;set sort=label:asc;"
				 "set columns=bytes,pages,label;set alloc-patterns=a* b;");
	ck_assert_str_eq(errs, "");
	free(path);
}
END_TEST

/* A link is refused without being followed: its target is not shown. */
START_TEST(read_no_symlink)
{
	char *target = xasprintf("%s/secret", tmp_root);
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];

	write_text(target, "set sort = SECRETVALUE\n", 0600);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_msg(strstr(err.msg, "pagetoprc is a symbolic link: pagetop does not read its settings through symbolic links"),
		      "%s", err.msg);
	ck_assert_ptr_null(strstr(err.msg, "SECRET"));
	ck_assert_ptr_null(strstr(err.msg, "secret"));
	/* /dev/zero behind a link: the same, at once */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("/dev/zero", path), 0);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_msg(strstr(err.msg, "is a symbolic link"), "%s", err.msg);
	free(target);
	free(path);
}
END_TEST

/* A FIFO, a folder, a device: only a regular file is read. A FIFO without a writer made
 * the open wait for ever (the test's timeout is the deadline). */
START_TEST(read_regular_only)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_msg(strstr(err.msg, "pagetoprc is not a regular file (a FIFO): pagetop reads its settings only from a regular file"),
		      "%s", err.msg);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_msg(strstr(err.msg, "is not a regular file (a folder)"), "%s", err.msg);
	ck_assert_int_eq(rmdir(path), 0);
	if (getuid() == 0) {
		/* /dev/zero itself at the name, not a link to it */
		ck_assert_int_eq(mknod(path, S_IFCHR | 0600, makedev(1, 5)), 0);
		ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
		ck_assert_msg(strstr(err.msg, "is not a regular file (a device)"), "%s", err.msg);
	}
	ck_assert_uint_eq(s.calls, 0);
	free(path);
}
END_TEST

/* More than 64 KiB is no settings file: refused whole, unread. */
START_TEST(read_size_cap)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];
	FILE *f;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("set sort = SECRETVALUE\n", f);
	ck_assert_int_eq(ftruncate(fileno(f), 1L << 30), 0); /* 1 GiB of zeros, sparse */
	fclose(f);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_msg(strstr(err.msg, "pagetoprc is larger than 64 KiB, too large for a settings file: not read"),
		      "%s", err.msg);
	ck_assert_ptr_null(strstr(err.msg, "SECRET"));
	/* 64 KiB exactly is read */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("set sort = score\n", f);
	for (long i = 17; i < 65536; i++)
		fputc(i % 64 == 63 ? '\n' : '#', f);
	fclose(f);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(s.text, "set sort=score;");
	free(path);
}
END_TEST

/* A line of more than 4 KiB (or with a NUL byte) is skipped, unshown; the lines around
 * it are read. */
START_TEST(read_line_cap)
{
	char *path = xasprintf("%s/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("set sort = score\nset group = ", f);
	for (int i = 0; i < 5000; i++)
		fputc('X', f);
	fputs("\nbind x quit\nset threshold = 1", f);
	fputc('\0', f);
	fputs("XX\nset interval = 3\n", f);
	for (int i = 0; i < 4095; i++) /* 4095 bytes and the newline: the longest line */
		fputc('#', f);
	fputs("\nset columns = pages", f);
	fclose(f);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(s.text, "set sort=score;bind x=quit;set interval=3;set columns=pages;");
	ck_assert_msg(strstr(errs, "pagetoprc:2: a line longer than 4 KiB: not a settings line; shorten or remove it\n"),
		      "%s", errs);
	ck_assert_msg(strstr(errs, "pagetoprc:4: a NUL byte: not a settings line; remove it\n"), "%s", errs);
	ck_assert_ptr_null(strstr(errs, "XX"));
	ck_assert_ptr_null(strstr(errs, ":6:"));
	free(path);
}
END_TEST

/* Under sudo the file is read by the invoking user: a folder link in their settings to a
 * file only root can read shows nothing of it. */
START_TEST(read_as_sudo_user)
{
	char *rootonly = xasprintf("%s/rootonly", tmp_root);
	char *secret = xasprintf("%s/rootonly/pagetoprc", tmp_root);
	char *home = xasprintf("%s/home", tmp_root);
	char *link = xasprintf("%s/home/pagetop", tmp_root);
	char *path = xasprintf("%s/home/pagetop/pagetoprc", tmp_root);
	char *mine = xasprintf("%s/home/mine", tmp_root);
	char *minerc = xasprintf("%s/home/mine/pagetoprc", tmp_root);
	struct pt_err err;
	struct seen s;
	char errs[4096];

	ck_assert_int_eq(chmod(tmp_root, 0755), 0);
	ck_assert_int_eq(mkdir(rootonly, 0755), 0);
	write_text(secret, "set sort = SECRETVALUE\n", 0600);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	ck_assert_int_eq(chown(home, 65534, 65534), 0);
	ck_assert_int_eq(symlink(rootonly, link), 0);
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	ck_assert_int_eq(read_rc(path, &s, errs, sizeof(errs), &err), -1);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_msg(strstr(err.msg, "cannot read ") && strstr(err.msg, "as user 65534") &&
		      strstr(err.msg, strerror(EACCES)), "%s", err.msg);
	ck_assert_ptr_null(strstr(err.msg, "SECRET"));
	/* the user's own file is read as usual */
	ck_assert_int_eq(mkdir(mine, 0700), 0);
	write_text(minerc, "set sort = score\n", 0600);
	ck_assert_int_eq(chown(mine, 65534, 65534), 0);
	ck_assert_int_eq(chown(minerc, 65534, 65534), 0);
	ck_assert_int_eq(read_rc(minerc, &s, errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(s.text, "set sort=score;");
	free(rootonly);
	free(secret);
	free(home);
	free(link);
	free(path);
	free(mine);
	free(minerc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rcfile");
	TCase *tc = tcase_create("rcfile");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, save_mode_0600);
	tcase_add_test(tc, save_no_symlink);
	tcase_add_test(tc, path_sources);
	tcase_add_test(tc, save_regular_only);
	tcase_add_test(tc, read_lines);
	tcase_add_test(tc, save_values);
	tcase_add_test(tc, read_no_symlink);
	tcase_add_test(tc, read_regular_only);
	tcase_add_test(tc, read_size_cap);
	tcase_add_test(tc, read_line_cap);
	if (test_require_root("files of another user's, as under sudo")) {
		tcase_add_test(tc, path_sudo_user);
		tcase_add_test(tc, save_as_sudo_user);
		tcase_add_test(tc, read_as_sudo_user);
	}
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return test_exit_status(failed);
}
