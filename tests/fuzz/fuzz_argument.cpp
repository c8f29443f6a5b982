// libFuzzer target for the limits on command-line arguments (include/slatrack/input.hpp):
// argument_problem never crashes; its message is printable (one line, valid UTF-8, no control
// characters) and names the value by quoted_argument, which is printable too; a value it accepts
// is valid UTF-8 within the length limit, and a name-like value has no control characters.
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using slatrack::fuzz::require;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  require(slatrack::fuzz::printable(slatrack::quoted_argument(text)),
          "quoted_argument not printable");
  for (const slatrack::ArgumentKind kind :
       {slatrack::ArgumentKind::text, slatrack::ArgumentKind::value}) {
    const auto problem = slatrack::argument_problem("ARG", kind, text);
    if (problem) {
      require(slatrack::fuzz::printable(*problem), "message not printable");
      continue;
    }
    require(!slatrack::first_invalid_utf8(text), "accepted invalid UTF-8");
    const std::size_t limit = kind == slatrack::ArgumentKind::text ? slatrack::k_max_text_bytes
                                                                   : slatrack::k_max_value_bytes;
    require(text.size() <= limit, "accepted a value over the limit");
    if (kind == slatrack::ArgumentKind::value) {
      require(slatrack::fuzz::printable(text), "accepted a control character in a value");
    }
  }
  return 0;
}
