/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symres.c - resolves frames read from standard input with the symbols service and
 * prints one tab-separated line per frame, for tests/lab/symbols-live.sh (which compares
 * them with eu-addr2line) and bench/symbols.sh (which times them).
 *
 *   symres [-v VMLINUX] [-m DIR]... [-r RELEASE] [-b BUILDID] [-s SRCDIR] [-t] < frames
 *
 * Line: FRAME \t STATUS \t OBJECT \t SECTION \t SECTION_OFFSET \t ADDRESS \t
 *       FUNCTION@FILE:LINE:COLUMN (one field per level, innermost first) | REASON
 * -t: timings on standard error: cold (everything, loading vmlinux included), the first
 * frame alone (the loading), each later frame (the libdw session warm), and lookups of
 * answers already there. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct symbols_opts o;
	const char *mdirs[16], *sdirs[16];
	struct symbols *s;
	struct pt_err err;
	char **frames = NULL, line[4096];
	size_t n = 0, cap = 0;
	int timing = 0, c;
	double t0, t1, tl;

	symbols_opts_init(&o);
	while ((c = getopt(argc, argv, "v:m:r:b:s:t")) != -1) {
		switch (c) {
		case 'v': o.vmlinux = optarg; break;
		case 'm': if (o.nmodule_dirs < 16) mdirs[o.nmodule_dirs++] = optarg; break;
		case 'r': o.release = optarg; break;
		case 'b': o.vmlinux_build_id = optarg; break;
		case 's': if (o.nsource_dirs < 16) sdirs[o.nsource_dirs++] = optarg; break;
		case 't': timing = 1; break;
		default:
			fprintf(stderr, "usage: symres [-v VMLINUX] [-m DIR]... [-r R] [-b ID] [-s DIR] [-t]\n");
			return 2;
		}
	}
	o.module_dirs = mdirs;
	o.source_dirs = sdirs;
	while (fgets(line, sizeof(line), stdin)) {
		size_t l = strlen(line);
		char *p = line;

		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			frames = xreallocarray(frames, cap, sizeof(*frames));
		}
		frames[n++] = xstrdup(p);
	}
	t0 = time_mono();
	o.preload = 1;
	s = symbols_new(&o, &err);
	if (!s) {
		fprintf(stderr, "symres: %s\n", err.msg);
		return 1;
	}
	/* the first frame pays for loading vmlinux */
	if (n) {
		symbols_request(s, frames[0], strlen(frames[0]));
		symbols_wait(s);
	}
	tl = time_mono();
	for (size_t i = 0; i < n; i++)
		symbols_request(s, frames[i], strlen(frames[i]));
	symbols_wait(s);
	t1 = time_mono();
	for (size_t i = 0; i < n; i++) {
		const struct sym_result *r = symbols_lookup(s, frames[i], strlen(frames[i]));

		if (!r) {
			printf("%s\tmissing\n", frames[i]);
			continue;
		}
		printf("%s\t%s\t%s\t%s\t0x%llx\t0x%llx", frames[i], sym_status_name(r->status),
		       r->object ? r->object : "-", r->section ? r->section : "-",
		       (unsigned long long)r->section_offset, (unsigned long long)r->addr);
		if (r->status == SYM_OK || r->status == SYM_NO_LINE) {
			for (unsigned k = 0; k < r->nframes; k++) {
				const struct sym_frame *f = &r->frames[k];

				printf("\t%s@%s:%u:%u", f->function ? f->function : "??",
				       f->file ? f->file : "??", f->line, f->column);
			}
			if (r->nframes && r->frames[0].source)
				printf("\t|%s", r->frames[0].source);
		} else {
			printf("\t%s", r->reason ? r->reason : "");
		}
		putchar('\n');
	}
	if (timing) {
		const int reps = 20;
		volatile const struct sym_result *sink = NULL;
		struct symbols_progress p;
		double t2, t3;

		symbols_progress(s, &p);
		t2 = time_mono();
		for (int k = 0; k < reps; k++)
			for (size_t i = 0; i < n; i++)
				sink = symbols_lookup(s, frames[i], strlen(frames[i]));
		t3 = time_mono();
		(void)sink;
		fprintf(stderr, "frames %zu distinct %llu\n", n, (unsigned long long)p.requested);
		fprintf(stderr, "cold_total_s %.3f\n", t1 - t0);
		fprintf(stderr, "first_frame_s %.3f\n", tl - t0);
		fprintf(stderr, "resolve_us %.1f\n",
			p.requested > 1 ? (t1 - tl) * 1e6 / (double)(p.requested - 1) : 0.0);
		fprintf(stderr, "cached_lookup_us %.3f\n",
			(t3 - t2) * 1e6 / (double)(reps * (n ? n : 1)));
		/* warm resolution: the same addresses again, through texts the cache has
		 * not seen (a leading zero in the offset), with every object and unit
		 * already loaded: what answering a new frame costs once libdw is warm */
		{
			char **alt = xcalloc(n ? n : 1, sizeof(*alt));
			size_t na = 0;
			double t4, t5;

			for (size_t i = 0; i < n; i++) {
				char *plus = strstr(frames[i], "+0x");

				if (!plus)
					continue;
				alt[na++] = xasprintf("%.*s+0x0%s", (int)(plus - frames[i]),
						      frames[i], plus + 3);
			}
			t4 = time_mono();
			for (size_t i = 0; i < na; i++)
				symbols_request(s, alt[i], strlen(alt[i]));
			symbols_wait(s);
			t5 = time_mono();
			fprintf(stderr, "warm_resolve_us %.1f\n",
				na ? (t5 - t4) * 1e6 / (double)na : 0.0);
			for (size_t i = 0; i < na; i++)
				free(alt[i]);
			free(alt);
		}
	}
	symbols_free(s);
	for (size_t i = 0; i < n; i++)
		free(frames[i]);
	free(frames);
	return 0;
}
