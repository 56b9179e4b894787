/* privsep.c - --drop-privileges: the root helper and its client (see privsep.h).
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privsep.h"

const char *const ps_file_rel[PSF__N] = {
	[PSF_HANDLES] = "page_owner_stacks/show_handles",
	[PSF_STACKS_HANDLES] = "page_owner_stacks/show_stacks_handles",
	[PSF_STACKS] = "page_owner_stacks/show_stacks",
	[PSF_PROPOSAL] = "page_owner_stacks",
	[PSF_PAGE_OWNER] = "page_owner",
	[PSF_COUNT_THRESHOLD] = "page_owner_stacks/count_threshold",
	[PSF_PROPOSAL_THRESHOLD] = "page_owner_threshold",
};

#define STOP_TIMEOUT_MS 2000 /* privsep_stop(): how long the helper may take to restore */

/* ---------------------------------------------------------------------------------- */
/* shared: async-signal-safe */

int debugfs_open_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	return fd;
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
	struct stat st;

	if (w != (ssize_t)n) {
		if (w >= 0)
			errno = EIO; /* a short write to an attribute file */
		return -1;
	}
	/* debugfs attributes have no size; a regular file (tests) does: cut the old tail */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)n &&
	    ftruncate(fd, (off_t)n) < 0) {
		/* a leftover tail does no harm in a fake tree */
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
};

struct ps_rep {
	int32_t err;       /* 0 or an errno */
	uint32_t mode;
	int64_t orig;
	uint64_t dev, ino;
};

/* ---------------------------------------------------------------------------------- */
/* the helper */

static char h_path[PSF__N][PATH_MAX];
static int h_thr_saved;      /* the original is kept */
static int h_thr_file;
static long h_thr_orig;

static int h_restore(void)
{
	int fd, rc = 0;

	if (!h_thr_saved)
		return 0;
	fd = debugfs_open_path(h_path[h_thr_file], O_WRONLY);
	if (fd < 0 || kthr_write(fd, h_thr_orig) < 0)
		rc = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	h_thr_saved = 0;
	return rc;
}

static int h_thr_set(unsigned f, int64_t value, int64_t *orig)
{
	char text[64];
	long old;
	int fd;

	if (f != PSF_COUNT_THRESHOLD && f != PSF_PROPOSAL_THRESHOLD)
		return EINVAL;
	if (value < 0 || value > INT32_MAX)
		return EINVAL;
	if (h_thr_saved && (int)f != h_thr_file)
		return EBUSY;
	fd = debugfs_open_path(h_path[f], O_RDWR);
	if (fd < 0)
		return errno;
	if (!h_thr_saved) {
		if (kthr_read(fd, &old, text, sizeof(text)) < 0) {
			int e = errno;

			close(fd);
			return e;
		}
		h_thr_orig = old;
		h_thr_file = (int)f;
		h_thr_saved = 1;
		/* a fake tree's regular file was read to its end */
		if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
			int e = errno;

			close(fd);
			h_thr_saved = 0;
			return e;
		}
	}
	if (kthr_write(fd, (long)value) < 0) {
		int e = errno;

		close(fd);
		h_restore();
		return e;
	}
	close(fd);
	*orig = h_thr_orig;
	return 0;
}

