#!/usr/bin/env bash
# report end to end. Every expected number is worked out in this script from the times logged
# below (open time by hand, nearest-rank percentiles and percentages computed here), never copied
# from slatrack's output. The week spans the London spring-forward change (Sun 29 Mar 2026, 01:00
# GMT) and the month end (Tue 31 Mar / Wed 1 Apr).
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London LC_ALL=C.UTF-8
# Now: Wed 1 Apr 2026 12:00 BST = 11:00Z.
export SLATRACK_NOW="2026-04-01 12:00"

# nearest P VALUE...: the P-th percentile by nearest rank, the value at rank ceil(P/100 * n).
nearest() {
  local p=$1; shift
  local -a sorted
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
  local n=${#sorted[@]}
  local rank=$(( (p * n + 99) / 100 ))
  echo "${sorted[rank - 1]}"
}
# percent MET BREACHED: one decimal, "" when nothing to divide.
percent() {
  if [ $(($1 + $2)) -eq 0 ]; then echo ""; else awk -v m="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * m / (m + b) }'; fi
}
# csv_row GROUP: the CSV line of GROUP in $out.
csv_row() {
  printf '%s\n' "$out" | awk -F, -v g="$1" '$1 == g'
}

st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add std --reply 2h --resolve 1d; expect_rc 0                 # on 24x7
st sla add biz --calendar office --reply 4h --resolve 16h; expect_rc 0
st client add Acme --sla std --owner ann; expect_rc 0
st client add Bloom --sla biz --owner bob; expect_rc 0
st client add Corp; expect_rc 0                                       # default: reply 24h
st client add Dormant; expect_rc 0                                    # never writes

# Before anything is logged: only the total, all zero, percentages and times null.
st report --format json --from 2026-03-27 --to 2026-04-01; expect_rc 0; expect_no_err
expect_eq "$(json_get "$out" 'length')" 1
expect_eq "$(json_get "$out" '.[0] | [.group, .requests, .reply_met, .reply_breached, .reply_met_pct, .reply_median_seconds, .reply_p90_seconds, .resolve_met, .resolve_breached, .resolve_met_pct, .resolve_median_seconds, .open_now, .overdue_now] | map(tostring) | join(" ")')" \
  "total 0 0 0 null null null 0 0 null null 0 0"
st report --format csv --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_out "group,from,to,requests,reply_met,reply_breached,reply_met_pct,reply_median_seconds,reply_p90_seconds,resolve_met,resolve_breached,resolve_met_pct,resolve_median_seconds,open_now,overdue_now,update_met,update_breached,update_met_pct
total,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,0,0,0,,,,0,0,,,0,0,0,0,"

# The history (local London times; GMT until Sun 29 Mar 01:00, BST after).
# #1 Acme: Fri 27 Mar 09:00, replied 09:30 (30m, met), resolved 15:00 (6h, met).
st log Acme "One" --at "2026-03-27 09:00"; expect_rc 0
st reply 1 --at "2026-03-27 09:30"; expect_rc 0
st resolve 1 --at "2026-03-27 15:00"; expect_rc 0
# #2 Acme, high, phone: Sat 28 Mar 10:00, replied 13:00 (3h, breached); its resolve clock (24h)
# runs out Sun 29 Mar 10:00Z and it is still open: breached on the 29th, overdue now.
st log Acme "Two" --at "2026-03-28 10:00" --priority high --channel phone; expect_rc 0
st reply 2 --at "2026-03-28 13:00"; expect_rc 0
# #3 Acme, urgent, chat, assignee "Ann": Sun 29 Mar 00:30 GMT, replied 03:30 BST: 2h of real
# time across the change (met: exactly on time); resolved 05:00 BST (3h 30m, met).
st log Acme "Three" --at "2026-03-29 00:30" --priority urgent --channel chat --assignee Ann
expect_rc 0
st reply 3 --at "2026-03-29 03:30"; expect_rc 0
st resolve 3 --at "2026-03-29 05:00"; expect_rc 0
# #4 Bloom (office Mon-Fri 09-17): Fri 27 Mar 16:00, replied Mon 30 Mar 10:00 BST: 1h Friday +
# 1h Monday = 2h of open time (met); resolved Mon 15:00: 1h + 6h = 7h (met).
st log Bloom "Four" --at "2026-03-27 16:00"; expect_rc 0
st reply 4 --at "2026-03-30 10:00"; expect_rc 0
st resolve 4 --at "2026-03-30 15:00"; expect_rc 0
# #5 Bloom, low, web: Mon 30 Mar 09:00, never answered: reply due Mon 13:00 (breached on the
# 30th); its 16h of resolve time are used up Tue 31 Mar 17:00 and nothing more is used until
# Wednesday opens, so it is due Wed 1 Apr 09:00 BST (breached on 1 Apr, after the range);
# overdue now.
st log Bloom "Five" --at "2026-03-30 09:00" --priority low --channel web; expect_rc 0
# #6 Bloom: Tue 31 Mar 09:00, replied 16:30 (7h 30m, breached), paused 16:45: waiting, its
# resolve clock stopped counting within its target: open now, not overdue.
st log Bloom "Six" --at "2026-03-31 09:00"; expect_rc 0
st reply 6 --at "2026-03-31 16:30"; expect_rc 0
st pause 6 --at "2026-03-31 16:45"; expect_rc 0
# #7 Corp: Fri 20 Mar 10:00, before the range, never answered: overdue now, nothing in range.
st log Corp "Seven" --at "2026-03-20 10:00"; expect_rc 0
# #8 Acme: Tue 31 Mar 22:30 BST, replied 23:30 (1h, met, on the 31st); resolved Wed 1 Apr
# 00:30 BST (2h, met: in April, after the range).
st log Acme "Eight" --at "2026-03-31 22:30"; expect_rc 0
st reply 8 --at "2026-03-31 23:30"; expect_rc 0
st resolve 8 --at "2026-04-01 00:30"; expect_rc 0
# #9 Acme: Wed 1 Apr 09:00, after the range, reply due 11:00: overdue now.
st log Acme "Nine" --at "2026-04-01 09:00"; expect_rc 0

# Reply and resolve times in seconds of open time, by request (worked out above).
r1=$((30 * 60)); r2=$((3 * 3600)); r3=$((2 * 3600)); r4=$((2 * 3600)); r6=$((7 * 3600 + 1800))
r8=3600
v1=$((6 * 3600)); v3=$((3 * 3600 + 1800)); v4=$((7 * 3600)); v8=$((2 * 3600))

before=$(db_digest)
# ---- by client, the week of 27-31 March ----
st report --format csv --from 2026-03-27 --to 2026-04-01; expect_rc 0; expect_no_err
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1 | tr '\n' ' ')" "group Acme Bloom Corp total " \
  "(Dormant has nothing to show)"
