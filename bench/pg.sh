#!/usr/bin/env bash
# bench/pg.sh: team mode at a million requests (issue 18 item 7; docs/performance.md, "Team mode
# on PostgreSQL"). Starts a throwaway PostgreSQL server set up as a team's would be (durable
# commits: fsync and synchronous_commit on; 512 MB of shared buffers; a unix socket), copies a
# generated database file into it with `slatrack copy` (timed: requests per second), then times
# each command with hyperfine beside its floor, psql running the statements the command runs on
# the same server:
#   log       a new request            floor: bench/sql/pg/log.sql (its rows, one transaction)
#   reply     a request's first reply  floor: bench/sql/pg/reply.sql (restored before each run)
#   overdue   the overdue list          floor: the store's own overdue query (gen_sql pg-overdue)
#   report    a year, by month          floor: the report's statements (gen_sql pg-report)
# and stops the server however it ends.
#
#   bench/pg.sh [--runs N] [DB]   DB: a database file (default bench/data/db-1000000.sqlite, made
#                                 by bench/run.sh --sizes 1000000); never changed
#
# BENCH_BIN: the directory with slatrack and gen_sql (default build-bench, built here as
# bench/run.sh builds it). The table goes to stdout and bench/data/pg-results.md.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=10
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) runs=$2; shift 2 ;;
  -*) echo "usage: bench/pg.sh [--runs N] [DB]" >&2; exit 2 ;;
  *) break ;;
  esac
done
source_db=${1:-$repo/bench/data/db-1000000.sqlite}
[ -f "$source_db" ] || { echo "bench/pg.sh: no $source_db (make it with bench/run.sh --sizes 1000000)" >&2; exit 2; }

# The data's "now" (bench/gen_db): Fri 20 Nov 2026 15:00 UTC.
now_iso=2026-11-20T15:00:00Z
now_unix=1795186800
year_ago_iso=2025-11-20T15:00:00Z
year_ago_unix=$((now_unix - 365 * 86400))
client="Client 0042"
export SLATRACK_NOW=$now_iso TZ=UTC LC_ALL=C.UTF-8 SLATRACK_USER=bench
unset SLATRACK_DB SLATRACK_CONFIG NO_COLOR

if [ -z "${BENCH_BIN:-}" ]; then
  "$repo/scripts/install-deps" hyperfine jq postgresql-15
  bin=$repo/build-bench
  cmake -S "$repo" -B "$bin" -DCMAKE_BUILD_TYPE=Release -DSLATRACK_WERROR=OFF >/dev/null
  cmake --build "$bin" -j"$(nproc)" --target slatrack gen_sql >/dev/null
else
  bin=$BENCH_BIN
fi
slatrack=$bin/slatrack
data=$repo/bench/data
mkdir -p "$data"
work=$(mktemp -d "${TMPDIR:-/tmp}/slatrack-pgbench.XXXXXX")
chmod 0755 "$work"
state=$work/server.state
trap '"$repo/scripts/pg-server" stop "$state"; rm -rf "$work"' EXIT
SLATRACK_PG_SETTINGS=$'fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nshared_buffers = 512MB\nmax_wal_size = 4GB' \
  "$repo/scripts/pg-server" start "$state" >/dev/null
