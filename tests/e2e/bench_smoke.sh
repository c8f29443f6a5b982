#!/usr/bin/env bash
# bench/run.sh still works: the generator, the import of its conversations, every benchmarked
# command and every sqlite3 floor, once each at 200 requests (BENCH_SMOKE=1: no timing asserted,
# nothing written to docs/). hyperfine and taskwarrior are used when installed and skipped (with a
# note) when not. The timed runs are bench/run.sh's job, never CI's.
source "$(dirname "$0")/lib.sh" "$1"
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(dirname "$SLATRACK_BIN")
data=$tmp/data

if [ ! -x "$bin/gen_db" ] || [ ! -x "$bin/gen_sql" ]; then
  echo "bench_smoke: no gen_db or gen_sql beside $SLATRACK_BIN; build them (they are always built)"
  exit 1
fi

BENCH_SMOKE=1 BENCH_BIN=$bin BENCH_DATA=$data BENCH_SIZES=200 \
  bash "$repo/bench/run.sh" >"$tmp/run.out" 2>"$tmp/run.err" && rc=0 || rc=$?
out=$(cat "$tmp/run.out")
err=$(tail -5 "$tmp/run.err")
expect_rc 0 "(bench/run.sh in smoke mode; its output: $tmp/run.err)"

# The generated database: 200 requests on 1,000 clients, 5 policies, 3 calendars, all of it
# consistent with its events (bench/run.sh runs `slatrack check` after the import).
sql() { sqlite3 "$data/db-200.sqlite" "$1"; }
expect_eq "$(sql "SELECT count(*) FROM requests")" 200 "requests"
expect_eq "$(sql "SELECT count(*) FROM clients")" 1000 "clients"
expect_eq "$(sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM policies ORDER BY name)")" \
  "basic-us default premium standard-uk standard-us" "policies"
expect_eq "$(sql "SELECT group_concat(name || ':' || zone, ' ') FROM (SELECT * FROM calendars ORDER BY id)")" \
  "24x7:UTC london:Europe/London newyork:America/New_York" "calendars"
expect_eq "$(sql "SELECT count(*) > 0 FROM holidays WHERE calendar_id > 1")" 1 "holidays"
expect_eq "$(sql "SELECT count(*) > 0 FROM requests WHERE status <> 'resolved'")" 1 "some open"
expect_eq "$(sql "SELECT count(*) >= 600 FROM events")" 1 "conversations of 3 events or more"
for kind in message reply pause resume resolve reopen note; do
  expect_eq "$(sql "SELECT count(*) > 0 FROM events WHERE kind = '$kind'")" 1 "some $kind events"
done
db=$data/db-200.sqlite
st check
expect_rc 0
expect_out "ok: 200 requests checked"

# The overdue floor is the store's own query: it finds the requests `slatrack overdue` shows.
work=$data/db-200.sqlite
floor_rows=$(sqlite3 "$work" ".read $data/overdue-200.sql" | cut -d'|' -f1 | sort -n | tr '\n' ' ')
shown=$(SLATRACK_NOW=2026-11-20T15:00:00Z "$SLATRACK_BIN" --db "$work" overdue --format csv \
  | tail -n +2 | cut -d, -f1 | sort -n | tr '\n' ' ')
expect_eq "$shown" "$floor_rows" "overdue rows vs the floor's"

# The floors ran on the work copy: the sqlite3 log and reply wrote their rows.
w=$data/work-200.sqlite
expect_eq "$(sqlite3 "$w" "SELECT count(*) FROM events WHERE author = 'sqlite3' AND kind = 'message'")" 1 "log floor"
expect_eq "$(sqlite3 "$w" "SELECT count(*) FROM events WHERE author = 'sqlite3' AND kind = 'reply'")" 1 "reply floor"

# Every benchmark has its row in the tables.
report=$(cat "$data/results.md")
for name in 'log 200' 'reply 200' 'overdue 200' 'overdue --within 4h 200' 'list 200' 'show 200' \
  'report 200' 'slatrack --version' 'slatrack --help' 'import 200 (1 run)'; do
  checks=$((checks + 1))
  case "$report" in *"| \`$name\` |"*) ;; *) fail "no row for $name in results.md" ;; esac
done
for name in 'log' 'reply' 'overdue' 'report (a year)' 'export --format csv' 'check' 'backup' \
  'import (200 requests)'; do
  checks=$((checks + 1))
  case "$report" in *"| \`$name\` |"*) ;; *) fail "no peak memory row for $name" ;; esac
done
err=$(cat "$tmp/run.err")
command -v hyperfine >/dev/null || expect_err_has "hyperfine is not installed"
command -v task >/dev/null || expect_err_has "taskwarrior is not installed"
finish
