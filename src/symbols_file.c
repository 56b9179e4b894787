/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_file.c - where debug files live and how to read them.
 *
 * Distributions put the kernel's debug info in a few known places (doc/symbols.md), and
 * compress it in several ways. libdw could decompress xz itself, but with one thread: a
 * 30 MB vmlinux.xz takes it about 2.5 s. liblzma's threaded decoder spreads the blocks
 * over the CPUs; the result goes to a memory file that libelf maps like any file. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "symbols_int.h"

/* ---- decompression into a memory file ---- */

_Thread_local atomic_int *symfile_cancel;

static int cancelled(const char *path, char *reason, size_t rn)
{
	if (!symfile_cancel || !atomic_load(symfile_cancel))
		return 0;
	snprintf(reason, rn, _("%s: not read, pagetop is leaving"), path);
	return 1;
}

static int mem_file(void)
{
	int fd = -1;

#ifdef MFD_CLOEXEC
	fd = memfd_create("pagetop-debuginfo", MFD_CLOEXEC);
#endif
	if (fd < 0) {
		const char *dir = getenv("TMPDIR");

		fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	}
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

#define OUT_CHUNK (1u << 20)
/* The memory liblzma may take for a debug file: its block headers ask for a dictionary and
 * buffers (up to 4 GiB each), for whoever made the file. xz -9 needs 65 MiB a thread. */
#define XZ_MEMLIMIT_MIB 1024

static int unxz(const uint8_t *in, size_t n, int out, const char *path, char *reason,
		size_t rn)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	uint8_t *buf = xmalloc(OUT_CHUNK);
	lzma_ret ret;
	int rc = -1;
#if LZMA_VERSION >= 50040002
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	lzma_mt mt;

	memset(&mt, 0, sizeof(mt));
	mt.threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (uint32_t)cpus;
	mt.flags = LZMA_CONCATENATED;
	/* fewer threads rather than more memory; a file that needs more alone is refused */
	mt.memlimit_threading = (uint64_t)XZ_MEMLIMIT_MIB << 20;
	mt.memlimit_stop = (uint64_t)XZ_MEMLIMIT_MIB << 20;
	ret = lzma_stream_decoder_mt(&strm, &mt);
#else
	ret = lzma_stream_decoder(&strm, (uint64_t)XZ_MEMLIMIT_MIB << 20, LZMA_CONCATENATED);
#endif
	if (ret != LZMA_OK) {
		snprintf(reason, rn, _("%s: cannot start the xz decoder (error %d)"), path, (int)ret);
		goto out;
	}
	strm.next_in = in;
	strm.avail_in = n;
	for (;;) {
		strm.next_out = buf;
		strm.avail_out = OUT_CHUNK;
		ret = lzma_code(&strm, LZMA_FINISH);
		if (write_all(out, buf, OUT_CHUNK - strm.avail_out) < 0) {
			snprintf(reason, rn, _("%s: cannot keep the uncompressed file: %s"), path,
				 strerror(errno));
			goto out;
		}
		if (ret == LZMA_STREAM_END)
			break;
		if (ret == LZMA_MEMLIMIT_ERROR) {
			/* (the threaded decoder's lzma_memusage() is not what it lacked) */
			snprintf(reason, rn, _("%s: the xz data needs more memory to uncompress than the %d MiB pagetop allows: uncompress it with unxz first"),
				 path, XZ_MEMLIMIT_MIB);
			goto out;
		}
		if (ret != LZMA_OK) {
			snprintf(reason, rn, _("%s: corrupt xz data (error %d)"), path, (int)ret);
			goto out;
		}
		if (cancelled(path, reason, rn))
			goto out;
	}
	rc = 0;
out:
	lzma_end(&strm);
	free(buf);
	return rc;
}

