/* istr.c — counted interned strings (see istr.h): an open-addressing set of
 * counted entries, shared by every caller, hence the lock. */
#include "util/istr.h"
#include "util/str.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct socm_istr {
    size_t hash;
    uint32_t refs, len; /* a string here is far shorter than 4 GiB (input is bounded) */
    char s[];           /* NUL-terminated; may hold NUL bytes before len */
};

static struct {
    pthread_mutex_t lock;
    struct socm_istr **slots; /* open addressing, linear probing */
    size_t cap, n;
} set = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

size_t socm_istr_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static struct socm_istr *entry_of(const char *s)
{
    return (struct socm_istr *)(void *)(s - offsetof(struct socm_istr, s));
}

static void set_grow(void)
{
    size_t cap = set.cap ? set.cap * 2 : 256;
    struct socm_istr **slots = socm_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < set.cap; i++) {
        struct socm_istr *k = set.slots[i];
        if (!k)
            continue;
        size_t h = k->hash & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = k;
    }
    free(set.slots);
    set.slots = slots;
    set.cap = cap;
}

const char *socm_istr_get(const char *s, size_t len)
{
    size_t hash = socm_istr_hash(s, len);
    pthread_mutex_lock(&set.lock);
    if ((set.n + 1) * 2 > set.cap)
        set_grow();
    size_t mask = set.cap - 1, h = hash & mask;
    struct socm_istr *k;
    while ((k = set.slots[h])) {
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
        set.slots[h] = k;
        set.n++;
    }
    pthread_mutex_unlock(&set.lock);
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
    struct socm_istr *k = entry_of(s);
    pthread_mutex_lock(&set.lock);
    if (k->refs == UINT32_MAX)
        abort();
    k->refs++;
    pthread_mutex_unlock(&set.lock);
    return s;
}

/* The last owner removes the entry from the set (backward-shift deletion keeps
 * every other entry reachable from its home slot). */
void socm_istr_put(const char *s)
{
    if (!s)
        return;
    struct socm_istr *k = entry_of(s);
    pthread_mutex_lock(&set.lock);
    if (--k->refs == 0) {
        size_t mask = set.cap - 1, i = k->hash & mask;
        while (set.slots[i] != k)
            i = (i + 1) & mask;
        for (size_t j = (i + 1) & mask; set.slots[j]; j = (j + 1) & mask) {
            size_t home = set.slots[j]->hash & mask;
            /* j's entry may move to the hole at i unless its home lies in (i, j]. */
            if (((j - home) & mask) >= ((j - i) & mask)) {
                set.slots[i] = set.slots[j];
                i = j;
            }
        }
        set.slots[i] = NULL;
        set.n--;
        free(k);
    }
    pthread_mutex_unlock(&set.lock);
}
