#!/usr/bin/env bash
# The settings file ($XDG_CONFIG_HOME/slatrack/config.toml, --config, SLATRACK_CONFIG) and the
# precedence of every pair: flag > SLATRACK_* environment > settings file > TZ / built-in default.
source "$(dirname "$0")/lib.sh" "$1"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data"
mkdir -p "$tmp/config/slatrack" "$HOME"
settings="$tmp/config/slatrack/config.toml"

# run ARGS...: the binary with no --db of its own; sets $out $err $rc.
run() {
  out=$("$SLATRACK_BIN" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

# No settings file: fine, built-in defaults.
run init; expect_rc 0; expect_out "Database ready: $tmp/data/slatrack/slatrack.db (schema $(sqlite3 "$tmp/data/slatrack/slatrack.db" 'PRAGMA user_version'))"

# ---- db: flag > SLATRACK_DB > settings > default ----
printf 'db = "%s"\n' "$tmp/file.db" >"$settings"
run init; expect_rc 0; expect_out_has "Database ready: $tmp/file.db " "(settings beat the default)"
SLATRACK_DB="$tmp/env.db" run init; expect_out_has "Database ready: $tmp/env.db " "(SLATRACK_DB beats settings)"
SLATRACK_DB="$tmp/env.db" run init --db "$tmp/flag.db"; expect_out_has "Database ready: $tmp/flag.db " "(flag beats SLATRACK_DB and settings)"
run --db "$tmp/flag.db" init; expect_out_has "Database ready: $tmp/flag.db " "(flag beats settings)"
printf 'db = "~/home.db"\n' >"$settings"
run init; expect_out_has "Database ready: $tmp/home/home.db " "(~/ is HOME)"
rm "$settings"
SLATRACK_DB="$tmp/env.db" run init; expect_out_has "Database ready: $tmp/env.db " "(SLATRACK_DB beats the default)"

# ---- tz: flag > settings > TZ ----
# 10:00 local on 15 January: London UTC+0, New York UTC-5, Tokyo UTC+9.
run --db "$db" init; expect_rc 0 # calendar due only reads: it never creates a database
due() {
  run --db "$db" calendar due 24x7 "2026-01-15 10:00" 1h --format json "$@"
  json_get "$out" .start
}
expect_eq "$(TZ=Europe/London due)" "2026-01-15T10:00:00Z" "(TZ without settings)"
printf 'tz = "America/New_York"\n' >"$settings"
expect_eq "$(TZ=Europe/London due)" "2026-01-15T15:00:00Z" "(settings tz beats TZ)"
expect_eq "$(TZ=Europe/London due --tz Asia/Tokyo)" "2026-01-15T01:00:00Z" "(--tz beats settings)"
rm "$settings"
expect_eq "$(TZ=Europe/London due --tz Asia/Tokyo)" "2026-01-15T01:00:00Z" "(--tz beats TZ)"
# TZ as the C library reads it: ":NAME", a name in another case, and a POSIX rule, which is not a
# zone file: slatrack then uses the system's zone (or UTC), like no TZ at all.
expect_eq "$(TZ=:America/New_York due)" "2026-01-15T15:00:00Z" "(TZ=:NAME)"
expect_eq "$(TZ=america/new_york due)" "2026-01-15T15:00:00Z" "(TZ in another case)"
expect_eq "$(TZ='EST5EDT,M3.2.0,M11.1.0' due)" "$(unset TZ; due)" "(a POSIX rule in TZ: the system's zone)"
if command -v strace >/dev/null; then
  # Reading one zone file is enough: the zone directory is listed only to match another case.
  calls=$(TZ='EST5EDT,M3.2.0,M11.1.0' strace -f -e trace=getdents64 "$SLATRACK_BIN" --db "$db" \
    calendar due 24x7 "2026-01-15 10:00" 1h 2>&1 >/dev/null | grep -c getdents64 || true)
  expect_eq "$calls" 0 "(a POSIX rule in TZ lists no directory)"
fi

# ---- format: flag > settings > table ----
st client add acme; expect_rc 0
printf 'format = "tsv"\n' >"$settings"
st client list; expect_rc 0
expect_out "$(printf 'name\tsla\temail\tdomain\towner\tnote\topen_requests\ttotal_requests\nacme\tdefault\t\t\t\t\t0\t0')" "(settings format)"
st client list --format csv; expect_out "$(printf 'name,sla,email,domain,owner,note,open_requests,total_requests\nacme,default,,,,,0,0')" "(flag beats settings)"
rm "$settings"
st client list; expect_out_has "acme" ; expect_out_has "NAME" "(table by default)"

# ---- color: flag > settings > auto (off when not a terminal) ----
st log acme "Old" --at "2d ago"; expect_rc 0
esc=$'\033['
st overdue; expect_rc 1
case "$out" in *"$esc"*) fail "no color by default off a terminal" ;; *) checks=$((checks + 1)) ;; esac
printf 'color = "always"\n' >"$settings"
st overdue; expect_rc 1; expect_out_has "${esc}" "(settings color = always)"
NO_COLOR=1 st overdue; expect_out_has "${esc}" "(settings always beats NO_COLOR, which only turns auto off)"
st overdue --color never
case "$out" in *"$esc"*) fail "--color never beats settings" ;; *) checks=$((checks + 1)) ;; esac
rm "$settings"

