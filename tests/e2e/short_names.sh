#!/usr/bin/env bash
# Short client names (SPEC.md "Client"): the exact name ignoring case, else the one client whose
# name, or a word of it, starts with what was typed; several: refused naming them, nothing written.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 09:00"

st client add "Acme Ltd" --owner ann; expect_rc 0
st client add "Acorn Co" --owner bob; expect_rc 0
st client add "Hudson & Vale LLP"; expect_rc 0

# log, by a word's start or the name's start, any case.
st log acme "Invoice is wrong"; expect_rc 0
expect_out_has "Logged #1 for Acme Ltd: reply due Tue 24 Nov 09:00"
st log hudson "Contract" -q; expect_rc 0; expect_out 2
st log VALE "Second" -q; expect_rc 0; expect_out 3
st log ltd "Third" -q; expect_rc 0; expect_out 4
st show 4 --format json; expect_eq "$(json_get "$out" .client)" "Acme Ltd"

# Ambiguous: exit 2, the candidates named, nothing written (with --create-client too).
before=$(db_digest)
st log ac "Which one?"; expect_rc 2; expect_no_out
expect_err 'slatrack: error: "ac" could be "Acme Ltd" or "Acorn Co"; give more of the client'"'"'s name'
st log ac "Which one?" --create-client; expect_rc 2
expect_err_has '"ac" could be "Acme Ltd" or "Acorn Co"'
st list --client ac; expect_rc 2; expect_err_has '"ac" could be'
st overdue --client AC; expect_rc 2; expect_err_has '"AC" could be'
st client show ac; expect_rc 2; expect_err_has '"ac" could be'
st edit 1 --client ac; expect_rc 2; expect_err_has '"ac" could be'
expect_eq "$(db_digest)" "$before" "(nothing written)"

# Nothing matches: --create-client creates the client with the name as typed.
st log Globex "New one"; expect_rc 2
expect_err_has 'no client "Globex"'
st log Globex "New one" --create-client -q; expect_rc 0; expect_out 5
st client show glob --format json; expect_eq "$(json_get "$out" .name)" Globex
# A match is used, not created, with --create-client.
st log acor "Fourth" --create-client -q; expect_rc 0; expect_out 6
st client list --format tsv; expect_eq "$(printf '%s\n' "$out" | wc -l)" 5 "(no new client)"

# Filters and client commands.
st list --client acme --format tsv; expect_eq "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ')" "id 1 4 "
st overdue --client hudson --within 48h --format tsv; expect_eq "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ')" "id 2 3 "
st client show hud; expect_out_has "Hudson & Vale LLP"
st client edit hud --note "Law firm"; expect_rc 0; expect_out_has "Changed client Hudson & Vale LLP"
st client add Initech; st client rm init; expect_rc 0; expect_out "Removed client Initech"
# client add takes the exact new name: "Acme" beside "Acme Ltd" is a new client, and then "acme"
# is that one.
st client add Acme; expect_rc 0
st log acme "Exact" -q; expect_rc 0; expect_out 7
st show 7 --format json; expect_eq "$(json_get "$out" .client)" Acme

# edit --client: the new client's owner replaces the old one's, unless assigned by hand.
st edit 1 --client acorn; expect_rc 0
st show 1 --format json; expect_eq "$(json_get "$out" .client)/$(json_get "$out" .assignee)" "Acorn Co/bob"
st show 1; expect_out_has "assignee: ann -> bob"
st assign 4 carol; expect_rc 0
st edit 4 --client acorn; expect_rc 0
st show 4 --format json; expect_eq "$(json_get "$out" .assignee)" carol "(assigned by hand)"
st log "Acme Ltd" "By hand" --assignee dave -q; expect_rc 0; expect_out 8
st edit 8 --client acorn; expect_rc 0
st show 8 --format json; expect_eq "$(json_get "$out" .assignee)" dave "(--assignee at log)"

# Import keeps exact names: a short name there is an unknown client.
printf 'client,subject,received_at\nacme ltd,Exact case-insensitive,2026-11-20T10:00:00Z\nhudson,Short,2026-11-20T10:00:00Z\n' >"$tmp/in.csv"
st import "$tmp/in.csv"; expect_err_has 'no client "hudson"'

# A typo in a short form still names the closest clients (SPEC.md "Output"), by their words.
before=$(db_digest)
st log hudsen "Typo"; expect_rc 2
expect_err_has 'no client "hudsen" (did you mean "Hudson & Vale LLP"?)'
st log acorm "Typo"; expect_rc 2
expect_err_has '(did you mean "Acorn Co"?)'
expect_eq "$(db_digest)" "$before"

# Names match ignoring case beyond ASCII too (SPEC.md "Client": matched case-insensitively).
st client add "Zoë Café"; expect_rc 0
st client add "Ärzte-Zentrum Süd"; expect_rc 0
st log "ZOË CAFÉ" "Unicode case" -q; expect_rc 0
zoe=$out
st show "$zoe" --format json; expect_eq "$(json_get "$out" '.client')" "Zoë Café"
st list --client ärzte; expect_rc 0
st list --client ÄRZTE; expect_rc 0
st client show "zoë café"; expect_rc 0; expect_out_has "Zoë Café"
before=$(db_digest)
st client add "ZOË CAFÉ"; expect_rc 2
st client add "ärzte-zentrum süd"; expect_rc 2
expect_eq "$(db_digest)" "$before"
finish
