#!/usr/bin/env bash
# The shape of every output format: table, csv, tsv, json, jsonl; UTC times and whole seconds in
# machine formats; control characters escaped in tables; color only when asked.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 12:00"

st client add Acme --owner ann; expect_rc 0
st log Acme 'Invoice, "VAT" wrong' --at "2026-11-23 09:00" --ref r1 -q; expect_rc 0
st log Acme $'Line one\nline two\x1b[31m' --at "2026-11-23 11:30" --channel phone --priority high -q
expect_rc 0

keys="id,client,subject,channel,priority,status,assignee,sla,calendar,ref,received_at,replied_at,resolved_at,reply_due_at,update_due_at,resolve_due_at"

st list --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "$keys" "(csv header)"
expect_out_has '1,Acme,"Invoice, ""VAT"" wrong",email,normal,open,ann,default,24x7,r1,2026-11-23T09:00:00Z,,,2026-11-24T09:00:00Z,,'
st list --format tsv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "$(printf '%s' "$keys" | tr ',' '\t')" "(tsv header)"
expect_out_has 'Line one\nline two'
st list --format json; expect_rc 0
expect_eq "$(json_get "$out" 'length')" 2
expect_eq "$(json_get "$out" '.[0] | keys_unsorted | join(",")')" "$keys" "(json keys)"
expect_eq "$(json_get "$out" '.[0].received_at')" 2026-11-23T09:00:00Z
expect_eq "$(json_get "$out" '.[1].subject')" $'Line one\nline two\x1b[31m'
st list --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2
expect_eq "$(printf '%s\n' "$out" | tail -1 | jq -r .priority)" high

# Empty results: csv keeps its header, json is [], jsonl and table print nothing.
st list --client Acme --status resolved --format csv; expect_rc 0; expect_out "$keys"
st list --status resolved --format json; expect_rc 0; expect_out "[]"
st list --status resolved; expect_rc 0; expect_no_out

# Table: local times, escaped control characters, no color when not a terminal.
st list; expect_rc 0
expect_out_has "Line one\\nline two\\x1b[31m"
expect_out_has "Mon 23 Nov 09:00"
case "$out" in *$'\x1b'*) fail "raw escape in table output" ;; esac
st list --color always; expect_rc 0
case "$out" in *$'\x1b[2m'*) ;; *) fail "expected color with --color always" ;; esac
NO_COLOR=1 st list --color always; expect_rc 0
case "$out" in *$'\x1b[2m'*) ;; *) fail "--color always wins over NO_COLOR" ;; esac

# --tz changes local readings and shown times, not the stored instants.
st list --tz America/New_York; expect_rc 0
expect_out_has "Mon 23 Nov 04:00"
st log Acme "NY time" --tz America/New_York --at "2026-11-23 06:00" --format json; expect_rc 0
expect_eq "$(json_get "$out" '.received_at')" 2026-11-23T11:00:00Z
st list --tz Mars/Olympus; expect_rc 2; expect_err_has 'unknown time zone "Mars/Olympus"'

# Global options are accepted before or after the subcommand.
out=$("$SLATRACK_BIN" --format json --db "$db" list) && rc=0 || rc=$?
expect_rc 0; expect_eq "$(json_get "$out" 'length')" 3

# show: one object in json, a timeline in table.
st reply 1 --at "2026-11-23 10:00" -m "On it"; expect_rc 0
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.id')" 1
expect_eq "$(json_get "$out" '.events[1].kind')" reply
expect_eq "$(json_get "$out" '.events[1].author')" tester
expect_eq "$(json_get "$out" '.events[1].text')" "On it"
expect_eq "$(json_get "$out" '.clocks[0].used_seconds')" 3600
expect_eq "$(json_get "$out" '.targets.reply')" 86400
st show 1; expect_rc 0
expect_out_has "History:"
expect_out_has "reply    tester  On it"
expect_out_has "met (1h 00m of 24h 00m used)"
finish
