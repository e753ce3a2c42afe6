/* socm/version.h — the versions of socm (public API). The release is
 * MAJOR.MINOR.PATCH; SOCM_API_VERSION is the interface: plug-ins built for another
 * one are refused (socm/plugin.h says what changes raise it), and it is the SONAME
 * of the library (libsocm.so.<SOCM_API_VERSION>). The build reads these lines. */
#ifndef SOCM_PUBLIC_VERSION_H
#define SOCM_PUBLIC_VERSION_H

#define SOCM_VERSION_MAJOR 0
#define SOCM_VERSION_MINOR 1
#define SOCM_VERSION_PATCH 0
#define SOCM_API_VERSION 2

#endif
