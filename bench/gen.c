/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gen.c - deterministic generator of large, realistic page_owner inputs for the benchmarks.
 *
 * Stack files (show_stacks, show_handles, show_stacks_handles): reads real stack records
 * (show_stacks or show_stacks_handles text) from -f FILE or standard input, and builds N
 * distinct stacks of 8..16 frames: the allocator prefix of a real stack (prep_new_page,
 * get_page_from_freelist, ..., kmem_cache_alloc_noprof), then its own first callers, then
 * caller chains spliced from other real stacks. Counts follow a heavy-tailed (Pareto)
 * distribution, with some higher-order blocks. The kernel's dummy stack (handle 1) ends
 * every file, and the failure stack (handle 524289, no pages) ends show_stacks_handles.
 *
 * Per-block dump (page_owner): reads a real dump (-t FILE) and repeats its records, in
 * passes, until the output reaches -m MB: each pass shifts PFNs (distinct, aligned to the
 * block order, "Block N" kept consistent), allocation times and pids, and gives about half
 * of the template's stacks a new recombined stack, so the distinct stack count grows with
 * the size as it does on larger machines.
 *
 * Everything is driven by one fixed seed (-s): the same inputs give byte-identical output.
 *
 * usage: gen [-n N] [-s SEED] [-f STACKS] [-p PREFIX] KIND...        (stack kinds)
 *        gen -t DUMP [-m MB] [-s SEED] [-p PREFIX] page_owner
 * KIND: show_stacks, show_handles, show_handles2 (the same handles, ~5% of the counts
 * changed, a few dropped to zero), show_stacks_handles, page_owner. With -p, each KIND is
 * written to PREFIX.KIND; without it exactly one KIND goes to standard output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXF 16 /* PAGE_OWNER_STACK_DEPTH */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("%s", "out of memory");
	return p;
}

/* ---- random numbers: splitmix64, fixed seed ---- */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static double rndu(void) /* (0, 1] */
{
	return ((rnd() >> 11) + 1) * (1.0 / 9007199254740992.0);
}
static uint32_t rndn(uint32_t n) /* [0, n) */
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	h ^= 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* ---- a set of 64-bit keys (open addressing; 0 is reserved as empty) ---- */
struct set {
	uint64_t *k;
	size_t cap, n;
};
static int set_add(struct set *s, uint64_t key) /* 1 if added, 0 if present */
{
	if (!key)
		key = 1;
	if ((s->n + 1) * 2 > s->cap) {
		struct set t = { 0, s->cap ? s->cap * 2 : 1024, 0 };
		t.k = calloc(t.cap, sizeof(uint64_t));
		if (!t.k)
			die("%s", "out of memory");
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i])
				set_add(&t, s->k[i]);
		free(s->k);
		*s = t;
	}
	size_t i = key & (s->cap - 1);
	while (s->k[i]) {
		if (s->k[i] == key)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->k[i] = key;
	s->n++;
	return 1;
}

/* ---- interned frame texts (without the leading space) ---- */
static char **ftext;
static uint32_t *flen;
static unsigned char *falloc; /* allocator machinery? */
static uint32_t nframes, capframes;
static uint32_t *fht; /* hash table of frame ids + 1 */
static size_t fhtcap;

static const char *const alloc_prefixes[] = {
	"prep_new_page", "post_alloc_hook", "get_page_from_freelist", "__alloc_",
	"alloc_pages", "alloc_frozen_pages", "__folio_alloc", "folio_alloc", "alloc_slab_page",
	"new_slab", "___slab_alloc", "__slab_alloc", "slab_alloc_node", "kmem_cache_alloc",
	"__kmem_cache_alloc", "kmalloc", "__kmalloc", "___kmalloc", "get_free_pages",
	"__get_free_pages", "alloc_pages_exact", "kmem_cache_prefill_sheaf",
	"__kvmalloc", "kvmalloc", NULL,
};
static int is_alloc_name(const char *s, size_t len)
{
	for (int i = 0; alloc_prefixes[i]; i++) {
		size_t l = strlen(alloc_prefixes[i]);
		if (l <= len && !memcmp(s, alloc_prefixes[i], l))
			return 1;
	}
	return 0;
}

