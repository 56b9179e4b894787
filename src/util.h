/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - allocation wrappers, diagnostics hooks, hashing, string interning, time.
 *
 * Library modules (parse, source, model, record, symbols) never print and never exit:
 * they return a status and fill a struct pt_err. Warnings go through diag_warn(), whose
 * sink main.c (stderr) or tui.c (status line) installs. */
#ifndef PAGETOP_UTIL_H
#define PAGETOP_UTIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

#include "gettext.h"
#define _(s) gettext(s)
#define N_(s) (s)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An error: a message for the user, already translated and complete
 * ("FILE:LINE: expected ..., found ..."). */
struct pt_err {
	char msg[1024];
};
void pt_err_set(struct pt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Warnings from library code; the sink is installed by the front end. */
typedef void (*diag_sink_fn)(const char *msg);
void diag_set_sink(diag_sink_fn fn);
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The calling thread's warnings go to fn(ctx, msg) instead (fn NULL: back to the sink):
 * a worker thread hands them to the thread that owns the front end. */
void diag_set_thread_sink(void (*fn)(void *ctx, const char *msg), void *ctx);
void diag_get_thread_sink(void (**fn)(void *ctx, const char *msg), void **ctx);

/* Called before the process dies on out-of-memory or a fatal error (restores the
 * terminal, the kernel's count_threshold, closes a recording). */
void util_set_fatal_hook(void (*fn)(void));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
/* Grows the zero-filled array p of *cap elements (doubling, from 1024) until index i fits;
 * the new elements are zero. */
void *xgrow_zeroed(void *p, size_t *cap, size_t i, size_t size);
/* p of n bytes from xmalloc() and its kind: its whole 2 MiB ranges asked for in huge
 * pages (for the rows a key at a million stacks walks: on a VM whose host tracks the
 * guest's page accesses, 80 MiB of small pages left alone for a second take 40 to 100
 * ms to walk again, huge pages 0.7 ms). Returns p. */
void *xhuge_hint(void *p, size_t n);
/* Large arrays that live long: zero-filled anonymous mappings. From 2 MiB on they are
 * 2 MiB-aligned and ask for transparent huge pages, so that filling 30 MB of model
 * takes a few dozen page faults instead of thousands. xhuge_free() takes the size that
 * was asked for. */
void *xhuge_alloc(size_t n);
void xhuge_free(void *p, size_t n);
/* Grows p (xhuge_alloc()'d for old elements of size bytes; NULL: none) to n elements,
 * moving its pages, not copying them; from 2 MiB on into a mapping aligned as
 * xhuge_alloc()'s, the part added in huge pages. */
void *xhuge_realloc(void *p, size_t old, size_t n, size_t size);
/* A bump allocator over such mappings, for things freed all at once: the blocks grow
 * geometrically from 256 KiB, so a small model stays small. Memory is zeroed. */
struct arena {
	struct arena_block *blocks;
	size_t nblocks, used; /* bytes used in the last block */
	size_t asked;         /* of it, faulted in ahead up to there (populate_ahead()) */
};
#define ARENA_AHEAD (4u << 20)
void *arena_alloc(struct arena *a, size_t n);
/* Has another thread fault in [p, p + len) soon, with two CPUs or more; writes no byte:
 * the memory may be freed meanwhile. */
void populate_ahead(void *p, size_t len);
/* Waits until what was asked is faulted in; 1 when a thread does it, 0 when none can. */
int populate_drain(void);
size_t arena_bytes(const struct arena *a); /* handed out (and the blocks left behind) */
void arena_free(struct arena *a);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Varints (LEB128) and zigzag: the compact numbers of a row's history and chart. */
static inline uint64_t zigzag_enc(int64_t d)
{
	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static inline int64_t zigzag_dec(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* u at p; returns the bytes written (at most 10). */
static inline unsigned varint_put(uint8_t *p, uint64_t u)
{
	unsigned n = 0;

	while (u >= 0x80) {
		p[n++] = (uint8_t)(u | 0x80);
		u >>= 7;
	}
	p[n++] = (uint8_t)u;
	return n;
}

/* The varint at p[*next]; *next goes past it. */
static inline uint64_t varint_get(const uint8_t *p, uint32_t *next)
{
	uint64_t u = 0;
	unsigned sh = 0;
	uint32_t i = *next;

	while (p[i] & 0x80) {
		u |= (uint64_t)(p[i++] & 0x7f) << sh;
		sh += 7;
	}
	u |= (uint64_t)p[i++] << sh;
	*next = i;
	return u;
}

/* Fast non-cryptographic 64-bit hash (identity is always confirmed by comparison).
 * Defined over 16-byte blocks (two little-endian words; the last block zero-padded),
 * then the length; its steps are here so that other hashes can be built the same way
 * (stack_rec_hash() in sink.h):
 * hash_bytes(p, n, seed) == hash_end(hash_block(...hash_block(hash_start(seed), w0, w1)...), n). */
static inline uint64_t hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}
static inline uint64_t hash_start(uint64_t seed)
{
	return seed ^ 0x9e3779b97f4a7c15ULL;
}
static inline uint64_t hash_block(uint64_t h, uint64_t w0, uint64_t w1)
{
	return hash_mix(w0 ^ h ^ 0xe7037ed1a0b428dbULL, w1 ^ 0x8ebc6af09c88c6e3ULL);
}
static inline uint64_t hash_end(uint64_t h, size_t len)
{
	return hash_mix(h ^ (uint64_t)len ^ 0x589965cc75374cc3ULL, 0xa0761d6478bd642fULL);
}
uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
static inline uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* String interning: each distinct text stored once, ids are dense from 0. */
struct strtab;
struct strtab *strtab_new(void);
void strtab_free(struct strtab *t);
uint32_t strtab_intern(struct strtab *t, const char *s, size_t len);
/* The same with h == hash_bytes(s, len, 0) already known. */
uint32_t strtab_intern_h(struct strtab *t, const char *s, size_t len, uint64_t h);
/* The id of a text, UINT32_MAX when it is not in the table. */
uint32_t strtab_find(const struct strtab *t, const char *s, size_t len);
uint32_t strtab_find_h(const struct strtab *t, const char *s, size_t len, uint64_t h);
const char *strtab_str(const struct strtab *t, uint32_t id);
uint32_t strtab_len(const struct strtab *t, uint32_t id);
uint32_t strtab_count(const struct strtab *t);
size_t strtab_bytes(const struct strtab *t); /* allocated for it */
/* Every text in id order, each ended by a NUL: *len bytes, only ever appended to. */
const char *strtab_texts(const struct strtab *t, size_t *len);
/* Whether text ("": always) is in the len bytes at hay, cases folded as tolower() folds
 * them; a NUL in hay is in no match (texts end to end are searched each on its own). */
int mem_has_text(const char *hay, size_t len, const char *text);

/* a + b saturating at the limits of int64_t (sums of page counts from hostile input). */
static inline int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* |a| saturating at INT64_MAX (-INT64_MIN does not exist; a saturated sum can be it). */
static inline int64_t sat_abs(int64_t a)
{
	return a >= 0 ? a : a == INT64_MIN ? INT64_MAX : -a;
}

/* a * b saturating at the limits of long long (byte counts from hostile page counts). */
static inline long long sat_mul(long long a, long long b)
{
	long long r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? LLONG_MIN : LLONG_MAX;
	return r;
}

/* strtod() in the C locale: numbers in options, file names and files never take the
 * user's decimal comma. */
double strtod_c(const char *s, char **end);
/* "0x" and 1 to 16 hex digits at the start of s[0..n) (either case): the bytes used, and
 * the number in *v; 0 (and *v untouched) when there are none or more than 16. */
size_t hex_parse(const char *s, size_t n, uint64_t *v);

/* The largest time, in seconds either side of its clock's 0, that any input may give a
 * sample (10^12 s are 31,700 years): within it a time survives every conversion pagetop
 * makes of it (time_t and the calendar, a recording's microseconds). */
#define PT_TIME_MAX 1e12
static inline int time_ok(double t)
{
	return t >= -PT_TIME_MAX && t <= PT_TIME_MAX; /* false for NaN */
}

/* Values read from inputs (recordings, snapshot folders, the command line) that end up
 * in file names are checked against what the kernel can make; len is the value's
 * length (it need not be NUL-terminated).
 * A release as uname -r prints it: 1..64 bytes of letters, digits and . _ + ~ -, not
 * starting with '.' or '-', without "..". */
int release_ok(const char *s, size_t len);
/* A module name: 1..56 bytes (MODULE_NAME_LEN - 1) of letters, digits, _ and -. */
int module_name_ok(const char *s, size_t len);
/* A GNU build id: an even number (2..128) of lowercase hex digits. */
int build_id_ok(const char *s, size_t len);
/* A host name: 1..64 bytes of letters, digits and . _ -, or "(none)" (never set). */
int hostname_ok(const char *s, size_t len);
/* s[0..len) for a message: at most 64 bytes of whole characters, escaped as esc_str()
 * does ("..." when cut); bufsz at least 260. */
const char *quote_value(const char *s, size_t len, char *buf, size_t bufsz);

/* Time in seconds. */
double time_mono(void);

/* CPUs this process may run on that nothing else is running on now (the affinity mask
 * less the other tasks of /proc/loadavg runnable at each of a few looks over about a
 * millisecond), at least 1; the answer of a look less than CPUS_FREE_KEEP_US ago when
 * there is one (a parse asks before it starts and again to start its threads, batch
 * output once more for its labels). PAGETOP_THREADS, when set to a number, is the
 * answer instead (benchmarks compare with it). */
unsigned cpus_free(void);
/* This thread's share of the CPUs when the caller has divided them among its threads
 * already (0: none): cpus_free() answers n on this thread, without a look. */
void cpus_share_set(unsigned n);
/* The same of n CPUs, running() giving the runnable tasks at each look (0: unknown):
 * n less the others the fewest looks saw; only the first look when it sees no other. */
#define CPUS_FREE_LOOKS 4
#define CPUS_FREE_GAP_NS 300000
unsigned cpus_free_of(long n, unsigned (*running)(void *arg), void *arg);
/* The runnable tasks of /proc/loadavg's text ("0.50 0.40 0.30 3/345 6789": 3); 0 when it
 * is not that. */
unsigned loadavg_running_of(const char *text);
/* cpus_free_of(), or the answer memo holds when it was given less than CPUS_FREE_KEEP_US
 * before now_us; the answer given is kept in memo (0: none yet), with now_us. */
#define CPUS_FREE_KEEP_US 200000
unsigned cpus_free_kept(_Atomic uint64_t *memo, uint64_t now_us, long n,
			unsigned (*running)(void *arg), void *arg);
double time_real(void);

/* Writes a new file: fill(fp, ctx) writes the content (returns < 0 on an error of its
 * own, with err set) into a temporary file in path's folder, created with mode (the
 * umask applies), which is flushed to disk and then renamed to path without replacing
 * anything (renameat2 RENAME_NOREPLACE; link() and unlink() where the file system has no
 * such rename). So path never names a half-written file, an existing file is never
 * overwritten, a symbolic link at path is never followed, and on any failure the
 * temporary file is removed and err says what failed. Returns 0 or -1. */
int write_new_file(const char *path, mode_t mode, int (*fill)(FILE *fp, void *ctx, struct pt_err *err),
		   void *ctx, struct pt_err *err);
/* The same, but path is replaced when it exists (rename(), atomic: a reader sees the old
 * file or the new one, whole); a symbolic link at path is replaced, not followed. For
 * files rewritten again and again (pagetop record --textfile). Returns 0 or -1. */
int replace_file(const char *path, mode_t mode, int (*fill)(FILE *fp, void *ctx, struct pt_err *err),
		 void *ctx, struct pt_err *err);
/* Tests: 1 makes write_new_file() take the link() and unlink() way. */
extern int write_new_file_no_renameat2;

/* ---- text from the input, on a terminal ----
 *
 * Frame texts, module and task names, file names and source lines come from files made
 * elsewhere and may hold anything but NUL. One rule decides what of it reaches a terminal
 * as it is (doc/formats.md, "Control characters"): the screen shows a control character
 * as a space and a byte that is no character as '?'; text output and messages escape
 * them; JSON writes \u escapes. */

/* What the character at s is: printable, a control character (C0, DEL or C1) or, in
 * UTF-8, a byte that starts no well-formed character. */
enum text_kind { TEXT_PRINT, TEXT_CONTROL, TEXT_INVALID };
/* The length of the character at s (n >= 1 bytes available), and its kind. utf8: s is
 * UTF-8 (C1 is U+0080..U+009F, two bytes); else a byte is a character, and 0x80..0x9f
 * are the C1 controls of 8-bit character sets. */
size_t text_char(const char *s, size_t n, int utf8, enum text_kind *kind);
/* 1 when the locale's character set is UTF-8 (what the terminal is assumed to show). */
int text_locale_utf8(void);

/* s escaped for a terminal: a control character becomes \xHH (C0, DEL; C1 without
 * utf8) or \u00HH (C1 in UTF-8), a byte that is no UTF-8 \xHH; all else, a backslash
 * too, stays as it is, so that escaping escaped text changes nothing. Returns s when
 * nothing needs escaping, else the text in *b, which grows as needed and is the
 * caller's to free() (one buffer per string in use at the same time; s is not in
 * *b). */
struct esc_buf {
	char *p;
	size_t cap;
};
const char *esc_str(struct esc_buf *b, const char *s, int utf8);
/* The same for the n bytes at s, written to fp. */
void esc_write(FILE *fp, const char *s, size_t n, int utf8);
/* "pagetop: MSG\n" on standard error, MSG escaped for the locale (messages quote
 * file names and input). */
void msg_print(const char *msg);

/* Formatting helpers for user-visible numbers. */
/* "217.2 MiB", "4.0 KiB", "12 B" */
void fmt_bytes(char *buf, size_t n, double bytes);
/* "55,616" (thousands separators from the locale when it has them, else ',') */
void fmt_count(char *buf, size_t n, int64_t v);

#endif
