/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_attrib.h - batch output of the per-block dump by task, cgroup and block
 * (model_attrib.h), for pagetop -b. */
#ifndef PAGETOP_CMD_ATTRIB_H
#define PAGETOP_CMD_ATTRIB_H

#include "model.h"
#include "model_attrib.h"
#include "output.h"
#include "source.h"

/* Whether the attribution options go with the others: 0, or -1 with err. */
int attrib_check_opts(const struct attrib_opts *ao, const struct out_opts *oo, int batch,
		      int tree, int gate, struct pt_err *err);
/* The clock of src's blocks (c): --now, live the boot's time, else an uptime file beside
 * path (a saved dump, a folder). 0, or -1 when that file is bad (said). */
int attrib_clock(struct source *src, const struct attrib_opts *ao, const char *path,
		 struct attr_clock *c);
/* The samples' times minus this are seconds since boot, for a recording's
 * "meta boot-time": live (paths NULL) the boot's time by the realtime clock, a folder whose
 * snapshots have NAME.uptime files 0 (their times are those), a saved file with an uptime
 * file beside it its modification time less that; -1 unknown. */
double attrib_boot_of(const char *const *paths, size_t npaths);
/* Reads src into m and prints each sample by ao (the last only with only_last, up to
 * iterations samples, 0: all); path: the saved source, for the uptime file beside it.
 * *nread: the samples read. The exit status: 0 or 1 (said). */
int attrib_run(struct source *src, struct model *m, const struct attrib_opts *ao,
	       const struct out_opts *oo, const char *path, long iterations, int only_last,
	       long *nread);

#endif
