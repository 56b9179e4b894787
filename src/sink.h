/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sink.h - THE contract between inputs and their consumers.
 *
 * Every input (live debugfs, a saved file, a folder of snapshots, a recording) feeds
 * samples through these calls, and every consumer (the model, the recording writer)
 * implements them. Inputs are therefore interchangeable.
 *
 * Call order, per source:
 *   sink->meta(info)                  once, before the first sample, and again whenever
 *                                     the source's description changes
 *   for each sample:
 *     sink->begin(sample)             time of the sample
 *     sink->stack(rec) ...            zero or more: a stack with its frames; with a count
 *                                     (show_stacks, proposal, per-block dump), or only
 *                                     a handle (show_stacks_handles: defines the stack)
 *     sink->count(handle, n) ...      zero or more: a count by handle (show_handles);
 *                                     the handle was defined by an earlier stack() call
 *                                     of this or an earlier sample
 *     sink->end()                     the sample is complete
 * A sample with sample_info.changes_only names only the stacks that changed; the
 * others keep their counts.
 *
 * Semantics the sink relies on:
 * - Counts ADD UP within a sample: the per-block dump reports one record per block and
 *   the sink sums them per stack. A stack not reported in a sample has count 0.
 * - A handle, once defined, names the same stack for the whole source. A sink may forget
 *   a stack that had no pages for a long time (the model does): sink_ops.forgotten tells
 *   which, and a source that defines handles only once (live, 6.19+) defines those again
 *   before it counts them again. source_next() asks before each sample.
 * - Pointers inside records are only valid during the call: a sink copies what it keeps.
 * - A sink returns 0, or -1 with err filled to stop the source (the source passes the
 *   error up unchanged).
 */
#ifndef PAGETOP_SINK_H
#define PAGETOP_SINK_H

#include <stdint.h>
#include "util.h"

/* The largest count any input may give for one stack: 2^48 base pages are 1 EiB of 4 KiB
 * pages, more memory than any machine has. A larger count is corrupt input, and with it
 * sums of a few thousand stacks stay far from overflowing 64 bits. */
#define PT_COUNT_MAX (1ULL << 48)

/* The page sizes any input or option may give (bytes): what a kernel can have, with
 * room. The size only multiplies counts into bytes (saturating). */
#define PT_PAGE_SIZE_MIN 512
#define PT_PAGE_SIZE_MAX (1 << 24)

enum pt_unit {
	UNIT_PAGES = 0,  /* base pages outstanding (6.9+ kernels, per-block dump) */
	UNIT_ALLOCS = 1, /* allocations (the original proposal's stack_count) */
	UNIT_BYTES = 2,  /* bytes, with calls beside them (/proc/allocinfo) */
};

/* Which kernel interface (or file format) the data came from. */
enum pt_iface {
	IFACE_NONE = 0,
	IFACE_HANDLES,      /* show_handles + show_stacks_handles (6.19+) */
	IFACE_SHOW_STACKS,  /* show_stacks (6.9+) */
	IFACE_PROPOSAL,     /* page_owner_stacks single file, stack_count */
	IFACE_PAGE_OWNER,   /* per-block /sys/kernel/debug/page_owner dump */
	IFACE_ALLOCINFO,    /* /proc/allocinfo: one call site a "stack", one frame */
};
const char *iface_name(enum pt_iface i); /* "handles", "show_stacks", "proposal", "page_owner",
					  * "allocinfo" */

/* What the consumer should know about the source; strings owned by the source. */
struct source_meta {
	const char *name;            /* path, "-" or "live" */
	const char *kind;            /* "live", "file", "folder", "recording" */
	enum pt_iface iface;
	enum pt_unit unit;
	long page_size;              /* bytes */
	int page_size_known;         /* 0: 4096 assumed, and the output says so */
	const char *kernel_release;  /* or NULL */
	const char *kernel_build_id; /* hex, or NULL */
	const char *hostname;        /* or NULL */
	/* "NAME HEX" for each module whose build id the source knows (recordings), NULL
	 * terminated; or NULL */
	const char *const *module_build_ids;
	int series;                  /* a finite series of samples (folder, recording) */
	/* The samples' times minus this are seconds since boot, the clock of the blocks'
	 * ts (a recording's "meta boot-time"); boot_known 0: not known */
	double boot_time;
	int boot_known;
	int nsamples;                /* of a series when known in advance, else -1 */
};

struct meminfo;

struct sample_info {
	double time;       /* seconds: since the epoch when time_abs, else relative */
	int time_abs;
	uint64_t seq;      /* sample number from 0 */
	/* the system's counters at the sample (live, a recording, a folder's NAME.meminfo),
	 * valid during begin() only; NULL or not valid: unknown */
	const struct meminfo *mem;
	/* the sample names only the stacks whose count or calls changed since the sample
	 * before (a gone one with count 0); every other keeps what it had. Set only for a
	 * sink whose ops take_changes, and only when that sink took the sample before from
	 * the same source. */
	int changes_only;
};

struct frame_text {
	const char *s; /* without the leading space; never NUL-terminated in place */
	uint32_t len;
	/* When the record's keyspace is not 0: the producer's number for this text, from 1.
	 * Within one keyspace, equal keys stand for equal texts (the producer compared
	 * them), so a sink may map keys to what it made of the text the first time. */
	uint32_t key;
	uint64_t hash;  /* hash_bytes(s, len, 0) when the producer has it, else 0 */
};

