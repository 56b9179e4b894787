/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_dw.c - the libdw session: objects, symbol tables, lines and inlined frames.
 *
 * Only the service's thread calls in here (libdw is not promised to be thread-safe);
 * the object table is also read by other threads, under the lock the service passes.
 *
 * Each object (vmlinux, a module) gets its own offline Dwfl, so that a module's sections
 * are placed exactly where `eu-addr2line -e module.ko` places them. Frames are resolved
 * by name and offset, never by a remembered address. The answer for an address follows
 * eu-addr2line -f -i step by step: the line from dwfl_module_getsrc(), then the DIEs
 * containing the address, innermost first, and for each inlined instance its caller and
 * DW_AT_call_file/line/column. Two things are done differently, for speed and for
 * objects without .debug_aranges: the compilation unit is found by walking the units'
 * ranges when libdw's lookup fails (clang leaves aranges out), and the functions of a
 * unit are indexed once, so an address does not walk the whole unit (the kernel's are
 * large). */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frame.h"
#include "host.h"
#include "symbols_int.h"

/* ---- the pool ---- */

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct sym_pool {
	struct pool_chunk *head;
	const char **slots;   /* interned strings, open addressing */
	uint64_t *hashes;
	size_t nslots, n;
};

struct sym_pool *sym_pool_new(void)
{
	struct sym_pool *p = xcalloc(1, sizeof(*p));

	p->nslots = 1024;
	p->slots = xcalloc(p->nslots, sizeof(*p->slots));
	p->hashes = xcalloc(p->nslots, sizeof(*p->hashes));
	return p;
}

void sym_pool_free(struct sym_pool *p)
{
	if (!p)
		return;
	while (p->head) {
		struct pool_chunk *c = p->head;

		p->head = c->next;
		free(c);
	}
	free(p->slots);
	free(p->hashes);
	free(p);
}

void *sym_pool_alloc(struct sym_pool *p, size_t n)
{
	struct pool_chunk *c = p->head;
	void *r;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 60000 ? n : 60000;

		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = p->head;
		p->head = c;
	}
	r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

static void pool_grow(struct sym_pool *p)
{
	size_t ns = p->nslots * 2;
	const char **slots = xcalloc(ns, sizeof(*slots));
	uint64_t *hashes = xcalloc(ns, sizeof(*hashes));

	for (size_t i = 0; i < p->nslots; i++) {
		size_t j;

		if (!p->slots[i])
			continue;
		j = p->hashes[i] & (ns - 1);
		while (slots[j])
			j = (j + 1) & (ns - 1);
		slots[j] = p->slots[i];
		hashes[j] = p->hashes[i];
	}
	free(p->slots);
	free(p->hashes);
	p->slots = slots;
	p->hashes = hashes;
	p->nslots = ns;
}

const char *sym_pool_str(struct sym_pool *p, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len, 7);
	size_t j = h & (p->nslots - 1);
	char *r;

	while (p->slots[j]) {
		if (p->hashes[j] == h && strncmp(p->slots[j], s, len) == 0 &&
		    p->slots[j][len] == '\0')
			return p->slots[j];
		j = (j + 1) & (p->nslots - 1);
	}
	r = sym_pool_alloc(p, len + 1);
	memcpy(r, s, len);
	r[len] = '\0';
	p->slots[j] = r;
	p->hashes[j] = h;
	if (++p->n * 2 > p->nslots)
		pool_grow(p);
	return r;
}

/* ---- objects ---- */

/* A function symbol of an object's symbol table. */
struct elf_symbol {
	const char *name;     /* in libelf's string table: lives as long as the Dwfl */
	const char *secname;
	uint64_t addr;        /* in the offline layout */
	uint64_t size;        /* ELF st_size */
	uint64_t dist;        /* to the next symbol of the section, or to its end */
	uint64_t secoff;      /* offset in the section */
	uint32_t shndx;
	uint32_t stripped_len; /* name length without a .llvm.NNN suffix */
};

/* An address range [lo, hi) of the DIE at off, the order-th in DIE order. */
struct die_range {
	uint64_t lo, hi;
	Dwarf_Off off;
	uint32_t order;
};

struct range_table {       /* ranges with their DIEs; lookups find the first DIE */
	struct die_range *r;
	uint64_t *maxhi;      /* prefix maxima of hi, for overlapping ranges */
	size_t n, cap;
};

/* A compilation unit's functions (its top-level DIEs), indexed once by address. */
struct unit_index {
	Dwarf_Off cuoff;
	struct range_table top;    /* the unit's top-level DIEs that have addresses */
};

/* An object file (vmlinux or a module) and its own offline Dwfl. */
struct dw_object {
	struct sym_object info; /* under db->lock */
	int tried, usable, is_rel;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr dwbias;
	struct elf_symbol *syms; /* executable symbols, sorted by name then address */
	size_t nsyms;
	struct elf_symbol **llvm; /* those with a .llvm.NNN suffix, by stripped name */
	size_t nllvm;
	struct unit_index **cus; /* open addressing on the unit's offset */
	size_t ncus, capcus;
	struct range_table units;   /* unit ranges, when libdw's own lookup fails */
	int units_built;
	struct addrname {      /* dwfl_module_addrname() scans every symbol: remembered */
		uint64_t addr;
		const char *name;
	} *names;
	size_t nnames, capnames;
};

#define MAX_SCOPES 64

/* The answer for an address, before it is copied to the pool: pointers into libdw's
 * data. Its frames: the function at the address, then each inlined instance's caller. */
struct answer_frame {
	const char *function, *file;
	unsigned line, column;
};

struct answer {
	struct answer_frame f[MAX_SCOPES + 1];
	unsigned n;
	const char *comp_dir;
	int has_line;
};

struct srcfile {
	char *key;             /* the DWARF path */
	char *data;            /* NULL: not found */
	size_t len;
	uint32_t *lines;       /* offsets of line starts */
	uint32_t nlines;
};

struct symdb {
	struct symbols_opts o;
	char **strs;           /* copies of the option strings */
	size_t nstrs;
	/* the option lists, copied (o's point to them) */
	const char **module_dirs, **source_dirs, **source_maps;
	struct symbols_modid *module_ids;
	pthread_mutex_t *lock;
	struct dw_object **objs;
	size_t nobjs;
	struct symfile_modules *modules;
	char loading[80];
	struct srcfile **src;  /* open addressing on the DWARF path */
	size_t nsrc, capsrc;
	char *debuginfo_path;
	Dwfl_Callbacks cb;
	struct answer *answer;  /* scratch (large): the first fitting symbol's */
	struct answer *other_answer; /* and another's, to compare */
};

static const char *keep(struct symdb *db, const char *s)
{
	if (!s)
		return NULL;
	db->strs = xreallocarray(db->strs, db->nstrs + 1, sizeof(*db->strs));
	db->strs[db->nstrs] = xstrdup(s);
	return db->strs[db->nstrs++];
}

static const char *keep_owned(struct symdb *db, char *s)
{
	db->strs = xreallocarray(db->strs, db->nstrs + 1, sizeof(*db->strs));
	db->strs[db->nstrs] = s;
	return db->strs[db->nstrs++];
}

