#!/usr/bin/env bash
# Crash safety: slatrack killed with SIGKILL at random moments (0-50 ms after it starts) during
# ordinary writes and during a large import. Afterwards the file passes PRAGMA integrity_check,
# opens, `check` finds the derived state equal to a full re-evaluation, and each command's write
# is wholly there or wholly absent: a logged request exists iff its first event and its clocks
# do; an import keeps whole batches (of 10,000 requests) only, or, into a database smaller than
# the file (a bulk import, one transaction), all or nothing, with every index still there
# (tests/e2e/import_bulk.sh kills bulk imports at more moments).
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
kills=${CRASH_KILLS:-30}

st sla add standard --reply 2h --update 1d; expect_rc 0
st client add acme --sla standard; expect_rc 0
st log acme "base" --at 2026-11-24T09:00:00Z -q; expect_rc 0

# kill_at_random ARGS...: runs slatrack in the background and SIGKILLs it after 0-50 ms.
kill_at_random() {
  "$SLATRACK_BIN" --db "$db" "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "0.0$(printf '%02d' $((RANDOM % 50)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

for i in $(seq 1 "$kills"); do
  case $((i % 3)) in
  0) kill_at_random log acme "crash $i" --ref "crash-$i" --at 2026-11-24T10:00:00Z -m "text $i" ;;
  1) kill_at_random reply 1 --at "2026-11-24T10:$(printf '%02d' $((i % 60))):00Z" -m "reply $i" ;;
  2) kill_at_random note 1 "note $i" ;;
  esac
done

# The file is sound and slatrack opens it (the -wal is recovered).
expect_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity after $kills kills"
st check; expect_rc 0; expect_out_has "ok: "
# Each log is whole or absent: request <=> its message event (with its text) <=> its clocks.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.kind = 'message')")" 0 "requests without their first event"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM clocks c WHERE c.request_id = r.id)")" 0 "requests without clocks"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE ref LIKE 'crash-%' AND id NOT IN (SELECT request_id FROM events WHERE text = 'text ' || substr(ref, 7))")" 0 "logs without their message text"
logged=$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE ref LIKE 'crash-%'")
echo "note: $logged of $((kills / 3)) killed logs had committed"
# Retrying a killed log with the same ref is safe: it exists once.
st log acme "crash 3" --ref crash-3 --at 2026-11-24T10:00:00Z -m "text 3" -q; expect_rc 0
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE ref = 'crash-3'")" 1 "retried log once"

# ---- a large import killed mid-way: whole batches only ----
csv="$tmp/import.csv"
{
  echo 'client,subject,received_at,ref'
  for i in $(seq 1 30000); do echo "acme,imported $i,2026-11-20T10:00:00Z,imp-$i"; done
} >"$csv"
before=$(sqlite3 "$db" "SELECT count(*) FROM requests")
indexes_before=$(sqlite3 "$db" "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
for attempt in 1 2 3 4 5; do
  "$SLATRACK_BIN" --db "$db" import "$csv" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  imported=$(($(sqlite3 "$db" "SELECT count(*) FROM requests") - before))
  expect_eq "$((imported % 10000))" 0 "import kill $attempt: whole batches only ($imported)"
  expect_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity after import kill $attempt"
  expect_eq "$(sqlite3 "$db" "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")" \
    "$indexes_before" "indexes after import kill $attempt"
done
st check; expect_rc 0; expect_out_has "ok: "
# Finishing the import afterwards adds exactly what is missing.
st import "$csv"; expect_rc 0
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM requests WHERE ref LIKE 'imp-%'")" 30000 "import completed"
st check; expect_rc 0
finish
