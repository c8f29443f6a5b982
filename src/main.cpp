#include "cli/run.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write must fail with EFBIG, which SQLite reports as a
  // full disk (exit 3, nothing written), rather than the default SIGXFSZ killing the process.
  static_cast<void>(std::signal(SIGXFSZ, SIG_IGN));
  // Output into a closed pipe is an error we report (exit 3), as on a full disk, not a kill: and
  // `overdue --new` must learn that its rows were not delivered before it remembers them.
  static_cast<void>(std::signal(SIGPIPE, SIG_IGN));
  // A standard stream that is closed (`slatrack list >&-`) would hand its number to the next file
  // opened, and output meant for stdout would go into that file. Hold each closed one with
  // /dev/null opened read-only: a write to it fails (EBADF) and is reported as such.
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      static_cast<void>(::open("/dev/null", O_RDONLY)); // takes the lowest free number: fd
    }
  }
  return slatrack::cli::run(argc, argv);
}
