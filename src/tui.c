/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui.c - the app's life: making it and its screens, the terminal, the main loop, samples
 * in, keys out to the screen and the actions, drawing a frame, signals, suspend, resume
 * and resize.
 *
 * The loop waits in poll() on the keyboard, the source's descriptor (live samples), and a
 * self-pipe that signal handlers write to, with a timeout for timers (replay, stall
 * checks, messages). Samples go into the model as they come; the screens hear of them
 * (and of changed settings) once before the next key or draw, and only the visible lines
 * are drawn. Signals never touch curses: the handler restores the kernel's
 * count_threshold, writes to the pipe, and the loop leaves cleanly; a second signal resets
 * the terminal from the handler with escape sequences prepared in advance. SIGTSTP,
 * SIGCONT and SIGWINCH only set flags too: the loop suspends, resumes and resizes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "source_live.h"
#include "tui.h"
#include "tui_actions.h"
#include "tui_attrib.h"
#include "tui_list.h"
#include "tui_status.h"
#include "tui_time.h"
#include "tui_tree.h"

/* ---------------------------------------------------------------------------------- */
/* life */

static const struct screen_ops *const screen_table[SCREEN__N] = {
	[SCREEN_LIST] = &list_screen_ops,
	[SCREEN_HELP] = &help_screen_ops,
	[SCREEN_SYMBOLS] = &symbols_screen_ops,
	[SCREEN_SETUP] = &setup_screen_ops,
	[SCREEN_ATTRIB] = &attrib_screen_ops,
};

static struct app *diag_app; /* where diag_warn() goes while the UI runs */

static void symbols_tell(struct app *app);

static void diag_to_status(const char *msg)
{
	if (diag_app)
		status_message(diag_app, 1, "%s", msg);
}

struct app *tui_new(struct source *src, struct model *m, const struct tui_opts *o)
{
	struct app *app = xcalloc(1, sizeof(*app));
	const char *nc = getenv("NO_COLOR");
	const struct source_meta *meta = source_meta(src);
	struct live_stats ls;
	struct pt_err err;