# Acme: #1 #2 #3 #8 logged; replies met #1 #3 #8, breached #2; resolutions met #1 #3, breached
# #2 (running past due); open #2 #9, both overdue.
expect_eq "$(csv_row Acme)" "Acme,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,4,3,1,$(percent 3 1),$(nearest 50 $r1 $r2 $r3 $r8),$(nearest 90 $r1 $r2 $r3 $r8),2,1,$(percent 2 1),$(nearest 50 $v1 $v3),2,2,0,0,"
# Bloom: #4 #5 #6 logged; replies met #4, breached #6 and #5 (running past due); resolutions met
# #4 (#5's is due after the range); open #5 (overdue) and #6 (waiting, not overdue).
expect_eq "$(csv_row Bloom)" "Bloom,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,3,1,2,$(percent 1 2),$(nearest 50 $r4 $r6),$(nearest 90 $r4 $r6),1,0,$(percent 1 0),$(nearest 50 $v4),2,1,0,0,"
# Corp: nothing in range, one open request, overdue.
expect_eq "$(csv_row Corp)" "Corp,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,0,0,0,,,,0,0,,,1,1,0,0,"
expect_eq "$(csv_row total)" "total,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,7,4,3,$(percent 4 3),$(nearest 50 $r1 $r2 $r3 $r4 $r6 $r8),$(nearest 90 $r1 $r2 $r3 $r4 $r6 $r8),3,1,$(percent 3 1),$(nearest 50 $v1 $v3 $v4),5,4,0,0,"
# The figures themselves, once, to be sure the helpers above compute what the docs say.
expect_eq "$(nearest 50 $r1 $r2 $r3 $r8) $(nearest 90 $r1 $r2 $r3 $r8) $(percent 4 3)" "3600 10800 57.1"

