#!/usr/bin/env bash
# statement and report --month/--client end to end: a client's November on a business calendar,
# every figure worked out here by hand (open time on Mon-Fri 09:00-17:00, London, GMT in
# November); the statement lists only that client's requests, ever; its totals are the figures of
# `report --month 2026-11 --client`; text from the database is escaped in every format.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London LC_ALL=C.UTF-8
# Now: Mon 7 Dec 2026 09:00 GMT.
export SLATRACK_NOW="2026-12-07 09:00"

st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add care --calendar office --reply 2h --update 16h --resolve 40h; expect_rc 0
st client add "Acme Ltd" --sla care --owner ann; expect_rc 0
st client add Bloom --sla care --owner bob; expect_rc 0
st client add Quiet --sla care; expect_rc 0

# #1 Acme, Fri 30 Oct 16:00 (October): reply Mon 2 Nov 10:30 = 1h Fri + 1h30 Mon = 2h30m
# (breached, counts in November); the update clock from 10:30 stops at the resolve, 12:00 (met);
# resolved after 1h + 3h = 4h (met).
st log "Acme Ltd" "Old one" --at "2026-10-30 16:00"; expect_rc 0
st reply 1 --at "2026-11-02 10:30"; expect_rc 0
st resolve 1 --at "2026-11-02 12:00"; expect_rc 0
# #2 Acme, Mon 2 Nov 09:00: reply 09:30 (30m, met); update met at the resolve 15:00 (6h, met).
st log "Acme Ltd" "Invoice is wrong" --at "2026-11-02 09:00"; expect_rc 0
st reply 2 --at "2026-11-02 09:30"; expect_rc 0
st resolve 2 --at "2026-11-02 15:00"; expect_rc 0
# #3 Bloom, Mon 2 Nov 10:00: another client's: never on Acme's statement.
st log Bloom "Bloom secret" --at "2026-11-02 10:00"; expect_rc 0
st reply 3 --at "2026-11-02 10:15"; expect_rc 0
# #4 Acme, Fri 6 Nov 16:30: reply Mon 9 Nov 11:00 = 30m + 2h = 2h30m (breached); the update
# clock from Mon 11:00 is due after 16h, Wed 11 Nov 11:00, and runs to the resolve at Wed 15:00
# (breached); resolved after 30m + 8h + 8h + 6h = 22h30m (met).
st log "Acme Ltd" "Login fails" --at "2026-11-06 16:30"; expect_rc 0
st reply 4 --at "2026-11-09 11:00"; expect_rc 0
st resolve 4 --at "2026-11-11 15:00"; expect_rc 0
# #5 Acme, Tue 3 Nov 09:00: reply 09:20 (20m, met), paused 09:30: waiting on the client (the
# update clock stops there, met); open now, nothing due.
st log "Acme Ltd" "Waiting for your logo" --at "2026-11-03 09:00"; expect_rc 0
st reply 5 --at "2026-11-03 09:20"; expect_rc 0
st pause 5 --at "2026-11-03 09:30"; expect_rc 0
# #6 Acme, Mon 30 Nov 16:00, a subject full of markup: never answered; its reply was due Tue 1
# Dec 10:00 (December: counts nowhere in November), overdue now.
nasty='<script>alert(1)</script> & "quotes" | *stars* [x](y)'
st log "Acme Ltd" "$nasty" --at "2026-11-30 16:00"; expect_rc 0

st client add "Acme Holdings" --sla care; expect_rc 0               # nothing logged: for names
before=$(db_digest)
r1=9000; r2=1800; r4=9000; r5=1200
v1=14400; v2=21600; v4=81000
# Nearest-rank medians: of 1200 1800 9000 9000 rank 2 = 1800, p90 rank 4 = 9000; of the
# resolve times 14400 21600 81000 rank 2 = 21600.

# ---- report --month and --client ----
st report --month 2026-11 --client acne --format json; expect_rc 2
expect_err_has 'slatrack: error: no client "acne"'
st report --month 2026-11 --client "acme ltd" --format json; expect_rc 0; expect_no_err
expect_eq "$(json_get "$out" 'map(.group) | join(",")')" "Acme Ltd,total"
expect_eq "$(json_get "$out" '.[1] | [.from, .to, .requests, .reply_met, .reply_breached, .reply_median_seconds, .reply_p90_seconds, .update_met, .update_breached, .update_met_pct, .resolve_met, .resolve_breached, .resolve_median_seconds, .open_now, .overdue_now] | map(tostring) | join(" ")')" \
  "2026-11-01T00:00:00Z 2026-12-01T00:00:00Z 4 2 2 1800 9000 3 1 75 3 0 21600 2 1"
