#!/usr/bin/env bash
# `slatrack check`: clean database -> exit 0 and "ok: N requests checked"; tampered derived state,
# dangling rows or a damaged file -> one line per problem on stdout, exit 3; it never writes. On a
# file and on a team database alike (the same lines), but for the dangling rows: a server keeps
# its own foreign keys.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z

st check; expect_rc 3; expect_no_out
expect_err "slatrack: error: no database at $db; create it with: slatrack init (or point --db at your database)"
if on_file; then
  [ -e "$db" ]; expect_eq "$?" 1 "check does not create a database"
else
  expect_eq "$(db_sql "SELECT count(*) FROM pg_namespace WHERE nspname = 'slatrack'")" 0 \
    "check does not create a database"
fi

st init; expect_rc 0
st check; expect_rc 0; expect_out "ok: 0 requests checked"
st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h --resolve 2d; expect_rc 0
st client add acme --sla standard; expect_rc 0
# Mon 23 Nov 2026 09:00 UTC + 2h open = 11:00; resolve 2d = 48h of open time (8h a day) = six
# days of 8h -> due Tue 1 Dec 17:00 (Mon..Fri 40h, Mon 30 Nov 8h).
st log acme "one" --at 2026-11-23T09:00:00Z -q; expect_rc 0
st log acme "two" --at 2026-11-23T10:00:00Z -q; expect_rc 0
st reply 2 --at 2026-11-23T10:30:00Z; expect_rc 0
st log acme "three" --at 2026-11-24T09:00:00Z -q; expect_rc 0
st check; expect_rc 0; expect_out "ok: 3 requests checked"
st -q check; expect_rc 0; expect_no_out

# Tamper with derived state: each difference is named with stored and expected values.
db_sql "UPDATE requests SET reply_due_at = reply_due_at + 60 WHERE id = 1;
  UPDATE requests SET status = 'waiting' WHERE id = 2;
  DELETE FROM clocks WHERE request_id = 3 AND metric = 'resolve';" >/dev/null
before=$(db_digest)
st check; expect_rc 3
expect_out_has "#1: reply_due_at stored 2026-11-23T11:01:00Z expected 2026-11-23T11:00:00Z"
expect_out_has "#2: status stored waiting expected open"
expect_out_has "#3: clocks stored 1 runs expected 2"
expect_err "slatrack: error: $db failed 3 checks (listed above) over 3 requests; restore a backup, or report it with the lines above"
expect_eq "$(db_digest)" "$before" "check writes nothing"

db_sql "UPDATE requests SET reply_due_at = reply_due_at - 60 WHERE id = 1;
  UPDATE requests SET status = 'open' WHERE id = 2;" >/dev/null
if on_file; then
  # Dangling rows are found by foreign_key_check.
  sqlite3 "$db" "PRAGMA foreign_keys = OFF; INSERT INTO events (request_id, number, kind, at, author, recorder, recorded_at) VALUES (99, 1, 'note', 0, 'x', 'x', 0);"
  st check; expect_rc 3
  expect_out_has "foreign key: events row"
  expect_out_has "refers to a missing requests row"
  expect_out_has "#3: clocks stored 1 runs expected 2"
  sqlite3 "$db" "DELETE FROM events WHERE request_id = 99;"
fi
st check; expect_rc 3; expect_out "#3: clocks stored 1 runs expected 2"

# Void marks are derived state too: a mark that is not what the void events give is found.
st reply 3 --at 2026-11-24T10:00:00Z; expect_rc 0
st void 3 2 -m "wrong request"; expect_rc 0
st check; expect_rc 0
db_sql "UPDATE events SET voided_by = NULL WHERE request_id = 3 AND number = 2;
  UPDATE requests SET voided_by = 3 WHERE id = 1;" >/dev/null
st check; expect_rc 3
expect_out_has "#1: voided_by stored 3 expected null"
expect_out_has "#3: event 2 voided_by stored null expected 3"
finish
