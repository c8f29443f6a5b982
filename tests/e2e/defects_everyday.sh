#!/usr/bin/env bash
# Defects found in a month of daily use (issue 13), each checked here.
source "$(dirname "$0")/lib.sh" "$1"

st client add "Acme Ltd" --sla default; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h --resolve 40h; expect_rc 0
st client add Bloom --sla standard; expect_rc 0

# show --format csv and tsv: one row per event with the request's columns, not JSON.
st log acme 'Invoice, "VAT" wrong' --at "2026-11-23 09:00" --now "2026-11-23 09:30" -m "hello" -q
st reply 1 --at "2026-11-23 09:20" --now "2026-11-23 09:30"
st show 1 --format csv --now "2026-11-23 09:30"; expect_rc 0
expect_out 'id,client,subject,channel,priority,status,assignee,sla,calendar,ref,received_at,replied_at,resolved_at,reply_due_at,update_due_at,resolve_due_at,number,kind,at,author,recorder,text,recorded_at,target,voided_by
1,Acme Ltd,"Invoice, ""VAT"" wrong",email,normal,open,,default,24x7,,2026-11-23T09:00:00Z,2026-11-23T09:20:00Z,,,,,1,message,2026-11-23T09:00:00Z,Acme Ltd,tester,hello,2026-11-23T09:30:00Z,,
1,Acme Ltd,"Invoice, ""VAT"" wrong",email,normal,open,,default,24x7,,2026-11-23T09:00:00Z,2026-11-23T09:20:00Z,,,,,2,reply,2026-11-23T09:20:00Z,tester,tester,,2026-11-23T09:30:00Z,,'
st show 1 --format tsv --now "2026-11-23 09:30"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3
expect_eq "$(printf '%s\n' "$out" | head -1 | cut -f1,17,18)" "$(printf 'id\tnumber\tkind')"

# --tz Europe/Manchester: not "EST" (the "est" in Manchester).
st list --tz Europe/Manchester; expect_rc 2
expect_err 'slatrack: error: unknown time zone "Europe/Manchester": use an IANA name such as Europe/London'
st list --tz Asia/London; expect_rc 2
expect_err 'slatrack: error: unknown time zone "Asia/London" (did you mean "Europe/London"?): use an IANA name such as Europe/London'

# explain of a stopped clock: the walk ends at the stop, which is marked.
st log bloom "Quick one" --at "2026-11-23 09:00" --now "2026-11-23 09:00" -q; expect_out 2
st resolve 2 --at "2026-11-23 10:00" --now "2026-11-23 10:00" --by ann; expect_rc 0
st explain 2 --now "2026-11-30 12:00"; expect_rc 0
expect_out_has "resolve clock"
expect_out_has "  stop     Mon 23 Nov 10:00 +00:00  resolve by ann"
expect_out_has "  due      Mon 30 Nov 09:00 +00:00"
st explain 2 --format json --now "2026-11-30 12:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve") | .steps[] | .to] | join(" ")')" \
  "2026-11-23T10:00:00Z" "(the resolve walk stops at the resolve)"

# A time later than now is shown in the user's zone, not in UTC.
st log acme "Future" --at "tomorrow 09:00" --now "2026-07-01 12:00" --tz Europe/London; expect_rc 2
expect_err 'slatrack: error: --at "tomorrow 09:00" is later than now (2026-07-01 12:00:00 +01:00; it is 2026-07-02 09:00:00 +01:00): an event cannot be in the future'

# Natural back-dating, in the user's zone.
st log acme "Phoned" --at "yesterday 15:00" --now "2026-07-01 12:00" --tz Europe/London --format json
expect_rc 0; expect_eq "$(json_get "$out" .received_at)" 2026-06-30T14:00:00Z
st log acme "Friday" --at "last fri 16:00" --now "2026-07-01 12:00" --tz Europe/London --format json
expect_rc 0; expect_eq "$(json_get "$out" .received_at)" 2026-06-26T15:00:00Z
st log acme "Monday" --at "mon 09:30" --now "2026-07-01 12:00" --tz Europe/London --format json
expect_rc 0; expect_eq "$(json_get "$out" .received_at)" 2026-06-29T08:30:00Z
st list --status all --since 2026-06 --until 2026-07 --tz Europe/London --format tsv --now "2026-07-01 12:00"
expect_rc 0; expect_eq "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ')" "id 4 5 3 " "(most late first)"
st log acme "x" --at 2026-06 --now "2026-07-01 12:00"; expect_rc 2
expect_err_has 'bad time "2026-06": a month is taken only where a range starts or ends'

# list and overdue: most late first in open time on each request's calendar, not in wall time.
# Now Mon 23 Nov 09:30. #6 on office (mon-fri 09:00-17:00), due Fri 20 Nov 16:00: 65h 30m late on
# the wall, 1h 30m in open time. #7 on 24x7, due Mon 07:30: 2h late either way.
st client add Late --sla standard; st client add Nonstop
st log late "Friday" --at "2026-11-20 14:00" --now "2026-11-20 14:00" -q; expect_out 6
st log nonstop "Night" --at "2026-11-22 07:30" --now "2026-11-22 07:30" -q; expect_out 7
st list --format tsv --now "2026-11-23 09:30"
expect_eq "$(printf '%s\n' "$out" | cut -f1 | grep -E '^(6|7)$' | tr '\n' ' ')" "7 6 " "(list: open lateness)"
st overdue --format tsv --now "2026-11-23 09:30"
expect_eq "$(printf '%s\n' "$out" | cut -f1 | grep -E '^(6|7)$' | tr '\n' ' ')" "7 6 " "(overdue: open lateness)"
st list --format tsv --now "2026-11-23 09:30" --limit 1
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -f1)" 4 "(--limit: the most late, #4 from June)"

# Due at the next opening, looked at before it: said so, not "0s left". Fri 16:00 + 1h on office
# is due Mon 09:00 (the hour is used up at Fri 17:00); on Saturday nothing is left.
st sla add hour --calendar office --reply 1h; st client add Hourly --sla hour
st log hourly "One hour" --at "2026-11-27 16:00" --now "2026-11-27 16:00"; expect_rc 0
expect_out "Logged #8 for Hourly: reply due Mon 30 Nov 09:00 (in 1h 00m)"
st show 8 --now "2026-11-28 12:00"
expect_out_has "reply    started Fri 27 Nov 16:00  running, due at opening, Mon 30 Nov 09:00"
st list --client hourly --now "2026-11-28 12:00"; expect_out_has "reply at opening, Mon 30 Nov 09:00"
st overdue --client hourly --within 1h --now "2026-11-28 12:00"; expect_out_has "  due at opening  "
st log hourly "Late one" --at "2026-11-27 15:00" --now "2026-11-27 15:00" -q; expect_out 9
st overdue --client hourly --now "2026-11-28 12:00"; expect_rc 1; expect_out_has "  1h 00m late  " "(Fri 16:00-17:00 in open time)"
finish