	app->src = src;
	app->master = app->model = m;
	if (!model_nsamples(m))
		model_groups_late(m); /* the first rows are stacks: their groups after them */
	app->series = meta && meta->series;
	app->can_switch = live_can_switch(src);
	app->iterations = o->iterations;
	app->fail_seen = -1;
	app->kernel_threshold = -1;
	if (tui_settings_init(&app->settings, o, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	if (live_get_stats(src, &ls) == 0) {
		app->settings.interval = ls.interval;
		app->kernel_threshold = ls.threshold_set; /* --kernel-threshold */
	}
	app->sym = o->sym;
	if (o->paths && o->npaths > 0) {
		app->recording.paths = xreallocarray(NULL, (size_t)o->npaths,
						     sizeof(*app->recording.paths));
		for (int i = 0; i < o->npaths; i++)
			app->recording.paths[i] = xstrdup(o->paths[i]);
		app->recording.npaths = o->npaths;
	}
	time_init(app);
	app->time.start = o->start;
	for (int i = 0; i < SCREEN__N; i++) {
		app->screens[i] = screen_table[i]->create();
		app->screens[i]->ops = screen_table[i];
		app->screens[i]->app = app;
	}
	app->list = (struct list_screen *)app->screens[SCREEN_LIST];
	app->screen = app->screens[SCREEN_LIST];
	attrib_screen_start(app, o);
	app->utf8 = text_locale_utf8();
	app->color_allowed = !o->no_color && !(nc && *nc);
	app->color = app->color_allowed;
	app->mouse = !o->no_mouse;
	app->in_fd = -1;
	app_changed(app, UPDATE_VIEW);
	return app;
}

void tui_free(struct app *app)
{
	struct pt_err err;

	if (!app)
		return;
	action_record_close(app, &err);
	free(app->recording.path);
	for (int i = 0; i < app->recording.npaths; i++)
		free(app->recording.paths[i]);
	free(app->recording.paths);
	time_free(app);
	for (int i = 0; i < SCREEN__N; i++)
		app->screens[i]->ops->destroy(app->screens[i]);
	tui_settings_free(&app->settings);
	free(app);
}

void tui_load_config(struct app *app, const char *path)
{
	struct pt_err err;
	int alloc_read;

	if (config_load(&app->settings, path, &alloc_read, &err) < 0)
		status_message(app, 1, "%s", err.msg);
	if (alloc_read)
		model_set_alloc_patterns(app->master, (const char *const *)app->settings.alloc,
					 app->settings.nalloc);
}

/* ---------------------------------------------------------------------------------- */
/* the terminal */

int tui_screen_open(struct app *app, FILE *out, FILE *in, const char *term)
{
	app->curses = newterm(term, out, in);
	if (!app->curses)
		return -1;
	set_term(app->curses);
	app->term_out = out;
	app->term_in = in;
	app->in_fd = fileno(in);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	app->color = draw_start(app->utf8, app->color_allowed && app->settings.colors);
	if (app->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0); /* double clicks are told apart here, without a delay */
	}
	app->dirty = 1;
	return 0;
}

static int in_foreground(const struct app *app);

void tui_screen_close(struct app *app)
{
	if (!app->curses)
		return;
	set_term(app->curses);
	/* In the background (kill %1 after ^Z: SIGTERM, then SIGCONT) the terminal is another
	 * process group's: a mode change would stop pagetop with SIGTTOU and the escapes would
	 * land in that program. suspend() already left the screen. */
	if (in_foreground(app)) {
		if (app->mouse)
			mousemask(0, NULL);
		curs_set(1);
		endwin();
	}
	delscreen(app->curses);
	app->curses = NULL;
}

/* ---------------------------------------------------------------------------------- */
/* samples in */

static void after_sample(struct app *app)
{
	const struct stack *failure = model_special(app->master, SK_FAILURE);

	app->nread++;
	if (app->time.tape)
		replay_tape_add(app->time.tape, app->master);
	action_record_sample(app);
	if (failure && app->fail_seen >= 0 && failure->s.now > app->fail_seen)
		status_message(app, 1, _("the failure stack grew by %lld pages: the kernel's stack depot is full and stacks are being lost"),
			       (long long)(failure->s.now - app->fail_seen));
	if (failure)
		app->fail_seen = failure->s.now;
	if (app->model == app->master) {
		app->time.pos = (uint32_t)(app->nread - 1);
		if (app->pause.on)
			app->pause.pending++;
		else
			app_changed(app, UPDATE_VIEW);
	}
	app->dirty = 1;
	time_start_check(app);
}

int tui_pump(struct app *app, int budget_ms)
{
	double deadline = time_mono() + (budget_ms > 0 ? budget_ms / 1e3 : 0);
	int n = 0;

	while (!app->src_end && !app->src_error) {
		struct sink sink = action_record_sink(app);
		struct pt_err err;
		enum src_status st;

		if (app->iterations > 0 && app->nread >= app->iterations)
			break;
		st = source_next(app->src, &sink, 0, &err);
		if (st == SRC_ERROR) {
			app->src_error = 1;
			status_message(app, 1, "%s", err.msg);
			time_start_check(app);
			break;
		}
		if (st == SRC_END) {
			app->src_end = 1;
			app->dirty = 1;
			time_start_check(app);
			break;
		}
		if (st == SRC_TIMEOUT)
			break;
		after_sample(app);
		n++;
		if (budget_ms >= 0 && time_mono() >= deadline)
			break;
	}
	return n;
}

int tui_idle(struct app *app, double budget_ms)
{
	double t0 = time_mono(), left;

	if (!app->list)
		return 1;
	if (!list_idle(app->list, budget_ms))
		return 0;
	left = budget_ms - (time_mono() - t0) * 1e3;
	if (left <= 0 || !model_groups_step(app->master, left))
		return 0;
	left = budget_ms - (time_mono() - t0) * 1e3;
	return left > 0 && tree_ui_prefault(app->list->tree, app, left);
}

void tui_tick(struct app *app)
{
	status_tick(app);
	if (app->sym)
		symbols_tell(app);
	time_tick(app);
}

/* Every screen hears of what changed (the list rebuilds its rows). */
static void screens_update(struct app *app, unsigned what)
{
	for (int i = 0; i < SCREEN__N; i++)
		if (app->screens[i]->ops->update)
			app->screens[i]->ops->update(app->screens[i], what);
	app->dirty = 1;
}

/* What changed since the screens last heard. */
static void app_update(struct app *app)
{
	unsigned what = app->updates;

	app->updates = 0;
	if (what)
		screens_update(app, what);
}

/* Answers arrived: the screens hear (expanded rows may get longer), and each object
 * without source lines is told once, with why. */
void tui_symbols(struct app *app)
{
	struct symbols_progress sp;

	if (!app->sym)
		return;
	symbols_drain(app->sym);
	symbols_progress(app->sym, &sp);
	if (sp.answered == app->sym_answered)
		return;
	app->sym_answered = sp.answered;
	app_update(app); /* the rows may point into a replica that is gone */
	screens_update(app, UPDATE_SYMBOLS);
	app->sym_tell = 1;
	symbols_tell(app);
}

/* Each object without source lines is told once, with why: not over a message shown
 * (R's, which asks for every frame it writes), but after it. */
static void symbols_tell(struct app *app)
{
	struct sym_object *objs;
	size_t n;

	if (!app->sym_tell || (app->status.msg[0] && !app->status.err))
		return;
	app->sym_tell = 0;
	n = symbols_objects(app->sym, &objs);
	for (size_t i = 0; i < n; i++) {
		int told = 0;

		if (objs[i].state != SOBJ_MISSING && objs[i].state != SOBJ_MISMATCH &&
		    objs[i].state != SOBJ_NO_DWARF && objs[i].state != SOBJ_BAD)
			continue;
		for (int k = 0; k < app->nsym_told; k++)
			told |= strcmp(app->sym_told[k], objs[i].name) == 0;
		if (told || app->nsym_told >= (int)ARRAY_SIZE(app->sym_told))
			continue;
		snprintf(app->sym_told[app->nsym_told++], sizeof(app->sym_told[0]), "%s",
			 objs[i].name);
		status_message(app, 1, _("no source lines for %s: %s"), objs[i].name, objs[i].reason);
	}
	free(objs);
}

/* ---------------------------------------------------------------------------------- */
/* keys */

/* Does what an action, a screen or a prompt asked for. */
static void app_apply(struct app *app, unsigned what)
{
	if (what & ACTION_REBUILD_VIEW)
		app_changed(app, UPDATE_VIEW |
				 (what & ACTION_KEEP_SELECTION ? 0 : UPDATE_SELECTION));
	if (what & ACTION_SAVE) {
		struct pt_err msg;
		int rc = config_save(&app->settings, &msg);

		status_message(app, rc < 0, "%s", msg.msg);
	}
	if (what & ACTION_REDRAW_ALL)
		app->redraw_all = 1;
	if (what & ACTION_QUIT)
		app->quit = 1;
	if (what)
		app->dirty = 1;
}

/* A click: the shown screen's (one without a mouse op goes back to the list). */
static unsigned mouse_event(struct app *app)
{
	struct screen *s = app->screen;
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return ACTION_DONE;
	if (!s->ops->mouse) {
		app_show(app, app->home);
		return ACTION_REDRAW;
	}
	return s->ops->mouse(s, &ev);
}

void tui_key(struct app *app, int key)
{
	struct screen *s;
	unsigned what;
	enum action a;

	/* a key acts on what the screen will show: samples or a replay step before it
	 * (keys come in batches) must be in the rows first */
	app_update(app);
	app->dirty = 1; /* every key: at least the status line changes */
	if (key == (TK_FN | KEY_RESIZE)) {
		screens_update(app, UPDATE_SIZE);
		return;
	}
	if (key == '\r' || key == (TK_FN | KEY_ENTER))
		key = '\n';
	if (key == (TK_FN | KEY_MOUSE)) {
		if (app->mouse)
			app_apply(app, mouse_event(app));
		return;
	}
	if (app->prompt.ops) {
		app_apply(app, prompt_key(&app->prompt, app, key));
		return;
	}
	if (app->status.msg[0] && !app->status.err)
		app->status.msg[0] = '\0';
	a = keymap_lookup(&app->settings.keys, key);
	s = app->screen;
	what = s->ops->key ? s->ops->key(s, a, key) : ACTION_PASS;
	if (what & ACTION_PASS)
		what = action_run(app, a);
	app_apply(app, what);
}

/* ---------------------------------------------------------------------------------- */
/* drawing */

static void draw_too_small(void)
{
	char buf[128];
	struct pen p = PEN_AT(LINES / 2, 0);

	snprintf(buf, sizeof(buf), _("terminal too small (%dx%d, needs %dx%d)"), COLS, LINES,
		 TUI_MIN_COLS, TUI_MIN_LINES);
	if ((int)strlen(buf) > COLS)
		snprintf(buf, sizeof(buf), "%s", _("terminal too small"));
	p.x = COLS > text_width(buf) ? (COLS - text_width(buf)) / 2 : 0;
	pen_put(&p, buf, A_BOLD);
	curs_set(0);
}

/* A frame: the shown screen and the status line, then only the cells that changed go
 * to the terminal. */
static void draw_frame(struct app *app)
{
	draw_set_bottom_lines(app->settings.function_bar ? 2 : 1);
	werase(stdscr);
	if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		draw_too_small();
	} else {
		app->screen->ops->draw(app->screen);
		status_draw_line(app);
	}
	if (app->redraw_all) {
		clearok(curscr, TRUE);
		app->redraw_all = 0;
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void tui_render(struct app *app)
{
	double t0;

	if (!app->curses)
		return;
	app_update(app);
	if (!app->dirty && !app->redraw_all)
		return;
	t0 = time_mono();
	app->again = 0;
	draw_frame(app);
	app->draw_ms = (time_mono() - t0) * 1e3;
	app->dirty = app->again;
	model_apart_prepare(app->model); /* the rows are on the terminal */
}

/* ---------------------------------------------------------------------------------- */
/* signals */

static volatile sig_atomic_t got_signal, got_tstp, got_cont, got_winch;
static int sig_pipe[2] = { -1, -1 };
static struct termios saved_tio;
static int have_tio;
static char reset_seq[512];
static size_t reset_len;
static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction old_act[ARRAY_SIZE(caught)];

static void on_signal(int sig)
{
	int e = errno;

	live_restore_threshold();
	if (got_signal) {
		/* the loop did not get to leave: put the terminal back from here */
		ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);

		(void)w;
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	got_signal = sig;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "s", 1);

		(void)w;
	}
	errno = e;
}