static const char **keep_list(struct symdb *db, const char *const *v, size_t n)
{
	const char **r = xcalloc(n + 1, sizeof(*r));

	for (size_t i = 0; i < n; i++)
		r[i] = keep(db, v[i]);
	return r;
}

/* The root of the distribution paths, for find_debuginfo() (no user data reaches it
 * before the module exists). */
static _Thread_local const char *tls_root;

/* Separate debug files by build id only (/usr/lib/debug/.build-id/xx/yyyy.debug):
 * libdw's standard search may ask debuginfod servers, which pagetop never does. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	char path[4096];
	const char *root = tls_root;
	int n, fd, len;

	(void)userdata; (void)modname; (void)base; (void)file_name;
	(void)debuglink_file; (void)debuglink_crc;
	n = dwfl_module_build_id(mod, &bits, &vaddr);
	if (n < 2)
		return -1;
	len = snprintf(path, sizeof(path), "%s/usr/lib/debug/.build-id/%02x/", root ? root : "",
		       bits[0]);
	for (int i = 1; i < n && len < (int)sizeof(path) - 8; i++)
		len += snprintf(path + len, sizeof(path) - (size_t)len, "%02x", bits[i]);
	snprintf(path + len, sizeof(path) - (size_t)len, ".debug");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*debuginfo_file_name = strdup(path);
	return fd;
}

struct symdb *symdb_new(const struct symbols_opts *o, pthread_mutex_t *lock)
{
	struct symdb *db = xcalloc(1, sizeof(*db));
	const char *dirs[64];
	size_t nd = 0;

	db->lock = lock;
	db->o = *o;
	db->o.vmlinux = keep(db, o->vmlinux);
	db->o.release = keep(db, o->release);
	db->o.vmlinux_build_id = keep(db, o->vmlinux_build_id);
	db->o.sysfs = keep(db, o->sysfs ? o->sysfs : "/sys");
	db->o.root = keep(db, o->root ? o->root : "");
	db->module_dirs = keep_list(db, o->module_dirs, o->nmodule_dirs);
	db->o.module_dirs = db->module_dirs;
	db->source_dirs = keep_list(db, o->source_dirs, o->nsource_dirs);
	db->o.source_dirs = db->source_dirs;
	db->source_maps = keep_list(db, o->source_maps, o->nsource_maps);
	db->o.source_maps = db->source_maps;
	db->module_ids = xcalloc(o->nmodule_ids + 1, sizeof(*db->module_ids));
	for (size_t i = 0; i < o->nmodule_ids; i++) {
		db->module_ids[i].name = keep(db, o->module_ids[i].name);
		db->module_ids[i].hex = keep(db, o->module_ids[i].hex);
	}
	db->o.module_ids = db->module_ids;

	for (size_t i = 0; i < o->nmodule_dirs && nd < ARRAY_SIZE(dirs) - 2; i++)
		dirs[nd++] = db->module_dirs[i];
	if (db->o.release && release_ok(db->o.release, strlen(db->o.release))) {
		dirs[nd++] = keep_owned(db, xasprintf("%s/usr/lib/debug/lib/modules/%s",
						      db->o.root, db->o.release));
		dirs[nd++] = keep_owned(db, xasprintf("%s/lib/modules/%s", db->o.root,
						      db->o.release));
	}
	db->modules = symfile_modules_new(dirs, nd, o->walk_max);

	db->cb.find_elf = dwfl_build_id_find_elf;
	db->cb.find_debuginfo = find_debuginfo;
	db->cb.section_address = dwfl_offline_section_address;
	db->cb.debuginfo_path = &db->debuginfo_path;
	db->answer = xmalloc(sizeof(*db->answer));
	db->other_answer = xmalloc(sizeof(*db->other_answer));
	return db;
}

static void ranges_free(struct range_table *t)
{
	free(t->r);
	free(t->maxhi);
}

static void obj_free(struct dw_object *o)
{
	if (o->dwfl)
		dwfl_end(o->dwfl);
	free(o->syms);
	free(o->llvm);
	for (size_t i = 0; i < o->capcus; i++)
		if (o->cus[i]) {
			ranges_free(&o->cus[i]->top);
			free(o->cus[i]);
		}
	free(o->cus);
	free(o->names);
	ranges_free(&o->units);
	free(o);
}

void symdb_free(struct symdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nobjs; i++)
		obj_free(db->objs[i]);
	free(db->objs);
	for (size_t i = 0; i < db->capsrc; i++)
		if (db->src[i]) {
			free(db->src[i]->key);
			free(db->src[i]->data);
			free(db->src[i]->lines);
			free(db->src[i]);
		}
	free(db->src);
	symfile_modules_free(db->modules);
	for (size_t i = 0; i < db->nstrs; i++)
		free(db->strs[i]);
	free(db->strs);
	free(db->module_dirs);
	free(db->source_dirs);
	free(db->source_maps);
	free(db->module_ids);
	free(db->answer);
	free(db->other_answer);
	free(db);
}

const char *symdb_release(const struct symdb *db)
{
	return db->o.release;
}

const char *symdb_root(const struct symdb *db)
{
	return db->o.root;
}

size_t symdb_objects(struct symdb *db, struct sym_object **out)
{
	size_t n;

	pthread_mutex_lock(db->lock);
	n = db->nobjs;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++)
		(*out)[i] = db->objs[i]->info;
	pthread_mutex_unlock(db->lock);
	return n;
}

void symdb_loading(struct symdb *db, char *buf, size_t n)
{
	pthread_mutex_lock(db->lock);
	snprintf(buf, n, "%s", db->loading);
	pthread_mutex_unlock(db->lock);
}

static void set_loading(struct symdb *db, const char *name)
{
	pthread_mutex_lock(db->lock);
	snprintf(db->loading, sizeof(db->loading), "%s", name ? name : "");
	pthread_mutex_unlock(db->lock);
}

/* Takes the lock. */
static void set_state(struct symdb *db, struct dw_object *o, enum sym_obj_state st,
		      const char *path, const char *reason)
{
	pthread_mutex_lock(db->lock);
	o->info.state = st;
	if (path)
		snprintf(o->info.path, sizeof(o->info.path), "%s", path);
	snprintf(o->info.reason, sizeof(o->info.reason), "%s", reason ? reason : "");
	pthread_mutex_unlock(db->lock);
}

