#!/usr/bin/env bash
# Fixing mistakes (SPEC.md, Concepts: Void; the commands void, unvoid, undo, merge): nothing is
# deleted, a void event stops counting and the request is judged as if it had never happened, a
# void request leaves list, overdue and report but stays in show and export, and unvoid restores
# exactly what was there. Calendar 24x7 (the built-in default policy: reply 24h), so due times are
# plain arithmetic; Acme is on "fast": reply 2h.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-23T12:00:00Z

st sla add fast --reply 2h; expect_rc 0
st client add Acme --sla fast; expect_rc 0
st client add Bloom --sla fast; expect_rc 0
st log Acme "Invoice is wrong" --at 2026-11-23T09:00:00Z -q; expect_rc 0; expect_out 1
st log Bloom "VPN drops" --at 2026-11-23T09:30:00Z -q; expect_rc 0; expect_out 2

# ---- a reply logged on the wrong request ----
st reply 1 --at 2026-11-23T10:00:00Z; expect_rc 0
st show 1 --format json
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.recorder)"] | join(",")')" \
  "1 message tester,2 reply tester" "events are numbered within their request"
expect_eq "$(json_get "$out" .replied_at)" 2026-11-23T10:00:00Z
st void 1 2 -m "was meant for #2"; expect_rc 0
expect_out "Voided event 2 of #1 (Acme: reply by tester at 10:00); open, reply due Mon 23 Nov 11:00 (1h 00m late)"
st show 1 --format json
expect_eq "$(json_get "$out" '[.replied_at, .reply_due_at, .voided_by] | map(. // "null") | join(" ")')" \
  "null 2026-11-23T11:00:00Z null" "the reply no longer counts: the clock runs again"
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.target // "-") \(.voided_by // "-") \(.text // "-")"] | join(",")')" \
  "1 message - - -,2 reply - 3 -,3 void 2 - was meant for #2" "the void is an event: who, when, why"
st show 1
expect_out_has "    2  Mon 23 Nov 10:00  reply    tester  [void: event 3]"
expect_out_has "    3  Mon 23 Nov 12:00  void     tester  event 2: was meant for #2"
st overdue --format csv; expect_rc 1
expect_out_has "1,Acme,Invoice is wrong"
# The first message is the request: it cannot be voided alone. Nothing is written.
before=$(db_digest)
st void 1 1; expect_rc 2; expect_no_out
expect_err "slatrack: error: event 1 of #1 is the request itself; void the whole request with: slatrack void 1"
st void 1 2; expect_rc 2
expect_err "slatrack: error: event 2 of #1 is already void (by event 3); take it back with: slatrack unvoid 1 2"
st void 1 9; expect_rc 2
expect_err "slatrack: error: #1 has no event 9; see its events with: slatrack show 1"
st unvoid 1 1; expect_rc 2
expect_err "slatrack: error: event 1 of #1 is not void; nothing to take back"
st void 7; expect_rc 2
expect_err "slatrack: error: no request #7; list them with: slatrack list --status all"
st void 1 x; expect_rc 2
expect_err 'slatrack: error: bad event number "x": use the number show gives it, such as 3'
expect_eq "$(db_digest)" "$before" "refusals write nothing"
# unvoid restores exactly what was there.
st unvoid 1 2; expect_rc 0
expect_out "Restored event 2 of #1 (Acme: reply by tester at 10:00); open, no clock running"
st show 1 --format json
expect_eq "$(json_get "$out" '[.replied_at, .reply_due_at] | map(. // "null") | join(" ")')" \
  "2026-11-23T10:00:00Z null"
expect_eq "$(json_get "$out" '[.clocks[] | "\(.metric) \(.outcome)"] | join(",")')" "reply met"
st check; expect_rc 0

# ---- a request logged by mistake ----
st void 2 -m "test entry"; expect_rc 0
expect_out "Voided #2 (Bloom): it leaves lists, overdue and reports; take it back with: slatrack unvoid 2"
st list --status all --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1 | tail -n +2 | paste -sd,)" "1" "a void request leaves list"
st overdue --within 1d --format csv --now 2026-11-23T12:00:00Z; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c VPN)" 0 "and overdue"
st report --from 2026-11-23 --to 2026-11-24 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1].requests')" 1 "and the report"
st client list --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.[] | "\(.name) \(.total_requests)"] | join(",")')" "Acme 1,Bloom 0"
st show 2; expect_rc 0
expect_out_has "Void since Mon 23 Nov 12:00 (tester: test entry); take it back with: slatrack unvoid 2"
st show 2 --format json
expect_eq "$(json_get "$out" '.voided_by')" 2
st reply 2; expect_rc 2
expect_err "slatrack: error: #2 is void; take it back first with: slatrack unvoid 2"
st void 2; expect_rc 2
expect_err "slatrack: error: #2 is already void (by event 2); take it back with: slatrack unvoid 2"
st unvoid 2; expect_rc 0
expect_out "Restored #2 (Bloom); open, reply due Mon 23 Nov 11:30 (30m late)"
st list --format csv; expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" 2 "back in the list"
st check; expect_rc 0

