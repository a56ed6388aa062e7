#!/usr/bin/env bash
# Every offline command the READMEs give, each on its OWN fresh clone of HEAD (no dist/, no cdktf.out, nothing an
# earlier command wrote), each bounded in time: a command that only works after another one fails here.
# `.ci/run` runs it; locally: `bash scripts/fresh-clone-commands.sh [NAME...]` (names from the list below).
# node_modules: the clones share one install. It is this tree's node_modules when its package-lock.json is the
# clone's (CI has just run `npm ci` from the same lock), else one `npm ci` in a separate clone; commands write their
# output into their clone, not into node_modules. promtool's check runs where promtool is installed (or CI=true,
# where its absence fails). Ports: `npm start` uses the README's defaults unless PORT / LOCAL_*_PORT are set.
# exit status 0 when every command passed; prints one line per command with its time.
set -uo pipefail
top=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel) || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone-commands.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CHECKPOINT_DISABLE=1

deps="$top/node_modules"
git clone -q --shared "$top" "$work/deps" || exit 2
if ! [ -d "$deps" ] || ! cmp -s "$top/package-lock.json" "$work/deps/package-lock.json"; then
  echo "== npm ci (this tree's node_modules is missing or from another package-lock.json)"
  (cd "$work/deps" && npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1) || { tail -20 "$work/npm-ci.log"; exit 2; }
  deps="$work/deps/node_modules"
fi

failed=()
summary=()
n=0
# fresh NAME: a new clone of HEAD for one command; prints its directory.
fresh() {
  n=$((n + 1))
  local dir="$work/c$n-${1//[^a-z0-9]/-}"
  git clone -q --shared "$top" "$dir" && ln -s "$deps" "$dir/node_modules" && echo "$dir"
}
record() { # record NAME STATUS SECONDS
  summary+=("$(printf '%-34s %-6s %4d s' "$1" "$2" "$3")")
  [ "$2" = ok ] || failed+=("$1")
}
# cmd NAME TIMEOUT_S CHECK COMMAND...: runs COMMAND in a fresh clone; CHECK (a shell test run there after it, or
# "true") must hold too.
cmd() {
  local name=$1 limit=$2 check=$3
  shift 3
  selected "$name" || return 0
  local dir start status=ok
  dir=$(fresh "$name") || { record "$name" clone 0; return; }
  echo "== $name: $*"
  start=$(date +%s)
  if ! (cd "$dir" && timeout -k 10 "$limit" "$@" >"$dir/.cmd.log" 2>&1); then
    status=FAILED
  elif ! (cd "$dir" && eval "$check"); then
    status=FAILED
    echo "   check failed: $check"
  fi
  [ "$status" = ok ] || tail -15 "$dir/.cmd.log"
  record "$name" "$status" $(($(date +%s) - start))
}
# start NAME TIMEOUT_S MARKER [VAR=VALUE...]: `npm start` with those settings in a fresh clone until its output
# matches MARKER (an extended regex), then Ctrl-C: it must print "stopped" and exit within 120 s (the producer
# flushes first, and kinesis-local answers slowly on a loaded machine). With WHILE_RUNNING set, that command runs
# in the same clone while the pipeline runs (and must pass) before Ctrl-C.
start() {
  local name=$1 limit=$2 marker=$3
  shift 3
  selected "$name" || return 0
  local dir begin pid status=ok
  dir=$(fresh "$name") || { record "$name" clone 0; return; }
  echo "== $name: $* npm start (until /$marker/)"
  begin=$(date +%s)
  (cd "$dir" && exec env "$@" setsid npm start >"$dir/.start.log" 2>&1) &
  pid=$!
  until grep -qE "$marker" "$dir/.start.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $(($(date +%s) - begin)) -ge "$limit" ]; then
      status=FAILED
      echo "   no /$marker/ within $limit s"
      break
    fi
    sleep 1
  done
  if [ "$status" = ok ] && [ -n "${WHILE_RUNNING:-}" ]; then
    echo "   beside it: $WHILE_RUNNING"
    (cd "$dir" && env "$@" timeout -k 10 300 bash -c "$WHILE_RUNNING" >"$dir/.beside.log" 2>&1) ||
      { status=FAILED; tail -15 "$dir/.beside.log"; echo "   FAILED beside npm start: $WHILE_RUNNING"; }
  fi
  kill -INT -- -"$pid" 2>/dev/null
  local waited=0
  # npm may exit before the pipeline has stopped: wait for the whole process group (setsid made $pid its id).
  while kill -0 -- -"$pid" 2>/dev/null && [ "$waited" -lt 120 ]; do sleep 1; waited=$((waited + 1)); done
  if kill -0 -- -"$pid" 2>/dev/null; then
    kill -KILL -- -"$pid" 2>/dev/null
    status=FAILED
    echo "   still running 120 s after Ctrl-C"
  elif ! grep -q '^stopped$' "$dir/.start.log"; then
    # npm itself exits 130 on SIGINT, as in a terminal; the pipeline's own "stopped" line says it shut down in order.
    status=FAILED
    echo "   Ctrl-C did not stop it cleanly (no \"stopped\" line)"
  fi
  [ "$status" = ok ] || tail -15 "$dir/.start.log"
  record "$name" "$status" $(($(date +%s) - begin))
}
only=("$@")
selected() {
  [ "${#only[@]}" -eq 0 ] && return 0
  local o
  for o in "${only[@]}"; do [ "$o" = "$1" ] && return 0; done
  return 1
}

