/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols.h - frames to source lines, offline, with libdw (elfutils).
 *
 * A frame as the kernel prints it ("brd_submit_bio+0x28d/0x42b [brd]") is resolved
 * against the symbol table and DWARF of vmlinux, or of the module's .ko: the symbol of
 * that name (among duplicates, the one of that size), plus the offset, minus one (every
 * frame is a return address: the call site is the instruction before it). The answer is
 * what `eu-addr2line -f -i` prints for that address: the innermost function with its
 * file:line:column, then the functions it was inlined into with their call sites.
 *
 * The service: one thread owns the libdw session (libdw is not promised to be
 * thread-safe). Callers ask with symbols_request() and never wait; symbols_lookup()
 * returns NULL while the answer is pending. Answers are cached for the service's life,
 * keyed by the frame text. Nothing is loaded before the first request: creating a
 * service is cheap. Batch output calls symbols_wait().
 *
 * Honesty rules: a bare 0xADDR frame stays raw; an object whose build id differs from
 * the kernel's (live: /sys/kernel/notes, /sys/module/NAME/notes; recordings: the ids
 * they carry) gets no lines at all, with the reason; several same-named, same-sized
 * symbols that resolve differently are "ambiguous", never a guess. doc/symbols.md. */
#ifndef PAGETOP_SYMBOLS_H
#define PAGETOP_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Version of the libdw in use, for --version. */
const char *symbols_libdw_version(void);

struct symbols_modid {
	const char *name;   /* module name as in frames ("brd") */
	const char *hex;    /* its GNU build id, lowercase hex */
};

struct symbols_opts {
	const char *vmlinux;                 /* --vmlinux (may be compressed), or NULL */
	const char *const *module_dirs;      /* --modules, searched first, in order */
	size_t nmodule_dirs;
	const char *release;                 /* kernel release for the default paths */
	const char *vmlinux_build_id;        /* expected (hex), NULL: unknown */
	const struct symbols_modid *module_ids; /* expected module build ids */
	size_t nmodule_ids;
	int live;          /* expected ids from sysfs: /sys/kernel/notes and
			      /sys/module/NAME/notes (a module not listed there: unknown) */
	const char *sysfs;                   /* default "/sys" (a test hook) */
	const char *root;  /* prefix of the distribution paths, default "" (a test hook) */
	unsigned walk_max; /* entries a module folder's walk looks at, 0: 500,000 (a test
			      hook) */
	const char *const *source_dirs;      /* --source-dir: where source trees are */
	size_t nsource_dirs;
	const char *const *source_maps;      /* --source-map OLD=NEW (like gdb's
						substitute-path), first match wins */
	size_t nsource_maps;
	int preload;       /* load vmlinux as soon as the thread starts (batch --expand) */
};
void symbols_opts_init(struct symbols_opts *o);

enum sym_status {
	SYM_OK = 0,        /* frames[] hold the answer */
	SYM_RAW,           /* a bare address, or text that is not a frame: shown as is */
	SYM_NO_DEBUG,      /* the object has no usable debug info: reason says why */
	SYM_NO_SYMBOL,     /* no such symbol in the object */
	SYM_AMBIGUOUS,     /* several symbols of that name and size, different answers */
	SYM_NO_LINE,       /* the symbol is there, its address has no line information */
};
const char *sym_status_name(enum sym_status s); /* "ok", "raw", "no_debug", ... */

struct sym_frame {
	const char *function;   /* NULL: unknown */
	const char *file;       /* as DWARF has it (absolute under the build directory) */
	const char *short_file; /* relative to the compilation directory when under it */
	unsigned line, column;  /* 0: unknown */
	const char *source;     /* the text of that line, when the source file was found */
};

