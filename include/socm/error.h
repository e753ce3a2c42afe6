/* socm/error.h — errors travel as values (public API). A function that can fail
 * takes a `struct socm_error *` last, fills it and returns -1 (or NULL). The struct
 * is complete so that callers keep it on the stack:
 *
 *     struct socm_error err = {SOCM_OK, ""};
 *     if (socm_something(..., &err) < 0) fprintf(stderr, "%s\n", err.msg);
 */
#ifndef SOCM_PUBLIC_ERROR_H
#define SOCM_PUBLIC_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SOCM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SOCM_PRINTF(fmt, args)
#endif

/* Codes double as the command line's exit codes. */
enum socm_errcode {
    SOCM_OK = 0,
    SOCM_E_FAILED = 1, /* the campaign (or an operation on it) failed */
    SOCM_E_INPUT = 2,  /* bad input or usage */
    SOCM_E_SYSTEM = 3  /* the OS refused: I/O, fork, disk full... */
};

struct socm_error {
    enum socm_errcode code;
    char msg[2048];
};

/* Sets code and message (printf-style); returns -1 so that
 * `return socm_error_set(...)` reads naturally. */
int socm_error_set(struct socm_error *err, enum socm_errcode code, const char *fmt, ...)
    SOCM_PRINTF(3, 4);
void socm_error_clear(struct socm_error *err);

#ifdef __cplusplus
}
#endif

#endif
