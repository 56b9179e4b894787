/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source_privsep.c - --drop-privileges: the root helper and its client (see
 * source_privsep.h).
 *
 * The helper is forked before pagetop drops root. Everything it runs after the fork is
 * async-signal-safe system calls on memory it already has (the parent may have threads):
 * no malloc, no stdio, no locale. Requests and replies are fixed-size records; a request
 * of another size, an unknown operation or a file index outside its table is refused with
 * EINVAL and changes nothing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source_privsep.h"

const char *const ps_file_rel[PSF__N] = {
	[PSF_HANDLES] = "page_owner_stacks/show_handles",
	[PSF_STACKS_HANDLES] = "page_owner_stacks/show_stacks_handles",
	[PSF_STACKS] = "page_owner_stacks/show_stacks",
	[PSF_PROPOSAL] = "page_owner_stacks",
	[PSF_PAGE_OWNER] = "page_owner",
	[PSF_ALLOCINFO] = "allocinfo",
	[PSF_COUNT_THRESHOLD] = "page_owner_stacks/count_threshold",
	[PSF_PROPOSAL_THRESHOLD] = "page_owner_threshold",
};

#define STOP_TIMEOUT_MS 2000 /* privsep_stop(): how long the helper may take to restore */
#define REPLY_TIMEOUT_S 5    /* request(): how long a reply may take */
#define H_SOCK 3             /* the helper's descriptors: its socket, */
#define H_DIR 4              /* and the validated debugfs folder */

#ifndef DEBUGFS_MAGIC
#define DEBUGFS_MAGIC 0x64626720
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

/* ---------------------------------------------------------------------------------- */
/* shared: async-signal-safe */

static int clear_nonblock(int fd);

int debugfs_open_path(const char *path, int flags)
{
	return clear_nonblock(open(path, flags | O_CLOEXEC | O_NONBLOCK));
}

/* After the open: the file's own flags without O_NONBLOCK. */
static int clear_nonblock(int fd)
{
	if (fd >= 0) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0 && (fl & O_NONBLOCK))
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	return fd;
}

/* One component at a time with O_NOFOLLOW: the fallback for kernels before 5.6. */
static int openat_walk(int dfd, const char *rel, int flags)
{
	char comp[NAME_MAX + 1];
	int cur = dfd;

	for (;;) {
		size_t n = 0;
		int next, last;

		while (rel[n] && rel[n] != '/')
			n++;
		if (n == 0 || n > NAME_MAX || (n == 1 && rel[0] == '.') ||
		    (n == 2 && rel[0] == '.' && rel[1] == '.')) {
			if (cur != dfd)
				close(cur);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		last = rel[n] == '\0';
		if (last)
			next = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
		else
			next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOTDIR) { /* a link where a folder should be */
			struct stat st;

			if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				errno = ELOOP;
			else
				errno = ENOTDIR;
		}
		if (cur != dfd) {
			int e = errno;

			close(cur);
			errno = e;
		}
		if (next >= 0 && last && (flags & O_PATH)) {
			struct stat st;

			/* O_PATH | O_NOFOLLOW opens a link itself: refuse it as the rest */
			if (fstat(next, &st) < 0 || S_ISLNK(st.st_mode)) {
				close(next);
				errno = ELOOP;
				return -1;
			}
		}
		if (next < 0 || last)
			return next;
		cur = next;
		rel += n + 1;
	}
}

int debugfs_openat(int dfd, const char *rel, int flags, int walk_only)
{
	int fd = -1;

	/* O_NONBLOCK only for the open itself, as debugfs_open_path(); never for O_PATH */
	if (!(flags & O_PATH))
		flags |= O_NONBLOCK;
#ifdef SYS_openat2
	if (!walk_only) {
		struct open_how how;

		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
		/* ENOSYS: before 5.6; EPERM: some seccomp filters say so for an unknown
		 * call (and lockdown, which the walk gets again) */
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return flags & O_PATH ? fd : clear_nonblock(fd);
	}
#else
	(void)walk_only;
#endif
	fd = openat_walk(dfd, rel, flags);
	return flags & O_PATH ? fd : clear_nonblock(fd);
}

