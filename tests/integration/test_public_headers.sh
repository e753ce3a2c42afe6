#!/usr/bin/env bash
# test_public_headers.sh — each public header include/socm/*.h compiles on its own
# with only `-I include`, as C17 and as C++17, with -Wall -Wextra -Wpedantic -Werror,
# under gcc/g++ and clang/clang++ (those installed); none includes anything but
# socm/ headers and the C library's; none spells out a struct socm keeps opaque.
set -u
. "$(dirname "$0")/lib.sh"
inc=${SOCM_SRC:?}/include
compilers=()
for c in gcc clang; do command -v "$c" >/dev/null && compilers+=("$c:c:c17"); done
for c in g++ clang++; do command -v "$c" >/dev/null && compilers+=("$c:c++:c++17"); done
[ "${#compilers[@]}" -gt 0 ] || skip "no C or C++ compiler"
command -v g++ >/dev/null || command -v clang++ >/dev/null || skip_part "no C++ compiler: C++17 not checked"
headers=("$inc"/socm/*.h)
[ "${#headers[@]}" -ge 7 ] || fail "only ${#headers[@]} public headers"
for h in "${headers[@]}"; do
    name=socm/$(basename "$h")
    printf '#include "%s"\n#include "%s"\nint main(void) { return 0; }\n' "$name" "$name" >"$tmp/one.c"
    for spec in "${compilers[@]}"; do
        IFS=: read -r cc lang std <<<"$spec"
        "$cc" -x "$lang" -std="$std" -Wall -Wextra -Wpedantic -Werror -I "$inc" -fsyntax-only \
            "$tmp/one.c" 2>"$tmp/err" || fail "$name alone with $cc -std=$std: $(head -5 "$tmp/err")"
    done
    grep -E '^\s*#\s*include\s*"' "$h" | grep -vE '"socm/[a-z_]+\.h"' && fail "$name includes a non-public header"
    for opaque in value strv workflow wflist task dag resource campaign run_opts campaign_handle; do
        grep -qE "^\s*struct socm_$opaque\s*\{" "$h" && fail "$name defines struct socm_$opaque (opaque)"
    done
done
# The check can fail: a header reaching into src/ does not compile alone.
mkdir -p "$tmp/inc/socm"
printf '#include "campaign/campaign.h"\n' >"$tmp/inc/socm/bad.h"
printf '#include "socm/bad.h"\n' >"$tmp/bad.c"
gcc -std=c17 -I "$tmp/inc" -fsyntax-only "$tmp/bad.c" 2>/dev/null && fail "a header including src/ compiled alone"
finish "ok: ${#headers[@]} public headers compile alone (${#compilers[@]} compilers)"
