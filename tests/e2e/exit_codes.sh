#!/usr/bin/env bash
# Bad input: exit 2, one line naming the problem, nothing written. Database trouble: exit 3.
source "$(dirname "$0")/lib.sh" "$1"

st init; expect_rc 0
st client add Acme; expect_rc 0
st log Acme "First" --at "2026-11-20 09:00" --now "2026-11-20 09:00"; expect_rc 0
before=$(db_digest)

check_bad() { # check_bad EXPECTED_STDERR_PART ARGS...
  local part=$1; shift
  st "$@"
  expect_rc 2 "for: $*"
  expect_no_out "for: $*"
  expect_err_has "$part" "for: $*"
  expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "one line for: $*"
  case "$err" in "slatrack: error: "*) ;; *) fail "error prefix for: $*" ;; esac
  expect_eq "$(db_digest)" "$before" "(nothing written for: $*)"
}
check_bad "The following argument was not expected: --bogus" list --bogus
check_bad "see: slatrack --help" nosuch
check_bad 'bad time "yesterday-ish"' log Acme "x" --at "yesterday-ish"
check_bad 'is later than now' log Acme "x" --at "+1h"
check_bad 'no client "Acmee" (did you mean "Acme"?)' log Acmee "x"
check_bad 'bad channel "fax": use email, phone, chat, social, in-person, web, other' log Acme x --channel fax
check_bad 'bad priority "asap": use urgent, high, normal, low' log Acme x --priority asap
check_bad 'bad request number "abc": use a number such as 42 or #42' reply abc
check_bad 'no request #99' reply 99
check_bad 'bad duration' sla add fast --reply 2x
check_bad 'bad --format "xml": use table, csv, tsv, json or jsonl' list --format xml
check_bad 'bad --color "sometimes": use auto, always or never' list --color sometimes
check_bad 'bad --status "done": use open, waiting, resolved or all' list --status done
check_bad 'bad --limit "-3": use a positive whole number' list --limit -3
check_bad 'nothing to change' client edit Acme
check_bad 'empty subject' log Acme "   "
check_bad 'no SLA policy "gold"' client add Beta --sla gold
check_bad '--within: bad duration' overdue --within soon
check_bad 'cannot resume #1' resume 1 --now "2026-11-20 10:00"
check_bad 'before the request' reply 1 --at "2026-11-19 09:00"
check_bad 'client "Acme" exists' client add acme

# --help and --version exit 0 and never touch the database.
st --help; expect_rc 0; expect_out_has "Exit codes: 0 done"
st --version; expect_rc 0; expect_out_has "slatrack "

# Exit 3: a database from a newer slatrack is refused and left untouched.
newer="$tmp/newer.sqlite"
"$SLATRACK_BIN" --db "$newer" init -q
sqlite3 "$newer" "PRAGMA user_version=999;"
sum_before=$(sha256sum "$newer" | cut -d' ' -f1)
out=$("$SLATRACK_BIN" --db "$newer" list 2>"$tmp/stderr") && rc=0 || rc=$?; err=$(cat "$tmp/stderr")
expect_rc 3; expect_err_has "newer slatrack"
expect_eq "$(sha256sum "$newer" | cut -d' ' -f1)" "$sum_before" "(newer database untouched)"

# A database of another program is refused too.
sqlite3 "$tmp/other.sqlite" "CREATE TABLE t(x);"
out=$("$SLATRACK_BIN" --db "$tmp/other.sqlite" list 2>"$tmp/stderr") && rc=0 || rc=$?; err=$(cat "$tmp/stderr")
expect_rc 3; expect_err_has "is not a slatrack database"

# Exit 3: not a database.
echo "hello, not sqlite" >"$tmp/text.db"
out=$("$SLATRACK_BIN" --db "$tmp/text.db" list 2>"$tmp/stderr") && rc=0 || rc=$?; err=$(cat "$tmp/stderr")
expect_rc 3; expect_err_has "slatrack: error: "

# Exit 3: a directory that cannot be created.
out=$("$SLATRACK_BIN" --db /proc/nope/db.sqlite list 2>"$tmp/stderr") && rc=0 || rc=$?; err=$(cat "$tmp/stderr")
expect_rc 3; expect_err_has "slatrack: error: "

# The database file is readable by its owner only.
if on_file; then
  expect_eq "$(stat -c %a "$db")" 600 "(mode of the database)"
fi

# SLATRACK_DB is honoured.
SLATRACK_DB="$tmp/env.sqlite" "$SLATRACK_BIN" init -q >/dev/null 2>&1
expect_eq "$(test -f "$tmp/env.sqlite" && echo yes)" yes "(SLATRACK_DB)"
finish
