/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inline.c - a call inside two levels of inlining, and a plain one. */
#include "hits.h"

static inline __attribute__((always_inline)) void inner(int n)
{
	if (n > 0)
		hit_inl();				/* MARK:inl fn=inner */
}

static inline __attribute__((always_inline)) void middle(int n)
{
	inner(n + 1);					/* CALL:inl_middle fn=middle */
}

__attribute__((noinline)) int outer(int n)
{
	middle(n);					/* CALL:inl_outer fn=outer */
	hit_direct();					/* MARK:direct fn=outer */
	return n;
}