static int ungzip(const uint8_t *in, size_t n, int out, const char *path, char *reason,
		  size_t rn)
{
	z_stream z;
	uint8_t *buf;
	int ret, rc = -1;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(reason, rn, _("%s: cannot start the gzip decoder"), path);
		return -1;
	}
	buf = xmalloc(OUT_CHUNK);
	z.next_in = (Bytef *)(uintptr_t)in;
	for (;;) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;

		if (z.avail_in == 0 && n) {
			z.next_in = (Bytef *)(uintptr_t)in;
			z.avail_in = chunk;
			in += chunk;
			n -= chunk;
		}
		z.next_out = buf;
		z.avail_out = OUT_CHUNK;
		ret = inflate(&z, Z_NO_FLUSH);
		if (write_all(out, buf, OUT_CHUNK - z.avail_out) < 0) {
			snprintf(reason, rn, _("%s: cannot keep the uncompressed file: %s"), path,
				 strerror(errno));
			goto out;
		}
		if (ret == Z_STREAM_END)
			break;
		if (ret != Z_OK || (z.avail_in == 0 && n == 0 && z.avail_out != 0)) {
			snprintf(reason, rn, _("%s: corrupt gzip data"), path);
			goto out;
		}
		if (cancelled(path, reason, rn))
			goto out;
	}
	rc = 0;
out:
	inflateEnd(&z);
	free(buf);
	return rc;
}

#ifdef HAVE_ZSTD
static int unzstd(const uint8_t *in, size_t n, int out, const char *path, char *reason,
		  size_t rn)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	size_t cap = ZSTD_DStreamOutSize(), ret;
	uint8_t *buf = xmalloc(cap);
	ZSTD_inBuffer ib = { in, n, 0 };
	int rc = -1;

	ZSTD_initDStream(d);
	for (;;) {
		ZSTD_outBuffer ob = { buf, cap, 0 };

		ret = ZSTD_decompressStream(d, &ob, &ib);
		if (ZSTD_isError(ret)) {
			snprintf(reason, rn, _("%s: corrupt zstd data (%s)"), path,
				 ZSTD_getErrorName(ret));
			goto out;
		}
		if (write_all(out, buf, ob.pos) < 0) {
			snprintf(reason, rn, _("%s: cannot keep the uncompressed file: %s"), path,
				 strerror(errno));
			goto out;
		}
		if (ret == 0 && ib.pos == ib.size)
			break;
		if (ob.pos == 0 && ib.pos == ib.size) {
			snprintf(reason, rn, _("%s: truncated zstd data"), path);
			goto out;
		}
	}
	rc = 0;
out:
	ZSTD_freeDStream(d);
	free(buf);
	return rc;
}
#endif

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
static const uint8_t gz_magic[2] = { 0x1f, 0x8b };
static const uint8_t zst_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* The compressed file fd (size bytes, of the kind its magic says) uncompressed into a
 * memory file: that file's descriptor, or -1 with reason. Closes fd. */
static int uncompress_to_memory(const char *path, int fd, size_t size, const uint8_t *magic,
				char *reason, size_t rn)
{
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	int out, rc;

	close(fd);
	if (map == MAP_FAILED) {
		snprintf(reason, rn, _("cannot read %s: %s"), path, strerror(errno));
		return -1;
	}
	madvise(map, size, MADV_SEQUENTIAL);
	out = mem_file();
	if (out < 0) {
		snprintf(reason, rn, _("%s: no memory file to uncompress into: %s"), path,
			 strerror(errno));
		munmap(map, size);
		return -1;
	}
	if (magic[0] == xz_magic[0])
		rc = unxz(map, size, out, path, reason, rn);
	else if (magic[0] == gz_magic[0])
		rc = ungzip(map, size, out, path, reason, rn);
	else
#ifdef HAVE_ZSTD
		rc = unzstd(map, size, out, path, reason, rn);
#else
		rc = -1;
#endif
	munmap(map, size);
	if (rc == 0) {
		uint8_t m[4] = { 0 };

		if (pread(out, m, 4, 0) != 4 || memcmp(m, elf_magic, 4) != 0) {
			snprintf(reason, rn, _("%s: the uncompressed content is not an ELF file"),
				 path);
			rc = -1;
		}
	}
	if (rc < 0) {
		close(out);
		return -1;
	}
	return out;
}

