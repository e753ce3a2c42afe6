/* ephem_missing.c — the ephemeris of a socm built without libnova: every caller
 * first asks socm_ephem_check, which refuses with what is missing; the other
 * functions only keep the link whole and are never reached. */
#ifndef SOCM_HAVE_LIBNOVA
#include "obsdb/obsdb.h"

#include <math.h>

int socm_ephem_check(const char *what, struct socm_error *err)
{
    return socm_error_set(err, SOCM_E_INPUT,
                          "%s need the libnova library (Sun and Moon positions), which this "
                          "socm was built without (install libnova, e.g. libnova-dev, and "
                          "rebuild)",
                          what);
}

int socm_ephem_sun_rise_set(double t, double *rise, double *set) { return -1; }
int socm_ephem_moon_rise_set(double t, double *rise, double *set) { return -1; }
bool socm_ephem_is_day(double t) { return false; }
bool socm_ephem_moon_in_sky(double t) { return false; }
void socm_ephem_sun_equ(double t, double *ra, double *dec) { *ra = *dec = NAN; }
void socm_ephem_moon_equ(double t, double *ra, double *dec) { *ra = *dec = NAN; }
void socm_ephem_hrz_to_equ(double t, double az, double el, double *ra, double *dec)
{
    *ra = *dec = NAN;
}
double socm_ephem_separation(double ra1, double dec1, double ra2, double dec2) { return NAN; }
double socm_ephem_sun_distance(double t, double az, double el) { return NAN; }
double socm_ephem_moon_distance(double t, double az, double el) { return NAN; }
#endif
