/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_pprof.c - a sample, or a diff, as a pprof profile (doc/formats.md): the
 * protocol buffer of pprof's profile.proto, gzip-compressed, for `go tool pprof`.
 *
 * Only writing is needed, of seven message types, so the encoder is here (varints and
 * length-delimited fields, doc/design.md says why not a library): a message is built in
 * its own buffer, then appended to its parent with its length.
 *
 * A sample per stack, its frames as locations (the innermost first, as pprof wants), a
 * location per frame text; a location's lines are the frame's function, or with debug
 * info its source lines: the innermost inlined function first, the function the code
 * belongs to last, as the symbols give them (symbols.h).
 *
 * Of /proc/allocinfo: bytes and calls per sample, a location per call site with its
 * function, file and line from the call site's own text. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "frame.h"
#include "output_int.h"

/* ---- the encoder ---- */

struct pb {
	uint8_t *p;
	size_t n, cap;
};

enum { PB_VARINT = 0, PB_LEN = 2 };

static void pb_put(struct pb *b, const void *p, size_t n)
{
	if (b->cap - b->n < n) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap - b->n < n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	pb_put(b, t, n);
}

/* A varint field; proto3 leaves out zeros. Negative int64s are ten bytes, as protobuf
 * encodes them. */
static void pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_varint(b, (uint64_t)field << 3 | PB_VARINT);
	pb_varint(b, v);
}

static void pb_int(struct pb *b, unsigned field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}

static void pb_bytes(struct pb *b, unsigned field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | PB_LEN);
	pb_varint(b, n);
	pb_put(b, p, n);
}

/* Appends the message sub as field, and empties sub for the next one. */
static void pb_msg(struct pb *b, unsigned field, struct pb *sub)
{
	pb_bytes(b, field, sub->p, sub->n);
	sub->n = 0;
}

/* ---- profile.proto's field numbers ---- */

enum { PROF_SAMPLE_TYPE = 1, PROF_SAMPLE, PROF_MAPPING, PROF_LOCATION, PROF_FUNCTION,
       PROF_STRING, PROF_TIME_NANOS = 9, PROF_PERIOD_TYPE = 11, PROF_PERIOD,
       PROF_COMMENT, PROF_DEFAULT_SAMPLE_TYPE };
enum { VT_TYPE = 1, VT_UNIT };
enum { SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE, SAMPLE_LABEL };
enum { LABEL_KEY = 1, LABEL_STR, LABEL_NUM, LABEL_NUM_UNIT };
enum { MAP_ID = 1, MAP_FILENAME = 5, MAP_BUILD_ID, MAP_HAS_FUNCTIONS, MAP_HAS_FILENAMES,
       MAP_HAS_LINE_NUMBERS, MAP_HAS_INLINE_FRAMES };
enum { LOC_ID = 1, LOC_MAPPING_ID, LOC_ADDRESS, LOC_LINE };
enum { LINE_FUNCTION_ID = 1, LINE_LINE };
enum { FUNC_ID = 1, FUNC_NAME, FUNC_SYSTEM_NAME, FUNC_FILENAME, FUNC_START_LINE };

/* ---- the profile being built ---- */

struct mapping {
	int lines, inlines;  /* some location of it has lines, inlined functions */
};

struct prof {
	struct pb out, tmp, sub;
	struct strtab *str;     /* the string table: ids are its indexes, "" first */
	struct strtab *locs;    /* frame texts: location id - 1 */
	struct strtab *funcs;   /* "name\0file": function id - 1 */
	struct strtab *maps;    /* object names: mapping id - 1 */
	struct mapping *map;
	struct symbols *sym;
	long page_size;
	/* the build ids the source knows (source_meta), NULL: none */
	const char *kernel_build_id;
	const char *const *module_build_ids;
	int nvalues;
	int bytes;              /* allocinfo: bytes (and calls), call sites as locations */
	struct esc_buf esc;
};

/* A string's index in the string table; the text escaped as the terminal output is,
 * since pprof prints it as it is. */
static int64_t prof_str(struct prof *p, const char *s, size_t n)
{
	char *tmp = xmalloc(n + 1);
	const char *e;
	int64_t id;

	memcpy(tmp, s, n);
	tmp[n] = 0;
	e = esc_str(&p->esc, tmp, 1);
	id = strtab_intern(p->str, e, strlen(e));
	free(tmp);
	return id;
}

