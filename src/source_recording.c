/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_recording.c - the recording reader, a source.
 *
 * It keeps the current count of every stack and feeds all the non-zero ones each sample,
 * which is what the sink contract means by a sample; a sink that takes changes gets only
 * the stacks of the sample's count lines (sink.h). A sample's counts apply only once
 * its last line is read, so a torn last sample changes nothing: it is dropped with a
 * warning. Format: doc/recording.md. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_meminfo.h"
#include "parse.h"
#include "parse_allocinfo.h"
#include "reader.h"
#include "recording.h"
#include "recording_blocks.h"
#include "source_impl.h"
#include "symbols.h"
#include "util.h"

/* A defined stack: its frames are keys into the reader's table of frame texts (each
 * distinct text once, hashed once), so a sample feeds them without hashing or copying a
 * text, and the model maps the keys to its own frame ids (sink.h). */
struct recorded_stack {
	uint64_t handle;
	uint64_t hash;          /* stack_rec_hash() of its frames */
	size_t keys;            /* its frame keys in rr->keys */
	uint16_t nframes;
	uint64_t cur;
	uint64_t calls;         /* allocinfo: the call site's calls now */
	int present;            /* allocinfo: listed, with 0 bytes too */
	int listed;             /* in rr->nonzero */
	/* the next stack without a handle and with the same frames' hash, in a ring (a sink
	 * sums them as one); 0: none */
	uint32_t twin;
	uint64_t fed;           /* the sample + 1 it was fed in last */
};

struct count_change {
	uint32_t id;
	uint64_t line;          /* its count line */
	uint64_t count, calls;
	int present;
	int was;                /* it had a count or was present before the sample */
};

/* Stack ids by a 64-bit key of the stack's, open-addressed by the high half of the key's
 * hash, which a slot holds above the id: a probe reads the stack only when those match,
 * and growing reads none (a slot of 0 is empty). */
struct idtab {
	uint64_t *slots;
	size_t nslots, n;
	int by_handle;          /* the key: the stack's handle (hashed here), else its hash */
};

struct recording_reader {
	struct reader *r;
	char *name;
	long page_size_opt;
	/* meta, owned */
	char *kind_src, *iface, *unit, *release, *build_id, *hostname;
	int bytes;              /* "unit bytes": counts are "BYTES CALLS" (version 3) */
	char **mids;            /* "NAME HEX" module build ids, NULL-terminated */
	size_t nmids;
	long page_size;
	int meta_changed;
	/* stacks by file id; ids are 1, 2, 3... in order of definition */
	struct recorded_stack *st;
	size_t nst, cst;        /* st[0] unused */
	struct strtab *frames;  /* every distinct frame text; key = its id + 1 */
	/* by key: the text as a sink takes it, pointing into frames' arena, which is at
	 * ftext_base (it moves as it grows: the pointers follow) */
	struct frame_text *ftext;
	size_t nftext;
	const char *ftext_base;
	uint8_t *fmode;         /* by key: 1 checked as a frame, 2 as a call site */
	size_t nfmode;
	uint32_t *keys;         /* the stacks' frame keys, back to back */
	size_t nkeys, ckeys;
	uint64_t keyspace;
	struct idtab byhandle;  /* ids of the stacks with a handle, by it */
	struct idtab byhash;    /* ids of stacks without, by their hash */
	/* the stacks defined since the last sample went out, to join byhash then: each
	 * probe a miss in a table of megabytes, started ahead there */
	uint32_t *unjoined;
	size_t nunjoined, cunjoined;
	uint32_t *nonzero;      /* ids with a count, and some without until compacted */
	size_t nnz, cnz;
	size_t nlive;           /* stacks with a count or present */
	/* the sink that took the last sample whole, with changes_only next: its ident */
	uint64_t fed_ident;
	struct count_change *ch;
	size_t nch, cch;
	/* bit id: the sample being read has a count line of stack id (a stack's record is
	 * read at the sample's end only, all of them fetched ahead) */
	uint64_t *counted;
	size_t ncounted;
	uint64_t nblk_lines;    /* the sample's "a" and "d" lines */
	uint64_t samples;
	uint64_t t_line;        /* of the sample being read */
	/* the last complete sample */
	uint64_t last_seq, last_t_line;
	double last_time;
	int last_abs;
	uint64_t clock_back;    /* samples not later than the one before */
	int ended;
	/* "meta symbols-build-id OBJECT HEX": where carried lines came from; bad when
	 * another build than the recording's kernel or module */
	struct carry_obj {
		char name[64];
		int bad;
	} *cobj;
	size_t ncobj;
	uint64_t carried;
	struct rec_blocks *blocks; /* of a per-block dump, when it has them */
	double boot_time;       /* "meta boot-time"; < 0: none */
	/* the first line after the header, read ahead */
	char *pending;
	size_t pending_len;
	int have_pending;
};

static int read_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s++ - '0');
	}
	*v = x;
	*p = s;
	return 0;
}

/* "SECONDS.MICROS", optionally negative; not strtod, which follows LC_NUMERIC. */
static int read_time(const char **p, const char *end, double *t)
{
	uint64_t sec, frac = 0;
	double scale = 1;
	int neg = 0;

	if (*p < end && **p == '-') {
		neg = 1;
		(*p)++;
	}
	if (read_u64(p, end, &sec) < 0)
		return -1;
	if (*p < end && **p == '.') {
		const char *q = ++(*p);

		if (read_u64(p, end, &frac) < 0 || *p - q > 18)
			return -1;
		for (const char *c = q; c < *p; c++)
			scale *= 10;
	}
	*t = (double)sec + (double)frac / scale;
	if (neg)
		*t = -*t;
	return 0;
}

static int skip_sp(const char **p, const char *end)
{
	if (*p >= end || **p != ' ')
		return -1;
	while (*p < end && **p == ' ')
		(*p)++;
	return 0;
}

/* The most lines a carried frame has (itself and the functions it was inlined into). */
#define SYM_CARRY_MAX 64

/* Lines are quoted with control bytes escaped: a recording from elsewhere must not put
 * escape sequences on the terminal through a message. */
static int bad(struct recording_reader *rr, const char *what, const char *line, size_t n,
	       struct pt_err *err)
{
	char q[256];

	pt_err_set(err, _("%s:%llu: expected %s, found %s"), rr->name,
		   (unsigned long long)reader_lineno(rr->r), what, parse_quote(line, n, q, sizeof(q)));
	return -1;
}

/* The same with what the reader of the message can make of it. */
static int bad_why(struct recording_reader *rr, const char *what, const char *line, size_t n,
		   const char *why, struct pt_err *err)
{
	char q[256];

	pt_err_set(err, _("%s:%llu: expected %s, found %s: %s"), rr->name,
		   (unsigned long long)reader_lineno(rr->r), what, parse_quote(line, n, q, sizeof(q)),
		   why);
	return -1;
}

static void set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xstrndup(s, n);
}

/* A meta value that is not what its key says (it may end up in a file name, and the
 * recording may come from anywhere): dropped with a warning, the rest is read. */
static int ignored(struct recording_reader *rr, const char *msg)
{
	diag_warn("%s:%llu: %s", rr->name, (unsigned long long)reader_lineno(rr->r), msg);
	return 0;
}

/* "meta symbols-build-id OBJECT HEX": the debug info the following carried lines of
 * OBJECT came from. Lines of another build than the recording's own are not used. */
