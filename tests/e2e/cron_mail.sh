#!/usr/bin/env bash
# examples/slatrack-mail, as examples/crontab runs it, with a fake sendmail on PATH that keeps
# each message in a file: nothing due -> no mail; overdue -> one mail with the rows; the hourly
# `new` run twice -> one mail; the weekly report mails only when there is something to report;
# slatrack's errors are passed on (stderr, exit code) and mail nothing.
source "$(dirname "$0")/lib.sh" "$1"
export TZ=Europe/London LC_ALL=C.UTF-8
mailer="$(cd "$(dirname "$0")/../.." && pwd)/examples/slatrack-mail"
crontab="$(dirname "$mailer")/crontab"

fake_sendmail
export SLATRACK_BIN="$SLATRACK_BIN" SLATRACK_DB="$db" SLATRACK_MAIL_TO="ann@example.com"
unset SLATRACK_MAIL_FROM COLUMNS

last_mail() {
  cat "$tmp/mail/mail.$(mails)"
}

# The crontab calls the script in the modes tested here.
expect_eq "$(grep -c 'slatrack-mail overdue --within 4h$' "$crontab")" 1 "(crontab: morning)"
expect_eq "$(grep -c 'slatrack-mail new$' "$crontab")" 1 "(crontab: hourly)"
expect_eq "$(grep -cE '^0 +7 +\* +\* +1 +slatrack-mail weekly$' "$crontab")" 1 "(crontab: Monday)"
expect_eq "$(grep -cE '^15 +7 +1 +\* +\* +slatrack-mail report --by client --month last$' "$crontab")" 1 \
  "(crontab: the 1st, last month's report)"
expect_eq "$(grep -cE '^30 +7 +1 +\* +\* +slatrack-mail statements --month last$' "$crontab")" 1 \
  "(crontab: the 1st, the statements; tests/e2e/cron_statements.sh)"

export SLATRACK_NOW="2026-11-23 08:30"   # Monday morning
st init; expect_rc 0
st sla add std --reply 2h; expect_rc 0
st client add Acme --sla std --owner ann; expect_rc 0

# Nothing at all: no mail from any mode.
for mode in overdue new weekly report; do
  mailer "$mode"; expect_rc 0; expect_no_out; expect_no_err
done
expect_eq "$(mails)" 0 "(nothing to say, no mail)"

# Something due later, not yet at risk: still no mail.
st log Acme "Later" --at "2026-11-23 08:00"; expect_rc 0              # due 10:00
mailer overdue --within 1h; expect_rc 0; expect_no_err
expect_eq "$(mails)" 0 "(not yet at risk)"

# Overdue: one mail with the rows.
st log Acme "Printer on fire" --at "2026-11-23 06:00"; expect_rc 0     # due 08:00: 30m late
mailer overdue --within 4h; expect_rc 0; expect_no_out; expect_no_err
expect_eq "$(mails)" 1 "(one mail)"
mail=$(last_mail)
expect_eq "$(printf '%s\n' "$mail" | sed -n 1,7p)" "To: ann@example.com
Subject: [slatrack] 1 overdue, 1 at risk
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
Auto-Submitted: auto-generated
X-Slatrack-Loop: slatrack-mail"
expect_eq "$(printf '%s\n' "$mail" | sed -n 8p)" "" "(a blank line ends the header)"
# Delivered back to a tracked address, slatrack mail never records it (a loop).
out=$(printf 'From: slatrack@example.com\n%s\n' "$mail" | "$SLATRACK_BIN" --db "$db" mail -v 2>&1) &&
  rc=0 || rc=$?
expect_rc 0
expect_out_has "dropped, not a person (X-Slatrack-Loop)"
# The body is the overdue table, without color codes.
st overdue --within 4h --color never
expect_eq "$(printf '%s\n' "$mail" | sed -n '9,$p')" "$out" "(body is the table)"
case "$mail" in *"Printer on fire"*"30m late"*"Later"*"at risk"*) checks=$((checks + 1)) ;;
  *) out=$mail; fail "the mail lists both rows" ;; esac
