#!/usr/bin/env bash
# Rules as text: `config export` prints calendars, policies and clients as TOML; `config apply`
# makes the database match a file in one transaction, says what changed and how many requests'
# outcomes and running due times that changed; --dry-run writes nothing; --prune removes what the
# file does not name.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 09:00" # a Monday, UTC

# ---- export of rules made with commands, exact text ----
st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st calendar holiday office 12-25 --name Christmas; expect_rc 0
st calendar holiday office 2026-12-31; expect_rc 0
st sla add standard --calendar office --reply 2h --update 16h; expect_rc 0
st sla set standard --priority urgent --reply 30m --update none --retroactive; expect_rc 0
st client add "Acme Ltd" --sla standard --email ops@acme.example --owner ann --note 'Pays "late"'
expect_rc 0
st client add beta; expect_rc 0
expected='# slatrack rules: calendars, SLA policies and clients (docs/configuration.md).
# Apply with: slatrack config apply FILE [--dry-run] [--prune]

[calendar.office]
tz = "UTC"
hours = "mon-fri 09:00-17:00"
holidays = [
  { date = "12-25", name = "Christmas" },
  { date = "2026-12-31" },
]

[sla.default]
calendar = "24x7"
reply = "24h"

[sla.standard]
calendar = "office"
reply = "2h"
update = "16h"

[sla.standard.urgent]
reply = "30m"
update = "none"

[client."Acme Ltd"]
sla = "standard"
email = "ops@acme.example"
owner = "ann"
note = "Pays \"late\""

[client.beta]
sla = "default"'
st config export; expect_rc 0; expect_out "$expected"
# --format does not change it: the export is a file to edit and apply.
st config export --format json; expect_out "$expected" "(always TOML)"
printf '%s\n' "$out" >"$tmp/a.toml"

