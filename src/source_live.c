/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live.c - the live kernel source: reads debugfs page_owner files on a worker
 * thread.
 *
 * The worker owns the file descriptors (kept open, re-read from offset 0 each tick), reads
 * and parses a whole tick into a buffered sample of its own, and queues it; the main thread
 * replays queued samples into the consumer's sink from source_next(). So the UI and the
 * batch loop never wait on the kernel: a slow read shows up in source_stalled().
 *
 * On 6.19+ kernels a tick reads show_handles (small) and reads show_stacks_handles only
 * when show_handles names a handle not seen yet, stopping at the first known handle: the
 * kernel's stack list only grows at its head (doc/recording.md, "Live sources").
 *
 * Which interface there is, or why there is none, is source_live_diag.c's; the kernel's
 * count_threshold source_live_kthreshold.c's (source_live_int.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "parse.h"
#include "reader.h"
#include "source.h"
#include "source_impl.h"
#include "source_live.h"
#include "source_live_int.h"
#include "source_privsep.h"
#include "util.h"

#define QUEUE_MAX 2                   /* samples waiting for the consumer */
#define CHUNK_FIRST 4096              /* first read of show_stacks_handles: often enough */
#define CHUNK_MAX (256 * 1024)
#define PAGE_OWNER_CHUNK (64 * 1024)  /* a read under 4096 bytes can fail with ENOMEM */
#define JOIN_TIMEOUT 2.0              /* seconds to wait for a worker stuck in read() */
#define RETRY_MAX 30.0                /* longest wait between retries of a failing source */
#define TRANSIENT_MAX 64              /* EINTR/EAGAIN retries of one read() before it fails */
#define EAGAIN_WAIT 1.0               /* seconds one read() may wait for data after EAGAIN */
#define SHORT_READ 7                  /* bytes a "short" read fault lets through */

/* ---------------------------------------------------------------------------------- */
/* growable byte buffer */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64 * 1024;

	while (cap < b->len + extra)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

/* ---------------------------------------------------------------------------------- */
/* a tick's sample, buffered by the worker, replayed by the main thread */

struct tick_frame {
	uint32_t off, len;      /* into text */
	uint64_t hash;
	uint32_t key;           /* the parse's key of the text (keyspace), or 0 */
};

struct tick_stack {
	uint64_t handle, count;
	uint64_t calls;         /* allocinfo */
	uint32_t first;         /* into refs */
	uint16_t nframes;
	uint8_t has_count, has_block;
	struct block_info blk;  /* comm is comm_off into text */
	uint32_t comm_off;
	uint32_t gfp_off, memcg_off, reason_off; /* the block's other texts, as comm */
};

struct tick_count {
	uint64_t handle, count;
};

struct tick_sample {
	struct tick_sample *next;
	double time;
	struct meminfo mem;     /* the system's counters, read right after the tick */
	int failed;             /* 1: the source ended; 2: this tick failed, retrying */
	uint64_t recovered;     /* good tick after this many failed ones */
	double raised_from, raised_to; /* the interval this tick raised, to be said */
	struct pt_err err;
	struct buf text;        /* frame texts, each once per sample, and commands */
	struct tick_frame *uf;  /* unique frames */
	size_t nuf, cuf;
	uint32_t *slots;        /* open addressing over uf: index + 1, 0 empty */
	size_t nslots;
	uint32_t *refs;         /* frames of stacks, as uf indexes */
	size_t nrefs, crefs;
	struct tick_stack *st;
	size_t nst, cst;
	struct tick_count *ct;
	size_t nct, cct;
	uint64_t keyspace;      /* of the frames' keys (allocinfo: the same every tick), or 0 */
};

static void tick_sample_free(struct tick_sample *m)
{
	if (!m)
		return;
	free(m->text.p);
	free(m->uf);
	free(m->slots);
	free(m->refs);
	free(m->st);
	free(m->ct);
	free(m);
}

static uint32_t tick_sample_text(struct tick_sample *m, const char *s, size_t n)
{
	uint32_t off;

	buf_reserve(&m->text, n);
	off = (uint32_t)m->text.len;
	memcpy(m->text.p + off, s, n);
	m->text.len += n;
	return off;
}

static void tick_sample_rehash(struct tick_sample *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 1024;

	free(m->slots);
	m->slots = xcalloc(n, sizeof(*m->slots));
	m->nslots = n;
	for (size_t i = 0; i < m->nuf; i++) {
		size_t j = m->uf[i].hash & (n - 1);

		while (m->slots[j])
			j = (j + 1) & (n - 1);
		m->slots[j] = (uint32_t)i + 1;
	}
}

/* Frames repeat a lot across stacks (the allocator's own frames are in all of them): store
 * each text once per sample. */
static uint32_t tick_sample_frame(struct tick_sample *m, const char *s, uint32_t len)
{
	uint64_t h = hash_bytes(s, len, 0x6c697665);
	size_t j;

	if ((m->nuf + 1) * 2 > m->nslots)
		tick_sample_rehash(m);
	j = h & (m->nslots - 1);
	while (m->slots[j]) {
		const struct tick_frame *f = &m->uf[m->slots[j] - 1];

		if (f->hash == h && f->len == len && memcmp(m->text.p + f->off, s, len) == 0)
			return m->slots[j] - 1;
		j = (j + 1) & (m->nslots - 1);
	}
	if (m->nuf == m->cuf) {
		m->cuf = m->cuf ? m->cuf * 2 : 1024;
		m->uf = xreallocarray(m->uf, m->cuf, sizeof(*m->uf));
	}
	m->uf[m->nuf].off = tick_sample_text(m, s, len);
	m->uf[m->nuf].len = len;
	m->uf[m->nuf].hash = h;
	m->uf[m->nuf].key = 0;
	m->slots[j] = (uint32_t)m->nuf + 1;
	return (uint32_t)m->nuf++;
}

/* ---------------------------------------------------------------------------------- */
/* a set of kernel handles */

struct handle_set {
	uint64_t *v;            /* 0: empty (handles are never 0) */
	size_t n, cap;
};

static int handle_set_has(const struct handle_set *s, uint64_t h)
{
	if (!s->cap)
		return 0;
	for (size_t j = hash_u64(h) & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->v[j] == h)
			return 1;
		if (!s->v[j])
			return 0;
	}
}

static void handle_set_add(struct handle_set *s, uint64_t h)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct handle_set t = { xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(uint64_t)), 0,
				  s->cap ? s->cap * 2 : 1024 };

		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				handle_set_add(&t, s->v[i]);
		free(s->v);
		*s = t;
	}
	for (size_t j = hash_u64(h) & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->v[j] == h)
			return;
		if (!s->v[j]) {
			s->v[j] = h;
			s->n++;
			return;
		}
	}
}

