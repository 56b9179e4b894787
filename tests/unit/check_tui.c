/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_tui.c - the UI, headless: curses draws to /dev/null (newterm()), keys come from
 * the test, and the screen is read back from curses' own buffer (mvwin_wchnstr) and
 * compared with expected text (tests/data/expected/tui/) or searched for what must be there.
 *
 * Sources: the real fixtures (tests/data/demo is a 90-sample recording folder of a
 * ramdisk leak in [brd]; small/; plain/) and a fake live source fed from the test, for
 * what only live sources do (pause, stalls, recordings, the failure stack).
 *
 * PAGETOP_UPDATE_EXPECTED=1 rewrites the expected screens (look at the diff!). */
#include "config.h"

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include "cmd_attrib.h"
#include "cmd_record.h"
#include "cmd_select.h"
#include "model_index.h"
#include "output.h"
#include "settings.h"
#include "output_recording.h"
#include "testutil.h"
#include "tui.h"
#include "tui_app.h"
#include "tui_attrib.h"
#include "tui_chart.h"
#include "tui_list.h"
#include "tui_pager.h"
#include "tui_status.h"
#include "tui_time.h"
#include "tui_tree.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR TEST_DATA "/../.."
#endif

/* configure --enable-sanitizers */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD 1
#endif
#endif
#ifndef ASAN_BUILD
#define ASAN_BUILD 0
#endif

static int under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && (strstr(p, "vgpreload") || strstr(p, "valgrind"));
}

/* Under valgrind (make check-valgrind) and AddressSanitizer the cases look for memory
 * errors: the 100,000 stacks and the long walks, there for the time a key takes or for
 * every step, are make check's. */
static int memcheck(void)
{
	return ASAN_BUILD || under_valgrind();
}

#define EXPECTED TEST_DATA "/expected/tui"

/* ---- a fake live source ---- */

struct fake {
	char *samples[640];
	int n, next;
	double stalled;
	double t;
};

static enum src_status fake_next(struct source *s, const struct sink *sink, int timeout_ms,
				 struct pt_err *err)
{
	struct fake *f = s->priv;
	struct sample_info si = { 0 };
	struct reader *r;
	int rc;

	(void)timeout_ms;
	if (f->next >= f->n)
		return SRC_TIMEOUT;
	if (source_send_meta(s, sink, err) < 0)
		return SRC_ERROR;
	si.time = f->t + 2.0 * f->next;
	si.time_abs = 1;
	si.seq = (uint64_t)f->next;
	if (sink->ops->begin(sink->self, &si, err) < 0)
		return SRC_ERROR;
	ck_assert_int_eq(reader_open_mem(&r, f->samples[f->next], strlen(f->samples[f->next]),
					 "fake", err), 0);
	rc = parse_stream(r, PF_UNKNOWN, NULL, sink, err);
	reader_close(r);
	ck_assert_msg(rc == 0, "%s", err->msg);
	f->next++;
	return sink->ops->end(sink->self, err) < 0 ? SRC_ERROR : SRC_SAMPLE;
}

static double fake_stalled(const struct source *s)
{
	return ((const struct fake *)s->priv)->stalled;
}

static int fake_fd(const struct source *s)
{
	(void)s;
	return -1;
}

static void fake_close(struct source *s)
{
	struct fake *f = s->priv;

	for (int i = 0; i < f->n; i++)
		free(f->samples[i]);
	free(f);
}

static const struct source_impl fake_impl = {
	"fake", fake_next, fake_stalled, fake_fd, fake_close,
};

static struct source *fake_new(const char *const *specs, int n)
{
	struct source *s = calloc(1, sizeof(*s));
	struct fake *f = calloc(1, sizeof(*f));

	for (int i = 0; i < n; i++)
		f->samples[f->n++] = spec_text(specs[i]);
	f->t = 1798000000.0; /* 2026-12-23 */
	s->impl = &fake_impl;
	s->priv = f;
	s->meta.name = "live";
	s->meta.kind = "live";
	s->meta.iface = IFACE_SHOW_STACKS;
	s->meta.unit = UNIT_PAGES;
	s->meta.page_size = 4096;
	s->meta.page_size_known = 1;
	s->meta.kernel_release = "7.3.4";
	s->meta.nsamples = -1;
	return s;
}

static void fake_add(struct source *s, const char *spec)
{
	struct fake *f = s->priv;

	f->samples[f->n++] = spec_text(spec);
}

/* ---- a headless UI ---- */

struct ht {
	struct source *src;
	struct model *m;
	struct app *t;
	FILE *out, *in;
	char *tmp;
	char *screen;
};

static void env_setup(struct ht *h)
{
	h->tmp = tmpdir_new();
	setenv("XDG_CONFIG_HOME", h->tmp, 1);
	setenv("HOME", h->tmp, 1);
	setenv("TZ", "UTC", 1);
	unsetenv("NO_COLOR");
	unsetenv("SUDO_UID"); /* files are written as the test's user */
	unsetenv("SUDO_GID");
	tzset();
}

/* Opens a UI on src (owned) at rows x cols; term NULL: xterm-256color. */
static void ht_start(struct ht *h, struct source *src, const struct tui_opts *opts, int rows,
		     int cols, const char *term, const char *locale)
{
	struct tui_opts o;

	if (!h->tmp)
		env_setup(h);
	ck_assert_ptr_nonnull(setlocale(LC_ALL, locale ? locale : "C.UTF-8"));
	if (opts) {
		o = *opts;
	} else {
		memset(&o, 0, sizeof(o));
		view_opts_init(&o.view);
	}
	h->src = src;
	h->m = model_new();
	if (o.alloc)
		model_set_alloc_patterns(h->m, o.alloc, o.nalloc);
	h->t = tui_new(src, h->m, &o);
	h->t->fake_now = 1000;
	tui_load_config(h->t, NULL);
	/* the screens here are drawn without the function-key bar (test_function_bar has it),
	 * so that the status line is the last line */
	if (!getenv("PAGETOP_TEST_BAR"))
		h->t->settings.function_bar = 0;
	h->out = fopen("/dev/null", "w");
	h->in = fopen("/dev/null", "r");
	ck_assert_int_eq(tui_screen_open(h->t, h->out, h->in, term ? term : "xterm-256color"), 0);
	resizeterm(rows, cols);
	tui_pump(h->t, -1);
	tui_render(h->t);
}

static void ht_open(struct ht *h, const char *rel, const struct tui_opts *opts, int rows,
		    int cols, const char *term, const char *locale)
{
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	const char *path = rel;
	struct tui_opts o;

	/* relative names keep the header the same wherever the tree is */
	ck_assert_int_eq(chdir(TEST_DATA), 0);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	if (opts) { /* the source, as the command line names it to the screen */
		o = *opts;
		o.paths = &path;
		o.npaths = 1;
		o.source_opts = &so;
		opts = &o;
	}
	ht_start(h, src, opts, rows, cols, term, locale);
}

static void ht_close(struct ht *h)
{
	tui_screen_close(h->t);
	tui_free(h->t);
	model_free(h->m);
	source_close(h->src);
	fclose(h->out);
	fclose(h->in);
	free(h->screen);
	tmpdir_free(h->tmp);
	memset(h, 0, sizeof(*h));
}

static const char *ht_screen(struct ht *h)
{
	tui_render(h->t);
	free(h->screen);
	h->screen = draw_dump();
	return h->screen;
}

/* Line y of the screen drawn last (a static copy). */
static const char *ht_line_drawn(struct ht *h, int y)
{
	static char line[4096];
	const char *s = h->screen;

	for (int i = 0; i < y && s; i++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	line[0] = '\0';
	if (s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
	}
	return line;
}

/* Line y of the screen (a static copy). */
static const char *ht_line(struct ht *h, int y)
{
	ht_screen(h);
	return ht_line_drawn(h, y);
}

static void ht_key(struct ht *h, int key)
{
	tui_key(h->t, key);
	tui_render(h->t);
}

/* Each byte a key; "\n" is Enter, "\033" Esc. */
static void ht_keys(struct ht *h, const char *keys)
{
	for (const char *k = keys; *k; k++)
		ht_key(h, (unsigned char)*k);
}

#define FN(k) (TK_FN | (k))

static int ht_has(struct ht *h, const char *text)
{
	return strstr(ht_screen(h), text) != NULL;
}

#define ck_screen_has(h, text) \
	ck_assert_msg(ht_has(h, text), "screen lacks \"%s\":\n%s", text, (h)->screen)
#define ck_screen_lacks(h, text) \
	ck_assert_msg(!ht_has(h, text), "screen has \"%s\":\n%s", text, (h)->screen)
#define ck_line_has(h, y, text) \
	ck_assert_msg(strstr(ht_line(h, y), text) != NULL, "line %d lacks \"%s\": \"%s\"", y, \
		      text, ht_line(h, y))

/* The screen line of the cursor (the reversed line), -1 when none. */
static int ht_cursor_y(struct ht *h)
{
	ht_screen(h);
	for (int y = TUI_HEADER_LINES; y < LINES - 1; y++)
		if (draw_cell_attr(y, 0, NULL) & A_REVERSE)
			return y;
	return -1;
}

static void ck_expected(struct ht *h, const char *name)
{
	char *path = xasprintf("%s/%s.txt", EXPECTED, name);
	const char *got = ht_screen(h);
	char *want;

	if (getenv("PAGETOP_UPDATE_EXPECTED")) {
		write_str(path, got);
		free(path);
		return;
	}
	want = read_file(path, NULL);
	ck_assert_msg(want != NULL, "missing %s (PAGETOP_UPDATE_EXPECTED=1 writes it)", path);
	ck_assert_msg(strcmp(want, got) == 0, "screen differs from %s:\n--- got:\n%s--- want:\n%s",
		      path, got, want);
	free(want);
	free(path);
}


/* ---- the chart ---- */

/* A chart as text, to the letter: values 0..8 pages over nine samples. */
START_TEST(test_chart_render)
{
	static const int64_t v[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct chart c;
	char *got;

	memset(&c, 0, sizeof(c));
	c.cmin = c.cmax = v;
	c.ncols = 9;
	c.nsamples = 9;
	c.peak_sample = 8;
	c.base = 0;
	c.base_sample = 0;
	c.mark_sample = -1;
	c.page_size = 4096;
	c.title = "T";
	c.t_first = "0";
	c.t_mid = "4";
	c.t_last = "8";
	ck_assert_int_eq(chart_plot_cols(20, 6, 0), 9);
	ck_assert_int_eq(chart_plot_cols(20, 6, 1), 18);
	got = chart_render(&c, 20, 6);
	ck_assert_str_eq(got, "T\n"
			      " 32.0 KiB +      .-'\n"
			      "          |   .-'   \n"
			      "      0 B +.-'======\n"
			      "          +B-------^\n"
			      "           0   4   8\n");
	free(got);
	c.utf8 = 1;
	got = chart_render(&c, 20, 6);
	ck_assert_str_eq(got, "T\n"
			      " 32.0 KiB ┤      ⣀⠒⠉\n"
			      "          │   ⣀⠒⠉   \n"
			      "      0 B ┤⣀⠤⠉┄┄┄┄┄┄\n"
			      "          └◆───────▲\n"
			      "           0   4   8\n");
	free(got);
	/* the shown sample; the peak wins over it; counts without units */
	c.utf8 = 0;
	c.mark_sample = 4;
	c.page_size = 0;
	c.t_mid = NULL;
	got = chart_render(&c, 20, 6);
	ck_assert_str_eq(got, "T\n"
			      "        8 +      .-'\n"
			      "          |   .-'   \n"
			      "        0 +.-'======\n"
			      "          +B---o---^\n"
			      "           0       8\n");
	free(got);
	/* too narrow or too low: the title and blank lines */
	got = chart_render(&c, 12, 6);
	ck_assert_str_eq(got, "T\n\n\n\n\n\n");
	free(got);
	got = chart_render(&c, 40, 3);
	ck_assert_str_eq(got, "T\n\n\n");
	free(got);
}
END_TEST

/* The plot's lines of the chart panel (ASCII): for each character column, the highest
 * line with a mark of the series (not the baseline's '='), -1 for none. */
static void chart_tops(struct ht *h, int y0, int rows, int *top, int w)
{
	for (int x = 0; x < w; x++)
		top[x] = -1;
	for (int r = rows - 1; r >= 0; r--) {
		const char *line = ht_line(h, y0 + r);
		size_t len = strlen(line);

		for (int x = 0; x < w; x++) {
			char ch = (size_t)(11 + x) < len ? line[11 + x] : ' ';

			if (ch != ' ' && ch != '=')
				top[x] = r;
		}
	}
}

/* c on the lab recording: the [brd] leak's chart rises over the whole series. */
START_TEST(test_chart_panel)
{
	struct ht h = { 0 };
	int top[100], rows, y0, w = 100 - 11;

	ht_open(&h, "lab.ptrec.xz", NULL, 30, 100, NULL, NULL);
	/* the header's sparkline of the total, over the whole series */
	ck_line_has(&h, 1, "▁");
	ck_line_has(&h, 1, "█");
	ck_screen_lacks(&h, "▲ peak");
	ht_key(&h, 'c');
	ck_assert_int_eq(list_chart_height(), 10);
	ck_assert_int_eq(list_height(), 30 - TUI_HEADER_LINES - 1 - 10);
	y0 = TUI_HEADER_LINES + list_height();
	ck_line_has(&h, 4, "brd_submit_bio [brd]");
	ck_line_has(&h, y0, "brd_submit_bio [brd]  156.0 MiB now  ▲ peak 156.0 MiB at 22:46:50  ◆ baseline 4.0 MiB");
	ck_line_has(&h, y0 + 1, "156.0 MiB ┤");
	ck_line_has(&h, y0 + 7, "  4.0 MiB ┤");
	ck_line_has(&h, y0 + 8, "└◆");
	ck_line_has(&h, y0 + 8, "▲");
	ck_line_has(&h, y0 + 9, "22:45:22");
	ck_line_has(&h, y0 + 9, "22:46:51");
	ck_line_has(&h, 29, "? help");
	ck_expected(&h, "lab-chart");
	/* the selection moves: the chart follows it */
	ht_key(&h, 'j');
	ck_line_has(&h, y0, "shmem_alloc_and_add_folio");
	ht_key(&h, 'k');
	/* replay: the chart stays the whole series, the shown sample marked */
	ht_keys(&h, "{");
	ck_line_has(&h, 0, "sample 80/90");
	ck_line_has(&h, y0, "brd_submit_bio [brd]");
	ck_line_has(&h, y0, "peak 156.0 MiB");
	ck_line_has(&h, y0 + 8, "●");
	ck_line_has(&h, y0 + 9, "22:46:51");
	/* groups have charts too */
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group caller");
	ck_line_has(&h, y0, "brd_submit_bio [brd]  ");
	ck_line_has(&h, y0, "peak");
	ht_keys(&h, "g");
	/* again: gone */
	ht_key(&h, 'c');
	ck_assert_int_eq(list_chart_height(), 0);
	ck_screen_lacks(&h, "▲ peak");
	ht_close(&h);

	/* ASCII: the leak rises from the bottom line to the top, never falling */
	ht_open(&h, "lab.ptrec.xz", NULL, 30, 100, "xterm", "C");
	ht_key(&h, 'c');
	y0 = TUI_HEADER_LINES + list_height();
	rows = list_chart_height() - 3;
	ck_line_has(&h, y0, "brd_submit_bio [brd]  156.0 MiB now  ^ peak 156.0 MiB");
	ck_line_has(&h, y0 + rows + 1, "+B");
	chart_tops(&h, y0 + 1, rows, top, w);
	ck_assert_int_eq(top[0], rows - 1);
	ck_assert_int_eq(top[w - 1], 0);
	for (int x = 1; x < w; x++)
		ck_assert_msg(top[x] >= 0 && top[x] <= top[x - 1],
			      "the chart falls at column %d:\n%s", x, h.screen);
	ht_close(&h);

	/* a folder of show_stacks (no handles): in a replay the row is found by its frames */
	ht_open(&h, "demo", NULL, 30, 100, NULL, NULL);
	ht_keys(&h, "{{c");
	ck_line_has(&h, 0, "sample 70/90");
	y0 = TUI_HEADER_LINES + list_height();
	ck_line_has(&h, 4, "brd_submit_bio [brd]");
	ck_line_has(&h, y0, "brd_submit_bio [brd]  120.0 MiB now  ▲ peak 134.0 MiB at +95.6 s  ◆ baseline 0 B");
	ck_line_has(&h, y0 + 8, "●");
	ht_keys(&h, "g");
	ck_line_has(&h, y0, "brd_submit_bio [brd]  120.0 MiB now  ▲ peak 134.0 MiB at +95.6 s  ◆ baseline 0 B");
	ht_close(&h);

	/* too small a screen: a message, no chart */
	ht_open(&h, "lab.ptrec.xz", NULL, 12, 80, NULL, NULL);
	ht_key(&h, 'c');
	ck_assert_int_eq(list_chart_height(), 0);
	ck_screen_has(&h, "too small for the chart");
	ht_close(&h);
}
END_TEST

/* Live: the chart is everything since the start, past the history the trend keeps; a
 * paused display marks its sample while sampling goes on. */
START_TEST(test_chart_live)
{
	struct ht h = { 0 };
	char spec[200][128];
	const char *specs[200];
	int y0;

	for (int i = 0; i < 200; i++) {
		snprintf(spec[i], sizeof(spec[i]), "alloc_pages;a_caller [brd]=%d|alloc_pages;b_caller=5",
			 10 + i);
		specs[i] = spec[i];
	}
	ck_assert_int_gt(200, MODEL_HISTORY);
	ht_start(&h, fake_new(specs, 200), NULL, 30, 100, NULL, NULL);
	ck_line_has(&h, 0, "sample 200");
	ht_key(&h, 'c');
	y0 = TUI_HEADER_LINES + list_height();
	ck_line_has(&h, y0, "a_caller [brd]  836.0 KiB now  ▲ peak 836.0 KiB");
	ck_line_has(&h, y0 + 1, "836.0 KiB ┤");
	ck_line_has(&h, y0 + 7, " 40.0 KiB ┤"); /* the first sample's 10 pages */
	ck_line_has(&h, y0 + 8, "└◆");
	/* paused: the chart goes on, the shown sample marked */
	ht_keys(&h, "p");
	for (int i = 0; i < 30; i++) {
		snprintf(spec[i], sizeof(spec[i]),
			 "alloc_pages;a_caller [brd]=%d|alloc_pages;b_caller=5", 210 + 3 * i);
		fake_add(h.src, spec[i]);
	}
	for (int i = 0; i < 30; i++)
		tui_pump(h.t, -1);
	ck_line_has(&h, 2, "PAUSED (+30)");
	ck_line_has(&h, 0, "sample 200");
	ck_line_has(&h, y0, "a_caller [brd]  836.0 KiB now  ▲ peak 1.2 MiB");
	ck_line_has(&h, y0 + 8, "●");
	ht_close(&h);
}
END_TEST

/* ---- the screen ---- */

START_TEST(test_demo_start)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	/* a finished series starts at its last sample, baseline at the first */
	ck_line_has(&h, 0, "pagetop " PACKAGE_VERSION " — folder demo 7.3.4, show_stacks");
	ck_line_has(&h, 0, "sample 90/90");
	ck_line_has(&h, 1, "Total 2,371 pages (9.3 MiB)");
	ck_line_has(&h, 1, "baseline first");
	ck_line_has(&h, 2, "Sort PAGES ▼");
	ck_line_has(&h, 3, "PAGES▼");
	ck_line_has(&h, 3, "ΔBASE");
	ck_line_has(&h, 3, "TREND");
	ck_line_has(&h, 3, "CALLER");
	ck_line_has(&h, 23, "? help");
	ck_assert_int_eq(ht_cursor_y(&h), TUI_HEADER_LINES);
	ck_expected(&h, "demo-start");
	ht_close(&h);
}
END_TEST

START_TEST(test_demo_replay_leak)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	/* sort by change since the baseline, go back twenty samples: the leak is on top */
	ht_keys(&h, "s5");
	ck_line_has(&h, 2, "Sort ΔBASE ▼");
	ht_keys(&h, "{{");
	ck_line_has(&h, 0, "sample 70/90");
	ck_line_has(&h, 2, "REPLAY");
	ck_line_has(&h, 4, "brd_submit_bio [brd]");
	ck_line_has(&h, 4, "+30720");
	ck_line_has(&h, 4, "▁▂▃▄▅▆▇█");
	/* expand: its frames, the caller marked */
	ht_key(&h, '\n');
	ck_line_has(&h, 4, "▾");
	ck_line_has(&h, 5, "prep_new_page+0x17/0x43");
	ck_line_has(&h, 9, "> brd_submit_bio+0x28d/0x42b [brd]");
	ck_expected(&h, "demo-leak-expanded");
	ht_close(&h);
	/* keys come in batches: each acts on the view the ones before it made */
	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	for (const char *k = "s5{{\n"; *k; k++)
		tui_key(h.t, *k);
	ck_line_has(&h, 4, "▾");
	ck_line_has(&h, 4, "brd_submit_bio [brd]");
	ht_close(&h);
}
END_TEST

START_TEST(test_ascii)
{
	struct ht h = { 0 };
	const char *s;

	ht_open(&h, "demo", NULL, 24, 80, NULL, "C");
	ht_keys(&h, "s5{{l");
	s = ht_screen(&h);
	for (const char *p = s; *p; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "non-ASCII byte in:\n%s", s);
	ck_line_has(&h, 0, "pagetop " PACKAGE_VERSION " - folder demo");
	ck_line_has(&h, 2, "Sort DBASE v");
	ck_line_has(&h, 3, "DELTA");
	ck_line_has(&h, 3, "RATE");
	ck_line_has(&h, 4, "v ");
	ck_line_has(&h, 4, "_.:-=+*#");
	ck_expected(&h, "demo-ascii");
	/* the call tree's guides and marks */
	ht_keys(&h, "Te");
	s = ht_screen(&h);
	for (const char *p = s; *p; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "non-ASCII byte in:\n%s", s);
	ck_screen_has(&h, "|- ");
	ck_screen_has(&h, "`- ");
	ck_screen_has(&h, "- ");
	ht_close(&h);
}
END_TEST

START_TEST(test_columns_drop)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 10, 40, NULL, NULL);
	/* 40 columns: PAGES, SIZE, Δ, Δ/s fit before the label; the rest is dropped */
	ck_line_has(&h, 3, "PAGES");
	ck_line_has(&h, 3, "CALLER");
	ck_assert_ptr_null(strstr(ht_line(&h, 3), "TREND"));
	ck_assert_ptr_null(strstr(ht_line(&h, 3), "SCORE"));
	ck_expected(&h, "demo-40x10");
	ht_close(&h);
}
END_TEST

START_TEST(test_resize)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	resizeterm(9, 39);
	ht_key(&h, FN(KEY_RESIZE));
	ck_screen_has(&h, "terminal too small");
	ck_screen_lacks(&h, "PAGES");
	resizeterm(10, 40);
	ht_key(&h, FN(KEY_RESIZE));
	ck_screen_has(&h, "PAGES");
	ck_line_has(&h, 9, "? help");
	resizeterm(50, 200);
	ht_key(&h, FN(KEY_RESIZE));
	ck_line_has(&h, 3, "SCORE");
	ck_line_has(&h, 49, "? help");
	/* keys still work after a resize, the cursor stays visible */
	ht_keys(&h, "G");
	ck_assert_int_ge(ht_cursor_y(&h), TUI_HEADER_LINES);
	resizeterm(12, 60);
	ht_key(&h, FN(KEY_RESIZE));
	ck_assert_int_ge(ht_cursor_y(&h), TUI_HEADER_LINES);
	ht_close(&h);
}
END_TEST

/* ---- keys ---- */

START_TEST(test_move)
{
	struct ht h = { 0 };
	int y0 = TUI_HEADER_LINES;

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "j");
	ck_assert_int_eq(ht_cursor_y(&h), y0 + 1);
	ht_key(&h, FN(KEY_DOWN));
	ck_assert_int_eq(ht_cursor_y(&h), y0 + 2);
	ht_key(&h, FN(KEY_UP));
	ht_keys(&h, "k");
	ck_assert_int_eq(ht_cursor_y(&h), y0);
	ht_keys(&h, "k"); /* stays at the top */
	ck_assert_int_eq(ht_cursor_y(&h), y0);
	ht_key(&h, FN(KEY_NPAGE));
	ck_assert_uint_eq(h.t->list->cursor.row, 19);
	ht_key(&h, TK_CTRL('F'));
	ck_assert_uint_eq(h.t->list->cursor.row, 38);
	ht_key(&h, FN(KEY_PPAGE));
	ck_assert_uint_eq(h.t->list->cursor.row, 19);
	ht_key(&h, FN(KEY_END));
	ck_assert_uint_eq(h.t->list->cursor.row, h.t->list->nrows - 1);
	ck_assert_int_eq(ht_cursor_y(&h), 22);
	ht_key(&h, FN(KEY_HOME));
	ck_assert_uint_eq(h.t->list->cursor.row, 0);
	ht_keys(&h, "G");
	ck_assert_uint_eq(h.t->list->cursor.row, h.t->list->nrows - 1);
	ht_key(&h, TK_CTRL('B'));
	ck_assert_uint_eq(h.t->list->cursor.row, h.t->list->nrows - 20);
	ht_close(&h);
}
END_TEST

START_TEST(test_expand)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_key(&h, FN(KEY_RIGHT));
	ck_line_has(&h, 4, "▾");
	ck_line_has(&h, 5, "prep_new_page");
	/* again: into the frames; then down and left: back to the row, collapsed */
	ht_keys(&h, "l");
	ck_assert_int_eq(h.t->list->cursor.frame_line, 0);
	ht_keys(&h, "jj");
	ck_assert_int_eq(ht_cursor_y(&h), 7);
	ht_key(&h, FN(KEY_LEFT));
	ck_assert_int_eq(h.t->list->cursor.frame_line, -1);
	ck_assert_ptr_null(strstr(ht_line(&h, 5), "prep_new_page"));
	ht_keys(&h, "\nh");
	ck_assert_ptr_null(strstr(ht_line(&h, 5), "prep_new_page"));
	/* all of them */
	ht_keys(&h, "e");
	ck_line_has(&h, 4, "▾");
	ck_line_has(&h, 5, "prep_new_page");
	ht_key(&h, FN(KEY_END));
	ck_assert_int_ge(h.t->list->cursor.frame_line, 0); /* the last line is a frame */
	ht_keys(&h, "E");
	ck_assert_int_eq(h.t->list->cursor.frame_line, -1);
	ck_assert_uint_eq(h.t->list->cursor.row, h.t->list->nrows - 1);
	ht_key(&h, FN(KEY_HOME));
	ck_assert_ptr_null(strstr(ht_line(&h, 5), "prep_new_page"));
	ht_close(&h);
}
END_TEST

START_TEST(test_sort)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, ">");
	ck_line_has(&h, 2, "Sort SIZE ▼");
	ht_keys(&h, "<<");
	ck_line_has(&h, 2, "Sort % ▼"); /* wraps */
	ht_keys(&h, "<");
	ck_line_has(&h, 2, "Sort CALLER ▲"); /* labels go up */
	ht_keys(&h, "r");
	ck_line_has(&h, 2, "Sort CALLER ▼");
	ht_keys(&h, "s");
	ck_line_has(&h, 23, "Sort by: 1 PAGES");
	ht_keys(&h, "0");
	ck_line_has(&h, 2, "Sort % ▼");
	ht_keys(&h, "s:");
	ck_line_has(&h, 2, "Sort % ▼"); /* no tenth digit after 9 */
	ht_keys(&h, "s7");
	ck_line_has(&h, 2, "Sort PEAK ▼");
	ht_keys(&h, "s\033");
	ck_line_has(&h, 2, "Sort PEAK ▼");
	ht_keys(&h, "s6r");
	ck_line_has(&h, 2, "Sort SCORE ▲");
	ck_line_has(&h, 3, "SCORE▲");
	/* the rows are in that order */
	for (size_t i = 1; i < h.t->list->nrows; i++)
		ck_assert(h.t->list->rows[i - 1].s->score <= h.t->list->rows[i].s->score);
	ht_close(&h);
}
END_TEST

START_TEST(test_threshold)
{
	struct ht h = { 0 };
	size_t all;

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	all = h.t->list->nrows;
	ht_keys(&h, "+");
	ck_line_has(&h, 2, "threshold ≥ 1 pages");
	ht_keys(&h, "++=");
	ck_line_has(&h, 2, "threshold ≥ 10 pages");
	ck_assert_uint_lt(h.t->list->nrows, all);
	for (size_t i = 0; i < h.t->list->nrows; i++)
		ck_assert_int_ge(h.t->list->rows[i].s->now, 10);
	ht_keys(&h, "-");
	ck_line_has(&h, 2, "threshold ≥ 5 pages");
	ht_keys(&h, "t");
	ck_line_has(&h, 23, "Threshold (64, 64M, 0.5%): 5");
	ht_keys(&h, "\025"); /* ^U */
	ht_keys(&h, "200\n");
	ck_line_has(&h, 2, "threshold ≥ 200 pages");
	ck_assert_uint_eq(h.t->list->nrows, 2);
	ht_keys(&h, "+");
	ck_line_has(&h, 2, "threshold ≥ 500 pages");
	ht_keys(&h, "+");
	ck_screen_has(&h, "no rows: the threshold");
	ht_keys(&h, "0");
	ck_line_has(&h, 2, "threshold none");
	ck_assert_uint_eq(h.t->list->nrows, all);
	ht_keys(&h, "tx\n");
	ck_line_has(&h, 23, "expected pages (64), bytes (256K, 64M, 1G) or a share of the total");
	/* K: the kernel's count_threshold is the live kernel's business */
	ht_keys(&h, "K");
	ck_line_has(&h, 23, "count_threshold only matters for the live kernel");
	ht_close(&h);
}
END_TEST

/* t takes bytes and percentages; the header shows them in their unit and in pages,
 * + and - step in that unit, 0 keeps it, and W saves it as typed. */
START_TEST(test_threshold_units)
{
	struct ht h = { 0 };
	size_t all;

	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	all = h.t->list->nrows;
	ht_keys(&h, "t64M\n");
	ck_line_has(&h, 2, "threshold ≥ 64 MiB (16,384 pages)");
	ck_line_has(&h, 23, "rows smaller than 64M hidden");
	ck_screen_has(&h, "no rows: the threshold");
	ht_keys(&h, "-");
	ck_line_has(&h, 2, "threshold ≥ 32 MiB (8,192 pages)");
	ht_keys(&h, "t\025256K\n");
	ck_line_has(&h, 2, "threshold ≥ 256 KiB (64 pages)");
	ck_assert_uint_gt(h.t->list->nrows, 0);
	for (size_t i = 0; i < h.t->list->nrows; i++)
		ck_assert_int_ge(h.t->list->rows[i].s->now, 64);
	ht_keys(&h, "+");
	ck_line_has(&h, 2, "threshold ≥ 512 KiB (128 pages)");
	ht_keys(&h, "t");
	ck_line_has(&h, 23, "Threshold (64, 64M, 0.5%): 512K");
	ht_keys(&h, "\025" "0.5%\n");
	ck_line_has(&h, 2, "threshold ≥ 0.5% (12 pages)");   /* of 2,371 pages */
	ck_line_has(&h, 23, "rows with less than 0.5% of the pages hidden");
	for (size_t i = 0; i < h.t->list->nrows; i++)
		ck_assert_int_ge(h.t->list->rows[i].s->now, 12);
	ck_assert_uint_lt(h.t->list->nrows, all);
	ht_keys(&h, "+");
	ck_line_has(&h, 2, "threshold ≥ 1% (24 pages)");
	ht_keys(&h, "--");
	ck_line_has(&h, 2, "threshold ≥ 0.2% (5 pages)");
	ht_keys(&h, "K");
	ck_line_has(&h, 23, "count_threshold only matters for the live kernel");
	ht_keys(&h, "0");
	ck_line_has(&h, 2, "threshold none");
	ck_assert_uint_eq(h.t->list->nrows, all);
	ht_keys(&h, "+");
	ck_line_has(&h, 2, "threshold ≥ 0.01% (1 pages)");
	ht_keys(&h, "t\025" "101%\n");
	ck_line_has(&h, 23, "found '101%'");
	ck_line_has(&h, 2, "threshold ≥ 0.01% (1 pages)");
	ht_close(&h);
}
END_TEST

