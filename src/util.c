/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.c - allocation wrappers, diagnostics, hashing, interning, time, number formats. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

static void (*fatal_hook)(void);
static diag_sink_fn diag_sink;
static _Thread_local void (*diag_tfn)(void *ctx, const char *msg);
static _Thread_local void *diag_tctx;

void pt_err_set(struct pt_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void diag_set_sink(diag_sink_fn fn)
{
	diag_sink = fn;
}

void diag_set_thread_sink(void (*fn)(void *ctx, const char *msg), void *ctx)
{
	diag_tfn = fn;
	diag_tctx = ctx;
}

void diag_get_thread_sink(void (**fn)(void *ctx, const char *msg), void **ctx)
{
	*fn = diag_tfn;
	*ctx = diag_tctx;
}

void diag_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (diag_tfn)
		diag_tfn(diag_tctx, buf);
	else if (diag_sink)
		diag_sink(buf);
	else
		msg_print(buf);
}

void util_set_fatal_hook(void (*fn)(void))
{
	fatal_hook = fn;
}

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook)
		fatal_hook();
	fputs("pagetop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static _Noreturn void die_oom(void)
{
	die("%s", _("out of memory"));
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xhuge_hint(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);

	if (b > a && b - a >= HUGE_PAGE)
		madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
	return p;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die_oom();
	return xrealloc(p, n * size);
}

/* The leak checker of a sanitizer build looks for pointers in the heap, not in mappings:
 * tell it that arena blocks hold pointers (the model's stacks point to their histories). */
#if defined(__SANITIZE_ADDRESS__)
#define PT_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PT_LSAN 1
#endif
#endif
#ifdef PT_LSAN
#include <sanitizer/lsan_interface.h>
#define lsan_root(p, n) __lsan_register_root_region(p, n)
#define lsan_unroot(p, n) __lsan_unregister_root_region(p, n)
#else
#define lsan_root(p, n) ((void)(p), (void)(n))
#define lsan_unroot(p, n) ((void)(p), (void)(n))
#endif

static size_t huge_len(size_t n)
{
	size_t unit = n >= HUGE_PAGE ? HUGE_PAGE : 4096;

	if (n > SIZE_MAX - HUGE_PAGE)
		die_oom();
	return (n + unit - 1) / unit * unit;
}

void *xhuge_alloc(size_t n)
{
	size_t len = huge_len(n ? n : 1), extra = len >= HUGE_PAGE ? HUGE_PAGE : 0;
	/* smaller ones are filled at once: cheaper than a fault per page */
	char *p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (extra ? 0 : MAP_POPULATE), -1, 0);

	if (p == MAP_FAILED)
		die_oom();
	if (extra) {
		/* keep the aligned middle: only whole aligned 2 MiB ranges get huge pages */
		size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;

		if (head)
			munmap(p, head);
		if (extra - head)
			munmap(p + head + len, extra - head);
		p += head;
#ifdef MADV_HUGEPAGE
		madvise(p, len, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
	}
	return p;
}

void *xhuge_realloc(void *p, size_t old, size_t n, size_t size)
{
	size_t ol, nl;
	char *q;

	if (size && n > SIZE_MAX / size)
		die_oom();
	if (!p)
		return xhuge_alloc(n * size);
	ol = huge_len(old * size > 0 ? old * size : 1);
	nl = huge_len(n * size > 0 ? n * size : 1);
	if (nl <= ol)
		return p;
	if (nl >= HUGE_PAGE) {
		/* the old pages moved to the start of an aligned mapping, whose rest then
		 * fills in huge pages (mremap() alone may put it anywhere: small pages) */
		q = xhuge_alloc(nl);
		if (mremap(p, ol, ol, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED)
			die_oom();
		return q;
	}
	q = mremap(p, ol, nl, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		die_oom();
	return q;
}

void xhuge_free(void *p, size_t n)
{
	if (p)
		munmap(p, huge_len(n ? n : 1));
}

struct arena_block {
	char *p;
	size_t len;
};

/* Memory faulted in ahead of its first write by a thread of its own: the kernel clears
 * each fresh page on the CPU that touches it first (about 1 ms a 2 MiB page on a guest
 * whose host took the memory back), and that need not be the busy one. Faulting in
 * changes no byte, so a range that is freed meanwhile costs nothing but the work. */
enum { AHEAD_RANGES = 8 };

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv, idle;
	struct {
		char *p;
		size_t len;
	} r[AHEAD_RANGES];
	unsigned head, n;
	int state; /* 0: no thread yet, 1: running, -1: none (one CPU, no MADV_POPULATE_WRITE) */
	int busy, quit;
	pthread_t th;
} ahead = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER,
	    .idle = PTHREAD_COND_INITIALIZER };

static void *ahead_run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&ahead.mu);
	while (!ahead.quit) {
		char *p;
		size_t len;
		int rc = 0;

		if (!ahead.n) {
			pthread_cond_wait(&ahead.cv, &ahead.mu);
			continue;
		}
		p = ahead.r[ahead.head].p;
		len = ahead.r[ahead.head].len;
		ahead.head = (ahead.head + 1) % AHEAD_RANGES;
		ahead.n--;
		ahead.busy = 1;
		pthread_mutex_unlock(&ahead.mu);
#ifdef MADV_POPULATE_WRITE
		/* a huge page at a time: one unmapped meanwhile (ENOMEM) leaves the others */
		for (size_t off = 0; off < len && rc == 0; off += HUGE_PAGE) {
			rc = madvise(p + off, len - off < HUGE_PAGE ? len - off : HUGE_PAGE,
				     MADV_POPULATE_WRITE);
			if (rc && errno != EINVAL)
				rc = 0; /* unmapped meanwhile (ENOMEM), or memory short: the writer faults */
		}
#else
		rc = -1;
#endif
		pthread_mutex_lock(&ahead.mu);
		ahead.busy = 0;
		if (rc) { /* before Linux 5.14 */
			ahead.state = -1;
			ahead.n = 0;
		}
		if (!ahead.n)
			pthread_cond_broadcast(&ahead.idle);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&ahead.mu);
	return NULL;
}

