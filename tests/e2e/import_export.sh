#!/usr/bin/env bash
# export and import: export --format jsonl|csv|tsv, imported into a fresh database with the same
# calendars and policies, gives the same export (events, clock outcomes and all); importing twice
# adds nothing; a spreadsheet's CSV with bad rows keeps the good ones and lists the bad ones with
# their line numbers; CSV cells that a spreadsheet would run as formulas are quoted.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-30 12:00"

# st_db DB ARGS...: like st, on another database.
st_db() {
  local other=$1
  shift
  out=$("$SLATRACK_BIN" --db "$other" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

# rules DB: the calendars and policies of the source database, no clients.
rules() {
  st_db "$1" calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
  st_db "$1" calendar holiday office 2026-11-25 --name "Company day"; expect_rc 0
  st_db "$1" sla add standard --calendar office --reply 2h --update 8h --resolve 16h; expect_rc 0
  st_db "$1" sla set standard --priority urgent --reply 30m --retroactive; expect_rc 0
}

# ---- the source database: two clients, two policies, a business calendar, every event kind ----
rules "$db"
st client add Acme --sla standard --owner ann --email ops@acme.example; expect_rc 0
st client add Globex; expect_rc 0
st log Acme 'Invoice, "VAT" wrong' --ref m1 --at "2026-11-23 09:00" -m "hello" -q; expect_rc 0
st reply 1 --at "2026-11-23 10:00" -m "On it"; expect_rc 0
st pause 1 --at "2026-11-23 11:00" -m "Need the PO"; expect_rc 0
st followup 1 --at "2026-11-24 09:00" -m "PO attached"; expect_rc 0
st note 1 "called them" --at "2026-11-24 10:00"; expect_rc 0
st assign 1 bob --at "2026-11-24 10:30"; expect_rc 0
st resolve 1 --at "2026-11-24 12:00"; expect_rc 0
st reopen 1 --at "2026-11-26 09:00" -m "Still wrong"; expect_rc 0
st log Acme '=HYPERLINK("http://x")' --priority urgent --at "2026-11-24 16:45" -q; expect_rc 0
st edit 2 --channel phone; expect_rc 0
st log Globex $'Line one\nline two' --at "2026-11-27 10:00" --channel phone -q; expect_rc 0
st log Globex "-5 degrees in the office" --at "2026-11-28 10:00" --assignee carol -q; expect_rc 0
st resolve 4 --at "2026-11-28 11:00" -m "@facilities fixed it"; expect_rc 0

# ---- export --format jsonl: one object per request with its events and clocks ----
st export --format jsonl; expect_rc 0; expect_no_err
printf '%s\n' "$out" >"$tmp/a.jsonl"
expect_eq "$(wc -l <"$tmp/a.jsonl")" 4 "(one line per request)"
keys="id,client,subject,channel,priority,status,assignee,sla,calendar,ref,received_at,replied_at,resolved_at,reply_due_at,update_due_at,resolve_due_at"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r 'keys_unsorted | join(",")')" "$keys,voided_by,events,clocks"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '.events[0] | keys_unsorted | join(",")')" \
  "number,kind,at,author,recorder,text,recorded_at,target,voided_by"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '.clocks[0] | keys_unsorted | join(",")')" \
  "metric,start_at,due_at,stop_at,outcome,target_seconds,used_seconds,credit_seconds"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '[.events[].kind] | join(" ")')" \
  "message reply pause message note assign resolve reopen"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '.assignee')" bob
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '.events[1].text')" "On it"
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -r '.events[0].recorded_at')" 2026-11-30T12:00:00Z
# The first reply clock: 09:00 to 10:00 on a 2h target, met with 1h of office time used.
expect_eq "$(head -1 "$tmp/a.jsonl" | jq -c '.clocks[0] | [.metric, .start_at, .due_at, .stop_at, .outcome, .target_seconds, .used_seconds]')" \
  '["reply","2026-11-23T09:00:00Z","2026-11-23T11:00:00Z","2026-11-23T10:00:00Z","met",7200,3600]'
