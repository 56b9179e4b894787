/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_badinput.c - bad input, table-driven: every case runs through the library calls
 * pagetop makes (source_open, then source_next into model_sink until the end) in a child
 * process with a time limit (nothing must hang it), and asserts the status (an error
 * when opening, an error at a sample, or success with or without a warning), the number
 * of samples before it, and the precise message (file name, line number). Generated cases
 * cut real records (show_stacks, show_handles, page_owner) at every line boundary. A few
 * cases run the real program ($PAGETOP) for its exit status: 1 bad input, 2 bad usage.
 *
 * Data: tests/data/plain, tests/data/live (real); tests/data/bad/ (hand-made). */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "testutil.h"

#define TD_BAD(rel) TEST_DATA "/bad/" rel
#define CHILD_SECONDS 30 /* valgrind is slow; a hang is forever */

/* ------------------------------------------------------------ running one input */

enum want { X_FINE = 0, X_OPEN_ERR, X_NEXT_ERR, X_HANG };

struct result {
	enum want got;
	int samples;
	uint64_t records;      /* stacks in the model at the end */
	int64_t total;         /* sum of the last sample's counts */
	int nwarn;
	char err[1024];
	char warn[2048];       /* warnings, joined by '\n' */
};

static struct result *child_res;

/* What a test allocated before it forks a child: held here, the child's leak check under
 * valgrind sees it reachable (the child exits from inside the test). */
static const void *held[16];

static void hold(const void *a, const void *b, const void *c, const void *d)
{
	memset(held, 0, sizeof(held));
	held[0] = a;
	held[1] = b;
	held[2] = c;
	held[3] = d;
}

static void child_warn(const char *msg)
{
	size_t n = strlen(child_res->warn);

	child_res->nwarn++;
	snprintf(child_res->warn + n, sizeof(child_res->warn) - n, "%s%s", n ? "\n" : "", msg);
}

static void run_child(const char *const *paths, int n, struct result *res)
{
	struct source *src;
	struct source_opts so;
	struct model *m;
	struct sink s;
	struct pt_err err;
	enum src_status st;

	child_res = res;
	diag_set_sink(child_warn);
	source_opts_init(&so);
	memset(&err, 0, sizeof(err));
	if (source_open(&src, paths, n, &so, &err) < 0) {
		res->got = X_OPEN_ERR;
		snprintf(res->err, sizeof(res->err), "%s", err.msg);
		return;
	}
	m = model_new();
	s = model_sink(m);
	while ((st = source_next(src, &s, -1, &err)) == SRC_SAMPLE)
		res->samples++;
	if (st == SRC_ERROR) {
		res->got = X_NEXT_ERR;
		snprintf(res->err, sizeof(res->err), "%s", err.msg);
	} else {
		res->got = X_FINE;
	}
	res->records = model_nstacks(m);
	for (size_t i = 0; i < model_nstacks(m); i++)
		res->total += model_stack(m, (uint32_t)i)->s.now;
	source_close(src);
	model_free(m);
}

