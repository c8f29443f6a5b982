// Why this file: `slatrack completion bash|zsh|fish`. Each script is one small interpreter (in the
// shell's own language) of a table that describes the command tree: subcommands, options with the
// kind of value they take, and positional arguments. The table is generated from the CLI11 tree
// that app.cpp builds, so a new command or option is completed without touching this file. Names
// from the database come from slatrack itself (`client list --format tsv` ...), with the --db and
// --config of the command line being completed and errors thrown away.
#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "slatrack/error.hpp"

#include <fmt/format.h>

namespace slatrack::cli {

namespace {

std::string words(const std::vector<std::string_view>& values) {
  std::string out = "words:";
  bool first = true;
  for (const std::string_view value : values) {
    out += first ? "" : ",";
    out += value;
    first = false;
  }
  return out;
}

std::string channels() {
  std::string out = "words:";
  for (const Channel channel : {Channel::email, Channel::phone, Channel::chat, Channel::social,
                                Channel::in_person, Channel::web, Channel::other}) {
    out += out.size() == 6 ? "" : ",";
    out += to_string(channel);
  }
  return out;
}

// What an option's value is: flag (none), file, zone, words:a,b,c, clients, policies, calendars,
// open, resolved, or value (anything: nothing to offer).
std::string option_kind(const OptionSpec& option) {
  if (option.type.empty()) {
    return "flag";
  }
  const std::string& name = option.names.back();
  if (name == "--db" || name == "--config" || name == "--ics") {
    return "file";
  }
  if (name == "--tz") {
    return "zone";
  }
  if (name == "--format") {
    return words(format_names()); // every --format (markdown and html: statement's)
  }
  if (name == "--color") {
    return words({"auto", "always", "never"});
  }
  if (name == "--priority") {
    return words({"urgent", "high", "normal", "low"});
  }
  if (name == "--channel") {
    return channels();
  }
  if (name == "--status") {
    return words({"open", "waiting", "resolved", "all"});
  }
  if (name == "--by" && option.type == "GROUP") { // report's; the event commands' is WHO
    return words({"client", "assignee", "priority", "channel", "day", "week", "month"});
  }
  if (name == "--client") {
    return "clients";
  }
  if (name == "--month") {
    return words({"last", "this"});
  }
  if (name == "--sla") {
    return "policies";
  }
  if (name == "--calendar") {
    return "calendars";
  }
  return "value";
}

// What a positional argument of the command at `path` ("slatrack calendar show") is.
std::string positional_kind(const std::vector<std::string>& path, const OptionSpec& positional) {
  const std::string& name = positional.names.front();
  const std::string_view group = path.size() > 1 ? std::string_view(path[1]) : "";
  const std::string_view leaf = path.empty() ? "" : std::string_view(path.back());
  if (name == "CLIENT") {
    return "clients";
  }
  if (name == "ID") {
    return leaf == "reopen" ? "resolved" : "open";
  }
  if (name == "FILE" || name == "DEST") {
    return "file";
  }
  if (name == "SHELL") {
    return words({"bash", "zsh", "fish"});
  }
  if (name == "NAME" && leaf != "add" && path.size() == 3) {
    if (group == "calendar") {
      return "calendars";
    }
    if (group == "sla") {
      return "policies";
    }
    if (group == "client") {
      return "clients";
    }
  }
  return "value";
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += i == 0 ? "" : std::string(separator);
    out += parts[i];
  }
  return out;
}

// Tabs and newlines would break the table.
std::string cell(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

// The table, one line per entry, fields separated by tabs:
//   sub  PATH  NAME  DESCRIPTION
//   opt  PATH  NAMES  KIND  DESCRIPTION      (NAMES separated by spaces)
//   pos  PATH  INDEX  KIND                   (INDEX is 1-based; "2+" for 2 and later)
// PATH is the command path from the root, e.g. "slatrack calendar add".
void table(std::vector<std::string>& lines, const CommandSpec& command,
           std::vector<std::string>& path) {
  path.push_back(command.name);
  const std::string here = joined(path, " ");
  for (const CommandSpec& sub : command.subcommands) {
    lines.push_back(fmt::format("sub\t{}\t{}\t{}", here, sub.name, cell(sub.description)));
  }
  for (const OptionSpec& option : command.options) {
    lines.push_back(fmt::format("opt\t{}\t{}\t{}\t{}", here, joined(option.names, " "),
                                option_kind(option), cell(option.description)));
  }
  for (std::size_t i = 0; i < command.positionals.size(); ++i) {
    const OptionSpec& positional = command.positionals[i];
    lines.push_back(fmt::format("pos\t{}\t{}{}\t{}", here, i + 1, positional.many ? "+" : "",
                                positional_kind(path, positional)));
  }
  for (const CommandSpec& sub : command.subcommands) {
    table(lines, sub, path);
  }
  path.pop_back();
}

// 'text' for bash and zsh.
std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// 'text' for fish, where \ and ' are escaped inside single quotes.
std::string fish_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

constexpr std::string_view k_bash =
    R"SH(# bash completion for slatrack, generated by `slatrack completion bash` from its command tree.
# Install as /usr/share/bash-completion/completions/slatrack, or: source <(slatrack completion bash)

_slatrack_spec=@SPEC@

# The table, loaded once: subcommands and options per command path, the value kind of each
# option, the kind of each positional argument ("PATH|N", "PATH|N+" for N and later).
declare -gA _slatrack_subs=() _slatrack_opts=() _slatrack_kind=() _slatrack_pos=()
_slatrack_load() {
  local type path a b rest n
  while IFS=$'\t' read -r type path a b rest; do
    case $type in
      sub) _slatrack_subs[$path]+="$a " ;;
      opt)
        _slatrack_opts[$path]+="$a "
        for n in $a; do _slatrack_kind[$path|$n]=$b; done
        ;;
      pos) _slatrack_pos[$path|$a]=$b ;;
    esac
  done <<<"$_slatrack_spec"
}
_slatrack_load

