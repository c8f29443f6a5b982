// The entry point of the slatrack command line.
#pragma once

namespace slatrack::cli {

// Parses argv, runs one subcommand and returns the process exit code (SPEC.md "Exit codes"):
// 0 done, 1 overdue found something overdue, 2 bad usage or input, 3 database or environment
// trouble. Never throws.
int run(int argc, char** argv);

} // namespace slatrack::cli
