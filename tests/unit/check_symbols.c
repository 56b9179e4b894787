/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_symbols.c - the symbols service against objects compiled at test time.
 *
 * The sources in tests/data/symbols/ mark their call sites: each calls its own hit_NAME()
 * on a line that says MARK:NAME (and CALL:NAME on the lines of inlined calls). The test
 * builds a "vmlinux" (ET_EXEC, linked with --emit-relocs so that the calls keep their
 * relocations) and "modules" (ET_REL, like .ko files) with gcc -g, and one with clang (no
 * .debug_aranges), then makes frames in the kernel's %pS form from the call relocations
 * alone, read with libelf: the return address is the relocation's offset + 4, its symbol
 * the function containing it. Every answer is compared with the marked lines, and with
 * eu-addr2line -f -i at the same address when it is installed. Then what must fail fails
 * with a message: missing files, another build id, stripped, corrupt and truncated ELF. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "require.h"
#include "source.h"
#include "symbols.h"
#include "symbols_report.h"
#include "util.h"

#ifndef TEST_DATA
#error "TEST_DATA must name tests/data"
#endif
#define SRC TEST_DATA "/symbols"

static char tmp[1024];       /* the build folder */
static int have_clang, have_eu, have_zstd; /* the tests that need them run only with them */

/* ---- building ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "check_symbols: failed (%d): %s\n", rc, cmd);
	return rc;
}

static char *P(const char *rel)
{
	static char buf[8][4096];
	static int k;

	int l;

	k = (k + 1) % 8;
	l = snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmp, rel);
	if (l < 0 || (size_t)l >= sizeof(buf[k]))
		abort();
	return buf[k];
}

#define CFLAGS "-g -O2 -fno-optimize-sibling-calls -fno-pie"

static int build(void)
{
	char d[] = "/tmp/pagetop-symbols.XXXXXX";

	if (!mkdtemp(d))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", d);
	/* compiled from a copy that is removed afterwards: source text then only comes
	 * through --source-dir and --source-map */
	if (sh("mkdir -p %s/src %s/mods/kernel/x %s/root %s/sys && cp %s/*.c %s/*.h %s/src/",
	       tmp, tmp, tmp, tmp, SRC, SRC, tmp) ||
	    sh("cd %s/src && for f in main inline dup_a dup_b cold llvm; do gcc " CFLAGS
	       " -c $f.c -o ../$f.o || exit 1; done", tmp) ||
	    sh("cd %s && objcopy --redefine-sym renamed=renamed.llvm.4242 llvm.o llvm_r.o", tmp) ||
	    sh("cd %s && gcc -no-pie -Wl,--emit-relocs -Wl,--build-id=sha1 -o vmlinux main.o "
	       "inline.o dup_a.o dup_b.o cold.o llvm_r.o", tmp) ||
	    sh("cd %s && ld -r --build-id=sha1 -o mods/kernel/x/dups.ko dup_a.o dup_b.o && "
	       "ld -r --build-id=sha1 -o mods/inl.ko inline.o cold.o", tmp) ||
	    sh("cd %s/mods && xz -c inl.ko > inlxz.ko.xz && gzip -c inl.ko > inlgz.ko.gz && "
	       "cp inl.ko my-mod.ko && strip --strip-debug -o stripped.ko inl.ko && "
	       "head -c 3000 inl.ko > trunc.ko && echo 'not an object' > notelf.ko && "
	       "(head -c 64 inl.ko; head -c 4000 /dev/zero | tr '\\0' 'x') > corrupt.ko", tmp) ||
	    sh("cd %s && xz -c vmlinux > vmlinux.xz && gzip -c vmlinux > vmlinux.gz", tmp))
		return -1;
	if (have_zstd && sh("cd %s/mods && zstd -q -c inl.ko > inlzst.ko.zst", tmp))
		return -1;
	if (have_clang &&
	    (sh("cd %s/src && clang " CFLAGS " -c clang.c -o ../clang.o", tmp) ||
	     sh("cd %s && ld -r -o mods/clangmod.ko clang.o", tmp)))
		return -1;
	/* the distributions' layout, under a root */
	if (sh("cd %s && mkdir -p root/usr/lib/debug/boot root/lib/modules/9.9.9-t/kernel/y && "
	       "cp vmlinux root/usr/lib/debug/boot/vmlinux-9.9.9-t && "
	       "cp mods/inl.ko root/lib/modules/9.9.9-t/kernel/y/inl.ko && "
	       "ln -s /nonexistent root/lib/modules/9.9.9-t/build", tmp))
		return -1;
	/* a vmlinux where a release with "../" would lead: root/lib/modules/../../planted
	 * /build/vmlinux */
	if (sh("cd %s && mkdir -p root/planted/build && cp vmlinux root/planted/build/vmlinux",
	       tmp))
		return -1;
	/* sysfs with the build ids a live kernel shows */
	if (sh("cd %s && mkdir -p sys/kernel sys/module/inl/notes sys/module/dups/notes && "
	       "objcopy -O binary -j .note.gnu.build-id vmlinux sys/kernel/notes && "
	       "objcopy -O binary -j .note.gnu.build-id mods/inl.ko "
	       "sys/module/inl/notes/.note.gnu.build-id && "
	       "cp sys/module/inl/notes/.note.gnu.build-id sys/module/dups/notes/", tmp))
		return -1;
	sh("rm -rf %s/src", tmp);
	return 0;
}

static void cleanup(void)
{
	if (tmp[0])
		sh("rm -rf %s", tmp);
}

/* ---- the marks in the sources ---- */

struct mark {
	char id[32], fn[64], file[64];
	unsigned line;
	char text[256];
};
static struct mark marks[64];
static size_t nmarks;

static void read_marks(void)
{
	static const char *const files[] = { "inline.c", "dup_a.c", "dup_b.c", "cold.c",
					     "llvm.c", "clang.c" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[4096], line[512];
		unsigned n = 0;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", SRC, files[i]);
		fp = fopen(path, "r");
		if (!fp) {
			fprintf(stderr, "check_symbols: cannot open %s\n", path);
			exit(99);
		}
		while (fgets(line, sizeof(line), fp)) {
			const char *m = strstr(line, "MARK:"), *c = strstr(line, "CALL:");
			const char *p = m ? m : c;
			struct mark *k;

			n++;
			if (!p || nmarks == ARRAY_SIZE(marks))
				continue;
			k = &marks[nmarks++];
			sscanf(p + 5, "%31s fn=%63s", k->id, k->fn);
			snprintf(k->file, sizeof(k->file), "%s", files[i]);
			k->line = n;
			line[strcspn(line, "\n")] = '\0';
			line[sizeof(k->text) - 1] = '\0';
			memcpy(k->text, line, strlen(line) + 1);
		}
		fclose(fp);
	}
}

