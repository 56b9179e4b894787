/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings_gate.h - --fail-if: conditions over a row's columns that fail a run (a leak
 * gate for CI). "delta_base>5000,score>=0.9" holds for a row when any condition does.
 *
 * A condition is COLUMN OP VALUE: the columns are the sort keys' names (CSV's columns),
 * OP one of > >= < <= = != (== too). A column of pages takes what --threshold takes:
 * pages (5000), bytes (64M) or a share of the sample's total (1%), and a sign; the
 * bytes column takes a plain number as bytes; rate and score take a number.
 * This module never prints. */
#ifndef PAGETOP_SETTINGS_GATE_H
#define PAGETOP_SETTINGS_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A row's values. The columns of pages hold pages, bytes too (the gate turns the
 * condition's bytes into pages); rate pages per second; score 0..1. */
enum gate_col {
	GATE_PAGES = 0, GATE_BYTES, GATE_DELTA, GATE_RATE, GATE_DELTA_BASE, GATE_PEAK,
	GATE_SCORE, GATE_PAGES_A, GATE_PAGES_B, GATE__N
};
/* The columns pagetop -b offers, and pagetop diff's (bytes: of the change). */
#define GATE_COLS_TOP ((1u << GATE_PAGES) | (1u << GATE_BYTES) | (1u << GATE_DELTA) | \
		       (1u << GATE_RATE) | (1u << GATE_DELTA_BASE) | (1u << GATE_PEAK) | \
		       (1u << GATE_SCORE))
#define GATE_COLS_DIFF ((1u << GATE_DELTA) | (1u << GATE_BYTES) | (1u << GATE_PAGES) | \
			(1u << GATE_PAGES_A) | (1u << GATE_PAGES_B))

enum gate_op { GATE_GT = 0, GATE_GE, GATE_LT, GATE_LE, GATE_EQ, GATE_NE };
enum gate_unit { GATE_NUMBER = 0, GATE_UNIT_BYTES, GATE_UNIT_PERCENT };

#define GATE_CONDS_MAX 16

/* pagetop's exit status when a row met the gate (0 success, 1 error, 2 bad usage). */
#define GATE_EXIT 3
/* Rows said of a sample at most; the rest counted. */
#define GATE_ROWS_SAID 20

struct gate_cond {
	enum gate_col col;
	enum gate_op op;
	enum gate_unit unit;
	double value;         /* the column's own unit; bytes; or percent */
	char text[64];        /* as given (cut), for the messages */
};

struct gate {
	struct gate_cond c[GATE_CONDS_MAX];
	size_t n;             /* 0: no gate */
};

const char *gate_col_name(enum gate_col c);

/* Reads text into g, for the columns in the mask cols: 0, or -1 with a message naming
 * what was expected ("--fail-if: expected ... in 'x'"). */
int gate_parse(struct gate *g, const char *text, unsigned cols, struct pt_err *err);

/* The first condition a row of values v meets, or -1. Pages are page_size bytes; a
 * share is of total pages. */
int gate_check(const struct gate *g, const double v[GATE__N], long page_size, int64_t total);

/* A value of column c as a message shows it: "12345", "3.5", "0.93" (into buf). */
const char *gate_value_text(enum gate_col c, double v, char *buf, size_t n);

#endif
