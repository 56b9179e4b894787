/* record.c - pagetop recordings: the writer is a sink, the reader a source.
 *
 * The writer keeps every stack it has seen and the count it last wrote for it, and at the
 * end of each sample writes, in one write(), the new stacks' frames, then the sample's
 * time and the counts that changed. The reader keeps the current count of every stack and
 * feeds all the non-zero ones each sample, which is what the sink contract means by a
 * sample. Format: doc/recording.md. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "asuser.h"
#include "host.h"
#include "parse.h"
#include "reader.h"
#include "record.h"
#include "util.h"

struct obuf {
	char *p;
	size_t len, cap;
};

static void ob_reserve(struct obuf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 16384;

	while (cap < b->len + extra)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void ob_add(struct obuf *b, const char *s, size_t n)
{
	if (!n)
		return; /* s may be NULL then: memcpy() must not see it */
	ob_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void ob_str(struct obuf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

static void ob_chr(struct obuf *b, char c)
{
	ob_reserve(b, 1);
	b->p[b->len++] = c;
}

/* snprintf costs too much at 100k counts a second */
static void ob_u64(struct obuf *b, uint64_t v)
{
	char t[24];
	int i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_add(b, t + i, sizeof(t) - (size_t)i);
}

static void ob_i64(struct obuf *b, int64_t v)
{
	if (v < 0) {
		ob_chr(b, '-');
		ob_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(b, (uint64_t)v);
	}
}

/* Seconds with microseconds, "1732560001.250000": by hand, as printf follows
 * LC_NUMERIC and the file must not depend on the locale. */
static void ob_time(struct obuf *b, double t)
{
	uint64_t us;
	char frac[8];

	if (t < 0) {
		ob_chr(b, '-');
		t = -t;
	}
	us = (uint64_t)(t * 1e6 + 0.5);
	ob_u64(b, us / 1000000);
	ob_chr(b, '.');
	for (int i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + us % 10);
		us /= 10;
	}
	ob_add(b, frac, 6);
}

/* ---------------------------------------------------------------------------------- */
/* writer */

struct rstack {
	uint64_t handle;        /* 0: identified by its frames */
	uint64_t hash;
	char *text;             /* frames joined by '\n' */
	uint32_t tlen;
	uint16_t nframes;
	uint32_t fid;           /* id in the file, 0 until written */
	int64_t prev;           /* count last written */
	int64_t acc;            /* this sample's sum, valid when seen == the sample */
	uint64_t seen;
};

struct recorder {
	int fd;
	int close_fd;
	char *name;
	int header_done, closed, failed;
	uint64_t good;          /* bytes up to the end of the last complete sample */
	struct obuf extra;      /* meta lines added by the caller */
	struct obuf metatext;   /* the meta lines of the source, as last written */
	struct rstack *st;
	size_t nst, cst;
	uint32_t *slots;        /* index + 1; 0 empty */
	size_t nslots;
	uint32_t next_fid;
	uint64_t cur;           /* sample being built, from 1 */
	int in_sample;
	struct sample_info si;
	struct obuf defs, body;
	struct recorder_stats stats;
};

int recorder_open(struct recorder **out, const char *path, int force, struct pt_err *err)
{
	struct recorder *r;
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = STDOUT_FILENO;
	} else {
		int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;

		flags |= force ? O_TRUNC : O_EXCL;
		/* under sudo the user's file: they create it, pagetop writes through the fd */
		fd = asuser_open(path, flags, 0644);
		if (fd < 0) {
			struct stat st;
			int e = errno;

			/* O_EXCL says EEXIST for any symlink, dangling ones too */
			if (e == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
				e = ELOOP;
			if (e == EEXIST) {
				pt_err_set(err, _("%s exists: give --force to overwrite it"), path);
			} else if (e == ELOOP) {
				pt_err_set(err, _("%s is a symbolic link: pagetop does not write recordings through symbolic links"),
					   path);
			} else {
				pt_err_set(err, _("cannot create %s: %s"), path, strerror(e));
				asuser_note(err, e);
			}
			errno = e;
			return -1;
		}
	}
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->close_fd = fd != STDOUT_FILENO;
	r->name = xstrdup(strcmp(path, "-") == 0 ? _("standard output") : path);
	r->next_fid = 1;
	*out = r;
	return 0;
}

void recorder_add_meta(struct recorder *r, const char *key, const char *value)
{
	if (r->header_done)
		return;
	ob_str(&r->extra, "meta ");
	ob_str(&r->extra, key);
	ob_chr(&r->extra, ' ');
	/* one line per value, whatever it holds */
	for (const char *p = value; *p; p++)
		ob_chr(&r->extra, *p == '\n' || *p == '\r' ? ' ' : *p);
	ob_chr(&r->extra, '\n');
}