/* Ctrl-Z (SIGTSTP) and the return (SIGCONT): curses' own SIGTSTP handler leaves the
 * screen from inside the handler, which is not async-signal-safe (it can cut into a
 * doupdate() half-way), so pagetop keeps SIGTSTP for itself. This handler only sets a
 * flag and wakes the loop, which leaves the screen with endwin(), stops itself with the
 * default action, and draws everything again when it is continued (suspend()).
 * SIGWINCH too: the loop wakes at once (curses' flag alone waits for the next key or
 * the poll timeout) and asks the terminal its size. */
static struct sigaction old_tstp, old_cont, old_winch;
static int have_tstp, have_winch;

static void on_job_signal(int sig)
{
	int e = errno;

	if (sig == SIGTSTP)
		got_tstp = 1;
	else if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_cont = 1;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "j", 1);

		(void)w;
	}
	errno = e;
}

/* A crash: the terminal back as endwin() would leave it and count_threshold back, then
 * death by the signal's default action (a core). Async-signal-safe. */
static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction old_crash[ARRAY_SIZE(crashes)];

static void on_crash(int sig)
{
	ssize_t w = write(STDOUT_FILENO, reset_seq, reset_len);

	(void)w;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	live_restore_threshold();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_install(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaddset(&sa.sa_mask, caught[i]);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++) {
		if (sigaction(caught[i], NULL, &old_act[i]) == 0 &&
		    !(old_act[i].sa_flags & SA_SIGINFO) && old_act[i].sa_handler == SIG_IGN)
			continue; /* nohup: keep ignoring */
		sigaction(caught[i], &sa, NULL);
	}
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++)
		sigaction(crashes[i], &sa, &old_crash[i]);
	/* before newterm(): curses installs its own SIGTSTP handler only over SIG_DFL; an
	 * ignored SIGTSTP (a shell without job control) stays ignored */
	sa.sa_handler = on_job_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTSTP);
	sigaddset(&sa.sa_mask, SIGCONT);
	sigaddset(&sa.sa_mask, SIGWINCH);
	have_tstp = sigaction(SIGTSTP, NULL, &old_tstp) == 0 && old_tstp.sa_handler == SIG_DFL &&
		    !(old_tstp.sa_flags & SA_SIGINFO) && sigaction(SIGTSTP, &sa, NULL) == 0;
	have_winch = sigaction(SIGWINCH, &sa, &old_winch) == 0;
	sigaction(SIGCONT, &sa, &old_cont);
	got_tstp = got_cont = got_winch = 0;
}