# ---- undo: the last thing I recorded, then the one before ----
st log Acme "Password reset" --at 2026-11-23T11:00:00Z -q; expect_rc 0; expect_out 3
st reply 3 --at 2026-11-23T11:30:00Z; expect_rc 0
SLATRACK_USER=ann st note 1 "ann's note"; expect_rc 0
st undo; expect_rc 0; expect_out "Undid: reply on #3 by tester at 11:30"
st show 3 --format json
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.voided_by // "-") \(.text // "-")"] | join(",")')" \
  "1 message - -,2 reply 3 -,3 void - undo"
st undo; expect_rc 0; expect_out "Undid: request #3 for Acme at 11:00"
st list --format csv; expect_eq "$(printf '%s\n' "$out" | grep -c "Password reset")" 0 "undone: void"
# ann's own undo takes back only what ann recorded.
SLATRACK_USER=ann st undo; expect_rc 0; expect_out "Undid: note on #1 by ann at 12:00"
SLATRACK_USER=ann st undo; expect_rc 2
expect_err_has "slatrack: error: nothing to undo: ann recorded nothing in"
# An undo of a void takes the void back.
st void 2 -m "again"; expect_rc 0
st undo; expect_rc 0; expect_out "Undid: void of the request on #2 (again) by tester at 12:00"
st list --format csv; expect_eq "$(printf '%s\n' "$out" | grep -c "VPN drops")" 1 "the void is taken back"
# Older than a day: refused, naming it; nothing written.
st log Bloom "Old one" --at 2026-11-23T08:00:00Z --now 2026-11-23T08:00:00Z -q; expect_rc 0; expect_out 4
before=$(db_digest)
st undo --now 2026-11-24T09:00:00Z; expect_rc 2; expect_no_out
expect_err "slatrack: error: the last thing you recorded, the request #4 for Bloom at Mon 23 Nov 08:00, was recorded Mon 23 Nov 08:00, more than a day ago; undo takes back only today's mistakes: void it with: slatrack void 4"
expect_eq "$(db_digest)" "$before" "a refused undo writes nothing"
st check; expect_rc 0

# ---- merge: a request logged twice ----
st log Acme "Printer jam" --at 2026-11-23T10:00:00Z -q; expect_rc 0; expect_out 5
st log Acme "printer jam" --at 2026-11-23T11:00:00Z -m "Again" -q; expect_rc 0; expect_out 6
expect_err "#5 has the same subject, logged just now: slatrack merge 6 5 if it is the same"
# The duplicate was the earlier message: merging #5 into #6 starts #6's reply clock at 10:00.
st merge 5 6; expect_rc 0
expect_out "Merged #5 into #6 (Acme): #5 is void; open, reply due Mon 23 Nov 12:00 (now)"
st show 6 --format json
expect_eq "$(json_get "$out" '[.received_at, .reply_due_at] | join(" ")')" \
  "2026-11-23T10:00:00Z 2026-11-23T12:00:00Z" "INTO's received time is the earlier"
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.at)"] | join(",")')" \
  "2 message 2026-11-23T10:00:00Z,1 message 2026-11-23T11:00:00Z" "its first message is a follow-up there"
st show 5 --format json
expect_eq "$(json_get "$out" '.voided_by')" 2
expect_eq "$(json_get "$out" '.events[-1].text')" "merged into #6"
st merge 5 6; expect_rc 2
expect_err "slatrack: error: #5 is void; take it back first with: slatrack unvoid 5"
st merge 6 6; expect_rc 2
expect_err "slatrack: error: cannot merge #6 into itself; name two requests"
# Taking the merge back: #5 counts again, and its copies in #6 no longer do.
st unvoid 5; expect_rc 0
st show 6 --format json
expect_eq "$(json_get "$out" '[.received_at, .reply_due_at] | join(" ")')" \
  "2026-11-23T11:00:00Z 2026-11-23T13:00:00Z" "unmerged: #6 as before"
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.voided_by // "-") \(.text // "-")"] | join(",")')" \
  "2 message 3 -,1 message - Again,3 void - #5 is its own request again"
st check; expect_rc 0; expect_out "ok: 6 requests checked"
# undo takes back the unvoid (the merge is made again), then goes on to what came before it,
# passing over the voids that followed from the unmerge.
st undo; expect_rc 0; expect_out "Undid: unvoid of the request on #5 by tester at 12:00"
st show 6 --format json
expect_eq "$(json_get "$out" '[.received_at, .reply_due_at] | join(" ")')" \
  "2026-11-23T10:00:00Z 2026-11-23T12:00:00Z" "merged again"
st undo; expect_rc 0; expect_out "Undid: void of the request on #5 (merged into #6) by tester at 12:00"
st show 6 --format json
expect_eq "$(json_get "$out" '.received_at')" 2026-11-23T11:00:00Z "the merge undone"
st list --format csv; expect_eq "$(printf '%s\n' "$out" | grep -ci "printer jam")" 2 "both count"
st check; expect_rc 0; expect_out "ok: 6 requests checked"

# ---- help ----
st void --help; expect_rc 0; expect_out_has "Mark a request, or one of its events, as a mistake"
finish
