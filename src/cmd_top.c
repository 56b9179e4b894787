/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_top.c - pagetop without a subcommand, once its options are read (main.c): opens
 * the source, runs the screen or the batch loop, starts the symbols when frames are
 * shown, and --check-symbols. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_attrib.h"
#include "cmd_top.h"
#include "cmd_select.h"
#include "host.h"
#include "source_live.h"
#include "symbols_report.h"
#include "tui.h"
#include "util.h"

/* The model batch mode leaves to the exit (see the end of top_run). */
/* volatile: a store the compiler cannot drop, so leak checkers still see the model */
static struct model *volatile exit_model;

void top_opts_init(struct top_opts *o)
{
	memset(o, 0, sizeof(*o));
	symbols_opts_init(&o->sym);
	view_opts_init(&o->view);
	source_opts_init(&o->source);
	attrib_opts_init(&o->attrib);
}

/* ---- the batch loop ---- */

struct batch_run {
	struct source *src;
	struct model *m;
	struct view_opts vo;
	struct out_opts oo;
	const struct gate *gate;  /* --fail-if, or NULL */
	long iterations;
	int only_last;        /* print only the sample read last (a SOURCE@SEL) */
	long nread;           /* samples read */
};

/* The failure stack counts pages whose stack the kernel could not save: say when it grows. */
static void batch_check_failures(const struct model *m, int64_t *seen)
{
	const struct stack *fs = model_special(m, SK_FAILURE);

	if (fs && *seen >= 0 && fs->s.now > *seen)
		diag_warn(_("the failure stack grew by %lld pages: the kernel's stack depot is full and stacks are being lost"),
			  (long long)(fs->s.now - *seen));
	if (fs)
		*seen = fs->s.now;
}

/* --fail-if on every row of a printed sample: the rows that meet it said on standard
 * error. 1 when some did. */
static int batch_gate(const struct batch_run *b, const struct view *v)
{
	long ps = model_page_size(b->m);
	int utf8 = text_locale_utf8(), tripped = 0;

	if (!b->gate)
		return 0;
	for (size_t i = 0; i < v->nrows; i++) {
		const struct row *r = &v->rows[i];
		const struct counter *s = r->s;
		double val[GATE__N] = { 0 };
		const struct gate_cond *c;
		struct pt_err msg;
		char num[64];
		int k;

		val[GATE_PAGES] = val[GATE_BYTES] = (double)s->now;
		val[GATE_DELTA] = (double)s->delta;
		val[GATE_RATE] = s->rate;
		val[GATE_DELTA_BASE] = (double)s->delta_base;
		val[GATE_PEAK] = (double)s->peak;
		val[GATE_SCORE] = s->score;
		k = gate_check(b->gate, val, ps, v->total_pages);
		if (k < 0)
			continue;
		if (++tripped > GATE_ROWS_SAID)
			continue;
		c = &b->gate->c[k];
		if (c->col == GATE_BYTES)
			val[GATE_BYTES] = val[GATE_PAGES] * (double)ps;
		pt_err_set(&msg, _("%s at sample %u: %s (%s %s)"), c->text, model_nsamples(b->m) - 1,
			   model_label(b->m, view_row_label(b->m, r, utf8)), gate_col_name(c->col),
			   gate_value_text(c->col, val[c->col], num, sizeof(num)));
		msg_print(msg.msg);
	}
	if (tripped > GATE_ROWS_SAID)
		diag_warn(_("--fail-if: and %d more rows"), tripped - GATE_ROWS_SAID);
	return tripped > 0;
}