int populate_drain(void)
{
	int on;

	pthread_mutex_lock(&ahead.mu);
	while (ahead.state > 0 && (ahead.n || ahead.busy))
		pthread_cond_wait(&ahead.idle, &ahead.mu);
	on = ahead.state > 0;
	pthread_mutex_unlock(&ahead.mu);
	return on;
}

static void ahead_stop(void)
{
	pthread_mutex_lock(&ahead.mu);
	if (ahead.state <= 0) {
		pthread_mutex_unlock(&ahead.mu);
		return;
	}
	ahead.quit = 1;
	pthread_cond_signal(&ahead.cv);
	pthread_mutex_unlock(&ahead.mu);
	pthread_join(ahead.th, NULL);
	ahead.state = -1;
}

/* A child of fork() has no such thread: it starts its own when it asks. */
static void ahead_fork_prepare(void)
{
	pthread_mutex_lock(&ahead.mu);
}

static void ahead_fork_parent(void)
{
	pthread_mutex_unlock(&ahead.mu);
}

static void ahead_fork_child(void)
{
	ahead.state = ahead.state > 0 ? 0 : ahead.state;
	ahead.n = 0;
	ahead.busy = ahead.quit = 0;
	/* the parent's thread waited on them: made anew, not with waiters that are gone */
	pthread_mutex_init(&ahead.mu, NULL);
	pthread_cond_init(&ahead.cv, NULL);
	pthread_cond_init(&ahead.idle, NULL);
}