static void normalize_name(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

/* The build id the kernel has for this object ("" when unknown). */
static void expected_id(struct symdb *db, const char *name, int vmlinux, char *hex, size_t n)
{
	char path[4096];
	struct pt_err e;

	hex[0] = '\0';
	if (vmlinux) {
		if (db->o.vmlinux_build_id && *db->o.vmlinux_build_id) {
			snprintf(hex, n, "%s", db->o.vmlinux_build_id);
			return;
		}
		if (db->o.live) {
			snprintf(path, sizeof(path), "%s/kernel/notes", db->o.sysfs);
			if (notes_build_id(path, hex, n, &e) < 0)
				hex[0] = '\0';
		}
		return;
	}
	for (size_t i = 0; i < db->o.nmodule_ids; i++) {
		char a[128], b[128];

		snprintf(a, sizeof(a), "%s", db->module_ids[i].name);
		snprintf(b, sizeof(b), "%s", name);
		normalize_name(a);
		normalize_name(b);
		if (strcmp(a, b) == 0) {
			snprintf(hex, n, "%s", db->module_ids[i].hex);
			return;
		}
	}
	if (db->o.live) {
		snprintf(path, sizeof(path), "%s/module/%s/notes/.note.gnu.build-id", db->o.sysfs,
			 name);
		if (notes_build_id(path, hex, n, &e) < 0)
			hex[0] = '\0';
	}
}

static int cmp_symbol_name(const void *a, const void *b)
{
	const struct elf_symbol *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_symbol_place(const void *a, const void *b)
{
	const struct elf_symbol *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->secoff < y->secoff ? -1 : x->secoff > y->secoff;
}

static int cmp_llvm(const void *a, const void *b)
{
	const struct elf_symbol *x = *(const struct elf_symbol *const *)a;
	const struct elf_symbol *y = *(const struct elf_symbol *const *)b;
	size_t n = x->stripped_len < y->stripped_len ? x->stripped_len : y->stripped_len;
	int c = strncmp(x->name, y->name, n);

	if (c)
		return c;
	return x->stripped_len < y->stripped_len ? -1 : x->stripped_len > y->stripped_len;
}

/* Length of name without a trailing ".llvm.DIGITS". */
static size_t llvm_stripped(const char *name, size_t len)
{
	for (size_t i = len; i-- > 0;) {
		if (name[i] >= '0' && name[i] <= '9')
			continue;
		if (i + 1 < len && i >= 5 && memcmp(name + i - 5, ".llvm.", 6) == 0)
			return i - 5;
		break;
	}
	return len;
}

struct section_info {
	uint64_t addr, size;
	const char *name;
	int exec;
};

/* The sections of elf (its section names in section shstrndx), placed bias further. */
static struct section_info *read_sections(Elf *elf, GElf_Addr bias, size_t nsecs,
					  size_t shstrndx)
{
	struct section_info *secs = xcalloc(nsecs ? nsecs : 1, sizeof(*secs));

	for (size_t i = 0; i < nsecs; i++) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(elf, i);

		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		secs[i].addr = sh.sh_addr + bias;
		secs[i].size = sh.sh_size;
		secs[i].name = elf_strptr(elf, shstrndx, sh.sh_name);
		secs[i].exec = (sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC);
	}
	return secs;
}

/* Symbol i of the module's table, when it names code: added to o->syms (cap its room). */
static void add_symbol(struct dw_object *o, int i, const struct section_info *secs,
		       size_t nsecs, size_t *cap)
{
	GElf_Sym sym;
	GElf_Addr addr;
	GElf_Word shndx;
	const char *name = dwfl_module_getsym_info(o->mod, i, &sym, &addr, &shndx, NULL, NULL);
	int type;
	struct elf_symbol *d;

	if (!name || !*name || shndx == SHN_UNDEF || shndx >= nsecs || !secs[shndx].exec)
		return;
	type = GELF_ST_TYPE(sym.st_info);
	if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
		return;
	/* mapping symbols ($x, $d) of other architectures */
	if (name[0] == '$' && (name[1] == '\0' || name[2] == '\0' || name[2] == '.'))
		return;
	if (o->nsyms == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		o->syms = xreallocarray(o->syms, *cap, sizeof(*o->syms));
	}
	d = &o->syms[o->nsyms++];
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->secname = secs[shndx].name;
	d->addr = addr;
	d->size = sym.st_size;
	d->shndx = shndx;
	d->secoff = addr - secs[shndx].addr;
	d->stripped_len = (uint32_t)llvm_stripped(name, strlen(name));
}

/* Each symbol's distance to the next one of its section, or to the section's end: the
 * size the kernel's kallsyms gives it. */
static void measure_distances(struct dw_object *o, const struct section_info *secs)
{
	qsort(o->syms, o->nsyms, sizeof(*o->syms), cmp_symbol_place);
	for (size_t i = 0; i < o->nsyms; i++) {
		size_t j = i + 1;

		while (j < o->nsyms && o->syms[j].shndx == o->syms[i].shndx &&
		       o->syms[j].secoff == o->syms[i].secoff)
			j++;
		if (j < o->nsyms && o->syms[j].shndx == o->syms[i].shndx)
			o->syms[i].dist = o->syms[j].secoff - o->syms[i].secoff;
		else
			o->syms[i].dist = secs[o->syms[i].shndx].size - o->syms[i].secoff;
	}
}

/* The symbols by name, and those with a .llvm.NNN suffix by their name without it. */
static void index_names(struct dw_object *o)
{
	qsort(o->syms, o->nsyms, sizeof(*o->syms), cmp_symbol_name);
	for (size_t i = 0; i < o->nsyms; i++)
		if (o->syms[i].stripped_len != strlen(o->syms[i].name)) {
			o->llvm = xreallocarray(o->llvm, o->nllvm + 1, sizeof(*o->llvm));
			o->llvm[o->nllvm++] = &o->syms[i];
		}
	if (o->nllvm)
		qsort(o->llvm, o->nllvm, sizeof(*o->llvm), cmp_llvm);
}

/* Reads the symbol table: executable symbols only, with both sizes. */
static int load_symbols(struct dw_object *o, char *reason, size_t rn)
{
	GElf_Addr mbias;
	Elf *main_elf = dwfl_module_getelf(o->mod, &mbias);
	size_t shstrndx, cap = 0, nsecs = 0;
	int n = dwfl_module_getsymtab(o->mod);
	struct section_info *secs;

	if (n <= 0 || !main_elf) {
		snprintf(reason, rn, _("%s has no symbol table"), o->info.path);
		return -1;
	}
	if (elf_getshdrnum(main_elf, &nsecs) < 0 || elf_getshdrstrndx(main_elf, &shstrndx) < 0) {
		snprintf(reason, rn, _("%s: %s"), o->info.path, elf_errmsg(-1));
		return -1;
	}
	secs = read_sections(main_elf, mbias, nsecs, shstrndx);
	for (int i = 1; i < n; i++)
		add_symbol(o, i, secs, nsecs, &cap);
	measure_distances(o, secs);
	free(secs);
	index_names(o);
	if (!o->nsyms) {
		snprintf(reason, rn, _("%s has no function symbols"), o->info.path);
		return -1;
	}
	return 0;
}

static void build_id_hex(const unsigned char *bits, int n, char *hex, size_t hn)
{
	size_t k = 0;

	hex[0] = '\0';
	for (int i = 0; i < n && k + 3 <= hn; i++)
		k += (size_t)snprintf(hex + k, hn - k, "%02x", bits[i]);
}

/* Opens path in a Dwfl of o's own. 0, or -1 with reason and *st (o has no Dwfl then). */
static int open_dwfl(struct symdb *db, struct dw_object *o, const char *path,
		     enum sym_obj_state *st, char *reason, size_t rn)
{
	struct stat sb;
	int fd;

	if (stat(path, &sb) < 0) {
		snprintf(reason, rn, _("cannot open %s: %s"), path, strerror(errno));
		*st = SOBJ_MISSING;
		return -1;
	}
	fd = symfile_open_elf(path, reason, rn);
	if (fd < 0) {
		*st = SOBJ_BAD;
		return -1;
	}
	o->dwfl = dwfl_begin(&db->cb);
	if (!o->dwfl) {
		close(fd);
		snprintf(reason, rn, _("%s: %s"), path, dwfl_errmsg(-1));
		*st = SOBJ_BAD;
		return -1;
	}
	dwfl_report_begin(o->dwfl);
	/* the descriptor belongs to libdwfl from here on */
	o->mod = dwfl_report_offline(o->dwfl, o->info.name, path, fd);
	if (!o->mod || dwfl_report_end(o->dwfl, NULL, NULL) != 0) {
		snprintf(reason, rn, _("%s: cannot read it as ELF: %s"), path, dwfl_errmsg(-1));
		*st = SOBJ_BAD;
		dwfl_end(o->dwfl);
		o->dwfl = NULL;
		o->mod = NULL;
		return -1;
	}
	return 0;
}

/* The file's build id into o->info, compared with the one expected ("": any). 0 when
 * they are the same, else -1 with reason. */
static int check_build_id(struct symdb *db, struct dw_object *o, const char *path,
			  const char *expect, char *reason, size_t rn)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	char hex[130];
	int nb;

	pthread_mutex_lock(db->lock);
	snprintf(o->info.path, sizeof(o->info.path), "%s", path);
	pthread_mutex_unlock(db->lock);
	nb = dwfl_module_build_id(o->mod, &bits, &vaddr);
	hex[0] = '\0';
	if (nb > 0)
		build_id_hex(bits, nb, hex, sizeof(hex));
	pthread_mutex_lock(db->lock);
	snprintf(o->info.build_id, sizeof(o->info.build_id), "%s", hex);
	pthread_mutex_unlock(db->lock);
	if (!*expect || strcmp(expect, hex) == 0)
		return 0;
	if (*hex)
		snprintf(reason, rn, _("%s is another build: its build id is %s, the kernel's %s is %s"),
			 path, hex, o->info.name, expect);
	else
		snprintf(reason, rn, _("%s has no build id, the kernel's %s has %s: it cannot be the same build"),
			 path, o->info.name, expect);
	return -1;
}