static int64_t prof_cstr(struct prof *p, const char *s)
{
	return prof_str(p, s, strlen(s));
}

static void prof_value_type(struct prof *p, unsigned field, const char *type, const char *unit)
{
	pb_int(&p->sub, VT_TYPE, prof_cstr(p, type));
	pb_int(&p->sub, VT_UNIT, prof_cstr(p, unit));
	pb_msg(&p->out, field, &p->sub);
}

/* The function of that name and file (NULL: none): its id, written when new. */
static uint64_t prof_func(struct prof *p, const char *name, size_t n, const char *file)
{
	size_t fl = file ? strlen(file) : 0;
	char *key = xmalloc(n + fl + 2);
	uint32_t before = strtab_count(p->funcs), id;
	struct pb f = { NULL, 0, 0 };

	memcpy(key, name, n);
	key[n] = 0;
	memcpy(key + n + 1, file ? file : "", fl + 1);
	id = strtab_intern(p->funcs, key, n + fl + 1);
	free(key);
	if (id == before) {
		int64_t s = prof_str(p, name, n);

		pb_uint(&f, FUNC_ID, (uint64_t)id + 1);
		pb_int(&f, FUNC_NAME, s);
		pb_int(&f, FUNC_SYSTEM_NAME, s);
		if (file)
			pb_int(&f, FUNC_FILENAME, prof_cstr(p, file));
		pb_msg(&p->tmp, PROF_FUNCTION, &f);
		free(f.p);
	}
	return (uint64_t)id + 1;
}

/* The mapping of an object ("vmlinux" or a module's name): its id. */
static uint64_t prof_map(struct prof *p, const char *obj, size_t n)
{
	uint32_t before = strtab_count(p->maps), id = strtab_intern(p->maps, obj, n);

	if (id == before) {
		p->map = xreallocarray(p->map, (size_t)id + 1, sizeof(*p->map));
		memset(&p->map[id], 0, sizeof(*p->map));
	}
	return (uint64_t)id + 1;
}

/* A call site "FILE:LINE [module] func:NAME" as a location: its mapping (the module,
 * or vmlinux) and one line, the function in FILE at LINE. 0, or -1 when f is no site. */
static int site_loc(struct prof *p, const char *f, size_t len, struct pb *loc, struct pb *line)
{
	const char *sp = memchr(f, ' ', len), *end = f + len, *colon, *fn, *mod = NULL;
	size_t modn = 0;
	int64_t ln = 0;
	uint64_t map;
	char *file;

	if (!sp)
		return -1;
	colon = memrchr(f, ':', (size_t)(sp - f));
	fn = memmem(sp, (size_t)(end - sp), " func:", 6);
	if (!colon || !fn)
		return -1;
	for (const char *c = colon + 1; c < sp; c++) {
		if (*c < '0' || *c > '9' || ln > 100000000)
			return -1;
		ln = ln * 10 + (*c - '0');
	}
	if (sp + 2 < fn && sp[1] == '[' && fn[-1] == ']') {
		mod = sp + 2;
		modn = (size_t)(fn - 1 - mod);
	}
	fn += 6;
	map = mod ? prof_map(p, mod, modn) : prof_map(p, "vmlinux", 7);
	p->map[map - 1].lines = 1;
	pb_uint(loc, LOC_MAPPING_ID, map);
	file = xmalloc((size_t)(colon - f) + 1);
	memcpy(file, f, (size_t)(colon - f));
	file[colon - f] = 0;
	pb_uint(line, LINE_FUNCTION_ID, prof_func(p, fn, (size_t)(end - fn), file));
	pb_int(line, LINE_LINE, ln);
	pb_msg(loc, LOC_LINE, line);
	free(file);
	return 0;
}