pg_dir=$(sed -n 1p "$state")
pg_bin=$(sed -n 3p "$state")
url="postgresql://postgres@/bench?host=$pg_dir"
"$pg_bin/psql" -X -q -h "$pg_dir" -U postgres -d postgres -c "CREATE DATABASE bench"
psql_bench=("$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 "$url")
results=$data/pg-results.md
requests=$(sqlite3 "$source_db" "SELECT count(*) FROM requests")
load() { cut -d' ' -f1-3 /proc/loadavg; }

{
  echo "bench/pg.sh on $(date -u +%Y-%m-%dT%H:%MZ), $requests requests, load $(load) at the start"
  echo
} >"$results"

# ---- copy: the file into the empty server database ----
cp "$source_db" "$work/source.sqlite"
"$slatrack" --db "$work/source.sqlite" check >/dev/null # migrates the copy, outside the timing
start=$(date +%s%N)
/usr/bin/time -f "%U %S %M" -o "$work/copy.time" "$slatrack" --db "$work/source.sqlite" copy "$url" \
  >"$work/copy.out"
end=$(date +%s%N)
read -r user system peak <"$work/copy.time"
copy_s=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')
copy_rate=$(awk -v n="$requests" -v w="$copy_s" 'BEGIN { printf "%d", n / w }')
"${psql_bench[@]}" -c "VACUUM ANALYZE" >/dev/null

# ---- the commands beside their floors ----
printf '| command | slatrack | floor (psql) | ratio | target |\n|---|---|---|---|---|\n' >>"$results"
printf '| `copy` file to server, %s requests | %s s wall (%s requests/s), %s+%s s CPU, peak %s KB | | | at least 50,000 requests/s |\n' \
  "$requests" "$copy_s" "$copy_rate" "$user" "$system" "$peak" >>"$results"

# bench NAME TARGET [hyperfine options --] COMMAND FLOOR: times COMMAND and FLOOR in one hyperfine
# run (median wall time: the server's work is in its own processes, so CPU time of the client
# alone says little) and adds a row.
bench() {
  local name=$1 target=$2
  shift 2
  local options=()
  if [ "$1" = "--with" ]; then
    shift
    while [ "$1" != "--" ]; do
      options+=("$1")
      shift
    done
    shift
  fi
  local command=$1 floor=$2 json=$work/hyperfine.json
  hyperfine --style basic -N -i --runs "$runs" --warmup 2 "${options[@]}" --export-json "$json" \
    -n "$name" "$command" -n "psql $name" "$floor" >&2
  local median floor_median
  median=$(jq -r '.results[0].median' "$json")
  floor_median=$(jq -r '.results[1].median' "$json")
  printf '| `%s` | %.1f ms | %.1f ms | %.2fx | %s |\n' "$name" "$(echo "$median * 1000" | bc -l)" \
    "$(echo "$floor_median * 1000" | bc -l)" "$(echo "$median / $floor_median" | bc -l)" \
    "$target" >>"$results"
}

fill() { # fill TEMPLATE OUT: the template with @NOW@, @CLIENT@, @ID@ filled in
  sed -e "s/@NOW@/$now_unix/g" -e "s/@CLIENT@/$client/g" -e "s/@ID@/${id:-0}/g" "$1" >"$2"
}
s="$slatrack --db $url"

fill "$repo/bench/sql/pg/log.sql" "$work/log.sql"
bench "log" "at most 1.5x" "$s log '$client' 'Bench request'" \
  "${psql_bench[*]} -f $work/log.sql"

# reply: the newest request whose reply clock runs, put back before each run as it was (its
# derived state and clock runs saved once; the events a run adds deleted).
id=$("${psql_bench[@]}" -c "SELECT max(id) FROM slatrack.requests WHERE next_metric = 'reply'")
events=$("${psql_bench[@]}" -c "SELECT max(number) FROM slatrack.events WHERE request_id = $id")
"${psql_bench[@]}" <<SQL >/dev/null
CREATE TABLE public.saved_request AS SELECT * FROM slatrack.requests WHERE id = $id;
CREATE TABLE public.saved_clocks AS SELECT * FROM slatrack.clocks WHERE request_id = $id;
SQL
cat >"$work/restore.sql" <<SQL
BEGIN;
DELETE FROM slatrack.events WHERE request_id = $id AND number > $events;
DELETE FROM slatrack.clocks WHERE request_id = $id;
INSERT INTO slatrack.clocks SELECT * FROM public.saved_clocks;
UPDATE slatrack.requests r SET status = s.status, replied_at = s.replied_at,
  resolved_at = s.resolved_at, reply_due_at = s.reply_due_at, update_due_at = s.update_due_at,
  resolve_due_at = s.resolve_due_at, next_due_at = s.next_due_at, next_metric = s.next_metric,
  assignee = s.assignee, version_id = s.version_id
  FROM public.saved_request s WHERE r.id = s.id;
COMMIT;
SQL
fill "$repo/bench/sql/pg/reply.sql" "$work/reply.sql"
bench "reply" "at most 1.5x" --with --prepare "${psql_bench[*]} -f $work/restore.sql" -- \
  "$s reply $id" "${psql_bench[*]} -f $work/reply.sql"

"$bin/gen_sql" pg-overdue "$now_unix" >"$work/overdue.sql"
bench "overdue" "at most 2x" "$s overdue" "${psql_bench[*]} -f $work/overdue.sql"

if "$bin/gen_sql" pg-report "$year_ago_unix" "$now_unix" "$now_unix" month >"$work/report.sql" \
  2>/dev/null; then
  bench "report --by month, a year" "at most 2 s" \
    "$s report --by month --from $year_ago_iso --to $now_iso" "${psql_bench[*]} -f $work/report.sql"
else
  echo '| `report` | (this gen_sql has no pg-report) | | | at most 2 s |' >>"$results"
fi

{
  echo
  echo "Load at the end: $(load). Copy: $(cat "$work/copy.out")"
} >>"$results"
cat "$results"