report_json=$out
# last = November (now is 7 Dec); the whole database by month shows Bloom's reply too.
st report --month last --client "Acme Ltd" --format json; expect_rc 0
expect_eq "$out" "$report_json" "--month last is November"
st report --month 2026-11 --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | cut -d, -f1,4,5,6 | tr '\n' ' ')" \
  "group,requests,reply_met,reply_breached Acme Ltd,4,2,2 Bloom,1,1,0 total,5,3,2 "
expect_eq "$(printf '%s\n' "$out" | head -1)" \
  "group,from,to,requests,reply_met,reply_breached,reply_met_pct,reply_median_seconds,reply_p90_seconds,resolve_met,resolve_breached,resolve_met_pct,resolve_median_seconds,open_now,overdue_now,update_met,update_breached,update_met_pct"
# The table: the month in words, the client, UPDATES beside REPLIES and RESOLUTIONS.
st report --month 2026-11 --client "Acme Ltd"; expect_rc 0
expect_out "Report by client for Acme Ltd, November 2026: Sun 01 Nov 00:00 to Tue 01 Dec 00:00 (Europe/London)

                   REPLIES                            UPDATES            RESOLUTIONS                 NOW
CLIENT    LOGGED   MET  LATE   MET%  MEDIAN     P90   MET  LATE   MET%   MET  LATE    MET%  MEDIAN   OPEN  OVERDUE
Acme Ltd       4     2     2  50.0%     30m  2h 30m     3     1  75.0%     3     0  100.0%  6h 00m      2        1
total          4     2     2  50.0%     30m  2h 30m     3     1  75.0%     3     0  100.0%  6h 00m      2        1"
# By day over the month: 30 rows and the total; only Acme's requests.
st report --month 2026-11 --client Bloom --by day --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 31
expect_eq "$(printf '%s\n' "$out" | jq -s -c '[.[] | select(.requests > 0) | .group]')" '["2026-11-02","total"]'
# this = December so far and to its end.
st report --month this --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[-1] | [.from, .to] | join(" ")')" "2026-12-01T00:00:00Z 2027-01-01T00:00:00Z"
# Bad input.
st report --month 2026-13; expect_rc 2; expect_no_out
expect_err 'slatrack: error: bad --month "2026-13": use YYYY-MM (e.g. 2026-11), last (the last whole month) or this'
st report --month last --from 2026-11-01; expect_rc 2; expect_no_out
expect_err 'slatrack: error: --month "last" is a whole range: give either --month or --from/--to, not both'
st report --client Nobody; expect_rc 2; expect_no_out
expect_err 'slatrack: error: no client "Nobody"; list them with: slatrack client list'

# ---- statement: json, the figures of the report ----
st statement "Acme Ltd" --month 2026-11 --format json; expect_rc 0; expect_no_err
for key in requests reply_met reply_breached reply_median_seconds reply_p90_seconds update_met \
  update_breached resolve_met resolve_breached resolve_median_seconds open_now overdue_now \
  reply_met_pct update_met_pct resolve_met_pct; do
  expect_eq "$(json_get "$out" ".$key")" "$(json_get "$report_json" ".[0].$key")" "statement .$key = report"
done
expect_eq "$(json_get "$out" '[.client, .month, .from, .to, .zone, .business_hours] | map(tostring) | join(" ")')" \
  "Acme Ltd 2026-11 2026-11-01T00:00:00Z 2026-12-01T00:00:00Z Europe/London true"
expect_eq "$(json_get "$out" '.promises[0] | [.priority, .reply_seconds, .update_seconds, .resolve_seconds, .text] | map(tostring) | join(" | ")')" \
  "null | 7200 | 57600 | 144000 | we reply within 2 business hours; we keep you posted at least every 16 business hours; we resolve within 40 business hours"
# Only Acme's requests (never Bloom's #3), by number, each with its own counts; they add up.
expect_eq "$(json_get "$out" '[.lines[].id] | map(tostring) | join(",")')" "1,2,4,5,6"
expect_eq "$(json_get "$out" '.lines | map([.id, .logged, .reply_met, .reply_breached, .update_met, .update_breached, .resolve_met, .resolve_breached, .resolve_seconds, .status] | map(tostring) | join(" ")) | join(",")')" \
  "1 false 0 1 1 0 1 0 $v1 resolved,2 true 1 0 1 0 1 0 $v2 resolved,4 true 0 1 0 1 1 0 $v4 resolved,5 true 1 0 1 0 0 0 null waiting,6 true 0 0 0 0 0 0 null open"
