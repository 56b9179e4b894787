/* main.c - the command line: modes (UI, batch, record), options, exit statuses.
 *
 * Exit status: 0 success, 1 an error (bad input, unreadable source), 2 bad usage. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_diff.h"
#include "cmd_record.h"
#include "live.h"
#include "model.h"
#include "output.h"
#include "source.h"
#include "symbols.h"
#include "symbols_report.h"
#include "tui.h"
#include "util.h"

enum {
	OPT_SORT = 256, OPT_THRESHOLD, OPT_GROUP, OPT_FILTER, OPT_LIMIT, OPT_FORMAT, OPT_EXPAND,
	OPT_LIVE, OPT_DEBUGFS, OPT_KTHRESH, OPT_PAGE_SIZE, OPT_ALLOC, OPT_NO_COLOR,
	OPT_NO_MOUSE,
	OPT_VMLINUX, OPT_MODULES, OPT_KRELEASE, OPT_SOURCE_DIR, OPT_SOURCE_MAP, OPT_NO_SYMBOLS,
	OPT_CHECK_SYMBOLS, OPT_DROP_PRIVS,
};

static const struct option long_opts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "expand", no_argument, NULL, OPT_EXPAND },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "debugfs", required_argument, NULL, OPT_DEBUGFS },
	{ "kernel-threshold", required_argument, NULL, OPT_KTHRESH },
	{ "drop-privileges", no_argument, NULL, OPT_DROP_PRIVS },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "alloc-pattern", required_argument, NULL, OPT_ALLOC },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "kernel-release", required_argument, NULL, OPT_KRELEASE },
	{ "source-dir", required_argument, NULL, OPT_SOURCE_DIR },
	{ "source-map", required_argument, NULL, OPT_SOURCE_MAP },
	{ "no-symbols", no_argument, NULL, OPT_NO_SYMBOLS },
	{ "check-symbols", no_argument, NULL, OPT_CHECK_SYMBOLS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *fp)
{
	fprintf(fp, _("Usage: pagetop [OPTION]... [SOURCE]...\n"
		      "  or:  pagetop record [OPTION]... -o FILE|-\n"
		      "  or:  pagetop diff [OPTION]... A B\n"
		      "Show the Linux kernel's page allocations by stack, like top.\n"
		      "\n"
		      "SOURCE is a snapshot file (show_stacks, show_handles with\n"
		      "show_stacks_handles, page_owner_stacks, the page_owner dump; gzip and xz\n"
		      "work too), a folder of snapshots, a pagetop recording, or - for standard\n"
		      "input. Without SOURCE pagetop reads the running kernel.\n"
		      "\n"));
	fprintf(fp, _("  -b, --batch               print samples as text instead of the screen\n"
		      "  -n, --iterations=N        stop after N samples\n"
		      "  -d, --delay=SECONDS       live: time between samples (default 2, min 0.1)\n"
		      "      --sort=KEY[:asc]      pages, bytes, delta, rate, delta_base, peak,\n"
		      "                            score, first_seen or label (default pages)\n"
		      "      --threshold=PAGES     hide rows with fewer pages (pagetop only)\n"
		      "      --group=G             stack, caller, function or module\n"
		      "      --filter=REGEX        only stacks with a frame matching REGEX;\n"
		      "                            !REGEX hides them; repeatable (all must hold)\n"
		      "      --limit=ROWS          rows per sample (0: all, the batch default)\n"
		      "      --format=F            text, csv, json or folded (batch)\n"
		      "      --expand              print each stack's frames under its row\n"));
	fprintf(fp, _("      --vmlinux=FILE        the kernel's debug info, to show frames as source\n"
		      "                            lines (compressed works: vmlinux.xz)\n"
		      "      --modules=DIR         where modules with debug info are; repeatable\n"
		      "      --kernel-release=R    release for the usual debug info places\n"
		      "      --source-dir=DIR      a source tree: show the text of source lines\n"
		      "      --source-map=OLD=NEW  sources built under OLD are under NEW\n"
		      "      --no-symbols          frames as the kernel printed them, no lines\n"
		      "      --check-symbols       tell which objects of SOURCE's stacks have\n"
		      "                            usable debug info, and how to get it\n"));
	fprintf(fp, _("      --live                read the running kernel (the default)\n"
		      "      --debugfs=DIR         debugfs mount point (default /sys/kernel/debug)\n"
		      "      --kernel-threshold=N  also set the kernel's count_threshold to N while\n"
		      "                            running (global!); restored on exit\n"));
	fprintf(fp, _("      --drop-privileges     live: open the debugfs files as root, then run\n"
		      "                            as the sudo user (or nobody); a root helper\n"
		      "                            reopens files and restores count_threshold\n"));
	fprintf(fp, _("      --page-size=BYTES     page size of a saved snapshot (default 4096)\n"
		      "      --alloc-pattern=GLOB  allocator functions skipped to find the caller;\n"
		      "                            repeatable, replaces the built-in list\n"
		      "      --no-color            no colours (NO_COLOR works too)\n"
		      "      --no-mouse            ignore the mouse\n"
		      "  -h, --help                show this help and exit\n"
		      "  -V, --version             show the version and exit\n"
		      "\n"
		      "Exit status: 0 success, 1 error, 2 bad usage.\n"
		      "Full documentation: man pagetop\n"));
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void vfprintf_arg(const char *fmt, const char *arg)
{
	struct esc_buf b = { NULL, 0 };

	/* fmt is one of this file's translated messages with one %s */
	fprintf(stderr, fmt, esc_str(&b, arg, text_locale_utf8()));
	free(b.p);
}
#pragma GCC diagnostic pop

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fputs("pagetop: ", stderr);
	vfprintf_arg(fmt, arg);
	fputc('\n', stderr);
	fprintf(stderr, _("Try 'pagetop --help' for more information.\n"));
	exit(2);
}

