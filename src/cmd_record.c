/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record.c - "pagetop record": samples from the live kernel, or from saved snapshots,
 * written to a recording (doc/recording.md).
 *
 * The loop never blocks for long: it waits for samples with a short timeout so that
 * SIGINT/SIGTERM, --duration and -n end the file cleanly, with its end line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util_asuser.h"
#include "cmd_record.h"
#include "cmd_select.h"
#include "cmd_attrib.h"
#include "model_replay.h"
#include "host.h"
#include "output.h"
#include "output_recording.h"
#include "settings.h"
#include "source.h"
#include "source_live.h"
#include "symbols.h"
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
		  "      --from PATH@SAMPLE only that sample of a series: @N (from 0), @first,\n"
		  "                         @last, @peak (the highest total), @-N (N before\n"
		  "                         the last)\n"
		  "      --debugfs DIR      where debugfs is mounted (default /sys/kernel/debug)\n"
		  "      --kernel-threshold N  set the kernel's count_threshold meanwhile\n"
		  "                         (global for the machine; restored on exit)\n"
		  "      --drop-privileges  open the debugfs files as root, then record as the\n"
		  "                         sudo user (or nobody), who also creates FILE\n"
		  "  -v, --verbose          a line per sample on standard error\n"
		  "  -h, --help             this help\n"));
	fprintf(f, "%s",
		_("      --textfile FILE.prom  rewrite FILE.prom with each sample as OpenMetrics\n"
		  "                         (the node exporter's textfile collector: callers,\n"
		  "                         the 20 largest); -o may then be left out\n"
		  "      --group MODE       the textfile's rows: stack, caller, function, module\n"
		  "      --limit K          the textfile's K largest rows, the rest as (other);\n"
		  "                         0: every row\n"
		  "      --sort KEY         what largest means (pages by default)\n"));
	fprintf(f, "%s",
		_("      --vmlinux FILE     the kernel's debug info (default: the usual places)\n"
		  "      --modules DIR      where the modules' debug info is (repeatable)\n"
		  "      --no-symbols       do not keep the frames' source lines in the\n"
		  "                         recording (kept when debug info is found)\n"));
	fprintf(f, "%s",
		_("      --allocinfo        record /proc/allocinfo (bytes and calls per call\n"
		  "                         site) even where page_owner is readable\n"));
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

/* "meta boot-time": what the ages of a per-block dump's blocks are counted from. */
static void record_add_boot_meta(struct recorder *rec, const char *const *paths, size_t n)
{
	double b = attrib_boot_of(paths, n);
	uint64_t us = (uint64_t)(b * 1e6 + 0.5);
	char v[48];

	if (b < 0)
		return;
	snprintf(v, sizeof(v), "%llu.%06llu", (unsigned long long)(us / 1000000),
		 (unsigned long long)(us % 1000000));
	recorder_add_meta(rec, "boot-time", v);
}

static void record_add_live_meta(struct recorder *rec, const struct source *src)
{
	struct recorder_live_meta lm = { 0 };
	struct module_build_id *mods;
	struct live_stats ls;

	recorder_add_start_meta(rec);
	if (live_get_stats(src, &ls) < 0)
		return;
	lm.nmodules = host_module_build_ids(NULL, &mods);
	lm.modules = mods;
	lm.threshold_set = ls.threshold_set;
	lm.threshold_orig = ls.threshold_orig;
	lm.interval = ls.interval;
	recorder_add_live_meta(rec, &lm);
	free(mods);
}

void record_add_source_meta(struct recorder *rec, const struct source *src,
			    const char *const *paths, size_t n)
{
	if (!n)
		record_add_live_meta(rec, src);
	record_add_boot_meta(rec, n ? paths : NULL, n);
}

enum { OPT_FORCE = 256, OPT_DURATION, OPT_FROM, OPT_DEBUGFS, OPT_KTHRESH, OPT_DROP_PRIVS,
       OPT_TEXTFILE, OPT_GROUP, OPT_LIMIT, OPT_SORT, OPT_VMLINUX, OPT_MODULES, OPT_NO_SYMBOLS,
       OPT_ALLOCINFO };

