#include "cli/run.hpp"

#include <csignal>

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write must fail with EFBIG, which SQLite reports as a
  // full disk (exit 3, nothing written), rather than the default SIGXFSZ killing the process.
  static_cast<void>(std::signal(SIGXFSZ, SIG_IGN));
  return slatrack::cli::run(argc, argv);
}
