/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cold.c - an unlikely branch that gcc moves to hot.cold, in .text.unlikely. */
#include "hits.h"

int hot_data[64];

__attribute__((noinline)) int hot(int x)
{
	if (__builtin_expect(x == 12345, 0)) {
		cold_sink();
		hit_cold();				/* MARK:cold fn=hot */
		for (int i = 0; i < 64; i++)
			hot_data[i] = hot_data[(i * 7) & 63] + x;
		return hot_data[x & 63];
	}
	return x + 1;
}