void populate_ahead(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;

	if (!len)
		return;
	pthread_mutex_lock(&ahead.mu);
	if (!ahead.state) {
		sigset_t all, old;

		ahead.state = -1;
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
			/* signals stay the main thread's */
			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			if (pthread_create(&ahead.th, NULL, ahead_run, NULL) == 0) {
				static int once;

				ahead.state = 1;
				if (!once++) {
					atexit(ahead_stop);
					pthread_atfork(ahead_fork_prepare, ahead_fork_parent,
						       ahead_fork_child);
				}
			}
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	if (ahead.state > 0) {
		if (ahead.n == AHEAD_RANGES) { /* the oldest is the least wanted */
			ahead.head = (ahead.head + 1) % AHEAD_RANGES;
			ahead.n--;
		}
		ahead.r[(ahead.head + ahead.n) % AHEAD_RANGES].p = (char *)a;
		ahead.r[(ahead.head + ahead.n) % AHEAD_RANGES].len = e - a;
		ahead.n++;
		pthread_cond_signal(&ahead.cv);
	}
	pthread_mutex_unlock(&ahead.mu);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->nblocks ? &a->blocks[a->nblocks - 1] : NULL;
	char *p;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->len - a->used < n) {
		size_t len = b ? b->len * 2 : 256 * 1024;

		if (len > 64 * HUGE_PAGE)
			len = 64 * HUGE_PAGE;
		if (len < n)
			len = n;
		a->blocks = xreallocarray(a->blocks, a->nblocks + 1, sizeof(*a->blocks));
		b = &a->blocks[a->nblocks++];
		b->len = huge_len(len);
		b->p = xhuge_alloc(b->len);
		lsan_root(b->p, b->len);
		a->used = a->asked = 0;
	}
	p = b->p + a->used;
	a->used += n;
	/* in a block of two huge pages or more, the next ARENA_AHEAD bytes are faulted in
	 * by another CPU while this one fills the ones before */
	if (b->len >= 2 * HUGE_PAGE && a->used + ARENA_AHEAD / 2 > a->asked &&
	    a->asked < b->len) {
		size_t from = a->asked > a->used ? a->asked : a->used;
		size_t to = b->len - a->used > ARENA_AHEAD ? a->used + ARENA_AHEAD : b->len;

		populate_ahead(b->p + from, to - from);
		a->asked = to;
	}
	return p;
}

size_t arena_bytes(const struct arena *a)
{
	size_t n = a->nblocks * sizeof(*a->blocks);

	for (size_t i = 0; i + 1 < a->nblocks; i++)
		n += a->blocks[i].len;
	return a->nblocks ? n + a->used : n;
}

void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->nblocks; i++) {
		lsan_unroot(a->blocks[i].p, a->blocks[i].len);
		xhuge_free(a->blocks[i].p, a->blocks[i].len);
	}
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	return p;
}

/* A multiply-xorshift hash over 16-byte blocks (the last partial one zero-padded, then
 * the length mixed in): util.h says how its steps fit together. */
uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = hash_start(seed);
	size_t len = n;

	while (n >= 16) {
		uint64_t w0, w1;

		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		h = hash_block(h, w0, w1);
		p += 16;
		n -= 16;
	}
	if (n) {
		uint64_t w[2] = { 0, 0 };

		memcpy(w, p, n);
		h = hash_block(h, w[0], w[1]);
	}
	return hash_end(h, len);
}

/* ---- string interning ---- */

struct strtab {
	char *arena;            /* every string, NUL-terminated, back to back */
	size_t arena_len, arena_cap;
	uint64_t *offs;         /* id -> offset in arena */
	uint32_t *lens;
	uint32_t n, cap;
	uint64_t *hashes;       /* id -> hash */
	uint64_t *slots;        /* open addressing: id + 1 | upper hash bits << 32; 0 empty */
	uint32_t nslots;        /* power of two */
};

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));

	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	return t;
}

void strtab_free(struct strtab *t)
{
	if (!t)
		return;
	free(t->arena);
	free(t->offs);
	free(t->lens);
	free(t->hashes);
	free(t->slots);
	free(t);
}

#define TAG_MASK 0xffffffff00000000ULL

static void strtab_grow(struct strtab *t)
{
	uint32_t nslots = t->nslots * 2, mask = nslots - 1;
	uint64_t *slots = xcalloc(nslots, sizeof(*slots));

	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t h = t->hashes[i];
		uint32_t j = (uint32_t)h & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = (uint64_t)(i + 1) | (h & TAG_MASK);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

/* Equality of two short byte strings of the same length, without a call: frame texts
 * are 20 to 60 bytes, and every line of a snapshot is compared once. */
static inline int mem_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8)
		return memcmp(a, b, n) == 0;
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8); /* the last 8 bytes, overlapping what came before */
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

