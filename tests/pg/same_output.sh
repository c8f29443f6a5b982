#!/usr/bin/env bash
# The same commands on a database file and on a team database give byte for byte the same stdout,
# stderr and exit code (SPEC.md, Teams), in every format, on a server whose time zone and date
# style are not UTC and ISO (scripts/pg-server); names sort and match as in a file (ASCII case
# ignored, then by code point).
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

# Requests: log, every event command, show, list and overdue, in every format.
both log acme "Invoice is wrong" --at "2026-11-20 09:00" --ref m-1; expect_rc 0
both log ltd "Login broken" --at "2026-11-20 16:30" --priority urgent --channel phone; expect_rc 0
both log ltd "Login broken" --at "2026-11-20 16:45"; expect_rc 0
both log hudson "Contract review" --at "2026-11-19 11:00" -m "Please look at clause 4" --by "Mary Vale"
expect_rc 0
both log Émile "Question" --at "2026-11-23 09:55" -q; expect_rc 0
both log nobody "New" --at "2026-11-23 08:00"; expect_rc 2
both log nobody "New" --at "2026-11-23 08:00" --create-client; expect_rc 0
both log acme "Again" --ref m-1; expect_rc 0
both log acme "Future" --at "2026-11-24 09:00"; expect_rc 2
both reply 1 --at "2026-11-20 10:30" -m "Looking"; expect_rc 0
both reply 1 --at "2026-11-20 08:00"; expect_rc 2
both pause 2 --at "2026-11-20 17:00"; expect_rc 0
both resume 2 --at "2026-11-21 10:00"; expect_rc 0
both followup 1 --at "2026-11-21 09:00" -m "Any news?"; expect_rc 0
both note 3 "Called back" --at "2026-11-22 10:00"; expect_rc 0
both assign 3 carol --at "2026-11-22 11:00"; expect_rc 0
both resolve 4 --at "2026-11-20 12:00"; expect_rc 0
both resolve 4 --at "2026-11-20 13:00"; expect_rc 2
both reopen 4 --at "2026-11-21 09:30" -m "Still wrong"; expect_rc 0
both reply 99; expect_rc 2
both client edit hudson --sla std --open; expect_rc 0
both sla set std --reply 90m --from "2026-11-20"; expect_rc 0
both calendar holiday office 2026-11-20; expect_rc 0
for format in table csv tsv json jsonl; do
  both show 1 --format "$format"; expect_rc 0
  both show 4 --format "$format"; expect_rc 0
  both list --format "$format"; expect_rc 0
  both list --status all --format "$format"; expect_rc 0
  both overdue --format "$format"
  both overdue --within 8h --format "$format"
  both overdue --within 2bd --client acme --format "$format"
  both client list --format "$format"; expect_rc 0
done
both list --status all --assignee CAROL --priority normal --since 2026-11-19 --until 2026-11-22
expect_rc 0
both list --client ltd --limit 1; expect_rc 0
both list --status resolved; expect_rc 0
both list --client nosuch; expect_rc 2
both overdue --assignee ANN --within 1h; expect_rc 0; expect_out_has "Login broken"
both overdue --new --within 4h; expect_rc 1
both overdue --new --within 4h; expect_rc 0; expect_no_out
SLATRACK_NOW="2026-11-25 10:00" both overdue --new --within 4h; expect_rc 1
both sla rm std; expect_rc 2
both client rm acme; expect_rc 2

# Edit, void, unvoid, undo, merge, check and export.
both edit 1 --subject "Invoice is wrong (March)" --priority high; expect_rc 0
both edit 2 --client hudson; expect_rc 0
both edit 3 --ref m-1; expect_rc 2
both edit 99 --subject x; expect_rc 2
both void 3 2; expect_rc 0
both void 3 1; expect_rc 2
both unvoid 3 2; expect_rc 0
both void 5 -m "Spam"; expect_rc 0
both reply 5; expect_rc 2
both unvoid 5; expect_rc 0
both merge 6 INTO 1; expect_rc 2
both merge 6 1; expect_rc 0
both merge 6 1; expect_rc 2
both undo; expect_rc 0
both undo; expect_rc 0
both check; expect_rc 0; expect_out "ok: 6 requests checked"
for format in table csv tsv json jsonl; do
  both export --format "$format"; expect_rc 0
  both show 6 --format "$format"; expect_rc 0
  both list --status all --format "$format"; expect_rc 0
done

# Reports, statements and search (the same aggregation and matching on both backends).
for format in table csv tsv json jsonl; do
  both report --format "$format"; expect_rc 0
  both report --by assignee --from 2026-11-19 --to 2026-11-24 --format "$format"; expect_rc 0
done
for by in client assignee priority channel day week month; do
  both report --by "$by" --from 2026-11-01 --to "2026-11-23 10:00" --format json; expect_rc 0
  both report --by "$by" --from 2026-11-20T11:30:00Z --to 2026-11-21T05:00:00Z --format csv
  expect_rc 0
done
both report --by day --tz America/New_York --from 2026-11-18 --to 2026-11-24; expect_rc 0
both report --month last; expect_rc 0
both report --month this --client ltd --format json; expect_rc 0
both report --client nosuch; expect_rc 2
for format in table markdown html json csv; do
  both statement acme --month this --format "$format"; expect_rc 0
  both statement hudson --from 2026-11-01 --format "$format"; expect_rc 0
done
both statement nosuch; expect_rc 2
both note 1 "Café au lait: INV-1042" --at "2026-11-22 12:00"; expect_rc 0
for words in invoice INV cafe "CAFÉ inv-10" clause "login vat" m-1 zzz; do
  both list --status all --search "$words"; expect_rc 0
  both list --search "$words" --format json; expect_rc 0
done
both list --status all --search "Invoice" --client acme --limit 1; expect_rc 0
both list --search " - "; expect_rc 2

finish
