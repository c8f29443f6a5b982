#!/usr/bin/env bash
# A client handed from one person to another: ann takes the request, answers once, hands it to bob
# (assign), bob answers the follow-up and resolves it. One history, in time order, with who did
# what; the assignee is bob's from the hand-over on, and a back-dated assign does not undo it.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st sla add team --reply 2h --update 1d; expect_rc 0
st client add Acme --sla team --owner ann; expect_rc 0

SLATRACK_USER=ann st log Acme "VPN drops every hour" --at "2026-11-23 09:00" --now "2026-11-23 09:00"
expect_rc 0
expect_out "Logged #1 for Acme: reply due Mon 23 Nov 11:00 (in 2h 00m)"
SLATRACK_USER=ann st reply 1 --at "2026-11-23 09:30" -m "Looking into it" --now "2026-11-23 09:30"
expect_rc 0
expect_out "Replied to #1 (Acme): reply met (30m of 2h 00m used); open, update due Tue 24 Nov 09:30 (in 24h 00m)"
SLATRACK_USER=ann st followup 1 --at "2026-11-23 11:00" -m "Happened again" --now "2026-11-23 11:00"
expect_rc 0
expect_out "Follow-up on #1 (Acme); open, reply due Mon 23 Nov 13:00 (in 2h 00m)"
SLATRACK_USER=ann st assign 1 bob --at "2026-11-23 11:05" --now "2026-11-23 11:05"; expect_rc 0
expect_out_has "Assigned #1 (Acme) to bob"

# The hand-over changes no clock: the reply owed since 11:00 is still due at 13:00.
st show 1 --format json --now "2026-11-23 11:05"; expect_rc 0
expect_eq "$(json_get "$out" .assignee)" bob
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T13:00:00Z
expect_eq "$(json_get "$out" .update_due_at)" null
st list --assignee bob --format jsonl --now "2026-11-23 11:05"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r .id)" 1
st list --assignee ann --format jsonl --now "2026-11-23 11:05"; expect_rc 0; expect_no_out

SLATRACK_USER=bob st reply 1 --at "2026-11-23 11:40" -m "New firmware sent" --now "2026-11-23 11:40"
expect_rc 0
expect_out_has "reply met (40m of 2h 00m used)"
# A back-dated assign (entered late, happened earlier) is history; it does not override bob.
SLATRACK_USER=ann st assign 1 carol --at "2026-11-23 10:00" --now "2026-11-23 11:45"; expect_rc 0
SLATRACK_USER=bob st resolve 1 --at "2026-11-23 12:00" -m "Stable since" --now "2026-11-23 12:00"
expect_rc 0
expect_out_has "Resolved #1 (Acme)"

st show 1 --format json --now "2026-11-23 12:00"; expect_rc 0
expect_eq "$(json_get "$out" .assignee)" bob
expect_eq "$(json_get "$out" .status)" resolved
expect_eq "$(json_get "$out" .replied_at)" 2026-11-23T09:30:00Z
expect_eq "$(json_get "$out" .resolved_at)" 2026-11-23T12:00:00Z
expect_eq "$(json_get "$out" '[.events[].kind] | join(" ")')" "message reply assign message assign reply resolve"
expect_eq "$(json_get "$out" '[.events[].author] | join(" ")')" "Acme ann ann Acme ann bob bob"
expect_eq "$(json_get "$out" '[.events[].at] | join(" ")')" \
  "2026-11-23T09:00:00Z 2026-11-23T09:30:00Z 2026-11-23T10:00:00Z 2026-11-23T11:00:00Z 2026-11-23T11:05:00Z 2026-11-23T11:40:00Z 2026-11-23T12:00:00Z"
expect_eq "$(json_get "$out" '[.events[] | select(.kind == "assign") | .text] | join(" ")')" "carol bob"
expect_eq "$(json_get "$out" '.events[2].recorded_at')" 2026-11-23T11:45:00Z
expect_eq "$(json_get "$out" '[.events[].text] | map(. // "-") | join("|")')" \
  "-|Looking into it|carol|Happened again|bob|New firmware sent|Stable since"
# Clocks: two reply runs, both met; the update clock ran from ann's reply to the follow-up.
expect_eq "$(json_get "$out" '[.clocks[] | "\(.metric):\(.outcome)"] | join(" ")')" \
  "reply:met update:met reply:met update:met"
expect_eq "$(json_get "$out" '.clocks[1].stop_at')" 2026-11-23T11:00:00Z

st show 1 --now "2026-11-23 12:00"; expect_rc 0
expect_out_has "History:
    1  Mon 23 Nov 09:00  message  Acme  (entered by ann)
    2  Mon 23 Nov 09:30  reply    ann  Looking into it
    6  Mon 23 Nov 10:00  assign   ann  carol
    3  Mon 23 Nov 11:00  message  Acme  Happened again  (entered by ann)
    4  Mon 23 Nov 11:05  assign   ann  bob
    5  Mon 23 Nov 11:40  reply    bob  New firmware sent
    7  Mon 23 Nov 12:00  resolve  bob  Stable since"

# explain names who started and stopped each run.
st explain 1 --now "2026-11-23 12:00"; expect_rc 0
expect_out_has "  start    Mon 23 Nov 11:00 +00:00  message by Acme"
expect_out_has "(reply by bob); 40m of 2h 00m used, 1h 20m to spare"

# Refused events: exit 2, one line, nothing written.
before=$(db_digest)
st reply 1 --at "2026-11-23 08:00" --now "2026-11-23 12:00"; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot reply to #1: it is before the request's first message"
st resolve 1 --at "2026-11-23 12:30" --now "2026-11-23 12:30"; expect_rc 2
expect_err "slatrack: error: cannot resolve #1: it is already resolved then"
st reply 1 --at "2026-11-23 13:00" --now "2026-11-23 12:30"; expect_rc 2
expect_err_has "slatrack: error: "
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1
expect_eq "$(db_digest)" "$before" "refused events write nothing"
finish