/* Back to no file, after one that cannot be used. */
static void forget_file(struct dw_object *o)
{
	dwfl_end(o->dwfl);
	o->dwfl = NULL;
	o->mod = NULL;
	o->dw = NULL;
	free(o->syms);
	o->syms = NULL;
	o->nsyms = 0;
	free(o->llvm);
	o->llvm = NULL;
	o->nllvm = 0;
}

/* Tries one file. Returns 1 usable, 0 not (reason says why; st the state). */
static int try_file(struct symdb *db, struct dw_object *o, const char *path, const char *expect,
		    enum sym_obj_state *st, char *reason, size_t rn)
{
	GElf_Addr b;
	GElf_Ehdr eh;
	Elf *e;

	set_loading(db, o->info.name);
	tls_root = db->o.root;
	if (open_dwfl(db, o, path, st, reason, rn) < 0)
		return 0;
	if (check_build_id(db, o, path, expect, reason, rn) < 0) {
		*st = SOBJ_MISMATCH;
		goto fail;
	}
	o->dw = dwfl_module_getdwarf(o->mod, &o->dwbias);
	if (!o->dw) {
		snprintf(reason, rn, _("%s has no debug info (stripped; %s)"), path,
			 dwfl_errmsg(-1));
		*st = SOBJ_NO_DWARF;
		goto fail;
	}
	e = dwfl_module_getelf(o->mod, &b);
	o->is_rel = e && gelf_getehdr(e, &eh) && eh.e_type == ET_REL;
	if (load_symbols(o, reason, rn) < 0) {
		*st = SOBJ_BAD;
		goto fail;
	}
	*st = *expect ? SOBJ_OK : SOBJ_UNCHECKED;
	return 1;
fail:
	forget_file(o);
	return 0;
}

/* State of a failed search: the most telling one wins (another build beats stripped
 * beats unreadable beats absent). */
static int state_rank(enum sym_obj_state s)
{
	switch (s) {
	case SOBJ_MISMATCH: return 4;
	case SOBJ_NO_DWARF: return 3;
	case SOBJ_BAD: return 2;
	default: return 1;
	}
}

/* Why no file was tried for o (none was found where files of its kind are looked for). */
static void no_file_reason(struct symdb *db, const struct dw_object *o, int vmlinux,
			   char *reason, size_t rn)
{
	const char *dirs = symfile_modules_dirs(db->modules);

	if (vmlinux && !db->o.vmlinux && !(db->o.release && *db->o.release)) {
		snprintf(reason, rn,
			 _("no kernel release is known for this source: give --vmlinux FILE or --kernel-release R"));
	} else if (vmlinux && !db->o.vmlinux &&
		   !release_ok(db->o.release, strlen(db->o.release))) {
		char q[300];

		snprintf(reason, rn,
			 _("'%s' is not a kernel release: no file is looked for; give --vmlinux FILE or --kernel-release R"),
			 quote_value(db->o.release, strlen(db->o.release), q, sizeof(q)));
	} else if (vmlinux) {
		snprintf(reason, rn,
			 _("no vmlinux with debug info found for %s (looked in %s/usr/lib/debug/boot, %s/usr/lib/debug/lib/modules/%s, %s/boot, %s/lib/modules/%s/build)"),
			 db->o.release, db->o.root, db->o.root, db->o.release, db->o.root,
			 db->o.root, db->o.release);
	} else if (symfile_modules_cut(db->modules)) {
		snprintf(reason, rn,
			 _("no %s.ko found (looked in %s, and stopped after %d entries in a folder: give --modules DIR)"),
			 o->info.name, dirs, symfile_modules_cut(db->modules));
	} else {
		snprintf(reason, rn, _("no %s.ko found (looked in %s)"), o->info.name,
			 *dirs ? dirs : _("no folder: give --modules DIR"));
	}
}

