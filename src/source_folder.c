/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_folder.c - a folder of saved snapshots as a time series.
 *
 * Users save snapshots in a loop (cat show_stacks > snap.$i). Files are grouped by stem
 * (a hash table: folders of 100,000 files are common): NAME.show_stacks, NAME.show_handles
 * and NAME.show_stacks_handles of one moment belong together (compressed .gz/.xz too).
 * The times come from one rule for the whole folder (moment_times()), and samples are in
 * the order of their times, equal times by name (version order: snap.9 before snap.10). */
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

#include "source_series.h"

/* What a file is to its moment, from its name's suffix: a file without one is a moment
 * of its own, read by its content. */
enum file_role {
	FR_OTHER, FR_SHOW_STACKS, FR_HANDLES, FR_STACKS_HANDLES, FR_PAGE_OWNER, FR_PROPOSAL,
	FR_ALLOCINFO,
	FR__N
};

static const struct {
	const char *suffix;
	enum file_role role;
} suffixes[] = {
	/* longest first: .show_stacks_handles before .show_stacks */
	{ ".show_stacks_handles", FR_STACKS_HANDLES },
	{ ".show_handles", FR_HANDLES },
	{ ".show_stacks", FR_SHOW_STACKS },
	{ ".page_owner_stacks", FR_PROPOSAL },
	{ ".page_owner", FR_PAGE_OWNER },
	{ ".allocinfo", FR_ALLOCINFO },
};

/* Files that describe the folder rather than a moment. */
static int is_meta_file(const char *name)
{
	static const char *const names[] = { "kernel-release", "page-size", "kernel-notes.bin",
					     "count_threshold-after", "uptime" };
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
	if (n > 8 && strcmp(name + n - 8, ".meminfo") == 0)
		return 1;
	return 0;
}

/* The files of one stem (NAME of NAME.show_stacks, ...), by their role. */
struct stem_files {
	char *stem;
	char *file[FR__N];
	double mtime[FR__N];
};

