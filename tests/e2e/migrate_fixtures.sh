#!/usr/bin/env bash
# Every schema that has shipped is upgraded by this slatrack without loss: a copy of each fixture
# (tests/fixtures/schema-N.sqlite, made by tests/fixtures/make-schema-N.sh with the slatrack of
# that schema) is opened, and its requests, clocks and history read back as they were written.
source "$(dirname "$0")/lib.sh" "$1"
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
current=$(sed -n 's/.*k_schema_version = \([0-9]*\);.*/\1/p' "$here/../../src/store/schema.hpp")
export SLATRACK_NOW=2026-11-28T12:00:00Z

# ---- schema 1 ----
cp "$fixtures/schema-1.sqlite" "$db"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" 1 "the fixture is schema 1"
st list --status all --format jsonl; expect_rc 0
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" "$current" "upgraded to the current schema"
# Each request's contract fields are what schema 1 stored (tests/fixtures/schema-1.list.jsonl was
# written by the schema-1 slatrack at the same --now).
fields='{id, client, subject, channel, priority, status, assignee, sla, ref, received_at, replied_at, resolved_at, reply_due_at, update_due_at, resolve_due_at}'
expect_eq "$(printf '%s\n' "$out" | jq -s -c "sort_by(.id)[] | $fields")" "$(jq -c "$fields" "$fixtures/schema-1.list.jsonl")" \
  "requests unchanged by the upgrade"
# And independently of that file, values worked out by hand:
# #1 (office: Europe/London, GMT in November, mon-fri 09:00-12:30 13:30-17:00): logged Mon 23 Nov
# 09:15, reply target 2h -> due 11:15, replied 10:00 (met), resolved Tue 24 Nov 11:00.
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.clocks[] | select(.metric == "reply") | .due_at')" 2026-11-23T11:15:00Z
expect_eq "$(json_get "$out" '.clocks[] | select(.metric == "reply") | .outcome')" met
expect_eq "$(json_get "$out" '.resolved_at')" 2026-11-24T11:00:00Z
expect_eq "$(json_get "$out" '.ref')" INV-1
expect_eq "$(json_get "$out" '[.events[].kind] | join(",")')" message,reply,resolve
expect_eq "$(json_get "$out" '.events[0].text')" "Total off by 10"
# #2 urgent (reply 30m): logged 09:00, due 09:30, replied 10:30: breached by 1h; a note and an
# assignment kept in the history.
st show 2 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.clocks[0].due_at')" 2026-11-24T09:30:00Z
expect_eq "$(json_get "$out" '.clocks[0].outcome')" breached
expect_eq "$(json_get "$out" '.assignee')" carol
expect_eq "$(json_get "$out" '[.events[].kind] | join(",")')" message,reply,pause,resume,note,assign
expect_eq "$(json_get "$out" '.events[4].text')" "Escalated to hosting provider"
# #3 (nyc: America/New_York, mon-fri 08:00-18:00, reply 4h): reopened Thu 26 Nov 13:00Z = 08:00
# EST, due 12:00 EST = 17:00Z.
st show 3 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.reply_due_at')" 2026-11-26T17:00:00Z
expect_eq "$(json_get "$out" '.status')" open
# #4 on the built-in default (24x7, reply 24h): 08:00 -> next day 08:00, overdue at --now.
st show 4 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.reply_due_at')" 2026-11-27T08:00:00Z
# #6: UTF-8 subject kept byte for byte.
st show 6 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.subject')" "Café menu — ünïcode ✓"
# Rules, clients and holidays survived.
st calendar show office --format json; expect_rc 0
expect_out_has '2026-12-25'
expect_eq "$(sqlite3 "$db" "SELECT group_concat(name, '|') FROM (SELECT name FROM holidays ORDER BY month, day)")" "New Year's Day|Christmas Day" "holiday names"
st sla show standard --format json; expect_rc 0
expect_out_has '1800'
st client show "Acme Ltd" --format json; expect_rc 0
expect_out_has 'ops@acme.example'
# What `overdue --new` had shown stays shown.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM overdue_seen")" \
  "$(sqlite3 "$fixtures/schema-1.sqlite" "SELECT count(*) FROM overdue_seen")" "overdue_seen kept"
# The upgraded database is consistent, and writable.
st check; expect_rc 0; expect_out "ok: 6 requests checked"
st reply 4 --at 2026-11-28T11:00:00Z; expect_rc 0
st check; expect_rc 0

# ---- schema 3 (tests/fixtures/make-schema-3.sh): events gain numbers, recorders, void marks ----
cp "$fixtures/schema-3.sqlite" "$db"
rm -f "$db-wal" "$db-shm"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" 3 "the fixture is schema 3"
derived="SELECT id, client_id, subject, channel, priority, assignee, ref, policy_id, created_at,
  status, received_at, replied_at, resolved_at, reply_due_at, update_due_at, resolve_due_at,
  next_due_at, next_metric FROM requests ORDER BY id"