/* Stacks of one caller label are told apart on the screen as in batch output; the
 * search finds the part that tells them apart; groups keep their labels. */
START_TEST(test_labels_apart)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 160, NULL, NULL);
	ht_keys(&h, "/execmem_alloc\n");
	ck_screen_has(&h, "execmem_vmalloc ← execmem_alloc");
	ht_keys(&h, "/pty_init+0x11e\n");
	ck_screen_has(&h, "__kernfs_new_node ← … ← pty_init+0x11e/0x319");
	ck_screen_has(&h, "__kernfs_new_node ← … ← pty_init+0x135/0x319");
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group caller");
	ck_screen_lacks(&h, "←");
	ht_close(&h);
}
END_TEST

/* A row matches when its told-apart label or a frame has the text: without a space or
 * a piece of an arrow the label, the frames and their functions tell, before the row's
 * told-apart label is made; with one, the told-apart label does. */
START_TEST(test_search_apart_parts)
{
	static const char *const texts[] = { "kernfs", "pty_init", "execmem", "0x11e",
					     "node ← …", "alloc ←", "← pty", "ALLOC_PAGES",
					     "+0x", "zzz", NULL };
	struct ht h = { 0 };
	struct list_screen *l;

	ht_open(&h, "demo", NULL, 24, 160, NULL, NULL);
	l = h.t->list;
	for (int t = 0; texts[t]; t++) {
		size_t hits = 0;

		/* as typed (the keys here are bytes, no UTF-8): the matches start over */
		snprintf(l->search.text, sizeof(l->search.text), "%s", texts[t]);
		l->search.model = NULL;
		for (size_t i = 0; i < l->nrows; i++) {
			const struct list_row *r = &l->rows[i];
			int want = r->stack && strcasestr(model_label(h.t->model,
					model_stack_apart(h.t->model, r->stack, 1)), texts[t]);

			for (unsigned f = 0; r->stack && f < r->stack->nframes; f++)
				want |= strcasestr(model_frame(h.t->model, r->stack->frames[f]),
						   texts[t]) != NULL;
			ck_assert_msg(list_row_matches(l, i) == want, "%s: row %zu", texts[t], i);
			hits += want;
		}
		ck_assert_msg(hits || !strcmp(texts[t], "zzz"), "%s: no row", texts[t]);
	}
	ht_close(&h);
}
END_TEST

static int stack_has(const struct model *m, const struct stack *st, const char *text)
{
	for (unsigned i = 0; st && i < st->nframes; i++)
		if (strstr(model_frame(m, st->frames[i]), text))
			return 1;
	return 0;
}

/* The cursor is where a search of every row in order from row from lands, and every row
 * put in order is where the order of all has it. */
static void ck_search_as_sorted(struct ht *h, size_t from, int dir, int include,
				const char *text)
{
	const struct list_screen *l = h->t->list;
	struct view_opts o = h->t->settings.view;
	struct view v;
	size_t n;

	o.limit = 0;
	o.near_on = 0;
	view_init(&v);
	model_view(h->t->model, &o, &v);
	n = v.nrows;
	ck_assert_uint_eq(n, l->nrows);
	for (size_t i = 0; i < n; i++)
		if (i < l->view.sorted_head || i >= l->view.sorted_tail)
			ck_assert_ptr_eq(l->rows[i].stack, v.rows[i].stack);
	for (size_t k = include ? 0 : 1; k <= n; k++) {
		size_t r = dir > 0 ? (from + k) % n : (from + n - k % n) % n;

		if (stack_has(h->t->model, v.rows[r].stack, text)) {
			ck_assert_uint_eq(l->cursor.row, r);
			ck_assert_ptr_eq(l->rows[r].stack, v.rows[r].stack);
			break;
		}
	}
	view_free(&v);
}

/* A search that goes past the rows near the cursor, among rows not sorted yet, lands on
 * the row a search of all rows in order would: forward and back, round the end, among
 * rows of equal keys (ordered by stack), in both sort directions; when a character
 * more narrows the last matches to a third of them, after rows were put in order. */
START_TEST(test_search_far_as_sorted)
{
	struct ht h = { 0 };
	struct sbuf b = { 0 };
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;
	const int n = 60000;

	for (int i = 0; i < n; i++) {
		sb_printf(&b, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n", i);
		if (i % 1499 == 7)
			sb_printf(&b, " farneedle%d+0x1/0x10\n", i / 1499 % 3);
		sb_printf(&b, " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n", 1 + i % 5);
	}
	f->samples[f->n++] = b.s;
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	ck_assert_uint_eq(model_nstacks(h.m), (size_t)n);
	for (int pass = 0; pass < 2; pass++) {
		size_t at;

		ht_key(&h, FN(KEY_HOME));
		if (pass)
			ht_keys(&h, "r");
		/* only the first rows in order: the search has the others to look through */
		ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
		at = h.t->list->cursor.row;
		ht_keys(&h, "/farneedle");
		ck_search_as_sorted(&h, at, 1, 1, "farneedle");
		ck_assert_uint_gt(h.t->list->cursor.row, 256);
		ht_keys(&h, "\n");
		for (int k = 0; k < 9; k++) {
			/* on, then from the top back round the end, then on again */
			if (k == 3)
				ht_key(&h, FN(KEY_HOME));
			ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
			at = h.t->list->cursor.row;
			ht_keys(&h, k >= 3 && k < 7 ? "N" : "n");
			ck_search_as_sorted(&h, at, k >= 3 && k < 7 ? -1 : 1, 0, "farneedle");
		}
		/* a character more: the row found may match no more, the search goes on */
		ht_key(&h, FN(KEY_HOME));
		ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
		at = h.t->list->cursor.row;
		ht_keys(&h, "/farneedle");
		ck_search_as_sorted(&h, at, 1, 1, "farneedle");
		ht_keys(&h, "2");
		ck_search_as_sorted(&h, at, 1, 1, "farneedle2");
		ck_assert_uint_gt(h.t->list->cursor.row, 256);
		ht_keys(&h, "\033");
	}
	ht_close(&h);
}
END_TEST

/* The screen's sort of the rows while a search waits, stopped part way (the prompt closed,
 * one wait freeing a piece of its work) and asked for again when a search is opened: it
 * starts again rather than going on with memory freed, and every row ends where the order
 * of all has it; stopped after each of many slices, every phase of the work. */
START_TEST(test_idle_sort_given_up)
{
	struct sbuf b = { 0 };
	const int n = 60000;
	char *text;

	for (int i = 0; i < n; i++)
		sb_printf(&b, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n"
			      " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n",
			  i, 1 + (i * 7919) % 1000);
	text = b.s;
	for (int slices = 1; slices <= 40; slices += 3) {
		struct ht h = { 0 };
		struct source *src = fake_new(NULL, 0);
		struct fake *f = src->priv;
		int done = 0;

		f->samples[f->n++] = xstrdup(text);
		ht_start(&h, src, NULL, 50, 160, NULL, NULL);
		ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
		ht_keys(&h, "/q");
		for (int k = 0; k < slices && !done; k++)
			done = tui_idle(h.t, 0);
		ht_keys(&h, "\n");
		tui_idle(h.t, 0);
		ht_keys(&h, "/");
		for (int k = 0; k < 100000 && !tui_idle(h.t, 0); k++)
			;
		ck_assert_uint_eq(h.t->list->sorted, SIZE_MAX);
		ck_search_as_sorted(&h, 0, 1, 1, "no such frame");
		ht_keys(&h, "\033");
		ht_close(&h);
	}
	free(text);
}
END_TEST

/* A text typed with no wait between the keys: at each character the cursor is on the row
 * a search of all rows in order finds, the rows put in order are those of the order of
 * all, though each character's match lies far from the last one's, among keys of many
 * values, near the start of the order and near its end, in both sort directions. Run 1:
 * the same with the index of which stacks have which frame made while the screen waited
 * (the far characters ask it, not the rows). Run 2: a character whose match may lie among
 * the rows not in order says so and leaves the cursor where / started; the screen finds
 * it while it waits for the next key, or Enter finds it at once; Escape forgets it. */
START_TEST(test_search_typed_far_as_sorted)
{
	struct ht h = { 0 };
	struct sbuf b = { 0 };
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;
	const int n = 60000, indexed = _i >= 1, waits = _i == 2;
	int asked_index = 0, waited = 0, entered = 0;

	for (int i = 0; i < n; i++) {
		int pages = 1 + (i * 7919) % 1000;

		sb_printf(&b, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n", i);
		if (pages > 870 && pages <= 900)
			sb_printf(&b, " qz%d+0x1/0x10\n", i % 100);
		if (pages > 5 && pages <= 100)
			sb_printf(&b, " qy%d+0x1/0x10\n", i % 100);
		sb_printf(&b, " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n", pages);
	}
	f->samples[f->n++] = b.s;
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	h.t->list->search.index_min = indexed ? 1 : SIZE_MAX;
	if (waits)
		h.t->list->search.wait_min = 1;
	for (int pass = 0; pass < 2; pass++) {
		static const char *const texts[] = { "qz47", "qy11", "qz5", "qy6", NULL };

		if (pass)
			ht_keys(&h, "r");
		for (const char *const *t = texts; *t; t++) {
			char typed[8] = "";
			size_t at;

			ht_keys(&h, "rr"); /* made again: only the first rows in order */
			ht_key(&h, FN(KEY_HOME));
			ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
			at = h.t->list->cursor.row;
			ht_keys(&h, "/");
			/* the index made while the prompt waits, the rows not all in order yet */
			for (int k = 0; indexed && k < 100000 &&
					!stack_index_ready(h.t->list->search.index, h.t->model); k++)
				tui_idle(h.t, 3);
			ck_assert_int_eq(stack_index_ready(h.t->list->search.index, h.t->model),
					 indexed);
			ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
			for (size_t k = 0; (*t)[k]; k++) {
				typed[k] = (*t)[k];
				ht_key(&h, (unsigned char)(*t)[k]);
				asked_index |= h.t->list->search.stacks_known == 2;
				ck_assert_int_eq(h.t->list->search.waiting && !waits, 0);
				if (h.t->list->search.waiting) {
					waited++;
					ck_line_has(&h, 49, "(searching...)");
					ck_assert_uint_eq(h.t->list->cursor.row, at);
					if (!(*t)[k + 1] && (t - texts) % 2) {
						entered++;
						break; /* Enter finds it */
					}
					for (int j = 0; j < 1000 && h.t->list->search.waiting; j++)
						tui_idle(h.t, 3);
					ck_assert_int_eq(h.t->list->search.waiting, 0);
					ck_assert_ptr_null(strstr(ht_line(&h, 49), "(searching"));
					asked_index |= h.t->list->search.stacks_known == 2;
				}
				ck_search_as_sorted(&h, at, 1, 1, typed);
			}
			ht_keys(&h, "\n");
			ck_assert_int_eq(h.t->list->search.waiting, 0);
			ck_search_as_sorted(&h, at, 1, 1, typed);
			ck_assert_uint_gt(h.t->list->cursor.row, 256);
			for (int k = 0; k < 4; k++) {
				at = h.t->list->cursor.row;
				ht_keys(&h, k < 2 ? "n" : "N");
				ck_search_as_sorted(&h, at, k < 2 ? 1 : -1, 0, typed);
			}
		}
	}
	ck_assert_int_eq(asked_index, indexed);
	if (waits) {
		size_t at;

		ck_assert_int_gt(waited, 4);
		ck_assert_int_gt(entered, 0);
		ht_keys(&h, "rr");
		ht_key(&h, FN(KEY_HOME));
		at = h.t->list->cursor.row;
		ht_keys(&h, "/qz47");
		ck_assert_int_eq(h.t->list->search.waiting, 1);
		ht_keys(&h, "\033");
		ck_assert_int_eq(h.t->list->search.waiting, 0);
		ck_assert_uint_eq(h.t->list->cursor.row, at);
		for (int j = 0; j < 1000 && !tui_idle(h.t, 3); j++)
			;
		ck_assert_uint_eq(h.t->list->cursor.row, at);
	}
	ht_close(&h);
}
END_TEST

/* A sample that comes while a character's search waits (here for the index, kept from
 * being made) ends the wait at once: the match is the first in the new order from the
 * row the cursor kept, that of the stack / started on. */
static char *needle_sample(int smp)
{
	struct sbuf b = { 0 };

	for (int i = 0; i < 60000; i++) {
		sb_printf(&b, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n", i);
		if (i % 997 == 13)
			sb_printf(&b, " qzneedle+0x1/0x10\n");
		sb_printf(&b, " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n",
			  1 + (i * 7919 + smp * 500) % 1000);
	}
	return b.s;
}

START_TEST(test_search_wait_new_sample)
{
	struct ht h = { 0 };
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;
	const struct stack *st0;

	f->samples[f->n++] = needle_sample(0);
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	h.t->list->search.index_min = SIZE_MAX;
	h.t->list->search.wait_min = 1;
	ht_keys(&h, "jjj");
	st0 = h.t->list->rows[h.t->list->cursor.row].stack;
	ht_keys(&h, "/qzneedle");
	ck_assert_int_eq(h.t->list->search.waiting, 1);
	f->samples[f->n++] = needle_sample(1);
	tui_pump(h.t, -1);
	ck_line_has(&h, 49, "Search: qzneedle");
	ck_assert_int_eq(h.t->list->search.waiting, 0);
	ck_assert_ptr_eq(h.t->list->rows[h.t->list->search.origin.row].stack, st0);
	ck_search_as_sorted(&h, h.t->list->search.origin.row, 1, 1, "qzneedle");
	ck_assert_uint_gt(h.t->list->cursor.row, 256);
	ht_keys(&h, "\033");
	ht_close(&h);
}
END_TEST

/* The call tree's search typed faster than it looks at the stacks (a key's share of it
 * made tiny): the prompt says it searches and the cursor stays; the screen's waits end it
 * on the line a search in one go goes to; Enter ends it at once; Escape forgets it. */
START_TEST(test_tree_search_waits)
{
	static const char *const texts[] = { "fn1", "fn19", "qz4", "qz47", "qz47x", "fn2" };
	struct ht a = { 0 }, b = { 0 }, *hs[2] = { &a, &b };
	struct sbuf sb = { 0 };
	int waited = 0, entered = 0;
	uint64_t at;

	for (int i = 0; i < 20000; i++) {
		sb_printf(&sb, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n", i);
		if (i % 97 == 5)
			sb_printf(&sb, " qz%d+0x1/0x10\n", i % 100);
		sb_printf(&sb, " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n", 1 + i % 50);
	}
	for (int i = 0; i < 2; i++) {
		struct source *src = fake_new(NULL, 0);
		struct fake *f = src->priv;

		f->samples[f->n++] = xstrdup(sb.s);
		ht_start(hs[i], src, NULL, 30, 160, NULL, NULL);
		ht_keys(hs[i], "Te");
	}
	free(sb.s);
	a.t->list->search.tree_key_ms = 1e-6;
	b.t->list->search.tree_key_ms = 1e9; /* never waits, however slow (valgrind) */
	for (size_t j = 0; j < ARRAY_SIZE(texts); j++) {
		ht_keys(&a, "/");
		ht_keys(&b, "/");
		for (size_t k = 0; texts[j][k]; k++) {
			char c[2] = { texts[j][k], 0 };

			int found;

			/* one screen: a's looked at before b draws */
			at = a.t->list->tree->selected;
			ht_keys(&a, c);
			if (a.t->list->search.waiting) {
				waited++;
				ck_line_has(&a, 29, "(searching...)");
				ck_assert_uint_eq(a.t->list->tree->selected, at);
				if (!texts[j][k + 1] && j % 2) {
					entered++;
					ht_keys(&b, c);
					break; /* Enter ends it */
				}
				for (int n = 0; n < 1000 && a.t->list->search.waiting; n++)
					tui_idle(a.t, 3);
				ck_assert_int_eq(a.t->list->search.waiting, 0);
			}
			ck_assert_ptr_null(strstr(ht_line(&a, 29), "(searching"));
			found = !strstr(ht_line(&a, 29), "(not found)");
			ht_keys(&b, c);
			ck_assert_int_eq(b.t->list->search.waiting, 0);
			ck_assert_uint_eq(a.t->list->tree->selected, b.t->list->tree->selected);
			ck_assert_int_eq(found, !strstr(ht_line(&b, 29), "(not found)"));
		}
		ht_keys(&a, "\n");
		ht_keys(&b, "\n");
		ck_assert_int_eq(a.t->list->search.waiting, 0);
		ck_assert_uint_eq(a.t->list->tree->selected, b.t->list->tree->selected);
	}
	ck_assert_int_gt(waited, 5);
	ck_assert_int_gt(entered, 0);
	at = a.t->list->tree->selected;
	ht_keys(&a, "/qz4");
	ck_assert_int_eq(a.t->list->search.waiting, 1);
	ht_keys(&a, "\033");
	ck_assert_int_eq(a.t->list->search.waiting, 0);
	ck_assert_uint_eq(a.t->list->tree->selected, at);
	for (int n = 0; n < 1000 && !tui_idle(a.t, 3); n++)
		;
	ck_assert_uint_eq(a.t->list->tree->selected, at);
	ht_close(&a);
	ht_close(&b);
}
END_TEST

/* Past the rows near the cursor, whether any frame or label has the text is looked up
 * in all their texts at once: in any case, never across two texts, and a match at the
 * last row is still found. */
START_TEST(test_search_possible)
{
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;
	struct sbuf b = { 0 };
	struct ht h = { 0 };
	const struct stack *st;
	size_t at;

	for (int i = 0; i < 2000; i++) {
		/* the first two frame texts are interned one after the other */
		sb_add(&b, " prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n");
		if (i == 1999)
			sb_add(&b, " Zeta_Far_Func+0x1/0x2\n");
		sb_printf(&b, " caller%d+0x10/0x80\n do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n",
			  i, 5000 - i);
	}
	f->samples[f->n++] = b.s;
	ht_start(&h, src, NULL, 24, 160, NULL, NULL);
	at = h.t->list->cursor.row;
	/* the tail of one frame and the head of the next: no text has it */
	ht_keys(&h, "/0x43get_page");
	ck_line_has(&h, 23, "(not found)");
	ck_assert_uint_eq(h.t->list->cursor.row, at);
	ht_keys(&h, "\033");
	/* one stack, the last row, has it: found however it is typed */
	ht_keys(&h, "/zETA_far");
	ck_line_has(&h, 23, "Search: zETA_far");
	st = h.t->list->rows[h.t->list->cursor.row].stack;
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(model_label(h.t->model, st->label), "Zeta_Far_Func");
	ck_assert_uint_eq(h.t->list->cursor.row, h.t->list->nrows - 1);
	ht_close(&h);
}
END_TEST

START_TEST(test_search)
{
	struct ht h = { 0 };
	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "{{"); /* sample 70: brd holds pages */
	ht_keys(&h, "/");
	ck_line_has(&h, 23, "Search:");
	ht_keys(&h, "brd_sub");
	ck_line_has(&h, 23, "Search: brd_sub");
	ck_assert_str_eq(model_label(h.t->model, h.t->list->rows[h.t->list->cursor.row].label), "brd_submit_bio [brd]");
	ht_keys(&h, "\n");
	ck_assert_str_eq(h.t->list->search.text, "brd_sub");
	/* n, N go through the rows with a matching frame (brd has three stacks) */
	{
		size_t first = h.t->list->cursor.row;

		ht_keys(&h, "n");
		ck_assert_uint_ne(h.t->list->cursor.row, first);
		ck_assert(list_row_matches(h.t->list, h.t->list->cursor.row));
		ht_keys(&h, "N");
		ck_assert_uint_eq(h.t->list->cursor.row, first);
	}
	/* a search matching nothing says so; Esc puts the cursor back */
	ht_keys(&h, "k/zzzz");
	ck_line_has(&h, 23, "(not found)");
	{
		size_t at = h.t->list->cursor.row;

		ht_keys(&h, "\033");
		ck_assert_uint_eq(h.t->list->cursor.row, at);
		ck_assert_str_eq(h.t->list->search.text, "brd_sub");
	}
	ht_keys(&h, "/zzzz\nn");
	ck_line_has(&h, 23, "'zzzz' not found");
	ht_close(&h);
}
END_TEST

START_TEST(test_search_highlight)
{
	struct ht h = { 0 };
	int y, found = 0;

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "/kernfs\n");
	y = ht_cursor_y(&h);
	ck_assert_int_ge(y, TUI_HEADER_LINES);
	/* on another line with a match, the match has the search colour */
	for (int yy = TUI_HEADER_LINES; yy < 23; yy++) {
		const char *l = ht_line(&h, yy);
		const char *m = strstr(l, "kernfs");

		if (yy == y || !m)
			continue;
		for (int x = 0; x < 80; x++) {
			short pair = 0;

			draw_cell_attr(yy, x, &pair);
			if (pair == 5)
				found = 1;
		}
	}
	ck_assert_msg(found, "no highlighted match:\n%s", h.screen);
	ht_close(&h);
}
END_TEST

START_TEST(test_filter)
{
	struct ht h = { 0 };
	size_t all;

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	all = h.t->list->nrows;
	ht_keys(&h, "f");
	ck_line_has(&h, 23, "Filter (regex, !regex hides):");
	ht_keys(&h, "do_wp_page\n");
	ck_line_has(&h, 2, "filter do_wp_page");
	ck_assert_uint_ge(h.t->list->nrows, 1);
	ck_assert_uint_lt(h.t->list->nrows, all);
	ht_keys(&h, "F");
	ck_line_has(&h, 2, "filter —");
	ck_assert_uint_eq(h.t->list->nrows, all);
	ht_keys(&h, "f!kernfs\n");
	ck_line_has(&h, 2, "filter !kernfs");
	ck_screen_lacks(&h, "kernfs_");
	ht_keys(&h, "fshmem\n");
	ck_line_has(&h, 2, "filter !kernfs, shmem");
	for (size_t i = 0; i < h.t->list->nrows; i++)
		ck_assert(list_row_stack(h.t->list, i) != NULL);
	ht_keys(&h, "f(\n");
	ck_line_has(&h, 23, "bad filter \"(\"");
	ck_line_has(&h, 2, "filter !kernfs, shmem");
	ht_keys(&h, "F");
	ck_assert_uint_eq(h.t->list->nrows, all);
	ht_close(&h);
}
END_TEST

START_TEST(test_group)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group caller");
	ck_line_has(&h, 3, "CALLER");
	ck_line_has(&h, 1, "callers");
	ck_line_has(&h, 23, "grouped by caller");
	ht_keys(&h, "l");
	ck_line_has(&h, 5, "largest of");
	ht_keys(&h, "g");
	ck_line_has(&h, 3, "FUNCTION");
	ck_line_has(&h, 1, "functions");
	ht_keys(&h, "g");
	ck_line_has(&h, 3, "MODULE");
	ck_screen_has(&h, "vmlinux");
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group stack");
	ht_close(&h);
}
END_TEST

/* ---- the blocks' screen: the per-block dump by task, cgroup and block ---- */

/* UI options with the attribution keys k1, k2 (AK_NONE: none) and the dump's time. */
static struct tui_opts attrib_tui_opts(struct attrib_opts *ao, enum attr_key k1,
				       enum attr_key k2, double now)
{
	struct tui_opts o;

	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	attrib_opts_init(ao);
	ao->keys[0] = k1;
	ao->keys[1] = k2;
	o.attrib = ao;
	o.attr_clock = (struct attr_clock){ now, -1, 0 };
	return o;
}

/* What batch mode's attrib_run() groups at rel@n: the view of the blocks of sample n of
 * rel (in TEST_DATA) by ao. */
static void batch_attr_view_at(const char *rel, long n, const struct attrib_opts *ao,
			       double now, struct attr_view *v)
{
	struct model *m = model_new();
	struct attrib *a = attrib_new(m);
	struct sink sink = model_sink(m);
	struct source_opts so;
	struct source *src;
	struct pt_err err;
	const char *path = rel;

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	for (long i = 0; i <= n; i++)
		ck_assert_int_eq(source_next(src, &sink, -1, &err), SRC_SAMPLE);
	attr_view_init(v);
	ck_assert_msg(attrib_view(a, ao, now, 0, v, &err) == 0, "%s", err.msg);
	attrib_free(a);
	source_close(src);
	model_free(m);
}

static void batch_attr_view(const char *rel, const struct attrib_opts *ao, double now,
			    struct attr_view *v)
{
	batch_attr_view_at(rel, 0, ao, now, v);
}

/* One per-block sample of path (in TEST_DATA) into m. */
static void feed_blocks(struct model *m, const char *path)
{
	struct sink sink = model_sink(m);
	struct source_opts so;
	struct source *src;
	struct pt_err err;

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(source_next(src, &sink, -1, &err), SRC_SAMPLE);
	source_close(src);
}

/* Samples of 200 blocks, each sample's tasks new (pids never seen again): the tables of
 * tasks stay bounded, the blocks still name theirs. */
START_TEST(test_attrib_tasks_bounded)
{
	struct model *m = model_new();
	struct attrib *a = attrib_new(m);
	char *tmp = tmpdir_new(), *path = xasprintf("%s/po", tmp);
	size_t first = 0, later = 0;

	for (int k = 0; k < 80; k++) {
		FILE *f = fopen(path, "w");
		struct attrib_opts ao;
		struct attr_view v;
		struct pt_err err;

		ck_assert_ptr_nonnull(f);
		for (int i = 0; i < 200; i++)
			fprintf(f, "Page allocated via order 0, mask 0x0(), pid %d, tgid %d (t%d), "
				   "ts %d ns\nPFN 0x%x type Unmovable Block 0 type Unmovable "
				   "Flags 0x4(referenced|zone=0)\n init_page_owner+0x2e/0x237\n"
				   " start_kernel+0x4e4/0x657\n\n",
				1000 + k * 200 + i, 1000 + k * 200 + i, i % 7, 1000 + i, 0x100 + i);
		ck_assert_int_eq(fclose(f), 0);
		feed_blocks(m, path);
		ck_assert_uint_eq(attrib_nblocks(a), 200);
		if (k < 40 && attrib_mem_bytes(a) > first)
			first = attrib_mem_bytes(a);
		else if (k >= 40 && attrib_mem_bytes(a) > later)
			later = attrib_mem_bytes(a);
		if (k % 20 == 19) { /* the last sample's tasks, as read */
			attrib_opts_init(&ao);
			ck_assert_int_eq(attr_parse_group(&ao, "pid", &err), 0);
			attr_view_init(&v);
			ck_assert_msg(attrib_view(a, &ao, -1, 0, &v, &err) == 0, "%s", err.msg);
			ck_assert_uint_eq(v.nrows, 200);
			for (size_t r = 0; r < v.nrows; r++)
				ck_assert_msg(v.rows[r].num >= 1000 + k * 200 &&
					      v.rows[r].num < 1200 + k * 200, "%s", v.rows[r].label);
			attr_view_free(&v);
			attrib_opts_free(&ao);
		}
	}
	ck_assert_msg(later <= first, "%zu bytes in samples 40-79, %zu in 0-39", later, first);
	attrib_free(a);
	model_free(m);
	unlink(path);
	free(path);
	tmpdir_free(tmp);
}
END_TEST

/* A model started afresh (A switches the source) forgets the blocks of its old stacks
 * and goes on telling the blocks' screen of new ones. */
START_TEST(test_attrib_model_reset)
{
	struct model *m = model_new();
	struct attrib *a = attrib_new(m);

	feed_blocks(m, "attrib/page_owner");
	ck_assert_uint_eq(attrib_nblocks(a), 6);
	model_reset(m);
	ck_assert_uint_eq(attrib_nblocks(a), 0);
	feed_blocks(m, "small/page_owner.xz");
	ck_assert_uint_eq(attrib_nblocks(a), 11121);
	attrib_free(a);
	model_free(m);
}
END_TEST

/* Every row of batch's view is a line of the screen, in its order: pages, blocks and
 * average order to the digit, the label at the end. */
static void ck_screen_is_batch(struct ht *h, const struct attr_view *v)
{
	ck_assert_uint_gt(v->nrows, 0);
	ck_assert_uint_lt(v->nrows, (size_t)(LINES - TUI_HEADER_LINES - 1));
	ht_screen(h);
	for (size_t i = 0; i < v->nrows; i++) {
		const struct attr_row *r = &v->rows[i];
		char pages[32], blocks[32], want[128];
		const char *line = ht_line_drawn(h, TUI_HEADER_LINES + (int)i);
		size_t n = strlen(line), ln = strlen(r->label);

		fmt_count(pages, sizeof(pages), (int64_t)r->pages);
		fmt_count(blocks, sizeof(blocks), (int64_t)r->blocks);
		snprintf(want, sizeof(want), "%10s %8s %9.2f", pages, blocks,
			 (double)r->order_sum / (double)r->blocks);
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0 && n >= ln &&
			      strcmp(line + n - ln, r->label) == 0,
			      "row %zu: want \"%s ... %s\", line \"%s\"", i, want, r->label, line);
	}
}

/* g goes on past the list's module into the blocks' keys, and back to the stacks;
 * Enter drills from a task into its stacks, from a stack into its frames, tasks and
 * cgroups; <- and Esc come back. */
