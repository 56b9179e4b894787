/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_select.c - SOURCE@SEL, parsed and resolved (source_select.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source_select.h"

/* Digits only, no sign, no space: strtoull would take " 5" and "+5". */
static int parse_count(const char *s, uint64_t *n)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*n = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int sample_sel_parse(const char *s, struct sample_sel *sel, struct pt_err *err)
{
	memset(sel, 0, sizeof(*sel));
	if (strcmp(s, "first") == 0) {
		sel->pick = SAMPLE_FIRST;
		return 0;
	}
	if (strcmp(s, "last") == 0) {
		sel->pick = SAMPLE_LAST;
		return 0;
	}
	if (strcmp(s, "peak") == 0) {
		sel->pick = SAMPLE_PEAK;
		return 0;
	}
	if (s[0] == '-' && parse_count(s + 1, &sel->n) == 0) {
		sel->pick = SAMPLE_FROM_END;
		return 0;
	}
	if (parse_count(s, &sel->n) == 0) {
		sel->pick = SAMPLE_AT;
		return 0;
	}
	pt_err_set(err, _("'@%s' picks no sample: expected @N (from 0), @first, @last, @peak or @-N (N before the last)"),
		   s);
	return -1;
}

int source_arg_split(const char *arg, char **path, struct sample_sel *sel, struct pt_err *err)
{
	const char *at = strrchr(arg, '@');
	struct stat st;

	memset(sel, 0, sizeof(*sel));
	/* a path that exists is a path, even with an '@' in it; "@x" alone has no path */
	if (!at || at == arg || stat(arg, &st) == 0) {
		*path = xstrdup(arg);
		return 0;
	}
	if (sample_sel_parse(at + 1, sel, err) < 0) {
		struct pt_err e2 = *err;

		pt_err_set(err, _("%s: no such file, and %s"), arg, e2.msg);
		return -1;
	}
	*path = xstrndup(arg, (size_t)(at - arg));
	return 0;
}

int sample_sel_needs_end(const struct sample_sel *sel)
{
	return sel->pick == SAMPLE_LAST || sel->pick == SAMPLE_FROM_END || sel->pick == SAMPLE_PEAK;
}

int sample_sel_resolve(const struct sample_sel *sel, uint64_t n, uint64_t peak, uint64_t *k,
		       struct pt_err *err)
{
	if (n == 0) {
		pt_err_set(err, "%s", _("no samples"));
		return -1;
	}
	switch (sel->pick) {
	case SAMPLE_AT:
		if (sel->n >= n) {
			pt_err_set(err, _("no sample %llu: it has %llu (numbered from 0)"),
				   (unsigned long long)sel->n, (unsigned long long)n);
			return -1;
		}
		*k = sel->n;
		return 0;
	case SAMPLE_FROM_END:
		if (sel->n >= n) {
			pt_err_set(err, _("no sample %llu before the last: it has %llu"),
				   (unsigned long long)sel->n, (unsigned long long)n);
			return -1;
		}
		*k = n - 1 - sel->n;
		return 0;
	case SAMPLE_FIRST:
		*k = 0;
		return 0;
	case SAMPLE_PEAK:
		*k = peak < n ? peak : n - 1;
		return 0;
	case SAMPLE_NONE:
	case SAMPLE_LAST:
	default:
		*k = n - 1;
		return 0;
	}
}

const char *sample_sel_str(const struct sample_sel *sel, char *buf, size_t size)
{
	switch (sel->pick) {
	case SAMPLE_AT:
		snprintf(buf, size, "@%llu", (unsigned long long)sel->n);
		break;
	case SAMPLE_FROM_END:
		snprintf(buf, size, "@-%llu", (unsigned long long)sel->n);
		break;
	case SAMPLE_FIRST:
		snprintf(buf, size, "@first");
		break;
	case SAMPLE_LAST:
		snprintf(buf, size, "@last");
		break;
	case SAMPLE_PEAK:
		snprintf(buf, size, "@peak");
		break;
	default:
		snprintf(buf, size, "%s", "");
		break;
	}
	return buf;
}
