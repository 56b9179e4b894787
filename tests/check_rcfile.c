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
#include <sys/wait.h>
#include <unistd.h>

#include "rcfile.h"
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
	if (getuid() == 0) {
		struct passwd *pw = getpwuid(65534);
		char *want;

		if (!pw)
			return;
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
}
END_TEST

/* Under sudo the file is written by the invoking user: it is theirs. */
START_TEST(save_as_sudo_user)
{
	char *dir = xasprintf("%s/home", tmp_root);
	char *path = xasprintf("%s/cfg/pagetoprc", dir);
	struct pt_err err;
	struct stat st;

	if (getuid() != 0)
		return;
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
	tcase_add_test(tc, save_as_sudo_user);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