int kthr_read(int fd, long *value, char *text, size_t n)
{
	ssize_t got;
	long v = 0;
	size_t i = 0;
	int neg = 0, digits = 0;

	do
		got = read(fd, text, n - 1);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	text[got] = '\0';
	if (got == 0) {
		errno = ENODATA;
		return -1;
	}
	while (i < (size_t)got && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i < (size_t)got && (text[i] == '-' || text[i] == '+'))
		neg = text[i++] == '-';
	for (; i < (size_t)got && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
		if (v > (LONG_MAX - (text[i] - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + (text[i] - '0');
	}
	if (!digits || (i < (size_t)got && text[i] != '\n' && text[i] != ' ')) {
		errno = EBADMSG;
		return -1;
	}
	*value = neg ? -v : v;
	return 0;
}

/* "value\n" without stdio; returns its length. */
static size_t fmt_long(char *buf, long value)
{
	char tmp[24];
	size_t n = 0, k = 0;
	unsigned long u = value < 0 ? 0UL - (unsigned long)value : (unsigned long)value;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (value < 0)
		buf[k++] = '-';
	while (n)
		buf[k++] = tmp[--n];
	buf[k++] = '\n';
	return k;
}

int kthr_write(int fd, long value)
{
	char want[32];
	size_t n = fmt_long(want, value);
	ssize_t w = write(fd, want, n);

	if (w != (ssize_t)n) {
		if (w >= 0)
			errno = EIO; /* a short write to an attribute file */
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------- */
/* the protocol */

enum ps_op { OP_OPEN = 1, OP_STAT, OP_THR_SET, OP_THR_RESTORE, OP_THR_RESTORE_NOREPLY };

struct ps_req {
	uint32_t op;
	uint32_t file;
	int64_t value;
	uint32_t seq;
	uint32_t pad;
};

struct ps_rep {
	uint32_t op, seq;  /* the request's, echoed */
	int32_t err;       /* 0 or an errno */
	uint32_t mode;
	int64_t orig;
	uint64_t dev, ino;
};

/* ---------------------------------------------------------------------------------- */
/* the helper */

static int h_walk_only;      /* tests: the fallback of kernels without openat2 */
static dev_t h_dir_dev;      /* the validated folder's file system */
static int h_dir_debugfs;    /* it is debugfs: found again by its path (h_dir()) */
static char h_dir_path[PATH_MAX];
static int h_thr_saved;      /* the original is kept */
static int h_thr_file;
static long h_thr_orig;
static dev_t h_thr_dev;      /* the threshold file written first: only that one is written */
static ino_t h_thr_ino;

static int fs_is_debugfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 &&
	       (sfs.f_type == DEBUGFS_MAGIC || sfs.f_type == TRACEFS_MAGIC);
}

/* The folder to open beneath, and its file system. A fake tree: the folder validated at
 * the start (H_DIR). debugfs: the one mounted at the folder's path now, which must be
 * debugfs (or tracefs) again; so after an unmount files are gone (ENOENT) and after a
 * new mount they come back, as at that path for pagetop without --drop-privileges. Only
 * root can mount debugfs: nothing else passes. Returns a descriptor (close it unless
 * H_DIR), or -1 with errno. */
static int h_dir(dev_t *dev)
{
	struct stat st;
	int fd;

	if (!h_dir_debugfs) {
		*dev = h_dir_dev;
		return H_DIR;
	}
	fd = open(h_dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!fs_is_debugfs(fd) || fstat(fd, &st) < 0) {
		close(fd);
		errno = ENOENT;
		return -1;
	}
	*dev = st.st_dev;
	return fd;
}

/* Opens file f beneath the folder, never through a link; a file on another file system
 * than the folder's is refused (EXDEV). */
static int h_open(unsigned f, int flags, struct stat *st)
{
	dev_t dev;
	int dfd = h_dir(&dev), fd, e;

	if (dfd < 0)
		return -1;
	fd = debugfs_openat(dfd, ps_file_rel[f], flags, h_walk_only);
	e = errno;
	if (dfd != H_DIR)
		close(dfd);
	if (fd < 0) {
		errno = e;
		return -1;
	}
	if (fstat(fd, st) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (st->st_dev != dev) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* The threshold file again, only when it is still the one read first. */
static int h_open_thr(int flags)
{
	struct stat st;
	int fd = h_open((unsigned)h_thr_file, flags, &st);

	if (fd >= 0 && (st.st_dev != h_thr_dev || st.st_ino != h_thr_ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Writes the original back. On failure it stays kept, so the end retries once. */
static int h_restore(void)
{
	int fd, rc = 0;

	if (!h_thr_saved)
		return 0;
	fd = h_open_thr(O_WRONLY);
	if (fd < 0 || kthr_write(fd, h_thr_orig) < 0)
		rc = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	if (!rc)
		h_thr_saved = 0;
	return rc;
}

static int h_thr_set(unsigned f, int64_t value, int64_t *orig)
{
	char text[64];
	struct stat st;
	long old;
	int fd, first = !h_thr_saved;

	if (f != PSF_COUNT_THRESHOLD && f != PSF_PROPOSAL_THRESHOLD)
		return EINVAL;
	if (value < 0 || value > INT32_MAX)
		return EINVAL;
	if (h_thr_saved && (int)f != h_thr_file)
		return EBUSY;
	if (first) {
		fd = h_open(f, O_RDWR, &st);
		if (fd < 0)
			return errno;
		if (kthr_read(fd, &old, text, sizeof(text)) < 0) {
			int e = errno;

			close(fd);
			return e;
		}
		/* a fake tree's regular file was read to its end */
		if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
			int e = errno;

			close(fd);
			return e;
		}
		h_thr_orig = old;
		h_thr_file = (int)f;
		h_thr_dev = st.st_dev;
		h_thr_ino = st.st_ino;
		h_thr_saved = 1;
	} else {
		fd = h_open_thr(O_WRONLY);
		if (fd < 0)
			return errno;
	}
	if (kthr_write(fd, (long)value) < 0) {
		int e = errno;

		close(fd);
		/* the first: put back what may be half written; a later one keeps the
		 * value before it, as pagetop does */
		if (first)
			h_restore();
		return e;
	}
	close(fd);
	*orig = h_thr_orig;
	return 0;
}

/* Sends a reply; when a descriptor cannot go with it, the error goes alone. Returns 0, or
 * -1 when pagetop cannot be reached at all. */
static int h_send(int sock, struct ps_rep *rep, int fd)
{
	struct iovec iov = { (void *)rep, sizeof(*rep) };
	struct msghdr mh;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*rep))
		return 0;
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN))
		return -1;
	if (fd < 0 && n >= 0)
		return 0;
	/* the descriptor could not go (ETOOMANYREFS, ENOBUFS, ...): say so without it */
	rep->err = n < 0 ? errno : EIO;
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*rep) ? 0 : -1;
}

/* Signals first, while all are blocked (privsep_start): pagetop's handlers (its restore,
 * its crash handlers) are no business of the helper's, and must not run here even once.
 * The terminal's signals go to pagetop's process group, which the helper leaves
 * (h_detach()); pagetop itself puts the threshold back, and the helper goes when
 * pagetop's end of the socket closes. */
static void h_signals(void)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE, SIGUSR1,
				       SIGUSR2, SIGALRM, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU };

	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;

		if (s == SIGKILL || s == SIGSTOP)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			if (ignored[i] == s)
				sa.sa_handler = SIG_IGN;
		sigaction(s, &sa, NULL);
	}
}

