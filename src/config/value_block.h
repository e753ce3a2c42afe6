/* value_block.h — where config nodes live (internal to value.c and the parsers):
 * while a parser reads a document, nodes are cut from shared blocks instead of each
 * getting its own malloc. Outside a parse they come from malloc as before. */
#ifndef SOCM_VALUE_BLOCK_H
#define SOCM_VALUE_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* The blocks of one parse; zero-initialised. */
struct socm_value_blocks {
    struct socm_value_blocks *outer; /* the parse this one interrupted on the thread */
    char *block;                     /* being filled; NULL before the first node */
    size_t used;
};

/* Nodes made on this thread from now until socm_value_blocks_end(b) are cut from
 * b's blocks. Parses may nest (a template's values file read while rendering). */
void socm_value_blocks_begin(struct socm_value_blocks *b);
void socm_value_blocks_end(struct socm_value_blocks *b);

/* Nodes made from now until socm_value_blocks_resume(the value returned) come from
 * malloc: for a parser's short-lived nodes, which would leave holes in a block
 * (a block is freed only with the last node in it). */
struct socm_value_blocks *socm_value_blocks_suspend(void);
void socm_value_blocks_resume(struct socm_value_blocks *b);

/* Whether nodes made on this thread now come from a parse's blocks. */
bool socm_value_blocks_active(void);
/* n bytes for a node (n small): from the current parse's block, *in_block set, or
 * from malloc. Never NULL. */
void *socm_value_block_alloc(size_t n, bool *in_block);
/* Gives back a node's bytes taken by socm_value_block_alloc with in_block set. */
void socm_value_block_free(void *p, size_t n);

#endif
