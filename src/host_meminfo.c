/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host_meminfo.c - /proc/meminfo's totals, read each live sample on the source's worker. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "host_meminfo.h"

uint64_t meminfo_in_use(const struct meminfo *mi)
{
	return mi->available < mi->total ? mi->total - mi->available : 0;
}

/* "N kB" after the colon: bytes, saturating; 0 when there is no number. */
static uint64_t kb_value(const char *p, const char *end)
{
	uint64_t v = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v > UINT64_MAX / 1024 ? UINT64_MAX : v * 1024;
}

int meminfo_parse(const char *text, size_t len, struct meminfo *mi)
{
	static const char *const names[] = { "MemTotal", "MemAvailable", "Slab", "PageTables" };
	uint64_t *const dst[] = { &mi->total, &mi->available, &mi->slab, &mi->page_tables };
	const char *p = text, *end = text + len;
	int seen = 0;

	memset(mi, 0, sizeof(*mi));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *colon;

		if (!nl)
			nl = end;
		colon = memchr(p, ':', (size_t)(nl - p));
		for (size_t i = 0; colon && i < sizeof(names) / sizeof(names[0]); i++) {
			size_t n = strlen(names[i]);

			if ((size_t)(colon - p) == n && memcmp(p, names[i], n) == 0) {
				*dst[i] = kb_value(colon + 1, nl);
				seen |= 1 << i;
			}
		}
		p = nl + 1;
	}
	mi->valid = (seen & 3) == 3;
	return mi->valid ? 0 : -1;
}

int meminfo_read(const char *path, struct meminfo *mi)
{
	char buf[16384];
	size_t len = 0;
	struct stat st;
	ssize_t r;
	int fd;

	memset(mi, 0, sizeof(*mi));
	/* a copy in a folder from elsewhere: no link followed, no pipe waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while (len < sizeof(buf) && (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)r;
	close(fd);
	return meminfo_parse(buf, len, mi);
}