static int run_batch(struct batch_run *b)
{
	struct sink sink = model_sink(b->m);
	struct view v;
	struct tree tree;
	struct pt_err err;
	long n = 0;
	int64_t fail_seen = -1;
	int started = 0, rc = 0, tripped;
	/* one sample, the last: folded of a series, openmetrics and pprof always */
	int folded_last = (b->oo.format == OUT_FOLDED && source_meta(b->src)->series) ||
			  b->oo.format == OUT_OPENMETRICS || b->oo.format == OUT_PPROF;
	struct live_stats ls = { 0 };

	view_init(&v);
	/* live always; other sources when their first sample printed has the counters */
	b->oo.system = live_get_stats(b->src, &ls) == 0;
	b->oo.mem = model_meminfo(b->m);
	tree_init(&tree);
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
		b->nread = n;
		batch_check_failures(b->m, &fail_seen);
		if (folded_last || (b->only_last && n < b->iterations))
			continue;
		if (b->oo.tree != TREE_OFF) {
			model_tree(b->m, &b->vo, b->oo.tree, &tree);
			tree_sort(&tree, TREE_NONE); /* every node is printed */
		} else
			model_view(b->m, &b->vo, &v);
		if (!started) {
			started = 1;
			if (model_meminfo(b->m)->valid)
				b->oo.system = 1;
			if (output_begin(stdout, b->m, &b->oo) < 0)
				goto write_error;
		}
		/* said even when the output is gone (a closed pipe); not of a tree */
		tripped = b->oo.tree == TREE_OFF && batch_gate(b, &v);
		if (tripped)
			rc = GATE_EXIT;
		if (b->oo.tree != TREE_OFF ? output_tree(stdout, b->m, &b->vo, &tree, &b->oo) < 0
					   : output_sample(stdout, b->m, &b->vo, &v, &b->oo) < 0)
			goto write_error;
		if (tripped)
			break;
	}
	if (folded_last && n && (!b->only_last || n == b->iterations)) {
		model_view(b->m, &b->vo, &v);
		if (batch_gate(b, &v))
			rc = GATE_EXIT;
		if (output_sample(stdout, b->m, &b->vo, &v, &b->oo) < 0)
			goto write_error;
	}
	view_free(&v);
	tree_free(&tree);
	return rc;
write_error:
	view_free(&v);
	tree_free(&tree);
	if (errno == EPIPE)
		return rc;
	fprintf(stderr, _("pagetop: cannot write the output: %s\n"), strerror(errno));
	return 1;
}

/* SOURCE@SEL: read up to that sample and print only it. 0, or -1 said. */
static int batch_select(struct batch_run *b, const struct top_opts *o)
{
	struct pt_err err;
	uint64_t k;

	if (o->select.pick == SAMPLE_NONE)
		return 0;
	if (select_sample(o->sources[0], &o->select, &o->source, &k, &err) < 0) {
		msg_print(err.msg);
		return -1;
	}
	b->iterations = k >= (uint64_t)LONG_MAX ? LONG_MAX : (long)k + 1;
	b->only_last = 1;
	return 0;
}

/* ---- symbols (doc/symbols.md) ---- */

/* What the symbols are told about the source besides the options (symbols_new() copies
 * it all). */
struct sym_ids {
	char release[256], build_id[BUILD_ID_HEX_MAX];
	struct symbols_modid mids[512];
	char mid_names[512][64];
};

/* A recording carries the build ids of the modules that were loaded: "NAME HEX". */
static void sym_module_ids(struct symbols_opts *so, struct sym_ids *ids,
			   const char *const *list)
{
	size_t n = 0;

	while (list[n] && n < ARRAY_SIZE(ids->mids))
		n++;
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(list[i], ' ');

		if (!sp)
			continue;
		snprintf(ids->mid_names[so->nmodule_ids], sizeof(ids->mid_names[0]), "%.*s",
			 (int)(sp - list[i]), list[i]);
		ids->mids[so->nmodule_ids].name = ids->mid_names[so->nmodule_ids];
		ids->mids[so->nmodule_ids].hex = sp + 1;
		so->nmodule_ids++;
	}
	so->module_ids = ids->mids;
}

/* Only when frames are shown expanded or checked: libdw costs nothing otherwise. */
static struct symbols *symbols_start(const struct top_opts *o, const struct source_meta *mt,
				     int preload)
{
	struct sym_ids *ids = xcalloc(1, sizeof(*ids));
	struct symbols_opts so = o->sym;
	struct pt_err err;
	struct symbols *s;

	so.module_dirs = o->module_dirs;
	so.source_dirs = o->source_dirs;
	so.source_maps = o->source_maps;
	so.live = mt->kind && strcmp(mt->kind, "live") == 0;
	if (!so.release)
		so.release = mt->kernel_release;
	if (!so.release && so.live && host_kernel_release(ids->release, sizeof(ids->release)) == 0)
		so.release = ids->release;
	so.vmlinux_build_id = mt->kernel_build_id;
	if (!so.vmlinux_build_id && mt->kind && strcmp(mt->kind, "folder") == 0 && mt->name) {
		/* a folder of snapshots may keep the kernel's notes */
		char *notes = xasprintf("%s/kernel-notes.bin", mt->name);
		struct stat st;

		if (lstat(notes, &st) == 0) {
			if (notes_build_id(notes, ids->build_id, sizeof(ids->build_id), &err) == 0)
				so.vmlinux_build_id = ids->build_id;
			else
				diag_warn("%s", err.msg);
		}
		free(notes);
	}
	if (!so.nmodule_ids && mt->module_build_ids)
		sym_module_ids(&so, ids, mt->module_build_ids);
	so.preload = preload;
	s = symbols_new(&so, &err);
	if (!s)
		msg_print(err.msg);
	free(ids);
	return s;
}

