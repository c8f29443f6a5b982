#!/usr/bin/env bash
# docs/mail.md's setups, each command run as the mail program or cron would run it (issue 19 items
# 4 and 6): the .forward line, procmail's action, fetchmail's mda, getmail's MDA_external, the
# mbsync + cron line over a Maildir, the Sent folder. Each line is taken from docs/mail.md (the
# test fails when the page no longer has it), /usr/bin/slatrack replaced by the binary under
# test. Also --maildir: Date order (ties by file name), files that are not messages skipped, one
# summary line, idempotent, --dry-run writes nothing, tmp/ not read.
source "$(dirname "$0")/lib.sh" "$1"
doc="$(cd "$(dirname "$0")/../.." && pwd)/docs/mail.md"
corpus="$(cd "$(dirname "$0")/../fixtures/mail" && pwd)"
export SLATRACK_NOW=2026-11-23T12:00:00Z HOME="$tmp/home"
unset XDG_CONFIG_HOME XDG_DATA_HOME
mkdir -p "$HOME/.config/slatrack" "$tmp/bin"
ln -s "$SLATRACK_BIN" "$tmp/bin/slatrack"
export PATH="$tmp/bin:$PATH"

# doc_line TEXT: TEXT is a line of docs/mail.md (leading spaces aside).
doc_line() {
  checks=$((checks + 1))
  sed 's/^ *//' "$doc" | grep -qxF -- "$1" || fail "docs/mail.md has no line: $1"
}
# deliver COMMAND FILE: runs COMMAND (with /usr/bin/slatrack the binary under test) as a mail
# program does, through sh -c with the message on stdin; sets $out, $err and $rc.
deliver() {
  local command=${1//\/usr\/bin\/slatrack/$SLATRACK_BIN}
  out=$(sh -c "$command" <"$2" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
requests() {
  "$SLATRACK_BIN" list --status all --format tsv | cut -f1,2,3 | tail -n +2 | sort -n
}

# 1. The settings and the clients, as the page gives them.
sed -n '/^\[mail\]$/,/^```$/p' "$doc" | sed '$d' >"$HOME/.config/slatrack/config.toml"
expect_eq "$(head -2 "$HOME/.config/slatrack/config.toml")" '[mail]
ours = ["help@ourshop.example", "*@ourshop.example"]   # mail from these is our reply'
doc_line 'slatrack client add "Acme Ltd" --sla standard --domain acme.example'
doc_line 'slatrack client add "Bloom Florists" --email jo@bloom.example --email orders@bloom.example'
slatrack sla add standard --reply 4h >/dev/null
slatrack client add "Acme Ltd" --sla standard --domain acme.example >/dev/null
slatrack client add "Bloom Florists" --email jo@bloom.example --email orders@bloom.example >/dev/null

# 2. Each delivery program's command, one message each.
doc_line '"|/usr/bin/slatrack mail"'
line='"|/usr/bin/slatrack mail"'; line=${line#\"|}; line=${line%\"}
deliver "$line" "$corpus/01-gmail-new.eml"
expect_rc 0 "(.forward)"; expect_no_out; expect_no_err
doc_line '| /usr/bin/slatrack mail'
deliver "/usr/bin/slatrack mail" "$corpus/04-thunderbird-followup.eml"
expect_rc 0 "(procmail)"; expect_no_out; expect_no_err
doc_line 'mda "/usr/bin/slatrack mail"'
deliver "/usr/bin/slatrack mail" "$corpus/05-our-reply-bcc.eml"
expect_rc 0 "(fetchmail)"
doc_line 'path = /usr/bin/slatrack'
doc_line 'arguments = ("mail",)'
out=$("$SLATRACK_BIN" mail <"$corpus/02-outlook-new.eml" 2>&1) && rc=0 || rc=$?
expect_rc 0 "(getmail runs PATH ARGUMENTS)"; expect_no_out
doc_line '`"|/usr/bin/slatrack --db /home/ann/sla.db mail"`).'
"$SLATRACK_BIN" --db "$tmp/other.db" sla add standard --reply 4h >/dev/null
line="/usr/bin/slatrack --db $tmp/other.db mail"
deliver "$line" "$corpus/03-apple-mail-new.eml"
expect_rc 0 "(.forward with --db)"
expect_eq "$("$SLATRACK_BIN" --db "$tmp/other.db" list --format tsv | cut -f2 | tail -1)" \
  "jo.bloggs@gmail.com"
# Delivered again (a mail server's retry): recorded once.
deliver "/usr/bin/slatrack mail" "$corpus/01-gmail-new.eml"
expect_rc 0; expect_no_out; expect_no_err
expect_eq "$(requests)" "$(printf '1\tAcme Ltd\tInvoice is wrong\n2\tbistro.example\tCafé menu – wrong price')"
st_show=$("$SLATRACK_BIN" show 1 --format json | jq -r '[.events[].kind] | join(" ")')
expect_eq "$st_show" "message message reply" "(follow-up and our reply)"

# 3. mbsync into a Maildir, then the cron line (mbsync faked: it only succeeds).
doc_line '*/5 * * * * mbsync -q support && /usr/bin/slatrack -q mail --maildir ~/Mail/support'
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/mbsync"
chmod +x "$tmp/bin/mbsync"
box="$HOME/Mail/support"
mkdir -p "$box/cur" "$box/new" "$box/tmp"
# File names in reverse order of the messages' dates: the order recorded is the Date's.
n=100
for file in "$corpus"/*.eml; do
  n=$((n - 1))
  cp "$file" "$box/cur/$n.$(basename "$file" .eml).host:2,S"
done
mv "$box/cur/84."* "$box/new/" # one in new/ (16-no-message-id)
printf 'not a mail\n' >"$box/cur/1.junk.host:2,S"
cp "$corpus/06-reply-all-long-references.eml" "$box/tmp/1.partial.host" # being delivered: not read
cron='*/5 * * * * mbsync -q support && /usr/bin/slatrack -q mail --maildir ~/Mail/support'
cron=${cron#\*/5 \* \* \* \* }
before=$(sqlite3 "$HOME/.local/share/slatrack/slatrack.db" .dump | sha256sum)
doc_line 'slatrack mail --maildir ~/Mail/support --dry-run   # what it would do, message by message'
out=$(cd "$HOME" && slatrack mail --maildir ~/Mail/support --dry-run 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0 "(--dry-run)"
expect_out "would record: 87.13-list-mail.host:2,S: dropped, not a person (Precedence: list): <announce-77@lists.vendor.example> from Vendor News <news@vendor.example>
would record: 99.01-gmail-new.host:2,S: already there: <CAF=ann1+Xq7@mail.gmail.com>
would record: 96.04-thunderbird-followup.host:2,S: already there: <5f2c7e1a-9b3d-4c8e-a1f0-2d3e4f5a6b7c@acme.example>
would record: 98.02-outlook-new.host:2,S: already there: <AM6PR05MB1234ABCD5678EF90@AM6PR05MB1234.eurprd05.prod.outlook.com>
would record: 97.03-apple-mail-new.host:2,S: #3 jo.bloggs@gmail.com: new request \"Printer jammed again\" from Jo Bloggs <jo.bloggs@gmail.com>
would record: 95.05-our-reply-bcc.host:2,S: already there: <reply-1-a@ourshop.example>
would record: 90.10-exchange-out-of-office.host:2,S: #1 Acme Ltd: note, not a person (Auto-Submitted: auto-replied) from Ann Smith <ann@acme.example>
would record: 94.06-reply-all-long-references.host:2,S: #1 Acme Ltd: follow-up from Bob Jones <bob@acme.example>
would record: 93.07-forwarded.host:2,S: #4 Acme Ltd: new request \"Fwd: Server down\" from Carol White <carol@acme.example>
would record: 92.08-attachments.host:2,S: #5 beta.example: new request \"Photos of the damage\" from Dave Brown <dave@beta.example>
would record: 91.09-html-only.host:2,S: #2 bistro.example: follow-up from José Muñoz <jose@bistro.example>
would record: 89.11-our-reply-to-beta.host:2,S: #5 beta.example: reply from help@ourshop.example
would record: 88.12-postfix-bounce.host:2,S: #5 beta.example: note, not a person (Auto-Submitted: auto-replied) from Mail Delivery System <mailer-daemon@mx.ourshop.example>
would record: 84.16-no-message-id.host:2,S: #6 beta.example: new request \"No id on this one\" from Dave Brown <dave@beta.example>
would record: 83.17-ours-no-thread.host:2,S: ignored, ours on no known request: <lunch-1@ourshop.example> from Ann at Our Shop <ann@ourshop.example>
would record: 85.15-future-date.host:2,S: #7 Acme Ltd: new request \"Another thing\" from Ann Smith <ann@acme.example>
would record: 86.14-no-date.host:2,S: #8 beta.example: new request \"Where is my order?\" from eve@beta.example
would record: 17 messages: 6 new requests, 2 follow-ups, 1 replies, 2 notes, 4 already there, 1 ignored, 1 dropped, 0 refused; 1 files not messages"
expect_err "slatrack mail: skipped 1.junk.host:2,S: not a mail message: no header section (a message starts with header lines such as From: ...)"
expect_eq "$(sqlite3 "$HOME/.local/share/slatrack/slatrack.db" .dump | sha256sum)" "$before" \
  "(--dry-run wrote nothing)"
out=$(cd "$HOME" && sh -c "${cron//\/usr\/bin\/slatrack/$SLATRACK_BIN}" 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0 "(the cron line)"; expect_no_out "(-q: cron mails nothing)"; expect_no_err
expect_eq "$(requests)" "$(printf '%s\n' \
  $'1\tAcme Ltd\tInvoice is wrong' \
  $'2\tbistro.example\tCafé menu – wrong price' \
  $'3\tjo.bloggs@gmail.com\tPrinter jammed again' \
  $'4\tAcme Ltd\tFwd: Server down' \
  $'5\tbeta.example\tPhotos of the damage' \
  $'6\tbeta.example\tNo id on this one' \
  $'7\tAcme Ltd\tAnother thing' \
  $'8\tbeta.example\tWhere is my order?')" "(Date order; ties by file name)"
doc_line 'slatrack mail --maildir ~/Mail/support             # 1200 messages: 800 new requests, ...'
out=$(cd "$HOME" && slatrack mail --maildir ~/Mail/support 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_out "17 messages: 0 new requests, 0 follow-ups, 0 replies, 0 notes, 15 already there, 1 ignored, 1 dropped, 0 refused; 1 files not messages"

# 4. The Sent folder: our replies to recorded threads are replies, others ignored.
sent="$HOME/Mail/Sent"
mkdir -p "$sent/cur"
sed 's/reply-5-a/reply-5-b/; s/^Date: .*/Date: Mon, 23 Nov 2026 11:50:00 +0000/' \
  "$corpus/11-our-reply-to-beta.eml" >"$sent/cur/1.sent.host:2,S"
cp "$corpus/17-ours-no-thread.eml" "$sent/cur/2.lunch.host:2,S"
doc_line 'line: `slatrack -q mail --maildir ~/Mail/Sent`. Your messages that answer no recorded thread'
out=$(cd "$HOME" && slatrack -q mail --maildir ~/Mail/Sent 2>&1) && rc=0 || rc=$?
expect_rc 0; expect_no_out
expect_eq "$("$SLATRACK_BIN" show 5 --format json | jq -r '[.events[].kind] | join(" ")')" \
  "message reply note reply"

# --maildir: not a Maildir, and a database that cannot be opened (75).
out=$(slatrack mail --maildir "$tmp/nowhere" 2>&1) && rc=0 || rc=$?
expect_rc 2
expect_out "slatrack: error: --maildir $tmp/nowhere: not a Maildir (it has neither cur/ nor new/)"
touch "$tmp/file"
out=$(slatrack --db "$tmp/file/x.db" mail --maildir "$box" 2>&1) && rc=0 || rc=$?
expect_rc 75
"$SLATRACK_BIN" check >/dev/null; rc=$?
expect_rc 0 "(check clean)"
finish
