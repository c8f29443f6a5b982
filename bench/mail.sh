#!/usr/bin/env bash
# The speed of `slatrack mail` (issue 19 item 7; docs/performance.md, "Mail in"): one message
# recorded into a copy of a big database, and a Maildir of COUNT messages loaded in one command.
#
#   bench/mail.sh SLATRACK DB [COUNT]
#
# DB is copied (never changed); COUNT (default 10000) messages are written to a Maildir: new
# threads from 200 client domains (given to the database's first 200 clients when it has them), follow-ups (In-Reply-To an earlier message) and our replies
# (from the address of setting mail.ours), one a minute from 2026-11-01. Prints the median wall
# and CPU time of 30 single messages (each a new thread, as a mail server delivers them), then
# the time and rate of `mail --maildir` over the rest, and checks that a second run records
# nothing new. Needs GNU time (/usr/bin/time).
set -euo pipefail
slatrack=$(realpath "$1")
source_db=$2
count=${3:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/mail.sqlite
cp "$source_db" "$db"
export XDG_CONFIG_HOME=$work/config SLATRACK_DB=$db SLATRACK_NOW=2026-12-07T12:00:00Z
mkdir -p "$XDG_CONFIG_HOME/slatrack" "$work/single" "$work/maildir/cur" "$work/maildir/new" \
  "$work/maildir/tmp"
printf '[mail]\nours = ["help@ourshop.example"]\n' >"$XDG_CONFIG_HOME/slatrack/config.toml"
"$slatrack" check >/dev/null # migrates the copy first, outside the timings
# The 200 client domains of the generated mail belong to existing clients (as after an owner's
# `client edit NAME --domain`), so messages are matched, not turned into new clients.
if [ "$(sqlite3 "$db" "SELECT count(*) FROM clients WHERE name LIKE 'Client %'")" -ge 200 ]; then
  for d in $(seq 0 199); do
    "$slatrack" client edit "$(printf 'Client %04d' $((d + 1)))" --domain "client$d.example" >/dev/null
  done
fi

# message FILE N KIND: message N (KIND new, followup or ours) of the generated mail.
message() {
  local n=$1 kind=$2 domain=$(($1 % 200)) minute=$(($1 % 60)) hour=$(($1 / 60 % 24))
  local day=$((1 + $1 / 1440 % 28)) from subject refs=""
  case $kind in
  new) from="Client $domain <person$((n % 7))@client$domain.example>" subject="Order $n" ;;
  followup)
    from="Client $domain <person$((n % 7))@client$domain.example>" subject="Re: Order $((n - 3))"
    refs="In-Reply-To: <m$((n - 3))@bench.example>"$'\n'"References: <m$((n - 3))@bench.example>"
    ;;
  ours)
    from="Our Shop <help@ourshop.example>" subject="Re: Order $((n - 5))"
    refs="In-Reply-To: <m$((n - 5))@bench.example>"$'\n'"References: <m$((n - 5))@bench.example>"
    ;;
  esac
  printf 'From: %s\nTo: help@ourshop.example\nDate: %s Nov 2026 %02d:%02d:00 +0000\nMessage-ID: <m%s@bench.example>\nSubject: %s\n%sMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\nHello,\n\nabout order %s: please call me back.\n\nThanks\n' \
    "$from" "$day" "$hour" "$minute" "$n" "$subject" "${refs:+$refs$'\n'}" "$n"
}

# The copy's 1.2 GB are written back now, not during the first message's fdatasync: a mail
# server's database is not a file copied a moment ago.
sync "$db"

# One message at a time, each a new thread (the common delivery).
for i in $(seq 1 60); do
  message "$((count + i))" new >"$work/single/$i.eml"
done
: >"$work/single.tsv"
# cpu_ms FILE COMMAND...: runs COMMAND (stdin passed on) and writes its CPU time in ms (user +
# system, from perf's task-clock where perf works, else GNU time's 10 ms ticks) to FILE.
cpu_ms() {
  local file=$1
  shift
  if perf stat -x, -e task-clock -o "$file.perf" true 2>/dev/null; then
    perf stat -x, -e task-clock -o "$file.perf" "$@"
    awk -F, '/task-clock/ { print $1 }' "$file.perf" >"$file"
  else
    /usr/bin/time -f "%U %S" -o "$file.time" "$@"
    awk '{ print ($1 + $2) * 1000 }' "$file.time" >"$file"
  fi
}
# Wall time of messages 1-30 run bare (perf's own start would be counted in a wall time around
# it: 60-80 ms), CPU time of messages 31-60 under perf.
: >"$work/cpu.tsv"
for i in $(seq 1 30); do
  start=$(date +%s%N)
  "$slatrack" mail <"$work/single/$i.eml"
  end=$(date +%s%N)
  echo "$(((end - start) / 1000))" >>"$work/single.tsv"
  cpu_ms "$work/cpu" "$slatrack" mail <"$work/single/$((i + 30)).eml"
  awk '{ print $1 * 1000 }' "$work/cpu" >>"$work/cpu.tsv"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] / 1000 }'; }
echo "mail, one message: median $(median <"$work/single.tsv") ms wall," \
  "$(median <"$work/cpu.tsv") ms CPU (30 runs each, $(sqlite3 "$db" 'SELECT count(*) FROM requests') requests, load $(cut -d' ' -f1-3 /proc/loadavg))"

# A sender nobody knows: a new client named after the domain (the first message of a new client).
: >"$work/unknown.tsv"
for i in $(seq 1 10); do
  message "$((count + 100 + i))" new | sed "s/@client[0-9]*\\.example/@stranger$i.example/" \
    >"$work/single/unknown-$i.eml"
  start=$(date +%s%N)
  "$slatrack" mail <"$work/single/unknown-$i.eml"
  end=$(date +%s%N)
  echo "$(((end - start) / 1000))" >>"$work/unknown.tsv"
done
echo "mail, a new sender (a new client): median $(median <"$work/unknown.tsv") ms wall (10 runs)"

# A Maildir of COUNT messages: 70% new threads, 20% follow-ups, 10% our replies.
for n in $(seq 1 "$count"); do
  case $((n % 10)) in
  0) kind=ours ;;
  3 | 7) kind=followup ;;
  *) kind=new ;;
  esac
  [ "$n" -le 5 ] && kind=new
  message "$n" "$kind" >"$work/maildir/cur/$n.bench:2,S"
done
start=$(date +%s%N)
/usr/bin/time -f "%U %S %M" -o "$work/cpu" "$slatrack" mail --maildir "$work/maildir" >"$work/summary"
end=$(date +%s%N)
read -r user system peak <"$work/cpu"
load=$(cut -d' ' -f1-3 /proc/loadavg)
wall=$(awk -v s="$start" -v e="$end" 'BEGIN { print (e - s) / 1e9 }')
echo "mail --maildir, $count messages: $wall s wall, $user+$system s CPU," \
  "$(awk -v n="$count" -v w="$wall" 'BEGIN { printf "%d", n / w }') messages/s" \
  "($(awk -v n="$count" -v c="$(echo "$user + $system" | bc)" 'BEGIN { printf "%d", n / c }') per CPU second)," \
  "peak ${peak} KB, load $load: $(cat "$work/summary")"
"$slatrack" mail --maildir "$work/maildir" >"$work/again"
echo "again: $(cat "$work/again")"