struct sym_result {
	enum sym_status status;
	const char *reason;      /* translated, for every status but SYM_OK (else NULL) */
	const char *object;      /* "vmlinux" or the module name; NULL when raw */
	/* SYM_OK (and SYM_NO_LINE for function): frames[0] is the innermost (its line is
	 * the call site itself), each next one the function it was inlined into, with the
	 * line of the inlined call; the last is the function the symbol belongs to. */
	unsigned nframes;
	const struct sym_frame *frames;
	/* where it was looked up (for tests and eu-addr2line): the address in the object's
	 * offline layout, the ELF section holding it and the offset in that section */
	uint64_t addr;
	const char *section;
	uint64_t section_offset;
	unsigned ncandidates;    /* symbols of that name that fit (ambiguous: > 1) */
};

struct symbols;

/* Returns NULL with err only when the thread cannot start. Missing files are not
 * errors here: they turn into per-object SYM_NO_DEBUG answers and symbols_objects(). */
struct symbols *symbols_new(const struct symbols_opts *o, struct pt_err *err);
void symbols_free(struct symbols *s);

/* Asks for a frame (text as printed by the kernel, without the leading space). Never
 * blocks on libdw; cheap when it was asked before. */
void symbols_request(struct symbols *s, const char *text, size_t len);
/* The answer, or NULL while it is pending or was never requested. The pointer stays
 * valid until symbols_free(). */
const struct sym_result *symbols_lookup(struct symbols *s, const char *text, size_t len);
/* Both: requests when needed, returns the answer or NULL while pending. */
const struct sym_result *symbols_get(struct symbols *s, const char *text, size_t len);
/* Waits until every request so far is answered. */
void symbols_wait(struct symbols *s);
/* Tests: while on, no request is answered, as while a slow debug info loads. */
void symbols_hold(struct symbols *s, int on);
/* Requests and waits for that answer (and every other pending one): for tests. */
const struct sym_result *symbols_resolve_now(struct symbols *s, const char *text, size_t len);

/* A descriptor that becomes readable when answers arrived (poll it with the keyboard);
 * symbols_drain() clears it. */
int symbols_fd(const struct symbols *s);
void symbols_drain(struct symbols *s);

struct symbols_progress {
	uint64_t requested, answered;
	char loading[80];  /* object being loaded ("vmlinux"), "" when none */
};
void symbols_progress(struct symbols *s, struct symbols_progress *p);

/* ---- the objects, for --check-symbols and the UI's panel ---- */

enum sym_obj_state {
	SOBJ_UNUSED = 0,   /* no frame asked for it yet */
	SOBJ_OK,           /* debug info loaded, build id matches */
	SOBJ_UNCHECKED,    /* debug info loaded, no build id known to compare with */
	SOBJ_MISSING,      /* no file found */
	SOBJ_MISMATCH,     /* found, but another build: no lines shown */
	SOBJ_NO_DWARF,     /* found, stripped (no .debug_info) */
	SOBJ_BAD,          /* unreadable or corrupt */
};

struct sym_object {
	char name[64];           /* "vmlinux" or the module's name */
	enum sym_obj_state state;
	char path[512];          /* the file used (or rejected), "" when none */
	char build_id[130];      /* of that file, "" when unknown */
	char expected_id[130];   /* of the kernel's object, "" when unknown */
	char reason[512];        /* translated, "" when OK */
	uint64_t frames;         /* distinct frames asked for in this object */
	uint64_t resolved;       /* of which answered with lines */
};
/* A copy of the objects seen so far; *out is malloc'ed. Returns how many. */
size_t symbols_objects(struct symbols *s, struct sym_object **out);
/* Translated advice on getting debug info for an object in that state, for this
 * system (Debian/Ubuntu, Fedora/RHEL, or a self-built kernel): a few lines. */
void symbols_advice(const struct symbols *s, const struct sym_object *o, char *buf, size_t n);

/* ---- lines a recording carries (symbols_carry.c): one table for the process ---- */

/* What a recording says frame text resolves to: frames[0] innermost, as sym_result. The
 * first answer for a text stays. Copied. */
void sym_carry_add(const char *text, size_t len, const struct sym_frame *frames, unsigned n);
/* Frames with carried lines. */
size_t sym_carry_count(void);
void sym_carry_clear(void);

/* The object a frame belongs to ("vmlinux", the module, or NULL for a bare address). */
int symbols_frame_object(const char *text, size_t len, char *buf, size_t n);

#endif