static int parse_num(const char *s, double *v, double min, double max)
{
	char *end;

	errno = 0;
	*v = strtod_c(s, &end);
	if (errno || end == s || *end || !isfinite(*v) || *v < min || *v > max)
		return -1;
	return 0;
}

/* The model batch mode leaves to the exit (see the end of main). */
/* volatile: a store the compiler cannot drop, so leak checkers still see the model */
static struct model *volatile exit_model;

static void fatal_cleanup(void)
{
	live_restore_threshold();
}

static void warn_stderr(const char *msg)
{
	msg_print(msg);
}

struct batch {
	struct source *src;
	struct model *m;
	struct view_opts vo;
	struct out_opts oo;
	long iterations;
};

static int run_batch(struct batch *b)
{
	struct sink sink = model_sink(b->m);
	struct view v;
	struct pt_err err;
	long n = 0;
	int64_t fail_seen = -1;
	int started = 0, rc = 0;
	int folded_last = b->oo.format == OUT_FOLDED && source_meta(b->src)->series;

	view_init(&v);
	for (;;) {
		enum src_status st;

		if (b->iterations > 0 && n >= b->iterations)
			break;
		st = source_next(b->src, &sink, -1, &err);
		if (st == SRC_ERROR) {
			msg_print(err.msg);
			rc = 1;
			break;
		}
		if (st == SRC_END)
			break;
		if (st == SRC_TIMEOUT) {
			double s = source_stalled(b->src);

			if (s > 0)
				fprintf(stderr, _("pagetop: source stalled for %.0f s\n"), s);
			continue;
		}
		n++;
		{
			const struct stack *fs = model_special(b->m, SK_FAILURE);

			if (fs && fail_seen >= 0 && fs->s.now > fail_seen)
				diag_warn(_("the failure stack grew by %lld pages: the kernel's stack depot is full and stacks are being lost"),
					  (long long)(fs->s.now - fail_seen));
			if (fs)
				fail_seen = fs->s.now;
		}
		if (folded_last)
			continue;
		model_view(b->m, &b->vo, &v);
		if (!started) {
			started = 1;
			if (output_begin(stdout, b->m, &b->oo) < 0)
				goto write_error;
		}
		if (output_sample(stdout, b->m, &b->vo, &v, &b->oo) < 0)
			goto write_error;
	}
	if (folded_last && n) {
		model_view(b->m, &b->vo, &v);
		if (output_sample(stdout, b->m, &b->vo, &v, &b->oo) < 0)
			goto write_error;
	}
	view_free(&v);
	return rc;
write_error:
	view_free(&v);
	if (errno == EPIPE)
		return rc;
	fprintf(stderr, _("pagetop: cannot write the output: %s\n"), strerror(errno));
	return 1;
}

