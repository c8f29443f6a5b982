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

# The floors of void, unvoid, undo and merge write what the commands write: on the work copy, the
# requests put back as bench/run.sh does before each run, then the command or its floor, and the
# requests compared in shape (void mark, what runs next, whether replied, clock runs, events with
# their marks and copies).
shape() {
  sqlite3 "$w" "SELECT r.id, r.voided_by IS NOT NULL,
    $([ "${2:-}" = events ] && echo "''," || echo "ifnull(r.next_metric, '-'), r.replied_at IS NOT NULL,
    (SELECT group_concat(metric || ':' || outcome, ' ') FROM (SELECT metric, outcome FROM clocks c
      WHERE c.request_id = r.id ORDER BY seq)),")
    (SELECT group_concat(kind || ':' || (voided_by IS NOT NULL) || ':' || (merged_from IS NOT NULL), ' ')
      FROM (SELECT kind, voided_by, merged_from FROM events e WHERE e.request_id = r.id ORDER BY number))
    FROM requests r WHERE r.id IN ($1) ORDER BY r.id"
}
ids() { grep "^$1	" "$data/mistakes-200.tsv" | cut -f2; }
id=$(ids id)
replied=$(ids replied)
reply_event=$(ids reply_event)
duplicate=$(ids duplicate)
export SLATRACK_NOW=2026-11-20T15:00:00Z SLATRACK_USER=bench TZ=UTC
# same_writes NAME IDS PREPARE COMMAND FLOOR_SQL [events]: PREPARE, COMMAND, shape; PREPARE,
# floor, shape. With "events", the events and void marks only: merge's floor writes fixed clock
# runs for INTO, which match slatrack's only when ID had no reply (at 1M; not always at 200).
same_writes() {
  local name=$1 ids=$2 prepare=$3 command=$4 floor=$5 what=${6:-} by_slatrack
  bash -c "$prepare" >/dev/null
  bash -c "$command" >/dev/null 2>&1 || fail "$name: '$command' failed"
  by_slatrack=$(shape "$ids" "$what")
  bash -c "$prepare" >/dev/null
  sqlite3 -bail "$w" ".read $data/$floor" >/dev/null || fail "$name: the floor $floor failed"
  expect_eq "$(shape "$ids" "$what")" "$by_slatrack" "$name: the floor writes what slatrack writes"
}
s="$SLATRACK_BIN --db $w"
restore="sqlite3 $w '.read $data/restore-200.sql'"
same_writes void "$id" "$restore" "$s void $id -m x" void-200.sql
same_writes "void ID EVENT" "$replied" "sqlite3 $w '.read $data/restore-replied-200.sql'" \
  "$s void $replied $reply_event" void-event-200.sql
same_writes unvoid "$id" "bash $data/voided-200.sh" "$s unvoid $id" unvoid-200.sql
same_writes undo "$id" "bash $data/replied-200.sh" "$s undo" undo-200.sql
same_writes merge "$id, $duplicate" "sqlite3 $w '.read $data/restore-merge-200.sql'" \
  "$s merge $duplicate $id" merge-200.sql events

# Every benchmark has its row in the tables.
report=$(cat "$data/results.md")
for name in 'log 200' 'reply 200' 'overdue 200' 'overdue --within 4h 200' 'list 200' 'show 200' \
  'report 200' 'void 200' 'void ID EVENT 200' 'unvoid 200' 'undo 200' 'merge 200' \
  'report --month last 200' 'statement --month last 200' \
  'statement --month last --format html 200' 'sla set --retroactive 200' 'slatrack --version' \
  'slatrack --help' 'import 200 (1 run)'; do
  checks=$((checks + 1))
  case "$report" in *"| \`$name\` |"*) ;; *) fail "no row for $name in results.md" ;; esac
done
for name in 'log' 'reply' 'overdue' 'report (a year)' 'report --month last' \
  'statement --month last' 'export --format csv' 'sla set --retroactive' 'check' 'backup' \
  'import (200 requests)'; do
  checks=$((checks + 1))
  case "$report" in *"| \`$name\` |"*) ;; *) fail "no peak memory row for $name" ;; esac
done
err=$(cat "$tmp/run.err")
command -v hyperfine >/dev/null || expect_err_has "hyperfine is not installed"
command -v task >/dev/null || expect_err_has "taskwarrior is not installed"
finish
