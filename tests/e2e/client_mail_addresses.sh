#!/usr/bin/env bash
# A client's mail addresses and domains (SPEC "Client", `client add/edit --email --domain`): several
# of each, checked, kept in lower case, each belonging to one client, shown by `client show` and
# `client list`, written by `config export` and applied by `config apply`; an old database's one
# email moves to the list.
source "$(dirname "$0")/lib.sh" "$1"

st client add "Acme Ltd" --email Ops@Acme.example --email ann@acme.example --domain acme.example \
  --domain ACME.co.uk --owner ann
expect_rc 0; expect_out "Added client Acme Ltd (SLA default)"
st client show acme
expect_rc 0
expect_out "Client: Acme Ltd
SLA:    default
Email:  ann@acme.example, ops@acme.example
Domain: acme.co.uk, acme.example
Owner:  ann
Note:   -
Open:   0
Total:  0"
st client show acme --format json
expect_eq "$(json_get "$out" '.email')" "ann@acme.example, ops@acme.example"
expect_eq "$(json_get "$out" '.domain')" "acme.co.uk, acme.example"
st client add Beta
st client list --format csv
expect_out "name,sla,email,domain,owner,note,open_requests,total_requests
Acme Ltd,default,\"ann@acme.example, ops@acme.example\",\"acme.co.uk, acme.example\",ann,,0,0
Beta,default,,,,,0,0"

# Checked: one line, exit 2, nothing written.
before=$(db_digest)
st client add Gamma --email ops
expect_rc 2; expect_err 'slatrack: error: bad --email "ops": give a mail address such as ops@acme.example'
st client add Gamma --domain @gamma.example
expect_rc 2
expect_err 'slatrack: error: bad --domain "@gamma.example": give a mail domain such as acme.example (no @)'
st client edit beta --email ANN@acme.example
expect_rc 2
expect_err "slatrack: error: --email ann@acme.example is client \"Acme Ltd\"'s already (mail from it must find one client); change that client first: slatrack client edit 'Acme Ltd' --email ..."
st client edit beta --domain acme.co.uk
expect_rc 2; expect_err_has "--domain acme.co.uk is client \"Acme Ltd\"'s already"
expect_eq "$(db_digest)" "$before" "(refusals wrote nothing)"

# edit gives the whole new list; "" alone empties it; other fields stay.
st client edit acme --email ops@acme.example
expect_rc 0; expect_out "Changed client Acme Ltd"
st client show acme --format json
expect_eq "$(json_get "$out" '.email')" "ops@acme.example"
expect_eq "$(json_get "$out" '.domain')" "acme.co.uk, acme.example"
expect_eq "$(json_get "$out" '.owner')" "ann"
st client edit beta --email ann@acme.example --domain beta.example
expect_rc 0
st client edit acme --domain ""
st client show acme --format json
expect_eq "$(json_get "$out" '.domain')" "null"
st client edit acme
expect_rc 2
expect_err "slatrack: error: nothing to change: give --rename, --sla, --email, --domain, --owner or --note"

# config export writes them; config apply makes a database match.
st config export
expect_rc 0
expect_out_has '[client."Acme Ltd"]
sla = "default"
email = "ops@acme.example"
owner = "ann"'
expect_out_has '[client.Beta]
sla = "default"
email = "ann@acme.example"
domain = "beta.example"'
cat >"$tmp/rules.toml" <<'TOML'
[client.Beta]
email = ["b@beta.example", "ANN@acme.example"]
domain = ["beta.example", "beta.co.uk"]
TOML
st config apply "$tmp/rules.toml" --dry-run
expect_rc 0
expect_out_has 'change client Beta: email "ann@acme.example" -> "ann@acme.example" "b@beta.example", domain "beta.example" -> "beta.co.uk" "beta.example"'
st config apply "$tmp/rules.toml"
expect_rc 0
st client show beta --format json
expect_eq "$(json_get "$out" '.email')" "ann@acme.example, b@beta.example"
expect_eq "$(json_get "$out" '.domain')" "beta.co.uk, beta.example"
printf '[client.Delta]\nemail = "ops@beta.example"\ndomain = "beta.co.uk"\n' >"$tmp/clash.toml"
st config apply "$tmp/clash.toml"
expect_rc 2; expect_err_has "--domain beta.co.uk is client \"Beta\"'s already"
st client show delta
expect_rc 2

# An old database keeps its client's one email: migration 10 moves it to the list.
cp "$(dirname "$0")/../fixtures/schema-1.sqlite" "$tmp/old.db"
expect_eq "$(sqlite3 "$tmp/old.db" "SELECT email FROM clients WHERE name = 'Acme Ltd'")" \
  "ops@acme.example" "(the fixture has an email)"
out=$("$SLATRACK_BIN" --db "$tmp/old.db" client show acme --format json 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_eq "$(json_get "$out" '.email')" "ops@acme.example" "(the old email kept)"
out=$("$SLATRACK_BIN" --db "$tmp/old.db" check 2>&1) && rc=0 || rc=$?
expect_rc 0 "(check clean after the migration)"
finish
