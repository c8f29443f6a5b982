#!/usr/bin/env bash
# Many writers at once: 8 processes log, reply, pause, resume, follow up, resolve and note their
# own requests into one database while one of them also changes the policy (re-evaluating every
# request) and reads. Every command must exit 0 (the busy timeout and BEGIN IMMEDIATE make them
# wait, never fail), every write must be there (events per kind equal what the processes report),
# and `check` must find the derived state equal to a full re-evaluation.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
workers=${STRESS_WORKERS:-8}
rounds=${STRESS_ROUNDS:-16} # 8 writes a round: 8 x 16 x 8 = 1024 writes, plus the policy changes

st init; expect_rc 0
st sla add standard --reply 2h --update 1d --resolve 3d; expect_rc 0
st client add acme --sla standard; expect_rc 0

# worker K: its own requests, so no command is refused for a reason other than concurrency.
worker() {
  local k=$1 log="$tmp/worker-$k.log" bad="$tmp/worker-$k.failures"
  : >"$log"
  : >"$bad"
  run() { # run KIND ARGS...: one write; records KIND when it exited 0, the failure otherwise
    local kind=$1
    shift
    local result
    if result=$("$SLATRACK_BIN" --db "$db" "$@" 2>&1); then
      echo "$kind" >>"$log"
      printf '%s' "$result"
    else
      echo "exit $?: slatrack $*: $result" >>"$bad"
    fi
  }
  for j in $(seq 1 "$rounds"); do
    local day
    day=$(printf '2026-11-%02d' $((1 + j % 20)))
    local id
    id=$(run message log acme "worker $k round $j" --ref "w$k-$j" --at "${day}T09:0${k}:00Z" -q)
    [ -n "$id" ] || continue
    run reply reply "$id" --at "${day}T09:10:00Z" -m "on it" >/dev/null
    run pause pause "$id" --at "${day}T09:20:00Z" >/dev/null
    run resume resume "$id" --at "${day}T09:30:00Z" >/dev/null
    run message followup "$id" --at "${day}T09:40:00Z" -m "any news?" >/dev/null
    run reply reply "$id" --at "${day}T09:50:00Z" >/dev/null
    run resolve resolve "$id" --at "${day}T10:00:00Z" >/dev/null
    run note note "$id" "worker $k was here" >/dev/null
    if [ "$k" = 1 ] && [ $((j % 6)) = 0 ]; then
      run policy sla set standard --reply $((j / 6 + 1))h >/dev/null
      "$SLATRACK_BIN" --db "$db" list --limit 3 >/dev/null 2>>"$bad" || echo "list failed" >>"$bad"
    fi
  done
}

start=$(date +%s)
pids=()
for k in $(seq 1 "$workers"); do
  worker "$k" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
elapsed=$(($(date +%s) - start))
echo "note: $workers workers, $(cat "$tmp"/worker-*.log | wc -l) writes in ${elapsed}s"

# Every process's every command exited 0.
failures_text=$(cat "$tmp"/worker-*.failures)
expect_eq "$failures_text" "" "no command failed"

# Every write is there: events per kind equal the commands that reported success.
for kind in message reply pause resume resolve note; do
  reported=$(cat "$tmp"/worker-*.log | grep -cx "$kind" || true)
  stored=$(db_sql "SELECT count(*) FROM events WHERE kind = '$kind'")
  expect_eq "$stored" "$reported" "$kind events"
done
expect_eq "$(db_sql "SELECT count(*) FROM requests")" "$((workers * rounds))" "requests"
expect_eq "$(cat "$tmp"/worker-*.log | grep -cx message)" "$((workers * rounds * 2))" "messages"
# Every request was resolved by its worker.
expect_eq "$(db_sql "SELECT count(*) FROM requests WHERE status = 'resolved'")" \
  "$((workers * rounds))" "resolved"
# The last policy change is the one in force; derived state equals a full re-evaluation.
st check; expect_rc 0; expect_out "ok: $((workers * rounds)) requests checked"
last=$((rounds / 6 + 1))
expect_eq "$(db_sql "SELECT t.reply_s FROM policy_targets t JOIN policy_versions v ON v.id = t.version_id JOIN policies p ON p.id = v.policy_id WHERE p.name = 'standard' AND t.priority = '*' ORDER BY v.from_at IS NULL, v.from_at DESC, v.id DESC LIMIT 1")" \
  "$((last * 3600))" "the last policy change is in force"
if on_file; then
  expect_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity"
fi
finish
