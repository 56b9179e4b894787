/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dup_b.c - see dup_a.c. */
#include "hits.h"

static __attribute__((noinline, noipa)) int helper(int x)
{
	hit_dup_b();					/* MARK:dup_b fn=helper */
	x = x * 7 + 3;
	if (x > 100)
		x -= 42;
	return x ^ 0x55;
}



/* twin() sits lower here than in dup_a.c */
static __attribute__((noinline, noipa)) int twin(int x)
{
	hit_same();					/* MARK:same_b fn=twin */
	return x * 3;
}

int dup_b(int x)
{
	return helper(x) + twin(x);
}
