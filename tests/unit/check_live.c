/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_live.c - the live source against fake debugfs trees built at run time from real
 * lab data (tests/data/live): the four layouts, every precondition message, incremental
 * handle reading, stalls, count_threshold restore on every way out, build ids. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "require.h"
#include "source.h"
#include "source_live.h"
#include "source_privsep.h"
#include "util.h"

#define DATA TEST_DATA "/live"
#define WAIT_MS 10000 /* bound for anything the tests wait for */

/* ---- files ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)n + 1);
	ck_assert_int_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* The file at path holds exactly text (the failure names the caller's line). */
#define ck_assert_file_is(path, text)                                                 \
	do {                                                                          \
		char *file_is_ = slurp(path, NULL);                                  \
                                                                                      \
		ck_assert_str_eq(file_is_, text);                                     \
		free(file_is_);                                                       \
	} while (0)

/* In place (O_TRUNC, same inode): the live source keeps its descriptors open. */
static void put(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "cannot write %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void put_str(const char *path, const char *text)
{
	put(path, text, strlen(text));
}

static void copy(const char *from, const char *to)
{
	size_t n;
	char *t = slurp(from, &n);

	put(to, t, n);
	free(t);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	chmod(p, 0700);
	return remove(p);
}

static char *tmp_root;

static void tmp_setup(void)
{
	char tmpl[] = "/tmp/pagetop-live-XXXXXX";

	ck_assert(mkdtemp(tmpl) != NULL);
	ck_assert_int_eq(chmod(tmpl, 0755), 0); /* an unprivileged child looks in */
	tmp_root = xstrdup(tmpl);
}

static void tmp_teardown(void)
{
	if (tmp_root) {
		nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(tmp_root);
		tmp_root = NULL;
	}
}

static char *path_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_of(const char *fmt, ...)
{
	static char bufs[8][4096];
	static int k;
	char *b = bufs[k++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* ---- fake debugfs trees ---- */

enum layout { L_HANDLES, L_SHOW_STACKS, L_PROPOSAL, L_PAGE_OWNER, L_EMPTY };

/* Builds TMP/debug with the layout, from lab sample 0000. Returns the debugfs path. */
static const char *tree(enum layout l)
{
	static char d[4096];
	const char *pos;

	snprintf(d, sizeof(d), "%s/debug", tmp_root);
	pos = xstrdup(path_of("%s/page_owner_stacks", d));

	ck_assert_int_eq(mkdir(d, 0700), 0);
	switch (l) {
	case L_HANDLES:
		ck_assert_int_eq(mkdir(pos, 0755), 0);
		copy(DATA "/small/0000.show_handles", path_of("%s/show_handles", pos));
		copy(DATA "/small/0000.show_stacks_handles", path_of("%s/show_stacks_handles", pos));
		/* fall through */
	case L_SHOW_STACKS:
		if (l == L_SHOW_STACKS)
			ck_assert_int_eq(mkdir(pos, 0755), 0);
		copy(DATA "/small/0000.show_stacks", path_of("%s/show_stacks", pos));
		put_str(path_of("%s/count_threshold", pos), "0\n");
		copy(DATA "/page_owner", path_of("%s/page_owner", d));
		break;
	case L_PROPOSAL:
		copy(DATA "/proposal.page_owner_stacks", pos);
		put_str(path_of("%s/page_owner_threshold", d), "0\n");
		copy(DATA "/page_owner", path_of("%s/page_owner", d));
		break;
	case L_PAGE_OWNER:
		copy(DATA "/page_owner", path_of("%s/page_owner", d));
		break;
	case L_EMPTY:
		break;
	}
	free((char *)pos);
	return d;
}

/* Sum of the numbers after KEY at the start of lines, and how many there were. */
static uint64_t sum_key(const char *text, const char *key, uint64_t *nlines)
{
	size_t kl = strlen(key);
	uint64_t sum = 0, n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0) {
			sum += strtoull(p + kl, NULL, 10);
			n++;
		}
	}
	if (nlines)
		*nlines = n;
	return sum;
}

/* ---- a sink that checks the contract and tallies ---- */

struct tally {
	int metas;
	struct source_meta meta;
	uint64_t samples, stacks, counted_stacks, counts, sum;
	uint64_t *handles; /* defined */
	size_t nh, ch;
	uint64_t *counted; /* handles counted in the last sample */
	size_t nc, cc;
	int in_sample;
};

static int t_has(const struct tally *t, uint64_t h)
{
	for (size_t i = 0; i < t->nh; i++)
		if (t->handles[i] == h)
			return 1;
	return 0;
}

static int t_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	struct tally *t = self;

	(void)err;
	t->metas++;
	t->meta = *m;
	return 0;
}

static int t_begin(void *self, const struct sample_info *s, struct pt_err *err)
{
	struct tally *t = self;

	(void)err;
	ck_assert(!t->in_sample);
	ck_assert_int_eq(s->seq, t->samples);
	t->in_sample = 1;
	t->stacks = t->counted_stacks = t->counts = t->sum = 0;
	t->nc = 0;
	return 0;
}

static int t_stack(void *self, const struct stack_rec *r, struct pt_err *err)
{
	struct tally *t = self;

	(void)err;
	ck_assert(t->in_sample);
	ck_assert(r->nframes > 0);
	t->stacks++;
	if (r->has_count) {
		t->counted_stacks++;
		t->sum += r->count;
	}
	if (r->handle) {
		if (t->nh == t->ch) {
			t->ch = t->ch ? t->ch * 2 : 256;
			t->handles = xreallocarray(t->handles, t->ch, sizeof(uint64_t));
		}
		t->handles[t->nh++] = r->handle;
	}
	return 0;
}

static int t_count(void *self, uint64_t h, uint64_t n, struct pt_err *err)
{
	struct tally *t = self;

	(void)err;
	ck_assert(t->in_sample);
	ck_assert_msg(t_has(t, h), "count for handle %llu, never defined", (unsigned long long)h);
	t->counts++;
	t->sum += n;
	if (t->nc == t->cc) {
		t->cc = t->cc ? t->cc * 2 : 256;
		t->counted = xreallocarray(t->counted, t->cc, sizeof(uint64_t));
	}
	t->counted[t->nc++] = h;
	return 0;
}

static int t_end(void *self, struct pt_err *err)
{
	struct tally *t = self;

	(void)err;
	ck_assert(t->in_sample);
	t->in_sample = 0;
	t->samples++;
	return 0;
}

static const struct sink_ops tally_ops = { .meta = t_meta, .begin = t_begin, .stack = t_stack, .count = t_count, .end = t_end };

static void tally_free(struct tally *t)
{
	free(t->handles);
	free(t->counted);
}

/* ---- opening ---- */

static int open_live_opts(struct source **s, const char *dir, double interval, long thr,
			  int drop_privileges, struct pt_err *err)
{
	struct source_opts o;

	source_opts_init(&o);
	o.debugfs = dir;
	o.interval = interval;
	o.kernel_threshold = thr;
	o.drop_privileges = drop_privileges;
	return source_open(s, NULL, 0, &o, err);
}

static int open_live(struct source **s, const char *dir, double interval, long thr,
		     struct pt_err *err)
{
	return open_live_opts(s, dir, interval, thr, 0, err);
}

static void next_sample(struct source *s, struct tally *t)
{
	struct sink snk = { &tally_ops, t };
	struct pt_err err;
	enum src_status st = source_next(s, &snk, WAIT_MS, &err);

	ck_assert_msg(st == SRC_SAMPLE, "expected a sample, got %d: %s", st,
		      st == SRC_ERROR ? err.msg : "");
}

/* /proc/meminfo's counters: parsed in kB, the ones not needed skipped; without MemTotal
 * or MemAvailable nothing is known. */
START_TEST(meminfo_parsing)
{
	static const char text[] = "MemTotal:        2000000 kB\nMemFree:  10 kB\n"
				   "MemAvailable:    1500000 kB\nSlab:  41000 kB\nSlabX: 7 kB\n"
				   "PageTables:       3000 kB";
	struct meminfo mi;

	ck_assert_int_eq(meminfo_parse(text, strlen(text), &mi), 0);
	ck_assert(mi.valid);
	ck_assert_uint_eq(mi.total, 2000000ULL * 1024);
	ck_assert_uint_eq(mi.available, 1500000ULL * 1024);
	ck_assert_uint_eq(meminfo_in_use(&mi), 500000ULL * 1024);
	ck_assert_uint_eq(mi.slab, 41000ULL * 1024);
	ck_assert_uint_eq(mi.page_tables, 3000ULL * 1024); /* no newline at the end */
	ck_assert_int_eq(meminfo_parse("MemTotal: 5 kB\nSlab: 1 kB\n", 26, &mi), -1);
	ck_assert(!mi.valid);
	mi.total = 1;
	mi.available = 2;
	ck_assert_uint_eq(meminfo_in_use(&mi), 0);
	ck_assert_int_eq(meminfo_read(path_of("%s/none", tmp_root), &mi), -1);
	ck_assert(!mi.valid);
}
END_TEST

/* The live source reads the system's counters with each sample (PAGETOP_MEMINFO stands
 * for /proc/meminfo), and its stats hold those of the sample delivered last. */
