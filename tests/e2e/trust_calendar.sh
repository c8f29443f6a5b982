#!/usr/bin/env bash
# One bad calendar must not stop cron (issue 20 item 4): a calendar that would never be open (its
# holidays close every day it has open hours) is refused by the command that would make it so,
# and one calendar's trouble never stops `overdue` for the requests on the others.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z

st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h; expect_rc 0
st client add acme --sla standard; expect_rc 0
st log acme "Invoice is wrong" --at 2026-11-24T09:00:00Z -q; expect_rc 0
st log acme "VPN drops" --at 2026-11-25T10:30:00Z -q; expect_rc 0
st calendar add closed --tz UTC --hours "mon-sun 09:00-17:00"; expect_rc 0

# Every day of the year but 29 February: still open in leap years, accepted.
days=()
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
  for d in $(seq -w 1 31); do
    date -d "2024-$m-$d" >/dev/null 2>&1 && [ "$m-$d" != 02-29 ] && days+=("$m-$d")
  done
done
expect_eq "${#days[@]}" 365
st calendar holiday closed "${days[@]}" --name "closed"; expect_rc 0
digest=$(db_digest)
# 29 February too: never open again, refused where it is made.
st calendar holiday closed 02-29; expect_rc 2; expect_no_out
expect_err "slatrack: error: calendar \"closed\" would never be open: its holidays close every day it has open hours; nothing was changed: keep some days open"
expect_eq "$(db_digest)" "$digest" "nothing written"
st calendar edit closed --hours "mon-sun 09:00-17:00"; expect_rc 0

# A calendar that got that way anyway (written by another tool): overdue still reports the rest.
sqlite3 "$db" "INSERT INTO holidays (calendar_id, year, month, day, name)
  SELECT id, 0, 2, 29, 'leap' FROM calendars WHERE name = 'closed'"
st overdue --within 4h --format csv; expect_rc 1; expect_no_err
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" "1 2 " "both requests on office shown"
st overdue --within 4h; expect_rc 1
expect_out_has "1 overdue, 1 at risk"
st overdue; expect_rc 1

finish
