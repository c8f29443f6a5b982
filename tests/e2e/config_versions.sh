#!/usr/bin/env bash
# Rules as text have dates too (SPEC.md "Rules have dates"): config export writes a policy's
# versions; config apply starts a new version from now for a changed target, unless the file says
# `from = ...` or --retroactive is given; --dry-run names the requests whose outcomes would change.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-02T12:00:00Z

st init; expect_rc 0
st sla add standard --reply 4h; expect_rc 0
st client add Acme --sla standard; expect_rc 0
st log acme "one" --at 2026-11-10T09:00:00Z -q; expect_rc 0
st reply 1 --at 2026-11-10T12:00:00Z; expect_rc 0 # 3h: met against 4h
st log acme "two" --at 2026-11-30T10:00:00Z -q; expect_rc 0
st sla set standard --reply 2h --from 2026-12-01; expect_rc 0
st sla set standard --priority urgent --reply 30m --from 2026-12-01; expect_rc 0

st config export; expect_rc 0
expect_out '# slatrack rules: calendars, SLA policies and clients (docs/configuration.md).
# Apply with: slatrack config apply FILE [--dry-run] [--prune]

[sla.default]
calendar = "24x7"
reply = "24h"

[sla.standard]
from = "2026-12-01T00:00:00Z"
calendar = "24x7"
reply = "2h"

[sla.standard.urgent]
reply = "30m"

[[sla.standard.earlier]]
calendar = "24x7"
reply = "4h"

[client.Acme]
sla = "standard"'
printf '%s\n' "$out" >"$tmp/rules.toml"
st config apply "$tmp/rules.toml"; expect_rc 0; expect_out "$tmp/rules.toml: nothing to change"

# A changed target without `from`: a new version from now; nothing received before it changes.
printf '[sla.standard]\nreply = "90m"\n\n[sla.standard.urgent]\nreply = "30m"\n' >"$tmp/forward.toml"
st config apply "$tmp/forward.toml"; expect_rc 0
expect_out "change sla standard: reply 2h -> 1h30m
Applied $tmp/forward.toml: 1 change; 0 requests' outcomes changed, 0 running clocks' due times moved"
st sla show standard; expect_rc 0
expect_out_has "Wed 02 Dec 12:00  24x7      1h 30m"
st show 2 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-30T14:00:00Z

# With `from`: the change starts then (here in the past: #2, received since, is judged anew).
printf '[sla.standard]\nfrom = "2026-11-30T00:00:00Z"\nreply = "1h"\n\n[sla.standard.urgent]\nreply = "30m"\n' \
  >"$tmp/from.toml"
st config apply "$tmp/from.toml"; expect_rc 0
expect_out "change sla standard: reply 1h30m -> 1h
Applied $tmp/from.toml: 1 change; 0 requests' outcomes changed, 1 running clock's due time moved"
st show 2 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-30T11:00:00Z

# --retroactive: every version; --dry-run names the requests whose outcome would change.
printf '[sla.standard]\nreply = "2h"\n' >"$tmp/fix.toml"
st config apply "$tmp/fix.toml" --retroactive --dry-run; expect_rc 0
expect_out "change sla standard: reply 4h -> 2h
change sla standard: urgent: reply 30m -> inherit
Dry run of $tmp/fix.toml: 2 changes; 1 request's outcome would change (#1), 1 running clock's due time would move; nothing written"
st show 1 --format json; expect_eq "$(json_get "$out" '.clocks[0].outcome')" met "nothing written"
st config apply "$tmp/fix.toml" --retroactive; expect_rc 0
expect_out_has "2 changes; 1 request's outcome changed, 1 running clock's due time moved"
st show 1 --format json; expect_eq "$(json_get "$out" '.clocks[0].outcome')" breached

# `from` must be an absolute time, and is checked with its line.
printf '[sla.standard]\nfrom = "2026-12-01"\nreply = "2h"\n' >"$tmp/bad.toml"
st config apply "$tmp/bad.toml"; expect_rc 2
expect_err "slatrack: error: $tmp/bad.toml:2: from: \"2026-12-01\" is not an absolute time; write it in UTC, e.g. \"2027-04-01T00:00:00Z\", or with its offset"

# An earlier version edited in the file ([[sla.NAME.earlier]]) is refused, not silently ignored.
st config export; expect_rc 0
printf '%s\n' "$out" >"$tmp/now.toml"
grep -q '^\[\[sla.standard.earlier\]\]' "$tmp/now.toml" || fail "export writes the earlier versions"
awk '/^\[\[sla.standard.earlier\]\]/ { e = 1 } e && /^reply = / && !done { $0 = "reply = \"9h\""; done = 1 } { print }' \
  "$tmp/now.toml" >"$tmp/earlier.toml"
digest=$(db_digest)
st config apply "$tmp/earlier.toml"; expect_rc 2
expect_err "slatrack: error: sla \"standard\": its [[sla.standard.earlier]] versions differ from the database's, and config apply changes only the latest version; change an earlier one with: slatrack sla set standard --from TIME (or --retroactive)"
expect_eq "$(db_digest)" "$digest" "nothing written"
st config apply "$tmp/now.toml"; expect_rc 0; expect_out "$tmp/now.toml: nothing to change"

# In machine formats, sla set carries the counts and sla show the versions.
st sla set standard --reply 3h --from 2026-12-05 --format json; expect_rc 0
expect_eq "$(json_get "$out" '"\(.outcomes_changed) \(.clocks_moved)"')" "0 0"
st sla show standard --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.versions[] | "\(.from) \(.reply)"] | join(", ")')" \
  "null 7200, 2026-11-30T00:00:00Z 7200, 2026-12-01T00:00:00Z 7200, 2026-12-02T12:00:00Z 7200, 2026-12-05T00:00:00Z 10800"
st check; expect_rc 0
finish
