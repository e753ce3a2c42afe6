#!/usr/bin/env bash
# test_install_user.sh — a user without root installs socm into ~/.local (as on a
# cluster's login node: `cmake --install build --prefix ~/.local`) and runs the
# quickstart from the installed tree, from a home directory with no source tree in
# sight and a minimal environment: it completes, supervised by the installed
# socm-supervise. The user is created for the test (so it needs root: else SKIP).
set -u
. "$(dirname "$0")/lib.sh"
build=${SOCM_BUILD:?}
[ "$(id -u)" -eq 0 ] || skip "creating a user needs root"
command -v useradd >/dev/null && command -v runuser >/dev/null || skip "no useradd/runuser"
user=socmt$$
home=$tmp/home
chmod 755 "$tmp"
useradd -M -d "$home" -s /bin/bash "$user" || skip "useradd refused"
mkdir -p "$home" && chown "$user:" "$home"
# The build directory is root's: cmake --install writes its install_manifest.txt
# there, so let the user own that one file (the rest is only read).
manifest=$build/install_manifest.txt
had_manifest=false; [ -e "$manifest" ] && had_manifest=true
touch "$manifest" && chown "$user:" "$manifest"
cleanup() {
    chown root: "$manifest" 2>/dev/null
    $had_manifest || rm -f "$manifest"
    pkill -u "$user" 2>/dev/null
    userdel "$user" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
as_user() { runuser -u "$user" -- env -i HOME="$home" USER="$user" PATH="$home/.local/bin:/usr/bin:/bin" "$@"; }

as_user cmake --install "$build" --prefix "$home/.local" >"$tmp/install.log" 2>&1 ||
    fail "install as $user: $(tail -5 "$tmp/install.log")"
[ -x "$home/.local/bin/socm" ] && [ -x "$home/.local/libexec/socm/socm-supervise" ] ||
    fail "not installed under ~/.local"
[ "$(stat -c %U "$home/.local/bin/socm")" = "$user" ] || fail "installed files not the user's"
cp "$home/.local/share/doc/socm/examples/quickstart.toml" "$home/" && chown "$user:" "$home/quickstart.toml"
printf '[campaign.who]\ntype = "generic"\nexecutable = "sh"\nargs = ["-c", "readlink /proc/$PPID/exe > $SOCM_SANDBOX/sup.txt"]\n' >>"$home/quickstart.toml"
as_user bash -c 'cd && socm run quickstart.toml --quiet' >"$tmp/run.txt" 2>&1 || fail "quickstart as $user: $(tail -5 "$tmp/run.txt")"
as_user bash -c 'cd && socm status socm-quickstart' >"$tmp/status.txt" 2>&1 || fail "status: $(cat "$tmp/status.txt")"
grep -q 'DONE' "$tmp/status.txt" || fail "quickstart not DONE: $(cat "$tmp/status.txt")"
[ "$(cat "$home/socm-quickstart/workflows/who/sup.txt" 2>/dev/null)" = "$home/.local/libexec/socm/socm-supervise" ] ||
    fail "supervised by '$(cat "$home/socm-quickstart/workflows/who/sup.txt" 2>/dev/null)'"
[ "$(stat -c %U "$home/socm-quickstart/journal.jsonl")" = "$user" ] || fail "journal not the user's"
finish "ok: installed into ~/.local as $user and ran the quickstart from there"