static int write_all(struct recorder *r, struct iovec *iov, int n, struct pt_err *err)
{
	while (n > 0) {
		ssize_t w = writev(r->fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			r->failed = 1;
			pt_err_set(err, _("cannot write %s: %s"), r->name, strerror(errno));
			return -1;
		}
		r->stats.bytes += (uint64_t)w;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int write_buf(struct recorder *r, const struct obuf *b, struct pt_err *err)
{
	struct iovec iov = { b->p, b->len };

	return b->len ? write_all(r, &iov, 1, err) : 0;
}

static void meta_line(struct obuf *b, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	ob_str(b, "meta ");
	ob_str(b, key);
	ob_chr(b, ' ');
	for (const char *p = value; *p; p++)
		ob_chr(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	ob_chr(b, '\n');
}

static void meta_text(struct obuf *b, const struct source_meta *m)
{
	char num[32];

	meta_line(b, "source", m->kind);
	meta_line(b, "source-name", m->name);
	if (m->iface != IFACE_NONE)
		meta_line(b, "iface", iface_name(m->iface));
	meta_line(b, "unit", m->unit == UNIT_ALLOCS ? "allocs" : "pages");
	if (m->page_size_known) {
		snprintf(num, sizeof(num), "%ld", m->page_size);
		meta_line(b, "page-size", num);
	}
	meta_line(b, "kernel-release", m->kernel_release);
	meta_line(b, "kernel-build-id", m->kernel_build_id);
	meta_line(b, "hostname", m->hostname);
}

static int write_header(struct recorder *r, struct pt_err *err)
{
	struct obuf b = { 0 };
	char line[128];
	int rc;

	if (r->header_done)
		return 0;
	r->header_done = 1;
	snprintf(line, sizeof(line), "%s %d\n", RECORDING_MAGIC, RECORDING_VERSION);
	ob_str(&b, line);
	ob_str(&b, "# pagetop recording: page_owner stacks over time; format in pagetop's doc/recording.md\n");
	meta_line(&b, "pagetop-version", PACKAGE_VERSION);
	ob_add(&b, r->extra.p, r->extra.len);
	ob_add(&b, r->metatext.p, r->metatext.len);
	rc = write_buf(r, &b, err);
	free(b.p);
	if (rc == 0)
		r->good = r->stats.bytes;
	return rc;
}

static int rec_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	struct recorder *r = self;
	struct obuf t = { 0 };
	int rc = 0;

	meta_text(&t, m);
	if (r->header_done) {
		/* a changed description is written again, between samples */
		if ((t.len != r->metatext.len || memcmp(t.p, r->metatext.p, t.len) != 0) &&
		    (rc = write_buf(r, &t, err)) == 0)
			r->good = r->stats.bytes;
	}
	free(r->metatext.p);
	r->metatext = t;
	if (!r->header_done)
		rc = write_header(r, err);
	return rc;
}

static int rec_begin(void *self, const struct sample_info *s, struct pt_err *err)
{
	struct recorder *r = self;

	if (!r->header_done && write_header(r, err) < 0)
		return -1;
	if (r->closed || r->failed) {
		pt_err_set(err, _("%s: the recording is closed"), r->name);
		return -1;
	}
	r->cur++;
	r->in_sample = 1;
	r->si = *s;
	return 0;
}

static uint64_t rec_hash(const struct stack_rec *rec)
{
	uint64_t h = 0x7265636f7264ULL;

	if (rec->handle)
		return hash_u64(rec->handle);
	for (unsigned i = 0; i < rec->nframes; i++)
		h = hash_bytes(rec->frames[i].s, rec->frames[i].len, h + i);
	return h;
}

static int same_frames(const struct rstack *s, const struct stack_rec *rec)
{
	const char *p = s->text, *end = s->text + s->tlen;

	if (s->nframes != rec->nframes)
		return 0;
	for (unsigned i = 0; i < rec->nframes; i++) {
		uint32_t n = rec->frames[i].len;

		if ((size_t)(end - p) < n || memcmp(p, rec->frames[i].s, n) != 0)
			return 0;
		p += n;
		if (i + 1 < rec->nframes) {
			if (p >= end || *p != '\n')
				return 0;
			p++;
		}
	}
	return p == end;
}

static void rec_rehash(struct recorder *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 4096;

	free(r->slots);
	r->slots = xcalloc(n, sizeof(*r->slots));
	r->nslots = n;
	for (size_t i = 0; i < r->nst; i++) {
		size_t j = r->st[i].hash & (n - 1);

		while (r->slots[j])
			j = (j + 1) & (n - 1);
		r->slots[j] = (uint32_t)i + 1;
	}
}

/* The stack for rec, created when new. */
static struct rstack *rec_lookup(struct recorder *r, const struct stack_rec *rec)
{
	uint64_t h = rec_hash(rec);
	struct rstack *s;
	size_t j;

	if ((r->nst + 1) * 2 > r->nslots)
		rec_rehash(r);
	for (j = h & (r->nslots - 1); r->slots[j]; j = (j + 1) & (r->nslots - 1)) {
		s = &r->st[r->slots[j] - 1];
		if (s->hash != h || s->handle != rec->handle)
			continue;
		if (rec->handle) {
			/* the kernel named it before we saw its frames: take them now, while
			 * nothing has been written */
			if (!s->nframes && rec->nframes && !s->fid)
				goto fill;
			return s;
		}
		if (same_frames(s, rec))
			return s;
	}
	if (r->nst == r->cst) {
		r->cst = r->cst ? r->cst * 2 : 1024;
		r->st = xreallocarray(r->st, r->cst, sizeof(*r->st));
	}
	s = &r->st[r->nst];
	memset(s, 0, sizeof(*s));
	s->hash = h;
	s->handle = rec->handle;
	r->slots[j] = (uint32_t)r->nst + 1;
	r->nst++;
fill:
	{
		size_t len = 0;

		for (unsigned i = 0; i < rec->nframes; i++)
			len += rec->frames[i].len + 1;
		free(s->text);
		s->text = xmalloc(len + 1);
		s->tlen = 0;
		for (unsigned i = 0; i < rec->nframes; i++) {
			const char *f = rec->frames[i].s;
			uint32_t n = rec->frames[i].len;

			/* a frame is one line in the file, whatever the kernel put in it */
			for (uint32_t k = 0; k < n; k++)
				s->text[s->tlen++] = f[k] == '\n' ? ' ' : f[k];
			if (i + 1 < rec->nframes)
				s->text[s->tlen++] = '\n';
		}
		s->text[s->tlen] = '\0';
		s->nframes = (uint16_t)rec->nframes;
	}
	return s;
}

/* Counts of one stack add up within a sample (the per-block dump's blocks); the sum is
 * written as one count, which readers take only up to PT_COUNT_MAX. */
static int rec_touch(struct recorder *r, struct rstack *s, uint64_t count, struct pt_err *err)
{
	if (s->seen != r->cur) {
		s->seen = r->cur;
		s->acc = 0;
	}
	if (count > PT_COUNT_MAX - (uint64_t)s->acc) {
		pt_err_set(err, _("sample %llu: the records of one stack add up to more than 2^48 pages: no machine has that many; the input is damaged"),
			   (unsigned long long)r->si.seq);
		return -1;
	}
	s->acc += (int64_t)count;
	return 0;
}

static int rec_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct recorder *r = self;
	struct rstack *s;

	if (!r->in_sample)
		return 0;
	s = rec_lookup(r, rec);
	if (rec->has_count)
		return rec_touch(r, s, rec->count, err);
	return 0;
}

static int rec_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct recorder *r = self;
	struct stack_rec rec = { 0 };

	if (!r->in_sample || !handle)
		return 0;
	memset(&rec, 0, sizeof(rec));
	rec.handle = handle;
	return rec_touch(r, rec_lookup(r, &rec), count, err);
}