expect_eq "$(json_get "$out" '[.lines[].reply_met] | add') $(json_get "$out" '[.lines[].reply_breached] | add') $(json_get "$out" '[.lines[] | select(.logged)] | length')" "2 2 4"
expect_eq "$(json_get "$out" '.lines[4] | [.next_metric, .next_due_at, .overdue, .subject] | map(tostring) | join(" | ")')" \
  "reply | 2026-12-01T10:00:00Z | true | $nasty"
case "$out" in *"Bloom secret"*) fail "Bloom's request on Acme's statement" ;; esac
# The default range is last month.
st statement "Acme Ltd" --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.month, .requests] | map(tostring) | join(" ")')" "2026-11 4"
# A client with nothing: zeros, no lines.
st statement Quiet --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.requests, .reply_met, .reply_median_seconds, (.lines | length)] | map(tostring) | join(" ")')" "0 0 null 0"
# --from/--to: Mon 2 Nov only (#1's late reply and #2).
st statement "Acme Ltd" --from 2026-11-02 --to 2026-11-03 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.month, .requests, .reply_met, .reply_breached, ([.lines[].id] | join(","))] | map(tostring) | join(" ")')" \
  "null 1 1 1 1,2,5,6"
# YYYY-MM where a range starts or ends, as report takes it: the same figures as --month 2026-11.
st statement "Acme Ltd" --month 2026-11 --format json; expect_rc 0
month_json=$(json_get "$out" '[.requests, .reply_met, .reply_breached] | map(tostring) | join(" ")')
st statement "Acme Ltd" --from 2026-11 --to 2026-12 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.requests, .reply_met, .reply_breached] | map(tostring) | join(" ")')" \
  "$month_json"

# ---- csv, tsv, jsonl: one row per request ----
st statement "Acme Ltd" --month 2026-11 --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" \
  "id,subject,priority,status,received_at,logged,reply_met,reply_breached,update_met,update_breached,resolve_met,resolve_breached,resolve_seconds,next_metric,next_due_at,overdue"
expect_eq "$(printf '%s\n' "$out" | sed -n 2p)" "1,Old one,normal,resolved,2026-10-30T16:00:00Z,false,0,1,1,0,1,0,$v1,,,false"
expect_eq "$(printf '%s\n' "$out" | tail -1)" "6,\"<script>alert(1)</script> & \"\"quotes\"\" | *stars* [x](y)\",normal,open,2026-11-30T16:00:00Z,true,0,0,0,0,0,0,,reply,2026-12-01T10:00:00Z,true"
st statement Quiet --format csv; expect_rc 0
expect_out "id,subject,priority,status,received_at,logged,reply_met,reply_breached,update_met,update_breached,resolve_met,resolve_breached,resolve_seconds,next_metric,next_due_at,overdue"
st statement "Acme Ltd" --month 2026-11 --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 5

# ---- table ----
st statement "Acme Ltd" --month 2026-11; expect_rc 0
expect_out "Statement for Acme Ltd: November 2026
1 to 30 November 2026, in Europe/London time

Our promises
  We reply within 2 business hours; we keep you posted at least every 16 business hours; we resolve within 40 business hours.
  Times are counted in business hours: mon-fri 09:00-17:00 (Europe/London).

How we did
  Requests received: 4
  Replies: 2 of 4 on time (50.0%)
  Kept posted: 3 of 4 on time (75.0%)
  Resolved: 3 of 3 on time (100.0%)
  Median reply time: 30m (promise: 2 business hours); 9 in 10 replies within 2h 30m
  Median time to resolve: 6h 00m (promise: 40 business hours)
  Still open now: 2 (1 overdue)

Your requests
  REQUEST  RECEIVED          SUBJECT                                                REPLIES ON TIME  KEPT POSTED  RESOLVED          NOW
  #1       Fri 30 Oct 16:00  Old one                                                0 of 1           1 of 1       on time, 4h 00m   resolved
  #2       Mon 02 Nov 09:00  Invoice is wrong                                       1 of 1           1 of 1       on time, 6h 00m   resolved
  #4       Fri 06 Nov 16:30  Login fails                                            0 of 1           0 of 1       on time, 22h 30m  resolved
  #5       Tue 03 Nov 09:00  Waiting for your logo                                  1 of 1           1 of 1       -                 waiting on you
  #6       Mon 30 Nov 16:00  <script>alert(1)</script> & \"quotes\" | *stars* [x](y)  -                -            -                 reply overdue since Tue 01 Dec 10:00"

