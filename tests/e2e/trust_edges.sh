#!/usr/bin/env bash
# The smaller findings of issue 20 (item 9, and item 5's input reading): each refused or handled
# as SPEC "Exit codes" and "Output" say. `import` of a directory is bad input (exit 2); a path in a
# message is escaped; `list --since` not before `--until` is refused as `report` refuses it; a
# follow-up before the first message is refused; the settings and rules files have a size limit;
# `explain` is linear in a request's events; an import line has a size limit.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
S=$SLATRACK_BIN

st client add acme; expect_rc 0
st log acme "Invoice is wrong" --at 2026-11-24T10:00:00Z -q; expect_rc 0
digest=$(db_digest)

# ---- import of a directory: bad input, as the docs say (was exit 3) ----
st import /etc; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot read /etc: it is a directory; give a CSV, TSV or JSON lines file (or - for stdin)"

# ---- file names in messages are escaped ----
st import "$tmp/bad$(printf '\033')]8;;x$(printf '\a')name.csv"; expect_rc 2
expect_err "slatrack: error: cannot read $tmp/bad\\x1b]8;;x\\x07name.csv: No such file or directory; check the path (or give - for stdin)"
out=$("$S" --db "$tmp/nope$(printf '\033')[2J/db.sqlite" list 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 3
expect_err "slatrack: error: no database at $tmp/nope\\x1b[2J/db.sqlite; create it with: slatrack init (or point --db at your database)"

# ---- list --since not before --until ----
st list --since 2026-11-25 --until 2026-11-24; expect_rc 2; expect_no_out
expect_err "slatrack: error: --since 2026-11-25 00:00:00 +00:00 is not before --until 2026-11-24 00:00:00 +00:00; give an earlier --since or a later --until"
st list --since 2026-11-24 --until 2026-11-24; expect_rc 2
st list --since 2026-11-24 --until 2026-11-25 --format csv; expect_rc 0; expect_out_has "Invoice is wrong"

# ---- followup --at before the first message (it moved the received time) ----
st followup 1 --at 2026-11-24T09:00:00Z; expect_rc 2; expect_no_out
expect_err "slatrack: error: cannot follow up #1: it is before the request's first message"
st reply 1 --at 2026-11-24T09:59:00Z; expect_rc 2
expect_err "slatrack: error: cannot reply to #1: it is before the request's first message"
expect_eq "$(db_digest)" "$digest" "nothing written by the refusals"
st followup 1 --at 2026-11-24T10:00:00Z; expect_rc 0

# ---- the settings file and the rules file have a size limit (--config /dev/zero grew to GBs) ----
st --config /dev/zero list; expect_rc 2; expect_no_out
expect_err "slatrack: error: --config: /dev/zero is larger than 1024 KiB; a settings file is a few lines of TOML (db, tz, color, format): check the file name"
st config apply /dev/zero; expect_rc 2
expect_err "slatrack: error: /dev/zero is larger than 16 MiB; a rules file is TOML such as slatrack config export writes: check the file name"

# ---- import reads all or nothing: a line past the size limit is refused, nothing imported ----
digest=$(db_digest)
{
  echo "client,subject,received_at"
  for i in $(seq 1 100); do echo "acme,row $i,2026-11-24T11:00:00Z"; done
  printf 'acme,"'
  head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' x
  printf '",2026-11-24T11:00:00Z\n'
  echo "acme,after,2026-11-24T11:00:00Z"
} >"$tmp/long.csv"
st import "$tmp/long.csv"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $tmp/long.csv:102: the line is longer than 64 MiB; import reads lines of at most that: split the request's events over CSV rows, or shorten its texts"
expect_eq "$(db_digest)" "$digest" "nothing imported from a file with a line too long"
rm -f "$tmp/long.csv"
# A read error is an error, not the end of the input.
st import /proc/self/mem; expect_rc 3
expect_err "slatrack: error: cannot read /proc/self/mem after line 0: Input/output error; nothing was imported from the rest: check the file and run the import again"

# ---- explain is linear in a request's events (20,000 events took 32 s) ----
# One request with 10,000 follow-ups and replies, a minute apart from 2026-11-01 00:00 UTC.
awk 'BEGIN {
  print "client,subject,ref,kind,at"
  for (m = 0; m < 20000; m++) {
    printf "acme,busy,busy-1,%s,2026-11-%02dT%02d:%02d:00Z\n", (m % 2 ? "reply" : "message"),
      1 + int(m / 1440), int((m % 1440) / 60), m % 60
  }
}' >"$tmp/busy.csv"
st import "$tmp/busy.csv" -q; expect_rc 0
start=$(date +%s%N)
st explain 2 --format jsonl; expect_rc 0
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "$(printf '%s\n' "$out" | wc -l)" 10000 "one line per reply clock"
checks=$((checks + 1))
[ "$elapsed_ms" -lt 8000 ] || fail "explain of 20,000 events took ${elapsed_ms} ms (quadratic?)"

finish
