/* str.h — memory and string helpers: checked allocation, a growable byte buffer,
 * a NULL-terminated string vector (argv, packed or not), and interned strings
 * (counted ones, and file names kept to the end). */
#ifndef SOCM_STR_H
#define SOCM_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Allocation failure aborts: an HPC manager out of memory cannot recover usefully,
 * and checking every small allocation would hide the real logic. */
void *socm_xmalloc(size_t n);
void *socm_xcalloc(size_t n, size_t size);
void *socm_xrealloc(void *p, size_t n);
char *socm_strdup(const char *s);
char *socm_strndup(const char *s, size_t n);
char *socm_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *socm_vasprintf(const char *fmt, va_list ap);

bool socm_str_startswith(const char *s, const char *prefix);
bool socm_str_endswith(const char *s, const char *suffix);

/* Growable buffer; data is always NUL-terminated (may also hold NULs inside). */
struct socm_buf {
    char *data;
    size_t len, cap;
};
#define SOCM_BUF_INIT {NULL, 0, 0}
void socm_buf_reserve(struct socm_buf *b, size_t extra);
void socm_buf_putc(struct socm_buf *b, char c);
void socm_buf_putn(struct socm_buf *b, const char *s, size_t n);
void socm_buf_puts(struct socm_buf *b, const char *s);
void socm_buf_printf(struct socm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s (n bytes) with control characters written as \n, \r, \t or \xNN, so
 * that text from input can never start a new line or move the cursor. */
void socm_buf_put_escaped(struct socm_buf *b, const char *s, size_t n);
void socm_buf_clear(struct socm_buf *b);
char *socm_buf_steal(struct socm_buf *b); /* returns data ("" if empty), resets b */
/* socm_buf_steal without the buffer's spare room: for text held a long time. */
char *socm_buf_steal_exact(struct socm_buf *b);
void socm_buf_free(struct socm_buf *b);

/* String vector, always NULL-terminated so v can be passed to execvp. A packed
 * vector (socm_strv_pack: cap 0, v not NULL) holds its pointers and its strings in
 * one allocation, which equal vectors may share: the functions below accept either
 * form, and nothing else may change its words or pointers in place. */
struct socm_strv {
    char **v;
    size_t n, cap;
};
#define SOCM_STRV_INIT {NULL, 0, 0}
void socm_strv_push(struct socm_strv *sv, const char *s);           /* copies s */
void socm_strv_pushf(struct socm_strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void socm_strv_push_owned(struct socm_strv *sv, char *s);          /* takes s */
char *socm_strv_join(const struct socm_strv *sv, const char *sep); /* malloc'd */
void socm_strv_copy(struct socm_strv *dst, const struct socm_strv *src);
void socm_strv_free(struct socm_strv *sv);
/* Moves sv's strings into one allocation with its pointers (one malloc instead of
 * n + 1): for a vector that is read, not grown, from then on. Pushing onto it
 * later still works (it is unpacked first). */
void socm_strv_pack(struct socm_strv *sv);
/* The same, the words equal to like's at the same place (like: the previous
 * workflow's command line; may be NULL) interned (socm_istr_get): one copy of each
 * word the vectors repeat, the others in the block. */
void socm_strv_pack_like(struct socm_strv *sv, const struct socm_strv *like);
/* Whether a and b hold the same strings. */
bool socm_strv_equal(const struct socm_strv *a, const struct socm_strv *b);
/* When src is packed and dst equal to it: dst becomes one more owner of src's block
 * (what dst had freed) and true is returned; else false, dst unchanged. Pushing onto a
 * shared vector unpacks it first, so no owner sees another's change. */
bool socm_strv_share(struct socm_strv *dst, const struct socm_strv *src);
/* dst (emptied first) becomes a packed copy of src: one more owner of like's block
 * when src is equal to like (may be NULL), else a block of its own with the words
 * it has in common with like interned (socm_strv_pack_like). */
void socm_strv_copy_like(struct socm_strv *dst, const struct socm_strv *src,
                         const struct socm_strv *like);

/* Counted interned strings: each distinct string is stored once, with the number
 * of its owners, and freed with its last one. A campaign repeats the same few
 * strings in every workflow (table keys, executables, type names, command-line
 * words): one copy of each keeps a large campaign small. Thread-safe.
 * The interned copy of s[0..len) (NUL-terminated; may hold NUL bytes before len),
 * one more owner of it. Drop the owner with socm_istr_put, never free(). */
const char *socm_istr_get(const char *s, size_t len);
/* socm_istr_get(s, strlen(s)); NULL for NULL. */
const char *socm_istr(const char *s);
/* One more owner of an interned string (s came from socm_istr_get); NULL for NULL. */
const char *socm_istr_ref(const char *s);
/* Drops one owner of s (from socm_istr_get or socm_istr_ref); NULL is ignored. */
void socm_istr_put(const char *s);
/* FNV-1a over s[0..len): the set's hash, also the config tables' index. */
size_t socm_istr_hash(const char *s, size_t len);

/* Interned strings live until socm_intern_free_all() (called at exit). Used for
 * file names in positions, which many nodes share. */
const char *socm_intern(const char *s);
/* The number of s's interned name (1, 2, ...; 0 for NULL), and back (NULL for 0 or
 * a number never given): a position holds a number, four bytes, not a pointer. */
uint32_t socm_intern_id(const char *s);
const char *socm_intern_name(uint32_t id);
void socm_intern_free_all(void);

/* Gives the memory freed so far back to the system where the C library can (a
 * large structure freed in the middle of the heap otherwise stays counted). */
void socm_memory_trim(void);
/* Large blocks (128 KiB and more) from mmap from now on, whatever was freed before:
 * glibc otherwise raises that threshold to the size of each large block freed, after
 * which such blocks come from the heap, and the holes they leave when freed stay
 * resident while the heap's top is in use. */
void socm_memory_fix_mmap_threshold(void);

#endif