/* Linear probing: the entries after the hole that may sit there move up into it. */
static void handle_set_del(struct handle_set *s, uint64_t h)
{
	size_t mask = s->cap - 1, j, i;

	if (!s->cap)
		return;
	for (j = hash_u64(h) & mask; s->v[j] != h; j = (j + 1) & mask)
		if (!s->v[j])
			return;
	for (i = j;;) {
		size_t home;

		i = (i + 1) & mask;
		if (!s->v[i])
			break;
		home = hash_u64(s->v[i]) & mask;
		if (((i - home) & mask) >= ((i - j) & mask)) {
			s->v[j] = s->v[i];
			j = i;
		}
	}
	s->v[j] = 0;
	s->n--;
}

/* ---------------------------------------------------------------------------------- */
/* the source */

/* The files are source_privsep.h's table (one table for both sides of
 * --drop-privileges): the data files first, then the thresholds. */
struct live {
	/* set at open, read-only afterwards */
	char *dir;
	const char *debugfs;    /* page_owner's folder, also while reading allocinfo */
	enum pt_iface iface;
	double interval;        /* under mu once the worker runs: it raises it */
	double interval_asked;  /* -d or the last set (0: the interface's own); UI thread */
	int fd[PSF_DATA_N];
	char *path[PSF__N];     /* the data files, then the thresholds */
	int privsep;            /* --drop-privileges: files come from the helper */
	struct live_faults faults;
	char *release, *build_id, *hostname;
	char *meminfo_path;     /* /proc/meminfo, or PAGETOP_MEMINFO */
	long threshold_set, threshold_orig;

	/* worker only */
	struct live_stats tick; /* the tick being read; copied to stats under mu */
	struct buf rb[PSF_DATA_N];
	struct handle_set known;      /* handles already defined to the consumer */
	struct handle_set missing;    /* counted in show_handles, absent from show_stacks_handles */
	struct parse_dict *dict;      /* allocinfo: the frame dictionary of every tick */
	uint64_t *fw;           /* handles the consumer forgot, taken from fq */
	size_t cfw;
	uint64_t fails;         /* failed ticks in a row */
	double backoff;         /* wait before the next retry */
	atomic_uint_fast64_t tick_bytes; /* read by this tick so far (the header's progress) */

	/* shared, under mu */
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* worker waits: tick due, refresh, room, stop */
	struct tick_sample *qhead, *qtail;
	size_t qlen;
	int stop, refresh, finished;
	uint64_t *fq;           /* handles the consumer forgot (source_forget) */
	size_t nfq, cfq;
	int reading;
	double read_start;
	uint64_t bytes_good;    /* read by the last good tick: the next one's estimate */
	int raise_said;         /* the interval was raised and the user told */
	struct live_stats stats;
	int efd;                /* readable while the queue is not empty */
	atomic_int stopping;    /* checked between read() calls */
};

static double mono_now(void)
{
	return time_mono();
}

/* The opener: file f of the live interface (a data file, or with O_RDWR a threshold),
 * directly or, with --drop-privileges, read-only through the helper. Both take the
 * fault hook first. Returns fd, or -1 with errno. */
static int live_open(const struct live *L, enum ps_file f, int flags)
{
	int e = live_fault_open(&L->faults, L->path[f]);

	if (e) {
		errno = e;
		return -1;
	}
	if (L->privsep)
		return privsep_open(f);
	return debugfs_open_path(L->path[f], flags);
}

/* stat() of file f, directly or through the helper (an unprivileged pagetop cannot look
 * into debugfs). */
static int live_stat(const struct live *L, enum ps_file f, struct stat *st)
{
	if (L->privsep)
		return privsep_stat(f, st);
	return stat(L->path[f], st);
}

static const enum ps_file iface_files[][2] = {
	[IFACE_HANDLES] = { PSF_HANDLES, PSF_STACKS_HANDLES },
	[IFACE_SHOW_STACKS] = { PSF_STACKS, PSF_DATA_N },
	[IFACE_PROPOSAL] = { PSF_PROPOSAL, PSF_DATA_N },
	[IFACE_PAGE_OWNER] = { PSF_PAGE_OWNER, PSF_DATA_N },
	[IFACE_ALLOCINFO] = { PSF_ALLOCINFO, PSF_DATA_N },
};

static void live_close_files(struct live *L)
{
	for (int i = 0; i < PSF_DATA_N; i++) {
		if (L->fd[i] >= 0)
			close(L->fd[i]);
		L->fd[i] = -1;
	}
}

/* Opens the files of the chosen interface that are not open; they stay open until a tick
 * fails (then they are opened again for the next try). */
static int live_open_files(struct live *L, struct pt_err *err)
{
	for (int i = 0; i < 2; i++) {
		enum ps_file f = iface_files[L->iface][i];

		if (f == PSF_DATA_N || L->fd[f] >= 0)
			continue;
		L->fd[f] = live_open(L, (enum ps_file)f, O_RDONLY);
		if (L->fd[f] < 0) {
			live_say_access(L->path[f], errno, err);
			return -1;
		}
	}
	return 0;
}

/* Before each tick: the files must still be the ones at their paths. An open descriptor
 * keeps a deleted file (or a lazily unmounted debugfs) readable, so without this a
 * vanished source would go on showing its last state. A file replaced by another is
 * opened again. Returns 0, or -1 with err when a file is gone. */
static int live_check_files(struct live *L, struct pt_err *err)
{
	for (int i = 0; i < 2; i++) {
		enum ps_file f = iface_files[L->iface][i];
		struct stat ps, fs;

		if (f == PSF_DATA_N || L->fd[f] < 0)
			continue;
		if (live_stat(L, (enum ps_file)f, &ps) < 0) {
			int e = errno;

			live_close_files(L);
			if ((e == ENOENT || e == ENOTDIR) && L->iface == IFACE_ALLOCINFO)
				pt_err_set(err, _("%s is gone"), L->path[f]);
			else if (e == ENOENT || e == ENOTDIR)
				pt_err_set(err, _("%s is gone (debugfs unmounted?)"), L->path[f]);
			else
				live_say_access(L->path[f], e, err);
			return -1;
		}
		if (fstat(L->fd[f], &fs) < 0 || fs.st_dev != ps.st_dev || fs.st_ino != ps.st_ino) {
			close(L->fd[f]);
			L->fd[f] = -1;
		}
	}
	return live_open_files(L, err);
}

/* The kernel's threshold of the interface. */
static void kthreshold_of(const struct live *L, struct kthreshold_file *t)
{
	t->dir = L->dir;
	t->f = L->iface == IFACE_PROPOSAL ? PSF_PROPOSAL_THRESHOLD : PSF_COUNT_THRESHOLD;
	t->path = L->path[t->f];
	t->privsep = L->privsep;
	t->fault = live_fault_open(&L->faults, t->path);
}