START_TEST(test_attrib_screen)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_NONE, AK_NONE, 100.5);

	ht_open(&h, "attrib/page_owner", &o, 40, 100, NULL, NULL);
	ck_line_has(&h, 2, "group stack");
	ht_keys(&h, "ggg");
	ck_line_has(&h, 3, "MODULE");
	ht_keys(&h, "g");
	ck_line_has(&h, 0, "blocks by stack, sorted by pages");
	ck_line_has(&h, 3, "PAGES   BLOCKS AVG_ORDER  SHARE  STACK");
	ck_line_has(&h, 4, "         4        1      2.00  40.0%  ▸ do_anonymous_page #1");
	ht_keys(&h, "g");
	ck_line_has(&h, 0, "blocks by pid > stack");
	ck_line_has(&h, 1, "10 of 10 pages in 6 of 6 blocks, 4 groups");
	ck_line_has(&h, 3, "PAGES   BLOCKS AVG_ORDER  SHARE  PID");
	ck_line_has(&h, 4, "         5        2      1.00  50.0%  ▸ 300");
	ht_keys(&h, "\n");
	ck_line_has(&h, 4, "▾ 300");
	ck_line_has(&h, 5, "  ▸ do_anonymous_page #1");
	ht_keys(&h, "j\n");
	ck_line_has(&h, 6, "prep_new_page+0x17/0x43");
	ck_screen_has(&h, "top tasks (pid comm: pages, blocks)");
	ck_screen_has(&h, "300 nginx: 4, 1");
	ck_screen_has(&h, "nginx.service: 4, 1");
	ck_expected(&h, "attrib-pid-stack");
	/* on a frame, <- closes the stack; Esc then the task; Esc on nothing: the list */
	ht_keys(&h, "j");
	ht_key(&h, FN(KEY_LEFT));
	ck_screen_lacks(&h, "top tasks");
	ck_line_has(&h, 5, "▸ do_anonymous_page #1");
	ht_keys(&h, "\033");
	ck_line_has(&h, 4, "▸ 300");
	ck_assert_int_eq(ht_cursor_y(&h), 4);
	ht_keys(&h, "\033");
	ck_line_has(&h, 2, "group stack");
	ck_assert_uint_gt(h.t->list->nrows, 0);
	ck_assert_ptr_nonnull(h.t->list->rows[0].stack); /* its rows are stacks again */
	ht_keys(&h, "ggggg");
	ck_line_has(&h, 0, "blocks by pid");
	/* the help and back: to the blocks' screen */
	ht_keys(&h, "?q");
	ck_line_has(&h, 0, "blocks by pid");
	for (const char *k = "tgid\0comm\0memcg\0class\0gfp\0order\0migratetype\0migrated\0age\0";
	     *k; k += strlen(k) + 1) {
		char want[64];

		ht_keys(&h, "g");
		snprintf(want, sizeof(want), "blocks by %s > stack", k);
		ck_line_has(&h, 0, want);
	}
	ck_line_has(&h, 4, "<1m");
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group stack");
	ht_close(&h);
}
END_TEST

/* The screen's numbers are batch's for the same keys, on the dump written as the kernel
 * prints cgroups and on the lab's real dump; x picks the second level. */
START_TEST(test_attrib_agree)
{
	static const struct { const char *path; enum attr_key k1, k2; } cases[] = {
		{ "attrib/page_owner", AK_COMM, AK_CALLER },
		{ "attrib/page_owner", AK_MEMCG, AK_PID },
		{ "attrib/page_owner", AK_GFP, AK_ORDER },
		{ "attrib/page_owner", AK_AGE, AK_MIGRATED },
		{ "small/page_owner.xz", AK_COMM, AK_CALLER },
		{ "small/page_owner.xz", AK_CLASS, AK_MT },
		{ "small/page_owner.xz", AK_ORDER, AK_NONE },
	};

	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct ht h = { 0 };
		struct attrib_opts ao;
		struct tui_opts o = attrib_tui_opts(&ao, cases[c].k1, cases[c].k2, 100.5);
		struct attr_view v;

		ht_open(&h, cases[c].path, &o, 500, 120, NULL, NULL);
		ht_keys(&h, "e");
		if (cases[c].k2 == AK_NONE)
			ao.keys[1] = AK_STACK; /* what a group expands into by default */
		batch_attr_view(cases[c].path, &ao, 100.5, &v);
		ck_screen_is_batch(&h, &v);
		attr_view_free(&v);
		ht_close(&h);
	}
}
END_TEST

/* x: comm's groups expand into caller, then pid; the numbers stay batch's. */
START_TEST(test_attrib_second_key)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_COMM, AK_NONE, 100.5);
	struct attr_view v;

	ht_open(&h, "attrib/page_owner", &o, 40, 100, NULL, NULL);
	ck_line_has(&h, 0, "blocks by comm > stack");
	ht_keys(&h, "x");
	ck_line_has(&h, 0, "blocks by comm > caller");
	ht_keys(&h, "xe");
	ck_line_has(&h, 0, "blocks by comm > pid");
	ao.keys[1] = AK_PID;
	batch_attr_view("attrib/page_owner", &ao, 100.5, &v);
	ck_screen_is_batch(&h, &v);
	attr_view_free(&v);
	ht_close(&h);

	/* --pid alone: the stacks of that task; e leaves stacks shut (each one's tasks are
	 * a pass over every block), Enter opens one */
	o = attrib_tui_opts(&ao, AK_NONE, AK_NONE, 100.5);
	ao.pids[ao.npids++] = 300;
	ht_open(&h, "attrib/page_owner", &o, 40, 100, NULL, NULL);
	ck_line_has(&h, 0, "blocks by stack, sorted by pages");
	ck_line_has(&h, 1, "5 of 10 pages in 2 of 6 blocks, 2 groups");
	ht_keys(&h, "x");
	ck_line_has(&h, 39, "a stack expands into its frames, tasks and cgroups");
	ht_keys(&h, "e");
	ck_screen_lacks(&h, "top tasks");
	ht_keys(&h, "\n");
	ck_screen_has(&h, "300 nginx: 4, 1");
	ht_close(&h);
}
END_TEST

/* f selects by pid, tgid, comm and age (as --pid, --tgid, --comm, --older-than); F
 * clears; age without the time of the read says why instead. */
START_TEST(test_attrib_select)
{
	struct ht h = { 0 };
	struct attrib_opts ao, want;
	struct tui_opts o = attrib_tui_opts(&ao, AK_COMM, AK_CALLER, 100.5);
	struct attr_view v;
	struct pt_err err;

	ht_open(&h, "attrib/page_owner", &o, 40, 100, NULL, NULL);
	ht_keys(&h, "fcomm=java,nginx older=10s\n");
	ck_line_has(&h, 2, "selected: comm java,nginx older than 10s");
	ht_keys(&h, "e");
	attrib_opts_init(&want);
	want.keys[0] = AK_COMM;
	want.keys[1] = AK_CALLER;
	ck_assert_int_eq(attr_parse_comms(&want, "java,nginx", &err), 0);
	want.older_than = 10;
	batch_attr_view("attrib/page_owner", &want, 100.5, &v);
	ck_line_has(&h, 1, "3 of 10 pages in 3 of 6 blocks, 2 groups");
	ck_screen_is_batch(&h, &v);
	attr_view_free(&v);
	attrib_opts_free(&want);
	ht_keys(&h, "fpid=x\n");
	ck_line_has(&h, 39, "pid: expected numbers separated by commas");
	ht_keys(&h, "F");
	ck_line_has(&h, 2, "selected: every block");
	ck_line_has(&h, 1, "10 of 10 pages in 6 of 6 blocks");
	ht_close(&h);

	/* no uptime file, no --now: no age */
	o = attrib_tui_opts(&ao, AK_AGE, AK_NONE, -1);
	ht_open(&h, "attrib/page_owner", &o, 40, 100, NULL, NULL);
	ck_screen_has(&h, "--group age: the age of blocks needs the time of the read");
	ht_keys(&h, "g"); /* age is the last key: the list's stacks next, then pid */
	ck_line_has(&h, 2, "group stack");
	ht_keys(&h, "ggggg");
	ck_line_has(&h, 0, "blocks by pid");
	ht_keys(&h, "folder=1m\n");
	ck_screen_has(&h, "--older-than: the age of blocks needs the time of the read");
	ht_close(&h);
}
END_TEST

/* A folder of dumps: the blocks are the last sample's, and a replay of an earlier one
 * says so. */
START_TEST(test_attrib_series)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_COMM, AK_NONE, 100.5);
	char *dump = read_file(TEST_DATA "/attrib/page_owner", NULL);
	char *dir = tmpdir_new(), *p;

	ck_assert_ptr_nonnull(dump);
	for (int i = 0; i < 2; i++) {
		p = xasprintf("%s/000%d.page_owner", dir, i);
		write_str(p, dump);
		free(p);
	}
	ht_open(&h, dir, &o, 30, 100, NULL, NULL);
	ck_line_has(&h, 0, "blocks by comm > stack");
	ck_line_has(&h, 1, "10 of 10 pages in 6 of 6 blocks, 4 groups");
	ck_assert_ptr_null(strstr(ht_line(&h, 2), "blocks of the last sample read"));
	ht_keys(&h, "[");
	ck_line_has(&h, 1, "sample 1/2");
	ck_line_has(&h, 1, "10 of 10 pages in 6 of 6 blocks, 4 groups");
	ck_assert_ptr_null(strstr(ht_line(&h, 2), "blocks of the last sample read"));
	ht_close(&h);
	tmpdir_free(dir);
	free(dump);
}
END_TEST

/* A folder that lost files since it was read: an earlier sample says it is gone, the
 * last one still shows its blocks. */
START_TEST(test_attrib_series_gone)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_COMM, AK_NONE, 100.5);
	char *dump = read_file(TEST_DATA "/attrib/page_owner", NULL);
	char *dir = tmpdir_new(), *p[3];

	ck_assert_ptr_nonnull(dump);
	for (int i = 0; i < 3; i++) {
		p[i] = xasprintf("%s/000%d.page_owner", dir, i);
		write_str(p[i], dump);
	}
	ht_open(&h, dir, &o, 30, 100, NULL, NULL);
	ck_line_has(&h, 1, "sample 3/3");
	ck_assert_int_eq(unlink(p[1]), 0);
	ck_assert_int_eq(unlink(p[2]), 0);
	ht_keys(&h, "[");
	ck_line_has(&h, 1, "sample 2/3");
	ck_screen_has(&h, "sample 2 is not there any more");
	ht_keys(&h, "]");
	ck_line_has(&h, 1, "10 of 10 pages in 6 of 6 blocks, 4 groups");
	ht_close(&h);
	for (int i = 0; i < 3; i++)
		free(p[i]);
	tmpdir_free(dir);
	free(dump);
}
END_TEST

/* A source the screen cannot read again (standard input, named to it as no path): an
 * earlier sample shows the last one's blocks, and says so. */
START_TEST(test_attrib_series_once)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_COMM, AK_NONE, 100.5);
	const char *path = "attrib-series";
	struct source_opts so;
	struct source *src;
	struct pt_err err;

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	ht_start(&h, src, &o, 30, 100, NULL, NULL);
	ck_assert_ptr_null(strstr(ht_line(&h, 2), "blocks of the last sample read"));
	ht_keys(&h, "[");
	ck_line_has(&h, 2, "blocks of the last sample read");
	ht_close(&h);
}
END_TEST

/* The first stack of the first group of v (by comm) opened: its top tasks are batch's
 * "--group pid,comm --comm GROUP" on that stack's blocks at sample n of rel. */
static void ck_top_tasks_at(struct ht *h, const char *rel, long n, const struct attr_view *v)
{
	struct attrib_opts ao;
	struct attr_view t;

	ck_assert_uint_gt(v->nrows, 1);
	ck_assert_int_eq(v->rows[1].level, 1);
	attrib_opts_init(&ao);
	ao.keys[0] = AK_PID;
	ao.keys[1] = AK_COMM;
	ao.comms[0] = v->rows[0].label;
	ao.ncomms = 1;
	ao.stack_sel = 1;
	ao.stack = v->rows[1].stack;
	batch_attr_view_at(rel, n, &ao, 4000, &t);
	ht_key(h, FN(KEY_HOME));
	ht_key(h, FN(KEY_DOWN));
	ht_keys(h, "\n");
	ck_screen_has(h, "top tasks (pid comm: pages, blocks)");
	for (size_t i = 0, shown = 0; i < t.nrows && shown < 5; i++) {
		char pages[32], blocks[32], want[160];

		if (t.rows[i].level)
			continue;
		fmt_count(pages, sizeof(pages), (int64_t)t.rows[i].pages);
		fmt_count(blocks, sizeof(blocks), (int64_t)t.rows[i].blocks);
		snprintf(want, sizeof(want), "  %s %s: %s, %s", t.rows[i].label,
			 t.rows[i + 1].label, pages, blocks);
		ck_screen_has(h, want);
		shown++;
	}
	ht_key(h, FN(KEY_LEFT));
	attr_view_free(&t);
}

/* At each sample of a folder of dumps and of its recording, the screen's rows are
 * those of "pagetop -b --group K1,K2 SOURCE@N", going back and forth. */
START_TEST(test_attrib_series_at)
{
	static const struct { enum attr_key k1, k2; double older; } cases[] = {
		{ AK_PID, AK_COMM, -1 },
		{ AK_COMM, AK_CALLER, -1 },
		{ AK_MEMCG, AK_ORDER, -1 },
		{ AK_AGE, AK_NONE, -1 },
		{ AK_COMM, AK_NONE, 600 },
	};
	/* under memcheck() back two and on one: both ways still, not every step */
	static const int walk[] = { 3, 2, 1, 0, 2, 1, 3, 0 }, short_walk[] = { 3, 1, 2 };
	const int *steps = memcheck() ? short_walk : walk;
	size_t nsteps = memcheck() ? ARRAY_SIZE(short_walk) : ARRAY_SIZE(walk);
	char *tmp = tmpdir_new(), *rec = xasprintf("%s/r.ptrec", tmp);
	char a0[] = "record", a1[] = "--from", a2[] = "attrib-series", a3[] = "-o";
	char *argv[] = { a0, a1, a2, a3, rec, NULL };
	const char *srcs[] = { "attrib-series", rec };

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	optind = 0;
	ck_assert_int_eq(cmd_record(5, argv), 0);
	for (size_t s = 0; s < ARRAY_SIZE(srcs); s++)
		for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
			struct ht h = { 0 };
			struct attrib_opts ao;
			struct tui_opts o = attrib_tui_opts(&ao, cases[c].k1, cases[c].k2, 4000);
			int at = 3;

			if (memcheck() && c % 2 != s) /* each case from one of the sources */
				continue;
			ao.older_than = cases[c].older;
			ht_open(&h, srcs[s], &o, 700, 140, NULL, NULL);
			for (size_t w = 0; w < nsteps; w++) {
				struct attr_view v;
				char want[32];

				for (; at > steps[w]; at--)
					ht_keys(&h, "[");
				for (; at < steps[w]; at++)
					ht_keys(&h, "]");
				snprintf(want, sizeof(want), "sample %d/4", at + 1);
				ck_line_has(&h, 1, want);
				ht_keys(&h, "e");
				ao.keys[1] = cases[c].k2 ? cases[c].k2 : AK_STACK;
				batch_attr_view_at(srcs[s], at, &ao, 4000, &v);
				ao.keys[1] = cases[c].k2;
				ck_assert_ptr_null(strstr(ht_line(&h, 2), "blocks of the last"));
				ck_screen_is_batch(&h, &v);
				if (!cases[c].k2 && cases[c].older < 0)
					ck_top_tasks_at(&h, srcs[s], at, &v);
				attr_view_free(&v);
			}
			ht_close(&h);
		}
	unlink(rec);
	free(rec);
	tmpdir_free(tmp);
}
END_TEST

/* A folder of n per-block samples, the lab's dumps of attrib-series over and over, each
 * round later by 5000 s (its uptime files). The samples' times go into up. */
static char *walk_folder(int n, double *up)
{
	static const char *const names[] = { "0000.page_owner.xz", "0001.page_owner.xz",
					     "0002.page_owner.xz", "0003.page_owner" };
	static const double t[] = { 8, 68.5, 700.25, 4000 };
	char *dir = tmpdir_new();

	for (int i = 0; i < n; i++) {
		char *from = xasprintf("%s/attrib-series/%s", TEST_DATA, names[i % 4]);
		char *to = xasprintf("%s/%04d.%s", dir, i, strchr(names[i % 4], '.') + 1);
		char *upf = xasprintf("%s/%04d.uptime", dir, i), *text;
		size_t len;
		void *data = read_file(from, &len);

		ck_assert_ptr_nonnull(data);
		write_file(to, data, len);
		up[i] = t[i % 4] + 5000.0 * (i / 4);
		text = xasprintf("%.2f 0.00\n", up[i]);
		write_str(upf, text);
		free(text);
		free(data);
		free(upf);
		free(to);
		free(from);
	}
	return dir;
}

/* Walking a long folder of dumps back one sample at a time, and on again: each step
 * reads one sample (the first back reads up to it once), and shows what "pagetop -b
 * --group K1,K2 FOLDER@K" prints, the stacks' numbers and the ages (the folder's times)
 * too. */
START_TEST(test_attrib_series_walk)
{
	enum { N = 12 };
	static const struct { enum attr_key k1, k2; } cases[] = {
		{ AK_COMM, AK_NONE },
		{ AK_AGE, AK_PID },
	};
	double up[N];
	char *dir = walk_folder(N, up);

	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct ht h = { 0 };
		struct attrib_opts ao;
		struct tui_opts o = attrib_tui_opts(&ao, cases[c].k1, cases[c].k2, -1);
		long reads = 0;

		o.attr_clock.folder = 1;
		ht_open(&h, dir, &o, 700, 140, NULL, NULL);
		for (int step = 0; step < 2 * (N - 1); step++) {
			int at = step < N - 1 ? N - 2 - step : step - N + 2;
			struct attr_view v;
			char want[32];
			long now_reads;

			ht_keys(&h, step < N - 1 ? "[" : "]");
			snprintf(want, sizeof(want), "sample %d/%d", at + 1, N);
			ck_line_has(&h, 1, want);
			now_reads = attrib_screen_reads(h.t);
			if (step == 0)
				ck_assert_int_eq(now_reads, N - 1);
			else
				ck_assert_int_le(now_reads - reads, 1);
			reads = now_reads;
			/* the batch reads the folder up to at: under memcheck only at both ends */
			if (memcheck() && at > 1 && at < N - 2)
				continue;
			ht_keys(&h, "e");
			ao.keys[1] = cases[c].k2 ? cases[c].k2 : AK_STACK;
			batch_attr_view_at(dir, at, &ao, up[at], &v);
			ao.keys[1] = cases[c].k2;
			ck_screen_is_batch(&h, &v);
			if (!cases[c].k2)
				ck_top_tasks_at(&h, dir, at, &v);
			attr_view_free(&v);
		}
		/* back past the start and on: one sample a step, from the first back on */
		ck_assert_int_eq(reads, (N - 1) + (N - 2) + (N - 3));
		ht_close(&h);
	}
	tmpdir_free(dir);
}
END_TEST

/* The "meta" lines of a recording, in their order. */
static char *meta_lines(const char *path)
{
	char *text = read_file(path, NULL), *out = xstrdup(""), *line, *save = NULL;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "meta ", 5) == 0) {
			char *t = xasprintf("%s%s\n", out, line);

			free(out);
			out = t;
		}
	free(text);
	return out;
}

/* What pagetop -b with ao answers for the last sample of the recording path: the
 * blocks' time as batch mode takes it from the recording. */
static void replay_attr_view(const char *path, const struct attrib_opts *ao,
			     struct attr_view *v)
{
	struct model *m = model_new();
	struct attrib *a = attrib_new(m);
	struct sink sink = model_sink(m);
	struct attr_clock c;
	struct source_opts so;
	struct source *src;
	struct pt_err err;

	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	ck_assert_msg(attrib_clock(src, ao, path, &c) == 0, "%s: no time for the ages", path);
	while (source_next(src, &sink, -1, &err) == SRC_SAMPLE)
		;
	attr_view_init(v);
	ck_assert_msg(attrib_view(a, ao, attr_clock_now(&c, m), 0, v, &err) == 0, "%s", err.msg);
	attrib_free(a);
	source_close(src);
	model_free(m);
}

/* R on a per-block series read from files (a folder of dumps with uptime files, a
 * recording of it), while it loads, writes the header pagetop record --from writes:
 * replayed, the recording gives the blocks' ages (--older-than) as pagetop record's does. */
START_TEST(test_attrib_series_record)
{
	char *tmp = tmpdir_new();
	char *refs[] = { xasprintf("%s/ref0.ptrec", tmp), xasprintf("%s/ref1.ptrec", tmp) };
	const char *srcs[] = { "attrib-series", refs[0] };

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	for (size_t s = 0; s < ARRAY_SIZE(srcs); s++) {
		char a0[] = "record", a1[] = "--from", a3[] = "-o";
		char *argv[] = { a0, a1, (char *)srcs[s], a3, refs[s], NULL };
		char *ui = xasprintf("%s/ui%zu.ptrec", tmp, s), *keys = xasprintf("R\025%s\n", ui);
		char *want, *got;
		struct ht h = { 0 };
		struct attrib_opts ao;
		struct tui_opts o = attrib_tui_opts(&ao, AK_NONE, AK_NONE, -1);
		struct attr_view a, b;

		optind = 0;
		ck_assert_int_eq(cmd_record(5, argv), 0);
		o.attrib = NULL;
		o.iterations = 1; /* the first sample only: a long series still loading */
		ht_open(&h, srcs[s], &o, 24, 140, NULL, NULL);
		h.t->iterations = 0;
		ht_keys(&h, keys);
		ck_line_has(&h, 23, "from the next read, with its blocks");
		tui_pump(h.t, -1);
		ht_keys(&h, "R");
		ck_line_has(&h, 23, "closed: 3 samples");
		ht_close(&h);
		want = meta_lines(refs[s]);
		got = meta_lines(ui);
		ck_assert_str_eq(got, want);
		ao.older_than = 3950; /* at 4000 s: 4 of the last dump's 6 blocks */
		ao.keys[0] = AK_COMM;
		replay_attr_view(refs[s], &ao, &a);
		replay_attr_view(ui, &ao, &b);
		ck_assert_uint_gt(a.nrows, 0);
		ck_assert_uint_eq(a.blocks, 4);
		ck_assert_uint_eq(b.nrows, a.nrows);
		ck_assert_uint_eq(b.pages, a.pages);
		ck_assert_uint_eq(b.blocks, a.blocks);
		for (size_t i = 0; i < a.nrows; i++) {
			ck_assert_str_eq(b.rows[i].label, a.rows[i].label);
			ck_assert_uint_eq(b.rows[i].pages, a.rows[i].pages);
			ck_assert_uint_eq(b.rows[i].blocks, a.rows[i].blocks);
		}
		attr_view_free(&a);
		attr_view_free(&b);
		free(want);
		free(got);
		free(keys);
		unlink(ui);
		free(ui);
	}
	for (size_t s = 0; s < ARRAY_SIZE(refs); s++) {
		unlink(refs[s]);
		free(refs[s]);
	}
	tmpdir_free(tmp);
}
END_TEST

/* A recording of a dump has no blocks: the keys say what they need. */
START_TEST(test_attrib_no_blocks)
{
	struct ht h = { 0 };
	struct attrib_opts ao;
	struct tui_opts o = attrib_tui_opts(&ao, AK_PID, AK_NONE, 100.5);

	ht_open(&h, "demo", &o, 30, 100, NULL, NULL);
	ck_screen_has(&h, "no blocks: these keys need the per-block page_owner dump");
	ht_keys(&h, "\033");
	ck_line_has(&h, 2, "group stack");
	ht_keys(&h, "gggg");
	ck_line_has(&h, 2, "group stack");
	ht_close(&h);
}
END_TEST

START_TEST(test_baseline)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "s5{{");
	ck_line_has(&h, 4, "+30720");
	ht_keys(&h, "b");
	ck_line_has(&h, 23, "baseline set to sample 70");
	ck_line_has(&h, 1, "baseline +87.0 s (0)");
	ht_keys(&h, "}");
	ck_line_has(&h, 0, "sample 80/90");
	ck_line_has(&h, 4, "brd_submit_bio");
	ck_line_has(&h, 4, "+3584"); /* since the baseline at 70 */
	ht_keys(&h, "}");
	ck_line_has(&h, 0, "sample 90/90");
	ht_keys(&h, "B");
	ck_line_has(&h, 1, "baseline first");
	ck_assert_ptr_eq(h.t->model, h.t->master); /* back on the main model */
	ht_close(&h);
}
END_TEST

START_TEST(test_replay)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "[");
	ck_line_has(&h, 0, "sample 89/90");
	ht_keys(&h, "]]");
	ck_line_has(&h, 0, "sample 90/90");
	ck_assert_ptr_eq(h.t->model, h.t->master);
	for (int i = 0; i < 10; i++)
		ht_keys(&h, "{");
	ck_line_has(&h, 0, "sample 1/90");
	ck_line_has(&h, 0, "●───────────");
	ck_line_has(&h, 1, "Total 1,414 pages");
	ht_keys(&h, "}");
	ck_line_has(&h, 0, "sample 11/90");
	/* play as fast as possible: one sample per tick */
	ht_keys(&h, "P");
	ck_line_has(&h, 23, "Play at speed");
	ht_keys(&h, "\0250\n");
	ck_line_has(&h, 2, "PLAYING ×0");
	tui_tick(h.t);
	tui_tick(h.t);
	ck_line_has(&h, 0, "sample 13/90");
	ht_keys(&h, " ");
	ck_line_has(&h, 23, "replay stopped");
	ck_screen_lacks(&h, "PLAYING");
	ht_keys(&h, " ");
	ck_line_has(&h, 2, "PLAYING");
	ht_keys(&h, "P");
	ck_screen_lacks(&h, "PLAYING");
	/* at real time: nothing before the interval passes */
	ht_keys(&h, "P\0251\n");
	h.t->fake_now += 0.1;
	tui_tick(h.t);
	ck_line_has(&h, 0, "sample 13/90");
	h.t->fake_now += 5;
	tui_tick(h.t);
	ck_line_has(&h, 0, "sample 14/90");
	/* from the end, play starts over; it stops at the end */
	ht_keys(&h, "P");
	ht_key(&h, FN(KEY_END));
	for (int i = 0; i < 10; i++)
		ht_keys(&h, "}");
	ht_keys(&h, "P\0250\n");
	ck_line_has(&h, 0, "sample 1/90");
	for (int i = 0; i < 100; i++)
		tui_tick(h.t);
	ck_line_has(&h, 0, "sample 90/90");
	ck_line_has(&h, 23, "end of the series");
	ck_assert_int_eq(h.t->time.playing, 0);
	ht_keys(&h, "d");
	ck_line_has(&h, 23, "a replay keeps the recorded times");
	ht_keys(&h, "R");
	ck_line_has(&h, 23, "this series is complete");
	ht_close(&h);
}
END_TEST

/* Big rebuilds run a slice at a time: the screen keeps the old sample meanwhile. */
START_TEST(test_replay_background)
{
	struct ht h = { 0 };
	int turns = 0;

	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	h.t->time.sync_work = 0;
	h.t->time.build_slice_ms = 0; /* a sample a turn */
	ht_keys(&h, "s5{{");
	while (!time_build_step(h.t, 0))
		turns++;
	ck_assert_int_gt(turns, 0);
	ck_line_has(&h, 0, "sample 70/90");
	ck_line_has(&h, 4, "brd_submit_bio [brd]");
	/* going back again: the old sample stays on the screen until the new one is built */
	ht_keys(&h, "{");
	ck_line_has(&h, 2, "GOING TO 60");
	ck_line_has(&h, 0, "sample 70/90");
	ht_keys(&h, "{"); /* counts from where it goes */
	ck_line_has(&h, 2, "GOING TO 50");
	while (!time_build_step(h.t, 0))
		;
	ck_line_has(&h, 0, "sample 50/90");
	ck_screen_lacks(&h, "GOING TO");
	/* forward from a replica is at once */
	ht_keys(&h, "]");
	ck_line_has(&h, 0, "sample 51/90");
	ht_keys(&h, "{b");
	ck_line_has(&h, 1, "baseline +");
	ht_close(&h);
}
END_TEST

START_TEST(test_help)
{
	struct ht h = { 0 };
	const struct help_entry *e;
	size_t n = help_entries(&e);

	ht_open(&h, "demo", NULL, 64, 100, NULL, NULL);
	ht_keys(&h, "?");
	ck_line_has(&h, 0, "keys (any other key closes this help)");
	/* every action of the list is on the help screen with its keys */
	for (size_t i = 0; i < n; i++) {
		char keys[128];

		if (e[i].section) {
			ck_screen_has(&h, e[i].section);
			continue;
		}
		keymap_keys(&h.t->settings.keys, e[i].a, keys, sizeof(keys));
		ck_screen_has(&h, action_name(e[i].a));
		ck_screen_has(&h, keys);
	}
	ck_screen_has(&h, "Config file: ");
	ht_keys(&h, "x");
	ck_line_has(&h, 3, "PAGES");
	ht_key(&h, FN(KEY_F(1)));
	ck_line_has(&h, 0, "keys (any other key closes this help)");
	ht_keys(&h, "q"); /* closes the help, does not quit */
	ck_assert_int_eq(h.t->quit, 0);
	ck_line_has(&h, 3, "PAGES");
	/* a small terminal scrolls the help */
	resizeterm(20, 80);
	ht_keys(&h, "?j");
	ck_assert_int_eq(PAGER(h.t->screen)->top, 1);
	ck_assert_ptr_eq(h.t->screen->ops, &help_screen_ops);
	ht_key(&h, FN(KEY_END));
	ck_screen_has(&h, "Config file: ");
	ht_keys(&h, "x");
	ck_assert_ptr_eq(h.t->screen->ops, &list_screen_ops);
	ht_keys(&h, "q");
	ck_assert_int_eq(h.t->quit, 1);
	ht_close(&h);
}
END_TEST

START_TEST(test_redraw)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_key(&h, TK_CTRL('L'));
	ck_assert_int_eq(h.t->redraw_all, 0);
	ck_line_has(&h, 3, "PAGES");
	ht_close(&h);
}
END_TEST

START_TEST(test_snapshot)
{
	struct ht h = { 0 };
	char *path, *keys;
	struct rsink rs;
	struct pt_err err;
	enum pfmt got;

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "{{w");
	ck_line_has(&h, 23, "Write the snapshot to: pagetop-test.show_stacks");
	path = path_join(h.tmp, "snap.show_stacks");
	keys = xasprintf("\025%s\n", path);
	ht_keys(&h, keys);
	ck_line_has(&h, 23, "wrote ");
	rs_init(&rs);
	ck_assert_int_eq(parse_path(path, PF_UNKNOWN, &got, &rs, &err), 0);
	ck_assert_int_eq(got, PF_SHOW_STACKS);
	{
		uint64_t total = 0;

		for (size_t i = 0; i < rs.nst; i++)
			total += rs.st[i].count;
		ck_assert_uint_eq(total, (uint64_t)h.t->list->view.total_pages);
	}
	rs_clear(&rs);
	/* never over an existing file */
	ht_keys(&h, "w");
	ht_keys(&h, keys);
	ck_line_has(&h, 23, "exists: pagetop does not overwrite");
	free(keys);
	free(path);
	ht_close(&h);
}
END_TEST

/* Names in dir that start with .pagetop- (temporary files left behind). */
static int temp_files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, ".pagetop-", 9) == 0;
	closedir(d);
	return n;
}