/* ---- symbols (doc/symbols.md) ---- */

struct symcfg {
	struct symbols_opts so;
	const char *mdirs[32], *sdirs[32], *smaps[32];
	int no_symbols, check;
	char release[256], build_id[BUILD_ID_HEX_MAX];
	struct symbols_modid mids[512];
	char mid_names[512][64];
};

/* Only when frames are shown expanded or checked: libdw costs nothing otherwise. */
static struct symbols *symbols_start(struct symcfg *c, const struct source_meta *mt, int preload)
{
	struct pt_err err;
	struct symbols *s;

	c->so.module_dirs = c->mdirs;
	c->so.source_dirs = c->sdirs;
	c->so.source_maps = c->smaps;
	c->so.live = mt->kind && strcmp(mt->kind, "live") == 0;
	if (!c->so.release)
		c->so.release = mt->kernel_release;
	if (!c->so.release && c->so.live && host_kernel_release(c->release, sizeof(c->release)) == 0)
		c->so.release = c->release;
	c->so.vmlinux_build_id = mt->kernel_build_id;
	if (!c->so.vmlinux_build_id && mt->kind && strcmp(mt->kind, "folder") == 0 && mt->name) {
		/* a folder of snapshots may keep the kernel's notes */
		char *notes = xasprintf("%s/kernel-notes.bin", mt->name);
		struct stat st;

		if (lstat(notes, &st) == 0) {
			if (notes_build_id(notes, c->build_id, sizeof(c->build_id), &err) == 0)
				c->so.vmlinux_build_id = c->build_id;
			else
				diag_warn("%s", err.msg);
		}
		free(notes);
	}
	if (!c->so.nmodule_ids && mt->module_build_ids) {
		/* a recording carries the build ids of the modules that were loaded */
		size_t n = 0;

		while (mt->module_build_ids[n] && n < ARRAY_SIZE(c->mids))
			n++;
		for (size_t i = 0; i < n; i++) {
			const char *sp = strchr(mt->module_build_ids[i], ' ');

			if (!sp)
				continue;
			snprintf(c->mid_names[c->so.nmodule_ids], sizeof(c->mid_names[0]), "%.*s",
				 (int)(sp - mt->module_build_ids[i]), mt->module_build_ids[i]);
			c->mids[c->so.nmodule_ids].name = c->mid_names[c->so.nmodule_ids];
			c->mids[c->so.nmodule_ids].hex = sp + 1;
			c->so.nmodule_ids++;
		}
		c->so.module_ids = c->mids;
	}
	c->so.preload = preload;
	s = symbols_new(&c->so, &err);
	if (!s)
		msg_print(err.msg);
	return s;
}

/* Once, after the output: objects whose frames got no lines, and why. */
static void symbols_warn(struct symbols *s)
{
	struct sym_object *v;
	size_t n = symbols_objects(s, &v);
	int missing = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].state == SOBJ_OK || v[i].state == SOBJ_UNUSED)
			continue;
		if (v[i].state == SOBJ_UNCHECKED) {
			diag_warn(_("%s: %s"), v[i].name, v[i].reason);
		} else {
			diag_warn(_("no source lines for %s: %s"), v[i].name, v[i].reason);
			missing = 1;
		}
	}
	if (missing)
		diag_warn(_("pagetop --check-symbols tells how to get the missing debug info"));
	free(v);
}

