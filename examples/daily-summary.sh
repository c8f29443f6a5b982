#!/usr/bin/env bash
# daily-summary.sh [DAY]: a plain-text summary of one day (default: yesterday) for a morning cron
# mail, built from slatrack's JSON lines with jq: what came in and what was resolved that day, per
# client, then what is open now by assignee and what is overdue now.
#
#   30 7 * * 1-5  SLATRACK_DB=... TZ=Europe/London /usr/local/bin/daily-summary.sh
#
# DAY is YYYY-MM-DD in the local zone (TZ). Environment: SLATRACK_BIN (default: slatrack on PATH),
# and SLATRACK_DB, SLATRACK_NOW, TZ as for slatrack. Needs jq and GNU date.
set -euo pipefail

slatrack=${SLATRACK_BIN:-slatrack}
today=$(date -d "${SLATRACK_NOW:-now}" +%Y-%m-%d 2>/dev/null || date +%Y-%m-%d)
day=${1:-$(date -d "$today -1 day" +%Y-%m-%d)}
next=$(date -d "$day +1 day" +%Y-%m-%d)
# The day's bounds (local midnights) as UTC instants, the form of slatrack's machine formats.
utc() {
  date -u -d "@$(date -d "$1 00:00" +%s)" +%Y-%m-%dT%H:%M:%SZ
}
from=$(utc "$day")
to=$(utc "$next")

all=$("$slatrack" list --status all --format jsonl)
# overdue exits 1 when something is overdue: that is news here, not a failure.
overdue=$("$slatrack" overdue --format jsonl) || [ $? -eq 1 ]

# per_client: "3 (Acme 2, Globex 1)" for the requests on stdin (JSON lines), or "0".
per_client() {
  jq -rs 'if length == 0 then "0" else
    "\(length) (" + (group_by(.client) | map("\(.[0].client) \(length)") | join(", ")) + ")" end'
}

echo "slatrack: $(date -d "$day" '+%a %d %b %Y')"
echo "New:      $(printf '%s\n' "$all" | jq -c --arg f "$from" --arg t "$to" \
  'select(.received_at >= $f and .received_at < $t)' | per_client)"
echo "Resolved: $(printf '%s\n' "$all" | jq -c --arg f "$from" --arg t "$to" \
  'select(.status == "resolved" and .resolved_at >= $f and .resolved_at < $t)' | per_client)"
printf '%s\n' "$all" | jq -rs '
  map(select(.status != "resolved")) as $open
  | "Open now: \($open | length) (\($open | map(select(.status == "waiting")) | length) waiting on the client)"
    + (if ($open | length) > 0 then
         "; by assignee: "
         + ($open | group_by(.assignee // "nobody")
            | map("\(.[0].assignee // "nobody") \(length)") | join(", "))
       else "" end)'
if [ -n "$overdue" ]; then
  echo "Overdue now:"
  printf '%s\n' "$overdue" | jq -r '
    "  #\(.id) \(.client): \(.subject | gsub("[\n\t]"; " ")) (\(.metric) due \(.due_at), \(.assignee // "nobody"))"'
else
  echo "Overdue now: nothing"
fi