/* Once, after the output: objects whose frames got no lines, and why. */
static void symbols_warn(struct symbols *s)
{
	struct sym_object *v;
	size_t n = symbols_objects(s, &v);
	int missing = 0, carried = sym_carry_count() > 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].state == SOBJ_OK || v[i].state == SOBJ_UNUSED)
			continue;
		/* the recording's own lines stood in for it */
		if (carried && (v[i].state == SOBJ_MISSING || v[i].state == SOBJ_MISMATCH))
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
static int run_check_symbols(struct batch_run *b, const struct top_opts *o)
{
	struct sink sink = model_sink(b->m);
	struct sym_report rep;
	struct symbols *s;
	struct pt_err err;
	long n = 0, max = b->iterations > 0 ? b->iterations : source_meta(b->src)->series ? 0 : 1;
	int rc;

	s = symbols_start(o, source_meta(b->src), 1);
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
	b->nread = n;
	symbols_report_build(s, b->m, 1, &rep);
	if (symbols_report_print(stdout, &rep) < 0 || fflush(stdout) != 0)
		rc = 1;
	else
		rc = symbols_report_usable(&rep) ? 0 : 1;
	symbols_report_free(&rep);
	symbols_free(s);
	return rc;
}

/* ---- the screen ---- */

/* The UI until q; batch output when there is no terminal. *sym: the symbols it used. */
static int run_screen(struct batch_run *b, const struct top_opts *o, struct symbols **sym)
{
	struct tui_opts to;
	int rc;

	if (o->select.pick != SAMPLE_NONE && o->select.pick != SAMPLE_PEAK &&
	    source_meta(b->src)->nsamples >= 0) {
		/* a folder's length is known: a sample it lacks is said before the screen */
		struct pt_err err;
		uint64_t k;

		if (sample_sel_resolve(&o->select, (uint64_t)source_meta(b->src)->nsamples, 0, &k,
				       &err) < 0) {
			select_too_few(o->sources[0], &o->select,
				       (uint64_t)source_meta(b->src)->nsamples, &err);
			msg_print(err.msg);
			return 1;
		}
	}
	memset(&to, 0, sizeof(to));
	to.view = b->vo;
	to.tree = b->oo.tree;
	to.iterations = (int)b->iterations;
	to.no_color = o->no_color;
	to.no_mouse = o->no_mouse;
	to.cli_set = o->cli_set;
	to.interval = o->source.interval;
	to.filters = o->filters;
	to.nfilters = o->nfilters;
	/* libdw loads nothing until a row is expanded */
	if (!o->no_symbols)
		*sym = to.sym = symbols_start(o, source_meta(b->src), 0);
	if (o->nallocs) {
		to.alloc = o->allocs;
		to.nalloc = o->nallocs;
	}
	to.start = o->select;
	to.attrib = &o->attrib;
	to.paths = o->sources;
	to.npaths = o->nsources;
	to.source_opts = &o->source;
	/* a bad uptime file stops the screen only when ages are asked for (said) */
	if (attrib_clock(b->src, &o->attrib, o->sources ? o->sources[0] : NULL, &to.attr_clock) < 0 &&
	    (o->attrib.keys[0] == AK_AGE || o->attrib.keys[1] == AK_AGE || o->attrib.older_than >= 0))
		return 1;
	rc = tui_run(b->src, b->m, &to);
	if (rc < 0 && attrib_opts_active(&o->attrib)) /* no terminal UI here: batch output */
		rc = attrib_run(b->src, b->m, &o->attrib, &b->oo, o->sources ? o->sources[0] : NULL,
				b->iterations, b->only_last, &b->nread);
	else if (rc < 0)
		rc = batch_select(b, o) < 0 ? 1 : run_batch(b);
	return rc;
}