/* What the command line asks for. */
struct record_opts {
	const char *out;            /* -o: a file, or -; NULL: none (--textfile only) */
	const char *textfile;       /* --textfile: rewritten every sample as OpenMetrics */
	struct setting_value group, rows, sort; /* --textfile's --group, --limit, --sort */
	int group_set, rows_set, sort_set;
	int force, verbose;
	long long limit;            /* -n; -1: no end */
	double duration;            /* --duration in seconds; -1: none */
	const char **paths;         /* --from and what follows; none: the live kernel */
	int npaths;
	struct source_opts source;  /* -d, --debugfs, --kernel-threshold, --drop-privileges */
	struct sample_sel sel;      /* --from SOURCE@SEL: that one sample */
	char *sel_path;             /* SOURCE (allocated), paths[0] then */
	int no_symbols;             /* --no-symbols: no source lines carried */
	const char *vmlinux;        /* --vmlinux */
	const char **module_dirs;   /* --modules, in order */
	size_t nmodule_dirs;
};

/* A bad argument: the message, and the usage error's status. fmt is one of this file's
 * translated messages: a %s for arg (escaped), then -d's two %g (the interval's range) or
 * --kernel-threshold's %d (its largest value). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int bad_value(const char *fmt, const char *arg)
{
	struct esc_buf eb = { NULL, 0 };

	if (strstr(fmt, "%d"))
		fprintf(stderr, fmt, arg_text(&eb, arg), INT32_MAX);
	else
		fprintf(stderr, fmt, arg_text(&eb, arg), LIVE_MIN_INTERVAL, 86400.0);
	free(eb.p);
	return 2;
}
#pragma GCC diagnostic pop

/* An option with a value into o, read through the settings table (settings.h): 0, or
 * 2 after the message, in record's words. */
static int record_value(struct record_opts *o, int c, const char *arg)
{
	struct setting_value v;
	struct pt_err err;

	switch (c) {
	case 'd':
		/* as pagetop -d: what the worker sleeps, a number it can */
		if (settings_parse(SETTING_INTERVAL, arg, &v, SETTING_FROM_ARGS, &err) < 0)
			return bad_value(_("pagetop: -d %s: expected seconds from %g to %g\n"), arg);
		o->source.interval = v.number;
		break;
	case 'n':
		if (settings_parse(SETTING_ITERATIONS, arg, &v, SETTING_FROM_ARGS, &err) < 0)
			return bad_value(_("pagetop: -n %s: expected a number of samples\n"), arg);
		o->limit = v.whole;
		break;
	case OPT_DURATION:
		if (settings_parse(SETTING_DURATION, arg, &v, SETTING_FROM_ARGS, &err) < 0)
			return bad_value(_("pagetop: --duration %s: expected a time such as 30s, 5m or 1h\n"),
					 arg);
		o->duration = v.number;
		break;
	case OPT_KTHRESH:
		if (settings_parse(SETTING_KERNEL_THRESHOLD, arg, &v, SETTING_FROM_ARGS, &err) < 0)
			return bad_value(_("pagetop: --kernel-threshold %s: expected a number of pages from 0 to %d\n"),
					 arg);
		o->source.kernel_threshold = (long)v.whole;
		break;
	case OPT_GROUP:
	case OPT_LIMIT:
	case OPT_SORT: {
		static const enum setting_id ids[] = { SETTING_GROUP, SETTING_LIMIT, SETTING_SORT };
		int k = c - OPT_GROUP;
		struct setting_value *dst[] = { &o->group, &o->rows, &o->sort };
		int *set[] = { &o->group_set, &o->rows_set, &o->sort_set };

		if (settings_parse(ids[k], arg, dst[k], SETTING_FROM_ARGS, &err) < 0) {
			fail_msg(err.msg);
			return 2;
		}
		*set[k] = 1;
		break;
	}
	}
	return 0;
}