# Urgent: 30m from Tue 16:45 = 15m on Tuesday, Wednesday is a holiday, Thursday 09:15 (London is
# UTC in November); not replied by now (Monday 30th), so breached and still running.
expect_eq "$(sed -n 2p "$tmp/a.jsonl" | jq -c '[.priority, .channel, .reply_due_at, .clocks[0].outcome]')" \
  '["urgent","phone","2026-11-26T09:15:00Z","running"]'
expect_eq "$(sed -n 2p "$tmp/a.jsonl" | jq -r '[.events[].kind] | join(" ")')" "message edit"
expect_eq "$(sed -n 4p "$tmp/a.jsonl" | jq -c '[.status, .assignee, .sla, .calendar]')" \
  '["resolved","carol","default","24x7"]'
st export --format json; expect_rc 0
expect_eq "$(json_get "$out" 'length')" 4
expect_eq "$(json_get "$out" '.[2].subject')" $'Line one\nline two'
st export; expect_rc 0
expect_out_has "#1 Invoice, \"VAT\" wrong"
expect_out_has "  Acme · open · normal · email · assignee bob · sla standard · ref m1"
expect_out_has "    2  Mon 23 Nov 10:00  reply    tester  On it"
expect_out_has "  reply    from Mon 23 Nov 09:00: met (1h 00m of 2h 00m used)"
expect_out_has "#3 Line one\\nline two"

# ---- export --format csv and tsv: one row per event; formulas quoted ----
st export --format csv; expect_rc 0
printf '%s\n' "$out" >"$tmp/a.csv"
expect_eq "$(head -1 "$tmp/a.csv")" "$keys,number,kind,at,author,recorder,text,recorded_at,target,voided_by"
# #1: reopened Thu 09:00, so a reply is due at 11:00; the resolve clock counted Mon 09:00-11:00
# (then paused) and Tue 09:00-12:00 (then resolved): 5h of 16h, 11h left from Thu 09:00 is Fri
# 12:00.
expect_out_has '1,Acme,"Invoice, ""VAT"" wrong",email,normal,open,bob,standard,office,m1,2026-11-23T09:00:00Z,2026-11-23T10:00:00Z,,2026-11-26T11:00:00Z,,2026-11-27T12:00:00Z,1,message,2026-11-23T09:00:00Z,Acme,tester,hello,2026-11-30T12:00:00Z,,'
expect_out_has "2,Acme,\"'=HYPERLINK(\"\"http://x\"\")\",phone,urgent,open,ann,standard,office,"
expect_out_has "4,Globex,'-5 degrees in the office,email,normal,resolved,carol,default,24x7,"
expect_out_has ",resolve,2026-11-28T11:00:00Z,tester,tester,'@facilities fixed it,"
expect_eq "$(grep -c '^1,Acme' "$tmp/a.csv")" 8 "(a row per event of #1)"
st export --format tsv; expect_rc 0
printf '%s\n' "$out" >"$tmp/a.tsv"
expect_out_has "'=HYPERLINK(\"http://x\")"
expect_out_has 'Line one\nline two'
# Text in other CSV output is guarded the same way; numbers and times are not.
st list --status all --format csv; expect_rc 0
expect_out_has "4,Globex,'-5 degrees in the office,"

