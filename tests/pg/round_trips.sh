#!/usr/bin/env bash
# Round trips to the server (docs/teams.md, "Round trips"): a team member far from the server
# (New York to a server in Europe, ~100 ms each) waits for every one, so the everyday commands
# make few, and this test fails when they grow back. SLATRACK_PG_TRACE=1 prints one line on
# stderr for each (and nothing else changes: stdout, the rest of stderr and the exit code are
# those of the command without it).
source "$(dirname "$0")/../e2e/lib.sh" "$1"
export SLATRACK_NOW=2026-11-23T11:00:00Z

# trips ARGS...: runs slatrack on $db with SLATRACK_PG_TRACE=1; sets $out, $err (without the
# trace), $rc and $trips (the round trips), and keeps the trace in $tmp/trace.
trips() {
  out=$(SLATRACK_PG_TRACE=1 "$SLATRACK_BIN" --db "$db" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  grep '^slatrack: pg round trip: ' "$tmp/stderr" >"$tmp/trace" || true
  err=$(grep -v '^slatrack: pg round trip: ' "$tmp/stderr" || true)
  trips=$(wc -l <"$tmp/trace")
}
# at_most N WHAT: the last command made at most N round trips (its trace shown when not).
at_most() {
  checks=$((checks + 1))
  if [ "$trips" -gt "$1" ]; then
    fail "$2: $trips round trips, at most $1 expected; they were:
$(cat "$tmp/trace")"
  fi
}

st init; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday office 2026-12-25; expect_rc 0
st sla add standard --calendar office --reply 4h --resolve 5d; expect_rc 0
st client add acme --sla standard --owner sam; expect_rc 0
st log acme "Printer on fire" -q; expect_rc 0

# The trace changes nothing else: the same output as without it.
st log acme "Second printer" --at 2026-11-23T09:00:00Z; expect_rc 0
plain_out=$out
plain_err=$err
st void 2 -m "test"; expect_rc 0
trips log acme "Second printer" --at 2026-11-23T09:00:00Z; expect_rc 0
expect_eq "$out" "${plain_out//#2/#3}" "(stdout with the trace)"
expect_eq "$err" "${plain_err//#2/#3}" "(stderr with the trace)"
expect_eq "$(head -1 "$tmp/trace")" "slatrack: pg round trip: connect" "(the first)"

# The counts: connecting, the schema's version, then the command's own. Before this test (22
# statements for log, each its own round trip) see docs/performance.md, "Round trips".
trips log acme "Paper jam"; expect_rc 0; expect_out_has "Logged #4 for acme"
at_most 11 "log"
trips log acme "Paper jam"; expect_rc 0; expect_err_has "#4 has the same subject"
at_most 11 "log, with the warning of the same subject"
trips reply 4; expect_rc 0; expect_out_has "Replied to #4 (acme): reply met"
at_most 12 "reply"
trips note 4 "called them"; expect_rc 0
at_most 6 "note"
trips overdue; expect_rc 0
at_most 4 "overdue"
trips log acme "By ref" --ref T-1; expect_rc 0
trips log acme "By ref" --ref T-1; expect_rc 0; expect_out_has "Already logged as #6"
at_most 4 "log of a ref logged already"

# Without the variable (or with 0) nothing is traced.
SLATRACK_PG_TRACE=0 st overdue; expect_rc 0; expect_no_err
st overdue; expect_rc 0; expect_no_err
finish
