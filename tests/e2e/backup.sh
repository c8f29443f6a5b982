#!/usr/bin/env bash
# backup: a consistent copy through SQLite's online backup API, readable by its owner only, that
# opens as a normal slatrack database, also while another process keeps writing; it never
# overwrites a file.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-30 12:00"

st client add Acme --owner ann; expect_rc 0
st log Acme "First" --at "2026-11-30 09:00" --ref b1 -q; expect_rc 0
st reply 1 --at "2026-11-30 10:00"; expect_rc 0

st backup "$tmp/copy.db"; expect_rc 0; expect_no_err
expect_out "Backed up $db to $tmp/copy.db"
expect_eq "$(stat -c %a "$tmp/copy.db")" 600 "(backup mode)"
expect_eq "$(sqlite3 "$tmp/copy.db" 'PRAGMA integrity_check')" ok
st export --format jsonl; want=$out
out=$("$SLATRACK_BIN" --db "$tmp/copy.db" export --format jsonl 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0; expect_eq "$out" "$want" "(the copy holds the same requests)"
out=$("$SLATRACK_BIN" --db "$tmp/copy.db" list --status all --format csv 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0; expect_out_has "1,Acme,First,email,normal,open,ann,default,24x7,b1,"

# Never over an existing file; the file is left as it was.
echo "precious" >"$tmp/taken.db"
st backup "$tmp/taken.db"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $tmp/taken.db exists; a backup never overwrites a file: remove it first or name a new file"
expect_eq "$(cat "$tmp/taken.db")" precious
st backup "$tmp/copy.db"; expect_rc 2
st backup "$tmp/no/such/dir/x.db"; expect_rc 3
expect_err "slatrack: error: cannot create $tmp/no/such/dir/x.db: No such file or directory; check the directory's permissions or name another file"

# Machine formats and -q.
st backup "$tmp/copy2.db" --format json; expect_rc 0
expect_eq "$(json_get "$out" '.backup')" "$tmp/copy2.db"
expect_eq "$(json_get "$out" '.bytes')" "$(stat -c %s "$tmp/copy2.db")"
st backup "$tmp/copy3.db" -q; expect_rc 0; expect_no_out; expect_no_err

# While another process keeps logging: every copy is whole and consistent.
(
  for i in $(seq 1 150); do
    "$SLATRACK_BIN" --db "$db" log Acme "Background $i" --ref "bg$i" -q >/dev/null 2>>"$tmp/bg.err"
  done
) &
writer=$!
for n in 1 2 3; do
  sleep 0.2
  st backup "$tmp/live$n.db"; expect_rc 0
done
wait "$writer"
expect_eq "$(cat "$tmp/bg.err")" "" "(the writer never failed)"
st list --status all --format jsonl; expect_eq "$(printf '%s\n' "$out" | wc -l)" 151
for n in 1 2 3; do
  copy="$tmp/live$n.db"
  expect_eq "$(stat -c %a "$copy")" 600
  expect_eq "$(sqlite3 "$copy" 'PRAGMA integrity_check')" ok
  out=$("$SLATRACK_BIN" --db "$copy" list --status all --format jsonl 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
  expect_rc 0
  count=$(printf '%s\n' "$out" | grep -c '"id"')
  checks=$((checks + 1))
  [ "$count" -ge 1 ] && [ "$count" -le 151 ] || fail "copy $n holds $count requests"
  # A consistent snapshot: the requests are 1..count without gaps, each with its clocks.
  expect_eq "$(printf '%s\n' "$out" | jq -s 'map(.id) | sort == [range(1; length + 1)]')" true
  expect_eq "$(sqlite3 "$copy" 'SELECT count(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id)')" 0
done
finish
