// libFuzzer target: argument_problem never crashes, its message is one valid UTF-8 line, and a
// value it accepts as a name is valid UTF-8 without control characters.
#include "slatrack/input.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const slatrack::ArgumentKind kind :
       {slatrack::ArgumentKind::text, slatrack::ArgumentKind::value}) {
    const auto problem = slatrack::argument_problem("ARG", kind, text);
    if (problem) {
      if (problem->find('\n') != std::string::npos || slatrack::first_invalid_utf8(*problem)) {
        std::abort();
      }
    } else if (slatrack::first_invalid_utf8(text)) {
      std::abort();
    }
  }
  return 0;
}
