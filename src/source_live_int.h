/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live_int.h - internal: the parts of the live source. source_live.c (the worker
 * and the source) uses the three others, which know nothing of it:
 *   source_live_diag.c        which interface the kernel has, or why none
 *   source_live_kthreshold.c  the kernel's count_threshold: set, restore
 *   source_live_fault.c       the PAGETOP_FAULT test hook
 * The files of the live interface are source_privsep.h's table (enum ps_file). */
#ifndef PAGETOP_SOURCE_LIVE_INT_H
#define PAGETOP_SOURCE_LIVE_INT_H

#include <stddef.h>

#include "sink.h"
#include "source_privsep.h"
#include "util.h"

/* ---- source_live_diag.c ---- */

/* The best interface under the debugfs folder dir (path: ps_file_rel[]'s files under
 * it), or the one PAGETOP_IFACE names. IFACE_NONE with the one message that tells the
 * user what to do when there is none: debugfs not mounted, not root, page_owner not built
 * in or not enabled at boot. */
enum pt_iface live_detect(const char *dir, char *const path[PSF__N], struct pt_err *err,
			  int *absent);
/* (*absent is set to 1 when the reason is that page_owner is not built in or not enabled:
 * debugfs is mounted and readable and has none of its files) */
/* The message for a file of the interface that cannot be opened or read (errno e). */
void live_say_access(const char *path, int e, struct pt_err *err);
/* --allocinfo where path (/proc/allocinfo) is not. */
void live_say_allocinfo_missing(const char *path, struct pt_err *err);
/* Says (a warning) when memory allocation profiling is compiled in but off:
 * proc/sys/vm/mem_profiling reads 0. */
void live_check_mem_profiling(const char *proc);

/* ---- source_live_kthreshold.c ---- */

struct kthreshold_file {
	const char *dir;   /* the debugfs folder */
	enum ps_file f;    /* count_threshold, or the proposal's page_owner_threshold */
	const char *path;  /* dir/ps_file_rel[f], for messages */
	int privsep;       /* written by the --drop-privileges helper */
	int fault;         /* PAGETOP_FAULT: the errno its open fails with, or 0 */
};
/* The first write: keeps the original (*orig) to put back on every way out (close, exit,
 * the signal handlers, the fatal hook), and says so. Refused when this process changed
 * it already. Returns 0, or -1 with err. */
int kthreshold_set(const struct kthreshold_file *t, long value, long *orig,
		   struct pt_err *err);
/* 1 once kthreshold_set() changed it (and until it is put back). */
int kthreshold_changed(void);
/* A later write: the original stays kept. Returns 0, or -1 with err. */
int kthreshold_change(const struct kthreshold_file *t, long value, struct pt_err *err);
/* Puts the original back and, through the helper, waits until it is (not for signal
 * handlers: live_restore_threshold() is). Returns 0, or -1 with err when the restore
 * failed or was refused. */
int kthreshold_restore(struct pt_err *err);
/* The same for the ways out that have no one to return an error to: said as a warning. */
void kthreshold_restore_warn(void);

/* ---- source_live_fault.c ---- */

/* PAGETOP_FAULT entries (source_live.h): an open that fails, or reads that fail or come
 * short. */
enum live_fault_kind { FAULT_OPEN, FAULT_READ };
#define FAULT_SHORT (-1) /* err of a read fault: the read returns a few bytes only */

struct live_fault {
	char name[64];       /* the file's base name */
	enum live_fault_kind kind;
	int err;             /* an errno, or FAULT_SHORT */
	long left;           /* reads still to fault; -1: every one */
};

struct live_faults {
	struct live_fault v[8];
	size_t n;
};

/* Reads PAGETOP_FAULT (none when it is not set). */
void live_faults_load(struct live_faults *lf);
/* The errno an open of path fails with, or 0. */
int live_fault_open(const struct live_faults *lf, const char *path);
/* What this read of path does instead of reading: an errno to fail with, FAULT_SHORT, or
 * 0 (it reads). Counts the read against the fault's N. */
int live_fault_read(struct live_faults *lf, const char *path);

#endif
