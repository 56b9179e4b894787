/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols_carry.c - source lines a recording carries for its frames (doc/recording.md).
 *
 * The recording reader adds what the recording says of each frame; the symbols service
 * answers from it when the object's own debug info is missing or of another build
 * (SYM_NO_DEBUG): real debug info wins. One table for the process, as the reader and the
 * service do not know each other; the reader adds from the main thread while the
 * service's thread reads, hence the lock. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "symbols_int.h"

struct carried {
	unsigned nframes;
	struct sym_frame *frames; /* strings owned here */
};

static pthread_mutex_t carry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strtab *carry_texts;   /* frame text -> index in carry_v */
static struct carried *carry_v;
static size_t carry_n, carry_cap;
static atomic_uint carry_gen;

void sym_carry_add(const char *text, size_t len, const struct sym_frame *f, unsigned n)
{
	struct carried *c;
	uint32_t id;

	if (!n || !len)
		return;
	pthread_mutex_lock(&carry_lock);
	if (!carry_texts)
		carry_texts = strtab_new();
	id = strtab_intern(carry_texts, text, len);
	while (carry_n <= id) {
		if (carry_n == carry_cap) {
			carry_cap = carry_cap ? carry_cap * 2 : 1024;
			carry_v = xreallocarray(carry_v, carry_cap, sizeof(*carry_v));
		}
		memset(&carry_v[carry_n++], 0, sizeof(*carry_v));
	}
	c = &carry_v[id];
	if (!c->nframes) {
		/* the first answer for a text stays: a frame is one call site */
		c->frames = xcalloc(n, sizeof(*c->frames));
		for (unsigned i = 0; i < n; i++) {
			c->frames[i].function = f[i].function ? xstrdup(f[i].function) : NULL;
			c->frames[i].file = f[i].file ? xstrdup(f[i].file) : NULL;
			/* short_file is a suffix of file */
			c->frames[i].short_file = c->frames[i].file && f[i].short_file && f[i].file &&
						  f[i].short_file >= f[i].file &&
						  f[i].short_file <= f[i].file + strlen(f[i].file) ?
				c->frames[i].file + (f[i].short_file - f[i].file) : c->frames[i].file;
			c->frames[i].line = f[i].line;
			c->frames[i].column = f[i].column;
		}
		c->nframes = n;
		atomic_fetch_add(&carry_gen, 1);
	}
	pthread_mutex_unlock(&carry_lock);
}

unsigned sym_carry_gen(void)
{
	return atomic_load(&carry_gen);
}

int sym_carry_has(const char *text, size_t len)
{
	uint32_t id;
	int has;

	pthread_mutex_lock(&carry_lock);
	id = carry_texts ? strtab_find(carry_texts, text, len) : UINT32_MAX;
	has = id != UINT32_MAX && id < carry_n && carry_v[id].nframes;
	pthread_mutex_unlock(&carry_lock);
	return has;
}

int sym_carry_fill(struct sym_pool *pool, const char *text, size_t len, struct sym_result *r)
{
	const struct carried *c;
	struct sym_frame *f;
	uint32_t id;
	int found = 0;

	pthread_mutex_lock(&carry_lock);
	id = carry_texts ? strtab_find(carry_texts, text, len) : UINT32_MAX;
	if (id != UINT32_MAX && id < carry_n && carry_v[id].nframes) {
		c = &carry_v[id];
		f = sym_pool_alloc(pool, c->nframes * sizeof(*f));
		for (unsigned i = 0; i < c->nframes; i++) {
			const struct sym_frame *s = &c->frames[i];

			memset(&f[i], 0, sizeof(f[i]));
			f[i].function = s->function ? sym_pool_str(pool, s->function, strlen(s->function)) : NULL;
			f[i].file = s->file ? sym_pool_str(pool, s->file, strlen(s->file)) : NULL;
			f[i].short_file = f[i].file ? f[i].file + (s->short_file - s->file) : NULL;
			f[i].line = s->line;
			f[i].column = s->column;
		}
		r->status = SYM_OK;
		r->reason = NULL;
		r->nframes = c->nframes;
		r->frames = f;
		found = 1;
	}
	pthread_mutex_unlock(&carry_lock);
	return found;
}

size_t sym_carry_count(void)
{
	size_t n = 0;

	pthread_mutex_lock(&carry_lock);
	for (size_t i = 0; i < carry_n; i++)
		n += carry_v[i].nframes > 0;
	pthread_mutex_unlock(&carry_lock);
	return n;
}

void sym_carry_clear(void)
{
	pthread_mutex_lock(&carry_lock);
	for (size_t i = 0; i < carry_n; i++) {
		for (unsigned k = 0; k < carry_v[i].nframes; k++) {
			free((char *)carry_v[i].frames[k].function);
			free((char *)carry_v[i].frames[k].file);
		}
		free(carry_v[i].frames);
	}
	free(carry_v);
	carry_v = NULL;
	carry_n = carry_cap = 0;
	if (carry_texts)
		strtab_free(carry_texts);
	carry_texts = NULL;
	pthread_mutex_unlock(&carry_lock);
}
