/* value_block.c — config nodes cut from shared blocks while a document is parsed
 * (see value_block.h). A campaign has tens of nodes per workflow, and malloc adds
 * 8 bytes and a rounding to 16 to each: a 40-byte node takes 48, a string node up
 * to 15 more. A block is 64 KiB, aligned to its size so that a node finds its
 * block from its own address; the block counts the nodes in it still alive (plus
 * one while a parse fills it) and is freed with the last of them, whoever frees it,
 * in whatever order, on whatever thread. */
#include "config/value_block.h"
#include "util/str.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOCM_BLOCK_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SOCM_BLOCK_ASAN 1
#endif
#ifdef SOCM_BLOCK_ASAN
#include <sanitizer/asan_interface.h>
/* A freed node's bytes stay unreadable, as malloc's would (use after free). */
#define block_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define block_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define block_poison(p, n) ((void)(p), (void)(n))
#define block_unpoison(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK_SIZE ((size_t)64 * 1024)
/* The header keeps nodes 16-byte aligned, as malloc's are. */
#define BLOCK_HEADER ((size_t)16)
/* Larger requests (long strings) go to malloc: a block holds many nodes. */
#define BLOCK_MAX_NODE ((size_t)1024)

struct block_header {
    atomic_size_t live; /* nodes alive in the block, + 1 while it is being filled */
};

static _Thread_local struct socm_value_blocks *current;

static void block_release(char *block)
{
    struct block_header *h = (struct block_header *)block;
    if (atomic_fetch_sub_explicit(&h->live, 1, memory_order_acq_rel) == 1) {
        block_unpoison(block, BLOCK_SIZE);
        free(block);
    }
}

void socm_value_blocks_begin(struct socm_value_blocks *b)
{
    b->outer = current;
    b->block = NULL;
    b->used = 0;
    current = b;
}

void socm_value_blocks_end(struct socm_value_blocks *b)
{
    if (b->block) {
        block_poison(b->block + b->used, BLOCK_SIZE - b->used); /* never handed out */
        block_release(b->block);
    }
    b->block = NULL;
    current = b->outer;
}

struct socm_value_blocks *socm_value_blocks_suspend(void)
{
    struct socm_value_blocks *b = current;
    current = NULL;
    return b;
}

void socm_value_blocks_resume(struct socm_value_blocks *b)
{
    current = b;
}

bool socm_value_blocks_active(void)
{
    return current != NULL;
}

void *socm_value_block_alloc(size_t n, bool *in_block)
{
    struct socm_value_blocks *b = current;
    n = (n + 7) & ~(size_t)7;
    if (!b || n > BLOCK_MAX_NODE) {
        *in_block = false;
        return socm_xmalloc(n);
    }
    if (!b->block || b->used + n > BLOCK_SIZE) {
        if (b->block) {
            block_poison(b->block + b->used, BLOCK_SIZE - b->used);
            block_release(b->block);
        }
        b->block = aligned_alloc(BLOCK_SIZE, BLOCK_SIZE);
        if (!b->block) {
            b->used = 0;
            *in_block = false;
            return socm_xmalloc(n); /* reports running out of memory */
        }
        atomic_init(&((struct block_header *)b->block)->live, 1);
        block_poison(b->block + BLOCK_HEADER, BLOCK_SIZE - BLOCK_HEADER);
        b->used = BLOCK_HEADER;
    }
    char *p = b->block + b->used;
    b->used += n;
    atomic_fetch_add_explicit(&((struct block_header *)b->block)->live, 1, memory_order_relaxed);
    block_unpoison(p, n);
    *in_block = true;
    return p;
}

void socm_value_block_free(void *p, size_t n)
{
    char *block = (char *)((uintptr_t)p & ~(uintptr_t)(BLOCK_SIZE - 1));
    block_poison(p, (n + 7) & ~(size_t)7);
    block_release(block);
}