START_TEST(meminfo_live)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	char *mi = xstrdup(path_of("%s/meminfo", tmp_root));

	put_str(mi, "MemTotal: 1000 kB\nMemAvailable: 400 kB\nSlab: 50 kB\nPageTables: 7 kB\n");
	setenv("PAGETOP_MEMINFO", mi, 1);
	ck_assert_msg(open_live(&s, tree(L_SHOW_STACKS), 0.1, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(live_get_stats(s, &st), 0);
	ck_assert(!st.mem.valid); /* no sample yet */
	next_sample(s, &t);
	ck_assert_int_eq(live_get_stats(s, &st), 0);
	ck_assert(st.mem.valid);
	ck_assert_uint_eq(meminfo_in_use(&st.mem), 600 * 1024);
	ck_assert_uint_eq(st.mem.slab, 50 * 1024);
	ck_assert_uint_eq(st.mem.page_tables, 7 * 1024);
	/* the file changes: a later sample has the new numbers; gone: unknown again */
	put_str(mi, "MemTotal: 1000 kB\nMemAvailable: 100 kB\nSlab: 60 kB\nPageTables: 8 kB\n");
	for (int i = 0; i < 100; i++) {
		next_sample(s, &t);
		live_get_stats(s, &st);
		if (meminfo_in_use(&st.mem) == 900 * 1024)
			break;
	}
	ck_assert_uint_eq(meminfo_in_use(&st.mem), 900 * 1024);
	ck_assert_uint_eq(st.mem.slab, 60 * 1024);
	ck_assert_int_eq(unlink(mi), 0);
	for (int i = 0; i < 100 && st.mem.valid; i++) {
		next_sample(s, &t);
		live_get_stats(s, &st);
	}
	ck_assert(!st.mem.valid);
	source_close(s);
	tally_free(&t);
	unsetenv("PAGETOP_MEMINFO");
	free(mi);
}
END_TEST

static char warned[2048];
static void catch_warning(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

/* ---- the four layouts ---- */

START_TEST(layout_handles)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	char *h = slurp(DATA "/small/0000.show_handles", NULL);
	char *sh = slurp(DATA "/small/0000.show_stacks_handles", NULL);
	uint64_t nh, nsh, sum = sum_key(h, "nr_base_pages: ", &nh);
	size_t shlen = strlen(sh);

	sum_key(sh, "handle: ", &nsh);
	ck_assert_msg(open_live(&s, tree(L_HANDLES), 3600, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_HANDLES);
	ck_assert_str_eq(source_meta(s)->kind, "live");
	ck_assert_int_eq(source_meta(s)->unit, UNIT_PAGES);
	ck_assert(source_meta(s)->page_size_known);
	next_sample(s, &t);
	ck_assert_int_eq(t.metas, 1);
	ck_assert_int_eq(t.meta.iface, IFACE_HANDLES);
	ck_assert_int_eq(t.stacks, nsh);         /* every stack defined once */
	ck_assert_int_eq(t.counted_stacks, 0);
	ck_assert_int_eq(t.counts, nh);
	ck_assert_int_eq(t.sum, sum);
	ck_assert_int_eq(live_get_stats(s, &st), 0);
	ck_assert_int_eq(st.iface, IFACE_HANDLES);
	ck_assert_int_eq(st.stacks_handles_bytes_last, shlen);
	ck_assert_int_eq(st.bytes_last, shlen + strlen(h));
	ck_assert_int_eq(st.new_stacks_last, nsh);
	ck_assert(st.interval == 3600);
	source_close(s);
	tally_free(&t);
	free(h);
	free(sh);
}
END_TEST

START_TEST(layout_show_stacks)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	char *text = slurp(DATA "/small/0000.show_stacks", NULL);
	uint64_t n, sum = sum_key(text, "nr_base_pages: ", &n);

	ck_assert_msg(open_live(&s, tree(L_SHOW_STACKS), 0, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_SHOW_STACKS);
	next_sample(s, &t);
	ck_assert_int_eq(t.stacks, n);
	ck_assert_int_eq(t.counted_stacks, n);
	ck_assert_int_eq(t.sum, sum);
	ck_assert_int_eq(t.counts, 0);
	{
		struct live_stats st;

		live_get_stats(s, &st);
		ck_assert(st.interval == LIVE_DEFAULT_INTERVAL);
		ck_assert_int_eq(st.bytes_last, strlen(text));
	}
	source_close(s);
	tally_free(&t);
	free(text);
}
END_TEST

START_TEST(layout_proposal)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	char *text = slurp(DATA "/proposal.page_owner_stacks", NULL);
	uint64_t n, sum = sum_key(text, "stack_count: ", &n);

	ck_assert_msg(open_live(&s, tree(L_PROPOSAL), 0, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_PROPOSAL);
	ck_assert_int_eq(source_meta(s)->unit, UNIT_ALLOCS);
	next_sample(s, &t);
	ck_assert_int_eq(t.counted_stacks, n);
	ck_assert_int_eq(t.sum, sum);
	source_close(s);
	tally_free(&t);
	free(text);
}
END_TEST

START_TEST(layout_page_owner)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	char *text = slurp(DATA "/page_owner", NULL);
	uint64_t blocks = 0, pages = 0;

	for (const char *p = strstr(text, "via order "); p; p = strstr(p + 1, "via order ")) {
		blocks++;
		pages += 1ULL << atoi(p + 10);
	}
	diag_set_sink(catch_warning);
	warned[0] = '\0';
	ck_assert_msg(open_live(&s, tree(L_PAGE_OWNER), 0, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_PAGE_OWNER);
	ck_assert_msg(strstr(warned, "per-block page_owner dump") != NULL, "warning: %s", warned);
	ck_assert_msg(strstr(warned, "every 30 s") != NULL, "warning: %s", warned);
	next_sample(s, &t);
	ck_assert_int_eq(t.counted_stacks, blocks);
	ck_assert_int_eq(t.sum, pages);
	live_get_stats(s, &st);
	ck_assert(st.interval == LIVE_PAGE_OWNER_INTERVAL);
	source_close(s);
	diag_set_sink(NULL);
	tally_free(&t);
	free(text);
}
END_TEST

START_TEST(iface_forced)
{
	struct source *s;
	struct pt_err err;

	setenv("PAGETOP_IFACE", "show_stacks", 1);
	ck_assert_msg(open_live(&s, tree(L_HANDLES), 0, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_SHOW_STACKS);
	source_close(s);
	setenv("PAGETOP_IFACE", "proposal", 1);
	ck_assert_int_eq(open_live(&s, path_of("%s/debug", tmp_root), 0, -1, &err), -1);
	ck_assert_msg(strstr(err.msg, "proposal interface is not available") != NULL, "%s", err.msg);
	unsetenv("PAGETOP_IFACE");
}
END_TEST

START_TEST(interval_minimum)
{
	struct source *s;
	struct pt_err err;

	ck_assert_int_eq(open_live(&s, tree(L_SHOW_STACKS), 0.05, -1, &err), -1);
	ck_assert_msg(strstr(err.msg, "the minimum is 0.1 s") != NULL, "%s", err.msg);
}
END_TEST

/* ---- incremental reading of show_stacks_handles (6.19+) ---- */

START_TEST(handles_incremental)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_HANDLES);
	const char *pos = path_of("%s/page_owner_stacks", d);
	char *sh1, *h1, *show1;
	size_t sh1len, h1len, show1len;
	uint64_t n0, n1, nh1, sum1;
	char *sh0 = slurp(DATA "/small/0000.show_stacks_handles", NULL);

	sum_key(sh0, "handle: ", &n0);
	sh1 = slurp(DATA "/small/0001.show_stacks_handles", &sh1len);
	h1 = slurp(DATA "/small/0001.show_handles", &h1len);
	show1 = slurp(DATA "/small/0001.show_stacks", &show1len);
	sum_key(sh1, "handle: ", &n1);
	sum1 = sum_key(h1, "nr_base_pages: ", &nh1);
	ck_assert_int_eq(n1 - n0, 26); /* what the lab data holds */

	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	ck_assert_int_eq(t.stacks, n0);

	/* the kernel prepends 26 stacks */
	put(path_of("%s/show_stacks_handles", pos), sh1, sh1len);
	put(path_of("%s/show_handles", pos), h1, h1len);
	ck_assert_int_eq(live_refresh(s), 0);
	next_sample(s, &t);
	live_get_stats(s, &st);
	ck_assert_int_eq(t.stacks, 26);       /* only the new ones are defined */
	ck_assert_int_eq(st.new_stacks_last, 26);
	ck_assert_int_eq(t.counts, nh1);
	ck_assert_int_eq(t.sum, sum1);
	ck_assert_int_eq(st.records_last, 26 + nh1); /* only the new part was parsed */
	/* and only about the new part was read: its 26 records are ~12 KiB of 120 */
	ck_assert_msg(st.stacks_handles_bytes_last < sh1len / 4, "read %llu of %zu bytes",
		      (unsigned long long)st.stacks_handles_bytes_last, sh1len);
	ck_assert_msg(st.stacks_handles_bytes_last >= 12000, "read only %llu bytes",
		      (unsigned long long)st.stacks_handles_bytes_last);

	/* steady state: only show_handles, within 20% of re-reading show_stacks */
	ck_assert_int_eq(live_refresh(s), 0);
	next_sample(s, &t);
	live_get_stats(s, &st);
	ck_assert_int_eq(t.stacks, 0);
	ck_assert_int_eq(t.counts, nh1);
	ck_assert_int_eq(st.stacks_handles_bytes_last, 0);
	ck_assert_int_eq(st.bytes_last, h1len);
	ck_assert_msg(st.bytes_last * 5 <= show1len, "%llu bytes per tick, show_stacks %zu",
		      (unsigned long long)st.bytes_last, show1len);
	ck_assert_int_eq(st.ticks, 3);
	source_close(s);
	tally_free(&t);
	free(sh0);
	free(sh1);
	free(h1);
	free(show1);
}
END_TEST

static const char extra_stack[] =
	" prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n"
	" test_only_caller+0x10/0x20 [testmod]\nhandle: 4242\n\n";

/* show_handles names a handle that show_stacks_handles does not have yet: its count
 * waits until the stack is known, and nothing else is lost. */
START_TEST(handles_race)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	const char *d = tree(L_HANDLES);
	const char *pos = path_of("%s/page_owner_stacks", d);
	size_t hlen, shlen;
	char *h = slurp(DATA "/small/0000.show_handles", &hlen);
	char *sh = slurp(DATA "/small/0000.show_stacks_handles", &shlen);
	char *h2 = xasprintf("handle: 4242\nnr_base_pages: 77\n\n%s", h);
	char *sh2 = xasprintf("%s%s", extra_stack, sh);
	uint64_t nh, sum = sum_key(h, "nr_base_pages: ", &nh);

	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	put_str(path_of("%s/show_handles", pos), h2);
	live_refresh(s);
	next_sample(s, &t);
	ck_assert_int_eq(t.counts, nh); /* 4242's count held back */
	ck_assert_int_eq(t.sum, sum);
	put_str(path_of("%s/show_stacks_handles", pos), sh2);
	live_refresh(s);
	next_sample(s, &t);
	ck_assert_int_eq(t.stacks, 1);
	ck_assert(t_has(&t, 4242));
	ck_assert_int_eq(t.counts, nh + 1);
	ck_assert_int_eq(t.sum, sum + 77);
	source_close(s);
	tally_free(&t);
	free(h);
	free(sh);
	free(h2);
	free(sh2);
}
END_TEST