int symfile_open_elf(const char *path, char *reason, size_t rn)
{
	uint8_t magic[6] = { 0 };
	struct stat st;
	int fd;
	ssize_t got;

	/* O_NONBLOCK: a named pipe given as --vmlinux is refused below, not waited on */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(reason, rn, _("cannot open %s: %s"), path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(reason, rn, _("%s: not a regular file"), path);
		close(fd);
		return -1;
	}
	got = pread(fd, magic, sizeof(magic), 0);
	if (got >= 4 && memcmp(magic, elf_magic, 4) == 0)
		return fd;
	if (!(got == 6 && memcmp(magic, xz_magic, 6) == 0) &&
	    !(got >= 2 && memcmp(magic, gz_magic, 2) == 0) &&
	    !(got >= 4 && memcmp(magic, zst_magic, 4) == 0)) {
		snprintf(reason, rn, _("%s: not an ELF file"), path);
		close(fd);
		return -1;
	}
#ifndef HAVE_ZSTD
	if (memcmp(magic, zst_magic, 4) == 0) {
		snprintf(reason, rn, _("%s: zstd-compressed, and pagetop was built without zstd: decompress it with unzstd"),
			 path);
		close(fd);
		return -1;
	}
#endif
	return uncompress_to_memory(path, fd, (size_t)st.st_size, magic, reason, rn);
}

/* ---- the distributions' layouts ---- */

size_t symfile_vmlinux_paths(const char *root, const char *release, char **out, size_t max)
{
	static const char *const fmts[] = {
		"%s/usr/lib/debug/boot/vmlinux-%s",        /* Debian, Ubuntu */
		"%s/usr/lib/debug/lib/modules/%s/vmlinux", /* Fedora, RHEL, SUSE */
		"%s/boot/vmlinux-%s",                      /* some distributions, self-built */
		"%s/lib/modules/%s/build/vmlinux",         /* a build tree */
	};
	size_t n = 0;

	/* the release comes from the input: it must not lead out of these folders */
	if (!release || !release_ok(release, strlen(release)))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(fmts) && n < max; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		out[n++] = xasprintf(fmts[i], root ? root : "", release);
#pragma GCC diagnostic pop
	}
	return n;
}

/* ---- modules ---- */

#define WALK_DEPTH 12
#define WALK_MAX 500000  /* /lib/modules/R has thousands, a built kernel tree fits too */

struct modfile {
	char *key;   /* normalized name: - becomes _ */
	char *path;
	unsigned rank; /* folder index * 8 + kind: lower is better */
};

struct symfile_modules {
	char **dirs;
	size_t ndirs;
	int walked;
	unsigned walk_max; /* entries a walk looks at */
	int cut;       /* a walk stopped there */
	struct modfile *v;
	size_t n, cap;
	char *dirs_joined;
};

static const char *const mod_suffixes[] = { ".ko.debug", ".ko", ".ko.xz", ".ko.gz", ".ko.zst" };

static void normalize(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static void add_file(struct symfile_modules *m, const char *path, const char *base,
		     unsigned dir_rank)
{
	size_t bl = strlen(base);

	for (unsigned k = 0; k < ARRAY_SIZE(mod_suffixes); k++) {
		size_t sl = strlen(mod_suffixes[k]);

		if (bl > sl && strcmp(base + bl - sl, mod_suffixes[k]) == 0) {
			if (m->n == m->cap) {
				m->cap = m->cap ? m->cap * 2 : 256;
				m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
			}
			m->v[m->n].key = xstrndup(base, bl - sl);
			normalize(m->v[m->n].key);
			m->v[m->n].path = xstrdup(path);
			m->v[m->n].rank = dir_rank * 8 + k;
			m->n++;
			return;
		}
	}
}

/* A walk stays in its folder: subfolders are opened beneath the one being read, never
 * through a symbolic link (the build and source links of /lib/modules/R lead to whole
 * kernel trees), and it stops after walk_max entries (a --modules / would otherwise read
 * the whole file system). A linked module file is taken (RHEL's weak-updates). */

static void walk(struct symfile_modules *m, int dfd, const char *dir, unsigned rank,
		 int depth, size_t *budget)
{
	DIR *d;
	struct dirent *e;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		int isdir = 0, isreg = 0;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (*budget == 0) {
			m->cut = 1;
			break;
		}
		(*budget)--;
		switch (e->d_type) {
		case DT_DIR:
			isdir = 1;
			break;
		case DT_REG:
			isreg = 1;
			break;
		case DT_LNK:
			isreg = fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode);
			break;
		case DT_UNKNOWN:
			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				isdir = S_ISDIR(st.st_mode);
				isreg = S_ISREG(st.st_mode);
				if (S_ISLNK(st.st_mode) && fstatat(dirfd(d), e->d_name, &st, 0) == 0)
					isreg = S_ISREG(st.st_mode);
			}
			break;
		default:
			break;
		}
		if (isdir && depth < WALK_DEPTH) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				char *p = xasprintf("%s/%s", dir, e->d_name);

				walk(m, sub, p, rank, depth + 1, budget);
				free(p);
			}
		} else if (isreg) {
			char *p = xasprintf("%s/%s", dir, e->d_name);

			add_file(m, p, e->d_name, rank);
			free(p);
		}
	}
	closedir(d);
}

