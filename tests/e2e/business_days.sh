#!/usr/bin/env bash
# Business days (SPEC.md "Business days", "Input: DUR"): the contract's worked examples through
# `calendar due`, bd targets on reply and resolve clocks, at risk within N bd, explain's day-by-day
# walk, the note for a target in d on a business calendar, and the refusals.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
due() { # due TIME DUR EXPECTED_UTC
  st calendar due office "$1" "$2" --format json; expect_rc 0
  expect_eq "$(json_get "$out" .due_at)" "$3" "calendar due office $1 $2"
}
due "2026-11-24 10:15" 2bd 2026-11-26T10:15:00Z # Tue 10:15 + 2bd = Thu 10:15
due "2026-11-27 16:30" 1bd 2026-11-30T16:30:00Z # Fri 16:30 + 1bd = Mon 16:30
due "2026-11-28 12:00" 1bd 2026-12-01T09:00:00Z # Sat 12:00 + 1bd = Tue 09:00
st calendar due office "2026-11-24 10:15" 2bd; expect_rc 0
expect_out "due 2026-11-26 10:15:00 +00:00: 2 business days from 2026-11-24 10:15:00 +00:00, 48h 00m later"
st calendar due office "2026-11-24 10:15" 2bd --format json
expect_eq "$(json_get "$out" .duration)" 2bd
st calendar holiday office 2026-11-30 --name "St Andrew"; expect_rc 0
due "2026-11-27 16:30" 1bd 2026-12-01T16:30:00Z # with a holiday Monday: Tue 16:30
# 24x7: every day is a business day.
st calendar due 24x7 "2026-11-28 12:00" 1bd --format json
expect_eq "$(json_get "$out" .due_at)" 2026-11-29T12:00:00Z

# A policy in business days; a target in d on a business calendar is accepted with a note.
st sla add promise --calendar office --reply 1bd --resolve 2bd; expect_rc 0; expect_err ""
st sla show promise; expect_rc 0
expect_out_has "normal    1bd    -       2bd"
st sla show promise --format json
expect_eq "$(json_get "$out" .normal_reply)" 1bd
st calendar add shop --tz Europe/London --hours "mon-fri 09:00-12:30 13:30-17:30"; expect_rc 0
st sla add days --calendar shop --reply 2h --resolve 5d; expect_rc 0
expect_err "5d = 120h of open time, about 16 business days on shop; for 5 business days write 5bd"
st sla set days --resolve 1w; expect_rc 0
expect_err "1w = 168h of open time, about 22 business days on shop; for 7 business days write 7bd"
st sla set days --resolve 5bd; expect_rc 0; expect_err ""
st sla add always --reply 5d; expect_rc 0; expect_err "" # 24x7: no note

# Refusals: exit 2, one line, nothing written.
st sla add bad --calendar office --reply 0bd; expect_rc 2
expect_err 'slatrack: error: --reply: bad duration "0bd": must be at least 1bd'
st sla set promise --resolve 2bd4h; expect_rc 2
expect_err 'slatrack: error: --resolve: bad duration "2bd4h": business days stand alone, as NUMBERbd with no other unit, e.g. 5bd (or none)'
st log Acme x --at "-2bd" --create-client; expect_rc 2

# Reply due at addbd: Fri 16:30 + 1bd over the holiday Monday = Tue 16:30.
st client add Acme --sla promise; expect_rc 0
st log Acme "Invoice is wrong" --at "2026-11-27 16:30" --now "2026-11-27 16:30"; expect_rc 0
expect_out "Logged #1 for Acme: reply due Tue 01 Dec 16:30 (in 8h 00m)"
st show 1 --format json --now "2026-11-27 16:30"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-12-01T16:30:00Z
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-12-02T16:30:00Z
expect_eq "$(json_get "$out" .targets.resolve)" 2bd
# Waiting Tue 10:00-14:00 (4h of open time): resolve due Wed 16:30 + 4h = Thu 12:30.
st pause 1 --at "2026-12-01 10:00" --now "2026-12-01 10:00"; expect_rc 0
st resume 1 --at "2026-12-01 14:00" --now "2026-12-01 14:00"; expect_rc 0
st show 1 --format json --now "2026-12-01 14:00"
expect_eq "$(json_get "$out" .resolve_due_at)" 2026-12-03T12:30:00Z
# At risk within 1bd means due <= addbd(now, 1): Tue 14:00 + 1bd = Wed 14:00.
st overdue --within 1bd --now "2026-12-01 14:00" --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[0].metric')" reply
st overdue --within 1bd --now "2026-12-01 16:31" --format json; expect_rc 1
expect_eq "$(json_get "$out" 'length')" 1
st reply 1 --at "2026-12-01 16:30" --now "2026-12-01 16:30"; expect_rc 0
expect_out_has "reply met (8h 00m of 1bd used)"
st overdue --within 1bd --now "2026-12-02 12:29"; expect_rc 0; expect_no_out
st overdue --within 1bd --now "2026-12-02 12:30" --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[0].metric')" resolve

# explain walks the business days.
st explain 1 --now "2026-12-01 16:30"; expect_rc 0
expect_out_has "  target   1bd (1 business day)"
expect_out_has "  from     Fri 27 Nov 16:30 +00:00 (open)"
expect_out_has "  skip     Sat 28 Nov (closed), Sun 29 Nov (closed), Mon 30 Nov (holiday St Andrew)"
expect_out_has "  day 1    Tue 01 Dec"
expect_out_has "  at       16:30 on the last day: Tue 01 Dec 16:30 +00:00"
expect_out_has "  plus     4h 00m of open time not counted (waiting or resolved) since the first message"

st resolve 1 --at "2026-12-03 12:30" --now "2026-12-03 12:30"; expect_rc 0
st show 1 --format json --now "2026-12-03 12:30"
expect_eq "$(json_get "$out" '.clocks[] | select(.metric == "resolve") | .outcome')" met
expect_eq "$(json_get "$out" '.clocks[] | select(.metric == "resolve") | .target_seconds')" 2bd

# The rules file keeps business days.
st config export; expect_rc 0
expect_out_has 'reply = "1bd"'
expect_out_has 'resolve = "2bd"'
printf '%s\n' "$out" >"$tmp/rules.toml"
st config apply "$tmp/rules.toml"; expect_rc 0
st check; expect_rc 0

finish
