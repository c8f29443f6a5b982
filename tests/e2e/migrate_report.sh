#!/usr/bin/env bash
# Migrations 3 and 7 (the report's indexes) upgrade a schema-2 database without changing a single number
# of any report: tests/fixtures/schema-2.sqlite, made by the schema-2 slatrack with
# tests/fixtures/make-schema-2.sh, is opened by this slatrack, and every report is byte for byte
# what the schema-2 slatrack printed (tests/fixtures/schema-2.report.jsonl). Then the figures of
# the report by client over the whole range are checked against plain SQL over the stored clocks.
source "$(dirname "$0")/lib.sh" "$1"
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
current=$(sed -n 's/.*k_schema_version = \([0-9]*\);.*/\1/p' "$here/../../src/store/schema.hpp")
export SLATRACK_NOW=2026-11-28T12:00:00Z

cp "$fixtures/schema-2.sqlite" "$db"
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" 2 "the fixture is schema 2"

# The same reports, in the same order, as make-schema-2.sh wrote them (the update columns that
# the report has had since migration 7, last in each row, left out: checked against SQL below).
line=0
old_keys() { jq -c 'map(del(.update_met, .update_breached, .update_met_pct))'; }
for by in client assignee priority channel day week month; do
  line=$((line + 1))
  st report --by "$by" --format json; expect_rc 0
  expect_eq "$(printf '%s\n' "$out" | old_keys)" "$(sed -n "${line}p" "$fixtures/schema-2.report.jsonl" | jq -c .)" "report --by $by (30 days)"
  line=$((line + 1))
  TZ=Europe/London st report --by "$by" --from 2026-10-01 --to 2026-11-28 --format json
  expect_rc 0
  expect_eq "$(printf '%s\n' "$out" | old_keys)" "$(sed -n "${line}p" "$fixtures/schema-2.report.jsonl" | jq -c .)" "report --by $by (London)"
done
expect_eq "$(sqlite3 "$db" "PRAGMA user_version")" "$current" "upgraded to the current schema"

# The indexes migration 3 made, and the ones it replaced gone.
expect_eq "$(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
  WHERE type = 'index' AND name IN ('clocks_stopped', 'clocks_running', 'requests_by_received',
    'clocks_by_metric_stop', 'clocks_by_metric_due') ORDER BY name)")" \
  "clocks_running clocks_stopped requests_by_received" "migration 3's indexes"
expect_eq "$(sqlite3 "$db" "SELECT group_concat(name, ',') FROM pragma_index_info('requests_by_received')")" \
  "received_at,client_id,priority,channel,assignee,voided_by" "requests_by_received covers the groups and the void mark"
# Every stopped run is in clocks_stopped (update runs too, since migration 7), every running run
# in clocks_running.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM clocks INDEXED BY clocks_stopped
  WHERE metric IN ('reply', 'update', 'resolve') AND stop_at > 0")" \
  "$(sqlite3 "$db" "SELECT count(*) FROM clocks NOT INDEXED WHERE stop_at IS NOT NULL")" \
  "clocks_stopped filled"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM clocks INDEXED BY clocks_running
  WHERE outcome = 'running' AND metric > ''")" \
  "$(sqlite3 "$db" "SELECT count(*) FROM clocks NOT INDEXED WHERE outcome = 'running'")" \
  "clocks_running filled"

# The report by client over [2026-09-30T23:00Z, 2026-11-28T00:00Z) (London: BST then GMT) against
# plain SQL over the stored requests and clock runs.
from=$(date -u -d 2026-09-30T23:00:00Z +%s)
to=$(date -u -d 2026-11-28T00:00:00Z +%s)
now=$(date -u -d "$SLATRACK_NOW" +%s)
TZ=Europe/London st report --by client --from 2026-10-01 --to 2026-11-28 --format json
expect_rc 0
expected=$(sqlite3 -separator ' ' "$db" "
  SELECT c.name,
    (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.received_at >= $from
       AND r.received_at < $to),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'reply' AND k.outcome = 'met'
       AND k.stop_at >= $from AND k.stop_at < $to),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'reply'
       AND ((k.outcome = 'breached' AND k.stop_at >= $from AND k.stop_at < $to)
         OR (k.outcome = 'running' AND k.due_at >= $from AND k.due_at < min($to, $now)))),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'resolve' AND k.outcome = 'met'
       AND k.stop_at >= $from AND k.stop_at < $to),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'resolve'
       AND ((k.outcome = 'breached' AND k.stop_at >= $from AND k.stop_at < $to)
         OR (k.outcome = 'running' AND k.due_at >= $from AND k.due_at < min($to, $now)))),
    (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.status <> 'resolved'),
    (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.status <> 'resolved'
       AND r.next_due_at < $now),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'update' AND k.outcome = 'met'
       AND k.stop_at >= $from AND k.stop_at < $to),
    (SELECT count(*) FROM clocks k JOIN requests r ON r.id = k.request_id
     WHERE r.client_id = c.id AND k.metric = 'update'
       AND ((k.outcome = 'breached' AND k.stop_at >= $from AND k.stop_at < $to)
         OR (k.outcome = 'running' AND k.due_at >= $from AND k.due_at < min($to, $now))))
  FROM clients c ORDER BY lower(c.name)")
