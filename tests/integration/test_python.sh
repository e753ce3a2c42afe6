#!/usr/bin/env bash
# test_python.sh — the Python package (python/): installs offline with pip into a
# fresh virtual environment (the Debian interpreter, its setuptools and pytest from
# the system), then runs its pytest suite (python/tests) against this build's socm:
# the documented custom workflow and its tests, the adaptive type changing the
# plan, a Python planner and callback enactor end to end, the three-campaign loop.
set -u
. "$(dirname "$0")/lib.sh"
src=${SOCM_SRC:?}
py=
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import pytest, setuptools, venv' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || skip "no python3 with pytest, setuptools and venv (Debian: python3-pytest python3-setuptools python3-venv)"

"$py" -m venv --system-site-packages "$tmp/venv" || fail "venv"
# Offline: no index, the system's setuptools builds it — from a copy, since the
# build writes beside the sources.
cp -r "$src/python" "$tmp/python"
out=$(cd "$tmp" && "$tmp/venv/bin/python" -m pip install --no-index --no-build-isolation \
      --no-cache-dir -q ./python 2>&1) || fail "pip install ./python: $out"
"$tmp/venv/bin/python" -c 'import socm.ext, socm.bookkeeper, socm.core.models, socm.planner.base, socm.enactor.base, socm.resources, socm.workflows' \
  || fail "the installed package does not import"
# The tests use the installed package (not the source tree) and python3 from the venv.
cd "$tmp"
cp -r "$src/python/tests" pytests
export PYTHONDONTWRITEBYTECODE=1 # nothing written beside tests/data
PATH=$tmp/venv/bin:$PATH SOCM_SRC=$src SOCM_BIN=$SOCM_BIN \
  "$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider pytests || fail "pytest"
[ ! -e "$src/python/build" ] || fail "the install wrote into the source tree"
finish "python package ok"