static const struct mark *mark(const char *id)
{
	for (size_t i = 0; i < nmarks; i++)
		if (strcmp(marks[i].id, id) == 0)
			return &marks[i];
	ck_abort_msg("no mark %s in the sources", id);
	return NULL;
}

/* ---- frames from relocations (libelf only: nothing of pagetop) ---- */

struct tframe {
	char hit[32];        /* the called sink, without "hit_" */
	char text[256];      /* name+0xOFF/0xSIZE [module] with the ELF size */
	char ktext[256];     /* the same with the distance to the next symbol as size */
	char sym[128];
};

static size_t make_frames(const char *path, const char *module, struct tframe *out,
			  size_t max)
{
	int fd = open(path, O_RDONLY);
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx, n = 0;
	Elf_Data *symdata = NULL;
	GElf_Shdr symsh = { 0 };

	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_ptr_nonnull(e);
	elf_getshdrstrndx(e, &shstrndx);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			symdata = elf_getdata(scn, NULL);
			symsh = sh;
		}
	}
	ck_assert_ptr_nonnull(symdata);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh, tsh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_RELA)
			continue;
		gelf_getshdr(elf_getscn(e, sh.sh_info), &tsh);
		if (!(tsh.sh_flags & SHF_EXECINSTR))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize && n < max; i++) {
			GElf_Rela r;
			GElf_Sym s;
			const char *name;
			uint64_t ret, best_next = tsh.sh_addr + tsh.sh_size;
			int found = 0;
			GElf_Sym fs = { 0 };
			const char *fname = NULL;

			gelf_getrela(d, (int)i, &r);
			gelf_getsym(symdata, (int)GELF_R_SYM(r.r_info), &s);
			name = elf_strptr(e, symsh.sh_link, s.st_name);
			if (!name || strncmp(name, "hit_", 4) != 0)
				continue;
			ret = r.r_offset + 4; /* call rel32: the displacement ends the insn */
			for (size_t k = 0; k < symsh.sh_size / symsh.sh_entsize; k++) {
				GElf_Sym c;
				const char *cn;

				gelf_getsym(symdata, (int)k, &c);
				if (c.st_shndx != sh.sh_info || GELF_ST_TYPE(c.st_info) == STT_SECTION)
					continue;
				cn = elf_strptr(e, symsh.sh_link, c.st_name);
				if (!cn || !*cn)
					continue;
				if (GELF_ST_TYPE(c.st_info) == STT_FUNC && c.st_value <= ret &&
				    ret < c.st_value + c.st_size) {
					fs = c;
					fname = cn;
					found = 1;
				}
			}
			if (!found)
				continue;
			for (size_t k = 0; k < symsh.sh_size / symsh.sh_entsize; k++) {
				GElf_Sym c;
				const char *cn;

				gelf_getsym(symdata, (int)k, &c);
				cn = elf_strptr(e, symsh.sh_link, c.st_name);
				if (c.st_shndx == sh.sh_info && cn && *cn &&
				    GELF_ST_TYPE(c.st_info) != STT_SECTION && c.st_value > fs.st_value &&
				    c.st_value < best_next)
					best_next = c.st_value;
			}
			if (tsh.sh_addr == 0 && best_next == tsh.sh_size)
				best_next = tsh.sh_size;
			snprintf(out[n].hit, sizeof(out[n].hit), "%s", name + 4);
			snprintf(out[n].sym, sizeof(out[n].sym), "%s", fname);
			snprintf(out[n].text, sizeof(out[n].text), "%s+0x%llx/0x%llx%s%s%s", fname,
				 (unsigned long long)(ret - fs.st_value),
				 (unsigned long long)fs.st_size, module ? " [" : "",
				 module ? module : "", module ? "]" : "");
			snprintf(out[n].ktext, sizeof(out[n].ktext), "%s+0x%llx/0x%llx%s%s%s",
				 fname, (unsigned long long)(ret - fs.st_value),
				 (unsigned long long)(best_next - fs.st_value), module ? " [" : "",
				 module ? module : "", module ? "]" : "");
			n++;
		}
	}
	elf_end(e);
	close(fd);
	return n;
}

/* ---- the reference: eu-addr2line -f -i ---- */

/* "fn@basename:line" per level, joined by spaces. */
static void eu_chain(const char *file, const char *section, uint64_t addr, char *out, size_t n)
{
	char cmd[8192], line[1024], fn[256] = "";
	FILE *fp;
	int expect_fn = 1;
	size_t k = 0;

	snprintf(cmd, sizeof(cmd), "eu-addr2line -f -i -e '%s' %s%s%s 0x%llx 2>/dev/null", file,
		 section ? "-j '" : "", section ? section : "", section ? "'" : "",
		 (unsigned long long)addr);
	out[0] = '\0';
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (expect_fn) {
			sscanf(line, "%255s", fn);
		} else {
			char *colon = strchr(line, ':');
			const char *base;
			unsigned ln = 0;

			if (colon) {
				*colon = '\0';
				ln = (unsigned)strtoul(colon + 1, NULL, 10);
			}
			base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
			k += (size_t)snprintf(out + k, n - k, "%s%s@%s:%u", k ? " " : "", fn, base, ln);
		}
		expect_fn = !expect_fn;
	}
	pclose(fp);
}

static void our_chain(const struct sym_result *r, char *out, size_t n)
{
	size_t k = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < r->nframes; i++) {
		const struct sym_frame *f = &r->frames[i];
		const char *base = f->file ? (strrchr(f->file, '/') ? strrchr(f->file, '/') + 1
								     : f->file) : "??";

		k += (size_t)snprintf(out + k, n - k, "%s%s@%s:%u", k ? " " : "",
				      f->function ? f->function : "??", base, f->line);
	}
}

/* ---- helpers ---- */

static struct symbols *svc(const char *vmlinux, const char *moddir)
{
	struct symbols_opts o;
	static const char *dirs[1];
	struct pt_err err;
	struct symbols *s;

