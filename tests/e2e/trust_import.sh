#!/usr/bin/env bash
# Import never drops silently (issue 20 item 8): in the one-row-per-event CSV/TSV form, the rows of
# one request need not be adjacent (a sheet sorted by time): they are grouped by ref (else by id,
# client and subject), from a file or a pipe, and requests are numbered in the order of their
# first rows. Rows of one ref that disagree on the client or subject are refused with both line
# numbers. A row with too few cells is refused with its line number, never padded.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-30T12:00:00Z

st init; expect_rc 0
st client add acme; expect_rc 0
st client add beta; expect_rc 0
ready=$(snapshot "$tmp/ready.sqlite" && echo yes)
expect_eq "$ready" yes "copy of the empty database"
fresh() { # a database with the clients and nothing else
  restore "$tmp/ready.sqlite"
}

# A sheet sorted by time: the rows of r1 and r2 interleave; r1 has its reply and resolve later.
cat >"$tmp/by-time.csv" <<'EOF'
ref,client,subject,kind,at,text
r1,acme,Invoice is wrong,message,2026-11-23T09:00:00Z,The total is off
r2,beta,Login fails,message,2026-11-23T09:30:00Z,
r1,acme,Invoice is wrong,reply,2026-11-23T10:00:00Z,Looking
r2,beta,Login fails,reply,2026-11-23T10:30:00Z,
r1,acme,Invoice is wrong,resolve,2026-11-23T11:00:00Z,
,acme,No ref,message,2026-11-24T09:00:00Z,
r2,beta,Login fails,resolve,2026-11-24T10:00:00Z,
,acme,No ref,reply,2026-11-24T11:00:00Z,
EOF
expected_list='1|acme|Invoice is wrong|resolved|3
2|beta|Login fails|resolved|3
3|acme|No ref|open|2'
summary() {
  st export --format jsonl
  json_get "$out" '[.id, .client, .subject, .status, (.events | length)] | map(tostring) | join("|")'
}

st import "$tmp/by-time.csv"; expect_rc 0
expect_err "import $tmp/by-time.csv: 3 added, 0 skipped (already there), 0 refused"
expect_eq "$(summary)" "$expected_list" "rows of one ref grouped (a file)"
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[].kind] | join(",")')" "message,reply,resolve" "r1's events"
first_export=$(st export --format jsonl && echo "$out")
# Again: nothing new, nothing lost.
st import "$tmp/by-time.csv"; expect_rc 0
expect_err "import $tmp/by-time.csv: 0 added, 3 skipped (already there), 0 refused"

# From a pipe: the same.
fresh
out=$("$SLATRACK_BIN" --db "$db" import - <"$tmp/by-time.csv" 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0 "pipe"; expect_err "import stdin: 3 added, 0 skipped (already there), 0 refused"
expect_eq "$(summary)" "$expected_list" "rows of one ref grouped (a pipe)"
st export --format jsonl; expect_eq "$out" "$first_export" "a pipe imports as a file does"

# TSV, and the export's own CSV form read back in reverse order of its rows (header first).
fresh
tr ',' '\t' <"$tmp/by-time.csv" >"$tmp/by-time.tsv"
st import "$tmp/by-time.tsv"; expect_rc 0
expect_eq "$(summary)" "$expected_list" "rows of one ref grouped (TSV)"
st export --format csv; expect_rc 0
{ head -1 <<<"$out"; tail -n +2 <<<"$out" | tac; } >"$tmp/reversed.csv"
first_csv=$out
fresh
st import "$tmp/reversed.csv"; expect_rc 0
expect_err "import $tmp/reversed.csv: 3 added, 0 skipped (already there), 0 refused"
st export --format csv; expect_rc 0
# Numbered in the order of their first rows: reversed, the request with no ref comes first.
expect_eq "$(cut -d, -f3 <<<"$out" | sort | uniq -c | tr -s ' ')" \
  "$(cut -d, -f3 <<<"$first_csv" | sort | uniq -c | tr -s ' ')" "every event came back"
expect_eq "$(summary | cut -d'|' -f2-)" 'acme|No ref|open|2
beta|Login fails|resolved|3
acme|Invoice is wrong|resolved|3' "numbered in the order of their first rows"

# Rows of one ref that disagree: the request is refused, naming both lines; nothing is imported
# (whole or not at all).
fresh
cat >"$tmp/conflict.csv" <<'EOF'
ref,client,subject,kind,at
r1,acme,Invoice is wrong,message,2026-11-23T09:00:00Z
r2,beta,Login fails,message,2026-11-23T09:30:00Z
r1,acme,Invoice was wrong,reply,2026-11-23T10:00:00Z
r1,beta,Invoice is wrong,resolve,2026-11-23T11:00:00Z
EOF
st import "$tmp/conflict.csv"; expect_rc 2
expect_err "$tmp/conflict.csv:4: the subject differs from line 2, where ref \"r1\" begins; a request's rows give the same id, client and subject (or use another ref)
import $tmp/conflict.csv: 0 added, 0 skipped (already there), 1 refused
slatrack: error: 1 of 2 requests was refused (listed above, so nothing was imported); fix it and import the file again: what is already there is skipped"
expect_eq "$(summary)" "" "nothing imported, not even r2"

# Too few cells: refused with the line number, not padded (both forms, CSV and TSV).
fresh
cat >"$tmp/short.csv" <<'EOF'
client,subject,received_at,replied_at
acme,Complete,2026-11-23T09:00:00Z,2026-11-23T10:00:00Z
acme,Short,2026-11-23T09:00:00Z
EOF
st import "$tmp/short.csv"; expect_rc 2
expect_err "$tmp/short.csv:3: 3 cells but the header names 4 columns; give every column (an empty cell is nothing between two commas)
import $tmp/short.csv: 0 added, 0 skipped (already there), 1 refused
slatrack: error: 1 of 2 requests was refused (listed above, so nothing was imported); fix it and import the file again: what is already there is skipped"
expect_eq "$(summary)" "" "nothing imported"
sed -i 3d "$tmp/short.csv"
st import "$tmp/short.csv"; expect_rc 0
printf 'ref\tclient\tsubject\tkind\tat\nr5\tacme\tT\tmessage\t2026-11-23T09:00:00Z\nr5\tacme\tT\treply\n' \
  >"$tmp/short.tsv"
st import "$tmp/short.tsv"; expect_rc 2
expect_err "$tmp/short.tsv:3: 4 cells but the header names 5 columns; give every column (an empty cell is nothing between two tabs)
import $tmp/short.tsv: 0 added, 0 skipped (already there), 1 refused
slatrack: error: 1 of 1 request was refused (listed above); fix it and import the file again: what is already there is skipped"
expect_eq "$(summary)" "1|acme|Complete|open|2" "the short rows wrote nothing"

finish
