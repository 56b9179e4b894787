/* cmd_record.c - "pagetop record": samples from the live kernel, or from saved snapshots,
 * written to a recording (doc/recording.md).
 *
 * The loop never blocks for long: it waits for samples with a short timeout so that
 * SIGINT/SIGTERM, --duration and -n end the file cleanly, with its end line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asuser.h"
#include "cmd_record.h"
#include "live.h"
#include "record.h"
#include "source.h"
#include "util.h"

#define POLL_MS 200 /* how soon a signal or the end of --duration is noticed */

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	/* the kernel's threshold first: a second signal must not find it changed */
	live_restore_threshold();
	if (stop_requested) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_requested = sig;
}

static void install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction old;

		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	/* a closed pipe (ssh host pagetop record -o - | ...) is a write error we report
	 * and end on, not a death that would skip the threshold */
	signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *f)
{
	fprintf(f, "%s",
		_("usage: pagetop record [OPTIONS] -o FILE|-\n"
		  "       pagetop record [OPTIONS] --from DIR|FILE... -o FILE|-\n"
		  "Writes page_owner samples to a recording (replay it with: pagetop FILE).\n"
		  "\n"
		  "  -o, --output FILE      the recording; - for standard output\n"
		  "      --force            overwrite FILE if it exists\n"
		  "  -d, --delay SECONDS    between live samples (default 2; at least 0.1)\n"
		  "  -n, --samples COUNT    stop after COUNT samples\n"
		  "      --duration TIME    stop after TIME (30s, 5m, 1h, or seconds)\n"
		  "      --from PATH...     convert saved snapshots (files or folders) instead\n"
		  "      --debugfs DIR      where debugfs is mounted (default /sys/kernel/debug)\n"
		  "      --kernel-threshold N  set the kernel's count_threshold meanwhile\n"
		  "                         (global for the machine; restored on exit)\n"
		  "      --drop-privileges  open the debugfs files as root, then record as the\n"
		  "                         sudo user (or nobody), who also creates FILE\n"
		  "  -v, --verbose          a line per sample on standard error\n"
		  "  -h, --help             this help\n"));
}

static void fail_msg(const char *msg)
{
	msg_print(msg);
}

/* An argument quoted in a message, escaped (it may be a file name from anywhere). */
static const char *arg_text(struct esc_buf *b, const char *arg)
{
	return esc_str(b, arg, text_locale_utf8());
}

/* "30s", "5m", "1h", "1d", "90" (seconds), "1.5m". Returns seconds, or -1. */
static double parse_duration(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod_c(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "m") == 0)
		return v * 60;
	if (strcmp(end, "h") == 0)
		return v * 3600;
	if (strcmp(end, "d") == 0)
		return v * 86400;
	return -1;
}

static void print_sample(const struct recorder *rec, const struct source *src)
{
	struct recorder_stats rs;
	struct live_stats ls;

	recorder_get_stats(rec, &rs);
	fprintf(stderr, _("sample %llu: %llu stacks, %llu pages, %llu changed"),
		(unsigned long long)rs.samples - 1, (unsigned long long)rs.last_nonzero,
		(unsigned long long)rs.last_total, (unsigned long long)rs.last_changed);
	if (live_get_stats(src, &ls) == 0)
		fprintf(stderr, _("; read %llu bytes in %.1f ms"),
			(unsigned long long)ls.bytes_last, ls.read_ms_last);
	fputc('\n', stderr);
}