/* The location of a frame text: its id, written when new. */
static uint64_t prof_loc(struct prof *p, const char *f, size_t len)
{
	uint32_t before = strtab_count(p->locs), id = strtab_intern(p->locs, f, len);
	const struct sym_result *r;
	struct frame_parts fp;
	struct pb loc = { NULL, 0, 0 }, line = { NULL, 0, 0 };
	uint64_t map = 0;

	if (id != before)
		return (uint64_t)id + 1;
	pb_uint(&loc, LOC_ID, (uint64_t)id + 1);
	if (p->bytes && site_loc(p, f, len, &loc, &line) == 0) {
		pb_msg(&p->tmp, PROF_LOCATION, &loc);
		free(loc.p);
		free(line.p);
		return (uint64_t)id + 1;
	}
	r = p->sym && !p->bytes ? symbols_lookup(p->sym, f, len) : NULL;
	if (!p->bytes && frame_split(f, len, &fp) == 0) {
		if (fp.is_addr) {
			pb_uint(&loc, LOC_ADDRESS, fp.addr);
		} else {
			uint32_t ml = frame_module_name_len(&fp);

			map = fp.module ? prof_map(p, fp.module, ml) : prof_map(p, "vmlinux", 7);
			pb_uint(&loc, LOC_MAPPING_ID, map);
			/* the offset in the function: pprof takes locations with the same
			 * address and function for one, and call sites differ */
			pb_uint(&loc, LOC_ADDRESS, fp.off);
		}
	}
	if (r && r->status == SYM_OK && r->nframes) {
		for (unsigned i = 0; i < r->nframes; i++) {
			const struct sym_frame *s = &r->frames[i];
			const char *fn = s->function ? s->function : "??";

			pb_uint(&line, LINE_FUNCTION_ID,
				prof_func(p, fn, strlen(fn), s->file));
			pb_int(&line, LINE_LINE, s->line);
			pb_msg(&loc, LOC_LINE, &line);
		}
		if (map) {
			p->map[map - 1].lines = 1;
			p->map[map - 1].inlines |= r->nframes > 1;
		}
	} else {
		/* the frame without its offsets: "name [module]", or the text itself */
		char tmp[FRAME_MAX + 80];
		size_t n = frame_strip(f, len, tmp, sizeof(tmp));

		pb_uint(&line, LINE_FUNCTION_ID, prof_func(p, tmp, n, NULL));
		pb_msg(&loc, LOC_LINE, &line);
	}
	pb_msg(&p->tmp, PROF_LOCATION, &loc);
	free(loc.p);
	free(line.p);
	return (uint64_t)id + 1;
}

/* What a sample's values are: PV_PAGES pages and bytes, PV_ALLOCS allocations, PV_BYTES
 * allocinfo's bytes and calls, PV_BYTES_ONLY its bytes (a diff). */
enum { PV_ALLOCS, PV_PAGES, PV_BYTES, PV_BYTES_ONLY };

static void prof_init(struct prof *p, long page_size, struct symbols *sym, int values)
{
	int pages = values == PV_PAGES;

	memset(p, 0, sizeof(*p));
	p->str = strtab_new();
	p->locs = strtab_new();
	p->funcs = strtab_new();
	p->maps = strtab_new();
	p->page_size = page_size;
	p->sym = sym;
	strtab_intern(p->str, "", 0);
	p->nvalues = pages || values == PV_BYTES ? 2 : 1;
	p->bytes = values == PV_BYTES || values == PV_BYTES_ONLY;
	if (p->bytes) {
		prof_value_type(p, PROF_SAMPLE_TYPE, "bytes", "bytes");
		if (values == PV_BYTES)
			prof_value_type(p, PROF_SAMPLE_TYPE, "calls", "count");
		prof_value_type(p, PROF_PERIOD_TYPE, "bytes", "bytes");
	} else if (pages) {
		prof_value_type(p, PROF_SAMPLE_TYPE, "pages", "count");
		prof_value_type(p, PROF_SAMPLE_TYPE, "bytes", "bytes");
		prof_value_type(p, PROF_PERIOD_TYPE, "pages", "count");
	} else {
		prof_value_type(p, PROF_SAMPLE_TYPE, "allocations", "count");
		prof_value_type(p, PROF_PERIOD_TYPE, "allocations", "count");
	}
	pb_int(&p->out, PROF_PERIOD, 1);
}

