/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_live_kthreshold.c - the kernel's count_threshold: written when asked, put back
 * on every way out.
 *
 * count_threshold is one value for the whole machine. The first write keeps the original
 * where a signal handler can reach it, and puts it back on close, at exit, from the
 * signal handlers and the fatal hook; with --drop-privileges the root helper writes it
 * and keeps the original itself (source_privsep.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source_live.h"
#include "source_live_int.h"
#include "source_privsep.h"
#include "util.h"

static char thr_path[PATH_MAX];
static char thr_dir[PATH_MAX];  /* the debugfs folder, */
static const char *thr_rel;     /* and count_threshold beneath it */
static char thr_orig[32];
static size_t thr_orig_len;
static long thr_orig_val;
static atomic_int thr_armed;
static atomic_int thr_helper;   /* the privileged helper holds the original */
static int thr_atexit_done;
static dev_t thr_dev;           /* the file read first: only that one is written again */
static ino_t thr_ino;
static char thr_fail_msg[2 * PATH_MAX]; /* said when a handler's restore fails */
static size_t thr_fail_len;

/* count_threshold beneath the debugfs folder, never through a link: the opener of the
 * privileged helper (async-signal-safe). fd or -1 with errno (ELOOP for a link). */
static int thr_open(int flags)
{
	int dfd = open(thr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd, e;

	if (dfd < 0)
		return -1;
	fd = debugfs_openat(dfd, thr_rel, flags, 0);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* count_threshold again, only when it is still the file read first. fd or -1. */
static int thr_reopen(void)
{
	int fd = thr_open(O_WRONLY);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != thr_dev || st.st_ino != thr_ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Puts the original back once (async-signal-safe): 0, or the errno of the refusal or
 * failure. The file is written over, never cut: debugfs attributes have no size, and
 * kthr_read() stops at the newline of a fake tree's regular file. */
static int thr_restore(void)
{
	sigset_t all, old;
	int e = 0, fd;

	/* Block signals so that a handler cannot kill the process between taking the job
	 * and finishing it; pthread_sigmask and everything below are async-signal-safe. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (atomic_exchange(&thr_armed, 0)) {
		if (atomic_load(&thr_helper)) {
			/* --drop-privileges: only the helper can write; it also restores by
			 * itself when this process is gone, however it went */
			privsep_thr_restore_async();
		} else {
			ssize_t w;

			fd = thr_reopen();
			if (fd < 0) {
				e = errno;
			} else {
				w = write(fd, thr_orig, thr_orig_len);
				if (w != (ssize_t)thr_orig_len)
					e = w < 0 ? errno : EIO;
				close(fd);
			}
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}

/* Prepares what a handler says when its restore fails, and what comes back (gettext and
 * stdio are no use in a handler). */
static void thr_prepare(const char *path, long orig)
{
	char msg[sizeof(thr_fail_msg) - 16];

	snprintf(thr_path, sizeof(thr_path), "%s", path);
	thr_orig_val = orig;
	thr_orig_len = (size_t)snprintf(thr_orig, sizeof(thr_orig), "%ld\n", orig);
	snprintf(msg, sizeof(msg),
		 _("count_threshold was not put back to %ld: %s cannot be written or is no longer the file pagetop changed"),
		 orig, path);
	thr_fail_len = (size_t)snprintf(thr_fail_msg, sizeof(thr_fail_msg), "pagetop: %s\n", msg);
}

void live_restore_threshold(void)
{
	int saved = errno;

	if (thr_restore() != 0 && write(STDERR_FILENO, thr_fail_msg, thr_fail_len) < 0) {
		/* nowhere else to say it */
	}
	errno = saved;
}

/* The message for a restore that failed with errno e. */
static void say_restore(int e, struct pt_err *err)
{
	if (e == ESTALE || e == ELOOP)
		pt_err_set(err, _("not putting count_threshold back to %ld: %s is no longer the file pagetop changed (a link or another file is there now)"),
			   thr_orig_val, thr_path);
	else
		pt_err_set(err, _("cannot put count_threshold back to %ld: %s: %s"), thr_orig_val,
			   thr_path, strerror(e));
}

int kthreshold_restore(struct pt_err *err)
{
	int e = 0;

	if (atomic_load(&thr_helper)) {
		if (atomic_exchange(&thr_armed, 0) && privsep_thr_restore() < 0)
			e = errno;
	} else {
		e = thr_restore();
	}
	if (e) {
		say_restore(e, err);
		return -1;
	}
	return 0;
}

void kthreshold_restore_warn(void)
{
	struct pt_err err;

	if (kthreshold_restore(&err) < 0)
		diag_warn("%s", err.msg);
}

/* The crashes too: a SIGSEGV's handler restores, then the signal is raised again with
 * the default action (the faulting instruction would raise it anyway) for the core. */
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
				     SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction saved_actions[ARRAY_SIZE(fatal_signals)];

static void on_fatal_signal(int sig, siginfo_t *info, void *uctx)
{
	int saved = errno;

	live_restore_threshold();
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		struct sigaction *old = &saved_actions[i];

		if (fatal_signals[i] != sig)
			continue;
		if (old->sa_flags & SA_SIGINFO) {
			if (old->sa_sigaction) {
				old->sa_sigaction(sig, info, uctx);
				errno = saved;
				return;
			}
		} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
			old->sa_handler(sig);
			errno = saved;
			return;
		}
		break;
	}
	/* die of the signal as we would have: the parent sees the real cause */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

void live_install_signal_handlers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		struct sigaction sa;

		if (sigaction(fatal_signals[i], NULL, &saved_actions[i]) < 0)
			continue;
		if (!(saved_actions[i].sa_flags & SA_SIGINFO) &&
		    saved_actions[i].sa_handler == SIG_IGN)
			continue; /* nohup and friends: keep running, keep the threshold */
		if ((saved_actions[i].sa_flags & SA_SIGINFO) &&
		    saved_actions[i].sa_sigaction == on_fatal_signal)
			continue; /* called again: chaining to ourselves would loop */
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_fatal_signal;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		for (size_t j = 0; j < ARRAY_SIZE(fatal_signals); j++)
			sigaddset(&sa.sa_mask, fatal_signals[j]);
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

/* The message for a threshold that could not be changed (errno e). */
static void say_threshold(const char *path, int e, struct pt_err *err)
{
	if (e == EPERM)
		pt_err_set(err, _("kernel lockdown refuses %s: run without --kernel-threshold"), path);
	else if (e == ENOENT)
		pt_err_set(err, _("%s is missing: this kernel cannot filter stacks (run without --kernel-threshold)"),
			   path);
	else if (e == ELOOP)
		pt_err_set(err, _("not writing %s: it is a symbolic link, or a folder on its way is one; pagetop writes count_threshold only to the file itself (run without --kernel-threshold)"),
			   path);
	else if (e == EACCES || e == EPIPE || e == ETIMEDOUT || e == EXDEV)
		live_say_access(path, e, err);
	else if (e == ESTALE)
		pt_err_set(err, _("%s is no longer the file pagetop changed: not writing it"), path);
	else if (e == ENODATA)
		pt_err_set(err, _("cannot read %s: %s"), path, _("empty"));
	else if (e == EBADMSG || e == ERANGE)
		pt_err_set(err, _("cannot read %s: %s"), path, strerror(e));
	else
		pt_err_set(err, _("cannot write %s: %s"), path, strerror(e));
}

static void thr_arm_atexit(void)
{
	if (!thr_atexit_done) {
		atexit(live_restore_threshold);
		thr_atexit_done = 1;
	}
}

/* The first write, through the --drop-privileges helper, which keeps the original. */
static int set_through_helper(const struct kthreshold_file *t, long value, long *orig,
			      struct pt_err *err)
{
	if (privsep_thr_set(t->f, value, orig) < 0) {
		say_threshold(t->path, errno, err);
		return -1;
	}
	thr_prepare(t->path, *orig);
	atomic_store(&thr_helper, 1);
	atomic_store(&thr_armed, 1);
	thr_arm_atexit();
	return 0;
}

/* The first write, by pagetop itself: the original is read and kept first. */
static int set_directly(const struct kthreshold_file *t, long value, long *orig,
			struct pt_err *err)
{
	struct stat st;
	char buf[64];
	int fd, e;

	/* not armed: no handler reads these yet */
	snprintf(thr_dir, sizeof(thr_dir), "%s", t->dir);
	thr_rel = ps_file_rel[t->f];
	fd = thr_open(O_RDWR);
	if (fd < 0) {
		say_threshold(t->path, errno, err);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		say_threshold(t->path, errno, err);
		close(fd);
		return -1;
	}
	thr_dev = st.st_dev;
	thr_ino = st.st_ino;
	/* debugfs attribute files are not seekable (nonseekable_open): no pread/pwrite */
	if (kthr_read(fd, orig, buf, sizeof(buf)) < 0) {
		e = errno;
		if (e == EBADMSG)
			pt_err_set(err, _("%s: expected a number, found \"%.20s\""), t->path, buf);
		else
			say_threshold(t->path, e, err);
		close(fd);
		return -1;
	}
	/* kept exactly as the kernel will take it back: a decimal and a newline */
	thr_prepare(t->path, *orig);
	atomic_store(&thr_helper, 0);
	atomic_store(&thr_armed, 1);
	thr_arm_atexit();
	/* a fake tree's regular file is read to its end: write from the start again */
	if ((lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) || kthr_write(fd, value) < 0) {
		e = errno;
		close(fd);
		kthreshold_restore_warn();
		pt_err_set(err, _("cannot write %s: %s"), t->path, strerror(e));
		return -1;
	}
	close(fd);
	return 0;
}

int kthreshold_set(const struct kthreshold_file *t, long value, long *orig,
		   struct pt_err *err)
{
	if (atomic_load(&thr_armed)) {
		pt_err_set(err, "%s", _("count_threshold is already changed by this pagetop"));
		return -1;
	}
	if (t->fault) {
		say_threshold(t->path, t->fault, err);
		return -1;
	}
	if ((t->privsep ? set_through_helper : set_directly)(t, value, orig, err) < 0)
		return -1;
	diag_warn(_("count_threshold set to %ld (was %ld) for the whole machine: pagetop puts it back on exit"),
		  value, *orig);
	return 0;
}

int kthreshold_changed(void)
{
	return atomic_load(&thr_armed);
}

int kthreshold_change(const struct kthreshold_file *t, long value, struct pt_err *err)
{
	long orig;
	int fd;

	if (atomic_load(&thr_helper)) {
		if (privsep_thr_set(t->f, value, &orig) < 0) {
			say_threshold(t->path, errno, err);
			return -1;
		}
		return 0;
	}
	/* the original stays kept: only the new value is written */
	fd = thr_reopen();
	if (fd < 0 || kthr_write(fd, value) < 0) {
		say_threshold(thr_path, errno, err);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