	symbols_opts_init(&o);
	o.vmlinux = vmlinux;
	if (moddir) {
		dirs[0] = moddir;
		o.module_dirs = dirs;
		o.nmodule_dirs = 1;
	}
	s = symbols_new(&o, &err);
	ck_assert_msg(s != NULL, "symbols_new: %s", err.msg);
	return s;
}

static const struct sym_result *res(struct symbols *s, const char *text)
{
	const struct sym_result *r = symbols_resolve_now(s, text, strlen(text));

	ck_assert_ptr_nonnull(r);
	return r;
}

/* The expected chain of a sink: marks, innermost first. */
static void expected(const char *hit, char *out, size_t n)
{
	static const struct { const char *hit, *marks[4]; } table[] = {
		{ "inl", { "inl", "inl_middle", "inl_outer" } },
		{ "direct", { "direct" } },
		{ "dup_a", { "dup_a" } },
		{ "dup_b", { "dup_b" } },
		{ "cold", { "cold" } },
		{ "llvm", { "llvm" } },
		{ "plain", { "plain" } },
		{ "clang_inl", { "clang_inl", "clang_outer" } },
		{ "clang", { "clang" } },
	};
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (strcmp(table[i].hit, hit) != 0)
			continue;
		for (size_t j = 0; j < 4 && table[i].marks[j]; j++) {
			const struct mark *m = mark(table[i].marks[j]);

			k += (size_t)snprintf(out + k, n - k, "%s%s@%s:%u", k ? " " : "", m->fn,
					      m->file, m->line);
		}
		return;
	}
	ck_abort_msg("no expectation for hit_%s", hit);
}

/* Resolves every frame of an object and compares with the marks and eu-addr2line. */
static void check_object(const char *path, const char *module, struct symbols *s,
			 int use_eu, unsigned *checked)
{
	struct tframe fr[64];
	size_t n = make_frames(path, module, fr, ARRAY_SIZE(fr));

	ck_assert_int_gt((int)n, 0);
	for (size_t i = 0; i < n; i++) {
		char want[1024], got[1024], eu[1024];
		const struct sym_result *r;

		if (strcmp(fr[i].hit, "same") == 0)
			continue; /* the twins: test_ambiguous */
		if (strcmp(fr[i].hit, "plain") == 0) {
			/* the frame carries a suffix the ELF name has not */
			char *plus = strchr(fr[i].text, '+');
			char t[256];

			snprintf(t, sizeof(t), "plain.llvm.777%s", plus);
			snprintf(fr[i].text, sizeof(fr[i].text), "%s", t);
		}
		if (strncmp(fr[i].text, "renamed.llvm.4242", 17) == 0) {
			/* kallsyms prints ThinLTO names without the suffix */
			char t[256];

			snprintf(t, sizeof(t), "renamed%s", fr[i].text + 17);
			snprintf(fr[i].text, sizeof(fr[i].text), "%s", t);
		}
		expected(fr[i].hit, want, sizeof(want));
		r = res(s, fr[i].text);
		ck_assert_msg(r->status == SYM_OK, "%s: %s (%s)", fr[i].text,
			      sym_status_name(r->status), r->reason ? r->reason : "");
		our_chain(r, got, sizeof(got));
		ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got  %s\n  want %s", fr[i].text, got,
			      want);
		(*checked)++;
		if (use_eu && have_eu) {
			eu_chain(path, module ? r->section : NULL,
				 module ? r->section_offset : r->addr, eu, sizeof(eu));
			ck_assert_msg(strcmp(got, eu) == 0, "%s:\n  pagetop      %s\n  eu-addr2line %s",
				      fr[i].text, got, eu);
		}
		/* the kernel's size (distance to the next symbol) finds the same */
		if (strcmp(fr[i].ktext, fr[i].text) != 0 && strcmp(fr[i].hit, "plain") &&
		    strcmp(fr[i].hit, "llvm")) {
			r = res(s, fr[i].ktext);
			ck_assert_msg(r->status == SYM_OK, "%s: %s (%s)", fr[i].ktext,
				      sym_status_name(r->status), r->reason ? r->reason : "");
			our_chain(r, got, sizeof(got));
			ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got  %s\n  want %s",
				      fr[i].ktext, got, want);
		}
	}
}

/* ---- tests ---- */

START_TEST(test_vmlinux)
{
	struct symbols *s = svc(P("vmlinux"), NULL);
	unsigned checked = 0;

	check_object(P("vmlinux"), NULL, s, 1, &checked);
	ck_assert_uint_ge(checked, 7); /* inl, direct, dup_a, dup_b, cold, llvm, plain */
	symbols_free(s);
}
END_TEST

START_TEST(test_modules)
{
	struct symbols *s = svc(NULL, P("mods"));
	unsigned checked = 0;

	check_object(P("mods/inl.ko"), "inl", s, 1, &checked);
	check_object(P("mods/kernel/x/dups.ko"), "dups", s, 1, &checked);
	ck_assert_uint_ge(checked, 5);
	symbols_free(s);
}
END_TEST

START_TEST(test_cold)
{
	struct symbols *s = svc(P("vmlinux"), NULL);
	struct tframe fr[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	int seen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct sym_result *r;

		if (strcmp(fr[i].hit, "cold") != 0)
			continue;
		/* gcc moved the unlikely branch out of hot() */
		ck_assert_msg(strstr(fr[i].sym, ".cold") != NULL, "hit_cold is called from %s",
			      fr[i].sym);
		r = res(s, fr[i].text);
		ck_assert_int_eq(r->status, SYM_OK);
		ck_assert_str_eq(r->frames[0].function, "hot");
		ck_assert_uint_eq(r->frames[0].line, mark("cold")->line);
		ck_assert_str_eq(r->section, ".text");
		seen = 1;
	}
	ck_assert(seen);
	symbols_free(s);
}
END_TEST

START_TEST(test_clang_no_aranges)
{
	struct symbols *s;
	unsigned checked = 0;
	char cmd[8192];

	/* the point of this object: no .debug_aranges */
	snprintf(cmd, sizeof(cmd), "eu-readelf -S %s 2>/dev/null | grep -q debug_aranges || "
		 "readelf -S %s | grep -q debug_aranges", P("mods/clangmod.ko"),
		 P("mods/clangmod.ko"));
	ck_assert_msg(system(cmd) != 0, "clang's object has .debug_aranges");
	s = svc(NULL, P("mods"));
	/* markers only: libdw's own lookups need aranges, so eu-addr2line may not know */
	check_object(P("mods/clangmod.ko"), "clangmod", s, 0, &checked);
	ck_assert_uint_eq(checked, 2);
	symbols_free(s);
}
END_TEST

