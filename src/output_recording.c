/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_recording.c - the recording writer, a sink.
 *
 * It keeps every stack it has seen and the count it last wrote for it, and at the end of
 * each sample writes, in one write(), the new stacks' frames, then the sample's time and
 * the counts that changed. Format: doc/recording.md. */
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

#include "util_asuser.h"
#include "host.h"
#include "host_meminfo.h"
#include "output_recording.h"
#include "recording.h"
#include "symbols.h"
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

struct recorder_stack {
	uint64_t handle;        /* 0: identified by its frames */
	uint64_t hash;
	char *text;             /* frames joined by '\n' */
	uint32_t tlen;
	uint16_t nframes;
	uint32_t fid;           /* id in the file, 0 until written */
	int64_t prev;           /* count last written */
	int64_t acc;            /* this sample's sum, valid when seen == the sample */
	uint64_t seen;
	uint64_t calls, prev_calls; /* allocinfo: this sample's calls, those last written */
	int present;            /* allocinfo: listed in the last sample written */
};

/* A block of a per-block dump as the file has it: texts are ids of "n" lines (0: none),
 * the stack an index of recorder.st. */
struct recorder_block {
	uint64_t pfn, ts;
	uint32_t stack;
	uint32_t comm, gfp_text, memcg, reason;
	uint32_t gfp;
	int32_t pid, tgid;
	uint8_t order, mt, flags;
};

struct recorder {
	int fd;
	int close_fd;
	char *name;
	int header_done, closed, failed;
	enum pt_unit unit;      /* UNIT_BYTES: counts carry calls (format version 3) */
	uint64_t good;          /* bytes up to the end of the last complete sample */
	struct obuf extra;      /* meta lines added by the caller */
	struct obuf metatext;   /* the meta lines of the source, as last written */
	struct recorder_stack *st;
	size_t nst, cst;
	uint32_t *slots;        /* index + 1; 0 empty */
	size_t nslots;
	uint32_t next_fid;
	uint64_t cur;           /* sample being built, from 1 */
	int in_sample;
	struct sample_info si;
	struct meminfo mem;     /* the sample's system counters (valid 0: none) */
	struct obuf defs, body;
	struct recorder_stats stats;
	/* blocks of the sample being built, and of the last one written, by PFN */
	struct recorder_block *blk, *pblk;
	size_t nblk, cblk, npblk, cpblk;
	struct strtab *texts;      /* the blocks' texts; id + 1 in the file */
	uint32_t ntexts;           /* of them written */
	/* carried lines (recorder_set_symbols()) */
	struct symbols *sym;
	struct strtab *sym_asked;  /* frame texts whose answer was written (or was none) */
	struct strtab *sym_objs;   /* objects whose symbols-build-id line was written */
	int sym_later;             /* recorder_symbols_later() */
	uint32_t *sym_queue;       /* then: frames asked (sym_asked ids), to write in order */
	size_t sym_head, nsym_queue, capsym_queue;
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
	meta_line(b, "unit", m->unit == UNIT_ALLOCS ? "allocs" : m->unit == UNIT_BYTES ? "bytes" : "pages");
	if (m->page_size_known && m->unit != UNIT_BYTES) { /* bytes need no page size */
		snprintf(num, sizeof(num), "%ld", m->page_size);
		meta_line(b, "page-size", num);
	}
	meta_line(b, "kernel-release", m->kernel_release);
	meta_line(b, "kernel-build-id", m->kernel_build_id);
	meta_line(b, "hostname", m->hostname);
	if (m->boot_known) {
		ob_str(b, "meta boot-time ");
		ob_time(b, m->boot_time);
		ob_chr(b, '\n');
	}
}

