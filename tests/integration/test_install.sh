#!/usr/bin/env bash
# test_install.sh — `cmake --install` into a temporary prefix, then everything from
# the installed tree only, after moving it elsewhere (a relocated prefix works):
# the example plug-in and the embedding program (examples/embed) build with nothing
# but `pkg-config --cflags --libs socm` (no -I src); socm runs the quickstart with the
# plug-in loaded and its workflows supervised by the installed socm-supervise (from
# PREFIX/libexec/socm, found relative to libsocm); the embedding program runs a
# campaign through socm_campaign_run and reports success; find_package(socm) works;
# libsocm.so has its SONAME; the bash completion completes commands and options.
set -u
. "$(dirname "$0")/lib.sh"
build=${SOCM_BUILD:?}
src=${SOCM_SRC:?}
command -v pkg-config >/dev/null || skip "pkg-config is not installed"
cc=cc; cflags=()
# A sanitized libsocm needs the program linked with the same runtime.
if nm -D "$build"/libsocm.so 2>/dev/null | grep -q __asan_init; then
    cc=clang; cflags=(-fsanitize=address,undefined)
fi

cmake --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" 2>&1 || fail "install: $(tail -5 "$tmp/install.log")"
mv "$tmp/staged" "$tmp/p"   # relocated: nothing may remember the first prefix
P=$tmp/p
for f in bin/socm libexec/socm/socm-supervise lib/libsocm.a lib/pkgconfig/socm.pc \
         lib/cmake/socm/socmConfig.cmake include/socm/socm.h include/socm/plugin.h \
         share/bash-completion/completions/socm share/doc/socm/examples/quickstart.toml; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
soname=$(objdump -p "$P"/lib/libsocm.so | awk '/SONAME/ {print $2}')
api=$(awk '/^#define SOCM_API_VERSION/ {print $3}' "$P"/include/socm/version.h)
[ "$soname" = "libsocm.so.$api" ] || fail "SONAME '$soname', want libsocm.so.$api"
[ -e "$P/lib/$soname" ] || fail "no $P/lib/$soname"
if [ -d "$build/man" ]; then
    [ -f "$P/share/man/man1/socm-run.1" ] && [ -f "$P/share/man/man5/socm-campaign.5" ] ||
        fail "man pages not installed"
fi

# Build against the installed tree only: copies of the sources, no source tree.
export PKG_CONFIG_PATH=$P/lib/pkgconfig
flags=$(pkg-config --cflags --libs socm) || fail "pkg-config socm"
incdir=$(pkg-config --cflags-only-I socm | sed 's/^-I//; s/ *$//')
[ "$(realpath "$incdir")" = "$(realpath "$P/include")" ] || fail "pkg-config --cflags: $flags"
grep -qE -- '(^| )-I[^ ]*/src( |$)' <<<"$flags" && fail "pkg-config points into a source tree: $flags"
mkdir "$tmp/work" && cd "$tmp/work"
cp "$P"/share/doc/socm/examples/plugin/my_workflow.c "$P"/share/doc/socm/examples/embed/run_campaign.c .
# shellcheck disable=SC2086
$cc "${cflags[@]}" -std=c17 -Wall -Wextra -Werror -shared -fPIC my_workflow.c $flags -o libmywf.so 2>cc.err ||
    fail "plug-in does not build from the installed tree: $(head -5 cc.err)"
# shellcheck disable=SC2086
$cc "${cflags[@]}" -std=c17 -Wall -Wextra -Werror run_campaign.c $flags -o run_campaign 2>cc.err ||
    fail "embedding program does not build from the installed tree: $(head -5 cc.err)"

