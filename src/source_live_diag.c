/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live_diag.c - which page_owner interface the live kernel has, and when it has
 * none, why: the preconditions (root, debugfs mounted, page_owner built in and enabled,
 * lockdown; README.md) with one message each that says what to do.
 *
 * Test hooks (source_live.h): PAGETOP_DEBUGFS_MOUNTED, PAGETOP_KCONFIG,
 * PAGETOP_CMDLINE, PAGETOP_IFACE. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "reader.h"
#include "source_live_int.h"
#include "util.h"

static int is_mount_point(const char *dir, const struct stat *st)
{
	const char *env = getenv("PAGETOP_DEBUGFS_MOUNTED");
	struct stat pst;
	char *parent;
	int r;

	if (env && *env)
		return strcmp(env, "0") != 0;
	parent = xasprintf("%s/..", dir);
	r = stat(parent, &pst);
	free(parent);
	if (r < 0)
		return 1; /* cannot tell: let the lookups below speak */
	return pst.st_dev != st->st_dev || pst.st_ino == st->st_ino;
}

/* 1: CONFIG_PAGE_OWNER=y, 0: not set, -1: unknown. */
static int kconfig_page_owner(void)
{
	const char *env = getenv("PAGETOP_KCONFIG");
	const char *paths[2];
	char boot[PATH_MAX], release[256];
	size_t np = 0;

	if (env && *env) {
		paths[np++] = env;
	} else {
		paths[np++] = "/proc/config.gz";
		if (host_kernel_release(release, sizeof(release)) == 0) {
			snprintf(boot, sizeof(boot), "/boot/config-%s", release);
			paths[np++] = boot;
		}
	}
	for (size_t i = 0; i < np; i++) {
		struct reader *r;
		struct pt_err e;
		const char *line;
		size_t n;
		int rc, found = -1;

		if (access(paths[i], R_OK) < 0 || reader_open_path(&r, paths[i], &e) < 0)
			continue;
		while ((rc = reader_line(r, &line, &n, &e)) > 0) {
			if (n == 19 && memcmp(line, "CONFIG_PAGE_OWNER=y", 19) == 0) {
				found = 1;
				break;
			}
			if (n == 31 && memcmp(line, "# CONFIG_PAGE_OWNER is not set", 30) == 0) {
				found = 0;
				break;
			}
		}
		reader_close(r);
		if (found >= 0)
			return found;
		if (rc == 0)
			return 0; /* a readable config without the option: not built in */
	}
	return -1;
}