# README.md "Deploy to AWS": the HCL way out first, as a newcomer may, then the JSON.
cmd synth:hcl 300 'ls cdktf.out/hcl/stacks/*/cdk.tf >/dev/null' npm run synth:hcl
cmd synth 300 'ls cdktf.out/stacks/*/cdk.tf.json >/dev/null' npm run synth
# README.md Development; scripts/README.md.
cmd tool-status 60 true npx tsx scripts/tool-status.ts
if command -v promtool >/dev/null || [ "${CI:-}" = true ]; then
  cmd check:rules 120 true npm run check:rules
else
  echo "== check:rules: not run, promtool is not installed"
fi
# bench/README.md: the quick form (one round, smaller runs); local/README.md: one round per engine.
cmd "bench --quick" 900 'test -s bench/results/latest.json' npm run bench -- --quick
cmd "measure:engines 1" 900 true npm run measure:engines 1
# The measurement scripts the folder READMEs name, on small inputs.
cmd sweep-bench 300 true npx tsx compliance/test/measure/sweep-bench.ts 1000
cmd envelope-check 300 true npx tsx bench/producer/envelope-check.ts 2000
cmd producer-throughput 300 true npx tsx producer-service/test/measure/throughput.ts --sink kinesalite --tweets 5000
cmd bench:spool 300 true npm run bench:spool
# README.md Quick start and local/README.md: `npm start` in each mode; `npm run compliance` beside the default one.
WHILE_RUNNING="npm run compliance" start "start + compliance" 180 'items in table [1-9]' LOCAL_PROGRESS_INTERVAL_MS=1000
start "start kinesis-local" 300 'items in table [1-9]' LOCAL_KINESIS_ENGINE=kinesis-local LOCAL_PROGRESS_INTERVAL_MS=1000
start "start X outages" 240 'recovered [1-9]' LOCAL_X_OUTAGE_EVERY_MS=10000 LOCAL_X_OUTAGE_MS=3000 LOCAL_PROGRESS_INTERVAL_MS=1000
start "start compliance demo" 240 'the post is gone from the table' LOCAL_COMPLIANCE_DEMO_SECONDS=15
start "start tweets 0" 120 'items in table 0' LOCAL_TWEETS_PER_SECOND=0 LOCAL_PROGRESS_INTERVAL_MS=1000

echo "== fresh-clone commands (each on its own clone of $(git -C "$top" rev-parse --short HEAD))"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "== FAILED: ${failed[*]}"
  exit 1
fi