# ---- which file: --config > SLATRACK_CONFIG > $XDG_CONFIG_HOME > ~/.config ----
printf 'format = "json"\n' >"$settings"
printf 'format = "csv"\n' >"$tmp/env.toml"
printf 'format = "tsv"\n' >"$tmp/flag.toml"
st client list --limit 1 2>/dev/null || true
st calendar list; expect_out_has '"name":"24x7"' "(XDG_CONFIG_HOME file)"
SLATRACK_CONFIG="$tmp/env.toml" st calendar list; expect_out_has "name,tz,hours" "(SLATRACK_CONFIG beats XDG)"
SLATRACK_CONFIG="$tmp/env.toml" st calendar list --config "$tmp/flag.toml"
expect_out_has "$(printf 'name\ttz\thours')" "(--config beats SLATRACK_CONFIG)"
st --config /dev/null calendar list; expect_out_has "NAME" "(--config /dev/null: no settings)"
mkdir -p "$HOME/.config/slatrack"
printf 'format = "jsonl"\n' >"$HOME/.config/slatrack/config.toml"
(unset XDG_CONFIG_HOME; "$SLATRACK_BIN" --db "$db" calendar list >"$tmp/home.out")
expect_eq "$(head -c 9 "$tmp/home.out")" '{"name":"' "(~/.config without XDG_CONFIG_HOME)"

# ---- errors: one line, exit 2, file:line ----
SLATRACK_CONFIG="$tmp/missing.toml" st calendar list; expect_rc 2; expect_no_out
expect_err "slatrack: error: SLATRACK_CONFIG names $tmp/missing.toml, which is not a readable file; fix it, or unset SLATRACK_CONFIG"
st calendar list --config "$tmp/missing.toml"; expect_rc 2
expect_err "slatrack: error: --config: $tmp/missing.toml was not readable (missing?); see: slatrack --help"
printf '# settings\nformat = "json"\ncolour = "never"\n' >"$settings"
st calendar list; expect_rc 2; expect_no_out
expect_err "slatrack: error: $settings:3: unknown key \"colour\" (did you mean \"color\"?); the keys are: db, tz, color, format"
printf 'format = "jsn"\n' >"$settings"
st calendar list; expect_rc 2
expect_err "slatrack: error: $settings:1: bad format \"jsn\": use table, csv, tsv, json or jsonl"
printf '\ncolor = "sometimes"\n' >"$settings"
st calendar list; expect_rc 2
expect_err "slatrack: error: $settings:2: bad color \"sometimes\": use auto, always or never"
printf 'format = json\n' >"$settings"
st calendar list; expect_rc 2
expect_err_has "slatrack: error: $settings:1: "
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "(one line)"
printf 'db = 42\n' >"$settings"
st calendar list; expect_rc 2
expect_err "slatrack: error: $settings:1: db must be text in double quotes, e.g. db = \"~/sla.db\""
printf 'tz = "Mars/Olympus"\n' >"$settings"
st calendar list; expect_rc 2
expect_err_has "slatrack: error: $settings:1: tz: "
printf '[db]\npath = "x"\n' >"$settings"
st calendar list; expect_rc 2
expect_err "slatrack: error: $settings:1: db must be text in double quotes, e.g. db = \"~/sla.db\""
# --help and --version work whatever the settings file holds.
st --version; expect_rc 0; expect_out "slatrack 0.1.0"
st --help; expect_rc 0; expect_out_has "--config PATH"
st client add --help; expect_rc 0; expect_out_has "Usage: slatrack client add"
rm "$settings"
finish