# _slatrack_option_kind PATH OPTION: sets REPLY to the kind of value OPTION takes at PATH or
# above it; fails when there is no such option.
_slatrack_option_kind() {
  local path=$1
  while :; do
    if [[ -n ${_slatrack_kind[$path|$2]+set} ]]; then
      REPLY=${_slatrack_kind[$path|$2]}
      return 0
    fi
    [[ $path == *" "* ]] || return 1
    path=${path% *}
  done
}

# _slatrack_pos_kind PATH N: sets REPLY to the kind of the Nth positional argument at PATH.
_slatrack_pos_kind() {
  local -i n=$2
  REPLY=${_slatrack_pos[$1|$n]-}
  while [[ -z $REPLY ]] && ((n > 0)); do
    REPLY=${_slatrack_pos[$1|$n+]-}
    n+=-1
  done
}

# Names from the database, one a line; the program, --db and --config are those of the command
# line being completed, and errors are thrown away.
_slatrack_names() {
  local -a cmd
  case $1 in
    clients) cmd=(client list) ;;
    policies) cmd=(sla list) ;;
    calendars) cmd=(calendar list) ;;
    open) cmd=(list) ;;
    resolved) cmd=(list --status resolved) ;;
    *) return ;;
  esac
  local arg db=
  for arg in "${_slatrack_global[@]}"; do
    case $arg in --db=*) db=${arg#--db=} ;; --db) db=next ;; *) if [[ $db == next ]]; then db=$arg; fi ;; esac
  done
  if [[ -n $db && ! -e $db ]]; then return; fi # never create a database while completing
  "$_slatrack_program" "${_slatrack_global[@]}" "${cmd[@]}" --format tsv 2>/dev/null \
    | tail -n +2 | cut -f1
}

_slatrack_zones() {
  local file=/usr/share/zoneinfo/tzdata.zi
  if [[ -r $file ]]; then awk '$1 == "Z" { print $2 } $1 == "L" { print $3 }' "$file"; fi
}

# _slatrack_add CUR [nocase]: adds the lines of stdin that start with CUR (ignoring case with
# nocase: names from the database) to COMPREPLY, quoted for the shell (never through compgen -W,
# which would expand $ and ` in names).
_slatrack_add() {
  local value
  while IFS= read -r value; do
    if [[ -n $value && ($value == "$1"* || (-n ${2-} && ${value,,} == "${1,,}"*)) ]]; then
      if [[ $value == *[!A-Za-z0-9_.@%+,:/=-]* ]]; then printf -v value '%q' "$value"; fi
      COMPREPLY+=("$value")
    fi
  done
}