# ---- round trip: apply into an empty database, export again: the same text ----
empty="$tmp/empty.sqlite"
out=$("$SLATRACK_BIN" --db "$empty" config apply "$tmp/a.toml" 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_out 'add calendar office: tz UTC, hours mon-fri 09:00-17:00, 2 holidays
add sla standard: calendar office, reply 2h, update 16h; urgent: reply 30m, update none
add client Acme Ltd: sla standard, email "ops@acme.example", owner "ann", note "Pays "late""
add client beta: sla default
Applied '"$tmp"'/a.toml: 4 changes; 0 requests'"'"' outcomes changed, 0 running clocks'"'"' due times moved'
out=$("$SLATRACK_BIN" --db "$empty" config export 2>&1) && rc=0 || rc=$?
expect_rc 0; expect_out "$expected" "(export, apply, export is the same)"
out=$("$SLATRACK_BIN" --db "$empty" config apply "$tmp/a.toml" 2>&1) && rc=0 || rc=$?
expect_out "$tmp/a.toml: nothing to change"

# ---- changes re-evaluate the requests that use them ----
st log "Acme Ltd" "One" --at 09:00 -q; expect_out 1
st log "Acme Ltd" "Two" --at 09:00 -q; expect_out 2
st log beta "Three" --at 09:00 -q; expect_out 3
st log "Acme Ltd" "Four" --at 09:00 --priority urgent -q; expect_out 4
st show 1 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T11:00:00Z
sed -e 's/09:00-17:00/10:00-17:00/' -e 's/reply = "24h"/reply = "12h"/' \
    -e '/2026-12-31/d' "$tmp/a.toml" >"$tmp/b.toml"
changes='change calendar office: hours mon-fri 09:00-17:00 -> mon-fri 10:00-17:00
change calendar office: remove holiday 2026-12-31
change sla default: reply 24h -> 12h'
before=$(db_digest)
st config apply "$tmp/b.toml" --dry-run; expect_rc 0
expect_out "$changes
Dry run of $tmp/b.toml: 3 changes; 0 requests' outcomes would change, 4 running clocks' due times would move; nothing written"
expect_eq "$(db_digest)" "$before" "(dry run wrote nothing)"
st config apply "$tmp/b.toml" --dry-run -q; expect_rc 0; expect_out 3
st config apply "$tmp/b.toml"; expect_rc 0
expect_out "$changes
Applied $tmp/b.toml: 3 changes; 0 requests' outcomes changed, 4 running clocks' due times moved"
# Office now opens at 10:00: 2h from 09:00 is 12:00, 30m is 10:30; default is 12h from 09:00.
st show 1 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T12:00:00Z
st show 4 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T10:30:00Z
st show 3 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T21:00:00Z
st calendar show office --format json; expect_eq "$(json_get "$out" .holidays)" "12-25"

# An override removed inherits again: urgent goes back to 2h, due 12:00 like the rest.
sed -e '/^\[sla.standard.urgent\]/,/^$/d' "$tmp/b.toml" >"$tmp/c.toml"
st config apply "$tmp/c.toml" --format json; expect_rc 0
expect_out '[{"action":"change","kind":"sla","name":"standard","detail":"urgent: reply 30m -> inherit, update none -> inherit"}]'
expect_err "Applied $tmp/c.toml: 1 change; 0 requests' outcomes changed, 1 running clock's due time moved"
st show 4 --format json; expect_eq "$(json_get "$out" .reply_due_at)" 2026-11-23T12:00:00Z
st sla show standard --format json; expect_eq "$(json_get "$out" .urgent_update)" 57600

# From stdin; a client's fields are the file's exactly (note gone, case of the name taken).
sed -e 's/^\[client."Acme Ltd"\]/[client."ACME Ltd"]/' -e '/^note = /d' "$tmp/c.toml" >"$tmp/d.toml"
st config apply - <"$tmp/d.toml"; expect_rc 0
expect_out 'change client Acme Ltd: name Acme Ltd -> ACME Ltd, note "Pays "late"" -> none
Applied stdin: 1 change; 0 requests'"'"' outcomes changed, 0 running clocks'"'"' due times moved'
st client show "acme ltd" --format json; expect_eq "$(json_get "$out" .name)" "ACME Ltd"
expect_eq "$(json_get "$out" .note)" null

# ---- one transaction: a step that fails leaves nothing behind ----
cat >"$tmp/bad.toml" <<'EOF'
[calendar.shop]
tz = "Europe/Paris"
hours = "tue-sat 10:00-19:00"

[sla.shop]
calendar = "shopp"
reply = "1h"
EOF
before=$(db_digest)
st config apply "$tmp/bad.toml"; expect_rc 2; expect_no_out
expect_err "slatrack: error: $tmp/bad.toml: add sla shop: no calendar \"shopp\" (did you mean \"shop\"?); add it with: slatrack calendar add shopp --tz ZONE --hours SPEC"
expect_eq "$(db_digest)" "$before" "(nothing written: the calendar was not added either)"
st config apply "$tmp/bad.toml" --dry-run; expect_rc 2
expect_err_has "add sla shop: no calendar \"shopp\""

# ---- a bad file: one line with file:line, nothing written ----
printf '[sla.fast]\nreply = "2 hours"\n' >"$tmp/e.toml"
st config apply "$tmp/e.toml"; expect_rc 2
expect_err_has "slatrack: error: $tmp/e.toml:2: reply: bad duration \"2 hours\""
printf '[client.x]\nemial = "a@b"\n' >"$tmp/f.toml"
st config apply "$tmp/f.toml"; expect_rc 2
expect_err "slatrack: error: $tmp/f.toml:2: unknown key \"emial\" in client \"x\" (did you mean \"email\"?); the keys are: sla, email, domain, owner, note"
printf '[calendar.x]\ntz = "UTC"\nhours = "mon 09:00-17:00"\n[calendar.x]\n' >"$tmp/g.toml"
st config apply "$tmp/g.toml"; expect_rc 2
expect_err_has "slatrack: error: $tmp/g.toml:4: "
st config apply "$tmp/nope.toml"; expect_rc 2
expect_err "slatrack: error: cannot read $tmp/nope.toml: No such file or directory; write one with: slatrack config export > $tmp/nope.toml"
expect_eq "$(db_digest)" "$before" "(bad files wrote nothing)"

# ---- --prune: what the file does not name goes; in use is refused whole ----
st sla add spare --reply 1h; expect_rc 0
st client add gamma; expect_rc 0
st config apply "$tmp/d.toml" --prune --dry-run; expect_rc 0
expect_out "remove client gamma: not in the file
remove sla spare: not in the file
Dry run of $tmp/d.toml: 2 changes; 0 requests' outcomes would change, 0 running clocks' due times would move; nothing written"
st config apply "$tmp/d.toml"; expect_out "$tmp/d.toml: nothing to change" "(without --prune nothing goes)"
st config apply "$tmp/d.toml" --prune; expect_rc 0
st sla list --format csv; expect_eq "$(printf '%s\n' "$out" | cut -d, -f1 | tr '\n' ' ')" "name default standard "
sed -e '/^\[client.beta\]/,$d' "$tmp/d.toml" >"$tmp/h.toml"
before=$(db_digest)
st config apply "$tmp/h.toml" --prune; expect_rc 2
expect_err "slatrack: error: $tmp/h.toml: remove client beta: client \"beta\" has 1 request; keep it, or move them first with: slatrack edit ID --client OTHER"
expect_eq "$(db_digest)" "$before" "(refused prune wrote nothing)"
finish