/* A new stack that is not at the head (not what the kernel does) is still found. */
START_TEST(handles_out_of_order)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	const char *d = tree(L_HANDLES);
	const char *pos = path_of("%s/page_owner_stacks", d);
	size_t hlen;
	char *h = slurp(DATA "/small/0000.show_handles", &hlen);
	char *sh = slurp(DATA "/small/0000.show_stacks_handles", NULL);
	char *h2 = xasprintf("%shandle: 4242\nnr_base_pages: 5\n\n", h);
	char *sh2 = xasprintf("%s%s", sh, extra_stack);

	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	put_str(path_of("%s/show_stacks_handles", pos), sh2);
	put_str(path_of("%s/show_handles", pos), h2);
	live_refresh(s);
	next_sample(s, &t);
	ck_assert_int_eq(t.stacks, 1);
	ck_assert(t_has(&t, 4242));
	source_close(s);
	tally_free(&t);
	free(h);
	free(sh);
	free(h2);
	free(sh2);
}
END_TEST

/* ---- preconditions ---- */

START_TEST(not_mounted)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_EMPTY);
	char *want = xasprintf("debugfs is not mounted at %s: mount -t debugfs none %s", d, d);

	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
	want = xasprintf("debugfs is not mounted at %s/nowhere: mount -t debugfs none %s/nowhere",
			 tmp_root, tmp_root);
	ck_assert_int_eq(open_live(&s, path_of("%s/nowhere", tmp_root), 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(not_enabled)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_EMPTY);
	const char *cfg = path_of("%s/config", tmp_root), *cmd = path_of("%s/cmdline", tmp_root);

	setenv("PAGETOP_DEBUGFS_MOUNTED", "1", 1);
	setenv("PAGETOP_KCONFIG", cfg, 1);
	setenv("PAGETOP_CMDLINE", cmd, 1);
	put_str(cmd, "console=ttyS0 quiet\n");

	put_str(cfg, "CONFIG_SLUB=y\nCONFIG_PAGE_OWNER=y\nCONFIG_DEBUG_FS=y\n");
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, "page_owner is built in but disabled: boot with page_owner=on");

	put_str(cfg, "CONFIG_SLUB=y\n# CONFIG_PAGE_OWNER is not set\n");
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, "this kernel has no page_owner support (CONFIG_PAGE_OWNER)");

	/* no config to read: page_owner=on was given, so it is not built in */
	setenv("PAGETOP_KCONFIG", path_of("%s/none", tmp_root), 1);
	put_str(cmd, "console=ttyS0 page_owner=on quiet\n");
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, "this kernel has no page_owner support (CONFIG_PAGE_OWNER)");

	/* nothing known: both fixes */
	put_str(cmd, "console=ttyS0\n");
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_msg(strstr(err.msg, "boot with page_owner=on") &&
		      strstr(err.msg, "CONFIG_PAGE_OWNER=y"), "%s", err.msg);
}
END_TEST

/* The real thing: an unprivileged process cannot look into debugfs (0700). */
START_TEST(not_root)
{
	const char *d = tree(L_HANDLES);
	char *want = xasprintf("permission denied reading %s: run as root", d);
	int fds[2];
	pid_t pid;
	char msg[1100] = "";
	ssize_t n;
	int status;

	ck_assert_int_eq(chmod(d, 0700), 0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct source *s;
		struct pt_err err;

		close(fds[0]);
		if (geteuid() == 0) {
			if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(3);
		} else if (chmod(d, 0) < 0) {
			_exit(3);
		}
		setenv("PAGETOP_DEBUGFS_MOUNTED", "1", 1); /* /sys/kernel/debug is one */
		if (open_live(&s, d, 0, -1, &err) == 0)
			_exit(4);
		n = write(fds[1], err.msg, strlen(err.msg));
		free(want); /* the child's copy: leak checkers look at the child too */
		_exit(n > 0 ? 0 : 5);
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	ck_assert(n > 0);
	msg[n] = '\0';
	ck_assert_str_eq(msg, want);
	free(want);
}
END_TEST

/* The same message when only a file refuses (injected: root reads anything). */
START_TEST(permission_injected)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_HANDLES);
	char *want = xasprintf("permission denied reading %s/page_owner_stacks/show_handles: run as root", d);

	setenv("PAGETOP_FAULT", "show_handles=EACCES", 1);
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
	unsetenv("PAGETOP_FAULT");
}
END_TEST

START_TEST(lockdown)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_HANDLES);

	/* lockdown refuses files with a write bit: the show_* files still work */
	setenv("PAGETOP_FAULT", "count_threshold=EPERM,page_owner=EPERM", 1);
	ck_assert_msg(open_live(&s, d, 0, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_HANDLES);
	source_close(s);
	ck_assert_int_eq(open_live(&s, d, 0, 5, &err), -1);
	ck_assert_msg(strstr(err.msg, "kernel lockdown refuses") &&
		      strstr(err.msg, "count_threshold: run without --kernel-threshold"), "%s",
		      err.msg);
	/* an old kernel with only the per-block dump has nothing lockdown allows */
	setenv("PAGETOP_IFACE", "page_owner", 1);
	ck_assert_int_eq(open_live(&s, d, 0, -1, &err), -1);
	ck_assert_msg(strstr(err.msg, "kernel lockdown refuses") && strstr(err.msg, "/page_owner:"),
		      "%s", err.msg);
	unsetenv("PAGETOP_IFACE");
	unsetenv("PAGETOP_FAULT");
}
END_TEST

/* ---- stalls: a read slower than the interval never blocks the consumer ---- */

START_TEST(stall)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct sink snk = { &tally_ops, &t };
	const char *d = tree(L_EMPTY);
	const char *pos = path_of("%s/page_owner_stacks", d);
	const char *fifo = path_of("%s/show_stacks", pos);
	size_t len;
	char *text = slurp(DATA "/small/0000.show_stacks", &len);
	uint64_t n;
	double t0;
	int wfd;

	sum_key(text, "nr_base_pages: ", &n);
	ck_assert_int_eq(mkdir(pos, 0755), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	wfd = open(fifo, O_RDWR); /* a writer that does not write: the read blocks */
	ck_assert(wfd >= 0);
	ck_assert_msg(open_live(&s, d, 0.2, -1, &err) == 0, "%s", err.msg);
	ck_assert(source_fd(s) >= 0);
	t0 = time_mono();
	while (source_stalled(s) < 0.5 && time_mono() - t0 < WAIT_MS / 1e3) {
		double c0 = time_mono();

		ck_assert_int_eq(source_next(s, &snk, 100, &err), SRC_TIMEOUT);
		ck_assert(time_mono() - c0 < 0.5); /* waits no longer than asked */
	}
	ck_assert_msg(source_stalled(s) >= 0.5, "stalled %.2f", source_stalled(s));
	ck_assert_int_eq(t.samples, 0);
	{
		struct pollfd p = { source_fd(s), POLLIN, 0 };

		ck_assert_int_eq(poll(&p, 1, 0), 0); /* nothing to read while stalled */
	}
	/* the kernel answers */
	ck_assert_int_eq(write(wfd, text, len), (ssize_t)len);
	close(wfd);
	{
		struct pollfd p = { source_fd(s), POLLIN, 0 };

		ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	}
	ck_assert_int_eq(source_next(s, &snk, WAIT_MS, &err), SRC_SAMPLE);
	ck_assert_int_eq(t.counted_stacks, n);
	ck_assert(source_stalled(s) == 0);
	source_close(s);
	tally_free(&t);
	free(text);
}
END_TEST

/* ---- faults while running ---- */

static char warnings[8][512];
static int nwarnings;
static void collect_warning(const char *msg)
{
	snprintf(warnings[nwarnings % 8], sizeof(warnings[0]), "%s", msg);
	nwarnings++;
}

static const char *last_warning(void)
{
	return nwarnings ? warnings[(nwarnings - 1) % 8] : "";
}

/* Samples until one comes (1), or a warning containing what (0), or the deadline or a
 * source that fails (-1). No assertion: forked children use it too. */
static int next_until(struct source *s, struct tally *t, const char *what)
{
	struct sink snk = { &tally_ops, t };
	double t0 = time_mono();

	while (time_mono() - t0 < WAIT_MS / 1e3) {
		struct pt_err err;
		int before = nwarnings;
		enum src_status st = source_next(s, &snk, 50, &err);

		if (st == SRC_ERROR || st == SRC_END) {
			fprintf(stderr, "source: %s\n", st == SRC_ERROR ? err.msg : "ended");
			return -1;
		}
		if (st == SRC_SAMPLE)
			return 1;
		for (int i = before; i < nwarnings; i++)
			if (what && strstr(warnings[i % 8], what))
				return 0;
	}
	return -1;
}