/* --check-symbols: read the source (one sample live, all of a file), then report. */
static int run_check_symbols(struct batch *b, struct symcfg *c)
{
	struct sink sink = model_sink(b->m);
	struct sym_report rep;
	struct symbols *s;
	struct pt_err err;
	long n = 0, max = b->iterations > 0 ? b->iterations : source_meta(b->src)->series ? 0 : 1;
	int rc;

	s = symbols_start(c, source_meta(b->src), 1);
	if (!s)
		return 1;
	for (;;) {
		enum src_status st;

		if (max > 0 && n >= max)
			break;
		st = source_next(b->src, &sink, -1, &err);
		if (st == SRC_ERROR) {
			msg_print(err.msg);
			symbols_free(s);
			return 1;
		}
		if (st == SRC_END)
			break;
		if (st == SRC_SAMPLE)
			n++;
	}
	symbols_report_build(s, b->m, 1, &rep);
	if (symbols_report_print(stdout, &rep) < 0 || fflush(stdout) != 0)
		rc = 1;
	else
		rc = symbols_report_usable(&rep) ? 0 : 1;
	symbols_report_free(&rep);
	symbols_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	struct batch b;
	struct symcfg sc;
	struct symbols *sym = NULL;
	struct source_opts so;
	struct tui_opts to;
	const char *filters[32];
	const char *allocs[64];
	size_t nfilters = 0, nallocs = 0;
	int batch = 0, live = 0, c, rc;
	struct pt_err err;
	double d;

	/* 0, 1 and 2 are open before anything else is: a file opened later (a socket, a
	 * recording) must not become standard output or error by chance */
	for (int fd = 0; fd <= 2; fd++) {
		/* the lower ones are open: the lowest free descriptor is this one */
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd) {
			/* stderr may be the one missing: say it where it can be said */
			static const char msg[] = "pagetop: cannot open /dev/null for a closed standard descriptor\n";

			if (fcntl(2, F_GETFD) >= 0 && write(2, msg, sizeof(msg) - 1) < 0) {
				/* nothing more to do */
			}
			return 1;
		}
	}
	setlocale(LC_ALL, "");
#if ENABLE_NLS
	{
		/* PAGETOP_LOCALEDIR: the translations of a build tree, for tests */
		const char *ld = getenv("PAGETOP_LOCALEDIR");

		bindtextdomain(PACKAGE, ld && *ld ? ld : LOCALEDIR);
		textdomain(PACKAGE);
	}
