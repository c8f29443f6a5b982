#!/usr/bin/env bash
# `log --ref` retried gives one request; -q prints only the number.
source "$(dirname "$0")/lib.sh" "$1"

st log acme "Hello" --ref "<m1@example.com>" -q
expect_rc 2 "unknown client"
expect_err 'slatrack: error: no client "acme"; add it with: slatrack client add acme, or pass --create-client'
st log acme "Hello" --ref "<m1@example.com>" -q --create-client
expect_rc 0; expect_out 1
before=$(db_digest)
st log acme "Hello again" --ref "<m1@example.com>" -q
expect_rc 0; expect_out 1
expect_eq "$(db_digest)" "$before" "(retry wrote nothing)"
st log acme "Hello again" --ref "<m1@example.com>"
expect_rc 0; expect_out "Already logged as #1 for acme (ref <m1@example.com>): nothing changed"
st log acme "Other" --ref "<m2@example.com>" -q; expect_rc 0; expect_out 2
st list --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2
st log ACME "json" --format json --ref x1; expect_rc 0
expect_eq "$(json_get "$out" '.id')" 3
expect_eq "$(json_get "$out" '.ref')" x1
expect_eq "$(json_get "$out" '.client')" acme
finish