static uint32_t strtab_lookup(const struct strtab *t, const char *s, size_t len, uint64_t h,
			      uint32_t *slot)
{
	uint32_t mask = t->nslots - 1, j = (uint32_t)h & mask;
	uint64_t tag = h & TAG_MASK;

	for (;;) {
		uint64_t e = t->slots[j];
		uint32_t v = (uint32_t)e;

		if (!e)
			break;
		if ((e & TAG_MASK) == tag && t->lens[v - 1] == len &&
		    mem_eq(t->arena + t->offs[v - 1], s, len)) {
			*slot = j;
			return v - 1;
		}
		j = (j + 1) & mask;
	}
	*slot = j;
	return UINT32_MAX;
}

uint32_t strtab_find(const struct strtab *t, const char *s, size_t len)
{
	uint32_t slot;

	return strtab_lookup(t, s, len, hash_bytes(s, len, 0), &slot);
}

uint32_t strtab_find_h(const struct strtab *t, const char *s, size_t len, uint64_t h)
{
	uint32_t slot;

	return strtab_lookup(t, s, len, h, &slot);
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	return strtab_intern_h(t, s, len, hash_bytes(s, len, 0));
}

uint32_t strtab_intern_h(struct strtab *t, const char *s, size_t len, uint64_t h)
{
	uint32_t slot, id = strtab_lookup(t, s, len, h, &slot);

	if (id != UINT32_MAX)
		return id;
	if ((t->n + 1) * 2 >= t->nslots) {
		strtab_grow(t);
		strtab_lookup(t, s, len, h, &slot);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->offs = xreallocarray(t->offs, t->cap, sizeof(*t->offs));
		t->lens = xreallocarray(t->lens, t->cap, sizeof(*t->lens));
		t->hashes = xreallocarray(t->hashes, t->cap, sizeof(*t->hashes));
	}
	if (t->arena_len + len + 1 > t->arena_cap) {
		t->arena_cap = (t->arena_cap ? t->arena_cap * 2 : 16384) + len + 1;
		t->arena = xrealloc(t->arena, t->arena_cap);
	}
	memcpy(t->arena + t->arena_len, s, len);
	t->arena[t->arena_len + len] = '\0';
	id = t->n++;
	t->offs[id] = t->arena_len;
	t->lens[id] = (uint32_t)len;
	t->hashes[id] = h;
	t->arena_len += len + 1;
	t->slots[slot] = (uint64_t)(id + 1) | (h & TAG_MASK);
	return id;
}

const char *strtab_str(const struct strtab *t, uint32_t id)
{
	return id < t->n ? t->arena + t->offs[id] : "";
}

uint32_t strtab_len(const struct strtab *t, uint32_t id)
{
	return id < t->n ? t->lens[id] : 0;
}

const char *strtab_texts(const struct strtab *t, size_t *len)
{
	*len = t->arena_len;
	return t->arena ? t->arena : "";
}

/* Case folding by byte, made once (the locale is set before any search): fold[c], and
 * the bytes that fold as c does, when two at most (pair[c][0] == pair[c][1]: one). */
static unsigned char fold[256], pair[256][2];
static unsigned char pair_ok[256];

static void fold_init(void)
{
	static int done;

	if (done)
		return;
	for (int c = 0; c < 256; c++)
		fold[c] = (unsigned char)tolower(c);
	for (int c = 0; c < 256; c++) {
		int n = 0;

		for (int b = 0; b < 256; b++)
			if (fold[b] == fold[c]) {
				if (n < 2)
					pair[c][n] = (unsigned char)b;
				n++;
			}
		if (n == 1)
			pair[c][1] = pair[c][0];
		pair_ok[c] = n <= 2;
	}
	done = 1;
}

static int folded_eq(const unsigned char *h, const unsigned char *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (fold[h[k]] != fold[t[k]])
			return 0;
	return 1;
}

