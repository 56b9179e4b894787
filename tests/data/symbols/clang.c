/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clang.c - built by clang, whose objects have no .debug_aranges. */
#include "hits.h"

static inline __attribute__((always_inline)) void clang_inner(int n)
{
	if (n > 3)
		hit_clang_inl();			/* MARK:clang_inl fn=clang_inner */
}

__attribute__((noinline)) int clang_entry(int n)
{
	clang_inner(n);					/* CALL:clang_outer fn=clang_entry */
	hit_clang();					/* MARK:clang fn=clang_entry */
	return n;
}