#endif
	util_set_fatal_hook(fatal_cleanup);
	diag_set_sink(warn_stderr);
	signal(SIGPIPE, SIG_IGN);

	if (argc > 1 && strcmp(argv[1], "record") == 0)
		return cmd_record(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);

	memset(&b, 0, sizeof(b));
	memset(&sc, 0, sizeof(sc));
	symbols_opts_init(&sc.so);
	view_opts_init(&b.vo);
	source_opts_init(&so);
	memset(&to, 0, sizeof(to));
	while ((c = getopt_long(argc, argv, "bn:d:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = 1;
			break;
		case 'n':
			if (parse_num(optarg, &d, 1, 1e12) < 0 || d != floor(d))
				usage_error(_("-n: expected a whole number of samples, found '%s'"), optarg);
			b.iterations = (long)d;
			break;
		case 'd':
			if (parse_num(optarg, &d, 0.1, 86400) < 0)
				usage_error(_("-d: expected seconds from 0.1 to 86400, found '%s'"), optarg);
			so.interval = d;
			to.interval = d;
			to.cli_set |= TUI_SET_INTERVAL;
			break;
		case OPT_SORT: {
			char key[64];
			const char *colon = strchr(optarg, ':');
			size_t len = colon ? (size_t)(colon - optarg) : strlen(optarg);
			enum sort_key k;

			if (len >= sizeof(key))
				len = sizeof(key) - 1;
			memcpy(key, optarg, len);
			key[len] = '\0';
			if (sort_key_parse(key, &k) < 0)
				usage_error(_("--sort: expected pages, bytes, delta, rate, delta_base, peak, score, first_seen or label, found '%s'"), optarg);
			b.vo.key = k;
			b.vo.ascending = k == KEY_LABEL;
			to.cli_set |= TUI_SET_SORT;
			if (colon) {
				if (strcmp(colon + 1, "asc") == 0)
					b.vo.ascending = 1;
				else if (strcmp(colon + 1, "desc") == 0)
					b.vo.ascending = 0;
				else
					usage_error(_("--sort: expected KEY:asc or KEY:desc, found '%s'"), optarg);
			}
			break;
		}
		case OPT_THRESHOLD:
			if (parse_num(optarg, &d, 0, 1e15) < 0 || d != floor(d))
				usage_error(_("--threshold: expected a whole number of pages, found '%s'"), optarg);
			b.vo.threshold = (int64_t)d;
			to.cli_set |= TUI_SET_THRESHOLD;
			break;
		case OPT_GROUP:
			if (group_parse(optarg, &b.vo.group) < 0)
				usage_error(_("--group: expected stack, caller, function or module, found '%s'"), optarg);
			to.cli_set |= TUI_SET_GROUP;
			break;
		case OPT_FILTER:
			if (nfilters >= 31)
				usage_error(_("--filter: at most 31 filters, found more with '%s'"), optarg);
			filters[nfilters++] = optarg;
			break;
		case OPT_LIMIT:
			if (parse_num(optarg, &d, 0, 1e12) < 0 || d != floor(d))
				usage_error(_("--limit: expected a whole number of rows, found '%s'"), optarg);
			b.oo.limit = (size_t)d;
			break;
		case OPT_FORMAT:
			if (out_format_parse(optarg, &b.oo.format) < 0)
				usage_error(_("--format: expected text, csv, json or folded, found '%s'"), optarg);
			break;
		case OPT_EXPAND:
			b.oo.expand = 1;
			break;
		case OPT_LIVE:
			live = 1;
			break;
		case OPT_DEBUGFS:
			so.debugfs = optarg;
			break;
		case OPT_KTHRESH:
			if (parse_num(optarg, &d, 0, 2147483647) < 0 || d != floor(d))
				usage_error(_("--kernel-threshold: expected a whole number of pages, found '%s'"), optarg);
			so.kernel_threshold = (long)d;
			break;
		case OPT_DROP_PRIVS:
			so.drop_privileges = 1;
			break;
		case OPT_PAGE_SIZE:
			if (parse_num(optarg, &d, PT_PAGE_SIZE_MIN, PT_PAGE_SIZE_MAX) < 0 || d != floor(d))
				usage_error(_("--page-size: expected bytes from 512 to 16777216, found '%s'"), optarg);
			so.page_size = (long)d;
			break;
		case OPT_ALLOC:
			if (nallocs >= ARRAY_SIZE(allocs))
				usage_error(_("--alloc-pattern: at most 64 patterns, found more with '%s'"), optarg);
			allocs[nallocs++] = optarg;
			to.cli_set |= TUI_SET_ALLOC;
			break;
		case OPT_NO_COLOR:
			to.no_color = 1;
			break;
		case OPT_VMLINUX:
			sc.so.vmlinux = optarg;
			break;
		case OPT_MODULES:
			if (sc.so.nmodule_dirs >= ARRAY_SIZE(sc.mdirs))
				usage_error(_("--modules: at most 32 folders, found more with '%s'"), optarg);
			sc.mdirs[sc.so.nmodule_dirs++] = optarg;
			break;
		case OPT_KRELEASE:
			/* it becomes part of the debug info's paths */
			if (!release_ok(optarg, strlen(optarg)))
				usage_error(_("--kernel-release: expected what uname -r prints (up to 64 letters, digits, '.', '_', '+', '~' or '-', not first '.' or '-', no '..'), found '%s'"),
					    optarg);
			sc.so.release = optarg;
			break;
		case OPT_SOURCE_DIR:
			if (sc.so.nsource_dirs >= ARRAY_SIZE(sc.sdirs))
				usage_error(_("--source-dir: at most 32 folders, found more with '%s'"), optarg);
			sc.sdirs[sc.so.nsource_dirs++] = optarg;
			break;
		case OPT_SOURCE_MAP:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				usage_error(_("--source-map: expected OLD=NEW, found '%s'"), optarg);
			if (sc.so.nsource_maps >= ARRAY_SIZE(sc.smaps))
				usage_error(_("--source-map: at most 32 maps, found more with '%s'"), optarg);
			sc.smaps[sc.so.nsource_maps++] = optarg;
			break;
		case OPT_NO_SYMBOLS:
			sc.no_symbols = 1;
			break;
		case OPT_CHECK_SYMBOLS:
			sc.check = 1;
			break;
		case OPT_NO_MOUSE:
			to.no_mouse = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pagetop %s\n", PACKAGE_VERSION);
			printf(_("libdw %s\n"), symbols_libdw_version());
			printf(_("Copyright (C) 2026 The pagetop authors.\n"
				 "License GPL-2.0-or-later.\n"
				 "This is free software: you are free to change and redistribute it.\n"
				 "There is NO WARRANTY, to the extent permitted by law.\n"));
			return 0;
		default:
			fprintf(stderr, _("Try 'pagetop --help' for more information.\n"));
			return 2;
		}
	}
	/* machine-readable numbers never take the locale's decimal comma */
	if (batch && b.oo.format != OUT_TEXT)
		setlocale(LC_NUMERIC, "C");
	if (live && optind < argc)
		usage_error(_("--live reads the running kernel: drop the SOURCE '%s'"), argv[optind]);
	if (so.drop_privileges && optind < argc)
		usage_error(_("--drop-privileges is for the running kernel, not the SOURCE '%s': read files as the user you are"),
			    argv[optind]);

	if (nfilters) {
		b.vo.filter = filter_new(filters, nfilters, &err);
		if (!b.vo.filter)
			usage_error("%s", err.msg);
	}
	/* before the source may change count_threshold: every signal puts it back */
	live_install_signal_handlers();
	if (source_open(&b.src, (const char *const *)argv + optind, argc - optind, &so, &err) < 0) {
		msg_print(err.msg);
		filter_free(b.vo.filter);
		return 1;
	}
	b.m = model_new();
	model_want_group(b.m, b.vo.group);
	if (!batch)
		b.vo.limit = 0;
	else
		b.vo.limit = b.oo.limit;
	b.vo.top_only = batch; /* batch output prints only the first rows */
	if (nallocs)
		model_set_alloc_patterns(b.m, allocs, nallocs);
	if (batch && b.oo.expand && !sc.no_symbols && !sc.check &&
	    (b.oo.format == OUT_TEXT || b.oo.format == OUT_JSON))
		sym = b.oo.sym = symbols_start(&sc, source_meta(b.src), 1);
	if (sc.check) {
		rc = run_check_symbols(&b, &sc);
	} else if (!batch) {
		to.view = b.vo;
		to.iterations = (int)b.iterations;
		to.filters = filters;
		to.nfilters = nfilters;
		/* libdw loads nothing until a row is expanded */
		if (!sc.no_symbols)
			sym = to.sym = symbols_start(&sc, source_meta(b.src), 0);
		if (nallocs) {
			to.alloc = allocs;
			to.nalloc = nallocs;
		}
		rc = tui_run(b.src, b.m, &to);
		if (rc < 0) /* no terminal UI here: fall back to batch output */
			rc = run_batch(&b);
	} else {
		rc = run_batch(&b);
	}
	if (sym) {
		if (batch) /* the UI says it on its status line */
			symbols_warn(sym);
		symbols_free(sym);
	}
	source_close(b.src);
	live_restore_threshold();
	if (batch && !getenv("PAGETOP_FREE_AT_EXIT")) {
		/* Tearing down 100k stacks only to exit costs more than the kernel's unmap:
		 * leave the model to the exit (it stays reachable, so leak checkers agree;
		 * the tests free it to check that freeing works). */
		exit_model = b.m;
	} else {
		model_free(b.m);
	}
	filter_free(b.vo.filter);
	return rc;
}