/* w PATH Enter in the UI: the status line after it. */
static const char *snap_to(struct ht *h, const char *path)
{
	char *keys = xasprintf("w\025%s\n", path);

	ht_keys(h, keys);
	free(keys);
	return ht_line(h, LINES - 1);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(test_snapshot_safety)
{
	struct ht h = { 0 };
	char *target, *link, *exist, *p;
	char *sub;
	const char *line;
	mode_t old;
	struct rlimit rl, small;

	ht_open(&h, "demo", NULL, 24, 200, NULL, NULL);
	target = path_join(h.tmp, "target");
	link = path_join(h.tmp, "link");
	exist = path_join(h.tmp, "exists");
	/* a symbolic link at the name: refused, whether it points at a file or nowhere */
	ck_assert_int_eq(symlink(target, link), 0);
	line = snap_to(&h, link);
	ck_assert_msg(strstr(line, "link is a symbolic link: pagetop does not write through symbolic links") != NULL,
		      "%s", line);
	ck_assert_int_eq(access(target, F_OK), -1);
	write_str(target, "precious\n");
	line = snap_to(&h, link);
	ck_assert_msg(strstr(line, "is a symbolic link") != NULL, "%s", line);
	p = read_file(target, NULL);
	ck_assert_str_eq(p, "precious\n");
	free(p);
	/* an existing file: refused, untouched */
	write_str(exist, "keep me\n");
	line = snap_to(&h, exist);
	ck_assert_msg(strstr(line, "exists: pagetop does not overwrite files") != NULL, "%s", line);
	p = read_file(exist, NULL);
	ck_assert_str_eq(p, "keep me\n");
	free(p);
	/* 0644 through the umask: 022 gives 0644, a stricter one is honoured */
	old = umask(022);
	p = path_join(h.tmp, "u022");
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, "wrote ") != NULL, "%s", line);
	ck_assert_uint_eq(mode_of(p), 0644);
	free(p);
	umask(077);
	p = path_join(h.tmp, "u077");
	snap_to(&h, p);
	ck_assert_uint_eq(mode_of(p), 0600);
	free(p);
	umask(027);
	p = path_join(h.tmp, "u027");
	snap_to(&h, p);
	ck_assert_uint_eq(mode_of(p), 0640);
	free(p);
	umask(old);
	/* a folder that is not there: says which */
	p = path_join(h.tmp, "nowhere/snap");
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, "cannot create a file in ") != NULL && strstr(line, "nowhere") != NULL,
		      "%s", line);
	free(p);
	/* the write fails half-way (a file size limit stands in for a full disk): nothing
	 * under the name, no temporary file, and the reason */
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	small = rl;
	small.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	p = path_join(h.tmp, "toobig");
	line = snap_to(&h, p);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_msg(strstr(line, "cannot write ") != NULL && strstr(line, "toobig") != NULL &&
		      strstr(line, strerror(EFBIG)) != NULL, "%s", line);
	ck_assert_int_eq(access(p, F_OK), -1);
	free(p);
	ck_assert_int_eq(temp_files_in(h.tmp), 0);
	/* where the file system has no RENAME_NOREPLACE: link() and unlink(), same rules */
	write_new_file_no_renameat2 = 1;
	p = path_join(h.tmp, "linked");
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, "wrote ") != NULL, "%s", line);
	ck_assert_uint_eq(mode_of(p), 0644 & ~old);
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, "exists") != NULL, "%s", line);
	free(p);
	write_new_file_no_renameat2 = 0;
	ck_assert_int_eq(temp_files_in(h.tmp), 0);
	/* a relative name lands in the current folder, its temporary file too */
	sub = path_join(h.tmp, "sub");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(chdir(sub), 0);
	line = snap_to(&h, "rel.show_stacks");
	ck_assert_msg(strstr(line, "wrote ") != NULL, "%s", line);
	ck_assert_int_eq(access("rel.show_stacks", F_OK), 0);
	ck_assert_int_eq(temp_files_in("."), 0);
	ck_assert_int_eq(chdir(TEST_DATA), 0);
	free(sub);
	free(target);
	free(link);
	free(exist);
	ht_close(&h);
}
END_TEST

/* The folder tmp/NAME, made the user 65534's (tmp opened to all to get there). */
static char *users_folder(const char *tmp, const char *name)
{
	char *d = path_join(tmp, name);

	ck_assert_int_eq(chmod(tmp, 0755), 0);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_int_eq(chown(d, 65534, 65534), 0);
	return d;
}

static void ck_owner(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_msg(st.st_uid == uid && st.st_gid == gid, "%s belongs to %ld:%ld", path,
		      (long)st.st_uid, (long)st.st_gid);
}

/* Under sudo, w writes as the user who ran it: the snapshot is theirs, and where they
 * cannot write, nothing is written. */
START_TEST(test_snapshot_sudo)
{
	struct ht h = { 0 };
	char *mine, *p;
	const char *line;

	ht_open(&h, "demo", NULL, 24, 200, NULL, NULL);
	mine = users_folder(h.tmp, "mine");
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	p = path_join(mine, "snap.show_stacks");
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, "wrote ") != NULL, "%s", line);
	ck_owner(p, 65534, 65534);
	free(p);
	/* root's folder: the user's "permission denied", nothing left there */
	p = path_join(h.tmp, "root.show_stacks");
	line = snap_to(&h, p);
	ck_assert_msg(strstr(line, strerror(EACCES)) != NULL && strstr(line, "as user 65534") != NULL,
		      "%s", line);
	ck_assert_int_eq(access(p, F_OK), -1);
	ck_assert_int_eq(temp_files_in(h.tmp), 0);
	free(p);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	free(mine);
	ht_close(&h);
}
END_TEST

/* ---- a live source ---- */

static const char *const live_specs[] = {
	"alloc_pages;a_caller [brd]=10|alloc_pages;b_caller=20|register_failure_stack=1",
	"alloc_pages;a_caller [brd]=40|alloc_pages;b_caller=18|register_failure_stack=1",
};

START_TEST(test_live_pause)
{
	struct ht h = { 0 };

	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 80, NULL, NULL);
	ck_line_has(&h, 0, "pagetop " PACKAGE_VERSION " — live 7.3.4, show_stacks");
	ck_line_has(&h, 0, "sample 2");
	ck_line_has(&h, 4, "a_caller [brd]");
	ck_line_has(&h, 4, "+30");
	/* growing rows warm, shrinking rows cool, the cursor row reversed */
	ck_line_has(&h, 5, "b_caller");
	ht_keys(&h, "G");
	ck_assert_int_eq(ht_cursor_y(&h), 6);
	{
		short pair = 0;

		draw_cell_attr(4, 3, &pair);
		ck_assert_int_eq(pair, 1);
		draw_cell_attr(5, 3, &pair);
		ck_assert_int_eq(pair, 2);
		ck_assert(!(draw_cell_attr(5, 3, NULL) & A_REVERSE));
		ck_assert(draw_cell_attr(6, 3, NULL) & A_REVERSE);
	}
	ht_key(&h, FN(KEY_HOME));
	/* pause: sampling goes on, the display does not change */
	ht_keys(&h, "p");
	ck_line_has(&h, 2, "PAUSED (+0)");
	fake_add(h.src, "alloc_pages;a_caller [brd]=90|alloc_pages;b_caller=18|register_failure_stack=1");
	tui_pump(h.t, -1);
	ck_line_has(&h, 2, "PAUSED (+1)");
	ck_line_has(&h, 0, "sample 2");
	ck_line_has(&h, 4, "40");
	ck_assert_uint_eq(model_nsamples(h.t->master), 3);
	ht_keys(&h, " ");
	ck_line_has(&h, 23, "display resumed");
	ck_line_has(&h, 0, "sample 3");
	ck_line_has(&h, 4, "90");
	/* replay keys say what they need */
	ht_keys(&h, "[");
	ck_line_has(&h, 23, "going back needs a recording");
	ht_keys(&h, "P");
	ck_line_has(&h, 23, "playing needs a recording");
	/* d asks for the interval */
	ht_keys(&h, "d");
	ck_line_has(&h, 23, "Interval in seconds: ");
	ht_keys(&h, "\0255\n");
	ck_line_has(&h, 23, "interval 5 s");
	ht_keys(&h, "d\025zero\n");
	ck_line_has(&h, 23, "expected seconds from 0.1 to 86400, found 'zero'");
	ht_close(&h);
}
END_TEST

/* ---- stacks the model forgets ---- */

#define SH "shared+0x1/0x10;"

/* n samples of the fake source: keep has pages, and a new stack every sample that is
 * gone the next (so ids of forgotten stacks are taken again). */
static void churn_samples(struct ht *h, int from, int n)
{
	for (int k = from; k < from + n; k++) {
		char spec[128];

		snprintf(spec, sizeof(spec), "shared;keep=10|shared;n%d=1", k);
		fake_add(h->src, spec);
	}
	tui_pump(h->t, -1);
}

START_TEST(test_forget_not_what_is_shown)
{
	/* gone stacks (rows with their change since the baseline) are forgotten after the
	 * history window, but not the selected row, nor a paused display's */
	static const char *const first[] = { "shared;keep=10|shared;old=7|shared;sel=4|shared;x=3" };
	struct ht h = { 0 };

	ht_start(&h, fake_new(first, 1), NULL, 24, 80, NULL, NULL);
	ht_key(&h, FN(KEY_DOWN));
	ht_key(&h, FN(KEY_DOWN));
	ht_key(&h, '\n');
	ck_screen_has(&h, "sel+0x1/0x10");
	churn_samples(&h, 1, MODEL_HISTORY + 5);
	ck_assert_ptr_null(model_find(h.m, SH "x+0x1/0x10"));
	ck_assert_ptr_null(model_find(h.m, SH "old+0x1/0x10"));
	ck_assert_ptr_nonnull(model_find(h.m, SH "sel+0x1/0x10"));
	ck_screen_has(&h, "sel+0x1/0x10");
	ck_assert_int_ge(ht_cursor_y(&h), TUI_HEADER_LINES);
	ck_line_has(&h, ht_cursor_y(&h), "-4");
	/* paused: its rows stay, with their frames, while their ids would be taken */
	ht_keys(&h, "pe");
	ck_screen_has(&h, "keep+0x1/0x10");
	churn_samples(&h, 200, MODEL_HISTORY + 5);
	ck_line_has(&h, 2, "PAUSED");
	ck_screen_has(&h, "sel+0x1/0x10");
	ck_screen_has(&h, "n125+0x1/0x10");
	ck_screen_has(&h, "n124+0x1/0x10");
	ck_assert_ptr_nonnull(model_find(h.m, SH "keep+0x1/0x10"));
	ck_assert_ptr_nonnull(model_find(h.m, SH "sel+0x1/0x10"));
	/* going on, collapsed: only the selected row of those gone is kept */
	ht_keys(&h, " E");
	churn_samples(&h, 400, 1);
	ck_screen_lacks(&h, "PAUSED");
	ck_assert_ptr_nonnull(model_find(h.m, SH "sel+0x1/0x10"));
	ht_key(&h, FN(KEY_HOME));
	churn_samples(&h, 401, 1);
	ck_assert_ptr_null(model_find(h.m, SH "sel+0x1/0x10"));
	ht_close(&h);
}
END_TEST

/* SOURCE@SEL: the screen opens at that sample once the series has it. */
static void ck_start_at(struct sample_sel sel, const char *header, const char *status)
{
	struct ht h = { 0 };
	struct tui_opts o;

	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.start = sel;
	ht_open(&h, "demo", &o, 24, 80, NULL, NULL);
	ck_line_has(&h, 0, header);
	if (status)
		ck_line_has(&h, 23, status);
	/* the rest of the series is read, the screen stays there */
	ck_assert_uint_eq(model_nsamples(h.t->master), 90);
	ht_close(&h);
}

START_TEST(test_start_at)
{
	struct source_opts so;
	struct pt_err err;
	uint64_t peak;
	char want[32];

	ck_start_at((struct sample_sel){ SAMPLE_AT, 40 }, "sample 41/90", NULL);
	ck_start_at((struct sample_sel){ SAMPLE_AT, 0 }, "sample 1/90", NULL);
	ck_start_at((struct sample_sel){ SAMPLE_FIRST, 0 }, "sample 1/90", NULL);
	ck_start_at((struct sample_sel){ SAMPLE_LAST, 0 }, "sample 90/90", NULL);
	ck_start_at((struct sample_sel){ SAMPLE_FROM_END, 5 }, "sample 85/90", NULL);
	ck_start_at((struct sample_sel){ SAMPLE_FROM_END, 0 }, "sample 90/90", NULL);
	/* @peak is the sample batch mode and diff pick (check_source checks it against the
	 * view's totals) */
	source_opts_init(&so);
	ck_assert_int_eq(chdir(TEST_DATA), 0);
	ck_assert_int_eq(select_sample("demo", &(struct sample_sel){ SAMPLE_PEAK, 0 }, &so, &peak,
				       &err), 0);
	ck_assert_uint_gt(peak, 0);
	ck_assert_uint_lt(peak, 89);
	snprintf(want, sizeof(want), "sample %llu/90", (unsigned long long)peak + 1);
	ck_start_at((struct sample_sel){ SAMPLE_PEAK, 0 }, want, NULL);
	/* a sample the series lacks: said, and the last one shown */
	ck_start_at((struct sample_sel){ SAMPLE_AT, 90 }, "sample 90/90",
		    "@90: no sample 90: it has 90 (numbered from 0); showing the last sample");
	ck_start_at((struct sample_sel){ SAMPLE_FROM_END, 100 }, "sample 90/90",
		    "@-100: no sample 100 before the last: it has 90");
}
END_TEST

/* ^ and a: to the sample where the selected row peaked, and where it first appeared. */
START_TEST(test_jumps)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 120, NULL, NULL);
	/* by peak: on top the shmem stack that held 12,416 pages from sample 36 on and
	 * came in sample 11 (batch: sample 35 and 10, counted from 0) */
	ht_keys(&h, "s7");
	ck_line_has(&h, 2, "Sort PEAK ▼");
	ck_line_has(&h, 4, "shmem_alloc_and_add_folio.constprop.0");
	ck_line_has(&h, 4, " 128 ");
	ht_keys(&h, "^");
	ck_line_has(&h, 0, "sample 36/90");
	ck_line_has(&h, 23, "the row peaked at 12,416 pages in sample 36");
	/* the row stays selected: its pages are its peak now */
	ck_assert_int_eq(ht_cursor_y(&h), 4);
	ck_line_has(&h, 4, "shmem_alloc_and_add_folio.constprop.0");
	ck_line_has(&h, 4, " 12416 ");
	ht_keys(&h, "a");
	ck_line_has(&h, 0, "sample 11/90");
	ck_line_has(&h, 23, "the row first appeared in sample 11");
	ck_line_has(&h, 4, "shmem_alloc_and_add_folio.constprop.0");
	ck_line_has(&h, 4, " 12288 ");
	/* and back to its peak, the row still selected */
	ht_keys(&h, "^");
	ck_line_has(&h, 0, "sample 36/90");
	ck_assert_int_eq(ht_cursor_y(&h), 4);
	ck_line_has(&h, 4, "shmem_alloc_and_add_folio.constprop.0");
	/* one sample before it appeared it was not there */
	ht_keys(&h, "a[");
	ck_line_has(&h, 0, "sample 10/90");
	ck_screen_lacks(&h, "12288");
	/* a group's moments too */
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group caller");
	ht_keys(&h, "a");
	ck_line_has(&h, 23, "the row first appeared in sample ");
	ht_close(&h);
}
END_TEST

/* Live: no earlier sample to show; the sample is said. */
START_TEST(test_jumps_live)
{
	struct ht h = { 0 };

	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 80, NULL, NULL);
	ck_line_has(&h, 5, "b_caller");
	ht_keys(&h, "j^");
	ck_line_has(&h, 23, "the row peaked at 20 pages in sample 1; a live source cannot go back");
	ht_keys(&h, "a");
	ck_line_has(&h, 23, "the row first appeared in sample 1; a live source cannot go back");
	ck_line_has(&h, 0, "sample 2");
	/* the hint is for series only */
	ck_screen_lacks(&h, "^ peak");
	ht_close(&h);
}
END_TEST

START_TEST(test_replay_forgotten)
{
	/* going back in a recording of stacks that come and go shows those the model
	 * forgot since, with their own frames (their ids went to others) */
	char *dir = tmpdir_new(), *path = path_join(dir, "churn.ptrec");
	struct recorder *rec;
	struct model *w = model_new();
	struct sink rs;
	struct pt_err err;
	struct ht h = { 0 };
	char line[64];

	ck_assert_msg(recorder_open(&rec, path, 0, &err) == 0, "%s", err.msg);
	rs = recorder_sink(rec);
	for (int k = 0; k < MODEL_HISTORY + 20; k++) {
		char spec[256], *t;

		snprintf(spec, sizeof(spec), "%sshared;keep=10|shared;c%d=2|shared;d%d=2",
			 k < 2 ? "shared;early=1000|" : "", k, k);
		t = spec_text(spec);
		model_feed_text(w, k, t);
		free(t);
		ck_assert_msg(model_replay_sample(w, &rs, k == 0, &err) == 0, "%s", err.msg);
	}
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	model_free(w);

	ht_open(&h, path, NULL, 24, 100, NULL, NULL);
	snprintf(line, sizeof(line), "sample %d/%d", MODEL_HISTORY + 20, MODEL_HISTORY + 20);
	ck_line_has(&h, 0, line);
	ck_assert_ptr_null(model_find(h.m, SH "early+0x1/0x10"));
	time_goto(h.t, 1);
	time_build_step(h.t, -1);
	snprintf(line, sizeof(line), "sample 2/%d", MODEL_HISTORY + 20);
	ck_line_has(&h, 0, line);
	ck_line_has(&h, 4, "1000");
	ht_key(&h, '\n');
	ck_screen_has(&h, "early+0x1/0x10");
	/* and later ones in the ids of those forgotten */
	time_goto(h.t, MODEL_HISTORY + 17);
	time_build_step(h.t, -1);
	ht_keys(&h, "e");
	snprintf(line, sizeof(line), "c%d+0x1/0x10", MODEL_HISTORY + 17);
	ck_screen_has(&h, line);
	snprintf(line, sizeof(line), "d%d+0x1/0x10", MODEL_HISTORY + 17);
	ck_screen_has(&h, line);
	ht_close(&h);
	free(path);
	tmpdir_free(dir);
}
END_TEST

/* ^ and a on a series longer than the history kept per row: the tape has every sample. */
START_TEST(test_jumps_long_series)
{
	char *dir = tmpdir_new(), *path = path_join(dir, "long.ptrec");
	const int n = MODEL_HISTORY * 2 + 10;
	struct recorder *rec;
	struct model *w = model_new();
	struct sink rs;
	struct pt_err err;
	struct ht h = { 0 };
	char line[64];

	ck_assert_msg(recorder_open(&rec, path, 0, &err) == 0, "%s", err.msg);
	rs = recorder_sink(rec);
	for (int k = 0; k < n; k++) {
		char spec[256], *t;
		/* big_caller comes in sample 3 (from 0), peaks at 500 pages in 10, then holds
		 * 100; other_caller is there throughout with 50 */
		int big = k < 3 ? 0 : k < 10 ? 10 * k : k == 10 ? 500 : 100;

		if (big)
			snprintf(spec, sizeof(spec), "alloc_pages;big_caller=%d|alloc_pages;other_caller=50",
				 big);
		else
			snprintf(spec, sizeof(spec), "alloc_pages;other_caller=50");
		t = spec_text(spec);
		model_feed_text(w, k, t);
		free(t);
		ck_assert_msg(model_replay_sample(w, &rs, k == 0, &err) == 0, "%s", err.msg);
	}
	ck_assert_int_eq(recorder_close(rec, &err), 0);
	recorder_free(rec);
	model_free(w);

	ht_open(&h, path, NULL, 24, 100, NULL, NULL);
	snprintf(line, sizeof(line), "sample %d/%d", n, n);
	ck_line_has(&h, 0, line);
	ck_line_has(&h, 4, "big_caller");
	ht_keys(&h, "^");
	snprintf(line, sizeof(line), "sample 11/%d", n);
	ck_line_has(&h, 0, line);
	ck_line_has(&h, 23, "the row peaked at 500 pages in sample 11");
	ck_line_has(&h, 4, "big_caller");
	ck_line_has(&h, 4, " 500 ");
	ht_keys(&h, "a");
	snprintf(line, sizeof(line), "sample 4/%d", n);
	ck_line_has(&h, 0, line);
	ck_line_has(&h, 23, "the row first appeared in sample 4");
	/* from the end again, by caller: the group's moments are its stack's */
	ht_keys(&h, "g");
	ck_line_has(&h, 2, "group caller");
	time_goto(h.t, n - 1);
	time_build_step(h.t, -1);
	ht_key(&h, FN(KEY_HOME));
	ck_line_has(&h, 4, "big_caller");
	ht_keys(&h, "^");
	snprintf(line, sizeof(line), "sample 11/%d", n);
	ck_line_has(&h, 0, line);
	ht_close(&h);
	free(path);
	tmpdir_free(dir);
}
END_TEST

/* Live, only the history kept per row tells where a peak was. */
START_TEST(test_jumps_live_history)
{
	struct ht h = { 0 };
	char line[96];

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 100, NULL, NULL);
	fake_add(h.src, "alloc_pages;a_caller [brd]=900|alloc_pages;b_caller=20");
	for (int k = 0; k < MODEL_HISTORY + 5; k++)
		fake_add(h.src, "alloc_pages;a_caller [brd]=100|alloc_pages;b_caller=20");
	tui_pump(h.t, -1);
	ck_line_has(&h, 4, "a_caller [brd]");
	ht_keys(&h, "^");
	snprintf(line, sizeof(line), "the row's peak (900 pages) is older than the %d samples kept per row",
		 MODEL_HISTORY);
	ck_line_has(&h, 23, line);
	ht_close(&h);
}
END_TEST

START_TEST(test_live_follow)
{
	struct ht h = { 0 };

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 80, NULL, NULL);
	/* b_caller (20) is first, a_caller second: select a_caller, expand it */
	ck_line_has(&h, 5, "a_caller");
	ht_keys(&h, "jl");
	ck_line_has(&h, 6, "alloc_pages");
	/* a_caller grows past b_caller: the selection and the expansion follow it */
	fake_add(h.src, "alloc_pages;a_caller [brd]=40|alloc_pages;b_caller=18");
	tui_pump(h.t, -1);
	ht_screen(&h);
	ck_assert_str_eq(model_label(h.t->model, h.t->list->rows[h.t->list->cursor.row].label), "a_caller [brd]");
	ck_assert(list_expanded(h.t->list, h.t->list->cursor.row));
	ck_assert_uint_eq(h.t->list->cursor.row, 0);
	ht_close(&h);
}
END_TEST

START_TEST(test_live_status)
{
	struct ht h = { 0 };
	struct fake *f;

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 80, NULL, NULL);
	f = h.src->priv;
	f->stalled = 6.2;
	tui_tick(h.t);
	ck_line_has(&h, 23, "source stalled for 6 s");
	f->stalled = 0;
	tui_tick(h.t);
	ck_line_has(&h, 23, "? help");
	/* the failure stack grows: stacks are being lost */
	fake_add(h.src, "alloc_pages;a_caller [brd]=10|register_failure_stack=9");
	tui_pump(h.t, -1);
	ck_line_has(&h, 23, "the failure stack grew by 8 pages");
	/* messages go after a while */
	h.t->fake_now += 60;
	tui_tick(h.t);
	ck_line_has(&h, 23, "? help");
	/* library warnings land on the status line */
	ht_keys(&h, "K");
	ck_line_has(&h, 23, "count_threshold only matters for the live kernel");
	ht_close(&h);
}
END_TEST

/* Waits on the source's descriptor until the UI has read n samples since the last switch. */
static void ht_wait_samples(struct ht *h, long n)
{
	for (int i = 0; i < 1000 && h->t->nread < n; i++) {
		struct pollfd p = { source_fd(h->t->src), POLLIN, 0 };

		ck_assert_int_ge(poll(&p, 1, 10000), 0);
		tui_pump(h->t, -1);
	}
	ck_assert_int_ge(h->t->nread, n);
	tui_render(h->t);
}

/* A: the live kernel's page_owner and allocinfo in turn, on a fake debugfs and /proc (both
 * real files); count_threshold put back by the source left; why not where it cannot. */
START_TEST(test_live_source_switch)
{
	struct ht h = { 0 };
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	char *dbg, *pos, *proc, *vm, *thr, *ai, *text;

	env_setup(&h);
	dbg = path_join(h.tmp, "debug");
	pos = path_join(dbg, "page_owner_stacks");
	proc = path_join(h.tmp, "proc");
	vm = path_join(proc, "sys");
	ck_assert_int_eq(mkdir(dbg, 0700), 0);
	ck_assert_int_eq(mkdir(pos, 0755), 0);
	ck_assert_int_eq(mkdir(proc, 0755), 0);
	ck_assert_int_eq(mkdir(vm, 0755), 0);
	free(vm);
	vm = path_join(proc, "sys/vm");
	ck_assert_int_eq(mkdir(vm, 0755), 0);
	text = read_file(TEST_DATA "/live/small/0000.show_stacks", NULL);
	free(write_in(pos, "show_stacks", text, strlen(text)));
	free(text);
	thr = path_join(pos, "count_threshold");
	write_str(thr, "0\n");
	text = read_file(TEST_DATA "/allocinfo-file/6.12.allocinfo", NULL);
	ai = write_in(proc, "allocinfo", text, strlen(text));
	free(text);
	free(write_in(vm, "mem_profiling", "1\n", 2));
	setenv("PAGETOP_DEBUGFS_MOUNTED", "1", 1);
	setenv("PAGETOP_PROC", proc, 1);
	source_opts_init(&so);
	so.debugfs = dbg;
	ck_assert_msg(source_open(&src, NULL, 0, &so, &err) == 0, "%s", err.msg);
	ht_start(&h, src, NULL, 24, 160, NULL, NULL);
	ht_wait_samples(&h, 1);
	ck_line_has(&h, 0, ", show_stacks");
	ck_line_has(&h, 3, "PAGES");
	ck_line_has(&h, 23, "A source"); /* both there: the hint says so */
	/* the kernel's count_threshold written (+ then K), then put back by the switch */
	ht_keys(&h, "+K");
	ck_assert_int_ge(h.t->kernel_threshold, 1);
	text = read_file(thr, NULL);
	ck_assert_str_ne(text, "0\n");
	free(text);
	ht_keys(&h, "A");
	ck_line_has(&h, 23, "source: allocinfo (A switches back)");
	/* the threshold of one page goes on as its bytes */
	ck_assert_int_eq(h.t->settings.view.threshold.unit, THRESH_BYTES);
	ck_assert_int_eq(h.t->settings.view.threshold.value, sysconf(_SC_PAGESIZE));
	ck_line_has(&h, 0, ", allocinfo");
	ck_assert_int_eq(h.t->kernel_threshold, -1);
	text = read_file(thr, NULL);
	ck_assert_str_eq(text, "0\n");
	free(text);
	ht_wait_samples(&h, 1);
	ck_line_has(&h, 0, ", allocinfo");
	ck_line_has(&h, 1, "in 52,347 calls");
	ck_line_has(&h, 3, "CALLS");
	ck_assert_ptr_null(strstr(ht_line(&h, 3), "PAGES"));
	ht_keys(&h, "/brd_insert\n");
	ck_screen_has(&h, "44040192");
	ck_screen_has(&h, "brd_insert_page [brd]");
	/* sorted by calls there: page_owner has none, its pages sort */
	ht_keys(&h, "sc");
	ht_keys(&h, "A");
	ht_wait_samples(&h, 1);
	ck_line_has(&h, 0, ", show_stacks");
	ck_assert_int_eq(h.t->settings.view.key, KEY_PAGES);
	ck_line_has(&h, 3, "PAGES▼");
	ck_assert_ptr_null(strstr(ht_line(&h, 3), "CALLS"));
	/* allocinfo gone: said, page_owner goes on */
	ck_assert_int_eq(unlink(ai), 0);
	ht_keys(&h, "A");
	ck_line_has(&h, 23, "allocinfo is not there: this kernel has no memory allocation profiling");
	ck_line_has(&h, 0, ", show_stacks");
	ht_close(&h);
	unsetenv("PAGETOP_DEBUGFS_MOUNTED");
	unsetenv("PAGETOP_PROC");
	free(dbg);
	free(pos);
	free(proc);
	free(vm);
	free(thr);
	free(ai);

	/* a folder has one source */
	ht_open(&h, "demo", NULL, 24, 160, NULL, NULL);
	ht_keys(&h, "A");
	ck_line_has(&h, 23, "only the live kernel can switch between page_owner and allocinfo: this folder has one source");
	ht_close(&h);
}
END_TEST

START_TEST(test_live_record)
{
	struct ht h = { 0 };
	char *path, *keys;
	struct model *m;
	const char *p;

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "R");
	ck_line_has(&h, 23, "Record to: pagetop-test.ptrec");
	path = path_join(h.tmp, "rec.ptrec");
	keys = xasprintf("\025%s\n", path);
	ht_keys(&h, keys);
	ck_line_has(&h, 23, "recording to ");
	ck_line_has(&h, 2, "REC ");
	fake_add(h.src, live_specs[1]);
	tui_pump(h.t, -1);
	ck_line_has(&h, 2, "(2)");
	ht_keys(&h, "R");
	ck_line_has(&h, 23, "closed: 2 samples");
	/* the recording reads back as a source with both samples */
	m = model_new();
	p = path;
	ck_assert_int_eq(model_load(m, &p, 1), 2);
	ck_assert_ptr_nonnull(model_find(m, "alloc_pages+0x1/0x10;a_caller+0x1/0x10 [brd]"));
	ck_assert_int_eq(model_find(m, "alloc_pages+0x1/0x10;a_caller+0x1/0x10 [brd]")->s.now, 40);
	model_free(m);
	/* a second recording never overwrites */
	ht_keys(&h, "R");
	ht_keys(&h, keys);
	ck_assert_ptr_null(h.t->recording.rec);
	ck_line_has(&h, 23, "rec.ptrec");
	/* nor goes onto the screen, frames and all, as "-" would */
	ht_keys(&h, "R\025-\n");
	ck_assert_ptr_null(h.t->recording.rec);
	ck_line_has(&h, 23, "- is standard output, where the screen is: give a file name");
	free(keys);
	free(path);
	ht_close(&h);
}
END_TEST

/* Under sudo, R records into a file of the user's that root goes on writing: every sample
 * is in it. */
START_TEST(test_live_record_sudo)
{
	struct ht h = { 0 };
	char *mine, *path, *keys;
	struct model *m;
	const char *p;

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 200, NULL, NULL);
	mine = users_folder(h.tmp, "mine");
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	path = path_join(mine, "rec.ptrec");
	keys = xasprintf("R\025%s\n", path);
	ht_keys(&h, keys);
	ck_line_has(&h, 23, "recording to ");
	ck_owner(path, 65534, 65534);
	fake_add(h.src, live_specs[1]);
	tui_pump(h.t, -1);
	ht_keys(&h, "R");
	ck_line_has(&h, 23, "closed: 2 samples");
	m = model_new();
	p = path;
	ck_assert_int_eq(model_load(m, &p, 1), 2);
	model_free(m);
	free(path);
	free(keys);
	/* root's folder: refused, as that user */
	path = path_join(h.tmp, "root.ptrec");
	keys = xasprintf("R\025%s\n", path);
	ht_keys(&h, keys);
	ck_assert_ptr_null(h.t->recording.rec);
	ck_line_has(&h, 23, "(as user 65534, who ran sudo)");
	ck_assert_int_eq(access(path, F_OK), -1);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	free(path);
	free(keys);
	free(mine);
	ht_close(&h);
}
END_TEST

/* 500 resizes in a row, with samples coming between them: sizes from 1x1 up, hostile
 * ones (0, negative) that must be refused without harm, keys now and then so that the
 * help and an expanded row get drawn at odd sizes too; the screen is whole at the end. */
