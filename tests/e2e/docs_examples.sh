#!/usr/bin/env bash
# Docs that cannot lie: every shell example of README.md and docs/*.md marked runnable is run, and
# the output it shows is checked. A runnable example is a ```console block right after a line
#   <!-- runnable -->   or   <!-- runnable: now=2026-11-23T10:30:00Z tz=Europe/London -->
# (now=at: each command runs at the time of its own --at "...", the one before's when it has none)
# in which "$ COMMAND" lines are run (by bash, in order) and the lines after each, up to the next
# "$ ", are exactly what it prints (stdout and stderr, as on a terminal). The blocks of one file
# share one empty HOME, shown as /home/ann (so one fresh database at the default path, and no
# settings file until an example writes one), a fixed --now (SLATRACK_NOW, default
# 2026-11-23T10:30:00Z, a Monday), TZ (default Europe/London) and SLATRACK_USER=ann.
source "$(dirname "$0")/lib.sh" "$1"
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$tmp/bin"
ln -s "$SLATRACK_BIN" "$tmp/bin/slatrack"
blocks=0
out= err= rc=0

# run_block FILE LINE OPTIONS: runs the commands in $tmp/block.cmds (NUL-separated records of
# "line\tcommand\texpected").
run_block() {
  local file=$1 now=2026-11-23T10:30:00Z zone=Europe/London option
  for option in $3; do
    case $option in
    now=*) now=${option#now=} ;;
    tz=*) zone=${option#tz=} ;;
    esac
  done
  local record line command expected actual at_now=
  [ "$now" = at ] && at_now=1 && now=2026-11-23T10:30:00Z
  while IFS= read -r -d '' record; do
    line=${record%%$'\t'*}
    record=${record#*$'\t'}
    command=${record%%$'\t'*}
    expected=${record#*$'\t'}
    # now=at: each command runs at the time of its --at "...", as if entered when it happened.
    if [ -n "$at_now" ] && [[ $command =~ --at\ \"([^\"]*)\" ]]; then
      now=${BASH_REMATCH[1]}
    fi
    actual=$(cd "$work/home" && env -i PATH="$tmp/bin:/usr/local/bin:/usr/bin:/bin" \
      HOME="$work/home" SLATRACK_NOW="$now" TZ="$zone" SLATRACK_USER=ann LC_ALL=C.UTF-8 \
      bash -c "$command" 2>&1)
    actual=${actual//"$work/home"//home/ann}
    checks=$((checks + 1))
    if [ "$actual" != "$expected" ]; then
      failures=$((failures + 1))
      echo "FAIL: ${file#"$root"/}:$line: \$ $command"
      diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/  /'
    fi
  done <"$tmp/block.cmds"
}

for file in "$root/README.md" "$root"/docs/*.md; do
  work="$tmp/work/$(basename "$file" .md)"
  mkdir -p "$work/home"
  marker= options= in_block=0 number=0 command= expected= start=0
  : >"$tmp/block.cmds"
  while IFS= read -r text || [ -n "$text" ]; do
    number=$((number + 1))
    if [ "$in_block" = 0 ]; then
      if [[ $text =~ ^\<!--\ runnable(:(.*))?\ --\>$ ]]; then
        marker=1
        options=${BASH_REMATCH[2]}
      elif [ -n "$marker" ] && [ "$text" = '```console' ]; then
        in_block=1
        marker=
        : >"$tmp/block.cmds"
        command=
      elif [ -n "$text" ]; then
        marker=
      fi
      continue
    fi
    if [ "$text" = '```' ] || [[ $text == '$ '* ]]; then
      if [ -n "$command" ]; then
        printf '%s\t%s\t%s\0' "$start" "$command" "$expected" >>"$tmp/block.cmds"
      fi
      if [ "$text" = '```' ]; then
        in_block=0
        blocks=$((blocks + 1))
        run_block "$file" "$number" "$options"
        continue
      fi
      command=${text#'$ '}
      expected=
      start=$number
      first=1
      continue
    fi
    if [ -n "$first" ]; then
      expected=$text
      first=
    else
      expected+=$'\n'$text
    fi
  done <"$file"
done
expect_eq "$([ "$blocks" -ge 3 ] && echo some)" some "(runnable examples found: $blocks)"
finish