/* Runs the input in a child; X_HANG when it is still running after the time limit. */
static void run_input(const char *const *paths, int n, struct result *res)
{
	int fd[2], status = 0;
	pid_t pid;
	size_t got = 0;

	memset(res, 0, sizeof(*res));
	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct result r;
		size_t off = 0;

		close(fd[0]);
		memset(&r, 0, sizeof(r));
		run_child(paths, n, &r);
		while (off < sizeof(r)) {
			ssize_t k = write(fd[1], (char *)&r + off, sizeof(r) - off);

			if (k <= 0)
				_exit(3);
			off += (size_t)k;
		}
		close(fd[1]);
		exit(0); /* exit, not _exit: valgrind's leak check runs in the child too */
	}
	close(fd[1]);
	for (;;) {
		struct pollfd p = { fd[0], POLLIN, 0 };
		ssize_t k;

		if (poll(&p, 1, CHILD_SECONDS * 1000) <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(fd[0]);
			res->got = X_HANG;
			return;
		}
		k = read(fd[0], (char *)res + got, sizeof(*res) - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(got == sizeof(*res), "the child died (status 0x%x) before answering", status);
	/* under valgrind a memory error or leak in the child exits 1 */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child exited with status 0x%x (memory errors or leaks?)", status);
}

static const char *want_name(enum want w)
{
	static const char *const names[] = { "success", "an error when opening",
					     "an error at a sample", "a hang" };

	return names[w];
}

/* "@" in a pattern stands for the case's folder. */
static char *expand(const char *pat, const char *dir)
{
	size_t n = 1, k = 0;
	char *out;

	for (const char *p = pat; *p; p++)
		n += *p == '@' ? strlen(dir) : 1;
	out = malloc(n);
	for (const char *p = pat; *p; p++) {
		if (*p == '@') {
			memcpy(out + k, dir, strlen(dir));
			k += strlen(dir);
		} else {
			out[k++] = *p;
		}
	}
	out[k] = '\0';
	return out;
}

static void check_result(const char *name, const struct result *r, enum want want,
			 int samples, const char *msg, const char *warn, const char *dir)
{
	ck_assert_msg(r->got != X_HANG, "%s: hangs (still running after %d s)", name,
		      CHILD_SECONDS);
	ck_assert_msg(r->got == want, "%s: expected %s, got %s: %s", name, want_name(want),
		      want_name(r->got), r->got == X_FINE ? r->warn : r->err);
	if (samples >= 0)
		ck_assert_msg(r->samples == samples, "%s: expected %d samples, got %d", name,
			      samples, r->samples);
	if (msg) {
		char *m = expand(msg, dir);

		ck_assert_msg(strstr(r->err, m) != NULL, "%s: expected the error\n  %s\ngot\n  %s",
			      name, m, r->err);
		free(m);
	}
	if (warn) {
		char *w = expand(warn, dir);

		ck_assert_msg(strstr(r->warn, w) != NULL,
			      "%s: expected the warning\n  %s\ngot\n  %s", name, w, r->warn);
		free(w);
	} else {
		ck_assert_msg(r->nwarn == 0, "%s: unexpected warning: %s", name, r->warn);
	}
}

/* ------------------------------------------------------------ the table */

#define REC1 \
	" prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n" \
	" brd_submit_bio+0x28d/0x42b [brd]\nnr_base_pages: 12288\n\n"
#define SH1 \
	" prep_new_page+0x17/0x43\n brd_submit_bio+0x28d/0x42b [brd]\nhandle: 7\n\n"
#define PO1 \
	"Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 73291368 ns\n" \
	"PFN 0x100 type Unmovable Block 0 type Unmovable Flags 0x4(referenced|zone=0)\n" \
	" register_early_stack+0x23/0x3e\n init_page_owner+0x2e/0x237\n\n"
#define RECHDR "#pagetop-recording 1\nmeta iface show_stacks\nmeta unit pages\n"
#define RECBODY \
	"s 1 0 2\nf prep_new_page+0x17/0x43\nf foo+0x1/0x2\n" \
	"t 0 100.000000 1\nc 1 5\ne 0 1\n" \
	"t 1 101.000000 1\nc 1 9\ne 1 1\n"

/* A file of a case: a name in the case's folder and its content; special kinds. */
enum fkind { F_FILE = 0, F_DIR, F_SYMLINK, F_FIFO, F_COPY, F_REPEAT };
struct file {
	const char *name;
	const char *data;   /* content; symlink target; F_COPY: a path under tests/data */
	size_t len;         /* 0: strlen(data); F_REPEAT: the length to repeat data to */
	enum fkind kind;
};

struct bcase {
	const char *name;
	struct file files[4];
	const char *args[4];   /* the paths given, relative to the folder ("." itself) */
	enum want want;
	int samples;           /* before the end or the error; -1: any */
	const char *msg;       /* substring of the error ("@" = the folder) */
	const char *warn;      /* substring of a warning; NULL: none */
};

#define ONE(n) { n }
static const struct bcase cases[] = {
	/* ---- empty, blank, noise, NUL bytes */
	{ "empty file", { { "s", "" } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s: expected page_owner records, found an empty file", NULL },
	{ "only blank lines", { { "s", "\n\n  \n\n" } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:4: expected page_owner records, found none", NULL },
	{ "binary noise", { { "s", "\x7f" "ELF\x02\x01\x01\xc3\xa9\xff\xfe\x80\x81 zz\n", 0 } },
	  ONE("s"), X_NEXT_ERR, 0,
	  "@/s:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"\\x7fELF\\x02\\x01\\x01", NULL },
	{ "binary noise in a list", { { "a", REC1 }, { "b", "\x89PNG\r\n\x1a\n\xff\xfe" } },
	  { "a", "b" }, X_OPEN_ERR, 0, "@/b: expected a page_owner snapshot, found something else", NULL },
	{ "NUL byte in a frame", { { "s", " prep_new_page+0x17/0x43\n foo\0+0x1/0x2\nnr_base_pages: 1\n\n", 56 } },
	  ONE("s"), X_NEXT_ERR, 0, "@/s:2: expected text, found binary data (a NUL byte)", NULL },
	{ "NUL byte in a count", { { "s", " prep_new_page+0x17/0x43\nnr_base_pages: 1\0" "2\n\n", 46 } },
	  ONE("s"), X_NEXT_ERR, 0, "@/s:2: expected text, found binary data (a NUL byte)", NULL },
	{ "NUL bytes only", { { "s", "\0\0\0\0\n\0\0", 7 } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:1: expected text, found binary data (a NUL byte)", NULL },
	/* ---- giant lines */
	{ "giant first line", { { "s", "x", 5000, F_REPEAT } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:1: expected a line of at most 4096 bytes (the kernel prints no longer), found a longer one", NULL },
	{ "giant frame line after a record",
	  { { "s", REC1 "nr_base_pages: 1\n" }, { "g", " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 9000, F_REPEAT } },
	  ONE("s"), X_NEXT_ERR, 0, "@/s:6: expected stack frames before the count", NULL },
	{ "giant line in the middle", { { "s", REC1 }, { "s.big", NULL } }, ONE("s.big"),
	  X_NEXT_ERR, 0, "@/s.big:6: expected a line of at most 4096 bytes (the kernel prints no longer)", NULL },
	{ "frame longer than a kernel symbol",
	  { { "s", " prep_new_page+0x17/0x43\n" }, { "s.long", NULL } }, ONE("s.long"), X_NEXT_ERR, 0,
	  "@/s.long:2: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"", NULL },
	/* ---- counts */
	{ "count at 2^48 (the limit)", { { "s", " foo+0x1/0x2\nnr_base_pages: 281474976710656\n\n" } },
	  ONE("s"), X_FINE, 1, NULL, NULL },
	{ "giant count (2^48 + 1)", { { "s", " foo+0x1/0x2\nnr_base_pages: 281474976710657\n\n" } },
	  ONE("s"), X_NEXT_ERR, 0,
	  "@/s:2: expected a page count from 0 to 2^48, found \"nr_base_pages: 281474976710657\"", NULL },
	{ "count past 2^64", { { "s", " foo+0x1/0x2\nnr_base_pages: 99999999999999999999999\n\n" } },
	  ONE("s"), X_NEXT_ERR, 0, "@/s:2: expected a page count from 0 to 2^48", NULL },
	{ "negative count", { { "s", REC1 " foo+0x1/0x2\nnr_base_pages: -5\n\n" } }, ONE("s"),
	  X_NEXT_ERR, 0, "@/s:7: expected a page count from 0 to 2^48, found \"nr_base_pages: -5\"", NULL },
	{ "negative stack_count", { { "s", "foo+0x1/0x2\nstack_count: -1\n\n\n\n" } }, ONE("s"),
	  X_NEXT_ERR, 0, "@/s:2: expected an allocation count from 0 to 2^48, found \"stack_count: -1\"", NULL },
	{ "count with garbage", { { "s", " foo+0x1/0x2\nnr_base_pages: 12 pages\n\n" } }, ONE("s"),
	  X_NEXT_ERR, 0, "@/s:2: expected a page count from 0 to 2^48, found \"nr_base_pages: 12 pages\"", NULL },
	{ "count without a number", { { "s", " foo+0x1/0x2\nnr_base_pages:\n\n" } }, ONE("s"),
	  X_NEXT_ERR, 0, "@/s:2: expected a page count from 0 to 2^48, found \"nr_base_pages:\"", NULL },
	{ "negative handle count", { { "sh", SH1 }, { "h", "handle: 7\nnr_base_pages: -1\n\n" } },
	  { "sh", "h" }, X_NEXT_ERR, 0, "@/h:2: expected a page count from 0 to 2^48, found \"nr_base_pages: -1\"", NULL },
	/* ---- structure */
	{ "count before any frame", { { "s", "nr_base_pages: 3\n\n" } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:1: expected stack frames before the count, found \"nr_base_pages: 3\"", NULL },
	{ "frames then a blank line", { { "s", REC1 " foo+0x1/0x2\n\nnr_base_pages: 1\n\n" } },
	  ONE("s"), X_NEXT_ERR, 0, "@/s:7: expected \"nr_base_pages: N\" after the frames, found an empty line", NULL },
	{ "65 frames", { { "s", NULL } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:65: expected at most 64 frames in a stack, found \"f64+0x1/0x2\"", NULL },
	{ "formats mixed", { { "s", REC1 "foo+0x1/0x2\nstack_count: 3\n\n" } }, ONE("s"), X_NEXT_ERR, 0,
	  "@/s:7: expected \"nr_base_pages: N\" as in the records before (show_stacks format), found \"stack_count: 3\"", NULL },
	{ "not a frame", { { "s", REC1 " this is not a frame\nnr_base_pages: 1\n\n" } }, ONE("s"),
	  X_NEXT_ERR, 0, "@/s:6: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \" this is not a frame\"", NULL },
	{ "handle zero", { { "s", " foo+0x1/0x2\nhandle: 0\n\n" }, { "h", "handle: 0\nnr_base_pages: 1\n\n" } },
	  { "s", "h" }, X_NEXT_ERR, 0,
	  "@/s:2: expected \"handle: N\" with a non-zero 32-bit number, found \"handle: 0\"", NULL },
	{ "handle past 32 bits", { { "sh", " foo+0x1/0x2\nhandle: 4294967296\n\n" }, { "h", "handle: 7\nnr_base_pages: 1\n\n" } },
	  { "sh", "h" }, X_NEXT_ERR, 0,
	  "@/sh:2: expected \"handle: N\" with a non-zero 32-bit number, found \"handle: 4294967296\"", NULL },
	{ "two handles in a row", { { "sh", SH1 }, { "h", "handle: 7\nhandle: 8\nnr_base_pages: 1\n\n" } },
	  { "sh", "h" }, X_NEXT_ERR, 0, "@/h:2: expected \"nr_base_pages: N\" after the handle, found \"handle: 8\"", NULL },
	{ "CRLF line ends", { { "s", " foo+0x1/0x2\r\n bar+0x3/0x4 [m]\r\nnr_base_pages: 5\r\n\r\n" } },
	  ONE("s"), X_FINE, 1, NULL, NULL },
	/* ---- handles */
	{ "duplicate handles with different stacks",
	  { { "sh", SH1 " other+0x1/0x2\nhandle: 7\n\n" }, { "h", "handle: 7\nnr_base_pages: 4\n\n" } },
	  { "sh", "h" }, X_FINE, 1, NULL, NULL },
	{ "handle file alone", { { "x.show_handles", "handle: 7\nnr_base_pages: 4\n\n" } },
	  ONE("x.show_handles"), X_NEXT_ERR, 0,
	  "@/x.show_handles: show_handles has counts but no stacks: give the show_stacks_handles read with it too", NULL },
	{ "stacks_handles file alone", { { "x", SH1 } }, ONE("x"), X_NEXT_ERR, 0,
	  "@/x: show_stacks_handles has stacks but no counts: give the show_handles read with it too", NULL },
	{ "two handle files, no stacks", { { "a", "handle: 7\nnr_base_pages: 4\n\n" }, { "b", "handle: 7\nnr_base_pages: 5\n\n" } },
	  { "a", "b" }, X_NEXT_ERR, 0, "@/a: show_handles has counts but no stacks", NULL },
	{ "handle files without stack files (folder)",
	  { { "0001.show_handles", "handle: 7\nnr_base_pages: 4\n\n" }, { "0002.show_handles", "handle: 7\nnr_base_pages: 5\n\n" } },
	  ONE("."), X_OPEN_ERR, 0,
	  "@/.: expected snapshot files (show_stacks, show_handles with show_stacks_handles, page_owner), found none",
	  "@/./0001: skipped: show_handles and show_stacks_handles must come together" },
	{ "handle of no stack", { { "sh", SH1 }, { "h", "handle: 7\nnr_base_pages: 4\n\nhandle: 99\nnr_base_pages: 1\n\n" } },
	  { "h", "sh" }, X_FINE, 1, NULL, NULL },
	/* ---- per-block dump */
	{ "page_owner: order 21", { { "p", "Page allocated via order 21, mask 0x0(), pid 1, tgid 1 (x), ts 1 ns\n" } },
	  ONE("p"), X_NEXT_ERR, 0, "@/p:1: expected an allocation order from 0 to 20", NULL },
	{ "page_owner: no PFN line", { { "p", PO1 "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (x), ts 1 ns\n foo+0x1/0x2\n\n" } },
	  ONE("p"), X_NEXT_ERR, 0, "@/p:7: expected the \"PFN ...\" line of a block, found \" foo+0x1/0x2\"", NULL },
	{ "page_owner: no frames", { { "p", PO1 "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (x), ts 1 ns\nPFN 0x1\n\n" } },
	  ONE("p"), X_NEXT_ERR, 0, "@/p:8: expected the frames of the block allocated at line 6, found none", NULL },
	{ "page_owner: stray line first", { { "p", "hello\n" PO1 } }, ONE("p"), X_NEXT_ERR, 0,
	  "@/p:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"hello\"", NULL },
	{ "page_owner: frames after extras", { { "p", "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (x), ts 1 ns\nPFN 0x1\n foo+0x1/0x2\nhandle: 3\n bar+0x1/0x2\n\n" } },
	  ONE("p"), X_NEXT_ERR, 0, "@/p:5: expected information lines after the frames, not more frames, found \" bar+0x1/0x2\"", NULL },
	{ "page_owner: odd command", { { "p", "Page allocated via order 2, mask 0x0(), pid 5, tgid 5 (a (b) ), ts c), ts 9 ns\nPFN 0x1\n foo+0x1/0x2\n\n" } },
	  ONE("p"), X_FINE, 1, NULL, NULL },
	{ "page_owner: a block past 256 KiB", { { "p", NULL } }, ONE("p"), X_NEXT_ERR, 0,
	  "@/p:96: expected a record of at most 256 KiB, found a longer one", NULL },
	/* ---- compressed */
	{ "gzip cut short", { { "s.gz", NULL } }, ONE("s.gz"), X_NEXT_ERR, 0, "@/s.gz: the gzip data ends early (truncated file)", NULL },
	{ "xz corrupt", { { "s.xz", NULL } }, ONE("s.xz"), X_NEXT_ERR, 0, "@/s.xz: corrupt xz data", NULL },
	{ "xz asking for a 1 GiB dictionary", { { "s.xz", NULL } }, ONE("s.xz"), X_NEXT_ERR, 0,
	  "@/s.xz: the xz data needs 1025 MiB of memory to uncompress, more than the 256 MiB pagetop allows", NULL },
	{ "gzip magic, no data", { { "s.gz", "\x1f\x8b", 2 } }, ONE("s.gz"), X_NEXT_ERR, 0,
	  "@/s.gz: the compressed data ends early (truncated file)", NULL },
	/* ---- recordings */
	{ "recording: future version", { { "r", "#pagetop-recording 4\nmeta iface show_stacks\n" } }, ONE("r"),
	  X_OPEN_ERR, 0, "@/r: recording format version 4; this pagetop reads versions 1 to 3", NULL },
	{ "recording: no version", { { "r", "#pagetop-recording\n" } }, ONE("r"), X_OPEN_ERR, 0,
	  "@/r:1: expected \"#pagetop-recording VERSION\", found \"#pagetop-recording\"", NULL },
	{ "recording: torn tail", { { "r", NULL } }, ONE("r"), X_FINE, 1, NULL,
	  "@/r: the last sample is cut short (the recording was interrupted): kept the 1 complete sample before it" },
	{ "recording: torn line", { { "r", NULL } }, ONE("r"), X_FINE, 2, NULL,
	  "@/r: the last sample is cut short (the recording was interrupted): kept the 2 complete samples before it" },
	{ "recording: no end line", { { "r", NULL } }, ONE("r"), X_FINE, 2, NULL,
	  "@/r: the recording has no end line (it was interrupted): kept the 2 complete samples before it" },
	{ "recording: unknown stack id", { { "r", NULL } }, ONE("r"), X_NEXT_ERR, 0,
	  "@/r:7: expected the id of a stack defined before, found \"c 2 5\"", NULL },
	{ "recording: garbage line", { { "r", NULL } }, ONE("r"), X_NEXT_ERR, 1,
	  "@/r:9: expected a recording line (s, f, x, l, n, t, m, c, a, d, e, meta or end), found \"zzz\"", NULL },
	{ "recording: wrong count of changes", { { "r", NULL } }, ONE("r"), X_NEXT_ERR, 0,
	  "@/r:8: expected \"e SEQ N\" closing the sample with its N counts, found \"e 0 2\"", NULL },
	{ "recording: gzip cut short", { { "r.gz", NULL } }, ONE("r.gz"), X_FINE, -1, NULL,
	  "@/r.gz: the gzip data ends early (truncated file): kept the " },
	{ "recording: xz cut in a stack definition", { { "r.xz", NULL } }, ONE("r.xz"), X_FINE, 1, NULL,
	  "@/r.xz: the compressed data ends early (truncated file): kept the 1 complete sample before it" },
	{ "recording: zeroed blocks in a stack definition", { { "r", NULL } }, ONE("r"), X_FINE, 1, NULL,
	  "@/r:12: expected a line of at most 4096 bytes (the kernel prints no longer), found a longer one: "
	  "kept the 1 complete sample before it" },
	{ "recording: time past 10^12 s",
	  { { "r", RECHDR "s 1 0 1\nf foo+0x1/0x2\nt 0 1000000000001.000000 1\nc 1 5\ne 0 1\nend 1\n" } },
	  ONE("r"), X_NEXT_ERR, 0,
	  "@/r:6: expected a time of at most 10^12 seconds, found \"t 0 1000000000001.000000 1\": that is 31,700 years", NULL },
	{ "recording: NUL byte in a frame",
	  { { "r", RECHDR "s 1 0 1\nf foo\0+0x1/0x2\nt 0 1.0 1\nc 1 5\ne 0 1\nend 1\n",
	      sizeof(RECHDR) - 1 + 51 } },
	  ONE("r"), X_NEXT_ERR, 0, "@/r:5: expected text, found binary data (a NUL byte)", NULL },
	{ "recording: a frame that is not one",
	  { { "r", RECHDR "s 1 0 1\nf \033]0;owned\007 not a frame\nt 0 1.0 1\nc 1 5\ne 0 1\nend 1\n" } },
	  ONE("r"), X_NEXT_ERR, 0,
	  "@/r:5: expected a frame line \"f name+0xOFF/0xSIZE\" (or \"f 0xADDR\") of at most 640 bytes, as the kernel prints it, "
	  "found \"f \\x1b]0;owned\\x07 not a frame\"", NULL },
	{ "recording: frame longer than a kernel symbol", { { "r", NULL } }, ONE("r"), X_NEXT_ERR, 0,
	  "@/r:5: expected a frame line \"f name+0xOFF/0xSIZE\" (or \"f 0xADDR\") of at most 640 bytes, as the kernel prints it, "
	  "found \"f aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"", NULL },
	{ "recording in a list", { { "r", NULL }, { "s", REC1 } }, { "r", "s" }, X_OPEN_ERR, 0,
	  "@/r: a recording can only be the one source", NULL },
	/* ---- folders: odd entries */
	{ "folder: a folder named like a snapshot", { { "0001.show_stacks", REC1 }, { "0002.show_stacks", NULL, 0, F_DIR } },
	  ONE("."), X_FINE, 1, NULL, "@/./0002.show_stacks: skipped: not a regular file" },
	{ "folder: dangling symlink", { { "0001.show_stacks", REC1 }, { "0002.show_stacks", "nowhere", 0, F_SYMLINK } },
	  ONE("."), X_FINE, 1, NULL, "@/./0002.show_stacks: skipped: No such file or directory" },
	{ "folder: symlink loop", { { "0001.show_stacks", REC1 }, { "l1", "l2", 0, F_SYMLINK }, { "l2", "l1", 0, F_SYMLINK } },
	  ONE("."), X_FINE, 1, NULL, "@/./l1: skipped: Too many levels of symbolic links" },
	{ "folder: symlink to itself", { { "0001.show_stacks", REC1 }, { "0002.show_stacks", ".", 0, F_SYMLINK } },
	  ONE("."), X_FINE, 1, NULL, "@/./0002.show_stacks: skipped: not a regular file" },
	{ "folder: empty", { { "README.md", "notes\n" } }, ONE("."), X_OPEN_ERR, 0,
	  "@/.: expected snapshot files (show_stacks, show_handles with show_stacks_handles, page_owner), found none", NULL },
	{ "folder: page-size that is not one", { { "0001.show_stacks", REC1 }, { "page-size", "0x1000\n" } },
	  ONE("."), X_FINE, 1, NULL,
	  "@/./page-size:1: expected a page size from 512 to 16777216 bytes, found '0x1000'; ignored (4096 assumed)" },
	{ "folder: .uptime that is no time",
	  { { "0001.show_stacks", REC1 }, { "0001.uptime", "\033[2J inf\n" } },
	  ONE("."), X_FINE, 1, NULL,
	  "@/./0001.uptime:1: expected seconds since boot (a number from 0 to 10^12, as in /proc/uptime), found '\\x1b[2J inf'; ignored" },
	{ "folder: two files for one moment", { { "0001.show_stacks", REC1 }, { "0001.show_stacks.xz", REC1 } },
	  ONE("."), X_OPEN_ERR, 0, ": two files for the same moment: ", NULL },
	{ "symlink loop given", { { "l1", "l2", 0, F_SYMLINK }, { "l2", "l1", 0, F_SYMLINK } }, ONE("l1"),
	  X_OPEN_ERR, 0, "@/l1: cannot open: Too many levels of symbolic links", NULL },
	/* ---- FIFOs: the one source waits for a writer (batch.sh); elsewhere refused or
	 * skipped without waiting */
	{ "FIFO in a list", { { "a", REC1 }, { "fifo", NULL, 0, F_FIFO } }, { "a", "fifo" },
	  X_OPEN_ERR, 0, "@/fifo: a named pipe can only be the one source", NULL },
	{ "folder: FIFO named like a snapshot", { { "0001.show_stacks", REC1 }, { "0002.show_stacks", NULL, 0, F_FIFO } },
	  ONE("."), X_FINE, 1, NULL, "@/./0002.show_stacks: skipped: not a regular file" },
	{ "folder: FIFO of another name", { { "0001.show_stacks", REC1 }, { "0002", NULL, 0, F_FIFO } },
	  ONE("."), X_FINE, 1, NULL, "@/./0002: skipped: not a regular file" },
};

/* xz data whose one block asks for another dictionary: LZMA2's size code d in the
 * block header (2^(d/2 + 12) bytes for an even d), its CRC32 made anew. The data
 * itself, made with a smaller one, decodes with a larger. */
static void xz_set_dict(unsigned char *z, unsigned char d)
{
	size_t h = 12, hs = ((size_t)z[h] + 1) * 4, i = h + 2;
	uint32_t crc;

	for (int k = 0; k < 2; k++) /* compressed and uncompressed sizes, when given */
		if (z[h + 1] & (0x40 << k))
			while (z[i++] & 0x80)
				;
	ck_assert_uint_eq(z[i], 0x21); /* LZMA2 */
	ck_assert_uint_eq(z[i + 1], 1); /* one byte of properties: the dictionary size */
	z[i + 2] = d;
	crc = (uint32_t)crc32(0, z + h, (uInt)(hs - 4));
	for (int k = 0; k < 4; k++)
		z[h + hs - 4 + k] = (unsigned char)(crc >> (8 * k));
}

/* Contents too long or too binary for the table. */
static struct sbuf special_content(const char *casename, const char *file)
{
	struct sbuf b = { 0 };

	if (strcmp(casename, "giant line in the middle") == 0) {
		sb_add(&b, REC1 " ");
		for (int i = 0; i < 5000; i++)
			sb_add(&b, "a");
		sb_add(&b, "+0x1/0x2\nnr_base_pages: 1\n\n");
	} else if (strcmp(casename, "frame longer than a kernel symbol") == 0) {
		sb_add(&b, " prep_new_page+0x17/0x43\n ");
		for (int i = 0; i < 700; i++)
			sb_add(&b, "a");
		sb_add(&b, "+0x1/0x2\nnr_base_pages: 1\n\n");
	} else if (strcmp(casename, "65 frames") == 0) {
		for (int i = 0; i < 65; i++)
			sb_printf(&b, " f%d+0x1/0x2\n", i);
		sb_add(&b, "nr_base_pages: 1\n\n");
	} else if (strcmp(casename, "gzip cut short") == 0) {
		size_t n;
		unsigned char *z = gzip_buf(REC1 REC1, strlen(REC1) * 2, &n);

		sb_addn(&b, (char *)z, n - 12);
		free(z);
	} else if (strcmp(casename, "page_owner: a block past 256 KiB") == 0) {
		/* a block's lines stay in the buffer until it ends: 100 extra lines of 3000
		 * bytes do not fit (the kernel prints a block from one page) */
		sb_add(&b, PO1 "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (x), ts 1 ns\n"
			   "PFN 0x1\n a+0x1/0x2\n");
		for (int i = 0; i < 100; i++) {
			for (int k = 0; k < 3000; k++)
				sb_add(&b, "y");
			sb_add(&b, "\n");
		}
		sb_add(&b, "\n");
	} else if (strcmp(casename, "xz asking for a 1 GiB dictionary") == 0) {
		size_t n;
		unsigned char *z = xz_buf(REC1 REC1, strlen(REC1) * 2, &n);

		xz_set_dict(z, 36); /* 2^(36/2 + 12) bytes */
		sb_addn(&b, (char *)z, n);
		free(z);
	} else if (strcmp(casename, "xz corrupt") == 0) {
		size_t n;
		unsigned char *z = xz_buf(REC1 REC1, strlen(REC1) * 2, &n);

		for (size_t i = 24; i < n - 16; i++)
			z[i] ^= 0x5a;
		sb_addn(&b, (char *)z, n);
		free(z);
	} else if (strcmp(casename, "recording: gzip cut short") == 0) {
		size_t n;
		unsigned char *z;

		sb_add(&b, RECHDR RECBODY "t 2 102.000000 1\nc 1 1\ne 2 1\nend 3\n");
		z = gzip_buf(b.s, b.len, &n);
		b.len = 0;
		sb_addn(&b, (char *)z, n - 12);
		free(z);
	} else if (strcmp(casename, "recording: xz cut in a stack definition") == 0 ||
		   strcmp(casename, "recording: zeroed blocks in a stack definition") == 0) {
		/* a whole sample, then a stack of 64 frames that hardly compress */
		uint64_t x = 88172645463325252ULL;
		int zeros = casename[11] == 'z';

		sb_add(&b, RECHDR "s 1 0 2\nf prep_new_page+0x17/0x43\nf foo+0x1/0x2\n"
			   "t 0 100.000000 1\nc 1 5\ne 0 1\ns 2 0 64\nf bar+0x1/0x2\n");
		if (zeros) {
			/* written up to here, then blocks that never were */
			sb_addn(&b, "f ba", 4);
			for (int i = 0; i < 8192; i++)
				sb_addn(&b, "", 1);
		} else {
			size_t n;
			unsigned char *z;

			for (int i = 1; i < 64; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				sb_printf(&b, "f f%016llx%016llx+0x1/0x2\n", (unsigned long long)x,
					  (unsigned long long)(x * 0x9e3779b97f4a7c15ULL));
			}
			sb_add(&b, "t 1 101.000000 1\nc 2 3\ne 1 1\nend 2\n");
			z = xz_buf(b.s, b.len, &n);
			b.len = 0;
			/* the middle of the stack's frames is about the middle of the data */
			sb_addn(&b, (char *)z, n / 2);
			free(z);
		}
	} else if (strncmp(casename, "recording", 9) == 0) {
		sb_add(&b, RECHDR);
		if (strcmp(casename, "recording: torn tail") == 0)
			sb_add(&b, "s 1 0 2\nf prep_new_page+0x17/0x43\nf foo+0x1/0x2\n"
				   "t 0 100.000000 1\nc 1 5\ne 0 1\nt 1 101.000000 1\nc 1 9\n");
		else if (strcmp(casename, "recording: torn line") == 0)
			sb_add(&b, RECBODY "t 2 102.000000 1\nc 1 1");
		else if (strcmp(casename, "recording: no end line") == 0)
			sb_add(&b, RECBODY);
		else if (strcmp(casename, "recording: unknown stack id") == 0)
			sb_add(&b, "s 1 0 1\nf foo+0x1/0x2\nt 0 1.0 1\nc 2 5\ne 0 1\nend\n");
		else if (strcmp(casename, "recording: garbage line") == 0)
			sb_add(&b, "s 1 0 1\nf foo+0x1/0x2\nt 0 1.0 1\nc 1 5\ne 0 1\nzzz\nend\n");
		else if (strcmp(casename, "recording: frame longer than a kernel symbol") == 0) {
			/* 641 bytes: a frame the kernel cannot print (KSYM_NAME_LEN is 512) */
			sb_add(&b, "s 1 0 1\nf ");
			for (int i = 0; i < 641 - 9; i++)
				sb_add(&b, "a");
			sb_add(&b, "+0x1/0x20\nt 0 1.0 1\nc 1 5\ne 0 1\nend 1\n");
		} else if (strcmp(casename, "recording: wrong count of changes") == 0)
			sb_add(&b, "s 1 0 1\nf foo+0x1/0x2\nt 0 1.0 1\nc 1 5\ne 0 2\nend\n");
		else
			sb_add(&b, RECBODY "end\n");
	}
	(void)file;
	return b;
}

static void make_files(const struct bcase *c, const char *dir)
{
	for (int i = 0; i < 4 && c->files[i].name; i++) {
		const struct file *f = &c->files[i];
		char *p = path_join(dir, f->name);

		switch (f->kind) {
		case F_DIR:
			ck_assert_int_eq(mkdir(p, 0755), 0);
			break;
		case F_SYMLINK:
			ck_assert_int_eq(symlink(f->data, p), 0);
			break;
		case F_FIFO:
			ck_assert_int_eq(mkfifo(p, 0644), 0);
			break;
		case F_REPEAT: {
			size_t k = strlen(f->data);
			char *buf = malloc(f->len);

			for (size_t j = 0; j < f->len; j++)
				buf[j] = f->data[j % k];
			write_file(p, buf, f->len);
			free(buf);
			break;
		}
		default:
			if (f->data) {
				write_file(p, f->data, f->len ? f->len : strlen(f->data));
			} else {
				struct sbuf b = special_content(c->name, f->name);

				write_file(p, b.s, b.len);
				sb_free(&b);
			}
			break;
		}
		free(p);
	}
}

START_TEST(test_table)
{
	const struct bcase *c = &cases[_i];
	char *dir = tmpdir_new();
	const char *paths[4];
	char *owned[4] = { 0 };
	int n = 0;
	struct result r;

	make_files(c, dir);
	for (; n < 4 && c->args[n]; n++)
		paths[n] = owned[n] = path_join(dir, c->args[n]);
	hold(dir, owned[0], owned[1], owned[2]);
	held[4] = owned[3];
	run_input(paths, n, &r);
	check_result(c->name, &r, c->want, c->samples, c->msg, c->warn, dir);
	if (strcmp(c->name, "duplicate handles with different stacks") == 0) {
		/* the first definition of a handle wins; the second changes nothing */
		ck_assert_uint_eq(r.records, 1);
		ck_assert_int_eq(r.total, 4);
	}
	if (strcmp(c->name, "recording: gzip cut short") == 0) {
		/* the file is named once: the reader's message has the name already */
		ck_assert_msg(strstr(r.warn + 1, dir) == NULL, "%s", r.warn);
		ck_assert_int_ge(r.samples, 1);
	}
	if (strcmp(c->name, "handle of no stack") == 0) {
		ck_assert_uint_eq(r.records, 2); /* the unknown handle keeps its count */
		ck_assert_int_eq(r.total, 5);
	}
	for (int i = 0; i < n; i++)
		free(owned[i]);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------ truncations */

/* The first nrec records (blank-line separated) of a real file, and the lines of the
 * record after them. */
struct cutdata {
	char *head;        /* the complete records */
	size_t head_len;
	unsigned head_lines;
	char *rec;         /* the next record, with its blank line */
	size_t rec_len;
	unsigned rec_lines;
};

static void load_cut(const char *path, unsigned nrec, struct cutdata *cd)
{
	size_t len, i = 0, start;
	char *all = read_file(path, &len);
	unsigned recs = 0, lines = 0;

	ck_assert_ptr_nonnull(all);
	memset(cd, 0, sizeof(*cd));
	/* skip nrec records: a record ends with a blank line */
	while (i < len && recs < nrec) {
		char *nl = memchr(all + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - all) : len;

		lines++;
		if (e == i)
			recs++;
		i = e + 1;
	}
	cd->head = strndup(all, i);
	cd->head_len = i;
	cd->head_lines = lines;
	start = i;
	while (i < len) {
		char *nl = memchr(all + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - all) : len, ls = i;

		cd->rec_lines++;
		i = e + 1;
		if (e == ls) /* the blank line that ends the record */
			break;
	}
	cd->rec = strndup(all + start, i - start);
	cd->rec_len = i - start;
	free(all);
}

static void free_cut(struct cutdata *cd)
{
	free(cd->head);
	free(cd->rec);
}

/* Writes the complete records and cut bytes of the next one to path. */
static void write_cut(const char *path, const struct cutdata *cd, size_t cut)
{
	char *buf = malloc(cd->head_len + cut + 1);

	memcpy(buf, cd->head, cd->head_len);
	memcpy(buf + cd->head_len, cd->rec, cut);
	write_file(path, buf, cd->head_len + cut);
	free(buf);
}

/* The offset after line k (1-based) of the record. */
static size_t line_end(const struct cutdata *cd, unsigned k)
{
	size_t off = 0;

	for (unsigned j = 0; j < k; j++)
		off = (size_t)((char *)memchr(cd->rec + off, '\n', cd->rec_len - off) - cd->rec) + 1;
	return off;
}

/* show_stacks and page_owner: two records, then the third cut after each of its lines, and
 * in the middle of each line. */
static void truncations(const char *path, const char *name, int page_owner)
{
	struct cutdata cd;
	char *dir = tmpdir_new();
	char *p = path_join(dir, name);

	load_cut(path, 2, &cd);
	hold(dir, p, cd.head, cd.rec);
	ck_assert_uint_gt(cd.rec_lines, 3);
	for (unsigned k = 0; k <= cd.rec_lines; k++) {
		for (int mid = 0; mid < 2; mid++) {
			size_t off = line_end(&cd, k), cut = off;
			struct result r;
			char casename[128], warn[512];

			if (mid) {
				/* halfway into line k + 1 */
				size_t next;

				if (k == cd.rec_lines)
					continue;
				next = line_end(&cd, k + 1);
				if (next - off < 4)
					continue;
				cut = off + (next - off) / 2;
			}
			write_cut(p, &cd, cut);
			snprintf(casename, sizeof(casename), "%s cut after line %u%s of record 3", name,
				 k, mid ? " and a half" : "");
			run_input((const char *const *)&p, 1, &r);
			snprintf(warn, sizeof(warn),
				 "%s:%u: the last record is cut short (truncated file?): ignored it, kept the 2 before it",
				 p, cd.head_lines + 1);
			if (k == 0 && !mid) {
				/* the two whole records */
				check_result(casename, &r, X_FINE, 1, NULL, NULL, dir);
				ck_assert_int_eq(r.total, 2);
			} else if (page_owner ? k >= 3 && !mid : k >= cd.rec_lines - 1) {
				/* a block is whole once a frame line ended (its blank line may be
				 * missing at the end of a file); a stack once its count line is
				 * there */
				check_result(casename, &r, X_FINE, 1, NULL, NULL, dir);
				ck_assert_int_eq(r.total, page_owner ? 3 : 2 + 3);
			} else {
				/* anything less, a line cut in half included: dropped with a warning
				 * naming the line where the record starts */
				check_result(casename, &r, X_FINE, 1, NULL, warn, dir);
				ck_assert_int_eq(r.total, 2);
			}
		}
	}
	free_cut(&cd);
	free(p);
	tmpdir_free(dir);
}

START_TEST(test_cut_show_stacks)
{
	truncations(TD("plain/0030.show_stacks"), "cut.show_stacks", 0);
}
END_TEST

START_TEST(test_cut_page_owner)
{
	truncations(TD("live/page_owner"), "cut.page_owner", 1);
}
END_TEST

/* show_handles beside its show_stacks_handles: four records, the fifth cut after its
 * handle line (a count missing) or in the middle of a line. */
START_TEST(test_cut_show_handles)
{
	struct cutdata cd;
	char *dir = tmpdir_new();
	char *sh = path_join(dir, "0030.show_stacks_handles");
	char *h = path_join(dir, "0030.show_handles");
	const char *paths[2] = { sh, h };
	size_t shlen;
	char *shdata = read_file(TD("plain/0030.show_stacks_handles"), &shlen);

	ck_assert_ptr_nonnull(shdata);
	write_file(sh, shdata, shlen);
	free(shdata);
	load_cut(TD("plain/0030.show_handles"), 4, &cd);
	hold(dir, sh, h, cd.head);
	held[4] = cd.rec;
	ck_assert_uint_eq(cd.rec_lines, 3);
	for (size_t cut = 0; cut <= cd.rec_len; cut++) {
		struct result r;
		char casename[128], warn[512];
		size_t l1 = line_end(&cd, 1), l2 = line_end(&cd, 2);

		write_cut(h, &cd, cut);
		snprintf(casename, sizeof(casename), "show_handles cut at byte %zu of record 5", cut);
		snprintf(warn, sizeof(warn),
			 "%s:%u: the last record is cut short (truncated file?): ignored it, kept the 4 before it",
			 h, cd.head_lines + 1);
		run_input(paths, 2, &r);
		if (cut == 0 || cut >= l2) {
			/* the record whole, newline included */
			check_result(casename, &r, X_FINE, 1, NULL, NULL, dir);
		} else if (cut > l1 + strlen("nr_base_pages: ")) {
			/* the count is there, maybe with fewer digits: it counts, with a warning */
			snprintf(warn, sizeof(warn),
				 "%s:%u: the last line has no newline: the file may be cut short",
				 h, cd.head_lines + 2);
			check_result(casename, &r, X_FINE, 1, NULL, warn, dir);
		} else {
			/* a handle, maybe cut, without its count; or a cut handle line */
			check_result(casename, &r, X_FINE, 1, NULL, warn, dir);
		}
	}
	free_cut(&cd);
	free(sh);
	free(h);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------ the real program */

/* pagetop ARGS: exit status and standard error (malloc'ed); -1 when it hung. */
static int run_pagetop(const char *const *args, char **err_out)
{
	const char *pt = getenv("PAGETOP") ? getenv("PAGETOP") : TEST_BUILDDIR "/src/pagetop";
	char errpath[] = "/tmp/pagetop-badinput-err.XXXXXX";
	int efd = mkstemp(errpath), status;
	pid_t pid;
	double t0 = time_mono();

	ck_assert_int_ge(efd, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *argv[16];
		int n = 0;
		int devnull = open("/dev/null", O_RDWR);

		argv[n++] = pt;
		for (; args[n - 1] && n < 15; n++)
			argv[n] = args[n - 1];
		argv[n] = NULL;
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(efd, 2);
		execv(pt, (char *const *)argv);
		_exit(127);
	}
	close(efd);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (time_mono() - t0 > CHILD_SECONDS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*err_out = read_file(errpath, NULL);
			unlink(errpath);
			return -1;
		}
		usleep(20000);
	}
	*err_out = read_file(errpath, NULL);
	unlink(errpath);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(test_program)
{
	char *dir, *err;
	int rc;

	dir = tmpdir_new();
	{
		/* bad input: 1, with FILE:LINE */
		char *f = write_in(dir, "neg", " foo+0x1/0x2\nnr_base_pages: -5\n\n", 33);
		const char *a[] = { "-b", f, NULL };
		char *want;

		rc = run_pagetop(a, &err);
		ck_assert_int_eq(rc, 1);
		ck_assert_int_ge(asprintf(&want, "pagetop: %s:2: expected a page count from 0 to 2^48", f), 0);
		ck_assert_msg(strstr(err, want), "stderr: %s", err);
		free(want);
		free(err);
		free(f);
	}
	{
		/* a truncated file: 0, with a warning */
		char *f = write_in(dir, "cut", REC1 " foo+0x1/0x2\n", strlen(REC1) + 13);
		const char *a[] = { "-b", f, NULL };

		rc = run_pagetop(a, &err);
		ck_assert_int_eq(rc, 0);
		ck_assert_msg(strstr(err, ":6: the last record is cut short (truncated file?)"), "stderr: %s", err);
		free(err);
		free(f);
	}
	{
		/* a recording of a future version: 1 */
		char *f = write_in(dir, "future.rec", "#pagetop-recording 9\n", 21);
		const char *a[] = { "-b", f, NULL };

		rc = run_pagetop(a, &err);
		ck_assert_int_eq(rc, 1);
		ck_assert_msg(strstr(err, "recording format version 9; this pagetop reads versions 1 to 3"), "stderr: %s", err);
		free(err);
		free(f);
	}
	{
		/* bad usage: 2, even when the input is bad too */
		const char *a[] = { "-b", "--sort", "nope", TD_BAD("noise.bin"), NULL };

		rc = run_pagetop(a, &err);
		ck_assert_int_eq(rc, 2);
		ck_assert_msg(strstr(err, "--sort: expected"), "stderr: %s", err);
		free(err);
	}
	{
		/* a folder's kernel-notes.bin is read only as its own regular file: a link
		 * there would say what another file holds, a FIFO is not waited on */
		char *sub = path_join(dir, "notes"), *snap, *notes, *want;
		const char *a[] = { "--check-symbols", NULL, NULL };

		ck_assert_int_eq(mkdir(sub, 0755), 0);
		snap = write_in(sub, "0001.show_stacks", REC1, strlen(REC1));
		notes = path_join(sub, "kernel-notes.bin");
		a[1] = sub;
		for (int k = 0; k < 2; k++) {
			if (k == 0)
				ck_assert_int_eq(symlink(TD("live/kernel-notes.bin"), notes), 0);
			else
				ck_assert_int_eq(unlink(notes) == 0 && mkfifo(notes, 0600) == 0, 1);
			rc = run_pagetop(a, &err);
			ck_assert_int_eq(rc, 1); /* no debug info for the frames */
			ck_assert_int_ge(asprintf(&want, k == 0 ?
				"pagetop: %s: not read: a symbolic link (only the file itself is read)\n" :
				"pagetop: %s: not read: not a regular file\n", notes), 0);
			ck_assert_msg(strstr(err, want), "stderr: %s", err);
			free(want);
			free(err);
		}
		free(notes);
		free(snap);
		free(sub);
	}
	{
		/* binary noise: 1 */
		const char *a[] = { "-b", TD_BAD("noise.bin"), NULL };

		rc = run_pagetop(a, &err);
		ck_assert_int_eq(rc, 1);
		ck_assert_msg(strstr(err, "noise.bin"), "stderr: %s", err);
		free(err);
	}
	tmpdir_free(dir);
}
END_TEST

/* The hand-made files of tests/data/bad/: each is an error with its name and line. */
START_TEST(test_bad_files)
{
	static const struct {
		const char *file;
		enum want want;
		const char *msg;
	} bad[] = {
		{ "noise.bin", X_NEXT_ERR, "noise.bin:1: expected text, found binary data (a NUL byte)" },
		{ "mixed.show_stacks", X_NEXT_ERR, "mixed.show_stacks:35: expected \"nr_base_pages: N\" as in the records before (show_stacks format), found \"stack_count: 4\"" },
		{ "nul.show_stacks", X_NEXT_ERR, "nul.show_stacks:3: expected text, found binary data (a NUL byte)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *p = xasprintf("%s/%s", TD_BAD(""), bad[i].file);
		const char *pp = p;
		struct result r;

		hold(p, NULL, NULL, NULL);

		run_input(&pp, 1, &r);
		check_result(bad[i].file, &r, bad[i].want, 0, bad[i].msg, NULL, "");
		if (bad[i].want == X_OPEN_ERR)
			ck_assert_msg(strstr(r.err, bad[i].file), "%s", r.err);
		free(p);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bad input");
	TCase *tc = tcase_create("table");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_table, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, test_bad_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("truncations");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_cut_show_stacks);
	tcase_add_test(tc, test_cut_page_owner);
	tcase_add_test(tc, test_cut_show_handles);
	suite_add_tcase(s, tc);
	tc = tcase_create("program");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_program);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