START_TEST(test_resize_storm)
{
	static const int fixed[][2] = {
		{ 1, 1 }, { 1, 2 }, { 2, 1 }, { 10, 40 }, { 60, 200 }, { 0, 0 }, { 0, 80 },
		{ 24, 0 }, { -1, -1 }, { 9, 39 }, { 10, 39 }, { 9, 40 }, { 1, 300 }, { 200, 1 },
	};
	static const int keyseq[] = { 'j', '\n', '?', 'x', 'G', 'l', FN(KEY_NPAGE),
				      FN(KEY_HOME), 'k' };
	struct ht h = { 0 };
	unsigned seed = 20261126;
	int refused = 0, hostile = 0, k = 0;

	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 80, NULL, NULL);
	for (int i = 0; i < 500; i++) {
		int rows, cols;

		if (i % 4 == 0) {
			rows = fixed[(i / 4) % ARRAY_SIZE(fixed)][0];
			cols = fixed[(i / 4) % ARRAY_SIZE(fixed)][1];
		} else {
			rows = 1 + rand_r(&seed) % 80;
			cols = 1 + rand_r(&seed) % 260;
		}
		hostile += rows < 1 || cols < 1;
		if (tui_resize(h.t, rows, cols) < 0) {
			ck_assert_msg(rows < 1 || cols < 1, "%dx%d refused", cols, rows);
			refused++;
		} else {
			ck_assert_int_eq(LINES, rows);
			ck_assert_int_eq(COLS, cols);
		}
		if (i % 3 == 0) {
			char spec[256];

			snprintf(spec, sizeof(spec),
				 "alloc_pages;a_caller [brd]=%d|alloc_pages;b_caller=%d|alloc_pages;c_%d=%d",
				 10 + i, 500 - i, i % 7, i % 13);
			fake_add(h.src, spec);
			tui_pump(h.t, -1);
		}
		if (i % 25 == 0)
			tui_key(h.t, keyseq[k++ % ARRAY_SIZE(keyseq)]);
		tui_tick(h.t);
		tui_render(h.t);
		free(draw_dump());
	}
	ck_assert_int_eq(refused, hostile);
	ck_assert_int_gt(refused, 0);
	/* back to a normal size: the list view, the header, the rows, the status line */
	ck_assert_int_eq(tui_resize(h.t, 30, 100), 0);
	if (h.t->screen != h.t->screens[SCREEN_LIST])
		ht_key(&h, 'x');
	ck_line_has(&h, 0, "pagetop " PACKAGE_VERSION " — live 7.3.4");
	ck_line_has(&h, 0, "sample 168");
	ck_line_has(&h, 3, "PAGES");
	ck_line_has(&h, 3, "CALLER");
	ck_screen_has(&h, "a_caller [brd]");
	ck_line_has(&h, 29, "? help");
	ck_assert_int_ge(ht_cursor_y(&h), TUI_HEADER_LINES);
	/* and keys still work */
	ht_keys(&h, "s5");
	ck_line_has(&h, 2, "Sort ΔBASE ▼");
	ht_close(&h);
}
END_TEST

/* A resize to the size curses already has (the terminal went to another size and back,
 * and the SIGWINCHs came together): the terminal's resize moved or dropped lines, so the
 * next frame clears the screen and draws every cell, not only the cells that changed. */
START_TEST(test_resize_same_size)
{
	struct ht h = { 0 };
	const char *clear;
	char buf[65536];
	off_t at;
	ssize_t n;

	ht_open(&h, "demo", NULL, 30, 100, NULL, NULL);
	/* the UI again, on a file that keeps what is sent to the terminal */
	tui_screen_close(h.t);
	fclose(h.out);
	h.out = tmpfile();
	ck_assert_ptr_nonnull(h.out);
	ck_assert_int_eq(tui_screen_open(h.t, h.out, h.in, "xterm-256color"), 0);
	resizeterm(30, 100);
	tui_render(h.t);
	clear = tigetstr("clear");
	ck_assert(clear && clear != (char *)-1 && *clear);
	at = lseek(fileno(h.out), 0, SEEK_END);
	ck_assert_int_eq(tui_resize(h.t, 30, 100), 0);
	tui_render(h.t);
	n = pread(fileno(h.out), buf, sizeof(buf) - 1, at);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_msg(strstr(buf, clear), "no clear after a resize to the same size");
	ck_assert_msg(strstr(buf, "PAGES"), "the screen was not drawn again");
	ht_close(&h);
}
END_TEST

/* ---- colours ---- */

static int any_pair(struct ht *h)
{
	ht_screen(h);
	for (int y = 0; y < LINES; y++)
		for (int x = 0; x < COLS; x++) {
			short pair = 0;

			draw_cell_attr(y, x, &pair);
			if (pair)
				return 1;
		}
	return 0;
}

START_TEST(test_colors)
{
	struct ht h = { 0 };
	struct tui_opts o;

	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 80, NULL, NULL);
	ck_assert(any_pair(&h));
	ht_close(&h);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.no_color = 1;
	ht_start(&h, fake_new(live_specs, 2), &o, 24, 80, NULL, NULL);
	ck_assert(!any_pair(&h));
	ck_assert(draw_cell_attr(4, 3, NULL) & A_REVERSE);
	ht_close(&h);
	env_setup(&h);
	setenv("NO_COLOR", "1", 1);
	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 80, NULL, NULL);
	ck_assert(!any_pair(&h));
	unsetenv("NO_COLOR");
	ht_close(&h);
	/* a monochrome vt100: growing rows bold, the selection reversed */
	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 80, "vt100", "C");
	ck_assert(!any_pair(&h));
	ck_assert(draw_cell_attr(4, 3, NULL) & A_REVERSE);
	ht_keys(&h, "j");
	ck_assert(draw_cell_attr(4, 3, NULL) & A_BOLD);
	ck_line_has(&h, 3, "DBASE");
	ht_close(&h);
}
END_TEST

/* ---- mouse ---- */

static void click(struct ht *h, int y, int x, mmask_t what)
{
	MEVENT ev;
	wint_t wc;

	memset(&ev, 0, sizeof(ev));
	ev.y = y;
	ev.x = x;
	ev.bstate = what;
	ck_assert_int_eq(ungetmouse(&ev), OK);
	ck_assert_int_eq(wget_wch(stdscr, &wc), KEY_CODE_YES);
	ck_assert_int_eq((int)wc, KEY_MOUSE);
	ht_key(h, FN((int)wc));
}

START_TEST(test_mouse)
{
	struct ht h = { 0 };

	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	click(&h, 7, 10, BUTTON1_PRESSED);
	ck_assert_uint_eq(h.t->list->cursor.row, 3);
	ck_assert(!list_expanded(h.t->list, 3));
	h.t->fake_now += 0.1;
	click(&h, 7, 10, BUTTON1_PRESSED); /* a double click expands */
	ck_assert(list_expanded(h.t->list, 3));
	ck_line_has(&h, 8, "prep_new_page");
	h.t->fake_now += 1;
	click(&h, 7, 10, BUTTON1_PRESSED);
	h.t->fake_now += 1; /* too slow for a double click */
	click(&h, 7, 10, BUTTON1_PRESSED);
	ck_assert(list_expanded(h.t->list, 3));
	click(&h, 10, 10, BUTTON5_PRESSED);
	ck_assert_uint_eq(h.t->list->cursor.row, 3);
	ck_assert_int_eq(h.t->list->cursor.frame_line, 2);
	click(&h, 10, 10, BUTTON4_PRESSED);
	ck_assert_int_eq(h.t->list->cursor.frame_line, -1);
	/* a click on a title sorts by that column; again reverses */
	click(&h, 3, 38, BUTTON1_PRESSED);
	ck_line_has(&h, 2, "Sort ΔBASE ▼");
	click(&h, 3, 38, BUTTON1_PRESSED);
	ck_line_has(&h, 2, "Sort ΔBASE ▲");
	ht_close(&h);
}
END_TEST

/* A click on a row while a search waits: the row or line clicked stays selected, the
 * waits do not take the cursor to the match later (the list and the call tree); a click
 * that selects nothing leaves the search waiting. */
START_TEST(test_search_wait_click)
{
	struct ht h = { 0 }, t = { 0 };
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;
	struct sbuf sb = { 0 };
	size_t row;
	uint64_t sel;

	f->samples[f->n++] = needle_sample(0);
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	h.t->list->search.index_min = SIZE_MAX;
	h.t->list->search.wait_min = 1;
	ht_keys(&h, "jjj/qzneedle");
	ck_assert_int_eq(h.t->list->search.waiting, 1);
	click(&h, 49, 10, BUTTON1_PRESSED); /* the prompt's line: nothing moves, it waits */
	ck_assert_int_eq(h.t->list->search.waiting, 1);
	row = h.t->list->top.row + 2;
	click(&h, TUI_HEADER_LINES + 2, 10, BUTTON1_PRESSED);
	ck_assert_uint_eq(h.t->list->cursor.row, row);
	for (int n = 0; n < 1000 && !tui_idle(h.t, 3); n++)
		;
	ck_assert_int_eq(h.t->list->search.waiting, 0);
	ck_assert_uint_eq(h.t->list->cursor.row, row);
	ht_keys(&h, "\033");
	ht_close(&h);

	for (int i = 0; i < 20000; i++)
		sb_printf(&sb, " prep_new_page+0x17/0x43\n fn%d+0x10/0x80\n%s"
			  " do_syscall_64+0x6b/0x191\nnr_base_pages: %d\n\n", i,
			  i % 97 == 5 ? " qz4+0x1/0x10\n" : "", 1 + i % 50);
	src = fake_new(NULL, 0);
	f = src->priv;
	f->samples[f->n++] = sb.s;
	ht_start(&t, src, NULL, 30, 160, NULL, NULL);
	ht_keys(&t, "Te");
	t.t->list->search.tree_key_ms = 1e-6;
	ht_keys(&t, "/qz4");
	ck_assert_int_eq(t.t->list->search.waiting, 1);
	sel = t.t->list->tree->selected;
	click(&t, 29, 10, BUTTON1_PRESSED);
	ck_assert_int_eq(t.t->list->search.waiting, 1);
	click(&t, TUI_HEADER_LINES + 3, 10, BUTTON1_PRESSED);
	ck_assert_uint_ne(t.t->list->tree->selected, sel);
	sel = t.t->list->tree->selected;
	for (int n = 0; n < 1000 && !tui_idle(t.t, 3); n++)
		;
	ck_assert_int_eq(t.t->list->search.waiting, 0);
	ck_assert_uint_eq(t.t->list->tree->selected, sel);
	ht_keys(&t, "\033");
	ht_close(&t);
}
END_TEST

/* ---- the config file ---- */

START_TEST(test_share_column)
{
	struct ht h = { 0 };
	char *dir, *rc;
	char want[32];
	const struct view *v;

	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "set columns = pages,share,delta,label\nset sort = share\n");
	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ck_line_has(&h, 2, "Sort % ▼");
	ck_line_has(&h, 3, "PAGES");
	ck_line_has(&h, 3, "%▼");
	/* the share of the sample's pages: of the header's total, the first row's */
	v = &h.t->list->view;
	ck_assert_int_gt(v->total_pages, 0);
	snprintf(want, sizeof(want), "%.1f",
		 (double)v->rows[0].s->now * 100.0 / (double)v->total_pages);
	ck_assert_double_eq_tol(view_share(v, v->rows[0].s),
				(double)v->rows[0].s->now * 100.0 / (double)v->total_pages, 1e-9);
	ck_line_has(&h, TUI_HEADER_LINES, want);
	/* sorted as pages are */
	for (size_t i = 1; i < h.t->list->nrows; i++)
		ck_assert(h.t->list->rows[i - 1].s->now >= h.t->list->rows[i].s->now);
	/* r: the other way */
	ht_keys(&h, "r");
	ck_line_has(&h, 3, "%▲");
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

START_TEST(test_config)
{
	struct ht h = { 0 };
	char *dir, *rc, *text;

	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "# mine\n"
		      "set sort = delta_base\n"
		      "set colour = blue\n"
		      "set group = caller   # by caller\n"
		      "set threshold = 5\n"
		      "set columns = pages,delta_base,score,label\n"
		      "bind x quit\n"
		      "bind Q nothing-like-this\n"
		      "this is not a line\n");
	ht_open(&h, "demo", NULL, 24, 200, NULL, NULL);
	ck_line_has(&h, 23, "pagetoprc:3: unknown setting 'colour'");
	ck_line_has(&h, 23, "2 more bad lines");
	ck_line_has(&h, 2, "Sort ΔBASE ▼   threshold ≥ 5 pages   group caller");
	ck_assert_ptr_null(strstr(ht_line(&h, 3), "SIZE"));
	ck_line_has(&h, 3, "SCORE");
	/* W writes the settings back: set lines in place, the rest kept */
	ht_keys(&h, "g+W");
	ck_line_has(&h, 23, "settings saved to ");
	text = read_file(rc, NULL);
	ck_assert_ptr_nonnull(strstr(text, "# mine\nset sort = delta_base:desc\nset colour = blue\n"
					   "set group = function\nset threshold = 10\n"
					   "set columns = pages,delta_base,score,label\nbind x quit\n"));
	free(text);
	ht_keys(&h, "x");
	ck_assert_int_eq(h.t->quit, 1);
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

/* W writes every setting the way the file reads it back: the interval with a point,
 * the patterns blank-separated, the sort with its direction. */
START_TEST(test_config_save_all)
{
	struct ht h = { 0 };
	char *dir, *rc, *text;

	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "set interval = 0,25\nset alloc-patterns = a* \tb_alloc\n"
		      "set columns = pages peak\nset sort = label\n");
	ht_open(&h, "demo", NULL, 24, 200, NULL, NULL);
	ht_keys(&h, "W");
	ck_line_has(&h, 23, "settings saved to ");
	text = read_file(rc, NULL);
	ck_assert_str_eq(text, "set interval = 0.25\nset alloc-patterns = a* b_alloc\n"
			       "set columns = pages,peak,label\nset sort = label:asc\n"
			       "set group = stack\nset threshold = 0\nset tree = off\n"
			       "set function-bar = off\nset colors = on\n"); /* bar off: the harness's */
	free(text);
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

START_TEST(test_config_cli_wins)
{
	struct ht h = { 0 };
	struct tui_opts o;
	char *dir, *rc;

	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "set sort = score\nset group = module\nset alloc-patterns = alloc_pages\n");
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.view.key = KEY_PEAK;
	o.cli_set = TUI_SET_SORT;
	ht_start(&h, fake_new(live_specs, 1), &o, 24, 80, NULL, NULL);
	ck_line_has(&h, 2, "Sort PEAK ▼");
	ck_line_has(&h, 2, "group module");
	ck_assert_uint_eq(h.t->settings.nalloc, 1);
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

/* The status line's hints name the keys bound now (pagetoprc's bind lines): an action
 * without a key has no hint, a key bound anew shows. */
static void rc_write(struct ht *h, const char *text)
{
	char *dir = path_join(h->tmp, "pagetop"), *rc = path_join(dir, "pagetoprc");

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	write_str(rc, text);
	free(rc);
	free(dir);
}

START_TEST(test_hints_follow_keys)
{
	struct ht h = { 0 };
	char hint[512];

	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	status_hints(h.t, hint, sizeof(hint));
	ck_assert_str_eq(hint, "? help  q quit  [ ] sample  P play  ^ peak  / search  f filter  s sort  g group");
	ck_line_has(&h, 23, hint);
	ht_close(&h);

	env_setup(&h);
	rc_write(&h, "bind q none\nbind F10 none\nbind ? none\nbind / none\nbind F3 none\n"
		 "bind x search\nbind ] none\n");
	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	ck_line_has(&h, 23, "F1 help  [ sample  P play  ^ peak  x search  f filter");
	ck_assert_ptr_null(strstr(ht_line(&h, 23), "quit"));
	ck_assert_ptr_null(strstr(ht_line(&h, 23), "/ search"));
	ht_keys(&h, "q");
	ck_assert_int_eq(h.t->quit, 0);
	ht_close(&h);

	/* live: the pause and the threshold's pair; q given to another action */
	env_setup(&h);
	rc_write(&h, "bind q redraw\nbind F10 none\nbind Q quit\nbind - none\nbind Space none\n");
	ht_start(&h, fake_new(live_specs, 1), NULL, 24, 100, NULL, NULL);
	status_hints(h.t, hint, sizeof(hint));
	ck_assert_str_eq(hint, "? help  Q quit  p pause  / search  f filter  s sort  g group  + threshold");
	ck_line_has(&h, 23, hint);
	ht_close(&h);
}
END_TEST

/* htop's F-keys, and the bar at the bottom drawn from the actions table: the status
 * line goes one up, the list one shorter; set function-bar = off hides it. */
START_TEST(test_function_bar)
{
	struct ht h = { 0 };
	int last;

	setenv("PAGETOP_TEST_BAR", "1", 1);
	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	ck_line_has(&h, 23, "F1Help  F2Setup F3SearchF4FilterF5Tree  F6SortByF10Quit");
	ck_line_has(&h, 22, "? help  q quit");
	ck_assert_int_eq(list_height(), 24 - TUI_HEADER_LINES - 2);
	/* the words are the bar's colour (reverse without colours), the keys not */
	ck_assert(draw_cell_attr(23, 2, NULL) & (A_REVERSE | A_COLOR));
	ck_assert(!(draw_cell_attr(23, 0, NULL) & A_REVERSE));
	/* the last row of the list is above the status line */
	ht_key(&h, FN(KEY_END));
	last = ht_cursor_y(&h);
	ck_assert_int_eq(last, 21);
	ht_key(&h, FN(KEY_F(3)));
	ck_line_has(&h, 22, "Search:");
	ck_line_has(&h, 23, "F1Help");
	ht_keys(&h, "\033");
	ht_key(&h, FN(KEY_F(4)));
	ck_line_has(&h, 22, "Filter (regex, !regex hides):");
	ht_keys(&h, "\033");
	ht_key(&h, FN(KEY_F(6)));
	ck_line_has(&h, 22, "Sort by:");
	ht_keys(&h, "3");
	ck_line_has(&h, 2, "Sort Δ ▼");
	ht_key(&h, FN(KEY_F(1)));
	ck_line_has(&h, 0, "keys (any other key closes this help)");
	ck_line_has(&h, 23, "F10Quit");
	ht_keys(&h, "x");
	ht_key(&h, FN(KEY_F(10)));
	ck_assert_int_eq(h.t->quit, 1);
	ht_close(&h);

	/* off in the file; an F-key unbound leaves the bar */
	env_setup(&h);
	rc_write(&h, "set function-bar = off\n");
	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	ck_assert_int_eq(h.t->settings.function_bar, 0);
	ck_line_has(&h, 23, "? help  q quit");
	ck_assert_int_eq(list_height(), 24 - TUI_HEADER_LINES - 1);
	ht_close(&h);
	env_setup(&h);
	rc_write(&h, "bind F6 none\nbind F9 sort-pick\n");
	ht_open(&h, "demo", NULL, 24, 100, NULL, NULL);
	ck_line_has(&h, 23, "F4FilterF5Tree  F9SortByF10Quit");
	ht_close(&h);
	unsetenv("PAGETOP_TEST_BAR");
}
END_TEST

/* F2: the setup screen changes the sort, the group, the columns, colours and the bar
 * at once, and W saves them. */
START_TEST(test_setup_screen)
{
	struct ht h = { 0 };
	char *rc, *text;

	ht_open(&h, "demo", NULL, 24, 140, NULL, NULL);
	ck_assert(draw_cell_attr(3, 5, NULL) & A_COLOR);
	ht_key(&h, FN(KEY_F(2)));
	ck_line_has(&h, 0, "setup: Up/Down choose");
	ck_line_has(&h, 2, "Sort by");
	ck_line_has(&h, 2, "◂ PAGES ▸");
	ck_assert(draw_cell_attr(2, 2, NULL) & A_REVERSE);
	ck_screen_has(&h, "[x] PAGES");
	ck_screen_has(&h, "[ ] PEAK");
	ht_keys(&h, "l");                      /* the next sort column */
	ck_line_has(&h, 2, "◂ SIZE ▸");
	ht_keys(&h, "j ");                     /* the order */
	ck_line_has(&h, 3, "◂ ascending ▸");
	ht_keys(&h, "j ");                     /* group: caller */
	ck_line_has(&h, 4, "◂ caller ▸");
	ht_keys(&h, "j ");                     /* the call tree top-down */
	ck_line_has(&h, 5, "Tree");
	ck_line_has(&h, 5, "◂ top-down ▸");
	ht_keys(&h, "jh");                     /* colours off */
	ck_line_has(&h, 6, "◂ off ▸");
	ht_keys(&h, "j ");                     /* the bar on */
	ck_line_has(&h, 7, "◂ on ▸");
	ck_line_has(&h, 23, "F1Help  F2Setup");
	ht_key(&h, FN(KEY_END));
	ht_keys(&h, " ");                      /* FIRST shown */
	ck_screen_has(&h, "[x] FIRST");
	ht_keys(&h, "k ");                     /* PEAK shown */
	ck_screen_has(&h, "[x] PEAK");
	ht_key(&h, FN(KEY_HOME));
	ck_assert(draw_cell_attr(2, 2, NULL) & A_REVERSE);
	ht_keys(&h, "\033");
	ck_line_has(&h, 2, "Sort SIZE ▲");
	ck_line_has(&h, 2, "group caller");
	ck_line_has(&h, 2, "tree top-down");
	ck_line_has(&h, 3, "PEAK");
	ck_line_has(&h, 3, "FIRST");
	ck_assert(!(draw_cell_attr(3, 5, NULL) & A_COLOR));
	ck_line_has(&h, 23, "F1Help");
	/* q closes it too, without quitting; W saves from it */
	ht_key(&h, FN(KEY_F(2)));
	ht_keys(&h, "W");
	ck_line_has(&h, 22, "settings saved to ");
	ht_keys(&h, "q");
	ck_assert_int_eq(h.t->quit, 0);
	ck_line_has(&h, 3, "PAGES");
	rc = path_join(h.tmp, "pagetop/pagetoprc");
	text = read_file(rc, NULL);
	ck_assert_msg(strstr(text, "set sort = bytes:asc\n") && strstr(text, "set group = caller\n") &&
		      strstr(text, ",peak,first_seen,label\n") &&
		      strstr(text, "set function-bar = on\n") && strstr(text, "set colors = off\n") &&
		      strstr(text, "set tree = top-down\n"),
		      "%s", text);
	free(text);
	free(rc);
	ht_close(&h);
}
END_TEST

/* Both texts are in t, a before b. */
#define ck_before(t, a, b) \
	ck_assert_msg(strstr(t, a) && strstr(t, b) && strstr(t, a) < strstr(t, b), \
		      "\"%s\" not before \"%s\": \"%s\"", a, b, t)

/* F2: [ and ] (htop's F7 and F8) move the chosen column; the list's titles follow, W
 * saves the order, and a settings file's order is the list's. */
/* allocinfo: BYTES, SIZE, CALLS and AVG (bytes per call) as columns, no PAGES; sorted by
 * calls from the sort menu (s c) and stepped to with < and >; the tree sums the calls. */
START_TEST(test_allocinfo_columns)
{
	struct ht h = { 0 };
	const struct list_screen *l;
	char cell[64];
	const char *t;
	int64_t calls = 0;

	ht_open(&h, "allocinfo", NULL, 24, 160, NULL, NULL);
	t = ht_line(&h, 3);
	ck_before(t, "BYTES", "SIZE");
	ck_before(t, "SIZE", "CALLS");
	ck_before(t, "CALLS", "AVG");
	ck_assert_ptr_null(strstr(t, "PAGES"));
	/* + steps in bytes here, and nothing says pages */
	ht_keys(&h, "+");
	ck_assert_int_eq(h.t->settings.view.threshold.unit, THRESH_BYTES);
	ck_assert_int_eq(h.t->settings.view.threshold.value, 4096);
	ck_line_has(&h, 2, "threshold ≥ 4 KiB");
	ck_screen_lacks(&h, "pages");
	ht_keys(&h, "++-");
	ck_assert_int_eq(h.t->settings.view.threshold.value, 8192);
	ht_keys(&h, "0");
	ck_screen_lacks(&h, "pages");
	ht_keys(&h, "t1%\n");
	ck_line_has(&h, 2, "threshold ≥ 1%");
	ck_screen_has(&h, "of the bytes hidden");
	ck_screen_lacks(&h, "pages");
	ht_keys(&h, "0");
	ht_keys(&h, "s");
	ck_screen_has(&h, "c CALLS  a AVG");
	ht_keys(&h, "c");
	ck_assert_int_eq(h.t->settings.view.key, KEY_CALLS);
	ck_line_has(&h, 3, "CALLS▼");
	l = h.t->list;
	ck_assert_uint_gt(l->nrows, 10);
	for (size_t i = 0; i + 1 < 10; i++)
		ck_assert_int_ge(l->rows[i].s->calls, l->rows[i + 1].s->calls);
	/* the first row's cells: its calls, and its bytes over them */
	cell_int(cell, sizeof(cell), col_width(COL_CALLS), l->rows[0].s->calls, 0);
	ck_line_has(&h, 4, cell);
	cell_bytes(cell, sizeof(cell), (double)(l->rows[0].s->now / l->rows[0].s->calls));
	ck_line_has(&h, 4, cell);
	ht_keys(&h, "<");
	ck_assert_int_eq(h.t->settings.view.key, KEY_BYTES);
	ht_keys(&h, ">>");
	ck_assert_int_eq(h.t->settings.view.key, KEY_AVG);
	ck_line_has(&h, 3, "AVG▼");
	for (size_t i = 0; i + 1 < 10; i++)
		ck_assert_int_ge(l->rows[i].s->now / l->rows[i].s->calls,
				 l->rows[i + 1].s->now / l->rows[i + 1].s->calls);
	/* the tree, by calls: its first node holds at least the most calls of a call site
	 * (CALLS after the mark, BYTES and SIZE) */
	ht_keys(&h, "sc");
	calls = l->rows[0].s->calls;
	ht_keys(&h, "T");
	ck_line_has(&h, 3, "CALLS▼");
	t = ht_line(&h, 4);
	ck_assert_int_ge(strtoll(t + COL_MARK_WIDTH + 2 + col_width(COL_PAGES) +
				 col_width(COL_BYTES), NULL, 10), calls);
	ck_assert_int_gt(calls, 0);
	/* the list's peak, said as a size */
	ht_keys(&h, "TT^");
	ck_screen_has(&h, "the row peaked at");
	ck_screen_lacks(&h, "pages");
	ht_close(&h);
}
END_TEST

START_TEST(test_setup_columns_order)
{
	struct ht h = { 0 };
	char *rc, *text, *dir;
	const char *t;

	ht_open(&h, "demo", NULL, 24, 140, NULL, NULL);
	t = ht_line(&h, 3);
	ck_before(t, "PAGES", "SIZE");
	ht_key(&h, FN(KEY_F(2)));
	ck_line_has(&h, 0, "F7 F8 move a column");
	for (int i = 0; i < 6; i++)
		ht_keys(&h, "j");
	ck_line_has(&h, 9, "[x] PAGES");
	ht_keys(&h, "[");                     /* the first: stays */
	ck_line_has(&h, 9, "[x] PAGES");
	ht_keys(&h, "]");                     /* below SIZE, the cursor with it */
	ck_line_has(&h, 9, "[x] SIZE");
	ck_line_has(&h, 10, "[x] PAGES");
	ck_assert(draw_cell_attr(10, 3, NULL) & A_REVERSE);
	ht_key(&h, FN(KEY_F(8)));             /* below CALLS, allocinfo's: not in the list */
	ck_line_has(&h, 10, "[x] CALLS (allocinfo only)");
	ck_line_has(&h, 11, "[x] PAGES");
	ht_keys(&h, " ");                     /* hidden where it is */
	ck_line_has(&h, 11, "[ ] PAGES");
	ht_keys(&h, " ");
	ht_key(&h, FN(KEY_END));
	ht_keys(&h, "]");                     /* the last but the label: stays */
	ck_screen_has(&h, "[ ] FIRST");
	ht_key(&h, FN(KEY_F(7)));             /* FIRST above PEAK */
	ht_keys(&h, " ");
	ck_screen_has(&h, "[x] FIRST");
	ht_keys(&h, "W\033");
	t = ht_line(&h, 3);
	ck_before(t, "SIZE", "PAGES");
	ck_before(t, "SCORE", "FIRST");
	ck_before(t, "FIRST", "CALLER");
	ck_assert_ptr_null(strstr(t, "CALLS"));
	rc = path_join(h.tmp, "pagetop/pagetoprc");
	text = read_file(rc, NULL);
	ck_assert_msg(strstr(text, "set columns = bytes,calls,pages,avg,delta,rate,delta_base,trend,score,first_seen,label\n"),
		      "%s", text);
	free(text);
	ht_close(&h);

	/* a file's order is the list's, the label last wherever it is named */
	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(rc);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "set columns = score,pages,label,delta\n");
	ht_open(&h, "demo", NULL, 24, 140, NULL, NULL);
	t = ht_line(&h, 3);
	ck_assert_ptr_null(strstr(t, "SIZE"));
	ck_before(t, "SCORE", "PAGES");
	ck_before(t, "PAGES", "Δ ");
	ck_before(t, "Δ ", "CALLER");
	ht_keys(&h, "W");
	text = read_file(rc, NULL);
	ck_assert_msg(strstr(text, "set columns = score,pages,delta,label\n"), "%s", text);
	free(text);
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

START_TEST(test_keys_table)
{
	struct keymap km;
	char buf[64];

	keymap_defaults(&km);
	ck_assert_int_eq(keymap_lookup(&km, 'q'), ACT_QUIT);
	ck_assert_int_eq(keymap_lookup(&km, FN(KEY_F(1))), ACT_HELP);
	ck_assert_int_eq(keymap_lookup(&km, ' '), ACT_PAUSE);
	ck_assert_int_eq(keymap_lookup(&km, TK_CTRL('L')), ACT_REDRAW);
	ck_assert_int_eq(action_parse("expand-all"), ACT_EXPAND_ALL);
	ck_assert_int_eq(action_parse("nope"), ACT_NONE);
	ck_assert_int_eq(tk_parse("^L"), TK_CTRL('L'));
	ck_assert_int_eq(tk_parse("C-l"), TK_CTRL('L'));
	ck_assert_int_eq(tk_parse("PgDn"), FN(KEY_NPAGE));
	ck_assert_int_eq(tk_parse("F10"), FN(KEY_F(10)));
	ck_assert_int_eq(tk_parse("Space"), ' ');
	ck_assert_int_eq(tk_parse("x"), 'x');
	ck_assert_int_eq(tk_parse("xy"), -1);
	ck_assert_str_eq(tk_name(FN(KEY_PPAGE), buf, sizeof(buf)), "PgUp");
	ck_assert_str_eq(tk_name(TK_CTRL('B'), buf, sizeof(buf)), "^B");
	ck_assert_str_eq(keymap_keys(&km, ACT_UP, buf, sizeof(buf)), "Up, k");
	keymap_bind(&km, 'k', ACT_NONE);
	ck_assert_str_eq(keymap_keys(&km, ACT_UP, buf, sizeof(buf)), "Up");
	/* every action has a name, a help text and, but for a few, a key */
	for (int a = 1; a < ACT__N; a++) {
		ck_assert_ptr_nonnull(action_name((enum action)a));
		ck_assert_str_ne(action_help((enum action)a), "");
	}
}
END_TEST