# The same numbers in json (percentages are numbers, null when nothing to divide), jsonl, tsv.
st report --format json --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(json_get "$out" 'map(.group) | join(",")')" "Acme,Bloom,Corp,total"
expect_eq "$(json_get "$out" '.[0] | keys_unsorted | join(" ")')" \
  "group from to requests reply_met reply_breached reply_met_pct reply_median_seconds reply_p90_seconds resolve_met resolve_breached resolve_met_pct resolve_median_seconds open_now overdue_now update_met update_breached update_met_pct"
expect_eq "$(json_get "$out" '.[0].reply_met_pct | type')" number
expect_eq "$(json_get "$out" '.[0].reply_met_pct')" "$(percent 3 1 | sed 's/\.0$//')"
expect_eq "$(json_get "$out" '.[1].reply_met_pct')" "$(percent 1 2)"
expect_eq "$(json_get "$out" '.[2].reply_met_pct')" null
expect_eq "$(json_get "$out" '.[2].reply_median_seconds')" null
expect_eq "$(json_get "$out" '.[3].reply_p90_seconds')" "$r6"
expect_out_has '"reply_met_pct":75.0,'
st report --format jsonl --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4
expect_eq "$(printf '%s\n' "$out" | tail -1 | jq -r '[.requests, .resolve_median_seconds, .open_now] | join(" ")')" \
  "7 $(nearest 50 $v1 $v3 $v4) 5"
st report --format tsv --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | awk -F'\t' '$1 == "Corp"')" \
  "$(printf 'Corp\t2026-03-27T00:00:00Z\t2026-03-31T23:00:00Z\t0\t0\t0\t\t\t\t0\t0\t\t\t1\t1\t0\t0\t')"

# The table: aligned, durations humanized, numbers right-aligned.
st report --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_out "Report by client: Fri 27 Mar 00:00 to Wed 01 Apr 00:00 (Europe/London)

                 REPLIES                            UPDATES           RESOLUTIONS                 NOW
CLIENT  LOGGED   MET  LATE   MET%  MEDIAN     P90   MET  LATE  MET%   MET  LATE    MET%  MEDIAN   OPEN  OVERDUE
Acme         4     3     1  75.0%  1h 00m  3h 00m     0     0     -     2     1   66.7%  3h 30m      2        2
Bloom        3     1     2  33.3%  2h 00m  7h 30m     0     0     -     1     0  100.0%  7h 00m      2        1
Corp         0     0     0      -       -       -     0     0     -     0     0       -       -      1        1
total        7     4     3  57.1%  2h 00m  7h 30m     0     0     -     3     1   75.0%  6h 00m      5        4"
st report -q --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "                 REPLIES                            UPDATES           RESOLUTIONS                 NOW"

# ---- by day: every day of the range, across the DST change ----
st report --by day --format csv --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$out" "group,from,to,requests,reply_met,reply_breached,reply_met_pct,reply_median_seconds,reply_p90_seconds,resolve_met,resolve_breached,resolve_met_pct,resolve_median_seconds,open_now,overdue_now,update_met,update_breached,update_met_pct
2026-03-27,2026-03-27T00:00:00Z,2026-03-28T00:00:00Z,2,1,0,$(percent 1 0),$r1,$r1,1,0,$(percent 1 0),$v1,0,0,0,0,
2026-03-28,2026-03-28T00:00:00Z,2026-03-29T00:00:00Z,1,0,1,$(percent 0 1),$r2,$r2,0,0,,,1,1,0,0,
2026-03-29,2026-03-29T00:00:00Z,2026-03-29T23:00:00Z,1,1,0,$(percent 1 0),$r3,$r3,1,1,$(percent 1 1),$v3,0,0,0,0,
2026-03-30,2026-03-29T23:00:00Z,2026-03-30T23:00:00Z,1,1,1,$(percent 1 1),$r4,$r4,1,0,$(percent 1 0),$v4,1,1,0,0,
2026-03-31,2026-03-30T23:00:00Z,2026-03-31T23:00:00Z,2,1,1,$(percent 1 1),$(nearest 50 $r6 $r8),$(nearest 90 $r6 $r8),0,0,,,1,0,0,0,
total,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,7,4,3,$(percent 4 3),$(nearest 50 $r1 $r2 $r3 $r4 $r6 $r8),$(nearest 90 $r1 $r2 $r3 $r4 $r6 $r8),3,1,$(percent 3 1),$(nearest 50 $v1 $v3 $v4),5,4,0,0," \
  "(by day)"
