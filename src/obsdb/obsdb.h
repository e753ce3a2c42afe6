/* obsdb.h — what the Simons Observatory workflow types read without sotodlib: a
 * sotodlib context (context.yaml → the observation database path), the observation
 * database itself (SQLite, queried read-only with sotodlib's query syntax), and the
 * sun and moon as seen from the observatory (ephem.c, libnova). Errors carry no
 * position: the workflow types prefix the position of the key that led here. */
#ifndef SOCM_OBSDB_H
#define SOCM_OBSDB_H

#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- context.c ---- */

/* A resolved context: the context file and the obsdb it names. When the obsdb was
 * gzip-compressed it has been decompressed to tmp_path, which socm_context_free
 * removes. */
struct socm_context {
    char *path;       /* absolute context.yaml path */
    char *obsdb_path; /* the SQLite file to open (tmp_path when decompressed) */
    char *tmp_path;   /* NULL unless a private decompressed copy exists */
};

/* `uri` is the workflow's `context` value: "file:///p/context.yaml" or a plain path;
 * the "file://" prefix is dropped and a relative path is taken from `base_dir`
 * (NULL = the working directory). Tags come from the site config
 * ($SOTODLIB_SITECONFIG or ./site.yaml), then the user config ($SOTODLIB_USERCONFIG
 * or ~/.sotodlib.yaml), then the context's own `tags:` (later wins). */
int socm_context_load(const char *uri, const char *base_dir, struct socm_context *ctx,
                      struct socm_error *err);
void socm_context_free(struct socm_context *ctx);

/* Path helpers shared by the workflow types. `socm_path_absolute` behaves like
 * Python's pathlib.Path(p).absolute(): relative paths are joined to base (NULL = the
 * working directory), repeated slashes and "." components are dropped, ".." is kept. */
char *socm_path_absolute(const char *p, const char *base_dir);
/* The text after the last "file://" (as the original's split("file://")[-1]). */
const char *socm_uri_strip_file(const char *s);

/* ---- obsdb.c ---- */

/* One row of the `obs` table, with the original's defaults applied. */
struct socm_obs {
    char *obs_id;
    double timestamp;          /* unix seconds (observation start) */
    int64_t n_samples;         /* 0 when absent */
    char *wafer_slots_list;    /* comma-separated; "" when absent */
    char *tube_slot;           /* "st1" when absent or NULL */
    double az_center, el_center; /* degrees; NaN when absent */
    double pwv;                /* 0 when absent or NULL */
};

struct socm_obslist {
    struct socm_obs *v;
    size_t n, cap;
};
void socm_obslist_free(struct socm_obslist *l);

/* Turns a workflow `query` value into the WHERE clause: "file:///list.txt" (one
 * obs_id per line) becomes obs_id IN ('a','b',...) with quotes doubled; otherwise
 * the text itself with double quotes turned into single quotes (as sotodlib does).
 * `base_dir` resolves a relative list path. Returns malloc'd text or NULL. */
char *socm_obsdb_where(const char *query, const char *base_dir, struct socm_error *err);

/* Runs `SELECT * FROM obs WHERE <where> ORDER BY obs_id` on the database at
 * `db_path`, opened read-only; the clause must be one expression (a second
 * statement is refused). Rows are appended to out in obs_id order. */
int socm_obsdb_query(const char *db_path, const char *where, struct socm_obslist *out,
                     struct socm_error *err);

/* ---- ephem.c: San Pedro de Atacama (the SO site) ---- */

/* 0 when this build can compute ephemerides; else -1 with err saying that `what`
 * ("day-night null tests") need libnova, which the build lacked (ephem_missing.c). */
int socm_ephem_check(const char *what, struct socm_error *err);

#define SOCM_SITE_LAT_DEG (-22.91)
#define SOCM_SITE_LON_DEG (-68.2) /* east positive */
#define SOCM_SITE_ALT_M 5190.0

/* Rise and set of the Sun (upper limb, standard refraction: −0.8333°) or the Moon
 * (libnova's lunar horizon +0.125°) on the UTC calendar day containing `t` (unix
 * seconds). *rise / *set are unix seconds, or NAN when the body does not rise or set
 * that day. Returns 0. */
int socm_ephem_sun_rise_set(double t, double *rise, double *set);
int socm_ephem_moon_rise_set(double t, double *rise, double *set);

/* Whether the start instant is between that UTC day's sunrise and sunset. */
bool socm_ephem_is_day(double t);
/* Whether the Moon is above its rise/set horizon at t (the instant comparison that
 * rise/set times stand for; also right on days without a moonrise or moonset). */
bool socm_ephem_moon_in_sky(double t);

/* Equatorial coordinates of the equator and equinox of date (degrees). */
void socm_ephem_sun_equ(double t, double *ra, double *dec);
void socm_ephem_moon_equ(double t, double *ra, double *dec); /* topocentric */
/* Horizontal (azimuth from north through east, elevation; degrees) at the site to
 * equatorial of date at instant t. */
void socm_ephem_hrz_to_equ(double t, double az, double el, double *ra, double *dec);
/* Angular distance between two equatorial positions (degrees). */
double socm_ephem_separation(double ra1, double dec1, double ra2, double dec2);
/* Distance from the pointing (az, el at t) to the Sun / the Moon, degrees. */
double socm_ephem_sun_distance(double t, double az, double el);
double socm_ephem_moon_distance(double t, double az, double el);

#endif