static void h_send(int sock, const struct ps_rep *rep, int fd)
{
	struct iovec iov = { (void *)rep, sizeof(*rep) };
	struct msghdr mh;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;

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
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static _Noreturn void helper_main(int sock)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE, SIGUSR1,
				       SIGUSR2, SIGALRM, SIGWINCH };
	sigset_t none;
	int fd;

	/* Only the socket, as fd 3, and /dev/null as 0, 1, 2. */
	if (sock != 3) {
		if (sock < 3) {
			int t = fcntl(sock, F_DUPFD, 4);

			if (t < 0)
				_exit(1);
			sock = t;
		}
		if (dup2(sock, 3) < 0)
			_exit(1);
		sock = 3;
	}
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 4U, ~0U, 0U) < 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);

		if (max < 0 || max > 1 << 20)
			max = 1 << 20;
		for (int i = 4; i < max; i++)
			close(i);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 3)
			close(fd);
	}
	/* Signals: the terminal's go to the whole process group, and pagetop itself puts
	 * the threshold back; the helper goes when pagetop's end of the socket closes. The
	 * crash handlers inherited from pagetop are no business of the helper's. */
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;

		if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			if (ignored[i] == s)
				sa.sa_handler = SIG_IGN;
		sigaction(s, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, "pagetop-priv", 0, 0, 0);

	for (;;) {
		struct ps_req req;
		struct ps_rep rep;
		struct stat st;
		ssize_t n = recv(sock, &req, sizeof(req), MSG_TRUNC);
		int out = -1;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EOF: pagetop is gone, however it went */
			break;
		memset(&rep, 0, sizeof(rep));
		if (n != (ssize_t)sizeof(req) || req.file >= PSF__N) {
			rep.err = EINVAL;
			h_send(sock, &rep, -1);
			continue;
		}
		switch (req.op) {
		case OP_OPEN:
			if (req.file >= PSF_DATA_N) {
				rep.err = EINVAL;
				break;
			}
			out = debugfs_open_path(h_path[req.file], O_RDONLY);
			if (out < 0)
				rep.err = errno;
			break;
		case OP_STAT:
			if (req.file >= PSF_DATA_N) {
				rep.err = EINVAL;
				break;
			}
			if (stat(h_path[req.file], &st) < 0) {
				rep.err = errno;
				break;
			}
			rep.dev = st.st_dev;
			rep.ino = st.st_ino;
			rep.mode = st.st_mode;
			break;
		case OP_THR_SET:
			rep.err = h_thr_set(req.file, req.value, &rep.orig);
			break;
		case OP_THR_RESTORE:
			rep.err = h_restore();
			break;
		case OP_THR_RESTORE_NOREPLY:
			h_restore();
			continue;
		default:
			rep.err = EINVAL;
		}
		h_send(sock, &rep, out);
		if (out >= 0)
			close(out);
	}
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

int privsep_start(const char *dir, struct pt_err *err)
{
	int sv[2];
	pid_t pid;

	if (c_sock >= 0)
		return 0;
	if (geteuid() != 0) {
		pt_err_set(err, "%s", _("--drop-privileges: the helper needs root"));
		return -1;
	}
	for (int i = 0; i < PSF__N; i++) {
		int n = snprintf(h_path[i], sizeof(h_path[i]), "%s/%s", dir, ps_file_rel[i]);

		if (n < 0 || (size_t)n >= sizeof(h_path[i])) {
			pt_err_set(err, _("%s: the path is too long"), dir);
			return -1;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		pt_err_set(err, _("--drop-privileges: cannot create a socket pair: %s"),
			   strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		pt_err_set(err, _("--drop-privileges: cannot start the helper: %s"),
			   strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	c_pid = pid;
	c_sock = sv[0];
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
	return 0;
fail:
	pt_err_set(err, _("--drop-privileges: %s failed: %s"), what, strerror(errno));
	return -1;
}

/* One request and its reply; *fd gets a passed descriptor (or -1). Returns 0 with rep,
 * or -1 with errno (EPIPE: the helper is gone). */
static int request(uint32_t op, enum ps_file f, int64_t value, struct ps_rep *rep, int *fd)
{
	struct ps_req req = { op, (uint32_t)f, value };
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
	do
		n = send(c_sock, &req, sizeof(req), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(req)) {
		e = n < 0 && errno != ECONNRESET ? errno : EPIPE;
		goto out;
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(c_sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		e = n == 0 || errno == ECONNRESET ? EPIPE : errno;
		goto out;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int got;

			memcpy(&got, CMSG_DATA(c), sizeof(int));
			if (fd && *fd < 0)
				*fd = got;
			else
				close(got);
		}
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
	struct ps_req req = { OP_THR_RESTORE_NOREPLY, PSF_COUNT_THRESHOLD, 0 };
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
	pthread_mutex_unlock(&c_mu);
}
