/* SPDX-License-Identifier: GPL-2.0-or-later */
/* llvm.c - renamed() gets a .llvm.NNN suffix in the ELF symbol table (objcopy), as ThinLTO
 * does; the kernel's kallsyms prints it without. plain() keeps its name while the test
 * frame carries a suffix. */
#include "hits.h"

__attribute__((noinline, noipa)) int renamed(int x)
{
	hit_llvm();					/* MARK:llvm fn=renamed */
	return x - 1;
}

__attribute__((noinline, noipa)) int plain(int x)
{
	hit_plain();					/* MARK:plain fn=plain */
	return x + 2;
}

int llvm_user(int x)
{
	return renamed(x) + plain(x);
}
