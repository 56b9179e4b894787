/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dup_a.c - static functions named like those of dup_b.c: helper() of another size,
 * twin() of the same size (the same code) at other lines. */
#include "hits.h"

static __attribute__((noinline, noipa)) int helper(int x)
{
	hit_dup_a();					/* MARK:dup_a fn=helper */
	return x + 1;
}

static __attribute__((noinline, noipa)) int twin(int x)
{
	hit_same();					/* MARK:same_a fn=twin */
	return x * 3;
}

int dup_a(int x)
{
	return helper(x) + twin(x);
}