static uint32_t intern(const char *s, size_t len)
{
	if ((nframes + 1) * 2 > fhtcap) {
		free(fht);
		fhtcap = fhtcap ? fhtcap * 2 : 4096;
		fht = calloc(fhtcap, sizeof(uint32_t));
		if (!fht)
			die("%s", "out of memory");
		for (uint32_t id = 0; id < nframes; id++) {
			size_t i = hash_bytes(ftext[id], flen[id], 0) & (fhtcap - 1);
			while (fht[i])
				i = (i + 1) & (fhtcap - 1);
			fht[i] = id + 1;
		}
	}
	size_t i = hash_bytes(s, len, 0) & (fhtcap - 1);
	while (fht[i]) {
		uint32_t id = fht[i] - 1;
		if (flen[id] == len && !memcmp(ftext[id], s, len))
			return id;
		i = (i + 1) & (fhtcap - 1);
	}
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 1024;
		ftext = xrealloc(ftext, capframes * sizeof(*ftext));
		flen = xrealloc(flen, capframes * sizeof(*flen));
		falloc = xrealloc(falloc, capframes);
	}
	ftext[nframes] = xrealloc(NULL, len + 1);
	memcpy(ftext[nframes], s, len);
	ftext[nframes][len] = 0;
	flen[nframes] = (uint32_t)len;
	falloc[nframes] = (unsigned char)is_alloc_name(s, len);
	fht[i] = nframes + 1;
	return nframes++;
}

/* ---- stacks ---- */
struct stk {
	uint32_t f[MAXF];
	uint8_t n, pre; /* frames; allocator prefix length */
};
struct stkvec {
	struct stk *v;
	size_t n, cap;
};
static void stk_push(struct stkvec *sv, const struct stk *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 1024;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = *s;
}
static uint64_t stk_hash(const struct stk *s)
{
	return hash_bytes(s->f, s->n * sizeof(uint32_t), s->n);
}
static void stk_prefix(struct stk *s)
{
	s->pre = 0;
	while (s->pre < s->n && falloc[s->f[s->pre]])
		s->pre++;
}
static int stk_special(const struct stk *s) /* dummy, failure, early: register_*_stack */
{
	return s->n && !strncmp(ftext[s->f[0]], "register_", 9);
}

/* Strips the newline and trailing blanks; returns the length. */
static size_t chomp(char *line, ssize_t n)
{
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
			 line[n - 1] == '\t'))
		n--;
	line[n] = 0;
	return (size_t)n;
}

static struct stk dummy_stk, failure_stk;
static int have_dummy, have_failure;

/* Reads show_stacks / show_stacks_handles / proposal records: the distinct real stacks. */
static void read_stacks(FILE *in, struct stkvec *pool)
{
	struct set seen = { 0 };
	struct stk cur = { .n = 0 };
	int overflow = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t r;
	while ((r = getline(&line, &cap, in)) >= 0) {
		size_t len = chomp(line, r);
		if (line[0] == ' ') {
			if (cur.n < MAXF)
				cur.f[cur.n++] = intern(line + 1, len - 1);
			else
				overflow = 1;
			continue;
		}
		if (!strncmp(line, "nr_base_pages:", 14) || !strncmp(line, "stack_count:", 12) ||
		    !strncmp(line, "handle:", 7)) {
			if (cur.n && !overflow) {
				stk_prefix(&cur);
				if (stk_special(&cur)) {
					if (strstr(ftext[cur.f[0]], "dummy") && !have_dummy)
						dummy_stk = cur, have_dummy = 1;
					else if (strstr(ftext[cur.f[0]], "failure") && !have_failure)
						failure_stk = cur, have_failure = 1;
				} else if (cur.n > cur.pre && set_add(&seen, stk_hash(&cur))) {
					stk_push(pool, &cur);
				}
			}
			cur.n = 0;
			overflow = 0;
		}
	}
	free(line);
	free(seen.k);
}

/* One new stack: a real allocator prefix, callers spliced from real caller chains. */
static void make_stack(const struct stkvec *pool, const struct stk *base, struct stk *out)
{
	const struct stk *a = base ? base : &pool->v[rndn((uint32_t)pool->n)];
	unsigned target = rndu() < 0.55 ? MAXF : 8 + rndn(8);
	if (target < (unsigned)a->pre + 1)
		target = a->pre + 1 > MAXF ? MAXF : a->pre + 1;
	*out = *a;
	out->n = a->pre;
	/* the allocator prefix's own first callers, 1.. of them */
	unsigned own = a->n - a->pre, need = target - out->n;
	unsigned take = 1 + rndn(own < need ? own : need);
	for (unsigned i = 0; i < take; i++)
		out->f[out->n++] = a->f[a->pre + i];
	/* then caller chains from other stacks, from a random point of their caller part */
	int guard = 0;
	while (out->n < target && guard++ < 64) {
		const struct stk *c = &pool->v[rndn((uint32_t)pool->n)];
		unsigned cn = c->n - c->pre;
		if (!cn)
			continue;
		unsigned j = c->pre + rndn(cn);
		while (j < c->n && out->n < target)
			out->f[out->n++] = c->f[j++];
	}
}

