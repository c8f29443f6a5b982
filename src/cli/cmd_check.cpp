// check: verifies the database without writing to it (docs/reliability.md). Problems are results,
// so they go to stdout, one line each; the verdict is the exit code: 0 clean, 3 trouble.
#include "cli/commands.hpp"
#include "slatrack/error.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace slatrack::cli {

int run_check(Context& context) {
  std::FILE* out = context.out();
  const std::string path = context.store().location(); // a URL without its password
  const CheckReport report = context.store().check([out](const std::string& line) {
    std::string clean = line;
    for (char& c : clean) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        c = '?';
      }
    }
    std::fputs((clean + "\n").c_str(), out);
  });
  std::fflush(out);
  if (report.problems > 0) {
    throw Error{ErrorKind::storage,
                fmt::format("{} failed {} check{} (listed above) over {} request{}; restore a "
                            "backup, or report it with the lines above",
                            path, report.problems, report.problems == 1 ? "" : "s", report.requests,
                            report.requests == 1 ? "" : "s")};
  }
  if (!context.quiet()) {
    std::fputs(
        fmt::format("ok: {} request{} checked\n", report.requests, report.requests == 1 ? "" : "s")
            .c_str(),
        out);
  }
  return 0;
}

} // namespace slatrack::cli
