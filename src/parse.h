/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.h - the one streaming parser for every format the kernel prints.
 *
 * Formats are told apart from the content: the first non-blank line, and for stack
 * files the count line that ends the first record. See doc/formats.md. */
#ifndef PAGETOP_PARSE_H
#define PAGETOP_PARSE_H

#include "frame.h"
#include "reader.h"
#include "sink.h"

enum pfmt {
	PF_UNKNOWN = 0,
	PF_SHOW_STACKS,     /* frames, nr_base_pages: N */
	PF_PROPOSAL,        /* frames, stack_count: N */
	PF_STACKS_HANDLES,  /* frames, handle: N */
	PF_HANDLES,         /* handle: N, nr_base_pages: N */
	PF_PAGE_OWNER,      /* per-block dump */
	PF_ALLOCINFO,       /* /proc/allocinfo: bytes and calls per call site */
	PF_RECORDING,       /* pagetop's own recording (source_recording.c reads it) */
};
const char *pfmt_name(enum pfmt f);

/* PAGE_OWNER_STACK_DEPTH is 16; accept more for other builds, within reason. */
#define STACK_MAX_FRAMES 64

/* A line quoted for a message, in buf: at most 60 bytes of whole characters, escaped
 * ("\x1b"), so that input never reaches the terminal raw; "an empty line" for n == 0.
 * bufsz: 256 is enough. */
const char *parse_quote(const char *s, size_t n, char *buf, size_t bufsz);

/* Looks at the start of a stream and names its format (PF_UNKNOWN if none fits). */
enum pfmt parse_detect(const char *buf, size_t len);
/* The format of a file from its first bytes; (enum pfmt)-1 with err when unreadable. */
enum pfmt parse_detect_file(const char *path, struct pt_err *err);

/* Parses records from r and feeds them to sink->stack() (stacks) or sink->count()
 * (show_handles); does NOT call begin/end. expect PF_UNKNOWN detects. *got receives
 * the detected format (may be NULL). Returns 0, or -1 with err set to
 * "NAME:LINE: expected ..., found ...". A truncated last record is dropped with a
 * warning through diag_warn(); everything before it is kept. An input with no record
 * at all is an error ("no page_owner records"). */
/* Forgets what was said once a process (an allocinfo version pagetop does not know), so
 * that a parse says it again: for tests that compare two parses of one input. */
void parse_forget_said(void);
int parse_stream(struct reader *r, enum pfmt expect, enum pfmt *got,
		 const struct sink *sink, struct pt_err *err);

/* parse_stream() from a known position of a larger input: the format so far (PF_UNKNOWN:
 * none yet), the lines and records before (for messages), and a frame dictionary that
 * lasts across such calls (its keys keep one keyspace; NULL: one for this call). With a
 * dictionary, the sink's frame texts are the dictionary's copies, valid as long as it:
 * the input's bytes are not read after the call. The first-line checks of
 * parse_stream() are done only when at->first. *nrecords receives the records before
 * plus those read. */
struct parse_dict;
struct parse_at {
	enum pfmt fmt;
	uint64_t lineno, nrecords;
	struct parse_dict *dict;
	int first;          /* the start of the input: do the first-line checks */
};
int parse_stream_at(struct reader *r, const struct parse_at *at, enum pfmt *got,
		    uint64_t *nrecords, const struct sink *sink, struct pt_err *err);
struct parse_dict *parse_dict_new(void);
void parse_dict_free(struct parse_dict *d);
/* Its keys are 1 to parse_dict_count(), in parse_dict_keyspace() (0: none given yet).
 * parse_dict_texts() gives the texts of keys from + 1 to to, as a sink gets them: they
 * last as long as the dictionary, which only its parse may use meanwhile. */
uint32_t parse_dict_count(const struct parse_dict *d);
uint64_t parse_dict_keyspace(const struct parse_dict *d);
void parse_dict_texts(const struct parse_dict *d, uint32_t from, uint32_t to,
		      struct frame_text *out);

/* parse_stream() on a worker thread while the calling thread feeds the sink (the sink
 * sees the same calls in the same order, on the caller's thread; warnings too). For large
 * inputs: reading and checking the text overlaps with building the model. The reader's
 * buffers become a pool's (reader_set_pool()): it is at its end afterwards. */
int parse_stream_threaded(struct reader *r, enum pfmt expect, enum pfmt *got,
			  const struct sink *sink, struct pt_err *err);

/* For a large plain file of stack records (fd, named name in messages): chunks of it are
 * parsed by several threads at once and fed to the sink in file order, on the calling
 * thread, exactly as parse_stream() would (anything unusual is parsed by it, from where
 * the chunks stopped). Reads with pread(): fd's offset is left alone. Returns -2 when fd
 * is not a regular file. */
#define PARSE_SPLIT_CHUNK (256 * 1024)
extern size_t parse_split_chunk;  /* PARSE_SPLIT_CHUNK; tests make it smaller */
struct split_stats {
	uint64_t chunks, fed;     /* chunks in the file, fed from the threads' lists */
	int serial;               /* the rest went through parse_stream_at() */
	uint64_t serial_from;     /* from this offset */
	unsigned shrank;          /* chunks read short: the file shrank */
};
int parse_split(int fd, const char *name, enum pfmt expect, enum pfmt *got,
		const struct sink *sink, struct split_stats *stats, struct pt_err *err);

#endif