/* ---- output ---- */
static FILE *open_out(const char *prefix, const char *kind)
{
	if (!prefix)
		return stdout;
	char *path;
	if (asprintf(&path, "%s.%s", prefix, kind) < 0)
		die("%s", "out of memory");
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	static char *bufs[8];
	static int nb;
	if (nb < 8) {
		bufs[nb] = malloc(1 << 20);
		setvbuf(f, bufs[nb++], _IOFBF, 1 << 20);
	}
	free(path);
	return f;
}
static void close_out(FILE *f)
{
	if (fflush(f) || ferror(f))
		die("%s", "write error");
	if (f != stdout)
		fclose(f);
}
static void put_frames(FILE *f, const struct stk *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		putc_unlocked(' ', f);
		fwrite(ftext[s->f[i]], 1, flen[s->f[i]], f);
		putc_unlocked('\n', f);
	}
}

static uint64_t heavy_count(void)
{
	/* Pareto, alpha 1.15: half the stacks hold 1..2 pages, a few hold hundreds of
	 * thousands; some are higher-order blocks (2, 4, 8 or 512 pages each). */
	double c = floor(pow(rndu(), -1.0 / 1.15));
	if (c > (double)(1 << 21))
		c = (double)(1 << 21);
	uint64_t n = (uint64_t)c;
	double u = rndu();
	if (u < 0.08)
		n <<= 1 + rndn(3);
	else if (u < 0.085)
		n <<= 9;
	return n;
}

static int gen_stacks(const char *prefix, long n, char **kinds, int nkinds, FILE *in)
{
	struct stkvec pool = { 0 };
	read_stacks(in, &pool);
	if (pool.n < 16)
		die("%s", "too few stack records in the input (need show_stacks text)");
	fprintf(stderr, "gen: %zu real stacks, %u distinct frames\n", pool.n, nframes);

	struct stk *st = xrealloc(NULL, n * sizeof(*st));
	uint64_t *cnt = xrealloc(NULL, n * sizeof(*cnt));
	uint64_t *cnt2 = xrealloc(NULL, n * sizeof(*cnt2));
	uint32_t *hnd = xrealloc(NULL, n * sizeof(*hnd));
	struct set seen = { 0 }, hseen = { 0 };
	set_add(&hseen, 1);      /* the dummy stack's handle */
	set_add(&hseen, 524289); /* the failure stack's handle */
	long tries = 0;
	for (long i = 0; i < n; i++) {
		do {
			if (++tries > 50 * n + 1000)
				die("%s", "cannot make that many distinct stacks from this input");
			make_stack(&pool, NULL, &st[i]);
		} while (!set_add(&seen, stk_hash(&st[i])));
		cnt[i] = heavy_count();
		uint32_t h;
		do
			h = (uint32_t)(rnd() >> 32) & 0x7fffffff;
		while (h < 2 || !set_add(&hseen, h));
		hnd[i] = h;
		/* the second sample: ~5% of the counts changed, some of them freed to zero */
		cnt2[i] = cnt[i];
		if (rndu() < 0.05) {
			double u = rndu();
			if (u < 0.15)
				cnt2[i] = 0;
			else if (u < 0.65)
				cnt2[i] += 1 + rndn((uint32_t)(cnt[i] / 2 + 1));
			else
				cnt2[i] = cnt[i] > 1 ? cnt[i] - 1 - rndn((uint32_t)(cnt[i] - 1)) : 2;
		}
	}
	if (!have_dummy) {
		static const char *d[] = { "register_dummy_stack+0x23/0x3e",
					   "init_page_owner+0x24/0x237",
					   "mm_core_init+0x175/0x17f", "start_kernel+0x4e4/0x657" };
		dummy_stk.n = 4;
		for (int i = 0; i < 4; i++)
			dummy_stk.f[i] = intern(d[i], strlen(d[i]));
	}
	if (!have_failure) {
		static const char *d[] = { "register_failure_stack+0x23/0x3e",
					   "init_page_owner+0x29/0x237",
					   "mm_core_init+0x175/0x17f", "start_kernel+0x4e4/0x657" };
		failure_stk.n = 4;
		for (int i = 0; i < 4; i++)
			failure_stk.f[i] = intern(d[i], strlen(d[i]));
	}
	uint64_t dummy_pages = 30 + (uint64_t)n / 64, dummy_pages2 = dummy_pages + 1;

	for (int k = 0; k < nkinds; k++) {
		const char *kind = kinds[k];
		FILE *f = open_out(prefix, kind);
		if (!strcmp(kind, "show_stacks")) {
			for (long i = 0; i < n; i++) {
				put_frames(f, &st[i]);
				fprintf(f, "nr_base_pages: %llu\n\n", (unsigned long long)cnt[i]);
			}
			put_frames(f, &dummy_stk);
			fprintf(f, "nr_base_pages: %llu\n\n", (unsigned long long)dummy_pages);
		} else if (!strcmp(kind, "show_handles") || !strcmp(kind, "show_handles2")) {
			const uint64_t *c = kind[12] ? cnt2 : cnt;
			for (long i = 0; i < n; i++)
				if (c[i])
					fprintf(f, "handle: %u\nnr_base_pages: %llu\n\n", hnd[i],
						(unsigned long long)c[i]);
			fprintf(f, "handle: 1\nnr_base_pages: %llu\n\n",
				(unsigned long long)(kind[12] ? dummy_pages2 : dummy_pages));
		} else if (!strcmp(kind, "show_stacks_handles")) {
			for (long i = 0; i < n; i++) {
				put_frames(f, &st[i]);
				fprintf(f, "handle: %u\n\n", hnd[i]);
			}
			put_frames(f, &dummy_stk);
			fputs("handle: 1\n\n", f);
			put_frames(f, &failure_stk);
			fputs("handle: 524289\n\n", f);
		} else {
			die("unknown kind %s (show_stacks, show_handles, show_handles2, "
			    "show_stacks_handles, page_owner)", kind);
		}
		close_out(f);
	}
	free(st);
	free(cnt);
	free(cnt2);
	free(hnd);
	free(seen.k);
	free(hseen.k);
	free(pool.v);
	return 0;
}