/* The man page's KEYS and SETTINGS sections name every action (one list for all). */
START_TEST(test_keys_documented)
{
	char *man = read_file(TEST_DATA "/../../doc/pagetop.1", NULL);
	char *w = man;

	ck_assert_ptr_nonnull(man);
	for (const char *r = man; *r; r++)
		if (!(r[0] == '\\' && r[1] == '-'))
			*w++ = *r;
	*w = '\0';
	ck_assert_ptr_nonnull(strstr(man, ".SH KEYS"));
	for (int a = 1; a < ACT__N; a++)
		ck_assert_msg(strstr(man, action_name((enum action)a)) != NULL,
			      "doc/pagetop.1 does not name the action %s", action_name((enum action)a));
	free(man);
}
END_TEST

/* The lines of a recording that carry source lines: "x", "l", "meta symbols-build-id". */
static char *sym_lines(const char *path)
{
	char *text = read_file(path, NULL), *out = xstrdup(""), *line, *save = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "x ", 2) == 0 || strncmp(line, "l ", 2) == 0 ||
		    strncmp(line, "meta symbols-build-id ", 22) == 0) {
			char *t = xasprintf("%s%s\n", out, line);

			free(out);
			out = t;
			n += line[0] == 'x';
		}
	free(text);
	ck_assert_msg(n > 100, "%s: %zu frames carried", path, n);
	return out;
}

/* pagetop record of the lab's folder (s 0) or of the per-block dumps after the first
 * (s 1) into ref, with the lab's debug info; the screen's symbolizer of the same. */
static struct symbols *record_ref(size_t s, char *vmlinux, char *mods, char *ref)
{
	static const char *dirs[1];
	char a0[] = "record", a1[] = "--vmlinux", a3[] = "--modules", a5[] = "-o";
	char a7[] = "--from", d0[] = "demo";
	char b1[] = "attrib-series/0001.page_owner.xz", b2[] = "attrib-series/0002.page_owner.xz";
	char b3[] = "attrib-series/0003.page_owner";
	char *argv[] = { a0, a1, vmlinux, a3, mods, a5, ref, a7, d0, NULL, NULL, NULL };
	struct symbols_opts so;
	struct symbols *sym;
	struct pt_err err;
	int argc = 9;

	if (s == 1) {
		argv[8] = b1;
		argv[9] = b2;
		argv[10] = b3;
		argc = 11;
	}
	optind = 0;
	ck_assert_int_eq(cmd_record(argc, argv), 0);
	dirs[0] = mods;
	symbols_opts_init(&so);
	so.vmlinux = vmlinux;
	so.module_dirs = dirs;
	so.nmodule_dirs = 1;
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	return sym;
}

/* R again: the recording ui closes; its source lines are those of pagetop record's ref. */
static void record_close(struct ht *h, struct symbols *sym, const char *ref, const char *ui)
{
	char *want, *got;

	ht_keys(h, "R");
	ck_line_has(h, 23, "closed: ");
	ht_close(h);
	symbols_free(sym);
	want = sym_lines(ref);
	got = sym_lines(ui);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}

/* R carries the frames' source lines as pagetop record does with the same debug info:
 * on a series of stacks (the lab's folder, recorded from the sample on screen) and on
 * per-block dumps (recorded from the next read: pagetop record of the dumps after the
 * first), both still loading. */
START_TEST(test_record_symbols)
{
	static const char *const srcs[] = { "demo", "attrib-series" };
	const char *lab = test_kernel_lab();
	char *vmlinux = xasprintf("%s/vmlinux.xz", lab), *mods = xasprintf("%s/modules", lab);
	char *tmp = tmpdir_new();

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	for (size_t s = 0; s < ARRAY_SIZE(srcs); s++) {
		char *ref = xasprintf("%s/ref%zu.ptrec", tmp, s), *ui = xasprintf("%s/ui%zu.ptrec", tmp, s);
		char *keys = xasprintf("R\025%s\n", ui);
		struct symbols *sym;
		struct tui_opts o;
		struct ht h = { 0 };

		sym = record_ref(s, vmlinux, mods, ref);
		memset(&o, 0, sizeof(o));
		view_opts_init(&o.view);
		o.sym = sym;
		o.iterations = 1; /* the first sample only: the series is still loading */
		ht_open(&h, srcs[s], &o, 24, 140, NULL, NULL);
		h.t->iterations = 0;
		ht_keys(&h, keys);
		ck_line_has(&h, 23, "recording to ");
		tui_pump(h.t, -1);
		record_close(&h, sym, ref, ui);
		free(keys);
		free(ui);
		free(ref);
	}
	tmpdir_free(tmp);
	free(vmlinux);
	free(mods);
}
END_TEST

/* R writes its samples while the debug info still loads (held here, as a slow load):
 * the first one at once (the folder of stacks: the sample on screen; the dumps: the
 * next read), without source lines; they follow, at the close, as pagetop record
 * writes them. */
START_TEST(test_record_symbols_first)
{
	static const char *const srcs[] = { "demo", "attrib-series" };
	const char *lab = test_kernel_lab();
	char *vmlinux = xasprintf("%s/vmlinux.xz", lab), *mods = xasprintf("%s/modules", lab);
	char *tmp = tmpdir_new();

	ck_assert_int_eq(chdir(TEST_DATA), 0);
	for (size_t s = 0; s < ARRAY_SIZE(srcs); s++) {
		char *ref = xasprintf("%s/ref%zu.ptrec", tmp, s), *ui = xasprintf("%s/ui%zu.ptrec", tmp, s);
		char *keys = xasprintf("R\025%s\n", ui), *text;
		struct symbols_progress p;
		struct symbols *sym;
		struct tui_opts o;
		struct ht h = { 0 };

		sym = record_ref(s, vmlinux, mods, ref);
		symbols_hold(sym, 1);
		memset(&o, 0, sizeof(o));
		view_opts_init(&o.view);
		o.sym = sym;
		o.iterations = 1;
		ht_open(&h, srcs[s], &o, 24, 140, NULL, NULL);
		h.t->iterations = 0;
		ht_keys(&h, keys);
		ck_line_has(&h, 23, "recording to ");
		if (s == 1)
			ck_assert_int_ge(tui_pump(h.t, 1), 1); /* the next read */
		text = read_file(ui, NULL);
		ck_assert_ptr_nonnull(text);
		ck_assert_msg(strstr(text, "\nt ") != NULL, "%s: no first sample", ui);
		ck_assert_ptr_null(strstr(text, "\nx "));
		free(text);
		symbols_progress(sym, &p);
		ck_assert_uint_gt(p.requested, 100);
		ck_assert_uint_eq(p.answered, 0);
		symbols_hold(sym, 0);
		tui_pump(h.t, -1);
		record_close(&h, sym, ref, ui);
		free(keys);
		free(ui);
		free(ref);
	}
	tmpdir_free(tmp);
	free(vmlinux);
	free(mods);
}
END_TEST

/* R asks for the source lines of every frame it writes: where there are none, the
 * screen says so once, after the recording's message, not over it. */
START_TEST(test_record_symbols_missing)
{
	struct symbols_opts so;
	struct symbols *sym;
	struct tui_opts o;
	struct ht h = { 0 };
	struct pt_err err;
	char *tmp = tmpdir_new(), *bad = xasprintf("%s/vmlinux", tmp);
	char *rec = xasprintf("%s/r.ptrec", tmp), *keys = xasprintf("R\025%s\n", rec);

	write_str(bad, "not an ELF file\n");
	symbols_opts_init(&so);
	so.vmlinux = bad;
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.sym = sym;
	o.iterations = 1; /* the series is still loading */
	ht_open(&h, "demo", &o, 24, 140, NULL, NULL);
	h.t->iterations = 0;
	ht_keys(&h, keys);
	tui_pump(h.t, -1);
	symbols_wait(sym);
	tui_symbols(h.t);
	tui_tick(h.t);
	ck_line_has(&h, 23, "recording to ");
	h.t->fake_now += 6;
	tui_tick(h.t);
	ck_line_has(&h, 23, "no source lines for ");
	ht_keys(&h, "R");
	ht_close(&h);
	symbols_free(sym);
	free(keys);
	free(rec);
	free(bad);
	tmpdir_free(tmp);
}
END_TEST

/* Source lines under the frames, with the kernel lab's debug info. */
START_TEST(test_symbols)
{
	const char *lab = test_kernel_lab();
	char *vmlinux = xasprintf("%s/vmlinux.xz", lab), *mods = xasprintf("%s/modules", lab);
	const char *dirs[1] = { mods };
	struct symbols_opts so;
	struct symbols *sym;
	struct tui_opts o;
	struct ht h = { 0 };
	struct pt_err err;

	symbols_opts_init(&so);
	so.vmlinux = vmlinux;
	so.module_dirs = dirs;
	so.nmodule_dirs = 1;
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.view.key = KEY_DELTA_BASE;
	o.sym = sym;
	ht_open(&h, "demo", &o, 40, 130, NULL, NULL);
	ht_keys(&h, "{{\n");
	/* raw frames until the answers come, and the progress on the status line */
	ck_line_has(&h, 5, "prep_new_page+0x17/0x43");
	symbols_wait(sym);
	tui_symbols(h.t);
	ck_line_has(&h, 5, "mm/page_alloc.c:");
	ck_screen_has(&h, "(inlined by) ");
	ck_screen_has(&h, "drivers/block/brd.c:");
	/* the lines under the frames are lines of the list: the cursor walks them */
	ht_key(&h, FN(KEY_END));
	ht_key(&h, FN(KEY_HOME));
	ck_assert_uint_eq(h.t->list->cursor.row, 0);
	/* the symbols panel: both objects usable, with their files */
	ht_keys(&h, "S");
	symbols_wait(sym);
	tui_symbols(h.t);
	ck_screen_lacks(&h, "no debug info");
	ck_screen_has(&h, "vmlinux.xz");
	ck_screen_has(&h, "brd.ko");
	ht_close(&h);
	symbols_free(sym);
	free(vmlinux);
	free(mods);
}
END_TEST

/* ---- the call tree's lines: every one (the screen lays out those it shows) ---- */

static struct tree_line *tl_v;
static size_t tl_n, tl_cur;

static void tl_get(struct ht *h)
{
	struct tree_env e = { h->t, "", list_height(), NULL };

	free(tl_v);
	tl_n = tree_ui_all_lines(h->t->list->tree, &e, &tl_v, &tl_cur);
}

static size_t tl_count(struct ht *h)
{
	tl_get(h);
	return tl_n;
}

/* The cursor's line among them. */
static size_t tl_cursor(struct ht *h)
{
	tl_get(h);
	return tl_cur;
}

static struct tree_line tl_line(struct ht *h, size_t li)
{
	tl_get(h);
	ck_assert_uint_lt(li, tl_n);
	return tl_v[li];
}

static const struct tree_node *tl_node(struct ht *h, size_t li)
{
	return &h->t->list->tree->t.nodes[tl_line(h, li).node];
}

/* The tree's nodes are frames: their source lines after them, a line of their own for
 * each function they were inlined into, as under a stack of the list. */
START_TEST(test_tree_symbols)
{
	const char *lab = test_kernel_lab();
	char *vmlinux = xasprintf("%s/vmlinux.xz", lab), *mods = xasprintf("%s/modules", lab);
	const char *dirs[1] = { mods };
	struct symbols_opts so;
	struct symbols *sym;
	struct tui_opts o;
	struct ht h = { 0 };
	struct pt_err err;
	struct tree_ui *u;
	size_t n0, inl = 0, child = 0;

	symbols_opts_init(&so);
	so.vmlinux = vmlinux;
	so.module_dirs = dirs;
	so.nmodule_dirs = 1;
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.sym = sym;
	ht_open(&h, "demo", &o, 60, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "Te");
	n0 = tl_count(&h);
	ck_assert_uint_eq(n0, u->t.nshown); /* no answers yet: a line a node */
	/* the shown nodes asked for their frames; the answers add lines */
	symbols_wait(sym);
	tui_symbols(h.t);
	ck_screen_has(&h, "do_syscall_64+0x6b/0x191  do_syscall_x64 arch/x86/entry/syscall_64.c:64");
	ck_screen_has(&h, "(inlined by) ");
	tl_get(&h);
	ck_assert_uint_gt(tl_n, u->t.nshown);
	for (size_t i = 0; i < tl_n; i++) {
		if (tl_v[i].inl) {
			/* under its node, at its depth */
			ck_assert_uint_eq(tl_v[i].node, tl_v[i - 1].node);
			ck_assert_uint_eq(tl_v[i].depth, tl_v[i - 1].depth);
			if (!inl)
				inl = i;
		} else if (inl && !child && tl_v[i].depth > tl_v[inl].depth) {
			child = i; /* a child of a node with inlined lines */
		}
	}
	ck_assert_uint_gt(inl, 0);
	/* the cursor walks the inlined lines; Left from a child goes to the node's line */
	ck_assert_uint_gt(child, 0);
	while (tl_cursor(&h) < child)
		ht_keys(&h, "j");
	if (u->t.nodes[tl_line(&h, child).node].nkids)
		ht_keys(&h, "h"); /* collapse it first */
	ht_keys(&h, "h");
	ck_assert_uint_eq(tl_line(&h, tl_cursor(&h)).inl, 0);
	ck_assert_uint_lt(tl_cursor(&h), child);
	ck_assert_uint_eq(tl_line(&h, tl_cursor(&h)).depth + 1, tl_line(&h, child).depth);
	ht_key(&h, FN(KEY_END));
	ck_assert_uint_eq(tl_cursor(&h), tl_count(&h) - 1);
	ht_key(&h, FN(KEY_HOME));
	ck_assert_uint_eq(tl_cursor(&h), 0);
	ht_close(&h);
	symbols_free(sym);
	free(vmlinux);
	free(mods);
}
END_TEST

/* A recording that carries its frames' source lines (the bundled lab.ptrec.xz) shows
 * them on Enter with no debug info anywhere (the distribution paths under a root that
 * does not exist). */
START_TEST(test_symbols_carried)
{
	struct symbols_opts so;
	struct symbols *sym;
	struct tui_opts o;
	struct ht h = { 0 };
	struct pt_err err;

	symbols_opts_init(&so);
	so.root = "no-debug-root";
	so.release = "7.3.4";
	so.sysfs = "no-debug-root/sys";
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.sym = sym;
	ht_open(&h, "lab.ptrec.xz", &o, 40, 130, NULL, NULL);
	ht_keys(&h, "\n");
	symbols_wait(sym);
	tui_symbols(h.t);
	ck_line_has(&h, 5, "prep_new_page+0x17/0x43");
	ck_line_has(&h, 5, "mm/page_alloc.c:1882");
	ck_screen_lacks(&h, "no debug info");
	ht_close(&h);
	symbols_free(sym);
	sym_carry_clear();
}
END_TEST

/* The symbols panel (S): per object its debug info, the pages of its frames, and how to
 * get what is missing. No debug info anywhere: the distribution paths under a root that
 * does not exist (relative to tests/data, so the screen is the same on any machine). */
START_TEST(test_symbols_panel)
{
	struct symbols_opts so;
	struct symbols *sym;
	struct tui_opts o;
	struct ht h = { 0 };
	struct pt_err err;

	symbols_opts_init(&so);
	so.root = "no-debug-root";
	so.release = "7.3.4";
	so.sysfs = "no-debug-root/sys";
	sym = symbols_new(&so, &err);
	ck_assert_msg(sym != NULL, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.sym = sym;
	ht_open(&h, "demo", &o, 40, 100, NULL, NULL);
	ck_assert_int_eq(keymap_lookup(&h.t->settings.keys, 'S'), ACT_SYMBOLS);
	ht_keys(&h, "S");
	ck_assert_ptr_eq(h.t->screen->ops, &symbols_screen_ops);
	ck_line_has(&h, 0, "debug info for source lines");
	/* the objects are there at once, pending or answered */
	ck_screen_has(&h, "vmlinux");
	ck_screen_has(&h, "brd");
	symbols_wait(sym);
	tui_symbols(h.t);
	ck_screen_has(&h, "no debug info");
	ck_screen_has(&h, "apt install");
	ck_screen_has(&h, "linux-image-7.3.4-dbg");
	ck_screen_has(&h, "debuginfo-install kernel");
	ck_screen_has(&h, "CONFIG_DEBUG_INFO=y");
	ck_screen_has(&h, "how to get it: as for vmlinux, above");
	ck_screen_lacks(&h, "pending");
	/* the status line tells one of the objects: which one depends on the order */
	ck_screen_has(&h, "no source lines for ");
	h.t->status.msg[0] = '\0';
	h.t->dirty = 1;
	ck_expected(&h, "symbols-missing");
	/* any other key closes it, q does not quit */
	ht_keys(&h, "q");
	ck_assert_int_eq(h.t->quit, 0);
	ck_assert_ptr_eq(h.t->screen->ops, &list_screen_ops);
	ck_line_has(&h, 3, "PAGES");
	/* a small terminal scrolls it */
	resizeterm(12, 80);
	ht_keys(&h, "Sj");
	ck_assert_int_eq(PAGER(h.t->screen)->top, 1);
	ck_assert_ptr_eq(h.t->screen->ops, &symbols_screen_ops);
	ht_key(&h, FN(KEY_END));
	ck_assert_int_eq(PAGER(h.t->screen)->top, PAGER(h.t->screen)->nlines - (LINES - 2));
	ck_screen_lacks(&h, "objects in the frames of the stacks");
	ck_screen_has(&h, "they stay raw.");
	ck_line_has(&h, 0, "debug info for source lines");
	ht_key(&h, '\033');
	ck_assert_ptr_eq(h.t->screen->ops, &list_screen_ops);
	ht_close(&h);
	symbols_free(sym);

	/* --no-symbols: no service, the panel says so */
	ht_open(&h, "demo", NULL, 24, 80, NULL, NULL);
	ht_keys(&h, "S");
	ck_screen_has(&h, "Source lines are off (--no-symbols)");
	ck_screen_has(&h, "--check-symbols");
	ht_keys(&h, "x");
	ck_assert_ptr_eq(h.t->screen->ops, &list_screen_ops);
	ht_close(&h);
}
END_TEST

/* ---- other inputs ---- */

START_TEST(test_small_and_plain)
{
	struct ht h = { 0 };

	ht_open(&h, "small", NULL, 24, 80, NULL, NULL);
	ck_line_has(&h, 0, "folder small");
	ck_line_has(&h, 3, "PAGES");
	ck_assert_uint_gt(h.t->list->nrows, 0);
	ht_keys(&h, "[e");
	ck_screen_has(&h, "+0x");
	ht_close(&h);
	ht_open(&h, "plain/0030.show_stacks", NULL, 24, 80, NULL, NULL);
	ck_line_has(&h, 0, "sample 1");
	ck_assert_uint_gt(h.t->list->nrows, 0);
	ht_close(&h);
}
END_TEST

/* The screen as bytes holds no C0 but newlines, no DEL, no C1 (C2 80..C2 9F). */
static void ck_no_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		ck_assert_msg((*p >= 0x20 || *p == '\n') && *p != 0x7f,
			      "control byte 0x%02x at %td:\n%s", *p, (const char *)p - s, s);
		ck_assert_msg(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0),
			      "C1 control at %td:\n%s", (const char *)p - s, s);
	}
}

START_TEST(test_control_characters)
{
	/* frames and module names with ESC, BEL, DEL, CSI as C1 and a lone 0x80: the
	 * screen shows a control character as a space and a byte that is no character as
	 * '?', one column each (text_char(), the rule of batch output's escapes) */
	struct ht h = { 0 };

	ht_open(&h, "bad/escape.show_stacks", NULL, 24, 100, NULL, NULL);
	ht_keys(&h, "e");
	ck_no_controls(ht_screen(&h));
	ck_screen_has(&h, "title ]0;owned  [esc [31m mod]");
	ck_screen_has(&h, "> csi 2J+0x1/0x2 [c1 mod]");
	ck_screen_has(&h, "lone?byte+0x10/0x20 [bad?mod]");
	ck_screen_has(&h, "clear [2J [H+0x5/0x9");
	ht_close(&h);
	/* ASCII: every byte from 0x80 on is a '?' */
	ht_open(&h, "bad/escape.show_stacks", NULL, 24, 100, NULL, "C");
	ht_keys(&h, "e");
	ck_no_controls(ht_screen(&h));
	ck_screen_has(&h, "> csi??2J+0x1/0x2 [c1??mod]");
	ck_screen_has(&h, "title ]0;owned  [esc [31m mod]");
	ht_close(&h);
}
END_TEST

/* A settings line quoted on the status line with control characters in it: the screen
 * shows a space for each, as it does for frames. */
START_TEST(test_config_controls)
{
	struct ht h = { 0 };
	char *dir, *rc;

	env_setup(&h);
	dir = path_join(h.tmp, "pagetop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	rc = path_join(dir, "pagetoprc");
	write_str(rc, "set sort = x\033]0;owned\007\302\233y\n");
	ht_open(&h, "demo", NULL, 24, 200, NULL, NULL);
	ck_no_controls(ht_screen(&h));
	ck_line_has(&h, 23, "pagetoprc:1: sort: expected pages, bytes");
	ck_line_has(&h, 23, "found 'x ]0;owned  y'");
	ht_close(&h);
	free(rc);
	free(dir);
}
END_TEST

/* The largest counts a recording may have (2^48), changing within a microsecond: rates
 * of +-2.8e20 pages a second, past what a 64-bit integer holds, are shown with their sign
 * and size (they once came out of llround() as INT64_MIN, drawn as "-9.2E" for a growing
 * stack, and negated: an overflow). */
START_TEST(test_huge_values)
{
	static const char rec[] =
		"#pagetop-recording 1\nmeta unit pages\nmeta page-size 4096\n"
		"s 1 0 1\nf grow+0x1/0x2\ns 2 0 1\nf shrink+0x1/0x2\n"
		"t 0 100.000000 1\nc 2 281474976710656\ne 0 1\n"
		"t 1 100.000001 1\nc 1 281474976710656\nc 2 0\ne 1 2\nend 2\n";
	struct ht h = { 0 };
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	const char *path;
	char *p;

	env_setup(&h);
	p = path_join(h.tmp, "huge.ptrec");
	write_str(p, rec);
	path = p;
	source_opts_init(&so);
	ck_assert_msg(source_open(&src, &path, 1, &so, &err) == 0, "%s", err.msg);
	ht_start(&h, src, NULL, 24, 120, NULL, NULL);
	ck_line_has(&h, 0, "sample 2/2");
	ck_line_has(&h, 1, "Total 281,474,976,710,656 pages");
	for (int y = TUI_HEADER_LINES; y < TUI_HEADER_LINES + 2; y++) {
		const char *l = ht_line(&h, y);

		if (strstr(l, "grow"))
			ck_assert_msg(strstr(l, "+281.5E") && !strchr(l, '-'), "%s", l);
		else
			ck_assert_msg(strstr(l, "shrink") && strstr(l, "-281.5E"), "%s", l);
	}
	free(p);
	ht_close(&h);
}
END_TEST

/* ---- speed: 100,000 stacks ---- */

/* ---- the call tree ---- */

/* Nodes at and below node i. */
static size_t subtree_size(const struct tree *t, uint32_t i)
{
	size_t n = 1;

	for (uint32_t k = 0; k < t->nodes[i].nkids; k++)
		n += subtree_size(t, t->kids[t->nodes[i].kids + k]);
	return n;
}

/* The roots add up to the flat view's shown pages; every root is a line. */
static void ck_roots_sum(struct ht *h)
{
	const struct tree_ui *u = h->t->list->tree;
	int64_t sum = 0;
	size_t roots = 0;

	tl_get(h);
	for (size_t i = 0; i < tl_n; i++)
		if (tl_v[i].depth == 0) {
			sum += u->t.nodes[tl_v[i].node].s.now;
			roots++;
		}
	struct view v;

	ck_assert_uint_eq(roots, u->t.nroots);
	/* the flat view of the same sample and options */
	view_init(&v);
	model_view(h->t->model, &h->t->settings.view, &v);
	ck_assert_int_eq(sum, v.shown_pages);
	view_free(&v);
}

/* The line of the first root with at least two children. */
static size_t first_fork(struct ht *h)
{
	const struct tree_ui *u = h->t->list->tree;

	tl_get(h);
	for (size_t i = 0; i < tl_n; i++) {
		if (tl_v[i].depth != 0)
			continue;
		tree_sort(&h->t->list->tree->t, tl_v[i].node); /* its children made */
		if (u->t.nodes[tl_v[i].node].nkids >= 2)
			return i;
	}
	ck_abort_msg("no root with two children");
	return 0;
}

START_TEST(test_tree)
{
	struct ht h = { 0 };
	struct tree_ui *u;
	size_t n0, f, kids, n;
	int64_t first;
	uint64_t fid;
	int h0;

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_TOP_DOWN);
	ck_line_has(&h, 2, "tree top-down");
	ck_line_has(&h, 3, "FRAME");
	ck_roots_sum(&h);
	n0 = tl_count(&h);
	ck_assert_uint_eq(n0, u->t.nroots); /* all collapsed */
	ck_line_has(&h, TUI_HEADER_LINES, draw_glyph("▸ ", "+ "));
	ck_line_has(&h, TUI_HEADER_LINES, "stack");
	/* the first line is the largest root, its numbers those of its stacks */
	ck_assert_int_ge(tl_node(&h, 0)->s.now, tl_node(&h, 1)->s.now);

	/* Enter expands a node with two children or more: they follow, in the sort's order */
	f = first_fork(&h);
	while (tl_cursor(&h) < f)
		ht_keys(&h, "j");
	kids = tl_node(&h, f)->nkids;
	ht_keys(&h, "\n");
	ck_assert_uint_eq(tl_count(&h), n0 + kids);
	ck_assert_int_eq(tl_line(&h, f + 1).depth, 1);
	ck_assert_int_ge(tl_node(&h, f + 1)->s.now, tl_node(&h, f + 2)->s.now);
	ck_screen_has(&h, "├─ ");
	ck_screen_has(&h, "└─ ");
	ck_screen_has(&h, draw_glyph("▾ ", "- "));
	/* r reverses the children; the expanded node stays expanded, the cursor on it */
	first = tl_node(&h, f + 1)->s.now;
	fid = tl_line(&h, f).ident;
	ht_keys(&h, "r");
	ck_assert_uint_eq(tl_count(&h), n0 + kids);
	ck_assert_uint_eq(tl_line(&h, tl_cursor(&h)).ident, fid);
	f = tl_cursor(&h);
	ck_assert_int_le(tl_node(&h, f + 1)->s.now, tl_node(&h, f + 2)->s.now);
	ck_assert_int_le(tl_node(&h, f + 1)->s.now, first);
	ht_keys(&h, "r");
	f = tl_cursor(&h);
	ck_assert_int_eq(tl_node(&h, f + 1)->s.now, first);
	/* Enter again moves into the children; Left on a collapsed child goes to the parent,
	 * Left again collapses it */
	ht_keys(&h, "\n");
	ck_assert_uint_eq(tl_cursor(&h), f + 1);
	if (tl_node(&h, f + 1)->haskids && tree_ui_expanded(u, tl_line(&h, f + 1).ident))
		ht_keys(&h, "h");
	ht_keys(&h, "h");
	ck_assert_uint_eq(tl_cursor(&h), f);
	ht_keys(&h, "h");
	ck_assert_uint_eq(tl_count(&h), n0);
	ck_assert_uint_eq(tl_cursor(&h), f);
	/* * expands the whole subtree */
	ht_keys(&h, "*");
	ck_assert_uint_eq(tl_count(&h), n0 - 1 + subtree_size(&u->t, tl_line(&h, f).node));
	/* the sums stay those of the flat view whatever is expanded */
	ck_roots_sum(&h);
	/* E collapses all, e expands all: every node is a line */
	ht_keys(&h, "E");
	ck_assert_uint_eq(tl_count(&h), n0);
	ht_keys(&h, "e");
	n = tl_count(&h);
	ck_assert_uint_eq(n, u->t.nshown);
	/* the last line is a walk down the last children */
	ht_keys(&h, "G");
	ck_assert_uint_eq(tl_cursor(&h), n - 1);
	ck_line_has(&h, TUI_HEADER_LINES + list_height() - 1,
		    tree_node_text(h.t->model, tl_node(&h, n - 1)));
	/* the chart takes lines from the tree: the cursor's line stays on the screen */
	h0 = list_height();
	ht_keys(&h, "c");
	ck_assert_int_lt(list_height(), h0);
	ck_line_has(&h, TUI_HEADER_LINES + list_height() - 1,
		    tree_node_text(h.t->model, tl_node(&h, n - 1)));
	ht_keys(&h, "c");
	ck_line_has(&h, TUI_HEADER_LINES + h0 - 1, tree_node_text(h.t->model, tl_node(&h, n - 1)));
	ht_keys(&h, "k");
	ck_assert_uint_eq(tl_cursor(&h), n - 2);
	ht_key(&h, FN(KEY_HOME));
	ck_assert_uint_eq(tl_cursor(&h), 0);
	ht_keys(&h, "E");

	/* bottom-up: rooted at the callers, the same sum */
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_BOTTOM_UP);
	ck_line_has(&h, 2, "tree bottom-up");
	ck_roots_sum(&h);
	ck_assert(tl_node(&h, 0)->caller);
	/* the chart is of the node */
	ht_keys(&h, "c");
	ck_line_has(&h, TUI_HEADER_LINES + list_height(), tree_node_text(h.t->model, tl_node(&h, 0)));
	ck_line_has(&h, TUI_HEADER_LINES + list_height(), "peak");
	ht_keys(&h, "c");
	/* F5 cycles too: back to the list */
	ht_key(&h, FN(KEY_F(5)));
	ck_assert_int_eq(h.t->settings.tree, TREE_OFF);
	ck_screen_lacks(&h, "tree top-down");
	ck_line_has(&h, 3, "CALLER");
	ht_close(&h);
}
END_TEST

/* The line of the node at depth d with text s (the test fails when there is none). */
static size_t tl_find(struct ht *h, unsigned d, const char *s)
{
	const struct tree_ui *u = h->t->list->tree;

	for (size_t i = 0; i < u->nlines; i++)
		if (u->lines[i].depth == d && strcmp(tree_node_text(h->t->model, tl_node(h, i)), s) == 0)
			return i;
	ck_abort_msg("no line %s at depth %u", s, d);
	return 0;
}

static void tl_goto(struct ht *h, size_t li)
{
	const struct tree_ui *u = h->t->list->tree;

	while (u->cursor < li)
		ht_keys(h, "j");
	while (u->cursor > li)
		ht_keys(h, "k");
}

/* allocinfo's tree: directories level by level, file, function, call site; bottom-up
 * from the call site out. */