int top_run(struct top_opts *o)
{
	struct batch_run b;
	struct symbols *sym = NULL;
	struct pt_err err;
	int rc;

	/* machine-readable numbers never take the locale's decimal comma */
	if (o->batch && o->out.format != OUT_TEXT)
		setlocale(LC_NUMERIC, "C");
	/* before the source may change count_threshold: every signal puts it back */
	live_install_signal_handlers();
	memset(&b, 0, sizeof(b));
	if (source_open(&b.src, o->sources, o->nsources, &o->source, &err) < 0) {
		msg_print(err.msg);
		filter_free(o->view.filter);
		free(o->select_path);
		return 1;
	}
	b.m = model_new();
	b.vo = o->view;
	b.oo = o->out;
	if (o->batch && o->out.format == OUT_OPENMETRICS) {
		/* a series each row: few by default (doc/formats.md) */
		if (!(o->cli_set & TUI_SET_GROUP))
			b.vo.group = GROUP_CALLER;
		if (!o->limit_given)
			b.oo.limit = 20;
	}
	if (o->batch && o->out.format == OUT_PPROF)
		b.vo.group = GROUP_STACK; /* pprof groups a profile's stacks itself */
	b.iterations = o->iterations;
	if ((o->batch || o->check_symbols) && batch_select(&b, o) < 0) {
		source_close(b.src);
		model_free(b.m);
		filter_free(o->view.filter);
		free(o->select_path);
		return 1;
	}
	b.vo.limit = o->batch ? b.oo.limit : 0;
	b.vo.top_only = o->batch; /* batch output prints only the first rows */
	if (o->gate.n) {
		/* the gate sees every row, printed or not */
		b.gate = &o->gate;
		b.vo.limit = 0;
		b.vo.top_only = 0;
	}
	if (o->nallocs)
		model_set_alloc_patterns(b.m, o->allocs, o->nallocs);
	/* an allocinfo call site names its source line itself: only its text is looked up */
	if (o->batch && b.oo.expand && !o->no_symbols && !o->check_symbols &&
	    (source_meta(b.src)->unit != UNIT_BYTES || o->sym.nsource_dirs) &&
	    (b.oo.format == OUT_TEXT || b.oo.format == OUT_JSON))
		sym = b.oo.sym = symbols_start(o, source_meta(b.src),
					       source_meta(b.src)->unit != UNIT_BYTES);
	if (o->batch && b.oo.format == OUT_PPROF && !o->no_symbols && !o->check_symbols)
		sym = b.oo.sym = symbols_start(o, source_meta(b.src), 1);
	if (attrib_opts_active(&o->attrib)) {
		if (o->attrib.keys[0] == AK_NONE && o->view.group == GROUP_CALLER)
			o->attrib.keys[0] = AK_CALLER; /* --group caller with a selection */
		if (!o->attrib.sort_given) { /* --sort pages, label: the groups' too */
			o->attrib.sort = o->view.key == KEY_LABEL ? ATTR_SORT_KEY : ATTR_SORT_PAGES;
			o->attrib.ascending = o->view.ascending;
		}
	}
	if (o->check_symbols)
		rc = run_check_symbols(&b, o);
	else if (o->batch && attrib_opts_active(&o->attrib)) {
		rc = attrib_run(b.src, b.m, &o->attrib, &b.oo, o->sources ? o->sources[0] : NULL,
				b.iterations, b.only_last, &b.nread);
	} else if (!o->batch)
		rc = run_screen(&b, o, &sym);
	else {
		if (b.vo.group == GROUP_STACK && b.oo.tree == TREE_OFF)
			model_groups_off(b.m); /* printed as stacks: no group is asked for */
		rc = run_batch(&b);
	}
	if (rc == 0 && b.only_last && b.nread < b.iterations) {
		select_too_few(o->sources[0], &o->select, (uint64_t)b.nread, &err);
		msg_print(err.msg);
		rc = 1;
	}
	if (sym) {
		/* the UI says it on its status line; a profile's lines are only asked for
		 * with --vmlinux or --modules */
		if (o->batch && (b.oo.format != OUT_PPROF || o->sym.vmlinux || o->sym.nmodule_dirs))
			symbols_warn(sym);
		symbols_free(sym);
	}
	source_close(b.src);
	live_restore_threshold();
	if (o->batch && !getenv("PAGETOP_FREE_AT_EXIT")) {
		/* Tearing down 100k stacks only to exit costs more than the kernel's unmap:
		 * leave the model to the exit (it stays reachable, so leak checkers agree;
		 * the tests free it to check that freeing works). */
		exit_model = b.m;
	} else {
		model_free(b.m);
	}
	filter_free(o->view.filter);
	free(o->select_path);
	attrib_opts_free(&o->attrib);
	return rc;
}
