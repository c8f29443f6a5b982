#!/usr/bin/env bash
# A calendar's zone and hours have versions (SPEC.md "Rules have dates"): calendar edit --from DATE
# (default today, in the calendar's zone) starts one at local midnight; a clock running across it
# uses the old hours before and the new after; last month's report stays as it was; --retroactive
# corrects every version and says how many outcomes and running due times it changed.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-02T12:00:00Z TZ=UTC

st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add biz --calendar office --reply 4h; expect_rc 0
st client add Acme --sla biz; expect_rc 0
# Mon 14:00: 3h on Monday, 1h30m on Tuesday: 4h30m, breached (due Tue 10:00).
st log acme "November one" --at 2026-11-09T14:00:00Z -q; expect_rc 0
st reply 1 --at 2026-11-10T10:30:00Z; expect_rc 0
st log acme "November two" --at 2026-11-20T10:00:00Z -q; expect_rc 0
st reply 2 --at 2026-11-20T13:00:00Z; expect_rc 0 # 3h: met
# Tue 1 Dec 15:00: 2h on Tuesday, due Wed 11:00.
st log acme "Open" --at 2026-12-01T15:00:00Z; expect_rc 0
expect_out "Logged #3 for Acme: reply due Wed 02 Dec 11:00 (1h 00m late)"
st report --month 2026-11; expect_rc 0
november=$out

# New hours from today (Wed 2 Dec, London): #3's clock counts Tuesday's old hours, then
# Wednesday's new ones from 08:00: due 10:00. November's report is byte for byte the same.
st calendar edit office --hours "mon-fri 08:00-16:00"; expect_rc 0
expect_out "Changed calendar office (Europe/London): mon-fri 08:00-16:00 from 2026-12-02; 0 requests' outcomes changed, 1 running clock's due time moved"
st report --month 2026-11; expect_rc 0
expect_eq "$out" "$november" "last month's report unchanged by today's new hours"
st show 3 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-12-02T10:00:00Z
st calendar due office "2026-12-01 15:00" 4h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-12-02T10:00:00Z "calendar due across the change"
st calendar due office "2026-11-30 15:00" 4h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-12-01T11:00:00Z "before the change: the old hours"
st check; expect_rc 0
st calendar show office; expect_rc 0
expect_out "Calendar: office
Zone:     Europe/London
Hours:    mon-fri 08:00-16:00

Versions (each in force from local midnight of its date):
FROM           ZONE           HOURS
the beginning  Europe/London  mon-fri 09:00-17:00
2026-12-02     Europe/London  mon-fri 08:00-16:00"
st calendar show office --now 2026-12-01T23:59:59Z; expect_rc 0
expect_out_has "Hours:    mon-fri 09:00-17:00" "(the version in force then)"
st explain 3; expect_rc 0
expect_out "#3 Open
Client Acme, SLA biz, calendar office (Europe/London: mon-fri 08:00-16:00); times in UTC

reply clock
  start    Tue 01 Dec 15:00 +00:00  message by Acme
  target   4h 00m of open time
  open     Tue 01 Dec 15:00 +00:00 - 17:00 +00:00              2h 00m  2h 00m counted
  closed   Tue 01 Dec 17:00 +00:00 - Wed 02 Dec 08:00 +00:00  15h 00m  closed overnight
  version  calendar office from 2026-12-02: mon-fri 08:00-16:00 (was mon-fri 09:00-17:00)
  open     Wed 02 Dec 08:00 +00:00 - 10:00 +00:00              2h 00m  4h 00m counted
  due      Wed 02 Dec 10:00 +00:00
  result   running, overdue by 2h 00m of open time"

# From a past date: the requests since are judged anew. #1 (Mon 9 Nov) under 12:00-16:00 is due
# Tue 14:00 and was met; #3 counts 1h on Tuesday (12:00-16:00), then 3h from Wednesday 08:00.
st calendar edit office --hours "mon-fri 12:00-16:00" --from 2026-11-01; expect_rc 0
expect_out "Changed calendar office (Europe/London): mon-fri 12:00-16:00 from 2026-11-01; 1 request's outcome changed, 1 running clock's due time moved"
st report --month 2026-11 --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | "\(.reply_met) \(.reply_breached)"')" "2 0"
st show 3 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-12-02T11:00:00Z \
  "the later version stays as it was"
st calendar show office; expect_rc 0
expect_out_has "the beginning  Europe/London  mon-fri 09:00-17:00
2026-11-01     Europe/London  mon-fri 12:00-16:00
2026-12-02     Europe/London  mon-fri 08:00-16:00"
st check; expect_rc 0

