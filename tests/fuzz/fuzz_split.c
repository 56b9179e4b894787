/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_split.c - parse_split() against parse_stream(), on the same bytes: the chunked
 * parse on several threads must give the sink exactly what the one-thread parser gives
 * it (records, counts, warnings, the error message, the format), whatever the input. The
 * input is a memory file (memfd: a regular file to fstat, pread and mmap); its first byte
 * picks a chunk size from 1 byte to 4 KiB, so that chunk cuts fall everywhere in the
 * small inputs a fuzzer makes. */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* What a parse gave its sink, as one string. */
struct trace {
	char *s;
	size_t len, cap;
};

static void tr_add(struct trace *t, const void *p, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->cap + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		FUZZ_CHECK(t->s != NULL);
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void tr_printf(struct trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr_printf(struct trace *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tr_add(t, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int t_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct trace *t = self;

	(void)err;
	tr_printf(t, "S %u %llu %d %llu\n", rec->nframes, (unsigned long long)rec->handle,
		  rec->has_count, (unsigned long long)rec->count);
	for (unsigned i = 0; i < rec->nframes; i++) {
		/* what the model relies on: a key per text, the text's hash */
		FUZZ_CHECK(rec->frames[i].hash == 0 ||
			   rec->frames[i].hash ==
				   hash_bytes(rec->frames[i].s, rec->frames[i].len, 0));
		tr_add(t, rec->frames[i].s, rec->frames[i].len);
		tr_add(t, "\n", 1);
	}
	if (rec->hash)
		FUZZ_CHECK(rec->hash == stack_rec_hash(rec->frames, rec->nframes));
	if (rec->block) {
		const struct block_info *b = rec->block;

		tr_printf(t, "B %u %d %d %x %llu %llu %llu %u %u %u %u %u %u %u %u\n", b->order,
			  b->pid, b->tgid, b->gfp, (unsigned long long)b->ts_ns,
			  (unsigned long long)b->free_ts_ns, (unsigned long long)b->pfn, b->has_ts,
			  b->mt, b->migrated, b->slab, b->memcg_offline, b->memcg_objcg, b->cma,
			  !b->gfp_text + 2 * !b->memcg + 4 * !b->reason);
		tr_add(t, b->comm ? b->comm : "", b->comm ? b->comm_len : 0);
		tr_add(t, "|", 1);
		tr_add(t, b->gfp_text ? b->gfp_text : "", b->gfp_text ? b->gfp_text_len : 0);
		tr_add(t, "|", 1);
		tr_add(t, b->memcg ? b->memcg : "", b->memcg ? b->memcg_len : 0);
		tr_add(t, "|", 1);
		tr_add(t, b->reason ? b->reason : "", b->reason ? b->reason_len : 0);
		tr_add(t, "\n", 1);
	}
	return 0;
}

static int t_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	(void)err;
	tr_printf(self, "C %llu %llu\n", (unsigned long long)handle, (unsigned long long)count);
	return 0;
}

static const struct sink_ops t_ops = { .stack = t_stack, .count = t_count };

static struct trace *warn_to;

static void t_warn(const char *msg)
{
	if (warn_to)
		tr_printf(warn_to, "W %s\n", msg);
}

static void run(int fd, int split, struct trace *t)
{
	struct sink snk = { &t_ops, t };
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;
	int rc;

	memset(&err, 0, sizeof(err));
	warn_to = t;
	diag_set_sink(t_warn);
	parse_forget_said();
	if (split) {
		rc = parse_split(fd, "fuzz.file", PF_UNKNOWN, &got, &snk, NULL, &err);
		FUZZ_CHECK(rc != -2);
	} else {
		struct reader *r;
		int fd2 = dup(fd);

		FUZZ_CHECK(fd2 >= 0);
		FUZZ_CHECK(lseek(fd2, 0, SEEK_SET) == 0);
		r = reader_open_plain(fd2, "fuzz.file");
		rc = parse_stream(r, PF_UNKNOWN, &got, &snk, &err);
		reader_close(r);
	}
	diag_set_sink(fuzz_quiet);
	warn_to = NULL;
	if (rc < 0) {
		fuzz_check_err(&err);
		tr_printf(t, "E %s\n", err.msg);
	} else {
		tr_printf(t, "OK %d\n", (int)got);
	}
}

FUZZ_TARGET(split)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 8, 13, 64, 100, 255, 1024, 4096 };
	struct trace a = { 0 }, b = { 0 };
	size_t off = 0;
	int fd;

	fuzz_init();
	if (size < 1 || size > 1000000)
		return 0;
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	while (off < size - 1) {
		ssize_t n = write(fd, data + 1 + off, size - 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	parse_split_chunk = chunks[data[0] % (sizeof(chunks) / sizeof(*chunks))];
	run(fd, 0, &a);
	run(fd, 1, &b);
	parse_split_chunk = PARSE_SPLIT_CHUNK;
	if (a.len != b.len || (a.len && memcmp(a.s, b.s, a.len) != 0)) {
		fprintf(stderr, "one thread:\n%s\nsplit:\n%s\n", a.s ? a.s : "", b.s ? b.s : "");
		FUZZ_CHECK(!"parse_split() gives what parse_stream() gives");
	}
	free(a.s);
	free(b.s);
	close(fd);
	return 0;
}
