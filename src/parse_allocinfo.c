/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse_allocinfo.c - one line of /proc/allocinfo (memory allocation profiling, Linux
 * 6.10 and later): "SIZE CALLS FILE:LINE [module] func:NAME [key:value ...]".
 *
 * The kernel prints "%12lli %8llu " and the tag, each line ending in a space. Fields
 * after func:NAME that later versions may add are skipped: the call site's text, which
 * pagetop keys it by, is "FILE:LINE [module] func:NAME" with single spaces. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "parse_allocinfo.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A decimal number at *p (an optional '-' when neg is given), moving *p past it. */
static int number(const char **p, const char *end, uint64_t *v, int *neg)
{
	const char *s = *p;
	uint64_t x = 0;

	if (neg) {
		*neg = s < end && *s == '-';
		s += *neg;
	}
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (s < end && !is_blank(*s))
		return -1;
	*v = x;
	*p = s;
	return 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* The next blank-separated token from p: [*t, *t + *tn). */
static const char *token(const char *p, const char *end, const char **t, size_t *tn)
{
	p = skip_blanks(p, end);
	*t = p;
	while (p < end && !is_blank(*p))
		p++;
	*tn = (size_t)(p - *t);
	return p;
}

int allocinfo_line(const char *s, size_t n, struct allocinfo_rec *rec, const char **what)
{
	const char *p = s, *end = s + n, *t, *file, *mod = NULL, *func = NULL;
	size_t tn, filen, modn = 0, funcn = 0;
	uint64_t v;
	int neg;
	char *o;

	memset(rec, 0, sizeof(*rec));
	*what = ALLOCINFO_EXPECT;
	p = skip_blanks(p, end);
	if (number(&p, end, &v, &neg) < 0)
		return -1;
	rec->bytes = neg ? 0 : v; /* a sum of per-CPU counters can dip below 0 for a moment */
	p = skip_blanks(p, end);
	if (number(&p, end, &rec->calls, NULL) < 0)
		return -1;
	p = token(p, end, &file, &filen);
	{
		const char *colon = filen ? memrchr(file, ':', filen) : NULL;

		if (!colon || colon == file || colon + 1 == file + filen)
			return -1;
		for (const char *c = colon + 1; c < file + filen; c++)
			if (*c < '0' || *c > '9')
				return -1;
	}
	while (p < end) {
		p = token(p, end, &t, &tn);
		if (!tn)
			break;
		if (!func && !mod && tn > 2 && t[0] == '[' && t[tn - 1] == ']') {
			mod = t + 1;
			modn = tn - 2;
		} else if (!func && tn > 5 && memcmp(t, "func:", 5) == 0) {
			func = t + 5;
			funcn = tn - 5;
		} else if (!func || !memchr(t, ':', tn)) {
			return -1;
		}
		/* later fields, key:value, are not the call site's: skipped */
	}
	if (!func)
		return -1;
	if (filen + funcn + modn + 12 > FRAME_MAX) {
		*what = ALLOCINFO_EXPECT_SHORT;
		return -1;
	}
	o = rec->site;
	memcpy(o, file, filen);
	o += filen;
	if (mod) {
		*o++ = ' ';
		*o++ = '[';
		memcpy(o, mod, modn);
		o += modn;
		*o++ = ']';
	}
	memcpy(o, " func:", 6);
	o += 6;
	memcpy(o, func, funcn);
	o += funcn;
	rec->site_len = (size_t)(o - rec->site);
	return 0;
}

int allocinfo_version(const char *s, size_t n, unsigned *major, unsigned *minor)
{
	static const char head[] = ALLOCINFO_MAGIC;
	const char *p = s + strlen(head), *end = s + n;
	uint64_t a = 0, b = 0;

	*major = *minor = 0;
	if (n < strlen(head) || memcmp(s, head, strlen(head)) != 0)
		return -1;
	p = skip_blanks(p, end);
	while (p < end && *p >= '0' && *p <= '9' && a < 100000)
		a = a * 10 + (uint64_t)(*p++ - '0');
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9' && b < 100000; p++)
			b = b * 10 + (uint64_t)(*p - '0');
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return 0;
}

int allocinfo_site_ok(const char *s, size_t n)
{
	struct allocinfo_rec rec;
	char line[FRAME_MAX + 8];
	const char *what;

	if (n == 0 || n > FRAME_MAX || memchr(s, '\0', n) || memchr(s, '\n', n))
		return 0;
	memcpy(line, "0 0 ", 4);
	memcpy(line + 4, s, n);
	/* what the parser makes of a line with this site is the site itself */
	return allocinfo_line(line, n + 4, &rec, &what) == 0 && rec.site_len == n &&
	       memcmp(rec.site, s, n) == 0;
}
