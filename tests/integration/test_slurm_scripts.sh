#!/usr/bin/env bash
# test_slurm_scripts.sh — the batch scripts socm writes for Slurm, with stub Slurm
# commands (SOCM_SLURM_BINDIR; no cluster needed), and validate's per-node checks.
#  S. A state directory whose path holds spaces, quotes, '$', ';', '%', '`', '\' and
#     '&&': the slurm-pilot's pilot.sh passes `bash -n`, its comments carry no value
#     (not the campaign name), and run as Slurm would run it (stub scontrol) the agent
#     starts in exactly that directory. slurm-jobs' socm-job.sh passes `bash -n` and,
#     run with a stub srun, hands the workflow its argv and environment byte for byte
#     (newline, quotes, '$(...)', glob characters); the --output pattern escapes '%'.
#     The job ends as its command did (exit 147 and 255 stay exit statuses, a command
#     USR1 killed ends it by USR1); a workflow's own PWD does not move its records; a
#     command named like a bash builtin is the program PATH finds.
#  V. `socm validate` refuses, for the Slurm enactors, a rank whose threads or memory
#     do not fit one node (12 threads or 12 GB on 8-core / 8000 MB nodes), with the
#     workflow's position; the local enactor is not held to nodes.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"
mkdir stubs
# sbatch: keeps its arguments and script, answers job 4242; squeue: PENDING.
cat > stubs/sbatch <<'SH'
#!/bin/sh
d=$(dirname "$0")/..
for a in "$@"; do printf '%s\n' "$a"; done > "$d/sbatch.args"
for a in "$@"; do :; done
cp "$a" "$d/sbatch.script"
echo 4242
SH
# squeue: PENDING until scancel; sacct: CANCELLED after it.
printf '#!/bin/sh\n[ -e %s/canceled ] || echo "4242|PENDING|0:00|1|(Priority)|x"\n' "$tmp" > stubs/squeue
printf '#!/bin/sh\necho "JobID|State|ExitCode"\n[ -e %s/canceled ] && echo "4242|CANCELLED|0:15"\nexit 0\n' "$tmp" > stubs/sacct
printf '#!/bin/sh\ntouch %s/canceled\n' "$tmp" > stubs/scancel
printf '#!/bin/sh\necho "n1|idle|8|8000|debug*"\n' > stubs/sinfo
printf '#!/bin/sh\necho n1\n' > stubs/scontrol
# srun: writes into the sandbox the command it was given (after srun's options and
# the step wrapper of slurm-jobs, `bash -c STEP socm-step DONE_BASE`) NUL-separated,
# the environment it would pass on, where it runs and what socm told it; then runs the
# wrapper as task 0 (which runs the command).
cat > stubs/srun <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in --*) shift ;; *) break ;; esac; done
step= done_base=
if [ "$1" = bash ] && [ "$2" = -c ] && [ "$4" = socm-step ]; then step=$3 done_base=$5; shift 5; fi
printf '%s\0' "$@" > "$SOCM_SANDBOX/srun.argv"
printf '%s' "$HOSTILE" > "$SOCM_SANDBOX/srun.env"
pwd > "$SOCM_SANDBOX/srun.pwd"
env | grep -E '^(SOCM_(CAMPAIGN|WORKFLOW|ATTEMPT|WORKDIR|CORES)|OMP_NUM_THREADS)=' | sort > "$SOCM_SANDBOX/srun.socm"
[ -z "$step" ] || SLURM_PROCID=0 exec bash -c "$step" socm-step "$done_base" "$@" > /dev/null
SH
chmod +x stubs/*
export SOCM_SLURM_BINDIR=$tmp/stubs

nasty="$tmp/st 'a' \"b\" \$x;%y \`id\` back\\slash && z"
camp_head() { # NAME ENACTOR
  cat <<TOML
[campaign]
name = "$1"
deadline = "1h"
resource = "cl"
requested_resources = 2
execution_schema = "batch"
enactor = "$2"
[resources.cl]
nodes = 1
cores_per_node = 8
memory_per_node = "8000M"
qos = [{ name = "short", max_walltime = "1d", max_jobs = 50, max_cores = 8 }]
[campaign.w]
type = "generic"
executable = "printf"
args = ["%s|", "a b", "it's \"q\"", "\$(id) \`id\`", "l1\nl2", "*", ""]
[campaign.w.resources]
runtime = "10m"
memory = "50M"
[campaign.w.environment]
HOSTILE = "v 'a' \"b\" \$X; rm -rf /nonexistent\nend"
TOML
}

# run_until FILE TOML STATE_DIR: runs the campaign until the stub sbatch was called.
run_until() {
  rm -f sbatch.script canceled
  "$SOCM_BIN" run "$2" --state-dir "$3" --quiet > run.out 2>&1 & local pid=$!
  for ((i = 0; i < 100; i++)); do [ -s sbatch.script ] && break; sleep 0.1; done
  kill "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  [ -s sbatch.script ] || { fail "$2: sbatch was never called: $(cat run.out)"; return 1; }
}

# ---------------------------------------------------------------- S: slurm-pilot
camp_head "c.1+x-y_z" slurm-pilot > p.toml
if run_until sbatch.script p.toml "$nasty/p"; then
  cp sbatch.script pilot.sh
  bash -n pilot.sh || fail "pilot.sh does not parse: $(cat pilot.sh)"
  grep '^#' pilot.sh | grep -q 'c\.1+x-y_z' && fail "a comment of pilot.sh carries the campaign name"
  mkdir -p "$nasty/p/pilot" && touch "$nasty/p/pilot/stop"
  SLURM_JOB_ID=1 SLURM_JOB_NODELIST=n1 SLURM_JOB_CPUS_PER_NODE=2 SOCM_AGENT_IDLE=2 \
    timeout 20 bash pilot.sh > agent.out 2>&1 || fail "pilot.sh: the agent failed: $(cat agent.out)"
  grep -qF "state in $nasty/p" agent.out || fail "the agent did not start in the state directory: $(cat agent.out)"
  grep -qF -- "--chdir=$nasty/p" sbatch.args || fail "pilot --chdir: $(cat sbatch.args)"
fi

# ---------------------------------------------------------------- S: slurm-jobs
camp_head "c.1+x-y_z" slurm-jobs > j.toml
if run_until sbatch.script j.toml "$nasty/j"; then
  bash -n sbatch.script || fail "socm-job.sh does not parse: $(cat sbatch.script)"
  esc=${nasty//%/%%}
  grep -qxF -- "--output=$esc/j/workflows/w/slurm-%j.out" sbatch.args ||
    fail "--output does not escape '%': $(grep output sbatch.args)"
  (cd "$nasty/j/workflows/w" && PATH=$tmp/stubs:$PATH bash "$tmp/sbatch.script") || fail "socm-job.sh failed"
  printf '%s\0' printf "%s|" "a b" "it's \"q\"" "\$(id) \`id\`" "$(printf 'l1\nl2')" "*" "" > want.argv
  cmp -s want.argv "$nasty/j/workflows/w/srun.argv" || fail "argv changed on its way: $(od -c "$nasty/j/workflows/w/srun.argv" | head)"
  # The command ran to its end: the same job run again (requeued) does not run it.
  [ "$(cat "$nasty/j/workflows/w/socm-done.1.0" 2>/dev/null)" = 0 ] ||
    fail "slurm-jobs: no socm-done.1.0 with the command's exit status"
  rm "$nasty/j/workflows/w/srun.argv"
  (cd "$nasty/j/workflows/w" && PATH=$tmp/stubs:$PATH bash "$tmp/sbatch.script" 2> "$tmp/again.err") ||
    fail "socm-job.sh run again: exit $?"
  [ -e "$nasty/j/workflows/w/srun.argv" ] && fail "socm-job.sh run again ran the command again"
  grep -q "attempt 1 already ran to its end (exit 0): not run again" "$tmp/again.err" ||
    fail "socm-job.sh run again: $(cat "$tmp/again.err")"
  printf "v 'a' \"b\" \$X; rm -rf /nonexistent\nend" > want.env
  cmp -s want.env "$nasty/j/workflows/w/srun.env" || fail "environment changed on its way: $(cat "$nasty/j/workflows/w/srun.env")"
  # the command runs in the campaign's working directory (where `socm run` started),
  # told what every command is told
  [ "$(cat "$nasty/j/workflows/w/srun.pwd" 2>/dev/null)" = "$tmp" ] || fail "slurm-jobs: the command ran in $(cat "$nasty/j/workflows/w/srun.pwd" 2>&1), not $tmp"
  printf '%s\n' OMP_NUM_THREADS=1 SOCM_ATTEMPT=1 "SOCM_CAMPAIGN=c.1+x-y_z" SOCM_CORES=1 SOCM_WORKDIR="$tmp" SOCM_WORKFLOW=w > want.socm
  cmp -s want.socm "$nasty/j/workflows/w/srun.socm" || fail "slurm-jobs environment: $(cat "$nasty/j/workflows/w/srun.socm")"
  # E. The job ends as its command did: an exit status past 128 that is a stop
  # signal's (147: the step shell used to stop itself, and the job hung to its time
  # limit) or no signal's (255) stays that exit status, with nothing added to its
  # output; a command USR1 killed ends the job by USR1 (the step shell's own trap for
  # it must not turn that into exit 138).
  sb="$nasty/j/workflows/w"
  for want in 147 255; do
    rm -f "$sb"/socm-done.*
    printf '%s\0' bash -c "exit $want" > "$sb/socm-argv.nul"
    rc=0
    (cd "$sb" && PATH=$tmp/stubs:$PATH timeout -s KILL 10 bash "$tmp/sbatch.script" 2> "$tmp/exit.err") || rc=$?
    [ "$rc" = "$want" ] || fail "slurm-jobs: a command that exits $want ended the job with $rc (137: it hung): $(cat "$tmp/exit.err")"
    [ -s "$tmp/exit.err" ] && fail "slurm-jobs: a command that exits $want: the job says $(cat "$tmp/exit.err")"
    [ "$(cat "$sb/socm-done.1.0" 2>/dev/null)" = "" ] || fail "slurm-jobs: exit $want left a record"
  done
  rm -f "$sb"/socm-done.*
  printf '%s\0' bash -c 'kill -USR1 $$' > "$sb/socm-argv.nul"
  how=$(cd "$sb" && PATH=$tmp/stubs:$PATH perl -e 'system @ARGV; print $? & 127 ? "signal ".($? & 127) : "exit ".($? >> 8)' \
    bash "$tmp/sbatch.script" 2>/dev/null)
  [ "$how" = "signal $(kill -l USR1)" ] ||
    fail "slurm-jobs: a command USR1 killed: the job ended by $how, not by signal USR1"
  # A workflow whose environment names its own PWD: the records stay in the sandbox
  # (another directory's socm-done.1.0, another workflow's, does not make it skip).
  mkdir -p elsewhere && echo 0 > elsewhere/socm-done.1.0
  rm -f "$sb"/socm-done.* "$sb/srun.argv"
  printf '%s\0' true > "$sb/socm-argv.nul"
  cp "$sb/socm-env.nul" env.keep && printf 'PWD=%s\0' "$tmp/elsewhere" >> "$sb/socm-env.nul"
  (cd "$sb" && PATH=$tmp/stubs:$PATH bash "$tmp/sbatch.script" 2> "$tmp/pwd.err") ||
    fail "slurm-jobs: a workflow's own PWD: exit $? $(cat "$tmp/pwd.err")"
  [ -e "$sb/srun.argv" ] || fail "slurm-jobs: a workflow's own PWD: another directory's record skipped it: $(cat "$tmp/pwd.err")"
  [ "$(cat "$sb/socm-done.1.0" 2>/dev/null)" = 0 ] || fail "slurm-jobs: a workflow's own PWD: no record in the sandbox"
  cp env.keep "$sb/socm-env.nul"
  # A command named like a bash builtin (echo) is the program PATH finds, as when srun
  # ran it itself, not the step shell's builtin.
  mkdir -p cmdbin && printf '#!/bin/sh\ntouch "$SOCM_SANDBOX/echo.ran"\n' > cmdbin/echo && chmod +x cmdbin/echo
  rm -f "$sb"/socm-done.* "$sb/echo.ran"
  printf '%s\0' echo x > "$sb/socm-argv.nul"
  printf 'PATH=%s\0' "$tmp/cmdbin:$tmp/stubs:$PATH" >> "$sb/socm-env.nul"
  (cd "$sb" && bash "$tmp/sbatch.script" 2> "$tmp/echo.err") || fail "slurm-jobs: echo: exit $? $(cat "$tmp/echo.err")"
  [ -e "$sb/echo.ran" ] || fail "slurm-jobs: argv 'echo x' ran the step shell's builtin, not the echo PATH finds"
  cp env.keep "$sb/socm-env.nul"
fi

# ---------------------------------------------------------------- V: per-node fit
for e in slurm-pilot slurm-jobs local; do
  { camp_head "fit" "$e" | sed 's/^requested_resources = 2/requested_resources = 16/; s/^nodes = 1/nodes = 2/'
    cat <<'TOML'
[campaign.wide]
type = "generic"
executable = "true"
[campaign.wide.resources]
threads = 12
runtime = "10m"
memory = "50M"
[campaign.fat]
type = "generic"
executable = "true"
[campaign.fat.resources]
memory = "12G"
runtime = "10m"
TOML
  } > fit.toml
  rc=0; "$SOCM_BIN" validate fit.toml > fit.out 2>&1 || rc=$?
  if [ "$e" = local ]; then
    grep -q "fit a node\|a node of" fit.out && fail "local: per-node checks apply: $(cat fit.out)"
  else
    [ "$rc" -eq 2 ] || fail "$e: validate exit $rc, expected 2: $(cat fit.out)"
    grep -q "fit.toml:[0-9]*:[0-9]*: workflow 'wide': a rank's 12 threads do not fit a node of cl (8 cores)" fit.out ||
      fail "$e: no per-node thread error: $(cat fit.out)"
    grep -q "fit.toml:[0-9]*:[0-9]*: workflow 'fat': a rank needs 12000 MB of memory but a node of cl has 8000 MB" fit.out ||
      fail "$e: no per-node memory error: $(cat fit.out)"
  fi
done
finish
