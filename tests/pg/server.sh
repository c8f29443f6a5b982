#!/usr/bin/env bash
# The throwaway PostgreSQL server of the tests (scripts/pg-server): a unix socket only, run as the
# postgres user when started by root, a time zone and date style unlike a default server's, a new
# empty database for each test; `scripts/pg-server run` stops its server also when the command it
# ran failed; `start` exits 77 with one line when no server can start.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"

# pg ARGS...: psql on the test's own database; sets $out, $err and $rc.
pg() {
  out=$("$pg_bin/psql" -X -q -At "$db" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

pg -c "SHOW listen_addresses"; expect_rc 0; expect_out "" "(no TCP)"
pg -c "SHOW TimeZone"; expect_out "Pacific/Chatham"
pg -c "SHOW DateStyle"; expect_out "SQL, DMY"
pg -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"; expect_out 0 "(an empty database)"
pg -c "SELECT current_database()"; expect_out "$pg_db"
expect_eq "$(stat -c %a "$pg_dir")" 755 "(the socket's directory)"
if [ "$(id -u)" -eq 0 ]; then
  expect_eq "$(stat -c %U "$pg_dir/data")" postgres "(run as postgres, not root)"
fi
ls "$pg_dir"/.s.PGSQL.* >/dev/null 2>&1 && rc=0 || rc=$?
expect_rc 0 "(the socket is in the server's directory)"

# `run` stops its server however the command ends.
out=$("$root/scripts/pg-server" run bash -c 'sed -n 1p "$SLATRACK_TEST_PG"; exit 3' 2>"$tmp/stderr") \
  && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 3 "(the command's status)"; expect_no_err
case "$out" in "${TMPDIR:-/tmp}"/slatrack-pg.*) checks=$((checks + 1)) ;; *) fail "a server directory" ;; esac
expect_eq "$([ -e "$out" ] && echo left || echo gone)" gone "(its directory is removed)"
expect_eq "$(pgrep -f -- "-D $out/data" | wc -l)" 0 "(its server is stopped)"

# No server here (a copy of the script that looks for one where there is none): exit 77 and one
# line, also kept for scripts/test to print after the suite.
sed 's#/usr/lib/postgresql/\*/bin#/nonexistent/*/bin#' "$root/scripts/pg-server" >"$tmp/pg-server"
out=$(SLATRACK_PG_BINDIR=/nonexistent bash "$tmp/pg-server" start "$tmp/state" 2>"$tmp/stderr") \
  && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 77; expect_no_out
expect_err "PostgreSQL tests skipped: no PostgreSQL server installed (initdb, pg_ctl: install postgresql-15)"
expect_eq "$(cat "$tmp/state.skipped")" "$err" "(the line kept for scripts/test)"

finish
