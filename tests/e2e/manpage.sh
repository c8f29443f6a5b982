#!/usr/bin/env bash
# docs/slatrack.1 renders without a single groff warning and documents every command (read from
# --help, so a new command without a man page entry fails here) and every global option.
source "$(dirname "$0")/lib.sh" "$1"
out= err= rc=0
page="$(cd "$(dirname "$0")/../.." && pwd)/docs/slatrack.1"

if ! command -v groff >/dev/null; then
  echo "skipped: groff is not installed (apt-get install groff-base)"
  finish
fi
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
expect_eq "$warnings" "" "(groff -man -ww: no warnings)"
text=$(groff -man -Tascii -P-cbou "$page" 2>/dev/null)

# The subcommands listed under "Subcommands:" in `slatrack [GROUP] --help`.
subcommands() {
  "$SLATRACK_BIN" "$@" --help | sed -n '/^Subcommands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}
commands=()
for command in $(subcommands); do
  groups=$(subcommands "$command")
  if [ -n "$groups" ]; then
    for sub in $groups; do commands+=("$command $sub"); done
  else
    commands+=("$command")
  fi
done
expect_eq "$([ "${#commands[@]}" -ge 40 ] && echo many)" many "(--help lists the commands: ${#commands[@]})"
for command in "${commands[@]}"; do
  checks=$((checks + 1))
  # an entry starts a line of COMMANDS, or follows " | " in "calendar list | calendar show NAME"
  if ! grep -qE "(^       | \| )${command// / +}( |$)" <<<"$text"; then
    fail "the man page has no entry for \"$command\""
  fi
done
for option in --db --now --tz --format --color --config --quiet --version --help; do
  checks=$((checks + 1))
  grep -qE "^       (-[a-z], )?$option( |,|$)" <<<"$text" || fail "the man page does not document $option"
done
for section in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS INPUT OUTPUT SETTINGS \
               "RULES FILE" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  checks=$((checks + 1))
  grep -qx "$section" <<<"$text" || fail "the man page has no section $section"
done
for variable in SLATRACK_DB SLATRACK_NOW SLATRACK_CONFIG SLATRACK_USER TZ NO_COLOR; do
  checks=$((checks + 1))
  grep -qE "^       $variable" <<<"$text" || fail "ENVIRONMENT does not list $variable"
done
finish
