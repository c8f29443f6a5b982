#!/usr/bin/env bash
# Many writers on one team database (SPEC.md, Teams; #18 item 3): 8 processes log, reply, note and
# resolve at once while running `overdue --new`, against the real server. Every command succeeds
# (writers wait for the advisory write lock), nothing is lost, request and event numbers have no
# gaps, each breach is told by exactly one `overdue --new` across the processes, and `check`
# finds the derived state equal to a fresh evaluation.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
workers=8
rounds=${STRESS_ROUNDS:-6}

sql() {
  "$pg_bin/psql" -X -q -At "$db" -c "$1"
}

st init; expect_rc 0
st client add Acme; expect_rc 0
# Breaches to tell: requests whose 24h reply clock ran out, logged days ago.
for i in $(seq 1 10); do
  st log Acme "old $i" --at "2026-11-2$((i % 3)) 0$((i % 9)):00" -q; expect_rc 0
done

worker() {
  local n=$1 i id
  for i in $(seq 1 "$rounds"); do
    id=$("$SLATRACK_BIN" --db "$db" log Acme "w$n-$i" --ref "w$n-$i" -q) || { echo "log failed"; return 1; }
    echo log
    "$SLATRACK_BIN" --db "$db" reply "$id" -q || { echo "reply failed"; return 1; }
    echo reply
    "$SLATRACK_BIN" --db "$db" note "$id" "n$n-$i" -q || { echo "note failed"; return 1; }
    echo note
    "$SLATRACK_BIN" --db "$db" overdue --new --format csv >>"$tmp/told-$n.csv"
    [ $? -le 1 ] || { echo "overdue failed"; return 1; }
    "$SLATRACK_BIN" --db "$db" resolve "$id" -q || { echo "resolve failed"; return 1; }
    echo resolve
  done
}
for n in $(seq 1 "$workers"); do
  worker "$n" >"$tmp/worker-$n.log" 2>"$tmp/worker-$n.err" &
done
wait

checks=$((checks + 1))
if grep -q failed "$tmp"/worker-*.log; then
  fail "a worker failed: $(grep -h failed "$tmp"/worker-*.log | head -3)"
fi
expect_eq "$(cat "$tmp"/worker-*.err)" "" "(nothing on stderr)"
total=$((workers * rounds + 10))
expect_eq "$(sql "SELECT count(*) || ' ' || max(id) FROM slatrack.requests")" "$total $total" \
  "(request numbers without gaps)"
expect_eq "$(sql "SELECT count(*) || ' ' || max(id) FROM slatrack.events")" \
  "$(sql "SELECT count(*) || ' ' || count(*) FROM slatrack.events")" "(event ids without gaps)"
expect_eq "$(sql "SELECT count(*) FROM (SELECT request_id FROM slatrack.events GROUP BY request_id HAVING max(number) <> count(*)) x")" \
  0 "(event numbers without gaps in each request)"
for kind in reply note resolve; do
  expect_eq "$(sql "SELECT count(*) FROM slatrack.events WHERE kind = '$kind'")" \
    "$(cat "$tmp"/worker-*.log | grep -cx "$kind")" "($kind events)"
done
# Each of the 10 breaches told exactly once, by one of the processes.
told=$(cat "$tmp"/told-*.csv | grep -v '^id,' | cut -d, -f1 | sort -n)
expect_eq "$(printf '%s\n' "$told" | wc -l)" 10 "(breaches told)"
expect_eq "$(printf '%s\n' "$told" | uniq | wc -l)" 10 "(each told once)"
st overdue --new; expect_rc 0; expect_no_out
st check; expect_rc 0; expect_out "ok: $total requests checked"

finish
