#!/usr/bin/env bash
# Bad input across every command: each case exits 2, prints exactly one line on stderr that starts
# "slatrack: error: " and names the bad value (the needle), prints nothing on stdout, and leaves
# the database byte-for-byte as it was (a digest of .dump before and after).
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-11-25T12:00:00Z

st calendar add office --tz Europe/London --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 2h; expect_rc 0
st client add acme --sla standard; expect_rc 0
st log acme "first" --at 2026-11-24T10:00:00Z -q; expect_rc 0; expect_out 1
before=$(db_digest)

# bad NEEDLE ARGS...: the case described above.
bad() {
  local needle=$1
  shift
  st "$@"
  checks=$((checks + 1))
  local lines
  lines=$(printf '%s' "$err" | grep -c '' || true)
  if [ "$rc" != 2 ] || [ "$lines" != 1 ] || [ -n "$out" ]; then
    fail "expected exit 2, one line on stderr, no stdout: slatrack $(printf '%q ' "$@")"
    return
  fi
  case "$err" in
  "slatrack: error: "*"$needle"*) ;;
  *) fail "expected the message to name [$needle]: slatrack $(printf '%q ' "$@")" ;;
  esac
  local after
  after=$(db_digest)
  [ "$after" = "$before" ] || { fail "database changed: slatrack $(printf '%q ' "$@")"; before=$after; }
}

big=$(head -c 100000 /dev/zero | tr '\0' a)  # 100 kB: above the 64 KiB text limit
text70k=$(head -c 70000 /dev/zero | tr '\0' b)   # above it, below Linux's 128 KiB per argument
name2k=$(head -c 2000 /dev/zero | tr '\0' c)

