/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - the command line: which command (pagetop, pagetop record, pagetop diff), and
 * pagetop's own options into struct top_opts (cmd_top.h), checked, then run.
 *
 * Exit status: 0 success, 1 an error (bad input, unreadable source), 2 bad usage, 3 a
 * row met --fail-if (settings_gate.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_attrib.h"
#include "cmd_diff.h"
#include "cmd_record.h"
#include "cmd_top.h"
#include "host.h"
#include "settings.h"
#include "source_live.h"
#include "symbols.h"
#include "tui.h"
#include "util.h"

enum {
	OPT_SORT = 256, OPT_THRESHOLD, OPT_GROUP, OPT_FILTER, OPT_LIMIT, OPT_FORMAT, OPT_EXPAND,
	OPT_LIVE, OPT_DEBUGFS, OPT_KTHRESH, OPT_PAGE_SIZE, OPT_ALLOC, OPT_NO_COLOR,
	OPT_NO_MOUSE,
	OPT_VMLINUX, OPT_MODULES, OPT_KRELEASE, OPT_SOURCE_DIR, OPT_SOURCE_MAP, OPT_NO_SYMBOLS,
	OPT_CHECK_SYMBOLS, OPT_DROP_PRIVS, OPT_FAIL_IF,
	OPT_TREE, OPT_ALLOCINFO, OPT_COLUMNS,
	OPT_PID, OPT_TGID, OPT_COMM, OPT_OLDER_THAN, OPT_NOW,
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
	{ "fail-if", required_argument, NULL, OPT_FAIL_IF },
	{ "tree", required_argument, NULL, OPT_TREE },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "tgid", required_argument, NULL, OPT_TGID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "debugfs", required_argument, NULL, OPT_DEBUGFS },
	{ "kernel-threshold", required_argument, NULL, OPT_KTHRESH },
	{ "drop-privileges", no_argument, NULL, OPT_DROP_PRIVS },
	{ "allocinfo", no_argument, NULL, OPT_ALLOCINFO },
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
		      "SOURCE@SAMPLE picks one sample of a series: @N (from 0), @first, @last,\n"
		      "@peak (the highest total) or @-N (N before the last).\n"
		      "\n"));
	fprintf(fp, _("  -b, --batch               print samples as text instead of the screen\n"
		      "  -n, --iterations=N        stop after N samples\n"
		      "  -d, --delay=SECONDS       live: time between samples (default 2, min 0.1)\n"
		      "      --sort=KEY[:asc]      pages, bytes, share, delta, rate, delta_base,\n"
		      "                            peak, score, first_seen, label, or with\n"
		      "                            allocinfo calls and avg (default pages)\n"
		      "      --threshold=T         hide rows with fewer pages than T: pages (64),\n"
		      "                            bytes (256K, 64M, 1G) or percent of the\n"
		      "                            sample's total (0.5%%) (pagetop only)\n"
		      "      --group=G             stack, caller, function, module, or with\n"
		      "                            allocinfo file and directory\n"
		      "      --filter=REGEX        only stacks with a frame matching REGEX;\n"
		      "                            !REGEX hides them; repeatable (all must hold)\n"
		      "      --limit=ROWS          rows per sample (0: all, the batch default)\n"
		      "      --format=F            text, csv, json or folded (batch)\n"
		      "      --expand              print each stack's frames under its row\n"));
	fprintf(fp, _("      --fail-if=EXPR        batch: stop with status 3 after a sample where a\n"
		      "                            row meets EXPR (delta_base>5000,score>=0.9;\n"
		      "                            pages>1%%), the rows said on standard error\n"));
	fprintf(fp, _("      --format=openmetrics  batch: the last sample for Prometheus; by default\n"
		      "                            --group caller --limit 20, the rest as (other)\n"));
	fprintf(fp, _("      --format=pprof        batch: the last sample as a pprof profile\n"
		      "                            (gzip-compressed protobuf), for go tool pprof\n"));
	fprintf(fp, _("      --tree=T              top-down or bottom-up: the call tree\n"));
	fprintf(fp, _("      --columns=LIST        batch text: these columns in this order, as the\n"
		      "                            settings file's columns (pages,delta,label)\n"));
	fprintf(fp, _("  the per-block page_owner dump, batch and screen (doc/page_owner_sort.md):\n"
		      "      --group=K[,K2]        pid, tgid, comm, memcg, class, gfp, order,\n"
		      "                            migratetype, migrated, age; stack or caller\n"
		      "                            as K2 (--group comm,caller)\n"
		      "      --sort=blocks         also order (average) or key\n"
		      "      --pid=N,...  --tgid=N,...  --comm=NAME,...   only these blocks\n"
		      "      --older-than=AGE      only blocks held longer (90s, 10m, 2h, 1d)\n"
		      "      --now=SECONDS         a saved dump's read time, since boot (else an\n"
		      "                            'uptime' file beside it)\n"));
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
	fprintf(fp, _("      --allocinfo           read /proc/allocinfo (bytes and calls per call\n"
		      "                            site) where page_owner is there too; in a\n"
		      "                            folder, NAME.allocinfo before NAME.show_stacks\n"));
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

