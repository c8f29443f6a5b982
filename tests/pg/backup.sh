#!/usr/bin/env bash
# backup of a team database (SPEC.md, Teams; #18 item 5): a new SQLite file, mode 0600, that opens
# as a database file with the same export, list and check, and the told-once memory of
# `overdue --new`; it never overwrites a file and leaves nothing behind when it fails.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
export SLATRACK_NOW="2026-11-30 12:00"

st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday office 12-25 --name Christmas; expect_rc 0
st calendar edit office --hours "mon-fri 08:00-16:00" --from 2026-11-16; expect_rc 0
st sla add std --calendar office --reply 2h --resolve 5bd; expect_rc 0
st sla set std --priority urgent --reply 1h --from "2026-11-01"; expect_rc 0
st client add "Acme Ltd" --sla std --owner ann --email ops@acme.example --domain acme.example; expect_rc 0
st log acme "First" --at "2026-11-27 09:00" --ref b1 -m "Hello, ünïcode" -q; expect_rc 0
st log acme "Second" --at "2026-11-27 10:00" --priority urgent -q; expect_rc 0
st reply 1 --at "2026-11-27 10:00"; expect_rc 0
st void 1 2; expect_rc 0
st log acme "Third" --at "2026-11-28 10:00" -q; expect_rc 0
st merge 3 2; expect_rc 0
st overdue --new; expect_rc 1
# One row per request a run (docs/reports.md): a request's other clocks that breached too are told
# by the runs after it, until there is nothing left to tell.
for _ in 1 2 3; do st overdue --new; [ "$rc" = 0 ] && break; done
expect_rc 0 "(every breach told before the backup)"

copy="$tmp/copy.db"
st backup "$copy"; expect_rc 0; expect_no_err
expect_out "Backed up $db to $copy"
expect_eq "$(stat -c %a "$copy")" 600 "(backup mode)"
expect_eq "$(sqlite3 "$copy" 'PRAGMA integrity_check')" ok
expect_eq "$(ls "$tmp" | grep -c 'copy.db-')" 0 "(no journal left)"
# file CMD...: slatrack on the copy.
file() {
  out=$("$SLATRACK_BIN" --db "$copy" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
for args in "export --format jsonl" "list --status all --format csv" "sla show std --format json" \
  "calendar show office" "calendar show office --format json" "client list --format tsv" "show 2 --format json"; do
  st $args; want=$out
  file $args; expect_rc 0; expect_eq "$out" "$want" "($args on the copy)"
done
file check; expect_rc 0; expect_out "ok: 3 requests checked"
file overdue --new; expect_rc 0; expect_no_out "(told once, on the server: not again on the copy)"

# Never over an existing file; nowhere to write: exit 3, nothing left.
echo "precious" >"$tmp/taken.db"
st backup "$tmp/taken.db"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $tmp/taken.db exists; a backup never overwrites a file: remove it first or name a new file"
expect_eq "$(cat "$tmp/taken.db")" precious
st backup "$tmp/no/such/dir/x.db"; expect_rc 3

finish
