#!/usr/bin/env bash
# bench/run.sh: the command benchmarks of docs/performance.md. Builds slatrack (Release), generates
# databases shaped like a real business's (cached in bench/data/, which git ignores), times each
# command with hyperfine beside its floor (the sqlite3 shell running the statements the command
# runs, on the same database, with the same journal mode and synchronous setting), measures peak
# memory, compares with Taskwarrior, and writes the tables into docs/performance.md between the
# "bench/run.sh" markers.
#
#   bench/run.sh                      10k, 100k and 1M requests (about 40 minutes the first time,
#                                     most of it generating the 1M database; then about 15)
#   bench/run.sh --sizes "10000"      other sizes (the targets are read on the largest)
#   bench/run.sh --runs 10            hyperfine runs per command (default: at least 10, 3 s)
#   bench/run.sh --sizes 1000000 --only 'void|merge'
#                                     only the benchmarks whose name matches the extended regular
#                                     expression (the import, peak memory, Taskwarrior and calendar
#                                     parts run when it matches "import", "peak", "task" or
#                                     "calendar"); the tables go to bench/data/results.md only,
#                                     docs/performance.md is left alone
#
# tests/e2e/bench_smoke.sh runs it with BENCH_SMOKE=1 at 200 requests: one run of everything, no
# install, no build, nothing written to docs/ (BENCH_BIN, BENCH_DATA and BENCH_OUT say where).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
smoke=${BENCH_SMOKE:-0}
sizes="10000 100000 1000000"
runs=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
  --sizes) sizes=$2; shift 2 ;;
  --runs) runs=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  *) echo "usage: bench/run.sh [--sizes \"N ...\"] [--runs N] [--only REGEX]" >&2; exit 2 ;;
  esac
done

# Every command acts as if it were Fri 20 Nov 2026 15:00 UTC, the "now" gen_db builds the data
# around, so cached databases give the same results whenever the benchmark runs.
now_iso=2026-11-20T15:00:00Z
now_unix=1795186800
year_ago_unix=$((now_unix - 365 * 86400))
last_month_unix=1790812800 # 2026-10-01T00:00:00Z: `--month last` is October 2026, in UTC
this_month_unix=1793491200 # 2026-11-01T00:00:00Z
big_client="Client 0201"   # gen_db's big account
export SLATRACK_NOW=$now_iso TZ=UTC LC_ALL=C.UTF-8 SLATRACK_USER=bench
unset SLATRACK_DB SLATRACK_CONFIG NO_COLOR

if [ "$smoke" = 1 ]; then
  bin=${BENCH_BIN:?BENCH_BIN: the directory with slatrack, gen_db and gen_sql}
  data=${BENCH_DATA:?BENCH_DATA: a scratch directory}
  out=${BENCH_OUT:-$data/results.md}
  sizes=${BENCH_SIZES:-200}
  runs=1
else
  # hyperfine and GNU time for the timings, Taskwarrior for the comparison, Google Benchmark for
  # bench_calendar: needed only here, so not in the project's build dependencies.
  "$repo/scripts/install-deps" hyperfine time taskwarrior libbenchmark-dev jq
  bin=$repo/build-bench
  # Release is -O3, where g++ 12 warns falsely (-Wrestrict inside libstdc++'s char_traits, in
  # src/cli/output.cpp): warnings stay errors in the -O2 builds of scripts/test, not here.
  cmake -S "$repo" -B "$bin" -DCMAKE_BUILD_TYPE=Release -DSLATRACK_BENCH=ON -DSLATRACK_WERROR=OFF \
    >/dev/null
  cmake --build "$bin" -j"$(nproc)" --target slatrack gen_db gen_sql bench_calendar >/dev/null
  data=$repo/bench/data
  out=$data/results.md
fi
mkdir -p "$data"
slatrack=$bin/slatrack
have() { command -v "$1" >/dev/null 2>&1; }
wanted() { [ -z "$only" ] || [[ $1 =~ $only ]]; } # wanted NAME: --only lets it run
note() { echo "bench: $*" >&2; }
have hyperfine || note "hyperfine is not installed: running each command once, untimed"
have task || note "taskwarrior is not installed: skipping the comparison with task"

