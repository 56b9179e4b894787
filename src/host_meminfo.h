/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host_meminfo.h - the system's own memory counters (/proc/meminfo), to relate what a source
 * accounts for to the memory in use. */
#ifndef PAGETOP_MEMINFO_H
#define PAGETOP_MEMINFO_H

#include <stddef.h>
#include <stdint.h>

/* Bytes; valid is 0 when the file could not be read or lacks MemTotal/MemAvailable. */
struct meminfo {
	int valid;
	uint64_t total;      /* MemTotal */
	uint64_t available;  /* MemAvailable */
	uint64_t slab;       /* Slab */
	uint64_t page_tables; /* PageTables */
};

/* MemTotal - MemAvailable (0 when available exceeds total). */
uint64_t meminfo_in_use(const struct meminfo *mi);

/* Parses the text of /proc/meminfo ("Name:   N kB" lines; unknown ones skipped).
 * Returns 0, or -1 (mi->valid 0) when MemTotal or MemAvailable is missing. */
int meminfo_parse(const char *text, size_t len, struct meminfo *mi);

/* Reads and parses path (normally /proc/meminfo). Returns 0, or -1 (mi->valid 0). */
int meminfo_read(const char *path, struct meminfo *mi);

#endif