# ---- jsonl into a fresh database: clients must exist (or --create-clients) ----
b="$tmp/b.sqlite"
rules "$b"
st_db "$b" import "$tmp/a.jsonl"; expect_rc 2; expect_no_out
expect_err "$tmp/a.jsonl:1: no client \"Acme\"; add it with: slatrack client add Acme, or import with --create-clients
$tmp/a.jsonl:2: no client \"Acme\"; add it with: slatrack client add Acme, or import with --create-clients
$tmp/a.jsonl:3: no client \"Globex\"; add it with: slatrack client add Globex, or import with --create-clients
$tmp/a.jsonl:4: no client \"Globex\"; add it with: slatrack client add Globex, or import with --create-clients
import $tmp/a.jsonl: 0 added, 0 skipped (already there), 4 refused
slatrack: error: 4 of 4 requests were refused (listed above); fix them and import the file again: what is already there is skipped"
st_db "$b" export --format jsonl; expect_rc 0; expect_no_out
st_db "$b" client add Acme --sla standard --owner ann --email ops@acme.example; expect_rc 0
st_db "$b" client add Globex; expect_rc 0
st_db "$b" import "$tmp/a.jsonl"; expect_rc 0; expect_no_out
expect_err "import $tmp/a.jsonl: 4 added, 0 skipped (already there), 0 refused"
st export --format jsonl; want=$out
st_db "$b" export --format jsonl; expect_rc 0
expect_eq "$out" "$want" "(jsonl round trip)"
st export --format csv; want_csv=$out
st_db "$b" export --format csv
expect_eq "$out" "$want_csv" "(the csv exports agree too)"
st_db "$b" client list --format csv; clients_b=$out
st client list --format csv
expect_eq "$clients_b" "$out" "(same clients)"

# Twice: nothing changes.
digest=$(sqlite3 "$b" .dump | sha256sum)
st_db "$b" import "$tmp/a.jsonl"; expect_rc 0
expect_err "import $tmp/a.jsonl: 0 added, 4 skipped (already there), 0 refused"
expect_eq "$(sqlite3 "$b" .dump | sha256sum)" "$digest" "(a second import writes nothing)"

# ---- a whole database moved: its rules with config export/apply, its requests with export ----
m="$tmp/moved.sqlite"
st config export; expect_rc 0; printf '%s\n' "$out" >"$tmp/rules.toml"
st_db "$m" config apply "$tmp/rules.toml"; expect_rc 0
st_db "$m" import "$tmp/a.jsonl"; expect_rc 0
st_db "$m" export --format jsonl; expect_eq "$out" "$want" "(moved: requests)"
st_db "$m" client list --format csv; expect_eq "$out" "$clients_b" "(moved: clients)"

# ---- csv, tsv and stdin into fresh databases, creating the clients ----
for form in csv tsv; do
  c="$tmp/$form.sqlite"
  rules "$c"
  st_db "$c" import "$tmp/a.$form" --create-clients; expect_rc 0; expect_no_out
  expect_err "import $tmp/a.$form: 4 added, 0 skipped (already there), 0 refused; new clients: \"Acme\" and \"Globex\""
  st_db "$c" export --format jsonl
  expect_eq "$out" "$want" "($form round trip)"
  st_db "$c" client show acme --format json
  expect_eq "$(json_get "$out" '.sla')" standard "(a new client takes its first request's policy)"
