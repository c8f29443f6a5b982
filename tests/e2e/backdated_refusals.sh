#!/usr/bin/env bash
# Back-dated events are refused when they cannot be, including when they would make an event
# already recorded impossible; notes and assignments cannot predate the request either.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 15:00"

st log Acme "Broken" --at "09:00" --create-client -q; expect_rc 0
st reply 1 --at "10:00"; expect_rc 0
st resolve 1 --at "12:00"; expect_rc 0
before=$(db_digest)
# A second resolve before the recorded one would make the 12:00 resolve impossible.
st resolve 1 --at "11:00"; expect_rc 2
expect_err "slatrack: error: cannot resolve #1 at that time: the resolve at 2026-11-23T12:00:00Z would then be impossible (it is already resolved then); enter events so that each can happen"
# A pause at 11:30 would make... nothing impossible: it is allowed (resolve from waiting is fine).
expect_eq "$(db_digest)" "$before" "(nothing written)"
st note 1 "before it came in" --at "08:00"; expect_rc 2
expect_err_has "cannot add a note to #1: it is before the request's first message"
st assign 1 bob --at "08:59"; expect_rc 2
expect_err_has "cannot assign #1: it is before the request's first message"
expect_eq "$(db_digest)" "$before" "(nothing written)"
# Valid back-dated events are fine, in any order.
st pause 1 --at "11:00"; expect_rc 0
st resume 1 --at "11:30"; expect_rc 0
st note 1 "called them" --at "09:30"; expect_rc 0
st assign 1 bob --at "09:05"; expect_rc 0
st show 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.events[].kind] | join(",")')" "message,assign,note,reply,pause,resume,resolve"
expect_eq "$(json_get "$out" .assignee)" bob
finish