/* One option into o: 0, or the exit status (--help: 0 with *done set). */
static int record_option(struct record_opts *o, int c, const char *arg, const char *opt,
			 int *done)
{
	switch (c) {
	case 'o':
		o->out = arg;
		break;
	case OPT_FORCE:
		o->force = 1;
		break;
	case OPT_VMLINUX:
		o->vmlinux = arg;
		break;
	case OPT_MODULES:
		o->module_dirs = xreallocarray(o->module_dirs, o->nmodule_dirs + 1,
					       sizeof(*o->module_dirs));
		o->module_dirs[o->nmodule_dirs++] = arg;
		break;
	case OPT_NO_SYMBOLS:
		o->no_symbols = 1;
		break;
	case OPT_ALLOCINFO:
		o->source.allocinfo = 1;
		break;
	case OPT_TEXTFILE:
		o->textfile = arg;
		break;
	case 'd':
	case 'n':
	case OPT_DURATION:
	case OPT_KTHRESH:
	case OPT_GROUP:
	case OPT_LIMIT:
	case OPT_SORT:
		return record_value(o, c, arg);
	case OPT_FROM:
		o->paths[o->npaths++] = arg;
		break;
	case OPT_DEBUGFS:
		o->source.debugfs = arg;
		break;
	case OPT_DROP_PRIVS:
		o->source.drop_privileges = 1;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case 'h':
		usage(stdout);
		*done = 1;
		return 0;
	case ':':
		return bad_value(_("pagetop: record: option %s needs a value\n"), opt);
	default:
		return bad_value(_("pagetop: record: unknown option %s\n"), opt);
	}
	return 0;
}

/* What no single option says: the recording, live options with --from, a terminal. */
static int record_validate(const struct record_opts *o)
{
	if (!o->out && !o->textfile) {
		fail_msg(_("record: give the recording with -o FILE (or -o - for standard output)"));
		return 2;
	}
	if (!o->textfile && (o->group_set || o->rows_set || o->sort_set)) {
		fail_msg(_("record: --group, --limit and --sort shape the --textfile; a recording keeps every stack"));
		return 2;
	}
	if (o->textfile && o->sel.pick != SAMPLE_NONE) {
		fail_msg(_("record: --textfile follows a series sample by sample, not one sample (SOURCE@SAMPLE)"));
		return 2;
	}
	if (o->npaths && (o->source.debugfs || o->source.kernel_threshold >= 0 ||
			  o->source.drop_privileges)) {
		fail_msg(_("record: --debugfs, --kernel-threshold and --drop-privileges are for live recording, not --from"));
		return 2;
	}
	if (o->out && strcmp(o->out, "-") == 0 && isatty(STDOUT_FILENO)) {
		fail_msg(_("record: not writing a recording to a terminal: redirect standard output or use -o FILE"));
		return 2;
	}
	return 0;
}

/* --from SOURCE@SEL (source_select.h): one sample of one series. 0, or 2. */
static int record_select_parse(struct record_opts *o)
{
	struct pt_err err;

	for (int i = 0; i < o->npaths; i++) {
		struct sample_sel sel;
		char *path;

		if (source_arg_split(o->paths[i], &path, &sel, &err) < 0) {
			fail_msg(err.msg);
			return 2;
		}
		if (sel.pick == SAMPLE_NONE) {
			free(path);
			continue;
		}
		if (o->npaths > 1) {
			pt_err_set(&err, _("%s: a sample is picked from one SOURCE (a folder or a recording), not from a list of files"),
				   o->paths[i]);
			fail_msg(err.msg);
			free(path);
			return 2;
		}
		o->sel = sel;
		o->sel_path = path;
		o->paths[0] = path;
	}
	return 0;
}

enum { RECORD_RUN = -1 };

/* argv into o (o->paths is the caller's to free), checked: RECORD_RUN, or the exit
 * status (after "Try ... --help" for bad usage). */