static void prof_label_num(struct prof *p, struct pb *s, const char *key, int64_t v,
			   const char *unit)
{
	struct pb l = { NULL, 0, 0 };

	pb_int(&l, LABEL_KEY, prof_cstr(p, key));
	pb_int(&l, LABEL_NUM, v);
	pb_int(&l, LABEL_NUM_UNIT, prof_cstr(p, unit));
	pb_msg(s, SAMPLE_LABEL, &l);
	free(l.p);
}

static void prof_label_str(struct prof *p, struct pb *s, const char *key, const char *v)
{
	struct pb l = { NULL, 0, 0 };

	pb_int(&l, LABEL_KEY, prof_cstr(p, key));
	pb_int(&l, LABEL_STR, prof_cstr(p, v));
	pb_msg(s, SAMPLE_LABEL, &l);
	free(l.p);
}

/* A sample: the stack's frames (or, without frames, a location named by its label),
 * its count in pages (and bytes) or allocations; labels: the caller (the stack's label),
 * its kind when not a plain stack, and the counter c's changes and peak when given. */
static void prof_sample(struct prof *p, const struct model *m, const struct stack *st,
			const char *label, int64_t count, const struct counter *c)
{
	struct pb s = { NULL, 0, 0 }, ids = { NULL, 0, 0 };
	static const char *const kinds[] = { NULL, "dummy", "failure", "early" };
	const char *unit = p->bytes ? "bytes" : p->nvalues == 2 ? "pages" : "count";

	for (unsigned k = 0; st && k < st->nframes; k++) {
		const char *f = model_frame(m, st->frames[k]);

		pb_varint(&ids, prof_loc(p, f, strlen(f)));
	}
	if (!st || !st->nframes)
		pb_varint(&ids, prof_loc(p, label, strlen(label)));
	pb_bytes(&s, SAMPLE_LOCATION_ID, ids.p, ids.n);
	ids.n = 0;
	pb_varint(&ids, (uint64_t)count);
	if (p->nvalues == 2 && p->bytes)
		pb_varint(&ids, (uint64_t)(c ? c->calls : 0));
	else if (p->nvalues == 2)
		pb_varint(&ids, (uint64_t)sat_mul(count, p->page_size));
	pb_bytes(&s, SAMPLE_VALUE, ids.p, ids.n);
	{
		char *caller = xmalloc(strlen(label) + 1);

		/* without the module's build id: one caller on two builds */
		frame_label_strip(label, strlen(label), caller, strlen(label) + 1);
		prof_label_str(p, &s, "caller", caller);
		free(caller);
	}
	if (st && st->kind < ARRAY_SIZE(kinds) && kinds[st->kind])
		prof_label_str(p, &s, "kind", kinds[st->kind]);
	if (c) {
		prof_label_num(p, &s, "delta", c->delta, unit);
		prof_label_num(p, &s, "delta_base", c->delta_base, unit);
		prof_label_num(p, &s, "peak", c->peak, unit);
	}
	pb_msg(&p->out, PROF_SAMPLE, &s);
	free(s.p);
	free(ids.p);
}

