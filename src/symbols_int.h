/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_int.h - the inside of the symbols service (symbols.h): the libdw session that
 * one thread owns (symbols_dw.c), finding and opening debug files (symbols_file.c), and
 * a string pool whose pointers stay valid for the service's life. */
#ifndef PAGETOP_SYMBOLS_INT_H
#define PAGETOP_SYMBOLS_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

/* ---- a pool of interned strings and small blocks; never moves what it handed out ---- */
struct sym_pool;
struct sym_pool *sym_pool_new(void);
void sym_pool_free(struct sym_pool *p);
const char *sym_pool_str(struct sym_pool *p, const char *s, size_t len);
void *sym_pool_alloc(struct sym_pool *p, size_t n);

/* ---- files (symbols_file.c) ---- */

/* Set by the service's thread: decompression gives up when it becomes non-zero (the
 * service is being freed). */
extern _Thread_local atomic_int *symfile_cancel;

/* Opens path and returns a descriptor of an uncompressed ELF image: the file itself, or
 * for xz (several threads), gzip or zstd a memory file holding its content. Returns -1
 * with a translated reason. */
int symfile_open_elf(const char *path, char *reason, size_t n);

/* The default vmlinux paths for a release, in order, under root. Returns how many were
 * written (each malloc'ed). */
size_t symfile_vmlinux_paths(const char *root, const char *release, char **out, size_t max);

/* Module files: every folder is walked once, on the first question, looking at walk_max
 * entries at most (0: WALK_MAX). */
struct symfile_modules;
struct symfile_modules *symfile_modules_new(const char *const *dirs, size_t ndirs,
					    unsigned walk_max);
void symfile_modules_free(struct symfile_modules *m);
/* Candidate files for a module name (- and _ are the same), best first. Returns how
 * many; the strings belong to m. */
size_t symfile_modules_find(struct symfile_modules *m, const char *name, const char **out,
			    size_t max);
/* The folders searched, joined with ", " (for messages). */
const char *symfile_modules_dirs(struct symfile_modules *m);
/* The entries a walk stopped at (it looks at walk_max in each folder at most), or 0. */
int symfile_modules_cut(const struct symfile_modules *m);

/* "debian", "ubuntu", "fedora", "suse" or "" from ROOT/etc/os-release (ID, ID_LIKE). */
const char *symfile_distro(const char *root);

/* ---- the libdw session (symbols_dw.c); one thread at a time ---- */
struct symdb;
/* o is copied. lock guards the object table that symdb_objects() reads from other
 * threads. */
struct symdb *symdb_new(const struct symbols_opts *o, pthread_mutex_t *lock);
void symdb_free(struct symdb *db);
/* Fills *r; strings come from pool. */
void symdb_resolve(struct symdb *db, struct sym_pool *pool, const char *text, size_t len,
		   struct sym_result *r);
/* Loads vmlinux now (otherwise done on its first frame). */
void symdb_preload(struct symdb *db);
/* Under the lock: a copy of the object table. */
size_t symdb_objects(struct symdb *db, struct sym_object **out);
/* Under the lock: the object being loaded, "" when none. */
void symdb_loading(struct symdb *db, char *buf, size_t n);
const char *symdb_release(const struct symdb *db);

/* ---- carried lines (symbols_carry.c) ---- */
/* When text has carried lines: *r becomes them (SYM_OK, strings from pool); 1, else 0. */
int sym_carry_fill(struct sym_pool *pool, const char *text, size_t len, struct sym_result *r);
/* Grows each time a text gets carried lines: an answer without them made before may now
 * have them. */
unsigned sym_carry_gen(void);
/* text has carried lines */
int sym_carry_has(const char *text, size_t len);
const char *symdb_root(const struct symdb *db);

#endif