/* Per-block dump extras (one allocated block). */
struct block_info {
	unsigned order;
	int pid, tgid;
	const char *comm; /* not terminated in place */
	uint32_t comm_len;
	uint32_t gfp;     /* mask value */
	uint64_t ts_ns;
	/* What the rest of the record says. Texts are not terminated in place and valid
	 * during the call only, as comm. */
	const char *gfp_text;    /* the mask's flags by name: "GFP_KERNEL|__GFP_COMP" */
	uint32_t gfp_text_len;
	const char *memcg;       /* "Charged to memcg NAME": NAME, or NULL */
	uint32_t memcg_len;
	const char *reason;      /* "Page has been migrated, last migrate reason: R" */
	uint32_t reason_len;
	uint64_t free_ts_ns;     /* older kernels' ", free_ts N ns"; 0: none */
	uint8_t has_ts;          /* the header had "ts N ns" */
	uint8_t mt;              /* enum block_mt: the block's migrate type (PFN line) */
	uint8_t migrated;        /* "Page has been migrated" */
	uint8_t slab;            /* "Slab cache page", or slab in the PFN line's flags */
	uint8_t memcg_offline;   /* "Charged to offline memcg NAME" */
	uint8_t memcg_objcg;     /* "Charged (via objcg) to ..." */
	uint8_t cma;             /* CMA in the PFN line (page_owner_sort's allocator class) */
	uint64_t pfn;            /* the PFN line's page frame number: a block's key in a dump */
	/* BI_SAME_*: that text is, byte for byte, the one of the block given to this sink
	 * just before (a producer that knows it says so; 0 tells nothing) */
	uint8_t same;
};

#define BI_SAME_COMM 1
#define BI_SAME_GFP 2

/* A block's migrate type, as the PFN line names it (migratetype_names). */
enum block_mt { MT_NONE = 0, MT_UNMOVABLE, MT_MOVABLE, MT_RECLAIMABLE, MT_HIGHATOMIC,
		MT_CMA, MT_ISOLATE, MT_OTHER };

struct stack_rec {
	const struct frame_text *frames;
	unsigned nframes;
	uint64_t handle;    /* 0: none */
	int has_count;
	uint64_t count;
	const struct block_info *block; /* per-block dump only */
	uint64_t calls;     /* allocinfo: the call site's allocations now (count: its bytes) */
	uint64_t keyspace;  /* 0: frame keys unused; else from keyspace_new(), never reused */
	uint64_t hash;      /* stack_rec_hash() of the frames when the producer has it, else 0 */
	/* When keyspace is not 0 and the handle is: the producer's number for this stack,
	 * from 1 (0: none). Within one keyspace, equal keys stand for equal frames, so a
	 * sink may map a key to the stack it found the first time (a recording's ids). */
	uint32_t key;
};

/* The hash of a frame sequence, from its frames' text hashes: what the model keys stacks
 * without a handle by. */
static inline uint64_t stack_rec_hash(const struct frame_text *f, unsigned n)
{
	uint64_t h = hash_start(0x5eed);

	for (unsigned i = 0; i < n; i++)
		h = hash_block(h, f[i].hash ? f[i].hash : hash_bytes(f[i].s, f[i].len, 0), i);
	return hash_end(h, n);
}

/* A keyspace number no other producer of this process has (thread-safe). */
uint64_t keyspace_new(void);

struct sink_ops {
	int (*meta)(void *self, const struct source_meta *meta, struct pt_err *err);
	int (*begin)(void *self, const struct sample_info *s, struct pt_err *err);
	int (*stack)(void *self, const struct stack_rec *rec, struct pt_err *err);
	int (*count)(void *self, uint64_t handle, uint64_t count, struct pt_err *err);
	int (*end)(void *self, struct pt_err *err);
	/* Optional: rec comes to stack() soon (a few records on); a sink may start
	 * fetching what it will need then. rec is valid during this call only. */
	void (*prefetch)(void *self, const struct stack_rec *rec);
	/* Optional: the handles the sink forgot since the last call, in *handles (valid
	 * until the next call into the sink); returns how many. */
	size_t (*forgotten)(void *self, const uint64_t **handles);
	/* Optional, during a sample: about n stack records without a handle follow (a hint
	 * from the size of the input, never a bound), so that a sink sizes its tables
	 * once, not by doubling as they come. */
	void (*expect)(void *self, uint64_t n);
	/* the sink takes samples of changes only (sample_info.changes_only); then ident
	 * says which state it is in: another number once it has forgotten the samples it
	 * took (reset, or another sink at the same address) */
	int take_changes;
	uint64_t (*ident)(void *self);
	/* Optional: a record with this key comes to prefetch() soon, further on than
	 * that (the first of two steps where the sink's record of a key is two reads
	 * away). A key of another keyspace, or of a stack with a handle, costs nothing. */
	void (*prefetch_key)(void *self, uint64_t keyspace, uint32_t key);
};

struct sink {
	const struct sink_ops *ops;
	void *self;
};

#endif