/* ---- the per-block dump ---- */
struct blk {
	char *head;      /* "Page allocated via order O, mask 0x...(...), " */
	int pid, tgid;
	char *comm;
	uint64_t ts;
	unsigned order;
	uint64_t pfn;
	char *pfn_mid;   /* " type X" up to " Block " */
	char *pfn_tail;  /* after the block number: " type Y Flags ..." */
	uint32_t stack;  /* index into the template's distinct stacks */
	char *extra;     /* optional lines after the stack, verbatim, or NULL */
};

static int parse_head(char *line, struct blk *b)
{
	char *p = strstr(line, ", pid ");
	char *o = strstr(line, "order ");
	if (!p || !o || strncmp(line, "Page allocated via ", 19))
		return -1;
	b->order = (unsigned)strtoul(o + 6, NULL, 10);
	b->head = strndup(line, (size_t)(p - line) + 2);
	char *e;
	b->pid = (int)strtol(p + 6, &e, 10);
	char *t = strstr(e, "tgid ");
	if (!t)
		return -1;
	b->tgid = (int)strtol(t + 5, &e, 10);
	char *c = strchr(e, '(');
	char *ts = NULL, *q = c;
	while (q && (q = strstr(q, "), ts ")))
		ts = q++;
	if (!c || !ts)
		return -1;
	b->comm = strndup(c + 1, (size_t)(ts - c - 1));
	b->ts = strtoull(ts + 6, NULL, 10);
	return 0;
}

static int parse_pfn(char *line, struct blk *b)
{
	char *e;
	if (strncmp(line, "PFN ", 4))
		return -1;
	b->pfn = strtoull(line + 4, &e, 16);
	char *bl = strstr(e, " Block ");
	if (!bl)
		return -1;
	b->pfn_mid = strndup(e, (size_t)(bl - e));
	strtoull(bl + 7, &e, 10);
	b->pfn_tail = strdup(e);
	return 0;
}

