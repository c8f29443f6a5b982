#!/usr/bin/env bash
# Opening a database (SPEC "Exit codes", "Data safety"; issue 20 items 1 and 9, issue 13 item 4):
# a header whose schema version slatrack never made is "not a slatrack database or corrupt"
# (exit 3, the file untouched, never a crash); a command that only reads never creates a database
# and reads one that cannot be written; a path with ".." above the root, a dangling symbolic link
# and a link to an empty file are handled; no database file is left wider than 0600.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
S=$SLATRACK_BIN
digest() { sha256sum "$1" | cut -d' ' -f1; }
immutable=()
cleanup_immutable() {
  for path in "${immutable[@]}"; do chattr -i "$path" 2>/dev/null; done
}
trap cleanup_immutable EXIT

# on PATH ARGS...: runs slatrack on the database PATH.
on() {
  local path=$1
  shift
  out=$("$S" --db "$path" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
}

st client add acme; expect_rc 0
st log acme "Invoice is wrong" --at 2026-11-25T10:00:00Z -q; expect_rc 0; expect_out 1
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
version=$(sqlite3 "$db" "PRAGMA user_version")
good="$tmp/good.sqlite"
cp "$db" "$good"

# ---- item 1: a schema version slatrack never made ----
# One flipped bit in byte 60 (the top byte of user_version): a negative version. It crashed every
# command (the migration list was indexed below 0).
flipped="$tmp/flipped.sqlite"
cp "$good" "$flipped"
printf '\x80' | dd of="$flipped" bs=1 seek=60 conv=notrunc 2>/dev/null
before=$(digest "$flipped")
negative=$((version - 2147483648))
for cmd in "list" "check" "log acme x" "overdue" "export" "init" "client list"; do
  # shellcheck disable=SC2086
  on "$flipped" $cmd
  expect_rc 3 "($cmd on a negative schema version)"
  expect_no_out "($cmd)"
  expect_err "slatrack: error: $flipped is not a slatrack database or corrupt (schema version $negative was never made by slatrack); restore a backup or point --db at another file"
done
expect_eq "$(digest "$flipped")" "$before" "the flipped file is untouched"
# Another bit of byte 60: a version far beyond any slatrack.
printf '\x40' | dd of="$flipped" bs=1 seek=60 conv=notrunc 2>/dev/null
on "$flipped" list; expect_rc 3
expect_err "slatrack: error: $flipped is not a slatrack database or corrupt (schema version $((version + 1073741824)) was never made by slatrack); restore a backup or point --db at another file"
# A version lower than the file's tables: the migration from it does not fit them.
cp "$good" "$tmp/lower.sqlite"
sqlite3 "$tmp/lower.sqlite" "PRAGMA user_version = 1"
before=$(digest "$tmp/lower.sqlite")
on "$tmp/lower.sqlite" list; expect_rc 3
expect_err "slatrack: error: $tmp/lower.sqlite is not a slatrack database or corrupt (its tables are not those of schema version 1: no such index: requests_by_next_due); restore a backup or point --db at another file"
expect_eq "$(digest "$tmp/lower.sqlite")" "$before" "a wrong lower version: file untouched"
expect_eq "$(sqlite3 "$tmp/lower.sqlite" "SELECT count(*) FROM requests")" 1 "nothing lost"

# ---- issue 13 item 4: a command that only reads never creates a database ----
missing="$tmp/nowhere/sub/db.sqlite"
readers=("list" "list --status all" "show 1" "explain 1" "overdue" "overdue --within 4h"
  "overdue --new" "report" "export" "export --format csv" "check" "backup $tmp/b.sqlite"
  "calendar list" "calendar show 24x7" "calendar due 24x7 now 1h" "sla list" "sla show default"
  "client list" "client show acme" "config export")
for cmd in "${readers[@]}"; do
  # shellcheck disable=SC2086
  on "$missing" $cmd
  expect_rc 3 "($cmd on a missing database)"
  expect_no_out "($cmd)"
  expect_err "slatrack: error: no database at $missing; create it with: slatrack init (or point --db at your database)"
done
printf '[calendar]\n' >"$tmp/rules.toml"
on "$missing" config apply "$tmp/rules.toml" --dry-run; expect_rc 3
expect_err_has "no database at $missing; create it with: slatrack init"
[ -e "$tmp/nowhere" ]; expect_eq "$?" 1 "no file or directory created by a reader"
[ -e "$tmp/b.sqlite" ]; expect_eq "$?" 1 "no backup file from a missing database"
# The default path too (a cron job with no --db and no database yet).
out=$(env -u SLATRACK_DB XDG_DATA_HOME="$tmp/data" "$S" overdue 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 3
expect_err "slatrack: error: no database at $tmp/data/slatrack/slatrack.db; create it with: slatrack init (or point --db at your database)"
[ -e "$tmp/data" ]; expect_eq "$?" 1 "no data directory created by overdue"
# An empty file (made by touch) is no database either, and is left as it is.
touch "$tmp/empty.sqlite"
chmod 0644 "$tmp/empty.sqlite"
on "$tmp/empty.sqlite" list; expect_rc 3
expect_err "slatrack: error: no database at $tmp/empty.sqlite (the file is empty); create it with: slatrack init (or point --db at your database)"
expect_eq "$(stat -c '%s %a' "$tmp/empty.sqlite")" "0 644" "a reader leaves an empty file alone"
# A command that records something still creates one, 0600 (under umask 022).
(umask 022 && "$S" --db "$tmp/new/db.sqlite" client add acme >/dev/null 2>&1)
expect_eq "$(stat -c %a "$tmp/new/db.sqlite")" 600 "a writer creates the database 0600"
on "$tmp/new/db.sqlite" list; expect_rc 0

# ---- item 9: a read-only database can be read ----
ro="$tmp/ro"
mkdir "$ro"
cp "$good" "$ro/db.sqlite"
chmod 0755 "$tmp" "$ro"
chmod 0644 "$ro/db.sqlite"
before=$(digest "$ro/db.sqlite")
expected_list=$("$S" --db "$good" list --format csv)
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    as_reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else
    as_reader=()
    echo "note: setpriv cannot switch to nobody here; skipped the read-only reads"
  fi
else
  chmod 0444 "$ro/db.sqlite"
  chmod 0555 "$ro"
  as_reader=(env)
fi
if [ ${#as_reader[@]} -gt 0 ]; then
  ro_run() {
    out=$("${as_reader[@]}" "$S" --db "$ro/db.sqlite" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
    err=$(cat "$tmp/stderr")
  }
  ro_run list --format csv; expect_rc 0; expect_no_err; expect_eq "$out" "$expected_list" "list of a read-only database"
  ro_run export --format jsonl; expect_rc 0; expect_out_has '"subject":"Invoice is wrong"'
  ro_run show 1; expect_rc 0; expect_out_has "Invoice is wrong"
  ro_run check; expect_rc 0; expect_out "ok: 1 request checked"
  ro_run overdue --within 48h; expect_rc 0
  ro_run report --format csv; expect_rc 0
  ro_run config export; expect_rc 0; expect_out_has "[client.acme]"
  mkdir "$tmp/out" && chmod 0777 "$tmp/out"
  ro_run backup "$tmp/out/b.sqlite"; expect_rc 0
  expect_eq "$(sqlite3 "$tmp/out/b.sqlite" "SELECT subject FROM requests")" "Invoice is wrong" "a backup of a read-only database"
  ro_run log acme again; expect_rc 3; expect_err "slatrack: error: cannot write $ro/db.sqlite: read-only; check the file's permissions or use --db"
  ro_run overdue --new; expect_rc 3; expect_err_has "read-only"
  [ "$(id -u)" != 0 ] && chmod 0755 "$ro"
  [ "$(id -u)" != 0 ] && chmod 0644 "$ro/db.sqlite"
  expect_eq "$(digest "$ro/db.sqlite")" "$before" "reads of a read-only database change nothing"
fi
# Root: an immutable file in an immutable directory (no -wal or -shm can be made) is read too.
if [ "$(id -u)" = 0 ] && chattr +i "$ro/db.sqlite" 2>/dev/null; then
  immutable+=("$ro/db.sqlite")
  rm -f "$ro/db.sqlite-wal" "$ro/db.sqlite-shm"
  on "$ro/db.sqlite" list --format csv; expect_rc 0; expect_eq "$out" "$expected_list" "list of an immutable file"
  chattr +i "$ro"
  immutable+=("$ro")
  on "$ro/db.sqlite" list --format csv; expect_rc 0; expect_eq "$out" "$expected_list" "list in an immutable directory"
  on "$ro/db.sqlite" check; expect_rc 0; expect_out "ok: 1 request checked"
  on "$ro/db.sqlite" log acme x; expect_rc 3; expect_err_has "read-only"
  chattr -i "$ro" "$ro/db.sqlite"
  expect_eq "$(digest "$ro/db.sqlite")" "$before" "immutable file unchanged"
fi

# ---- item 9: paths ----
# ".." above the root: the kernel reads "/.." as "/"; SQLite refused it and left an empty file.
mkdir -p "$tmp/dots"
dotted="/../../..$tmp/dots/db.sqlite"
on "$dotted" client add acme; expect_rc 0; expect_no_err
on "$dotted" list; expect_rc 0
expect_eq "$(sqlite3 "$tmp/dots/db.sqlite" "SELECT name FROM clients")" acme "the database is where the kernel puts it"
# A dangling symbolic link is named as such (it was called "read-only"), and nothing is created.
ln -s "$tmp/target-gone.sqlite" "$tmp/dangling.sqlite"
for cmd in "init" "list"; do
  on "$tmp/dangling.sqlite" $cmd; expect_rc 3 "($cmd through a dangling link)"
  expect_err "slatrack: error: $tmp/dangling.sqlite is a symbolic link to $tmp/target-gone.sqlite, which does not exist; point --db at the database file itself, or remove the link"
done
[ -e "$tmp/target-gone.sqlite" ]; expect_eq "$?" 1 "nothing created through a dangling link"
# A link to an existing empty file made with mode 0644: init makes it a database, 0600.
(umask 022 && touch "$tmp/plain.sqlite")
ln -s "$tmp/plain.sqlite" "$tmp/link.sqlite"
on "$tmp/link.sqlite" list; expect_rc 3; expect_err_has "(the file is empty)"
on "$tmp/link.sqlite" init; expect_rc 0
expect_eq "$(stat -c %a "$tmp/plain.sqlite")" 600 "an empty file made a database is 0600"
on "$tmp/link.sqlite" client add acme; expect_rc 0
expect_eq "$(stat -c %a "$tmp/plain.sqlite")" 600 "and stays 0600"
# A link to a database is followed (a user's own choice of where the file lives).
ln -s "$good" "$tmp/good-link.sqlite"
on "$tmp/good-link.sqlite" list --format csv; expect_rc 0; expect_eq "$out" "$expected_list" "a link to a database is read"
# Not a regular file.
on /dev/null list; expect_rc 3
expect_err "slatrack: error: /dev/null is not a regular file (a device, a pipe or a socket); point --db at a database file"
on /dev/zero init; expect_rc 3; expect_err_has "/dev/zero is not a regular file"

finish
