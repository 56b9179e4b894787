/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_page_owner.c - the per-block /sys/kernel/debug/page_owner dump: parse_stream()
 * told to expect PF_PAGE_OWNER (as a folder's NAME.page_owner is read), into a recording
 * sink that checks each block, then into the model with its block summaries, and the
 * blocks grouped by every key (model_attrib.c), whose groups must add up. */
#include "config.h"

#include "fuzz.h"
#include "model_attrib.h"

struct chk {
	struct sink inner;
	uint64_t nblocks;
};

static int c_meta(void *self, const struct source_meta *m, struct pt_err *err)
{
	struct chk *c = self;

	return c->inner.ops->meta(c->inner.self, m, err);
}

static int c_begin(void *self, const struct sample_info *s, struct pt_err *err)
{
	struct chk *c = self;

	return c->inner.ops->begin(c->inner.self, s, err);
}

static int c_stack(void *self, const struct stack_rec *rec, struct pt_err *err)
{
	struct chk *c = self;

	/* what parse.c promises for a block */
	FUZZ_CHECK(rec->block != NULL);
	FUZZ_CHECK(rec->has_count);
	FUZZ_CHECK(rec->nframes >= 1 && rec->nframes <= STACK_MAX_FRAMES);
	FUZZ_CHECK(rec->block->order <= 20);
	FUZZ_CHECK(rec->count == 1ULL << rec->block->order);
	FUZZ_CHECK(rec->block->comm_len < 64);
	FUZZ_CHECK(rec->block->comm || !rec->block->comm_len);
	FUZZ_CHECK(rec->block->pid >= 0 && rec->block->tgid >= 0);
	FUZZ_CHECK(rec->block->gfp_text || !rec->block->gfp_text_len);
	FUZZ_CHECK(rec->block->gfp_text_len < 256);
	FUZZ_CHECK(rec->block->memcg || !rec->block->memcg_len);
	FUZZ_CHECK(rec->block->memcg_len < 96);
	FUZZ_CHECK(rec->block->reason || !rec->block->reason_len);
	FUZZ_CHECK(rec->block->reason_len < 48);
	FUZZ_CHECK(rec->block->mt <= MT_OTHER);
	FUZZ_CHECK(!rec->block->free_ts_ns || rec->block->has_ts);
	for (unsigned i = 0; i < rec->nframes; i++) {
		struct frame_parts fp;

		FUZZ_CHECK(rec->frames[i].len <= FRAME_MAX);
		FUZZ_CHECK(!rec->frames[i].hash ||
			   rec->frames[i].hash == hash_bytes(rec->frames[i].s, rec->frames[i].len, 0));
		FUZZ_CHECK(frame_split(rec->frames[i].s, rec->frames[i].len, &fp) == 0);
	}
	c->nblocks++;
	return c->inner.ops->stack(c->inner.self, rec, err);
}

static int c_count(void *self, uint64_t handle, uint64_t count, struct pt_err *err)
{
	(void)self;
	(void)handle;
	(void)count;
	(void)err;
	FUZZ_CHECK(!"show_handles counts from a per-block dump");
	return -1;
}

static int c_end(void *self, struct pt_err *err)
{
	struct chk *c = self;

	return c->inner.ops->end(c->inner.self, err);
}

static const struct sink_ops chk_ops = { .meta = c_meta, .begin = c_begin, .stack = c_stack, .count = c_count, .end = c_end };

/* Every key, alone and under another: the first level adds up to the selection (a gfp
 * group counts a block under each flag), the second to its group. */
static void attrib_views(struct attrib *a)
{
	static const enum attr_key keys[] = { AK_STACK, AK_CALLER, AK_PID, AK_TGID, AK_COMM,
					      AK_MEMCG, AK_CLASS, AK_GFP, AK_ORDER, AK_MT,
					      AK_MIGRATED, AK_AGE };
	struct attrib_opts o;
	struct attr_view v;
	struct pt_err err;

	attrib_opts_init(&o);
	attr_view_init(&v);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		uint64_t pages = 0, blocks = 0, sub = 0;
		size_t top = 0;

		o.keys[0] = keys[i];
		o.keys[1] = keys[(i + 5) % ARRAY_SIZE(keys)];
		o.sort = (enum attr_sort)(i % 4);
		FUZZ_CHECK(attrib_view(a, &o, 100.0, 0, &v, &err) == 0);
		for (size_t k = 0; k < v.nrows; k++) {
			const struct attr_row *r = &v.rows[k];

			FUZZ_CHECK(r->label != NULL);
			FUZZ_CHECK(r->blocks > 0 && r->pages >= r->blocks);
			if (r->level == 0) {
				FUZZ_CHECK(k == 0 || sub == v.rows[top].pages ||
					   o.keys[1] == AK_GFP);
				top = k;
				sub = 0;
				pages += r->pages;
				blocks += r->blocks;
			} else {
				sub += r->pages;
			}
		}
		FUZZ_CHECK(!v.nrows || sub == v.rows[top].pages || o.keys[1] == AK_GFP);
		FUZZ_CHECK(v.pages == v.all_pages && v.blocks == v.all_blocks);
		FUZZ_CHECK(keys[i] == AK_GFP ? blocks >= v.blocks : pages == v.pages &&
										   blocks == v.blocks);
	}
	/* a selection, and the age without the read's time */
	o.keys[0] = AK_COMM;
	o.keys[1] = AK_NONE;
	o.older_than = 0;
	FUZZ_CHECK(attrib_view(a, &o, 100.0, 3, &v, &err) == 0);
	FUZZ_CHECK(v.nrows <= 3 && v.blocks <= v.all_blocks);
	FUZZ_CHECK(attrib_view(a, &o, -1, 0, &v, &err) == -1);
	attr_view_free(&v);
}