# ---- timing helpers ----

# name, median seconds, floor name, floor median, then the mean CPU seconds (user + system) of each
results=$data/results.tsv
: >"$results"
hyper_runs=()
if [ -n "$runs" ]; then
  hyper_runs=(--runs "$runs" --warmup "$((runs > 1 ? 2 : 0))")
else
  hyper_runs=(--min-runs 10 --warmup 3)
fi

# bench NAME [hyperfine options --] COMMAND [FLOOR_NAME FLOOR_COMMAND]: times COMMAND (and its
# floor in the same hyperfine run) and records the medians. Commands are run without a shell.
bench() {
  local name=$1
  shift
  local options=()
  if [ "$1" = "--with" ]; then
    shift
    while [ "$1" != "--" ]; do
      options+=("$1")
      shift
    done
    shift
  fi
  local command=$1 floor_name=${2:-} floor=${3:-}
  wanted "$name" || return 0
  if ! have hyperfine; then
    # Still run everything once, so a broken command or floor fails the smoke test.
    for c in "$command" ${floor:+"$floor"}; do
      for prepare_index in "${!options[@]}"; do
        if [ "${options[$prepare_index]}" = "--prepare" ]; then
          bash -c "${options[$((prepare_index + 1))]}"
        fi
      done
      local rc=0
      bash -c "$c" >/dev/null || rc=$?
      if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        echo "bench: $name: '$c' failed with exit $rc" >&2
        return 1
      fi
    done
    printf '%s\t-\t%s\t-\t-\t-\n' "$name" "${floor_name:--}" >>"$results"
    return
  fi
  local json=$data/hyperfine.json
  local args=(-N -i)
  case " ${options[*]} " in
  *" --runs "*) ;;
  *) args+=("${hyper_runs[@]}") ;;
  esac
  args+=("${options[@]}" --export-json "$json" -n "$name" "$command")
  [ -n "$floor" ] && args+=(-n "$floor_name" "$floor")
  hyperfine --style basic "${args[@]}" >&2
  local median cpu floor_median="-" floor_cpu="-"
  median=$(jq -r '.results[0].median' "$json")
  cpu=$(jq -r '.results[0].user + .results[0].system' "$json")
  if [ -n "$floor" ]; then
    floor_median=$(jq -r '.results[1].median' "$json")
    floor_cpu=$(jq -r '.results[1].user + .results[1].system' "$json")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$median" "${floor_name:--}" "$floor_median" "$cpu" \
    "$floor_cpu" >>"$results"
}

# peak NAME COMMAND...: the largest resident set of one run, in KiB.
peaks=$data/peaks.tsv
: >"$peaks"
peak() {
  local name=$1
  shift
  local kib rc=0
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$data/time.out" "$@" >/dev/null 2>"$data/peak.err" || rc=$?
    kib=$(tail -1 "$data/time.out")
  else
    "$@" >/dev/null 2>"$data/peak.err" || rc=$?
    kib="-"
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "bench: $name failed with exit $rc: $(cat "$data/peak.err")" >&2
    return 1
  fi
  printf '%s\t%s\n' "$name" "$kib" >>"$peaks"
}

calc() { awk "BEGIN { print $1 }"; }

fill() { # fill TEMPLATE OUTPUT KEY=VALUE...: a bench/sql template with its @KEY@s replaced
  local template=$1 output=$2
  shift 2
  cp "$template" "$output"
  for pair in "$@"; do
    sed -i "s|@${pair%%=*}@|${pair#*=}|g" "$output"
  done
}

# ---- the databases ----

# A database is generated again when the generator changes; a newer schema is migrated on open.
stamp=$(sha256sum <"$repo/bench/gen_db.cpp" | cut -c1-16)
gen_times=$data/generate.tsv
[ -f "$gen_times" ] || : >"$gen_times"