static void load_obj(struct symdb *db, struct dw_object *o, int vmlinux)
{
	char expect[130], reason[1024], best_reason[1024], best_path[512];
	enum sym_obj_state st, best = SOBJ_MISSING;
	const char *paths[16];
	char *owned[8];
	size_t np = 0, nowned = 0;

	o->tried = 1;
	if (!vmlinux && !module_name_ok(o->info.name, strlen(o->info.name))) {
		/* the name comes from the input: no file name is made of it */
		char q[300], why[400];

		snprintf(why, sizeof(why), _("'%s' is not a module name: no file is looked for"),
			 quote_value(o->info.name, strlen(o->info.name), q, sizeof(q)));
		set_state(db, o, SOBJ_MISSING, NULL, why);
		return;
	}
	expected_id(db, o->info.name, vmlinux, expect, sizeof(expect));
	pthread_mutex_lock(db->lock);
	snprintf(o->info.expected_id, sizeof(o->info.expected_id), "%s", expect);
	pthread_mutex_unlock(db->lock);
	best_reason[0] = best_path[0] = '\0';
	if (vmlinux) {
		if (db->o.vmlinux) {
			paths[np++] = db->o.vmlinux;
		} else {
			nowned = symfile_vmlinux_paths(db->o.root, db->o.release, owned,
						       ARRAY_SIZE(owned));
			for (size_t i = 0; i < nowned; i++)
				paths[np++] = owned[i];
		}
	} else {
		np = symfile_modules_find(db->modules, o->info.name, paths, ARRAY_SIZE(paths));
	}
	for (size_t i = 0; i < np; i++) {
		struct stat sb;

		/* default places that do not exist are not worth a message */
		if (vmlinux && !db->o.vmlinux && stat(paths[i], &sb) < 0)
			continue;
		reason[0] = '\0';
		if (try_file(db, o, paths[i], expect, &st, reason, sizeof(reason))) {
			o->usable = 1;
			set_state(db, o, st, paths[i], "");
			if (st == SOBJ_UNCHECKED) {
				snprintf(reason, sizeof(reason),
					 _("no build id known for the kernel's %s: %s is used unchecked"),
					 o->info.name, paths[i]);
				set_state(db, o, st, NULL, reason);
			}
			goto out;
		}
		if (!best_reason[0] || state_rank(st) > state_rank(best)) {
			best = st;
			snprintf(best_reason, sizeof(best_reason), "%s", reason);
			snprintf(best_path, sizeof(best_path), "%s", paths[i]);
		}
	}
	if (!best_reason[0])
		no_file_reason(db, o, vmlinux, best_reason, sizeof(best_reason));
	set_state(db, o, best, best_path[0] ? best_path : NULL, best_reason);
out:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	set_loading(db, NULL);
}

static struct dw_object *get_obj(struct symdb *db, const char *name, size_t len, int vmlinux)
{
	struct dw_object *o;

	for (size_t i = 0; i < db->nobjs; i++)
		if (strlen(db->objs[i]->info.name) == len &&
		    memcmp(db->objs[i]->info.name, name, len) == 0)
			return db->objs[i];
	o = xcalloc(1, sizeof(*o));
	snprintf(o->info.name, sizeof(o->info.name), "%.*s", (int)len, name);
	pthread_mutex_lock(db->lock);
	db->objs = xreallocarray(db->objs, db->nobjs + 1, sizeof(*db->objs));
	db->objs[db->nobjs++] = o;
	pthread_mutex_unlock(db->lock);
	load_obj(db, o, vmlinux);
	return o;
}

void symdb_preload(struct symdb *db)
{
	get_obj(db, "vmlinux", 7, 1);
}

/* ---- address ranges to DIEs ---- */

static void ranges_add(struct range_table *t, uint64_t lo, uint64_t hi, Dwarf_Off off,
		       uint32_t order)
{
	if (hi <= lo)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->r = xreallocarray(t->r, t->cap, sizeof(*t->r));
	}
	t->r[t->n++] = (struct die_range){ lo, hi, off, order };
}

