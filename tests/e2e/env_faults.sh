#!/usr/bin/env bash
# Environment faults: each gives exit 3 and one line "slatrack: error: ..." that says what to do,
# never a signal or a sanitizer report, and never a partial write (the file is unchanged, or
# `check` is clean afterwards). Runs as root too: there, read-only files are made with chattr +i
# (or by running the binary as nobody with setpriv), since permissions do not stop root.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z
immutable=()
cleanup_immutable() {
  for path in "${immutable[@]}"; do chattr -i "$path" 2>/dev/null; done
}
trap cleanup_immutable EXIT

# fault NEEDLE ARGS...: exit 3, one line on stderr naming NEEDLE, nothing on stdout.
fault() {
  local needle=$1
  shift
  local cmd="$*"
  cmd=${cmd:0:160}
  out=$("$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  err=$(cat "$tmp/stderr")
  checks=$((checks + 1))
  local lines
  lines=$(printf '%s' "$err" | grep -c '' || true)
  if [ "$rc" != 3 ] || [ "$lines" != 1 ] || [ -n "$out" ]; then
    fail "expected exit 3, one line on stderr, no stdout: $cmd"
    return
  fi
  case "$err" in
  "slatrack: error: "*"$needle"*) ;;
  *) fail "expected the message to name [$needle]: $cmd" ;;
  esac
}
digest() { sha256sum "$1" | cut -d' ' -f1; }
S=$SLATRACK_BIN

# A database with some requests, checkpointed into one file.
st client add acme; expect_rc 0
for i in $(seq 1 40); do
  st log acme "request $i $(head -c 200 /dev/zero | tr '\0' x)" --at 2026-11-25T10:00:00Z -q
done
expect_rc 0; expect_out 40
st reply 1 --at 2026-11-25T11:00:00Z; expect_rc 0
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
good="$tmp/good.sqlite"
cp "$db" "$good"

# ---- a directory that cannot be created ----
fault "cannot create directory /proc/slatrack-nope" "$S" --db /proc/slatrack-nope/x.db init
touch "$tmp/plainfile"
fault "cannot create a database under $tmp/plainfile: it is not a directory" \
  "$S" --db "$tmp/plainfile/sub/x.db" init

# ---- no HOME, no XDG_DATA_HOME ----
fault "pass --db PATH or set SLATRACK_DB" env -u HOME -u XDG_DATA_HOME -u SLATRACK_DB "$S" list
fault "pass --db PATH or set SLATRACK_DB" env -u HOME XDG_DATA_HOME= "$S" log acme x

# ---- read-only file and directory ----
ro="$tmp/ro"
mkdir "$ro"
cp "$good" "$ro/db.sqlite"
if [ "$(id -u)" != 0 ]; then
  chmod 0444 "$ro/db.sqlite"
  before=$(digest "$ro/db.sqlite")
  fault "cannot write $ro/db.sqlite: read-only" "$S" --db "$ro/db.sqlite" log acme x
  expect_eq "$(digest "$ro/db.sqlite")" "$before" "read-only file unchanged"
  chmod 0555 "$ro"
  fault "cannot create $ro/new.sqlite" "$S" --db "$ro/new.sqlite" init
  chmod 0755 "$ro"