static int gen_dump(const char *prefix, const char *tpath, double mb)
{
	FILE *in = fopen(tpath, "r");
	if (!in)
		die("cannot read %s", tpath);
	struct blk *blk = NULL;
	size_t nblk = 0, capblk = 0;
	struct stkvec tst = { 0 }; /* the template's distinct stacks */
	struct set seen = { 0 };
	uint64_t *tsth = NULL;     /* their hashes, to find them again */
	char *line = NULL, *extra = NULL;
	size_t cap = 0, extralen = 0;
	ssize_t r;
	int state = 0; /* 0: before a record, 1: after header, 2: after PFN, in frames */
	struct blk cur;
	struct stk cs;
	uint64_t maxpfn = 0;
	unsigned long lineno = 0;
	while ((r = getline(&line, &cap, in)) >= 0) {
		size_t len = chomp(line, r);
		lineno++;
		if (state == 0) {
			if (!len)
				continue;
			memset(&cur, 0, sizeof(cur));
			if (parse_head(line, &cur))
				die("template line not understood: %s", line);
			cs.n = 0;
			state = 1;
		} else if (state == 1) {
			if (parse_pfn(line, &cur))
				die("template PFN line not understood: %s", line);
			state = 2;
		} else if (len == 0) {
			if (!cs.n)
				die("%s", "template record without a stack");
			stk_prefix(&cs);
			uint64_t h = stk_hash(&cs);
			if (set_add(&seen, h)) {
				stk_push(&tst, &cs);
				tsth = xrealloc(tsth, tst.n * sizeof(*tsth));
				tsth[tst.n - 1] = h;
			}
			size_t si = 0;
			while (tsth[si] != h)
				si++;
			cur.stack = (uint32_t)si;
			if (extra) {
				cur.extra = extra;
				extra = NULL;
				extralen = 0;
			}
			if (nblk == capblk) {
				capblk = capblk ? capblk * 2 : 4096;
				blk = xrealloc(blk, capblk * sizeof(*blk));
			}
			uint64_t end = cur.pfn + (1ULL << cur.order);
			if (end > maxpfn)
				maxpfn = end;
			blk[nblk++] = cur;
			state = 0;
		} else if (line[0] == ' ' && !extra) {
			if (cs.n < MAXF)
				cs.f[cs.n++] = intern(line + 1, len - 1);
		} else {
			extra = xrealloc(extra, extralen + len + 2);
			memcpy(extra + extralen, line, len);
			extralen += len;
			extra[extralen++] = '\n';
			extra[extralen] = 0;
		}
	}
	free(line);
	fclose(in);
	if (!nblk)
		die("no records in %s", tpath);

	/* the recombination pool: the template's ordinary stacks */
	struct stkvec pool = { 0 };
	for (size_t i = 0; i < tst.n; i++)
		if (!stk_special(&tst.v[i]) && tst.v[i].n > tst.v[i].pre)
			stk_push(&pool, &tst.v[i]);
	if (pool.n < 4)
		die("%s", "too few distinct stacks in the template");
	fprintf(stderr, "gen: template: %zu blocks, %zu distinct stacks, %u frames\n", nblk,
		tst.n, nframes);

	FILE *f = open_out(prefix, "page_owner");
	uint64_t target = (uint64_t)(mb * 1e6), written = 0;
	uint64_t stride = (maxpfn + 0x3ffff) & ~(uint64_t)0x3ffff; /* 1 GiB of 4 KiB pages */
	struct stk *sub = xrealloc(NULL, tst.n * sizeof(*sub));
	unsigned char *has_sub = xrealloc(NULL, tst.n);
	struct set made = { 0 };
	for (size_t i = 0; i < tst.n; i++)
		set_add(&made, tsth[i]);
	size_t nsyn = 0;
	char *rec = NULL;
	size_t reccap = 0;
	for (uint64_t pass = 0; written < target; pass++) {
		/* this pass's stacks: about half of the template's get a new one */
		for (size_t i = 0; i < tst.n; i++) {
			has_sub[i] = 0;
			if (pass == 0 || stk_special(&tst.v[i]) || tst.v[i].n <= tst.v[i].pre ||
			    rndu() < 0.5)
				continue;
			for (int t = 0; t < 100; t++) {
				make_stack(&pool, &tst.v[i], &sub[i]);
				if (set_add(&made, stk_hash(&sub[i]))) {
					has_sub[i] = 1;
					nsyn++;
					break;
				}
			}
		}
		int dpid = pass ? (int)(pass * 4099 % 60000) : 0;
		for (size_t i = 0; i < nblk && written < target; i++) {
			const struct blk *b = &blk[i];
			uint64_t pfn = b->pfn + pass * stride;
			uint64_t ts = b->ts + pass * 3600000000000ULL +
				      (pass ? rndn(1000000) : 0);
			int pid = b->pid > 2 ? b->pid + dpid : b->pid;
			int tgid = b->tgid > 2 ? b->tgid + dpid : b->tgid;
			const struct stk *s = has_sub[b->stack] ? &sub[b->stack] : &tst.v[b->stack];
			size_t need = 1024 + strlen(b->head) + strlen(b->comm) +
				      strlen(b->pfn_mid) + strlen(b->pfn_tail) +
				      (b->extra ? strlen(b->extra) : 0);
			for (unsigned j = 0; j < s->n; j++)
				need += flen[s->f[j]] + 2;
			if (need > reccap) {
				reccap = need * 2;
				rec = xrealloc(rec, reccap);
			}
			int len = snprintf(rec, reccap,
					   "%s" "pid %d, tgid %d (%s), ts %llu ns\n"
					   "PFN 0x%llx%s Block %llu%s\n",
					   b->head, pid, tgid, b->comm, (unsigned long long)ts,
					   (unsigned long long)pfn, b->pfn_mid,
					   (unsigned long long)(pfn >> 9), b->pfn_tail);
			size_t pos = (size_t)len;
			for (unsigned j = 0; j < s->n; j++) {
				rec[pos++] = ' ';
				memcpy(rec + pos, ftext[s->f[j]], flen[s->f[j]]);
				pos += flen[s->f[j]];
				rec[pos++] = '\n';
			}
			if (b->extra) {
				size_t el = strlen(b->extra);
				memcpy(rec + pos, b->extra, el);
				pos += el;
			}
			rec[pos++] = '\n';
			fwrite(rec, 1, pos, f);
			written += pos;
		}
	}
	close_out(f);
	fprintf(stderr, "gen: page_owner: %.1f MB, %zu recombined stacks added\n",
		written / 1e6, nsyn);
	for (size_t i = 0; i < nblk; i++) {
		free(blk[i].head);
		free(blk[i].comm);
		free(blk[i].pfn_mid);
		free(blk[i].pfn_tail);
		free(blk[i].extra);
	}
	free(blk);
	free(rec);
	free(sub);
	free(has_sub);
	free(made.k);
	free(seen.k);
	free(tsth);
	free(pool.v);
	free(tst.v);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: gen [-n N] [-s SEED] [-f STACKS] [-p PREFIX] KIND...\n"
	      "       gen -t DUMP [-m MB] [-s SEED] [-p PREFIX] page_owner\n"
	      "KIND: show_stacks show_handles show_handles2 show_stacks_handles page_owner\n"
	      "  -n N       distinct stacks (default 100000)\n"
	      "  -s SEED    random seed (default 1)\n"
	      "  -f STACKS  real show_stacks text to take frames from (default: stdin)\n"
	      "  -t DUMP    a real /sys/kernel/debug/page_owner dump to vary\n"
	      "  -m MB      size of the generated dump, in MB (default 125)\n"
	      "  -p PREFIX  write each KIND to PREFIX.KIND (default: one KIND to stdout)\n",
	      f);
}