enum { OPT_FORCE = 256, OPT_DURATION, OPT_FROM, OPT_DEBUGFS, OPT_KTHRESH, OPT_DROP_PRIVS };

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "delay", required_argument, NULL, 'd' },
		{ "samples", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "debugfs", required_argument, NULL, OPT_DEBUGFS },
		{ "kernel-threshold", required_argument, NULL, OPT_KTHRESH },
		{ "drop-privileges", no_argument, NULL, OPT_DROP_PRIVS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct source_opts o;
	struct source *src = NULL;
	struct recorder *rec = NULL;
	struct pt_err err;
	const char *out = NULL;
	const char **paths = NULL;
	int npaths = 0, force = 0, verbose = 0, c, status = 0, live;
	long long limit = -1, got = 0;
	double duration = -1, start;
	char *end;
	struct esc_buf eb = { NULL, 0 };

	source_opts_init(&o);
	paths = xcalloc((size_t)argc + 1, sizeof(*paths));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:d:n:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'd':
			errno = 0;
			o.interval = strtod_c(optarg, &end);
			/* as pagetop -d: the worker sleeps that long (no NaN or inf there) */
			if (errno || *end || end == optarg || !(o.interval >= LIVE_MIN_INTERVAL) ||
			    o.interval > 86400) {
				fprintf(stderr, _("pagetop: -d %s: expected seconds from %g to %g\n"),
					arg_text(&eb, optarg), LIVE_MIN_INTERVAL, 86400.0);
				goto usage_error;
			}
			break;
		case 'n':
			errno = 0;
			limit = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || limit <= 0) {
				fprintf(stderr, _("pagetop: -n %s: expected a number of samples\n"),
					arg_text(&eb, optarg));
				goto usage_error;
			}
			break;
		case OPT_DURATION:
			duration = parse_duration(optarg);
			if (duration <= 0) {
				fprintf(stderr, _("pagetop: --duration %s: expected a time such as 30s, 5m or 1h\n"),
					arg_text(&eb, optarg));
				goto usage_error;
			}
			break;
		case OPT_FROM:
			paths[npaths++] = optarg;
			break;
		case OPT_DEBUGFS:
			o.debugfs = optarg;
			break;
		case OPT_KTHRESH:
			errno = 0;
			o.kernel_threshold = strtol(optarg, &end, 0);
			/* as pagetop --kernel-threshold, and the helper of --drop-privileges */
			if (errno || *end || end == optarg || o.kernel_threshold < 0 ||
			    o.kernel_threshold > INT32_MAX) {
				fprintf(stderr, _("pagetop: --kernel-threshold %s: expected a number of pages from 0 to %d\n"),
					arg_text(&eb, optarg), INT32_MAX);
				goto usage_error;
			}
			break;
		case OPT_DROP_PRIVS:
			o.drop_privileges = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			free(paths);
			return 0;
		case ':':
			fprintf(stderr, _("pagetop: record: option %s needs a value\n"),
				arg_text(&eb, argv[optind - 1]));
			goto usage_error;
		default:
			fprintf(stderr, _("pagetop: record: unknown option %s\n"),
				arg_text(&eb, argv[optind - 1]));
			goto usage_error;
		}
	}
	for (; optind < argc; optind++) {
		if (!npaths) {
			fprintf(stderr, _("pagetop: record: unexpected argument %s (snapshots to convert go after --from)\n"),
				arg_text(&eb, argv[optind]));
			goto usage_error;
		}
		paths[npaths++] = argv[optind];
	}
	if (!out) {
		fail_msg(_("record: give the recording with -o FILE (or -o - for standard output)"));
		goto usage_error;
	}
	if (npaths && (o.debugfs || o.kernel_threshold >= 0 || o.drop_privileges)) {
		fail_msg(_("record: --debugfs, --kernel-threshold and --drop-privileges are for live recording, not --from"));
		goto usage_error;
	}
	if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
		fail_msg(_("record: not writing a recording to a terminal: redirect standard output or use -o FILE"));
		goto usage_error;
	}
	live = npaths == 0;

	install_signals();
	if (source_open(&src, live ? NULL : paths, npaths, &o, &err) < 0) {
		fail_msg(err.msg);
		free(paths);
		return 1;
	}
	if (recorder_open(&rec, out, force, &err) < 0) {
		int e = errno;
		uid_t uid;

		fail_msg(err.msg);
		if (live && o.drop_privileges && geteuid() != 0)
			fail_msg(_("record: with --drop-privileges the recording is created after the switch, by that user: give -o a folder they can write"));
		else if ((e == EACCES || e == EPERM) && asuser_active(&uid))
			fail_msg(_("record: under sudo the recording is created by the user who ran it, and is theirs: give -o a folder they can write"));
		source_close(src);
		free(paths);
		return 1;
	}
	if (live)
		recorder_add_live_meta(rec, src);
	{
		struct sink snk = recorder_sink(rec);

		start = time_mono();
		while (!stop_requested && (limit < 0 || got < limit)) {
			int wait = live ? POLL_MS : -1;
			enum src_status st;

			if (duration > 0) {
				double left = duration - (time_mono() - start);

				if (left <= 0)
					break;
				if (live && left * 1e3 < wait)
					wait = (int)(left * 1e3) + 1;
			}
			st = source_next(src, &snk, wait, &err);
			if (st == SRC_SAMPLE) {
				got++;
				if (verbose)
					print_sample(rec, src);
			} else if (st == SRC_END) {
				break;
			} else if (st == SRC_ERROR) {
				fail_msg(err.msg);
				status = 1;
				break;
			}
		}
	}
	if (recorder_close(rec, &err) < 0) {
		fail_msg(err.msg);
		status = 1;
	}
	recorder_free(rec);
	source_close(src);
	if (verbose && stop_requested)
		fprintf(stderr, _("pagetop: stopped by signal %d; the recording ends cleanly after %lld samples\n"),
			(int)stop_requested, got);
	free(paths);
	return status;

usage_error:
	fputs(_("Try 'pagetop record --help' for more information.\n"), stderr);
	free(eb.p);
	free(paths);
	return 2;
}
