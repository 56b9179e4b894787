/* util.c - allocation wrappers, diagnostics, hashing, interning, time, number formats. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void (*fatal_hook)(void);
static diag_sink_fn diag_sink;

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

void diag_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (diag_sink)
		diag_sink(buf);
	else
		fprintf(stderr, "pagetop: %s\n", buf);
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

/* A multiply-xorshift hash over 8-byte words: fast on short frame lines. */
static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ (n * 0xa0761d6478bd642fULL);

	while (n >= 16) {
		h = mix(rd64(p) ^ 0xe7037ed1a0b428dbULL, rd64(p + 8) ^ h);
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		h = mix(rd64(p) ^ 0xe7037ed1a0b428dbULL, h ^ 0x8ebc6af09c88c6e3ULL);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t t = 0;

		memcpy(&t, p, n);
		h = mix(t ^ 0x589965cc75374cc3ULL, h ^ 0x1d8e4e27c47d124fULL);
	}
	return mix(h, 0xa0761d6478bd642fULL);
}

/* ---- string interning ---- */

struct strtab {
	char *arena;            /* every string, NUL-terminated, back to back */
	size_t arena_len, arena_cap;
	uint64_t *offs;         /* id -> offset in arena */
	uint32_t *lens;
	uint32_t n, cap;
	uint32_t *slots;        /* open addressing: id + 1, 0 = empty */
	uint32_t *slot_hash;    /* upper hash bits, to skip most compares */
	uint32_t nslots;        /* power of two */
};

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));

	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->slot_hash = xcalloc(t->nslots, sizeof(*t->slot_hash));
	return t;
}

void strtab_free(struct strtab *t)
{
	if (!t)
		return;
	free(t->arena);
	free(t->offs);
	free(t->lens);
	free(t->slots);
	free(t->slot_hash);
	free(t);
}

static void strtab_grow(struct strtab *t)
{
	uint32_t nslots = t->nslots * 2, mask = nslots - 1;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));
	uint32_t *sh = xcalloc(nslots, sizeof(*sh));

	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t h = hash_bytes(t->arena + t->offs[i], t->lens[i], 0);
		uint32_t j = (uint32_t)h & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = i + 1;
		sh[j] = (uint32_t)(h >> 32);
	}
	free(t->slots);
	free(t->slot_hash);
	t->slots = slots;
	t->slot_hash = sh;
	t->nslots = nslots;
}

static uint32_t strtab_lookup(const struct strtab *t, const char *s, size_t len, uint64_t h,
			      uint32_t *slot)
{
	uint32_t mask = t->nslots - 1, j = (uint32_t)h & mask, hi = (uint32_t)(h >> 32);

	for (;;) {
		uint32_t v = t->slots[j];

		if (!v)
			break;
		if (t->slot_hash[j] == hi && t->lens[v - 1] == len &&
		    memcmp(t->arena + t->offs[v - 1], s, len) == 0) {
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

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len, 0);
	uint32_t slot, id = strtab_lookup(t, s, len, h, &slot);

	if (id != UINT32_MAX)
		return id;
	if ((t->n + 1) * 4 >= t->nslots * 3) {
		strtab_grow(t);
		strtab_lookup(t, s, len, h, &slot);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->offs = xreallocarray(t->offs, t->cap, sizeof(*t->offs));
		t->lens = xreallocarray(t->lens, t->cap, sizeof(*t->lens));
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
	t->arena_len += len + 1;
	t->slots[slot] = id + 1;
	t->slot_hash[slot] = (uint32_t)(h >> 32);
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

uint32_t strtab_count(const struct strtab *t)
{
	return t->n;
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