/* Writes count_threshold when asked, the first time. */
static int live_set_threshold(struct live *L, long value, struct pt_err *err)
{
	struct kthreshold_file t;
	long orig;

	if (L->iface == IFACE_ALLOCINFO) {
		pt_err_set(err, "%s", _("--kernel-threshold is page_owner's: /proc/allocinfo has no threshold"));
		return -1;
	}
	if (L->iface == IFACE_PAGE_OWNER) {
		pt_err_set(err, "%s",
			   _("--kernel-threshold needs page_owner_stacks (Linux 6.9+ or the proposal's page_owner_threshold); this kernel has only the per-block dump"));
		return -1;
	}
	kthreshold_of(L, &t);
	if (kthreshold_set(&t, value, &orig, err) < 0)
		return -1;
	L->threshold_set = value;
	L->threshold_orig = orig;
	return 0;
}

/* ---- reading ---- */

/* Back to offset 0: seq_file restarts its walk there. The per-block dump keeps its PFN
 * cursor in the file position, so never pread() with offsets of our own: seek once, then
 * read sequentially. A FIFO (tests) cannot seek and needs not. */
static int file_rewind(int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
		return -1;
	return 0;
}

/* read(), or what PAGETOP_FAULT says it does instead. */
static ssize_t read_or_fault(struct live *L, enum ps_file f, char *p, size_t want)
{
	int fault = L->faults.n ? live_fault_read(&L->faults, L->path[f]) : 0;

	if (fault == FAULT_SHORT)
		return read(L->fd[f], p, want < SHORT_READ ? want : SHORT_READ);
	if (fault) {
		errno = fault;
		return -1;
	}
	return read(L->fd[f], p, want);
}

/* One successful read() of file f into b: at most want bytes, maybe fewer (a short read
 * is not the end: only 0 is). EINTR is retried, and so is EAGAIN after waiting for data
 * (poll), both a bounded number of times (TRANSIENT_MAX, EAGAIN_WAIT) so a file that
 * never answers fails the tick instead of hanging it. Returns bytes, 0 at the end, -1 on
 * error (errno), -2 when asked to stop. */
static ssize_t read_some(struct live *L, enum ps_file f, struct buf *b, size_t want)
{
	double deadline = 0;
	int tries = 0;
	ssize_t n;

	buf_reserve(b, want + 1);
	for (;;) {
		if (atomic_load(&L->stopping))
			return -2;
		n = read_or_fault(L, f, b->p + b->len, want);
		if (n >= 0)
			break;
		if (errno != EINTR && errno != EAGAIN)
			return -1;
		if (++tries > TRANSIENT_MAX)
			return -1;
		L->tick.retries++;
		if (errno == EAGAIN) {
			struct pollfd p = { L->fd[f], POLLIN, 0 };
			double now = mono_now(), left;

			if (!deadline)
				deadline = now + EAGAIN_WAIT;
			left = deadline - now;
			if (left <= 0) {
				errno = EAGAIN;
				return -1;
			}
			/* in slices, so that a stop request is seen */
			if (poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1e3) + 1) < 0 &&
			    errno != EINTR) {
				return -1;
			}
		}
	}
	b->len += (size_t)n;
	atomic_fetch_add_explicit(&L->tick_bytes, (uint_fast64_t)n, memory_order_relaxed);
	return n;
}

static int read_fail(struct live *L, enum ps_file f, int e, struct pt_err *err)
{
	live_say_access(L->path[f], e, err);
	return -1;
}

/* Reads a whole file from offset 0 into L->rb[f]. Returns 0, -1 with err, -2 stopping. */
static int read_whole(struct live *L, enum ps_file f, struct pt_err *err)
{
	struct buf *b = &L->rb[f];
	size_t chunk = f == PSF_PAGE_OWNER ? PAGE_OWNER_CHUNK : CHUNK_MAX;
	ssize_t n;

	b->len = 0;
	if (file_rewind(L->fd[f]) < 0)
		return read_fail(L, f, errno, err);
	while ((n = read_some(L, f, b, chunk)) > 0)
		;
	if (n == -2)
		return -2;
	if (n < 0)
		return read_fail(L, f, errno, err);
	return 0;
}

static int blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* The copying sink the worker parses into. */
struct collect {
	struct live *L;
	struct tick_sample *m;
	int skip_known;         /* show_stacks_handles: drop records of known handles */
	uint64_t records, defined;
};

static int collect_meta(void *self, const struct source_meta *meta, struct pt_err *err)
{
	(void)self, (void)meta, (void)err;
	return 0;
}

static int collect_begin(void *self, const struct sample_info *s, struct pt_err *err)
{
	(void)self, (void)s, (void)err;
	return 0;
}

static int collect_end(void *self, struct pt_err *err)
{
	(void)self, (void)err;
	return 0;
}

static int collect_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct collect *c = self;
	struct tick_sample *m = c->m;
	struct tick_stack *s;

	(void)err;
	c->records++;
	if (rec->handle && c->skip_known) {
		if (handle_set_has(&c->L->known, rec->handle))
			return 0;
		handle_set_add(&c->L->known, rec->handle);
		c->defined++;
	}
	if (m->nst == m->cst) {
		m->cst = m->cst ? m->cst * 2 : 256;
		m->st = xreallocarray(m->st, m->cst, sizeof(*m->st));
	}
	if (m->nrefs + rec->nframes > m->crefs) {
		while (m->nrefs + rec->nframes > m->crefs)
			m->crefs = m->crefs ? m->crefs * 2 : 4096;
		m->refs = xreallocarray(m->refs, m->crefs, sizeof(*m->refs));
	}
	s = &m->st[m->nst++];
	memset(s, 0, sizeof(*s));
	s->handle = rec->handle;
	s->has_count = rec->has_count != 0;
	s->count = rec->count;
	s->calls = rec->calls;
	s->first = (uint32_t)m->nrefs;
	s->nframes = (uint16_t)rec->nframes;
	for (unsigned i = 0; i < rec->nframes; i++) {
		uint32_t u = tick_sample_frame(m, rec->frames[i].s, rec->frames[i].len);

		m->refs[m->nrefs++] = u;
		if (c->L->dict && rec->keyspace) {
			/* the dictionary lasts: the model maps its keys once, not texts each tick */
			m->keyspace = rec->keyspace;
			m->uf[u].key = rec->frames[i].key;
		}
	}
	if (rec->block) {
		s->has_block = 1;
		s->blk = *rec->block;
		s->comm_off = tick_sample_text(m, rec->block->comm ? rec->block->comm : "",
					   rec->block->comm ? rec->block->comm_len : 0);
		s->blk.comm = NULL;
		if (rec->block->gfp_text)
			s->gfp_off = tick_sample_text(m, rec->block->gfp_text,
						      rec->block->gfp_text_len);
		if (rec->block->memcg)
			s->memcg_off = tick_sample_text(m, rec->block->memcg,
							rec->block->memcg_len);
		if (rec->block->reason)
			s->reason_off = tick_sample_text(m, rec->block->reason,
							 rec->block->reason_len);
	}
	return 0;
}