int mem_has_text(const char *hay, size_t len, const char *text)
{
	const unsigned char *h = (const unsigned char *)hay, *t = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;

	if (!n)
		return 1;
	if (n > len)
		return 0;
	fold_init();
#ifdef __SSE2__
	if (n >= 2 && pair_ok[t[0]] && pair_ok[t[1]]) {
		/* 16 places a step: those whose first two bytes fold as the text's */
		const __m128i a0 = _mm_set1_epi8((char)pair[t[0]][0]);
		const __m128i b0 = _mm_set1_epi8((char)pair[t[0]][1]);
		const __m128i a1 = _mm_set1_epi8((char)pair[t[1]][0]);
		const __m128i b1 = _mm_set1_epi8((char)pair[t[1]][1]);

		for (; i + 15 + n <= len; i += 16) {
			__m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
			__m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(h + i + 1));
			__m128i e0 = _mm_or_si128(_mm_cmpeq_epi8(x0, a0), _mm_cmpeq_epi8(x0, b0));
			__m128i e1 = _mm_or_si128(_mm_cmpeq_epi8(x1, a1), _mm_cmpeq_epi8(x1, b1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(e0, e1));

			for (; m; m &= m - 1)
				if (folded_eq(h + i + (unsigned)__builtin_ctz(m), t, n))
					return 1;
		}
	}
#endif
	for (; i + n <= len; i++)
		if (fold[h[i]] == fold[t[0]] && folded_eq(h + i, t, n))
			return 1;
	return 0;
}

uint32_t strtab_count(const struct strtab *t)
{
	return t->n;
}

size_t strtab_bytes(const struct strtab *t)
{
	return sizeof(*t) + t->arena_cap + (size_t)t->cap * (sizeof(*t->offs) + sizeof(*t->lens) +
							    sizeof(*t->hashes)) +
	       (size_t)t->nslots * sizeof(*t->slots);
}

static int alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int release_ok(const char *s, size_t len)
{
	if (len == 0 || len > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!alnum(c) && (!c || !strchr("._+~-", c)))
			return 0;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

int module_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 56)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!alnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int build_id_ok(const char *s, size_t len)
{
	if (len < 2 || len > 128 || len % 2)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int hostname_ok(const char *s, size_t len)
{
	/* "(none)": the kernel's name for a host that was never given one */
	if (len == 6 && memcmp(s, "(none)", 6) == 0)
		return 1;
	if (len == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!alnum((unsigned char)s[i]) && (!s[i] || !strchr("._-", s[i])))
			return 0;
	return 1;
}

/* Defined below with the rest of the escaping. */
static size_t esc_into(char *out, const char *s, size_t n, int utf8);

const char *quote_value(const char *s, size_t len, char *buf, size_t bufsz)
{
	size_t k = 0, cut;

	/* whole characters up to 64 bytes, escaped as the messages are (4 bytes a byte) */
	while (k < len && k < 64) {
		enum text_kind kind;
		size_t n = text_char(s + k, len - k, 1, &kind);

		if (k + n > 64)
			break;
		k += n;
	}
	cut = k < len;
	if (bufsz < 4 * k + 4) {
		buf[0] = '\0';
		return buf;
	}
	k = esc_into(buf, s, k, 1);
	if (cut)
		memcpy(buf + k, "...", 3), k += 3;
	buf[k] = '\0';
	return buf;
}

double strtod_c(const char *s, char **end)
{
	static locale_t c_locale;

	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c_locale ? strtod_l(s, end, c_locale) : strtod(s, end);
}

static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t hex_parse(const char *s, size_t n, uint64_t *v)
{
	size_t i = 2;
	uint64_t x = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (; i < n && hexval((unsigned char)s[i]) >= 0; i++) {
		if (i - 2 >= 16)
			return 0;
		x = (x << 4) | (uint64_t)hexval((unsigned char)s[i]);
	}
	if (i == 2)
		return 0;
	*v = x;
	return i;
}

/* ---- text from the input, on a terminal ---- */

/* The length of the well-formed UTF-8 sequence at p (at most n bytes): 1 to 4, 0 when
 * there is none (a stray continuation byte, an overlong form, a surrogate, beyond
 * U+10FFFF, or a sequence cut short). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		k = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		k = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return k;
}

size_t text_char(const char *s, size_t n, int utf8, enum text_kind *kind)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	if (*p < 0x20 || *p == 0x7f || (!utf8 && *p >= 0x80 && *p < 0xa0)) {
		*kind = TEXT_CONTROL;
		return 1;
	}
	if (*p < 0x80 || !utf8) {
		*kind = TEXT_PRINT;
		return 1;
	}
	k = utf8_len(p, n);
	if (!k) {
		*kind = TEXT_INVALID;
		return 1;
	}
	*kind = k == 2 && p[0] == 0xc2 && p[1] < 0xa0 ? TEXT_CONTROL : TEXT_PRINT;
	return k;
}

int text_locale_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* Bytes that may start something to escape: the rest is printable ASCII. */
static int esc_suspect(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

/* The escaped text of the n bytes at s into out (room for 4 * n bytes:
 * \xHH for a byte, \u00HH for two); its length. */
static size_t esc_into(char *out, const char *s, size_t n, int utf8)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		enum text_kind kind;
		size_t len = text_char(s + i, n - i, utf8, &kind);

		if (kind == TEXT_PRINT) {
			memcpy(out + k, p, len);
			k += len;
		} else if (len == 2) { /* C1 in UTF-8: the character U+0080..U+009F */
			memcpy(out + k, "\\u00", 4);
			out[k + 4] = hex[p[1] >> 4];
			out[k + 5] = hex[p[1] & 15];
			k += 6;
		} else {
			out[k] = '\\';
			out[k + 1] = 'x';
			out[k + 2] = hex[*p >> 4];
			out[k + 3] = hex[*p & 15];
			k += 4;
		}
		i += len;
	}
	return k;
}

