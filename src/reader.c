/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reader.c - buffered line reader over plain, gzip and xz streams, and memory.
 *
 * One buffer, refilled in large chunks; lines are returned in place. The reader never
 * holds more than its buffer, so a 10 GB dump goes through in constant memory.
 *
 * A plain regular file opened by name is read only as far as the size it had when opened.
 * A file that shrinks while it is read (or after) makes reader_check() fail with a
 * message saying so. Mapping it instead would spare the copy, but on a virtual machine
 * a page fault costs more than copying the page, and the parse reads the bytes again
 * from the cache after read() put them there. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <zlib.h>

#include "reader.h"

#define BUF_SIZE READER_BUF_SIZE
#define IN_SIZE (64 * 1024)
/* The first read, for the magic numbers and a peek at the format: a file is opened twice
 * (to tell its format, to read it) and a fresh page a read touches costs a fault, here
 * in the input buffer and again in the line buffer the bytes are copied to. */
#define FIRST_READ 4096
/* The memory the xz decoder may take: its dictionary is as large as the file's header
 * asks (up to 4 GiB), an allocation made for whoever sent the file. xz -9 needs 65 MiB. */
#define XZ_MEMLIMIT_MIB 256

enum comp { COMP_NONE, COMP_GZIP, COMP_XZ };

struct reader {
	struct reader_cur c;      /* first: reader_line_fast() sees it (reader.h) */
	char *name;
	int fd, close_fd;
	int is_mem;
	enum comp comp;
	z_stream z;
	lzma_stream x;
	unsigned char *in;        /* raw bytes read from fd (compressed, or the peeked head) */
	size_t in_len, in_pos;
	int in_eof;               /* fd reached end of file */
	int stream_end;           /* decompressor reached the end of the data */
	size_t cap;
	int eof;                  /* no more bytes will come into buf */
	const struct reader_pool *pool; /* or NULL: see reader_set_pool() */
	uint64_t size;            /* a plain file's size when opened, or 0: not known */
	uint64_t nread;           /* the bytes read from fd */
};

int reader_check(const struct reader *r, struct pt_err *err)
{
	struct stat st;

	if (!r->size)
		return 0;
	if ((!r->in_eof || r->nread >= r->size) &&
	    (fstat(r->fd, &st) < 0 || (uint64_t)st.st_size >= r->size))
		return 0;
	pt_err_set(err, _("%s: the file shrank while it was read (it had %llu bytes): read a copy that nothing writes to"),
		   r->name, (unsigned long long)r->size);
	return -1;
}

static int fill_in(struct reader *r, struct pt_err *err)
{
	ssize_t n;

	if (r->in_pos < r->in_len || r->in_eof)
		return 0;
	do
		n = read(r->fd, r->in, IN_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		pt_err_set(err, _("%s: read error: %s"), r->name, strerror(errno));
		return -1;
	}
	r->nread += (uint64_t)n;
	r->in_len = (size_t)n;
	r->in_pos = 0;
	if (n == 0)
		r->in_eof = 1;
	return 0;
}

/* An uncompressed stream: what was peeked at first, then read() straight into dst. */
static ssize_t plain_read(struct reader *r, char *dst, size_t n, struct pt_err *err)
{
	ssize_t got;

	if (r->in_pos < r->in_len) {
		size_t k = r->in_len - r->in_pos;

		if (k > n)
			k = n;
		memcpy(dst, r->in + r->in_pos, k);
		r->in_pos += k;
		return (ssize_t)k;
	}
	if (r->in_eof)
		return 0;
	/* a file that grows while it is read: as far as it went when opened */
	if (r->size && r->size - r->nread < n)
		n = r->nread < r->size ? (size_t)(r->size - r->nread) : 0;
	if (!n) {
		r->in_eof = 1;
		return 0;
	}
	do
		got = read(r->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		pt_err_set(err, _("%s: read error: %s"), r->name, strerror(errno));
		return -1;
	}
	r->nread += (uint64_t)got;
	if (got == 0)
		r->in_eof = 1;
	return got;
}

/* One inflate() of what r->in holds into dst: *produced bytes. Returns 0, or -1 with
 * err. */
static int gzip_step(struct reader *r, char *dst, size_t n, size_t *produced,
		     struct pt_err *err)
{
	int rc;