static int cmp_range(const void *a, const void *b)
{
	const struct die_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void ranges_sort(struct range_table *t)
{
	uint64_t m = 0;

	if (t->n)
		qsort(t->r, t->n, sizeof(*t->r), cmp_range);
	t->maxhi = xcalloc(t->n ? t->n : 1, sizeof(*t->maxhi));
	for (size_t i = 0; i < t->n; i++) {
		if (t->r[i].hi > m)
			m = t->r[i].hi;
		t->maxhi[i] = m;
	}
}

/* The first DIE (in DIE order) whose ranges hold pc. */
static int ranges_find(const struct range_table *t, uint64_t pc, Dwarf_Off *off)
{
	size_t lo = 0, hi = t->n;
	const struct die_range *best = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->r[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && t->maxhi[i] > pc;)
		if (t->r[i].lo <= pc && pc < t->r[i].hi && (!best || t->r[i].order < best->order))
			best = &t->r[i];
	if (!best)
		return 0;
	*off = best->off;
	return 1;
}

static void add_ranges(struct range_table *t, Dwarf_Die *die, uint32_t order)
{
	Dwarf_Addr base, s, e;
	ptrdiff_t it = 0;

	while ((it = dwarf_ranges(die, it, &base, &s, &e)) > 0)
		ranges_add(t, s, e, dwarf_dieoffset(die), order);
}

static struct unit_index *unit_index_get(struct dw_object *o, Dwarf_Die *cudie)
{
	Dwarf_Off key = dwarf_dieoffset(cudie);
	size_t j;
	struct unit_index *ci;
	Dwarf_Die child;
	uint32_t order = 0;

	if (o->capcus) {
		j = hash_u64(key) & (o->capcus - 1);
		while (o->cus[j]) {
			if (o->cus[j]->cuoff == key)
				return o->cus[j];
			j = (j + 1) & (o->capcus - 1);
		}
	}
	if ((o->ncus + 1) * 2 > o->capcus) {
		size_t nc = o->capcus ? o->capcus * 2 : 256;
		struct unit_index **v = xcalloc(nc, sizeof(*v));

		for (size_t i = 0; i < o->capcus; i++)
			if (o->cus[i]) {
				size_t k = hash_u64(o->cus[i]->cuoff) & (nc - 1);

				while (v[k])
					k = (k + 1) & (nc - 1);
				v[k] = o->cus[i];
			}
		free(o->cus);
		o->cus = v;
		o->capcus = nc;
	}
	ci = xcalloc(1, sizeof(*ci));
	ci->cuoff = key;
	if (dwarf_child(cudie, &child) == 0) {
		do
			add_ranges(&ci->top, &child, order++);
		while (dwarf_siblingof(&child, &child) == 0);
	}
	ranges_sort(&ci->top);
	j = hash_u64(key) & (o->capcus - 1);
	while (o->cus[j])
		j = (j + 1) & (o->capcus - 1);
	o->cus[j] = ci;
	o->ncus++;
	return ci;
}

/* The unit holding addr: libdw's lookup (.debug_aranges), else the units' own ranges. */
static Dwarf_Die *unit_for(struct dw_object *o, Dwarf_Addr addr, Dwarf_Die *mem,
			   Dwarf_Addr *bias)
{
	Dwarf_Die *d = dwfl_module_addrdie(o->mod, addr, bias);
	Dwarf_Off off;

	if (d)
		return d;
	if (!o->units_built) {
		Dwarf_Die *cu = NULL;
		Dwarf_Addr b;
		uint32_t order = 0;

		o->units_built = 1;
		while ((cu = dwfl_module_nextcu(o->mod, cu, &b)) != NULL)
			add_ranges(&o->units, cu, order++);
		ranges_sort(&o->units);
	}
	*bias = o->dwbias;
	if (!ranges_find(&o->units, addr - o->dwbias, &off) || !dwarf_offdie(o->dw, off, mem))
		return NULL;
	return mem;
}

static int may_have_scopes(int tag)
{
	switch (tag) {
	case DW_TAG_compile_unit:
	case DW_TAG_module:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
	case DW_TAG_entry_point:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram:
	case DW_TAG_namespace:
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
		return 1;
	default:
		return 0;
	}
}


/* The DIEs holding pc, outermost (a child of the unit) first: what dwarf_getscopes()
 * and dwarf_getscopes_die() give eu-addr2line, without walking the whole unit. */
static size_t scope_chain(struct dw_object *o, Dwarf_Die *cudie, Dwarf_Addr pc,
			  Dwarf_Die *chain)
{
	struct unit_index *ci = unit_index_get(o, cudie);
	Dwarf_Off off;
	size_t n = 0;

	if (!ranges_find(&ci->top, pc, &off) || !dwarf_offdie(o->dw, off, &chain[0]))
		return 0;
	n = 1;
	while (n < MAX_SCOPES && may_have_scopes(dwarf_tag(&chain[n - 1]))) {
		Dwarf_Die child;
		int found = 0;

		if (dwarf_child(&chain[n - 1], &child) != 0)
			break;
		do {
			/* only DIEs that can hold scopes matter for the answer: the others
			 * (parameters, variables, call sites, types) are never descended
			 * into, and their names are never printed */
			if (may_have_scopes(dwarf_tag(&child)) && dwarf_haspc(&child, pc) > 0) {
				chain[n++] = child;
				found = 1;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
	}
	return n;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));

	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
	if (!name)
		name = dwarf_diename(die);
	return name ? name : "??";
}

static int is_function(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_entry_point;
}

/* The ELF symbol eu-addr2line names code without DWARF after (assembly). */
static const char *addr_name(struct dw_object *o, Dwarf_Addr addr)
{
	size_t j;
	const char *name;

	if (o->capnames) {
		j = hash_u64(addr) & (o->capnames - 1);
		while (o->names[j].addr || o->names[j].name) {
			if (o->names[j].addr == addr)
				return o->names[j].name;
			j = (j + 1) & (o->capnames - 1);
		}
	}
	name = dwfl_module_addrname(o->mod, addr);
	if ((o->nnames + 1) * 2 > o->capnames) {
		size_t nc = o->capnames ? o->capnames * 2 : 64;
		struct addrname *v = xcalloc(nc, sizeof(*v));

		for (size_t i = 0; i < o->capnames; i++)
			if (o->names[i].addr || o->names[i].name) {
				size_t k = hash_u64(o->names[i].addr) & (nc - 1);

				while (v[k].addr || v[k].name)
					k = (k + 1) & (nc - 1);
				v[k] = o->names[i];
			}
		free(o->names);
		o->names = v;
		o->capnames = nc;
	}
	j = hash_u64(addr) & (o->capnames - 1);
	while (o->names[j].addr || o->names[j].name)
		j = (j + 1) & (o->capnames - 1);
	o->names[j].addr = addr;
	o->names[j].name = name;
	o->nnames++;
	return name;
}

static void resolve_addr(struct dw_object *o, Dwarf_Addr addr, struct answer *t)
{
	Dwarf_Die cumem, chain[MAX_SCOPES];
	Dwarf_Addr bias = 0;
	Dwarf_Die *cudie;
	Dwfl_Line *l;
	const char *src = NULL;
	int line = 0, col = 0;
	size_t nchain = 0;
	Dwarf_Attribute a;
	Dwarf_Files *files = NULL;

	memset(t, 0, sizeof(*t));
	cudie = unit_for(o, addr, &cumem, &bias);
	l = dwfl_module_getsrc(o->mod, addr);
	if (l) {
		src = dwfl_lineinfo(l, NULL, &line, &col, NULL, NULL);
	} else if (cudie) {
		Dwarf_Line *dl = dwarf_getsrc_die(cudie, addr - bias);

		if (dl) {
			src = dwarf_linesrc(dl, NULL, NULL);
			dwarf_lineno(dl, &line);
			dwarf_linecol(dl, &col);
		}
	}
	if (cudie) {
		t->comp_dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &a));
		nchain = scope_chain(o, cudie, addr - bias, chain);
		if (dwarf_getsrcfiles(cudie, &files, NULL) != 0)
			files = NULL;
	}
	t->has_line = src != NULL;
	t->f[0].file = src;
	t->f[0].line = src ? (unsigned)line : 0;
	t->f[0].column = src && col > 0 ? (unsigned)col : 0;
	for (size_t i = nchain; i-- > 0;)
		if (is_function(dwarf_tag(&chain[i])) && dwarf_tag(&chain[i]) != DW_TAG_entry_point) {
			t->f[0].function = die_name(&chain[i]);
			break;
		}
	if (!t->f[0].function)
		t->f[0].function = addr_name(o, addr);
	t->n = 1;
	/* inlined instances, innermost first: each adds its caller at the call site */
	for (size_t i = nchain; i-- > 0 && t->n <= MAX_SCOPES;) {
		struct answer_frame *f;
		Dwarf_Word v;

		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine)
			continue;
		f = &t->f[t->n++];
		memset(f, 0, sizeof(*f));
		for (size_t j = i; j-- > 0;)
			if (is_function(dwarf_tag(&chain[j]))) {
				f->function = die_name(&chain[j]);
				break;
			}
		if (files && dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &a), &v) == 0)
			f->file = dwarf_filesrc(files, v, NULL, NULL);
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &a), &v) == 0)
			f->line = (unsigned)v;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_column, &a), &v) == 0)
			f->column = (unsigned)v;
	}
}

static int answer_equal(const struct answer *a, const struct answer *b)
{
	if (a->n != b->n)
		return 0;
	for (unsigned i = 0; i < a->n; i++) {
		const struct answer_frame *x = &a->f[i], *y = &b->f[i];

		if (x->line != y->line || x->column != y->column)
			return 0;
		if ((x->file == NULL) != (y->file == NULL) || (x->file && strcmp(x->file, y->file)))
			return 0;
		if ((x->function == NULL) != (y->function == NULL) ||
		    (x->function && strcmp(x->function, y->function)))
			return 0;
	}
	return 1;
}

/* ---- source text ---- */

/* Reads a source file from a descriptor; NULL when it is not a regular file or too
 * large. Takes fd. */
static struct srcfile *src_load(int fd)
{
	struct srcfile *f;
	struct stat st;
	size_t cap = 1024;
	ssize_t got;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		close(fd);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->data = xmalloc((size_t)st.st_size + 1);
	while (f->len < (size_t)st.st_size &&
	       (got = read(fd, f->data + f->len, (size_t)st.st_size - f->len)) > 0)
		f->len += (size_t)got;
	close(fd);
	f->data[f->len] = '\0';
	f->lines = xmalloc(cap * sizeof(*f->lines));
	f->lines[f->nlines++] = 0;
	for (size_t i = 0; i < f->len; i++)
		if (f->data[i] == '\n' && i + 1 < f->len) {
			if (f->nlines == cap) {
				cap *= 2;
				f->lines = xreallocarray(f->lines, cap, sizeof(*f->lines));
			}
			f->lines[f->nlines++] = (uint32_t)(i + 1);
		}
	return f;
}