else
  # Root: as nobody (the file and its directory belong to root, mode 0644/0755).
  chmod 0755 "$tmp" "$ro"
  chmod 0644 "$ro/db.sqlite"
  before=$(digest "$ro/db.sqlite")
  if command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    fault "cannot write $ro/db.sqlite: read-only" "${nobody[@]}" "$S" --db "$ro/db.sqlite" log acme x
    fault "cannot create $ro/new.sqlite: Permission denied" "${nobody[@]}" "$S" --db "$ro/new.sqlite" init
    expect_eq "$(digest "$ro/db.sqlite")" "$before" "file unchanged after nobody's write"
  else
    echo "note: setpriv cannot switch to nobody here; skipped the non-root read-only cases"
  fi
  # Root: an immutable file, then an immutable directory (no -wal can be created).
  if chattr +i "$ro/db.sqlite" 2>/dev/null; then
    immutable+=("$ro/db.sqlite")
    fault "cannot write $ro/db.sqlite: read-only" "$S" --db "$ro/db.sqlite" log acme x
    # A command that only reads reads it (issue 20; tests/e2e/trust_open.sh has more).
    out=$("$S" --db "$ro/db.sqlite" list --format csv 2>&1) && rc=0 || rc=$?
    expect_rc 0 "list of an immutable file"
    chattr -i "$ro/db.sqlite"
    expect_eq "$(digest "$ro/db.sqlite")" "$before" "immutable file unchanged"
    chattr +i "$ro"
    immutable+=("$ro")
    fault "its directory $ro is read-only" "$S" --db "$ro/db.sqlite" log acme x
    fault "cannot create $ro/other.sqlite" "$S" --db "$ro/other.sqlite" init
    chattr -i "$ro"
    expect_eq "$(digest "$ro/db.sqlite")" "$before" "file in immutable directory unchanged"
  else
    echo "note: chattr +i is not supported on $tmp; skipped the immutable-file cases"
  fi
fi

# ---- not a SQLite file ----
head -c 8192 /dev/urandom >"$tmp/random.db"
before=$(digest "$tmp/random.db")
fault "is not a slatrack database (file is not a database)" "$S" --db "$tmp/random.db" list
fault "is not a slatrack database" "$S" --db "$tmp/random.db" log acme x
expect_eq "$(digest "$tmp/random.db")" "$before" "random file unchanged"
printf 'id,client\n1,acme\n' >"$tmp/text.db"
fault "is not a slatrack database" "$S" --db "$tmp/text.db" init
sqlite3 "$tmp/other.db" "CREATE TABLE notes (x); INSERT INTO notes VALUES (1);"
before=$(digest "$tmp/other.db")
fault "holds tables of another program" "$S" --db "$tmp/other.db" log acme x
expect_eq "$(digest "$tmp/other.db")" "$before" "another program's database unchanged"

# ---- truncated to half ----
cp "$good" "$tmp/half.db"
truncate -s $(($(stat -c %s "$good") / 2)) "$tmp/half.db"
before=$(digest "$tmp/half.db")
fault "database disk image is malformed" "$S" --db "$tmp/half.db" list --status all
fault "restore a backup or point --db at another file" "$S" --db "$tmp/half.db" log acme x
fault "malformed" "$S" --db "$tmp/half.db" check
expect_eq "$(digest "$tmp/half.db")" "$before" "truncated file unchanged"

# ---- corrupted pages: the requests table's root page header overwritten ----
root=$(sqlite3 "$good" "SELECT rootpage FROM sqlite_schema WHERE name = 'requests'")
cp "$good" "$tmp/bad.db"
printf '\x42\x42\x42\x42\x42\x42\x42\x42\x42\x42\x42\x42' |
  dd of="$tmp/bad.db" bs=1 seek=$(((root - 1) * 4096)) conv=notrunc 2>/dev/null
