#!/usr/bin/env bash
# list --search WORDS: requests in which every word starts a word of the subject, the ref or an
# event's text, ignoring case; combined with the other filters; kept up to date by every write and
# built for an existing database by its migration.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 12:00"

st client add "Acme Ltd"; st client add Bloom
st log acme "Invoice INV-1042 is wrong" -m "The VAT line is missing" --at 09:00 -q; expect_out 1
st log acme "Printer jam" --ref T-77 --at 09:10 -q; expect_out 2
st log bloom "Invoice for flowers" --at 09:20 -q; expect_out 3
st note 2 "Café visit planned"; expect_rc 0
st resolve 3; expect_rc 0

ids() { st list --status all --format tsv "$@"; out=$(printf '%s\n' "$out" | tail -n +2 | cut -f1 | tr '\n' ' '); }
ids --search invoice; expect_out "1 3 "
ids --search INV; expect_out "1 3 " "(a word's start, any case)"
ids --search voice; expect_out "" "(not the middle of a word)"
ids --search "inv vat"; expect_out "1 " "(every word, from the subject and an event's text)"
ids --search "inv-10"; expect_out "1 "
ids --search t-77; expect_out "2 " "(the ref)"
ids --search cafe; expect_out "2 " "(a note's text; diacritics ignored)"
ids --search "jam vat"; expect_out "" "(all words in the same request)"
ids --search invoice --client bloom; expect_out "3 " "(with the other filters)"
st list --search invoice --format tsv; expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -f1 | tr '\n' ' ')" "1 " "(default status: not resolved)"
# Kept up to date: an edit's new subject and the edit's own text.
st edit 2 --subject "Toner low"; expect_rc 0
ids --search toner; expect_out "2 "
st reply 1 -m "Credit note sent"; ids --search credit; expect_out "1 "
# Bad words: exit 2.
st list --search " & - "; expect_rc 2
expect_err 'slatrack: error: bad --search "& -": give one or more words with letters or digits' # trimmed as every value is
st list --search 'a"b'; expect_rc 0; expect_no_out
# The index is consistent with its tables (a database file's; a team database has none: it
# matches with the same tokenizer as it reads).
if [ -z "$pg_db" ]; then
  expect_eq "$(sqlite3 "$db" "INSERT INTO requests_fts (requests_fts) VALUES ('integrity-check'); INSERT INTO events_fts (events_fts) VALUES ('integrity-check'); SELECT 'ok'")" ok
fi
st check; expect_rc 0

# An older database (tests/fixtures/schema-2.sqlite): the migration indexes what is there, and
# a search finds what LIKE finds.
old="$tmp/old.sqlite"
cp "$(dirname "$0")/../fixtures/schema-2.sqlite" "$old"
word=$(sqlite3 "$old" "SELECT subject FROM requests ORDER BY id LIMIT 1" | cut -d' ' -f1)
count=$(sqlite3 "$old" "SELECT count(*) FROM requests WHERE subject LIKE '$word%' OR subject LIKE '% $word%' OR ref LIKE '$word%' OR id IN (SELECT request_id FROM events WHERE text LIKE '$word%' OR text LIKE '% $word%')")
out=$("$SLATRACK_BIN" --db "$old" list --status all --search "$word" --format tsv 2>"$tmp/stderr") && rc=0 || rc=$?
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "$count" "(migrated: \"$word\" found as often as LIKE finds it)"
expect_eq "$([ "$count" -gt 0 ] && echo some)" some "(the word is there)"
finish
