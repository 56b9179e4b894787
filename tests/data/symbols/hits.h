/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hits.h - the calls whose return addresses make the test frames: each marked call site
 * calls its own hit_NAME(), so the relocation of the call says which site it is. */
#ifndef HITS_H
#define HITS_H
void hit_inl(void);
void hit_direct(void);
void hit_dup_a(void);
void hit_dup_b(void);
void hit_same(void);
void hit_cold(void);
void hit_llvm(void);
void hit_plain(void);
void hit_clang(void);
void hit_clang_inl(void);
__attribute__((cold)) void cold_sink(void);
int outer(int n);
int dup_a(int x);
int dup_b(int x);
int hot(int x);
int llvm_user(int x);
int clang_entry(int n);
#endif