/* Calls source_next until a warning containing what comes (0) or a sample does (1). */
static int until_warning(struct source *s, struct tally *t, const char *what)
{
	int rc = next_until(s, t, what);

	ck_assert_msg(rc >= 0, "no warning \"%s\" and no sample (or the source failed)", what);
	return rc;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		ck_assert_msg(w > 0, "write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* Waits, taking no sample, until the worker has read want bytes of this tick and the
 * read is late (slower than the interval); returns the stats then. */
static void wait_reading(struct source *s, struct tally *t, uint64_t want,
			 struct live_stats *ls)
{
	struct sink snk = { &tally_ops, t };
	double t0 = time_mono();
	struct pt_err err;

	for (;;) {
		ck_assert_int_eq(live_get_stats(s, ls), 0);
		/* a long read: past the interval and past a second */
		if (ls->reading && ls->bytes_reading == want && source_stalled(s) > 0 &&
		    ls->reading_secs > 1.05)
			return;
		ck_assert_msg(time_mono() - t0 < WAIT_MS / 1e3, "read %llu of %llu bytes",
			      (unsigned long long)ls->bytes_reading, (unsigned long long)want);
		ck_assert_int_eq(source_next(s, &snk, 20, &err), SRC_TIMEOUT);
	}
}

/* A per-block dump that comes slowly (a FIFO the test writes): the progress is the bytes
 * read, against the last read's size; the last complete sample is all the consumer has
 * meanwhile; the interval is raised to a read's time, said once. */
START_TEST(slow_page_owner)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats ls;
	const char *d = tree(L_EMPTY);
	const char *fifo = path_of("%s/page_owner", d), *next = path_of("%s/next", d);
	size_t len, half, said = 0;
	char *text = slurp(DATA "/page_owner", &len);
	uint64_t pages = 0;
	int wa, wb;

	for (const char *p = strstr(text, "via order "); p; p = strstr(p + 1, "via order "))
		pages += 1ULL << atoi(p + 10);
	half = len / 2;
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	wa = open(fifo, O_RDWR);
	ck_assert(wa >= 0);
	nwarnings = 0;
	diag_set_sink(collect_warning);
	ck_assert_msg(open_live(&s, d, 0.1, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_PAGE_OWNER);

	/* the first read: no estimate yet */
	write_all(wa, text, half);
	wait_reading(s, &t, half, &ls);
	ck_assert_int_eq(ls.bytes_expect, 0);
	ck_assert_int_eq(t.samples, 0);
	/* the next read finds another FIFO at the path and opens it */
	ck_assert_int_eq(mkfifo(next, 0600), 0);
	wb = open(next, O_RDWR);
	ck_assert(wb >= 0);
	ck_assert_int_eq(rename(next, fifo), 0);
	write_all(wa, text + half, len - half);
	close(wa);
	next_sample(s, &t);
	ck_assert_int_eq(t.samples, 1);
	ck_assert_int_eq(t.sum, pages);

	/* the second: progress against the first's size, the first sample stays */
	write_all(wb, text, half);
	wait_reading(s, &t, half, &ls);
	ck_assert_int_eq(ls.bytes_expect, len);
	ck_assert_int_eq(t.samples, 1);
	ck_assert_int_eq(t.sum, pages);
	copy(DATA "/page_owner", next);
	ck_assert_int_eq(rename(next, fifo), 0);
	write_all(wb, text + half, len - half);
	close(wb);
	next_sample(s, &t);
	ck_assert_int_eq(t.samples, 2);
	ck_assert_int_eq(t.sum, pages);

	/* both reads were late: raised twice, said once */
	ck_assert_int_eq(live_get_stats(s, &ls), 0);
	ck_assert_msg(ls.interval >= ls.read_ms_last / 1e3 && ls.interval > 1.0,
		      "interval %.2f, read %.0f ms", ls.interval, ls.read_ms_last);
	ck_assert(!ls.reading || ls.bytes_reading <= len);
	for (int i = 0; i < nwarnings && i < 8; i++)
		said += strstr(warnings[i], "reading every") != NULL;
	ck_assert_int_eq(said, 1);
	source_close(s);
	diag_set_sink(NULL);
	tally_free(&t);
	free(text);
}
END_TEST

/* The files vanish (debugfs unmounted) and come back: warnings, retries, samples again. */
START_TEST(fault_vanish)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_SHOW_STACKS);
	char *file = xstrdup(path_of("%s/page_owner_stacks/show_stacks", d));
	char *aside = xstrdup(path_of("%s/show_stacks.aside", tmp_root));
	uint64_t n;
	char *text = slurp(file, NULL);

	sum_key(text, "nr_base_pages: ", &n);
	nwarnings = 0;
	diag_set_sink(collect_warning);
	ck_assert_msg(open_live(&s, d, 0.1, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	ck_assert_int_eq(rename(file, aside), 0);
	/* samples queued before the rename may come first */
	while (until_warning(s, &t, "is gone") == 1)
		;
	ck_assert_msg(strstr(last_warning(), "retrying in 0.1 s"), "%s", last_warning());
	/* the pace slows: 0.1, 0.2, 0.4 s */
	ck_assert_int_eq(until_warning(s, &t, "retrying in 0.2 s"), 0);
	ck_assert_int_eq(until_warning(s, &t, "retrying in 0.4 s"), 0);
	ck_assert_int_eq(rename(aside, file), 0);
	nwarnings = 0;
	next_sample(s, &t);
	ck_assert_msg(strstr(last_warning(), "is back after"), "%s", last_warning());
	ck_assert_int_eq(t.counted_stacks, n);
	live_get_stats(s, &st);
	ck_assert(st.failures >= 3);
	/* and goes on at its own pace */
	nwarnings = 0;
	next_sample(s, &t);
	next_sample(s, &t);
	ck_assert_int_eq(nwarnings, 0);
	source_close(s);
	diag_set_sink(NULL);
	tally_free(&t);
	free(text);
	free(file);
	free(aside);
}
END_TEST

/* A file replaced by another (a new inode at the path) is opened again, quietly; a read
 * that fails (here EISDIR: the path became a folder) is reported and retried. */
START_TEST(fault_replaced)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	const char *d = tree(L_HANDLES);
	char *file = xstrdup(path_of("%s/page_owner_stacks/show_handles", d));
	char *other = xstrdup(path_of("%s/page_owner_stacks/new", d));
	char *aside = xstrdup(path_of("%s/show_handles.aside", tmp_root));

	nwarnings = 0;
	diag_set_sink(collect_warning);
	ck_assert_msg(open_live(&s, d, 0.1, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	ck_assert(t.counts > 0);
	/* an empty show_handles, by rename: the old descriptor would still see the counts */
	put_str(other, "");
	ck_assert_int_eq(rename(file, aside), 0);
	ck_assert_int_eq(rename(other, file), 0);
	{
		double t0 = time_mono();

		do
			next_sample(s, &t);
		while (t.counts > 0 && time_mono() - t0 < WAIT_MS / 1e3);
	}
	ck_assert_int_eq(t.counts, 0);
	ck_assert_int_eq(nwarnings, 0);
	/* a read error */
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(mkdir(file, 0755), 0);
	while (until_warning(s, &t, "show_handles") == 1)
		;
	ck_assert_msg(strstr(last_warning(), strerror(EISDIR)), "%s", last_warning());
	ck_assert_int_eq(rmdir(file), 0);
	ck_assert_int_eq(rename(aside, file), 0);
	nwarnings = 0;
	next_sample(s, &t);
	ck_assert_msg(strstr(last_warning(), "is back after"), "%s", last_warning());
	ck_assert(t.counts > 0);
	source_close(s);
	diag_set_sink(NULL);
	tally_free(&t);
	free(file);
	free(other);
	free(aside);
}
END_TEST

/* ---- count_threshold ---- */

/* The value as the kernel would take it: the first line (pagetop writes over the file and
 * never cuts it, so a longer value before leaves its tail behind the newline). */
static char *threshold_now(const char *d, enum layout l)
{
	char *v = slurp(l == L_PROPOSAL ? path_of("%s/page_owner_threshold", d)
					: path_of("%s/page_owner_stacks/count_threshold", d), NULL);
	char *nl = strchr(v, '\n');

	if (nl)
		nl[1] = '\0';
	return v;
}

START_TEST(threshold_set_restore)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_HANDLES);
	char *v;

	put_str(path_of("%s/page_owner_stacks/count_threshold", d), "12\n");
	diag_set_sink(catch_warning);
	ck_assert_msg(open_live(&s, d, 3600, 5, &err) == 0, "%s", err.msg);
	ck_assert_msg(strstr(warned, "count_threshold set to 5 (was 12)") != NULL, "%s", warned);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "5\n");
	free(v);
	live_get_stats(s, &st);
	ck_assert_int_eq(st.threshold_set, 5);
	ck_assert_int_eq(st.threshold_orig, 12);
	next_sample(s, &t);
	source_close(s);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "12\n");
	free(v);
	diag_set_sink(NULL);
	tally_free(&t);
}
END_TEST

/* Linux 6.9 to 6.18 (show_stacks, no handles): count_threshold reads back without a
 * newline ("12"); it is taken, set and put back the same. */
START_TEST(threshold_show_stacks_no_newline)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_SHOW_STACKS);
	char *v;

	put_str(path_of("%s/page_owner_stacks/count_threshold", d), "12");
	diag_set_sink(catch_warning);
	ck_assert_msg(open_live(&s, d, 3600, 5, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_meta(s)->iface, IFACE_SHOW_STACKS);
	ck_assert_msg(strstr(warned, "count_threshold set to 5 (was 12)") != NULL, "%s", warned);
	live_get_stats(s, &st);
	ck_assert_int_eq(st.threshold_orig, 12);
	next_sample(s, &t);
	source_close(s);
	v = threshold_now(d, L_SHOW_STACKS);
	ck_assert_str_eq(v, "12\n");
	free(v);
	diag_set_sink(NULL);
	tally_free(&t);
}
END_TEST

/* The UI's K and d keys: change the threshold and the interval of a running source. */
/* The restore reopens count_threshold by its path: a link put there, or another file,
 * is not written (nor cut), and the original is left where it was moved to. */
START_TEST(threshold_restore_same_file)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_SHOW_STACKS);
	char *thr = xstrdup(path_of("%s/page_owner_stacks/count_threshold", d));
	char *aside = xstrdup(path_of("%s/count_threshold.aside", tmp_root));
	char *victim = xstrdup(path_of("%s/victim", tmp_root));

	put_str(thr, "12\n");
	put_str(victim, "precious victim text\n");
	ck_assert_msg(open_live(&s, d, 3600, 5, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rename(thr, aside), 0);
	ck_assert_int_eq(symlink(victim, thr), 0);
	/* the K key writes again by path: refused, saying why */
	ck_assert_int_eq(live_set_kernel_threshold(s, 9, &err), -1);
	ck_assert_msg(strstr(err.msg, "it is a symbolic link"), "%s", err.msg);
	/* and so is the restore, which says so */
	warned[0] = '\0';
	diag_set_sink(catch_warning);
	source_close(s);
	ck_assert_msg(strstr(warned, "not putting count_threshold back to 12: ") &&
			      strstr(warned, "is no longer the file pagetop changed"),
		      "%s", warned);
	ck_assert_file_is(victim, "precious victim text\n");
	ck_assert_file_is(aside, "5\n\n"); /* written over "12\n", never cut */
	/* a regular file in its place: not the one read first either */
	ck_assert_int_eq(unlink(thr), 0);
	ck_assert_int_eq(rename(aside, thr), 0);
	ck_assert_msg(open_live(&s, d, 3600, 7, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(rename(thr, aside), 0);
	put_str(thr, "another file, longer than a number\n");
	/* K with a value below 0 puts it back: refused, with the reason */
	ck_assert_int_eq(live_set_kernel_threshold(s, -1, &err), -1);
	ck_assert_msg(strstr(err.msg, "not putting count_threshold back to 5: "), "%s", err.msg);
	source_close(s);
	diag_set_sink(NULL);
	ck_assert_file_is(thr, "another file, longer than a number\n");
	free(thr);
	free(aside);
	free(victim);
}
END_TEST

/* A count_threshold that is a symbolic link (_i 0), or in a folder that is one (_i 1), to
 * a file outside: pagetop refuses to set it, says why, and the file is unchanged. */
START_TEST(threshold_link_refused)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_SHOW_STACKS);
	char *pos = xstrdup(path_of("%s/page_owner_stacks", d));
	char *thr = xstrdup(path_of("%s/count_threshold", pos));
	char *outside = xstrdup(path_of("%s/outside", tmp_root));

	if (_i == 0) {
		put_str(outside, "1234\nmore text\n");
		ck_assert_int_eq(unlink(thr), 0);
		ck_assert_int_eq(symlink(outside, thr), 0);
	} else {
		/* the folder moved out, a link in its place: the data files are still read */
		ck_assert_int_eq(rename(pos, outside), 0);
		ck_assert_int_eq(symlink(outside, pos), 0);
		put_str(path_of("%s/count_threshold", outside), "1234\nmore text\n");
	}
	warned[0] = '\0';
	diag_set_sink(catch_warning);
	ck_assert_int_eq(open_live(&s, d, 3600, 5, &err), -1);
	diag_set_sink(NULL);
	ck_assert_msg(strstr(err.msg, thr) &&
			      strstr(err.msg, "it is a symbolic link, or a folder on its way is one"),
		      "%s", err.msg);
	ck_assert_msg(!strstr(warned, "count_threshold set to"), "%s", warned);
	ck_assert_file_is(_i == 0 ? outside : path_of("%s/count_threshold", outside),
			  "1234\nmore text\n");
	/* without --kernel-threshold the same tree is read */
	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	source_close(s);
	free(pos);
	free(thr);
	free(outside);
}
END_TEST

