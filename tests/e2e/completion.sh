#!/usr/bin/env bash
# `slatrack completion bash|zsh|fish`: the bash function is run with COMP_WORDS as bash would;
# zsh (with stand-ins for compadd and _describe) and fish (complete -C) when they are installed.
source "$(dirname "$0")/lib.sh" "$1"
export SLATRACK_NOW="2026-11-23 09:00"

st client add "Acme Ltd"; st client add beta; st sla add gold --reply 1h
st calendar add office --tz UTC --hours "mon-fri 09:00-17:00"
st log beta "First" -q; st log "Acme Ltd" "Second" -q; st log beta "Third" -q
st resolve 2; expect_rc 0

st completion bash; expect_rc 0
printf '%s\n' "$out" >"$tmp/slatrack.bash"
st completion tcsh; expect_rc 2; expect_err "slatrack: error: no completion for shell \"tcsh\": use bash, zsh or fish"

# comp WORDS...: COMPREPLY for the command line WORDS (the last one is being completed).
cat >"$tmp/run.bash" <<'EOF'
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_slatrack
printf '%s\n' "${COMPREPLY[@]}"
EOF
comp() {
  out=$(bash "$tmp/run.bash" "$tmp/slatrack.bash" "$SLATRACK_BIN" "$@" 2>"$tmp/stderr") && rc=0 || rc=$?
  out=${out//$'\n'/ }
  err=$(cat "$tmp/stderr")
}
out=$(bash -c "source '$tmp/slatrack.bash'; complete -p slatrack"); rc=$?
expect_rc 0; expect_out "complete -F _slatrack slatrack"

comp re; expect_out "reply resume resolve reopen report" "(subcommands)"; expect_no_err
comp con; expect_out "config" "(config is completed)"
comp config ""; expect_out "export apply"
comp calendar ""; expect_out "add edit holiday due list show rm"
comp --format ""; expect_out "table csv tsv json jsonl markdown html"
comp report --month ""; expect_out "last this"
comp st; expect_out "statement" "(statement is completed)"
comp list --status ""; expect_out "open waiting resolved all"
comp log x y --channel ""; expect_out "email phone chat social in-person web other"
comp report --by w; expect_out "week"
comp completion ""; expect_out "bash zsh fish"
comp calendar add --h; expect_out "--help --hours" "(own options, then global ones, once each)"
comp config apply --; expect_out "--help --dry-run --retroactive --prune --version --db --now --tz --format --color --quiet --config"
comp --tz Europe/Lon; expect_out "Europe/London"
# Names from the database, with the --db of the command line being completed.
comp --db "$db" client show ""; expect_out 'Acme\ Ltd beta' "(client names, quoted for the shell)"
comp --db "$db" log A; expect_out 'Acme\ Ltd'
comp --db "$db" log acm; expect_out 'Acme\ Ltd' "(client names ignore case)"
comp --db "$db" list --client B; expect_out 'beta'
comp --db "$db" list --status O; expect_out '' "(words keep their case)"
comp --db "$db" client edit x --sla ""; expect_out "default gold"
comp --db "$db" sla add gold --calendar ""; expect_out "24x7 office"
comp --db "$db" calendar show o; expect_out "office"
comp --db "$db" reply ""; expect_out "1 3" "(open requests)"
comp --db "$db" reopen ""; expect_out "2" "(resolved requests for reopen)"
comp --db "$db" calendar add ""; expect_out "" "(a new name: nothing to offer)"
comp --db="$db" list --client ""; expect_out 'Acme\ Ltd beta' "(--db=PATH form)"
# A database that cannot be opened: no names, nothing on the terminal.
comp --db "$tmp/no/such/dir/x.db" reply ""; expect_out ""; expect_no_err
expect_eq "$(ls "$tmp/no" 2>/dev/null | wc -l)" 0 "(nothing created)"

# zsh: syntax, and the completion function with stand-ins for the completion builtins.
st completion zsh; expect_rc 0
printf '%s\n' "$out" >"$tmp/_slatrack"
if command -v zsh >/dev/null; then
  zsh -n "$tmp/_slatrack"; rc=$?; expect_rc 0 "(zsh syntax)"
  cat >"$tmp/run.zsh" <<'EOF'
compdef() { :; }
compadd() { [[ $1 == -M ]] && { print -r -- "matcher $2"; shift 2; }; [[ $1 == -a ]] && print -rl -- ${(P)2}; }
_describe() { print -rl -- ${(P)4}; }
_files() { print -r -- '<files>'; }
compset() { :; }
source $1
shift
words=("$@"); CURRENT=$#words
_slatrack
EOF
  zcomp() { out=$(zsh -f "$tmp/run.zsh" "$tmp/_slatrack" "$SLATRACK_BIN" "$@" 2>&1 | tr '\n' '|'); }
  zcomp config ""; expect_out "export:Print the rules as TOML (calendars, policies, clients)|apply:Make the database's rules match a TOML file (one transaction)|"
  zcomp --db "$db" reply ""; expect_out "1:First|3:Third|" "(zsh: requests with their subject)"
  zcomp --db "$db" client show ""; expect_out "matcher m:{a-zA-Z}={A-Za-z}|Acme Ltd|beta|" "(names match ignoring case)"
  zcomp --color ""; expect_out "auto|always|never|"
  zcomp --config ""; expect_out "<files>|"
else
  echo "skipped: zsh is not installed (syntax and behaviour not checked)"
fi

# fish: syntax, and complete -C with the real completion machinery.
st completion fish; expect_rc 0
printf '%s\n' "$out" >"$tmp/slatrack.fish"
if command -v fish >/dev/null; then
  fish -n "$tmp/slatrack.fish"; rc=$?; expect_rc 0 "(fish syntax)"
  mkdir -p "$tmp/bin"; ln -s "$SLATRACK_BIN" "$tmp/bin/slatrack"
  fcomp() {
    out=$(PATH="$tmp/bin:$PATH" fish --no-config -c "source $tmp/slatrack.fish; complete -C '$1'" 2>&1 | tr '\n' '|')
  }
  fcomp "slatrack res"; expect_out "$(printf 'resolve\tThe request is done|resume\tNo longer waiting on the client|')"
  fcomp "slatrack --db $db reply "; expect_out "$(printf '1\tFirst|3\tThird|')"
  fcomp "slatrack --db $db client show "; expect_out "Acme Ltd|beta|"
  fcomp "slatrack --db $db client show acm"; expect_out "Acme Ltd|" "(fish: ignoring case)"
  fcomp "slatrack --format=j"; expect_out "--format=json|--format=jsonl|"
  fcomp "slatrack config apply --p"; expect_out "$(printf -- '--prune\tAlso remove clients, policies and calendars the file does not name|')"
else
  echo "skipped: fish is not installed (syntax and behaviour not checked)"
fi
finish