/* Opens root/rel only when it is beneath root: file names come from the debug info,
 * that is from whoever built the file, and pagetop may run as root. rel is resolved
 * as realpath() does, and refused when that leads out of root (by ".." or a symbolic
 * link); the result is then opened one component at a time beneath root, following no
 * link, so a link swapped in meanwhile leads nowhere either. Returns a descriptor, or
 * -1. */
static int open_beneath(const char *root, const char *rel)
{
	char *rr = realpath(root, NULL), *cand, *cr = NULL, *c;
	size_t rl;
	int fd = -1;

	while (*rel == '/')
		rel++;
	if (!rr || !*rel)
		goto out;
	cand = xasprintf("%s/%s", rr, rel);
	cr = realpath(cand, NULL);
	free(cand);
	rl = strcmp(rr, "/") == 0 ? 0 : strlen(rr);
	if (!cr || strncmp(cr, rr, rl) != 0 || cr[rl] != '/')
		goto out;
	fd = open(rr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (c = cr + rl + 1; fd >= 0 && *c;) {
		char *slash = strchr(c, '/');
		int next;

		if (slash)
			*slash = '\0';
		next = openat(fd, c, slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
					   : O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		close(fd);
		fd = next;
		c = slash ? slash + 1 : c + strlen(c);
	}
out:
	free(rr);
	free(cr);
	return fd;
}

/* The text of a file the debug info names, read only beneath the folders given:
 * --source-map OLD=NEW (OLD a prefix of the name: the rest beneath NEW), then
 * --source-dir (the name relative to its compilation folder). Never the name itself. */
static struct srcfile *src_find(struct symdb *db, const char *file, const char *comp_dir)
{
	size_t j;
	struct srcfile *f = NULL;
	const char *rel = file;
	size_t cl = comp_dir ? strlen(comp_dir) : 0;
	int fd = -1;

	if (db->capsrc) {
		j = hash_bytes(file, strlen(file), 3) & (db->capsrc - 1);
		while (db->src[j]) {
			if (strcmp(db->src[j]->key, file) == 0)
				return db->src[j]->data ? db->src[j] : NULL;
			j = (j + 1) & (db->capsrc - 1);
		}
	}
	if (cl && strncmp(file, comp_dir, cl) == 0 && file[cl] == '/')
		rel = file + cl + 1;
	for (size_t i = 0; fd < 0 && i < db->o.nsource_maps; i++) {
		const char *eq = strchr(db->source_maps[i], '=');
		size_t ol;

		if (!eq)
			continue;
		ol = (size_t)(eq - db->source_maps[i]);
		if (ol && strncmp(file, db->source_maps[i], ol) == 0 &&
		    (file[ol] == '/' || file[ol] == '\0' || db->source_maps[i][ol - 1] == '/'))
			fd = open_beneath(eq + 1, file + ol);
	}
	for (size_t i = 0; fd < 0 && i < db->o.nsource_dirs; i++)
		fd = open_beneath(db->source_dirs[i], rel);
	if (fd >= 0)
		f = src_load(fd);
	if (!f)
		f = xcalloc(1, sizeof(*f));
	f->key = xstrdup(file);
	if ((db->nsrc + 1) * 2 > db->capsrc) {
		size_t nc = db->capsrc ? db->capsrc * 2 : 64;
		struct srcfile **v = xcalloc(nc, sizeof(*v));

		for (size_t i = 0; i < db->capsrc; i++)
			if (db->src[i]) {
				size_t k = hash_bytes(db->src[i]->key, strlen(db->src[i]->key), 3) &
					   (nc - 1);

				while (v[k])
					k = (k + 1) & (nc - 1);
				v[k] = db->src[i];
			}
		free(db->src);
		db->src = v;
		db->capsrc = nc;
	}
	j = hash_bytes(file, strlen(file), 3) & (db->capsrc - 1);
	while (db->src[j])
		j = (j + 1) & (db->capsrc - 1);
	db->src[j] = f;
	db->nsrc++;
	return f->data ? f : NULL;
}

static const char *src_line(struct symdb *db, struct sym_pool *pool, const char *file,
			    const char *comp_dir, unsigned line)
{
	struct srcfile *f;
	const char *s, *e;

	if (!file || !line)
		return NULL;
	f = src_find(db, file, comp_dir);
	if (!f || line > f->nlines)
		return NULL;
	s = f->data + f->lines[line - 1];
	e = memchr(s, '\n', (size_t)(f->data + f->len - s));
	if (!e)
		e = f->data + f->len;
	if (e > s && e[-1] == '\r')
		e--;
	if (e - s > 400)
		e = s + 400;
	return sym_pool_str(pool, s, (size_t)(e - s));
}

/* ---- frames ---- */

static void finish(struct symdb *db, struct sym_pool *pool, const struct answer *t,
		   struct sym_result *r)
{
	struct sym_frame *fr = sym_pool_alloc(pool, t->n * sizeof(*fr));
	size_t cl = t->comp_dir ? strlen(t->comp_dir) : 0;

	for (unsigned i = 0; i < t->n; i++) {
		const struct answer_frame *f = &t->f[i];

		memset(&fr[i], 0, sizeof(fr[i]));
		fr[i].function = f->function ? sym_pool_str(pool, f->function, strlen(f->function))
					     : NULL;
		if (f->file) {
			const char *sf = f->file;

			/* relative names are relative to the compilation directory: made
			 * absolute, as eu-addr2line prints them */
			if (sf[0] != '/' && cl) {
				char abs[4096];
				int l = snprintf(abs, sizeof(abs), "%s/%s", t->comp_dir, sf);

				if (l < 0 || (size_t)l >= sizeof(abs))
					l = (int)sizeof(abs) - 1;
				fr[i].file = sym_pool_str(pool, abs, (size_t)l);
			} else {
				fr[i].file = sym_pool_str(pool, sf, strlen(sf));
				if (cl && strncmp(sf, t->comp_dir, cl) == 0 && sf[cl] == '/')
					sf += cl + 1;
			}
			while (sf[0] == '.' && sf[1] == '/')
				sf += 2;
			fr[i].short_file = sym_pool_str(pool, sf, strlen(sf));
		}
		fr[i].line = f->line;
		fr[i].column = f->column;
		fr[i].source = src_line(db, pool, fr[i].file, t->comp_dir, f->line);
	}
	r->frames = fr;
	r->nframes = t->n;
}

/* strcmp() order between a symbol's name and name[0..len). */
static int cmp_key(const char *sym, const char *name, size_t len)
{
	int c = strncmp(sym, name, len);

	if (c)
		return c;
	return sym[len] != '\0';
}

/* Symbols named name[0..len) (exact, else without .llvm.NNN on either side). */
static size_t find_syms(struct dw_object *o, const char *name, size_t len,
			struct elf_symbol **out, size_t max)
{
	size_t lo = 0, hi = o->nsyms, n = 0, sl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_key(o->syms[mid].name, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < o->nsyms && n < max && cmp_key(o->syms[lo].name, name, len) == 0; lo++)
		out[n++] = &o->syms[lo];
	if (n)
		return n;
	sl = llvm_stripped(name, len);
	if (sl != len)
		return find_syms(o, name, sl, out, max);
	/* ELF names with a .llvm. suffix the frame does not have */
	lo = 0;
	hi = o->nllvm;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct elf_symbol *d = o->llvm[mid];
		size_t m = d->stripped_len < len ? d->stripped_len : len;
		int c = strncmp(d->name, name, m);

		if (c < 0 || (c == 0 && d->stripped_len < len))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < o->nllvm && n < max; lo++) {
		const struct elf_symbol *d = o->llvm[lo];

		if (d->stripped_len != len || strncmp(d->name, name, len) != 0)
			break;
		out[n++] = o->llvm[lo];
	}
	return n;
}

#define MAX_CANDIDATES 32

/* The symbols the frame fp may be in: named so, of its size (a single one of that name
 * also of another size, which the layout explains). Their number, or 0 with r's status
 * and reason. */
static size_t fitting_symbols(struct dw_object *o, const struct frame_parts *fp,
			      struct sym_pool *pool, struct sym_result *r,
			      struct elf_symbol **fitting)
{
	struct elf_symbol *candidates[MAX_CANDIDATES];
	size_t nc = find_syms(o, fp->name, fp->name_len, candidates, MAX_CANDIDATES), nf = 0;
	char buf[1024];

	if (!nc) {
		r->status = SYM_NO_SYMBOL;
		snprintf(buf, sizeof(buf), _("no function %.*s in %s"), (int)fp->name_len,
			 fp->name, o->info.path);
		r->reason = sym_pool_str(pool, buf, strlen(buf));
		return 0;
	}
	for (size_t i = 0; i < nc; i++)
		if ((candidates[i]->size == fp->size || candidates[i]->dist == fp->size) &&
		    fp->off <= fp->size)
			fitting[nf++] = candidates[i];
	if (!nf && nc == 1 && fp->off <= (candidates[0]->size > candidates[0]->dist ?
					  candidates[0]->size : candidates[0]->dist))
		fitting[nf++] = candidates[0]; /* the only one: its size differs by layout */
	if (!nf) {
		r->status = nc > 1 ? SYM_AMBIGUOUS : SYM_NO_SYMBOL;
		snprintf(buf, sizeof(buf),
			 nc > 1 ? _("%zu functions named %.*s in %s, none of size 0x%llx")
				: _("%zu function named %.*s in %s, of another size than 0x%llx"),
			 nc, (int)fp->name_len, fp->name, o->info.path,
			 (unsigned long long)fp->size);
		r->reason = sym_pool_str(pool, buf, strlen(buf));
		r->ncandidates = (unsigned)nc;
	}
	return nf;
}

/* The address of the call in symbol d at offset off: the frame's is a return address,
 * the call is the instruction before it. */
static uint64_t call_address(const struct elf_symbol *d, uint64_t off)
{
	return d->addr + off - (off > 0 || d->secoff > 0 ? 1 : 0);
}

/* The object the frame is in, counted; NULL with r's status and reason when it has no
 * usable debug info. */
static struct dw_object *frame_object(struct symdb *db, const struct frame_parts *fp,
				      struct sym_pool *pool, struct sym_result *r)
{
	struct dw_object *o;

	if (fp->module)
		o = get_obj(db, fp->module, fp->module_len, 0);
	else
		o = get_obj(db, "vmlinux", 7, 1);
	r->object = sym_pool_str(pool, o->info.name, strlen(o->info.name));
	pthread_mutex_lock(db->lock);
	o->info.frames++;
	pthread_mutex_unlock(db->lock);
	if (o->usable)
		return o;
	r->status = SYM_NO_DEBUG;
	pthread_mutex_lock(db->lock);
	r->reason = sym_pool_str(pool, o->info.reason, strlen(o->info.reason));
	pthread_mutex_unlock(db->lock);
	return NULL;
}

void symdb_resolve(struct symdb *db, struct sym_pool *pool, const char *text, size_t len,
		   struct sym_result *r)
{
	struct frame_parts fp;
	struct site_parts sp;
	struct dw_object *o;
	struct elf_symbol *fitting[MAX_CANDIDATES];
	size_t nf;
	char buf[1024];
	uint64_t addr;

	memset(r, 0, sizeof(*r));
	if (frame_site_split(text, len, &sp) == 0) {
		/* an allocinfo call site names its line: its text from --source-dir */
		struct sym_frame *fr = sym_pool_alloc(pool, sizeof(*fr));

		memset(fr, 0, sizeof(*fr));
		fr->function = sym_pool_str(pool, sp.func, sp.func_len);
		fr->file = fr->short_file = sym_pool_str(pool, sp.file, sp.file_len);
		fr->line = sp.line;
		fr->source = src_line(db, pool, fr->file, NULL, sp.line);
		r->frames = fr;
		r->nframes = 1;
		r->status = SYM_OK;
		return;
	}
	if (frame_split(text, len, &fp) < 0) {
		r->status = SYM_RAW;
		r->reason = _("not a frame");
		return;
	}
	if (fp.is_addr) {
		r->status = SYM_RAW;
		r->reason = _("a bare address: the kernel could not name it when it was read (an unloaded module?)");
		return;
	}
	o = frame_object(db, &fp, pool, r);
	if (!o)
		return;
	nf = fitting_symbols(o, &fp, pool, r, fitting);
	if (!nf)
		return;
	r->ncandidates = (unsigned)nf;
	addr = call_address(fitting[0], fp.off);
	r->addr = addr;
	r->section = fitting[0]->secname ? sym_pool_str(pool, fitting[0]->secname,
							strlen(fitting[0]->secname)) : NULL;
	r->section_offset = addr - (fitting[0]->addr - fitting[0]->secoff);
	resolve_addr(o, addr, db->answer);
	for (size_t i = 1; i < nf; i++) {
		resolve_addr(o, call_address(fitting[i], fp.off), db->other_answer);
		if (!answer_equal(db->answer, db->other_answer)) {
			r->status = SYM_AMBIGUOUS;
			snprintf(buf, sizeof(buf),
				 _("%zu functions named %.*s of size 0x%llx in %s, at different lines: pagetop does not guess"),
				 nf, (int)fp.name_len, fp.name, (unsigned long long)fp.size,
				 o->info.path);
			r->reason = sym_pool_str(pool, buf, strlen(buf));
			return;
		}
	}
	finish(db, pool, db->answer, r);
	if (!db->answer->has_line) {
		r->status = SYM_NO_LINE;
		snprintf(buf, sizeof(buf), _("no line information at %.*s+0x%llx in %s"),
			 (int)fp.name_len, fp.name, (unsigned long long)fp.off, o->info.path);
		r->reason = sym_pool_str(pool, buf, strlen(buf));
		return;
	}
	r->status = SYM_OK;
	pthread_mutex_lock(db->lock);
	o->info.resolved++;
	pthread_mutex_unlock(db->lock);
}
