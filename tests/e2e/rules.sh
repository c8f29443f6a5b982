#!/usr/bin/env bash
# sla and client commands: add, set per priority, list, show, rm, and re-evaluation.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 12:00"

st init; expect_rc 0
st sla list --format csv; expect_rc 0
expect_out_has "default,24x7,86400,,"
st sla add gold --reply 1h --update 4h --resolve 2d; expect_rc 0
st sla set gold --priority urgent --reply 15m --from 2026-11-01; expect_rc 0
expect_out "Changed SLA policy gold from Sun 01 Nov 00:00; 0 requests' outcomes changed, 0 running clocks' due times moved"
st sla show gold --format json; expect_rc 0
expect_eq "$(json_get "$out" .urgent_reply)" 900
expect_eq "$(json_get "$out" .normal_reply)" 3600
expect_eq "$(json_get "$out" .urgent_update)" 14400
st sla set gold --priority low --update none --from 2026-11-01; expect_rc 0
st sla show gold --format json
expect_eq "$(json_get "$out" .low_update)" null
expect_eq "$(json_get "$out" .normal_update)" 14400
st sla show gold; expect_rc 0
expect_out_has "urgent    15m     4h 00m  48h 00m"

st client add "Acme Ltd" --sla gold --email ops@acme.example --owner ann --note "Key account"
expect_rc 0; expect_out "Added client Acme Ltd (SLA gold)"
st client show "acme ltd" --format json; expect_rc 0
expect_eq "$(json_get "$out" .email)" ops@acme.example
expect_eq "$(json_get "$out" .owner)" ann

# A request on gold: urgent gets 15m; a change from now leaves it as it is, a correction
# (--retroactive) re-evaluates it.
st log "Acme Ltd" "Site down" --priority urgent --at "11:00" -q; expect_rc 0; expect_out 1
st show 1 --format json
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T11:15:00Z
expect_eq "$(json_get "$out" .assignee)" ann
st sla set gold --priority urgent --reply 2h; expect_rc 0
expect_out "Changed SLA policy gold from Mon 23 Nov 12:00; 0 requests' outcomes changed, 0 running clocks' due times moved"
st show 1 --format json
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T11:15:00Z
st sla set gold --priority urgent --reply 2h --retroactive; expect_rc 0
expect_out "Changed SLA policy gold in every version (retroactive); 0 requests' outcomes changed, 1 running clock's due time moved"
st show 1 --format json
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T13:00:00Z
# Changing the request's priority re-evaluates it too.
st edit 1 --priority normal; expect_rc 0
st show 1 --format json
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T12:00:00Z
expect_eq "$(json_get "$out" '.events[-1].kind')" edit
expect_eq "$(json_get "$out" '.events[-1].text')" "priority: urgent -> normal"

st client edit "acme ltd" --rename "Acme Group"; expect_rc 0
expect_out "Changed client Acme Group"
st client list --format jsonl; expect_rc 0
expect_eq "$(json_get "$out" .name)" "Acme Group"
expect_eq "$(json_get "$out" .open_requests)" 1

# Removal refusals, then removal.
st sla rm gold; expect_rc 2; expect_err_has 'is used by'
st client rm "Acme Group"; expect_rc 2; expect_err_has 'has 1 request'
st sla rm default; expect_rc 2
st client add Temp; expect_rc 0
st client rm temp; expect_rc 0; expect_out "Removed client Temp"
st sla add unused --reply 1h; expect_rc 0
st sla rm unused; expect_rc 0; expect_out "Removed SLA policy unused"
st sla add bad --reply 0m; expect_rc 2; expect_err_has "at least 1m"
st sla set gold --update soon; expect_rc 2; expect_err_has "(or none)"
finish
