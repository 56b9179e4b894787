/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util_asuser.c - doing things as the user who ran sudo (util_asuser.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util_asuser.h"

int asuser_ids(uid_t *uid, gid_t *gid)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	char *end;
	unsigned long v;

	if (!u || !*u)
		return 0;
	errno = 0;
	v = strtoul(u, &end, 10);
	if (errno || *end || v == 0 || v != (uid_t)v)
		return 0;
	/* root under sudo, or already that user (--drop-privileges switched to it) */
	if (getuid() != 0 && getuid() != (uid_t)v)
		return 0;
	*uid = (uid_t)v;
	*gid = (gid_t)-1;
	if (g && *g) {
		v = strtoul(g, &end, 10);
		if (!*end && v == (gid_t)v)
			*gid = (gid_t)v;
	}
	if (*gid == (gid_t)-1) {
		struct passwd *pw = getpwuid(*uid);

		if (!pw)
			return 0;
		*gid = pw->pw_gid;
	}
	return 1;
}

int asuser_active(uid_t *uid)
{
	gid_t gid;

	return asuser_ids(uid, &gid) && getuid() != *uid;
}

void asuser_note(struct pt_err *err, int e)
{
	size_t len;
	uid_t uid;

	if (!err || (e != EACCES && e != EPERM) || !asuser_active(&uid))
		return;
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, _(" (as user %ld, who ran sudo)"),
		 (long)uid);
}

/* What the child says: one datagram, with the descriptor fn opened attached. */
struct reply {
	long rc;
	int err_no;
	char msg[sizeof(((struct pt_err *)0)->msg)];
};

static _Noreturn void child(int sock, long (*fn)(void *ctx, int *fd, struct pt_err *err),
			    void *ctx, uid_t uid, gid_t gid)
{
	struct reply rep;
	struct pt_err e = { "" };
	int fd = -1;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memset(&rep, 0, sizeof(rep));
	/* pagetop's handlers and fatal hook restore the terminal and count_threshold: the
	 * parent's business, not this child's (a ^C ends it, and the parent says so) */
	util_set_fatal_hook(NULL);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
		    sa.sa_handler != SIG_DFL) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			sigaction(sig, &sa, NULL);
		}
	}
	/* not dumpable first: the user may not look into this copy of root's memory */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
	    setgid(gid) < 0 || setuid(uid) < 0) {
		rep.rc = -1;
		rep.err_no = errno;
		pt_err_set(&e, _("cannot become user %ld (who ran sudo): %s"), (long)uid,
			   strerror(rep.err_no));
	} else {
		errno = 0;
		rep.rc = fn(ctx, &fd, &e);
		rep.err_no = errno;
	}
	memcpy(rep.msg, e.msg, sizeof(rep.msg));
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* The child's answer: its size (0 when it ended without one); *fd the descriptor that
 * came with it, else -1. */
static ssize_t receive(int sock, struct reply *rep, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { rep, sizeof(*rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

long asuser_call(long (*fn)(void *ctx, int *fd, struct pt_err *err), void *ctx, int *fd,
		 struct pt_err *err)
{
	struct reply rep;
	int sv[2], got_fd, status, e;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	ssize_t n;

	if (fd)
		*fd = -1;
	if (!asuser_ids(&uid, &gid) || getuid() == uid) {
		int own = -1;
		long rc = fn(ctx, fd ? fd : &own, err);

		if (own >= 0)
			close(own);
		return rc;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e = errno;
		pt_err_set(err, _("cannot start a process as user %ld (who ran sudo): %s"),
			   (long)uid, strerror(e));
		errno = e;
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		pt_err_set(err, _("cannot start a process as user %ld (who ran sudo): %s"),
			   (long)uid, strerror(e));
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], fn, ctx, uid, gid);
	}
	close(sv[1]);
	n = receive(sv[0], &rep, &got_fd);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(rep)) {
		if (got_fd >= 0)
			close(got_fd);
		pt_err_set(err, _("the process acting as user %ld (who ran sudo) ended without an answer"),
			   (long)uid);
		errno = EIO;
		return -1;
	}
	rep.msg[sizeof(rep.msg) - 1] = '\0';
	if (rep.rc < 0) {
		if (got_fd >= 0)
			close(got_fd);
		if (err)
			memcpy(err->msg, rep.msg, sizeof(err->msg));
		errno = rep.err_no;
		return -1;
	}
	if (fd)
		*fd = got_fd;
	else if (got_fd >= 0)
		close(got_fd);
	return rep.rc;
}

struct open_req {
	const char *path;
	int flags;
	mode_t mode;
};

static long open_fn(void *ctx, int *fd, struct pt_err *err)
{
	const struct open_req *r = ctx;

	(void)err;
	*fd = open(r->path, r->flags | O_CLOEXEC, r->mode);
	return *fd < 0 ? -1 : 0;
}

int asuser_open(const char *path, int flags, mode_t mode)
{
	struct open_req r = { path, flags, mode };
	struct pt_err err;
	int fd;

	if (asuser_call(open_fn, &r, &fd, &err) < 0)
		return -1;
	return fd;
}
