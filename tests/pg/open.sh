#!/usr/bin/env bash
# A team database (SPEC.md, Teams): selected by a postgresql:// or postgres:// URL in --db,
# SLATRACK_DB or the settings file; `init` creates the schema (version as on SQLite), a reading
# command on a database without it exits 3 naming `slatrack init`; a newer schema is refused. A
# password in a --db URL is refused with a hint; URLs in messages never show one. An unreachable
# server, refused authentication and a lock held past the timeout exit 3 with one line, nothing
# written; server notices and libpq's warnings never reach stderr.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
current=$(sed -n 's/.*k_schema_version = \([0-9]*\);.*/\1/p' "$(dirname "$0")/../../src/store/schema.hpp") # this slatrack's schema

# pg ARGS...: psql on the test's own database (raw output).
pg() {
  "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 "$db" "$@" 2>&1
}
# stx ARGS...: slatrack without --db (SLATRACK_DB or the settings file decides).
stx() {
  out=$("$SLATRACK_BIN" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
base="postgresql://postgres@/$pg_db?host=$pg_dir"
expect_eq "$db" "$base" "(lib.sh's URL)"

# A reading command on a database without the schema: exit 3, naming init, nothing created.
st list; expect_rc 3; expect_no_out
expect_err "slatrack: error: no database at $base; create it with: slatrack init (or point --db at your database)"
st overdue; expect_rc 3
st check; expect_rc 3
expect_err "slatrack: error: no database at $base; create it with: slatrack init (or point --db at your database)"
expect_eq "$(pg -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'slatrack'")" 0 "(nothing created)"

# A lock held past the timeout (another writer): this database's advisory locks only (other tests
# run beside this one on the same server).
here="database = (SELECT oid FROM pg_database WHERE datname = current_database())"
# (the lock): exit 3 within seconds of it, nothing written.
"$pg_bin/psql" -X -q "$db" -c "SELECT pg_advisory_lock(1397506388)" -c "SELECT pg_sleep(40)" \
  >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
  [ "$(pg -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND $here")" = 1 ] && break
  sleep 0.1
done
start=$(date +%s)
st init; expect_rc 3; expect_no_out
expect_err "slatrack: error: database $base is busy (another slatrack is writing); try again"
took=$(($(date +%s) - start))
checks=$((checks + 1))
[ "$took" -ge 9 ] && [ "$took" -le 20 ] || fail "waited the lock timeout (10 s), not ${took} s"
pg -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND $here" \
  >/dev/null
wait "$holder" 2>/dev/null
expect_eq "$(pg -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'slatrack'")" 0 "(nothing written)"

# init creates the schema, at the version of a file's; again, it is harmless. Nothing on stderr
# (the server's notices, e.g. "schema already exists", are not shown).
st init; expect_rc 0; expect_no_err
expect_out "Database ready: $base (schema $current)"
expect_eq "$(pg -c "SELECT value FROM slatrack.meta WHERE key = 'schema_version'")" "$current"
expect_eq "$(pg -c "SELECT name FROM slatrack.calendars ORDER BY id")" 24x7 "(the built-ins)"
st init; expect_rc 0; expect_no_err; expect_out "Database ready: $base (schema $current)"
st init --format json; expect_rc 0
expect_out "{\"db\":\"$base\",\"schema\":$current}"
stx --db "postgres://postgres@/$pg_db?host=$pg_dir" init; expect_rc 0; expect_no_err
expect_out "Database ready: postgres://postgres@/$pg_db?host=$pg_dir (schema $current)"

# SLATRACK_DB and the settings file name a team database too (flag > SLATRACK_DB > file).
SLATRACK_DB=$base stx init; expect_rc 0; expect_out "Database ready: $base (schema $current)"
mkdir -p "$XDG_CONFIG_HOME/slatrack"
printf 'db = "%s"\n' "$base" >"$XDG_CONFIG_HOME/slatrack/config.toml"
stx init; expect_rc 0; expect_out "Database ready: $base (schema $current)"
rm "$XDG_CONFIG_HOME/slatrack/config.toml"