_slatrack_values() {
  local kind=$1 cur=$2
  case $kind in
    file)
      compopt -o filenames 2>/dev/null
      local IFS=$'\n'
      COMPREPLY+=($(compgen -f -- "$cur"))
      ;;
    zone) _slatrack_add "$cur" < <(_slatrack_zones) ;;
    words:*)
      local list=${kind#words:}
      _slatrack_add "$cur" <<<"${list//,/$'\n'}"
      ;;
    clients | policies | calendars | open | resolved)
      _slatrack_add "$cur" nocase < <(_slatrack_names "$kind")
      ;;
  esac
}

_slatrack() {
  COMPREPLY=()
  local _slatrack_program=${COMP_WORDS[0]}
  local -a _slatrack_global=()
  local cur=${COMP_WORDS[COMP_CWORD]} path=slatrack word last= pending= REPLY
  local -i i npos=0 skip=0
  if [[ $_slatrack_program == "~/"* ]]; then _slatrack_program=$HOME/${_slatrack_program#"~/"}; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if ((skip)); then
      if [[ $word == "=" ]]; then continue; fi
      skip=0
      if [[ $word == "~/"* ]]; then word=$HOME/${word#"~/"}; fi
      if [[ -n $pending ]]; then _slatrack_global+=("$pending" "$word"); fi
      pending=
      continue
    fi
    case $word in
      --*=*)
        case ${word%%=*} in --db | --config) _slatrack_global+=("$word") ;; esac
        continue
        ;;
      -?*)
        _slatrack_option_kind "$path" "$word" || continue
        if [[ $REPLY != flag ]]; then
          skip=1
          last=$word
          case $word in --db | --config) pending=$word ;; esac
        fi
        continue
        ;;
    esac
    if [[ " ${_slatrack_subs[$path]-} " == *" $word "* ]]; then
      path="$path $word"
      npos=0
    else
      npos+=1
    fi
  done
  if ((skip)); then
    if [[ $cur == "=" ]]; then cur=; fi
    _slatrack_option_kind "$path" "$last"
    _slatrack_values "$REPLY" "$cur"
    return
  fi
  if [[ $cur == -* ]]; then
    local p=$path options= name
    local -A seen=()
    while :; do
      for name in ${_slatrack_opts[$p]-}; do
        if [[ -z ${seen[$name]-} ]]; then
          seen[$name]=1
          options+=$name$'\n'
        fi
      done
      [[ $p == *" "* ]] || break
      p=${p% *}
    done
    _slatrack_add "$cur" <<<"$options"
    return
  fi
  if [[ -n ${_slatrack_subs[$path]-} ]]; then
    _slatrack_add "$cur" <<<"${_slatrack_subs[$path]// /$'\n'}"
    return
  fi
  _slatrack_pos_kind "$path" $((npos + 1))
  _slatrack_values "$REPLY" "$cur"
}

complete -F _slatrack slatrack
)SH";

constexpr std::string_view k_zsh = R"SH(#compdef slatrack
# zsh completion for slatrack, generated by `slatrack completion zsh` from its command tree.
# Install as _slatrack in a directory of $fpath (Debian: /usr/share/zsh/vendor-completions), or:
# source <(slatrack completion zsh)

_slatrack_spec=@SPEC@

# The table, loaded once: subcommands and options per command path with their descriptions, the
# value kind of each option, the kind of each positional argument ("PATH|N", "PATH|N+").
typeset -gA _slatrack_subs _slatrack_subdesc _slatrack_optdesc _slatrack_kind _slatrack_pos
_slatrack_load() {
  local line name key
  local -a f
  for line in "${(@f)_slatrack_spec}"; do
    f=("${(@ps:\t:)line}")
    case $f[1] in
      sub)
        _slatrack_subs[$f[2]]+=" $f[3] "
        _slatrack_subdesc[$f[2]]+="$f[3]:$f[4]"$'\n'
        ;;
      opt)
        for name in ${(s: :)f[3]}; do
          key="$f[2]|$name"
          _slatrack_kind[$key]=$f[4]
          _slatrack_optdesc[$f[2]]+="$name:$f[5]"$'\n'
        done
        ;;
      pos)
        key="$f[2]|$f[3]"
        _slatrack_pos[$key]=$f[4]
        ;;
    esac
  done
}
_slatrack_load

