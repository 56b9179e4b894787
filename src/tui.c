/* tui.c - the interactive ncurses UI (grows in its own issue). */
#include "config.h"

#include "tui.h"

int tui_run(struct source *src, struct model *m, const struct tui_opts *o)
{
	(void)src;
	(void)m;
	(void)o;
	return -1; /* not there yet: main falls back to batch output */
}