	r->z.next_in = r->in + r->in_pos;
	r->z.avail_in = (uInt)(r->in_len - r->in_pos);
	r->z.next_out = (Bytef *)dst;
	r->z.avail_out = (uInt)n;
	rc = inflate(&r->z, Z_NO_FLUSH);
	r->in_pos = r->in_len - r->z.avail_in;
	*produced = n - r->z.avail_out;
	if (rc == Z_STREAM_END) {
		/* Concatenated gzip members are one stream (as zcat reads them). */
		if (fill_in(r, err) < 0)
			return -1;
		if (r->in_pos < r->in_len)
			inflateReset(&r->z);
		else
			r->stream_end = 1;
	} else if (rc == Z_BUF_ERROR && r->in_eof && !*produced) {
		pt_err_set(err, _("%s: the gzip data ends early (truncated file)"), r->name);
		return -1;
	} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
		pt_err_set(err, _("%s: corrupt gzip data: %s"), r->name, r->z.msg ? r->z.msg : "?");
		return -1;
	}
	return 0;
}

/* The same for xz: one lzma_code(). */
static int xz_step(struct reader *r, char *dst, size_t n, size_t *produced,
		   struct pt_err *err)
{
	lzma_ret rc;

	r->x.next_in = r->in + r->in_pos;
	r->x.avail_in = r->in_len - r->in_pos;
	r->x.next_out = (uint8_t *)dst;
	r->x.avail_out = n;
	rc = lzma_code(&r->x, r->in_eof ? LZMA_FINISH : LZMA_RUN);
	r->in_pos = r->in_len - r->x.avail_in;
	*produced = n - r->x.avail_out;
	if (rc == LZMA_STREAM_END) {
		r->stream_end = 1;
	} else if (rc == LZMA_MEMLIMIT_ERROR) {
		uint64_t mib = (lzma_memusage(&r->x) + (1 << 20) - 1) >> 20;

		pt_err_set(err, _("%s: the xz data needs %llu MiB of memory to uncompress, more than the %d MiB pagetop allows (xz -9 needs 65 MiB): uncompress it with unxz first"),
			   r->name, (unsigned long long)mib, XZ_MEMLIMIT_MIB);
		return -1;
	} else if (rc == LZMA_BUF_ERROR && r->in_eof && !*produced) {
		pt_err_set(err, _("%s: the xz data ends early (truncated file)"), r->name);
		return -1;
	} else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {
		pt_err_set(err, _("%s: corrupt xz data (error %d)"), r->name, (int)rc);
		return -1;
	}
	return 0;
}

/* Reads up to n decompressed bytes into dst; returns the count, 0 at end, -1 on error. */
static ssize_t raw_read(struct reader *r, char *dst, size_t n, struct pt_err *err)
{
	if (r->comp == COMP_NONE)
		return plain_read(r, dst, n, err);
	for (;;) {
		size_t produced;

		if (r->stream_end)
			return 0;
		if (fill_in(r, err) < 0)
			return -1;
		if ((r->comp == COMP_GZIP ? gzip_step : xz_step)(r, dst, n, &produced, err) < 0)
			return -1;
		if (produced)
			return (ssize_t)produced;
		if (r->in_eof && r->in_pos >= r->in_len && !r->stream_end) {
			pt_err_set(err, _("%s: the compressed data ends early (truncated file)"),
				   r->name);
			return -1;
		}
	}
}

/* The kept bytes from base on moved to the buffer's start. */
static void shift_offsets(struct reader *r, size_t base)
{
	r->c.end -= base;
	r->c.start -= base;
	r->c.mark -= r->c.has_mark ? base : 0;
	r->c.line_start = 0;
	r->c.scan -= base;
	r->c.bbase = r->c.scan;
}

/* Makes room and reads more into buf. Returns bytes added, 0 at end, -1 on error. */
static ssize_t fill(struct reader *r, struct pt_err *err)
{
	ssize_t n;

	if (r->eof || r->is_mem)
		return 0;
	if (r->pool) {
		/* returned lines stay where they are: append, or go on in a fresh buffer */
		size_t base = r->c.has_mark && r->c.mark < r->c.start ? r->c.mark : r->c.start;

		if (r->cap - r->c.end < r->cap / 4) {
			char *nb = r->pool->get(r->pool->ctx);

			memcpy(nb, r->c.buf + base, r->c.end - base);
			r->pool->retire(r->pool->ctx, r->c.buf);
			r->c.buf = nb;
			shift_offsets(r, base);
		}
	} else {
		size_t base = r->c.has_mark && r->c.mark < r->c.start ? r->c.mark : r->c.start;

		if (base > 0) {
			memmove(r->c.buf, r->c.buf + base, r->c.end - base);
			shift_offsets(r, base);
		}
	}
	if (r->c.end == r->cap)
		return 0; /* full: the caller reports the long line */
	n = raw_read(r, r->c.buf + r->c.end, r->cap - r->c.end, err);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->c.end += (size_t)n;
	return n;
}

