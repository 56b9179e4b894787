/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_attrib.c - pagetop -b with the per-block dump's attribution keys and selection
 * (--group pid/comm/memcg/..., --pid, --tgid, --comm, --older-than): reads the samples
 * into the model, and prints each one's blocks by those keys (output_attrib.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd_attrib.h"
#include "gettext.h"
#include "output_attrib.h"

#define _(s) gettext(s)

/* A file's stem as a folder of snapshots names it: NAME of NAME.page_owner.xz. */
static char *stem_of(const char *path)
{
	static const char *const exts[] = { ".xz", ".gz", ".zst", ".page_owner", ".txt" };
	char *s = xstrdup(path);
	size_t n = strlen(s);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t k = strlen(exts[i]);

		if (n > k && strcmp(s + n - k, exts[i]) == 0)
			s[n -= k] = '\0';
	}
	return s;
}

/* The read's time of a saved dump: NAME.uptime beside NAME.page_owner (as in a folder of
 * snapshots), else a file uptime beside it (a folder's: path is a name in it). 1 found
 * (*secs), 0 none, -1 a bad one (said). */
static int uptime_beside(const char *path, double *secs)
{
	const char *slash = strrchr(path, '/');
	char *stem = stem_of(path), *files[2];
	struct pt_err err;
	int rc = 0;

	files[0] = xasprintf("%s.uptime", stem);
	files[1] = slash ? xasprintf("%.*s/uptime", (int)(slash - path), path) : xstrdup("uptime");
	for (int i = 0; i < 2 && !rc; i++) {
		if (access(files[i], F_OK) != 0)
			continue;
		rc = attr_read_uptime(files[i], secs, &err) == 0 ? 1 : -1;
		if (rc < 0)
			msg_print(err.msg);
	}
	free(files[0]);
	free(files[1]);
	free(stem);
	return rc;
}

/* A folder whose snapshots have NAME.uptime files: its samples' times are those. */
static int folder_has_uptimes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		found = n > 7 && strcmp(e->d_name + n - 7, ".uptime") == 0;
	}
	if (d)
		closedir(d);
	return found;
}

/* The clock the kernel's ts counts on, in the realtime clock's seconds: when it
 * booted. -1 unknown. */
static double boot_time(void)
{
	struct timespec ts;
	struct pt_err err;
	const char *path = getenv("PAGETOP_UPTIME"); /* tests: a file for /proc/uptime */
	double up;

	if (attr_read_uptime(path && *path ? path : "/proc/uptime", &up, &err) < 0 ||
	    clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - up;
}

double attrib_boot_of(const char *const *paths, size_t npaths)
{
	struct stat sb;

	double up;

	if (!npaths)
		return boot_time();
	if (npaths != 1 || stat(paths[0], &sb) != 0)
		return -1;
	if (S_ISDIR(sb.st_mode))
		return folder_has_uptimes(paths[0]) ? 0 : -1;
	/* a saved dump's time is its file's; the uptime file beside it, the read's */
	if (S_ISREG(sb.st_mode) && uptime_beside(paths[0], &up) == 1)
		return (double)sb.st_mtim.tv_sec + (double)sb.st_mtim.tv_nsec / 1e9 - up;
	return -1;
}

int attrib_check_opts(const struct attrib_opts *ao, const struct out_opts *oo, int batch,
		      int tree, int gate, struct pt_err *err)
{
	if (!attrib_opts_active(ao))
		return 0;
	if (batch && oo->format != OUT_TEXT && oo->format != OUT_CSV && oo->format != OUT_JSON) {
		pt_err_set(err, _("--group by task, cgroup or block, and --pid, --tgid, --comm, --older-than: with --format text, csv or json only"));
		return -1;
	}
	if (tree || gate) {
		pt_err_set(err, _("--group by task, cgroup or block, and --pid, --tgid, --comm, --older-than: not with --tree or --fail-if"));
		return -1;
	}
	return 0;
}

int attrib_clock(struct source *src, const struct attrib_opts *ao, const char *path,
		 struct attr_clock *c)
{
	struct stat sb;
	int rc = 0;

	c->now = ao->now;
	c->boot = -1;
	c->folder = 0;
	if (ao->now >= 0)
		return 0;
	if (source_meta(src)->boot_known) { /* a recording that has it */
		c->boot = source_meta(src)->boot_time;
	} else if (strcmp(source_meta(src)->kind ? source_meta(src)->kind : "", "live") == 0) {
		c->boot = boot_time();
	} else if (path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		char *in = xasprintf("%s/x", path); /* its uptime file, when it has one */

		c->folder = folder_has_uptimes(path);
		if (!c->folder && uptime_beside(in, &c->now) < 0)
			rc = -1;
		free(in);
	} else if (path && strcmp(path, "-") != 0 && uptime_beside(path, &c->now) < 0) {
		rc = -1;
	}
	return rc;
}

int attrib_run(struct source *src, struct model *m, const struct attrib_opts *ao,
	       const struct out_opts *oo, const char *path, long iterations, int only_last,
	       long *nread)
{
	struct sink sink = model_sink(m);
	struct attrib *a = attrib_new(m);
	struct attr_clock clock = { ao->now, -1, 0 };
	struct attr_view v;
	struct pt_err err;
	long n = 0;
	int rc = 0, started = 0;

	attr_view_init(&v);
	/* the read's time, when the age of blocks is asked for */
	if (ao->keys[0] == AK_AGE || ao->keys[1] == AK_AGE || ao->older_than >= 0)
		rc = attrib_clock(src, ao, path, &clock) < 0;
	while (rc == 0 && !(iterations > 0 && n >= iterations)) {
		enum src_status st = source_next(src, &sink, -1, &err);
		double now;

		if (st == SRC_ERROR) {
			msg_print(err.msg);
			rc = 1;
			break;
		}
		if (st == SRC_END)
			break;
		if (st == SRC_TIMEOUT)
			continue;
		n++;
		*nread = n;
		if (only_last && n < iterations)
			continue;
		/* pages without blocks: not the per-block dump (standard input's description
		 * may be of another format before the input is seen) */
		if (!attrib_nblocks(a) && model_total_pages(m) > 0) {
			const struct source_meta *mt = source_meta(src);

			if (mt->iface == IFACE_PAGE_OWNER) /* a recording of a dump */
				pt_err_set(&err, _("%s: --group by task, cgroup or block, and --pid, --tgid, --comm, --older-than need the blocks of the per-block dump: this recording was made before recordings kept them and has only its stacks; give the dump itself"),
					   mt->name ? mt->name : "");
			else
				pt_err_set(&err, _("%s: --group by task, cgroup or block, and --pid, --tgid, --comm, --older-than need the per-block page_owner dump, found %s"),
					   mt->name ? mt->name : "", iface_name(mt->iface));
			msg_print(err.msg);
			rc = 1;
			break;
		}
		now = attr_clock_now(&clock, m);
		if (attrib_view(a, ao, now, oo->limit, &v, &err) < 0) {
			msg_print(err.msg);
			rc = 1;
			break;
		}
		if (!started) {
			started = 1;
			if (output_attrib_begin(stdout, oo) < 0)
				goto write_error;
		}
		if (output_attrib(stdout, m, ao, &v, oo, now) < 0)
			goto write_error;
	}
	attr_view_free(&v);
	attrib_free(a);
	return rc;
write_error:
	attr_view_free(&v);
	attrib_free(a);
	if (errno == EPIPE)
		return rc;
	fprintf(stderr, _("pagetop: cannot write the output: %s\n"), strerror(errno));
	return 1;
}