case "$mail" in *$'\e'*) out=$mail; fail "no escape codes in mail" ;; *) checks=$((checks + 1)) ;; esac

# The hourly alert: the first run mails the breach, the second has nothing new.
mailer new; expect_rc 0; expect_no_err
expect_eq "$(mails)" 2 "(new: one mail)"
expect_eq "$(last_mail | grep '^Subject:')" "Subject: [slatrack] new: 1 overdue, 0 at risk"
expect_eq "$(last_mail | grep -c 'Printer on fire')" 1
mailer new; expect_rc 0; expect_no_out; expect_no_err
expect_eq "$(mails)" 2 "(new again: no second mail)"
# An hour later "Later" has breached too: a mail about it alone.
SLATRACK_NOW="2026-11-23 10:30" mailer new; expect_rc 0
expect_eq "$(mails)" 3 "(a new breach: one more mail)"
expect_eq "$(last_mail | grep -c 'Later')" 1
expect_eq "$(last_mail | grep -c 'Printer on fire')" 0
SLATRACK_NOW="2026-11-23 11:30" mailer new; expect_rc 0
expect_eq "$(mails)" 3 "(nothing newer)"

# The Monday report: last week had nothing, so with these two requests on Monday the weekly
# report (Mon 16 - Sun 22 Nov) has only what is open now to tell.
mailer weekly; expect_rc 0; expect_no_err
expect_eq "$(mails)" 4 "(weekly: one mail, two open requests)"
expect_eq "$(last_mail | grep '^Subject:')" \
  "Subject: [slatrack] weekly report: 0 logged, no replies measured, 2 open, 1 overdue"
expect_eq "$(last_mail | grep -c '^2026-11-1[6-9] \|^2026-11-2[0-2] ')" 14 "(7 table rows, 7 chart rows)"
# A week with work in it.
st log Acme "Last week" --at "2026-11-17 09:00"; expect_rc 0
st reply 3 --at "2026-11-17 10:00"; expect_rc 0
st resolve 3 --at "2026-11-17 11:00"; expect_rc 0
mailer weekly; expect_rc 0
expect_eq "$(mails)" 5
expect_eq "$(last_mail | grep '^Subject:')" \
  "Subject: [slatrack] weekly report: 1 logged, 100.0% of replies on time, 2 open, 1 overdue"
expect_eq "$(last_mail | grep -c '^Report by day: Mon 16 Nov 00:00 to Mon 23 Nov 00:00')" 1
expect_eq "$(last_mail | grep -c '^2026-11-17 Tue  █')" 1 "(the chart)"
# report passes its options on: one day of last week.
mailer report --by client --from 2026-11-17 --to 2026-11-18; expect_rc 0
expect_eq "$(mails)" 6
expect_eq "$(last_mail | grep '^Subject:')" \
  "Subject: [slatrack] report: 1 logged, 100.0% of replies on time, 2 open, 1 overdue"
expect_eq "$(last_mail | grep -c '^Acme ')" 1

# slatrack's errors: its message on stderr, its exit code, no mail.
mailer overdue --within 4 ; expect_rc 2; expect_no_out
expect_err_has "slatrack: error: --within: bad duration"
SLATRACK_DB="$tmp" mailer overdue; expect_rc 3
expect_err_has "slatrack: error:"
expect_eq "$(mails)" 6 "(errors mail nothing)"
# The script's own: no recipient, unknown mode, a sendmail that fails.
SLATRACK_MAIL_TO= mailer overdue; expect_rc 2
expect_err "slatrack-mail: set SLATRACK_MAIL_TO to the address to mail"
mailer daily; expect_rc 2
expect_err 'slatrack-mail: unknown mode "daily": use overdue, new, report, weekly or statements'
printf '#!/bin/sh\nexit 75\n' >"$tmp/bin/sendmail"
mailer overdue; expect_rc 4
expect_err "slatrack-mail: sendmail failed; the message was not sent"
finish