# socm from the installed tree: the quickstart plus a workflow of the plug-in's type,
# whose command reports which supervisor started it (its parent's executable).
sed -e 's/^name = "quickstart"/name = "installed"/' "$P"/share/doc/socm/examples/quickstart.toml >c.toml
cat >>c.toml <<'TOML'
[campaign.who]
type = "generic"
executable = "sh"
args = ["-c", "readlink /proc/$PPID/exe > $SOCM_SANDBOX/supervisor.txt"]
TOML
sed -i "s|^enactor = \"local\"|enactor = \"local\"\nplugins = [\"$tmp/work/libmywf.so\"]|" c.toml
{ sed -n '1,/^qos = /p' c.toml
  printf '[campaign.my-analysis]\ntype = "my-custom-workflow"\ncontext = "ctx.yaml"\ncustom_param1 = "alpha"\nthreshold = 0.5\n'
} >p.toml
env -i PATH=/usr/bin:/bin HOME="$tmp" SOCM_HISTORY_DB="$tmp/h.db" "$P"/bin/socm validate --commands p.toml >val.txt 2>&1 ||
    fail "installed socm validate: $(cat val.txt)"
grep -qx 'my-analysis: my-tool --context ctx.yaml --param1 alpha --threshold 0.5' val.txt ||
    fail "the plug-in's workflow type: $(cat val.txt)"
env -i PATH=/usr/bin:/bin HOME="$tmp" SOCM_HISTORY_DB="$tmp/h.db" "$P"/bin/socm run c.toml --state-dir st --quiet >run.txt 2>&1 ||
    fail "installed socm run: $(tail -5 run.txt)"
sup=$(cat st/workflows/who/supervisor.txt 2>/dev/null)
[ "$sup" = "$P/libexec/socm/socm-supervise" ] || fail "workflow supervised by '$sup', want $P/libexec/socm/socm-supervise"
used=$(ldd "$P"/bin/socm | awk -v so="libsocm.so.$api" '$1 == so {print $3}')
[ "$(realpath "$used")" = "$(realpath "$P/lib/libsocm.so.$api")" ] || fail "socm does not use the installed libsocm: $used"

# The embedding program: plan, run, wait, report.
printf '[campaign]\nname = "embedded"\ndeadline = "10m"\n[campaign.one]\ntype = "generic"\nexecutable = "sh"\nargs = ["-c", "readlink /proc/$PPID/exe > $SOCM_SANDBOX/supervisor.txt"]\n' >e.toml
env -i PATH=/usr/bin:/bin HOME="$tmp" SOCM_HISTORY_DB="$tmp/h.db" LD_LIBRARY_PATH="$P/lib" ./run_campaign e.toml est >emb.txt 2>&1 ||
    fail "run_campaign: exit $? $(cat emb.txt)"
grep -q '^campaign embedded (socm [0-9.]*): 1 workflows' emb.txt || fail "run_campaign plan line: $(cat emb.txt)"
grep -qx 'succeeded' emb.txt || fail "run_campaign: $(cat emb.txt)"
[ "$(cat est/workflows/one/supervisor.txt 2>/dev/null)" = "$P/libexec/socm/socm-supervise" ] ||
    fail "embedded run supervised by '$(cat est/workflows/one/supervisor.txt 2>/dev/null)'"
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$P/lib" ./run_campaign missing.toml >emb2.txt 2>&1
[ $? -eq 2 ] && grep -q 'missing.toml' emb2.txt || fail "run_campaign on a missing file: $(cat emb2.txt)"

# find_package(socm) from a CMake project.
mkdir cm && cd cm
printf 'cmake_minimum_required(VERSION 3.18)\nproject(t C)\nfind_package(socm 0.1 REQUIRED)\nadd_executable(t ../run_campaign.c)\ntarget_link_libraries(t socm::socm)\n' >CMakeLists.txt
CC=$cc CFLAGS="${cflags[*]}" cmake -S . -B b -DCMAKE_PREFIX_PATH="$P" >cm.log 2>&1 && cmake --build b >>cm.log 2>&1 ||
    fail "find_package(socm): $(tail -5 cm.log)"
cd ..

# Bash completion: commands, then a command's options (from its --help).
comp() { # WORDS...: what completing the last word offers
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _socm; echo "${COMPREPLY[*]}"' _ \
        "$P"/share/bash-completion/completions/socm "$@"
}
[ "$(comp "$P/bin/socm" res)" = "resume resources" ] || fail "completion of 'res': $(comp "$P/bin/socm" res)"
grep -qw -- --quiet <<<"$(comp "$P/bin/socm" run --qu)" || fail "completion of 'run --qu': $(comp "$P/bin/socm" run --qu)"
finish "ok: installed, relocated, built against with pkg-config and CMake, run"
