/* tui.h - the interactive ncurses UI. */
#ifndef PAGETOP_TUI_H
#define PAGETOP_TUI_H

#include "model.h"
#include "source.h"

struct tui_opts {
	struct view_opts view;
	int iterations;   /* leave after this many refreshes; 0: until q */
	int no_color, no_mouse;
};

/* Runs the UI until the user quits. Returns the exit status. */
int tui_run(struct source *src, struct model *m, const struct tui_opts *o);

#endif