static int do_symbols_id(struct recording_reader *rr, const char *v, size_t vl)
{
	const char *sp = memchr(v, ' ', vl), *hex;
	const char *expect = NULL;
	char qv[300], m[512];
	size_t nl, hl;
	struct carry_obj *c;

	if (!sp || (size_t)(sp - v) >= sizeof(c->name) || !module_name_ok(v, (size_t)(sp - v)) ||
	    !build_id_ok(sp + 1, (size_t)(v + vl - sp - 1))) {
		snprintf(m, sizeof(m), _("symbols-build-id '%s' is not an object and its build id; ignored"),
			 quote_value(v, vl, qv, sizeof(qv)));
		return ignored(rr, m);
	}
	nl = (size_t)(sp - v);
	hex = sp + 1;
	hl = (size_t)(v + vl - hex);
	if (nl == 7 && memcmp(v, "vmlinux", 7) == 0) {
		expect = rr->build_id;
	} else {
		for (size_t i = 0; i < rr->nmids; i++)
			if (strncmp(rr->mids[i], v, nl) == 0 && rr->mids[i][nl] == ' ')
				expect = rr->mids[i] + nl + 1;
	}
	for (size_t i = 0; i < rr->ncobj; i++)
		if (strlen(rr->cobj[i].name) == nl && memcmp(rr->cobj[i].name, v, nl) == 0)
			return 0;
	if (rr->ncobj >= 4096)
		return 0;
	rr->cobj = xreallocarray(rr->cobj, rr->ncobj + 1, sizeof(*rr->cobj));
	c = &rr->cobj[rr->ncobj++];
	snprintf(c->name, sizeof(c->name), "%.*s", (int)nl, v);
	c->bad = expect && (strlen(expect) != hl || memcmp(expect, hex, hl) != 0);
	if (c->bad) {
		snprintf(m, sizeof(m), _("the source lines of %s come from another build (%s) than the recording's: not used"),
			 c->name, quote_value(hex, hl, qv, sizeof(qv)));
		return ignored(rr, m);
	}
	return 0;
}

