#!/usr/bin/env bash
# A fix that did not hold (Mon-Fri 09:00-17:00, Europe/London = UTC in November; reply 2h, resolve
# 16h). Resolving stops every clock; a reopen starts a new reply clock and a new resolve run that
# carries the open time counted before (its credit); a follow-up on a resolved request reopens it.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st calendar add shop --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add fix --calendar shop --reply 2h --resolve 16h; expect_rc 0
st client add Acme --sla fix; expect_rc 0

st log Acme "Mail server rejects attachments" --at "2026-11-02 09:00" --now "2026-11-02 09:00"; expect_rc 0
st reply 1 --at "2026-11-02 10:00" --now "2026-11-02 10:00"; expect_rc 0
# Resolved at 12:00 with 3h counted.
st resolve 1 --at "2026-11-02 12:00" -m "Raised the size limit" --now "2026-11-02 12:00"; expect_rc 0
expect_out "Resolved #1 (Acme): resolve met (3h 00m of 16h 00m used); resolved"
st show 1 --format json --now "2026-11-02 12:00"
expect_eq "$(json_get "$out" '[.status, .resolved_at, .reply_due_at, .resolve_due_at] | map(. // "null") | join(" ")')" \
  "resolved 2026-11-02T12:00:00Z null null"

# Refused: reopen before it was resolved, resolve again. Exit 2, one line, nothing written.
before=$(db_digest)
st reopen 1 --at "2026-11-02 11:00" --now "2026-11-03 09:00"; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot reopen #1: it is not resolved then"
st resolve 1 --at "2026-11-02 15:00" --now "2026-11-03 09:00"; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot resolve #1: it is already resolved then"
expect_eq "$(db_digest)" "$before" "refused events write nothing"

# Tue 09:00: "still broken". A new reply clock (due 11:00) and a resolve run with 3h of credit:
# 13h left from Tue 09:00 is Tue 8h + Wed 09:00-14:00.
st reopen 1 --at "2026-11-03 09:00" -m "Still bounces" --now "2026-11-03 09:00"; expect_rc 0
st show 1 --format json --now "2026-11-03 09:00"
expect_eq "$(json_get "$out" .status)" open
expect_eq "$(json_get "$out" .resolved_at)" null
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-03T11:00:00Z
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-11-04T14:00:00Z
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve") | "\(.start_at) \(.credit_seconds) \(.outcome)"] | join(";")')" \
  "2026-11-02T09:00:00Z 0 met;2026-11-03T09:00:00Z 10800 running"
st explain 1 --now "2026-11-03 09:00"; expect_rc 0
expect_out_has "  start    Tue 03 Nov 09:00 +00:00  reopen by tester
  target   16h 00m of open time
  credit   3h 00m counted before this run (before the reopen); 13h 00m left
  open     Tue 03 Nov 09:00 +00:00 - 17:00 +00:00              8h 00m  11h 00m counted"
expect_out_has "  open     Wed 04 Nov 09:00 +00:00 - 14:00 +00:00              5h 00m  16h 00m counted
  due      Wed 04 Nov 14:00 +00:00"
st explain 1 --format json --now "2026-11-03 09:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[] | .metric] | join(" ")')" "reply resolve reply resolve"
expect_eq "$(json_get "$out" '.clocks[3].credit_seconds')" 10800

st reply 1 --at "2026-11-03 09:30" --now "2026-11-03 09:30"; expect_rc 0
st resolve 1 --at "2026-11-03 11:00" --now "2026-11-03 11:00"; expect_rc 0
expect_out "Resolved #1 (Acme): resolve met (5h 00m of 16h 00m used); resolved"

# Wed 10:00: the client writes again on the resolved request: a follow-up reopens it, with 5h of
# credit: 11h left from Wed 10:00 is Wed 7h + Thu 09:00-13:00.
st followup 1 --at "2026-11-04 10:00" -m "Again" --now "2026-11-04 10:00"; expect_rc 0
expect_out "Follow-up on #1 (Acme); open, reply due Wed 04 Nov 12:00 (in 2h 00m)"
st show 1 --format json --now "2026-11-04 10:00"
expect_eq "$(json_get "$out" .status)" open
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-11-05T13:00:00Z
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve") | .credit_seconds] | join(" ")')" "0 10800 18000"
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "reply") | .outcome] | join(" ")')" "met met running"
expect_eq "$(json_get "$out" '[.events[].kind] | join(" ")')" "message reply resolve reopen reply resolve message"
st list --format jsonl --now "2026-11-04 10:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r .id)" 1

# Resolving while the reply is still owed: the running reply clock is met (resolved by its due).
st resolve 1 --at "2026-11-04 11:00" --now "2026-11-04 11:00"; expect_rc 0
st show 1 --format json --now "2026-11-04 11:00"
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "reply")][2] | "\(.outcome) \(.stop_at)"')" \
  "met 2026-11-04T11:00:00Z"
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve")][2] | "\(.outcome) \(.used_seconds)"')" \
  "met 21600"
finish