# Empty days are listed too.
st report --by day --format jsonl --from 2026-03-25 --to 2026-03-27; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -r '[.group, .requests, (.reply_met_pct | tostring), .open_now] | join(" ")' | tr '\n' ',')" \
  "2026-03-25 0 null 0,2026-03-26 0 null 0,total 0 null 5," "(the total counts all that is open)"

# The chart: one bar per day, as wide as $COLUMNS allows: 61 - 14 (label) - 2 - 2 - 6 = 37 cells,
# in eighths: 100% = 37 full blocks, 50% = 148 eighths = 18 full and a half block.
bar() { # bar PERCENT WIDTH
  awk -v p="$1" -v w="$2" 'BEGIN {
    e = int(p * w * 8 / 100 + 0.5); s = ""
    for (i = 0; i < int(e / 8); i++) s = s "█"
    split("▏ ▎ ▍ ▌ ▋ ▊ ▉", part, " "); if (e % 8) s = s part[e % 8]
    printf "%s", s }'
}
line() { # line LABEL PERCENT: a chart line for a 37-cell bar
  local drawn="" cells=0 text=-
  if [ -n "$2" ]; then drawn=$(bar "$2" 37); cells=$(printf '%s' "$drawn" | wc -m); text="$2%"; fi
  printf '%s  %s%*s%6s\n' "$1" "$drawn" $((37 - cells + 2)) "" "$text"
}
COLUMNS=61 st report --by day --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n '/^Replies met on time$/,$p')" "Replies met on time
$(line "2026-03-27 Fri" "$(percent 1 0)")
$(line "2026-03-28 Sat" "$(percent 0 1)")
$(line "2026-03-29 Sun" "$(percent 1 0)")
$(line "2026-03-30 Mon" "$(percent 1 1)")
$(line "2026-03-31 Tue" "$(percent 1 1)")" "(chart)"
expect_out_has "2026-03-30 Mon  ██████████████████▌"
expect_out_has "2026-03-29 Sun       1     1     0  100.0%  2h 00m  2h 00m     0     0     -     1     1   50.0%  3h 30m      0        0"
# Not a terminal and no $COLUMNS: 80 columns.
unset COLUMNS
st report --by day --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep '^2026-03-27 Fri  █' | wc -m)" 81 "(80 columns and a newline)"

# ---- by week: Monday weeks, the first clipped to the range ----
st report --by week --format csv --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 2,3p)" \
"2026-03-23,2026-03-27T00:00:00Z,2026-03-29T23:00:00Z,4,2,1,$(percent 2 1),$(nearest 50 $r1 $r2 $r3),$(nearest 90 $r1 $r2 $r3),2,1,$(percent 2 1),$(nearest 50 $v1 $v3),1,1,0,0,
2026-03-30,2026-03-29T23:00:00Z,2026-03-31T23:00:00Z,3,2,2,$(percent 2 2),$(nearest 50 $r4 $r6 $r8),$(nearest 90 $r4 $r6 $r8),1,0,$(percent 1 0),$v4,2,1,0,0,"