static void signals_restore(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &old_act[i], NULL);
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++)
		sigaction(crashes[i], &old_crash[i], NULL);
	if (have_tstp)
		sigaction(SIGTSTP, &old_tstp, NULL);
	have_tstp = 0;
	if (have_winch)
		sigaction(SIGWINCH, &old_winch, NULL);
	have_winch = 0;
	sigaction(SIGCONT, &old_cont, NULL);
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

static void reset_add(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

/* What endwin() would send, prepared while it is safe to call terminfo. */
static void reset_prepare(int mouse)
{
	static const char mouse_off[] = "\033[?1000l\033[?1006l";

	reset_len = 0;
	if (mouse && reset_len + sizeof(mouse_off) < sizeof(reset_seq)) {
		memcpy(reset_seq, mouse_off, sizeof(mouse_off) - 1);
		reset_len = sizeof(mouse_off) - 1;
	}
	reset_add("sgr0");
	reset_add("cnorm");
	reset_add("rmkx");
	reset_add("rmcup");
}

static struct app *fatal_app;

static void fatal_restore(void)
{
	if (fatal_app && fatal_app->curses) {
		set_term(fatal_app->curses);
		endwin();
	}
	live_restore_threshold();
}

/* ---------------------------------------------------------------------------------- */
/* suspend, resume, resize */

int tui_resize(struct app *app, int rows, int cols)
{
	if (!app->curses || rows < 1 || cols < 1)
		return -1;
	set_term(app->curses);
	if (rows != LINES || cols != COLS) {
		if (resizeterm(rows, cols) == ERR)
			return -1;
	}
	/* every cell again, also at the size curses has: the terminal may have been another
	 * size in between (SIGWINCHs come together), and its resize moved or dropped lines */
	app->redraw_all = 1;
	tui_key(app, TK_FN | KEY_RESIZE);
	return 0;
}

/* 1 when pagetop's process group owns the terminal (not stopped into the background). */
static int in_foreground(const struct app *app)
{
	pid_t fg = tcgetpgrp(app->in_fd);

	return fg < 0 || fg == getpgrp();
}

/* Back on the terminal: the program's terminal modes again, the size as it is now (it may
 * have changed while another process group had the terminal, and SIGWINCH went to that
 * one), and every cell drawn again, whatever the shell left on the screen. */
static void resume(struct app *app)
{
	struct winsize ws;

	if (!in_foreground(app)) {
		app->away = 1;
		return;
	}
	app->away = 0;
	set_term(app->curses);
	reset_prog_mode();
	if (ioctl(fileno(app->term_out), TIOCGWINSZ, &ws) == 0)
		tui_resize(app, ws.ws_row, ws.ws_col);
	app->redraw_all = 1;
	app->dirty = 1;
}

/* Ctrl-Z: leave the screen as at the end, stop with SIGTSTP's default action, and on the
 * return put everything back. Not from the handler: here curses is between calls. */
static void suspend(struct app *app)
{
	sigset_t tstp, old;
	struct sigaction dfl, mine;

	set_term(app->curses);
	if (in_foreground(app)) {
		/* from the background (kill -TSTP %1) the terminal is not ours to change:
		 * SIGTTOU would stop pagetop before the stop it was asked for */
		endwin();
		fflush(app->term_out);
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &mine);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	pthread_sigmask(SIG_UNBLOCK, &tstp, &old);
	/* stops here (the whole process, threads too) until SIGCONT; in an orphaned
	 * process group the kernel drops it and pagetop just goes on */
	raise(SIGTSTP);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGTSTP, &mine, NULL);
	resume(app);
}