static int detect_compression(struct reader *r, struct pt_err *err)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

	/* Gather enough bytes to see a magic number (short reads from pipes). */
	while (!r->in_eof && r->in_len < 6) {
		ssize_t n;

		do
			n = read(r->fd, r->in + r->in_len, FIRST_READ - r->in_len);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			pt_err_set(err, _("%s: read error: %s"), r->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			r->in_eof = 1;
		r->in_len += (size_t)n;
		r->nread += (uint64_t)n;
	}
	if (r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->comp = COMP_GZIP;
		if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) {
			pt_err_set(err, _("%s: cannot start the gzip decoder"), r->name);
			return -1;
		}
	} else if (r->in_len >= 6 && memcmp(r->in, xz_magic, 6) == 0) {
		lzma_stream init = LZMA_STREAM_INIT;

		r->comp = COMP_XZ;
		r->x = init;
		if (lzma_stream_decoder(&r->x, (uint64_t)XZ_MEMLIMIT_MIB << 20, LZMA_CONCATENATED) !=
		    LZMA_OK) {
			pt_err_set(err, _("%s: cannot start the xz decoder"), r->name);
			return -1;
		}
	}
	return 0;
}

/* The buffers of the reader closed last, for the next one to take: every page a fresh
 * buffer touches costs a page fault, and a file is opened twice, to tell its format and
 * to read it, a folder's files one after the other. */
static void *_Atomic spare_in, *_Atomic spare_buf;

static void *spare_take(void *_Atomic *slot, size_t n)
{
	void *p = atomic_exchange(slot, NULL);

	return p ? p : xmalloc(n);
}

static void spare_give(void *_Atomic *slot, void *p)
{
	free(atomic_exchange(slot, p));
}

static struct reader *reader_new_fd(int fd, const char *name, int close_fd)
{
	struct reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	r->fd = fd;
	r->close_fd = close_fd;
	r->in = spare_take(&spare_in, IN_SIZE);
	r->cap = BUF_SIZE;
	r->c.buf = spare_take(&spare_buf, READER_BUF_ALLOC);
	r->c.last_nl = 1;
	return r;
}

int reader_open_fd(struct reader **out, int fd, const char *name, int close_fd,
		   struct pt_err *err)
{
	struct reader *r = reader_new_fd(fd, name, close_fd);

	if (detect_compression(r, err) < 0) {
		reader_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

struct reader *reader_open_plain(int fd, const char *name)
{
	return reader_new_fd(fd, name, 1);
}

/* A FIFO opened without waiting reads as empty until a writer comes: wait, as open()
 * would, for its first bytes (or a writer that closes without writing), after a word
 * when nothing is there yet. poll() reports no hang-up before a writer has come. */
static int fifo_wait(int fd, const char *path, struct pt_err *err)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;

	do
		rc = poll(&p, 1, 0);
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		diag_warn(_("%s is a named pipe: waiting for a writer"), path);
		do
			rc = poll(&p, 1, -1);
		while (rc < 0 && errno == EINTR);
	}
	if (rc < 0) {
		pt_err_set(err, _("%s: cannot wait for a writer: %s"), path, strerror(errno));
		return -1;
	}
	return 0;
}