START_TEST(test_tree_allocinfo)
{
	static const char *const path[] = { "drivers/", "block/", "brd.c", "brd_insert_page [brd]" };
	struct ht h = { 0 };
	struct tree_ui *u;
	const struct tree_node *n;
	size_t li;

	ht_open(&h, "allocinfo", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_TOP_DOWN);
	ck_line_has(&h, 2, "tree top-down");
	ck_roots_sum(&h);
	ck_screen_has(&h, "drivers/");
	ck_screen_has(&h, "call sites)");
	ck_screen_lacks(&h, "stacks)");
	/* Enter down the path to the brd call site */
	for (unsigned d = 0; d < ARRAY_SIZE(path); d++) {
		tl_goto(&h, tl_find(&h, d, path[d]));
		ht_keys(&h, "\n");
	}
	li = tl_find(&h, 4, "drivers/block/brd.c:67");
	tl_goto(&h, li);
	n = tl_node(&h, li);
	ck_assert(n->caller && !n->haskids);
	ck_assert_int_eq(n->s.now, tl_node(&h, li - 1)->s.now); /* one site of its function */
	ck_assert_int_gt(n->s.calls, 0);
	ck_line_has(&h, TUI_HEADER_LINES + (int)u->cursor, "drivers/block/brd.c:67");
	ck_line_has(&h, TUI_HEADER_LINES + (int)u->cursor, "(1 call site)");
	ck_roots_sum(&h);
	/* bottom-up: the call site is a root, its function, file and directories below */
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_BOTTOM_UP);
	ck_roots_sum(&h);
	li = tl_find(&h, 0, "drivers/block/brd.c:67");
	tl_goto(&h, li);
	ht_keys(&h, "*");
	ck_assert_str_eq(tree_node_text(h.t->model, tl_node(&h, li + 1)), "brd_insert_page [brd]");
	ck_assert_str_eq(tree_node_text(h.t->model, tl_node(&h, li + 2)), "brd.c");
	ck_assert_str_eq(tree_node_text(h.t->model, tl_node(&h, li + 3)), "block/");
	ck_assert_str_eq(tree_node_text(h.t->model, tl_node(&h, li + 4)), "drivers/");
	ck_assert(!tl_node(&h, li + 4)->haskids);
	ht_close(&h);
}
END_TEST

/* c on a node charts the stacks below it: at every sample the chart has, the sum of their
 * pages there (their histories, which hold every sample of the recording, say what). */
START_TEST(test_tree_chart)
{
	struct ht h = { 0 };
	struct tree_ui *u;
	struct tree_env e;
	int64_t cmin[256], cmax[256], hist[MODEL_HISTORY];
	const struct tree_node *node;
	uint32_t n;
	int got, filled, exact = 0;
	size_t f, y0, all, done, total;
	char *text;

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "Tc");
	f = first_fork(&h);
	while (tl_cursor(&h) < f)
		ht_keys(&h, "j");
	node = tl_node(&h, f);
	ck_assert_uint_ge(node->nstacks, 2);
	y0 = TUI_HEADER_LINES + (size_t)list_height();
	ck_line_has(&h, (int)y0, tree_node_text(h.t->model, node));
	ck_line_has(&h, (int)y0, "peak");
	ck_screen_lacks(&h, "no node to chart");

	n = (uint32_t)model_nsamples(h.t->master);
	ck_assert_uint_le(n, MODEL_HISTORY);
	ck_assert_uint_le(n, 256);
	e = (struct tree_env){ h.t, "", list_height(), NULL };
	/* every node: its chart's columns hold the sums, exactly where the stacks' series
	 * kept one value (a column of one sample, in buckets that did not change) */
	ht_keys(&h, "e");
	all = tl_count(&h);
	tree_ui_key(u, &e, ACT_FIRST);
	for (size_t li = 0; li < all; li++, tree_ui_key(u, &e, ACT_DOWN)) {
		ck_assert_uint_eq(u->lines[u->cursor].node, tl_v[li].node);
		node = tree_ui_node(u);
		got = tree_ui_chart(u, &e, 0, n - 1, (int)n, cmin, cmax, &done, &total);
		ck_assert_int_eq(got, (int)n);
		filled = tree_history(h.t->model, &u->t, u->lines[u->cursor].node, hist, (int)n);
		ck_assert_int_ge(filled, 1);
		for (int k = 0; k < filled; k++) {
			uint32_t at = n - (uint32_t)filled + (uint32_t)k;

			ck_assert_msg(cmin[at] <= hist[k] && hist[k] <= cmax[at],
				      "sample %u: %lld not in %lld..%lld", at, (long long)hist[k],
				      (long long)cmin[at], (long long)cmax[at]);
			if (cmin[at] == cmax[at]) {
				ck_assert_int_eq(cmin[at], hist[k]);
				exact++;
			}
		}
		ck_assert(cmin[n - 1] <= node->s.now && node->s.now <= cmax[n - 1]);
		/* fewer columns: each one's range holds its samples' sums */
		got = tree_ui_chart(u, &e, 0, n - 1, 10, cmin, cmax, &done, &total);
		ck_assert_int_eq(got, 10);
		for (int k = 0; k < filled; k++) {
			uint32_t at = n - (uint32_t)filled + (uint32_t)k, c = at * 10 / n;

			ck_assert(cmin[c] <= hist[k] && hist[k] <= cmax[c]);
		}
	}
	ck_assert_int_gt(exact, 100);
	ht_keys(&h, "E");
	ht_key(&h, FN(KEY_HOME));
	while (tl_cursor(&h) < f)
		ht_keys(&h, "j");
	node = tl_node(&h, f);
	/* another node: the chart follows the cursor */
	ht_keys(&h, "j");
	ck_line_has(&h, (int)y0, tree_node_text(h.t->model, tree_ui_node(u)));
	/* replay: the chart stays the whole series, the shown sample marked */
	text = xstrdup(tree_node_text(h.t->model, node));
	ht_keys(&h, "k{");
	ck_line_has(&h, 0, "sample 80/90");
	ck_line_has(&h, (int)y0, text);
	ck_screen_has(&h, "●");
	free(text);
	ht_close(&h);
}
END_TEST

/* A threshold that hides or shows a few stacks updates the tree in place: the open
 * chart then takes those below its node off or on instead of summing every stack again,
 * and its columns are those of a sum made afresh. */
START_TEST(test_tree_chart_update)
{
	struct ht h = { 0 };
	struct source *src = fake_new(NULL, 0);
	struct sbuf b = { 0 };
	struct tree_ui *u;
	struct tree_env e;
	int64_t cmin[512], cmax[512], fmin[512], fmax[512];
	const char *keys[] = { "+", "+", "+", "-", "0", "j", "+", "+", "0", "k", "+", NULL };
	uint32_t updated = 0;
	size_t done, total;

	for (int smp = 0; smp < 4; smp++) {
		for (int i = 0; i < 4000; i++)
			sb_printf(&b, " fn_%d+0x1/0x10\n mid_%d+0x1/0x10\n top_%d+0x1/0x10\n"
				      " entry_SYSCALL_64+0x1/0x10\nnr_base_pages: %d\n\n",
				  i, i % 50, i % 3, 1 + (i * 7919 + smp * 13 * i) % 1000);
		((struct fake *)src->priv)->samples[((struct fake *)src->priv)->n++] = b.s;
		memset(&b, 0, sizeof(b));
	}
	ht_start(&h, src, NULL, 40, 160, NULL, NULL);
	ck_assert_uint_eq(model_nsamples(h.t->master), 4);
	u = h.t->list->tree;
	ht_keys(&h, "Tc");
	e = (struct tree_env){ h.t, "", list_height(), NULL };
	for (int i = 0; keys[i]; i++) {
		struct tree_chart *c = &u->chart;
		int got, fresh;

		ht_keys(&h, keys[i]);
		ck_assert_int_gt(c->got, 0);
		if (c->updated != updated) {
			ck_assert_uint_eq(u->t.moved_build, u->t.build);
			ck_assert_uint_gt(u->t.nmoved, 0);
		}
		updated = c->updated;
		got = tree_ui_chart(u, &e, c->lo, c->hi, c->ncols, cmin, cmax, &done, &total);
		ck_assert_int_eq(got, c->got);
		c->ident ^= 1; /* summed again, in one go */
		c->slice_ms = 1e9;
		fresh = tree_ui_chart(u, &e, c->lo, c->hi, c->ncols, fmin, fmax, &done, &total);
		ck_assert_int_eq(fresh, got);
		ck_assert_mem_eq(cmin, fmin, (size_t)got * sizeof(*cmin));
		ck_assert_mem_eq(cmax, fmax, (size_t)got * sizeof(*cmax));
	}
	/* the root and the node below it, each hiding and showing */
	ck_assert_uint_ge(updated, 6);
	ht_close(&h);
}
END_TEST

/* A node's chart summed a few stacks a frame: the panel says how far it is, each frame
 * goes on (the loop does not sleep meanwhile), and the columns are those of the sum in
 * one go; another node or sample starts again. */
START_TEST(test_tree_chart_slices)
{
	struct ht h = { 0 };
	struct tree_ui *u;
	struct tree_env e;
	int64_t want_min[256], want_max[256], cmin[256], cmax[256];
	size_t done, total, y0, frames = 0;
	uint32_t n;
	int want;
	char say[64];

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "T");
	while (tree_ui_node(u)->nstacks < 10)
		ht_keys(&h, "j");
	ht_keys(&h, "c");
	ck_assert_int_eq(h.t->again, 0); /* a slice holds all its stacks */
	y0 = TUI_HEADER_LINES + (size_t)list_height();
	ck_line_has(&h, (int)y0, "peak");
	n = (uint32_t)model_nsamples(h.t->master);
	e = (struct tree_env){ h.t, "", list_height(), NULL };
	want = tree_ui_chart(u, &e, 0, n - 1, 100, want_min, want_max, &done, &total);
	ck_assert_int_gt(want, 0);
	ck_assert_uint_eq(done, total);
	ck_assert_uint_ge(total, 10);

	/* three stacks a frame */
	u->chart.chunk = 3;
	u->chart.slice_ms = 0;
	ck_assert_int_eq(tree_ui_chart(u, &e, 0, n - 1, 101, cmin, cmax, &done, &total), -1);
	ck_assert_uint_eq(done, 3);
	ck_assert_int_eq(tree_ui_chart(u, &e, 0, n - 1, 101, cmin, cmax, &done, &total), -1);
	ck_assert_uint_eq(done, 6);
	ck_assert_int_eq(tree_ui_chart(u, &e, 0, n - 1, 100, cmin, cmax, &done, &total), -1);
	ck_assert_uint_eq(done, 3); /* another size: again */
	while (tree_ui_chart(u, &e, 0, n - 1, 100, cmin, cmax, &done, &total) < 0)
		ck_assert_uint_lt(++frames, total);
	ck_assert_uint_eq(frames, (total + 2) / 3 - 2); /* the first and the last not */
	ck_assert_mem_eq(cmin, want_min, (size_t)want * sizeof(*cmin));
	ck_assert_mem_eq(cmax, want_max, (size_t)want * sizeof(*cmax));

	/* on the screen: down and back up, the panel counts the stacks in (reading the
	 * screen draws a frame: 3 more) */
	ht_keys(&h, "jk");
	ck_assert_uint_eq(u->chart.done, 3);
	ck_assert_int_eq(h.t->again, 1);
	ck_assert_int_eq(h.t->dirty, 1);
	snprintf(say, sizeof(say), "summing 6 of %zu stacks...", total);
	ck_line_has(&h, (int)y0, say);
	ck_assert_ptr_nonnull(strstr(h.screen, tree_node_text(h.t->model, tree_ui_node(u))));
	for (frames = 0; h.t->again; frames++) {
		ck_assert_uint_lt(frames, total);
		tui_render(h.t);
	}
	ck_assert_uint_eq(frames, (total + 2) / 3 - 2);
	ck_assert_int_eq(h.t->dirty, 0);
	ck_assert_ptr_null(strstr(ht_line(&h, (int)y0), "summing"));
	ck_line_has(&h, (int)y0, "peak");
	ht_close(&h);
}
END_TEST

/* Whether a line has a sparkline's blocks. */
static int has_spark(const char *line)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strstr(line, blocks[i]))
			return 1;
	return 0;
}

/* samples samples of n stacks of 14 frames under one root (callers callers, 7 modules),
 * their counts changing. */
static struct source *many_stacks(int n, int samples, int callers)
{
	struct source *src = fake_new(NULL, 0);
	struct fake *f = src->priv;

	for (int smp = 0; smp < samples; smp++) {
		struct sbuf b = { 0 };

		for (int i = 0; i < n; i++) {
			sb_add(&b, " prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n");
			for (int fr = 0; fr < 9; fr++)
				sb_printf(&b, " fn%d_%d+0x%x/0x200\n", fr, (i >> (fr * 2)) & 63, i % 97);
			sb_printf(&b, " caller%d+0x10/0x80 [mod%d]\n do_syscall_64+0x6b/0x191\n"
				      " entry_SYSCALL_64_after_hwframe+0x4b/0x53\nnr_base_pages: %d\n\n",
				  i % callers, i % 7, 1 + (i * 7919 + smp * i) % 1000);
		}
		f->samples[f->n++] = b.s;
	}
	return src;
}

/* More lines of big nodes than the trends' cache had entries once (64: two nodes of a
 * screen took turns in one entry, each beginning the other's sum again, and the screen
 * drew again forever): every trend on a tall screen of the whole tree gets summed, on
 * one taller than the cache's first entries too. */
START_TEST(test_tree_trend_many_lines)
{
	struct ht h = { 0 };
	int frames = 0, spark = 0;

	ht_start(&h, many_stacks(10000, 3, 50), NULL, 150, 160, NULL, NULL);
	h.t->list->tree->trend_slice_ms = 0; /* 4,096 stacks a frame */
	ht_keys(&h, "Te");
	for (; h.t->again; frames++) {
		ck_assert_int_lt(frames, 200);
		tui_render(h.t);
	}
	free(h.screen);
	h.screen = draw_dump();
	for (int y = TUI_HEADER_LINES; y < TUI_HEADER_LINES + list_height(); y++)
		spark += has_spark(ht_line_drawn(&h, y));
	ck_assert_int_gt(spark, 100);
	ht_close(&h);

	/* more lines with a trend than the cache's first 512 entries: it grows */
	memset(&h, 0, sizeof(h));
	ht_start(&h, many_stacks(10000, 3, 50), NULL, 600, 160, NULL, NULL);
	h.t->list->tree->trend_slice_ms = 0;
	ht_keys(&h, "Te");
	for (frames = 0; h.t->again; frames++) {
		ck_assert_int_lt(frames, 200);
		tui_render(h.t);
	}
	ck_assert_uint_ge(h.t->list->tree->ntrend, 1024);
	free(h.screen);
	h.screen = draw_dump();
	spark = 0;
	for (int y = TUI_HEADER_LINES; y < TUI_HEADER_LINES + list_height(); y++)
		spark += has_spark(ht_line_drawn(&h, y));
	ck_assert_int_gt(spark, 520);
	ht_close(&h);
}
END_TEST

/* The trend of a node above many stacks is summed a slice a frame: its cell is blank
 * and the screen draws again until the sum is whole; then the line is that of a screen
 * that summed it in one go. */
START_TEST(test_tree_trend_slices)
{
	struct ht h = { 0 };
	char first[512], whole[512];
	int frames = 0, y = TUI_HEADER_LINES;

	ht_start(&h, many_stacks(10000, 3, 50), NULL, 40, 160, NULL, NULL);
	h.t->list->tree->trend_slice_ms = 0; /* 4,096 stacks a frame */
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->again, 1);
	ck_assert_int_eq(h.t->dirty, 1);
	free(h.screen); /* the frame drawn by the key, not another */
	h.screen = draw_dump();
	snprintf(first, sizeof(first), "%s", ht_line_drawn(&h, y));
	ck_assert_ptr_nonnull(strstr(first, "entry_SYSCALL_64_after_hwframe"));
	ck_assert_msg(!has_spark(first), "a trend before its sum: %s", first);
	for (; h.t->again; frames++) {
		ck_assert_int_lt(frames, 10);
		tui_render(h.t);
	}
	/* 10,000 stacks: 4,095 in the first frame, 4,095 in the second, the rest */
	ck_assert_int_eq(frames, 2);
	ck_assert_int_eq(h.t->dirty, 0);
	free(h.screen);
	h.screen = draw_dump();
	snprintf(whole, sizeof(whole), "%s", ht_line_drawn(&h, y));
	ck_assert_msg(has_spark(whole), "no trend: %s", whole);
	/* the same build and sample again: the sum is kept */
	ht_keys(&h, "j");
	ck_assert_int_eq(h.t->again, 0);
	ht_close(&h);

	memset(&h, 0, sizeof(h));
	ht_start(&h, many_stacks(10000, 3, 50), NULL, 40, 160, NULL, NULL);
	h.t->list->tree->trend_slice_ms = 1e9; /* one go, also under a sanitizer */
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->again, 0);
	ck_assert_str_eq(ht_line(&h, y), whole);
	ht_close(&h);
}
END_TEST

/* A filter keeps the nodes with a matching stack below; the threshold the nodes with a
 * stack that passes it. */
START_TEST(test_tree_filter)
{
	struct ht h = { 0 };
	struct tree_ui *u;
	size_t all;

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "Te");
	all = tl_count(&h);
	ht_keys(&h, "ffilemap\n");
	ck_line_has(&h, 2, "filter filemap");
	ck_assert_uint_gt(tl_count(&h), 0);
	ck_assert_uint_lt(tl_count(&h), all);
	ck_roots_sum(&h);
	/* the stacks ending at each node are matching ones, and the top-down path is theirs */
	for (size_t i = 0; i < tl_count(&h); i++) {
		const struct tree_node *n = tl_node(&h, i);

		for (uint32_t r = n->stacks; r != TREE_NONE; r = u->t.next_stack[r]) {
			const struct stack *st = u->t.v.rows[r].stack;
			int found = 0;

			ck_assert_ptr_nonnull(st);
			for (unsigned k = 0; k < st->nframes; k++)
				if (strstr(model_frame(h.t->model, st->frames[k]), "filemap"))
					found = 1;
			ck_assert_msg(found, "line %zu: a stack without filemap", i);
		}
	}
	ht_keys(&h, "F");
	ck_assert_uint_eq(tl_count(&h), all);
	/* a threshold: every root holds at least that many pages */
	ht_keys(&h, "t100\n");
	ck_roots_sum(&h);
	for (size_t i = 0; i < tl_count(&h); i++)
		ck_assert_int_ge(tl_node(&h, i)->s.now, 100);
	/* the search moves to a matching node */
	ht_keys(&h, "0/bdev_release\n");
	ck_assert(strstr(tree_node_text(h.t->model, tl_node(&h, tl_cursor(&h))), "bdev_release"));
	/* no frame matches: said at once, with every node expanded too, the cursor stays */
	ht_keys(&h, "e/#none");
	ck_screen_has(&h, "(not found)");
	ht_keys(&h, "\n");
	ck_assert(strstr(tree_node_text(h.t->model, tl_node(&h, tl_cursor(&h))), "bdev_release"));
	ht_close(&h);
}
END_TEST

/* The lines whose node matches text, in the order of every line of the tree: how many
 * (at most n), their indices in at. */
static size_t tl_matches(struct ht *h, const char *text, size_t *at, size_t n)
{
	size_t k = 0;

	tl_get(h);
	for (size_t i = 0; i < tl_n && k < n; i++)
		if (!tl_v[i].inl &&
		    strcasestr(tree_node_text(h->t->model, &h->t->list->tree->t.nodes[tl_v[i].node]),
			       text))
			at[k++] = i;
	return k;
}

/* / from the first line, then n and N: the matching lines in the tree's order, round
 * the ends, as a walk of every line finds them. */
static void ck_search_walk(struct ht *h, const char *text)
{
	size_t at[64], nm, steps;
	char keys[128];

	ht_key(h, FN(KEY_HOME));
	snprintf(keys, sizeof(keys), "/%s", text);
	ht_keys(h, keys);
	nm = tl_matches(h, text, at, ARRAY_SIZE(at));
	if (!nm) /* in unexpanded nodes only */
		ck_screen_has(h, "(not found)");
	else
		ck_screen_lacks(h, "(not found)");
	ht_keys(h, "\n");
	if (!nm)
		return;
	ck_assert_uint_eq(tl_cursor(h), at[0]);
	if (nm == ARRAY_SIZE(at)) { /* many: the first ones, no round */
		for (size_t k = 1; k < nm; k++) {
			ht_keys(h, "n");
			ck_assert_uint_eq(tl_cursor(h), at[k]);
		}
		return;
	}
	steps = nm < 20 ? nm + 1 : 20;
	for (size_t k = 1; k <= steps; k++) {
		ht_keys(h, "n");
		ck_assert_msg(tl_cursor(h) == at[k % nm], "%s: n %zu at %zu, not %zu", text, k,
			      tl_cursor(h), at[k % nm]);
	}
	ht_key(h, FN(KEY_HOME));
	ht_keys(h, "n");
	ck_assert_uint_eq(tl_cursor(h), at[at[0] == 0 && nm > 1 ? 1 : 0]);
	ht_keys(h, "G");
	for (size_t k = 1; k <= steps; k++) {
		ht_keys(h, "N");
		ck_assert_msg(tl_cursor(h) == at[(nm * 2 - k - (at[nm - 1] + 1 == tl_n)) % nm],
			      "%s: N %zu at %zu", text, k, tl_cursor(h));
	}
}

/* A search in the tree goes to the lines in the tree's order, whatever is expanded: by
 * e, by Enter and Left, by * (only the path to a match is made, the matches known from
 * the stacks); a text only hidden stacks or unexpanded nodes have says "not found". */
START_TEST(test_tree_search_order)
{
	static const char *const texts[] = { "filemap", "generic_perform_write", "execmem",
					     "vmalloc", "do_syscall_64", "+0x1" };
	struct ht h = { 0 };
	size_t f;

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	ht_keys(&h, "T");
	for (int state = 0; state < 4; state++) {
		ht_keys(&h, "E");
		if (state == 1 || state == 2)
			ht_keys(&h, "e");
		if (state == 2) { /* a few collapsed again */
			ht_key(&h, FN(KEY_HOME));
			ht_keys(&h, "jjhjjjjjhjjjh");
		}
		if (state == 3) { /* one root expanded whole, one of its nodes collapsed */
			ht_key(&h, FN(KEY_HOME));
			f = first_fork(&h);
			tl_goto(&h, f);
			ht_keys(&h, "*jjjh");
		}
		for (size_t k = 0; k < ARRAY_SIZE(texts); k++)
			ck_search_walk(&h, texts[k]);
	}
	/* bottom-up too */
	ht_keys(&h, "TEe");
	ck_assert_int_eq(h.t->settings.tree, TREE_BOTTOM_UP);
	for (size_t k = 0; k < ARRAY_SIZE(texts); k++)
		ck_search_walk(&h, texts[k]);
	/* in a collapsed node only: not found */
	ht_keys(&h, "E");
	ck_assert_uint_eq(tl_matches(&h, "do_syscall_64", &f, 1), 0);
	ht_keys(&h, "/do_syscall_64");
	ck_screen_has(&h, "(not found)");
	ht_keys(&h, "\n");
	ht_close(&h);
}
END_TEST

/* Replay keeps what is expanded where the nodes still are. */
START_TEST(test_tree_replay)
{
	struct ht h = { 0 };
	struct tree_ui *u;
	uint64_t ident;
	size_t n;

	ht_open(&h, "lab.ptrec.xz", NULL, 40, 160, NULL, NULL);
	u = h.t->list->tree;
	ht_keys(&h, "T\n");
	ident = tl_line(&h, 0).ident;
	n = tl_count(&h);
	ck_assert_uint_gt(n, u->t.nroots);
	ht_keys(&h, "[[");
	while (!time_build_step(h.t, -1))
		;
	tui_render(h.t);
	ck_assert_ptr_ne(h.t->model, h.t->master);
	ck_assert_int_eq(h.t->settings.tree, TREE_TOP_DOWN);
	ck_assert(tree_ui_expanded(u, ident));
	for (size_t i = 0; i + 1 < tl_count(&h); i++)
		if (tl_line(&h, i).ident == ident && tl_node(&h, i)->nkids)
			ck_assert_int_eq(tl_line(&h, i + 1).depth, 1); /* still expanded */
	ck_roots_sum(&h);
	ht_keys(&h, "]]");
	while (!time_build_step(h.t, -1))
		;
	tui_render(h.t);
	ck_assert_uint_eq(tl_count(&h), n);
	ck_assert_uint_eq(tl_line(&h, 0).ident, ident);
	ht_close(&h);
}
END_TEST

/* Live and paused: the tree stays as it was while samples go on, and its stacks are
 * pinned (their histories are its trends); resumed, it follows again. */
START_TEST(test_tree_live_pause)
{
	struct ht h = { 0 };

	ht_start(&h, fake_new(live_specs, 2), NULL, 24, 100, NULL, NULL);
	ht_keys(&h, "T");
	ck_line_has(&h, 2, "tree top-down");
	ck_line_has(&h, 4, "a_caller+0x1/0x10 [brd]");
	ck_line_has(&h, 4, "40");
	ht_keys(&h, "p");
	ck_line_has(&h, 2, "PAUSED (+0)");
	ck_assert_uint_gt(h.t->list->npins, 0);
	for (int i = 0; i < 3; i++) {
		fake_add(h.src, "alloc_pages;a_caller [brd]=0|alloc_pages;b_caller=18");
		tui_pump(h.t, -1);
	}
	ck_line_has(&h, 2, "PAUSED (+3)");
	ck_line_has(&h, 4, "40");
	ht_keys(&h, " ");
	ck_line_has(&h, 0, "sample 5");
	ck_line_has(&h, 4, "b_caller");
	ht_close(&h);
}
END_TEST

/* --tree opens the screen in that mode; W saves it, the file gives it back. */
START_TEST(test_tree_setting)
{
	struct ht h = { 0 };
	struct tui_opts o;

	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.tree = TREE_BOTTOM_UP;
	o.cli_set = TUI_SET_TREE;
	ht_open(&h, "demo", &o, 24, 120, NULL, NULL);
	ck_line_has(&h, 2, "tree bottom-up");
	ck_line_has(&h, 3, "FRAME");
	ht_close(&h);
	env_setup(&h);
	rc_write(&h, "set tree = top-down\n");
	ht_open(&h, "demo", NULL, 24, 120, NULL, NULL);
	ck_line_has(&h, 2, "tree top-down");
	ht_close(&h);
}
END_TEST

/* The cursor on the tree's first line stays on the first line as samples come (like
 * the flat list): the recording's first sample tops with shmem, its last with [brd]. A
 * cursor below the first line stays on its node. */
START_TEST(test_tree_top_stays_top)
{
	struct ht h = { 0 };
	struct tui_opts o;
	struct tree_ui *u;
	char *second;

	memset(&o, 0, sizeof(o));
	view_opts_init(&o.view);
	o.tree = TREE_BOTTOM_UP;
	o.cli_set = TUI_SET_TREE;
	o.iterations = 1; /* the first frame: one sample read */
	ht_open(&h, "lab.ptrec.xz", &o, 24, 160, NULL, NULL);
	ck_line_has(&h, 4, "▸ shmem_alloc_and_add_folio");
	ck_assert_int_eq(ht_cursor_y(&h), 4);
	h.t->iterations = 0;
	tui_pump(h.t, -1);
	ck_line_has(&h, 0, "sample 90/90");
	ck_line_has(&h, 4, "▸ brd_submit_bio+0x28d/0x42b [brd]");
	ck_assert_int_eq(ht_cursor_y(&h), 4);
	ht_close(&h);

	/* on the second root, the cursor keeps it wherever the last sample puts it */
	o.iterations = 1;
	ht_open(&h, "lab.ptrec.xz", &o, 24, 160, NULL, NULL);
	u = h.t->list->tree;
	second = xstrdup(tree_node_text(h.t->model, &u->t.nodes[u->t.kids[1]]));
	while (tree_ui_node(u) == &u->t.nodes[u->t.kids[0]] || u->lines[u->cursor].inl)
		ht_keys(&h, "j");
	ck_assert_str_eq(tree_node_text(h.t->model, tree_ui_node(u)), second);
	h.t->iterations = 0;
	tui_pump(h.t, -1);
	ck_line_has(&h, 0, "sample 90/90");
	ck_assert_str_eq(tree_node_text(h.t->model, tree_ui_node(u)), second);
	ck_assert_int_eq(u->lines[u->cursor].depth, 0);
	free(second);
	ht_close(&h);
}
END_TEST

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

#define FAULTS_MAX 256 /* in the first `T` and `*` of a readied tree (1,369 and 1,706 not) */
/* AddressSanitizer's allocator and shadow memory fault pages of their own */
#define FAULTS_COUNTED (!ASAN_BUILD)

/* One key, timed: CPU time, the view's and the draw's share, the page faults. */
static void speed_key(struct ht *h, const char *keys, int nstacks, const char *what,
		      double *worst)
{
	struct rusage r0, r1;
	double t0 = cpu_ms(), ms;

	getrusage(RUSAGE_THREAD, &r0);
	for (const char *k = keys; *k; k++)
		tui_key(h->t, (unsigned char)*k);
	tui_render(h->t);
	ms = cpu_ms() - t0;
	getrusage(RUSAGE_THREAD, &r1);
	fprintf(stderr, "%d stacks: %skey %-3s %6.2f ms (view %.2f, draw %.2f; system %.2f ms, "
		"%ld page faults)\n", nstacks, what,
		keys[0] == 6 ? "^F" : keys[0] == '\n' ? "RET" : keys, ms,
		h->t->list->view_ms, h->t->draw_ms,
		tv_ms(&r1.ru_stime) - tv_ms(&r0.ru_stime), r1.ru_minflt - r0.ru_minflt);
	h->t->list->view_ms = 0;
	if (ms > *worst)
		*worst = ms;
}

/* The screen waiting for the next key: its work ahead (tui_idle()), a slice at a time,
 * until none is left. Returns the CPU time of the longest slice. */
static double speed_wait(struct ht *h, int nstacks)
{
	double t0, ms, most = 0, all = 0;
	int slices = 0, done;

	do {
		t0 = cpu_ms();
		done = tui_idle(h->t, 3);
		ms = cpu_ms() - t0;
		most = ms > most ? ms : most;
		all += ms;
		slices++;
	} while (!done);
	if (slices > 1)
		fprintf(stderr, "%d stacks: the wait before the next key: %d slices, %.2f ms "
			"(the most %.2f ms)\n", nstacks, slices, all, most);
	return most;
}

