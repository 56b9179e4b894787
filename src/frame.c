/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.c - the text of a stack frame: splitting it, and the forms derived from it
 * (frame.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "util.h"

int frame_split(const char *s, size_t len, struct frame_parts *p)
{
	const char *end = s + len, *slash, *plus;
	uint64_t v;
	size_t k;

	memset(p, 0, sizeof(*p));
	if (len && s[0] == '0' && len > 2 && (s[1] == 'x' || s[1] == 'X')) {
		k = hex_parse(s, len, &v);
		if (k == len) {
			p->is_addr = 1;
			p->addr = v;
			return 0;
		}
	}
	if (len > 3 && end[-1] == ']') {
		const char *lb = memchr(s, '[', len);

		if (!lb || lb == s || lb[-1] != ' ' || lb + 2 > end - 1)
			return -1;
		p->module = lb + 1;
		p->module_len = (uint32_t)(end - 1 - p->module);
		end = lb - 1;
	}
	/* name+0xOFF/0xSIZE: find the last '/' and the '+' before it */
	slash = NULL;
	for (const char *c = end; c > s; c--)
		if (c[-1] == '/') {
			slash = c - 1;
			break;
		}
	if (!slash)
		return -1;
	k = hex_parse(slash + 1, (size_t)(end - slash - 1), &p->size);
	if (!k || slash + 1 + k != end)
		return -1;
	plus = NULL;
	for (const char *c = slash; c > s; c--)
		if (c[-1] == '+') {
			plus = c - 1;
			break;
		}
	if (!plus || plus == s)
		return -1;
	k = hex_parse(plus + 1, (size_t)(slash - plus - 1), &p->off);
	if (!k || plus + 1 + k != slash)
		return -1;
	for (const char *c = s; c < plus; c++)
		if (*c == ' ' || *c == '\t')
			return -1;
	p->name = s;
	p->name_len = (uint32_t)(plus - s);
	return 0;
}

int frame_text_ok(const char *s, size_t n)
{
	struct frame_parts fp;

	if (n < 3 || n > FRAME_MAX || memchr(s, '\0', n))
		return 0;
	return frame_split(s, n, &fp) == 0;
}

size_t frame_label(const struct frame_parts *p, char *out, size_t n)
{
	int k;

	if (p->module)
		k = snprintf(out, n, "%.*s [%.*s]", (int)p->name_len, p->name, (int)p->module_len,
			     p->module);
	else
		k = snprintf(out, n, "%.*s", (int)p->name_len, p->name);
	if (k < 0)
		k = 0;
	return (size_t)k < n ? (size_t)k : n - 1;
}

size_t frame_label_strip(const char *label, size_t len, char *out, size_t n)
{
	const char *lb = len > 3 && label[len - 1] == ']' ? memmem(label, len, " [", 2) : NULL;
	const char *sp = lb ? memchr(lb + 2, ' ', len - (size_t)(lb + 2 - label)) : NULL;
	int k;

	if (sp)
		k = snprintf(out, n, "%.*s]", (int)(sp - label), label);
	else
		k = snprintf(out, n, "%.*s", (int)len, label);
	if (k < 0)
		k = 0;
	return (size_t)k < n ? (size_t)k : n - 1;
}

size_t frame_strip(const char *s, size_t len, char *out, size_t n)
{
	struct frame_parts fp;
	int k;

	if (!n)
		return 0;
	if (frame_split(s, len, &fp) < 0 || fp.is_addr) {
		k = snprintf(out, n, "%.*s", (int)len, s);
		if (k < 0)
			k = 0;
		return (size_t)k < n ? (size_t)k : n - 1;
	}
	fp.module_len = frame_module_name_len(&fp);
	return frame_label(&fp, out, n);
}

size_t frame_fold(const char *s, const char **module)
{
	size_t n = strcspn(s, "+");

	*module = s[n] ? strchr(s + n, '[') : NULL;
	return n;
}

int frame_site_split(const char *s, size_t len, struct site_parts *p)
{
	const char *end = s + len, *sp, *colon, *f;
	uint64_t line = 0;

	memset(p, 0, sizeof(*p));
	if (len < 9 || len > FRAME_MAX || memchr(s, '\0', len))
		return -1;
	sp = memchr(s, ' ', len);
	if (!sp)
		return -1;
	colon = memrchr(s, ':', (size_t)(sp - s));
	if (!colon || colon == s || colon + 1 == sp)
		return -1;
	for (const char *c = colon + 1; c < sp; c++) {
		if (*c < '0' || *c > '9' || line > UINT32_MAX / 10)
			return -1;
		line = line * 10 + (uint64_t)(*c - '0');
	}
	p->file = s;
	p->file_len = (uint32_t)(colon - s);
	p->line = (uint32_t)line;
	f = sp + 1;
	if (f < end && *f == '[') {
		const char *rb = memchr(f, ']', (size_t)(end - f));

		if (!rb || rb == f + 1 || rb + 1 == end || rb[1] != ' ' || memchr(f, ' ', (size_t)(rb - f)))
			return -1;
		p->module = f + 1;
		p->module_len = (uint32_t)(rb - f - 1);
		f = rb + 2;
	}
	if ((size_t)(end - f) < 6 || memcmp(f, "func:", 5) != 0 || memchr(f, ' ', (size_t)(end - f)))
		return -1;
	p->func = f + 5;
	p->func_len = (uint32_t)(end - f - 5);
	return 0;
}

size_t frame_site_label(const struct site_parts *p, char *out, size_t n)
{
	int k;

	if (p->module)
		k = snprintf(out, n, "%.*s [%.*s]", (int)p->func_len, p->func, (int)p->module_len,
			     p->module);
	else
		k = snprintf(out, n, "%.*s", (int)p->func_len, p->func);
	if (k < 0)
		k = 0;
	return (size_t)k < n ? (size_t)k : n - 1;
}
