#!/usr/bin/env bash
# test_statedir_trust.sh — a state directory cannot be used against its owner: socm
# creates it 0700; it refuses (exit 3, the reason and the fix) one that others can
# write to or another user owns; a symbolic link planted where socm.log, the journal
# or the manager lock belong is an error naming it, and the file it points to is
# never written; a journal line changed after socm wrote it is refused.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_testbox.sh"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
{ testbox tr 2; cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "echo a >> $T/a.runs"]
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo b >> $T/b.runs"]
depends = ["a"]
TOML
} > c.toml
echo precious > victim
want_refused() { # WHAT EXIT PATTERN COMMAND...
  local what=$1 code=$2 pat=$3
  shift 3
  set +e
  "$SOCM_BIN" "$@" >/dev/null 2>err.txt
  local rc=$?
  set -e
  [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code"; cat err.txt; }
  grep -q -- "$pat" err.txt || { fail "$what: message lacks '$pat':"; cat err.txt; }
  [ "$(cat victim)" = precious ] || fail "$what: the victim file was written"
  [ ! -e a.runs ] || fail "$what: a workflow ran"
}

# new state directories (and their parents) are private, whatever the umask
(umask 000; "$SOCM_BIN" run c.toml --state-dir deep/er/s --quiet) || fail "fresh run failed"
[ "$(stat -c %a deep/er/s)" = 700 ] || fail "state dir mode $(stat -c %a deep/er/s)"
[ "$(stat -c %a deep/er)" = 700 ] || fail "parent mode $(stat -c %a deep/er)"
for f in journal.jsonl socm.log manager.lock; do
  [ "$(stat -c %a "deep/er/s/$f")" = 600 ] || fail "$f mode $(stat -c %a "deep/er/s/$f")"
done
rm -f a.runs b.runs

# a directory others can write to
mkdir open && chmod 0777 open
want_refused "0777 dir" 3 "is writable by others (mode 0777)" run c.toml --quiet --state-dir open
grep -q "chmod go-w open" err.txt || fail "0777: no fix given"
[ ! -e open/journal.jsonl ] || fail "0777: a journal was written"
mkdir grp && chmod 0770 grp
want_refused "0770 dir" 3 "is writable by its group" run c.toml --quiet --state-dir grp

# a directory another user owns (root can make one)
if [ "$(id -u)" -eq 0 ]; then
  mkdir theirs && chmod 0700 theirs && chown 65534:65534 theirs
  want_refused "foreign dir" 3 "not to you" run c.toml --quiet --state-dir theirs
else
  skip_part "a directory owned by another user needs root"
fi

# links planted where socm's files belong, in a directory of ours
mkdir -m 700 l1 && ln -s "$T/victim" l1/socm.log
want_refused "socm.log link" 3 "l1/socm.log is a symbolic link" run c.toml --quiet --state-dir l1
[ ! -e l1/journal.jsonl ] || fail "socm.log link: the run began (journal written)"
mkdir -m 700 l2 && ln -s "$T/victim" l2/manager.lock
want_refused "manager.lock link" 3 "l2/manager.lock is a symbolic link" run c.toml --quiet --state-dir l2

# a journal that is a link: resume, status and cancel refuse it
mkdir -m 700 l3 && ln -s "$T/victim" l3/journal.jsonl
want_refused "journal link (resume)" 3 "l3/journal.jsonl is a symbolic link" resume l3 --quiet
want_refused "journal link (status)" 3 "l3/journal.jsonl is a symbolic link" status l3
want_refused "journal link (cancel)" 3 "l3/journal.jsonl is a symbolic link" cancel l3
want_refused "journal link (run)" 2 "already holds a campaign journal" run c.toml --quiet --state-dir l3

# a finished campaign whose middle line is changed into another well-formed event
"$SOCM_BIN" run c.toml --state-dir ok --quiet || fail "run failed"
line=$(grep -n '"state":"DONE"' ok/journal.jsonl | head -1 | cut -d: -f1)
sed -i "${line}s/\"state\":\"DONE\"/\"state\":\"NEW\"/" ok/journal.jsonl
set +e
"$SOCM_BIN" status ok > st.txt 2> err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] || { fail "tampered journal: status exit $rc, want 2"; cat st.txt; }
grep -q "journal.jsonl:$line: corrupt journal event (checksum mismatch" err.txt ||
  { fail "tampered journal: message:"; cat err.txt; }
# ... and a line rewritten with a fresh checksum is not what this is meant to catch,
# but a line without any (an editor's) is refused too
"$SOCM_BIN" run c.toml --state-dir ok2 --quiet || fail "run failed"
sed -i '2s/,"crc":"[0-9a-f]*"}$/}/' ok2/journal.jsonl
set +e
"$SOCM_BIN" status ok2 >/dev/null 2> err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "journal.jsonl:2: .*no checksum" err.txt || { fail "unsealed line: exit $rc"; cat err.txt; }

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
