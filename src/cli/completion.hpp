// Shell completion scripts, generated from a plain description of the command tree that app.cpp
// reads off the CLI11 App (so the scripts never go stale when a command or option is added).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slatrack::cli {

// An option ("-q", "--quiet") or a positional argument ("ID").
struct OptionSpec {
  std::vector<std::string> names; // for a positional: its name, e.g. "ID"
  std::string type;               // the value's type name ("PATH", "TIME"); empty for a flag
  std::string description;
  bool many = false; // a positional that takes several values (DATE...)
};

struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;     // options of this command (the root's are global)
  std::vector<OptionSpec> positionals; // in order
  std::vector<CommandSpec> subcommands;
};

// The completion script for `shell` (bash, zsh or fish). The scripts complete subcommands,
// options and their fixed values, and ask slatrack itself (quietly, in TSV) for client, policy
// and calendar names and request numbers. Throws Error{usage} for another shell.
[[nodiscard]] std::string completion_script(std::string_view shell, const CommandSpec& root);

} // namespace slatrack::cli