/* An option's value as a setting's (settings.h), or the usage error. */
static void arg_setting(enum setting_id id, const char *arg, struct setting_value *v)
{
	struct pt_err err;

	if (settings_parse(id, arg, v, SETTING_FROM_ARGS, &err) < 0)
		usage_error("%s", err.msg);
}

/* An option that may be given up to max times, into list. */
static void arg_list(const char **list, size_t *n, size_t max, const char *fmt, const char *arg)
{
	if (*n >= max)
		usage_error(fmt, arg);
	list[(*n)++] = arg;
}

static int parse_attrib_sort(struct top_opts *o, const char *arg);

/* What is shown: sort, group, threshold, filters, limit, format, frames. 0, or -1 when
 * c is not one of these. */
static int parse_view_option(struct top_opts *o, int c, const char *arg)
{
	struct setting_value v;

	switch (c) {
	case 'n':
		arg_setting(SETTING_ITERATIONS, arg, &v);
		o->iterations = (long)v.whole;
		break;
	case OPT_SORT:
		if (parse_attrib_sort(o, arg) == 0)
			break;
		arg_setting(SETTING_SORT, arg, &v);
		o->view.key = (enum sort_key)v.sort.key;
		o->view.ascending = v.sort.ascending;
		o->cli_set |= TUI_SET_SORT;
		break;
	case OPT_THRESHOLD:
		arg_setting(SETTING_THRESHOLD, arg, &v);
		o->view.threshold = v.threshold;
		o->cli_set |= TUI_SET_THRESHOLD;
		break;
	case OPT_GROUP:
		if (attr_group_is_attrib(arg)) {
			struct pt_err err;

			if (attr_parse_group(&o->attrib, arg, &err) < 0)
				usage_error("%s", err.msg);
			break;
		}
		o->attrib.keys[0] = o->attrib.keys[1] = AK_NONE;
		arg_setting(SETTING_GROUP, arg, &v);
		o->view.group = v.group;
		o->cli_set |= TUI_SET_GROUP;
		break;
	case OPT_FILTER:
		arg_list(o->filters, &o->nfilters, TOP_FILTERS_MAX,
			 _("--filter: at most 31 filters, found more with '%s'"), arg);
		break;
	case OPT_LIMIT:
		arg_setting(SETTING_LIMIT, arg, &v);
		o->out.limit = (size_t)v.whole;
		o->limit_given = 1;
		break;
	case OPT_FORMAT:
		arg_setting(SETTING_FORMAT, arg, &v);
		o->out.format = v.format;
		break;
	case OPT_EXPAND:
		o->out.expand = 1;
		break;
	case OPT_FAIL_IF: {
		struct pt_err err;

		if (gate_parse(&o->gate, arg, GATE_COLS_TOP, &err) < 0)
			usage_error("%s", err.msg);
		break;
	}
	case OPT_COLUMNS:
		arg_setting(SETTING_COLUMNS, arg, &v);
		o->columns = v.columns;
		o->out.columns = &o->columns;
		break;
	case OPT_TREE:
		arg_setting(SETTING_TREE, arg, &v);
		o->out.tree = v.tree;
		o->cli_set |= TUI_SET_TREE;
		break;
	case OPT_ALLOC:
		arg_list(o->allocs, &o->nallocs, ARRAY_SIZE(o->allocs),
			 _("--alloc-pattern: at most 64 patterns, found more with '%s'"), arg);
		o->cli_set |= TUI_SET_ALLOC;
		break;
	default:
		return -1;
	}
	return 0;
}