static int cmp_modfile(const void *a, const void *b)
{
	const struct modfile *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->path, y->path);
}

struct symfile_modules *symfile_modules_new(const char *const *dirs, size_t ndirs,
					    unsigned walk_max)
{
	struct symfile_modules *m = xcalloc(1, sizeof(*m));
	size_t len = 1;

	m->walk_max = walk_max ? walk_max : WALK_MAX;
	m->dirs = xcalloc(ndirs + 1, sizeof(*m->dirs));
	for (size_t i = 0; i < ndirs; i++) {
		m->dirs[m->ndirs++] = xstrdup(dirs[i]);
		len += strlen(dirs[i]) + 2;
	}
	m->dirs_joined = xcalloc(1, len);
	for (size_t i = 0; i < m->ndirs; i++) {
		if (i)
			strcat(m->dirs_joined, ", ");
		strcat(m->dirs_joined, m->dirs[i]);
	}
	return m;
}

void symfile_modules_free(struct symfile_modules *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].path);
	}
	for (size_t i = 0; i < m->ndirs; i++)
		free(m->dirs[i]);
	free(m->dirs);
	free(m->v);
	free(m->dirs_joined);
	free(m);
}

size_t symfile_modules_find(struct symfile_modules *m, const char *name, const char **out,
			    size_t max)
{
	char *key = xstrdup(name);
	size_t lo = 0, hi, n = 0;

	if (!m->walked) {
		m->walked = 1;
		for (size_t i = 0; i < m->ndirs; i++) {
			int fd = open(m->dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			size_t budget = m->walk_max;

			if (fd >= 0)
				walk(m, fd, m->dirs[i], (unsigned)i, 0, &budget);
		}
		if (m->n)
			qsort(m->v, m->n, sizeof(*m->v), cmp_modfile);
	}
	normalize(key);
	hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n && n < max && strcmp(m->v[lo].key, key) == 0; lo++)
		out[n++] = m->v[lo].path;
	free(key);
	return n;
}

const char *symfile_modules_dirs(struct symfile_modules *m)
{
	return m->dirs_joined;
}

int symfile_modules_cut(const struct symfile_modules *m)
{
	return m->cut ? (int)m->walk_max : 0;
}

const char *symfile_distro(const char *root)
{
	char path[4096], line[512];
	int deb = 0, ubu = 0, fed = 0, suse = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/etc/os-release", root ? root : "");
	fp = fopen(path, "re");
	if (!fp)
		return "";
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, "ID=", 3) != 0 && strncmp(line, "ID_LIKE=", 8) != 0)
			continue;
		ubu |= strstr(line, "ubuntu") != NULL;
		deb |= strstr(line, "debian") != NULL;
		fed |= strstr(line, "fedora") || strstr(line, "rhel") || strstr(line, "centos");
		suse |= strstr(line, "suse") != NULL;
	}
	fclose(fp);
	return ubu ? "ubuntu" : deb ? "debian" : fed ? "fedora" : suse ? "suse" : "";
}
