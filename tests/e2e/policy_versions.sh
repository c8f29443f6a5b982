#!/usr/bin/env bash
# Rules have dates (SPEC.md "The clocks"): a policy change holds from a time on (default now) and
# leaves last month's report as it was; --retroactive corrects every version and says how many
# outcomes and running due times it changed; client edit --sla --open and edit --sla re-judge.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-02T12:00:00Z

st init; expect_rc 0
st sla add standard --reply 4h; expect_rc 0
st sla add fast --reply 1h; expect_rc 0
st client add Acme --sla standard; expect_rc 0
st log acme "November one" --at 2026-11-10T09:00:00Z -q; expect_rc 0
st reply 1 --at 2026-11-10T12:00:00Z; expect_rc 0 # 3h: met against 4h
st log acme "November two" --at 2026-11-20T09:00:00Z -q; expect_rc 0
st reply 2 --at 2026-11-20T14:00:00Z; expect_rc 0 # 5h: breached
st log acme "Still open" --at 2026-11-30T10:00:00Z -q; expect_rc 0
st report --month 2026-11; expect_rc 0
november=$out

# Next month's promise: nothing received before it changes, the report stays byte for byte.
st sla set standard --reply 2h --from 2026-12-01; expect_rc 0
expect_out "Changed SLA policy standard from Tue 01 Dec 00:00; 0 requests' outcomes changed, 0 running clocks' due times moved"
st report --month 2026-11; expect_rc 0
expect_eq "$out" "$november" "last month's report unchanged by next month's promise"
st show 3 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-30T14:00:00Z
# A request received from then on is judged by the new version.
st log acme "December" --at 2026-12-01T09:00:00Z; expect_rc 0
expect_out "Logged #4 for Acme: reply due Tue 01 Dec 11:00 (25h 00m late)"
# The default is now: a change from now moves nothing (here it changes nothing either: the
# version in force already says 2h, so no version is added).
st sla set standard --reply 2h; expect_rc 0
expect_out "Changed SLA policy standard from Wed 02 Dec 12:00; 0 requests' outcomes changed, 0 running clocks' due times moved"

# From a past time: only the requests received since are judged anew (#3, its clock moves).
st sla set standard --reply 1h --from "2026-11-30 08:00"; expect_rc 0
expect_out "Changed SLA policy standard from Mon 30 Nov 08:00; 0 requests' outcomes changed, 1 running clock's due time moved"
st show 3 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-30T11:00:00Z
st show 4 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-12-01T11:00:00Z \
  "the later version stays as it was"
st report --month 2026-11 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | "\(.reply_met) \(.reply_breached)"')" "1 2" \
  "stopped clocks keep their outcome (#3's running reply is late either way)"

# A correction: every version, past requests included; #1's 3h reply is now late.
st sla set standard --reply 2h --retroactive; expect_rc 0
expect_out "Changed SLA policy standard in every version (retroactive); 1 request's outcome changed, 1 running clock's due time moved"
st report --month 2026-11 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | "\(.reply_met) \(.reply_breached)"')" "0 3"
st sla show standard; expect_rc 0
expect_out "SLA policy: standard
Calendar:   24x7
PRIORITY  REPLY   UPDATE  RESOLVE
urgent    2h 00m  -       -
high      2h 00m  -       -
normal    2h 00m  -       -
low       2h 00m  -       -

Versions (each judges the requests received from its start on):
FROM              CALENDAR  REPLY   UPDATE  RESOLVE  BY PRIORITY
the beginning     24x7      2h 00m  -       -        
Mon 30 Nov 08:00  24x7      2h 00m  -       -        
Tue 01 Dec 00:00  24x7      2h 00m  -       -        "

# Per priority, from a date: only that priority's target, in the version from then on.
st sla set standard --priority urgent --reply 30m --from 2026-12-01; expect_rc 0
st log acme "Urgent" --priority urgent --at 2026-12-02T10:00:00Z; expect_rc 0
expect_out "Logged #5 for Acme: reply due Wed 02 Dec 10:30 (1h 30m late)"
st log acme "Urgent, before" --priority urgent --at 2026-11-25T10:00:00Z; expect_rc 0
expect_out "Logged #6 for Acme: reply due Wed 25 Nov 12:00 (168h 00m late)"

# Refused, nothing written.
st sla set standard --reply 1h --from 2026-12-01 --retroactive; expect_rc 2
expect_err "slatrack: error: --from and --retroactive exclude each other: a change starts at a time, or corrects every version"
st sla set standard --reply 1h --from "next week"; expect_rc 2
expect_err_has 'slatrack: error: --from: '

# client edit --sla: new requests only; with --open also those not resolved, as edits.
st resolve 1 --at 2026-11-10T13:00:00Z; expect_rc 0
# Like every command that changes rules, it says what changed, 0 and 0 without --open (SPEC.md),
# with the counts in machine formats too, and nothing with -q.
st client edit acme --sla fast; expect_rc 0
expect_out "Changed client Acme; 0 requests' outcomes changed, 0 running clocks' due times moved"
st show 3 --format json; expect_eq "$(json_get "$out" .sla)" standard
st client edit acme --sla standard --format json; expect_rc 0
expect_eq "$(json_get "$out" '"\(.sla) \(.outcomes_changed) \(.clocks_moved)"')" "standard 0 0"
st client edit acme --sla fast -q; expect_rc 0; expect_no_out
st client edit acme --sla fast --open; expect_rc 0
expect_out "Changed client Acme; 5 requests not resolved moved to SLA fast; 0 requests' outcomes changed, 4 running clocks' due times moved"
st show 3 --format json
expect_eq "$(json_get "$out" .sla)" fast
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-30T11:00:00Z
expect_eq "$(json_get "$out" '.events[-1].text')" "sla: standard -> fast"
st show 1 --format json; expect_eq "$(json_get "$out" .sla)" standard "resolved: stays"
st client edit acme --open; expect_rc 2
expect_err "slatrack: error: --open moves the client's open requests to the new SLA policy: give it with --sla POLICY"

# edit --sla re-evaluates that request from its start, under the version in force then.
st edit 2 --sla standard; expect_rc 0
st show 2 --format json
expect_eq "$(json_get "$out" '.clocks[0] | "\(.target_seconds) \(.outcome)"')" "7200 breached"
st edit 2 --priority urgent; expect_rc 0
st show 2 --format json
expect_eq "$(json_get "$out" '.clocks[0].target_seconds')" 7200 "urgent's 30m starts on 1 Dec"

st check; expect_rc 0; expect_out "ok: 6 requests checked"
finish
