/* test_ephem.c — the Sun and Moon at San Pedro de Atacama against published events:
 * the 2024 March equinox and June solstice instants (USNO), solar noon from the
 * equation of time (NOAA almanac values) and day lengths, the 2019-07-02 solar
 * eclipse seen from northern Chile and the 2022-11-08 total lunar eclipse (NASA),
 * the Moon's place at full and new moon, and the consistency of rise/set times with
 * "in the sky". Tolerances are the precision documented in docs/so-workflows.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "obsdb/obsdb.h"

#include <math.h>

/* 2024-01-01T00:00:00Z */
#define T2024 1704067200.0
static double utc(int doy0, int h, double m) /* day of 2024 counted from 0 = Jan 1 */
{
    return T2024 + doy0 * 86400.0 + h * 3600.0 + m * 60.0;
}

static void test_sun_at_equinox_and_solstice(void **state)
{
    double ra, dec;
    /* March equinox 2024-03-20 03:06 UTC: the Sun crosses the equator at RA 0. */
    socm_ephem_sun_equ(utc(79, 3, 6), &ra, &dec);
    assert_true(fabs(dec) < 0.01);
    assert_true(fabs(remainder(ra, 360.0)) < 0.02);
    /* June solstice 2024-06-20 20:51 UTC: declination = obliquity 23.436°. */
    socm_ephem_sun_equ(utc(171, 20, 51), &ra, &dec);
    assert_true(fabs(dec - 23.436) < 0.01);
    assert_true(fabs(ra - 90.0) < 0.02);
}

static void test_sunrise_sunset(void **state)
{
    double rise, set;
    /* 2024-03-20: equation of time −7.8 min, so solar noon at 68.2°W is 12:00 +
     * 4h32m48s + 7m48s = 16:40:36 UTC (the declination's drift moves the midpoint of
     * rise and set ~10 s earlier); the day lasts 12h06m at 22.9°S with refraction. */
    socm_ephem_sun_rise_set(utc(79, 12, 0), &rise, &set);
    assert_false(isnan(rise));
    assert_false(isnan(set));
    assert_true(fabs((rise + set) / 2 - utc(79, 16, 40.4)) < 90.0);
    assert_true(fabs((set - rise) / 60.0 - 726.0) < 3.0);
    /* 2024-06-20: EoT −1.6 min → noon 16:34:24 UTC; 10h43.5m of day. */
    socm_ephem_sun_rise_set(utc(171, 0, 0), &rise, &set);
    assert_true(fabs((rise + set) / 2 - (utc(171, 16, 34) + 24)) < 90.0);
    assert_true(fabs((set - rise) / 60.0 - 643.5) < 3.0);
    /* day and night follow */
    assert_true(socm_ephem_is_day(rise + 120));
    assert_false(socm_ephem_is_day(rise - 120));
    assert_true(socm_ephem_is_day(set - 120));
    assert_false(socm_ephem_is_day(set + 120));
    assert_false(socm_ephem_is_day(utc(171, 4, 30))); /* local midnight */
}

static void test_eclipses(void **state)
{
    /* Total solar eclipse of 2019-07-02 (totality at La Serena 20:38 UTC): deep
     * partial from San Pedro de Atacama, the Moon's centre within 0.3° of the Sun's
     * around 20:40-20:55 UTC — only with the topocentric Moon. */
    double t0 = 1562097600.0; /* 2019-07-02T20:00:00Z */
    double best = 1e9, at = 0;
    for (double t = t0; t < t0 + 5400; t += 60) {
        double a, b, c, d;
        socm_ephem_sun_equ(t, &a, &b);
        socm_ephem_moon_equ(t, &c, &d);
        double s = socm_ephem_separation(a, b, c, d);
        if (s < best) {
            best = s;
            at = t;
        }
    }
    assert_true(best < 0.3);
    assert_true(at >= t0 + 30 * 60 && at <= t0 + 65 * 60);
    /* Total lunar eclipse, greatest at 2022-11-08 10:59 UTC: Moon opposite the Sun
     * (within the ~0.95° the observer's place displaces the Moon). */
    double a, b, c, d;
    socm_ephem_sun_equ(1667905140.0, &a, &b);
    socm_ephem_moon_equ(1667905140.0, &c, &d);
    assert_true(socm_ephem_separation(a, b, c, d) > 178.5);
}