/* What count_threshold holds is put back on exit: a value that is no number (_i 0),
 * past a long (_i 1) or empty (_i 2) is refused before anything is written, and said. */
START_TEST(threshold_not_a_number)
{
	static const char *const text[] = { "\033[2Jlots\n", "99999999999999999999\n", "" };
	static const char *const want[] = {
		"count_threshold: expected a number, found \"\033[2Jlots\n\"",
		"count_threshold: Numerical result out of range",
		"count_threshold: empty",
	};
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_SHOW_STACKS);
	char *thr = xstrdup(path_of("%s/page_owner_stacks/count_threshold", d));

	put_str(thr, text[_i]);
	ck_assert_int_eq(open_live(&s, d, 3600, 5, &err), -1);
	ck_assert_msg(strstr(err.msg, want[_i]) != NULL, "%s", err.msg);
	ck_assert_file_is(thr, text[_i]);
	free(thr);
}
END_TEST

/* The restore at exit (atexit, as in a signal handler) finds another file in place of the
 * one it changed: it leaves that file alone and says so on standard error. */
START_TEST(threshold_exit_refused)
{
	const char *d = tree(L_SHOW_STACKS);
	char *thr = xstrdup(path_of("%s/page_owner_stacks/count_threshold", d));
	char *errf = xstrdup(path_of("%s/child.err", tmp_root));
	int ready[2], go[2], status;
	char c;
	pid_t pid;
	struct pollfd p;

	put_str(thr, "12\n");
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct source *s;
		struct pt_err err;
		int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		close(ready[0]);
		close(go[1]);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(2);
		diag_set_sink(catch_warning);
		if (open_live(&s, d, 3600, 7, &err) < 0)
			_exit(3);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		exit(0); /* without closing the source: atexit restores */
	}
	close(ready[1]);
	close(go[0]);
	p.fd = ready[0];
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	/* kept, so that the new file cannot get its inode number */
	ck_assert_int_eq(rename(thr, path_of("%s/count_threshold.aside", tmp_root)), 0);
	put_str(thr, "99\n");
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	close(go[1]);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	{
		char *e = slurp(errf, NULL);

		ck_assert_msg(strstr(e, "pagetop: count_threshold was not put back to 12: ") &&
				      strstr(e, thr) &&
				      strstr(e, "is no longer the file pagetop changed\n"),
			      "%s", e);
		free(e);
	}
	ck_assert_file_is(thr, "99\n");
	ck_assert_file_is(path_of("%s/count_threshold.aside", tmp_root), "7\n\n");
	free(thr);
	free(errf);
}
END_TEST

START_TEST(runtime_settings)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_HANDLES);
	char *v;
	double t0;

	put_str(path_of("%s/page_owner_stacks/count_threshold", d), "7\n");
	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	/* set, change while set, put back: the original is what comes back */
	ck_assert_msg(live_set_kernel_threshold(s, 16, &err) == 0, "%s", err.msg);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "16\n");
	free(v);
	ck_assert_msg(live_set_kernel_threshold(s, 32, &err) == 0, "%s", err.msg);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "32\n");
	free(v);
	/* the UI's threshold goes to 10^15; the kernel gets what --kernel-threshold and the
	 * helper take, 2^31 - 1 at most */
	ck_assert_int_eq(live_set_kernel_threshold(s, 2147483648L, &err), -1);
	ck_assert_str_eq(err.msg, "count_threshold takes at most 2147483647 pages here, not 2147483648: lower the threshold first");
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "32\n");
	free(v);
	live_get_stats(s, &st);
	ck_assert_int_eq(st.threshold_set, 32);
	ck_assert_int_eq(st.threshold_orig, 7);
	ck_assert_int_eq(live_set_kernel_threshold(s, -1, &err), 0);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "7\n");
	free(v);
	/* set again, then close: restored */
	ck_assert_msg(live_set_kernel_threshold(s, 64, &err) == 0, "%s", err.msg);
	/* the interval: an hour, then 0.1 s brings the next sample at once */
	ck_assert_int_eq(live_set_interval(s, 0.01, &err), -1);
	ck_assert_msg(strstr(err.msg, "0.1") != NULL, "%s", err.msg);
	t0 = time_mono();
	ck_assert_msg(live_set_interval(s, 0.1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	next_sample(s, &t);
	ck_assert_msg(time_mono() - t0 < 5, "the new interval was not used");
	live_get_stats(s, &st);
	ck_assert_msg(st.interval == 0.1, "interval %g", st.interval);
	source_close(s);
	v = threshold_now(d, L_HANDLES);
	ck_assert_str_eq(v, "7\n");
	free(v);
	tally_free(&t);
}
END_TEST

START_TEST(threshold_proposal)
{
	struct source *s;
	struct pt_err err;
	const char *d = tree(L_PROPOSAL);
	char *v;

	ck_assert_msg(open_live(&s, d, 0, 0x10, &err) == 0, "%s", err.msg);
	v = threshold_now(d, L_PROPOSAL);
	ck_assert_str_eq(v, "16\n");
	free(v);
	source_close(s);
	v = threshold_now(d, L_PROPOSAL);
	ck_assert_str_eq(v, "0\n");
	free(v);
}
END_TEST

START_TEST(threshold_page_owner)
{
	struct source *s;
	struct pt_err err;

	ck_assert_int_eq(open_live(&s, tree(L_PAGE_OWNER), 0, 5, &err), -1);
	ck_assert_msg(strstr(err.msg, "--kernel-threshold needs page_owner_stacks") != NULL, "%s",
		      err.msg);
}
END_TEST

static volatile sig_atomic_t chained;
static void earlier_handler(int sig)
{
	(void)sig;
	chained = 1;
	_exit(42);
}

enum exit_way { BY_SIGNAL, BY_DIE, BY_EXIT, BY_CHAINED, BY_CRASH, BY_ABORT };

/* A child sets the threshold to 7, the parent sees it, makes the child go away one way
 * or another, and then the old value must be back. */
static void threshold_child(int sig, enum exit_way way)
{
	const char *d = tree(L_SHOW_STACKS);
	int ready[2], status;
	char c;
	pid_t pid;
	char *v;
	struct pollfd p;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct source *s;
		struct pt_err err;
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		close(ready[0]);
		/* as a fresh process: Check's runner handles SIGINT/SIGTERM by killing the
		 * process group, a background job or nohup may ignore SIGINT, SIGQUIT or
		 * SIGHUP (which pagetop keeps ignoring), and the handlers chain to what was
		 * there */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (way == BY_CHAINED)
			signal(sig, earlier_handler);
		live_install_signal_handlers();
		util_set_fatal_hook(live_restore_threshold);
		diag_set_sink(catch_warning);
		if (open_live(&s, d, 3600, 7, &err) < 0)
			_exit(3);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		if (way == BY_DIE)
			die("a fatal error");
		if (way == BY_EXIT)
			exit(0); /* without closing the source */
		if (way == BY_CRASH)
			raise(SIGSEGV); /* as a fault would, from this thread */
		if (way == BY_ABORT)
			abort(); /* an assert() */
		for (;;)
			pause();
	}
	close(ready[1]);
	p.fd = ready[0];
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	if (way == BY_SIGNAL || way == BY_CHAINED) {
		ck_assert_int_eq(read(ready[0], &c, 1), 1);
		v = threshold_now(d, L_SHOW_STACKS);
		ck_assert_str_eq(v, "7\n");
		free(v);
		ck_assert_int_eq(kill(pid, sig), 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	switch (way) {
	case BY_SIGNAL:
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig, "status %#x", status);
		break;
	case BY_CHAINED:
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 42, "status %#x", status);
		break;
	case BY_DIE:
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);
		break;
	case BY_EXIT:
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
		break;
	case BY_CRASH:
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "status %#x",
			      status);
		break;
	case BY_ABORT:
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %#x",
			      status);
		break;
	}
	v = threshold_now(d, L_SHOW_STACKS);
	ck_assert_str_eq(v, "0\n");
	free(v);
}

START_TEST(threshold_signals)
{
	/* (not SIGFPE nor SIGILL: sent by kill(), valgrind holds them) */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
				    SIGSEGV, SIGBUS, SIGABRT };

	threshold_child(sigs[_i], BY_SIGNAL);
}
END_TEST

START_TEST(threshold_crash)
{
	threshold_child(0, BY_CRASH);
}
END_TEST

START_TEST(threshold_abort)
{
	threshold_child(0, BY_ABORT);
}
END_TEST

START_TEST(threshold_fatal)
{
	threshold_child(0, BY_DIE);
}
END_TEST

START_TEST(threshold_exit)
{
	threshold_child(0, BY_EXIT);
}
END_TEST

START_TEST(threshold_chained)
{
	threshold_child(SIGTERM, BY_CHAINED);
}
END_TEST

/* ---- read faults (PAGETOP_FAULT=NAME=read:...) ---- */

/* EIO for the first 3 reads: each failed tick is reported with its retry delay, the
 * delay doubles, and the source comes back with the whole sample. */
