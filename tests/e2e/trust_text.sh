#!/usr/bin/env bash
# Escapes everywhere (issue 20 item 3): `explain` escapes holiday names as every other view does;
# bidirectional overrides (U+202E and friends) are shown as their code point in table output, so
# "Invoice <U+202E>fdp.exe" cannot read as "Invoice exe.pdf"; wide (CJK) text is measured in
# terminal columns, so table columns line up. Machine formats keep the exact text.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW=2026-12-29T12:00:00Z
esc=$(printf '\033')

st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"; expect_rc 0
st sla add standard --calendar office --reply 8h; expect_rc 0
st client add acme --sla standard; expect_rc 0
# A holiday name with an OSC 8 hyperlink and a clear-screen.
st calendar holiday office 2026-12-25 --name "$(printf 'Xmas \033]8;;http://evil\033\\link\033]8;;\033\\ \033[2J')"; expect_rc 0
st log acme "Before Christmas" --at 2026-12-24T15:00:00Z -q; expect_rc 0
st explain 1; expect_rc 0
case "$out" in *"$esc"*) fail "explain printed a raw ESC" ;; esac
checks=$((checks + 1))
expect_out_has 'holiday 2026-12-25 Xmas \x1b]8;;http://evil\x1b\link\x1b]8;;\x1b\ \x1b[2J'
st explain 1 --format json; expect_rc 0
expect_eq "$(json_get "$out" '[.clocks[0].steps[] | select(.kind == "holiday") | .note][0]')" \
  "weekend, holiday 2026-12-25 Xmas ${esc}]8;;http://evil${esc}\\link${esc}]8;;${esc}\\ ${esc}[2J" "json keeps the exact text"

# A right-to-left override in a subject.
rlo=$(printf '\xe2\x80\xae')
st log acme "Invoice ${rlo}fdp.exe" --at 2026-12-29T10:00:00Z -q; expect_rc 0
st list; expect_rc 0
case "$out" in *"$rlo"*) fail "list printed a raw U+202E" ;; esac
checks=$((checks + 1))
expect_out_has 'Invoice \u202efdp.exe'
st show 2; expect_rc 0; expect_out_has 'Invoice \u202efdp.exe'
st list --format jsonl; expect_rc 0; expect_out_has "\"subject\":\"Invoice ${rlo}fdp.exe\""

# Wide text: the columns after a CJK client name line up with the header.
st client add "株式会社テスト" --sla standard; expect_rc 0
st log "株式会社テスト" "請求書" --at 2026-12-29T11:00:00Z -q; expect_rc 0
st client list; expect_rc 0
expect_out "$(printf '%s\n' \
  'NAME            SLA       EMAIL  DOMAIN  OWNER  OPEN  TOTAL  NOTE' \
  'acme            standard  -      -       -      2     2      -' \
  '株式会社テスト  standard  -      -       -      1     1      -')"
# The report's table too (it measured code points, not columns, before display_width).
st report --by client --from 2026-12; expect_rc 0
expect_out_has 'CLIENT          LOGGED   MET  LATE  MET%'
expect_out_has 'acme                 2     0     1  0.0%'
expect_out_has '株式会社テスト       1     0     0     -'

finish