# _slatrack_option_kind PATH OPTION: sets REPLY to the kind of value OPTION takes at PATH or
# above it; fails when there is no such option.
_slatrack_option_kind() {
  local p=$1 key
  while true; do
    key="$p|$2"
    if (( ${+_slatrack_kind[$key]} )); then
      REPLY=$_slatrack_kind[$key]
      return 0
    fi
    [[ $p == *' '* ]] || return 1
    p=${p% *}
  done
}

# _slatrack_pos_kind PATH N: sets REPLY to the kind of the Nth positional argument at PATH.
_slatrack_pos_kind() {
  local -i n=$2
  local key="$1|$n"
  REPLY=$_slatrack_pos[$key]
  while [[ -z $REPLY ]] && (( n > 0 )); do
    key="$1|$n+"
    REPLY=$_slatrack_pos[$key]
    (( n-- ))
  done
}

# Names from the database, one a line (requests: number TAB subject).
_slatrack_names() {
  local -a cmd
  case $1 in
    clients) cmd=(client list) ;;
    policies) cmd=(sla list) ;;
    calendars) cmd=(calendar list) ;;
    open) cmd=(list) ;;
    resolved) cmd=(list --status resolved) ;;
    *) return ;;
  esac
  local arg db=
  for arg in $_slatrack_global; do
    case $arg in --db=*) db=${arg#--db=} ;; --db) db=next ;; *) [[ $db == next ]] && db=$arg ;; esac
  done
  [[ -n $db && ! -e $db ]] && return # never create a database while completing
  if [[ $1 == open || $1 == resolved ]]; then
    $_slatrack_program $_slatrack_global $cmd --format tsv 2>/dev/null | tail -n +2 | cut -f1,3
  else
    $_slatrack_program $_slatrack_global $cmd --format tsv 2>/dev/null | tail -n +2 | cut -f1
  fi
}

_slatrack_values() {
  local kind=$1 line
  local -a values
  case $kind in
    file) _files ;;
    zone)
      [[ -r /usr/share/zoneinfo/tzdata.zi ]] || return 1
      values=(${(f)"$(awk '$1 == "Z" { print $2 } $1 == "L" { print $3 }' /usr/share/zoneinfo/tzdata.zi)"})
      compadd -a values
      ;;
    words:*)
      values=(${(s:,:)${kind#words:}})
      compadd -a values
      ;;
    clients|policies|calendars)
      values=(${(f)"$(_slatrack_names $kind)"})
      compadd -M 'm:{a-zA-Z}={A-Za-z}' -a values
      ;;
    open|resolved)
      for line in ${(f)"$(_slatrack_names $kind)"}; do
        values+=("${line%%$'\t'*}:${line#*$'\t'}")
      done
      _describe -t requests 'request' values
      ;;
    *) return 1 ;;
  esac
}