/* Only the socket as fd 3 (H_SOCK), the folder as fd 4 (H_DIR), and /dev/null as 0, 1,
 * 2. Returns 0 or -1. */
static int h_descriptors(int sock, int dfd)
{
	int fd;

	sock = fcntl(sock, F_DUPFD, 10);
	dfd = fcntl(dfd, F_DUPFD, 10);
	if (sock < 0 || dfd < 0 || dup2(sock, H_SOCK) < 0 || dup2(dfd, H_DIR) < 0)
		return -1;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)H_DIR + 1, ~0U, 0U) < 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);

		if (max < 0 || max > 1 << 20)
			max = 1 << 20;
		for (int i = H_DIR + 1; i < max; i++)
			close(i);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int i = 0; i <= 2; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

/* Out of pagetop's session and process group: a signal to the group (^C, ^Z, kill -9
 * %1, timeout -s KILL) does not reach it; it goes at EOF. Then signals unblocked.
 * Returns 0 or -1. */
static int h_detach(void)
{
	sigset_t none;
	int fd;

	if (setsid() < 0)
		return -1;
	/* The last to go when memory runs out: it holds the original threshold. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t w = write(fd, "-1000", 5);

		(void)w;
		close(fd);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, "pagetop-priv", 0, 0, 0);
	return 0;
}

/* Does what a well-formed request asks: rep gets the answer, *out a descriptor to pass
 * with it. Returns 0 when the request wants no reply. */
static int h_answer(const struct ps_req *req, struct ps_rep *rep, int *out)
{
	struct stat st;
	int fd;

	rep->op = req->op;
	rep->seq = req->seq;
	switch (req->op) {
	case OP_OPEN:
		if (req->file >= PSF_DATA_N) {
			rep->err = EINVAL;
			break;
		}
		*out = h_open(req->file, O_RDONLY, &st);
		if (*out < 0)
			rep->err = errno;
		break;
	case OP_STAT:
		if (req->file >= PSF_DATA_N) {
			rep->err = EINVAL;
			break;
		}
		fd = h_open(req->file, O_PATH, &st);
		if (fd < 0) {
			rep->err = errno;
			break;
		}
		close(fd);
		rep->dev = st.st_dev;
		rep->ino = st.st_ino;
		rep->mode = st.st_mode;
		break;
	case OP_THR_SET:
		rep->err = h_thr_set(req->file, req->value, &rep->orig);
		break;
	case OP_THR_RESTORE:
		rep->err = h_restore();
		break;
	case OP_THR_RESTORE_NOREPLY:
		h_restore();
		return 0;
	default:
		rep->err = EINVAL;
	}
	return 1;
}

/* Answers requests until pagetop's end of the socket closes, or it cannot be reached. */
static void h_serve(int sock)
{
	for (;;) {
		struct ps_req req;
		struct ps_rep rep;
		ssize_t n = recv(sock, &req, sizeof(req), MSG_TRUNC);
		int out = -1, rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EOF: pagetop is gone, however it went */
			return;
		memset(&rep, 0, sizeof(rep));
		if (n != (ssize_t)sizeof(req) || req.file >= PSF__N) {
			/* refused; what can be echoed is, so pagetop knows which */
			rep.err = EINVAL;
			if (n >= (ssize_t)(2 * sizeof(uint32_t))) {
				rep.op = req.op;
				if (n >= (ssize_t)offsetof(struct ps_req, pad))
					rep.seq = req.seq;
			}
		} else if (!h_answer(&req, &rep, &out)) {
			continue;
		}
		rc = h_send(sock, &rep, out);
		if (out >= 0)
			close(out);
		if (rc < 0)
			return;
	}
}

static _Noreturn void helper_main(int sock, int dfd)
{
	h_signals();
	if (h_descriptors(sock, dfd) < 0 || h_detach() < 0)
		_exit(1);
	h_serve(H_SOCK);
	/* a failed restore is tried once more */
	if (h_restore() != 0)
		h_restore();
	_exit(0);
}

/* ---------------------------------------------------------------------------------- */
/* pagetop's side */

static volatile sig_atomic_t c_sock = -1; /* read by the signal handlers */
static pid_t c_pid = -1;
static pthread_mutex_t c_mu = PTHREAD_MUTEX_INITIALIZER;

int privsep_active(void)
{
	return c_sock >= 0;
}

pid_t privsep_helper_pid(void)
{
	return c_sock >= 0 ? c_pid : -1;
}

/* Parses a decimal id; 0 when it is no valid one. */
static int parse_id(const char *s, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && !*end && *v < (unsigned long)(uid_t)-1;
}

int privsep_pick_user(struct privsep_user *u, struct pt_err *err)
{
	unsigned long uid, gid;
	struct passwd *pw;

	memset(u, 0, sizeof(*u));
	if (parse_id(getenv("SUDO_UID"), &uid) && uid != 0) {
		u->uid = (uid_t)uid;
		u->from_sudo = 1;
		if (parse_id(getenv("SUDO_GID"), &gid) && gid != 0) {
			u->gid = (gid_t)gid;
			return 0;
		}
		pw = getpwuid(u->uid);
		if (pw && pw->pw_gid != 0) {
			u->gid = pw->pw_gid;
			return 0;
		}
		pt_err_set(err, _("--drop-privileges: SUDO_UID=%lu has no group: set SUDO_GID to a group other than root"),
			   uid);
		return -1;
	}
	pw = getpwnam("nobody");
	if (!pw || pw->pw_uid == 0 || pw->pw_gid == 0) {
		pt_err_set(err, "%s",
			   _("--drop-privileges: no user 'nobody' (or it is root) in the user database: run pagetop with sudo, or create the user"));
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/* Is this folder (fstat'ed) safe to trust on a disk file system: root's, and only root can
 * change what is in it? An ancestor may be writable by all when it is sticky (/tmp). */
static int dir_trusted(const struct stat *st, int ancestor)
{
	if (st->st_uid != 0)
		return 0;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return ancestor && (st->st_mode & S_ISVTX);
	return 1;
}

/* Opens the --debugfs folder for the helper, and decides whether it can be trusted:
 * debugfs or tracefs, or (the tests' fake trees) a folder that only root can change,
 * up to /. Returns the descriptor, or -1 with err. */
static int open_debugfs_dir(const char *dir, char *real, struct pt_err *err)
{
	struct statfs sfs;
	struct stat st, root, sub;
	int fd, cur;

	if (!realpath(dir, real)) {
		pt_err_set(err, _("--drop-privileges: cannot resolve the debugfs folder %s: %s"),
			   dir, strerror(errno));
		return -1;
	}
	fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0) {
		pt_err_set(err, _("--drop-privileges: cannot open the debugfs folder %s: %s"),
			   real, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sfs.f_type == DEBUGFS_MAGIC || sfs.f_type == TRACEFS_MAGIC)
		return fd;
	/* Another file system: only a folder nobody but root can change, nor any folder
	 * above it, walked up from the descriptor (not the path, which could change). */
	if (stat("/", &root) < 0)
		root.st_ino = 0;
	cur = fd;
	for (int depth = 0; depth < 4096; depth++) {
		int up;

		if (!dir_trusted(&st, depth > 0))
			break;
		if (st.st_dev == root.st_dev && st.st_ino == root.st_ino) {
			if (cur != fd)
				close(cur);
			/* and the subfolder the files are in, when it is there */
			if (fstatat(fd, "page_owner_stacks", &sub, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(sub.st_mode) && !dir_trusted(&sub, 0)) {
				pt_err_set(err, _("--drop-privileges: %s/page_owner_stacks is not debugfs and can be changed by users other than root: the root helper would open files others may swap; use the folder where debugfs is mounted, or make the folder root's and writable only by root"),
					   real);
				close(fd);
				return -1;
			}
			return fd;
		}
		up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != fd)
			close(cur);
		cur = up;
		if (cur < 0 || fstat(cur, &st) < 0)
			break;
	}
	if (cur >= 0 && cur != fd)
		close(cur);
	close(fd);
	pt_err_set(err, _("--drop-privileges: %s is not debugfs and can be changed by users other than root (it or a folder above it): the root helper would open files others may swap; use the folder where debugfs is mounted, or make the folder and those above it root's and writable only by root"),
		   real);
	return -1;
}

static char c_dir[PATH_MAX]; /* the folder of the running helper */

void privsep_test_walk_only(int on)
{
	h_walk_only = on;
}

/* The helper's socket pair: sv[0] pagetop's end, sv[1] the helper's. 0, or -1 with err. */
static int socket_pair(int sv[2], struct pt_err *err)
{
	struct timeval tv = { REPLY_TIMEOUT_S, 0 };

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		pt_err_set(err, _("--drop-privileges: cannot create a socket pair: %s"),
			   strerror(errno));
		return -1;
	}
	/* pagetop's side never on 0, 1 or 2 (were one closed, stdio could write into it) */
	if (sv[0] <= 2) {
		int t = fcntl(sv[0], F_DUPFD_CLOEXEC, 3);

		if (t < 0) {
			pt_err_set(err, _("--drop-privileges: cannot create a socket pair: %s"),
				   strerror(errno));
			close(sv[0]);
			close(sv[1]);
			return -1;
		}
		close(sv[0]);
		sv[0] = t;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

int privsep_start(const char *dir, struct pt_err *err)
{
	char real[PATH_MAX];
	sigset_t all, old;
	struct stat st;
	int sv[2], dfd, e;
	pid_t pid;

	if (geteuid() != 0) {
		pt_err_set(err, "%s", _("--drop-privileges: the helper needs root"));
		return -1;
	}
	dfd = open_debugfs_dir(dir, real, err);
	if (dfd < 0)
		return -1;
	if (c_sock >= 0) {
		close(dfd);
		if (strcmp(real, c_dir) == 0)
			return 0;
		pt_err_set(err, _("--drop-privileges: the helper already serves %s, not %s"),
			   c_dir, real);
		return -1;
	}
	if (fstat(dfd, &st) < 0) {
		pt_err_set(err, _("--drop-privileges: cannot open the debugfs folder %s: %s"),
			   real, strerror(errno));
		close(dfd);
		return -1;
	}
	h_dir_dev = st.st_dev;
	h_dir_debugfs = fs_is_debugfs(dfd);
	snprintf(h_dir_path, sizeof(h_dir_path), "%s", real);
	if (socket_pair(sv, err) < 0) {
		close(dfd);
		return -1;
	}
	/* no handler of pagetop's may run in the child before it has set its own */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1], dfd);
	}
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	close(dfd);
	if (pid < 0) {
		pt_err_set(err, _("--drop-privileges: cannot start the helper: %s"), strerror(e));
		close(sv[0]);
		return -1;
	}
	snprintf(c_dir, sizeof(c_dir), "%s", real);
	c_pid = pid;
	c_sock = sv[0];
	return 0;
}

/* After the switch: no capability in any set, ambient ones cleared, no group but gid. */
static int check_dropped(const struct privsep_user *u, struct pt_err *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	gid_t groups[2];
	int n;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0) {
		pt_err_set(err, _("--drop-privileges: cannot read the capabilities: %s"),
			   strerror(errno));
		return -1;
	}
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		if (data[i].permitted || data[i].effective || data[i].inheritable) {
			pt_err_set(err, "%s",
				   _("--drop-privileges: capabilities are left after switching users (file capabilities or securebits?): refusing to go on; run pagetop with sudo as a plain root"));
			return -1;
		}
	}
	for (int c = 0; c < 64; c++) {
		int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);

		if (r < 0)
			break; /* past the last capability, or no ambient set (before 4.3) */
		if (r > 0) {
			pt_err_set(err, "%s",
				   _("--drop-privileges: capabilities are left after switching users (file capabilities or securebits?): refusing to go on; run pagetop with sudo as a plain root"));
			return -1;
		}
	}
	n = getgroups(2, groups);
	if (n < 0 || n > 1 || (n == 1 && groups[0] != u->gid)) {
		pt_err_set(err, "%s",
			   _("--drop-privileges: supplementary groups are left after switching users: refusing to go on"));
		return -1;
	}
	return 0;
}

