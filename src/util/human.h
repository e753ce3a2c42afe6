/* human.h — numbers in text output rounded for people (validate, plan, report):
 * each writes into buf (n bytes; 32 is enough) and returns it. JSON output keeps
 * full precision. */
#ifndef SOCM_UTIL_HUMAN_H
#define SOCM_UTIL_HUMAN_H

#include <stddef.h>

/* Three significant digits (whole numbers kept whole), no exponent, no trailing
 * zeros: 0.333, 25.3, 1235. */
const char *socm_human_num(double v, char *buf, size_t n);
/* A duration given in minutes: "20 s", "2.2 min", "3 h", "2 d". */
const char *socm_human_minutes(double min, char *buf, size_t n);
/* Memory given in MB: "400 MB", "25.3 GB", "1.5 TB" (1 GB = 1000 MB). */
const char *socm_human_mb(double mb, char *buf, size_t n);

#endif