static void write_def(struct recorder *r, struct rstack *s)
{
	struct obuf *b = &r->defs;
	const char *p = s->text, *end = s->text + s->tlen;

	s->fid = r->next_fid++;
	r->stats.stacks++;
	ob_str(b, "s ");
	ob_u64(b, s->fid);
	ob_chr(b, ' ');
	ob_u64(b, s->handle);
	ob_chr(b, ' ');
	ob_u64(b, s->nframes);
	ob_chr(b, '\n');
	for (unsigned i = 0; i < s->nframes; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		ob_add(b, "f ", 2);
		ob_add(b, p, n);
		ob_chr(b, '\n');
		p += n + (nl ? 1 : 0);
	}
}

static int rec_end(void *self, struct pt_err *err)
{
	struct recorder *r = self;
	uint64_t changed = 0, nonzero = 0, total = 0;
	struct iovec iov[2];

	if (!r->in_sample)
		return 0;
	r->in_sample = 0;
	r->defs.len = 0;
	r->body.len = 0;
	ob_str(&r->body, "t ");
	ob_u64(&r->body, r->si.seq);
	ob_chr(&r->body, ' ');
	ob_time(&r->body, r->si.time);
	ob_str(&r->body, r->si.time_abs ? " 1\n" : " 0\n");
	for (size_t i = 0; i < r->nst; i++) {
		struct rstack *s = &r->st[i];
		int64_t now = s->seen == r->cur ? s->acc : 0;

		if (now) {
			nonzero++;
			total += (uint64_t)now;
		}
		if (now == s->prev)
			continue;
		if (!s->fid)
			write_def(r, s);
		ob_add(&r->body, "c ", 2);
		ob_u64(&r->body, s->fid);
		ob_chr(&r->body, ' ');
		ob_i64(&r->body, now);
		ob_chr(&r->body, '\n');
		s->prev = now;
		changed++;
	}
	ob_add(&r->body, "e ", 2);
	ob_u64(&r->body, r->si.seq);
	ob_chr(&r->body, ' ');
	ob_u64(&r->body, changed);
	ob_chr(&r->body, '\n');
	iov[0].iov_base = r->defs.p;
	iov[0].iov_len = r->defs.len;
	iov[1].iov_base = r->body.p;
	iov[1].iov_len = r->body.len;
	if (write_all(r, r->defs.len ? iov : iov + 1, r->defs.len ? 2 : 1, err) < 0)
		return -1;
	r->stats.samples++;
	r->good = r->stats.bytes;
	r->stats.last_changed = changed;
	r->stats.last_nonzero = nonzero;
	r->stats.last_total = total;
	return 0;
}

static const struct sink_ops recorder_ops = {
	.meta = rec_meta,
	.begin = rec_begin,
	.stack = rec_stack,
	.count = rec_count,
	.end = rec_end,
};

struct sink recorder_sink(struct recorder *r)
{
	struct sink s = { &recorder_ops, r };

	return s;
}

/* After a failed write (disk full, a file size limit, an I/O error): cut what was written
 * of the sample in progress, so the file ends at the last complete sample, and try the end
 * line there (the cut freed at least that much room, often). A pipe cannot be cut: the
 * reader drops a torn tail itself. */
static void cut_clean(struct recorder *r)
{
	struct stat st;
	char end[48];
	int n;

	if (!r->close_fd || fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) || !r->good ||
	    ftruncate(r->fd, (off_t)r->good) < 0 || lseek(r->fd, (off_t)r->good, SEEK_SET) < 0)
		return;
	n = snprintf(end, sizeof(end), "end %" PRIu64 "\n", r->stats.samples);
	if (write(r->fd, end, (size_t)n) == n) {
		diag_warn(ngettext("%s ends cleanly after its %" PRIu64 " complete sample",
				   "%s ends cleanly after its %" PRIu64 " complete samples",
				   r->stats.samples == 1 ? 1 : 2),
			  r->name, r->stats.samples);
	} else {
		if (ftruncate(r->fd, (off_t)r->good) < 0) {
			/* nothing more to try: the reader drops a torn tail */
		}
		diag_warn(ngettext("%s keeps its %" PRIu64 " complete sample (no room for the end line)",
				   "%s keeps its %" PRIu64 " complete samples (no room for the end line)",
				   r->stats.samples == 1 ? 1 : 2),
			  r->name, r->stats.samples);
	}
}

int recorder_close(struct recorder *r, struct pt_err *err)
{
	struct obuf b = { 0 };
	int rc = 0;

	if (!r || r->closed)
		return 0;
	r->closed = 1;
	if (r->failed)
		cut_clean(r);
	if (!r->failed) {
		if (write_header(r, err) < 0)
			rc = -1;
		/* a sample cut off by the caller is dropped: only whole samples are written */
		ob_str(&b, "end ");
		ob_u64(&b, r->stats.samples);
		ob_chr(&b, '\n');
		if (rc == 0 && write_buf(r, &b, err) < 0)
			rc = -1;
		free(b.p);
	}
	if (r->close_fd && close(r->fd) < 0 && rc == 0) {
		pt_err_set(err, _("cannot write %s: %s"), r->name, strerror(errno));
		rc = -1;
	}
	r->fd = -1;
	return rc;
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	if (!r->closed) {
		struct pt_err e;

		recorder_close(r, &e);
	}
	for (size_t i = 0; i < r->nst; i++)
		free(r->st[i].text);
	free(r->st);
	free(r->slots);
	free(r->extra.p);
	free(r->metatext.p);
	free(r->defs.p);
	free(r->body.p);
	free(r->name);
	free(r);
}

