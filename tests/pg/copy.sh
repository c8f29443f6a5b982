#!/usr/bin/env bash
# copy DEST (SPEC.md, Teams; #18 item 5): a whole database from a file to a team database and back
# (and file to file, server to server) gives the same export byte for byte, the same reports and
# overdue, and nothing new for `overdue --new`; a DEST that holds requests or rules of its own is
# refused (exit 2, one line, nothing written); a DEST that cannot be reached or written: exit 3,
# nothing left behind; a password in the DEST URL is refused and never printed.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
export SLATRACK_NOW="2026-11-30 12:00"
src="$tmp/src.db"
other="${pg_db}_other"
third="${pg_db}_third"
role="copier_$$"
pg_sql -c "CREATE DATABASE $other" -c "CREATE DATABASE $third" -c "CREATE ROLE $role LOGIN" >/dev/null
trap 'for name in $pg_db $other $third; do
    pg_sql -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  pg_sql -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true' EXIT
other_url="postgresql://postgres@/$other?host=$pg_dir"

# on DB ARGS...: slatrack on database DB; sets $out, $err and $rc.
on() {
  local where=$1
  shift
  out=$("$SLATRACK_BIN" --db "$where" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
# same A B WHAT ARGS...: ARGS on database A and on database B give the same stdout and exit code.
same() {
  local a=$1 b=$2 what=$3 want wrc
  shift 3
  on "$a" "$@"; want=$out; wrc=$rc
  on "$b" "$@"
  checks=$((checks + 1))
  if [ "$out" != "$want" ] || [ "$rc" != "$wrc" ]; then
    fail "$* differs on $what
  want (rc $wrc): $want"
  fi
}

# A history with every kind of row: calendar versions and holidays, policy versions, clients with
# addresses, void marks, a merge, what overdue --new told, a message recorded by mail.
on "$src" calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
on "$src" calendar holiday office 12-25 --name "Christmas"; expect_rc 0
on "$src" calendar edit office --hours "mon-fri 08:00-16:00" --from 2026-11-16; expect_rc 0
on "$src" sla add std --calendar office --reply 2h --update 1d --resolve 5bd; expect_rc 0
on "$src" sla set std --priority urgent --reply 1h --from "2026-11-01"; expect_rc 0
on "$src" client add "Acme Ltd" --sla std --owner ann --email ops@acme.example --domain acme.example
expect_rc 0
on "$src" client add "Bloom" --note "tab	and \\ backslash"; expect_rc 0
on "$src" log acme "First" --at "2026-11-27 09:00" --ref b1 -m "Hello, ünïcode
second line	tab \\N" -q; expect_rc 0
on "$src" log acme "Second" --at "2026-11-27 10:00" --priority urgent -q; expect_rc 0
on "$src" reply 1 --at "2026-11-27 10:00"; expect_rc 0
on "$src" void 1 2 -m "wrong request"; expect_rc 0
on "$src" log acme "Third" --at "2026-11-28 10:00" -q; expect_rc 0
on "$src" merge 3 2; expect_rc 0
on "$src" log bloom "Fourth" --at "2026-11-20 10:00" -q; expect_rc 0
on "$src" pause 4 --at "2026-11-20 11:00"; expect_rc 0
on "$src" log bloom "Fifth" --at "2026-11-02 10:00" --channel phone -q; expect_rc 0
on "$src" resolve 5 --at "2026-11-03 10:00"; expect_rc 0
on "$src" mail <"$(dirname "$0")/../fixtures/mail/01-gmail-new.eml"; expect_rc 0
on "$src" overdue --new; expect_rc 1
told=$out
expect_out_has "Second" "(overdue --new told something before the copy)"
# One row per request a run (docs/reports.md): a request's other clocks that breached too are told
# by the runs after it, until there is nothing left to tell.
for _ in 1 2 3; do on "$src" overdue --new; [ "$rc" = 0 ] && break; done
expect_rc 0 "(every breach told before the copy)"

# File to server: one line, the counts in machine formats.
on "$src" copy "$db"; expect_rc 0; expect_no_err
expect_out "Copied 6 requests from $src to $db"
on "$db" overdue --new; expect_rc 0; expect_no_out "(told once on the file: not again on the server)"
same "$src" "$db" "the server" export --format jsonl
same "$src" "$db" "the server" overdue
same "$src" "$db" "the server" list --status all --format csv
same "$src" "$db" "the server" calendar show office --format json
same "$src" "$db" "the server" sla show std --format json
same "$src" "$db" "the server" client list --format tsv
same "$src" "$db" "the server" show 2 --format json
on "$db" check; expect_rc 0; expect_out "ok: 6 requests checked"

# Server to file: a new file, mode 0600, the same export, reports and overdue as the first file.
back="$tmp/back.db"
on "$db" copy "$back" --format json; expect_rc 0; expect_no_err
expect_eq "$(json_get "$out" '.database + " " + .copy + " " + (.requests|tostring)')" \
  "$db $back 6"
expect_eq "$(stat -c %a "$back")" 600 "(copy's mode)"
on "$back" overdue --new; expect_rc 0; expect_no_out "(nothing new on the file copied back)"
for args in "export --format jsonl" "export" "report --month 2026-11" "report --month 2026-11 --by week --format json" \
  "statement acme --month 2026-11" "overdue" "overdue --within 1d --format tsv" \
  "list --search hello --format csv" "calendar show office" "client show acme --format json"; do
  same "$src" "$back" "the file copied back" $args
done
expect_eq "$(cmp -s <("$SLATRACK_BIN" --db "$src" export --format jsonl) \
  <("$SLATRACK_BIN" --db "$back" export --format jsonl) && echo same)" same "(export byte for byte)"
on "$back" check; expect_rc 0; expect_out "ok: 6 requests checked"
on "$back" mail <"$(dirname "$0")/../fixtures/mail/01-gmail-new.eml"; expect_rc 0
same "$src" "$back" "the file copied back (mail recorded once)" list --status all --format csv

# File to file, and server to server; into a database just made by init.
on "$src" copy "$tmp/second.db" -q; expect_rc 0; expect_no_out
same "$src" "$tmp/second.db" "a file copied to a file" export --format jsonl
on "$other_url" init; expect_rc 0
on "$db" copy "$other_url"; expect_rc 0; expect_out "Copied 6 requests from $db to $other_url"
same "$src" "$other_url" "a server copied to a server" export --format jsonl

# Into tables made by another role that granted them (docs/teams.md): not their owner, the copy
# keeps their keys and indexes and works the same.
on "postgresql://postgres@/$third?host=$pg_dir" init; expect_rc 0
pg_sql -d "$third" -c "GRANT USAGE ON SCHEMA slatrack TO $role" \
  -c "GRANT ALL ON ALL TABLES IN SCHEMA slatrack TO $role" >/dev/null
on "$src" copy "postgresql://$role@/$third?host=$pg_dir" -q; expect_rc 0; expect_no_err
same "$src" "postgresql://$role@/$third?host=$pg_dir" "a server copied into by a role that does not own it" \
  export --format jsonl

# A DEST that holds requests, or rules of its own (even a changed built-in): exit 2, one line,
# nothing written.
before=$(sha256sum <"$back")
on "$src" copy "$back"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $back is not empty: it holds requests; copy writes only into an empty database (a new file, a new database, or one just made by slatrack init): name another DEST"
expect_eq "$(sha256sum <"$back")" "$before" "(nothing written to the file)"
on "$src" copy "$db"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $db is not empty: it holds requests; copy writes only into an empty database (a new file, a new database, or one just made by slatrack init): name another DEST"
same "$src" "$db" "the server after a refused copy" export --format jsonl
on "$tmp/rules.db" sla set default --reply 1h --retroactive; expect_rc 0
before=$(sqlite3 "$tmp/rules.db" .dump | sha256sum)
on "$src" copy "$tmp/rules.db"; expect_rc 2
expect_err "slatrack: error: $tmp/rules.db is not empty: it holds rules of its own; copy writes only into an empty database (a new file, a new database, or one just made by slatrack init): name another DEST"
expect_eq "$(sqlite3 "$tmp/rules.db" .dump | sha256sum)" "$before" "(nothing written to the rules file)"
echo "precious" >"$tmp/taken.txt"
on "$src" copy "$tmp/taken.txt"; expect_rc 3; expect_no_out
expect_eq "$(cat "$tmp/taken.txt")" precious "(a file that is not a database is left alone)"

# A DEST that cannot be reached or written: exit 3, one line, nothing left behind.
on "$src" copy "postgresql://postgres@/nosuch?host=$tmp/no-server"; expect_rc 3; expect_no_out
expect_err_has "slatrack: error: cannot reach the database server of postgresql://postgres@/nosuch?host=$tmp/no-server"
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "(one line)"
on "$src" copy "postgresql://postgres@/nosuch_db_$$?host=$pg_dir"; expect_rc 3
expect_err_has "nosuch_db_$$"
on "$src" copy "$tmp/no/such/dir/x.db"; expect_rc 3; expect_no_out
expect_eq "$(ls "$tmp/no" 2>/dev/null | wc -l)" 0 "(nothing left)"

# A password in the DEST URL: refused with the hint, never printed.
on "$src" copy "postgresql://postgres:s3cret@/$other?host=$pg_dir"; expect_rc 2; expect_no_out
expect_err "slatrack: error: the DEST URL holds a password, which every user of this machine can read (ps); put it in ~/.pgpass (mode 0600, a line HOST:PORT:DBNAME:USER:PASSWORD) and give the URL without it"

# From a database that does not exist: exit 3 naming init, no DEST made.
on "$tmp/none.db" copy "$tmp/made.db"; expect_rc 3
expect_eq "$(ls "$tmp" | grep -c made.db)" 0 "(no DEST made from nothing)"

finish
