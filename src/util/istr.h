/* istr.h — counted interned strings: each distinct string is stored once, with the
 * number of its owners, and freed with its last one. A campaign repeats the same
 * few strings in every workflow (table keys, executables, type names, command-line
 * words): one copy of each keeps a large campaign small. Thread-safe. */
#ifndef SOCM_ISTR_H
#define SOCM_ISTR_H

#include <stddef.h>

/* The interned copy of s[0..len) (NUL-terminated; may hold NUL bytes before len),
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

#endif