static int cmp_stem(const void *a, const void *b)
{
	return strverscmp(((const struct stem_files *)a)->stem, ((const struct stem_files *)b)->stem);
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

/* Whether pagetop may read the folder's entry path: always when it is no symbolic link
 * or pagetop is not root (it then reads what its user may read anyway); as root, only
 * when the link leads to a file inside the folder: a folder from elsewhere must not
 * choose which of root's files pagetop parses (and quotes in its messages). */
static int link_stays_in(const char *dir, const char *path)
{
	char *rd, *rp;
	struct stat st;
	int in;

	if (geteuid() != 0 || lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return 1;
	rd = realpath(dir, NULL);
	rp = realpath(path, NULL);
	in = rd && rp && strncmp(rp, rd, strlen(rd)) == 0 &&
	     (rp[strlen(rd)] == '/' || strcmp(rd, "/") == 0);
	free(rd);
	free(rp);
	return in;
}

/* The seconds of a NAME.uptime file: what /proc/uptime says ("100.25 4.00"), its first
 * number, or the number alone; 0 with *t, or -1 when it is no time (time_ok()). */
static int uptime_of(const char *s, double *t)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod_c(s, &end);
	if ((*end && !isspace((unsigned char)*end)) || !time_ok(v))
		return -1;
	*t = v;
	return 0;
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
			if (end && !isdigit((unsigned char)*end) && tm.tm_year >= 70 &&
			    time_ok((double)timegm(&tm))) {
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

		if (*end == '\0' && time_ok(v)) {
			*t = v;
			*abs = v >= 1e9;
			return 0;
		}
	}
	return -1;
}

/* A moment that has a snapshot pagetop can read, and what could give its time. */
struct moment {
	const struct stem_files *e;
	size_t idx;            /* in name order: ties of time keep it */
	const char *stacks, *handles;
	double mtime;          /* of stacks */
	enum pfmt fmt;
	double t, up, name_t;
	int abs;               /* t is seconds since the epoch */
	int has_up, has_name, name_abs;
	int same_t;            /* the same time as the moment before */
};

static int cmp_moment(const void *a, const void *b)
{
	const struct moment *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* "a, b, c, ..." of the first three stems of moments with want(m) true. */
static void stems_of(const struct moment *mo, size_t n, int (*want)(const struct moment *),
		     char *buf, size_t size)
{
	size_t len = 0, k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		if (!want(&mo[i]))
			continue;
		if (k == 3) {
			snprintf(buf + len, size - len, ", ...");
			return;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "", mo[i].e->stem);
		k++;
	}
}

static int same_t(const struct moment *m)
{
	return m->same_t;
}

static int lacks_up(const struct moment *m)
{
	return !m->has_up;
}

static int lacks_name(const struct moment *m)
{
	return !m->has_name;
}

static int name_rel(const struct moment *m)
{
	return m->has_name && !m->name_abs;
}

static int name_abs(const struct moment *m)
{
	return m->has_name && m->name_abs;
}

/* The moment's snapshot, or 0 when it has none pagetop reads on its own (said); -1 with
 * err when a file cannot be read. */
static int moment_files(const char *dir, const struct stem_files *e, int allocinfo,
			struct moment *m, struct pt_err *err)
{
	enum file_role r = FR_OTHER;

	m->handles = NULL;
	if (e->file[FR_ALLOCINFO] && (allocinfo || (!e->file[FR_SHOW_STACKS] &&
			!e->file[FR_HANDLES] && !e->file[FR_PROPOSAL] && !e->file[FR_PAGE_OWNER]))) {
		/* page_owner first, when a moment has both */
		r = FR_ALLOCINFO;
		m->fmt = PF_ALLOCINFO;
	} else if (e->file[FR_SHOW_STACKS]) {
		r = FR_SHOW_STACKS;
		m->fmt = PF_SHOW_STACKS;
	} else if (e->file[FR_HANDLES] && e->file[FR_STACKS_HANDLES]) {
		r = FR_STACKS_HANDLES;
		m->handles = e->file[FR_HANDLES];
		m->fmt = PF_HANDLES;
	} else if (e->file[FR_PROPOSAL]) {
		r = FR_PROPOSAL;
		m->fmt = PF_PROPOSAL;
	} else if (e->file[FR_PAGE_OWNER]) {
		r = FR_PAGE_OWNER;
		m->fmt = PF_PAGE_OWNER;
	} else if (e->file[FR_OTHER]) {
		struct pt_err perr;

		m->fmt = parse_detect_file(e->file[FR_OTHER], &perr);
		if ((int)m->fmt < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s", perr.msg);
			return -1;
		}
		if (m->fmt == PF_UNKNOWN || m->fmt == PF_RECORDING || m->fmt == PF_HANDLES ||
		    m->fmt == PF_STACKS_HANDLES) {
			diag_warn(_("%s: skipped: not a snapshot pagetop can read on its own"),
				  e->file[FR_OTHER]);
			return 0;
		}
	} else {
		diag_warn(_("%s/%s: skipped: show_handles and show_stacks_handles must come together"),
			  dir, e->stem);
		return 0;
	}
	m->stacks = e->file[r];
	m->mtime = e->mtime[r];
	return 1;
}

/* One interface per series: a per-block dump saved beside show_stacks files is not a
 * moment of the same series. Keeps the kind most moments have; returns how many. */
static size_t keep_one_format(struct moment *mo, size_t n)
{
	size_t cnt[PF_RECORDING + 1] = { 0 }, w = 0;
	enum pfmt best;

	if (n < 2)
		return n;
	best = mo[0].fmt;
	for (size_t i = 0; i < n; i++)
		cnt[mo[i].fmt]++;
	for (int f = 0; f <= PF_RECORDING; f++)
		if (cnt[f] > cnt[best])
			best = (enum pfmt)f;
	for (size_t i = 0; i < n; i++) {
		if (mo[i].fmt != best) {
			diag_warn(_("%s: skipped: a %s snapshot among %s ones"), mo[i].stacks,
				  pfmt_name(mo[i].fmt), pfmt_name(best));
			continue;
		}
		mo[w++] = mo[i];
	}
	return w;
}

/* The folder's time axis, one rule for every moment: the NAME.uptime files when every
 * moment has one, else the names when each gives a time of the same kind (all relative
 * numbers, or all dates and epoch seconds), else the files' modification times. A rule
 * that some moments but not all could follow is said, with the moments it misses. */
static void moment_times(const char *dir, struct moment *mo, size_t n, int any_uptime)
{
	size_t nup = 0, nabs = 0, nrel = 0;
	char names[256];

	for (size_t i = 0; i < n; i++) {
		struct moment *m = &mo[i];

		if (any_uptime) {
			char *up = xasprintf("%s.uptime", m->e->stem);
			size_t ul = 0;
			char *u = read_small(dir, up, &ul);

			if (u && uptime_of(u, &m->up) == 0) {
				m->has_up = 1;
				nup++;
			} else if (u) {
				char q[300];

				diag_warn(_("%s/%s:1: expected seconds since boot (a number from 0 to 10^12, as in /proc/uptime), found '%s'; ignored"),
					  dir, up, quote_value(u, ul, q, sizeof(q)));
			}
			free(u);
			free(up);
		}
		if (time_from_name(m->e->stem, &m->name_t, &m->name_abs) == 0) {
			m->has_name = 1;
			if (m->name_abs)
				nabs++;
			else
				nrel++;
		}
	}
	if (nup == n) {
		for (size_t i = 0; i < n; i++) {
			mo[i].t = mo[i].up;
			mo[i].abs = 0;
		}
		return;
	}
	if (nabs == n || nrel == n) {
		if (nup) {
			stems_of(mo, n, lacks_up, names, sizeof(names));
			diag_warn(_("%s: %zu of %zu moments have no .uptime file (%s): every moment's time comes from its name"),
				  dir, n - nup, n, names);
		}
		for (size_t i = 0; i < n; i++) {
			mo[i].t = mo[i].name_t;
			mo[i].abs = mo[i].name_abs;
		}
		return;
	}
	if (nup) {
		stems_of(mo, n, lacks_up, names, sizeof(names));
		diag_warn(_("%s: %zu of %zu moments have no .uptime file (%s): every moment's time, and so their order, comes from its file's modification time"),
			  dir, n - nup, n, names);
	} else if (nabs + nrel < n && nabs + nrel > 0) {
		stems_of(mo, n, lacks_name, names, sizeof(names));
		diag_warn(_("%s: %zu of %zu moments have no number or date in their name (%s): every moment's time, and so their order, comes from its file's modification time"),
			  dir, n - nabs - nrel, n, names);
	} else if (nabs && nrel) {
		stems_of(mo, n, nabs < nrel ? name_abs : name_rel, names, sizeof(names));
		diag_warn(_("%s: %zu of %zu names give a date where the others give plain numbers, or the other way round (%s): every moment's time, and so their order, comes from its file's modification time"),
			  dir, nabs < nrel ? nabs : nrel, n, names);
	}
	for (size_t i = 0; i < n; i++) {
		mo[i].t = series_mtime(mo[i].stacks, mo[i].mtime);
		mo[i].abs = 1;
	}
}

/* The folder's files, grouped by stem. */
struct folder_scan {
	const char *dir;
	struct stem_files *v;
	size_t n, cap;
	struct strtab *stems;  /* the stems of the files with a suffix, */
	size_t *by_id;         /* and their entries in v, by strtab id */
	size_t by_id_cap;
	int any_uptime;        /* a NAME.uptime file is there */
	int allocinfo;         /* NAME.allocinfo before NAME.show_stacks and the like */
};

static void stems_free(struct stem_files *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].stem);
		for (int r = 0; r < FR__N; r++)
			free(v[i].file[r]);
	}
	free(v);
}