void recorder_get_stats(const struct recorder *r, struct recorder_stats *st)
{
	*st = r->stats;
}

/* ---------------------------------------------------------------------------------- */
/* reader */

struct pstack {
	uint64_t handle;
	char *text;
	struct frame_text *fr;
	uint16_t nframes;
	uint64_t cur;
	uint64_t count_line;    /* of its last count line */
};

struct change {
	uint32_t id;
	uint64_t count;
};

struct rreader {
	struct reader *r;
	char *name;
	long page_size_opt;
	/* meta, owned */
	char *kind_src, *iface, *unit, *release, *build_id, *hostname;
	char **mids;            /* "NAME HEX" module build ids, NULL-terminated */
	size_t nmids;
	long page_size;
	int meta_changed;
	/* stacks by file id; ids are 1, 2, 3... in order of definition */
	struct pstack *st;
	size_t nst, cst;        /* st[0] unused */
	uint32_t *hslots;       /* ids of the stacks with a handle, by it; 0 empty */
	size_t nhslots, nhandles;
	uint32_t *nonzero;      /* ids with a count; compacted on each sample */
	size_t nnz, cnz;
	struct change *ch;
	size_t nch, cch;
	uint64_t samples;
	uint64_t t_line;        /* of the sample being read */
	/* the last complete sample */
	uint64_t last_seq, last_t_line;
	double last_time;
	int last_abs;
	uint64_t clock_back;    /* samples not later than the one before */
	int ended;
	/* the first line after the header, read ahead */
	char *pending;
	size_t pending_len;
	int have_pending;
};

static int read_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s++ - '0');
	}
	*v = x;
	*p = s;
	return 0;
}

/* "SECONDS.MICROS", optionally negative; not strtod, which follows LC_NUMERIC. */
static int read_time(const char **p, const char *end, double *t)
{
	uint64_t sec, frac = 0;
	double scale = 1;
	int neg = 0;

	if (*p < end && **p == '-') {
		neg = 1;
		(*p)++;
	}
	if (read_u64(p, end, &sec) < 0)
		return -1;
	if (*p < end && **p == '.') {
		const char *q = ++(*p);

		if (read_u64(p, end, &frac) < 0 || *p - q > 18)
			return -1;
		for (const char *c = q; c < *p; c++)
			scale *= 10;
	}
	*t = (double)sec + (double)frac / scale;
	if (neg)
		*t = -*t;
	return 0;
}

static int skip_sp(const char **p, const char *end)
{
	if (*p >= end || **p != ' ')
		return -1;
	while (*p < end && **p == ' ')
		(*p)++;
	return 0;
}

/* Lines are quoted with control bytes escaped: a recording from elsewhere must not put
 * escape sequences on the terminal through a message. */
static int bad(struct rreader *rr, const char *what, const char *line, size_t n,
	       struct pt_err *err)
{
	char q[256];

	pt_err_set(err, _("%s:%llu: expected %s, found %s"), rr->name,
		   (unsigned long long)reader_lineno(rr->r), what, parse_quote(line, n, q, sizeof(q)));
	return -1;
}

/* The same with what the reader of the message can make of it. */
static int bad_why(struct rreader *rr, const char *what, const char *line, size_t n,
		   const char *why, struct pt_err *err)
{
	char q[256];

	pt_err_set(err, _("%s:%llu: expected %s, found %s: %s"), rr->name,
		   (unsigned long long)reader_lineno(rr->r), what, parse_quote(line, n, q, sizeof(q)),
		   why);
	return -1;
}

static void set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xstrndup(s, n);
}

/* A meta value that is not what its key says (it may end up in a file name, and the
 * recording may come from anywhere): dropped with a warning, the rest is read. */
static int ignored(struct rreader *rr, const char *msg)
{
	diag_warn("%s:%llu: %s", rr->name, (unsigned long long)reader_lineno(rr->r), msg);
	return 0;
}