# ---- TIME ----
bad '"yesterday-ish"' log acme x --at yesterday-ish
bad '"2026-13-01": no such date' log acme x --at 2026-13-01
bad '"2026-02-30": no such date' log acme x --at 2026-02-30
bad '"25:00": no such time of day' log acme x --at 25:00
bad '"2026-11-23 10:61"' log acme x --at "2026-11-23 10:61"
bad '"+5x"' log acme x --at +5x
bad 'bad time ""' log acme x --at ""
bad '"2099-01-01" is later than now' reply 1 --at 2099-01-01
bad '"soon"' list --since soon
bad '"2026-11-23T10:00:00+25:00": no such UTC offset' list --until 2026-11-23T10:00:00+25:00
bad '"garbage"' report --from garbage
bad '"next week"' calendar due office "next week" 2h
bad '"notatime"' --now notatime list
bad 'before the request' reply 1 --at 2020-01-01
# ---- DUR ----
bad '"0m": must be at least 1m' sla add p1 --reply 0m
bad '"2x"' sla add p1 --reply 2x
bad '"-2h"' sla add p1 --reply -2h
bad 'bad duration ""' sla add p1 --reply ""
bad '"30s"' sla add p1 --reply 30s
bad '"abc"' sla add p1 --reply 2h --update abc
bad '"1y"' sla set standard --resolve 1y
bad '"5": add a unit' overdue --within 5
bad '"0h"' calendar due office now 0h
bad '"99999999999999999999h"' sla add p1 --reply 99999999999999999999h
bad '"0m"' overdue --within 0m
# ---- SPEC, zones, holidays ----
bad '"09:00-17:00-18:00" is not HH:MM-HH:MM' calendar add c1 --tz UTC --hours "mon-fri 09:00-17:00-18:00"
bad 'overnight interval "17:00-09:00"' calendar add c1 --tz UTC --hours "mon-fri 17:00-09:00"
bad 'overlapping intervals "09:00-12:00" and "11:00-13:00"' calendar add c1 --tz UTC --hours "mon-fri 09:00-12:00 11:00-13:00"
bad 'unknown day "funday"' calendar add c1 --tz UTC --hours "funday 09:00-17:00"
bad '"9-17" is not HH:MM-HH:MM' calendar add c1 --tz UTC --hours "mon-fri 9-17"
bad 'no open hours given' calendar add c1 --tz UTC --hours ""
bad '"24:01" is not a time' calendar add c1 --tz UTC --hours "mon-fri 09:00-24:01"
bad 'unknown time zone "Mars/Olympus"' calendar add c1 --tz Mars/Olympus --hours "mon 09:00-10:00"
bad '"sun-sat"' calendar edit office --hours sun-sat
bad 'bad holiday "2026-02-30"' calendar holiday office 2026-02-30
bad 'bad holiday "13-01"' calendar holiday office 13-01
bad 'unknown time zone "Nowhere/Zone"' --tz Nowhere/Zone list
# ---- request numbers ----
bad '"abc"' reply abc
bad '"0"' reply 0
bad '"-1"' reply -1
bad 'no request #999' reply 999
bad 'bad request number "#"' reply "#"
bad '"99999999999999999999999"' reply 99999999999999999999999
bad '"1 2"' show "1 2"
bad '"1.5"' edit 1.5 --subject x
bad 'bad request number ""' note "" text
bad '"abc"' explain abc
# ---- names ----
bad 'no client "nosuchclient"' log nosuchclient x
bad 'empty client name' client add ""
bad 'empty client name' client add "   "
bad '"bad\x01name" has a control character' client add $'bad\x01name'
bad '"cal\x09tab" has a control character' calendar add $'cal\ttab' --tz UTC --hours "mon 09:00-10:00"
bad '"p\x1B[31m" has a control character' sla add $'p\x1b[31m' --reply 2h
bad 'client "acme" exists' client add ACME
bad '"ann\x07" has a control character' log acme x --assignee $'ann\x07'
bad '"r\x01" has a control character' log acme x --ref $'r\x01'
bad '"bob\x0Abob" has a control character' assign 1 $'bob\nbob'
bad 'no SLA policy "nosuchpolicy"' client add newc --sla nosuchpolicy
bad 'no calendar "nosuchcal"' sla add p2 --calendar nosuchcal --reply 2h
bad 'no client "nosuch"' edit 1 --client nosuch
bad 'no calendar "nosuch"' calendar show nosuch
bad 'no SLA policy "nosuch"' sla show nosuch
bad 'no client "nosuch"' client edit nosuch --note x
bad 'empty client name' client edit acme --rename ""
bad 'calendar "24x7" is built in' calendar rm 24x7
bad 'SLA policy "default" is built in' sla rm default
bad 'client "acme" has 1 request' client rm acme
bad 'cannot resume #1' resume 1
# ---- enumerations, flags, formats ----
bad 'bad channel "fax"' log acme x --channel fax
bad 'bad channel "fax"' edit 1 --channel fax
bad 'bad priority "critical"' log acme x --priority critical
bad 'bad priority "extreme"' sla set standard --priority extreme --reply 2h
bad 'bad --priority "7"' list --priority 7
bad 'bad --status "closed"' list --status closed
bad 'bad --limit "-1"' list --limit -1
bad 'bad --limit "abc"' list --limit abc
bad 'bad --format "xml"' --format xml list
bad 'bad --format ""' --format "" list
bad 'bad --color "sometimes"' --color sometimes list
bad 'bad --by "year"' report --by year
bad '--bogus' log acme x --bogus
bad 'unknown command "frobnicate"' frobnicate
bad 'SUBJECT is required' log acme
bad "give the holidays' dates (YYYY-MM-DD once, MM-DD every year) or --ics FILE" calendar holiday office
# ---- oversized text ----
bad 'SUBJECT "aaaa' log acme "$big"
bad 'is 100000 bytes long; at most 65536 bytes are accepted' log acme "$big"
bad '--message "bbbb' log acme x -m "$text70k"
bad 'is 70000 bytes long; at most 65536' note 1 "$text70k"
bad 'is 70000 bytes long; at most 65536' edit 1 --subject "$text70k"
bad 'is 70000 bytes long; at most 65536' client add big --note "$text70k"
bad 'NAME "cccc' client add "$name2k"
bad 'is 2000 bytes long; at most 1000 bytes' client add "$name2k"
# ---- invalid UTF-8 ----
bad 'SUBJECT "bad\xFFsubject" is not valid UTF-8 (byte 0xFF at offset 3)' log acme $'bad\xffsubject'
bad 'NAME "caf\xC3" is not valid UTF-8 (byte 0xC3 at offset 3)' client add $'caf\xc3'
bad 'TEXT "\xC0\xAF" is not valid UTF-8 (byte 0xC0 at offset 0)' note 1 $'\xc0\xaf'
bad '--message "ok \xED\xA0\x80" is not valid UTF-8 (byte 0xED at offset 3)' log acme x -m $'ok \xed\xa0\x80'
bad 'WHO "\xFE" is not valid UTF-8' assign 1 $'\xfe'
bad 'CLIENT "\xF5\x80\x80\x80" is not valid UTF-8' log $'\xf5\x80\x80\x80' x
bad '--subject "x\xE2\x82" is not valid UTF-8 (byte 0xE2 at offset 1)' edit 1 --subject $'x\xe2\x82'

# Exactly at the limits: accepted.
exact=$(head -c 65536 /dev/zero | tr '\0' d)   # SPEC: event texts of up to 64 KiB
st log acme "$exact" --at 2026-11-25T11:00:00Z -q; expect_rc 0; expect_out 2
st note 2 "$exact"; expect_rc 0
# ... and from a file: import takes a first message of 64 KiB (SPEC: -m and import included).
printf 'client,subject,received_at,text\nacme,Long mail,2026-11-25T11:30:00Z,%s\n' "$exact" \
  >"$tmp/long.csv"
st import "$tmp/long.csv" -q; expect_rc 0
st export --format jsonl
expect_eq "$(printf '%s\n' "$out" | grep -o "\"text\":\"$exact\"" | wc -l)" 2 \
  "the 64 KiB note and imported message kept whole"
name1k=$(head -c 1000 /dev/zero | tr '\0' e)
st client add "$name1k"; expect_rc 0
# Control characters in text are kept and escaped in table output.
st note 2 $'line one\nline two \x1b[31mred'; expect_rc 0
st show 2; expect_rc 0
expect_out_has 'line one\nline two \x1b[31mred'
finish