/* Whether the folder's entry name is a file to read as (a part of) a moment; *st: its
 * stat() when it is. Only regular files: a named pipe would block, a folder is no
 * moment. */
static int moment_file_ok(const char *dir, const char *name, struct stat *st)
{
	char *full = xasprintf("%s/%s", dir, name);
	int ok = stat(full, st) == 0;

	if (!ok)
		diag_warn(_("%s: skipped: %s"), full, strerror(errno));
	else if (!S_ISREG(st->st_mode))
		diag_warn(_("%s: skipped: not a regular file"), full);
	else if (!link_stays_in(dir, full)) {
		diag_warn(_("%s: skipped: a symbolic link out of the folder, and pagetop runs as root (name the file on the command line to read it)"),
			  full);
		ok = 0;
	}
	free(full);
	return ok && S_ISREG(st->st_mode);
}

/* The stem of a file name (in name, cut in place: .gz or .xz, then a suffix of
 * suffixes[]), and its role; *len: the stem's length. */
static enum file_role name_role(char *name, size_t *len)
{
	if (*len > 3 && (strcmp(name + *len - 3, ".gz") == 0 || strcmp(name + *len - 3, ".xz") == 0))
		name[*len -= 3] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t sl = strlen(suffixes[i].suffix);

		if (*len > sl && strcmp(name + *len - sl, suffixes[i].suffix) == 0) {
			name[*len -= sl] = '\0';
			return suffixes[i].role;
		}
	}
	return FR_OTHER;
}