static int record_parse(int argc, char **argv, struct record_opts *o)
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
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "no-symbols", no_argument, NULL, OPT_NO_SYMBOLS },
		{ "allocinfo", no_argument, NULL, OPT_ALLOCINFO },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0, done = 0;

	memset(o, 0, sizeof(*o));
	source_opts_init(&o->source);
	o->limit = -1;
	o->duration = -1;
	o->paths = xcalloc((size_t)argc + 1, sizeof(*o->paths));
	optind = 1;
	opterr = 0;
	while (!rc && !done && (c = getopt_long(argc, argv, ":o:d:n:vh", longopts, NULL)) != -1)
		rc = record_option(o, c, optarg, argv[optind - 1], &done);
	if (done)
		return 0;
	for (; !rc && optind < argc; optind++) {
		if (!o->npaths)
			rc = bad_value(_("pagetop: record: unexpected argument %s (snapshots to convert go after --from)\n"),
				       argv[optind]);
		else
			o->paths[o->npaths++] = argv[optind];
	}
	if (!rc)
		rc = record_select_parse(o);
	if (!rc)
		rc = record_validate(o);
	if (rc) {
		fputs(_("Try 'pagetop record --help' for more information.\n"), stderr);
		return rc;
	}
	return RECORD_RUN;
}

/* The recording could not be created: what may be why. */
static void record_open_failed(const struct record_opts *o, int e)
{
	uid_t uid;

	if (!o->npaths && o->source.drop_privileges && geteuid() != 0)
		fail_msg(_("record: with --drop-privileges the recording is created after the switch, by that user: give -o a folder they can write"));
	else if ((e == EACCES || e == EPERM) && asuser_active(&uid))
		fail_msg(_("record: under sudo the recording is created by the user who ran it, and is theirs: give -o a folder they can write"));
}

/* ---- --textfile: a model beside the recording, its view written every sample ---- */

struct textfile {
	const char *path;
	struct model *m;
	struct view_opts vo;
	struct out_opts oo;
	struct view v;
	int failed;
};

static void textfile_init(struct textfile *t, const struct record_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->path = o->textfile;
	t->m = model_new();
	view_opts_init(&t->vo);
	/* as pagetop -b --format openmetrics by default (doc/formats.md) */
	t->vo.group = o->group_set ? o->group.group : GROUP_CALLER;
	t->vo.limit = o->rows_set ? (size_t)o->rows.whole : 20;
	t->vo.top_only = t->vo.limit > 0;
	if (o->sort_set) {
		t->vo.key = (enum sort_key)o->sort.sort.key;
		t->vo.ascending = o->sort.sort.ascending;
	}
	t->oo.format = OUT_OPENMETRICS;
	t->oo.limit = t->vo.limit;
	view_init(&t->v);
}

static void textfile_free(struct textfile *t)
{
	view_free(&t->v);
	model_free(t->m);
}