static int collect_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	struct collect *c = self;
	struct tick_sample *m = c->m;

	(void)err;
	c->records++;
	if (m->nct == m->cct) {
		m->cct = m->cct ? m->cct * 2 : 1024;
		m->ct = xreallocarray(m->ct, m->cct, sizeof(*m->ct));
	}
	m->ct[m->nct].handle = handle;
	m->ct[m->nct].count = count;
	m->nct++;
	return 0;
}

static const struct sink_ops collect_ops = {
	.meta = collect_meta,
	.begin = collect_begin,
	.stack = collect_stack,
	.count = collect_count,
	.end = collect_end,
};

static int parse_into(struct collect *c, enum ps_file f, const char *p, size_t n,
		      enum pfmt fmt, struct pt_err *err)
{
	struct sink snk = { &collect_ops, c };
	struct reader *r;
	int rc;

	/* An empty file is a valid tick: every stack below the threshold. */
	if (blank(p, n))
		return 0;
	if (reader_open_mem(&r, p, n, c->L->path[f], err) < 0)
		return -1;
	if (fmt == PF_ALLOCINFO) {
		/* the same call sites every tick: one dictionary for them all */
		struct parse_at at = { .fmt = PF_UNKNOWN, .first = 1 };

		if (!c->L->dict)
			c->L->dict = parse_dict_new();
		at.dict = c->L->dict;
		rc = parse_stream_at(r, &at, NULL, NULL, &snk, err);
		reader_close(r);
		return rc;
	}
	rc = parse_stream(r, fmt, NULL, &snk, err);
	reader_close(r);
	return rc;
}

static int tick_whole(struct live *L, enum ps_file f, enum pfmt fmt, struct collect *c,
		      struct pt_err *err)
{
	int rc = read_whole(L, f, err);

	if (rc < 0)
		return rc;
	L->tick.bytes_last += L->rb[f].len;
	return parse_into(c, f, L->rb[f].p, L->rb[f].len, fmt, err);
}

/* Handle of a "handle: N" line, or 0. */
static uint64_t handle_line(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i = 7;

	if (n <= 7 || memcmp(s, "handle:", 7) != 0)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* How many counts of this tick name a handle not defined yet; *fresh: how many of those
 * were not missing at an earlier tick already. */
static size_t count_undefined(const struct live *L, const struct tick_sample *m, size_t *fresh)
{
	size_t n = 0;

	*fresh = 0;
	for (size_t i = 0; i < m->nct; i++) {
		if (!handle_set_has(&L->known, m->ct[i].handle)) {
			n++;
			if (!handle_set_has(&L->missing, m->ct[i].handle))
				(*fresh)++;
		}
	}
	return n;
}

/* Reads show_stacks_handles from its start until the first record whose handle is known
 * (*found), or to its end: new stacks are at the head. The reads double, so that a few
 * new stacks cost a few KiB. *cut: where the records before the known one end. Returns
 * 0, -1 with err, -2 when stopping. */
static int read_new_head(struct live *L, size_t *cut, int *found, struct pt_err *err)
{
	struct buf *b = &L->rb[PSF_STACKS_HANDLES];
	size_t scan = 0, chunk = CHUNK_FIRST;
	ssize_t n;

	*cut = 0;
	*found = 0;
	b->len = 0;
	if (file_rewind(L->fd[PSF_STACKS_HANDLES]) < 0)
		return read_fail(L, PSF_STACKS_HANDLES, errno, err);
	while (!*found) {
		n = read_some(L, PSF_STACKS_HANDLES, b, chunk);
		if (n == -2)
			return -2;
		if (n < 0)
			return read_fail(L, PSF_STACKS_HANDLES, errno, err);
		if (n == 0) {
			*cut = b->len;
			break;
		}
		if (chunk < CHUNK_MAX)
			chunk *= 2;
		while (scan < b->len) {
			char *nl = memchr(b->p + scan, '\n', b->len - scan);
			uint64_t h;

			if (!nl)
				break;
			h = handle_line(b->p + scan, (size_t)(nl - (b->p + scan)));
			scan = (size_t)(nl - b->p) + 1;
			if (!h)
				continue;
			if (handle_set_has(&L->known, h)) {
				*found = 1;
				break;
			}
			/* the record ends here, and so does its blank line when present */
			*cut = scan;
			if (*cut < b->len && b->p[*cut] == '\n')
				(*cut)++;
		}
	}
	return 0;
}

/* Reads the rest of show_stacks_handles and parses it from from on (records already
 * known are skipped). Returns 0, -1 with err, -2 when stopping. */
static int read_rest(struct live *L, struct collect *c, size_t from, struct pt_err *err)
{
	struct buf *b = &L->rb[PSF_STACKS_HANDLES];
	ssize_t n;

	while ((n = read_some(L, PSF_STACKS_HANDLES, b, CHUNK_MAX)) > 0)
		;
	if (n == -2)
		return -2;
	if (n < 0)
		return read_fail(L, PSF_STACKS_HANDLES, errno, err);
	return parse_into(c, PSF_STACKS_HANDLES, b->p + from, b->len - from, PF_STACKS_HANDLES,
			  err);
}

/* Counts of handles nobody defined cannot be shown: they are dropped this tick (and
 * retried on the next one) rather than make up a stack. */
static void drop_undefined(struct live *L, struct tick_sample *m)
{
	size_t k = 0;

	for (size_t i = 0; i < m->nct; i++) {
		if (handle_set_has(&L->known, m->ct[i].handle))
			m->ct[k++] = m->ct[i];
		else
			handle_set_add(&L->missing, m->ct[i].handle);
	}
	m->nct = k;
}

/* 6.19+: counts from show_handles; stack definitions from the head of show_stacks_handles,
 * read only as far as needed. */
static int tick_handles(struct live *L, struct collect *c, struct pt_err *err)
{
	struct buf *b = &L->rb[PSF_STACKS_HANDLES];
	size_t fresh, cut;
	int rc, found;

	rc = tick_whole(L, PSF_HANDLES, PF_HANDLES, c, err);
	if (rc < 0)
		return rc;
	if (!count_undefined(L, c->m, &fresh))
		return 0;
	rc = read_new_head(L, &cut, &found, err);
	if (rc < 0)
		return rc;
	rc = parse_into(c, PSF_STACKS_HANDLES, b->p, cut, PF_STACKS_HANDLES, err);
	if (rc < 0)
		return rc;
	/* A counted handle still unknown is not where the kernel's order says it must be:
	 * read the rest once rather than lose it. */
	if (found && fresh) {
		count_undefined(L, c->m, &fresh);
		if (fresh && (rc = read_rest(L, c, cut, err)) < 0)
			return rc;
	}
	L->tick.bytes_last += b->len;
	L->tick.stacks_handles_bytes_last = b->len;
	drop_undefined(L, c->m);
	return 0;
}

/* One tick: read and parse everything of the interface into m. */
static int live_tick(struct live *L, struct tick_sample *m, struct pt_err *err)
{
	struct collect c = { L, m, 0, 0, 0 };
	int rc;

	L->tick.bytes_last = 0;
	L->tick.stacks_handles_bytes_last = 0;
	L->tick.records_last = 0;
	L->tick.new_stacks_last = 0;
	L->tick.retries = 0;
	if (live_check_files(L, err) < 0)
		return -1;
	switch (L->iface) {
	case IFACE_HANDLES:
		c.skip_known = 1;
		rc = tick_handles(L, &c, err);
		break;
	case IFACE_SHOW_STACKS:
		rc = tick_whole(L, PSF_STACKS, PF_SHOW_STACKS, &c, err);
		break;
	case IFACE_PROPOSAL:
		rc = tick_whole(L, PSF_PROPOSAL, PF_PROPOSAL, &c, err);
		break;
	case IFACE_PAGE_OWNER:
		rc = tick_whole(L, PSF_PAGE_OWNER, PF_PAGE_OWNER, &c, err);
		break;
	case IFACE_ALLOCINFO:
		rc = tick_whole(L, PSF_ALLOCINFO, PF_ALLOCINFO, &c, err);
		break;
	default:
		pt_err_set(err, "%s", _("no page_owner interface"));
		rc = -1;
	}
	L->tick.records_last = c.records;
	L->tick.new_stacks_last = c.defined;
	return rc;
}

static void queue_push(struct live *L, struct tick_sample *m)
{
	uint64_t one = 1;
	ssize_t w;

	m->next = NULL;
	if (L->qtail)
		L->qtail->next = m;
	else
		L->qhead = m;
	L->qtail = m;
	L->qlen++;
	w = write(L->efd, &one, sizeof(one));
	(void)w;
}

/* Waits, with mu held, until a tick is due (next, or a refresh) and the queue has room,
 * or the worker is asked to stop. */
static void worker_wait_locked(struct live *L, double next)
{
	while (!L->stop) {
		struct timespec ts;
		double now = mono_now(), until = next - now;

		if (L->qlen >= QUEUE_MAX) {
			pthread_cond_wait(&L->cv, &L->mu);
			continue;
		}
		if (L->refresh || now >= next)
			return;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)until;
		ts.tv_nsec += (long)((until - (double)(time_t)until) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&L->cv, &L->mu, &ts);
	}
}

