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

#endif
