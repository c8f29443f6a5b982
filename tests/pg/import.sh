#!/usr/bin/env bash
# import on a team database (#18): the same outcomes, messages and export as on a file, batch by
# batch and as a bulk import (an input larger than the database: one transaction for every batch),
# numbers without gaps after the requests already there, and an import repeated is skipped whole.
source "$(dirname "$0")/../e2e/lib.sh" "$1"
export SLATRACK_NOW="2026-11-30 12:00"
file="$tmp/db.sqlite"

# both ARGS...: slatrack on the file and on the server: the same stdout, stderr (each database's
# name replaced by DB) and exit code. Sets $out, $err and $rc (the server's).
both() {
  local fout ferr frc
  fout=$("$SLATRACK_BIN" --db "$file" "$@" 2>"$tmp/stderr") && frc=0 || frc=$?
  ferr=$(sed "s#$file#DB#g" "$tmp/stderr")
  out=$("$SLATRACK_BIN" --db "$db" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(sed "s#$db#DB#g" "$tmp/stderr")
  checks=$((checks + 1))
  if [ "$fout" != "$out" ] || [ "$ferr" != "$err" ] || [ "$frc" != "$rc" ]; then
    fail "the same on a file and a server: $*
  file stdout: $fout
  file stderr: $ferr
  file rc: $frc"
  fi
}

both sla add std --reply 2h --resolve 3d; expect_rc 0
both client add "Acme Ltd" --sla std --owner ann; expect_rc 0
both log acme "Already there" --at "2026-11-02 09:00" -q; expect_rc 0

# 2,500 requests (a bulk import into a database of one: more than one batch of 1,000), a few
# refused, clients made on the way.
{
  echo "client,subject,received_at,ref,priority,replied_at,resolved_at,text"
  for i in $(seq 1 2500); do
    day=$(( (i % 20) + 1 ))
    client="Acme Ltd"
    [ $((i % 7)) -eq 0 ] && client="Client $((i % 5))"
    case $((i % 500)) in
    13) echo "$client,Bad $i,2026-11-$(printf %02d $day) 09:00,r$i,hgih,," ;;
    *) echo "$client,\"Subject $i, with a comma\",2026-11-$(printf %02d $day) 09:$(printf %02d $((i % 60))),r$i,normal,2026-11-$(printf %02d $day) 10:00,,\"Text $i\"" ;;
    esac
  done
  echo "Acme Ltd,No ref,2026-11-03 09:00,,,,,"
  echo "Acme Ltd,No ref,2026-11-03 09:00,,,,,"
} >"$tmp/big.csv"
both import "$tmp/big.csv" --create-clients; expect_rc 2
# Whole or not at all: the refused rows roll back the bulk import, its new clients too.
expect_err_has "import $tmp/big.csv: 0 added, 0 skipped (already there), 5 refused"
both list --status all --format tsv; expect_rc 0
both client list --format tsv; expect_rc 0
grep -v ',hgih,' "$tmp/big.csv" >"$tmp/good.csv"
both import "$tmp/good.csv" --create-clients; expect_rc 0
expect_err_has "import $tmp/good.csv: 2497 added, 0 skipped (already there), 0 refused; new clients: "
both export --format jsonl; expect_rc 0
both list --status all --format tsv; expect_rc 0
both client list --format tsv; expect_rc 0
both import "$tmp/big.csv" --create-clients; expect_rc 2
expect_err_has "import $tmp/big.csv: 0 added, 2497 skipped (already there), 5 refused"
both log acme "After" --at "2026-11-29 09:00" -q; expect_rc 0
expect_out 2499

# Batch by batch (an input smaller than the database), from an export, also JSON lines.
both export --format jsonl; expect_rc 0
printf '%s\n' "$out" | head -3 | sed 's/"ref":"r\([0-9]*\)"/"ref":"again-\1"/' >"$tmp/again.jsonl"
both import "$tmp/again.jsonl"; expect_rc 0
expect_err "import $tmp/again.jsonl: 2 added, 1 skipped (already there), 0 refused"
both export --format csv; expect_rc 0
both check; expect_rc 0

finish