static int write_header(struct recorder *r, struct pt_err *err)
{
	struct obuf b = { 0 };
	char line[128];
	int rc;

	if (r->header_done)
		return 0;
	r->header_done = 1;
	/* only allocinfo needs version 3: other recordings stay readable by older pagetops */
	snprintf(line, sizeof(line), "%s %d\n", RECORDING_MAGIC,
		 r->unit == UNIT_BYTES ? RECORDING_VERSION : RECORDING_VERSION_PAGES);
	ob_str(&b, line);
	ob_str(&b, r->unit == UNIT_BYTES ?
	       "# pagetop recording: allocinfo call sites over time; format in pagetop's doc/recording.md\n" :
	       "# pagetop recording: page_owner stacks over time; format in pagetop's doc/recording.md\n");
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

	if (r->header_done && (m->unit == UNIT_BYTES) != (r->unit == UNIT_BYTES)) {
		pt_err_set(err, _("%s: a recording holds either allocinfo's bytes or page_owner's stacks, not both"),
			   r->name);
		return -1;
	}
	r->unit = m->unit;
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
	r->si.mem = NULL;
	if (s->mem && s->mem->valid)
		r->mem = *s->mem;
	else
		memset(&r->mem, 0, sizeof(r->mem));
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

static int same_frames(const struct recorder_stack *s, const struct stack_rec *rec)
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
static struct recorder_stack *rec_lookup(struct recorder *r, const struct stack_rec *rec)
{
	uint64_t h = rec_hash(rec);
	struct recorder_stack *s;
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
static int rec_touch(struct recorder *r, struct recorder_stack *s, uint64_t count, struct pt_err *err)
{
	if (s->seen != r->cur) {
		s->seen = r->cur;
		s->acc = 0;
		s->calls = 0;
	}
	if (count > PT_COUNT_MAX - (uint64_t)s->acc) {
		pt_err_set(err, _("sample %llu: the records of one stack add up to more than 2^48 pages: no machine has that many; the input is damaged"),
			   (unsigned long long)r->si.seq);
		return -1;
	}
	s->acc += (int64_t)count;
	return 0;
}

/* A text of a block as its id in the file: 0 for none. */
static uint32_t block_text(struct recorder *r, const char *s, uint32_t len)
{
	if (!s)
		return 0;
	if (!r->texts)
		r->texts = strtab_new();
	return strtab_intern(r->texts, s, len) + 1;
}

/* A block of the per-block dump: kept for rec_end(), which writes those that came and
 * went since the sample before. */
static void rec_block(struct recorder *r, const struct recorder_stack *s,
		      const struct block_info *bi)
{
	struct recorder_block *b;

	if (r->nblk == r->cblk) {
		r->cblk = r->cblk ? r->cblk * 2 : 4096;
		r->blk = xreallocarray(r->blk, r->cblk, sizeof(*r->blk));
	}
	b = &r->blk[r->nblk++];
	b->pfn = bi->pfn;
	b->ts = bi->has_ts ? bi->ts_ns : 0;
	b->stack = (uint32_t)(s - r->st);
	b->comm = block_text(r, bi->comm, bi->comm_len);
	b->gfp_text = block_text(r, bi->gfp_text, bi->gfp_text_len);
	b->memcg = block_text(r, bi->memcg, bi->memcg_len);
	b->reason = block_text(r, bi->reason, bi->reason_len);
	b->gfp = bi->gfp;
	b->pid = bi->pid;
	b->tgid = bi->tgid;
	b->order = (uint8_t)bi->order;
	b->mt = bi->mt;
	b->flags = (uint8_t)((bi->has_ts ? RB_TS : 0) | (bi->migrated ? RB_MIGRATED : 0) |
			     (bi->slab ? RB_SLAB : 0) | (bi->cma ? RB_CMA : 0) |
			     (bi->memcg_offline ? RB_OFFLINE : 0) |
			     (bi->memcg_objcg ? RB_OBJCG : 0));
}

static int rec_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct recorder *r = self;
	struct recorder_stack *s;

	if (!r->in_sample)
		return 0;
	s = rec_lookup(r, rec);
	if (rec->has_count && rec_touch(r, s, rec->count, err) < 0)
		return -1;
	if (rec->block)
		rec_block(r, s, rec->block);
	if (rec->calls && r->unit == UNIT_BYTES) {
		if (s->seen != r->cur)
			rec_touch(r, s, 0, err);
		if (rec->calls > PT_COUNT_MAX - s->calls) {
			pt_err_set(err, _("sample %llu: a call site has more than 2^48 calls; the input is damaged"),
				   (unsigned long long)r->si.seq);
			return -1;
		}
		s->calls += rec->calls;
	}
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

void recorder_symbols_later(struct recorder *r)
{
	r->sym_later = 1;
}

void recorder_set_symbols(struct recorder *r, struct symbols *sym)
{
	r->sym = sym;
	if (sym && !r->sym_asked) {
		r->sym_asked = strtab_new();
		r->sym_objs = strtab_new();
	}
}

/* A field of an "l" line: one word, whatever the debug info holds. */
static void ob_word(struct obuf *b, const char *s)
{
	if (!s || !*s) {
		ob_chr(b, '?');
		return;
	}
	for (; *s; s++)
		ob_chr(b, *s == ' ' || *s == '\n' || *s == '\r' ? '_' : *s);
}

/* "meta symbols-build-id OBJECT HEX" before the object's first carried frame. */
static void write_sym_object(struct recorder *r, const char *obj)
{
	struct sym_object *v;
	size_t n;

	if (strtab_find(r->sym_objs, obj, strlen(obj)) != UINT32_MAX)
		return;
	strtab_intern(r->sym_objs, obj, strlen(obj));
	n = symbols_objects(r->sym, &v);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, obj) == 0 && v[i].build_id[0]) {
			ob_str(&r->defs, "meta symbols-build-id ");
			ob_str(&r->defs, obj);
			ob_chr(&r->defs, ' ');
			ob_str(&r->defs, v[i].build_id);
			ob_chr(&r->defs, '\n');
			break;
		}
	free(v);
}

