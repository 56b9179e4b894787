/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.h - the text of a stack frame, as the kernel prints it: the rules in one place.
 *
 * A frame is "name+0xOFF/0xSIZE", with " [module]" for a module's code (" [module
 * build-id]" with CONFIG_STACKTRACE_BUILD_ID), or a bare "0xADDR" when the kernel could
 * not name the address. name may carry compiler suffixes (.constprop.0, .isra.0, .cold,
 * .part.0, .llvm.N). Other texts (a recording may hold anything) are kept as they are. */
#ifndef PAGETOP_FRAME_H
#define PAGETOP_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Longest frame line the kernel can print: KSYM_NAME_LEN (512) plus offsets and a
 * module name. */
#define FRAME_MAX 640

/* Splits a frame line "name+0xOFF/0xSIZE [module]" or "0xADDR".
 * Returns 0 when it has that form, -1 otherwise. Pointers point into s. */
struct frame_parts {
	const char *name; uint32_t name_len; /* function name (with .cold etc suffixes) */
	uint64_t off, size;
	const char *module; uint32_t module_len; /* 0 when vmlinux */
	int is_addr;       /* bare 0xADDR */
	uint64_t addr;
};
int frame_split(const char *s, size_t len, struct frame_parts *p);
/* Whether s is a frame line as the parser takes one: 3 to FRAME_MAX bytes, no NUL, the
 * form of frame_split(). */
int frame_text_ok(const char *s, size_t n);

/* The length of the module's name in a split frame: without the build id of
 * "[module build-id]"; 0 in vmlinux. */
static inline uint32_t frame_module_name_len(const struct frame_parts *p)
{
	const char *sp = p->module ? memchr(p->module, ' ', p->module_len) : NULL;

	return sp ? (uint32_t)(sp - p->module) : p->module_len;
}

/* The length of a function name without its compiler suffixes (.constprop.0, .isra.0,
 * .cold, .llvm.N, ...), which do not change whose code it is: up to its first '.' after
 * the first byte (a leading dot is part of no kernel name). */
static inline size_t frame_name_base_len(const char *name, size_t len)
{
	const char *dot = len > 1 ? memchr(name + 1, '.', len - 1) : NULL;

	return dot ? (size_t)(dot - name) : len;
}

/* The label of the function of a split frame (not a bare address): "name [module]" as
 * the frame has the module (with its build id when it has one), or "name" in vmlinux.
 * Writes at most n - 1 bytes and a NUL (n > 0); returns the length written. */
size_t frame_label(const struct frame_parts *p, char *out, size_t n);

/* A label "name [module build-id]" without the build id: "name [module]"; any other
 * label is copied. Writes at most n - 1 bytes and a NUL (n > 0); returns the length
 * written (n = len + 1 is always enough). */
size_t frame_label_strip(const char *label, size_t len, char *out, size_t n);

/* A frame by function and module only: "name+0x1/0x2 [module build-id]" -> "name
 * [module]", so that two boots or two builds compare (pagetop diff --ignore-offsets, and
 * its folded output); bare addresses and texts of another form are copied unchanged.
 * Writes at most n - 1 bytes and a NUL; returns the length written. */
size_t frame_strip(const char *s, size_t len, char *out, size_t n);

/* The NUL-terminated frame text f as it is, or with strip its frame_strip() form in tmp
 * (n bytes): how pagetop diff matches and shows frames (--ignore-offsets). Sets *len. */
static inline const char *frame_strip_if(const char *f, int strip, char *tmp, size_t n,
					 size_t *len)
{
	if (!strip) {
		*len = strlen(f);
		return f;
	}
	*len = frame_strip(f, strlen(f), tmp, n);
	return tmp;
}

/* How folded stacks (pagetop -b --format folded) name a frame: the text up to its first
 * '+', and when it has one, what follows from the first '[' after it, build id included
 * (the module), to be written after a space. Unlike frame_strip() it looks at no other
 * part of the form. Returns the length of the name part; *module is NULL when there is
 * no module part, else points into the NUL-terminated s. */
size_t frame_fold(const char *s, const char **module);

/* A call site of /proc/allocinfo, as pagetop keeps its text: "FILE:LINE [module]
 * func:NAME" (" [module]" only for a module's code). Returns 0 when s has that form,
 * -1 otherwise; pointers point into s. */
struct site_parts {
	const char *file; uint32_t file_len;     /* "drivers/block/brd.c" */
	uint32_t line;
	const char *module; uint32_t module_len; /* 0 in vmlinux */
	const char *func; uint32_t func_len;
};
int frame_site_split(const char *s, size_t len, struct site_parts *p);
/* The label of a call site: "NAME [module]", or "NAME" in vmlinux (as frame_label()). */
size_t frame_site_label(const struct site_parts *p, char *out, size_t n);

#endif