expect_eq "$(printf '%s\n' "$out" | jq -r '.[] | select(.group != "total")
  | [.group, .requests, .reply_met, .reply_breached, .resolve_met, .resolve_breached, .open_now,
     .overdue_now, .update_met, .update_breached] | map(tostring) | join(" ")')" "$expected" \
  "report by client = SQL over the clocks"
expect_eq "$(json_get "$out" '[.[-1].update_met, .[-1].update_breached] | map(tostring) | join(" ")')" \
  "$(sqlite3 -separator ' ' "$db" "SELECT count(*) FILTER (WHERE outcome = 'met' AND stop_at >= $from
    AND stop_at < $to), count(*) FILTER (WHERE (outcome = 'breached' AND stop_at >= $from
    AND stop_at < $to) OR (outcome = 'running' AND due_at >= $from AND due_at < min($to, $now)))
    FROM clocks WHERE metric = 'update'")" "the total's update clocks = SQL"
# The total's nearest-rank median and 90th percentile of the reply times: the values at ranks
# ceil(n / 2) and ceil(0.9 n) in ascending order.
times="SELECT used_s FROM clocks WHERE metric = 'reply' AND stop_at >= $from AND stop_at < $to"
n=$(sqlite3 "$db" "SELECT count(*) FROM ($times)")
expect_eq "$(json_get "$out" '.[-1].reply_median_seconds')" \
  "$(sqlite3 "$db" "$times ORDER BY used_s LIMIT 1 OFFSET $(((n + 1) / 2 - 1))")" "total median"
expect_eq "$(json_get "$out" '.[-1].reply_p90_seconds')" \
  "$(sqlite3 "$db" "$times ORDER BY used_s LIMIT 1 OFFSET $(((9 * n + 9) / 10 - 1))")" "total p90"

# Each client's statement over the same range adds up to its report row.
TZ=Europe/London st report --by client --from 2026-10-01 --to 2026-11-28 --format json
report_json=$out
for name in $(printf '%s\n' "$report_json" | jq -r '.[] | select(.group != "total") | .group | @base64'); do
  client=$(printf '%s' "$name" | base64 -d)
  TZ=Europe/London st statement "$client" --from 2026-10-01 --to 2026-11-28 --format json
  expect_rc 0
  expect_eq "$(json_get "$out" '[.requests, .reply_met, .reply_breached, .reply_median_seconds, .reply_p90_seconds, .update_met, .update_breached, .resolve_met, .resolve_breached, .resolve_median_seconds, .open_now, .overdue_now] | map(tostring) | join(" ")')" \
    "$(printf '%s\n' "$report_json" | jq -r --arg c "$client" '.[] | select(.group == $c) | [.requests, .reply_met, .reply_breached, .reply_median_seconds, .reply_p90_seconds, .update_met, .update_breached, .resolve_met, .resolve_breached, .resolve_median_seconds, .open_now, .overdue_now] | map(tostring) | join(" ")')" \
    "statement of $client = its report row"
done

# The upgraded database is consistent (integrity_check covers the new indexes) and writable, and
# a write keeps the indexes in step.
st check; expect_rc 0; expect_out "ok: 55 requests checked"
open_id=$(sqlite3 "$db" "SELECT min(id) FROM requests WHERE next_metric = 'reply'")
st reply "$open_id" --at 2026-11-28T11:00:00Z; expect_rc 0
st check; expect_rc 0
st report --by client --from 2026-11-28T10:00:00Z --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1].reply_met + .[-1].reply_breached')" 1 "the new reply counted"
finish