_slatrack() {
  local _slatrack_program=${words[1]} cmdpath=slatrack word last= pending= line p REPLY
  local -a _slatrack_global described
  local -A seen
  local -i i npos=0 skip=0
  for (( i = 2; i < CURRENT; i++ )); do
    word=${(Q)words[i]}
    if (( skip )); then
      skip=0
      [[ $word == '~/'* ]] && word=$HOME/${word#'~/'}
      [[ -n $pending ]] && _slatrack_global+=($pending $word)
      pending=
      continue
    fi
    case $word in
      --*=*)
        [[ ${word%%=*} == (--db|--config) ]] && _slatrack_global+=($word)
        continue
        ;;
      -?*)
        _slatrack_option_kind $cmdpath $word || continue
        if [[ $REPLY != flag ]]; then
          skip=1
          last=$word
          [[ $word == (--db|--config) ]] && pending=$word
        fi
        continue
        ;;
    esac
    if [[ $_slatrack_subs[$cmdpath] == *" $word "* ]]; then
      cmdpath="$cmdpath $word"
      npos=0
    else
      npos+=1
    fi
  done
  local cur=${words[CURRENT]}
  if (( skip )); then
    _slatrack_option_kind $cmdpath $last
    _slatrack_values $REPLY
    return
  fi
  if [[ $cur == --*=* ]]; then
    _slatrack_option_kind $cmdpath ${cur%%=*} || return 1
    compset -P '*='
    _slatrack_values $REPLY
    return
  fi
  if [[ $cur == -* ]]; then
    p=$cmdpath
    while true; do
      for line in ${(f)_slatrack_optdesc[$p]}; do
        if [[ -z $seen[${line%%:*}] ]]; then
          seen[${line%%:*}]=1
          described+=("$line")
        fi
      done
      [[ $p == *' '* ]] || break
      p=${p% *}
    done
    _describe -t options 'option' described
    return
  fi
  if [[ -n $_slatrack_subdesc[$cmdpath] ]]; then
    described=(${(f)_slatrack_subdesc[$cmdpath]})
    _describe -t commands 'command' described
    return
  fi
  _slatrack_pos_kind $cmdpath $(( npos + 1 ))
  _slatrack_values $REPLY
}

if [[ $funcstack[1] == _slatrack ]]; then
  _slatrack "$@"
else
  compdef _slatrack slatrack
fi
)SH";

constexpr std::string_view k_fish =
    R"SH(# fish completion for slatrack, generated by `slatrack completion fish` from its command tree.
# Install as /usr/share/fish/vendor_completions.d/slatrack.fish, or: slatrack completion fish | source

set -g __slatrack_spec @SPEC@

# __slatrack_var PREFIX KEY: the name of the global variable that holds KEY's entry.
function __slatrack_var --argument-names prefix key
    echo __slatrack_$prefix(string escape --style=var -- $key)
end

# The table, loaded once: s_PATH subcommands and o_PATH options (NAME TAB DESCRIPTION), k_PATH|OPTION
# the value kind of an option, p_PATH|N the kind of a positional argument (p_PATH|N+ for N and later).
for line in $__slatrack_spec
    set -l f (string split \t -- $line)
    switch $f[1]
        case sub
            set -ga (__slatrack_var s $f[2]) "$f[3]"\t"$f[4]"
        case opt
            for name in (string split ' ' -- $f[3])
                set -ga (__slatrack_var o $f[2]) "$name"\t"$f[5]"
                set -g (__slatrack_var k "$f[2]|$name") $f[4]
            end
        case pos
            set -g (__slatrack_var p "$f[2]|$f[3]") $f[4]
    end
end

function __slatrack_option_kind --argument-names cmdpath option
    while true
        set -l var (__slatrack_var k "$cmdpath|$option")
        if set -q $var
            echo $$var
            return 0
        end
        string match -q '* *' -- $cmdpath; or return 1
        set cmdpath (string replace -r ' [^ ]*$' '' -- $cmdpath)
    end
end

function __slatrack_pos_kind --argument-names cmdpath index
    set -l var (__slatrack_var p "$cmdpath|$index")
    if set -q $var
        echo $$var
        return
    end
    for n in (seq $index -1 1)
        set var (__slatrack_var p "$cmdpath|$n+")
        if set -q $var
            echo $$var
            return
        end
    end
end

# Names from the database, one a line (requests: number TAB subject).
function __slatrack_names --argument-names what
    set -l cmd
    switch $what
        case clients
            set cmd client list
        case policies
            set cmd sla list
        case calendars
            set cmd calendar list
        case open
            set cmd list
        case resolved
            set cmd list --status resolved
        case '*'
            return
    end
    set -l db
    for arg in $__slatrack_global
        switch $arg
            case '--db=*'
                set db (string replace -- --db= '' $arg)
            case --db
                set db next
            case '*'
                test "$db" = next; and set db $arg
        end
    end
    if test -n "$db" -a ! -e "$db"
        return # never create a database while completing
    end
    if contains -- $what open resolved
        $__slatrack_program $__slatrack_global $cmd --format tsv 2>/dev/null | tail -n +2 | cut -f1,3
    else
        $__slatrack_program $__slatrack_global $cmd --format tsv 2>/dev/null | tail -n +2 | cut -f1
    end
