#!/usr/bin/env bash
# --help and --version are interface: they list every command, exit 0, and touch no database.
source "$(dirname "$0")/lib.sh" "$1"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data"

st --version; expect_rc 0; expect_out "slatrack 0.1.0"
# `--version` alone is answered before the command tree is built; with other options it goes
# through the parser: the same line either way.
st --db "$tmp/unused.db" --version; expect_rc 0; expect_out "slatrack 0.1.0"
st --help; expect_rc 0
for command in init calendar sla client log followup reply pause resume resolve reopen note \
               assign edit list show explain overdue; do
  expect_out_has "  $command " "(--help lists $command)"
done
for option in "--db PATH" "--now TIME" "--tz ZONE" "--format FORMAT" "--color WHEN" "-q,--quiet"; do
  expect_out_has "$option" "(--help lists $option)"
done
expect_out_has "Exit codes: 0 done, 1 overdue found something overdue, 2 bad usage or input, 3 database or environment trouble (mail: 75)."
st log --help; expect_rc 0
expect_out_has "Usage: slatrack log [OPTIONS] CLIENT SUBJECT"
expect_out_has "--create-client"
st calendar add --help; expect_rc 0
expect_out_has "--hours SPEC REQUIRED"
st overdue --help; expect_rc 0
expect_out_has "--within DUR"
expect_out_has "--new"
# No database was created by any of this (the default path is under $XDG_DATA_HOME).
expect_eq "$(ls -A "$tmp/data" 2>/dev/null | wc -l)" 0 "(no database created)"
# Without --db the XDG default is used and created 0700/0600.
out=$("$SLATRACK_BIN" init 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_out_has "$tmp/data/slatrack/slatrack.db"
expect_eq "$(stat -c %a "$tmp/data/slatrack")" 700 "(data directory mode)"
expect_eq "$(stat -c %a "$tmp/data/slatrack/slatrack.db")" 600 "(database mode)"
unset XDG_DATA_HOME
out=$("$SLATRACK_BIN" init 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_out_has "$tmp/home/.local/share/slatrack/slatrack.db"
finish