/* "x N TEXT" and its N "l LINE COLUMN SHORT FUNCTION FILE" lines: what debug info says
 * of a frame (res), when it has lines. */
static void write_sym_answer(struct recorder *r, const char *text, size_t len,
			     const struct sym_result *res)
{
	char obj[64];

	if (!res || res->status != SYM_OK || !res->nframes ||
	    symbols_frame_object(text, len, obj, sizeof(obj)) < 0)
		return;
	write_sym_object(r, obj);
	ob_str(&r->defs, "x ");
	ob_u64(&r->defs, res->nframes);
	ob_chr(&r->defs, ' ');
	ob_add(&r->defs, text, len);
	ob_chr(&r->defs, '\n');
	r->stats.carried++;
	for (unsigned i = 0; i < res->nframes; i++) {
		const struct sym_frame *f = &res->frames[i];
		size_t flen = f->file ? strlen(f->file) : 0;
		size_t slen = f->short_file ? strlen(f->short_file) : 0, skip = 0;

		/* the short name is the file's tail (relative to the compilation directory) */
		if (flen && slen && slen <= flen && strcmp(f->file + flen - slen, f->short_file) == 0)
			skip = flen - slen;

		ob_str(&r->defs, "l ");
		ob_u64(&r->defs, f->line);
		ob_chr(&r->defs, ' ');
		ob_u64(&r->defs, f->column);
		ob_chr(&r->defs, ' ');
		ob_u64(&r->defs, flen ? skip : 0);
		ob_chr(&r->defs, ' ');
		ob_word(&r->defs, f->function);
		ob_chr(&r->defs, ' ');
		if (!flen)
			ob_chr(&r->defs, '?');
		for (size_t k = 0; k < flen; k++)
			ob_chr(&r->defs, f->file[k] == '\n' || f->file[k] == '\r' ? '_' : f->file[k]);
		ob_chr(&r->defs, '\n');
	}
}

