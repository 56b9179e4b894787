/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live_fault.c - PAGETOP_FAULT, a test hook of the live source (source_live.h):
 * opens of debugfs files that fail, reads that fail or come short. Never needed in real
 * use; it changes what the live source sees, never which files are written. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_live_int.h"
#include "util.h"

static int errno_parse(const char *s)
{
	static const struct { const char *name; int err; } names[] = {
		{ "EACCES", EACCES }, { "EPERM", EPERM }, { "ENOENT", ENOENT },
		{ "EIO", EIO }, { "ENOMEM", ENOMEM }, { "EBUSY", EBUSY },
		{ "EINTR", EINTR }, { "EAGAIN", EAGAIN },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].err;
	return atoi(s);
}

void live_faults_load(struct live_faults *lf)
{
	const char *env = getenv("PAGETOP_FAULT");
	char *copy, *tok, *save = NULL;

	lf->n = 0;
	if (!env || !*env)
		return;
	copy = xstrdup(env);
	for (tok = strtok_r(copy, ",", &save); tok && lf->n < ARRAY_SIZE(lf->v);
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *spec, *colon;
		struct live_fault *f = &lf->v[lf->n];

		if (!eq)
			continue;
		*eq = '\0';
		snprintf(f->name, sizeof(f->name), "%s", tok);
		spec = eq + 1;
		f->kind = FAULT_OPEN;
		f->left = -1;
		if (strncmp(spec, "read:", 5) == 0) {
			/* read:ERR[:N] or read:short[:N] */
			f->kind = FAULT_READ;
			spec += 5;
			colon = strchr(spec, ':');
			if (colon) {
				*colon = '\0';
				f->left = atol(colon + 1);
				if (f->left <= 0)
					continue;
			}
			f->err = strcmp(spec, "short") == 0 ? FAULT_SHORT : errno_parse(spec);
			if (f->err == FAULT_SHORT || f->err > 0)
				lf->n++;
			continue;
		}
		f->err = errno_parse(spec);
		if (f->err > 0)
			lf->n++;
	}
	free(copy);
}

static const char *base_name(const char *path)
{
	const char *base = strrchr(path, '/');

	return base ? base + 1 : path;
}

/* Lookups fail only for a whole folder (EACCES), which the tests produce for real. */
int live_fault_open(const struct live_faults *lf, const char *path)
{
	const char *base = base_name(path);

	for (size_t i = 0; i < lf->n; i++)
		if (lf->v[i].kind == FAULT_OPEN && strcmp(lf->v[i].name, base) == 0)
			return lf->v[i].err;
	return 0;
}

int live_fault_read(struct live_faults *lf, const char *path)
{
	const char *base = base_name(path);

	for (size_t i = 0; i < lf->n; i++) {
		struct live_fault *f = &lf->v[i];

		if (f->kind != FAULT_READ || f->left == 0 || strcmp(f->name, base) != 0)
			continue;
		if (f->left > 0)
			f->left--;
		return f->err;
	}
	return 0;
}
