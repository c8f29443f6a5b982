#!/usr/bin/env bash
# One phrase per clock state: the line after an event that stops a clock, `show` and
# `export --format table` say the state of the same clock run in the same words (docs/usage.md
# "Clock states"): met, breached, breached on a target in business days, running (due ahead and
# past due) and paused.
source "$(dirname "$0")/lib.sh" "$1"

st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add fast --reply 2h --resolve 40h; expect_rc 0
st sla add days --calendar office --reply 1bd; expect_rc 0
st client add Acme --sla fast; expect_rc 0
st client add Bloom --sla days; expect_rc 0

# The state `show` gives the run of METRIC of request ID at NOW.
show_phrase() { # ID METRIC NOW
  st show "$1" --now "$3"; expect_rc 0
  printf '%s\n' "$out" | sed -n -E "s/^  $2 +started [^ ]+ [0-9]+ [A-Za-z]+ [0-9:]+  //p"
}
# The state `export --format table` gives the run of METRIC of request ID at NOW.
export_phrase() { # ID METRIC NOW
  st export --format table --now "$3"; expect_rc 0
  printf '%s\n' "$out" | awk -v id="#$1" '$1 == id { on = 1; next } /^#/ { on = 0 } on' \
    | sed -n -E "s/^  $2 +from [^ ]+ [0-9]+ [A-Za-z]+ [0-9:]+: //p"
}
# The state the event line gives the run it stopped: "Replied to #1 (Acme): reply X; open, ..."
event_phrase() { # METRIC
  local rest=${out#*: $1 }
  printf '%s\n' "${rest%%; *}"
}
# Checks that show and export give request ID's run of METRIC the state EXPECTED at NOW.
same_state() { # ID METRIC NOW EXPECTED
  expect_eq "$(show_phrase "$1" "$2" "$3")" "$4" "show #$1 $2"
  expect_eq "$(export_phrase "$1" "$2" "$3")" "$4" "export #$1 $2"
}

now="2026-11-23 12:00"
st log Acme "Breached" --at "2026-11-23 09:00" --now "2026-11-23 09:00"; expect_rc 0
st log Acme "Met" --at "2026-11-23 09:00" --now "2026-11-23 09:00"; expect_rc 0
st log Acme "Late" --at "2026-11-23 09:00" --now "2026-11-23 09:00"; expect_rc 0
st log Bloom "Days" --at "2026-11-23 09:00" --now "2026-11-23 09:00"; expect_rc 0

# Breached: the event line, show and export agree.
st reply 1 --at "2026-11-23 11:30" --now "2026-11-23 11:30"; expect_rc 0
expect_out "Replied to #1 (Acme): reply breached (by 30m); open, resolve due Wed 25 Nov 01:00 (in 37h 30m)"
said=$(event_phrase reply)
expect_eq "$said" "breached (by 30m)"
same_state 1 reply "$now" "$said"

# Met.
st reply 2 --at "2026-11-23 09:40" --now "2026-11-23 09:40"; expect_rc 0
said=$(event_phrase reply)
expect_eq "$said" "met (40m of 2h 00m used)"
same_state 2 reply "$now" "$said"

# Breached on a target in business days (1bd from Mon 09:00 is Tue 09:00): used against the
# target, 8h on Monday and 3h on Tuesday.
st reply 4 --at "2026-11-24 12:00" --now "2026-11-24 12:00"; expect_rc 0
said=$(event_phrase reply)
expect_eq "$said" "breached (11h 00m used, target 1bd)"
same_state 4 reply "2026-11-24 12:00" "$said"

# Running: due ahead (40h from Mon 09:00 on 24x7) and past due (a reply owed since 11:00).
same_state 1 resolve "$now" "running, due Wed 25 Nov 01:00 (in 37h 00m)"
same_state 3 reply "$now" "running, due Mon 23 Nov 11:00 (1h 00m late)"

# Paused: waiting on the client, the resolve clock does not count; then the resolve that stops
# it says how it ended, as show and export do.
st pause 2 --at "2026-11-23 10:00" --now "2026-11-23 10:00"; expect_rc 0
same_state 2 resolve "$now" "paused (waiting on the client)"
st resume 2 --at "2026-11-23 13:00" --now "2026-11-23 13:00"; expect_rc 0
st resolve 2 --at "2026-11-23 14:00" --now "2026-11-23 14:00"; expect_rc 0
said=$(event_phrase resolve)
expect_eq "$said" "met (2h 00m of 40h 00m used)"
same_state 2 resolve "2026-11-23 14:00" "$said"

# Under a minute is 0m, in hours and minutes as every duration (SPEC.md "Output"), never seconds:
# a reply half a minute after the message, and the same instant.
st log Acme "Quick" --at "2026-11-24 09:00:00" --now "2026-11-24 09:00:00"; expect_rc 0
quick=$(printf '%s' "$out" | grep -o '#[0-9]*' | head -1 | tr -d '#')
st reply "$quick" --at "2026-11-24 09:00:30" --now "2026-11-24 09:00:30"; expect_rc 0
said=$(event_phrase reply)
expect_eq "$said" "met (0m of 2h 00m used)"
same_state "$quick" reply "2026-11-24 09:01" "$said"
finish