START_TEST(test_speed_100k)
{
	struct ht h = { 0 };
	/* the search typed a character at a time: a match, narrower ones, then none */
	const char *keys[] = { "j", "\006", "l", "h", ">", "r", "+", "0", "g", "g", "g", "g", "G",
			       "b", "/", "f", "n", "5", "_", "3", "x", "y", "\n", "n", NULL };
	/* the chart open from the first node on (the one root, every stack's; so are the
	 * two lines below it): each line it moves to sums the stacks below, a slice a frame */
	/* + from 0 hides no stack, then 2, 5 and 10 pages hide some (0.1%, 0.4%, 0.9%); - and 0
	 * show them again */
	const char *tree_keys[] = { "T", "c", "j", "\006", "l", "*", "h", ">", "r", "+", "+", "+",
				    "+", "-", "0", "e",
				    "\006", "G", "k", "/", "f", "n", "9", "x", "\n", "c", "E", "G",
				    "T", "l", "T", NULL };
	double worst = 0, limit = getenv("PAGETOP_TUI_MAX_MS") ?
				 atof(getenv("PAGETOP_TUI_MAX_MS")) : 250;
	struct source *src;
	const struct stack *st;
	size_t at, found;
	double slice = 0;
	int slow = memcheck(), nstacks = slow ? 5000 : 100000, prefaulted;

	/* make bench: PAGETOP_TUI_STACKS=1000000 */
	if (!slow && getenv("PAGETOP_TUI_STACKS"))
		nstacks = atoi(getenv("PAGETOP_TUI_STACKS"));
	/* two samples of 100,000 distinct stacks of 14 frames, counts changing */
	src = many_stacks(nstacks, 2, 5000);
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	ck_assert_uint_eq(model_nstacks(h.m), (size_t)nstacks);
	for (int i = 0; keys[i]; i++)
		speed_key(&h, keys[i], nstacks, "", &worst);
	/* past the rows near the cursor: a text no frame has is not found, the cursor stays;
	 * one that a few stacks far away have is found there, and the characters after it
	 * look only at the rows that matched before */
	at = h.t->list->cursor.row;
	ht_keys(&h, "/fn5_3x");
	ck_screen_has(&h, "(not found)");
	ck_assert_uint_eq(h.t->list->cursor.row, at);
	/* the prompt has waited as long as the index of which stacks have which frame took
	 * (the rows not all in order yet) */
	ht_keys(&h, "\033/");
	if ((size_t)nstacks >= h.t->list->search.index_min) {
		double t0 = cpu_ms();
		int slices = 0;

		while (!stack_index_ready(h.t->list->search.index, h.t->model) && slices < 100000) {
			tui_idle(h.t, 3);
			slices++;
		}
		fprintf(stderr, "%d stacks: the index made in %d slices, %.2f ms of CPU\n", nstacks,
			slices, cpu_ms() - t0);
		ck_assert(stack_index_ready(h.t->list->search.index, h.t->model));
		ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
	}
	for (const char *k = "caller4999+"; *k; k++) {
		char key[2] = { *k, 0 };

		speed_key(&h, key, nstacks, "far ", &worst);
	}
	fprintf(stderr, "%d stacks: worst key %.2f ms of CPU time\n", nstacks, worst);
	if ((size_t)nstacks >= h.t->list->search.wait_min) {
		/* typed faster than the screen waits: the last text only is looked for
		 * while it waits for the next key, the cursor where / started meanwhile */
		double all = 0;
		int slices = 0;

		ck_screen_has(&h, "(searching...)");
		ck_assert_uint_eq(h.t->list->cursor.row, at);
		while (h.t->list->search.waiting && slices < 100000) {
			double t0 = cpu_ms(), ms;

			tui_idle(h.t, 3);
			ms = cpu_ms() - t0;
			slice = ms > slice ? ms : slice;
			all += ms;
			slices++;
		}
		fprintf(stderr, "%d stacks: the far match found while the screen waits: %d "
			"slices, %.2f ms of CPU (the most %.2f ms)\n", nstacks, slices, all, slice);
		ck_assert_int_eq(h.t->list->search.waiting, 0);
	}
	ck_screen_lacks(&h, "(not found)");
	ck_screen_lacks(&h, "(searching...)");
	st = h.t->list->rows[h.t->list->cursor.row].stack;
	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(strstr(model_frame(h.t->model, st->frames[st->nframes - 3]),
				     "caller4999+"));
	ck_assert_uint_gt((h.t->list->cursor.row + h.t->list->nrows - at) % h.t->list->nrows, 256);
	/* and it is the first such row after the cursor in the full order */
	for (size_t k = 1; k < h.t->list->nrows; k++) {
		size_t r = (at + k) % h.t->list->nrows;
		const struct stack *o = h.t->list->rows[r].stack;

		if (o && strstr(model_frame(h.t->model, o->frames[o->nframes - 3]), "caller4999+")) {
			ck_assert_uint_eq(r, h.t->list->cursor.row);
			break;
		}
	}
	/* the same typed as a user types it: while the screen waits for the next key, the
	 * rows not in order are put in order a slice at a time; the characters then find
	 * the same row, looking only from the cursor on */
	found = h.t->list->cursor.row;
	ht_keys(&h, "\033");
	ck_assert_uint_eq(h.t->list->cursor.row, at);
	if (!slow) /* 5,000 rows are all in order at once */
		ck_assert_uint_ne(h.t->list->sorted, SIZE_MAX);
	speed_key(&h, "/", nstacks, "far ", &worst);
	for (const char *k = "caller4999+"; *k; k++) {
		char key[2] = { *k, 0 };
		double most = speed_wait(&h, nstacks);

		slice = most > slice ? most : slice;
		ck_assert_uint_eq(h.t->list->sorted, SIZE_MAX);
		speed_key(&h, key, nstacks, "far, waited, ", &worst);
	}
	fprintf(stderr, "%d stacks: worst key %.2f ms, worst slice of a wait %.2f ms of CPU "
		"time\n", nstacks, worst, slice);
	ck_assert_uint_eq(h.t->list->cursor.row, found);
	ck_assert_ptr_eq(h.t->list->rows[found].stack, st);
	ht_keys(&h, "\033");
	if (!slow)
		ck_assert_msg(worst < limit && slice < limit,
			      "a key took %.1f ms, a slice of a wait %.1f ms (PAGETOP_TUI_MAX_MS=%.0f)",
			      worst, slice, limit);
	/* the call tree: its memory readied while no key comes, in slices */
	{
		struct rusage r0, r1;
		double t0, ms, most = 0, all = 0;
		int slices = 0, done;

		getrusage(RUSAGE_THREAD, &r0);
		do {
			t0 = cpu_ms();
			done = tui_idle(h.t, 3);
			ms = cpu_ms() - t0;
			most = ms > most ? ms : most;
			all += ms;
			slices++;
		} while (!done);
		getrusage(RUSAGE_THREAD, &r1);
		fprintf(stderr, "%d stacks: tree memory readied in %d slices, %.2f ms (the most "
			"%.2f ms; %ld page faults), %zu KiB\n", nstacks, slices, all, most,
			r1.ru_minflt - r0.ru_minflt, tree_mem_bytes(&h.t->list->tree->t) >> 10);
		ck_assert_int_eq(tui_idle(h.t, 3), 1);
	}
	prefaulted = h.t->list->tree->t.pf_stacks >= (size_t)nstacks;
	worst = 0;
	for (int i = 0; tree_keys[i]; i++) {
		struct rusage r0, r1;
		double t0 = cpu_ms(), ms;

		getrusage(RUSAGE_THREAD, &r0);
		h.t->list->tree->build_ms = 0;
		for (const char *k = tree_keys[i]; *k; k++)
			tui_key(h.t, (unsigned char)*k);
		tui_render(h.t);
		ms = cpu_ms() - t0;
		getrusage(RUSAGE_THREAD, &r1);
		fprintf(stderr, "%d stacks: tree key %-3s %6.2f ms (tree %.2f, draw %.2f; "
			"system %.2f ms, %ld page faults)\n",
			nstacks, tree_keys[i][0] == 6 ? "^F" : tree_keys[i][0] == '\n' ? "RET" :
			tree_keys[i], ms, h.t->list->tree->build_ms, h.t->draw_ms,
			tv_ms(&r1.ru_stime) - tv_ms(&r0.ru_stime), r1.ru_minflt - r0.ru_minflt);
		if (ms > worst)
			worst = ms;
		/* readied: the first build and a `*` write to pages already in */
		if (FAULTS_COUNTED && prefaulted && i < 6 &&
		    (tree_keys[i][0] == 'T' || tree_keys[i][0] == '*'))
			ck_assert_msg(r1.ru_minflt - r0.ru_minflt <= FAULTS_MAX,
				      "tree key %s: %ld page faults", tree_keys[i],
				      r1.ru_minflt - r0.ru_minflt);
	}
	fprintf(stderr, "%d stacks: worst tree key %.2f ms of CPU time\n", nstacks, worst);
	if (!slow)
		ck_assert_msg(worst < limit, "a tree key took %.1f ms (PAGETOP_TUI_MAX_MS=%.0f)",
			      worst, limit);
	/* c on the root: the frames until its chart is whole, each one bounded */
	for (int i = 0; i < TREE__N && h.t->settings.tree != TREE_OFF; i++)
		ht_keys(&h, "T");
	ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_TOP_DOWN);
	ck_assert_uint_eq(tree_ui_node(h.t->list->tree)->nstacks, (uint32_t)nstacks);
	{
		double t0 = cpu_ms(), all = t0, ms;
		int frames = 1;

		tui_key(h.t, 'c');
		tui_render(h.t);
		worst = cpu_ms() - t0;
		while (h.t->again) {
			ck_assert_int_le(frames++, nstacks / TREE_CHART_CHUNK + 1);
			t0 = cpu_ms();
			tui_render(h.t);
			ms = cpu_ms() - t0;
			worst = ms > worst ? ms : worst;
		}
		fprintf(stderr, "%d stacks: c on the root, %d frames, %.2f ms of CPU time in all, "
			"%.2f at most\n", nstacks, frames, cpu_ms() - all, worst);
		if (!slow)
			ck_assert_msg(worst < limit, "a frame of c took %.1f ms (PAGETOP_TUI_MAX_MS=%.0f)",
				      worst, limit);
	}
	ck_line_has(&h, TUI_HEADER_LINES + list_height(), "peak");
	ht_keys(&h, "c");
	for (int i = 0; i < TREE__N && h.t->settings.tree != TREE_OFF; i++)
		ht_keys(&h, "T");
	ck_assert_int_eq(h.t->settings.tree, TREE_OFF);
	ht_close(&h);
}
END_TEST

/* The tree of 100,000 stacks under one root: * on it, G, a search far down and one whose
 * only match a threshold hides make only the nodes on the way (CPU a key printed). */
START_TEST(test_tree_lazy_100k)
{
	struct ht h = { 0 };
	struct sbuf b = { 0 };
	struct source *src;
	struct fake *f;
	struct tree_ui *u;
	int nstacks = memcheck() ? 5000 : 100000;
	size_t most = (size_t)nstacks / 10, made;
	static const struct {
		const char *keys, *what;
	} steps[] = { { "T", "T" },	      { "*", "* on the root" }, { "G", "G" },
		      { "g", "g" },	      { "/needle_deep\n", "search far down" },
		      { "n", "n" },	      { "e", "e" },		{ "/needle_deep\n", "the same, e" },
		      { "t2\n", "threshold" }, { "/hidden_only\n", "a search, a hidden match" } };

	src = fake_new(NULL, 0);
	f = src->priv;
	for (int i = 0; i < nstacks; i++) {
		sb_add(&b, " prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n");
		if (i == nstacks / 2)
			sb_add(&b, " needle_deep+0x1/0x2\n");
		if (i == nstacks / 3)
			sb_add(&b, " hidden_only+0x1/0x2\n");
		for (int fr = 0; fr < 9; fr++)
			sb_printf(&b, " fn%d_%d+0x%x/0x200\n", fr, (i >> (fr * 2)) & 63, i % 97);
		sb_printf(&b, " do_syscall_64+0x6b/0x191\n entry_SYSCALL_64_after_hwframe+0x4b/0x53\n"
			      "nr_base_pages: %d\n\n",
			  i == nstacks / 3 ? 1 : i == nstacks / 2 ? 3 : 3 + (i * 7919) % 1000);
	}
	f->samples[f->n++] = b.s;
	ht_start(&h, src, NULL, 50, 160, NULL, NULL);
	u = h.t->list->tree;
	for (size_t k = 0; k < ARRAY_SIZE(steps); k++) {
		double worst = 0;

		for (const char *c = steps[k].keys; *c; c++) {
			double t0 = cpu_ms();
			char key[2] = { *c, 0 };

			ht_keys(&h, key);
			worst = cpu_ms() - t0 > worst ? cpu_ms() - t0 : worst;
		}
		fprintf(stderr, "%d stacks: tree %-26s %6.2f ms a key at most, %zu nodes made\n",
			nstacks, steps[k].what, worst, u->t.nnodes);
		ck_assert_msg(u->t.nnodes < most, "%s: %zu nodes made", steps[k].what,
			      u->t.nnodes);
		if (k == 1) { /* everything below the root expanded: down to the callers */
			ck_assert_uint_eq(u->t.nroots, 1);
			for (size_t i = 1; i < u->nlines; i++)
				ck_assert_uint_eq(u->lines[i].depth, i < 11 ? i : u->lines[i].depth);
			ck_assert(!u->t.nodes[u->lines[10].node].haskids);
		}
		if (strstr(steps[k].keys, "needle") || k == 5) {
			const struct tree_line *ln = &u->lines[u->cursor];

			ck_assert_str_eq(tree_node_text(h.t->model, &u->t.nodes[ln->node]),
					 "needle_deep+0x1/0x2");
			ck_assert_uint_eq(ln->depth, 11);
		}
		if (k + 1 == ARRAY_SIZE(steps))
			ck_assert_uint_eq(tree_match(&u->t, "hidden_only"), 0);
	}
	made = u->t.nnodes;
	for (int k = 0; k < 5; k++) { /* what a search's first key costs of it */
		double t0 = cpu_ms();

		tree_match(&u->t, k % 2 ? "_after_" : "syscall");
		fprintf(stderr, "%d stacks: the tree's stacks matched %.2f ms\n", nstacks,
			cpu_ms() - t0);
	}
	tree_sort(&u->t, TREE_NONE);
	fprintf(stderr, "%d stacks: tree of %zu nodes, %zu made\n", nstacks, u->t.nnodes, made);
	ht_close(&h);
}
END_TEST

/* Live, the header's second line relates the stacks' pages to the system's memory in use
 * (/proc/meminfo, here PAGETOP_MEMINFO), shorter on a narrower terminal. */
START_TEST(test_live_meminfo_header)
{
	struct ht h = { 0 };
	struct source *src;
	struct source_opts so;
	struct pt_err err;
	char *dbg, *pos, *f;
	const char *l;

	env_setup(&h);
	dbg = path_join(h.tmp, "debug");
	pos = path_join(dbg, "page_owner_stacks");
	ck_assert_int_eq(mkdir(dbg, 0755), 0);
	ck_assert_int_eq(mkdir(pos, 0755), 0);
	f = path_join(pos, "show_stacks");
	write_str(f, " alloc_pages+0x1/0x2\n leaky_fn+0x3/0x4\nnr_base_pages: 2560\n\n");
	free(f);
	f = path_join(pos, "count_threshold");
	write_str(f, "0");
	free(f);
	f = path_join(h.tmp, "meminfo");
	write_str(f, "MemTotal: 1048576 kB\nMemAvailable: 419840 kB\nSlab: 41984 kB\n"
		     "PageTables: 3072 kB\n");
	setenv("PAGETOP_MEMINFO", f, 1);
	setenv("PAGETOP_DEBUGFS_MOUNTED", "1", 1);
	source_opts_init(&so);
	so.debugfs = dbg;
	so.interval = 0.1;
	ck_assert_msg(source_open(&src, NULL, 0, &so, &err) == 0, "%s", err.msg);
	ht_start(&h, src, NULL, 24, 160, NULL, NULL);
	for (int i = 0; i < 200 && !strstr(ht_line(&h, 1), "in use"); i++)
		tui_pump(h.t, 50);
	l = ht_line(&h, 1);
	ck_assert_msg(strstr(l, "Total 2,560 pages (10.0 MiB)"), "%s", l);
	ck_assert_msg(strstr(l, "page_owner accounts for 10.0 MiB of 614.0 MiB in use; slab 41.0 MiB, page tables 3.0 MiB"),
		      "%s", l);
	resizeterm(24, 110);
	ht_key(&h, FN(KEY_RESIZE));
	l = ht_line(&h, 1);
	ck_assert_msg(strstr(l, "  10.0 MiB of 614.0 MiB in use") && !strstr(l, "accounts"), "%s", l);
	resizeterm(24, 60);
	ht_key(&h, FN(KEY_RESIZE));
	l = ht_line(&h, 1);
	ck_assert_msg(!strstr(l, "in use") && strstr(l, "Total 2,560 pages"), "%s", l);
	unsetenv("PAGETOP_MEMINFO");
	unsetenv("PAGETOP_DEBUGFS_MOUNTED");
	free(f);
	free(pos);
	free(dbg);
	ht_close(&h);
}
END_TEST

/* ---- the screen and batch mode agree ---- */

/* The first n rows of a view as batch mode prints them in a format: the same printer for
 * the screen's view and batch mode's, so what differs is the numbers. */
static char *agree_print(const struct model *m, const struct view_opts *vo,
			 const struct view *v, size_t n, enum out_format f)
{
	struct out_opts oo = { .format = f };
	struct view part = *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	part.nrows = n < v->nrows ? n : v->nrows;
	if (f == OUT_CSV)
		ck_assert_int_eq(output_begin(fp, m, &oo), 0);
	ck_assert_int_eq(output_sample(fp, m, vo, &part, &oo), 0);
	fclose(fp);
	return buf;
}

/* Batch mode: a model of its own, fed from a source of its own, one sample at a time.
 * pagetop -b views every sample it takes; this views only those compared, which gives
 * the same numbers as long as the model keeps every group mode whatever was viewed
 * (model.h): asking for a mode late is what the screen does. */
struct agree_batch {
	struct source *src;
	struct model *m;
	long k;                   /* the sample it is at, -1: none yet */
};

static void agree_batch_open(struct agree_batch *b, const char *rel)
{
	struct source_opts so;
	struct pt_err err;
	const char *path = rel;

	source_opts_init(&so);
	ck_assert_msg(source_open(&b->src, &path, 1, &so, &err) == 0, "%s", err.msg);
	b->m = model_new();
	b->k = -1;
}

static void agree_batch_to(struct agree_batch *b, long k)
{
	struct sink sink = model_sink(b->m);
	struct pt_err err;

	while (b->k < k) {
		ck_assert_msg(source_next(b->src, &sink, -1, &err) == SRC_SAMPLE, "sample %ld: %s",
			      b->k + 1, err.msg);
		b->k++;
	}
}

static void agree_batch_close(struct agree_batch *b)
{
	model_free(b->m);
	source_close(b->src);
}

/* The screen as it is now (its model, sample, group and sort) against batch mode at
 * the same sample with the same options, in text and CSV. */
static void agree_check(struct ht *h, struct agree_batch *b, long k)
{
	struct app *app = h->t;
	const struct view_opts *uvo = &app->settings.view;
	struct view_opts vo;
	struct view v;
	size_t n;
	static const enum out_format formats[] = { OUT_TEXT, OUT_CSV };

	tui_render(app);
	ck_assert_uint_eq(model_nsamples(app->model), (uint32_t)k + 1);
	agree_batch_to(b, k);
	/* the batch options as the command line gives them: not copied from the screen */
	view_opts_init(&vo);
	vo.group = uvo->group;
	vo.key = uvo->key;
	vo.ascending = uvo->ascending;
	vo.top_only = 1;
	view_init(&v);
	model_view(b->m, &vo, &v);
	/* the screen sorts the rows near the cursor; the rest are there, unsorted */
	n = app->list->sorted < app->list->view.nrows ? app->list->sorted : app->list->view.nrows;
	ck_assert_uint_eq(app->list->view.nrows, v.nrows);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char *screen = agree_print(app->model, &vo, &app->list->view, n, formats[i]);
		char *batch = agree_print(b->m, &vo, &v, n, formats[i]);

		ck_assert_msg(strcmp(screen, batch) == 0,
			      "sample %ld, group %s, sort %s%s, %s: the screen's view differs from batch mode's:\n--- screen:\n%s--- batch:\n%s",
			      k, group_name(vo.group), sort_key_name(vo.key),
			      vo.ascending ? ":asc" : "", out_format_name(formats[i]), screen, batch);
		free(screen);
		free(batch);
	}
	view_free(&v);
}

/* A sample's call tree as batch mode prints it: the screen's tree and batch mode's go
 * through the same printer. Every node is printed, so every list is sorted. */
static char *agree_tree_print(const struct model *m, const struct view_opts *vo,
			      struct tree *t, enum out_format f)
{
	struct out_opts oo = { .format = f, .tree = t->mode };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	tree_sort(t, TREE_NONE);
	if (f == OUT_CSV)
		ck_assert_int_eq(output_begin(fp, m, &oo), 0);
	ck_assert_int_eq(output_tree(fp, m, vo, t, &oo), 0);
	fclose(fp);
	return buf;
}

/* The screen's tree against pagetop -b --tree at the same sample, sort and order. */
static void agree_tree_check(struct ht *h, struct agree_batch *b, long k)
{
	struct app *app = h->t;
	const struct view_opts *uvo = &app->settings.view;
	struct tree_ui *u = app->list->tree;
	static const enum out_format formats[] = { OUT_TEXT, OUT_CSV };
	struct view_opts vo;
	struct tree t;

	tui_render(app);
	ck_assert_int_ne(app->settings.tree, TREE_OFF);
	ck_assert_int_eq(u->t.mode, app->settings.tree);
	agree_batch_to(b, k);
	view_opts_init(&vo);
	vo.key = uvo->key;
	vo.ascending = uvo->ascending;
	tree_init(&t);
	model_tree(b->m, &vo, app->settings.tree, &t);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char *screen = agree_tree_print(app->model, &vo, &u->t, formats[i]);
		char *batch = agree_tree_print(b->m, &vo, &t, formats[i]);

		ck_assert_msg(strcmp(screen, batch) == 0,
			      "sample %ld, tree %s, sort %s%s, %s: the screen's tree differs from batch mode's:\n--- screen:\n%s--- batch:\n%s",
			      k, tree_mode_name(t.mode), sort_key_name(vo.key),
			      vo.ascending ? ":asc" : "", out_format_name(formats[i]), screen, batch);
		free(screen);
		free(batch);
	}
	tree_free(&t);
}

/* Every group mode, sort key and order at the screen's sample. */
static void agree_walk(struct ht *h, struct agree_batch *b, long k)
{
	/* page_owner's modes: g skips file and directory (allocinfo's) for its stacks */
	for (int g = 0; g < GROUP_FILE; g++) {
		for (size_t s = 0; s < ARRAY_SIZE(settings_sort_menu); s++) {
			char keys[3] = { 's', s == 9 ? '0' : (char)('1' + s), '\0' };

			ht_keys(h, keys);
			ck_assert_int_eq(h->t->settings.view.key, settings_sort_menu[s]);
			agree_check(h, b, k);
			ht_keys(h, "r");
			agree_check(h, b, k);
			ht_keys(h, "r");
		}
		ht_keys(h, "g");
	}
	ck_assert_int_eq(h->t->settings.view.group, GROUP_STACK);
	/* the tree modes: T to top-down, to bottom-up, and back to the list */
	for (int m = TREE_TOP_DOWN; m < TREE__N; m++) {
		ht_keys(h, "T");
		ck_assert_int_eq(h->t->settings.tree, m);
		for (size_t s = 0; s < ARRAY_SIZE(settings_sort_menu); s++) {
			char keys[3] = { 's', s == 9 ? '0' : (char)('1' + s), '\0' };

			ht_keys(h, keys);
			agree_tree_check(h, b, k);
			ht_keys(h, "r");
			agree_tree_check(h, b, k);
			ht_keys(h, "r");
		}
	}
	ht_keys(h, "T");
	ck_assert_int_eq(h->t->settings.tree, TREE_OFF);
}

START_TEST(test_agree_late_group)
{
	struct ht h = { 0 };
	struct agree_batch b;
	long last;
	char delta[32];

	/* a user's first steps: the last sample, then g to the function groups */
	ht_open(&h, "lab.ptrec.xz", NULL, 24, 100, NULL, NULL);
	last = h.t->nread - 1;
	ck_assert_int_gt(last, 10);
	agree_batch_open(&b, "lab.ptrec.xz");
	ht_keys(&h, "gg");
	ck_assert_int_eq(h.t->settings.view.group, GROUP_FUNCTION);
	ck_assert_ptr_eq(h.t->model, h.t->master);
	agree_check(&h, &b, last);
	/* and on the screen itself: the first row's change since the last sample */
	ck_assert_int_ne(h.t->list->view.rows[0].s->delta, 0);
	snprintf(delta, sizeof(delta), "%+lld", (long long)h.t->list->view.rows[0].s->delta);
	ck_line_has(&h, TUI_HEADER_LINES, delta);
	ht_keys(&h, "gg");
	agree_walk(&h, &b, last);
	agree_batch_close(&b);
	ht_close(&h);
}
END_TEST

START_TEST(test_agree_every_sample)
{
	struct ht h = { 0 };
	struct agree_batch b;
	long last, step = memcheck() ? 15 : 1;

	ht_open(&h, "lab.ptrec.xz", NULL, 24, 100, NULL, NULL);
	last = h.t->nread - 1;
	agree_batch_open(&b, "lab.ptrec.xz");
	/* under memcheck() every sample takes minutes: every 15th, and the last */
	for (long k = 0; k <= last; k = k < last && k + step > last ? last : k + step) {
		time_goto(h.t, k);
		while (!time_build_step(h.t, -1))
			;
		ck_assert_uint_eq(h.t->time.pos, (uint32_t)k);
		agree_walk(&h, &b, k);
	}
	agree_batch_close(&b);
	ht_close(&h);
}
END_TEST

static Suite *tui_suite(void)
{
	Suite *s = suite_create("tui");
	/* two cases of the screen, so that a slow run (valgrind) can take them in parallel */
	TCase *tc = tcase_create("screen"), *tv = tcase_create("views");
	int sudo = test_require_root("files of another user's, as under sudo");

	tcase_set_timeout(tc, 120);
	tcase_set_timeout(tv, 120);
	tcase_add_test(tc, test_function_bar);
	tcase_add_test(tc, test_setup_screen);
	tcase_add_test(tc, test_setup_columns_order);
	tcase_add_test(tc, test_allocinfo_columns);
	tcase_add_test(tc, test_live_source_switch);
	tcase_add_test(tc, test_keys_table);
	tcase_add_test(tc, test_hints_follow_keys);
	tcase_add_test(tc, test_huge_values);
	tcase_add_test(tc, test_live_meminfo_header);
	tcase_add_test(tc, test_keys_documented);
	tcase_add_test(tc, test_demo_start);
	tcase_add_test(tc, test_demo_replay_leak);
	tcase_add_test(tc, test_ascii);
	tcase_add_test(tc, test_chart_render);
	tcase_add_test(tc, test_chart_panel);
	tcase_add_test(tc, test_chart_live);
	tcase_add_test(tc, test_columns_drop);
	tcase_add_test(tc, test_resize);
	tcase_add_test(tc, test_resize_storm);
	tcase_add_test(tc, test_resize_same_size);
	tcase_add_test(tc, test_move);
	tcase_add_test(tc, test_expand);
	tcase_add_test(tc, test_sort);
	tcase_add_test(tc, test_threshold);
	tcase_add_test(tc, test_threshold_units);
	tcase_add_test(tc, test_labels_apart);
	tcase_add_test(tc, test_search_apart_parts);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_search_possible);
	tcase_add_test(tc, test_search_far_as_sorted);
	tcase_add_loop_test(tc, test_search_typed_far_as_sorted, 0, 3);
	tcase_add_test(tc, test_tree_search_waits);
	tcase_add_test(tc, test_search_wait_new_sample);
	tcase_add_test(tc, test_idle_sort_given_up);
	tcase_add_test(tc, test_search_highlight);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_baseline);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_redraw);
	tcase_add_test(tc, test_colors);
	tcase_add_test(tc, test_mouse);
	tcase_add_test(tc, test_search_wait_click);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_share_column);
	tcase_add_test(tc, test_config_save_all);
	tcase_add_test(tc, test_config_cli_wins);
	tcase_add_test(tc, test_config_controls);
	tcase_add_test(tc, test_small_and_plain);
	tcase_add_test(tc, test_control_characters);
	if (test_require_lab_debuginfo())
		tcase_add_test(tc, test_symbols);
	if (test_require_lab_debuginfo())
		tcase_add_test(tc, test_tree_symbols);
	if (test_require_lab_debuginfo())
		tcase_add_test(tc, test_record_symbols);
	if (test_require_lab_debuginfo())
		tcase_add_test(tc, test_record_symbols_first);
	tcase_add_test(tc, test_symbols_panel);
	tcase_add_test(tc, test_record_symbols_missing);
	tcase_add_test(tc, test_symbols_carried);
	suite_add_tcase(s, tc);

	/* the call tree, groups, the blocks' screen, replays, jumps, snapshots, live */
	tcase_add_test(tv, test_tree);
	tcase_add_test(tv, test_tree_allocinfo);
	tcase_add_test(tv, test_tree_filter);
	tcase_add_test(tv, test_tree_search_order);
	tcase_add_test(tv, test_tree_chart);
	tcase_add_test(tv, test_tree_chart_slices);
	tcase_add_test(tv, test_tree_trend_slices);
	tcase_add_test(tv, test_tree_trend_many_lines);
	tcase_add_test(tv, test_tree_chart_update);
	tcase_add_test(tv, test_tree_replay);
	tcase_add_test(tv, test_tree_setting);
	tcase_add_test(tv, test_tree_top_stays_top);
	tcase_add_test(tv, test_tree_live_pause);
	tcase_add_test(tv, test_group);
	tcase_add_test(tv, test_attrib_screen);
	tcase_add_test(tv, test_attrib_agree);
	tcase_add_test(tv, test_attrib_model_reset);
	tcase_add_test(tv, test_attrib_tasks_bounded);
	tcase_add_test(tv, test_attrib_second_key);
	tcase_add_test(tv, test_attrib_select);
	tcase_add_test(tv, test_attrib_no_blocks);
	tcase_add_test(tv, test_attrib_series);
	tcase_add_test(tv, test_attrib_series_once);
	tcase_add_test(tv, test_attrib_series_gone);
	tcase_add_test(tv, test_attrib_series_at);
	tcase_add_test(tv, test_attrib_series_walk);
	tcase_add_test(tv, test_attrib_series_record);
	tcase_add_test(tv, test_replay);
	tcase_add_test(tv, test_replay_background);
	tcase_add_test(tv, test_start_at);
	tcase_add_test(tv, test_jumps);
	tcase_add_test(tv, test_jumps_live);
	tcase_add_test(tv, test_snapshot);
	tcase_add_test(tv, test_snapshot_safety);
	if (sudo)
		tcase_add_test(tv, test_snapshot_sudo);
	tcase_add_test(tv, test_live_pause);
	tcase_add_test(tv, test_forget_not_what_is_shown);
	tcase_add_test(tv, test_replay_forgotten);
	tcase_add_test(tv, test_jumps_long_series);
	tcase_add_test(tv, test_jumps_live_history);
	tcase_add_test(tv, test_live_follow);
	tcase_add_test(tv, test_live_status);
	tcase_add_test(tv, test_live_record);
	if (sudo)
		tcase_add_test(tv, test_live_record_sudo);
	suite_add_tcase(s, tv);

	/* 100,000 stacks: CK_RUN_CASE=speed runs it alone */
	tc = tcase_create("speed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_speed_100k);
	tcase_add_test(tc, test_tree_lazy_100k);
	suite_add_tcase(s, tc);

	/* every sample x group x sort of a recording: CK_RUN_CASE=agree runs it alone */
	tc = tcase_create("agree");
	tcase_set_timeout(tc, 300);
	tcase_set_tags(tc, "agree");
	tcase_add_test(tc, test_agree_late_group);
	tcase_add_test(tc, test_agree_every_sample);
	suite_add_tcase(s, tc);
	return s;
}

/* check_tui_agree (this file built with TUI_AGREE) runs the agree case, the longest, and
 * check_tui the others, so that make -j runs them at once; CK_RUN_CASE picks any one */
int main(void)
{
#ifdef TUI_AGREE
	return run_suite_tagged(tui_suite(), "agree", NULL);
#else
	return run_suite_tagged(tui_suite(), NULL, "agree");
#endif
}
