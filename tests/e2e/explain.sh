#!/usr/bin/env bash
# explain: how each due time was reached. Fri 16:30 + 2h on Mon-Fri 09:00-17:00 (Europe/London):
# Friday's 30m, the weekend, Monday 09:00-10:30; a holiday Monday; the spring DST change; the
# machine formats; long runs shortened; errors.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London

st calendar add shop --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar add hol --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday hol 2026-11-23 --name "Staff day"; expect_rc 0
st sla add biz --calendar shop --reply 2h; expect_rc 0
st sla add holi --calendar hol --reply 2h; expect_rc 0
st sla add long --calendar shop --reply 2h --resolve 1w; expect_rc 0
st sla add fast --reply 4h; expect_rc 0
st client add Acme --sla biz; expect_rc 0
st client add Bloom --sla holi; expect_rc 0
st client add Cargo --sla long; expect_rc 0
st client add Dyno --sla fast; expect_rc 0

# 1: Friday 16:30, 2h target.
SLATRACK_USER=ann st log Acme "Printer" --at "2026-11-20 16:30" --now "2026-11-20 16:30"; expect_rc 0
st explain 1 --now "2026-11-20 17:00"; expect_rc 0; expect_no_err
expect_out "#1 Printer
Client Acme, SLA biz, calendar shop (Europe/London: mon-fri 09:00-17:00); times in Europe/London

reply clock
  start    Fri 20 Nov 16:30 +00:00  message by Acme
  target   2h 00m of open time
  open     Fri 20 Nov 16:30 +00:00 - 17:00 +00:00                 30m  30m counted
  closed   Fri 20 Nov 17:00 +00:00 - Mon 23 Nov 09:00 +00:00  64h 00m  weekend
  open     Mon 23 Nov 09:00 +00:00 - 10:30 +00:00              1h 30m  2h 00m counted
  due      Mon 23 Nov 10:30 +00:00
  result   running: 1h 30m of open time left"

st explain '#1' --format json --now "2026-11-20 17:00"; expect_rc 0
expect_eq "$(json_get "$out" 'keys_unsorted | join(",")')" "id,voided_by,clocks"
expect_eq "$(json_get "$out" '.id')" 1
expect_eq "$(json_get "$out" '.clocks | length')" 1
expect_eq "$(json_get "$out" '.clocks[0] | keys_unsorted | join(",")')" \
  "metric,start_at,due_at,stop_at,outcome,target_seconds,used_seconds,credit_seconds,steps"
expect_eq "$(json_get "$out" '.clocks[0].metric')" reply
expect_eq "$(json_get "$out" '.clocks[0].start_at')" 2026-11-20T16:30:00Z
expect_eq "$(json_get "$out" '.clocks[0].due_at')" 2026-11-23T10:30:00Z
expect_eq "$(json_get "$out" '.clocks[0].stop_at')" null
expect_eq "$(json_get "$out" '.clocks[0].outcome')" running
expect_eq "$(json_get "$out" '.clocks[0].target_seconds')" 7200
expect_eq "$(json_get "$out" '.clocks[0].steps[0] | keys_unsorted | join(",")')" "kind,from,to,seconds,note"
expect_eq "$(json_get "$out" '[.clocks[0].steps[].kind] | join(" ")')" "open weekend open"
expect_eq "$(json_get "$out" '[.clocks[0].steps[].from] | join(" ")')" \
  "2026-11-20T16:30:00Z 2026-11-20T17:00:00Z 2026-11-23T09:00:00Z"
expect_eq "$(json_get "$out" '[.clocks[0].steps[].to] | join(" ")')" \
  "2026-11-20T17:00:00Z 2026-11-23T09:00:00Z 2026-11-23T10:30:00Z"
expect_eq "$(json_get "$out" '[.clocks[0].steps[].seconds] | join(" ")')" "1800 230400 5400"
expect_eq "$(json_get "$out" '.clocks[0].steps[1].note')" weekend
expect_eq "$(json_get "$out" '[.clocks[0].steps[] | select(.kind == "open") | .seconds] | add')" 7200

# A reply stops it: met, with the stopping event.
SLATRACK_USER=bob st reply 1 --at "2026-11-23 10:05" --now "2026-11-23 10:05"; expect_rc 0
st explain 1 --now "2026-11-23 12:00"; expect_rc 0
expect_out_has "  result   met: stopped Mon 23 Nov 10:05 +00:00 (reply by bob); 1h 35m of 2h 00m used, 25m to spare"

# 2: a holiday Monday pushes it to Tuesday and is named.
st log Bloom "Fax" --at "2026-11-20 16:30" --now "2026-11-20 16:30"; expect_rc 0
st explain 2 --now "2026-11-20 17:00"; expect_rc 0
expect_out_has "calendar hol (Europe/London: mon-fri 09:00-17:00; holidays 2026-11-23 Staff day)"
expect_out_has "  closed   Fri 20 Nov 17:00 +00:00 - Tue 24 Nov 09:00 +00:00  88h 00m  weekend, holiday 2026-11-23 Staff day"
expect_out_has "  open     Tue 24 Nov 09:00 +00:00 - 10:30 +00:00              1h 30m  2h 00m counted"
expect_out_has "  due      Tue 24 Nov 10:30 +00:00"
st explain 2 --format json --now "2026-11-20 17:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[0].steps[].kind] | join(" ")')" "open holiday open"
expect_eq "$(json_get "$out" '.clocks[0].steps[1].note')" "weekend, holiday 2026-11-23 Staff day"
expect_eq "$(json_get "$out" '.clocks[0].due_at')" 2026-11-24T10:30:00Z

