/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_parse.c - the reader and the one streaming parser: every format, frames,
 * detection, what is tolerated, what is rejected (with its exact message), compression,
 * standard input, and a large streamed input. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "testutil.h"

/* ------------------------------------------------------------------ formats */

static const char SHOW_STACKS[] =
	" prep_new_page+0x17/0x43\n"
	" get_page_from_freelist+0x695/0x6fa\n"
	" __alloc_pages_noprof+0x9/0x16\n"
	" brd_submit_bio+0x28d/0x42b [brd]\n"
	" __submit_bio+0x6e/0x7d\n"
	"nr_base_pages: 12288\n"
	"\n"
	" register_dummy_stack+0x23/0x3e\n"
	" init_page_owner+0x24/0x237\n"
	"nr_base_pages: 3\n"
	"\n";

START_TEST(test_show_stacks)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;

	rs_init(&rs);
	ck_assert_int_eq(parse_str(SHOW_STACKS, &rs, &got, &err), 0);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.nct, 0);
	ck_assert_uint_eq(rs.st[0].nframes, 5);
	/* frames come without the leading space, module suffix kept */
	ck_assert_str_eq(rs.st[0].frames[0], "prep_new_page+0x17/0x43");
	ck_assert_str_eq(rs.st[0].frames[3], "brd_submit_bio+0x28d/0x42b [brd]");
	ck_assert_str_eq(rs.st[0].frames[4], "__submit_bio+0x6e/0x7d");
	ck_assert_int_eq(rs.st[0].has_count, 1);
	ck_assert_uint_eq(rs.st[0].count, 12288);
	ck_assert_uint_eq(rs.st[0].handle, 0);
	ck_assert_int_eq(rs.st[0].has_block, 0);
	ck_assert_uint_eq(rs.st[1].nframes, 2);
	ck_assert_str_eq(rs.st[1].frames[1], "init_page_owner+0x24/0x237");
	ck_assert_uint_eq(rs.st[1].count, 3);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_show_stacks_real_file)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;
	size_t len;
	char *text = read_file(TD("plain/0030.show_stacks"), &len);
	uint64_t records = 0, sum = 0, parsed_sum = 0;

	ck_assert_ptr_nonnull(text);
	/* count the records independently */
	for (char *p = text; (p = strstr(p, "nr_base_pages: ")); p++) {
		records++;
		sum += strtoull(p + 15, NULL, 10);
	}
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("plain/0030.show_stacks"), PF_UNKNOWN, &got, &rs, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_eq(rs.nst, records);
	for (size_t i = 0; i < rs.nst; i++) {
		parsed_sum += rs.st[i].count;
		ck_assert_uint_ge(rs.st[i].nframes, 1);
		ck_assert_uint_le(rs.st[i].nframes, 16);
	}
	ck_assert_uint_eq(parsed_sum, sum);
	free(text);
	rs_clear(&rs);
}
END_TEST

static void check_proposal(const char *text)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;

	rs_init(&rs);
	ck_assert_msg(parse_str(text, &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PROPOSAL);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].nframes, 3);
	ck_assert_str_eq(rs.st[0].frames[0], "prep_new_page+0xa9/0x120");
	ck_assert_str_eq(rs.st[0].frames[2], "ext4_write_begin+0xbd/0x4b0 [ext4]");
	ck_assert_uint_eq(rs.st[0].count, 521);
	ck_assert_uint_eq(rs.st[1].nframes, 2);
	ck_assert_uint_eq(rs.st[1].count, 4609);
	rs_clear(&rs);
}

START_TEST(test_proposal_no_space)
{
	check_proposal("prep_new_page+0xa9/0x120\n"
		       "get_page_from_freelist+0x801/0x2210\n"
		       "ext4_write_begin+0xbd/0x4b0 [ext4]\n"
		       "stack_count: 521\n"
		       "\n\n\n"
		       "prep_new_page+0xa9/0x120\n"
		       "kthread+0xe3/0x110\n"
		       "stack_count: 4609\n"
		       "\n\n\n");
}
END_TEST

START_TEST(test_proposal_with_space)
{
	check_proposal(" prep_new_page+0xa9/0x120\n"
		       " get_page_from_freelist+0x801/0x2210\n"
		       " ext4_write_begin+0xbd/0x4b0 [ext4]\n"
		       "stack_count: 521\n"
		       "\n"
		       " prep_new_page+0xa9/0x120\n"
		       " kthread+0xe3/0x110\n"
		       "stack_count: 4609\n");
}
END_TEST

START_TEST(test_proposal_examples)
{
	/* the proposal's own examples, verbatim */
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_msg(parse_path(TD("proposal/page_owner_full_stacks.example"), PF_UNKNOWN, &got,
				 &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PROPOSAL);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].nframes, 14);
	ck_assert_uint_eq(rs.st[0].count, 521);
	ck_assert_uint_eq(rs.st[1].count, 4609);
	ck_assert_str_eq(rs.st[1].frames[7], "ext4_write_begin+0xbd/0x4b0 [ext4]");
	rs_clear(&rs);

	rs_init(&rs);
	ck_assert_msg(parse_path(TD("proposal/page_owner_full_stacks_5000.example"), PF_UNKNOWN,
				 &got, &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PROPOSAL);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].count, 6781);
	ck_assert_uint_eq(rs.st[1].count, 8641);
	ck_assert_str_eq(rs.st[1].frames[9], "ret_from_fork_asm+0x1b/0x30");
	rs_clear(&rs);

	/* a full-size file in that format, xz-compressed */
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("proposal/derived-from-0060.page_owner_stacks.xz"), PF_UNKNOWN,
				 &got, &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PROPOSAL);
	ck_assert_uint_eq(rs.nst, 275);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_stacks_handles)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_int_eq(parse_str(" brd_submit_bio+0x28d/0x42b [brd]\n"
				   " __submit_bio+0x6e/0x7d\n"
				   "handle: 28442630\n"
				   "\n"
				   " register_dummy_stack+0x23/0x3e\n"
				   " init_page_owner+0x24/0x237\n"
				   " mm_core_init+0x175/0x17f\n"
				   " start_kernel+0x4e4/0x657\n"
				   "handle: 1\n"
				   "\n", &rs, &got, &err), 0);
	ck_assert_int_eq(got, PF_STACKS_HANDLES);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].handle, 28442630);
	ck_assert_int_eq(rs.st[0].has_count, 0);
	ck_assert_uint_eq(rs.st[0].nframes, 2);
	ck_assert_uint_eq(rs.st[1].handle, 1);
	ck_assert_uint_eq(rs.st[1].nframes, 4);
	ck_assert_str_eq(rs.st[1].frames[3], "start_kernel+0x4e4/0x657");
	ck_assert_uint_eq(rs.nct, 0);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_handles)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_int_eq(parse_str("handle: 28442630\n"
				   "nr_base_pages: 12288\n"
				   "\n"
				   "handle: 1\n"
				   "nr_base_pages: 0\n"
				   "\n", &rs, &got, &err), 0);
	ck_assert_int_eq(got, PF_HANDLES);
	ck_assert_uint_eq(rs.nst, 0);
	ck_assert_uint_eq(rs.nct, 2);
	ck_assert_uint_eq(rs.ct[0].handle, 28442630);
	ck_assert_uint_eq(rs.ct[0].count, 12288);
	ck_assert_uint_eq(rs.ct[1].handle, 1);
	ck_assert_uint_eq(rs.ct[1].count, 0);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_handles_real_pair)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;
	size_t len;
	char *text = read_file(TD("plain/0030.show_handles"), &len);
	size_t nh = 0;

	for (char *p = text; (p = strstr(p, "handle: ")); p++)
		nh++;
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("plain/0030.show_handles"), PF_HANDLES, &got, &rs, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(got, PF_HANDLES);
	ck_assert_uint_eq(rs.nct, nh);
	rs_clear(&rs);
	free(text);

	text = read_file(TD("plain/0030.show_stacks_handles"), &len);
	nh = 0;
	for (char *p = text; (p = strstr(p, "\nhandle: ")); p++)
		nh++;
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("plain/0030.show_stacks_handles"), PF_STACKS_HANDLES, &got, &rs,
				 &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_STACKS_HANDLES);
	ck_assert_uint_eq(rs.nst, nh);
	for (size_t i = 0; i < rs.nst; i++) {
		ck_assert_uint_ne(rs.st[i].handle, 0);
		ck_assert_int_eq(rs.st[i].has_count, 0);
	}
	/* the list ends with the dummy (handle 1) and the failure stack */
	ck_assert_str_eq(rs.st[rs.nst - 2].frames[0], "register_dummy_stack+0x23/0x3e");
	ck_assert_uint_eq(rs.st[rs.nst - 2].handle, 1);
	ck_assert_str_eq(rs.st[rs.nst - 1].frames[0], "register_failure_stack+0x23/0x3e");
	rs_clear(&rs);
	free(text);
}
END_TEST

static const char PAGE_OWNER[] =
	"Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 73291368 ns\n"
	"PFN 0x100 type Unmovable Block 0 type Unmovable Flags 0x4(referenced|zone=0)\n"
	" register_early_stack+0x23/0x3e\n"
	" init_page_owner+0x2e/0x237\n"
	"\n"
	"Page allocated via order 2, mask 0x152cc0(GFP_USER|__GFP_NOWARN|__GFP_COMP), pid 77, tgid 70 (kworker/u4:0), ts 123456789 ns\n"
	"PFN 0x2000 type Unmovable Block 16 type Unmovable Flags 0x40(head|zone=1)\n"
	" prep_new_page+0x17/0x43\n"
	" brd_submit_bio+0x28d/0x42b [brd]\n"
	"handle: 4242\n"
	"Page has been migrated, last migrate reason: compaction\n"
	"Slab cache page\n"
	"Charged to memcg system.slice\n"
	"\n"
	"Page allocated via order 3, mask 0xcc0(GFP_KERNEL), pid 1234, tgid 1234 (a (b) c), ts 99 ns\n"
	"PFN 0x3000 type Movable Block 24 type Movable Flags 0x0(zone=1)\n"
	" prep_new_page+0x17/0x43\n"
	" do_thing+0x1/0x2\n"
	"Charged (via objcg) to memcg user.slice\n"
	"\n";

START_TEST(test_page_owner)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_msg(parse_str(PAGE_OWNER, &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PAGE_OWNER);
	ck_assert_uint_eq(rs.nst, 3);

	ck_assert_int_eq(rs.st[0].has_block, 1);
	ck_assert_uint_eq(rs.st[0].blk.order, 0);
	ck_assert_uint_eq(rs.st[0].count, 1);
	ck_assert_int_eq(rs.st[0].has_count, 1);
	ck_assert_int_eq(rs.st[0].blk.pid, 0);
	ck_assert_str_eq(rs.st[0].comm, "swapper");
	ck_assert_uint_eq(rs.st[0].blk.ts_ns, 73291368);
	ck_assert_uint_eq(rs.st[0].nframes, 2);
	ck_assert_str_eq(rs.st[0].frames[0], "register_early_stack+0x23/0x3e");
	ck_assert_uint_eq(rs.st[0].handle, 0);

	/* order 2 = 4 pages; comm with '/' and ':'; optional lines after the frames */
	ck_assert_uint_eq(rs.st[1].blk.order, 2);
	ck_assert_uint_eq(rs.st[1].count, 4);
	ck_assert_int_eq(rs.st[1].blk.pid, 77);
	ck_assert_int_eq(rs.st[1].blk.tgid, 70);
	ck_assert_str_eq(rs.st[1].comm, "kworker/u4:0");
	ck_assert_uint_eq(rs.st[1].blk.gfp, 0x152cc0);
	ck_assert_uint_eq(rs.st[1].blk.ts_ns, 123456789);
	ck_assert_uint_eq(rs.st[1].nframes, 2);
	ck_assert_str_eq(rs.st[1].frames[1], "brd_submit_bio+0x28d/0x42b [brd]");
	ck_assert_uint_eq(rs.st[1].handle, 4242);

	/* a command with spaces and parentheses */
	ck_assert_uint_eq(rs.st[2].blk.order, 3);
	ck_assert_uint_eq(rs.st[2].count, 8);
	ck_assert_str_eq(rs.st[2].comm, "a (b) c");
	ck_assert_int_eq(rs.st[2].blk.pid, 1234);
	ck_assert_uint_eq(rs.st[2].blk.gfp, 0xcc0);
	ck_assert_uint_eq(rs.st[2].blk.ts_ns, 99);
	ck_assert_uint_eq(rs.st[2].nframes, 2);

	/* every field of a record: flags by name, migrate type, time, migration, slab,
	 * memory cgroup (online, offline, via objcg) */
	ck_assert_str_eq(rs.st[0].gfp_text, "");
	ck_assert_uint_eq(rs.st[0].blk.gfp_text_len, 0);
	ck_assert_int_eq(rs.st[0].blk.mt, MT_UNMOVABLE);
	ck_assert_int_eq(rs.st[0].blk.has_ts, 1);
	ck_assert_int_eq(rs.st[0].blk.migrated, 0);
	ck_assert_int_eq(rs.st[0].blk.slab, 0);
	ck_assert_ptr_null(rs.st[0].blk.memcg);
	ck_assert_str_eq(rs.st[1].gfp_text, "GFP_USER|__GFP_NOWARN|__GFP_COMP");
	ck_assert_int_eq(rs.st[1].blk.migrated, 1);
	ck_assert_str_eq(rs.st[1].reason, "compaction");
	ck_assert_int_eq(rs.st[1].blk.slab, 1);
	ck_assert_str_eq(rs.st[1].memcg, "system.slice");
	ck_assert_int_eq(rs.st[1].blk.memcg_offline, 0);
	ck_assert_int_eq(rs.st[1].blk.memcg_objcg, 0);
	ck_assert_str_eq(rs.st[2].gfp_text, "GFP_KERNEL");
	ck_assert_int_eq(rs.st[2].blk.mt, MT_MOVABLE);
	ck_assert_int_eq(rs.st[2].blk.migrated, 0);
	ck_assert_str_eq(rs.st[2].memcg, "user.slice");
	ck_assert_int_eq(rs.st[2].blk.memcg_objcg, 1);
	rs_clear(&rs);

	/* older kernels: free_ts in the header; flags in the PFN line; an offline cgroup;
	 * CMA blocks; lines a later kernel may add are ignored */
	rs_init(&rs);
	ck_assert_msg(parse_str("Page allocated via order 0, mask 0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO), pid 9, tgid 9 (sh), ts 5 ns, free_ts 3 ns\n"
				"PFN 4096 type CMA Block 8 type CMA Flags 0x200(slab|zone=1)\n"
				" a+0x1/0x2\n"
				"Page has been migrated, last migrate reason: numa_misplaced\n"
				"Charged (via objcg) to offline memcg docker-1234.scope\n"
				"Something new: 1\n"
				"\n"
				"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 1, tgid 1 (init), ts 7 ns\n"
				"PFN 0x1 type Isolate Block 0 type Movable Flags 0x0()\n"
				" a+0x1/0x2\n"
				"Charged to offline memcg /\n"
				"\n", &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].blk.ts_ns, 5);
	ck_assert_uint_eq(rs.st[0].blk.free_ts_ns, 3);
	ck_assert_int_eq(rs.st[0].blk.mt, MT_CMA);
	ck_assert_int_eq(rs.st[0].blk.cma, 1);
	ck_assert_int_eq(rs.st[0].blk.slab, 1);
	ck_assert_int_eq(rs.st[0].blk.migrated, 1);
	ck_assert_str_eq(rs.st[0].reason, "numa_misplaced");
	ck_assert_str_eq(rs.st[0].memcg, "docker-1234.scope");
	ck_assert_int_eq(rs.st[0].blk.memcg_offline, 1);
	ck_assert_int_eq(rs.st[0].blk.memcg_objcg, 1);
	ck_assert_str_eq(rs.st[0].gfp_text, "GFP_KERNEL_ACCOUNT|__GFP_ZERO");
	ck_assert_int_eq(rs.st[1].blk.mt, MT_ISOLATE);
	ck_assert_int_eq(rs.st[1].blk.cma, 0);
	ck_assert_uint_eq(rs.st[1].blk.free_ts_ns, 0);
	ck_assert_str_eq(rs.st[1].memcg, "/");
	ck_assert_int_eq(rs.st[1].blk.memcg_offline, 1);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_page_owner_variants)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	/* no blank line between blocks, no ts, comm ending the header, last block without
	 * a final blank line */
	rs_init(&rs);
	ck_assert_msg(parse_str("Page allocated via order 1, mask 0xcc0(GFP_KERNEL), pid 5, tgid 5 (sh)\n"
				"PFN 0x1 type Movable Block 0 type Movable Flags 0x0()\n"
				" a+0x1/0x2\n"
				"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 6, tgid 6 (x), ts 1 ns\n"
				"PFN 0x2 type Movable Block 0 type Movable Flags 0x0()\n"
				" b+0x1/0x2\n", &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_PAGE_OWNER);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_str_eq(rs.st[0].comm, "sh");
	ck_assert_uint_eq(rs.st[0].count, 2);
	ck_assert_uint_eq(rs.st[0].blk.ts_ns, 0);
	ck_assert_str_eq(rs.st[1].comm, "x");
	ck_assert_str_eq(rs.st[1].frames[0], "b+0x1/0x2");
	rs_clear(&rs);

	/* numbers and a command past what a kernel prints: a command of 100 bytes is cut to
	 * 63 (the kernel's are 15), pid and tgid to 31 bits, the mask to 32, the time
	 * saturates; none is an error */
	rs_init(&rs);
	ck_assert_msg(parse_str("Page allocated via order 0, mask 0x1ffffffff(), pid 99999999999999999999, "
				"tgid 4294967297 (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa), "
				"ts 999999999999999999999999 ns\n"
				"PFN 0x1\n a+0x1/0x2\n\n", &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 1);
	ck_assert_uint_eq(strlen(rs.st[0].comm), 63);
	ck_assert_int_ge(rs.st[0].blk.pid, 0);
	ck_assert_int_eq(rs.st[0].blk.tgid, 1);
	ck_assert_uint_eq(rs.st[0].blk.gfp, 0xffffffff);
	ck_assert_uint_eq(rs.st[0].blk.ts_ns, UINT64_MAX);
	rs_clear(&rs);
}
END_TEST

START_TEST(test_page_owner_real)
{
	/* the real dump: one record per block, counts 2^order */
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;
	size_t len;
	char *text = read_xz_file(TD("small/page_owner.xz"), &len);
	uint64_t blocks = 0, pages = 0, parsed = 0;

	for (char *p = text; (p = strstr(p, "Page allocated via order ")); p++) {
		blocks++;
		pages += 1ULL << strtoul(p + 25, NULL, 10);
	}
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("small/page_owner.xz"), PF_PAGE_OWNER, &got, &rs, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(got, PF_PAGE_OWNER);
	ck_assert_uint_eq(rs.nst, blocks);
	for (size_t i = 0; i < rs.nst; i++) {
		ck_assert_int_eq(rs.st[i].has_block, 1);
		ck_assert_uint_eq(rs.st[i].count, 1ULL << rs.st[i].blk.order);
		parsed += rs.st[i].count;
	}
	ck_assert_uint_eq(parsed, pages);
	free(text);
	rs_clear(&rs);
}
END_TEST

/* A block whose stack lines are those of the block before, byte for byte, is taken as
 * that stack without a look at each line: it must give what a look at each gives. The
 * sink keeps each record's frames joined, and checks the stack keys and hashes given. */
struct samesink {
	char **stack;           /* by record */
	uint32_t *key;
	size_t n, cap, nkeyed;
	int bad;
	char why[256];
	char **by_key;          /* a key's stack, for a large input */
	size_t nby_key;
};

static int ss_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct samesink *ss = self;
	char buf[4096];
	size_t k = 0;

	(void)err;
	for (unsigned i = 0; i < rec->nframes && k + rec->frames[i].len + 2 < sizeof(buf); i++) {
		memcpy(buf + k, rec->frames[i].s, rec->frames[i].len);
		k += rec->frames[i].len;
		buf[k++] = '|';
	}
	buf[k] = '\0';
	if (rec->hash && rec->hash != stack_rec_hash(rec->frames, rec->nframes) && !ss->bad) {
		ss->bad = 1;
		snprintf(ss->why, sizeof(ss->why), "record %zu: a hash not of its frames", ss->n);
	}
	if (rec->key) {
		ss->nkeyed++;
		if (rec->key >= ss->nby_key) {
			size_t old = ss->nby_key;

			ss->nby_key = rec->key * 2 + 16;
			ss->by_key = realloc(ss->by_key, ss->nby_key * sizeof(char *));
			memset(ss->by_key + old, 0, (ss->nby_key - old) * sizeof(char *));
		}
		if (!ss->by_key[rec->key])
			ss->by_key[rec->key] = strdup(buf);
		else if (strcmp(ss->by_key[rec->key], buf) != 0 && !ss->bad) {
			ss->bad = 1;
			snprintf(ss->why, sizeof(ss->why), "key %u is %.100s and %.100s", rec->key,
				 ss->by_key[rec->key], buf);
		}
	}
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 64;
		ss->stack = realloc(ss->stack, ss->cap * sizeof(*ss->stack));
		ss->key = realloc(ss->key, ss->cap * sizeof(*ss->key));
	}
	ss->stack[ss->n] = strdup(buf);
	ss->key[ss->n++] = rec->key;
	return 0;
}

