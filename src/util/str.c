/* str.c — memory and string helpers (see str.h). */
#include "util/str.h"

#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

static void socm_oom(void)
{
    fputs("socm: out of memory\n", stderr);
    abort();
}

void *socm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        socm_oom();
    return p;
}

void *socm_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        socm_oom();
    return p;
}

void *socm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        socm_oom();
    return q;
}

char *socm_strdup(const char *s)
{
    return socm_strndup(s, strlen(s));
}

char *socm_strndup(const char *s, size_t n)
{
    char *p = socm_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *socm_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = socm_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *socm_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = socm_vasprintf(fmt, ap);
    va_end(ap);
    return p;
}

bool socm_str_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool socm_str_endswith(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

void socm_buf_reserve(struct socm_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = socm_xrealloc(b->data, cap);
    b->cap = cap;
}

void socm_buf_putn(struct socm_buf *b, const char *s, size_t n)
{
    socm_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void socm_buf_putc(struct socm_buf *b, char c)
{
    socm_buf_putn(b, &c, 1);
}

void socm_buf_puts(struct socm_buf *b, const char *s)
{
    socm_buf_putn(b, s, strlen(s));
}

void socm_buf_printf(struct socm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = socm_vasprintf(fmt, ap);
    va_end(ap);
    socm_buf_puts(b, p);
    free(p);
}

void socm_buf_put_escaped(struct socm_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n')
            socm_buf_puts(b, "\\n");
        else if (ch == '\r')
            socm_buf_puts(b, "\\r");
        else if (ch == '\t')
            socm_buf_puts(b, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            socm_buf_printf(b, "\\x%02x", ch);
        else
            socm_buf_putc(b, (char)ch);
    }
}

void socm_buf_clear(struct socm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *socm_buf_steal(struct socm_buf *b)
{
    char *p = b->data ? b->data : socm_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

char *socm_buf_steal_exact(struct socm_buf *b)
{
    size_t n = b->len;
    char *t = socm_buf_steal(b);
    return socm_xrealloc(t, n + 1);
}

void socm_buf_free(struct socm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- Counted interned strings: an open-addressing set of counted entries,
 * shared by every caller, hence the lock. ---- */

struct socm_istr {
    size_t hash;
    uint32_t refs, len; /* a string here is far shorter than 4 GiB (input is bounded) */
    char s[];           /* NUL-terminated; may hold NUL bytes before len */
};

static struct {
    pthread_mutex_t lock;
    struct socm_istr **slots; /* open addressing, linear probing */
    size_t cap, n;
} istr_set = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

size_t socm_istr_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static struct socm_istr *istr_entry_of(const char *s)
{
    return (struct socm_istr *)(void *)(s - offsetof(struct socm_istr, s));
}

static void istr_set_grow(void)
{
    size_t cap = istr_set.cap ? istr_set.cap * 2 : 256;
    struct socm_istr **slots = socm_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < istr_set.cap; i++) {
        struct socm_istr *k = istr_set.slots[i];
        if (!k)
            continue;
        size_t h = k->hash & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = k;
    }
    free(istr_set.slots);
    istr_set.slots = slots;
    istr_set.cap = cap;
}

const char *socm_istr_get(const char *s, size_t len)
{
    size_t hash = socm_istr_hash(s, len);
    pthread_mutex_lock(&istr_set.lock);
    if ((istr_set.n + 1) * 2 > istr_set.cap)
        istr_set_grow();
    size_t mask = istr_set.cap - 1, h = hash & mask;
    struct socm_istr *k;
    while ((k = istr_set.slots[h])) {
        if (k->hash == hash && k->len == len && !memcmp(k->s, s, len))
            break;
        h = (h + 1) & mask;
    }
    if (k) {
        if (k->refs == UINT32_MAX)
            abort(); /* more owners than any bounded input makes */
        k->refs++;
    } else {
        if (len >= UINT32_MAX)
            abort();
        k = socm_xmalloc(sizeof *k + len + 1);
        *k = (struct socm_istr){hash, 1, (uint32_t)len};
        memcpy(k->s, s, len);
        k->s[len] = 0;
        istr_set.slots[h] = k;
        istr_set.n++;
    }
    pthread_mutex_unlock(&istr_set.lock);
    return k->s;
}

const char *socm_istr(const char *s)
{
    return s ? socm_istr_get(s, strlen(s)) : NULL;
}

const char *socm_istr_ref(const char *s)
{
    if (!s)
        return NULL;
    struct socm_istr *k = istr_entry_of(s);
    pthread_mutex_lock(&istr_set.lock);
    if (k->refs == UINT32_MAX)
        abort();
    k->refs++;
    pthread_mutex_unlock(&istr_set.lock);
    return s;
}

/* The last owner removes the entry from the set (backward-shift deletion keeps
 * every other entry reachable from its home slot). */
void socm_istr_put(const char *s)
{
    if (!s)
        return;
    struct socm_istr *k = istr_entry_of(s);
    pthread_mutex_lock(&istr_set.lock);
    if (--k->refs == 0) {
        size_t mask = istr_set.cap - 1, i = k->hash & mask;
        while (istr_set.slots[i] != k)
            i = (i + 1) & mask;
        for (size_t j = (i + 1) & mask; istr_set.slots[j]; j = (j + 1) & mask) {
            size_t home = istr_set.slots[j]->hash & mask;
            /* j's entry may move to the hole at i unless its home lies in (i, j]. */
            if (((j - home) & mask) >= ((j - i) & mask)) {
                istr_set.slots[i] = istr_set.slots[j];
                i = j;
            }
        }
        istr_set.slots[i] = NULL;
        istr_set.n--;
        free(k);
    }
    pthread_mutex_unlock(&istr_set.lock);
}

/* ---- Packed string vectors ---- */

/* A packed vector's block: this head, the pointers, the strings. Vectors equal to
 * one another (the same environment in every workflow) may share one block, and a
 * word equal to the one at its place in a like vector (the previous workflow's
 * command line) is interned (socm_istr_get) rather than copied into the block. */
struct strv_head {
    _Atomic uint32_t refs; /* owners beyond the first */
    uint32_t text;         /* bytes of the words in the block (input is bounded) */
};

static struct strv_head *strv_head_of(char **v)
{
    return (struct strv_head *)(void *)v - 1;
}

/* Whether sv's strings live in the block of its pointers (socm_strv_pack). */
static bool strv_packed(const struct socm_strv *sv)
{
    return sv->v && sv->cap == 0;
}

/* Whether word i of packed sv lies in its block (else it is interned). */
static bool strv_word_inline(const struct socm_strv *sv, size_t i)
{
    uintptr_t start = (uintptr_t)(sv->v + sv->n + 1);
    return (uintptr_t)sv->v[i] - start < strv_head_of(sv->v)->text;
}

static void strv_block_put(char **v, size_t n)
{
    struct strv_head *h = strv_head_of(v);
    if (atomic_fetch_sub(&h->refs, 1) != 0)
        return; /* not the last owner */
    struct socm_strv sv = {v, n, 0};
    for (size_t i = 0; i < n; i++)
        if (!strv_word_inline(&sv, i))
            socm_istr_put(v[i]);
    free(h);
}

/* A packed vector back to one allocation per string, so that it may grow. */
static void strv_unpack(struct socm_strv *sv)
{
    char **old = sv->v;
    size_t n = sv->n;
    sv->v = NULL;
    sv->n = sv->cap = 0;
    for (size_t i = 0; i < n; i++)
        socm_strv_push(sv, old[i]);
    strv_block_put(old, n);
}

/* Whether word i of src is to be interned: like has the same word at i. */
static bool strv_word_shared(const struct socm_strv *src, const struct socm_strv *like, size_t i)
{
    return like && i < like->n && !strcmp(src->v[i], like->v[i]);
}

/* src's strings and their pointers in one allocation (NULL for none), the words
 * it has in common with like (may be NULL) interned. */
static char **strv_block(const struct socm_strv *src, const struct socm_strv *like)
{
    if (src->n == 0)
        return NULL;
    size_t text = 0;
    for (size_t i = 0; i < src->n; i++)
        if (!strv_word_shared(src, like, i))
            text += strlen(src->v[i]) + 1;
    if (text > UINT32_MAX)
        abort(); /* far past any bounded input */
    struct strv_head *h = socm_xmalloc(sizeof *h + (src->n + 1) * sizeof(char *) + text);
    atomic_init(&h->refs, 0);
    h->text = (uint32_t)text;
    char **v = (char **)(h + 1);
    char *p = (char *)(v + src->n + 1);
    for (size_t i = 0; i < src->n; i++) {
        if (strv_word_shared(src, like, i)) {
            bool interned = strv_packed(like) && !strv_word_inline(like, i);
            v[i] = (char *)(interned ? socm_istr_ref(like->v[i]) : socm_istr(like->v[i]));
            continue;
        }
        size_t len = strlen(src->v[i]) + 1;
        memcpy(p, src->v[i], len);
        v[i] = p;
        p += len;
    }
    v[src->n] = NULL;
    return v;
}

void socm_strv_pack(struct socm_strv *sv)
{
    socm_strv_pack_like(sv, NULL);
}

void socm_strv_pack_like(struct socm_strv *sv, const struct socm_strv *like)
{
    if (strv_packed(sv))
        return;
    char **v = strv_block(sv, like);
    size_t n = sv->n;
    socm_strv_free(sv);
    sv->v = v;
    sv->n = v ? n : 0;
}

bool socm_strv_equal(const struct socm_strv *a, const struct socm_strv *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] != b->v[i] && strcmp(a->v[i], b->v[i]))
            return false;
    return true;
}

bool socm_strv_share(struct socm_strv *dst, const struct socm_strv *src)
{
    if (!strv_packed(src) || dst->v == src->v || !socm_strv_equal(dst, src))
        return false;
    struct strv_head *h = strv_head_of(src->v);
    if (atomic_load(&h->refs) == UINT32_MAX)
        return false; /* as many owners as it can count */
    atomic_fetch_add(&h->refs, 1);
    socm_strv_free(dst);
    dst->v = src->v;
    dst->n = src->n;
    return true;
}

void socm_strv_copy_like(struct socm_strv *dst, const struct socm_strv *src,
                         const struct socm_strv *like)
{
    /* The new list is made before dst's old one is freed: dst may be src or like. */
    struct socm_strv out = {0};
    if (like && strv_packed(like) && socm_strv_equal(src, like) &&
        atomic_load(&strv_head_of(like->v)->refs) < UINT32_MAX) {
        atomic_fetch_add(&strv_head_of(like->v)->refs, 1);
        out.v = like->v;
        out.n = like->n;
    } else {
        out.v = strv_block(src, like);
        out.n = out.v ? src->n : 0;
    }
    socm_strv_free(dst);
    *dst = out;
}

void socm_strv_push_owned(struct socm_strv *sv, char *s)
{
    if (strv_packed(sv))
        strv_unpack(sv);
    if (sv->n + 2 > sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 8;
        sv->v = socm_xrealloc(sv->v, sv->cap * sizeof *sv->v);
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void socm_strv_push(struct socm_strv *sv, const char *s)
{
    socm_strv_push_owned(sv, socm_strdup(s));
}

void socm_strv_pushf(struct socm_strv *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = socm_vasprintf(fmt, ap);
    va_end(ap);
    socm_strv_push_owned(sv, p);
}

char *socm_strv_join(const struct socm_strv *sv, const char *sep)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            socm_buf_puts(&b, sep);
        socm_buf_puts(&b, sv->v[i]);
    }
    return socm_buf_steal(&b);
}

void socm_strv_copy(struct socm_strv *dst, const struct socm_strv *src)
{
    for (size_t i = 0; i < src->n; i++)
        socm_strv_push(dst, src->v[i]);
}

void socm_strv_free(struct socm_strv *sv)
{
    if (strv_packed(sv))
        strv_block_put(sv->v, sv->n);
    else {
        for (size_t i = 0; i < sv->n; i++)
            free(sv->v[i]);
        free(sv->v);
    }
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

/* A small array is enough: only file names are interned. An entry's number is its
 * index + 1. Parsers on other threads may intern or look up: hence the lock. */
static struct {
    pthread_mutex_t lock;
    char **names;
    uint32_t n, cap;
} interned = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

/* The index + 1 of s, added if new; the lock is held. */
static uint32_t intern_locked(const char *s)
{
    for (uint32_t i = 0; i < interned.n; i++)
        if (interned.names[i] == s || strcmp(interned.names[i], s) == 0)
            return i + 1;
    if (interned.n == interned.cap) {
        if (interned.cap > UINT32_MAX / 4)
            abort(); /* billions of distinct file names */
        interned.cap = interned.cap ? interned.cap * 2 : 16;
        interned.names = socm_xrealloc(interned.names, interned.cap * sizeof *interned.names);
    }
    interned.names[interned.n++] = socm_strdup(s);
    return interned.n;
}

uint32_t socm_intern_id(const char *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&interned.lock);
    uint32_t id = intern_locked(s);
    pthread_mutex_unlock(&interned.lock);
    return id;
}

const char *socm_intern_name(uint32_t id)
{
    pthread_mutex_lock(&interned.lock);
    const char *s = id && id <= interned.n ? interned.names[id - 1] : NULL;
    pthread_mutex_unlock(&interned.lock);
    return s;
}

const char *socm_intern(const char *s)
{
    if (!s)
        return NULL;
    pthread_mutex_lock(&interned.lock);
    uint32_t id = intern_locked(s); /* before reading names, which it may move */
    const char *r = interned.names[id - 1];
    pthread_mutex_unlock(&interned.lock);
    return r;
}

void socm_intern_free_all(void)
{
    pthread_mutex_lock(&interned.lock);
    for (uint32_t i = 0; i < interned.n; i++)
        free(interned.names[i]);
    free(interned.names);
    interned.names = NULL;
    interned.n = interned.cap = 0;
    pthread_mutex_unlock(&interned.lock);
}

void socm_memory_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void socm_memory_fix_mmap_threshold(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}