/* The handles the consumer forgot, moved from fq (the consumer's, under mu) to fw (the
 * worker's); returns how many. */
static size_t take_forgotten_locked(struct live *L)
{
	uint64_t *t = L->fw;
	size_t c = L->cfw, n = L->nfq;

	L->fw = L->fq;
	L->cfw = L->cfq;
	L->fq = t;
	L->cfq = c;
	L->nfq = 0;
	return n;
}

/* A read this long is a long read (the per-block dump of a large machine), not a busy
 * moment: the header shows its progress from then on, and the interval follows it. */
#define LIVE_LONG_READ 1.0

/* With mu held: a good tick took longer than the interval and than a long read, the
 * interval becomes at least its time (reads back to back, not a queue of late ones).
 * m says so the first time. */
static void raise_interval_locked(struct live *L, struct tick_sample *m, double took)
{
	double to = (double)((long)(took * 10) + 1) / 10;

	if (took <= L->interval || took < LIVE_LONG_READ)
		return;
	if (to > 86400)
		to = 86400;
	if (!L->raise_said) {
		m->raised_from = L->interval;
		m->raised_to = to;
		L->raise_said = 1;
	}
	L->interval = to;
}

/* With mu held: the tick that ran from t0 to t1 (rc: live_tick()'s) is counted and m
 * queued. Returns when the next tick is due. */
static double tick_done_locked(struct live *L, struct tick_sample *m, int rc,
			       const struct pt_err *err, double t0, double t1)
{
	double next;

	L->stats.ticks++;
	L->stats.bytes_last = L->tick.bytes_last;
	L->stats.stacks_handles_bytes_last = L->tick.stacks_handles_bytes_last;
	L->stats.records_last = L->tick.records_last;
	L->stats.new_stacks_last = L->tick.new_stacks_last;
	L->stats.retries += L->tick.retries;
	L->stats.bytes_total += L->stats.bytes_last;
	L->stats.read_ms_last = (t1 - t0) * 1e3;
	L->stats.read_ms_total += L->stats.read_ms_last;
	if (rc < 0) {
		/* Retry, reopening the files, at a slowing pace: the consumer warns and goes
		 * on; a good tick says it is back. */
		double cap = L->interval > RETRY_MAX ? L->interval : RETRY_MAX;

		if (!L->fails++)
			L->backoff = L->interval;
		else if ((L->backoff *= 2) > cap)
			L->backoff = cap;
		L->stats.failures++;
		m->failed = 2;
		pt_err_set(&m->err, _("%s; retrying in %.3g s"), err->msg, L->backoff);
		live_close_files(L);
		queue_push(L, m);
		return t1 + L->backoff;
	}
	m->recovered = L->fails;
	L->fails = 0;
	L->bytes_good = L->stats.bytes_last;
	raise_interval_locked(L, m, t1 - t0);
	queue_push(L, m);
	/* no burst of catch-up reads after a slow one */
	next = t0 + L->interval;
	return next < t1 ? t1 : next;
}

static void *live_worker(void *arg)
{
	struct live *L = arg;
	double next = mono_now();

	pthread_mutex_lock(&L->mu);
	for (;;) {
		struct tick_sample *m;
		struct pt_err err;
		double t0, t1;
		size_t nforgot;
		int rc;

		worker_wait_locked(L, next);
		if (L->stop)
			break;
		L->refresh = 0;
		t0 = mono_now();
		L->reading = 1;
		L->read_start = t0;
		atomic_store(&L->tick_bytes, 0);
		nforgot = take_forgotten_locked(L);
		pthread_mutex_unlock(&L->mu);
		/* handles the consumer forgot are defined again when next counted */
		for (size_t i = 0; i < nforgot; i++)
			handle_set_del(&L->known, L->fw[i]);

		m = xcalloc(1, sizeof(*m));
		m->time = time_real();
		rc = live_tick(L, m, &err);
		t1 = mono_now();
		if (rc == 0)
			meminfo_read(L->meminfo_path, &m->mem);

		pthread_mutex_lock(&L->mu);
		L->reading = 0;
		if (rc == -2) {
			tick_sample_free(m);
			break;
		}
		next = tick_done_locked(L, m, rc, &err, t0, t1);
	}
	L->finished = 1;
	pthread_mutex_unlock(&L->mu);
	return NULL;
}

/* ---- the source_impl ---- */

/* Read again now (the kernel prints something else after a threshold change). */
static void worker_wake(struct live *L)
{
	pthread_mutex_lock(&L->mu);
	L->refresh = 1;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
}