/* "meta KEY VALUE": unknown keys are for newer readers, and skipped. */
static int do_meta(struct recording_reader *rr, const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 5, *end = line + n, *k, *v;
	char qv[300], m[512];
	size_t kl, vl;

	k = p;
	while (p < end && *p != ' ')
		p++;
	kl = (size_t)(p - k);
	if (kl == 0 || p >= end)
		return bad(rr, _("\"meta KEY VALUE\""), line, n, err);
	v = p + 1;
	vl = (size_t)(end - v);
#define KEY(s) (kl == strlen(s) && memcmp(k, s, kl) == 0)
	if (KEY("source")) {
		set_str(&rr->kind_src, v, vl);
	} else if (KEY("iface")) {
		set_str(&rr->iface, v, vl);
	} else if (KEY("unit")) {
		set_str(&rr->unit, v, vl);
		rr->bytes = strcmp(rr->unit, "bytes") == 0;
	} else if (KEY("kernel-release")) {
		if (!release_ok(v, vl)) {
			snprintf(m, sizeof(m), _("kernel-release '%s' is not a kernel release; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->release, v, vl);
	} else if (KEY("kernel-build-id")) {
		if (!build_id_ok(v, vl)) {
			snprintf(m, sizeof(m), _("kernel-build-id '%s' is not a build id (lowercase hex); ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->build_id, v, vl);
	} else if (KEY("module-build-id")) {
		const char *sp = memchr(v, ' ', vl);

		if (!sp || !module_name_ok(v, (size_t)(sp - v)) ||
		    !build_id_ok(sp + 1, (size_t)(end - sp - 1))) {
			snprintf(m, sizeof(m), _("module-build-id '%s' is not a module name and its build id; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		if (rr->nmids < 4096) {
			rr->mids = xreallocarray(rr->mids, rr->nmids + 2, sizeof(char *));
			rr->mids[rr->nmids++] = xstrndup(v, vl);
			rr->mids[rr->nmids] = NULL;
		}
	} else if (KEY("symbols-build-id")) {
		return do_symbols_id(rr, v, vl);
	} else if (KEY("hostname")) {
		if (!hostname_ok(v, vl)) {
			snprintf(m, sizeof(m), _("hostname '%s' is not a host name; ignored"),
				 quote_value(v, vl, qv, sizeof(qv)));
			return ignored(rr, m);
		}
		set_str(&rr->hostname, v, vl);
	} else if (KEY("boot-time")) {
		const char *q = v;
		double t;

		if (read_time(&q, end, &t) < 0 || q != end || !time_ok(t) || t < 0)
			return bad(rr, _("\"meta boot-time SECONDS\""), line, n, err);
		rr->boot_time = t;
	} else if (KEY("page-size")) {
		uint64_t ps;
		const char *q = v;

		if (read_u64(&q, end, &ps) < 0 || q != end || ps < PT_PAGE_SIZE_MIN ||
		    ps > PT_PAGE_SIZE_MAX) {
			char what[96];

			snprintf(what, sizeof(what), _("\"meta page-size BYTES\" from %d to %d"),
				 PT_PAGE_SIZE_MIN, PT_PAGE_SIZE_MAX);
			return bad(rr, what, line, n, err);
		}
		rr->page_size = (long)ps;
	} else {
		return 0;
	}
#undef KEY
	rr->meta_changed = 1;
	return 0;
}

static void rr_fill_meta(struct source *s, struct recording_reader *rr)
{
	struct source_meta *m = &s->meta;

	memset(m, 0, sizeof(*m));
	m->name = rr->name;
	m->kind = "recording";
	m->iface = IFACE_NONE;
	for (int i = IFACE_HANDLES; i <= IFACE_ALLOCINFO; i++)
		if (rr->iface && strcmp(rr->iface, iface_name((enum pt_iface)i)) == 0)
			m->iface = (enum pt_iface)i;
	m->unit = rr->unit && strcmp(rr->unit, "allocs") == 0 ? UNIT_ALLOCS :
		  rr->bytes ? UNIT_BYTES : UNIT_PAGES;
	if (rr->bytes) {
		m->page_size = 1; /* counts are bytes already */
		m->page_size_known = 1;
	} else if (rr->page_size_opt > 0) {
		m->page_size = rr->page_size_opt;
		m->page_size_known = 1;
	} else if (rr->page_size > 0) {
		m->page_size = rr->page_size;
		m->page_size_known = 1;
	} else {
		m->page_size = 4096;
	}
	m->kernel_release = rr->release;
	m->kernel_build_id = rr->build_id;
	m->hostname = rr->hostname;
	m->module_build_ids = (const char *const *)rr->mids;
	m->series = 1;
	m->nsamples = -1;
	m->boot_known = rr->boot_time >= 0;
	m->boot_time = rr->boot_time;
}

enum line_read { RL_LINE = 1, RL_EOF = 0, RL_TORN = 2, RL_ERR = -1 };

/* The next line; a last line without its newline is torn (every line the writer makes
 * ends in one). */
static enum line_read rr_line(struct recording_reader *rr, const char **line, size_t *n, struct pt_err *err)
{
	int rc;

	if (rr->have_pending) {
		rr->have_pending = 0;
		*line = rr->pending;
		*n = rr->pending_len;
		return RL_LINE;
	}
	rc = reader_line(rr->r, line, n, err);
	if (rc < 0)
		return RL_ERR;
	if (rc == 0)
		return RL_EOF;
	if (!reader_last_had_newline(rr->r))
		return RL_TORN;
	return RL_LINE;
}

static uint64_t idtab_key(const struct recording_reader *rr, const struct idtab *t,
			  uint32_t id)
{
	return t->by_handle ? rr->st[id].handle : rr->st[id].hash;
}

static uint32_t idtab_tag(const struct idtab *t, uint64_t k)
{
	return (uint32_t)((t->by_handle ? hash_u64(k) : k) >> 32);
}

/* The id of the stack with key k (not 0) in t, or 0 with *slot where it would go. */
static uint32_t idtab_find(const struct recording_reader *rr, const struct idtab *t,
			   uint64_t k, size_t *slot)
{
	uint32_t tag = idtab_tag(t, k);
	size_t mask = t->nslots - 1, j = tag & mask;

	for (; t->slots[j]; j = (j + 1) & mask) {
		uint32_t id = (uint32_t)t->slots[j];

		if (t->slots[j] >> 32 == tag && idtab_key(rr, t, id) == k)
			return id;
	}
	*slot = j;
	return 0;
}

/* Room in t for more ids, at most half full then: grown once. */
static void idtab_reserve(struct idtab *t, size_t more)
{
	size_t ns = t->nslots ? t->nslots : 1024;

	while ((t->n + more) * 2 > ns)
		ns *= 2;
	if (ns != t->nslots) {
		uint64_t *old = t->slots;
		size_t n = t->nslots;

		t->nslots = ns;
		t->slots = xhuge_alloc(t->nslots * sizeof(*t->slots));
		for (size_t i = 0; i < n; i++) {
			size_t mask = t->nslots - 1, j = (old[i] >> 32) & mask;

			if (!old[i])
				continue;
			/* the keys are distinct: the first empty slot */
			while (t->slots[j])
				j = (j + 1) & mask;
			t->slots[j] = old[i];
		}
		xhuge_free(old, n * sizeof(*old));
	}
}

/* The slot where the probe for id's key starts. */
static void idtab_prefetch(const struct recording_reader *rr, const struct idtab *t,
			   uint32_t id)
{
	__builtin_prefetch(&t->slots[idtab_tag(t, idtab_key(rr, t, id)) & (t->nslots - 1)]);
}

/* Puts id in t unless a stack with its key is there; returns that stack's id, or 0. */
static uint32_t idtab_add(struct recording_reader *rr, struct idtab *t, uint32_t id)
{
	uint64_t k = idtab_key(rr, t, id);
	size_t slot = 0;
	uint32_t f;

	idtab_reserve(t, 1);
	f = idtab_find(rr, t, k, &slot);
	if (!f) {
		t->slots[slot] = id | (uint64_t)idtab_tag(t, k) << 32;
		t->n++;
	}
	return f;
}

/* "s ID HANDLE NFRAMES", checked: the next id, at most STACK_MAX_FRAMES frames, a handle
 * no other stack has. 0, or -1 with err. */
static int stack_header(struct recording_reader *rr, const char *line, size_t n,
			uint64_t *handle, uint64_t *nf, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	uint64_t id;

	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 || skip_sp(&p, end) < 0 ||
	    read_u64(&p, end, handle) < 0 || skip_sp(&p, end) < 0 ||
	    read_u64(&p, end, nf) < 0 || p != end)
		return bad(rr, _("\"s ID HANDLE NFRAMES\""), line, n, err);
	if (*nf > STACK_MAX_FRAMES) {
		char what[64];

		snprintf(what, sizeof(what), _("at most %d frames in a stack"), STACK_MAX_FRAMES);
		return bad_why(rr, what, line, n,
			       _("the kernel saves 16 frames a stack; the recording is damaged or was edited"),
			       err);
	}
	if (id != (rr->nst ? rr->nst : 1)) {
		char what[64];

		snprintf(what, sizeof(what), _("stack %llu defined next"),
			 (unsigned long long)(rr->nst ? rr->nst : 1));
		return bad(rr, what, line, n, err);
	}
	if (*handle && rr->byhandle.n) {
		/* the model would take the second for the first: its frames would vanish, its
		 * pages go to the first */
		size_t slot;
		uint32_t other = idtab_find(rr, &rr->byhandle, *handle, &slot);

		if (other) {
			char why[256];

			snprintf(why, sizeof(why),
				 _("stack %u has that handle already; the recording is damaged or was edited"),
				 other);
			return bad_why(rr, _("a handle no other stack has"), line, n, why, err);
		}
	}
	return 0;
}

/* Key's text pointer, and every other when the arena moved. */
static void ftext_follow(struct recording_reader *rr, uint32_t key)
{
	const char *base = strtab_str(rr->frames, 0);

	if (base != rr->ftext_base) {
		for (size_t k = 1; k < rr->nftext; k++)
			rr->ftext[k].s = strtab_str(rr->frames, (uint32_t)k - 1);
		rr->ftext_base = base;
	}
	rr->ftext[key].s = strtab_str(rr->frames, key - 1);
}

/* The key of the text of frame line fl, interned. A text is checked the first time it
 * comes under the recording's unit; most frames of a new stack are known. 1, or -1 with
 * err. */
static int frame_key(struct recording_reader *rr, const char *fl, size_t fn, uint32_t *key,
		     struct pt_err *err)
{
	const char *s = fl + 2;
	size_t len = fn - 2;
	uint64_t h = hash_bytes(s, len, 0);
	uint32_t id = strtab_find_h(rr->frames, s, len, h);
	uint8_t mode = rr->bytes ? 2 : 1;

	if (id != UINT32_MAX && (rr->fmode[id + 1] & mode)) {
		*key = id + 1;
		return 1;
	}
	if (memchr(s, '\0', len)) {
		/* what the parser takes from the kernel, and nothing else: the text goes
		 * to the model, the screen and the symbols code as a snapshot's would */
		pt_err_set(err, _("%s:%llu: expected text, found binary data (a NUL byte)"),
			   rr->name, (unsigned long long)reader_lineno(rr->r));
		return -1;
	}
	if (rr->bytes && !allocinfo_site_ok(s, len))
		return bad(rr, _("a call site line \"f FILE:LINE [module] func:NAME\", as /proc/allocinfo prints it"),
			   fl, fn, err);
	if (!rr->bytes && !frame_text_ok(s, len)) {
		char what[160];

		snprintf(what, sizeof(what),
			 _("a frame line \"f name+0xOFF/0xSIZE\" (or \"f 0xADDR\") of at most %d bytes, as the kernel prints it"),
			 FRAME_MAX);
		return bad(rr, what, fl, fn, err);
	}
	*key = strtab_intern_h(rr->frames, s, len, h) + 1;
	rr->ftext = xgrow_zeroed(rr->ftext, &rr->nftext, *key, sizeof(*rr->ftext));
	rr->ftext[*key].len = (uint32_t)len;
	rr->ftext[*key].key = *key;
	rr->ftext[*key].hash = h;
	ftext_follow(rr, *key);
	rr->fmode = xgrow_zeroed(rr->fmode, &rr->nfmode, *key, sizeof(*rr->fmode));
	rr->fmode[*key] |= mode;
	return 1;
}

/* A stack's nf frame lines "f TEXT": each text's key in keys (the text interned). 1
 * done, 0 cut short, -1 error, -2 the input failed. */
static int stack_frames(struct recording_reader *rr, uint64_t nf, uint32_t *keys,
			struct pt_err *err)
{
	int rc = 1;

	for (uint64_t i = 0; i < nf && rc == 1; i++) {
		const char *fl;
		size_t fn;
		enum line_read k = rr_line(rr, &fl, &fn, err);

		if (k != RL_LINE)
			rc = k == RL_ERR ? -2 : 0;
		else if (fn < 3 || fl[0] != 'f' || fl[1] != ' ')
			rc = bad(rr, _("a frame line \"f TEXT\""), fl, fn, err);
		else
			rc = frame_key(rr, fl, fn, &keys[i], err);
	}
	return rc;
}

/* The frames of a stack as a sink takes them, into ft. */
static void stack_texts(const struct recording_reader *rr, const struct recorded_stack *s,
			struct frame_text *ft)
{
	for (unsigned i = 0; i < s->nframes; i++)
		ft[i] = rr->ftext[rr->keys[s->keys + i]];
}

/* A stack without a handle joins the ring of those with its hash: when one of them
 * changes, a sink that takes changes gets them all (sink.h: counts add up). */
static void twin_add(struct recording_reader *rr, uint32_t id)
{
	uint32_t f = idtab_add(rr, &rr->byhash, id);

	if (!f)
		return;
	rr->st[id].twin = rr->st[f].twin ? rr->st[f].twin : f;
	rr->st[f].twin = id;
}

#define JOIN_AHEAD 8

/* The stacks defined since the last sample join their rings, in the order they came:
 * before a sample goes out (nothing else reads the rings). */
static void twins_join(struct recording_reader *rr)
{
	idtab_reserve(&rr->byhash, rr->nunjoined);
	for (size_t i = 0; i < rr->nunjoined; i++) {
		if (i + JOIN_AHEAD < rr->nunjoined)
			idtab_prefetch(rr, &rr->byhash, rr->unjoined[i + JOIN_AHEAD]);
		twin_add(rr, rr->unjoined[i]);
	}
	rr->nunjoined = 0;
}

/* "s ID HANDLE NFRAMES" and its frame lines. 1 done, 0 cut short, -1 error, -2 the input
 * failed (err says how: a truncated compressed file, garbage): a torn tail as well. */
static int do_stack(struct recording_reader *rr, const char *line, size_t n, struct pt_err *err)
{
	uint64_t handle, nf;
	struct recorded_stack *s;
	uint32_t keys[STACK_MAX_FRAMES];
	struct frame_text ft[STACK_MAX_FRAMES];
	int rc;

	if (stack_header(rr, line, n, &handle, &nf, err) < 0)
		return -1;
	rc = stack_frames(rr, nf, keys, err);
	if (rc != 1)
		return rc;
	if (rr->nst == 0)
		rr->nst = 1; /* id 0 is never used */
	/* a day's recording defines millions of stacks: pages of 2 MiB, each a fault */
	if (rr->nst >= rr->cst) {
		size_t was = rr->cst;

		rr->cst = rr->cst ? rr->cst * 2 : 1024;
		rr->st = xhuge_realloc(rr->st, was, rr->cst, sizeof(*rr->st));
	}
	if (rr->nkeys + nf > rr->ckeys) {
		size_t was = rr->ckeys;

		while (rr->nkeys + nf > rr->ckeys)
			rr->ckeys = rr->ckeys ? rr->ckeys * 2 : 16384;
		rr->keys = xhuge_realloc(rr->keys, was, rr->ckeys, sizeof(*rr->keys));
	}
	rr->counted = xgrow_zeroed(rr->counted, &rr->ncounted, rr->nst / 64,
				   sizeof(*rr->counted));
	s = &rr->st[rr->nst++];
	memset(s, 0, sizeof(*s));
	s->handle = handle;
	if (handle)
		idtab_add(rr, &rr->byhandle, (uint32_t)(rr->nst - 1));
	s->nframes = (uint16_t)nf;
	s->keys = rr->nkeys;
	if (nf)
		memcpy(rr->keys + rr->nkeys, keys, nf * sizeof(*keys));
	rr->nkeys += nf;
	stack_texts(rr, s, ft);
	s->hash = stack_rec_hash(ft, s->nframes);
	if (!handle) {
		if (rr->nunjoined == rr->cunjoined) {
			rr->cunjoined = rr->cunjoined ? rr->cunjoined * 2 : 1024;
			rr->unjoined = xreallocarray(rr->unjoined, rr->cunjoined,
						     sizeof(*rr->unjoined));
		}
		rr->unjoined[rr->nunjoined++] = (uint32_t)(rr->nst - 1);
	}
	return 1;
}

/* "x N TEXT" and its N "l LINE COLUMN SHORT FUNCTION FILE" lines: what debug info said
 * of the frame TEXT, innermost first. 1 done, 0 cut short, -1 error, -2 the input
 * failed. */
static int do_carried(struct recording_reader *rr, const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	struct sym_frame fr[SYM_CARRY_MAX];
	char *text, *store[SYM_CARRY_MAX * 2] = { 0 };
	uint64_t nl;
	size_t tl;
	char obj[64];
	int rc = 1, use;

	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &nl) < 0 || skip_sp(&p, end) < 0 ||
	    nl == 0 || nl > SYM_CARRY_MAX)
		return bad(rr, _("\"x N FRAME\" with N from 1 to 64"), line, n, err);
	tl = (size_t)(end - p);
	if (!frame_text_ok(p, tl) || memchr(p, '\0', tl))
		return bad(rr, _("\"x N FRAME\" with N from 1 to 64"), line, n, err);
	text = xstrndup(p, tl);
	use = symbols_frame_object(text, tl, obj, sizeof(obj)) == 0;
	for (size_t i = 0; use && i < rr->ncobj; i++)
		if (strcmp(rr->cobj[i].name, obj) == 0 && rr->cobj[i].bad)
			use = 0;
	memset(fr, 0, sizeof(fr));
	for (uint64_t i = 0; i < nl && rc == 1; i++) {
		const char *l, *q, *le, *fn, *fe;
		size_t ln;
		uint64_t lno, col, skip;
		enum line_read k = rr_line(rr, &l, &ln, err);

		if (k != RL_LINE) {
			rc = k == RL_ERR ? -2 : 0;
			break;
		}
		q = l + 1;
		le = l + ln;
		if (ln < 2 || l[0] != 'l' || memchr(l, '\0', ln) || skip_sp(&q, le) < 0 ||
		    read_u64(&q, le, &lno) < 0 || lno > UINT32_MAX || skip_sp(&q, le) < 0 ||
		    read_u64(&q, le, &col) < 0 || col > UINT32_MAX || skip_sp(&q, le) < 0 ||
		    read_u64(&q, le, &skip) < 0 || skip_sp(&q, le) < 0) {
			rc = bad(rr, _("\"l LINE COLUMN SHORT FUNCTION FILE\""), l, ln, err);
			break;
		}
		fn = q;
		while (q < le && *q != ' ')
			q++;
		fe = q;
		if (fe == fn || skip_sp(&q, le) < 0 || q >= le || skip > (uint64_t)(le - q)) {
			rc = bad(rr, _("\"l LINE COLUMN SHORT FUNCTION FILE\""), l, ln, err);
			break;
		}
		store[2 * i] = (fe - fn == 1 && *fn == '?') ? NULL : xstrndup(fn, (size_t)(fe - fn));
		store[2 * i + 1] = (le - q == 1 && *q == '?') ? NULL : xstrndup(q, (size_t)(le - q));
		fr[i].function = store[2 * i];
		fr[i].file = store[2 * i + 1];
		fr[i].short_file = fr[i].file ? fr[i].file + skip : NULL;
		fr[i].line = (unsigned)lno;
		fr[i].column = (unsigned)col;
	}
	if (rc == 1 && use) {
		sym_carry_add(text, tl, fr, (unsigned)nl);
		rr->carried++;
	}
	for (size_t i = 0; i < SYM_CARRY_MAX * 2; i++)
		free(store[i]);
	free(text);
	return rc;
}

/* The record of stack id as the sink knows it, without frames or count. */
static void rec_of(const struct recording_reader *rr, uint32_t id, struct stack_rec *rec)
{
	const struct recorded_stack *s = &rr->st[id];

	memset(rec, 0, sizeof(*rec));
	rec->nframes = s->nframes;
	rec->keyspace = rr->keyspace;
	rec->hash = s->hash;
	rec->key = s->handle ? 0 : id;
	rec->handle = s->handle;
}

/* The blocks of a per-block dump, in the order of their PFNs as the dump lists them:
 * the sink sums them per stack as it does a dump's. */
static int feed_blocks(struct recording_reader *rr, const struct sink *sink, struct pt_err *err)
{
	size_t n = rec_blocks_count(rr->blocks);
	struct frame_text ft[STACK_MAX_FRAMES];
	uint32_t last = 0;

	for (size_t i = 0; i < n; i++) {
		struct block_info bi;
		uint32_t id = rec_blocks_get(rr->blocks, i, &bi);
		struct recorded_stack *s = &rr->st[id];
		struct stack_rec rec;

		if (id != last)
			stack_texts(rr, s, ft);
		last = id;
		rec_of(rr, id, &rec);
		rec.frames = ft;
		rec.has_count = 1;
		rec.count = 1ULL << bi.order;
		rec.block = &bi;
		if (sink->ops->stack(sink->self, &rec, err) < 0)
			return -1;
	}
	return 0;
}

/* The sink is told of a stack this many records before it comes: most of a stack's cost
 * in the sink is fetching the sink's own record of it. */
#define FEED_AHEAD 8

static void feed_prefetch(const struct recording_reader *rr, uint32_t id, const struct sink *sink)
{
	const struct recorded_stack *s = &rr->st[id];
	struct stack_rec rec;

	rec_of(rr, id, &rec);
	sink->ops->prefetch(sink->self, &rec);
	__builtin_prefetch(&rr->keys[s->keys]); /* for stack_texts() */
}

/* Further on: what feed_prefetch() will read, the reader's record of the stack and the
 * sink's entry for its key. */
static void feed_prefetch_far(const struct recording_reader *rr, uint32_t id,
			      const struct sink *sink)
{
	__builtin_prefetch(&rr->st[id]);
	if (sink->ops->prefetch_key)
		sink->ops->prefetch_key(sink->self, rr->keyspace, id);
}

static int feed_one(struct recording_reader *rr, uint32_t id, const struct sink *sink,
		    struct pt_err *err)
{
	const struct recorded_stack *s = &rr->st[id];
	struct frame_text ft[STACK_MAX_FRAMES];
	struct stack_rec rec;

	stack_texts(rr, s, ft);
	rec_of(rr, id, &rec);
	rec.frames = ft;
	rec.has_count = 1;
	rec.count = s->cur;
	rec.calls = s->calls;
	return sink->ops->stack(sink->self, &rec, err);
}

static int feed_once(struct recording_reader *rr, uint32_t id, const struct sink *sink,
		     struct pt_err *err)
{
	if (rr->st[id].fed == rr->samples + 1)
		return 0;
	rr->st[id].fed = rr->samples + 1;
	return feed_one(rr, id, sink, err);
}

/* The stacks of the sample's count lines that had a count before or have one now (one
 * that had none and still has none the sink never knew), with their twins. */
static int feed_changes(struct recording_reader *rr, const struct sink *sink,
			struct pt_err *err)
{
	for (size_t i = 0; i < rr->nch; i++) {
		uint32_t id = rr->ch[i].id;
		const struct recorded_stack *s = &rr->st[id];

		if (i + 2 * FEED_AHEAD < rr->nch)
			feed_prefetch_far(rr, rr->ch[i + 2 * FEED_AHEAD].id, sink);
		if (i + FEED_AHEAD < rr->nch && sink->ops->prefetch)
			feed_prefetch(rr, rr->ch[i + FEED_AHEAD].id, sink);
		if (!rr->ch[i].was && !s->cur && !s->present)
			continue;
		if (feed_once(rr, id, sink, err) < 0)
			return -1;
		for (uint32_t t = s->twin; t && t != id; t = rr->st[t].twin)
			if ((rr->st[t].cur || rr->st[t].present) && feed_once(rr, t, sink, err) < 0)
				return -1;
	}
	return 0;
}

/* A sample: its blocks when it has some, else every stack with a count, or to a sink that
 * takes changes and took the sample before, the stacks that changed. */
static int feed(struct source *src, struct recording_reader *rr, struct sample_info *si,
		const struct sink *sink, struct pt_err *err)
{
	int blocks = rr->blocks && rec_blocks_count(rr->blocks);
	uint64_t took = rr->fed_ident; /* the sink that took the sample before, whole */
	size_t k = 0;

	if (rr->meta_changed) {
		rr_fill_meta(src, rr);
		src->meta_sent = 0;
		rr->meta_changed = 0;
	}
	rr->fed_ident = 0;
	if (source_send_meta(src, sink, err) < 0)
		return -1;
	si->changes_only = !rr->blocks && sink->ops->take_changes && took &&
			   took == sink->ops->ident(sink->self) &&
			   rr->nnz <= 2 * rr->nlive + 1024;
	if (sink->ops->begin(sink->self, si, err) < 0)
		return -1;
	if (si->changes_only) {
		if (feed_changes(rr, sink, err) < 0)
			return -1;
		rr->nch = 0;
		if (sink->ops->end(sink->self, err) < 0)
			return -1;
		rr->fed_ident = sink->ops->take_changes ? sink->ops->ident(sink->self) : 0;
		return 0;
	}
	rr->nch = 0;
	for (size_t i = 0; i < rr->nnz; i++) {
		struct recorded_stack *s = &rr->st[rr->nonzero[i]];

		if (i + 2 * FEED_AHEAD < rr->nnz)
			__builtin_prefetch(&rr->st[rr->nonzero[i + 2 * FEED_AHEAD]]);
		if (i + FEED_AHEAD < rr->nnz && sink->ops->prefetch && !blocks)
			feed_prefetch(rr, rr->nonzero[i + FEED_AHEAD], sink);
		if (!s->cur && !s->present) {
			s->listed = 0;
			continue;
		}
		rr->nonzero[k++] = rr->nonzero[i];
		if (blocks)
			continue;
		if (feed_one(rr, rr->nonzero[i], sink, err) < 0)
			return -1;
	}
	rr->nnz = k;
	if (blocks && feed_blocks(rr, sink, err) < 0)
		return -1;
	if (sink->ops->end(sink->self, err) < 0)
		return -1;
	rr->fed_ident = sink->ops->take_changes ? sink->ops->ident(sink->self) : 0;
	return 0;
}

/* No more samples. Samples that were not later than the one before, beyond the first
 * (which had a warning of its own), are counted here: none goes unsaid. */
static enum src_status rr_end(struct recording_reader *rr)
{
	if (rr->clock_back > 1)
		diag_warn(ngettext("%s: the time of %llu sample is not after that of the sample before: its rates are shown as 0",
				   "%s: the time of %llu samples is not after that of the sample before: their rates are shown as 0",
				   rr->clock_back == 1 ? 1 : 2),
			  rr->name, (unsigned long long)rr->clock_back);
	rr->ended = 1;
	return SRC_END;
}

/* Lines after the end line are not read: say so (two recordings joined by cat?). */
static void after_end(struct recording_reader *rr)
{
	struct pt_err err;
	const char *line;
	size_t n;

	for (;;) {
		enum line_read k = rr_line(rr, &line, &n, &err);

		if (k != RL_LINE)
			return;
		if (n && (line[0] != '#' || (n >= 18 && memcmp(line, "#pagetop-recording", 18) == 0)))
			break;
	}
	diag_warn(_("%s:%llu: expected nothing after the end line, found more: ignored (were two recordings joined? replay each on its own)"),
		  rr->name, (unsigned long long)reader_lineno(rr->r));
}

static void torn(struct recording_reader *rr, const char *why)
{
	diag_warn(ngettext("%s: %s: kept the %llu complete sample before it",
			   "%s: %s: kept the %llu complete samples before it",
			   rr->samples == 1 ? 1 : 2),
		  rr->name, why, (unsigned long long)rr->samples);
}

/* The same when reading failed: the reader's message names the file already. What a
 * crash leaves behind can be garbage (zeroed blocks), a copy a truncated compressed file. */
static enum src_status torn_read(struct recording_reader *rr, const struct pt_err *err)
{
	diag_warn(ngettext("%s: kept the %llu complete sample before it",
			   "%s: kept the %llu complete samples before it",
			   rr->samples == 1 ? 1 : 2),
		  err->msg, (unsigned long long)rr->samples);
	return rr_end(rr);
}

/* The stacks of the count lines read are not counted any more (a sample's end, or the
 * start of one after a sample that failed). */
static void uncount(struct recording_reader *rr)
{
	for (size_t i = 0; i < rr->nch; i++)
		rr->counted[rr->ch[i].id / 64] &= ~(1ULL << (rr->ch[i].id % 64));
}

/* The sample's counts apply only once its "e" line is read: a torn sample changes
 * nothing. The changes stay listed for feed(). */
static void apply_changes(struct recording_reader *rr)
{
	uncount(rr);
	for (size_t i = 0; i < rr->nch; i++) {
		struct recorded_stack *s = &rr->st[rr->ch[i].id];

		if (i + FEED_AHEAD < rr->nch)
			__builtin_prefetch(&rr->st[rr->ch[i + FEED_AHEAD].id], 1);
		int now = rr->ch[i].count || rr->ch[i].present;

		rr->ch[i].was = s->cur || s->present;
		rr->nlive += (size_t)now - (size_t)rr->ch[i].was;
		if (!s->listed && now) {
			s->listed = 1;
			if (rr->nnz == rr->cnz) {
				rr->cnz = rr->cnz ? rr->cnz * 2 : 1024;
				rr->nonzero = xreallocarray(rr->nonzero, rr->cnz,
							    sizeof(*rr->nonzero));
			}
			rr->nonzero[rr->nnz++] = rr->ch[i].id;
		}
		s->cur = rr->ch[i].count;
		s->calls = rr->ch[i].calls;
		s->present = rr->ch[i].present;
	}
}

/* The sample being read, from its "t" line to its "e" line. */
struct sample_lines {
	int open;               /* its "t" line was read, its "e" line not yet */
	uint64_t seq;           /* the file's number for it */
	struct sample_info si;
	struct meminfo mem;     /* its "m" line's counters (valid 0: none) */
};

/* "end N": the recording ends. Returns SRC_END, or SRC_ERROR with err. */
static enum src_status end_line(struct recording_reader *rr, const struct sample_lines *cur,
				const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 3, *end = line + n;
	uint64_t v;

	if (cur->open) {
		bad(rr, _("\"e SEQ N\" closing the sample with its N counts"), line, n, err);
		return SRC_ERROR;
	}
	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end) {
		bad(rr, _("\"end N\" with the number of samples"), line, n, err);
		return SRC_ERROR;
	}
	if (v != rr->samples) {
		char q[256];

		diag_warn(_("%s:%llu: expected \"end %llu\" (the samples read), found %s: samples are missing or were added; the recording is damaged or was edited"),
			  rr->name, (unsigned long long)reader_lineno(rr->r),
			  (unsigned long long)rr->samples, parse_quote(line, n, q, sizeof(q)));
	}
	after_end(rr);
	return rr_end(rr);
}

/* "c ID COUNT": a count that changed in the sample. Returns 0, or -1 with err. */
static int count_line(struct recording_reader *rr, const struct sample_lines *cur,
		      const char *line, size_t n, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	uint64_t id, v = 0, calls = 0;
	int present = rr->bytes;

	if (rr->bytes) {
		/* "c ID -": the call site is not listed any more */
		if (!cur->open || skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 ||
		    skip_sp(&p, end) < 0)
			return bad(rr, _("\"c ID BYTES CALLS\" inside a sample"), line, n, err);
		if (end - p == 1 && *p == '-')
			present = 0, p++;
		else if (read_u64(&p, end, &v) < 0 || skip_sp(&p, end) < 0 ||
			 read_u64(&p, end, &calls) < 0)
			p = NULL;
		if (p != end)
			return bad(rr, _("\"c ID BYTES CALLS\" inside a sample"), line, n, err);
		if (calls > PT_COUNT_MAX)
			return bad_why(rr, _("a number of calls from 0 to 2^48"), line, n,
				       _("the recording is damaged or was edited"), err);
	} else if (!cur->open || skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 ||
		   skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end) {
		return bad(rr, _("\"c ID COUNT\" inside a sample"), line, n, err);
	}
	if (id == 0 || id >= rr->nst)
		return bad(rr, _("the id of a stack defined before"), line, n, err);
	if (v > PT_COUNT_MAX)
		return bad_why(rr, rr->unit && strcmp(rr->unit, "allocs") == 0 ?
			       _("an allocation count from 0 to 2^48") : rr->bytes ?
			       _("a size in bytes from 0 to 2^48") :
			       _("a page count from 0 to 2^48"), line, n,
			       _("no machine has that many pages; the recording is damaged or was edited"),
			       err);
	if (rr->counted[id / 64] >> (id % 64) & 1) {
		/* which of two counts is the right one, no one can tell */
		char why[256];
		uint64_t at = 0;

		for (size_t i = 0; i < rr->nch; i++)
			if (rr->ch[i].id == id)
				at = rr->ch[i].line;
		snprintf(why, sizeof(why),
			 _("line %llu has the count of stack %llu in this sample already; the recording is damaged or was edited"),
			 (unsigned long long)at, (unsigned long long)id);
		return bad_why(rr, _("one count line for a stack in a sample"), line, n, why, err);
	}
	rr->counted[id / 64] |= 1ULL << (id % 64);
	if (rr->nch == rr->cch) {
		rr->cch = rr->cch ? rr->cch * 2 : 1024;
		rr->ch = xreallocarray(rr->ch, rr->cch, sizeof(*rr->ch));
	}
	rr->ch[rr->nch].id = (uint32_t)id;
	rr->ch[rr->nch].line = reader_lineno(rr->r);
	rr->ch[rr->nch].count = v;
	rr->ch[rr->nch].calls = calls;
	rr->ch[rr->nch].present = present;
	rr->nch++;
	return 0;
}

/* "t SEQ TIME ABS": a sample begins. Returns 0, or -1 with err. */
static int time_line(struct recording_reader *rr, struct sample_lines *cur, const char *line,
		     size_t n, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	uint64_t v;

	if (cur->open || skip_sp(&p, end) < 0 || read_u64(&p, end, &cur->seq) < 0 ||
	    skip_sp(&p, end) < 0 || read_time(&p, end, &cur->si.time) < 0 ||
	    skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end || v > 1)
		return bad(rr, _("\"t SEQ TIME ABS\""), line, n, err);
	/* the screen makes a date of it, pagetop record microseconds */
	if (!time_ok(cur->si.time))
		return bad_why(rr, _("a time of at most 10^12 seconds"), line, n,
			       _("that is 31,700 years; the recording is damaged or was edited"), err);
	cur->si.time_abs = (int)v;
	if (rr->samples && cur->seq <= rr->last_seq) {
		/* counts are only those that changed: out of order, they would say something
		 * else */
		char what[128];

		snprintf(what, sizeof(what), _("a sample number above %llu (that of the sample before)"),
			 (unsigned long long)rr->last_seq);
		return bad_why(rr, what, line, n,
			       _("the samples are out of order; the recording is damaged or was edited"),
			       err);
	}
	/* A wall clock can be set back, and snapshot files' times can be out of order: the
	 * sample is kept, and rates over a time that did not pass are 0, which is said. */
	if (rr->samples && cur->si.time_abs == rr->last_abs && cur->si.time <= rr->last_time &&
	    rr->clock_back++ == 0) {
		char q[256];

		diag_warn(_("%s:%llu: expected a time after that of the sample before (line %llu), found %s: the clock went back or stood still; the rates of this sample are shown as 0"),
			  rr->name, (unsigned long long)reader_lineno(rr->r),
			  (unsigned long long)rr->last_t_line, parse_quote(line, n, q, sizeof(q)));
	}
	rr->t_line = reader_lineno(rr->r);
	cur->open = 1;
	uncount(rr);
	rr->nch = 0;
	rr->nblk_lines = 0;
	if (rr->blocks)
		rec_blocks_begin(rr->blocks);
	return 0;
}

/* "m NAME BYTES ...": the system's counters at the sample, by /proc/meminfo's names;
 * names this reader does not know are skipped. Returns 0, or -1 with err. */
static int mem_line(struct recording_reader *rr, struct sample_lines *cur, const char *line,
		    size_t n, struct pt_err *err)
{
	static const char *const names[] = { "MemTotal", "MemAvailable", "Slab", "PageTables" };
	uint64_t *const dst[] = { &cur->mem.total, &cur->mem.available, &cur->mem.slab,
				  &cur->mem.page_tables };
	const char *p = line + 1, *end = line + n;
	unsigned seen = 0;

	if (!cur->open)
		return bad(rr, _("\"m NAME BYTES...\" inside a sample"), line, n, err);
	memset(&cur->mem, 0, sizeof(cur->mem));
	while (p < end) {
		const char *k;
		uint64_t v;
		size_t kl;

		if (skip_sp(&p, end) < 0)
			break;
		k = p;
		while (p < end && *p != ' ')
			p++;
		kl = (size_t)(p - k);
		if (skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || (p < end && *p != ' '))
			return bad(rr, _("\"m NAME BYTES...\" inside a sample"), line, n, err);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (kl == strlen(names[i]) && memcmp(k, names[i], kl) == 0) {
				*dst[i] = v;
				seen |= 1u << i;
			}
	}
	if (p != end)
		return bad(rr, _("\"m NAME BYTES...\" inside a sample"), line, n, err);
	cur->mem.valid = (seen & 3) == 3;
	cur->si.mem = cur->mem.valid ? &cur->mem : NULL;
	return 0;
}

/* "n ID TEXT" between samples; "a PFN ..." and "d PFN" inside one (recording_blocks.h).
 * They count as changes of the sample ("e SEQ N"). Returns 0, or -1 with err. */
static int block_line(struct recording_reader *rr, const struct sample_lines *cur,
		      const char *line, size_t n, struct pt_err *err)
{
	const char *what, *why = NULL;

	if (rr->bytes)
		return bad_why(rr, _("a recording line (s, f, x, l, n, t, m, c, a, d, e, meta or end)"),
			       line, n, _("a recording of /proc/allocinfo has no blocks"), err);
	if (!rr->blocks)
		rr->blocks = rec_blocks_new();
	if (line[0] == 'n') {
		if (cur->open)
			return bad(rr, _("\"c ID COUNT\", \"a PFN ...\", \"d PFN\" or \"e SEQ N\""),
				   line, n, err);
		if (rec_blocks_text(rr->blocks, line, n, &what) < 0)
			return bad(rr, what, line, n, err);
		return 0;
	}
	if (!cur->open)
		return bad(rr, _("a block line (\"a PFN ...\", \"d PFN\") inside a sample"), line, n,
			   err);
	if (rec_blocks_line(rr->blocks, line, n, (uint32_t)(rr->nst ? rr->nst : 1), &what,
			    &why) < 0)
		return why ? bad_why(rr, what, line, n, why, err) : bad(rr, what, line, n, err);
	rr->nblk_lines++;
	return 0;
}

/* "e SEQ N": the sample is complete; it goes to the sink. Returns SRC_SAMPLE, or
 * SRC_ERROR with err. */
static enum src_status sample_end_line(struct source *src, struct recording_reader *rr,
				       struct sample_lines *cur, const char *line, size_t n,
				       const struct sink *sink, struct pt_err *err)
{
	const char *p = line + 1, *end = line + n;
	uint64_t id, v;

	if (!cur->open || skip_sp(&p, end) < 0 || read_u64(&p, end, &id) < 0 ||
	    skip_sp(&p, end) < 0 || read_u64(&p, end, &v) < 0 || p != end ||
	    id != cur->seq || v != rr->nch + rr->nblk_lines) {
		bad(rr, _("\"e SEQ N\" closing the sample with its N counts"), line, n, err);
		return SRC_ERROR;
	}
	apply_changes(rr);
	twins_join(rr);
	if (rr->blocks)
		rec_blocks_apply(rr->blocks);
	rr->last_seq = cur->seq;
	rr->last_time = cur->si.time;
	rr->last_abs = cur->si.time_abs;
	rr->last_t_line = rr->t_line;
	cur->si.seq = src->seq;
	if (feed(src, rr, &cur->si, sink, err) < 0)
		return SRC_ERROR;
	src->seq++;
	rr->samples++;
	return SRC_SAMPLE;
}

/* Reads lines up to the end of the next sample. A state machine over the line kinds;
 * each kind's line is read by its own function. */
static enum src_status rr_next(struct source *src, const struct sink *sink, int timeout_ms,
			       struct pt_err *err)
{
	struct recording_reader *rr = src->priv;
	struct sample_lines cur = { 0 };

	(void)timeout_ms;
	if (rr->ended)
		return SRC_END;
	for (;;) {
		const char *line;
		size_t n;
		enum line_read k = rr_line(rr, &line, &n, err);

		if (k == RL_ERR)
			return torn_read(rr, err);
		if (k == RL_EOF || k == RL_TORN) {
			if (cur.open || k == RL_TORN)
				torn(rr, _("the last sample is cut short (the recording was interrupted)"));
			else
				torn(rr, _("the recording has no end line (it was interrupted)"));
			return rr_end(rr);
		}
		if (n == 0 || line[0] == '#')
			continue;
		if (n >= 3 && memcmp(line, "end", 3) == 0 && (n == 3 || line[3] == ' '))
			return end_line(rr, &cur, line, n, err);
		switch (line[0]) {
		case 'c':
			if (count_line(rr, &cur, line, n, err) < 0)
				return SRC_ERROR;
			continue;
		case 'n':
		case 'a':
		case 'd':
			if (n < 2 || line[1] != ' ')
				break;
			if (block_line(rr, &cur, line, n, err) < 0)
				return SRC_ERROR;
			continue;
		case 'x':
			if (cur.open || n < 2 || line[1] != ' ')
				break;
			switch (do_carried(rr, line, n, err)) {
			case -1:
				return SRC_ERROR;
			case -2:
				return torn_read(rr, err);
			case 0:
				torn(rr, _("the last sample is cut short (the recording was interrupted)"));
				return rr_end(rr);
			default:
				continue;
			}
		case 's':
			if (cur.open) {
				bad(rr, _("\"c ID COUNT\" or \"e SEQ N\""), line, n, err);
				return SRC_ERROR;
			}
			switch (do_stack(rr, line, n, err)) {
			case -1:
				return SRC_ERROR;
			case -2:
				return torn_read(rr, err);
			case 0:
				torn(rr, _("the last sample is cut short (the recording was interrupted)"));
				return rr_end(rr);
			default:
				continue;
			}
		case 't':
			if (time_line(rr, &cur, line, n, err) < 0)
				return SRC_ERROR;
			continue;
		case 'm':
			if (n > 1 && line[1] == ' ') {
				if (mem_line(rr, &cur, line, n, err) < 0)
					return SRC_ERROR;
				continue;
			}
			if (n > 5 && memcmp(line, "meta ", 5) == 0 && !cur.open) {
				if (do_meta(rr, line, n, err) < 0)
					return SRC_ERROR;
				continue;
			}
			break;
		case 'e':
			return sample_end_line(src, rr, &cur, line, n, sink, err);
		default:
			break;
		}
		bad(rr, _("a recording line (s, f, x, l, n, t, m, c, a, d, e, meta or end)"), line, n, err);
		return SRC_ERROR;
	}
}

static double rr_stalled(const struct source *s)
{
	(void)s;
	return 0;
}

static int rr_fd(const struct source *s)
{
	(void)s;
	return -1;
}

static void rr_close(struct source *s)
{
	struct recording_reader *rr = s->priv;

	if (!rr)
		return;
	reader_close(rr->r);
	xhuge_free(rr->st, rr->cst * sizeof(*rr->st));
	strtab_free(rr->frames);
	free(rr->ftext);
	free(rr->fmode);
	xhuge_free(rr->keys, rr->ckeys * sizeof(*rr->keys));
	xhuge_free(rr->byhandle.slots, rr->byhandle.nslots * sizeof(*rr->byhandle.slots));
	xhuge_free(rr->byhash.slots, rr->byhash.nslots * sizeof(*rr->byhash.slots));
	free(rr->unjoined);
	free(rr->nonzero);
	free(rr->ch);
	free(rr->counted);
	free(rr->name);
	free(rr->kind_src);
	free(rr->iface);
	free(rr->unit);
	free(rr->release);
	free(rr->build_id);
	free(rr->hostname);
	for (size_t i = 0; i < rr->nmids; i++)
		free(rr->mids[i]);
	free(rr->mids);
	free(rr->pending);
	free(rr->cobj);
	rec_blocks_free(rr->blocks);
	free(rr);
	s->priv = NULL;
}

static const struct source_impl recording_impl = {
	.kind = "recording",
	.next = rr_next,
	.stalled = rr_stalled,
	.fd = rr_fd,
	.close = rr_close,
};

int source_open_recording_reader(struct source *s, struct reader *r,
				 const struct source_opts *o, struct pt_err *err)
{
	struct recording_reader *rr = xcalloc(1, sizeof(*rr));
	const char *line, *p, *end;
	size_t n, ml = strlen(RECORDING_MAGIC);
	uint64_t version;
	int rc;

	rr->r = r;
	rr->byhandle.by_handle = 1;
	rr->boot_time = -1;
	rr->name = xstrdup(reader_name(r));
	rr->frames = strtab_new();
	rr->keyspace = keyspace_new();
	rr->page_size_opt = o ? o->page_size : 0;
	s->priv = rr;
	s->impl = &recording_impl;
	rc = reader_line(r, &line, &n, err);
	if (rc < 0)
		goto fail;
	if (rc == 0 || n < ml || memcmp(line, RECORDING_MAGIC, ml) != 0) {
		pt_err_set(err, _("%s: expected a pagetop recording (\"%s N\" on the first line)"),
			   rr->name, RECORDING_MAGIC);
		goto fail;
	}
	p = line + ml;
	end = line + n;
	if (skip_sp(&p, end) < 0 || read_u64(&p, end, &version) < 0) {
		bad(rr, _("\"#pagetop-recording VERSION\""), line, n, err);
		goto fail;
	}
	if (version < RECORDING_VERSION_MIN || version > RECORDING_VERSION) {
		pt_err_set(err, _("%s: recording format version %llu; this pagetop reads versions %d to %d"),
			   rr->name, (unsigned long long)version, RECORDING_VERSION_MIN,
			   RECORDING_VERSION);
		goto fail;
	}
	/* The header: meta lines up to the first stack or sample, so the meta is known
	 * before the first sample is asked for. */
	for (;;) {
		enum line_read k = rr_line(rr, &line, &n, err);

		if (k == RL_ERR)
			goto fail;
		if (k != RL_LINE)
			break; /* an empty or torn recording: next() says so */
		if (n == 0 || line[0] == '#')
			continue;
		if (n > 5 && memcmp(line, "meta ", 5) == 0) {
			if (do_meta(rr, line, n, err) < 0)
				goto fail;
			continue;
		}
		rr->pending = xstrndup(line, n);
		rr->pending_len = n;
		rr->have_pending = 1;
		break;
	}
	rr_fill_meta(s, rr);
	rr->meta_changed = 0;
	return 0;

fail:
	rr_close(s);
	s->impl = NULL;
	return -1;
}

int source_open_recording(struct source *s, const char *path, const struct source_opts *o,
			  struct pt_err *err)
{
	struct reader *r;

	if (reader_open_path(&r, path, err) < 0)
		return -1;
	return source_open_recording_reader(s, r, o, err);
}
