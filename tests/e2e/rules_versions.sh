#!/usr/bin/env bash
# The migration of docs/import-export.md keeps the rules' history (SPEC.md "Rules have dates",
# `config export | apply FILE`): config export, then config apply into an empty database, creates
# each policy and calendar with every version the file gives, dated as it says, so the import of
# the requests there gives the same export, config export and last month's report, byte for byte.
# Versions out of order in a file are refused (exit 2, nothing written).
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-05T12:00:00Z

st init; expect_rc 0
snapshot "$tmp/empty.sqlite" # the empty database the rules and requests move into

# ---- the source: a policy and a calendar that each changed on 1 December ----
st sla add standard --reply 4h; expect_rc 0
st client add Acme --sla standard; expect_rc 0
st log acme I --at "2026-11-24 09:00" -q; expect_rc 0
st reply 1 --at "2026-11-24 12:00"; expect_rc 0 # 3h: met against November's 4h
st sla set standard --reply 2h --from 2026-12-01; expect_rc 0
st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday office 2026-12-24 --name "Office closed"; expect_rc 0
st calendar edit office --hours "mon-fri 10:00-16:00" --from 2026-12-01; expect_rc 0
st sla add shop --calendar office --reply 8h; expect_rc 0
st sla set shop --priority urgent --reply 1h --from 2026-12-01; expect_rc 0
st client add Globex --sla shop; expect_rc 0
st log globex II --at "2026-11-26 09:00" -q; expect_rc 0 # Thursday
st reply 2 --at "2026-11-26 16:30"; expect_rc 0 # 7h30m of November's 8h: met
st report --month 2026-11; expect_rc 0
november=$out
st config export; expect_rc 0
rules=$out
printf '%s\n' "$rules" >"$tmp/r.toml"
st export --format jsonl; expect_rc 0
requests=$out
printf '%s\n' "$requests" >"$tmp/r.jsonl"

# ---- into an empty database (on the same backend) ----
restore "$tmp/empty.sqlite"
st config apply "$tmp/r.toml"; expect_rc 0
expect_out "add calendar office: tz Europe/London, hours mon-fri 10:00-16:00, 1 holiday; from 2026-12-01, 1 earlier version
add sla shop: calendar office, reply 8h; urgent: reply 1h; from 2026-12-01T00:00:00Z, 1 earlier version
add sla standard: calendar 24x7, reply 2h; from 2026-12-01T00:00:00Z, 1 earlier version
add client Acme: sla standard
add client Globex: sla shop
Applied $tmp/r.toml: 5 changes; 0 requests' outcomes changed, 0 running clocks' due times moved"
st config export; expect_rc 0
expect_eq "$out" "$rules" "config export after the round trip"
st config apply "$tmp/r.toml"; expect_rc 0; expect_out "$tmp/r.toml: nothing to change"
st calendar show office; expect_rc 0
expect_out_has "the beginning  Europe/London  mon-fri 09:00-17:00
2026-12-01     Europe/London  mon-fri 10:00-16:00"
st import "$tmp/r.jsonl"; expect_rc 0
st export --format jsonl; expect_rc 0
expect_eq "$out" "$requests" "export after the round trip"
st report --month 2026-11; expect_rc 0
expect_eq "$out" "$november" "last month's report after the round trip"
st show 1 --format json; expect_eq "$(json_get "$out" '.clocks[0].outcome')" met "#1 on 4h"
st show 2 --format json; expect_eq "$(json_get "$out" '.clocks[0].outcome')" met "#2 on 09:00-17:00"
st check; expect_rc 0

# ---- a new policy or calendar whose versions are out of order is refused, nothing written ----
restore "$tmp/empty.sqlite"
digest=$(db_digest)
printf '[sla.late]\nfrom = "2026-11-01T00:00:00Z"\nreply = "2h"\n\n[[sla.late.earlier]]\nreply = "4h"\n\n[[sla.late.earlier]]\nfrom = "2026-12-01T00:00:00Z"\nreply = "3h"\n' \
  >"$tmp/order.toml"
st config apply "$tmp/order.toml"; expect_rc 2
expect_err "slatrack: error: $tmp/order.toml: add sla late: SLA policy \"late\": each version after the first needs a from later than the one before it (oldest first: the [[sla.NAME.earlier]] tables, then [sla.NAME])"
printf '[calendar.shut]\ntz = "UTC"\nhours = "mon-fri 09:00-17:00"\n\n[[calendar.shut.earlier]]\ntz = "UTC"\nhours = "mon-fri 08:00-16:00"\n' \
  >"$tmp/undated.toml"
st config apply "$tmp/undated.toml"; expect_rc 2
expect_err "slatrack: error: $tmp/undated.toml: add calendar shut: calendar \"shut\": each version after the first needs a from later than the one before it (oldest first: the [[calendar.NAME.earlier]] tables, then [calendar.NAME])"
expect_eq "$(db_digest)" "$digest" "nothing written"
finish