static int replay(struct source *s, struct tick_sample *m, const struct sink *sink,
		  struct pt_err *err)
{
	struct frame_text ft[STACK_MAX_FRAMES];
	struct sample_info si = { 0 };

	if (source_send_meta(s, sink, err) < 0)
		return -1;
	si.time = m->time;
	si.time_abs = 1;
	si.seq = s->seq;
	si.mem = &m->mem;
	if (sink->ops->begin(sink->self, &si, err) < 0)
		return -1;
	for (size_t i = 0; i < m->nst; i++) {
		const struct tick_stack *ls = &m->st[i];
		struct stack_rec rec = { 0 };
		struct block_info blk;
		unsigned nf = ls->nframes < STACK_MAX_FRAMES ? ls->nframes : STACK_MAX_FRAMES;

		for (unsigned k = 0; k < nf; k++) {
			const struct tick_frame *f = &m->uf[m->refs[ls->first + k]];

			ft[k].s = m->text.p + f->off;
			ft[k].len = f->len;
			ft[k].hash = f->hash;
			ft[k].key = f->key;
		}
		rec.frames = ft;
		rec.nframes = nf;
		rec.keyspace = m->keyspace;
		rec.handle = ls->handle;
		rec.has_count = ls->has_count;
		rec.count = ls->count;
		rec.calls = ls->calls;
		rec.block = NULL;
		if (ls->has_block) {
			blk = ls->blk;
			blk.comm = m->text.p + ls->comm_off;
			if (blk.gfp_text)
				blk.gfp_text = m->text.p + ls->gfp_off;
			if (blk.memcg)
				blk.memcg = m->text.p + ls->memcg_off;
			if (blk.reason)
				blk.reason = m->text.p + ls->reason_off;
			rec.block = &blk;
		}
		if (sink->ops->stack(sink->self, &rec, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < m->nct; i++)
		if (sink->ops->count(sink->self, m->ct[i].handle, m->ct[i].count, err) < 0)
			return -1;
	if (sink->ops->end(sink->self, err) < 0)
		return -1;
	s->seq++;
	return 0;
}

static enum src_status live_next(struct source *s, const struct sink *sink, int timeout_ms,
				 struct pt_err *err)
{
	struct live *L = s->priv;
	double deadline = mono_now() + (timeout_ms > 0 ? timeout_ms / 1e3 : 0);

	for (;;) {
		struct tick_sample *m;
		int finished;

		pthread_mutex_lock(&L->mu);
		m = L->qhead;
		if (m) {
			uint64_t v;
			ssize_t r;

			L->qhead = m->next;
			if (!L->qhead)
				L->qtail = NULL;
			L->qlen--;
			r = read(L->efd, &v, sizeof(v)); /* semaphore: one per sample */
			(void)r;
			pthread_cond_broadcast(&L->cv);
		}
		finished = L->finished;
		pthread_mutex_unlock(&L->mu);
		if (m) {
			int rc;

			if (m->failed == 2) {
				diag_warn("%s", m->err.msg);
				tick_sample_free(m);
				continue;
			}
			if (m->failed) {
				*err = m->err;
				tick_sample_free(m);
				return SRC_ERROR;
			}
			if (m->recovered)
				diag_warn(_("the live source is back after %llu failed reads"),
					  (unsigned long long)m->recovered);
			if (m->raised_to > 0)
				diag_warn(_("one read takes longer than the interval of %.1f s: reading every %.1f s (-d)"),
					  m->raised_from, m->raised_to);
			rc = replay(s, m, sink, err);
			pthread_mutex_lock(&L->mu);
			L->stats.mem = m->mem;
			pthread_mutex_unlock(&L->mu);
			tick_sample_free(m);
			return rc < 0 ? SRC_ERROR : SRC_SAMPLE;
		}
		if (finished) {
			pt_err_set(err, "%s", _("the live source has stopped"));
			return SRC_ERROR;
		}
		{
			struct pollfd p = { L->efd, POLLIN, 0 };
			int wait_ms;

			if (timeout_ms < 0) {
				wait_ms = -1;
			} else {
				double left = deadline - mono_now();

				if (left <= 0)
					return SRC_TIMEOUT;
				wait_ms = (int)(left * 1e3) + 1;
			}
			if (poll(&p, 1, wait_ms) < 0) {
				if (errno != EINTR) {
					pt_err_set(err, _("waiting for the live source: %s"),
						   strerror(errno));
					return SRC_ERROR;
				}
				if (timeout_ms < 0)
					return SRC_TIMEOUT; /* let the caller look at its signal flags */
			}
		}
	}
}

static double live_stalled(const struct source *s)
{
	struct live *L = s->priv;
	double d = 0;

	pthread_mutex_lock(&L->mu);
	if (L->reading) {
		d = mono_now() - L->read_start;
		if (d <= L->interval)
			d = 0;
	}
	pthread_mutex_unlock(&L->mu);
	return d;
}

static int live_fd(const struct source *s)
{
	const struct live *L = s->priv;

	return L->efd;
}

static void live_free(struct live *L)
{
	parse_dict_free(L->dict);
	while (L->qhead) {
		struct tick_sample *m = L->qhead;

		L->qhead = m->next;
		tick_sample_free(m);
	}
	for (int i = 0; i < PSF_DATA_N; i++) {
		if (L->fd[i] >= 0)
			close(L->fd[i]);
		free(L->rb[i].p);
	}
	for (int i = 0; i < PSF__N; i++)
		free(L->path[i]);
	free(L->meminfo_path);
	if (L->efd >= 0)
		close(L->efd);
	free(L->known.v);
	free(L->missing.v);
	free(L->fq);
	free(L->fw);
	free(L->dir);
	free(L->release);
	free(L->build_id);
	free(L->hostname);
	pthread_mutex_destroy(&L->mu);
	pthread_cond_destroy(&L->cv);
	free(L);
}

static void live_close(struct source *s)
{
	struct live *L = s->priv;

	if (!L)
		return;
	if (L->thread_started) {
		struct timespec ts;

		atomic_store(&L->stopping, 1);
		pthread_mutex_lock(&L->mu);
		L->stop = 1;
		pthread_cond_broadcast(&L->cv);
		pthread_mutex_unlock(&L->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)JOIN_TIMEOUT;
		if (pthread_timedjoin_np(L->thread, NULL, &ts) != 0) {
			/* stuck in a read() the kernel does not finish: leave it, and what it
			 * uses, to the process's exit */
			pthread_detach(L->thread);
			live_restore_threshold();
			s->priv = NULL;
			return;
		}
	}
	if (L->threshold_set >= 0)
		kthreshold_restore_warn();
	if (L->privsep)
		privsep_stop(); /* the helper puts back what is left, and exits */
	live_free(L);
	s->priv = NULL;
}

static void live_forget(struct source *s, const uint64_t *handles, size_t n)
{
	struct live *L = s->priv;

	if (!L || L->iface != IFACE_HANDLES)
		return;
	pthread_mutex_lock(&L->mu);
	if (L->nfq + n > L->cfq) {
		while (L->nfq + n > L->cfq)
			L->cfq = L->cfq ? L->cfq * 2 : 256;
		L->fq = xreallocarray(L->fq, L->cfq, sizeof(uint64_t));
	}
	memcpy(L->fq + L->nfq, handles, n * sizeof(uint64_t));
	L->nfq += n;
	pthread_mutex_unlock(&L->mu);
}

static const struct source_impl live_impl = {
	.kind = "live",
	.next = live_next,
	.stalled = live_stalled,
	.fd = live_fd,
	.close = live_close,
	.forget = live_forget,
};

int live_set_interval(struct source *s, double secs, struct pt_err *err)
{
	struct live *L;

	if (!s || s->impl != &live_impl) {
		pt_err_set(err, "%s", _("only the live kernel has an interval"));
		return -1;
	}
	if (!(secs >= LIVE_MIN_INTERVAL) || secs > 86400) {
		pt_err_set(err, _("expected an interval from %.1f to 86400 seconds, found %g"),
			   LIVE_MIN_INTERVAL, secs);
		return -1;
	}
	L = s->priv;
	pthread_mutex_lock(&L->mu);
	L->interval = secs;
	L->interval_asked = secs;
	L->raise_said = 0;
	L->refresh = 1; /* read now, then at the new pace */
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	return 0;
}

int live_set_kernel_threshold(struct source *s, long pages, struct pt_err *err)
{
	struct live *L;

	if (!s || s->impl != &live_impl) {
		pt_err_set(err, "%s", _("only the live kernel has a count_threshold"));
		return -1;
	}
	L = s->priv;
	if (pages < 0) {
		L->threshold_set = -1;
		return kthreshold_restore(err);
	}
	/* the bound of --kernel-threshold and of the helper: the UI's threshold (K) goes
	 * to 10^15 */
	if (pages > INT32_MAX) {
		pt_err_set(err, _("count_threshold takes at most %d pages here, not %ld: lower the threshold first"),
			   INT32_MAX, pages);
		return -1;
	}
	if (kthreshold_changed()) {
		struct kthreshold_file t;

		kthreshold_of(L, &t);
		if (kthreshold_change(&t, pages, err) < 0)
			return -1;
		L->threshold_set = pages;
	} else if (live_set_threshold(L, pages, err) < 0) {
		return -1;
	}
	worker_wake(L);
	return 0;
}

int live_refresh(struct source *s)
{
	if (!s || s->impl != &live_impl)
		return -1;
	worker_wake(s->priv);
	return 0;
}

int live_get_stats(const struct source *s, struct live_stats *st)
{
	struct live *L;

	if (!s || s->impl != &live_impl)
		return -1;
	L = s->priv;
	pthread_mutex_lock(&L->mu);
	*st = L->stats;
	st->interval = L->interval;
	st->reading = L->reading;
	st->bytes_expect = L->bytes_good;
	st->bytes_reading = L->reading ? atomic_load(&L->tick_bytes) : 0;
	st->reading_secs = L->reading ? mono_now() - L->read_start : 0;
	pthread_mutex_unlock(&L->mu);
	st->iface = L->iface;
	st->threshold_set = L->threshold_set;
	st->threshold_orig = L->threshold_orig;
	return 0;
}

/* A live source of the debugfs folder dir, nothing open yet. */
static struct live *live_new(const char *dir)
{
	struct live *L = xcalloc(1, sizeof(*L));
	pthread_condattr_t ca;
	size_t dl = strlen(dir);

	for (int i = 0; i < PSF_DATA_N; i++)
		L->fd[i] = -1;
	L->efd = -1;
	L->threshold_set = L->threshold_orig = -1;
	pthread_mutex_init(&L->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&L->cv, &ca);
	pthread_condattr_destroy(&ca);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	L->dir = xstrndup(dir, dl);
	for (int i = 0; i < PSF__N; i++)
		L->path[i] = xasprintf("%s/%s", L->dir, ps_file_rel[i]);
	live_faults_load(&L->faults);
	{
		const char *mi = getenv("PAGETOP_MEMINFO");

		L->meminfo_path = xstrdup(mi && *mi ? mi : "/proc/meminfo");
	}
	return L;
}

/* The interval asked for, else the interface's default; the per-block dump is said to
 * be slow. */
static void live_pick_interval(struct live *L, const struct source_opts *o)
{
	L->interval_asked = o && o->interval > 0 ? o->interval : 0;
	if (o && o->interval > 0)
		L->interval = o->interval;
	else
		L->interval = L->iface == IFACE_PAGE_OWNER ? LIVE_PAGE_OWNER_INTERVAL
							   : LIVE_DEFAULT_INTERVAL;
	if (L->iface == IFACE_PAGE_OWNER && getenv("PAGETOP_IFACE"))
		diag_warn(_("reading the per-block page_owner dump, which walks every page frame and costs seconds per GiB; polling every %g s"),
			  L->interval);
	else if (L->iface == IFACE_PAGE_OWNER)
		diag_warn(_("this kernel has no page_owner_stacks (Linux 6.9+): reading the per-block page_owner dump, which walks every page frame and costs seconds per GiB; polling every %g s"),
			  L->interval);
}

/* What the source's meta says of the running system. */
static void live_host_facts(struct live *L)
{
	char buf[BUILD_ID_HEX_MAX], host[256];

	if (host_kernel_release(buf, sizeof(buf)) == 0)
		L->release = xstrdup(buf);
	if (host_kernel_build_id(buf, sizeof(buf)) == 0)
		L->build_id = xstrdup(buf);
	if (host_name(host, sizeof(host)) == 0)
		L->hostname = xstrdup(host);
}

/* Starts the worker. Returns 0, or -1 with err. */
static int live_start_worker(struct live *L, struct pt_err *err)
{
	sigset_t all, old;
	int rc;

	/* the worker must not take the process's signals: the main thread handles them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&L->thread, NULL, live_worker, L);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pt_err_set(err, "%s", _("cannot start the live reader thread"));
		return -1;
	}
	L->thread_started = 1;
	return 0;
}

static void live_fill_meta(struct source *s, const struct live *L)
{
	memset(&s->meta, 0, sizeof(s->meta));
	s->meta.name = "live";
	s->meta.kind = "live";
	s->meta.iface = L->iface;
	s->meta.unit = L->iface == IFACE_PROPOSAL ? UNIT_ALLOCS : UNIT_PAGES;
	s->meta.page_size = sysconf(_SC_PAGESIZE);
	s->meta.page_size_known = s->meta.page_size > 0;
	if (!s->meta.page_size_known)
		s->meta.page_size = 4096;
	if (L->iface == IFACE_ALLOCINFO) {
		s->meta.unit = UNIT_BYTES; /* a "page" of one byte */
		s->meta.page_size = 1;
		s->meta.page_size_known = 1;
	}
	s->meta.kernel_release = L->release;
	s->meta.kernel_build_id = L->build_id;
	s->meta.hostname = L->hostname;
	s->meta.series = 0;
	s->meta.nsamples = -1;
}

/* The folder of /proc/allocinfo: PAGETOP_PROC (tests) or /proc. */
static const char *proc_dir(void)
{
	const char *p = getenv("PAGETOP_PROC");

	return p && *p ? p : LIVE_DEFAULT_PROC;
}

/* The interface: page_owner's best when it has one (unless --allocinfo), else
 * /proc/allocinfo when it is there and page_owner is not built in or not enabled (debugfs
 * not mounted or not readable is said as ever: page_owner may be there). L is made anew,
 * rooted at /proc, for allocinfo. Returns IFACE_NONE with err when there is none. */
static enum pt_iface live_pick(struct live **Lp, const struct source_opts *o,
			       struct pt_err *err)
{
	struct live *L = *Lp;
	enum pt_iface iface = IFACE_NONE;
	struct stat st;
	char *ai = xasprintf("%s/%s", proc_dir(), ps_file_rel[PSF_ALLOCINFO]);
	int have_ai = stat(ai, &st) == 0 && S_ISREG(st.st_mode);