int main(int argc, char **argv)
{
	long n = 100000;
	uint64_t seed = 1;
	const char *stacks = NULL, *tmpl = NULL, *prefix = NULL;
	double mb = 125;
	int c;
	while ((c = getopt(argc, argv, "n:s:f:t:m:p:h")) != -1) {
		switch (c) {
		case 'n': n = strtol(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'f': stacks = optarg; break;
		case 't': tmpl = optarg; break;
		case 'm': mb = strtod(optarg, NULL); break;
		case 'p': prefix = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	int nk = argc - optind;
	if (nk < 1 || n < 1 || mb <= 0 || (!prefix && nk != 1)) {
		usage(stderr);
		return 2;
	}
	char **stack_kinds = xrealloc(NULL, nk * sizeof(char *));
	int nsk = 0, dump = 0;
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "page_owner"))
			dump = 1;
		else
			stack_kinds[nsk++] = argv[i];
	}
	if (nsk) {
		rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
		FILE *in = stdin;
		if (stacks && !(in = fopen(stacks, "r")))
			die("cannot read %s", stacks);
		gen_stacks(prefix, n, stack_kinds, nsk, in);
		if (in != stdin)
			fclose(in);
	}
	if (dump) {
		if (!tmpl)
			die("%s", "page_owner needs -t DUMP (a real per-block dump)");
		rng_state = seed * 0x2545f4914f6cdd1dULL + 2;
		gen_dump(prefix, tmpl, mb);
	}
	free(stack_kinds);
	return 0;
}
