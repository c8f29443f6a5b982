#!/usr/bin/env bash
# `slatrack-mail statements`, as examples/crontab runs it on the 1st: one mail per client with
# something in last month, to the client's owner (an address, SLATRACK_MAIL_OWNERS,
# SLATRACK_MAIL_DOMAIN, else SLATRACK_MAIL_TO), the markdown statement as the body and the HTML
# page attached (base64); a fake sendmail on PATH keeps each message.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London LC_ALL=C.UTF-8

fake_sendmail
export SLATRACK_BIN="$SLATRACK_BIN" SLATRACK_DB="$db" SLATRACK_MAIL_TO="boss@example.com"
unset SLATRACK_MAIL_FROM SLATRACK_MAIL_OWNERS SLATRACK_MAIL_DOMAIN COLUMNS

mail_n() {
  cat "$tmp/mail/mail.$1"
}
# part N TYPE: the decoded body of the part of mail N whose Content-Type starts with TYPE.
part() {
  mail_n "$1" | awk -v type="$2" '
    /^--slatrack-/ { inside = 0; header = 0; next }
    /^Content-Type: / { if (index($0, "Content-Type: " type) == 1) { inside = 1; header = 1 } }
    inside && header && /^$/ { header = 0; next }
    inside && !header { print }'
}

export SLATRACK_NOW="2026-12-01 07:30" # the 1st, as cron runs it
st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add care --calendar office --reply 2h --update 16h --resolve 40h; expect_rc 0
st client add "Acme Ltd" --sla care --owner ann; expect_rc 0
st client add "Bloom & Co" --sla care --owner bob@bloom.example; expect_rc 0
st client add Café --sla care; expect_rc 0                              # no owner
st client add Quiet --sla care --owner ann; expect_rc 0                 # nothing in November
st log "Acme Ltd" "Invoice <b>wrong</b>" --at "2026-11-02 09:00"; expect_rc 0
st reply 1 --at "2026-11-02 09:30"; expect_rc 0
st log "Bloom & Co" "Order emails" --at "2026-11-03 10:00"; expect_rc 0
st reply 2 --at "2026-11-03 13:00"; expect_rc 0
st log Café "Menu update" --at "2026-11-04 10:00"; expect_rc 0
st log Quiet "October only" --at "2026-10-05 10:00"; expect_rc 0
st reply 4 --at "2026-10-05 10:30"; expect_rc 0
st resolve 4 --at "2026-10-05 11:00"; expect_rc 0

SLATRACK_MAIL_OWNERS="bob=bob@other.example,ann=ann@acme-agency.example" mailer statements --month last
expect_rc 0; expect_no_out; expect_no_err
expect_eq "$(mails)" 3 "(Acme, Bloom, Café; not Quiet)"
expect_eq "$(mail_n 1 | grep -E '^(To|Subject|Content-Type|Auto-Submitted):' | head -4)" \
"To: ann@acme-agency.example
Subject: [slatrack] Statement for Acme Ltd: November 2026
Content-Type: multipart/mixed; boundary=\"$(mail_n 1 | sed -n 's/^Content-Type: multipart\/mixed; boundary="\(.*\)"$/\1/p')\"
Auto-Submitted: auto-generated"
# The body is the markdown statement; the attachment the HTML page, byte for byte.
st statement "Acme Ltd" --month last --format markdown; expect_rc 0
expect_eq "$(part 1 text/plain)" "$out" "(markdown body)"
st statement "Acme Ltd" --month last --format html; expect_rc 0
expect_eq "$(part 1 text/html | base64 -d)" "$out" "(HTML attached)"
expect_eq "$(mail_n 1 | grep -c '^Content-Disposition: attachment; filename="statement-acme-ltd-2026-11.html"$')" 1
# An owner that is an address; no owner: SLATRACK_MAIL_TO; a subject that is not ASCII: RFC 2047.
expect_eq "$(mail_n 2 | grep -E '^(To|Subject):')" "To: bob@bloom.example
Subject: [slatrack] Statement for Bloom & Co: November 2026"
expect_eq "$(mail_n 3 | grep -E '^To:')" "To: boss@example.com"
expect_eq "$(mail_n 3 | sed -n 's/^Subject: \[slatrack\] =?UTF-8?B?\(.*\)?=$/\1/p' | base64 -d)" \
  "Statement for Café: November 2026"
part 2 text/html | base64 -d >"$tmp/bloom.html"
expect_eq "$(grep -c 'Bloom &amp; Co' "$tmp/bloom.html")" 2 "(title and heading, escaped)"
expect_eq "$(grep -c 'Invoice' "$tmp/bloom.html")" 0 "(only Bloom's requests)"

# SLATRACK_MAIL_DOMAIN for owners without an address.
rm -f "$tmp/mail"/*
SLATRACK_MAIL_DOMAIN=agency.example mailer statements --month 2026-11
expect_rc 0
expect_eq "$(mail_n 1 | grep '^To:')" "To: ann@agency.example"
# A month with nothing logged or measured still tells what is open now: Acme's #1, Bloom's #2 and
# Café's #3 are: three mails, each "Requests received: 0".
rm -f "$tmp/mail"/*
mailer statements --month 2025-01; expect_rc 0; expect_no_err
expect_eq "$(mails)" 3
expect_eq "$(cat "$tmp/mail"/* | grep -c '^- Requests received: 0$')" 3
# Once all is resolved, that month has nothing to say: no mail.
for id in 1 2 3; do st resolve "$id" --at "2026-11-30 12:00"; expect_rc 0; done
rm -f "$tmp/mail"/*
mailer statements --month 2025-01; expect_rc 0; expect_no_err
expect_eq "$(mails)" 0
# slatrack's errors: its message and status, no mail.
mailer statements --month 2026-13; expect_rc 2
expect_err_has 'slatrack: error: bad --month "2026-13"'
expect_eq "$(mails)" 0
finish