before=$(digest "$tmp/bad.db")
fault "database disk image is malformed" "$S" --db "$tmp/bad.db" list --status all
fault "database disk image is malformed" "$S" --db "$tmp/bad.db" log acme x
expect_eq "$(digest "$tmp/bad.db")" "$before" "corrupt file unchanged by a refused write"
# check lists what it found on stdout and ends with one error line.
out=$("$S" --db "$tmp/bad.db" check 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 3
expect_out_has "integrity: "
expect_err_has "slatrack: error: $tmp/bad.db failed"
# An index page damaged: reads may still work, check finds it.
idx=$(sqlite3 "$good" "SELECT rootpage FROM sqlite_schema WHERE name = 'requests_by_received'")
cp "$good" "$tmp/badidx.db"
printf '\x42\x42\x42\x42\x42\x42\x42\x42' |
  dd of="$tmp/badidx.db" bs=1 seek=$(((idx - 1) * 4096)) conv=notrunc 2>/dev/null
out=$("$S" --db "$tmp/badidx.db" check 2>"$tmp/stderr") && rc=0 || rc=$?
err=$(cat "$tmp/stderr")
expect_rc 3
expect_out_has "integrity: "

# ---- made by a newer slatrack ----
cp "$good" "$tmp/newer.db"
sqlite3 "$tmp/newer.db" "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99" >/dev/null
before=$(digest "$tmp/newer.db")
fault "was made by a newer slatrack (schema 99" "$S" --db "$tmp/newer.db" list
fault "upgrade slatrack" "$S" --db "$tmp/newer.db" log acme x
expect_eq "$(digest "$tmp/newer.db")" "$before" "newer file byte-for-byte unchanged"
expect_eq "$(ls "$tmp"/newer.db* | wc -l)" 1 "no -wal or -shm created for a newer file"

# ---- full disk: a file size limit (SIGXFSZ ignored, the write fails with EFBIG) ----
if command -v prlimit >/dev/null; then
  cp "$good" "$tmp/full.db"
  events_before=$(sqlite3 "$tmp/full.db" "SELECT count(*) FROM events")
  # The -wal file must grow past the limit (the -shm needs 32 kB, so the limit is above that).
  msg=$(head -c 9000 /dev/zero | tr '\0' m)
  full="the disk is full or the file size limit is reached; nothing was written"
  fault "$full" prlimit --fsize=40000 "$S" --db "$tmp/full.db" log acme "$msg" -m "$msg"
  for i in 1 2 3; do
    fault "$full" prlimit --fsize=40000 "$S" --db "$tmp/full.db" log acme "$msg $i" -m "$msg"
  done
  # Below the -shm size even opening fails, cleanly.
  fault "$full" prlimit --fsize=16384 "$S" --db "$tmp/full.db" note 1 "$msg"
  expect_eq "$(sqlite3 "$tmp/full.db" "SELECT count(*) FROM events")" "$events_before" \
    "no event written on a full disk"
  out=$("$S" --db "$tmp/full.db" check 2>&1) && rc=0 || rc=$?
  expect_rc 0; expect_out "ok: 40 requests checked"
  # Creating a database on a full disk: refused, and a later open without the limit works.
  fault "$full" prlimit --fsize=2048 "$S" --db "$tmp/fresh.db" init
  [ -e "$tmp/fresh.db" ]; expect_eq "$?" 1 "no empty file left by a failed init"
  out=$("$S" --db "$tmp/fresh.db" init 2>&1) && rc=0 || rc=$?
  out=$("$S" --db "$tmp/fresh.db" check 2>&1) && rc=0 || rc=$?
  expect_rc 0 "fresh database usable after a full-disk init"
else
  echo "note: prlimit is missing; skipped the full-disk cases"
fi

# ---- busy past the timeout: another program holds the write lock for longer than 10 s ----
cp "$good" "$tmp/busy.db"
sqlite3 "$tmp/busy.db" "PRAGMA journal_mode = WAL" >/dev/null
(printf 'BEGIN IMMEDIATE;\nINSERT INTO clients (name, policy_id, created_at) VALUES (%s, 1, 0);\n' "'holder'"; sleep 13; printf 'ROLLBACK;\n') |
  sqlite3 "$tmp/busy.db" &
holder=$!
sleep 1
fault "is busy (another slatrack is writing); try again" "$S" --db "$tmp/busy.db" log acme x
wait "$holder"
out=$("$S" --db "$tmp/busy.db" list --status all --format jsonl 2>&1) && rc=0 || rc=$?
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c '"subject":"x"')" 0 "busy write left nothing"

finish