# 3: across the spring DST change: Monday 09:00 BST is 08:00 UTC, due 10:30 BST = 09:30 UTC.
st log Acme "Clocks" --at "2026-03-27 16:30" --now "2026-03-27 16:30"; expect_rc 0
st explain 3 --now "2026-03-27 17:00"; expect_rc 0
expect_out_has "  closed   Fri 27 Mar 17:00 +00:00 - Mon 30 Mar 09:00 +01:00  63h 00m  weekend
  dst      DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)
  open     Mon 30 Mar 09:00 +01:00 - 10:30 +01:00              1h 30m  2h 00m counted
  due      Mon 30 Mar 10:30 +01:00"
st explain 3 --format json --now "2026-03-27 17:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[0].steps[].kind] | join(" ")')" "open weekend dst open"
expect_eq "$(json_get "$out" '.clocks[0].steps[2].from')" 2026-03-29T01:00:00Z
expect_eq "$(json_get "$out" '.clocks[0].steps[2].seconds')" 3600
expect_eq "$(json_get "$out" '.clocks[0].due_at')" 2026-03-30T09:30:00Z
# Shown in another zone, the times move but the DST change is the calendar's.
st explain 3 --tz UTC --now "2026-03-27 17:00Z"; expect_rc 0
expect_out_has "  due      Mon 30 Mar 09:30 +00:00"
expect_out_has "  dst      DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)"
# The autumn change: Fri 23 Oct 16:30 BST + 2h.
st log Acme "Autumn" --at "2026-10-23 16:30" --now "2026-10-23 16:30"; expect_rc 0
st explain 4 --now "2026-10-23 17:00"; expect_rc 0
expect_out_has "  dst      DST change Sun 25 Oct 02:00 -> 01:00 (+01:00 -> +00:00)"
expect_out_has "  due      Mon 26 Oct 10:30 +00:00"

# jsonl: one clock a line, with the request id; csv/tsv: one row per step.
st explain 3 --format jsonl --now "2026-03-27 17:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1
expect_eq "$(printf '%s\n' "$out" | jq -r '"\(.id) \(.metric) \(.steps | length)"')" "3 reply 4"
st explain 3 --format csv --now "2026-03-27 17:00"; expect_rc 0
expect_out "id,metric,start_at,kind,from,to,seconds,note
3,reply,2026-03-27T16:30:00Z,open,2026-03-27T16:30:00Z,2026-03-27T17:00:00Z,1800,
3,reply,2026-03-27T16:30:00Z,weekend,2026-03-27T17:00:00Z,2026-03-30T08:00:00Z,226800,weekend
3,reply,2026-03-27T16:30:00Z,dst,2026-03-29T01:00:00Z,2026-03-29T01:00:00Z,3600,DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)
3,reply,2026-03-27T16:30:00Z,open,2026-03-30T08:00:00Z,2026-03-30T09:30:00Z,5400,"
st explain 3 --format tsv --now "2026-03-27 17:00"; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "$(printf 'id\tmetric\tstart_at\tkind\tfrom\tto\tseconds\tnote')"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 5

# A 1w resolve target is 21 business days: the table shows the first and last 5 stretches.
st log Cargo "Big job" --at "2026-11-20 16:30" --now "2026-11-20 16:30"; expect_rc 0
st explain 5 --now "2026-11-20 17:00"; expect_rc 0
expect_out_has "  ...      12 more open stretches (96h 00m of open time) ..."
expect_out_has "  open     Mon 21 Dec 09:00 +00:00 - 16:30 +00:00              7h 30m  168h 00m counted"
expect_out_has "  due      Mon 21 Dec 16:30 +00:00"
st explain 5 --format json --now "2026-11-20 17:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[] | select(.metric == "resolve") | .steps[] | select(.kind == "open")] | length')" 22

# 24x7: one stretch.
st log Dyno "Always" --at "2026-11-21 12:00" --now "2026-11-21 12:00"; expect_rc 0
st explain 6 --format json --now "2026-11-21 12:00"; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[0].steps[] | "\(.kind) \(.from) \(.to)"] | join(";")')" \
  "open 2026-11-21T12:00:00Z 2026-11-21T16:00:00Z"

# Errors: one line, exit 2.
st explain 99; expect_rc 2; expect_no_out
expect_err "slatrack: error: no request #99; list them with: slatrack list --status all"
st explain abc; expect_rc 2; expect_no_out
expect_err 'slatrack: error: bad request number "abc": use a number such as 42 or #42'
st explain; expect_rc 2; expect_no_out
finish