int privsep_drop(const struct privsep_user *u, struct pt_err *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	const char *what;

	if (u->uid == 0 || u->gid == 0) {
		pt_err_set(err, "%s", _("--drop-privileges: refusing to switch to root"));
		return -1;
	}
	what = "setgroups";
	if (setgroups(1, &u->gid) < 0)
		goto fail;
	what = "setresgid";
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		goto fail;
	what = "setresuid";
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		goto fail;
	/* no core dump or ptrace of what was read as root, no privilege from an exec */
	what = "prctl(PR_SET_DUMPABLE)";
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		goto fail;
	what = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		goto fail;
	/* nothing to clear after a switch from root, but say it (EINVAL: before 4.3) */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		what = "prctl(PR_CAP_AMBIENT_CLEAR_ALL)";
		goto fail;
	}
	/* for good: every id is the new one, and root does not come back */
	if (getresuid(&ru, &eu, &su) < 0 || ru != u->uid || eu != u->uid || su != u->uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != u->gid || eg != u->gid || sg != u->gid) {
		pt_err_set(err, "%s", _("--drop-privileges: the user and group ids did not all change"));
		return -1;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0) {
		pt_err_set(err, "%s", _("--drop-privileges: root could be regained after dropping it"));
		return -1;
	}
	return check_dropped(u, err);
