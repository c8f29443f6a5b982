#!/usr/bin/env bash
# The bulk import (docs/import-export.md, "Speed and memory"): an input larger than the database
# goes in one transaction that drops the secondary indexes and builds them again before the
# commit. Killed with SIGKILL at any moment (while inserting or while building the indexes), it
# leaves the database as it was: every index there, PRAGMA integrity_check ok, `check` clean, none
# of its requests. Readers see the database as it was until the commit; a writer meanwhile waits
# and then succeeds. An input smaller than the database still goes in batches of 10,000, one
# transaction each.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z

st sla add standard --reply 2h --update 1d --resolve 3d; expect_rc 0
st client add acme --sla standard --owner ann; expect_rc 0
st client add bloom --sla standard; expect_rc 0
st log acme "before the import" --ref base-1 --at 2026-11-24T09:00:00Z -q; expect_rc 0

# csv FILE PREFIX N: N requests with refs PREFIX-1..N, half of them replied and resolved.
csv() {
  {
    echo 'ref,client,subject,received_at,replied_at,resolved_at'
    for i in $(seq 1 "$3"); do
      if [ $((i % 2)) = 0 ]; then
        echo "$2-$i,acme,imported $i,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,2026-11-21T10:00:00Z"
      else
        echo "$2-$i,bloom,imported $i,2026-11-20T10:00:00Z,,"
      fi
    done
  } >"$1"
}
indexes() { sqlite3 "$db" "SELECT name || ': ' || ifnull(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name"; }
count() { sqlite3 "$db" "SELECT count(*) FROM requests WHERE ref LIKE '$1-%'"; }

before_indexes=$(indexes)
expect_eq "$(printf '%s\n' "$before_indexes" | grep -c 'requests_by_client\|events_by_request')" 2 "indexes to drop exist"

# ---- killed mid-way: all or nothing, the indexes always there ----
big="$tmp/big.csv"
csv "$big" big 20000
mid=0
for attempt in 1 2 3 4 5; do
  "$SLATRACK_BIN" --db "$db" import "$big" >/dev/null 2>&1 &
  pid=$!
  # Until the transaction has spilled pages into the -wal (it is inserting), then longer each
  # attempt: while inserting, later while building the indexes.
  for _ in $(seq 1 500); do
    size=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
    [ "$size" -gt 262144 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  sleep "$(awk "BEGIN { print ($attempt - 1) * 0.2 + $RANDOM / 327670 }")"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  imported=$(count big)
  case "$imported" in
  0) mid=$((mid + 1)) ;;
  20000) ;;
  *) expect_eq "$imported" "0 or 20000" "bulk import kill $attempt: all or nothing" ;;
  esac
  expect_eq "$(indexes)" "$before_indexes" "bulk import kill $attempt: every index there"
  expect_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "bulk import kill $attempt: integrity"
  [ "$imported" = 0 ] || break
done
echo "note: $mid kills landed inside the bulk import"
checks=$((checks + 1))
[ "$mid" -ge 1 ] || fail "no kill landed inside the bulk import (it finished first every time)"
st check; expect_rc 0; expect_out_has "ok: "

# Finishing: the whole file in one go, the same indexes, derived state equal to a re-evaluation.
already=$(count big) # 20000 when the last kill came after the commit
st import "$big"; expect_rc 0
expect_eq "$(count big)" 20000 "bulk import completed"
expect_err_has "import $big: $((20000 - already)) added, $already skipped (already there), 0 refused"
expect_eq "$(indexes)" "$before_indexes" "indexes after the bulk import"
# Events: the base message; bloom's 10,000 a message each, acme's 10,000 also a reply and a
# resolve. Clock runs: the base and bloom's reply and resolve clocks (running); acme's reply,
# update (from the reply to the resolve) and resolve clocks.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM events") $(sqlite3 "$db" "SELECT count(*) FROM clocks")" \
  "$((1 + 10000 + 10000 * 3)) $((2 + 10000 * 2 + 10000 * 3))" "events and clock runs"
expect_eq "$(sqlite3 "$db" "SELECT status, count(*) FROM requests WHERE ref LIKE 'big-%' GROUP BY status ORDER BY status" | tr '\n' ' ')" \
  "open|10000 resolved|10000 " "statuses"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests INDEXED BY requests_by_client WHERE client_id = (SELECT id FROM clients WHERE name = 'bloom')")" \
  10000 "the rebuilt index finds bloom's requests"