# A correction: every version, past requests included; versions left the same are joined, and
# November's report is what it was.
st calendar edit office --hours "mon-fri 09:00-17:00" --retroactive; expect_rc 0
expect_out "Changed calendar office (Europe/London): mon-fri 09:00-17:00 in every version (retroactive); 1 request's outcome changed, 0 running clocks' due times moved"
st report --month 2026-11; expect_rc 0
expect_eq "$out" "$november"
st calendar show office; expect_rc 0
expect_out "Calendar: office
Zone:     Europe/London
Hours:    mon-fri 09:00-17:00"

# A change of zone starts at midnight in the zone before it (Thu 3 Dec 00:00 London); from then
# the hours are New York's. In machine formats the record carries the counts.
st calendar edit office --tz America/New_York --from 2026-12-03 --format json; expect_rc 0
expect_out '{"name":"office","tz":"America/New_York","hours":"mon-fri 09:00-17:00","holidays":"","builtin":false,"outcomes_changed":0,"clocks_moved":0}'
st calendar due office "2026-12-02 16:00" 2h --format json
expect_eq "$(json_get "$out" .due_at)" 2026-12-03T15:00:00Z "1h in London, 1h from 09:00 EST"
st calendar list --format csv; expect_rc 0
expect_out_has "office,Europe/London,mon-fri 09:00-17:00,,false" "(today's version)"
st calendar list --format csv --now 2026-12-03T12:00:00Z; expect_rc 0
expect_out_has "office,America/New_York,mon-fri 09:00-17:00,,false"
st check; expect_rc 0

# Refusals: one line, exit 2, nothing written.
digest=$(db_digest)
st calendar edit office --hours "mon-fri 09:00-17:00" --from 2026-12-01 --retroactive; expect_rc 2
expect_err "slatrack: error: --from and --retroactive exclude each other: a change starts on a date, or corrects every version"
st calendar edit office --hours "mon-fri 10:00-17:00" --from "2026-12-01 10:00"; expect_rc 2
expect_err "slatrack: error: --from: \"2026-12-01 10:00\" is not a date: a calendar's hours change at local midnight; give YYYY-MM-DD, today or tomorrow"
st calendar edit office --hours "mon-fri 10:00-17:00" --from junk; expect_rc 2
expect_err_has 'slatrack: error: --from: bad time "junk"'
st calendar edit 24x7 --hours "mon-fri 10:00-17:00" --from 2026-12-05; expect_rc 2
expect_eq "$(db_digest)" "$digest" "nothing written"

# config export writes the versions; apply of the same file changes nothing; a changed latest
# version starts a new one from the file's `from`, else today; an edited earlier version is
# refused rather than silently left as it is.
st config export; expect_rc 0
expect_out_has '[calendar.office]
from = "2026-12-03"
tz = "America/New_York"
hours = "mon-fri 09:00-17:00"

[[calendar.office.earlier]]
tz = "Europe/London"
hours = "mon-fri 09:00-17:00"'
printf '%s\n' "$out" >"$tmp/rules.toml"
st config apply "$tmp/rules.toml"; expect_rc 0; expect_out "$tmp/rules.toml: nothing to change"
sed 's/^from = "2026-12-03"/from = "2027-01-04"/; 0,/^hours = "mon-fri 09:00-17:00"$/s//hours = "mon-fri 10:00-18:00"/' \
  "$tmp/rules.toml" >"$tmp/later.toml"
st config apply "$tmp/later.toml" --dry-run; expect_rc 0
expect_out "change calendar office: hours mon-fri 09:00-17:00 -> mon-fri 10:00-18:00, from 2027-01-04
Dry run of $tmp/later.toml: 1 change; 0 requests' outcomes would change, 0 running clocks' due times would move; nothing written"
st calendar show office; expect_rc 0; expect_out_has "2026-12-03     America/New_York  mon-fri 09:00-17:00"
sed '/^\[\[calendar.office.earlier\]\]/,/^$/ s/Europe\/London/Europe\/Dublin/' "$tmp/rules.toml" >"$tmp/earlier.toml"
digest=$(db_digest)
st config apply "$tmp/earlier.toml"; expect_rc 2
expect_err "slatrack: error: calendar \"office\": its [[calendar.office.earlier]] versions differ from the database's, and config apply changes only the latest version; change an earlier one with: slatrack calendar edit office --from DATE (or --retroactive)"
expect_eq "$(db_digest)" "$digest" "nothing written"

finish