# database N: makes $data/db-N.sqlite (the realistic conversations, imported) and
# $data/requests-N.csv (the same requests in the simple form) unless they exist for this stamp.
database() {
  local n=$1 db=$data/db-$1.sqlite
  if [ -f "$db" ] && [ "$(cat "$data/db-$n.stamp" 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  note "generating $n requests"
  rm -f "$db" "$db-wal" "$db-shm" "$data/events-$n.csv" "$data/requests-$n.csv"
  "$bin/gen_db" --db "$db" --requests "$n" --events-csv "$data/events-$n.csv" \
    --simple-csv "$data/requests-$n.csv"
  local start end
  start=$(date +%s.%N)
  "$slatrack" --db "$db" -q import "$data/events-$n.csv"
  end=$(date +%s.%N)
  "$slatrack" --db "$db" check >/dev/null
  rm -f "$data/events-$n.csv"
  sed -i "/^$n	/d" "$gen_times"
  printf '%s\t%s\n' "$n" "$(calc "$end - $start")" >>"$gen_times"
  echo "$stamp" >"$data/db-$n.stamp"
}

for n in $sizes; do
  database "$n"
done
largest=$(for n in $sizes; do echo "$n"; done | sort -n | tail -1)

# ---- the commands, per size ----

# restore_sql FILE ID...: a sqlite3 script that puts the requests back as they are now in $work:
# the events added after $max_event deleted, the void marks of their events, their clock runs and
# their derived state (what reply, void, unvoid, undo and merge change), in one transaction.
restore_sql() {
  local file=$1 rid
  shift
  {
    echo "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE;"
    for rid in "$@"; do
      echo "DELETE FROM events WHERE request_id = $rid AND id > $max_event;"
      sqlite3 "$work" "SELECT 'UPDATE events SET voided_by = ' || quote(voided_by) || ' WHERE id = '
        || id || ';' FROM events WHERE request_id = $rid"
      echo "DELETE FROM clocks WHERE request_id = $rid;"
      sqlite3 "$work" ".mode insert clocks" "SELECT * FROM clocks WHERE request_id = $rid"
      sqlite3 "$work" "SELECT 'UPDATE requests SET status = ' || quote(status) || ', received_at = '
        || received_at || ', replied_at = ' || quote(replied_at) || ', resolved_at = '
        || quote(resolved_at) || ', reply_due_at = ' || quote(reply_due_at) || ', update_due_at = '
        || quote(update_due_at) || ', resolve_due_at = ' || quote(resolve_due_at)
        || ', next_due_at = ' || quote(next_due_at) || ', next_metric = ' || quote(next_metric)
        || ', voided_by = ' || quote(voided_by) || ', assignee = ' || quote(assignee)
        || ' WHERE id = ' || id || ';' FROM requests WHERE id = $rid"
    done
    echo "COMMIT;"
  } >"$file"
}

for n in $sizes; do
  work=$data/work-$n.sqlite
  rm -f "$work" "$work-wal" "$work-shm"
  cp "$data/db-$n.sqlite" "$work"
  "$slatrack" --db "$work" list --limit 1 >/dev/null # migrates a cached database, untimed
  s="$slatrack --db $work"
  client="Client 0042"
  # The newest request whose reply clock runs: `reply` stops it. Before each run the request is put
  # back as it was (its events, clock runs and derived state), so every run does the same work.
  id=$(sqlite3 "$work" "SELECT id FROM requests WHERE next_metric = 'reply' ORDER BY id DESC LIMIT 1")
  max_event=$(sqlite3 "$work" "SELECT max(id) FROM events")
  max_request=$(sqlite3 "$work" "SELECT max(id) FROM requests") # the benchmarks below log more
  restore=$data/restore-$n.sql
  restore_sql "$restore" "$id"
  fill "$repo/bench/sql/log.sql" "$data/log-$n.sql" NOW="$now_unix" CLIENT="$client"
  fill "$repo/bench/sql/reply.sql" "$data/reply-$n.sql" NOW="$now_unix" ID="$id"
  "$bin/gen_sql" overdue "$now_unix" >"$data/overdue-$n.sql"
  "$bin/gen_sql" report "$year_ago_unix" "$now_unix" "$now_unix" >"$data/report-$n.sql"
  "$bin/gen_sql" report "$last_month_unix" "$this_month_unix" "$now_unix" \
    >"$data/report-month-$n.sql"
  floor="sqlite3 -bail $work"
  open=$(sqlite3 "$work" "SELECT count(*) FROM requests WHERE status <> 'resolved'")
  overdue=$(sqlite3 "$work" "SELECT count(*) FROM requests WHERE next_due_at < $now_unix")
  printf '%s\topen\t%s\toverdue\t%s\treply_id\t%s\n' "$n" "$open" "$overdue" "$id" >>"$data/sizes.tsv.new"

  bench "log $n" "$s log '$client' 'Bench request'" "sqlite3 log $n" "$floor .read\ $data/log-$n.sql"
  # Fixing mistakes (issue 14), each beside the sqlite3 floor of the same writes; before each run
  # the requests are put back (restore_sql), and after the benchmark too, for the rows below
  # (which come after these so that the reply floor's row stays, for tests/e2e/bench_smoke.sh).
  #  void ID: the whole request $id (open, its reply clock running).
  #  void ID EVENT: the reply of the newest request whose update clock runs (its reply clock runs
  #    again).
  #  unvoid ID: $id, voided (by slatrack) before each run.
  #  undo: the reply that `reply $id` (run before each run) recorded.
  #  merge ID INTO: the newest other request whose reply clock runs (of $id's client if it has
  #    one; any other request in a small database that has none) into $id.
  restore_run="sqlite3 $work '.read $restore'"
  fill "$repo/bench/sql/void.sql" "$data/void-$n.sql" NOW="$now_unix" ID="$id"
  bench "void $n" --with --prepare "$restore_run" -- \
    "$s void $id -m 'logged twice'" "sqlite3 void $n" "$floor .read\ $data/void-$n.sql"
  bash -c "$restore_run" >/dev/null
  replied=$(sqlite3 "$work" "SELECT id FROM requests WHERE next_metric = 'update'
    AND voided_by IS NULL ORDER BY id DESC LIMIT 1")
  reply_event=$(sqlite3 "$work" "SELECT max(number) FROM events WHERE request_id = $replied
    AND kind = 'reply' AND voided_by IS NULL")
  restore_replied=$data/restore-replied-$n.sql
  restore_sql "$restore_replied" "$replied"
  fill "$repo/bench/sql/void_event.sql" "$data/void-event-$n.sql" NOW="$now_unix" ID="$replied" \
    EVENT="$reply_event"
  bench "void ID EVENT $n" --with --prepare "sqlite3 $work '.read $restore_replied'" -- \
    "$s void $replied $reply_event -m 'wrong request'" "sqlite3 void ID EVENT $n" \
    "$floor .read\ $data/void-event-$n.sql"
  sqlite3 "$work" ".read $restore_replied" >/dev/null
  printf '%s\n%s\n' "$restore_run" "$s void $id -m 'logged twice' >/dev/null" >"$data/voided-$n.sh"
  fill "$repo/bench/sql/unvoid.sql" "$data/unvoid-$n.sql" NOW="$now_unix" ID="$id"
  bench "unvoid $n" --with --prepare "bash $data/voided-$n.sh" -- \
    "$s unvoid $id" "sqlite3 unvoid $n" "$floor .read\ $data/unvoid-$n.sql"
  bash -c "$restore_run" >/dev/null
  printf '%s\n%s\n' "$restore_run" "$s reply $id >/dev/null" >"$data/replied-$n.sh"
  undone=$(($(sqlite3 "$work" "SELECT max(number) FROM events WHERE request_id = $id") + 1))
  fill "$repo/bench/sql/void_event.sql" "$data/undo-$n.sql" NOW="$now_unix" ID="$id" \
    EVENT="$undone"
  bench "undo $n" --with --prepare "bash $data/replied-$n.sh" -- \
    "$s undo" "sqlite3 undo $n" "$floor .read\ $data/undo-$n.sql"
  bash -c "$restore_run" >/dev/null
  duplicate=$(sqlite3 "$work" "SELECT id FROM requests WHERE id <> $id AND id <= $max_request
    AND voided_by IS NULL ORDER BY ifnull(next_metric = 'reply', 0) DESC,
    client_id = (SELECT client_id FROM requests WHERE id = $id) DESC, id DESC LIMIT 1")
  restore_merge=$data/restore-merge-$n.sql
  restore_sql "$restore_merge" "$id" "$duplicate"
  fill "$repo/bench/sql/merge.sql" "$data/merge-$n.sql" NOW="$now_unix" ID="$duplicate" INTO="$id"
  printf 'id\t%s\nreplied\t%s\nreply_event\t%s\nduplicate\t%s\n' "$id" "$replied" "$reply_event" \
    "$duplicate" >"$data/mistakes-$n.tsv" # for tests/e2e/bench_smoke.sh
  bench "merge $n" --with --prepare "sqlite3 $work '.read $restore_merge'" -- \
    "$s merge $duplicate $id" "sqlite3 merge $n" "$floor .read\ $data/merge-$n.sql"
  sqlite3 "$work" ".read $restore_merge" >/dev/null
  bench "reply $n" --with --prepare "sqlite3 $work '.read $restore'" -- \
    "$s reply $id" "sqlite3 reply $n" "$floor .read\ $data/reply-$n.sql"
  bench "overdue $n" "$s overdue" "sqlite3 overdue $n" "$floor .read\ $data/overdue-$n.sql"
  bench "overdue --format csv $n" "$s overdue --format csv"
  bench "overdue --within 4h $n" "$s overdue --within 4h"
  bench "list $n" "$s list"
  # A word in a few requests (a ticket number of an event's text), and a word of 1 subject in 12
  # with the first 20 shown (docs/performance.md, "Search").
  ticket=$(sqlite3 "$work" "SELECT substr(text, 12) FROM events WHERE text LIKE 'see ticket %' ORDER BY id LIMIT 1")
  bench "list --search (rare word) $n" "$s list --status all --search ${ticket:-refund}"
  bench "list --search refund --limit 20 $n" "$s list --status all --search refund --limit 20"
  bench "show $n" "$s show $id"
  if [ "$n" = "$largest" ] || [ "$n" -le 100000 ]; then
    bench "report $n" --with --runs "${runs:-3}" -- \
      "$s report --from 2025-11-20T15:00:00Z --to $now_iso" \
      "sqlite3 report $n" "$floor .read\ $data/report-$n.sql"
  fi
  # The monthly review (issue 16): the report of last month (October 2026, by client, every
  # request of the month) beside its floor (the report's statements over the month), and the
  # statement of the big account (gen_db's Client 0201: about 11,000 requests in October at 1M).
  bench "report --month last $n" "$s report --month last" \
    "sqlite3 report --month $n" "$floor .read\ $data/report-month-$n.sql"
  bench "statement --month last $n" "$s statement '$big_client' --month last"
  bench "statement --month last --format html $n" \
    "$s statement '$big_client' --month last --format html"
  # Everything out (issue 17 item 5), beside the sqlite3 shell printing the same reads as JSON.
  bench "export --format jsonl $n" --with --runs "${runs:-3}" -- "$s export --format jsonl" \
    "sqlite3 -json export $n" "sqlite3 -json $work <$repo/bench/sql/export.sql"
  # A retroactive correction (issue 15 item 7): every request of standard-uk (gen_db's largest
  # policy, 39% of the requests) re-evaluated, its reply target 4h -> 3h; before each run it is
  # set back to 4h (untimed: the same re-evaluation the other way).
  bench "sla set --retroactive $n" --with --runs "${runs:-3}" \
    --prepare "$s sla set standard-uk --reply 4h --retroactive" -- \
    "$s sla set standard-uk --reply 3h --retroactive"
  bash -c "$s sla set standard-uk --reply 4h --retroactive" >/dev/null
done
mv "$data/sizes.tsv.new" "$data/sizes.tsv"

# Startup: nothing but the process.
bench "slatrack --version" "$slatrack --version" "sqlite3 --version" "sqlite3 --version"
bench "slatrack --help" "$slatrack --help" "true" "/bin/true"

# Import: the largest file of requests into a database with the rules and clients only.
import_ran=0
if wanted "import $largest (1 run)"; then
  big_csv=$data/requests-$largest.csv
  rules_db=$data/rules.sqlite
  rm -f "$rules_db" "$rules_db-wal" "$rules_db-shm"
  "$bin/gen_db" --db "$rules_db" --requests 0 2>/dev/null
  fill "$repo/bench/sql/import.sql" "$data/import.sql" CSV="$big_csv" NOW="$now_unix"
  target=$data/import-target.sqlite
  # import_run COMMAND...: one run into a fresh copy of the rules; prints "seconds peak_KiB cpu".
  import_run() {
    rm -f "$target" "$target-wal" "$target-shm"
    cp "$rules_db" "$target"
    local start end rc=0 kib="-" cpu="-"
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f '%M %U %S' -o "$data/time.out" "$@" >/dev/null 2>"$data/import.err" || rc=$?
      read -r kib user system <<<"$(tail -1 "$data/time.out")"
      cpu=$(calc "$user + $system")
    else
      "$@" >/dev/null 2>"$data/import.err" || rc=$?
    fi
    end=$(date +%s.%N)
    if [ "$rc" -ne 0 ]; then
      echo "bench: import failed with exit $rc: $(cat "$data/import.err")" >&2
      return 1
    fi
    echo "$(calc "$end - $start") $kib $cpu"
  }
  # One run each: a minute or more at 1M requests.
  import_result=$(import_run "$slatrack" --db "$target" -q import "$big_csv")
  read -r import_s import_kib import_cpu <<<"$import_result"
  import_result=$(import_run sqlite3 -bail "$target" ".read $data/import.sql")
  read -r floor_s _ floor_cpu <<<"$import_result"
  printf 'import %s (1 run)\t%s\tsqlite3 import %s\t%s\t%s\t%s\n' "$largest" "$import_s" "$largest" \
    "$floor_s" "$import_cpu" "$floor_cpu" >>"$results"
  printf 'import\t%s\t%s\n' "$largest" "$import_s" >"$data/import.tsv"
  rm -f "$target" "$target-wal" "$target-shm"
  import_ran=1
fi

# Peak memory on the largest database.
if wanted "peak memory"; then
  work=$data/work-$largest.sqlite
  id=$(grep "^$largest	" "$data/sizes.tsv" | cut -f7)
  peak "slatrack --version" "$slatrack" --version
  peak "log" "$slatrack" --db "$work" log "Client 0042" "Bench request"
  peak "reply" "$slatrack" --db "$work" reply "$id"
  peak "overdue" "$slatrack" --db "$work" overdue
  peak "overdue --within 4h" "$slatrack" --db "$work" overdue --within 4h
  peak "list" "$slatrack" --db "$work" list
  peak "list --status all --format csv" "$slatrack" --db "$work" list --status all --format csv
  peak "show" "$slatrack" --db "$work" show "$id"
  peak "report (a year)" "$slatrack" --db "$work" report --from 2025-11-20T15:00:00Z --to "$now_iso"
  peak "report --month last" "$slatrack" --db "$work" report --month last
  peak "statement --month last" "$slatrack" --db "$work" statement "$big_client" --month last
  peak "export --format csv" "$slatrack" --db "$work" export --format csv
  peak "sla set --retroactive" "$slatrack" --db "$work" sla set standard-uk --reply 3h --retroactive
  "$slatrack" --db "$work" sla set standard-uk --reply 4h --retroactive >/dev/null
  # check on the generated database: the floors above wrote approximate derived state into the copy.
  peak "check" "$slatrack" --db "$data/db-$largest.sqlite" check
  rm -f "$data/backup.sqlite"
  peak "backup" "$slatrack" --db "$work" backup "$data/backup.sqlite"
  rm -f "$data/backup.sqlite"
  if [ "$import_ran" = 1 ]; then
    printf 'import (%s requests)\t%s\n' "$largest" "$import_kib" >>"$peaks"
  fi
fi

# ---- Taskwarrior side by side, on the 10,000-request database (or the smallest) ----

task_rows=$data/task.tsv
: >"$task_rows"
small=$(for n in $sizes; do echo "$n"; done | sort -n | head -1)
[ "$small" -le 10000 ] && for n in $sizes; do [ "$n" = 10000 ] && small=10000; done
if have task && wanted "task"; then
  taskdata=$data/task-$small
  rm -rf "$taskdata"
  mkdir -p "$taskdata"
  printf 'data.location=%s\nconfirmation=off\nverbose=nothing\ncolor=off\nhooks=off\n' \
    "$taskdata" >"$taskdata/taskrc"
  export TASKRC=$taskdata/taskrc TASKDATA=$taskdata
  # The same requests as tasks: open ones pending, due when their next clock is due; resolved ones
  # completed. task compares with the real clock, so the due times are moved by (real now - the
  # benchmark's now): the same tasks are overdue as requests are for slatrack.
  shift_s=$(($(date +%s) - now_unix))
  sqlite3 "$data/db-$small.sqlite" "SELECT json_group_array(json_object(
      'description', subject,
      'project', replace(c.name, ' ', ''),
      'status', CASE WHEN status = 'resolved' THEN 'completed' ELSE 'pending' END,
      'entry', strftime('%Y%m%dT%H%M%SZ', received_at + $shift_s, 'unixepoch'),
      'end', CASE WHEN status = 'resolved'
                  THEN strftime('%Y%m%dT%H%M%SZ', resolved_at + $shift_s, 'unixepoch') END,
      'due', CASE WHEN next_due_at IS NOT NULL
                  THEN strftime('%Y%m%dT%H%M%SZ', next_due_at + $shift_s, 'unixepoch') END))
    FROM requests r JOIN clients c ON c.id = r.client_id" \
    | jq -c 'map(with_entries(select(.value != null)))' >"$taskdata/tasks.json"
  task import "$taskdata/tasks.json" >/dev/null 2>&1
  task_pending=$(task status:pending count 2>/dev/null || echo "?")
  task_overdue=$(task +OVERDUE count 2>/dev/null || echo "?")
  work=$data/work-$small.sqlite
  bench "task add ($small)" "task add Bench request" "slatrack log ($small)" \
    "$slatrack --db $work log 'Client 0042' 'Bench request'"
  bench "task overdue ($small)" "task overdue" "slatrack overdue ($small)" \
    "$slatrack --db $work overdue"
  printf 'tasks\t%s\tpending\t%s\toverdue\t%s\n' "$small" "$task_pending" "$task_overdue" >"$task_rows"
  unset TASKRC TASKDATA
fi

# ---- the calendar engine (Google Benchmark) ----
calendar_rows=""
if [ "$smoke" != 1 ] && [ -x "$bin/bench_calendar" ] && wanted "calendar"; then
  calendar_rows=$("$bin/bench_calendar" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null | grep median || true)
fi

# ---- the report ----

ms() { # seconds -> "12.3 ms"
  if [ "$1" = "-" ]; then echo "-"; else printf '%.1f ms' "$(calc "$1 * 1000")"; fi
}
ratio() {
  if [ "$1" = "-" ] || [ "$2" = "-" ]; then echo "-"; else printf '%.2fx' "$(calc "$1 / $2")"; fi
}
{
  echo "<!-- bench/run.sh: begin (generated; edit bench/run.sh, not this part) -->"
  echo
  echo "Measured $(date -u +%Y-%m-%d) by \`bench/run.sh --sizes \"$sizes\"${runs:+ --runs $runs}${only:+ --only '$only'}\`."
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg) when the report was written."
  echo "Versions: $("$slatrack" --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1)," \
    "$(hyperfine --version 2>/dev/null || echo 'hyperfine not installed'), task" \
    "$(task --version 2>/dev/null || echo 'not installed'), $(g++ --version | head -1)."
  echo
  echo "### The databases"
  echo
  echo "| requests | not resolved | overdue at the benchmark's now | import of the conversations (events form) |"
  echo "|---|---|---|---|"
  while IFS=$'\t' read -r n _ open _ overdue _ _; do
    seconds=$(grep "^$n	" "$gen_times" | cut -f2)
    events=$(sqlite3 "$data/db-$n.sqlite" "SELECT count(*) FROM events")
    printf '| %s | %s | %s | %s events: %.1f s, %.0f requests/s |\n' "$n" "$open" "$overdue" \
      "$events" "$seconds" "$(calc "$n / $seconds")"
  done <"$data/sizes.tsv"
  echo
  if [ "$import_ran" = 1 ]; then
    read -r _ n seconds <"$data/import.tsv"
    printf 'Import of the %s requests of `requests-%s.csv` (one row per request: received, replied,\n' "$n" "$n"
    printf 'resolved) into a database with only the rules and clients: %.1f s, %.0f requests/s.\n' \
      "$seconds" "$(calc "$n / $seconds")"
    echo
  fi
  echo "### Commands beside their floors (medians)"
  echo
  echo "Wall time is the median; CPU is the mean of user + system time, which other work on the"
  echo "machine disturbs less."
  echo
  echo "| command | slatrack | floor | floor time | ratio | slatrack CPU | floor CPU | CPU ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  while IFS=$'\t' read -r name median floor_name floor_median cpu floor_cpu; do
    printf '| `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(ms "$median")" \
      "${floor_name:--}" "$(ms "$floor_median")" "$(ratio "$median" "$floor_median")" \
      "$(ms "$cpu")" "$(ms "$floor_cpu")" "$(ratio "$cpu" "$floor_cpu")"
  done <"$results"
  if [ -s "$peaks" ]; then
    echo
    echo "### Peak memory on the $largest-request database (maximum resident set size)"
    echo
    echo "| command | peak |"
    echo "|---|---|"
    while IFS=$'\t' read -r name kib; do
      if [ "$kib" = "-" ]; then
        echo "| \`$name\` | - |"
      else
        printf '| `%s` | %.1f MiB |\n' "$name" "$(calc "$kib / 1024")"
      fi
    done <"$peaks"
  fi
  if [ -s "$task_rows" ]; then
    echo
    echo "### Taskwarrior side by side ($(cut -f2 "$task_rows") items," \
      "$(cut -f4 "$task_rows") pending, $(cut -f6 "$task_rows") overdue)"
    echo
    echo "In the table above: \`task add\` beside \`slatrack log\`, \`task overdue\` beside" \
      "\`slatrack overdue\` (the \"slatrack / floor\" column is task's time over slatrack's)."
  fi
  if [ -n "$calendar_rows" ]; then
    echo
    echo "### Calendar engine (bench_calendar, CPU time, medians of 5)"
    echo
    echo "| benchmark | time | calls/s |"
    echo "|---|---|---|"
    echo "$calendar_rows" | while IFS=, read -r name _ _ cpu _ _ items _; do
      printf '| %s | %.1f ns | %.1f M |\n' "$(echo "$name" | tr -d '"' | sed 's/_median$//')" \
        "$cpu" "$(calc "${items:-0} / 1000000")"
    done
  fi
  echo
  echo "<!-- bench/run.sh: end -->"
} >"$out"

if [ "$smoke" = 1 ]; then
  note "wrote $out"
  exit 0
fi
if [ -n "$only" ]; then
  cat "$out"
  note "--only: wrote $out (docs/performance.md is left alone); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
doc=$repo/docs/performance.md
if grep -q '<!-- bench/run.sh: begin' "$doc"; then
  awk -v file="$out" '
    /<!-- bench\/run.sh: begin/ { while ((getline line < file) > 0) print line; skip = 1; next }
    /<!-- bench\/run.sh: end -->/ { skip = 0; next }
    !skip { print }' "$doc" >"$doc.new"
  mv "$doc.new" "$doc"
else
  cat "$out" >>"$doc"
fi
note "wrote the tables into docs/performance.md"
