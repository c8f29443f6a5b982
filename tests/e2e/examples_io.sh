#!/usr/bin/env bash
# The import/export examples, run as a user would: slatrack mail (which replaced
# examples/mail-to-slatrack) turns messages into requests and replies in a thread into
# follow-ups; examples/load-spreadsheet.sh loads
# examples/spreadsheet.csv (twice: the second time adds nothing); examples/daily-summary.sh sums
# up a day with jq.
source "$(dirname "$0")/lib.sh" "$1"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
export SLATRACK_BIN="$SLATRACK_BIN" SLATRACK_DB="$db" TZ=Europe/London
export SLATRACK_NOW="2026-11-23 08:30"

# ex SCRIPT [ARGS...] [< input]: runs an example; sets $out $err $rc.
ex() {
  out=$("$examples/$1" "${@:2}" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

# ---- load-spreadsheet.sh ----
ex load-spreadsheet.sh; expect_rc 0
expect_err "import $examples/spreadsheet.csv: 6 added, 0 skipped (already there), 0 refused; new clients: \"Acme Ltd\", \"Bloom Florists\" and \"Carter & Sons\""
expect_out_has "Open now:"
expect_out_has "4   Carter & Sons   =SUM(A1:A3) shows #VALUE! in the shared …  normal  open    ann       Tue 17 Nov 16:45  reply Wed 18 Nov 16:45 (111h 45m late)"
st list --status all --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | jq -s -r 'sort_by(.id)[] | .ref' | tr '\n' ' ')" "SHEET-1 SHEET-2 SHEET-3 SHEET-4 SHEET-5 SHEET-6 "
# Spreadsheet cells: a quoted comma, doubled quotes, the formula guard undone, local times.
expect_eq "$(printf '%s\n' "$out" | jq -c 'select(.id == 3) | [.subject, .channel, .priority, .assignee, .received_at, .replied_at, .resolved_at, .status]')" \
  '["Printer on 2nd floor: \"paper jam\" again","phone","urgent",null,"2026-11-17T08:50:00Z","2026-11-17T09:05:00Z","2026-11-17T10:30:00Z","resolved"]'
expect_eq "$(printf '%s\n' "$out" | jq -r 'select(.id == 4) | .subject')" \
  "=SUM(A1:A3) shows #VALUE! in the shared sheet"
expect_eq "$(printf '%s\n' "$out" | jq -r 'select(.id == 5) | .channel')" in-person
ex load-spreadsheet.sh; expect_rc 0
expect_err "import $examples/spreadsheet.csv: 0 added, 6 skipped (already there), 0 refused"

# ---- daily-summary.sh ----
# Tue 17 Nov: #3 and #4 came in; #3 was resolved. Open now: #2 and #5 (bob), #4 (ann); #4 is
# overdue: default policy, reply within 24h of Tue 16:45.
ex daily-summary.sh 2026-11-17; expect_rc 0; expect_no_err
expect_out "slatrack: Tue 17 Nov 2026
New:      2 (Acme Ltd 1, Carter & Sons 1)
Resolved: 1 (Acme Ltd 1)
Open now: 3 (0 waiting on the client); by assignee: ann 1, bob 2
Overdue now:
  #4 Carter & Sons: =SUM(A1:A3) shows #VALUE! in the shared sheet (reply due 2026-11-18T16:45:00Z, ann)"
# Without DAY: yesterday (Sun 22 Nov), a quiet day.
st reply 4 --at "2026-11-23 08:00"; expect_rc 0
ex daily-summary.sh; expect_rc 0
expect_out "slatrack: Sun 22 Nov 2026
New:      0
Resolved: 0
Open now: 3 (0 waiting on the client); by assignee: ann 1, bob 2
Overdue now: nothing"

# ---- mail: what examples/mail-to-slatrack did, slatrack mail does (docs/mail.md) ----
st client edit "Acme Ltd" --email ops@acme.example --domain acme.example; expect_rc 0
export SLATRACK_NOW="2026-11-23 12:00"
mail() {
  out=$(printf '%s' "$1" | "$SLATRACK_BIN" mail 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
first=$'From: "Jo Bloggs" <Jo@Acme.Example>\r
To: help@agency.example\r
Subject: Server down\r
Date: Mon, 23 Nov 2026 10:15:00 +0000\r
Message-ID: <abc123@mail.acme.example>\r
\r
The server is down since this morning.\r
'
mail "$first"; expect_rc 0; expect_no_err; expect_no_out
st show 7 --format json
expect_eq "$(json_get "$out" '[.client, .subject, .channel, .ref, .received_at, .events[0].author, .events[0].text] | join("|")')" \
  'Acme Ltd|Server down|email|<abc123@mail.acme.example>|2026-11-23T10:15:00Z|Jo Bloggs <jo@acme.example>|The server is down since this morning.'
# Delivered twice: still one request.
mail "$first"; expect_rc 0; expect_no_out
st list --status all --format jsonl; expect_eq "$(printf '%s\n' "$out" | wc -l)" 7

# We answer and resolve; the client's reply in the thread reopens it, once.
st reply 7 --at "2026-11-23 10:30"; expect_rc 0
st resolve 7 --at "2026-11-23 10:45"; expect_rc 0
reply=$'From: ops@acme.example\nSubject: Re: Server down\nDate: Mon, 23 Nov 2026 11:00:00 +0000\nMessage-ID: <def456@mail.acme.example>\nIn-Reply-To: <xyz@agency.example>\nReferences: <abc123@mail.acme.example>\n <xyz@agency.example>\n\nStill down.\n'
mail "$reply"; expect_rc 0; expect_no_err
st show 7 --format json
expect_eq "$(json_get "$out" '.status')" open
expect_eq "$(json_get "$out" '[.events[] | .kind] | join(" ")')" "message reply resolve message"
expect_eq "$(json_get "$out" '.events[3].at')" 2026-11-23T11:00:00Z
expect_eq "$(json_get "$out" '.events[3].text')" "Still down."
mail "$reply"; expect_rc 0; expect_no_out
st show 7 --format json; expect_eq "$(json_get "$out" '.events | length')" 4

# A stranger: a new client named after the domain. A Date in the future is not used.
stranger=$'From: Pat <pat@globex.example>\nSubject: Quote please\nDate: Tue, 24 Nov 2026 09:00:00 +0000\nMessage-ID: <q1@globex.example>\n\n'
mail "$stranger"; expect_rc 0
st show 8 --format json
expect_eq "$(json_get "$out" '[.client, .received_at] | join(" ")')" "globex.example 2026-11-23T12:00:00Z"
st client show globex.example --format json; expect_eq "$(json_get "$out" '.sla')" default

# No sender: not a message (exit 2: the mail server keeps it as undeliverable, never records it).
mail $'Subject: hello\n\n'; expect_rc 2
expect_err "slatrack: error: not a mail message: it has no From address"
# A database that cannot be opened: EX_TEMPFAIL, so the mail system tries again.
touch "$tmp/plain"
out=$(printf '%s' "$first" | SLATRACK_DB="$tmp/plain/db" "$SLATRACK_BIN" mail 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 75
expect_err_has "slatrack: error: cannot create a database under $tmp/plain: it is not a directory"
finish