done
e="$tmp/e.sqlite"
rules "$e"
out=$("$SLATRACK_BIN" --db "$db" export --format jsonl | "$SLATRACK_BIN" --db "$e" import - --create-clients 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0
expect_err "import stdin: 4 added, 0 skipped (already there), 0 refused; new clients: \"Acme\" and \"Globex\""
st_db "$e" export --format jsonl
expect_eq "$out" "$want" "(export | import -)"
# An empty input imports nothing and is fine.
out=$("$SLATRACK_BIN" --db "$e" import - </dev/null 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0; expect_err "import stdin: 0 added, 0 skipped (already there), 0 refused"

# ---- a spreadsheet: columns in any order and case, BOM, CRLF, bad rows ----
s="$tmp/s.sqlite"
rules "$s"
st_db "$s" client add Acme --sla standard --owner ann; expect_rc 0
printf '\xef\xbb\xbfSubject, Client ,received_at,Priority,ref,replied_at\r
Broken printer,Acme,2026-11-23 09:00,high,s1,2026-11-23 09:30\r
"Two\r
lines",acme,2026-11-23 09:10,,s2,\r
Typo client,Acmee,2026-11-23 10:00,,s3,\r
Bad priority,Acme,2026-11-23 10:00,hgih,s4,\r
Bad time,Acme,2026-13-01,,s5,\r
Reply first,Acme,2026-11-23 10:00,,s6,2026-11-23 09:00\r
Future,Acme,2026-12-01 10:00,,s7,\r
\r
No ref,Acme,2026-11-23 11:00,low,,\r
'"'"'=1+1,Acme,2026-11-23 11:30,,s8,\r
' >"$tmp/sheet.csv"
sheet="$tmp/sheet.csv"
st_db "$s" import "$sheet"; expect_rc 2; expect_no_out
expect_err "$sheet:5: no client \"Acmee\" (did you mean \"Acme\"?); add it with: slatrack client add Acmee, or import with --create-clients
$sheet:6: bad priority \"hgih\": use urgent, high, normal, low
$sheet:7: received_at: bad time \"2026-13-01\": no such date
$sheet:8: replied_at is before received_at; fix one of them
$sheet:9: the message at 2026-12-01T10:00:00Z is later than now (2026-11-30T12:00:00Z): an event cannot be in the future
import $sheet: 0 added, 0 skipped (already there), 5 refused
slatrack: error: 5 of 9 requests were refused (listed above, so nothing was imported); fix them and import the file again: what is already there is skipped"
# Whole or not at all (SPEC.md "Data safety"): the good rows are not written either.
st_db "$s" list --status all --format jsonl; expect_rc 0; expect_no_out
# The good rows alone (the refused lines 5 to 9 left out) go in.
sed '5,9d' "$sheet" >"$tmp/good.csv"
st_db "$s" import "$tmp/good.csv"; expect_rc 0
expect_err "import $tmp/good.csv: 4 added, 0 skipped (already there), 0 refused"
st_db "$s" list --status all --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -s -c 'sort_by(.id)[] | [.id, .subject, .priority, .assignee, .ref, .received_at, .replied_at]' | tr '\n' ' ')" \
  '[1,"Broken printer","high","ann","s1","2026-11-23T09:00:00Z","2026-11-23T09:30:00Z"] [2,"Two\nlines","normal","ann","s2","2026-11-23T09:10:00Z",null] [3,"No ref","low","ann",null,"2026-11-23T11:00:00Z",null] [4,"=1+1","normal","ann","s8","2026-11-23T11:30:00Z",null] '
# Again, as a script would after fixing nothing: the good rows are skipped, the bad refused again.
st_db "$s" import "$sheet" -q; expect_rc 2
expect_err_has "$sheet:9: the message at 2026-12-01T10:00:00Z"
case "$err" in *"import $sheet:"*) fail "-q prints no summary" ;; esac
expect_err_has "slatrack: error: 5 of 9 requests were refused"
st_db "$s" import "$sheet" --format json; expect_rc 2
expect_eq "$(json_get "$out" '[.added, .skipped, .refused, .created_clients] | join(" ")')" "0 4 5 0"

# Local times are read in --tz.
printf 'client,subject,received_at\nAcme,Paris,2026-11-23 10:00\n' >"$tmp/paris.csv"
st_db "$s" import "$tmp/paris.csv" --tz Europe/Paris; expect_rc 0
st_db "$s" list --status all --format jsonl
expect_eq "$(printf '%s\n' "$out" | jq -r 'select(.subject == "Paris") | .received_at')" 2026-11-23T09:00:00Z

# list --format csv is a file of requests too (its derived columns are read past). list shows the
# most late first, so the numbers follow that order: the same rows, numbered as listed.
st_db "$s" list --status all --format csv; printf '%s\n' "$out" >"$tmp/list.csv"; listed=$out
l="$tmp/l.sqlite"
rules "$l"
st_db "$l" import "$tmp/list.csv" --create-clients; expect_rc 0
st_db "$l" list --status all --format json
expect_eq "$(json_get "$out" 'map(del(.id)) | tostring')" \
  "$(st_db "$s" list --status all --format json; json_get "$out" 'map(del(.id)) | tostring')" \
  "(list csv round trip)"

# At most 50 refused rows are listed.
{
  echo "client,subject,received_at"
  for i in $(seq 1 60); do echo "Nobody,row $i,2026-11-23 09:00"; done
} >"$tmp/many.csv"
st_db "$s" import "$tmp/many.csv"; expect_rc 2
expect_eq "$(printf '%s\n' "$err" | grep -c "^$tmp/many.csv:")" 50
expect_err_has "$tmp/many.csv:51: no client \"Nobody\""
expect_err_has "... and 10 more refused"
expect_err_has "import $tmp/many.csv: 0 added, 0 skipped (already there), 60 refused"