START_TEST(read_fault_eio)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_SHOW_STACKS);
	char *text = slurp(path_of("%s/page_owner_stacks/show_stacks", d), NULL);
	char *want = xasprintf("cannot read %s/page_owner_stacks/show_stacks: %s; retrying in 0.1 s",
			       d, strerror(EIO));
	uint64_t n;

	sum_key(text, "nr_base_pages: ", &n);
	nwarnings = 0;
	diag_set_sink(collect_warning);
	setenv("PAGETOP_FAULT", "show_stacks=read:EIO:3", 1);
	ck_assert_msg(open_live(&s, d, 0.1, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(until_warning(s, &t, "retrying in 0.1 s"), 0);
	ck_assert_str_eq(last_warning(), want);
	ck_assert_int_eq(until_warning(s, &t, "retrying in 0.2 s"), 0);
	ck_assert_int_eq(until_warning(s, &t, "retrying in 0.4 s"), 0);
	ck_assert_msg(strstr(last_warning(), "Input/output error") || strstr(last_warning(), strerror(EIO)),
		      "%s", last_warning());
	/* the fault is over: the sample, and the word that the source is back */
	next_sample(s, &t);
	ck_assert_str_eq(last_warning(), "the live source is back after 3 failed reads");
	ck_assert_int_eq(t.counted_stacks, n);
	live_get_stats(s, &st);
	ck_assert_int_eq(st.failures, 3);
	ck_assert_int_eq(nwarnings, 4);
	next_sample(s, &t);
	ck_assert_int_eq(nwarnings, 4);
	source_close(s);
	unsetenv("PAGETOP_FAULT");
	diag_set_sink(NULL);
	tally_free(&t);
	free(text);
	free(want);
}
END_TEST

/* EINTR, EAGAIN (a read that would block: poll, then again) and short reads are not
 * failures: every sample is whole, nothing is reported, the retries are counted. */
START_TEST(read_fault_transient)
{
	static const char *const specs[] = {
		"show_handles=read:EINTR:5,show_stacks_handles=read:EINTR:5",
		"show_handles=read:EAGAIN:5,show_stacks_handles=read:EAGAIN:5",
		"show_handles=read:short:1000,show_stacks_handles=read:short:100000",
	};
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_HANDLES);
	char *h = slurp(DATA "/small/0000.show_handles", NULL);
	char *sh = slurp(DATA "/small/0000.show_stacks_handles", NULL);
	uint64_t nh, nsh, sum = sum_key(h, "nr_base_pages: ", &nh);

	sum_key(sh, "handle: ", &nsh);
	nwarnings = 0;
	diag_set_sink(collect_warning);
	setenv("PAGETOP_FAULT", specs[_i], 1);
	ck_assert_msg(open_live(&s, d, 3600, -1, &err) == 0, "%s", err.msg);
	next_sample(s, &t);
	ck_assert_int_eq(t.stacks, nsh); /* a short read is not the end of the file */
	ck_assert_int_eq(t.counts, nh);
	ck_assert_int_eq(t.sum, sum);
	live_get_stats(s, &st);
	ck_assert_int_eq(st.failures, 0);
	ck_assert_int_eq(st.retries, _i < 2 ? 10 : 0);
	if (_i == 2) /* 7 bytes a read: many reads for one sample */
		ck_assert_uint_ge(st.bytes_last, 7 * 50);
	ck_assert_msg(nwarnings == 0, "%s", last_warning());
	live_refresh(s);
	next_sample(s, &t);
	ck_assert_int_eq(t.counts, nh);
	ck_assert_int_eq(t.sum, sum);
	source_close(s);
	unsetenv("PAGETOP_FAULT");
	diag_set_sink(NULL);
	tally_free(&t);
	free(h);
	free(sh);
}
END_TEST

/* A file that keeps failing with EINTR or EAGAIN fails the tick after a bounded number
 * of retries (it does not hang the worker), and says so. */
START_TEST(read_fault_transient_forever)
{
	static const char *const specs[] = { "show_stacks=read:EINTR", "show_stacks=read:EAGAIN" };
	static const int errs[] = { EINTR, EAGAIN };
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	const char *d = tree(L_SHOW_STACKS);

	nwarnings = 0;
	diag_set_sink(collect_warning);
	setenv("PAGETOP_FAULT", specs[_i], 1);
	ck_assert_msg(open_live(&s, d, 0.1, -1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(until_warning(s, &t, "retrying in"), 0);
	ck_assert_msg(strstr(last_warning(), strerror(errs[_i])), "%s", last_warning());
	live_get_stats(s, &st);
	ck_assert_uint_ge(st.retries, 64);
	ck_assert_int_eq(t.samples, 0);
	source_close(s);
	unsetenv("PAGETOP_FAULT");
	diag_set_sink(NULL);
	tally_free(&t);
}
END_TEST

/* ---- --drop-privileges (root only) ---- */

static int open_live_priv(struct source **s, const char *dir, double interval, long thr,
			  struct pt_err *err)
{
	return open_live_opts(s, dir, interval, thr, 1, err);
}

/* The child's side of a conversation with the root parent: "X\n" asks, one byte answers
 * ('y' done or true). Returns 1 for 'y'. */
static int ask(int to, int from, const char *what)
{
	struct pollfd p = { from, POLLIN, 0 };
	char c = 0;

	if (write(to, what, strlen(what)) != (ssize_t)strlen(what))
		return 0;
	if (poll(&p, 1, WAIT_MS) != 1 || read(from, &c, 1) != 1)
		return 0;
	return c == 'y';
}

#define CHILD_CHECK(cond, code)                                                       \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "privsep child: %s failed (line %d): %s\n", #cond, \
				__LINE__, last_warning());                            \
			_exit(code);                                                  \
		}                                                                     \
	} while (0)


/* The unprivileged side: drops to nobody inside open, then proves it reads, reopens,
 * writes and restores through the helper, and cannot do anything as root itself. */
static void privsep_child(const char *d, uid_t nobody, gid_t nogroup, int to, int from)
{
	struct source *s;
	struct pt_err err;
	struct tally t = { 0 };
	struct live_stats st;
	uid_t r, e, sv;
	int rc;

	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	nwarnings = 0;
	diag_set_sink(collect_warning);
	CHILD_CHECK(open_live_priv(&s, d, 0.1, 5, &err) == 0, 3);
	/* nobody now, for good */
	CHILD_CHECK(getresuid(&r, &e, &sv) == 0 && r == nobody && e == nobody && sv == nobody, 4);
	CHILD_CHECK(getgid() == nogroup && getegid() == nogroup, 5);
	CHILD_CHECK(getgroups(0, NULL) <= 1, 6);
	CHILD_CHECK(setuid(0) < 0 && errno == EPERM, 7);
	CHILD_CHECK(seteuid(0) < 0, 8);
	CHILD_CHECK(open(path_of("%s/root-only", tmp_root), O_RDONLY) < 0 && errno == EACCES, 9);
	CHILD_CHECK(open(path_of("%s/page_owner_stacks/show_handles", d), O_RDONLY) < 0 &&
			    errno == EACCES, 10);
	CHILD_CHECK(privsep_active() && privsep_helper_pid() > 0, 11);
	/* no core dump or ptrace of this process, no privilege from an exec, no capability */
	CHILD_CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, 30);
	CHILD_CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, 31);
	{
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct cd[_LINUX_CAPABILITY_U32S_3];

		CHILD_CHECK(syscall(SYS_capget, &hdr, cd) == 0, 32);
		for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
			CHILD_CHECK(!cd[i].permitted && !cd[i].effective && !cd[i].inheritable, 33);
	}
	/* the helper left pagetop's session: the terminal's signals do not reach it */
	CHILD_CHECK(getsid(privsep_helper_pid()) == privsep_helper_pid(), 34);
	/* the threshold was written by the helper */
	CHILD_CHECK(ask(to, from, "T5\n"), 12);
	/* files are read */
	CHILD_CHECK(next_until(s, &t, NULL) == 1, 13);
	CHILD_CHECK(t.stacks > 0 && t.counts > 0, 14);
	/* the file vanishes (root's parent moves it away) and comes back: the reopen goes
	 * through the helper, since this process cannot even look into the folder */
	CHILD_CHECK(ask(to, from, "G\n"), 15);
	while ((rc = next_until(s, &t, "is gone")) == 1)
		;
	CHILD_CHECK(rc == 0, 16);
	CHILD_CHECK(ask(to, from, "B\n"), 17);
	nwarnings = 0;
	CHILD_CHECK(next_until(s, &t, NULL) == 1, 18);
	CHILD_CHECK(strstr(last_warning(), "is back after"), 19);
	CHILD_CHECK(t.counts > 0, 20);
	live_get_stats(s, &st);
	CHILD_CHECK(st.failures >= 1, 21);
	/* the K key: change it while set, put it back, set again; close restores */
	CHILD_CHECK(live_set_kernel_threshold(s, 9, &err) == 0, 22);
	CHILD_CHECK(ask(to, from, "T9\n"), 23);
	CHILD_CHECK(live_set_kernel_threshold(s, -1, &err) == 0, 24);
	CHILD_CHECK(ask(to, from, "T12\n"), 25);
	CHILD_CHECK(live_set_kernel_threshold(s, 11, &err) == 0, 26);
	CHILD_CHECK(ask(to, from, "T11\n"), 27);
	source_close(s);
	CHILD_CHECK(!privsep_active(), 28);
	CHILD_CHECK(ask(to, from, "T12\n"), 29);
	tally_free(&t);
	_exit(0);
}

static void nobody_ids(uid_t *u, gid_t *g)
{
	struct passwd *pw = getpwnam("nobody");

	ck_assert_msg(pw != NULL, "no user nobody");
	*u = pw->pw_uid;
	*g = pw->pw_gid;
}