START_TEST(test_ambiguous)
{
	struct symbols *s = svc(NULL, P("mods"));
	struct tframe fr[64];
	size_t n = make_frames(P("mods/kernel/x/dups.ko"), "dups", fr, ARRAY_SIZE(fr));
	int seen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct sym_result *r;

		if (strcmp(fr[i].hit, "same") != 0)
			continue;
		r = res(s, fr[i].text);
		ck_assert_msg(r->status == SYM_AMBIGUOUS, "%s: %s", fr[i].text,
			      sym_status_name(r->status));
		ck_assert_uint_eq(r->ncandidates, 2);
		ck_assert_ptr_nonnull(strstr(r->reason, "twin"));
		ck_assert_uint_eq(r->nframes, 0);
		seen++;
	}
	ck_assert_int_eq(seen, 2); /* both twins call hit_same: the same frame text twice */
	symbols_free(s);
}
END_TEST

START_TEST(test_compressed)
{
	const char *variants[][2] = { { "inlxz", "mods/inlxz.ko.xz" },
				      { "inlgz", "mods/inlgz.ko.gz" },
				      { "my_mod", "mods/my-mod.ko" },
				      { "inlzst", "mods/inlzst.ko.zst" } };
	struct symbols *s = svc(P("vmlinux.xz"), P("mods"));
	unsigned checked = 0;

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		struct tframe fr[64];
		size_t n = make_frames(P("mods/inl.ko"), variants[v][0], fr, ARRAY_SIZE(fr));

		if (strcmp(variants[v][0], "inlzst") == 0 && !have_zstd)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct sym_result *r = res(s, fr[i].text);
			char want[512], got[512];

			if (strcmp(fr[i].hit, "same") == 0)
				continue;
#ifndef HAVE_ZSTD
			if (strcmp(variants[v][0], "inlzst") == 0) {
				ck_assert_int_eq(r->status, SYM_NO_DEBUG);
				ck_assert_ptr_nonnull(strstr(r->reason, "zstd"));
				continue;
			}
#endif
			ck_assert_msg(r->status == SYM_OK, "%s: %s", fr[i].text, r->reason);
			expected(fr[i].hit, want, sizeof(want));
			our_chain(r, got, sizeof(got));
			ck_assert_str_eq(got, want);
			checked++;
		}
	}
	/* and vmlinux from .xz and .gz */
	check_object(P("vmlinux"), NULL, s, 0, &checked);
	symbols_free(s);
	s = svc(P("vmlinux.gz"), NULL);
	check_object(P("vmlinux"), NULL, s, 0, &checked);
	symbols_free(s);
	ck_assert_uint_ge(checked, 12);
}
END_TEST

/* xz data whose first block asks for another dictionary: LZMA2's size code d in the
 * block header (2^(d/2 + 12) bytes for an even d), its CRC32 made anew. */
static void xz_set_dict(unsigned char *z, unsigned char d)
{
	size_t h = 12, hs = ((size_t)z[h] + 1) * 4, i = h + 2;
	uint32_t crc;

	for (int k = 0; k < 2; k++) /* compressed and uncompressed sizes, when given */
		if (z[h + 1] & (0x40 << k))
			while (z[i++] & 0x80)
				;
	ck_assert_uint_eq(z[i], 0x21); /* LZMA2 */
	ck_assert_uint_eq(z[i + 1], 1);
	z[i + 2] = d;
	crc = (uint32_t)crc32(0, z + h, (uInt)(hs - 4));
	for (int k = 0; k < 4; k++)
		z[h + hs - 4 + k] = (unsigned char)(crc >> (8 * k));
}

static void expect_no_debug(struct symbols *s, const char *frame, const char *why)
{
	const struct sym_result *r = res(s, frame);

	ck_assert_msg(r->status == SYM_NO_DEBUG, "%s: %s", frame, sym_status_name(r->status));
	ck_assert_ptr_nonnull(r->reason);
	ck_assert_msg(strstr(r->reason, why) != NULL, "%s: reason '%s' lacks '%s'", frame,
		      r->reason, why);
	ck_assert_uint_eq(r->nframes, 0);
}

/* Lines a recording carries answer a frame only when its object has no usable debug
 * info: real DWARF wins, a missing file gives the carried lines as "ok". */
START_TEST(test_carried)
{
	const struct sym_frame fake[2] = {
		{ "carried_inner", "/build/lib/carried.c", "/build/lib/carried.c" + 7, 12, 3, NULL },
		{ "outer", "/build/lib/outer.c", "/build/lib/outer.c" + 7, 40, 1, NULL },
	};
	struct symbols *real, *none;
	const struct sym_result *r;
	struct symbols_progress p;
	uint64_t asked;

	sym_carry_add("outer+0x5/0x20", 14, fake, 2);
	ck_assert_uint_eq(sym_carry_count(), 1);
	/* the first answer for a text stays */
	sym_carry_add("outer+0x5/0x20", 14, fake + 1, 1);
	real = svc(P("vmlinux"), NULL);
	r = res(real, "outer+0x5/0x20");
	ck_assert_int_eq(r->status, SYM_OK);
	ck_assert_str_ne(r->frames[0].function, "carried_inner");
	none = svc(P("missing-vmlinux"), NULL);
	r = res(none, "outer+0x5/0x20");
	ck_assert_int_eq(r->status, SYM_OK);
	ck_assert_uint_eq(r->nframes, 2);
	ck_assert_str_eq(r->frames[0].function, "carried_inner");
	ck_assert_str_eq(r->frames[0].short_file, "lib/carried.c");
	ck_assert_uint_eq(r->frames[0].line, 12);
	ck_assert_str_eq(r->frames[1].function, "outer");
	/* a frame the recording says nothing of stays without lines */
	r = res(none, "middle+0x5/0x20");
	ck_assert_int_eq(r->status, SYM_NO_DEBUG);
	ck_assert_ptr_eq(symbols_get(none, "middle+0x5/0x20", 15), r);
	/* until the recording, read further, carries them: the answer is renewed, the
	 * old one still handed out meanwhile; real debug info is not asked again */
	sym_carry_add("middle+0x5/0x20", 15, fake + 1, 1);
	ck_assert_ptr_eq(symbols_get(none, "middle+0x5/0x20", 15), r);
	symbols_wait(none);
	r = symbols_lookup(none, "middle+0x5/0x20", 15);
	ck_assert_int_eq(r->status, SYM_OK);
	ck_assert_uint_eq(r->nframes, 1);
	ck_assert_str_eq(r->frames[0].function, "outer");
	ck_assert_ptr_eq(res(none, "middle+0x5/0x20"), r);
	r = res(real, "outer+0x5/0x20");
	sym_carry_add("real+0x1/0x2", 12, fake, 1);
	ck_assert_ptr_eq(symbols_get(real, "outer+0x5/0x20", 14), r);
	/* another text's lines do not ask again for a frame that has none */
	ck_assert_int_eq(res(none, "nothing+0x5/0x20")->status, SYM_NO_DEBUG);
	symbols_progress(none, &p);
	asked = p.requested;
	sym_carry_add("other+0x1/0x2", 13, fake, 1);
	ck_assert_int_eq(res(none, "nothing+0x5/0x20")->status, SYM_NO_DEBUG);
	symbols_progress(none, &p);
	ck_assert_uint_eq(p.requested, asked);
	/* resolve_now waits for a renewal asked for */
	r = res(none, "inner+0x1/0x2");
	ck_assert_int_eq(r->status, SYM_NO_DEBUG);
	sym_carry_add("inner+0x1/0x2", 13, fake, 2);
	r = res(none, "inner+0x1/0x2");
	ck_assert_int_eq(r->status, SYM_OK);
	ck_assert_str_eq(r->frames[0].function, "carried_inner");
	symbols_free(real);
	symbols_free(none);
	sym_carry_clear();
	ck_assert_uint_eq(sym_carry_count(), 0);
}
END_TEST

