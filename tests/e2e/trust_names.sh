#!/usr/bin/env bash
# One validation for every entry (issue 20 items 6 and 7): the rules file of `config apply` is
# checked as the command line is (control characters, NUL, bidirectional formatting characters and
# values over 1,000 bytes are refused in names, emails and owners, with the file's line), and a
# value is trimmed the same way wherever it comes from (the command line, the rules file, an
# import), so that `client add " acme "` then export and import gives back the same export.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-29T12:00:00Z

st init; expect_rc 0
st client add ann-co; expect_rc 0
before=$(db_digest)
long=$(head -c 20000 /dev/zero | tr '\0' a)

# apply FILE_CONTENT: writes rules.toml and applies it.
apply() {
  printf '%s\n' "$1" >"$tmp/rules.toml"
  st config apply "$tmp/rules.toml"
}
# refused WHAT EXPECTED_ERROR: the last command was refused with exit 2 and wrote nothing.
refused() {
  expect_rc 2 "$1"
  expect_err "slatrack: error: $2" "$1"
  expect_no_out "$1"
  expect_eq "$(db_digest)" "$before" "$1: nothing written"
}

# ---- the rules file: names, emails, owners ----
apply '[client."x\u0007y"]'
refused "BEL in a client name" \
  "$tmp/rules.toml:1: client name \"x\\x07y\" has a control character (0x07 at offset 1); only printable text is accepted here"
apply '[client."x\u0000y"]'
refused "NUL in a client name" \
  "$tmp/rules.toml:1: client name \"x\\x00y\" has a control character (0x00 at offset 1); only printable text is accepted here"
apply '[client."Invoice \u202Efdp"]'
refused "U+202E in a client name" \
  "$tmp/rules.toml:1: client name \"Invoice \\u202efdp\" has a bidirectional formatting character (U+202E at offset 8); only plain text is accepted here"
apply "[client.\"$long\"]"
refused "a 20,000-byte client name" \
  "$tmp/rules.toml:1: client name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at most 1000 bytes are accepted"
apply '[client.acme]
email = "ops@acme.example\u0000"'
refused "NUL in an email" \
  "$tmp/rules.toml:2: email \"ops@acme.example\\x00\" has a control character (0x00 at offset 16); only printable text is accepted here"
apply '[client.acme]
owner = "ann\u001b[2J"'
refused "ESC in an owner" \
  "$tmp/rules.toml:2: owner \"ann\\x1B[2J\" has a control character (0x1B at offset 3); only printable text is accepted here"
apply '[client.acme]
owner = "\u2067ann"'
refused "U+2067 in an owner" \
  "$tmp/rules.toml:2: owner \"\\u2067ann\" has a bidirectional formatting character (U+2067 at offset 0); only plain text is accepted here"
apply "[client.acme]
owner = \"$long\""
refused "a 20,000-byte owner" \
  "$tmp/rules.toml:2: owner \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at most 1000 bytes are accepted"
apply "[client.acme]
email = \"$long@x\""
refused "a 20,000-byte email" \
  "$tmp/rules.toml:2: email \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20002 bytes long; at most 1000 bytes are accepted"
apply '[sla."std\u0085"]
reply = "2h"'
refused "C1 control in a policy name" \
  "$tmp/rules.toml:1: sla name \"std\\xC2\\x85\" has a control character (U+0085 at offset 3); only printable text is accepted here"
apply '[calendar."office\u200F"]
tz = "UTC"
hours = "mon-fri 09:00-17:00"'
refused "U+200F in a calendar name" \
  "$tmp/rules.toml:1: calendar name \"office\\u200f\" has a bidirectional formatting character (U+200F at offset 6); only plain text is accepted here"
apply '[client.acme]
note = "'"$(head -c 65537 /dev/zero | tr '\0' n)"'"'
refused "a note over 64 KiB" \
  "$tmp/rules.toml:2: note \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...\" is 65537 bytes long; at most 65536 bytes are accepted"
apply '[client.acme]
"own\u0007er" = "ann"'
refused "an unknown key is shown escaped" \
  "$tmp/rules.toml:2: unknown key \"own\\x07er\" in client \"acme\" (did you mean \"owner\"?); the keys are: sla, email, domain, owner, note"
# --dry-run checks as much.
printf '[client."x\\u0007y"]\n' >"$tmp/rules.toml"
st config apply "$tmp/rules.toml" --dry-run
refused "--dry-run" \
  "$tmp/rules.toml:1: client name \"x\\x07y\" has a control character (0x07 at offset 1); only printable text is accepted here"

# ---- the command line refuses the same ----
st client add "Invoice $(printf '\xe2\x80\xae')fdp"
refused "U+202E in client add" \
  "NAME \"Invoice \\u202efdp\" has a bidirectional formatting character (U+202E at offset 8); only plain text is accepted here"
st client add acme --owner "$long"
refused "a 20,000-byte --owner" \
  "--owner \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at most 1000 bytes are accepted"
st client edit ann-co --email "$(printf 'a\xe2\x80\x8fb@x')"
refused "U+200F in --email" \
  "--email \"a\\u200fb@x\" has a bidirectional formatting character (U+200F at offset 1); only plain text is accepted here"

# ---- trimmed the same way everywhere ----
st client add " acme "; expect_rc 0; expect_out "Added client acme (SLA default)"
st client add "acme"; expect_rc 2; expect_err_has 'client "acme" exists'
st client show "  acme"; expect_rc 0; expect_out_has "acme"
st log " acme " "Invoice is wrong" --at 2026-12-29T09:00:00Z --ref " r1 " --assignee " bob " --by " carol " -q
expect_rc 0; expect_out 1
st reply 1 --at 2026-12-29T10:00:00Z --by " dave "; expect_rc 0
st list --format jsonl; expect_rc 0
expect_eq "$(json_get "$out" '[.client, .ref, .assignee] | join("|")')" "acme|r1|bob" "values trimmed"
apply '[client."  Beta Ltd "]
owner = " eve "
email = " ops@beta.example "
note = " keeps its spaces "'
expect_rc 0
st client show beta --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.name, .owner, .email, .note] | join("|")')" \
  "Beta Ltd|eve|ops@beta.example| keeps its spaces " "the rules file trims as the command line does"
apply '[client."Beta Ltd"]
owner = "eve"
email = "ops@beta.example"
note = " keeps its spaces "

[client.acme]

[client.ann-co]'
expect_rc 0; expect_out "$tmp/rules.toml: nothing to change"
st log "Beta Ltd" "Second" --at 2026-12-29T11:00:00Z -q; expect_rc 0

# export, then import into a database with the same rules: the same export.
st export --format jsonl; expect_rc 0
first=$out
printf '%s\n' "$out" >"$tmp/export.jsonl"
st config export; expect_rc 0
printf '%s\n' "$out" >"$tmp/rules-out.toml"
db="$tmp/second.sqlite"
st init; expect_rc 0
st config apply "$tmp/rules-out.toml"; expect_rc 0
st import "$tmp/export.jsonl"; expect_rc 0
expect_err_has "2 added, 0 skipped"
st export --format jsonl; expect_rc 0
expect_eq "$out" "$first" "export, import, export gives the same export"
# An import trims, as the command line does: " acme " in a CSV cell is the client acme.
printf 'client,subject,received_at\n  acme  ,From a sheet,2026-12-29T08:00:00Z\n' >"$tmp/sheet.csv"
st import "$tmp/sheet.csv"; expect_rc 0
st list --client acme --format jsonl; expect_rc 0
expect_eq "$(json_get "$out" '.client' | sort -u)" "acme" "import found the trimmed client"

finish
