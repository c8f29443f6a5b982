#!/usr/bin/env bash
# Event authors (SPEC.md "Event"): --by WHO on every event command; a client's message (the request
# itself, a follow-up) is by the client unless --by says otherwise; everything else by whoever
# records it (SLATRACK_USER) unless --by says otherwise.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 12:00" SLATRACK_USER=sam

st client add "Acme Ltd"; expect_rc 0
st log acme "Invoice is wrong" --at "2026-11-23 09:00" -q; expect_rc 0
st log acme "Phone call" --at "2026-11-23 09:00" --by "Jo Smith" -q; expect_rc 0
st reply 1 --at "2026-11-23 09:30"; expect_rc 0
st followup 1 --at "2026-11-23 10:00" -m "Any news?"; expect_rc 0
st reply 1 --at "2026-11-23 10:30" --by ann; expect_rc 0
st followup 1 --at "2026-11-23 10:40" --by "Jo Smith"; expect_rc 0
st pause 1 --at "2026-11-23 10:45" --by ann; expect_rc 0
st resume 1 --at "2026-11-23 10:50" --by ann; expect_rc 0
st note 1 "Called back" --by bob; expect_rc 0
st assign 1 carol --by bob; expect_rc 0
st resolve 1 --by carol; expect_rc 0
st reopen 1 --by carol; expect_rc 0
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[] | "\(.kind):\(.author)"] | join(" ")')" \
  "message:Acme Ltd reply:sam message:Acme Ltd reply:ann message:Jo Smith pause:ann resume:ann note:bob assign:bob resolve:carol reopen:carol"
st show 2 --format json; expect_eq "$(json_get "$out" '.events[0].author')" "Jo Smith"
st show 1; expect_out_has "message  Acme Ltd  "
# An empty --by is refused, nothing written.
before=$(db_digest)
st reply 1 --by ""; expect_rc 2; expect_err "slatrack: error: empty --by: give some text"
st log acme "x" --by " "; expect_rc 2; expect_err "slatrack: error: empty --by: give some text"
expect_eq "$(db_digest)" "$before"
# Who recorded an event without SLATRACK_USER: the login name, USER, else LOGNAME, else the
# account the command runs as (cron, env -i), never "unknown" for an account with a name.
recorders() {
  "$SLATRACK_BIN" --db "$db" show 1 --format json | jq -r '[.events[-1].recorder] | join("")'
}
env -u SLATRACK_USER USER=uma LOGNAME=lou "$SLATRACK_BIN" --db "$db" note 1 "by USER" >/dev/null
expect_eq "$(recorders)" "uma" "(USER)"
env -u SLATRACK_USER -u USER LOGNAME=lou "$SLATRACK_BIN" --db "$db" note 1 "by LOGNAME" >/dev/null
expect_eq "$(recorders)" "lou" "(LOGNAME without USER)"
env -u SLATRACK_USER -u USER -u LOGNAME "$SLATRACK_BIN" --db "$db" note 1 "by the account" >/dev/null
expect_eq "$(recorders)" "$(id -un)" "(neither: the account's name)"
# Completion: --by of an event command is a name, not report's groups.
st completion bash; printf '%s\n' "$out" >"$tmp/c.bash"
out=$(bash -c "source '$tmp/c.bash'; COMP_WORDS=(slatrack reply 1 --by ''); COMP_CWORD=4; _slatrack; printf '%s\n' \"\${COMPREPLY[@]}\"")
expect_eq "$out" "" "(nothing to offer for --by WHO)"
finish
