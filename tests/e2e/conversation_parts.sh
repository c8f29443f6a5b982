#!/usr/bin/env bash
# A repair job paused a week waiting on parts, on a business calendar (Mon-Fri 09:00-17:00,
# Europe/London, UTC in November). The resolve clock does not count while the request waits, so
# its due time moves by exactly the open time of the pause; the reply clock is not stopped by a
# pause; the update clock stops at the pause and starts again at the resume.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st calendar add shop --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add repair --calendar shop --reply 2h --update 8h --resolve 16h; expect_rc 0
st client add Garage --sla repair; expect_rc 0

# Mon 2 Nov 09:00: 16h of open time is Mon and Tue; the latest instant within it is Wed 09:00.
st log Garage "Lathe spindle noisy" --at "2026-11-02 09:00" --now "2026-11-02 09:00"; expect_rc 0
st show 1 --format json --now "2026-11-02 09:00"
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-11-04T09:00:00Z
before_due=$(json_get "$out" .resolve_due_at)

st reply 1 --at "2026-11-02 09:30" -m "Booked in" --now "2026-11-02 09:30"; expect_rc 0
st show 1 --format json --now "2026-11-02 09:30"
# 8h of open time from Mon 09:30: Mon 09:30-17:00 and Tue 09:00-09:30.
expect_eq "$(json_get "$out" .update_due_at)" 2026-11-03T09:30:00Z

# 10:00: waiting on parts. No clock runs: the update clock stops, the resolve clock stops counting.
st pause 1 --at "2026-11-02 10:00" -m "Spindle bearing ordered" --now "2026-11-02 10:00"; expect_rc 0
expect_out "Waiting on the client for #1 (Garage); waiting, no clock running"
st show 1 --format json --now "2026-11-02 10:00"
expect_eq "$(json_get "$out" .status)" waiting
expect_eq "$(json_get "$out" .resolve_due_at)" null
expect_eq "$(json_get "$out" .update_due_at)" null
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve")][0].due_at')" null
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve")][0].used_seconds')" 3600
# Past the original due time nothing is overdue while it waits.
st overdue --now "2026-11-05 12:00"; expect_rc 0; expect_no_out
# Mon 10:00-17:00, Tue, Wed and Thu 09:00-12:00: 26h of open time not counted so far.
st explain 1 --now "2026-11-05 12:00"; expect_rc 0
expect_out_has "  waiting  Mon 02 Nov 10:00 +00:00 - Thu 05 Nov 12:00 +00:00"
expect_out_has "waiting on the client (still): 26h 00m of open time not counted"
expect_out_has "  due      none: not counting while waiting on the client (since Mon 02 Nov 10:00 +00:00); 1h 00m of 16h 00m counted"
expect_out_has "  result   running, not counting"

# Refused while waiting: a second pause; and a resume before the pause. Exit 2, one line, nothing written.
before=$(db_digest)
st pause 1 --at "2026-11-04 10:00" --now "2026-11-05 12:00"; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot pause #1: it is not open then (already waiting or resolved)"
st resume 1 --at "2026-11-02 09:45" --now "2026-11-05 12:00"; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot resume #1: it is not waiting on the client then"
expect_eq "$(db_digest)" "$before" "refused events write nothing"

# Mon 9 Nov 10:00: the parts are in. The pause held Mon 2 Nov 10:00-17:00, Tue-Fri and Mon 9 Nov
# 09:00-10:00 of open time: 7h + 4 x 8h + 1h = 40h. The due time moves by exactly that.
st resume 1 --at "2026-11-09 10:00" -m "Parts in" --now "2026-11-09 10:00"; expect_rc 0
st show 1 --format json --now "2026-11-09 10:00"
expect_eq "$(json_get "$out" .status)" open
# 15h left from Mon 10:00: Mon 7h + Tue 8h, Tue 17:00, so the latest instant is Wed 09:00.
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-11-11T09:00:00Z
after_due=$(json_get "$out" .resolve_due_at)
st calendar due shop "$before_due" 40h --format json; expect_rc 0
expect_eq "$(json_get "$out" .due_at)" "$after_due" "due moved by the 40h of paused open time"
# The resume starts an update clock (no reply is owed): 8h from Mon 10:00 is Tue 10:00.
st show 1 --format json --now "2026-11-09 10:00"
expect_eq "$(json_get "$out" .update_due_at)" 2026-11-10T10:00:00Z
expect_eq "$(json_get "$out" .reply_due_at)" null

st explain 1 --format json --now "2026-11-09 10:00"; expect_rc 0
resolve='.clocks[] | select(.metric == "resolve")'
expect_eq "$(json_get "$out" "[$resolve | .steps[] | select(.kind == \"waiting\") | \"\(.from) \(.to) \(.seconds)\"] | join(\";\")")" \
  "2026-11-02T10:00:00Z 2026-11-09T10:00:00Z 604800"
expect_eq "$(json_get "$out" "[$resolve | .steps[] | select(.kind == \"waiting\")][0].note")" \
  "waiting on the client: 40h 00m of open time not counted"
expect_eq "$(json_get "$out" "[$resolve | .steps[] | select(.kind == \"open\") | .seconds] | add")" 57600
expect_eq "$(json_get "$out" "$resolve | .due_at")" 2026-11-11T09:00:00Z

# Fixed Tue 10 Nov 15:00: 1h + 7h + 6h = 14h of 16h, met.
st resolve 1 --at "2026-11-10 15:00" -m "Spindle replaced" --now "2026-11-10 15:00"; expect_rc 0
expect_out "Resolved #1 (Garage): resolve met (14h 00m of 16h 00m used); resolved"
st show 1 --format json --now "2026-11-10 15:00"
expect_eq "$(json_get "$out" "[$resolve | .outcome, .used_seconds, .stop_at] | join(\" \")")" \
  "met 50400 2026-11-10T15:00:00Z"

# The reply clock does not stop for a pause: #2 is paused before anyone answered.
st log Garage "Quote for a new chuck" --at "2026-11-12 09:00" --now "2026-11-12 09:00"; expect_rc 0
st pause 2 --at "2026-11-12 09:15" --now "2026-11-12 09:15"; expect_rc 0
expect_out "Waiting on the client for #2 (Garage); waiting, reply due Thu 12 Nov 11:00 (in 1h 45m)"
st overdue --now "2026-11-12 11:01" --format json; expect_rc 1
expect_eq "$(json_get "$out" '.[0].id') $(json_get "$out" '.[0].metric')" "2 reply"
st explain 2 --now "2026-11-12 11:01"; expect_rc 0
expect_out_has "waiting on the client (still): pausing does not stop the reply clock"
expect_out_has "  result   running, overdue by 1m of open time"

# A follow-up on a waiting request resumes it: a reply is owed, so no update clock starts.
st followup 2 --at "2026-11-12 11:30" -m "Any news?" --now "2026-11-12 11:30"; expect_rc 0
st show 2 --format json --now "2026-11-12 11:30"
expect_eq "$(json_get "$out" .status)" open
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-12T11:00:00Z "the running reply clock is not restarted"
expect_eq "$(json_get "$out" .update_due_at)" null
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "update")] | length')" 0
finish
