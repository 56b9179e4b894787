/* SPDX-License-Identifier: GPL-2.0-or-later */
/* chart.c - the charts at 100,000 stacks: what keeping every row's whole series costs
 * a sample, what it takes in memory, and what a chart of a row costs to draw.
 *
 * 100,000 stacks by handle (4 frames, 1,000 callers), fed through the model's sink in
 * memory, as a live 6.19+ source does. Each sample, a share of the counts changes (-p,
 * per mille; only rows that change feed their series). Prints the median time of a
 * sample's update (sink counts, end), the model's bytes and those of the charts' series
 * per stack, then the median time of the selected row's chart as the UI draws it:
 * model_chart() into the 178 columns of a 100-column panel in braille and
 * chart_render() of its 12 lines, the same for the total, and the header's sparkline
 * data (24 columns of the total), and the chart of a call tree's node over every stack
 * (model_chart_sum(), as c on a root above all of them reads it): all at once, and the
 * frames the UI's slices take and the longest of them (the median over 20 sums).
 *
 * Times are CPU times of the thread (the machine may be busy), medians.
 *
 * usage: chart [-n SAMPLES] [-s STACKS] [-p PER_MILLE]
 * defaults: 600 samples, 100,000 stacks, 50 per mille (5%). Built by bench/run.sh
 * against src/libpagetop.a; with -DNO_CHART it leaves the charts out, to be built
 * against a library from before them and compare the update. */
#define _GNU_SOURCE
#include "bench.h"
#ifndef NO_CHART
#include "tui_chart.h"
#include "tui_tree.h"
#endif

int main(int argc, char **argv)
{
	bench_prog = "chart";
	long samples = 600, nstacks = 100000, per_mille = 50, reps = 200;
	struct pt_err err = { { 0 } };

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			samples = atol(argv[i + 1]);
		else if (strcmp(argv[i], "-s") == 0)
			nstacks = atol(argv[i + 1]);
		else if (strcmp(argv[i], "-p") == 0)
			per_mille = atol(argv[i + 1]);
	}
	if (samples < 2 || nstacks < 1 || per_mille < 0 || per_mille > 1000) {
		fprintf(stderr, "usage: chart [-n SAMPLES] [-s STACKS] [-p PER_MILLE]\n");
		return 2;
	}

	struct model *m = model_new();
	struct sink sink = model_sink(m);
	struct source_meta meta = {
		.name = "chart", .kind = "live", .iface = IFACE_HANDLES, .unit = UNIT_PAGES,
		.page_size = 4096, .page_size_known = 1, .series = 0, .nsamples = -1,
	};
	uint64_t *count = malloc((size_t)nstacks * sizeof(uint64_t));
	double *t_sample = malloc((size_t)samples * sizeof(double));
	double *t_chart = malloc((size_t)reps * sizeof(double));
	double *t_total = malloc((size_t)reps * sizeof(double));
	double *t_spark = malloc((size_t)reps * sizeof(double));
	size_t changes = (size_t)(nstacks * per_mille / 1000);
#ifndef NO_CHART
	const struct stack *big = NULL;
	enum { W = 100, H = 12 };
	int nc = chart_plot_cols(W, H, 1);
	int64_t cmin[512], cmax[512];
#endif

	check(sink.ops->meta(sink.self, &meta, &err), &err, "meta");
	for (long i = 0; i < nstacks; i++)
		count[i] = 1 + rnd() % 4096;
	for (long k = 0; k < samples; k++) {
		struct sample_info si = { .time = (double)k, .time_abs = 0, .seq = (uint64_t)k };
		double t0;

		for (size_t c = 0; k > 0 && c < changes; c++) {
			size_t i = per_mille == 1000 ? c : rnd() % (uint64_t)nstacks;

			count[i] = rnd() % 2 || count[i] < 16 ? count[i] + 1 + count[i] / 16 :
								 count[i] - count[i] / 16;
		}
		check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
		if (k == 0) {
			for (long i = 0; i < nstacks; i++) {
				char f1[64], f2[64];
				struct frame_text ft[4] = {
					{ .s = "prep_new_page+0x17/0x43" },
					{ .s = "get_page_from_freelist+0x695/0x6fa" },
					{ .s = f1 }, { .s = f2 },
				};
				struct stack_rec rec;

				snprintf(f1, sizeof(f1), "caller%ld+0x%lx/0x400", i % 1000, i % 977);
				snprintf(f2, sizeof(f2), "outer%ld+0x10/0x200", i / 1000);
				for (int f = 0; f < 4; f++)
					ft[f].len = (uint32_t)strlen(ft[f].s);
				memset(&rec, 0, sizeof(rec));
				rec.frames = ft;
				rec.nframes = 4;
				rec.handle = 1 + (uint64_t)i;
				check(sink.ops->stack(sink.self, &rec, &err), &err, "stack");
			}
		}
		t0 = cpu_ms();
		for (long i = 0; i < nstacks; i++)
			check(sink.ops->count(sink.self, 1 + (uint64_t)i, count[i], &err), &err,
			      "count");
		check(sink.ops->end(sink.self, &err), &err, "end");
		t_sample[k] = cpu_ms() - t0;
	}
	printf("stacks: %ld, samples: %ld, counts changing per sample: %zu\n", nstacks, samples,
	       changes);
	printf("sample_ms: %.2f\n", median(t_sample + 1, (size_t)samples - 1));
	printf("model_mib: %.1f\n", model_mem_bytes(m) / 1048576.0);
