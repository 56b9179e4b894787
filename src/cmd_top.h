/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_top.h - pagetop without a subcommand: its options (main.c fills them from argv)
 * and running them, on the screen or as batch output. */
#ifndef PAGETOP_CMD_TOP_H
#define PAGETOP_CMD_TOP_H

#include <stddef.h>

#include "model.h"
#include "model_attrib.h"
#include "output.h"
#include "settings.h"
#include "settings_gate.h"
#include "source.h"
#include "source_select.h"
#include "symbols.h"

#define TOP_FILTERS_MAX 31      /* --filter */
#define TOP_FOLDERS_MAX 32      /* --modules, --source-dir, --source-map each */

struct top_opts {
	int batch;                      /* -b */
	int live;                       /* --live */
	long iterations;                /* -n; 0: until the end (or q) */
	struct view_opts view;          /* --sort, --group, --threshold; its filter is
					 * built from filters[] (top_validate()) */
	struct out_opts out;            /* --format, --limit, --expand, --columns */
	struct settings_columns columns; /* --columns (out.columns points here) */
	struct gate gate;               /* --fail-if (gate.n 0: none) */
	int limit_given;                /* --limit (openmetrics has its own default) */
	struct source_opts source;      /* -d, --debugfs, --kernel-threshold,
					 * --drop-privileges, --page-size */
	struct symbols_opts sym;        /* --vmlinux, --kernel-release, and the lists: */
	const char *module_dirs[TOP_FOLDERS_MAX];
	const char *source_dirs[TOP_FOLDERS_MAX];
	const char *source_maps[TOP_FOLDERS_MAX];
	int no_symbols;                 /* --no-symbols */
	int check_symbols;              /* --check-symbols */
	const char *filters[TOP_FILTERS_MAX + 1];
	size_t nfilters;
	const char *allocs[SETTINGS_PATTERNS_MAX]; /* --alloc-pattern */
	size_t nallocs;
	int no_color, no_mouse;
	unsigned cli_set;               /* TUI_SET_*: what the settings file may not change */
	const char *const *sources;     /* SOURCE...; none: the live kernel */
	int nsources;
	struct sample_sel select;       /* SOURCE@SEL: sources[0] is then the path alone */
	char *select_path;              /* that path (allocated) */
	struct attrib_opts attrib;      /* --group by task, cgroup or block; --pid, --tgid,
					 * --comm, --older-than, --now (per-block dump) */
};

/* The options as they are before any is given. */
void top_opts_init(struct top_opts *o);

/* Opens the source and shows it: the screen (batch output when there is no terminal),
 * batch output, or --check-symbols' report. Returns the exit status (0, or 1 for an
 * error, said on standard error; GATE_EXIT when a row met --fail-if). Frees o->view.filter. */
int top_run(struct top_opts *o);

#endif
