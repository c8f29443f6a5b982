#!/usr/bin/env bash
# Business hours end to end: Fri 16:30 + 2h on Mon-Fri 09:00-17:00 is due Mon 10:30.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
expect_out "Added calendar office (Europe/London): mon-fri 09:00-17:00"
st sla add biz --calendar office --reply 2h; expect_rc 0
st client add Acme --sla biz; expect_rc 0

st log Acme "Printer on fire" --at "2026-11-20 16:30" --now "2026-11-20 16:30"; expect_rc 0
expect_out "Logged #1 for Acme: reply due Mon 23 Nov 10:30 (in 2h 00m)"
st show 1 --format json --now "2026-11-20 16:30"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T10:30:00Z

# calendar due agrees with log.
st calendar due office "2026-11-20 16:30" 2h --format json; expect_rc 0
expect_eq "$(json_get "$out" .due_at)" 2026-11-23T10:30:00Z
st calendar due office "2026-11-20 16:30" 2h; expect_rc 0
expect_out_has "due 2026-11-23 10:30:00 +00:00"

# Friday evening and Monday 10:30: not overdue. Monday 10:31: overdue by 1 minute of open time.
st overdue --now "2026-11-20 21:00"; expect_rc 0; expect_no_out
st overdue --now "2026-11-23 10:30"; expect_rc 0; expect_no_out
st overdue --now "2026-11-23 10:31" --format json; expect_rc 1
expect_eq "$(json_get "$out" '.[0].late_seconds')" 60
st overdue --now "2026-11-23 10:31"; expect_rc 1; expect_out_has "1m late"

# At risk within 1h counts open time: on Friday at 16:30 the 2h are all still ahead.
st overdue --within 1h --now "2026-11-23 09:31"; expect_rc 0; expect_out_has "at risk, 59m left"
st overdue --within 1h --now "2026-11-20 16:45"; expect_rc 0; expect_no_out

# A holiday Monday moves it to Tuesday, and says how many outcomes and due times changed.
st calendar holiday office 2026-11-23 --name "Founders' day"; expect_rc 0
expect_out "Added 1 holiday to calendar office; 0 requests' outcomes changed, 1 running clock's due time moved"
st show 1 --format json --now "2026-11-20 17:00"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-24T10:30:00Z
st calendar due office "2026-11-20 16:30" 2h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-11-24T10:30:00Z
st overdue --now "2026-11-23 10:31"; expect_rc 0; expect_no_out
st calendar holiday office 2026-11-23 --remove; expect_rc 0
st show 1 --format json --now "2026-11-20 17:00"
expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T10:30:00Z

# A lunch break: a target running out at 12:30 is due at 13:30.
st calendar edit office --hours "mon-fri 09:00-12:30 13:30-17:00" --retroactive; expect_rc 0
expect_out_has "0 running clocks' due times moved" "(due Mon 10:30 is before lunch)"
st calendar due office "2026-11-23 10:30" 2h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-11-23T13:30:00Z

# Spring forward in New York: 2h from Sat 21:00 on a 24x7-hours calendar in that zone.
st calendar add ny --tz America/New_York --hours "mon-sun 00:00-24:00"; expect_rc 0
st calendar holiday ny 12-25; expect_rc 0
st calendar due ny "2026-03-08T06:00:00Z" 2h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-03-08T08:00:00Z "(real elapsed time across the gap)"

# Errors: overnight hours, unknown zone, removing a calendar in use or the built-in.
st calendar add night --tz Europe/London --hours "fri 22:00-02:00"; expect_rc 2
expect_err_has 'fri 22:00-24:00; sat 00:00-02:00'
st calendar add x --tz Europe/Lodnon --hours "mon 09:00-10:00"; expect_rc 2
expect_err_has '(did you mean "Europe/London"?)'
st calendar rm office; expect_rc 2; expect_err_has 'is used by policy "biz"'
st calendar rm 24x7; expect_rc 2
st calendar edit 24x7 --hours "mon 09:00-10:00"; expect_rc 2
st calendar list --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "name,tz,hours,holidays,builtin"
expect_out_has '24x7,UTC,mon-sun 00:00-24:00,,true'
expect_out_has 'ny,America/New_York,mon-sun 00:00-24:00,12-25,false'
st calendar show ny; expect_rc 0; expect_out_has "Holiday:  12-25"
st calendar rm ny; expect_rc 0; expect_out "Removed calendar ny"
finish
