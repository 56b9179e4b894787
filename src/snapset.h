/* snapset.h - internal: the list of snapshot files behind file and folder sources. */
#ifndef PAGETOP_SNAPSET_H
#define PAGETOP_SNAPSET_H

#include "parse.h"
#include "source.h"

struct sspec {
	char *stacks;   /* the file with stacks (and counts, unless handles is set) */
	char *handles;  /* show_handles paired with a show_stacks_handles, or NULL */
	enum pfmt fmt;
	double time;
	int time_abs;
};

struct snapset {
	struct sspec *v;
	size_t n, cap, pos;
	char *name;
	char *release;
	long page_size;
	struct reader *in;  /* standard input, opened (and peeked at) once */
};

void snapset_add(struct snapset *se, const char *stacks, const char *handles, enum pfmt fmt,
		double time, int time_abs);
void snapset_free(struct snapset *se);
int snapset_start(struct source *s, struct snapset *se, const char *kind,
		 const struct source_opts *o, struct pt_err *err);
/* A file's modification time as a sample's time: out of range (time_ok()) it is said and
 * taken as 0. */
double snapset_mtime(const char *path, double mtime);
/* The format of a file from its first bytes; (enum pfmt)-1 with err when unreadable. */
enum pfmt snapset_peek_format(const char *path, struct pt_err *err);

#endif