/* A frame's lines, once per text: now, or in turn with recorder_symbols_later(). */
static void write_sym_frame(struct recorder *r, const char *text, size_t len)
{
	uint32_t id;

	if (strtab_find(r->sym_asked, text, len) != UINT32_MAX)
		return;
	id = strtab_intern(r->sym_asked, text, len);
	if (!r->sym_later || r->unit == UNIT_BYTES) {
		write_sym_answer(r, text, len, symbols_lookup(r->sym, text, len));
		return;
	}
	if (r->nsym_queue == r->capsym_queue) {
		r->capsym_queue = r->capsym_queue ? r->capsym_queue * 2 : 1024;
		r->sym_queue = xreallocarray(r->sym_queue, r->capsym_queue, sizeof(uint32_t));
	}
	r->sym_queue[r->nsym_queue++] = id;
}

/* The queued frames' lines, in the order asked, up to the first not answered yet (all
 * with wait). */
static void sym_flush(struct recorder *r, int wait)
{
	if (wait && r->sym_head < r->nsym_queue)
		symbols_wait(r->sym);
	while (r->sym_head < r->nsym_queue) {
		uint32_t id = r->sym_queue[r->sym_head];
		const char *text = strtab_str(r->sym_asked, id);
		size_t len = strtab_len(r->sym_asked, id);
		const struct sym_result *res = symbols_lookup(r->sym, text, len);

		if (!res)
			break;
		write_sym_answer(r, text, len, res);
		r->sym_head++;
	}
	if (r->sym_head == r->nsym_queue)
		r->sym_head = r->nsym_queue = 0;
}

/* The frames of the stacks defined in this sample are asked for at once, and waited
 * for (but with recorder_symbols_later()): their answers go before their definitions. */
static void ask_symbols(struct recorder *r)
{
	int asked = 0;

	if (r->unit == UNIT_BYTES)
		return; /* a call site is its own source line */
	for (size_t i = 0; i < r->nst; i++) {
		struct recorder_stack *s = &r->st[i];
		int64_t now = s->seen == r->cur ? s->acc : 0;
		const char *p = s->text, *end = s->text + s->tlen;

		if (now == s->prev || s->fid)
			continue;
		for (unsigned k = 0; k < s->nframes; k++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);

			if (strtab_find(r->sym_asked, p, n) == UINT32_MAX) {
				symbols_request(r->sym, p, n);
				asked = 1;
			}
			p += n + (nl ? 1 : 0);
		}
	}
	if (asked && !r->sym_later)
		symbols_wait(r->sym);
}

static void write_def(struct recorder *r, struct recorder_stack *s)
{
	struct obuf *b = &r->defs;
	const char *p = s->text, *end = s->text + s->tlen;

	if (r->sym) {
		/* what debug info says of its frames, before the stack */
		for (unsigned i = 0; i < s->nframes; i++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);

			write_sym_frame(r, p, n);
			p += n + (nl ? 1 : 0);
		}
		p = s->text;
	}
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

static int blk_cmp(const void *a, const void *b)
{
	const struct recorder_block *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int blk_same(const struct recorder_block *x, const struct recorder_block *y)
{
	return x->ts == y->ts && x->stack == y->stack && x->comm == y->comm &&
	       x->gfp_text == y->gfp_text && x->memcg == y->memcg && x->reason == y->reason &&
	       x->gfp == y->gfp && x->pid == y->pid && x->tgid == y->tgid &&
	       x->order == y->order && x->mt == y->mt && x->flags == y->flags;
}

/* "a PFN STACK ORDER PID TGID TS GFP MT FLAGS COMM GFPTEXT MEMCG REASON" */
static void block_line(struct recorder *r, const struct recorder_block *b)
{
	const uint64_t v[] = { b->pfn, r->st[b->stack].fid, b->order, (uint32_t)b->pid,
			       (uint32_t)b->tgid, b->ts, b->gfp, b->mt, b->flags, b->comm,
			       b->gfp_text, b->memcg, b->reason };

	ob_chr(&r->body, 'a');
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		ob_chr(&r->body, ' ');
		ob_u64(&r->body, v[i]);
	}
	ob_chr(&r->body, '\n');
}

