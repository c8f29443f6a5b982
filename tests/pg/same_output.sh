#!/usr/bin/env bash
# The same commands on a database file and on a team database give byte for byte the same stdout,
# stderr and exit code (SPEC.md, Teams), in every format, on a server whose time zone and date
# style are not UTC and ISO (scripts/pg-server); names sort and match as in a file (ASCII case
# ignored, then by code point). A command that does not work on a team database yet fails with
# one line, exit 3, and writes nothing.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
current=$(sed -n 's/.*k_schema_version = \([0-9]*\);.*/\1/p' "$(dirname "$0")/../../src/store/schema.hpp") # this slatrack's schema
export SLATRACK_NOW="2026-11-23 10:00"
file="$tmp/db.sqlite"

# both ARGS...: runs slatrack on the file and on the server; the outputs (with each database's
# name replaced by DB) and the exit codes must be the same. Sets $out, $err and $rc (the server's).
both() {
  local fout ferr frc
  fout=$("$SLATRACK_BIN" --db "$file" "$@" 2>"$tmp/stderr") && frc=0 || frc=$?
  ferr=$(sed "s#$file#DB#g" "$tmp/stderr")
  fout=${fout//$file/DB}
  out=$("$SLATRACK_BIN" --db "$db" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(sed "s#$db#DB#g" "$tmp/stderr")
  out=${out//$db/DB}
  checks=$((checks + 1))
  if [ "$fout" != "$out" ] || [ "$ferr" != "$err" ] || [ "$frc" != "$rc" ]; then
    fail "the same on a file and a server: $*
  file stdout: $fout
  file stderr: $ferr
  file rc: $frc"
  fi
}

both init; expect_rc 0; expect_out "Database ready: DB (schema $current)"
both calendar add office --tz Europe/London --hours "mon-fri 09:00-12:30 13:30-17:00"
expect_rc 0
both calendar add Office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 2
both calendar add ny --tz america/new_york --hours "mon-fri 08:00-18:00"; expect_rc 0
both calendar add Zürich --tz Europe/Zurich --hours "mon-fri 08:00-17:00"; expect_rc 0
both calendar add alpha --tz UTC --hours "sat 10:00-14:00"; expect_rc 0
both calendar holiday office 2026-12-25 12-26 --name Christmas; expect_rc 0
both calendar holiday office 2026-02-30; expect_rc 2
both calendar holiday office 2026-12-24 --remove; expect_rc 2
both calendar holiday office 12-26 --remove; expect_rc 0
both calendar edit ny --hours "mon-fri 09:00-17:00"; expect_rc 0
both calendar edit 24x7 --hours "mon-fri 09:00-17:00"; expect_rc 2
both calendar due office "2026-12-24 16:00" 2h; expect_rc 0
both calendar due office "2026-12-24 16:00" 1bd; expect_rc 0
for format in table csv tsv json jsonl; do
  both calendar list --format "$format"; expect_rc 0
  both calendar show OFFICE --format "$format"; expect_rc 0
done
both calendar show nosuch; expect_rc 2
both calendar rm alpha; expect_rc 0
both calendar rm alpha; expect_rc 2

both sla add std --calendar office --reply 2h --update 2d --resolve 5bd; expect_rc 0
both sla add STD --reply 1h; expect_rc 2
both sla add vip --calendar ny --reply 30m; expect_rc 0
both sla add bad --reply 0m; expect_rc 2
both sla add nocal --calendar nosuch --reply 1h; expect_rc 2
both sla set std --priority urgent --reply 1h --from "2026-11-01"; expect_rc 0
both sla set std --reply 3h --retroactive; expect_rc 0
both sla set vip --calendar office; expect_rc 0
both calendar rm office; expect_rc 2
for format in table csv tsv json jsonl; do
  both sla list --format "$format"; expect_rc 0
  both sla show std --format "$format"; expect_rc 0
done
both sla rm default; expect_rc 2
both config export; expect_rc 0

both client add "Acme Ltd" --sla std --email ops@acme.example --owner ann --note "Key account"
expect_rc 0
both client add "acme ltd"; expect_rc 2
both client add "Hudson & Vale LLP" --sla vip; expect_rc 0
both client add Émile; expect_rc 0
both client add beta; expect_rc 0
both client add Acme; expect_rc 0
both client add zed --sla nosuch; expect_rc 2
both client edit hudson --owner bob --note "Lawyers"; expect_rc 0
both client edit beta --rename Beta2; expect_rc 0
both client edit Beta2 --rename acme; expect_rc 2
both client edit ac --owner x; expect_rc 2
# Mail addresses and domains (migration 10): several, checked, each belonging to one client.
both client add Bloom --email Jo@Bloom.example --email orders@bloom.example --domain bloom.example
expect_rc 0
both client edit bloom --domain bloom.co.uk --domain BLOOM.example; expect_rc 0
both client edit hudson --email ops@acme.example; expect_rc 2
both client edit hudson --domain bloom.co.uk; expect_rc 2
both client add Bad --email nobody; expect_rc 2
both client edit bloom --email ""; expect_rc 0
both client edit bloom --email jo@bloom.example; expect_rc 0
for format in table csv tsv json jsonl; do
  both client list --format "$format"; expect_rc 0
  both client show ltd --format "$format"; expect_rc 0
done
both client show acm; expect_rc 2
both client show nosuch; expect_rc 2
both client rm Beta2; expect_rc 0
both sla rm std; expect_rc 2
both sla rm vip; expect_rc 2
both sla add tmp --reply 4h; expect_rc 0
both sla rm tmp; expect_rc 0

# Not on a team database yet: one line, exit 3, nothing written.
count_requests() {
  "$pg_bin/psql" -X -q -At "$db" -c "SELECT count(*) FROM slatrack.requests"
}
st log acme "Invoice is wrong"; expect_rc 3; expect_no_out
expect_err "slatrack: error: log does not work on a team database (PostgreSQL) in this slatrack yet; see docs/teams.md for what does, or use a database file"
expect_eq "$(count_requests)" 0 "(nothing written)"
st list; expect_rc 3
expect_err "slatrack: error: reading requests does not work on a team database (PostgreSQL) in this slatrack yet; see docs/teams.md for what does, or use a database file"
st overdue --new; expect_rc 3
expect_err "slatrack: error: overdue does not work on a team database (PostgreSQL) in this slatrack yet; see docs/teams.md for what does, or use a database file"
st check; expect_rc 3
expect_err "slatrack: error: check does not work on a team database (PostgreSQL) in this slatrack yet; see docs/teams.md for what does, or use a database file"

finish
