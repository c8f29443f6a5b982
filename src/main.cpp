#include "cli/run.hpp"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace {

// A command lives for a moment, and on a virtual machine a page fault costs more than the work
// done in the page: a statement of a big client faulted 7,000 heap pages in, a third of its
// time (docs/performance.md, "statement, third session"). So memory a command frees is kept
// for its next allocation rather than handed back and faulted in again (blocks up to 64 MiB
// come from the heap, which is not trimmed), and the heap is grown once, by 64 MiB of address
// space, with transparent huge pages asked for on it past its first 2 MiB: one fault then
// brings in 2 MiB. Only what is touched is memory in use; where huge pages are off, madvise
// does nothing. (An import sets its own thresholds: store/transfer.cpp, prepare_for_import.)
void prepare_heap() {
  constexpr std::size_t k_mib = std::size_t{1} << 20;
  constexpr std::size_t k_huge = 2 * k_mib;
  static_cast<void>(::mallopt(M_MMAP_THRESHOLD, static_cast<int>(64 * k_mib)));
  static_cast<void>(::mallopt(M_TRIM_THRESHOLD, static_cast<int>(1024 * k_mib)));
  static_cast<void>(::mallopt(M_TOP_PAD, static_cast<int>(64 * k_mib)));
  const auto before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  // More than the heap has free: it grows by this and the pad. Volatile, or the compiler drops
  // an allocation that is never used.
  void* volatile grow = std::malloc(k_mib);
  std::free(grow);
  const auto after = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  // From the second huge page on: a small command (most are) never touches one.
  const std::uintptr_t start = (before + k_huge - 1) / k_huge * k_huge + k_huge;
  if (before != static_cast<std::uintptr_t>(-1) && after > start + k_huge) {
    static_cast<void>(::madvise(reinterpret_cast<void*>(start), (after - start) / k_huge * k_huge,
                                MADV_HUGEPAGE));
  }
}

} // namespace

int main(int argc, char** argv) {
  prepare_heap();
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