fail:
	pt_err_set(err, _("--drop-privileges: %s failed: %s"), what, strerror(errno));
	return -1;
}

/* Takes the descriptors of one reply: the first of a message that carries exactly one
 * goes to *fd (when wanted and still free), every other one is closed. */
static void take_fds(struct msghdr *mh, int *fd)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t nfd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (nfd == 1 && fd && *fd < 0)
				*fd = got;
			else
				close(got);
		}
	}
}

static uint32_t c_seq;

/* One request and its reply; *fd gets a passed descriptor (or -1). Returns 0 with rep,
 * or -1 with errno (EPIPE: the helper is gone; ETIMEDOUT: it does not answer). A reply
 * to an earlier request (one that timed out) is dropped. */
static int request(uint32_t op, enum ps_file f, int64_t value, struct ps_rep *rep, int *fd)
{
	struct ps_req req;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { rep, sizeof(*rep) };
	struct msghdr mh;
	ssize_t n;
	int e = 0;

	if (fd)
		*fd = -1;
	if (c_sock < 0) {
		errno = EPIPE;
		return -1;
	}
	pthread_mutex_lock(&c_mu);
	memset(&req, 0, sizeof(req));
	req.op = op;
	req.file = (uint32_t)f;
	req.value = value;
	req.seq = ++c_seq;
	do
		n = send(c_sock, &req, sizeof(req), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(req)) {
		e = n >= 0 || errno == ECONNRESET ? EPIPE
		    : errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
		goto out;
	}
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		do
			n = recvmsg(c_sock, &mh, MSG_CMSG_CLOEXEC);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			e = n == 0 || errno == ECONNRESET ? EPIPE
			    : errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
			goto out;
		}
		if (n == (ssize_t)sizeof(*rep) && (rep->seq != req.seq || rep->op != req.op)) {
			take_fds(&mh, NULL); /* stale: the answer to a request that timed out */
			continue;
		}
		take_fds(&mh, fd);
		break;
	}
	if (n != (ssize_t)sizeof(*rep) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		e = EPROTO;
	else if (rep->err)
		e = rep->err;
	if (e && fd && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
out:
	pthread_mutex_unlock(&c_mu);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

int privsep_open(enum ps_file f)
{
	struct ps_rep rep;
	int fd;

	if (request(OP_OPEN, f, 0, &rep, &fd) < 0)
		return -1;
	if (fd < 0) {
		errno = EPROTO;
		return -1;
	}
	return fd;
}

int privsep_stat(enum ps_file f, struct stat *st)
{
	struct ps_rep rep;

	if (request(OP_STAT, f, 0, &rep, NULL) < 0)
		return -1;
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)rep.dev;
	st->st_ino = (ino_t)rep.ino;
	st->st_mode = (mode_t)rep.mode;
	return 0;
}

int privsep_thr_set(enum ps_file f, long value, long *orig)
{
	struct ps_rep rep;

	if (request(OP_THR_SET, f, value, &rep, NULL) < 0)
		return -1;
	*orig = (long)rep.orig;
	return 0;
}

int privsep_thr_restore(void)
{
	struct ps_rep rep;

	return request(OP_THR_RESTORE, PSF_COUNT_THRESHOLD, 0, &rep, NULL);
}

void privsep_thr_restore_async(void)
{
	struct ps_req req = { OP_THR_RESTORE_NOREPLY, PSF_COUNT_THRESHOLD, 0, 0, 0 };
	int saved = errno;
	int s = c_sock;
	ssize_t n = 0;

	/* one record, atomic on a SOCK_SEQPACKET socket: it cannot split another request;
	 * it has no reply, so it cannot steal one */
	if (s >= 0)
		n = send(s, &req, sizeof(req), MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)n;
	errno = saved;
}

void privsep_stop(void)
{
	struct pollfd p;
	int s, status, eof = 0;
	double deadline;

	pthread_mutex_lock(&c_mu);
	s = c_sock;
	if (s < 0) {
		pthread_mutex_unlock(&c_mu);
		return;
	}
	/* the helper sees EOF, restores, exits: wait for its end to close */
	shutdown(s, SHUT_WR);
	deadline = time_mono() + STOP_TIMEOUT_MS / 1e3;
	p.fd = s;
	p.events = POLLIN;
	for (;;) {
		double left = deadline - time_mono();
		char b[sizeof(struct ps_rep)];
		int r;

		if (left <= 0)
			break;
		r = poll(&p, 1, (int)(left * 1e3) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (recv(s, b, sizeof(b), MSG_DONTWAIT) <= 0) {
			eof = 1;
			break;
		}
	}
	c_sock = -1;
	close(s);
	if (eof) {
		while (waitpid(c_pid, &status, 0) < 0 && errno == EINTR)
			;
	} else {
		waitpid(c_pid, &status, WNOHANG); /* stuck in the kernel: leave it */
	}
	c_pid = -1;
	c_dir[0] = '\0';
	pthread_mutex_unlock(&c_mu);
}
