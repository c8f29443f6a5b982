// The entry point of the slatrack command line.
#pragma once

#include <cstdio>

namespace slatrack {
class Store;
}

namespace slatrack::cli {

// Parses argv, runs one subcommand and returns the process exit code (SPEC.md "Exit codes"):
// 0 done, 1 overdue found something overdue, 2 bad usage or input, 3 database or environment
// trouble. Never throws.
int run(int argc, char** argv);

// Where a run takes its store from and writes to. The program's: the database --db names
// (opened by the command that needs it), stdout and stderr. Tests hand an open store (in memory)
// and files that capture the output (tests/unit/test_cli.cpp).
struct RunEnvironment {
  Store* store = nullptr;  // nullptr: the --db database; else this one, which outlives the run
  std::FILE* out = stdout; // results, help and --version
  std::FILE* err = stderr; // the error line
};

// run, in `environment`.
int run(int argc, char** argv, const RunEnvironment& environment);

} // namespace slatrack::cli
