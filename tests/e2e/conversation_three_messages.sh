#!/usr/bin/env bash
# A client who writes three times before anyone answers (24x7, reply 2h). The reply clock stays
# anchored at the first message; one reply stops it; late is breached. Events entered out of order
# give the same state; events at the same second apply in the order they were entered.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st sla add quick --reply 2h; expect_rc 0
st client add Acme --sla quick; expect_rc 0

st log Acme "Website down" --at "2026-11-23 09:00" --now "2026-11-23 09:00"; expect_rc 0
st followup 1 --at "2026-11-23 09:40" -m "Still down" --now "2026-11-23 09:40"; expect_rc 0
expect_out "Follow-up on #1 (Acme); open, reply due Mon 23 Nov 11:00 (in 1h 20m)"
st followup 1 --at "2026-11-23 10:30" -m "Hello??" --now "2026-11-23 10:30"; expect_rc 0
expect_out "Follow-up on #1 (Acme); open, reply due Mon 23 Nov 11:00 (in 30m)"
st show 1 --format json --now "2026-11-23 10:30"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T11:00:00Z
expect_eq "$(json_get "$out" '.clocks | length')" 1
expect_eq "$(json_get "$out" '[.events[].kind] | join(" ")')" "message message message"

st overdue --now "2026-11-23 11:00"; expect_rc 0; expect_no_out
st overdue --now "2026-11-23 11:01" --format json; expect_rc 1
expect_eq "$(json_get "$out" '[.[0].id, .[0].metric, .[0].due_at, .[0].late_seconds] | join(" ")')" \
  "1 reply 2026-11-23T11:00:00Z 60"

# One reply at 11:15 answers all three: breached by 15m.
st reply 1 --at "2026-11-23 11:15" -m "Restarted" --now "2026-11-23 11:15"; expect_rc 0
expect_out "Replied to #1 (Acme): reply breached (by 15m); open, no clock running"
st overdue --now "2026-11-23 11:16"; expect_rc 0; expect_no_out
st show 1 --format json --now "2026-11-23 11:16"
expect_eq "$(json_get "$out" '.clocks | map("\(.metric) \(.start_at) \(.stop_at) \(.outcome) \(.used_seconds)") | join(";")')" \
  "reply 2026-11-23T09:00:00Z 2026-11-23T11:15:00Z breached 8100"
expect_eq "$(json_get "$out" .reply_due_at)" null
st explain 1 --now "2026-11-23 11:16"; expect_rc 0
expect_out_has "  start    Mon 23 Nov 09:00 +00:00  message by Acme"
expect_out_has "  result   breached: stopped Mon 23 Nov 11:15 +00:00 (reply by tester); 2h 15m of 2h 00m used, 15m over"
# A fourth message after the reply starts a new reply clock.
st followup 1 --at "2026-11-23 12:00" --now "2026-11-23 12:00"; expect_rc 0
expect_out "Follow-up on #1 (Acme); open, reply due Mon 23 Nov 14:00 (in 2h 00m)"

# The same conversation entered out of order (reply first, messages back-dated) ends the same.
st log Acme "Website down (typed late)" --at "2026-11-23 09:00" --now "2026-11-23 12:00"; expect_rc 0
st reply 2 --at "2026-11-23 11:15" --now "2026-11-23 12:00"; expect_rc 0
st followup 2 --at "2026-11-23 10:30" --now "2026-11-23 12:00"; expect_rc 0
st followup 2 --at "2026-11-23 09:40" --now "2026-11-23 12:00"; expect_rc 0
st followup 2 --at "2026-11-23 12:00" --now "2026-11-23 12:00"; expect_rc 0
st show 1 --format json --now "2026-11-23 12:00"; one=$(json_get "$out" '[.clocks, .status, .reply_due_at, .replied_at] | tostring')
st show 2 --format json --now "2026-11-23 12:00"; two=$(json_get "$out" '[.clocks, .status, .reply_due_at, .replied_at] | tostring')
expect_eq "$two" "$one" "out-of-order entry gives the same clocks"

# Same second: a message then a reply (in that entry order) leaves nothing owed...
st log Acme "Same second A" --at "2026-11-23 13:00" --now "2026-11-23 13:00"; expect_rc 0
st reply 3 --at "2026-11-23 13:10" --now "2026-11-23 13:10"; expect_rc 0
st followup 3 --at "2026-11-23 13:20" --now "2026-11-23 13:20"; expect_rc 0
st reply 3 --at "2026-11-23 13:20" --now "2026-11-23 13:20"; expect_rc 0
st show 3 --format json --now "2026-11-23 13:20"
expect_eq "$(json_get "$out" .reply_due_at)" null
expect_eq "$(json_get "$out" '.clocks[-1] | "\(.outcome) \(.used_seconds)"')" "met 0"
# ...while a reply then a message at the same second leaves a reply owed.
st log Acme "Same second B" --at "2026-11-23 13:00" --now "2026-11-23 13:00"; expect_rc 0
st reply 4 --at "2026-11-23 13:10" --now "2026-11-23 13:10"; expect_rc 0
st reply 4 --at "2026-11-23 13:20" --now "2026-11-23 13:20"; expect_rc 0
st followup 4 --at "2026-11-23 13:20" --now "2026-11-23 13:20"; expect_rc 0
st show 4 --format json --now "2026-11-23 13:20"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T15:20:00Z

# An event later than now is refused: exit 2, one line.
st followup 1 --at "2026-11-23 12:30" --now "2026-11-23 12:00"; expect_rc 2; expect_no_out
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1
expect_err_has "slatrack: error: --at \"2026-11-23 12:30\" is later than now"
finish