/* What the job control signals asked for, in the loop. */
static void job_signals(struct app *app)
{
	char buf[64];

	if (sig_pipe[0] >= 0)
		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
	if (got_tstp) {
		got_tstp = 0;
		suspend(app);
		got_cont = 0; /* the SIGCONT that ended the stop: resume() did its work */
	}
	if (got_cont) {
		got_cont = 0;
		resume(app);
	}
	if (app->away && in_foreground(app))
		resume(app);
	if (got_winch) {
		struct winsize ws;

		got_winch = 0;
		if (!app->away && ioctl(fileno(app->term_out), TIOCGWINSZ, &ws) == 0)
			tui_resize(app, ws.ws_row, ws.ws_col);
	}
}

/* ---------------------------------------------------------------------------------- */
/* the loop */

/* Milliseconds the loop may sleep: none while loading, building or summing a chart,
 * until the next sample when playing, until the message goes. */
static int wait_ms(const struct app *app, int loading)
{
	double now = app_now(app);
	const struct timeline *tl = &app->time;
	int timeout = 1000;

	if (loading || tl->building || (app->again && !app->away) ||
	    (tl->playing && tl->play_next <= now))
		timeout = 0;
	else if (tl->playing)
		timeout = (int)((tl->play_next - now) * 1e3) + 1;
	if (app->status.msg[0] && app->status.until > now &&
	    (app->status.until - now) * 1e3 < timeout)
		timeout = (int)((app->status.until - now) * 1e3) + 1;
	if (app->away && timeout > 250)
		timeout = 250; /* back in the foreground without a SIGCONT (fg sends one) */
	return timeout;
}