st check; expect_rc 0; expect_out "ok: 20001 requests checked"
# Again: everything is skipped (and the database is now the larger: batch by batch).
st import "$big"; expect_rc 0
expect_err_has "0 added, 20000 skipped (already there), 0 refused"

# ---- an input smaller than the database: batches of 10,000, one transaction each ----
small="$tmp/small.csv"
csv "$small" small 12000
for attempt in 1 2 3; do
  "$SLATRACK_BIN" --db "$db" import "$small" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 8 + 1))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  imported=$(count small)
  expect_eq "$((imported == 0 || imported == 10000 || imported == 12000))" 1 "batch import kill $attempt: whole batches only ($imported)"
  expect_eq "$(indexes)" "$before_indexes" "batch import kill $attempt: indexes"
  expect_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "batch import kill $attempt: integrity"
done
st import "$small"; expect_rc 0
expect_eq "$(count small)" 12000 "batch import completed"
st check; expect_rc 0; expect_out "ok: 32001 requests checked"

# ---- readers and writers during a bulk import ----
rm -f "$db" "$db-wal" "$db-shm"
st sla add standard --reply 2h --update 1d --resolve 3d; expect_rc 0
st client add acme --sla standard --owner ann; expect_rc 0
st client add bloom --sla standard; expect_rc 0
st log acme "before the import" --ref base-1 --at 2026-11-24T09:00:00Z -q; expect_rc 0
during="$tmp/during.csv"
csv "$during" during 8000
"$SLATRACK_BIN" --db "$db" import "$during" >/dev/null 2>"$tmp/during.err" &
pid=$!
for _ in $(seq 1 500); do
  size=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
  [ "$size" -gt 262144 ] && break
  sleep 0.01
done
# A reader is not blocked, and sees the database as it was (or, if the import has committed by
# then, all of it: never a part).
st list --status all --format csv; expect_rc 0
seen=$(printf '%s\n' "$out" | tail -n +2 | wc -l)
expect_eq "$((seen == 1 || seen == 8001))" 1 "a reader during the bulk import sees 1 or 8001 requests ($seen)"
echo "note: the reader saw $seen requests"
# A writer waits for the commit (the busy timeout is 10 s), then writes.
st log acme "during the import" --ref during-log --at 2026-11-24T10:00:00Z -q; expect_rc 0
wait "$pid"; import_rc=$?
expect_eq "$import_rc" 0 "the bulk import alongside"
expect_eq "$(count during)" 8001 "the import's requests and the log"
expect_eq "$(sqlite3 "$db" "SELECT id FROM requests WHERE ref = 'during-log'")" 8002 "the log came after the import"
expect_eq "$(indexes)" "$before_indexes" "indexes after the import alongside"
st check; expect_rc 0; expect_out "ok: 8002 requests checked"

# ---- export | import - into an empty database: a bulk import from a pipe, the same state ----
"$SLATRACK_BIN" --db "$db" config export >"$tmp/rules.toml"
copy="$tmp/copy.sqlite"
"$SLATRACK_BIN" --db "$copy" config apply "$tmp/rules.toml" >/dev/null; expect_eq "$?" 0 "rules applied"
out=$("$SLATRACK_BIN" --db "$db" export --format jsonl | "$SLATRACK_BIN" --db "$copy" import - 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 0; expect_err "import stdin: 8002 added, 0 skipped (already there), 0 refused"
expect_eq "$("$SLATRACK_BIN" --db "$copy" export --format jsonl | sha256sum)" \
  "$("$SLATRACK_BIN" --db "$db" export --format jsonl | sha256sum)" "export of the copy"
expect_eq "$(sqlite3 "$copy" "SELECT name || ': ' || ifnull(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name")" \
  "$before_indexes" "indexes of the copy"


# ---- a refused request: a bulk import writes nothing at all, the indexes back ----
refused_copy="$tmp/refused.sqlite"
"$SLATRACK_BIN" --db "$refused_copy" config apply "$tmp/rules.toml" >/dev/null
csv "$tmp/one-bad.csv" onebad 3000
sed -i '2000s/bloom/nobody/' "$tmp/one-bad.csv"
digest_before=$(sqlite3 "$refused_copy" .dump | sha256sum)
"$SLATRACK_BIN" --db "$refused_copy" import "$tmp/one-bad.csv" >/dev/null 2>"$tmp/stderr" && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 2
expect_err_has "$tmp/one-bad.csv:2000: no client \"nobody\""
expect_err_has "1 of 3000 requests was refused (listed above, so nothing was imported)"
expect_eq "$(sqlite3 "$refused_copy" .dump | sha256sum)" "$digest_before" "(the bulk import rolled back)"

finish