START_TEST(privsep_reads_reopens_restores)
{
	const char *d = tree(L_HANDLES);
	char *file = xstrdup(path_of("%s/page_owner_stacks/show_handles", d));
	char *aside = xstrdup(path_of("%s/show_handles.aside", tmp_root));
	int c2p[2], p2c[2], status;
	uid_t nobody;
	gid_t nogroup;
	pid_t pid;

	nobody_ids(&nobody, &nogroup);
	put_str(path_of("%s/page_owner_stacks/count_threshold", d), "12\n");
	put_str(path_of("%s/root-only", tmp_root), "secret\n");
	ck_assert_int_eq(chmod(path_of("%s/root-only", tmp_root), 0600), 0);
	ck_assert_int_eq(chmod(d, 0700), 0); /* as debugfs's root */
	ck_assert_int_eq(pipe(c2p), 0);
	ck_assert_int_eq(pipe(p2c), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		close(c2p[0]);
		close(p2c[1]);
		privsep_child(d, nobody, nogroup, c2p[1], p2c[0]);
	}
	close(c2p[1]);
	close(p2c[0]);
	for (;;) {
		char line[64];
		size_t n = 0;
		char ok = 'n';
		struct pollfd p = { c2p[0], POLLIN, 0 };

		while (n < sizeof(line) - 1) {
			if (poll(&p, 1, WAIT_MS) != 1 || read(c2p[0], line + n, 1) != 1)
				break;
			if (line[n++] == '\n')
				break;
		}
		if (!n || line[n - 1] != '\n')
			break; /* the child is done (or stuck: waitpid below tells) */
		line[n - 1] = '\0';
		if (line[0] == 'T') {
			char *v = threshold_now(d, L_HANDLES);
			char want[80];

			snprintf(want, sizeof(want), "%s\n", line + 1);
			ok = strcmp(v, want) == 0 ? 'y' : 'n';
			if (ok == 'n')
				fprintf(stderr, "count_threshold is %s, expected %s", v, want);
			free(v);
		} else if (line[0] == 'G') {
			ok = rename(file, aside) == 0 ? 'y' : 'n';
		} else if (line[0] == 'B') {
			ok = rename(aside, file) == 0 ? 'y' : 'n';
		}
		ck_assert_int_eq(write(p2c[1], &ok, 1), 1);
	}
	close(c2p[0]);
	close(p2c[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the unprivileged child failed: status %#x (exit code = check number)", status);
	{
		char *v = threshold_now(d, L_HANDLES);

		ck_assert_str_eq(v, "12\n");
		free(v);
	}
	free(file);
	free(aside);
}
END_TEST

/* Forks a pagetop stand-in that opens tree d with --drop-privileges and count_threshold
 * 7, then waits; own_group: in a process group of its own, with SIGTSTP ignored (the
 * helper must not take the default back). Returns its pid; *helper names the helper,
 * which comes to this process (a subreaper) when pagetop dies. */
static pid_t spawn_priv(const char *d, int own_group, pid_t *helper)
{
	int ready[2];
	pid_t pid;
	struct pollfd p;
	char *v;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct source *s;
		struct pt_err err;
		pid_t h;

		close(ready[0]);
		if (own_group) {
			setpgid(0, 0);
			signal(SIGTSTP, SIG_IGN);
		}
		if (open_live_priv(&s, d, 3600, 7, &err) < 0) {
			fprintf(stderr, "privsep child: %s\n", err.msg);
			_exit(3);
		}
		h = privsep_helper_pid();
		if (write(ready[1], &h, sizeof(h)) != sizeof(h))
			_exit(4);
		for (;;)
			pause();
	}
	close(ready[1]);
	p.fd = ready[0];
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	ck_assert_int_eq(read(ready[0], helper, sizeof(*helper)), (ssize_t)sizeof(*helper));
	close(ready[0]);
	ck_assert(*helper > 0);
	v = threshold_now(d, L_SHOW_STACKS);
	ck_assert_str_eq(v, "7\n");
	free(v);
	return pid;
}

/* Waits up to WAIT_MS for the helper (our child by then) to exit: 1 with *status. Polls
 * waitpid() with a deadline: valgrind has no pidfd_open. */
static int helper_exited(pid_t helper, int *status)
{
	for (int waited = 0; waited < WAIT_MS; waited += 10) {
		pid_t r = waitpid(helper, status, WNOHANG);

		if (r == helper)
			return 1;
		if (r < 0)
			return 0;
		usleep(10 * 1000);
	}
	return 0;
}

/* pagetop is SIGKILLed with count_threshold changed: nothing of it runs again, and the
 * helper, seeing its socket close, puts the threshold back and exits. */
START_TEST(privsep_sigkill)
{
	const char *d = tree(L_SHOW_STACKS);
	int status;
	pid_t pid, helper = -1;
	char *v;

	pid = spawn_priv(d, 0, &helper);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* the helper exits once it has restored */
	ck_assert_msg(helper_exited(helper, &status), "the helper did not exit");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "helper status %#x", status);
	v = threshold_now(d, L_SHOW_STACKS);
	ck_assert_str_eq(v, "0\n");
	free(v);
}
END_TEST

/* The helper trusts only a folder that nobody but root can change (or debugfs): a
 * nobody-owned tree, a folder above it that all can write, or a subfolder of another
 * user's, are refused before anything is started, saying why and what to do. */