/* Sleeps until a key, a sample, a signal, source lines or the timeout. -1 on an error
 * of poll(). */
static int wait_events(struct app *app, int timeout)
{
	struct pollfd pfd[4];
	int nfd = 0;

	if (!app->away) /* the keys belong to the process group in front */
		pfd[nfd++] = (struct pollfd){ app->in_fd, POLLIN, 0 };
	if (sig_pipe[0] >= 0)
		pfd[nfd++] = (struct pollfd){ sig_pipe[0], POLLIN, 0 };
	if (source_fd(app->src) >= 0 && !app->src_end && !app->src_error)
		pfd[nfd++] = (struct pollfd){ source_fd(app->src), POLLIN, 0 };
	if (app->sym && symbols_fd(app->sym) >= 0)
		pfd[nfd++] = (struct pollfd){ symbols_fd(app->sym), POLLIN, 0 };
	return poll(pfd, (nfds_t)nfd, timeout) < 0 && errno != EINTR ? -1 : 0;
}

/* The keys typed so far, each on what the ones before it made. */
static void read_keys(struct app *app)
{
	while (!app->away && !app->quit) {
		wint_t wc;
		int rc = wget_wch(stdscr, &wc);

		if (rc == ERR)
			break;
		tui_key(app, rc == KEY_CODE_YES ? (int)(TK_FN | (int)wc) : (int)wc);
	}
}

