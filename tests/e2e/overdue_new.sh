#!/usr/bin/env bash
# overdue for people and cron: at-risk rows are marked apart from overdue ones in the table (text
# and color) and in every machine format (state "overdue" / "at-risk"); `--new` run twice in a row
# shows nothing the second time; and two `--new` runs at the same moment, 20 rounds over, never
# show the same breach twice and together show every one; a request's second clock that breaches
# is told too, once, also by two runs at once.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 12:00"

st client add Acme --owner ann; expect_rc 0         # default policy: reply within 24h
st log Acme "Late" --at "2026-11-22 10:00"; expect_rc 0   # due Sun 10:00: 2h late
st log Acme "Soon" --at "2026-11-22 13:00"; expect_rc 0   # due Mon 13:00: at risk within 2h

# Marked apart: the table says "late" or "at risk", colors them red and yellow, and sums up.
st overdue --within 2h --color always; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | grep -c $'^\e\\[31m1 ')" 1 "(the overdue row is red)"
expect_eq "$(printf '%s\n' "$out" | grep -c $'^\e\\[33m2 ')" 1 "(the at-risk row is yellow)"
expect_out_has "2h 00m late"
expect_out_has "at risk, 1h 00m left"
expect_out_has "1 overdue, 1 at risk"
# ... and every machine format carries state.
st overdue --within 2h --format json; expect_rc 1
expect_eq "$(json_get "$out" 'map("\(.id) \(.state) \(.late_seconds)") | join(",")')" \
  "1 overdue 7200,2 at-risk -3600"
st overdue --within 2h --format jsonl; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r .state | tr '\n' ' ')" "overdue at-risk "
st overdue --within 2h --format csv; expect_rc 1
header=$(printf '%s\n' "$out" | head -1)
column=$(printf '%s\n' "$header" | tr ',' '\n' | grep -n '^state$' | cut -d: -f1)
expect_eq "$(printf '%s\n' "$out" | cut -d, -f"$column" | tr '\n' ' ')" "state overdue at-risk "
st overdue --within 2h --format tsv; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | cut -f"$column" | tr '\n' ' ')" "state overdue at-risk "

# --new twice in a row: the second run shows nothing at all and exits 0.
st overdue --within 2h --new --format jsonl; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.state)"' | tr '\n' ',')" "1 overdue,2 at-risk,"
st overdue --within 2h --new; expect_rc 0; expect_no_out; expect_no_err
st overdue --within 2h --new --format json; expect_rc 0; expect_out "[]"
st overdue --within 2h --new --format csv; expect_rc 0; expect_no_out
# When the at-risk one breaches it is told once more, now as overdue.
st overdue --within 2h --new --format jsonl --now "2026-11-23 13:01"; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.state)"')" "2 overdue"
st overdue --within 2h --new --now "2026-11-23 13:01"; expect_rc 0; expect_no_out

# Two --new at once, 20 rounds: each round logs 3 new breaches, then starts both runs together.
declare -A seen=()
duplicates=0
missing=0
for round in $(seq 1 20); do
  expected=()
  for i in 1 2 3; do
    st log Acme "round $round #$i" --at "2026-11-22 1$i:00" -q; expect_rc 0
    expected+=("$out")
  done
  now="2026-11-23 14:0$((round % 10))"
  "$SLATRACK_BIN" --db "$db" overdue --new --format jsonl --now "$now" >"$tmp/a.out" 2>"$tmp/a.err" &
  pid_a=$!
  "$SLATRACK_BIN" --db "$db" overdue --new --format jsonl --now "$now" >"$tmp/b.out" 2>"$tmp/b.err" &
  pid_b=$!
  wait "$pid_a" && rc_a=0 || rc_a=$?
  wait "$pid_b" && rc_b=0 || rc_b=$?
  out="$(cat "$tmp/a.out" "$tmp/b.out")"; err="$(cat "$tmp/a.err" "$tmp/b.err")"; rc="$rc_a $rc_b"
  expect_no_err "(round $round)"
  # Each run exits 1 exactly when it showed something.
  for run in a b; do
    code=$([ "$run" = a ] && echo "$rc_a" || echo "$rc_b")
    if [ -s "$tmp/$run.out" ]; then expect_eq "$code" 1 "(round $round run $run)"
    else expect_eq "$code" 0 "(round $round run $run)"; fi
  done
  shown=$(printf '%s\n' "$out" | jq -r 'select(. != null) | "\(.id)/\(.metric)/\(.state)"' | sort)
  for key in $shown; do
    if [ -n "${seen[$key]:-}" ]; then duplicates=$((duplicates + 1)); echo "shown twice: $key"; fi
    seen[$key]=1
  done
  for id in "${expected[@]}"; do
    [ -n "${seen[$id/reply/overdue]:-}" ] || { missing=$((missing + 1)); echo "never shown: $id"; }
  done