const char *esc_str(struct esc_buf *b, const char *s, int utf8)
{
	size_t n = strlen(s), i = 0;

	for (;;) {
		enum text_kind kind = TEXT_PRINT;

		while (i < n && !esc_suspect((unsigned char)s[i]))
			i++;
		if (i == n)
			return s;
		i += text_char(s + i, n - i, utf8, &kind);
		if (kind != TEXT_PRINT)
			break;
	}
	if (b->cap < 4 * n + 1) {
		b->cap = 4 * n + 1;
		free(b->p);
		b->p = xmalloc(b->cap);
	}
	b->p[esc_into(b->p, s, n, utf8)] = '\0';
	return b->p;
}

void esc_write(FILE *fp, const char *s, size_t n, int utf8)
{
	char buf[4 * 256];

	while (n) {
		size_t i = 0, k;

		while (i < n && !esc_suspect((unsigned char)s[i]))
			i++;
		fwrite(s, 1, i, fp);
		s += i;
		n -= i;
		if (!n)
			break;
		/* a piece that ends on a whole character: at most 4 bytes past 252 */
		k = 0;
		while (k < n && k < 252) {
			enum text_kind kind;

			k += text_char(s + k, n - k, utf8, &kind);
		}
		fwrite(buf, 1, esc_into(buf, s, k, utf8), fp);
		s += k;
		n -= k;
	}
}

void msg_print(const char *msg)
{
	struct esc_buf b = { NULL, 0 };

	fprintf(stderr, "pagetop: %s\n", esc_str(&b, msg, text_locale_utf8()));
	free(b.p);
}

/* ---- time ---- */

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double time_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- formats ---- */

void fmt_bytes(char *buf, size_t n, double bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes < 0 ? -bytes : bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%s%.0f %s", bytes < 0 ? "-" : "", v, units[u]);
	else
		snprintf(buf, n, "%s%.1f %s", bytes < 0 ? "-" : "", v, units[u]);
}

void fmt_count(char *buf, size_t n, int64_t v)
{
	char tmp[32], out[48];
	const char *sep = ",";
	struct lconv *lc = localeconv();
	int len, k = 0, neg = v < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (lc && lc->thousands_sep && *lc->thousands_sep)
		sep = lc->thousands_sep;
	len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)u);
	if (neg)
		out[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			for (const char *c = sep; *c && k < (int)sizeof(out) - 2; c++)
				out[k++] = *c;
		out[k++] = tmp[i];
	}
	out[k] = '\0';
	snprintf(buf, n, "%s", out);
}

