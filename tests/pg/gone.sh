#!/usr/bin/env bash
# A server that goes away mid-command (SPEC.md, Teams; docs/teams.md, "When the server is away"):
# the connection of a command already running is closed by the server (as a server shutting down,
# a restart or a network cut does to it), while a write waits for the write lock and while a read
# waits for a table. Each exits 3 with one line, at once rather than at the lock timeout, and
# writes nothing; the next command works.
source "$(dirname "$0")/../e2e/lib.sh" "$1"

# pg ARGS...: psql on the test's own database (raw output).
pg() {
  "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 "$db" "$@" 2>&1
}
here="datname = current_database()"
# the_backend STATE: waits (up to 10 s) for slatrack's connection to this database to wait for a
# lock, and prints its server process id.
the_backend() {
  local pid=""
  for _ in $(seq 100); do
    pid=$(pg -c "SELECT pid FROM pg_stat_activity WHERE $here AND application_name = 'slatrack' AND wait_event_type = 'Lock'")
    [ -n "$pid" ] && break
    sleep 0.1
  done
  echo "$pid"
}
gone="slatrack: error: lost the connection to $db (FATAL: terminating connection due to administrator command); nothing was written: check the server and try again"

st init; expect_rc 0
st client add Acme; expect_rc 0
SLATRACK_NOW=2026-12-07T09:00:00Z st log Acme "Printer down" -q; expect_rc 0; expect_out 1
before=$(pg -c "SELECT count(*) FROM slatrack.requests")/$(pg -c "SELECT count(*) FROM slatrack.events")

# A write waiting for the write lock (another slatrack holds it) loses its connection.
"$pg_bin/psql" -X -q "$db" -c "SELECT pg_advisory_lock(1397506388)" -c "SELECT pg_sleep(30)" \
  >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
  [ "$(pg -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.$here")" = 1 ] && break
  sleep 0.1
done
start=$(date +%s%N)
SLATRACK_NOW=2026-12-07T09:05:00Z "$SLATRACK_BIN" --db "$db" log Acme "Scanner jams" \
  >"$tmp/out" 2>"$tmp/err" &
writer=$!
backend=$(the_backend)
expect_eq "$([ -n "$backend" ] && echo waiting)" waiting "(the write waits for the lock)"
pg -c "SELECT pg_terminate_backend($backend)" >/dev/null
wait "$writer" && rc=0 || rc=$?
took=$((($(date +%s%N) - start) / 1000000))
out=$(cat "$tmp/out") err=$(cat "$tmp/err")
expect_rc 3; expect_no_out; expect_err "$gone"
checks=$((checks + 1))
[ "$took" -lt 8000 ] || fail "exit at once when the connection is lost, not after ${took} ms (the lock timeout is 10 s)"
pg -c "SELECT pg_terminate_backend(pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.$here" >/dev/null
wait "$holder" 2>/dev/null || true
expect_eq "$(pg -c "SELECT count(*) FROM slatrack.requests")/$(pg -c "SELECT count(*) FROM slatrack.events")" \
  "$before" "(nothing written)"

# A read waiting for a table (held by another session) loses its connection.
"$pg_bin/psql" -X -q "$db" -c "BEGIN" -c "LOCK TABLE slatrack.requests IN ACCESS EXCLUSIVE MODE" \
  -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
  [ "$(pg -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND a.$here AND a.application_name <> 'slatrack'")" -ge 1 ] && break
  sleep 0.1
done
SLATRACK_NOW=2026-12-07T09:10:00Z "$SLATRACK_BIN" --db "$db" list >"$tmp/out" 2>"$tmp/err" &
reader=$!
backend=$(the_backend)
expect_eq "$([ -n "$backend" ] && echo waiting)" waiting "(the read waits for the table)"
pg -c "SELECT pg_terminate_backend($backend)" >/dev/null
wait "$reader" && rc=0 || rc=$?
out=$(cat "$tmp/out") err=$(cat "$tmp/err")
expect_rc 3; expect_no_out; expect_err "$gone"
pg -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE $here AND pid <> pg_backend_pid() AND application_name <> 'slatrack'" >/dev/null
wait "$holder" 2>/dev/null || true

# The server is back: the next command works, and the lost write was not half made.
SLATRACK_NOW=2026-12-07T09:15:00Z st log Acme "Scanner jams" -q; expect_rc 0; expect_out 2
st check; expect_rc 0

finish
