#!/usr/bin/env bash
# `slatrack mail` (SPEC "Mail in"; issue 19 items 1-3 and 5) on a corpus of messages shaped like
# those Gmail, Outlook (quoted-printable windows-1252, RFC 2047 subjects and names), Apple Mail and
# Thunderbird send; a reply-all with long References; a forwarded message; attachments; HTML only;
# an Exchange out-of-office; a Postfix bounce (its returned message's headers); list mail; no Date;
# a Date in the future; no Message-ID; ours on no thread (tests/fixtures/mail/). Each is silent
# with exit 0; the requests, events, clients and the -v lines are checked exactly.
source "$(dirname "$0")/lib.sh" "$1"
corpus="$(cd "$(dirname "$0")/../fixtures/mail" && pwd)"
export SLATRACK_NOW=2026-11-23T12:00:00Z
mkdir -p "$tmp/config/slatrack"
printf '[mail]\nours = ["*@ourshop.example"]\n' >"$tmp/config/slatrack/config.toml"

# mail FILE [ARGS...]: feeds FILE to `slatrack mail`; sets $out, $err and $rc.
mail() {
  local file=$1
  shift
  out=$("$SLATRACK_BIN" --db "$db" mail "$@" <"$file" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

st client add Acme --email ann@acme.example --domain acme.example
st client add Beta --email dave@beta.example --domain beta.example
for file in "$corpus"/*.eml; do
  mail "$file"
  expect_rc 0 "($(basename "$file"))"
  expect_no_out "($(basename "$file"))"
  expect_no_err "($(basename "$file"))"
done

# What was recorded, request by request and event by event.
st export --format jsonl
expect_rc 0
requests=$(printf '%s\n' "$out" | jq -r '"#\(.id) \(.client) | \(.subject) | \(.status) | \(.ref)"')
expect_eq "$requests" "#1 Acme | Invoice is wrong | open | <CAF=ann1+Xq7@mail.gmail.com>
#2 bistro.example | Café menu – wrong price | open | <AM6PR05MB1234ABCD5678EF90@AM6PR05MB1234.eurprd05.prod.outlook.com>
#3 jo.bloggs@gmail.com | Printer jammed again | open | <8C1D2E3F-4A5B-6C7D-8E9F-0A1B2C3D4E5F@gmail.com>
#4 Acme | Fwd: Server down | open | <CAF=carol-fwd@mail.gmail.com>
#5 Beta | Photos of the damage | open | <dave-photos-1@beta.example>
#6 Beta | Where is my order? | open | <eve-no-date@beta.example>
#7 Acme | Another thing | open | <ann-future@acme.example>
#8 Beta | No id on this one | open | <sha-aebaa8c05c9d92d380951af307cdff82@slatrack.invalid>" "(requests)"
events=$(printf '%s\n' "$out" |
  jq -r '.id as $id | .events[] | "#\($id) \(.number) \(.kind) \(.at) \(.author): \(.text | @json)"')
expect_eq "$events" '#1 1 message 2026-11-23T09:15:02Z Ann Smith <ann@acme.example>: "Hello,\n\nThe total on invoice 1042 is off by €10.\n\nAnn"
#1 2 message 2026-11-23T09:30:00Z Ann Smith <ann@acme.example>: "I forgot: it is the November invoice.\n\nOn 23/11/2026 10:15, Ann Smith wrote:\n> The total on invoice 1042 is off by 10."
#1 3 reply 2026-11-23T10:45:00Z Our Shop Help <help@ourshop.example>: "Hi Ann, fixed: the new invoice is on its way."
#1 5 note 2026-11-23T10:45:05Z Ann Smith <ann@acme.example>: "not a person (Auto-Submitted: auto-replied): Automatic reply: Re: [#1] Invoice is wrong\n\nI am out of the office until Monday 30 November."
#1 4 message 2026-11-23T11:00:00Z Bob Jones <bob@acme.example>: "Thanks - but the new one still says 1042. Can you check?\n\nBob"
#2 1 message 2026-11-23T09:40:11Z José Muñoz <jose@bistro.example>: "Hola,\n\nEl café cuesta 3€50 en la carta – debería ser 2€90.\n\nJosé"
#2 2 message 2026-11-23T11:20:00Z José Muñoz <jose@bistro.example>: "Also the té price & the toast.\n\nGracias,\nJosé"
#3 1 message 2026-11-23T10:02:44Z Jo Bloggs <jo.bloggs@gmail.com>: "Hi there – the printer in the back office jammed again. \n\nSent from my iPhone"
#4 1 message 2026-11-23T11:05:00Z Carol White <carol@acme.example>: "Can you look at this?\n\n---------- Forwarded message ---------\nFrom: Monitoring <alerts@acme.example>\nDate: Mon, 23 Nov 2026 at 10:58\nSubject: Server down\nTo: <carol@acme.example>\n\nweb-01 is not answering."
#5 1 message 2026-11-23T11:10:00Z Dave Brown <dave@beta.example>: "Photos attached. The box was crushed à the corner."
#5 2 reply 2026-11-23T11:30:00Z help@ourshop.example: "We are sending a new one today."
#5 3 note 2026-11-23T11:30:02Z Mail Delivery System <mailer-daemon@mx.ourshop.example>: "not a person (Auto-Submitted: auto-replied): Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.ourshop.example.\n\nI'\''m sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<dave@beta.exmaple>: Host or domain name not found."
#6 1 message 2026-11-23T12:00:00Z eve@beta.example: "Order 77 has not arrived."
#7 1 message 2026-11-23T12:00:00Z Ann Smith <ann@acme.example>: "My clock is wrong."
#8 1 message 2026-11-23T11:40:00Z Dave Brown <dave@beta.example>: "My mail program sends no Message-ID."' "(events)"
st client list --format tsv
expect_out "$(printf '%s\n' $'name\tsla\temail\tdomain\towner\tnote\topen_requests\ttotal_requests' \
  $'Acme\tdefault\tann@acme.example\tacme.example\t\t\t3\t3' \
  $'Beta\tdefault\tdave@beta.example\tbeta.example\t\t\t3\t3' \
  $'bistro.example\tdefault\t\tbistro.example\t\t\t1\t1' \
  $'jo.bloggs@gmail.com\tdefault\tjo.bloggs@gmail.com\t\t\t\t1\t1')" "(new clients)"

# Delivered again: nothing written, silent, exit 0; -v says so.
before=$(db_digest)
for file in "$corpus"/*.eml; do
  mail "$file"
  expect_rc 0 "(again: $(basename "$file"))"
  expect_no_out; expect_no_err
done
expect_eq "$(db_digest)" "$before" "(a redelivery writes nothing)"
mail "$corpus/16-no-message-id.eml" -v
expect_rc 0; expect_no_out
expect_err "slatrack mail: already there: <sha-aebaa8c05c9d92d380951af307cdff82@slatrack.invalid>"
mail "$corpus/13-list-mail.eml" -v
expect_rc 0
expect_err "slatrack mail: dropped, not a person (Precedence: list): <announce-77@lists.vendor.example> from Vendor News <news@vendor.example>"
mail "$corpus/17-ours-no-thread.eml" -v
expect_err "slatrack mail: ignored, ours on no known request: <lunch-1@ourshop.example> from Ann at Our Shop <ann@ourshop.example>"
expect_eq "$(db_digest)" "$before" "(dropped and ignored write nothing)"

# Input that is not a message: exit 2, one line, nothing written (not even a database).
printf '' >"$tmp/empty.eml"
mail "$tmp/empty.eml"
expect_rc 2; expect_err "slatrack: error: not a mail message: the input is empty"
printf 'hello\nworld\n' >"$tmp/text.eml"
mail "$tmp/text.eml"
expect_rc 2
expect_err "slatrack: error: not a mail message: no header section (a message starts with header lines such as From: ...)"
printf 'Subject: hi\n\nno sender\n' >"$tmp/nofrom.eml"
mail "$tmp/nofrom.eml"
expect_rc 2; expect_err "slatrack: error: not a mail message: it has no From address"
printf 'From: hello\nSubject: hi\n\nbody\n' >"$tmp/badfrom.eml"
mail "$tmp/badfrom.eml"
expect_rc 2
expect_err 'slatrack: error: not a mail message: its From address "hello" is not a mail address'
head -c 2000 "$SLATRACK_BIN" >"$tmp/binary.eml"
mail "$tmp/binary.eml"
expect_rc 2; expect_err_has "slatrack: error: not a mail message: "
expect_eq "$(db_digest)" "$before" "(refused input wrote nothing)"
out=$("$SLATRACK_BIN" --db "$tmp/none.db" mail <"$tmp/empty.eml" 2>&1) && rc=0 || rc=$?
expect_rc 2
[ ! -e "$tmp/none.db" ]; expect_eq $? 0 "(no database made for input that is not a message)"

# --dry-run says what it would do and writes nothing.
sed 's/^Message-ID: .*/Message-ID: <dry-1@acme.example>/' "$corpus/04-thunderbird-followup.eml" \
  >"$tmp/dry.eml"
mail "$tmp/dry.eml" --dry-run
expect_rc 0; expect_no_err
expect_out "would record: #1 Acme: follow-up from Ann Smith <ann@acme.example>"
sed 's/^Message-ID: .*/Message-ID: <dry-2@new.example>/; s/^From: .*/From: Zed <zed@new.example>/' \
  "$corpus/01-gmail-new.eml" >"$tmp/dry2.eml"
mail "$tmp/dry2.eml" --dry-run
expect_out 'would record: #9 new.example: new request "Invoice is wrong" from Zed <zed@new.example>'
expect_eq "$(db_digest)" "$before" "(--dry-run wrote nothing)"
out=$("$SLATRACK_BIN" --db "$tmp/none.db" mail --dry-run <"$tmp/dry.eml" 2>&1) && rc=0 || rc=$?
expect_rc 75 "(--dry-run on no database)"

# The tag [#N] finds a request without References; a void request's tag does not.
st resolve 4 -m "rebooted" --at 11:30
cat >"$tmp/tag.eml" <<'MAIL'
From: Carol White <carol@acme.example>
Subject: Re: [#4] Server down
Message-ID: <carol-again@acme.example>
Date: Mon, 23 Nov 2026 11:50:00 +0000

It is down again.
MAIL
mail "$tmp/tag.eml" -v
expect_rc 0
expect_err "slatrack mail: #4 Acme: follow-up from Carol White <carol@acme.example>"
st show 4 --format json
expect_eq "$(json_get "$out" '.status')" "open" "(a follow-up reopens a resolved request)"
st pause 6 -m "asked for the order number"
sed 's/^Message-ID: .*/Message-ID: <eve-2@beta.example>/; s/^Subject: .*/Subject: Re: [#6] Where is my order?/' \
  "$corpus/14-no-date.eml" >"$tmp/resume.eml"
mail "$tmp/resume.eml"
expect_rc 0
st show 6 --format json
expect_eq "$(json_get "$out" '.status')" "open" "(a follow-up resumes a waiting request)"
st void 7 -m "test"
sed 's/^Message-ID: .*/Message-ID: <void-tag@acme.example>/; s/^Subject: .*/Subject: Re: [#7] Another thing/' \
  "$corpus/15-future-date.eml" >"$tmp/void.eml"
mail "$tmp/void.eml" -v
expect_err 'slatrack mail: #9 Acme: new request "Re: [#7] Another thing" from Ann Smith <ann@acme.example>'

# Not a person wins over ours: our own auto-acknowledgement is a note, never a reply; a loop too.
cat >"$tmp/ack.eml" <<'MAIL'
From: help@ourshop.example
Subject: We got your message [#5]
Message-ID: <ack-5@ourshop.example>
Auto-Submitted: auto-replied
Date: Mon, 23 Nov 2026 11:55:00 +0000

Thanks, we will answer soon.
MAIL
mail "$tmp/ack.eml" -v
expect_err "slatrack mail: #5 Beta: note, not a person (Auto-Submitted: auto-replied) from help@ourshop.example"
sed 's/^Auto-Submitted: .*/X-Slatrack-Loop: yes/; s/ack-5/loop-5/' "$tmp/ack.eml" >"$tmp/loop.eml"
mail "$tmp/loop.eml" -v
expect_err "slatrack mail: #5 Beta: note, not a person (X-Slatrack-Loop) from help@ourshop.example"

# A message logged by a script with log --ref "$msgid" is not recorded twice.
cat >"$tmp/scripted.eml" <<'MAIL'
From: dave@beta.example
Subject: Scripted
Message-ID: <scripted-1@beta.example>

Logged by a script first.
MAIL
st log beta "Scripted" --ref "<scripted-1@beta.example>" -q
expect_out 10
mail "$tmp/scripted.eml" -v
expect_rc 0; expect_err "slatrack mail: already there: <scripted-1@beta.example>"

# Which client: mail.unknown, mail.sla; a missing policy is bad input.
printf '[mail]\nours = ["*@ourshop.example"]\nsla = "nosuch"\n' >"$tmp/config/slatrack/config.toml"
sed 's/^Message-ID: .*/Message-ID: <u1@unknown.example>/; s/^From: .*/From: u@unknown.example/' \
  "$corpus/01-gmail-new.eml" >"$tmp/unknown.eml"
mail "$tmp/unknown.eml"
expect_rc 2
expect_err 'slatrack: error: the settings'"'"' mail.sla names no SLA policy "nosuch"; add it with: slatrack sla add nosuch --reply DUR'
st sla add fast --reply 2h
printf '[mail]\nsla = "fast"\n' >"$tmp/config/slatrack/config.toml"
mail "$tmp/unknown.eml" -v
expect_rc 0
expect_err 'slatrack mail: #11 unknown.example: new request "Invoice is wrong" from u@unknown.example'
st client show unknown.example --format json
expect_eq "$(json_get "$out" '.sla') $(json_get "$out" '.domain')" "fast unknown.example"
printf '[mail]\nunknown = "Walk-ins"\n' >"$tmp/config/slatrack/config.toml"
sed 's/u1@unknown/u2@other/; s/u@unknown.example/v@other.example/' "$tmp/unknown.eml" >"$tmp/walkin.eml"
mail "$tmp/walkin.eml"
expect_rc 2
expect_err 'slatrack: error: the settings'"'"' mail.unknown names no client "Walk-ins"; add it with: slatrack client add Walk-ins'
st client add Walk-ins
mail "$tmp/walkin.eml" -v
expect_rc 0
expect_err 'slatrack mail: #12 Walk-ins: new request "Invoice is wrong" from v@other.example'
printf '[mail]\nours = ["ourshop.example"]\n' >"$tmp/config/slatrack/config.toml"
mail "$tmp/walkin.eml"
expect_rc 2
expect_err_has 'config.toml:2: bad mail.ours entry "ourshop.example": give an address (help@example.com) or *@DOMAIN (*@example.com)'
printf '[mail]\nour = ["x@y.example"]\n' >"$tmp/config/slatrack/config.toml"
mail "$tmp/walkin.eml"
expect_rc 2
expect_err_has 'config.toml:2: unknown key "our" in [mail] (did you mean "ours"?); the keys are: ours, sla, unknown'
rm "$tmp/config/slatrack/config.toml"

# 75 wherever another command says 3: a database that cannot be created, one that is busy.
touch "$tmp/file"
out=$("$SLATRACK_BIN" --db "$tmp/file/db.sqlite" mail <"$tmp/walkin.eml" 2>&1) && rc=0 || rc=$?
expect_rc 75 "(cannot be created)"
expect_out_has "slatrack: error: cannot create a database under"
if [ -n "$pg_db" ]; then # a team database: another writer holds its write lock
  pg_sql -d "$pg_db" -c "BEGIN; SELECT pg_advisory_xact_lock(1397506388); SELECT pg_sleep(13); ROLLBACK;" \
    >/dev/null &
else
  (printf 'BEGIN IMMEDIATE;\nINSERT INTO clients (name, policy_id, created_at) VALUES (%s, 1, 0);\n' "'holder'"
   sleep 13; printf 'ROLLBACK;\n') | sqlite3 "$db" &
fi
holder=$!
sleep 1
sed 's/u2@other/u3@other/' "$tmp/walkin.eml" >"$tmp/busy.eml"
mail "$tmp/busy.eml"
expect_rc 75 "(busy)"; expect_no_out
expect_err_has "is busy (another slatrack is writing); try again"
wait "$holder"
mail "$tmp/busy.eml"
expect_rc 0 "(delivered once the database is free)"; expect_no_out; expect_no_err
st check
expect_rc 0

# An unknown sender's client is the one named like its domain, ignoring case, even without the
# address; a name that only begins two clients' names is neither, and a new client is made.
printf '[mail]\nsla = "fast"\n' >"$tmp/config/slatrack/config.toml"
st client add "Named.Example"; expect_rc 0
st client add "twin.example east"; expect_rc 0
st client add "twin.example west"; expect_rc 0
sed 's/u1@unknown/n1@named/; s/u@unknown.example/n@named.example/' "$tmp/unknown.eml" >"$tmp/named.eml"
mail "$tmp/named.eml" -v
expect_rc 0; expect_err_has 'Named.Example: new request "Invoice is wrong" from n@named.example'
sed 's/u1@unknown/t1@twin/; s/u@unknown.example/t@twin.example/' "$tmp/unknown.eml" >"$tmp/twin.eml"
mail "$tmp/twin.eml" -v
expect_rc 0; expect_err_has ' twin.example: new request "Invoice is wrong" from t@twin.example'
st client show twin.example --format json
expect_eq "$(json_get "$out" '.sla') $(json_get "$out" '.domain')" "fast twin.example"
st client list --format csv
expect_eq "$(printf '%s\n' "$out" | grep -ci '^"\?named.example')" 1 "one client named.example"
rm "$tmp/config/slatrack/config.toml"
finish
