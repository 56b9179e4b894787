/* Which stacks have a frame: made a slice at a time while the screen waits, so that a
 * search asks only the stacks with a frame that has its text, not every row. */
#ifndef PAGETOP_MODEL_INDEX_H
#define PAGETOP_MODEL_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct model;
struct stack_index;

struct stack_index *stack_index_new(void);
void stack_index_free(struct stack_index *x);
/* Goes on making the index for the model as it is now, a step at least, until time_mono()
 * passes deadline (a new sample's stacks start it again). 1 when it is made, or cannot
 * be (more than 2^32 frames in all). */
int stack_index_make(struct stack_index *x, const struct model *m, double deadline);
/* Whether it is made for the model as it is now. */
int stack_index_ready(const struct stack_index *x, const struct model *m);
/* The ids of the stacks that have frame f (once per frame it has there). */
const uint32_t *stack_index_frame(const struct stack_index *x, uint32_t f, size_t *n);
/* The stacks whose label is not their caller frame's function (none of their frames
 * tells it): a search asks them all. */
const uint32_t *stack_index_odd(const struct stack_index *x, size_t *n);

#endif