done
expect_eq "$duplicates" 0 "(no breach shown twice)"
expect_eq "$missing" 0 "(every breach shown)"
expect_eq "${#seen[@]}" 60 "(60 breaches in all)"
expect_eq "$(db_sql "SELECT count(*) FROM overdue_seen WHERE state = 'overdue'")" 62

# A request's second clock is told too, in its turn: of its clocks overdue (or at risk) not told
# yet, the one due first, still one row per request (docs/reports.md). #63: reply due 10:00,
# resolve due 12:00.
export SLATRACK_NOW="2026-11-30 12:00"
st sla add care --reply 1h --resolve 3h; expect_rc 0
st client add Beta --sla care; expect_rc 0
st log Beta "Two clocks" --at "2026-11-24 09:00" -q; expect_rc 0; two=$out
st overdue --client Beta --within 2h --new --format jsonl --now "2026-11-24 11:00"; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.metric) \(.state)"')" "$two reply overdue"
st overdue --client Beta --within 2h --new --format jsonl --now "2026-11-24 11:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.metric) \(.state)"')" "$two resolve at-risk"
st overdue --client Beta --within 2h --new --now "2026-11-24 11:00"; expect_rc 0; expect_no_out
# 13:00: the resolve clock breaches; overdue still lists the reply row (the earliest), --new tells
# the resolve breach, once, and not again when the reply clock stops.
st overdue --client Beta --format jsonl --now "2026-11-24 13:00"; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.metric) \(.state)"')" "$two reply overdue"
st overdue --client Beta --new --format jsonl --now "2026-11-24 13:00"; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.metric) \(.state) \(.due_at)"')" \
  "$two resolve overdue 2026-11-24T12:00:00Z"
st overdue --client Beta --new --now "2026-11-24 13:00"; expect_rc 0; expect_no_out
st reply "$two" --at "2026-11-24 13:30"; expect_rc 0
st overdue --client Beta --new --now "2026-11-24 14:00"; expect_rc 0; expect_no_out

# Two --new at once, 5 rounds of 2 requests whose reply and resolve clocks both breached: together
# the runs tell all 4 breaches of a round, none twice.
declare -A told=()
duplicates=0
missing=0
for round in 1 2 3 4 5; do
  day="2026-11-$((24 + round))"
  expected=()
  for i in 1 2; do
    st log Beta "both $round #$i" --at "$day 0$i:00" -q; expect_rc 0 # due 0$((i + 1)):00, 0$((i + 3)):00
    expected+=("$out")
  done
  "$SLATRACK_BIN" --db "$db" overdue --new --format jsonl --now "$day 12:00" >"$tmp/a.out" 2>"$tmp/a.err" &
  pid_a=$!
  "$SLATRACK_BIN" --db "$db" overdue --new --format jsonl --now "$day 12:00" >"$tmp/b.out" 2>"$tmp/b.err" &
  pid_b=$!
  wait "$pid_a" && rc_a=0 || rc_a=$?
  wait "$pid_b" && rc_b=0 || rc_b=$?
  out="$(cat "$tmp/a.out" "$tmp/b.out")"; err="$(cat "$tmp/a.err" "$tmp/b.err")"; rc="$rc_a $rc_b"
  expect_no_err "(two clocks, round $round)"
  for run in a b; do
    code=$([ "$run" = a ] && echo "$rc_a" || echo "$rc_b")
    if [ -s "$tmp/$run.out" ]; then expect_eq "$code" 1 "(two clocks, round $round run $run)"
    else expect_eq "$code" 0 "(two clocks, round $round run $run)"; fi
  done
  shown=$(printf '%s\n' "$out" | jq -r 'select(. != null) | "\(.id)/\(.metric)/\(.state)"' | sort)
  for key in $shown; do
    if [ -n "${told[$key]:-}" ]; then duplicates=$((duplicates + 1)); echo "shown twice: $key"; fi
    told[$key]=1
  done
  # Whatever the two runs left (none when they ran one after the other) a third run tells.
  st overdue --new --format jsonl --now "$day 12:00"
  for key in $(printf '%s\n' "$out" | jq -r 'select(. != null) | "\(.id)/\(.metric)/\(.state)"'); do
    if [ -n "${told[$key]:-}" ]; then duplicates=$((duplicates + 1)); echo "shown twice: $key"; fi
    told[$key]=1
  done
  for id in "${expected[@]}"; do
    for metric in reply resolve; do
      [ -n "${told[$id/$metric/overdue]:-}" ] || { missing=$((missing + 1)); echo "never shown: $id $metric"; }
    done
  done
done
expect_eq "$duplicates" 0 "(no breach of a second clock shown twice)"
expect_eq "$missing" 0 "(every breach of both clocks shown)"
expect_eq "${#told[@]}" 20 "(20 breaches in all)"
st overdue --new --now "2026-11-30 12:00"; expect_rc 0; expect_no_out
finish