/* The entry of the stem of a file with role: files with a suffix meet their stem's other
 * files; any other file is a moment of its own. */
static struct stem_files *stem_entry(struct folder_scan *fs, const char *stem, size_t len,
				     enum file_role role)
{
	struct stem_files *e;
	uint32_t id = 0;

	if (role != FR_OTHER) {
		uint32_t known = strtab_count(fs->stems);

		id = strtab_intern(fs->stems, stem, len);
		if (id < known)
			return &fs->v[fs->by_id[id]];
		fs->by_id = xgrow_zeroed(fs->by_id, &fs->by_id_cap, id, sizeof(*fs->by_id));
		fs->by_id[id] = fs->n;
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->v = xreallocarray(fs->v, fs->cap, sizeof(*fs->v));
	}
	e = &fs->v[fs->n++];
	memset(e, 0, sizeof(*e));
	e->stem = xstrdup(stem);
	return e;
}

/* Takes the folder's entry name into fs. Returns 0, or -1 with err when a moment has two
 * files of one role. */
static int scan_entry(struct folder_scan *fs, const char *dname, struct pt_err *err)
{
	char name[512];
	size_t len = strlen(dname);
	enum file_role role;
	struct stem_files *e;
	struct stat st;

	if (dname[0] == '.')
		return 0;
	if (is_meta_file(dname)) {
		if (len > 7 && strcmp(dname + len - 7, ".uptime") == 0)
			fs->any_uptime = 1;
		return 0;
	}
	if (!moment_file_ok(fs->dir, dname, &st) || len >= sizeof(name))
		return 0;
	memcpy(name, dname, len + 1);
	role = name_role(name, &len);
	e = stem_entry(fs, name, len, role);
	if (e->file[role]) {
		pt_err_set(err, _("%s: two files for the same moment: %s and %s"), fs->dir,
			   e->file[role], dname);
		return -1;
	}
	e->file[role] = xasprintf("%s/%s", fs->dir, dname);
	e->mtime[role] = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
	return 0;
}

/* Reads the folder into fs, its stems in version order. Returns 0, or -1 with err. */
static int scan_folder(struct folder_scan *fs, struct pt_err *err)
{
	DIR *d = opendir(fs->dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		pt_err_set(err, _("%s: cannot open the folder: %s"), fs->dir, strerror(errno));
		return -1;
	}
	fs->stems = strtab_new();
	while (rc == 0 && (de = readdir(d)))
		rc = scan_entry(fs, de->d_name, err);
	closedir(d);
	strtab_free(fs->stems);
	free(fs->by_id);
	fs->stems = NULL;
	fs->by_id = NULL;
	if (rc == 0 && fs->n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_stem);
	return rc;
}

/* The moments of the folder's stems, in the order of their times (*nmo of them; free
 * the array). NULL with err when a file cannot be read or there is none. */