START_TEST(test_failures)
{
	struct symbols *s = svc(P("missing-vmlinux"), P("mods"));
	const struct sym_result *r;
	struct sym_object *objs;
	size_t n;

	expect_no_debug(s, "outer+0x5/0x20", "cannot open");
	expect_no_debug(s, "outer+0x5/0x20 [stripped]", "no debug info");
	expect_no_debug(s, "outer+0x5/0x20 [trunc]", "trunc.ko");
	expect_no_debug(s, "outer+0x5/0x20 [corrupt]", "corrupt.ko");
	expect_no_debug(s, "outer+0x5/0x20 [notelf]", "not an ELF file");
	expect_no_debug(s, "outer+0x5/0x20 [nosuchmod]", "no nosuchmod.ko found");
	r = res(s, "0xffffffffa000028a");
	ck_assert_int_eq(r->status, SYM_RAW);
	ck_assert_ptr_null(r->object);
	r = res(s, "this is not a frame");
	ck_assert_int_eq(r->status, SYM_RAW);
	r = res(s, "no_such_function+0x1/0x10 [inl]");
	ck_assert_int_eq(r->status, SYM_NO_SYMBOL);
	ck_assert_ptr_nonnull(strstr(r->reason, "no_such_function"));
	/* the objects, as --check-symbols shows them */
	n = symbols_objects(s, &objs);
	ck_assert_uint_ge(n, 7);
	for (size_t i = 0; i < n; i++) {
		char adv[1024];

		if (strcmp(objs[i].name, "inl") == 0) {
			ck_assert_int_eq(objs[i].state, SOBJ_UNCHECKED);
			continue;
		}
		ck_assert_msg(objs[i].state != SOBJ_OK && objs[i].state != SOBJ_UNCHECKED, "%s",
			      objs[i].name);
		ck_assert_msg(objs[i].reason[0] != '\0', "%s has no reason", objs[i].name);
		symbols_advice(s, &objs[i], adv, sizeof(adv));
		ck_assert_msg(adv[0] != '\0', "%s has no advice", objs[i].name);
		if (strcmp(objs[i].name, "stripped") == 0)
			ck_assert_int_eq(objs[i].state, SOBJ_NO_DWARF);
		if (strcmp(objs[i].name, "vmlinux") == 0 || strcmp(objs[i].name, "nosuchmod") == 0)
			ck_assert_int_eq(objs[i].state, SOBJ_MISSING);
	}
	free(objs);
	symbols_free(s);
	/* an .xz whose block header asks for a dictionary of 2 GiB: refused, not allocated */
	{
		struct stat st;
		unsigned char *z;
		struct tframe fr[8];
		size_t nf = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
		FILE *fp = fopen(P("vmlinux.xz"), "rb");

		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(fstat(fileno(fp), &st), 0);
		z = xmalloc((size_t)st.st_size);
		ck_assert_uint_eq(fread(z, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
		fclose(fp);
		ck_assert_uint_gt(nf, 0);
		xz_set_dict(z, 38); /* 2^(38/2 + 12) bytes */
		fp = fopen(P("bigdict.xz"), "wb");
		ck_assert_ptr_nonnull(fp);
		ck_assert_uint_eq(fwrite(z, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
		ck_assert_int_eq(fclose(fp), 0);
		free(z);
		s = svc(P("bigdict.xz"), NULL);
		expect_no_debug(s, fr[0].text, "bigdict.xz: the xz data needs more memory to uncompress than the 1024 MiB pagetop allows");
		symbols_free(s);
	}
	/* a named pipe given as vmlinux: refused, not waited on for ever */
	ck_assert_int_eq(mkfifo(P("fifo-vmlinux"), 0600), 0);
	s = svc(P("fifo-vmlinux"), NULL);
	expect_no_debug(s, "outer+0x5/0x20", "fifo-vmlinux: not a regular file");
	symbols_free(s);
	ck_assert_int_eq(unlink(P("fifo-vmlinux")), 0);
}
END_TEST

static void read_hex_id(const char *file, char *hex, size_t n)
{
	char cmd[8192];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "eu-readelf -n '%s' 2>/dev/null | sed -n 's/.*Build ID: *//p' | head -1 || true", file);
	fp = popen(cmd, "r");
	hex[0] = '\0';
	if (fp) {
		if (!fgets(hex, (int)n, fp))
			hex[0] = '\0';
		hex[strcspn(hex, "\n")] = '\0';
		pclose(fp);
	}
}

START_TEST(test_build_ids)
{
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	char id[256];
	struct tframe fr[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	struct symbols_modid mids[1] = { { "inl", "00112233445566778899aabbccddeeff00112233" } };
	const char *dirs[1] = { P("mods") };

	ck_assert_uint_gt(n, 0);
	/* the right one */
	if (have_eu) {
		read_hex_id(P("vmlinux"), id, sizeof(id));
		ck_assert_uint_eq(strlen(id), 40);
		symbols_opts_init(&o);
		o.vmlinux = P("vmlinux");
		o.vmlinux_build_id = id;
		s = symbols_new(&o, &err);
		ck_assert_int_eq(res(s, fr[0].text)->status, SYM_OK);
		{
			struct sym_object *objs;
			size_t k = symbols_objects(s, &objs);

			ck_assert_uint_eq(k, 1);
			ck_assert_int_eq(objs[0].state, SOBJ_OK);
			ck_assert_str_eq(objs[0].build_id, id);
			free(objs);
		}
		symbols_free(s);
	}
	/* another build: no lines at all */
	symbols_opts_init(&o);
	o.vmlinux = P("vmlinux");
	o.vmlinux_build_id = "0123456789abcdef0123456789abcdef01234567";
	o.module_dirs = dirs;
	o.nmodule_dirs = 1;
	o.module_ids = mids;
	o.nmodule_ids = 1;
	s = symbols_new(&o, &err);
	for (size_t i = 0; i < n; i++)
		expect_no_debug(s, fr[i].text, "another build");
	expect_no_debug(s, "outer+0x5/0x20 [inl]", "another build");
	symbols_free(s);

	/* live: the ids from sysfs (inl's matches; dups got inl's note: another build) */
	symbols_opts_init(&o);
	o.vmlinux = P("vmlinux");
	o.module_dirs = dirs;
	o.nmodule_dirs = 1;
	o.live = 1;
	o.sysfs = P("sys");
	s = symbols_new(&o, &err);
	ck_assert_int_eq(res(s, fr[0].text)->status, SYM_OK);
	{
		struct tframe mf[64];
		size_t k = make_frames(P("mods/inl.ko"), "inl", mf, ARRAY_SIZE(mf));

		ck_assert_uint_gt(k, 0);
		ck_assert_int_eq(res(s, mf[0].text)->status, SYM_OK);
	}
	expect_no_debug(s, "helper+0x5/0xd [dups]", "another build");
	{
		struct sym_object *objs;
		size_t k = symbols_objects(s, &objs);

		for (size_t i = 0; i < k; i++)
			if (strcmp(objs[i].name, "dups") == 0)
				ck_assert_int_eq(objs[i].state, SOBJ_MISMATCH);
			else
				ck_assert_int_eq(objs[i].state, SOBJ_OK);
		free(objs);
	}
	symbols_free(s);
}
END_TEST

START_TEST(test_distribution_layout)
{
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	struct tframe fr[64], mf[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	size_t k = make_frames(P("mods/inl.ko"), "inl", mf, ARRAY_SIZE(mf));
	const struct sym_result *r;

	symbols_opts_init(&o);
	o.root = P("root");
	o.release = "9.9.9-t";
	s = symbols_new(&o, &err);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_gt(k, 0);
	r = res(s, fr[0].text);
	ck_assert_msg(r->status == SYM_OK, "%s", r->reason);
	r = res(s, mf[0].text);
	ck_assert_msg(r->status == SYM_OK, "%s", r->reason);
	symbols_free(s);

	/* no release: nothing to look for, and it says what to give */
	symbols_opts_init(&o);
	o.root = P("root");
	s = symbols_new(&o, &err);
	expect_no_debug(s, fr[0].text, "--vmlinux");
	symbols_free(s);
}
END_TEST

/* A module folder's walk stays in it (a linked folder leads elsewhere: not followed; a
 * linked module file is taken) and stops after walk_max entries, saying so. */
START_TEST(test_module_walk)
{
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	struct tframe mf[64];
	size_t k = make_frames(P("mods/inl.ko"), "inl", mf, ARRAY_SIZE(mf));
	const char *dirs[1] = { P("walk") };
	const struct sym_result *r;

	ck_assert_uint_gt(k, 0);
	ck_assert_int_eq(sh("mkdir -p %s/walk/a %s/elsewhere && cp %s/mods/inl.ko %s/elsewhere/ && "
			    "ln -s %s/elsewhere %s/walk/a/linked && "
			    "ln -s %s/mods/kernel/x/dups.ko %s/walk/dups.ko && "
			    "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do : > %s/walk/a/f$i; done",
			    tmp, tmp, tmp, tmp, tmp, tmp, tmp, tmp, tmp), 0);
	symbols_opts_init(&o);
	o.module_dirs = dirs;
	o.nmodule_dirs = 1;
	s = symbols_new(&o, &err);
	expect_no_debug(s, mf[0].text, "no inl.ko found");
	r = res(s, "helper+0x5/0xd [dups]");
	ck_assert_msg(r->status != SYM_NO_DEBUG, "dups: %s", r->reason);
	symbols_free(s);

	o.walk_max = 5;
	s = symbols_new(&o, &err);
	expect_no_debug(s, "helper+0x5/0xd [nosuch]", "and stopped after 5 entries in a folder");
	symbols_free(s);
}
END_TEST

/* Warnings, caught. */
static char warned[4][1024];
static int nwarned;

static void warn_catch(const char *msg)
{
	if (nwarned < 4)
		snprintf(warned[nwarned], sizeof(warned[0]), "%s", msg);
	nwarned++;
}

/* No object was looked for in a file (none used, none rejected). */
static void expect_no_file(struct symbols *s, const char *release)
{
	struct sym_object *objs;
	size_t k = symbols_objects(s, &objs);

	ck_assert_uint_gt(k, 0);
	for (size_t i = 0; i < k; i++)
		ck_assert_msg(objs[i].path[0] == '\0', "release '%s': %s used %s", release,
			      objs[i].name, objs[i].path);
	free(objs);
}

/* A release from a recording, a snapshot folder or the caller never leads out of the
 * debug info's folders: the readers drop what uname -r could not print, and the path
 * builders refuse it too. So does a module name in a frame. */
START_TEST(test_untrusted_release)
{
	static const char *const bad[] = { "../../planted", "../..", "9.9.9-t/../../../planted",
					   "../../../../../..", "/planted" };
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	struct tframe fr[64], mf[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	size_t k = make_frames(P("mods/inl.ko"), "inl", mf, ARRAY_SIZE(mf));
	const struct sym_result *r;
	struct source *src;
	struct source_opts so;
	const char *path;
	char text[2048], want[4096];
	FILE *fp;

	ck_assert_uint_gt(n, 0);
	ck_assert_uint_gt(k, 0);
	/* the symbols service itself */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		symbols_opts_init(&o);
		o.root = P("root");
		o.release = bad[i];
		s = symbols_new(&o, &err);
		r = res(s, fr[0].text);
		ck_assert_msg(r->status == SYM_NO_DEBUG, "release '%s': %s", bad[i],
			      sym_status_name(r->status));
		snprintf(want, sizeof(want), "'%s' is not a kernel release", bad[i]);
		ck_assert_msg(strstr(r->reason, want) != NULL, "release '%s': %s", bad[i], r->reason);
		r = res(s, mf[0].text);
		ck_assert_msg(r->status == SYM_NO_DEBUG, "release '%s': inl: %s", bad[i],
			      sym_status_name(r->status));
		expect_no_file(s, bad[i]);
		symbols_free(s);
	}
	/* a module name that is not one */
	symbols_opts_init(&o);
	o.root = P("root");
	o.release = "9.9.9-t";
	o.live = 1;
	o.sysfs = P("sys");
	s = symbols_new(&o, &err);
	expect_no_debug(s, "outer+0x5/0x20 [../../kernel]", "'../../kernel' is not a module name");
	expect_no_debug(s, "outer+0x5/0x20 [a b]", "'a b' is not a module name");
	symbols_free(s);

	/* a recording whose release leads to the planted vmlinux */
	path = P("evil.ptrec");
	snprintf(text, sizeof(text), "#pagetop-recording 1\nmeta kernel-release ../../planted\n"
		 "s 1 0 1\nf %s\nt 0 1.000000 1\nc 1 5\ne 0 1\nend 1\n", fr[0].text);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	source_opts_init(&so);
	nwarned = 0;
	diag_set_sink(warn_catch);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	diag_set_sink(NULL);
	ck_assert_int_eq(nwarned, 1);
	snprintf(want, sizeof(want), "%s:2: kernel-release '../../planted' is not a kernel release; ignored",
		 path);
	ck_assert_str_eq(warned[0], want);
	symbols_opts_init(&o);
	o.root = P("root");
	o.release = source_meta(src)->kernel_release;
	s = symbols_new(&o, &err);
	expect_no_debug(s, fr[0].text, "no kernel release is known");
	expect_no_file(s, "(the recording's)");
	symbols_free(s);
	source_close(src);

	/* a folder whose release leads to the root of the layout, and its modules */
	path = P("evil-folder");
	snprintf(text, sizeof(text), "mkdir -p %s && printf '../..\\n' > %s/kernel-release && "
		 "printf ' %s\\nnr_base_pages: 1\\n\\n' > %s/0001.show_stacks", path, path,
		 mf[0].text, path);
	ck_assert_int_eq(system(text), 0);
	nwarned = 0;
	diag_set_sink(warn_catch);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	diag_set_sink(NULL);
	ck_assert_int_eq(nwarned, 1);
	snprintf(want, sizeof(want), "%s/kernel-release:1: kernel-release '../..' is not a kernel release; ignored",
		 path);
	ck_assert_str_eq(warned[0], want);
	symbols_opts_init(&o);
	o.root = P("root");
	o.release = source_meta(src)->kernel_release;
	s = symbols_new(&o, &err);
	expect_no_debug(s, mf[0].text, "no inl.ko found");
	expect_no_file(s, "(the folder's)");
	symbols_free(s);
	source_close(src);
}
END_TEST

START_TEST(test_source_text)
{
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	struct tframe fr[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	const char *dirs[1] = { SRC };
	char map[8192];
	const char *maps[1] = { map };

	for (int pass = 0; pass < 3; pass++) {
		symbols_opts_init(&o);
		o.vmlinux = P("vmlinux");
		if (pass == 1) {
			o.source_dirs = dirs;
			o.nsource_dirs = 1;
		} else if (pass == 2) {
			snprintf(map, sizeof(map), "%s/src=%s", tmp, SRC);
			o.source_maps = maps;
			o.nsource_maps = 1;
		}
		s = symbols_new(&o, &err);
		for (size_t i = 0; i < n; i++) {
			const struct sym_result *r;
			const struct mark *m;

			if (strcmp(fr[i].hit, "inl") != 0 && strcmp(fr[i].hit, "direct") != 0)
				continue;
			r = res(s, fr[i].text);
			ck_assert_int_eq(r->status, SYM_OK);
			m = mark(fr[i].hit);
			if (pass == 0) {
				/* the compilation folder is gone */
				ck_assert_ptr_null(r->frames[0].source);
			} else {
				ck_assert_ptr_nonnull(r->frames[0].source);
				ck_assert_str_eq(r->frames[0].source, m->text);
				ck_assert_str_eq(r->frames[0].short_file, m->file);
			}
		}
		symbols_free(s);
	}
}
END_TEST

/* Source text only beneath --source-dir and the NEW of --source-map: a file name in
 * the debug info is data of whoever built the file. esc.ko's calls are said to be on
 * line 3 of: "sub/../../secret.c" (leads out of a source dir by ".."), "link.c" (a
 * link in the source dir to a file outside), ESC/secret.c (absolute: the file exists,
 * outside every source dir), "sub/../inside.c" and "inlink.c" (a link to a file in the
 * source dir): these two stay inside; "big.c" is inside too, but of 64 MiB and a byte,
 * more than a source file is read of. */
START_TEST(test_source_beneath)
{
	static const char *const calls[] = { "dotdot", "link", "abs", "inside", "inlink", "big" };
	struct symbols_opts o;
	struct pt_err err;
	struct symbols *s;
	struct tframe fr[16];
	const char *mdirs[1] = { P("esc/mods") };
	const char *sdirs[1] = { P("esc/dir") };
	char map[4096];
	const char *maps[1] = { map };
	FILE *fp;
	size_t n;

	ck_assert_int_eq(sh("mkdir -p %s/esc/build %s/esc/mods %s/esc/dir/sub && cd %s/esc && "
			    "printf 'SECRET 1\\nSECRET 2\\nSECRET 3\\n' > secret.c && "
			    "printf 'inside 1\\ninside 2\\ninside 3\\n' > dir/inside.c && "
			    "ln -s ../secret.c dir/link.c && ln -s inside.c dir/inlink.c && "
			    "printf 'big 1\\nbig 2\\nbig 3\\n' > dir/big.c && truncate -s 67108865 dir/big.c",
			    tmp, tmp, tmp, tmp), 0);
	fp = fopen(P("esc/build/esc.c"), "w");
	ck_assert_ptr_nonnull(fp);
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		fprintf(fp, "void hit_%s(void);\n", calls[i]);
	fprintf(fp, "#line 3 \"sub/../../secret.c\"\n"
		"__attribute__((noinline)) void esc_dotdot(void) { hit_dotdot(); }\n"
		"#line 3 \"link.c\"\n"
		"__attribute__((noinline)) void esc_link(void) { hit_link(); }\n"
		"#line 3 \"%s/esc/secret.c\"\n"
		"__attribute__((noinline)) void esc_abs(void) { hit_abs(); }\n"
		"#line 3 \"sub/../inside.c\"\n"
		"__attribute__((noinline)) void esc_inside(void) { hit_inside(); }\n"
		"#line 3 \"inlink.c\"\n"
		"__attribute__((noinline)) void esc_inlink(void) { hit_inlink(); }\n"
		"#line 3 \"big.c\"\n"
		"__attribute__((noinline)) void esc_big(void) { hit_big(); }\n", tmp);
	fclose(fp);
	ck_assert_int_eq(sh("cd %s/esc/build && gcc " CFLAGS " -c esc.c -o esc.o && "
			    "ld -r -o ../mods/esc.ko esc.o", tmp), 0);
	n = make_frames(P("esc/mods/esc.ko"), "esc", fr, ARRAY_SIZE(fr));
	ck_assert_uint_eq(n, ARRAY_SIZE(calls));

	/* none given: nothing read, not even the absolute name that exists */
	for (int pass = 0; pass < 3; pass++) {
		symbols_opts_init(&o);
		o.module_dirs = mdirs;
		o.nmodule_dirs = 1;
		if (pass == 1) {
			o.source_dirs = sdirs;
			o.nsource_dirs = 1;
		} else if (pass == 2) {
			snprintf(map, sizeof(map), "%s/esc/build=%s/esc/dir", tmp, tmp);
			o.source_maps = maps;
			o.nsource_maps = 1;
		}
		s = symbols_new(&o, &err);
		for (size_t i = 0; i < n; i++) {
			const struct sym_result *r = res(s, fr[i].text);
			int inside = strcmp(fr[i].hit, "inside") == 0 || strcmp(fr[i].hit, "inlink") == 0;

			ck_assert_msg(r->status == SYM_OK, "%s: %s", fr[i].text, r->reason);
			ck_assert_uint_eq(r->frames[0].line, 3);
			if (pass && inside) {
				ck_assert_msg(r->frames[0].source != NULL, "pass %d, %s: no source",
					      pass, fr[i].hit);
				ck_assert_str_eq(r->frames[0].source, "inside 3");
			} else {
				ck_assert_msg(r->frames[0].source == NULL, "pass %d, %s (%s): read '%s'",
					      pass, fr[i].hit, r->frames[0].file, r->frames[0].source);
			}
		}
		symbols_free(s);
	}
}
END_TEST

START_TEST(test_service)
{
	struct symbols *s = svc(P("vmlinux"), NULL);
	struct tframe fr[64];
	size_t n = make_frames(P("vmlinux"), NULL, fr, ARRAY_SIZE(fr));
	const struct sym_result *r;
	struct symbols_progress p;
	struct pollfd pfd;

	ck_assert_uint_gt(n, 0);
	/* nothing asked, nothing known */
	ck_assert_ptr_null(symbols_lookup(s, fr[0].text, strlen(fr[0].text)));
	for (size_t i = 0; i < n; i++)
		symbols_request(s, fr[i].text, strlen(fr[i].text));
	/* the same frame, with the kernel's leading space: the same question */
	{
		char t[300];

		snprintf(t, sizeof(t), " %s", fr[0].text);
		symbols_request(s, t, strlen(t));
	}
	pfd.fd = symbols_fd(s);
	pfd.events = POLLIN;
	ck_assert_int_ge(pfd.fd, 0);
	ck_assert_int_eq(poll(&pfd, 1, 20000), 1);
	symbols_drain(s);
	symbols_wait(s);
	symbols_progress(s, &p);
	ck_assert_uint_eq(p.requested, p.answered);
	ck_assert_uint_le(p.requested, n);
	ck_assert_str_eq(p.loading, "");
	r = symbols_lookup(s, fr[0].text, strlen(fr[0].text));
	ck_assert_ptr_nonnull(r);
	{
		char t[300];

		snprintf(t, sizeof(t), " %s\n", fr[0].text);
		ck_assert_ptr_eq(symbols_lookup(s, t, strlen(t)), r);
	}
	{
		char obj[64];

		ck_assert_int_eq(symbols_frame_object("x+0x1/0x2 [brd]", 15, obj, sizeof(obj)), 0);
		ck_assert_str_eq(obj, "brd");
		ck_assert_int_eq(symbols_frame_object("x+0x1/0x2", 9, obj, sizeof(obj)), 0);
		ck_assert_str_eq(obj, "vmlinux");
		ck_assert_int_eq(symbols_frame_object("0xffffffff81000000", 18, obj, sizeof(obj)), -1);
	}
	symbols_free(s);
	/* a service never asked anything loads nothing */
	s = svc(P("missing-vmlinux"), NULL);
	{
		struct sym_object *objs;

		ck_assert_uint_eq(symbols_objects(s, &objs), 0);
		free(objs);
	}
	symbols_free(s);
}
END_TEST

static Suite *symbols_suite(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_vmlinux);
	tcase_add_test(tc, test_modules);
	tcase_add_test(tc, test_cold);
	if (have_clang)
		tcase_add_test(tc, test_clang_no_aranges);
	tcase_add_test(tc, test_ambiguous);
	tcase_add_test(tc, test_compressed);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_carried);
	tcase_add_test(tc, test_build_ids);
	tcase_add_test(tc, test_distribution_layout);
	tcase_add_test(tc, test_untrusted_release);
	tcase_add_test(tc, test_module_walk);
	tcase_add_test(tc, test_source_text);
	tcase_add_test(tc, test_source_beneath);
	tcase_add_test(tc, test_service);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	/* the objects are built here: without gcc and binutils nothing can run */
	if (!test_require_cmd("gcc", "gcc") || !test_require_cmd("objcopy", "binutils"))
		return test_exit_status(0);
	have_clang = test_require_cmd("clang", "clang");
	have_eu = test_require_cmd("eu-addr2line", "elfutils");
	have_zstd = test_require_cmd("zstd", "zstd");
	if (build() < 0) {
		cleanup();
		return 99;
	}
	read_marks();
	sr = srunner_create(symbols_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cleanup();
	return test_exit_status(failed);
}