/* what a slice of idle work aims at (a waiting far search's steps take longer: up to
 * 30 ms at a million stacks) */
#define IDLE_SLICE_MS 3.0

static int loop(struct app *app)
{
	int shown_after_limit = 0;

	for (;;) {
		int loading, timeout;

		if (got_signal || app->quit)
			break;
		loading = app->series && !app->src_end && !app->src_error &&
			  !(app->iterations > 0 && app->nread >= app->iterations);
		tui_pump(app, loading ? 40 : -1);
		time_build_step(app, app->time.build_slice_ms);
		tui_tick(app);
		if (!app->away)
			tui_render(app);
		if (app->iterations > 0 && app->nread >= app->iterations) {
			if (shown_after_limit)
				break;
			shown_after_limit = 1;
			continue;
		}
		timeout = wait_ms(app, loading);
		/* read_keys() left none waiting: work ahead of the next, a slice at a time; a
		 * search waiting for it goes on also while the loop is busy otherwise */
		if ((timeout > 0 || (app->list && app->list->search.waiting)) && !app->away &&
		    !tui_idle(app, IDLE_SLICE_MS))
			timeout = 0;
		if (wait_events(app, timeout) < 0)
			break;
		job_signals(app);
		if (got_signal)
			break;
		tui_symbols(app);
		read_keys(app);
	}
	return 0;
}

int tui_run(struct source *src, struct model *m, const struct tui_opts *o)
{
	const char *term = getenv("TERM");
	FILE *in = stdin, *tty = NULL;
	struct live_stats ls;
	struct app *app;
	int rc;

	if (!isatty(STDOUT_FILENO) || !term || !*term || strcmp(term, "dumb") == 0)
		return -1;
	if (!isatty(STDIN_FILENO)) {
		/* the source reads standard input: keys come from the terminal itself */
		tty = fopen("/dev/tty", "r");
		if (!tty)
			return -1;
		in = tty;
	}
	app = tui_new(src, m, o);
	tui_load_config(app, NULL);
	if (app->settings.file_interval > 0 && !(app->settings.cli_set & TUI_SET_INTERVAL) &&
	    live_get_stats(src, &ls) == 0)
		action_set_interval(app, app->settings.file_interval);
	signals_install();
	if (tui_screen_open(app, stdout, in, NULL) < 0) {
		struct esc_buf b = { NULL, 0 };

		/* TERM is text from the environment, on a terminal */
		fprintf(stderr, _("pagetop: cannot use the terminal type '%s': batch output instead\n"),
			esc_str(&b, term, text_locale_utf8()));
		free(b.p);
		signals_restore();
		tui_free(app);
		if (tty)
			fclose(tty);
		return -1;
	}
	reset_prepare(app->mouse);
	fatal_app = app;
	util_set_fatal_hook(fatal_restore);
	diag_app = app;
	diag_set_sink(diag_to_status);
	rc = loop(app);
	diag_set_sink(NULL);
	diag_app = NULL;
	tui_screen_close(app);
	fatal_app = NULL;
	util_set_fatal_hook(live_restore_threshold);
	signals_restore();
	if (tty)
		fclose(tty);
	tui_free(app);
	return rc;
}
