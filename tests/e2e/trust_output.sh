#!/usr/bin/env bash
# Output that cannot be written is a failure (SPEC "Exit codes"; issue 20 item 2): into a full disk
# (/dev/full), a closed pipe or a closed stdout every command exits 3 with one line on stderr, and
# `overdue --new` remembers a clock only once its row has reached stdout, so that it is told again
# by the next run (docs/reports.md: a failure errs toward telling twice, never toward never).
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
S=$SLATRACK_BIN

full_msg() {
  echo "slatrack: error: cannot write the output ($1); what was written is incomplete: free some space or check where the output goes, and run the command again"
}

# into_full ARGS...: runs slatrack with stdout on /dev/full.
into_full() {
  out=""
  "$S" --db "$db" "$@" >/dev/full 2>"$tmp/stderr" && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
# into_closed ARGS...: runs slatrack with stdout closed.
into_closed() {
  out=""
  "$S" --db "$db" "$@" >&- 2>"$tmp/stderr" && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}
# into_broken_pipe ARGS...: stdout is a pipe whose reader has gone before slatrack starts.
into_broken_pipe() {
  out=""
  rm -f "$tmp/closed"
  (
    while [ ! -e "$tmp/closed" ]; do sleep 0.01; done
    exec "$S" --db "$db" "$@" 2>"$tmp/stderr"
  ) | (exec 0<&-; touch "$tmp/closed"; sleep 3)
  rc=${PIPESTATUS[0]}
  err=$(cat "$tmp/stderr")
}

st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h; expect_rc 0
st client add acme --sla standard; expect_rc 0
for i in $(seq 1 300); do
  st log acme "request $i with a subject long enough to fill a buffer or two" --at "2026-11-2$((i % 5))T0$((i % 10)):00:00Z" -q
done
st list --format csv; expect_rc 0

# Every command that prints: exit 3, one line, never 0 with a cut file.
for cmd in "export" "export --format csv" "export --format json" "list" "list --format jsonl" \
  "report" "config export" "check" "show 1" "explain 1" "overdue" "client list" "calendar list" \
  "sla show standard" "calendar due office now 2h"; do
  # shellcheck disable=SC2086
  into_full $cmd
  expect_rc 3 "($cmd > /dev/full)"
  expect_err "$(full_msg "No space left on device")"
  # shellcheck disable=SC2086
  into_closed $cmd
  expect_rc 3 "($cmd >&-)"
  expect_err "$(full_msg "Bad file descriptor")"
done
into_broken_pipe export --format csv
expect_rc 3 "(export into a closed pipe)"
expect_err "$(full_msg "Broken pipe")"
# A command that writes and then cannot say so: exit 3 (what it recorded stays recorded).
into_full log acme "one more" -q; expect_rc 3; expect_err "$(full_msg "No space left on device")"

# ---- overdue --new: remembered only once shown ----
st overdue --format csv; expect_rc 1
all=$(printf '%s\n' "$out" | tail -n +2 | wc -l)
into_full overdue --new; expect_rc 3; expect_err "$(full_msg "No space left on device")"
into_closed overdue --new --format jsonl; expect_rc 3; expect_err "$(full_msg "Bad file descriptor")"
into_broken_pipe overdue --new --format csv; expect_rc 3; expect_err "$(full_msg "Broken pipe")"
expect_eq "$(db_sql "SELECT count(*) FROM overdue_seen")" 0 "nothing remembered when nothing was delivered"
st overdue --new --format csv; expect_rc 1
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "$all" "every breach is told by the next run"
st overdue --new --format csv; expect_rc 0; expect_no_out "told once delivered"

finish
