#!/usr/bin/env bash
# A Message-ID ref is one ref with or without its angle brackets (SPEC "Mail in": a new request's
# ref is its Message-ID, "so `log --ref "$msgid"` in a script and `mail` never record one message
# twice"; docs/mail.md): a script's bare `log --ref "s2@acme.example"` and mail's
# `<s2@acme.example>` meet whichever comes first, and a reply to it threads. Also `copy` keeps the
# Message-IDs mail recorded beyond the ref (a follow-up delivered again is already there).
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-23T12:00:00Z
mkdir -p "$tmp/config/slatrack"
printf '[mail]\nours = ["*@ourshop.example"]\n' >"$tmp/config/slatrack/config.toml"

# message FILE ID [IN-REPLY-TO] [FROM]: writes a message.
message() {
  {
    printf 'From: %s\nSubject: Printer\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n' "${4:-ann@acme.example}"
    printf 'Message-ID: %s\n' "$2"
    [ -n "${3:-}" ] && printf 'In-Reply-To: %s\n' "$3"
    printf '\nIt jams.\n'
  } >"$1"
}
# mail FILE [ARGS...]: feeds FILE to `slatrack mail` on DB (default $db); sets $out, $err, $rc.
mail() {
  local file=$1
  shift
  out=$("$SLATRACK_BIN" --db "${on:-$db}" mail "$@" <"$file" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
count() {
  st list --status all --format tsv
  expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "$1" "(requests)"
}

st client add acme --domain acme.example

# 1. The script first, with the bare id: mail finds it (the audit's repro), in either form.
st log acme "Printer" --ref "s2@acme.example" -q
expect_out 1
message "$tmp/s2.eml" "<s2@acme.example>"
mail "$tmp/s2.eml" -v
expect_rc 0; expect_err "slatrack mail: already there: <s2@acme.example>"
st log acme "Printer" --ref " <s3@acme.example> " -q
expect_out 2
message "$tmp/s3.eml" "<s3@acme.example>"
mail "$tmp/s3.eml" -v
expect_rc 0; expect_err "slatrack mail: already there: <s3@acme.example>"
count 2
# A follow-up and our reply that answer it land on that request.
message "$tmp/s2-more.eml" "<s2-more@acme.example>" "<s2@acme.example>"
mail "$tmp/s2-more.eml" -v
expect_rc 0; expect_err "slatrack mail: #1 acme: follow-up from ann@acme.example"
message "$tmp/s2-reply.eml" "<s2-reply@ourshop.example>" "<s2@acme.example>" help@ourshop.example
mail "$tmp/s2-reply.eml" -v
expect_rc 0; expect_err "slatrack mail: #1 acme: reply from help@ourshop.example"

# 2. Mail first: the script's bare id, or with spaces, is "already logged".
message "$tmp/s4.eml" "<s4@acme.example>"
mail "$tmp/s4.eml"
expect_rc 0; expect_no_err
st log acme "Printer" --ref "s4@acme.example"
expect_rc 0; expect_out "Already logged as #3 for acme (ref <s4@acme.example>): nothing changed"
st log acme "Printer" --ref " s4@acme.example" -q
expect_rc 0; expect_out 3
count 3

# 3. Refs as written come first: a database holding both "s5@acme.example" and
# "<s5@acme.example>" (two requests, from before) finds each as it did.
st log acme "Bare" --ref "s5@acme.example" -q
expect_out 4
st log acme "Bracketed" --ref "s6@acme.example" -q
expect_out 5
db_sql "UPDATE requests SET ref = '<s5@acme.example>' WHERE id = 5"
st log acme "Bare" --ref "s5@acme.example" -q
expect_out 4
st log acme "Bracketed" --ref "<s5@acme.example>" -q
expect_out 5
count 5

# 4. copy keeps every Message-ID mail recorded: the follow-up again is already there.
st copy "$tmp/copy.sqlite"
expect_rc 0
on="$tmp/copy.sqlite" mail "$tmp/s2-more.eml" -v
expect_rc 0; expect_err "slatrack mail: already there: <s2-more@acme.example>"
on="$tmp/copy.sqlite" mail "$tmp/s2-reply.eml" -v
expect_rc 0; expect_err "slatrack mail: already there: <s2-reply@ourshop.example>"
finish
