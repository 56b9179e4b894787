/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols.c - the symbols service: one thread owns the libdw session (symbols_dw.c);
 * callers queue frames and read answers from a cache, and never wait for libdw.
 *
 * Requests are answered newest first: the UI asks for what is on the screen now, and
 * what it asked for a while ago may have scrolled away. Answers are immutable once
 * published and live until symbols_free(), so symbols_lookup() can hand out pointers. */
#include "config.h"

#include <elfutils/version.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "frame.h"
#include "symbols_int.h"

const char *symbols_libdw_version(void)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "0.%d", _ELFUTILS_VERSION);
	return buf;
}

const char *sym_status_name(enum sym_status s)
{
	static const char *const names[] = { "ok", "raw", "no_debug", "no_symbol", "ambiguous",
					     "no_line" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

void symbols_opts_init(struct symbols_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* A frame's text asked for, and its answer once the thread has it. */
struct frame_request {
	char *text;
	uint32_t len;
	uint64_t hash;
	const struct sym_result *res; /* NULL while pending */
	struct frame_request *next_pending;
	unsigned carry_gen;    /* sym_carry_gen() when res was made */
	int queued;            /* on the pending stack */
};

struct symbols {
	pthread_mutex_t lock;
	pthread_cond_t work;   /* the thread waits for requests */
	pthread_cond_t idle;   /* symbols_wait() waits for answers */
	pthread_t thread;
	int started, stop;
	struct symdb *db;
	struct sym_pool *pool; /* the thread's, for answers */
	struct frame_request **slots; /* open addressing on the text's hash */
	size_t nslots, n;
	struct frame_request *pending; /* a stack: newest first */
	uint64_t requested, answered;
	int efd;               /* eventfd: answers arrived */
	atomic_int cancel;     /* symbols_free(): stop a long decompression */
	int preload;
	int held;              /* symbols_hold() */
};

static void *worker(void *arg)
{
	struct symbols *s = arg;

	symfile_cancel = &s->cancel;
	if (s->preload)
		symdb_preload(s->db);
	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct frame_request *e;
		struct sym_result *r;
		unsigned gen;

		while ((!s->pending || s->held) && !s->stop)
			pthread_cond_wait(&s->work, &s->lock);
		if (s->stop)
			break;
		e = s->pending;
		s->pending = e->next_pending;
		pthread_mutex_unlock(&s->lock);

		r = sym_pool_alloc(s->pool, sizeof(*r));
		gen = sym_carry_gen();
		symdb_resolve(s->db, s->pool, e->text, e->len, r);
		/* no usable debug info for the object: what a recording carries, if anything */
		if (r->status == SYM_NO_DEBUG)
			sym_carry_fill(s->pool, e->text, e->len, r);

		pthread_mutex_lock(&s->lock);
		e->res = r;
		e->carry_gen = gen;
		e->queued = 0;
		s->answered++;
		if (!s->pending)
			pthread_cond_broadcast(&s->idle);
		if (s->efd >= 0) {
			uint64_t one = 1;

			if (write(s->efd, &one, sizeof(one)) < 0) {
				/* full counter: the reader is behind, and will still wake */
			}
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct symbols *symbols_new(const struct symbols_opts *o, struct pt_err *err)
{
	struct symbols *s = xcalloc(1, sizeof(*s));
	sigset_t all, old;
	int rc;

	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->nslots = 1024;
	s->slots = xcalloc(s->nslots, sizeof(*s->slots));
	s->pool = sym_pool_new();
	s->db = symdb_new(o, &s->lock);
	s->preload = o->preload;
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	/* signals (SIGWINCH, SIGINT) belong to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, worker, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pt_err_set(err, _("cannot start the symbols thread: %s"), strerror(rc));
		symbols_free(s);
		return NULL;
	}
	s->started = 1;
	return s;
}

void symbols_free(struct symbols *s)
{
	if (!s)
		return;
	if (s->started) {
		atomic_store(&s->cancel, 1);
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_signal(&s->work);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	for (size_t i = 0; i < s->nslots; i++)
		if (s->slots[i]) {
			free(s->slots[i]->text);
			free(s->slots[i]);
		}
	free(s->slots);
	symdb_free(s->db);
	sym_pool_free(s->pool);
	if (s->efd >= 0)
		close(s->efd);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Under the lock. */
static struct frame_request *find(struct symbols *s, const char *text, size_t len,
				  uint64_t h, size_t *slot)
{
	size_t j = h & (s->nslots - 1);

	while (s->slots[j]) {
		struct frame_request *e = s->slots[j];

		if (e->hash == h && e->len == len && memcmp(e->text, text, len) == 0) {
			*slot = j;
			return e;
		}
		j = (j + 1) & (s->nslots - 1);
	}
	*slot = j;
	return NULL;
}

static void grow(struct symbols *s)
{
	size_t ns = s->nslots * 2;
	struct frame_request **v = xcalloc(ns, sizeof(*v));

	for (size_t i = 0; i < s->nslots; i++)
		if (s->slots[i]) {
			size_t j = s->slots[i]->hash & (ns - 1);

			while (v[j])
				j = (j + 1) & (ns - 1);
			v[j] = s->slots[i];
		}
	free(s->slots);
	s->slots = v;
	s->nslots = ns;
}

static size_t trim(const char *text, size_t len, const char **out)
{
	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	*out = text;
	return len;
}

static void queue(struct symbols *s, struct frame_request *e)
{
	e->queued = 1;
	e->next_pending = s->pending;
	s->pending = e;
	s->requested++;
	pthread_cond_signal(&s->work);
}

/* Asks for text's answer unless it has one; *asked: an answer is on its way (a first
 * one, or the renewal of one without lines the recording now carries). */
static const struct sym_result *get(struct symbols *s, const char *text, size_t len,
				    int *asked)
{
	struct frame_request *e;
	size_t slot;
	uint64_t h;
	const struct sym_result *r;
	unsigned gen;

	len = trim(text, len, &text);
	h = hash_bytes(text, len, 11);
	pthread_mutex_lock(&s->lock);
	e = find(s, text, len, h, &slot);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		e->text = xstrndup(text, len);
		e->len = (uint32_t)len;
		e->hash = h;
		s->slots[slot] = e;
		if (++s->n * 2 > s->nslots)
			grow(s);
		queue(s, e);
	} else if (!e->queued && e->res && e->res->status == SYM_NO_DEBUG &&
		   e->carry_gen != (gen = sym_carry_gen())) {
		/* asked again only when this text got lines; the old answer stays valid (and
		 * shown) until the new one is published */
		if (sym_carry_has(e->text, e->len))
			queue(s, e);
		else
			e->carry_gen = gen;
	}
	r = e->res;
	*asked = e->queued;
	pthread_mutex_unlock(&s->lock);
	return r;
}

const struct sym_result *symbols_get(struct symbols *s, const char *text, size_t len)
{
	int asked;

	return get(s, text, len, &asked);
}

void symbols_request(struct symbols *s, const char *text, size_t len)
{
	(void)symbols_get(s, text, len);
}

const struct sym_result *symbols_lookup(struct symbols *s, const char *text, size_t len)
{
	struct frame_request *e;
	size_t slot;
	const struct sym_result *r = NULL;

	len = trim(text, len, &text);
	pthread_mutex_lock(&s->lock);
	e = find(s, text, len, hash_bytes(text, len, 11), &slot);
	if (e)
		r = e->res;
	pthread_mutex_unlock(&s->lock);
	return r;
}

void symbols_hold(struct symbols *s, int on)
{
	pthread_mutex_lock(&s->lock);
	s->held = on;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->lock);
}

void symbols_wait(struct symbols *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->answered < s->requested)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

const struct sym_result *symbols_resolve_now(struct symbols *s, const char *text, size_t len)
{
	int asked;
	const struct sym_result *r = get(s, text, len, &asked);

	if (r && !asked)
		return r;
	symbols_wait(s);
	return symbols_lookup(s, text, len);
}

int symbols_fd(const struct symbols *s)
{
	return s->efd;
}

void symbols_drain(struct symbols *s)
{
	uint64_t v;

	if (s->efd >= 0 && read(s->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing to clear */
	}
}

void symbols_progress(struct symbols *s, struct symbols_progress *p)
{
	pthread_mutex_lock(&s->lock);
	p->requested = s->requested;
	p->answered = s->answered;
	pthread_mutex_unlock(&s->lock);
	symdb_loading(s->db, p->loading, sizeof(p->loading));
}

size_t symbols_objects(struct symbols *s, struct sym_object **out)
{
	return symdb_objects(s->db, out);
}

int symbols_frame_object(const char *text, size_t len, char *buf, size_t n)
{
	struct frame_parts fp;

	len = trim(text, len, &text);
	if (frame_split(text, len, &fp) < 0 || fp.is_addr)
		return -1;
	if (fp.module)
		snprintf(buf, n, "%.*s", (int)fp.module_len, fp.module);
	else
		snprintf(buf, n, "vmlinux");
	return 0;
}

void symbols_advice(const struct symbols *s, const struct sym_object *o, char *buf, size_t n)
{
	const char *rel = symdb_release(s->db);
	const char *distro = symfile_distro(symdb_root(s->db));
	int vmlinux = strcmp(o->name, "vmlinux") == 0;
	char r[128];

	snprintf(r, sizeof(r), "%s", rel && release_ok(rel, strlen(rel)) ? rel : "$(uname -r)");
	buf[0] = '\0';
	switch (o->state) {
	case SOBJ_OK:
	case SOBJ_UNUSED:
		return;
	case SOBJ_UNCHECKED:
		snprintf(buf, n, _("The lines are shown but cannot be verified: the source carries no build id (live pagetop and recordings do)."));
		return;
	case SOBJ_MISMATCH:
		snprintf(buf, n, _("Use the debug info of the kernel that made the data (release %s, build id %s): the same package version, or the same build tree."),
			 r, *o->expected_id ? o->expected_id : "?");
		return;
	default:
		break;
	}
	if (strcmp(distro, "debian") == 0)
		snprintf(buf, n, _("Install the kernel's debug info: apt install linux-image-%s-dbg (then pagetop finds %s under /usr/lib/debug). Or give --vmlinux FILE and --modules DIR."),
			 r, vmlinux ? "vmlinux" : _("the modules"));
	else if (strcmp(distro, "ubuntu") == 0)
		snprintf(buf, n, _("Install the kernel's debug info: apt install linux-image-unsigned-%s-dbgsym (from the ddebs.ubuntu.com archive). Or give --vmlinux FILE and --modules DIR."),
			 r);
	else if (strcmp(distro, "fedora") == 0)
		snprintf(buf, n, _("Install the kernel's debug info: debuginfo-install kernel-%s (or dnf debuginfo-install kernel). Or give --vmlinux FILE and --modules DIR."),
			 r);
	else if (strcmp(distro, "suse") == 0)
		snprintf(buf, n, _("Install the kernel's debug info: zypper install kernel-default-debuginfo. Or give --vmlinux FILE and --modules DIR."));
	else
		snprintf(buf, n, _("Install your distribution's kernel debug info package (Debian: apt install linux-image-%s-dbg; Fedora: debuginfo-install kernel), or for a kernel you build, build it with CONFIG_DEBUG_INFO=y and give --vmlinux BUILD/vmlinux and --modules BUILD."),
			 r);
	if (o->state == SOBJ_NO_DWARF) {
		size_t k = strlen(buf);

		snprintf(buf + k, n - k, " %s",
			 _("A self-built kernel needs CONFIG_DEBUG_INFO=y (modules installed without INSTALL_MOD_STRIP)."));
	}
}
