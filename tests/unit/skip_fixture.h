/* skip_fixture.h — how a unit test says one of its cases cannot run here: cmocka's
 * skip(), except where every test must run (CI sets SOCM_NO_SKIP=1), where it fails. */
#ifndef SOCM_TEST_SKIP_FIXTURE_H
#define SOCM_TEST_SKIP_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#define socm_test_skip(reason)                                                           \
    do {                                                                                 \
        const char *no_skip_ = getenv("SOCM_NO_SKIP");                                   \
        if (no_skip_ && !strcmp(no_skip_, "1"))                                          \
            fail_msg("would skip (%s), but SOCM_NO_SKIP=1 says every test runs here",    \
                     reason);                                                            \
        skip();                                                                          \
    } while (0)

#endif