void *xgrow_zeroed(void *p, size_t *cap, size_t i, size_t size)
{
	size_t n = *cap ? *cap : 1024;

	if (i < *cap)
		return p;
	while (n <= i)
		n *= 2;
	p = xreallocarray(p, n, size);
	memset((char *)p + *cap * size, 0, (n - *cap) * size);
	*cap = n;
	return p;
}

/* ---- writing new files ---- */

int write_new_file_no_renameat2;

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* renameat2(RENAME_NOREPLACE); -1 with ENOSYS when neither libc nor the kernel has it. */
static int rename_noreplace(const char *from, const char *to)
{
	if (write_new_file_no_renameat2) {
		errno = EINVAL;
		return -1;
	}
#if defined(HAVE_RENAMEAT2)
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#elif defined(SYS_renameat2)
	return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* The new name on disk too: fsync path's folder (errors ignored: the file is there). */
static void sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) :
		    xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		if (fsync(fd) < 0) {
			/* some file systems cannot: the rename itself stands */
		}
		close(fd);
	}
	free(dir);
}

/* "dir/.pagetop-XXXXXXXX.tmp" next to path, created with O_EXCL: a name nobody has. */
static int open_temp(const char *path, mode_t mode, char **tmp)
{
	static unsigned counter;
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) + 1 : 0;
	struct timespec ts;
	int e;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (int tries = 0; tries < 100; tries++) {
		unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec ^
			     (++counter * 40503u);
		int fd;

		*tmp = xasprintf("%.*s.pagetop-%08x.tmp", dlen, path, r);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		e = errno;
		free(*tmp);
		*tmp = NULL;
		if (e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

static void set_exists_error(const char *path, struct pt_err *err)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		pt_err_set(err, _("%s is a symbolic link: pagetop does not write through symbolic links; choose another name"),
			   path);
	else
		pt_err_set(err, _("%s exists: pagetop does not overwrite files; choose another name or remove it first"),
			   path);
}

/* Writes the temporary file fd through fill, then flushes it to the disk and closes it
 * (fd too): 0; -1 when fill failed (err says why); else the errno of what failed. */
static int fill_temp(int fd, int (*fill)(FILE *fp, void *ctx, struct pt_err *err), void *ctx,
		     struct pt_err *err)
{
	FILE *fp = fdopen(fd, "w");
	int e = 0;

	if (!fp) {
		e = errno;
		close(fd);
		return e;
	}
	errno = 0;
	if (fill(fp, ctx, err) < 0) {
		fclose(fp);
		return -1;
	}
	if (ferror(fp))
		e = errno ? errno : EIO;
	if (!e && fflush(fp) != 0)
		e = errno ? errno : EIO;
	if (!e && fsync(fileno(fp)) < 0 && errno != EINVAL && errno != EROFS)
		e = errno;
	if (fclose(fp) != 0 && !e)
		e = errno ? errno : EIO;
	return e;
}

/* Gives the file tmp the name path, never over a file: 0 (tmp is gone), or -1 with
 * errno (EEXIST: path exists). */
static int put_in_place(const char *tmp, const char *path)
{
	if (rename_noreplace(tmp, path) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	/* no RENAME_NOREPLACE here: a hard link cannot replace either */
	if (link(tmp, path) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

int write_new_file(const char *path, mode_t mode, int (*fill)(FILE *fp, void *ctx, struct pt_err *err),
		   void *ctx, struct pt_err *err)
{
	struct stat st;
	char *tmp = NULL;
	int fd, e, exists = 0;

	if (!*path) {
		pt_err_set(err, "%s", _("no file name given"));
		return -1;
	}
	/* the no-replace rename is what guarantees it; this gives the message early */
	if (lstat(path, &st) == 0) {
		set_exists_error(path, err);
		return -1;
	}
	fd = open_temp(path, mode, &tmp);
	if (fd < 0) {
		const char *slash = strrchr(path, '/');

		e = errno;
		if (!slash)
			pt_err_set(err, _("cannot create %s: cannot create a file in the current folder: %s"),
				   path, strerror(e));
		else
			pt_err_set(err, _("cannot create %s: cannot create a file in %.*s: %s"), path,
				   slash == path ? 1 : (int)(slash - path), path, strerror(e));
		return -1;
	}
	e = fill_temp(fd, fill, ctx, err);
	if (e == 0) {
		if (put_in_place(tmp, path) == 0) {
			sync_folder(path);
			free(tmp);
			return 0;
		}
		e = errno;
		exists = e == EEXIST;
	}
	unlink(tmp);
	free(tmp);
	if (exists)
		set_exists_error(path, err);
	else if (e > 0)
		pt_err_set(err, _("cannot write %s: %s (nothing was left under that name)"), path,
			   strerror(e));
	return -1;
}

int replace_file(const char *path, mode_t mode, int (*fill)(FILE *fp, void *ctx, struct pt_err *err),
		 void *ctx, struct pt_err *err)
{
	char *tmp = NULL;
	int fd = open_temp(path, mode, &tmp), e;

	if (fd < 0) {
		pt_err_set(err, _("cannot create a temporary file beside %s: %s"), path,
			   strerror(errno));
		return -1;
	}
	e = fill_temp(fd, fill, ctx, err);
	if (e == 0 && rename(tmp, path) == 0) {
		free(tmp);
		return 0;
	}
	if (e == 0)
		e = errno;
	unlink(tmp);
	free(tmp);
	if (e > 0)
		pt_err_set(err, _("cannot write %s: %s (it is as it was)"), path, strerror(e));
	return -1;
}

unsigned loadavg_running_of(const char *text)
{
	const char *p = text;
	char *end;
	unsigned long running;

	for (int field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	if (*p < '0' || *p > '9')
		return 0;
	running = strtoul(p, &end, 10);
	return *end == '/' && running <= UINT_MAX ? (unsigned)running : 0;
}

/* Read without stdio: a look is one of the first things a parse does. */
static unsigned loadavg_running(void *arg)
{
	char buf[128];
	int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)arg;
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return loadavg_running_of(buf);
}

unsigned cpus_free_of(long n, unsigned (*running)(void *arg), void *arg)
{
	unsigned least = running(arg);

	/* a task that runs for a moment (a kernel worker, the parent woken by the last
	 * child's exit) is not a busy CPU: what stays runnable over a millisecond is */
	for (int i = 1; i < CPUS_FREE_LOOKS && least > 1; i++) {
		struct timespec ts = { 0, CPUS_FREE_GAP_NS };
		unsigned r;

		nanosleep(&ts, NULL);
		r = running(arg);
		if (r && r < least)
			least = r;
	}
	if (least > 1)
		n -= (long)least - 1;
	return n < 1 ? 1 : (unsigned)n;
}

unsigned cpus_free_kept(_Atomic uint64_t *memo, uint64_t now_us, long n,
			unsigned (*running)(void *arg), void *arg)
{
	uint64_t m = atomic_load(memo);
	unsigned v;

	if (m && now_us - (m >> 8) < CPUS_FREE_KEEP_US)
		return (unsigned)(m & 0xff);
	v = cpus_free_of(n, running, arg);
	atomic_store(memo, now_us << 8 | (v > 255 ? 255 : v));
	return v;
}

static _Thread_local unsigned cpus_share;
static _Atomic uint64_t cpus_memo;

void cpus_share_set(unsigned n)
{
	cpus_share = n;
}

unsigned cpus_free(void)
{
	const char *env = getenv("PAGETOP_THREADS");
	long n;
	cpu_set_t set;

	if (cpus_share)
		return cpus_share;
	if (env && *env) {
		long v = strtol(env, NULL, 10);

		return v < 1 ? 1 : v > 64 ? 64 : (unsigned)v;
	}
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus_free_kept(&cpus_memo, (uint64_t)(time_mono() * 1e6), n, loadavg_running,
			      NULL);
}