/* The mappings, the string table, then all of it gzip-compressed to fp. */
static void prof_finish(struct prof *p, FILE *fp)
{
	const char *const *ids = p->module_build_ids;
	z_stream z;
	uint8_t buf[16384];
	int zr;

	for (uint32_t i = 0; i < strtab_count(p->maps); i++) {
		const char *name = strtab_str(p->maps, i);
		/* brackets, as the kernel writes modules: pprof then does not look for the
		 * object as a file to symbolize */
		char *file = xasprintf("[%s]", name);
		const char *build = NULL;

		if (strcmp(name, "vmlinux") == 0)
			build = p->kernel_build_id;
		for (size_t k = 0; !build && ids && ids[k]; k++) {
			size_t nl = strlen(name);

			if (strncmp(ids[k], name, nl) == 0 && ids[k][nl] == ' ')
				build = ids[k] + nl + 1;
		}
		pb_uint(&p->sub, MAP_ID, i + 1);
		pb_int(&p->sub, MAP_FILENAME, prof_cstr(p, file));
		if (build)
			pb_int(&p->sub, MAP_BUILD_ID, prof_cstr(p, build));
		pb_uint(&p->sub, MAP_HAS_FUNCTIONS, 1);
		pb_uint(&p->sub, MAP_HAS_FILENAMES, p->map[i].lines);
		pb_uint(&p->sub, MAP_HAS_LINE_NUMBERS, p->map[i].lines);
		pb_uint(&p->sub, MAP_HAS_INLINE_FRAMES, p->map[i].inlines);
		pb_msg(&p->out, PROF_MAPPING, &p->sub);
		free(file);
	}
	pb_put(&p->out, p->tmp.p, p->tmp.n);
	for (uint32_t i = 0; i < strtab_count(p->str); i++)
		pb_bytes(&p->out, PROF_STRING, strtab_str(p->str, i), strtab_len(p->str, i));

	memset(&z, 0, sizeof(z));
	/* 16 + 15: a gzip header around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		die("%s", _("out of memory"));
	z.next_in = p->out.p;
	z.avail_in = (uInt)p->out.n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = deflate(&z, Z_FINISH);
		fwrite(buf, 1, sizeof(buf) - z.avail_out, fp);
	} while (zr == Z_OK);
	deflateEnd(&z);

	strtab_free(p->str);
	strtab_free(p->locs);
	strtab_free(p->funcs);
	strtab_free(p->maps);
	free(p->map);
	free(p->out.p);
	free(p->tmp.p);
	free(p->sub.p);
	free(p->esc.p);
}

void output_pprof_sample(FILE *fp, const struct model *m, const struct view *v,
			 const struct out_opts *o, size_t n)
{
	const struct source_meta *meta = model_meta(m);
	struct prof p;
	char comment[512];

	prof_init(&p, model_page_size(m), o->sym,
		  output_is_bytes(m) ? PV_BYTES : output_is_pages(m) ? PV_PAGES : PV_ALLOCS);
	p.kernel_build_id = meta->kernel_build_id;
	p.module_build_ids = meta->module_build_ids;
	if (p.nvalues == 2)
		pb_int(&p.out, PROF_DEFAULT_SAMPLE_TYPE, prof_cstr(&p, p.bytes ? "bytes" : "pages"));
	if (model_time_abs(m))
		pb_int(&p.out, PROF_TIME_NANOS, (int64_t)(model_sample_time(m) * 1e9));
	snprintf(comment, sizeof(comment), "pagetop: %s %s, sample %u", meta->kind,
		 meta->name, model_nsamples(m) - 1);
	pb_int(&p.out, PROF_COMMENT, prof_cstr(&p, comment));
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &v->rows[i];

		if (r->s->now <= 0)
			continue;
		prof_sample(&p, m, r->stack, model_label(m, r->stack ? r->stack->label : r->label),
			    r->s->now, r->s);
	}
	prof_finish(&p, fp);
}

void output_pprof_diff(FILE *fp, const struct diff_report *r)
{
	struct prof p;
	char comment[1024];

	if (r->sym && !r->bytes) {
		for (size_t i = 0; i < r->nrows; i++) {
			const struct model *m;
			const struct stack *st = diff_row_stack(r, r->rows[i], &m);

			for (unsigned k = 0; st && k < st->nframes; k++) {
				const char *f = model_frame(m, st->frames[k]);

				symbols_request(r->sym, f, strlen(f));
			}
		}
		symbols_wait(r->sym);
	}
	/* the sides' build ids are gone with their sources */
	prof_init(&p, r->page_size, r->sym,
		  r->bytes ? PV_BYTES_ONLY : r->pages ? PV_PAGES : PV_ALLOCS);
	if (p.nvalues == 2)
		pb_int(&p.out, PROF_DEFAULT_SAMPLE_TYPE, prof_cstr(&p, "pages"));
	snprintf(comment, sizeof(comment), "pagetop diff: %s %s sample %u -> %s %s sample %u",
		 r->in[0].kind, r->in[0].name, r->in[0].sample, r->in[1].kind, r->in[1].name,
		 r->in[1].sample);
	pb_int(&p.out, PROF_COMMENT, prof_cstr(&p, comment));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct diff_row *e = r->rows[i];
		const struct model *m;
		const struct stack *st = diff_row_stack(r, e, &m);

		if (e->b == e->a)
			continue;
		prof_sample(&p, m, st, diff_row_label(r, e), e->b - e->a, NULL);
	}
	prof_finish(&p, fp);
}