/* The blocks that came ("a", also for a PFN whose block changed) and went ("d PFN")
 * since the sample before, in the order of their PFNs; new texts first ("n ID TEXT",
 * with the definitions). 0, or -1 when two blocks have one PFN. */
static int blocks_write(struct recorder *r, uint64_t *changed, struct pt_err *err)
{
	size_t i = 0, j = 0;
	uint32_t nt = r->texts ? strtab_count(r->texts) : 0;

	for (; r->ntexts < nt; r->ntexts++) {
		ob_add(&r->defs, "n ", 2);
		ob_u64(&r->defs, r->ntexts + 1);
		ob_chr(&r->defs, ' ');
		ob_add(&r->defs, strtab_str(r->texts, r->ntexts), strtab_len(r->texts, r->ntexts));
		ob_chr(&r->defs, '\n');
	}
	/* a dump lists its blocks by PFN already */
	for (size_t k = 1; k < r->nblk; k++)
		if (r->blk[k].pfn <= r->blk[k - 1].pfn) {
			qsort(r->blk, r->nblk, sizeof(*r->blk), blk_cmp);
			break;
		}
	for (size_t k = 1; k < r->nblk; k++)
		if (r->blk[k].pfn == r->blk[k - 1].pfn) {
			pt_err_set(err, _("sample %llu: two blocks at PFN 0x%llx: a dump lists each page once; the input is damaged"),
				   (unsigned long long)r->si.seq, (unsigned long long)r->blk[k].pfn);
			return -1;
		}
	while (i < r->nblk || j < r->npblk) {
		if (j == r->npblk || (i < r->nblk && r->blk[i].pfn < r->pblk[j].pfn)) {
			block_line(r, &r->blk[i++]);
		} else if (i == r->nblk || r->pblk[j].pfn < r->blk[i].pfn) {
			ob_add(&r->body, "d ", 2);
			ob_u64(&r->body, r->pblk[j++].pfn);
			ob_chr(&r->body, '\n');
		} else {
			if (blk_same(&r->blk[i], &r->pblk[j])) {
				i++, j++;
				continue;
			}
			block_line(r, &r->blk[i++]);
			j++;
		}
		(*changed)++;
	}
	{
		struct recorder_block *t = r->pblk;
		size_t c = r->cpblk;

		r->pblk = r->blk;
		r->cpblk = r->cblk;
		r->blk = t;
		r->cblk = c;
	}
	r->npblk = r->nblk;
	r->nblk = 0;
	return 0;
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
	if (r->sym)
		ask_symbols(r);
	ob_str(&r->body, "t ");
	ob_u64(&r->body, r->si.seq);
	ob_chr(&r->body, ' ');
	ob_time(&r->body, r->si.time);
	ob_str(&r->body, r->si.time_abs ? " 1\n" : " 0\n");
	if (r->mem.valid) {
		/* /proc/meminfo's names, in bytes */
		ob_str(&r->body, "m MemTotal ");
		ob_u64(&r->body, r->mem.total);
		ob_str(&r->body, " MemAvailable ");
		ob_u64(&r->body, r->mem.available);
		ob_str(&r->body, " Slab ");
		ob_u64(&r->body, r->mem.slab);
		ob_str(&r->body, " PageTables ");
		ob_u64(&r->body, r->mem.page_tables);
		ob_chr(&r->body, '\n');
	}
	for (size_t i = 0; i < r->nst; i++) {
		struct recorder_stack *s = &r->st[i];
		int64_t now = s->seen == r->cur ? s->acc : 0;
		uint64_t calls = s->seen == r->cur ? s->calls : 0;
		/* allocinfo lists every call site, with 0 bytes too: which are listed is
		 * written as well ("c ID -" when one is not any more) */
		int present = r->unit == UNIT_BYTES && s->seen == r->cur;

		if (now) {
			nonzero++;
			total += (uint64_t)now;
		}
		if (now == s->prev && calls == s->prev_calls && present == s->present)
			continue;
		if (!s->fid)
			write_def(r, s);
		ob_add(&r->body, "c ", 2);
		ob_u64(&r->body, s->fid);
		s->present = present;
		if (r->unit == UNIT_BYTES && !present) {
			ob_str(&r->body, " -\n");
			s->prev = 0;
			s->prev_calls = 0;
			changed++;
			continue;
		}
		ob_chr(&r->body, ' ');
		ob_i64(&r->body, now);
		if (r->unit == UNIT_BYTES) {
			ob_chr(&r->body, ' ');
			ob_u64(&r->body, calls);
		}
		ob_chr(&r->body, '\n');
		s->prev = now;
		s->prev_calls = calls;
		changed++;
	}
	if (r->sym_later)
		sym_flush(r, 0);
	if (blocks_write(r, &changed, err) < 0)
		return -1;
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

/* The recorder's result: in soft mode a failure is kept and the source goes on. */
static int tee_rec(struct recorder_tee *t, int rc, struct pt_err *err)
{
	if (rc >= 0 || !t->soft)
		return rc;
	t->failed = 1;
	t->err = *err;
	return 0;
}

static int tee_meta(void *self, const struct source_meta *meta, struct pt_err *err)
{
	struct recorder_tee *t = self;

	if (!t->failed && tee_rec(t, rec_meta(t->rec, meta, err), err) < 0)
		return -1;
	return t->other.ops->meta(t->other.self, meta, err);
}

static int tee_begin(void *self, const struct sample_info *si, struct pt_err *err)
{
	struct recorder_tee *t = self;

	if (!t->failed && tee_rec(t, rec_begin(t->rec, si, err), err) < 0)
		return -1;
	return t->other.ops->begin(t->other.self, si, err);
}

static int tee_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct recorder_tee *t = self;

	if (!t->failed && tee_rec(t, rec_stack(t->rec, rec, err), err) < 0)
		return -1;
	return t->other.ops->stack(t->other.self, rec, err);
}

