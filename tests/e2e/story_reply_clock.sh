#!/usr/bin/env bash
# The contract's story: a client emails at 09:00 on a 2h reply policy.
source "$(dirname "$0")/lib.sh" "$1"

st init; expect_rc 0
st sla add two-hours --reply 2h; expect_rc 0
expect_out "Added SLA policy two-hours on calendar 24x7"
st client add Acme --sla two-hours --owner ann; expect_rc 0

st log acme "Invoice is wrong" --at "2026-11-23 09:00" --now "2026-11-23 09:00"
expect_rc 0
expect_out "Logged #1 for Acme: reply due Mon 23 Nov 11:00 (in 2h 00m)"

# 10:59: nothing overdue, nothing printed, exit 0 (also at risk is not overdue).
st overdue --now "2026-11-23 10:59"; expect_rc 0; expect_no_out; expect_no_err
st overdue --now "2026-11-23 10:59" --format json; expect_rc 0; expect_out "[]"
st overdue --now "2026-11-23 10:59" --format jsonl; expect_rc 0; expect_no_out
st overdue --now "2026-11-23 10:59" --format csv; expect_rc 0; expect_no_out
st overdue --now "2026-11-23 10:59" --within 4h; expect_rc 0
expect_out_has "at risk, 1m left"
expect_out_has "0 overdue, 1 at risk"

# Exactly at the due time it is not yet overdue.
st overdue --now "2026-11-23 11:00" --format json; expect_rc 0; expect_out "[]"

# 11:01: overdue, exit 1, late_seconds 60.
st overdue --now "2026-11-23 11:01" --format json; expect_rc 1
expect_eq "$(json_get "$out" '.[0].id')" 1
expect_eq "$(json_get "$out" '.[0].metric')" reply
expect_eq "$(json_get "$out" '.[0].due_at')" 2026-11-23T11:00:00Z
expect_eq "$(json_get "$out" '.[0].late_seconds')" 60
expect_eq "$(json_get "$out" '.[0].client')" Acme
expect_eq "$(json_get "$out" '.[0].assignee')" ann
st overdue --now "2026-11-23 11:01"; expect_rc 1
expect_out_has "1m late"
expect_out_has "1 overdue, 0 at risk"

# A reply at 11:30 stops the clock, breached.
st reply 1 --at "2026-11-23 11:30" --now "2026-11-23 11:30"; expect_rc 0
expect_out_has "reply breached (by 30m)"
st overdue --now "2026-11-23 11:31"; expect_rc 0; expect_no_out
st show 1 --format json --now "2026-11-23 11:31"; expect_rc 0
expect_eq "$(json_get "$out" '.clocks[0].outcome')" breached
expect_eq "$(json_get "$out" '.clocks[0].stop_at')" 2026-11-23T11:30:00Z
expect_eq "$(json_get "$out" '.replied_at')" 2026-11-23T11:30:00Z
expect_eq "$(json_get "$out" '.reply_due_at')" null
expect_eq "$(json_get "$out" '.events | length')" 2

# A second request answered in time is met.
st log Acme "Second question" --at "2026-11-23 12:00" --now "2026-11-23 12:00"; expect_rc 0
st reply '#2' --at "2026-11-23 13:59" --now "2026-11-23 14:00"; expect_rc 0
expect_out_has "reply met (1h 59m of 2h 00m used)"

# Resolve: no longer listed by default; listed with --status all.
st resolve 2 --now "2026-11-23 14:00"; expect_rc 0
st list --format jsonl --now "2026-11-23 14:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r .id | tr '\n' ' ')" "1 "
st list --status all --format jsonl --now "2026-11-23 14:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r .id | tr '\n' ' ')" "1 2 "
finish
