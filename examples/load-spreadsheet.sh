#!/usr/bin/env bash
# load-spreadsheet.sh [FILE]: load requests kept in a spreadsheet into slatrack. Save the sheet as
# CSV (UTF-8) first; examples/spreadsheet.csv is the default FILE and shows the columns.
#
# Columns are found by name in the header row, in any order and any case ("Received At" is
# received_at): Ref, Client, Subject, Channel, Priority, Assignee, Received At, Replied At,
# Resolved At, and optionally SLA and Text (docs/import-export.md). Times are local in TZ unless
# they end in Z or an offset. Clients not yet in slatrack are added (default SLA policy).
#
# Run it again after editing the sheet: rows already loaded are skipped (by their Ref), new rows
# are added, and rows slatrack refuses are listed with their line numbers while the others are
# kept. Exit status: slatrack's (0 all loaded, 2 some rows refused, 3 database trouble).
#
# Environment: SLATRACK_BIN (default: slatrack on PATH), SLATRACK_DB, TZ.
set -uo pipefail

slatrack=${SLATRACK_BIN:-slatrack}
file=${1:-$(dirname "$0")/spreadsheet.csv}

# The refused rows (with their line numbers) and a summary go to stderr.
status=0
"$slatrack" import "$file" --create-clients || status=$?
if [ "$status" -le 2 ]; then
  echo "Open now:"
  "$slatrack" list
fi
exit "$status"
