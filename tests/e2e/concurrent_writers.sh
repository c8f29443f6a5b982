#!/usr/bin/env bash
# Several processes writing at once all succeed (on a file: WAL, busy timeout, BEGIN IMMEDIATE; on
# a team database: the write lock), every write is there, and check finds the derived state right.
source "$(dirname "$0")/lib.sh" "$1"

st client add Acme; expect_rc 0
writer() { # writer N: logs 20 requests and replies to each
  local n=$1 i id
  for i in $(seq 1 20); do
    id=$("$SLATRACK_BIN" --db "$db" log Acme "w$n-$i" --ref "w$n-$i" -q) || { echo "log failed: $n $i"; return 1; }
    "$SLATRACK_BIN" --db "$db" reply "$id" -q || { echo "reply failed: $n $i"; return 1; }
  done
}
pids=()
for n in 1 2 3 4 5 6; do
  writer "$n" >"$tmp/writer$n.log" 2>&1 &
  pids+=($!)
done
for n in 0 1 2 3 4 5; do
  wait "${pids[$n]}" && rc=0 || rc=$?
  out=$(cat "$tmp/writer$((n + 1)).log"); err=""
  expect_rc 0 "(writer $((n + 1)))"
done
st list --status all --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 120 "(every request is there)"
expect_eq "$(printf '%s\n' "$out" | jq -r 'select(.replied_at != null) | .id' | wc -l)" 120 \
  "(every reply is there)"
if on_file; then
  expect_eq "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal
  expect_eq "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
fi
st check; expect_rc 0
finish
