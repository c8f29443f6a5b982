#!/usr/bin/env bash
# Due times across DST changes after 2037, where the zone files list no more transitions and the
# footer's rule (Europe/London: "GMT0BST,M3.5.0/1,M10.5.0") must give them. Expected values by
# hand: March 2040 begins on a Thursday, so summer time starts on Sunday 25 March at 01:00 UTC;
# October 2040 begins on a Monday, so it ends on Sunday 28 October at 01:00 UTC.
source "$(dirname "$0")/lib.sh" "$1"

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0

# Fri 16 March 2040 16:00 GMT + 2h: 1h on Friday, then Monday 19 March 09:00-10:00 GMT.
st calendar due office 2040-03-16T16:00:00Z 2h --format json; expect_rc 0
expect_eq "$(json_get "$out" .due_at)" 2040-03-19T10:00:00Z

# Fri 23 March 2040 16:00 GMT + 2h: 1h on Friday, then Monday 26 March 09:00-10:00 BST, which is
# 08:00-09:00 UTC: due at 09:00 UTC, 2 days 17 hours (234000 s) later.
st calendar due office 2040-03-23T16:00:00Z 2h --format json; expect_rc 0
expect_eq "$(json_get "$out" .due_at)" 2040-03-26T09:00:00Z
expect_eq "$(json_get "$out" .wall_seconds)" 234000
st calendar due office 2040-03-23T16:00:00Z 2h --tz Europe/London; expect_rc 0
expect_out_has "due 2040-03-26 10:00:00 +01:00"

# Fri 26 October 2040 16:00 BST (15:00 UTC) + 2h: 16:00-17:00 BST, then Monday 29 October
# 09:00-10:00 GMT.
st calendar due office 2040-10-26T15:00:00Z 2h --format json; expect_rc 0
expect_eq "$(json_get "$out" .due_at)" 2040-10-29T10:00:00Z

# Local readings in 2040: 01:30 on 25 March does not exist (the first instant after the gap,
# 01:00 UTC, is taken); 01:30 on 28 October happens twice (the earlier, 00:30 UTC, is taken).
export TZ=Europe/London
st calendar due office "2040-03-25 01:30" 1h --format json; expect_rc 0
expect_eq "$(json_get "$out" .start)" 2040-03-25T01:00:00Z
expect_eq "$(json_get "$out" .due_at)" 2040-03-26T09:00:00Z
st calendar due office "2040-10-28 01:30" 1h --format json; expect_rc 0
expect_eq "$(json_get "$out" .start)" 2040-10-28T00:30:00Z
expect_eq "$(json_get "$out" .due_at)" 2040-10-29T10:00:00Z

# A request logged then: the reply due time in local summer time.
st sla add biz --calendar office --reply 2h; expect_rc 0
st client add Acme --sla biz; expect_rc 0
st log Acme "Printer on fire" --at "2040-03-23 16:00" --now "2040-03-23 16:00"; expect_rc 0
expect_out "Logged #1 for Acme: reply due Mon 26 Mar 10:00 (in 2h 00m)"
st show 1 --format json --now "2040-03-23 16:00"
expect_eq "$(json_get "$out" .reply_due_at)" 2040-03-26T09:00:00Z

finish
