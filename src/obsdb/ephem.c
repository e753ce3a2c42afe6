/* ephem.c — the Sun and the Moon as seen from the Simons Observatory site (San Pedro
 * de Atacama), with libnova: rise/set times, whether it is day, whether the Moon is
 * up, and the distance from a telescope pointing to either body. Everything is
 * computed in the apparent equatorial frame of date, in which an angular distance
 * does not depend on the frame chosen. Precision: see docs/so-workflows.md. */
#ifdef SOCM_HAVE_LIBNOVA /* else ephem_missing.c */
#include "obsdb/obsdb.h"

#include <libnova/libnova.h>
#include <math.h>

#define SOCM_UNIX_EPOCH_JD 2440587.5
#define SOCM_AU_KM 149597870.7

static double socm_jd(double t) { return t / 86400.0 + SOCM_UNIX_EPOCH_JD; }
static double socm_unix(double jd) { return (jd - SOCM_UNIX_EPOCH_JD) * 86400.0; }

static struct ln_lnlat_posn socm_site(void)
{
    struct ln_lnlat_posn o = {SOCM_SITE_LON_DEG, SOCM_SITE_LAT_DEG};
    return o;
}

/* libnova's solar and lunar series give coordinates referred to the J2000 equator
 * and equinox, while its horizontal conversions use the sidereal time of date: the
 * 24 years of precession since then would shift rise and set by ~2 minutes and
 * positions by ~0.3°. Everything here is therefore precessed to the date. */
static void socm_sun_of_date(double jd, struct ln_equ_posn *out)
{
    struct ln_equ_posn j2000;
    ln_get_solar_equ_coords(jd, &j2000);
    ln_get_equ_prec(&j2000, jd, out);
}

static void socm_moon_of_date(double jd, struct ln_equ_posn *out) /* geocentric */
{
    struct ln_equ_posn j2000;
    ln_get_lunar_equ_coords(jd, &j2000);
    ln_get_equ_prec(&j2000, jd, out);
}

/* libnova returns the next events after the given instant; asked at 0h UT, an event
 * that falls on the following day means there is none on this one. */
static void socm_day_events(double t, void (*coords)(double, struct ln_equ_posn *), double horizon,
                            double *rise, double *set)
{
    double day0 = floor(t / 86400.0) * 86400.0;
    struct ln_lnlat_posn o = socm_site();
    struct ln_rst_time r;
    *rise = *set = NAN;
    if (ln_get_body_rst_horizon(socm_jd(day0), &o, coords, horizon, &r) != 0)
        return;
    double ur = socm_unix(r.rise), us = socm_unix(r.set);
    if (ur >= day0 && ur < day0 + 86400.0)
        *rise = ur;
    if (us >= day0 && us < day0 + 86400.0)
        *set = us;
}

int socm_ephem_sun_rise_set(double t, double *rise, double *set)
{
    socm_day_events(t, socm_sun_of_date, LN_SOLAR_STANDART_HORIZON, rise, set);
    return 0;
}

int socm_ephem_moon_rise_set(double t, double *rise, double *set)
{
    socm_day_events(t, socm_moon_of_date, LN_LUNAR_STANDART_HORIZON, rise, set);
    return 0;
}

static double socm_altitude(double t, const struct ln_equ_posn *equ)
{
    struct ln_lnlat_posn o = socm_site();
    struct ln_equ_posn e = *equ;
    struct ln_hrz_posn h;
    ln_get_hrz_from_equ(&e, &o, socm_jd(t), &h);
    return h.alt;
}

bool socm_ephem_is_day(double t)
{
    double rise, set;
    socm_ephem_sun_rise_set(t, &rise, &set);
    if (!isnan(rise) && !isnan(set))
        return rise < set ? (t >= rise && t < set) : (t >= rise || t < set);
    /* No sunrise or sunset that day (never at this latitude): the Sun's altitude
     * against the same horizon decides. */
    struct ln_equ_posn sun;
    socm_sun_of_date(socm_jd(t), &sun);
    return socm_altitude(t, &sun) > LN_SOLAR_STANDART_HORIZON;
}

bool socm_ephem_moon_in_sky(double t)
{
    /* Geocentric altitude against libnova's lunar horizon (which folds in the Moon's
     * parallax and refraction): exactly the condition rise and set times mark. */
    struct ln_equ_posn moon;
    socm_moon_of_date(socm_jd(t), &moon);
    return socm_altitude(t, &moon) > LN_LUNAR_STANDART_HORIZON;
}

void socm_ephem_sun_equ(double t, double *ra, double *dec)
{
    struct ln_equ_posn e;
    socm_sun_of_date(socm_jd(t), &e);
    *ra = e.ra;
    *dec = e.dec;
}

void socm_ephem_moon_equ(double t, double *ra, double *dec)
{
    double jd = socm_jd(t);
    struct ln_equ_posn e, par;
    struct ln_lnlat_posn o = socm_site();
    socm_moon_of_date(jd, &e);
    /* The Moon is close enough for the observer's place to move it by up to ~1°. */
    ln_get_parallax(&e, ln_get_lunar_earth_dist(jd) / SOCM_AU_KM, &o, SOCM_SITE_ALT_M, jd, &par);
    *ra = fmod(e.ra + par.ra + 360.0, 360.0);
    *dec = e.dec + par.dec;
}

void socm_ephem_hrz_to_equ(double t, double az, double el, double *ra, double *dec)
{
    /* libnova counts azimuth from the south towards the west. */
    struct ln_hrz_posn h = {fmod(az + 180.0, 360.0), el};
    struct ln_lnlat_posn o = socm_site();
    struct ln_equ_posn e;
    ln_get_equ_from_hrz(&h, &o, socm_jd(t), &e);
    *ra = e.ra;
    *dec = e.dec;
}

double socm_ephem_separation(double ra1, double dec1, double ra2, double dec2)
{
    /* Vincenty's formula: well conditioned at 0° and at 180°. */
    const double d2r = M_PI / 180.0;
    double dra = (ra2 - ra1) * d2r, d1 = dec1 * d2r, d2 = dec2 * d2r;
    double num1 = cos(d2) * sin(dra);
    double num2 = cos(d1) * sin(d2) - sin(d1) * cos(d2) * cos(dra);
    double den = sin(d1) * sin(d2) + cos(d1) * cos(d2) * cos(dra);
    return atan2(hypot(num1, num2), den) / d2r;
}

double socm_ephem_sun_distance(double t, double az, double el)
{
    double ra, dec, sra, sdec;
    socm_ephem_hrz_to_equ(t, az, el, &ra, &dec);
    socm_ephem_sun_equ(t, &sra, &sdec);
    return socm_ephem_separation(ra, dec, sra, sdec);
}

double socm_ephem_moon_distance(double t, double az, double el)
{
    double ra, dec, mra, mdec;
    socm_ephem_hrz_to_equ(t, az, el, &ra, &dec);
    socm_ephem_moon_equ(t, &mra, &mdec);
    return socm_ephem_separation(ra, dec, mra, mdec);
}

int socm_ephem_check(const char *what, struct socm_error *err) { return 0; }
#endif