/* The per-block dump's selection: --pid, --tgid, --comm, --older-than, --now. 0, or -1
 * when c is none of these. */
static int parse_attrib_option(struct top_opts *o, int c, const char *arg)
{
	struct pt_err err;
	struct attrib_opts *a = &o->attrib;
	char *end;

	switch (c) {
	case OPT_PID:
		if (attr_parse_ids("--pid", arg, a->pids, &a->npids, &err) < 0)
			usage_error("%s", err.msg);
		break;
	case OPT_TGID:
		if (attr_parse_ids("--tgid", arg, a->tgids, &a->ntgids, &err) < 0)
			usage_error("%s", err.msg);
		break;
	case OPT_COMM:
		if (attr_parse_comms(a, arg, &err) < 0)
			usage_error("%s", err.msg);
		break;
	case OPT_OLDER_THAN:
		if (attr_parse_duration(arg, &a->older_than) < 0)
			usage_error(_("--older-than: expected a time such as 90s, 10m, 2h or 1d, found '%s'"),
				    arg);
		break;
	case OPT_NOW:
		a->now = strtod_c(arg, &end);
		if (end == arg || *end || !(a->now >= 0 && a->now <= PT_TIME_MAX))
			usage_error(_("--now: expected the seconds since boot at the read (the first number of /proc/uptime), found '%s'"),
				    arg);
		break;
	default:
		return -1;
	}
	return 0;
}

/* --sort blocks, order, key: the per-block dump's groups (model_attrib.h). 0 when it
 * was one of these, else -1 (or the usage error for a bad one). */
static int parse_attrib_sort(struct top_opts *o, const char *arg)
{
	int rc = attr_parse_sort(&o->attrib, arg);

	if (rc < 0)
		usage_error(_("--sort: expected KEY:asc or KEY:desc, found '%s'"), arg);
	return rc == 0 ? 0 : -1;
}

/* Where samples come from: the live kernel's options, saved snapshots'. */
static int parse_source_option(struct top_opts *o, int c, const char *arg)
{
	struct setting_value v;

	switch (c) {
	case 'd':
		arg_setting(SETTING_INTERVAL, arg, &v);
		o->source.interval = v.number;
		o->cli_set |= TUI_SET_INTERVAL;
		break;
	case OPT_LIVE:
		o->live = 1;
		break;
	case OPT_DEBUGFS:
		o->source.debugfs = arg;
		break;
	case OPT_KTHRESH:
		arg_setting(SETTING_KERNEL_THRESHOLD, arg, &v);
		o->source.kernel_threshold = (long)v.whole;
		break;
	case OPT_DROP_PRIVS:
		o->source.drop_privileges = 1;
		break;
	case OPT_ALLOCINFO:
		o->source.allocinfo = 1;
		break;
	case OPT_PAGE_SIZE:
		arg_setting(SETTING_PAGE_SIZE, arg, &v);
		o->source.page_size = (long)v.whole;
		break;
	default:
		return -1;
	}
	return 0;
}

