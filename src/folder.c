/* folder.c - a folder of saved snapshots as a time series.
 *
 * Users save snapshots in a loop (cat show_stacks > snap.$i). Files are grouped by stem:
 * NAME.show_stacks, NAME.show_handles and NAME.show_stacks_handles of one moment belong
 * together (compressed .gz/.xz too). Samples are ordered by name (version order, so
 * snap.9 comes before snap.10). A sample's time comes from NAME.uptime when present,
 * else from a numeric name (seconds) or an ISO date in the name, else from the mtime. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snapset.h"

enum role { R_OTHER, R_SHOW_STACKS, R_HANDLES, R_STACKS_HANDLES, R_PAGE_OWNER, R_PROPOSAL };

static const struct {
	const char *suffix;
	enum role role;
} suffixes[] = {
	/* longest first: .show_stacks_handles before .show_stacks */
	{ ".show_stacks_handles", R_STACKS_HANDLES },
	{ ".show_handles", R_HANDLES },
	{ ".show_stacks", R_SHOW_STACKS },
	{ ".page_owner_stacks", R_PROPOSAL },
	{ ".page_owner", R_PAGE_OWNER },
};

/* Files that describe the folder rather than a moment. */
static int is_meta_file(const char *name)
{
	static const char *const names[] = { "kernel-release", "page-size", "kernel-notes.bin",
					     "count_threshold-after" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	if (strncmp(name, "README", 6) == 0)
		return 1;
	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		return 1;
	if (n > 7 && strcmp(name + n - 7, ".uptime") == 0)
		return 1;
	return 0;
}

struct entry {
	char *stem;
	char *file[6]; /* by role */
};

static int cmp_entry(const void *a, const void *b)
{
	return strverscmp(((const struct entry *)a)->stem, ((const struct entry *)b)->stem);
}

/* A small file of the folder, without its trailing white space; NULL when it is not a
 * regular file (a named pipe would block), a symbolic link (it would say what another
 * file holds, and the folder may come from anywhere) or empty. *len: its length (NUL
 * bytes may be in it), when len is not NULL. */
static char *read_small(const char *dir, const char *name, size_t *len)
{
	char path[4096], buf[256];
	struct stat st;
	ssize_t got;
	size_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			diag_warn(_("%s: not read: a symbolic link (only the folder's own file is read)"),
				  path);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	while (n < sizeof(buf) - 1 && (got = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (len)
		*len = n;
	return n ? xstrndup(buf, n) : NULL;
}

/* Time from a name: an ISO date anywhere in it, or a number (seconds; since the epoch
 * when large) after the last separator. */
static int time_from_name(const char *stem, double *t, int *abs)
{
	static const char *const isofmt[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d_%H:%M:%S", "%Y-%m-%d %H:%M:%S",
		"%Y%m%d-%H%M%S", "%Y%m%dT%H%M%S", "%Y%m%d_%H%M%S",
	};
	const char *p = stem;
	char *end;

	for (const char *c = stem; *c; c++) {
		if (!isdigit((unsigned char)*c) || (c > stem && isdigit((unsigned char)c[-1])))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(isofmt); i++) {
			struct tm tm;

			memset(&tm, 0, sizeof(tm));
			end = strptime(c, isofmt[i], &tm);
			if (end && !isdigit((unsigned char)*end) && tm.tm_year >= 70) {
				*t = (double)timegm(&tm);
				*abs = 1;
				return 0;
			}
		}
	}
	for (const char *c = stem; *c; c++)
		if ((*c == '.' || *c == '_' || *c == '-') && isdigit((unsigned char)c[1]))
			p = c + 1;
	if (isdigit((unsigned char)*p)) {
		double v = strtod_c(p, &end);

		if (*end == '\0') {
			*t = v;
			*abs = v >= 1e9;
			return 0;
		}
	}
	return -1;
}

int source_open_folder(struct source *s, const char *dir, const struct source_opts *o,
		       struct pt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct entry *ents = NULL;
	size_t n = 0, cap = 0, skipped = 0, rl = 0;
	struct snapset *se;
	char *ps;

	if (!d) {
		pt_err_set(err, _("%s: cannot open the folder: %s"), dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char name[512], *stem;
		size_t len;
		enum role role = R_OTHER;
		struct entry *e = NULL;

		if (de->d_name[0] == '.' || is_meta_file(de->d_name))
			continue;
		{
			/* only regular files: a named pipe would block, a folder is no moment */
			char *full = xasprintf("%s/%s", dir, de->d_name);
			struct stat st;
			int ok = stat(full, &st) == 0;

			if (!ok)
				diag_warn(_("%s: skipped: %s"), full, strerror(errno));
			else if (!S_ISREG(st.st_mode))
				diag_warn(_("%s: skipped: not a regular file"), full);
			free(full);
			if (!ok || !S_ISREG(st.st_mode))
				continue;
		}
		len = strlen(de->d_name);
		if (len >= sizeof(name))
			continue;
		memcpy(name, de->d_name, len + 1);
		if (len > 3 && (strcmp(name + len - 3, ".gz") == 0 || strcmp(name + len - 3, ".xz") == 0))
			name[len -= 3] = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
			size_t sl = strlen(suffixes[i].suffix);

			if (len > sl && strcmp(name + len - sl, suffixes[i].suffix) == 0) {
				role = suffixes[i].role;
				name[len - sl] = '\0';
				break;
			}
		}
		stem = name;
		for (size_t i = 0; i < n; i++)
			if (strcmp(ents[i].stem, stem) == 0) {
				e = &ents[i];
				break;
			}
		if (!e || role == R_OTHER) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				ents = xreallocarray(ents, cap, sizeof(*ents));
			}
			e = &ents[n++];
			memset(e, 0, sizeof(*e));
			e->stem = xstrdup(stem);
		}
		if (e->file[role]) {
			pt_err_set(err, _("%s: two files for the same moment: %s and %s"), dir,
				   e->file[role], de->d_name);
			closedir(d);
			goto fail;
		}
		e->file[role] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(ents, n, sizeof(*ents), cmp_entry);

	se = xcalloc(1, sizeof(*se));
	se->name = xstrdup(dir);
	se->release = read_small(dir, "kernel-release", &rl);
	if (se->release && !release_ok(se->release, rl)) {
		/* it becomes part of the debug info's paths: only what uname -r prints */
		char q[300];

		diag_warn(_("%s/kernel-release:1: kernel-release '%s' is not a kernel release; ignored"),
			  dir, quote_value(se->release, rl, q, sizeof(q)));
		free(se->release);
		se->release = NULL;
	}
	ps = read_small(dir, "page-size", NULL);
	if (ps) {
		se->page_size = strtol(ps, NULL, 10);
		if (se->page_size < 512 || se->page_size > (1 << 24))
			se->page_size = 0;
		free(ps);
	}
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &ents[i];
		const char *stacks = NULL, *handles = NULL;
		enum pfmt fmt = PF_UNKNOWN;
		double t = 0;
		int abs = 0;
		char *up;

		if (e->file[R_SHOW_STACKS]) {
			stacks = e->file[R_SHOW_STACKS];
			fmt = PF_SHOW_STACKS;
		} else if (e->file[R_HANDLES] && e->file[R_STACKS_HANDLES]) {
			stacks = e->file[R_STACKS_HANDLES];
			handles = e->file[R_HANDLES];
			fmt = PF_HANDLES;
		} else if (e->file[R_PROPOSAL]) {
			stacks = e->file[R_PROPOSAL];
			fmt = PF_PROPOSAL;
		} else if (e->file[R_PAGE_OWNER]) {
			stacks = e->file[R_PAGE_OWNER];
			fmt = PF_PAGE_OWNER;
		} else if (e->file[R_OTHER]) {
			struct pt_err perr;

			fmt = snapset_peek_format(e->file[R_OTHER], &perr);
			if ((int)fmt < 0) {
				snprintf(err->msg, sizeof(err->msg), "%s", perr.msg);
				snapset_free(se);
				goto fail;
			}
			if (fmt == PF_UNKNOWN || fmt == PF_RECORDING || fmt == PF_HANDLES ||
			    fmt == PF_STACKS_HANDLES) {
				diag_warn(_("%s: skipped: not a snapshot pagetop can read on its own"),
					  e->file[R_OTHER]);
				skipped++;
				continue;
			}
			stacks = e->file[R_OTHER];
		} else {
			diag_warn(_("%s/%s: skipped: show_handles and show_stacks_handles must come together"),
				  dir, e->stem);
			skipped++;
			continue;
		}
		up = xasprintf("%s.uptime", e->stem);
		{
			char *u = read_small(dir, up, NULL);

			if (u) {
				t = strtod_c(u, NULL);
				abs = 0;
				free(u);
			} else if (time_from_name(e->stem, &t, &abs) < 0) {
				struct stat st;

				t = stat(stacks, &st) == 0 ?
					(double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9 : 0;
				abs = 1;
			}
		}
		free(up);
		snapset_add(se, stacks, handles, fmt, t, abs);
	}
	/* One interface per series: a per-block dump saved beside show_stacks files is not
	 * a moment of the same series. Keep the kind most moments have. */
	if (se->n > 1) {
		size_t cnt[PF_RECORDING + 1] = { 0 }, w = 0;
		enum pfmt best = se->v[0].fmt;

		for (size_t i = 0; i < se->n; i++)
			cnt[se->v[i].fmt]++;
		for (int f = 0; f <= PF_RECORDING; f++)
			if (cnt[f] > cnt[best])
				best = (enum pfmt)f;
		for (size_t i = 0; i < se->n; i++) {
			if (se->v[i].fmt != best) {
				diag_warn(_("%s: skipped: a %s snapshot among %s ones"), se->v[i].stacks,
					  pfmt_name(se->v[i].fmt), pfmt_name(best));
				free(se->v[i].stacks);
				free(se->v[i].handles);
				continue;
			}
			se->v[w++] = se->v[i];
		}
		se->n = w;
	}
	if (se->n == 0) {
		pt_err_set(err, _("%s: expected snapshot files (show_stacks, show_handles with show_stacks_handles, page_owner), found none"),
			   dir);
		snapset_free(se);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		free(ents[i].stem);
		for (int r = 0; r < 6; r++)
			free(ents[i].file[r]);
	}
	free(ents);
	(void)skipped;
	return snapset_start(s, se, "folder", o, err);
fail:
	for (size_t i = 0; i < n; i++) {
		free(ents[i].stem);
		for (int r = 0; r < 6; r++)
			free(ents[i].file[r]);
	}
	free(ents);
	return -1;
}