/* 1: page_owner=on was given at boot, 0: it was not, -1: unknown. */
static int cmdline_page_owner_on(void)
{
	const char *env = getenv("PAGETOP_CMDLINE");
	char buf[4096];
	ssize_t n;
	int fd = open(env && *env ? env : "/proc/cmdline", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (char *tok = strtok(buf, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
		if (strcmp(tok, "page_owner=on") == 0)
			return 1;
	return 0;
}

static void say_missing(struct pt_err *err)
{
	int cfg = kconfig_page_owner();
	int on = cmdline_page_owner_on();

	if (cfg == 0 || (cfg < 0 && on == 1))
		pt_err_set(err, "%s", _("this kernel has no page_owner support (CONFIG_PAGE_OWNER)"));
	else if (cfg == 1)
		pt_err_set(err, "%s", _("page_owner is built in but disabled: boot with page_owner=on"));
	else
		pt_err_set(err, "%s",
			   _("page_owner is disabled or not built in: boot with page_owner=on (the kernel needs CONFIG_PAGE_OWNER=y)"));
}

static void say_not_mounted(const char *dir, struct pt_err *err)
{
	pt_err_set(err, _("debugfs is not mounted at %s: mount -t debugfs none %s"), dir, dir);
}

void live_say_access(const char *path, int e, struct pt_err *err)
{
	if (e == EACCES)
		pt_err_set(err, _("permission denied reading %s: run as root"), path);
	else if (e == EPERM)
		pt_err_set(err, _("kernel lockdown refuses %s: lockdown allows only the read-only show_* files of page_owner_stacks (Linux 6.9+)"),
			   path);
	else if (e == EPIPE) /* only requests to the helper fail so */
		pt_err_set(err, _("cannot open %s: the privileged helper of --drop-privileges has exited; restart pagetop"),
			   path);
	else if (e == ETIMEDOUT) /* and so */
		pt_err_set(err, _("cannot open %s: the privileged helper of --drop-privileges does not answer; restart pagetop"),
			   path);
	else if (e == ELOOP || e == EXDEV)
		pt_err_set(err, _("cannot open %s: it is a link or leaves the debugfs folder, which the privileged helper refuses"),
			   path);
	else
		pt_err_set(err, _("cannot read %s: %s"), path, strerror(e));
}

static const char *const iface_env_names[] = {
	[IFACE_HANDLES] = "handles", [IFACE_SHOW_STACKS] = "show_stacks",
	[IFACE_PROPOSAL] = "proposal", [IFACE_PAGE_OWNER] = "page_owner",
};

/* The interface PAGETOP_IFACE names, IFACE_NONE when it is not set; -1 with err when it
 * names none. */
static int iface_wanted(struct pt_err *err)
{
	const char *force = getenv("PAGETOP_IFACE");

	if (!force || !*force)
		return IFACE_NONE;
	for (size_t i = 1; i < ARRAY_SIZE(iface_env_names); i++)
		if (strcmp(force, iface_env_names[i]) == 0)
			return (int)i;
	pt_err_set(err, _("PAGETOP_IFACE=%s: expected handles, show_stacks, proposal or page_owner"),
		   force);
	return -1;
}

/* The best interface of the files there are (have[]), or the one wanted when it is
 * there. */
static enum pt_iface iface_best(const int *have, enum pt_iface want)
{
	if (have[PSF_HANDLES] && have[PSF_STACKS_HANDLES] && (!want || want == IFACE_HANDLES))
		return IFACE_HANDLES;
	if (have[PSF_STACKS] && (!want || want == IFACE_SHOW_STACKS))
		return IFACE_SHOW_STACKS;
	if (have[PSF_PROPOSAL] && (!want || want == IFACE_PROPOSAL))
		return IFACE_PROPOSAL;
	if (have[PSF_PAGE_OWNER] && (!want || want == IFACE_PAGE_OWNER))
		return IFACE_PAGE_OWNER;
	return IFACE_NONE;
}

enum pt_iface live_detect(const char *dir, char *const path[PSF__N], struct pt_err *err,
			  int *absent)
{
	struct stat st, fst;
	int have[PSF_DATA_N] = { 0 }, denied = 0, want;
	const char *denied_path = NULL;
	enum pt_iface iface;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			say_not_mounted(dir, err);
		else
			live_say_access(dir, errno, err);
		return IFACE_NONE;
	}
	if (!S_ISDIR(st.st_mode)) {
		pt_err_set(err, _("%s is not a folder: give the debugfs mount point"), dir);
		return IFACE_NONE;
	}
	for (int i = 0; i < PSF_DATA_N; i++) {
		if (stat(path[i], &fst) == 0) {
			have[i] = i == PSF_PROPOSAL ? S_ISREG(fst.st_mode) || S_ISFIFO(fst.st_mode)
						    : !S_ISDIR(fst.st_mode);
		} else if (errno == EACCES && !denied) {
			denied = 1;
			denied_path = path[i];
		}
	}
	want = iface_wanted(err);
	if (want < 0)
		return IFACE_NONE;
	iface = iface_best(have, (enum pt_iface)want);
	if (iface != IFACE_NONE)
		return iface;
	/* none: the one reason, the first that applies */
	if (want && (have[PSF_HANDLES] || have[PSF_STACKS] || have[PSF_PROPOSAL] ||
		     have[PSF_PAGE_OWNER]))
		pt_err_set(err, _("the %s interface is not available under %s"),
			   getenv("PAGETOP_IFACE"), dir);
	else if (!is_mount_point(dir, &st))
		say_not_mounted(dir, err);
	else if (denied)
		/* name the folder that refuses (debugfs's root is 0700), not a file in it */
		live_say_access(access(dir, X_OK) < 0 && errno == EACCES ? dir : denied_path,
				EACCES, err);
	else {
		say_missing(err);
		*absent = 1;
	}
	return IFACE_NONE;
}

void live_say_allocinfo_missing(const char *path, struct pt_err *err)
{
	pt_err_set(err, _("%s is not there: this kernel has no memory allocation profiling (CONFIG_MEM_ALLOC_PROFILING, Linux 6.10+)"),
		   path);
}

void live_check_mem_profiling(const char *proc)
{
	char *path = xasprintf("%s/sys/vm/mem_profiling", proc);
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0 && buf[0] == '0' && (n == 1 || buf[1] == '\n'))
			diag_warn(_("memory allocation profiling is off (%s is 0): turn it on with sysctl vm.mem_profiling=1; allocations made before that are not counted"),
				  path);
	}
	free(path);
}
