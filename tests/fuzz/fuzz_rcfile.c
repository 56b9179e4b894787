/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_rcfile.c - the UI's configuration file: rc_read() on the input, then rc_save() of
 * two settings over it and rc_read() again, which must see exactly the saved values (the
 * promise of rc_save: set lines replaced in place, everything else kept). */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "settings_file.h"

struct seen {
	unsigned lines, last_lineno;
	int sort_seen, group_seen;
	char sort[64], group[64];
};

static int on_line(void *ctx, const struct rc_line *l, struct pt_err *err)
{
	struct seen *s = ctx;

	FUZZ_CHECK(l->verb && l->name && l->value);
	FUZZ_CHECK(strcmp(l->verb, "set") == 0 || strcmp(l->verb, "bind") == 0);
	FUZZ_CHECK(*l->name && *l->value);
	FUZZ_CHECK(!strpbrk(l->name, " \t"));
	FUZZ_CHECK(l->lineno > s->last_lineno);
	s->last_lineno = l->lineno;
	s->lines++;
	if (strcmp(l->verb, "set") == 0 && strcmp(l->name, "sort") == 0) {
		snprintf(s->sort, sizeof(s->sort), "%s", l->value);
		s->sort_seen++;
	}
	if (strcmp(l->verb, "set") == 0 && strcmp(l->name, "group") == 0) {
		snprintf(s->group, sizeof(s->group), "%s", l->value);
		s->group_seen++;
	}
	/* some settings are refused, as the UI refuses bad values */
	if (strcmp(l->name, "bad") == 0) {
		pt_err_set(err, "bad setting");
		return -1;
	}
	return 0;
}

static char *dir;

static void cleanup(void)
{
	char *p;

	if (!dir)
		return;
	p = xasprintf("%s/pagetop/pagetoprc", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/pagetop", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	free(dir);
	dir = NULL;
}

FUZZ_TARGET(rcfile)
{
	struct rc_errors errs = { 0 };
	struct pt_err err;
	struct seen s1, s2;
	char *path;
	int fd;
	static const struct rc_set sets[] = { { "sort", "score:desc" }, { "group", "caller" } };

	fuzz_init();
	if (!dir) {
		const char *t = getenv("TMPDIR");

		dir = xasprintf("%s/pagetop-fuzz-rc.XXXXXX", t && *t ? t : "/tmp");
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		atexit(cleanup);
	}
	path = xasprintf("%s/pagetop/pagetoprc", dir);
	{
		char *d = xasprintf("%s/pagetop", dir);

		mkdir(d, 0755);
		free(d);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);

	memset(&s1, 0, sizeof(s1));
	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(rc_read(path, on_line, &s1, &errs, &err) == 0);
	for (size_t i = 0; i < errs.n; i++) {
		FUZZ_CHECK(errs.msg[i] != NULL);
		FUZZ_CHECK(strncmp(errs.msg[i], path, strlen(path)) == 0);
	}
	rc_errors_free(&errs);

	/* save over it, read it back: the saved values win, once each */
	FUZZ_CHECK(rc_save(path, sets, ARRAY_SIZE(sets), &err) == 0);
	memset(&s2, 0, sizeof(s2));
	FUZZ_CHECK(rc_read(path, on_line, &s2, &errs, &err) == 0);
	rc_errors_free(&errs);
	FUZZ_CHECK(s2.sort_seen == 1 && strcmp(s2.sort, "score:desc") == 0);
	FUZZ_CHECK(s2.group_seen == 1 && strcmp(s2.group, "caller") == 0);
	unlink(path);
	free(path);
	return 0;
}