/* Frames as source lines (doc/symbols.md). */
static int parse_symbols_option(struct top_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_VMLINUX:
		o->sym.vmlinux = arg;
		break;
	case OPT_MODULES:
		arg_list(o->module_dirs, &o->sym.nmodule_dirs, TOP_FOLDERS_MAX,
			 _("--modules: at most 32 folders, found more with '%s'"), arg);
		break;
	case OPT_KRELEASE:
		/* it becomes part of the debug info's paths */
		if (!release_ok(arg, strlen(arg)))
			usage_error(_("--kernel-release: expected what uname -r prints (up to 64 letters, digits, '.', '_', '+', '~' or '-', not first '.' or '-', no '..'), found '%s'"),
				    arg);
		o->sym.release = arg;
		break;
	case OPT_SOURCE_DIR:
		arg_list(o->source_dirs, &o->sym.nsource_dirs, TOP_FOLDERS_MAX,
			 _("--source-dir: at most 32 folders, found more with '%s'"), arg);
		break;
	case OPT_SOURCE_MAP:
		if (!strchr(arg, '=') || arg[0] == '=')
			usage_error(_("--source-map: expected OLD=NEW, found '%s'"), arg);
		arg_list(o->source_maps, &o->sym.nsource_maps, TOP_FOLDERS_MAX,
			 _("--source-map: at most 32 maps, found more with '%s'"), arg);
		break;
	case OPT_NO_SYMBOLS:
		o->no_symbols = 1;
		break;
	case OPT_CHECK_SYMBOLS:
		o->check_symbols = 1;
		break;
	default:
		return -1;
	}
	return 0;
}

static void version(void)
{
	printf("pagetop %s\n", PACKAGE_VERSION);
	printf(_("libdw %s\n"), symbols_libdw_version());
	printf(_("Copyright (C) 2026 The pagetop authors.\n"
		 "License GPL-2.0-or-later.\n"
		 "This is free software: you are free to change and redistribute it.\n"
		 "There is NO WARRANTY, to the extent permitted by law.\n"));
}

enum { TOP_RUN = -1 };

/* argv into o, in order: a bad option is a usage error (the process ends with 2).
 * Returns TOP_RUN, or the exit status when there is nothing more to do (--help). */
static int top_parse(int argc, char **argv, struct top_opts *o)
{
	int c;

	top_opts_init(o);
	while ((c = getopt_long(argc, argv, "bn:d:hV", long_opts, NULL)) != -1) {
		if (parse_view_option(o, c, optarg) == 0 || parse_source_option(o, c, optarg) == 0 ||
		    parse_symbols_option(o, c, optarg) == 0 || parse_attrib_option(o, c, optarg) == 0)
			continue;
		switch (c) {
		case 'b':
			o->batch = 1;
			break;
		case OPT_NO_COLOR:
			o->no_color = 1;
			break;
		case OPT_NO_MOUSE:
			o->no_mouse = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			version();
			return 0;
		default:
			fprintf(stderr, _("Try 'pagetop --help' for more information.\n"));
			return 2;
		}
	}
	o->sources = (const char *const *)argv + optind;
	o->nsources = argc - optind;
	return TOP_RUN;
}