FUZZ_TARGET(page_owner)
{
	struct model *m;
	struct attrib *a;
	struct chk c;
	struct sink sink = { &chk_ops, &c };
	struct source_meta meta;
	struct sample_info si = { 1.0, 0, 0 };
	struct reader *r;
	struct pt_err err;
	enum pfmt got = PF_UNKNOWN;
	int rc;

	fuzz_init();
	m = model_new();
	a = attrib_new(m);
	c.inner = model_sink(m);
	c.nblocks = 0;
	fuzz_meta(&meta, IFACE_PAGE_OWNER);
	memset(&err, 0, sizeof(err));
	FUZZ_CHECK(sink.ops->meta(sink.self, &meta, &err) == 0);
	for (int pass = 0; pass < 2; pass++) {
		si.seq = (uint64_t)pass;
		si.time = 1.0 + pass;
		FUZZ_CHECK(sink.ops->begin(sink.self, &si, &err) == 0);
		FUZZ_CHECK(reader_open_mem(&r, (const char *)data, size, "fuzz.page_owner", &err) == 0);
		rc = parse_stream(r, PF_PAGE_OWNER, &got, &sink, &err);
		reader_close(r);
		if (rc < 0) {
			fuzz_check_err(&err);
			FUZZ_CHECK(strstr(err.msg, "fuzz.page_owner") != NULL);
		} else {
			FUZZ_CHECK(got == PF_PAGE_OWNER);
			FUZZ_CHECK(c.nblocks > 0);
		}
		FUZZ_CHECK(sink.ops->end(sink.self, &err) == 0);
		fuzz_views(m);
		attrib_views(a);
		if (rc < 0)
			break;
	}
	for (size_t i = 0; i < model_nstacks(m); i++) {
		const struct stack *st = model_stack(m, (uint32_t)i);
		const struct block_summary *b = model_stack_blocks(m, st);

		FUZZ_CHECK(st->s.now >= 0);
		FUZZ_CHECK(!b || b->comm[sizeof(b->comm) - 1] == '\0');
	}
	attrib_free(a);
	model_free(m);
	return 0;
}