static struct moment *folder_moments(const struct folder_scan *fs, size_t *nmo,
				     struct pt_err *err)
{
	struct moment *mo = xcalloc(fs->n ? fs->n : 1, sizeof(*mo));
	size_t n = 0, same = 0;

	for (size_t i = 0; i < fs->n; i++) {
		int rc = moment_files(fs->dir, &fs->v[i], fs->allocinfo, &mo[n], err);

		if (rc < 0) {
			free(mo);
			return NULL;
		}
		if (rc == 0)
			continue;
		mo[n].e = &fs->v[i];
		mo[n].idx = n;
		n++;
	}
	n = keep_one_format(mo, n);
	if (n == 0) {
		pt_err_set(err, _("%s: expected snapshot files (show_stacks, show_handles with show_stacks_handles, page_owner), found none"),
			   fs->dir);
		free(mo);
		return NULL;
	}
	moment_times(fs->dir, mo, n, fs->any_uptime);
	qsort(mo, n, sizeof(*mo), cmp_moment);
	for (size_t i = 1; i < n; i++) {
		mo[i].same_t = mo[i].t == mo[i - 1].t;
		same += (size_t)mo[i].same_t;
	}
	if (same) {
		char names[256];

		stems_of(mo, n, same_t, names, sizeof(names));
		diag_warn(_("%s: %zu of %zu moments have the same time as the one before them (%s): no rate between them"),
			  fs->dir, same, n, names);
	}
	*nmo = n;
	return mo;
}

/* The series of the moments, with what the folder's kernel-release and page-size files
 * say. */
static struct series *folder_series(const char *dir, const struct moment *mo, size_t n)
{
	struct series *sr = xcalloc(1, sizeof(*sr));
	size_t rl = 0, pl = 0;
	char *ps;

	sr->name = xstrdup(dir);
	sr->release = read_small(dir, "kernel-release", &rl);
	if (sr->release && !release_ok(sr->release, rl)) {
		/* it becomes part of the debug info's paths: only what uname -r prints */
		char q[300];

		diag_warn(_("%s/kernel-release:1: kernel-release '%s' is not a kernel release; ignored"),
			  dir, quote_value(sr->release, rl, q, sizeof(q)));
		free(sr->release);
		sr->release = NULL;
	}
	ps = read_small(dir, "page-size", &pl);
	if (ps) {
		char *end;
		long v;

		errno = 0;
		v = strtol(ps, &end, 10);
		if (errno || end == ps || *end || v < PT_PAGE_SIZE_MIN || v > PT_PAGE_SIZE_MAX) {
			char q[300];

			diag_warn(_("%s/page-size:1: expected a page size from %d to %d bytes, found '%s'; ignored (4096 assumed)"),
				  dir, PT_PAGE_SIZE_MIN, PT_PAGE_SIZE_MAX, quote_value(ps, pl, q, sizeof(q)));
		} else {
			sr->page_size = v;
		}
		free(ps);
	}
	for (size_t i = 0; i < n; i++) {
		char *mi = xasprintf("%s/%s.meminfo", dir, mo[i].e->stem);
		struct stat st;

		series_add(sr, mo[i].stacks, mo[i].handles, mo[i].fmt, mo[i].t, mo[i].abs);
		/* NAME.meminfo: /proc/meminfo saved with the snapshot */
		if (lstat(mi, &st) == 0 && S_ISREG(st.st_mode))
			series_set_meminfo(sr, mi);
		free(mi);
	}
	return sr;
}

int source_open_folder(struct source *s, const char *dir, const struct source_opts *o,
		       struct pt_err *err)
{
	struct folder_scan fs = { .dir = dir, .allocinfo = o->allocinfo };
	struct moment *mo = NULL;
	struct series *sr;
	size_t nmo = 0;

	if (scan_folder(&fs, err) < 0 || !(mo = folder_moments(&fs, &nmo, err))) {
		stems_free(fs.v, fs.n);
		return -1;
	}
	sr = folder_series(dir, mo, nmo);
	free(mo);
	stems_free(fs.v, fs.n);
	return source_open_series(s, sr, "folder", o, err);
}