history="SELECT id, request_id, kind, at, author, text, recorded_at FROM events ORDER BY id"
requests_before=$(sqlite3 "$db" "$derived")
events_before=$(sqlite3 "$db" "$history")
clocks_before=$(sqlite3 "$db" "SELECT * FROM clocks ORDER BY request_id, seq")
seen_before=$(sqlite3 "$db" "SELECT * FROM overdue_seen ORDER BY 1, 2, 3, 4")
st check; expect_rc 0; expect_out "ok: 55 requests checked"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" "$current" "upgraded to the current schema"
expect_eq "$(sqlite3 "$db" "$derived")" "$requests_before" "requests unchanged by the upgrade"
expect_eq "$(sqlite3 "$db" "$history")" "$events_before" "every event kept, with its id"
expect_eq "$(sqlite3 "$db" "SELECT * FROM clocks ORDER BY request_id, seq")" "$clocks_before" \
  "clock runs unchanged"
expect_eq "$(sqlite3 "$db" "SELECT * FROM overdue_seen ORDER BY 1, 2, 3, 4")" "$seen_before" \
  "what overdue --new told is kept"
# Numbers: 1 is each request's first message, the others in the order recorded; until now the
# author was always who recorded an event; nothing is void.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests r WHERE (SELECT e.kind || e.at FROM events e
  WHERE e.request_id = r.id AND e.number = 1) <> 'message' || r.received_at")" 0 "event 1 is the first message"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM events a JOIN events b ON a.request_id = b.request_id
  AND a.number > 1 AND b.number > a.number AND b.id < a.id")" 0 "then in the order recorded"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests r WHERE (SELECT max(number) FROM events e
  WHERE e.request_id = r.id) <> (SELECT count(*) FROM events e WHERE e.request_id = r.id)")" 0 \
  "numbered 1 to n"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE recorder <> author OR voided_by IS NOT NULL
  OR target IS NOT NULL")" 0 "recorder = author, nothing void"
st show 5 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind)"] | join(",")')" \
  "1 message,7 note,2 reply,3 message,4 reply,5 resolve,6 reopen" "the back-dated note entered last is 7"
# The report is what the schema-2 slatrack printed (the note and the assignment move no clock),
# beside the update columns the report has had since migration 7 (last in each row).
st report --by client --format json; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -c 'map(del(.update_met, .update_breached, .update_met_pct))')" \
  "$(sed -n 1p "$fixtures/schema-2.report.jsonl" | jq -c .)" "report --by client unchanged"
# The upgraded database takes voids: #7's assignment voided, it goes back to the client's owner.
st show 7 --format json; expect_rc 0
assign=$(json_get "$out" '.events[] | select(.kind == "assign") | .number')
owner=$(sqlite3 "$db" "SELECT c.owner FROM requests r JOIN clients c ON c.id = r.client_id WHERE r.id = 7")
expect_eq "$(json_get "$out" .assignee)" dora
st void 7 "$assign" -m "wrong person"; expect_rc 0
st show 7 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.assignee // ""')" "$owner" "the assignment voided"
st undo; expect_rc 0; expect_out "Undid: void of event $assign on #7 (wrong person) by tester at 12:00"
st show 7 --format json; expect_rc 0
expect_eq "$(json_get "$out" .assignee)" dora "and the void undone"
st check; expect_rc 0

# ---- schema 7 (tests/fixtures/make-schema-7.sh): rules gain dates (policy versions) ----
# Today's rules become each policy's first version, from the beginning of time: no outcome
# changes, so the commands print byte for byte what the schema-7 slatrack printed.
cp "$fixtures/schema-7.sqlite" "$db"
rm -f "$db-wal" "$db-shm"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" 7 "the fixture is schema 7"
clocks_before=$(sqlite3 "$db" "SELECT * FROM clocks ORDER BY request_id, seq")
SLATRACK_USER=fixture st check; expect_rc 0; expect_out "ok: 59 requests checked"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" "$current" "upgraded to the current schema"
expect_eq "$(sqlite3 "$db" "SELECT * FROM clocks ORDER BY request_id, seq")" "$clocks_before" \
  "clock runs unchanged"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM policy_versions WHERE from_at IS NULL AND id = policy_id")" \
  "$(sqlite3 "$db" "SELECT count(*) FROM policies")" "one first version per policy"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE version_id <> policy_id")" 0 \
  "each request judged by its policy's first version"
printed=$(
  export SLATRACK_USER=fixture
  run() {
    printf '$ %s\n' "$*"
    "$SLATRACK_BIN" --db "$db" "$@" || true
  }
  # The commands of make-schema-7.sh, in its order.
  run report --from 2026-10-01 --to 2026-12-01 --by client
  run report --from 2026-10-01 --to 2026-12-01 --by priority --format json
  run report --month 2026-11 --by week
  run list --status all --format jsonl
  run overdue --within 8h
  run statement "Echo Events" --month 2026-11
  run statement "Acme Ltd" --month 2026-11 --format json
)
expect_eq "$printed" "$(cat "$fixtures/schema-7.outputs.txt")" \
  "reports, list, overdue and statements byte for byte as schema 7 printed them"
st sla show days --format json; expect_rc 0
expect_eq "$(json_get "$out" '"\(.urgent_reply) \(.urgent_resolve) \(.low_update)"')" "7200 2bd null"
st check; expect_rc 0
finish
