#!/usr/bin/env bash
# `calendar holiday NAME --ics FILE|-`: the all-day events of an iCalendar feed become holidays;
# again is harmless; it says what it added and what was already there.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 09:00"
feed="$(dirname "$0")/../fixtures/bank-holidays-sample.ics"

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday office 12-25 --name Christmas; expect_rc 0
st sla add standard --calendar office --reply 8h; expect_rc 0
st client add Acme --sla standard; expect_rc 0
st log acme "Not affected" --at "2026-11-23 09:00" -q; expect_rc 0

st calendar holiday office --ics "$feed"; expect_rc 0
expect_out "added    2026-04-03  Good Friday
already  2026-12-25  Christmas Day (every year as 12-25)
added    2026-12-28  Boxing Day
Added 2 holidays from $feed to calendar office, 1 already there (1 event with a time of day or a repeat rule skipped); 0 requests' outcomes changed, 0 running clocks' due times moved"
st calendar show office; expect_out_has "Holiday:  2026-12-28  Boxing Day"
# Again, from stdin: nothing added.
out=$("$SLATRACK_BIN" --db "$db" calendar holiday office --ics - <"$feed" 2>"$tmp/stderr") && rc=0 || rc=$?
expect_rc 0
expect_out "already  2026-04-03  Good Friday
already  2026-12-25  Christmas Day (every year as 12-25)
already  2026-12-28  Boxing Day
Added 0 holidays from stdin to calendar office, 3 already there (1 event with a time of day or a repeat rule skipped); 0 requests' outcomes changed, 0 running clocks' due times moved"
st calendar holiday office --ics "$feed" --format csv; expect_rc 0
expect_out "date,name,state
2026-04-03,Good Friday,already
2026-12-25,Christmas Day,already
2026-12-28,Boxing Day,already"
st calendar due office "2026-12-24 16:00" 2h; expect_out_has "due 2026-12-29 10:00:00 +00:00"

# Refusals: exit 2, one line, nothing written.
before=$(db_digest)
printf 'not a calendar\n' >"$tmp/bad.ics"
st calendar holiday office --ics "$tmp/bad.ics"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.ics is not an iCalendar file (no BEGIN:VCALENDAR ... END:VCALENDAR); give the .ics file of a holiday feed"
st calendar holiday office --ics "$tmp/none.ics"; expect_rc 2
expect_err "slatrack: error: cannot read $tmp/none.ics: No such file or directory; give the .ics file (or - for stdin)"
st calendar holiday office --ics "$feed" 2026-01-01; expect_rc 2
expect_err "slatrack: error: --ics takes the dates and names from the file: give no DATE, --name or --remove with it"
st calendar holiday office; expect_rc 2
expect_err_has "give the holidays' dates (YYYY-MM-DD once, MM-DD every year) or --ics FILE"
st calendar holiday nosuch --ics "$feed"; expect_rc 2; expect_err_has 'no calendar "nosuch"'
expect_eq "$(db_digest)" "$before" "(nothing written)"
finish
