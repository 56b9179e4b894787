/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.c - facts of the running system: the kernel's release and build id, the loaded
 * modules' build ids, read from uname and sysfs's ELF notes. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"

int host_kernel_release(char *buf, size_t n)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -1;
	snprintf(buf, n, "%s", u.release);
	return 0;
}

int host_name(char *buf, size_t n)
{
	if (n == 0 || gethostname(buf, n) < 0)
		return -1;
	buf[n - 1] = '\0';
	return 0;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4); /* notes are in the machine's own byte order */
	return v;
}

int notes_build_id(const char *path, char *hex, size_t n, struct pt_err *err)
{
	unsigned char data[8192];
	size_t len = 0, off = 0;
	struct stat st;
	/* O_NONBLOCK: a snapshot folder's kernel-notes.bin may be a named pipe; O_NOFOLLOW:
	 * a link there would say what another file holds (the kernel's notes are no links) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			pt_err_set(err, _("%s: not read: a symbolic link (only the file itself is read)"),
				   path);
		else
			pt_err_set(err, _("cannot open %s: %s"), path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		pt_err_set(err, _("%s: not read: not a regular file"), path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, data + len, sizeof(data) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			pt_err_set(err, _("cannot read %s: %s"), path, strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0 || (len += (size_t)r) == sizeof(data))
			break;
	}
	close(fd);
	/* Elf_Nhdr: namesz, descsz, type; then name and desc, each padded to 4 bytes */
	while (off + 12 <= len) {
		uint32_t namesz = rd32(data + off), descsz = rd32(data + off + 4);
		uint32_t type = rd32(data + off + 8);
		size_t name_at = off + 12;
		size_t desc_at = name_at + (((size_t)namesz + 3) & ~(size_t)3);
		size_t next = desc_at + (((size_t)descsz + 3) & ~(size_t)3);

		if (namesz > len || descsz > len || next > len)
			break;
		if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
		    memcmp(data + name_at, "GNU", 4) == 0 && descsz > 0 && descsz * 2 < n) {
			for (uint32_t i = 0; i < descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", data[desc_at + i]);
			return 0;
		}
		off = next;
	}
	pt_err_set(err, _("%s: no GNU build id note"), path);
	return -1;
}

int host_kernel_build_id(char *hex, size_t n)
{
	struct pt_err e;

	return notes_build_id("/sys/kernel/notes", hex, n, &e);
}

static int module_cmp(const void *a, const void *b)
{
	return strcmp(((const struct module_build_id *)a)->name,
		      ((const struct module_build_id *)b)->name);
}

size_t host_module_build_ids(const char *sysfs_module, struct module_build_id **out)
{
	DIR *d = opendir(sysfs_module ? sysfs_module : "/sys/module");
	struct module_build_id *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct pt_err e;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(v->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/notes/.note.gnu.build-id",
			 sysfs_module ? sysfs_module : "/sys/module", de->d_name);
		if (access(path, R_OK) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (notes_build_id(path, v[n].hex, sizeof(v[n].hex), &e) < 0)
			continue;
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), module_cmp);
	else
		free(v);
	*out = n ? v : NULL;
	return n;
}
