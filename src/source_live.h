/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live.h - the live kernel source: debugfs page_owner files, read on a worker
 * thread.
 *
 * source_open_live() (source_impl.h) detects the interface, best first: 6.19+ handles
 * (show_handles + show_stacks_handles), 6.9+ show_stacks, the original proposal's single
 * page_owner_stacks file, the per-block page_owner dump. It diagnoses the preconditions
 * (root, debugfs mounted, page_owner built in and enabled, lockdown) with one message
 * each (source_live_diag.c).
 *
 * Test hooks, read from the environment when a live source opens (never needed in real
 * use; they change diagnosis and which interface is read, never which files are written;
 * doc/pagetop.1 lists them):
 *   PAGETOP_DEBUGFS_MOUNTED=0|1   override the mount-point check of the debugfs folder
 *   PAGETOP_KCONFIG=FILE          kernel config to consult (default /proc/config.gz, then
 *                                 /boot/config-RELEASE)
 *   PAGETOP_CMDLINE=FILE          kernel command line (default /proc/cmdline)
 *   PAGETOP_FAULT=NAME=SPEC,...   SPEC ERR: opening the debugfs entry NAME fails with ERR
 *                                 (EACCES, EPERM, ENOENT, EIO, ENOMEM, EBUSY, EINTR, EAGAIN
 *                                 or a number); read:ERR[:N]: its reads fail with ERR
 *                                 (the first N only); read:short[:N]: they return at most
 *                                 7 bytes. EINTR and EAGAIN are retried (bounded).
 *   PAGETOP_IFACE=NAME            use this interface (handles, show_stacks, proposal,
 *                                 page_owner) instead of the best one available: to
 *                                 compare their costs on one kernel
 *   PAGETOP_MEMINFO=FILE          the system's memory counters (default /proc/meminfo)
 *   PAGETOP_PROC=DIR              the folder of allocinfo and sys/vm/mem_profiling
 *                                 (default /proc)
 */
#ifndef PAGETOP_SOURCE_LIVE_H
#define PAGETOP_SOURCE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "host_meminfo.h"
#include "sink.h"

struct source;

#define LIVE_DEFAULT_INTERVAL 2.0
#define LIVE_PAGE_OWNER_INTERVAL 30.0 /* the per-block dump walks every page frame */
#define LIVE_MIN_INTERVAL 0.1
#define LIVE_DEFAULT_DEBUGFS "/sys/kernel/debug"
#define LIVE_DEFAULT_PROC "/proc"

/* Restores the kernel's count_threshold if pagetop changed it: only into the file read
 * first, opened beneath the debugfs folder without following links. Async-signal-safe:
 * only open/openat2/fstat/write/close on a path and value prepared in advance, with
 * signals blocked meanwhile; a failure or refusal is written to standard error as a
 * message prepared in advance. Safe to call many times, from any thread. */
void live_restore_threshold(void);

/* Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and the crashes
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) that restore
 * count_threshold, then hand the signal to whatever handler was installed before (call it
 * after initscr() so curses' own handlers still run), or else die of it as before. Signals
 * that are ignored stay ignored. Call once, from the main thread. */
void live_install_signal_handlers(void);

/* Asks the worker of a live source to read now instead of at the next tick. Returns 0, or
 * -1 when s is not a live source. */
int live_refresh(struct source *s);

/* Changes the interval of a running live source (the next read starts now). Returns 0,
 * or -1 with err. A read that takes longer raises the interval to its time (said once,
 * as a warning, until the interval is set again). */
int live_set_interval(struct source *s, double secs, struct pt_err *err);
/* Writes pages to the kernel's count_threshold (global: every reader on the machine sees
 * it); pages < 0 puts the original value back. The original comes back on every exit
 * either way. Returns 0, or -1 with err. */
int live_set_kernel_threshold(struct source *s, long pages, struct pt_err *err);

/* Switches a live source between page_owner and /proc/allocinfo: the other one is
 * opened (as --allocinfo or not would), then the old one closed (its worker joined, the
 * count_threshold written put back). The next sample's meta is the new interface's.
 * Returns 0, or -1 with why not (not live, --drop-privileges, the other not there or not
 * readable), the old one going on. */
int live_switch(struct source *s, struct pt_err *err);
/* Whether the other source is there to switch to (0 for a source not live). */
int live_can_switch(const struct source *s);

/* What the last tick cost, for the header, the tests and the benchmark. */
struct live_stats {
	enum pt_iface iface;
	double interval;          /* seconds */
	uint64_t ticks;           /* reads finished */
	uint64_t bytes_last;      /* bytes read by the last tick, all files */
	uint64_t bytes_total;
	uint64_t stacks_handles_bytes_last; /* of which show_stacks_handles (6.19+) */
	uint64_t records_last;    /* records parsed by the last tick */
	uint64_t new_stacks_last; /* stacks defined by the last tick (6.19+) */
	double read_ms_last;      /* wall time of the last tick: reading and parsing */
	double read_ms_total;
	uint64_t failures;        /* ticks that failed (each retried later) */
	uint64_t retries;         /* read() calls retried after EINTR or EAGAIN */
	int reading;              /* 1 while a tick reads: the shown sample is the last one */
	uint64_t bytes_reading;   /* bytes this tick has read so far */
	uint64_t bytes_expect;    /* what it will read, guessed: the last good tick's, or 0 */
	double reading_secs;      /* how long it has been reading */
	long threshold_set;       /* value pagetop wrote to count_threshold, -1 none */
	long threshold_orig;      /* what it was before */
	struct meminfo mem;       /* /proc/meminfo at the sample last delivered */
};
/* Returns 0, or -1 when s is not a live source. */
int live_get_stats(const struct source *s, struct live_stats *st);

#endif