end

function __slatrack_values --argument-names kind cur
    switch $kind
        case file
            __fish_complete_path $cur
        case zone
            test -r /usr/share/zoneinfo/tzdata.zi
            and awk '$1 == "Z" { print $2 } $1 == "L" { print $3 }' /usr/share/zoneinfo/tzdata.zi
        case 'words:*'
            string split , -- (string replace 'words:' '' -- $kind)
        case clients policies calendars open resolved
            __slatrack_names $kind
    end
end

function __slatrack_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -g __slatrack_program $tokens[1]
    set -g __slatrack_global
    set -l cmdpath slatrack
    set -l npos 0
    set -l skip 0
    set -l last
    set -l pending
    for word in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            set word (string replace -r '^~/' "$HOME/" -- $word)
            if test -n "$pending"
                set -a __slatrack_global $pending $word
            end
            set pending
            continue
        end
        switch $word
            case '--*=*'
                set -l name (string split -m 1 = -- $word)[1]
                if contains -- $name --db --config
                    set -a __slatrack_global $word
                end
                continue
            case '-?*'
                set -l kind (__slatrack_option_kind $cmdpath $word); or continue
                if test "$kind" != flag
                    set skip 1
                    set last $word
                    if contains -- $word --db --config
                        set pending $word
                    end
                end
                continue
        end
        set -l subs (__slatrack_var s $cmdpath)
        if set -q $subs; and contains -- $word (string replace -r '\t.*' '' -- $$subs)
            set cmdpath "$cmdpath $word"
            set npos 0
        else
            set npos (math $npos + 1)
        end
    end
    if test $skip = 1
        __slatrack_values (__slatrack_option_kind $cmdpath $last) $cur
        return
    end
    if string match -q -- '--*=*' $cur
        set -l parts (string split -m 1 = -- $cur)
        set -l kind (__slatrack_option_kind $cmdpath $parts[1]); or return
        for value in (__slatrack_values $kind $parts[2])
            echo "$parts[1]=$value"
        end
        return
    end
    if string match -q -- '-*' $cur
        set -l p $cmdpath
        set -l seen
        while true
            set -l var (__slatrack_var o $p)
            if set -q $var
                for entry in $$var
                    set -l name (string replace -r '\t.*' '' -- $entry)
                    if not contains -- $name $seen
                        set -a seen $name
                        echo $entry
                    end
                end
            end
            string match -q '* *' -- $p; or break
            set p (string replace -r ' [^ ]*$' '' -- $p)
        end
        return
    end
    set -l subs (__slatrack_var s $cmdpath)
    if set -q $subs
        printf '%s\n' $$subs
        return
    end
    __slatrack_values (__slatrack_pos_kind $cmdpath (math $npos + 1)) $cur
end

complete -c slatrack -e
complete -c slatrack -f -a '(__slatrack_complete)'
)SH";

std::string fill(std::string_view script, std::string_view spec) {
  std::string out(script);
  const std::size_t at = out.find("@SPEC@");
  out.replace(at, 6, spec);
  return out;
}

} // namespace

std::string completion_script(std::string_view shell, const CommandSpec& root) {
  std::vector<std::string> lines;
  std::vector<std::string> path;
  table(lines, root, path);
  if (shell == "bash") {
    return fill(k_bash, single_quoted(joined(lines, "\n")));
  }
  if (shell == "zsh") {
    return fill(k_zsh, single_quoted(joined(lines, "\n")));
  }
  if (shell == "fish") {
    std::vector<std::string> quoted;
    quoted.reserve(lines.size());
    for (const std::string& line : lines) {
      quoted.push_back(fish_quoted(line));
    }
    return fill(k_fish, joined(quoted, " \\\n    "));
  }
  throw Error{ErrorKind::usage,
              fmt::format("no completion for shell \"{}\": use bash, zsh or fish", shell)};
}

int run_completion(Context& context, const std::string& shell, const CommandSpec& root) {
  const std::string script = completion_script(shell, root);
  std::fputs(script.c_str(), context.out());
  return 0;
}

} // namespace slatrack::cli
