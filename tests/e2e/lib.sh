# Shared helpers for the end-to-end tests. Each test: `source lib.sh "$1"` with the slatrack binary
# as $1. It gets a temporary directory $tmp (kept on failure) and a database $db in it.
# With SLATRACK_TEST_PG set (the state file of scripts/pg-server, as ctest's PostgreSQL pass sets
# it), $db is instead the URL of a new, empty database of its own on that server, dropped when the
# test ends; without a server there, the test is skipped with one line (exit 77).
set -u
SLATRACK_BIN=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/slatrack-e2e.XXXXXX")
db="$tmp/db.sqlite"
failures=0
checks=0
export TZ=${TZ:-UTC}
export SLATRACK_USER=tester
unset SLATRACK_DB SLATRACK_NOW NO_COLOR SLATRACK_CONFIG
export XDG_CONFIG_HOME="$tmp/config" # no settings file unless a test writes one
pg_state=${SLATRACK_TEST_PG:-}
unset SLATRACK_TEST_PG
pg_dir=""
pg_db=""
if [ -n "$pg_state" ]; then
  if [ ! -s "$pg_state" ]; then
    rm -rf "$tmp"
    echo "skipped: no PostgreSQL server for this test (scripts/pg-server could not start one)"
    exit 77
  fi
  pg_dir=$(sed -n 1p "$pg_state")
  pg_bin=$(sed -n 3p "$pg_state")
  pg_db="e2e_$$_$RANDOM"
  # pg_sql SQL...: runs SQL as the server's superuser in the database `postgres`.
  pg_sql() {
    "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$pg_dir" -U postgres -d postgres "$@"
  }
  pg_sql -c "CREATE DATABASE $pg_db" >/dev/null
  db="postgresql://postgres@/$pg_db?host=$pg_dir"
  trap 'pg_sql -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
fi

finish() {
  if [ "$failures" -eq 0 ]; then
    rm -rf "$tmp"
    echo "$checks passed, 0 failed"
    exit 0
  fi
  echo "kept $tmp for inspection"
  echo "$((checks - failures)) passed, $failures failed"
  exit 1
}

# st ARGS...: runs slatrack on $db; sets $out, $err and $rc.
st() {
  out=$("$SLATRACK_BIN" --db "$db" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

fail() {
  failures=$((failures + 1))
  echo "FAIL: $*"
  echo "  stdout: $out"
  echo "  stderr: $err"
  echo "  rc: $rc"
}

# expect_rc N: the last command exited N.
expect_rc() {
  checks=$((checks + 1))
  [ "$rc" = "$1" ] || fail "expected exit $1 ${2:-}"
}
# expect_out TEXT: stdout is exactly TEXT.
expect_out() {
  checks=$((checks + 1))
  [ "$out" = "$1" ] || fail "expected stdout [$1] ${2:-}"
}
# expect_err TEXT: stderr is exactly TEXT.
expect_err() {
  checks=$((checks + 1))
  [ "$err" = "$1" ] || fail "expected stderr [$1] ${2:-}"
}
expect_out_has() {
  checks=$((checks + 1))
  case "$out" in *"$1"*) ;; *) fail "expected stdout to contain [$1] ${2:-}" ;; esac
}
expect_err_has() {
  checks=$((checks + 1))
  case "$err" in *"$1"*) ;; *) fail "expected stderr to contain [$1] ${2:-}" ;; esac
}
expect_no_out() {
  checks=$((checks + 1))
  [ -z "$out" ] || fail "expected no stdout ${1:-}"
}
expect_no_err() {
  checks=$((checks + 1))
  [ -z "$err" ] || fail "expected no stderr ${1:-}"
}
# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
  checks=$((checks + 1))
  [ "$1" = "$2" ] || fail "expected [$2], got [$1] ${3:-}"
}
# json_get JSON FILTER: a jq filter applied to JSON text (raw output).
json_get() {
  printf '%s' "$1" | jq -r "$2"
}
# A digest of every table, to prove a command wrote nothing (on a team database: pg_dump of the
# schema slatrack, its tables, rows and sequences, less the random key of its \restrict lines).
db_digest() {
  if on_file; then
    sqlite3 "$db" .dump 2>/dev/null | sha256sum | cut -d' ' -f1
  else
    "$pg_bin/pg_dump" -h "$pg_dir" -U postgres -d "$pg_db" --schema=slatrack 2>/dev/null |
      grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sha256sum | cut -d' ' -f1
  fi
}
# on_file: true when $db is a database file, false on a team database (for the parts of a test
# about files only: modes, WAL, SQL that only SQLite takes).
on_file() {
  [ -z "$pg_db" ]
}
# db_sql SQL: runs SQL on $db behind slatrack's back (sqlite3 on a file; psql in the schema
# slatrack on a team database) and prints its rows, columns separated by |.
db_sql() {
  if on_file; then
    sqlite3 "$db" "$1"
  else
    PGOPTIONS="-c search_path=slatrack" "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 \
      -h "$pg_dir" -U postgres -d "$pg_db" -c "$1"
  fi
}
# snapshot FILE: the whole of $db kept in the new database file FILE; restore FILE: $db made
# again as FILE holds it (on a team database: its schema dropped, then FILE copied in).
snapshot() {
  if on_file; then
    cp "$db" "$1"
  else
    "$SLATRACK_BIN" --db "$db" copy "$1" >/dev/null
  fi
}
restore() {
  if on_file; then
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$1" "$db"
  else
    db_sql "DROP SCHEMA IF EXISTS slatrack CASCADE" >/dev/null
    "$SLATRACK_BIN" --db "$1" copy "$db" >/dev/null
  fi
}

# fake_sendmail: puts a fake sendmail first on PATH that insists on -t and keeps each message as
# $tmp/mail/mail.N; defines mailer ARGS... (runs examples/slatrack-mail; sets $out, $err, $rc)
# and mails (how many were sent). For the tests of examples/slatrack-mail.
fake_sendmail() {
  mkdir -p "$tmp/bin" "$tmp/mail"
  cat >"$tmp/bin/sendmail" <<'SENDMAIL'
#!/bin/sh
# A fake sendmail: insists on -t, keeps each message as mail.N in $FAKE_MAILDIR.
[ "$1" = "-t" ] && [ $# -eq 1 ] || { echo "fake sendmail: expected -t, got: $*" >&2; exit 64; }
n=$(ls "$FAKE_MAILDIR" | wc -l)
cat >"$FAKE_MAILDIR/mail.$((n + 1))"
SENDMAIL
  chmod +x "$tmp/bin/sendmail"
  export PATH="$tmp/bin:$PATH" FAKE_MAILDIR="$tmp/mail"
  mailer_script="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/examples/slatrack-mail"
}
mailer() {
  out=$(bash "$mailer_script" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
mails() {
  ls "$tmp/mail" | wc -l
}