# ---- markdown: markdown's and HTML's characters escaped ----
st statement "Acme Ltd" --month 2026-11 --format markdown; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -3)" "# Statement for Acme Ltd: November 2026

1 to 30 November 2026, in Europe/London time"
expect_out_has '- We reply within 2 business hours; we keep you posted at least every 16 business hours; we resolve within 40 business hours\.'
expect_out_has '| \#6 | Mon 30 Nov 16:00 | &lt;script&gt;alert\(1\)&lt;/script&gt; &amp; "quotes" \| \*stars\* \[x\]\(y\) | \- | \- | \- | reply overdue since Tue 01 Dec 10:00 |'
case "$out" in *"<script>"*) fail "raw <script> in markdown" ;; esac

# ---- html: one page, escaped, no external resources ----
st statement "Acme Ltd" --month 2026-11 --format html; expect_rc 0; expect_no_err
expect_eq "$(printf '%s\n' "$out" | head -1)" "<!DOCTYPE html>"
expect_out_has '<td class="subject">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; | *stars* [x](y)</td>'
expect_out_has '<title>Statement for Acme Ltd: November 2026</title>'
expect_out_has '<svg class="chart"'
expect_eq "$(printf '%s\n' "$out" | grep -c '<rect ')" 4 "one bar per reply measured in November"
expect_eq "$(printf '%s\n' "$out" | grep -ciE '<script|<link|<img|@import|url\(|src=|href=')" 0 "self-contained, no script"
expect_eq "$(printf '%s\n' "$out" | grep -c 'Bloom')" 0

# ---- short client names (the contract's short forms), for report --client and statement ----
st statement ltd --month 2026-11 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.client, .requests] | map(tostring) | join(" ")')" "Acme Ltd 4"
st report --month 2026-11 --client ltd --format json; expect_rc 0
expect_eq "$out" "$report_json" "(--client ltd is Acme Ltd)"
st statement acme; expect_rc 2; expect_no_out
expect_err 'slatrack: error: "acme" could be "Acme Holdings" or "Acme Ltd"; give more of the client'"'"'s name'
st report --client acme; expect_rc 2; expect_no_out
st report --month 2026-11 --client bloom --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[0].group')" "Bloom"

# ---- bad input: exit 2, nothing written ----
st statement Nobody; expect_rc 2; expect_no_out
expect_err 'slatrack: error: no client "Nobody"; list them with: slatrack client list'
st statement "Acme Ltd" --month nov; expect_rc 2; expect_no_out
expect_err 'slatrack: error: bad --month "nov": use YYYY-MM (e.g. 2026-11), last (the last whole month) or this'
st statement "Acme Ltd" --month 2026-11 --to 2026-11-20; expect_rc 2
expect_err 'slatrack: error: --month "2026-11" is a whole range: give either --month or --from/--to, not both'
st statement "Acme Ltd" --to 2026-11-20; expect_rc 2
expect_err 'slatrack: error: --to needs a --from: give --from TIME (and --to TIME), or --month YYYY-MM'
st statement "Acme Ltd" --format pdf; expect_rc 2; expect_no_out
st report --format html; expect_rc 2; expect_no_out
expect_err 'slatrack: error: --format html is only for statement; use table, csv, tsv, json or jsonl'
st log "Acme Ltd" "Not written" --format markdown; expect_rc 2; expect_no_out
expect_err 'slatrack: error: --format markdown is only for statement; use table, csv, tsv, json or jsonl'
expect_eq "$(db_digest)" "$before" "(statement and report write nothing)"
# A void request leaves the statement and the report (#14): #6 was logged by mistake.
st void 6 -m "logged twice"; expect_rc 0
st statement "Acme Ltd" --month 2026-11 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.requests, .open_now, .overdue_now, ([.lines[].id] | map(tostring) | join(","))] | map(tostring) | join(" ")')" "3 1 0 1,2,4,5"
st report --month 2026-11 --client "Acme Ltd" --format json; expect_rc 0
expect_eq "$(json_get "$out" '.[0] | [.requests, .open_now, .overdue_now] | map(tostring) | join(" ")')" "3 1 0"
st statement --help; expect_rc 0
expect_out_has "--month MONTH"
finish
