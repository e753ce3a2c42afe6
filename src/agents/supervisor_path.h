/* supervisor_path.h — where the small supervisor executable socm-supervise is. */
#ifndef SOCM_EXEC_SUPERVISOR_PATH_H
#define SOCM_EXEC_SUPERVISOR_PATH_H

/* socm-supervise next to this process's executable (the build tree: build/socm →
 * build/socm-supervise), else at SOCM_SUPERVISE_FROM_LIB relative to the directory
 * of the code running this (an installed tree: PREFIX/lib/libsocm.so →
 * PREFIX/libexec/socm/socm-supervise; the path is fixed at build time and relative,
 * so a moved prefix still works, and a program embedding libsocm finds it too).
 * NULL when neither is an executable file. Looked up once; kept for the process. */
const char *socm_supervisor_default_path(void);

#endif
