#!/usr/bin/env bash
# `slatrack mail` reads its headers right (SPEC "Mail in", "What"). RFC 2047 subjects and sender
# names split into several base64 encoded words, each padded with '=', as Python's email library
# writes a long non-ASCII subject: GMime joins the base64 text of a run of words of one charset
# and stopped at the first word's padding ("Élève" became "Élè"). Also a character split across
# two words, Q words, words of different charsets, a name in From. And a Date with an obsolete
# 3-digit year ("24 Nov 126", RFC 5322 obs-year: 1900 + it), which GMime does not read.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-23T12:00:00Z

# mail_subject_author HEADERS: a message with HEADERS (and a new Message-ID) given to `slatrack
# mail -v`; sets $out to "SUBJECT | AUTHOR" of the request it made, $said to what -v said.
n=0
mail_subject_author() {
  n=$((n + 1))
  printf '%b\nMessage-ID: <w%s@x.example>\n\nb\n' "$1" "$n" >"$tmp/m$n.eml"
  "$SLATRACK_BIN" --db "$db" mail -v <"$tmp/m$n.eml" >"$tmp/out" 2>"$tmp/stderr" && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
  expect_rc 0 "(message $n)"
  said=$err
  st show "$n" --format json
  out="$(json_get "$out" '.subject') | $(json_get "$out" '.events[0].author')"
}

# The audit's repro: two padded words.
mail_subject_author 'From: a@x.example\nSubject: =?UTF-8?B?w4lsw6g=?= =?UTF-8?B?dmU=?='
expect_out "Élève | a@x.example"
expect_eq "$said" 'slatrack mail: #1 x.example: new request "Élève" from a@x.example' "(-v)"
# A name in From, in two padded words.
mail_subject_author 'From: =?UTF-8?B?w4lsw6g=?= =?UTF-8?B?dmUgTcO8bGxlcg==?= <a@x.example>\nSubject: Hi'
expect_out "Hi | Élève Müller <a@x.example>"
# Folded, padding inside one word, text around the words.
mail_subject_author 'From: "=?UTF-8?B?w4k=?=\n =?UTF-8?B?w4k=?=" <a@x.example>\nSubject: Re: =?UTF-8?B?w4lsw6g=dmU=?=\n =?utf-8?b?IQ==?= [x]'
expect_out "Re: Élève! [x] | ÉÉ <a@x.example>"
# A character split across two unpadded words still joins; so does one split across padded ones.
mail_subject_author 'From: a@x.example\nSubject: =?UTF-8?B?w6nD?= =?UTF-8?B?qQ==?= =?UTF-8?B?ww==?= =?UTF-8?B?qQ==?='
expect_out "ééé | a@x.example"
# Q words, and words of different charsets, each padded.
mail_subject_author 'From: =?ISO-8859-1?Q?Jos=E9?= =?ISO-8859-1?Q?_Mu=F1oz?= <a@x.example>\nSubject: =?ISO-8859-1?Q?Caf=E9?= =?ISO-8859-1?Q?_cr=E8me?='
expect_out "Café crème | José Muñoz <a@x.example>"
mail_subject_author 'From: =?ISO-8859-1?B?Sm9z6Q==?= =?UTF-8?B?IE11w7Fveg==?= <a@x.example>\nSubject: =?ISO-8859-1?B?Q2Fm6Q==?= =?UTF-8?B?IGNyw6htZQ==?='
expect_out "Café crème | José Muñoz <a@x.example>"

# A long Cyrillic subject as Python's email library writes it (EmailMessage().as_string() of
# Python 3.11: four words, each padded), kept as it was generated (but its From: Python quoted
# the address, <"petr@kontora.example">, which is not what this test is about).
cat >"$tmp/ru.eml" <<'MAIL'
From: =?utf-8?b?0J/RkdGC0YAg0KHQuNC00L7RgNC+0LI=?= <petr@kontora.example>
To: help@ourshop.example
Subject: =?utf-8?b?0KHRh9GR0YIg4oSWIDEwNDIg0LLRi9GB0YLQsNCy0LvQtdC9INC90LU=?=
 =?utf-8?b?0LLQtdGA0L3Qvjog0YHRg9C80LzQsCDQsiDRgdGC0YDQvtC60LUg0LTQvtGB0YI=?=
 =?utf-8?b?0LDQstC60Lgg0L7RgtC70LjRh9Cw0LXRgtGB0Y8g0L7RgiDQtNC+0LPQvtCy0L4=?=
 =?utf-8?b?0YDQvdC+0Lk=?=
Date: Mon, 23 Nov 2026 09:15:00 +0000
Message-ID: <ru-long-1@kontora.example>
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

0JfQtNGA0LDQstGB0YLQstGD0LnRgtC1LCDRgdGD0LzQvNCwINC90LXQstC10YDQvdCwLgo=

MAIL
n=$((n + 1))
"$SLATRACK_BIN" --db "$db" mail <"$tmp/ru.eml" >"$tmp/out" 2>"$tmp/stderr" && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0 "(ru)"
expect_no_err "(ru)"
st show "$n" --format json
expect_eq "$(json_get "$out" '.subject')" \
  "Счёт № 1042 выставлен неверно: сумма в строке доставки отличается от договорной" "(ru subject)"
expect_eq "$(json_get "$out" '.events[0].author')" "Пётр Сидоров <petr@kontora.example>" "(ru author)"
expect_eq "$(json_get "$out" '.events[0].text')" "Здравствуйте, сумма неверна." "(ru text)"

# A Date with an obsolete 3-digit year is 1900 + it; a year GMime reads stays as it was.
for date in "Tue, 24 Nov 126 09:30:00 +0100" "24 Nov 126 08:30 GMT" "Tue, 24 Nov 2026 08:30:00 +0000" \
  "Tue, 24 Nov 26 08:30:00 +0000"; do
  n=$((n + 1))
  printf 'From: a@x.example\nSubject: Date\nDate: %s\nMessage-ID: <d%s@x.example>\n\nb\n' \
    "$date" "$n" >"$tmp/d$n.eml"
  SLATRACK_NOW=2026-11-25T12:00:00Z "$SLATRACK_BIN" --db "$db" mail <"$tmp/d$n.eml" && rc=0 || rc=$?
  expect_rc 0 "($date)"
  st show "$n" --format json
  expect_eq "$(json_get "$out" '.events[0].at')" "2026-11-24T08:30:00Z" "($date)"
done
# One it cannot read, 3 digits or not, is now (SPEC "What").
for date in "24 Nov 12x 08:30 GMT" "24 Nov 0126 08:30 GMT"; do
  n=$((n + 1))
  printf 'From: a@x.example\nSubject: Date\nDate: %s\nMessage-ID: <d%s@x.example>\n\nb\n' \
    "$date" "$n" >"$tmp/d$n.eml"
  "$SLATRACK_BIN" --db "$db" mail <"$tmp/d$n.eml" && rc=0 || rc=$?
  expect_rc 0 "($date)"
  st show "$n" --format json
  expect_eq "$(json_get "$out" '.events[0].at')" "2026-11-23T12:00:00Z" "($date)"
done
finish
