/* SPDX-License-Identifier: GPL-2.0-or-later */
/* allocinfo.c - one live tick of /proc/allocinfo, on a file of 10,000 call sites.
 *
 * What pagetop's live source does per interval with allocinfo: read the file, parse its
 * lines into the model, end the sample, build the sorted view. The input is a real 6.12
 * /proc/allocinfo (about 1,200 lines) grown to LINES call sites by copies of its lines in
 * made-up files (a distribution kernel has a few thousand); two versions of it, B with
 * ~5% of the sizes changed, are written to files first and read alternately, from the page
 * cache as the kernel's text would come.
 *
 * usage: allocinfo ALLOCINFO_FILE [LINES [UPDATES]]
 * Prints each time and, last, "median_cpu_ms: X" (this thread's CPU time) and
 * "median_ms: X" (wall). Built by bench/run.sh against src/libpagetop.a. */
#define _GNU_SOURCE
#include <unistd.h>

#include "bench.h"

/* The lines of the real file (after its two header lines), grown to n lines: copy k of
 * a line names its file "FILE.k" (k > 0). Sizes of every twentieth line differ in B. */
static char *grow(const char *src, size_t len, size_t n, int b, size_t *out_len)
{
	size_t cap = n * 96 + 256, o = 0, made = 0;
	char *buf = malloc(cap);
	const char *body = src, *end = src + len;

	o += (size_t)snprintf(buf, cap, "allocinfo - version: 1.0\n#     <size>  <calls> <tag info>\n");
	for (int skip = 0; skip < 2 && body < end; skip++)
		body = memchr(body, '\n', (size_t)(end - body)) + 1;
	for (size_t k = 0; made < n; k++) {
		for (const char *p = body; p < end && made < n;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t ln = (size_t)((nl ? nl : end) - p);
			long long size;
			unsigned long long calls;
			char tag[640];

			if (o + ln + 64 > cap)
				buf = realloc(buf, cap *= 2);
			if (sscanf(p, "%lld %llu %639[^\n]", &size, &calls, tag) == 3) {
				char *sp = strchr(tag, ' ');
				char *colon = sp ? memrchr(tag, ':', (size_t)(sp - tag)) : NULL;

				if (b && made % 20 == 0)
					size += 4096, calls++;
				if (k && colon) /* FILE:LINE -> FILE.k:LINE */
					o += (size_t)snprintf(buf + o, cap - o, "%12lld %8llu %.*s.%zu%s\n",
							      size, calls, (int)(colon - tag), tag, k,
							      colon);
				else
					o += (size_t)snprintf(buf + o, cap - o, "%12lld %8llu %s\n", size,
							      calls, tag);
				made++;
			}
			p = nl ? nl + 1 : end;
		}
	}
	*out_len = o;
	return buf;
}

static void write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	bench_prog = "allocinfo";
	if (argc < 2) {
		fprintf(stderr, "usage: allocinfo ALLOCINFO_FILE [LINES [UPDATES]]\n");
		return 2;
	}
	size_t lines = argc > 2 ? (size_t)atol(argv[2]) : 10000, len, la, lb;
	int n = argc > 3 ? atoi(argv[3]) : 50;
	if (n < 1)
		n = 50;
	diag_set_sink(quiet);
	char *real = slurp(argv[1], &len);
	char *a = grow(real, len, lines, 0, &la), *b = grow(real, len, lines, 1, &lb);
	char path[2][64];
	snprintf(path[0], sizeof(path[0]), "/tmp/pagetop-bench-allocinfo.%d.a", (int)getpid());
	snprintf(path[1], sizeof(path[1]), "/tmp/pagetop-bench-allocinfo.%d.b", (int)getpid());
	write_file(path[0], a, la);
	write_file(path[1], b, lb);

	struct model *m = model_new();
	struct pt_err err = { { 0 } };
	struct source_meta meta = {
		.name = "bench", .kind = "live", .iface = IFACE_ALLOCINFO, .unit = UNIT_BYTES,
		.page_size = 1, .page_size_known = 1, .series = 0, .nsamples = -1,
	};
	struct sink sink = model_sink(m);
	check(sink.ops->meta(sink.self, &meta, &err), &err, "meta");
	struct view_opts vo;
	view_opts_init(&vo);
	struct view v;
	view_init(&v);

	/* the frame dictionary lasts from tick to tick, as in the live source */
	struct parse_dict *dict = parse_dict_new();
	double *t = malloc((size_t)(n + 1) * sizeof(double)), *c = malloc((size_t)(n + 1) * sizeof(double));
	for (int i = 0; i <= n; i++) { /* tick 0 defines the call sites: not counted */
		double start = now_ms(), cstart = cpu_ms();
		struct sample_info si = { .time = i, .time_abs = 0, .seq = (uint64_t)i };
		struct reader *r;

		check(sink.ops->begin(sink.self, &si, &err), &err, "begin");
		check(reader_open_path(&r, path[i % 2], &err), &err, path[i % 2]);
		struct parse_at at = { .fmt = PF_UNKNOWN, .dict = dict, .first = 1 };
		check(parse_stream_at(r, &at, NULL, NULL, &sink, &err), &err, path[i % 2]);
		reader_close(r);
		check(sink.ops->end(sink.self, &err), &err, "end");
		model_view(m, &vo, &v);
		t[i] = now_ms() - start;
		c[i] = cpu_ms() - cstart;
	}
	unlink(path[0]);
	unlink(path[1]);
	printf("call sites: %zu (file of %zu bytes), rows: %zu, bytes: %lld, calls: %lld\n",
	       model_nstacks(m), la, v.nrows, (long long)v.total_pages, (long long)v.total_calls);
	printf("first tick: %.2f ms\nticks:", t[0]);
	for (int i = 1; i <= n; i++)
		printf(" %.2f", t[i]);
	printf("\nmedian_cpu_ms: %.3f\nmedian_ms: %.3f\n", median(c + 1, (size_t)n),
	       median(t + 1, (size_t)n));
	view_free(&v);
	parse_dict_free(dict);
	model_free(m);
	free(a);
	free(b);
	free(real);
	free(t);
	free(c);
	return 0;
}