# A password in a --db URL is refused (exit 2), never echoed; one in SLATRACK_DB or the settings
# file is used but never shown.
hint="slatrack: error: the --db URL holds a password, which every user of this machine can read (ps); put it in ~/.pgpass (mode 0600, a line HOST:PORT:DBNAME:USER:PASSWORD) and give the URL without it"
for url in "postgresql://postgres:s3cret@/$pg_db?host=$pg_dir" \
  "postgresql://postgres@/$pg_db?host=$pg_dir&password=s3cret"; do
  stx --db "$url" init; expect_rc 2; expect_no_out; expect_err "$hint"
  stx --db="$url" list; expect_rc 2; expect_err "$hint"
done
SLATRACK_DB="postgresql://postgres:s3cret@/$pg_db?host=$pg_dir" stx init; expect_rc 0
expect_out "Database ready: $base (schema $current)"
SLATRACK_DB="postgresql://postgres@/$pg_db?password=s3cret&host=$pg_dir" stx init; expect_rc 0
expect_out "Database ready: postgresql://postgres@/$pg_db?host=$pg_dir (schema $current)"
SLATRACK_DB="postgresql://postgres:s3cret@/nosuchdb?host=$pg_dir" stx list; expect_rc 3
expect_err "slatrack: error: cannot open postgresql://postgres@/nosuchdb?host=$pg_dir: connection to server on socket \"$pg_dir/.s.PGSQL.5432\" failed: FATAL: database \"nosuchdb\" does not exist; create the database first (createdb) or check the URL"

# A URL libpq cannot read: exit 2.
stx --db "postgresql://postgres@/$pg_db?host=$pg_dir&nosuchoption=1" list; expect_rc 2
expect_err "slatrack: error: bad database URL postgresql://postgres@/$pg_db?host=$pg_dir&nosuchoption=1: invalid URI query parameter: \"nosuchoption\"; write postgresql://USER@HOST[:PORT]/DBNAME"

# No server there: exit 3 at once, one line.
stx --db "postgresql://postgres@/$pg_db?host=$tmp/nosuch" list; expect_rc 3; expect_no_out
expect_err "slatrack: error: cannot reach the database server of postgresql://postgres@/$pg_db?host=$tmp/nosuch: connection to server on socket \"$tmp/nosuch/.s.PGSQL.5432\" failed: No such file or directory; check the URL and that the server is running"

# Authentication refused (the role `refused` needs a password; there is none).
refused="postgresql://refused@/$pg_db?host=$pg_dir"
auth="slatrack: error: authentication refused by $refused: connection to server on socket \"$pg_dir/.s.PGSQL.5432\" failed: fe_sendauth: no password supplied; give the password in ~/.pgpass (mode 0600), PGPASSWORD or a service file (docs/teams.md)"
stx --db "$refused" list; expect_rc 3; expect_no_out; expect_err "$auth"
# A wrong password from ~/.pgpass that others can read: libpq's own warning about it never reaches
# stderr by itself: it is part of the one line.
mkdir -p "$tmp/home"
echo "*:*:*:refused:wrong" >"$tmp/home/.pgpass"
chmod 0644 "$tmp/home/.pgpass"
HOME=$tmp/home stx --db "$refused" list; expect_rc 3; expect_no_out
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "(one line)"
expect_err_has "fe_sendauth: no password supplied; WARNING: password file \"$tmp/home/.pgpass\" has group or world access"
HOME=$tmp/home st init; expect_rc 0; expect_no_err
chmod 0600 "$tmp/home/.pgpass"
HOME=$tmp/home stx --db "$refused" list; expect_rc 3
expect_err "slatrack: error: authentication refused by $refused: connection to server on socket \"$pg_dir/.s.PGSQL.5432\" failed: FATAL: password authentication failed for user \"refused\"; give the password in ~/.pgpass (mode 0600), PGPASSWORD or a service file (docs/teams.md)"

# A schema that a newer slatrack made: refused, nothing written.
pg -c "UPDATE slatrack.meta SET value = $((current + 1)) WHERE key = 'schema_version'" >/dev/null
st list; expect_rc 3
expect_err "slatrack: error: $base was made by a newer slatrack (schema $((current + 1)), this one knows $current); upgrade slatrack"
st init; expect_rc 3
expect_eq "$(pg -c "SELECT value FROM slatrack.meta WHERE key = 'schema_version'")" "$((current + 1))"
pg -c "UPDATE slatrack.meta SET value = $current WHERE key = 'schema_version'" >/dev/null

finish
