/* record.h - pagetop recordings: writer (a sink) and reader (a source).
 * Format: doc/recording.md. */
#ifndef PAGETOP_RECORD_H
#define PAGETOP_RECORD_H

#include "sink.h"

struct recorder;

/* path "-" writes to standard output. Refuses to overwrite unless force; never follows
 * a symlink when creating. */
int recorder_open(struct recorder **out, const char *path, int force, struct pt_err *err);
struct sink recorder_sink(struct recorder *r);
/* Ends the file cleanly (idempotent). Returns 0 or -1 with err. */
int recorder_close(struct recorder *r, struct pt_err *err);

#endif
