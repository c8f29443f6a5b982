#!/usr/bin/env bash
# Text from the database never reaches a terminal raw: ESC and other control characters in a
# subject, a client name, a note and event texts are escaped in every table view. The database,
# its -wal/-shm and backups are readable by their owner only.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
esc=$'\x1b'

st client add acme; expect_rc 0
st log acme $'Pay \x1b[31mnow\x1b[0m\x07' --at 2026-11-24T09:00:00Z -m $'msg \x1b]0;title\x07' -q
expect_rc 0; expect_out 1
st note 1 $'note \x1b[2J cleared'; expect_rc 0
st reply 1 --at 2026-11-24T09:30:00Z -m $'reply\r\x1b[1A'; expect_rc 0
st followup 1 --at 2026-11-24T10:00:00Z -m $'again\x1b'; expect_rc 0
# Names with control characters are refused on the command line, but a database written by
# another tool (or an older slatrack) may hold one: it must be escaped too.
esc_sql=$(on_file && echo "char(27)" || echo "chr(27)") # SQLite's, PostgreSQL's
db_sql "UPDATE clients SET name = 'Ev' || $esc_sql || '[5mil', note = 'n' || $esc_sql || 'x' WHERE name = 'acme'"

# no_raw_escape WHAT: stdout of the last command holds no raw ESC, BEL or CR.
no_raw_escape() {
  checks=$((checks + 1))
  case "$out" in
  *"$esc"* | *$'\x07'* | *$'\r'*) fail "raw control character in $1" ;;
  esac
}
st list; expect_rc 0; no_raw_escape list
expect_out_has 'Pay \x1b[31mnow\x1b[0m\x07'
expect_out_has 'Ev\x1b[5mil'
st list --status all --client $'Ev\x1b[5mil' 2>/dev/null; no_raw_escape "list --client"
st show 1; expect_rc 0; no_raw_escape show
expect_out_has 'note \x1b[2J cleared'
expect_out_has 'msg \x1b]0;title\x07'
expect_out_has 'reply\r\x1b[1A'
st overdue; no_raw_escape overdue
expect_out_has 'Pay \x1b[31mnow'
st overdue --within 5d; no_raw_escape "overdue --within"
st explain 1; no_raw_escape explain
st report --from 2026-11-01 --to 2026-11-26; no_raw_escape report
st report --from 2026-11-01 --to 2026-11-26 --by client; no_raw_escape "report --by client"
st client list; no_raw_escape "client list"
st client show $'Ev\x1b[5mil'; no_raw_escape "client show"
# Machine formats carry the text exactly (JSON escapes it as \u001b).
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.subject')" $'Pay \x1b[31mnow\x1b[0m\x07'
expect_out_has '\u001b[31m'

# C1 control characters (U+009B is a CSI to some terminals) are valid UTF-8 and allowed in text
# arguments, and a database file written by another tool may hold bytes that are not UTF-8 (a
# PostgreSQL server refuses them): the table escapes both, byte by byte.
st log beta $'c1 \xc2\x9b31m red' --at 2026-11-24T11:00:00Z --create-client -q
expect_rc 0; expect_out 2
if on_file; then
  sqlite3 "$db" "UPDATE requests SET subject = 'bad ' || CAST(X'FF' AS TEXT) || ' byte' WHERE id = 1"
fi
st list; expect_rc 0
case "$out" in
*$'\xc2\x9b'* | *$'\xff'*) fail "raw C1 control or non-UTF-8 byte in list" ;;
esac
checks=$((checks + 1))
expect_out_has 'c1 \xc2\x9b31m red'
if on_file; then
  expect_out_has 'bad \xff byte'
fi
st show 2; expect_rc 0; expect_out_has 'c1 \xc2\x9b31m red'

# ---- modes ----
umask 022
st init; expect_rc 0
if on_file; then
  expect_eq "$(stat -c %a "$db")" 600 "database mode"
  for f in "$db-wal" "$db-shm"; do
    [ -e "$f" ] && expect_eq "$(stat -c %a "$f")" 600 "$(basename "$f") mode"
  done
fi
fresh="$tmp/sub/dir/fresh.db"
"$SLATRACK_BIN" --db "$fresh" init >/dev/null 2>&1
expect_eq "$(stat -c %a "$fresh")" 600 "new database mode"
expect_eq "$(stat -c %a "$tmp/sub/dir")" 700 "created directory mode"
st backup "$tmp/backup.db"; expect_rc 0
expect_eq "$(stat -c %a "$tmp/backup.db")" 600 "backup mode"
finish