/* What no single option says: a SOURCE with --live, the filters together. */
static void top_validate(struct top_opts *o)
{
	struct pt_err err;

	if (o->live && o->nsources)
		usage_error(_("--live reads the running kernel: drop the SOURCE '%s'"), o->sources[0]);
	if (o->source.drop_privileges && o->nsources)
		usage_error(_("--drop-privileges is for the running kernel, not the SOURCE '%s': read files as the user you are"),
			    o->sources[0]);
	if (o->out.columns && o->out.format != OUT_TEXT)
		usage_error(_("--columns: only with --format text (the columns of %s are fixed)"),
			    out_format_name(o->out.format));
	if (o->out.tree != TREE_OFF && o->out.format == OUT_FOLDED)
		usage_error(_("--tree: not with --format %s: folded stacks are a tree already"),
			    "folded");
	if (o->out.tree != TREE_OFF && o->out.format == OUT_OPENMETRICS)
		usage_error(_("--tree: not with --format %s: its series are rows of a sample"),
			    "openmetrics");
	if (o->out.tree != TREE_OFF && o->out.format == OUT_PPROF)
		usage_error(_("--tree: not with --format %s: pprof makes its own trees of the stacks"),
			    "pprof");
	if (o->batch && o->out.format == OUT_PPROF && (o->cli_set & TUI_SET_GROUP) &&
	    o->view.group != GROUP_STACK)
		usage_error(_("--group %s: not with --format pprof: a profile holds stacks, pprof groups them"),
			    group_name(o->view.group));
	if (o->batch && o->out.format == OUT_PPROF && isatty(STDOUT_FILENO))
		usage_error("%s", _("not writing a pprof profile (binary) to a terminal: redirect standard output"));
	if (o->out.tree != TREE_OFF && o->gate.n)
		usage_error(_("--fail-if checks the rows of a sample, not a tree: drop --tree %s"),
			    tree_mode_name(o->out.tree));
	if (o->nsources) {
		/* SOURCE@SEL: one parser for every command (source_select.h) */
		struct sample_sel sel;
		const char *sel_arg = NULL;
		char *path;

		for (int i = 0; i < o->nsources; i++) {
			if (source_arg_split(o->sources[i], &path, &sel, &err) < 0)
				usage_error("%s", err.msg);
			if (sel.pick != SAMPLE_NONE && o->nsources > 1)
				usage_error(_("%s: a sample is picked from one SOURCE (a folder or a recording), not from a list of files"),
					    o->sources[i]);
			if (sel.pick != SAMPLE_NONE) {
				sel_arg = o->sources[i];
				o->select = sel;
				o->select_path = path;
				o->sources = (const char *const *)&o->select_path;
			} else {
				free(path);
			}
		}
		if (o->select.pick != SAMPLE_NONE && o->iterations > 0)
			usage_error(_("-n and a sample (%s) do not go together: the sample says where to stop"),
				    sel_arg);
	}
	/* one sample: live, the first unless -n says */
	if (o->batch && (o->out.format == OUT_OPENMETRICS || o->out.format == OUT_PPROF) &&
	    !o->nsources && !o->iterations)
		o->iterations = 1;
	if (o->gate.n && (!o->batch || o->check_symbols))
		usage_error("%s", _("--fail-if checks the samples of batch mode: add -b"));
	if (attrib_check_opts(&o->attrib, &o->out, o->batch, o->out.tree != TREE_OFF, o->gate.n != 0,
			      &err) < 0)
		usage_error("%s", err.msg);
	if (attrib_opts_active(&o->attrib) && o->attrib.keys[0] == AK_NONE &&
	    (o->view.group == GROUP_FUNCTION || o->view.group == GROUP_MODULE))
		usage_error(_("--group %s: not with --pid, --tgid, --comm, --older-than or --sort blocks, order, key (stack or caller are)"),
			    group_name(o->view.group));
	if (o->nfilters) {
		o->view.filter = filter_new(o->filters, o->nfilters, &err);
		if (!o->view.filter)
			usage_error("%s", err.msg);
	}
}

static void fatal_cleanup(void)
{
	live_restore_threshold();
}

static void warn_stderr(const char *msg)
{
	msg_print(msg);
}

/* 0, 1 and 2 are open before anything else is: a file opened later (a socket, a
 * recording) must not become standard output or error by chance. */
static int open_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		/* the lower ones are open: the lowest free descriptor is this one */
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd) {
			/* stderr may be the one missing: say it where it can be said */
			static const char msg[] = "pagetop: cannot open /dev/null for a closed standard descriptor\n";

			if (fcntl(2, F_GETFD) >= 0 && write(2, msg, sizeof(msg) - 1) < 0) {
				/* nothing more to do */
			}
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct top_opts o;
	int rc;

	if (open_std_fds() < 0)
		return 1;
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
	rc = top_parse(argc, argv, &o);
	if (rc != TOP_RUN)
		return rc;
	top_validate(&o);
	return top_run(&o);
}
