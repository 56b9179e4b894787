/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the sinks, and a main() that keeps everything alive. */
#include "hits.h"

#define SINK(n) __attribute__((noinline)) void n(void) { __asm__ volatile("" ::: "memory"); }
SINK(hit_inl)
SINK(hit_direct)
SINK(hit_dup_a)
SINK(hit_dup_b)
SINK(hit_same)
SINK(hit_cold)
SINK(hit_llvm)
SINK(hit_plain)
SINK(hit_clang)
SINK(hit_clang_inl)

__attribute__((cold, noinline)) void cold_sink(void)
{
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	(void)argv;
	return outer(argc) + dup_a(argc) + dup_b(argc) + hot(argc) + llvm_user(argc);
}