static void test_horizontal_to_equatorial(void **state)
{
    double ra, dec;
    /* the zenith is at the site's latitude */
    socm_ephem_hrz_to_equ(utc(10, 5, 0), 123.0, 90.0, &ra, &dec);
    assert_true(fabs(dec - SOCM_SITE_LAT_DEG) < 1e-6);
    /* June noon: the Sun stands due north (azimuth 0, from north through east) at
     * elevation 90 − (22.91 + 23.44) = 43.65°. */
    double rise, set;
    socm_ephem_sun_rise_set(utc(171, 0, 0), &rise, &set);
    double noon = (rise + set) / 2;
    assert_true(socm_ephem_sun_distance(noon, 0.0, 43.65) < 0.3);
    assert_true(socm_ephem_sun_distance(noon, 180.0, 43.65) > 90.0);
    /* a pointing at the celestial south pole stays there */
    socm_ephem_hrz_to_equ(utc(200, 13, 0), 180.0, 22.91, &ra, &dec);
    assert_true(fabs(dec + 90.0) < 1e-6);
}

static void test_separation(void **state)
{
    assert_true(fabs(socm_ephem_separation(10, 0, 20, 0) - 10.0) < 1e-9);
    assert_true(fabs(socm_ephem_separation(0, 89, 180, 89) - 2.0) < 1e-9);
    assert_true(fabs(socm_ephem_separation(0, 0, 180, 0) - 180.0) < 1e-9);
    assert_true(socm_ephem_separation(33.3, -12.0, 33.3, -12.0) < 1e-9);
}

static void test_moon(void **state)
{
    /* Full moon 2024-03-25 07:00 UTC: up at local midnight, down at local noon, and
     * setting near sunrise. New moon 2024-04-08 18:21 UTC: the reverse. */
    assert_true(socm_ephem_moon_in_sky(utc(84, 4, 30)));
    assert_false(socm_ephem_moon_in_sky(utc(84, 16, 30)));
    assert_false(socm_ephem_moon_in_sky(utc(98, 4, 30)));
    assert_true(socm_ephem_moon_in_sky(utc(98, 16, 30)));
    double mrise, mset, srise, sset;
    socm_ephem_moon_rise_set(utc(84, 0, 0), &mrise, &mset);
    socm_ephem_sun_rise_set(utc(84, 0, 0), &srise, &sset);
    assert_true(fabs(mset - srise) < 45 * 60);
    assert_true(fabs(mrise - sset) < 60 * 60);
    /* Rise and set times agree with "in the sky" (to the 10 minutes libnova's
     * interpolated lunar rise/set guarantees), and some days of a year have no
     * moonrise or no moonset (about one a month each): those are handled. */
    int no_rise = 0, no_set = 0;
    for (int d = 0; d < 366; d++) {
        double r, s;
        socm_ephem_moon_rise_set(utc(d, 12, 0), &r, &s);
        no_rise += isnan(r);
        no_set += isnan(s);
        if (!isnan(r)) {
            assert_false(socm_ephem_moon_in_sky(r - 600));
            assert_true(socm_ephem_moon_in_sky(r + 600));
        }
        if (!isnan(s)) {
            assert_true(socm_ephem_moon_in_sky(s - 600));
            assert_false(socm_ephem_moon_in_sky(s + 600));
        }
    }
    assert_in_range(no_rise, 9, 14);
    assert_in_range(no_set, 9, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sun_at_equinox_and_solstice),
        cmocka_unit_test(test_sunrise_sunset),
        cmocka_unit_test(test_eclipses),
        cmocka_unit_test(test_horizontal_to_equatorial),
        cmocka_unit_test(test_separation),
        cmocka_unit_test(test_moon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