int reader_open_path(struct reader **out, const char *path, struct pt_err *err)
{
	struct statfs fs;
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		return reader_open_fd(out, STDIN_FILENO, _("standard input"), 0, err);
	/* O_NONBLOCK: open() of a FIFO would wait for a writer without a word (see
	 * fifo_wait()); reads block as usual */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		pt_err_set(err, _("%s: cannot open: %s"), path, strerror(errno));
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		pt_err_set(err, _("%s: is a folder, not a file"), path);
		return -1;
	}
	if (S_ISFIFO(st.st_mode) && fifo_wait(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	if (reader_open_fd(out, fd, path, 1, err) < 0)
		return -1;
	/* the kernel's own files print as they are read, whatever size they claim */
	if (S_ISREG(st.st_mode) && (*out)->comp == COMP_NONE && st.st_size > 0 &&
	    !(fstatfs(fd, &fs) == 0 &&
	      (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC ||
	       fs.f_type == DEBUGFS_MAGIC || fs.f_type == TRACEFS_MAGIC)))
		(*out)->size = (uint64_t)st.st_size;
	return 0;
}

int reader_open_mem(struct reader **out, const char *buf, size_t len, const char *name,
		    struct pt_err *err)
{
	struct reader *r = xcalloc(1, sizeof(*r));

	(void)err;
	r->name = xstrdup(name);
	r->fd = -1;
	r->is_mem = 1;
	r->c.buf = (char *)buf;
	r->cap = r->c.end = len;
	r->eof = 1;
	r->c.last_nl = 1;
	*out = r;
	return 0;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	if (r->comp == COMP_GZIP)
		inflateEnd(&r->z);
	else if (r->comp == COMP_XZ)
		lzma_end(&r->x);
	if (!r->is_mem && !r->pool && r->c.buf)
		spare_give(&spare_buf, r->c.buf);
	if (r->close_fd && r->fd >= 0)
		close(r->fd);
	if (r->in)
		spare_give(&spare_in, r->in);
	free(r->name);
	free(r);
}

size_t reader_peek(struct reader *r, const char **buf, struct pt_err *err)
{
	while (!r->eof && r->c.end - r->c.start < 4096)
		if (fill(r, err) <= 0)
			break;
	*buf = r->c.buf + r->c.start;
	return r->c.end - r->c.start;
}

/* Bit i set when p[i] is a newline, for the first n (<= 64) bytes at p. */
static inline uint64_t nl_mask(const char *p, size_t n)
{
	char tmp[64];

	if (n < 64) {
		memcpy(tmp, p, n);
		memset(tmp + n, 0, 64 - n);
		p = tmp;
	}
	return reader_nl_mask64(p);
}

/* Newlines are found 64 bytes at a time into a bit mask (r->c.bits, for the block at
 * r->c.bbase), so most lines take one bit scan, whatever their length. */
int reader_line(struct reader *r, const char **line, size_t *len, struct pt_err *err)
{
	char *p, *nl;
	size_t n;

	for (;;) {
		if (r->c.bits) {
			nl = r->c.buf + r->c.bbase + (unsigned)__builtin_ctzll(r->c.bits);
			r->c.bits &= r->c.bits - 1;
			break;
		}
		if (r->c.scan < r->c.end) {
			size_t k = r->c.end - r->c.scan < 64 ? r->c.end - r->c.scan : 64;

			r->c.bbase = r->c.scan;
			r->c.bits = nl_mask(r->c.buf + r->c.scan, k);
			r->c.scan += k;
			if (!r->c.bits && r->c.scan - r->c.start > READER_MAX_LINE) {
				if (reader_check(r, err) < 0)
					return -1;
				pt_err_set(err,
					   _("%s:%llu: expected a line of at most %d bytes (the kernel prints no longer), found a longer one"),
					   r->name, (unsigned long long)r->c.lineno + 1, READER_MAX_LINE);
				return -1;
			}
			continue;
		}
		/* all scanned, no newline: more bytes, or the end */
		if (r->eof || r->is_mem) {
			if (r->c.start == r->c.end)
				return 0;
			nl = r->c.buf + r->c.end; /* last line without a newline */
			break;
		}
		{
			ssize_t got = fill(r, err);

			if (got < 0)
				return -1;
			if (got == 0 && !r->eof) {
				if (reader_check(r, err) < 0)
					return -1;
				pt_err_set(err,
					   _("%s:%llu: expected a record of at most %d KiB, found a longer one"),
					   r->name, (unsigned long long)r->c.lineno + 1, BUF_SIZE / 1024);
				return -1;
			}
		}
	}
	p = r->c.buf + r->c.start;
	n = (size_t)(nl - p);
	r->c.line_start = r->c.start;
	r->c.last_nl = nl < r->c.buf + r->c.end;
	r->c.start += n + r->c.last_nl;
	r->c.lineno++;
	if (n > READER_MAX_LINE) {
		if (reader_check(r, err) < 0)
			return -1;
		pt_err_set(err,
			   _("%s:%llu: expected a line of at most %d bytes (the kernel prints no longer), found one of %zu bytes"),
			   r->name, (unsigned long long)r->c.lineno, READER_MAX_LINE, n);
		return -1;
	}
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*line = p;
	*len = n;
	return 1;
}

void reader_set_pool(struct reader *r, const struct reader_pool *pool)
{
	if (r->is_mem || r->pool) /* lines never move */
		return;
	r->pool = pool;
	pool->adopt(pool->ctx, r->c.buf);
}

void reader_drop_pool(struct reader *r)
{
	if (!r->pool)
		return;
	r->pool = NULL;
	r->c.buf = NULL;
	r->cap = r->c.start = r->c.end = r->c.mark = r->c.line_start = 0;
	r->c.scan = r->c.bbase = 0;
	r->c.bits = 0;
	r->c.has_mark = 0;
	r->eof = 1;
}

int reader_last_had_newline(const struct reader *r)
{
	return r->c.last_nl;
}

const char *reader_name(const struct reader *r)
{
	return r->name;
}

void reader_set_lineno(struct reader *r, uint64_t n)
{
	r->c.lineno = n;
}

int reader_fd(const struct reader *r)
{
	return r->is_mem || r->comp != COMP_NONE ? -1 : r->fd;
}

const char *reader_compression(const struct reader *r)
{
	return r->comp == COMP_GZIP ? "gzip" : r->comp == COMP_XZ ? "xz" : NULL;
}