/* "meta KEY VALUE": unknown keys are for newer readers, and skipped. */
static int do_meta(struct rreader *rr, const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 5, *end = line + n, *k, *v;
	char qv[300], m[512];
	size_t kl, vl;

	k = p;
	while (p < end && *p != ' ')
		p++;
	kl = (size_t)(p - k);
	if (kl == 0 || p >= end)
		return bad(rr, _("\"meta KEY VALUE\""), line, n, err);
	v = p + 1;
	vl = (size_t)(end - v);
#define KEY(s) (kl == strlen(s) && memcmp(k, s, kl) == 0)
	if (KEY("source")) {
		set_str(&rr->kind_src, v, vl);
	} else if (KEY("iface")) {
		set_str(&rr->iface, v, vl);
	} else if (KEY("unit")) {
		set_str(&rr->unit, v, vl);
	} else if (KEY("kernel-release")) {
		if (!release_ok(v, vl)) {
			snprintf(m, sizeof(m), _("kernel-release '%s' is not a kernel release; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->release, v, vl);
	} else if (KEY("kernel-build-id")) {
		if (!build_id_ok(v, vl)) {
			snprintf(m, sizeof(m), _("kernel-build-id '%s' is not a build id (lowercase hex); ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->build_id, v, vl);
	} else if (KEY("module-build-id")) {
		const char *sp = memchr(v, ' ', vl);

		if (!sp || !module_name_ok(v, (size_t)(sp - v)) ||
		    !build_id_ok(sp + 1, (size_t)(end - sp - 1))) {
			snprintf(m, sizeof(m), _("module-build-id '%s' is not a module name and its build id; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		if (rr->nmids < 4096) {
			rr->mids = xreallocarray(rr->mids, rr->nmids + 2, sizeof(char *));
			rr->mids[rr->nmids++] = xstrndup(v, vl);
			rr->mids[rr->nmids] = NULL;
		}
	} else if (KEY("hostname")) {
		if (!hostname_ok(v, vl)) {
			snprintf(m, sizeof(m), _("hostname '%s' is not a host name; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->hostname, v, vl);
	} else if (KEY("page-size")) {
		uint64_t ps;
		const char *q = v;

		if (read_u64(&q, end, &ps) < 0 || q != end || ps < PT_PAGE_SIZE_MIN ||
		    ps > PT_PAGE_SIZE_MAX) {
			char what[96];

			snprintf(what, sizeof(what), _("\"meta page-size BYTES\" from %d to %d"),
				 PT_PAGE_SIZE_MIN, PT_PAGE_SIZE_MAX);
			return bad(rr, what, line, n, err);
		}
		rr->page_size = (long)ps;
	} else {
		return 0;
	}
#undef KEY
	rr->meta_changed = 1;
	return 0;
}

static void rr_fill_meta(struct source *s, struct rreader *rr)
{
	struct source_meta *m = &s->meta;

	memset(m, 0, sizeof(*m));
	m->name = rr->name;
	m->kind = "recording";
	m->iface = IFACE_NONE;
	for (int i = IFACE_HANDLES; i <= IFACE_PAGE_OWNER; i++)
		if (rr->iface && strcmp(rr->iface, iface_name((enum pt_iface)i)) == 0)
			m->iface = (enum pt_iface)i;
	m->unit = rr->unit && strcmp(rr->unit, "allocs") == 0 ? UNIT_ALLOCS : UNIT_PAGES;
	if (rr->page_size_opt > 0) {
		m->page_size = rr->page_size_opt;
		m->page_size_known = 1;
	} else if (rr->page_size > 0) {
		m->page_size = rr->page_size;
		m->page_size_known = 1;
	} else {
		m->page_size = 4096;
	}
	m->kernel_release = rr->release;
	m->kernel_build_id = rr->build_id;
	m->hostname = rr->hostname;
	m->module_build_ids = (const char *const *)rr->mids;
	m->series = 1;
	m->nsamples = -1;
}

enum rl { RL_LINE = 1, RL_EOF = 0, RL_TORN = 2, RL_ERR = -1 };

/* The next line; a last line without its newline is torn (every line the writer makes
 * ends in one). */
static enum rl rr_line(struct rreader *rr, const char **line, size_t *n, struct pt_err *err)
{
	int rc;

	if (rr->have_pending) {
		rr->have_pending = 0;
		*line = rr->pending;
		*n = rr->pending_len;
		return RL_LINE;
	}
	rc = reader_line(rr->r, line, n, err);
	if (rc < 0)
		return RL_ERR;
	if (rc == 0)
		return RL_EOF;
	if (!reader_last_had_newline(rr->r))
		return RL_TORN;
	return RL_LINE;
}

/* The id of the stack with handle h (not 0), or 0 with *slot where it would go. */
static uint32_t handle_find(const struct rreader *rr, uint64_t h, size_t *slot)
{
	size_t mask = rr->nhslots - 1, j = hash_u64(h) & mask;

	for (; rr->hslots[j]; j = (j + 1) & mask)
		if (rr->st[rr->hslots[j]].handle == h)
			return rr->hslots[j];
	*slot = j;
	return 0;
}

static void handle_add(struct rreader *rr, uint32_t id)
{
	size_t slot = 0;

	if ((rr->nhandles + 1) * 2 > rr->nhslots) {
		uint32_t *old = rr->hslots;
		size_t n = rr->nhslots;

		rr->nhslots = n ? n * 2 : 1024;
		rr->hslots = xcalloc(rr->nhslots, sizeof(*rr->hslots));
		for (size_t i = 0; i < n; i++)
			if (old[i] && !handle_find(rr, rr->st[old[i]].handle, &slot))
				rr->hslots[slot] = old[i];
		free(old);
	}
	if (!handle_find(rr, rr->st[id].handle, &slot)) {
		rr->hslots[slot] = id;
		rr->nhandles++;
	}
}

/* "s ID HANDLE NFRAMES" and its frame lines. 1 done, 0 cut short, -1 error, -2 the input
 * failed (err says how: a truncated compressed file, garbage): a torn tail as well. */
static int do_stack(struct rreader *rr, const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	uint64_t id, handle, nf;
	struct pstack *s;
	struct obuf text = { 0 };
	uint32_t lens[STACK_MAX_FRAMES];
	uint64_t off = 0;

	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 || skip_sp(&p, end) < 0 ||
	    read_u64(&p, end, &handle) < 0 || skip_sp(&p, end) < 0 ||
	    read_u64(&p, end, &nf) < 0 || p != end)
		return bad(rr, _("\"s ID HANDLE NFRAMES\""), line, n, err);
	if (nf > STACK_MAX_FRAMES) {
		char what[64];

		snprintf(what, sizeof(what), _("at most %d frames in a stack"), STACK_MAX_FRAMES);
		return bad_why(rr, what, line, n,
			       _("the kernel saves 16 frames a stack; the recording is damaged or was edited"),
			       err);
	}
	if (id != (rr->nst ? rr->nst : 1)) {
		char what[64];

		snprintf(what, sizeof(what), _("stack %llu defined next"),
			 (unsigned long long)(rr->nst ? rr->nst : 1));
		return bad(rr, what, line, n, err);
	}
	if (handle && rr->nhandles) {
		/* the model would take the second for the first: its frames would vanish, its
		 * pages go to the first */
		size_t slot;
		uint32_t other = handle_find(rr, handle, &slot);

		if (other) {
			char why[256];

			snprintf(why, sizeof(why),
				 _("stack %u has that handle already; the recording is damaged or was edited"),
				 other);
			return bad_why(rr, _("a handle no other stack has"), line, n, why, err);
		}
	}
	for (uint64_t i = 0; i < nf; i++) {
		const char *fl;
		size_t fn;
		enum rl k = rr_line(rr, &fl, &fn, err);

		if (k != RL_LINE) {
			free(text.p);
			return k == RL_ERR ? -2 : 0;
		}
		if (fn < 3 || fl[0] != 'f' || fl[1] != ' ') {
			free(text.p);
			return bad(rr, _("a frame line \"f TEXT\""), fl, fn, err);
		}
		/* what the parser takes from the kernel, and nothing else: the text goes to
		 * the model, the screen and the symbols code as a snapshot's would */
		if (memchr(fl, '\0', fn)) {
			free(text.p);
			pt_err_set(err, _("%s:%llu: expected text, found binary data (a NUL byte)"),
				   rr->name, (unsigned long long)reader_lineno(rr->r));
			return -1;
		}
		if (!frame_text_ok(fl + 2, fn - 2)) {
			char what[160];

			free(text.p);
			snprintf(what, sizeof(what),
				 _("a frame line \"f name+0xOFF/0xSIZE\" (or \"f 0xADDR\") of at most %d bytes, as the kernel prints it"),
				 FRAME_MAX);
			return bad(rr, what, fl, fn, err);
		}
		ob_add(&text, fl + 2, fn - 2);
		lens[i] = (uint32_t)(fn - 2);
	}
	if (rr->nst == 0)
		rr->nst = 1; /* id 0 is never used */
	if (rr->nst >= rr->cst) {
		rr->cst = rr->cst ? rr->cst * 2 : 1024;
		rr->st = xreallocarray(rr->st, rr->cst, sizeof(*rr->st));
	}
	s = &rr->st[rr->nst++];
	memset(s, 0, sizeof(*s));
	s->handle = handle;
	if (handle)
		handle_add(rr, (uint32_t)(rr->nst - 1));
	s->nframes = (uint16_t)nf;
	s->text = text.p ? text.p : xstrdup("");
	s->fr = xcalloc(nf ? nf : 1, sizeof(*s->fr));
	for (uint64_t i = 0; i < nf; off += lens[i], i++) {
		s->fr[i].s = s->text + off;
		s->fr[i].len = lens[i];
	}
	return 1;
}

static int feed(struct source *src, struct rreader *rr, const struct sample_info *si,
		const struct sink *sink, struct pt_err *err)
{
	size_t k = 0;

	if (rr->meta_changed) {
		rr_fill_meta(src, rr);
		src->meta_sent = 0;
		rr->meta_changed = 0;
	}
	if (source_send_meta(src, sink, err) < 0)
		return -1;
	if (sink->ops->begin(sink->self, si, err) < 0)
		return -1;
	for (size_t i = 0; i < rr->nnz; i++) {
		struct pstack *s = &rr->st[rr->nonzero[i]];
		struct stack_rec rec = { 0 };

		if (!s->cur)
			continue;
		rr->nonzero[k++] = rr->nonzero[i];
		rec.frames = s->fr;
		rec.nframes = s->nframes;
		rec.keyspace = 0;
		rec.handle = s->handle;
		rec.has_count = 1;
		rec.count = s->cur;
		rec.block = NULL;
		if (sink->ops->stack(sink->self, &rec, err) < 0)
			return -1;
	}
	rr->nnz = k;
	return sink->ops->end(sink->self, err);
}

/* No more samples. Samples that were not later than the one before, beyond the first
 * (which had a warning of its own), are counted here: none goes unsaid. */
static enum src_status rr_end(struct rreader *rr)
{
	if (rr->clock_back > 1)
		diag_warn(ngettext("%s: the time of %llu sample is not after that of the sample before: its rates are shown as 0",
				   "%s: the time of %llu samples is not after that of the sample before: their rates are shown as 0",
				   rr->clock_back == 1 ? 1 : 2),
			  rr->name, (unsigned long long)rr->clock_back);
	rr->ended = 1;
	return SRC_END;
}

/* Lines after the end line are not read: say so (two recordings joined by cat?). */
static void after_end(struct rreader *rr)
{
	struct pt_err err;
	const char *line;
	size_t n;

	for (;;) {
		enum rl k = rr_line(rr, &line, &n, &err);

		if (k != RL_LINE)
			return;
		if (n && (line[0] != '#' || (n >= 18 && memcmp(line, "#pagetop-recording", 18) == 0)))
			break;
	}
	diag_warn(_("%s:%llu: expected nothing after the end line, found more: ignored (were two recordings joined? replay each on its own)"),
		  rr->name, (unsigned long long)reader_lineno(rr->r));
}

static void torn(struct rreader *rr, const char *why)
{
	diag_warn(ngettext("%s: %s: kept the %llu complete sample before it",
			   "%s: %s: kept the %llu complete samples before it",
			   rr->samples == 1 ? 1 : 2),
		  rr->name, why, (unsigned long long)rr->samples);
}

/* The same when reading failed: the reader's message names the file already. What a
 * crash leaves behind can be garbage (zeroed blocks), a copy a truncated compressed file. */
static enum src_status torn_read(struct rreader *rr, const struct pt_err *err)
{
	diag_warn(ngettext("%s: kept the %llu complete sample before it",
			   "%s: kept the %llu complete samples before it",
			   rr->samples == 1 ? 1 : 2),
		  err->msg, (unsigned long long)rr->samples);
	return rr_end(rr);
}

/* The sample's counts apply only once its "e" line is read: a torn sample changes
 * nothing. */
static void apply_changes(struct rreader *rr)
{
	for (size_t i = 0; i < rr->nch; i++) {
		struct pstack *s = &rr->st[rr->ch[i].id];

		if (!s->cur && rr->ch[i].count) {
			if (rr->nnz == rr->cnz) {
				rr->cnz = rr->cnz ? rr->cnz * 2 : 1024;
				rr->nonzero = xreallocarray(rr->nonzero, rr->cnz,
							    sizeof(*rr->nonzero));
			}
			rr->nonzero[rr->nnz++] = rr->ch[i].id;
		}
		s->cur = rr->ch[i].count;
	}
	rr->nch = 0;
}

#define BAD(what)                                    \
	do {                                         \
		bad(rr, (what), line, n, err);       \
		return SRC_ERROR;                    \
	} while (0)
#define BAD_WHY(what, why)                             \
	do {                                           \
		bad_why(rr, (what), line, n, (why), err); \
		return SRC_ERROR;                      \
	} while (0)

static enum src_status rr_next(struct source *src, const struct sink *sink, int timeout_ms,
			       struct pt_err *err)
{
	struct rreader *rr = src->priv;
	int in_sample = 0;
	uint64_t seq = 0, id, v;
	struct sample_info si = { 0 };

	(void)timeout_ms;
	if (rr->ended)
		return SRC_END;
	for (;;) {
		const char *line, *p, *end;
		size_t n;
		enum rl k = rr_line(rr, &line, &n, err);

		if (k == RL_ERR)
			return torn_read(rr, err);
		if (k == RL_EOF || k == RL_TORN) {
			if (in_sample || k == RL_TORN)
				torn(rr, _("the last sample is cut short (the recording was interrupted)"));
			else
				torn(rr, _("the recording has no end line (it was interrupted)"));
			return rr_end(rr);
		}
		if (n == 0 || line[0] == '#')
			continue;
		p = line + 1;
		end = line + n;
		if (n >= 3 && memcmp(line, "end", 3) == 0 && (n == 3 || line[3] == ' ')) {
			if (in_sample)
				BAD(_("\"e SEQ N\" closing the sample with its N counts"));
			p = line + 3;
			if (skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end)
				BAD(_("\"end N\" with the number of samples"));
			if (v != rr->samples) {
				char q[256];

				diag_warn(_("%s:%llu: expected \"end %llu\" (the samples read), found %s: samples are missing or were added; the recording is damaged or was edited"),
					  rr->name, (unsigned long long)reader_lineno(rr->r),
					  (unsigned long long)rr->samples, parse_quote(line, n, q, sizeof(q)));
			}
			after_end(rr);
			return rr_end(rr);
		}
		switch (line[0]) {
		case 'c':
			if (!in_sample || skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 ||
			    skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end)
				BAD(_("\"c ID COUNT\" inside a sample"));
			if (id == 0 || id >= rr->nst)
				BAD(_("the id of a stack defined before"));
			if (v > PT_COUNT_MAX)
				BAD_WHY(rr->unit && strcmp(rr->unit, "allocs") == 0 ?
					_("an allocation count from 0 to 2^48") :
					_("a page count from 0 to 2^48"),
					_("no machine has that many pages; the recording is damaged or was edited"));
			if (rr->st[id].count_line > rr->t_line) {
				/* which of two counts is the right one, no one can tell */
				char why[256];

				snprintf(why, sizeof(why),
					 _("line %llu has the count of stack %llu in this sample already; the recording is damaged or was edited"),
					 (unsigned long long)rr->st[id].count_line, (unsigned long long)id);
				BAD_WHY(_("one count line for a stack in a sample"), why);
			}
			rr->st[id].count_line = reader_lineno(rr->r);
			if (rr->nch == rr->cch) {
				rr->cch = rr->cch ? rr->cch * 2 : 1024;
				rr->ch = xreallocarray(rr->ch, rr->cch, sizeof(*rr->ch));
			}
			rr->ch[rr->nch].id = (uint32_t)id;
			rr->ch[rr->nch].count = v;
			rr->nch++;
			continue;
		case 's':
			if (in_sample)
				BAD(_("\"c ID COUNT\" or \"e SEQ N\""));
			switch (do_stack(rr, line, n, err)) {
			case -1:
				return SRC_ERROR;
			case -2:
				return torn_read(rr, err);
			case 0:
				torn(rr, _("the last sample is cut short (the recording was interrupted)"));
				return rr_end(rr);
			default:
				continue;
			}
		case 't':
			if (in_sample || skip_sp(&p, end) < 0 || read_u64(&p, end, &seq) < 0 ||
			    skip_sp(&p, end) < 0 || read_time(&p, end, &si.time) < 0 ||
			    skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end || v > 1)
				BAD(_("\"t SEQ TIME ABS\""));
			/* the screen makes a date of it, pagetop record microseconds */
			if (!time_ok(si.time))
				BAD_WHY(_("a time of at most 10^12 seconds"),
					_("that is 31,700 years; the recording is damaged or was edited"));
			si.time_abs = (int)v;
			if (rr->samples && seq <= rr->last_seq) {
				/* counts are only those that changed: out of order, they would say
				 * something else */
				char what[128];

				snprintf(what, sizeof(what),
					 _("a sample number above %llu (that of the sample before)"),
					 (unsigned long long)rr->last_seq);
				BAD_WHY(what, _("the samples are out of order; the recording is damaged or was edited"));
			}
			/* A wall clock can be set back, and snapshot files' times can be out of
			 * order: the sample is kept, and rates over a time that did not pass are
			 * 0, which is said. */
			if (rr->samples && si.time_abs == rr->last_abs && si.time <= rr->last_time &&
			    rr->clock_back++ == 0) {
				char q[256];

				diag_warn(_("%s:%llu: expected a time after that of the sample before (line %llu), found %s: the clock went back or stood still; the rates of this sample are shown as 0"),
					  rr->name, (unsigned long long)reader_lineno(rr->r),
					  (unsigned long long)rr->last_t_line, parse_quote(line, n, q, sizeof(q)));
			}
			rr->t_line = reader_lineno(rr->r);
			in_sample = 1;
			rr->nch = 0;
			continue;
		case 'e':
			if (!in_sample || skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 ||
			    skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end ||
			    id != seq || v != rr->nch)
				BAD(_("\"e SEQ N\" closing the sample with its N counts"));
			apply_changes(rr);
			rr->last_seq = seq;
			rr->last_time = si.time;
			rr->last_abs = si.time_abs;
			rr->last_t_line = rr->t_line;
			si.seq = src->seq;
			if (feed(src, rr, &si, sink, err) < 0)
				return SRC_ERROR;
			src->seq++;
			rr->samples++;
			return SRC_SAMPLE;
		case 'm':
			if (n > 5 && memcmp(line, "meta ", 5) == 0 && !in_sample) {
				if (do_meta(rr, line, n, err) < 0)
					return SRC_ERROR;
				continue;
			}
			break;
		default:
			break;
		}
		BAD(_("a recording line (s, f, t, c, e, meta or end)"));
	}
}

#undef BAD
#undef BAD_WHY

static double rr_stalled(const struct source *s)
{
	(void)s;
	return 0;
}

static int rr_fd(const struct source *s)
{
	(void)s;
	return -1;
}

static void rr_close(struct source *s)
{
	struct rreader *rr = s->priv;

	if (!rr)
		return;
	reader_close(rr->r);
	for (size_t i = 1; i < rr->nst; i++) {
		free(rr->st[i].text);
		free(rr->st[i].fr);
	}
	free(rr->st);
	free(rr->hslots);
	free(rr->nonzero);
	free(rr->ch);
	free(rr->name);
	free(rr->kind_src);
	free(rr->iface);
	free(rr->unit);
	free(rr->release);
	free(rr->build_id);
	free(rr->hostname);
	for (size_t i = 0; i < rr->nmids; i++)
		free(rr->mids[i]);
	free(rr->mids);
	free(rr->pending);
	free(rr);
	s->priv = NULL;
}

static const struct source_impl recording_impl = {
	.kind = "recording",
	.next = rr_next,
	.stalled = rr_stalled,
	.fd = rr_fd,
	.close = rr_close,
};

int source_open_recording_reader(struct source *s, struct reader *r,
				 const struct source_opts *o, struct pt_err *err)
{
	struct rreader *rr = xcalloc(1, sizeof(*rr));
	const char *line, *p, *end;
	size_t n, ml = strlen(RECORDING_MAGIC);
	uint64_t version;
	int rc;

	rr->r = r;
	rr->name = xstrdup(reader_name(r));
	rr->page_size_opt = o ? o->page_size : 0;
	s->priv = rr;
	s->impl = &recording_impl;
	rc = reader_line(r, &line, &n, err);
	if (rc < 0)
		goto fail;
	if (rc == 0 || n < ml || memcmp(line, RECORDING_MAGIC, ml) != 0) {
		pt_err_set(err, _("%s: expected a pagetop recording (\"%s N\" on the first line)"),
			   rr->name, RECORDING_MAGIC);
		goto fail;
	}
	p = line + ml;
	end = line + n;
	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &version) < 0) {
		bad(rr, _("\"#pagetop-recording VERSION\""), line, n, err);
		goto fail;
	}
	if (version != RECORDING_VERSION) {
		pt_err_set(err, _("%s: recording format version %llu; this pagetop reads version %d"),
			   rr->name, (unsigned long long)version, RECORDING_VERSION);
		goto fail;
	}
	/* The header: meta lines up to the first stack or sample, so the meta is known
	 * before the first sample is asked for. */
	for (;;) {
		enum rl k = rr_line(rr, &line, &n, err);

		if (k == RL_ERR)
			goto fail;
		if (k != RL_LINE)
			break; /* an empty or torn recording: next() says so */
		if (n == 0 || line[0] == '#')
			continue;
		if (n > 5 && memcmp(line, "meta ", 5) == 0) {
			if (do_meta(rr, line, n, err) < 0)
				goto fail;
			continue;
		}
		rr->pending = xstrndup(line, n);
		rr->pending_len = n;
		rr->have_pending = 1;
		break;
	}
	rr_fill_meta(s, rr);
	rr->meta_changed = 0;
	return 0;

fail:
	rr_close(s);
	s->impl = NULL;
	return -1;
}

int source_open_recording(struct source *s, const char *path, const struct source_opts *o,
			  struct pt_err *err)
{
	struct reader *r;

	if (reader_open_path(&r, path, err) < 0)
		return -1;
	return source_open_recording_reader(s, r, o, err);
}

void recorder_add_start_meta(struct recorder *rec)
{
	struct timespec ts;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	/* not %f: the file must not depend on LC_NUMERIC */
	snprintf(buf, sizeof(buf), "%lld.%06ld", (long long)ts.tv_sec, ts.tv_nsec / 1000);
	recorder_add_meta(rec, "start", buf);
}

void recorder_add_live_meta(struct recorder *rec, const struct recorder_live_meta *lm)
{
	const struct module_build_id *mods = lm->modules;
	char buf[64];
	long ms = (long)(lm->interval * 1000 + 0.5);

	for (size_t i = 0; i < lm->nmodules; i++) {
		char v[sizeof(mods[i].name) + sizeof(mods[i].hex) + 2];

		snprintf(v, sizeof(v), "%s %s", mods[i].name, mods[i].hex);
		recorder_add_meta(rec, "module-build-id", v);
	}
	if (lm->threshold_set >= 0) {
		snprintf(buf, sizeof(buf), "%ld (was %ld)", lm->threshold_set, lm->threshold_orig);
		recorder_add_meta(rec, "kernel-threshold", buf);
	}
	snprintf(buf, sizeof(buf), "%ld.%03ld", ms / 1000, ms % 1000);
	recorder_add_meta(rec, "interval", buf);
}