# ---- files that cannot be imported at all: nothing is written ----
digest=$(sqlite3 "$s" .dump | sha256sum)
printf 'client,subject,recieved_at\nAcme,x,2026-11-23 09:00\n' >"$tmp/bad.csv"
st_db "$s" import "$tmp/bad.csv"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.csv:1: unknown column \"recieved_at\" (did you mean \"at\", \"received_at\" or \"resolved_at\"?); the columns are: ref client subject channel priority assignee sla text received_at replied_at resolved_at (or, one row per event: ref client subject channel priority assignee sla number kind at author recorder text recorded_at target); see docs/import-export.md"
printf 'client,subject\nAcme,x\n' >"$tmp/bad.csv"
st_db "$s" import "$tmp/bad.csv"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.csv:1: no \"received_at\" column; a file of requests needs at least the columns client, subject, received_at"
printf 'client,subject,kind\nAcme,x,message\n' >"$tmp/bad.csv"
st_db "$s" import "$tmp/bad.csv"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.csv:1: no \"at\" column; the events form (one row per event) needs at least the columns client, subject, kind, at"
printf 'client,subject,client\n' >"$tmp/bad.csv"
st_db "$s" import "$tmp/bad.csv"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.csv:1: column \"client\" is there twice; keep one"
st_db "$s" export --format json; printf '%s\n' "$out" >"$tmp/array.json"
st_db "$s" import "$tmp/array.json"; expect_rc 2
expect_err "slatrack: error: $tmp/array.json:1: a JSON array; import reads JSON lines (one object a line): export with --format jsonl, or convert with: jq -c '.[]'"
st_db "$s" import "$tmp/nothing-here.csv"; expect_rc 2
expect_err "slatrack: error: cannot read $tmp/nothing-here.csv: No such file or directory; check the path (or give - for stdin)"
expect_eq "$(sqlite3 "$s" .dump | sha256sum)" "$digest" "(nothing written)"

# ---- JSON lines: bad lines are refused one by one ----
printf '%s\n' '{"client":"Acme","subject":"j1","ref":"j1","received_at":"2026-11-23T09:00:00Z"}' \
  '{bad' '{"client":"Acme","subject":"j2","colour":"red","received_at":"2026-11-23T09:00:00Z"}' \
  '{"client":"Acme","subject":"j3","events":[{"kind":"reply","at":"2026-11-23T09:00:00Z"}]}' \
  '{"client":"Acme","subject":"j4","ref":"j4","assignee":null,"events":[{"kind":"message","at":"2026-11-23T09:00:00Z","author":"zoe"},{"kind":"pause","at":"2026-11-23T09:05:00Z"},{"kind":"pause","at":"2026-11-23T09:06:00Z"}]}' \
  '{"client":"Acme","subject":"j5","ref":"j5\u0007","received_at":"2026-11-23T09:00:00Z"}' \
  >"$tmp/j.jsonl"
st_db "$s" import "$tmp/j.jsonl"; expect_rc 2
expect_err "$tmp/j.jsonl:2: not JSON: parse error at line 1, column 2: syntax error while parsing object key - invalid literal; last read: '{b'; expected string literal
$tmp/j.jsonl:3: unknown key \"colour\" in the request; see docs/import-export.md
$tmp/j.jsonl:4: a request needs its first message (an event of kind message)
$tmp/j.jsonl:5: the pause at 2026-11-23T09:06:00Z cannot be: it is not open then (already waiting or resolved); fix its time or leave it out
$tmp/j.jsonl:6: ref \"j5\\x07\" has a control character (0x07 at offset 2); only printable text is accepted here
import $tmp/j.jsonl: 0 added, 0 skipped (already there), 5 refused
slatrack: error: 5 of 6 requests were refused (listed above, so nothing was imported); fix them and import the file again: what is already there is skipped"
finish