static int textfile_fill(FILE *fp, void *ctx, struct pt_err *err)
{
	struct textfile *t = ctx;

	if (output_sample(fp, t->m, &t->vo, &t->v, &t->oo) < 0) {
		pt_err_set(err, _("cannot write %s: %s (it is as it was)"), t->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The sample just read, in place of the file's last one; a failure is said and the
 * recording goes on (the status is 1 at the end). */
static void textfile_write(struct textfile *t)
{
	struct pt_err err;

	model_view(t->m, &t->vo, &t->v);
	if (replace_file(t->path, 0644, textfile_fill, t, &err) < 0) {
		fail_msg(err.msg);
		t->failed = 1;
	}
}

/* Samples into the recording and/or the textfile until -n, --duration, a signal or the
 * end: 0, or 1. */
static int record_loop(const struct record_opts *o, struct source *src, struct recorder *rec,
		       struct textfile *tf, long long *got)
{
	struct recorder_tee tee = { 0 };
	struct sink snk;
	int live = o->npaths == 0;
	double start = time_mono();
	struct pt_err err;

	if (rec && tf) {
		tee.rec = rec;
		tee.other = model_sink(tf->m);
		snk = recorder_tee_sink(&tee);
	} else {
		snk = rec ? recorder_sink(rec) : model_sink(tf->m);
	}
	while (!stop_requested && (o->limit < 0 || *got < o->limit)) {
		int wait = live ? POLL_MS : -1;
		enum src_status st;

		if (o->duration > 0) {
			double left = o->duration - (time_mono() - start);

			if (left <= 0)
				break;
			if (live && left * 1e3 < wait)
				wait = (int)(left * 1e3) + 1;
		}
		st = source_next(src, &snk, wait, &err);
		if (st == SRC_SAMPLE) {
			(*got)++;
			if (tf)
				textfile_write(tf);
			if (o->verbose && rec)
				print_sample(rec, src);
		} else if (st == SRC_END) {
			break;
		} else if (st == SRC_ERROR) {
			fail_msg(err.msg);
			return 1;
		}
	}
	return 0;
}

/* --from SOURCE@SEL: the series read up to that sample into a model (*out), *k the
 * sample's number. 0, or 1. */
static int record_select_load(const struct record_opts *o, struct model **out, uint64_t *at)
{
	const char *paths[1] = { o->sel_path };
	struct source *src;
	struct model *m;
	struct sink sink;
	struct pt_err err;
	uint64_t k, n = 0;

	if (select_sample(o->sel_path, &o->sel, &o->source, &k, &err) < 0 ||
	    source_open(&src, paths, 1, &o->source, &err) < 0) {
		fail_msg(err.msg);
		return 1;
	}
	m = model_new();
	sink = model_sink(m);
	while (n <= k) {
		enum src_status st = source_next(src, &sink, -1, &err);

		if (st == SRC_ERROR) {
			fail_msg(err.msg);
			source_close(src);
			model_free(m);
			return 1;
		}
		if (st == SRC_END)
			break;
		if (st == SRC_SAMPLE)
			n++;
	}
	source_close(src);
	if (n <= k) {
		select_too_few(o->sel_path, &o->sel, n, &err);
		fail_msg(err.msg);
		model_free(m);
		return 1;
	}
	*out = m;
	*at = k;
	return 0;
}

/* Sample k of a per-block series straight from the source into the recording, with its
 * blocks (the model keeps none): the samples before are skipped (a folder) or read. 0,
 * or -1 with err. */
static int record_one_blocks(const struct record_opts *o, uint64_t k, struct recorder *rec,
			     struct pt_err *err)
{
	const char *paths[1] = { o->sel_path };
	struct sink rs = recorder_sink(rec), skip;
	struct model *m = NULL;
	struct source *src;
	enum src_status st = SRC_SAMPLE;

	if (source_open(&src, paths, 1, &o->source, err) < 0)
		return -1;
	if (source_seek(src, k) < 0) {
		m = model_new();
		skip = model_sink(m);
		for (uint64_t i = 0; i < k && st == SRC_SAMPLE; i++)
			st = source_next(src, &skip, -1, err);
		/* the meta went to the model */
		if (st == SRC_SAMPLE && rs.ops->meta(rs.self, source_meta(src), err) < 0)
			st = SRC_ERROR;
	}
	if (st == SRC_SAMPLE)
		st = source_next(src, &rs, -1, err);
	if (st == SRC_END)
		pt_err_set(err, _("%s: sample %ld is not there any more"), o->sel_path, (long)k);
	model_free(m);
	source_close(src);
	return st == SRC_SAMPLE ? 0 : -1;
}

struct symbols *symbols_for_source(const char *vmlinux, const char *const *module_dirs,
				   size_t nmodule_dirs, const struct source_meta *mt)
{
	struct symbols_opts so;
	struct symbols_modid mids[512];
	char release[256], names[512][64];
	struct pt_err err;
	struct symbols *s;

	symbols_opts_init(&so);
	so.vmlinux = vmlinux;
	so.module_dirs = module_dirs;
	so.nmodule_dirs = nmodule_dirs;
	so.live = mt->kind && strcmp(mt->kind, "live") == 0;
	so.release = mt->kernel_release;
	if (!so.release && so.live && host_kernel_release(release, sizeof(release)) == 0)
		so.release = release;
	so.vmlinux_build_id = mt->kernel_build_id;
	/* a recording's modules: their files are checked against these ids */
	for (size_t i = 0; mt->module_build_ids && mt->module_build_ids[i] &&
			   so.nmodule_ids < ARRAY_SIZE(mids); i++) {
		const char *id = mt->module_build_ids[i], *sp = strchr(id, ' ');

		if (!sp || (size_t)(sp - id) >= sizeof(names[0]))
			continue;
		snprintf(names[so.nmodule_ids], sizeof(names[0]), "%.*s", (int)(sp - id), id);
		mids[so.nmodule_ids].name = names[so.nmodule_ids];
		mids[so.nmodule_ids].hex = sp + 1;
		so.nmodule_ids++;
	}
	so.module_ids = mids;
	s = symbols_new(&so, &err);
	if (!s)
		msg_print(err.msg);
	return s;
}

/* The frames' source lines go into the recording when debug info for them is found
 * (doc/recording.md); NULL with --no-symbols or when the service cannot start. */
static struct symbols *record_symbols(const struct record_opts *o, const struct source_meta *mt)
{
	if (o->no_symbols)
		return NULL;
	return symbols_for_source(o->vmlinux, o->module_dirs, o->nmodule_dirs, mt);
}

/* That one sample into a recording of its own. */
static int record_one(const struct record_opts *o)
{
	struct symbols *sym = NULL;
	struct recorder *rec = NULL;
	struct source_meta mt;
	struct model *m;
	struct sink snk;
	struct pt_err err;
	uint64_t k;
	int status = 0, rc;

	if (record_select_load(o, &m, &k))
		return 1;
	if (recorder_open(&rec, o->out, o->force, &err) < 0) {
		int e = errno;

		fail_msg(err.msg);
		record_open_failed(o, e);
		model_free(m);
		return 1;
	}
	/* the model keeps no module build ids (they were the closed source's) */
	mt = *model_meta(m);
	mt.module_build_ids = NULL;
	if (!mt.boot_known) /* a recording that had it gives it with its meta */
		record_add_boot_meta(rec, (const char *const *)&o->sel_path, 1);
	if ((sym = record_symbols(o, &mt)))
		recorder_set_symbols(rec, sym);
	snk = recorder_sink(rec);
	if (mt.iface == IFACE_PAGE_OWNER)
		rc = record_one_blocks(o, k, rec, &err);
	else
		rc = model_replay_sample(m, &snk, 1, &err);
	if (rc < 0) {
		fail_msg(err.msg);
		status = 1;
	}
	if (recorder_close(rec, &err) < 0) {
		fail_msg(err.msg);
		status = 1;
	}
	recorder_free(rec);
	symbols_free(sym);
	model_free(m);
	return status;
}

static int record_run(const struct record_opts *o)
{
	struct source *src = NULL;
	struct recorder *rec = NULL;
	struct textfile tf;
	struct pt_err err;
	long long got = 0;
	struct symbols *sym = NULL;
	int status, live = o->npaths == 0;

	install_signals();
	if (source_open(&src, live ? NULL : o->paths, o->npaths, &o->source, &err) < 0) {
		fail_msg(err.msg);
		return 1;
	}
	if (o->out && recorder_open(&rec, o->out, o->force, &err) < 0) {
		int e = errno;

		fail_msg(err.msg);
		record_open_failed(o, e);
		source_close(src);
		return 1;
	}
	if (rec)
		record_add_source_meta(rec, src, o->paths, (size_t)o->npaths);
	if (rec && (sym = record_symbols(o, source_meta(src))))
		recorder_set_symbols(rec, sym);
	if (o->textfile)
		textfile_init(&tf, o);
	status = record_loop(o, src, rec, o->textfile ? &tf : NULL, &got);
	if (rec && recorder_close(rec, &err) < 0) {
		fail_msg(err.msg);
		status = 1;
	}
	if (rec)
		recorder_free(rec);
	symbols_free(sym);
	if (o->textfile) {
		if (tf.failed)
			status = 1;
		textfile_free(&tf);
	}
	source_close(src);
	if (o->verbose && stop_requested)
		fprintf(stderr, _("pagetop: stopped by signal %d; the recording ends cleanly after %lld samples\n"),
			(int)stop_requested, got);
	return status;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	int rc = record_parse(argc, argv, &o);

	if (rc == RECORD_RUN)
		rc = o.sel.pick != SAMPLE_NONE ? record_one(&o) : record_run(&o);
	free(o.sel_path);
	free(o.paths);
	free(o.module_dirs);
	return rc;
}