	if (o && o->allocinfo && !have_ai) {
		live_say_allocinfo_missing(ai, err);
	} else if (!(o && o->allocinfo)) {
		struct pt_err perr;
		int absent = 0;

		iface = live_detect(L->dir, L->path, &perr, &absent);
		if (iface == IFACE_NONE && (!have_ai || !absent)) {
			*err = perr;
			have_ai = 0;
		}
	}
	free(ai);
	if (iface != IFACE_NONE || !have_ai)
		return iface;
	live_free(L);
	*Lp = L = live_new(proc_dir());
	live_check_mem_profiling(L->dir);
	return IFACE_ALLOCINFO;
}

int source_open_live(struct source *s, const struct source_opts *o, struct pt_err *err)
{
	struct live *L = live_new(o && o->debugfs ? o->debugfs : LIVE_DEFAULT_DEBUGFS);
	struct privsep_user pu;
	enum pt_iface iface;

	if (o && o->interval > 0 && o->interval < LIVE_MIN_INTERVAL) {
		pt_err_set(err, _("an interval of %g s is too short: the minimum is %g s"),
			   o->interval, LIVE_MIN_INTERVAL);
		goto fail;
	}
	/* which interface, and so which folder: debugfs, or /proc for allocinfo (L may be
	 * made anew: the store is its own statement) */
	iface = live_pick(&L, o, err);
	L->iface = iface;
	L->debugfs = o && o->debugfs ? o->debugfs : LIVE_DEFAULT_DEBUGFS;
	if (L->iface == IFACE_NONE)
		goto fail;
	/* --drop-privileges: from here on files come from a root helper; this process
	 * becomes the user below once they are open, before it parses anything */
	if (o && o->drop_privileges) {
		if (geteuid() != 0) {
			diag_warn("%s", _("--drop-privileges: not running as root, there is no privilege to drop"));
		} else {
			if (privsep_pick_user(&pu, err) < 0 || privsep_start(L->dir, err) < 0)
				goto fail;
			L->privsep = 1;
		}
	}
	if (live_open_files(L, err) < 0)
		goto fail;
	live_pick_interval(L, o);
	if (o && o->kernel_threshold >= 0 && live_set_threshold(L, o->kernel_threshold, err) < 0)
		goto fail;
	L->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	if (L->efd < 0) {
		pt_err_set(err, _("cannot create an eventfd: %s"), strerror(errno));
		goto fail;
	}
	live_host_facts(L);
	L->stats.iface = L->iface;
	if (L->privsep && privsep_drop(&pu, err) < 0)
		goto fail;
	if (L->privsep && !pu.from_sudo)
		diag_warn("%s", _("--drop-privileges: running as nobody (no SUDO_UID): the settings file is neither read nor saved; run pagetop with sudo to use yours"));
	if (live_start_worker(L, err) < 0)
		goto fail;
	live_fill_meta(s, L);
	s->impl = &live_impl;
	s->priv = L;
	return 0;

fail:
	if (L->threshold_set >= 0)
		kthreshold_restore_warn();
	if (L->privsep)
		privsep_stop();
	live_free(L);
	return -1;
}

/* Whether page_owner's folder has one of its interfaces: 0, or -1 with why not. */
static int page_owner_there(const char *debugfs, struct pt_err *err)
{
	struct live *T = live_new(debugfs);
	int absent = 0, rc = live_detect(T->dir, T->path, err, &absent) == IFACE_NONE ? -1 : 0;

	live_free(T);
	return rc;
}

/* Whether live_switch() has somewhere to go: the other source is there and readable. */
int live_can_switch(const struct source *s)
{
	const struct live *L;
	struct pt_err err;
	char *ai;
	int ok;

	if (!s || s->impl != &live_impl)
		return 0;
	L = s->priv;
	if (L->privsep)
		return 0;
	if (L->iface == IFACE_ALLOCINFO)
		return page_owner_there(L->debugfs, &err) == 0;
	ai = xasprintf("%s/%s", proc_dir(), ps_file_rel[PSF_ALLOCINFO]);
	ok = access(ai, R_OK) == 0;
	free(ai);
	return ok;
}

int live_switch(struct source *s, struct pt_err *err)
{
	struct source next = { 0 };
	struct source_opts o;
	struct live *L;
	int to_ai;

	if (!s || s->impl != &live_impl) {
		pt_err_set(err, _("only the live kernel can switch between page_owner and allocinfo: this %s has one source"),
			   s && s->meta.kind ? s->meta.kind : "input");
		return -1;
	}
	L = s->priv;
	to_ai = L->iface != IFACE_ALLOCINFO;
	if (L->privsep) {
		pt_err_set(err, to_ai ?
			   _("--drop-privileges: root opened only page_owner's files; run pagetop with --allocinfo for allocinfo") :
			   _("--drop-privileges: root opened only /proc/allocinfo; run pagetop without --allocinfo for page_owner"));
		return -1;
	}
	if (!to_ai && page_owner_there(L->debugfs, err) < 0)
		return -1;
	source_opts_init(&o);
	o.debugfs = L->debugfs;
	o.interval = L->interval_asked; /* not a raise for the other's long reads */
	o.allocinfo = to_ai;
	if (source_open_live(&next, &o, err) < 0)
		return -1;
	if (!to_ai && ((struct live *)next.priv)->iface == IFACE_ALLOCINFO) {
		/* page_owner went between the look and the open */
		live_close(&next);
		pt_err_set(err, "%s", _("page_owner is no longer there"));
		return -1;
	}
	/* the old worker is joined and count_threshold restored before the new one is used */
	live_close(s);
	*s = next;
	return 0;
}
