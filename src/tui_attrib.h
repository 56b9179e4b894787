/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tui_attrib.h - the blocks' screen: the per-block dump's blocks by task, cgroup, class,
 * GFP flag, order, migrate type, migration or age (model_attrib.h), in two levels: a
 * group expands into the second key or into its stacks, an expanded stack shows its
 * frames and its top tasks and cgroups. The list's g goes on into its keys. */
#ifndef PAGETOP_TUI_ATTRIB_H
#define PAGETOP_TUI_ATTRIB_H

#include "model_attrib.h"
#include "tui_app.h"

/* Once, before samples are read: keeps the master model's blocks; o->attrib: the command
 * line's keys, selection and sort (NULL: none), o->attr_clock: when the blocks were read,
 * o->paths: the source, read again for an earlier sample's blocks. */
void attrib_screen_start(struct app *app, const struct tui_opts *o);
/* Whether the shown sample has blocks (the per-block dump). */
int attrib_screen_usable(const struct app *app);
/* Samples the screen read again for earlier samples' blocks, in all. */
long attrib_screen_reads(const struct app *app);
/* Shows the blocks' screen grouped by k first. */
void attrib_screen_show(struct app *app, enum attr_key k);

#endif