static int tee_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct recorder_tee *t = self;

	if (!t->failed && tee_rec(t, rec_count(t->rec, handle, count, err), err) < 0)
		return -1;
	return t->other.ops->count(t->other.self, handle, count, err);
}

static int tee_end(void *self, struct pt_err *err)
{
	struct recorder_tee *t = self;

	if (!t->failed && tee_rec(t, rec_end(t->rec, err), err) < 0)
		return -1;
	return t->other.ops->end(t->other.self, err);
}

static void tee_prefetch(void *self, const struct stack_rec *rec)
{
	struct recorder_tee *t = self;

	if (t->other.ops->prefetch)
		t->other.ops->prefetch(t->other.self, rec);
}

static size_t tee_forgotten(void *self, const uint64_t **handles)
{
	struct recorder_tee *t = self;

	return t->other.ops->forgotten ? t->other.ops->forgotten(t->other.self, handles) : 0;
}

static const struct sink_ops tee_ops = {
	tee_meta, tee_begin, tee_stack, tee_count, tee_end, tee_prefetch, tee_forgotten,
};

struct sink recorder_tee_sink(struct recorder_tee *t)
{
	struct sink s = { &tee_ops, t };

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
		if (rc == 0 && r->sym && r->nsym_queue) { /* the lines still to come */
			r->defs.len = 0;
			sym_flush(r, 1);
			if (write_buf(r, &r->defs, err) < 0)
				rc = -1;
		}
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
	free(r->blk);
	free(r->pblk);
	if (r->texts)
		strtab_free(r->texts);
	if (r->sym_asked) {
		strtab_free(r->sym_asked);
		strtab_free(r->sym_objs);
	}
	free(r->sym_queue);
	free(r->name);
	free(r);
}

void recorder_get_stats(const struct recorder *r, struct recorder_stats *st)
{
	*st = r->stats;
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