START_TEST(privsep_folder_checked)
{
	const char *d = tree(L_HANDLES);
	const char *pos = path_of("%s/page_owner_stacks", d);
	struct pt_err err;
	uid_t nobody;
	gid_t nogroup;

	nobody_ids(&nobody, &nogroup);
	ck_assert_int_eq(chown(d, nobody, nogroup), 0);
	ck_assert_int_eq(privsep_start(d, &err), -1);
	ck_assert_msg(strstr(err.msg, "can be changed by users other than root") &&
			      strstr(err.msg, "use the folder where debugfs is mounted"),
		      "%s", err.msg);
	ck_assert(!privsep_active());
	ck_assert_int_eq(chown(d, 0, 0), 0);
	ck_assert_int_eq(chmod(d, 0770), 0);
	ck_assert_int_eq(privsep_start(d, &err), -1);
	ck_assert_int_eq(chmod(d, 0700), 0);
	ck_assert_int_eq(chmod(tmp_root, 0777), 0); /* above it, writable by all, not sticky */
	ck_assert_int_eq(privsep_start(d, &err), -1);
	ck_assert_msg(strstr(err.msg, "a folder above it"), "%s", err.msg);
	ck_assert_int_eq(chmod(tmp_root, 01777), 0); /* sticky, as /tmp: fine */
	ck_assert_msg(privsep_start(d, &err) == 0, "%s", err.msg);
	privsep_stop();
	ck_assert_int_eq(chmod(tmp_root, 0755), 0);
	ck_assert_int_eq(chown(pos, nobody, nogroup), 0);
	ck_assert_int_eq(privsep_start(d, &err), -1);
	ck_assert_msg(strstr(err.msg, "page_owner_stacks"), "%s", err.msg);
	ck_assert_int_eq(chown(pos, 0, 0), 0);
	/* a link to the folder is resolved first: the checks are of the folder itself */
	ck_assert_int_eq(symlink(d, path_of("%s/link", tmp_root)), 0);
	ck_assert_msg(privsep_start(path_of("%s/link", tmp_root), &err) == 0, "%s", err.msg);
	/* a second start: the same folder is fine, another one is not */
	ck_assert_msg(privsep_start(d, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mkdir(path_of("%s/other", tmp_root), 0700), 0);
	ck_assert_int_eq(privsep_start(path_of("%s/other", tmp_root), &err), -1);
	ck_assert_msg(strstr(err.msg, "already serves"), "%s", err.msg);
	privsep_stop();
	ck_assert_msg(privsep_start(path_of("%s/other", tmp_root), &err) == 0, "%s", err.msg);
	privsep_stop();
}
END_TEST

/* Every file is opened beneath the folder, never through a link, with openat2 and with
 * the walk of older kernels (_i): a data file or the subfolder made a link to a root-only
 * file is refused; the threshold is written back only into the file read first, and a
 * restore that failed is tried again at the end. */
START_TEST(privsep_no_links)
{
	const char *d = tree(L_HANDLES);
	char *po = xstrdup(path_of("%s/page_owner", d));
	char *pos = xstrdup(path_of("%s/page_owner_stacks", d));
	char *thr = xstrdup(path_of("%s/page_owner_stacks/count_threshold", d));
	char *aside = xstrdup(path_of("%s/aside", tmp_root));
	char *secret = xstrdup(path_of("%s/secret", tmp_root));
	struct pt_err err;
	struct stat st;
	long orig;
	int fd;

	put_str(secret, "root:secret:1:2:3\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	put_str(thr, "12\n");
	privsep_test_walk_only(_i);
	ck_assert_msg(privsep_start(d, &err) == 0, "%s", err.msg);
	fd = privsep_open(PSF_PAGE_OWNER);
	ck_assert_msg(fd >= 0, "%s", strerror(errno));
	close(fd);
	ck_assert_int_eq(privsep_stat(PSF_PAGE_OWNER, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_ino != 0);

	/* page_owner made a link to the secret */
	ck_assert_int_eq(unlink(po), 0);
	ck_assert_int_eq(symlink(secret, po), 0);
	errno = 0;
	ck_assert_int_eq(privsep_open(PSF_PAGE_OWNER), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(privsep_stat(PSF_PAGE_OWNER, &st), -1);
	ck_assert_int_eq(errno, ELOOP);
	/* the subfolder made a link to a folder with the same names */
	ck_assert_int_eq(mkdir(path_of("%s/evil", tmp_root), 0700), 0);
	ck_assert_int_eq(symlink(secret, path_of("%s/evil/show_stacks", tmp_root)), 0);
	ck_assert_int_eq(rename(pos, path_of("%s/pos.aside", tmp_root)), 0);
	ck_assert_int_eq(symlink(path_of("%s/evil", tmp_root), pos), 0);
	ck_assert_int_eq(privsep_open(PSF_STACKS), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(privsep_thr_set(PSF_COUNT_THRESHOLD, 5, &orig), -1);
	ck_assert_int_eq(unlink(pos), 0);
	ck_assert_int_eq(rename(path_of("%s/pos.aside", tmp_root), pos), 0);

	/* the threshold: set, then swapped for a link to the secret, or another file */
	ck_assert_int_eq(privsep_thr_set(PSF_COUNT_THRESHOLD, 5, &orig), 0);
	ck_assert_int_eq(orig, 12);
	ck_assert_int_eq(rename(thr, aside), 0);
	ck_assert_int_eq(symlink(secret, thr), 0);
	ck_assert_int_eq(privsep_thr_set(PSF_COUNT_THRESHOLD, 9, &orig), -1);
	ck_assert_int_eq(privsep_thr_restore(), -1);
	ck_assert_int_eq(unlink(thr), 0);
	put_str(thr, "another file\n");
	ck_assert_int_eq(privsep_thr_set(PSF_COUNT_THRESHOLD, 9, &orig), -1);
	ck_assert_int_eq(errno, ESTALE);
	ck_assert_int_eq(privsep_thr_restore(), -1);
	ck_assert_int_eq(errno, ESTALE);
	ck_assert_file_is(secret, "root:secret:1:2:3\n");
	ck_assert_file_is(thr, "another file\n");
	/* the failed sets left the value as it was; the original comes back with the
	 * file, and the restore that failed is tried again when pagetop goes */
	ck_assert_file_is(aside, "5\n\n"); /* written over "12\n", never cut */
	ck_assert_int_eq(rename(aside, thr), 0);
	privsep_stop();
	ck_assert_file_is(thr, "12\n");
	privsep_test_walk_only(0);
	free(po);
	free(pos);
	free(thr);
	free(aside);
	free(secret);
}
END_TEST

/* A helper that does not answer (stopped) costs a request a few seconds, not forever: it
 * fails with ETIMEDOUT; once the helper goes on, its late reply is dropped and the next
 * request gets its own. */
START_TEST(privsep_no_answer)
{
	const char *d = tree(L_HANDLES);
	struct pt_err err;
	struct stat st;
	double t0;
	pid_t h;
	int fd;

	ck_assert_msg(privsep_start(d, &err) == 0, "%s", err.msg);
	h = privsep_helper_pid();
	ck_assert_int_eq(kill(h, SIGSTOP), 0);
	t0 = time_mono();
	ck_assert_int_eq(privsep_open(PSF_PAGE_OWNER), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert(time_mono() - t0 < 8);
	ck_assert_int_eq(kill(h, SIGCONT), 0);
	/* the open's reply (with a descriptor) comes first: not taken for the stat's */
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(privsep_stat(PSF_STACKS, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_ino != 0);
	fd = privsep_open(PSF_STACKS);
	ck_assert(fd >= 0);
	close(fd);
	privsep_stop();
}
END_TEST

/* The whole process group is SIGKILLed (kill -9 %1, timeout -s KILL) after ^Z: the
 * helper is in none of it, was not stopped, and puts the threshold back. */
START_TEST(privsep_group_kill)
{
	const char *d = tree(L_SHOW_STACKS);
	int status;
	pid_t pid, helper = -1;
	char *v, stat_text[512], *rp;
	FILE *f;

	pid = spawn_priv(d, 1, &helper);
	ck_assert_int_eq(kill(helper, SIGTSTP), 0);
	ck_assert_int_eq(kill(-pid, SIGTSTP), 0);
	usleep(200 * 1000);
	f = fopen(path_of("/proc/%d/stat", (int)helper), "r");
	ck_assert(f != NULL);
	ck_assert(fgets(stat_text, sizeof(stat_text), f) != NULL);
	fclose(f);
	rp = strrchr(stat_text, ')');
	ck_assert(rp != NULL);
	ck_assert_msg(rp[2] != 'T', "the helper was stopped: %s", stat_text);
	ck_assert_int_eq(kill(-pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_msg(helper_exited(helper, &status), "the helper did not exit");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the helper died with the group: status %#x", status);
	v = threshold_now(d, L_SHOW_STACKS);
	ck_assert_str_eq(v, "0\n");
	free(v);
}
END_TEST

/* SUDO_UID/SUDO_GID name whom to become; without them (or with root's), nobody. */
START_TEST(privsep_pick)
{
	struct privsep_user u;
	struct pt_err err;
	uid_t nobody;
	gid_t nogroup;

	nobody_ids(&nobody, &nogroup);
	setenv("SUDO_UID", "1234", 1);
	setenv("SUDO_GID", "2345", 1);
	ck_assert_int_eq(privsep_pick_user(&u, &err), 0);
	ck_assert_int_eq(u.uid, 1234);
	ck_assert_int_eq(u.gid, 2345);
	ck_assert_int_eq(u.from_sudo, 1);
	setenv("SUDO_UID", "0", 1);
	ck_assert_int_eq(privsep_pick_user(&u, &err), 0);
	ck_assert_int_eq(u.uid, nobody);
	setenv("SUDO_UID", "12x", 1);
	ck_assert_int_eq(privsep_pick_user(&u, &err), 0);
	ck_assert_int_eq(u.uid, nobody);
	ck_assert_int_eq(u.gid, nogroup);
	ck_assert_int_eq(u.from_sudo, 0);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
}
END_TEST

/* Not root: nothing to drop, said once; the source works as before. */
START_TEST(privsep_not_root)
{
	const char *d = tree(L_SHOW_STACKS);
	uid_t nobody;
	gid_t nogroup;
	pid_t pid;
	int status;

	nobody_ids(&nobody, &nogroup);
	ck_assert_int_eq(chmod(d, 0755), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct source *s;
		struct pt_err err;
		struct tally t = { 0 };

		if (setgroups(0, NULL) < 0 || setresgid(nogroup, nogroup, nogroup) < 0 ||
		    setresuid(nobody, nobody, nobody) < 0)
			_exit(3);
		nwarnings = 0;
		diag_set_sink(collect_warning);
		if (open_live_priv(&s, d, 3600, -1, &err) < 0)
			_exit(4);
		if (!strstr(last_warning(), "not running as root") || privsep_active())
			_exit(5);
		if (next_until(s, &t, NULL) != 1 || t.counted_stacks == 0)
			_exit(6);
		source_close(s);
		tally_free(&t);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
}
END_TEST

/* ---- build ids ---- */

START_TEST(build_ids)
{
	char hex[BUILD_ID_HEX_MAX];
	struct pt_err err;
	struct module_build_id *m;
	const char *mods = path_of("%s/module", tmp_root);
	/* a note as the kernel publishes it: namesz 4, descsz 20, type 3, "GNU\0", id */
	unsigned char note[12 + 4 + 20];
	uint32_t hdr[3] = { 4, 20, 3 };

	ck_assert_int_eq(notes_build_id(DATA "/kernel-notes.bin", hex, sizeof(hex), &err), 0);
	ck_assert_str_eq(hex, "39c628f08de750126d96253099dff1f755e473a7");
	ck_assert_int_eq(notes_build_id(DATA "/page_owner", hex, sizeof(hex), &err), -1);
	/* a folder of snapshots may bring a named pipe as its kernel-notes.bin: no wait */
	ck_assert_int_eq(mkfifo(path_of("%s/notes-fifo", tmp_root), 0600), 0);
	ck_assert_int_eq(notes_build_id(path_of("%s/notes-fifo", tmp_root), hex, sizeof(hex), &err), -1);

	memcpy(note, hdr, sizeof(hdr));
	memcpy(note + 12, "GNU", 4);
	for (int i = 0; i < 20; i++)
		note[16 + i] = (unsigned char)(0xa0 + i);
	ck_assert_int_eq(mkdir(mods, 0755), 0);
	ck_assert_int_eq(mkdir(path_of("%s/brd", mods), 0755), 0);
	ck_assert_int_eq(mkdir(path_of("%s/brd/notes", mods), 0755), 0);
	put(path_of("%s/brd/notes/.note.gnu.build-id", mods), (const char *)note, sizeof(note));
	ck_assert_int_eq(mkdir(path_of("%s/builtin_thing", mods), 0755), 0); /* no notes */
	ck_assert_int_eq(host_module_build_ids(mods, &m), 1);
	ck_assert_str_eq(m[0].name, "brd");
	ck_assert_str_eq(m[0].hex, "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
	free(m);
	ck_assert_int_eq(host_kernel_release(hex, sizeof(hex)), 0);
	ck_assert(hex[0] != '\0');
}
END_TEST

/* Under AddressSanitizer (--enable-sanitizers), its own handlers would take SIGSEGV and
 * SIGBUS before pagetop's: the "signals" case tests pagetop's. Unused without ASan. */
const char *__asan_default_options(void);
__attribute__((used, visibility("default"))) const char *__asan_default_options(void)
{
	return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1";
}

static Suite *live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc;

	tc = tcase_create("layouts");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, layout_handles);
	tcase_add_test(tc, layout_show_stacks);
	tcase_add_test(tc, layout_proposal);
	tcase_add_test(tc, layout_page_owner);
	tcase_add_test(tc, iface_forced);
	tcase_add_test(tc, interval_minimum);
	tcase_add_test(tc, meminfo_parsing);
	tcase_add_test(tc, meminfo_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("incremental");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, handles_incremental);
	tcase_add_test(tc, handles_race);
	tcase_add_test(tc, handles_out_of_order);
	tcase_add_test(tc, stall);
	tcase_add_test(tc, slow_page_owner);
	tcase_add_test(tc, fault_vanish);
	tcase_add_test(tc, fault_replaced);
	suite_add_tcase(s, tc);

	tc = tcase_create("preconditions");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, not_mounted);
	tcase_add_test(tc, not_enabled);
	tcase_add_test(tc, not_root);
	tcase_add_test(tc, permission_injected);
	tcase_add_test(tc, lockdown);
	suite_add_tcase(s, tc);

	tc = tcase_create("threshold");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, threshold_set_restore);
	tcase_add_test(tc, threshold_show_stacks_no_newline);
	tcase_add_test(tc, threshold_restore_same_file);
	tcase_add_loop_test(tc, threshold_link_refused, 0, 2);
	tcase_add_test(tc, threshold_exit_refused);
	tcase_add_loop_test(tc, threshold_not_a_number, 0, 3);
	tcase_add_test(tc, runtime_settings);
	tcase_add_test(tc, threshold_proposal);
	tcase_add_test(tc, threshold_page_owner);
	tcase_add_test(tc, threshold_fatal);
	tcase_add_test(tc, threshold_exit);
	tcase_add_test(tc, threshold_chained);
	suite_add_tcase(s, tc);

	/* children killed by signals: valgrind handles those signals itself, so
	 * tests/unit/valgrind.sh leaves this case to the plain and sanitizer runs */
	tc = tcase_create("signals");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, threshold_signals, 0, 8);
	tcase_add_test(tc, threshold_crash);
	tcase_add_test(tc, threshold_abort);
	suite_add_tcase(s, tc);

	tc = tcase_create("read faults");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, read_fault_eio);
	tcase_add_loop_test(tc, read_fault_transient, 0, 3);
	tcase_add_loop_test(tc, read_fault_transient_forever, 0, 2);
	suite_add_tcase(s, tc);

	if (test_require_root("--drop-privileges drops to another user")) {
		tc = tcase_create("privsep");
		tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, privsep_reads_reopens_restores);
		tcase_add_test(tc, privsep_sigkill);
		tcase_add_test(tc, privsep_group_kill);
		tcase_add_test(tc, privsep_folder_checked);
		tcase_add_loop_test(tc, privsep_no_links, 0, 2);
		tcase_add_test(tc, privsep_no_answer);
		tcase_add_test(tc, privsep_pick);
		tcase_add_test(tc, privsep_not_root);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("host");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, build_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(live_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return test_exit_status(failed);
}