static const struct sink_ops ss_ops = { .stack = ss_stack };

static void ss_parse(struct samesink *ss, const char *text, size_t len)
{
	struct sink snk = { &ss_ops, ss };
	struct reader *r;
	struct pt_err err;
	enum pfmt got;

	memset(ss, 0, sizeof(*ss));
	ck_assert_int_eq(reader_open_mem(&r, text, len, "t", &err), 0);
	ck_assert_msg(parse_stream(r, PF_UNKNOWN, &got, &snk, &err) == 0, "%s", err.msg);
	reader_close(r);
	ck_assert_int_eq(got, PF_PAGE_OWNER);
	ck_assert_msg(!ss->bad, "%s", ss->why);
}

static void ss_free(struct samesink *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		free(ss->stack[i]);
	free(ss->stack);
	free(ss->key);
	for (size_t i = 0; i < ss->nby_key; i++)
		free(ss->by_key[i]);
	free(ss->by_key);
}

#define SS_HEAD "Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 1, tgid 1 (a), ts 1 ns\n" \
		"PFN 0x1 type Movable Block 0 type Movable Flags 0x0()\n"

START_TEST(test_page_owner_same_stack)
{
	static const char text[] =
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n\n"
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n\n"                /* the same */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n c+0x1/0x2\n\n"    /* one frame more */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n c+0x1/0x2\nhandle: 7\n\n" /* the same, a handle */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n c+0x1/0x2 \n\n"   /* trimmed: another text */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n c+0x1/0x2\n\n"    /* after a trimmed one */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n c+0x1/0x2\n\n"
		SS_HEAD " a+0x1/0x2\n b+0x1/0x3\n\n"                /* a byte differs */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x3\n"                  /* no blank line after */
		SS_HEAD " a+0x1/0x2\n b+0x1/0x3\n";                 /* the input ends */
	static const char *const want[] = {
		"a+0x1/0x2|b+0x1/0x2|", "a+0x1/0x2|b+0x1/0x2|", "a+0x1/0x2|b+0x1/0x2|c+0x1/0x2|",
		"a+0x1/0x2|b+0x1/0x2|c+0x1/0x2|", "a+0x1/0x2|b+0x1/0x2|c+0x1/0x2|",
		"a+0x1/0x2|b+0x1/0x2|c+0x1/0x2|", "a+0x1/0x2|b+0x1/0x2|c+0x1/0x2|",
		"a+0x1/0x2|b+0x1/0x3|", "a+0x1/0x2|b+0x1/0x3|", "a+0x1/0x2|b+0x1/0x3|",
	};
	struct samesink ss;
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	ss_parse(&ss, text, sizeof(text) - 1);
	ck_assert_uint_eq(ss.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_str_eq(ss.stack[i], want[i]);
	/* taken whole (keyed): the second, the fourth, the seventh and the ninth */
	ck_assert_uint_ne(ss.key[1], 0);
	ck_assert_uint_ne(ss.key[3], 0);
	ck_assert_uint_ne(ss.key[6], 0);
	ck_assert_uint_ne(ss.key[8], 0);
	ck_assert_uint_eq(ss.key[0] | ss.key[2] | ss.key[4] | ss.key[5] | ss.key[7] | ss.key[9],
			  0);
	ss_free(&ss);

	/* the lines taken whole still count: messages name the right line */
	rs_init(&rs);
	ck_assert_int_eq(parse_str(SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n\n" SS_HEAD " a+0x1/0x2\n b+0x1/0x2\n\nbad\n",
				   &rs, &got, &err), -1);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_str_eq(err.msg, "test:11: expected \"Page allocated via order N, ...\", found \"bad\"");
	rs_clear(&rs);
}
END_TEST

/* A header or PFN line that starts (ends) as the one before gives what a fresh parse of
 * it gives: only the ts differs, or the rest is read again. */
START_TEST(test_page_owner_same_header)
{
#define H "Page allocated via order 1, mask 0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO), pid 9, tgid 8 (a), ts "
#define F " x+0x1/0x2\n\n"
	static const char text[] =
		H "5 ns\nPFN 0x10 type Movable Block 0 type Movable Flags 0x4(slab)\n" F
		H "6 ns\nPFN 0x11 type Movable Block 0 type Movable Flags 0x4(slab)\n" F
		H "7 ns, free_ts 3 ns\nPFN 0x12 type Movable Block 0 type CMA Flags 0x4(slab)\n" F
		H "8 ns), ts 9 ns\nPFN 20 type Unmovable Block 0 type Movable Flags 0x4()\n" F
		H "10 ns\nPFN 0x14 type Unmovable Block 0 type Movable Flags 0x4()\n" F;
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_msg(parse_str(text, &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(rs.st[i].blk.order, 1);
		ck_assert_uint_eq(rs.st[i].blk.gfp, 0x400dc0);
		ck_assert_int_eq(rs.st[i].blk.pid, 9);
		ck_assert_int_eq(rs.st[i].blk.tgid, 8);
		ck_assert_str_eq(rs.st[i].gfp_text, "GFP_KERNEL_ACCOUNT|__GFP_ZERO");
		ck_assert_str_eq(rs.st[i].comm, i == 3 ? "a), ts 8 ns" : "a");
	}
	ck_assert_uint_eq(rs.st[0].blk.ts_ns, 5);
	ck_assert_uint_eq(rs.st[1].blk.ts_ns, 6);
	ck_assert_uint_eq(rs.st[2].blk.ts_ns, 7);
	ck_assert_uint_eq(rs.st[2].blk.free_ts_ns, 3);
	ck_assert_uint_eq(rs.st[3].blk.ts_ns, 9);
	ck_assert_uint_eq(rs.st[4].blk.ts_ns, 10);
	ck_assert_uint_eq(rs.st[4].blk.free_ts_ns, 0);
	ck_assert_uint_eq(rs.st[1].blk.pfn, 0x11);
	ck_assert_uint_eq(rs.st[3].blk.pfn, 20);
	ck_assert_uint_eq(rs.st[4].blk.pfn, 0x14);
	ck_assert_int_eq(rs.st[1].blk.mt, MT_MOVABLE);
	ck_assert_int_eq(rs.st[1].blk.slab, 1);
	ck_assert_int_eq(rs.st[1].blk.cma, 0);
	ck_assert_int_eq(rs.st[2].blk.cma, 1);
	ck_assert_int_eq(rs.st[3].blk.mt, MT_UNMOVABLE);
	ck_assert_int_eq(rs.st[3].blk.slab, 0);
	ck_assert_int_eq(rs.st[4].blk.mt, MT_UNMOVABLE);
	ck_assert_int_eq(rs.st[4].blk.slab, 0);
	rs_clear(&rs);
#undef H
#undef F
}
END_TEST

/* The ts of every length, read as strtoull() reads it (saturating past 2^64 - 1), in a
 * first header and in one like it. */
START_TEST(test_page_owner_ts_digits)
{
	static const char digs[] = "98765432109876543210123";
	struct sbuf b = { 0 };
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	for (size_t len = 1; len <= 22; len++)
		for (int again = 0; again < 2; again++)
			sb_printf(&b, "Page allocated via order 0, mask 0x0(), pid %zu, tgid 1 (c), ts %.*s ns\n"
				  "PFN 0x1 type Movable Block 0 type Movable Flags 0x0()\n f+0x1/0x2\n\n",
				  len, (int)len, digs + again);
	rs_init(&rs);
	ck_assert_msg(parse_str(b.s, &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 44);
	for (size_t i = 0; i < rs.nst; i++) {
		size_t len = i / 2 + 1;
		char t[32];
		unsigned long long want;

		memcpy(t, digs + i % 2, len);
		t[len] = '\0';
		errno = 0;
		want = strtoull(t, NULL, 10);
		ck_assert_msg(rs.st[i].blk.ts_ns == (errno ? UINT64_MAX : want),
			      "ts %s: %llu", t, (unsigned long long)rs.st[i].blk.ts_ns);
	}
	rs_clear(&rs);
	sb_free(&b);
}
END_TEST

START_TEST(test_page_owner_same_stack_real)
{
	/* the real dump: most blocks are their neighbour's stack; every block's stack is its
	 * lines that start with a blank (none of its other lines does), and the keys and
	 * hashes are theirs */
	struct samesink ss;
	size_t len, nblk = 0;
	char *text = read_xz_file(TD("small/page_owner.xz"), &len), buf[4096];
	size_t k = 0;

	ss_parse(&ss, text, len);
	ck_assert_uint_gt(ss.nkeyed, ss.n / 2);
	for (char *p = text, *nl; p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		ck_assert_ptr_nonnull(nl);
		if (p[0] == ' ') {
			memcpy(buf + k, p + 1, (size_t)(nl - p - 1));
			k += (size_t)(nl - p - 1);
			buf[k++] = '|';
		} else if (nl == p && k) {
			buf[k] = '\0';
			ck_assert_uint_lt(nblk, ss.n);
			ck_assert_str_eq(ss.stack[nblk], buf);
			nblk++;
			k = 0;
		}
	}
	ck_assert_uint_eq(nblk, ss.n);
	ss_free(&ss);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ frames */

static void split_ok(const char *s, const char *name, uint64_t off, uint64_t size,
		     const char *module)
{
	struct frame_parts p;

	ck_assert_msg(frame_split(s, strlen(s), &p) == 0, "frame_split refused %s", s);
	ck_assert_int_eq(p.is_addr, 0);
	ck_assert_uint_eq(p.name_len, strlen(name));
	ck_assert_msg(memcmp(p.name, name, p.name_len) == 0, "name of %s", s);
	ck_assert_uint_eq(p.off, off);
	ck_assert_uint_eq(p.size, size);
	if (module) {
		ck_assert_uint_eq(p.module_len, strlen(module));
		ck_assert_msg(memcmp(p.module, module, p.module_len) == 0, "module of %s", s);
	} else {
		ck_assert_uint_eq(p.module_len, 0);
	}
}

START_TEST(test_frame_split)
{
	struct frame_parts p;
	char big[600];

	split_ok("prep_new_page+0x17/0x43", "prep_new_page", 0x17, 0x43, NULL);
	split_ok("start_kernel+0x0/0x657", "start_kernel", 0, 0x657, NULL);
	split_ok("brd_submit_bio+0x28d/0x42b [brd]", "brd_submit_bio", 0x28d, 0x42b, "brd");
	split_ok("ext4_write_begin+0xbd/0x4b0 [ext4]", "ext4_write_begin", 0xbd, 0x4b0, "ext4");
	split_ok("zs_malloc.constprop.0+0x1f/0x2a0 [zsmalloc]", "zs_malloc.constprop.0", 0x1f,
		 0x2a0, "zsmalloc");
	split_ok("copy_process.isra.0+0x10/0x20", "copy_process.isra.0", 0x10, 0x20, NULL);
	split_ok("do_thing.cold+0x5/0x6", "do_thing.cold", 5, 6, NULL);
	split_ok("foo.part.0+0x5/0x6", "foo.part.0", 5, 6, NULL);
	split_ok("__bar.llvm.12345+0xffff/0x10000", "__bar.llvm.12345", 0xffff, 0x10000, NULL);

	/* a 512-byte name (KSYM_NAME_LEN) */
	memset(big, 'n', 512);
	snprintf(big + 512, sizeof(big) - 512, "+0x1/0x2 [mod]");
	ck_assert_int_eq(frame_split(big, strlen(big), &p), 0);
	ck_assert_uint_eq(p.name_len, 512);
	ck_assert_uint_eq(p.module_len, 3);
	ck_assert_uint_eq(p.off, 1);

	/* bare addresses */
	ck_assert_int_eq(frame_split("0xffffffffa0001234", 18, &p), 0);
	ck_assert_int_eq(p.is_addr, 1);
	ck_assert_uint_eq(p.addr, 0xffffffffa0001234ULL);
	ck_assert_uint_eq(p.name_len, 0);
	ck_assert_uint_eq(p.module_len, 0);

	/* not frames */
	{
		static const char *const bad[] = {
			"", "foo", "foo+0x1", "foo+0x1/", "foo/0x2", "foo+1/0x2", "foo+0x1/2",
			"foo bar+0x1/0x2", "+0x1/0x2", "foo+0x1/0x2 [", "foo+0x1/0x2 []",
			"foo+0x1/0x2[mod]", "foo+0xg/0x2", "foo+0x1/0x2 trailing", "0x",
			"0xffffffffa0001234 [mod", "0x12345678901234567", "nr_base_pages: 5",
			"handle: 7",
		};

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			ck_assert_msg(frame_split(bad[i], strlen(bad[i]), &p) == -1,
				      "frame_split accepted \"%s\"", bad[i]);
	}
}
END_TEST

/* The forms derived from a frame's text (frame.h). */
static void strip_is(const char *s, const char *want)
{
	char out[FRAME_MAX + 80];
	size_t n = frame_strip(s, strlen(s), out, sizeof(out));

	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(n, strlen(want));
}

static void fold_is(const char *s, const char *name, const char *module)
{
	const char *mod;
	size_t n = frame_fold(s, &mod);

	ck_assert_uint_eq(n, strlen(name));
	ck_assert_msg(memcmp(s, name, n) == 0, "name of %s", s);
	if (module)
		ck_assert_str_eq(mod, module);
	else
		ck_assert_ptr_null(mod);
}

START_TEST(test_frame_forms)
{
	struct frame_parts p;
	char out[64];

	strip_is("prep_new_page+0x17/0x43", "prep_new_page");
	strip_is("brd_submit_bio+0x28d/0x42b [brd]", "brd_submit_bio [brd]");
	strip_is("ext4_write_begin+0xbd/0x4b0 [ext4 0123abcd]", "ext4_write_begin [ext4]");
	strip_is("zs_malloc.constprop.0+0x1f/0x2a0", "zs_malloc.constprop.0");
	strip_is("0xffffffffa0001234", "0xffffffffa0001234");
	strip_is("not a frame", "not a frame");
	/* cut to the buffer */
	ck_assert_uint_eq(frame_strip("abcdef+0x1/0x2", 14, out, 4), 3);
	ck_assert_str_eq(out, "abc");

	ck_assert_int_eq(frame_split("f+0x1/0x2 [mod 0a0b]", 20, &p), 0);
	ck_assert_uint_eq(frame_module_name_len(&p), 3);
	ck_assert_uint_eq(frame_label(&p, out, sizeof(out)), 12);
	ck_assert_str_eq(out, "f [mod 0a0b]");
	ck_assert_int_eq(frame_split("f+0x1/0x2", 9, &p), 0);
	ck_assert_uint_eq(frame_module_name_len(&p), 0);
	ck_assert_uint_eq(frame_label(&p, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "f");

	ck_assert_uint_eq(frame_label_strip("f [mod 0a0b]", 12, out, sizeof(out)), 7);
	ck_assert_str_eq(out, "f [mod]");
	ck_assert_uint_eq(frame_label_strip("f [mod]", 7, out, sizeof(out)), 7);
	ck_assert_str_eq(out, "f [mod]");
	ck_assert_uint_eq(frame_label_strip("f", 1, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "f");

	ck_assert_uint_eq(frame_name_base_len("zs_malloc.constprop.0", 21), 9);
	ck_assert_uint_eq(frame_name_base_len("do_thing.cold", 13), 8);
	ck_assert_uint_eq(frame_name_base_len(".text", 5), 5);
	ck_assert_uint_eq(frame_name_base_len("kmalloc", 7), 7);

	/* folded keeps the build id, and cuts at the first '+' of any text */
	fold_is("brd_submit_bio+0x28d/0x42b [brd 0a0b]", "brd_submit_bio", "[brd 0a0b]");
	fold_is("prep_new_page+0x17/0x43", "prep_new_page", NULL);
	fold_is("0xffffffffa0001234", "0xffffffffa0001234", NULL);
	fold_is("a+b [c]", "a", "[c]");
}
END_TEST

START_TEST(test_frames_in_records)
{
	/* every frame form inside a record, including a 512-byte name */
	struct rsink rs;
	struct pt_err err;
	struct sbuf b = { 0 };
	char name[513];

	memset(name, 'x', 512);
	name[512] = '\0';
	sb_add(&b, " prep_new_page+0x17/0x43\n"
		   " zs_malloc.constprop.0+0x1f/0x2a0 [zsmalloc]\n"
		   " 0xffffffffa0001234\n"
		   " a.isra.0+0x1/0x2\n"
		   " b.cold+0x1/0x2\n"
		   " c.llvm.12345+0x1/0x2\n");
	sb_printf(&b, " %s+0x10/0x20 [longmod]\n", name);
	sb_add(&b, "nr_base_pages: 7\n\n");
	rs_init(&rs);
	ck_assert_msg(parse_str(b.s, &rs, NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 1);
	ck_assert_uint_eq(rs.st[0].nframes, 7);
	ck_assert_str_eq(rs.st[0].frames[2], "0xffffffffa0001234");
	ck_assert_str_eq(rs.st[0].frames[5], "c.llvm.12345+0x1/0x2");
	ck_assert_uint_eq(strlen(rs.st[0].frames[6]), 512 + strlen("+0x10/0x20 [longmod]"));
	rs_clear(&rs);
	sb_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ detection */

START_TEST(test_detect)
{
	static const struct {
		const char *text;
		enum pfmt f;
	} cases[] = {
		{ " a+0x1/0x2\nnr_base_pages: 3\n\n", PF_SHOW_STACKS },
		{ "\n\n a+0x1/0x2\n b+0x1/0x2\nnr_base_pages: 3\n", PF_SHOW_STACKS },
		{ "a+0x1/0x2\nstack_count: 3\n\n\n\n", PF_PROPOSAL },
		{ " a+0x1/0x2\nstack_count: 3\n", PF_PROPOSAL },
		{ " a+0x1/0x2\n 0xffffffff81000000\nhandle: 12\n\n", PF_STACKS_HANDLES },
		{ "handle: 12\nnr_base_pages: 3\n\n", PF_HANDLES },
		{ "Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n",
		  PF_PAGE_OWNER },
		{ "#pagetop-recording 1\n", PF_RECORDING },
		{ " a+0x1/0x2\r\nnr_base_pages: 3\r\n", PF_SHOW_STACKS },
		/* a frame and nothing more within the peek: stacks of some kind */
		{ " a+0x1/0x2\n b+0x1/0x2\n", PF_SHOW_STACKS },
		{ "hello world\n", PF_UNKNOWN },
		{ "", PF_UNKNOWN },
		{ "\n\n\n", PF_UNKNOWN },
		{ "{\"json\": 1}\n", PF_UNKNOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(parse_detect(cases[i].text, strlen(cases[i].text)) == cases[i].f,
			      "case %zu: detected %s, expected %s", i,
			      pfmt_name(parse_detect(cases[i].text, strlen(cases[i].text))),
			      pfmt_name(cases[i].f));
}
END_TEST

START_TEST(test_detect_real)
{
	static const struct {
		const char *path;
		enum pfmt f;
	} cases[] = {
		{ TD("plain/0030.show_stacks"), PF_SHOW_STACKS },
		{ TD("plain/0030.show_handles"), PF_HANDLES },
		{ TD("plain/0030.show_stacks_handles"), PF_STACKS_HANDLES },
		{ TD("proposal/page_owner_full_stacks.example"), PF_PROPOSAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len;
		char *t = read_file(cases[i].path, &len);

		ck_assert_ptr_nonnull(t);
		ck_assert_msg(parse_detect(t, len < 4096 ? len : 4096) == cases[i].f, "%s",
			      cases[i].path);
		free(t);
	}
}
END_TEST

START_TEST(test_pfmt_names)
{
	ck_assert_str_eq(pfmt_name(PF_SHOW_STACKS), "show_stacks");
	ck_assert_str_eq(pfmt_name(PF_PROPOSAL), "page_owner_stacks");
	ck_assert_str_eq(pfmt_name(PF_STACKS_HANDLES), "show_stacks_handles");
	ck_assert_str_eq(pfmt_name(PF_HANDLES), "show_handles");
	ck_assert_str_eq(pfmt_name(PF_PAGE_OWNER), "page_owner");
	ck_assert_str_eq(pfmt_name(PF_UNKNOWN), "unknown");
	ck_assert_str_eq(iface_name(IFACE_HANDLES), "handles");
	ck_assert_str_eq(iface_name(IFACE_SHOW_STACKS), "show_stacks");
	ck_assert_str_eq(iface_name(IFACE_PROPOSAL), "proposal");
	ck_assert_str_eq(iface_name(IFACE_PAGE_OWNER), "page_owner");
}
END_TEST

/* ------------------------------------------------------------------ tolerated */

/* The two-record show_stacks input in some spelling parses to the same records. */
static void same_as_show_stacks(const char *text)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	rs_init(&rs);
	ck_assert_msg(parse_str(text, &rs, &got, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[0].nframes, 2);
	ck_assert_str_eq(rs.st[0].frames[0], "a+0x1/0x2");
	ck_assert_str_eq(rs.st[0].frames[1], "b+0x3/0x4 [mod]");
	ck_assert_uint_eq(rs.st[0].count, 10);
	ck_assert_uint_eq(rs.st[1].nframes, 1);
	ck_assert_str_eq(rs.st[1].frames[0], "c+0x5/0x6");
	ck_assert_uint_eq(rs.st[1].count, 20);
	rs_clear(&rs);
}

START_TEST(test_tolerated)
{
	same_as_show_stacks(" a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n\n"
			    " c+0x5/0x6\nnr_base_pages: 20\n\n");
	/* CRLF */
	same_as_show_stacks(" a+0x1/0x2\r\n b+0x3/0x4 [mod]\r\nnr_base_pages: 10\r\n\r\n"
			    " c+0x5/0x6\r\nnr_base_pages: 20\r\n\r\n");
	/* trailing spaces and tabs */
	same_as_show_stacks(" a+0x1/0x2  \n b+0x3/0x4 [mod]\t\nnr_base_pages: 10 \n \n"
			    " c+0x5/0x6\t \nnr_base_pages: 20   \n\n");
	/* repeated blank lines, at the start too */
	same_as_show_stacks("\n\n\n a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n\n\n\n\n"
			    " c+0x5/0x6\nnr_base_pages: 20\n\n\n");
	/* no final blank line */
	same_as_show_stacks(" a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n\n"
			    " c+0x5/0x6\nnr_base_pages: 20\n");
	/* no blank line between records */
	same_as_show_stacks(" a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n"
			    " c+0x5/0x6\nnr_base_pages: 20\n");
	/* a count of 0 and of exactly 2^48 are fine */
	{
		struct rsink rs;
		struct pt_err err;

		rs_init(&rs);
		ck_assert_msg(parse_str(" a+0x1/0x2\nnr_base_pages: 0\n\n"
					" b+0x1/0x2\nnr_base_pages: 281474976710656\n\n",
					&rs, NULL, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(rs.st[0].count, 0);
		ck_assert_uint_eq(rs.st[1].count, 1ULL << 48);
		rs_clear(&rs);
	}
}
END_TEST

static const char SMALL_TEXT[] =
	" a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n\n c+0x5/0x6\nnr_base_pages: 20\n\n";

START_TEST(test_gzip_xz_files)
{
	char *dir = tmpdir_new();
	size_t zlen;
	unsigned char *z;
	char *p;
	struct reader *r;
	struct pt_err err;
	struct rsink rs;
	enum pfmt got;

	/* gzip, with a misleading name: detection is by magic bytes */
	z = gzip_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen);
	p = write_in(dir, "snap.txt", z, zlen);
	ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
	ck_assert_str_eq(reader_compression(r), "gzip");
	reader_close(r);
	rs_init(&rs);
	ck_assert_msg(parse_path(p, PF_UNKNOWN, &got, &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[1].count, 20);
	rs_clear(&rs);
	free(p);
	free(z);

	/* two concatenated gzip members read as one stream (like zcat) */
	{
		static const char m1[] = " a+0x1/0x2\n b+0x3/0x4 [mod]\nnr_base_pages: 10\n\n";
		static const char m2[] = " c+0x5/0x6\nnr_base_pages: 20\n\n";
		size_t l1, l2;
		unsigned char *z1 = gzip_buf(m1, strlen(m1), &l1);
		unsigned char *z2 = gzip_buf(m2, strlen(m2), &l2);
		unsigned char *both = malloc(l1 + l2);

		memcpy(both, z1, l1);
		memcpy(both + l1, z2, l2);
		p = write_in(dir, "two.gz", both, l1 + l2);
		rs_init(&rs);
		ck_assert_msg(parse_path(p, PF_UNKNOWN, &got, &rs, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(rs.nst, 2);
		ck_assert_uint_eq(rs.st[0].count, 10);
		ck_assert_uint_eq(rs.st[1].count, 20);
		rs_clear(&rs);
		free(p);
		free(z1);
		free(z2);
		free(both);
	}

	/* xz */
	z = xz_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen);
	p = write_in(dir, "snap.xz", z, zlen);
	ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
	ck_assert_str_eq(reader_compression(r), "xz");
	reader_close(r);
	rs_init(&rs);
	ck_assert_msg(parse_path(p, PF_UNKNOWN, &got, &rs, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_str_eq(rs.st[0].frames[1], "b+0x3/0x4 [mod]");
	rs_clear(&rs);
	free(p);

	/* truncated xz: an error, not a silent short read */
	p = write_in(dir, "cut.xz", z, zlen / 2);
	rs_init(&rs);
	ck_assert_int_eq(parse_path(p, PF_UNKNOWN, &got, &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, "cut.xz") && strstr(err.msg, "truncated"), "%s", err.msg);
	rs_clear(&rs);
	free(p);
	free(z);

	/* corrupt gzip */
	z = gzip_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen);
	for (size_t i = 12; i < zlen - 8; i++)
		z[i] ^= 0x5a;
	p = write_in(dir, "bad.gz", z, zlen);
	rs_init(&rs);
	ck_assert_int_eq(parse_path(p, PF_UNKNOWN, &got, &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, "bad.gz") && strstr(err.msg, "gzip"), "%s", err.msg);
	rs_clear(&rs);
	free(p);
	free(z);

	/* plain files have no compression */
	p = write_in(dir, "plain", SMALL_TEXT, strlen(SMALL_TEXT));
	ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
	ck_assert_ptr_null(reader_compression(r));
	ck_assert_str_eq(reader_name(r), p);
	reader_close(r);
	free(p);

	/* the real compressed fixtures */
	rs_init(&rs);
	ck_assert_msg(parse_path(TD("small/0001.show_stacks.xz"), PF_UNKNOWN, &got, &rs, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_gt(rs.nst, 100);
	rs_clear(&rs);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_open_errors)
{
	struct reader *r = NULL;
	struct pt_err err;
	char *dir = tmpdir_new();

	ck_assert_int_eq(reader_open_path(&r, "/nonexistent/pagetop/file", &err), -1);
	ck_assert_msg(strncmp(err.msg, "/nonexistent/pagetop/file: cannot open: ", 40) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(reader_open_path(&r, dir, &err), -1);
	ck_assert_msg(strstr(err.msg, "is a folder"), "%s", err.msg);
	tmpdir_free(dir);
}
END_TEST

/* Runs fn with the given bytes on standard input (restored afterwards). */
static void with_stdin(const char *data, size_t len, void (*fn)(void))
{
	char *dir = tmpdir_new();
	char *p = write_in(dir, "in", data, len);
	int saved = dup(0), fd = open(p, O_RDONLY);

	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 0), 0);
	close(fd);
	fn();
	ck_assert_int_eq(dup2(saved, 0), 0);
	close(saved);
	free(p);
	tmpdir_free(dir);
}

static void stdin_parse(void)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;
	struct reader *r;

	ck_assert_int_eq(reader_open_path(&r, "-", &err), 0);
	ck_assert_str_eq(reader_name(r), "standard input");
	reader_close(r);
	/* reading standard input must not close it */
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
	ck_assert_int_eq(lseek(0, 0, SEEK_SET), 0);
	rs_init(&rs);
	ck_assert_msg(parse_path("-", PF_UNKNOWN, &got, &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[1].count, 20);
	rs_clear(&rs);
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
}

START_TEST(test_stdin)
{
	size_t zlen;
	unsigned char *z;

	with_stdin(SMALL_TEXT, strlen(SMALL_TEXT), stdin_parse);
	z = xz_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen);
	with_stdin((const char *)z, zlen, stdin_parse);
	free(z);
	z = gzip_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen);
	with_stdin((const char *)z, zlen, stdin_parse);
	free(z);
}
END_TEST

/* A pipe fed by a thread: short reads and data arriving in pieces. */
struct feeder {
	int fd;
	const char *data;
	size_t len, chunk;
};

static void *feed_thread(void *arg)
{
	struct feeder *f = arg;

	for (size_t off = 0; off < f->len;) {
		size_t n = f->len - off < f->chunk ? f->len - off : f->chunk;
		ssize_t w = write(f->fd, f->data + off, n);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

START_TEST(test_pipe_small_chunks)
{
	/* bytes dribbling in 3 at a time, compressed and not: magic detection waits for
	 * enough bytes, and records still come out whole */
	for (int comp = 0; comp < 2; comp++) {
		int fds[2];
		pthread_t th;
		struct feeder f;
		struct reader *r;
		struct rsink rs;
		struct sink s;
		struct pt_err err;
		size_t zlen = 0;
		unsigned char *z = comp ? xz_buf(SMALL_TEXT, strlen(SMALL_TEXT), &zlen) : NULL;

		ck_assert_int_eq(pipe(fds), 0);
		f.fd = fds[1];
		f.data = comp ? (const char *)z : SMALL_TEXT;
		f.len = comp ? zlen : strlen(SMALL_TEXT);
		f.chunk = 3;
		ck_assert_int_eq(pthread_create(&th, NULL, feed_thread, &f), 0);
		ck_assert_int_eq(reader_open_fd(&r, fds[0], "pipe", 1, &err), 0);
		rs_init(&rs);
		s = rs_sink(&rs);
		ck_assert_msg(parse_stream(r, PF_UNKNOWN, NULL, &s, &err) == 0, "%s", err.msg);
		reader_close(r);
		pthread_join(th, NULL);
		ck_assert_uint_eq(rs.nst, 2);
		ck_assert_str_eq(rs.st[0].frames[1], "b+0x3/0x4 [mod]");
		ck_assert_uint_eq(rs.st[1].count, 20);
		rs_clear(&rs);
		free(z);
	}
}
END_TEST

/* ------------------------------------------------------------------ truncated */

START_TEST(test_truncated_mid_line)
{
	/* a file cut at an arbitrary byte usually ends inside a frame line (frames are most
	 * of the bytes): that is a record cut short too, not an error */
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	diag_capture();
	rs_init(&rs);
	ck_assert_msg(parse_str(" a+0x1/0x2\nnr_base_pages: 10\n\n"
				" b+0x1/0x2\nnr_base_pages: 20\n\n"
				" c+0x1/0x2\n d+0x1/0x2\n e+0x1/0x", &rs, &got, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(rs.nst, 2);
	ck_assert_uint_eq(rs.st[1].count, 20);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_str_eq(diag_msgs[0],
			 "test:7: the last record is cut short (truncated file?): ignored it, kept the 2 before it");
	rs_clear(&rs);
	diag_set_sink(NULL);
}
END_TEST

START_TEST(test_truncated_last_record)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	/* cut right after the frames, with a newline */
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(parse_str(" a+0x1/0x2\nnr_base_pages: 10\n\n c+0x1/0x2\n", &rs, &got, &err),
			 0);
	ck_assert_uint_eq(rs.nst, 1);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_str_eq(diag_msgs[0],
			 "test:4: the last record is cut short (truncated file?): ignored it, kept the 1 before it");
	rs_clear(&rs);

	/* show_handles cut after a handle */
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(parse_str("handle: 5\nnr_base_pages: 1\n\nhandle: 6\n", &rs, &got, &err),
			 0);
	ck_assert_uint_eq(rs.nct, 1);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_str_eq(diag_msgs[0],
			 "test:4: the last record is cut short (truncated file?): ignored it, kept the 1 before it");
	rs_clear(&rs);

	/* per-block dump cut in the middle of a block */
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(parse_str("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
				   "PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
				   " a+0x1/0x2\n"
				   "\n"
				   "Page allocated via order 1, mask 0x0(), pid 0, tgid 0 (swapper), ts 2 ns\n"
				   "PFN 0x2 type Unmovable Block 0 type Unmovable Flags 0x0()\n",
				   &rs, &got, &err), 0);
	ck_assert_int_eq(got, PF_PAGE_OWNER);
	ck_assert_uint_eq(rs.nst, 1);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_str_eq(diag_msgs[0],
			 "test:5: the last record is cut short (truncated file?): ignored it, kept the 1 before it");
	rs_clear(&rs);

	/* per-block dump whose last frame line lost its newline */
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(parse_str("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
				   "PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
				   " a+0x1/0x2\n"
				   "\n"
				   "Page allocated via order 1, mask 0x0(), pid 0, tgid 0 (swapper), ts 2 ns\n"
				   "PFN 0x2 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
				   " a+0x1/0x2\n"
				   " b+0x1/0x", &rs, &got, &err), 0);
	ck_assert_uint_eq(rs.nst, 1);
	ck_assert_int_eq(diag_n, 1);
	ck_assert_msg(strstr(diag_msgs[0], "cut short"), "%s", diag_msgs[0]);
	rs_clear(&rs);

	/* a complete file warns nothing */
	diag_capture();
	rs_init(&rs);
	ck_assert_int_eq(parse_str(SMALL_TEXT, &rs, &got, &err), 0);
	ck_assert_int_eq(diag_n, 0);
	rs_clear(&rs);
	diag_set_sink(NULL);
}
END_TEST

/* ------------------------------------------------------------------ rejected */

/* Parsing text named "bad.txt" fails with exactly msg. */
static void rejects(const char *text, size_t len, const char *msg)
{
	struct rsink rs;
	struct pt_err err;

	rs_init(&rs);
	ck_assert_msg(parse_buf(text, len, "bad.txt", PF_UNKNOWN, NULL, &rs, &err) == -1,
		      "accepted: %s", text);
	ck_assert_str_eq(err.msg, msg);
	rs_clear(&rs);
}

#define REJECTS(text, msg) rejects(text, sizeof(text) - 1, msg)

START_TEST(test_reject_garbage)
{
	REJECTS("hello world\n",
		"bad.txt:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"hello world\"");
	REJECTS("\n\n<html>\n",
		"bad.txt:3: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"<html>\"");
	/* garbage inside a record */
	REJECTS(" a+0x1/0x2\n b+0x1/0x2\nnr_base_pages: 3\n\n c+0x1/0x2\nwhat is this\n",
		"bad.txt:6: expected a stack frame or \"nr_base_pages: N\", found \"what is this\"");
	/* a frame line with a bad form after the leading space */
	REJECTS(" a+0x1/0x2\n not a frame\n",
		"bad.txt:2: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \" not a frame\"");
	/* control bytes are escaped in the message, long lines shortened */
	REJECTS("bad\x01line\n",
		"bad.txt:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"bad\\x01line\"");
	/* C1 (CSI is C2 9B), DEL and bytes that are no UTF-8 too, as on the screen and in
	 * batch output */
	REJECTS("\033[2J\xc2\x9b" "31m\177\x80\n",
		"bad.txt:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"\\x1b[2J\\u009b31m\\x7f\\x80\"");
	REJECTS("0123456789012345678901234567890123456789012345678901234567890123456789\n",
		"bad.txt:1: expected a stack frame (\" name+0xOFF/0xSIZE\"), found "
		"\"012345678901234567890123456789012345678901234567890123456789...\"");
	/* a pagetop recording is not a snapshot */
	REJECTS("#pagetop-recording 1\n",
		"bad.txt: a pagetop recording cannot be read as a snapshot here");
}
END_TEST

START_TEST(test_reject_binary)
{
	REJECTS(" a+0x1/0x2\nnr_base_pages: 3\n\n b+0x1\0/0x2\n",
		"bad.txt:4: expected text, found binary data (a NUL byte)");
	REJECTS("\x7f" "ELF\x02\x01\x01\0\0\0\0\n",
		"bad.txt:1: expected text, found binary data (a NUL byte)");
	REJECTS("handle: 5\nnr_base_pages: 1\0\n",
		"bad.txt:2: expected text, found binary data (a NUL byte)");
	REJECTS(" a+0x1/0x2\nnr_base_pages: 3\n\n\0\0\0\0\n",
		"bad.txt:4: expected text, found binary data (a NUL byte)");
	/* in every line of a per-block dump */
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable\0Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n\n",
		"bad.txt:2: expected text, found binary data (a NUL byte)");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swa\0pper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n\n",
		"bad.txt:1: expected text, found binary data (a NUL byte)");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n"
		"Slab cache\0page\n\n",
		"bad.txt:4: expected text, found binary data (a NUL byte)");
}
END_TEST

START_TEST(test_reject_no_count)
{
	/* a record ended by a blank line before its count */
	REJECTS(" a+0x1/0x2\n b+0x1/0x2\n\n",
		"bad.txt:3: expected \"nr_base_pages: N\" after the frames, found an empty line");
	REJECTS(" a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\n\n c+0x1/0x2\nnr_base_pages: 1\n",
		"bad.txt:5: expected \"nr_base_pages: N\" after the frames, found an empty line");
	/* a count without frames */
	REJECTS("nr_base_pages: 5\n",
		"bad.txt:1: expected stack frames before the count, found \"nr_base_pages: 5\"");
	REJECTS(" a+0x1/0x2\nstack_count: 1\n\nstack_count: 5\n",
		"bad.txt:4: expected stack frames before the count, found \"stack_count: 5\"");
	/* a count that is not a number */
	REJECTS(" a+0x1/0x2\nnr_base_pages: many\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages: many\"");
	REJECTS(" a+0x1/0x2\nnr_base_pages:\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages:\"");
	REJECTS(" a+0x1/0x2\nnr_base_pages: -1\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages: -1\"");
}
END_TEST

START_TEST(test_reject_overflow)
{
	/* 2^48 + 1 */
	REJECTS(" a+0x1/0x2\nnr_base_pages: 281474976710657\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages: 281474976710657\"");
	/* 2^64 and far beyond */
	REJECTS(" a+0x1/0x2\nnr_base_pages: 18446744073709551616\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages: 18446744073709551616\"");
	REJECTS(" a+0x1/0x2\nnr_base_pages: 99999999999999999999999\n",
		"bad.txt:2: expected a page count from 0 to 2^48, found \"nr_base_pages: 99999999999999999999999\"");
	REJECTS("a+0x1/0x2\nstack_count: 18446744073709551615\n",
		"bad.txt:2: expected an allocation count from 0 to 2^48, found \"stack_count: 18446744073709551615\"");
	/* handles are 32-bit */
	REJECTS(" a+0x1/0x2\nhandle: 4294967296\n",
		"bad.txt:2: expected \"handle: N\" with a non-zero 32-bit number, found \"handle: 4294967296\"");
	REJECTS("handle: 0\nnr_base_pages: 1\n",
		"bad.txt:1: expected \"handle: N\" with a non-zero 32-bit number, found \"handle: 0\"");
}
END_TEST

START_TEST(test_reject_long_line)
{
	struct sbuf b = { 0 };
	struct rsink rs;
	struct pt_err err;
	struct reader *r;
	const char *line;
	size_t n;
	char *dir, *p;

	sb_add(&b, " a+0x1/0x2\nnr_base_pages: 1\n\n ");
	for (int i = 0; i < 4200; i++)
		sb_add(&b, "x");
	sb_add(&b, "+0x1/0x2\nnr_base_pages: 1\n\n");
	rs_init(&rs);
	ck_assert_int_eq(parse_buf(b.s, b.len, "bad.txt", PF_UNKNOWN, NULL, &rs, &err), -1);
	ck_assert_msg(strncmp(err.msg, "bad.txt:4: expected a line of at most 4096 bytes", 48) == 0,
		      "%s", err.msg);
	rs_clear(&rs);

	/* from a file (the reader's refill path) */
	dir = tmpdir_new();
	p = write_in(dir, "long", b.s, b.len);
	rs_init(&rs);
	ck_assert_int_eq(parse_path(p, PF_UNKNOWN, NULL, &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, ":4: expected a line of at most 4096 bytes"), "%s", err.msg);
	ck_assert_msg(strncmp(err.msg, p, strlen(p)) == 0, "%s", err.msg);
	rs_clear(&rs);
	free(p);

	/* a long line with no newline at all, bigger than the reader's buffer */
	sb_free(&b);
	for (int i = 0; i < 300000; i++)
		sb_add(&b, "y");
	p = write_in(dir, "huge", b.s, b.len);
	rs_init(&rs);
	ck_assert_int_eq(parse_path(p, PF_UNKNOWN, NULL, &rs, &err), -1);
	ck_assert_msg(strstr(err.msg, ":1: expected a line of at most 4096 bytes"), "%s", err.msg);
	rs_clear(&rs);
	free(p);
	tmpdir_free(dir);

	/* exactly 4096 bytes is still a line */
	sb_free(&b);
	for (int i = 0; i < 4096; i++)
		sb_add(&b, "z");
	sb_add(&b, "\n");
	ck_assert_int_eq(reader_open_mem(&r, b.s, b.len, "mem", &err), 0);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 1);
	ck_assert_uint_eq(n, 4096);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 0);
	reader_close(r);
	sb_free(&b);
}
END_TEST

START_TEST(test_reject_empty)
{
	REJECTS("", "bad.txt: expected page_owner records, found an empty file");
	REJECTS("\n\n\n", "bad.txt:3: expected page_owner records, found none");
	REJECTS("  \r\n\t\n", "bad.txt:2: expected page_owner records, found none");
}
END_TEST

START_TEST(test_reject_mixed)
{
	REJECTS(" a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\nstack_count: 5\n",
		"bad.txt:5: expected \"nr_base_pages: N\" as in the records before (show_stacks format), found \"stack_count: 5\"");
	REJECTS("a+0x1/0x2\nstack_count: 5\n\n\n\nb+0x1/0x2\nnr_base_pages: 1\n",
		"bad.txt:7: expected \"stack_count: N\" as in the records before (page_owner_stacks format), found \"nr_base_pages: 1\"");
	REJECTS(" a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\nhandle: 7\n",
		"bad.txt:5: expected \"nr_base_pages: N\" as in the records before (show_stacks format), found \"handle: 7\"");
	REJECTS(" a+0x1/0x2\nhandle: 7\n\nhandle: 8\nnr_base_pages: 1\n",
		"bad.txt:4: expected stack frames before the handle, found \"handle: 8\"");
	REJECTS("handle: 8\nnr_base_pages: 1\n\n a+0x1/0x2\nhandle: 7\n",
		"bad.txt:5: expected \"handle: N\" as in the records before (show_handles format), found \"handle: 7\"");
	/* a per-block dump with a stacks record inside */
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n"
		"\n"
		" b+0x1/0x2\n"
		"nr_base_pages: 1\n",
		"bad.txt:5: expected \"Page allocated via order N, ...\", found \" b+0x1/0x2\"");
}
END_TEST

START_TEST(test_reject_handle_without_count)
{
	REJECTS("handle: 5\nhandle: 6\nnr_base_pages: 1\n",
		"bad.txt:2: expected \"nr_base_pages: N\" after the handle, found \"handle: 6\"");
	REJECTS("handle: 5\n\nhandle: 6\nnr_base_pages: 1\n",
		"bad.txt:2: expected \"nr_base_pages: N\" after the handle, found an empty line");
	REJECTS("handle: 5\nnr_base_pages: 1\n\nhandle: 6\n a+0x1/0x2\n",
		"bad.txt:5: expected \"nr_base_pages: N\" after the handle, found \" a+0x1/0x2\"");
}
END_TEST

START_TEST(test_reject_page_owner)
{
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		" a+0x1/0x2\n",
		"bad.txt:2: expected the \"PFN ...\" line of a block, found \" a+0x1/0x2\"");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		"Slab cache page\n",
		"bad.txt:3: expected a stack frame (\" name+0xOFF/0xSIZE\"), found \"Slab cache page\"");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		"\n",
		"bad.txt:3: expected the frames of the block allocated at line 1, found none");
	REJECTS("Page allocated via order 21, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n",
		"bad.txt:1: expected an allocation order from 0 to 20, found "
		"\"Page allocated via order 21, mask 0x0(), pid 0, tgid 0 (swap...\"");
	REJECTS("Page allocated via order x, mask 0x0()\n",
		"bad.txt:1: expected \"Page allocated via order N, ...\", found \"Page allocated via order x, mask 0x0()\"");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n"
		"handle: 0\n",
		"bad.txt:4: expected \"handle: N\" with a non-zero number, found \"handle: 0\"");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"PFN 0x1 type Unmovable Block 0 type Unmovable Flags 0x0()\n"
		" a+0x1/0x2\n"
		"Slab cache page\n"
		" b+0x1/0x2\n",
		"bad.txt:5: expected information lines after the frames, not more frames, found \" b+0x1/0x2\"");
	REJECTS("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 1 ns\n"
		"\n",
		"bad.txt:2: expected the \"PFN ...\" line of a block, found an empty line");
}
END_TEST

START_TEST(test_reject_too_many_frames)
{
	struct sbuf b = { 0 };
	struct rsink rs;
	struct pt_err err;

	for (int i = 0; i < STACK_MAX_FRAMES; i++)
		sb_printf(&b, " f%d+0x1/0x2\n", i);
	sb_add(&b, "nr_base_pages: 1\n\n");
	rs_init(&rs);
	ck_assert_msg(parse_buf(b.s, b.len, "bad.txt", PF_UNKNOWN, NULL, &rs, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(rs.st[0].nframes, STACK_MAX_FRAMES);
	rs_clear(&rs);
	sb_free(&b);
	for (int i = 0; i <= STACK_MAX_FRAMES; i++)
		sb_printf(&b, " f%d+0x1/0x2\n", i);
	rs_init(&rs);
	ck_assert_int_eq(parse_buf(b.s, b.len, "bad.txt", PF_UNKNOWN, NULL, &rs, &err), -1);
	/* the line number and what was expected (the quoted line may drop its leading space) */
	ck_assert_msg(strncmp(err.msg, "bad.txt:65: expected at most 64 frames in a stack, found ",
			      57) == 0, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "f64+0x1/0x2"), "%s", err.msg);
	rs_clear(&rs);
	sb_free(&b);
}
END_TEST

START_TEST(test_expect)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	/* what the caller expects must be what the file holds */
	rs_init(&rs);
	ck_assert_int_eq(parse_buf(SMALL_TEXT, strlen(SMALL_TEXT), "f", PF_STACKS_HANDLES, &got,
				   &rs, &err), -1);
	ck_assert_str_eq(err.msg, "f: expected show_stacks_handles content, found show_stacks");
	rs_clear(&rs);
	rs_init(&rs);
	ck_assert_int_eq(parse_buf(SMALL_TEXT, strlen(SMALL_TEXT), "f", PF_PAGE_OWNER, &got, &rs,
				   &err), -1);
	ck_assert_str_eq(err.msg,
			 "f:1: expected \"Page allocated via order N, ...\", found \" a+0x1/0x2\"");
	rs_clear(&rs);
	/* show_stacks accepts the proposal's format */
	rs_init(&rs);
	ck_assert_int_eq(parse_buf("a+0x1/0x2\nstack_count: 2\n", 25, "f", PF_SHOW_STACKS, &got,
				   &rs, &err), 0);
	ck_assert_int_eq(got, PF_PROPOSAL);
	rs_clear(&rs);
}
END_TEST

/* ------------------------------------------------------------------ allocinfo */

static const char ALLOCINFO[] =
	"allocinfo - version: 1.0\n"
	"#     <size>  <calls> <tag info>\n"
	"           0        0 init/main.c:1311 func:do_initcalls \n"
	"    39845888     9728 drivers/block/brd.c:67 [brd] func:brd_insert_page \n"
	"       12288        3 mm/slub.c:2410 func:alloc_slab_page \n";

START_TEST(test_allocinfo)
{
	struct rsink rs;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;

	ck_assert_int_eq(parse_detect(ALLOCINFO, strlen(ALLOCINFO)), PF_ALLOCINFO);
	rs_init(&rs);
	ck_assert_int_eq(parse_str(ALLOCINFO, &rs, &got, &err), 0);
	ck_assert_int_eq(got, PF_ALLOCINFO);
	ck_assert_uint_eq(rs.nst, 3);
	ck_assert_uint_eq(rs.st[1].nframes, 1);
	ck_assert_str_eq(rs.st[0].frames[0], "init/main.c:1311 func:do_initcalls");
	ck_assert_str_eq(rs.st[1].frames[0], "drivers/block/brd.c:67 [brd] func:brd_insert_page");
	ck_assert_uint_eq(rs.st[1].count, 39845888);
	ck_assert_uint_eq(rs.st[1].calls, 9728);
	ck_assert_uint_eq(rs.st[2].calls, 3);
	ck_assert_str_eq(pfmt_name(PF_ALLOCINFO), "allocinfo");
	ck_assert_str_eq(iface_name(IFACE_ALLOCINFO), "allocinfo");
	rs_clear(&rs);
}
END_TEST

static int nwarn_ai;
static char warn_ai[512];

static void ai_warn(const char *msg)
{
	nwarn_ai++;
	snprintf(warn_ai, sizeof(warn_ai), "%s", msg);
}

/* Fields a later version may add are skipped, several spaces are one; a version
 * pagetop does not know is said once. */
START_TEST(test_allocinfo_tolerated)
{
	static const char v2[] =
		"allocinfo - version: 2.1\n"
		"#     <size>  <calls> <tag info>\n"
		"    4096   1   mm/slub.c:2410   func:alloc_slab_page accounted:y \n"
		"      -8   2 fs/ext2/inode.c:7 [ext2] func:ext2_alloc  x:1\n";
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	diag_set_sink(ai_warn);
	for (int i = 0; i < 2; i++) {
		rs_init(&rs);
		ck_assert_int_eq(parse_str(v2, &rs, &got, &err), 0);
		ck_assert_uint_eq(rs.nst, 2);
		ck_assert_str_eq(rs.st[0].frames[0], "mm/slub.c:2410 func:alloc_slab_page");
		ck_assert_str_eq(rs.st[1].frames[0], "fs/ext2/inode.c:7 [ext2] func:ext2_alloc");
		ck_assert_uint_eq(rs.st[1].count, 0); /* below zero for a moment */
		rs_clear(&rs);
	}
	ck_assert_int_eq(nwarn_ai, 1);
	ck_assert_msg(strstr(warn_ai, "version 2.1") != NULL, "%s", warn_ai);
	diag_set_sink(NULL);
}
END_TEST

START_TEST(test_allocinfo_rejected)
{
	REJECTS("allocinfo - version: 1.0\n     12 abc mm/a.c:1 func:a \n",
		"bad.txt:2: expected \"SIZE CALLS FILE:LINE [module] func:NAME\", found \"     12 abc mm/a.c:1 func:a\"");
	REJECTS("allocinfo - version: 1.0\n     12 1 mm/a.c func:a\n",
		"bad.txt:2: expected \"SIZE CALLS FILE:LINE [module] func:NAME\", found \"     12 1 mm/a.c func:a\"");
	REJECTS("allocinfo - version: 1.0\n     12 1 mm/a.c:1 [a]\n",
		"bad.txt:2: expected \"SIZE CALLS FILE:LINE [module] func:NAME\", found \"     12 1 mm/a.c:1 [a]\"");
	REJECTS("allocinfo - version: 1.0\n#     <size>  <calls> <tag info>\n",
		"bad.txt:2: expected allocinfo call sites, found none");
	REJECTS("allocinfo - version: 1.0\n 999999999999999999 1 mm/a.c:1 func:a\n",
		"bad.txt:2: expected a size in bytes from 0 to 2^48, found \" 999999999999999999 1 mm/a.c:1 func:a\"");
}
END_TEST

START_TEST(test_allocinfo_site_split)
{
	struct site_parts sp;
	char buf[128];

	ck_assert_int_eq(frame_site_split("drivers/block/brd.c:67 [brd] func:brd_insert_page", 49, &sp), 0);
	ck_assert_uint_eq(sp.line, 67);
	ck_assert_int_eq((int)sp.file_len, 19);
	ck_assert_int_eq(memcmp(sp.module, "brd", 3), 0);
	frame_site_label(&sp, buf, sizeof(buf));
	ck_assert_str_eq(buf, "brd_insert_page [brd]");
	ck_assert_int_eq(frame_site_split("mm/slub.c:2410 func:alloc_slab_page", 35, &sp), 0);
	ck_assert_ptr_null(sp.module);
	frame_site_label(&sp, buf, sizeof(buf));
	ck_assert_str_eq(buf, "alloc_slab_page");
	ck_assert_int_eq(frame_site_split("brd_submit_bio+0x28d/0x42b [brd]", 32, &sp), -1);
	ck_assert_int_eq(frame_site_split("mm/slub.c:x func:a", 18, &sp), -1);
}
END_TEST

START_TEST(test_sink_error_passes_up)
{
	struct rsink rs;
	struct pt_err err;

	rs_init(&rs);
	rs.fail_at = 2;
	ck_assert_int_eq(parse_str(SHOW_STACKS, &rs, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "test sink refuses record 2");
	ck_assert_uint_eq(rs.nst, 2);
	rs_clear(&rs);
}
END_TEST

/* ------------------------------------------------------------------ reader */

START_TEST(test_reader_lines)
{
	static const char text[] = "one\r\ntwo  \t\n\nthree";
	struct reader *r;
	struct pt_err err;
	const char *line;
	size_t n;

	ck_assert_int_eq(reader_open_mem(&r, text, sizeof(text) - 1, "mem", &err), 0);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(memcmp(line, "one", 3), 0);
	ck_assert_int_eq(reader_last_had_newline(r), 1);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(memcmp(line, "two", 3), 0);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 1);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(memcmp(line, "three", 5), 0);
	ck_assert_int_eq(reader_last_had_newline(r), 0);
	ck_assert_uint_eq(reader_lineno(r), 4);
	ck_assert_int_eq(reader_line(r, &line, &n, &err), 0);
	ck_assert_str_eq(reader_name(r), "mem");
	reader_close(r);
}
END_TEST

/* A reader takes the buffers of the one closed before it (each page of a fresh buffer is
 * a page fault, and every file is opened twice); two open at once have their own, and
 * what each reads is its file's. */
START_TEST(test_reader_buffers_reused)
{
	char *dir = tmpdir_new();
	char *a = write_in(dir, "a", "a+0x1/0x2\nnr_base_pages: 1\n\n", 28);
	char *b = write_in(dir, "b", "b+0x1/0x2\nnr_base_pages: 2\n\n", 28);
	struct reader *ra, *rb;
	struct pt_err err;
	const char *pa, *pb, *pc;

	ck_assert_int_eq(reader_open_path(&ra, a, &err), 0);
	ck_assert_uint_eq(reader_peek(ra, &pa, &err), 28);
	ck_assert_int_eq(reader_open_path(&rb, b, &err), 0);
	ck_assert_uint_eq(reader_peek(rb, &pb, &err), 28);
	ck_assert_ptr_ne(pa, pb);
	ck_assert_int_eq(pa[0], 'a');
	ck_assert_int_eq(pb[0], 'b');
	reader_close(ra);
	ck_assert_int_eq(reader_open_path(&ra, b, &err), 0);
	ck_assert_uint_eq(reader_peek(ra, &pc, &err), 28);
	ck_assert_ptr_eq(pc, pa); /* a's buffer, b's text */
	ck_assert_int_eq(memcmp(pc, "b+0x1/0x2\nnr_base_pages: 2\n\n", 28), 0);
	ck_assert_int_eq(pb[0], 'b');
	reader_close(ra);
	reader_close(rb);
	free(a);
	free(b);
	tmpdir_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ streaming */

#define BIG_RECORDS 20000
#define BIG_FRAMES 16

static void gen_big(struct sbuf *b)
{
	for (unsigned i = 0; i < BIG_RECORDS; i++) {
		sb_printf(b, " rec_%u+0x%x/0x1000\n", i, i & 0xfff);
		for (unsigned f = 1; f < BIG_FRAMES; f++)
			sb_printf(b, " some_kernel_function_%u+0x%x/0x200 [module_%u]\n", f, f,
				  i % 7);
		sb_printf(b, "nr_base_pages: %u\n\n", i % 1000);
	}
}

struct bigcheck {
	uint64_t n, sum, bad;
	uint64_t fail_at;            /* the sink fails at this record (0: never) */
	uint64_t npf, pf_hash[4];    /* prefetch() calls, the hashes of the last four */
	uint64_t late;               /* records not prefetched one record before their stack() */
	uint32_t key_of[BIG_FRAMES][7]; /* frame keys seen, by frame and module */
	uint32_t max_key;
};

/* Frame keys (threaded parse): equal texts have equal keys, a new text a new key. */
static int big_keys_ok(struct bigcheck *c, const struct stack_rec *rec)
{
	if (!rec->keyspace)
		return 1;
	if (rec->frames[0].key <= c->max_key)
		return 0; /* rec_N is a text of its own, interned first */
	c->max_key = rec->frames[0].key;
	for (unsigned f = 1; f < BIG_FRAMES && f < rec->nframes; f++) {
		uint32_t *k = &c->key_of[f][c->n % 7];

		if (!*k) {
			if (rec->frames[f].key <= c->max_key)
				return 0;
			*k = c->max_key = rec->frames[f].key;
		} else if (*k != rec->frames[f].key) {
			return 0;
		}
	}
	return 1;
}

static int big_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct bigcheck *c = self;
	char want[64];
	int k = snprintf(want, sizeof(want), "rec_%llu+0x%llx/0x1000", (unsigned long long)c->n,
			 (unsigned long long)(c->n & 0xfff));

	if (c->fail_at && c->n == c->fail_at) {
		pt_err_set(err, "the sink is full");
		return -1;
	}
	if (!big_keys_ok(c, rec))
		c->bad++;
	/* with a prefetch(): that of the record after it came first (but for the last) */
	if (c->npf && (c->npf != c->n + (c->n + 1 < BIG_RECORDS ? 2 : 1) ||
		       rec->hash != c->pf_hash[c->n % 4] ||
		       rec->hash != stack_rec_hash(rec->frames, rec->nframes)))
		c->late++;
	if (rec->nframes != BIG_FRAMES || rec->frames[0].len != (uint32_t)k ||
	    memcmp(rec->frames[0].s, want, (size_t)k) != 0 || rec->count != c->n % 1000 ||
	    rec->frames[15].len != strlen("some_kernel_function_15+0xf/0x200 [module_0]"))
		c->bad++;
	c->n++;
	c->sum += rec->count;
	return 0;
}

static int big_count(void *self, uint64_t h, uint64_t n, struct pt_err *err)
{
	(void)self;
	(void)h;
	(void)n;
	(void)err;
	return -1;
}

static const struct sink_ops big_ops = { .stack = big_stack, .count = big_count };

static void big_prefetch(void *self, const struct stack_rec *rec)
{
	struct bigcheck *c = self;

	c->pf_hash[c->npf++ % 4] = rec->hash;
}

static const struct sink_ops big_pf_ops = {
	.stack = big_stack, .count = big_count, .prefetch = big_prefetch
};

static void check_big_how(struct reader *r, int threaded)
{
	struct bigcheck c;
	struct sink s = { &big_ops, &c };
	struct pt_err err;
	uint64_t want = 0;
	enum pfmt got = PF_UNKNOWN;

	memset(&c, 0, sizeof(c));
	ck_assert_msg((threaded ? parse_stream_threaded(r, PF_UNKNOWN, &got, &s, &err) :
		       parse_stream(r, PF_UNKNOWN, &got, &s, &err)) == 0, "%s", err.msg);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	for (unsigned i = 0; i < BIG_RECORDS; i++)
		want += i % 1000;
	ck_assert_uint_eq(c.n, BIG_RECORDS);
	ck_assert_uint_eq(c.bad, 0);
	ck_assert_uint_eq(c.sum, want);
}


/* The big input through a pipe in odd-sized writes, from a file, and gzip-compressed,
 * parsed on this thread or on a worker. */
static void check_big_all(const struct sbuf *b, const char *dir, int threaded)
{
	int fds[2];
	pthread_t th;
	struct feeder f;
	struct reader *r;
	struct pt_err err;
	char *p;
	size_t zlen;
	unsigned char *z;

	ck_assert_int_eq(pipe(fds), 0);
	f.fd = fds[1];
	f.data = b->s;
	f.len = b->len;
	f.chunk = 65521;
	ck_assert_int_eq(pthread_create(&th, NULL, feed_thread, &f), 0);
	ck_assert_int_eq(reader_open_fd(&r, fds[0], "pipe", 1, &err), 0);
	check_big_how(r, threaded);
	reader_close(r);
	pthread_join(th, NULL);

	p = write_in(dir, "big", b->s, b->len);
	ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
	check_big_how(r, threaded);
	reader_close(r);
	free(p);
	z = gzip_buf(b->s, b->len, &zlen);
	p = write_in(dir, "big.gz", z, zlen);
	ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
	check_big_how(r, threaded);
	reader_close(r);
	free(p);
	free(z);
}

START_TEST(test_big_stream)
{
	struct sbuf b = { 0 };
	char *dir;

	gen_big(&b);
	ck_assert_uint_gt(b.len, 10u << 20); /* many times the reader's buffer */
	dir = tmpdir_new();
	check_big_all(&b, dir, 0);
	tmpdir_free(dir);
	sb_free(&b);
}
END_TEST

static pthread_t warn_thread;
static int nwarn_main, nwarn_other;

static void count_warn(const char *msg)
{
	(void)msg;
	if (pthread_equal(pthread_self(), warn_thread))
		nwarn_main++;
	else
		nwarn_other++;
}

static unsigned rs_nprefetch;

static void rs_prefetch_counted(void *self, const struct stack_rec *rec)
{
	(void)self;
	(void)rec;
	rs_nprefetch++;
}

/* A sink that prefetches gets each stack record one record late, after the prefetch()
 * of the next one with its hash: the frames' texts still right though the lines they
 * were read from are gone, the last record given at the end, a sink's refusal of the
 * held record passed up; a dump's blocks come at once, without prefetch. */
START_TEST(test_prefetch_ahead)
{
	struct sbuf b = { 0 };
	char *dir = tmpdir_new(), *p;
	struct bigcheck c;
	struct sink s = { &big_pf_ops, &c };
	struct reader *r;
	struct pt_err err;
	struct rsink rs;
	struct sink_ops pf_rs = rs_ops;
	struct sink prs = { &pf_rs, &rs };
	enum pfmt got;
	int fds[2];
	pthread_t th;
	struct feeder f;

	gen_big(&b);
	p = write_in(dir, "big", b.s, b.len);
	for (uint64_t fail = 0; fail <= BIG_RECORDS; fail += BIG_RECORDS) {
		memset(&c, 0, sizeof(c));
		c.fail_at = fail ? fail - 1 : 0; /* the last one, held until the end */
		ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
		ck_assert_int_eq(parse_stream(r, PF_UNKNOWN, &got, &s, &err), fail ? -1 : 0);
		reader_close(r);
		ck_assert_uint_eq(c.n, fail ? BIG_RECORDS - 1 : BIG_RECORDS);
		ck_assert_uint_eq(c.npf, BIG_RECORDS);
		ck_assert_uint_eq(c.bad, 0);
		ck_assert_uint_eq(c.late, 0);
		if (fail)
			ck_assert_str_eq(err.msg, "the sink is full");
	}
	/* through a pipe in odd-sized writes: the reader's buffer refilled under the record */
	ck_assert_int_eq(pipe(fds), 0);
	f = (struct feeder){ .fd = fds[1], .data = b.s, .len = b.len, .chunk = 4093 };
	ck_assert_int_eq(pthread_create(&th, NULL, feed_thread, &f), 0);
	ck_assert_int_eq(reader_open_fd(&r, fds[0], "pipe", 1, &err), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_msg(parse_stream(r, PF_UNKNOWN, &got, &s, &err) == 0, "%s", err.msg);
	reader_close(r);
	pthread_join(th, NULL);
	ck_assert_uint_eq(c.n, BIG_RECORDS);
	ck_assert_uint_eq(c.bad + c.late, 0);

	/* a dump: every block given at once */
	pf_rs.prefetch = rs_prefetch_counted;
	rs_init(&rs);
	rs_nprefetch = 0;
	ck_assert_int_eq(reader_open_path(&r, TD("small/page_owner.xz"), &err), 0);
	ck_assert_msg(parse_stream(r, PF_PAGE_OWNER, &got, &prs, &err) == 0, "%s", err.msg);
	reader_close(r);
	ck_assert_uint_gt(rs.nst, 100);
	ck_assert_uint_eq(rs_nprefetch, 0);
	rs_clear(&rs);
	free(p);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

/* The parser on a worker thread (parse_thread.c): the same records in the same order,
 * with frame keys, through dozens of recycled buffers; warnings reach the caller's
 * thread; a sink that fails stops the worker, with no hang and nothing left over. */
START_TEST(test_threaded_stream)
{
	struct sbuf b = { 0 };
	struct reader *r;
	struct pt_err err;
	char *dir, *p;

	gen_big(&b);
	ck_assert_uint_gt(b.len, 40u * READER_BUF_SIZE); /* many more than the pool's buffers */
	dir = tmpdir_new();
	check_big_all(&b, dir, 1);

	/* cut in the middle of the last record: its warning comes on this thread */
	{
		struct bigcheck c;
		struct sink s = { &big_ops, &c };

		memset(&c, 0, sizeof(c));
		p = write_in(dir, "cut", b.s, b.len - 100);
		warn_thread = pthread_self();
		nwarn_main = nwarn_other = 0;
		diag_set_sink(count_warn);
		ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
		ck_assert_msg(parse_stream_threaded(r, PF_UNKNOWN, NULL, &s, &err) == 0, "%s",
			      err.msg);
		reader_close(r);
		diag_set_sink(NULL);
		ck_assert_uint_eq(c.n, BIG_RECORDS - 1);
		ck_assert_uint_eq(c.bad, 0);
		ck_assert_int_eq(nwarn_main, 1);
		ck_assert_int_eq(nwarn_other, 0);

		/* the sink fails half-way: its error comes back, the worker stops */
		memset(&c, 0, sizeof(c));
		c.fail_at = BIG_RECORDS / 2;
		ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
		ck_assert_int_eq(parse_stream_threaded(r, PF_UNKNOWN, NULL, &s, &err), -1);
		ck_assert_str_eq(err.msg, "the sink is full");
		ck_assert_uint_eq(c.n, BIG_RECORDS / 2);
		reader_close(r);
		free(p);
	}

	/* bad input far into the file: the parser's message, with its line */
	{
		struct bigcheck c;
		struct sink s = { &big_ops, &c };
		char *at = memmem(b.s + b.len / 2, b.len / 2, "nr_base_pages:", 14);

		memset(&c, 0, sizeof(c));
		ck_assert_ptr_nonnull(at);
		memcpy(at, "garbage!", 8);
		p = write_in(dir, "bad", b.s, b.len);
		ck_assert_int_eq(reader_open_path(&r, p, &err), 0);
		ck_assert_int_eq(parse_stream_threaded(r, PF_UNKNOWN, NULL, &s, &err), -1);
		ck_assert_msg(strstr(err.msg, "bad:") && strstr(err.msg, "garbage!"), "%s", err.msg);
		reader_close(r);
		free(p);
	}
	tmpdir_free(dir);
	sb_free(&b);
}
END_TEST

/* A plain file that shrinks while it is read makes the parse fail with a message saying
 * so, whether it shrank before the parse started (after the reader took its size),
 * during it (from the sink, half-way), or after it. */
static int shrink_fd = -1;
static uint64_t shrink_at;

static int shrink_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	if (shrink_fd >= 0 && ((struct bigcheck *)self)->n == shrink_at) {
		ck_assert_int_eq(ftruncate(shrink_fd, 5000), 0);
		shrink_fd = -1;
	}
	return big_stack(self, rec, err);
}

static const struct sink_ops shrink_ops = { .stack = shrink_stack, .count = big_count };

static int parse_shrinking(const char *p, const struct sbuf *b, uint64_t at, int threaded,
			   struct pt_err *err)
{
	struct bigcheck c;
	struct sink s = { &shrink_ops, &c };
	struct reader *r;
	int fd = open(p, O_RDWR | O_TRUNC), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b->s, b->len), (ssize_t)b->len);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(reader_open_path(&r, p, err), 0);
	ck_assert_int_eq(reader_check(r, err), 0);
	if (at == 0)
		ck_assert_int_eq(ftruncate(fd, 5000), 0);
	shrink_fd = at ? fd : -1;
	shrink_at = at;
	rc = (threaded ? parse_stream_threaded : parse_stream)(r, PF_UNKNOWN, NULL, &s, err);
	if (rc == 0) {
		/* read whole before it shrank: what it read stands, the check says the rest */
		ck_assert_uint_eq(c.n, BIG_RECORDS);
		ck_assert_uint_eq(c.bad, 0);
		ck_assert_int_eq(ftruncate(fd, 5000), 0);
		rc = reader_check(r, err);
	}
	reader_close(r);
	close(fd);
	return rc;
}

START_TEST(test_plain_file_shrinks)
{
	static const uint64_t when[] = { 0, 10, BIG_RECORDS / 2, BIG_RECORDS + 1 };
	struct sbuf b = { 0 };
	struct pt_err err;
	char *dir = tmpdir_new(), *p;

	gen_big(&b);
	p = write_in(dir, "shrinks", "", 0);
	for (int threaded = 0; threaded < 2; threaded++) {
		for (size_t i = 0; i < ARRAY_SIZE(when); i++) {
			err.msg[0] = '\0';
			ck_assert_int_eq(parse_shrinking(p, &b, when[i], threaded, &err), -1);
			ck_assert_msg(strstr(err.msg, "shrinks: the file shrank while it was read") &&
				      strstr(err.msg, "read a copy that nothing writes to"),
				      "at %llu, threaded %d: %s", (unsigned long long)when[i],
				      threaded, err.msg);
		}
	}
	free(p);
	tmpdir_free(dir);
	sb_free(&b);
}
END_TEST

/* The parser's frame dictionary: a sink gets, for every frame, hash_bytes() of its text
 * and a key that is equal for equal texts and only for them. Lines are looked up by
 * their length and first and last 8 bytes, so texts that share those must stay apart. */
struct keysink {
	char *text[4096];       /* by key */
	size_t nframes, nrec;
	int bad;
	char why[256];
};

static int ks_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct keysink *ks = self;

	(void)err;
	ks->nrec++;
	for (unsigned i = 0; i < rec->nframes; i++) {
		const struct frame_text *f = &rec->frames[i];

		ks->nframes++;
		if (ks->bad)
			continue;
		if (rec->keyspace == 0 || f->key == 0 || f->key >= 4096) {
			ks->bad = 1;
			snprintf(ks->why, sizeof(ks->why), "key %u", f->key);
		} else if (f->hash != hash_bytes(f->s, f->len, 0)) {
			ks->bad = 1;
			snprintf(ks->why, sizeof(ks->why), "hash of %.*s", (int)f->len, f->s);
		} else if (!ks->text[f->key]) {
			for (unsigned k = 1; k < 4096; k++)
				if (ks->text[k] && strlen(ks->text[k]) == f->len &&
				    memcmp(ks->text[k], f->s, f->len) == 0) {
					ks->bad = 1;
					snprintf(ks->why, sizeof(ks->why), "%.*s has keys %u and %u",
						 (int)f->len, f->s, k, f->key);
				}
			ks->text[f->key] = strndup(f->s, f->len);
		} else if (strlen(ks->text[f->key]) != f->len ||
			   memcmp(ks->text[f->key], f->s, f->len) != 0) {
			ks->bad = 1;
			snprintf(ks->why, sizeof(ks->why), "key %u is %s and %.*s", f->key,
				 ks->text[f->key], (int)f->len, f->s);
		}
	}
	return 0;
}

static const struct sink_ops ks_ops = { .stack = ks_stack };

static void ks_parse(struct keysink *ks, const char *text, size_t len)
{
	struct sink snk = { &ks_ops, ks };
	struct reader *r;
	struct pt_err err;
	enum pfmt got;

	memset(ks, 0, sizeof(*ks));
	ck_assert_int_eq(reader_open_mem(&r, text, len, "t", &err), 0);
	ck_assert_msg(parse_stream(r, PF_UNKNOWN, &got, &snk, &err) == 0, "%s", err.msg);
	reader_close(r);
	ck_assert_msg(!ks->bad, "%s", ks->why);
}

static void ks_free(struct keysink *ks)
{
	for (unsigned k = 0; k < 4096; k++)
		free(ks->text[k]);
}

START_TEST(test_frame_keys_real)
{
	struct keysink ks;
	size_t len, nkeys = 0;
	char *text = read_file(TD("plain/0030.show_stacks"), &len);

	ck_assert_ptr_nonnull(text);
	ks_parse(&ks, text, len);
	for (unsigned k = 0; k < 4096; k++)
		nkeys += ks.text[k] != NULL;
	ck_assert_uint_gt(ks.nframes, 1000);
	ck_assert_uint_gt(nkeys, 100);
	ck_assert_uint_lt(nkeys, ks.nframes);
	ks_free(&ks);
	free(text);
}
END_TEST

START_TEST(test_frame_keys_lookalikes)
{
	/* frames of 3 to 40 bytes; each comes in variants with the same length and the same
	 * first and last 8 bytes, with a CR, trailing blanks, and with and without the
	 * leading space; every variant is in many records */
	struct sbuf b = { 0 };
	struct keysink ks;
	size_t nkeys = 0, want = 0;

	for (int rep = 0; rep < 3; rep++) {
		for (int len = 3; len <= 40; len++) {
			int nvar = len > 16 ? 4 : 1;

			for (int v = 0; v < nvar; v++) {
				char f[64];

				/* "a+0x1/0x2"-shaped: name, then a fixed 8-byte tail */
				int nl = len - 8 > 0 ? len - 8 : 0;

				for (int i = 0; i < nl; i++)
					f[i] = (char)('a' + (i >= 8 && i < nl ? (i + v) % 26 : i % 26));
				memcpy(f + nl, "+0x1/0x2", 8);
				f[len > 8 ? len : 8] = '\0';
				if (len < 9) /* the shortest frames: no room for the tail's shape */
					snprintf(f, sizeof(f), "%.*s+0x1/0x2", 1 + len % 3, "xyz");
				if (rep == 0 && (len > 8 || v == 0))
					want++;
				sb_printf(&b, "%s%s%s\nnr_base_pages: %d\n\n", rep == 1 ? "" : " ", f,
					  rep == 2 ? (v % 2 ? "\r" : " \t") : "", len);
			}
		}
	}
	ks_parse(&ks, b.s, b.len);
	for (unsigned k = 0; k < 4096; k++)
		nkeys += ks.text[k] != NULL;
	/* the short ones repeat three texts: xyz-prefixes of 1 to 3 letters */
	ck_assert_uint_eq(ks.nrec, 3 * (size_t)(24 * 4 + 14));
	ck_assert_uint_eq(nkeys, want - 6 + 3);
	ks_free(&ks);
	sb_free(&b);
}
END_TEST

/* ---- parse_split(): chunks on several threads, fed in order ---- */

/* small chunks: the same code, files small enough for valgrind */
#define SPLIT_CHUNK (64 * 1024)

struct presult {
	int rc;
	struct pt_err err;
	enum pfmt got;
	struct rsink rs;
	int ndiag;
	char diag[DIAG_MAX][1024];
};

static void presult_free(struct presult *p)
{
	rs_clear(&p->rs);
}

/* parse_stream() (split == 0) or parse_split() of the file at path */
static void run_parse(const char *path, enum pfmt expect, int split, size_t fail_at,
		      struct presult *o, struct split_stats *st)
{
	struct reader *r;
	struct sink snk;

	memset(o, 0, sizeof(*o));
	rs_init(&o->rs);
	o->rs.fail_at = fail_at;
	snk = rs_sink(&o->rs);
	diag_capture();
	ck_assert_int_eq(reader_open_path(&r, path, &o->err), 0);
	if (split) {
		ck_assert_int_ge(reader_fd(r), 0);
		o->rc = parse_split(reader_fd(r), path, expect, &o->got, &snk, st, &o->err);
	} else {
		o->rc = parse_stream(r, expect, &o->got, &snk, &o->err);
	}
	reader_close(r);
	o->ndiag = diag_n;
	memcpy(o->diag, diag_msgs, sizeof(o->diag));
	diag_set_sink(NULL);
}

/* The same per-block dump block (or none), texts and all. */
static int same_block(const struct rstack *x, const struct rstack *y)
{
	const struct block_info *p = &x->blk, *q = &y->blk;

	if (x->has_block != y->has_block)
		return 0;
	if (!x->has_block)
		return 1;
	return p->order == q->order && p->pid == q->pid && p->tgid == q->tgid &&
	       p->gfp == q->gfp && p->ts_ns == q->ts_ns && p->free_ts_ns == q->free_ts_ns &&
	       p->has_ts == q->has_ts && p->mt == q->mt && p->migrated == q->migrated &&
	       p->slab == q->slab && p->memcg_offline == q->memcg_offline &&
	       p->memcg_objcg == q->memcg_objcg && p->cma == q->cma && p->pfn == q->pfn &&
	       p->comm_len == q->comm_len && p->gfp_text_len == q->gfp_text_len &&
	       p->memcg_len == q->memcg_len && p->reason_len == q->reason_len &&
	       !p->gfp_text == !q->gfp_text && !p->memcg == !q->memcg &&
	       !p->reason == !q->reason && strcmp(x->comm, y->comm) == 0 &&
	       strcmp(x->gfp_text, y->gfp_text) == 0 && strcmp(x->memcg, y->memcg) == 0 &&
	       strcmp(x->reason, y->reason) == 0;
}

static void same_result(const struct presult *a, const struct presult *b, const char *what)
{
	ck_assert_msg(a->rc == b->rc, "%s: status %d, split %d (%s | %s)", what, a->rc, b->rc,
		      a->err.msg, b->err.msg);
	if (a->rc < 0)
		ck_assert_msg(strcmp(a->err.msg, b->err.msg) == 0, "%s: \"%s\", split \"%s\"",
			      what, a->err.msg, b->err.msg);
	else
		ck_assert_msg(a->got == b->got, "%s: format", what);
	ck_assert_msg(a->ndiag == b->ndiag, "%s: %d warnings, split %d (%s)", what, a->ndiag,
		      b->ndiag, a->ndiag ? a->diag[0] : b->diag[0]);
	for (int i = 0; i < a->ndiag && i < DIAG_MAX; i++)
		ck_assert_msg(strcmp(a->diag[i], b->diag[i]) == 0, "%s: \"%s\", split \"%s\"", what,
			      a->diag[i], b->diag[i]);
	ck_assert_msg(a->rs.nst == b->rs.nst, "%s: %zu stacks, split %zu", what, a->rs.nst,
		      b->rs.nst);
	ck_assert_msg(a->rs.nct == b->rs.nct, "%s: %zu counts, split %zu", what, a->rs.nct,
		      b->rs.nct);
	/* (an assertion per frame would write a mark per frame: only on a difference) */
	for (size_t i = 0; i < a->rs.nst; i++) {
		const struct rstack *x = &a->rs.st[i], *y = &b->rs.st[i];

		if (x->nframes != y->nframes || x->handle != y->handle ||
		    x->has_count != y->has_count || x->count != y->count)
			ck_abort_msg("%s: stack %zu differs", what, i);
		if (!same_block(x, y))
			ck_abort_msg("%s: stack %zu: the block differs", what, i);
		for (unsigned f = 0; f < x->nframes; f++)
			if (strcmp(x->frames[f], y->frames[f]) != 0)
				ck_abort_msg("%s: stack %zu frame %u: %s, split %s", what, i, f,
					     x->frames[f], y->frames[f]);
	}
	for (size_t i = 0; i < a->rs.nct; i++)
		if (a->rs.ct[i].handle != b->rs.ct[i].handle ||
		    a->rs.ct[i].count != b->rs.ct[i].count)
			ck_abort_msg("%s: count %zu", what, i);
}

/* Writes text to a file in dir, parses it both ways (chunks of chunk bytes), and wants
 * the same result; returns the split's statistics. */
static struct split_stats split_case_at(const char *dir, const char *name, const char *text,
					size_t len, enum pfmt expect, size_t fail_at, size_t chunk)
{
	char *path = write_in(dir, name, text, len);
	struct presult a, b;
	struct split_stats st;

	parse_split_chunk = chunk;
	run_parse(path, expect, 0, fail_at, &a, NULL);
	run_parse(path, expect, 1, fail_at, &b, &st);
	same_result(&a, &b, name);
	ck_assert_uint_eq(st.chunks, (len + chunk - 1) / chunk);
	presult_free(&a);
	presult_free(&b);
	free(path);
	parse_split_chunk = SPLIT_CHUNK;
	return st;
}

static struct split_stats split_case(const char *dir, const char *name, const char *text,
				     size_t len, enum pfmt expect, size_t fail_at)
{
	return split_case_at(dir, name, text, len, expect, fail_at, SPLIT_CHUNK);
}

/* Records of the real file, over and over, with counts that vary, until len bytes; the
 * count line as kind says. */
enum bigcount { BC_PAGES, BC_PROPOSAL, BC_HANDLE };

static void big_records(struct sbuf *b, size_t len, enum bigcount kind)
{
	size_t flen;
	char *text = read_file(TD("plain/0030.show_stacks"), &flen);
	unsigned k = 0;
	int ended = 1; /* at the end of a record */

	ck_assert_ptr_nonnull(text);
	while (b->len < len || !ended) {
		const char *p = text;

		while (p < text + flen && (b->len < len || !ended)) {
			const char *nl = memchr(p, '\n', (size_t)(text + flen - p));
			size_t n = (size_t)((nl ? nl : text + flen) - p);

			if (n > 1 && p[0] == ' ' && kind == BC_PROPOSAL)
				sb_addn(b, p + 1, n - 1);
			else if (n > 14 && memcmp(p, "nr_base_pages:", 14) == 0)
				sb_printf(b, kind == BC_PAGES ? "nr_base_pages: %u"
					  : kind == BC_PROPOSAL ? "stack_count: %u\n" : "handle: %u",
					  k++ % 9973 + 1);
			else
				sb_addn(b, p, n);
			sb_addn(b, "\n", 1);
			ended = n == 0;
			p = nl ? nl + 1 : text + flen;
		}
	}
	free(text);
}

/* The threads a parse may use: what is free of the CPUs this process may run on, at
 * least one; PAGETOP_THREADS decides instead when set. */
START_TEST(test_cpus_free)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	char *was = env_push("PAGETOP_THREADS", "3");
	unsigned got;

	ck_assert_uint_eq(cpus_free(), 3);
	setenv("PAGETOP_THREADS", "0", 1);
	ck_assert_uint_eq(cpus_free(), 1);
	unsetenv("PAGETOP_THREADS");
	got = cpus_free();
	ck_assert_uint_ge(got, 1);
	ck_assert_uint_le(got, n > 0 ? (unsigned long)n : 1);
	env_pop("PAGETOP_THREADS", was);
}
END_TEST

/* How many of the pages of [p, p + len) are in memory. */
static size_t resident(const char *p, size_t len)
{
	size_t n = len / 4096, in = 0;
	unsigned char *vec = xmalloc(n);

	ck_assert_int_eq(mincore((void *)p, len, vec), 0);
	for (size_t i = 0; i < n; i++)
		in += vec[i] & 1;
	free(vec);
	return in;
}

/* Memory faulted in ahead by a thread of its own, where there are two CPUs and the
 * kernel can (MADV_POPULATE_WRITE, Linux 5.14): every page of what was asked, no byte
 * changed; a range unmapped before its turn costs nothing. An arena asks for the next
 * 4 MiB of a block as it hands out its start, not for the rest of the block. */
START_TEST(test_populate_ahead)
{
	size_t len = 8u << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int can = sysconf(_SC_NPROCESSORS_ONLN) >= 2, on;
	struct arena a = { 0 };
	char *prev = NULL, *start = NULL;
	int block = -1;

	ck_assert(p != MAP_FAILED && q != MAP_FAILED);
#ifdef MADV_POPULATE_WRITE
	can = can && madvise(q, 4096, MADV_POPULATE_WRITE) == 0;
#else
	can = 0;
#endif
	munmap(q, 4096);
	p[0] = 'a';
	p[len / 2 + 5] = 'b';
	populate_ahead(p, len);
	on = populate_drain();
	ck_assert_int_eq(on, can);
	ck_assert_uint_eq(resident(p, len), on ? len / 4096 : 2);
	ck_assert_int_eq(p[0], 'a');
	ck_assert_int_eq(p[len / 2 + 5], 'b');
	for (size_t i = 1; i < len; i += 4093)
		if (i != len / 2 + 5)
			ck_assert_int_eq(p[i], 0);
	/* gone before its turn */
	populate_ahead(p, len);
	munmap(p, len);
	ck_assert_int_eq(populate_drain(), on);
	/* a child of fork() has a thread of its own when it asks, and exit() stops that
	 * one, not the parent's */
	{
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char *c = mmap(NULL, 4u << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			populate_ahead(c, 4u << 20);
			exit(c != MAP_FAILED && populate_drain() == on &&
			     resident(c, 4u << 20) == (on ? (4u << 20) / 4096 : 0) ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
		ck_assert_int_eq(populate_drain(), on);
	}
	/* blocks of 256 KiB, 512 KiB... 8 MiB: the sixth, from its first 64 KiB on */
	while (block < 5) {
		char *x = arena_alloc(&a, 64u << 10);

		if (x != prev + (64u << 10)) {
			block++;
			start = x;
		}
		prev = x;
	}
	ck_assert_int_eq(populate_drain(), on);
	ck_assert_uint_eq(resident(start, 4u << 20), on ? (4u << 20) / 4096 : 0);
	ck_assert_uint_eq(resident(start + (6u << 20), 2u << 20), 0);
	arena_free(&a);
}
END_TEST

static void *share_other(void *arg)
{
	*(unsigned *)arg = cpus_free();
	return NULL;
}

/* A thread given its share of the CPUs gets that share, without a look and before
 * PAGETOP_THREADS; other threads do not; a share of 0 gives the look back. */
START_TEST(test_cpus_share)
{
	pthread_t t;
	unsigned other = 0;
	char *was = env_push("PAGETOP_THREADS", "4");

	cpus_share_set(1);
	ck_assert_uint_eq(cpus_free(), 1);
	ck_assert_int_eq(pthread_create(&t, NULL, share_other, &other), 0);
	pthread_join(t, NULL);
	ck_assert_uint_eq(other, 4);
	cpus_share_set(3);
	ck_assert_uint_eq(cpus_free(), 3);
	cpus_share_set(0);
	ck_assert_uint_eq(cpus_free(), 4);
	env_pop("PAGETOP_THREADS", was);
}
END_TEST

struct looks {
	const unsigned *seen;       /* runnable tasks at each look */
	int n, asked;
};

static unsigned looks_next(void *arg)
{
	struct looks *l = arg;

	return l->seen[l->asked < l->n ? l->asked++ : l->n - 1];
}

/* A task runnable at one look only leaves its CPU free; one runnable at every look
 * takes it; a first look that sees this process alone is the answer at once. */
START_TEST(test_cpus_free_looks)
{
	static const unsigned blip[] = { 2, 1, 2, 2 }, busy[] = { 3, 2, 3, 2 },
			      alone[] = { 1, 5 }, unknown[] = { 0 }, crowd[] = { 9, 8, 9, 9 },
			      lost[] = { 2, 0, 2, 2 };
	struct looks l = { blip, 4, 0 };

	ck_assert_uint_eq(cpus_free_of(2, looks_next, &l), 2);
	ck_assert_int_eq(l.asked, 2);
	l = (struct looks){ busy, 4, 0 };
	ck_assert_uint_eq(cpus_free_of(2, looks_next, &l), 1);
	ck_assert_int_eq(l.asked, CPUS_FREE_LOOKS);
	l = (struct looks){ busy, 4, 0 };
	ck_assert_uint_eq(cpus_free_of(4, looks_next, &l), 3);
	l = (struct looks){ alone, 2, 0 };
	ck_assert_uint_eq(cpus_free_of(2, looks_next, &l), 2);
	ck_assert_int_eq(l.asked, 1);
	l = (struct looks){ unknown, 1, 0 };
	ck_assert_uint_eq(cpus_free_of(2, looks_next, &l), 2);
	l = (struct looks){ crowd, 4, 0 };
	ck_assert_uint_eq(cpus_free_of(4, looks_next, &l), 1);
	l = (struct looks){ lost, 4, 0 }; /* a look that tells nothing is no look */
	ck_assert_uint_eq(cpus_free_of(2, looks_next, &l), 1);
}
END_TEST

/* An answer is kept for CPUS_FREE_KEEP_US: the looks of the next question within that
 * time are not taken again; after it they are, and their answer is kept in turn. */
START_TEST(test_cpus_free_kept)
{
	static const unsigned busy[] = { 3, 3, 3, 3 }, alone[] = { 1 };
	_Atomic uint64_t memo = 0;
	struct looks l = { busy, 4, 0 };

	ck_assert_uint_eq(cpus_free_kept(&memo, 5000, 4, looks_next, &l), 2);
	ck_assert_int_eq(l.asked, CPUS_FREE_LOOKS);
	l = (struct looks){ alone, 1, 0 };
	ck_assert_uint_eq(cpus_free_kept(&memo, 5000 + CPUS_FREE_KEEP_US - 1, 4, looks_next, &l),
			  2);
	ck_assert_int_eq(l.asked, 0);
	ck_assert_uint_eq(cpus_free_kept(&memo, 5000 + CPUS_FREE_KEEP_US, 4, looks_next, &l), 4);
	ck_assert_int_eq(l.asked, 1);
	l = (struct looks){ busy, 4, 0 };
	ck_assert_uint_eq(cpus_free_kept(&memo, 5000 + CPUS_FREE_KEEP_US + 1, 4, looks_next, &l),
			  4);
	ck_assert_int_eq(l.asked, 0);
	ck_assert_uint_eq(loadavg_running_of("0.50 0.40 0.30 3/345 6789\n"), 3);
	ck_assert_uint_eq(loadavg_running_of("12.00 9.10 8.00 17/1024 1\n"), 17);
	ck_assert_uint_eq(loadavg_running_of("0.50 0.40 0.30 /345 6789\n"), 0);
	ck_assert_uint_eq(loadavg_running_of("0.50 0.40 0.30 -3/345 6789\n"), 0);
	ck_assert_uint_eq(loadavg_running_of("0.50 0.40 0.30 3 345"), 0);
	ck_assert_uint_eq(loadavg_running_of("0.50 0.40"), 0);
	ck_assert_uint_eq(loadavg_running_of(""), 0);
	/* the first question at time 0 is a question too */
	memo = 0;
	l = (struct looks){ alone, 1, 0 };
	ck_assert_uint_eq(cpus_free_kept(&memo, 0, 2, looks_next, &l), 2);
	ck_assert_int_eq(l.asked, 1);
	l = (struct looks){ busy, 4, 0 };
	ck_assert_uint_eq(cpus_free_kept(&memo, 10, 2, looks_next, &l), 2);
	ck_assert_int_eq(l.asked, 0);
}
END_TEST

START_TEST(test_split_same_as_serial)
{
	char *dir = tmpdir_new();
	struct sbuf b = { 0 };
	struct split_stats st;

	/* show_stacks: every chunk from the threads' lists */
	big_records(&b, 5 * SPLIT_CHUNK + 12345, BC_PAGES);
	st = split_case(dir, "stacks", b.s, b.len, PF_UNKNOWN, 0);
	ck_assert_int_eq(st.serial, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	st = split_case(dir, "stacks-expect", b.s, b.len, PF_SHOW_STACKS, 0);
	ck_assert_int_eq(st.serial, 0);
	split_case(dir, "stacks-expect-other", b.s, b.len, PF_STACKS_HANDLES, 0);
	sb_free(&b);
	/* the proposal's format: no leading space, blank lines doubled */
	big_records(&b, 4 * SPLIT_CHUNK + 99, BC_PROPOSAL);
	st = split_case(dir, "proposal", b.s, b.len, PF_UNKNOWN, 0);
	ck_assert_int_eq(st.serial, 0);
	sb_free(&b);
	/* show_stacks_handles and show_handles */
	big_records(&b, 4 * SPLIT_CHUNK + 7, BC_HANDLE);
	st = split_case(dir, "stacks_handles", b.s, b.len, PF_UNKNOWN, 0);
	ck_assert_int_eq(st.serial, 0);
	sb_free(&b);
	for (unsigned i = 1; b.len < 4 * SPLIT_CHUNK + 3; i++)
		sb_printf(&b, "handle: %u\nnr_base_pages: %u\n\n", i, i % 77);
	st = split_case(dir, "handles", b.s, b.len, PF_UNKNOWN, 0);
	ck_assert_int_eq(st.serial, 0);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

/* A chunk's lists start in memory the split shares between its chunks and move out as
 * they grow: more records (counts of handles) and more frames (stacks) in one chunk than
 * fit there at first, read as the serial parse reads them; so do threads whose read
 * buffers that memory has no room for. */
START_TEST(test_split_lists_outgrow)
{
	char *dir = tmpdir_new(), *was;
	struct sbuf b = { 0 };
	struct split_stats st;

	/* about 30,000 records of a chunk: more than 4,096 */
	for (unsigned i = 1; b.len < 5 * (1 << 20) / 2; i++)
		sb_printf(&b, "handle: %u\nnr_base_pages: %u\n\n", i, i % 77);
	st = split_case_at(dir, "handles", b.s, b.len, PF_UNKNOWN, 0, 1 << 20);
	ck_assert_int_eq(st.serial, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	sb_free(&b);
	/* about 75,000 frames of a chunk: more than 32,768; and chunks larger than the
	 * buffers the shared memory has room for */
	big_records(&b, 5 * (1 << 20), BC_PAGES);
	st = split_case_at(dir, "stacks", b.s, b.len, PF_UNKNOWN, 0, 2 << 20);
	ck_assert_int_eq(st.serial, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	sb_free(&b);
	/* chunks of the usual size on four threads: the fourth's buffer is its own */
	was = env_push("PAGETOP_THREADS", "4");
	big_records(&b, 3 * PARSE_SPLIT_CHUNK * 4 + 777, BC_PAGES);
	st = split_case_at(dir, "four", b.s, b.len, PF_UNKNOWN, 0, PARSE_SPLIT_CHUNK);
	ck_assert_int_eq(st.serial, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	sb_free(&b);
	env_pop("PAGETOP_THREADS", was);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_split_boundaries)
{
	/* a record boundary (the end of "\n\n") just before, at and just after where a chunk
	 * is cut, and the file ending there */
	char *dir = tmpdir_new();

	for (int d = -3; d <= 3; d++) {
		struct sbuf b = { 0 };
		struct split_stats st;
		char name[32];
		size_t target = 2 * SPLIT_CHUNK + (size_t)(long)d;

		big_records(&b, target - 2000, BC_PAGES);
		/* pad with records whose frames fill the gap exactly */
		while (b.len < target) {
			size_t need = target - b.len; /* " f..+0x1/0x2\nnr_base_pages: 1\n\n" */
			size_t fixed = strlen(" +0x1/0x2\nnr_base_pages: 1\n\n") + 1;
			size_t take = need > 400 ? 200 : need;

			ck_assert_uint_gt(take, fixed);
			sb_addn(&b, " f", 2);
			for (size_t i = 0; i < take - fixed; i++)
				sb_addn(&b, "f", 1);
			sb_add(&b, "+0x1/0x2\nnr_base_pages: 1\n\n");
		}
		ck_assert_uint_eq(b.len, target);
		snprintf(name, sizeof(name), "edge%+d", d);
		split_case(dir, name, b.s, b.len, PF_UNKNOWN, 0);
		big_records(&b, target + 3 * SPLIT_CHUNK, BC_PAGES);
		snprintf(name, sizeof(name), "edge%+d-more", d);
		st = split_case(dir, name, b.s, b.len, PF_UNKNOWN, 0);
		ck_assert_int_eq(st.serial, 0);
		sb_free(&b);
	}
	tmpdir_free(dir);
}
END_TEST

/* text with one change at about offset at: the same as parse_stream(), and the split
 * fed the chunks before it */
static void split_bad(const char *dir, const char *name, struct sbuf *b, size_t at,
		      const char *insert, size_t ilen, int want_serial)
{
	const char *p = memchr(b->s + at, '\n', b->len - at);
	size_t head, len;
	char *t;
	struct split_stats st;

	ck_assert_ptr_nonnull(p);
	head = (size_t)(p + 1 - b->s);
	len = b->len + ilen;
	t = malloc(len);
	ck_assert_ptr_nonnull(t);
	memcpy(t, b->s, head);
	memcpy(t + head, insert, ilen);
	memcpy(t + head + ilen, p + 1, b->len - head);
	st = split_case(dir, name, t, len, PF_UNKNOWN, 0);
	ck_assert_msg(st.serial == want_serial, "%s: serial %d", name, st.serial);
	if (want_serial)
		ck_assert_msg(st.serial_from <= head + ilen && st.serial_from + 2 * SPLIT_CHUNK > head,
			      "%s: serial from %llu", name, (unsigned long long)st.serial_from);
	free(t);
}

START_TEST(test_split_falls_back_in_place)
{
	char *dir = tmpdir_new();
	struct sbuf b = { 0 };
	struct sbuf crlf = { 0 };

	big_records(&b, 5 * SPLIT_CHUNK, BC_PAGES);
	split_bad(dir, "garbage", &b, 2 * SPLIT_CHUNK + 5000, "this is not a frame\n", sizeof("this is not a frame\n") - 1, 1);
	split_bad(dir, "garbage-first-chunk", &b, 1000, "this is not a frame\n", sizeof("this is not a frame\n") - 1, 1);
	split_bad(dir, "other-format", &b, 3 * SPLIT_CHUNK + 77,
		  "\n\n prep_new_page+0x17/0x43\nstack_count: 3\n\n", sizeof("\n\n prep_new_page+0x17/0x43\nstack_count: 3\n\n") - 1, 1);
	split_bad(dir, "count-overflow", &b, 4 * SPLIT_CHUNK + 300,
		  "nr_base_pages: 99999999999999999999\n", sizeof("nr_base_pages: 99999999999999999999\n") - 1, 1);
	split_bad(dir, "nul", &b, SPLIT_CHUNK - 10, " a\001b\0c+0x1/0x2\n", sizeof(" a\001b\0c+0x1/0x2\n") - 1, 1);
	{
		struct sbuf many = { 0 };

		sb_add(&many, "\n\n");
		for (int i = 0; i < 70; i++)
			sb_printf(&many, " f%d+0x1/0x2\n", i);
		sb_add(&many, "nr_base_pages: 1\n\n");
		split_bad(dir, "too-many-frames", &b, 2 * SPLIT_CHUNK + 10, many.s, many.len, 1);
		sb_free(&many);
	}
	/* the end: cut short in a record, no final newline, a count with no frames */
	split_case(dir, "cut", b.s, b.len - 40, PF_UNKNOWN, 0);
	split_case(dir, "no-newline", b.s, b.len - (b.s[b.len - 2] == '\n' ? 2 : 1),
		   PF_UNKNOWN, 0);
	split_bad(dir, "count-alone", &b, b.len - 200, "\nnr_base_pages: 3\n", sizeof("\nnr_base_pages: 3\n") - 1, 1);
	/* no "\n\n" anywhere: CRLF */
	for (size_t i = 0; i < b.len && crlf.len < 4 * SPLIT_CHUNK + 10; i++) {
		if (b.s[i] == '\n')
			sb_addn(&crlf, "\r", 1);
		sb_addn(&crlf, &b.s[i], 1);
	}
	split_case(dir, "crlf", crlf.s, crlf.len, PF_UNKNOWN, 0);
	/* the sink refuses a record in the fourth chunk */
	split_case(dir, "sink-fails", b.s, b.len, PF_UNKNOWN, 500);
	sb_free(&crlf);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

/* The per-block dump: every block with its task, flags and texts as the serial parse
 * gives them, line numbers in messages too. */
/* The sink's word on keys holds for what rs got: within a keyspace, records with one
 * stack key have the same frames, and frames with one key the same text. Returns how
 * many records of a per-block dump had a stack key. */
static size_t keys_agree(const struct rsink *rs)
{
	struct kseen { uint64_t ks; uint32_t key; const char *text; const struct rstack *st; };
	struct kseen *sk = NULL, *fk = NULL;
	size_t nsk = 0, nfk = 0, keyed = 0;

	for (size_t i = 0; i < rs->nst; i++) {
		const struct rstack *x = &rs->st[i];
		size_t j;

		if (!x->keyspace)
			continue;
		for (unsigned f = 0; f < x->nframes; f++) {
			for (j = 0; j < nfk; j++)
				if (fk[j].ks == x->keyspace && fk[j].key == x->fkeys[f])
					break;
			if (j == nfk) {
				fk = realloc(fk, (nfk + 1) * sizeof(*fk));
				fk[nfk++] = (struct kseen){ x->keyspace, x->fkeys[f], x->frames[f], NULL };
			}
			ck_assert_msg(x->fkeys[f] && strcmp(fk[j].text, x->frames[f]) == 0,
				      "record %zu frame %u: key %u is \"%s\" and \"%s\"", i, f,
				      x->fkeys[f], fk[j].text, x->frames[f]);
		}
		if (!x->key)
			continue;
		keyed += x->has_block;
		for (j = 0; j < nsk; j++)
			if (sk[j].ks == x->keyspace && sk[j].key == x->key)
				break;
		if (j == nsk) {
			sk = realloc(sk, (nsk + 1) * sizeof(*sk));
			sk[nsk++] = (struct kseen){ x->keyspace, x->key, NULL, x };
			continue;
		}
		ck_assert_msg(sk[j].st->nframes == x->nframes, "record %zu: stack key %u, other frames",
			      i, x->key);
		for (unsigned f = 0; f < x->nframes; f++)
			ck_assert_msg(strcmp(sk[j].st->frames[f], x->frames[f]) == 0,
				      "record %zu: stack key %u, other frames", i, x->key);
	}
	free(sk);
	free(fk);
	return keyed;
}

/* A block said to have the texts of the block before has them; returns how many said so. */
static size_t same_agree(const struct rsink *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->nst; i++) {
		const struct rstack *x = &rs->st[i], *p = i ? x - 1 : NULL;

		if (!x->has_block || !x->blk.same)
			continue;
		ck_assert_msg(p && p->has_block, "record %zu: the same texts as no block", i);
		if (x->blk.same & BI_SAME_COMM)
			ck_assert_msg(strcmp(x->comm, p->comm) == 0, "record %zu: \"%s\" is not \"%s\"",
				      i, x->comm, p->comm);
		if (x->blk.same & BI_SAME_GFP)
			ck_assert_msg(strcmp(x->gfp_text, p->gfp_text) == 0,
				      "record %zu: \"%s\" is not \"%s\"", i, x->gfp_text, p->gfp_text);
		n++;
	}
	return n;
}

START_TEST(test_split_page_owner)
{
	char *dir = tmpdir_new();
	size_t len;
	char *text = read_xz_file(TD("small/page_owner.xz"), &len);
	struct sbuf b = { 0 };
	struct split_stats st;
	struct presult r;
	char *path, *was;
	static const char extras[] =
		"Page has been migrated, last migrate reason: compaction\n"
		"Slab cache page\nCharged (via objcg) to offline memcg docker-1.scope\n";
	const char *p;

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_gt(len, 6 * SPLIT_CHUNK);
	/* the real dump's first blocks, some with the lines after the frames */
	for (p = text; p < text + 6 * SPLIT_CHUNK;) {
		const char *e = strstr(p, "\n\n");

		ck_assert_ptr_nonnull(e);
		sb_addn(&b, p, (size_t)(e + 1 - p));
		if ((b.len / 4096) % 3 == 1)
			sb_add(&b, extras);
		sb_add(&b, "\n");
		p = e + 2;
	}
	st = split_case(dir, "page_owner", b.s, b.len, PF_UNKNOWN, 0);
	ck_assert_int_eq(st.serial, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	/* every block comes with a stack key, whatever thread parsed it, and the keys hold;
	 * most say they have the texts of the block before, and have them */
	was = env_push("PAGETOP_THREADS", "3");
	path = write_in(dir, "page_owner-keys", b.s, b.len);
	run_parse(path, PF_UNKNOWN, 1, 0, &r, &st);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(st.fed, st.chunks);
	ck_assert_uint_eq(keys_agree(&r.rs), r.rs.nst);
	ck_assert_uint_gt(same_agree(&r.rs), r.rs.nst / 2);
	presult_free(&r);
	free(path);
	env_pop("PAGETOP_THREADS", was);
	st = split_case(dir, "page_owner-expect", b.s, b.len, PF_PAGE_OWNER, 0);
	ck_assert_int_eq(st.serial, 0);
	split_case(dir, "page_owner-expect-other", b.s, b.len, PF_SHOW_STACKS, 0);
	split_case(dir, "page_owner-cut", b.s, b.len - 100, PF_UNKNOWN, 0);
	split_bad(dir, "page_owner-garbage", &b, 3 * SPLIT_CHUNK + 700,
		  "this is not a frame\n", sizeof("this is not a frame\n") - 1, 1);
	split_bad(dir, "page_owner-stacks", &b, 2 * SPLIT_CHUNK + 99,
		  "\n\n f+0x1/0x2\nnr_base_pages: 3\n\n",
		  sizeof("\n\n f+0x1/0x2\nnr_base_pages: 3\n\n") - 1, 1);
	split_case(dir, "page_owner-sink-fails", b.s, b.len, PF_UNKNOWN, 900);
	sb_free(&b);
	free(text);
	tmpdir_free(dir);
}
END_TEST

/* A sink that changes the file under parse_split() when it gets its first stack: cuts
 * it short (the chunks not parsed yet are read past its end), or writes the same bytes
 * one position later (every record boundary moves by one). */
enum meddle { M_CUT, M_SHIFT };
static int meddle_fd = -1;
static enum meddle meddle_how;
static const struct sbuf *meddle_text;

static int meddle_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	if (meddle_fd >= 0 && meddle_how == M_CUT) {
		ck_assert_int_eq(ftruncate(meddle_fd, 3000), 0);
	} else if (meddle_fd >= 0) {
		ck_assert_int_eq(pwrite(meddle_fd, "\n", 1, 0), 1);
		ck_assert_int_eq(pwrite(meddle_fd, meddle_text->s, meddle_text->len - 1, 1),
				 (ssize_t)(meddle_text->len - 1));
	}
	meddle_fd = -1;
	return rs_stack(self, rec, err);
}

static const struct sink_ops meddle_ops = { .stack = meddle_stack, .count = rs_count };

/* parse_split() of text (written to a file in dir) with the file changed as how says;
 * it must succeed. */
static void meddle_run(const char *dir, const struct sbuf *text, enum meddle how,
		       struct rsink *rs, struct split_stats *st)
{
	char *path = write_in(dir, how == M_CUT ? "shrinks" : "rewritten", text->s, text->len);
	struct sink snk = { &meddle_ops, rs };
	struct pt_err err;
	int fd = open(path, O_RDWR), rc;

	ck_assert_int_ge(fd, 0);
	rs_init(rs);
	parse_split_chunk = SPLIT_CHUNK;
	meddle_fd = fd;
	meddle_how = how;
	meddle_text = text;
	diag_capture();
	rc = parse_split(fd, path, PF_UNKNOWN, NULL, &snk, st, &err);
	diag_set_sink(NULL);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_gt(rs->nst, 0);
	close(fd);
	free(path);
}

START_TEST(test_split_file_shrinks)
{
	/* the chunks read after the cut come short: no crash, the records fed are the file's
	 * first ones, and pagetop's own SIGBUS handling is as it was */
	char *dir = tmpdir_new();
	struct sbuf b = { 0 };
	char *path;
	struct presult a;
	struct rsink rs;
	struct split_stats st;
	struct sigaction before, now;

	big_records(&b, 12 * SPLIT_CHUNK, BC_PAGES);
	path = write_in(dir, "whole", b.s, b.len);
	run_parse(path, PF_UNKNOWN, 0, 0, &a, NULL);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(sigaction(SIGBUS, NULL, &before), 0); /* (a sanitizer has its own) */
	meddle_run(dir, &b, M_CUT, &rs, &st);
	ck_assert_uint_ge(st.shrank, 1);
	ck_assert_int_eq(st.serial, 1);
	ck_assert_uint_lt(rs.nst, a.rs.nst);
	for (size_t i = 0; i < rs.nst; i++) {
		ck_assert_uint_eq(rs.st[i].nframes, a.rs.st[i].nframes);
		ck_assert_uint_eq(rs.st[i].count, a.rs.st[i].count);
		for (unsigned f = 0; f < rs.st[i].nframes; f++)
			if (strcmp(rs.st[i].frames[f], a.rs.st[i].frames[f]) != 0)
				ck_abort_msg("stack %zu frame %u differs", i, f);
	}
	ck_assert_int_eq(sigaction(SIGBUS, NULL, &now), 0);
	ck_assert((now.sa_flags & SA_SIGINFO) == (before.sa_flags & SA_SIGINFO));
	if (now.sa_flags & SA_SIGINFO)
		ck_assert(now.sa_sigaction == before.sa_sigaction);
	else
		ck_assert(now.sa_handler == before.sa_handler);
	rs_clear(&rs);
	presult_free(&a);
	free(path);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_split_file_rewritten)
{
	/* Chunks read after the rewrite start one byte after where those before ended:
	 * they do not meet, and the rest goes the serial way instead of being fed. One
	 * thread: a worker reading a chunk while the rewrite goes on could read the old
	 * bytes of its start and the new ones of its end, and so meet both. */
	char *dir = tmpdir_new();
	struct sbuf b = { 0 };
	struct rsink rs;
	struct split_stats st;
	char *was;

	big_records(&b, 12 * SPLIT_CHUNK, BC_PAGES);
	was = env_push("PAGETOP_THREADS", "1");
	meddle_run(dir, &b, M_SHIFT, &rs, &st);
	env_pop("PAGETOP_THREADS", was);
	ck_assert_uint_eq(st.shrank, 0);
	ck_assert_int_eq(st.serial, 1);
	ck_assert_uint_lt(st.fed, st.chunks);
	rs_clear(&rs);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_plain_file_grows)
{
	/* a file that grows while it is read (more than the reader's first look at it) is
	 * read as far as it went when opened */
	char *dir = tmpdir_new(), *path;
	struct sbuf b = { 0 };
	struct presult a;
	struct reader *r;
	struct rsink rs;
	struct sink snk;
	struct pt_err err;
	int fd;

	big_records(&b, 4 * SPLIT_CHUNK, BC_PAGES);
	path = write_in(dir, "grows", b.s, b.len);
	run_parse(path, PF_UNKNOWN, 0, 0, &a, NULL);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(reader_open_path(&r, path, &err), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b.s, b.len), (ssize_t)b.len);
	close(fd);
	rs_init(&rs);
	snk = rs_sink(&rs);
	ck_assert_int_eq(parse_stream(r, PF_UNKNOWN, NULL, &snk, &err), 0);
	ck_assert_uint_eq(rs.nst, a.rs.nst);
	reader_close(r);
	rs_clear(&rs);
	presult_free(&a);
	free(path);
	sb_free(&b);
	tmpdir_free(dir);
}
END_TEST

START_TEST(test_split_not_a_file)
{
	struct rsink rs;
	struct sink snk;
	struct pt_err err;
	int fds[2];

	rs_init(&rs);
	snk = rs_sink(&rs);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(parse_split(fds[0], "pipe", PF_UNKNOWN, NULL, &snk, NULL, &err), -2);
	close(fds[0]);
	close(fds[1]);
	rs_clear(&rs);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc;

	tc = tcase_new("formats");
	tcase_add_test(tc, test_show_stacks);
	tcase_add_test(tc, test_show_stacks_real_file);
	tcase_add_test(tc, test_proposal_no_space);
	tcase_add_test(tc, test_proposal_with_space);
	tcase_add_test(tc, test_proposal_examples);
	tcase_add_test(tc, test_stacks_handles);
	tcase_add_test(tc, test_handles);
	tcase_add_test(tc, test_handles_real_pair);
	tcase_add_test(tc, test_page_owner);
	tcase_add_test(tc, test_page_owner_variants);
	tcase_add_test(tc, test_page_owner_real);
	tcase_add_test(tc, test_page_owner_same_stack);
	tcase_add_test(tc, test_page_owner_same_stack_real);
	tcase_add_test(tc, test_page_owner_same_header);
	tcase_add_test(tc, test_page_owner_ts_digits);
	tcase_add_test(tc, test_frame_keys_real);
	tcase_add_test(tc, test_frame_keys_lookalikes);
	suite_add_tcase(s, tc);

	tc = tcase_new("frames");
	tcase_add_test(tc, test_frame_split);
	tcase_add_test(tc, test_frame_forms);
	tcase_add_test(tc, test_frames_in_records);
	suite_add_tcase(s, tc);

	tc = tcase_new("detect");
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_detect_real);
	tcase_add_test(tc, test_pfmt_names);
	suite_add_tcase(s, tc);

	tc = tcase_new("tolerated");
	tcase_add_test(tc, test_tolerated);
	tcase_add_test(tc, test_gzip_xz_files);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_pipe_small_chunks);
	tcase_add_test(tc, test_truncated_last_record);
	tcase_add_test(tc, test_truncated_mid_line);
	tcase_add_test(tc, test_reader_lines);
	tcase_add_test(tc, test_reader_buffers_reused);
	suite_add_tcase(s, tc);

	tc = tcase_new("rejected");
	tcase_add_test(tc, test_reject_garbage);
	tcase_add_test(tc, test_reject_binary);
	tcase_add_test(tc, test_reject_no_count);
	tcase_add_test(tc, test_reject_overflow);
	tcase_add_test(tc, test_reject_long_line);
	tcase_add_test(tc, test_reject_empty);
	tcase_add_test(tc, test_reject_mixed);
	tcase_add_test(tc, test_reject_handle_without_count);
	tcase_add_test(tc, test_reject_page_owner);
	tcase_add_test(tc, test_reject_too_many_frames);
	tcase_add_test(tc, test_expect);
	tcase_add_test(tc, test_sink_error_passes_up);
	suite_add_tcase(s, tc);

	tc = tcase_new("allocinfo");
	tcase_add_test(tc, test_allocinfo);
	tcase_add_test(tc, test_allocinfo_tolerated);
	tcase_add_test(tc, test_allocinfo_rejected);
	tcase_add_test(tc, test_allocinfo_site_split);
	suite_add_tcase(s, tc);

	tc = tcase_new("streaming");
	tcase_add_test(tc, test_big_stream);
	tcase_add_test(tc, test_prefetch_ahead);
	tcase_add_test(tc, test_threaded_stream);
	tcase_add_test(tc, test_plain_file_shrinks);
	suite_add_tcase(s, tc);

	tc = tcase_new("split");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cpus_free_kept);
	tcase_add_test(tc, test_split_same_as_serial);
	tcase_add_test(tc, test_split_lists_outgrow);
	tcase_add_test(tc, test_split_boundaries);
	tcase_add_test(tc, test_split_page_owner);
	tcase_add_test(tc, test_split_falls_back_in_place);
	tcase_add_test(tc, test_split_file_shrinks);
	tcase_add_test(tc, test_split_file_rewritten);
	tcase_add_test(tc, test_split_not_a_file);
	tcase_add_test(tc, test_plain_file_grows);
	tcase_add_test(tc, test_cpus_free);
	tcase_add_test(tc, test_cpus_free_looks);
	tcase_add_test(tc, test_cpus_share);
	tcase_add_test(tc, test_populate_ahead);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(parse_suite());
}
