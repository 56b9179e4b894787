/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.h - facts of the running system: the kernel's release and build id, the loaded
 * modules' build ids, and the ELF notes they are read from. For the live source, the
 * symbols (debug info must match the kernel), pagetop record and main. */
#ifndef PAGETOP_HOST_H
#define PAGETOP_HOST_H

#include <stddef.h>

#include "util.h"

/* Build ids are at most 64 bytes in the notes pagetop reads: hex plus NUL fits here. */
#define BUILD_ID_HEX_MAX 129

/* The GNU build id (NT_GNU_BUILD_ID) in a file of ELF notes such as /sys/kernel/notes or
 * /sys/module/NAME/notes/.note.gnu.build-id, as lowercase hex. Returns 0, or -1 with err. */
int notes_build_id(const char *path, char *hex, size_t n, struct pt_err *err);
/* Of the running kernel (/sys/kernel/notes). Returns 0 or -1. */
int host_kernel_build_id(char *hex, size_t n);
/* uname's release. Returns 0 or -1. */
int host_kernel_release(char *buf, size_t n);
/* gethostname(), always terminated. Returns 0 or -1. */
int host_name(char *buf, size_t n);

struct module_build_id {
	char name[64];
	char hex[BUILD_ID_HEX_MAX];
};
/* Loaded modules that publish a build id, sorted by name. *out is malloc'ed (free it);
 * returns how many (0 when none or /sys/module is unreadable). sysfs is a parameter so
 * tests can point it at a copy. */
size_t host_module_build_ids(const char *sysfs_module, struct module_build_id **out);

#endif
