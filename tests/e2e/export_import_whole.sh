#!/usr/bin/env bash
# SPEC.md, Data safety: `export`, then `import` into an empty database that has the same rules,
# gives the same `export`, byte for byte: the same numbers, events with their numbers, authors,
# recorders, times recorded, void marks, and exact duplicates (same client, subject and time, no
# ref), which an import used to skip, renumbering every later request.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-30T12:00:00Z

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h --update 1d --resolve 2d; expect_rc 0
st client add Acme --sla standard --owner ann; expect_rc 0
st client add Globex; expect_rc 0
st log Acme "Invoice wrong" --at "2026-11-23 09:00" -m "hello" -q; expect_rc 0     # 1
# An exact duplicate: the same client, subject and time, no ref (logged twice by mistake).
st log Acme "Invoice wrong" --at "2026-11-23 09:00" -m "hello" -q; expect_rc 0     # 2
st log Globex "VPN" --at "2026-11-24 10:00" --ref m-3 -q; expect_rc 0              # 3
st log Acme "Printer" --at "2026-11-25 11:00" -q; expect_rc 0                      # 4
st log Acme "printer" --at "2026-11-25 10:00" -q; expect_rc 0                      # 5
st reply 1 --at "2026-11-23 10:00" -m "On it"; expect_rc 0
st pause 1 --at "2026-11-23 11:00"; expect_rc 0
# Back-dated: entered after the pause, numbered after it, earlier in time.
st note 1 "called them" --at "2026-11-23 09:30"; expect_rc 0
SLATRACK_USER=bob st reply 3 --at "2026-11-24 11:00"; expect_rc 0
st void 1 3 -m "never paused"; expect_rc 0                                         # event 5 of #1
st assign 3 carol; expect_rc 0
st void 3 3; expect_rc 0
st unvoid 3 3; expect_rc 0
st void 2 -m "logged twice"; expect_rc 0
st merge 5 4; expect_rc 0
st resolve 4 --at "2026-11-26 10:00"; expect_rc 0
st log Globex "Later one" --at "2026-11-27 09:00" -q; expect_rc 0                  # 6
st undo; expect_rc 0; expect_out "Undid: request #6 for Globex at Fri 27 Nov 09:00"
st check; expect_rc 0; expect_out "ok: 6 requests checked"

st config export; expect_rc 0; printf '%s\n' "$out" >"$tmp/rules.toml"
for format in jsonl csv tsv; do
  st export --format "$format"; expect_rc 0
  printf '%s\n' "$out" >"$tmp/a.$format"
done
st export; expect_rc 0; printf '%s\n' "$out" >"$tmp/a.table"

for format in jsonl csv tsv; do
  other="$tmp/$format.sqlite"
  "$SLATRACK_BIN" --db "$other" config apply "$tmp/rules.toml" >/dev/null 2>&1
  expect_eq "$?" 0 "config apply into the $format copy"
  SLATRACK_USER=someone-else "$SLATRACK_BIN" --db "$other" import "$tmp/a.$format" >"$tmp/import.out" 2>"$tmp/import.err"
  expect_eq "$?" 0 "import of the $format export"
  expect_eq "$(cat "$tmp/import.err")" "import $tmp/a.$format: 6 added, 0 skipped (already there), 0 refused"
  for out_format in jsonl csv tsv; do
    expect_eq "$("$SLATRACK_BIN" --db "$other" export --format "$out_format")" "$(cat "$tmp/a.$out_format")" \
      "export --format $out_format after import of the $format export"
  done
  expect_eq "$("$SLATRACK_BIN" --db "$other" export)" "$(cat "$tmp/a.table")" "export (table)"
  expect_eq "$("$SLATRACK_BIN" --db "$other" check)" "ok: 6 requests checked" "check after import"
  # Importing again adds nothing, the duplicate pair included.
  "$SLATRACK_BIN" --db "$other" import "$tmp/a.$format" >/dev/null 2>"$tmp/import.err"
  expect_eq "$(cat "$tmp/import.err")" "import $tmp/a.$format: 0 added, 6 skipped (already there), 0 refused"
done
# What the copy holds: #2 is void, its number kept; #5 merged into #4; the undone #6 void.
db="$tmp/jsonl.sqlite"
st list --status all --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | paste -sd,)" "1,3,4"
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.voided_by // "-")"] | join(",")')" \
  "1 message -,4 note -,2 reply -,3 pause 5,5 void -"
st show 3 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[] | "\(.number) \(.kind) \(.author) \(.recorder)"] | join(",")')" \
  "1 message Globex tester,2 reply bob bob,3 assign tester tester,4 void tester tester,5 unvoid tester tester"
expect_eq "$(json_get "$out" .assignee)" carol
# An events-form file without numbers still imports (numbered in entry order, the earliest message
# first); one with some numbers and not others is refused with what to do.
cat >"$tmp/mixed.csv" <<'CSV'
client,subject,number,kind,at
Acme,Mixed,1,message,2026-11-23 09:00
Acme,Mixed,,reply,2026-11-23 10:00
CSV
st import "$tmp/mixed.csv"; expect_rc 2
expect_err_has "mixed.csv:2: some events have a number and some do not; give every event its number or none"
finish