# ---- by month, over the month end: #8's resolution, #5's resolve and #9's reply breaches are
# in April ----
st report --by month --format csv --from 2026-03-27 --to 2026-04-02; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 2,4p)" \
"2026-03,2026-03-27T00:00:00Z,2026-03-31T23:00:00Z,7,4,3,$(percent 4 3),$(nearest 50 $r1 $r2 $r3 $r4 $r6 $r8),$(nearest 90 $r1 $r2 $r3 $r4 $r6 $r8),3,1,$(percent 3 1),$(nearest 50 $v1 $v3 $v4),3,2,0,0,
2026-04,2026-03-31T23:00:00Z,2026-04-01T23:00:00Z,1,0,1,$(percent 0 1),,,1,1,$(percent 1 1),$v8,1,1,0,0,
total,2026-03-27T00:00:00Z,2026-04-01T23:00:00Z,8,4,4,$(percent 4 4),$(nearest 50 $r1 $r2 $r3 $r4 $r6 $r8),$(nearest 90 $r1 $r2 $r3 $r4 $r6 $r8),4,2,$(percent 4 2),$(nearest 50 $v1 $v3 $v4 $v8),5,4,0,0,"

# ---- by priority (in the contract's order), channel and assignee ----
st report --by priority --format csv --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n '2,5p' | cut -d, -f1,4-)" \
"urgent,1,1,0,$(percent 1 0),$r3,$r3,1,0,$(percent 1 0),$v3,0,0,0,0,
high,1,0,1,$(percent 0 1),$r2,$r2,0,1,$(percent 0 1),,1,1,0,0,
normal,4,3,1,$(percent 3 1),$(nearest 50 $r1 $r4 $r6 $r8),$(nearest 90 $r1 $r4 $r6 $r8),2,0,$(percent 2 0),$(nearest 50 $v1 $v4),3,2,0,0,
low,1,0,1,$(percent 0 1),,,0,0,,,1,1,0,0,"
st report --by channel --format json --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(json_get "$out" 'map(.group) | join(",")')" "email,phone,chat,web,total"
expect_eq "$(json_get "$out" '.[0] | [.requests, .reply_met, .reply_breached, .reply_median_seconds, .open_now] | join(" ")')" \
  "4 3 1 $(nearest 50 $r1 $r4 $r6 $r8) 3"
# "Ann" (#3) and ann (Acme's owner) are one assignee, named by the first spelling in byte
# order; requests without an assignee come last with a null group.
st report --by assignee --format json --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_eq "$(json_get "$out" 'map(.group | tostring) | join(",")')" "Ann,bob,null,total"
expect_eq "$(json_get "$out" '.[0] | [.requests, .reply_met, .reply_breached, .open_now, .overdue_now] | join(" ")')" "4 3 1 2 2"
expect_eq "$(json_get "$out" '.[2] | [.requests, .open_now, .overdue_now] | join(" ")')" "0 1 1"
st report --by assignee --from 2026-03-27 --to 2026-04-01; expect_rc 0
expect_out_has "
-              0     0     0      -       -       -     0     0     -     0     0       -       -      1        1
total"

# ---- the default range: local midnight 30 days before today, to now ----
st report --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | [.from, .to, .requests] | join(" ")')" \
  "2026-03-02T00:00:00Z 2026-04-01T11:00:00Z 9"
st report --format json --to 2026-03-28; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | [.from, .to] | join(" ")')" \
  "2026-02-26T00:00:00Z 2026-03-28T00:00:00Z"

# ---- bad input: exit 2, one line, nothing written ----
st report --by year; expect_rc 2; expect_no_out
expect_err 'slatrack: error: bad --by "year": use client, assignee, priority, channel, day, week or month'
st report --from 2026-04-01 --to 2026-03-01; expect_rc 2; expect_no_out
expect_err "slatrack: error: --from 2026-04-01 00:00:00 +01:00 is not before --to 2026-03-01 00:00:00 +00:00; give an earlier --from or a later --to"
st report --from 2026-04-01 --to 2026-04-01; expect_rc 2
st report --from "last week"; expect_rc 2; expect_no_out
expect_err_has 'slatrack: error: --from: bad time "last week"'
st report --by day --from 1990-01-01; expect_rc 2
expect_err "slatrack: error: a report by day over this range would have more than 10000 rows; use a shorter range or a longer period (--by week or month)"
st report --nosuch; expect_rc 2
expect_eq "$(db_digest)" "$before" "(report writes nothing)"

st report --help; expect_rc 0
expect_out_has "--from TIME"
expect_out_has "--by GROUP"
st --help; expect_rc 0; expect_out_has "  report "
finish