#ifndef NO_CHART
	printf("chart_mib: %.1f\n", model_chart_bytes(m) / 1048576.0);
	printf("chart_bytes_per_stack: %.0f\n", (double)model_chart_bytes(m) / (double)nstacks);

	/* the row the UI would chart first: the largest */
	for (size_t id = 0; id < model_nstacks(m); id++) {
		const struct stack *st = model_stack(m, (uint32_t)id);

		if (st && (!big || st->s.now > big->s.now))
			big = st;
	}
	for (long r = 0; r < reps; r++) {
		struct chart c;
		uint32_t n = model_nsamples(m);
		double t0 = cpu_ms();
		char *text;

		memset(&c, 0, sizeof(c));
		c.ncols = model_chart(m, &big->s, 0, n - 1, nc, cmin, cmax);
		c.cmin = cmin;
		c.cmax = cmax;
		c.nsamples = n;
		c.peak_sample = c.base_sample = 0;
		c.mark_sample = -1;
		c.page_size = 4096;
		c.title = "the largest stack";
		c.t_first = "+0.0 s";
		c.t_last = "+599.0 s";
		c.utf8 = 1;
		text = chart_render(&c, W, H);
		t_chart[r] = cpu_ms() - t0;
		free(text);
		t0 = cpu_ms();
		c.ncols = model_chart_total(m, 0, n - 1, nc, cmin, cmax);
		text = chart_render(&c, W, H);
		t_total[r] = cpu_ms() - t0;
		free(text);
		t0 = cpu_ms();
		model_chart_total(m, 0, n - 1, 24, cmin, cmax);
		t_spark[r] = cpu_ms() - t0;
	}
	{
		/* a tree node above every stack: its chart sums them all */
		const struct counter **all = malloc(model_nstacks(m) * sizeof(*all));
		double t_node[20];
		size_t nall = 0;

		for (size_t id = 0; id < model_nstacks(m); id++) {
			const struct stack *st = model_stack(m, (uint32_t)id);

			if (st)
				all[nall++] = &st->s;
		}
		for (int r = 0; r < 20; r++) {
			double t0 = cpu_ms();

			model_chart_sum(m, all, nall, 0, model_nsamples(m) - 1, nc, cmin, cmax);
			t_node[r] = cpu_ms() - t0;
		}
		printf("chart_node_all_ms: %.1f\n", median(t_node, 20));
		/* as c draws it: slices of TREE_CHART_SLICE_MS (whole chunks of
		 * TREE_CHART_CHUNK stacks), one a frame */
		for (int r = 0; r < 20; r++) {
			struct chart_sum *cs = model_chart_sum_begin(m, 0, model_nsamples(m) - 1, nc);
			double worst = 0;
			int frames = 0;

			for (size_t done = 0; done < nall; frames++) {
				double t0 = cpu_ms(), ms;

				do {
					size_t k = nall - done < TREE_CHART_CHUNK ? nall - done :
										  TREE_CHART_CHUNK;

					model_chart_sum_add(cs, all + done, k);
					done += k;
					ms = cpu_ms() - t0;
				} while (done < nall && ms < TREE_CHART_SLICE_MS);
				if (ms > worst)
					worst = ms;
			}
			model_chart_sum_end(cs, cmin, cmax);
			t_node[r] = worst;
			if (r == 0)
				printf("chart_node_frames: %d\n", frames);
		}
		printf("chart_node_frame_ms: %.1f\n", median(t_node, 20));
		free(all);
	}
	printf("chart_row_us: %.1f\n", median(t_chart, (size_t)reps) * 1e3);
	printf("chart_total_us: %.1f\n", median(t_total, (size_t)reps) * 1e3);
	printf("sparkline_total_us: %.1f\n", median(t_spark, (size_t)reps) * 1e3);
#endif
	model_free(m);
	free(count);
	free(t_sample);
	free(t_chart);
	free(t_total);
	free(t_spark);
	return 0;
}
